//! End-to-end: the binary on the bundled example and on bad input, as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn eksdoctor() -> Command {
    let mut c = Command::cargo_bin("eksdoctor").unwrap();
    c.current_dir(root()).env("NO_COLOR", "1");
    c
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON")
}

/// `eksdoctor scan --format json ARGS... PATH`, which must exit with `code`; its JSON.
fn scan_json(path: impl AsRef<std::ffi::OsStr>, args: &[&str], code: i32) -> serde_json::Value {
    let out = eksdoctor()
        .args(["scan", "--format", "json"])
        .args(args)
        .arg(path)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    json(&out)
}

#[test]
fn demo_json_has_exactly_the_expected_findings() {
    let out = eksdoctor()
        .args([
            "scan",
            "examples/demo",
            "--format",
            "json",
            "--as-of",
            "2026-11-22",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let got: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            // Contract fields.
            for k in ["rule", "severity", "message", "source"] {
                assert!(f[k].is_string(), "{k} missing in {f}");
            }
            format!(
                "{}:{} {} {}",
                f["location"]["file"].as_str().unwrap(),
                f["location"]["line"],
                f["rule"].as_str().unwrap(),
                f["source"].as_str().unwrap()
            )
        })
        .collect();
    let want = [
        "examples/demo/cluster.yaml:6 control-plane-logging-off eksctl",
        // aws-auth.yaml is this cluster's (the only one scanned) and maps only a user as admin.
        "examples/demo/cluster.yaml:6 creator-only-admin eksctl",
        "examples/demo/cluster.yaml:6 endpoint-public-unrestricted eksctl",
        "examples/demo/cluster.yaml:6 secrets-no-customer-kms eksctl",
        "examples/demo/cluster.yaml:6 single-az eksctl",
        "examples/demo/cluster.yaml:8 version-out-of-standard-support eksctl",
        "examples/demo/cluster.yaml:14 subnet-too-small eksctl",
        "examples/demo/cluster.yaml:17 subnet-too-small eksctl",
        "examples/demo/cluster.yaml:23 imds-reachable-from-pods eksctl",
        "examples/demo/cluster.yaml:23 node-volume-unencrypted eksctl",
        "examples/demo/cluster.yaml:25 ami-type-deprecated eksctl",
        "examples/demo/cluster.yaml:28 max-pods-over-eni-limit eksctl",
        "examples/demo/cluster.yaml:31 imdsv2-not-required eksctl",
        "examples/demo/cluster.yaml:37 fargate-public-subnet eksctl",
        "examples/demo/manifests/aws-auth.yaml:12 aws-auth-user-system-masters k8s",
        "examples/demo/manifests/batch.yaml:1 fargate-unsupported-pod-spec k8s",
        "examples/demo/manifests/batch.yaml:7 cronjob-ip-churn k8s",
        "examples/demo/manifests/batch.yaml:22 deprecated-api k8s",
        "examples/demo/manifests/storage.yaml:1 in-tree-ebs-provisioner k8s",
        "examples/demo/manifests/storage.yaml:1 storageclass-immediate-binding k8s",
        "examples/demo/manifests/storage.yaml:29 ebs-csi-driver-missing k8s",
        "examples/demo/manifests/storage.yaml:29 ebs-volume-az-bound k8s",
    ];
    assert_eq!(got, want);
    assert_eq!(v["summary"]["findings"], 22);
    assert_eq!(v["summary"]["by_severity"]["high"], 12);
    assert_eq!(v["summary"]["files_scanned"], 4);
}

