//! # node-volume-unencrypted
//! A node group does not ask for encrypted root volumes (eksctl `volumeEncrypted` unset or false).
//! The volumes are then unencrypted unless EBS encryption by default is on for the account and
//! Region, which a static file cannot know; the message says so.

use crate::helpers::default_note;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "node-volume-unencrypted",
    category: Category::Storage,
    severity: Severity::Medium,
    summary: "Node root volumes are not encrypted",
    why: "Node volumes hold container images, emptyDir data and logs; unencrypted volumes and their snapshots expose them.",
    fix: "Set `volumeEncrypted: true` (eksctl), `encrypted = true` in the launch template's block device mapping, `encrypted: true` in a Karpenter EC2NodeClass's `blockDeviceMappings`, or turn on EBS encryption by default for the account.",
    sources: &["tf", "plan", "eksctl", "k8s", "live"],
    silent_when: "The node group uses a launch template the scan cannot read.",
    references: &["https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for ng in &ctx.inv.node_groups {
        let encrypted = sink.need(&META, &ng.volume_encrypted, || {
            format!("root volume encryption of {}", ng.describe())
        });
        if encrypted == Some(&false) {
            sink.finding(
                &META,
                ng.volume_encrypted.at(),
                format!("nodegroup {}", ng.name),
                format!(
                    "{} does not request encrypted root volumes{}; they are unencrypted unless EBS encryption by default is on for the account and Region",
                    ng.describe(),
                    default_note(&ng.volume_encrypted)
                ),
            );
        }
    }
}
