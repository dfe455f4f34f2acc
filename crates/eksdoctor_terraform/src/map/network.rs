//! VPCs, subnets (with their routes and `aws_ec2_tag` tags), VPC endpoints, and which cluster
//! each subnet serves.

use super::values::*;
use super::TF_DEFAULT;
use super::{K8sDocs, Scope};
use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::*;
use std::collections::HashMap;

/// VPCs, subnets, subnet tags and VPC endpoints.
pub(super) fn network(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    // VPCs and subnets.
    for r in idx.of_type(res, "aws_vpc") {
        let b = &r.body;
        inv.vpcs.push(Vpc {
            id: Id::global(&r.addr),
            cidr: cidr_val(b, "cidr_block"),
            dns_support: val_bool(b, "enable_dns_support", Some((true, TF_DEFAULT))),
            dns_hostnames: val_bool(b, "enable_dns_hostnames", Some((false, TF_DEFAULT))),
            at: b.at.clone(),
        });
    }
    let routes = RouteInfo::build(res, idx);
    for r in idx.of_type(res, "aws_subnet") {
        let b = &r.body;
        let vpc = b.get("vpc_id").and_then(reference).map(Id::global);
        let (public, nat_route) = routes.routes(r);
        inv.subnets.push(Subnet {
            name: Id::global(&r.addr),
            id: None,
            cluster: None,
            vpc,
            cidr: cidr_val(b, "cidr_block"),
            az: match b.get("availability_zone") {
                // An element of an unknown list of AZ names: unknown, but distinct from its
                // siblings, so it still tells AZs apart.
                Some(V::Unknown(u)) if u.elem.is_some() => {
                    let (id, i) = u.elem.clone().expect("checked");
                    known(b, "availability_zone", format!("{id}[{i}]"))
                }
                _ => val_str(b, "availability_zone", None),
            },
            public,
            nat_route,
            map_public_ip: val_bool(b, "map_public_ip_on_launch", Some((false, TF_DEFAULT))),
            tags: str_map(b.get("tags")),
            free_now: None,
            at: b.at.clone(),
        });
    }
    // Tags put on subnets by aws_ec2_tag (how subnets made elsewhere get their load balancer
    // role tags). A tag whose key, value or target is not known may be the tag a rule misses.
    let mut unknown_tags = Vec::new();
    for r in idx.of_type(res, "aws_ec2_tag") {
        let b = &r.body;
        let key = b.get("key").and_then(V::to_template_string);
        let value = b.get("value").and_then(V::to_template_string);
        let target = b.get("resource_id").and_then(reference);
        let subnet = target.as_deref().and_then(|t| {
            inv.subnets
                .iter_mut()
                .find(|s| s.name.name() == t || s.id.as_deref() == Some(t))
        });
        match (key, value, subnet) {
            (Some(k), Some(v), Some(s)) => {
                s.tags.insert(k, v);
            }
            // Another resource, or a subnet this root module does not define (by id).
            (Some(_), Some(_), None) if target.is_some() => {}
            _ => unknown_tags.push((
                b.at.clone(),
                format!("the key, value or resource of {} is not known", r.addr),
            )),
        }
    }
    for (at, what) in unknown_tags {
        inv.completeness.push(
            eksdoctor_inventory::Scope::Root(s.root.to_string()),
            GapKind::UnknownTag,
            what,
            at,
        );
    }

    for r in idx.of_type(res, "aws_vpc_endpoint") {
        let b = &r.body;
        let service = match b.get("service_name") {
            Some(V::Str(s)) => s.to_string(),
            Some(V::Unknown(u)) => match &u.pattern {
                Some(p) => p.clone(),
                None => continue,
            },
            _ => continue,
        };
        inv.vpc_endpoints.push(VpcEndpoint {
            vpc: b.get("vpc_id").and_then(reference).map(Id::global),
            service,
            kind: b
                .get("vpc_endpoint_type")
                .and_then(V::to_template_string)
                .unwrap_or_else(|| "Gateway".into()),
            subnets: match b.get("subnet_ids") {
                Some(_) => val_refs(b, "subnet_ids"),
                None => Val::set(Vec::new(), b.at.clone()),
            },
            at: b.at.clone(),
        });
    }
}

