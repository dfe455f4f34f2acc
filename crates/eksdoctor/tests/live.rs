//! `eksdoctor cluster` against moto's server on loopback (real SDK client code, real protocol):
//! the estate of `crates/eksdoctor_live/tests/moto/seed.py` gives exactly its findings, what the
//! server does not serve (EKS add-ons) is a note and an unknown, and a cluster that does not
//! exist is an error. Needs moto (`pip install 'moto[server]'`; `.ci/run` installs it), run as
//! `python3 -m moto.server`: without it the test fails.

#![cfg(feature = "live")]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto() -> Moto {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 is needed for this test, with moto: pip install 'moto[server]'");
    let mut child = child;
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "moto's server exited ({status}): is moto installed? pip install 'moto[server]'"
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "moto's server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

fn seed(m: &Moto) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../eksdoctor_live/tests/moto/seed.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&m.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `eksdoctor cluster ARGS` with test credentials and nothing from the user's AWS setup.
fn cluster(m: &Moto, args: &[&str]) -> (i32, serde_json::Value, String) {
    let home = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("eksdoctor")
        .unwrap()
        .arg("cluster")
        .args(args)
        .args(["--region", "eu-west-1", "--endpoint-url", &m.url])
        .args([
            "--format",
            "json",
            "--show-unknown",
            "--as-of",
            "2026-11-22",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home.path())
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_live_estate_gives_its_findings_and_says_what_it_could_not_read() {
    let m = moto();
    seed(&m);
    let (code, v, stderr) = cluster(&m, &[]);
    assert_eq!(code, 1, "{stderr}");
    let mut rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            "ami-type-deprecated",
            "control-plane-logging-off",
            "endpoint-public-unrestricted",
            "imdsv2-not-required",
            "private-cluster-missing-endpoints",
            "secrets-no-customer-kms",
            "subnet-too-small",
            "version-out-of-standard-support",
        ]
    );
    // The /24 is the small subnet; its location is the subnet, not a file.
    let small = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "subnet-too-small")
        .unwrap();
    assert!(
        small["message"].as_str().unwrap().contains("10.0.0.0/24"),
        "{small}"
    );
    // moto serves no EKS add-ons: that is a note, and the rule that needed them says so.
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("not read: add-ons of live-demo (eks:ListAddons)"),
        "{notes}"
    );
    let unknowns = v["unknowns"].to_string();
    assert!(unknowns.contains("eks:ListAddons"), "{unknowns}");
    assert!(stderr.contains("read live-demo ("), "{stderr}");
}

#[test]
fn a_cluster_that_is_not_there_is_an_error_naming_it() {
    let m = moto();
    let (code, _, stderr) = cluster(&m, &["nope"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("nothing could be read: cluster `nope` not read: eks:DescribeCluster: ResourceNotFoundException"),
        "{stderr}"
    );
}
