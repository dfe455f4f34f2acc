//! A Terraform module directory parsed once: its variables, locals, resources, data sources,
//! module calls and outputs, each with the file and line it was written at.

use eksdoctor_inventory::{InputError, Prov, SourceKind};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A source file with its line starts, to turn byte offsets into lines.
#[derive(Debug)]
pub struct SrcFile {
    pub name: Arc<str>,
    line_starts: Vec<usize>,
    /// For text generated from a `.tf.json` file: the JSON line of each generated line.
    line_map: Option<Vec<u32>>,
}

impl SrcFile {
    pub fn new(name: Arc<str>, text: &str) -> SrcFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SrcFile {
            name,
            line_starts,
            line_map: None,
        }
    }

    pub fn line(&self, offset: usize) -> u32 {
        let l = (self.line_starts.partition_point(|&s| s <= offset)) as u32;
        self.map_line(l)
    }

    fn map_line(&self, l: u32) -> u32 {
        match &self.line_map {
            Some(m) => m.get(l.saturating_sub(1) as usize).copied().unwrap_or(l),
            None => l,
        }
    }

    pub fn prov(&self, span: Option<std::ops::Range<usize>>) -> Prov {
        let line = span.map(|s| self.line(s.start)).unwrap_or(1);
        Prov::new(&self.name, line, SourceKind::Tf)
    }
}

/// An expression and where it was written.
#[derive(Debug, Clone)]
pub struct Item {
    pub expr: Expression,
    pub src: Arc<SrcFile>,
    pub at: Prov,
}

#[derive(Debug, Clone)]
pub struct VarDef {
    pub default: Option<Item>,
    pub nullable: bool,
    /// The `type` constraint (values are converted to it).
    pub ty: crate::types::Ty,
    /// A `-var` value is taken literally, as a string (no `type`, or a primitive one), rather
    /// than parsed as an HCL expression: Terraform's `VariableParseLiteral` parsing mode.
    pub literal: bool,
    /// `sensitive = true`: the value is never read (it is unknown to the rules), so it cannot
    /// reach a message, an error or a baseline.
    pub sensitive: bool,
    pub at: Prov,
}

#[derive(Debug, Clone)]
pub struct ResDef {
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub block: Block,
    pub src: Arc<SrcFile>,
    pub at: Prov,
}

#[derive(Debug, Clone)]
pub struct CallDef {
    pub name: String,
    pub source: Option<String>,
    pub version: Option<String>,
    pub block: Block,
    pub src: Arc<SrcFile>,
    pub at: Prov,
}

/// One module directory.
#[derive(Debug, Default)]
pub struct ModuleDef {
    pub dir: PathBuf,
    pub files: Vec<Arc<str>>,
    pub variables: BTreeMap<String, VarDef>,
    pub locals: BTreeMap<String, Item>,
    pub resources: Vec<ResDef>,
    /// (data?, type, name) → index into `resources`.
    pub index: HashMap<(bool, String, String), usize>,
    /// Resource types declared here (to tell `aws_subnet.x` from an unknown root name).
    pub types: HashMap<String, ()>,
    pub calls: BTreeMap<String, CallDef>,
    pub outputs: BTreeMap<String, Item>,
    /// Outputs declared `sensitive = true`: never read.
    pub sensitive_outputs: std::collections::BTreeSet<String>,
    /// `.tfvars` files found in the directory (`terraform.tfvars`, `*.auto.tfvars`), in load order.
    pub tfvars: Vec<(Arc<SrcFile>, Body)>,
    pub errors: Vec<InputError>,
    /// Files Terraform reads that this version skips, with why.
    pub skipped: Vec<(Arc<str>, String)>,
    /// Inline suppressions in the module's `.tf` files.
    pub suppressions: Vec<eksdoctor_inventory::Suppression>,
    /// `terraform { backend "TYPE" { ... } }`: the type and its literal string settings.
    pub backend: Option<(String, BTreeMap<String, String>)>,
}

impl ModuleDef {
    pub fn resource(&self, data: bool, rtype: &str, name: &str) -> Option<&ResDef> {
        self.index
            .get(&(data, rtype.to_string(), name.to_string()))
            .map(|&i| &self.resources[i])
    }
}

/// A file name as shown in findings: the path as walked.
pub fn display_name(p: &Path) -> Arc<str> {
    p.display().to_string().into()
}

/// Parse a `.tfvars` (or any HCL body) file.
pub fn parse_hcl(name: Arc<str>, text: &str) -> Result<(Arc<SrcFile>, Body), InputError> {
    let src = Arc::new(SrcFile::new(name.clone(), text));
    match crate::parse::parse_body(text) {
        Ok(body) => Ok((src, body)),
        Err((line, message)) => Err(InputError {
            file: name,
            line: Some(line),
            message,
        }),
    }
}

