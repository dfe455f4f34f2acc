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
