//! Identities of inventory objects.
//!
//! An object is known by a name within the unit that defines it: a Terraform address within its
//! root module (or within the plan that lists it), an eksctl or Kubernetes name, an AWS id or an
//! ARN. Two root modules may both define `aws_eks_cluster.this`; their clusters are two objects,
//! so an identity is the pair, never one string. References between objects (a node group's
//! cluster, a subnet's VPC) are identities too, and joins compare both parts.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The identity of an inventory object, or a reference to one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Id {
    /// The Terraform root module (its directory) or plan file whose address `name` is; `None`
    /// for names that mean the same everywhere in a scan (an ARN, an AWS id, an eksctl cluster
    /// or a Kubernetes object name), and for Terraform addresses until the source sets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<Arc<str>>,
    /// The name users know: the address, ARN or name.
    pub name: String,
}

impl Id {
    /// A name that means the same everywhere in a scan (an ARN, an AWS id, an eksctl name).
    pub fn global(name: impl Into<String>) -> Id {
        Id {
            root: None,
            name: name.into(),
        }
    }

    /// The address `name` within the root module or plan `root`.
    pub fn in_root(root: &Arc<str>, name: impl Into<String>) -> Id {
        Id {
            root: Some(root.clone()),
            name: name.into(),
        }
    }

    /// The name users know, without the root module.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The root module or plan that defines the object, when it is a Terraform address.
    pub fn root(&self) -> Option<&str> {
        self.root.as_deref()
    }
}

impl From<&str> for Id {
    fn from(name: &str) -> Id {
        Id::global(name)
    }
}

impl From<String> for Id {
    fn from(name: String) -> Id {
        Id::global(name)
    }
}

/// An identity mentioned in a text (a finding's message or resource, an unknown's reason). A
/// Terraform address is written with its root module and [`crate::NS_SEP`] in front, so that
/// the text can later show the root module where the reader needs it (a finding located in a
/// module shared by several roots) and drop it elsewhere: see [`crate::qualify_namespaces`].
/// Use [`Id::name`] for the bare name.
impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root {
            Some(root) => write!(f, "{root}{}{}", crate::NS_SEP, self.name),
            None => f.write_str(&self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_address_in_two_roots_is_two_objects() {
        let prod: Arc<str> = "envs/prod".into();
        let dev: Arc<str> = "envs/dev".into();
        let a = Id::in_root(&prod, "aws_eks_cluster.this");
        let b = Id::in_root(&dev, "aws_eks_cluster.this");
        assert_ne!(a, b);
        assert_eq!(a.name(), b.name());
        assert_eq!(a.root(), Some("envs/prod"));
        assert_ne!(a, Id::global("aws_eks_cluster.this"));
    }

    #[test]
    fn mentions_resolve_to_the_bare_name() {
        let prod: Arc<str> = "envs/prod".into();
        let id = Id::in_root(&prod, "aws_eks_cluster.this");
        let text = format!("cluster `{id}`");
        assert_eq!(
            crate::strip_namespaces(&text),
            "cluster `aws_eks_cluster.this`"
        );
        assert_eq!(
            crate::qualify_namespaces(&text, |_| true),
            "cluster `envs/prod:aws_eks_cluster.this`"
        );
        assert_eq!(Id::global("prod").to_string(), "prod");
    }
}
