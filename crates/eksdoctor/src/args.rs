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
    /// Scan Terraform (HCL and plan JSON), eksctl ClusterConfig files and Kubernetes manifests (directories are walked; `-` reads stdin).
    Scan(ScanArgs),
    /// Max pods per instance type, with the same inputs and answers as AWS's max-pods-calculator.sh.
    MaxPods(MaxPodsArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Text,
    Csv,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct MaxPodsArgs {
    /// EC2 instance type; repeat for several.
    #[arg(
        long = "instance-type",
        value_name = "TYPE",
        required_unless_present = "all"
    )]
    pub instance_types: Vec<String>,
    /// Every instance type in the embedded data.
    #[arg(long)]
    pub all: bool,
    /// VPC CNI version (major.minor decide prefix-delegation support, as in the script).
    #[arg(long, value_name = "VERSION")]
    pub cni_version: String,
    #[arg(long)]
    pub cni_custom_networking_enabled: bool,
    #[arg(long)]
    pub cni_prefix_delegation_enabled: bool,
    /// Limit the ENIs the CNI may use (MAX_ENI).
    #[arg(long, value_name = "N")]
    pub cni_max_eni: Option<u32>,
    /// Print the ENI limit without the 110/250 recommendation cap.
    #[arg(long)]
    pub show_max_allowed: bool,
    /// Show the arithmetic.
    #[arg(long)]
    pub explain: bool,
    /// Output format; `text` prints just the number for one instance type, as the script does.
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
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

    /// A Terraform variables file applied to every root module (after terraform.tfvars and
    /// *.auto.tfvars, as Terraform orders them); repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// A Terraform variable for every root module, `NAME=VALUE`; repeatable; wins over files.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}