#[test]
fn numbers_in_messages_are_right() {
    let out = eksdoctor()
        .args([
            "scan",
            "examples/demo",
            "--format",
            "json",
            "--as-of",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // 2^(32-24) - 5 reserved; 2^11 - 5.
    assert!(text.contains(
        "holds 251 usable addresses; eksdoctor recommends at least a /21 (2043 usable) for node and pod subnets"
    ));
    // m5.large: 3 ENIs x (10 - 1) + 2 = 29 (eni-max-pods.txt agrees).
    assert!(text
        .contains("m5.large can address at most 29 pods (3 ENIs × (10 − 1) IPv4 addresses + 2)"));
    // 1.31 extended support ends 2026-11-26: 4 days after 2026-11-22; USD 0.50 x 8760 h = 4,380.
    assert!(text.contains("USD 4,380 more per cluster per year"));
    assert!(text.contains("ends 2026-11-26 (4 days left)"));
}

#[test]
fn as_of_changes_the_calendar_verdict() {
    // On 2026-11-26 1.31's extended support is over: end of life instead of extended support.
    let out = eksdoctor()
        .args([
            "scan",
            "examples/demo/cluster.yaml",
            "--format",
            "json",
            "--as-of",
            "2026-11-26",
        ])
        .output()
        .unwrap();
    let v = json(&out.stdout);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"version-end-of-life"));
    assert!(!rules.contains(&"version-out-of-standard-support"));
    // The day before, one day is left (singular), and on the day after, it ended one day ago.
    let message = |as_of: &str, rule: &str| -> String {
        let out = eksdoctor()
            .args([
                "scan",
                "examples/demo/cluster.yaml",
                "--format",
                "json",
                "--as-of",
                as_of,
            ])
            .output()
            .unwrap();
        json(&out.stdout)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(message("2026-11-25", "version-out-of-standard-support")
        .contains("extended support ends 2026-11-26 (1 day left)"));
    assert!(message("2026-11-27", "version-end-of-life")
        .contains("extended support ended 2026-11-26 (1 day ago)"));
}

#[test]
fn fail_on_decides_the_exit_status() {
    let args = [
        "scan",
        "examples/demo/manifests/storage.yaml",
        "--as-of",
        "2026-11-22",
    ];
    // high (default): in-tree-ebs-provisioner is high.
    eksdoctor().args(args).assert().code(1);
    eksdoctor()
        .args(args)
        .args(["--fail-on", "critical"])
        .assert()
        .code(0);
    eksdoctor()
        .args(args)
        .args(["--fail-on", "never"])
        .assert()
        .code(0);
    eksdoctor()
        .args(args)
        .args(["--fail-on", "bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--fail-on"));
}

#[test]
fn stdin_is_read_with_dash() {
    eksdoctor()
        .args(["scan", "-", "--format", "json", "--k8s-version", "1.25"])
        .write_stdin("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: x, namespace: y}\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"file\": \"<stdin>\""))
        .stdout(predicate::str::contains("removed in Kubernetes 1.25 (--k8s-version 1.25)"));
}

#[test]
fn bad_input_names_file_and_line_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n  oops: [\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("typed.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: n}\nspec:\n  replicas: three\n  template:\n    spec:\n      containers: {}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("sc.yaml"), "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp2}\nprovisioner: kubernetes.io/aws-ebs\n").unwrap();
    let v = scan_json(dir.path(), &[], 2);
    let errors = v["errors"].as_array().unwrap();
    let msgs: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "{}:{} {}",
                Path::new(e["file"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy(),
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("broken.yaml:4 invalid YAML")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m
                .starts_with("typed.yaml:5 Deployment: `replicas` must be a non-negative integer")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("typed.yaml:8 Deployment: `containers` must be a list")),
        "{msgs:?}"
    );
    // The good file was still scanned.
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "in-tree-ebs-provisioner"));
}

#[test]
fn helm_templates_unknown_files_and_gitignored_files_are_skipped_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("chart/templates")).unwrap();
    std::fs::write(
        p.join("chart/templates/sc.yaml"),
        "{{- if .Values.x }}\napiVersion: v1\nkind: {{ .Values.kind }}\n{{- end }}\n",
    )
    .unwrap();
    // An eksctl config kept as a Terraform `templatefile()` template.
    std::fs::write(
        p.join("eksctl.yaml"),
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: ${region}\nvpc:\n  subnets:\n    private:\n%{ for az, id in subnets ~}\n      ${az}:\n        id: \"${id}\"\n%{ endfor }\n",
    )
    .unwrap();
    std::fs::write(p.join("values.yaml"), "replicas: 3\n").unwrap();
    std::fs::write(p.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::create_dir_all(p.join("ignored")).unwrap();
    std::fs::write(p.join("ignored/sc.yaml"), "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp2}\nprovisioner: kubernetes.io/aws-ebs\n").unwrap();
    std::fs::write(
        p.join("ok.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
    )
    .unwrap();
    let v = scan_json(p, &[], 0);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["files_scanned"], 1);
    // --show-unknown says why each template was skipped.
    let notes: Vec<String> = scan_json(p, &["--show-unknown"], 0)["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{}:{} {}",
                n["file"].as_str().unwrap(),
                n["line"],
                n["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        notes.iter().any(
            |n| n.contains("chart/templates/sc.yaml:") && n.contains("a template (Helm or Go)")
        ),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("eksctl.yaml:9 skipped: a Terraform template")),
        "{notes:?}"
    );
}

#[test]
fn nothing_to_scan_and_missing_paths_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    eksdoctor()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing scanned"));
    eksdoctor()
        .args(["scan", "does/not/exist"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("does/not/exist: cannot read"));
}

