//! Live mode: running clusters read through the AWS APIs into the same inventory the file
//! sources fill, so every rule applies unchanged. Strictly read-only: only `Describe*`, `List*`
//! and `Get*` calls are made (the shipped policy `policy/eksdoctor-read-only.json` allows exactly
//! those). What cannot be read (a denied permission, a failing call) is a note naming the call,
//! and the values that needed it are unknown with that reason: the scan goes on.
//!
//! Read: EKS clusters, managed node groups, Fargate profiles, add-ons, access entries, Pod
//! Identity, identity providers and insights; Auto Scaling groups of self-managed nodes; EC2
//! subnets (with their free addresses), VPCs, route tables, endpoints and launch templates; IAM
//! roles and OIDC providers; the cluster's CreateCluster event in CloudTrail; the Kubernetes
//! objects rules read (see [`k8s`]).

/// Every item of a paginated List/Describe call (`$field` of each page); on a failing page, the
/// failure recorded in `$calls` as `$what` and its reason as the error.
macro_rules! list_all {
    ($calls:expr, $what:expr, $pages:expr, $field:ident) => {{
        let mut pages = $pages;
        let mut items = Vec::new();
        let mut failed = None;
        while let Some(page) = pages.next().await {
            $calls.made += 1;
            match page {
                Ok(p) => items.extend(p.$field().iter().cloned()),
                Err(e) => {
                    let why = error_text(&e);
                    $calls.failed($what, why.clone());
                    failed = Some(why);
                    break;
                }
            }
        }
        match failed {
            None => Ok(items),
            Some(why) => Err(why),
        }
    }};
}

mod asg;
mod configurations;
mod ec2;
mod eks;
mod eks_access;
mod iam;
mod instances;
mod k8s;
mod k8s_map;
mod map;
mod templates;
mod trail;

pub use k8s::KubeOptions;

use eksdoctor_inventory::{GapKind, Inventory, Note, Prov, Scope, SourceKind, Val};
use std::time::Duration;

/// What to read and how to reach it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Cluster names; none: the only cluster of the region.
    pub clusters: Vec<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// A role to assume (with the default chain's credentials) and read as.
    pub role_arn: Option<String>,
    /// An endpoint for every AWS service (test servers); the SDK's `AWS_ENDPOINT_URL_*`
    /// variables set one per service.
    pub endpoint_url: Option<String>,
    /// The deadline of each API call (the SDK retries throttling within it).
    pub call_timeout: Option<Duration>,
    /// The total deadline: what is not read by then is listed as not read.
    pub timeout: Option<Duration>,
    /// How to reach the clusters' Kubernetes APIs; `None`: not read (`--no-kubernetes`).
    pub kube: Option<KubeOptions>,
    /// Told what is being read as the read goes on (a progress display).
    pub progress: Option<Progress>,
}

/// Told what is being read now, and how many API calls were made so far.
pub type ProgressFn = dyn Fn(&str, usize) + Send + Sync;

/// A receiver of progress (see [`ProgressFn`]).
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<ProgressFn>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// What a live read gave.
pub struct Collected {
    pub inventory: Inventory,
    /// API calls made (each page counted).
    pub calls: usize,
    /// Calls that failed (each is a note "not read: …").
    pub failed: usize,
    /// The clusters read (by name).
    pub clusters: Vec<String>,
}

/// Read the clusters of `opts` (blocking: runs its own runtime). `Err` only when nothing at all
/// could be read (no region, no credentials, no cluster); partial failures are notes.
pub fn collect(opts: &Options) -> Result<Collected, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(collect_async(opts))
}

