//! Resources and data sources: instances, and their bodies as values (blocks, `dynamic`).

use super::*;

impl<'a> Inst<'a> {
    pub(super) fn resource(&self, idx: usize) -> R<V> {
        self.memo(&format!("res:{idx}"), || {
            let d = &self.m.resources[idx];
            let base = format!(
                "{}{}{}.{}",
                self.prefix,
                if d.data { "data." } else { "" },
                d.rtype,
                d.name
            );
            let Some((instances, is_map, multi)) = self.expand(&d.block.body, &d.at, &base)? else {
                self.env.note(
                    &d.at,
                    format!("{base}: count/for_each is not known before apply; not scanned"),
                );
                if !d.data {
                    self.env.unscanned.borrow_mut().push(Unscanned::new(
                        d.at.clone(),
                        format!("the instances of {base} are not known before apply"),
                        Some(vec![d.rtype.clone()]),
                    ));
                }
                return Ok(V::unknown(format!(
                    "{base}: its instances are not known before apply"
                )));
            };
            self.count_instances(instances.len())?;
            let mut vals = Vec::new();
            for (k, addr, scope) in instances {
                let (mut v, mut body) =
                    self.body(&d.block.body, &d.src, &scope, &addr, d.at.clone());
                if d.data && d.rtype == "aws_iam_policy_document" {
                    let json = crate::policy::document_json(&body);
                    body.set("json", json.clone(), d.at.clone());
                    if let V::Obj(m) = &mut v {
                        Arc::make_mut(m).insert("json".into(), json);
                    }
                }
                // The kubectl provider's document splitters read only text and files.
                if d.data
                    && matches!(
                        d.rtype.as_str(),
                        "kubectl_file_documents" | "kubectl_path_documents"
                    )
                {
                    if let Some(docs) = self.kubectl_documents(&d.rtype, &body) {
                        body.set("documents", docs.clone(), d.at.clone());
                        if let V::Obj(m) = &mut v {
                            Arc::make_mut(m).insert("documents".into(), docs);
                        }
                    }
                }
                self.env.out.borrow_mut().push(Res {
                    addr: addr.clone(),
                    base: base.clone(),
                    rtype: d.rtype.clone(),
                    data: d.data,
                    body,
                    modelled_by: None,
                });
                vals.push((k, v));
            }
            Ok(if !multi {
                vals.pop().map(|(_, v)| v).unwrap_or(V::Null)
            } else if is_map {
                V::obj(
                    vals.into_iter()
                        .map(|(k, v)| (k.to_template_string().unwrap_or_default(), v))
                        .collect(),
                )
            } else {
                V::list(vals.into_iter().map(|(_, v)| v).collect())
            })
        })
    }

    /// Evaluate a resource (or nested block) body into its value and record.
    pub(super) fn body(
        &self,
        body: &Body,
        src: &SrcFile,
        sc: &Scope,
        addr: &str,
        at: Prov,
    ) -> (V, RBody) {
        let mut rb = RBody::new(at);
        let mut obj: BTreeMap<String, V> = BTreeMap::new();
        for a in body.attributes() {
            let k = a.key.as_str();
            if matches!(
                k,
                "count" | "for_each" | "depends_on" | "provider" | "lifecycle"
            ) {
                continue;
            }
            let at = src.prov(a.span());
            let v = self.eval_at(&a.value, sc, &at);
            obj.insert(k.to_string(), v.clone());
            if matches!(a.value, Expression::HeredocTemplate(_)) {
                rb.heredocs.insert(k.to_string());
            }
            rb.set(k, v, at);
        }
        let mut blocks: BTreeMap<String, Vec<V>> = BTreeMap::new();
        for b in body.blocks() {
            let ident = b.ident.as_str();
            let bat = src.prov(b.span());
            match ident {
                "lifecycle" | "provisioner" | "connection" | "precondition" | "postcondition" => {}
                "dynamic" => {
                    let Some(label) = b.labels.first().map(|l| l.as_str().to_string()) else {
                        continue;
                    };
                    let iter_name = b
                        .body
                        .get_attribute("iterator")
                        .and_then(|a| match &a.value {
                            Expression::Variable(v) => Some(v.as_str().to_string()),
                            _ => None,
                        })
                        .unwrap_or_else(|| label.clone());
                    let Some(content) = b.body.get_blocks("content").next() else {
                        continue;
                    };
                    let fe = match b.body.get_attribute("for_each") {
                        Some(a) => self.eval_at(&a.value, sc, &src.prov(a.span())),
                        None => continue,
                    };
                    let Some(pairs) = iter_pairs(&fe) else {
                        if fe.is_unknown() {
                            rb.set(&label, fe.clone(), bat.clone());
                            obj.insert(label.clone(), fe);
                        }
                        continue;
                    };
                    for (k, v) in pairs {
                        if let Err(e) = self.count_instances(1) {
                            self.report(&bat, e);
                            break;
                        }
                        let mut s = sc.to_vec();
                        let mut it = BTreeMap::new();
                        it.insert("key".to_string(), k);
                        it.insert("value".to_string(), v);
                        s.push((iter_name.clone(), V::obj(it)));
                        let n = blocks.get(&label).map_or(0, Vec::len);
                        let (bv, bb) = self.body(
                            &content.body,
                            src,
                            &s,
                            &format!("{addr}.{label}[{n}]"),
                            bat.clone(),
                        );
                        blocks.entry(label.clone()).or_default().push(bv);
                        rb.blocks.push((label.clone(), bb));
                    }
                }
                _ => {
                    let n = blocks.get(ident).map_or(0, Vec::len);
                    let (bv, bb) =
                        self.body(&b.body, src, sc, &format!("{addr}.{ident}[{n}]"), bat);
                    blocks.entry(ident.to_string()).or_default().push(bv);
                    rb.blocks.push((ident.to_string(), bb));
                }
            }
        }
        for (k, l) in blocks {
            obj.insert(k, V::list(l));
        }
        (V::instance(addr, obj), rb)
    }
}

/// Files most `fileset()` walks: more is a mistake in the pattern or the path.
pub(super) const FILESET_MAX_FILES: usize = 50_000;

/// `fileset(path, pattern)`: the files (not directories) below `dir` whose path relative to it
/// matches `pattern` (`*` and `?` within one path segment, `**` across segments, `{a,b}`,
/// `[ab]`; hidden files included), relative to `dir` with `/`, sorted. A directory that does not
/// exist gives an empty set, as in Terraform.
pub(super) fn fileset(dir: &Path, pattern: &str) -> R<Vec<String>> {
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("fileset: invalid pattern {pattern:?}: {e}"))?
        .compile_matcher();
    let mut out = Vec::new();
    let mut seen = 0usize;
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, rel)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            seen += 1;
            if seen > FILESET_MAX_FILES {
                return Err(format!(
                    "fileset: more than {FILESET_MAX_FILES} files below {}",
                    dir.display()
                ));
            }
            let name = e.file_name().to_string_lossy().to_string();
            let r = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push((e.path(), r)),
                Ok(t) if t.is_file() && glob.is_match(&r) => out.push(r),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}
