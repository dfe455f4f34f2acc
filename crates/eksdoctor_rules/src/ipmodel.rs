//! The one IP model of a scanned cluster, shared by the `ip-exhaustion-risk` rule, the HTML
//! report's capacity charts and `eksdoctor plan subnets`: the VPC CNI settings in force (the
//! cluster's, or an `aws-node` DaemonSet's), each node group's worst instance type and pods per
//! node, and the addresses each AZ's node/pod subnets must hold. The arithmetic per node is
//! `eksdoctor_calc::ipdemand::node_ips`; usable addresses are `eksdoctor_calc::ipdemand::usable`.
//! When a number cannot be known, the answer is [`Undecided`] with the place and the reason.

use crate::helpers::{
    cni_settings, cron_runs_per_minute, fargate_profile_azs, node_group_subnets, undefined_subnets,
    workload_on_fargate,
};
use crate::Ctx;
use eksdoctor_calc::ipdemand::{node_ips, Cni, CniMode, NodeIps};
use eksdoctor_calc::max_pods;
use eksdoctor_calc::subnets::{NodeGroupDemand, PlanInput};
use eksdoctor_inventory::{Cluster, Id, NodeGroup, NodeGroupKind, Prov, Subnet, Val};
use eksdoctor_knowledge::Instance;
use std::collections::BTreeMap;

/// Why a number of the model is not known, and where the value that is missing was read.
#[derive(Debug, Clone)]
pub struct Undecided {
    pub at: Prov,
    pub reason: String,
}

impl Undecided {
    fn of<T>(v: &Val<T>, what: String) -> Undecided {
        Undecided {
            at: v.at().clone(),
            reason: format!("{what}: {}", v.unknown_reason().unwrap_or("not known")),
        }
    }
}

/// What one AZ's node/pod subnets must hold at peak.
#[derive(Debug, Default)]
pub struct AzDemand<'a> {
    /// Addresses of full nodes (nodes spread evenly over their group's AZs).
    pub nodes: u64,
    /// Fargate pods running here, one address each.
    pub fargate_pods: u64,
    /// Interface endpoints placed in these subnets, one address each.
    pub endpoints: u64,
    /// Each term, in words.
    pub terms: Vec<String>,
    /// The node group subnets in this AZ, by name.
    pub subnets: BTreeMap<&'a Id, &'a Subnet>,
    /// Each node group's part of `nodes`: (node group, nodes here at its maximum, addresses
    /// of one full node).
    pub shares: Vec<(String, u64, u64)>,
}

impl AzDemand<'_> {
    pub fn demand(&self) -> u64 {
        self.nodes + self.fargate_pods + self.endpoints
    }
}

/// The usable IPv4 addresses of an AZ's node and pod subnets.
pub fn capacity(a: &AzDemand) -> u64 {
    a.subnets
        .values()
        .filter_map(|s| s.cidr.known())
        .filter(|n| n.addr().is_ipv4())
        .map(|n| eksdoctor_calc::ipdemand::usable(n.prefix_len()))
        .sum()
}

/// A cluster's IP demand as the scanned inputs describe it.
#[derive(Debug, Default)]
pub struct ClusterDemand<'a> {
    pub cni: Cni,
    /// Each node group with the instance type planned for (the one holding the most addresses)
    /// and the pods per node it runs.
    pub node_groups: Vec<NodeGroupDemand>,
    pub azs: BTreeMap<String, AzDemand<'a>>,
}

/// Fargate pods per (cluster, profile): replicas of the workloads each profile runs, and the
/// number of workloads.
pub type FargatePods = BTreeMap<(Id, String), (u64, usize)>;

/// Count the pods of every Fargate profile, once for all clusters.
pub fn fargate_pods(ctx: &Ctx) -> FargatePods {
    let mut out: FargatePods = BTreeMap::new();
    for w in &ctx.inv.k8s.workloads {
        let Some(p) = workload_on_fargate(ctx, w) else {
            continue;
        };
        let e = out.entry((p.cluster.clone(), p.name.clone())).or_default();
        e.0 += w.replicas.unwrap_or(1) as u64;
        e.1 += 1;
    }
    out
}

