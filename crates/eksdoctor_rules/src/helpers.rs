//! Queries several rules share. They read the inventory only.

use crate::Ctx;
use eksdoctor_inventory::*;
use eksdoctor_knowledge::KubeVersion;
use std::collections::BTreeMap;

/// A cluster's Kubernetes version, when known and well-formed.
pub fn cluster_version(c: &Cluster) -> Option<KubeVersion> {
    c.version.known().and_then(|v| v.parse().ok())
}

pub use eksdoctor_knowledge::thousands;

/// Fargate profile namespace patterns accept `*` and `?`. Matched in O(pattern × text) at
/// worst (the greedy algorithm that backtracks only to the last `*`), so a crafted pattern such
/// as `*a*a*a*a*b` cannot make a scan run for minutes.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen, and the text position it is currently taken to end at.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            // Let the last `*` take one more character.
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

fn labels_match(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The Fargate profile (of the cluster the object runs on) that would run a pod with these
/// namespace and labels, if any.
pub fn fargate_profile_for<'a>(
    ctx: &'a Ctx,
    obj: &ObjectRef,
    namespace: &str,
    labels: &BTreeMap<String, String>,
) -> Option<(&'a FargateProfile, &'a FargateSelector)> {
    let cluster = ctx.inv.cluster_of(obj)?;
    ctx.inv.fargate_profiles_of(&cluster.id).find_map(|p| {
        p.selectors
            .iter()
            .find(|s| glob(&s.namespace, namespace) && labels_match(&s.labels, labels))
            .map(|s| (p, s))
    })
}

/// The profile that takes *every* pod of a namespace (a selector without labels), if any.
pub fn fargate_only_namespace<'a>(
    ctx: &'a Ctx,
    obj: &ObjectRef,
    namespace: &str,
) -> Option<&'a FargateProfile> {
    let cluster = ctx.inv.cluster_of(obj)?;
    ctx.inv.fargate_profiles_of(&cluster.id).find(|p| {
        p.selectors
            .iter()
            .any(|s| s.labels.is_empty() && glob(&s.namespace, namespace))
    })
}

/// Whether pods of a workload run on Fargate (namespace known and matched by a profile).
pub fn workload_on_fargate<'a>(ctx: &'a Ctx, w: &Workload) -> Option<&'a FargateProfile> {
    if w.obj.kind == "DaemonSet" {
        return None;
    }
    let ns = w.obj.namespace.known()?;
    fargate_profile_for(ctx, &w.obj, ns, &w.pod_labels).map(|(p, _)| p)
}

/// Resolve the StorageClass of a claim made by `of`: the named class, or the default class when
/// none is named, among the classes of `of`'s cluster (classes of other clusters, scanned in the
/// same run, are not its own). `None` when the class is not among the scanned objects (it
/// cannot be judged).
pub fn storage_class<'a>(
    ctx: &'a Ctx,
    of: &ObjectRef,
    name: Option<&str>,
) -> Option<&'a StorageClass> {
    let classes = ctx
        .inv
        .k8s
        .storage_classes
        .iter()
        .filter(|c| c.obj.cluster == of.cluster);
    match name {
        Some("") => None, // "" explicitly disables dynamic provisioning
        Some(n) => classes
            .clone()
            .find(|c| c.obj.name == n)
            .or_else(|| builtin_class(ctx, of, Some(n))),
        None => {
            let defaults: Vec<_> = classes.filter(|c| c.is_default).collect();
            match defaults.as_slice() {
                [one] => Some(one),
                [] => builtin_class(ctx, of, None),
                _ => None,
            }
        }
    }
}

/// The classes EKS and the EBS CSI add-on create (see `eksdoctor_knowledge::storage`), as the
/// inventory holds classes; their provenance is line 0 of a file named after their maker (told
/// apart from scanned classes by `builtin_of`).
fn builtin(c: &'static eksdoctor_knowledge::storage::BuiltinClass) -> StorageClass {
    let at = Prov::new(
        &std::sync::Arc::from(format!("({})", c.made_by)),
        0,
        SourceKind::K8s,
    );
    StorageClass {
        obj: ObjectRef {
            api_version: "storage.k8s.io/v1".into(),
            kind: "StorageClass".into(),
            name: c.name.into(),
            namespace: Val::unknown("cluster-scoped", at.clone()),
            at,
            cluster: None,
            applied_with: Vec::new(),
        },
        provisioner: c.provisioner.into(),
        binding_mode: Some("WaitForFirstConsumer".into()),
        is_default: false,
        parameters: BTreeMap::new(),
    }
}

