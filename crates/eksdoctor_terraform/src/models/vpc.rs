//! Model of terraform-aws-modules/vpc/aws and its vpc-endpoints submodule.

use super::*;

// ---------------------------------------------------------------------------------------------
// terraform-aws-modules/vpc/aws

// modules/vpc-endpoints (read from its main.tf and variables.tf): nothing unless `create`
// (default true); one aws_vpc_endpoint per `endpoints` entry (an entry with `create = false` is
// skipped), in `vpc_id`, of type `service_type` (default Interface); the service name is
// `service_endpoint` or `service_name` when given, else the regional name AWS gives `service`
// (`com.amazonaws.<region>.<service>`); interface endpoints sit in the module's `subnet_ids`
// plus the entry's.

pub(super) fn vpc_endpoints(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let (create, _) = cx.input_or("create", |_| Some(V::Bool(true)));
    if create.as_bool() == Some(false) {
        return outputs(&addr, BTreeMap::new());
    }
    let Some((endpoints, at)) = cx.input("endpoints") else {
        return outputs(&addr, BTreeMap::new());
    };
    let Some(m) = endpoints.as_obj() else {
        cx.notes.push(format!(
            "{addr}: `endpoints` is not known; its VPC endpoints are not scanned"
        ));
        cx.unscanned.push((
            format!("the `endpoints` of {addr} are not known"),
            Some(vec!["aws_vpc_endpoint".into()]),
        ));
        return outputs(&addr, BTreeMap::new());
    };
    let vpc_id = cx
        .input("vpc_id")
        .map(|(v, _)| v)
        .unwrap_or(V::unknown("vpc_id is not set"));
    let common_subnets = cx
        .input("subnet_ids")
        .map(|(v, _)| v)
        .unwrap_or(V::list(vec![]));
    for (k, e) in m.iter() {
        if e.get("create").and_then(V::as_bool) == Some(false) {
            continue;
        }
        let service_type = e
            .get("service_type")
            .cloned()
            .unwrap_or_else(|| s("Interface"));
        let service_name = match (
            e.get("service_endpoint").filter(|v| !v.is_null()),
            e.get("service_name").filter(|v| !v.is_null()),
            e.get("service").and_then(V::as_str),
        ) {
            (Some(full), _, _) | (None, Some(full), _) => full.clone(),
            (None, None, Some(short)) => V::Unknown(std::sync::Arc::new(crate::value::Unk {
                pattern: Some(format!("com.amazonaws.*.{short}")),
                ..crate::value::Unk::because("the region's service name is read at plan time")
            })),
            _ => V::unknown("the endpoint's service is not known"),
        };
        let mut rb = RBody::new(at.clone());
        rb.set("vpc_id", vpc_id.clone(), at.clone());
        rb.set("service_name", service_name, at.clone());
        rb.set("vpc_endpoint_type", service_type.clone(), at.clone());
        if service_type.as_str() == Some("Interface") {
            let own = e.get("subnet_ids").cloned().unwrap_or(V::list(vec![]));
            let subnets = match (common_subnets.as_list(), own.as_list()) {
                (Some(a), Some(b)) => {
                    let mut all: Vec<V> = a.to_vec();
                    for x in b {
                        if !all.contains(x) {
                            all.push(x.clone());
                        }
                    }
                    V::list(all)
                }
                _ => V::unknown("the endpoint's subnets are not known"),
            };
            rb.set("subnet_ids", subnets, at.clone());
        }
        cx.res(
            format!("{addr}.aws_vpc_endpoint.this[{k:?}]"),
            "aws_vpc_endpoint",
            rb,
        );
    }
    outputs(&addr, BTreeMap::new())
}

/// `cidr`: 0.0.0.0/0 before v5, 10.0.0.0/16 since.
const VPC_CIDR: Since = &[(0, Def::Str("0.0.0.0/0")), (5, Def::Str("10.0.0.0/16"))];
/// Public subnets assign public IPs before v4, not since.
const MAP_PUBLIC_IP_ON_LAUNCH: Since = &[(0, Def::Bool(true)), (4, Def::Bool(false))];

