//! The inventory model. Identifiers (`cluster`, `subnet` references) are the names sources give
//! objects: an eksctl cluster's `metadata.name`, a Terraform address later, an ARN live.

use crate::{Node, Prov, SourceKind, Val};
use ipnet::IpNet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything sources found, plus the input problems they met on the way.
#[derive(Debug, Default, Serialize)]
pub struct Inventory {
    pub clusters: Vec<Cluster>,
    pub node_groups: Vec<NodeGroup>,
    pub fargate_profiles: Vec<FargateProfile>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub launch_templates: Vec<LaunchTemplate>,
    pub iam_roles: Vec<IamRole>,
    pub addons: Vec<Addon>,
    pub access_entries: Vec<AccessEntry>,
    /// aws-auth `mapUsers` / `mapRoles` entries and eksctl `iamIdentityMappings`.
    pub auth_mappings: Vec<AuthMapping>,
    pub pod_identity_associations: Vec<PodIdentityAssociation>,
    /// OIDC identity providers for authenticating users to a cluster.
    pub identity_providers: Vec<IdentityProvider>,
    /// Inline suppressions (`# eksdoctor:ignore RULE -- reason`) in the scanned files.
    pub suppressions: Vec<Suppression>,
    pub k8s: K8sObjects,
    /// Files read, by source kind.
    pub files: Vec<ScannedFile>,
    /// Problems with the input: file, line, message. The scan goes on without that file or document.
    pub errors: Vec<InputError>,
    /// Things a source could not decide and that a user may want to know (`--show-unknown`).
    pub notes: Vec<Note>,
    /// Parts of Terraform root modules whose resources the scan cannot see.
    pub opaque: Vec<Opaque>,
    /// Lookup tables, built on the first query (after the sources have filled the inventory).
    #[serde(skip)]
    pub(crate) index: std::sync::OnceLock<Index>,
    /// Files matching a pattern belong to the named cluster (configuration `[[clusters]]`);
    /// consulted before the directory layout.
    #[serde(skip)]
    pub cluster_mapping: Vec<(globset::GlobMatcher, String)>,
}

