//! # fargate-unsupported-pod-spec
//! Pods that Fargate would run ask for something Fargate does not support: privileged containers,
//! `hostNetwork`, `hostPort` or `hostPath` volumes. Such pods are never scheduled.

use crate::helpers::workload_on_fargate;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::Node;

pub static META: RuleMeta = RuleMeta {
    id: "fargate-unsupported-pod-spec",
    category: Category::Fargate,
    severity: Severity::High,
    summary: "Privileged containers, hostNetwork, hostPort or hostPath in a Fargate namespace",
    why: "Fargate rejects pods that need host access; they stay Pending with no node to run on.",
    fix: "Remove the host access, or run the workload on EC2 nodes by narrowing the Fargate profile's selectors.",
    sources: &["x", "live"],
    silent_when: "The workload's namespace is not set, or no single cluster with Fargate profiles is in scope.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/fargate.html"],
};

fn problems(spec: &Node) -> Vec<String> {
    let mut out = Vec::new();
    if spec.get("hostNetwork").and_then(Node::as_bool) == Some(true) {
        out.push("hostNetwork".to_string());
    }
    for key in ["initContainers", "containers"] {
        for c in spec.get(key).map(Node::items).unwrap_or_default() {
            let name = c.get("name").and_then(Node::as_str).unwrap_or("?");
            if c.path(&["securityContext", "privileged"])
                .and_then(Node::as_bool)
                == Some(true)
            {
                out.push(format!("privileged container `{name}`"));
            }
            if c.get("ports")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|p| p.get("hostPort").is_some())
            {
                out.push(format!("hostPort in container `{name}`"));
            }
        }
    }
    for v in spec.get("volumes").map(Node::items).unwrap_or_default() {
        if v.get("hostPath").is_some() {
            let name = v.get("name").and_then(Node::as_str).unwrap_or("?");
            out.push(format!("hostPath volume `{name}`"));
        }
    }
    out
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for w in &ctx.inv.k8s.workloads {
        let Some(spec) = &w.pod_spec else { continue };
        let found = problems(spec);
        if found.is_empty() {
            continue;
        }
        let Some(p) = workload_on_fargate(ctx, w) else {
            // Without a namespace, where it runs depends on where it is applied.
            if w.obj.namespace.known().is_none() && !ctx.inv.fargate_profiles.is_empty() {
                sink.need(&META, &w.obj.namespace, || {
                    format!(
                        "namespace of {} (whether a Fargate profile selects it)",
                        w.obj.display()
                    )
                });
            }
            continue;
        };
        sink.finding(
            &META,
            &w.obj.at,
            w.obj.display(),
            format!(
                "{} runs on Fargate (profile `{}`), which does not support {}",
                w.obj.display(),
                p.name,
                found.join(", ")
            ),
        );
    }
}
