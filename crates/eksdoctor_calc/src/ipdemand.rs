//! The IP demand model shared by the `ip-exhaustion-risk` rule and `eksdoctor plan subnets`:
//! how many subnet addresses a node holds under the VPC CNI's settings, how many short-lived
//! pods hold at once, and the usable addresses of a subnet.

use eksdoctor_knowledge::{Hypervisor, Instance};
use serde::Serialize;

/// Addresses AWS reserves in every subnet.
pub const RESERVED_PER_SUBNET: u64 = 5;
/// Seconds the VPC CNI keeps a released pod IP before reusing it.
pub const IP_COOLDOWN_SECONDS: u64 = 30;

/// Usable addresses of an IPv4 subnet with this prefix length.
pub fn usable(prefix_len: u8) -> u64 {
    if prefix_len > 28 {
        return 0;
    }
    (1u64 << (32 - prefix_len)) - RESERVED_PER_SUBNET
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CniMode {
    SecondaryIp,
    Prefix,
    CustomNetworking,
    /// An IPv6 cluster: pods take IPv6 addresses; a node holds its primary IPv4 address, and
    /// each Fargate pod's host one IPv4 address (EKS user guide, "IPv6 addresses").
    Ipv6,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cni {
    pub mode: CniMode,
    pub warm_eni_target: u32,
    pub warm_ip_target: Option<u32>,
    pub minimum_ip_target: Option<u32>,
    pub warm_prefix_target: u32,
}

impl Default for Cni {
    /// The VPC CNI's defaults: secondary IPs, WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1.
    fn default() -> Cni {
        Cni {
            mode: CniMode::SecondaryIp,
            warm_eni_target: 1,
            warm_ip_target: None,
            minimum_ip_target: None,
            warm_prefix_target: 1,
        }
    }
}

/// Addresses one node holds in its subnet with `pods` pods running.
#[derive(Debug, Clone, Serialize)]
pub struct NodeIps {
    pub addresses: u64,
    pub enis: u32,
    /// The arithmetic, in words.
    pub explain: String,
}

pub fn node_ips(i: &Instance, pods: u32, cni: &Cni) -> NodeIps {
    let slots = i.ipv4_per_eni.saturating_sub(1).max(1);
    let max_enis = i.max_enis.max(1);
    let prefix = cni.mode == CniMode::Prefix && (i.hypervisor == Hypervisor::Nitro || i.bare_metal);
    match cni.mode {
        CniMode::Ipv6 => NodeIps {
            addresses: 1,
            enis: 1,
            explain: format!(
                "{}: an IPv6 cluster gives pods IPv6 addresses; the node holds 1 IPv4 address (its primary)",
                i.name
            ),
        },
        CniMode::CustomNetworking => NodeIps {
            addresses: 1,
            enis: 1,
            explain: format!(
                "{}: custom networking gives pods addresses from the ENIConfig subnets; the node holds 1 (its primary address) here",
                i.name
            ),
        },
        _ if prefix => {
            let wanted_ips = match (cni.warm_ip_target, cni.minimum_ip_target) {
                (None, None) => None,
                (w, m) => Some((pods + w.unwrap_or(0)).max(m.unwrap_or(0))),
            };
            let (prefixes, how) = match wanted_ips {
                Some(ips) => (ips.div_ceil(16), format!("ceil({ips} addresses wanted by WARM_IP_TARGET/MINIMUM_IP_TARGET / 16)")),
                None => (
                    pods.div_ceil(16) + cni.warm_prefix_target,
                    format!("ceil({pods} pods / 16) + WARM_PREFIX_TARGET {}", cni.warm_prefix_target),
                ),
            };
            let prefixes = prefixes.min(max_enis * slots);
            let enis = prefixes.div_ceil(slots).max(1);
            let addresses = prefixes as u64 * 16 + enis as u64;
            NodeIps {
                addresses,
                enis,
                explain: format!(
                    "{}: prefix delegation, {how} = {prefixes} /28 prefixes × 16 + {enis} ENI primary addresses = {addresses}",
                    i.name
                ),
            }
        }
        _ => match (cni.warm_ip_target, cni.minimum_ip_target) {
            (None, None) => {
                let enis = (pods.div_ceil(slots) + cni.warm_eni_target).min(max_enis).max(1);
                let addresses = enis as u64 * i.ipv4_per_eni as u64;
                NodeIps {
                    addresses,
                    enis,
                    explain: format!(
                        "{}: {pods} pods need ceil({pods} / {slots}) ENIs + WARM_ENI_TARGET {} (at most {max_enis}) = {enis} ENIs × {} addresses = {addresses}",
                        i.name, cni.warm_eni_target, i.ipv4_per_eni
                    ),
                }
            }
            (w, m) => {
                let secondaries = (pods + w.unwrap_or(0)).max(m.unwrap_or(0)).min(max_enis * slots);
                let enis = secondaries.div_ceil(slots).max(1);
                let addresses = secondaries as u64 + enis as u64;
                NodeIps {
                    addresses,
                    enis,
                    explain: format!(
                        "{}: max({pods} pods + WARM_IP_TARGET {}, MINIMUM_IP_TARGET {}) = {secondaries} secondary addresses + {enis} ENI primary addresses = {addresses}",
                        i.name,
                        w.unwrap_or(0),
                        m.unwrap_or(0)
                    ),
                }
            }
        },
    }
}

/// Addresses a job held at once: `parallelism` pods, each holding its address for the run time
/// plus the CNI's cooldown, started every `period_seconds`.
pub fn churn_ips(parallelism: u32, run_seconds: u64, period_seconds: u64) -> u64 {
    let held = run_seconds + IP_COOLDOWN_SECONDS;
    parallelism as u64 * held.div_ceil(period_seconds.max(1))
}
