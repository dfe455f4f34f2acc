//! Model of terraform-aws-modules/eks/aws: the cluster, its OIDC provider, add-ons, access
//! entries, and the node group and Fargate submodules it calls.

use super::*;

// ---------------------------------------------------------------------------------------------
// terraform-aws-modules/eks/aws

pub(super) fn pick<'a>(cx: &Ctx, v21: &'a str, old: &'a str) -> &'a str {
    // Variable names changed in v21 (`cluster_*` prefix dropped).
    if cx.majors.set.iter().all(|m| *m >= 21) && !cx.majors.set.is_empty() {
        v21
    } else if cx.majors.set.iter().all(|m| *m < 21) {
        old
    } else if cx.inputs.contains_key(v21) {
        v21
    } else {
        old
    }
}

// The eks module's cluster inputs and their defaults per major version, as data: from each major
// on, the value the module uses when the input is not set. Read from each major's variables.tf
// and docs/UPGRADE-*.md (docs/terraform.md lists them with their sources).

/// `enabled_log_types`: none before v18, audit, api and authenticator since.
const LOG_TYPES: Input = Input {
    name: "enabled_log_types",
    before_21: "cluster_enabled_log_types",
    since: &[
        (0, Def::EmptyList),
        (18, Def::Strs(&["audit", "api", "authenticator"])),
    ],
};
const SUBNETS: Input = Input {
    name: "subnet_ids",
    before_21: "subnet_ids",
    since: &[(0, Def::EmptyList)],
};
/// The public endpoint: on before v19, off since.
const PUBLIC_ACCESS: Input = Input {
    name: "endpoint_public_access",
    before_21: "cluster_endpoint_public_access",
    since: &[(0, Def::Bool(true)), (19, Def::Bool(false))],
};
/// The private endpoint: off before v19, on since.
const PRIVATE_ACCESS: Input = Input {
    name: "endpoint_private_access",
    before_21: "cluster_endpoint_private_access",
    since: &[(0, Def::Bool(false)), (19, Def::Bool(true))],
};
const PUBLIC_CIDRS: Input = Input {
    name: "endpoint_public_access_cidrs",
    before_21: "cluster_endpoint_public_access_cidrs",
    since: &[(0, Def::Strs(&["0.0.0.0/0"]))],
};
const IP_FAMILY: Input = Input {
    name: "ip_family",
    before_21: "cluster_ip_family",
    since: &[(0, Def::Str("ipv4"))],
};
/// Secrets encryption: none before v19, with a module-created KMS key since.
const ENCRYPTION: Input = Input {
    name: "encryption_config",
    before_21: "cluster_encryption_config",
    since: &[
        (0, Def::EmptyList),
        (19, Def::Obj(&[("resources", Def::Strs(&["secrets"]))])),
    ],
};
const CREATE_KMS_KEY: Input = Input {
    name: "create_kms_key",
    before_21: "create_kms_key",
    since: &[(0, Def::Bool(false)), (19, Def::Bool(true))],
};
/// CONFIG_MAP before v20, API_AND_CONFIG_MAP since.
const AUTHENTICATION_MODE: Input = Input {
    name: "authentication_mode",
    before_21: "authentication_mode",
    since: &[
        (0, Def::Str("CONFIG_MAP")),
        (20, Def::Str("API_AND_CONFIG_MAP")),
    ],
};
/// No creator admin by default since v20 (the input does not exist before).
const CREATOR_ADMIN: Input = Input {
    name: "enable_cluster_creator_admin_permissions",
    before_21: "enable_cluster_creator_admin_permissions",
    since: &[(20, Def::Bool(false))],
};
/// IRSA: off before v18, on since.
const ENABLE_IRSA: Input = Input {
    name: "enable_irsa",
    before_21: "enable_irsa",
    since: &[(0, Def::Bool(false)), (18, Def::Bool(true))],
};

/// An input of the eks module, named as the allowed majors name it.
struct Input {
    /// Its name since v21.
    name: &'static str,
    /// Its name before v21 (`cluster_` prefixes were dropped in v21).
    before_21: &'static str,
    since: Since,
}

impl Ctx<'_> {
    /// The input as given, or its default for the allowed majors (unknown when they disagree).
    fn default_input(&self, i: &Input) -> (V, Prov) {
        self.input_or(pick(self, i.name, i.before_21), since(i.since))
    }
}