/// The VPC CNI settings in force for the cluster, as the model's input.
pub fn cluster_cni(ctx: &Ctx, c: &Cluster) -> Result<Cni, Undecided> {
    match c.ip_family.known().map(String::as_str) {
        Some("ipv4") => {}
        Some(_) => {
            return Ok(Cni {
                mode: CniMode::Ipv6,
                ..Cni::default()
            })
        }
        None => {
            return Err(Undecided::of(
                &c.ip_family,
                "the cluster's IP family".into(),
            ))
        }
    }
    let s = cni_settings(ctx, c);
    let known = |v: &Val<bool>, name: &str| {
        v.known()
            .copied()
            .ok_or_else(|| Undecided::of(v, format!("the VPC CNI's {name}")))
    };
    let opt = |v: &Val<Option<u32>>, name: &str| {
        v.known()
            .copied()
            .ok_or_else(|| Undecided::of(v, format!("the VPC CNI's {name}")))
    };
    let pd = known(&s.prefix_delegation, "ENABLE_PREFIX_DELEGATION")?;
    let custom = known(&s.custom_networking, "custom networking")?;
    Ok(Cni {
        mode: if custom {
            CniMode::CustomNetworking
        } else if pd {
            CniMode::Prefix
        } else {
            CniMode::SecondaryIp
        },
        warm_eni_target: opt(&s.warm_eni_target, "WARM_ENI_TARGET")?.unwrap_or(1),
        warm_ip_target: opt(&s.warm_ip_target, "WARM_IP_TARGET")?,
        minimum_ip_target: opt(&s.minimum_ip_target, "MINIMUM_IP_TARGET")?,
        warm_prefix_target: opt(&s.warm_prefix_target, "WARM_PREFIX_TARGET")?.unwrap_or(1),
    })
}

/// Pods per node of a node group on `instance_type`: its max pods setting, else the max-pods
/// calculator's answer under the CNI mode.
fn pods_per_node(
    ng: &NodeGroup,
    i: &eksdoctor_knowledge::Instance,
    cni: &Cni,
) -> Result<u32, Undecided> {
    match ng.max_pods.known() {
        Some(Some(p)) => Ok(*p),
        Some(None) => {
            let o = max_pods::Options {
                cni_version: (1, 19),
                custom_networking: cni.mode == CniMode::CustomNetworking,
                prefix_delegation: cni.mode == CniMode::Prefix,
                max_eni: None,
                show_max_allowed: false,
            };
            max_pods::compute(i, &o)
                .map(|m| m.max_pods)
                .map_err(|e| Undecided {
                    at: ng.at.clone(),
                    reason: format!("max pods of `{}` on {}: {e}", ng.name, i.name),
                })
        }
        None => Err(Undecided::of(
            &ng.max_pods,
            format!("max pods of {}", ng.describe()),
        )),
    }
}

/// A node group's instance type that holds the most addresses per node.
pub struct Worst {
    pub name: String,
    pub pods: u32,
    pub ips: NodeIps,
    /// Its facts, when they come from EC2 rather than the embedded table.
    pub described: Option<Instance>,
}

/// The instance type of a node group that holds the most addresses per node (the worst case
/// for mixed groups), with its pods per node and addresses.
pub fn worst_type(ctx: &Ctx, ng: &NodeGroup, cni: &Cni) -> Result<Worst, Undecided> {
    let types = ng.instance_types.known().ok_or_else(|| {
        Undecided::of(
            &ng.instance_types,
            format!("instance types of {}", ng.describe()),
        )
    })?;
    let mut worst: Option<Worst> = None;
    for t in types {
        let i = ctx.instance(t).ok_or_else(|| Undecided {
            at: ng.instance_types.at().clone(),
            reason: format!(
                "instance type `{t}` of {} is not in the embedded data",
                ng.describe()
            ),
        })?;
        let pods = pods_per_node(ng, &i, cni)?;
        let ips = node_ips(&i, pods, cni);
        if worst
            .as_ref()
            .is_none_or(|w| ips.addresses > w.ips.addresses)
        {
            worst = Some(Worst {
                name: t.clone(),
                pods,
                ips,
                described: match i {
                    std::borrow::Cow::Owned(i) => Some(i),
                    std::borrow::Cow::Borrowed(_) => None,
                },
            });
        }
    }
    worst.ok_or_else(|| Undecided {
        at: ng.instance_types.at().clone(),
        reason: format!("{} names no instance type", ng.describe()),
    })
}

/// The AZs of a node group's subnets, with the subnets; every subnet's AZ and CIDR must be known.
fn group_subnets<'a>(
    ctx: &'a Ctx,
    ng: &NodeGroup,
) -> Result<(Vec<String>, Vec<&'a Subnet>), Undecided> {
    let Some(subnets) = node_group_subnets(ctx.inv, ng) else {
        return Err(match ng.subnets.known() {
            None => Undecided::of(&ng.subnets, format!("subnets of {}", ng.describe())),
            Some(refs) => Undecided {
                at: ng.subnets.at().clone(),
                reason: format!(
                    "subnets of {}: {}",
                    ng.describe(),
                    undefined_subnets(ctx.inv, ng, refs)
                ),
            },
        });
    };
    let mut azs: Vec<String> = Vec::new();
    for sn in &subnets {
        let az = sn
            .az
            .known()
            .ok_or_else(|| Undecided::of(&sn.az, format!("AZ of subnet `{}`", sn.name)))?;
        sn.cidr
            .known()
            .ok_or_else(|| Undecided::of(&sn.cidr, format!("CIDR of subnet `{}`", sn.name)))?;
        if !azs.contains(az) {
            azs.push(az.clone());
        }
    }
    Ok((azs, subnets))
}

