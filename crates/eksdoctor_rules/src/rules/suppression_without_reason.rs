//! # suppression-without-reason
//! An inline suppression (`# eksdoctor:ignore RULE -- reason`) that gives no reason. It is not
//! applied: a suppression is a decision someone must be able to read later.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "suppression-without-reason",
    category: Category::Meta,
    severity: Severity::Low,
    summary: "Inline suppression without a reason",
    why: "A suppression hides a pitfall from everyone who reads the report later; without the reason nobody can tell a decision from a shortcut, so eksdoctor does not apply it.",
    fix: "Write why after ` -- `: `# eksdoctor:ignore imds-reachable-from-pods -- the node agent needs IMDS`.",
    sources: &["tf", "k8s", "eksctl"],
    silent_when: "Never: every suppression comment in a scanned file is checked.",
    references: &["docs/suppressions.md"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for s in ctx.inv.suppressions.iter().filter(|s| s.reason.is_none()) {
        let what = if s.rules.is_empty() {
            "names no rule and gives no reason".to_string()
        } else {
            format!("for {} gives no reason", s.rules.join(", "))
        };
        sink.finding(
            &META,
            &s.at,
            format!("suppression {}", s.rules.join(",")),
            format!("this suppression {what}, so it is not applied; add ` -- <why>`"),
        );
    }
}
