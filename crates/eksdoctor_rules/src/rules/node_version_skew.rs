//! # node-version-skew
//! A node group's kubelet version is behind the control plane, or beyond the allowed skew: since
//! Kubernetes 1.28 kubelets may be up to 3 minor versions older than the API server (2 before), and
//! never newer. Medium when behind within the skew, high outside it.

use crate::helpers::cluster_version;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_knowledge::KubeVersion;

pub static META: RuleMeta = RuleMeta {
    id: "node-version-skew",
    category: Category::Versions,
    severity: Severity::Medium,
    summary: "Node group version behind the control plane, or beyond the allowed skew",
    why: "Old kubelets miss fixes and block the next control-plane upgrade once the skew limit is reached; beyond it, nodes misbehave or fail to join.",
    fix: "Upgrade the node group to the control plane's version (managed node groups: update the release version / AMI).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The node group does not pin a version (eksctl creates nodes at the cluster's version) or either version is unknown.",
    references: &["https://kubernetes.io/releases/version-skew-policy/"],
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
        let behind = nv.minors_behind(cp);
        let allowed = allowed_skew(cp);
        // Outside the skew policy (newer, or too old) is high; merely behind is the rule's medium.
        let severity = if behind < 0 || behind > allowed {
            Severity::High
        } else {
            META.severity
        };
        let msg = if behind < 0 {
            format!("{} runs kubelet {nv}, newer than the control plane ({cp}); kubelets must not be newer than the API server", ng.describe())
        } else if behind > allowed {
            format!("{} runs kubelet {nv}, {behind} minor versions behind the control plane ({cp}): beyond the allowed skew of {allowed}", ng.describe())
        } else if behind > 0 {
            format!("{} runs kubelet {nv}, {behind} minor version{} behind the control plane ({cp}); the allowed skew is {allowed}", ng.describe(), if behind > 1 { "s" } else { "" })
        } else {
            continue;
        };
        sink.finding_at(
            &META,
            severity,
            ng.version.at(),
            format!("nodegroup {}", ng.name),
            msg,
        );
    }
}
