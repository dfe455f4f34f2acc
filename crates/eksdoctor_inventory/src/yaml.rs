//! YAML (and JSON, a subset of YAML 1.2) into [`Node`] trees with line numbers, one per document.
//! A syntax error ends the stream: documents before it are kept, the error names its line.

use crate::{Node, NodeKind};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// A parsed document and the line it starts on.
#[derive(Debug)]
pub struct Doc {
    pub line: u32,
    pub root: Node,
}

#[derive(Debug, PartialEq)]
pub struct YamlError {
    pub line: u32,
    pub message: String,
}

/// Parse all documents. Returns the documents read and the syntax error that stopped parsing, if any.
pub fn parse(text: &str) -> (Vec<Doc>, Option<YamlError>) {
    parse_all(text, false)
}

fn parse_all(text: &str, mark_plain_keys: bool) -> (Vec<Doc>, Option<YamlError>) {
    let mut docs = Vec::new();
    let err = parse_each(text, mark_plain_keys, |d| {
        docs.push(d);
        std::ops::ControlFlow::Continue(())
    });
    (docs, err)
}

/// Parse documents one at a time, handing each to `f` as soon as it is complete (so a file of
/// many documents is never held as trees all at once); `f` may stop the parse. Returns the
/// syntax error that stopped parsing, if any. `mark_plain_keys`: see
/// [`parse_marking_plain_keys`].
pub fn parse_each(
    text: &str,
    mark_plain_keys: bool,
    mut f: impl FnMut(Doc) -> std::ops::ControlFlow<()>,
) -> Option<YamlError> {
    parse_with(text, mark_plain_keys, &mut f)
}

/// Marks a mapping key written as a plain scalar.
pub const PLAIN_KEY: char = '\u{1}';

/// Like [`parse`], but a mapping key written as a plain (unquoted) scalar starts with
/// [`PLAIN_KEY`], for readers that type keys the way they type values (Terraform's
/// `yamldecode` reads a plain `yes:` key as `"true"`).
pub fn parse_marking_plain_keys(text: &str) -> (Vec<Doc>, Option<YamlError>) {
    parse_all(text, true)
}

/// How many closing brackets one file may have re-indented (see [`reindent_closer`]).
const MAX_REPAIRS: usize = 64;

/// [`parse_once`], repairing one form that PyYAML, go-yaml (kubectl) and Terraform's
/// `yamldecode` read but saphyr rejects: a multi-line flow collection whose closing `]` or `}`
/// sits at (or left of) the indentation of its parent key. Only a line the parser rejected is
/// touched, and only its leading spaces (insignificant inside a flow collection); documents
/// already handed to `f` are not handed again.
fn parse_with(
    text: &str,
    mark_plain_keys: bool,
    f: &mut dyn FnMut(Doc) -> std::ops::ControlFlow<()>,
) -> Option<YamlError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut delivered = 0usize;
    for attempt in 0..=MAX_REPAIRS {
        let mut seen = 0usize;
        let err = parse_once(&text, mark_plain_keys, &mut |d| {
            seen += 1;
            if seen <= delivered {
                return std::ops::ControlFlow::Continue(());
            }
            delivered += 1;
            f(d)
        });
        let e = err?;
        match reindent_closer(&text, e.line) {
            Some(fixed) if attempt < MAX_REPAIRS => text = std::borrow::Cow::Owned(fixed),
            _ => return Some(e),
        }
    }
    unreachable!("the last attempt returns")
}

/// `text` with line `line` (1-based) indented one space past the line before it, when it starts
/// with a flow collection's closing bracket at or left of that line's indentation.
fn reindent_closer(text: &str, line: u32) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let i = (line as usize).checked_sub(1)?;
    let cur = lines.get(i)?;
    let body = cur.trim_start_matches(' ');
    if !(body.starts_with(']') || body.starts_with('}')) {
        return None;
    }
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let prev = lines[..i].iter().rev().find(|l| !l.trim().is_empty())?;
    if indent(cur) > indent(prev) {
        return None;
    }
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out[i] = format!("{}{body}", " ".repeat(indent(prev) + 1));
    Some(out.join("\n"))
}

