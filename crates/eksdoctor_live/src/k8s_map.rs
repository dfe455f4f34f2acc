//! Kubernetes API objects into the inventory: what is not needed is dropped first (no secret
//! leaves this module), then the manifest source's own mapping reads the object.

use eksdoctor_inventory::{AppliedApi, Inventory, Node, NodeKind};
use kube::api::{ApiResource, DynamicObject};
use serde_json::Value;

/// A kind of object that is listed.
pub(crate) struct Res {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    /// A custom resource: absent (404) when its CRD is not installed, which is no failure.
    pub optional: bool,
}

impl Res {
    pub const fn new(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        plural: &'static str,
    ) -> Res {
        Res {
            group,
            version,
            kind,
            plural,
            optional: false,
        }
    }

    pub const fn core(kind: &'static str, plural: &'static str) -> Res {
        Res::new("", "v1", kind, plural)
    }

    pub const fn crd(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        plural: &'static str,
    ) -> Res {
        Res {
            optional: true,
            ..Res::new(group, version, kind, plural)
        }
    }

    pub fn api_version(&self) -> String {
        match self.group {
            "" => self.version.to_string(),
            g => format!("{g}/{}", self.version),
        }
    }

    pub fn api_resource(&self) -> ApiResource {
        ApiResource {
            group: self.group.into(),
            version: self.version.into(),
            api_version: self.api_version(),
            kind: self.kind.into(),
            plural: self.plural.into(),
        }
    }

    /// What a failed list of it was to read, for the notes.
    pub fn what(&self) -> String {
        format!("{} ({})", self.plural, self.verb_needed())
    }

    /// The RBAC permission its read needs.
    pub fn verb_needed(&self) -> String {
        let verb = if self.kind == "ConfigMap" {
            "get"
        } else {
            "list"
        };
        match self.group {
            "" => format!("{verb} {}", self.plural),
            g => format!("{verb} {}.{g}", self.plural),
        }
    }
}

/// Read one listed object into `inv` (objects a controller owns are read through their owner).
pub(crate) fn read_item(cluster: &str, res: &Res, obj: DynamicObject, inv: &mut Inventory) {
    if owned_by_controller(res, &obj) {
        return;
    }
    let Ok(mut v) = serde_json::to_value(obj) else {
        return;
    };
    let applied = applied_with(&v, &res.api_version());
    sanitize(res, &mut v);
    let node = to_node(&v);
    let first = inv.k8s.objects.len();
    eksdoctor_sources::read_api_object(cluster, &node, inv);
    if let Some(o) = inv.k8s.objects.get_mut(first) {
        o.applied_with = applied;
    }
}

/// The API versions other than `listed` that clients wrote the object `v` with: the version of
/// the copy `kubectl apply` keeps (only its `apiVersion` is read) and of each managedFields entry.
fn applied_with(v: &Value, listed: &str) -> Vec<AppliedApi> {
    let meta = v.get("metadata");
    let last = meta
        .and_then(|m| m.pointer("/annotations/kubectl.kubernetes.io~1last-applied-configuration"))
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|c| {
            c.get("apiVersion")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .map(|api_version| AppliedApi {
            api_version,
            record: "the kubectl.kubernetes.io/last-applied-configuration annotation".into(),
        });
    let fields = meta
        .and_then(|m| m.get("managedFields"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let api_version = f.get("apiVersion")?.as_str()?.to_string();
            let manager = f.get("manager").and_then(Value::as_str).unwrap_or("?");
            Some(AppliedApi {
                api_version,
                record: format!("managedFields (manager `{manager}`)"),
            })
        });
    let mut out: Vec<AppliedApi> = Vec::new();
    for a in last.into_iter().chain(fields) {
        if a.api_version != listed && !out.iter().any(|o| o.api_version == a.api_version) {
            out.push(a);
        }
    }
    out
}

/// A Pod, ReplicaSet or Job created by a controller (whose own object is read): reading it too
/// would count every workload twice.
fn owned_by_controller(res: &Res, obj: &DynamicObject) -> bool {
    matches!(res.kind, "Pod" | "ReplicaSet" | "Job")
        && obj
            .metadata
            .owner_references
            .as_deref()
            .is_some_and(|o| o.iter().any(|r| r.controller == Some(true)))
}

/// Keep only what rules read: the kind and API version it was listed with, its metadata without
/// managedFields and the last-applied copy, `spec` (`status` of Nodes), ConfigMap `data` only of
/// `aws-auth`; container `env` values (and commands, arguments) only of the `aws-node` DaemonSet.
pub(crate) fn sanitize(res: &Res, v: &mut Value) {
    let Some(o) = v.as_object_mut() else { return };
    o.insert("apiVersion".into(), Value::String(res.api_version()));
    o.insert("kind".into(), Value::String(res.kind.into()));
    let name = o
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let namespace = o
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
        if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    let keep_data = res.kind == "ConfigMap" && name == "aws-auth" && namespace == "kube-system";
    let keep_status = res.kind == "Node";
    // A StorageClass has its settings at the top level.
    let class_field = |k: &str| {
        res.kind == "StorageClass"
            && matches!(
                k,
                "provisioner"
                    | "parameters"
                    | "volumeBindingMode"
                    | "allowedTopologies"
                    | "reclaimPolicy"
                    | "allowVolumeExpansion"
            )
    };
    o.retain(|k, _| {
        matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "spec")
            || (k == "data" && keep_data)
            || (k == "status" && keep_status)
            || class_field(k)
    });
    let keep_env = res.kind == "DaemonSet" && name == "aws-node" && namespace == "kube-system";
    if !keep_env {
        if let Some(spec) = o.get_mut("spec") {
            drop_env_values(spec);
        }
    }
}