static GP2: std::sync::LazyLock<StorageClass> =
    std::sync::LazyLock::new(|| builtin(&eksdoctor_knowledge::storage::GP2));
static EBS_CSI_DEFAULT: std::sync::LazyLock<StorageClass> =
    std::sync::LazyLock::new(|| builtin(&eksdoctor_knowledge::storage::EBS_CSI_DEFAULT));

/// A class the claim's cluster has without it being scanned: `gp2` by name (or as the default
/// of a cluster on a version before 1.30, so created before it), `ebs-csi-default-sc` when the
/// EBS CSI add-on is configured to create it. Only for a known cluster not in Auto Mode.
fn builtin_class(ctx: &Ctx, of: &ObjectRef, name: Option<&str>) -> Option<&'static StorageClass> {
    let c = ctx.inv.cluster_of(of)?;
    if c.auto_mode.known() != Some(&false) {
        return None;
    }
    let csi_default = ctx.inv.addons_of(&c.id).any(|a| {
        a.name == "aws-ebs-csi-driver"
            && a.configuration
                .as_ref()
                .and_then(|n| n.get("defaultStorageClass")?.get("enabled"))
                .and_then(Node::as_str)
                == Some("true")
    });
    match name {
        Some("gp2") => Some(&GP2),
        Some("ebs-csi-default-sc") if csi_default => Some(&EBS_CSI_DEFAULT),
        Some(_) => None,
        None if csi_default => None, // it and gp2 may both be default: not told
        None => {
            let old = cluster_version(c).and_then(eksdoctor_knowledge::storage::gp2_is_default);
            (old == Some(true)).then_some(&*GP2)
        }
    }
}

/// The knowledge entry of a class EKS or an add-on creates (one of the classes above, not a
/// scanned one).
fn builtin_of(c: &StorageClass) -> Option<&'static eksdoctor_knowledge::storage::BuiltinClass> {
    use eksdoctor_knowledge::storage;
    [
        (&*GP2, &storage::GP2),
        (&*EBS_CSI_DEFAULT, &storage::EBS_CSI_DEFAULT),
    ]
    .into_iter()
    .find(|(class, _)| std::ptr::eq(*class, c))
    .map(|(_, known)| known)
}

/// Why a claim's StorageClass cannot be told (for `--show-unknown`); `None` when it can, or when
/// the claim asks for no dynamic provisioning (`storageClassName: ""`).
pub fn storage_class_unknown(ctx: &Ctx, of: &ObjectRef, name: Option<&str>) -> Option<String> {
    if storage_class(ctx, of, name).is_some() || name == Some("") {
        return None;
    }
    Some(match name {
        Some(n) => format!(
            "StorageClass `{n}` is not among the scanned objects, so whether its volumes are EBS is not known"
        ),
        None if ctx.inv.cluster_of(of).is_some_and(|c| c.auto_mode.known() == Some(&false)) => "the claim names no StorageClass, no single scanned StorageClass is marked default, and whether EKS's gp2 class is the cluster's default is not known (it is on clusters created before Kubernetes 1.30), so whether its volumes are EBS is not known".to_string(),
        None => "the claim names no StorageClass and no single scanned StorageClass is marked default, so whether its volumes are EBS is not known".to_string(),
    })
}

/// Describe a class for messages: `gp3 (EBS, ebs.csi.aws.com)`.
pub fn class_label(c: &StorageClass, named: bool) -> String {
    let how = if named { "" } else { "default " };
    let builtin = builtin_of(c);
    let made = builtin
        .map(|b| format!(", {}", b.made_by))
        .unwrap_or_default();
    let when = if !named && builtin == Some(&eksdoctor_knowledge::storage::GP2) {
        ", the default of clusters created before Kubernetes 1.30"
    } else {
        ""
    };
    format!(
        "{how}StorageClass `{}` ({}{made}{when})",
        c.obj.name, c.provisioner
    )
}

