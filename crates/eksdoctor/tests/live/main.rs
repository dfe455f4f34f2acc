//! `eksdoctor cluster` against moto's server on loopback (real SDK client code, real protocol)
//! and kmock's Kubernetes emulator (real kube-rs client code through a kubeconfig): the estate of
//! `crates/eksdoctor_live/tests/moto/seed.py`, `moto/eks_estate.json` (what moto does not serve,
//! from `eks_extra.py` in front of it) and `tests/kmock/estate.json` gives exactly its findings;
//! no Secret or env value is read or printed; every call is a read the shipped policy and
//! ClusterRole allow; half the permissions, a deadline, an assumed role and a snapshot behave as
//! documented. Needs moto (`pip install 'moto[server]'`) and kmock (`pip install kmock`), both
//! installed by `.ci/run`: without them the tests fail.

#![cfg(feature = "live")]

mod grants;
mod servers;
mod workflows;

use grants::{aws_action, cluster_role, rbac_of};
use servers::*;
use std::net::TcpListener;
use std::path::Path;

#[test]
fn a_live_estate_gives_its_findings_and_says_what_it_could_not_read() {
    let m = moto();
    seed(&m);
    let (code, v, stderr) = cluster(&m.url, &["--no-kubernetes"]);
    assert_eq!(code, 1, "{stderr}");
    let rules = rules_of(&v);
    assert_eq!(
        rules,
        [
            "ami-type-deprecated",
            "cni-policy-on-node-role",
            "control-plane-logging-off",
            "endpoint-public-unrestricted",
            "imdsv2-not-required",
            "imdsv2-not-required",
            "node-role-too-broad",
            "private-cluster-missing-endpoints",
            "secrets-no-customer-kms",
            "subnet-too-small",
            "version-out-of-standard-support",
        ]
    );
    // The self-managed nodes are read from Auto Scaling and their launch template: IMDSv1 is
    // on, reported at the Auto Scaling group.
    let legacy = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "imdsv2-not-required"
                && f["message"].as_str().unwrap().contains("`legacy-workers`")
        })
        .unwrap_or_else(|| panic!("no IMDSv1 finding for legacy-workers: {v}"));
    assert!(
        legacy["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with(":autoScalingGroupName/legacy-workers"),
        "{legacy}"
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
    // The `secure` node group's launch template (IMDSv2 required, hop limit 1, encrypted root
    // volume) is read: only `general` is reported or undecided on those.
    for f in v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["unknowns"].as_array().unwrap())
    {
        if [
            "imdsv2-not-required",
            "node-volume-unencrypted",
            "imds-reachable-from-pods",
        ]
        .contains(&f["rule"].as_str().unwrap())
        {
            assert!(!f["message"].as_str().unwrap().contains("secure"), "{f}");
        }
    }
    // IAM is read: the node role's inline policy, as IAM returns it (URL-encoded).
    let broad = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "node-role-too-broad")
        .unwrap();
    assert!(
        broad["message"]
            .as_str()
            .unwrap()
            .contains("`s3:*` on every resource")
            && broad["location"]["file"] == "arn:aws:iam::123456789012:role/eks-nodes",
        "{broad}"
    );
    // No OIDC provider, but what could add Pod Identity (add-ons, associations) is not read:
    // not decided, with the reason.
    assert!(
        unknowns.contains("workload identity of cluster `arn:aws:eks:eu-west-1:123456789012:cluster/live-demo` not decided: no OIDC provider"),
        "{unknowns}"
    );
    assert!(stderr.contains("read live-demo ("), "{stderr}");
}

