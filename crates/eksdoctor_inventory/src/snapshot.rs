//! A snapshot: what live mode collected, as JSON (`eksdoctor cluster --save-snapshot FILE`), so
//! that `eksdoctor scan FILE` gives the same findings offline. It is the inventory itself, with
//! its provenance (ARNs, Kubernetes objects); it holds no secret because the live reader keeps
//! none (no Secret is read, env values are dropped but the VPC CNI's).

use crate::Inventory;
use serde::{Deserialize, Serialize};

/// The schema this version writes and reads; a change that old readers cannot take raises it.
pub const SNAPSHOT_SCHEMA: u32 = 1;

/// `I` is the inventory: owned when read, borrowed (`&Inventory`) when written.
#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot<I = Inventory> {
    /// [`SNAPSHOT_SCHEMA`]; also how a file is recognised as a snapshot.
    pub eksdoctor_snapshot: u32,
    /// The eksdoctor version that wrote it.
    pub written_by: String,
    /// The clusters read (their names).
    pub clusters: Vec<String>,
    /// API calls made to collect it.
    pub calls: usize,
    pub inventory: I,
}

impl Snapshot {
    /// True when `text` looks like a snapshot (its first key), without parsing it all.
    pub fn looks_like(text: &str) -> bool {
        let head: String = text.chars().take(200).collect();
        head.trim_start().starts_with('{') && head.contains("\"eksdoctor_snapshot\"")
    }

    /// Read a snapshot; the error says what is wrong (not JSON of this shape, another schema).
    pub fn parse(text: &str) -> Result<Snapshot, String> {
        #[derive(Deserialize)]
        struct Head {
            eksdoctor_snapshot: u32,
        }
        let head: Head =
            serde_json::from_str(text).map_err(|e| format!("not a readable snapshot: {e}"))?;
        if head.eksdoctor_snapshot != SNAPSHOT_SCHEMA {
            return Err(format!(
                "snapshot schema {} is not the one this eksdoctor reads ({SNAPSHOT_SCHEMA}): read it with the version that wrote it",
                head.eksdoctor_snapshot
            ));
        }
        serde_json::from_str(text).map_err(|e| format!("not a readable snapshot: {e}"))
    }
}
