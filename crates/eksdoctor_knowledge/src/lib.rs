//! Embedded knowledge tables. The CSV files under `data/` are copies of `shared/data/` (sources and
//! retrieval dates in `data/SOURCES.md`); they are compiled into the binary so it works offline.
//! Tables are parsed once, on first use.

mod apis;
mod calendar;
pub mod fargate;
mod instances;
pub mod node_actions;
pub mod storage;
mod version;

pub use apis::{removal, removed_apis, RemovedApi};
pub use calendar::{
    addon_latest, calendar, days, extended_support_extra_usd_per_year, thousands, Calendar,
    EksVersion, SupportStatus, EXTENDED_SUPPORT_EXTRA_USD_PER_HOUR, HOURS_PER_YEAR,
    STANDARD_USD_PER_HOUR,
};
pub use instances::{instance, instance_names, instances, suggest_instances, Hypervisor, Instance};
pub use version::KubeVersion;

/// Parse an embedded CSV into rows of strings; the header is skipped. Panics only on a malformed
/// embedded table, which the crate's tests rule out.
pub(crate) fn rows(text: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("embedded table is valid CSV"))
        .collect()
}
