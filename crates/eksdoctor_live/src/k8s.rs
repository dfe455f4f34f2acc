//! The Kubernetes API of a cluster, through kube-rs and the kubeconfig as kubectl reads it (its
//! `aws eks get-token` exec plugin included), into the inventory by the manifest source's own
//! mapping: every rule that reads manifests reads the running objects alike.
//!
//! Read only what rules need, page by page (500 objects a page): no Secret is ever listed, only
//! the `aws-auth` ConfigMap is read, and container `env` values are kept only for the `aws-node`
//! DaemonSet (the VPC CNI's settings); see [`crate::k8s_map::sanitize`].

use crate::k8s_map::{self, Res};
use crate::Calls;
use eksdoctor_inventory::{GapKind, Id, Inventory, Prov, Scope};
use kube::api::{Api, DynamicObject, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::path::PathBuf;
use std::time::Duration;

/// How to reach a cluster's Kubernetes API.
#[derive(Debug, Clone, Default)]
pub struct KubeOptions {
    /// The kubeconfig file; none: `KUBECONFIG` or `~/.kube/config`, as kubectl.
    pub kubeconfig: Option<PathBuf>,
    /// The context to use; none: the context whose cluster server is the cluster's endpoint.
    pub context: Option<String>,
}

/// What the cluster's Kubernetes reader needs to know of it.
pub(crate) struct Target<'a> {
    pub name: &'a str,
    /// The cluster's id in the inventory (objects are placed in it).
    pub id: &'a str,
    pub region: &'a str,
    pub endpoint: Option<&'a str>,
}

/// The objects rules read: (group, version, kind, plural, absent-is-normal).
const READ: &[Res] = &[
    Res::core("Namespace", "namespaces"),
    Res::core("Node", "nodes"),
    Res::core("Pod", "pods"),
    Res::core("Service", "services"),
    Res::core("ServiceAccount", "serviceaccounts"),
    Res::core("PersistentVolumeClaim", "persistentvolumeclaims"),
    Res::core("PersistentVolume", "persistentvolumes"),
    Res::new("apps", "v1", "Deployment", "deployments"),
    Res::new("apps", "v1", "StatefulSet", "statefulsets"),
    Res::new("apps", "v1", "DaemonSet", "daemonsets"),
    Res::new("apps", "v1", "ReplicaSet", "replicasets"),
    Res::new("batch", "v1", "Job", "jobs"),
    Res::new("batch", "v1", "CronJob", "cronjobs"),
    Res::new("networking.k8s.io", "v1", "Ingress", "ingresses"),
    Res::new("storage.k8s.io", "v1", "StorageClass", "storageclasses"),
    Res::new("storage.k8s.io", "v1", "CSIDriver", "csidrivers"),
    Res::new(
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
    ),
    Res::new(
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
    ),
    Res::new("apiregistration.k8s.io", "v1", "APIService", "apiservices"),
    Res::crd(
        "crd.k8s.amazonaws.com",
        "v1alpha1",
        "ENIConfig",
        "eniconfigs",
    ),
    Res::crd("karpenter.sh", "v1", "NodePool", "nodepools"),
    Res::crd("karpenter.k8s.aws", "v1", "EC2NodeClass", "ec2nodeclasses"),
];

/// Objects a page.
const PAGE: u32 = 500;

/// Read the cluster's Kubernetes objects into `inv`. A cluster whose API cannot be reached is one
/// note; a list that fails (403, a timeout) is a failed call with its reason, the rest go on.
pub(crate) async fn read(
    opts: &KubeOptions,
    target: &Target<'_>,
    timeout: Duration,
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    let api = format!("the Kubernetes API of cluster `{}`", target.name);
    let client = match client(opts, target, timeout).await {
        Ok(c) => c,
        Err(why) => {
            unread(target, inv, "the Kubernetes API was not read");
            calls.failed(api, why);
            return;
        }
    };
    for res in READ {
        calls.stage(&format!("{}: Kubernetes {}", target.name, res.plural));
        let each = |item| k8s_map::read_item(target.id, res, item, inv);
        match list(&client, res, timeout, calls, each).await {
            Ok(()) | Err(Failure::Absent) => {}
            Err(Failure::Unreachable(why)) => {
                unread(target, inv, "the Kubernetes API was not read");
                calls.failed(api, why);
                return;
            }
            Err(Failure::Call(why)) => {
                unread(
                    target,
                    inv,
                    &format!("Kubernetes {} could not be listed", res.plural),
                );
                calls.failed(res.what(), why);
            }
        }
    }
    read_aws_auth(&client, target, timeout, calls, inv).await;
}

