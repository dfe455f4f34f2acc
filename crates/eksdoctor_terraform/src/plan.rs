//! `terraform show -json` plans: `planned_values` through all child modules, `after_unknown`
//! values as unknown, and `configuration` references to link resources whose ids are not known
//! yet (a node group's `subnet_ids` pointing at `aws_subnet.private`).

use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::{Node, NodeKind, Prov, SourceKind};
use std::collections::HashMap;
use std::sync::Arc;

/// True for a document that is a Terraform plan (or state) in JSON.
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("planned_values").is_some() || root.get("resource_changes").is_some())
}

fn node_v(n: &Node) -> V {
    match &n.kind {
        NodeKind::Null => V::Null,
        NodeKind::Scalar { text, quoted } => {
            if *quoted {
                V::str(text.as_str())
            } else if text == "true" || text == "false" {
                V::Bool(text == "true")
            } else if let Ok(f) = text.parse::<f64>() {
                V::Num(f)
            } else {
                V::str(text.as_str())
            }
        }
        NodeKind::Seq(items) => V::list(items.iter().map(node_v).collect()),
        NodeKind::Map(entries) => V::obj(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), node_v(v)))
                .collect(),
        ),
    }
}

/// Module path of an address without instance keys: `module.a["x"].module.b.aws_x.y[0]` →
/// (["a", "b"], "aws_x.y", `module.a["x"].module.b.`).
fn split_addr(addr: &str) -> (Vec<String>, String, String) {
    let mut mods = Vec::new();
    let mut rest = addr;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find(['.', '[']).unwrap_or(r.len());
        mods.push(r[..end].to_string());
        let mut after = &r[end..];
        if after.starts_with('[') {
            // Skip the instance key (may contain dots inside quotes).
            let mut depth = 0;
            let mut quoted = false;
            let mut cut = after.len();
            for (i, c) in after.char_indices() {
                match c {
                    '"' => quoted = !quoted,
                    '[' if !quoted => depth += 1,
                    ']' if !quoted => {
                        depth -= 1;
                        if depth == 0 {
                            cut = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            after = &after[cut..];
        }
        rest = after.trim_start_matches('.');
    }
    let prefix = addr[..addr.len() - rest.len()].to_string();
    let base = match rest.rfind('[') {
        Some(i) if rest.ends_with(']') => &rest[..i],
        _ => rest,
    };
    (mods, base.to_string(), prefix)
}

struct Config<'a> {
    root: Option<&'a Node>,
}

impl<'a> Config<'a> {
    fn module(&self, path: &[String]) -> Option<&'a Node> {
        let mut m = self.root?;
        for p in path {
            m = m.get("module_calls")?.get(p)?.get("module")?;
        }
        Some(m)
    }

    /// References of `attr` of resource `base` in module `path`.
    fn expressions(&self, path: &[String], base: &str) -> Option<&'a Node> {
        self.module(path)?
            .get("resources")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .find(|r| r.get("address").and_then(Node::as_str) == Some(base))?
            .get("expressions")
    }

    /// References of `attr` of resource `base` in module `path`.
    fn refs(&self, path: &[String], base: &str, attr: &str) -> Vec<String> {
        self.expressions(path, base)
            .and_then(|e| e.get(attr)?.get("references"))
            .map(Node::str_items)
            .unwrap_or_default()
    }

    /// References of `attr` inside the `i`-th `block` of resource `base`.
    fn block_refs(
        &self,
        path: &[String],
        base: &str,
        block: &str,
        i: usize,
        attr: &str,
    ) -> Vec<String> {
        let Some(b) = self.expressions(path, base).and_then(|e| e.get(block)) else {
            return Vec::new();
        };
        let item = match &b.kind {
            NodeKind::Seq(items) => items.get(i),
            NodeKind::Map(_) => Some(b),
            _ => None,
        };
        item.and_then(|x| x.get(attr)?.get("references"))
            .map(Node::str_items)
            .unwrap_or_default()
    }

    /// References of input `var` in the call of module `call` from module `path`.
    fn call_refs(&self, path: &[String], call: &str, var: &str) -> Vec<String> {
        self.module(path)
            .and_then(|m| {
                m.get("module_calls")?
                    .get(call)?
                    .get("expressions")?
                    .get(var)?
                    .get("references")
            })
            .map(Node::str_items)
            .unwrap_or_default()
    }

    fn output_refs(&self, path: &[String], call: &str, output: &str) -> Vec<String> {
        let mut p = path.to_vec();
        p.push(call.to_string());
        self.module(&p)
            .and_then(|m| {
                m.get("outputs")?
                    .get(output)?
                    .get("expression")?
                    .get("references")
            })
            .map(Node::str_items)
            .unwrap_or_default()
    }
}

