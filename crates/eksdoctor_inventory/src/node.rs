//! A YAML/JSON document tree that remembers the line of every node, so findings can point at the
//! exact field. Scalars keep their text and whether they were quoted (a quoted `"true"` is a string).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    Null,
    /// Text of the scalar; `quoted` is true for quoted and block scalars.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Keys in document order; keys are scalars (complex keys are kept as their text).
    Map(Vec<(String, Node)>),
    /// A value its source knows only later (Terraform: after apply), with the reason. Never a
    /// scalar: rules cannot mistake it for a value that was written.
    Unknown {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub line: u32,
    pub kind: NodeKind,
}

impl Node {
    pub fn null(line: u32) -> Node {
        Node {
            line,
            kind: NodeKind::Null,
        }
    }

    /// Turn every scalar holding [`crate::UNKNOWN_VALUE`] into [`NodeKind::Unknown`] (for trees
    /// parsed from text that Terraform built).
    pub fn mark_unknown(&mut self) {
        match &mut self.kind {
            NodeKind::Scalar { text, .. } if text == crate::UNKNOWN_VALUE => {
                self.kind = NodeKind::Unknown {
                    reason: "known only after apply".into(),
                }
            }
            NodeKind::Seq(items) => items.iter_mut().for_each(Node::mark_unknown),
            NodeKind::Map(entries) => entries.iter_mut().for_each(|(_, v)| v.mark_unknown()),
            _ => {}
        }
    }

    /// True for a value known only later ([`NodeKind::Unknown`]).
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, NodeKind::Unknown { .. })
    }

    /// A child of a mapping by key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut cur = self;
        for k in keys {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    /// The line of the key `key` in this mapping (the line of its value node).
    pub fn line_of(&self, key: &str) -> u32 {
        self.get(key).map(|n| n.line).unwrap_or(self.line)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// Scalar text (any scalar).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A YAML 1.2 core-schema boolean (unquoted `true`/`false`, any case as YAML allows).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar {
                text,
                quoted: false,
            } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// An unquoted integer scalar.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Scalar {
                text,
                quoted: false,
            } => text.parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Child sequence items, or an empty slice.
    pub fn items(&self) -> &[Node] {
        self.as_seq().unwrap_or(&[])
    }

    /// Child mapping entries, or an empty slice.
    pub fn entries(&self) -> &[(String, Node)] {
        self.as_map().unwrap_or(&[])
    }

    /// A short name of the node's type for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Null => "null",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
            NodeKind::Unknown { .. } => "a value known only after apply",
        }
    }

    /// Scalar children of a sequence as strings (non-scalars are skipped).
    pub fn str_items(&self) -> Vec<String> {
        self.items()
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect()
    }

    /// A mapping of scalars as (key, value) pairs.
    pub fn str_map(&self) -> Vec<(String, String)> {
        self.entries()
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect()
    }
}
