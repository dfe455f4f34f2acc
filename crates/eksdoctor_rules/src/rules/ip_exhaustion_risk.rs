//! # ip-exhaustion-risk
//! Projected peak IP demand in an AZ exceeds the usable addresses of the cluster's node and pod
//! subnets there. Nodes are assumed spread evenly over their node group's AZs and full (max
//! pods), each holding the addresses the VPC CNI keeps under its warm settings; Fargate pods take
//! one address each; interface endpoints one per subnet. Every assumption is in the message.

use crate::helpers::{cni_settings, node_group_subnets, workload_on_fargate};
use crate::Ctx;
use eksdoctor_calc::ipdemand::{node_ips, usable, Cni, CniMode};
use eksdoctor_calc::max_pods;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::{NodeGroupKind, Subnet};
use eksdoctor_knowledge::instance;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    id: "ip-exhaustion-risk",
    category: Category::Network,
    severity: Severity::High,
    summary: "Projected IP demand above what an AZ's subnets hold",
    why: "When a subnet runs out of addresses, new nodes fail to launch and new pods stay in ContainerCreating ('failed to assign an IP address'), usually during a scale-out or an upgrade, when you need them most.",
    fix: "Give each AZ larger node/pod subnets (a /21 or more), add a secondary CIDR (100.64.0.0/10) with custom networking, enable prefix delegation, or lower WARM_ENI_TARGET (WARM_IP_TARGET / MINIMUM_IP_TARGET).",
    sources: &["tf", "plan", "eksctl", "x", "live"],
    silent_when: "A node group's max size, instance types or subnets are not known, a node group is Karpenter-managed (no fixed maximum), or the VPC CNI settings are not known, or the cluster is IPv6 or its IP family is not known.",
    references: &["https://docs.aws.amazon.com/eks/latest/best-practices/ip-opt.html", "https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md"],
};

