//! # lb-subnet-tags-missing
//! The cluster runs load balancers (Services of type LoadBalancer, Ingresses) with an explicit
//! scheme, but the subnets of that kind lack the role tag the load balancer controllers discover
//! subnets by: `kubernetes.io/role/elb` (public) or `kubernetes.io/role/internal-elb` (private).
//! Medium when another subnet of that kind has the tag (no controller version picks the untagged
//! one); low when none has it (the AWS Load Balancer Controller v2.12.1+ then falls back to
//! reachability, older versions find no subnet).

use crate::helpers::load_balancers_by_cluster;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "lb-subnet-tags-missing",
    category: Category::Network,
    severity: Severity::Medium,
    summary: "Subnets without the load balancer role tags",
    why: "The AWS Load Balancer Controller picks subnets by their role tags: only tagged subnets when any subnet has the tag, and before v2.12.1 only tagged subnets at all (v2.12.1 and later fall back to reachability when none is tagged). Untagged subnets leave load balancers pending or in the wrong subnets.",
    fix: "Tag public subnets `kubernetes.io/role/elb = 1` and private subnets `kubernetes.io/role/internal-elb = 1` (terraform-aws-modules/vpc: `public_subnet_tags` / `private_subnet_tags`), or name subnets in the annotations.",
    sources: &["tf", "plan", "live", "x"],
    silent_when: "No manifest says the scheme of its load balancer, manifests and infrastructure are not scanned together, or the subnets' routes are not known.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html", "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/subnet_discovery/"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let all = load_balancers_by_cluster(ctx);
    for c in &ctx.inv.clusters {
        if let Some(lbs) = all.get(&c.id) {
            check_cluster(ctx, c, lbs, sink);
        }
    }
}

fn check_cluster(
    ctx: &Ctx,
    c: &eksdoctor_inventory::Cluster,
    lbs: &[crate::helpers::LoadBalancer],
    sink: &mut Sink,
) {
    let Some(vpc) = c.vpc.as_ref() else { return };
    for (public, tag, scheme) in [
        (true, "kubernetes.io/role/elb", "internet-facing"),
        (false, "kubernetes.io/role/internal-elb", "internal"),
    ] {
        let Some((lb, _, _, _)) = lbs
            .iter()
            .find(|(_, s, explicit, _)| *s == Some(scheme) && !explicit)
        else {
            continue;
        };
        let candidates: Vec<_> = ctx
            .inv
            .subnets
            .iter()
            .filter(|s| s.vpc.as_ref() == Some(vpc) && s.public.known() == Some(&public))
            .collect();
        let tagged = |s: &&eksdoctor_inventory::Subnet| {
            s.tags.get(tag).is_some_and(|v| v == "1" || v.is_empty())
        };
        // v2.12.1 and later fall back to reachability only when no subnet has the role tag.
        let sibling = candidates
            .iter()
            .find(|s| tagged(s))
            .map(|s| s.name.clone());
        for s in &candidates {
            if !tagged(s) {
                if let Some(o) = ctx
                    .inv
                    .completeness
                    .unseen_part(&s.name, &["aws_ec2_tag", "aws_subnet"])
                {
                    sink.unknown(
                        &META,
                        &s.at,
                        format!(
                            "subnet `{}` has no `{tag}` tag in the scanned code, but {}: it may tag it",
                            s.name, o.what
                        ),
                    );
                    continue;
                }
                let (severity, outcome) = match &sibling {
                    Some(t) => (
                        META.severity,
                        format!("the AWS Load Balancer Controller picks only tagged subnets when some have the tag (`{t}` has it), so it will not pick this one"),
                    ),
                    None => (
                        Severity::Low,
                        "no subnet of the VPC has the tag: the AWS Load Balancer Controller before v2.12.1 finds no subnet for it; v2.12.1 and later fall back to the subnets whose reachability matches the scheme".to_string(),
                    ),
                };
                sink.finding_at(
                    &META,
                    severity,
                    &s.at,
                    format!("subnet {}", s.name),
                    format!(
                        "{} subnet `{}` has no `{tag}` tag, but {lb} asks for an {scheme} load balancer: {outcome}",
                        if public { "public" } else { "private" },
                        s.name
                    ),
                );
            }
        }
    }
}
