//! `eksdoctor plan subnets`: IP demand per AZ against subnet capacity, with every assumption.

use crate::args::{CniModeArg, Format, PlanSubnetsArgs};
use anyhow::{anyhow, bail, Result};
use eksdoctor_calc::ipdemand::CniMode;
use eksdoctor_calc::subnets::{plan, NodeGroupDemand, PlanInput};
use eksdoctor_config::Settings;
use ipnet::Ipv4Net;
use std::io::Write;

/// A plan for each cluster of a scan whose IP demand is known (for the HTML report), without
/// headroom.
pub fn plans(
    inv: &eksdoctor_inventory::Inventory,
    settings: &Settings,
) -> Vec<(String, eksdoctor_calc::subnets::SubnetPlan)> {
    let ctx = eksdoctor_rules::Ctx { inv, settings };
    let fargate = eksdoctor_rules::ipmodel::fargate_pods(&ctx);
    let mut out = Vec::new();
    for c in &inv.clusters {
        let Ok(mut input) = eksdoctor_rules::ipmodel::plan_input(&ctx, c, &fargate) else {
            continue;
        };
        input.headroom_pct = 0;
        if input.azs.is_empty() {
            continue;
        }
        if let Ok(p) = plan(&input) {
            let name = c
                .name
                .known()
                .cloned()
                .unwrap_or_else(|| c.id.name().to_string());
            out.push((name, p));
        }
    }
    out
}

pub fn run(a: PlanSubnetsArgs) -> Result<u8> {
    let settings = super::settings(&a.input, &a.dates, None)?;
    let mut input = if a.input.paths.is_empty() && a.cluster.is_none() {
        PlanInput {
            headroom_pct: settings.headroom_pct,
            job_seconds: settings.job_seconds,
            ..PlanInput::new()
        }
    } else {
        from_inventory(&a, &settings)?
    };
    if let Some(h) = a.headroom {
        input.headroom_pct = h;
    }
    if let Some(j) = a.job_seconds {
        input.job_seconds = j;
    }
    input.job_runs_per_minute = input.job_runs_per_minute.max(a.cronjobs);
    input.load_balancers = a.load_balancers;
    input.interface_endpoints = a.interface_endpoints;
    input.public_prefix = a.public_prefix;
    if let Some(azs) = &a.azs {
        input.azs = match azs.parse::<usize>() {
            Ok(n) if (1..=10).contains(&n) => (0..n)
                .map(|i| format!("az-{}", (b'a' + i as u8) as char))
                .collect(),
            Ok(_) => bail!("--azs: give 1 to 10 AZs"),
            Err(_) => azs
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        };
        // Flag-given node groups spread over every AZ; scanned ones keep their AZs if they match.
        for ng in input.node_groups.iter_mut() {
            ng.azs.retain(|z| input.azs.contains(z));
            if ng.azs.is_empty() {
                ng.azs = input.azs.clone();
            }
        }
    }
    for spec in &a.node_groups {
        let (t, max) = spec
            .split_once(':')
            .ok_or_else(|| anyhow!("--node-group `{spec}`: expected TYPE:MAX, e.g. m5.large:30"))?;
        let max: u32 = max
            .parse()
            .map_err(|_| anyhow!("--node-group `{spec}`: MAX must be a number"))?;
        if eksdoctor_knowledge::instance(t).is_none() {
            let s = eksdoctor_knowledge::suggest_instances(t, 3);
            bail!(
                "--node-group `{spec}`: unknown instance type `{t}`{}",
                if s.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", s.join(", "))
                }
            );
        }
        input.node_groups.push(NodeGroupDemand {
            name: format!("{t}:{max}"),
            instance_type: t.to_string(),
            max_size: max,
            azs: input.azs.clone(),
            pods_per_node: None,
            instance: None,
        });
    }
    if let Some(p) = a.pods_per_node {
        for ng in input.node_groups.iter_mut() {
            ng.pods_per_node = Some(p);
        }
    }
    if let Some(m) = a.cni_mode {
        input.cni.mode = match m {
            CniModeArg::SecondaryIp => CniMode::SecondaryIp,
            CniModeArg::Prefix => CniMode::Prefix,
            CniModeArg::CustomNetworking => CniMode::CustomNetworking,
            CniModeArg::Ipv6 => CniMode::Ipv6,
        };
    }
    if let Some(v) = a.warm_eni_target {
        input.cni.warm_eni_target = v;
    }
    if a.warm_ip_target.is_some() {
        input.cni.warm_ip_target = a.warm_ip_target;
    }
    if a.minimum_ip_target.is_some() {
        input.cni.minimum_ip_target = a.minimum_ip_target;
    }
    if let Some(n) = a.fargate_pods {
        // Replaces what the scanned manifests run on Fargate.
        input.fargate_pods = n;
        input.fargate_by_az.clear();
    }
    if let Some(c) = &a.vpc_cidr {
        input.vpc_cidr = Some(
            c.parse::<Ipv4Net>()
                .map_err(|_| anyhow!("--vpc-cidr `{c}` is not an IPv4 CIDR"))?
                .trunc(),
        );
    }
    if input.azs.is_empty() {
        bail!("no availability zones: give --azs N or the paths of a cluster whose subnets name their AZs");
    }
    if input.node_groups.is_empty() && input.fargate_pods == 0 && input.fargate_by_az.is_empty() {
        bail!("nothing to plan: give --node-group TYPE:MAX (or --fargate-pods N), or the paths of a cluster");
    }
    let p = plan(&input).map_err(|e| anyhow!(e))?;
    let text = match a.format {
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({ "input": input, "plan": p }))? + "\n"
        }
        // Names from the input (clusters, AZs, node groups) cannot rewrite the terminal.
        _ => super::clean_lines(&eksdoctor_report::calc::plan_subnets(&input, &p)),
    };
    let mut o = anstream::stdout();
    o.write_all(text.as_bytes())?;
    Ok(0)
}

/// The plan input of the one cluster scanned, from the IP model the rules use.
fn from_inventory(a: &PlanSubnetsArgs, settings: &Settings) -> Result<PlanInput> {
    let inv = match &a.cluster {
        Some(name) => super::cluster::read(std::slice::from_ref(name), &a.live)?,
        None => super::load_strict(&a.input, settings)?,
    };
    let c = match inv.clusters.as_slice() {
        [c] => c,
        [] => bail!("no cluster in the scanned paths"),
        _ => bail!("several clusters in the scanned paths: scan one"),
    };
    let ctx = eksdoctor_rules::Ctx {
        inv: &inv,
        settings,
    };
    let fargate = eksdoctor_rules::ipmodel::fargate_pods(&ctx);
    eksdoctor_rules::ipmodel::plan_input(&ctx, c, &fargate).map_err(|u| {
        anyhow!(
            "{}: {}; give the node groups with --node-group TYPE:MAX (and --azs)",
            u.at,
            eksdoctor_inventory::strip_namespaces(&u.reason)
        )
    })
}
