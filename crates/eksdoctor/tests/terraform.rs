//! End-to-end on Terraform: the community-style example (HCL without `terraform init`), the same
//! infrastructure as a plan, variables, local and downloaded modules, and broken input.

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn eksdoctor() -> Command {
    let mut c = Command::cargo_bin("eksdoctor").unwrap();
    c.current_dir(root()).env("NO_COLOR", "1");
    c
}

fn scan(args: &[&str]) -> (i32, serde_json::Value) {
    let out = eksdoctor()
        .arg("scan")
        .args(args)
        .args(["--format", "json", "--as-of", "2026-11-22"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    (out.status.code().unwrap(), v)
}

/// Writes `text` to `rel` below `dir`, creating the directories on the way.
fn write_under(dir: &Path, rel: &str, text: &str) {
    let f = dir.join(rel);
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    std::fs::write(f, text).unwrap();
}

/// The scan read every input without an error.
fn no_errors(v: &serde_json::Value) {
    assert!(
        v["errors"].as_array().unwrap().is_empty(),
        "{}",
        v["errors"]
    );
}

fn findings(v: &serde_json::Value) -> Vec<(String, u64, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rule_resources(v: &serde_json::Value) -> BTreeSet<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn community_example_gives_exactly_the_expected_findings() {
    let (code, v) = scan(&["examples/terraform-eks"]);
    assert_eq!(code, 1);
    no_errors(&v);
    let got: Vec<(String, u64)> = findings(&v).into_iter().map(|(r, l, _)| (r, l)).collect();
    let want: Vec<(String, u64)> = [
        ("subnet-too-small", 35),
        ("subnet-too-small", 35),
        ("subnet-too-small", 35),
        ("version-out-of-standard-support", 58),
        ("endpoint-public-unrestricted", 60),
        ("creator-only-admin", 62),
        // The node group's key line (`example = {`), where a suppression for it goes.
        ("cni-policy-on-node-role", 77),
        ("imds-reachable-from-pods", 77),
    ]
    .iter()
    .map(|(r, l)| (r.to_string(), *l))
    .collect();
    assert_eq!(got, want);
    let msgs: Vec<String> = findings(&v).into_iter().map(|(_, _, m)| m).collect();
    // cidrsubnet("10.0.0.0/16", 8, k) for three AZs: /24s of 256 - 5 = 251 usable addresses.
    for (i, m) in msgs[..3].iter().enumerate() {
        assert!(
            m.contains(&format!("aws_subnet.private[{i}]` (10.0.{i}.0/24)")),
            "{m}"
        );
        assert!(m.contains("holds 251 usable"), "{m}");
    }
    // 1.33 left standard support on 2026-07-29; extended support ends 2027-07-29, 249 days after
    // 2026-11-22; USD 0.50 extra per hour × 8,760 hours = USD 4,380 a year.
    assert!(
        msgs[3].contains("since 2026-07-29")
            && msgs[3].contains("USD 4,380")
            && msgs[3].contains("249 days left"),
        "{}",
        msgs[3]
    );
    // Defaults of terraform-aws-modules/eks v20 are named as such.
    assert!(
        msgs[4].contains("0.0.0.0/0 (terraform-aws-modules/eks v20 default)"),
        "{}",
        msgs[4]
    );
    // v20 leaves the AMI type to EKS, which picks Amazon Linux 2023 for 1.33: no AL2 finding.
    // v20 gives the creator an access entry of its own, and no other role is admin.
    assert!(
        msgs[5].contains("`enable_cluster_creator_admin_permissions` access entry"),
        "{}",
        msgs[5]
    );
    assert!(
        msgs[6].contains("AmazonEKS_CNI_Policy (terraform-aws-modules/eks v20 default)"),
        "{}",
        msgs[6]
    );
    assert!(msgs[7].contains("hop limit is 2"), "{}", msgs[7]);
    // The /24s hold the projected peak (ip-exhaustion-risk is silent): subnet-too-small is medium.
    assert!(msgs[0].contains("the projected peak in AZ"), "{}", msgs[0]);
    assert_eq!(v["summary"]["by_severity"]["high"], 2);
}

#[test]
fn the_same_infrastructure_as_a_plan_gives_the_same_findings() {
    let (_, hcl) = scan(&["examples/terraform-eks"]);
    let (code, plan) = scan(&["examples/terraform-eks-plan/plan.json"]);
    assert_eq!(code, 1);
    no_errors(&plan);
    assert_eq!(rule_resources(&hcl), rule_resources(&plan));
    for f in plan["findings"].as_array().unwrap() {
        assert_eq!(f["source"], "plan");
    }
    // Same numbers.
    let m: Vec<String> = findings(&plan).into_iter().map(|(_, _, m)| m).collect();
    assert!(m
        .iter()
        .any(|m| m.contains("(10.0.1.0/24)") && m.contains("251 usable")));
}

#[test]
fn tfvars_var_files_and_vars_apply_in_terraform_order() {
    // terraform.tfvars: 1.29, past the end of extended support.
    let (_, v) = scan(&["crates/eksdoctor/tests/data/tf/vars"]);
    let rules: Vec<String> = findings(&v).into_iter().map(|(r, _, _)| r).collect();
    assert!(
        rules.contains(&"version-end-of-life".to_string()),
        "{rules:?}"
    );
    assert!(rules.contains(&"endpoint-public-unrestricted".to_string()));
    // --var-file wins over terraform.tfvars: 1.35 and restricted CIDRs.
    let (_, v) = scan(&[
        "crates/eksdoctor/tests/data/tf/vars",
        "--var-file",
        "crates/eksdoctor/tests/data/tf/vars/prod.tfvars",
    ]);
    let rules: Vec<String> = findings(&v).into_iter().map(|(r, _, _)| r).collect();
    assert!(
        !rules.iter().any(|r| r.starts_with("version-")),
        "{rules:?}"
    );
    assert!(!rules.contains(&"endpoint-public-unrestricted".to_string()));
    // --var wins over files; a number variable changes cidrsubnet's result: /21s are big enough.
    let (_, v) = scan(&[
        "crates/eksdoctor/tests/data/tf/vars",
        "--var",
        "k8s_version=1.33",
        "--var",
        "subnet_bits=5",
    ]);
    let f = findings(&v);
    assert!(
        f.iter()
            .any(|(r, _, m)| r == "version-out-of-standard-support" && m.contains("1.33")),
        "{f:?}"
    );
    assert!(!f.iter().any(|(r, _, _)| r == "subnet-too-small"), "{f:?}");
}

#[test]
fn local_modules_are_evaluated_with_their_inputs() {
    let (_, v) = scan(&["crates/eksdoctor/tests/data/tf/local/env"]);
    let f = findings(&v);
    let small: Vec<&(String, u64, String)> = f
        .iter()
        .filter(|(r, _, _)| r == "subnet-too-small")
        .collect();
    assert_eq!(small.len(), 3, "{f:?}");
    // for_each over the AZs, cidrsubnet(var.cidr, 9, i): /25s, 123 usable.
    assert!(
        small[0]
            .2
            .contains("module.net.aws_subnet.private[\"eu-west-1a\"]` (10.20.0.0/25)"),
        "{}",
        small[0].2
    );
    assert!(small[2].2.contains("(10.20.1.0/25)") && small[2].2.contains("123 usable"));
    assert!(v["findings"][0]["location"]["file"].as_str().is_some());
}

#[test]
fn downloaded_modules_are_read_from_their_code() {
    let (_, v) = scan(&["crates/eksdoctor/tests/data/tf/init"]);
    let f = findings(&v);
    // The stand-in module code sets no log types: only the real code can say so (the model of
    // v20 would default to audit, api, authenticator).
    assert!(
        f.iter().any(|(r, _, _)| r == "control-plane-logging-off"),
        "{f:?}"
    );
    let files: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["location"]["file"].as_str().unwrap())
        .collect();
    assert!(
        files
            .iter()
            .all(|f| f.contains(".terraform/modules/eks/main.tf")),
        "{files:?}"
    );
}

#[test]
fn broken_modules_give_clear_errors_and_the_rest_is_scanned() {
    let (code, v) = scan(&["crates/eksdoctor/tests/data/tf/broken"]);
    assert_eq!(code, 2);
    let errors: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{} {}",
                e["file"].as_str().unwrap(),
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    let has = |file: &str, line: u32, text: &str| {
        errors
            .iter()
            .any(|e| e.contains(&format!("{file}:{line} ")) && e.contains(text))
    };
    assert!(
        has("broken/malformed/main.tf", 5, "invalid HCL"),
        "{errors:?}"
    );
    assert!(
        has(
            "broken/cycle/main.tf",
            3,
            "cycle: local.a depends on itself"
        ),
        "{errors:?}"
    );
    assert!(
        has("broken/hugerange/main.tf", 2, "more than 1024 values"),
        "{errors:?}"
    );
    assert!(
        has("broken/hugecount/main.tf", 1, "count of 1000000 exceeds"),
        "{errors:?}"
    );
    assert!(
        has(
            "broken/missingmodule/main.tf",
            2,
            "module.net: source \"../../modules/network\""
        ),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 5, "{errors:?}");
    // The good module is still scanned.
    let f = findings(&v);
    assert!(
        f.iter()
            .any(|(r, _, m)| r == "endpoint-public-unrestricted"
                && m.contains("aws_eks_cluster.good")),
        "{f:?}"
    );
}

#[test]
fn plan_json_findings_for_each_rule_that_reads_plans() {
    let (code, bad) = scan(&["crates/eksdoctor/tests/data/plan/bad.json"]);
    assert_eq!(code, 1);
    no_errors(&bad);
    let got = rule_resources(&bad);
    let want: BTreeSet<(String, String)> = [
        ("subnet-too-small", "subnet aws_subnet.private[0]"),
        // No route table: the subnets use the VPC's main route table, which has only the local route.
        (
            "private-cluster-missing-endpoints",
            "cluster aws_eks_cluster.this",
        ),
        ("subnet-too-small", "subnet aws_subnet.private[1]"),
        ("node-role-too-broad", "iam-role aws_iam_role.node"),
        // One per add-on: the set of findings shows the two the plan lacks.
        (
            "addon-not-managed",
            "cluster aws_eks_cluster.this addon coredns",
        ),
        (
            "addon-not-managed",
            "cluster aws_eks_cluster.this addon kube-proxy",
        ),
        ("secrets-no-customer-kms", "cluster aws_eks_cluster.this"),
        // CONFIG_MAP mode, creator admin on, and no aws-auth mapping in the plan.
        ("creator-only-admin", "cluster aws_eks_cluster.this"),
        ("version-end-of-life", "cluster aws_eks_cluster.this"),
        ("control-plane-logging-off", "cluster aws_eks_cluster.this"),
        ("auth-mode-config-map", "cluster aws_eks_cluster.this"),
        (
            "endpoint-public-unrestricted",
            "cluster aws_eks_cluster.this",
        ),
        ("imds-reachable-from-pods", "nodegroup ng"),
        ("imdsv2-not-required", "nodegroup ng"),
        ("node-volume-unencrypted", "nodegroup ng"),
        ("ami-type-deprecated", "nodegroup ng"),
        ("irsa-trust-too-broad", "iam-role aws_iam_role.app"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    // The launch template's IMDS settings were reached through the configuration references of
    // the node group's unknown `launch_template.id`.
    let (code, good) = scan(&["crates/eksdoctor/tests/data/plan/good.json"]);
    assert_eq!(code, 0, "{}", good["findings"]);
    assert!(
        good["findings"].as_array().unwrap().is_empty(),
        "{}",
        good["findings"]
    );
}

#[test]
fn json_syntax_is_read_with_lines_in_the_json_file() {
    let (_, v) = scan(&["crates/eksdoctor/tests/data/tf/json"]);
    no_errors(&v);
    let got: Vec<(String, u64)> = findings(&v).into_iter().map(|(r, l, _)| (r, l)).collect();
    let want: Vec<(String, u64)> = [
        ("subnet-too-small", 17),
        ("subnet-too-small", 17),
        // The root module is all there: no add-on and no OIDC provider in it are facts.
        ("addon-not-managed", 22),
        ("addon-not-managed", 22),
        ("addon-not-managed", 22),
        ("no-workload-identity", 22),
        ("secrets-no-customer-kms", 22),
        ("version-end-of-life", 24),
        ("endpoint-public-unrestricted", 32),
    ]
    .iter()
    .map(|(r, l)| (r.to_string(), *l))
    .collect();
    assert_eq!(got, want);
    assert!(findings(&v)[0].2.contains("(10.0.0.0/24)"));
}

#[test]
fn modelled_self_managed_node_groups_and_karpenter() {
    let (_, v) = scan(&["crates/eksdoctor/tests/data/tf/selfmanaged"]);
    no_errors(&v);
    let got = rule_resources(&v);
    // The node role (reached through the launch template's instance profile) carries the extra
    // AdministratorAccess and the CNI policy the submodule attaches by default.
    assert!(
        got.contains(&(
            "node-role-too-broad".to_string(),
            "iam-role module.eks.module.self_managed_node_group[\"workers\"].aws_iam_role.this[0]"
                .to_string()
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "cni-policy-on-node-role".to_string(),
            "iam-role module.eks.module.self_managed_node_group[\"workers\"].aws_iam_role.this[0]"
                .to_string()
        )),
        "{got:?}"
    );
    // Karpenter capacity (NodePools unknown) keeps capacity rules silent.
    assert!(
        !got.iter()
            .any(|(r, _)| r == "single-az" || r == "ip-exhaustion-risk"),
        "{got:?}"
    );
}

#[test]
fn versions_the_calendar_cannot_judge_are_listed_as_unknown_with_the_reason() {
    let (code, v) = scan(&[
        "crates/eksdoctor/tests/data/tf/unknown-version",
        "--show-unknown",
    ]);
    assert_eq!(code, 1);
    assert!(!findings(&v)
        .iter()
        .any(|(r, _, _)| r.starts_with("version-")));
    let unknowns: Vec<(u64, String)> = v["unknowns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["rule"] == "version-out-of-standard-support")
        .map(|u| {
            (
                u["location"]["line"].as_u64().unwrap(),
                u["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(unknowns.len(), 3, "{unknowns:?}");
    assert!(
        unknowns[0].0 == 9
            && unknowns[0]
                .1
                .contains("`~> 2.23` is not a Kubernetes version")
    );
    assert!(unknowns[1].0 == 18 && unknowns[1].1.contains("var.cluster_version has no value"));
    assert!(
        unknowns[2].0 == 27
            && unknowns[2]
                .1
                .contains("1.99, which the EKS calendar does not list")
    );
}

/// The network, node and add-on rules on a plan (generated in Terraform's plan format by
/// tests/data/plan/make_network_plan.py), with a manifest scanned together: every rule whose
/// sources include plans is covered by this test, `plan_json_findings_for_each_rule_that_reads_plans`
/// or the plan twin of examples/terraform-eks.
#[test]
fn plan_json_network_node_and_addon_rules() {
    let (code, v) = scan(&[
        "crates/eksdoctor/tests/data/plan/network.json",
        "crates/eksdoctor/tests/data/plan/network-k8s",
    ]);
    assert_eq!(code, 1);
    no_errors(&v);
    let want: BTreeSet<(String, String)> = [
        ("private-endpoint-vpc-dns-off", "vpc aws_vpc.net"),
        (
            "private-cluster-missing-endpoints",
            "cluster aws_eks_cluster.net",
        ),
        (
            "ip-exhaustion-risk",
            "cluster aws_eks_cluster.net az eu-west-1a",
        ),
        ("lb-subnet-tags-missing", "subnet aws_subnet.public[0]"),
        ("subnet-too-small", "subnet aws_subnet.public[0]"),
        ("public-subnet-no-public-ip", "subnet aws_subnet.public[0]"),
        ("no-workload-identity", "cluster aws_eks_cluster.net"),
        ("single-az", "cluster aws_eks_cluster.net"),
        (
            "version-out-of-standard-support",
            "cluster aws_eks_cluster.net",
        ),
        ("max-pods-over-eni-limit", "nodegroup big"),
        ("node-version-skew", "nodegroup big"),
        ("cni-no-iam-permissions", "cluster aws_eks_cluster.net"),
        ("addon-version-outdated", "addon vpc-cni"),
        ("fargate-public-subnet", "fargateprofile jobs"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(rule_resources(&v), want);
    let msg = |rule: &str| {
        findings(&v)
            .into_iter()
            .find(|(r, _, _)| r == rule)
            .map(|(_, _, m)| m)
            .unwrap()
    };
    // The numbers, by hand: 200 m5.large nodes hold 3 ENIs x 10 addresses (the instance's limit)
    // = 6000, 2 t3.large nodes 3 x 12 = 72; a /20 and a /24 hold 4091 + 251 usable.
    assert!(msg("ip-exhaustion-risk").contains("may need 6072 addresses in eu-west-1a"));
    assert!(msg("ip-exhaustion-risk").contains("hold 4342 usable"));
    assert!(msg("max-pods-over-eni-limit")
        .contains("at most 29 pods (3 ENIs × (10 − 1) IPv4 addresses + 2)"));
    assert!(msg("node-version-skew").contains("4 minor versions behind the control plane (1.31)"));
    assert!(msg("private-cluster-missing-endpoints")
        .contains("no endpoint for ecr.api, ecr.dkr, s3, ec2"));
    // Without the manifest the load-balancer rule has nothing to go on.
    let (_, alone) = scan(&["crates/eksdoctor/tests/data/plan/network.json"]);
    assert!(!rule_resources(&alone)
        .iter()
        .any(|(r, _)| r == "lb-subnet-tags-missing"));
}

/// The same infrastructure as a state (`terraform show -json` after apply, generated by
/// `make_network_plan.py --state`): every id is known and no configuration says what refers to
/// what, yet the resources link through their ids and give the plan's findings, with the same
/// numbers; so does the raw state (`terraform state pull`). A plan of the same code once applied
/// (`--existing`: ids known) gives all of them. Only no-workload-identity is not decided: the plan's configuration says its OIDC
/// provider is declared with none created, a state only that none is in it.
#[test]
fn state_json_links_resources_by_their_ids() {
    let (code, v) = scan(&[
        "crates/eksdoctor/tests/data/plan/network-state.json",
        "crates/eksdoctor/tests/data/plan/network-k8s",
    ]);
    assert_eq!(code, 1);
    no_errors(&v);
    let (_, plan) = scan(&[
        "crates/eksdoctor/tests/data/plan/network.json",
        "crates/eksdoctor/tests/data/plan/network-k8s",
    ]);
    // The plan of the same code once applied: ids known, the configuration there.
    let (_, existing) = scan(&[
        "crates/eksdoctor/tests/data/plan/network-existing.json",
        "crates/eksdoctor/tests/data/plan/network-k8s",
    ]);
    no_errors(&existing);
    assert_eq!(rule_resources(&existing), rule_resources(&plan));
    // A state is the whole root module too: the same findings as the plan, the missing OIDC
    // provider included.
    let want = rule_resources(&plan);
    assert_eq!(rule_resources(&v), want);
    let messages = |v: &serde_json::Value| -> BTreeSet<String> {
        findings(v)
            .into_iter()
            .filter(|(r, _, _)| r != "no-workload-identity")
            .map(|(_, _, m)| m)
            .collect()
    };
    assert_eq!(messages(&v), messages(&plan));
    // The same state as `terraform state pull` prints it (format 4), named on the command line.
    let (_, raw) = scan(&[
        "crates/eksdoctor/tests/data/plan/network.tfstate",
        "crates/eksdoctor/tests/data/plan/network-k8s",
    ]);
    no_errors(&raw);
    assert_eq!(rule_resources(&raw), rule_resources(&v));
    assert_eq!(messages(&raw), messages(&v));
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["file"].as_str().unwrap().ends_with(".json"))
        .all(|f| f["source"] == "plan"));
}

/// `terraform show -json` output saved beside the root module it describes is not scanned a
/// second time: the code is (its lines, its suppressions), with a note; named alone it is read.
#[test]
fn a_plan_beside_its_root_module_is_not_scanned_twice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/terraform-eks/main.tf"),
        dir.path().join("main.tf"),
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/terraform-eks-plan/plan.json"),
        dir.path().join("plan.json"),
    )
    .unwrap();
    let (code, v) = scan(&[dir.path().to_str().unwrap(), "--show-unknown"]);
    assert_eq!(code, 1);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 8, "{findings:?}");
    assert!(findings
        .iter()
        .all(|f| f["location"]["file"].as_str().unwrap().ends_with("main.tf")));
    assert!(v["notes"].as_array().unwrap().iter().any(|n| n["message"]
        .as_str()
        .unwrap()
        .contains("a Terraform plan or state beside the root module")));
    let plan = dir.path().join("plan.json");
    let (_, alone) = scan(&[plan.to_str().unwrap()]);
    assert_eq!(alone["findings"].as_array().unwrap().len(), 8);
}

/// The usual layout, `infra/` calling `../modules/net`, scanned from the repository's root with
/// relative paths: the local module is found (and is not taken for a root module of its own).
#[test]
fn local_modules_beside_the_root_are_found_from_relative_paths() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    w(
        "modules/net/main.tf",
        "variable \"cidr\" {}\nresource \"aws_vpc\" \"this\" { cidr_block = var.cidr }\nresource \"aws_subnet\" \"a\" {\n  vpc_id            = aws_vpc.this.id\n  cidr_block        = cidrsubnet(var.cidr, 8, 0)\n  availability_zone = \"eu-west-1a\"\n}\noutput \"subnet_ids\" { value = [aws_subnet.a.id] }\n",
    );
    w(
        "infra/main.tf",
        "module \"net\" {\n  source = \"../modules/net\"\n  cidr   = \"10.0.0.0/16\"\n}\nresource \"aws_eks_cluster\" \"c\" {\n  name     = \"c\"\n  version  = \"1.35\"\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  vpc_config { subnet_ids = module.net.subnet_ids }\n}\nresource \"aws_eks_node_group\" \"ng\" {\n  cluster_name    = aws_eks_cluster.c.name\n  node_group_name = \"ng\"\n  node_role_arn   = \"arn:aws:iam::111122223333:role/n\"\n  subnet_ids      = module.net.subnet_ids\n  instance_types  = [\"m5.large\"]\n  scaling_config {\n    min_size     = 1\n    max_size     = 3\n    desired_size = 2\n  }\n}\n",
    );
    for path in [".", "infra", "./infra"] {
        let out = Command::cargo_bin("eksdoctor")
            .unwrap()
            .current_dir(repo.path())
            .args(["scan", path, "--format", "json", "--as-of", "2026-11-22"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            v["errors"].as_array().unwrap().is_empty(),
            "{path}: {}",
            v["errors"]
        );
        let small: Vec<&serde_json::Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "subnet-too-small")
            .collect();
        assert_eq!(small.len(), 1, "{path}: {}", v["findings"]);
        assert_eq!(
            small[0]["location"]["file"], "modules/net/main.tf",
            "{path}"
        );
    }
}

/// JSON variable files: `terraform.tfvars.json` and `*.auto.tfvars.json` load by themselves (after
/// `terraform.tfvars`, in Terraform's order), `--var-file x.tfvars.json` too; their strings are
/// literal (`${` is not a template).
#[test]
fn json_variable_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("crates/eksdoctor/tests/data/tf/vars/main.tf"),
        dir.path().join("main.tf"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("terraform.tfvars.json"),
        "{\n  \"k8s_version\": \"1.29\"\n}\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let (_, v) = scan(&[d]);
    assert!(
        findings(&v)
            .iter()
            .any(|(r, _, _)| r == "version-end-of-life"),
        "{}",
        v["findings"]
    );
    // An auto file loads after terraform.tfvars.json and wins.
    std::fs::write(
        dir.path().join("b.auto.tfvars.json"),
        "{\n  \"k8s_version\": \"1.33\"\n}\n",
    )
    .unwrap();
    let (_, v) = scan(&[d]);
    let f = findings(&v);
    assert!(
        f.iter()
            .any(|(r, _, m)| r == "version-out-of-standard-support" && m.contains("1.33")),
        "{f:?}"
    );
    // --var-file with JSON wins over both; a literal `${` is fine.
    let extra = dir.path().join("prod.json");
    std::fs::write(
        &extra,
        "{\n  \"public_cidrs\": [\"203.0.113.0/24\"],\n  \"k8s_version\": \"1.35\",\n  \"note\": \"${not a template}\"\n}\n",
    )
    .unwrap();
    let (_, v) = scan(&[d, "--var-file", extra.to_str().unwrap()]);
    no_errors(&v);
    let f = findings(&v);
    assert!(
        !f.iter().any(|(r, _, _)| r.starts_with("version-")),
        "{f:?}"
    );
    assert!(
        !f.iter()
            .any(|(r, _, _)| r == "endpoint-public-unrestricted"),
        "{f:?}"
    );
}

/// Two clusters, each with its manifests below it: the nearest directory decides, however the
/// scan names the paths (`.`, `./envs`, `envs`, absolute).
#[test]
fn manifests_join_the_cluster_of_their_directory_whatever_the_path_form() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    for (env, addons) in [
        ("prod", "\"vpc-cni\", \"coredns\", \"kube-proxy\""),
        (
            "dev",
            "\"vpc-cni\", \"coredns\", \"kube-proxy\", \"metrics-server\"",
        ),
    ] {
        w(
            &format!("envs/{env}/main.tf"),
            &format!("resource \"aws_eks_cluster\" \"this\" {{\n  name     = \"{env}\"\n  version  = \"1.35\"\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  vpc_config {{\n    subnet_ids = [\"subnet-0aaa\", \"subnet-0bbb\"]\n  }}\n}}\nresource \"aws_eks_addon\" \"core\" {{\n  for_each     = toset([{addons}])\n  cluster_name = aws_eks_cluster.this.name\n  addon_name   = each.value\n}}\n"),
        );
        w(
            &format!("envs/{env}/k8s/hpa.yaml"),
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: web, namespace: apps }\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  maxReplicas: 10\n  metrics:\n    - type: Resource\n      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }\n",
        );
    }
    let abs = repo.path().to_str().unwrap().to_string();
    for path in [".", "./envs", "envs", abs.as_str()] {
        let out = Command::cargo_bin("eksdoctor")
            .unwrap()
            .current_dir(repo.path())
            .args(["scan", path, "--format", "json", "--as-of", "2026-11-22"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let hpa: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "hpa-without-metrics-server")
            .map(|f| f["location"]["file"].as_str().unwrap())
            .collect();
        assert_eq!(hpa.len(), 1, "{path}: {hpa:?}");
        assert!(
            hpa[0].ends_with("envs/prod/k8s/hpa.yaml"),
            "{path}: {hpa:?}"
        );
    }
}

/// Files saved by Windows editors: a UTF-8 byte order mark (which Terraform ignores) and CRLF
/// line ends give the same findings on the same lines.
#[test]
fn byte_order_marks_and_crlf_line_ends() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("examples/terraform-eks/main.tf")).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        format!("\u{feff}{}", text.replace('\n', "\r\n")),
    )
    .unwrap();
    let (code, v) = scan(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    no_errors(&v);
    let (_, plain) = scan(&["examples/terraform-eks"]);
    let lines = |v: &serde_json::Value| -> Vec<(String, u64)> {
        findings(v).into_iter().map(|(r, l, _)| (r, l)).collect()
    };
    assert_eq!(lines(&v), lines(&plain));
}

/// A module shared by several root modules: a finding located in the module's file says which
/// root module it comes from, and each root module gets its own.
#[test]
fn findings_in_a_shared_module_name_their_root_module() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    w(
        "modules/cluster/main.tf",
        "variable \"name\" {}\nvariable \"k8s_version\" {}\nresource \"aws_eks_cluster\" \"this\" {\n  name     = var.name\n  version  = var.k8s_version\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  vpc_config {\n    subnet_ids = [\"subnet-0aaa\", \"subnet-0bbb\"]\n  }\n}\n",
    );
    for (env, version) in [("dev", "1.35"), ("prod", "1.29")] {
        w(
            &format!("envs/{env}/main.tf"),
            &format!("module \"cluster\" {{\n  source      = \"../../modules/cluster\"\n  name        = \"{env}\"\n  k8s_version = \"{version}\"\n}}\n"),
        );
    }
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(repo.path())
        .args(["scan", ".", "--format", "json", "--as-of", "2026-11-22"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let of = |rule: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["resource"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        of("version-end-of-life"),
        vec!["cluster envs/prod:module.cluster.aws_eks_cluster.this"]
    );
    assert_eq!(
        of("endpoint-public-unrestricted"),
        vec![
            "cluster envs/dev:module.cluster.aws_eks_cluster.this",
            "cluster envs/prod:module.cluster.aws_eks_cluster.this"
        ]
    );
}

/// Variables are converted to their type: `optional()` object attributes take their default (or
/// null, which means the resource's own default), in root modules and in the inputs of local
/// modules (a map of objects, as node group settings often are), and strings become numbers or
/// bools where the type says so.
#[test]
fn variable_types_fill_in_optional_attributes() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    w(
        "main.tf",
        r#"variable "cluster" {
  type = object({
    name    = string
    version = optional(string, "1.29")
    public  = optional(bool)
    cidrs   = optional(list(string), ["0.0.0.0/0"])
  })
  default = { name = "opt" }
}
resource "aws_eks_cluster" "c" {
  name     = var.cluster.name
  version  = var.cluster.version
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids             = ["subnet-0aaa", "subnet-0bbb"]
    endpoint_public_access = var.cluster.public
    public_access_cidrs    = var.cluster.cidrs
  }
}
module "nodes" {
  source  = "./modules/nodes"
  cluster = aws_eks_cluster.c.name
  groups  = { big = { type = "m5.large" } }
}
"#,
    );
    w(
        "modules/nodes/main.tf",
        r#"variable "cluster" { type = string }
variable "groups" {
  type = map(object({
    type     = string
    max_pods = optional(number, 110)
    max      = optional(string, "3")
  }))
}
resource "aws_launch_template" "this" {
  for_each  = var.groups
  user_data = base64encode("/etc/eks/bootstrap.sh c --kubelet-extra-args '--max-pods=${each.value.max_pods}'")
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
resource "aws_eks_node_group" "this" {
  for_each        = var.groups
  cluster_name    = var.cluster
  node_group_name = each.key
  node_role_arn   = "arn:aws:iam::111122223333:role/n"
  subnet_ids      = ["subnet-0aaa", "subnet-0bbb"]
  instance_types  = [each.value.type]
  launch_template {
    id      = aws_launch_template.this[each.key].id
    version = "$Latest"
  }
  scaling_config {
    min_size     = 1
    max_size     = each.value.max + 1
    desired_size = 1
  }
}
"#,
    );
    let (_, v) = scan(&[repo.path().to_str().unwrap(), "--show-unknown"]);
    no_errors(&v);
    let f = findings(&v);
    let rules: Vec<&str> = f.iter().map(|(r, _, _)| r.as_str()).collect();
    // version 1.29 from optional(string, "1.29"); public access null = the provider's default
    // (on) with the optional() CIDRs; max pods 110 from the module input's optional() default.
    assert!(rules.contains(&"version-end-of-life"), "{f:?}");
    assert!(rules.contains(&"endpoint-public-unrestricted"), "{f:?}");
    assert!(
        f.iter()
            .any(|(r, _, m)| r == "max-pods-over-eni-limit" && m.contains("max pods to 110")),
        "{f:?}"
    );
}

