//! # ami-type-deprecated
//! A node group on Amazon Linux 2. EKS support for AL2 AMIs ended on 2025-11-26, the final AL2
//! AMIs were released in the week of 2025-12-08, and the Amazon Linux 2 operating system itself
//! leaves support on 2026-06-30. No AL2 AMI exists for Kubernetes 1.33 or later, so such a node
//! group cannot be upgraded past 1.32 (the control plane can; the nodes then fall behind it).
//! eksctl 0.219.0+ defaults to AmazonLinux2023.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::AmiFamily;

pub static META: RuleMeta = RuleMeta {
    id: "ami-type-deprecated",
    category: Category::Versions,
    severity: Severity::High,
    summary: "A node group uses Amazon Linux 2 AMIs",
    why: "EKS support for Amazon Linux 2 AMIs ended on 2025-11-26 and the final AL2 AMIs came out in the week of 2025-12-08; the Amazon Linux 2 OS leaves support on 2026-06-30. These nodes get no more fixes, and no AL2 AMI exists for Kubernetes 1.33 or later: the node group cannot follow the control plane past 1.32.",
    fix: "Move to AmazonLinux2023 (nodeadm) or Bottlerocket (Karpenter: `alias: al2023@…` or `bottlerocket@…`); review user data, since AL2's bootstrap.sh does not exist there.",
    sources: &["tf", "plan", "eksctl", "k8s", "live"],
    silent_when: "The AMI family is not known (a custom AMI or launch template).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/al2023.html", "https://github.com/awslabs/amazon-eks-ami/issues/2545", "https://aws.amazon.com/amazon-linux-2/faqs/"],
};

/// The end of support of the Amazon Linux 2 operating system.
const AL2_OS_END: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 6, 30) {
    Some(d) => d,
    None => panic!("a valid date"),
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for ng in &ctx.inv.node_groups {
        let family = sink.need(&META, &ng.ami_family, || {
            format!("AMI family of {}", ng.describe())
        });
        if family == Some(&AmiFamily::AmazonLinux2) {
            let label = ng
                .ami_label
                .known()
                .cloned()
                .unwrap_or_else(|| "AmazonLinux2".into());
            sink.finding(
                &META,
                ng.ami_family.at(),
                format!("nodegroup {}", ng.name),
                format!(
                    "{} uses {label}{}: EKS support for AL2 AMIs ended on 2025-11-26 (final AMIs the week of 2025-12-08), the Amazon Linux 2 OS {} support on 2026-06-30, and no AL2 AMI exists for Kubernetes 1.33 or later, so these nodes cannot be upgraded past 1.32",
                    ng.describe(),
                    crate::helpers::default_note(&ng.ami_label),
                    if ctx.settings.as_of > AL2_OS_END { "left" } else { "leaves" }
                ),
            );
        }
    }
}
