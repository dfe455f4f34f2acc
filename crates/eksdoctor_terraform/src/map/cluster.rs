//! EKS clusters and their add-ons.

use super::values::*;
use super::{K8sDocs, Scope};
use super::{EKS_DEFAULT, TF_DEFAULT};
use crate::policy::policy_node;
use crate::res::RBody;
use crate::value::V;
use eksdoctor_inventory::*;

/// EKS clusters.
pub(super) fn clusters(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    let sole = &s.sole;
    // Clusters.
    for r in idx.of_type(res, "aws_eks_cluster") {
        let b = &r.body;
        let at = b.at.clone();
        let vc = b.block("vpc_config");
        let vcb = vc.cloned().unwrap_or_else(|| RBody::new(at.clone()));
        let log_types = val_list(
            b,
            "enabled_cluster_log_types",
            Some((Vec::new(), TF_DEFAULT)),
        );
        let secrets_kms_key = secrets_key(b, &at);
        let (auth_mode, bootstrap_creator_admin) = access_config(b, &at);
        let auto_mode = match b.block("compute_config") {
            Some(c) => val_bool(c, "enabled", Some((false, TF_DEFAULT))),
            None => Val::defaulted(false, at.clone(), TF_DEFAULT),
        };
        let subnet_refs = vcb.get("subnet_ids").and_then(refs).unwrap_or_default();
        let vpc = subnet_refs
            .iter()
            .flat_map(|s| idx.lookup(s.name()))
            .find_map(|s| s.body.get("vpc_id").and_then(reference))
            .map(Id::global);
        let oidc = res.iter().any(|o| {
            o.rtype == "aws_iam_openid_connect_provider"
                && match o.body.get("url") {
                    Some(V::Unknown(u)) => u.addr.as_deref() == Some(&r.addr) || sole.is_some(),
                    Some(V::Str(s)) => s.contains("oidc.eks"),
                    _ => false,
                }
        });
        // The root module is applied as a whole: no provider in it, and no part of it that the
        // scan cannot see and that could create one, means there is none.
        let oidc_gap = inv
            .completeness
            .unseen_creator_in(s.root, "aws_iam_openid_connect_provider")
            .map(|g| g.what.clone());
        let oidc_provider = match (oidc, oidc_gap) {
            (true, _) => Val::set(true, at.clone()),
            (false, Some(what)) => Val::unknown(
                format!("no aws_iam_openid_connect_provider in the scanned code, but {what}: it may create one"),
                at.clone(),
            ),
            (false, None) => Val::set(false, at.clone()),
        };
        let support_type = match b.block("upgrade_policy") {
            Some(u) => val_str(u, "support_type", Some(("EXTENDED", EKS_DEFAULT))),
            None => Val::defaulted("EXTENDED".into(), at.clone(), EKS_DEFAULT),
        };
        let version = match b.get("version") {
            Some(v) => match v.to_template_string() {
                Some(s) => known(b, "version", s),
                None => Val::unknown(format!("version: {}", reason(v)), b.at_of("version")),
            },
            None => Val::unknown(
                "version is not set: EKS uses its default version when the cluster is created",
                at.clone(),
            ),
        };
        let bootstrap_addons = b
            .get("bootstrap_self_managed_addons")
            .and_then(V::as_bool)
            .unwrap_or(true);
        let ip_family = match b.block("kubernetes_network_config") {
            Some(k) => {
                val_str(k, "ip_family", Some(("ipv4", EKS_DEFAULT))).map(|f| f.to_ascii_lowercase())
            }
            None => Val::defaulted("ipv4".to_string(), at.clone(), EKS_DEFAULT),
        };
        inv.clusters.push(Cluster {
            id: Id::global(&r.addr),
            name: val_str(b, "name", None),
            region: Val::unknown(
                "the region comes from the provider configuration",
                at.clone(),
            ),
            version,
            endpoint_public: val_bool(&vcb, "endpoint_public_access", Some((true, TF_DEFAULT))),
            endpoint_private: val_bool(&vcb, "endpoint_private_access", Some((false, TF_DEFAULT))),
            public_access_cidrs: val_list(
                &vcb,
                "public_access_cidrs",
                Some((vec!["0.0.0.0/0".into()], TF_DEFAULT)),
            ),
            log_types,
            secrets_kms_key,
            auth_mode,
            bootstrap_creator_admin,
            creator: Val::unknown(eksdoctor_inventory::CREATOR_NOT_IN_FILES, at.clone()),
            oidc_provider,
            auto_mode,
            default_addons: Val::set(
                Vec::new(),
                if bootstrap_addons {
                    at.clone()
                } else {
                    b.at_of("bootstrap_self_managed_addons")
                },
            ),
            vpc,
            azs: azs_of(&subnet_refs, idx, &at),
            cni: CniSettings::defaults(&at, "VPC CNI default"),
            support_type,
            ip_family,
            at,
        });
    }
}

