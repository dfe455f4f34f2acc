//! # suppression-unused
//! An inline suppression with a reason that silences nothing: no finding of the rules it names
//! is on its line or the line below. The problem was fixed, the finding moved, or the rule id is
//! misspelt; left in place it would hide a new finding there later. It runs after every other
//! rule and reads their findings.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "suppression-unused",
    category: Category::Meta,
    severity: Severity::Low,
    summary: "Inline suppression that silences nothing",
    why: "A suppression that matches no finding is a stale decision: the problem was fixed or moved, or the rule id is misspelt. Left in place it silently hides whatever that rule finds on that line next.",
    fix: "Delete the comment, or move it to the line above the finding it is meant for (and check the rule id with `eksdoctor rules`).",
    sources: &["tf", "k8s", "eksctl"],
    silent_when: "The suppression gives no reason (suppression-without-reason reports it), or every rule it names is turned off for this run (`--skip-rule`, configuration `disable`), so its findings were not looked for.",
    references: &["docs/suppressions.md"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for s in ctx.inv.suppressions.iter().filter(|s| s.reason.is_some()) {
        let known = |r: &String| crate::find_rule(r).is_some();
        let judged = |r: &String| !ctx.settings.disabled.contains(r.as_str());
        if !s.rules.is_empty() && s.rules.iter().all(|r| known(r) && !judged(r)) {
            continue;
        }
        if sink.findings.iter().any(|f| crate::covers(s, f)) {
            continue;
        }
        let unknown: Vec<&str> = s
            .rules
            .iter()
            .filter(|r| !known(r))
            .map(String::as_str)
            .collect();
        let why = match unknown.as_slice() {
            _ if s.rules.is_empty() => "it names no rule".to_string(),
            [] => "no finding of it is on this line or the next".to_string(),
            ids => format!("no rule is called {}", ids.join(", ")),
        };
        sink.finding(
            &META,
            &s.at,
            format!("suppression {}", s.rules.join(",")),
            format!(
                "this suppression{} silences nothing: {why}; delete it, or it will hide what that rule finds here later",
                if s.rules.is_empty() { String::new() } else { format!(" of {}", s.rules.join(", ")) }
            ),
        );
    }
}