/// Objects of the cluster that were not read: rules that conclude from an object's absence
/// (no EBS CSI driver, no metrics-server) cannot.
pub(crate) fn unread(target: &Target<'_>, inv: &mut Inventory, what: &str) {
    let id = Id::global(target.id);
    let at = inv
        .clusters
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.at.clone())
        .unwrap_or_else(|| Prov::new(&target.id.into(), 0, eksdoctor_inventory::SourceKind::Live));
    inv.completeness
        .push(Scope::Cluster(id), GapKind::UnreadableObject, what, at);
}

/// The one ConfigMap read: `kube-system/aws-auth`.
async fn read_aws_auth(
    client: &kube::Client,
    target: &Target<'_>,
    timeout: Duration,
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    let res = Res::core("ConfigMap", "configmaps");
    let api: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), "kube-system", &res.api_resource());
    calls.made += 1;
    let got = match tokio::time::timeout(timeout, api.get_opt("aws-auth")).await {
        Ok(r) => r.map_err(|e| failure(&e, &res)),
        Err(_) => Err(Failure::Call("the call timed out".into())),
    };
    match got {
        Ok(Some(obj)) => k8s_map::read_item(target.id, &res, obj, inv),
        Ok(None) | Err(Failure::Absent) => {}
        Err(Failure::Unreachable(why) | Failure::Call(why)) => calls.failed(
            "the aws-auth ConfigMap (get configmaps kube-system/aws-auth)",
            why,
        ),
    }
}

/// Why a list gave nothing.
enum Failure {
    /// The API is not served (a custom resource whose CRD is not installed).
    Absent,
    /// The server could not be reached at all: nothing more is tried.
    Unreachable(String),
    /// This call failed (denied, timed out, an error of the server).
    Call(String),
}

/// Every object of `res`, page by page (continue tokens), each page handed to `each` as it
/// arrives: only one page is held at a time. On a failure, the pages before it were handed on
/// (the caller records the kind as not read).
async fn list(
    client: &kube::Client,
    res: &Res,
    timeout: Duration,
    calls: &mut Calls,
    mut each: impl FnMut(DynamicObject),
) -> Result<(), Failure> {
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &res.api_resource());
    let mut token: Option<String> = None;
    loop {
        let mut lp = ListParams::default().limit(PAGE);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        calls.made += 1;
        let page = match tokio::time::timeout(timeout, api.list(&lp)).await {
            Ok(r) => r.map_err(|e| failure(&e, res))?,
            Err(_) => return Err(Failure::Call("the call timed out".into())),
        };
        page.items.into_iter().for_each(&mut each);
        match page.metadata.continue_ {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => return Ok(()),
        }
    }
}

fn failure(e: &kube::Error, res: &Res) -> Failure {
    match e {
        kube::Error::Api(s) if s.code == 404 && res.optional => Failure::Absent,
        kube::Error::Api(s) => {
            let msg = if s.message.is_empty() {
                s.reason.clone()
            } else {
                s.message.clone()
            };
            let rbac = if s.code == 403 {
                format!(" (RBAC: {})", res.verb_needed())
            } else {
                String::new()
            };
            Failure::Call(format!("HTTP {}: {msg}{rbac}", s.code))
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            Failure::Unreachable(format!("the API server could not be reached ({e})"))
        }
        kube::Error::Auth(_) => Failure::Unreachable(format!("no credentials for it ({e})")),
        other => Failure::Call(other.to_string()),
    }
}

/// The kube client of the cluster: the named context, else the kubeconfig's context whose
/// cluster server is the cluster's endpoint.
async fn client(
    opts: &KubeOptions,
    target: &Target<'_>,
    timeout: Duration,
) -> Result<kube::Client, String> {
    let kc = match &opts.kubeconfig {
        Some(p) => Kubeconfig::read_from(p).map_err(|e| format!("{}: {e}", p.display()))?,
        None => Kubeconfig::read().map_err(|e| format!("no kubeconfig: {e}"))?,
    };
    let context = match &opts.context {
        Some(c) => c.clone(),
        None => context_for(&kc, target)?,
    };
    let ko = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let mut conf = kube::Config::from_custom_kubeconfig(kc, &ko)
        .await
        .map_err(|e| format!("kubeconfig context `{context}`: {e}"))?;
    conf.connect_timeout = Some(timeout);
    conf.read_timeout = Some(timeout);
    kube::Client::try_from(conf).map_err(|e| format!("kubeconfig context `{context}`: {e}"))
}

