//! eksdoctor's YAML reader against PyYAML on a table of forms real consumers accept
//! (`tests/yaml_forms/*.yaml`, whose README lists the differences left). Needs `python3` with
//! PyYAML (`.ci/run` installs Debian's python3-yaml); without them the test fails.

use eksdoctor_inventory::{yaml, Node, NodeKind};
use serde_json::Value;
use std::path::Path;

/// Our value with scalars as their text.
fn ours(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Scalar { text, .. } => Value::String(text.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(ours).collect()),
        NodeKind::Map(entries) => {
            Value::Object(entries.iter().map(|(k, v)| (k.clone(), ours(v))).collect())
        }
        NodeKind::Unknown { reason } => panic!("unknown in YAML: {reason}"),
    }
}

/// PyYAML's documents, scalars as text (booleans lower-case, as written in these files).
fn pyyaml(file: &Path) -> Value {
    const SCRIPT: &str = r#"
import json, sys, yaml
def walk(v):
    if isinstance(v, dict): return {str(k): walk(x) for k, x in v.items()}
    if isinstance(v, list): return [walk(x) for x in v]
    if v is None: return None
    if isinstance(v, bool): return "true" if v else "false"
    return str(v)
with open(sys.argv[1], encoding="utf-8") as f:
    docs = [walk(d) for d in yaml.safe_load_all(f) if d is not None]
print(json.dumps(docs))
"#;
    run_pyyaml(SCRIPT, file)
}

/// `script` run by python3 on `file`: the JSON it prints.
fn run_pyyaml(script: &str, file: &Path) -> Value {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 is needed for this test (with PyYAML)");
    assert!(
        out.status.success(),
        "PyYAML failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Our value with each unquoted scalar typed as YAML 1.2's core schema types it (and the
/// accessors rules use: `as_bool`, `as_i64`).
fn ours_typed(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Scalar { text, quoted: true } => Value::String(text.clone()),
        NodeKind::Scalar { text, .. } => {
            if let Some(b) = n.as_bool() {
                Value::Bool(b)
            } else if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if matches!(text.as_str(), "~" | "null" | "Null" | "NULL" | "") {
                Value::Null
            } else if let Some(f) = text.parse::<f64>().ok().filter(|_| {
                text.chars()
                    .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
            }) {
                Value::from(f)
            } else {
                Value::String(text.clone())
            }
        }
        NodeKind::Seq(items) => Value::Array(items.iter().map(ours_typed).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), ours_typed(v)))
                .collect(),
        ),
        NodeKind::Unknown { reason } => panic!("unknown in YAML: {reason}"),
    }
}

/// PyYAML's documents with their types (JSON numbers, booleans, nulls, strings).
fn pyyaml_typed(file: &Path) -> Value {
    const SCRIPT: &str = r#"
import json, sys, yaml
with open(sys.argv[1], encoding="utf-8") as f:
    docs = [d for d in yaml.safe_load_all(f) if d is not None]
print(json.dumps(docs))
"#;
    run_pyyaml(SCRIPT, file)
}

/// The types of scalars, where YAML 1.2 and PyYAML's 1.1 agree (`typed/scalars.yaml`).
#[test]
fn scalar_types_agree_with_pyyaml() {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml_forms/typed/scalars.yaml");
    let (docs, err) = yaml::parse(&std::fs::read_to_string(&f).unwrap());
    assert!(err.is_none(), "{err:?}");
    let got = Value::Array(docs.iter().map(|d| ours_typed(&d.root)).collect());
    assert_eq!(got, pyyaml_typed(&f));
}

#[test]
fn yaml_forms_read_as_pyyaml_reads_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml_forms");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let (docs, err) = yaml::parse(&text);
        if let Some(e) = err {
            failures.push(format!("{}: line {}: {}", f.display(), e.line, e.message));
            continue;
        }
        let got = Value::Array(docs.iter().map(|d| ours(&d.root)).collect());
        let want = pyyaml(f);
        if got != want {
            failures.push(format!(
                "{}:\n  eksdoctor {got}\n  PyYAML    {want}",
                f.display()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The repair touches only the line the parser rejected, and keeps every line number.
#[test]
fn closing_bracket_repair_keeps_lines() {
    let text = "a: 1\nargs: [\n  x,\n  y\n]\nb: 2\n";
    let (docs, err) = yaml::parse(text);
    assert!(err.is_none(), "{err:?}");
    let root = &docs[0].root;
    assert_eq!(root.get("b").map(|n| n.line), Some(6));
    assert_eq!(root.get("args").map(|n| n.items().len()), Some(2));
    // Still an error where no bracket is to blame.
    let (_, err) = yaml::parse("a:\n  b: 1\n c: 2\n");
    assert!(err.is_some());
}
