//! CI gating that holds: baselines whatever directory the scan runs in and however its paths are
//! written, files read once however they are named, plain text in report files.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// `eksdoctor ARGS` run in `cwd`: exit code, standard output, standard error.
fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--as-of", "2026-11-22"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A repository with Terraform in `tf/` and manifests in `k8s/` (the bundled examples), with or
/// without a git work tree around it.
fn repo(git: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if git {
        std::fs::create_dir(dir.path().join(".git")).unwrap();
    }
    copy_dir(
        &root().join("examples/terraform-eks"),
        &dir.path().join("tf"),
    );
    copy_dir(
        &root().join("examples/demo/manifests"),
        &dir.path().join("k8s"),
    );
    dir
}

/// A baseline written at the root with `scan tf k8s` matches every later scan of the same files,
/// from any directory and with any path form (relative, `./x/`, `..`, absolute), in a git work
/// tree and outside one; and writing it says how many fingerprints it recorded and exits 0.
#[test]
fn a_baseline_holds_across_directories_and_path_forms() {
    for git in [true, false] {
        let r = repo(git);
        let top = r.path();
        let (code, out, err) = run(
            top,
            &[
                "scan",
                "tf",
                "k8s",
                "--format",
                "json",
                "--write-baseline",
                "b.json",
            ],
        );
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let n = v["summary"]["findings"].as_u64().unwrap();
        assert!(n >= 10, "{out}");
        assert!(
            err.contains(&format!("wrote {n} fingerprints to b.json")),
            "{err}"
        );
        let abs = |p: &str| top.join(p).to_str().unwrap().to_string();
        let (tf, k8s, b) = (abs("tf"), abs("k8s"), abs("b.json"));
        let other = tempfile::tempdir().unwrap();
        let cases: Vec<(PathBuf, Vec<&str>)> = vec![
            (
                top.to_path_buf(),
                vec!["./tf/", "k8s/", "--baseline", "b.json"],
            ),
            (
                top.join("k8s"),
                vec!["../tf", ".", "--baseline", "../b.json"],
            ),
            (top.join("tf"), vec![&tf, &k8s, "--baseline", &b]),
            (
                other.path().to_path_buf(),
                vec![&k8s, &tf, "--baseline", &b],
            ),
        ];
        for (cwd, args) in cases {
            let mut all = vec!["scan", "--format", "json"];
            all.extend(&args);
            let (code, out, err) = run(&cwd, &all);
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(
                (code, &v["summary"]["baselined"]),
                (0, &n.into()),
                "git {git}, from {cwd:?} with {args:?}: new {} {err}",
                v["findings"]
            );
        }
    }
}

/// A baseline of the fingerprints of an older eksdoctor (which hashed the message in) is an
/// error that says what to do, not every finding reported as new.
#[test]
fn a_baseline_of_another_fingerprint_version_says_so() {
    let r = repo(true);
    std::fs::write(
        r.path().join("old.json"),
        r#"{"version": 1, "findings": [{"fingerprint": "c11e765943f1648e"}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(r.path(), &["scan", "tf", "--baseline", "old.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--baseline old.json: written by another eksdoctor version (fingerprints of version 1, this one reads 2): write it again with --write-baseline"),
        "{err}"
    );
}

/// A file given twice, or inside a directory also given, is one file with the same directory
/// context, whichever way it was named.
#[test]
fn paths_are_read_once() {
    let once = run(&root(), &["scan", "examples/demo", "--format", "json"]);
    assert_eq!(once.0, 1, "{}", once.2);
    let v: serde_json::Value = serde_json::from_str(&once.1).unwrap();
    assert_eq!(v["summary"]["files_scanned"], 4, "{}", once.1);
    for args in [
        vec!["examples/demo", "./examples/demo/"],
        vec!["examples/demo", "examples/demo/manifests"],
        vec!["examples/demo/manifests", "examples/demo"],
        vec![
            "examples/demo",
            "examples/demo/manifests/../manifests/storage.yaml",
        ],
    ] {
        let mut all = vec!["scan", "--format", "json"];
        all.extend(&args);
        let twice = run(&root(), &all);
        assert_eq!(twice.1, once.1, "{args:?}");
    }
}

/// A report written to a file is plain text, even where colour is forced for the terminal.
#[test]
fn report_files_have_no_colour() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["scan", "examples/demo", "-o", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("high"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

/// Findings on a node group of the eks module point at the node group's own key line, so that a
/// suppression above it applies; a suppression that silences nothing is itself reported.
#[test]
fn a_module_node_group_is_suppressed_at_its_key_and_stale_suppressions_are_reported() {
    let r = repo(true);
    let main = r.path().join("tf/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let text = text.replacen(
        "    example = {\n",
        "    # eksdoctor:ignore imds-reachable-from-pods -- no pod here uses the AWS SDK\n    example = {\n",
        1,
    );
    let text = text.replacen(
        "  cluster_addons = {\n",
        "  # eksdoctor:ignore addon-not-managed -- every add-on below is managed\n  cluster_addons = {\n",
        1,
    );
    std::fs::write(&main, text).unwrap();
    let (code, out, err) = run(r.path(), &["scan", "tf", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let suppressed: Vec<&str> = v["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    assert_eq!(suppressed, ["imds-reachable-from-pods"], "{out}");
    let stale: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "suppression-unused")
        .collect();
    assert_eq!(stale.len(), 1, "{out}");
    assert_eq!(stale[0]["severity"], "low");
    assert!(
        stale[0]["message"]
            .as_str()
            .unwrap()
            .contains("this suppression of addon-not-managed silences nothing"),
        "{}",
        stale[0]
    );
}