/// Manifests applied by Terraform from files (`yaml_body = file(...)`, `for_each = fileset(...)`)
/// are the objects of those files: scanned together, each object is reported once, on the
/// manifest's line; the Terraform root alone reports them on the resources.
#[test]
fn manifests_applied_from_files_are_one_object_each() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    w(
        "main.tf",
        r#"resource "aws_eks_cluster" "c" {
  name     = "c"
  version  = "1.34"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config { subnet_ids = ["subnet-1"] }
}
resource "kubectl_manifest" "one" {
  yaml_body = file("${path.module}/manifests/sc.yaml")
}
resource "kubectl_manifest" "all" {
  for_each  = fileset("${path.module}/manifests", "*.yaml")
  yaml_body = file("${path.module}/manifests/${each.value}")
}
"#,
    );
    let sc = |name: &str| {
        format!("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: kubernetes.io/aws-ebs\nvolumeBindingMode: WaitForFirstConsumer\n")
    };
    w("manifests/sc.yaml", &sc("legacy"));
    w("manifests/sc2.yaml", &sc("old"));
    w("manifests/ignored.yml", &sc("not-matched"));
    let in_tree = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "in-tree-ebs-provisioner")
            .map(|f| {
                let file = f["location"]["file"].as_str().unwrap();
                let file = file.rsplit_once("main.tf").map_or(file, |_| "main.tf");
                let file = file.rsplit_once("manifests/").map_or(file, |(_, f)| f);
                format!(
                    "{file}:{} {}",
                    f["location"]["line"],
                    f["source"].as_str().unwrap()
                )
            })
            .collect()
    };
    let (_, v) = scan(&[repo.path().to_str().unwrap()]);
    no_errors(&v);
    let mut got = in_tree(&v);
    got.sort();
    // ignored.yml is walked as a manifest too (the fileset only takes *.yaml).
    assert_eq!(
        got,
        ["ignored.yml:1 k8s", "sc.yaml:1 k8s", "sc2.yaml:1 k8s"]
    );
    let (_, v) = scan(&[repo.path().join("main.tf").to_str().unwrap()]);
    no_errors(&v);
    let mut got = in_tree(&v);
    got.sort();
    // `one` and `all["sc.yaml"]` apply the same StorageClass: reported once, on the first.
    assert_eq!(got, ["main.tf:12 tf", "main.tf:8 tf"]);
}