/// Read a plan document into resource instances, and the resource types its configuration
/// declares but the plan creates none of (`count = 0`).
pub fn read(file: &Arc<str>, root: &Node) -> (Vec<Res>, std::collections::BTreeSet<String>) {
    let mut unknowns: HashMap<String, &Node> = HashMap::new();
    for rc in root
        .get("resource_changes")
        .map(Node::items)
        .unwrap_or_default()
    {
        if let (Some(a), Some(u)) = (
            rc.get("address").and_then(Node::as_str),
            rc.path(&["change", "after_unknown"]),
        ) {
            unknowns.insert(a.to_string(), u);
        }
    }
    let cfg = Config {
        root: root.path(&["configuration", "root_module"]),
    };
    // Base address → instance addresses, to expand references to `aws_subnet.private`.
    let mut instances: HashMap<String, Vec<String>> = HashMap::new();
    for a in unknowns.keys() {
        let base = match a.rfind('[') {
            Some(i) if a.ends_with(']') => &a[..i],
            _ => a.as_str(),
        };
        instances
            .entry(base.to_string())
            .or_default()
            .push(a.clone());
    }
    for v in instances.values_mut() {
        v.sort();
    }
    let expand = |refs: Vec<String>| -> Vec<String> {
        let mut out = Vec::new();
        for r in refs {
            match instances.get(&r) {
                Some(list) if !unknowns.contains_key(&r) => out.extend(list.iter().cloned()),
                _ => out.push(r),
            }
        }
        out
    };
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = root
        .path(&["planned_values", "root_module"])
        .into_iter()
        .collect();
    if stack.is_empty() {
        // A state file (`terraform show -json` without a plan) has `values.root_module`.
        stack.extend(root.path(&["values", "root_module"]));
    }
    while let Some(m) = stack.pop() {
        for r in m.get("resources").map(Node::items).unwrap_or_default() {
            let Some(addr) = r.get("address").and_then(Node::as_str) else {
                continue;
            };
            let rtype = r
                .get("type")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string();
            let data = r.get("mode").and_then(Node::as_str) == Some("data");
            let at = Prov::new(file, r.line, SourceKind::Plan);
            let mut body = RBody::new(at.clone());
            let values = r.get("values");
            let (path, base, prefix) = split_addr(addr);
            let base = base.trim_start_matches("data.").to_string();
            let cfg_base = if data {
                format!("data.{base}")
            } else {
                base.clone()
            };
            if let Some(NodeKind::Map(entries)) = values.map(|v| &v.kind) {
                for (k, v) in entries {
                    let val = node_v(v);
                    body.set(k, val.clone(), at.at_line(v.line));
                    add_blocks(&mut body, k, &val, &at.at_line(v.line));
                }
            }
            if let Some(u) = unknowns.get(addr) {
                for (k, flag) in u.entries() {
                    let vat = at.at_line(flag.line);
                    let refs = expand(resolve_refs(
                        &cfg,
                        &path,
                        &prefix,
                        &cfg.refs(&path, &cfg_base, k),
                        0,
                    ));
                    match &flag.kind {
                        NodeKind::Scalar { text, .. } if text == "true" => {
                            let v = unknown_with_refs(
                                addr,
                                k,
                                &refs,
                                body.get(k).is_some_and(|v| v.as_list().is_some())
                                    || k.ends_with("_ids")
                                    || k.ends_with("_arns")
                                    || k == "vpc_zone_identifier",
                            );
                            body.set(k, v, vat);
                        }
                        NodeKind::Seq(items) if items.iter().any(|it| it.as_map().is_some()) => {
                            // Nested blocks with unknown attributes.
                            for (i, it) in items.iter().enumerate() {
                                for (kk, f) in it.entries() {
                                    if f.as_bool() != Some(true) {
                                        continue;
                                    }
                                    let refs = expand(resolve_refs(
                                        &cfg,
                                        &path,
                                        &prefix,
                                        &cfg.block_refs(&path, &cfg_base, k, i, kk),
                                        0,
                                    ));
                                    let list = kk.ends_with("_ids");
                                    let v =
                                        unknown_with_refs(addr, &format!("{k}.{kk}"), &refs, list);
                                    if let Some((_, b)) =
                                        body.blocks.iter_mut().filter(|(n, _)| n == k).nth(i)
                                    {
                                        b.set(kk, v, vat.clone());
                                    } else {
                                        let mut b = RBody::new(vat.clone());
                                        b.set(kk, v, vat.clone());
                                        body.blocks.push((k.clone(), b));
                                    }
                                }
                            }
                        }
                        NodeKind::Seq(items) => {
                            // A list with some unknown elements.
                            if let Some(V::List(l)) = body.get(k).cloned() {
                                let mut l = l.to_vec();
                                for (i, it) in items.iter().enumerate() {
                                    if it.as_str() == Some("true") || it.as_bool() == Some(true) {
                                        let v = match refs.get(i) {
                                            Some(r) => V::computed(r, "id"),
                                            None => V::computed(addr, k),
                                        };
                                        if i < l.len() {
                                            l[i] = v;
                                        } else {
                                            l.push(v);
                                        }
                                    }
                                }
                                body.set(k, V::list(l), vat);
                            } else if items.iter().any(|it| it.as_bool() == Some(true)) {
                                body.set(k, unknown_with_refs(addr, k, &refs, true), vat);
                            }
                        }
                        _ => {}
                    }
                }
            }
            out.push(Res {
                addr: addr.to_string(),
                base: format!("{prefix}{cfg_base}"),
                rtype,
                data,
                body,
                modelled_by: None,
            });
        }
        for c in m.get("child_modules").map(Node::items).unwrap_or_default() {
            stack.push(c);
        }
    }
    out.sort_by(|a, b| a.addr.cmp(&b.addr));
    let mut declared = std::collections::BTreeSet::new();
    let mut stack: Vec<&Node> = cfg.root.into_iter().collect();
    while let Some(m) = stack.pop() {
        for r in m.get("resources").map(Node::items).unwrap_or_default() {
            if r.get("mode").and_then(Node::as_str) == Some("managed") {
                if let Some(t) = r.get("type").and_then(Node::as_str) {
                    declared.insert(t.to_string());
                }
            }
        }
        for (_, c) in m.get("module_calls").map(Node::entries).unwrap_or_default() {
            stack.extend(c.get("module"));
        }
    }
    let none_created = declared
        .into_iter()
        .filter(|t| !out.iter().any(|r| &r.rtype == t))
        .collect();
    (out, none_created)
}

