//! The AWS side of the inventory: clusters, node groups, launch templates, Fargate profiles,
//! VPCs, subnets, endpoints, IAM roles, add-ons, access entries and identity mappings.

use crate::*;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthMode {
    ConfigMap,
    ApiAndConfigMap,
    Api,
}

impl AuthMode {
    pub fn parse(s: &str) -> Option<AuthMode> {
        match s {
            "CONFIG_MAP" => Some(AuthMode::ConfigMap),
            "API_AND_CONFIG_MAP" => Some(AuthMode::ApiAndConfigMap),
            "API" => Some(AuthMode::Api),
            _ => None,
        }
    }
}

/// VPC CNI settings that change IP usage and pod limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CniSettings {
    pub prefix_delegation: Val<bool>,
    pub custom_networking: Val<bool>,
    pub warm_eni_target: Val<Option<u32>>,
    pub warm_ip_target: Val<Option<u32>>,
    pub minimum_ip_target: Val<Option<u32>>,
    pub warm_prefix_target: Val<Option<u32>>,
}

impl CniSettings {
    /// The VPC CNI's own defaults (see `al2-and-ami-facts.md`), attributed to `at`.
    pub fn defaults(at: &Prov, why: &'static str) -> CniSettings {
        CniSettings {
            prefix_delegation: Val::defaulted(false, at.clone(), why),
            custom_networking: Val::defaulted(false, at.clone(), why),
            warm_eni_target: Val::defaulted(Some(1), at.clone(), why),
            warm_ip_target: Val::defaulted(None, at.clone(), why),
            minimum_ip_target: Val::defaulted(None, at.clone(), why),
            warm_prefix_target: Val::defaulted(Some(1), at.clone(), why),
        }
    }

    /// Every setting that only a default filled becomes unknown (see [`Val::undefault`]).
    pub fn undefault(&mut self, reason: &str) {
        self.prefix_delegation.undefault(reason);
        self.custom_networking.undefault(reason);
        self.warm_eni_target.undefault(reason);
        self.warm_ip_target.undefault(reason);
        self.minimum_ip_target.undefault(reason);
        self.warm_prefix_target.undefault(reason);
    }

