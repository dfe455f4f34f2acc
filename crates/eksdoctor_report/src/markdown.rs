//! Markdown for a pull-request comment: counts, then the findings by severity with location,
//! message and fix, then suppressed ones.

use crate::ScanReport;
use eksdoctor_findings::Severity;
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(r: &ScanReport) -> String {
    let mut out = String::from("## eksdoctor\n\n");
    if r.findings.is_empty() {
        let _ = writeln!(out, "No findings in {} file(s) scanned.", r.files_scanned);
    } else {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .filter(|s| r.count(**s) > 0)
            .map(|s| format!("{} {}", r.count(*s), s.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "**{} finding(s)** ({}) in {} file(s) scanned.\n",
            r.findings.len(),
            counts.join(", "),
            r.files_scanned
        );
        let _ = writeln!(
            out,
            "| severity | rule | where | finding | fix |\n| --- | --- | --- | --- | --- |"
        );
        let mut sorted: Vec<_> = r.findings.iter().collect();
        sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in sorted {
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}:{}` | {} | {} |",
                f.severity.as_str(),
                f.rule,
                cell(&f.location.file),
                f.location.line,
                cell(&f.message),
                cell(f.fix)
            );
        }
    }
    if !r.suppressed.is_empty() {
        let _ = writeln!(out, "\n<details><summary>{} suppressed</summary>\n\n| rule | where | reason |\n| --- | --- | --- |", r.suppressed.len());
        for s in r.suppressed {
            let _ = writeln!(
                out,
                "| `{}` | `{}:{}` | {} |",
                s.finding.rule,
                cell(&s.finding.location.file),
                s.finding.location.line,
                cell(&s.reason)
            );
        }
        out.push_str("\n</details>\n");
    }
    if !r.baselined.is_empty() {
        let _ = writeln!(
            out,
            "\n{} finding(s) already in the baseline are not listed.",
            r.baselined.len()
        );
    }
    if !r.errors.is_empty() {
        let _ = writeln!(out, "\n**{} input error(s)**\n", r.errors.len());
        for e in r.errors {
            let _ = writeln!(
                out,
                "- `{}{}`: {}",
                e.file,
                e.line.map(|l| format!(":{l}")).unwrap_or_default(),
                cell(&e.message)
            );
        }
    }
    out
}
