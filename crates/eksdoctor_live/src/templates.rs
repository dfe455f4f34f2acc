//! Launch template versions of managed and self-managed node groups (EC2
//! DescribeLaunchTemplateVersions): IMDS settings, the root volume's encryption, the instance type
//! and the kubelet max pods of the user data, written into the node group that uses the version;
//! for self-managed nodes also the AMI (a custom image) and the instance profile, whose role IAM
//! gives next.

use crate::{error_text, Calls};
use aws_sdk_ec2::types::ResponseLaunchTemplateData;
use aws_sdk_ec2::Client;
use base64::Engine;
use eksdoctor_inventory::*;

/// A node group's launch template, as EKS reports it: id or name, and version.
pub(crate) struct TemplateUse {
    pub node_group: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
}

/// A self-managed node group's instance profile (name or ARN), whose role is its node role.
pub(crate) struct ProfileUse {
    pub node_group: String,
    pub profile: String,
}

/// Read the version each node group uses and fill the node group's launch-template fields. A
/// version that cannot be read leaves them unknown with the reason. Gives the instance profiles
/// of self-managed node groups.
pub(crate) async fn read(
    ec2: &Client,
    cluster: &Id,
    uses: &[TemplateUse],
    calls: &mut Calls,
    inv: &mut Inventory,
) -> Vec<ProfileUse> {
    let mut profiles = Vec::new();
    for u in uses {
        let mut req = ec2.describe_launch_template_versions();
        req = match (&u.id, &u.name) {
            (Some(id), _) => req.launch_template_id(id),
            (None, Some(n)) => req.launch_template_name(n),
            (None, None) => continue,
        };
        // EKS records the version it launched with; `$Default` when none is given.
        let version = u.version.clone().unwrap_or_else(|| "$Default".into());
        calls.made += 1;
        let template = u.id.as_deref().or(u.name.as_deref()).unwrap_or_default();
        let data = match req.versions(&version).send().await {
            Ok(o) => o
                .launch_template_versions()
                .first()
                .and_then(|v| v.launch_template_data())
                .cloned(),
            Err(e) => {
                let why = error_text(&e);
                calls.failed(
                    format!("launch template {template} version {version} (ec2:DescribeLaunchTemplateVersions)"),
                    why.clone(),
                );
                let reason = format!("launch template {template} could not be read: {why}");
                if let Some(ng) = node_group(inv, cluster, &u.node_group) {
                    unknown_all(ng, &reason);
                }
                continue;
            }
        };
        if let (Some(ng), Some(d)) = (node_group(inv, cluster, &u.node_group), data) {
            let template = format!("{template} version {version}");
            if ng.kind == NodeGroupKind::SelfManaged {
                let profile = d.iam_instance_profile().and_then(|p| p.arn().or(p.name()));
                let what = format!("launch template {template}");
                profiles.extend(self_managed(ng, d.image_id().is_some(), profile, &what));
            }
            apply(ng, &d, &template);
        }
    }
    profiles
}

/// What a self-managed group's launch template or configuration (`what`) alone says: its AMI
/// (an image id: a custom AMI to the rules) and its instance profile, whose role IAM gives next
/// (none: the nodes have no role).
pub(crate) fn self_managed(
    ng: &mut NodeGroup,
    image: bool,
    profile: Option<&str>,
    what: &str,
) -> Option<ProfileUse> {
    let at = ng.at.clone();
    ng.ami_family = if image {
        Val::set(AmiFamily::Custom, at.clone())
    } else {
        Val::unknown(format!("{what} names no AMI"), at.clone())
    };
    if profile.is_none() {
        ng.node_role = Val::set(None, at);
    }
    profile.map(|profile| ProfileUse {
        node_group: ng.name.clone(),
        profile: profile.to_string(),
    })
}

/// Node group `name` of cluster `cluster`, to fill in.
pub(crate) fn node_group<'a>(
    inv: &'a mut Inventory,
    cluster: &Id,
    name: &str,
) -> Option<&'a mut NodeGroup> {
    inv.node_groups
        .iter_mut()
        .find(|n| &n.cluster == cluster && n.name == name)
}