#[test]
fn a_cluster_that_is_not_there_is_an_error_naming_it() {
    let m = moto();
    let (code, _, stderr) = cluster(&m.url, &["nope"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("nothing could be read: cluster `nope` not read: eks:DescribeCluster: ResourceNotFoundException"),
        "{stderr}"
    );
}

#[test]
fn the_kubernetes_api_is_read_like_manifests_and_no_secret_is_read() {
    let m = moto();
    seed(&m);
    let f = front(&m, "eks_estate.json");
    let k = kmock("estate.json");
    let kc = k.kubeconfig.to_str().unwrap();
    let (code, v, stderr) = cluster(&f.url, &["--kubeconfig", kc, "--context", "live-demo"]);
    assert_eq!(code, 1, "{stderr}");
    let text = v.to_string();
    // The AWS estate's findings, and those of its Kubernetes objects, placed at the objects.
    assert_eq!(
        rules_of(&v),
        [
            "addon-version-outdated",
            "addon-version-outdated",
            "addon-version-outdated",
            "ami-type-deprecated",
            "aws-auth-user-system-masters",
            "aws-auth-user-system-masters",
            "cluster-creator-iam-user",
            "cni-policy-on-node-role",
            "control-plane-logging-off",
            "creator-only-admin",
            "cronjob-ip-churn",
            "deprecated-api",
            "ebs-csi-driver-missing",
            "ebs-volume-az-bound",
            "endpoint-public-unrestricted",
            "fargate-daemonset",
            "imdsv2-not-required",
            "imdsv2-not-required",
            "in-tree-ebs-provisioner",
            "ip-exhaustion-risk",
            "no-workload-identity",
            "node-role-too-broad",
            "node-version-skew",
            "node-version-skew",
            "private-cluster-missing-endpoints",
            "secrets-no-customer-kms",
            "storageclass-immediate-binding",
            "subnet-too-small",
            "version-out-of-standard-support",
        ],
        "{text}"
    );
    // The claim's volume is in one zone (its PersistentVolume's node affinity), with the
    // Deployment that mounts it.
    assert!(
        text.contains("PersistentVolumeClaim shop/web-data uses StorageClass `gp2` (kubernetes.io/aws-ebs); its EBS volume, and every pod that mounts it, stays in one availability zone: its volume `pvc-4b7e2a` is in eu-west-1a, with Deployment shop/web that mounts it"),
        "{text}"
    );
    // The Fargate pod running now (its Fargate node) gets no DaemonSet.
    assert!(
        text.contains("DaemonSet shop/log-agent does not run on Fargate: pods in namespaces served only by Fargate get none of it: `batch` (profile `batch`); 1 pod runs on Fargate now (1 Fargate node) without it"),
        "{text}"
    );
    // Served as policy/v1, the PDB was last applied with policy/v1beta1 (its last-applied copy,
    // whose other content is not kept).
    assert!(
        text.contains("PodDisruptionBudget shop/web was last written with policy/v1beta1 (the kubectl.kubernetes.io/last-applied-configuration annotation), removed in Kubernetes 1.25 (cluster `arn:aws:eks:eu-west-1:123456789012:cluster/live-demo` runs 1.31): if that source still writes it so, its next write fails; use policy/v1"),
        "{text}"
    );
    let at = |rule: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["location"]["file"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(
        at("storageclass-immediate-binding"),
        "arn:aws:eks:eu-west-1:123456789012:cluster/live-demo/StorageClass/gp2"
    );
    assert_eq!(
        at("cronjob-ip-churn"),
        "arn:aws:eks:eu-west-1:123456789012:cluster/live-demo/CronJob/shop/sync"
    );
    // The kubelets the nodes report: the node group declares 1.31, its node runs 1.29; a
    // Fargate pod's node still runs 1.30.
    let skew: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "node-version-skew")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        skew,
        [
            "1 Fargate node (one per pod) runs kubelet 1.30 (v1.30.9-eks-5d4a308 on fargate-ip-10-0-16-5.eu-west-1.compute.internal), 1 minor version behind the control plane (1.31); the allowed skew is 3; EKS does not start the next control-plane upgrade until they match: restart their pods (`kubectl rollout restart`) to get new nodes",
            "1 node of `general` runs kubelet 1.29 (v1.29.15-eks-473151a on ip-10-0-8-10.eu-west-1.compute.internal), 2 minor versions behind the control plane (1.31); the allowed skew is 3",
        ]
    );
    // From the EKS APIs moto does not serve (eks_extra.py): the add-ons (their versions, no EBS
    // CSI driver among them), bob's access entry with cluster admin, no Pod Identity.
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    for m in [
        "access entry for IAM user arn:aws:iam::123456789012:user/bob grants AmazonEKSClusterAdminPolicy",
        // What EKS offers for 1.31 (DescribeAddonVersions), not the embedded table; the
        // 1.32-only build is not counted.
        "add-on vpc-cni runs v1.18.1-eksbuild.1; EKS offers v1.19.2-eksbuild.5 as the newest for Kubernetes 1.31 (DescribeAddonVersions)",
        "add-on coredns runs v1.11.3-eksbuild.1; the EKS user guide listed",
        "PersistentVolumeClaim shop/web-data needs an EBS volume, but cluster `arn:aws:eks:eu-west-1:123456789012:cluster/live-demo` installs no EBS CSI driver",
        "has no IAM OIDC provider and no EKS Pod Identity agent or associations",
        // The live-only fact: 200 other network interfaces leave 51 addresses free in the /24,
        // and no node of `general` runs in eu-west-1a yet (2 at its maximum, 30 addresses each).
        "in eu-west-1a (`",
        "10.0.0.0/24) have 51 addresses free now, but scaling its node groups to their maximum needs at least 60 more (node group `general`: 0 node(s) here now, 2 at its maximum → 2 more × 30 addresses)",
    ] {
        assert!(messages.iter().any(|x| x.contains(m)), "{m}: {messages:?}");
    }
    // EKS's own checks beside ours, in a section of their own: the insight that is not
    // passing; the passing one is not shown.
    let insights = v["insights"].as_array().unwrap();
    assert_eq!(insights.len(), 1, "{insights:?}");
    let i = &insights[0];
    assert_eq!(
        (
            &i["name"],
            &i["category"],
            &i["status"],
            &i["kubernetes_version"]
        ),
        (
            &serde_json::json!("Deprecated APIs removed in Kubernetes v1.32"),
            &serde_json::json!("UPGRADE_READINESS"),
            &serde_json::json!("ERROR"),
            &serde_json::json!("1.32")
        )
    );
    assert_eq!(
        i["reason"],
        "Deprecated API usage detected within last 30 days."
    );
    assert!(
        !v["notes"].to_string().contains("EKS insight"),
        "{}",
        v["notes"]
    );
    let unknowns = v["unknowns"].to_string();
    // The VPC CNI's settings came from the aws-node DaemonSet.
    assert!(!unknowns.contains("aws-node DaemonSet"), "{unknowns}");
    // Never read: Secrets, ConfigMaps other than aws-auth; never printed: env values.
    let log = std::fs::read_to_string(&k.log).unwrap();
    // Pages were followed (the findings above need objects of later pages).
    assert!(
        log.lines()
            .any(|l| l.starts_with("GET /api/v1/nodes?") && l.contains("continue=1")),
        "{log}"
    );
    let gets: Vec<&str> = log.lines().filter(|l| !l.starts_with("POST ")).collect();
    assert!(gets.iter().all(|l| l.starts_with("GET ")), "{log}");
    assert!(
        !log.contains("secrets?") && !log.contains("/secrets "),
        "{log}"
    );
    assert!(
        gets.iter()
            .filter(|l| l.contains("configmaps"))
            .all(|l| *l == "GET /api/v1/namespaces/kube-system/configmaps/aws-auth"),
        "{log}"
    );
    for secret in [
        "cm-secret-value",
        "env-secret-value",
        "c2VjcmV0LXZhbHVl",
        "pdb-secret-value",
    ] {
        assert!(
            !text.contains(secret) && !stderr.contains(secret),
            "{secret} printed"
        );
    }
}

