//! # internal-lb-no-private-subnet
//! A manifest asks for an internal load balancer but the cluster's VPC has no private subnet.

use crate::helpers::load_balancers_by_cluster;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "internal-lb-no-private-subnet",
    category: Category::Network,
    severity: Severity::High,
    summary: "Internal load balancer requested without private subnets",
    why: "Internal load balancers go into private subnets; with none, the Service stays pending (or lands in public subnets if tagged wrongly).",
    fix: "Add private subnets (tagged `kubernetes.io/role/internal-elb = 1`) to the cluster's VPC, or make the load balancer internet-facing on purpose.",
    sources: &["x", "live"],
    silent_when: "The cluster's VPC or the routes of its subnets are not all in the scanned code.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html"],
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
    let internal: Vec<_> = lbs
        .iter()
        .filter(|(_, scheme, _, _)| *scheme == Some("internal"))
        .collect();
    let Some((_, _, _, first)) = internal.first() else {
        return;
    };
    let undecided = |why: String, sink: &mut Sink| {
        sink.unknown(
            &META,
            first,
            format!(
                "whether the VPC of cluster `{}` has a private subnet not known: {why}",
                c.id
            ),
        )
    };
    let vpc = match c.vpc.as_ref() {
        Some(v) if ctx.inv.vpcs.iter().any(|x| &x.id == v) => v,
        Some(_) => {
            let why = "the cluster's VPC is not defined in the scanned files (it is in AWS)";
            return undecided(why.into(), sink);
        }
        None => return undecided("its VPC is not known".into(), sink),
    };
    let subnets: Vec<_> = ctx
        .inv
        .subnets
        .iter()
        .filter(|s| s.vpc.as_ref() == Some(vpc))
        .collect();
    if subnets.is_empty() || subnets.iter().any(|s| s.public.known() == Some(&false)) {
        return;
    }
    if let Some(s) = subnets.iter().find(|s| s.public.known().is_none()) {
        let why = format!(
            "whether subnet `{}` is public: {}",
            s.name,
            s.public.unknown_reason().unwrap_or("not known")
        );
        return undecided(why, sink);
    }
    for (lb, _, _, at) in internal {
        sink.finding(
            &META,
            at,
            lb.clone(),
            format!("{lb} asks for an internal load balancer, but every subnet of the VPC of cluster `{}` is public", c.id),
        );
    }
}
