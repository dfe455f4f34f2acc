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
    /// Scan Terraform (HCL, plan and state JSON), eksctl ClusterConfig files and Kubernetes manifests (directories are walked; `-` reads stdin).
    Scan(ScanArgs),
    /// Check running clusters through the AWS APIs (strictly read-only; what cannot be read is listed, and the rules that needed it say so).
    Cluster(ClusterArgs),
    /// Max pods per instance type, with the same inputs and answers as AWS's max-pods-calculator.sh.
    MaxPods(MaxPodsArgs),
    /// The EKS version calendar: support phases, days left and the cost of extended support.
    Versions(VersionsArgs),
    /// The upgrade path one minor version at a time, with add-on versions, node steps, blockers and deadlines.
    Upgrade(UpgradeArgs),
    /// Plans: `plan subnets` sizes node and pod subnets per AZ.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Every rule: id, severity, category, what it catches and which sources feed it.
    Rules(RulesArgs),
    /// One rule in full: what, why, how to fix, when it stays silent, an example, references.
    Explain(ExplainArgs),
    /// Shell completions (bash, zsh, fish, powershell, elvish) on standard output.
    Completions(CompletionsArgs),
    /// The man page (roff) on standard output.
    Man,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, default_value = "human", value_parser = formats(&[Format::Human, Format::Json, Format::Markdown]))]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule id, e.g. subnet-too-small.
    pub rule: String,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = formats(&[Format::Human, Format::Json, Format::Markdown]))]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    pub shell: clap_complete::Shell,
}

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// Projected peak IP demand per AZ against subnet capacity, the prefix that fits, and a CIDR layout.
    Subnets(PlanSubnetsArgs),
}

/// `--as-of` and `--calendar`: declared once, for every command that judges dates.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct DateArgs {
    /// The date to judge against (YYYY-MM-DD): support status, days left, deadlines. Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// A newer EKS calendar CSV (same columns as the embedded eks-versions.csv).
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
}

/// What a command reads: paths, the configuration file and Terraform variables. Declared once,
/// for every command that reads infrastructure and manifests.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Files or directories: Terraform (HCL, plan and state JSON), eksctl ClusterConfig files and
    /// Kubernetes manifests (directories are walked); `-` reads standard input.
    pub paths: Vec<PathBuf>,
    /// Configuration file (default: `.eksdoctor.toml` in the first path's directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A Terraform variables file applied to every root module (after terraform.tfvars and
    /// *.auto.tfvars, as Terraform orders them); repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// A Terraform variable for every root module, `NAME=VALUE`; repeatable; wins over files.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// A directory outside the scanned paths (and their git work tree) that Terraform code may
    /// read files from (`file()`, `templatefile()`, local modules); repeatable.
    #[arg(long = "allow-read", value_name = "DIR")]
    pub allow_read: Vec<PathBuf>,
}

