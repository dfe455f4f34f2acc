use crate::{rows, KubeVersion};
use serde::Serialize;
use std::sync::OnceLock;

const REMOVED: &str = include_str!("../data/deprecated-apis.csv");
const PLANNED: &str = include_str!("../data/deprecated-apis-planned.csv");

/// A Kubernetes API version of a kind that is removed in `removed_in`.
#[derive(Debug, Clone, Serialize)]
pub struct RemovedApi {
    pub group_version: String,
    pub kind: String,
    pub deprecated_in: Option<KubeVersion>,
    pub removed_in: KubeVersion,
    /// The API version to move to, following chains of replacements that were removed too.
    pub replacement: Option<String>,
    /// From the planned table (removal announced for a future release; may change).
    pub planned: bool,
}

/// The removal (not a planned one) of `kind` in API version `group_version`, if it was removed.
pub fn removal(group_version: &str, kind: &str) -> Option<&'static RemovedApi> {
    removed_apis()
        .iter()
        .find(|a| !a.planned && a.group_version == group_version && a.kind == kind)
}

/// All removed (and planned-removal) APIs.
pub fn removed_apis() -> &'static [RemovedApi] {
    static TABLE: OnceLock<Vec<RemovedApi>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut all: Vec<RemovedApi> = [(REMOVED, false), (PLANNED, true)]
            .iter()
            .flat_map(|(text, planned)| {
                rows(text).into_iter().filter_map(move |r| {
                    Some(RemovedApi {
                        group_version: r[0].to_string(),
                        kind: r[1].to_string(),
                        deprecated_in: r[2].parse().ok(),
                        removed_in: r[3].parse().ok()?,
                        replacement: Some(r[4].to_string()).filter(|s| !s.is_empty()),
                        planned: *planned,
                    })
                })
            })
            .collect();
        // Follow replacement chains: flowcontrol v1beta1 -> v1beta3 (removed in 1.32) -> v1.
        let snapshot = all.clone();
        for api in &mut all {
            let mut seen = 0;
            while let Some(rep) = api.replacement.clone() {
                let next = snapshot
                    .iter()
                    .find(|o| o.group_version == rep && o.kind == api.kind);
                match next {
                    Some(o) if seen < 10 => {
                        api.replacement = o.replacement.clone();
                        seen += 1;
                    }
                    _ => break,
                }
            }
        }
        all
    })
}
