//! # version-end-of-life
//! The cluster's version is past the end of extended support: EKS upgrades the control plane
//! without asking, at a time it does not announce, and node groups are left behind.

use crate::helpers::cluster_version;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_knowledge::SupportStatus;

pub static META: RuleMeta = RuleMeta {
    id: "version-end-of-life",
    category: Category::Versions,
    severity: Severity::Critical,
    summary: "Cluster version past the end of extended support",
    why: "EKS upgrades such control planes automatically, unannounced; only the control plane moves, so node groups and add-ons can end up beyond the supported skew.",
    fix: "Upgrade now, one minor version at a time, starting with removed APIs (`eksdoctor upgrade`).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The version is unknown or newer than the calendar knows.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let today = ctx.settings.as_of;
    let cal = &ctx.settings.calendar;
    for c in &ctx.inv.clusters {
        let Some(v) = cluster_version(c) else {
            continue;
        };
        let msg = match cal.get(v) {
            Some(row) if row.status(today) == SupportStatus::EndOfLife => format!(
                "cluster `{}` runs Kubernetes {v}, whose extended support ended {} ({} ago): EKS upgrades its control plane without notice",
                c.id,
                row.end_of_extended_support,
                eksdoctor_knowledge::days((today - row.end_of_extended_support).num_days())
            ),
            None if v < cal.oldest().version && today >= cal.oldest().end_of_standard_support => format!(
                "cluster `{}` runs Kubernetes {v}, older than {} whose extended support ended {}: EKS no longer supports it",
                c.id,
                cal.oldest().version,
                cal.oldest().end_of_extended_support
            ),
            _ => continue,
        };
        sink.finding(&META, c.version.at(), format!("cluster {}", c.id), msg);
    }
}
