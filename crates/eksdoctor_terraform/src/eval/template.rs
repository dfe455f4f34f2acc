//! String templates and heredocs: interpolations, `%{if}` / `%{for}` directives and strip
//! markers, rendered as Terraform renders them.

use super::*;

impl<'a> Inst<'a> {
    pub(super) fn template(&self, t: &Template, sc: &Scope) -> R<V> {
        self.template_elements(t.iter(), sc)
    }

    pub(super) fn template_elements<'e>(
        &self,
        elements: impl Iterator<Item = &'e Element>,
        sc: &Scope,
    ) -> R<V> {
        let elements: Vec<&Element> = elements.collect();
        // A template that is a single interpolation ("${var.subnets}") keeps its value's type.
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.ev(&i.expr, sc);
        }
        let elements = elements.into_iter();
        let mut out = TplOut::new();
        let mut unknown: Option<Unk> = None;
        self.template_into(elements, sc, &mut out, &mut unknown)?;
        Ok(match unknown {
            None => V::str(out.pattern),
            Some(u) => V::Unknown(Arc::new(Unk {
                pattern: Some(out.pattern),
                text: out.text,
                ..Unk::because(u.reason)
            })),
        })
    }

    pub(super) fn template_into<'e>(
        &self,
        elements: impl Iterator<Item = &'e Element>,
        sc: &Scope,
        out: &mut TplOut,
        unknown: &mut Option<Unk>,
    ) -> R<()> {
        for el in elements {
            funcs::budget::check_len(out.pattern.len(), "a template's text")?;
            match el {
                Element::Literal(s) => out.literal(s.value()),
                Element::Interpolation(i) if i.strip.strip_start() => {
                    out.trim_end();
                    self.interpolate(i, sc, out, unknown)?;
                    out.strip_next = i.strip.strip_end();
                }
                Element::Interpolation(i) => {
                    self.interpolate(i, sc, out, unknown)?;
                    out.strip_next = i.strip.strip_end();
                }
                Element::Directive(d) => self.directive(d, sc, out, unknown)?,
            }
        }
        funcs::budget::check_len(out.pattern.len(), "a template's text")
    }

    pub(super) fn interpolate(
        &self,
        i: &hcl_edit::template::Interpolation,
        sc: &Scope,
        out: &mut TplOut,
        unknown: &mut Option<Unk>,
    ) -> R<()> {
        out.strip_next = false;
        out.last_literal = false;
        match self.ev(&i.expr, sc)? {
            V::Unknown(u) => {
                out.pattern.push_str(u.pattern.as_deref().unwrap_or("*"));
                match (&mut out.text, &u.text) {
                    (Some(t), Some(inner)) => t.push_str(inner),
                    (Some(t), None) => t.push_str(eksdoctor_inventory::UNKNOWN_VALUE),
                    (None, _) => {}
                }
                unknown.get_or_insert_with(|| (*u).clone());
            }
            V::Null => return Err("a template interpolated a null value".into()),
            v => {
                out.push(&v.to_template_string().ok_or_else(|| {
                    format!("cannot interpolate a {} into a string", v.type_name())
                })?)
            }
        }
        Ok(())
    }

    /// `%{if}` and `%{for}`, with their strip markers: `%{~` trims the whitespace before the
    /// marker, `~}` the whitespace after it, each within one line of the neighbouring literal
    /// text, as Terraform does.
    pub(super) fn directive(
        &self,
        d: &Directive,
        sc: &Scope,
        out: &mut TplOut,
        unknown: &mut Option<Unk>,
    ) -> R<()> {
        match d {
            Directive::If(i) => {
                if i.if_expr.strip.strip_start() {
                    out.trim_end();
                }
                out.strip_next = false;
                out.last_literal = false;
                let c = self.ev(&i.if_expr.cond_expr, sc)?;
                match c {
                    V::Unknown(u) => {
                        out.pattern.push('*');
                        out.text = None;
                        unknown.get_or_insert_with(|| (*u).clone());
                    }
                    _ => {
                        let (body, starts, ends) = if c.as_bool().ok_or("%{if} needs a bool")? {
                            (
                                Some(&i.if_expr.template),
                                i.if_expr.strip.strip_end(),
                                i.else_expr
                                    .as_ref()
                                    .map_or(i.endif_expr.strip.strip_start(), |e| {
                                        e.strip.strip_start()
                                    }),
                            )
                        } else {
                            (
                                i.else_expr.as_ref().map(|e| &e.template),
                                i.else_expr.as_ref().is_some_and(|e| e.strip.strip_end()),
                                i.endif_expr.strip.strip_start(),
                            )
                        };
                        if let Some(body) = body {
                            out.strip_next = starts;
                            self.template_into(body.iter(), sc, out, unknown)?;
                            if ends {
                                out.trim_end();
                            }
                        }
                    }
                }
                out.last_literal = false;
                out.strip_next = i.endif_expr.strip.strip_end();
            }
            Directive::For(f) => {
                let fe = &f.for_expr;
                if fe.strip.strip_start() {
                    out.trim_end();
                }
                out.strip_next = false;
                out.last_literal = false;
                let coll = self.ev(&fe.collection_expr, sc)?;
                let pairs = match iter_pairs(&coll) {
                    Some(p) => p,
                    None => {
                        if let V::Unknown(u) = &coll {
                            out.pattern.push('*');
                            out.text = None;
                            unknown.get_or_insert_with(|| (**u).clone());
                            out.strip_next = f.endfor_expr.strip.strip_end();
                            return Ok(());
                        }
                        return Err("%{for} needs a collection".into());
                    }
                };
                for (k, v) in pairs {
                    let mut s = sc.to_vec();
                    if let Some(kv) = &fe.key_var {
                        s.push((kv.as_str().to_string(), k));
                    }
                    s.push((fe.value_var.as_str().to_string(), v));
                    out.strip_next = fe.strip.strip_end();
                    self.template_into(fe.template.iter(), &s, out, unknown)?;
                    if f.endfor_expr.strip.strip_start() {
                        out.trim_end();
                    }
                    out.last_literal = false;
                }
                out.strip_next = f.endfor_expr.strip.strip_end();
            }
        }
        Ok(())
    }
}