/// Parse every `.tf` file of a directory (the files given, all in `dir`).
pub fn load_dir(dir: &Path, files: &[PathBuf]) -> ModuleDef {
    let mut m = ModuleDef {
        dir: dir.to_path_buf(),
        ..ModuleDef::default()
    };
    let mut tfvars: Vec<PathBuf> = Vec::new();
    for path in files {
        let name = display_name(path);
        let fname = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
        if fname.ends_with(".tf.json") {
            m.files.push(name.clone());
            let parsed = read(path).and_then(|t| crate::json_syntax::to_native(&t));
            match parsed {
                Ok((native, lines)) => {
                    let mut src = SrcFile::new(name.clone(), &native);
                    src.line_map = Some(lines);
                    let src = Arc::new(src);
                    match crate::parse::parse_body(&native) {
                        Ok(body) => add_body(&mut m, &src, body),
                        Err((line, message)) => m.errors.push(InputError {
                            file: name,
                            line: Some(src.map_line(line)),
                            message: format!("Terraform JSON syntax not understood: {message}"),
                        }),
                    }
                }
                Err(message) => m.errors.push(json_error(name, message)),
            }
            continue;
        }
        if is_auto_tfvars(fname) {
            tfvars.push(path.clone());
            continue;
        }
        if !fname.ends_with(".tf") {
            continue;
        }
        m.files.push(name.clone());
        let text = match read(path) {
            Ok(t) => t,
            Err(message) => {
                m.errors.push(InputError {
                    file: name,
                    line: None,
                    message,
                });
                continue;
            }
        };
        m.suppressions
            .extend(eksdoctor_inventory::Suppression::scan(
                &name,
                &text,
                SourceKind::Tf,
            ));
        match parse_hcl(name, &text) {
            Ok((src, body)) => add_body(&mut m, &src, body),
            Err(e) => m.errors.push(e),
        }
    }
    // terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) in lexical order (as
    // Terraform loads them).
    tfvars.sort_by_key(|p| {
        let f = p
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or("")
            .to_string();
        let rank = match f.as_str() {
            "terraform.tfvars" => 0,
            "terraform.tfvars.json" => 1,
            _ => 2,
        };
        (rank, f)
    });
    for p in tfvars {
        match parse_tfvars(&p) {
            Ok(parsed) => m.tfvars.push(parsed),
            Err(e) => m.errors.push(e),
        }
    }
    m
}

/// Variable files Terraform loads by itself from a root module's directory.
pub fn is_auto_tfvars(fname: &str) -> bool {
    matches!(fname, "terraform.tfvars" | "terraform.tfvars.json")
        || fname.ends_with(".auto.tfvars")
        || fname.ends_with(".auto.tfvars.json")
}

/// A variables file, native (`.tfvars`) or JSON (`.tfvars.json`).
pub fn parse_tfvars(path: &Path) -> Result<(Arc<SrcFile>, Body), InputError> {
    let name = display_name(path);
    let text = read(path).map_err(|message| InputError {
        file: name.clone(),
        line: None,
        message,
    })?;
    if !name.ends_with(".json") {
        return parse_hcl(name, &text);
    }
    let (native, lines) = crate::json_syntax::tfvars_to_native(&text)
        .map_err(|message| json_error(name.clone(), message))?;
    let mut src = SrcFile::new(name.clone(), &native);
    src.line_map = Some(lines);
    let src = Arc::new(src);
    match crate::parse::parse_body(&native) {
        Ok(body) => Ok((src, body)),
        Err((line, message)) => Err(InputError {
            file: name,
            line: Some(src.map_line(line)),
            message: format!("variables not understood: {message}"),
        }),
    }
}

