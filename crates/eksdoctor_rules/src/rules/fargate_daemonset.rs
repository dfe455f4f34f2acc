//! # fargate-daemonset
//! DaemonSets do not run on Fargate: when some namespaces are served only by Fargate (a profile
//! selector without labels) and have workloads, or a running cluster has Fargate nodes (one per
//! pod), every DaemonSet — log shippers, metric and security agents — is missing for those pods.
//!
//! Scope: the only cluster scanned together with manifests (one cluster in scope → all manifests
//! belong to it).

use crate::helpers::fargate_only_namespace;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    id: "fargate-daemonset",
    category: Category::Fargate,
    severity: Severity::Medium,
    summary: "DaemonSets are needed by pods in namespaces served only by Fargate",
    why: "Fargate runs each pod on its own micro-VM with no DaemonSets; node-level log, metric and security agents silently miss every Fargate pod.",
    fix: "Use Fargate's built-in Fluent Bit log router (aws-logging ConfigMap) and sidecars for metrics, or run these namespaces on EC2 nodes.",
    sources: &["x", "live"],
    silent_when: "No cluster (or several) is scanned with the manifests, or workload namespaces are not set. EKS's own node DaemonSets in kube-system whose work Fargate does itself or that have nothing to do there (aws-node, kube-proxy, efs-csi-node, ebs-csi-node) are not reported.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/fargate.html", "https://docs.aws.amazon.com/eks/latest/userguide/fargate-logging.html", "https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html", "https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let k = &ctx.inv.k8s;
    // Per cluster: namespaces whose workloads all run on Fargate.
    let mut fargate_ns: BTreeMap<&eksdoctor_inventory::Id, BTreeMap<&str, &str>> = BTreeMap::new();
    for w in k.workloads.iter().filter(|w| w.obj.kind != "DaemonSet") {
        if let Some(ns) = w.obj.namespace.known() {
            if let Some(p) = fargate_only_namespace(ctx, &w.obj, ns) {
                fargate_ns
                    .entry(&p.cluster)
                    .or_default()
                    .insert(ns, &p.name);
            }
        }
    }
    // A selector without labels sends every pod of its namespaces (a pattern such as
    // `batch-*`) to Fargate, whether or not their workloads are among the scanned files.
    for p in &ctx.inv.fargate_profiles {
        for sel in p.selectors.iter().filter(|s| s.labels.is_empty()) {
            fargate_ns
                .entry(&p.cluster)
                .or_default()
                .entry(sel.namespace.as_str())
                .or_insert(&p.name);
        }
    }
    // A running cluster shows its Fargate pods: one Fargate node each.
    let mut fargate_nodes: BTreeMap<&eksdoctor_inventory::Id, usize> = BTreeMap::new();
    for n in k.nodes.iter().filter(|n| n.fargate) {
        if let Some(c) = &n.obj.cluster {
            *fargate_nodes.entry(c).or_default() += 1;
        }
    }
    if fargate_ns.is_empty() && fargate_nodes.is_empty() {
        return;
    }
    for ds in k.workloads.iter().filter(|w| {
        w.obj.kind == "DaemonSet"
            && !(w.obj.namespace.known().map(String::as_str) == Some("kube-system")
                && eksdoctor_knowledge::fargate::EKS_NODE_DAEMONSETS_NOT_NEEDED
                    .contains(&w.obj.name.as_str()))
    }) {
        let Some(c) = ctx.inv.cluster_of(&ds.obj) else {
            sink.unknown(
                &META,
                &ds.obj.at,
                format!(
                    "cluster of {} not known: several clusters are in scope and neither the directory layout nor `[[clusters]]` in the configuration assigns this file",
                    ds.obj.display()
                ),
            );
            continue;
        };
        let namespaces = fargate_ns.get(&c.id);
        let running = fargate_nodes.get(&c.id).copied().unwrap_or(0);
        let mut why = Vec::new();
        if let Some(namespaces) = namespaces {
            let list = namespaces
                .iter()
                .map(|(ns, p)| format!("`{ns}` (profile `{p}`)"))
                .collect::<Vec<_>>()
                .join(", ");
            why.push(format!(
                "pods in namespaces served only by Fargate get none of it: {list}"
            ));
        }
        if running > 0 {
            let pods = if running == 1 {
                "1 pod runs"
            } else {
                "pods run"
            };
            why.push(format!(
                "{pods} on Fargate now ({running} Fargate node{}) without it",
                if running == 1 { "" } else { "s" }
            ));
        }
        if why.is_empty() {
            continue;
        }
        sink.finding(
            &META,
            &ds.obj.at,
            ds.obj.display(),
            format!(
                "{} does not run on Fargate: {}",
                ds.obj.display(),
                why.join("; ")
            ),
        );
    }
}
