//! Snapshots of what a user reads in the terminal for each bundled example (with
//! `--show-unknown`), so that a change in any stage shows as a readable diff of the output.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test` and `git diff`).

use assert_cmd::Command;
use std::path::Path;

fn human(path: &str) -> String {
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .env("NO_COLOR", "1")
        .args(["scan", path, "--as-of", "2026-11-22", "--show-unknown"])
        .output()
        .unwrap();
    format!(
        "exit code {}\n{}",
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap()
    )
}

#[test]
fn demo() {
    insta::assert_snapshot!(human("examples/demo"));
}

#[test]
fn terraform_eks() {
    insta::assert_snapshot!(human("examples/terraform-eks"));
}

#[test]
fn terraform_eks_plan() {
    insta::assert_snapshot!(human("examples/terraform-eks-plan/plan.json"));
}