/// AZs a Fargate profile's pods run in: its subnets', or the cluster's private subnets'.
pub fn fargate_profile_azs(inv: &Inventory, p: &FargateProfile) -> Option<Vec<String>> {
    let subnets: Vec<&Subnet> = match p.subnets.known()? {
        Some(refs) => refs
            .iter()
            .map(|r| inv.subnet(&p.cluster, r))
            .collect::<Option<Vec<_>>>()?,
        None => inv
            .subnets_of(&p.cluster)
            .filter(|s| s.public.known() == Some(&false))
            .collect(),
    };
    if subnets.is_empty() {
        return None;
    }
    let mut azs: Vec<String> = subnets
        .iter()
        .map(|s| s.az.known().cloned())
        .collect::<Option<Vec<_>>>()?;
    azs.sort();
    azs.dedup();
    Some(azs)
}

/// The VPC CNI settings in force for a cluster: from the cluster definition (add-on configuration),
/// overridden by the `aws-node` DaemonSet that runs on it (a manifest placed on it, or read from
/// its Kubernetes API).
pub fn cni_settings<'a>(ctx: &'a Ctx, c: &'a Cluster) -> &'a CniSettings {
    ctx.inv
        .k8s
        .cni
        .iter()
        .find(|k| {
            ctx.inv
                .cluster_for(k.prefix_delegation.at())
                .is_some_and(|o| o.id == c.id)
        })
        .unwrap_or(&c.cni)
}

/// Whether the cluster gives pods their own AWS identity (IRSA or Pod Identity).
pub fn uses_workload_identity(inv: &Inventory, c: &Cluster) -> Option<bool> {
    let pod_identity = inv
        .pod_identity_associations
        .iter()
        .any(|p| p.cluster == c.id)
        || inv
            .addons_of(&c.id)
            .any(|a| a.name == "eks-pod-identity-agent");
    let uses = *c.oidc_provider.known()? || pod_identity || c.auto_mode.known() == Some(&true);
    // None seen: a part of the root module the scan cannot see may still add Pod Identity.
    if !uses && pod_identity_unseen(inv, c).is_some() {
        return None;
    }
    Some(uses)
}

/// The part of `c`'s root module the scan cannot see that may create Pod Identity associations
/// or the agent add-on.
pub fn pod_identity_unseen<'a>(
    inv: &'a Inventory,
    c: &Cluster,
) -> Option<&'a eksdoctor_inventory::Gap> {
    inv.completeness
        .unseen_part(
            &c.id,
            &["aws_eks_pod_identity_association", "aws_eks_addon"],
        )
        .filter(|g| matches!(g.kind, GapKind::Unscanned | GapKind::Unread))
}

/// Where the cluster is defined, as the unit whose absences are facts: "root module `envs/prod`",
/// "plan `plan.json`", or its eksctl file.
pub fn unit_of(c: &Cluster) -> String {
    match (c.at.source, c.id.root.as_deref()) {
        (eksdoctor_inventory::SourceKind::Plan, Some(r)) => format!("plan `{r}`"),
        (eksdoctor_inventory::SourceKind::Eksctl, Some(r)) => format!("eksctl file `{r}`"),
        (_, Some(r)) => format!("root module `{r}`"),
        _ => format!("its definition ({})", c.at.file),
    }
}

/// An IAM role by the reference a node group, add-on or association uses (address or ARN).
pub fn role<'a>(inv: &'a Inventory, reference: &Id) -> Option<&'a eksdoctor_inventory::IamRole> {
    inv.iam_role(reference)
}

/// The name of an AWS managed policy from its ARN (or an ARN pattern with an unknown partition).
pub fn managed_policy_name(arn: &str) -> Option<&str> {
    eksdoctor_inventory::aws_managed_policy_name(arn)
}

/// Statements of a policy document (a single statement object or a list).
pub fn statements(doc: &eksdoctor_inventory::Node) -> Vec<&eksdoctor_inventory::Node> {
    match doc.get("Statement") {
        Some(s) if s.as_seq().is_some() => s.items().iter().collect(),
        Some(s) if s.as_map().is_some() => vec![s],
        _ => Vec::new(),
    }
}

/// Strings of a policy field that may be a string or a list.
pub fn str_or_list(n: Option<&eksdoctor_inventory::Node>) -> Vec<String> {
    match n {
        Some(n) if n.as_str().is_some() => vec![n.as_str().unwrap_or_default().to_string()],
        Some(n) => n.str_items(),
        None => Vec::new(),
    }
}

