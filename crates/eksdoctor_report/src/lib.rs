//! Reports: one module per format. Reports see findings and rule metadata, never rule internals.

pub mod calc;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use eksdoctor_findings::{Finding, RuleMeta, Severity, Suppressed, Unknown};
use eksdoctor_inventory::{InputError, Insight, Note};

/// Everything a scan produced, ready to render.
pub struct ScanReport<'a> {
    /// Findings that count (not suppressed, not in the baseline).
    pub findings: &'a [Finding],
    pub unknowns: &'a [Unknown],
    pub errors: &'a [InputError],
    pub notes: &'a [Note],
    /// EKS insights of running clusters that are not passing (AWS's checks, not rules').
    pub insights: &'a [Insight],
    /// Findings silenced by an inline suppression with a reason.
    pub suppressed: &'a [Suppressed],
    /// Findings already in the `--baseline` file.
    pub baselined: &'a [Finding],
    /// Every rule, for formats that describe them (SARIF, JUnit).
    pub rules: &'a [&'static RuleMeta],
    pub files_scanned: usize,
    pub show_unknown: bool,
    pub tool_version: &'a str,
    /// What the HTML report draws besides the findings.
    pub context: Option<&'a ReportContext>,
    /// Where the scan ran: paths in SARIF and fingerprints are relative to its root.
    pub workspace: &'a Workspace,
    /// The lines of the files findings point into, by file name as the findings give it (SARIF
    /// columns); a file not here gets column 1. Reports read no files themselves.
    pub sources: &'a SourceLines,
}

/// File name → its lines.
pub type SourceLines = std::collections::HashMap<String, Vec<String>>;

pub use eksdoctor_findings::paths::Workspace;

/// Data for the HTML report's charts: the calendar, the clusters' versions and their IP capacity.
#[derive(Debug, Default)]
pub struct ReportContext {
    pub as_of: Option<chrono::NaiveDate>,
    pub calendar: Vec<eksdoctor_calc::versions::VersionRow>,
    /// Cluster name and Kubernetes version (when known).
    pub clusters: Vec<(String, Option<String>)>,
    /// Per cluster: IP demand and capacity per AZ (and the smallest prefix that fits).
    pub plans: Vec<(String, eksdoctor_calc::subnets::SubnetPlan)>,
}

impl ScanReport<'_> {
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }
}
