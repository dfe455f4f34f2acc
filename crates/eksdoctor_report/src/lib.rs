//! Reports: one module per format. Reports see findings and rule metadata, never rule internals.

pub mod human;
pub mod json;

use eksdoctor_findings::{Finding, Severity, Unknown};
use eksdoctor_inventory::{InputError, Note};

/// Everything a scan produced, ready to render.
pub struct ScanReport<'a> {
    pub findings: &'a [Finding],
    pub unknowns: &'a [Unknown],
    pub errors: &'a [InputError],
    pub notes: &'a [Note],
    pub files_scanned: usize,
    pub show_unknown: bool,
}

impl ScanReport<'_> {
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }
}
