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
        let Some(principal) = b.get("principal_arn").and_then(reference) else {
            continue;
        };
        let policies = idx
            .of_type(res, "aws_eks_access_policy_association")
            .filter(|p| {
                p.body.get("principal_arn").and_then(reference).as_deref()
                    == Some(principal.as_str())
            })
            .filter_map(|p| {
                p.body.get("policy_arn").and_then(|v| {
                    v.to_template_string()
                        .or_else(|| v.unk().and_then(|u| u.pattern.clone()))
                })
            })
            .collect();
        inv.access_entries.push(AccessEntry {
            cluster,
            principal_arn: Id::global(principal),
            kubernetes_groups: b
                .get("kubernetes_groups")
                .and_then(str_list)
                .unwrap_or_default(),
            access_policies: policies,
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
