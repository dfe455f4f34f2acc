//! # imdsv2-not-required
//! Nodes accept IMDSv1 (launch template `HttpTokens: optional`, eksctl `disableIMDSv1: false`).
//! eksctl requires IMDSv2 by default since 0.143.0.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "imdsv2-not-required",
    category: Category::Identity,
    severity: Severity::High,
    summary: "Nodes allow IMDSv1",
    why: "IMDSv1 answers plain GET requests, so a server-side request forgery in any pod can read the node role's credentials.",
    fix: "Require IMDSv2: eksctl `disableIMDSv1: true`, `http_tokens = \"required\"` in the launch template's metadata options, or Karpenter `metadataOptions.httpTokens: required`.",
    sources: &["tf", "plan", "eksctl", "k8s", "live"],
    silent_when: "IMDS settings come from a launch template that is not scanned.",
    references: &["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for ng in &ctx.inv.node_groups {
        let tokens = sink.need(&META, &ng.imds_http_tokens, || {
            format!("IMDS HttpTokens of {}", ng.describe())
        });
        if tokens.map(String::as_str) == Some("optional") {
            sink.finding(
                &META,
                ng.imds_http_tokens.at(),
                format!("nodegroup {}", ng.name),
                format!(
                    "{} allows IMDSv1 (HttpTokens optional{}): any pod that can make an HTTP request on the node can read the node role's credentials",
                    ng.describe(),
                    ng.imds_http_tokens
                        .default_note()
                        .map(|d| format!(", {d}"))
                        .unwrap_or_default()
                ),
            );
        }
    }
}
