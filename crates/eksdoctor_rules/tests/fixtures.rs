//! Every rule fires exactly where its positive fixtures say (`# expect: RULE` at the end of the
//! line the finding must point at) and stays silent on its negative fixtures. A fixture that marks
//! lines with `# unknown: RULE` must also get exactly those "not decided" entries from the rule. Fixtures live in
//! `fixtures/<rule-id>/`: files or directories named `pos*` and `neg*`; a directory is scanned as
//! one invocation (infrastructure and manifests together). Judged as of 2026-11-22.

use eksdoctor_rules::{run, Settings, RULES};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn files_under(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        out.extend(files_under(&e.unwrap().path()));
    }
    out.sort();
    out
}

/// (file, line) of every `# expect: a, b` marker naming `rule`.
fn markers(p: &Path, rule: &str) -> BTreeSet<(String, u32)> {
    tagged(p, rule, "# expect")
}

/// (file, line) of every `TAG: a, b` marker naming `rule`.
fn tagged(p: &Path, rule: &str, tag: &str) -> BTreeSet<(String, u32)> {
    let mut out = BTreeSet::new();
    for f in files_under(p) {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find(tag) else {
                continue;
            };
            let rest = line[pos + tag.len()..].trim_start_matches('"');
            let Some(rest) = rest.strip_prefix(':') else {
                continue;
            };
            let ids = rest.trim().trim_matches(|c| c == '"' || c == ',');
            if ids.split(',').any(|id| id.trim().trim_matches('"') == rule) {
                out.insert((f.display().to_string(), i as u32 + 1));
            }
        }
    }
    out
}

fn scan(p: &Path, rule: &str) -> BTreeSet<(String, u32)> {
    scan_both(p, rule).0
}

/// Places as (file, line).
type Lines = BTreeSet<(String, u32)>;

/// (findings, unknowns) of `rule`.
fn scan_both(p: &Path, rule: &str) -> (Lines, Lines) {
    let (inputs, errors) = eksdoctor_sources::discover(&[p.to_path_buf()], || Ok(String::new()));
    assert!(errors.is_empty(), "{errors:?}");
    let mut inv = eksdoctor_sources::load(&inputs, &Default::default());
    inv.finish();
    assert!(
        inv.errors.is_empty(),
        "fixture {} has input errors: {:?}",
        p.display(),
        inv.errors
    );
    let sink = run(&inv, &Settings::new(as_of()));
    let findings = sink
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.location.file.to_string(), f.location.line))
        .collect();
    let unknowns = sink
        .unknowns
        .iter()
        .filter(|u| u.rule == rule)
        .map(|u| (u.location.file.to_string(), u.location.line))
        .collect();
    (findings, unknowns)
}

#[test]
fn every_rule_fires_on_its_positive_fixtures_and_only_there() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut failures = Vec::new();
    for rule in RULES {
        let id = rule.meta.id;
        let dir = root.join(id);
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
            Err(_) => {
                failures.push(format!("{id}: no fixtures directory"));
                continue;
            }
        };
        entries.sort();
        let name = |p: &PathBuf| p.file_name().unwrap().to_string_lossy().to_string();
        let pos: Vec<_> = entries
            .iter()
            .filter(|p| name(p).starts_with("pos"))
            .collect();
        let neg: Vec<_> = entries
            .iter()
            .filter(|p| name(p).starts_with("neg"))
            .collect();
        if pos.is_empty() || neg.is_empty() {
            failures.push(format!(
                "{id}: needs at least one pos* and one neg* fixture"
            ));
        }
        for p in pos {
            let want = markers(p, id);
            if want.is_empty() {
                failures.push(format!(
                    "{id}: {} has no `# expect: {id}` marker",
                    p.display()
                ));
            }
            let got = scan(p, id);
            if got != want {
                failures.push(format!(
                    "{id}: {}\n  expected {want:?}\n  got      {got:?}",
                    p.display()
                ));
            }
        }
        for p in neg {
            assert!(
                markers(p, id).is_empty(),
                "{id}: negative fixture {} has markers",
                p.display()
            );
            let (got, unknowns) = scan_both(p, id);
            if !got.is_empty() {
                failures.push(format!("{id}: negative {} fired at {got:?}", p.display()));
            }
            let want = tagged(p, id, "# unknown");
            if !want.is_empty() && unknowns != want {
                failures.push(format!(
                    "{id}: {} not decided\n  expected {want:?}\n  got      {unknowns:?}",
                    p.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Rules that decide from values a manifest or definition always states literally, so there is no
/// unknown for them to report; each with the reason. Every other rule has a fixture asserting
/// where it says it cannot decide (`# unknown: RULE`).
const ALWAYS_DECIDE: &[(&str, &str)] = &[
    (
        "aws-auth-user-system-masters",
        "reads the aws-auth entries as written",
    ),
    ("cronjob-ip-churn", "reads the schedule as written"),
    (
        "deprecated-api",
        "falls back to --k8s-version, then to the oldest available EKS version",
    ),
    (
        "in-tree-ebs-provisioner",
        "reads the provisioner as written",
    ),
    (
        "storageclass-immediate-binding",
        "reads the binding mode as written (unset is the API default)",
    ),
    (
        "suppression-without-reason",
        "reads the comments as written",
    ),
    (
        "version-end-of-life",
        "an unknown version is reported once, by version-out-of-standard-support",
    ),
];

#[test]
fn every_rule_that_can_be_undecided_has_a_fixture_saying_so() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut missing = Vec::new();
    for rule in RULES {
        let id = rule.meta.id;
        let has = !tagged(&root.join(id), id, "# unknown").is_empty();
        let exempt = ALWAYS_DECIDE.iter().any(|(r, _)| *r == id);
        if has == exempt {
            missing.push(if exempt {
                format!("{id}: listed as always deciding, but a fixture marks an unknown")
            } else {
                format!("{id}: no fixture marks where it cannot decide (`# unknown: {id}`)")
            });
        }
    }
    assert!(missing.is_empty(), "\n{}", missing.join("\n"));
}
