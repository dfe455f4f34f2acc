//! `plan subnets`: projected peak IP demand per AZ, term by term, against the subnets' usable
//! addresses, the smallest prefix that fits with headroom, and a non-overlapping layout.

use crate::ipdemand::{node_ips, usable, Cni, CniMode, IP_COOLDOWN_SECONDS};
use crate::max_pods;
use ipnet::Ipv4Net;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// Addresses an Application Load Balancer needs free in each subnet it uses, to scale.
pub const ALB_ADDRESSES_PER_AZ: u64 = 8;

#[derive(Debug, Clone, Serialize)]
pub struct NodeGroupDemand {
    pub name: String,
    pub instance_type: String,
    pub max_size: u32,
    /// AZs it spans (its nodes are spread evenly over them).
    pub azs: Vec<String>,
    /// Max pods per node, when set; otherwise the max-pods calculator's answer.
    pub pods_per_node: Option<u32>,
    /// The instance type's facts when they come from elsewhere than the embedded table (EC2
    /// in live mode); `None`: looked up there by name.
    #[serde(skip)]
    pub instance: Option<eksdoctor_knowledge::Instance>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanInput {
    pub azs: Vec<String>,
    pub node_groups: Vec<NodeGroupDemand>,
    pub cni: Cni,
    /// CronJob/Job runs per minute across the cluster.
    pub job_runs_per_minute: f64,
    /// How long each run holds its pod's address before the CNI's cooldown.
    pub job_seconds: u64,
    /// Fargate pods spread evenly over all AZs.
    pub fargate_pods: u64,
    /// Fargate pods per AZ, as the scanned profiles place them (in addition to `fargate_pods`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fargate_by_az: BTreeMap<String, u64>,
    pub load_balancers: u64,
    /// Interface endpoints in every AZ.
    pub interface_endpoints: u64,
    /// Interface endpoints per AZ, as scanned in the node subnets (in addition to
    /// `interface_endpoints`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoints_by_az: BTreeMap<String, u64>,
    /// Extra room on top of the projected peak, in percent.
    pub headroom_pct: u64,
    pub vpc_cidr: Option<Ipv4Net>,
    /// The node/pod subnets that exist, per AZ.
    pub existing: BTreeMap<String, Vec<Ipv4Net>>,
    /// Addresses free now in the existing subnets, per AZ (a running cluster's subnets:
    /// EC2's AvailableIpAddressCount, which every consumer of the subnet lowers).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub free_now: BTreeMap<String, u64>,
    /// Size of the public subnets of the layout.
    pub public_prefix: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub what: String,
    pub addresses: u64,
    pub how: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AzPlan {
    pub az: String,
    pub terms: Vec<Term>,
    pub demand: u64,
    pub with_headroom: u64,
    pub existing_usable: Option<u64>,
    /// Free now in the existing subnets, when known (see [`PlanInput::free_now`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_now: Option<u64>,
    /// Peak demand over the existing usable addresses, in percent.
    pub utilisation_pct: Option<f64>,
    /// Smallest prefix whose usable addresses hold the demand with headroom.
    pub prefix: Option<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubnetPlan {
    pub azs: Vec<AzPlan>,
    pub assumptions: Vec<String>,
    /// Private (node/pod) and public subnets per AZ inside the VPC CIDR.
    pub layout: Option<Vec<(String, Ipv4Net, Ipv4Net)>>,
    pub layout_error: Option<String>,
}

impl PlanInput {
    /// No demand yet, with the VPC CNI's defaults, jobs holding their address 60 s, no headroom
    /// and /24 public subnets.
    pub fn new() -> PlanInput {
        PlanInput {
            azs: Vec::new(),
            node_groups: Vec::new(),
            cni: Cni::default(),
            job_runs_per_minute: 0.0,
            job_seconds: 60,
            fargate_pods: 0,
            fargate_by_az: BTreeMap::new(),
            load_balancers: 0,
            interface_endpoints: 0,
            endpoints_by_az: BTreeMap::new(),
            headroom_pct: 0,
            vpc_cidr: None,
            existing: BTreeMap::new(),
            free_now: BTreeMap::new(),
            public_prefix: 24,
        }
    }
}

impl Default for PlanInput {
    fn default() -> Self {
        PlanInput::new()
    }
}

pub fn plan(input: &PlanInput) -> Result<SubnetPlan, String> {
    if input.azs.is_empty() {
        return Err("no availability zones: give --azs".into());
    }
    let n = input.azs.len() as u64;
    let mut assumptions = assumptions(input);
    let mut per_az: BTreeMap<&str, Vec<Term>> =
        input.azs.iter().map(|a| (a.as_str(), Vec::new())).collect();
    node_group_terms(input, &mut per_az)?;
    // Short-lived pods take addresses from these subnets only when pods get theirs here.
    let pods_here = matches!(input.cni.mode, CniMode::SecondaryIp | CniMode::Prefix);
    if !pods_here && input.job_runs_per_minute > 0.0 {
        assumptions.push(
            "short-lived pods on nodes take no address from these subnets (custom networking or IPv6)"
                .into(),
        );
    }
    let churn = if pods_here && input.job_runs_per_minute > 0.0 {
        ((input.job_runs_per_minute / 60.0) * (input.job_seconds + IP_COOLDOWN_SECONDS) as f64)
            .ceil() as u64
    } else {
        0
    };
    for (az, terms) in per_az.iter_mut() {
        if churn > 0 {
            terms.push(Term {
                what: "short-lived pods (CronJobs, Jobs)".into(),
                addresses: churn.div_ceil(n),
                how: format!(
                    "{} runs/min × ({} s + {IP_COOLDOWN_SECONDS} s) / 60 = {churn} addresses at once, over {n} AZs",
                    input.job_runs_per_minute, input.job_seconds
                ),
            });
        }
        if input.fargate_pods > 0 {
            terms.push(Term {
                what: "Fargate pods".into(),
                addresses: input.fargate_pods.div_ceil(n),
                how: format!("{} pods × 1 address, over {n} AZs", input.fargate_pods),
            });
        }
        if let Some(&pods) = input.fargate_by_az.get(*az).filter(|p| **p > 0) {
            terms.push(Term {
                what: "Fargate pods of the scanned profiles".into(),
                addresses: pods,
                how: format!("{pods} pods × 1 address, as the profiles' subnets place them"),
            });
        }
        if input.load_balancers > 0 {
            terms.push(Term {
                what: "load balancers".into(),
                addresses: input.load_balancers * ALB_ADDRESSES_PER_AZ,
                how: format!("{} × {ALB_ADDRESSES_PER_AZ}", input.load_balancers),
            });
        }
        if input.interface_endpoints > 0 {
            terms.push(Term {
                what: "interface endpoints".into(),
                addresses: input.interface_endpoints,
                how: format!("{} × 1", input.interface_endpoints),
            });
        }
        if let Some(&n) = input.endpoints_by_az.get(*az).filter(|n| **n > 0) {
            terms.push(Term {
                what: "interface endpoints in the scanned node subnets".into(),
                addresses: n,
                how: format!("{n} × 1"),
            });
        }
    }
    let mut azs = Vec::new();
    let mut widest: Option<u8> = Some(32);
    for az in &input.azs {
        let terms = per_az.remove(az.as_str()).unwrap_or_default();
        let demand: u64 = terms.iter().map(|t| t.addresses).sum();
        let with_headroom = (demand * (100 + input.headroom_pct)).div_ceil(100);
        let prefix = (16..=28u8).rev().find(|&p| usable(p) >= with_headroom);
        widest = match (widest, prefix) {
            (Some(w), Some(p)) => Some(w.min(p)),
            _ => None,
        };
        let existing_usable = input
            .existing
            .get(az)
            .map(|nets| nets.iter().map(|n| usable(n.prefix_len())).sum::<u64>());
        let utilisation_pct = existing_usable
            .filter(|u| *u > 0)
            .map(|u| demand as f64 * 100.0 / u as f64);
        azs.push(AzPlan {
            az: az.clone(),
            terms,
            demand,
            with_headroom,
            existing_usable,
            free_now: input.free_now.get(az).copied(),
            utilisation_pct,
            prefix,
        });
    }
    let (layout, layout_error) = match (input.vpc_cidr, widest) {
        (Some(vpc), Some(p)) => match layout(vpc, &input.azs, p, input.public_prefix) {
            Ok(l) => (Some(l), None),
            Err(e) => (None, Some(e)),
        },
        (Some(_), None) => (
            None,
            Some("the demand of an AZ does not fit in a /16 subnet".into()),
        ),
        (None, _) => (None, None),
    };
    if input.vpc_cidr.is_none() {
        assumptions.push("no VPC CIDR given: no layout (give --vpc-cidr)".into());
    }
    Ok(SubnetPlan {
        azs,
        assumptions,
        layout,
        layout_error,
    })
}

/// Each node group's nodes and upgrade surge, in the AZs it spans.
fn node_group_terms(
    input: &PlanInput,
    per_az: &mut BTreeMap<&str, Vec<Term>>,
) -> Result<(), String> {
    for ng in &input.node_groups {
        let i = ng
            .instance
            .as_ref()
            .or_else(|| eksdoctor_knowledge::instance(&ng.instance_type))
            .ok_or_else(|| format!("unknown instance type `{}`", ng.instance_type))?;
        let pods = match ng.pods_per_node {
            Some(p) => p,
            None => {
                max_pods::compute(
                    i,
                    &max_pods::Options {
                        cni_version: (1, 19),
                        custom_networking: input.cni.mode == CniMode::CustomNetworking,
                        prefix_delegation: input.cni.mode == CniMode::Prefix,
                        max_eni: None,
                        show_max_allowed: false,
                    },
                )?
                .max_pods
            }
        };
        let ips = node_ips(i, pods, &input.cni);
        let azs: Vec<&String> = ng
            .azs
            .iter()
            .filter(|a| per_az.contains_key(a.as_str()))
            .collect();
        if azs.is_empty() {
            continue;
        }
        let nodes = (ng.max_size as u64).div_ceil(azs.len() as u64);
        let over = match azs.len() {
            1 => "1 AZ".to_string(),
            n => format!("{n} AZs"),
        };
        for az in azs {
            let terms = per_az.get_mut(az.as_str()).expect("known AZ");
            terms.push(Term {
                what: format!("node group `{}` ({})", ng.name, ng.instance_type),
                addresses: nodes * ips.addresses,
                how: format!(
                    "{nodes} nodes (max {} over {over}) × {} addresses: {}",
                    ng.max_size, ips.addresses, ips.explain
                ),
            });
            terms.push(Term {
                what: format!("upgrade surge of `{}`", ng.name),
                addresses: 2 * ips.addresses,
                how: format!("2 surge nodes × {} addresses", ips.addresses),
            });
        }
    }
    Ok(())
}

/// What the plan assumes, in words, before any term.
fn assumptions(input: &PlanInput) -> Vec<String> {
    vec![
        "nodes are spread evenly over their node group's AZs (as Auto Scaling balances them) and full (max pods)".to_string(),
        format!(
            "VPC CNI: {}, WARM_ENI_TARGET {}, WARM_IP_TARGET {}, MINIMUM_IP_TARGET {}, WARM_PREFIX_TARGET {}",
            match input.cni.mode {
                CniMode::SecondaryIp => "secondary IPs",
                CniMode::Prefix => "prefix delegation",
                CniMode::CustomNetworking => "custom networking (pod addresses come from other subnets)",
                CniMode::Ipv6 => "IPv6 cluster (pods take IPv6 addresses; nodes and Fargate pods one IPv4 address each)",
            },
            input.cni.warm_eni_target,
            input.cni.warm_ip_target.map_or("unset".into(), |v| v.to_string()),
            input.cni.minimum_ip_target.map_or("unset".into(), |v| v.to_string()),
            input.cni.warm_prefix_target
        ),
        "a managed node group upgrade adds up to max(2 × AZs, maxUnavailable = 1) nodes before removing old ones: 2 surge nodes per AZ".into(),
        format!("a job's pod holds its address for its run ({} s) plus the CNI's cooldown ({IP_COOLDOWN_SECONDS} s)", input.job_seconds),
        format!("each load balancer keeps {ALB_ADDRESSES_PER_AZ} addresses free per AZ (what an ALB needs to scale); each interface endpoint takes 1 per AZ"),
        "AWS reserves 5 addresses in every subnet".into(),
        format!("headroom: {}% on top of the peak", input.headroom_pct),
    ]
}

/// Private subnets of `/prefix` then public subnets of `/public_prefix`, one per AZ each,
/// allocated from the start of the VPC CIDR without overlap, each aligned to its size.
pub fn layout(
    vpc: Ipv4Net,
    azs: &[String],
    prefix: u8,
    public_prefix: u8,
) -> Result<Vec<(String, Ipv4Net, Ipv4Net)>, String> {
    let vpc = vpc.trunc();
    if prefix < vpc.prefix_len() || public_prefix < vpc.prefix_len() {
        return Err(format!("subnets of /{prefix} do not fit in {vpc}"));
    }
    let start = u32::from(vpc.network()) as u64;
    let end = start + (1u64 << (32 - vpc.prefix_len()));
    let mut next = start;
    let mut take = |len: u8| -> Result<Ipv4Net, String> {
        let size = 1u64 << (32 - len);
        let at = next.div_ceil(size) * size;
        if at + size > end {
            return Err(format!(
                "{} /{prefix} and {} /{public_prefix} subnets do not fit in {vpc}",
                azs.len(),
                azs.len()
            ));
        }
        next = at + size;
        Ipv4Net::new(Ipv4Addr::from(at as u32), len).map_err(|e| e.to_string())
    };
    let private: Vec<Ipv4Net> = azs.iter().map(|_| take(prefix)).collect::<Result<_, _>>()?;
    let public: Vec<Ipv4Net> = azs
        .iter()
        .map(|_| take(public_prefix))
        .collect::<Result<_, _>>()?;
    Ok(azs
        .iter()
        .cloned()
        .zip(private)
        .zip(public)
        .map(|((a, p), q)| (a, p, q))
        .collect())
}
