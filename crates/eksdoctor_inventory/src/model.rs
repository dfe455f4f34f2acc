//! The inventory model. Identifiers (`cluster`, `subnet` references) are the names sources give
//! objects: an eksctl cluster's `metadata.name`, a Terraform address later, an ARN live.

use crate::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// An EKS insight (`eks:DescribeInsight`): one of AWS's upgrade-readiness or configuration
/// checks of a running cluster, with its result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Insight {
    pub cluster: Id,
    pub name: String,
    /// `UPGRADE_READINESS` or `MISCONFIGURATION`.
    pub category: String,
    /// The Kubernetes version it is about, for upgrade readiness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    /// `WARNING`, `ERROR` or `UNKNOWN` (passing insights are not kept).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub at: Prov,
}

impl Insight {
    /// One line: name, category and version, status and reason, description.
    pub fn summary(&self) -> String {
        format!(
            "`{}` ({}{}): {}{}{}",
            self.name,
            self.category,
            self.kubernetes_version
                .as_deref()
                .map(|v| format!(", Kubernetes {v}"))
                .unwrap_or_default(),
            self.status,
            self.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default(),
            self.description
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
        )
    }
}

/// Everything sources found, plus the input problems they met on the way.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Inventory {
    pub clusters: Vec<Cluster>,
    pub node_groups: Vec<NodeGroup>,
    pub fargate_profiles: Vec<FargateProfile>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub launch_templates: Vec<LaunchTemplate>,
    pub iam_roles: Vec<IamRole>,
    pub addons: Vec<Addon>,
    pub access_entries: Vec<AccessEntry>,
    /// aws-auth `mapUsers` / `mapRoles` entries and eksctl `iamIdentityMappings`.
    pub auth_mappings: Vec<AuthMapping>,
    pub pod_identity_associations: Vec<PodIdentityAssociation>,
    /// OIDC identity providers for authenticating users to a cluster.
    pub identity_providers: Vec<IdentityProvider>,
    /// IAM OIDC providers (IRSA) defined away from their cluster.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oidc_providers: Vec<OidcProvider>,
    /// Clusters read from inputs that only add to a cluster (an eksctl ClusterConfig with no
    /// cluster-level field, as `eksctl create nodegroup -f` takes): they join the scanned cluster
    /// they name when there is one ([`Inventory::finish`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additions: Vec<Id>,
    /// Inline suppressions (`# eksdoctor:ignore RULE -- reason`) in the scanned files.
    pub suppressions: Vec<Suppression>,
    pub k8s: K8sObjects,
    /// Files read, by source kind.
    pub files: Vec<ScannedFile>,
    /// Problems with the input: file, line, message. The scan goes on without that file or document.
    pub errors: Vec<InputError>,
    /// Things a source could not decide and that a user may want to know (`--show-unknown`).
    pub notes: Vec<Note>,
    /// AWS's own checks of running clusters (EKS insights) that are not passing, shown beside
    /// the findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub insights: Vec<Insight>,
    /// Instance types EC2 described (live mode), for types the embedded table lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_types: Vec<InstanceType>,
    /// What the scan could not see, per root module and per cluster: consulted before a rule
    /// concludes from an absence.
    pub completeness: Completeness,
    /// Lookup tables, built on the first query (after the sources have filled the inventory).
    #[serde(skip)]
    pub(crate) index: std::sync::OnceLock<Index>,
    /// Files matching a pattern belong to the named cluster (configuration `[[clusters]]`);
    /// consulted before the directory layout.
    #[serde(skip)]
    pub cluster_mapping: Vec<(globset::GlobMatcher, String)>,
    /// What clusters have outside the scanned code (configuration `[[clusters]] external`),
    /// turned into gaps of those clusters when the inventory is finished.
    #[serde(skip)]
    pub external: Vec<External>,
}

/// One `[[clusters]] external` declaration: cluster `cluster` has `what` (resources of `types`)
/// managed outside the scanned code.
#[derive(Debug, Clone)]
pub struct External {
    pub cluster: String,
    pub what: String,
    pub types: Vec<String>,
    /// The configuration file that says so.
    pub file: String,
}

