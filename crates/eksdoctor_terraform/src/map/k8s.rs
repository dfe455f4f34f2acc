//! Kubernetes objects carried by Terraform resources (`kubernetes_*`, `kubectl_manifest`,
//! `helm_release`), for the manifest reader.

use super::values::*;
use super::K8sDocs;
use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::*;

/// Convert a value to a document tree at one line; a partly known value becomes its JSON text.
pub(super) fn node_of(v: &V, line: u32) -> Node {
    crate::value::to_node(v, line, crate::value::PartialAs::Text)
}

/// A Kubernetes object kind for a `kubernetes_*` resource type.
pub(super) fn k8s_kind(rtype: &str) -> Option<(&'static str, &'static str)> {
    let t = rtype.strip_prefix("kubernetes_")?;
    let t = t
        .strip_suffix("_v1")
        .or_else(|| t.strip_suffix("_v2"))
        .unwrap_or(t);
    Some(match t {
        "deployment" => ("apps/v1", "Deployment"),
        "daemon_set" | "daemonset" => ("apps/v1", "DaemonSet"),
        "stateful_set" => ("apps/v1", "StatefulSet"),
        "job" => ("batch/v1", "Job"),
        "cron_job" => ("batch/v1", "CronJob"),
        "pod" => ("v1", "Pod"),
        "service" => ("v1", "Service"),
        "ingress" => ("networking.k8s.io/v1", "Ingress"),
        "persistent_volume_claim" => ("v1", "PersistentVolumeClaim"),
        "horizontal_pod_autoscaler" => ("autoscaling/v2", "HorizontalPodAutoscaler"),
        "namespace" => ("v1", "Namespace"),
        "service_account" => ("v1", "ServiceAccount"),
        _ => return None,
    })
}

/// Blocks the Kubernetes provider repeats under a singular name, and their manifest field.
pub(super) fn repeated_block(name: &str) -> Option<&'static str> {
    Some(match name {
        "container" => "containers",
        "init_container" => "initContainers",
        "volume" => "volumes",
        "volume_mount" => "volumeMounts",
        "port" => "ports",
        "env" => "env",
        "env_from" => "envFrom",
        "toleration" => "tolerations",
        "volume_claim_template" => "volumeClaimTemplates",
        "metric" => "metrics",
        "rule" => "rules",
        "path" => "paths",
        "tls" => "tls",
        "match_expressions" => "matchExpressions",
        "image_pull_secrets" => "imagePullSecrets",
        "topology_spread_constraint" => "topologySpreadConstraints",
        _ => return None,
    })
}