async fn collect_async(opts: &Options) -> Result<Collected, String> {
    let conf = aws_config(opts).await;
    let region = conf
        .region()
        .map(|r| r.to_string())
        .ok_or("no AWS region: pass --region or set AWS_REGION (or a region in the profile)")?;
    let eks = aws_sdk_eks::Client::new(&conf);
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let iam = aws_sdk_iam::Client::new(&conf);
    let trail = aws_sdk_cloudtrail::Client::new(&conf);
    let asg = aws_sdk_autoscaling::Client::new(&conf);
    let mut calls = Calls {
        progress: opts.progress.clone(),
        ..Calls::default()
    };
    // No name: the cluster of the kubeconfig's context (in this region), else the region's only one.
    let from_context = opts
        .kube
        .as_ref()
        .and_then(k8s::context_cluster)
        .filter(|(_, r)| r.as_ref().is_none_or(|r| *r == region));
    let names = match (opts.clusters.as_slice(), from_context) {
        ([], Some((name, _))) => vec![name],
        ([], None) => eks::only_cluster(&eks, &region, &mut calls).await?,
        (names, _) => names.to_vec(),
    };
    let mut inv = Inventory::default();
    let mut read = Vec::new();
    let clients = Clients {
        eks,
        ec2,
        iam,
        trail,
        asg,
    };
    let deadline = opts.timeout.map(|t| tokio::time::Instant::now() + t);
    for name in &names {
        match read_one(
            &clients, opts, name, &region, deadline, &mut calls, &mut inv,
        )
        .await
        {
            Ok(()) => read.push(name.clone()),
            Err(why) => inv.notes.push(note(&region, name, why)),
        }
    }
    if read.is_empty() {
        let why: Vec<String> = inv.notes.iter().map(|n| n.message.clone()).collect();
        return Err(why.join("; "));
    }
    inv.notes
        .extend(calls.denied.iter().map(|(what, why)| Note {
            at: Prov::new(&region_file(&region), 0, SourceKind::Live),
            message: format!("not read: {what}: {why}"),
        }));
    Ok(Collected {
        inventory: inv,
        calls: calls.made,
        failed: calls.denied.len(),
        clusters: read,
    })
}

struct Clients {
    eks: aws_sdk_eks::Client,
    ec2: aws_sdk_ec2::Client,
    iam: aws_sdk_iam::Client,
    trail: aws_sdk_cloudtrail::Client,
    asg: aws_sdk_autoscaling::Client,
}

/// Read one cluster: EKS, its network, IAM, its Kubernetes API. A stage the total deadline cuts
/// short leaves the cluster's record open (anything it did not read may exist).
async fn read_one(
    c: &Clients,
    opts: &Options,
    name: &str,
    region: &str,
    deadline: Option<tokio::time::Instant>,
    calls: &mut Calls,
    inv: &mut Inventory,
) -> Result<(), String> {
    let late = "the --timeout deadline passed";
    let cluster = within(deadline, async {
        calls.stage(&format!("{name}: EKS"));
        let mut cluster = eks::read_cluster(&c.eks, name, region, calls, inv).await?;
        calls.stage(&format!("{name}: Auto Scaling"));
        asg::read(&c.asg, name, &mut cluster, calls, inv).await;
        calls.stage(&format!("{name}: CloudTrail"));
        let creator = trail::creator(&c.trail, name, cluster.created, calls).await;
        if let Some(x) = inv.clusters.iter_mut().find(|x| x.id == cluster.id) {
            x.creator = match creator {
                Ok(who) => Val::set(who, x.at.clone()),
                Err(why) => Val::unknown(why, x.at.clone()),
            };
        }
        Ok::<_, String>(cluster)
    })
    .await
    .ok_or(format!("{late} before it was read"))??;
    let target = k8s::Target {
        name,
        id: cluster.id.name(),
        region,
        endpoint: cluster.endpoint.as_deref(),
    };
    let network = within(deadline, async {
        calls.stage(&format!("{name}: EC2"));
        ec2::read_network(&c.ec2, &cluster, calls, inv).await;
        let mut profiles =
            templates::read(&c.ec2, &cluster.id, &cluster.templates, calls, inv).await;
        let lcs = &cluster.configurations;
        profiles.extend(configurations::read(&c.asg, &cluster.id, lcs, calls, inv).await);
        instances::read(&c.ec2, &cluster.id, calls, inv).await;
        profiles
    })
    .await;
    let iam = match &network {
        Some(profiles) => {
            let read = async {
                calls.stage(&format!("{name}: IAM"));
                iam::profile_roles(&c.iam, &cluster.id, profiles, calls, inv).await;
                read_iam(&c.iam, &cluster, calls, inv).await;
            };
            within(deadline, read).await
        }
        None => None,
    };
    let kube = match (&opts.kube, iam) {
        (_, None) => None,
        (Some(kube), Some(())) => {
            let timeout = opts.call_timeout.unwrap_or(Duration::from_secs(30));
            within(deadline, k8s::read(kube, &target, timeout, calls, inv)).await
        }
        (None, Some(())) => {
            k8s::unread(
                &target,
                inv,
                "the Kubernetes API was not read (--no-kubernetes)",
            );
            Some(())
        }
    };
    if kube.is_none() {
        let stage = match (network.is_some(), iam) {
            (false, _) => "its network (EC2), IAM and Kubernetes API",
            (_, None) => "IAM and its Kubernetes API",
            _ => "its Kubernetes API",
        };
        calls.failed(format!("{stage} of {name}"), late);
        let why = format!("{late} while reading {stage}: what was not read may exist");
        k8s::unread(&target, inv, &why);
        let at = Prov::new(&region_file(region), 0, SourceKind::Live);
        not_read(inv, &cluster.id, at, why, None);
    }
    Ok(())
}