/// Positions of objects by the names other objects use for them, so that joins are lookups.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Clusters by id.
    clusters: std::collections::HashMap<Id, usize>,
    subnets: std::collections::HashMap<Id, Vec<usize>>,
    node_groups: std::collections::HashMap<Id, Vec<usize>>,
    fargate_profiles: std::collections::HashMap<Id, Vec<usize>>,
    addons: std::collections::HashMap<Id, Vec<usize>>,
    roles: std::collections::HashMap<Id, usize>,
    endpoints: std::collections::HashMap<Id, Vec<usize>>,
    /// Clusters by the directory they are defined in.
    cluster_dirs: std::collections::HashMap<std::path::PathBuf, Vec<usize>>,
    /// Cluster position assigned to each file holding Kubernetes objects (memoised).
    object_clusters: std::sync::Mutex<std::collections::HashMap<Arc<str>, Option<usize>>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScannedFile {
    pub file: Arc<str>,
    pub source: Option<SourceKind>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputError {
    pub file: Arc<str>,
    pub line: Option<u32>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Note {
    pub at: Prov,
    pub message: String,
}

impl Inventory {
    /// A Kubernetes object that Terraform applies (`kubectl_manifest`, `kubernetes_manifest`)
    /// from a manifest file that is scanned too (`yaml_body = file("sc.yaml")`) is one object, not
    /// two: the manifest file's copy is kept (findings point into it, its suppressions apply) and
    /// Terraform's is dropped; of several Terraform copies of one object the first is kept. One
    /// object is the same API group, kind, namespace and name in the same cluster. Call once the
    /// cluster mapping is set.
    /// What can only be done once every input is loaded and the cluster mapping is set: node
    /// groups read from Kubernetes objects (Karpenter `EC2NodeClass`, in a manifest or applied by
    /// Terraform) join the cluster their file belongs to, and Terraform's copies of scanned manifests are dropped.
    pub fn finish(&mut self) {
        self.join_additions();
        self.link_by_name();
        let clusters: Vec<Option<Id>> = self
            .node_groups
            .iter()
            .map(|n| {
                if n.cluster.name.is_empty() {
                    self.cluster_for(&n.at).map(|c| c.id.clone())
                } else {
                    None
                }
            })
            .collect();
        if clusters.iter().any(Option::is_some) {
            for (n, c) in self.node_groups.iter_mut().zip(clusters) {
                if let Some(c) = c {
                    n.cluster = c;
                }
            }
            // Node groups are indexed by cluster.
            self.reset_index();
        }
        self.drop_terraform_copies();
        self.assign_object_clusters();
        self.assign_mapping_clusters();
        self.place_gaps();
        self.declared_external();
    }

    /// `[[clusters]] external`: each declared part is a gap of its cluster that may create
    /// resources of its types, and a missing OIDC provider declared external is not known.
    fn declared_external(&mut self) {
        let external = std::mem::take(&mut self.external);
        for e in &external {
            let Some(c) = self
                .clusters
                .iter()
                .find(|c| c.name.known() == Some(&e.cluster) || c.id.name() == e.cluster)
            else {
                continue;
            };
            let what = format!(
                "{} declares the {} of cluster `{}` external ([[clusters]] external)",
                e.file, e.what, e.cluster
            );
            let (id, at) = (c.id.clone(), c.at.clone());
            self.part_elsewhere(&id, what, at, e.types.clone());
        }
        self.external = external;
    }

    /// Part of cluster `id` (resources of `types`) may be made outside its unit of deployment,
    /// as `what` says: a gap of the cluster that may create them, and, when they include the IAM
    /// OIDC provider, a provider found missing is not known after all.
    pub(crate) fn part_elsewhere(&mut self, id: &Id, what: String, at: Prov, types: Vec<String>) {
        if types.iter().any(|t| t == "aws_iam_openid_connect_provider") {
            if let Some(c) = self.clusters.iter_mut().find(|c| &c.id == id) {
                if c.oidc_provider.known() == Some(&false) {
                    c.oidc_provider = Val::unknown(what.clone(), c.oidc_provider.at().clone());
                }
            }
        }
        self.completeness.push_creating(
            Scope::Cluster(id.clone()),
            GapKind::Elsewhere,
            what,
            at,
            Some(types),
        );
    }

    /// Gaps about objects applied to a cluster not decided yet get the cluster their place names.
    fn place_gaps(&mut self) {
        let placed: Vec<Option<Id>> = self
            .completeness
            .gaps
            .iter()
            .map(|g| match g.scope {
                Scope::Unplaced => self.cluster_for(&g.at).map(|c| c.id.clone()),
                _ => None,
            })
            .collect();
        for (g, id) in self.completeness.gaps.iter_mut().zip(placed) {
            if let Some(id) = id {
                g.scope = Scope::Cluster(id);
            }
        }
    }

    /// aws-auth mappings read from manifests (or applied by Terraform) get the cluster their
    /// place says, as the ConfigMap's other objects do; eksctl's name theirs.
    fn assign_mapping_clusters(&mut self) {
        let ids: Vec<Option<Id>> = self
            .auth_mappings
            .iter()
            .map(|m| match &m.cluster {
                Some(_) => None,
                None => self.cluster_for(&m.at).map(|c| c.id.clone()),
            })
            .collect();
        let mut unplaced: Vec<Prov> = Vec::new();
        for (m, id) in self.auth_mappings.iter_mut().zip(ids) {
            if id.is_some() {
                m.cluster = id;
            } else if m.cluster.is_none() && !unplaced.iter().any(|p| p.file == m.at.file) {
                unplaced.push(m.at.clone());
            }
        }
        // Scanned with several clusters, none of which it can be told to belong to: it counts for
        // none (as it would in a scan of each cluster's own files), and the user is told.
        if !self.clusters.is_empty() {
            for at in unplaced {
                self.notes.push(Note {
                    message: format!(
                        "aws-auth identity mappings in {}: which of the {} scanned clusters they belong to is not known (not in a cluster's directory); they count for none: map the file with `[[clusters]]`",
                        at.file,
                        self.clusters.len()
                    ),
                    at,
                });
            }
        }
    }

    /// Each Kubernetes object gets the cluster it runs on ([`ObjectRef::cluster`]).
    fn assign_object_clusters(&mut self) {
        let ids: Vec<Option<Id>> = {
            let mut k8s = std::mem::take(&mut self.k8s);
            let ids = k8s
                .refs_mut()
                .iter()
                .map(|o| self.cluster_for(&o.at).map(|c| c.id.clone()))
                .collect();
            self.k8s = k8s;
            ids
        };
        for (o, id) in self.k8s.refs_mut().into_iter().zip(ids) {
            o.cluster = id;
        }
    }

    /// The cluster a Kubernetes object runs on (set by [`Inventory::finish`]).
    pub fn cluster_of(&self, o: &ObjectRef) -> Option<&Cluster> {
        let id = o.cluster.as_ref()?;
        self.index().clusters.get(id).map(|&i| &self.clusters[i])
    }

    pub fn drop_terraform_copies(&mut self) {
        fn retain<T>(v: &mut Vec<T>, keep: Vec<bool>) {
            let mut k = keep.into_iter();
            v.retain(|_| k.next().unwrap_or(true));
        }
        // Destructured without `..`: a new list of objects does not compile until it is
        // decided here whether Terraform's copies of it are dropped.
        let K8sObjects {
            objects,
            workloads,
            services,
            ingresses,
            storage_classes,
            pvcs,
            pvs,
            hpas,
            pdbs,
            service_accounts,
            namespaces,
            metrics_server,
            cluster_autoscaler,
            ebs_csi,
            // Read from a cluster's API only: Terraform never applies them.
            nodes: _,
            cni: _,
        } = &self.k8s;
        let objects = self.keep_flags(objects.iter());
        let workloads = self.keep_flags(workloads.iter().map(|w| &w.obj));
        let services = self.keep_flags(services.iter().map(|x| &x.obj));
        let ingresses = self.keep_flags(ingresses.iter().map(|x| &x.obj));
        let classes = self.keep_flags(storage_classes.iter().map(|x| &x.obj));
        let pvcs = self.keep_flags(pvcs.iter().map(|x| &x.obj));
        let pvs = self.keep_flags(pvs.iter().map(|x| &x.obj));
        let hpas = self.keep_flags(hpas.iter().map(|x| &x.obj));
        let pdbs = self.keep_flags(pdbs.iter());
        let accounts = self.keep_flags(service_accounts.iter().map(|x| &x.obj));
        let namespaces = self.keep_flags(namespaces.iter());
        let metrics = self.keep_flags(metrics_server.iter());
        let autoscaler = self.keep_flags(cluster_autoscaler.iter());
        let ebs_csi = self.keep_flags(ebs_csi.iter());
        let k = &mut self.k8s;
        retain(&mut k.objects, objects);
        retain(&mut k.workloads, workloads);
        retain(&mut k.services, services);
        retain(&mut k.ingresses, ingresses);
        retain(&mut k.storage_classes, classes);
        retain(&mut k.pvcs, pvcs);
        retain(&mut k.pvs, pvs);
        retain(&mut k.hpas, hpas);
        retain(&mut k.pdbs, pdbs);
        retain(&mut k.service_accounts, accounts);
        retain(&mut k.namespaces, namespaces);
        retain(&mut k.metrics_server, metrics);
        retain(&mut k.cluster_autoscaler, autoscaler);
        retain(&mut k.ebs_csi, ebs_csi);
    }

    /// For each object, whether [`Self::drop_terraform_copies`] keeps it.
    fn keep_flags<'a>(&self, objs: impl Iterator<Item = &'a ObjectRef>) -> Vec<bool> {
        let objs: Vec<&ObjectRef> = objs.collect();
        let from_terraform =
            |o: &ObjectRef| matches!(o.at.source, crate::SourceKind::Tf | crate::SourceKind::Plan);
        if !objs.iter().any(|o| from_terraform(o)) {
            return vec![true; objs.len()];
        }
        let name = |o: &ObjectRef| {
            let group = o.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            (
                group.to_string(),
                o.kind.clone(),
                o.namespace.known().cloned().unwrap_or_default(),
                o.name.clone(),
            )
        };
        let cluster = |o: &ObjectRef| self.cluster_for(&o.at).map(|c| c.id.clone());
        // Which cluster an object belongs to is looked up only for names Terraform applies too.
        let terraform_names: std::collections::HashSet<_> = objs
            .iter()
            .filter(|o| from_terraform(o))
            .map(|o| name(o))
            .collect();
        let mut seen: Vec<(_, Option<Id>, std::path::PathBuf)> = objs
            .iter()
            .filter(|o| !from_terraform(o) && terraform_names.contains(&name(o)))
            .map(|o| (name(o), cluster(o), absolute_file(&o.at.file)))
            .collect();
        // A copy: the same object on the same cluster; on no known cluster, only when the
        // manifest lies in the Terraform object's directory tree (the file it reads), so that
        // independent directories scanned together do not drop each other's objects.
        objs.iter()
            .map(|o| {
                if !from_terraform(o) {
                    return true;
                }
                let (n, c, file) = (name(o), cluster(o), absolute_file(&o.at.file));
                let dir = file.parent().unwrap_or(std::path::Path::new(""));
                let copy = seen
                    .iter()
                    .any(|(sn, sc, f)| *sn == n && *sc == c && (c.is_some() || f.starts_with(dir)));
                if !copy {
                    seen.push((n, c, file));
                }
                !copy
            })
            .collect()
    }

    /// True when some infrastructure (a cluster definition) is in scope.
    pub fn has_infrastructure(&self) -> bool {
        !self.clusters.is_empty()
    }

    /// True when Kubernetes manifests are in scope.
    pub fn has_manifests(&self) -> bool {
        self.files.iter().any(|f| f.source == Some(SourceKind::K8s))
    }

    /// The cluster the manifests belong to: the only cluster in scope, if there is exactly one.
    pub fn sole_cluster(&self) -> Option<&Cluster> {
        match self.clusters.as_slice() {
            [c] => Some(c),
            _ => None,
        }
    }

    /// The cluster a Kubernetes object (at `at`) belongs to: the only cluster in scope; else the
    /// cluster defined in the same file, or in the nearest directory above the object's file
    /// (`envs/prod/cluster.yaml` owns `envs/prod/apps/*.yaml`) when exactly one is defined there.
    /// `None` when that does not decide it. An object read from a cluster's API belongs to that
    /// cluster (its provenance names it).
    pub fn cluster_for(&self, at: &Prov) -> Option<&Cluster> {
        if let Some(o) = at.object.as_deref() {
            let name = o.cluster.as_deref()?;
            return self
                .clusters
                .iter()
                .find(|c| c.id.name() == name || c.name.known().map(String::as_str) == Some(name));
        }
        let mapped = if self.cluster_mapping.is_empty() {
            None
        } else {
            let abs = std::path::absolute(&*at.file).unwrap_or_else(|_| (&*at.file).into());
            self.cluster_mapping.iter().find(|(m, _)| m.is_match(&abs))
        };
        if let Some((_, name)) = mapped {
            return self
                .clusters
                .iter()
                .find(|c| c.name.known() == Some(name) || c.id.name() == name);
        }
        if let Some(c) = self.sole_cluster() {
            return Some(c);
        }
        if self.clusters.is_empty() {
            return None;
        }
        let ix = self.index();
        let mut memo = ix.object_clusters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = memo.get(&at.file) {
            return found.map(|i| &self.clusters[i]);
        }
        let same_file: Vec<usize> = (0..self.clusters.len())
            .filter(|&i| self.clusters[i].at.file == at.file)
            .collect();
        let found = if same_file.len() == 1 {
            Some(same_file[0])
        } else if same_file.len() > 1 {
            None
        } else {
            // The nearest directory (the object's own, then upwards) that defines clusters;
            // absolute, so `./envs/prod/k8s` finds the cluster of `envs/prod`.
            let own = std::path::Path::new(&*at.file).parent().map(absolute_dir);
            let mut dir = own.as_deref();
            let mut found = None;
            while let Some(d) = dir {
                if let Some(list) = ix.cluster_dirs.get(d) {
                    found = (list.len() == 1).then(|| list[0]);
                    break;
                }
                dir = d.parent();
            }
            found
        };
        memo.insert(at.file.clone(), found);
        found.map(|i| &self.clusters[i])
    }

    /// Forget the lookup tables (after the lists changed); they are rebuilt on the next query.
    pub(crate) fn reset_index(&mut self) {
        self.index = std::sync::OnceLock::new();
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut ix = Index::default();
            for (i, c) in self.clusters.iter().enumerate() {
                ix.clusters.entry(c.id.clone()).or_insert(i);
            }
            for (i, s) in self.subnets.iter().enumerate() {
                ix.subnets.entry(s.name.clone()).or_default().push(i);
                if let Some(id) = &s.id {
                    let id = Id::global(id.as_str());
                    if id != s.name {
                        ix.subnets.entry(id).or_default().push(i);
                    }
                }
            }
            for (i, n) in self.node_groups.iter().enumerate() {
                ix.node_groups.entry(n.cluster.clone()).or_default().push(i);
            }
            for (i, f) in self.fargate_profiles.iter().enumerate() {
                ix.fargate_profiles
                    .entry(f.cluster.clone())
                    .or_default()
                    .push(i);
            }
            for (i, a) in self.addons.iter().enumerate() {
                ix.addons.entry(a.cluster.clone()).or_default().push(i);
            }
            for (i, r) in self.iam_roles.iter().enumerate() {
                ix.roles.entry(r.id.clone()).or_insert(i);
            }
            // By IAM name too (a Karpenter EC2NodeClass names its role so), where one role of
            // the scan has that name.
            let mut by_name: std::collections::HashMap<&str, Vec<usize>> = Default::default();
            for (i, r) in self.iam_roles.iter().enumerate() {
                if let Some(n) = &r.name {
                    by_name.entry(n.as_str()).or_default().push(i);
                }
            }
            for (n, is) in by_name {
                if let [i] = is.as_slice() {
                    ix.roles.entry(Id::global(n)).or_insert(*i);
                }
            }
            for (i, e) in self.vpc_endpoints.iter().enumerate() {
                if let Some(v) = &e.vpc {
                    ix.endpoints.entry(v.clone()).or_default().push(i);
                }
            }
            for (i, dir) in self
                .clusters
                .iter()
                .map(|c| {
                    // Terraform clusters live in their root module (the identifier's namespace);
                    // a plan's in the plan's directory; others (eksctl, whose namespace is its
                    // file) in the directory of the file that defines them.
                    let home = match c.id.root() {
                        Some(ns) if c.at.source == SourceKind::Tf => Some(std::path::Path::new(ns)),
                        _ => std::path::Path::new(&*c.at.file).parent(),
                    };
                    home.map(std::path::Path::to_path_buf).unwrap_or_default()
                })
                .enumerate()
            {
                ix.cluster_dirs
                    .entry(absolute_dir(&dir))
                    .or_default()
                    .push(i);
            }
            ix
        })
    }

    pub fn node_groups_of<'a>(&'a self, cluster: &Id) -> impl Iterator<Item = &'a NodeGroup> {
        let ix = self
            .index()
            .node_groups
            .get(cluster)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.node_groups[i])
    }

    pub fn fargate_profiles_of<'a>(
        &'a self,
        cluster: &Id,
    ) -> impl Iterator<Item = &'a FargateProfile> {
        let ix = self
            .index()
            .fargate_profiles
            .get(cluster)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.fargate_profiles[i])
    }

    pub fn addons_of<'a>(&'a self, cluster: &Id) -> impl Iterator<Item = &'a Addon> {
        let ix = self
            .index()
            .addons
            .get(cluster)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.addons[i])
    }

    /// An IAM role by its identifier (address or ARN).
    pub fn iam_role(&self, id: &Id) -> Option<&IamRole> {
        self.index().roles.get(id).map(|&i| &self.iam_roles[i])
    }

    /// VPC endpoints of a VPC.
    pub fn endpoints_of<'a>(&'a self, vpc: &Id) -> impl Iterator<Item = &'a VpcEndpoint> {
        let ix = self
            .index()
            .endpoints
            .get(vpc)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        ix.iter().map(move |&i| &self.vpc_endpoints[i])
    }

    pub fn subnets_of<'a>(&'a self, cluster: &'a Id) -> impl Iterator<Item = &'a Subnet> {
        self.subnets
            .iter()
            .filter(move |s| s.cluster.as_ref() == Some(cluster))
    }

    /// A subnet by the reference a node group or profile uses (name or id).
    pub fn subnet(&self, cluster: &Id, reference: &Id) -> Option<&Subnet> {
        self.index()
            .subnets
            .get(reference)?
            .iter()
            .map(|&i| &self.subnets[i])
            .find(|s| s.cluster.as_ref().is_none_or(|c| c == cluster))
    }
}

