//! # subnet-too-small
//! A subnet that hosts nodes or pods is smaller than a /21 (configurable). AWS reserves 5 addresses
//! in every subnet, so a /24 holds 251 usable addresses and a /21 2043; with the VPC CNI every pod
//! takes one, and a node holds a whole spare ENI's worth more.
//!
//! The /21 is this tool's recommendation (`min_subnet_prefix`), not an AWS rule. High when the
//! cluster's projected peak IP demand in the subnet's AZ does not fit or cannot be computed;
//! medium when it fits today (`ip-exhaustion-risk` is then silent), since the subnet still leaves
//! no room for growth, surges or a second node group.
//!
//! Which subnets host nodes: a node group's `subnets`, else (eksctl) the public subnets, or the
//! private ones with `privateNetworking: true`; a Fargate profile's `subnets`, else the cluster's
//! private subnets. Silent for subnets given by id only (their CIDR is in AWS).

use crate::ipmodel::{cluster_demand, fargate_pods};
use crate::Ctx;
use eksdoctor_calc::ipdemand::usable;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    id: "subnet-too-small",
    category: Category::Network,
    severity: Severity::High,
    summary: "A subnet that hosts nodes or pods is smaller than a /21",
    why: "Every pod takes a VPC address and each node keeps spare ones warm; a small subnet runs out during a scale-up or upgrade surge and new pods stay Pending.",
    fix: "Use a /21 or larger per AZ for node and pod subnets (this tool's recommendation, configurable as `min_subnet_prefix`; AWS sets no minimum), or add a secondary VPC CIDR (at most a /16, e.g. 100.64.0.0/16) and put pods there with custom networking. Subnets cannot be resized: a new CIDR means new subnets, and moving node groups replaces their nodes.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The subnet's CIDR is not known (given by id only, from a data source, or unset variable), or the cluster is IPv6 (pods take IPv6 addresses) or its IP family is not known.",
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html", "https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let min = ctx.settings.min_subnet_prefix;
    let fargate = fargate_pods(ctx);
    for c in &ctx.inv.clusters {
        // In an IPv6 cluster pods take IPv6 addresses: the IPv4 subnets hold the nodes only.
        if !c.pods_use_ipv4() {
            continue;
        }
        let mut hosting: BTreeSet<eksdoctor_inventory::Id> = BTreeSet::new();
        for ng in ctx.inv.node_groups_of(&c.id) {
            if let Some(refs) = ng.subnets.known() {
                hosting.extend(refs.iter().cloned());
            }
        }
        for fp in ctx.inv.fargate_profiles_of(&c.id) {
            match fp.subnets.known() {
                Some(Some(refs)) => hosting.extend(refs.iter().cloned()),
                Some(None) => hosting.extend(
                    ctx.inv
                        .subnets_of(&c.id)
                        .filter(|s| s.public.known() == Some(&false))
                        .map(|s| s.name.clone()),
                ),
                None => {}
            }
        }
        // The projected peak and the usable addresses per AZ, when the IP model can tell.
        let peaks: std::collections::BTreeMap<String, (u64, u64)> =
            match cluster_demand(ctx, c, &fargate) {
                Ok(d) => d
                    .azs
                    .iter()
                    .map(|(az, a)| (az.clone(), (a.demand(), crate::ipmodel::capacity(a))))
                    .collect(),
                Err(_) => Default::default(),
            };
        let mut seen = BTreeSet::new();
        for r in &hosting {
            let Some(s) = ctx.inv.subnet(&c.id, r) else {
                continue;
            };
            if !seen.insert(s.name.clone()) {
                continue;
            }
            match s.cidr.known() {
                Some(ipnet::IpNet::V4(net)) if net.prefix_len() > min => {
                    let peak = s.az.known().and_then(|az| peaks.get(az).map(|p| (az, p)));
                    let (severity, demand) = match peak {
                        Some((az, &(need, have))) if need <= have => (
                            Severity::Medium,
                            format!("; the projected peak in AZ `{az}` ({need} addresses) fits in its {have} today, but leaves little room to grow"),
                        ),
                        _ => (Severity::High, String::new()),
                    };
                    sink.finding_at(
                        &META,
                        severity,
                        s.cidr.at(),
                        format!("subnet {}", s.name),
                        format!(
                            "subnet `{}` ({}{}) hosts nodes or pods of cluster `{}` and holds {} usable addresses; eksdoctor recommends at least a /{} ({} usable) for node and pod subnets{demand}",
                            s.name,
                            s.id.as_deref().map(|i| format!("{i}, ")).unwrap_or_default(),
                            net,
                            c.id,
                            usable(net.prefix_len()),
                            min,
                            usable(min)
                        ),
                    );
                }
                Some(_) => {}
                None => sink.unknown(
                    &META,
                    s.cidr.at(),
                    format!(
                        "size of subnet `{}` not known: {}",
                        s.name,
                        s.cidr.unknown_reason().unwrap_or("")
                    ),
                ),
            }
        }
    }
}
