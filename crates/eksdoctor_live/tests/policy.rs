//! The shipped IAM policy (`policy/eksdoctor-read-only.json`) allows exactly the API calls the
//! live source's code makes, and every one of them only reads (Describe, List, Get, and
//! CloudTrail's LookupEvents).

use std::collections::BTreeSet;
use std::path::Path;

/// The clients of the live source's code, by the variable it names them with, and their services.
const CLIENTS: [(&str, &str); 5] = [
    ("eks", "eks"),
    ("ec2", "ec2"),
    ("iam", "iam"),
    ("ct", "cloudtrail"),
    ("asg", "autoscaling"),
];

/// `eks:DescribeNodegroup` for every `eks.describe_nodegroup()` (also split over lines) in the
/// source files.
fn calls_in_code() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        // Join lines so `eks\n        .describe_addon()` reads as one call.
        let flat: String = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" .", ".");
        for (var, svc) in CLIENTS {
            let needle = format!("{var}.");
            let mut rest = flat.as_str();
            while let Some(i) = rest.find(&needle) {
                // The variable itself, not the end of a longer name (`object.`).
                let whole = !rest[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                rest = &rest[i + needle.len()..];
                if !whole {
                    continue;
                }
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                // `ec2.clone()` is the client's, not an API call.
                if !name.is_empty() && name != "clone" && rest[name.len()..].starts_with("()") {
                    let pascal: String = name
                        .split('_')
                        .map(|w| {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                                .unwrap_or_default()
                        })
                        .collect();
                    out.insert(format!("{svc}:{pascal}"));
                }
            }
        }
    }
    out
}

#[test]
fn the_policy_allows_exactly_the_calls_made_and_they_only_read() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/eksdoctor-read-only.json");
    let policy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let allowed: BTreeSet<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let made = calls_in_code();
    assert!(made.len() >= 10, "{made:?}");
    // IAM matches action names case-insensitively, and the SDK's method names spell acronyms
    // their own way (`list_open_id_connect_providers` is iam:ListOpenIDConnectProviders).
    let lower = |s: &BTreeSet<String>| -> BTreeSet<String> {
        s.iter().map(|a| a.to_ascii_lowercase()).collect()
    };
    assert_eq!(lower(&made), lower(&allowed));
    for a in &allowed {
        let action = a.split(':').nth(1).unwrap();
        assert!(
            ["Describe", "List", "Get", "Lookup"]
                .iter()
                .any(|p| action.starts_with(p)),
            "{a} is not a read call"
        );
    }
}
