//! A node group's IAM role as eksctl creates it: the managed policies of `makeManagedPolicies`
//! and the inline policies of `createRole` (eksctl v0.230.0, `pkg/cfn/builder/iam_helper.go`),
//! or the role the group names (`iam.instanceRoleARN`, `iam.instanceProfileARN`).
//!
//! With no `attachPolicyARNs`, eksctl attaches AmazonEKSWorkerNodePolicy,
//! AmazonSSMManagedInstanceCore, AmazonEC2ContainerRegistryPullOnly, and AmazonEKS_CNI_Policy
//! unless `iam.withOIDC` is enabled (when the cluster is created with the node group;
//! `eksctl create nodegroup` also attaches it when aws-node does not use IRSA). With
//! `attachPolicyARNs`, only those, plus PullOnly on self-managed groups. `withAddonPolicies`
//! adds PowerUser (imageBuilder), CloudWatchAgentServerPolicy (cloudWatch), AmazonEBSCSIDriverPolicy
//! (ebs) and the inline policies of `node_policies.json`.

use crate::ctx::FileCtx;
use crate::yaml;
use eksdoctor_inventory::*;
use std::sync::OnceLock;

/// What the cluster's settings say about its node roles.
pub(super) struct NodeIamCtx<'a> {
    /// `iam.withOIDC`.
    pub with_oidc: &'a Val<bool>,
    /// The IAM partition of the cluster's region (`aws` when the region is not known).
    pub partition: &'a str,
}

/// The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, `aws` otherwise
/// (and when the region is not known; the rules read policy names, not partitions).
pub(super) fn partition(region: &Val<String>) -> &'static str {
    match region.known().map(String::as_str) {
        Some(r) if r.starts_with("cn-") => "aws-cn",
        Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
        Some(r) if r.starts_with("us-isob-") => "aws-iso-b",
        Some(r) if r.starts_with("us-iso-") => "aws-iso",
        _ => "aws",
    }
}

/// The inline policies and the trust policy eksctl writes, parsed once.
fn data() -> &'static Node {
    static DATA: OnceLock<Node> = OnceLock::new();
    DATA.get_or_init(|| {
        let (docs, err) = yaml::parse(include_str!("node_policies.json"));
        assert!(err.is_none(), "node_policies.json is valid JSON");
        docs.into_iter().next().expect("one document").root
    })
}

/// `n` with every line set to `line` (the data's own lines mean nothing to the user).
fn relined(n: &Node, line: u32) -> Node {
    let kind = match &n.kind {
        NodeKind::Seq(items) => NodeKind::Seq(items.iter().map(|i| relined(i, line)).collect()),
        NodeKind::Map(entries) => NodeKind::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), relined(v, line)))
                .collect(),
        ),
        other => other.clone(),
    };
    Node { line, kind }
}

/// `key` of the data.
fn field(key: &str) -> &'static Node {
    data().get(key).expect("node_policies.json has the key")
}

/// A policy document of `statements`.
fn document(statements: &Node, line: u32) -> Node {
    let version = Node {
        line,
        kind: NodeKind::Scalar {
            text: "2012-10-17".into(),
            quoted: true,
        },
    };
    Node {
        line,
        kind: NodeKind::Map(vec![
            ("Version".into(), version),
            ("Statement".into(), relined(statements, line)),
        ]),
    }
}

/// The role of node group `ng` (named `name`, of `cluster`): pushed into the inventory when
/// eksctl creates it; the reference the group's `node_role` holds.
pub(super) fn read(
    ctx: &mut FileCtx,
    ng: &Node,
    name: &str,
    managed: bool,
    cluster: &Id,
    c: &NodeIamCtx,
    inv: &mut Inventory,
) -> Val<Option<Id>> {
    let w = "nodegroup: ";
    let at = ctx.prov(ng.line);
    let iam = ctx.map(ng, "iam", w);
    if let Some(iam) = iam {
        if let Some(arn) = ctx.str(iam, "instanceRoleARN", w) {
            return Val::set(
                Some(Id::global(arn)),
                ctx.prov(iam.line_of("instanceRoleARN")),
            );
        }
        if let Some(arn) = ctx.str(iam, "instanceProfileARN", w) {
            return Val::unknown(
                format!(
                    "the node role is the role of instance profile `{}`, which the scanned files do not define",
                    excerpt(&arn)
                ),
                ctx.prov(iam.line_of("instanceProfileARN")),
            );
        }
    }
    // Without `instanceRoleName`, CloudFormation names the role after the stack's resource
    // (with a suffix of its own).
    let iam_name = iam.and_then(|i| ctx.str(i, "instanceRoleName", w));
    let role_name = iam_name.clone().unwrap_or_else(|| {
        format!(
            "eksctl-{}-nodegroup-{name}-NodeInstanceRole",
            cluster.name()
        )
    });
    let id = Id {
        root: cluster.root.clone(),
        name: role_name,
    };
    let mut role = role(ctx, ng, iam, managed, c, id.clone());
    role.name = iam_name;
    inv.iam_roles.push(role);
    Val::defaulted(Some(id), at, "eksctl creates the node role")
}