/// Positions of objects by the names other objects use for them, so that joins are lookups.
#[derive(Debug, Default)]
pub(crate) struct Index {
    subnets: std::collections::HashMap<String, Vec<usize>>,
    node_groups: std::collections::HashMap<String, Vec<usize>>,
    fargate_profiles: std::collections::HashMap<String, Vec<usize>>,
    addons: std::collections::HashMap<String, Vec<usize>>,
    roles: std::collections::HashMap<String, usize>,
    endpoints: std::collections::HashMap<String, Vec<usize>>,
    /// Clusters by the directory they are defined in.
    cluster_dirs: std::collections::HashMap<std::path::PathBuf, Vec<usize>>,
    /// Cluster position assigned to each file holding Kubernetes objects (memoised).
    object_clusters: std::sync::Mutex<std::collections::HashMap<Arc<str>, Option<usize>>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScannedFile {
    pub file: Arc<str>,
    pub source: Option<SourceKind>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputError {
    pub file: Arc<str>,
    pub line: Option<u32>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub at: Prov,
    pub message: String,
}

/// Something in a Terraform root module whose resources the scan cannot see: a module neither on
/// disk nor modelled, a module whose `count`/`for_each` is unknown, a tag put on a resource that
/// is not known. What it creates could be what a rule finds missing (a VPC endpoint, an OIDC
/// provider, a metrics-server release, subnet tags, node groups in other AZs), so rules that
/// conclude from an absence stay silent for objects of that root module.
#[derive(Debug, Clone, Serialize)]
pub struct Opaque {
    /// The root module (the namespace of its identifiers).
    pub namespace: String,
    pub what: String,
    pub at: Prov,
}

impl Inventory {
    /// A Kubernetes object that Terraform applies (`kubectl_manifest`, `kubernetes_manifest`)
    /// from a manifest file that is scanned too (`yaml_body = file("sc.yaml")`) is one object, not
    /// two: the manifest file's copy is kept (findings point into it, its suppressions apply) and
    /// Terraform's is dropped; of several Terraform copies of one object the first is kept. One
    /// object is the same API group, kind, namespace and name in the same cluster. Call once the
    /// cluster mapping is set.
    /// What can only be done once every input is loaded and the cluster mapping is set: node
    /// groups read from Kubernetes objects (Karpenter `EC2NodeClass`, in a manifest or applied by
    /// Terraform) join the cluster their file belongs to, and Terraform's copies of scanned manifests are dropped.
    pub fn finish(&mut self) {
        let clusters: Vec<Option<String>> = self
            .node_groups
            .iter()
            .map(|n| {
                if n.cluster.is_empty() {
                    self.cluster_for(&n.at).map(|c| c.id.clone())
                } else {
                    None
                }
            })
            .collect();
        if clusters.iter().any(Option::is_some) {
            for (n, c) in self.node_groups.iter_mut().zip(clusters) {
                if let Some(c) = c {
                    n.cluster = c;
                }
            }
            // Node groups are indexed by cluster.
            self.reset_index();
        }
        self.drop_terraform_copies();
    }

    pub fn drop_terraform_copies(&mut self) {
        fn retain<T>(v: &mut Vec<T>, keep: Vec<bool>) {
            let mut k = keep.into_iter();
            v.retain(|_| k.next().unwrap_or(true));
        }
        let k = &self.k8s;
        let objects = self.keep_flags(k.objects.iter());
        let workloads = self.keep_flags(k.workloads.iter().map(|w| &w.obj));
        let services = self.keep_flags(k.services.iter().map(|x| &x.obj));
        let ingresses = self.keep_flags(k.ingresses.iter().map(|x| &x.obj));
        let classes = self.keep_flags(k.storage_classes.iter().map(|x| &x.obj));
        let pvcs = self.keep_flags(k.pvcs.iter().map(|x| &x.obj));
        let hpas = self.keep_flags(k.hpas.iter().map(|x| &x.obj));
        let pdbs = self.keep_flags(k.pdbs.iter());
        let accounts = self.keep_flags(k.service_accounts.iter().map(|x| &x.obj));
        let namespaces = self.keep_flags(k.namespaces.iter());
        let metrics = self.keep_flags(k.metrics_server.iter());
        let autoscaler = self.keep_flags(k.cluster_autoscaler.iter());
        let ebs_csi = self.keep_flags(k.ebs_csi.iter());
        let k = &mut self.k8s;
        retain(&mut k.objects, objects);
        retain(&mut k.workloads, workloads);
        retain(&mut k.services, services);
        retain(&mut k.ingresses, ingresses);
        retain(&mut k.storage_classes, classes);
        retain(&mut k.pvcs, pvcs);
        retain(&mut k.hpas, hpas);
        retain(&mut k.pdbs, pdbs);
        retain(&mut k.service_accounts, accounts);
        retain(&mut k.namespaces, namespaces);
        retain(&mut k.metrics_server, metrics);
        retain(&mut k.cluster_autoscaler, autoscaler);
        retain(&mut k.ebs_csi, ebs_csi);
    }

    /// For each object, whether [`Self::drop_terraform_copies`] keeps it.
    fn keep_flags<'a>(&self, objs: impl Iterator<Item = &'a ObjectRef>) -> Vec<bool> {
        let objs: Vec<&ObjectRef> = objs.collect();
        let from_terraform =
            |o: &ObjectRef| matches!(o.at.source, crate::SourceKind::Tf | crate::SourceKind::Plan);
        if !objs.iter().any(|o| from_terraform(o)) {
            return vec![true; objs.len()];
        }
        let name = |o: &ObjectRef| {
            let group = o.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            (
                group.to_string(),
                o.kind.clone(),
                o.namespace.known().cloned().unwrap_or_default(),
                o.name.clone(),
            )
        };
        let identity = |o: &ObjectRef| (name(o), self.cluster_for(&o.at).map(|c| c.id.clone()));
        // Which cluster an object belongs to is looked up only for names Terraform applies too.
        let terraform_names: std::collections::HashSet<_> = objs
            .iter()
            .filter(|o| from_terraform(o))
            .map(|o| name(o))
            .collect();
        let mut seen: std::collections::HashSet<_> = objs
            .iter()
            .filter(|o| !from_terraform(o) && terraform_names.contains(&name(o)))
            .map(|o| identity(o))
            .collect();
        objs.iter()
            .map(|o| !from_terraform(o) || seen.insert(identity(o)))
            .collect()
    }

    /// The first part of the root module of identifier `id` that the scan cannot see.
    pub fn opaque_for(&self, id: &str) -> Option<&Opaque> {
        let (ns, _) = id.split_once(crate::NS_SEP)?;
        self.opaque.iter().find(|o| o.namespace == ns)
    }

    /// True when some infrastructure (a cluster definition) is in scope.
    pub fn has_infrastructure(&self) -> bool {
        !self.clusters.is_empty()
    }

    /// True when Kubernetes manifests are in scope.
    pub fn has_manifests(&self) -> bool {
        self.files.iter().any(|f| f.source == Some(SourceKind::K8s))
    }

    /// The cluster the manifests belong to: the only cluster in scope, if there is exactly one.
    pub fn sole_cluster(&self) -> Option<&Cluster> {
        match self.clusters.as_slice() {
            [c] => Some(c),
            _ => None,
        }
    }

    /// The cluster a Kubernetes object (at `at`) belongs to: the only cluster in scope; else the
    /// cluster defined in the same file, or in the nearest directory above the object's file
    /// (`envs/prod/cluster.yaml` owns `envs/prod/apps/*.yaml`) when exactly one is defined there.
    /// `None` when that does not decide it.
    pub fn cluster_for(&self, at: &Prov) -> Option<&Cluster> {
        let mapped = if self.cluster_mapping.is_empty() {
            None
        } else {
            let abs = std::path::absolute(&*at.file).unwrap_or_else(|_| (&*at.file).into());
            self.cluster_mapping.iter().find(|(m, _)| m.is_match(&abs))
        };
        if let Some((_, name)) = mapped {
            return self.clusters.iter().find(|c| {
                c.name.known() == Some(name)
                    || &c.id == name
                    || crate::strip_namespaces(&c.id) == *name
            });
        }
        if let Some(c) = self.sole_cluster() {
            return Some(c);
        }
        if self.clusters.is_empty() {
            return None;
        }
        let ix = self.index();
        let mut memo = ix.object_clusters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = memo.get(&at.file) {
            return found.map(|i| &self.clusters[i]);
        }
        let same_file: Vec<usize> = (0..self.clusters.len())
            .filter(|&i| self.clusters[i].at.file == at.file)
            .collect();
        let found = if same_file.len() == 1 {
            Some(same_file[0])
        } else if same_file.len() > 1 {
            None
        } else {
            // The nearest directory (the object's own, then upwards) that defines clusters;
            // absolute, so `./envs/prod/k8s` finds the cluster of `envs/prod`.
            let own = std::path::Path::new(&*at.file).parent().map(absolute_dir);
            let mut dir = own.as_deref();
            let mut found = None;
            while let Some(d) = dir {
                if let Some(list) = ix.cluster_dirs.get(d) {
                    found = (list.len() == 1).then(|| list[0]);
                    break;
                }
                dir = d.parent();
            }
            found
        };
        memo.insert(at.file.clone(), found);
        found.map(|i| &self.clusters[i])
    }

    /// Forget the lookup tables (after the lists changed); they are rebuilt on the next query.
    pub(crate) fn reset_index(&mut self) {
        self.index = std::sync::OnceLock::new();
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut ix = Index::default();
            for (i, s) in self.subnets.iter().enumerate() {
                ix.subnets.entry(s.name.clone()).or_default().push(i);
                if let Some(id) = &s.id {
                    if id != &s.name {
                        ix.subnets.entry(id.clone()).or_default().push(i);
                    }
                }
            }
            for (i, n) in self.node_groups.iter().enumerate() {
                ix.node_groups.entry(n.cluster.clone()).or_default().push(i);
            }
            for (i, f) in self.fargate_profiles.iter().enumerate() {
                ix.fargate_profiles
                    .entry(f.cluster.clone())
                    .or_default()
                    .push(i);
            }
            for (i, a) in self.addons.iter().enumerate() {
                ix.addons.entry(a.cluster.clone()).or_default().push(i);
            }
            for (i, r) in self.iam_roles.iter().enumerate() {
                ix.roles.entry(r.id.clone()).or_insert(i);
            }
            for (i, e) in self.vpc_endpoints.iter().enumerate() {
                if let Some(v) = &e.vpc {
                    ix.endpoints.entry(v.clone()).or_default().push(i);
                }
            }
            for (i, dir) in self
                .clusters
                .iter()
                .map(|c| {
                    // Terraform clusters live in their root module (the identifier's namespace);
                    // a plan's in the plan's directory; others where they are defined.
                    let home = match c.id.split_once(crate::NS_SEP) {
                        Some((ns, _)) if ns.ends_with(".json") => std::path::Path::new(ns).parent(),
                        Some((ns, _)) => Some(std::path::Path::new(ns)),
                        None => std::path::Path::new(&*c.at.file).parent(),
                    };
                    home.map(std::path::Path::to_path_buf).unwrap_or_default()
                })
                .enumerate()
            {
                ix.cluster_dirs
                    .entry(absolute_dir(&dir))
                    .or_default()
                    .push(i);
            }
            ix
        })
    }

    pub fn node_groups_of<'a>(&'a self, cluster: &str) -> impl Iterator<Item = &'a NodeGroup> {
        let ix = self
            .index()
            .node_groups
            .get(cluster)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.node_groups[i])
    }

    pub fn fargate_profiles_of<'a>(
        &'a self,
        cluster: &str,
    ) -> impl Iterator<Item = &'a FargateProfile> {
        let ix = self
            .index()
            .fargate_profiles
            .get(cluster)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.fargate_profiles[i])
    }

    pub fn addons_of<'a>(&'a self, cluster: &str) -> impl Iterator<Item = &'a Addon> {
        let ix = self
            .index()
            .addons
            .get(cluster)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.addons[i])
    }

    /// An IAM role by its identifier (address or ARN).
    pub fn iam_role(&self, id: &str) -> Option<&IamRole> {
        self.index().roles.get(id).map(|&i| &self.iam_roles[i])
    }

    /// VPC endpoints of a VPC.
    pub fn endpoints_of<'a>(&'a self, vpc: &str) -> impl Iterator<Item = &'a VpcEndpoint> {
        let ix = self
            .index()
            .endpoints
            .get(vpc)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.vpc_endpoints[i])
    }

    pub fn subnets_of<'a>(&'a self, cluster: &'a str) -> impl Iterator<Item = &'a Subnet> {
        self.subnets
            .iter()
            .filter(move |s| s.cluster.as_deref() == Some(cluster))
    }

    /// A subnet by the reference a node group or profile uses (name or id).
    pub fn subnet(&self, cluster: &str, reference: &str) -> Option<&Subnet> {
        self.index()
            .subnets
            .get(reference)?
            .iter()
            .map(|&i| &self.subnets[i])
            .find(|s| s.cluster.as_deref().is_none_or(|c| c == cluster))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    /// Identifier other objects use to point at this cluster.
    pub id: String,
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
    /// An IAM OIDC provider for IRSA is created for the cluster.
    pub oidc_provider: Val<bool>,
    /// EKS Auto Mode compute (brings the Pod Identity agent and other components).
    pub auto_mode: Val<bool>,
    /// The add-on list is complete (no add-on is managed elsewhere than the scanned definition).
    pub addons_complete: bool,
    /// Whether vpc-cni, coredns, kube-proxy (and metrics-server with eksctl) are installed as EKS add-ons
    /// by the tool that creates the cluster, without being listed.
    pub default_addons: Val<Vec<String>>,
    pub vpc: Option<String>,
    /// Availability zones the cluster's subnets span.
    pub azs: Val<Vec<String>>,
    pub cni: CniSettings,
    pub support_type: Val<String>,
    /// `ipv4` or `ipv6` (lower case): with IPv6, pods take IPv6 addresses and the IPv4 sizing
    /// rules do not apply.
    pub ip_family: Val<String>,
    pub at: Prov,
}