/// The IP demand of cluster `c` per AZ. `fargate` is [`fargate_pods`] of the same inventory.
pub fn cluster_demand<'a>(
    ctx: &'a Ctx,
    c: &'a Cluster,
    fargate: &FargatePods,
) -> Result<ClusterDemand<'a>, Undecided> {
    let groups: Vec<&NodeGroup> = ctx.inv.node_groups_of(&c.id).collect();
    if groups.is_empty() {
        return Ok(ClusterDemand::default());
    }
    let mut out = ClusterDemand {
        cni: cluster_cni(ctx, c)?,
        ..Default::default()
    };
    for ng in groups {
        if ng.kind == NodeGroupKind::Karpenter {
            return Err(Undecided {
                at: ng.at.clone(),
                reason: format!(
                    "{} is launched by Karpenter, whose NodePool limits are not read: the number of nodes has no fixed maximum here",
                    ng.describe()
                ),
            });
        }
        let max = *ng
            .max_size
            .known()
            .ok_or_else(|| Undecided::of(&ng.max_size, format!("max size of {}", ng.describe())))?;
        let Worst {
            name: t,
            pods,
            ips: n,
            described,
        } = worst_type(ctx, ng, &out.cni)?;
        let (mut azs, subnets) = group_subnets(ctx, ng)?;
        if azs.is_empty() || max == 0 {
            continue;
        }
        azs.sort();
        out.node_groups.push(NodeGroupDemand {
            name: ng.name.clone(),
            instance_type: t,
            max_size: max,
            azs: azs.clone(),
            pods_per_node: Some(pods),
            instance: described,
        });
        let per_az = max.div_ceil(azs.len() as u32);
        for az in &azs {
            let e = out.azs.entry(az.clone()).or_default();
            let d = per_az as u64 * n.addresses;
            e.nodes += d;
            e.shares.push((ng.name.clone(), per_az as u64, n.addresses));
            e.terms.push(format!(
                "{}: max {max} nodes over {} AZ(s) → {per_az} here × {} addresses ({}, {pods} pods) = {d}",
                ng.describe(),
                azs.len(),
                n.addresses,
                n.explain
            ));
            for sn in subnets.iter().filter(|s| s.az.known() == Some(az)) {
                e.subnets.insert(&sn.name, sn);
            }
        }
    }
    add_fargate(ctx, c, fargate, &mut out)?;
    add_endpoints(ctx, c, &mut out);
    Ok(out)
}

/// Fargate pods: one address each, spread over the profile's AZs.
fn add_fargate(
    ctx: &Ctx,
    c: &Cluster,
    fargate: &FargatePods,
    out: &mut ClusterDemand,
) -> Result<(), Undecided> {
    for ((_, name), (pods, objects)) in fargate
        .range((c.id.clone(), String::new())..)
        .take_while(|((cid, _), _)| cid == &c.id)
    {
        let Some(p) = ctx.inv.fargate_profiles_of(&c.id).find(|p| &p.name == name) else {
            continue;
        };
        let pazs = fargate_profile_azs(ctx.inv, p).ok_or_else(|| Undecided {
            at: p.subnets.at().clone(),
            reason: format!("the AZs of Fargate profile `{name}`: its subnets' AZs are not known"),
        })?;
        let per_az = pods.div_ceil(pazs.len() as u64);
        for az in &pazs {
            let e = out.azs.entry(az.clone()).or_default();
            e.fargate_pods += per_az;
            e.terms.push(format!(
                "Fargate profile `{name}`: {pods} pods from {objects} workload(s) over {} AZ(s) → {per_az} here, 1 address each",
                pazs.len()
            ));
        }
    }
    Ok(())
}

/// Interface endpoints: one address in each node group subnet they are placed in.
fn add_endpoints(ctx: &Ctx, c: &Cluster, out: &mut ClusterDemand) {
    let inv = ctx.inv;
    let vpcs: std::collections::BTreeSet<&Id> = out
        .azs
        .values()
        .flat_map(|a| a.subnets.values())
        .filter_map(|s| s.vpc.as_ref())
        .collect();
    let endpoints: Vec<_> = vpcs
        .iter()
        .flat_map(|v| inv.endpoints_of(v))
        .filter(|e| e.kind == "Interface")
        .collect();
    for e in endpoints {
        for r in e.subnets.known().into_iter().flatten() {
            let Some(sn) = inv.subnet(&c.id, r) else {
                continue;
            };
            let Some(a) = sn.az.known().and_then(|az| out.azs.get_mut(az)) else {
                continue;
            };
            if a.subnets.contains_key(&sn.name) {
                a.endpoints += 1;
                a.terms.push(format!(
                    "interface endpoint {}: 1 address in `{}`",
                    e.service, sn.name
                ));
            }
        }
    }
}

