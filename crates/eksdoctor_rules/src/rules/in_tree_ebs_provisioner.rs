//! # in-tree-ebs-provisioner
//! A StorageClass with the in-tree provisioner `kubernetes.io/aws-ebs`. Since Kubernetes 1.23 EKS
//! migrates it to the EBS CSI driver, which must then be installed; new features (gp3, snapshots)
//! exist only with `ebs.csi.aws.com`. High when the class's cluster is not known to install the
//! driver; low when it does (the class works through CSI migration).

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "in-tree-ebs-provisioner",
    category: Category::Storage,
    severity: Severity::High,
    summary: "A StorageClass uses the in-tree kubernetes.io/aws-ebs provisioner",
    why: "The in-tree plugin is migrated to the EBS CSI driver; without the driver installed, volumes of this class are never provisioned or attached, and gp3 and snapshots are unavailable.",
    fix: "Install the aws-ebs-csi-driver add-on and create classes with `provisioner: ebs.csi.aws.com` (prefer `type: gp3`).",
    sources: &["k8s", "tf", "live"],
    silent_when: "Never silent for such a class.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi-migration-faq.html", "https://docs.aws.amazon.com/eks/latest/userguide/csi-snapshot-controller.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let drivers = crate::helpers::by_cluster(ctx, &ctx.inv.k8s.ebs_csi);
    for sc in &ctx.inv.k8s.storage_classes {
        if sc.provisioner != "kubernetes.io/aws-ebs" {
            continue;
        }
        let kind = sc
            .parameters
            .get("type")
            .map(|t| format!(" (type {t})"))
            .unwrap_or_default();
        // With the driver installed, CSI migration serves the class: a lesser matter.
        let with_driver = ctx.inv.cluster_of(&sc.obj).filter(|c| {
            drivers.contains_key(&c.id)
                || ctx
                    .inv
                    .addons_of(&c.id)
                    .any(|a| a.name == "aws-ebs-csi-driver")
        });
        let (severity, served) = match with_driver {
            Some(c) => (
                Severity::Low,
                format!(": cluster `{}` installs the EBS CSI driver, which serves the class through CSI migration, but volume snapshots work only for volumes of a class using ebs.csi.aws.com", c.id),
            ),
            None => (META.severity, String::new()),
        };
        sink.finding_at(
            &META,
            severity,
            &sc.obj.at,
            sc.obj.display(),
            format!(
                "StorageClass `{}`{kind} uses the in-tree provisioner kubernetes.io/aws-ebs instead of ebs.csi.aws.com{served}",
                sc.obj.name
            ),
        );
    }
}
