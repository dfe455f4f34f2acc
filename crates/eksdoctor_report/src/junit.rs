//! JUnit XML: one test case per rule × resource. A rule with findings fails once per resource
//! (the failure carries the messages and locations); a rule without findings is one passing case.

use crate::ScanReport;
use eksdoctor_findings::Finding;
use std::collections::BTreeMap;
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no place for other control characters.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(r: &ScanReport) -> String {
    let mut by_rule: BTreeMap<&str, BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
    for f in r.findings {
        by_rule
            .entry(f.rule)
            .or_default()
            .entry(f.resource.as_str())
            .or_default()
            .push(f);
    }
    let mut cases = String::new();
    let mut tests = 0;
    let mut failures = 0;
    for m in r.rules {
        match by_rule.get(m.id) {
            None => {
                tests += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"eksdoctor.{}\" name=\"no finding\"/>",
                    esc(m.id)
                );
            }
            Some(resources) => {
                for (res, fs) in resources {
                    tests += 1;
                    failures += 1;
                    let first = fs[0];
                    let body: Vec<String> = fs
                        .iter()
                        .map(|f| format!("{}: {}\nfix: {}", f.location, f.message, f.fix))
                        .collect();
                    let _ = writeln!(
                        cases,
                        "    <testcase classname=\"eksdoctor.{}\" name=\"{}\" file=\"{}\" line=\"{}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        esc(m.id),
                        esc(res),
                        esc(&first.location.file),
                        first.location.line,
                        esc(&first.message),
                        first.severity.as_str(),
                        esc(&body.join("\n\n"))
                    );
                }
            }
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"eksdoctor\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\">",
        r.errors.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"eksdoctor\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\" skipped=\"0\">",
        r.errors.len()
    );
    out.push_str(&cases);
    for e in r.errors {
        let _ = writeln!(
            out,
            "    <testcase classname=\"eksdoctor.input\" name=\"{}\">\n      <error message=\"{}\">{}{}</error>\n    </testcase>",
            esc(&e.file),
            esc(&e.message),
            esc(&e.file),
            e.line.map(|l| format!(":{l}")).unwrap_or_default()
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