/// Subnets take the cluster that uses them.
pub(super) fn subnet_owners(_s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    // Subnets take the cluster that uses them.
    let mut used: HashMap<Id, Id> = HashMap::new();
    for ng in &inv.node_groups {
        for s in ng.subnets.known().into_iter().flatten() {
            used.entry(s.clone()).or_insert_with(|| ng.cluster.clone());
        }
    }
    for fp in &inv.fargate_profiles {
        for s in fp.subnets.known().into_iter().flatten().flatten() {
            used.entry(s.clone()).or_insert_with(|| fp.cluster.clone());
        }
    }
    for s in inv.subnets.iter_mut() {
        if s.cluster.is_none() {
            s.cluster = used.get(&s.name).cloned();
        }
    }
}

/// Which subnets route 0.0.0.0/0 to an internet gateway (public) or a NAT gateway, or neither.
pub(super) struct RouteInfo {
    /// route table → its default route as far as its routes are read. The main route table of
    /// a VPC defined in scope is `main:<vpc address>`.
    tables: HashMap<String, Dflt>,
    /// subnet address → route table address.
    assoc: HashMap<String, String>,
    /// VPC address → the table an `aws_main_route_table_association` makes its main table.
    main_assoc: HashMap<String, String>,
    /// VPCs (`aws_vpc`) this root module defines.
    vpcs: std::collections::HashSet<String>,
}

/// The default route of one route, or of a table as far as its routes are read: whether it goes
/// to an internet gateway, to a NAT gateway (`None`: not known).
#[derive(Clone, Copy)]
struct Dflt {
    igw: Option<bool>,
    nat: Option<bool>,
}

/// A table with no route read yet: no default route.
const NO_ROUTE: Dflt = Dflt {
    igw: Some(false),
    nat: Some(false),
};

fn join(e: &mut Option<bool>, p: Option<bool>) {
    *e = match (*e, p) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
}

/// The table a route or association names: a route table of this root module, or the main
/// route table of a VPC it defines (`aws_vpc.x.main_route_table_id`, `default_route_table_id`).
fn table_of(v: Option<&V>, idx: &Index, vpcs: &std::collections::HashSet<String>) -> Vec<String> {
    // A route table id that comes from a VPC can only be its main (default) route table; a plan
    // keeps the reference but not the attribute.
    if let Some(V::Unknown(u)) = v {
        if let Some(a) = u.addr.as_deref().filter(|a| vpcs.contains(*a)) {
            return vec![format!("main:{a}")];
        }
    }
    match v.and_then(reference) {
        Some(t) => idx
            .lookup(&t)
            .iter()
            .filter(|r| !r.data)
            .map(|r| r.addr.clone())
            .collect(),
        None => Vec::new(),
    }
}

