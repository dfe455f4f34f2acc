//! Monorepos: independent directories scanned together give the same findings as each scanned
//! alone (issue 12 §1). The units are the bundled examples and every fixture directory of every
//! rule (each a self-contained case: a root module, an eksctl file with its manifests, …). Many
//! of them name their cluster alike (`c1`, `aws_eks_cluster.this`), as separate accounts and
//! environments of one repository do.

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

type Found = BTreeSet<(String, String, u64, String)>;

fn scan(paths: &[String]) -> Found {
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(root())
        .arg("scan")
        .args(paths)
        .args([
            "--format",
            "json",
            "--fail-on",
            "never",
            "--as-of",
            "2026-12-01",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn units() -> Vec<String> {
    let mut units: Vec<String> = [
        "examples/demo",
        "examples/terraform-eks",
        "examples/terraform-eks-plan",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let fixtures = root().join("crates/eksdoctor_rules/fixtures");
    let mut rules: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    rules.sort();
    for r in rules {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&r)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        for c in cases {
            let rel = c.strip_prefix(root()).unwrap_or(&c).to_path_buf();
            units.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    units
}

#[test]
fn independent_directories_scanned_together_give_the_findings_of_each_alone() {
    let units = units();
    assert!(units.len() > 100, "{}", units.len());
    let mut alone = Found::new();
    for u in &units {
        alone.extend(scan(std::slice::from_ref(u)));
    }
    let together = scan(&units);
    let only_alone: Vec<_> = alone.difference(&together).collect();
    let only_together: Vec<_> = together.difference(&alone).collect();
    assert!(
        only_alone.is_empty() && only_together.is_empty(),
        "only when scanned alone: {only_alone:#?}\nonly when scanned together: {only_together:#?}"
    );
    // The comparison means something: every kind of input gives findings.
    assert!(alone.len() > 500, "{}", alone.len());
}
