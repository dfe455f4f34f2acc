//! # single-az
//! All of a cluster's node capacity (node groups and Fargate profiles together) sits in one
//! availability zone, so one AZ outage stops every workload. One node group per AZ is fine.

use crate::helpers::fargate_profile_azs;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    id: "single-az",
    category: Category::Network,
    severity: Severity::High,
    summary: "All of a cluster's node capacity sits in one availability zone",
    why: "An AZ outage, or an AZ running out of an instance type, stops every workload at once.",
    fix: "Spread node groups (or their subnets) over at least two, better three, availability zones; for stateful workloads with cluster-autoscaler use one node group per AZ.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "Any node group's or Fargate profile's zones are unknown (eksctl picks the cluster's zones itself when none are given), or Karpenter provides capacity.",
    references: &["https://docs.aws.amazon.com/eks/latest/best-practices/reliability.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    'cluster: for c in &ctx.inv.clusters {
        // Capacity in other zones may come from what the scan cannot see.
        if let Some(o) = ctx
            .inv
            .completeness
            .unseen_part(&c.id, crate::helpers::CAPACITY_TYPES)
        {
            sink.unknown(
                &META,
                &o.at,
                format!(
                    "zones of cluster `{}` not decided: {}, which may add capacity in other zones",
                    c.id, o.what
                ),
            );
            continue;
        }
        let mut zones = BTreeSet::new();
        let mut names = Vec::new();
        for ng in ctx.inv.node_groups_of(&c.id) {
            let what = || format!("zones of {}", ng.describe());
            match sink.need(&META, &ng.azs, what) {
                Some(z) if !z.is_empty() => zones.extend(z.iter().cloned()),
                Some(_) => {
                    sink.unknown(
                        &META,
                        ng.azs.at(),
                        format!("zones of {} not known: none are named, so they are chosen when the nodes launch", ng.describe()),
                    );
                    continue 'cluster;
                }
                None => continue 'cluster,
            }
            names.push(ng.describe());
        }
        for fp in ctx.inv.fargate_profiles_of(&c.id) {
            match fargate_profile_azs(ctx.inv, fp) {
                Some(z) => zones.extend(z),
                None => {
                    sink.unknown(
                        &META,
                        fp.subnets.at(),
                        format!("zones of Fargate profile `{}` not known: its subnets or their AZs are not in the scanned files", fp.name),
                    );
                    continue 'cluster;
                }
            }
            names.push(format!("Fargate profile `{}`", fp.name));
        }
        if zones.len() == 1 && !names.is_empty() {
            let zone = zones.iter().next().expect("one zone");
            sink.finding(
                &META,
                &c.at,
                format!("cluster {}", c.id),
                format!(
                    "all node capacity of cluster `{}` ({}) is in one availability zone, {zone}",
                    c.id,
                    names.join(", ")
                ),
            );
        }
    }
}
