//! `docs/rules.md` is generated from the rule metadata; this fails when it drifts.
//! Regenerate with `EKSDOCTOR_BLESS=1 cargo test -p eksdoctor_rules --test docs`.

use std::path::Path;

#[test]
fn rules_reference_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let want = eksdoctor_rules::rules_markdown();
    if std::env::var_os("EKSDOCTOR_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/rules.md is out of date: run EKSDOCTOR_BLESS=1 cargo test -p eksdoctor_rules --test docs");
}