#[test]
fn the_shipped_policy_and_cluster_role_allow_every_call_made_and_each_only_reads() {
    let m = moto();
    seed(&m);
    let f = front(&m, "eks_estate.json");
    let k = kmock("estate.json");
    let kc = k.kubeconfig.to_str().unwrap();
    let (code, _, stderr) = cluster(&f.url, &["--kubeconfig", kc, "--context", "live-demo"]);
    assert_eq!(code, 1, "{stderr}");
    let role = cluster_role();
    let log = std::fs::read_to_string(&k.log).unwrap();
    let mut used = std::collections::BTreeSet::new();
    // The seeding POSTs come first; every request of the scan is a read the role allows.
    for line in log.lines().filter(|l| !l.starts_with("POST ")) {
        let (group, res, verb, name) = rbac_of(line);
        let grant = role.iter().position(|(g, r, v, names)| {
            *g == group
                && *r == res
                && *v == verb
                && (names.is_empty() || name.as_ref().is_some_and(|n| names.contains(n)))
        });
        let i = grant.unwrap_or_else(|| panic!("{line}: not allowed by the shipped ClusterRole"));
        used.insert(i);
    }
    let unused: Vec<_> = (0..role.len())
        .filter(|i| !used.contains(i))
        .map(|i| &role[i])
        .collect();
    assert!(unused.is_empty(), "granted but never used: {unused:?}");
    // Every AWS request passed the front server: each is a read the shipped IAM policy allows.
    let policy: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../eksdoctor_live/policy/eksdoctor-read-only.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let allowed: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_ascii_lowercase())
        .collect();
    let aws = std::fs::read_to_string(&f.log).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for line in aws.lines() {
        let action = aws_action(line);
        assert!(
            ["Describe", "List", "Get", "Lookup"].iter().any(|p| action
                .split(':')
                .nth(1)
                .unwrap()
                .starts_with(p)),
            "{line}: {action} is not a read"
        );
        assert!(
            allowed.contains(&action.to_ascii_lowercase()),
            "{line}: {action} is not in the shipped policy"
        );
        seen.insert(action);
    }
    // EKS, EC2 and IAM were all read.
    assert!(seen.len() >= 15, "{seen:?}");
}

