//! # imds-reachable-from-pods
//! The cluster gives pods their own identity (IRSA or Pod Identity), yet pods can still reach the
//! node's IMDS and so its role: hop limit above 1 (eksctl uses 2) or IMDSv1 allowed, and pod access
//! not blocked (eksctl `disablePodIMDS`).

use crate::helpers::uses_workload_identity;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "imds-reachable-from-pods",
    category: Category::Identity,
    severity: Severity::Low,
    summary: "Pods can still read the node role through IMDS while workload identity is in use",
    why: "Workload identity only narrows access if pods cannot fall back to the node role; with a hop limit of 2 any pod can fetch the node's credentials.",
    fix: "Set the IMDS hop limit to 1 with IMDSv2 required (eksctl `disablePodIMDS: true`, launch template `http_put_response_hop_limit = 1`, Karpenter `metadataOptions.httpPutResponseHopLimit: 1`), after checking no pod relies on IMDS.",
    sources: &["tf", "plan", "eksctl", "k8s", "live"],
    silent_when: "The cluster uses no workload identity, or IMDS settings are unknown.",
    references: &["https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        if ctx.inv.node_groups_of(&c.id).next().is_none() {
            continue;
        }
        let uses = uses_workload_identity(ctx.inv, c);
        if uses.is_none() {
            sink.need(&META, &c.oidc_provider, || {
                format!("whether cluster `{}` has an IAM OIDC provider", c.id)
            });
        }
        if uses != Some(true) {
            continue;
        }
        for ng in ctx.inv.node_groups_of(&c.id) {
            let d = ng.describe();
            let tokens = sink.need(&META, &ng.imds_http_tokens, || {
                format!("IMDS HttpTokens of {d}")
            });
            let hop = sink.need(&META, &ng.imds_hop_limit, || {
                format!("IMDS hop limit of {d}")
            });
            let blocked = sink.need(&META, &ng.imds_blocked_for_pods, || {
                format!("whether pods are blocked from IMDS on {d}")
            });
            let (Some(tokens), Some(&hop), Some(&blocked)) = (tokens, hop, blocked) else {
                continue;
            };
            if blocked {
                continue;
            }
            let why = if tokens == "optional" {
                format!(
                    "IMDSv1 is allowed{}",
                    crate::helpers::default_note(&ng.imds_http_tokens)
                )
            } else if hop > 1 {
                format!(
                    "the IMDS hop limit is {hop}{}",
                    crate::helpers::default_note(&ng.imds_hop_limit)
                )
            } else {
                continue;
            };
            sink.finding(
                &META,
                ng.imds_hop_limit.at(),
                format!("nodegroup {}", ng.name),
                format!(
                    "cluster `{}` uses workload identity, but pods on {} can still read the node role's credentials: {why}",
                    c.id,
                    ng.describe()
                ),
            );
        }
    }
}
