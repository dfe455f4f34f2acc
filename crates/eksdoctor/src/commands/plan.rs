//! `eksdoctor plan subnets`: IP demand per AZ against subnet capacity, with every assumption.

use crate::args::{CniModeArg, Format, PlanSubnetsArgs};
use anyhow::{anyhow, bail, Result};
use eksdoctor_calc::ipdemand::{usable, Cni, CniMode};
use eksdoctor_calc::subnets::{plan, NodeGroupDemand, PlanInput};
use eksdoctor_config::Settings;
use ipnet::{IpNet, Ipv4Net};
use std::collections::BTreeMap;
use std::io::Write;

/// A plan for each cluster of a scan whose node groups are all known (for the HTML report).
pub fn plans(
    inv: &eksdoctor_inventory::Inventory,
    settings: &Settings,
) -> Vec<(String, eksdoctor_calc::subnets::SubnetPlan)> {
    let mut out = Vec::new();
    for c in &inv.clusters {
        let mut input = PlanInput {
            azs: Vec::new(),
            node_groups: Vec::new(),
            cni: Cni::default(),
            job_runs_per_minute: 0.0,
            job_seconds: 60,
            fargate_pods: 0,
            load_balancers: 0,
            interface_endpoints: 0,
            headroom_pct: 0,
            vpc_cidr: None,
            existing: BTreeMap::new(),
            public_prefix: 24,
        };
        if cluster_input(inv, settings, c, &mut input).is_err() || input.azs.is_empty() {
            continue;
        }
        if let Ok(p) = plan(&input) {
            let name = c
                .name
                .known()
                .cloned()
                .unwrap_or_else(|| eksdoctor_inventory::strip_namespaces(&c.id));
            out.push((name, p));
        }
    }
    out
}

pub fn run(a: PlanSubnetsArgs) -> Result<u8> {
    let settings = super::settings(&a.input, &a.dates, None)?;
    let headroom = a.headroom.unwrap_or(settings.headroom_pct);
    let job_seconds = a.job_seconds.unwrap_or(settings.job_seconds);
    let mut input = PlanInput {
        azs: Vec::new(),
        node_groups: Vec::new(),
        cni: Cni::default(),
        job_runs_per_minute: a.cronjobs,
        job_seconds,
        fargate_pods: 0,
        load_balancers: a.load_balancers,
        interface_endpoints: a.interface_endpoints,
        headroom_pct: headroom,
        vpc_cidr: None,
        existing: BTreeMap::new(),
        public_prefix: a.public_prefix,
    };
    if !a.input.paths.is_empty() {
        from_inventory(&a, &settings, &mut input)?;
    }
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
        input.fargate_pods = n;
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
    if input.node_groups.is_empty() && input.fargate_pods == 0 {
        bail!("nothing to plan: give --node-group TYPE:MAX (or --fargate-pods N), or the paths of a cluster");
    }
    let p = plan(&input).map_err(|e| anyhow!(e))?;
    let text = match a.format {
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({ "input": input, "plan": p }))? + "\n"
        }
        _ => {
            let mut out = String::new();
            for az in &p.azs {
                out.push_str(&format!("{}\n", az.az));
                for t in &az.terms {
                    out.push_str(&format!("  {:>7}  {}: {}\n", t.addresses, t.what, t.how));
                }
                out.push_str(&format!("  {:>7}  projected peak\n", az.demand));
                out.push_str(&format!(
                    "  {:>7}  with {}% headroom\n",
                    az.with_headroom, input.headroom_pct
                ));
                if let Some(u) = az.existing_usable {
                    out.push_str(&format!(
                        "  {:>7}  usable in the existing subnets ({:.0}% used at peak){}\n",
                        u,
                        az.utilisation_pct.unwrap_or(0.0),
                        if az.demand > u { "  ← TOO SMALL" } else { "" }
                    ));
                }
                match az.prefix {
                    Some(pl) => out.push_str(&format!(
                        "  smallest subnet that fits: /{pl} ({} usable)\n\n",
                        usable(pl)
                    )),
                    None => out.push_str("  no single subnet up to a /16 fits this demand\n\n"),
                }
            }
            out.push_str("assumptions:\n");
            for s in &p.assumptions {
                out.push_str(&format!("  - {s}\n"));
            }
            if let Some(l) = &p.layout {
                out.push_str(&format!(
                    "\nlayout in {}:\n",
                    input.vpc_cidr.map(|c| c.to_string()).unwrap_or_default()
                ));
                for (az, private, public) in l {
                    out.push_str(&format!("  {az}: private {private}, public {public}\n"));
                }
                let q = |v: Vec<String>| {
                    v.iter()
                        .map(|s| format!("\"{s}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                out.push_str(&format!(
                    "\nTerraform (terraform-aws-modules/vpc):\n  azs             = [{}]\n  private_subnets = [{}]\n  public_subnets  = [{}]\n",
                    q(l.iter().map(|x| x.0.clone()).collect()),
                    q(l.iter().map(|x| x.1.to_string()).collect()),
                    q(l.iter().map(|x| x.2.to_string()).collect())
                ));
                out.push_str("\neksctl:\n  vpc:\n    cidr: ");
                out.push_str(&input.vpc_cidr.map(|c| c.to_string()).unwrap_or_default());
                out.push_str("\n    subnets:\n      private:\n");
                for (az, private, _) in l {
                    out.push_str(&format!("        {az}: {{ cidr: {private} }}\n"));
                }
                out.push_str("      public:\n");
                for (az, _, public) in l {
                    out.push_str(&format!("        {az}: {{ cidr: {public} }}\n"));
                }
            }
            if let Some(e) = &p.layout_error {
                out.push_str(&format!("\nno layout: {e}\n"));
            }
            out
        }
    };
    let mut o = anstream::stdout();
    o.write_all(text.as_bytes())?;
    Ok(0)
}

