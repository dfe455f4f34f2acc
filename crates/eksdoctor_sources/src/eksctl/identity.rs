//! `iam`, `iamIdentityMappings` and `accessConfig`: who can reach AWS and the cluster.

use super::{p, Doc, EKSCTL};
use crate::ctx::FileCtx;
use eksdoctor_inventory::*;

/// IRSA, Pod Identity associations, identity mappings and access entries (into the inventory);
/// returns the OIDC setting, the authentication mode and whether the creator is admin.
pub(super) fn read(
    ctx: &mut FileCtx,
    d: &Doc,
    inv: &mut Inventory,
) -> (Val<bool>, Val<AuthMode>, Val<bool>) {
    let (root, w, at, id) = (d.root, d.w, &d.at, &d.id);
    // IAM and identity.
    let iam = ctx.map(root, "iam", w);
    let oidc = match iam.and_then(|i| ctx.bool(i, "withOIDC", w)) {
        Some(b) => Val::set(b, p(ctx, iam.expect("iam"), "withOIDC")),
        None => Val::defaulted(false, at.clone(), EKSCTL),
    };
    if let Some(iam) = iam {
        for a in ctx.seq(iam, "podIdentityAssociations", w) {
            let ns = a
                .get("namespace")
                .and_then(Node::as_str)
                .unwrap_or("default");
            let sa = a
                .get("serviceAccountName")
                .and_then(Node::as_str)
                .unwrap_or("");
            inv.pod_identity_associations.push(PodIdentityAssociation {
                cluster: id.clone(),
                namespace: ns.to_string(),
                service_account: sa.to_string(),
                role: Val::set(
                    a.get("roleARN").and_then(Node::as_str).map(Id::global),
                    ctx.prov(a.line),
                ),
                at: ctx.prov(a.line),
            });
        }
    }
    for m in ctx.seq(root, "iamIdentityMappings", w) {
        let Some(arn) = m.get("arn").and_then(Node::as_str) else {
            // `account` maps every IAM principal of an account; `serviceName` with `namespace`
            // maps a service's role into one namespace (EMR on EKS: `emr-containers`), with
            // namespaced permissions only: neither is a cluster admin.
            let service = m.get("serviceName").and_then(Node::as_str);
            match (service, m.get("namespace").and_then(Node::as_str)) {
                (Some(_), Some(_)) => {}
                (Some(svc), None) => ctx.error(
                    m.line,
                    format!("iamIdentityMappings entry with serviceName `{svc}` needs `namespace`"),
                ),
                (None, _) if m.get("account").is_none() => ctx.error(
                    m.line,
                    "iamIdentityMappings entry without `arn`, `account` or `serviceName`",
                ),
                _ => {}
            }
            continue;
        };
        let kind = if arn.contains(":user/") {
            AuthMappingKind::User
        } else {
            AuthMappingKind::Role
        };
        inv.auth_mappings.push(AuthMapping {
            cluster: Some(id.clone()),
            kind,
            arn: Val::set(arn.to_string(), ctx.prov(m.line)),
            username: m.get("username").and_then(Node::as_str).map(str::to_string),
            groups: ctx.str_list(m, "groups", w),
            at: ctx.prov(m.line),
        });
    }
    let access = ctx.map(root, "accessConfig", w);
    let auth_mode = match access.and_then(|a| ctx.str(a, "authenticationMode", w)) {
        Some(m) => {
            match AuthMode::parse(&m) {
                Some(mode) => Val::set(mode, p(ctx, access.expect("access"), "authenticationMode")),
                None => {
                    let line = access.expect("access").line_of("authenticationMode");
                    ctx.error(line, format!("{w}authenticationMode `{m}` is not CONFIG_MAP, API_AND_CONFIG_MAP or API"));
                    Val::unknown("authenticationMode is not valid", ctx.prov(line))
                }
            }
        }
        None => Val::defaulted(AuthMode::ApiAndConfigMap, at.clone(), EKSCTL),
    };
    let creator_admin =
        match access.and_then(|a| ctx.bool(a, "bootstrapClusterCreatorAdminPermissions", w)) {
            Some(b) => Val::set(
                b,
                p(
                    ctx,
                    access.expect("access"),
                    "bootstrapClusterCreatorAdminPermissions",
                ),
            ),
            None => Val::defaulted(true, at.clone(), EKSCTL),
        };
    if let Some(access) = access {
        for e in ctx.seq(access, "accessEntries", w) {
            let Some(arn) = e.get("principalARN").and_then(Node::as_str) else {
                ctx.error(e.line, "accessEntries entry without `principalARN`");
                continue;
            };
            let policies = e
                .get("accessPolicies")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| {
                    p.get("policyARN")
                        .and_then(Node::as_str)
                        .map(str::to_string)
                })
                .collect();
            inv.access_entries.push(AccessEntry {
                cluster: id.clone(),
                principal_arn: Id::global(arn),
                principal_role: Val::set(arn.contains(":role/"), ctx.prov(e.line)),
                creator: false,
                kubernetes_groups: ctx.str_list(e, "kubernetesGroups", w),
                access_policies: policies,
                unresolved_policies: Vec::new(),
                at: ctx.prov(e.line),
            });
        }
    }

    (oidc, auth_mode, creator_admin)
}