pub(super) fn eks(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let c = cluster(cx);
    oidc_provider(cx, &c.caddr);
    addons(cx, &c.name);
    access_entries(cx, &c);
    aws_auth(cx);
    let mng_out = node_groups(cx, &c);
    let mut known = BTreeMap::new();
    known.insert("cluster_name".into(), c.name);
    if let Some((v, _)) = cx.input(pick(cx, "kubernetes_version", "cluster_version")) {
        known.insert("cluster_version".into(), v);
    }
    known.extend(eks_oidc_outputs(&addr));
    known.insert("eks_managed_node_groups".into(), V::obj(mng_out));
    outputs(&addr, known)
}

/// What the cluster resource of the eks module leaves for the rest of the model.
pub(super) struct ClusterOut {
    /// The cluster resource's address.
    caddr: String,
    /// `module.eks.cluster_name`: the cluster's name, which still says which cluster it is when
    /// the name itself is not known (a random suffix).
    name: V,
    creator: V,
    creator_at: Prov,
    subnets: V,
    subnets_at: Prov,
    ip_family: V,
    ip_at: Prov,
}

/// The `aws_eks_cluster` of the eks module, from its inputs and their defaults per major.
fn cluster(cx: &mut Ctx) -> ClusterOut {
    let addr = cx.addr.to_string();
    let caddr = format!("{addr}.aws_eks_cluster.this[0]");
    let mut b = RBody::new(cx.call_at.clone());
    let name_key = pick(cx, "name", "cluster_name");
    let (name, name_at) = cx.input_or(name_key, |_| None);
    b.set("name", name.clone(), name_at);
    if let Some((v, at)) = cx.input(pick(cx, "kubernetes_version", "cluster_version")) {
        b.set("version", v, at);
    }
    let (logs, logs_at) = cx.default_input(&LOG_TYPES);
    b.set("enabled_cluster_log_types", logs, logs_at);

    let (subnets, subnets_at) = cx.default_input(&SUBNETS);
    let cp_subnets = cx
        .input("control_plane_subnet_ids")
        .filter(|(v, _)| v.as_list().is_some_and(|l| !l.is_empty()))
        .unwrap_or((subnets.clone(), subnets_at.clone()));
    let mut vc = RBody::new(cx.call_at.clone());
    vc.set("subnet_ids", cp_subnets.0, cp_subnets.1);
    let (pubv, pub_at) = cx.default_input(&PUBLIC_ACCESS);
    let (privv, priv_at) = cx.default_input(&PRIVATE_ACCESS);
    let (cidrs, cidrs_at) = cx.default_input(&PUBLIC_CIDRS);
    vc.set("endpoint_public_access", pubv, pub_at);
    vc.set("endpoint_private_access", privv, priv_at);
    vc.set("public_access_cidrs", cidrs, cidrs_at);
    b.blocks.push(("vpc_config".into(), vc));

    // IP family: `ip_family` (v21) / `cluster_ip_family` (v18-v20), default ipv4.
    let (ip_family, ip_at) = cx.default_input(&IP_FAMILY);
    let mut kn = RBody::new(ip_at.clone());
    kn.set("ip_family", ip_family.clone(), ip_at.clone());
    b.blocks.push(("kubernetes_network_config".into(), kn));

    // Secrets encryption: a module-created KMS key by default since v19.
    let (enc, enc_at) = cx.default_input(&ENCRYPTION);
    let (create_kms, _) = cx.default_input(&CREATE_KMS_KEY);
    let enc_obj = match &enc {
        V::List(l) => l.first().cloned(),
        V::Obj(m) if m.is_empty() => None,
        V::Null => None,
        other => Some(other.clone()),
    };
    if enc.is_unknown() || create_kms.is_unknown() {
        b.set(
            "encryption_config",
            V::unknown("encryption settings are not known"),
            enc_at.clone(),
        );
    } else if let Some(e) = enc_obj {
        let key = match e.get("provider_key_arn") {
            Some(k) if !k.is_null() => Some(k.clone()),
            _ if create_kms.as_bool() == Some(true) => Some(V::computed(
                &format!("{addr}.module.kms.aws_kms_key.this[0]"),
                "arn",
            )),
            _ => None,
        };
        if let Some(k) = key {
            let mut eb = RBody::new(enc_at.clone());
            eb.set(
                "resources",
                e.get("resources").cloned().unwrap_or(strs(&["secrets"])),
                enc_at.clone(),
            );
            let mut pb = RBody::new(enc_at.clone());
            pb.set("key_arn", k, enc_at.clone());
            eb.blocks.push(("provider".into(), pb));
            b.blocks.push(("encryption_config".into(), eb));
        }
    }

    // Access: API_AND_CONFIG_MAP and no creator admin by default since v20.
    let mut ac = RBody::new(cx.call_at.clone());
    let (mode, mode_at) = cx.default_input(&AUTHENTICATION_MODE);
    ac.set("authentication_mode", mode, mode_at);
    let (creator, creator_at) = cx.default_input(&CREATOR_ADMIN);
    // Before v20 the EKS default (creator admin) held; from v20 the module sets the flag to
    // false and gives the creator an access entry of its own when asked to (see
    // `access_entries`); while that input is not known, neither is who is admin.
    let creator_flag = if cx.majors.set.iter().all(|m| *m < 20) {
        V::Bool(true)
    } else if creator.as_bool().is_some() {
        V::Bool(false)
    } else {
        creator.clone()
    };
    ac.set(
        "bootstrap_cluster_creator_admin_permissions",
        creator_flag,
        creator_at.clone(),
    );
    b.blocks.push(("access_config".into(), ac));
    if let Some((pol, pol_at)) = cx.input(pick(cx, "upgrade_policy", "cluster_upgrade_policy")) {
        if let Some(st) = pol.get("support_type") {
            let mut ub = RBody::new(pol_at.clone());
            ub.set("support_type", st.clone(), pol_at);
            b.blocks.push(("upgrade_policy".into(), ub));
        }
    }
    if let Some((cc, cc_at)) = cx.input(pick(cx, "compute_config", "cluster_compute_config")) {
        let mut cb = RBody::new(cc_at.clone());
        cb.set(
            "enabled",
            cc.get("enabled").cloned().unwrap_or(V::Bool(false)),
            cc_at,
        );
        b.blocks.push(("compute_config".into(), cb));
    }
    cx.res(caddr.clone(), "aws_eks_cluster", b);
    ClusterOut {
        name: name.with_origin(&caddr, "name"),
        caddr,
        creator,
        creator_at,
        subnets,
        subnets_at,
        ip_family,
        ip_at,
    }
}

