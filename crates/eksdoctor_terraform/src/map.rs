//! Evaluated resource instances → the inventory. Works the same for HCL, community-module models
//! and plan JSON. References between resources are followed through an address index: a node
//! group's `subnet_ids = aws_subnet.private[*].id` are computed values that still name
//! `aws_subnet.private[0]`, `[1]`, ... .

use crate::policy::policy_node;
use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::*;
use ipnet::IpNet;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

const TF_DEFAULT: &str = "AWS provider default";
const EKS_DEFAULT: &str = "EKS default";

/// Kubernetes objects carried by Terraform resources (`kubernetes_*`, `kubectl_manifest`,
/// `helm_release`), for the manifest reader.
#[derive(Debug, Default)]
pub struct K8sDocs {
    /// Objects as document trees (lines point into the `.tf` file).
    pub objects: Vec<(Arc<str>, Node)>,
    /// YAML text (`kubectl_manifest.yaml_body`) with the attribute's place, and whether it is a
    /// heredoc (its lines are the file's, from the next line) or not (no lines of this file).
    pub yaml: Vec<(Prov, String, bool)>,
    /// Objects whose whole content is known only after apply, with why.
    pub unreadable: Vec<(Prov, String)>,
}

/// A string list from a value; `None` when the list or an element is unknown.
fn str_list(v: &V) -> Option<Vec<String>> {
    match v {
        V::List(l) => l.iter().map(|x| x.to_template_string()).collect(),
        V::Str(s) => Some(vec![s.to_string()]),
        _ => None,
    }
}

fn str_map(v: Option<&V>) -> BTreeMap<String, String> {
    v.and_then(V::as_obj)
        .map(|m| {
            crate::funcs::visible(m)
                .filter_map(|(k, v)| v.to_template_string().map(|s| (k.clone(), s)))
                .collect()
        })
        .unwrap_or_default()
}

