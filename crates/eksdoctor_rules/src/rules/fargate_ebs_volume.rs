//! # fargate-ebs-volume
//! An EBS-backed claim used by pods that Fargate runs: Fargate pods cannot mount EBS volumes
//! (only EFS), so they stay Pending.

use crate::helpers::{
    fargate_only_namespace, storage_class, storage_class_unknown, workload_on_fargate,
};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "fargate-ebs-volume",
    category: Category::Fargate,
    severity: Severity::High,
    summary: "EBS-backed PVCs in a Fargate namespace",
    why: "Fargate pods can mount EFS but not EBS volumes; a pod with an EBS claim on Fargate never starts.",
    fix: "Use EFS (efs.csi.aws.com) for Fargate pods, or run the workload on EC2 nodes (narrow the Fargate profile selector).",
    sources: &["x", "live"],
    silent_when: "The claim's StorageClass or the namespace is unknown, or no single cluster is in scope.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let k = &ctx.inv.k8s;
    for w in &k.workloads {
        let Some(p) = workload_on_fargate(ctx, w) else {
            continue;
        };
        for t in &w.claim_templates {
            if let Some(why) = storage_class_unknown(ctx, &w.obj, t.storage_class.as_deref()) {
                sink.unknown(
                    &META,
                    &t.at,
                    format!(
                        "{} runs on Fargate (profile `{}`); claim template `{}`: {why}",
                        w.obj.display(),
                        p.name,
                        t.name
                    ),
                );
            }
            if storage_class(ctx, &w.obj, t.storage_class.as_deref()).is_some_and(|c| c.is_ebs()) {
                sink.finding(
                    &META,
                    &t.at,
                    w.obj.display(),
                    format!("{} runs on Fargate (profile `{}`), but its claim template `{}` is EBS-backed; Fargate pods cannot mount EBS volumes", w.obj.display(), p.name, t.name),
                );
            }
        }
    }
    for pvc in &k.pvcs {
        let Some(ns) = pvc.obj.namespace.known() else {
            continue;
        };
        let Some(p) = fargate_only_namespace(ctx, &pvc.obj, ns) else {
            continue;
        };
        let Some(sc) = storage_class(ctx, &pvc.obj, pvc.storage_class.as_deref()) else {
            if let Some(why) = storage_class_unknown(ctx, &pvc.obj, pvc.storage_class.as_deref()) {
                sink.unknown(
                    &META,
                    &pvc.obj.at,
                    format!(
                        "{} in namespace `{ns}`, which only Fargate serves (profile `{}`): {why}",
                        pvc.obj.display(),
                        p.name
                    ),
                );
            }
            continue;
        };
        if sc.is_ebs() {
            sink.finding(
                &META,
                &pvc.obj.at,
                pvc.obj.display(),
                format!("{} uses EBS StorageClass `{}` in namespace `{ns}`, which only Fargate serves (profile `{}`); Fargate pods cannot mount EBS volumes", pvc.obj.display(), sc.obj.name, p.name),
            );
        }
    }
}
