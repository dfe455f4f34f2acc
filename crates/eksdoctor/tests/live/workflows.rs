//! The live read as the commands around it use it: the calculators on a running cluster, the
//! bound on parallel calls, progress on a terminal, and the same estate written as files.

use crate::servers::*;
use std::path::Path;

#[test]
fn the_calculators_take_a_running_cluster() {
    let m = moto();
    seed(&m);
    let f = front(&m, "eks_estate.json");
    let k = kmock("estate.json");
    let kc = k.kubeconfig.to_str().unwrap();
    let live = [
        "--cluster",
        "live-demo",
        "--kubeconfig",
        kc,
        "--context",
        "live-demo",
    ];
    // The upgrade starts from the running version, with the API a client last applied the
    // PDB with among the blockers of the first step.
    let mut args = vec!["upgrade", "--to", "1.33", "--format", "json"];
    args.extend(live);
    let (code, out, err) = calculator(&f.url, &args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("read live-demo ("), "{err}");
    let up: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(up["from"], "1.31", "{out}");
    assert!(
        out.contains("PodDisruptionBudget web") && out.contains("policy/v1beta1"),
        "{out}"
    );
    // The subnet plan takes the node groups, the CNI settings of aws-node and the subnets as they
    // are, with the addresses free in them now: 51 in eu-west-1a (200 other interfaces there).
    let mut args = vec!["plan", "subnets", "--format", "json"];
    args.extend(live);
    let (code, out, err) = calculator(&f.url, &args);
    assert_eq!(code, 0, "{out}{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    let a = plan["plan"]["azs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["az"] == "eu-west-1a")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(a["existing_usable"], 251, "{a}");
    assert_eq!(a["free_now"], 51, "{a}");
    let mut args = vec!["plan", "subnets"];
    args.extend(live);
    let (code, out, err) = calculator(&f.url, &args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("     51  free now in them"), "{out}");
}

#[test]
fn describe_calls_run_in_parallel_within_their_bound() {
    let m = moto();
    seed_with(&m, &["--node-groups", "20"]);
    // Each DescribeNodegroup answers 0.3 s late: 22 of them one after the other take 7 s.
    let f = front_with(&m, "eks_estate.json", 0.3);
    let start = std::time::Instant::now();
    let (code, v, stderr) = cluster(&f.url, &["--no-kubernetes"]);
    let took = start.elapsed();
    assert_eq!(code, 1, "{stderr}");
    let log = std::fs::read_to_string(&f.log).unwrap();
    let described = log
        .lines()
        .filter(|l| l.starts_with("eks GET /clusters/live-demo/node-groups/"))
        .count();
    assert_eq!(described, 22, "every node group is described once: {log}");
    assert!(!v["findings"].to_string().is_empty(), "{v}");
    let peak = f.peaks()["eks GET clusters/*/node-groups/*"];
    assert!(
        (2..=8).contains(&peak),
        "DescribeNodegroup calls in flight at once: {peak} (bound 8); took {took:?}"
    );
}

