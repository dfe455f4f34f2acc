//! # irsa-trust-too-broad
//! An IAM role trusted through the cluster's OIDC provider (`sts:AssumeRoleWithWebIdentity`)
//! without a `:sub` condition, or with a wildcard service account in it: any service account
//! (or any pod) of the cluster can assume it.

use crate::helpers::{statements, str_or_list};
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "irsa-trust-too-broad",
    category: Category::Identity,
    severity: Severity::High,
    summary: "IRSA role any service account can assume",
    why: "Without a `:sub` condition naming one service account, every pod in the cluster, in any namespace, can exchange its token for this role's credentials.",
    fix: "Add `StringEquals` on `<issuer>:sub` = `system:serviceaccount:<namespace>:<name>` (and `:aud` = `sts.amazonaws.com`); avoid `*` in the namespace or name.",
    sources: &["tf", "plan", "live"],
    silent_when: "The trust policy or its condition values are only known after apply.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for role in &ctx.inv.iam_roles {
        let Some(Some(doc)) = sink.need(&META, &role.trust_policy, || {
            format!("trust policy of IAM role `{}`", role.id)
        }) else {
            continue;
        };
        for st in statements(doc) {
            if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
                continue;
            }
            let actions = str_or_list(st.get("Action"));
            if !actions.iter().any(|a| a == "sts:AssumeRoleWithWebIdentity") {
                continue;
            }
            let principal = st.get("Principal").and_then(|p| p.get("Federated"));
            let federated = str_or_list(principal);
            // Only OIDC providers of EKS clusters (or ones only known after apply).
            if !has_unknown(principal)
                && !federated
                    .iter()
                    .any(|f| f.contains("oidc-provider/oidc") || f.contains("oidc.eks"))
            {
                continue;
            }
            let mut subs: Vec<(String, String)> = Vec::new();
            let mut unknown = false;
            for (op, conds) in st.get("Condition").map(|c| c.entries()).unwrap_or_default() {
                for (key, vals) in conds.entries() {
                    if key.ends_with(":sub") {
                        unknown |= has_unknown(Some(vals));
                        for v in str_or_list(Some(vals)) {
                            subs.push((op.clone(), v));
                        }
                    }
                }
            }
            if unknown {
                sink.unknown(
                    &META,
                    role.trust_policy.at(),
                    format!(
                        "trust policy of IAM role `{}` not decided: its `:sub` condition is known only after apply",
                        role.id
                    ),
                );
                continue;
            }
            let problem = if subs.is_empty() {
                Some(
                    "has no `:sub` condition, so any service account of the cluster can assume it"
                        .to_string(),
                )
            } else {
                subs.iter()
                    .find(|(op, v)| op.contains("Like") && (v.contains('*') || v.contains('?')))
                    .map(|(_, v)| format!("matches service accounts with a wildcard (`{v}`)"))
            };
            if let Some(p) = problem {
                sink.finding(
                    &META,
                    role.trust_policy.at(),
                    format!("iam-role {}", role.id),
                    format!("IRSA role `{}` {p}", role.id),
                );
            }
        }
    }
}

/// The value, or one of its items, is known only after apply.
fn has_unknown(n: Option<&eksdoctor_inventory::Node>) -> bool {
    n.is_some_and(|n| n.is_unknown() || n.items().iter().any(|i| i.is_unknown()))
}