impl RouteInfo {
    pub(super) fn build(res: &[Res], idx: &Index) -> RouteInfo {
        let vpcs: std::collections::HashSet<String> = res
            .iter()
            .filter(|r| r.rtype == "aws_vpc" && !r.data)
            .map(|r| r.addr.clone())
            .collect();
        let is_gw = |v: Option<&V>, prefix: &str, rtype: &str| -> Option<bool> {
            match v {
                None => Some(false),
                Some(V::Str(s)) => Some(s.starts_with(prefix)),
                Some(V::Unknown(u)) => u
                    .addr
                    .as_ref()
                    .map(|a| idx.lookup(a).iter().any(|r| r.rtype == rtype)),
                Some(_) => Some(false),
            }
        };
        let route = |b: &RBody| -> Dflt {
            let dest = b
                .get("cidr_block")
                .or(b.get("destination_cidr_block"))
                .and_then(V::as_str);
            if dest != Some("0.0.0.0/0") {
                return NO_ROUTE;
            }
            Dflt {
                igw: is_gw(b.get("gateway_id"), "igw-", "aws_internet_gateway"),
                nat: is_gw(b.get("nat_gateway_id"), "nat-", "aws_nat_gateway"),
            }
        };
        let mut info = RouteInfo {
            tables: HashMap::new(),
            assoc: HashMap::new(),
            main_assoc: HashMap::new(),
            vpcs: vpcs.clone(),
        };
        for v in &vpcs {
            info.add(format!("main:{v}"), None);
        }
        let tables = res.iter().filter(|r| {
            !r.data && (r.rtype == "aws_route_table" || r.rtype == "aws_default_route_table")
        });
        for r in tables {
            let key = if r.rtype == "aws_default_route_table" {
                match table_of(r.body.get("default_route_table_id"), idx, &vpcs).pop() {
                    Some(k) => k,
                    None => continue,
                }
            } else {
                r.addr.clone()
            };
            info.add(key.clone(), None);
            if matches!(r.body.get("route"), Some(V::Unknown(_))) {
                info.add(
                    key.clone(),
                    Some(Dflt {
                        igw: None,
                        nat: None,
                    }),
                );
            }
            for rt in r.body.blocks("route") {
                info.add(key.clone(), Some(route(rt)));
            }
            if let Some(V::List(l)) = r.body.get("route") {
                for x in l.iter() {
                    let mut b = RBody::new(r.body.at.clone());
                    for (k, v) in x.as_obj().into_iter().flatten() {
                        b.set(k, v.clone(), r.body.at.clone());
                    }
                    info.add(key.clone(), Some(route(&b)));
                }
            }
        }
        for r in res.iter().filter(|r| r.rtype == "aws_route" && !r.data) {
            let d = route(&r.body);
            for t in table_of(r.body.get("route_table_id"), idx, &vpcs) {
                info.add(t, Some(d));
            }
        }
        for r in res.iter().filter(|r| !r.data) {
            let b = &r.body;
            match r.rtype.as_str() {
                "aws_route_table_association" => {
                    let tables = table_of(b.get("route_table_id"), idx, &vpcs);
                    for sr in b
                        .get("subnet_id")
                        .and_then(reference)
                        .iter()
                        .flat_map(|s| idx.lookup(s))
                    {
                        for t in &tables {
                            info.assoc.insert(sr.addr.clone(), t.clone());
                        }
                    }
                }
                "aws_main_route_table_association" => {
                    let vpc = b.get("vpc_id").and_then(reference);
                    let table = table_of(b.get("route_table_id"), idx, &vpcs).pop();
                    if let (Some(v), Some(t)) = (vpc, table) {
                        info.main_assoc.insert(v, t);
                    }
                }
                _ => {}
            }
        }
        info
    }

    /// Record table `table` (with no route: `None`) or one more of its routes.
    fn add(&mut self, table: String, d: Option<Dflt>) {
        let t = self.tables.entry(table).or_insert(NO_ROUTE);
        if let Some(d) = d {
            join(&mut t.igw, d.igw);
            join(&mut t.nat, d.nat);
        }
    }

    /// The route table that serves `subnet`, and what to say when it is the VPC's main table.
    fn table(&self, subnet: &Res) -> Result<(String, Option<&'static str>), String> {
        if let Some(t) = self.assoc.get(&subnet.addr) {
            return Ok((t.clone(), None));
        }
        let vpc = subnet.body.get("vpc_id").and_then(reference);
        match vpc {
            Some(v) if self.vpcs.contains(&v) => match self.main_assoc.get(&v) {
                Some(t) => Ok((t.clone(), None)),
                None => Ok((
                    format!("main:{v}"),
                    Some("no route table association: the subnet uses its VPC's main route table, which has only the routes the scanned code gives it (aws_default_route_table, aws_route)"),
                )),
            },
            Some(v) if v.starts_with("vpc-") || v.starts_with("data.") => Err(format!("no route table association in the scanned code, and its VPC `{v}` is not defined there: the routes of that VPC's main route table are not known")),
            _ => Err("no route table association in the scanned code: the VPC's main route table applies".into()),
        }
    }

    /// Whether `subnet` is public (a default route to an internet gateway), and whether its
    /// default route goes to a NAT gateway.
    pub(super) fn routes(&self, subnet: &Res) -> (Val<bool>, Val<bool>) {
        let at = subnet.body.at.clone();
        let (t, main) = match self.table(subnet) {
            Err(why) => {
                return (Val::unknown(why.clone(), at.clone()), Val::unknown(why, at));
            }
            Ok(x) => x,
        };
        let not_known = || match t.strip_prefix("main:") {
            Some(v) => format!("the routes of the main route table of {v} are not known"),
            None => format!("the routes of {t} are not known"),
        };
        let val = |p: Option<bool>| match (p, main) {
            (Some(p), None) => Val::set(p, at.clone()),
            (Some(p), Some(why)) => Val::defaulted(p, at.clone(), why),
            (None, _) => Val::unknown(not_known(), at.clone()),
        };
        match self.tables.get(&t) {
            Some(d) => (val(d.igw), val(d.nat)),
            None => (val(None), val(None)),
        }
    }
}
