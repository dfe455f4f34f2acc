//! Models of the most used registry modules, for when their code is not on disk (no
//! `terraform init`): the resources they would create, built from their inputs and their
//! documented defaults per major version. Where a default changed between majors and the version
//! constraint allows both, the value is unknown. Sources: each module's `docs/UPGRADE-*.md` and
//! `variables.tf` (see docs/terraform.md).

use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::Prov;
use std::collections::BTreeMap;

pub struct Model {
    pub outputs: V,
    pub resources: Vec<Res>,
    /// Resource types the module would declare but not create with these inputs.
    pub none_created: Vec<String>,
    pub notes: Vec<String>,
    /// Parts whose resources could not be modelled, e.g. `module.eks (its
    /// `eks_managed_node_groups` are not known)`.
    pub unscanned: Vec<String>,
}

type Inputs = BTreeMap<String, (V, Prov)>;

/// Major versions a constraint allows, among those modelled; `open` when later majors are allowed.
#[derive(Debug, Clone)]
pub struct Majors {
    pub set: Vec<u32>,
    pub open: bool,
}

impl Majors {
    /// Parse a version constraint (`~> 20.0`, `20.8.4`, `>= 19, < 21`, `~> 20`); `known` lists the
    /// modelled majors.
    pub fn parse(constraint: Option<&str>, known: &[u32]) -> Majors {
        let Some(c) = constraint else {
            return Majors {
                set: known.to_vec(),
                open: true,
            };
        };
        let mut lo = 0u32;
        let mut hi = u32::MAX; // exclusive
        for part in c.split(',') {
            let p = part.trim();
            let (op, v) = if let Some(r) = p.strip_prefix("~>") {
                ("~>", r)
            } else if let Some(r) = p.strip_prefix(">=") {
                (">=", r)
            } else if let Some(r) = p.strip_prefix("<=") {
                ("<=", r)
            } else if let Some(r) = p.strip_prefix("!=") {
                ("!=", r)
            } else if let Some(r) = p.strip_prefix('>') {
                (">", r)
            } else if let Some(r) = p.strip_prefix('<') {
                ("<", r)
            } else if let Some(r) = p.strip_prefix('=') {
                ("=", r)
            } else {
                ("=", p)
            };
            let nums: Vec<u32> = v
                .trim()
                .trim_start_matches('v')
                .split('.')
                .map(|x| x.split('-').next().unwrap_or("").parse().unwrap_or(0))
                .collect();
            let major = nums.first().copied().unwrap_or(0);
            let minor = nums.get(1).copied().unwrap_or(0);
            match op {
                "=" => {
                    lo = lo.max(major);
                    hi = hi.min(major + 1);
                }
                "~>" => {
                    lo = lo.max(major);
                    // `~> 20` and `~> 20.0` allow 20.x; `~> 20.1.2` too. Only `~> 1` with one
                    // number would allow later majors.
                    if nums.len() >= 2 {
                        hi = hi.min(major + 1);
                    }
                }
                ">=" => lo = lo.max(major),
                ">" => {
                    lo = lo.max(if minor == 0 && nums.len() == 1 {
                        major + 1
                    } else {
                        major
                    })
                }
                "<" => {
                    hi = hi.min(if minor == 0 && nums.iter().skip(1).all(|n| *n == 0) {
                        major
                    } else {
                        major + 1
                    })
                }
                "<=" => hi = hi.min(major + 1),
                _ => {}
            }
        }
        let max_known = known.iter().copied().max().unwrap_or(0);
        Majors {
            set: known
                .iter()
                .copied()
                .filter(|m| *m >= lo && *m < hi)
                .collect(),
            open: hi > max_known + 1,
        }
    }

    fn describe(&self) -> String {
        let mut s: Vec<String> = self.set.iter().map(|m| format!("v{m}")).collect();
        if self.open {
            s.push("later".into());
        }
        s.join(", ")
    }
}

/// A default that differs by major version: `None` when the allowed majors disagree.
fn by_major<T: Clone + PartialEq>(m: &Majors, f: impl Fn(u32) -> Option<T>) -> Option<T> {
    // A constraint open to majors later than those modelled (or no constraint at all) may pick a
    // release whose defaults are not known here.
    if m.open {
        return None;
    }
    let mut vals = m.set.iter().map(|&v| f(v));
    let first = vals.next()??;
    for v in vals {
        if v.as_ref() != Some(&first) {
            return None;
        }
    }
    if m.open && m.set.is_empty() {
        return None;
    }
    Some(first)
}

struct Ctx<'a> {
    inputs: &'a Inputs,
    call_at: &'a Prov,
    addr: &'a str,
    majors: Majors,
    module: &'static str,
    out: Vec<Res>,
    none_created: Vec<String>,
    notes: Vec<String>,
    /// Parts whose resources could not be modelled (an input map that is not known).
    unscanned: Vec<String>,
}

