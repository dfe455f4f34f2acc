//! `addonsConfig` and `addons`, with the VPC CNI settings of vpc-cni's configuration values.

use super::{p, Doc};
use crate::ctx::FileCtx;
use crate::manifests::apply_cni_env;
use crate::yaml;
use eksdoctor_inventory::*;

/// The add-ons (into the inventory); returns the default add-ons and the VPC CNI settings of
/// vpc-cni's configuration values.
/// The regions where eksctl does not install its default metrics-server add-on
/// (`ExcludedRegions` of `KnownAddons` in eksctl's `pkg/apis/eksctl.io/v1alpha5/known_addons.go`,
/// v0.230.0): China, GovCloud and the ISO partitions.
const METRICS_SERVER_EXCLUDED: &[&str] = &[
    "cn-northwest-1",
    "cn-north-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "eu-isoe-west-1",
];

pub(super) fn read(
    ctx: &mut FileCtx,
    d: &Doc,
    region: &Val<String>,
    with_oidc: &Val<bool>,
    inv: &mut Inventory,
) -> (Val<Vec<String>>, CniSettings) {
    let (root, w, at, id) = (d.root, d.w, &d.at, &d.id);
    // Add-ons and VPC CNI settings.
    let addons_cfg = ctx.map(root, "addonsConfig", w);
    let auto_pod_identity =
        addons_cfg.and_then(|a| ctx.bool(a, "autoApplyPodIdentityAssociations", w)) == Some(true);
    let disable_defaults = addons_cfg.and_then(|a| ctx.bool(a, "disableDefaultAddons", w));
    let default_addons = match disable_defaults {
        Some(true) => Val::set(Vec::new(), p(ctx, addons_cfg.expect("cfg"), "disableDefaultAddons")),
        _ => match region.known() {
            Some(r) if METRICS_SERVER_EXCLUDED.contains(&r.as_str()) => Val::defaulted(
                ["vpc-cni", "coredns", "kube-proxy"].map(String::from).to_vec(),
                at.clone(),
                "eksctl default add-ons (vpc-cni, coredns, kube-proxy since 0.184.0; no metrics-server in China, GovCloud and ISO regions)",
            ),
            _ => Val::defaulted(
                ["vpc-cni", "coredns", "kube-proxy", "metrics-server"]
                    .map(String::from)
                    .to_vec(),
                at.clone(),
                "eksctl default add-ons (vpc-cni, coredns, kube-proxy since 0.184.0; metrics-server since 0.201.0)",
            ),
        },
    };
    let mut cni = CniSettings::defaults(at, "VPC CNI default");
    for a in ctx.seq(root, "addons", w) {
        let Some(aname) = ctx.str(a, "name", w) else {
            ctx.error(a.line, "addons entry without `name`");
            continue;
        };
        let version = ctx.str(a, "version", w);
        let role = ctx
            .str(a, "serviceAccountRoleARN", w)
            .or_else(|| {
                (a.get("attachPolicyARNs").is_some()
                    || a.get("attachPolicy").is_some()
                    || a.get("wellKnownPolicies").is_some())
                .then(|| "eksctl-created role".to_string())
            })
            .or_else(|| {
                a.get("podIdentityAssociations")
                    .is_some()
                    .then(|| "pod identity association".to_string())
            })
            .or_else(|| {
                (a.get("useDefaultPodIdentityAssociations")
                    .and_then(Node::as_bool)
                    == Some(true))
                .then(|| "default pod identity association".to_string())
            })
            .or_else(|| eksctl_role(&aname, with_oidc, auto_pod_identity));
        let configuration = a.get("configurationValues").cloned();
        if aname == "vpc-cni" {
            if let Some(cv) = a.get("configurationValues").and_then(Node::as_str) {
                let (docs, err) = yaml::parse(cv);
                let line = a.line_of("configurationValues");
                if let Some(e) = err {
                    ctx.error(
                        line,
                        format!(
                            "vpc-cni configurationValues is not valid JSON/YAML: {}",
                            e.message
                        ),
                    );
                }
                for d in docs {
                    for (k, v) in d.root.get("env").map(Node::entries).unwrap_or_default() {
                        if let Some(val) = v.as_str() {
                            apply_cni_env(&mut cni, k, val, ctx.prov(line));
                        }
                    }
                }
            }
        }
        inv.addons.push(Addon {
            cluster: id.clone(),
            name: aname,
            version: Val::set(version, ctx.prov(a.line_of("version"))),
            role: Val::set(role.map(Id::global), ctx.prov(a.line)),
            configuration,
            offered_latest: None,
            at: ctx.prov(a.line),
        });
    }

    (default_addons, cni)
}

/// The add-ons for which eksctl creates a role with AWS's recommended policies when the entry
/// names none (`setRecommendedPoliciesForIRSA` in eksctl's `pkg/actions/addon/create.go`,
/// v0.230.0): through IRSA when `iam.withOIDC` is enabled, or through Pod Identity when
/// `addonsConfig.autoApplyPodIdentityAssociations` is set (these add-ons support it).
const RECOMMENDED_ROLE_ADDONS: &[&str] = &["vpc-cni", "aws-ebs-csi-driver", "aws-efs-csi-driver"];

fn eksctl_role(addon: &str, with_oidc: &Val<bool>, auto_pod_identity: bool) -> Option<String> {
    if !RECOMMENDED_ROLE_ADDONS.contains(&addon.to_ascii_lowercase().as_str()) {
        return None;
    }
    if auto_pod_identity {
        Some("eksctl-created role (Pod Identity, recommended policies)".to_string())
    } else if with_oidc.known() == Some(&true) {
        Some("eksctl-created role (IRSA, recommended policies)".to_string())
    } else {
        None
    }
}