/// A role-like reference: known (an ARN or an address), known to be absent, or unknown.
fn val_ref(b: &RBody, k: &str) -> Val<Option<String>> {
    match b.get(k) {
        None => Val::set(None, b.at.clone()),
        Some(v) => match reference(v) {
            Some(r) => Val::set(Some(r), b.at_of(k)),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
    }
}

/// A reference: a known value (an id, a name, an ARN) or the address a computed value comes from.
fn reference(v: &V) -> Option<String> {
    match v {
        V::Unknown(u) => u.addr.clone(),
        other => other.to_template_string(),
    }
}

fn reason(v: &V) -> String {
    v.first_unknown()
        .map(|u| u.reason.clone())
        .unwrap_or_else(|| format!("not a usable value: {v}"))
}

/// A known value, marked as a default when the body says it was not written.
fn known<T>(b: &RBody, k: &str, v: T) -> Val<T> {
    match b.default_of(k) {
        Some(why) => Val::defaulted(v, b.at_of(k), why),
        None => Val::set(v, b.at_of(k)),
    }
}

fn val_str(b: &RBody, k: &str, default: Option<(&str, &'static str)>) -> Val<String> {
    match b.get(k) {
        Some(v) => match v.to_template_string() {
            Some(s) => known(b, k, s),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => match default {
            Some((d, why)) => Val::defaulted(d.to_string(), b.at.clone(), why),
            None => Val::unknown(format!("{k} is not set"), b.at.clone()),
        },
    }
}

fn val_bool(b: &RBody, k: &str, default: Option<(bool, &'static str)>) -> Val<bool> {
    match b.get(k) {
        Some(v) => match v.as_bool() {
            Some(x) => known(b, k, x),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => match default {
            Some((d, why)) => Val::defaulted(d, b.at.clone(), why),
            None => Val::unknown(format!("{k} is not set"), b.at.clone()),
        },
    }
}

fn val_u32(b: &RBody, k: &str) -> Val<u32> {
    match b.get(k) {
        Some(v) => match v.as_u32() {
            Some(x) => known(b, k, x),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => Val::unknown(format!("{k} is not set"), b.at.clone()),
    }
}

fn val_list(b: &RBody, k: &str, default: Option<(Vec<String>, &'static str)>) -> Val<Vec<String>> {
    match b.get(k) {
        Some(v) => match str_list(v) {
            Some(l) => known(b, k, l),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => match default {
            Some((d, why)) => Val::defaulted(d, b.at.clone(), why),
            None => Val::unknown(format!("{k} is not set"), b.at.clone()),
        },
    }
}

/// References (ids or addresses) in a list attribute; `None` when some cannot be followed.
fn refs(v: &V) -> Option<Vec<String>> {
    match v {
        V::List(l) => l.iter().map(reference).collect(),
        V::Str(s) => Some(vec![s.to_string()]),
        _ => None,
    }
}

fn val_refs(b: &RBody, k: &str) -> Val<Vec<String>> {
    match b.get(k) {
        Some(v) => match refs(v) {
            Some(r) => Val::set(r, b.at_of(k)),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => Val::unknown(format!("{k} is not set"), b.at.clone()),
    }
}

struct Index<'a> {
    by_addr: HashMap<&'a str, &'a Res>,
    by_base: HashMap<&'a str, Vec<&'a Res>>,
}

impl<'a> Index<'a> {
    fn new(res: &'a [Res]) -> Index<'a> {
        let mut by_addr = HashMap::new();
        let mut by_base: HashMap<&str, Vec<&Res>> = HashMap::new();
        for r in res {
            by_addr.insert(r.addr.as_str(), r);
            by_base.entry(r.base.as_str()).or_default().push(r);
        }
        Index { by_addr, by_base }
    }

    /// Resources a reference points at: an exact address, or every instance of a base address.
    fn lookup(&self, reference: &str) -> Vec<&'a Res> {
        if let Some(r) = self.by_addr.get(reference) {
            return vec![r];
        }
        self.by_base.get(reference).cloned().unwrap_or_default()
    }

    fn of_type(&self, res: &'a [Res], t: &'a str) -> impl Iterator<Item = &'a Res> + 'a {
        res.iter().filter(move |r| !r.data && r.rtype == t)
    }
}

/// Map every resource instance of one root module (or plan) into `inv`, which holds nothing
/// else yet. Identifiers that are resource addresses get the prefix `ns` (the root module or plan
/// file), so that `aws_eks_cluster.this` of two root modules stay two clusters.
pub fn map(
    res: &[Res],
    none_created: &std::collections::BTreeSet<String>,
    ns: &str,
    inv: &mut Inventory,
    k8s: &mut K8sDocs,
) {
    map_raw(res, none_created, inv, k8s);
    for o in inv.opaque.iter_mut().filter(|o| o.namespace.is_empty()) {
        o.namespace = ns.trim_end_matches(NS_SEP).to_string();
    }
    let mut addrs: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in res {
        addrs.insert(r.addr.as_str());
        addrs.insert(r.base.as_str());
    }
    let p = |s: &mut String| {
        if addrs.contains(s.as_str()) {
            *s = format!("{ns}{s}");
        }
    };
    let pv = |v: &mut Val<Vec<String>>| {
        if let Val::Known { value, .. } = v {
            value.iter_mut().for_each(p);
        }
    };
    let po = |v: &mut Val<Option<String>>| {
        if let Val::Known { value: Some(s), .. } = v {
            p(s);
        }
    };
    for c in inv.clusters.iter_mut() {
        p(&mut c.id);
        if let Some(v) = c.vpc.as_mut() {
            p(v);
        }
    }
    for v in inv.vpcs.iter_mut() {
        p(&mut v.id);
    }
    for s in inv.subnets.iter_mut() {
        p(&mut s.name);
        if let Some(v) = s.vpc.as_mut() {
            p(v);
        }
        if let Some(c) = s.cluster.as_mut() {
            p(c);
        }
    }
    for e in inv.vpc_endpoints.iter_mut() {
        if let Some(v) = e.vpc.as_mut() {
            p(v);
        }
        pv(&mut e.subnets);
    }
    for l in inv.launch_templates.iter_mut() {
        p(&mut l.id);
    }
    for r in inv.iam_roles.iter_mut() {
        p(&mut r.id);
    }
    for n in inv.node_groups.iter_mut() {
        p(&mut n.cluster);
        pv(&mut n.subnets);
        po(&mut n.node_role);
        if let Some(l) = n.launch_template.as_mut() {
            p(l);
        }
    }
    for f in inv.fargate_profiles.iter_mut() {
        p(&mut f.cluster);
        if let Val::Known {
            value: Some(list), ..
        } = &mut f.subnets
        {
            list.iter_mut().for_each(p);
        }
    }
    for a in inv.addons.iter_mut() {
        p(&mut a.cluster);
        po(&mut a.role);
    }
    for a in inv.access_entries.iter_mut() {
        p(&mut a.cluster);
        p(&mut a.principal_arn);
    }
    for a in inv.pod_identity_associations.iter_mut() {
        p(&mut a.cluster);
        po(&mut a.role);
    }
    for i in inv.identity_providers.iter_mut() {
        p(&mut i.cluster);
    }
}

fn map_raw(
    res: &[Res],
    none_created: &std::collections::BTreeSet<String>,
    inv: &mut Inventory,
    k8s: &mut K8sDocs,
) {
    let idx = Index::new(res);
    // Module calls (or resources) of this root module whose resources could not be scanned:
    // they may create what the scan does not see (the sources record them before mapping).
    let opaque_parts = inv.opaque.first().map(|o| o.what.clone());
    // Clusters first: other resources point at them by name or address.
    let mut cluster_by_name: HashMap<String, String> = HashMap::new();
    let mut cluster_ids: Vec<String> = Vec::new();
    for r in idx.of_type(res, "aws_eks_cluster") {
        if let Some(n) = r.body.get("name").and_then(V::to_template_string) {
            cluster_by_name.insert(n, r.addr.clone());
        }
        cluster_ids.push(r.addr.clone());
    }
    let sole = if cluster_ids.len() == 1 {
        Some(cluster_ids[0].clone())
    } else {
        None
    };
    let cluster_of = |b: &RBody| -> Option<String> {
        let v = b.get("cluster_name")?;
        match v {
            V::Unknown(u) => match &u.addr {
                Some(a) if cluster_ids.contains(a) => Some(a.clone()),
                _ => sole.clone(),
            },
            other => {
                let n = other.to_template_string()?;
                // A cluster defined elsewhere keeps its name so objects stay grouped.
                Some(cluster_by_name.get(&n).cloned().unwrap_or(n))
            }
        }
    };

    // VPCs and subnets.
    for r in idx.of_type(res, "aws_vpc") {
        let b = &r.body;
        inv.vpcs.push(Vpc {
            id: r.addr.clone(),
            cidr: cidr_val(b, "cidr_block"),
            dns_support: val_bool(b, "enable_dns_support", Some((true, TF_DEFAULT))),
            dns_hostnames: val_bool(b, "enable_dns_hostnames", Some((false, TF_DEFAULT))),
            at: b.at.clone(),
        });
    }
    let routes = RouteInfo::build(res, &idx);
    for r in idx.of_type(res, "aws_subnet") {
        let b = &r.body;
        let vpc = b.get("vpc_id").and_then(reference);
        inv.subnets.push(Subnet {
            name: r.addr.clone(),
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
                .find(|s| s.name == t || s.id.as_deref() == Some(t))
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
        inv.opaque.push(Opaque {
            namespace: String::new(),
            what,
            at,
        });
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
            vpc: b.get("vpc_id").and_then(reference),
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

    // IAM roles with their policies.
    map_iam(res, &idx, inv);

    // Launch templates.
    for r in idx.of_type(res, "aws_launch_template") {
        let b = &r.body;
        let md = b.block("metadata_options");
        let http_tokens = match md {
            Some(m) => val_str(m, "http_tokens", Some(("optional", "EC2 default when metadata_options omits it"))),
            None => Val::unknown(
                "the launch template sets no metadata_options: the AMI's or the account's default applies",
                b.at.clone(),
            ),
        };
        let hop_limit = match md.and_then(|m| m.get("http_put_response_hop_limit")) {
            Some(_) => val_u32(md.expect("checked"), "http_put_response_hop_limit"),
            None => Val::unknown(
                "http_put_response_hop_limit is not set: the AMI's or the account's default applies",
                md.map_or(b.at.clone(), |m| m.at.clone()),
            ),
        };
        inv.launch_templates.push(LaunchTemplate {
            id: r.addr.clone(),
            http_tokens,
            hop_limit,
            user_data_max_pods: user_data_max_pods(b),
            at: b.at.clone(),
        });
    }

    // Clusters.
    for r in idx.of_type(res, "aws_eks_cluster") {
        let b = &r.body;
        let at = b.at.clone();
        let vc = b.block("vpc_config");
        let vcb = vc.cloned().unwrap_or_else(|| RBody::new(at.clone()));
        let log_types = val_list(
            b,
            "enabled_cluster_log_types",
            Some((Vec::new(), TF_DEFAULT)),
        );
        let secrets_kms_key = match b.get("encryption_config") {
            Some(v @ V::Unknown(_)) => Val::unknown(
                format!("encryption_config: {}", reason(v)),
                b.at_of("encryption_config"),
            ),
            _ => match b.block("encryption_config") {
                Some(e) => {
                    let secrets = e
                        .get("resources")
                        .and_then(str_list)
                        .is_some_and(|l| l.iter().any(|x| x == "secrets"));
                    match e.block("provider").and_then(|p| p.get("key_arn")) {
                        Some(k) if secrets => Val::set(
                            reference(k).or(Some("(known after apply)".into())),
                            e.at.clone(),
                        ),
                        _ => Val::set(None, e.at.clone()),
                    }
                }
                None => Val::defaulted(None, at.clone(), TF_DEFAULT),
            },
        };
        let ac = b.block("access_config");
        let auth_mode = match ac.and_then(|a| a.get("authentication_mode")) {
            Some(V::Str(s)) => match AuthMode::parse(s) {
                Some(m) => known(ac.expect("checked"), "authentication_mode", m),
                None => Val::unknown(
                    format!("authentication_mode `{s}` is not a mode"),
                    at.clone(),
                ),
            },
            Some(v) => Val::unknown(reason(v), at.clone()),
            None => Val::defaulted(AuthMode::ConfigMap, at.clone(), EKS_DEFAULT),
        };
        let bootstrap_creator_admin = match ac.and_then(|a| a.get("bootstrap_cluster_creator_admin_permissions")) {
            Some(v) => match v.as_bool() {
                Some(x) => known(ac.expect("checked"), "bootstrap_cluster_creator_admin_permissions", x),
                None => Val::unknown(reason(v), at.clone()),
            },
            None => Val::unknown(
                "bootstrap_cluster_creator_admin_permissions is not set: its default depends on the AWS provider version",
                at.clone(),
            ),
        };
        let auto_mode = match b.block("compute_config") {
            Some(c) => val_bool(c, "enabled", Some((false, TF_DEFAULT))),
            None => Val::defaulted(false, at.clone(), TF_DEFAULT),
        };
        let subnet_refs = vcb.get("subnet_ids").and_then(refs).unwrap_or_default();
        let vpc = subnet_refs
            .iter()
            .flat_map(|s| idx.lookup(s))
            .find_map(|s| s.body.get("vpc_id").and_then(reference));
        let has_addons = idx
            .of_type(res, "aws_eks_addon")
            .any(|a| cluster_of(&a.body).as_deref() == Some(&r.addr));
        let oidc = res.iter().any(|o| {
            o.rtype == "aws_iam_openid_connect_provider"
                && match o.body.get("url") {
                    Some(V::Unknown(u)) => u.addr.as_deref() == Some(&r.addr) || sole.is_some(),
                    Some(V::Str(s)) => s.contains("oidc.eks"),
                    _ => false,
                }
        });
        let oidc_provider = if oidc {
            Val::set(true, at.clone())
        } else if let Some(what) = &opaque_parts {
            Val::unknown(
                format!("no aws_iam_openid_connect_provider in the scanned code, but {what}: it may create one"),
                at.clone(),
            )
        } else if none_created.contains("aws_iam_openid_connect_provider")
            && !res
                .iter()
                .any(|o| o.rtype == "aws_iam_openid_connect_provider")
        {
            Val::set(false, at.clone())
        } else {
            Val::unknown(
                "no aws_iam_openid_connect_provider for this cluster in the scanned module; one may be created elsewhere",
                at.clone(),
            )
        };
        let support_type = match b.block("upgrade_policy") {
            Some(u) => val_str(u, "support_type", Some(("EXTENDED", EKS_DEFAULT))),
            None => Val::defaulted("EXTENDED".into(), at.clone(), EKS_DEFAULT),
        };
        let version = match b.get("version") {
            Some(v) => match v.to_template_string() {
                Some(s) => known(b, "version", s),
                None => Val::unknown(format!("version: {}", reason(v)), b.at_of("version")),
            },
            None => Val::unknown(
                "version is not set: EKS uses its default version when the cluster is created",
                at.clone(),
            ),
        };
        let bootstrap_addons = b
            .get("bootstrap_self_managed_addons")
            .and_then(V::as_bool)
            .unwrap_or(true);
        let ip_family = match b.block("kubernetes_network_config") {
            Some(k) => {
                val_str(k, "ip_family", Some(("ipv4", EKS_DEFAULT))).map(|f| f.to_ascii_lowercase())
            }
            None => Val::defaulted("ipv4".to_string(), at.clone(), EKS_DEFAULT),
        };
        inv.clusters.push(Cluster {
            id: r.addr.clone(),
            name: val_str(b, "name", None),
            region: Val::unknown(
                "the region comes from the provider configuration",
                at.clone(),
            ),
            version,
            endpoint_public: val_bool(&vcb, "endpoint_public_access", Some((true, TF_DEFAULT))),
            endpoint_private: val_bool(&vcb, "endpoint_private_access", Some((false, TF_DEFAULT))),
            public_access_cidrs: val_list(
                &vcb,
                "public_access_cidrs",
                Some((vec!["0.0.0.0/0".into()], TF_DEFAULT)),
            ),
            log_types,
            secrets_kms_key,
            auth_mode,
            bootstrap_creator_admin,
            oidc_provider,
            auto_mode,
            // A part of the root module the scan cannot see may install add-ons too.
            addons_complete: has_addons && opaque_parts.is_none(),
            default_addons: Val::set(
                Vec::new(),
                if bootstrap_addons {
                    at.clone()
                } else {
                    b.at_of("bootstrap_self_managed_addons")
                },
            ),
            vpc,
            azs: azs_of(&subnet_refs, &idx, &at),
            cni: CniSettings::defaults(&at, "VPC CNI default"),
            support_type,
            ip_family,
            at,
        });
    }

    // Add-ons (and VPC CNI settings from vpc-cni's configuration values).
    for r in idx.of_type(res, "aws_eks_addon") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let Some(name) = b.get("addon_name").and_then(V::to_template_string) else {
            continue;
        };
        let configuration = b.get("configuration_values").and_then(|v| match v {
            V::Str(s) => serde_json::from_str::<serde_json::Value>(s)
                .ok()
                .and_then(|j| {
                    crate::policy::policy_node(&V::from_json(&j), &b.at_of("configuration_values"))
                }),
            V::Unknown(u) => u
                .partial
                .as_ref()
                .and_then(|p| policy_node(p, &b.at_of("configuration_values"))),
            _ => None,
        });
        if name == "vpc-cni" {
            if let (Some(cfg), Some(c)) = (
                &configuration,
                inv.clusters.iter_mut().find(|c| c.id == cluster),
            ) {
                if let Some(env) = cfg.get("env") {
                    for (k, v) in env.entries() {
                        if let Some(s) = v.as_str() {
                            c.cni.apply_env(k, s, b.at_of("configuration_values"));
                        }
                    }
                }
            }
        }
        let version = match b.get("addon_version") {
            Some(v) => match v.to_template_string() {
                Some(s) => Val::set(Some(s), b.at_of("addon_version")),
                None => Val::unknown(reason(v), b.at_of("addon_version")),
            },
            None => Val::defaulted(None, b.at.clone(), EKS_DEFAULT),
        };
        let role = match b.get("service_account_role_arn") {
            Some(_) => val_ref(b, "service_account_role_arn"),
            None => match b.block("pod_identity_association") {
                Some(p) => val_ref(p, "role_arn"),
                None => Val::set(None, b.at.clone()),
            },
        };
        inv.addons.push(Addon {
            cluster,
            name,
            version,
            role,
            configuration,
            at: b.at.clone(),
        });
    }

    // Node groups.
    let lt_of = |b: &RBody| -> Option<String> {
        let lt = b.block("launch_template")?;
        lt.get("id")
            .or(lt.get("name"))
            .and_then(reference)
            .map(|a| strip_addr_attr(&a))
    };
    for r in idx.of_type(res, "aws_eks_node_group") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let sc = b
            .block("scaling_config")
            .cloned()
            .unwrap_or_else(|| RBody::new(b.at.clone()));
        let lt = lt_of(b).and_then(|a| idx.lookup(&a).first().map(|r| (*r).clone()));
        let lt_body = lt.as_ref().map(|l| &l.body);
        let image_id = lt_body.and_then(|l| l.get("image_id")).is_some();
        let ami_label = match b.get("ami_type") {
            Some(_) => val_str(b, "ami_type", None),
            None if image_id => {
                Val::set("CUSTOM".into(), lt_body.expect("checked").at_of("image_id"))
            }
            // Not set: EKS picks by the node group's Kubernetes version (its own, or the
            // cluster's): Amazon Linux 2023 from 1.30, Amazon Linux 2 before.
            None => {
                let version = b.get("version").cloned().or_else(|| {
                    res.iter()
                        .find(|c| c.rtype == "aws_eks_cluster" && c.addr == cluster)
                        .and_then(|c| c.body.get("version").cloned())
                });
                let minor = version
                    .and_then(|v| v.to_template_string())
                    .and_then(|v| v.split('.').nth(1).and_then(|m| m.parse::<u32>().ok()));
                match minor {
                    Some(m) if m >= 30 => Val::defaulted(
                        "AL2023".into(),
                        b.at.clone(),
                        "EKS default from Kubernetes 1.30",
                    ),
                    Some(_) => Val::defaulted(
                        "AL2_x86_64".into(),
                        b.at.clone(),
                        "EKS default before Kubernetes 1.30",
                    ),
                    None => Val::unknown(
                        "ami_type is not set and the Kubernetes version is not known: EKS picks AL2023 from 1.30, AL2 before",
                        b.at.clone(),
                    ),
                }
            }
        };
        let ami_family = ami_label.clone().map(|l| ami_family(&l));
        let ami_family = match ami_family {
            Val::Known {
                value: None, at, ..
            } => Val::unknown("unrecognised ami_type", at),
            Val::Known {
                value: Some(f),
                at,
                default,
            } => Val::Known {
                value: f,
                at,
                default,
            },
            Val::Unknown { reason, at } => Val::Unknown { reason, at },
        };
        let (http_tokens, hop_limit, encrypted, max_pods) = match lt_body {
            Some(l) => {
                let lt_inv = inv.launch_templates.iter().find(|x| Some(&x.id) == lt.as_ref().map(|r| &r.addr));
                (
                    lt_inv.map(|x| x.http_tokens.clone()).unwrap_or_else(|| Val::unknown("launch template not found", l.at.clone())),
                    lt_inv.map(|x| x.hop_limit.clone()).unwrap_or_else(|| Val::unknown("launch template not found", l.at.clone())),
                    ebs_encrypted(l),
                    lt_inv.map(|x| x.user_data_max_pods.clone()).unwrap_or_else(|| Val::set(None, l.at.clone())),
                )
            }
            None if b.block("launch_template").is_some() => (
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
            ),
            None => (
                match ami_family.known() {
                    Some(AmiFamily::AmazonLinux2) => Val::defaulted("optional".into(), b.at.clone(), "EKS managed node group default for AL2 without a launch template"),
                    Some(AmiFamily::AmazonLinux2023 | AmiFamily::Bottlerocket) => Val::defaulted("required".into(), b.at.clone(), "AMI default"),
                    _ => Val::unknown("set by the AMI", b.at.clone()),
                },
                Val::unknown("set by the AMI: the node group has no launch template", b.at.clone()),
                Val::unknown("the node group has no launch template: encryption follows the account's EBS encryption-by-default setting", b.at.clone()),
                Val::set(None, b.at.clone()),
            ),
        };
        let subnets = val_refs(b, "subnet_ids");
        let azs = match subnets.known() {
            Some(s) => azs_of(s, &idx, subnets.at()),
            None => Val::unknown("the subnets are not known", b.at.clone()),
        };
        inv.node_groups.push(NodeGroup {
            cluster,
            name: b
                .get("node_group_name")
                .and_then(V::to_template_string)
                .or_else(|| {
                    b.get("node_group_name_prefix")
                        .and_then(V::to_template_string)
                        .map(|p| p.trim_end_matches('-').to_string())
                })
                .unwrap_or_else(|| r.addr.clone()),
            kind: NodeGroupKind::Managed,
            instance_types: match b.get("instance_types") {
                Some(_) => val_list(b, "instance_types", None),
                None => match lt_body.and_then(|l| l.get("instance_type")) {
                    Some(_) => val_list(lt_body.expect("checked"), "instance_type", None),
                    None => Val::defaulted(vec!["t3.medium".into()], b.at.clone(), EKS_DEFAULT),
                },
            },
            ami_family,
            ami_label,
            min_size: val_u32(&sc, "min_size"),
            max_size: val_u32(&sc, "max_size"),
            desired_size: val_u32(&sc, "desired_size"),
            max_pods,
            imds_http_tokens: http_tokens,
            imds_hop_limit: hop_limit,
            imds_blocked_for_pods: Val::set(false, b.at.clone()),
            volume_encrypted: encrypted,
            subnets,
            azs,
            version: match b.get("version") {
                Some(v) => match v.to_template_string() {
                    Some(s) => Val::set(Some(s), b.at_of("version")),
                    None => Val::unknown(reason(v), b.at_of("version")),
                },
                None => {
                    Val::defaulted(None, b.at.clone(), "node group follows the cluster version")
                }
            },
            node_role: match b.get("node_role_arn") {
                Some(_) => val_ref(b, "node_role_arn"),
                None => Val::unknown("node_role_arn is not set", b.at.clone()),
            },
            launch_template: lt.map(|l| l.addr.clone()),
            labels: str_map(b.get("labels")),
            at: b.at.clone(),
        });
    }

    // Self-managed node groups: Auto Scaling groups tagged for a cluster
    // (`kubernetes.io/cluster/<name>`).
    for r in idx.of_type(res, "aws_autoscaling_group") {
        let b = &r.body;
        let mut tags: Vec<(String, String)> = str_map(b.get("tags")).into_iter().collect();
        for t in b.blocks("tag") {
            if let (Some(k), Some(v)) = (
                t.get("key").and_then(V::to_template_string),
                t.get("value").and_then(V::to_template_string),
            ) {
                tags.push((k, v));
            }
        }
        let Some(cluster_name) = tags
            .iter()
            .find_map(|(k, _)| k.strip_prefix("kubernetes.io/cluster/"))
        else {
            continue;
        };
        let cluster = cluster_by_name
            .get(cluster_name)
            .cloned()
            .unwrap_or_else(|| cluster_name.to_string());
        let lt = b
            .block("launch_template")
            .or_else(|| {
                b.block("mixed_instances_policy")
                    .and_then(|m| m.block("launch_template"))
                    .and_then(|l| l.block("launch_template_specification"))
            })
            .and_then(|l| {
                l.get("id")
                    .or(l.get("launch_template_id"))
                    .or(l.get("name"))
            })
            .and_then(reference)
            .and_then(|a| idx.lookup(&a).first().map(|r| (*r).clone()));
        let lt_inv = lt
            .as_ref()
            .and_then(|l| inv.launch_templates.iter().find(|x| x.id == l.addr))
            .cloned();
        let overrides: Vec<String> = b
            .block("mixed_instances_policy")
            .and_then(|m| m.block("launch_template"))
            .map(|l| {
                l.blocks("override")
                    .filter_map(|o| o.get("instance_type").and_then(V::to_template_string))
                    .collect()
            })
            .unwrap_or_default();
        let instance_types = if !overrides.is_empty() {
            Val::set(overrides, b.at.clone())
        } else {
            match lt.as_ref().map(|l| &l.body) {
                Some(l) if l.get("instance_type").is_some() => val_list(l, "instance_type", None),
                _ => Val::unknown("the instance type is not in the scanned code", b.at.clone()),
            }
        };
        const NO_LT: &str = "the launch template is not in the scanned code";
        let subnets = val_refs(b, "vpc_zone_identifier");
        let azs = match subnets.known() {
            Some(s) => azs_of(s, &idx, subnets.at()),
            None => match b.get("availability_zones").and_then(str_list) {
                Some(a) => Val::set(a, b.at_of("availability_zones")),
                None => Val::unknown("the subnets are not known", b.at.clone()),
            },
        };
        let image = lt.as_ref().and_then(|l| l.body.get("image_id")).is_some();
        inv.node_groups.push(NodeGroup {
            cluster,
            name: b
                .get("name")
                .and_then(V::to_template_string)
                .unwrap_or_else(|| r.addr.clone()),
            kind: NodeGroupKind::SelfManaged,
            instance_types,
            ami_family: if image {
                Val::set(AmiFamily::Custom, b.at.clone())
            } else {
                Val::unknown("the AMI is not in the scanned code", b.at.clone())
            },
            ami_label: Val::unknown(
                "self-managed nodes name an AMI id, not an AMI type",
                b.at.clone(),
            ),
            min_size: val_u32(b, "min_size"),
            max_size: val_u32(b, "max_size"),
            desired_size: val_u32(b, "desired_capacity"),
            max_pods: lt_inv
                .as_ref()
                .map(|l| l.user_data_max_pods.clone())
                .unwrap_or_else(|| Val::unknown(NO_LT, b.at.clone())),
            imds_http_tokens: lt_inv
                .as_ref()
                .map(|l| l.http_tokens.clone())
                .unwrap_or_else(|| Val::unknown(NO_LT, b.at.clone())),
            imds_hop_limit: lt_inv
                .as_ref()
                .map(|l| l.hop_limit.clone())
                .unwrap_or_else(|| Val::unknown(NO_LT, b.at.clone())),
            imds_blocked_for_pods: Val::set(false, b.at.clone()),
            volume_encrypted: lt
                .as_ref()
                .map(|l| ebs_encrypted(&l.body))
                .unwrap_or_else(|| Val::unknown(NO_LT, b.at.clone())),
            subnets,
            azs,
            version: Val::unknown(
                "self-managed nodes run the kubelet of their AMI",
                b.at.clone(),
            ),
            node_role: lt
                .as_ref()
                .map(|l| role_of_instance_profile(&l.body, &idx, res))
                .unwrap_or_else(|| Val::unknown(NO_LT, b.at.clone())),
            launch_template: lt.map(|l| l.addr.clone()),
            labels: BTreeMap::new(),
            at: b.at.clone(),
        });
    }

    // Karpenter set up by the eks module's karpenter submodule (modelled).
    for r in idx.of_type(res, "eksdoctor_karpenter") {
        if let Some(c) = cluster_of(&r.body) {
            inv.node_groups.push(NodeGroup::karpenter(
                &c,
                &r.body.at,
                "Karpenter provisions these nodes from NodePools that are not in the scanned code",
            ));
        }
    }

    // Karpenter installed by a Helm release: capacity whose NodePools are not known here. It
    // belongs to the root module's cluster when there is exactly one.
    for r in idx.of_type(res, "helm_release") {
        let chart = r
            .body
            .get("chart")
            .and_then(V::to_template_string)
            .unwrap_or_default();
        if chart == "karpenter" || chart.ends_with("/karpenter") {
            if let Some(c) = sole.clone() {
                inv.node_groups.push(NodeGroup::karpenter(
                    &c,
                    &r.body.at,
                    "Karpenter provisions these nodes from NodePools that are not in the scanned code",
                ));
            }
        }
    }

    // Fargate profiles.
    for r in idx.of_type(res, "aws_eks_fargate_profile") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let selectors = b
            .blocks("selector")
            .filter_map(|s| {
                Some(FargateSelector {
                    namespace: s.get("namespace")?.to_template_string()?,
                    labels: str_map(s.get("labels")),
                    at: s.at.clone(),
                })
            })
            .collect();
        let subnets = match b.get("subnet_ids") {
            Some(v) => match refs(v) {
                Some(r) => Val::set(Some(r), b.at_of("subnet_ids")),
                None => Val::unknown(reason(v), b.at_of("subnet_ids")),
            },
            None => Val::set(None, b.at.clone()),
        };
        inv.fargate_profiles.push(FargateProfile {
            cluster,
            name: b
                .get("fargate_profile_name")
                .and_then(V::to_template_string)
                .unwrap_or_else(|| r.addr.clone()),
            selectors,
            subnets,
            at: b.at.clone(),
        });
    }

    // Access entries and their policy associations.
    for r in idx.of_type(res, "aws_eks_access_entry") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let Some(principal) = b.get("principal_arn").and_then(reference) else {
            continue;
        };
        let policies = idx
            .of_type(res, "aws_eks_access_policy_association")
            .filter(|p| {
                p.body.get("principal_arn").and_then(reference).as_deref()
                    == Some(principal.as_str())
            })
            .filter_map(|p| {
                p.body.get("policy_arn").and_then(|v| {
                    v.to_template_string()
                        .or_else(|| v.unk().and_then(|u| u.pattern.clone()))
                })
            })
            .collect();
        inv.access_entries.push(AccessEntry {
            cluster,
            principal_arn: principal,
            kubernetes_groups: b
                .get("kubernetes_groups")
                .and_then(str_list)
                .unwrap_or_default(),
            access_policies: policies,
            at: b.at.clone(),
        });
    }
    for r in idx.of_type(res, "aws_eks_pod_identity_association") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let (Some(ns), Some(sa)) = (
            b.get("namespace").and_then(V::to_template_string),
            b.get("service_account").and_then(V::to_template_string),
        ) else {
            continue;
        };
        inv.pod_identity_associations.push(PodIdentityAssociation {
            cluster,
            namespace: ns,
            service_account: sa,
            role: val_ref(b, "role_arn"),
            at: b.at.clone(),
        });
    }

    // OIDC identity providers for user authentication.
    for r in idx.of_type(res, "aws_eks_identity_provider_config") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let oidc = b
            .block("oidc")
            .cloned()
            .unwrap_or_else(|| RBody::new(b.at.clone()));
        inv.identity_providers.push(IdentityProvider {
            cluster,
            name: val_str(&oidc, "identity_provider_config_name", None),
            issuer_url: val_str(&oidc, "issuer_url", None),
            at: b.at.clone(),
        });
    }

    // Subnets take the cluster that uses them.
    let mut used: HashMap<String, String> = HashMap::new();
    for c in &inv.clusters {
        let _ = c;
    }
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

    // Kubernetes objects held by Terraform resources.
    map_k8s(res, k8s);
}

/// The node role behind a launch template's instance profile (`iam_instance_profile { arn | name }`
/// → `aws_iam_instance_profile.role` → `aws_iam_role`).
fn role_of_instance_profile(lt: &RBody, idx: &Index, res: &[Res]) -> Val<Option<String>> {
    let Some(ip) = lt.block("iam_instance_profile") else {
        return Val::unknown(
            "the launch template names no instance profile",
            lt.at.clone(),
        );
    };
    let Some(profile) = ip.get("arn").or(ip.get("name")).and_then(reference) else {
        return Val::unknown("the instance profile is not known", ip.at.clone());
    };
    let Some(p) = idx.lookup(&profile).into_iter().next() else {
        return Val::unknown(
            format!("instance profile {profile} is not in the scanned code"),
            ip.at.clone(),
        );
    };
    match p.body.get("role") {
        Some(V::Unknown(u)) if u.addr.is_some() => Val::set(u.addr.clone(), p.body.at_of("role")),
        Some(v) => match v.to_template_string() {
            // A role given by name: the role with that name, if defined here.
            Some(name) => Val::set(
                res.iter()
                    .find(|r| {
                        r.rtype == "aws_iam_role"
                            && r.body
                                .get("name")
                                .and_then(V::to_template_string)
                                .as_deref()
                                == Some(name.as_str())
                    })
                    .map(|r| r.addr.clone())
                    .or(Some(name)),
                p.body.at_of("role"),
            ),
            None => Val::unknown(
                "the instance profile's role is not known",
                p.body.at_of("role"),
            ),
        },
        None => Val::unknown("the instance profile names no role", p.body.at.clone()),
    }
}

fn strip_addr_attr(a: &str) -> String {
    a.to_string()
}

fn ami_family(label: &str) -> Option<AmiFamily> {
    let l = label.to_ascii_uppercase();
    Some(if l.starts_with("AL2023") {
        AmiFamily::AmazonLinux2023
    } else if l.starts_with("AL2_") {
        AmiFamily::AmazonLinux2
    } else if l.starts_with("BOTTLEROCKET") {
        AmiFamily::Bottlerocket
    } else if l.starts_with("WINDOWS") {
        AmiFamily::Windows
    } else if l == "CUSTOM" {
        AmiFamily::Custom
    } else {
        return None;
    })
}

fn cidr_val(b: &RBody, k: &str) -> Val<IpNet> {
    match b.get(k) {
        Some(V::Str(s)) => match s.parse::<IpNet>() {
            Ok(n) => Val::set(n.trunc(), b.at_of(k)),
            Err(_) => Val::unknown(format!("{k} `{s}` is not a CIDR block"), b.at_of(k)),
        },
        Some(v) => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        None => Val::unknown(format!("{k} is not set (IPAM or IPv6-only)"), b.at.clone()),
    }
}

fn azs_of(subnet_refs: &[String], idx: &Index, at: &Prov) -> Val<Vec<String>> {
    let mut azs: Vec<String> = Vec::new();
    for s in subnet_refs {
        let found = idx.lookup(s);
        if found.is_empty() {
            return Val::unknown(
                format!("subnet {s} is not defined in the scanned code"),
                at.clone(),
            );
        }
        for r in found {
            match r
                .body
                .get("availability_zone")
                .and_then(V::to_template_string)
            {
                Some(a) => {
                    if !azs.contains(&a) {
                        azs.push(a);
                    }
                }
                None => {
                    return Val::unknown(
                        format!("the availability zone of {} is not known", r.addr),
                        at.clone(),
                    )
                }
            }
        }
    }
    Val::set(azs, at.clone())
}

fn ebs_encrypted(lt: &RBody) -> Val<bool> {
    let Some(bdm) = lt.blocks("block_device_mappings").next() else {
        return Val::unknown(
            "the launch template maps no block device: encryption follows the AMI and the account's EBS encryption-by-default setting",
            lt.at.clone(),
        );
    };
    match bdm.block("ebs") {
        Some(e) => match e.get("encrypted") {
            Some(v) => match v.as_bool() {
                Some(x) => Val::set(x, e.at_of("encrypted")),
                None => Val::unknown(reason(v), e.at_of("encrypted")),
            },
            None => Val::unknown(
                "ebs.encrypted is not set: the account's EBS encryption-by-default setting decides",
                e.at.clone(),
            ),
        },
        None => Val::unknown("no ebs block", bdm.at.clone()),
    }
}

fn user_data_max_pods(lt: &RBody) -> Val<Option<u32>> {
    let at = lt.at_of("user_data");
    let Some(v) = lt.get("user_data") else {
        return Val::set(None, lt.at.clone());
    };
    let text = match v {
        V::Str(s) => crate::funcs::base64_decode(s).unwrap_or_else(|| s.to_string()),
        _ => return Val::unknown(format!("user_data: {}", reason(v)), at),
    };
    for pat in ["--max-pods=", "--max-pods ", "maxPods:", "\"maxPods\":"] {
        if let Some(i) = text.find(pat) {
            let rest = text[i + pat.len()..].trim_start();
            let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Ok(n) = n.parse() {
                return Val::set(Some(n), at);
            }
        }
    }
    Val::set(None, at)
}

/// Which subnets route 0.0.0.0/0 to an internet gateway (public) or not.
struct RouteInfo {
    /// route table address → Some(true) igw default route, Some(false) none, None unknown.
    table_public: HashMap<String, Option<bool>>,
    /// route table address → Some(true) NAT default route, Some(false) none, None unknown.
    table_nat: HashMap<String, Option<bool>>,
    /// subnet address → route table address.
    assoc: HashMap<String, String>,
}

impl RouteInfo {
    fn build(res: &[Res], idx: &Index) -> RouteInfo {
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

    fn nat(&self, subnet: &Res) -> Val<bool> {
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

    fn public(&self, subnet: &Res) -> Val<bool> {
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

fn map_iam(res: &[Res], idx: &Index, inv: &mut Inventory) {
    // Customer-managed policies by address, for attachments that point at them.
    let policy_docs: HashMap<&str, Option<Node>> = res
        .iter()
        .filter(|r| r.rtype == "aws_iam_policy" && !r.data)
        .map(|r| {
            (
                r.addr.as_str(),
                r.body
                    .get("policy")
                    .and_then(|p| policy_node(p, &r.body.at_of("policy"))),
            )
        })
        .collect();
    for r in res.iter().filter(|r| r.rtype == "aws_iam_role" && !r.data) {
        let b = &r.body;
        let name = b.get("name").and_then(V::to_template_string);
        let matches_role = |v: Option<&V>| -> bool {
            match v {
                Some(V::Unknown(u)) => u.addr.as_deref() == Some(&r.addr),
                Some(V::Str(s)) => Some(s.to_string()) == name,
                _ => false,
            }
        };
        // ARNs, or their pattern where only the account or partition is unknown.
        let arns = |v: &V| -> Option<Vec<String>> {
            v.as_list()?
                .iter()
                .map(|x| match x {
                    V::Str(s) => Some(s.to_string()),
                    V::Unknown(u) => u.pattern.clone(),
                    _ => None,
                })
                .collect()
        };
        let mut managed: Vec<String> = b
            .get("managed_policy_arns")
            .and_then(arns)
            .unwrap_or_default();
        let mut managed_known = b
            .get("managed_policy_arns")
            .is_none_or(|v| arns(v).is_some());
        let mut inline: Vec<Node> = b
            .blocks("inline_policy")
            .filter_map(|p| {
                p.get("policy")
                    .and_then(|v| policy_node(v, &p.at_of("policy")))
            })
            .collect();
        for a in res.iter().filter(|a| {
            !a.data
                && (a.rtype == "aws_iam_role_policy_attachment" || a.rtype == "aws_iam_role_policy")
        }) {
            if !matches_role(a.body.get("role")) {
                continue;
            }
            if a.rtype == "aws_iam_role_policy" {
                if let Some(n) = a
                    .body
                    .get("policy")
                    .and_then(|v| policy_node(v, &a.body.at_of("policy")))
                {
                    inline.push(n);
                }
                continue;
            }
            match a.body.get("policy_arn") {
                Some(V::Str(s)) => managed.push(s.to_string()),
                Some(V::Unknown(u)) => {
                    if let Some(addr) = &u.addr {
                        if let Some(doc) = policy_docs.get(addr.as_str()) {
                            if let Some(d) = doc {
                                inline.push(d.clone());
                            }
                            continue;
                        }
                    }
                    match &u.pattern {
                        Some(p) => managed.push(p.clone()),
                        None => managed_known = false,
                    }
                }
                _ => managed_known = false,
            }
        }
        let _ = idx;
        let trust = match b.get("assume_role_policy") {
            Some(v) => match policy_node(v, &b.at_of("assume_role_policy")) {
                Some(n) => Val::set(Some(n), b.at_of("assume_role_policy")),
                None => Val::unknown(reason(v), b.at_of("assume_role_policy")),
            },
            None => Val::set(None, b.at.clone()),
        };
        inv.iam_roles.push(IamRole {
            id: r.addr.clone(),
            managed_policies: if managed_known {
                match (
                    b.default_of("managed_policy_arns"),
                    b.attrs.contains_key("managed_policy_arns"),
                ) {
                    (Some(why), _) => Val::defaulted(managed, b.at_of("managed_policy_arns"), why),
                    (None, true) => Val::set(managed, b.at_of("managed_policy_arns")),
                    (None, false) => Val::set(managed, b.at.clone()),
                }
            } else {
                Val::unknown("a policy attachment's ARN is not known", b.at.clone())
            },
            inline_policies: inline,
            trust_policy: trust,
            at: b.at.clone(),
        });
    }
}

/// Convert a value to a document tree at one line; a partly known value becomes its JSON text.
fn node_of(v: &V, line: u32) -> Node {
    crate::value::to_node(v, line, crate::value::PartialAs::Text)
}

/// A Kubernetes object kind for a `kubernetes_*` resource type.
fn k8s_kind(rtype: &str) -> Option<(&'static str, &'static str)> {
    let t = rtype.strip_prefix("kubernetes_")?;
    let t = t
        .strip_suffix("_v1")
        .or_else(|| t.strip_suffix("_v2"))
        .unwrap_or(t);
    Some(match t {
        "deployment" => ("apps/v1", "Deployment"),
        "daemon_set" | "daemonset" => ("apps/v1", "DaemonSet"),
        "stateful_set" => ("apps/v1", "StatefulSet"),
        "job" => ("batch/v1", "Job"),
        "cron_job" => ("batch/v1", "CronJob"),
        "pod" => ("v1", "Pod"),
        "service" => ("v1", "Service"),
        "ingress" => ("networking.k8s.io/v1", "Ingress"),
        "persistent_volume_claim" => ("v1", "PersistentVolumeClaim"),
        "horizontal_pod_autoscaler" => ("autoscaling/v2", "HorizontalPodAutoscaler"),
        "namespace" => ("v1", "Namespace"),
        "service_account" => ("v1", "ServiceAccount"),
        _ => return None,
    })
}

/// Blocks the Kubernetes provider repeats under a singular name, and their manifest field.
fn repeated_block(name: &str) -> Option<&'static str> {
    Some(match name {
        "container" => "containers",
        "init_container" => "initContainers",
        "volume" => "volumes",
        "volume_mount" => "volumeMounts",
        "port" => "ports",
        "env" => "env",
        "env_from" => "envFrom",
        "toleration" => "tolerations",
        "volume_claim_template" => "volumeClaimTemplates",
        "metric" => "metrics",
        "rule" => "rules",
        "path" => "paths",
        "tls" => "tls",
        "match_expressions" => "matchExpressions",
        "image_pull_secrets" => "imagePullSecrets",
        "topology_spread_constraint" => "topologySpreadConstraints",
        _ => return None,
    })
}

fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A `kubernetes_*` resource body as the manifest it stands for: block and attribute names in
/// camelCase, repeated blocks as lists; the values (labels, annotations) as written.
fn k8s_body_node(b: &RBody) -> Node {
    let mut m: Vec<(String, Node)> = Vec::new();
    for (k, (v, at)) in &b.attrs {
        m.push((camel(k), node_of(v, at.line)));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (name, _) in &b.blocks {
        if seen.contains(&name.as_str()) {
            continue;
        }
        seen.push(name);
        let items: Vec<&RBody> = b.blocks(name).collect();
        match repeated_block(name) {
            Some(field) => m.push((
                field.to_string(),
                Node {
                    line: items[0].at.line,
                    kind: NodeKind::Seq(items.iter().map(|x| k8s_body_node(x)).collect()),
                },
            )),
            None => m.push((camel(name), k8s_body_node(items[0]))),
        }
    }
    Node {
        line: b.at.line,
        kind: NodeKind::Map(m),
    }
}

fn map_k8s(res: &[Res], k8s: &mut K8sDocs) {
    for r in res.iter().filter(|r| !r.data) {
        let b = &r.body;
        let file = b.at.file.clone();
        let meta = |b: &RBody| -> Node {
            let mut m: Vec<(String, Node)> = Vec::new();
            if let Some(md) = b.block("metadata") {
                for (k, (v, at)) in &md.attrs {
                    m.push((k.clone(), node_of(v, at.line)));
                }
            }
            Node {
                line: b.at.line,
                kind: NodeKind::Map(m),
            }
        };
        let obj = |api: &str, kind: &str, mut extra: Vec<(String, Node)>| -> Node {
            let line = b.at.line;
            let s = |t: &str| Node {
                line,
                kind: NodeKind::Scalar {
                    text: t.into(),
                    quoted: true,
                },
            };
            let mut m = vec![
                ("apiVersion".to_string(), s(api)),
                ("kind".to_string(), s(kind)),
                ("metadata".to_string(), meta(b)),
            ];
            m.append(&mut extra);
            Node {
                line,
                kind: NodeKind::Map(m),
            }
        };
        match r.rtype.as_str() {
            "kubernetes_config_map"
            | "kubernetes_config_map_v1"
            | "kubernetes_config_map_v1_data" => {
                let data = b
                    .get("data")
                    .map(|v| node_of(v, b.at_of("data").line))
                    .unwrap_or(Node::null(b.at.line));
                k8s.objects
                    .push((file, obj("v1", "ConfigMap", vec![("data".into(), data)])));
            }
            "kubernetes_storage_class" | "kubernetes_storage_class_v1" => {
                let mut extra = Vec::new();
                for (attr, key) in [
                    ("storage_provisioner", "provisioner"),
                    ("volume_binding_mode", "volumeBindingMode"),
                    ("parameters", "parameters"),
                    ("reclaim_policy", "reclaimPolicy"),
                ] {
                    if let Some(v) = b.get(attr) {
                        extra.push((key.to_string(), node_of(v, b.at_of(attr).line)));
                    }
                }
                k8s.objects
                    .push((file, obj("storage.k8s.io/v1", "StorageClass", extra)));
            }
            t if k8s_kind(t).is_some() => {
                let (api, kind) = k8s_kind(t).expect("checked");
                let body = k8s_body_node(b);
                let mut extra = Vec::new();
                if let Some(spec) = body.get("spec") {
                    extra.push(("spec".to_string(), spec.clone()));
                }
                k8s.objects.push((file, obj(api, kind, extra)));
            }
            "kubernetes_manifest" => match b.get("manifest") {
                Some(V::Unknown(u)) if matches!(u.partial, Some(V::Obj(_))) => {
                    let p = u.partial.as_ref().expect("checked");
                    k8s.objects
                        .push((file, node_of(p, b.at_of("manifest").line)));
                }
                Some(v) if v.is_unknown() => k8s.unreadable.push((
                    b.at_of("manifest"),
                    format!("{}: manifest {}", r.addr, reason(v)),
                )),
                Some(v) => k8s
                    .objects
                    .push((file, node_of(v, b.at_of("manifest").line))),
                None => {}
            },
            "kubectl_manifest" => match b.get("yaml_body") {
                Some(V::Str(s)) => k8s.yaml.push((
                    b.at_of("yaml_body"),
                    s.to_string(),
                    b.heredocs.contains("yaml_body"),
                )),
                // A heredoc with computed interpolations: its text, with those parts unknown.
                Some(V::Unknown(u)) if u.text.is_some() => k8s.yaml.push((
                    b.at_of("yaml_body"),
                    u.text.clone().unwrap_or_default(),
                    b.heredocs.contains("yaml_body"),
                )),
                // `yamlencode({...})` of an object with computed parts.
                Some(V::Unknown(u)) if matches!(u.partial, Some(V::Obj(_))) => {
                    let p = u.partial.as_ref().expect("checked");
                    k8s.objects
                        .push((file, node_of(p, b.at_of("yaml_body").line)));
                }
                Some(v) => k8s.unreadable.push((
                    b.at_of("yaml_body"),
                    format!("{}: yaml_body {}", r.addr, reason(v)),
                )),
                None => {}
            },
            "helm_release" => {
                // A Helm release stands for the controller it installs (metrics-server, ...).
                let chart = b
                    .get("chart")
                    .and_then(V::to_template_string)
                    .unwrap_or_default();
                let name = b
                    .get("name")
                    .and_then(V::to_template_string)
                    .unwrap_or_default();
                let ns = b
                    .get("namespace")
                    .and_then(V::to_template_string)
                    .unwrap_or_else(|| "default".into());
                let line = b.at.line;
                let s = |t: &str| Node {
                    line,
                    kind: NodeKind::Scalar {
                        text: t.into(),
                        quoted: true,
                    },
                };
                let m = Node {
                    line,
                    kind: NodeKind::Map(vec![
                        ("apiVersion".into(), s("helm.toolkit.fluxcd.io/v2")),
                        ("kind".into(), s("HelmRelease")),
                        (
                            "metadata".into(),
                            Node {
                                line,
                                kind: NodeKind::Map(vec![
                                    ("name".into(), s(&name)),
                                    ("namespace".into(), s(&ns)),
                                ]),
                            },
                        ),
                        (
                            "spec".into(),
                            Node {
                                line,
                                kind: NodeKind::Map(vec![(
                                    "chart".into(),
                                    Node {
                                        line,
                                        kind: NodeKind::Map(vec![(
                                            "spec".into(),
                                            Node {
                                                line,
                                                kind: NodeKind::Map(vec![(
                                                    "chart".into(),
                                                    s(&chart),
                                                )]),
                                            },
                                        )]),
                                    },
                                )]),
                            },
                        ),
                    ]),
                };
                k8s.objects.push((file, m));
            }
            _ => {}
        }
    }
}
