//! # public-subnet-no-public-ip
//! Nodes launch into public subnets (default route to an internet gateway) whose
//! `MapPublicIpOnLaunch` is off: they get no public address, so no way out, and never join.

use crate::helpers::{default_note, node_group_subnets};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::NodeGroupKind;
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    id: "public-subnet-no-public-ip",
    category: Category::Network,
    severity: Severity::High,
    summary: "Nodes in public subnets that assign no public IP",
    why: "A node in a subnet whose only way out is an internet gateway needs a public IPv4 address to reach the EKS API, ECR and STS; without one it never becomes Ready.",
    fix: "Set `map_public_ip_on_launch = true` on public node subnets, or move the nodes to private subnets with a NAT gateway or VPC endpoints.",
    sources: &["tf", "plan", "live"],
    silent_when: "The subnet's route table or its MapPublicIpOnLaunch is not in the scanned code.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html", "https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let mut seen = BTreeSet::new();
    for ng in ctx
        .inv
        .node_groups
        .iter()
        .filter(|n| n.kind != NodeGroupKind::Karpenter)
    {
        let Some(subnets) = node_group_subnets(ctx.inv, ng) else {
            crate::helpers::unknown_subnets(ctx, ng, &META, sink);
            continue;
        };
        for s in subnets {
            if !seen.insert(s.name.clone()) {
                continue;
            }
            let public = sink.need(&META, &s.public, || {
                format!("whether subnet `{}` is public", s.name)
            });
            if public != Some(&true) {
                continue;
            }
            let assigns = sink.need(&META, &s.map_public_ip, || {
                format!("MapPublicIpOnLaunch of subnet `{}`", s.name)
            });
            if assigns == Some(&false) {
                sink.finding(
                    &META,
                    s.map_public_ip.at(),
                    format!("subnet {}", s.name),
                    format!(
                        "{} launches into public subnet `{}`, which routes to an internet gateway but does not assign public IPs{}: its nodes cannot reach the cluster and will not join",
                        ng.describe(),
                        s.name,
                        default_note(&s.map_public_ip)
                    ),
                );
            }
        }
    }
}
