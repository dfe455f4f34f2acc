//! EKS API objects into the inventory, each value placed at the object's ARN. What the API
//! does not say (a field absent from the response) is unknown with that reason, never a
//! default of a tool that did not run.

use aws_sdk_eks::types as eks;
use eksdoctor_inventory::*;
use std::collections::BTreeMap;

pub(crate) fn at(arn: &str, cluster: Option<&str>) -> Prov {
    Prov::api(ApiObject {
        arn: Some(arn.to_string()),
        k8s: None,
        cluster: cluster.map(str::to_string),
    })
}

fn opt<T>(v: Option<T>, at: &Prov, what: &str) -> Val<T> {
    match v {
        Some(x) => Val::set(x, at.clone()),
        None => Val::unknown(format!("the API response has no {what}"), at.clone()),
    }
}

pub(crate) fn cluster(c: &eks::Cluster, region: &str) -> Cluster {
    let arn = c.arn().unwrap_or_default();
    let p = at(arn, None);
    let vpc = c.resources_vpc_config();
    let logs: Vec<String> = c
        .logging()
        .map(|l| {
            l.cluster_logging()
                .iter()
                .filter(|s| s.enabled() == Some(true))
                .flat_map(|s| s.types().iter().map(|t| t.as_str().to_string()))
                .collect()
        })
        .unwrap_or_default();
    // The envelope-encryption key (its `resources` are always `secrets`; the field is deprecated).
    let kms = c
        .encryption_config()
        .iter()
        .find_map(|e| e.provider())
        .and_then(|p| p.key_arn())
        .map(str::to_string);
    let access = c.access_config();
    let auth = access
        .and_then(|a| a.authentication_mode())
        .and_then(|m| AuthMode::parse(m.as_str()));
    let why =
        "not read: the VPC CNI's settings are in the aws-node DaemonSet of the Kubernetes API";
    let mut cni = CniSettings::defaults(&p, "VPC CNI default");
    cni.undefault(why);
    Cluster {
        id: Id::global(arn),
        name: opt(c.name().map(str::to_string), &p, "name"),
        region: Val::set(region.to_string(), p.clone()),
        version: opt(c.version().map(str::to_string), &p, "version"),
        endpoint_public: opt(
            vpc.map(|v| v.endpoint_public_access()),
            &p,
            "endpoint access",
        ),
        endpoint_private: opt(
            vpc.map(|v| v.endpoint_private_access()),
            &p,
            "endpoint access",
        ),
        public_access_cidrs: match vpc.map(|v| v.public_access_cidrs().to_vec()) {
            // EKS reports the CIDRs of a public endpoint; none listed means its default.
            Some(l) if l.is_empty() => {
                Val::defaulted(vec!["0.0.0.0/0".into()], p.clone(), "EKS API default")
            }
            other => opt(other, &p, "public access CIDRs"),
        },
        log_types: Val::set(logs, p.clone()),
        secrets_kms_key: Val::set(kms, p.clone()),
        auth_mode: opt(auth, &p, "authentication mode"),
        bootstrap_creator_admin: opt(
            access.and_then(|a| a.bootstrap_cluster_creator_admin_permissions()),
            &p,
            "bootstrapClusterCreatorAdminPermissions",
        ),
        creator: Val::unknown("not read yet: CloudTrail's CreateCluster event", p.clone()),
        oidc_provider: Val::unknown(
            "IAM OIDC providers are not read yet (iam:ListOpenIDConnectProviders)",
            p.clone(),
        ),
        auto_mode: Val::set(
            c.compute_config()
                .and_then(|x| x.enabled())
                .unwrap_or(false),
            p.clone(),
        ),
        // A running cluster's add-ons are listed; none is implied.
        default_addons: Val::set(Vec::new(), p.clone()),
        vpc: vpc.and_then(|v| v.vpc_id()).map(Id::global),
        azs: Val::unknown(
            "the zones of the cluster's subnets are read from EC2",
            p.clone(),
        ),
        cni,
        support_type: opt(
            c.upgrade_policy()
                .and_then(|u| u.support_type())
                .map(|s| s.as_str().to_string()),
            &p,
            "upgrade policy",
        ),
        ip_family: Val::set(
            c.kubernetes_network_config()
                .and_then(|k| k.ip_family())
                .map_or("ipv4".to_string(), |f| f.as_str().to_ascii_lowercase()),
            p.clone(),
        ),
        at: p,
    }
}

fn ami_family(t: &str) -> Option<AmiFamily> {
    Some(match t {
        t if t.starts_with("AL2023") => AmiFamily::AmazonLinux2023,
        t if t.starts_with("AL2_") => AmiFamily::AmazonLinux2,
        t if t.starts_with("BOTTLEROCKET") => AmiFamily::Bottlerocket,
        t if t.starts_with("WINDOWS") => AmiFamily::Windows,
        "CUSTOM" => AmiFamily::Custom,
        _ => return None,
    })
}

