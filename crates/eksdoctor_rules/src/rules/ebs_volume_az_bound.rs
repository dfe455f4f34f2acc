//! # ebs-volume-az-bound
//! A StatefulSet's claim template, or a PersistentVolumeClaim, on an EBS-backed StorageClass: an EBS
//! volume lives in one AZ, so the pod that mounts it can only ever run in that AZ.

use crate::helpers::{class_label, storage_class, storage_class_unknown};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

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
                    "{} uses {}; its EBS volume, and every pod that mounts it, stays in one availability zone",
                    p.obj.display(),
                    class_label(sc, p.storage_class.is_some())
                ),
            );
        }
    }
}