impl Ctx<'_> {
    /// Where an entry of an input map (one node group, one Fargate profile) is written: at its
    /// first attribute, or at the module call when it has none.
    fn entry_at(&self, entry: &Inputs) -> Prov {
        entry
            .values()
            .next()
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| self.call_at.clone())
    }

    fn why(&self) -> &'static str {
        intern(format!(
            "{} {} default",
            self.module,
            self.majors.describe()
        ))
    }

    /// The entries of a map input such as `eks_managed_node_groups`, each merged over the
    /// defaults input and turned into the inputs of a submodule call. An unknown map gives a
    /// note and nothing ("its `what` are not scanned").
    fn map_entries(&mut self, key: &str, defaults_key: &str, what: &str) -> Vec<(String, Inputs)> {
        let Some((entries, at)) = self.input(key) else {
            return Vec::new();
        };
        let Some(m) = entries.as_obj() else {
            self.notes.push(format!(
                "{}: `{key}` is not known; its {what} are not scanned",
                self.addr
            ));
            self.unscanned
                .push(format!("the `{key}` of {} are not known", self.addr));
            return Vec::new();
        };
        let defaults = self
            .input(defaults_key)
            .map(|(v, _)| v)
            .unwrap_or(V::obj(BTreeMap::new()));
        crate::funcs::visible(m)
            .map(|(k, entry)| {
                let inputs: Inputs = merge_obj(&defaults, entry)
                    .as_obj()
                    .map(|m| {
                        crate::funcs::visible(m)
                            .map(|(k, v)| (k.clone(), (v.clone(), at.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                (k.clone(), inputs)
            })
            .collect()
    }

    /// An input's value and where it was set.
    fn input(&self, name: &str) -> Option<(V, Prov)> {
        self.inputs.get(name).filter(|(v, _)| !v.is_null()).cloned()
    }

    /// An input, or its default for the allowed majors (unknown when they disagree).
    fn input_or(&self, name: &str, default: impl Fn(u32) -> Option<V>) -> (V, Prov) {
        if let Some(x) = self.input(name) {
            return x;
        }
        match by_major(&self.majors, default) {
            Some(v) => (v, self.call_at.clone()),
            None => (
                V::unknown(format!(
                    "`{name}` is not set and its default differs between the versions `{}` allows ({}); pin the version or set it",
                    self.module,
                    self.majors.describe()
                )),
                self.call_at.clone(),
            ),
        }
    }

    fn res(&mut self, addr: String, rtype: &str, mut body: RBody) {
        let why = self.why();
        body.mark_defaults(self.call_at, why);
        let base = strip_key(&addr).to_string();
        self.out.push(Res {
            addr,
            base,
            rtype: rtype.to_string(),
            data: false,
            body,
            modelled_by: Some(self.module.to_string()),
        });
    }
}

/// Default notes are few and live for the whole run.
fn intern(s: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(x) = seen.get(s.as_str()) {
        return x;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(leaked);
    leaked
}

fn strip_key(addr: &str) -> &str {
    if addr.ends_with(']') {
        if let Some(i) = addr.rfind('[') {
            return &addr[..i];
        }
    }
    addr
}

fn s(x: &str) -> V {
    V::str(x)
}

fn strs(xs: &[&str]) -> V {
    V::list(xs.iter().map(|x| s(x)).collect())
}

fn obj(pairs: Vec<(&str, V)>) -> V {
    V::obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A module object whose other attributes are computed (known after apply) at `addr`.
fn outputs(addr: &str, mut known: BTreeMap<String, V>) -> V {
    known.insert("\0addr".into(), V::str(addr));
    V::obj(known)
}

/// Normalised registry source: `terraform-aws-modules/eks/aws` plus the submodule path.
fn registry(source: &str) -> Option<(String, String)> {
    let s = source
        .trim_start_matches("registry.terraform.io/")
        .trim_start_matches("app.terraform.io/");
    let (main, sub) = match s.split_once("//") {
        Some((m, sub)) => (m, sub.trim_end_matches('/').to_string()),
        None => (s, String::new()),
    };
    let main = main.trim_end_matches('/');
    if main.split('/').count() != 3 {
        return None;
    }
    Some((main.to_string(), sub))
}

/// The model for a module call, when one exists.
pub fn model(
    source: &str,
    version: Option<&str>,
    addr: &str,
    inputs: &Inputs,
    call_at: &Prov,
) -> Option<Model> {
    let (main, sub) = registry(source)?;
    let (module, known): (&'static str, &[u32]) = match main.as_str() {
        "terraform-aws-modules/eks/aws" => ("terraform-aws-modules/eks", &[17, 18, 19, 20, 21]),
        "terraform-aws-modules/vpc/aws" => ("terraform-aws-modules/vpc", &[3, 4, 5, 6]),
        "terraform-aws-modules/iam/aws" => ("terraform-aws-modules/iam", &[5, 6]),
        _ => return None,
    };
    let mut cx = Ctx {
        inputs,
        call_at,
        addr,
        majors: Majors::parse(version, known),
        module,
        out: Vec::new(),
        none_created: Vec::new(),
        notes: Vec::new(),
        unscanned: Vec::new(),
    };
    if cx.majors.set.is_empty() {
        return None;
    }
    let outputs = match (module, sub.as_str()) {
        ("terraform-aws-modules/vpc", "") => vpc(&mut cx),
        ("terraform-aws-modules/vpc", "modules/vpc-endpoints") => vpc_endpoints(&mut cx),
        ("terraform-aws-modules/eks", "") => eks(&mut cx),
        ("terraform-aws-modules/eks", "modules/eks-managed-node-group") => {
            let cluster = cx
                .input("cluster_name")
                .map(|(v, _)| v)
                .unwrap_or(V::unknown("cluster_name is not set"));
            managed_node_group(&mut cx, addr, "", inputs, &BTreeMap::new(), &cluster, None)
        }
        ("terraform-aws-modules/eks", "modules/self-managed-node-group") => {
            let cluster = cx
                .input("cluster_name")
                .map(|(v, _)| v)
                .unwrap_or(V::unknown("cluster_name is not set"));
            self_managed_node_group(&mut cx, addr, "", inputs, &cluster, None)
        }
        ("terraform-aws-modules/eks", "modules/karpenter") => karpenter(&mut cx),
        ("terraform-aws-modules/eks", "modules/fargate-profile") => {
            let cluster = cx
                .input("cluster_name")
                .map(|(v, _)| v)
                .unwrap_or(V::unknown("cluster_name is not set"));
            fargate_profile(&mut cx, addr, "", inputs, &BTreeMap::new(), &cluster, None)
        }
        ("terraform-aws-modules/iam", sub) if sub.contains("iam-role-for-service-accounts") => {
            irsa_role(&mut cx)
        }
        ("terraform-aws-modules/iam", "modules/iam-assumable-role-with-oidc") => {
            assumable_role_with_oidc(&mut cx)
        }
        _ => return None,
    };
    Some(Model {
        outputs,
        resources: cx.out,
        none_created: cx.none_created,
        notes: cx.notes,
        unscanned: cx.unscanned,
    })
}

// ---------------------------------------------------------------------------------------------
// terraform-aws-modules/vpc/aws

// modules/vpc-endpoints (read from its main.tf and variables.tf): nothing unless `create`
// (default true); one aws_vpc_endpoint per `endpoints` entry (an entry with `create = false` is
// skipped), in `vpc_id`, of type `service_type` (default Interface); the service name is
// `service_endpoint` or `service_name` when given, else the regional name AWS gives `service`
// (`com.amazonaws.<region>.<service>`); interface endpoints sit in the module's `subnet_ids`
// plus the entry's.

fn vpc_endpoints(cx: &mut Ctx) -> V {
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
        cx.unscanned
            .push(format!("the `endpoints` of {addr} are not known"));
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
    for (k, e) in crate::funcs::visible(m) {
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

fn vpc(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let vpc_addr = format!("{addr}.aws_vpc.this[0]");
    let (cidr, cidr_at) = cx.input_or("cidr", |m| {
        Some(s(if m >= 5 { "10.0.0.0/16" } else { "0.0.0.0/0" }))
    });
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
    let (map_pub, map_pub_at) = cx.input_or("map_public_ip_on_launch", |m| Some(V::Bool(m < 4)));
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

// ---------------------------------------------------------------------------------------------
// terraform-aws-modules/eks/aws

fn pick<'a>(cx: &Ctx, v21: &'a str, old: &'a str) -> &'a str {
    // Variable names changed in v21 (`cluster_*` prefix dropped).
    if cx.majors.set.iter().all(|m| *m >= 21) && !cx.majors.set.is_empty() {
        v21
    } else if cx.majors.set.iter().all(|m| *m < 21) {
        old
    } else if cx.inputs.contains_key(v21) {
        v21
    } else {
        old
    }
}

fn eks(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let caddr = format!("{addr}.aws_eks_cluster.this[0]");
    let mut b = RBody::new(cx.call_at.clone());
    let name_key = pick(cx, "name", "cluster_name");
    let (name, name_at) = cx.input_or(name_key, |_| None);
    b.set("name", name.clone(), name_at);
    if let Some((v, at)) = cx.input(pick(cx, "kubernetes_version", "cluster_version")) {
        b.set("version", v, at);
    }
    let (logs, logs_at) = cx.input_or(
        pick(cx, "enabled_log_types", "cluster_enabled_log_types"),
        |m| {
            Some(if m >= 18 {
                strs(&["audit", "api", "authenticator"])
            } else {
                V::list(vec![])
            })
        },
    );
    b.set("enabled_cluster_log_types", logs, logs_at);

    let (subnets, subnets_at) = cx.input_or("subnet_ids", |_| Some(V::list(vec![])));
    let cp_subnets = cx
        .input("control_plane_subnet_ids")
        .filter(|(v, _)| v.as_list().is_some_and(|l| !l.is_empty()))
        .unwrap_or((subnets.clone(), subnets_at.clone()));
    let mut vc = RBody::new(cx.call_at.clone());
    vc.set("subnet_ids", cp_subnets.0, cp_subnets.1);
    let (pubv, pub_at) = cx.input_or(
        pick(
            cx,
            "endpoint_public_access",
            "cluster_endpoint_public_access",
        ),
        |m| Some(V::Bool(m < 19)),
    );
    let (privv, priv_at) = cx.input_or(
        pick(
            cx,
            "endpoint_private_access",
            "cluster_endpoint_private_access",
        ),
        |m| Some(V::Bool(m >= 19)),
    );
    let (cidrs, cidrs_at) = cx.input_or(
        pick(
            cx,
            "endpoint_public_access_cidrs",
            "cluster_endpoint_public_access_cidrs",
        ),
        |_| Some(strs(&["0.0.0.0/0"])),
    );
    vc.set("endpoint_public_access", pubv, pub_at);
    vc.set("endpoint_private_access", privv, priv_at);
    vc.set("public_access_cidrs", cidrs, cidrs_at);
    b.blocks.push(("vpc_config".into(), vc));

    // IP family: `ip_family` (v21) / `cluster_ip_family` (v18-v20), default ipv4.
    let (ip_family, ip_at) = cx.input_or(pick(cx, "ip_family", "cluster_ip_family"), |_| {
        Some(s("ipv4"))
    });
    let mut kn = RBody::new(ip_at.clone());
    kn.set("ip_family", ip_family.clone(), ip_at.clone());
    b.blocks.push(("kubernetes_network_config".into(), kn));

    // Secrets encryption: a module-created KMS key by default since v19.
    let enc_key = pick(cx, "encryption_config", "cluster_encryption_config");
    let (enc, enc_at) = cx.input_or(enc_key, |m| {
        Some(if m >= 19 {
            obj(vec![("resources", strs(&["secrets"]))])
        } else {
            V::list(vec![])
        })
    });
    let (create_kms, _) = cx.input_or("create_kms_key", |m| Some(V::Bool(m >= 19)));
    let enc_obj = match &enc {
        V::List(l) => l.first().cloned(),
        V::Obj(m) if m.is_empty() => None,
        V::Null => None,
        other => Some(other.clone()),
    };
    if enc.is_unknown() || create_kms.is_unknown() {
        b.set(
            "encryption_config",
            V::unknown("encryption settings are not known"),
            enc_at.clone(),
        );
    } else if let Some(e) = enc_obj {
        let key = match e.get("provider_key_arn") {
            Some(k) if !k.is_null() => Some(k.clone()),
            _ if create_kms.as_bool() == Some(true) => Some(V::computed(
                &format!("{addr}.module.kms.aws_kms_key.this[0]"),
                "arn",
            )),
            _ => None,
        };
        if let Some(k) = key {
            let mut eb = RBody::new(enc_at.clone());
            eb.set(
                "resources",
                e.get("resources").cloned().unwrap_or(strs(&["secrets"])),
                enc_at.clone(),
            );
            let mut pb = RBody::new(enc_at.clone());
            pb.set("key_arn", k, enc_at.clone());
            eb.blocks.push(("provider".into(), pb));
            b.blocks.push(("encryption_config".into(), eb));
        }
    }

    // Access: API_AND_CONFIG_MAP and no creator admin by default since v20.
    let mut ac = RBody::new(cx.call_at.clone());
    let (mode, mode_at) = cx.input_or("authentication_mode", |m| {
        Some(s(if m >= 20 {
            "API_AND_CONFIG_MAP"
        } else {
            "CONFIG_MAP"
        }))
    });
    ac.set("authentication_mode", mode, mode_at);
    let (creator, creator_at) = cx.input_or("enable_cluster_creator_admin_permissions", |m| {
        if m >= 20 {
            Some(V::Bool(false))
        } else {
            None
        }
    });
    let creator_flag = if cx.majors.set.iter().all(|m| *m < 20) {
        V::Bool(true)
    } else {
        creator.clone()
    };
    ac.set(
        "bootstrap_cluster_creator_admin_permissions",
        creator_flag,
        creator_at.clone(),
    );
    b.blocks.push(("access_config".into(), ac));
    if let Some((pol, pol_at)) = cx.input(pick(cx, "upgrade_policy", "cluster_upgrade_policy")) {
        if let Some(st) = pol.get("support_type") {
            let mut ub = RBody::new(pol_at.clone());
            ub.set("support_type", st.clone(), pol_at);
            b.blocks.push(("upgrade_policy".into(), ub));
        }
    }
    if let Some((cc, cc_at)) = cx.input(pick(cx, "compute_config", "cluster_compute_config")) {
        let mut cb = RBody::new(cc_at.clone());
        cb.set(
            "enabled",
            cc.get("enabled").cloned().unwrap_or(V::Bool(false)),
            cc_at,
        );
        b.blocks.push(("compute_config".into(), cb));
    }
    cx.res(caddr.clone(), "aws_eks_cluster", b);
    // `module.eks.cluster_name` is the cluster's name: when that is not known (a random
    // suffix), it still says which cluster it is, so node groups and add-ons find it.
    let cluster_name = name.with_origin(&caddr, "name");

    // IRSA OIDC provider.
    let (irsa, _) = cx.input_or("enable_irsa", |m| Some(V::Bool(m >= 18)));
    let oidc_addr = format!("{addr}.aws_iam_openid_connect_provider.oidc_provider[0]");
    match irsa.as_bool() {
        Some(true) => {
            let mut ob = RBody::new(cx.call_at.clone());
            ob.set("url", V::computed(&caddr, "identity"), cx.call_at.clone());
            cx.res(oidc_addr.clone(), "aws_iam_openid_connect_provider", ob);
        }
        Some(false) => cx
            .none_created
            .push("aws_iam_openid_connect_provider".into()),
        None => {}
    }

    // Add-ons.
    if let Some((addons, at)) = cx.input(pick(cx, "addons", "cluster_addons")) {
        if let Some(m) = addons.as_obj() {
            for (k, cfg) in crate::funcs::visible(m) {
                let mut ab = RBody::new(at.clone());
                ab.set("cluster_name", cluster_name.clone(), at.clone());
                ab.set(
                    "addon_name",
                    cfg.get("name").cloned().unwrap_or(s(k)),
                    at.clone(),
                );
                for (from, to) in [
                    ("addon_version", "addon_version"),
                    ("service_account_role_arn", "service_account_role_arn"),
                    ("configuration_values", "configuration_values"),
                ] {
                    if let Some(v) = cfg.get(from).filter(|v| !v.is_null()) {
                        ab.set(to, v.clone(), at.clone());
                    }
                }
                if let Some(V::List(pia)) = cfg.get("pod_identity_association") {
                    if let Some(first) = pia.first() {
                        let mut pb = RBody::new(at.clone());
                        pb.set(
                            "role_arn",
                            first.get("role_arn").cloned().unwrap_or(V::Null),
                            at.clone(),
                        );
                        ab.blocks.push(("pod_identity_association".into(), pb));
                    }
                }
                cx.res(
                    format!("{addr}.aws_eks_addon.this[{k:?}]"),
                    "aws_eks_addon",
                    ab,
                );
            }
        } else {
            cx.notes.push(format!(
                "{addr}: the add-on map is not known; add-ons are not scanned"
            ));
        }
    }

    // Access entries.
    if let Some((entries, at)) = cx.input("access_entries") {
        for (k, e) in entries
            .as_obj()
            .map(|m| {
                crate::funcs::visible(m)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        {
            let principal = e
                .get("principal_arn")
                .cloned()
                .unwrap_or(V::unknown("principal_arn is not set"));
            let mut eb = RBody::new(at.clone());
            eb.set("cluster_name", cluster_name.clone(), at.clone());
            eb.set("principal_arn", principal.clone(), at.clone());
            if let Some(g) = e.get("kubernetes_groups") {
                eb.set("kubernetes_groups", g.clone(), at.clone());
            }
            cx.res(
                format!("{addr}.aws_eks_access_entry.this[{k:?}]"),
                "aws_eks_access_entry",
                eb,
            );
            if let Some(pa) = e.get("policy_associations").and_then(V::as_obj) {
                for (pk, p) in crate::funcs::visible(pa) {
                    let mut pb = RBody::new(at.clone());
                    pb.set("cluster_name", cluster_name.clone(), at.clone());
                    pb.set("principal_arn", principal.clone(), at.clone());
                    pb.set(
                        "policy_arn",
                        p.get("policy_arn").cloned().unwrap_or(V::Null),
                        at.clone(),
                    );
                    cx.res(
                        format!("{addr}.aws_eks_access_policy_association.this[\"{k}_{pk}\"]"),
                        "aws_eks_access_policy_association",
                        pb,
                    );
                }
            }
        }
    }
    if creator.as_bool() == Some(true) && cx.majors.set.iter().all(|m| *m >= 20) {
        let principal =
            V::unknown("the identity that runs terraform apply (data.aws_iam_session_context)");
        let mut eb = RBody::new(creator_at.clone());
        eb.set("cluster_name", cluster_name.clone(), creator_at.clone());
        eb.set("principal_arn", principal.clone(), creator_at.clone());
        cx.res(
            format!("{addr}.aws_eks_access_entry.this[\"cluster_creator\"]"),
            "aws_eks_access_entry",
            eb,
        );
    }

    // Node groups and Fargate profiles.
    let mut mng_out = BTreeMap::new();
    let groups_key = if cx.majors.set.iter().all(|m| *m < 18) {
        "node_groups"
    } else {
        "eks_managed_node_groups"
    };
    // The node groups get the cluster's IP family (it picks their CNI policy).
    // (Where the group is written stays its position: entries of one group share it.)
    let with_family = |mut inputs: Inputs| {
        let at = inputs
            .values()
            .next()
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| ip_at.clone());
        inputs
            .entry("cluster_ip_family".to_string())
            .or_insert_with(|| (ip_family.clone(), at));
        inputs
    };
    for (k, inputs) in cx.map_entries(groups_key, "eks_managed_node_group_defaults", "node groups")
    {
        let gaddr = format!("{addr}.module.eks_managed_node_group[{k:?}]");
        let inputs = with_family(inputs);
        let o = managed_node_group(
            cx,
            &gaddr,
            &k,
            &inputs,
            &BTreeMap::new(),
            &cluster_name,
            Some((&subnets, &subnets_at)),
        );
        mng_out.insert(k, o);
    }
    for (k, inputs) in cx.map_entries(
        "fargate_profiles",
        "fargate_profile_defaults",
        "Fargate profiles",
    ) {
        let paddr = format!("{addr}.module.fargate_profile[{k:?}]");
        fargate_profile(
            cx,
            &paddr,
            &k,
            &inputs,
            &BTreeMap::new(),
            &cluster_name,
            Some((&subnets, &subnets_at)),
        );
    }
    for (k, inputs) in cx.map_entries(
        "self_managed_node_groups",
        "self_managed_node_group_defaults",
        "node groups",
    ) {
        let gaddr = format!("{addr}.module.self_managed_node_group[{k:?}]");
        let inputs = with_family(inputs);
        self_managed_node_group(
            cx,
            &gaddr,
            &k,
            &inputs,
            &cluster_name,
            Some((&subnets, &subnets_at)),
        );
    }

    let mut known = BTreeMap::new();
    known.insert("cluster_name".into(), cluster_name);
    if let Some((v, _)) = cx.input(pick(cx, "kubernetes_version", "cluster_version")) {
        known.insert("cluster_version".into(), v);
    }
    known.extend(eks_oidc_outputs(&addr));
    known.insert("eks_managed_node_groups".into(), V::obj(mng_out));
    outputs(&addr, known)
}

fn merge_obj(a: &V, b: &V) -> V {
    let mut m: BTreeMap<String, V> = a.as_obj().cloned().unwrap_or_default();
    if let Some(bm) = b.as_obj() {
        for (k, v) in bm.iter() {
            m.insert(k.clone(), v.clone());
        }
    }
    V::obj(m)
}

#[allow(clippy::too_many_arguments)]
fn managed_node_group(
    cx: &mut Ctx,
    addr: &str,
    key: &str,
    inputs: &Inputs,
    _unused: &Inputs,
    cluster_name: &V,
    parent_subnets: Option<(&V, &Prov)>,
) -> V {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let at = cx.entry_at(inputs);
    let ngaddr = format!("{addr}.aws_eks_node_group.this[0]");
    let mut b = RBody::new(at.clone());
    b.set("cluster_name", cluster_name.clone(), at.clone());
    let name = get("name").map(|(v, _)| v).unwrap_or(s(key));
    b.set("node_group_name", name, at.clone());
    let v17 = cx.majors.set.iter().all(|m| *m < 18);
    let (min_k, max_k, des_k) = if v17 {
        ("min_capacity", "max_capacity", "desired_capacity")
    } else {
        ("min_size", "max_size", "desired_size")
    };
    let mut sc = RBody::new(at.clone());
    for (k, out, d) in [
        (min_k, "min_size", if v17 { 1.0 } else { 0.0 }),
        (max_k, "max_size", 3.0),
        (des_k, "desired_size", 1.0),
    ] {
        match get(k) {
            Some((v, p)) => sc.set(out, v, p),
            None => sc.set(out, V::Num(d), at.clone()),
        }
    }
    b.blocks.push(("scaling_config".into(), sc));
    if let Some((v, p)) = get("instance_types") {
        b.set("instance_types", v, p);
    }
    match get("ami_type") {
        Some((v, p)) => b.set("ami_type", v, p),
        None => {
            let d = by_major(&cx.majors, |m| match m {
                // Before v21 the module leaves it to EKS (which picks by Kubernetes version).
                21 => Some("AL2023_x86_64_STANDARD"),
                _ => None,
            });
            if let Some(d) = d {
                b.set("ami_type", s(d), at.clone());
                b.defaults.insert("ami_type".into(), cx.why());
            }
        }
    }
    match get("subnet_ids") {
        Some((v, p)) => b.set("subnet_ids", v, p),
        None => {
            if let Some((v, p)) = parent_subnets {
                b.set("subnet_ids", v.clone(), p.clone());
            }
        }
    }
    for k in ["labels", "capacity_type"] {
        if let Some((v, p)) = get(k) {
            b.set(k, v, p);
        }
    }
    if let Some((v, p)) = get("kubernetes_version").or(get("cluster_version")) {
        b.set("version", v, p);
    }
    // Launch template (custom by default since v18).
    let use_lt = match get("use_custom_launch_template").or(get("create_launch_template")) {
        Some((v, _)) => v.as_bool().unwrap_or(true),
        None => !v17,
    };
    if use_lt {
        let ltaddr = node_launch_template(cx, addr, inputs, &at);
        let mut ltb = RBody::new(at.clone());
        ltb.set("id", V::computed(&ltaddr, "id"), at.clone());
        b.blocks.push(("launch_template".into(), ltb));
    }
    if let Some(role) = node_role(cx, addr, inputs, &at) {
        b.set("node_role_arn", role.0, role.1);
    }
    cx.res(ngaddr.clone(), "aws_eks_node_group", b);
    outputs(addr, BTreeMap::new())
}

/// The launch template the node group submodules create: IMDS options (required tokens; hop
/// limit 2 until v20, 1 since v21), EBS encryption and AMI when given. Returns its address.
fn node_launch_template(cx: &mut Ctx, addr: &str, inputs: &Inputs, at: &Prov) -> String {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let ltaddr = format!("{addr}.aws_launch_template.this[0]");
    let mut lb = RBody::new(at.clone());
    let mut md = RBody::new(at.clone());
    let given = get("metadata_options");
    let tokens = given
        .as_ref()
        .and_then(|(v, _)| v.get("http_tokens").cloned())
        .unwrap_or(s("required"));
    let hop = given
        .as_ref()
        .and_then(|(v, _)| v.get("http_put_response_hop_limit").cloned())
        .or_else(|| {
            by_major(&cx.majors, |m| {
                Some(V::Num(if m >= 21 { 1.0 } else { 2.0 }))
            })
        });
    let md_at = given.as_ref().map(|(_, p)| p.clone()).unwrap_or(at.clone());
    if given
        .as_ref()
        .and_then(|(v, _)| v.get("http_tokens"))
        .is_none()
    {
        md.defaults.insert("http_tokens".into(), cx.why());
    }
    if given
        .as_ref()
        .and_then(|(v, _)| v.get("http_put_response_hop_limit"))
        .is_none()
    {
        md.defaults
            .insert("http_put_response_hop_limit".into(), cx.why());
    }
    md.set("http_tokens", tokens, md_at.clone());
    match hop {
        Some(h) => md.set("http_put_response_hop_limit", h, md_at.clone()),
        None => md.set(
            "http_put_response_hop_limit",
            V::unknown("the module's default hop limit changed from 2 to 1 in v21 and the version constraint allows both"),
            md_at.clone(),
        ),
    }
    lb.blocks.push(("metadata_options".into(), md));
    if let Some((bdm, p)) = get("block_device_mappings") {
        let first = match &bdm {
            V::Obj(m) => crate::funcs::visible(m).next().map(|(_, v)| v.clone()),
            V::List(l) => l.first().cloned(),
            _ => None,
        };
        if let Some(ebs) = first.and_then(|f| f.get("ebs").cloned()) {
            let mut bb = RBody::new(p.clone());
            let mut eb = RBody::new(p.clone());
            if let Some(e) = ebs.get("encrypted") {
                eb.set("encrypted", e.clone(), p.clone());
            }
            bb.blocks.push(("ebs".into(), eb));
            lb.blocks.push(("block_device_mappings".into(), bb));
        }
    }
    if let Some((v, p)) = get("ami_id") {
        if v.as_str() != Some("") {
            lb.set("image_id", v, p);
        }
    }
    if let Some((v, p)) = get("instance_type") {
        lb.set("instance_type", v, p);
    }
    cx.res(ltaddr.clone(), "aws_launch_template", lb);
    ltaddr
}

/// The node IAM role the node group submodules create (worker, ECR read-only and, unless
/// `iam_role_attach_cni_policy = false`, the CNI policy), or the role given. Returns the value for
/// `node_role_arn` and where it was set.
fn node_role(cx: &mut Ctx, addr: &str, inputs: &Inputs, at: &Prov) -> Option<(V, Prov)> {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let create_role = get("create_iam_role")
        .map(|(v, _)| v.as_bool() != Some(false))
        .unwrap_or(true);
    if !create_role {
        return get("iam_role_arn");
    }
    let raddr = format!("{addr}.aws_iam_role.this[0]");
    let mut rb = RBody::new(at.clone());
    let trust = obj(vec![
        ("Version", s("2012-10-17")),
        (
            "Statement",
            V::list(vec![obj(vec![
                ("Effect", s("Allow")),
                ("Action", s("sts:AssumeRole")),
                ("Principal", obj(vec![("Service", s("ec2.amazonaws.com"))])),
            ])]),
        ),
    ]);
    rb.set(
        "assume_role_policy",
        V::str(trust.to_json().map(|j| j.to_string()).unwrap_or_default()),
        at.clone(),
    );
    let mut policies = vec![
        s("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"),
        s("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"),
    ];
    match get("iam_role_attach_cni_policy")
        .map(|(v, _)| v.as_bool())
        .unwrap_or(Some(true))
    {
        // With IPv6 the submodules attach the IPv6 CNI policy (a policy in the account, which
        // the eks module creates with `create_cni_ipv6_iam_policy`).
        Some(true)
            if get("cluster_ip_family")
                .and_then(|(v, _)| v.as_str().map(str::to_string))
                .as_deref()
                == Some("ipv6") =>
        {
            policies.push(V::Unknown(std::sync::Arc::new(crate::value::Unk {
                pattern: Some("arn:*:iam::*:policy/AmazonEKS_CNI_IPv6_Policy".into()),
                ..crate::value::Unk::because("the account id is read at plan time")
            })))
        }
        Some(true) if get("cluster_ip_family").is_some_and(|(v, _)| v.as_str().is_none()) => {
            policies.push(V::unknown(
                "the CNI policy depends on the cluster's IP family, which is not known",
            ))
        }
        Some(true) => policies.push(s("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy")),
        Some(false) => {}
        None => rb.set(
            "managed_policy_arns",
            V::unknown("iam_role_attach_cni_policy is not known"),
            at.clone(),
        ),
    }
    if let Some((extra, _)) = get("iam_role_additional_policies") {
        match &extra {
            V::Obj(m) => policies.extend(crate::funcs::visible(m).map(|(_, v)| v.clone())),
            V::List(l) => policies.extend(l.iter().cloned()),
            _ => {}
        }
    }
    if !rb.attrs.contains_key("managed_policy_arns") {
        rb.set("managed_policy_arns", V::list(policies), at.clone());
        if get("iam_role_attach_cni_policy").is_none() {
            rb.defaults.insert("managed_policy_arns".into(), cx.why());
        }
    }
    cx.res(raddr.clone(), "aws_iam_role", rb);
    Some((V::computed(&raddr, "arn"), at.clone()))
}

/// A self-managed node group: an Auto Scaling group tagged for the cluster, launched from the
/// submodule's launch template with the instance profile of its node role.
#[allow(clippy::too_many_arguments)]
fn self_managed_node_group(
    cx: &mut Ctx,
    addr: &str,
    key: &str,
    inputs: &Inputs,
    cluster_name: &V,
    parent_subnets: Option<(&V, &Prov)>,
) -> V {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let at = cx.entry_at(inputs);
    let ltaddr = node_launch_template(cx, addr, inputs, &at);
    if let Some((role, rat)) = node_role(cx, addr, inputs, &at) {
        // The instance profile of the node role, referenced from the launch template.
        let paddr = format!("{addr}.aws_iam_instance_profile.this[0]");
        let mut pb = RBody::new(rat.clone());
        let role_ref = match role.unk().and_then(|u| u.addr.clone()) {
            Some(r) => V::computed(&r, "name"),
            None => role,
        };
        pb.set("role", role_ref, rat.clone());
        cx.res(paddr.clone(), "aws_iam_instance_profile", pb);
        if let Some(lt) = cx.out.iter_mut().find(|r| r.addr == ltaddr) {
            let mut ip = RBody::new(rat.clone());
            ip.set("arn", V::computed(&paddr, "arn"), rat.clone());
            lt.body.blocks.push(("iam_instance_profile".into(), ip));
        }
    }
    let mut b = RBody::new(at.clone());
    b.set(
        "name",
        get("name").map(|(v, _)| v).unwrap_or(s(key)),
        at.clone(),
    );
    for (k, out, d) in [
        ("min_size", "min_size", 0.0),
        ("max_size", "max_size", 3.0),
        ("desired_size", "desired_capacity", 1.0),
    ] {
        match get(k) {
            Some((v, p)) => b.set(out, v, p),
            None => {
                b.set(out, V::Num(d), at.clone());
                b.defaults.insert(out.into(), cx.why());
            }
        }
    }
    match get("subnet_ids") {
        Some((v, p)) => b.set("vpc_zone_identifier", v, p),
        None => {
            if let Some((v, p)) = parent_subnets {
                b.set("vpc_zone_identifier", v.clone(), p.clone());
            }
        }
    }
    let mut ltb = RBody::new(at.clone());
    ltb.set("id", V::computed(&ltaddr, "id"), at.clone());
    b.blocks.push(("launch_template".into(), ltb));
    let tag_key = match cluster_name.to_template_string() {
        Some(n) => format!("kubernetes.io/cluster/{n}"),
        None => "kubernetes.io/cluster/(unknown)".into(),
    };
    let mut tb = RBody::new(at.clone());
    tb.set("key", V::str(tag_key), at.clone());
    tb.set("value", s("owned"), at.clone());
    b.blocks.push(("tag".into(), tb));
    cx.res(
        format!("{addr}.aws_autoscaling_group.this[0]"),
        "aws_autoscaling_group",
        b,
    );
    outputs(addr, BTreeMap::new())
}

/// The karpenter submodule: no nodes of its own, but Karpenter will provision capacity for the
/// cluster, and its node role and Pod Identity association are created here.
fn karpenter(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let at = cx.call_at.clone();
    let cluster = cx
        .input("cluster_name")
        .map(|(v, _)| v)
        .unwrap_or(V::unknown("cluster_name is not set"));
    let inputs: Inputs = [
        "node_iam_role_attach_cni_policy",
        "node_iam_role_additional_policies",
        "create_node_iam_role",
        "node_iam_role_arn",
    ]
    .iter()
    .filter_map(|k| {
        // The submodule's `node_iam_role_*` inputs are the node group's `iam_role_*`.
        let short = match *k {
            "create_node_iam_role" => "create_iam_role".to_string(),
            k => k.trim_start_matches("node_").to_string(),
        };
        cx.input(k).map(|v| (short, v))
    })
    .collect();
    node_role(cx, &addr, &inputs, &at);
    let (pia, _) = cx.input_or("create_pod_identity_association", |m| {
        Some(V::Bool(m >= 21))
    });
    if pia.as_bool() == Some(true) {
        let mut b = RBody::new(at.clone());
        b.set("cluster_name", cluster.clone(), at.clone());
        let ns = cx
            .input("namespace")
            .map(|(v, _)| v)
            .unwrap_or(s("kube-system"));
        let sa = cx
            .input("service_account")
            .map(|(v, _)| v)
            .unwrap_or(s("karpenter"));
        b.set("namespace", ns, at.clone());
        b.set("service_account", sa, at.clone());
        b.set(
            "role_arn",
            V::computed(&format!("{addr}.aws_iam_role.controller[0]"), "arn"),
            at.clone(),
        );
        cx.res(
            format!("{addr}.aws_eks_pod_identity_association.karpenter[0]"),
            "aws_eks_pod_identity_association",
            b,
        );
    }
    let mut kb = RBody::new(at.clone());
    kb.set("cluster_name", cluster, at.clone());
    cx.res(
        format!("{addr}.karpenter_capacity"),
        "eksdoctor_karpenter",
        kb,
    );
    outputs(&addr, BTreeMap::new())
}

#[allow(clippy::too_many_arguments)]
fn fargate_profile(
    cx: &mut Ctx,
    addr: &str,
    key: &str,
    inputs: &Inputs,
    _unused: &Inputs,
    cluster_name: &V,
    parent_subnets: Option<(&V, &Prov)>,
) -> V {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let at = cx.entry_at(inputs);
    let mut b = RBody::new(at.clone());
    b.set("cluster_name", cluster_name.clone(), at.clone());
    b.set(
        "fargate_profile_name",
        get("name").map(|(v, _)| v).unwrap_or(s(key)),
        at.clone(),
    );
    match get("subnet_ids") {
        Some((v, p)) => b.set("subnet_ids", v, p),
        None => {
            if let Some((v, p)) = parent_subnets {
                b.set("subnet_ids", v.clone(), p.clone());
            }
        }
    }
    if let Some((sel, p)) = get("selectors") {
        for x in sel.as_list().into_iter().flatten() {
            let mut sb = RBody::new(p.clone());
            if let Some(ns) = x.get("namespace") {
                sb.set("namespace", ns.clone(), p.clone());
            }
            if let Some(l) = x.get("labels") {
                sb.set("labels", l.clone(), p.clone());
            }
            b.blocks.push(("selector".into(), sb));
        }
    }
    cx.res(
        format!("{addr}.aws_eks_fargate_profile.this[0]"),
        "aws_eks_fargate_profile",
        b,
    );
    outputs(addr, BTreeMap::new())
}

// ---------------------------------------------------------------------------------------------
/// An EKS cluster's OIDC issuer without its scheme, unknown parts as `*`.
const EKS_ISSUER_HOST_PATTERN: &str = "oidc.eks.*.amazonaws.com/id/*";

/// The eks module's OIDC outputs. EKS issuers all have the form
/// `https://oidc.eks.<region>.amazonaws.com/id/<ID>`, so a trust policy built from them is
/// recognisably an EKS cluster's, whatever the inputs.
fn eks_oidc_outputs(addr: &str) -> BTreeMap<String, V> {
    let caddr = format!("{addr}.aws_eks_cluster.this[0]");
    let oidc_addr = format!("{addr}.aws_iam_openid_connect_provider.oidc_provider[0]");
    BTreeMap::from([
        (
            "oidc_provider_arn".to_string(),
            V::computed_like(
                &oidc_addr,
                "arn",
                &format!("arn:*:iam::*:oidc-provider/{EKS_ISSUER_HOST_PATTERN}"),
            ),
        ),
        (
            "oidc_provider".to_string(),
            V::computed_like(&caddr, "identity", EKS_ISSUER_HOST_PATTERN),
        ),
        (
            "cluster_oidc_issuer_url".to_string(),
            V::computed_like(
                &caddr,
                "identity",
                &format!("https://{EKS_ISSUER_HOST_PATTERN}"),
            ),
        ),
    ])
}

/// Outputs of a modelled module that do not depend on its inputs, for references made while
/// its inputs are still being evaluated (the eks module and an IRSA role module feed each
/// other: the role takes the cluster's OIDC provider, an add-on takes the role's ARN).
pub fn input_free_outputs(source: &str, addr: &str) -> Option<V> {
    let (main, sub) = registry(source)?;
    match (main.as_str(), sub.as_str()) {
        ("terraform-aws-modules/eks/aws", "") => Some(outputs(addr, eks_oidc_outputs(addr))),
        _ => None,
    }
}

// terraform-aws-modules/iam/aws//modules/iam-assumable-role-with-oidc (v3 to v5; gone in v6).
// Read from the module's main.tf and variables.tf (v5.x): no role unless `create_role = true`;
// one trust statement per provider URL (`provider_url` and `provider_urls`, `https://`
// removed), with `StringEquals <url>:sub` from `oidc_fully_qualified_subjects`, `StringLike
// <url>:sub` from `oidc_subjects_with_wildcards` and `StringLike <url>:aud` from
// `oidc_fully_qualified_audiences`, each only when its list is not empty; `role_policy_arns`
// attached.

fn assumable_role_with_oidc(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let raddr = format!("{addr}.aws_iam_role.this[0]");
    let at = cx.call_at.clone();
    let (create, _) = cx.input_or("create_role", |_| Some(V::Bool(false)));
    match create.as_bool() {
        Some(true) => {}
        Some(false) => return outputs(&addr, BTreeMap::new()),
        None => {
            cx.notes.push(format!(
                "{addr}: `create_role` is not known; its role is not scanned"
            ));
            return outputs(&addr, BTreeMap::new());
        }
    }
    // The provider URLs as text, unknown parts as `*` (their pattern when they have one).
    let text = |v: &V| -> Option<String> {
        match v {
            V::Str(x) => Some(x.to_string()),
            V::Unknown(u) => Some(u.pattern.clone().unwrap_or_else(|| "*".into())),
            _ => None,
        }
    };
    let mut urls: Vec<String> = Vec::new();
    let mut unknown = None;
    if let Some((list, _)) = cx.input("provider_urls") {
        match list.as_list() {
            Some(l) => urls.extend(l.iter().filter_map(text)),
            None => unknown = Some("provider_urls is not known"),
        }
    }
    if let Some((one, _)) = cx.input("provider_url") {
        urls.extend(text(&one));
    }
    let mut urls: Vec<String> = urls
        .into_iter()
        .filter(|u| !u.is_empty())
        .map(|u| u.replace("https://", ""))
        .collect();
    urls.dedup();
    let list_input = |cx: &Ctx, name: &str| -> Result<Vec<V>, ()> {
        match cx.input(name) {
            None => Ok(Vec::new()),
            Some((v, _)) => v.as_list().map(<[V]>::to_vec).ok_or(()),
        }
    };
    let subjects = list_input(cx, "oidc_fully_qualified_subjects");
    let wildcards = list_input(cx, "oidc_subjects_with_wildcards");
    let audiences = list_input(cx, "oidc_fully_qualified_audiences");
    let (Ok(subjects), Ok(wildcards), Ok(audiences)) = (subjects, wildcards, audiences) else {
        let why = "its OIDC subject or audience lists are not known";
        return finish_role(cx, &addr, &raddr, (&at, &at), Err(why), Vec::new());
    };
    let statements: Vec<V> = urls
        .iter()
        .map(|url| {
            let mut cond = BTreeMap::new();
            for (test, key, values) in [
                ("StringEquals", "sub", &subjects),
                ("StringLike", "sub", &wildcards),
                ("StringLike", "aud", &audiences),
            ] {
                if values.is_empty() {
                    continue;
                }
                let entry = cond
                    .entry(test.to_string())
                    .or_insert_with(|| V::obj(BTreeMap::new()));
                if let V::Obj(m) = entry {
                    let mut m2 = (**m).clone();
                    m2.insert(format!("{url}:{key}"), V::list(values.clone()));
                    *entry = V::obj(m2);
                }
            }
            let federated = V::Unknown(std::sync::Arc::new(crate::value::Unk {
                pattern: Some(format!("arn:*:iam::*:oidc-provider/{url}")),
                ..crate::value::Unk::because("the account and partition are read at plan time")
            }));
            let mut st = vec![
                ("Effect", s("Allow")),
                ("Action", s("sts:AssumeRoleWithWebIdentity")),
                ("Principal", obj(vec![("Federated", federated)])),
            ];
            if !cond.is_empty() {
                st.push(("Condition", V::obj(cond)));
            }
            obj(st)
        })
        .collect();
    let doc = obj(vec![
        ("Version", s("2012-10-17")),
        ("Statement", V::list(statements)),
    ]);
    finish_role(
        cx,
        &addr,
        &raddr,
        (&at, &at),
        unknown.map_or(Ok(doc), Err),
        Vec::new(),
    )
}

/// The role of an IRSA module: its trust policy (a document whose principals are known after
/// apply, or the reason it is not known; written at `trust_at`) and the managed policies
/// (`policies`, then those of `role_policy_arns`).
fn finish_role(
    cx: &mut Ctx,
    addr: &str,
    raddr: &str,
    (at, trust_at): (&Prov, &Prov),
    trust: Result<V, &str>,
    mut policies: Vec<V>,
) -> V {
    let mut rb = RBody::new(at.clone());
    let trust = match trust {
        Ok(doc) => V::Unknown(std::sync::Arc::new(crate::value::Unk {
            partial: Some(doc),
            ..crate::value::Unk::because("the OIDC provider ARN is known after apply")
        })),
        Err(why) => V::unknown(why),
    };
    rb.set("assume_role_policy", trust, trust_at.clone());
    if let Some((extra, _)) = cx.input("role_policy_arns") {
        match &extra {
            V::Obj(m) => policies.extend(crate::funcs::visible(m).map(|(_, v)| v.clone())),
            V::List(l) => policies.extend(l.iter().cloned()),
            _ => {}
        }
    }
    rb.set("managed_policy_arns", V::list(policies), at.clone());
    cx.res(raddr.to_string(), "aws_iam_role", rb);
    let mut known = BTreeMap::new();
    known.insert("iam_role_arn".into(), V::computed(raddr, "arn"));
    known.insert("iam_role_name".into(), V::computed(raddr, "name"));
    outputs(addr, known)
}

// terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts(-eks)

fn irsa_role(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let raddr = format!("{addr}.aws_iam_role.this[0]");
    let at = cx.call_at.clone();
    let (providers, p_at) = cx.input_or("oidc_providers", |_| Some(V::obj(BTreeMap::new())));
    let (test, _) = cx.input_or("assume_role_condition_test", |_| Some(s("StringEquals")));
    let test = test.as_str().unwrap_or("StringEquals").to_string();
    let mut statements = Vec::new();
    let mut unknown = false;
    match providers.as_obj() {
        Some(m) => {
            for (_, p) in crate::funcs::visible(m) {
                let sas = p
                    .get("namespace_service_accounts")
                    .cloned()
                    .unwrap_or(V::list(vec![]));
                let subs: Vec<V> = sas
                    .as_list()
                    .map(|l| {
                        l.iter()
                            .map(|x| match x.as_str() {
                                Some(nsa) => s(&format!("system:serviceaccount:{nsa}")),
                                None => x.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if sas.as_list().is_none() {
                    unknown = true;
                }
                let mut cond = BTreeMap::new();
                let mut inner = BTreeMap::new();
                inner.insert("*:sub".to_string(), V::list(subs));
                inner.insert("*:aud".to_string(), s("sts.amazonaws.com"));
                cond.insert(test.clone(), V::obj(inner));
                statements.push(obj(vec![
                    ("Effect", s("Allow")),
                    ("Action", s("sts:AssumeRoleWithWebIdentity")),
                    (
                        "Principal",
                        obj(vec![(
                            "Federated",
                            p.get("provider_arn")
                                .cloned()
                                .unwrap_or(V::unknown("provider_arn is not set")),
                        )]),
                    ),
                    ("Condition", V::obj(cond)),
                ]));
            }
        }
        None => unknown = true,
    }
    let doc = obj(vec![
        ("Version", s("2012-10-17")),
        ("Statement", V::list(statements)),
    ]);
    let mut policies = Vec::new();
    for (flag, arn) in [
        (
            "attach_vpc_cni_policy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ),
        ("attach_ebs_csi_policy", "(module policy) EBS CSI driver"),
    ] {
        if cx.input(flag).and_then(|(v, _)| v.as_bool()) == Some(true) {
            policies.push(s(arn));
        }
    }
    let trust = if unknown {
        Err("oidc_providers is not known")
    } else {
        Ok(doc)
    };
    finish_role(cx, &addr, &raddr, (&at, &p_at), trust, policies)
}
