//! Markdown for a pull-request comment: counts, then the findings by severity with location,
//! message and fix, then suppressed ones. GitHub refuses comments over 65,536 characters, so the
//! table stops before [`BUDGET`] and says how many findings are left out (the other formats list
//! them all).

use crate::ScanReport;
use eksdoctor_findings::Severity;
use std::fmt::Write;

/// Characters the finding and suppression tables may use, leaving room for the rest.
pub const BUDGET: usize = 60_000;

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
        for (i, f) in sorted.iter().enumerate() {
            let row = format!(
                "| {} | `{}` | `{}` | {} | {} |\n",
                f.severity.as_str(),
                f.rule,
                cell(&f.location.to_string()),
                cell(&f.message),
                cell(f.fix)
            );
            if out.len() + row.len() > BUDGET {
                let _ = writeln!(
                    out,
                    "\n{} more finding(s) not shown: the comment would exceed GitHub's size limit. \
                     The SARIF, JSON or HTML report lists them all.",
                    sorted.len() - i
                );
                break;
            }
            out.push_str(&row);
        }
    }
    if !r.suppressed.is_empty() {
        let _ = writeln!(out, "\n<details><summary>{} suppressed</summary>\n\n| rule | where | reason |\n| --- | --- | --- |", r.suppressed.len());
        for (i, s) in r.suppressed.iter().enumerate() {
            let row = format!(
                "| `{}` | `{}` | {} |\n",
                s.finding.rule,
                cell(&s.finding.location.to_string()),
                cell(&s.reason)
            );
            if out.len() + row.len() > BUDGET {
                let _ = writeln!(out, "\n{} more not shown.", r.suppressed.len() - i);
                break;
            }
            out.push_str(&row);
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

#[cfg(test)]
mod tests {
    use super::*;
    use eksdoctor_findings::{Finding, Location, Severity};
    use eksdoctor_inventory::SourceKind;

    fn report_of(findings: &[Finding]) -> String {
        render(&ScanReport {
            findings,
            unknowns: &[],
            errors: &[],
            notes: &[],
            suppressed: &[],
            baselined: &[],
            rules: &[],
            files_scanned: 1,
            show_unknown: false,
            tool_version: "test",
            context: None,
            workspace: &crate::Workspace::default(),
            sources: &Default::default(),
        })
    }

    fn finding(i: usize) -> Finding {
        Finding {
            rule: "subnet-too-small",
            severity: Severity::High,
            message: format!(
                "subnet `s{i}` | holds 251 usable addresses; {}",
                "x".repeat(200)
            ),
            location: Location::file(&format!("envs/e{i}/main.tf").into(), 7),
            source: SourceKind::Tf,
            resource: format!("subnet s{i}"),
            fix: "Use a /21 or larger.",
        }
    }

    #[test]
    fn a_big_report_stays_under_githubs_comment_limit_and_counts_what_it_leaves_out() {
        let findings: Vec<Finding> = (0..1000).map(finding).collect();
        let md = report_of(&findings);
        assert!(md.len() <= 65_536, "{} characters", md.len());
        let rows = md.lines().filter(|l| l.starts_with("| high |")).count();
        assert!(rows > 100 && rows < 1000, "{rows} rows");
        assert!(
            md.contains(&format!("\n{} more finding(s) not shown", 1000 - rows)),
            "{}",
            &md[md.len() - 300..]
        );
        // Pipes in messages are escaped, so each row keeps its five cells.
        assert!(md.contains("subnet `s0` \\| holds"));
    }

    #[test]
    fn a_small_report_lists_everything() {
        let findings: Vec<Finding> = (0..5).map(finding).collect();
        let md = report_of(&findings);
        assert_eq!(md.lines().filter(|l| l.starts_with("| high |")).count(), 5);
        assert!(!md.contains("not shown"));
    }
}
