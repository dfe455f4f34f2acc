//! # max-pods-over-eni-limit
//! A node group's max pods (eksctl `maxPodsPerNode`, kubelet `--max-pods`) exceeds what its
//! instance type's ENIs can address. Pods beyond the limit are scheduled to the node but never get
//! an IP address and hang in ContainerCreating.
//!
//! Limit: ENIs × (IPv4 per ENI − 1) + 2; with prefix delegation on a Nitro (or bare-metal) type
//! ENIs × (IPv4 per ENI − 1) × 16 + 2; custom networking leaves the primary ENI out. Data: the VPC
//! CNI's ENI table (embedded). AWS's 110/250 recommendation is not a limit and is not used here.

use crate::helpers::cni_settings;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_knowledge::Hypervisor;

pub static META: RuleMeta = RuleMeta {
    id: "max-pods-over-eni-limit",
    category: Category::Network,
    severity: Severity::High,
    summary: "A node group's max pods exceeds what its instance type's ENIs can address",
    why: "The scheduler places up to max-pods pods on a node, but the VPC CNI can only give out as many addresses as the ENIs hold; the rest stay in ContainerCreating with 'failed to assign an IP address'.",
    fix: "Lower max pods to the ENI limit (see `eksdoctor max-pods`), enable prefix delegation on Nitro instances, or use a larger instance type.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "No explicit max pods, an unknown instance type, or unknown VPC CNI settings, or an IPv6 cluster (or one whose IP family is not known).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html", "https://github.com/aws/amazon-vpc-cni-k8s/blob/master/misc/eni-max-pods.txt"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for ng in &ctx.inv.node_groups {
        let Some(Some(max_pods)) = ng.max_pods.known() else {
            continue;
        };
        let Some(types) = sink.need(&META, &ng.instance_types, || {
            format!("instance types of {}", ng.describe())
        }) else {
            continue;
        };
        let Some(c) = ctx.inv.clusters.iter().find(|c| c.id == ng.cluster) else {
            continue;
        };
        // IPv6 pods get addresses from an IPv6 prefix per ENI: the IPv4 slots do not limit them.
        let family = sink.need(&META, &c.ip_family, || {
            format!("IP family of cluster `{}`", c.id)
        });
        if family.map(String::as_str) != Some("ipv4") {
            continue;
        }
        let cni = cni_settings(ctx, c);
        let pd = sink.need(&META, &cni.prefix_delegation, || {
            "the VPC CNI's ENABLE_PREFIX_DELEGATION".to_string()
        });
        let custom = sink.need(&META, &cni.custom_networking, || {
            "the VPC CNI's custom networking".to_string()
        });
        let (Some(&pd), Some(&custom)) = (pd, custom) else {
            continue;
        };
        for t in types {
            let Some(i) = ctx.instance(t) else {
                sink.unknown(
                    &META,
                    ng.instance_types.at(),
                    format!(
                        "instance type `{t}` of {} is not in the ENI table",
                        ng.describe()
                    ),
                );
                continue;
            };
            let enis = i.max_enis.saturating_sub(u32::from(custom));
            let per = i.ipv4_per_eni - 1;
            let prefix = pd && (i.hypervisor == Hypervisor::Nitro || i.bare_metal);
            let limit = if prefix {
                enis * per * 16 + 2
            } else {
                enis * per + 2
            };
            if *max_pods > limit {
                let arith = if prefix {
                    format!(
                        "{enis} ENIs × ({} − 1) × 16 addresses per /28 prefix + 2",
                        i.ipv4_per_eni
                    )
                } else {
                    format!("{enis} ENIs × ({} − 1) IPv4 addresses + 2", i.ipv4_per_eni)
                };
                let mode = match (prefix, custom) {
                    (true, true) => " with prefix delegation and custom networking",
                    (true, false) => " with prefix delegation",
                    (false, true) => " with custom networking",
                    (false, false) => "",
                };
                sink.finding(
                    &META,
                    ng.max_pods.at(),
                    format!("nodegroup {}", ng.name),
                    format!(
                        "{} sets max pods to {max_pods}, but {t} can address at most {limit} pods{mode} ({arith})",
                        ng.describe()
                    ),
                );
            }
        }
    }
}
