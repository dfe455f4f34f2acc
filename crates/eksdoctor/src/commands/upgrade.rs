//! `eksdoctor upgrade`: the path from one EKS version to another, step by step.

use crate::args::{Format, UpgradeArgs};
use anyhow::{anyhow, bail, Result};
use eksdoctor_calc::versions::{upgrade_plan, ApiUse, NodeGroupInfo};
use eksdoctor_inventory::AmiFamily;
use eksdoctor_knowledge::{removal, KubeVersion, SupportStatus};
use std::io::Write;

pub fn run(a: UpgradeArgs) -> Result<u8> {
    let settings = super::settings(&a.input, &a.dates, None)?;
    let as_of = settings.as_of;
    let cal = &settings.calendar;
    let inv = match (&a.cluster, a.input.paths.is_empty()) {
        (Some(name), _) => Some(super::cluster::read(std::slice::from_ref(name), &a.live)?),
        (None, true) => None,
        (None, false) => Some(super::load_strict(&a.input, &settings)?),
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
            // What the object is written in, and (read from a cluster) what its clients last
            // wrote it with.
            let here = format!("{}:{}", o.at.file, o.at.line);
            let used = std::iter::once((o.api_version.as_str(), here.clone())).chain(
                o.applied_with
                    .iter()
                    .map(|a| (a.api_version.as_str(), format!("{here} ({})", a.record))),
            );
            for (api_version, location) in used {
                if let Some(r) = removal(api_version, &o.kind) {
                    let api = ApiUse {
                        api_version: api_version.to_string(),
                        kind: o.kind.clone(),
                        name: o.name.clone(),
                        location,
                    };
                    apis.push((api, r.removed_in, r.replacement.clone()));
                }
            }
        }
        for ng in &inv.node_groups {
            node_groups.push(NodeGroupInfo {
                name: ng.name.clone(),
                al2: ng.ami_family.known() == Some(&AmiFamily::AmazonLinux2),
            });
        }
    }
    let mut plan =
        upgrade_plan(cal, from, to, as_of, &apis, &node_groups).map_err(|e| anyhow!(e))?;
    // The scanned cluster's upgrade policy decides what the end of standard support means.
    if let Some([c]) = inv.as_ref().map(|i| i.clusters.as_slice()) {
        plan.support_type = c.support_type.known().cloned();
    }
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&plan)? + "\n",
        _ => super::clean_lines(&eksdoctor_report::calc::upgrade(
            &plan,
            as_of,
            a.format == Format::Markdown,
        )),
    };
    let mut o = anstream::stdout();
    o.write_all(text.as_bytes())?;
    Ok(0)
}
