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
    silent_when: "No manifest says the scheme of its load balancer, manifests and infrastructure are not scanned together, or the subnets' routes are not known. Only subnets that could host the load balancer count: for an internal one, the private subnets the cluster's node groups and Fargate profiles use (not the VPC module's intra subnets of the control plane; not decided when a node group's subnets are not known); and an AZ that has a tagged subnet of that kind is served by it.",
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
        let tagged = |s: &&eksdoctor_inventory::Subnet| {
            s.tags.get(tag).is_some_and(|v| v == "1" || v.is_empty())
        };
        let of_kind: Vec<_> = ctx
            .inv
            .subnets
            .iter()
            .filter(|s| s.vpc.as_ref() == Some(vpc) && s.public.known() == Some(&public))
            .collect();
        // Internal load balancers go where the cluster's nodes and pods are: a private subnet it
        // does not use (the VPC module's "intra" subnets of the control plane) need not host one.
        let hosts = if public {
            None
        } else {
            Some(node_and_pod_subnets(ctx, c))
        };
        let candidates: Vec<_> = match &hosts {
            Some(Ok(ids)) => of_kind
                .iter()
                .copied()
                .filter(|s| tagged(s) || ids.contains(&s.name))
                .collect(),
            _ => of_kind.clone(),
        };
        // v2.12.1 and later fall back to reachability only when no subnet has the role tag.
        let sibling = candidates
            .iter()
            .find(|s| tagged(s))
            .map(|s| s.name.clone());
        // One subnet per AZ is enough: an AZ with a tagged one is served.
        let served: Vec<&String> = candidates
            .iter()
            .filter(|s| tagged(s))
            .filter_map(|s| s.az.known())
            .collect();
        let candidates: Vec<_> = candidates
            .into_iter()
            .filter(|s| s.az.known().is_none_or(|az| !served.contains(&az)))
            .collect();
        if let Some(Err(why)) = &hosts {
            if candidates.iter().any(|s| !tagged(s)) {
                sink.unknown(
                    &META,
                    &c.at,
                    format!("which private subnets of cluster `{}` should carry `{tag}` is not known: {why}", c.id),
                );
                continue;
            }
        }
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

/// The subnets the cluster's node groups and Fargate profiles launch into; why not, when one
/// cannot be resolved.
fn node_and_pod_subnets(
    ctx: &Ctx,
    c: &eksdoctor_inventory::Cluster,
) -> Result<Vec<eksdoctor_inventory::Id>, String> {
    let mut out = Vec::new();
    for ng in ctx.inv.node_groups_of(&c.id) {
        let subnets = crate::helpers::node_group_subnets(ctx.inv, ng)
            .ok_or_else(|| format!("the subnets of {} are not known", ng.describe()))?;
        out.extend(subnets.iter().map(|s| s.name.clone()));
    }
    for p in ctx
        .inv
        .fargate_profiles
        .iter()
        .filter(|p| p.cluster == c.id)
    {
        match p.subnets.known() {
            Some(Some(ids)) => out.extend(
                ids.iter()
                    .filter_map(|r| ctx.inv.subnet(&c.id, r))
                    .map(|s| s.name.clone()),
            ),
            Some(None) => {}
            None => {
                return Err(format!(
                    "the subnets of Fargate profile `{}` are not known",
                    p.name
                ))
            }
        }
    }
    Ok(out)
}
