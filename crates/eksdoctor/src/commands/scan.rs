//! `eksdoctor scan`: inputs → sources → inventory → rules → findings → report.

use crate::args::{Format, ReportArgs, ScanArgs};
use anyhow::{anyhow, bail, Context, Result};
use eksdoctor_report::ScanReport;
use std::io::Write;
use std::path::PathBuf;

pub fn run(a: ScanArgs) -> Result<u8> {
    let mut input = a.input.clone();
    if input.paths.is_empty() {
        input.paths = vec![PathBuf::from(".")];
    }
    let paths = input.paths.clone();
    let settings = super::settings(&input, &a.dates, a.report.k8s_version.as_deref())?;

    // EKSDOCTOR_TIMINGS=1 prints how long each phase took, on standard error.
    let timings = std::env::var_os("EKSDOCTOR_TIMINGS").is_some();
    let phase = |name: &str, since: &mut std::time::Instant| {
        if timings {
            eprintln!("eksdoctor: {name}: {:.3}s", since.elapsed().as_secs_f64());
        }
        *since = std::time::Instant::now();
    };
    let mut since = std::time::Instant::now();
    let inv = super::load(&input, &settings);
    phase("load", &mut since);

    let files_scanned = inv.files.iter().filter(|f| f.source.is_some()).count();
    let code = report(&a.report, &inv, &settings, files_scanned, &mut || {
        phase("rules", &mut since)
    })?;
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
    Ok(code)
}

/// Rules over `inv`, then the report in the chosen format, and the exit code: 2 with input
/// errors, 1 with a finding at or above `--fail-on`, else 0. `after_rules` marks the phase.
pub fn report(
    a: &ReportArgs,
    inv: &eksdoctor_inventory::Inventory,
    settings: &eksdoctor_config::Settings,
    files_scanned: usize,
    after_rules: &mut dyn FnMut(),
) -> Result<u8> {
    let fail_on = eksdoctor_config::fail_on(&a.fail_on)?;
    let as_of = settings.as_of;
    let sink = eksdoctor_rules::run(inv, settings);
    after_rules();

    // Baseline: findings already recorded do not count.
    let ws = super::workspace(a.baseline.as_deref().or(a.write_baseline.as_deref()));
    let (findings, baselined) = match &a.baseline {
        Some(path) => {
            let known = read_baseline(path)?;
            sink.findings
                .iter()
                .cloned()
                .partition(|f| !known.contains(&f.fingerprint(&ws)))
        }
        None => (sink.findings.clone(), Vec::new()),
    };
    if let Some(path) = &a.write_baseline {
        let n = write_baseline(path, &sink.findings, &ws)?;
        eprintln!(
            "wrote {n} fingerprint{} to {}",
            if n == 1 { "" } else { "s" },
            path.display()
        );
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
                    let name = c.name.known().map_or(c.id.name(), String::as_str);
                    (
                        eksdoctor_inventory::clean(name).into_owned(),
                        c.version
                            .known()
                            .map(|v| eksdoctor_inventory::clean(v).into_owned()),
                    )
                })
                .collect(),
            plans: crate::commands::plan::plans(inv, settings),
        })
    } else {
        None
    };
    // Only SARIF reads the lines (for columns).
    let sources = if a.format == Format::Sarif {
        source_lines(
            findings
                .iter()
                .chain(&baselined)
                .chain(sink.suppressed.iter().map(|s| &s.finding)),
        )
    } else {
        Default::default()
    };
    let report = ScanReport {
        findings: &findings,
        unknowns: &sink.unknowns,
        errors: &inv.errors,
        notes: &inv.notes,
        insights: &inv.insights,
        suppressed: &sink.suppressed,
        baselined: &baselined,
        rules: &rules,
        files_scanned,
        show_unknown: a.show_unknown,
        tool_version: env!("CARGO_PKG_VERSION"),
        context: context.as_ref(),
        workspace: &ws,
        sources: &sources,
    };
    let text = match a.format {
        Format::Json => eksdoctor_report::json::render(&report),
        Format::Human => eksdoctor_report::human::render(&report),
        Format::Sarif => eksdoctor_report::sarif::render(&report),
        Format::Junit => eksdoctor_report::junit::render(&report),
        Format::Markdown => eksdoctor_report::markdown::render(&report),
        Format::Html => eksdoctor_report::html::render(&report),
        other => bail!("--format {other:?} is not a scan format"),
    };
    match &a.output {
        // Colour is for a terminal: a file gets plain text.
        Some(path) => std::fs::write(path, anstream::adapter::strip_str(&text).to_string())
            .with_context(|| format!("--output {}: cannot write", path.display()))?,
        None => {
            let mut out = anstream::stdout();
            out.write_all(text.as_bytes())
                .context("writing the report")?;
            out.flush().context("writing the report")?;
        }
    }
    if !inv.errors.is_empty() {
        return Ok(2);
    }
    // Writing a baseline accepts what it records.
    if a.write_baseline.is_some() {
        return Ok(0);
    }
    let failing = fail_on.is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    Ok(u8::from(failing))
}

/// The fingerprints' version: 2 since they leave the message out (1 hashed it in).
const BASELINE_VERSION: u64 = 2;

/// A baseline file: `{"version": 2, "findings": [{"fingerprint", "rule", "file", "resource"}]}`.
fn read_baseline(path: &std::path::Path) -> Result<std::collections::HashSet<String>> {
    let text =
        eksdoctor_fs::read_text(path).map_err(|e| anyhow!("--baseline {}: {e}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow!("--baseline {}: not a baseline file: {e}", path.display()))?;
    if v["version"] != BASELINE_VERSION {
        bail!(
            "--baseline {}: written by another eksdoctor version (fingerprints of version {}, this one reads {BASELINE_VERSION}): write it again with --write-baseline",
            path.display(),
            v["version"]
        );
    }
    let list = v["findings"]
        .as_array()
        .ok_or_else(|| anyhow!("--baseline {}: no `findings` list", path.display()))?;
    Ok(list
        .iter()
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_string))
        .collect())
}

/// Write the fingerprints of `findings` (each once); how many.
fn write_baseline(
    path: &std::path::Path,
    findings: &[eksdoctor_findings::Finding],
    ws: &eksdoctor_findings::paths::Workspace,
) -> Result<usize> {
    let mut seen = std::collections::HashSet::new();
    let list: Vec<serde_json::Value> = findings
        .iter()
        .filter(|f| seen.insert(f.fingerprint(ws)))
        .map(|f| {
            serde_json::json!({
                "fingerprint": f.fingerprint(ws),
                "rule": f.rule,
                "file": f.file_from_root(ws),
                "resource": f.resource,
            })
        })
        .collect();
    let n = list.len();
    let text = serde_json::to_string_pretty(
        &serde_json::json!({ "version": BASELINE_VERSION, "findings": list }),
    )?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("--write-baseline {}: cannot write", path.display()))?;
    Ok(n)
}

/// The lines of each file the findings point into (for SARIF columns), each file read once.
fn source_lines<'a>(
    findings: impl Iterator<Item = &'a eksdoctor_findings::Finding>,
) -> eksdoctor_report::SourceLines {
    let mut out = eksdoctor_report::SourceLines::new();
    for f in findings {
        let file = f.location.file.to_string();
        if file.starts_with('<') || out.contains_key(&file) {
            continue;
        }
        let lines = eksdoctor_fs::read_text(std::path::Path::new(&file))
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default();
        out.insert(file, lines);
    }
    out
}
