//! Calculators: pure functions over the knowledge tables.

pub mod ipdemand;
pub mod max_pods;
pub mod subnets;
pub mod versions;
