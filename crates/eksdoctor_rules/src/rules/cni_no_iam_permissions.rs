//! # cni-no-iam-permissions
//! Nobody gives the VPC CNI its permissions: the node roles lack AmazonEKS_CNI_Policy and the
//! vpc-cni add-on has no role, no Pod Identity association serves `kube-system/aws-node`, and no
//! IRSA role trusts it. Decided only when all of that is in the scanned code.

use crate::helpers::{managed_policy_name, statements};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

/// Resource types through which aws-node may get a role: the add-on (its role), Pod Identity,
/// IRSA (a role and an annotated service account), policies on node roles.
const CNI_ROLE_TYPES: &[&str] = &[
    "aws_eks_addon",
    "aws_eks_pod_identity_association",
    "aws_iam_role",
    "aws_iam_role_policy_attachment",
    "aws_iam_role_policy",
    "kubernetes_service_account",
    "kubernetes_annotations",
    "helm_release",
    "kubectl_manifest",
    "kubernetes_manifest",
];

pub static META: RuleMeta = RuleMeta {
    id: "cni-no-iam-permissions",
    category: Category::Identity,
    severity: Severity::High,
    summary: "VPC CNI without IAM permissions",
    why: "The VPC CNI needs EC2 network-interface permissions to give pods IPs; without them nodes never become Ready.",
    fix: "Attach AmazonEKS_CNI_Policy to a role for `kube-system/aws-node` (vpc-cni add-on `service_account_role_arn` or Pod Identity), or to the node role.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "Any node role is defined outside the scanned code, the vpc-cni add-on is not managed there, or its role is not known.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html"],
};

/// Some scalar in the tree is `text`.
fn mentions(n: &eksdoctor_inventory::Node, text: &str) -> bool {
    match &n.kind {
        eksdoctor_inventory::NodeKind::Scalar { text: t, .. } => t == text,
        eksdoctor_inventory::NodeKind::Seq(items) => items.iter().any(|i| mentions(i, text)),
        eksdoctor_inventory::NodeKind::Map(entries) => {
            entries.iter().any(|(_, v)| mentions(v, text))
        }
        eksdoctor_inventory::NodeKind::Null | eksdoctor_inventory::NodeKind::Unknown { .. } => {
            false
        }
    }
}

fn has_cni(policies: &[String]) -> bool {
    policies.iter().any(|p| {
        matches!(
            managed_policy_name(p),
            Some("AmazonEKS_CNI_Policy" | "AmazonEKS_CNI_IPv6_Policy")
        )
    })
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let inv = ctx.inv;
    // An IRSA role trusting aws-node may be wired through a manifest: one of the cluster's own
    // root module, or of a root that defines no cluster (an IAM root serving any); a role of
    // another cluster's root is that cluster's.
    let trusts_aws_node = |r: &&eksdoctor_inventory::IamRole| {
        r.trust_policy
            .known()
            .and_then(|t| t.as_ref())
            .is_some_and(|doc| {
                statements(doc)
                    .iter()
                    .any(|st| mentions(st, "system:serviceaccount:kube-system:aws-node"))
            })
    };
    let cluster_roots: std::collections::HashSet<Option<&str>> =
        inv.clusters.iter().map(|c| c.id.root()).collect();
    let aws_node_roles: Vec<&eksdoctor_inventory::IamRole> =
        inv.iam_roles.iter().filter(trusts_aws_node).collect();
    for c in &inv.clusters {
        let irsa_for_aws_node = aws_node_roles
            .iter()
            .any(|r| r.id.root() == c.id.root() || !cluster_roots.contains(&r.id.root()));
        // A module the scan cannot see may give aws-node its role (Pod Identity, IRSA).
        if let Some(o) = inv.completeness.unseen_part(&c.id, CNI_ROLE_TYPES) {
            sink.unknown(
                &META,
                &o.at,
                format!(
                    "the VPC CNI's permissions in cluster `{}` not decided: {}, which may give aws-node a role",
                    c.id, o.what
                ),
            );
            continue;
        }
        let auto = sink.need(&META, &c.auto_mode, || {
            format!("whether cluster `{}` runs in Auto Mode", c.id)
        });
        if auto != Some(&false) {
            continue;
        }
        let Some(addon) = inv.addons_of(&c.id).find(|a| a.name == "vpc-cni") else {
            continue;
        };
        // The add-on's own role: must be known to be none.
        match sink.need(&META, &addon.role, || {
            "IAM role of the vpc-cni add-on".to_string()
        }) {
            Some(None) => {}
            _ => continue,
        }
        if inv.pod_identity_associations.iter().any(|p| {
            p.cluster == c.id && p.namespace == "kube-system" && p.service_account == "aws-node"
        }) {
            continue;
        }
        if irsa_for_aws_node {
            continue;
        }
        let groups: Vec<_> = inv
            .node_groups_of(&c.id)
            .filter(|n| n.kind != eksdoctor_inventory::NodeGroupKind::Karpenter)
            .collect();
        if groups.is_empty() {
            continue;
        }
        let mut decided = true;
        let mut seen = std::collections::BTreeSet::new();
        for ng in &groups {
            // A group that names no role gets one from its tool (with the CNI policy).
            let Some(role) = crate::helpers::node_role(ctx, ng, &META, sink, &mut seen) else {
                decided = false;
                break;
            };
            let what = || format!("managed policies of node role `{}`", role.id);
            match sink.need(&META, &role.managed_policies, what) {
                Some(p)
                    if !has_cni(p)
                        && role.inline_policies.is_empty()
                        && !crate::helpers::unresolved_policies(
                            role,
                            "no AmazonEKS_CNI_Policy among the known policies",
                            &META,
                            sink,
                        ) => {}
                _ => {
                    decided = false;
                    break;
                }
            }
        }
        if !decided {
            continue;
        }
        sink.finding(
            &META,
            &addon.at,
            format!("cluster {}", c.id),
            format!(
                "cluster `{}`: neither the vpc-cni add-on nor the node roles of {} carry AmazonEKS_CNI_Policy, and no role is given to kube-system/aws-node: nodes will not become Ready",
                c.id,
                groups.iter().map(|g| format!("`{}`", g.name)).collect::<Vec<_>>().join(", ")
            ),
        );
    }
}
