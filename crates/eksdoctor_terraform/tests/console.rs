//! The evaluator against values recorded from `terraform console` (tools/record-terraform-console.sh).

use eksdoctor_terraform::eval_expr;

#[test]
fn matches_terraform_console() {
    let text = include_str!("data/console-expected.jsonl");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let expr = rec["expr"].as_str().unwrap();
        let want = &rec["json"];
        match eval_expr(expr) {
            Ok(v) => match v.to_json() {
                Some(got) if json_eq(&got, want) => {}
                other => failures.push(format!("{expr}: got {other:?}, terraform says {want}")),
            },
            Err(e) => failures.push(format!("{expr}: error {e}, terraform says {want}")),
        }
        checked += 1;
    }
    assert!(checked >= 90, "only {checked} recorded expressions");
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
