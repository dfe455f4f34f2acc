//! The plan reader on hand-written plan and state documents.

use super::*;

/// The resource instances of a plan or state document, which must parse and be recognised.
pub(super) fn read_doc(text: &str) -> Vec<Res> {
    let (docs, err) = eksdoctor_inventory::yaml::parse(text);
    assert!(err.is_none(), "{err:?}");
    assert!(is_plan(&docs[0].root));
    read(&Arc::from("x.json"), &docs[0].root)
}

fn state(resources: &str) -> Vec<Res> {
    read_doc(&format!(
        r#"{{"format_version": "1.0", "values": {{"root_module": {{"resources": [{resources}]}}}}}}"#
    ))
}

fn res(addr: &str, values: &str) -> String {
    let (t, n) = addr.split_once('.').unwrap();
    format!(
        r#"{{"address": "{addr}", "mode": "managed", "type": "{t}", "name": "{n}", "values": {values}}}"#
    )
}

fn origin<'a>(r: &'a [Res], addr: &str, attr: &str) -> Option<&'a str> {
    let v = r.iter().find(|x| x.addr == addr)?.body.get(attr)?;
    v.unk()?.addr.as_deref()
}

#[test]
fn raw_state_addresses() {
    let text = r#"{"version": 4, "terraform_version": "1.9.8", "serial": 1, "lineage": "x",
      "resources": [
        {"module": "module.eks", "mode": "managed", "type": "aws_eks_node_group", "name": "this",
         "instances": [{"index_key": "default", "attributes": {"id": "c:default"}},
                       {"index_key": "a.b", "attributes": {"id": "c:a.b"}}]},
        {"module": "module.vpc", "mode": "managed", "type": "aws_subnet", "name": "private",
         "instances": [{"index_key": 0, "attributes": {"id": "subnet-1"}}]},
        {"mode": "data", "type": "aws_caller_identity", "name": "current",
         "instances": [{"attributes": {"account_id": "1"}}]}]}"#;
    let r = read_doc(text);
    let got: Vec<(&str, &str, bool)> = r
        .iter()
        .map(|x| (x.addr.as_str(), x.base.as_str(), x.data))
        .collect();
    assert_eq!(
        got,
        [
            (
                "data.aws_caller_identity.current",
                "data.aws_caller_identity.current",
                true
            ),
            (
                "module.eks.aws_eks_node_group.this[\"a.b\"]",
                "module.eks.aws_eks_node_group.this",
                false
            ),
            (
                "module.eks.aws_eks_node_group.this[\"default\"]",
                "module.eks.aws_eks_node_group.this",
                false
            ),
            (
                "module.vpc.aws_subnet.private[0]",
                "module.vpc.aws_subnet.private",
                false
            ),
        ]
    );
    assert_eq!(r[2].body.get("id"), Some(&V::str("c:default")));
}

#[test]
fn known_ids_link_like_references() {
    let r = state(&[
        res("aws_iam_role.node", r#"{"id": "nodes", "arn": "arn:aws:iam::1:role/nodes", "name": "nodes"}"#),
        // Named like the role: `role = "nodes"` means the role, `iam_instance_profile` the profile.
        res("aws_iam_instance_profile.node", r#"{"id": "nodes", "arn": "arn:aws:iam::1:instance-profile/nodes", "role": "nodes"}"#),
        res("aws_iam_role_policy_attachment.a", r#"{"id": "nodes-1", "role": "nodes", "policy_arn": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"}"#),
        res("aws_eks_cluster.c", r#"{"id": "c", "name": "c", "tags": {"owner": "nodes"}}"#),
        res("aws_eks_node_group.n", r#"{"id": "c:n", "cluster_name": "c", "node_role_arn": "arn:aws:iam::1:role/nodes", "subnet_ids": ["subnet-1", "subnet-9"]}"#),
        res("aws_subnet.a", r#"{"id": "subnet-1", "vpc_id": "vpc-1"}"#),
        res("aws_instance.x", r#"{"id": "i-1", "ami": "subnet-1", "iam_instance_profile": "nodes"}"#),
        res("aws_launch_template.lt", r#"{"id": "lt-1", "iam_instance_profile": [{"name": "nodes", "arn": ""}]}"#),
    ]
    .join(","));
    assert_eq!(
        origin(&r, "aws_iam_role_policy_attachment.a", "role"),
        Some("aws_iam_role.node")
    );
    assert_eq!(
        origin(&r, "aws_iam_instance_profile.node", "role"),
        Some("aws_iam_role.node")
    );
    assert_eq!(
        origin(&r, "aws_eks_node_group.n", "cluster_name"),
        Some("aws_eks_cluster.c")
    );
    assert_eq!(
        origin(&r, "aws_eks_node_group.n", "node_role_arn"),
        Some("aws_iam_role.node")
    );
    // The profile, not the role of the same name: the block's name settles it.
    let lt = r
        .iter()
        .find(|x| x.addr == "aws_launch_template.lt")
        .unwrap();
    let (_, profile) = lt
        .body
        .blocks
        .iter()
        .find(|(n, _)| n == "iam_instance_profile")
        .unwrap();
    assert_eq!(
        profile.get("name").unwrap().unk().unwrap().addr.as_deref(),
        Some("aws_iam_instance_profile.node")
    );
    // An attribute whose name does not say it holds a reference is left alone.
    assert_eq!(origin(&r, "aws_instance.x", "iam_instance_profile"), None);
    let ng = r.iter().find(|x| x.addr == "aws_eks_node_group.n").unwrap();
    let ids = ng.body.get("subnet_ids").unwrap().as_list().unwrap();
    assert_eq!(ids[0].unk().unwrap().addr.as_deref(), Some("aws_subnet.a"));
    // Not in the document: stays the string it was.
    assert_eq!(ids[1], V::str("subnet-9"));
    // Not every string: an AMI id, a policy ARN, tags, a resource's own name.
    assert!(r
        .iter()
        .find(|x| x.addr == "aws_instance.x")
        .unwrap()
        .body
        .get("ami")
        .unwrap()
        .unk()
        .is_none());
    let c = r.iter().find(|x| x.addr == "aws_eks_cluster.c").unwrap();
    assert_eq!(c.body.get("name"), Some(&V::str("c")));
    assert!(!c.body.get("tags").unwrap().has_unknown());
    assert_eq!(
        r.iter()
            .find(|x| x.addr == "aws_iam_role_policy_attachment.a")
            .unwrap()
            .body
            .get("policy_arn"),
        Some(&V::str("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"))
    );
}