/// Where findings on Kubernetes objects carried by Terraform point: into a heredoc's lines (the
/// YAML starts on the line after `<<`); at the attribute when the YAML comes from a string, a
/// function or `file()` (its lines are not this file's).
#[test]
fn objects_in_terraform_point_at_their_heredoc_lines_or_the_attribute() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    w(
        "main.tf",
        r#"resource "kubectl_manifest" "indented" {
  yaml_body = <<-YAML
    apiVersion: storage.k8s.io/v1
    kind: StorageClass
    metadata: {name: a}
    provisioner: kubernetes.io/aws-ebs
  YAML
}
resource "kubectl_manifest" "plain" {
  yaml_body = <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: b}
provisioner: kubernetes.io/aws-ebs
YAML
}
resource "kubectl_manifest" "string" {
  yaml_body = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: c}\nprovisioner: kubernetes.io/aws-ebs\n"
}
resource "kubectl_manifest" "from_file" {
  yaml_body = file("${path.module}/k8s/db.txt")
}
"#,
    );
    // Not a walked manifest (not .yaml): only Terraform applies it.
    w(
        "k8s/db.txt",
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: d}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: data}\nspec:\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: db, image: postgres}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {storageClassName: d, accessModes: [ReadWriteOnce]}\n",
    );
    let (_, v) = scan(&[repo.path().to_str().unwrap()]);
    no_errors(&v);
    let got: BTreeSet<(String, u64)> = findings(&v)
        .into_iter()
        .filter(|(r, _, _)| r == "in-tree-ebs-provisioner" || r == "ebs-volume-az-bound")
        .map(|(r, l, _)| (r, l))
        .collect();
    let want: BTreeSet<(String, u64)> = [
        ("in-tree-ebs-provisioner", 3),
        ("in-tree-ebs-provisioner", 11),
        ("in-tree-ebs-provisioner", 18),
        ("ebs-volume-az-bound", 21),
    ]
    .iter()
    .map(|(r, l)| (r.to_string(), *l))
    .collect();
    assert_eq!(got, want);
}

