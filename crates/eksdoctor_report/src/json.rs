//! The JSON output contract (`pitfalls.md`): `findings` and `summary`, plus `errors` and, with
//! `--show-unknown`, `unknowns` and `notes`.

use crate::ScanReport;
use eksdoctor_findings::Severity;
use serde_json::{json, Map, Value};

pub fn render(r: &ScanReport) -> String {
    let mut by_sev = Map::new();
    for s in Severity::ALL {
        by_sev.insert(s.as_str().to_string(), json!(r.count(s)));
    }
    let mut out = json!({
        "findings": r.findings,
        "summary": {
            "findings": r.findings.len(),
            "by_severity": by_sev,
            "files_scanned": r.files_scanned,
            "errors": r.errors.len(),
            "suppressed": r.suppressed.len(),
            "baselined": r.baselined.len(),
        },
        "errors": r.errors,
    });
    {
        let obj = out.as_object_mut().expect("object");
        if !r.suppressed.is_empty() {
            obj.insert("suppressed".into(), json!(r.suppressed));
        }
        if !r.baselined.is_empty() {
            obj.insert("baselined".into(), json!(r.baselined));
        }
        if !r.insights.is_empty() {
            obj.insert("insights".into(), json!(r.insights));
        }
    }
    if r.show_unknown {
        let obj = out.as_object_mut().expect("object");
        obj.insert("unknowns".into(), json!(r.unknowns));
        obj.insert(
            "notes".into(),
            Value::Array(
                r.notes
                    .iter()
                    .map(|n| json!({"file": n.at.file, "line": n.at.line, "message": n.message}))
                    .collect(),
            ),
        );
    }
    let mut s = serde_json::to_string_pretty(&out).expect("serializable");
    s.push('\n');
    s
}
