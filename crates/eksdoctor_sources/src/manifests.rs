//! Kubernetes manifests (YAML or JSON, multi-document, `List` kinds) into the inventory.
//! Unknown kinds and custom resources are kept only as object references (for API-version checks).

use crate::ctx::FileCtx;
use crate::yaml;
use eksdoctor_inventory::*;
use std::collections::BTreeMap;

const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// True when a document looks like a Kubernetes object (has string `apiVersion` and `kind`).
pub fn is_k8s_object(root: &Node) -> bool {
    root.get("apiVersion").and_then(Node::as_str).is_some()
        && root.get("kind").and_then(Node::as_str).is_some()
}

/// Read one object of a cluster's Kubernetes API (live mode) with the manifests' own mapping;
/// every value is placed at the object (`Kind/namespace/name` in `cluster`, the cluster's name or
/// ARN as the inventory knows it). Problems with its fields go to the inventory's errors.
pub fn read_api_object(cluster: &str, root: &Node, inv: &mut Inventory) {
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or("Object");
    let meta = root.get("metadata");
    let field = |k: &str| meta.and_then(|m| m.get(k)).and_then(Node::as_str);
    let path = match (field("namespace"), field("name")) {
        (Some(ns), Some(n)) => format!("{kind}/{ns}/{n}"),
        (None, Some(n)) => format!("{kind}/{n}"),
        _ => kind.to_string(),
    };
    let mut ctx = FileCtx::api(ApiObject {
        arn: None,
        k8s: Some(path),
        cluster: Some(cluster.to_string()),
    });
    read_object(&mut ctx, root, inv);
    inv.errors.append(&mut ctx.errors);
}

