//! `.eksdoctor.toml`: found upward from the first scanned path, or given with `--config`.
//! Unknown keys, rule ids and severities are errors that name them.

use anyhow::{anyhow, bail, Result};
use eksdoctor_findings::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".eksdoctor.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub ip_model: IpModel,
    #[serde(default)]
    pub paths: Paths,
    /// Which files' Kubernetes objects belong to which cluster.
    #[serde(default)]
    pub clusters: Vec<ClusterFiles>,
    #[serde(default)]
    pub terraform: Terraform,
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// `[limits]`: the resource limits a large estate may need to raise (docs/security.md).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// The largest input file read: YAML, JSON, plans, standard input (MiB; 32).
    pub file_mib: Option<u64>,
    /// The largest Terraform file read (MiB; 8).
    pub terraform_file_mib: Option<u64>,
    /// Resource, data source and `dynamic` block instances of one root module (20,000).
    pub instances: Option<u64>,
    /// Evaluation steps of one root module (20,000,000).
    pub eval_steps: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// When given, only these rules run.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rules not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule id → severity (low, medium, high, critical).
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Smallest acceptable node/pod subnet prefix length (`subnet-too-small`; default 21).
    pub min_subnet_prefix: Option<u8>,
    /// Days before the end of standard support to warn (`version-out-of-standard-support`; 90).
    pub eos_warning_days: Option<i64>,
    /// `cronjob-ip-churn` fires for CronJobs running at least every this many minutes (1).
    pub cronjob_interval_minutes: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpModel {
    /// `plan subnets`: headroom in percent (100).
    pub headroom_pct: Option<u64>,
    /// `plan subnets`: seconds a job run holds its address (60).
    pub job_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paths {
    /// Glob patterns of files not to scan (`**/examples/**`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Directories outside the scanned trees that Terraform code may read files from
    /// (`file()`, `templatefile()`, local modules), relative to this file.
    #[serde(default)]
    pub allow_read: Vec<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFiles {
    /// The cluster's name (or address, for Terraform).
    pub cluster: String,
    /// Glob patterns of the files whose Kubernetes objects run on it.
    #[serde(default)]
    pub paths: Vec<String>,
    /// What the cluster has that is managed outside the scanned code ([`EXTERNAL`]): its absence
    /// there is then not a finding.
    #[serde(default)]
    pub external: Vec<String>,
}

/// What `[[clusters]] external` may name, each with the resource types it stands for.
pub const EXTERNAL: &[(&str, &[&str])] = &[
    ("oidc-provider", &["aws_iam_openid_connect_provider"]),
    ("pod-identity", &["aws_eks_pod_identity_association"]),
    ("access-entries", eksdoctor_inventory::ACCESS_TYPES),
    ("addons", &["aws_eks_addon"]),
    ("vpc-endpoints", &["aws_vpc_endpoint"]),
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terraform {
    #[serde(default)]
    pub var_files: Vec<PathBuf>,
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
}

/// The configuration for a command: `--config FILE`, else `.eksdoctor.toml` in the first
/// path's directory or above it, else none. `rule_ids` are the rules that exist.
pub fn load(
    explicit: Option<&Path>,
    paths: &[PathBuf],
    rule_ids: &[&str],
) -> Result<Option<(PathBuf, Config)>> {
    let file = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find(
            paths
                .first()
                .map(PathBuf::as_path)
                .unwrap_or(Path::new(".")),
        ),
    };
    let Some(file) = file else { return Ok(None) };
    if explicit.is_none() {
        // Found by looking, not named: a symbolic link out of the repository is not followed.
        let home = eksdoctor_fs::git_root(&file)
            .or_else(|| file.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        if let Err(why) = eksdoctor_fs::Confinement::new([home]).check(&file) {
            bail!("{}: {why}", file.display());
        }
    }
    let text = eksdoctor_fs::read_text(&file).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let cfg: Config = toml::from_str(&text)
        .map_err(|e| anyhow!("{}:{}", file.display(), toml_error(&text, &e)))?;
    validate(&cfg, rule_ids).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    Ok(Some((file, cfg)))
}

/// A TOML error as `LINE: message`, without the line's text (which may hold a secret).
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let line = e
        .span()
        .map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
    let message = e.message().trim_end_matches('\n').replace('\n', " ");
    match line {
        Some(l) => format!("{l}: {message}"),
        None => format!(" {message}"),
    }
}

pub fn find(start: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(start).ok()?;
    let mut dir = if abs.is_file() {
        abs.parent()?.to_path_buf()
    } else {
        abs
    };
    // Not above the repository: a file there is not the repository's to apply (and a pull
    // request cannot have put it there). Outside a repository, up to the file system's root.
    let top = eksdoctor_fs::git_root(&dir);
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if top.as_deref() == Some(dir.as_path()) {
            return None;
        }
        dir = dir.parent()?.to_path_buf();
    }
}

/// Check what serde cannot: rule ids (against `rule_ids`), severities, glob patterns, ranges.
pub fn validate(cfg: &Config, rule_ids: &[&str]) -> Result<()> {
    let known = |id: &str| rule_ids.contains(&id);
    for id in cfg
        .rules
        .enable
        .iter()
        .chain(cfg.rules.disable.iter())
        .chain(cfg.rules.severity.keys())
    {
        if !known(id) {
            bail!("unknown rule `{id}` (`eksdoctor rules` lists them)");
        }
    }
    for (id, s) in &cfg.rules.severity {
        s.parse::<Severity>()
            .map_err(|e| anyhow!("rules.severity.{id}: {e}"))?;
    }
    for p in cfg
        .paths
        .exclude
        .iter()
        .chain(cfg.clusters.iter().flat_map(|c| c.paths.iter()))
    {
        globset::Glob::new(p).map_err(|e| anyhow!("pattern `{p}`: {e}"))?;
    }
    if let Some(p) = cfg.thresholds.min_subnet_prefix {
        if !(16..=28).contains(&p) {
            bail!("thresholds.min_subnet_prefix must be between 16 and 28, got {p}");
        }
    }
    Ok(())
}

/// A matcher for a glob pattern of the configuration file in `base` (its directory): patterns are
/// relative to it; one without `/` matches file names anywhere below it. It matches absolute
/// paths (see [`absolute`]).
pub fn matcher(base: &Path, pattern: &str) -> globset::GlobMatcher {
    let rel = if pattern.contains('/') || pattern.starts_with("**") {
        pattern.to_string()
    } else {
        format!("**/{pattern}")
    };
    let p = if rel.starts_with('/') || rel.starts_with("**") {
        rel
    } else {
        let base = absolute(base);
        format!("{}/{rel}", globset::escape(&base.display().to_string()))
    };
    globset::GlobBuilder::new(&p)
        .literal_separator(false)
        .build()
        .expect("validated")
        .compile_matcher()
}

/// A path made absolute (against the current directory), for matching configuration patterns.
pub fn absolute(p: &Path) -> PathBuf {
    // `..` resolved too, so `../infra/x.tf` matches patterns as `infra/x.tf` would.
    eksdoctor_inventory::paths::normalize(
        &std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    )
}
