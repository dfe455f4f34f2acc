//! The Kubernetes side of the inventory: objects with their identity and place, workloads with
//! their pod specs, Services, Ingresses, StorageClasses, claims, HPAs and service accounts.

use crate::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Kubernetes objects from manifests and from running clusters.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct K8sObjects {
    /// Every object with an apiVersion and kind, for API-version checks.
    pub objects: Vec<ObjectRef>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub ingresses: Vec<Ingress>,
    pub storage_classes: Vec<StorageClass>,
    pub pvcs: Vec<Pvc>,
    /// PersistentVolumes (static ones in manifests; every bound volume of a running cluster).
    pub pvs: Vec<PersistentVolume>,
    pub hpas: Vec<Hpa>,
    pub pdbs: Vec<ObjectRef>,
    pub service_accounts: Vec<ServiceAccount>,
    pub namespaces: Vec<ObjectRef>,
    /// VPC CNI settings read from each `aws-node` DaemonSet (one per cluster; rules take the one
    /// of the cluster it runs on).
    pub cni: Vec<CniSettings>,
    /// Objects that install metrics-server (Deployment, APIService, HelmRelease, Argo CD Application).
    pub metrics_server: Vec<ObjectRef>,
    /// Objects that install cluster-autoscaler.
    pub cluster_autoscaler: Vec<ObjectRef>,
    /// Objects that install the EBS CSI driver outside EKS add-ons (Helm, manifests).
    pub ebs_csi: Vec<ObjectRef>,
    /// The cluster's nodes (read from its API in live mode).
    pub nodes: Vec<ClusterNode>,
}

/// A node of a running cluster, as its `Node` object reports it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterNode {
    pub obj: ObjectRef,
    /// `status.nodeInfo.kubeletVersion` (`v1.31.4-eks-aeac579`).
    pub kubelet_version: Option<String>,
    /// The managed node group (`eks.amazonaws.com/nodegroup`), Karpenter NodePool
    /// (`karpenter.sh/nodepool`) or self-managed group it belongs to, when labelled.
    pub group: Option<String>,
    /// A Fargate node (`eks.amazonaws.com/compute-type: fargate`): one per Fargate pod.
    pub fargate: bool,
    pub instance_type: Option<String>,
    pub zone: Option<String>,
    /// `status.allocatable.pods`.
    pub allocatable_pods: Option<u32>,
}

/// An object's identity and place.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `Unknown` when the manifest sets none (kubectl or Helm choose it when applying).
    pub namespace: Val<String>,
    pub at: Prov,
    /// The id of the cluster it runs on, set when the inventory is finished
    /// ([`Inventory::finish`]): the configuration's `[[clusters]]` mapping, the only cluster in
    /// scope, the directory layout, or for an object read from an API the cluster it was read
    /// from. `None` when that does not decide it.
    pub cluster: Option<Id>,
    /// For an object read from a cluster: the other API versions its clients wrote it with, as
    /// the object records them (the last-applied annotation, managedFields).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_with: Vec<AppliedApi>,
}

/// An API version a client wrote an object with, and the record that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedApi {
    pub api_version: String,
    /// `the kubectl.kubernetes.io/last-applied-configuration annotation`, or `managedFields
    /// (manager `helm`)`.
    pub record: String,
}

impl ObjectRef {
    pub fn display(&self) -> String {
        match self.namespace.known() {
            Some(ns) => format!("{} {}/{}", self.kind, ns, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VolumeClaim {
    pub name: String,
    /// `None` inside the `Val` when no class is named (the cluster's default class applies).
    pub storage_class: Option<String>,
    pub at: Prov,
}

/// A pod-creating object: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Service {
    pub obj: ObjectRef,
    pub service_type: String,
    pub selector: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ingress {
    pub obj: ObjectRef,
    pub class: Option<String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pvc {
    pub obj: ObjectRef,
    pub storage_class: Option<String>,
}

/// A PersistentVolume: the claim bound to it, and the zones its node affinity confines it to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersistentVolume {
    pub obj: ObjectRef,
    /// `spec.claimRef`: the namespace and name of the claim bound to it.
    pub claim: Option<(String, String)>,
    /// The zones `spec.nodeAffinity` allows (`topology.ebs.csi.aws.com/zone`,
    /// `topology.kubernetes.io/zone` or `failure-domain.beta.kubernetes.io/zone`); empty when it
    /// names none.
    pub zones: Vec<String>,
}

/// The zone labels a PersistentVolume's node affinity pins it with.
pub const ZONE_KEYS: [&str; 3] = [
    "topology.ebs.csi.aws.com/zone",
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hpa {
    pub obj: ObjectRef,
    /// Resource metrics the HPA scales on (`cpu`, `memory`); an HPA with no metrics uses CPU.
    pub resource_metrics: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceAccount {
    pub obj: ObjectRef,
    pub annotations: BTreeMap<String, String>,
}

impl K8sObjects {
    /// Every object's identity, mutably. Destructured without `..`: a new list of objects does
    /// not compile until it is decided here whether its objects get a cluster.
    pub(crate) fn refs_mut(&mut self) -> Vec<&mut ObjectRef> {
        let K8sObjects {
            objects,
            workloads,
            services,
            ingresses,
            storage_classes,
            pvcs,
            pvs,
            hpas,
            pdbs,
            service_accounts,
            namespaces,
            metrics_server,
            cluster_autoscaler,
            ebs_csi,
            nodes,
            cni: _,
        } = self;
        let mut out: Vec<&mut ObjectRef> = Vec::new();
        out.extend(objects.iter_mut());
        out.extend(workloads.iter_mut().map(|w| &mut w.obj));
        out.extend(services.iter_mut().map(|x| &mut x.obj));
        out.extend(ingresses.iter_mut().map(|x| &mut x.obj));
        out.extend(storage_classes.iter_mut().map(|x| &mut x.obj));
        out.extend(pvcs.iter_mut().map(|x| &mut x.obj));
        out.extend(pvs.iter_mut().map(|x| &mut x.obj));
        out.extend(hpas.iter_mut().map(|x| &mut x.obj));
        out.extend(pdbs.iter_mut());
        out.extend(service_accounts.iter_mut().map(|x| &mut x.obj));
        out.extend(namespaces.iter_mut());
        out.extend(metrics_server.iter_mut());
        out.extend(cluster_autoscaler.iter_mut());
        out.extend(ebs_csi.iter_mut());
        out.extend(nodes.iter_mut().map(|n| &mut n.obj));
        out
    }
}