/// Nested blocks in plan values are lists of objects: expose them as blocks too.
fn add_blocks(body: &mut RBody, k: &str, v: &V, at: &Prov) {
    if let V::List(l) = v {
        if !l.is_empty() && l.iter().all(|x| x.as_obj().is_some()) {
            for x in l.iter() {
                let mut b = RBody::new(at.clone());
                for (kk, vv) in x.as_obj().into_iter().flatten() {
                    b.set(kk, vv.clone(), at.clone());
                    add_blocks(&mut b, kk, vv, at);
                }
                body.blocks.push((k.to_string(), b));
            }
        }
    }
}

/// Resource addresses a configuration reference list points at, following module outputs.
fn resolve_refs(
    cfg: &Config,
    path: &[String],
    prefix: &str,
    refs: &[String],
    depth: usize,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if depth > 8 {
        return out;
    }
    for r in refs {
        if let Some(var) = r.strip_prefix("var.") {
            // Follow the variable to what the calling module passes in.
            let var = var.split(['.', '[']).next().unwrap_or(var);
            if let Some((call, parent)) = path.split_last() {
                let parent_prefix = match prefix.rfind(&format!("module.{call}")) {
                    Some(i) => &prefix[..i],
                    None => "",
                };
                let inner = cfg.call_refs(parent, call, var);
                for f in resolve_refs(cfg, parent, parent_prefix, &inner, depth + 1) {
                    if !out.contains(&f) {
                        out.push(f);
                    }
                }
            }
            continue;
        }
        if r.starts_with("local.")
            || r.starts_with("data.")
            || r.starts_with("each.")
            || r.starts_with("count.")
        {
            continue;
        }
        if let Some(rest) = r.strip_prefix("module.") {
            let mut parts = rest.splitn(2, '.');
            let call = parts.next().unwrap_or("");
            let call = call.split('[').next().unwrap_or(call);
            if let Some(output) = parts.next() {
                let output = output.split(['.', '[']).next().unwrap_or(output);
                let inner = cfg.output_refs(path, call, output);
                let mut p = path.to_vec();
                p.push(call.to_string());
                let found = resolve_refs(
                    cfg,
                    &p,
                    &format!("{prefix}module.{call}."),
                    &inner,
                    depth + 1,
                );
                for f in found {
                    if !out.contains(&f) {
                        out.push(f);
                    }
                }
            }
            continue;
        }
        // `aws_subnet.private[0].id`, `aws_subnet.private[0]`, `aws_subnet.private`.
        let mut segs: Vec<&str> = r.splitn(3, '.').collect();
        if segs.len() < 2 {
            continue;
        }
        if segs.len() == 3 {
            segs.pop();
        }
        let res = format!("{prefix}{}.{}", segs[0], segs[1]);
        out.retain(|o| !res.starts_with(&format!("{o}[")) && o != &res);
        if !out
            .iter()
            .any(|o| o.starts_with(&format!("{res}[")) || o == &res)
        {
            out.push(res);
        }
    }
    out
}

fn unknown_with_refs(addr: &str, attr: &str, refs: &[String], list: bool) -> V {
    if refs.is_empty() {
        return V::computed(addr, attr);
    }
    if list {
        V::list(refs.iter().map(|r| V::computed(r, "id")).collect())
    } else {
        V::computed(&refs[0], "id")
    }
}
