//! `terraform show -json` plans: `planned_values` through all child modules, `after_unknown`
//! values as unknown, and `configuration` references to link resources whose ids are not known
//! yet (a node group's `subnet_ids` pointing at `aws_subnet.private`). States (`terraform show
//! -json` without a plan) are read the same way, from `values`; their known ids link resources.

use crate::res::{RBody, Res};
use crate::value::{Unk, V};
use eksdoctor_inventory::{Node, NodeKind, Prov, SourceKind};
use std::collections::HashMap;
use std::sync::Arc;

/// A `terraform show -json` document (a plan, or a state with `values.root_module`), or a raw
/// state (`terraform state pull`).
pub fn is_plan(root: &Node) -> bool {
    (root.get("format_version").is_some()
        && (root.get("planned_values").is_some()
            || root.get("resource_changes").is_some()
            || root.path(&["values", "root_module"]).is_some()))
        || is_raw_state(root)
}

fn node_v(n: &Node) -> V {
    match &n.kind {
        NodeKind::Null => V::Null,
        NodeKind::Unknown { reason } => V::unknown(reason.clone()),
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

/// `net["a.b"].ids` → (`net`, `["a.b"]`, Some(`ids`)): a module call's name, its instance key
/// as written (empty without one; quotes respected), and what follows the next dot.
fn module_ref(rest: &str) -> (&str, &str, Option<&str>) {
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let call = &rest[..end];
    let mut after = &rest[end..];
    let mut key = "";
    if after.starts_with('[') {
        let mut quoted = false;
        let mut cut = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ']' if !quoted => {
                    cut = i + 1;
                    break;
                }
                _ => {}
            }
        }
        key = &after[..cut];
        after = &after[cut..];
    }
    (call, key, after.strip_prefix('.'))
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
pub fn read(file: &Arc<str>, root: &Node) -> Vec<Res> {
    let unknowns = after_unknown(root);
    let cfg = Config {
        root: root.path(&["configuration", "root_module"]),
    };
    // Base address → instance addresses, to expand references to `aws_subnet.private`.
    let instances = instance_index(&unknowns);
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
    for Instance {
        addr,
        rtype,
        data,
        values,
        line,
        raw,
        sensitive,
    } in instances_of(root)
    {
        let addr = addr.as_str();
        let at = Prov::new(file, line, SourceKind::Plan);
        let mut body = RBody::new(at.clone());
        let (path, base, prefix) = split_addr(addr);
        let base = base.trim_start_matches("data.").to_string();
        let cfg_base = if data {
            format!("data.{base}")
        } else {
            base.clone()
        };
        if let Some(NodeKind::Map(entries)) = values.map(|v| &v.kind) {
            for (k, v) in entries {
                let v = if raw { dynamic_value(v) } else { v };
                let val = sensitive.field(k).apply(node_v(v));
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
                                let v = unknown_with_refs(addr, &format!("{k}.{kk}"), &refs, list);
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
    out.sort_by(|a, b| a.addr.cmp(&b.addr));
    link_known_ids(&mut out);
    out
}

/// Base address → the addresses of its instances (`aws_subnet.private` → `[0]`, `[1]`, ...).
fn instance_index(unknowns: &HashMap<String, &Node>) -> HashMap<String, Vec<String>> {
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
    instances
}

/// Each resource change's `after_unknown` by address.
fn after_unknown(root: &Node) -> HashMap<String, &Node> {
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
    unknowns
}

/// One resource instance of a plan or state, wherever the document keeps it.
struct Instance<'a> {
    addr: String,
    rtype: String,
    data: bool,
    values: Option<&'a Node>,
    line: u32,
    /// From a raw state, where attributes of no fixed type are `{"value": …, "type": …}`.
    raw: bool,
    /// Its sensitive values (never read).
    sensitive: sensitive::Mask,
}

/// In a raw state, an attribute of no fixed type (cty's dynamic pseudo-type, such as
/// `kubernetes_manifest.manifest`) is stored with its type: `{"value": …, "type": ["tuple",
/// […]]}`. The value, when `n` has that form and `type` is a type.
fn dynamic_value(n: &Node) -> &Node {
    let entries = n.entries();
    let (Some(value), Some(ty), 2) = (n.get("value"), n.get("type"), entries.len()) else {
        return n;
    };
    let is_type = match &ty.kind {
        NodeKind::Scalar { text, .. } => {
            matches!(text.as_str(), "string" | "number" | "bool" | "dynamic")
        }
        NodeKind::Seq(items) => items
            .first()
            .and_then(Node::as_str)
            .is_some_and(|t| matches!(t, "list" | "set" | "map" | "object" | "tuple")),
        _ => false,
    };
    if is_type {
        value
    } else {
        n
    }
}

/// The resource instances of a `terraform show -json` plan (`planned_values`) or state (`values`),
/// through all child modules, or of a raw state (`terraform state pull`, `terraform.tfstate`:
/// `resources[].instances[].attributes`, addresses put together from module, type, name and key).
fn instances_of(root: &Node) -> Vec<Instance<'_>> {
    let mut out = Vec::new();
    if is_raw_state(root) {
        for r in root.get("resources").map(Node::items).unwrap_or_default() {
            let (Some(rtype), Some(name)) = (
                r.get("type").and_then(Node::as_str),
                r.get("name").and_then(Node::as_str),
            ) else {
                continue;
            };
            let data = r.get("mode").and_then(Node::as_str) == Some("data");
            let module = r.get("module").and_then(Node::as_str).unwrap_or("");
            let base = format!(
                "{module}{}{}{rtype}.{name}",
                if module.is_empty() { "" } else { "." },
                if data { "data." } else { "" }
            );
            for i in r.get("instances").map(Node::items).unwrap_or_default() {
                let key = match i.get("index_key").map(|k| &k.kind) {
                    Some(NodeKind::Scalar { text, quoted: true }) => {
                        format!("[{}]", serde_json::to_string(text).unwrap_or_default())
                    }
                    Some(NodeKind::Scalar { text, .. }) => format!("[{text}]"),
                    _ => String::new(),
                };
                out.push(Instance {
                    addr: format!("{base}{key}"),
                    rtype: rtype.to_string(),
                    data,
                    values: i.get("attributes"),
                    line: i.line,
                    raw: true,
                    sensitive: sensitive::Mask::from_paths(i.get("sensitive_attributes")),
                });
            }
        }
        return out;
    }
    let mut stack: Vec<&Node> = root
        .path(&["planned_values", "root_module"])
        .into_iter()
        .collect();
    if stack.is_empty() {
        // A state (`terraform show -json` without a plan) has `values.root_module`.
        stack.extend(root.path(&["values", "root_module"]));
    }
    while let Some(m) = stack.pop() {
        for r in m.get("resources").map(Node::items).unwrap_or_default() {
            let Some(addr) = r.get("address").and_then(Node::as_str) else {
                continue;
            };
            out.push(Instance {
                addr: addr.to_string(),
                rtype: r
                    .get("type")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string(),
                data: r.get("mode").and_then(Node::as_str) == Some("data"),
                values: r.get("values"),
                line: r.line,
                raw: false,
                sensitive: sensitive::Mask::from_values(r.get("sensitive_values")),
            });
        }
        stack.extend(m.get("child_modules").map(Node::items).unwrap_or_default());
    }
    out
}

/// A raw Terraform state (`terraform state pull`, a local `terraform.tfstate`), format 4.
fn is_raw_state(root: &Node) -> bool {
    root.get("lineage").is_some()
        && root.get("terraform_version").is_some()
        && root.get("resources").is_some()
        && root.get("version").and_then(Node::as_str) == Some("4")
}

/// Ids and ARNs already known (a state, or a plan of resources that exist) are plain strings
/// where the code had references (`subnet_ids = ["subnet-0a…"]` for `aws_subnet.private[*].id`).
/// Where such a string is the `id` or `arn` of another resource of the same document, it becomes
/// a reference to that resource again, so resources link as they do from the code. Only
/// attributes that hold references are looked at (`*_id(s)`, `*_arn(s)`, `cluster_name`, `role`,
/// `id`/`name`/`arn` inside blocks); a string that several resources could mean, and that the
/// attribute's name does not settle, is left as it is.
fn link_known_ids(res: &mut [Res]) {
    let mut by_id: HashMap<String, Vec<(String, String, &'static str)>> = HashMap::new();
    for r in res
        .iter()
        .filter(|r| !r.data && r.rtype.starts_with("aws_"))
    {
        for attr in ["id", "arn"] {
            if let Some(V::Str(s)) = r.body.get(attr) {
                if !s.is_empty() {
                    by_id.entry(s.to_string()).or_default().push((
                        r.addr.clone(),
                        r.rtype.clone(),
                        attr,
                    ));
                }
            }
        }
    }
    if by_id.is_empty() {
        return;
    }
    let linker = Linker { by_id: &by_id };
    for r in res.iter_mut().filter(|r| r.rtype.starts_with("aws_")) {
        let own = r.addr.clone();
        linker.body(&own, "", &mut r.body);
    }
}

struct Linker<'a> {
    by_id: &'a HashMap<String, Vec<(String, String, &'static str)>>,
}

impl Linker<'_> {
    /// `path` is where the body sits (`iam_instance_profile` for a nested block).
    fn body(&self, own: &str, path: &str, b: &mut RBody) {
        for (k, (v, _)) in b.attrs.iter_mut() {
            *v = self.value(own, &join(path, k), v);
        }
        for (name, nb) in b.blocks.iter_mut() {
            let p = join(path, name);
            self.body(own, &p, nb);
        }
    }

    /// `path`: the attribute's name, after the blocks it sits in (`launch_template.id`).
    fn value(&self, own: &str, path: &str, v: &V) -> V {
        let key = path.rsplit('.').next().unwrap_or(path);
        match v {
            V::Str(s) if linkable(key, path.contains('.')) => {
                self.target(own, path, s).unwrap_or(v.clone())
            }
            V::List(l) => V::list(l.iter().map(|x| self.value(own, path, x)).collect()),
            // Objects in a list are nested blocks (`launch_template = [{ id = "lt-…" }]`).
            V::Obj(m) if !matches!(key, "tags" | "tags_all") => V::obj(
                m.iter()
                    .map(|(kk, x)| (kk.clone(), self.value(own, &join(path, kk), x)))
                    .collect(),
            ),
            _ => v.clone(),
        }
    }

    fn target(&self, own: &str, path: &str, s: &str) -> Option<V> {
        let all: Vec<&(String, String, &'static str)> = self
            .by_id
            .get(s)?
            .iter()
            .filter(|(addr, _, _)| addr != own)
            .collect();
        let pick = match all.as_slice() {
            [one] => *one,
            [] => return None,
            several => {
                // `role = "x"` where a role and an instance profile are both named x: the
                // resource type that shares most words with the attribute's path.
                let words: Vec<&str> = path
                    .split(['_', '.'])
                    .filter(|w| !matches!(*w, "id" | "ids" | "arn" | "arns" | "name"))
                    .collect();
                let score = |t: &str| t.split('_').filter(|w| words.contains(w)).count();
                let best = several.iter().map(|(_, t, _)| score(t)).max().unwrap_or(0);
                let fits: Vec<_> = several
                    .iter()
                    .filter(|(_, t, _)| score(t) == best)
                    .collect();
                match fits.as_slice() {
                    [one] if best > 0 => **one,
                    _ => return None,
                }
            }
        };
        let (addr, _, attr) = pick;
        let mut u = Unk::because(format!("{s} (the {attr} of {addr})"));
        u.addr = Some(addr.clone());
        u.attr = Some(attr.to_string());
        Some(V::Unknown(Arc::new(u)))
    }
}

fn join(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_string()
    } else {
        format!("{path}.{k}")
    }
}

/// Attributes that hold a reference to another resource.
fn linkable(key: &str, in_block: bool) -> bool {
    ["_id", "_ids", "_arn", "_arns"]
        .iter()
        .any(|s| key.ends_with(s))
        || matches!(
            key,
            "cluster_name" | "role" | "roles" | "vpc_zone_identifier" | "security_groups"
        )
        || (in_block && matches!(key, "id" | "name" | "arn"))
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
            // `module.net["a"].ids`: the call, its instance key (kept: the resources of that
            // instance are `module.net["a"]....`), then the output.
            let (call, key, after) = module_ref(rest);
            if let Some(output) = after {
                let output = output.split(['.', '[']).next().unwrap_or(output);
                let inner = cfg.output_refs(path, call, output);
                let mut p = path.to_vec();
                p.push(call.to_string());
                let found = resolve_refs(
                    cfg,
                    &p,
                    &format!("{prefix}module.{call}{key}."),
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

pub mod check;
mod sensitive;

#[cfg(test)]
mod tests;

/// Against plans and states Terraform 1.11.4 made itself.
#[cfg(test)]
mod real_plan;
