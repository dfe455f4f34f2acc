//! Max pods per instance type, computed exactly as AWS's `max-pods-calculator.sh` does
//! (amazon-eks-ami, last version 2025-08-14; the algorithm is described in
//! `shared/data/max-pods-notes.md`):
//!
//! 1. ENIs of the default network card, lowered to `--cni-max-eni` when given;
//! 2. one ENI less with custom networking;
//! 3. prefix delegation only on `nitro` hypervisors, with the flag, and CNI 1.9.0 or newer:
//!    `ENIs × (IPs per ENI − 1) × 16 + 2`; otherwise `ENIs × (IPs per ENI − 1) + 2`;
//! 4. unless `--show-max-allowed`, capped at 110 (30 vCPUs or fewer) or 250 (more).

use eksdoctor_knowledge::{Hypervisor, Instance};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// (major, minor) of `--cni-version`.
    pub cni_version: (u32, u32),
    pub custom_networking: bool,
    pub prefix_delegation: bool,
    pub max_eni: Option<u32>,
    pub show_max_allowed: bool,
}

/// Parse `--cni-version` like the script: major and minor, patch ignored (`v1.11.2`, `1.9.0-eksbuild.1`).
pub fn parse_cni_version(s: &str) -> Result<(u32, u32), String> {
    s.parse::<eksdoctor_knowledge::KubeVersion>()
        .map(|v| (v.major, v.minor))
        .map_err(|_| format!("--cni-version `{s}` is not a version like 1.20.1"))
}

#[derive(Debug, Clone, Serialize)]
pub struct MaxPods {
    pub instance_type: String,
    /// The answer the script prints with these options.
    pub max_pods: u32,
    /// Before the 110/250 cap.
    pub uncapped: u32,
    pub enis: u32,
    pub ipv4_per_eni: u32,
    pub prefix_delegation_applied: bool,
    pub vcpus: Option<u32>,
    /// The cap applied (110 or 250), when it lowered the value.
    pub cap: Option<u32>,
    /// The arithmetic, in words.
    pub explanation: String,
}

pub fn compute(i: &Instance, o: &Options) -> Result<MaxPods, String> {
    let mut enis = match o.max_eni {
        Some(n) => n.min(i.max_enis),
        None => i.max_enis,
    };
    let mut steps = vec![format!(
        "{}: {} ENIs on the default network card, {} IPv4 addresses per ENI, hypervisor {}",
        i.name,
        i.max_enis,
        i.ipv4_per_eni,
        match i.hypervisor {
            Hypervisor::Nitro => "nitro",
            Hypervisor::Xen => "xen",
            Hypervisor::Unknown => "not reported",
        }
    )];
    if let Some(n) = o.max_eni {
        steps.push(format!(
            "--cni-max-eni {n}: min({n}, {}) = {enis} ENIs",
            i.max_enis
        ));
    }
    if o.custom_networking {
        enis = enis.saturating_sub(1);
        steps.push(format!(
            "custom networking: the primary ENI is not used for pods, {enis} ENIs"
        ));
    }
    let (major, minor) = o.cni_version;
    let pd_supported = major > 1 || (major == 1 && minor > 8);
    let pd = o.prefix_delegation && pd_supported && i.hypervisor == Hypervisor::Nitro;
    if o.prefix_delegation && !pd {
        steps.push(if !pd_supported {
            format!("prefix delegation ignored: CNI {major}.{minor} is older than 1.9")
        } else {
            "prefix delegation ignored: the calculator applies it only to nitro instances"
                .to_string()
        });
    }
    let per = i.ipv4_per_eni.saturating_sub(1);
    let uncapped = if pd {
        steps.push(format!(
            "{enis} × ({} − 1) × 16 + 2 = {}",
            i.ipv4_per_eni,
            enis * per * 16 + 2
        ));
        enis * per * 16 + 2
    } else {
        steps.push(format!(
            "{enis} × ({} − 1) + 2 = {}",
            i.ipv4_per_eni,
            enis * per + 2
        ));
        enis * per + 2
    };
    let (max_pods, cap) = if o.show_max_allowed {
        steps.push("--show-max-allowed: no cap".to_string());
        (uncapped, None)
    } else {
        match i.vcpus {
            Some(v) => {
                let limit = if v > 30 { 250 } else { 110 };
                steps.push(format!(
                    "{v} vCPUs {} 30: recommended cap {limit}, min({uncapped}, {limit}) = {}",
                    if v > 30 { ">" } else { "≤" },
                    uncapped.min(limit)
                ));
                (uncapped.min(limit), (uncapped > limit).then_some(limit))
            }
            None if uncapped <= 110 => {
                steps.push("vCPU count unknown, but the value is under both caps".to_string());
                (uncapped, None)
            }
            None => {
                return Err(format!(
                    "the vCPU count of {} is not in the data, so the 110/250 cap cannot be chosen; use --show-max-allowed ({uncapped})",
                    i.name
                ))
            }
        }
    };
    Ok(MaxPods {
        instance_type: i.name.clone(),
        max_pods,
        uncapped,
        enis,
        ipv4_per_eni: i.ipv4_per_eni,
        prefix_delegation_applied: pd,
        vcpus: i.vcpus,
        cap,
        explanation: steps.join("\n"),
    })
}
