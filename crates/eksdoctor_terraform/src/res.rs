//! Resource instances as evaluated (from HCL, from a community-module model or from a plan),
//! the common form the inventory mapping reads.

use crate::value::V;
use eksdoctor_inventory::Prov;
use std::collections::BTreeMap;

/// The evaluated body of a resource or of one of its nested blocks.
#[derive(Debug, Clone)]
pub struct RBody {
    pub at: Prov,
    pub attrs: BTreeMap<String, (V, Prov)>,
    pub blocks: Vec<(String, RBody)>,
    /// Attributes filled from a documented default rather than written (a community module's
    /// default), with the note findings show.
    pub defaults: BTreeMap<String, &'static str>,
    /// Attributes written as heredocs: their text starts on the line after the attribute's.
    pub heredocs: std::collections::BTreeSet<String>,
}

impl RBody {
    pub fn new(at: Prov) -> RBody {
        RBody {
            at,
            attrs: BTreeMap::new(),
            blocks: Vec::new(),
            defaults: BTreeMap::new(),
            heredocs: Default::default(),
        }
    }

    /// The default note of attribute `k`, when it was not written.
    pub fn default_of(&self, k: &str) -> Option<&'static str> {
        self.defaults.get(k).copied()
    }

    /// Mark every attribute set at `at` (here and in nested blocks) as a default.
    pub fn mark_defaults(&mut self, at: &Prov, why: &'static str) {
        for (k, (_, p)) in &self.attrs {
            if p == at {
                self.defaults.insert(k.clone(), why);
            }
        }
        for (_, b) in self.blocks.iter_mut() {
            b.mark_defaults(at, why);
        }
    }

    pub fn get(&self, k: &str) -> Option<&V> {
        self.attrs.get(k).map(|(v, _)| v).filter(|v| !v.is_null())
    }

    /// Where attribute `k` was set, or the body itself.
    pub fn at_of(&self, k: &str) -> Prov {
        self.attrs
            .get(k)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| self.at.clone())
    }

    pub fn set(&mut self, k: &str, v: V, at: Prov) {
        self.attrs.insert(k.to_string(), (v, at));
    }

    pub fn block(&self, k: &str) -> Option<&RBody> {
        self.blocks.iter().find(|(n, _)| n == k).map(|(_, b)| b)
    }

    pub fn blocks<'a>(&'a self, k: &'a str) -> impl Iterator<Item = &'a RBody> {
        self.blocks
            .iter()
            .filter(move |(n, _)| n == k)
            .map(|(_, b)| b)
    }
}

#[derive(Debug, Clone)]
pub struct Res {
    /// Full address, e.g. `module.eks.aws_eks_node_group.this["default"]`.
    pub addr: String,
    /// Address without the instance key (`module.eks.aws_eks_node_group.this`).
    pub base: String,
    pub rtype: String,
    pub data: bool,
    pub body: RBody,
    /// Set when this instance comes from a model of a community module rather than its code.
    pub modelled_by: Option<String>,
}
