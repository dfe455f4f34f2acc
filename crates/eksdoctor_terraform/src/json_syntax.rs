//! Terraform's JSON configuration syntax (`*.tf.json`, what CDK for Terraform writes) turned into
//! the equivalent native syntax, so it is parsed and evaluated like any `.tf` file. Each line of
//! the generated text remembers the line of the JSON it came from, so findings point into the
//! `.tf.json` file.
//!
//! JSON does not say whether an object is a nested block or a map attribute; the block names of
//! the resources eksdoctor reads are listed here, everything else is an attribute.

use serde_json::{Map, Value};

/// Nested block types (of the resources eksdoctor maps) that JSON writes as objects.
const BLOCKS: &[&str] = &[
    "access_config",
    "block_device_mappings",
    "compute_config",
    "condition",
    "container",
    "ebs",
    "encryption_config",
    "env",
    "iam_instance_profile",
    "init_container",
    "inline_policy",
    "instances_distribution",
    "job_template",
    "kubernetes_network_config",
    "launch_template",
    "launch_template_specification",
    "lifecycle",
    "metadata",
    "metadata_options",
    "mixed_instances_policy",
    "monitoring",
    "network_interfaces",
    "not_principals",
    "override",
    "persistent_volume_claim",
    "pod_identity_association",
    "port",
    "principals",
    "provider",
    "remote_access",
    "resources",
    "route",
    "scaling_config",
    "security_context",
    "selector",
    "spec",
    "statement",
    "tag",
    "tag_specifications",
    "taint",
    "template",
    "timeouts",
    "update_config",
    "upgrade_policy",
    "volume",
    "volume_claim_template",
    "volume_mount",
    "vpc_config",
    "host_path",
    "metric",
    "target",
];

struct Out<'a> {
    text: String,
    /// JSON line of each generated line (index 0 = generated line 1).
    lines: Vec<u32>,
    json: &'a str,
    /// Byte position in `json` of the last key found, for the forward search.
    pos: usize,
    cur_line: u32,
}

impl Out<'_> {
    /// The top-level object of a JSON file (`what` names the file kind in the error), and an
    /// empty output for it.
    fn start<'a>(json: &'a str, what: &str) -> Result<(Map<String, Value>, Out<'a>), String> {
        let root: Value = serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
        let Value::Object(root) = root else {
            return Err(format!("a {what} file must hold a JSON object"));
        };
        let out = Out {
            text: String::new(),
            lines: Vec::new(),
            json,
            pos: 0,
            cur_line: 1,
        };
        Ok((root, out))
    }

    /// Move to the JSON line of the next occurrence of `"key"`.
    fn seek(&mut self, key: &str) {
        let needle = format!("{}:", Value::String(key.to_string()));
        let alt = format!("{}", Value::String(key.to_string()));
        let found = self.json[self.pos..]
            .find(&needle)
            .or_else(|| self.json[self.pos..].find(&alt));
        if let Some(i) = found {
            self.pos += i + 1;
            self.cur_line = self.json[..self.pos].matches('\n').count() as u32 + 1;
        }
    }

    fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
        self.lines.push(self.cur_line);
    }
}

