//! Calculators: pure functions over the knowledge tables.

pub mod max_pods;
