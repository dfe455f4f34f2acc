//! Terminal output: findings grouped by file, most severe first within a line order, with the fix.
//! Styling is plain ANSI; the caller strips it when stdout is not a terminal or `NO_COLOR` is set.

use crate::ScanReport;
use anstyle::{AnsiColor, Style};
use eksdoctor_findings::Severity;
use std::fmt::Write;

fn sev_style(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new()
            .fg_color(Some(AnsiColor::Magenta.into()))
            .bold(),
        Severity::High => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Severity::Low => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
    }
}

pub fn render(r: &ScanReport) -> String {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for f in r.findings {
        if current != Some(&f.location.file) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{bold}{}{bold:#}", f.location.file);
            current = Some(&f.location.file);
        }
        let st = sev_style(f.severity);
        // API objects have no line: their findings are grouped under the object.
        let line = if f.location.is_api() {
            String::new()
        } else {
            f.location.line.to_string()
        };
        let _ = writeln!(
            out,
            "  {line:>4}  {st}{:<8}{st:#} {bold}{}{bold:#}",
            f.severity.as_str(),
            f.rule
        );
        let _ = writeln!(out, "        {}", f.message);
        let _ = writeln!(out, "        {dim}fix: {}{dim:#}", f.fix);
    }
    if !r.suppressed.is_empty() {
        let _ = writeln!(out, "\n{bold}Suppressed{bold:#}");
        for s in r.suppressed {
            let f = &s.finding;
            let _ = writeln!(
                out,
                "  {}  {}  {dim}({}){dim:#}",
                f.location, f.rule, s.reason
            );
        }
    }
    if !r.baselined.is_empty() {
        let _ = writeln!(
            out,
            "\n{dim}{} finding(s) already in the baseline are not shown{dim:#}",
            r.baselined.len()
        );
    }
    if !r.insights.is_empty() {
        let _ = writeln!(
            out,
            "\n{bold}EKS insights{bold:#} {dim}(AWS's own checks of the running cluster, not eksdoctor rules){dim:#}"
        );
        for i in r.insights {
            let _ = writeln!(out, "  {}  {}", i.at, i.summary());
        }
    }
    if r.show_unknown && (!r.unknowns.is_empty() || !r.notes.is_empty()) {
        let _ = writeln!(out, "\n{bold}Not decided{bold:#}");
        for u in r.unknowns {
            let _ = writeln!(out, "  {}  {}  {}", u.location, u.rule, u.message);
        }
        for n in r.notes {
            let _ = writeln!(out, "  {}  {}", n.at, n.message);
        }
    }
    if !r.errors.is_empty() {
        let err = Style::new().fg_color(Some(AnsiColor::Red.into()));
        let _ = writeln!(out, "\n{err}Input errors{err:#}");
        for e in r.errors {
            match e.line {
                Some(l) => {
                    let _ = writeln!(out, "  {}:{l}: {}", e.file, e.message);
                }
                None => {
                    let _ = writeln!(out, "  {}: {}", e.file, e.message);
                }
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| r.count(**s) > 0)
        .map(|s| format!("{} {}", r.count(*s), s.as_str()))
        .collect();
    let n = r.findings.len();
    let _ = write!(
        out,
        "{bold}{n} finding{}{bold:#}",
        if n == 1 { "" } else { "s" }
    );
    if !counts.is_empty() {
        let _ = write!(out, " ({})", counts.join(", "));
    }
    // Live mode reads APIs, not files: its summary names no file count.
    if r.files_scanned > 0 {
        let _ = write!(
            out,
            " in {} file{} scanned",
            r.files_scanned,
            if r.files_scanned == 1 { "" } else { "s" }
        );
    }
    if !r.errors.is_empty() {
        let _ = write!(
            out,
            "; {} input error{}",
            r.errors.len(),
            if r.errors.len() == 1 { "" } else { "s" }
        );
    }
    out.push('\n');
    out
}