/// The IRSA OIDC provider (`enable_irsa`).
fn oidc_provider(cx: &mut Ctx, caddr: &str) {
    let addr = cx.addr.to_string();
    // IRSA OIDC provider.
    let (irsa, _) = cx.default_input(&ENABLE_IRSA);
    let oidc_addr = format!("{addr}.aws_iam_openid_connect_provider.oidc_provider[0]");
    match irsa.as_bool() {
        Some(true) => {
            let mut ob = RBody::new(cx.call_at.clone());
            ob.set("url", V::computed(caddr, "identity"), cx.call_at.clone());
            cx.res(oidc_addr.clone(), "aws_iam_openid_connect_provider", ob);
        }
        Some(false) => {}
        // Not known: the module may create the provider, so its absence is not a fact.
        None => cx
            .unscanned
            .push((format!("`enable_irsa` of {addr} is not known"), None)),
    }
}

/// The `addons` map (`cluster_addons` before v21).
fn addons(cx: &mut Ctx, cluster_name: &V) {
    let addr = cx.addr.to_string();
    // Add-ons.
    if let Some((addons, at)) = cx.input(pick(cx, "addons", "cluster_addons")) {
        if let Some(m) = addons.as_obj() {
            for (k, cfg) in m.iter() {
                let mut ab = RBody::new(at.clone());
                ab.set("cluster_name", cluster_name.clone(), at.clone());
                ab.set(
                    "addon_name",
                    cfg.get("name").cloned().unwrap_or(s(k)),
                    at.clone(),
                );
                for (from, to) in [
                    ("addon_version", "addon_version"),
                    ("service_account_role_arn", "service_account_role_arn"),
                    ("configuration_values", "configuration_values"),
                ] {
                    if let Some(v) = cfg.get(from).filter(|v| !v.is_null()) {
                        ab.set(to, v.clone(), at.clone());
                    }
                }
                if let Some(V::List(pia)) = cfg.get("pod_identity_association") {
                    if let Some(first) = pia.first() {
                        let mut pb = RBody::new(at.clone());
                        pb.set(
                            "role_arn",
                            first.get("role_arn").cloned().unwrap_or(V::Null),
                            at.clone(),
                        );
                        ab.blocks.push(("pod_identity_association".into(), pb));
                    }
                }
                cx.res(
                    format!("{addr}.aws_eks_addon.this[{k:?}]"),
                    "aws_eks_addon",
                    ab,
                );
            }
        } else {
            cx.notes.push(format!(
                "{addr}: the add-on map is not known; add-ons are not scanned"
            ));
        }
    }
}

