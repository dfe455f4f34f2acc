//! `eksdoctor upgrade`: the path from one EKS version to another, step by step.

use crate::args::{Format, UpgradeArgs};
use anyhow::{anyhow, bail, Result};
use eksdoctor_calc::versions::{upgrade_plan, ApiUse, NodeGroupInfo};
use eksdoctor_inventory::AmiFamily;
use eksdoctor_knowledge::{removed_apis, KubeVersion, SupportStatus};
use std::io::Write;

pub fn run(a: UpgradeArgs) -> Result<u8> {
    let settings = super::settings(&a.input, &a.dates, None)?;
    let as_of = settings.as_of;
    let cal = &settings.calendar;
    let inv = if a.input.paths.is_empty() {
        None
    } else {
        Some(super::load_strict(&a.input, &settings)?)
    };
    let from: KubeVersion = match (&a.from, &inv) {
        (Some(v), _) => v.parse().map_err(|e: String| anyhow!("--from: {e}"))?,
        (None, Some(inv)) => match inv.clusters.as_slice() {
            [c] => c
                .version
                .known()
                .ok_or_else(|| anyhow!("the scanned cluster's version is not known: give --from"))?
                .parse()
                .map_err(|e: String| anyhow!("cluster version: {e}"))?,
            [] => bail!("no cluster in the scanned paths: give --from"),
            _ => bail!("several clusters in the scanned paths: give --from"),
        },
        (None, None) => bail!("give --from X.Y or the paths of a cluster"),
    };
    let to: KubeVersion = match &a.to {
        Some(v) => v.parse().map_err(|e: String| anyhow!("--to: {e}"))?,
        None => cal
            .versions
            .iter()
            .rev()
            .find(|v| v.status(as_of) != SupportStatus::NotYetReleased)
            .map(|v| v.version)
            .ok_or_else(|| anyhow!("no released version in the calendar"))?,
    };
    // Already on the newest released version (no --to): nothing to plan, not an error.
    if a.to.is_none() && from == to {
        println!("{from} is the newest EKS version released as of {as_of}: nothing to upgrade to");
        return Ok(0);
    }
    // Removed APIs among the scanned manifests, and the node groups' AMIs.
    let mut apis = Vec::new();
    let mut node_groups = Vec::new();
    if let Some(inv) = &inv {
        for o in &inv.k8s.objects {
            if let Some(r) = removed_apis()
                .iter()
                .find(|r| !r.planned && r.group_version == o.api_version && r.kind == o.kind)
            {
                apis.push((
                    ApiUse {
                        api_version: o.api_version.clone(),
                        kind: o.kind.clone(),
                        name: o.name.clone(),
                        location: format!("{}:{}", o.at.file, o.at.line),
                    },
                    r.removed_in,
                    r.replacement.clone(),
                ));
            }
        }
        for ng in &inv.node_groups {
            node_groups.push(NodeGroupInfo {
                name: ng.name.clone(),
                al2: ng.ami_family.known() == Some(&AmiFamily::AmazonLinux2),
            });
        }
    }
    let plan = upgrade_plan(cal, from, to, as_of, &apis, &node_groups).map_err(|e| anyhow!(e))?;
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&plan)? + "\n",
        _ => {
            let md = a.format == Format::Markdown;
            let h = |s: &str| {
                if md {
                    format!("## {s}\n\n")
                } else {
                    format!("{s}\n")
                }
            };
            let li = |s: &str| {
                if md {
                    format!("- {s}\n")
                } else {
                    format!("  - {s}\n")
                }
            };
            let mut out = String::new();
            out.push_str(&if md {
                format!("# EKS upgrade {} → {}\n\nPlanned on {as_of}: {} step(s), one minor version at a time.\n\n", plan.from, plan.to, plan.steps.len())
            } else {
                format!("EKS upgrade {} -> {} (as of {as_of}): {} step(s), one minor version at a time\n\n", plan.from, plan.to, plan.steps.len())
            });
            for (i, s) in plan.steps.iter().enumerate() {
                out.push_str(&h(&format!("Step {}: {} → {}", i + 1, s.from, s.to)));
                match (s.deadline, s.days_left) {
                    (Some(d), Some(days)) if s.overdue => out.push_str(&li(&format!(
                        "deadline: {} left standard support on {d} ({} ago); extended support costs USD {} per cluster per year until this step is done",
                        s.from,
                        eksdoctor_knowledge::days(-days),
                        eksdoctor_knowledge::thousands(
                            eksdoctor_knowledge::extended_support_extra_usd_per_year()
                        )
                    ))),
                    (Some(d), Some(days)) => out.push_str(&li(&format!(
                        "deadline: before {d} ({} left), when standard support for {} ends",
                        eksdoctor_knowledge::days(days),
                        s.from
                    ))),
                    _ => out.push_str(&li(&format!("deadline: {} is not in the calendar", s.from))),
                }
                out.push_str(&li(&format!("1. control plane: upgrade to {}", s.to)));
                for (addon, v) in &s.addons {
                    out.push_str(&li(&format!("2. add-on {addon}: {v}")));
                }
                for n in &s.nodes {
                    out.push_str(&li(&format!("3. nodes: {n}")));
                }
                if s.blockers.is_empty() {
                    out.push_str(&li("blockers: none found in the scanned files"));
                } else {
                    for b in &s.blockers {
                        out.push_str(&li(&format!("BLOCKER: {} — {}", b.what, b.fix)));
                    }
                }
                out.push('\n');
            }
            out
        }
    };
    let mut o = anstream::stdout();
    o.write_all(text.as_bytes())?;
    Ok(0)
}