/// Add-ons, and the VPC CNI settings of vpc-cni's configuration values.
pub(super) fn addons(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    let cluster_of = |b: &RBody| s.cluster_of(b);
    // Add-ons (and VPC CNI settings from vpc-cni's configuration values).
    for r in idx.of_type(res, "aws_eks_addon") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let Some(name) = b.get("addon_name").and_then(V::to_template_string) else {
            continue;
        };
        let configuration = b.get("configuration_values").and_then(|v| match v {
            V::Str(s) => serde_json::from_str::<serde_json::Value>(s)
                .ok()
                .and_then(|j| {
                    crate::policy::policy_node(&V::from_json(&j), &b.at_of("configuration_values"))
                }),
            V::Unknown(u) => u
                .partial
                .as_ref()
                .and_then(|p| policy_node(p, &b.at_of("configuration_values"))),
            _ => None,
        });
        if name == "vpc-cni" {
            if let (Some(cfg), Some(c)) = (
                &configuration,
                inv.clusters.iter_mut().find(|c| c.id == cluster),
            ) {
                if let Some(env) = cfg.get("env") {
                    for (k, v) in env.entries() {
                        if let Some(s) = v.as_str() {
                            c.cni.apply_env(k, s, b.at_of("configuration_values"));
                        }
                    }
                }
            }
        }
        let version = match b.get("addon_version") {
            Some(v) => match v.to_template_string() {
                Some(s) => Val::set(Some(s), b.at_of("addon_version")),
                None => Val::unknown(reason(v), b.at_of("addon_version")),
            },
            None => Val::defaulted(None, b.at.clone(), EKS_DEFAULT),
        };
        let role = match b.get("service_account_role_arn") {
            Some(_) => val_ref(b, "service_account_role_arn"),
            None => match b.block("pod_identity_association") {
                Some(p) => val_ref(p, "role_arn"),
                None => Val::set(None, b.at.clone()),
            },
        };
        inv.addons.push(Addon {
            cluster,
            name,
            version,
            role,
            configuration,
            offered_latest: None,
            at: b.at.clone(),
        });
    }
}

/// The KMS key that encrypts the cluster's Secrets: `Some` with its ARN (or a reference known
/// after apply), `None` when Secrets use EKS's default encryption.
fn secrets_key(b: &RBody, at: &Prov) -> Val<Option<String>> {
    match b.get("encryption_config") {
        Some(v @ V::Unknown(_)) => Val::unknown(
            format!("encryption_config: {}", reason(v)),
            b.at_of("encryption_config"),
        ),
        _ => match b.block("encryption_config") {
            Some(e) => {
                let secrets = e
                    .get("resources")
                    .and_then(str_list)
                    .is_some_and(|l| l.iter().any(|x| x == "secrets"));
                match e.block("provider").and_then(|p| p.get("key_arn")) {
                    Some(k) if secrets => Val::set(
                        reference(k)
                            .or(Some("a KMS key whose ARN is known only after apply".into())),
                        e.at.clone(),
                    ),
                    _ => Val::set(None, e.at.clone()),
                }
            }
            None => Val::defaulted(None, at.clone(), TF_DEFAULT),
        },
    }
}

/// The authentication mode and whether the creator is made cluster admin (`access_config`).
fn access_config(b: &RBody, at: &Prov) -> (Val<AuthMode>, Val<bool>) {
    let ac = b.block("access_config");
    let auth_mode = match ac.and_then(|a| a.get("authentication_mode")) {
        Some(V::Str(s)) => match AuthMode::parse(s) {
            Some(m) => known(ac.expect("checked"), "authentication_mode", m),
            None => Val::unknown(
                format!("authentication_mode `{s}` is not a mode"),
                at.clone(),
            ),
        },
        Some(v) => Val::unknown(reason(v), at.clone()),
        None => Val::defaulted(AuthMode::ConfigMap, at.clone(), EKS_DEFAULT),
    };
    let bootstrap_creator_admin = match ac.and_then(|a| a.get("bootstrap_cluster_creator_admin_permissions")) {
        Some(v) => match v.as_bool() {
            Some(x) => known(ac.expect("checked"), "bootstrap_cluster_creator_admin_permissions", x),
            None => Val::unknown(reason(v), at.clone()),
        },
        None => Val::unknown(
            "bootstrap_cluster_creator_admin_permissions is not set: its default depends on the AWS provider version",
            at.clone(),
        ),
    };
    (auth_mode, bootstrap_creator_admin)
}

/// IAM OIDC providers made for a cluster of another root module: their `url` is the issuer a
/// `data "aws_eks_cluster"` reads by name, which links them to that cluster when it is scanned.
pub(super) fn oidc_elsewhere(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    for p in s
        .res
        .iter()
        .filter(|r| r.rtype == "aws_iam_openid_connect_provider" && !r.data)
    {
        let Some(V::Unknown(u)) = p.body.get("url") else {
            continue;
        };
        let Some(addr) = u.addr.as_deref().filter(|a| {
            a.starts_with("data.aws_eks_cluster.") || a.contains(".data.aws_eks_cluster.")
        }) else {
            continue;
        };
        let name = s
            .res
            .iter()
            .find(|d| d.data && d.addr == addr)
            .and_then(|d| d.body.get("name"))
            .and_then(V::to_template_string);
        if let Some(name) = name {
            inv.oidc_providers.push(OidcProvider {
                cluster: Id::global(&name),
                at: p.body.at.clone(),
            });
        }
    }
}