#[derive(Default)]
struct Az<'a> {
    demand: u64,
    terms: Vec<String>,
    subnets: BTreeMap<&'a str, &'a Subnet>,
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let inv = ctx.inv;
    // Fargate pods per (cluster, profile): replicas of the workloads each profile runs.
    let mut fargate_pods: BTreeMap<(String, String), (u64, usize)> = BTreeMap::new();
    for w in &inv.k8s.workloads {
        let Some(p) = workload_on_fargate(ctx, w) else {
            continue;
        };
        let e = fargate_pods
            .entry((p.cluster.clone(), p.name.clone()))
            .or_default();
        e.0 += w.replicas.unwrap_or(1) as u64;
        e.1 += 1;
    }
    'clusters: for c in &inv.clusters {
        // IPv6 pods take no IPv4 address from the subnets.
        if !c.pods_use_ipv4() {
            continue;
        }
        let s = cni_settings(ctx, c);
        let (Some(&pd), Some(&custom), Some(warm_eni), Some(wip), Some(mip), Some(wpt)) = (
            s.prefix_delegation.known(),
            s.custom_networking.known(),
            s.warm_eni_target.known(),
            s.warm_ip_target.known(),
            s.minimum_ip_target.known(),
            s.warm_prefix_target.known(),
        ) else {
            continue;
        };
        let cni = Cni {
            mode: if custom {
                CniMode::CustomNetworking
            } else if pd {
                CniMode::Prefix
            } else {
                CniMode::SecondaryIp
            },
            warm_eni_target: warm_eni.unwrap_or(1),
            warm_ip_target: *wip,
            minimum_ip_target: *mip,
            warm_prefix_target: wpt.unwrap_or(1),
        };
        let mut azs: BTreeMap<String, Az> = BTreeMap::new();
        let groups: Vec<_> = inv.node_groups_of(&c.id).collect();
        if groups.is_empty() {
            continue;
        }
        for ng in &groups {
            if ng.kind == NodeGroupKind::Karpenter {
                continue 'clusters;
            }
            let (Some(&max), Some(types), Some(subnets)) = (
                ng.max_size.known(),
                ng.instance_types.known(),
                node_group_subnets(inv, ng),
            ) else {
                continue 'clusters;
            };
            let mut ng_azs: Vec<&str> = Vec::new();
            for sn in &subnets {
                let (Some(az), Some(_)) = (sn.az.known(), sn.cidr.known()) else {
                    continue 'clusters;
                };
                if !ng_azs.contains(&az.as_str()) {
                    ng_azs.push(az);
                }
            }
            if ng_azs.is_empty() || max == 0 {
                continue;
            }
            // The instance type holding the most addresses (worst case for mixed groups).
            let mut worst = None;
            for t in types {
                let Some(i) = instance(t) else {
                    continue 'clusters;
                };
                let pods = match ng.max_pods.known() {
                    Some(Some(p)) => *p,
                    Some(None) => {
                        let o = max_pods::Options {
                            cni_version: (1, 19),
                            custom_networking: custom,
                            prefix_delegation: pd,
                            max_eni: None,
                            show_max_allowed: false,
                        };
                        match max_pods::compute(i, &o) {
                            Ok(m) => m.max_pods,
                            Err(_) => continue 'clusters,
                        }
                    }
                    None => continue 'clusters,
                };
                let n = node_ips(i, pods, &cni);
                if worst
                    .as_ref()
                    .is_none_or(|(w, _): &(eksdoctor_calc::ipdemand::NodeIps, u32)| {
                        n.addresses > w.addresses
                    })
                {
                    worst = Some((n, pods));
                }
            }
            let Some((n, pods)) = worst else {
                continue 'clusters;
            };
            let per_az = max.div_ceil(ng_azs.len() as u32);
            for az in &ng_azs {
                let e = azs.entry(az.to_string()).or_default();
                let d = per_az as u64 * n.addresses;
                e.demand += d;
                e.terms.push(format!(
                    "node group `{}`: max {max} nodes over {} AZ(s) → {per_az} here × {} addresses ({}, {pods} pods) = {d}",
                    ng.name,
                    ng_azs.len(),
                    n.addresses,
                    n.explain
                ));
                for sn in subnets
                    .iter()
                    .filter(|s| s.az.known().map(String::as_str) == Some(az))
                {
                    e.subnets.insert(sn.name.as_str(), sn);
                }
            }
        }
        // Fargate pods: one address each, spread over the profile's AZs.
        for ((_, name), (pods, objects)) in fargate_pods
            .range((c.id.clone(), String::new())..)
            .take_while(|((cid, _), _)| cid == &c.id)
        {
            let Some(p) = inv.fargate_profiles_of(&c.id).find(|p| &p.name == name) else {
                continue;
            };
            let Some(pazs) = crate::helpers::fargate_profile_azs(inv, p) else {
                continue 'clusters;
            };
            let per_az = pods.div_ceil(pazs.len() as u64);
            for az in &pazs {
                let e = azs.entry(az.clone()).or_default();
                e.demand += per_az;
                e.terms.push(format!(
                    "Fargate profile `{name}`: {pods} pods from {objects} workload(s) over {} AZ(s) → {per_az} here, 1 address each",
                    pazs.len()
                ));
            }
        }
        // Interface endpoints: one address in each subnet they are placed in.
        let vpcs: std::collections::BTreeSet<&str> = azs
            .values()
            .flat_map(|a| a.subnets.values())
            .filter_map(|s| s.vpc.as_deref())
            .collect();
        for e in vpcs
            .iter()
            .flat_map(|v| inv.endpoints_of(v))
            .filter(|e| e.kind == "Interface")
        {
            for r in e.subnets.known().into_iter().flatten() {
                if let Some(sn) = inv.subnet(&c.id, r) {
                    if let Some(az) = sn.az.known() {
                        if let Some(a) = azs.get_mut(az) {
                            if a.subnets.contains_key(sn.name.as_str()) {
                                a.demand += 1;
                                a.terms.push(format!(
                                    "interface endpoint {}: 1 address in `{}`",
                                    e.service, sn.name
                                ));
                            }
                        }
                    }
                }
            }
        }
        for (az, a) in &azs {
            let capacity: u64 = a
                .subnets
                .values()
                .filter_map(|s| s.cidr.known())
                .filter(|n| n.addr().is_ipv4())
                .map(|n| usable(n.prefix_len()))
                .sum();
            if a.subnets.is_empty() || a.demand <= capacity {
                continue;
            }
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
                    a.demand,
                    names.join(", "),
                    capacity,
                    a.terms.join("; ")
                ),
            );
        }
    }
}
