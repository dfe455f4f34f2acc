//! What the scan could not see: the one record, per unit of deployment (a Terraform root module
//! or plan) and per cluster, that a rule consults before it concludes anything from an absence.
//!
//! A rule that finds something missing (no OIDC provider, no add-on, no metrics-server, no VPC
//! endpoint, no subnet tag) may conclude only when nothing in scope could have created it. Each
//! [`Gap`] names one thing that could: a module or resource whose content the scan cannot see, a
//! tag on a resource that is not known, an object Terraform applies whose content is known only
//! after apply, add-ons that may be managed outside the root module. The queries below answer
//! "is the record of this root module or cluster complete for X, and if not, why".

use crate::{Cluster, Id, Prov};
use serde::{Deserialize, Serialize};

/// Resource types through which a unit of deployment can give someone access to a cluster:
/// access entries, their policy associations, and the aws-auth ConfigMap ([`AWS_AUTH_TYPES`]).
pub const ACCESS_TYPES: &[&str] = &[
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "kubernetes_config_map",
    "kubernetes_config_map_v1",
    "kubernetes_config_map_v1_data",
];

/// The resource types that can write the aws-auth ConfigMap.
pub const AWS_AUTH_TYPES: &[&str] = ACCESS_TYPES.split_at(2).1;

/// Where a gap applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// A Terraform root module (its directory) or plan file: everything it defines.
    Root(String),
    /// One cluster.
    Cluster(Id),
    /// A cluster not decided yet (an object applied by Terraform, placed when the inventory is
    /// finished); when it cannot be placed, it counts for every cluster.
    Unplaced,
}

/// What a gap may hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GapKind {
    /// A module (or resource) whose resources the scan cannot see: it may create anything.
    Unscanned,
    /// A tag put on a resource that is not known (`aws_ec2_tag` with unknown key or target).
    UnknownTag,
    /// A Kubernetes object applied whose content is known only after apply.
    UnreadableObject,
    /// Part of a cluster is declared to be managed outside the scanned code
    /// (`[[clusters]] external`); `creates` says which resource types.
    Elsewhere,
    /// Part of a running cluster that live mode did not read (a denied List call, an API not
    /// read yet); `creates` says which resource types it would have shown.
    Unread,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gap {
    pub scope: Scope,
    pub kind: GapKind,
    /// What it is, for a reader: "module.addons (git::…) is not on disk".
    pub what: String,
    pub at: Prov,
    /// The resource types it may create, when known (a registry module by its documented
    /// resources, a resource whose `count` is not known); `None`: anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creates: Option<Vec<String>>,
}

impl Gap {
    /// True when this part may create a resource of type `rtype`.
    pub fn may_create(&self, rtype: &str) -> bool {
        self.creates
            .as_ref()
            .is_none_or(|types| types.iter().any(|t| t == rtype))
    }
}

/// Every gap of a scan (see the module documentation).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Completeness {
    pub gaps: Vec<Gap>,
}

impl Completeness {
    pub fn push(&mut self, scope: Scope, kind: GapKind, what: impl Into<String>, at: Prov) {
        self.push_creating(scope, kind, what, at, None);
    }

    /// A gap that may create only resources of the types `creates` (`None`: anything).
    pub fn push_creating(
        &mut self,
        scope: Scope,
        kind: GapKind,
        what: impl Into<String>,
        at: Prov,
        creates: Option<Vec<String>>,
    ) {
        self.gaps.push(Gap {
            scope,
            kind,
            what: what.into(),
            at,
            creates,
        });
    }

    /// The first unscanned part of `id`'s root module that may create a resource of `rtype`:
    /// while there is one, the absence of such a resource there is not a fact.
    pub fn unseen_creator(&self, id: &Id, rtype: &str) -> Option<&Gap> {
        id.root
            .as_deref()
            .and_then(|r| self.unseen_creator_in(r, rtype))
            .or_else(|| self.elsewhere(id, &[rtype]))
    }

