//! # ip-exhaustion-risk
//! Projected peak IP demand in an AZ exceeds the usable addresses of the cluster's node and pod
//! subnets there. Nodes are assumed spread evenly over their node group's AZs and full (max
//! pods), each holding the addresses the VPC CNI keeps under its warm settings; Fargate pods take
//! one address each; interface endpoints one per subnet. Every assumption is in the message.

use crate::ipmodel::{cluster_demand, fargate_pods, AzDemand};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::Cluster;

pub static META: RuleMeta = RuleMeta {
    id: "ip-exhaustion-risk",
    category: Category::Network,
    severity: Severity::High,
    summary: "Projected IP demand above what an AZ's subnets hold",
    why: "When a subnet runs out of addresses, new nodes fail to launch and new pods stay in ContainerCreating ('failed to assign an IP address'), usually during a scale-out or an upgrade, when you need them most.",
    fix: "Give each AZ larger node/pod subnets (new subnets: a subnet cannot be resized), add a secondary VPC CIDR (at most a /16, e.g. 100.64.0.0/16) with custom networking for pods, or lower the warm pool (WARM_IP_TARGET / MINIMUM_IP_TARGET instead of WARM_ENI_TARGET). Prefix delegation does not add addresses: it takes whole /28 blocks, which need free contiguous space in the subnet.",
    sources: &["tf", "plan", "eksctl", "x", "live"],
    silent_when: "In live mode also reported when the addresses free in an AZ now (EC2 AvailableIpAddressCount, other consumers included) are fewer than scaling the node groups from the nodes running there to their maximum needs; not decided when the nodes are not read. Silent for IPv6 clusters (pods take no IPv4 address). Not decided, and listed with the reason by --show-unknown, when a node group's max size, instance types, max pods or subnets (with their AZ and CIDR) are not known, a node group is Karpenter-managed (no fixed maximum), the VPC CNI settings or the cluster's IP family are not known, or a Fargate profile's AZs are not known.",
    references: &["https://docs.aws.amazon.com/eks/latest/best-practices/ip-opt.html", "https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let fargate = fargate_pods(ctx);
    for c in &ctx.inv.clusters {
        // IPv6 pods take no IPv4 address from the subnets.
        if c.ip_family.known().is_some_and(|f| f != "ipv4") {
            continue;
        }
        let demand = match cluster_demand(ctx, c, &fargate) {
            Ok(d) => d,
            Err(u) => {
                sink.unknown(
                    &META,
                    &u.at,
                    format!("IP demand of cluster `{}` not computed: {}", c.id, u.reason),
                );
                continue;
            }
        };
        for (az, a) in &demand.azs {
            let capacity = crate::ipmodel::capacity(a);
            if a.subnets.is_empty() {
                continue;
            }
            if a.demand() > capacity {
                report(c, az, a, capacity, sink);
            } else {
                check_free_now(ctx, c, az, a, sink);
            }
        }
    }
}

/// Live mode: the addresses free in the AZ's subnets now (EC2 `AvailableIpAddressCount`, which
/// counts every other consumer of the subnet too) against what scaling the node groups from the
/// nodes running there now to their maximum still needs. A lower bound: nodes that run now take
/// more addresses as pods fill them.
fn check_free_now(ctx: &Ctx, c: &Cluster, az: &str, a: &AzDemand, sink: &mut Sink) {
    let Some(free) = a
        .subnets
        .values()
        .map(|s| s.free_now.map(u64::from))
        .sum::<Option<u64>>()
    else {
        return;
    };
    let first = a.subnets.values().next().expect("not empty");
    if let Some(g) = ctx.inv.completeness.unreadable_objects(&c.id).next() {
        sink.unknown(
            &META,
            first.cidr.at(),
            format!(
                "the {free} addresses free now in {az} of cluster `{}` not compared with its scale-out: the nodes running now are not known ({})",
                c.id, g.what
            ),
        );
        return;
    }
    let running = |group: &str| {
        ctx.inv
            .k8s
            .nodes
            .iter()
            .filter(|n| !n.fargate && n.group.as_deref() == Some(group))
            .filter(|n| n.zone.as_deref() == Some(az))
            .filter(|n| ctx.inv.cluster_of(&n.obj).is_some_and(|o| o.id == c.id))
            .count() as u64
    };
    let (mut needed, mut terms) = (0, Vec::new());
    for (group, at_max, per_node) in &a.shares {
        let now = running(group);
        let more = at_max.saturating_sub(now);
        if more > 0 {
            needed += more * per_node;
            terms.push(format!(
                "node group `{group}`: {now} node(s) here now, {at_max} at its maximum → {more} more × {per_node} addresses"
            ));
        }
    }
    if needed <= free {
        return;
    }
    sink.finding(
        &META,
        first.cidr.at(),
        format!("cluster {} az {az} free now", c.id),
        format!(
            "the node/pod subnets of cluster `{}` in {az} ({}) have {free} addresses free now, but scaling its node groups to their maximum needs at least {needed} more ({}): new nodes and pods will fail to get an address before the scale-out completes",
            c.id,
            subnet_names(a).join(", "),
            terms.join("; ")
        ),
    );
}

fn subnet_names(a: &AzDemand) -> Vec<String> {
    a.subnets
        .values()
        .map(|s| {
            format!(
                "`{}` {}",
                s.name,
                s.cidr.known().map(|n| n.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

fn report(c: &Cluster, az: &str, a: &AzDemand, capacity: u64, sink: &mut Sink) {
    let first = a.subnets.values().next().expect("not empty");
    let names = subnet_names(a);
    sink.finding(
        &META,
        first.cidr.at(),
        format!("cluster {} az {az}", c.id),
        format!(
            "cluster `{}` may need {} addresses in {az} at peak but its node/pod subnets there ({}) hold {} usable (5 reserved per subnet). Demand: {}. Assumed: nodes spread evenly over their AZs and full, VPC CNI settings as configured",
            c.id,
            a.demand(),
            names.join(", "),
            capacity,
            a.terms.join("; ")
        ),
    );
}