/// Record that a part of cluster `id` was not read (`why`): what it could show, resources of
/// `types` (`None`: anything), is then not taken as absent.
pub(crate) fn not_read(
    inv: &mut Inventory,
    id: &eksdoctor_inventory::Id,
    at: Prov,
    why: impl Into<String>,
    types: Option<&[&str]>,
) {
    inv.completeness.push_creating(
        Scope::Cluster(id.clone()),
        GapKind::Unread,
        why,
        at,
        types.map(|t| t.iter().map(|s| s.to_string()).collect()),
    );
}

/// `f`'s output, or `None` when the deadline passes first (what `f` did so far stays done).
async fn within<F: std::future::Future>(
    deadline: Option<tokio::time::Instant>,
    f: F,
) -> Option<F::Output> {
    match deadline {
        None => Some(f.await),
        Some(d) => tokio::time::timeout_at(d, f).await.ok(),
    }
}

/// The IAM roles of the cluster's node groups and add-ons, and whether the account has the
/// cluster's OIDC provider.
async fn read_iam(
    iam: &aws_sdk_iam::Client,
    c: &eks::ClusterRef,
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    let mut arns: Vec<String> = inv
        .node_groups
        .iter()
        .filter(|n| n.cluster == c.id)
        .filter_map(|n| n.node_role.known().cloned().flatten())
        .chain(
            inv.addons
                .iter()
                .filter(|a| a.cluster == c.id)
                .filter_map(|a| a.role.known().cloned().flatten()),
        )
        .map(|id| id.name().to_string())
        .collect();
    arns.sort();
    arns.dedup();
    iam::read_roles(iam, &arns, calls, inv).await;
    let provider = match (&c.oidc_issuer, iam::oidc_issuers(iam, calls).await) {
        (Some(issuer), Ok(list)) => {
            let host_path = issuer.trim_start_matches("https://").trim_end_matches('/');
            Ok(list.iter().any(|i| i == host_path))
        }
        (None, Ok(_)) => Err("the EKS API response gives no OIDC issuer for it".to_string()),
        (_, Err(why)) => Err(format!(
            "the account's OIDC providers could not be listed (iam:ListOpenIDConnectProviders): {why}"
        )),
    };
    if let Some(cluster) = inv.clusters.iter_mut().find(|x| x.id == c.id) {
        let at = cluster.at.clone();
        cluster.oidc_provider = match provider {
            Ok(has) => Val::set(has, at),
            Err(why) => Val::unknown(why, at),
        };
    }
}

async fn aws_config(opts: &Options) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(r) = &opts.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let timeout = opts.call_timeout.unwrap_or(Duration::from_secs(30));
    loader = loader.timeout_config(
        aws_config::timeout::TimeoutConfig::builder()
            .operation_timeout(timeout)
            .build(),
    );
    let base = loader.load().await;
    let Some(role) = &opts.role_arn else {
        return base;
    };
    // The role to read with, assumed (and refreshed) with the default chain's credentials.
    let assumed = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("eksdoctor")
        .configure(&base)
        .build()
        .await;
    base.into_builder()
        .credentials_provider(aws_sdk_eks::config::SharedCredentialsProvider::new(assumed))
        .build()
}

