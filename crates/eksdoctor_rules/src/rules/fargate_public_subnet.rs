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
        let what = || format!("subnets of Fargate profile `{}`", fp.name);
        let Some(Some(refs)) = sink.need(&META, &fp.subnets, what) else {
            continue;
        };
        let mut public: Vec<&str> = Vec::new();
        for r in refs {
            let Some(s) = ctx.inv.subnet(&fp.cluster, r) else {
                sink.unknown(
                    &META,
                    fp.subnets.at(),
                    format!("whether subnet `{r}` of Fargate profile `{}` is public not known: it is not defined in the scanned files", fp.name),
                );
                continue;
            };
            let is_public = sink.need(&META, &s.public, || {
                format!("whether subnet `{}` is public", s.name)
            });
            if is_public == Some(&true) {
                public.push(s.id.as_deref().unwrap_or(s.name.name()));
            }
        }
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
