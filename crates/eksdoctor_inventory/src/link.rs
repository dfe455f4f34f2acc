//! Objects of one root module that belong to a cluster of another: a Terraform root often reads
//! its cluster with `data "aws_eks_cluster"` (or names it in `cluster_name`) and adds add-ons,
//! access entries, Pod Identity, node groups or the IRSA provider to it. When that cluster is in
//! the same scan, they join it, so its rules see everything the scan holds for it.

use crate::{GapKind, Id, Inventory, Prov, Scope, Val};
use std::collections::{HashMap, HashSet};

impl Inventory {
    /// A cluster read from an input that only adds to it ([`Inventory::additions`]) joins the one
    /// other scanned cluster of its name (and region, where both say), preferring one defined in
    /// the same directory: its node groups, Fargate
    /// profiles, add-ons, access entries, identities and mappings point at that cluster, and the
    /// stand-in is dropped. With none, or several, the stand-in stays, its defaults unknown.
    pub(crate) fn join_additions(&mut self) {
        let additions = std::mem::take(&mut self.additions);
        let mut joined: HashMap<Id, Id> = HashMap::new();
        for a in &additions {
            let Some(stand_in) = self.clusters.iter().find(|c| &c.id == a) else {
                continue;
            };
            let same_region = |c: &crate::Cluster| match (c.region.known(), stand_in.region.known())
            {
                (Some(x), Some(y)) => x == y,
                _ => true,
            };
            let mut targets: Vec<&crate::Cluster> = self
                .clusters
                .iter()
                .filter(|c| !additions.contains(&c.id))
                .filter(|c| c.name.known().is_some() && c.name.known() == stand_in.name.known())
                .filter(|c| same_region(c))
                .collect();
            // A cluster defined beside the file (its directory) is the one it adds to.
            let dir = |p: &Prov| {
                std::path::Path::new(&*p.file)
                    .parent()
                    .map(|d| d.to_path_buf())
            };
            if targets.iter().any(|c| dir(&c.at) == dir(&stand_in.at)) {
                targets.retain(|c| dir(&c.at) == dir(&stand_in.at));
            }
            match targets.as_slice() {
                [t] => {
                    joined.insert(a.clone(), t.id.clone());
                }
                [] => {}
                many => self.notes.push(crate::Note {
                    at: stand_in.at.clone(),
                    message: format!(
                        "`{}` adds to cluster `{}`, which {} scanned clusters are called: it joins none of them",
                        stand_in.at.file,
                        stand_in.name.known().map_or("", String::as_str),
                        many.len()
                    ),
                }),
            }
        }
        if joined.is_empty() {
            self.additions = additions;
            return;
        }
        self.for_each_cluster_ref(|id, _, _| {
            if let Some(t) = joined.get(id) {
                *id = t.clone();
            }
        });
        let retarget = |c: &mut Option<Id>| {
            if let Some(t) = c.as_ref().and_then(|c| joined.get(c)) {
                *c = Some(t.clone());
            }
        };
        self.auth_mappings
            .iter_mut()
            .for_each(|x| retarget(&mut x.cluster));
        self.subnets
            .iter_mut()
            .for_each(|x| retarget(&mut x.cluster));
        self.resolve_joined_subnets(&joined);
        self.clusters.retain(|c| !joined.contains_key(&c.id));
        self.additions = additions
            .into_iter()
            .filter(|a| !joined.contains_key(a))
            .collect();
        self.reset_index();
    }

