//! Every command takes its settings from one resolver and its inputs from one loader: the
//! configuration's excludes and Terraform variables apply to `plan subnets` and `upgrade` as they
//! do to `scan`, and `--as-of` / `--calendar` are the same flags everywhere.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A copy of examples/demo in a temporary directory, with `config` as its `.eksdoctor.toml`.
fn demo_with(config: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let src = root().join("examples/demo");
    std::fs::create_dir(d.path().join("manifests")).unwrap();
    std::fs::copy(src.join("cluster.yaml"), d.path().join("cluster.yaml")).unwrap();
    for f in std::fs::read_dir(src.join("manifests")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, d.path().join("manifests").join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(d.path().join(".eksdoctor.toml"), config).unwrap();
    d
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn term_names(plan: &serde_json::Value) -> Vec<String> {
    plan["plan"]["azs"][0]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["what"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn plan_subnets_honours_the_configuration() {
    // Without excludes: the CronJob in manifests/batch.yaml adds short-lived pods.
    let d = demo_with("[ip_model]\nheadroom_pct = 10\n");
    let p = json(d.path(), &["plan", "subnets", "."]);
    assert!(term_names(&p)
        .iter()
        .any(|t| t.starts_with("short-lived pods")));
    assert_eq!(p["input"]["headroom_pct"], 10);
    // Excluded by the configuration, as `scan` excludes it: no CronJob term.
    let d = demo_with("[paths]\nexclude = [\"manifests/batch.yaml\"]\n");
    let p = json(d.path(), &["plan", "subnets", "."]);
    let names = term_names(&p);
    assert!(
        !names.iter().any(|t| t.starts_with("short-lived pods")),
        "{names:?}"
    );
    // `--as-of` is accepted and checked as everywhere else.
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(d.path())
        .args(["plan", "subnets", ".", "--as-of", "22/11/2026"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "eksdoctor: --as-of: `22/11/2026` is not a date like 2026-11-22"
    );
}

#[test]
fn upgrade_honours_the_configuration() {
    let blockers = |v: &serde_json::Value| -> Vec<String> {
        v["steps"][0]["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["what"].as_str().unwrap().to_string())
            .collect()
    };
    let d = demo_with("");
    let v = json(
        d.path(),
        &["upgrade", ".", "--as-of", "2026-11-22", "--to", "1.32"],
    );
    assert!(blockers(&v)
        .iter()
        .any(|b| b.contains("PodDisruptionBudget web")));
    let d = demo_with("[paths]\nexclude = [\"batch.yaml\"]\n");
    let v = json(
        d.path(),
        &["upgrade", ".", "--as-of", "2026-11-22", "--to", "1.32"],
    );
    assert!(blockers(&v).is_empty(), "{:?}", blockers(&v));
}

#[test]
fn upgrade_reads_terraform_variables_from_the_configuration_and_flags() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.tf"),
        "variable \"k8s\" {\n  type = string\n}\n\nresource \"aws_eks_cluster\" \"this\" {\n  name     = \"c\"\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  version  = var.k8s\n  vpc_config {\n    subnet_ids = [\"subnet-1\"]\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join(".eksdoctor.toml"),
        "[terraform]\nvars = { k8s = \"1.30\" }\n",
    )
    .unwrap();
    let v = json(
        d.path(),
        &["upgrade", ".", "--as-of", "2026-11-22", "--to", "1.32"],
    );
    assert_eq!(v["from"], "1.30");
    // `--var` comes after the configuration's variables and wins.
    let v = json(
        d.path(),
        &[
            "upgrade",
            ".",
            "--as-of",
            "2026-11-22",
            "--to",
            "1.32",
            "--var",
            "k8s=1.31",
        ],
    );
    assert_eq!(v["from"], "1.31");
    // A string variable given as `1.30` stays the string "1.30", as Terraform takes `-var`
    // values of primitive-typed variables literally (it used to become the number 1.3 and a
    // false version-end-of-life finding for "Kubernetes 1.3").
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(d.path())
        .args([
            "scan",
            ".",
            "--as-of",
            "2026-11-22",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(["--var", "k8s=1.30"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let versions: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("version-"))
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert!(versions[0].contains("1.30"), "{versions:?}");
}

/// `[[clusters]] external`: what a cluster has outside the scanned code is not reported missing;
/// the rules that would have looked for it say so under `--show-unknown`, naming the file.
#[test]
fn clusters_external_declares_what_lives_elsewhere() {
    let d = tempfile::tempdir().unwrap();
    let rules = root().join("crates/eksdoctor_rules/fixtures");
    let tf =
        std::fs::read_to_string(rules.join("no-workload-identity/pos-root-complete-tf/main.tf"))
            .unwrap();
    // The creator is admin and nobody else: creator-only-admin fires too.
    let tf = tf.replace(
        "authentication_mode = \"API\"",
        "authentication_mode = \"API\"\n    bootstrap_cluster_creator_admin_permissions = true",
    );
    std::fs::write(d.path().join("main.tf"), tf).unwrap();
    let rules_of = |v: &serde_json::Value, key: &str| -> Vec<String> {
        let mut r: Vec<String> = v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        r.sort();
        r
    };
    let scan = |dir: &Path| json(dir, &["scan", ".", "--show-unknown", "--fail-on", "never"]);
    let before = rules_of(&scan(d.path()), "findings");
    assert!(
        before.contains(&"no-workload-identity".to_string()),
        "{before:?}"
    );
    assert!(
        before.contains(&"creator-only-admin".to_string()),
        "{before:?}"
    );

    std::fs::write(
        d.path().join(".eksdoctor.toml"),
        "[[clusters]]\ncluster = \"c1\"\nexternal = [\"oidc-provider\", \"access-entries\"]\n",
    )
    .unwrap();
    let v = scan(d.path());
    let after = rules_of(&v, "findings");
    assert!(
        !after.contains(&"no-workload-identity".to_string()),
        "{after:?}"
    );
    assert!(
        !after.contains(&"creator-only-admin".to_string()),
        "{after:?}"
    );
    for rule in ["no-workload-identity", "creator-only-admin"] {
        let u = v["unknowns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule}: {}", v["unknowns"]));
        let m = u["message"].as_str().unwrap();
        assert!(m.contains(".eksdoctor.toml declares the"), "{m}");
        assert!(m.contains("of cluster `c1` external"), "{m}");
    }

    // A value that is not a known part is an error naming it and the choices.
    std::fs::write(
        d.path().join(".eksdoctor.toml"),
        "[[clusters]]\ncluster = \"c1\"\nexternal = [\"oidc\"]\n",
    )
    .unwrap();
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(d.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("external `oidc` is not one of oidc-provider, pod-identity, access-entries, addons, vpc-endpoints"),
        "{err}"
    );
}
