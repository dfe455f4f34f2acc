//! One module per subcommand.

pub mod max_pods;
pub mod plan;
pub mod rules;
pub mod scan;
pub mod upgrade;
pub mod versions;
