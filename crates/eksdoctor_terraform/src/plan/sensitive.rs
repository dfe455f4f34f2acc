//! Sensitive values of plans and states: `sensitive_values` beside each resource's `values`
//! (true where a value is sensitive, the same shape around it), or a raw state's
//! `sensitive_attributes` (paths). Such values are never read: they become unknown, so no
//! message, error or baseline can show them.

use crate::value::V;
use eksdoctor_inventory::{Node, NodeKind};
use std::collections::BTreeMap;

/// Where in a value the sensitive parts are.
#[derive(Debug, Default, PartialEq)]
pub(super) enum Mask {
    #[default]
    None,
    All,
    Fields(BTreeMap<String, Mask>),
    Items(BTreeMap<usize, Mask>),
}

const REASON: &str = "sensitive in the plan or state: not read";

impl Mask {
    /// From `sensitive_values` (a plan's or `terraform show -json` state's).
    pub(super) fn from_values(n: Option<&Node>) -> Mask {
        let Some(n) = n else { return Mask::None };
        match &n.kind {
            NodeKind::Scalar { text, .. } if text == "true" => Mask::All,
            NodeKind::Map(entries) => {
                let fields: BTreeMap<String, Mask> = entries
                    .iter()
                    .map(|(k, v)| (k.clone(), Mask::from_values(Some(v))))
                    .filter(|(_, m)| *m != Mask::None)
                    .collect();
                if fields.is_empty() {
                    Mask::None
                } else {
                    Mask::Fields(fields)
                }
            }
            NodeKind::Seq(items) => {
                let items: BTreeMap<usize, Mask> = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i, Mask::from_values(Some(v))))
                    .filter(|(_, m)| *m != Mask::None)
                    .collect();
                if items.is_empty() {
                    Mask::None
                } else {
                    Mask::Items(items)
                }
            }
            _ => Mask::None,
        }
    }

    /// From a raw state's `sensitive_attributes`: a list of paths, each a list of steps
    /// (`{"type": "get_attr", "value": "password"}`, `{"type": "index", "value": {"value": 0}}`).
    pub(super) fn from_paths(n: Option<&Node>) -> Mask {
        let mut mask = Mask::None;
        for path in n.map(Node::items).unwrap_or_default() {
            mask.insert(path.items());
        }
        mask
    }

    fn insert(&mut self, steps: &[Node]) {
        let Some((step, rest)) = steps.split_first() else {
            *self = Mask::All;
            return;
        };
        if *self == Mask::All {
            return;
        }
        let value = step.get("value");
        let attr = value.and_then(Node::as_str);
        let index = value
            .and_then(|v| v.get("value").or(Some(v)))
            .and_then(Node::as_str)
            .and_then(|s| s.parse::<usize>().ok());
        match (step.get("type").and_then(Node::as_str), attr, index) {
            (Some("get_attr"), Some(a), _) => {
                if !matches!(self, Mask::Fields(_)) {
                    *self = Mask::Fields(BTreeMap::new());
                }
                if let Mask::Fields(f) = self {
                    f.entry(a.to_string()).or_default().insert(rest);
                }
            }
            (Some("index"), _, Some(i)) => {
                if !matches!(self, Mask::Items(_)) {
                    *self = Mask::Items(BTreeMap::new());
                }
                if let Mask::Items(f) = self {
                    f.entry(i).or_default().insert(rest);
                }
            }
            // A step not understood (a map key by value): all of it is sensitive.
            _ => *self = Mask::All,
        }
    }

    /// The mask of attribute `k`.
    pub(super) fn field(&self, k: &str) -> &Mask {
        match self {
            Mask::All => &Mask::All,
            Mask::Fields(f) => f.get(k).unwrap_or(&Mask::None),
            _ => &Mask::None,
        }
    }

    /// `v` with its sensitive parts unknown.
    pub(super) fn apply(&self, v: V) -> V {
        match (self, v) {
            (Mask::None, v) => v,
            (Mask::All, _) => V::unknown(REASON),
            (Mask::Fields(f), V::Obj(m)) => {
                let mut m = (*m).clone();
                for (k, mask) in f {
                    if let Some(x) = m.map.remove(k) {
                        m.map.insert(k.clone(), mask.apply(x));
                    }
                }
                V::Obj(std::sync::Arc::new(m))
            }
            (Mask::Items(f), V::List(l)) => V::list(
                l.iter()
                    .enumerate()
                    .map(|(i, x)| match f.get(&i) {
                        Some(mask) => mask.apply(x.clone()),
                        None => x.clone(),
                    })
                    .collect(),
            ),
            // A shape that does not match the value: keep nothing of it.
            (_, _) => V::unknown(REASON),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: &str) -> Node {
        eksdoctor_inventory::yaml::parse(json).0.remove(0).root
    }

    #[test]
    fn sensitive_values_hide_their_parts() {
        let mask = Mask::from_values(Some(&node(
            r#"{"password": true, "tags": {}, "settings": [{"token": true}]}"#,
        )));
        assert_eq!(
            mask.field("password").apply(V::str("hunter2")),
            V::unknown(REASON)
        );
        assert_eq!(mask.field("tags"), &Mask::None);
        let settings = V::list(vec![V::obj(
            [
                ("token".to_string(), V::str("t")),
                ("name".to_string(), V::str("n")),
            ]
            .into(),
        )]);
        let out = mask.field("settings").apply(settings);
        let first = &out.as_list().unwrap()[0];
        assert_eq!(first.get("token"), Some(&V::unknown(REASON)));
        assert_eq!(first.get("name"), Some(&V::str("n")));
    }

    #[test]
    fn sensitive_attribute_paths_of_a_raw_state() {
        let mask = Mask::from_paths(Some(&node(
            r#"[[{"type": "get_attr", "value": "data"}], [{"type": "get_attr", "value": "list"}, {"type": "index", "value": {"value": 1, "type": "number"}}]]"#,
        )));
        assert_eq!(mask.field("data"), &Mask::All);
        let out = mask
            .field("list")
            .apply(V::list(vec![V::str("a"), V::str("b")]));
        assert_eq!(out.as_list().unwrap()[0], V::str("a"));
        assert_eq!(out.as_list().unwrap()[1], V::unknown(REASON));
    }
}
