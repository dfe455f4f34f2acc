use crate::rows;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const ENI_LIMITS: &str = include_str!("../data/instance-eni-limits.csv");
const VCPUS: &str = include_str!("../data/instance-vcpus.csv");
const MAX_PODS: &str = include_str!("../data/max-pods.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Hypervisor {
    Nitro,
    Xen,
    /// EC2 reports none (bare metal and a few legacy types).
    Unknown,
}

/// One EC2 instance type's networking facts.
#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    pub name: String,
    /// ENIs on the default network card.
    pub max_enis: u32,
    pub ipv4_per_eni: u32,
    pub hypervisor: Hypervisor,
    pub bare_metal: bool,
    pub network_cards: u32,
    /// `VCpuInfo.DefaultVCpus`; missing for a handful of types.
    pub vcpus: Option<u32>,
    /// The uncapped max pods listed by the VPC CNI's `eni-max-pods.txt`.
    pub listed_max_pods: Option<u32>,
}

fn table() -> &'static BTreeMap<String, Instance> {
    static TABLE: OnceLock<BTreeMap<String, Instance>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let vcpus: BTreeMap<String, u32> = rows(VCPUS)
            .iter()
            .filter_map(|r| Some((r[0].to_string(), r[1].parse().ok()?)))
            .collect();
        let max_pods: BTreeMap<String, u32> = rows(MAX_PODS)
            .iter()
            .filter_map(|r| Some((r[0].to_string(), r[1].parse().ok()?)))
            .collect();
        rows(ENI_LIMITS)
            .iter()
            .map(|r| {
                let name = r[0].to_string();
                let inst = Instance {
                    max_enis: r[1].parse().expect("max_enis"),
                    ipv4_per_eni: r[2].parse().expect("ipv4_per_eni"),
                    hypervisor: match &r[3] {
                        "nitro" => Hypervisor::Nitro,
                        "xen" => Hypervisor::Xen,
                        _ => Hypervisor::Unknown,
                    },
                    bare_metal: &r[4] == "true",
                    network_cards: r[5].parse().unwrap_or(1),
                    vcpus: vcpus.get(&name).copied(),
                    listed_max_pods: max_pods.get(&name).copied(),
                    name: name.clone(),
                };
                (name, inst)
            })
            .collect()
    })
}

/// Look up an instance type by its exact name (`m5.large`).
pub fn instance(name: &str) -> Option<&'static Instance> {
    table().get(name)
}

/// All instance types, sorted by name.
pub fn instances() -> impl Iterator<Item = &'static Instance> {
    table().values()
}

pub fn instance_names() -> impl Iterator<Item = &'static str> {
    table().keys().map(String::as_str)
}

/// Up to `n` known names closest to `name` (for "did you mean").
pub fn suggest_instances(name: &str, n: usize) -> Vec<&'static str> {
    let lower = name.to_ascii_lowercase();
    let mut scored: Vec<(f64, &'static str)> = instance_names()
        .map(|k| {
            let mut s = strsim::jaro_winkler(&lower, k);
            // Same family prefix ("m5." for "m5.larg") ranks first.
            if let Some((fam, _)) = lower.split_once('.') {
                if k.starts_with(&format!("{fam}.")) {
                    s += 0.1;
                }
            }
            (s, k)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, k)| k).collect()
}