/// Read one document (a List is read item by item).
pub fn read_object(ctx: &mut FileCtx, root: &Node, inv: &mut Inventory) {
    let Some(kind) = root.get("kind").and_then(Node::as_str) else {
        return;
    };
    if kind == "List" || (kind.ends_with("List") && root.get("items").is_some()) {
        for item in ctx.seq(root, "items", "") {
            if is_k8s_object(item) {
                read_object(ctx, item, inv);
            }
        }
        return;
    }
    let api_version = root
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_string();
    let kind = kind.to_string();
    let what = format!("{kind}: ");
    let meta = ctx.map(root, "metadata", &what);
    let name = meta
        .and_then(|m| ctx.str(m, "name", &what))
        .or_else(|| meta.and_then(|m| m.get("generateName")?.as_str().map(str::to_string)))
        .unwrap_or_else(|| "<unnamed>".to_string());
    let namespace = match meta.and_then(|m| ctx.str(m, "namespace", &what)) {
        Some(ns) => Val::set(
            ns,
            ctx.prov(meta.map_or(root.line, |m| m.line_of("namespace"))),
        ),
        None => Val::unknown(
            "the manifest sets no namespace; kubectl or Helm choose it when applying",
            ctx.prov(root.line),
        ),
    };
    let obj = ObjectRef {
        api_version: api_version.clone(),
        kind: kind.clone(),
        name: name.clone(),
        namespace,
        at: ctx.prov(root.line),
        cluster: None,
        applied_with: Vec::new(),
    };
    inv.k8s.objects.push(obj.clone());
    let labels = meta
        .map(|m| ctx.str_map(m, "labels", &what))
        .unwrap_or_default();
    let annotations = meta
        .map(|m| ctx.str_map(m, "annotations", &what))
        .unwrap_or_default();
    let spec = ctx.map(root, "spec", &what);

    if is_metrics_server(&kind, &name, &labels, root) {
        inv.k8s.metrics_server.push(obj.clone());
    }
    if installs(
        &kind,
        &name,
        &labels,
        root,
        &["cluster-autoscaler", "aws-cluster-autoscaler"],
    ) {
        inv.k8s.cluster_autoscaler.push(obj.clone());
    }
    if installs(
        &kind,
        &name,
        &labels,
        root,
        &["aws-ebs-csi-driver", "ebs-csi-controller"],
    ) || (kind == "CSIDriver" && name == "ebs.csi.aws.com")
    {
        inv.k8s.ebs_csi.push(obj.clone());
    }

    // Terraform knows some of its values only after apply: the object is there, but its fields
    // are neither what is written nor the defaults, so none of them is judged.
    if let Some(line) = unknown_field(root) {
        inv.notes.push(Note {
            at: ctx.prov(line),
            message: format!(
                "{}: a value here is known only after apply, so the object's fields are not checked",
                obj.display()
            ),
        });
        return;
    }

    match kind.as_str() {
        "EC2NodeClass" if api_version.starts_with("karpenter.k8s.aws/") => {
            if let Some(spec) = spec {
                inv.node_groups
                    .push(read_ec2_node_class(ctx, &obj, &api_version, spec, &what));
            }
        }
        k if WORKLOAD_KINDS.contains(&k) => {
            if let Some(w) = read_workload(ctx, obj, root, spec, &what) {
                if w.obj.kind == "DaemonSet" && w.obj.name == "aws-node" {
                    inv.k8s.cni.push(cni_from_pod_spec(&w, ctx));
                }
                inv.k8s.workloads.push(w);
            }
        }
        "Service" => {
            let service = read_service(ctx, obj, spec, annotations, &what);
            inv.k8s.services.push(service);
        }
        "Ingress" => {
            let class = spec
                .and_then(|s| ctx.str(s, "ingressClassName", &what))
                .or_else(|| annotations.get("kubernetes.io/ingress.class").cloned());
            inv.k8s.ingresses.push(Ingress {
                obj,
                class,
                annotations,
            });
        }
        "StorageClass" => {
            let sc = read_storage_class(ctx, obj, root, annotations, &what);
            inv.k8s.storage_classes.push(sc);
        }
        "PersistentVolumeClaim" => {
            let pvc = crate::volumes::read_pvc(ctx, obj, spec, &annotations, &what);
            inv.k8s.pvcs.push(pvc);
        }
        "PersistentVolume" => {
            let pv = crate::volumes::read_pv(ctx, obj, spec, &what);
            inv.k8s.pvs.push(pv);
        }
        "HorizontalPodAutoscaler" => {
            let resource_metrics = spec.map(|s| hpa_metrics(ctx, s, &what)).unwrap_or_default();
            inv.k8s.hpas.push(Hpa {
                obj,
                resource_metrics,
            });
        }
        "PodDisruptionBudget" => inv.k8s.pdbs.push(obj),
        "Namespace" => inv.k8s.namespaces.push(obj),
        "ServiceAccount" => inv
            .k8s
            .service_accounts
            .push(ServiceAccount { obj, annotations }),
        "ConfigMap" if name == "aws-auth" => read_aws_auth(ctx, root, inv),
        "Node" => inv.k8s.nodes.push(read_node(obj, &labels, root)),
        _ => {}
    }
}

