//! # cni-policy-on-node-role
//! `AmazonEKS_CNI_Policy` is attached to the node role rather than to a role for the `aws-node`
//! service account (IRSA, Pod Identity or the vpc-cni add-on's role).

use crate::helpers::{managed_policy_name, node_role, unresolved_policies};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    id: "cni-policy-on-node-role",
    category: Category::Identity,
    severity: Severity::Medium,
    summary: "VPC CNI permissions on the node role",
    why: "With AmazonEKS_CNI_Policy on the node role, every pod that can read the node's credentials can create, attach and delete network interfaces in the VPC.",
    fix: "Give `aws-node` its own role (vpc-cni add-on `service_account_role_arn`, IRSA or Pod Identity) with AmazonEKS_CNI_Policy, then detach the policy from the node role (terraform-aws-modules: `iam_role_attach_cni_policy = false`). eksctl attaches it to the node roles it creates unless `iam.withOIDC: true` (then aws-node gets an IRSA role); on existing eksctl node groups, detach it from their roles (`aws iam detach-role-policy`) once aws-node has its own role.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The node role is not defined in the scanned code.",
    references: &[
        "https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html",
        "https://github.com/eksctl-io/eksctl/blob/main/pkg/cfn/builder/iam_helper.go",
    ],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let mut seen = BTreeSet::new();
    let mut seen_refs = BTreeSet::new();
    for ng in &ctx.inv.node_groups {
        let Some(role) = node_role(ctx, ng, &META, sink, &mut seen_refs) else {
            continue;
        };
        let Some(policies) = sink.need(&META, &role.managed_policies, || {
            format!("managed policies of node role `{}`", role.id)
        }) else {
            continue;
        };
        // AmazonEKS_CNI_Policy, or the IPv6 policy AWS documents creating in the account.
        let Some(policy) = policies.iter().find_map(|p| {
            if managed_policy_name(p) == Some("AmazonEKS_CNI_Policy") {
                Some("AmazonEKS_CNI_Policy")
            } else if p.ends_with(":policy/AmazonEKS_CNI_IPv6_Policy") {
                Some("AmazonEKS_CNI_IPv6_Policy")
            } else {
                None
            }
        }) else {
            if seen.insert(role.id.clone()) {
                let checked = "no AmazonEKS_CNI_Policy among the known policies";
                unresolved_policies(role, checked, &META, sink);
            }
            continue;
        };
        if !seen.insert(role.id.clone()) {
            continue;
        }
        let note = role
            .managed_policies
            .default_note()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        sink.finding(
            &META,
            role.managed_policies.at(),
            format!("iam-role {}", role.id),
            format!(
                "node role of {} carries {policy}{note}: any pod that reaches the node's credentials can manage the VPC's network interfaces",
                ng.describe()
            ),
        );
    }
}