impl Cluster {
    /// True when pods take IPv4 addresses from the node subnets (the cluster is IPv4).
    pub fn pods_use_ipv4(&self) -> bool {
        self.ip_family.known().map(String::as_str) == Some("ipv4")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NodeGroupKind {
    Managed,
    SelfManaged,
    Karpenter,
}

/// The AMI family of a node group, normalized across eksctl `amiFamily` and EKS `amiType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AmiFamily {
    AmazonLinux2,
    AmazonLinux2023,
    Bottlerocket,
    Ubuntu,
    Windows,
    Custom,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeGroup {
    pub cluster: String,
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
    pub subnets: Val<Vec<String>>,
    pub azs: Val<Vec<String>>,
    /// Kubelet version (minor, e.g. `1.30`) when the node group pins one.
    pub version: Val<Option<String>>,
    pub node_role: Val<Option<String>>,
    pub launch_template: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub at: Prov,
}

impl NodeGroup {
    /// Name prefix of the node groups read from a Karpenter `EC2NodeClass`.
    pub const EC2_NODE_CLASS: &'static str = "EC2NodeClass/";

    /// How messages name it: node group `x`, or Karpenter EC2NodeClass `x`.
    pub fn describe(&self) -> String {
        match self.name.strip_prefix(Self::EC2_NODE_CLASS) {
            Some(n) if self.kind == NodeGroupKind::Karpenter => {
                format!("Karpenter EC2NodeClass `{n}`")
            }
            _ => format!("node group `{}`", self.name),
        }
    }

    /// Capacity Karpenter provisions from NodePools that are not in scope: present, but nothing
    /// about it is known.
    pub fn karpenter(cluster: &str, at: &Prov, why: &str) -> NodeGroup {
        NodeGroup {
            cluster: cluster.to_string(),
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
            at: at.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LaunchTemplate {
    pub id: String,
    pub http_tokens: Val<String>,
    pub hop_limit: Val<u32>,
    pub user_data_max_pods: Val<Option<u32>>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct FargateSelector {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct FargateProfile {
    pub cluster: String,
    pub name: String,
    pub selectors: Vec<FargateSelector>,
    /// Subnet references; `None` inside the `Val` means "the cluster's private subnets".
    pub subnets: Val<Option<Vec<String>>>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vpc {
    pub id: String,
    pub cidr: Val<IpNet>,
    pub dns_support: Val<bool>,
    pub dns_hostnames: Val<bool>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct Subnet {
    /// The name the definition gives it (eksctl subnet key, Terraform address).
    pub name: String,
    pub id: Option<String>,
    pub cluster: Option<String>,
    pub vpc: Option<String>,
    pub cidr: Val<IpNet>,
    pub az: Val<String>,
    pub public: Val<bool>,
    pub map_public_ip: Val<bool>,
    /// The subnet's default route goes to a NAT gateway.
    pub nat_route: Val<bool>,
    pub tags: BTreeMap<String, String>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct VpcEndpoint {
    pub vpc: Option<String>,
    /// Service name, e.g. `com.amazonaws.eu-west-1.ecr.api` (`*` where the region is not known).
    pub service: String,
    /// `Interface` or `Gateway`.
    pub kind: String,
    /// Subnets an interface endpoint has a network interface in.
    pub subnets: Val<Vec<String>>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct IamRole {
    pub id: String,
    pub managed_policies: Val<Vec<String>>,
    pub inline_policies: Vec<Node>,
    pub trust_policy: Val<Option<Node>>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct Addon {
    pub cluster: String,
    pub name: String,
    pub version: Val<Option<String>>,
    /// IAM role for the add-on's service account (IRSA or Pod Identity), when given.
    pub role: Val<Option<String>>,
    /// `configurationValues` as written.
    pub configuration: Option<Node>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccessEntry {
    pub cluster: String,
    pub principal_arn: String,
    pub kubernetes_groups: Vec<String>,
    pub access_policies: Vec<String>,
    pub at: Prov,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AuthMappingKind {
    User,
    Role,
    Account,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthMapping {
    /// The cluster this mapping is for, when the source says (eksctl); aws-auth ConfigMaps do not.
    pub cluster: Option<String>,
    pub kind: AuthMappingKind,
    pub arn: Val<String>,
    pub username: Option<String>,
    pub groups: Vec<String>,
    pub at: Prov,
}

/// `# eksdoctor:ignore RULE[,RULE…] -- reason` (or `//`): silences those rules' findings on its own
/// line or the line below it, when it gives a reason.
#[derive(Debug, Clone, Serialize)]
pub struct Suppression {
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub at: Prov,
}

impl Suppression {
    /// Every suppression comment in a file's text.
    pub fn scan(file: &Arc<str>, text: &str, source: crate::SourceKind) -> Vec<Suppression> {
        const MARK: &str = "eksdoctor:ignore";
        let mut out = Vec::new();
        if !text.contains(MARK) {
            return out;
        }
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find(MARK) else { continue };
            // Only inside a comment: `#` or `//` before the marker.
            let before = &line[..pos];
            if !(before.contains('#') || before.contains("//")) {
                continue;
            }
            let rest = &line[pos + MARK.len()..];
            let (ids, reason) = match rest.split_once("--") {
                Some((ids, r)) => (ids, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
                None => (rest, None),
            };
            let rules: Vec<String> = ids
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            out.push(Suppression {
                rules,
                reason,
                at: Prov::new(file, i as u32 + 1, source),
            });
        }
        out
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentityProvider {
    pub cluster: String,
    pub name: Val<String>,
    pub issuer_url: Val<String>,
    pub at: Prov,
}

#[derive(Debug, Clone, Serialize)]
pub struct PodIdentityAssociation {
    pub cluster: String,
    pub namespace: String,
    pub service_account: String,
    pub role: Val<Option<String>>,
    pub at: Prov,
}

/// Kubernetes objects from manifests (and later live).
#[derive(Debug, Default, Serialize)]
pub struct K8sObjects {
    /// Every object with an apiVersion and kind, for API-version checks.
    pub objects: Vec<ObjectRef>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub ingresses: Vec<Ingress>,
    pub storage_classes: Vec<StorageClass>,
    pub pvcs: Vec<Pvc>,
    pub hpas: Vec<Hpa>,
    pub pdbs: Vec<ObjectRef>,
    pub service_accounts: Vec<ServiceAccount>,
    pub namespaces: Vec<ObjectRef>,
    /// VPC CNI settings read from an `aws-node` DaemonSet.
    pub cni: Option<CniSettings>,
    /// Objects that install metrics-server (Deployment, APIService, HelmRelease, Argo CD Application).
    pub metrics_server: Vec<ObjectRef>,
    /// Objects that install cluster-autoscaler.
    pub cluster_autoscaler: Vec<ObjectRef>,
    /// Objects that install the EBS CSI driver outside EKS add-ons (Helm, manifests).
    pub ebs_csi: Vec<ObjectRef>,
    /// Objects applied by Terraform whose content is known only after apply: any of them may be
    /// what a rule looks for (metrics-server, the EBS CSI driver), so absences are not decided.
    pub unreadable: Vec<Note>,
}

/// An object's identity and place.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `Unknown` when the manifest sets none (kubectl or Helm choose it when applying).
    pub namespace: Val<String>,
    pub at: Prov,
}

impl ObjectRef {
    pub fn display(&self) -> String {
        match self.namespace.known() {
            Some(ns) => format!("{} {}/{}", self.kind, ns, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VolumeClaim {
    pub name: String,
    /// `None` inside the `Val` when no class is named (the cluster's default class applies).
    pub storage_class: Option<String>,
    pub at: Prov,
}

/// A pod-creating object: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    pub obj: ObjectRef,
    pub pod_labels: BTreeMap<String, String>,
    /// The pod spec as written (`spec`, `spec.template.spec` or `spec.jobTemplate.spec.template.spec`).
    pub pod_spec: Option<Node>,
    pub replicas: Option<u32>,
    /// CronJob schedule.
    pub schedule: Option<(String, Prov)>,
    /// StatefulSet `volumeClaimTemplates`.
    pub claim_templates: Vec<VolumeClaim>,
    /// PVCs referenced from pod volumes.
    pub pvc_refs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub obj: ObjectRef,
    pub service_type: String,
    pub selector: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ingress {
    pub obj: ObjectRef,
    pub class: Option<String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StorageClass {
    pub obj: ObjectRef,
    pub provisioner: String,
    /// `None` when the manifest does not set it (Kubernetes then uses `Immediate`).
    pub binding_mode: Option<String>,
    pub is_default: bool,
    pub parameters: BTreeMap<String, String>,
}

impl StorageClass {
    pub fn is_ebs(&self) -> bool {
        self.provisioner == "ebs.csi.aws.com" || self.provisioner == "kubernetes.io/aws-ebs"
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Pvc {
    pub obj: ObjectRef,
    pub storage_class: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hpa {
    pub obj: ObjectRef,
    /// Resource metrics the HPA scales on (`cpu`, `memory`); an HPA with no metrics uses CPU.
    pub resource_metrics: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceAccount {
    pub obj: ObjectRef,
    pub annotations: BTreeMap<String, String>,
}

/// A directory as an absolute, normalised path (the current directory for an empty one).
fn absolute_dir(d: &std::path::Path) -> std::path::PathBuf {
    let d = if d.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        d
    };
    crate::paths::normalize(&std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf()))
}
