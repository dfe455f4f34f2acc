use crate::{rows, KubeVersion};
use chrono::NaiveDate;
use serde::Serialize;
use std::sync::OnceLock;

const EKS_VERSIONS: &str = include_str!("../data/eks-versions.csv");
const ADDON_VERSIONS: &str = include_str!("../data/addon-versions.csv");

/// The cluster fee in standard support, USD per cluster-hour (US East; see data/SOURCES.md).
pub const STANDARD_USD_PER_HOUR: f64 = 0.10;
/// What extended support adds on top of the standard fee, USD per cluster-hour.
pub const EXTENDED_SUPPORT_EXTRA_USD_PER_HOUR: f64 = 0.50;

/// Hours in a year, for the yearly cost of extended support (365 days × 24).
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// The yearly extra cost of extended support for one cluster, whole USD (0.50 × 8,760 = 4,380).
pub fn extended_support_extra_usd_per_year() -> i64 {
    (EXTENDED_SUPPORT_EXTRA_USD_PER_HOUR * HOURS_PER_YEAR).round() as i64
}

/// `1,234` style thousands separators for whole dollars.
pub fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `1 day`, `4 days`.
pub fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

/// One row of the EKS release calendar. All dates are UTC.
#[derive(Debug, Clone, Serialize)]
pub struct EksVersion {
    pub version: KubeVersion,
    pub upstream_release: NaiveDate,
    pub eks_release: NaiveDate,
    pub end_of_standard_support: NaiveDate,
    pub end_of_extended_support: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportStatus {
    NotYetReleased,
    Standard,
    Extended,
    EndOfLife,
}

impl SupportStatus {
    pub fn label(self) -> &'static str {
        match self {
            SupportStatus::NotYetReleased => "not yet released",
            SupportStatus::Standard => "standard support",
            SupportStatus::Extended => "extended support",
            SupportStatus::EndOfLife => "end of life",
        }
    }
}

impl EksVersion {
    /// Status on `date`. Extended-support billing starts on the day standard support ends, and the
    /// version is out of extended support on its end date.
    pub fn status(&self, date: NaiveDate) -> SupportStatus {
        if date < self.eks_release {
            SupportStatus::NotYetReleased
        } else if date < self.end_of_standard_support {
            SupportStatus::Standard
        } else if date < self.end_of_extended_support {
            SupportStatus::Extended
        } else {
            SupportStatus::EndOfLife
        }
    }
}

/// The EKS version calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub versions: Vec<EksVersion>,
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| format!("bad date `{s}`: {e}"))
}

impl Calendar {
    /// Parse a calendar in the `eks-versions.csv` layout (header, then
    /// `kubernetes_version,upstream_release,eks_release,end_of_standard_support,end_of_extended_support,...`).
    pub fn parse(text: &str) -> Result<Calendar, String> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut versions = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let r = rec.map_err(|e| format!("line {line}: {e}"))?;
            if r.len() < 5 {
                return Err(format!(
                    "line {line}: expected at least 5 columns, found {}",
                    r.len()
                ));
            }
            let field = |n: usize| date(&r[n]).map_err(|e| format!("line {line}: {e}"));
            versions.push(EksVersion {
                version: r[0].parse().map_err(|e| format!("line {line}: {e}"))?,
                upstream_release: field(1)?,
                eks_release: field(2)?,
                end_of_standard_support: field(3)?,
                end_of_extended_support: field(4)?,
            });
        }
        if versions.is_empty() {
            return Err("the calendar has no versions".into());
        }
        versions.sort_by_key(|v| v.version);
        Ok(Calendar { versions })
    }

    pub fn get(&self, v: KubeVersion) -> Option<&EksVersion> {
        self.versions.iter().find(|e| e.version == v)
    }

    pub fn oldest(&self) -> &EksVersion {
        &self.versions[0]
    }

    pub fn newest(&self) -> &EksVersion {
        &self.versions[self.versions.len() - 1]
    }

    /// The oldest version still available (standard or extended support) on `date`.
    pub fn oldest_available(&self, date: NaiveDate) -> Option<&EksVersion> {
        self.versions.iter().find(|v| {
            matches!(
                v.status(date),
                SupportStatus::Standard | SupportStatus::Extended
            )
        })
    }
}

/// The embedded calendar.
pub fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| Calendar::parse(EKS_VERSIONS).expect("embedded calendar is valid"))
}

/// The newest version of an add-on the EKS user guide listed for a Kubernetes version, with the
/// source it was read from; `None` where the data has no row.
pub fn addon_latest(addon: &str, k8s: KubeVersion) -> Option<(String, String)> {
    static TABLE: OnceLock<Vec<(String, KubeVersion, String, String)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        rows(ADDON_VERSIONS)
            .iter()
            .filter_map(|r| {
                Some((
                    r[0].to_string(),
                    r[1].parse().ok()?,
                    r[2].to_string(),
                    r[4].to_string(),
                ))
            })
            .collect()
    });
    table
        .iter()
        .find(|(a, v, _, _)| a == addon && *v == k8s)
        .map(|(_, _, ver, src)| (ver.clone(), src.clone()))
}