#[test]
fn human_output_groups_by_file_without_colour_under_no_color() {
    eksdoctor()
        .args(["scan", "examples/demo", "--as-of", "2026-11-22"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "examples/demo/manifests/storage.yaml\n",
        ))
        .stdout(predicate::str::contains("high     in-tree-ebs-provisioner"))
        .stdout(predicate::str::contains(
            "22 findings (12 high, 7 medium, 3 low) in 4 files scanned",
        ))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn max_pods_prints_just_the_number_like_the_script() {
    eksdoctor()
        .args([
            "max-pods",
            "--instance-type",
            "m5.8xlarge",
            "--cni-version",
            "1.11.2",
            "--cni-prefix-delegation-enabled",
        ])
        .assert()
        .code(0)
        .stdout("250\n");
    eksdoctor()
        .args([
            "max-pods",
            "--instance-type",
            "c6in.32xlarge",
            "--cni-version",
            "1.11.2",
            "--show-max-allowed",
        ])
        .assert()
        .code(0)
        .stdout("394\n");
    eksdoctor()
        .args([
            "max-pods",
            "--instance-type",
            "m5.large",
            "--instance-type",
            "m5.8xlarge",
            "--cni-version",
            "1.20.0",
            "--format",
            "csv",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "m5.large,29,29,3,10,2,false\nm5.8xlarge,234,234,8,30,32,false\n",
        ));
}

#[test]
fn max_pods_unknown_type_suggests_names_and_all_lists_every_type() {
    eksdoctor()
        .args([
            "max-pods",
            "--instance-type",
            "m5.lrage",
            "--cni-version",
            "1.20",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown instance type `m5.lrage`; did you mean m5.large",
        ));
    let out = eksdoctor()
        .args([
            "max-pods",
            "--all",
            "--cni-version",
            "1.20",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json(&out).as_array().unwrap().len(),
        1391 - 6,
        "six types lack a vCPU count and exceed 110"
    );
}

/// Kustomize overlays: the files a kustomization applies as patches are parts of objects, not
/// objects; they are skipped with a note (the bases they patch are scanned).
#[test]
fn kustomize_patches_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let w = |rel: &str, text: &str| {
        let f = p.join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    let cron = |schedule: &str| {
        format!("apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: sync, namespace: ops}}\nspec:\n  schedule: \"{schedule}\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{{name: s, image: busybox}}]\n")
    };
    w("base/cron.yaml", &cron("*/5 * * * *"));
    w("base/kustomization.yaml", "resources: [cron.yaml]\n");
    // The prod overlay runs it every minute: a patch, and the same in the older form.
    w(
        "overlays/prod/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\npatches:\n  - path: every-minute.yaml\npatchesStrategicMerge:\n  - ../../shared/every-minute.yaml\n",
    );
    w(
        "overlays/prod/every-minute.yaml",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: sync, namespace: ops}\nspec:\n  schedule: \"* * * * *\"\n",
    );
    w("shared/every-minute.yaml", &cron("* * * * *"));
    let v = scan_json(p, &["--show-unknown"], 0);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0, "{}", v["errors"]);
    // The base runs every 5 minutes: no churn finding, and none from the patches.
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        0,
        "{}",
        v["findings"]
    );
    let notes: Vec<String> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["file"].as_str().unwrap(),
                n["message"].as_str().unwrap()
            )
        })
        .collect();
    for f in [
        "overlays/prod/every-minute.yaml",
        "shared/every-minute.yaml",
    ] {
        assert!(
            notes.iter().any(|n| n.contains(f)
                && n.contains("a Kustomize patch applied by")
                && n.contains("overlays/prod/kustomization.yaml")),
            "{f}: {notes:?}"
        );
    }
    // Named on the command line, a patch file is read as it is.
    let v = scan_json(p.join("shared/every-minute.yaml"), &[], 0);
    assert_eq!(v["findings"][0]["rule"], "cronjob-ip-churn");
}

/// Text encodings: YAML saved as UTF-16 with a byte order mark (Windows PowerShell 5 writes
/// `kubectl get -o yaml > sc.yaml` so) is read; a UTF-16 `.tf` file, which Terraform rejects, is
/// an error that says how to fix it.
#[test]
fn utf16_manifests_are_read_and_utf16_terraform_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let utf16 = |text: &str, le: bool| -> Vec<u8> {
        let mut b: Vec<u8> = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            b.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        b
    };
    let sc = |name: &str| {
        format!("apiVersion: storage.k8s.io/v1\r\nkind: StorageClass\r\nmetadata: {{name: {name}}}\r\nprovisioner: kubernetes.io/aws-ebs\r\n")
    };
    std::fs::write(dir.path().join("le.yaml"), utf16(&sc("le"), true)).unwrap();
    std::fs::write(dir.path().join("be.yaml"), utf16(&sc("be"), false)).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        utf16(
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            true,
        ),
    )
    .unwrap();
    let out = eksdoctor()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let mut got: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "in-tree-ebs-provisioner")
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap();
            format!("{}:{}", &file[file.len() - 7..], f["location"]["line"])
        })
        .collect();
    got.sort();
    assert_eq!(got, ["be.yaml:1", "le.yaml:1"]);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["file"].as_str().unwrap().ends_with("main.tf"));
    assert_eq!(
        errors[0]["message"],
        "UTF-16 text: Terraform reads only UTF-8 (save the file as UTF-8)"
    );
}
