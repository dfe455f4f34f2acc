//! eksctl `ClusterConfig` files into the inventory.
//!
//! Fields the file leaves out are filled with eksctl's defaults **as of eksctl 0.219.0**
//! (2025-11-27) and later; each default names itself in the value's provenance. The defaults that
//! matter to rules:
//! - `vpc.clusterEndpoints`: public access on, private access off; `publicAccessCIDRs` 0.0.0.0/0.
//! - `accessConfig.authenticationMode`: `API_AND_CONFIG_MAP`; `bootstrapClusterCreatorAdminPermissions`: true.
//! - `iam.withOIDC`: false.
//! - add-ons: vpc-cni, coredns, kube-proxy (since 0.184.0) and metrics-server (since 0.201.0) are created
//!   as EKS add-ons unless `addonsConfig.disableDefaultAddons` is true.
//! - node groups: `disableIMDSv1` true (since 0.143.0: IMDSv2 required), `disablePodIMDS` false with a
//!   hop limit of 2, `volumeEncrypted` unset, `amiFamily` AmazonLinux2023 (since 0.219.0),
//!   `instanceType` m5.large, `privateNetworking` false (nodes in the public subnets).
//! - no control-plane logging, no secrets encryption key.

mod addons;
mod fargate;
mod identity;
mod network;
mod node_iam;
mod nodegroups;

use crate::ctx::FileCtx;
use eksdoctor_inventory::*;

const EKSCTL: &str = "eksctl default";

/// The document being read, for the sections' readers.
struct Doc<'a> {
    root: &'a Node,
    /// Prefix of error messages.
    w: &'static str,
    /// `metadata.name`: where cluster-wide findings and eksctl defaults point.
    at: Prov,
    /// The cluster's id (its name).
    id: Id,
}

/// The place of `key` in mapping `n`.
fn p(ctx: &FileCtx, n: &Node, key: &str) -> Prov {
    ctx.prov(n.line_of(key))
}

/// True when a document is an eksctl ClusterConfig.
pub fn is_cluster_config(root: &Node) -> bool {
    root.get("kind").and_then(Node::as_str) == Some("ClusterConfig")
        && root
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|a| a.starts_with("eksctl.io/"))
}

/// The VPC eksctl creates for cluster `id` (when the file names none), known within the same
/// file as the cluster.
fn created_vpc(id: &Id) -> Id {
    Id {
        root: id.root.clone(),
        name: format!("{}-vpc", id.name()),
    }
}

fn is_az_name(s: &str) -> bool {
    // us-east-1a, eu-central-1b, us-gov-west-1a, ap-northeast-3c
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.last().is_some_and(|p| {
            // Digits, then one lowercase letter (characters, not bytes: input may be any text).
            let mut cs = p.chars();
            let last = cs.next_back();
            last.is_some_and(|c| c.is_ascii_lowercase())
                && !cs.as_str().is_empty()
                && cs.all(|c| c.is_ascii_digit())
        })
}

