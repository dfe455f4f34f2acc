//! # creator-only-admin
//! Nobody but the cluster's creator is an admin: creator admin permissions are on (the EKS API
//! default) and no access entry or aws-auth mapping gives cluster admin to an IAM role.
//! The cluster's unit of deployment (an eksctl file, a Terraform root module with the roots that
//! read the cluster) is its access list: access entries, policy associations and aws-auth
//! mappings; a part of it the scan cannot see that may add one leaves the rule undecided.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::{AuthMappingKind, Cluster, Prov, SourceKind, ACCESS_TYPES};

pub static META: RuleMeta = RuleMeta {
    id: "creator-only-admin",
    category: Category::Identity,
    severity: Severity::Medium,
    summary: "The cluster creator is the only admin",
    why: "The identity that created the cluster gets admin access that is hard to see and easy to lose: when that person, pipeline or role goes away, nobody can administer the cluster.",
    fix: "Add an access entry giving AmazonEKSClusterAdminPolicy (or an aws-auth mapping to system:masters) to an IAM role your team assumes, check that it works, then delete the creator's access entry. `bootstrapClusterCreatorAdminPermissions` (Terraform `bootstrap_cluster_creator_admin_permissions`) is read only when the cluster is created: changing it on an existing cluster replaces the cluster in Terraform. Admins granted outside the scanned code: `external = [\"access-entries\"]` for the cluster in `.eksdoctor.toml`.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "Creator admin permissions are off or not known; or a part of the root module the scan cannot see may add access entries or aws-auth mappings, an admin entry's principal or policy is not known, or Terraform applies an object whose content is not known (listed with --show-unknown). An aws-auth mapping that cannot be placed on one of several scanned clusters counts for none (with a note).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html"],
};

/// Whether an IAM role other than the creator is cluster admin: `Ok(true/false)`, or why it is
/// not known (and where).
fn other_admin(ctx: &Ctx, c: &Cluster) -> Result<bool, (Prov, String)> {
    let inv = ctx.inv;
    let mut undecided: Option<(Prov, String)> = None;
    // Read from a running cluster, the creator's own entry is one of the list: by its ARN when
    // the creator is known; when not, one admin role may be the creator's and two cannot both be.
    let creator = c.creator.known().map(|w| w.arn.as_str());
    let creator_unseen = creator.is_none() && c.at.source == SourceKind::Live;
    let mut admin_roles = Vec::new();
    for e in inv
        .access_entries
        .iter()
        .filter(|e| e.cluster == c.id && !e.creator && Some(e.principal_arn.name()) != creator)
    {
        let admin = e.grants_cluster_admin();
        match e.principal_role.known() {
            Some(true) if admin && creator_unseen => admin_roles.push(e),
            Some(true) if admin => return Ok(true),
            Some(false) => continue,
            _ if admin => {
                let why = e.principal_role.unknown_reason().unwrap_or("not known");
                undecided.get_or_insert((e.at.clone(), why.to_string()));
            }
            _ => {}
        }
        if let Some(u) = e.unresolved_policies.first() {
            undecided.get_or_insert((e.at.clone(), u.clone()));
        }
    }
    let mapping_admin = inv.auth_mappings.iter().any(|m| {
        m.cluster.as_ref() == Some(&c.id)
            && m.kind == AuthMappingKind::Role
            && m.groups.iter().any(|g| g == "system:masters")
    });
    if mapping_admin || admin_roles.len() > 1 {
        return Ok(true);
    }
    if let Some(e) = admin_roles.first() {
        let why = format!(
            "role `{}` is cluster admin, but it may be the creator's own entry ({})",
            e.principal_arn.name(),
            c.creator
                .unknown_reason()
                .unwrap_or("the creator is not known")
        );
        undecided.get_or_insert((e.at.clone(), why));
    }
    if let Some(u) = undecided {
        return Err(u);
    }
    // An aws-auth ConfigMap whose cluster the scan cannot tell counts for none (the inventory
    // notes it), as it would in a scan of each cluster's own files.
    let unseen = ACCESS_TYPES
        .iter()
        .find_map(|t| inv.completeness.unseen_creator(&c.id, t));
    if let Some(g) = unseen {
        return Err((
            g.at.clone(),
            format!("{}, which may give admin access", g.what),
        ));
    }
    if let Some(g) = inv.completeness.unreadable_objects(&c.id).next() {
        let what = g.what.split(':').next().unwrap_or(&g.what);
        return Err((
            g.at.clone(),
            format!("{what}, which may be the aws-auth ConfigMap"),
        ));
    }
    Ok(false)
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let inv = ctx.inv;
    for c in &inv.clusters {
        // The creator is admin through the cluster's bootstrap flag, or an access entry of its
        // own (terraform-aws-modules v20+ sets the flag to false and makes that entry instead).
        let entry = inv
            .access_entries
            .iter()
            .find(|e| e.cluster == c.id && e.creator);
        let at = match entry {
            Some(e) => &e.at,
            None => {
                let creator_admin = sink.need(&META, &c.bootstrap_creator_admin, || {
                    format!("whether cluster `{}` gives its creator admin", c.id)
                });
                if creator_admin != Some(&true) {
                    continue;
                }
                c.bootstrap_creator_admin.at()
            }
        };
        match other_admin(ctx, c) {
            Ok(true) => {}
            Err((uat, why)) => sink.unknown(
                &META,
                &uat,
                format!("other cluster admins of `{}` not decided: {why}", c.id),
            ),
            Ok(false) => sink.finding(
                &META,
                at,
                format!("cluster {}", c.id),
                message(c, entry.is_some()),
            ),
        }
    }
}

fn message(c: &Cluster, by_entry: bool) -> String {
    let unit = match c.at.source {
        eksdoctor_inventory::SourceKind::Eksctl => "the scanned files".into(),
        _ => crate::helpers::unit_of(c),
    };
    if by_entry {
        return format!(
            "cluster `{}` gives admin to the identity that runs terraform apply (the module's `enable_cluster_creator_admin_permissions` access entry) and no other access entry or identity mapping in {} makes an IAM role cluster admin: if that identity goes, so does admin access. Add an admin access entry for a team role, then set `enable_cluster_creator_admin_permissions = false` (this removes only the creator's entry)",
            c.id, unit
        );
    }
    let note = c
        .bootstrap_creator_admin
        .default_note()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    format!(
        "cluster `{}` gives admin to its creator{note} and no access entry or identity mapping in {} makes an IAM role cluster admin: if the creator's identity goes, so does admin access",
        c.id, unit
    )
}
