//! The evaluator against values recorded from `terraform console` (tools/record-terraform-console.sh).

use eksdoctor_terraform::eval_expr;

/// Functions the evaluator leaves unknown (compressing text is of no use to the rules).
const UNSUPPORTED: &[&str] = &["base64gzip("];

#[test]
fn matches_terraform_console() {
    let text = include_str!("data/console-expected.jsonl");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let expr = rec["expr"].as_str().unwrap();
        let want = &rec["json"];
        // Functions left unevaluated on purpose: the value becomes unknown with this reason.
        if UNSUPPORTED.iter().any(|f| expr.starts_with(f)) {
            match eval_expr(expr) {
                Err(e) if e.contains("not supported by eksdoctor's evaluator") => {}
                other => failures.push(format!("{expr}: expected unsupported, got {other:?}")),
            }
            checked += 1;
            continue;
        }
        if rec["error"] == true {
            if let Ok(v) = eval_expr(expr) {
                failures.push(format!(
                    "{expr}: got {:?}, terraform rejects it",
                    v.to_json()
                ));
            }
            checked += 1;
            continue;
        }
        match eval_expr(expr) {
            // yamlencode writes JSON-style YAML where Terraform writes block style: the same
            // document, compared as decoded.
            Ok(v) if expr.starts_with("yamlencode(") => {
                let decoded = |text: &str| {
                    eksdoctor_terraform::yaml::decode(text)
                        .ok()
                        .and_then(|d| d.to_json())
                };
                let got = v.as_str().and_then(decoded);
                let terraform = want.as_str().and_then(decoded);
                if got.is_none() || got != terraform {
                    failures.push(format!("{expr}: got {v:?}, terraform says {want}"));
                }
            }
            Ok(v) => match v.to_json() {
                Some(got) if json_eq(&got, want) => {}
                other => failures.push(format!("{expr}: got {other:?}, terraform says {want}")),
            },
            Err(e) => failures.push(format!("{expr}: error {e}, terraform says {want}")),
        }
        checked += 1;
    }
    assert!(checked >= 175, "only {checked} recorded expressions");
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Numbers compare by value (Terraform prints 3 and 3.0 alike).
fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn limits_give_errors_not_hangs() {
    let e = eval_expr("range(1e9)").unwrap_err();
    assert!(e.contains("more than 1024"), "{e}");
    let e = eval_expr("cidrsubnet(\"10.0.0.0/24\", 9, 0)").unwrap_err();
    assert!(e.contains("insufficient address space"), "{e}");
    let e = eval_expr("cidrsubnet(\"10.0.0.0/16\", 4, 16)").unwrap_err();
    assert!(e.contains("does not accommodate"), "{e}");
}
