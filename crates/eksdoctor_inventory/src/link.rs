//! Objects of one root module that belong to a cluster of another: a Terraform root often reads
//! its cluster with `data "aws_eks_cluster"` (or names it in `cluster_name`) and adds add-ons,
//! access entries, Pod Identity, node groups or the IRSA provider to it. When that cluster is in
//! the same scan, they join it, so its rules see everything the scan holds for it.

use crate::{Id, Inventory, Val};
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
        let relink = |id: &mut Id| {
            if !ids.contains(id) {
                if let Some(Some(c)) = by_name.get(id.name()) {
                    *id = c.clone();
                }
            }
        };
        self.node_groups
            .iter_mut()
            .for_each(|x| relink(&mut x.cluster));
        self.fargate_profiles
            .iter_mut()
            .for_each(|x| relink(&mut x.cluster));
        self.addons.iter_mut().for_each(|x| relink(&mut x.cluster));
        self.access_entries
            .iter_mut()
            .for_each(|x| relink(&mut x.cluster));
        self.pod_identity_associations
            .iter_mut()
            .for_each(|x| relink(&mut x.cluster));
        self.identity_providers
            .iter_mut()
            .for_each(|x| relink(&mut x.cluster));
        self.oidc_providers
            .iter_mut()
            .for_each(|x| relink(&mut x.cluster));
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
}