/// Before v20 the module could write the aws-auth ConfigMap (`aws_auth_roles`, `aws_auth_users`;
/// by default from v18 only when `manage_aws_auth_configmap` or `create_aws_auth_configmap` is
/// set, always before v18). That is not modelled: while the module may write it, the identity
/// mappings in it are not known.
fn aws_auth(cx: &mut Ctx) {
    if cx.majors.set.iter().all(|m| *m >= 20) {
        return;
    }
    let flag = |cx: &Ctx, k: &str| cx.input(k).map(|(v, _)| v.as_bool());
    let off = cx.majors.set.iter().all(|m| (18..20).contains(m))
        && ["manage_aws_auth_configmap", "create_aws_auth_configmap"]
            .iter()
            .all(|k| matches!(flag(cx, k), None | Some(Some(false))));
    if off {
        return;
    }
    let addr = cx.addr.to_string();
    cx.unscanned.push((
        format!("the aws-auth ConfigMap that {addr} may write (`aws_auth_roles`, `aws_auth_users`, before v20) is not modelled"),
        Some(
            eksdoctor_inventory::AWS_AUTH_TYPES
                .iter()
                .map(|t| t.to_string())
                .collect(),
        ),
    ));
}

/// The `access_entries` map with their policy associations, and the creator's entry.
fn access_entries(cx: &mut Ctx, c: &ClusterOut) {
    let addr = cx.addr.to_string();
    let (cluster_name, creator, creator_at) = (&c.name, &c.creator, &c.creator_at);
    // Access entries.
    if let Some((entries, at)) = cx.input("access_entries") {
        for (k, e) in entries
            .as_obj()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        {
            let principal = e
                .get("principal_arn")
                .cloned()
                .unwrap_or(V::unknown("principal_arn is not set"));
            let mut eb = RBody::new(at.clone());
            eb.set("cluster_name", cluster_name.clone(), at.clone());
            eb.set("principal_arn", principal.clone(), at.clone());
            if let Some(g) = e.get("kubernetes_groups") {
                eb.set("kubernetes_groups", g.clone(), at.clone());
            }
            cx.res(
                format!("{addr}.aws_eks_access_entry.this[{k:?}]"),
                "aws_eks_access_entry",
                eb,
            );
            if let Some(pa) = e.get("policy_associations").and_then(V::as_obj) {
                for (pk, p) in pa.iter() {
                    let mut pb = RBody::new(at.clone());
                    pb.set("cluster_name", cluster_name.clone(), at.clone());
                    pb.set("principal_arn", principal.clone(), at.clone());
                    pb.set(
                        "policy_arn",
                        p.get("policy_arn").cloned().unwrap_or(V::Null),
                        at.clone(),
                    );
                    cx.res(
                        format!("{addr}.aws_eks_access_policy_association.this[\"{k}_{pk}\"]"),
                        "aws_eks_access_policy_association",
                        pb,
                    );
                }
            }
        }
    }
    if creator.as_bool() == Some(true) && cx.majors.set.iter().all(|m| *m >= 20) {
        let principal =
            V::unknown("the identity that runs terraform apply (data.aws_iam_session_context)");
        let entry = format!("{addr}.aws_eks_access_entry.this[\"cluster_creator\"]");
        let mut eb = RBody::new(creator_at.clone());
        eb.set("cluster_name", cluster_name.clone(), creator_at.clone());
        eb.set("principal_arn", principal.clone(), creator_at.clone());
        cx.res(entry.clone(), "aws_eks_access_entry", eb);
        let mut pb = RBody::new(creator_at.clone());
        pb.set("cluster_name", cluster_name.clone(), creator_at.clone());
        pb.set(
            "principal_arn",
            V::computed(&entry, "principal_arn"),
            creator_at.clone(),
        );
        pb.set(
            "policy_arn",
            V::Str("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy".into()),
            creator_at.clone(),
        );
        cx.res(
            format!("{addr}.aws_eks_access_policy_association.this[\"cluster_creator_admin\"]"),
            "aws_eks_access_policy_association",
            pb,
        );
    }
}

