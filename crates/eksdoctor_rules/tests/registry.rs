//! Registry invariants: ids are unique, kebab-case and in the catalog; every rule is documented.

use eksdoctor_rules::RULES;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn ids_are_unique_kebab_case_and_documented() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        let m = r.meta;
        assert!(seen.insert(m.id), "duplicate id {}", m.id);
        assert!(
            m.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            m.id
        );
        for (what, text) in [
            ("summary", m.summary),
            ("why", m.why),
            ("fix", m.fix),
            ("silent_when", m.silent_when),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {what}", m.id);
        }
        assert!(!m.sources.is_empty(), "{}: no sources", m.id);
        assert!(!m.references.is_empty(), "{}: no references", m.id);
    }
}

/// Rules this repository adds to the catalog (additions are allowed; the catalog is read-only
/// here), each documented in `docs/rules.md` like the others.
const ADDED: &[&str] = &["suppression-unused"];

/// The catalog (`shared/pitfalls.md`, beside the repository in CI) lists every id we ship, but
/// the additions above.
#[test]
fn ids_are_in_the_catalog() {
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/pitfalls.md");
    let Ok(text) = std::fs::read_to_string(&catalog) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have shared/pitfalls.md at {}",
            catalog.display()
        );
        eprintln!("skipped: {} not found", catalog.display());
        return;
    };
    for r in RULES.iter().filter(|r| !ADDED.contains(&r.meta.id)) {
        assert!(
            text.contains(&format!("| `{}` |", r.meta.id)),
            "{} is not in the catalog",
            r.meta.id
        );
    }
    for id in ADDED {
        assert!(
            !text.contains(&format!("| `{id}` |")),
            "{id} is in the catalog now: drop it from ADDED"
        );
    }
}