fn expr(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => template(s),
        Value::Array(a) => format!("[{}]", a.iter().map(expr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!(
            "{{ {} }}",
            o.iter()
                .filter(|(k, _)| *k != "//")
                .map(|(k, v)| format!("{} = {}", Value::String(k.clone()), expr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A JSON string as an HCL quoted template: literal parts escaped, `${…}` and `%{…}` copied as
/// they are (quotes inside them belong to the expression).
fn template(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let opens = (c == '$' || c == '%') && chars.get(i + 1) == Some(&'{');
        let escaped = opens && i > 0 && chars[i - 1] == c && out.ends_with(c);
        if opens && !escaped {
            // Copy up to the matching brace, skipping quoted strings inside.
            let mut depth = 0;
            let mut in_str = false;
            while i < chars.len() {
                let ch = chars[i];
                out.push(ch);
                if in_str {
                    if ch == '\\' && i + 1 < chars.len() {
                        i += 1;
                        out.push(chars[i]);
                    } else if ch == '"' {
                        in_str = false;
                    }
                } else if ch == '"' {
                    in_str = true;
                } else if ch == '{' {
                    depth += 1;
                } else if ch == '}' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
        i += 1;
    }
    out.push('"');
    out
}

fn label(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// One body's attributes and nested blocks.
fn body(out: &mut Out, obj: &Map<String, Value>, depth: usize) {
    let pad = "  ".repeat(depth);
    for (k, v) in obj {
        if k == "//" {
            continue;
        }
        out.seek(k);
        let as_block = BLOCKS.contains(&k.as_str())
            && match v {
                Value::Object(_) => true,
                Value::Array(a) => !a.is_empty() && a.iter().all(Value::is_object),
                _ => false,
            };
        if k == "dynamic" {
            // "dynamic": {"label": {"for_each": …, "content": {…}}}
            if let Value::Object(d) = v {
                for (lbl, spec) in d {
                    out.seek(lbl);
                    out.line(&format!("{pad}dynamic {} {{", label(lbl)));
                    if let Value::Object(spec) = spec {
                        for (sk, sv) in spec {
                            out.seek(sk);
                            if sk == "content" {
                                if let Value::Object(c) = sv {
                                    out.line(&format!("{pad}  content {{"));
                                    body(out, c, depth + 2);
                                    out.line(&format!("{pad}  }}"));
                                }
                            } else {
                                out.line(&format!("{pad}  {sk} = {}", raw_expr(sk, sv)));
                            }
                        }
                    }
                    out.line(&format!("{pad}}}"));
                }
            }
            continue;
        }
        if as_block {
            let items: Vec<&Map<String, Value>> = match v {
                Value::Object(o) => vec![o],
                Value::Array(a) => a.iter().filter_map(Value::as_object).collect(),
                _ => Vec::new(),
            };
            for it in items {
                out.line(&format!("{pad}{k} {{"));
                body(out, it, depth + 1);
                out.line(&format!("{pad}}}"));
            }
        } else {
            out.line(&format!("{pad}{k} = {}", raw_expr(k, v)));
        }
    }
}

/// `depends_on` and `provider` are references, not templates, in JSON syntax.
fn raw_expr(key: &str, v: &Value) -> String {
    match (key, v) {
        ("depends_on", Value::Array(a)) => format!(
            "[{}]",
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ("provider", Value::String(s)) => s.clone(),
        _ => expr(v),
    }
}

/// The native-syntax text of a `.tf.json` file and the JSON line of each of its lines.
pub fn to_native(json: &str) -> Result<(String, Vec<u32>), String> {
    let (root, mut out) = Out::start(json, ".tf.json")?;
    for (kind, v) in &root {
        out.seek(kind);
        match (kind.as_str(), v) {
            ("resource" | "data", Value::Object(types)) => {
                for (t, named) in types {
                    out.seek(t);
                    let Value::Object(named) = named else {
                        continue;
                    };
                    for (name, b) in named {
                        out.seek(name);
                        let bodies: Vec<&Map<String, Value>> = match b {
                            Value::Object(o) => vec![o],
                            Value::Array(a) => a.iter().filter_map(Value::as_object).collect(),
                            _ => Vec::new(),
                        };
                        for bo in bodies {
                            out.line(&format!("{kind} {} {} {{", label(t), label(name)));
                            body(&mut out, bo, 1);
                            out.line("}");
                        }
                    }
                }
            }
            ("module" | "variable" | "output", Value::Object(named)) => {
                for (name, b) in named {
                    out.seek(name);
                    let Value::Object(bo) = b else { continue };
                    out.line(&format!("{kind} {} {{", label(name)));
                    for (k, v) in bo {
                        out.seek(k);
                        // A variable's `type` is a type expression written as a string.
                        let e = if kind == "variable" && k == "type" {
                            v.as_str().map(str::to_string).unwrap_or_else(|| expr(v))
                        } else {
                            expr(v)
                        };
                        out.line(&format!("  {k} = {e}"));
                    }
                    out.line("}");
                }
            }
            ("locals", l) => {
                let maps: Vec<&Map<String, Value>> = match l {
                    Value::Object(o) => vec![o],
                    Value::Array(a) => a.iter().filter_map(Value::as_object).collect(),
                    _ => Vec::new(),
                };
                for m in maps {
                    out.line("locals {");
                    for (k, v) in m {
                        out.seek(k);
                        out.line(&format!("  {k} = {}", expr(v)));
                    }
                    out.line("}");
                }
            }
            _ => {}
        }
    }
    Ok((out.text, out.lines))
}

/// A `.tfvars.json` file (one JSON object of variable values) as native `.tfvars` text, with the
/// JSON line of each generated line. Strings are literal there: `${` is not interpolated.
pub fn tfvars_to_native(json: &str) -> Result<(String, Vec<u32>), String> {
    let (root, mut out) = Out::start(json, ".tfvars.json")?;
    for (k, v) in &root {
        out.seek(k);
        let ident = !k.is_empty()
            && k.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ident {
            return Err(format!("`{k}` is not a variable name"));
        }
        out.line(&format!("{k} = {}", literal(v)));
    }
    Ok((out.text, out.lines))
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => Value::String(s.replace("${", "$${").replace("%{", "%%{")).to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(literal).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!(
            "{{ {} }}",
            o.iter()
                .map(|(k, v)| format!("{} = {}", Value::String(k.clone()), literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => expr(other),
    }
}
