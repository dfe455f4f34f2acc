//! # creator-only-admin
//! Nobody but the cluster's creator is an admin: creator admin permissions are on (the EKS API
//! default) and no access entry or aws-auth mapping gives cluster admin to an IAM role.
//! Decided only where the definition owns the cluster's access list (eksctl `accessConfig` and
//! `iamIdentityMappings`); Terraform can grant access from any other root module.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::AuthMappingKind;

pub static META: RuleMeta = RuleMeta {
    id: "creator-only-admin",
    category: Category::Identity,
    severity: Severity::Medium,
    summary: "The cluster creator is the only admin",
    why: "The identity that created the cluster gets admin access that is hard to see and easy to lose: when that person, pipeline or role goes away, nobody can administer the cluster.",
    fix: "Add an access entry giving AmazonEKSClusterAdminPolicy (or an aws-auth mapping to system:masters) to an IAM role your team assumes, check that it works, then delete the creator's access entry. `bootstrapClusterCreatorAdminPermissions` (Terraform `bootstrap_cluster_creator_admin_permissions`) is read only when the cluster is created: changing it on an existing cluster replaces the cluster in Terraform.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "aws-auth or access entries may be managed outside the scanned files (Terraform, plans), or creator admin permissions are off or not known.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html"],
};

fn admin_policy(arn: &str) -> bool {
    arn.ends_with("cluster-access-policy/AmazonEKSClusterAdminPolicy")
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let inv = ctx.inv;
    for c in &inv.clusters {
        let creator_admin = sink.need(&META, &c.bootstrap_creator_admin, || {
            format!("whether cluster `{}` gives its creator admin", c.id)
        });
        if creator_admin != Some(&true) {
            continue;
        }
        if c.at.source != eksdoctor_inventory::SourceKind::Eksctl {
            sink.unknown(
                &META,
                c.bootstrap_creator_admin.at(),
                format!(
                    "other cluster admins of `{}` not decided: for Terraform, the creator's own access entry (terraform-aws-modules' `enable_cluster_creator_admin_permissions`) is not yet told apart from other admins",
                    c.id
                ),
            );
            continue;
        }
        let entry_admin = inv.access_entries.iter().any(|e| {
            e.cluster == c.id
                && e.principal_arn.name().contains(":role/")
                && (e.access_policies.iter().any(|p| admin_policy(p))
                    || e.kubernetes_groups.iter().any(|g| g == "system:masters"))
        });
        let mapping_admin = inv.auth_mappings.iter().any(|m| {
            m.cluster.as_ref() == Some(&c.id)
                && m.kind == AuthMappingKind::Role
                && m.groups.iter().any(|g| g == "system:masters")
        });
        if entry_admin || mapping_admin {
            continue;
        }
        // An aws-auth ConfigMap whose cluster the scan cannot tell may be this cluster's.
        if let Some(m) = inv.auth_mappings.iter().find(|m| m.cluster.is_none()) {
            sink.unknown(
                &META,
                &m.at,
                format!(
                    "other cluster admins of `{}` not decided: the aws-auth mapping at {}:{} may be for this cluster (map its file with `[[clusters]]`)",
                    c.id, m.at.file, m.at.line
                ),
            );
            continue;
        }
        let note = c
            .bootstrap_creator_admin
            .default_note()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        sink.finding(
            &META,
            c.bootstrap_creator_admin.at(),
            format!("cluster {}", c.id),
            format!(
                "cluster `{}` gives admin to its creator{note} and no access entry or identity mapping makes an IAM role cluster admin: if the creator's identity goes, so does admin access",
                c.id
            ),
        );
    }
}