/// The `withAddonPolicies` set to true, with their lines.
fn addons_enabled(ctx: &mut FileCtx, iam: Option<&Node>) -> Vec<(String, u32)> {
    let w = "nodegroup iam.withAddonPolicies: ";
    let Some(addons) = iam.and_then(|i| ctx.map(i, "withAddonPolicies", w)) else {
        return Vec::new();
    };
    let keys: Vec<String> = addons.entries().iter().map(|(k, _)| k.clone()).collect();
    keys.into_iter()
        .filter(|k| ctx.bool(addons, k, w) == Some(true))
        .map(|k| {
            let line = addons.line_of(&k);
            (k, line)
        })
        .collect()
}

fn role(
    ctx: &mut FileCtx,
    ng: &Node,
    iam: Option<&Node>,
    managed: bool,
    c: &NodeIamCtx,
    id: Id,
) -> IamRole {
    let w = "nodegroup: ";
    let at = ctx.prov(ng.line);
    let attach: Vec<String> = iam.map_or_else(Vec::new, |i| ctx.str_list(i, "attachPolicyARNs", w));
    let addons = addons_enabled(ctx, iam);
    let enabled = |key: &str| addons.iter().any(|(k, _)| k == key);
    let mut names: Vec<&str> = Vec::new();
    let mut with_cni = false;
    if attach.is_empty() {
        names.push("AmazonEKSWorkerNodePolicy");
        if c.with_oidc.known() != Some(&true) {
            names.push("AmazonEKS_CNI_Policy");
            with_cni = true;
        }
        if managed {
            names.push("AmazonEC2ContainerRegistryPullOnly");
        }
        names.push("AmazonSSMManagedInstanceCore");
    }
    if enabled("imageBuilder") {
        names.push("AmazonEC2ContainerRegistryPowerUser");
    } else if !managed {
        names.push("AmazonEC2ContainerRegistryPullOnly");
    }
    if enabled("cloudWatch") {
        names.push("CloudWatchAgentServerPolicy");
    }
    if enabled("ebs") {
        names.push("service-role/AmazonEBSCSIDriverPolicy");
    }
    // An ARN the user attaches replaces the default of the same name.
    names.retain(|n| {
        !attach
            .iter()
            .any(|a| a.split_once('/').map(|x| x.1) == Some(*n))
    });
    names.sort();
    names.dedup();
    let mut arns = attach.clone();
    arns.extend(
        names
            .iter()
            .map(|n| format!("arn:{}:iam::aws:policy/{n}", c.partition)),
    );
    let unresolved = attach
        .iter()
        .filter_map(|a| customer_policy_unresolved(a))
        .collect();
    let managed_policies = match (iam, attach.is_empty()) {
        (Some(i), false) => Val::set(arns, ctx.prov(i.line_of("attachPolicyARNs"))),
        _ => {
            let why = if with_cni {
                "eksctl's default node policies, with AmazonEKS_CNI_Policy as iam.withOIDC is not enabled"
            } else {
                "eksctl's default node policies"
            };
            Val::defaulted(arns, at.clone(), why)
        }
    };
    let mut inline: Vec<Node> = iam
        .and_then(|i| i.get("attachPolicy"))
        .cloned()
        .into_iter()
        .collect();
    inline.extend(addon_policies(&addons));
    IamRole {
        name: None,
        id,
        managed_policies,
        inline_policies: inline,
        unresolved_policies: unresolved,
        trust_policy: Val::set(Some(relined(field("trust"), at.line)), at.clone()),
        at,
    }
}

/// The inline policies of the enabled `iam.withAddonPolicies`, each placed at its key.
fn addon_policies(enabled: &[(String, u32)]) -> Vec<Node> {
    let policies = field("addons");
    let lbc = enabled
        .iter()
        .any(|(k, _)| k == "awsLoadBalancerController");
    enabled
        .iter()
        .filter_map(|(key, line)| {
            // `albIngress` is the deprecated name of `awsLoadBalancerController`.
            let key = match key.as_str() {
                "albIngress" if lbc => return None,
                "albIngress" => "awsLoadBalancerController",
                k => k,
            };
            policies.get(key).map(|st| document(st, *line))
        })
        .collect()
}