/// The first EBS-backed claim (StatefulSet claim template or PVC) of each cluster's manifests.
pub fn ebs_claims_by_cluster<'a>(ctx: &'a Ctx) -> BTreeMap<&'a Id, (String, &'a Prov)> {
    let k = &ctx.inv.k8s;
    let mut out: BTreeMap<&Id, (String, &Prov)> = BTreeMap::new();
    for w in &k.workloads {
        for t in &w.claim_templates {
            if storage_class(ctx, &w.obj, t.storage_class.as_deref()).is_some_and(|c| c.is_ebs()) {
                if let Some(c) = ctx.inv.cluster_of(&w.obj) {
                    out.entry(&c.id).or_insert_with(|| {
                        (
                            format!("{} (claim template `{}`)", w.obj.display(), t.name),
                            &t.at,
                        )
                    });
                }
            }
        }
    }
    for p in &k.pvcs {
        if storage_class(ctx, &p.obj, p.storage_class.as_deref()).is_some_and(|c| c.is_ebs()) {
            if let Some(c) = ctx.inv.cluster_of(&p.obj) {
                out.entry(&c.id)
                    .or_insert_with(|| (p.obj.display(), &p.obj.at));
            }
        }
    }
    out
}

/// Objects grouped by the cluster they belong to (unassigned ones are left out).
pub fn by_cluster<'a>(ctx: &'a Ctx, objs: &'a [ObjectRef]) -> BTreeMap<&'a Id, Vec<&'a ObjectRef>> {
    let mut out: BTreeMap<&Id, Vec<&ObjectRef>> = BTreeMap::new();
    for o in objs {
        if let Some(c) = ctx.inv.cluster_of(o) {
            out.entry(&c.id).or_default().push(o);
        }
    }
    out
}

/// Subnets a node group launches into, resolved; `None` when one cannot be found.
pub fn node_group_subnets<'a>(
    inv: &'a Inventory,
    ng: &eksdoctor_inventory::NodeGroup,
) -> Option<Vec<&'a Subnet>> {
    ng.subnets
        .known()?
        .iter()
        .map(|r| inv.subnet(&ng.cluster, r))
        .collect()
}

/// Load balancer scheme a Service or Ingress asks for through annotations; `None` when unsaid.
pub fn lb_scheme(annotations: &std::collections::BTreeMap<String, String>) -> Option<&'static str> {
    for key in [
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        "alb.ingress.kubernetes.io/scheme",
    ] {
        match annotations.get(key).map(String::as_str) {
            Some("internet-facing") => return Some("internet-facing"),
            Some("internal") => return Some("internal"),
            _ => {}
        }
    }
    if annotations
        .get("service.beta.kubernetes.io/aws-load-balancer-internal")
        .is_some_and(|v| v == "true" || v == "0.0.0.0/0")
    {
        return Some("internal");
    }
    None
}

/// A load balancer a manifest asks for: what asks, the scheme it says, whether it names its
/// subnets, and where.
pub type LoadBalancer<'a> = (String, Option<&'static str>, bool, &'a Prov);

/// Load balancers the manifests ask for, by the cluster they belong to.
pub fn load_balancers_by_cluster<'a>(ctx: &'a Ctx) -> BTreeMap<&'a Id, Vec<LoadBalancer<'a>>> {
    let k = &ctx.inv.k8s;
    let mut out: BTreeMap<&Id, Vec<LoadBalancer>> = BTreeMap::new();
    for s in k
        .services
        .iter()
        .filter(|s| s.service_type == "LoadBalancer")
    {
        let Some(c) = ctx.inv.cluster_of(&s.obj) else {
            continue;
        };
        let explicit = s
            .annotations
            .contains_key("service.beta.kubernetes.io/aws-load-balancer-subnets");
        out.entry(&c.id).or_default().push((
            s.obj.display(),
            lb_scheme(&s.annotations),
            explicit,
            &s.obj.at,
        ));
    }
    for i in &k.ingresses {
        let Some(c) = ctx.inv.cluster_of(&i.obj) else {
            continue;
        };
        let explicit = i
            .annotations
            .contains_key("alb.ingress.kubernetes.io/subnets");
        out.entry(&c.id).or_default().push((
            i.obj.display(),
            lb_scheme(&i.annotations),
            explicit,
            &i.obj.at,
        ));
    }
    out
}