fn parse_once(
    text: &str,
    mark_plain_keys: bool,
    f: &mut dyn FnMut(Doc) -> std::ops::ControlFlow<()>,
) -> Option<YamlError> {
    let new_builder = || Builder {
        mark_plain_keys,
        ..Builder::default()
    };
    let mut b = new_builder();
    let mut doc_line = 1u32;
    for item in Parser::new_from_str(text) {
        let (ev, span) = match item {
            Ok(x) => x,
            Err(e) => {
                return Some(YamlError {
                    line: e.marker().line() as u32,
                    message: e.info().to_string(),
                })
            }
        };
        match ev {
            Event::DocumentStart(_) => {
                doc_line = line(&span);
                // The alias budget is the file's, across its documents.
                b = Builder {
                    alias_nodes: b.alias_nodes,
                    ..new_builder()
                };
            }
            Event::DocumentEnd => {
                if let Some(root) = b.root.take().filter(|r| !r.is_null()) {
                    let doc = Doc {
                        line: root.line.max(doc_line),
                        root,
                    };
                    if f(doc).is_break() {
                        return None;
                    }
                }
            }
            other => {
                if let Err(message) = b.event(other, &span) {
                    return Some(YamlError {
                        line: line(&span),
                        message,
                    });
                }
            }
        }
    }
    None
}

fn line(span: &Span) -> u32 {
    span.start.line() as u32
}

enum Frame {
    Seq(Node, usize),
    /// A mapping being built: the node, the key waiting for its value, the anchor, and the
    /// positions of its keys.
    Map(Node, Option<String>, usize, KeyIndex),
}

/// The positions of a mapping's keys, so that finding a duplicate costs no scan once a mapping
/// is large (building it is linear in its size, not quadratic). Small mappings, nearly all of
/// them, are scanned instead, without copying their keys.
#[derive(Default)]
struct KeyIndex(HashMap<String, usize>);

impl KeyIndex {
    const FROM: usize = 32;

    /// The position of `k` in `entries` (whose keys are distinct), if it is there.
    fn find(&mut self, entries: &[(String, Node)], k: &str) -> Option<usize> {
        if entries.len() < Self::FROM {
            return entries.iter().position(|(e, _)| e == k);
        }
        // Catch up with the entries added since the last look.
        for (i, (e, _)) in entries.iter().enumerate().skip(self.0.len()) {
            self.0.insert(e.clone(), i);
        }
        self.0.get(k).copied()
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    mark_plain_keys: bool,
    /// Nodes added by alias expansion so far in this document.
    alias_nodes: usize,
}

/// Depth beyond which a document is refused (guards against pathological nesting).
const MAX_DEPTH: usize = 256;
/// Nodes alias expansions may add to one file, all aliases of all its documents together
/// (guards against "billion laughs", by nesting or by many references to one large anchor).
pub const MAX_ALIAS_NODES: usize = 1_000_000;

fn count(n: &Node) -> usize {
    match &n.kind {
        NodeKind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| count(v)).sum::<usize>(),
        _ => 1,
    }
}