    /// Visit the cluster reference of every object that names its cluster (node groups, Fargate
    /// profiles, add-ons, access entries, Pod Identity associations, identity providers, OIDC
    /// providers), with the resource type it stands for and where it is.
    fn for_each_cluster_ref(&mut self, mut f: impl FnMut(&mut Id, &'static str, &Prov)) {
        for x in self.node_groups.iter_mut() {
            f(&mut x.cluster, "aws_eks_node_group", &x.at);
        }
        for x in self.fargate_profiles.iter_mut() {
            f(&mut x.cluster, "aws_eks_fargate_profile", &x.at);
        }
        for x in self.addons.iter_mut() {
            f(&mut x.cluster, "aws_eks_addon", &x.at);
        }
        for x in self.access_entries.iter_mut() {
            f(&mut x.cluster, "aws_eks_access_entry", &x.at);
        }
        for x in self.pod_identity_associations.iter_mut() {
            f(&mut x.cluster, "aws_eks_pod_identity_association", &x.at);
        }
        for x in self.identity_providers.iter_mut() {
            f(&mut x.cluster, "aws_eks_identity_provider_config", &x.at);
        }
        for x in self.oidc_providers.iter_mut() {
            f(&mut x.cluster, "aws_iam_openid_connect_provider", &x.at);
        }
    }

    /// Subnet references of node groups that joined a cluster: an eksctl key (`private-a`) names
    /// a subnet of that cluster's `vpc.subnets` (`private.private-a` or `public.private-a`).
    fn resolve_joined_subnets(&mut self, joined: &HashMap<Id, Id>) {
        let targets: HashSet<&Id> = joined.values().collect();
        let names: HashSet<(Id, String)> = self
            .subnets
            .iter()
            .filter_map(|s| Some((s.cluster.clone()?, s.name.name().to_string())))
            .filter(|(c, _)| targets.contains(c))
            .collect();
        for ng in self
            .node_groups
            .iter_mut()
            .filter(|n| targets.contains(&n.cluster))
        {
            let Val::Known { value, .. } = &mut ng.subnets else {
                continue;
            };
            for r in value.iter_mut() {
                let found = ["private", "public"]
                    .iter()
                    .map(|role| format!("{role}.{}", r.name()))
                    .filter(|n| names.contains(&(ng.cluster.clone(), n.clone())))
                    .collect::<Vec<_>>();
                if let [one] = found.as_slice() {
                    *r = Id::global(one.clone());
                }
            }
        }
    }

    /// Relink every object whose cluster is a name (not a scanned cluster's id) to the one
    /// scanned cluster of that name; a name two clusters share links nothing.
    pub(crate) fn link_by_name(&mut self) {
        let mut by_name: HashMap<String, Option<Id>> = HashMap::new();
        for c in &self.clusters {
            if let Some(n) = c.name.known() {
                by_name
                    .entry(n.clone())
                    .and_modify(|e| {
                        if e.as_ref() != Some(&c.id) {
                            *e = None;
                        }
                    })
                    .or_insert_with(|| Some(c.id.clone()));
            }
        }
        let ids: HashSet<Id> = self.clusters.iter().map(|c| c.id.clone()).collect();
        // Objects naming a cluster that several scanned clusters share: (name, type, where).
        let mut shared: Vec<(String, &'static str, Prov)> = Vec::new();
        let mut relink = |id: &mut Id, rtype: &'static str, at: &Prov| {
            if ids.contains(id) {
                return;
            }
            match by_name.get(id.name()) {
                Some(Some(c)) => *id = c.clone(),
                Some(None) => shared.push((id.name().to_string(), rtype, at.clone())),
                None => {}
            }
        };
        self.for_each_cluster_ref(|id, rtype, at| relink(id, rtype, at));
        self.shared_name_gaps(shared);
        // An IRSA provider made elsewhere gives its cluster one.
        for p in &self.oidc_providers {
            if let Some(c) = self.clusters.iter_mut().find(|c| c.id == p.cluster) {
                if c.oidc_provider.known() != Some(&true) {
                    c.oidc_provider = Val::set(true, p.at.clone());
                }
            }
        }
        self.reset_index();
    }

    /// What names a cluster that several scanned clusters share may belong to any of them: for
    /// each, the absence of that kind of object is then not a fact (a gap that may create it).
    fn shared_name_gaps(&mut self, shared: Vec<(String, &'static str, Prov)>) {
        for (name, rtype, at) in shared {
            let clusters: Vec<Id> = self
                .clusters
                .iter()
                .filter(|c| c.name.known() == Some(&name))
                .map(|c| c.id.clone())
                .collect();
            for id in &clusters {
                let dup = self.completeness.gaps.iter().any(|g| {
                    g.kind == GapKind::Elsewhere
                        && g.scope == Scope::Cluster(id.clone())
                        && g.at == at
                });
                if dup {
                    continue;
                }
                let what = format!(
                    "{} at {}:{} names cluster `{name}`, which {} scanned clusters are called: it may belong to this one",
                    rtype, at.file, at.line, clusters.len()
                );
                self.part_elsewhere(id, what, at.clone(), vec![rtype.to_string()]);
            }
        }
    }
}