/// The context whose cluster's server is the EKS endpoint (as `aws eks update-kubeconfig`
/// writes it).
fn context_for(kc: &Kubeconfig, target: &Target<'_>) -> Result<String, String> {
    let hint = format!(
        "run `aws eks update-kubeconfig --name {} --region {}` or pass --context",
        target.name, target.region
    );
    let endpoint = target
        .endpoint
        .ok_or(format!("EKS gave no endpoint for it; {hint}"))?;
    let norm = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
    let servers: Vec<&str> = kc
        .clusters
        .iter()
        .filter(|c| {
            c.cluster
                .as_ref()
                .and_then(|c| c.server.as_deref())
                .is_some_and(|s| norm(s) == norm(endpoint))
        })
        .map(|c| c.name.as_str())
        .collect();
    let mut found = kc.contexts.iter().filter(|c| {
        c.context
            .as_ref()
            .is_some_and(|x| servers.contains(&x.cluster.as_str()))
    });
    let current = kc.current_context.as_deref();
    let all: Vec<&str> = found.clone().map(|c| c.name.as_str()).collect();
    match (all.as_slice(), current) {
        ([], _) => Err(format!(
            "no kubeconfig context has its endpoint {endpoint}; {hint}"
        )),
        (_, Some(cur)) if all.contains(&cur) => Ok(cur.to_string()),
        _ => Ok(found.next().map(|c| c.name.clone()).unwrap_or_default()),
    }
}

/// The EKS cluster the kubeconfig's context (`--context`, else the current one) is for: the
/// cluster ARN that `aws eks update-kubeconfig` names contexts and clusters by, or the
/// `--cluster-name` of its `aws eks get-token` exec plugin. `(name, region)`; the region only
/// from an ARN.
pub(crate) fn context_cluster(opts: &KubeOptions) -> Option<(String, Option<String>)> {
    let kc = match &opts.kubeconfig {
        Some(p) => Kubeconfig::read_from(p).ok()?,
        None => Kubeconfig::read().ok()?,
    };
    let name = opts.context.clone().or(kc.current_context.clone())?;
    let ctx = kc.contexts.iter().find(|c| c.name == name)?;
    let from_arn = |s: &str| {
        let rest = s.strip_prefix("arn:")?;
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        match parts.as_slice() {
            [_, "eks", region, _, res] => res
                .strip_prefix("cluster/")
                .map(|n| (n.to_string(), Some(region.to_string()))),
            _ => None,
        }
    };
    let inner = ctx.context.as_ref();
    if let Some(found) = from_arn(&ctx.name).or_else(|| inner.and_then(|c| from_arn(&c.cluster))) {
        return Some(found);
    }
    let user = inner.and_then(|c| c.user.as_deref())?;
    let args = kc
        .auth_infos
        .iter()
        .find(|a| a.name == user)?
        .auth_info
        .as_ref()?
        .exec
        .as_ref()?
        .args
        .clone()?;
    let i = args.iter().position(|a| a == "--cluster-name")?;
    Some((args.get(i + 1)?.clone(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(text: &str) -> (KubeOptions, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, text).unwrap();
        (
            KubeOptions {
                kubeconfig: Some(path),
                context: None,
            },
            dir,
        )
    }

    #[test]
    fn the_current_context_names_its_eks_cluster() {
        let (o, _d) = opts("apiVersion: v1\nkind: Config\ncurrent-context: arn:aws:eks:eu-west-1:111122223333:cluster/prod\ncontexts:\n- name: arn:aws:eks:eu-west-1:111122223333:cluster/prod\n  context: {cluster: arn:aws:eks:eu-west-1:111122223333:cluster/prod, user: u}\nclusters: []\nusers: []\n");
        assert_eq!(
            context_cluster(&o),
            Some(("prod".into(), Some("eu-west-1".into())))
        );
        let (o, _d) = opts("apiVersion: v1\nkind: Config\ncurrent-context: dev\ncontexts:\n- name: dev\n  context: {cluster: c, user: u}\nclusters: []\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token, --cluster-name, dev-1, --output, json]}\n");
        assert_eq!(context_cluster(&o), Some(("dev-1".into(), None)));
        let (o, _d) = opts("apiVersion: v1\nkind: Config\ncurrent-context: kind\ncontexts:\n- name: kind\n  context: {cluster: kind, user: kind}\nclusters: []\nusers: []\n");
        assert_eq!(context_cluster(&o), None);
    }
}