/// Runs per minute of a 5-field cron schedule while it is active (the minute field: `*` is 1,
/// `*/15` is 1/15, `0,30` is 2/60, `5` is 1/60); `None` when it cannot be read.
pub fn cron_runs_per_minute(schedule: &str) -> Option<f64> {
    let mut fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields
        .first()
        .is_some_and(|f| f.starts_with("CRON_TZ=") || f.starts_with("TZ="))
    {
        fields.remove(0);
    }
    let minute = match fields.as_slice() {
        [m, _, _, _, _] => *m,
        [macro_] if macro_.starts_with('@') => {
            return match *macro_ {
                "@hourly" => Some(1.0 / 60.0),
                "@daily" | "@midnight" | "@weekly" | "@monthly" | "@yearly" | "@annually" => {
                    Some(1.0 / 1440.0)
                }
                _ => None,
            };
        }
        _ => return None,
    };
    let mut count = 0u32;
    for part in minute.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (lo, hi) = match range {
            "*" => (0, 59),
            r => match r.split_once('-') {
                Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
                None => {
                    let v: u32 = r.parse().ok()?;
                    (v, if part.contains('/') { 59 } else { v })
                }
            },
        };
        if hi > 59 || lo > hi {
            return None;
        }
        count += (hi - lo) / step + 1;
    }
    Some(count as f64 / 60.0)
}

/// `where` suffix for defaulted values: ` (eksctl default)`.
pub fn default_note<T>(v: &Val<T>) -> String {
    v.default_note()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

/// The IAM role of a node group, for rules that judge it. When the group names a role that the
/// scanned files do not define (only its ARN is known), or its role is not known, the rule
/// records that it could not decide (once per role reference, `seen` keeps them) and gets `None`.
/// A group that names no role (the tool creates one with the standard policies) gives `None`.
pub fn node_role<'a>(
    ctx: &'a Ctx,
    ng: &eksdoctor_inventory::NodeGroup,
    meta: &eksdoctor_findings::RuleMeta,
    sink: &mut eksdoctor_findings::Sink,
    seen: &mut std::collections::BTreeSet<Id>,
) -> Option<&'a eksdoctor_inventory::IamRole> {
    let r = sink
        .need(meta, &ng.node_role, || {
            format!("node role of {}", ng.describe())
        })?
        .as_ref()?;
    let found = role(ctx.inv, r);
    if found.is_none() && seen.insert(r.clone()) {
        sink.unknown(
            meta,
            ng.node_role.at(),
            format!(
                "node role `{r}` of {} is not defined in the scanned files: its policies are not known",
                ng.describe()
            ),
        );
    }
    found
}

/// True (with a "not decided" entry naming them) when some of `role`'s attached policies are
/// not known, so `meta` cannot rest on their absence; `judged` says what the rule did check.
pub fn unresolved_policies(
    role: &eksdoctor_inventory::IamRole,
    judged: &str,
    meta: &eksdoctor_findings::RuleMeta,
    sink: &mut eksdoctor_findings::Sink,
) -> bool {
    if role.unresolved_policies.is_empty() {
        return false;
    }
    sink.unknown(
        meta,
        &role.at,
        format!(
            "node role `{}`: {judged}; not known: {}",
            role.id,
            role.unresolved_policies.join("; ")
        ),
    );
    true
}

/// Record that `meta` could not judge a node group's subnets: which references the scanned
/// files do not define, or why the list is not known.
pub fn unknown_subnets(
    ctx: &Ctx,
    ng: &eksdoctor_inventory::NodeGroup,
    meta: &eksdoctor_findings::RuleMeta,
    sink: &mut eksdoctor_findings::Sink,
) {
    let Some(refs) = sink.need(meta, &ng.subnets, || {
        format!("subnets of {}", ng.describe())
    }) else {
        return;
    };
    sink.unknown(
        meta,
        ng.subnets.at(),
        format!(
            "subnets of {} not known: {}",
            ng.describe(),
            undefined_subnets(ctx.inv, ng, refs)
        ),
    );
}

