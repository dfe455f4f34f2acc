//! # fargate-public-subnet
//! A Fargate profile lists public subnets; Fargate pods run only in private subnets (EKS rejects
//! the profile).

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "fargate-public-subnet",
    category: Category::Fargate,
    severity: Severity::High,
    summary: "A Fargate profile with public subnets",
    why: "Fargate pods only run in private subnets (routed through a NAT gateway); creating the profile fails.",
    fix: "Give the profile only private subnets (or none, to use the cluster's private subnets with eksctl).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The profile's subnets are not known to be public.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for fp in &ctx.inv.fargate_profiles {
        let Some(Some(refs)) = fp.subnets.known() else {
            continue;
        };
        let public: Vec<&str> = refs
            .iter()
            .filter_map(|r| ctx.inv.subnet(&fp.cluster, r))
            .filter(|s| s.public.known() == Some(&true))
            .map(|s| s.id.as_deref().unwrap_or(&s.name))
            .collect();
        if !public.is_empty() {
            sink.finding(
                &META,
                fp.subnets.at(),
                format!("fargateprofile {}", fp.name),
                format!("Fargate profile `{}` uses public subnet{} {}; Fargate pods run only in private subnets", fp.name, if public.len() > 1 { "s" } else { "" }, public.join(", ")),
            );
        }
    }
}
