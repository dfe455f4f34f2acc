//! # storageclass-immediate-binding
//! An EBS StorageClass with `volumeBindingMode: Immediate` (the Kubernetes default when unset):
//! the volume is created before the pod is scheduled, possibly in an AZ where the pod cannot run.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "storageclass-immediate-binding",
    category: Category::Storage,
    severity: Severity::Medium,
    summary: "An EBS StorageClass binds volumes immediately instead of WaitForFirstConsumer",
    why: "With Immediate binding the volume is created in some AZ before the scheduler picks a node; if that AZ has no capacity or the pod's constraints exclude it, the pod never starts.",
    fix: "Set `volumeBindingMode: WaitForFirstConsumer` (a StorageClass is immutable: create a new class and migrate).",
    sources: &["k8s", "tf", "live"],
    silent_when: "The class is not EBS-backed.",
    references: &["https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for sc in ctx.inv.k8s.storage_classes.iter().filter(|s| s.is_ebs()) {
        let how = match sc.binding_mode.as_deref() {
            None => "sets no volumeBindingMode, so Kubernetes uses Immediate",
            Some("Immediate") => "sets volumeBindingMode: Immediate",
            _ => continue,
        };
        sink.finding(
            &META,
            &sc.obj.at,
            sc.obj.display(),
            format!(
                "EBS StorageClass `{}` ({}) {how}: volumes are created before the pod is scheduled, in an AZ the pod may not be able to use",
                sc.obj.name, sc.provisioner
            ),
        );
    }
}
