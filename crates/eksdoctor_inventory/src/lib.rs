//! The normalized inventory of an EKS estate.
//!
//! Sources (eksctl files, Kubernetes manifests, later Terraform, plans and live clusters) only *fill*
//! an [`Inventory`]; rules only *read* it. Every value is a [`Val`]: known with the place it came
//! from, or unknown with the reason it could not be known. Nothing here does I/O.

mod model;
mod node;
mod val;

pub use model::*;
pub use node::{Node, NodeKind};
pub use val::{Prov, SourceKind, Val};