/// Kubernetes objects carried by Terraform with values known only after apply: a field that
/// no rule reads (an EC2NodeClass's role) leaves the object checked; an unknown field that rules
/// read (a volume's encryption, a binding mode) leaves the object unjudged, with a note, instead
/// of being taken for unset; a body unknown as a whole keeps the absence rules silent.
#[test]
fn objects_with_values_known_after_apply() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    w(
        "main.tf",
        r#"variable "role" {}
variable "enc" {}
resource "aws_eks_cluster" "c" {
  name     = "c"
  version  = "1.34"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config { subnet_ids = ["subnet-1"] }
  access_config { authentication_mode = "API" }
}
resource "aws_eks_addon" "cni" {
  cluster_name = aws_eks_cluster.c.name
  addon_name   = "vpc-cni"
}
resource "kubectl_manifest" "nodeclass" {
  yaml_body = <<-YAML
    apiVersion: karpenter.k8s.aws/v1
    kind: EC2NodeClass
    metadata:
      name: default
    spec:
      amiSelectorTerms:
        - alias: al2@latest
      role: ${var.role}
      subnetSelectorTerms:
        - tags:
            karpenter.sh/discovery: ${aws_eks_cluster.c.name}
      metadataOptions:
        httpTokens: optional
  YAML
}
resource "kubernetes_manifest" "sc" {
  manifest = {
    apiVersion        = "storage.k8s.io/v1"
    kind              = "StorageClass"
    metadata          = { name = "x" }
    provisioner       = "ebs.csi.aws.com"
    volumeBindingMode = var.enc
  }
}
resource "kubernetes_manifest" "nc2" {
  manifest = {
    apiVersion = "karpenter.k8s.aws/v1"
    kind       = "EC2NodeClass"
    metadata   = { name = "big" }
    spec = {
      amiSelectorTerms    = [{ alias = "al2023@latest" }]
      role                = "r"
      blockDeviceMappings = [{ deviceName = "/dev/xvda", ebs = { volumeSize = "20Gi", encrypted = var.enc } }]
    }
  }
}
data "http" "bundle" { url = "https://example.com/bundle.yaml" }
resource "kubectl_manifest" "bundle" {
  yaml_body = data.http.bundle.response_body
}
"#,
    );
    w(
        "k8s/hpa.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n",
    );
    let (_, v) = scan(&[repo.path().to_str().unwrap(), "--show-unknown"]);
    no_errors(&v);
    let got: BTreeSet<(String, u64)> = findings(&v)
        .into_iter()
        .filter(|(r, _, _)| {
            [
                "ami-type-deprecated",
                "imdsv2-not-required",
                "storageclass-immediate-binding",
                "node-volume-unencrypted",
                "hpa-without-metrics-server",
            ]
            .contains(&r.as_str())
        })
        .map(|(r, l, _)| (r, l))
        .collect();
    let want: BTreeSet<(String, u64)> = [("ami-type-deprecated", 22), ("imdsv2-not-required", 28)]
        .iter()
        .map(|(r, l)| (r.to_string(), *l))
        .collect();
    assert_eq!(got, want);
    let notes: Vec<String> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| format!("{} {}", n["line"], n["message"].as_str().unwrap()))
        .collect();
    for want in [
        "StorageClass x: a value here is known only after apply",
        "EC2NodeClass big: a value here is known only after apply",
        "kubectl_manifest.bundle: yaml_body",
    ] {
        assert!(notes.iter().any(|n| n.contains(want)), "{want}: {notes:?}");
    }
}