impl InputArgs {
    /// The shared flags, for [`eksdoctor_config::resolve`].
    pub fn flags(&self, dates: &DateArgs) -> eksdoctor_config::Flags {
        eksdoctor_config::Flags {
            paths: self.paths.clone(),
            config: self.config.clone(),
            as_of: dates.as_of.clone(),
            calendar: dates.calendar.clone(),
            k8s_version: None,
            var_files: self.var_files.clone(),
            vars: self.vars.clone(),
            allow_read: self.allow_read.clone(),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct VersionsArgs {
    #[command(flatten)]
    pub dates: DateArgs,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = formats(&[Format::Human, Format::Json, Format::Markdown]))]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
#[command(mut_arg("paths", |a| a.help("Infrastructure and manifests to take the version, node groups and removed-API blockers from")))]
pub struct UpgradeArgs {
    /// Current version (X.Y). Default: the version of the one cluster found in PATHs.
    #[arg(long, value_name = "X.Y")]
    pub from: Option<String>,
    /// Target version (X.Y). Default: the newest version released on the `--as-of` date.
    #[arg(long, value_name = "X.Y")]
    pub to: Option<String>,
    /// Plan for a running cluster, read as `eksdoctor cluster NAME` reads it (its version, node
    /// groups, and the API versions its objects were last written with) instead of PATHs.
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
    pub cluster: Option<String>,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub dates: DateArgs,
    /// `markdown` is ready to paste into a change ticket.
    #[arg(long, default_value = "human", value_parser = formats(&[Format::Human, Format::Json, Format::Markdown]))]
    pub format: Format,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CniModeArg {
    SecondaryIp,
    Prefix,
    CustomNetworking,
    /// An IPv6 cluster: nodes and Fargate pods take one IPv4 address each, pods none
    Ipv6,
}

#[derive(clap::Args, Debug)]
#[command(mut_arg("paths", |a| a.help("Infrastructure (and manifests) to take node groups, AZs, VPC CIDR, subnets and CNI settings from; flags override")))]
pub struct PlanSubnetsArgs {
    /// Plan for a running cluster, read as `eksdoctor cluster NAME` reads it (node groups, CNI
    /// settings, subnets with the addresses free in them now) instead of PATHs.
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
    pub cluster: Option<String>,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub dates: DateArgs,
    /// VPC CIDR to lay the subnets out in.
    #[arg(long, value_name = "CIDR")]
    pub vpc_cidr: Option<String>,
    /// Availability zones: a count (3) or names (eu-west-1a,eu-west-1b).
    #[arg(long, value_name = "N|NAMES")]
    pub azs: Option<String>,
    /// A node group spread over all AZs: instance type and max size, `m5.large:30`; repeatable.
    #[arg(long = "node-group", value_name = "TYPE:MAX")]
    pub node_groups: Vec<String>,
    /// Max pods per node (default: the max-pods calculator's answer for each type).
    #[arg(long, value_name = "N")]
    pub pods_per_node: Option<u32>,
    /// How the VPC CNI gives pods addresses (default secondary-ip, or the scanned cluster's).
    #[arg(long, value_enum)]
    pub cni_mode: Option<CniModeArg>,
    /// The CNI's WARM_ENI_TARGET: whole spare ENIs each node keeps attached (default 1).
    #[arg(long, value_name = "N")]
    pub warm_eni_target: Option<u32>,
    /// The CNI's WARM_IP_TARGET: spare addresses each node keeps (unset by default; replaces
    /// WARM_ENI_TARGET when set).
    #[arg(long, value_name = "N")]
    pub warm_ip_target: Option<u32>,
    /// The CNI's MINIMUM_IP_TARGET: addresses each node holds at the least (unset by default).
    #[arg(long, value_name = "N")]
    pub minimum_ip_target: Option<u32>,
    /// CronJob/Job runs per minute across the cluster.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub cronjobs: f64,
    /// Seconds each job run holds its address, before the CNI's 30 s cooldown (default 60, or the
    /// configuration's `ip_model.job_seconds`).
    #[arg(long, value_name = "SECONDS")]
    pub job_seconds: Option<u64>,
    /// Fargate pods at peak, one address each, spread evenly over the AZs (default 0, or counted
    /// from the scanned manifests).
    #[arg(long, value_name = "N")]
    pub fargate_pods: Option<u64>,
    /// Internal load balancers in the node subnets.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub load_balancers: u64,
    /// Interface VPC endpoints in the node subnets: one address each in every AZ.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub interface_endpoints: u64,
    /// Headroom on top of the projected peak, in percent (default 100, or the configuration's
    /// `ip_model.headroom_pct`).
    #[arg(long, value_name = "PCT")]
    pub headroom: Option<u64>,
    /// Prefix length of the public subnets in the layout.
    #[arg(long, value_name = "LEN", default_value_t = 24)]
    pub public_prefix: u8,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = formats(&[Format::Human, Format::Json]))]
    pub format: Format,
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
    /// Custom networking is on: pods do not use the primary ENI (one ENI fewer).
    #[arg(long)]
    pub cni_custom_networking_enabled: bool,
    /// Prefix delegation is on: /28 prefixes instead of single addresses (Nitro instances, CNI 1.9+).
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
    #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Csv, Format::Json]))]
    pub format: Format,
}

/// Every output format of every command; each command accepts the ones it can write
/// ([`formats`]).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For a terminal.
    Human,
    /// Plain text (max-pods: just the number for one type).
    Text,
    /// Comma-separated values.
    Csv,
    /// JSON (for `scan`, the contract in docs/json-output.md).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML: one test case per rule and resource.
    Junit,
    /// Markdown for a pull-request comment.
    Markdown,
    /// One self-contained HTML file with filters and charts.
    Html,
}

