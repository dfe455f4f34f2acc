//! Who created a cluster: the `CreateCluster` event in CloudTrail's event history
//! (`cloudtrail:LookupEvents`), which keeps the management events of the last 90 days. Under the
//! API authentication modes the creator's admin access is also an access entry; under
//! CONFIG_MAP it shows nowhere in the cluster, so this event is the only record a read can find.

use crate::{error_text, Calls};
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_sdk_cloudtrail::Client;
use eksdoctor_inventory::Creator;

/// How long CloudTrail's event history keeps an event.
const HISTORY_DAYS: i64 = 90;
/// How far from the cluster's `createdAt` its CreateCluster event is looked for.
const WINDOW_SECS: i64 = 30 * 60;

/// The creator of cluster `name` (created at `created`), or why it cannot be known.
pub(crate) async fn creator(
    ct: &Client,
    name: &str,
    created: Option<DateTime>,
    calls: &mut Calls,
) -> Result<Creator, String> {
    let created = created.ok_or("the EKS API gives no creation time for the cluster")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    if let Some(why) = too_old(created.secs(), now) {
        return Err(why);
    }
    let attr = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventName)
        .attribute_value("CreateCluster")
        .build()
        .map_err(|e| e.to_string())?;
    let pages = ct
        .lookup_events()
        .lookup_attributes(attr)
        .start_time(DateTime::from_secs(created.secs() - WINDOW_SECS))
        .end_time(DateTime::from_secs(created.secs() + WINDOW_SECS))
        .into_paginator()
        .send();
    let what = format!("the creator of {name} (cloudtrail:LookupEvents)");
    let events = list_all!(calls, what, pages, events).map_err(|why| {
        format!("CloudTrail's event history could not be read (cloudtrail:LookupEvents): {why}")
    })?;
    let raw: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e.event_source() == Some("eks.amazonaws.com"))
        .filter_map(|e| Some((e.event_id().unwrap_or("?"), e.cloud_trail_event()?)))
        .collect();
    creator_in(&raw, name).ok_or_else(|| {
        format!(
            "CloudTrail's event history has no successful CreateCluster event for it within 30 minutes of its creation ({})",
            iso(created.secs())
        )
    })
}

/// Why the event history cannot hold the creation at `created` (Unix seconds) any more.
fn too_old(created: i64, now: i64) -> Option<String> {
    let days = (now - created) / 86_400;
    (days >= HISTORY_DAYS).then(|| {
        format!(
            "the cluster was created {} ({days} days ago) and CloudTrail's event history keeps {HISTORY_DAYS} days: look for its CreateCluster event in a trail's logs",
            iso(created)
        )
    })
}

/// The creator in CloudTrail events (`(id, event JSON)`) of the successful CreateCluster of `name`.
fn creator_in(events: &[(&str, &str)], name: &str) -> Option<Creator> {
    events.iter().find_map(|(id, raw)| {
        let e: serde_json::Value = serde_json::from_str(raw).ok()?;
        let ok = e.get("errorCode").is_none()
            && e.pointer("/requestParameters/name")
                .and_then(|n| n.as_str())
                == Some(name);
        if !ok {
            return None;
        }
        let arn = identity(e.get("userIdentity")?)?;
        let time = e.get("eventTime").and_then(|t| t.as_str()).unwrap_or("?");
        Some(Creator {
            arn,
            seen_in: format!("CloudTrail CreateCluster event {id} of {time}"),
        })
    })
}

/// The IAM identity of a CloudTrail `userIdentity`: an assumed role's session stands for its
/// role (the session issuer), every other type for its own ARN.
fn identity(u: &serde_json::Value) -> Option<String> {
    let s = |p: &str| u.pointer(p).and_then(|v| v.as_str()).map(str::to_string);
    match u.get("type").and_then(|t| t.as_str()) {
        Some("AssumedRole") => s("/sessionContext/sessionIssuer/arn").or_else(|| s("/arn")),
        _ => s("/arn"),
    }
}

/// A Unix time as an ISO 8601 date and time (UTC).
fn iso(secs: i64) -> String {
    DateTime::from_secs(secs)
        .fmt(aws_sdk_cloudtrail::primitives::DateTimeFormat::DateTime)
        .unwrap_or_else(|_| secs.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = r#"{"eventTime":"2026-11-20T10:00:00Z","requestParameters":{"name":"prod"},
        "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}}"#;
    const ROLE: &str = r#"{"eventTime":"2026-11-20T10:00:00Z","requestParameters":{"name":"prod"},
        "userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/ci/s1",
        "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/ci"}}}}"#;
    const FAILED: &str = r#"{"eventTime":"2026-11-20T09:50:00Z","errorCode":"ResourceInUseException",
        "requestParameters":{"name":"prod"},
        "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob"}}"#;

    #[test]
    fn the_successful_create_of_this_cluster_names_its_creator() {
        let c = creator_in(&[("e0", FAILED), ("e1", USER)], "prod").unwrap();
        assert_eq!(c.arn, "arn:aws:iam::111122223333:user/alice");
        assert!(c.is_iam_user());
        assert_eq!(
            c.seen_in,
            "CloudTrail CreateCluster event e1 of 2026-11-20T10:00:00Z"
        );
        assert!(creator_in(&[("e1", USER)], "staging").is_none());
        assert!(creator_in(&[("e0", FAILED)], "prod").is_none());
    }

    #[test]
    fn an_assumed_role_session_stands_for_its_role() {
        let c = creator_in(&[("e2", ROLE)], "prod").unwrap();
        assert_eq!(c.arn, "arn:aws:iam::111122223333:role/ci");
        assert!(!c.is_iam_user());
    }

    #[test]
    fn the_history_keeps_ninety_days() {
        let day = 86_400;
        let created = 1_764_000_000;
        assert_eq!(too_old(created, created + 89 * day), None);
        let why = too_old(created, created + 90 * day).unwrap();
        assert!(
            why.starts_with("the cluster was created 2025-11-24T16:00:00Z (90 days ago)"),
            "{why}"
        );
    }
}
