//! Markdown for a pull-request comment: counts, then the findings by severity with location,
//! message and fix, then suppressed ones. GitHub refuses comments over 65,536 characters, so the
//! table stops before [`BUDGET`] and says how many findings are left out (the other formats list
//! them all).

use crate::ScanReport;
use eksdoctor_findings::Severity;
use std::fmt::Write;

/// Characters the finding and suppression tables may use, leaving room for the rest.
pub const BUDGET: usize = 60_000;

/// A message for a table cell or a list item. The rules write names between backticks; what
/// lies between backticks is a code span (inert: no HTML, link or emphasis there), and
/// everything else is escaped, so a name from the input cannot bring markup, whatever
/// backticks it holds. `|` is escaped everywhere (GitHub tables split on it even in code).
fn cell(s: &str) -> String {
    let pieces: Vec<&str> = s.split('`').collect();
    // With an odd number of backticks the last one opens no span: it is text.
    let spans = (pieces.len() - 1) / 2 * 2;
    let mut out = String::with_capacity(s.len() + 8);
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            out.push_str(if i <= spans { "`" } else { "\\`" });
        }
        if i % 2 == 1 && i <= spans {
            out.push_str(&p.replace('|', "\\|"));
        } else {
            escape_text(p, &mut out);
        }
    }
    out
}

/// Text outside code spans: ASCII punctuation that starts markup is backslash-escaped (HTML,
/// links, images, emphasis, entities, autolinks such as `https://` and `www.`).
fn escape_text(s: &str, out: &mut String) {
    let mut prev3 = String::new();
    for c in s.chars() {
        let www_dot = c == '.' && prev3.eq_ignore_ascii_case("www");
        if matches!(
            c,
            '\\' | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '('
                | ')'
                | '#'
                | '+'
                | '!'
                | '|'
                | '~'
                | '&'
                | ':'
                | '@'
        ) || www_dot
        {
            out.push('\\');
        }
        out.push(match c {
            '\n' | '\r' => ' ',
            c => c,
        });
        prev3.push(c);
        if prev3.chars().count() > 3 {
            prev3.remove(0);
        }
    }
}

/// A value as one code span: a fence longer than any run of backticks in it, so nothing in the
/// value ends the span early.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
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
                "| {} | `{}` | {} | {} | {} |\n",
                f.severity.as_str(),
                f.rule,
                code(&f.location.to_string()),
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
    if !r.insights.is_empty() {
        let _ = writeln!(
            out,
            "\n**EKS insights** (AWS's own checks of the running cluster, not eksdoctor rules):\n\n| cluster | status | insight |\n| --- | --- | --- |"
        );
        for i in r.insights {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(i.cluster.name()),
                cell(&i.status),
                cell(&i.summary())
            );
        }
    }
    if !r.suppressed.is_empty() {
        let _ = writeln!(out, "\n<details><summary>{} suppressed</summary>\n\n| rule | where | reason |\n| --- | --- | --- |", r.suppressed.len());
        for (i, s) in r.suppressed.iter().enumerate() {
            let row = format!(
                "| `{}` | {} | {} |\n",
                s.finding.rule,
                code(&s.finding.location.to_string()),
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
                "- {}: {}",
                code(&format!(
                    "{}{}",
                    e.file,
                    e.line.map(|l| format!(":{l}")).unwrap_or_default()
                )),
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
            insights: &[],
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
    fn values_from_the_input_bring_no_markup() {
        assert_eq!(
            cell("cluster `x` has <img src=x onerror=alert(1)> and [a](https://evil)"),
            "cluster `x` has \\<img src=x onerror=alert\\(1\\)\\> and \\[a\\]\\(https\\://evil\\)"
        );
        // A backtick in a name: whatever lands outside a span is escaped; an unmatched one is text.
        assert_eq!(cell("name `a`<b>` here"), "name `a`\\<b\\>\\` here");
        assert_eq!(cell("see www.evil.com | x"), "see www\\.evil.com \\| x");
        assert_eq!(code("a``b|c"), "```a``b\\|c```");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn a_small_report_lists_everything() {
        let findings: Vec<Finding> = (0..5).map(finding).collect();
        let md = report_of(&findings);
        assert_eq!(md.lines().filter(|l| l.starts_with("| high |")).count(), 5);
        assert!(!md.contains("not shown"));
    }
}
