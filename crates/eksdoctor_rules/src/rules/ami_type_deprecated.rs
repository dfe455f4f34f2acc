//! # ami-type-deprecated
//! A node group on Amazon Linux 2: EKS stopped publishing AL2 AMIs on 2025-11-26 and never
//! published any for Kubernetes 1.33+. eksctl 0.219.0+ defaults to AmazonLinux2023.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::AmiFamily;

pub static META: RuleMeta = RuleMeta {
    id: "ami-type-deprecated",
    category: Category::Versions,
    severity: Severity::Medium,
    summary: "A node group uses Amazon Linux 2 AMIs",
    why: "No EKS-optimized AL2 AMIs are published after November 2025 and none exist for Kubernetes 1.33+, so these nodes get no fixes and block the cluster's upgrades.",
    fix: "Move to AmazonLinux2023 (nodeadm) or Bottlerocket (Karpenter: `alias: al2023@…` or `bottlerocket@…`); review user data, since AL2's bootstrap.sh does not exist there.",
    sources: &["tf", "plan", "eksctl", "k8s", "live"],
    silent_when: "The AMI family is not known (a custom AMI or launch template).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/al2023.html", "https://github.com/awslabs/amazon-eks-ami/issues/2545"],
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
                    "{} uses {label}{}: EKS published its last Amazon Linux 2 AMIs in December 2025 and none for Kubernetes 1.33 or later",
                    ng.describe(),
                    crate::helpers::default_note(&ng.ami_label)
                ),
            );
        }
    }
}
