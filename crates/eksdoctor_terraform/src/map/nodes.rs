//! Launch templates, managed node groups and Karpenter (self-managed node groups are in
//! `self_managed.rs`).

use super::values::*;
use super::EKS_DEFAULT;
use super::{K8sDocs, Scope};
use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::*;

/// Launch templates.
pub(super) fn launch_templates(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    // Launch templates.
    for r in idx.of_type(res, "aws_launch_template") {
        let b = &r.body;
        let (http_tokens, hop_limit) = imds_settings(b, "launch template");
        inv.launch_templates.push(LaunchTemplate {
            id: Id::global(&r.addr),
            http_tokens,
            hop_limit,
            user_data_max_pods: user_data_max_pods(b),
            at: b.at.clone(),
        });
    }
}

/// Managed node groups.
pub(super) fn node_groups(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    let cluster_of = |b: &RBody| s.cluster_of(b);
    // Node groups.
    let lt_of = |b: &RBody| -> Option<String> {
        let lt = b.block("launch_template")?;
        lt.get("id")
            .or(lt.get("name"))
            .and_then(reference)
            .map(|a| strip_addr_attr(&a))
    };
    for r in idx.of_type(res, "aws_eks_node_group") {
        let b = &r.body;
        let Some(cluster) = cluster_of(b) else {
            continue;
        };
        let sc = b
            .block("scaling_config")
            .cloned()
            .unwrap_or_else(|| RBody::new(b.at.clone()));
        let lt = lt_of(b).and_then(|a| idx.lookup(&a).first().map(|r| (*r).clone()));
        let lt_body = lt.as_ref().map(|l| &l.body);
        let (ami_label, ami_family) = managed_ami(b, res, &cluster, lt_body);
        let (http_tokens, hop_limit, encrypted, max_pods) = match lt_body {
            Some(l) => {
                let lt_inv = inv.launch_templates.iter().find(|x| Some(x.id.name()) == lt.as_ref().map(|r| r.addr.as_str()));
                (
                    lt_inv.map(|x| x.http_tokens.clone()).unwrap_or_else(|| Val::unknown("launch template not found", l.at.clone())),
                    lt_inv.map(|x| x.hop_limit.clone()).unwrap_or_else(|| Val::unknown("launch template not found", l.at.clone())),
                    ebs_encrypted(l),
                    lt_inv.map(|x| x.user_data_max_pods.clone()).unwrap_or_else(|| Val::set(None, l.at.clone())),
                )
            }
            None if b.block("launch_template").is_some() => (
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
                Val::unknown("the node group's launch template is not in the scanned code", b.at.clone()),
            ),
            None => (
                match ami_family.known() {
                    Some(AmiFamily::AmazonLinux2) => Val::defaulted("optional".into(), b.at.clone(), "EKS managed node group default for AL2 without a launch template"),
                    Some(AmiFamily::AmazonLinux2023 | AmiFamily::Bottlerocket) => Val::defaulted("required".into(), b.at.clone(), "AMI default"),
                    _ => Val::unknown("set by the AMI", b.at.clone()),
                },
                Val::unknown("set by the AMI: the node group has no launch template", b.at.clone()),
                Val::unknown("the node group has no launch template: encryption follows the account's EBS encryption-by-default setting", b.at.clone()),
                Val::set(None, b.at.clone()),
            ),
        };
        let subnets = val_refs(b, "subnet_ids");
        let azs = match subnets.known() {
            Some(s) => azs_of(s, idx, subnets.at()),
            None => Val::unknown("the subnets are not known", b.at.clone()),
        };
        inv.node_groups.push(NodeGroup {
            cluster,
            name: b
                .get("node_group_name")
                .and_then(V::to_template_string)
                .or_else(|| {
                    b.get("node_group_name_prefix")
                        .and_then(V::to_template_string)
                        .map(|p| p.trim_end_matches('-').to_string())
                })
                .unwrap_or_else(|| r.addr.clone()),
            kind: NodeGroupKind::Managed,
            instance_types: match b.get("instance_types") {
                Some(_) => val_list(b, "instance_types", None),
                None => match lt_body.and_then(|l| l.get("instance_type")) {
                    Some(_) => val_list(lt_body.expect("checked"), "instance_type", None),
                    None => Val::defaulted(vec!["t3.medium".into()], b.at.clone(), EKS_DEFAULT),
                },
            },
            ami_family,
            ami_label,
            min_size: val_u32(&sc, "min_size"),
            max_size: val_u32(&sc, "max_size"),
            desired_size: val_u32(&sc, "desired_size"),
            max_pods,
            imds_http_tokens: http_tokens,
            imds_hop_limit: hop_limit,
            imds_blocked_for_pods: Val::set(false, b.at.clone()),
            volume_encrypted: encrypted,
            subnets,
            azs,
            version: match b.get("version") {
                Some(v) => match v.to_template_string() {
                    Some(s) => Val::set(Some(s), b.at_of("version")),
                    None => Val::unknown(reason(v), b.at_of("version")),
                },
                None => {
                    Val::defaulted(None, b.at.clone(), "node group follows the cluster version")
                }
            },
            node_role: match b.get("node_role_arn") {
                Some(_) => val_ref(b, "node_role_arn"),
                None => Val::unknown("node_role_arn is not set", b.at.clone()),
            },
            launch_template: lt.map(|l| Id::global(&l.addr)),
            labels: str_map(b.get("labels")),
            autoscaler_discovery: None,
            at: b.at.clone(),
        });
    }
}

