//! A plan made by Terraform 1.11.4 itself (`tests/data/real-plan`: built-in `terraform_data`
//! resources, which need no provider download), to check the reader against Terraform's own
//! format: instance addresses in keyed module instances, `after_unknown` lists, and references
//! followed through a module instance's output. Then the state once applied, in both forms
//! (`terraform show -json`, `terraform state pull`), and the plan run again (nothing to do).

use super::tests::read_doc;

#[test]
fn references_through_keyed_module_instances() {
    let r = read_doc(include_str!("../../tests/data/real-plan/plan.json"));
    let addrs: Vec<&str> = r.iter().map(|x| x.addr.as_str()).collect();
    assert_eq!(
        addrs,
        [
            "module.net[\"a\"].module.inner.terraform_data.leaf[0]",
            "module.net[\"a\"].terraform_data.child",
            "module.net[\"a\"].terraform_data.subnet[0]",
            "module.net[\"a\"].terraform_data.subnet[1]",
            "module.net[\"b\"].module.inner.terraform_data.leaf[0]",
            "module.net[\"b\"].terraform_data.child",
            "module.net[\"b\"].terraform_data.subnet[0]",
            "module.net[\"b\"].terraform_data.subnet[1]",
            "terraform_data.cluster",
            "terraform_data.deep",
            "terraform_data.known[0]",
            "terraform_data.known[1]",
        ]
    );
    let base = |a: &str| r.iter().find(|x| x.addr == a).unwrap().base.as_str();
    assert_eq!(
        base("module.net[\"a\"].terraform_data.subnet[0]"),
        "module.net[\"a\"].terraform_data.subnet"
    );
    // Each unknown element of `input` names the resource it comes from.
    let origins = |a: &str| -> Vec<Option<String>> {
        let res = r.iter().find(|x| x.addr == a).unwrap();
        res.body
            .get("input")
            .unwrap()
            .as_list()
            .unwrap()
            .iter()
            .map(|v| v.unk().and_then(|u| u.addr.clone()))
            .collect()
    };
    let some =
        |v: &[&str]| -> Vec<Option<String>> { v.iter().map(|s| Some(s.to_string())).collect() };
    // `module.net["a"].ids`: through the output of instance "a".
    assert_eq!(
        origins("terraform_data.cluster"),
        some(&[
            "module.net[\"a\"].terraform_data.subnet[0]",
            "module.net[\"a\"].terraform_data.subnet[1]"
        ])
    );
    // `module.net["b"].inner_ids` → `module.inner.ids`: two modules down.
    assert_eq!(
        origins("terraform_data.deep"),
        some(&["module.net[\"b\"].module.inner.terraform_data.leaf[0]"])
    );
    // `var.parent` inside instance "b": what the root passes in.
    assert_eq!(
        origins("module.net[\"b\"].terraform_data.child"),
        some(&["terraform_data.known[0]", "terraform_data.known[1]"])
    );
}

#[test]
fn the_applied_state_in_both_forms_and_the_plan_run_again() {
    let plan = read_doc(include_str!("../../tests/data/real-plan/plan.json"));
    let want: Vec<(&str, &str)> = plan
        .iter()
        .map(|x| (x.addr.as_str(), x.base.as_str()))
        .collect();
    for (name, text) in [
        (
            "state.json",
            include_str!("../../tests/data/real-plan/state.json"),
        ),
        (
            "state.tfstate",
            include_str!("../../tests/data/real-plan/state.tfstate"),
        ),
        (
            "plan-existing.json",
            include_str!("../../tests/data/real-plan/plan-existing.json"),
        ),
    ] {
        let r = read_doc(text);
        let got: Vec<(&str, &str)> = r
            .iter()
            .map(|x| (x.addr.as_str(), x.base.as_str()))
            .collect();
        assert_eq!(got, want, "{name}");
        // Everything is known once applied: the cluster's input is the two subnet ids.
        let cluster = r
            .iter()
            .find(|x| x.addr == "terraform_data.cluster")
            .unwrap();
        let input = cluster.body.get("input").unwrap();
        assert!(!input.has_unknown(), "{name}: {input:?}");
        let subnet_id = |a: &str| {
            r.iter()
                .find(|x| x.addr == a)
                .unwrap()
                .body
                .get("id")
                .cloned()
        };
        assert_eq!(
            input.as_list().unwrap().to_vec(),
            [
                subnet_id("module.net[\"a\"].terraform_data.subnet[0]").unwrap(),
                subnet_id("module.net[\"a\"].terraform_data.subnet[1]").unwrap()
            ],
            "{name}"
        );
    }
}