/// The input of `plan subnets` for cluster `c`, from the same model: CNI settings in force, each
/// node group's worst instance type and pods per node, its AZs, the existing node subnets,
/// CronJob runs, Fargate pods per AZ and interface endpoints per AZ. Node groups whose subnets
/// are not known keep no AZs (the command's `--azs` gives them all). Headroom and job seconds
/// are the settings'.
pub fn plan_input(ctx: &Ctx, c: &Cluster, fargate: &FargatePods) -> Result<PlanInput, Undecided> {
    let inv = ctx.inv;
    let mut input = PlanInput::new();
    input.headroom_pct = ctx.settings.headroom_pct;
    input.job_seconds = ctx.settings.job_seconds;
    input.cni = cluster_cni(ctx, c)?;
    let mut azs: Vec<String> = Vec::new();
    let mut node_subnets: BTreeMap<String, Vec<&Subnet>> = BTreeMap::new();
    for ng in inv.node_groups_of(&c.id) {
        let max = *ng
            .max_size
            .known()
            .ok_or_else(|| Undecided::of(&ng.max_size, format!("max size of {}", ng.describe())))?;
        let w = worst_type(ctx, ng, &input.cni)?;
        let (mut ng_azs, subnets) = group_subnets(ctx, ng).unwrap_or_default();
        ng_azs.sort();
        for sn in subnets {
            if let (Some(az), Some(ipnet::IpNet::V4(net))) = (sn.az.known(), sn.cidr.known()) {
                let e = input.existing.entry(az.clone()).or_default();
                if !e.contains(net) {
                    e.push(*net);
                    node_subnets.entry(az.clone()).or_default().push(sn);
                }
            }
        }
        for z in &ng_azs {
            if !azs.contains(z) {
                azs.push(z.clone());
            }
        }
        input.node_groups.push(NodeGroupDemand {
            name: ng.name.clone(),
            instance_type: w.name,
            max_size: max,
            azs: ng_azs,
            pods_per_node: Some(w.pods),
            instance: w.described,
        });
    }
    // The addresses free now in each AZ, when every subnet there says (a running cluster's), as
    // ip-exhaustion-risk counts them.
    for (az, subnets) in &node_subnets {
        let free = subnets
            .iter()
            .map(|s| s.free_now.map(u64::from))
            .sum::<Option<u64>>();
        if let Some(free) = free {
            input.free_now.insert(az.clone(), free);
        }
    }
    azs.sort();
    input.azs = azs;
    input.job_runs_per_minute = job_runs_per_minute(ctx, c);
    // Fargate pods where their profiles place them; evenly over all AZs when that is not known.
    for ((_, name), (pods, _)) in fargate
        .range((c.id.clone(), String::new())..)
        .take_while(|((cid, _), _)| cid == &c.id)
    {
        let p = inv.fargate_profiles_of(&c.id).find(|p| &p.name == name);
        match p.and_then(|p| fargate_profile_azs(inv, p)) {
            Some(pazs) => {
                for az in &pazs {
                    *input.fargate_by_az.entry(az.clone()).or_default() +=
                        pods.div_ceil(pazs.len() as u64);
                }
            }
            None => input.fargate_pods += pods,
        }
    }
    let mut demand = ClusterDemand::default();
    for (az, subnets) in node_subnets {
        let a = demand.azs.entry(az).or_default();
        a.subnets = subnets.into_iter().map(|s| (&s.name, s)).collect();
    }
    add_endpoints(ctx, c, &mut demand);
    input.endpoints_by_az = demand
        .azs
        .into_iter()
        .filter(|(_, a)| a.endpoints > 0)
        .map(|(az, a)| (az, a.endpoints))
        .collect();
    if let Some(vpc) = c
        .vpc
        .as_ref()
        .and_then(|v| inv.vpcs.iter().find(|x| &x.id == v))
    {
        if let Some(ipnet::IpNet::V4(n)) = vpc.cidr.known() {
            input.vpc_cidr = Some(*n);
        }
    }
    Ok(input)
}

/// CronJob runs per minute at peak across the workloads that run on cluster `c`.
fn job_runs_per_minute(ctx: &Ctx, c: &Cluster) -> f64 {
    ctx.inv
        .k8s
        .workloads
        .iter()
        .filter(|w| ctx.inv.cluster_of(&w.obj).is_some_and(|o| o.id == c.id))
        .filter_map(|w| w.schedule.as_ref())
        .map(|(schedule, _)| cron_runs_per_minute(schedule).unwrap_or(0.0))
        .sum()
}
