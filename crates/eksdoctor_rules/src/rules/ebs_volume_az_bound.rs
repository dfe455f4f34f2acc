//! # ebs-volume-az-bound
//! A StatefulSet's claim template, or a PersistentVolumeClaim, on an EBS-backed StorageClass: an EBS
//! volume lives in one AZ, so the pod that mounts it can only ever run in that AZ.

use crate::helpers::{class_label, storage_class, storage_class_unknown};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::{Cluster, NodeGroupKind, Pvc, Workload};

pub static META: RuleMeta = RuleMeta {
    id: "ebs-volume-az-bound",
    category: Category::Storage,
    severity: Severity::Medium,
    summary: "A StatefulSet or PVC on an EBS StorageClass is pinned to one AZ for life",
    why: "An EBS volume exists in one availability zone; when that AZ fails or has no capacity, the pod cannot be rescheduled elsewhere and stays Pending.",
    fix: "Prefer a managed service (RDS, ElastiCache) or EFS where it fits; otherwise replicate across AZs at the application level and spread replicas with topologySpreadConstraints.",
    sources: &["k8s", "live"],
    silent_when: "The claim's StorageClass is not among the scanned objects (or no default class is).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let k = &ctx.inv.k8s;
    for w in k.workloads.iter().filter(|w| w.obj.kind == "StatefulSet") {
        for t in &w.claim_templates {
            let Some(sc) = storage_class(ctx, &w.obj, t.storage_class.as_deref()) else {
                if let Some(why) = storage_class_unknown(ctx, &w.obj, t.storage_class.as_deref()) {
                    sink.unknown(
                        &META,
                        &t.at,
                        format!("{}: claim template `{}`: {why}", w.obj.display(), t.name),
                    );
                }
                continue;
            };
            if sc.is_ebs() {
                sink.finding(
                    &META,
                    &t.at,
                    w.obj.display(),
                    format!(
                        "{}: claim template `{}` uses {}; each replica's EBS volume, and so its pod, stays in the availability zone where the volume was created",
                        w.obj.display(),
                        t.name,
                        class_label(sc, t.storage_class.is_some())
                    ),
                );
            }
        }
    }
    for p in &k.pvcs {
        let Some(sc) = storage_class(ctx, &p.obj, p.storage_class.as_deref()) else {
            if let Some(why) = storage_class_unknown(ctx, &p.obj, p.storage_class.as_deref()) {
                sink.unknown(&META, &p.obj.at, format!("{}: {why}", p.obj.display()));
            }
            continue;
        };
        if sc.is_ebs() {
            sink.finding(
                &META,
                &p.obj.at,
                p.obj.display(),
                format!(
                    "{} uses {}; its EBS volume, and every pod that mounts it, stays in one availability zone{}",
                    p.obj.display(),
                    class_label(sc, p.storage_class.is_some()),
                    bound_zone(ctx, p)
                ),
            );
        }
    }
}

/// What a running cluster adds about a claim: the zone its bound volume is in, the workloads
/// that mount it, and whether any node group can launch a node there.
fn bound_zone(ctx: &Ctx, p: &Pvc) -> String {
    let k = &ctx.inv.k8s;
    let Some(ns) = p.obj.namespace.known() else {
        return String::new();
    };
    let claim = (ns.clone(), p.obj.name.clone());
    let Some(pv) = k
        .pvs
        .iter()
        .find(|v| v.obj.cluster == p.obj.cluster && v.claim.as_ref() == Some(&claim))
    else {
        return String::new();
    };
    let [zone] = pv.zones.as_slice() else {
        return String::new();
    };
    let users: Vec<String> = k
        .workloads
        .iter()
        .filter(|w| w.obj.cluster == p.obj.cluster && w.obj.namespace.known() == Some(ns))
        .filter(|w| mounts(w, &p.obj.name))
        .map(|w| w.obj.display())
        .collect();
    let used = match users.as_slice() {
        [] => String::new(),
        u => format!(", with {} that mounts it", u.join(", ")),
    };
    let mut out = format!(": its volume `{}` is in {zone}{used}", pv.obj.name);
    if let Some(c) = ctx.inv.cluster_of(&p.obj) {
        if no_node_group_in(ctx, c, zone) {
            out += &format!(
                ", and no node group of cluster `{}` launches nodes in {zone}: those pods cannot be scheduled",
                c.id
            );
        }
    }
    out
}

/// Whether workload `w`'s pods mount claim `claim`.
fn mounts(w: &Workload, claim: &str) -> bool {
    let Some(spec) = &w.pod_spec else {
        return false;
    };
    spec.get("volumes").is_some_and(|v| {
        v.items().iter().any(|vol| {
            vol.get("persistentVolumeClaim")
                .and_then(|c| c.get("claimName"))
                .and_then(|n| n.as_str())
                == Some(claim)
        })
    })
}

/// True when every node group of `c` is known to launch nodes only outside `zone` (and it has
/// at least one): Karpenter or a group of unknown zones may launch there.
fn no_node_group_in(ctx: &Ctx, c: &Cluster, zone: &str) -> bool {
    let mut any = false;
    for ng in ctx.inv.node_groups_of(&c.id) {
        if ng.kind == NodeGroupKind::Karpenter {
            return false;
        }
        match ng.azs.known() {
            Some(azs) if azs.iter().any(|z| z == zone) => return false,
            Some(_) => any = true,
            None => return false,
        }
    }
    any && crate::helpers::CAPACITY_TYPES
        .iter()
        .all(|t| ctx.inv.completeness.unseen_creator(&c.id, t).is_none())
}
