//! The contract between rules and reports: what a finding is, how severe, where, and the metadata
//! of the rule that produced it.

pub mod paths;

use eksdoctor_inventory::{Prov, SourceKind, Val};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity `{s}` (expected low, medium, high or critical)"
            )),
        }
    }
}

/// Rule categories, as in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Network,
    Storage,
    Identity,
    ControlPlane,
    Versions,
    Fargate,
    Autoscaling,
    Meta,
}

/// A rule's metadata: the single description reports and docs read.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix, imperative.
    pub fix: &'static str,
    /// Sources that can feed it (catalog letters: tf plan eksctl k8s live x).
    pub sources: &'static [&'static str],
    /// When it stays silent, and tool defaults it relies on.
    pub silent_when: &'static str,
    pub references: &'static [&'static str],
}

/// Where a finding points: a file and line (static inputs), or an API object (live inputs:
/// `resource` is its ARN or `Kind/namespace/name`, with `arn` or `object` and `cluster`; `file`
/// repeats its display name and `line` is 0).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: Arc<str>,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

impl Location {
    /// Where a value's provenance points.
    pub fn of(at: &Prov) -> Location {
        let o = at.object.as_deref();
        Location {
            file: at.file.clone(),
            line: at.line,
            resource: o.map(|o| {
                o.arn
                    .clone()
                    .or(o.k8s.clone())
                    .unwrap_or_else(|| o.display())
            }),
            arn: o.and_then(|o| o.arn.clone()),
            object: o.and_then(|o| o.k8s.clone()),
            cluster: o.and_then(|o| o.cluster.clone()),
        }
    }

    /// A place in a file.
    pub fn file(file: &Arc<str>, line: u32) -> Location {
        Location::of(&Prov::new(file, line, SourceKind::Tf))
    }

    /// True when it is an API object, not a place in a file.
    pub fn is_api(&self) -> bool {
        self.resource.is_some()
    }
}

impl fmt::Display for Location {
    /// `file:line`, or the API object (`arn:aws:eks:...`, `cluster/Kind/namespace/name`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_api() {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    pub source: SourceKind,
    /// The object concerned, e.g. `nodegroup ng-1`, `StorageClass gp2`.
    pub resource: String,
    pub fix: &'static str,
}

impl Finding {
    /// A fingerprint that stays the same when the finding moves to another line, when its
    /// message is worded differently (days left, counts, a path named from another directory),
    /// and whatever directory the scan runs in and however its paths are written: rule, file
    /// (relative to the workspace root) and resource, hashed (FNV-1a, 64 bits, hex).
    pub fn fingerprint(&self, ws: &paths::Workspace) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |s: &str| {
            for b in s.bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            h ^= 0xff;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        };
        feed(self.rule);
        feed(&self.file_from_root(ws));
        feed(&self.resource);
        format!("{h:016x}")
    }

    /// The file as the workspace root names it, so `scan .` from a subdirectory, `scan infra`
    /// from the root and absolute paths in CI name it alike; an API object or standard input
    /// as it is.
    pub fn file_from_root(&self, ws: &paths::Workspace) -> String {
        let file = &self.location.file;
        let named = self.location.is_api() || file.starts_with('<');
        match ws.from_root(file).filter(|_| !named) {
            Some(rel) => rel,
            None => file.to_string(),
        }
    }

    pub fn new(meta: &RuleMeta, at: &Prov, resource: impl Into<String>, message: String) -> Self {
        Finding {
            rule: meta.id,
            severity: meta.severity,
            message,
            location: Location::of(at),
            source: at.source,
            resource: resource.into(),
            fix: meta.fix,
        }
    }
}

/// Something a rule could not decide (`--show-unknown`).
#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    pub rule: &'static str,
    pub message: String,
    pub location: Location,
    pub source: SourceKind,
}

impl Unknown {
    pub fn new(meta: &RuleMeta, at: &Prov, message: String) -> Self {
        Unknown {
            rule: meta.id,
            message,
            location: Location::of(at),
            source: at.source,
        }
    }
}

/// A finding an inline suppression with a reason silenced.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
    /// Where the suppression comment is.
    pub suppressed_at: Location,
}