/// Which of a node group's subnet references the scanned files do not define, as a reason.
pub fn undefined_subnets(
    inv: &Inventory,
    ng: &eksdoctor_inventory::NodeGroup,
    refs: &[Id],
) -> String {
    let missing: Vec<String> = refs
        .iter()
        .filter(|r| inv.subnet(&ng.cluster, r).is_none())
        .map(|r| format!("`{r}`"))
        .collect();
    format!(
        "{} not defined in the scanned files (given by id, or from a data source)",
        missing.join(", ")
    )
}

/// Resource types that add node capacity (node groups, Auto Scaling groups, Fargate profiles,
/// instances, and Karpenter's NodePools applied through Helm or manifests): an unscanned part
/// that may create one of them may add capacity in other zones.
pub const CAPACITY_TYPES: &[&str] = &[
    "aws_eks_node_group",
    "aws_autoscaling_group",
    "aws_eks_fargate_profile",
    "aws_instance",
    "helm_release",
    "kubectl_manifest",
    "kubernetes_manifest",
];

/// When the record of cluster `c` says its add-ons may not all be in scope (see
/// [`eksdoctor_inventory::Completeness::addons_gap`]), record for `meta` that it could not decide,
/// and why; true then.
pub fn addons_undecided(
    ctx: &Ctx,
    c: &Cluster,
    meta: &eksdoctor_findings::RuleMeta,
    sink: &mut eksdoctor_findings::Sink,
) -> bool {
    let Some(g) = ctx.inv.completeness.addons_gap(c) else {
        return false;
    };
    let why = match g.kind {
        GapKind::Elsewhere | GapKind::Unread => g.what.clone(),
        _ => format!("{}, which may install them", g.what),
    };
    sink.unknown(
        meta,
        &c.at,
        format!("add-ons of cluster `{}` not known: {why}", c.id),
    );
    true
}

/// When Terraform applies an object to cluster `c` whose content is known only after apply (it
/// may be what `meta` looks for), record that the rule could not decide; true then.
pub fn objects_undecided(
    ctx: &Ctx,
    c: &Cluster,
    meta: &eksdoctor_findings::RuleMeta,
    sink: &mut eksdoctor_findings::Sink,
) -> bool {
    let Some(g) = ctx.inv.completeness.unreadable_objects(&c.id).next() else {
        return false;
    };
    sink.unknown(
        meta,
        &g.at,
        format!(
            "objects of cluster `{}` not all known: {}",
            c.id,
            g.what.split(':').next().unwrap_or(&g.what)
        ),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn cron_rates() {
        assert_eq!(cron_runs_per_minute("* * * * *"), Some(1.0));
        assert_eq!(cron_runs_per_minute("*/15 * * * *"), Some(4.0 / 60.0));
        assert_eq!(cron_runs_per_minute("0,30 * * * *"), Some(2.0 / 60.0));
        assert_eq!(cron_runs_per_minute("5 3 * * 1"), Some(1.0 / 60.0));
        assert_eq!(cron_runs_per_minute("10-19 * * * *"), Some(10.0 / 60.0));
        assert_eq!(
            cron_runs_per_minute("CRON_TZ=UTC */2 * * * *"),
            Some(30.0 / 60.0)
        );
        assert_eq!(cron_runs_per_minute("@hourly"), Some(1.0 / 60.0));
        assert_eq!(cron_runs_per_minute("61 * * * *"), None);
        assert_eq!(cron_runs_per_minute("nonsense"), None);
    }

    #[test]
    fn globbing() {
        assert!(glob("prod-*", "prod-web"));
        assert!(glob("team-?", "team-a"));
        assert!(!glob("team-?", "team-ab"));
        assert!(glob("default", "default"));
        assert!(!glob("default", "kube-system"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXbY"));
        assert!(glob("*-system", "kube-system"));
        assert!(glob("prod-*-?", "prod-web-a"));
        assert!(!glob("?", ""));
    }

    /// A pattern that backtracks exponentially with a naive matcher answers at once.
    #[test]
    fn globbing_is_not_exponential() {
        let text = "a".repeat(10_000);
        assert!(!glob("*a*a*a*a*a*a*a*a*a*a*b", &text));
        assert!(glob("*a*a*a*a*a*a*a*a*a*a*", &text));
    }
    #[test]
    fn thousands_sep() {
        assert_eq!(thousands(4380), "4,380");
        assert_eq!(thousands(438), "438");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
