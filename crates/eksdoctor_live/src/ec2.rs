//! EC2: the cluster's VPC (CIDR, DNS attributes), the subnets it and its node groups and Fargate
//! profiles use (CIDR, zone, public IPs, free addresses), and the route tables that say which
//! subnets are public or reach a NAT gateway.

use crate::eks::ClusterRef;
use crate::map::at;
use crate::{error_text, Calls};
use aws_sdk_ec2::types::{Filter, RouteTable, VpcAttributeName};
use aws_sdk_ec2::Client;
use eksdoctor_inventory::*;
use std::collections::BTreeMap;

pub(crate) async fn read_network(
    ec2: &Client,
    c: &ClusterRef,
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    let subnets = if c.subnets.is_empty() {
        Vec::new()
    } else {
        calls.made += 1;
        match ec2
            .describe_subnets()
            .set_subnet_ids(Some(c.subnets.clone()))
            .send()
            .await
        {
            Ok(o) => o.subnets().to_vec(),
            Err(e) => {
                calls.failed(
                    "the cluster's subnets (ec2:DescribeSubnets)",
                    error_text(&e),
                );
                Vec::new()
            }
        }
    };
    // The cluster's VPC, or (where the response leaves it out) its subnets'.
    let vpc_id = c
        .vpc
        .clone()
        .or_else(|| subnets.iter().find_map(|s| s.vpc_id().map(str::to_string)));
    let tables = match &vpc_id {
        Some(v) => route_tables(ec2, v, calls).await,
        None => None,
    };
    if let Some(v) = &vpc_id {
        if let Some(vpc) = vpc(ec2, v, calls).await {
            inv.vpcs.push(vpc);
        }
        endpoints(ec2, v, &c.id, calls, inv).await;
        if let Some(cl) = inv.clusters.iter_mut().find(|x| x.id == c.id) {
            cl.vpc.get_or_insert_with(|| Id::global(v));
        }
    }
    let mut zones: BTreeMap<String, String> = BTreeMap::new();
    for s in &subnets {
        let Some(id) = s.subnet_id() else { continue };
        if let Some(z) = s.availability_zone() {
            zones.insert(id.to_string(), z.to_string());
        }
        inv.subnets.push(subnet(s, id, c, tables.as_deref()));
    }
    place_zones(c, &zones, inv);
}

fn subnet(
    s: &aws_sdk_ec2::types::Subnet,
    id: &str,
    c: &ClusterRef,
    tables: Option<&[RouteTable]>,
) -> Subnet {
    let p = at(&format!("subnet/{id}"), Some(&c.arn));
    let (public, nat) = routes_of(tables, id, s.vpc_id(), &p);
    Subnet {
        name: Id::global(id),
        id: Some(id.to_string()),
        cluster: Some(c.id.clone()),
        vpc: s.vpc_id().map(Id::global),
        cidr: match s.cidr_block().and_then(|x| x.parse::<ipnet::IpNet>().ok()) {
            Some(n) => Val::set(n, p.clone()),
            None => Val::unknown("the subnet has no IPv4 CIDR in the response", p.clone()),
        },
        az: match s.availability_zone() {
            Some(z) => Val::set(z.to_string(), p.clone()),
            None => Val::unknown("no availability zone in the response", p.clone()),
        },
        public,
        map_public_ip: Val::set(s.map_public_ip_on_launch().unwrap_or(false), p.clone()),
        nat_route: nat,
        free_now: s
            .available_ip_address_count()
            .and_then(|n| u32::try_from(n).ok()),
        tags: s
            .tags()
            .iter()
            .filter_map(|t| {
                Some((
                    t.key()?.to_string(),
                    t.value().unwrap_or_default().to_string(),
                ))
            })
            .collect(),
        at: p,
    }
}

/// The zones of the cluster and of its node groups, from their subnets.
fn place_zones(c: &ClusterRef, zones: &BTreeMap<String, String>, inv: &mut Inventory) {
    let zones_of = |ids: &[Id]| -> Option<Vec<String>> {
        let mut z: Vec<String> = ids
            .iter()
            .map(|i| zones.get(i.name()).cloned())
            .collect::<Option<_>>()?;
        z.sort();
        z.dedup();
        Some(z)
    };
    for ng in inv.node_groups.iter_mut().filter(|n| n.cluster == c.id) {
        if let Some(z) = ng.subnets.known().and_then(|s| zones_of(s)) {
            ng.azs = Val::set(z, ng.at.clone());
        }
    }
    if let Some(cl) = inv.clusters.iter_mut().find(|x| x.id == c.id) {
        let mut z: Vec<String> = zones.values().cloned().collect();
        z.sort();
        z.dedup();
        cl.azs = Val::set(z, cl.at.clone());
    }
}

