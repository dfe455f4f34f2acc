//! `vpc`: cluster endpoint access, subnets and the cluster's availability zones.

use super::is_az_name;
use super::{p, Doc, EKSCTL};
use crate::ctx::FileCtx;
use eksdoctor_inventory::*;
use ipnet::IpNet;
use std::collections::BTreeMap;

/// What the `vpc` section says about the cluster.
pub(super) struct Network {
    pub endpoint_public: Val<bool>,
    pub endpoint_private: Val<bool>,
    pub public_cidrs: Val<Vec<String>>,
    pub azs: Val<Vec<String>>,
}

/// The cluster endpoints, the subnets (into the inventory) and the cluster's AZs.
pub(super) fn read(ctx: &mut FileCtx, d: &Doc, inv: &mut Inventory) -> Network {
    let (root, w, at, id) = (d.root, d.w, &d.at, &d.id);
    // VPC and subnets.
    let vpc = ctx.map(root, "vpc", w);
    let mut endpoint_public = Val::defaulted(true, at.clone(), EKSCTL);
    let mut endpoint_private = Val::defaulted(false, at.clone(), EKSCTL);
    let mut public_cidrs = Val::defaulted(vec!["0.0.0.0/0".to_string()], at.clone(), EKSCTL);
    let mut subnet_azs: Vec<String> = Vec::new();
    let mut subnets_known = true;
    if let Some(vpc) = vpc {
        if let Some(ce) = ctx.map(vpc, "clusterEndpoints", w) {
            if let Some(b) = ctx.bool(ce, "publicAccess", w) {
                endpoint_public = Val::set(b, p(ctx, ce, "publicAccess"));
            }
            if let Some(b) = ctx.bool(ce, "privateAccess", w) {
                endpoint_private = Val::set(b, p(ctx, ce, "privateAccess"));
            }
        }
        if vpc.get("publicAccessCIDRs").is_some() {
            let cidrs = ctx.str_list(vpc, "publicAccessCIDRs", w);
            public_cidrs = Val::set(cidrs, p(ctx, vpc, "publicAccessCIDRs"));
        }
        let vpc_id = ctx.str(vpc, "id", w);
        if let Some(subs) = ctx.map(vpc, "subnets", w) {
            for (role, public) in [("private", false), ("public", true)] {
                let Some(group) = ctx.map(subs, role, w) else {
                    continue;
                };
                for (key, s) in group.entries() {
                    let sp = ctx.prov(s.line);
                    let sid = if s.as_map().is_some() {
                        ctx.str(s, "id", w)
                    } else {
                        None
                    };
                    let cidr = match s.get("cidr").and_then(Node::as_str) {
                        Some(c) => match c.parse::<IpNet>() {
                            Ok(net) => Val::set(net.trunc(), ctx.prov(s.line_of("cidr"))),
                            Err(_) => {
                                ctx.error(
                                    s.line_of("cidr"),
                                    format!("{w}subnet `{key}` cidr `{c}` is not a CIDR block"),
                                );
                                Val::unknown("the CIDR is not valid", sp.clone())
                            }
                        },
                        None => Val::unknown(
                            format!("subnet `{key}` is given by id only; its CIDR is in AWS"),
                            sp.clone(),
                        ),
                    };
                    let az = match s.get("az").and_then(Node::as_str) {
                        Some(a) => Val::set(a.to_string(), ctx.prov(s.line_of("az"))),
                        None if is_az_name(key) => Val::set(key.clone(), sp.clone()),
                        None => Val::unknown(
                            format!("subnet `{key}` names no availability zone"),
                            sp.clone(),
                        ),
                    };
                    match az.known() {
                        Some(a) => {
                            if !subnet_azs.contains(a) {
                                subnet_azs.push(a.clone());
                            }
                        }
                        None => subnets_known = false,
                    }
                    inv.subnets.push(Subnet {
                        name: Id::global(format!("{role}.{key}")),
                        id: sid,
                        cluster: Some(id.clone()),
                        vpc: Some(match &vpc_id {
                            Some(v) => Id::global(v.clone()),
                            None => super::created_vpc(id),
                        }),
                        cidr,
                        az,
                        public: Val::set(public, sp.clone()),
                        map_public_ip: Val::unknown("eksctl does not say", sp.clone()),
                        nat_route: Val::unknown(
                            "routes are in AWS, not in the ClusterConfig",
                            sp.clone(),
                        ),
                        tags: BTreeMap::new(),
                        free_now: None,
                        at: sp,
                    });
                }
            }
        }
    }
    // Cluster AZs: `availabilityZones`, else the subnets' zones.
    let azs = if root.get("availabilityZones").is_some() {
        Val::set(
            ctx.str_list(root, "availabilityZones", w),
            p(ctx, root, "availabilityZones"),
        )
    } else if !subnet_azs.is_empty() && subnets_known {
        Val::set(subnet_azs, ctx.prov(vpc.map_or(root.line, |v| v.line)))
    } else {
        Val::unknown(
            "availabilityZones is not set: eksctl picks at least two zones of the region",
            at.clone(),
        )
    };

    Network {
        endpoint_public,
        endpoint_private,
        public_cidrs,
        azs,
    }
}
