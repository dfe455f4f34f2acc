//! `data "aws_iam_policy_document"` evaluated into its JSON, and IAM policy JSON (known or partly
//! known) turned into a document tree the rules can read.

use crate::res::RBody;
use crate::value::{Unk, V};
use eksdoctor_inventory::{Node, Prov};
use std::collections::BTreeMap;
use std::sync::Arc;

fn strs(v: Option<&V>) -> Option<V> {
    match v {
        None | Some(V::Null) => None,
        Some(V::List(l)) => Some(if l.len() == 1 {
            l[0].clone()
        } else {
            V::list(l.to_vec())
        }),
        Some(other) => Some(other.clone()),
    }
}

/// The `json` attribute of an `aws_iam_policy_document`.
pub fn document_json(body: &RBody) -> V {
    let mut statements = Vec::new();
    let mut unknown: Option<String> = None;
    for src_attr in ["source_policy_documents", "source_json"] {
        match body.get(src_attr) {
            None => {}
            Some(V::List(l)) => {
                for d in l.iter() {
                    match d
                        .as_str()
                        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
                    {
                        Some(j) => {
                            for st in j
                                .get("Statement")
                                .and_then(|s| s.as_array())
                                .into_iter()
                                .flatten()
                            {
                                statements.push(V::from_json(st));
                            }
                        }
                        None => unknown = Some("a source policy document is not known".into()),
                    }
                }
            }
            Some(V::Str(s)) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(j) => {
                    for st in j
                        .get("Statement")
                        .and_then(|s| s.as_array())
                        .into_iter()
                        .flatten()
                    {
                        statements.push(V::from_json(st));
                    }
                }
                Err(_) => unknown = Some("source_json is not valid JSON".into()),
            },
            Some(_) => unknown = Some("a source policy document is not known".into()),
        }
    }
    for st in body.blocks("statement") {
        let mut m = BTreeMap::new();
        if let Some(s) = st.get("sid") {
            m.insert("Sid".to_string(), s.clone());
        }
        m.insert(
            "Effect".to_string(),
            st.get("effect").cloned().unwrap_or(V::str("Allow")),
        );
        for (attr, key) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(v) = strs(st.get(attr)) {
                m.insert(key.to_string(), v);
            }
        }
        for (block, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let mut p: BTreeMap<String, V> = BTreeMap::new();
            for pb in st.blocks(block) {
                let t = match pb.get("type") {
                    Some(V::Str(s)) => s.to_string(),
                    _ => {
                        unknown = Some("a principal type is not known".into());
                        continue;
                    }
                };
                let ids = strs(pb.get("identifiers")).unwrap_or(V::list(vec![]));
                p.insert(t, ids);
            }
            if !p.is_empty() {
                let v = if p.len() == 1 && p.contains_key("*") {
                    V::str("*")
                } else {
                    V::obj(p)
                };
                m.insert(key.to_string(), v);
            }
        }
        let mut cond: BTreeMap<String, BTreeMap<String, V>> = BTreeMap::new();
        for c in st.blocks("condition") {
            let test = c.get("test").and_then(V::as_str).map(str::to_string);
            let var = match c.get("variable") {
                Some(V::Str(s)) => Some(s.to_string()),
                Some(V::Unknown(u)) => u.pattern.clone(),
                _ => None,
            };
            match (test, var) {
                (Some(t), Some(var)) => {
                    let vals = strs(c.get("values")).unwrap_or(V::list(vec![]));
                    cond.entry(t).or_default().insert(var, vals);
                }
                _ => unknown = Some("a condition is not known".into()),
            }
        }
        if !cond.is_empty() {
            m.insert(
                "Condition".to_string(),
                V::obj(cond.into_iter().map(|(k, v)| (k, V::obj(v))).collect()),
            );
        }
        statements.push(V::obj(m));
    }
    let mut doc = BTreeMap::new();
    doc.insert(
        "Version".to_string(),
        body.get("version").cloned().unwrap_or(V::str("2012-10-17")),
    );
    doc.insert("Statement".to_string(), V::list(statements));
    let doc = V::obj(doc);
    match (doc.to_json(), unknown) {
        (Some(j), None) => V::str(j.to_string()),
        (_, reason) => {
            let reason = reason
                .or_else(|| doc.first_unknown().map(|u| u.reason.clone()))
                .unwrap_or_default();
            V::Unknown(Arc::new(Unk {
                partial: Some(doc),
                ..Unk::because(reason)
            }))
        }
    }
}

/// A policy value (a JSON string, an object from `jsonencode`, or a partly known document) as a
/// document tree; unknown leaves become unknown nodes. `None` when nothing of its
/// shape is known.
pub fn policy_node(v: &V, at: &Prov) -> Option<Node> {
    match v {
        V::Str(s) => {
            let j: serde_json::Value = serde_json::from_str(s).ok()?;
            Some(json_node(&V::from_json(&j), at.line))
        }
        V::Unknown(u) => match (&u.partial, &u.text) {
            (Some(p), _) => Some(json_node(p, at.line)),
            // A heredoc policy with computed interpolations inside its strings.
            (None, Some(text)) => {
                let j: serde_json::Value = serde_json::from_str(text).ok()?;
                let mut n = json_node(&V::from_json(&j), at.line);
                n.mark_unknown();
                Some(n)
            }
            (None, None) => None,
        },
        V::Obj(_) => Some(json_node(v, at.line)),
        _ => None,
    }
}

fn json_node(v: &V, line: u32) -> Node {
    crate::value::to_node(v, line, crate::value::PartialAs::Tree)
}