/// A value parser accepting only `allowed` of the formats.
fn formats(allowed: &'static [Format]) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(allowed.iter().filter_map(|f| f.to_possible_value()))
        .map(|s| Format::from_str(&s, true).expect("a possible value"))
}

#[derive(clap::Args, Debug)]
#[command(mut_arg("paths", |a| a.help("Files or directories to scan: Terraform (HCL, plan and state JSON), eksctl ClusterConfig files and Kubernetes manifests; `-` reads standard input (e.g. `helm template . | eksdoctor scan -`). Default: the current directory")))]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub dates: DateArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// How findings are reported and gate CI: shared by `scan` and `cluster`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, default_value = "human", value_parser = formats(&[Format::Human, Format::Json, Format::Sarif, Format::Junit, Format::Markdown, Format::Html]))]
    pub format: Format,

    /// The Kubernetes version manifests are checked against when no scanned cluster says it (e.g. 1.31).
    #[arg(long, value_name = "X.Y")]
    pub k8s_version: Option<String>,

    /// Exit with status 1 when a finding at or above this severity exists: low, medium, high, critical or never.
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub fail_on: String,

    /// Also list what rules could not decide, and why.
    #[arg(long)]
    pub show_unknown: bool,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Findings recorded in this baseline file do not count (only new findings fail).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the fingerprints of this scan's findings in FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// How to reach running clusters: the AWS SDK's chain and the kubeconfig, as `eksdoctor cluster`
/// reads them.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(next_help_heading = "Reading a running cluster")]
pub struct LiveArgs {
    /// A total deadline in seconds: what is not read by then is listed as not read, and the
    /// rules that needed it say "not decided".
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,

    /// The AWS region (default: the SDK's chain: AWS_REGION, the profile).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The AWS profile to use (default: the SDK's chain: AWS_PROFILE, `default`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// An IAM role to assume and read as (the credentials of the SDK's chain assume it; the role
    /// needs the shipped read-only policy).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,

    /// One endpoint for every AWS service (test servers such as moto); the SDK's
    /// `AWS_ENDPOINT_URL_<SERVICE>` variables set one per service.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// The kubeconfig for the clusters' Kubernetes APIs (default: KUBECONFIG, ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use (default: the context whose server is the cluster's endpoint,
    /// as `aws eks update-kubeconfig` writes it).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// Read only the AWS APIs, not the clusters' Kubernetes APIs.
    #[arg(long, conflicts_with_all = ["kubeconfig", "context"])]
    pub no_kubernetes: bool,
}

/// `eksdoctor cluster`: running clusters through the AWS APIs.
#[derive(clap::Args, Debug)]
pub struct ClusterArgs {
    /// Names of the clusters to check. Default: the cluster of the kubeconfig's context (as
    /// `aws eks update-kubeconfig` names it), else the only cluster of the region.
    pub names: Vec<String>,

    #[command(flatten)]
    pub live: LiveArgs,

    /// Also write what was collected to FILE as JSON (a snapshot: no secret, provenance kept);
    /// `eksdoctor scan FILE` gives the same findings offline.
    #[arg(long, value_name = "FILE")]
    pub save_snapshot: Option<PathBuf>,

    /// Configuration file (default: `.eksdoctor.toml` in the current directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub dates: DateArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// `--help`, the man page and the completions are generated from these definitions: every
    /// argument of every command says what it is for.
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if a.is_hide_set() || id == "help" || id == "version" {
                    continue;
                }
                if a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "eksdoctor", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
    }
}
