//! Fargate profiles, access entries, Pod Identity associations and OIDC identity providers.

use super::values::*;
use super::{K8sDocs, Scope};
use crate::res::RBody;
use crate::value::V;
use eksdoctor_inventory::*;

/// Fargate profiles.
pub(super) fn fargate(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    let cluster_of = |b: &RBody| s.cluster_of(b);
    // Fargate profiles.
    for r in idx.of_type(res, "aws_eks_fargate_profile") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let selectors = b
            .blocks("selector")
            .filter_map(|s| {
                Some(FargateSelector {
                    namespace: s.get("namespace")?.to_template_string()?,
                    labels: str_map(s.get("labels")),
                    at: s.at.clone(),
                })
            })
            .collect();
        let subnets = match b.get("subnet_ids") {
            Some(v) => match refs(v) {
                Some(r) => Val::set(Some(r), b.at_of("subnet_ids")),
                None => Val::unknown(reason(v), b.at_of("subnet_ids")),
            },
            None => Val::set(None, b.at.clone()),
        };
        inv.fargate_profiles.push(FargateProfile {
            cluster,
            name: b
                .get("fargate_profile_name")
                .and_then(V::to_template_string)
                .unwrap_or_else(|| r.addr.clone()),
            selectors,
            subnets,
            at: b.at.clone(),
        });
    }
}

/// Access entries, Pod Identity associations and OIDC identity providers for users.
pub(super) fn access(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    let cluster_of = |b: &RBody| s.cluster_of(b);
    // Access entries and their policy associations.
    for r in idx.of_type(res, "aws_eks_access_entry") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let principal_v = b.get("principal_arn");
        let creator = is_creator_entry(&r.addr, principal_v);
        let principal = principal_v.and_then(reference);
        // Associations name the entry's principal, or the entry itself (`…principal_arn`).
        let (mut policies, mut unresolved) = (Vec::new(), Vec::new());
        let base = r.addr.split('[').next().unwrap_or(&r.addr);
        for p in idx.of_type(res, "aws_eks_access_policy_association") {
            let target = p.body.get("principal_arn").and_then(reference);
            let mine = target.is_some()
                && (target == principal
                    || target.as_deref() == Some(r.addr.as_str())
                    || (creator
                        && target.as_deref() == Some(base)
                        && p.addr.contains("cluster_creator")));
            if !mine {
                continue;
            }
            match p.body.get("policy_arn").and_then(|v| {
                v.to_template_string()
                    .or_else(|| v.unk().and_then(|u| u.pattern.clone()))
            }) {
                Some(a) => policies.push(a),
                None => unresolved.push(format!("the policy of {} is not known", p.addr)),
            }
        }
        let principal_role = principal_role(b, idx, principal.as_deref());
        inv.access_entries.push(AccessEntry {
            cluster,
            principal_arn: Id::global(principal.unwrap_or_else(|| r.addr.clone())),
            principal_role,
            creator,
            kubernetes_groups: b
                .get("kubernetes_groups")
                .and_then(str_list)
                .unwrap_or_default(),
            access_policies: policies,
            unresolved_policies: unresolved,
            at: b.at.clone(),
        });
    }
    for r in idx.of_type(res, "aws_eks_pod_identity_association") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let (Some(ns), Some(sa)) = (
            b.get("namespace").and_then(V::to_template_string),
            b.get("service_account").and_then(V::to_template_string),
        ) else {
            continue;
        };
        inv.pod_identity_associations.push(PodIdentityAssociation {
            cluster,
            namespace: ns,
            service_account: sa,
            role: val_ref(b, "role_arn"),
            at: b.at.clone(),
        });
    }

    // OIDC identity providers for user authentication.
    for r in idx.of_type(res, "aws_eks_identity_provider_config") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let oidc = b
            .block("oidc")
            .cloned()
            .unwrap_or_else(|| RBody::new(b.at.clone()));
        inv.identity_providers.push(IdentityProvider {
            cluster,
            name: val_str(&oidc, "identity_provider_config_name", None),
            issuer_url: val_str(&oidc, "issuer_url", None),
            at: b.at.clone(),
        });
    }
}

/// The entry terraform-aws-modules (v20+) makes for the identity that runs `terraform apply`
/// (`enable_cluster_creator_admin_permissions`): keyed `cluster_creator`, its principal the
/// session's issuer (`data.aws_iam_session_context`).
fn is_creator_entry(addr: &str, principal: Option<&V>) -> bool {
    let from_session = principal
        .and_then(V::unk)
        .and_then(|u| u.addr.as_deref())
        .is_some_and(|a| {
            a.contains("aws_iam_session_context") || a.contains("aws_caller_identity")
        });
    from_session || addr.ends_with(".aws_eks_access_entry.this[\"cluster_creator\"]")
}

/// Whether an access entry's principal is an IAM role: its ARN says so, or it refers to an
/// `aws_iam_role` (resource or data source) in scope.
fn principal_role(b: &RBody, idx: &Index, principal: Option<&str>) -> Val<bool> {
    let at = b.at_of("principal_arn");
    let Some(p) = principal else {
        return Val::unknown(
            format!(
                "the principal of this access entry is not known: {}",
                b.get("principal_arn")
                    .map(reason)
                    .unwrap_or_else(|| "principal_arn is not set".into())
            ),
            at,
        );
    };
    if p.starts_with("arn:") {
        return Val::set(p.contains(":role/"), at);
    }
    let found = idx.lookup(p);
    if found.iter().any(|r| r.rtype == "aws_iam_role") {
        return Val::set(true, at);
    }
    if found.iter().any(|r| r.rtype == "aws_iam_user") {
        return Val::set(false, at);
    }
    Val::unknown(
        format!("whether principal `{p}` is an IAM role is not known"),
        at,
    )
}
