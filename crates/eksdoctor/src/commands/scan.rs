//! `eksdoctor scan`: inputs → sources → inventory → rules → findings → report.

use crate::args::{Format, ScanArgs};
use anyhow::{anyhow, bail, Context, Result};
use eksdoctor_findings::Severity;
use eksdoctor_report::ScanReport;
use eksdoctor_rules::Settings;
use std::io::{Read, Write};
use std::path::PathBuf;

/// `--fail-on`: a severity, or never.
pub fn parse_fail_on(s: &str) -> Result<Option<Severity>> {
    if s.eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    s.parse::<Severity>()
        .map(Some)
        .map_err(|e| anyhow!("--fail-on: {e} or never"))
}

/// `--as-of`: the date given, or today (UTC).
pub fn as_of(arg: &Option<String>) -> Result<chrono::NaiveDate> {
    match arg {
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| anyhow!("--as-of: `{s}` is not a date like 2026-11-22")),
        None => Ok(chrono::Utc::now().date_naive()),
    }
}

/// `--calendar`: the calendar CSV given, or the embedded one.
pub fn calendar(arg: &Option<PathBuf>) -> Result<eksdoctor_knowledge::Calendar> {
    let Some(path) = arg else {
        return Ok(eksdoctor_knowledge::calendar().clone());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--calendar {}: cannot read", path.display()))?;
    eksdoctor_knowledge::Calendar::parse(&text)
        .map_err(|e| anyhow!("--calendar {}: {e}", path.display()))
}

/// Read and load inputs as `scan` does (for commands that take PATHs).
pub fn load_paths(paths: &[PathBuf]) -> Result<eksdoctor_inventory::Inventory> {
    let (inputs, mut errors) = eksdoctor_sources::discover(paths, || {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    });
    let mut inv = eksdoctor_sources::load(&inputs, &Default::default());
    inv.finish();
    errors.append(&mut inv.errors);
    if let Some(e) = errors.first() {
        bail!(
            "{}{}: {}",
            e.file,
            e.line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.message
        );
    }
    Ok(inv)
}

pub fn run(a: ScanArgs) -> Result<u8> {
    let fail_on = parse_fail_on(&a.fail_on)?;
    let as_of = as_of(&a.as_of)?;
    let mut settings = Settings::new(as_of);
    if a.calendar.is_some() {
        settings.calendar = calendar(&a.calendar)?;
    }
    if let Some(v) = &a.k8s_version {
        settings.k8s_version = Some(
            v.parse()
                .map_err(|e: String| anyhow!("--k8s-version: {e}"))?,
        );
    }
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };

    // EKSDOCTOR_TIMINGS=1 prints how long each phase took, on standard error.
    let timings = std::env::var_os("EKSDOCTOR_TIMINGS").is_some();
    let t0 = std::time::Instant::now();
    let phase = |name: &str, since: &mut std::time::Instant| {
        if timings {
            eprintln!("eksdoctor: {name}: {:.3}s", since.elapsed().as_secs_f64());
        }
        *since = std::time::Instant::now();
    };
    let mut since = t0;
    let (inputs, mut path_errors) = eksdoctor_sources::discover(&paths, || {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    });
    // Configuration: thresholds, rules, excludes, cluster mapping, Terraform variables.
    let config = crate::config::load(a.config.as_deref(), &paths)?;
    let mut tf = eksdoctor_sources::TfOptions::default();
    let mut inputs = inputs;
    let mut mapping = Vec::new();
    if let Some((cfg_file, cfg)) = &config {
        let base = cfg_file.parent().unwrap_or(std::path::Path::new("."));
        let t = &cfg.thresholds;
        if let Some(v) = t.min_subnet_prefix {
            settings.min_subnet_prefix = v;
        }
        if let Some(v) = t.eos_warning_days {
            settings.eos_warning_days = v;
        }
        if let Some(v) = t.cronjob_interval_minutes {
            settings.cronjob_interval_minutes = v;
        }
        settings.disabled = cfg.rules.disable.iter().cloned().collect();
        if !cfg.rules.enable.is_empty() {
            // Only the enabled rules run.
            for r in eksdoctor_rules::RULES {
                if !cfg.rules.enable.iter().any(|e| e == r.meta.id) {
                    settings.disabled.insert(r.meta.id.to_string());
                }
            }
        }
        for (id, sev) in &cfg.rules.severity {
            settings
                .severity
                .insert(id.clone(), sev.parse().map_err(|e: String| anyhow!(e))?);
        }
        tf.var_files = cfg.terraform.var_files.clone();
        tf.vars = cfg
            .terraform
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let excludes: Vec<globset::GlobMatcher> = cfg
            .paths
            .exclude
            .iter()
            .map(|p| crate::config::matcher(base, p))
            .collect();
        if !excludes.is_empty() {
            inputs.retain(|i| match i {
                eksdoctor_sources::Input::Walked(p) | eksdoctor_sources::Input::Named(p) => {
                    let abs = crate::config::absolute(p);
                    !excludes.iter().any(|m| m.is_match(&abs))
                }
                eksdoctor_sources::Input::Stdin(_) => true,
            });
        }
        for c in &cfg.clusters {
            for p in &c.paths {
                mapping.push((crate::config::matcher(base, p), c.cluster.clone()));
            }
        }
    }
    tf.var_files.extend(a.var_files.iter().cloned());
    tf.vars.extend(a.vars.iter().cloned());
    phase("discover", &mut since);
    let mut inv = eksdoctor_sources::load(&inputs, &tf);
    inv.cluster_mapping = mapping;
    inv.finish();
    phase("load", &mut since);
    path_errors.append(&mut inv.errors);
    inv.errors = path_errors;

    let files_scanned = inv.files.iter().filter(|f| f.source.is_some()).count();
    let sink = eksdoctor_rules::run(&inv, &settings);
    phase("rules", &mut since);

    // Baseline: findings already recorded do not count.
    let (findings, baselined) = match &a.baseline {
        Some(path) => {
            let known = read_baseline(path)?;
            sink.findings
                .iter()
                .cloned()
                .partition(|f| !known.contains(&f.fingerprint()))
        }
        None => (sink.findings.clone(), Vec::new()),
    };
    if let Some(path) = &a.write_baseline {
        write_baseline(path, &sink.findings)?;
    }
    let rules: Vec<&'static eksdoctor_findings::RuleMeta> =
        eksdoctor_rules::RULES.iter().map(|r| r.meta).collect();
    // What the HTML report draws: the calendar, the clusters' versions, their IP capacity.
    let context = if a.format == Format::Html {
        Some(eksdoctor_report::ReportContext {
            as_of: Some(as_of),
            calendar: eksdoctor_calc::versions::table(&settings.calendar, as_of),
            clusters: inv
                .clusters
                .iter()
                .map(|c| {
                    (
                        c.name
                            .known()
                            .cloned()
                            .unwrap_or_else(|| eksdoctor_inventory::strip_namespaces(&c.id)),
                        c.version.known().cloned(),
                    )
                })
                .collect(),
            plans: crate::commands::plan::plans(&inv),
        })
    } else {
        None
    };
    let report = ScanReport {
        findings: &findings,
        unknowns: &sink.unknowns,
        errors: &inv.errors,
        notes: &inv.notes,
        suppressed: &sink.suppressed,
        baselined: &baselined,
        rules: &rules,
        files_scanned,
        show_unknown: a.show_unknown,
        tool_version: env!("CARGO_PKG_VERSION"),
        context: context.as_ref(),
    };
    let text = match a.format {
        Format::Json => eksdoctor_report::json::render(&report),
        Format::Human => eksdoctor_report::human::render(&report),
        Format::Sarif => eksdoctor_report::sarif::render(&report),
        Format::Junit => eksdoctor_report::junit::render(&report),
        Format::Markdown => eksdoctor_report::markdown::render(&report),
        Format::Html => eksdoctor_report::html::render(&report),
    };
    match &a.output {
        Some(path) => std::fs::write(path, text.as_bytes())
            .with_context(|| format!("--output {}: cannot write", path.display()))?,
        None => {
            let mut out = anstream::stdout();
            out.write_all(text.as_bytes())
                .context("writing the report")?;
            out.flush().context("writing the report")?;
        }
    }
    phase("report", &mut since);

    if files_scanned == 0 && inv.errors.is_empty() {
        bail!(
            "nothing scanned: no Terraform, eksctl ClusterConfig or Kubernetes manifest found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !inv.errors.is_empty() {
        return Ok(2);
    }
    let failing = fail_on.is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    Ok(u8::from(failing))
}

/// A baseline file: `{"version": 1, "findings": [{"fingerprint", "rule", "file", "resource"}]}`.
fn read_baseline(path: &std::path::Path) -> Result<std::collections::HashSet<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--baseline {}: cannot read", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow!("--baseline {}: not a baseline file: {e}", path.display()))?;
    let list = v["findings"]
        .as_array()
        .ok_or_else(|| anyhow!("--baseline {}: no `findings` list", path.display()))?;
    Ok(list
        .iter()
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_string))
        .collect())
}

fn write_baseline(path: &std::path::Path, findings: &[eksdoctor_findings::Finding]) -> Result<()> {
    let list: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "fingerprint": f.fingerprint(),
                "rule": f.rule,
                "file": f.location.file,
                "resource": f.resource,
            })
        })
        .collect();
    let text =
        serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "findings": list }))?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("--write-baseline {}: cannot write", path.display()))
}