/// One ClusterConfig document: the cluster, its subnets, identities, add-ons, node groups and
/// Fargate profiles.
pub fn read_cluster_config(ctx: &mut FileCtx, root: &Node, inv: &mut Inventory) {
    let w = "ClusterConfig: ";
    let meta = ctx.map(root, "metadata", w);
    // Cluster-wide findings and eksctl defaults point at `metadata.name`.
    let at = ctx.prov(meta.map_or(root.line, |m| m.line_of("name")));
    let name = meta.and_then(|m| ctx.str(m, "name", w));
    let Some(name) = name else {
        ctx.error(root.line, "eksctl ClusterConfig without `metadata.name`");
        return;
    };
    let meta = meta.expect("name implies metadata");
    // A cluster is known within the file that defines it: two files may both name theirs `main`
    // (one per account or region), and each is its own unit of deployment.
    let id = Id::in_root(&ctx.file, name.clone());

    let version = version(ctx, meta, inv);
    let region = match ctx.str(meta, "region", w) {
        Some(r) => Val::set(r, p(ctx, meta, "region")),
        None => Val::unknown("metadata.region is not set", ctx.prov(meta.line)),
    };

    let d = Doc {
        root,
        w,
        at: at.clone(),
        id: id.clone(),
    };
    let network::Network {
        endpoint_public,
        endpoint_private,
        public_cidrs,
        azs,
    } = network::read(ctx, &d, inv);
    let (oidc, auth_mode, creator_admin) = identity::read(ctx, &d, inv);
    let oidc_setting = oidc.clone();
    let partition = node_iam::partition(&region);
    let (default_addons, cni) = addons::read(ctx, &d, &region, &oidc, inv);
    let logging = ctx
        .map(root, "cloudWatch", w)
        .and_then(|c| ctx.map(c, "clusterLogging", w));
    let log_types = match logging {
        Some(l) if l.get("enableTypes").is_some() => {
            let mut types = ctx.str_list(l, "enableTypes", w);
            if types.iter().any(|t| t == "*" || t == "all") {
                types = [
                    "api",
                    "audit",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ]
                .map(String::from)
                .to_vec();
            }
            Val::set(types, p(ctx, l, "enableTypes"))
        }
        _ => Val::defaulted(Vec::new(), at.clone(), EKSCTL),
    };
    let secrets = ctx.map(root, "secretsEncryption", w);
    let kms = match secrets.and_then(|s| ctx.str(s, "keyARN", w)) {
        Some(k) => Val::set(Some(k), p(ctx, secrets.expect("s"), "keyARN")),
        None => Val::defaulted(None, at.clone(), EKSCTL),
    };
    let auto_mode = ctx
        .map(root, "autoModeConfig", w)
        .and_then(|a| {
            ctx.bool(a, "enabled", w)
                .map(|b| Val::set(b, p(ctx, a, "enabled")))
        })
        .unwrap_or_else(|| Val::defaulted(false, at.clone(), EKSCTL));
    let support_type = ctx
        .map(root, "upgradePolicy", w)
        .and_then(|u| {
            ctx.str(u, "supportType", w)
                .map(|s| Val::set(s, p(ctx, u, "supportType")))
        })
        .unwrap_or_else(|| Val::defaulted("EXTENDED".to_string(), at.clone(), "EKS default"));
    // `kubernetesNetworkConfig.ipFamily`, or the older `vpc.ipFamily`.
    let ip_family = ["kubernetesNetworkConfig", "vpc"]
        .iter()
        .find_map(|section| {
            let k = ctx.map(root, section, w)?;
            ctx.str(k, "ipFamily", w)
                .map(|s| Val::set(s.to_ascii_lowercase(), p(ctx, k, "ipFamily")))
        })
        .unwrap_or_else(|| Val::defaulted("ipv4".to_string(), at.clone(), EKSCTL));

    inv.clusters.push(Cluster {
        id: id.clone(),
        name: Val::set(name, p(ctx, meta, "name")),
        region,
        version,
        endpoint_public,
        endpoint_private,
        public_access_cidrs: public_cidrs,
        log_types,
        secrets_kms_key: kms,
        auth_mode,
        bootstrap_creator_admin: creator_admin,
        creator: Val::unknown(eksdoctor_inventory::CREATOR_NOT_IN_FILES, at.clone()),
        oidc_provider: oidc,
        auto_mode,
        default_addons,
        vpc: Some(created_vpc(&id)),
        azs: azs.clone(),
        cni,
        support_type,
        ip_family,
        at: at.clone(),
    });

    let node_iam = node_iam::NodeIamCtx {
        with_oidc: &oidc_setting,
        partition,
    };
    nodegroups::read(ctx, &d, &azs, &node_iam, inv);
    fargate::read(ctx, &d, inv);
    if additions_only(root) {
        undefault_additions(&id, inv);
    }
}

/// Why a cluster-level default is not known for an additions-only ClusterConfig.
const ADDITIONS: &str = "this ClusterConfig sets only node groups, Fargate profiles or service accounts, so it may add to an existing cluster (`eksctl create nodegroup -f`) whose settings it does not hold; if `eksctl create cluster` reads it, set a cluster-level field such as `iam.withOIDC`";

