//! `versions`, `upgrade` and `plan subnets` against independent sources: the calendar CSV read
//! here, and subnet cases computed by hand.

use assert_cmd::Command;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(root())
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

#[test]
fn versions_match_the_calendar_csv() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let v = run(&["versions", "--as-of", "2026-11-22"]);
    let rows = v["versions"].as_array().unwrap();
    let csv =
        std::fs::read_to_string(root().join("crates/eksdoctor_knowledge/data/eks-versions.csv"))
            .unwrap();
    let mut checked = 0;
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (release, eos, eoes) = (d(f[2]), d(f[3]), d(f[4]));
        let row = rows.iter().find(|r| r["version"] == f[0]).expect(f[0]);
        let (status, days) = if as_of < release {
            ("not_yet_released", None)
        } else if as_of < eos {
            ("standard", Some((eos - as_of).num_days()))
        } else if as_of < eoes {
            ("extended", Some((eoes - as_of).num_days()))
        } else {
            ("end_of_life", None)
        };
        assert_eq!(row["status"], status, "{}", f[0]);
        assert_eq!(row["days_left"].as_i64(), days, "{}", f[0]);
        assert_eq!(row["end_of_standard_support"], f[3]);
        // USD 0.60 - 0.10 per hour, 8,760 hours a year.
        assert_eq!(row["extended_support_usd_per_year"].as_f64(), Some(4380.0));
        checked += 1;
    }
    assert!(checked >= 14);
    // Spot values: 1.34 ends standard support on 2026-12-02, 10 days after 2026-11-22.
    let r134 = rows.iter().find(|r| r["version"] == "1.34").unwrap();
    assert_eq!(r134["days_left"], 10);
}