/// The managed and self-managed node groups and Fargate profiles; returns the managed node
/// groups' outputs.
fn node_groups(cx: &mut Ctx, c: &ClusterOut) -> BTreeMap<String, V> {
    let addr = cx.addr.to_string();
    let (cluster_name, subnets, subnets_at) = (&c.name, &c.subnets, &c.subnets_at);
    let (ip_family, ip_at) = (&c.ip_family, &c.ip_at);
    // Node groups and Fargate profiles.
    let mut mng_out = BTreeMap::new();
    let groups_key = if cx.majors.set.iter().all(|m| *m < 18) {
        "node_groups"
    } else {
        "eks_managed_node_groups"
    };
    // The node groups get the cluster's IP family (it picks their CNI policy).
    // (Where the group is written stays its position: entries of one group share it.)
    let with_family = |mut inputs: Inputs| {
        let at = inputs
            .values()
            .next()
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| ip_at.clone());
        inputs
            .entry("cluster_ip_family".to_string())
            .or_insert_with(|| (ip_family.clone(), at));
        inputs
    };
    for (k, inputs) in cx.map_entries(groups_key, "eks_managed_node_group_defaults", "node groups")
    {
        let gaddr = format!("{addr}.module.eks_managed_node_group[{k:?}]");
        let inputs = with_family(inputs);
        let o = managed_node_group(
            cx,
            &gaddr,
            &k,
            &inputs,
            &BTreeMap::new(),
            cluster_name,
            Some((subnets, subnets_at)),
        );
        mng_out.insert(k, o);
    }
    for (k, inputs) in cx.map_entries(
        "fargate_profiles",
        "fargate_profile_defaults",
        "Fargate profiles",
    ) {
        let paddr = format!("{addr}.module.fargate_profile[{k:?}]");
        fargate_profile(
            cx,
            &paddr,
            &k,
            &inputs,
            &BTreeMap::new(),
            cluster_name,
            Some((subnets, subnets_at)),
        );
    }
    for (k, inputs) in cx.map_entries(
        "self_managed_node_groups",
        "self_managed_node_group_defaults",
        "node groups",
    ) {
        let gaddr = format!("{addr}.module.self_managed_node_group[{k:?}]");
        let inputs = with_family(inputs);
        self_managed_node_group(
            cx,
            &gaddr,
            &k,
            &inputs,
            cluster_name,
            Some((subnets, subnets_at)),
        );
    }

    mng_out
}

pub(super) fn merge_obj(a: &V, b: &V) -> V {
    let mut m: BTreeMap<String, V> = a.as_obj().cloned().unwrap_or_default();
    if let Some(bm) = b.as_obj() {
        for (k, v) in bm.iter() {
            m.insert(k.clone(), v.clone());
        }
    }
    V::obj(m)
}

// ---------------------------------------------------------------------------------------------
/// An EKS cluster's OIDC issuer without its scheme, unknown parts as `*`.
pub(super) const EKS_ISSUER_HOST_PATTERN: &str = "oidc.eks.*.amazonaws.com/id/*";

/// The eks module's OIDC outputs. EKS issuers all have the form
/// `https://oidc.eks.<region>.amazonaws.com/id/<ID>`, so a trust policy built from them is
/// recognisably an EKS cluster's, whatever the inputs.
pub(super) fn eks_oidc_outputs(addr: &str) -> BTreeMap<String, V> {
    let caddr = format!("{addr}.aws_eks_cluster.this[0]");
    let oidc_addr = format!("{addr}.aws_iam_openid_connect_provider.oidc_provider[0]");
    BTreeMap::from([
        (
            "oidc_provider_arn".to_string(),
            V::computed_like(
                &oidc_addr,
                "arn",
                &format!("arn:*:iam::*:oidc-provider/{EKS_ISSUER_HOST_PATTERN}"),
            ),
        ),
        (
            "oidc_provider".to_string(),
            V::computed_like(&caddr, "identity", EKS_ISSUER_HOST_PATTERN),
        ),
        (
            "cluster_oidc_issuer_url".to_string(),
            V::computed_like(
                &caddr,
                "identity",
                &format!("https://{EKS_ISSUER_HOST_PATTERN}"),
            ),
        ),
    ])
}
