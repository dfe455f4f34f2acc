//! # version-out-of-standard-support
//! The cluster's version is in extended support (USD 0.50 per cluster-hour on top of the USD 0.10
//! standard fee), or within N days (default 90) of the end of standard support. Not reported when
//! `version-end-of-life` is. Dates: the embedded EKS calendar (`--calendar` to override). With the
//! upgrade policy `STANDARD` (Terraform `upgrade_policy { support_type }`, eksctl
//! `upgradePolicy.supportType`) there is no extended support and no fee: EKS upgrades the control
//! plane automatically when standard support ends, and the message says so.

use crate::helpers::{cluster_version, thousands};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_knowledge::{SupportStatus, EXTENDED_SUPPORT_EXTRA_USD_PER_HOUR};

pub static META: RuleMeta = RuleMeta {
    id: "version-out-of-standard-support",
    category: Category::Versions,
    severity: Severity::High,
    summary: "Cluster version in extended support, or close to the end of standard support",
    why: "Extended support costs six times the standard cluster fee, and after it ends EKS upgrades the control plane without asking.",
    fix: "Plan the upgrade now (`eksdoctor upgrade`): one minor version at a time, add-ons and node groups after the control plane.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The version is unknown (eksctl's default version depends on the eksctl release) or not in the calendar.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html", "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let today = ctx.settings.as_of;
    for c in &ctx.inv.clusters {
        let Some(v) = cluster_version(c) else {
            let why = match (c.version.known(), c.version.unknown_reason()) {
                (Some(text), _) => format!("`{text}` is not a Kubernetes version (X.Y)"),
                (None, Some(reason)) => reason.to_string(),
                (None, None) => continue,
            };
            sink.unknown(
                &META,
                c.version.at(),
                format!(
                    "cluster `{}`: its Kubernetes version is not known: {why}",
                    c.id
                ),
            );
            continue;
        };
        let Some(row) = ctx.settings.calendar.get(v) else {
            // Older than the calendar: version-end-of-life reports it.
            if v < ctx.settings.calendar.oldest().version {
                continue;
            }
            sink.unknown(
                &META,
                c.version.at(),
                format!(
                    "cluster `{}` runs Kubernetes {v}, which the EKS calendar does not list (a newer calendar: `--calendar FILE`)",
                    c.id
                ),
            );
            continue;
        };
        let cost = thousands(eksdoctor_knowledge::extended_support_extra_usd_per_year());
        // STANDARD: no extended support; EKS upgrades the control plane when standard support ends.
        let policy = c.support_type.known().map(String::as_str);
        let standard = policy == Some("STANDARD");
        let msg = match row.status(today) {
            SupportStatus::Extended if standard => format!(
                "cluster `{}` runs Kubernetes {v}, past its end of standard support ({}) with the STANDARD upgrade policy: EKS upgrades such a control plane to the next version automatically, without the extended-support fee",
                c.id, row.end_of_standard_support
            ),
            SupportStatus::Extended => {
                let left = (row.end_of_extended_support - today).num_days();
                format!(
                    "cluster `{}` runs Kubernetes {v}, in extended support since {}: it costs USD {cost} more per cluster per year (USD {:.2}/hour extra), and extended support ends {} ({} left), when EKS upgrades it automatically",
                    c.id, row.end_of_standard_support, EXTENDED_SUPPORT_EXTRA_USD_PER_HOUR, row.end_of_extended_support, eksdoctor_knowledge::days(left)
                )
            }
            SupportStatus::Standard => {
                let left = (row.end_of_standard_support - today).num_days();
                if left > ctx.settings.eos_warning_days {
                    continue;
                }
                let after = match policy {
                    Some("STANDARD") => "then EKS upgrades the control plane automatically (upgrade policy STANDARD: no extended support)".to_string(),
                    Some(_) => format!("after that extended support costs USD {cost} more per cluster per year"),
                    None => format!("after that extended support costs USD {cost} more per cluster per year, unless the upgrade policy is STANDARD (then EKS upgrades the control plane automatically)"),
                };
                format!(
                    "standard support for Kubernetes {v} (cluster `{}`) ends {} ({} left); {after}",
                    c.id, row.end_of_standard_support, eksdoctor_knowledge::days(left)
                )
            }
            _ => continue,
        };
        sink.finding(&META, c.version.at(), format!("cluster {}", c.id), msg);
    }
}