/// Where rules put what they find.
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    pub unknowns: Vec<Unknown>,
    /// Findings silenced by an inline suppression with a reason.
    pub suppressed: Vec<Suppressed>,
}

impl Sink {
    pub fn finding(
        &mut self,
        meta: &RuleMeta,
        at: &Prov,
        resource: impl Into<String>,
        message: String,
    ) {
        self.findings
            .push(Finding::new(meta, at, resource, message));
    }

    /// A finding at `severity` rather than the rule's (the rule's documentation says when).
    pub fn finding_at(
        &mut self,
        meta: &RuleMeta,
        severity: Severity,
        at: &Prov,
        resource: impl Into<String>,
        message: String,
    ) {
        let mut f = Finding::new(meta, at, resource, message);
        f.severity = severity;
        self.findings.push(f);
    }

    pub fn unknown(&mut self, meta: &RuleMeta, at: &Prov, message: String) {
        self.unknowns.push(Unknown::new(meta, at, message));
    }

    /// The value a rule needs: its known value, or `None` after recording that the rule could
    /// not decide (`{what} not known: {reason}`, at the value's place). Rules read every value
    /// they decide on through this, so that an unknown never makes them silent.
    pub fn need<'v, T>(
        &mut self,
        meta: &RuleMeta,
        v: &'v Val<T>,
        what: impl FnOnce() -> String,
    ) -> Option<&'v T> {
        match v {
            Val::Known { value, .. } => Some(value),
            Val::Unknown { reason, at } => {
                self.unknown(meta, at, format!("{} not known: {reason}", what()));
                None
            }
        }
    }
}

use eksdoctor_inventory::clean_in_place;

impl Location {
    /// Every name in the location made safe to print.
    pub fn clean(&mut self) {
        eksdoctor_inventory::clean_shared(&mut self.file);
        for s in [
            &mut self.resource,
            &mut self.arn,
            &mut self.object,
            &mut self.cluster,
        ]
        .into_iter()
        .flatten()
        {
            clean_in_place(s);
        }
    }
}

impl Finding {
    /// The message, resource and location made safe to print in any report.
    pub fn clean(&mut self) {
        clean_in_place(&mut self.message);
        clean_in_place(&mut self.resource);
        self.location.clean();
    }
}

impl Unknown {
    /// The message and location made safe to print in any report.
    pub fn clean(&mut self) {
        clean_in_place(&mut self.message);
        self.location.clean();
    }
}

impl Suppressed {
    /// The finding, the reason and the comment's place made safe to print.
    pub fn clean(&mut self) {
        self.finding.clean();
        clean_in_place(&mut self.reason);
        self.suppressed_at.clean();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(file: &str, resource: &str, message: &str) -> Finding {
        Finding {
            rule: "subnet-too-small",
            severity: Severity::Medium,
            message: message.into(),
            location: Location::file(&Arc::from(file), 35),
            source: SourceKind::Tf,
            resource: resource.into(),
            fix: "",
        }
    }

    /// Rule, root-relative file and resource only: another wording of the message keeps the
    /// fingerprint; another resource (even one differing by a digit) or file does not.
    #[test]
    fn a_fingerprint_is_rule_file_and_resource() {
        let ws = paths::Workspace {
            cwd: "/repo/k8s".into(),
            root: Some("/repo".into()),
        };
        let a = finding(
            "../tf/main.tf",
            "subnet private[0]",
            "238 days left, `../tf:x`",
        );
        let same = finding("/repo/tf/main.tf", "subnet private[0]", "237 days, `tf:x`");
        assert_eq!(a.fingerprint(&ws), same.fingerprint(&ws));
        let other = finding(
            "../tf/main.tf",
            "subnet private[1]",
            "238 days left, `../tf:x`",
        );
        assert_ne!(a.fingerprint(&ws), other.fingerprint(&ws));
        let elsewhere = finding("main.tf", "subnet private[0]", "238 days left, `../tf:x`");
        assert_ne!(a.fingerprint(&ws), elsewhere.fingerprint(&ws));
    }
}