    /// A part of cluster `id` declared to be managed outside the scanned code that may create
    /// a resource of one of `types`.
    pub fn elsewhere(&self, id: &Id, types: &[&str]) -> Option<&Gap> {
        self.of_cluster(id, GapKind::Elsewhere)
            .chain(self.of_cluster(id, GapKind::Unread))
            .find(|g| types.iter().any(|t| g.may_create(t)))
    }

    /// [`Completeness::unseen_creator`] for a root module named by its directory (or plan).
    pub fn unseen_creator_in(&self, root: &str, rtype: &str) -> Option<&Gap> {
        self.gaps.iter().find(|g| {
            g.kind == GapKind::Unscanned
                && matches!(&g.scope, Scope::Root(r) if r == root)
                && g.may_create(rtype)
        })
    }

    /// Gaps of the root module or plan that defines `id` (a Terraform address), of `kinds`.
    pub fn of_root<'a>(&'a self, id: &Id, kinds: &[GapKind]) -> impl Iterator<Item = &'a Gap> {
        let (root, kinds) = (id.root.clone(), kinds.to_vec());
        self.gaps.iter().filter(move |g| {
            kinds.contains(&g.kind)
                && matches!(&g.scope, Scope::Root(r) if Some(r.as_str()) == root.as_deref())
        })
    }

    /// The first part of `id`'s root module that the scan cannot see and that may create a
    /// resource of one of `types` (an unscanned module that may create anything or one of them,
    /// an unknown `count` over one of them), or an unknown tag: it may create what a rule finds
    /// missing.
    pub fn unseen_part(&self, id: &Id, types: &[&str]) -> Option<&Gap> {
        self.of_root(id, &[GapKind::Unscanned, GapKind::UnknownTag])
            .find(|g| g.kind == GapKind::UnknownTag || types.iter().any(|t| g.may_create(t)))
            .or_else(|| self.elsewhere(id, types))
    }

    /// Why cluster `c`'s add-ons may not all be in scope: a part of its root module that the
    /// scan cannot see and that may create add-ons, or add-ons declared to be managed outside
    /// it. `None`: every add-on is in scope, and one its root module does not define is absent.
    pub fn addons_gap(&self, c: &Cluster) -> Option<&Gap> {
        self.unseen_creator(&c.id, "aws_eks_addon")
    }

    /// Objects applied to cluster `id` (or to a cluster not known) whose content is not known.
    pub fn unreadable_objects<'a>(&'a self, id: &Id) -> impl Iterator<Item = &'a Gap> {
        let id = id.clone();
        self.gaps.iter().filter(move |g| {
            g.kind == GapKind::UnreadableObject
                && match &g.scope {
                    Scope::Cluster(c) => *c == id,
                    Scope::Unplaced => true,
                    Scope::Root(_) => false,
                }
        })
    }

    fn of_cluster<'a>(&'a self, id: &Id, kind: GapKind) -> impl Iterator<Item = &'a Gap> {
        let scope = Scope::Cluster(id.clone());
        self.gaps
            .iter()
            .filter(move |g| g.kind == kind && g.scope == scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceKind;
    use std::sync::Arc;

    #[test]
    fn gaps_apply_to_their_root_module_only() {
        let mut c = Completeness::default();
        let at = Prov::new(&Arc::from("envs/prod/main.tf"), 3, SourceKind::Tf);
        c.push(
            Scope::Root("envs/prod".into()),
            GapKind::Unscanned,
            "module.x is not on disk",
            at.clone(),
        );
        let prod: Arc<str> = "envs/prod".into();
        let dev: Arc<str> = "envs/dev".into();
        assert!(c
            .unseen_part(&Id::in_root(&prod, "aws_vpc.this"), &["aws_vpc_endpoint"])
            .is_some());
        assert!(c
            .unseen_part(&Id::in_root(&dev, "aws_vpc.this"), &["aws_vpc_endpoint"])
            .is_none());
        assert!(c
            .unseen_part(&Id::global("prod"), &["aws_vpc_endpoint"])
            .is_none());
        c.push(Scope::Unplaced, GapKind::UnreadableObject, "x", at);
        assert_eq!(c.unreadable_objects(&Id::global("any")).count(), 1);
    }
}
