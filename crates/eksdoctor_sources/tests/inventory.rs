//! Snapshots of the inventory each source builds from its examples and fixtures, so that a parser
//! or mapping change shows as a readable diff of what was read, not only as a rule failure.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test` and `git diff`).

use std::path::Path;

fn inventory_json(rel: &str) -> String {
    // Paths as a user in the repository root names them, whatever directory the test runs in.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::set_current_dir(&root).unwrap();
    let (inputs, errors) = eksdoctor_sources::discover(&[rel.into()], || Ok(String::new()));
    assert!(errors.is_empty(), "{errors:?}");
    let inv = eksdoctor_sources::load(&inputs, &Default::default());
    serde_json::to_string_pretty(&inv).unwrap()
}

macro_rules! snapshot {
    ($name:ident, $path:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(inventory_json($path));
        }
    };
}

snapshot!(eksctl_and_manifests, "examples/demo");
snapshot!(terraform_code, "examples/terraform-eks");
snapshot!(terraform_plan, "examples/terraform-eks-plan/plan.json");
snapshot!(
    karpenter_manifests,
    "crates/eksdoctor_rules/fixtures/imds-reachable-from-pods/pos-karpenter"
);
snapshot!(
    eksctl_ipv6,
    "crates/eksdoctor_rules/fixtures/subnet-too-small/neg_ipv6.yaml"
);

/// terraform-aws-modules/eks node groups that leave `min_size` out: 0 in v18–v20, 1 since v21
/// (the submodules' `variables.tf`), unknown when the version constraint allows both.
#[test]
fn module_node_group_min_size_follows_the_module_version() {
    let min_size = |constraint: &str| -> serde_json::Value {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("main.tf"),
            format!(
                "module \"eks\" {{\n  source  = \"terraform-aws-modules/eks/aws\"\n  version = \"{constraint}\"\n  name    = \"c\"\n  cluster_name = \"c\"\n  subnet_ids = [\"subnet-1\"]\n  eks_managed_node_groups = {{ a = {{ instance_types = [\"m5.large\"] }} }}\n}}\n"
            ),
        )
        .unwrap();
        let (inputs, errors) =
            eksdoctor_sources::discover(&[d.path().to_path_buf()], || Ok(String::new()));
        assert!(errors.is_empty(), "{errors:?}");
        let inv = eksdoctor_sources::load(&inputs, &Default::default());
        let v = serde_json::to_value(&inv).unwrap();
        v["node_groups"][0]["min_size"].clone()
    };
    let v20 = min_size("~> 20.0");
    assert_eq!(
        (v20["state"].as_str(), v20["value"].as_u64()),
        (Some("known"), Some(0)),
        "{v20}"
    );
    let v21 = min_size("~> 21.0");
    assert_eq!(
        (v21["state"].as_str(), v21["value"].as_u64()),
        (Some("known"), Some(1)),
        "{v21}"
    );
    assert!(v21["default"].as_str().unwrap().contains("v21"), "{v21}");
    let both = min_size(">= 20.0, < 22.0");
    assert_eq!(both["state"], "unknown", "{both}");
    assert!(
        both["reason"]
            .as_str()
            .unwrap()
            .contains("0 in v18–v20, 1 since v21"),
        "{both}"
    );
}

/// eksctl `iamIdentityMappings` by service (`serviceName` + `namespace`, EMR on EKS) are valid
/// and map no admin; without `namespace`, or with none of `arn`, `account`, `serviceName`, the
/// entry is an error naming its line.
#[test]
fn eksctl_service_identity_mappings_are_read() {
    let load = |mappings: &str| {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("cluster.yaml");
        std::fs::write(
            &f,
            format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c1\n  region: eu-west-1\n  version: \"1.33\"\niamIdentityMappings:\n{mappings}"),
        )
        .unwrap();
        let (inputs, errors) = eksdoctor_sources::discover(&[f], || Ok(String::new()));
        assert!(errors.is_empty(), "{errors:?}");
        let inv = eksdoctor_sources::load(&inputs, &Default::default());
        let errs: Vec<String> = inv
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.line.unwrap_or(0), e.message))
            .collect();
        (inv.auth_mappings.len(), errs)
    };
    let (n, errs) = load("  - serviceName: emr-containers\n    namespace: spark\n");
    assert_eq!((n, errs.len()), (0, 0), "{errs:?}");
    let (_, errs) = load("  - serviceName: emr-containers\n");
    assert_eq!(
        errs,
        ["8: iamIdentityMappings entry with serviceName `emr-containers` needs `namespace`"]
    );
    let (_, errs) = load("  - username: x\n");
    assert_eq!(
        errs,
        ["8: iamIdentityMappings entry without `arn`, `account` or `serviceName`"]
    );
}
