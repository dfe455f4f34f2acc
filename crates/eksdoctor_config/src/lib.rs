//! One resolved configuration. `.eksdoctor.toml` (found upward from the first path, or
//! `--config`) and the command-line flags are merged here, once, into [`Settings`]: what rules
//! judge against, what the loader reads and how, and the IP model of `plan subnets`. Every
//! command gets its settings from [`resolve`]; flags win over the file, the file over defaults.

pub mod file;

use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use eksdoctor_findings::Severity;
use eksdoctor_knowledge::{Calendar, KubeVersion};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use file::{Config, FILE_NAME};

/// What every command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The date calendar rules judge against (`--as-of`).
    pub as_of: NaiveDate,
    /// The Kubernetes version manifests are checked against when no cluster says it.
    pub k8s_version: Option<KubeVersion>,
    /// Smallest acceptable prefix length for node and pod subnets (21 = a /21).
    pub min_subnet_prefix: u8,
    /// Warn this many days before the end of standard support.
    pub eos_warning_days: i64,
    /// The EKS version calendar (embedded, or `--calendar FILE`).
    pub calendar: Calendar,
    /// `cronjob-ip-churn` fires for CronJobs that run at least every this many minutes.
    pub cronjob_interval_minutes: u32,
    /// Rules not run (configuration `[rules] disable`, or not in `[rules] enable`).
    pub disabled: BTreeSet<String>,
    /// Severities set by the configuration (`[rules.severity]`).
    pub severity: BTreeMap<String, Severity>,
    /// `plan subnets`: headroom in percent on top of the projected peak.
    pub headroom_pct: u64,
    /// `plan subnets`: seconds a job run holds its address before the CNI's cooldown.
    pub job_seconds: u64,
    /// How inputs are read.
    pub load: LoadSettings,
    /// The scan's resource limits (`[limits]`), set for the process by [`apply_limits`].
    pub limits: eksdoctor_fs::Limits,
    /// The configuration file that was read, if any.
    pub config_file: Option<PathBuf>,
}

/// What the loader needs besides the paths.
#[derive(Debug, Clone, Default)]
pub struct LoadSettings {
    /// Files not read (`[paths] exclude`), matched against absolute, normalized paths.
    pub excludes: Vec<globset::GlobMatcher>,
    /// Files whose Kubernetes objects run on the named cluster (`[[clusters]]`).
    pub cluster_mapping: Vec<(globset::GlobMatcher, String)>,
    /// What clusters have outside the scanned code (`[[clusters]] external`).
    pub external: Vec<eksdoctor_inventory::External>,
    /// Terraform variable files for every root module: the configuration's, then `--var-file`.
    pub var_files: Vec<PathBuf>,
    /// Terraform variables for every root module: the configuration's, then `--var` (last wins).
    pub vars: Vec<(String, String)>,
    /// Directories outside the scanned trees that paths named by the input may point into
    /// (`--allow-read`, `[paths] allow_read`).
    pub allow_read: Vec<PathBuf>,
    /// Where paths named by the input may point: the scanned paths, their git work trees and
    /// `allow_read` (set by the loader from the paths it is given).
    pub confinement: eksdoctor_fs::Confinement,
}

impl Settings {
    /// The defaults, judged as of `as_of`.
    pub fn new(as_of: NaiveDate) -> Settings {
        Settings {
            as_of,
            k8s_version: None,
            min_subnet_prefix: 21,
            eos_warning_days: 90,
            calendar: eksdoctor_knowledge::calendar().clone(),
            cronjob_interval_minutes: 1,
            disabled: Default::default(),
            severity: Default::default(),
            headroom_pct: 100,
            job_seconds: 60,
            load: LoadSettings::default(),
            limits: eksdoctor_fs::Limits::DEFAULT,
            config_file: None,
        }
    }
}

