//! # node-role-too-broad
//! The node IAM role carries more than nodes need: AdministratorAccess, PowerUserAccess, any
//! `*FullAccess` managed policy, or an inline / customer-managed statement allowing `Action: "*"`
//! or a whole service (`ec2:*`) on every resource, or write and destructive actions no node needs
//! (volumes, security groups, Auto Scaling, `iam:PassRole`: see the knowledge table
//! `node_actions`) on every resource without a condition.

use crate::helpers::{
    managed_policy_name, node_role, statements, str_or_list, unresolved_policies,
};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    id: "node-role-too-broad",
    category: Category::Identity,
    severity: Severity::High,
    summary: "Node IAM role with far more than nodes need",
    why: "Every pod that can reach IMDS gets the node role's credentials; an admin-grade node role turns one compromised pod into a compromised account.",
    fix: "Keep the node role to AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly (or PullOnly) and AmazonSSMManagedInstanceCore if needed; give pods their own roles through IRSA or Pod Identity, and move add-on permissions (EBS CSI driver, load balancer controller, cluster-autoscaler, Karpenter) to the add-on's own role.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The node role is not defined in the scanned code (only its ARN is known).",
    references: &[
        "https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html",
        "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEBSCSIDriverPolicy.html",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2ContainerRegistryPowerUser.html",
        "https://github.com/eksctl-io/eksctl/blob/main/pkg/cfn/builder/statement.go",
        "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json",
        "https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md",
    ],
};

fn broad_managed(name: &str) -> bool {
    name == "AdministratorAccess" || name == "PowerUserAccess" || name.ends_with("FullAccess")
}

/// An add-on's managed policy on the node role, said with the component whose role should
/// hold it.
fn addon_managed(name: &str) -> Option<String> {
    use eksdoctor_knowledge::node_actions::NODE_ADDON_MANAGED_POLICIES;
    let (_, holder) = NODE_ADDON_MANAGED_POLICIES
        .iter()
        .find(|(n, _)| *n == name)?;
    let short = name.rsplit('/').next().unwrap_or(name);
    Some(match holder {
        Some(h) => format!("{short} (it belongs on {h}'s own role)"),
        None => format!("{short} (no node or EKS add-on needs it)"),
    })
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let mut seen = BTreeSet::new();
    let mut seen_refs = BTreeSet::new();
    for ng in &ctx.inv.node_groups {
        let Some(role) = node_role(ctx, ng, &META, sink, &mut seen_refs) else {
            continue;
        };
        if !seen.insert(role.id.clone()) {
            continue;
        }
        let mut why: Vec<String> = Vec::new();
        for p in role.managed_policies.known().into_iter().flatten() {
            if let Some(n) = managed_policy_name(p) {
                if broad_managed(n) {
                    why.push(n.to_string());
                } else if let Some(w) = addon_managed(n) {
                    why.push(w);
                }
            }
        }
        for doc in &role.inline_policies {
            for st in statements(doc) {
                let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
                let actions = str_or_list(st.get("Action"));
                let any_resource = str_or_list(st.get("Resource")).iter().any(|r| r == "*");
                if !allow {
                    continue;
                }
                if actions.iter().any(|a| a == "*" || a == "*:*") {
                    why.push("a statement allowing Action \"*\"".to_string());
                } else if any_resource {
                    // A whole service on every resource (`ec2:*` on `*`).
                    let services: Vec<&String> = actions
                        .iter()
                        .filter(|a| {
                            a.split_once(':')
                                .is_some_and(|(svc, act)| act == "*" && !svc.is_empty())
                        })
                        .collect();
                    if !services.is_empty() {
                        why.push(format!(
                            "a statement allowing {} on every resource",
                            services
                                .iter()
                                .map(|s| format!("`{s}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    } else if st.get("Condition").is_none() {
                        why.extend(write_actions(&actions));
                    }
                }
            }
        }
        if why.is_empty() {
            let checked = format!(
                "{} managed and {} inline or customer-managed policies checked, none too broad",
                role.managed_policies.known().map_or(0, Vec::len),
                role.inline_policies.len()
            );
            unresolved_policies(role, &checked, &META, sink);
            continue;
        }
        sink.finding(
            &META,
            &role.at,
            format!("iam-role {}", role.id),
            format!(
                "node role `{}` ({}) has {}: every pod that reaches the node's credentials gets that power",
                role.id,
                ng.describe(),
                why.join(", ")
            ),
        );
    }
}

/// Write or destructive actions of the knowledge table that `actions` (patterns as written)
/// allow, grouped by the component whose own role should hold them.
fn write_actions(actions: &[String]) -> Vec<String> {
    use eksdoctor_knowledge::node_actions::NODE_WRITE_ACTIONS;
    let mut by_holder: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    for a in NODE_WRITE_ACTIONS {
        let allowed = actions
            .iter()
            .any(|p| crate::helpers::glob(&p.to_ascii_lowercase(), &a.action.to_ascii_lowercase()));
        if !allowed {
            continue;
        }
        match by_holder.iter_mut().find(|(h, _)| *h == a.holder) {
            Some((_, list)) => list.push(a.action),
            None => by_holder.push((a.holder, vec![a.action])),
        }
    }
    by_holder
        .into_iter()
        .map(|(holder, list)| {
            let names = list.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
            let (they, it) = if list.len() == 1 { ("it belongs", "it") } else { ("they belong", "them") };
            match holder {
                Some(h) => format!(
                    "a statement allowing {names} on every resource without a condition ({they} on {h}'s own role)"
                ),
                None => format!(
                    "a statement allowing {names} on every resource without a condition (no node or EKS add-on needs {it})"
                ),
            }
        })
        .collect()
}
