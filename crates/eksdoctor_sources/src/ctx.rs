//! Shared helpers for sources: the file being read and where its problems go.

use eksdoctor_inventory::{ApiObject, InputError, Node, NodeKind, Prov, SourceKind};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The file a source is reading, and the problems found in it.
pub struct FileCtx {
    pub file: Arc<str>,
    pub source: SourceKind,
    pub errors: Vec<InputError>,
    /// Reading one object of an API (live mode): every value is placed at it, not at a line.
    pub object: Option<Prov>,
}

impl FileCtx {
    pub fn new(file: &Arc<str>, source: SourceKind) -> FileCtx {
        FileCtx {
            file: file.clone(),
            source,
            errors: Vec::new(),
            object: None,
        }
    }

    /// Reading one object of an API: its values are placed at `object`.
    pub fn api(object: ApiObject) -> FileCtx {
        let at = Prov::api(object);
        FileCtx {
            file: at.file.clone(),
            source: SourceKind::Live,
            errors: Vec::new(),
            object: Some(at),
        }
    }

    pub fn prov(&self, line: u32) -> Prov {
        match &self.object {
            Some(at) => at.clone(),
            None => Prov::new(&self.file, line, self.source),
        }
    }

    pub fn error(&mut self, line: u32, message: impl Into<String>) {
        self.errors.push(InputError {
            file: self.file.clone(),
            line: Some(line),
            message: message.into(),
        });
    }

    /// `node.key` as a mapping; reports a wrong type. Missing or null gives `None` silently.
    pub fn map<'a>(&mut self, node: &'a Node, key: &str, what: &str) -> Option<&'a Node> {
        let child = node.get(key)?;
        match child.kind {
            NodeKind::Map(_) => Some(child),
            NodeKind::Null => None,
            _ => {
                self.error(
                    child.line,
                    format!(
                        "{what}`{key}` must be a mapping, found {}",
                        child.type_name()
                    ),
                );
                None
            }
        }
    }

    /// `node.key` as a list; reports a wrong type.
    pub fn seq<'a>(&mut self, node: &'a Node, key: &str, what: &str) -> &'a [Node] {
        let Some(child) = node.get(key) else {
            return &[];
        };
        match &child.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Null => &[],
            _ => {
                self.error(
                    child.line,
                    format!("{what}`{key}` must be a list, found {}", child.type_name()),
                );
                &[]
            }
        }
    }

    /// `node.key` as a string scalar; reports a wrong type.
    pub fn str(&mut self, node: &Node, key: &str, what: &str) -> Option<String> {
        let child = node.get(key)?;
        match &child.kind {
            NodeKind::Scalar { text, .. } => Some(text.clone()),
            NodeKind::Null => None,
            _ => {
                self.error(
                    child.line,
                    format!(
                        "{what}`{key}` must be a string, found {}",
                        child.type_name()
                    ),
                );
                None
            }
        }
    }

    /// `node.key` as a boolean; reports a wrong type.
    pub fn bool(&mut self, node: &Node, key: &str, what: &str) -> Option<bool> {
        let child = node.get(key)?;
        if child.is_null() {
            return None;
        }
        match child.as_bool() {
            Some(b) => Some(b),
            None => {
                self.error(
                    child.line,
                    format!(
                        "{what}`{key}` must be true or false, found {}",
                        describe(child)
                    ),
                );
                None
            }
        }
    }

    /// `node.key` as a non-negative integer; reports a wrong type.
    pub fn uint(&mut self, node: &Node, key: &str, what: &str) -> Option<u32> {
        let child = node.get(key)?;
        if child.is_null() {
            return None;
        }
        match child.as_i64().and_then(|i| u32::try_from(i).ok()) {
            Some(v) => Some(v),
            None => {
                self.error(
                    child.line,
                    format!(
                        "{what}`{key}` must be a non-negative integer, found {}",
                        describe(child)
                    ),
                );
                None
            }
        }
    }

    /// A mapping of strings (labels, annotations, tags); non-string values are reported.
    pub fn str_map(&mut self, node: &Node, key: &str, what: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(m) = self.map(node, key, what) else {
            return out;
        };
        for (k, v) in m.entries() {
            match &v.kind {
                NodeKind::Scalar { text, .. } => {
                    out.insert(k.clone(), text.clone());
                }
                NodeKind::Null => {
                    out.insert(k.clone(), String::new());
                }
                _ => self.error(
                    v.line,
                    format!(
                        "{what}`{key}.{k}` must be a string, found {}",
                        v.type_name()
                    ),
                ),
            }
        }
        out
    }

    /// A list of strings; non-string items are reported.
    pub fn str_list(&mut self, node: &Node, key: &str, what: &str) -> Vec<String> {
        let items = self.seq(node, key, what);
        let mut out = Vec::new();
        for it in items {
            match it.as_str() {
                Some(s) => out.push(s.to_string()),
                None => self.error(
                    it.line,
                    format!(
                        "{what}`{key}` items must be strings, found {}",
                        it.type_name()
                    ),
                ),
            }
        }
        out
    }
}

fn describe(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar { text, quoted } => {
            let text = eksdoctor_inventory::excerpt(text);
            if *quoted {
                format!("the string \"{text}\"")
            } else {
                format!("`{text}`")
            }
        }
        _ => n.type_name().to_string(),
    }
}
