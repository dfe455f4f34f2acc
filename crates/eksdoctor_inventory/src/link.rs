//! Objects of one root module that belong to a cluster of another: a Terraform root often reads
//! its cluster with `data "aws_eks_cluster"` (or names it in `cluster_name`) and adds add-ons,
//! access entries, Pod Identity, node groups or the IRSA provider to it. When that cluster is in
//! the same scan, they join it, so its rules see everything the scan holds for it.

use crate::{GapKind, Id, Inventory, Prov, Scope, Val};
use std::collections::{HashMap, HashSet};

impl Inventory {
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
        for x in self.node_groups.iter_mut() {
            relink(&mut x.cluster, "aws_eks_node_group", &x.at);
        }
        for x in self.fargate_profiles.iter_mut() {
            relink(&mut x.cluster, "aws_eks_fargate_profile", &x.at);
        }
        for x in self.addons.iter_mut() {
            relink(&mut x.cluster, "aws_eks_addon", &x.at);
        }
        for x in self.access_entries.iter_mut() {
            relink(&mut x.cluster, "aws_eks_access_entry", &x.at);
        }
        for x in self.pod_identity_associations.iter_mut() {
            relink(&mut x.cluster, "aws_eks_pod_identity_association", &x.at);
        }
        for x in self.identity_providers.iter_mut() {
            relink(&mut x.cluster, "aws_eks_identity_provider_config", &x.at);
        }
        for x in self.oidc_providers.iter_mut() {
            relink(&mut x.cluster, "aws_iam_openid_connect_provider", &x.at);
        }
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
