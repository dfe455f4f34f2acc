//! Self-managed node groups: Auto Scaling groups tagged for a cluster
//! (`kubernetes.io/cluster/<name>`), launching from a launch template or from an (older) launch
//! configuration, which give the same facts.

use super::values::*;
use super::{K8sDocs, Scope};
use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::*;
use std::collections::BTreeMap;

/// What an Auto Scaling group launches, as its launch template or configuration says.
struct Launch {
    /// `None`: it names none (a mixed instances policy's overrides may).
    instance_types: Option<Val<Vec<String>>>,
    /// It names an image id (a custom AMI to the rules).
    image: bool,
    max_pods: Val<Option<u32>>,
    http_tokens: Val<String>,
    hop_limit: Val<u32>,
    volume_encrypted: Val<bool>,
    node_role: Val<Option<Id>>,
    template: Option<Id>,
}

impl Launch {
    /// Every fact unknown for `why`.
    fn unknown(why: &str, at: &Prov) -> Launch {
        Launch {
            instance_types: None,
            image: false,
            max_pods: Val::unknown(why, at.clone()),
            http_tokens: Val::unknown(why, at.clone()),
            hop_limit: Val::unknown(why, at.clone()),
            volume_encrypted: Val::unknown(why, at.clone()),
            node_role: Val::unknown(why, at.clone()),
            template: None,
        }
    }

    /// A launch template (`aws_launch_template`, already mapped into `inv`).
    fn template(lt: &Res, s: &Scope, inv: &Inventory) -> Launch {
        let l = &lt.body;
        let mapped = inv.launch_templates.iter().find(|x| x.id.name() == lt.addr);
        let why = "launch template not found";
        Launch {
            instance_types: l
                .get("instance_type")
                .map(|_| val_list(l, "instance_type", None)),
            image: l.get("image_id").is_some(),
            max_pods: mapped.map_or_else(
                || Val::unknown(why, l.at.clone()),
                |m| m.user_data_max_pods.clone(),
            ),
            http_tokens: mapped.map_or_else(
                || Val::unknown(why, l.at.clone()),
                |m| m.http_tokens.clone(),
            ),
            hop_limit: mapped
                .map_or_else(|| Val::unknown(why, l.at.clone()), |m| m.hop_limit.clone()),
            volume_encrypted: ebs_encrypted(l),
            node_role: role_of_instance_profile(l, &s.idx, s.res),
            template: Some(Id::global(&lt.addr)),
        }
    }

    /// A launch configuration (`aws_launch_configuration`).
    fn configuration(lc: &Res, s: &Scope) -> Launch {
        let l = &lc.body;
        let (http_tokens, hop_limit) = imds_settings(l, "launch configuration");
        let volume_encrypted = match l.block("root_block_device").map(|r| (r, r.get("encrypted"))) {
            Some((r, Some(v))) => match v.as_bool() {
                Some(x) => Val::set(x, r.at_of("encrypted")),
                None => Val::unknown(reason(v), r.at_of("encrypted")),
            },
            Some((r, None)) => Val::unknown(
                "root_block_device.encrypted is not set: the account's EBS encryption-by-default setting decides",
                r.at.clone(),
            ),
            None => Val::unknown(
                "the launch configuration has no root_block_device: the AMI's root volume and the account's EBS encryption-by-default setting decide",
                l.at.clone(),
            ),
        };
        let node_role = match l.get("iam_instance_profile").and_then(reference) {
            Some(p) => role_of_profile(&p, &l.at_of("iam_instance_profile"), &s.idx, s.res),
            None => Val::set(None, l.at.clone()),
        };
        Launch {
            instance_types: l
                .get("instance_type")
                .map(|_| val_list(l, "instance_type", None)),
            image: l.get("image_id").is_some(),
            max_pods: user_data_max_pods(l),
            http_tokens,
            hop_limit,
            volume_encrypted,
            node_role,
            template: None,
        }
    }
}