#[test]
fn progress_is_shown_on_a_terminal_only() {
    let m = moto();
    seed(&m);
    // Not a terminal: standard error has the summary line and nothing else.
    let (code, _, stderr) = cluster(&m.url, &["--no-kubernetes"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // On a terminal (util-linux `script` gives the command one), a spinner says what is read;
    // the report written to a file has none of it.
    let dir = tempfile::tempdir().unwrap();
    let (tty, report) = (dir.path().join("tty.txt"), dir.path().join("report.json"));
    let bin = assert_cmd::cargo::cargo_bin("eksdoctor");
    let command = format!(
        "{} cluster --no-kubernetes --region eu-west-1 --format json -o {}",
        bin.display(),
        report.display()
    );
    let status = isolated(
        "script",
        dir.path(),
        ("testing", "testing"),
        &[("TERM", "xterm"), ("AWS_ENDPOINT_URL", &m.url)],
    )
    .args(["-qec", &command])
    .arg(&tty)
    .stdout(std::process::Stdio::null())
    .status()
    .expect("util-linux `script` is needed for this test (Debian: bsdutils)");
    assert_eq!(status.code(), Some(1));
    let screen = String::from_utf8_lossy(&std::fs::read(&tty).unwrap()).into_owned();
    for stage in ["EKS", "EC2", "IAM"] {
        assert!(
            screen.contains(&format!("reading live-demo: {stage} (")),
            "{screen}"
        );
    }
    let json = std::fs::read_to_string(&report).unwrap();
    assert!(
        !json.contains('\u{1b}') && !json.contains("reading live-demo"),
        "{json}"
    );
    serde_json::from_str::<serde_json::Value>(&json).unwrap();
}

/// The rules of a report's findings and, of the rules in `same`, their messages with the cluster
/// named `CLUSTER` (a Terraform address in a scan, an ARN in a live read).
fn comparable(v: &serde_json::Value, same: &[&str]) -> (Vec<String>, Vec<String>) {
    let findings = v["findings"].as_array().unwrap();
    let mut messages: Vec<String> = findings
        .iter()
        .filter(|f| same.contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .replace(
                    "arn:aws:eks:eu-west-1:123456789012:cluster/live-demo",
                    "CLUSTER",
                )
                .replace("aws_eks_cluster.live_demo", "CLUSTER")
        })
        .collect();
    messages.sort();
    (rules_of(v), messages)
}

#[test]
fn the_same_estate_in_terraform_and_manifests_gives_the_same_findings_but_the_live_only_facts() {
    let m = moto();
    seed(&m);
    let f = front(&m, "eks_estate.json");
    let k = kmock("estate.json");
    let kc = k.kubeconfig.to_str().unwrap();
    let (code, live, stderr) = cluster(&f.url, &["--kubeconfig", kc, "--context", "live-demo"]);
    assert_eq!(code, 1, "{stderr}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/equivalent");
    let out = assert_cmd::Command::cargo_bin("eksdoctor")
        .unwrap()
        .arg("scan")
        .arg(&dir)
        .args(["--format", "json", "--as-of", "2026-11-22"])
        .output()
        .unwrap();
    let scanned: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Word for word the same; the others name where their fact came from (an add-on a cluster
    // runs or one Terraform pins, the newest version EKS offers or the embedded table's, the
    // EKS API's or the AWS provider's default).
    let same = [
        "ami-type-deprecated",
        "aws-auth-user-system-masters",
        "control-plane-logging-off",
        "cronjob-ip-churn",
        "imdsv2-not-required",
        "in-tree-ebs-provisioner",
        "secrets-no-customer-kms",
        "storageclass-immediate-binding",
        "version-out-of-standard-support",
    ];
    let (live_rules, live_messages) = comparable(&live, &same);
    let (scan_rules, scan_messages) = comparable(&scanned, &same);
    // What only a running cluster shows: who created it (CloudTrail), the addresses free now
    // against the scale-out, and the kubelets the nodes run.
    let mut expected = scan_rules.clone();
    expected.extend(
        [
            "cluster-creator-iam-user",
            "ip-exhaustion-risk",
            "node-version-skew",
            "node-version-skew",
        ]
        .map(String::from),
    );
    expected.sort();
    assert_eq!(live_rules, expected, "scan: {scan_rules:?}");
    assert_eq!(live_messages, scan_messages);
}

/// Self-managed nodes on a launch configuration are read as those on a launch template are, and
/// a node group's instance type that the embedded table lacks is described by EC2; one EC2 does
/// not know either is listed as not read, and what needed it stays undecided.
#[test]
fn launch_configurations_and_instance_types_newer_than_the_table_are_read() {
    let m = moto();
    seed_with(&m, &["--more"]);
    let f = front(&m, "eks_estate.json");
    // The Kubernetes API gives the VPC CNI's settings, which the ENI limits depend on.
    let k = kmock("estate.json");
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let args = [
        "--kubeconfig",
        k.kubeconfig.to_str().unwrap(),
        "--context",
        "live-demo",
        "--save-snapshot",
        snap.to_str().unwrap(),
    ];
    let (code, v, stderr) = cluster(&f.url, &args);
    assert_eq!(code, 1, "{stderr}");
    let on = |rule: &str, what: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == rule && f["message"].as_str().unwrap().contains(what))
    };
    // The configuration's IMDS settings, root volume and bootstrap.sh --max-pods=110 on an
    // m5.large (3 ENIs × (10 − 1) + 2 = 29).
    for rule in [
        "imdsv2-not-required",
        "node-volume-unencrypted",
        "max-pods-over-eni-limit",
    ] {
        assert!(on(rule, "`lc-workers`"), "{rule}: {v}");
    }
    assert!(on("max-pods-over-eni-limit", "110"), "{v}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let groups = s["inventory"]["node_groups"].as_array().unwrap();
    let lc = groups.iter().find(|g| g["name"] == "lc-workers").unwrap();
    // The role behind its instance profile (iam:GetInstanceProfile).
    assert_eq!(
        lc["node_role"]["value"]["name"], "arn:aws:iam::123456789012:role/eks-nodes",
        "{lc}"
    );
    assert_eq!(lc["ami_family"]["value"], "Custom", "{lc}");
    // m9x.large as EC2 describes it (eks_extra.py): 4 interfaces of 12 addresses.
    let types = s["inventory"]["instance_types"].as_array().unwrap();
    assert_eq!(types.len(), 1, "{types:?}");
    assert_eq!(
        (
            &types[0]["name"],
            &types[0]["max_enis"],
            &types[0]["ipv4_per_eni"]
        ),
        (&"m9x.large".into(), &4.into(), &12.into()),
        "{types:?}"
    );
    let unknowns = v["unknowns"].to_string();
    assert!(!unknowns.contains("m9x.large"), "{unknowns}");
    assert!(
        unknowns.contains("instance type `m9x.huge` of node group `unheard-of`"),
        "{unknowns}"
    );
    let notes = v["notes"].to_string();
    assert!(
        notes.contains(
            "not read: instance type m9x.huge (ec2:DescribeInstanceTypes): InvalidInstanceType"
        ),
        "{notes}"
    );
    // Only the types the table lacks are asked for, one call each.
    let log = std::fs::read_to_string(&f.log).unwrap();
    let asked = log
        .lines()
        .filter(|l| l.contains(" DescribeInstanceTypes "))
        .count();
    assert_eq!(asked, 2, "{log}");
}
