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
            public: routes.public(r),
            nat_route: routes.nat(r),
            map_public_ip: val_bool(b, "map_public_ip_on_launch", Some((false, TF_DEFAULT))),
            tags: str_map(b.get("tags")),
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

/// Which subnets route 0.0.0.0/0 to an internet gateway (public) or not.
pub(super) struct RouteInfo {
    /// route table address → Some(true) igw default route, Some(false) none, None unknown.
    table_public: HashMap<String, Option<bool>>,
    /// route table address → Some(true) NAT default route, Some(false) none, None unknown.
    table_nat: HashMap<String, Option<bool>>,
    /// subnet address → route table address.
    assoc: HashMap<String, String>,
}

impl RouteInfo {
    pub(super) fn build(res: &[Res], idx: &Index) -> RouteInfo {
        let mut table_public: HashMap<String, Option<bool>> = HashMap::new();
        let is_igw = |v: Option<&V>| -> Option<bool> {
            match v {
                None => Some(false),
                Some(V::Str(s)) => Some(s.starts_with("igw-")),
                Some(V::Unknown(u)) => u.addr.as_ref().map(|a| {
                    idx.lookup(a)
                        .iter()
                        .any(|r| r.rtype == "aws_internet_gateway")
                }),
                Some(_) => Some(false),
            }
        };
        let is_nat = |b: &RBody| -> Option<bool> {
            match b.get("nat_gateway_id") {
                None => Some(false),
                Some(V::Str(s)) => Some(s.starts_with("nat-")),
                Some(V::Unknown(u)) => u
                    .addr
                    .as_ref()
                    .map(|a| idx.lookup(a).iter().any(|r| r.rtype == "aws_nat_gateway")),
                Some(_) => Some(false),
            }
        };
        let mut table_nat: HashMap<String, Option<bool>> = HashMap::new();
        let add_nat = |table_nat: &mut HashMap<String, Option<bool>>, table: String, b: &RBody| {
            let dest = b
                .get("cidr_block")
                .or(b.get("destination_cidr_block"))
                .and_then(V::as_str);
            let e = table_nat.entry(table).or_insert(Some(false));
            if dest != Some("0.0.0.0/0") {
                return;
            }
            *e = match (*e, is_nat(b)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        };
        let add = |table_public: &mut HashMap<String, Option<bool>>, table: String, b: &RBody| {
            let dest = b
                .get("cidr_block")
                .or(b.get("destination_cidr_block"))
                .and_then(V::as_str);
            if dest != Some("0.0.0.0/0") {
                table_public.entry(table).or_insert(Some(false));
                return;
            }
            let p = is_igw(b.get("gateway_id"));
            let e = table_public.entry(table).or_insert(Some(false));
            *e = match (*e, p) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        };
        for r in res
            .iter()
            .filter(|r| r.rtype == "aws_route_table" && !r.data)
        {
            table_public.entry(r.addr.clone()).or_insert(Some(false));
            if matches!(r.body.get("route"), Some(V::Unknown(_))) {
                table_public.insert(r.addr.clone(), None);
            }
            table_nat.entry(r.addr.clone()).or_insert(Some(false));
            if matches!(r.body.get("route"), Some(V::Unknown(_))) {
                table_nat.insert(r.addr.clone(), None);
            }
            for rt in r.body.blocks("route") {
                add(&mut table_public, r.addr.clone(), rt);
                add_nat(&mut table_nat, r.addr.clone(), rt);
            }
            if let Some(V::List(l)) = r.body.get("route") {
                for x in l.iter() {
                    let mut b = RBody::new(r.body.at.clone());
                    for (k, v) in x.as_obj().into_iter().flatten() {
                        b.set(k, v.clone(), r.body.at.clone());
                    }
                    add(&mut table_public, r.addr.clone(), &b);
                    add_nat(&mut table_nat, r.addr.clone(), &b);
                }
            }
        }
        for r in res.iter().filter(|r| r.rtype == "aws_route" && !r.data) {
            if let Some(t) = r.body.get("route_table_id").and_then(reference) {
                for rt in idx.lookup(&t) {
                    add(&mut table_public, rt.addr.clone(), &r.body);
                    add_nat(&mut table_nat, rt.addr.clone(), &r.body);
                }
            }
        }
        let mut assoc = HashMap::new();
        for r in res
            .iter()
            .filter(|r| r.rtype == "aws_route_table_association" && !r.data)
        {
            if let (Some(s), Some(t)) = (
                r.body.get("subnet_id").and_then(reference),
                r.body.get("route_table_id").and_then(reference),
            ) {
                for sr in idx.lookup(&s) {
                    for tr in idx.lookup(&t) {
                        assoc.insert(sr.addr.clone(), tr.addr.clone());
                    }
                }
            }
        }
        RouteInfo {
            table_public,
            table_nat,
            assoc,
        }
    }

    pub(super) fn nat(&self, subnet: &Res) -> Val<bool> {
        let at = subnet.body.at.clone();
        match self.assoc.get(&subnet.addr) {
            None => Val::unknown(
                "no route table association in the scanned code: the VPC's main route table applies",
                at,
            ),
            Some(t) => match self.table_nat.get(t) {
                Some(Some(p)) => Val::set(*p, at),
                _ => Val::unknown(format!("the routes of {t} are not known"), at),
            },
        }
    }

    pub(super) fn public(&self, subnet: &Res) -> Val<bool> {
        let at = subnet.body.at.clone();
        match self.assoc.get(&subnet.addr) {
            None => Val::unknown("no route table association in the scanned code: the VPC's main route table applies", at),
            Some(t) => match self.table_public.get(t) {
                Some(Some(p)) => Val::set(*p, at),
                _ => Val::unknown(format!("the routes of {t} are not known"), at),
            },
        }
    }
}