/// A Node as it reports itself (live mode): kubelet version, group, Fargate, type, zone.
fn read_node(obj: ObjectRef, labels: &BTreeMap<String, String>, root: &Node) -> ClusterNode {
    let label = |k: &str| labels.get(k).cloned();
    let status = |path: &[&str]| {
        root.path(&[&["status"][..], path].concat())
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    ClusterNode {
        obj,
        kubelet_version: status(&["nodeInfo", "kubeletVersion"]),
        group: label("eks.amazonaws.com/nodegroup")
            .or_else(|| label("karpenter.sh/nodepool"))
            .or_else(|| label("alpha.eksctl.io/nodegroup-name")),
        fargate: label("eks.amazonaws.com/compute-type").as_deref() == Some("fargate"),
        instance_type: label("node.kubernetes.io/instance-type"),
        zone: label("topology.kubernetes.io/zone"),
        allocatable_pods: status(&["allocatable", "pods"]).and_then(|p| p.parse().ok()),
    }
}

/// A Service: its type (ClusterIP unless set), selector and annotations.
fn read_service(
    ctx: &mut FileCtx,
    obj: ObjectRef,
    spec: Option<&Node>,
    annotations: BTreeMap<String, String>,
    what: &str,
) -> Service {
    let (service_type, selector) = match spec {
        Some(s) => (
            ctx.str(s, "type", what)
                .unwrap_or_else(|| "ClusterIP".into()),
            ctx.str_map(s, "selector", what),
        ),
        None => ("ClusterIP".into(), BTreeMap::new()),
    };
    Service {
        obj,
        service_type,
        selector,
        annotations,
    }
}

/// A StorageClass: provisioner, binding mode, parameters and whether it is the default class.
fn read_storage_class(
    ctx: &mut FileCtx,
    obj: ObjectRef,
    root: &Node,
    annotations: BTreeMap<String, String>,
    what: &str,
) -> StorageClass {
    let is_default = annotations
        .get("storageclass.kubernetes.io/is-default-class")
        .or_else(|| annotations.get("storageclass.beta.kubernetes.io/is-default-class"))
        .is_some_and(|v| v == "true");
    StorageClass {
        obj,
        provisioner: ctx.str(root, "provisioner", what).unwrap_or_default(),
        binding_mode: ctx.str(root, "volumeBindingMode", what),
        is_default,
        parameters: ctx.str_map(root, "parameters", what),
    }
}

/// The resource metrics (cpu, memory) an HPA scales on; with no metrics at all, CPU (80% in
/// autoscaling/v2 and the v1 default).
fn hpa_metrics(ctx: &mut FileCtx, s: &Node, what: &str) -> Vec<String> {
    let mut resource_metrics = Vec::new();
    if s.get("targetCPUUtilizationPercentage").is_some() {
        resource_metrics.push("cpu".to_string());
    }
    for m in ctx.seq(s, "metrics", what) {
        let t = m.get("type").and_then(Node::as_str).unwrap_or_default();
        let key = match t {
            "Resource" => "resource",
            "ContainerResource" => "containerResource",
            _ => continue,
        };
        if let Some(n) = m.path(&[key, "name"]).and_then(Node::as_str) {
            resource_metrics.push(n.to_string());
        }
    }
    let has_metrics = s.get("metrics").is_some_and(|m| !m.items().is_empty());
    if resource_metrics.is_empty() && !has_metrics {
        resource_metrics.push("cpu".to_string());
    }
    resource_metrics
}

/// A Deployment, Helm release (Flux) or Argo CD Application that installs one of `names`.
fn installs(
    kind: &str,
    name: &str,
    labels: &BTreeMap<String, String>,
    root: &Node,
    names: &[&str],
) -> bool {
    let hit = |v: Option<&str>| v.is_some_and(|v| names.contains(&v));
    match kind {
        "Deployment" => {
            hit(Some(name))
                || hit(labels.get("app.kubernetes.io/name").map(String::as_str))
                || hit(labels.get("app").map(String::as_str))
        }
        "HelmRelease" => hit(root
            .path(&["spec", "chart", "spec", "chart"])
            .and_then(Node::as_str)),
        "Application" => hit(root
            .path(&["spec", "source", "chart"])
            .and_then(Node::as_str)),
        _ => false,
    }
}

fn is_metrics_server(
    kind: &str,
    name: &str,
    labels: &BTreeMap<String, String>,
    root: &Node,
) -> bool {
    match kind {
        "Deployment" => {
            name == "metrics-server"
                || labels
                    .get("app.kubernetes.io/name")
                    .is_some_and(|v| v == "metrics-server")
                || labels.get("k8s-app").is_some_and(|v| v == "metrics-server")
        }
        "APIService" => name == "v1beta1.metrics.k8s.io",
        "HelmRelease" => {
            root.path(&["spec", "chart", "spec", "chart"])
                .and_then(Node::as_str)
                == Some("metrics-server")
        }
        "Application" => {
            root.path(&["spec", "source", "chart"])
                .and_then(Node::as_str)
                == Some("metrics-server")
        }
        _ => false,
    }
}

fn read_workload(
    ctx: &mut FileCtx,
    obj: ObjectRef,
    root: &Node,
    spec: Option<&Node>,
    what: &str,
) -> Option<Workload> {
    let mut schedule = None;
    let mut replicas = None;
    let mut claim_templates = Vec::new();
    let (pod_meta, pod_spec): (Option<&Node>, Option<&Node>) = if obj.kind == "Pod" {
        (ctx.map(root, "metadata", what), spec)
    } else {
        let spec = spec?;
        replicas = ctx.uint(spec, "replicas", what);
        let template_parent = if obj.kind == "CronJob" {
            if let Some(s) = ctx.str(spec, "schedule", what) {
                schedule = Some((s, ctx.prov(spec.line_of("schedule"))));
            }
            let jt = ctx.map(spec, "jobTemplate", what)?;
            ctx.map(jt, "spec", what)?
        } else {
            spec
        };
        if obj.kind == "StatefulSet" {
            for t in ctx.seq(spec, "volumeClaimTemplates", what) {
                let name = t
                    .path(&["metadata", "name"])
                    .and_then(Node::as_str)
                    .unwrap_or("<unnamed>")
                    .to_string();
                let storage_class = t
                    .get("spec")
                    .and_then(|s| ctx.str(s, "storageClassName", what));
                claim_templates.push(VolumeClaim {
                    name,
                    storage_class,
                    at: ctx.prov(t.line),
                });
            }
        }
        let template = ctx.map(template_parent, "template", what)?;
        (
            ctx.map(template, "metadata", what),
            ctx.map(template, "spec", what),
        )
    };
    let pod_labels = pod_meta
        .map(|m| ctx.str_map(m, "labels", what))
        .unwrap_or_default();
    let mut pvc_refs = Vec::new();
    if let Some(ps) = pod_spec {
        for c in ctx.seq(ps, "containers", what) {
            if !matches!(c.kind, NodeKind::Map(_)) {
                ctx.error(
                    c.line,
                    format!(
                        "{what}each container must be a mapping, found {}",
                        c.type_name()
                    ),
                );
            }
        }
        for v in ctx.seq(ps, "volumes", what) {
            if let Some(claim) = v
                .path(&["persistentVolumeClaim", "claimName"])
                .and_then(Node::as_str)
            {
                pvc_refs.push(claim.to_string());
            }
        }
        // Type checks for the fields rules read.
        ctx.bool(ps, "hostNetwork", what);
    }
    Some(Workload {
        obj,
        pod_labels,
        pod_spec: pod_spec.cloned(),
        replicas,
        schedule,
        claim_templates,
        pvc_refs,
    })
}

/// VPC CNI settings from the `aws-node` container's environment.
fn cni_from_pod_spec(w: &Workload, ctx: &FileCtx) -> CniSettings {
    let at = w.obj.at.clone();
    let mut cni = CniSettings::defaults(&at, "VPC CNI default (variable not set on aws-node)");
    let Some(ps) = &w.pod_spec else { return cni };
    for c in ps.get("containers").map(Node::items).unwrap_or_default() {
        if c.get("name").and_then(Node::as_str) != Some("aws-node") {
            continue;
        }
        for e in c.get("env").map(Node::items).unwrap_or_default() {
            let (Some(name), Some(value)) = (
                e.get("name").and_then(Node::as_str),
                e.get("value").and_then(Node::as_str),
            ) else {
                continue;
            };
            apply_cni_env(&mut cni, name, value, ctx.prov(e.line));
        }
    }
    cni
}

/// Apply one VPC CNI environment variable to settings.
pub fn apply_cni_env(cni: &mut CniSettings, name: &str, value: &str, at: Prov) {
    cni.apply_env(name, value, at);
}

/// aws-auth `mapUsers`, `mapRoles` and `mapAccounts`: YAML held in strings.
fn read_aws_auth(ctx: &mut FileCtx, root: &Node, inv: &mut Inventory) {
    let Some(data) = ctx.map(root, "data", "ConfigMap aws-auth: ") else {
        return;
    };
    for (key, kind, arn_key) in [
        ("mapUsers", AuthMappingKind::User, "userarn"),
        ("mapRoles", AuthMappingKind::Role, "rolearn"),
    ] {
        let Some(node) = data.get(key) else { continue };
        // A ConfigMap Terraform fills with values known only after apply: nothing to read.
        if node.is_unknown() {
            continue;
        }
        let Some(text) = node.as_str() else {
            ctx.error(
                node.line,
                format!("aws-auth `data.{key}` must be a string holding YAML"),
            );
            continue;
        };
        let (mut docs, err) = yaml::parse(text);
        if matches!(ctx.source, SourceKind::Tf | SourceKind::Plan) {
            // Text Terraform built (`yamlencode` of values known after apply).
            docs.iter_mut().for_each(|d| d.root.mark_unknown());
        }
        // The scalar's node starts where its content starts (the line after `|` for block scalars).
        let offset = node.line.saturating_sub(1);
        if let Some(e) = err {
            ctx.error(
                offset + e.line,
                format!("aws-auth `data.{key}` is not valid YAML: {}", e.message),
            );
        }
        for d in docs {
            for item in d.root.items() {
                let at = ctx.prov(offset + item.line);
                let arn = match item.get(arn_key) {
                    Some(n) if n.is_unknown() => {
                        Val::unknown(format!("`{arn_key}` is known only after apply"), at.clone())
                    }
                    Some(n) if n.as_str().is_some() => {
                        Val::set(n.as_str().unwrap_or_default().to_string(), at.clone())
                    }
                    _ => {
                        ctx.error(
                            offset + item.line,
                            format!("aws-auth `{key}` entry without `{arn_key}`"),
                        );
                        continue;
                    }
                };
                inv.auth_mappings.push(AuthMapping {
                    cluster: None,
                    kind,
                    arn,
                    username: item
                        .get("username")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                    groups: item.get("groups").map(Node::str_items).unwrap_or_default(),
                    at,
                });
            }
        }
    }
}

const KARPENTER_DEFAULT: &str = "Karpenter default";

/// A Karpenter `EC2NodeClass`: the settings of the nodes Karpenter launches with it (AMI family,
/// IMDS, root volume encryption, kubelet max pods), as a node group of kind Karpenter whose size,
/// instance types and subnets are not known (NodePools and Karpenter decide them). Its cluster is
/// set once everything is loaded (`Inventory::finish`).
fn read_ec2_node_class(
    ctx: &mut FileCtx,
    obj: &ObjectRef,
    api_version: &str,
    spec: &Node,
    what: &str,
) -> NodeGroup {
    let at = obj.at.clone();
    let (ami_family, ami_label) = node_class_ami(ctx, spec, &at, what);
    // IMDS: the CRD's defaults are required tokens and a hop limit of 1 in v1, 2 in v1beta1.
    let hop_default = if api_version.ends_with("/v1beta1") || api_version.ends_with("/v1alpha1") {
        2
    } else {
        1
    };
    let mo = ctx.map(spec, "metadataOptions", what);
    let imds_http_tokens = match mo.and_then(|m| ctx.str(m, "httpTokens", what)) {
        Some(t) => Val::set(
            t,
            ctx.prov(mo.map_or(spec.line, |m| m.line_of("httpTokens"))),
        ),
        None => Val::defaulted("required".to_string(), at.clone(), KARPENTER_DEFAULT),
    };
    let imds_hop_limit = match mo.and_then(|m| ctx.uint(m, "httpPutResponseHopLimit", what)) {
        Some(h) => Val::set(
            h,
            ctx.prov(mo.map_or(spec.line, |m| m.line_of("httpPutResponseHopLimit"))),
        ),
        None => Val::defaulted(hop_default, at.clone(), KARPENTER_DEFAULT),
    };
    // Root volume: Karpenter's default mappings are encrypted (none for `Custom`); given
    // mappings are as written, and EC2 does not encrypt a volume nobody asks it to.
    let mappings = ctx.seq(spec, "blockDeviceMappings", what);
    let volume_encrypted = if mappings.is_empty() {
        if ami_family.known() == Some(&AmiFamily::Custom) {
            Val::unknown_at(
                &at,
                "amiFamily Custom has no default block device mappings: the AMI's own apply",
            )
        } else {
            Val::defaulted(true, at.clone(), KARPENTER_DEFAULT)
        }
    } else {
        let root = mappings
            .iter()
            .find(|m| m.get("rootVolume").and_then(Node::as_bool) == Some(true))
            .or_else(|| {
                mappings.iter().find(|m| {
                    matches!(
                        m.get("deviceName").and_then(Node::as_str),
                        Some("/dev/xvda" | "/dev/sda1")
                    )
                })
            })
            .unwrap_or(&mappings[0]);
        match root.get("ebs") {
            Some(ebs) => match ctx.bool(ebs, "encrypted", what) {
                Some(e) => Val::set(e, ctx.prov(ebs.line_of("encrypted"))),
                None => Val::defaulted(
                    false,
                    ctx.prov(root.line),
                    "blockDeviceMappings leave `encrypted` unset",
                ),
            },
            None => Val::unknown_at(&at, "the root block device mapping has no `ebs`"),
        }
    };
    let kubelet = ctx.map(spec, "kubelet", what);
    let max_pods = match kubelet.and_then(|k| ctx.uint(k, "maxPods", what)) {
        Some(n) => Val::set(
            Some(n),
            ctx.prov(kubelet.map_or(spec.line, |k| k.line_of("maxPods"))),
        ),
        None => Val::defaulted(None, at.clone(), KARPENTER_DEFAULT),
    };
    let why = "Karpenter picks it from the NodePools that use this EC2NodeClass";
    NodeGroup {
        cluster: Id::default(),
        name: format!("{}{}", NodeGroup::EC2_NODE_CLASS, obj.name),
        kind: NodeGroupKind::Karpenter,
        instance_types: Val::unknown_at(&at, why),
        ami_family,
        ami_label,
        min_size: Val::unknown_at(&at, why),
        max_size: Val::unknown_at(&at, why),
        desired_size: Val::unknown_at(&at, why),
        max_pods,
        imds_http_tokens,
        imds_hop_limit,
        imds_blocked_for_pods: Val::defaulted(false, at.clone(), KARPENTER_DEFAULT),
        volume_encrypted,
        subnets: Val::unknown_at(
            &at,
            "subnetSelectorTerms select subnets by tag or id in AWS",
        ),
        azs: Val::unknown_at(
            &at,
            "subnetSelectorTerms select subnets by tag or id in AWS",
        ),
        version: Val::unknown_at(&at, "the kubelet follows the AMI Karpenter selects"),
        node_role: node_class_role(ctx, spec, what),
        launch_template: None,
        labels: BTreeMap::new(),
        autoscaler_discovery: None,
        at,
    }
}

/// The role an EC2NodeClass gives its nodes: `spec.role` is an IAM role name (the scan's role of
/// that name, when one has it); `spec.instanceProfile` a profile whose role is not in the class.
fn node_class_role(ctx: &mut FileCtx, spec: &Node, what: &str) -> Val<Option<Id>> {
    for key in ["role", "instanceProfile"] {
        if let Some(NodeKind::Unknown { reason }) = spec.get(key).map(|n| &n.kind) {
            let why = format!("spec.{key} is not known: {reason}");
            return Val::unknown_at(&ctx.prov(spec.line_of(key)), why);
        }
    }
    if let Some(name) = ctx.str(spec, "role", what) {
        return Val::set(Some(Id::global(name)), ctx.prov(spec.line_of("role")));
    }
    match ctx.str(spec, "instanceProfile", what) {
        Some(p) => Val::unknown_at(
            &ctx.prov(spec.line_of("instanceProfile")),
            format!(
                "the nodes get the role of instance profile `{}`",
                excerpt(&p)
            ),
        ),
        None => Val::unknown_at(&ctx.prov(spec.line), "the EC2NodeClass names no role"),
    }
}

/// An EC2NodeClass's AMI family: an `alias` selector term (`al2023@latest`), else `amiFamily`;
/// and the setting as written.
fn node_class_ami(
    ctx: &mut FileCtx,
    spec: &Node,
    at: &Prov,
    what: &str,
) -> (Val<AmiFamily>, Val<String>) {
    let alias = ctx
        .seq(spec, "amiSelectorTerms", what)
        .iter()
        .find_map(|t| Some((t.get("alias")?.as_str()?.to_string(), t.line_of("alias"))));
    let family = ctx.str(spec, "amiFamily", what);
    match (alias, family) {
        (Some((a, line)), _) => {
            let fam = a.split('@').next().unwrap_or("").to_ascii_lowercase();
            let f = match fam.as_str() {
                "al2" => Some(AmiFamily::AmazonLinux2),
                "al2023" => Some(AmiFamily::AmazonLinux2023),
                "bottlerocket" => Some(AmiFamily::Bottlerocket),
                "windows2019" | "windows2022" => Some(AmiFamily::Windows),
                _ => None,
            };
            let p = ctx.prov(line);
            match f {
                Some(f) => (Val::set(f, p.clone()), Val::set(format!("alias {a}"), p)),
                None => (
                    Val::unknown(format!("AMI alias `{a}` is not a known family"), p.clone()),
                    Val::set(format!("alias {a}"), p),
                ),
            }
        }
        (None, Some(f)) => {
            let p = ctx.prov(spec.line_of("amiFamily"));
            let fam = match f.as_str() {
                "AL2" => Some(AmiFamily::AmazonLinux2),
                "AL2023" => Some(AmiFamily::AmazonLinux2023),
                "Bottlerocket" => Some(AmiFamily::Bottlerocket),
                "Ubuntu" => Some(AmiFamily::Ubuntu),
                "Windows2019" | "Windows2022" => Some(AmiFamily::Windows),
                "Custom" => Some(AmiFamily::Custom),
                _ => None,
            };
            match fam {
                Some(x) => (
                    Val::set(x, p.clone()),
                    Val::set(format!("amiFamily {f}"), p),
                ),
                None => (
                    Val::unknown(format!("amiFamily `{f}` is not known"), p.clone()),
                    Val::set(format!("amiFamily {f}"), p),
                ),
            }
        }
        (None, None) => (
            Val::unknown_at(at, "the EC2NodeClass names no AMI family"),
            Val::unknown_at(at, "the EC2NodeClass names no AMI family"),
        ),
    }
}

/// The line of a value Terraform knows only after apply ([`NodeKind::Unknown`]), outside the fields
/// no rule reads: container images, commands, arguments and environment; an EC2NodeClass's
/// role, instance profile, selector terms, tags and user data.
fn unknown_field(n: &Node) -> Option<u32> {
    match &n.kind {
        NodeKind::Unknown { .. } => Some(n.line),
        NodeKind::Seq(items) => items.iter().find_map(unknown_field),
        NodeKind::Map(entries) => entries
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "image"
                        | "command"
                        | "args"
                        | "env"
                        | "role"
                        | "instanceProfile"
                        | "subnetSelectorTerms"
                        | "securityGroupSelectorTerms"
                        | "tags"
                        | "userData"
                )
            })
            .find_map(|(_, v)| unknown_field(v)),
        _ => None,
    }
}
