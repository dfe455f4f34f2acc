//! The test servers (moto, eks_extra.py in front of it, kmock's emulator) and how the tests run
//! `eksdoctor cluster` against them.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The port a test server announces on its first line (`ready PORT`); `failed` when it does not.
fn ready_port(child: &mut Child, failed: &str) -> String {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    match line.strip_prefix("ready ") {
        Some(port) => port.trim().to_string(),
        None => panic!("{failed}: {line:?}"),
    }
}

/// A server process, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Moto {
    _child: Running,
    pub url: String,
}

pub fn moto() -> Moto {
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
        // AWS managed policies exist, so that roles can attach them (as in an account).
        .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
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
        _child: Running(child),
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// tests/moto/eks_extra.py in front of moto: the EKS APIs moto does not serve (add-ons, access
/// entries, Pod Identity, identity providers, insights) answered from `estate`, everything else
/// forwarded; every AWS request of a scan through it is in `log`.
pub struct Front {
    _child: Running,
    pub url: String,
    pub log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Front {
    /// The most requests of each shape (`eks GET clusters/*/node-groups/*`) in flight at once
    /// (with [`front_with`] a delay).
    pub fn peaks(&self) -> std::collections::BTreeMap<String, u64> {
        let path = format!("{}.peaks", self.log.display());
        std::fs::read_to_string(path)
            .map(|t| serde_json::from_str(&t).unwrap())
            .unwrap_or_default()
    }
}

pub fn front(m: &Moto, estate: &str) -> Front {
    front_with(m, estate, 0.0)
}

/// [`front`] answering each EKS Describe of one node group, add-on or access entry `delay`
/// seconds late, and keeping the peak of requests in flight per request shape (`Front::peaks`).
pub fn front_with(m: &Moto, estate: &str, delay: f64) -> Front {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../eksdoctor_live/tests/moto");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("aws.log");
    let mut child = Command::new("python3")
        .arg(here.join("eks_extra.py"))
        .arg(&m.url)
        .arg(here.join(estate))
        .arg(&log)
        .arg(delay.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let port = ready_port(&mut child, "eks_extra.py did not start");
    Front {
        _child: Running(child),
        url: format!("http://127.0.0.1:{port}"),
        log,
        _dir: dir,
    }
}

/// kmock's emulator (tests/kmock/serve.py) seeded with `estate`, and a kubeconfig reaching it
/// as context `live-demo`; every request it served is in `log`.
pub struct Kmock {
    _child: Running,
    pub kubeconfig: std::path::PathBuf,
    pub log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

pub fn kmock(estate: &str) -> Kmock {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kmock");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.log");
    // One object a page: the client must follow continue tokens to read everything.
    let mut child = Command::new("python3")
        .arg(here.join("serve.py"))
        .arg(here.join(estate))
        .arg(&log)
        .arg("1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for this test, with kmock: pip install kmock");
    let port = ready_port(
        &mut child,
        "kmock's emulator did not start (is kmock installed? pip install kmock)",
    );
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: emu\n  cluster:\n    server: http://127.0.0.1:{port}\nusers:\n- name: emu\n  user:\n    token: test-token\ncontexts:\n- name: live-demo\n  context:\n    cluster: emu\n    user: emu\ncurrent-context: live-demo\n"
        ),
    )
    .unwrap();
    Kmock {
        _child: Running(child),
        kubeconfig,
        log,
        _dir: dir,
    }
}

pub fn rules_of(v: &serde_json::Value) -> Vec<String> {
    let mut rules: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules
}

pub fn seed(m: &Moto) {
    seed_with(m, &[]);
}

/// Run the seed script with `args`; its standard output.
pub fn seed_with(m: &Moto, args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../eksdoctor_live/tests/moto/seed.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&m.url)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `eksdoctor cluster ARGS` with test credentials and nothing from the user's AWS setup.
pub fn cluster(url: &str, args: &[&str]) -> (i32, serde_json::Value, String) {
    run_cluster(&[("AWS_ENDPOINT_URL", url)], ("testing", "testing"), args)
}

/// `program` run in `home` with test credentials `key`, the environment `env` (endpoints) and
/// nothing from the user's AWS setup (the environment is cleared but PATH).
pub fn isolated(
    program: impl AsRef<std::ffi::OsStr>,
    home: &Path,
    key: (&str, &str),
    env: &[(&str, &str)],
) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", key.0)
        .env("AWS_SECRET_ACCESS_KEY", key.1)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .current_dir(home);
    cmd
}

/// `eksdoctor ARGS` (a calculator) with test credentials, AWS at `url`, and nothing from the
/// user's AWS setup: exit code, standard output, standard error.
pub fn calculator(url: &str, args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("eksdoctor");
    let out = isolated(
        bin,
        home.path(),
        ("testing", "testing"),
        &[("AWS_ENDPOINT_URL", url)],
    )
    .args(args)
    .args(["--region", "eu-west-1", "--as-of", "2026-11-22"])
    .output()
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `eksdoctor cluster ARGS` with the environment `env` (endpoints) and the access key `key`.
pub fn run_cluster(
    env: &[(&str, &str)],
    key: (&str, &str),
    args: &[&str],
) -> (i32, serde_json::Value, String) {
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("eksdoctor");
    let out = isolated(bin, home.path(), key, env)
        .arg("cluster")
        .args(args)
        .args(["--region", "eu-west-1"])
        .args([
            "--format",
            "json",
            "--show-unknown",
            "--as-of",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
