//! # cluster-creator-iam-user
//! The cluster's bootstrap admin is one person's IAM user. Who created a cluster is on its
//! record only (live mode reads CloudTrail's CreateCluster event); under the CONFIG_MAP
//! authentication mode that identity is cluster admin through a mapping nothing shows, under the
//! API modes through an access entry for its ARN while that entry exists.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::{AccessEntry, AuthMode, Cluster, Creator, SourceKind};

pub static META: RuleMeta = RuleMeta {
    id: "cluster-creator-iam-user",
    category: Category::Identity,
    severity: Severity::High,
    summary: "The cluster's creator, and bootstrap admin, is an IAM user",
    why: "The identity that creates a cluster is its first admin. When that is one person's IAM user, admin access leaves with the person (or with a key rotation that deletes the user), and under the CONFIG_MAP authentication mode that access is not shown in aws-auth or anywhere else in the cluster.",
    fix: "Give cluster admin to an IAM role your team assumes (an access entry with AmazonEKSClusterAdminPolicy), check that it works, then delete the IAM user's access entry (`aws eks delete-access-entry --cluster-name NAME --principal-arn USER_ARN`). Under CONFIG_MAP, first change the authentication mode to API_AND_CONFIG_MAP (`aws eks update-cluster-config --access-config authenticationMode=API_AND_CONFIG_MAP`: no interruption, but it cannot be changed back); the creator's admin is then an access entry you can list and delete. Create new clusters from a role (a CI role, an SSO permission set), not an IAM user.",
    sources: &["live"],
    silent_when: "The creator is an IAM role or the account; under the API modes the creator's access entry is gone. Not decided (listed with --show-unknown) for configuration files, which cannot say who applies them, and for a cluster whose CreateCluster event CloudTrail's 90-day event history no longer holds, unless no IAM user has an admin access entry under the API modes.",
    references: &[
        "https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html",
        "https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html",
        "https://docs.aws.amazon.com/eks/latest/APIReference/API_AccessConfigResponse.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html",
    ],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let Some(mode) = sink.need(&META, &c.auth_mode, || {
            format!("the authentication mode of `{}`", c.id)
        }) else {
            continue;
        };
        match c.creator.known() {
            Some(who) => judge(ctx, c, who, *mode, sink),
            None => undecided(ctx, c, *mode, sink),
        }
    }
}

/// The cluster's access entries.
fn entries<'a>(ctx: &'a Ctx, c: &'a Cluster) -> impl Iterator<Item = &'a AccessEntry> {
    ctx.inv
        .access_entries
        .iter()
        .filter(move |e| e.cluster == c.id)
}

fn judge(ctx: &Ctx, c: &Cluster, who: &Creator, mode: AuthMode, sink: &mut Sink) {
    if !who.is_iam_user() {
        return;
    }
    let head = format!(
        "cluster `{}` was created by IAM user `{}` ({})",
        c.id, who.arn, who.seen_in
    );
    if mode == AuthMode::ConfigMap {
        let msg = format!("{head}: under the CONFIG_MAP authentication mode that user is cluster admin (system:masters) through a mapping that aws-auth does not show and cannot remove");
        sink.finding(&META, c.creator.at(), format!("cluster {}", c.id), msg);
        return;
    }
    let entry = entries(ctx, c).find(|e| e.principal_arn.name() == who.arn);
    match entry {
        Some(e) if e.grants_cluster_admin() => {
            let msg = format!("{head}, and its access entry still makes it cluster admin: when that person or user goes, so does this admin access");
            sink.finding(&META, &e.at, format!("cluster {}", c.id), msg);
        }
        Some(_) => {}
        None => {
            if let Some(g) = ctx
                .inv
                .completeness
                .unseen_creator(&c.id, "aws_eks_access_entry")
            {
                let msg = format!("{head}; whether it is still admin is not known: {}", g.what);
                sink.unknown(&META, &g.at, msg);
            }
        }
    }
}

/// The creator is not known: under the API modes, the rule still holds when the cluster's own
/// list of access entries (read from the cluster, so the creator's is among them) makes no IAM
/// user admin, or when the creator was never given admin.
fn undecided(ctx: &Ctx, c: &Cluster, mode: AuthMode, sink: &mut Sink) {
    let why = c.creator.unknown_reason().unwrap_or("not known");
    let api = mode != AuthMode::ConfigMap;
    if api && c.at.source == SourceKind::Live {
        let read_all = ctx
            .inv
            .completeness
            .unseen_creator(&c.id, "aws_eks_access_entry")
            .is_none();
        let user_admin = entries(ctx, c)
            .find(|e| e.principal_arn.name().contains(":user/") && e.grants_cluster_admin());
        match (user_admin, read_all) {
            (None, true) => return,
            (Some(e), _) => {
                let msg = format!("who created cluster `{}` is not known ({why}); IAM user `{}` is cluster admin through its access entry and may be the creator", c.id, e.principal_arn.name());
                return sink.unknown(&META, &e.at, msg);
            }
            (None, false) => {}
        }
    }
    let never_admin =
        entries(ctx, c).all(|e| !e.creator) && c.bootstrap_creator_admin.known() == Some(&false);
    if api && never_admin {
        return;
    }
    sink.unknown(
        &META,
        c.creator.at(),
        format!("who created cluster `{}` is not known: {why}", c.id),
    );
}