pub(super) fn vpc(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let vpc_addr = format!("{addr}.aws_vpc.this[0]");
    let (cidr, cidr_at) = cx.input_or("cidr", since(VPC_CIDR));
    let (dns_host, dns_host_at) = cx.input_or("enable_dns_hostnames", |_| Some(V::Bool(true)));
    let (dns_sup, dns_sup_at) = cx.input_or("enable_dns_support", |_| Some(V::Bool(true)));
    let mut vb = RBody::new(cx.call_at.clone());
    vb.set("cidr_block", cidr.clone(), cidr_at);
    vb.set("enable_dns_hostnames", dns_host, dns_host_at);
    vb.set("enable_dns_support", dns_sup, dns_sup_at);
    cx.res(vpc_addr.clone(), "aws_vpc", vb);
    let vpc_id = V::computed(&vpc_addr, "id");

    let (azs, _) = cx.input_or("azs", |_| Some(V::list(vec![])));
    let azs_list: Option<Vec<V>> = azs.as_list().map(|l| l.to_vec());
    let (nat, _) = cx.input_or("enable_nat_gateway", |_| Some(V::Bool(false)));
    let (single_nat, _) = cx.input_or("single_nat_gateway", |_| Some(V::Bool(false)));
    let (per_az, _) = cx.input_or("one_nat_gateway_per_az", |_| Some(V::Bool(false)));
    let (map_pub, map_pub_at) =
        cx.input_or("map_public_ip_on_launch", since(MAP_PUBLIC_IP_ON_LAUNCH));
    let igw_addr = format!("{addr}.aws_internet_gateway.this[0]");
    let mut known = BTreeMap::new();
    known.insert("vpc_id".to_string(), vpc_id.clone());
    known.insert("vpc_cidr_block".to_string(), cidr);
    known.insert("azs".to_string(), azs.clone());

    let mut has_public = false;
    for (kind, attr, tags_attr) in [
        ("public", "public_subnets", "public_subnet_tags"),
        ("private", "private_subnets", "private_subnet_tags"),
        ("intra", "intra_subnets", "intra_subnet_tags"),
        ("database", "database_subnets", "database_subnet_tags"),
        (
            "elasticache",
            "elasticache_subnets",
            "elasticache_subnet_tags",
        ),
        ("redshift", "redshift_subnets", "redshift_subnet_tags"),
        ("outpost", "outpost_subnets", "outpost_subnet_tags"),
    ] {
        let Some((cidrs, cidrs_at)) = cx.input(attr) else {
            known.insert(attr.to_string(), V::list(vec![]));
            known.insert(format!("{attr}_cidr_blocks"), V::list(vec![]));
            continue;
        };
        let Some(list) = cidrs.as_list().map(|l| l.to_vec()) else {
            cx.notes.push(format!(
                "{addr}: `{attr}` is not known; its subnets are not scanned"
            ));
            known.insert(attr.to_string(), V::unknown(format!("{attr} is not known")));
            continue;
        };
        let tags = cx
            .input(tags_attr)
            .map(|(v, _)| v)
            .unwrap_or(V::obj(BTreeMap::new()));
        let public = kind == "public";
        has_public |= public && !list.is_empty();
        let mut ids = Vec::new();
        let rt_count_per_az =
            !public && nat.as_bool() == Some(true) && single_nat.as_bool() != Some(true);
        for (i, c) in list.iter().enumerate() {
            let saddr = format!("{addr}.aws_subnet.{kind}[{i}]");
            let mut b = RBody::new(cidrs_at.clone());
            b.set("vpc_id", vpc_id.clone(), cidrs_at.clone());
            b.set("cidr_block", c.clone(), cidrs_at.clone());
            let az = match &azs_list {
                Some(a) if !a.is_empty() => a[i % a.len()].clone(),
                Some(_) => V::unknown(format!("{addr}: `azs` is empty")),
                None => V::unknown(format!("{addr}: `azs` is not known")),
            };
            b.set("availability_zone", az, cidrs_at.clone());
            b.set("tags", tags.clone(), cidrs_at.clone());
            if public {
                b.set(
                    "map_public_ip_on_launch",
                    map_pub.clone(),
                    map_pub_at.clone(),
                );
            }
            cx.res(saddr.clone(), "aws_subnet", b);
            // Route table: public subnets share one with a default route to the internet gateway;
            // private ones get one per AZ (or one) routing to NAT when NAT is enabled.
            let rt = if public {
                format!("{addr}.aws_route_table.public[0]")
            } else if rt_count_per_az || per_az.as_bool() == Some(true) {
                format!("{addr}.aws_route_table.{kind}[{i}]")
            } else {
                format!("{addr}.aws_route_table.{kind}[0]")
            };
            let mut a = RBody::new(cidrs_at.clone());
            a.set("subnet_id", V::computed(&saddr, "id"), cidrs_at.clone());
            a.set("route_table_id", V::computed(&rt, "id"), cidrs_at.clone());
            cx.res(
                format!("{addr}.aws_route_table_association.{kind}[{i}]"),
                "aws_route_table_association",
                a,
            );
            if !cx.out.iter().any(|r| r.addr == rt) {
                let mut rb = RBody::new(cidrs_at.clone());
                rb.set("vpc_id", vpc_id.clone(), cidrs_at.clone());
                cx.res(rt.clone(), "aws_route_table", rb);
                let mut route = RBody::new(cidrs_at.clone());
                route.set("route_table_id", V::computed(&rt, "id"), cidrs_at.clone());
                route.set("destination_cidr_block", s("0.0.0.0/0"), cidrs_at.clone());
                if public {
                    route.set("gateway_id", V::computed(&igw_addr, "id"), cidrs_at.clone());
                    cx.res(format!("{rt}.route_public"), "aws_route", route);
                } else if nat.as_bool() == Some(true) && kind == "private" {
                    let nat_addr = format!("{addr}.aws_nat_gateway.this[0]");
                    route.set(
                        "nat_gateway_id",
                        V::computed(&nat_addr, "id"),
                        cidrs_at.clone(),
                    );
                    cx.res(format!("{rt}.route_nat"), "aws_route", route);
                } else if nat.is_unknown() {
                    route.set("nat_gateway_id", nat.clone(), cidrs_at.clone());
                    cx.res(format!("{rt}.route_nat"), "aws_route", route);
                }
            }
            ids.push(V::computed(&saddr, "id"));
        }
        known.insert(attr.to_string(), V::list(ids));
        known.insert(format!("{attr}_cidr_blocks"), V::list(list));
    }
    if has_public {
        let mut g = RBody::new(cx.call_at.clone());
        g.set("vpc_id", vpc_id, cx.call_at.clone());
        cx.res(igw_addr, "aws_internet_gateway", g);
    }
    if nat.as_bool() == Some(true) {
        let mut n = RBody::new(cx.call_at.clone());
        n.set("connectivity_type", s("public"), cx.call_at.clone());
        cx.res(
            format!("{addr}.aws_nat_gateway.this[0]"),
            "aws_nat_gateway",
            n,
        );
    }
    outputs(&addr, known)
}
