//! # control-plane-logging-off
//! The audit or authenticator control-plane log is not enabled (eksctl
//! `cloudWatch.clusterLogging.enableTypes`; none are on by default).

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "control-plane-logging-off",
    category: Category::ControlPlane,
    severity: Severity::Medium,
    summary: "Audit / authenticator control-plane logs are not enabled",
    why: "Without the audit and authenticator logs there is no record of who did what to the cluster, and an incident cannot be investigated.",
    fix: "Enable at least `audit` and `authenticator` (eksctl `cloudWatch.clusterLogging.enableTypes`, Terraform `enabled_cluster_log_types`).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The log types are unknown.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let Some(types) = sink.need(&META, &c.log_types, || {
            format!("control-plane log types of cluster `{}`", c.id)
        }) else {
            continue;
        };
        let missing: Vec<&str> = ["audit", "authenticator"]
            .into_iter()
            .filter(|t| !types.iter().any(|x| x == t))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let enabled = if types.is_empty() {
            "no control-plane log types are enabled".to_string()
        } else {
            format!("enabled log types are {}", types.join(", "))
        };
        sink.finding(
            &META,
            c.log_types.at(),
            format!("cluster {}", c.id),
            format!(
                "cluster `{}` does not send the {} log{} to CloudWatch ({enabled})",
                c.id,
                missing.join(" and "),
                if missing.len() > 1 { "s" } else { "" }
            ),
        );
    }
}