#[test]
fn with_half_the_permissions_the_scan_finishes_and_lists_exactly_what_it_could_not_read() {
    // EC2 and IAM on a server that enforces the user's policy; EKS on one that does not (see
    // seed.py: moto rejects EKS signatures while enforcing).
    let (m, eks) = (moto(), moto());
    let out = seed_with(&m, &["--half", "--eks-url", &eks.url]);
    let f = front(&eks, "eks_estate.json");
    let mut key = out.lines().nth(1).unwrap().split_whitespace();
    let key = (key.next().unwrap(), key.next().unwrap());
    let env = [
        ("AWS_ENDPOINT_URL", m.url.as_str()),
        ("AWS_ENDPOINT_URL_EKS", &f.url),
    ];
    let (code, v, stderr) = run_cluster(&env, key, &["--no-kubernetes"]);
    // The findings that need only EKS and the subnets are there; the exit code follows them.
    assert_eq!(code, 1, "{stderr}");
    let rules = rules_of(&v);
    for r in [
        "endpoint-public-unrestricted",
        "subnet-too-small",
        "ami-type-deprecated",
    ] {
        assert!(rules.iter().any(|x| x == r), "{r} missing: {rules:?}");
    }
    // What needed the denied calls is not a finding but undecided.
    for r in [
        "private-cluster-missing-endpoints",
        "node-role-too-broad",
        "cni-policy-on-node-role",
    ] {
        assert!(
            !rules.iter().any(|x| x == r),
            "{r} reported without its data: {rules:?}"
        );
    }
    // Exactly the calls the user may not make are listed, each as denied.
    let notes: Vec<String> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap().to_string())
        .filter(|m| m.starts_with("not read: "))
        .collect();
    let mut actions: Vec<&str> = notes
        .iter()
        .filter_map(|m| m.split_once(" (")?.1.split_once(')').map(|(a, _)| a))
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "autoscaling:DescribeAutoScalingGroups",
            "cloudtrail:LookupEvents",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeRouteTables",
            "ec2:DescribeVpcAttribute",
            "ec2:DescribeVpcEndpoints",
            "iam:GetRole",
            "iam:ListOpenIDConnectProviders",
        ],
        "{notes:?}"
    );
    for n in &notes {
        assert!(
            n.contains("AccessDenied") || n.contains("access denied (HTTP 403)"),
            "{n}"
        );
    }
    let unknowns = v["unknowns"].to_string();
    for r in [
        "private-cluster-missing-endpoints",
        "node-role-too-broad",
        "cluster-creator-iam-user",
    ] {
        assert!(
            unknowns.contains(&format!("\"rule\":\"{r}\"")),
            "{r}: {unknowns}"
        );
    }
    // The summary on standard error counts them.
    assert!(
        stderr.contains("; 8 could not be read (see the notes)"),
        "{stderr}"
    );
}

/// Findings, unknowns and notes of a report, without what differs between a live run and a
/// scan of its snapshot (the summary's file count).
fn outcome(v: &serde_json::Value) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    (
        v["findings"].clone(),
        v["unknowns"].clone(),
        v["notes"].clone(),
    )
}

