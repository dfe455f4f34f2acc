//! # node-version-skew
//! A node group's kubelet version is behind the control plane, or beyond the allowed skew: since
//! Kubernetes 1.28 kubelets may be up to 3 minor versions older than the API server (2 before), and
//! never newer. Medium when behind within the skew, high outside it. In live mode the kubelets
//! the nodes themselves report are judged too, per group of nodes and version, unless their node
//! group declares that version (the node group is reported then); Fargate nodes keep the kubelet
//! of the control plane they started under, and EKS upgrades no further until they match.

use crate::helpers::cluster_version;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::{ClusterNode, Id};
use eksdoctor_knowledge::KubeVersion;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    id: "node-version-skew",
    category: Category::Versions,
    severity: Severity::Medium,
    summary: "Node group version behind the control plane, or beyond the allowed skew",
    why: "Old kubelets miss fixes and block the next control-plane upgrade once the skew limit is reached; beyond it, nodes misbehave or fail to join.",
    fix: "Upgrade the node group to the control plane's version (managed node groups: update the release version / AMI).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The node group does not pin a version (eksctl creates nodes at the cluster's version) or either version is unknown. Live nodes whose node group declares their version are reported as that node group, once.",
    references: &["https://kubernetes.io/releases/version-skew-policy/", "https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html", "https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-patching.html"],
};

/// Minor versions a kubelet may lag behind an API server of version `cp`.
pub fn allowed_skew(cp: KubeVersion) -> i64 {
    if cp >= KubeVersion::new(1, 28) {
        3
    } else {
        2
    }
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    check_node_groups(ctx, sink);
    check_nodes(ctx, sink);
}

/// How far `nv` is behind `cp`, as a message tail and a severity (outside the skew policy,
/// newer or too old, is high; merely behind is the rule's medium); `None` when it is not behind.
fn skew(nv: KubeVersion, cp: KubeVersion) -> Option<(Severity, String)> {
    let behind = nv.minors_behind(cp);
    let allowed = allowed_skew(cp);
    let severity = if behind < 0 || behind > allowed {
        Severity::High
    } else {
        META.severity
    };
    let tail = if behind < 0 {
        format!(
            "newer than the control plane ({cp}); kubelets must not be newer than the API server"
        )
    } else if behind > allowed {
        format!("{behind} minor versions behind the control plane ({cp}): beyond the allowed skew of {allowed}")
    } else if behind > 0 {
        format!(
            "{behind} minor version{} behind the control plane ({cp}); the allowed skew is {allowed}",
            plural(behind as usize)
        )
    } else {
        return None;
    };
    Some((severity, tail))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The kubelets that running nodes report (live mode), per group of nodes and version: a node
/// group whose nodes run another version than it declares (an upgrade not rolled out,
/// self-managed nodes), Fargate pods started before an upgrade.
fn check_nodes(ctx: &Ctx, sink: &mut Sink) {
    type Key<'a> = (&'a Id, Option<&'a str>, bool, KubeVersion);
    let mut groups: BTreeMap<Key, Vec<&ClusterNode>> = BTreeMap::new();
    for n in &ctx.inv.k8s.nodes {
        let (Some(c), Some(Ok(nv))) = (
            ctx.inv.cluster_of(&n.obj),
            n.kubelet_version.as_deref().map(str::parse::<KubeVersion>),
        ) else {
            continue;
        };
        let key = (&c.id, n.group.as_deref(), n.fargate, nv);
        groups.entry(key).or_default().push(n);
    }
    for ((id, group, fargate, nv), nodes) in groups {
        let Some(c) = ctx.inv.clusters.iter().find(|c| &c.id == id) else {
            continue;
        };
        let Some((severity, tail)) = cluster_version(c).and_then(|cp| skew(nv, cp)) else {
            continue;
        };
        // A node group that declares this version is reported as the node group.
        let declared = ctx.inv.node_groups.iter().any(|ng| {
            ng.cluster == c.id
                && Some(ng.name.as_str()) == group
                && matches!(ng.version.known(), Some(Some(v)) if v.parse::<KubeVersion>() == Ok(nv))
        });
        if declared {
            continue;
        }
        let count = nodes.len();
        let whose = match (fargate, group) {
            (true, _) => format!("{count} Fargate node{} (one per pod)", plural(count)),
            (false, Some(g)) => format!("{count} node{} of `{g}`", plural(count)),
            (false, None) => format!("{count} node{} of no labelled group", plural(count)),
        };
        let first = nodes[0];
        let verb = if count == 1 { "runs" } else { "run" };
        // A Fargate node keeps the kubelet of the control plane it started under, and EKS starts
        // no further control-plane upgrade until Fargate nodes match.
        let hint = if fargate {
            "; EKS does not start the next control-plane upgrade until they match: restart their pods (`kubectl rollout restart`) to get new nodes"
        } else {
            ""
        };
        sink.finding_at(
            &META,
            severity,
            &first.obj.at,
            format!("nodes {}", group.unwrap_or(&first.obj.name)),
            format!(
                "{whose} {verb} kubelet {nv} ({} on {}), {tail}{hint}",
                first.kubelet_version.as_deref().unwrap_or_default(),
                first.obj.name
            ),
        );
    }
}

fn check_node_groups(ctx: &Ctx, sink: &mut Sink) {
    for ng in &ctx.inv.node_groups {
        let Some(Some(nv)) = sink.need(&META, &ng.version, || {
            format!("kubelet version of {}", ng.describe())
        }) else {
            continue;
        };
        let Ok(nv) = nv.parse::<KubeVersion>() else {
            continue;
        };
        let Some(c) = ctx.inv.clusters.iter().find(|c| c.id == ng.cluster) else {
            continue;
        };
        if sink
            .need(&META, &c.version, || {
                format!("version of cluster `{}`", c.id)
            })
            .is_none()
        {
            continue;
        }
        let Some(cp) = cluster_version(c) else {
            continue;
        };
        let Some((severity, tail)) = skew(nv, cp) else {
            continue;
        };
        let msg = format!("{} runs kubelet {nv}, {tail}", ng.describe());
        sink.finding_at(
            &META,
            severity,
            ng.version.at(),
            format!("nodegroup {}", ng.name),
            msg,
        );
    }
}