/// Node groups, AZs, VPC CIDR, existing node subnets and CNI settings of the one cluster scanned.
fn from_inventory(a: &PlanSubnetsArgs, settings: &Settings, input: &mut PlanInput) -> Result<()> {
    let inv = super::load_strict(&a.input, settings)?;
    let c = match inv.clusters.as_slice() {
        [c] => c,
        [] => bail!("no cluster in the scanned paths"),
        _ => bail!("several clusters in the scanned paths: scan one"),
    };
    cluster_input(&inv, settings, c, input)
}

/// What the inventory says about one cluster's IP demand: node groups, AZs, VPC CIDR, existing
/// node subnets, CNI settings, CronJob runs and Fargate pods of its manifests.
pub fn cluster_input(
    inv: &eksdoctor_inventory::Inventory,
    settings: &Settings,
    c: &eksdoctor_inventory::Cluster,
    input: &mut PlanInput,
) -> Result<()> {
    let s = &c.cni;
    if c.ip_family.known().map(String::as_str) == Some("ipv6") {
        input.cni.mode = CniMode::Ipv6;
    } else if s.custom_networking.known() == Some(&true) {
        input.cni.mode = CniMode::CustomNetworking;
    } else if s.prefix_delegation.known() == Some(&true) {
        input.cni.mode = CniMode::Prefix;
    }
    if let Some(Some(v)) = s.warm_eni_target.known() {
        input.cni.warm_eni_target = *v;
    }
    input.cni.warm_ip_target = s.warm_ip_target.known().copied().flatten();
    input.cni.minimum_ip_target = s.minimum_ip_target.known().copied().flatten();
    let mut azs: Vec<String> = Vec::new();
    for ng in inv.node_groups_of(&c.id) {
        let (Some(max), Some(types)) = (ng.max_size.known(), ng.instance_types.known()) else {
            bail!("node group `{}`: its max size or instance types are not known; give them with --node-group", ng.name);
        };
        let subnets: Vec<_> = ng
            .subnets
            .known()
            .map(|refs| refs.iter().filter_map(|r| inv.subnet(&c.id, r)).collect())
            .unwrap_or_default();
        let mut ng_azs: Vec<String> = subnets
            .iter()
            .filter_map(|s| s.az.known().cloned())
            .collect();
        ng_azs.sort();
        ng_azs.dedup();
        for sn in &subnets {
            if let (Some(az), Some(IpNet::V4(net))) = (sn.az.known(), sn.cidr.known()) {
                let e = input.existing.entry(az.clone()).or_default();
                if !e.contains(net) {
                    e.push(*net);
                }
            }
        }
        for z in &ng_azs {
            if !azs.contains(z) {
                azs.push(z.clone());
            }
        }
        // The largest type holds the most addresses per node: plan for it.
        let t = types
            .iter()
            .filter(|t| eksdoctor_knowledge::instance(t).is_some())
            .max_by_key(|t| eksdoctor_knowledge::instance(t).map(|i| i.max_enis * i.ipv4_per_eni))
            .ok_or_else(|| anyhow!("node group `{}`: no known instance type", ng.name))?;
        input.node_groups.push(NodeGroupDemand {
            name: ng.name.clone(),
            instance_type: t.clone(),
            max_size: *max,
            azs: ng_azs,
            pods_per_node: ng.max_pods.known().copied().flatten(),
        });
    }
    azs.sort();
    input.azs = azs;
    // Short-lived pods and Fargate pods from the manifests scanned with the cluster.
    let (runs, fargate) = eksdoctor_rules::pod_demand(inv, settings, &c.id);
    input.job_runs_per_minute = input.job_runs_per_minute.max(runs);
    input.fargate_pods = fargate;
    if let Some(vpc) = c
        .vpc
        .as_ref()
        .and_then(|v| inv.vpcs.iter().find(|x| &x.id == v))
    {
        if let Some(IpNet::V4(n)) = vpc.cidr.known() {
            input.vpc_cidr = Some(*n);
        }
    }
    Ok(())
}
