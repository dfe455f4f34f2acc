//! # aws-auth-user-system-masters
//! An individual IAM user is made cluster admin: aws-auth `mapUsers` (or eksctl
//! `iamIdentityMappings`) with group `system:masters`, or an access entry for a `:user/` principal
//! with `AmazonEKSClusterAdminPolicy` or the `system:masters` group.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::AuthMappingKind;

pub static META: RuleMeta = RuleMeta {
    id: "aws-auth-user-system-masters",
    category: Category::Identity,
    severity: Severity::High,
    summary: "An individual IAM user is granted system:masters / cluster admin",
    why: "Admin tied to a person's IAM user leaves with that person, cannot be audited by role session, and long-lived user keys leak; system:masters cannot be restricted by RBAC at all.",
    fix: "Map an IAM role that people assume (or an SSO permission set role, or an OIDC identity provider) instead, through an access entry with AmazonEKSClusterAdminPolicy.",
    sources: &["k8s", "tf", "eksctl", "live"],
    silent_when: "The principal is a role.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html", "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for (i, m) in ctx.inv.auth_mappings.iter().enumerate() {
        let arn = m.arn.known().map(String::as_str);
        // Each user its own finding: by ARN, else by username, else by its place in the list.
        let who = match (arn, m.username.as_deref()) {
            (Some(a), _) => a.to_string(),
            (None, Some(u)) => format!("`{u}` (its ARN is known only after apply)"),
            (None, None) => format!(
                "#{} of the mappings (its ARN is known only after apply)",
                i + 1
            ),
        };
        let is_user = m.kind == AuthMappingKind::User || arn.is_some_and(|a| a.contains(":user/"));
        if is_user && m.groups.iter().any(|g| g == "system:masters") {
            let via = if m.at.source == eksdoctor_inventory::SourceKind::Eksctl {
                "iamIdentityMappings"
            } else {
                "aws-auth mapUsers"
            };
            sink.finding(
                &META,
                &m.at,
                who.clone(),
                format!("IAM user {who} is mapped to system:masters through {via}"),
            );
        }
    }
    for e in &ctx.inv.access_entries {
        if !e.principal_arn.name().contains(":user/") {
            continue;
        }
        let admin_policy = e
            .access_policies
            .iter()
            .find(|p| p.ends_with("/AmazonEKSClusterAdminPolicy"));
        let masters = e.kubernetes_groups.iter().any(|g| g == "system:masters");
        if let Some(what) = admin_policy
            .map(|_| "AmazonEKSClusterAdminPolicy")
            .or(masters.then_some("the system:masters group"))
        {
            sink.finding(
                &META,
                &e.at,
                e.principal_arn.to_string(),
                format!(
                    "access entry for IAM user {} grants {what} on cluster `{}`",
                    e.principal_arn, e.cluster
                ),
            );
        }
    }
}
