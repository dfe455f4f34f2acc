//! SARIF 2.1.0, as GitHub code scanning reads it: one run, every rule in `tool.driver.rules` with
//! its descriptions, help and `security-severity`, results with physical locations (line and
//! the column of the line's first non-blank character), stable `partialFingerprints`, suppressed
//! findings with their justification, input errors as tool notifications, and with
//! `--show-unknown` what rules could not decide as note-level notifications.

use crate::{ScanReport, SourceLines, Workspace};
use eksdoctor_findings::{Finding, RuleMeta, Severity};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity` (0–10): critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn rule(m: &RuleMeta) -> Value {
    let help = format!(
        "{}\n\nWhy: {}\n\nFix: {}\n\nSilent when: {}",
        m.summary, m.why, m.fix, m.silent_when
    );
    let markdown = format!(
        "**{}**\n\n{}\n\n**Fix:** {}\n\n**Silent when:** {}\n\n{}",
        m.summary,
        m.why,
        m.fix,
        m.silent_when,
        m.references
            .iter()
            .map(|r| format!("- {r}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut v = json!({
        "id": m.id,
        "name": pascal(m.id),
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": m.why },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": {
            "security-severity": security_severity(m.severity),
            "precision": "high",
            "tags": ["eks", format!("{:?}", m.category).to_lowercase(), m.severity.as_str()],
        },
    });
    if let Some(uri) = m.references.iter().find(|r| r.starts_with("https://")) {
        v["helpUri"] = json!(uri);
    }
    v
}

/// The column of the first non-blank character of `line` in `file` (1 when unknown).
fn column(sources: &SourceLines, file: &str, line: u32) -> u32 {
    sources
        .get(file)
        .and_then(|l| l.get(line.saturating_sub(1) as usize))
        .map(|l| l.chars().take_while(|c| c.is_whitespace()).count() as u32 + 1)
        .unwrap_or(1)
}

fn encode(path: &str) -> String {
    let mut enc = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                enc.push(b as char)
            }
            _ => enc.push_str(&format!("%{b:02X}")),
        }
    }
    enc
}

fn slashes(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A file path as a SARIF artifact location: relative to `%SRCROOT%` (the work tree root, see
/// [`paths`]) when the file is inside it, whatever directory the scan ran from; else an absolute
/// `file://` URI. Unsafe characters are percent-encoded.
fn artifact(ws: &Workspace, file: &str) -> Value {
    match ws.relative_to_root(file) {
        Some(rel) => json!({ "uri": encode(&rel), "uriBaseId": "%SRCROOT%" }),
        None => json!({ "uri": format!("file://{}", encode(&slashes(&ws.absolute(file)))) }),
    }
}

fn result(f: &Finding, index: &HashMap<&str, usize>, report: &ScanReport) -> Value {
    let ws = report.workspace;
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": with_fix(&f.message, f.fix) },
        "partialFingerprints": { "eksdoctor/v2": f.fingerprint(ws) },
        "properties": { "resource": f.resource, "source": f.source.as_str(), "severity": f.severity.as_str() },
    });
    if let Some(i) = index.get(f.rule) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(object) = &f.location.resource {
        // An API object (live mode): a logical location named by its ARN or Kubernetes path.
        r["locations"] = json!([{ "logicalLocations": [{ "fullyQualifiedName": object, "name": f.resource, "kind": "resource" }] }]);
    } else if f.location.file.starts_with('<') {
        // Standard input: a logical location.
        r["locations"] = json!([{ "logicalLocations": [{ "fullyQualifiedName": f.resource, "kind": "resource" }] }]);
    } else {
        let col = column(report.sources, &f.location.file, f.location.line);
        r["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": artifact(ws, &f.location.file),
                "region": { "startLine": f.location.line, "startColumn": col }
            },
            "logicalLocations": [{ "fullyQualifiedName": f.resource, "kind": "resource" }]
        }]);
    }
    r
}

pub fn render(r: &ScanReport) -> String {
    let index: HashMap<&str, usize> = r.rules.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let root = r.workspace.root.as_deref();
    let mut results: Vec<Value> = r.findings.iter().map(|f| result(f, &index, r)).collect();
    for s in r.suppressed {
        let mut v = result(&s.finding, &index, r);
        v["suppressions"] = json!([{ "kind": "inSource", "justification": s.reason }]);
        results.push(v);
    }
    for f in r.baselined {
        let mut v = result(f, &index, r);
        v["baselineState"] = json!("unchanged");
        results.push(v);
    }
    let notifications: Vec<Value> = r
        .errors
        .iter()
        .map(|e| {
            let mut n = json!({ "level": "error", "message": { "text": e.message } });
            if !e.file.starts_with('<') {
                let mut region = json!({});
                if let Some(l) = e.line {
                    region = json!({ "startLine": l.max(1) });
                }
                n["locations"] = json!([{ "physicalLocation": { "artifactLocation": artifact(r.workspace, &e.file), "region": region } }]);
            }
            n
        })
        .collect();
    let mut notifications = notifications;
    // `--show-unknown`: what rules could not decide, as note-level notifications naming the rule.
    if r.show_unknown {
        for u in r.unknowns {
            let mut n = json!({
                "level": "note",
                "message": { "text": format!("not decided: {}", u.message) },
                "descriptor": { "id": "not-decided" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifact(r.workspace, &u.location.file),
                    "region": { "startLine": u.location.line.max(1) }
                } }],
            });
            if let Some(i) = index.get(u.rule) {
                n["associatedRule"] = json!({ "id": u.rule, "index": i });
            }
            notifications.push(n);
        }
    }
    let out = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "eksdoctor",
                "version": r.tool_version,
                "semanticVersion": r.tool_version,
                "rules": r.rules.iter().map(|m| rule(m)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": r.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    });
    let mut out = out;
    if let Some(r) = root {
        let mut base = format!("file://{}", encode(&slashes(r)));
        if !base.ends_with('/') {
            base.push('/');
        }
        out["runs"][0]["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": base } });
    }
    let mut s = serde_json::to_string_pretty(&out).expect("serializable");
    s.push('\n');
    s
}

/// The finding's message followed by its fix, as one sentence sequence.
fn with_fix(message: &str, fix: &str) -> String {
    let sep = if message.ends_with(['.', '!', '?']) {
        " "
    } else {
        ". "
    };
    format!("{message}{sep}Fix: {fix}")
}