async fn vpc(ec2: &Client, id: &str, calls: &mut Calls) -> Option<Vpc> {
    calls.made += 1;
    let out = match ec2.describe_vpcs().vpc_ids(id).send().await {
        Ok(o) => o,
        Err(e) => {
            calls.failed(format!("VPC {id} (ec2:DescribeVpcs)"), error_text(&e));
            return None;
        }
    };
    let v = out.vpcs().first()?;
    let p = at(&format!("vpc/{id}"), None);
    let attr = |name: VpcAttributeName| {
        let ec2 = ec2.clone();
        let id = id.to_string();
        async move {
            ec2.describe_vpc_attribute()
                .vpc_id(id)
                .attribute(name)
                .send()
                .await
        }
    };
    let unknown = |e: String| {
        Val::unknown(
            format!("not read (ec2:DescribeVpcAttribute): {e}"),
            p.clone(),
        )
    };
    calls.made += 2;
    let support = match attr(VpcAttributeName::EnableDnsSupport).await {
        Ok(o) => Val::set(
            o.enable_dns_support()
                .and_then(|a| a.value())
                .unwrap_or(false),
            p.clone(),
        ),
        Err(e) => unknown(error_text(&e)),
    };
    let hostnames = match attr(VpcAttributeName::EnableDnsHostnames).await {
        Ok(o) => Val::set(
            o.enable_dns_hostnames()
                .and_then(|a| a.value())
                .unwrap_or(false),
            p.clone(),
        ),
        Err(e) => unknown(error_text(&e)),
    };
    // One note for the pair (both fail alike when the permission is missing).
    if let Some(why) = [&support, &hostnames]
        .iter()
        .find_map(|v| v.unknown_reason())
    {
        calls.failed(
            format!("DNS attributes of VPC {id} (ec2:DescribeVpcAttribute)"),
            why.trim_start_matches("not read (ec2:DescribeVpcAttribute): ")
                .to_string(),
        );
    }
    Some(Vpc {
        id: Id::global(id),
        cidr: match v.cidr_block().and_then(|c| c.parse().ok()) {
            Some(n) => Val::set(n, p.clone()),
            None => Val::unknown("the VPC has no IPv4 CIDR in the response", p.clone()),
        },
        dns_support: support,
        dns_hostnames: hostnames,
        at: p,
    })
}

/// The VPC's endpoints; when they cannot be read, a gap of the cluster, so that no rule
/// concludes from their absence.
async fn endpoints(ec2: &Client, vpc: &str, cluster: &Id, calls: &mut Calls, inv: &mut Inventory) {
    let filter = Filter::builder().name("vpc-id").values(vpc).build();
    let pages = ec2
        .describe_vpc_endpoints()
        .filters(filter)
        .into_paginator()
        .send();
    let what = format!("endpoints of {vpc} (ec2:DescribeVpcEndpoints)");
    let found = match list_all!(calls, what, pages, vpc_endpoints) {
        Ok(found) => found,
        Err(why) => {
            inv.completeness.push_creating(
                Scope::Cluster(cluster.clone()),
                GapKind::Unscanned,
                format!("the endpoints of VPC {vpc} could not be read: {why}"),
                at(&format!("vpc/{vpc}"), None),
                Some(vec!["aws_vpc_endpoint".to_string()]),
            );
            return;
        }
    };
    for e in found {
        let p = at(
            &format!("vpc-endpoint/{}", e.vpc_endpoint_id().unwrap_or_default()),
            None,
        );
        inv.vpc_endpoints.push(VpcEndpoint {
            vpc: Some(Id::global(vpc)),
            service: e.service_name().unwrap_or_default().to_string(),
            kind: e
                .vpc_endpoint_type()
                .map_or("Interface".to_string(), |t| t.as_str().to_string()),
            subnets: Val::set(e.subnet_ids().iter().map(Id::global).collect(), p.clone()),
            at: p,
        });
    }
}

async fn route_tables(ec2: &Client, vpc: &str, calls: &mut Calls) -> Option<Vec<RouteTable>> {
    let filter = Filter::builder().name("vpc-id").values(vpc).build();
    let pages = ec2
        .describe_route_tables()
        .filters(filter)
        .into_paginator()
        .send();
    let what = format!("route tables of {vpc} (ec2:DescribeRouteTables)");
    list_all!(calls, what, pages, route_tables).ok()
}

/// Whether subnet `id` routes to an internet gateway (public) and to a NAT gateway: through the
/// table associated with it, else the VPC's main table.
fn routes_of(
    tables: Option<&[RouteTable]>,
    id: &str,
    vpc: Option<&str>,
    p: &Prov,
) -> (Val<bool>, Val<bool>) {
    let Some(tables) = tables else {
        let why = "the VPC's route tables could not be read";
        return (Val::unknown(why, p.clone()), Val::unknown(why, p.clone()));
    };
    let assoc = |t: &&RouteTable, main: bool| {
        t.associations().iter().any(|a| {
            if main {
                a.main() == Some(true)
            } else {
                a.subnet_id() == Some(id)
            }
        })
    };
    let table = tables
        .iter()
        .find(|t| assoc(t, false))
        .or_else(|| tables.iter().find(|t| assoc(t, true) && t.vpc_id() == vpc));
    let Some(t) = table else {
        let why = "no route table of the VPC applies to the subnet";
        return (Val::unknown(why, p.clone()), Val::unknown(why, p.clone()));
    };
    let default = t
        .routes()
        .iter()
        .filter(|r| r.destination_cidr_block() == Some("0.0.0.0/0"));
    let (mut igw, mut nat) = (false, false);
    for r in default {
        igw |= r.gateway_id().is_some_and(|g| g.starts_with("igw-"));
        nat |= r.nat_gateway_id().is_some();
    }
    (Val::set(igw, p.clone()), Val::set(nat, p.clone()))
}