pub(crate) fn node_group(g: &eks::Nodegroup, cluster_arn: &str) -> NodeGroup {
    let p = at(g.nodegroup_arn().unwrap_or(cluster_arn), Some(cluster_arn));
    let scaling = g.scaling_config();
    let size = |v: Option<i32>, what: &str| opt(v.and_then(|x| u32::try_from(x).ok()), &p, what);
    let lt = g
        .launch_template()
        .and_then(|l| l.id().or(l.name()))
        .map(Id::global);
    let ami = g.ami_type().map(|a| a.as_str().to_string());
    let family = match ami.as_deref().map(ami_family) {
        Some(Some(f)) => Val::set(f, p.clone()),
        Some(None) => Val::unknown(
            format!(
                "AMI type `{}` is not known",
                ami.clone().unwrap_or_default()
            ),
            p.clone(),
        ),
        None => Val::unknown(
            "the node group's AMI comes from its launch template",
            p.clone(),
        ),
    };
    let from_lt = "read from the node group's launch template (ec2:DescribeLaunchTemplateVersions)";
    let (tokens, hop, encrypted, max_pods) = if lt.is_some() {
        (
            Val::unknown(from_lt, p.clone()),
            Val::unknown(from_lt, p.clone()),
            Val::unknown(from_lt, p.clone()),
            Val::unknown(from_lt, p.clone()),
        )
    } else {
        (
            match family.known() {
                Some(AmiFamily::AmazonLinux2) => Val::defaulted("optional".into(), p.clone(), "EKS managed node group default for AL2 without a launch template"),
                Some(AmiFamily::AmazonLinux2023 | AmiFamily::Bottlerocket) => Val::defaulted("required".into(), p.clone(), "AMI default"),
                _ => Val::unknown("set by the AMI", p.clone()),
            },
            Val::unknown("set by the AMI: the node group has no launch template", p.clone()),
            Val::unknown("the node group has no launch template: encryption follows the account's EBS encryption-by-default setting", p.clone()),
            Val::set(None, p.clone()),
        )
    };
    let subnets: Vec<Id> = g.subnets().iter().map(Id::global).collect();
    let instance_types = match g.instance_types() {
        [] if lt.is_some() => Val::unknown(
            "the instance type comes from the launch template",
            p.clone(),
        ),
        [] => Val::unknown("the API response lists no instance type", p.clone()),
        t => Val::set(t.to_vec(), p.clone()),
    };
    NodeGroup {
        cluster: Id::global(cluster_arn),
        name: g.nodegroup_name().unwrap_or_default().to_string(),
        kind: NodeGroupKind::Managed,
        instance_types,
        ami_family: family,
        ami_label: opt(ami, &p, "AMI type"),
        min_size: size(scaling.and_then(|s| s.min_size()), "min size"),
        max_size: size(scaling.and_then(|s| s.max_size()), "max size"),
        desired_size: size(scaling.and_then(|s| s.desired_size()), "desired size"),
        max_pods,
        imds_http_tokens: tokens,
        imds_hop_limit: hop,
        imds_blocked_for_pods: Val::set(false, p.clone()),
        volume_encrypted: encrypted,
        subnets: Val::set(subnets, p.clone()),
        azs: Val::unknown(
            "the zones of the node group's subnets are read from EC2",
            p.clone(),
        ),
        version: Val::set(g.version().map(minor), p.clone()),
        node_role: Val::set(g.node_role().map(Id::global), p.clone()),
        launch_template: lt,
        labels: g
            .labels()
            .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        autoscaler_discovery: None,
        at: p,
    }
}

/// `1.31` of a version like `1.31` or `1.31.4`.
fn minor(v: &str) -> String {
    v.split('.').take(2).collect::<Vec<_>>().join(".")
}

pub(crate) fn fargate_profile(f: &eks::FargateProfile, cluster_arn: &str) -> FargateProfile {
    let p = at(
        f.fargate_profile_arn().unwrap_or(cluster_arn),
        Some(cluster_arn),
    );
    FargateProfile {
        cluster: Id::global(cluster_arn),
        name: f.fargate_profile_name().unwrap_or_default().to_string(),
        selectors: f
            .selectors()
            .iter()
            .map(|s| FargateSelector {
                namespace: s.namespace().unwrap_or_default().to_string(),
                labels: s
                    .labels()
                    .map(|l| {
                        l.iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect::<BTreeMap<_, _>>()
                    })
                    .unwrap_or_default(),
                at: p.clone(),
            })
            .collect(),
        subnets: Val::set(
            Some(f.subnets().iter().map(Id::global).collect()),
            p.clone(),
        ),
        at: p,
    }
}

pub(crate) fn addon(a: &eks::Addon, cluster_arn: &str) -> Addon {
    let p = at(a.addon_arn().unwrap_or(cluster_arn), Some(cluster_arn));
    let role = a
        .service_account_role_arn()
        .map(Id::global)
        .or_else(|| a.pod_identity_associations().first().map(Id::global));
    Addon {
        cluster: Id::global(cluster_arn),
        name: a.addon_name().unwrap_or_default().to_string(),
        version: Val::set(a.addon_version().map(str::to_string), p.clone()),
        role: Val::set(role, p.clone()),
        configuration: None,
        offered_latest: None,
        at: p,
    }
}
