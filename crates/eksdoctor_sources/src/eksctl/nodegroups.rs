//! `managedNodeGroups`, `nodeGroups` and `karpenter`.

use super::node_iam::NodeIamCtx;
use super::{Doc, EKSCTL};
use crate::ctx::FileCtx;
use eksdoctor_inventory::*;

/// Managed and self-managed node groups, and Karpenter's capacity.
pub(super) fn read(
    ctx: &mut FileCtx,
    d: &Doc,
    azs: &Val<Vec<String>>,
    iam: &NodeIamCtx,
    inv: &mut Inventory,
) {
    let (root, w, id) = (d.root, d.w, &d.id);
    // Node groups.
    for (key, kind) in [
        ("managedNodeGroups", NodeGroupKind::Managed),
        ("nodeGroups", NodeGroupKind::SelfManaged),
    ] {
        for ng in ctx.seq(root, key, w) {
            read_node_group(ctx, ng, kind, id, azs, iam, inv);
        }
    }
    if root.get("karpenter").is_some() {
        // Karpenter's NodePools live outside this file: its capacity is there, but nothing about it is known.
        let kat = ctx.prov(root.line_of("karpenter"));
        let why = "Karpenter provisions these nodes from NodePools not in this file";
        inv.node_groups.push(NodeGroup::karpenter(id, &kat, why));
    }
}

fn read_node_group(
    ctx: &mut FileCtx,
    ng: &Node,
    kind: NodeGroupKind,
    cluster: &Id,
    cluster_azs: &Val<Vec<String>>,
    iam: &NodeIamCtx,
    inv: &mut Inventory,
) {
    let w = "nodegroup: ";
    let Some(name) = ctx.str(ng, "name", w) else {
        ctx.error(ng.line, "node group without `name`");
        return;
    };
    let at = ctx.prov(ng.line);
    let p = |ctx: &FileCtx, key: &str| ctx.prov(ng.line_of(key));
    let lt = ctx
        .map(ng, "launchTemplate", w)
        .and_then(|l| ctx.str(l, "id", w))
        .map(Id::global);

    let instance_types = instance_types(ctx, ng, lt.is_some(), &at);
    let (ami_family, ami_label) = ami(ctx, ng, &at);

    let size = |ctx: &mut FileCtx, key: &str| match ctx.uint(ng, key, w) {
        Some(v) => Val::set(v, ctx.prov(ng.line_of(key))),
        None => Val::unknown(format!("{key} is not set; eksctl chooses"), at.clone()),
    };
    let desired = size(ctx, "desiredCapacity");
    let min_size = size(ctx, "minSize");
    let max_size = size(ctx, "maxSize");
    let max_pods = match ctx.uint(ng, "maxPodsPerNode", w) {
        Some(v) => Val::set(Some(v), p(ctx, "maxPodsPerNode")),
        None => Val::defaulted(None, at.clone(), EKSCTL),
    };

    let (tokens, hop, blocked) = if lt.is_some() {
        let why = "IMDS options come from the launch template";
        (
            Val::unknown(why, at.clone()),
            Val::unknown(why, at.clone()),
            Val::unknown(why, at.clone()),
        )
    } else {
        let tokens = match ctx.bool(ng, "disableIMDSv1", w) {
            Some(true) => Val::set("required".to_string(), p(ctx, "disableIMDSv1")),
            Some(false) => Val::set("optional".to_string(), p(ctx, "disableIMDSv1")),
            None => Val::defaulted(
                "required".to_string(),
                at.clone(),
                "eksctl default (0.143.0+)",
            ),
        };
        let blocked = match ctx.bool(ng, "disablePodIMDS", w) {
            Some(b) => Val::set(b, p(ctx, "disablePodIMDS")),
            None => Val::defaulted(false, at.clone(), EKSCTL),
        };
        (tokens, Val::defaulted(2, at.clone(), EKSCTL), blocked)
    };

    let volume_encrypted = match ctx.bool(ng, "volumeEncrypted", w) {
        Some(b) => Val::set(b, p(ctx, "volumeEncrypted")),
        None if lt.is_some() => Val::unknown("volumes come from the launch template", at.clone()),
        None => Val::defaulted(false, at.clone(), "eksctl leaves volumeEncrypted unset"),
    };

    let (subnets, azs) = placement(ctx, ng, cluster, cluster_azs, &at, inv);

    let version = match ctx.str(ng, "releaseVersion", w) {
        Some(rv) => Val::set(
            rv.parse::<super::eksdoctor_knowledge_free::Ver>()
                .ok()
                .map(|v| v.0),
            p(ctx, "releaseVersion"),
        ),
        None => Val::defaulted(
            None,
            at.clone(),
            "eksctl creates nodes at the cluster's version",
        ),
    };
    let managed = kind == NodeGroupKind::Managed;
    let role = super::node_iam::read(ctx, ng, &name, managed, cluster, iam, inv);
    let labels = ctx.str_map(ng, "labels", w);

    inv.node_groups.push(NodeGroup {
        cluster: cluster.clone(),
        name,
        kind,
        instance_types,
        ami_family,
        ami_label,
        min_size,
        max_size,
        desired_size: desired,
        max_pods,
        imds_http_tokens: tokens,
        imds_hop_limit: hop,
        imds_blocked_for_pods: blocked,
        volume_encrypted,
        subnets,
        azs,
        version,
        node_role: role,
        launch_template: lt,
        labels,
        autoscaler_discovery: None,
        at,
    });
}

