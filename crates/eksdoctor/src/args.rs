//! Command-line arguments: the one place flags are defined (help text included).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "eksdoctor",
    version,
    about = "Catches the well-known Amazon EKS pitfalls before they hurt."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan eksctl ClusterConfig files and Kubernetes manifests (directories are walked; `-` reads stdin).
    Scan(ScanArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input (e.g. `helm template . | eksdoctor scan -`).
    /// Default: the current directory.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The date calendar rules judge against (YYYY-MM-DD). Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,

    /// The Kubernetes version manifests are checked against when no scanned cluster says it (e.g. 1.31).
    #[arg(long, value_name = "X.Y")]
    pub k8s_version: Option<String>,

    /// Exit with status 1 when a finding at or above this severity exists: low, medium, high, critical or never.
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub fail_on: String,

    /// Also list what rules could not decide, and why.
    #[arg(long)]
    pub show_unknown: bool,
}
