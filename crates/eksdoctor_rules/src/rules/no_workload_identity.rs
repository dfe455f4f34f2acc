//! # no-workload-identity
//! The cluster has neither an IAM OIDC provider (IRSA) nor EKS Pod Identity (agent add-on,
//! associations, or Auto Mode): pods can get AWS access only through the node role.

use crate::helpers::uses_workload_identity;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "no-workload-identity",
    category: Category::Identity,
    severity: Severity::High,
    summary: "No IRSA OIDC provider and no EKS Pod Identity: pods share the node role",
    why: "Without per-pod identity every pod that needs AWS access uses the node's instance role, so the node role accumulates every workload's permissions and any pod can use them.",
    fix: "Enable EKS Pod Identity (eks-pod-identity-agent add-on and pod identity associations) or IRSA (`iam.withOIDC: true`, Terraform `aws_iam_openid_connect_provider`) and give each workload its own role. If they are managed outside this root module, say so with `external = [\"oidc-provider\"]` for the cluster in `.eksdoctor.toml` (`[[clusters]]`), or an inline suppression with its reason (`# eksdoctor:ignore no-workload-identity -- the OIDC provider lives in the identity stack`).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "Whether an OIDC provider exists is not known.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html", "https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let uses = uses_workload_identity(ctx.inv, c);
        if uses.is_none() {
            if c.oidc_provider.known().is_some() {
                if let Some(g) = crate::helpers::pod_identity_unseen(ctx.inv, c) {
                    sink.unknown(
                        &META,
                        &g.at,
                        format!(
                            "workload identity of cluster `{}` not decided: no OIDC provider and no Pod Identity in the scanned code, but {}, which may add Pod Identity",
                            c.id, g.what
                        ),
                    );
                }
            } else {
                sink.need(&META, &c.oidc_provider, || {
                    format!("whether cluster `{}` has an IAM OIDC provider", c.id)
                });
            }
        }
        if uses == Some(false) {
            sink.finding(
                &META,
                c.oidc_provider.at(),
                format!("cluster {}", c.id),
                format!(
                    "cluster `{}` has no IAM OIDC provider and no EKS Pod Identity agent or associations in {}: pods can reach AWS only with the node role",
                    c.id,
                    crate::helpers::unit_of(c)
                ),
            );
        }
    }
}