/// True when a ClusterConfig sets nothing but what `eksctl create nodegroup|fargateprofile|
/// iamserviceaccount -f` reads (`metadata`, `nodeGroups`, `managedNodeGroups`,
/// `fargateProfiles` and `iam.serviceAccounts` / `iam.podIdentityAssociations`), and some of
/// it. A file of `metadata` alone adds nothing: it can only create a cluster.
fn additions_only(root: &Node) -> bool {
    const ADDITION_KEYS: &[&str] = &[
        "apiVersion",
        "kind",
        "metadata",
        "nodeGroups",
        "managedNodeGroups",
        "fargateProfiles",
        "iam",
    ];
    const IAM_ADDITION_KEYS: &[&str] = &["serviceAccounts", "podIdentityAssociations"];
    let iam_ok = root.get("iam").is_none_or(|i| {
        i.entries()
            .iter()
            .all(|(k, _)| IAM_ADDITION_KEYS.contains(&k.as_str()))
    });
    let adds = ["nodeGroups", "managedNodeGroups", "fargateProfiles"]
        .iter()
        .any(|k| root.get(k).is_some_and(|n| !n.items().is_empty()))
        || root.get("iam").is_some_and(|i| {
            IAM_ADDITION_KEYS
                .iter()
                .any(|k| i.get(k).is_some_and(|n| !n.items().is_empty()))
        });
    adds && iam_ok
        && root
            .entries()
            .iter()
            .all(|(k, _)| ADDITION_KEYS.contains(&k.as_str()))
}

/// The cluster `id` of an additions-only file: what rests only on eksctl's create-cluster
/// defaults is unknown (the cluster's own, its node groups' and Fargate profiles' default
/// subnets), and the cluster joins a scanned cluster of its name when there is one.
fn undefault_additions(id: &Id, inv: &mut Inventory) {
    if let Some(c) = inv.clusters.iter_mut().rev().find(|c| &c.id == id) {
        c.undefault(ADDITIONS);
    }
    for ng in inv.node_groups.iter_mut().filter(|n| &n.cluster == id) {
        ng.subnets.undefault(ADDITIONS);
        ng.azs.undefault(ADDITIONS);
    }
    for fp in inv.fargate_profiles.iter_mut().filter(|f| &f.cluster == id) {
        fp.subnets.undefault(ADDITIONS);
    }
    inv.additions.push(id.clone());
}

/// `metadata.version`, with a note when it is an unquoted YAML number.
fn version(ctx: &mut FileCtx, meta: &Node, inv: &mut Inventory) -> Val<String> {
    let w = "ClusterConfig: ";
    // `version: 1.30` unquoted is a YAML number: YAML reads it as 1.3.
    if let Some(NodeKind::Scalar {
        text,
        quoted: false,
    }) = meta.get("version").map(|n| &n.kind)
    {
        if text.parse::<f64>().is_ok() {
            inv.notes.push(eksdoctor_inventory::Note {
                at: p(ctx, meta, "version"),
                message: format!(
                    "`metadata.version: {}` is a YAML number, which YAML readers take as {}: eksdoctor reads it as written, but quote it (\"{}\") so that every tool reads the same version",
                    eksdoctor_inventory::excerpt(text),
                    text.parse::<f64>().map(|f| f.to_string()).unwrap_or_default(),
                    eksdoctor_inventory::excerpt(text),
                ),
            });
        }
    }
    match ctx.str(meta, "version", w) {
        Some(v) => match v.parse::<eksdoctor_knowledge_free::Ver>() {
            Ok(ver) => Val::set(ver.0, p(ctx, meta, "version")),
            Err(_) if v == "auto" || v == "latest" => Val::unknown(
                format!("metadata.version is `{v}`: eksctl picks the version when it runs"),
                p(ctx, meta, "version"),
            ),
            Err(_) => {
                let v = eksdoctor_inventory::excerpt(&v);
                ctx.error(meta.line_of("version"), format!("{w}`metadata.version` `{v}` is not a Kubernetes version like 1.31"));
                Val::unknown("metadata.version is not a version", p(ctx, meta, "version"))
            }
        },
        None => Val::unknown(
            "metadata.version is not set: eksctl uses the default version of the eksctl release that runs it",
            ctx.prov(meta.line),
        ),
    }
}

/// Minimal `major.minor` parsing without depending on the knowledge crate (sources only fill the
/// inventory; version semantics belong to rules).
mod eksdoctor_knowledge_free {
    pub struct Ver(pub String);
    impl std::str::FromStr for Ver {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            let t = s.trim().trim_start_matches('v');
            let mut it = t.split(['.', '-']);
            let major: u32 = it.next().ok_or(())?.parse().map_err(|_| ())?;
            let minor: u32 = it.next().ok_or(())?.parse().map_err(|_| ())?;
            Ok(Ver(format!("{major}.{minor}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_az_name;
    #[test]
    fn az_names() {
        assert!(is_az_name("us-east-1a"));
        assert!(is_az_name("us-gov-west-1b"));
        assert!(!is_az_name("private-one"));
        assert!(!is_az_name("us-east-1"));
    }
}
