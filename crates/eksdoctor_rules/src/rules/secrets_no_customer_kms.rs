//! # secrets-no-customer-kms
//! No envelope encryption of Secrets with a customer-managed KMS key. Newer EKS versions encrypt
//! all Kubernetes API data with an AWS-owned key by default; a customer key adds control over the
//! key's policy, rotation and audit.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "secrets-no-customer-kms",
    category: Category::ControlPlane,
    severity: Severity::Low,
    summary: "Secrets are not envelope-encrypted with a customer-managed KMS key",
    why: "Since Kubernetes 1.28, EKS envelope-encrypts all Kubernetes API data with an AWS-owned key by default; without a key of your own you cannot restrict, audit or revoke decryption of Secrets separately from EKS, which compliance regimes often require.",
    fix: "Add a customer-managed KMS key for secrets encryption (eksctl `secretsEncryption.keyARN`, Terraform `encryption_config`).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "Encryption settings are unknown.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html", "https://docs.aws.amazon.com/eks/latest/eksctl/kms-encryption.html"],
};

/// The first version whose API data EKS envelope-encrypts by default (with an AWS-owned key).
const DEFAULT_ENCRYPTION: eksdoctor_knowledge::KubeVersion =
    eksdoctor_knowledge::KubeVersion::new(1, 28);

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let key = sink.need(&META, &c.secrets_kms_key, || {
            format!("Secrets encryption key of cluster `{}`", c.id)
        });
        if let Some(None) = key {
            sink.finding(
                &META,
                c.secrets_kms_key.at(),
                format!("cluster {}", c.id),
                format!(
                    "cluster `{}` has no customer-managed KMS key for Secrets; {}",
                    c.id,
                    match crate::helpers::cluster_version(c) {
                        Some(v) if v < DEFAULT_ENCRYPTION => format!("on Kubernetes {v} they are not envelope-encrypted at all (EKS encrypts with an AWS-owned key by default from 1.28)"),
                        Some(_) => "they are envelope-encrypted only with the AWS-owned key EKS uses by default".to_string(),
                        None => "from Kubernetes 1.28 EKS envelope-encrypts them with an AWS-owned key by default, before 1.28 not at all".to_string(),
                    }
                ),
            );
        }
    }
}
