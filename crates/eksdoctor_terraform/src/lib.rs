//! The Terraform source: root modules parsed and evaluated (HCL with expressions, functions,
//! `count` / `for_each`, local and downloaded modules, models of the common registry modules),
//! and `terraform show -json` plans; both mapped into the inventory through one mapping.

pub mod eval;
pub mod funcs;
pub mod json_syntax;
pub mod map;
pub mod models;
pub mod module;
pub mod parse;
pub mod plan;
pub mod policy;
pub mod remote_state;
pub mod res;
pub mod types;
pub mod value;
pub mod yaml;

pub use eval::{eval_expr, eval_root, Loader, TfOptions};
pub use map::{map, K8sDocs};
pub use res::Res;
