//! One module per subcommand.

pub mod max_pods;
pub mod scan;