pub(crate) fn unknown_all(ng: &mut NodeGroup, why: &str) {
    let at = ng.at.clone();
    ng.imds_http_tokens = Val::unknown(why, at.clone());
    ng.imds_hop_limit = Val::unknown(why, at.clone());
    ng.volume_encrypted = Val::unknown(why, at.clone());
    if ng.kind == NodeGroupKind::SelfManaged {
        ng.ami_family = Val::unknown(why, at.clone());
        ng.node_role = Val::unknown(why, at.clone());
        ng.instance_types = Val::unknown(why, at.clone());
    }
    ng.max_pods = Val::unknown(why, at);
}

/// The version's settings into the node group (placed at the node group, naming the template).
fn apply(ng: &mut NodeGroup, d: &ResponseLaunchTemplateData, template: &str) {
    let meta = d.metadata_options();
    let root = d.block_device_mappings().iter().find_map(|m| m.ebs());
    fill(
        ng,
        &Launch {
            what: format!("launch template {template}"),
            http_tokens: meta.and_then(|m| m.http_tokens()).map(|t| t.as_str()),
            hop_limit: meta.and_then(|m| m.http_put_response_hop_limit()),
            root_encrypted: root.map(|e| e.encrypted()),
            user_data: d.user_data(),
            instance_type: d.instance_type().map(|t| t.as_str()),
        },
    );
}

/// What a launch template version or a launch configuration says of the nodes it launches.
pub(crate) struct Launch<'a> {
    /// `launch template lt-… version 3`, `launch configuration nodes-…`.
    pub what: String,
    pub http_tokens: Option<&'a str>,
    pub hop_limit: Option<i32>,
    /// The first EBS mapping's `Encrypted`; `None`: no EBS mapping.
    pub root_encrypted: Option<Option<bool>>,
    /// Base64, as the APIs return it.
    pub user_data: Option<&'a str>,
    pub instance_type: Option<&'a str>,
}

/// `l`'s settings into the node group (placed at the node group, naming `l.what`).
pub(crate) fn fill(ng: &mut NodeGroup, l: &Launch) {
    let at = ng.at.clone();
    let what = &l.what;
    ng.imds_http_tokens = match l.http_tokens {
        Some(t) => Val::set(t.to_string(), at.clone()),
        None => tokens_default(ng, what),
    };
    ng.imds_hop_limit = match l.hop_limit {
        Some(n) => Val::set(u32::try_from(n).unwrap_or(0), at.clone()),
        None => Val::unknown(
            format!("{what} sets no hop limit: the AMI decides"),
            at.clone(),
        ),
    };
    ng.volume_encrypted = match l.root_encrypted {
        Some(Some(b)) => Val::set(b, at.clone()),
        Some(None) => Val::unknown(format!("{what} does not set ebs.encrypted: the account's EBS encryption-by-default setting decides"), at.clone()),
        None => Val::unknown(format!("{what} has no block device mapping: the AMI's root volume and the account's EBS encryption-by-default setting decide"), at.clone()),
    };
    ng.max_pods = Val::set(user_data_max_pods(l.user_data), at.clone());
    if ng.instance_types.known().is_none() {
        if let Some(t) = l.instance_type {
            ng.instance_types = Val::set(vec![t.to_string()], at);
        }
    }
}

/// What IMDS allows when the launch settings (`what`: a template or a configuration) set no
/// HttpTokens: EC2 launches with IMDSv1 allowed unless the AMI requires v2 (AL2023,
/// Bottlerocket); a custom AMI decides for itself.
pub(crate) fn tokens_default(ng: &NodeGroup, what: &str) -> Val<String> {
    let at = ng.at.clone();
    match ng.ami_family.known() {
        Some(AmiFamily::AmazonLinux2) => Val::defaulted(
            "optional".into(),
            at,
            "EC2 default: the launch settings set no HttpTokens",
        ),
        Some(AmiFamily::AmazonLinux2023 | AmiFamily::Bottlerocket) => {
            Val::defaulted("required".into(), at, "AMI default")
        }
        _ => Val::unknown(format!("{what} sets no HttpTokens: the AMI decides"), at),
    }
}

/// The kubelet max pods that base64 user data sets (`bootstrap.sh --max-pods`, nodeadm).
pub(crate) fn user_data_max_pods(b64: Option<&str>) -> Option<u32> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64?)
        .ok()?;
    max_pods_in_user_data(&String::from_utf8_lossy(&bytes))
}
