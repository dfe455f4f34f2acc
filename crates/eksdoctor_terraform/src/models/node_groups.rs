//! Models of the eks module's node group submodules (managed, self-managed), its launch
//! template and node role, the karpenter submodule and Fargate profiles.

use super::*;

// Version-dependent defaults of the node group and karpenter submodules, as data.

/// `ami_type`: left to EKS (which picks by Kubernetes version) before v21, AL2023 since.
const AMI_TYPE: Since = &[(21, Def::Str("AL2023_x86_64_STANDARD"))];
/// The launch template's IMDS hop limit: 2 before v21, 1 since.
const HOP_LIMIT: Since = &[(0, Def::Num(2.0)), (21, Def::Num(1.0))];
/// The karpenter submodule creates a Pod Identity association since v21.
const KARPENTER_POD_IDENTITY: Since = &[(0, Def::Bool(false)), (21, Def::Bool(true))];
/// Node groups' `min_size` (v17: `min_capacity`): 1 in v17, 0 in v18–v20, 1 since v21 (the
/// submodules' `variables.tf`).
const MIN_SIZE: Since = &[(0, Def::Num(1.0)), (18, Def::Num(0.0)), (21, Def::Num(1.0))];

/// A node group's `min_size` when not written: the default of the allowed majors, or unknown.
fn min_size_default(cx: &Ctx) -> (V, bool) {
    match by_major(&cx.majors, since(MIN_SIZE)) {
        Some(v) => (v, true),
        None => (
            V::unknown(format!(
                "min_size is not set, and its default differs across the module versions allowed ({}): 0 in v18–v20, 1 since v21",
                cx.majors.describe()
            )),
            false,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn managed_node_group(
    cx: &mut Ctx,
    addr: &str,
    key: &str,
    inputs: &Inputs,
    _unused: &Inputs,
    cluster_name: &V,
    parent_subnets: Option<(&V, &Prov)>,
) -> V {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let at = cx.entry_at(inputs);
    let ngaddr = format!("{addr}.aws_eks_node_group.this[0]");
    let mut b = RBody::new(at.clone());
    b.set("cluster_name", cluster_name.clone(), at.clone());
    let name = get("name").map(|(v, _)| v).unwrap_or(s(key));
    b.set("node_group_name", name, at.clone());
    let v17 = cx.majors.set.iter().all(|m| *m < 18);
    let (min_k, max_k, des_k) = if v17 {
        ("min_capacity", "max_capacity", "desired_capacity")
    } else {
        ("min_size", "max_size", "desired_size")
    };
    let mut sc = RBody::new(at.clone());
    for (k, out, d) in [
        (min_k, "min_size", None),
        (max_k, "max_size", Some(3.0)),
        (des_k, "desired_size", Some(1.0)),
    ] {
        match (get(k), d) {
            (Some((v, p)), _) => sc.set(out, v, p),
            (None, Some(d)) => sc.set(out, V::Num(d), at.clone()),
            (None, None) => {
                let (v, known) = min_size_default(cx);
                sc.set(out, v, at.clone());
                if known {
                    sc.defaults.insert(out.into(), cx.why());
                }
            }
        }
    }
    b.blocks.push(("scaling_config".into(), sc));
    if let Some((v, p)) = get("instance_types") {
        b.set("instance_types", v, p);
    }
    match get("ami_type") {
        Some((v, p)) => b.set("ami_type", v, p),
        None => {
            if let Some(d) = by_major(&cx.majors, since(AMI_TYPE)) {
                b.set("ami_type", d, at.clone());
                b.defaults.insert("ami_type".into(), cx.why());
            }
        }
    }
    match get("subnet_ids") {
        Some((v, p)) => b.set("subnet_ids", v, p),
        None => {
            if let Some((v, p)) = parent_subnets {
                b.set("subnet_ids", v.clone(), p.clone());
            }
        }
    }
    for k in ["labels", "capacity_type"] {
        if let Some((v, p)) = get(k) {
            b.set(k, v, p);
        }
    }
    if let Some((v, p)) = get("kubernetes_version").or(get("cluster_version")) {
        b.set("version", v, p);
    }
    // Launch template (custom by default since v18).
    let use_lt = match get("use_custom_launch_template").or(get("create_launch_template")) {
        Some((v, _)) => v.as_bool().unwrap_or(true),
        None => !v17,
    };
    if use_lt {
        let ltaddr = node_launch_template(cx, addr, inputs, &at);
        let mut ltb = RBody::new(at.clone());
        ltb.set("id", V::computed(&ltaddr, "id"), at.clone());
        b.blocks.push(("launch_template".into(), ltb));
    }
    if let Some(role) = node_role(cx, addr, inputs, &at) {
        b.set("node_role_arn", role.0, role.1);
    }
    cx.res(ngaddr.clone(), "aws_eks_node_group", b);
    outputs(addr, BTreeMap::new())
}

/// The launch template the node group submodules create: IMDS options (required tokens; hop
/// limit 2 until v20, 1 since v21), EBS encryption and AMI when given. Returns its address.
pub(super) fn node_launch_template(cx: &mut Ctx, addr: &str, inputs: &Inputs, at: &Prov) -> String {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let ltaddr = format!("{addr}.aws_launch_template.this[0]");
    let mut lb = RBody::new(at.clone());
    let mut md = RBody::new(at.clone());
    let given = get("metadata_options");
    let tokens = given
        .as_ref()
        .and_then(|(v, _)| v.get("http_tokens").cloned())
        .unwrap_or(s("required"));
    let hop = given
        .as_ref()
        .and_then(|(v, _)| v.get("http_put_response_hop_limit").cloned())
        .or_else(|| by_major(&cx.majors, since(HOP_LIMIT)));
    let md_at = given.as_ref().map(|(_, p)| p.clone()).unwrap_or(at.clone());
    if given
        .as_ref()
        .and_then(|(v, _)| v.get("http_tokens"))
        .is_none()
    {
        md.defaults.insert("http_tokens".into(), cx.why());
    }
    if given
        .as_ref()
        .and_then(|(v, _)| v.get("http_put_response_hop_limit"))
        .is_none()
    {
        md.defaults
            .insert("http_put_response_hop_limit".into(), cx.why());
    }
    md.set("http_tokens", tokens, md_at.clone());
    match hop {
        Some(h) => md.set("http_put_response_hop_limit", h, md_at.clone()),
        None => md.set(
            "http_put_response_hop_limit",
            V::unknown("the module's default hop limit changed from 2 to 1 in v21 and the version constraint allows both"),
            md_at.clone(),
        ),
    }
    lb.blocks.push(("metadata_options".into(), md));
    if let Some((bdm, p)) = get("block_device_mappings") {
        let first = match &bdm {
            V::Obj(m) => m.iter().next().map(|(_, v)| v.clone()),
            V::List(l) => l.first().cloned(),
            _ => None,
        };
        if let Some(ebs) = first.and_then(|f| f.get("ebs").cloned()) {
            let mut bb = RBody::new(p.clone());
            let mut eb = RBody::new(p.clone());
            if let Some(e) = ebs.get("encrypted") {
                eb.set("encrypted", e.clone(), p.clone());
            }
            bb.blocks.push(("ebs".into(), eb));
            lb.blocks.push(("block_device_mappings".into(), bb));
        }
    }
    if let Some((v, p)) = get("ami_id") {
        if v.as_str() != Some("") {
            lb.set("image_id", v, p);
        }
    }
    if let Some((v, p)) = get("instance_type") {
        lb.set("instance_type", v, p);
    }
    cx.res(ltaddr.clone(), "aws_launch_template", lb);
    ltaddr
}

/// The node IAM role the node group submodules create (worker, ECR read-only and, unless
/// `iam_role_attach_cni_policy = false`, the CNI policy), or the role given. Returns the value for
/// `node_role_arn` and where it was set.
pub(super) fn node_role(cx: &mut Ctx, addr: &str, inputs: &Inputs, at: &Prov) -> Option<(V, Prov)> {
    node_role_named(cx, addr, "this", None, inputs, at)
}

/// [`node_role`] as resource `aws_iam_role.<res>[0]` of the module, named `name` when the
/// module gives it an exact name.
fn node_role_named(
    cx: &mut Ctx,
    addr: &str,
    res: &str,
    name: Option<(V, Prov)>,
    inputs: &Inputs,
    at: &Prov,
) -> Option<(V, Prov)> {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let create_role = get("create_iam_role")
        .map(|(v, _)| v.as_bool() != Some(false))
        .unwrap_or(true);
    if !create_role {
        return get("iam_role_arn");
    }
    let raddr = format!("{addr}.aws_iam_role.{res}[0]");
    let mut rb = RBody::new(at.clone());
    if let Some((n, p)) = name {
        rb.set("name", n, p);
    }
    let trust = obj(vec![
        ("Version", s("2012-10-17")),
        (
            "Statement",
            V::list(vec![obj(vec![
                ("Effect", s("Allow")),
                ("Action", s("sts:AssumeRole")),
                ("Principal", obj(vec![("Service", s("ec2.amazonaws.com"))])),
            ])]),
        ),
    ]);
    rb.set(
        "assume_role_policy",
        V::str(trust.to_json().map(|j| j.to_string()).unwrap_or_default()),
        at.clone(),
    );
    let mut policies = vec![
        s("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"),
        s("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"),
    ];
    match get("iam_role_attach_cni_policy")
        .map(|(v, _)| v.as_bool())
        .unwrap_or(Some(true))
    {
        // With IPv6 the submodules attach the IPv6 CNI policy (a policy in the account, which
        // the eks module creates with `create_cni_ipv6_iam_policy`).
        Some(true)
            if get("cluster_ip_family")
                .and_then(|(v, _)| v.as_str().map(str::to_string))
                .as_deref()
                == Some("ipv6") =>
        {
            policies.push(V::Unknown(std::sync::Arc::new(crate::value::Unk {
                pattern: Some("arn:*:iam::*:policy/AmazonEKS_CNI_IPv6_Policy".into()),
                ..crate::value::Unk::because("the account id is read at plan time")
            })))
        }
        Some(true) if get("cluster_ip_family").is_some_and(|(v, _)| v.as_str().is_none()) => {
            policies.push(V::unknown(
                "the CNI policy depends on the cluster's IP family, which is not known",
            ))
        }
        Some(true) => policies.push(s("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy")),
        Some(false) => {}
        None => rb.set(
            "managed_policy_arns",
            V::unknown("iam_role_attach_cni_policy is not known"),
            at.clone(),
        ),
    }
    if let Some((extra, _)) = get("iam_role_additional_policies") {
        match &extra {
            V::Obj(m) => policies.extend(m.values().cloned()),
            V::List(l) => policies.extend(l.iter().cloned()),
            _ => {}
        }
    }
    if !rb.attrs.contains_key("managed_policy_arns") {
        rb.set("managed_policy_arns", V::list(policies), at.clone());
        if get("iam_role_attach_cni_policy").is_none() {
            rb.defaults.insert("managed_policy_arns".into(), cx.why());
        }
    }
    cx.res(raddr.clone(), "aws_iam_role", rb);
    Some((V::computed(&raddr, "arn"), at.clone()))
}

/// A self-managed node group: an Auto Scaling group tagged for the cluster, launched from the
/// submodule's launch template with the instance profile of its node role.
#[allow(clippy::too_many_arguments)]
pub(super) fn self_managed_node_group(
    cx: &mut Ctx,
    addr: &str,
    key: &str,
    inputs: &Inputs,
    cluster_name: &V,
    parent_subnets: Option<(&V, &Prov)>,
) -> V {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let at = cx.entry_at(inputs);
    let ltaddr = node_launch_template(cx, addr, inputs, &at);
    if let Some((role, rat)) = node_role(cx, addr, inputs, &at) {
        // The instance profile of the node role, referenced from the launch template.
        let paddr = format!("{addr}.aws_iam_instance_profile.this[0]");
        let mut pb = RBody::new(rat.clone());
        let role_ref = match role.unk().and_then(|u| u.addr.clone()) {
            Some(r) => V::computed(&r, "name"),
            None => role,
        };
        pb.set("role", role_ref, rat.clone());
        cx.res(paddr.clone(), "aws_iam_instance_profile", pb);
        if let Some(lt) = cx.out.iter_mut().find(|r| r.addr == ltaddr) {
            let mut ip = RBody::new(rat.clone());
            ip.set("arn", V::computed(&paddr, "arn"), rat.clone());
            lt.body.blocks.push(("iam_instance_profile".into(), ip));
        }
    }
    let mut b = RBody::new(at.clone());
    b.set(
        "name",
        get("name").map(|(v, _)| v).unwrap_or(s(key)),
        at.clone(),
    );
    for (k, out, d) in [
        ("min_size", "min_size", None),
        ("max_size", "max_size", Some(3.0)),
        ("desired_size", "desired_capacity", Some(1.0)),
    ] {
        let (v, known) = match (get(k), d) {
            (Some((v, p)), _) => {
                b.set(out, v, p);
                continue;
            }
            (None, Some(d)) => (V::Num(d), true),
            (None, None) => min_size_default(cx),
        };
        b.set(out, v, at.clone());
        if known {
            b.defaults.insert(out.into(), cx.why());
        }
    }
    match get("subnet_ids") {
        Some((v, p)) => b.set("vpc_zone_identifier", v, p),
        None => {
            if let Some((v, p)) = parent_subnets {
                b.set("vpc_zone_identifier", v.clone(), p.clone());
            }
        }
    }
    let mut ltb = RBody::new(at.clone());
    ltb.set("id", V::computed(&ltaddr, "id"), at.clone());
    b.blocks.push(("launch_template".into(), ltb));
    let tag_key = match cluster_name.to_template_string() {
        Some(n) => format!("kubernetes.io/cluster/{n}"),
        None => "kubernetes.io/cluster/(unknown)".into(),
    };
    let mut tb = RBody::new(at.clone());
    tb.set("key", V::str(tag_key), at.clone());
    tb.set("value", s("owned"), at.clone());
    b.blocks.push(("tag".into(), tb));
    cx.res(
        format!("{addr}.aws_autoscaling_group.this[0]"),
        "aws_autoscaling_group",
        b,
    );
    outputs(addr, BTreeMap::new())
}

/// The karpenter submodule: no nodes of its own, but Karpenter will provision capacity for the
/// cluster, and its node role and Pod Identity association are created here.
pub(super) fn karpenter(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let at = cx.call_at.clone();
    let cluster = cx
        .input("cluster_name")
        .map(|(v, _)| v)
        .unwrap_or(V::unknown("cluster_name is not set"));
    let inputs: Inputs = [
        "node_iam_role_attach_cni_policy",
        "node_iam_role_additional_policies",
        "create_node_iam_role",
        "node_iam_role_arn",
        "cluster_ip_family",
    ]
    .iter()
    .filter_map(|k| {
        // The submodule's `node_iam_role_*` inputs are the node group's `iam_role_*`.
        let short = match *k {
            "create_node_iam_role" => "create_iam_role".to_string(),
            k => k.trim_start_matches("node_").to_string(),
        };
        cx.input(k).map(|v| (short, v))
    })
    .collect();
    // With `node_iam_role_use_name_prefix = false` the role is named exactly
    // `node_iam_role_name` (default `Karpenter-<cluster_name>`): how an EC2NodeClass names it.
    let prefix = cx.input("node_iam_role_use_name_prefix").map(|(v, _)| v);
    let name = if prefix.and_then(|v| v.as_bool()) == Some(false) {
        match cx.input("node_iam_role_name").filter(|(v, _)| !v.is_null()) {
            Some(n) => Some(n),
            None => cluster
                .as_str()
                .map(|c| (V::str(format!("Karpenter-{c}")), at.clone())),
        }
    } else {
        None
    };
    let role = node_role_named(cx, &addr, "node", name, &inputs, &at);
    let (pia, _) = cx.input_or(
        "create_pod_identity_association",
        since(KARPENTER_POD_IDENTITY),
    );
    if pia.as_bool() == Some(true) {
        let mut b = RBody::new(at.clone());
        b.set("cluster_name", cluster.clone(), at.clone());
        let ns = cx
            .input("namespace")
            .map(|(v, _)| v)
            .unwrap_or(s("kube-system"));
        let sa = cx
            .input("service_account")
            .map(|(v, _)| v)
            .unwrap_or(s("karpenter"));
        b.set("namespace", ns, at.clone());
        b.set("service_account", sa, at.clone());
        b.set(
            "role_arn",
            V::computed(&format!("{addr}.aws_iam_role.controller[0]"), "arn"),
            at.clone(),
        );
        cx.res(
            format!("{addr}.aws_eks_pod_identity_association.karpenter[0]"),
            "aws_eks_pod_identity_association",
            b,
        );
    }
    let mut kb = RBody::new(at.clone());
    kb.set("cluster_name", cluster, at.clone());
    // Karpenter's nodes take the submodule's node role (the EC2NodeClass names it).
    if let Some((r, rat)) = role {
        kb.set("node_role_arn", r, rat);
    }
    cx.res(
        format!("{addr}.karpenter_capacity"),
        "eksdoctor_karpenter",
        kb,
    );
    outputs(&addr, BTreeMap::new())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn fargate_profile(
    cx: &mut Ctx,
    addr: &str,
    key: &str,
    inputs: &Inputs,
    _unused: &Inputs,
    cluster_name: &V,
    parent_subnets: Option<(&V, &Prov)>,
) -> V {
    let get = |k: &str| inputs.get(k).filter(|(v, _)| !v.is_null()).cloned();
    let at = cx.entry_at(inputs);
    let mut b = RBody::new(at.clone());
    b.set("cluster_name", cluster_name.clone(), at.clone());
    b.set(
        "fargate_profile_name",
        get("name").map(|(v, _)| v).unwrap_or(s(key)),
        at.clone(),
    );
    match get("subnet_ids") {
        Some((v, p)) => b.set("subnet_ids", v, p),
        None => {
            if let Some((v, p)) = parent_subnets {
                b.set("subnet_ids", v.clone(), p.clone());
            }
        }
    }
    if let Some((sel, p)) = get("selectors") {
        for x in sel.as_list().into_iter().flatten() {
            let mut sb = RBody::new(p.clone());
            if let Some(ns) = x.get("namespace") {
                sb.set("namespace", ns.clone(), p.clone());
            }
            if let Some(l) = x.get("labels") {
                sb.set("labels", l.clone(), p.clone());
            }
            b.blocks.push(("selector".into(), sb));
        }
    }
    cx.res(
        format!("{addr}.aws_eks_fargate_profile.this[0]"),
        "aws_eks_fargate_profile",
        b,
    );
    outputs(addr, BTreeMap::new())
}