/// Karpenter: the eks module's karpenter submodule, or a Helm release.
pub(super) fn karpenter(s: &Scope, inv: &mut Inventory, _: &mut K8sDocs) {
    let res = s.res;
    let idx = &s.idx;
    let sole = &s.sole;
    let cluster_of = |b: &RBody| s.cluster_of(b);
    // Karpenter set up by the eks module's karpenter submodule (modelled).
    for r in idx.of_type(res, "eksdoctor_karpenter") {
        if let Some(c) = cluster_of(&r.body) {
            let mut ng = NodeGroup::karpenter(
                &c,
                &r.body.at,
                "Karpenter provisions these nodes from NodePools that are not in the scanned code",
            );
            if r.body.get("node_role_arn").is_some() {
                ng.node_role = val_ref(&r.body, "node_role_arn");
            }
            inv.node_groups.push(ng);
        }
    }

    // Karpenter installed by a Helm release: capacity whose NodePools are not known here. It
    // belongs to the root module's cluster when there is exactly one.
    for r in idx.of_type(res, "helm_release") {
        let chart = r
            .body
            .get("chart")
            .and_then(V::to_template_string)
            .unwrap_or_default();
        if chart == "karpenter" || chart.ends_with("/karpenter") {
            if let Some(c) = sole.clone() {
                inv.node_groups.push(NodeGroup::karpenter(
                    &Id::global(c),
                    &r.body.at,
                    "Karpenter provisions these nodes from NodePools that are not in the scanned code",
                ));
            }
        }
    }
}

/// A managed node group's AMI setting as written (or EKS's default for its version), and the AMI
/// family it means.
fn managed_ami(
    b: &RBody,
    res: &[Res],
    cluster: &Id,
    lt_body: Option<&RBody>,
) -> (Val<String>, Val<AmiFamily>) {
    let image_id = lt_body.and_then(|l| l.get("image_id")).is_some();
    let ami_label = match b.get("ami_type") {
        Some(_) => val_str(b, "ami_type", None),
        None if image_id => Val::set("CUSTOM".into(), lt_body.expect("checked").at_of("image_id")),
        // Not set: EKS picks by the node group's Kubernetes version (its own, or the
        // cluster's): Amazon Linux 2023 from 1.30, Amazon Linux 2 before.
        None => {
            let version = b.get("version").cloned().or_else(|| {
                res.iter()
                    .find(|c| c.rtype == "aws_eks_cluster" && c.addr == cluster.name())
                    .and_then(|c| c.body.get("version").cloned())
            });
            let minor = version
                .and_then(|v| v.to_template_string())
                .and_then(|v| v.split('.').nth(1).and_then(|m| m.parse::<u32>().ok()));
            match minor {
                Some(m) if m >= 30 => Val::defaulted(
                    "AL2023".into(),
                    b.at.clone(),
                    "EKS default from Kubernetes 1.30",
                ),
                Some(_) => Val::defaulted(
                    "AL2_x86_64".into(),
                    b.at.clone(),
                    "EKS default before Kubernetes 1.30",
                ),
                None => Val::unknown(
                    "ami_type is not set and the Kubernetes version is not known: EKS picks AL2023 from 1.30, AL2 before",
                    b.at.clone(),
                ),
            }
        }
    };
    let ami_family = ami_label.clone().map(|l| ami_family(&l));
    let ami_family = match ami_family {
        Val::Known {
            value: None, at, ..
        } => Val::unknown("unrecognised ami_type", at),
        Val::Known {
            value: Some(f),
            at,
            default,
        } => Val::Known {
            value: f,
            at,
            default,
        },
        Val::Unknown { reason, at } => Val::Unknown { reason, at },
    };
    (ami_label, ami_family)
}