/// The launch template or configuration group `b` launches from.
fn launch_of(b: &RBody, s: &Scope, inv: &Inventory) -> Launch {
    let lookup = |v: Option<&V>| {
        v.and_then(reference)
            .and_then(|a| s.idx.lookup(&a).first().map(|r| (*r).clone()))
    };
    let spec = b.block("launch_template").or_else(|| {
        b.block("mixed_instances_policy")
            .and_then(|m| m.block("launch_template"))
            .and_then(|l| l.block("launch_template_specification"))
    });
    if let Some(l) = spec {
        return match lookup(
            l.get("id")
                .or(l.get("launch_template_id"))
                .or(l.get("name")),
        ) {
            Some(lt) => Launch::template(&lt, s, inv),
            None => Launch::unknown("the launch template is not in the scanned code", &b.at),
        };
    }
    match b.get("launch_configuration") {
        Some(v) => match lookup(Some(v)) {
            Some(lc) if lc.rtype == "aws_launch_configuration" => Launch::configuration(&lc, s),
            _ => Launch::unknown("the launch configuration is not in the scanned code", &b.at),
        },
        None => Launch::unknown("the group names no launch template or configuration", &b.at),
    }
}

/// The group's tags (`tags` map and `tag` blocks), and whether every key is known.
fn tags_of(b: &RBody) -> (Vec<(String, String)>, bool) {
    let mut tags: Vec<(String, String)> = str_map(b.get("tags")).into_iter().collect();
    let mut known = true;
    for t in b.blocks("tag") {
        let key = t.get("key").and_then(V::to_template_string);
        known &= key.is_some();
        if let (Some(k), Some(v)) = (key, t.get("value").and_then(V::to_template_string)) {
            tags.push((k, v));
        }
    }
    (tags, known)
}

/// Self-managed node groups: Auto Scaling groups tagged for a cluster.
pub(super) fn self_managed(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    for r in s.idx.of_type(s.res, "aws_autoscaling_group") {
        let b = &r.body;
        let (tags, tags_known) = tags_of(b);
        let Some(cluster_name) = tags
            .iter()
            .find_map(|(k, _)| k.strip_prefix("kubernetes.io/cluster/"))
        else {
            continue;
        };
        let cluster = Id::global(
            s.cluster_by_name
                .get(cluster_name)
                .cloned()
                .unwrap_or_else(|| cluster_name.to_string()),
        );
        let launch = launch_of(b, s, inv);
        let overrides: Vec<String> = b
            .block("mixed_instances_policy")
            .and_then(|m| m.block("launch_template"))
            .map(|l| {
                l.blocks("override")
                    .filter_map(|o| o.get("instance_type").and_then(V::to_template_string))
                    .collect()
            })
            .unwrap_or_default();
        let instance_types = match (overrides.is_empty(), launch.instance_types) {
            (false, _) => Val::set(overrides, b.at.clone()),
            (true, Some(t)) => t,
            (true, None) => {
                Val::unknown("the instance type is not in the scanned code", b.at.clone())
            }
        };
        let subnets = val_refs(b, "vpc_zone_identifier");
        let azs = match subnets.known() {
            Some(x) => azs_of(x, &s.idx, subnets.at()),
            None => match b.get("availability_zones").and_then(str_list) {
                Some(a) => Val::set(a, b.at_of("availability_zones")),
                None => Val::unknown("the subnets are not known", b.at.clone()),
            },
        };
        inv.node_groups.push(NodeGroup {
            cluster,
            name: b
                .get("name")
                .and_then(V::to_template_string)
                .unwrap_or_else(|| r.addr.clone()),
            kind: NodeGroupKind::SelfManaged,
            instance_types,
            ami_family: if launch.image {
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
            max_pods: launch.max_pods,
            imds_http_tokens: launch.http_tokens,
            imds_hop_limit: launch.hop_limit,
            imds_blocked_for_pods: Val::set(false, b.at.clone()),
            volume_encrypted: launch.volume_encrypted,
            subnets,
            azs,
            version: Val::unknown(
                "self-managed nodes run the kubelet of their AMI",
                b.at.clone(),
            ),
            node_role: launch.node_role,
            launch_template: launch.template,
            labels: BTreeMap::new(),
            autoscaler_discovery: tags_known.then(|| {
                NodeGroup::autoscaler_tagged(tags.iter().map(|(k, _)| k.as_str()), cluster_name)
            }),
            at: b.at.clone(),
        });
    }
}