impl Builder {
    fn event(&mut self, ev: Event<'_>, span: &Span) -> Result<(), String> {
        let l = line(span);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let quoted = !matches!(style, ScalarStyle::Plain)
                    || tag.as_ref().is_some_and(|t| t.suffix == "str");
                let kind =
                    if !quoted && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                        NodeKind::Null
                    } else {
                        NodeKind::Scalar {
                            text: text.into_owned(),
                            quoted,
                        }
                    };
                self.push(Node { line: l, kind }, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                self.stack.push(Frame::Seq(
                    Node {
                        line: l,
                        kind: NodeKind::Seq(Vec::new()),
                    },
                    anchor,
                ));
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                self.stack.push(Frame::Map(
                    Node {
                        line: l,
                        kind: NodeKind::Map(Vec::new()),
                    },
                    None,
                    anchor,
                    KeyIndex::default(),
                ));
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq(n, a)) | Some(Frame::Map(n, _, a, _)) => self.push(n, a),
                None => Err("unbalanced collection end".into()),
            },
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| "alias to an unknown anchor".to_string())?;
                self.alias_nodes = self.alias_nodes.saturating_add(count(&node));
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} nodes in one file"
                    ));
                }
                self.push(node, 0)
            }
            _ => Ok(()),
        }
    }

    fn push(&mut self, node: Node, anchor: usize) -> Result<(), String> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq(seq, _)) => {
                if let NodeKind::Seq(items) = &mut seq.kind {
                    items.push(node);
                }
                Ok(())
            }
            Some(Frame::Map(map, key, _, index)) => match key.take() {
                None => {
                    let k = match node.kind {
                        NodeKind::Scalar {
                            text,
                            quoted: false,
                        } if self.mark_plain_keys => format!("{PLAIN_KEY}{text}"),
                        NodeKind::Scalar { text, .. } => text,
                        NodeKind::Null if self.mark_plain_keys => PLAIN_KEY.to_string(),
                        NodeKind::Null => String::new(),
                        _ => "<complex key>".to_string(),
                    };
                    *key = Some(k);
                    Ok(())
                }
                Some(k) => {
                    if let NodeKind::Map(entries) = &mut map.kind {
                        if k == "<<" || (self.mark_plain_keys && k == format!("{PLAIN_KEY}<<")) {
                            // Merge key: copy entries the mapping does not set itself.
                            let merged: Vec<Node> = match node.kind {
                                NodeKind::Seq(items) => items,
                                _ => vec![node],
                            };
                            for m in merged {
                                for (mk, mv) in m.entries() {
                                    if index.find(entries, mk).is_none() {
                                        entries.push((mk.clone(), mv.clone()));
                                    }
                                }
                            }
                        } else if let Some(i) = index.find(entries, &k) {
                            // Duplicate key: the last one wins, as kubectl does.
                            entries[i].1 = node;
                        } else {
                            entries.push((k, node));
                        }
                    }
                    Ok(())
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_per_node_and_document() {
        let (docs, err) = parse("a: 1\nb:\n  - x\n  - y: \"true\"\n---\nkind: List\n");
        assert!(err.is_none());
        assert_eq!(docs.len(), 2);
        let d = &docs[0].root;
        assert_eq!(d.get("a").unwrap().line, 1);
        assert_eq!(d.get("a").unwrap().as_i64(), Some(1));
        let b = d.get("b").unwrap();
        assert_eq!(b.items()[1].get("y").unwrap().line, 4);
        assert_eq!(
            b.items()[1].get("y").unwrap().as_bool(),
            None,
            "quoted true is a string"
        );
        assert_eq!(docs[1].line, 6);
    }

    #[test]
    fn syntax_error_names_the_line_and_keeps_earlier_documents() {
        let (docs, err) = parse("a: 1\n---\nb: [1, 2\nc: 3\n");
        assert_eq!(docs.len(), 1);
        let err = err.unwrap();
        assert!(err.line >= 3, "{err:?}");
    }

    #[test]
    fn json_parses() {
        let (docs, err) = parse("{\n  \"kind\": \"Pod\",\n  \"spec\": {\"hostNetwork\": true}\n}");
        assert!(err.is_none());
        assert_eq!(
            docs[0]
                .root
                .path(&["spec", "hostNetwork"])
                .unwrap()
                .as_bool(),
            Some(true)
        );
        assert_eq!(docs[0].root.get("spec").unwrap().line, 3);
    }

    #[test]
    fn anchors_and_merge_keys() {
        let (docs, _) = parse("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n");
        let o = docs[0].root.get("other").unwrap();
        assert_eq!(o.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(o.get("y").unwrap().as_i64(), Some(2));
    }

    /// Duplicate keys keep the last value, in small mappings (scanned) and large ones (indexed).
    #[test]
    fn duplicate_keys_in_small_and_large_mappings() {
        for n in [3, 100] {
            let mut text: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
            text.push_str("k1: last\n");
            let (docs, err) = parse(&text);
            assert!(err.is_none());
            let root = &docs[0].root;
            assert_eq!(root.entries().len(), n, "{n}");
            assert_eq!(root.get("k1").and_then(|v| v.as_str()), Some("last"), "{n}");
            assert_eq!(
                root.get(&format!("k{}", n - 1)).and_then(|v| v.as_i64()),
                Some(n as i64 - 1)
            );
        }
    }

    #[test]
    fn empty_documents_are_skipped() {
        let (docs, err) = parse("---\n---\na: 1\n");
        assert!(err.is_none());
        assert_eq!(docs.len(), 1);
    }
}
