//! `[limits]` in `.eksdoctor.toml` raises (or lowers) the scan's resource limits, within
//! ceilings that no configuration can pass (docs/security.md).

use assert_cmd::Command;
use std::path::Path;

/// `eksdoctor scan . --format json` in `dir`: exit code, report, stderr.
fn scan(dir: &Path) -> (i32, serde_json::Value, String) {
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(dir)
        .args([
            "scan",
            ".",
            "--format",
            "json",
            "--as-of",
            "2026-11-22",
            "--show-unknown",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap(), v, stderr)
}

fn messages(v: &serde_json::Value, key: &str) -> String {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A ConfigMap of about `mib` MiB.
fn big_manifest(mib: usize) -> String {
    let data = "x".repeat(mib * 1024 * 1024);
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: {data}\n")
}

#[test]
fn the_input_file_limit_can_be_lowered_and_raised() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("big.yaml"), big_manifest(2)).unwrap();
    std::fs::write(
        d.path().join("small.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    )
    .unwrap();
    std::fs::write(d.path().join(".eksdoctor.toml"), "[limits]\nfile_mib = 1\n").unwrap();
    let (code, v, err) = scan(d.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        messages(&v, "notes").contains(
            "larger than 1 MiB: not read (the scan's limit, `[limits]` in .eksdoctor.toml)"
        ),
        "{v}"
    );
    std::fs::write(d.path().join(".eksdoctor.toml"), "[limits]\nfile_mib = 4\n").unwrap();
    let (code, v, err) = scan(d.path());
    assert_eq!(code, 0, "{err}");
    assert!(!messages(&v, "notes").contains("not read"), "{v}");
}

#[test]
fn the_instance_and_step_limits_can_be_set() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.tf"),
        "resource \"aws_subnet\" \"s\" {\n  count      = 50\n  vpc_id     = \"vpc-1\"\n  cidr_block = cidrsubnet(\"10.0.0.0/16\", 8, count.index)\n}\n",
    )
    .unwrap();
    let (code, _, err) = scan(d.path());
    assert_eq!(code, 0, "{err}");
    std::fs::write(
        d.path().join(".eksdoctor.toml"),
        "[limits]\ninstances = 20\n",
    )
    .unwrap();
    let (code, v, _) = scan(d.path());
    assert_eq!(code, 2);
    assert!(
        messages(&v, "errors").contains(
            "more than 20 resource and block instances in this root module (eksdoctor's limit, `[limits] instances`"
        ),
        "{v}"
    );
    std::fs::write(
        d.path().join(".eksdoctor.toml"),
        "[limits]\neval_steps = 10\n",
    )
    .unwrap();
    let (code, v, _) = scan(d.path());
    assert_eq!(code, 2);
    assert!(
        messages(&v, "errors").contains(
            "evaluation stopped: more than 10 steps in this root module (eksdoctor's limit, `[limits] eval_steps`)"
        ),
        "{v}"
    );
}

#[test]
fn no_configuration_passes_the_ceilings() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), "").unwrap();
    for (line, message) in [
        (
            "file_mib = 100000",
            "limits.file_mib = 100000: must be between 1 and 1024 (the most eksdoctor allows)",
        ),
        (
            "instances = 0",
            "limits.instances = 0: must be between 1 and 1000000 (the most eksdoctor allows)",
        ),
        (
            "terraform_file_mib = 129",
            "limits.terraform_file_mib = 129: must be between 1 and 128",
        ),
    ] {
        std::fs::write(
            d.path().join(".eksdoctor.toml"),
            format!("[limits]\n{line}\n"),
        )
        .unwrap();
        let (code, _, err) = scan(d.path());
        assert_eq!(code, 2, "{line}");
        assert!(
            err.contains(".eksdoctor.toml: ") && err.contains(message),
            "{line}: {err}"
        );
    }
}