/// The instance types: written, from the launch template or instance selector (unknown), or
/// eksctl's default.
fn instance_types(ctx: &mut FileCtx, ng: &Node, has_lt: bool, at: &Prov) -> Val<Vec<String>> {
    let w = "nodegroup: ";
    let p = |ctx: &FileCtx, key: &str| ctx.prov(ng.line_of(key));
    let mut types = Vec::new();
    if let Some(t) = ctx.str(ng, "instanceType", w) {
        types.push(t);
    }
    types.extend(ctx.str_list(ng, "instanceTypes", w));
    if let Some(d) = ctx.map(ng, "instancesDistribution", w) {
        types.extend(ctx.str_list(d, "instanceTypes", w));
    }
    let instance_types = if !types.is_empty() {
        let line = ["instanceType", "instanceTypes", "instancesDistribution"]
            .iter()
            .find(|k| ng.get(k).is_some())
            .map_or(ng.line, |k| ng.line_of(k));
        Val::set(types, ctx.prov(line))
    } else if has_lt {
        Val::unknown(
            "the instance type comes from the launch template",
            at.clone(),
        )
    } else if ng.get("instanceSelector").is_some() {
        Val::unknown(
            "instance types are chosen by instanceSelector",
            p(ctx, "instanceSelector"),
        )
    } else {
        Val::defaulted(vec!["m5.large".to_string()], at.clone(), EKSCTL)
    };
    instance_types
}

/// The AMI family and the setting as written.
fn ami(ctx: &mut FileCtx, ng: &Node, at: &Prov) -> (Val<AmiFamily>, Val<String>) {
    let w = "nodegroup: ";
    let p = |ctx: &FileCtx, key: &str| ctx.prov(ng.line_of(key));
    let (ami_family, ami_label) = match ctx.str(ng, "amiFamily", w) {
        Some(f) => {
            let fam = match f.as_str() {
                "AmazonLinux2" => Some(AmiFamily::AmazonLinux2),
                "AmazonLinux2023" => Some(AmiFamily::AmazonLinux2023),
                "Bottlerocket" => Some(AmiFamily::Bottlerocket),
                s if s.starts_with("Ubuntu") => Some(AmiFamily::Ubuntu),
                s if s.starts_with("Windows") => Some(AmiFamily::Windows),
                _ => None,
            };
            let fam = match fam {
                Some(x) => Val::set(x, p(ctx, "amiFamily")),
                None => Val::unknown(format!("amiFamily `{f}` is not known"), p(ctx, "amiFamily")),
            };
            (fam, Val::set(f, p(ctx, "amiFamily")))
        }
        None if ng.get("ami").is_some() => (
            Val::set(AmiFamily::Custom, p(ctx, "ami")),
            Val::set("custom AMI".to_string(), p(ctx, "ami")),
        ),
        None => (
            Val::defaulted(
                AmiFamily::AmazonLinux2023,
                at.clone(),
                "eksctl 0.219.0+ default",
            ),
            Val::defaulted(
                "AmazonLinux2023".to_string(),
                at.clone(),
                "eksctl 0.219.0+ default",
            ),
        ),
    };
    (ami_family, ami_label)
}

