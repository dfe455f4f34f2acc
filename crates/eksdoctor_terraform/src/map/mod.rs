//! Evaluated resource instances → the inventory. Works the same for HCL, community-module models
//! and plan JSON. References between resources are followed through an address index: a node
//! group's `subnet_ids = aws_subnet.private[*].id` are computed values that still name
//! `aws_subnet.private[0]`, `[1]`, ... .

use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::*;
use std::collections::HashMap;
use std::sync::Arc;

pub(super) const TF_DEFAULT: &str = "AWS provider default";
pub(super) const EKS_DEFAULT: &str = "EKS default";

mod access;
mod cluster;
mod iam;
mod k8s;
mod network;
mod nodes;
mod self_managed;
mod values;

use values::Index;

/// Kubernetes objects carried by Terraform resources (`kubernetes_*`, `kubectl_manifest`,
/// `helm_release`), for the manifest reader.
#[derive(Debug, Default)]
pub struct K8sDocs {
    /// Objects as document trees (lines point into the `.tf` file).
    pub objects: Vec<(Arc<str>, Node)>,
    /// YAML text (`kubectl_manifest.yaml_body`) with the attribute's place, and whether it is a
    /// heredoc (its lines are the file's, from the next line) or not (no lines of this file).
    pub yaml: Vec<(Prov, String, bool)>,
    /// Objects whose whole content is known only after apply, with why.
    pub unreadable: Vec<(Prov, String)>,
}

/// What every resource family's mapping reads: the resources, their address index, and the
/// clusters other resources point at.
struct Scope<'a> {
    res: &'a [Res],
    idx: Index<'a>,
    /// The root module's directory, or the plan file.
    root: &'a str,
    cluster_by_name: HashMap<String, String>,
    cluster_ids: Vec<String>,
    /// The only cluster of the root module, if there is one.
    sole: Option<String>,
}

impl<'a> Scope<'a> {
    fn new(res: &'a [Res], root: &'a str) -> Scope<'a> {
        let idx = Index::new(res);
        // Clusters first: other resources point at them by name or address.
        let mut cluster_by_name: HashMap<String, String> = HashMap::new();
        let mut cluster_ids: Vec<String> = Vec::new();
        for r in idx.of_type(res, "aws_eks_cluster") {
            if let Some(n) = r.body.get("name").and_then(V::to_template_string) {
                cluster_by_name.insert(n, r.addr.clone());
            }
            cluster_ids.push(r.addr.clone());
        }
        let sole = if cluster_ids.len() == 1 {
            Some(cluster_ids[0].clone())
        } else {
            None
        };
        Scope {
            res,
            idx,
            root,
            cluster_by_name,
            cluster_ids,
            sole,
        }
    }

    /// The cluster a resource's `cluster_name` points at: its address when it is a cluster of
    /// this root module, else the name (a cluster defined elsewhere keeps its name so objects
    /// stay grouped).
    fn cluster_of(&self, b: &RBody) -> Option<Id> {
        let v = b.get("cluster_name")?;
        let id = match v {
            V::Unknown(u) => match &u.addr {
                Some(a) if self.cluster_ids.contains(a) => Some(a.clone()),
                _ => self.sole.clone(),
            },
            other => {
                let n = other.to_template_string()?;
                Some(self.cluster_by_name.get(&n).cloned().unwrap_or(n))
            }
        };
        id.map(Id::global)
    }
}

/// A resource family's mapping.
type MapFn = fn(&Scope, &mut Inventory, &mut K8sDocs);

/// Resource types → the function that maps them, in the order they run: later families look up
/// what earlier ones put in the inventory (node groups their launch templates, subnets the
/// clusters that use them).
const FAMILIES: &[(&[&str], MapFn)] = &[
    (
        &["aws_vpc", "aws_subnet", "aws_ec2_tag", "aws_vpc_endpoint"],
        network::network,
    ),
    (
        &[
            "aws_iam_role",
            "aws_iam_role_policy_attachment",
            "aws_iam_role_policy",
            "aws_iam_policy",
        ],
        |s, inv, _| iam::map_iam(s.res, inv),
    ),
    (&["aws_launch_template"], nodes::launch_templates),
    (&["aws_eks_cluster"], cluster::clusters),
    (&["aws_eks_addon"], cluster::addons),
    (
        &["aws_iam_openid_connect_provider"],
        cluster::oidc_elsewhere,
    ),
    (&["aws_eks_node_group"], nodes::node_groups),
    (
        &["aws_autoscaling_group", "aws_launch_configuration"],
        self_managed::self_managed,
    ),
    (&["eksdoctor_karpenter", "helm_release"], nodes::karpenter),
    (&["aws_eks_fargate_profile"], access::fargate),
    (
        &[
            "aws_eks_access_entry",
            "aws_eks_pod_identity_association",
            "aws_eks_identity_provider_config",
        ],
        access::access,
    ),
    (&[], network::subnet_owners),
    (
        &["kubernetes_*", "kubectl_manifest", "helm_release"],
        |s, _, k8s| k8s::map_k8s(s.res, k8s),
    ),
];

/// Map every resource instance of one root module (or plan) into `inv`, which holds nothing
/// else yet. Identities that are resource addresses get `root` (the root module's directory or
/// the plan file), so that `aws_eks_cluster.this` of two root modules stay two clusters.
pub fn map(res: &[Res], root: &str, inv: &mut Inventory, k8s: &mut K8sDocs) {
    map_raw(res, root, inv, k8s);
    let mut addrs: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in res {
        addrs.insert(r.addr.as_str());
        addrs.insert(r.base.as_str());
    }
    let root: std::sync::Arc<str> = root.into();
    inv.for_each_reference(|id| {
        if id.root.is_none() && addrs.contains(id.name()) {
            id.root = Some(root.clone());
        }
    });
}

fn map_raw(res: &[Res], root: &str, inv: &mut Inventory, k8s: &mut K8sDocs) {
    let scope = Scope::new(res, root);
    for (_, map) in FAMILIES {
        map(&scope, inv, k8s);
    }
}