/// A Terraform file's text: a regular file (never a FIFO or a device), at most
/// `eksdoctor_fs::Limits::terraform_file_bytes` (lower than for other files: hcl-edit's syntax
/// tree keeps every token with its spacing and position, about 28 times the size of the text),
/// UTF-8.
pub fn read(path: &Path) -> Result<String, String> {
    let bytes = eksdoctor_fs::read(path, eksdoctor_fs::limits::get().terraform_file_bytes).map_err(|e| match e {
        eksdoctor_fs::ReadError::TooLarge(_) => format!(
            "{e} (Terraform files are parsed into a syntax tree about 30 times their size; the scan's limit)"
        ),
        e => e.to_string(),
    })?;
    if matches!(bytes.as_slice(), [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) {
        return Err("UTF-16 text: Terraform reads only UTF-8 (save the file as UTF-8)".into());
    }
    let text = eksdoctor_fs::text(bytes).map_err(|e| e.to_string())?;
    // Terraform accepts and ignores a UTF-8 byte order mark (Windows editors write one).
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn label(b: &Block, i: usize) -> Option<String> {
    b.labels.get(i).map(|l| l.as_str().to_string())
}

/// A `terraform` block's `backend "TYPE"`: the type and its literal string settings.
fn backend(block: &Block) -> Option<(String, BTreeMap<String, String>)> {
    let b = block
        .body
        .blocks()
        .find(|b| b.ident.as_str() == "backend")?;
    let config = b
        .body
        .attributes()
        .filter_map(|a| Some((a.key.as_str().to_string(), a.value.as_str()?.to_string())))
        .collect();
    Some((label(b, 0)?, config))
}

fn add_body(m: &mut ModuleDef, src: &Arc<SrcFile>, body: Body) {
    for block in body.into_blocks() {
        let at = src.prov(block.span());
        let kind = block.ident.as_str().to_string();
        match kind.as_str() {
            "variable" => {
                let Some(name) = label(&block, 0) else {
                    continue;
                };
                let default = block.body.get_attribute("default").map(|a| Item {
                    expr: a.value.clone(),
                    src: src.clone(),
                    at: src.prov(a.span()),
                });
                let nullable = block
                    .body
                    .get_attribute("nullable")
                    .and_then(|a| a.value.as_bool())
                    .unwrap_or(true);
                let ty = block
                    .body
                    .get_attribute("type")
                    .map(|a| crate::types::parse(&a.value));
                use crate::types::Ty;
                let literal = matches!(ty, None | Some(Ty::String | Ty::Number | Ty::Bool));
                let sensitive = block
                    .body
                    .get_attribute("sensitive")
                    .and_then(|a| a.value.as_bool())
                    .unwrap_or(false);
                m.variables.insert(
                    name,
                    VarDef {
                        default,
                        nullable,
                        ty: ty.unwrap_or(Ty::Any),
                        literal,
                        sensitive,
                        at,
                    },
                );
            }
            "locals" => {
                for a in block.body.attributes() {
                    let name = a.key.as_str().to_string();
                    if m.locals.contains_key(&name) {
                        m.errors.push(InputError {
                            file: src.name.clone(),
                            line: Some(src.prov(a.span()).line),
                            message: format!("duplicate local value \"{name}\""),
                        });
                        continue;
                    }
                    m.locals.insert(
                        name,
                        Item {
                            expr: a.value.clone(),
                            src: src.clone(),
                            at: src.prov(a.span()),
                        },
                    );
                }
            }
            "resource" | "data" => {
                let (Some(rtype), Some(name)) = (label(&block, 0), label(&block, 1)) else {
                    continue;
                };
                let data = kind == "data";
                let key = (data, rtype.clone(), name.clone());
                if m.index.contains_key(&key) {
                    m.errors.push(InputError {
                        file: src.name.clone(),
                        line: Some(at.line),
                        message: format!(
                            "duplicate {} \"{rtype}\" \"{name}\"",
                            if data { "data" } else { "resource" }
                        ),
                    });
                    continue;
                }
                if !data {
                    m.types.insert(rtype.clone(), ());
                }
                m.index.insert(key, m.resources.len());
                m.resources.push(ResDef {
                    data,
                    rtype,
                    name,
                    block,
                    src: src.clone(),
                    at,
                });
            }
            "module" => {
                let Some(name) = label(&block, 0) else {
                    continue;
                };
                let lit = |k: &str| {
                    block
                        .body
                        .get_attribute(k)
                        .and_then(|a| a.value.as_str().map(str::to_string))
                };
                let (source, version) = (lit("source"), lit("version"));
                m.calls.insert(
                    name.clone(),
                    CallDef {
                        name,
                        source,
                        version,
                        block,
                        src: src.clone(),
                        at,
                    },
                );
            }
            "terraform" => {
                if let Some(b) = backend(&block) {
                    m.backend = Some(b);
                }
            }
            "output" => {
                let Some(name) = label(&block, 0) else {
                    continue;
                };
                if block
                    .body
                    .get_attribute("sensitive")
                    .and_then(|a| a.value.as_bool())
                    == Some(true)
                {
                    m.sensitive_outputs.insert(name.clone());
                }
                if let Some(a) = block.body.get_attribute("value") {
                    m.outputs.insert(
                        name,
                        Item {
                            expr: a.value.clone(),
                            src: src.clone(),
                            at: src.prov(a.span()),
                        },
                    );
                }
            }
            _ => {}
        }
    }
}

/// An error of a JSON file at the line the JSON parser names (`… at line 3 column 7`), when it
/// names one; the file as a whole otherwise.
fn json_error(file: Arc<str>, message: String) -> InputError {
    let at = message.rfind(" at line ").and_then(|i| {
        let rest = &message[i + " at line ".len()..];
        let (n, _) = rest.split_once(' ')?;
        Some((i, n.parse::<u32>().ok()?))
    });
    match at {
        Some((i, line)) => InputError {
            file,
            line: Some(line),
            message: message[..i].to_string(),
        },
        None => InputError {
            file,
            line: None,
            message,
        },
    }
}

#[cfg(test)]
mod json_error_tests {
    #[test]
    fn the_json_parsers_line_becomes_the_errors() {
        let e = super::json_error(
            "a.tf.json".into(),
            "invalid JSON: expected `,` or `}` at line 3 column 7".into(),
        );
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(3), "invalid JSON: expected `,` or `}`")
        );
        let e = super::json_error(
            "a.tf.json".into(),
            "a .tf.json file must hold a JSON object".into(),
        );
        assert_eq!(e.line, None);
    }
}