/// A string template being rendered: its pattern (unknown parts as `*`), and its text with
/// unknown interpolations as [`eksdoctor_inventory::UNKNOWN_VALUE`] (`None` once an unknown
/// `%{if}` or `%{for}` makes its shape unknown).
pub(super) struct TplOut {
    pattern: String,
    text: Option<String>,
    /// A `~}` just closed: the next literal loses the whitespace of its first line.
    strip_next: bool,
    /// The last thing written was literal text (what a `${~` / `%{~` may trim).
    last_literal: bool,
}

impl TplOut {
    fn new() -> TplOut {
        TplOut {
            pattern: String::new(),
            text: Some(String::new()),
            strip_next: false,
            last_literal: false,
        }
    }

    fn push(&mut self, s: &str) {
        self.pattern.push_str(s);
        if let Some(t) = &mut self.text {
            t.push_str(s);
        }
    }

    /// Literal template text, after a `~}` without the whitespace of its first line (and that
    /// line's newline when the line holds nothing else).
    fn literal(&mut self, s: &str) {
        let s = if std::mem::take(&mut self.strip_next) {
            let first = s.find('\n').map_or(s.len(), |i| i + 1);
            let (head, tail) = s.split_at(first);
            let kept = head.trim_start();
            if kept.is_empty() {
                tail.to_string()
            } else {
                format!("{kept}{tail}")
            }
        } else {
            s.to_string()
        };
        self.push(&s);
        self.last_literal = true;
    }

    /// A `${~` or `%{~`: the literal text just written loses the whitespace at its end, within
    /// its last line (a line that holds only whitespace goes with its newline).
    fn trim_end(&mut self) {
        if !self.last_literal {
            return;
        }
        let cut = |t: &mut String| {
            let spaces = t.len() - t.trim_end_matches([' ', '\t']).len();
            if spaces > 0 {
                t.truncate(t.len() - spaces);
            } else if t.ends_with('\n') {
                let without = t.len() - 1;
                let line_start = t[..without].rfind('\n').map_or(0, |i| i + 1);
                let trimmed = t[line_start..without].trim_end().len();
                t.truncate(line_start + trimmed);
            }
        };
        cut(&mut self.pattern);
        if let Some(t) = &mut self.text {
            cut(t);
        }
    }
}

/// YAML documents of a text, split at `---` lines as the kubectl provider does; documents that
/// hold only comments or whitespace are dropped.
pub(super) fn split_yaml_documents(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut flush = |cur: &mut String| {
        let has_content = cur.lines().any(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        });
        if has_content {
            out.push(std::mem::take(cur));
        } else {
            cur.clear();
        }
    };
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t.starts_with("--- ") {
            flush(&mut cur);
        } else {
            cur.push_str(line);
        }
    }
    flush(&mut cur);
    out
}