/// The flags the commands share, as given (each is optional).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// The paths the command reads (the configuration is looked for from the first one).
    pub paths: Vec<PathBuf>,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--as-of YYYY-MM-DD`.
    pub as_of: Option<String>,
    /// `--calendar FILE`.
    pub calendar: Option<PathBuf>,
    /// `--k8s-version X.Y`.
    pub k8s_version: Option<String>,
    /// `--var-file FILE`, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in order.
    pub vars: Vec<(String, String)>,
    /// `--allow-read DIR`, in order.
    pub allow_read: Vec<PathBuf>,
}

/// Merge the configuration file and `flags` into settings. `rule_ids` are the rules that exist
/// (to check the file's rule names and resolve `[rules] enable`).
pub fn resolve(flags: &Flags, rule_ids: &[&str]) -> Result<Settings> {
    let mut s = Settings::new(as_of(flags.as_of.as_deref())?);
    if flags.calendar.is_some() {
        s.calendar = calendar(flags.calendar.as_deref())?;
    }
    if let Some(v) = &flags.k8s_version {
        s.k8s_version = Some(
            v.parse()
                .map_err(|e: String| anyhow!("--k8s-version: {e}"))?,
        );
    }
    if let Some((path, cfg)) = file::load(flags.config.as_deref(), &flags.paths, rule_ids)? {
        apply_file(&mut s, &path, &cfg, rule_ids)?;
        s.config_file = Some(path);
    }
    s.load.var_files.extend(flags.var_files.iter().cloned());
    s.load.vars.extend(flags.vars.iter().cloned());
    s.load.allow_read.extend(flags.allow_read.iter().cloned());
    Ok(s)
}

fn apply_file(s: &mut Settings, path: &Path, cfg: &Config, rule_ids: &[&str]) -> Result<()> {
    let base = path.parent().unwrap_or(Path::new("."));
    let t = &cfg.thresholds;
    if let Some(v) = t.min_subnet_prefix {
        s.min_subnet_prefix = v;
    }
    if let Some(v) = t.eos_warning_days {
        s.eos_warning_days = v;
    }
    if let Some(v) = t.cronjob_interval_minutes {
        s.cronjob_interval_minutes = v;
    }
    if let Some(v) = cfg.ip_model.headroom_pct {
        s.headroom_pct = v;
    }
    if let Some(v) = cfg.ip_model.job_seconds {
        s.job_seconds = v;
    }
    s.disabled = cfg.rules.disable.iter().cloned().collect();
    if !cfg.rules.enable.is_empty() {
        // Only the enabled rules run.
        for id in rule_ids {
            if !cfg.rules.enable.iter().any(|e| e == id) {
                s.disabled.insert(id.to_string());
            }
        }
    }
    for (id, sev) in &cfg.rules.severity {
        s.severity
            .insert(id.clone(), sev.parse().map_err(|e: String| anyhow!(e))?);
    }
    s.load.var_files = cfg.terraform.var_files.clone();
    s.load.vars = cfg
        .terraform
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    s.load.allow_read = cfg.paths.allow_read.iter().map(|d| base.join(d)).collect();
    s.limits = limits(&cfg.limits).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    s.load.excludes = cfg
        .paths
        .exclude
        .iter()
        .map(|p| file::matcher(base, p))
        .collect();
    for c in &cfg.clusters {
        for e in &c.external {
            let Some((_, types)) = file::EXTERNAL.iter().find(|(k, _)| k == e) else {
                let known: Vec<&str> = file::EXTERNAL.iter().map(|(k, _)| *k).collect();
                return Err(anyhow!(
                    "{}: cluster `{}`: external `{e}` is not one of {}",
                    path.display(),
                    c.cluster,
                    known.join(", ")
                ));
            };
            s.load.external.push(eksdoctor_inventory::External {
                cluster: c.cluster.clone(),
                what: e.clone(),
                types: types.iter().map(|t| t.to_string()).collect(),
                file: path.display().to_string(),
            });
        }
        if c.paths.is_empty() && c.external.is_empty() {
            return Err(anyhow!(
                "{}: cluster `{}`: give `paths` or `external`",
                path.display(),
                c.cluster
            ));
        }
        for p in &c.paths {
            s.load
                .cluster_mapping
                .push((file::matcher(base, p), c.cluster.clone()));
        }
    }
    Ok(())
}

/// `[limits]` over the defaults, each checked against its ceiling.
fn limits(c: &file::LimitsConfig) -> Result<eksdoctor_fs::Limits, String> {
    const MIB: u64 = 1024 * 1024;
    let (d, max) = (eksdoctor_fs::Limits::DEFAULT, eksdoctor_fs::Limits::CEILING);
    let pick = |key: &str, v: Option<u64>, default: u64, ceiling: u64| match v {
        None => Ok(default),
        Some(v) if (1..=ceiling).contains(&v) => Ok(v),
        Some(v) => Err(format!(
            "limits.{key} = {v}: must be between 1 and {ceiling} (the most eksdoctor allows)"
        )),
    };
    Ok(eksdoctor_fs::Limits {
        file_bytes: pick(
            "file_mib",
            c.file_mib,
            d.file_bytes / MIB,
            max.file_bytes / MIB,
        )? * MIB,
        terraform_file_bytes: pick(
            "terraform_file_mib",
            c.terraform_file_mib,
            d.terraform_file_bytes / MIB,
            max.terraform_file_bytes / MIB,
        )? * MIB,
        instances: pick("instances", c.instances, d.instances, max.instances)?,
        eval_steps: pick("eval_steps", c.eval_steps, d.eval_steps, max.eval_steps)?,
    })
}

/// Make `s.limits` the limits of this process (every command calls it once it has settings).
pub fn apply_limits(s: &Settings) {
    eksdoctor_fs::limits::set(s.limits);
}

/// `--as-of`: the date given, or today (UTC).
pub fn as_of(arg: Option<&str>) -> Result<NaiveDate> {
    match arg {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| anyhow!("--as-of: `{s}` is not a date like 2026-11-22")),
        None => Ok(chrono::Utc::now().date_naive()),
    }
}

/// `--calendar`: the calendar CSV given, or the embedded one.
pub fn calendar(arg: Option<&Path>) -> Result<Calendar> {
    let Some(path) = arg else {
        return Ok(eksdoctor_knowledge::calendar().clone());
    };
    let text =
        eksdoctor_fs::read_text(path).map_err(|e| anyhow!("--calendar {}: {e}", path.display()))?;
    Calendar::parse(&text).map_err(|e| anyhow!("--calendar {}: {e}", path.display()))
}

/// `--fail-on`: a severity, or never.
pub fn fail_on(s: &str) -> Result<Option<Severity>> {
    if s.eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    s.parse::<Severity>()
        .map(Some)
        .map_err(|e| anyhow!("--fail-on: {e} or never"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: &[&str] = &["subnet-too-small", "single-az"];

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join(FILE_NAME);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn flags_follow_the_file_and_the_file_follows_defaults() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "[thresholds]\nmin_subnet_prefix = 20\n[ip_model]\nheadroom_pct = 50\n[rules]\nenable = [\"single-az\"]\n[terraform]\nvars = { region = \"eu-west-1\" }\n",
        );
        let flags = Flags {
            paths: vec![d.path().to_path_buf()],
            as_of: Some("2026-01-02".into()),
            vars: vec![("region".into(), "us-east-1".into())],
            ..Default::default()
        };
        let s = resolve(&flags, IDS).unwrap();
        assert_eq!(s.as_of, NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        assert_eq!(s.min_subnet_prefix, 20);
        assert_eq!(s.headroom_pct, 50);
        assert_eq!(s.job_seconds, 60);
        assert_eq!(s.eos_warning_days, 90);
        assert!(s.disabled.contains("subnet-too-small") && !s.disabled.contains("single-az"));
        // The flag comes after the file's value: it wins when Terraform applies them in order.
        assert_eq!(
            s.load.vars,
            vec![
                ("region".to_string(), "eu-west-1".to_string()),
                ("region".to_string(), "us-east-1".to_string())
            ]
        );
        assert_eq!(
            s.config_file.as_deref(),
            Some(d.path().join(FILE_NAME).as_path())
        );
    }

    #[test]
    fn bad_values_are_errors_that_name_them() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "[rules]\ndisable = [\"no-such-rule\"]\n");
        let flags = Flags {
            paths: vec![d.path().to_path_buf()],
            ..Default::default()
        };
        let e = resolve(&flags, IDS).unwrap_err().to_string();
        assert!(e.contains("unknown rule `no-such-rule`"), "{e}");
        let e = as_of(Some("22/11/2026")).unwrap_err().to_string();
        assert_eq!(e, "--as-of: `22/11/2026` is not a date like 2026-11-22");
        assert_eq!(fail_on("never").unwrap(), None);
        assert_eq!(fail_on("LOW").unwrap(), Some(Severity::Low));
        assert!(fail_on("severe").is_err());
    }
}