/// Remove every container's `env[].value`, `command` and `args` under a spec (pod specs of any
/// workload kind): they may hold credentials, and no rule reads them.
fn drop_env_values(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("image") {
                m.remove("command");
                m.remove("args");
            }
            for (k, child) in m.iter_mut() {
                if k == "env" {
                    for e in child.as_array_mut().into_iter().flatten() {
                        if let Some(e) = e.as_object_mut() {
                            e.remove("value");
                        }
                    }
                } else {
                    drop_env_values(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_env_values),
        _ => {}
    }
}

/// A JSON value as the document tree sources read (line 0: values are placed at the object).
pub(crate) fn to_node(v: &Value) -> Node {
    let kind = match v {
        Value::Null => NodeKind::Null,
        Value::Bool(b) => NodeKind::Scalar {
            text: b.to_string(),
            quoted: false,
        },
        Value::Number(n) => NodeKind::Scalar {
            text: n.to_string(),
            quoted: false,
        },
        Value::String(s) => NodeKind::Scalar {
            text: s.clone(),
            quoted: true,
        },
        Value::Array(items) => NodeKind::Seq(items.iter().map(to_node).collect()),
        Value::Object(m) => NodeKind::Map(m.iter().map(|(k, v)| (k.clone(), to_node(v))).collect()),
    };
    Node { line: 0, kind }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn env_values_are_dropped_except_on_aws_node() {
        let ds = Res::new("apps", "v1", "DaemonSet", "daemonsets");
        let obj = |name: &str| {
            json!({"metadata": {"name": name, "namespace": "kube-system",
              "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"secret\":1}", "a": "b"},
              "managedFields": [{"apiVersion": "apps/v1"}]},
             "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i",
               "args": ["--password=hunter3"],
               "env": [{"name": "TOKEN", "value": "hunter2"}, {"name": "REF", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}]}}},
             "status": {"numberReady": 1}})
        };
        let mut other = obj("fluent-bit");
        sanitize(&ds, &mut other);
        let text = other.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("secret\\\":1"),
            "{text}"
        );
        assert!(
            !text.contains("hunter3") && text.contains("\"image\":\"i\""),
            "{text}"
        );
        assert!(!text.contains("managedFields") && !text.contains("numberReady"));
        assert!(
            text.contains("\"REF\"") && text.contains("\"a\":\"b\""),
            "{text}"
        );
        assert_eq!(other["kind"], "DaemonSet");
        assert_eq!(other["apiVersion"], "apps/v1");
        let mut cni = obj("aws-node");
        sanitize(&ds, &mut cni);
        assert!(cni.to_string().contains("hunter2"));
    }

    #[test]
    fn configmap_data_only_of_aws_auth() {
        let cm = Res::core("ConfigMap", "configmaps");
        let mut other =
            json!({"metadata": {"name": "app", "namespace": "kube-system"}, "data": {"k": "v"}});
        sanitize(&cm, &mut other);
        assert!(other.get("data").is_none());
        let mut auth = json!({"metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapRoles": "[]"}});
        sanitize(&cm, &mut auth);
        assert_eq!(auth["data"]["mapRoles"], "[]");
    }
}
