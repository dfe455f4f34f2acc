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
    silent_when: "Silent for IPv6 clusters (pods take no IPv4 address). Not decided, and listed with the reason by --show-unknown, when a node group's max size, instance types, max pods or subnets (with their AZ and CIDR) are not known, a node group is Karpenter-managed (no fixed maximum), the VPC CNI settings or the cluster's IP family are not known, or a Fargate profile's AZs are not known.",
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
            if a.subnets.is_empty() || a.demand() <= capacity {
                continue;
            }
            report(c, az, a, capacity, sink);
        }
    }
}

fn report(c: &Cluster, az: &str, a: &AzDemand, capacity: u64, sink: &mut Sink) {
    let first = a.subnets.values().next().expect("not empty");
    let names: Vec<String> = a
        .subnets
        .values()
        .map(|s| {
            format!(
                "`{}` {}",
                s.name,
                s.cidr.known().map(|n| n.to_string()).unwrap_or_default()
            )
        })
        .collect();
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