/// The calls made, and those that failed (what, why), for the summary and the notes.
#[derive(Default)]
pub(crate) struct Calls {
    pub made: usize,
    pub denied: Vec<(String, String)>,
    progress: Option<Progress>,
}

impl Calls {
    /// Say what is read next (to the progress display, if any).
    pub(crate) fn stage(&self, what: &str) {
        if let Some(p) = &self.progress {
            (p.0)(what, self.made);
        }
    }

    /// Record one failed call: `what` it was to read and the service's error.
    pub(crate) fn failed(&mut self, what: impl Into<String>, why: impl Into<String>) {
        self.denied.push((what.into(), why.into()));
    }
}

/// What an SDK error says: the service's code and message; for a response that is not the
/// service's (a server that does not serve the API), its HTTP status; or the transport's failure.
pub(crate) fn error_text<E>(
    e: &aws_sdk_eks::error::SdkError<E, aws_sdk_eks::config::http::HttpResponse>,
) -> String
where
    E: aws_sdk_eks::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_eks::error::{ProvideErrorMetadata, SdkError};
    match (e.code(), e.message()) {
        (Some(c), Some(m)) => return format!("{c}: {m}"),
        (Some(c), None) => return c.to_string(),
        _ => {}
    }
    match e {
        SdkError::TimeoutError(_) => "the call timed out".to_string(),
        SdkError::DispatchFailure(_) => match root_cause(e) {
            // The SDK resolves credentials when it dispatches the request.
            c if c.contains("credentials") => format!("no usable AWS credentials: {c}"),
            c => format!("the endpoint could not be reached ({c})"),
        },
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            match e.raw_response().map_or(0, |r| r.status().as_u16()) {
                403 => "access denied (HTTP 403)".to_string(),
                401 => "not authenticated (HTTP 401)".to_string(),
                code => format!("the endpoint's answer (HTTP {code}) is not this API's"),
            }
        }
        _ => format!("the request could not be made ({})", root_cause(e)),
    }
}

/// How many Describe calls of one list are in flight at once: enough to hide the round trips of
/// a cluster with many node groups or add-ons, few enough to stay clear of the APIs' throttling.
pub(crate) const CONCURRENT_CALLS: usize = 8;

/// One Describe call per name (`describe`), at most [`CONCURRENT_CALLS`] at a time, each
/// failure recorded as `what(name)`; the objects read (in the order of `names`), and whether
/// any call failed.
pub(crate) async fn describe_each<T, E, Fut>(
    names: Vec<String>,
    calls: &mut Calls,
    what: impl Fn(&str) -> String,
    describe: impl Fn(String) -> Fut,
) -> (Vec<T>, bool)
where
    Fut: std::future::Future<
        Output = Result<
            Option<T>,
            aws_sdk_eks::error::SdkError<E, aws_sdk_eks::config::http::HttpResponse>,
        >,
    >,
    E: aws_sdk_eks::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use futures_util::stream::{self, StreamExt};
    let answers: Vec<_> = stream::iter(names.into_iter().map(|n| {
        let call = describe(n.clone());
        async move { (n, call.await) }
    }))
    .buffered(CONCURRENT_CALLS)
    .collect()
    .await;
    let (mut out, mut failed) = (Vec::new(), false);
    for (n, answer) in answers {
        calls.made += 1;
        match answer {
            Ok(o) => out.extend(o),
            Err(e) => {
                calls.failed(what(&n), error_text(&e));
                failed = true;
            }
        }
    }
    (out, failed)
}

/// The innermost error of a chain (a missing credential, a refused connection): what a user can
/// act on, without the layers of the SDK around it.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Where notes about a region (not one object) point.
fn region_file(region: &str) -> std::sync::Arc<str> {
    format!("<aws:{region}>").into()
}

fn note(region: &str, cluster: &str, why: String) -> Note {
    Note {
        at: Prov::new(&region_file(region), 0, SourceKind::Live),
        message: format!("cluster `{cluster}` not read: {why}"),
    }
}