/// The kubectl provider's document splitters (`kubectl_path_documents`, `kubectl_file_documents`)
/// read files only, so their documents are known and the manifests applied from them are read;
/// documents holding only comments are dropped, as the provider drops them.
#[test]
fn kubectl_document_data_sources_are_read() {
    let repo = tempfile::tempdir().unwrap();
    let w = |p: &str, text: &str| write_under(repo.path(), p, text);
    w(
        "main.tf",
        r#"resource "aws_eks_cluster" "c" {
  name     = "c"
  version  = "1.34"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config { subnet_ids = ["subnet-1"] }
}
data "kubectl_path_documents" "all" {
  pattern = "${path.module}/manifests/*.yml"
}
resource "kubectl_manifest" "all" {
  for_each  = toset(data.kubectl_path_documents.all.documents)
  yaml_body = each.value
}
data "kubectl_file_documents" "one" {
  content = file("${path.module}/bundle.txt")
}
resource "kubectl_manifest" "one" {
  count     = length(data.kubectl_file_documents.one.documents)
  yaml_body = element(data.kubectl_file_documents.one.documents, count.index)
}
data "kubectl_path_documents" "templated" {
  pattern = "${path.module}/manifests/*.yml"
  vars    = { name = "x" }
}
resource "kubectl_manifest" "templated" {
  for_each  = toset(data.kubectl_path_documents.templated.documents)
  yaml_body = each.value
}
"#,
    );
    let sc = |name: &str, wait: bool| {
        format!(
            "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: kubernetes.io/aws-ebs\n{}",
            if wait { "volumeBindingMode: WaitForFirstConsumer\n" } else { "" }
        )
    };
    w(
        "manifests/scs.yml",
        &format!(
            "---\n# comment only\n---\n{}---\n{}",
            sc("a", true),
            sc("b", true)
        ),
    );
    w(
        "bundle.txt",
        &format!(
            "{}---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: x}}\n",
            sc("c", true)
        ),
    );
    let (_, v) = scan(&[
        repo.path().join("main.tf").to_str().unwrap(),
        "--show-unknown",
    ]);
    no_errors(&v);
    let mut got: Vec<String> = findings(&v)
        .into_iter()
        .filter(|(r, _, _)| r == "in-tree-ebs-provisioner")
        .map(|(_, l, m)| format!("{l} {}", &m[..m.find(" uses").unwrap()]))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "12 StorageClass `a`",
            "12 StorageClass `b`",
            "19 StorageClass `c`"
        ]
    );
    // With `vars` the provider substitutes its own way: those documents are not known.
    assert!(v["notes"].as_array().unwrap().iter().any(|n| n["message"]
        .as_str()
        .unwrap()
        .contains("kubectl_manifest.templated")));
}