#[test]
fn upgrade_path_steps_addons_blockers_and_deadlines() {
    let p = run(&[
        "upgrade",
        "examples/demo",
        "--as-of",
        "2026-11-22",
        "--to",
        "1.34",
    ]);
    assert_eq!(p["from"], "1.31");
    let steps = p["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(
        (steps[0]["from"].as_str(), steps[0]["to"].as_str()),
        (Some("1.31"), Some("1.32"))
    );
    // 1.31's standard support ended 2025-11-26: 361 days before 2026-11-22.
    assert_eq!(steps[0]["deadline"], "2025-11-26");
    assert_eq!(steps[0]["days_left"], -361);
    assert_eq!(steps[0]["overdue"], true);
    // Add-on versions are the data's rows for the target version.
    let addons = |i: usize| -> Vec<(String, String)> {
        steps[i]["addons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a[0].as_str().unwrap().to_string(),
                    a[1].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let csv =
        std::fs::read_to_string(root().join("crates/eksdoctor_knowledge/data/addon-versions.csv"))
            .unwrap();
    for (name, v) in addons(0) {
        if let Some(row) = csv
            .lines()
            .find(|l| l.starts_with(&format!("{name},1.32,")))
        {
            assert_eq!(v, row.split(',').nth(2).unwrap(), "{name}");
        }
    }
    // The demo's PodDisruptionBudget uses policy/v1beta1 (removed in 1.25): a blocker now.
    let b0: Vec<String> = steps[0]["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["what"].as_str().unwrap().to_string())
        .collect();
    assert!(
        b0.iter()
            .any(|b| b.contains("policy/v1beta1") && b.contains("already removed in 1.25")),
        "{b0:?}"
    );
    // The AL2 node group blocks the step to 1.33 (no AL2 AMIs for 1.33+), not the step to 1.32.
    let al2 = |i: usize| {
        steps[i]["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["what"].as_str().unwrap().contains("Amazon Linux 2"))
    };
    assert!(!al2(0));
    assert!(al2(1));
    assert!(al2(2));
}

#[test]
fn plan_subnets_hand_computed_cases() {
    // 30 m5.large over 3 AZs: 10 nodes × 30 addresses (3 ENIs × 10, WARM_ENI_TARGET 1) = 300;
    // surge 2 × 30 = 60; jobs 6/min × (60 + 30) s / 60 = 9 over 3 AZs = 3; Fargate 20 / 3 → 7.
    // 370 × 1.5 = 555 → a /22 (1019 usable; a /23 holds 507).
    let p = run(&[
        "plan",
        "subnets",
        "--azs",
        "3",
        "--node-group",
        "m5.large:30",
        "--vpc-cidr",
        "10.0.0.0/16",
        "--cronjobs",
        "6",
        "--fargate-pods",
        "20",
        "--headroom",
        "50",
    ]);
    let az = &p["plan"]["azs"][0];
    let terms: Vec<u64> = az["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["addresses"].as_u64().unwrap())
        .collect();
    assert_eq!(terms, vec![300, 60, 3, 7]);
    assert_eq!(az["demand"], 370);
    assert_eq!(az["with_headroom"], 555);
    assert_eq!(az["prefix"], 22);
    let layout: Vec<(String, String)> = p["plan"]["layout"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l[1].as_str().unwrap().to_string(),
                l[2].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        layout,
        vec![
            ("10.0.0.0/22".into(), "10.0.12.0/24".into()),
            ("10.0.4.0/22".into(), "10.0.13.0/24".into()),
            ("10.0.8.0/22".into(), "10.0.14.0/24".into()),
        ]
    );
    // Prefix delegation: m5.large runs 110 pods (capped); ceil(110 / 16) + 1 warm = 8 prefixes
    // × 16 + 1 ENI = 129 addresses per node; 2 nodes + 2 surge per AZ = 516 → /22.
    let p = run(&[
        "plan",
        "subnets",
        "--azs",
        "eu-west-1a,eu-west-1b",
        "--node-group",
        "m5.large:4",
        "--cni-mode",
        "prefix",
        "--headroom",
        "0",
    ]);
    let az = &p["plan"]["azs"][0];
    assert_eq!(az["az"], "eu-west-1a");
    assert_eq!(az["demand"], 516);
    assert_eq!(az["prefix"], 22);
    // WARM_IP_TARGET 5, MINIMUM_IP_TARGET 10: max(29 + 5, 10) capped at 3 × 9 = 27 secondary
    // addresses + 3 ENI primaries = 30 per node; 4 nodes per AZ (2 + 2 surge) = 120.
    let p = run(&[
        "plan",
        "subnets",
        "--azs",
        "2",
        "--node-group",
        "m5.large:4",
        "--warm-ip-target",
        "5",
        "--minimum-ip-target",
        "10",
        "--headroom",
        "0",
    ]);
    assert_eq!(p["plan"]["azs"][0]["demand"], 120);
    // From scanned infrastructure: the demo's /24 (251 usable) against 6 full m5.large in one AZ
    // (6 × 30) plus 2 surge nodes (60), its every-minute CronJob (1 × (60 + 30) s / 60 → 2) and
    // its one Fargate pod = 243.
    let p = run(&["plan", "subnets", "examples/demo", "--headroom", "0"]);
    let az = &p["plan"]["azs"][0];
    let terms: Vec<u64> = az["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["addresses"].as_u64().unwrap())
        .collect();
    assert_eq!(terms, vec![180, 60, 2, 1]);
    assert_eq!(az["demand"], 243);
    assert_eq!(az["existing_usable"], 251);
}

#[test]
fn a_newer_calendar_file_replaces_the_embedded_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cal.csv");
    let mut csv =
        std::fs::read_to_string(root().join("crates/eksdoctor_knowledge/data/eks-versions.csv"))
            .unwrap();
    csv.push_str("1.37,2026-08-20,2026-10-01,2027-12-01,2028-12-01,test row\n");
    std::fs::write(&path, csv).unwrap();
    let v = run(&[
        "versions",
        "--as-of",
        "2026-11-22",
        "--calendar",
        path.to_str().unwrap(),
    ]);
    let r = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "1.37")
        .expect("1.37");
    assert_eq!(r["status"], "standard");
    assert_eq!(r["days_left"], 374);
    // A broken calendar is an error naming the file.
    std::fs::write(&path, "not,a,calendar\n").unwrap();
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .args(["versions", "--calendar", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cal.csv"));
}

/// A cluster already on the newest released version has nothing to plan (exit 0); a version
/// newer than the calendar asks for a newer calendar (exit 2).
#[test]
fn upgrade_from_the_newest_or_beyond_the_calendar() {
    let newest = "1.36"; // the newest version released by 2026-11-22 in the embedded calendar
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .args(["upgrade", "--from", newest, "--as-of", "2026-11-22"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to upgrade to"));
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .args(["upgrade", "--from", "1.99", "--as-of", "2026-11-22"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer calendar with --calendar"));
}

/// IPv6 clusters (EKS user guide, "IPv6 addresses to clusters, Pods, and services"): pods take
/// IPv6 addresses, so nodes hold 1 IPv4 address each and short-lived pods none; each Fargate
/// pod's host still takes 1. By hand: 30 nodes over 3 AZs → 10, surge 2, Fargate 30 / 3 = 10,
/// CronJobs 0: 22, with 100% headroom 44 → a /26 (59 usable; a /27 holds 27).
#[test]
fn plan_subnets_ipv6_cluster() {
    let p = run(&[
        "plan",
        "subnets",
        "--azs",
        "3",
        "--node-group",
        "m5.large:30",
        "--cni-mode",
        "ipv6",
        "--cronjobs",
        "6",
        "--fargate-pods",
        "30",
    ]);
    let az = &p["plan"]["azs"][0];
    let terms: Vec<u64> = az["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["addresses"].as_u64().unwrap())
        .collect();
    assert_eq!(terms, vec![10, 2, 10]);
    assert_eq!(az["demand"], 22);
    assert_eq!(az["with_headroom"], 44);
    assert_eq!(az["prefix"], 26);
    let assumptions = p["plan"]["assumptions"].to_string();
    assert!(assumptions.contains("IPv6 cluster"), "{assumptions}");
    assert!(
        assumptions.contains("short-lived pods on nodes take no address"),
        "{assumptions}"
    );
}

/// `upgrade` in words: a version past its end of extended support is upgraded by EKS itself (no
/// yearly cost is quoted), and a cluster with the STANDARD upgrade policy pays no extended-support
/// fee (EKS upgrades it at the end of standard support).
#[test]
fn upgrade_deadlines_follow_the_calendar_and_the_upgrade_policy() {
    let text = |args: &[&str]| -> String {
        let out = Command::cargo_bin("eksdoctor")
            .unwrap()
            .current_dir(root())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // 1.28's extended support ended 2025-11-26 (calendar CSV): no cost, the automatic upgrade.
    let t = text(&[
        "upgrade",
        "--from",
        "1.28",
        "--to",
        "1.29",
        "--as-of",
        "2026-11-22",
    ]);
    assert!(t.contains("1.28 left extended support on 2025-11-26: EKS upgrades such control planes to the next version automatically"), "{t}");
    assert!(!t.contains("USD"), "{t}");
    // No cluster scanned: the policy is not known, and the message says what STANDARD would mean.
    let t = text(&[
        "upgrade",
        "--from",
        "1.33",
        "--to",
        "1.34",
        "--as-of",
        "2026-11-22",
    ]);
    assert!(t.contains("extended support costs USD 4,380 per cluster per year until this step is done, unless the cluster's upgrade policy is STANDARD"), "{t}");
    // A scanned cluster with upgrade_policy STANDARD.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.tf"),
        "resource \"aws_eks_cluster\" \"c\" {\n  name     = \"c\"\n  version  = \"1.33\"\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  upgrade_policy {\n    support_type = \"STANDARD\"\n  }\n  vpc_config { subnet_ids = [] }\n}\n",
    )
    .unwrap();
    let dir = d.path().to_str().unwrap();
    let t = text(&["upgrade", dir, "--to", "1.34", "--as-of", "2026-11-22"]);
    assert!(t.contains("1.33 left standard support on 2026-07-29 (116 days ago); with the STANDARD upgrade policy EKS upgrades the control plane automatically (no extended-support fee)"), "{t}");
    let p = run(&["upgrade", dir, "--to", "1.34", "--as-of", "2026-11-22"]);
    assert_eq!(p["support_type"], "STANDARD");
    assert_eq!(p["steps"][0]["past_extended"], false);
}