/// Where the nodes go: their subnets and AZs, written or eksctl's defaults (the public subnets
/// unless `privateNetworking`, all of the cluster's zones).
fn placement(
    ctx: &mut FileCtx,
    ng: &Node,
    cluster: &Id,
    cluster_azs: &Val<Vec<String>>,
    at: &Prov,
    inv: &Inventory,
) -> (Val<Vec<Id>>, Val<Vec<String>>) {
    let w = "nodegroup: ";
    let p = |ctx: &FileCtx, key: &str| ctx.prov(ng.line_of(key));
    let private = ctx.bool(ng, "privateNetworking", w);
    let explicit_azs = ng.get("availabilityZones").is_some();
    let explicit_subnets = ng.get("subnets").is_some();
    let subnets = if explicit_subnets {
        // References are subnet ids or keys of vpc.subnets.private/public.
        let order = if private == Some(true) {
            ["private", "public"]
        } else {
            ["public", "private"]
        };
        let refs = ctx
            .str_list(ng, "subnets", w)
            .into_iter()
            .map(|r| {
                order
                    .iter()
                    .map(|role| Id::global(format!("{role}.{r}")))
                    .find(|n| inv.subnet(cluster, n).is_some())
                    .unwrap_or(Id::global(r))
            })
            .collect();
        Val::set(refs, p(ctx, "subnets"))
    } else {
        let public = !private.unwrap_or(false);
        let refs: Vec<Id> = inv
            .subnets_of(cluster)
            .filter(|s| s.public.known() == Some(&public))
            .filter(|s| {
                !explicit_azs
                    || s.az.known().is_some_and(|a| {
                        ng.get("availabilityZones")
                            .is_some_and(|z| z.str_items().contains(a))
                    })
            })
            .map(|s| s.name.clone())
            .collect();
        let why = if public {
            "eksctl default: privateNetworking is false, so nodes go to the public subnets"
        } else {
            "privateNetworking: the cluster's private subnets"
        };
        Val::defaulted(refs, at.clone(), why)
    };
    let azs = if explicit_azs {
        Val::set(
            ctx.str_list(ng, "availabilityZones", w),
            p(ctx, "availabilityZones"),
        )
    } else if explicit_subnets {
        let refs = subnets.known().cloned().unwrap_or_default();
        let zones: Option<Vec<String>> = refs
            .iter()
            .map(|r| inv.subnet(cluster, r).and_then(|s| s.az.known().cloned()))
            .collect();
        match zones {
            Some(mut z) => {
                z.sort();
                z.dedup();
                Val::set(z, p(ctx, "subnets"))
            }
            None => Val::unknown(
                "a subnet's availability zone is not known",
                p(ctx, "subnets"),
            ),
        }
    } else {
        match cluster_azs {
            Val::Known { value, at, .. } => Val::defaulted(
                value.clone(),
                at.clone(),
                "eksctl default: all of the cluster's zones",
            ),
            Val::Unknown { reason, at } => Val::unknown(reason.clone(), at.clone()),
        }
    };
    (subnets, azs)
}