/// `# eksdoctor:ignore RULE[,RULE…] -- reason` (or `//`): silences those rules' findings on its own
/// line or the line below it, when it gives a reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suppression {
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub at: Prov,
}

impl Suppression {
    /// Every suppression comment in a file's text.
    pub fn scan(file: &Arc<str>, text: &str, source: crate::SourceKind) -> Vec<Suppression> {
        const MARK: &str = "eksdoctor:ignore";
        let mut out = Vec::new();
        if !text.contains(MARK) {
            return out;
        }
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find(MARK) else { continue };
            // Only inside a comment: `#` or `//` before the marker.
            let before = &line[..pos];
            if !(before.contains('#') || before.contains("//")) {
                continue;
            }
            let rest = &line[pos + MARK.len()..];
            let (ids, reason) = match rest.split_once("--") {
                Some((ids, r)) => (ids, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
                None => (rest, None),
            };
            let rules: Vec<String> = ids
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            out.push(Suppression {
                rules,
                reason,
                at: Prov::new(file, i as u32 + 1, source),
            });
        }
        out
    }
}

/// A directory as an absolute, normalised path (the current directory for an empty one).
fn absolute_dir(d: &std::path::Path) -> std::path::PathBuf {
    let d = if d.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        d
    };
    crate::paths::normalize(&std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf()))
}

fn absolute_file(file: &str) -> std::path::PathBuf {
    crate::paths::normalize(&std::path::absolute(file).unwrap_or_else(|_| file.into()))
}