pub(super) fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A `kubernetes_*` resource body as the manifest it stands for: block and attribute names in
/// camelCase, repeated blocks as lists; the values (labels, annotations) as written.
pub(super) fn k8s_body_node(b: &RBody) -> Node {
    let mut m: Vec<(String, Node)> = Vec::new();
    for (k, (v, at)) in &b.attrs {
        m.push((camel(k), node_of(v, at.line)));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (name, _) in &b.blocks {
        if seen.contains(&name.as_str()) {
            continue;
        }
        seen.push(name);
        let items: Vec<&RBody> = b.blocks(name).collect();
        match repeated_block(name) {
            Some(field) => m.push((
                field.to_string(),
                Node {
                    line: items[0].at.line,
                    kind: NodeKind::Seq(items.iter().map(|x| k8s_body_node(x)).collect()),
                },
            )),
            None => m.push((camel(name), k8s_body_node(items[0]))),
        }
    }
    Node {
        line: b.at.line,
        kind: NodeKind::Map(m),
    }
}

pub(super) fn map_k8s(res: &[Res], k8s: &mut K8sDocs) {
    for r in res.iter().filter(|r| !r.data) {
        let b = &r.body;
        let file = b.at.file.clone();
        let meta = |b: &RBody| -> Node {
            let mut m: Vec<(String, Node)> = Vec::new();
            if let Some(md) = b.block("metadata") {
                for (k, (v, at)) in &md.attrs {
                    m.push((k.clone(), node_of(v, at.line)));
                }
            }
            Node {
                line: b.at.line,
                kind: NodeKind::Map(m),
            }
        };
        let obj = |api: &str, kind: &str, mut extra: Vec<(String, Node)>| -> Node {
            let line = b.at.line;
            let s = |t: &str| Node {
                line,
                kind: NodeKind::Scalar {
                    text: t.into(),
                    quoted: true,
                },
            };
            let mut m = vec![
                ("apiVersion".to_string(), s(api)),
                ("kind".to_string(), s(kind)),
                ("metadata".to_string(), meta(b)),
            ];
            m.append(&mut extra);
            Node {
                line,
                kind: NodeKind::Map(m),
            }
        };
        match r.rtype.as_str() {
            "kubernetes_config_map"
            | "kubernetes_config_map_v1"
            | "kubernetes_config_map_v1_data" => {
                let data = b
                    .get("data")
                    .map(|v| node_of(v, b.at_of("data").line))
                    .unwrap_or(Node::null(b.at.line));
                k8s.objects
                    .push((file, obj("v1", "ConfigMap", vec![("data".into(), data)])));
            }
            "kubernetes_storage_class" | "kubernetes_storage_class_v1" => {
                let mut extra = Vec::new();
                for (attr, key) in [
                    ("storage_provisioner", "provisioner"),
                    ("volume_binding_mode", "volumeBindingMode"),
                    ("parameters", "parameters"),
                    ("reclaim_policy", "reclaimPolicy"),
                ] {
                    if let Some(v) = b.get(attr) {
                        extra.push((key.to_string(), node_of(v, b.at_of(attr).line)));
                    }
                }
                k8s.objects
                    .push((file, obj("storage.k8s.io/v1", "StorageClass", extra)));
            }
            t if k8s_kind(t).is_some() => {
                let (api, kind) = k8s_kind(t).expect("checked");
                let body = k8s_body_node(b);
                let mut extra = Vec::new();
                if let Some(spec) = body.get("spec") {
                    extra.push(("spec".to_string(), spec.clone()));
                }
                k8s.objects.push((file, obj(api, kind, extra)));
            }
            "kubernetes_manifest" => match b.get("manifest") {
                Some(V::Unknown(u)) if matches!(u.partial, Some(V::Obj(_))) => {
                    let p = u.partial.as_ref().expect("checked");
                    k8s.objects
                        .push((file, node_of(p, b.at_of("manifest").line)));
                }
                Some(v) if v.is_unknown() => k8s.unreadable.push((
                    b.at_of("manifest"),
                    format!("{}: manifest {}", r.addr, reason(v)),
                )),
                Some(v) => k8s
                    .objects
                    .push((file, node_of(v, b.at_of("manifest").line))),
                None => {}
            },
            "kubectl_manifest" => match b.get("yaml_body") {
                Some(V::Str(s)) => k8s.yaml.push((
                    b.at_of("yaml_body"),
                    s.to_string(),
                    b.heredocs.contains("yaml_body"),
                )),
                // A heredoc with computed interpolations: its text, with those parts unknown.
                Some(V::Unknown(u)) if u.text.is_some() => k8s.yaml.push((
                    b.at_of("yaml_body"),
                    u.text.clone().unwrap_or_default(),
                    b.heredocs.contains("yaml_body"),
                )),
                // `yamlencode({...})` of an object with computed parts.
                Some(V::Unknown(u)) if matches!(u.partial, Some(V::Obj(_))) => {
                    let p = u.partial.as_ref().expect("checked");
                    k8s.objects
                        .push((file, node_of(p, b.at_of("yaml_body").line)));
                }
                Some(v) => k8s.unreadable.push((
                    b.at_of("yaml_body"),
                    format!("{}: yaml_body {}", r.addr, reason(v)),
                )),
                None => {}
            },
            // A Helm release stands for the controller it installs (metrics-server, ...).
            "helm_release" => k8s.objects.push((file, helm_release_node(b))),
            _ => {}
        }
    }
}

/// A Helm release as the Flux `HelmRelease` object the manifest reader knows: its name,
/// namespace and chart.
fn helm_release_node(b: &RBody) -> Node {
    let chart = b
        .get("chart")
        .and_then(V::to_template_string)
        .unwrap_or_default();
    let name = b
        .get("name")
        .and_then(V::to_template_string)
        .unwrap_or_default();
    let ns = b
        .get("namespace")
        .and_then(V::to_template_string)
        .unwrap_or_else(|| "default".into());
    let line = b.at.line;
    let s = |t: &str| Node {
        line,
        kind: NodeKind::Scalar {
            text: t.into(),
            quoted: true,
        },
    };
    Node {
        line,
        kind: NodeKind::Map(vec![
            ("apiVersion".into(), s("helm.toolkit.fluxcd.io/v2")),
            ("kind".into(), s("HelmRelease")),
            (
                "metadata".into(),
                Node {
                    line,
                    kind: NodeKind::Map(vec![
                        ("name".into(), s(&name)),
                        ("namespace".into(), s(&ns)),
                    ]),
                },
            ),
            (
                "spec".into(),
                Node {
                    line,
                    kind: NodeKind::Map(vec![(
                        "chart".into(),
                        Node {
                            line,
                            kind: NodeKind::Map(vec![(
                                "spec".into(),
                                Node {
                                    line,
                                    kind: NodeKind::Map(vec![("chart".into(), s(&chart))]),
                                },
                            )]),
                        },
                    )]),
                },
            ),
        ]),
    }
}