    /// Apply one VPC CNI environment variable (from the aws-node DaemonSet or the add-on's
    /// configuration values).
    pub fn apply_env(&mut self, name: &str, value: &str, at: Prov) {
        let num = |v: &str| v.trim().parse::<u32>().ok();
        match name {
            "ENABLE_PREFIX_DELEGATION" => self.prefix_delegation = Val::set(value == "true", at),
            "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG" => {
                self.custom_networking = Val::set(value == "true", at)
            }
            "WARM_ENI_TARGET" => self.warm_eni_target = Val::set(num(value), at),
            "WARM_IP_TARGET" => self.warm_ip_target = Val::set(num(value).filter(|n| *n > 0), at),
            "MINIMUM_IP_TARGET" => {
                self.minimum_ip_target = Val::set(num(value).filter(|n| *n > 0), at)
            }
            "WARM_PREFIX_TARGET" => self.warm_prefix_target = Val::set(num(value), at),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cluster {
    /// Identifier other objects use to point at this cluster.
    pub id: Id,
    pub name: Val<String>,
    pub region: Val<String>,
    /// Kubernetes minor version, e.g. `1.31`.
    pub version: Val<String>,
    pub endpoint_public: Val<bool>,
    pub endpoint_private: Val<bool>,
    pub public_access_cidrs: Val<Vec<String>>,
    /// Enabled control-plane log types (api, audit, authenticator, controllerManager, scheduler).
    pub log_types: Val<Vec<String>>,
    /// Customer-managed KMS key for envelope encryption of Secrets; `None` when there is none.
    pub secrets_kms_key: Val<Option<String>>,
    pub auth_mode: Val<AuthMode>,
    pub bootstrap_creator_admin: Val<bool>,
    /// The IAM identity that created the cluster: known only from the running cluster's record
    /// (live mode); a static input cannot know who applies it ([`CREATOR_NOT_IN_FILES`]).
    pub creator: Val<Creator>,
    /// An IAM OIDC provider for IRSA is created for the cluster.
    pub oidc_provider: Val<bool>,
    /// EKS Auto Mode compute (brings the Pod Identity agent and other components).
    pub auto_mode: Val<bool>,
    /// Whether vpc-cni, coredns, kube-proxy (and metrics-server with eksctl) are installed as EKS add-ons
    /// by the tool that creates the cluster, without being listed.
    pub default_addons: Val<Vec<String>>,
    pub vpc: Option<Id>,
    /// Availability zones the cluster's subnets span.
    pub azs: Val<Vec<String>>,
    pub cni: CniSettings,
    pub support_type: Val<String>,
    /// `ipv4` or `ipv6` (lower case): with IPv6, pods take IPv6 addresses and the IPv4 sizing
    /// rules do not apply.
    pub ip_family: Val<String>,
    pub at: Prov,
}

/// Why a static input cannot say who created a cluster.
pub const CREATOR_NOT_IN_FILES: &str = "who creates a cluster is the identity that applies its configuration: only the running cluster's record shows it (`eksdoctor cluster`)";

/// Who created a cluster, and where that was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creator {
    /// The IAM identity: a user's ARN, the role of an assumed-role session, or the account's root.
    pub arn: String,
    /// Where it was seen, for messages (`CloudTrail CreateCluster event of 2026-10-01T09:12:00Z`).
    pub seen_in: String,
}

impl Creator {
    /// Whether the identity is an IAM user (`arn:aws:iam::123456789012:user/alice`).
    pub fn is_iam_user(&self) -> bool {
        self.arn
            .split(':')
            .nth(5)
            .is_some_and(|r| r.starts_with("user/"))
    }
}

impl Cluster {
    /// Every cluster-level setting that only a default filled becomes unknown, and the VPC is
    /// not known: for an input that adds to a cluster it does not create (eksctl
    /// `create nodegroup -f`), the defaults of creating one do not hold.
    pub fn undefault(&mut self, reason: &str) {
        self.endpoint_public.undefault(reason);
        self.endpoint_private.undefault(reason);
        self.public_access_cidrs.undefault(reason);
        self.log_types.undefault(reason);
        self.secrets_kms_key.undefault(reason);
        self.auth_mode.undefault(reason);
        self.bootstrap_creator_admin.undefault(reason);
        self.oidc_provider.undefault(reason);
        self.auto_mode.undefault(reason);
        self.default_addons.undefault(reason);
        self.support_type.undefault(reason);
        self.ip_family.undefault(reason);
        self.cni.undefault(reason);
        self.vpc = None;
    }

    /// True when pods take IPv4 addresses from the node subnets (the cluster is IPv4).
    pub fn pods_use_ipv4(&self) -> bool {
        self.ip_family.known().map(String::as_str) == Some("ipv4")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeGroupKind {
    Managed,
    SelfManaged,
    Karpenter,
}

/// The AMI family of a node group, normalized across eksctl `amiFamily` and EKS `amiType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmiFamily {
    AmazonLinux2,
    AmazonLinux2023,
    Bottlerocket,
    Ubuntu,
    Windows,
    Custom,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeGroup {
    pub cluster: Id,
    pub name: String,
    pub kind: NodeGroupKind,
    pub instance_types: Val<Vec<String>>,
    pub ami_family: Val<AmiFamily>,
    /// The literal AMI setting as written (`amiFamily: AmazonLinux2`, `ami_type = "AL2_x86_64"`).
    pub ami_label: Val<String>,
    pub min_size: Val<u32>,
    pub max_size: Val<u32>,
    pub desired_size: Val<u32>,
    /// kubelet max pods when set explicitly.
    pub max_pods: Val<Option<u32>>,
    /// IMDS `HttpTokens`: `required` or `optional`.
    pub imds_http_tokens: Val<String>,
    pub imds_hop_limit: Val<u32>,
    /// Pods are blocked from IMDS by other means (eksctl `disablePodIMDS`).
    pub imds_blocked_for_pods: Val<bool>,
    pub volume_encrypted: Val<bool>,
    /// Subnet references (names or ids) the nodes launch into.
    pub subnets: Val<Vec<Id>>,
    pub azs: Val<Vec<String>>,
    /// Kubelet version (minor, e.g. `1.30`) when the node group pins one.
    pub version: Val<Option<String>>,
    pub node_role: Val<Option<Id>>,
    pub launch_template: Option<Id>,
    pub labels: BTreeMap<String, String>,
    /// For an Auto Scaling group of self-managed nodes: whether it carries cluster-autoscaler's
    /// auto-discovery tags (`k8s.io/cluster-autoscaler/enabled` and
    /// `k8s.io/cluster-autoscaler/<cluster>`); `None` for other node groups or tags not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaler_discovery: Option<bool>,
    pub at: Prov,
}

impl NodeGroup {
    /// Whether Auto Scaling group tag keys `keys` are cluster-autoscaler's auto-discovery tags
    /// for cluster `cluster` (what its AWS provider's `--node-group-auto-discovery` default and
    /// Helm chart look for).
    pub fn autoscaler_tagged<'a>(
        mut keys: impl Iterator<Item = &'a str> + Clone,
        cluster: &str,
    ) -> bool {
        let own = format!("k8s.io/cluster-autoscaler/{cluster}");
        keys.clone()
            .any(|k| k == "k8s.io/cluster-autoscaler/enabled")
            && keys.any(|k| k == own)
    }

    /// Name prefix of the node groups read from a Karpenter `EC2NodeClass`.
    pub const EC2_NODE_CLASS: &'static str = "EC2NodeClass/";

    /// How messages name it: node group `x`, Karpenter EC2NodeClass `x`, or the Karpenter
    /// capacity of a tool's declaration (whose NodePools are not in scope).
    pub fn describe(&self) -> String {
        match self.name.strip_prefix(Self::EC2_NODE_CLASS) {
            Some(n) if self.kind == NodeGroupKind::Karpenter => {
                format!("Karpenter EC2NodeClass `{n}`")
            }
            _ if self.kind == NodeGroupKind::Karpenter && self.name == "karpenter" => {
                "the Karpenter capacity".to_string()
            }
            _ => format!("node group `{}`", self.name),
        }
    }

    /// Capacity Karpenter provisions from NodePools that are not in scope: present, but nothing
    /// about it is known.
    pub fn karpenter(cluster: &Id, at: &Prov, why: &str) -> NodeGroup {
        NodeGroup {
            cluster: cluster.clone(),
            name: "karpenter".into(),
            kind: NodeGroupKind::Karpenter,
            instance_types: Val::unknown(why, at.clone()),
            ami_family: Val::unknown(why, at.clone()),
            ami_label: Val::unknown(why, at.clone()),
            min_size: Val::unknown(why, at.clone()),
            max_size: Val::unknown(why, at.clone()),
            desired_size: Val::unknown(why, at.clone()),
            max_pods: Val::unknown(why, at.clone()),
            imds_http_tokens: Val::unknown(why, at.clone()),
            imds_hop_limit: Val::unknown(why, at.clone()),
            imds_blocked_for_pods: Val::unknown(why, at.clone()),
            volume_encrypted: Val::unknown(why, at.clone()),
            subnets: Val::unknown(why, at.clone()),
            azs: Val::unknown(why, at.clone()),
            version: Val::unknown(why, at.clone()),
            node_role: Val::unknown(why, at.clone()),
            launch_template: None,
            labels: BTreeMap::new(),
            autoscaler_discovery: None,
            at: at.clone(),
        }
    }
}

/// The numbers of an add-on version, for ordering: `v1.19.0-eksbuild.3` → [1, 19, 0, 3].
pub fn version_numbers(v: &str) -> Vec<u64> {
    v.trim_start_matches('v')
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// The kubelet max pods that node user data sets: AL2's `bootstrap.sh --kubelet-extra-args
/// --max-pods=N` (or `--max-pods N`), AL2023's nodeadm `maxPods: N` (YAML or JSON); `None` when
/// it sets none. `text` is the decoded user data (a MIME multipart document or a script).
pub fn max_pods_in_user_data(text: &str) -> Option<u32> {
    for pat in ["--max-pods=", "--max-pods ", "maxPods:", "\"maxPods\":"] {
        if let Some(i) = text.find(pat) {
            let rest = text[i + pat.len()..].trim_start();
            let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Ok(n) = n.parse() {
                return Some(n);
            }
        }
    }
    None
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LaunchTemplate {
    pub id: Id,
    pub http_tokens: Val<String>,
    pub hop_limit: Val<u32>,
    pub user_data_max_pods: Val<Option<u32>>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FargateSelector {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FargateProfile {
    pub cluster: Id,
    pub name: String,
    pub selectors: Vec<FargateSelector>,
    /// Subnet references; `None` inside the `Val` means "the cluster's private subnets".
    pub subnets: Val<Option<Vec<Id>>>,
    pub at: Prov,
}

/// An EC2 instance type's networking facts as EC2 describes them (`ec2:DescribeInstanceTypes`;
/// live mode reads the types its node groups use that the embedded table lacks).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstanceType {
    pub name: String,
    /// Network interfaces on the default network card (what the VPC CNI attaches).
    pub max_enis: u32,
    pub ipv4_per_eni: u32,
    /// EC2's `Hypervisor`: `nitro` or `xen`; `None` when it gives none (bare metal).
    pub hypervisor: Option<String>,
    pub bare_metal: bool,
    pub network_cards: u32,
    pub vcpus: Option<u32>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vpc {
    pub id: Id,
    pub cidr: Val<IpNet>,
    pub dns_support: Val<bool>,
    pub dns_hostnames: Val<bool>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subnet {
    /// The name the definition gives it (eksctl subnet key, Terraform address).
    pub name: Id,
    pub id: Option<String>,
    pub cluster: Option<Id>,
    pub vpc: Option<Id>,
    pub cidr: Val<IpNet>,
    pub az: Val<String>,
    pub public: Val<bool>,
    pub map_public_ip: Val<bool>,
    /// The subnet's default route goes to a NAT gateway.
    pub nat_route: Val<bool>,
    pub tags: BTreeMap<String, String>,
    /// The addresses free in it now (EC2 `AvailableIpAddressCount`; live mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_now: Option<u32>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub vpc: Option<Id>,
    /// Service name, e.g. `com.amazonaws.eu-west-1.ecr.api` (`*` where the region is not known).
    pub service: String,
    /// `Interface` or `Gateway`.
    pub kind: String,
    /// Subnets an interface endpoint has a network interface in.
    pub subnets: Val<Vec<Id>>,
    pub at: Prov,
}

/// The name of an AWS managed policy from its ARN (or an ARN pattern with an unknown partition):
/// `AmazonEKS_CNI_Policy`, `service-role/AmazonEBSCSIDriverPolicy`.
pub fn aws_managed_policy_name(arn: &str) -> Option<&str> {
    let (prefix, name) = arn.rsplit_once("policy/")?;
    prefix.ends_with(":iam::aws:").then_some(name)
}

/// For [`IamRole::unresolved_policies`]: a policy ARN that is not AWS managed names a policy of an
/// account, whose document the scan does not hold unless a source resolves it.
pub fn customer_policy_unresolved(arn: &str) -> Option<String> {
    aws_managed_policy_name(arn).is_none().then(|| {
        format!(
            "`{}`: a customer-managed policy whose document the scanned files do not hold",
            excerpt(arn)
        )
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IamRole {
    pub id: Id,
    /// The role's IAM name, when known: how a Karpenter `EC2NodeClass` (`spec.role`) names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The AWS-managed (or account) policy ARNs attached, as far as they are known.
    pub managed_policies: Val<Vec<String>>,
    /// Inline policies and the documents of customer-managed policies attached.
    pub inline_policies: Vec<Node>,
    /// Attached policies whose ARN or document is not known, each as what was seen
    /// ("`aws_iam_policy.extra`: its document is not known"); the others are still judged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved_policies: Vec<String>,
    pub trust_policy: Val<Option<Node>>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Addon {
    pub cluster: Id,
    pub name: String,
    pub version: Val<Option<String>>,
    /// IAM role for the add-on's service account (IRSA or Pod Identity), when given.
    pub role: Val<Option<Id>>,
    /// `configurationValues` as written.
    pub configuration: Option<Node>,
    /// The newest version EKS offers for the cluster's Kubernetes version (live mode:
    /// DescribeAddonVersions); rules use it instead of the embedded table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_latest: Option<String>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessEntry {
    pub cluster: Id,
    /// The principal's ARN, or the reference that gives it (`aws_iam_role.admin`); for a
    /// principal not known, the entry's own address.
    pub principal_arn: Id,
    /// Whether the principal is an IAM role (not a user, not the account).
    pub principal_role: Val<bool>,
    /// The entry the cluster's creator gets: the identity that runs `terraform apply`
    /// (terraform-aws-modules' `enable_cluster_creator_admin_permissions`).
    pub creator: bool,
    pub kubernetes_groups: Vec<String>,
    pub access_policies: Vec<String>,
    /// Policy associations of this entry whose policy is not known, each as what was seen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved_policies: Vec<String>,
    pub at: Prov,
}

impl AccessEntry {
    /// Whether the entry makes its principal cluster admin: the AmazonEKSClusterAdminPolicy access
    /// policy, or the `system:masters` Kubernetes group.
    pub fn grants_cluster_admin(&self) -> bool {
        self.access_policies
            .iter()
            .any(|p| p.ends_with("cluster-access-policy/AmazonEKSClusterAdminPolicy"))
            || self.kubernetes_groups.iter().any(|g| g == "system:masters")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthMappingKind {
    User,
    Role,
    Account,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthMapping {
    /// The cluster this mapping is for, when the source says (eksctl); aws-auth ConfigMaps do not.
    pub cluster: Option<Id>,
    pub kind: AuthMappingKind,
    pub arn: Val<String>,
    pub username: Option<String>,
    pub groups: Vec<String>,
    pub at: Prov,
}

/// An IAM OIDC provider for a cluster's issuer (IRSA) defined away from the cluster: in another
/// root module, linked by the cluster name its `data "aws_eks_cluster"` reads. Providers beside
/// their cluster are in [`Cluster::oidc_provider`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OidcProvider {
    pub cluster: Id,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityProvider {
    pub cluster: Id,
    pub name: Val<String>,
    pub issuer_url: Val<String>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PodIdentityAssociation {
    pub cluster: Id,
    pub namespace: String,
    pub service_account: String,
    pub role: Val<Option<Id>>,
    pub at: Prov,
}