#[test]
fn a_snapshot_scanned_offline_gives_the_same_findings_and_holds_no_secret() {
    let m = moto();
    seed(&m);
    let f = front(&m, "eks_estate.json");
    let k = kmock("estate.json");
    let kc = k.kubeconfig.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let live = ["--kubeconfig", kc, "--context", "live-demo"];
    let (code, direct, stderr) = cluster(&f.url, &live);
    assert_eq!(code, 1, "{stderr}");
    let mut with_snapshot = live.to_vec();
    with_snapshot.extend(["--save-snapshot", snap.to_str().unwrap()]);
    let (code, saved, stderr) = cluster(&f.url, &with_snapshot);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(outcome(&saved), outcome(&direct));
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(
        text.starts_with("{\"eksdoctor_snapshot\":1,"),
        "{}",
        &text[..80]
    );
    for secret in [
        "cm-secret-value",
        "env-secret-value",
        "c2VjcmV0LXZhbHVl",
        "pdb-secret-value",
    ] {
        assert!(!text.contains(secret), "{secret} in the snapshot");
    }
    // Offline, with nothing but the file: the same findings, unknowns and notes.
    let out = assert_cmd::Command::cargo_bin("eksdoctor")
        .unwrap()
        .args([
            "scan",
            snap.to_str().unwrap(),
            "--format",
            "json",
            "--show-unknown",
        ])
        .args(["--as-of", "2026-11-22"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let offline: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome(&offline), outcome(&direct));
    assert_eq!(offline["insights"], direct["insights"]);
    // The insights have a section of their own in the reports people read.
    for (format, heading) in [
        ("human", "EKS insights"),
        ("markdown", "**EKS insights**"),
        ("html", "<h2>EKS insights</h2>"),
    ] {
        let out = assert_cmd::Command::cargo_bin("eksdoctor")
            .unwrap()
            .args(["scan", snap.to_str().unwrap(), "--format", format])
            .args(["--as-of", "2026-11-22"])
            .env("NO_COLOR", "1")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(heading)
                && text.contains("`Deprecated APIs removed in Kubernetes v1.32`")
                && text.contains("Deprecated API usage detected within last 30 days."),
            "{text}"
        );
    }
    // The calculators take the snapshot as their input too: the upgrade path starts from the
    // running cluster's version and node groups.
    let out = assert_cmd::Command::cargo_bin("eksdoctor")
        .unwrap()
        .args([
            "upgrade",
            snap.to_str().unwrap(),
            "--to",
            "1.33",
            "--format",
            "json",
        ])
        .args(["--as-of", "2026-11-22"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{plan}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let up: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(up["from"], "1.31", "{plan}");
    assert!(plan.contains("general"), "{plan}");
    // The API a client last applied the PDB with is in the plan, with the record that says so.
    assert!(
        plan.contains("PodDisruptionBudget web")
            && plan.contains("policy/v1beta1")
            && plan.contains("(the kubectl.kubernetes.io/last-applied-configuration annotation)"),
        "{plan}"
    );
    // A snapshot of another schema is an input error naming the file.
    let other = dir.path().join("old.json");
    std::fs::write(
        &other,
        text.replacen(
            "{\"eksdoctor_snapshot\":1,",
            "{\"eksdoctor_snapshot\":99,",
            1,
        ),
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("eksdoctor")
        .unwrap()
        .args(["scan", other.to_str().unwrap(), "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["errors"]
            .to_string()
            .contains("snapshot schema 99 is not the one this eksdoctor reads (1)"),
        "{}",
        v["errors"]
    );
}

#[test]
fn a_total_deadline_ends_the_scan_with_what_it_has() {
    let m = moto();
    seed(&m);
    let f = front(&m, "eks_estate.json");
    // A Kubernetes API server that takes connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(
        &kc,
        format!("apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster:\n    server: http://127.0.0.1:{port}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: live-demo\n  context:\n    cluster: s\n    user: u\ncurrent-context: live-demo\n"),
    )
    .unwrap();
    let args = [
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--context",
        "live-demo",
        "--timeout",
        "3",
    ];
    let (code, v, stderr) = cluster(&f.url, &args);
    // The AWS part is reported; the Kubernetes part is listed as cut short, and nothing it
    // would have shown is taken as absent.
    assert_eq!(code, 1, "{stderr}");
    let rules = rules_of(&v);
    assert!(
        rules.iter().any(|r| r == "endpoint-public-unrestricted"),
        "{rules:?}"
    );
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("not read: its Kubernetes API of live-demo: the --timeout deadline passed"),
        "{notes}"
    );
    assert!(
        !rules.iter().any(|r| r == "ebs-csi-driver-missing"),
        "{rules:?}"
    );
    drop(silent);
}

#[test]
fn with_role_arn_every_read_is_signed_with_the_assumed_role() {
    let m = moto();
    seed(&m);
    let f = front(&m, "eks_estate.json");
    let role = "arn:aws:iam::123456789012:role/eksdoctor-audit";
    let (code, v, stderr) = cluster(&f.url, &["--no-kubernetes", "--role-arn", role]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!v["findings"].as_array().unwrap().is_empty());
    let log = std::fs::read_to_string(&f.log).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    // STS first, signed with the caller's key; every other call with the role's session key.
    let (first, rest) = lines.split_first().unwrap();
    assert!(
        first.starts_with("sts POST / AssumeRole testing"),
        "{first}"
    );
    assert!(rest.len() > 10, "{log}");
    for l in rest {
        let key = l.rsplit(' ').next().unwrap();
        assert!(
            key != "testing" && key != "?",
            "{l}: not signed with the assumed role"
        );
    }
}

#[test]
fn without_credentials_the_error_says_so() {
    let home = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("eksdoctor")
        .unwrap()
        .args(["cluster", "--region", "eu-west-1", "--no-kubernetes"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("nothing could be read: eks:ListClusters: no usable AWS credentials: no credentials found in chain"),
        "{stderr}"
    );
}
