//! Input discovery, the [`Source`] interface, the one loader ([`load_paths`]) and the static
//! sources that fill the inventory: YAML/JSON documents (eksctl `ClusterConfig` files, Kubernetes
//! manifests, Terraform plans and states) and Terraform code (through `eksdoctor_terraform`).
//! Documents are recognised by content: `apiVersion: eksctl.io/*` with `kind: ClusterConfig` is an
//! eksctl file, any other document with `apiVersion` and `kind` a Kubernetes object, a plan or
//! state by its format fields; everything else is skipped quietly.

mod ctx;
mod eksctl;
pub mod loader;
mod manifests;
mod terraform;
mod volumes;
pub use eksdoctor_inventory::yaml;
pub use loader::{load_paths, Source};
pub use manifests::read_api_object;

use ctx::FileCtx;
pub use eksdoctor_config::LoadSettings;
use eksdoctor_inventory::{InputError, Inventory, Note, Prov, ScannedFile, SourceKind};
use eksdoctor_terraform::TfOptions;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input to read.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file found by walking a directory: parse errors are reported only when it looks like a
    /// Kubernetes or eksctl file.
    Walked(PathBuf),
    /// A file named on the command line: always reported.
    Named(PathBuf),
    /// Standard input, already read.
    Stdin(String),
}

impl Input {
    /// The file, for an input read from one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Walked(p) | Input::Named(p) => Some(p),
            Input::Stdin(_) => None,
        }
    }
}

/// Expand paths into inputs. A directory is walked recursively honouring `.gitignore`, `.ignore`
/// and hidden files; `-` is standard input. Problems (missing paths) are returned as errors.
pub fn discover(
    paths: &[PathBuf],
    read_stdin: impl FnOnce() -> std::io::Result<String>,
) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut stdin = Some(read_stdin);
    for path in paths {
        if path.as_os_str() == "-" {
            if let Some(read) = stdin.take() {
                match read() {
                    Ok(text) => inputs.push(Input::Stdin(text)),
                    Err(e) => errors.push(InputError {
                        file: "<stdin>".into(),
                        line: None,
                        message: format!("cannot read standard input: {e}"),
                    }),
                }
            }
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => errors.push(InputError {
                file: path.display().to_string().into(),
                line: None,
                message: format!("cannot read: {e}"),
            }),
            Ok(m) if m.is_file() => inputs.push(Input::Named(path.clone())),
            // A FIFO, a device or a socket named on the command line is not read (it could
            // block the scan or never end).
            Ok(m) if !m.is_dir() => errors.push(InputError {
                file: path.display().to_string().into(),
                line: None,
                message: eksdoctor_fs::regular(path).err().map_or_else(
                    || "not a regular file: not read".to_string(),
                    |e| e.to_string(),
                ),
            }),
            Ok(_) => {
                let walker = ignore::WalkBuilder::new(path)
                    .require_git(false)
                    .sort_by_file_name(|a, b| a.cmp(b))
                    .build();
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                            if is_candidate(e.path()) {
                                inputs.push(Input::Walked(e.into_path()));
                            }
                        }
                        Ok(_) => {}
                        Err(err) => errors.push(InputError {
                            file: path.display().to_string().into(),
                            line: None,
                            message: format!("cannot walk: {err}"),
                        }),
                    }
                }
            }
        }
    }
    (read_once(inputs), errors)
}

/// Each file once, however it was named (`dir`, `./dir/`, `dir/sub` inside `dir`, a symlink):
/// paths written plainly (`./a/../b` → `b`), so that a file's directory is the same whichever
/// way it was reached; the first occurrence keeps its place, and a file also named on the
/// command line counts as named.
fn read_once(inputs: Vec<Input>) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::with_capacity(inputs.len());
    let mut at: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for input in inputs {
        let input = match input {
            Input::Walked(p) => Input::Walked(eksdoctor_inventory::paths::normalize(&p)),
            Input::Named(p) => Input::Named(eksdoctor_inventory::paths::normalize(&p)),
            stdin => stdin,
        };
        let Some(path) = input.path() else {
            out.push(input);
            continue;
        };
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        match at.get(&key) {
            Some(&i) => {
                if let (Input::Named(_), Input::Walked(p)) = (&input, &out[i]) {
                    out[i] = Input::Named(p.clone());
                }
            }
            None => {
                at.insert(key, out.len());
                out.push(input);
            }
        }
    }
    out
}

fn is_candidate(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json" | "tf" | "tfvars")
    )
}

fn is_terraform(p: &Path) -> bool {
    let name = p.file_name().and_then(|f| f.to_str()).unwrap_or("");
    name.ends_with(".tf") || name.ends_with(".tfvars") || name.ends_with(".tf.json")
}

/// Read all inputs into one inventory with the built-in sources ([`SOURCES`]). Output order
/// follows input order. The cluster mapping is applied and [`Inventory::finish`] is called.
pub fn load(inputs: &[Input], settings: &LoadSettings) -> Inventory {
    loader::load_with(SOURCES, inputs, settings)
}

/// The sources built into every build, in the order their inventories are merged. A source
/// that needs heavy dependencies (live mode) lives in its own crate and is added to this list
/// by the binary: see [`loader::load_with`].
pub static SOURCES: &[&dyn Source] = &[&Documents, &TerraformCode];

/// YAML and JSON documents, each recognised by its content: eksctl `ClusterConfig`, Kubernetes
/// objects, Terraform plans and states. Read in parallel, one file at a time.
pub struct Documents;

impl Source for Documents {
    fn name(&self) -> &'static str {
        "documents"
    }

    fn claims(&self, input: &Input) -> bool {
        match input {
            Input::Named(p) | Input::Walked(p) => !is_terraform(p),
            Input::Stdin(_) => true,
        }
    }

    fn load(&self, claimed: &[&Input], all: &[Input], _: &LoadSettings) -> Inventory {
        // Directories that hold Terraform code found by walking: a plan found beside it describes
        // the same root module, which is scanned from its code (lines to fix, suppressions).
        let tf_dirs: std::collections::HashSet<PathBuf> = all
            .iter()
            .filter_map(|i| match i {
                Input::Walked(p) if p.extension().is_some_and(|e| e == "tf") => {
                    p.parent().map(Path::to_path_buf)
                }
                _ => None,
            })
            .collect();
        let patches = kustomize_patches(claimed);
        let parts: Vec<Inventory> = claimed
            .par_iter()
            .map(|i| load_one(i, &tf_dirs, &patches))
            .collect();
        let mut inv = Inventory::default();
        for p in parts {
            inv.merge(p);
        }
        inv
    }
}

/// Terraform code: `.tf`, `.tf.json` and `.tfvars` files, read as modules (directories).
pub struct TerraformCode;

impl Source for TerraformCode {
    fn name(&self) -> &'static str {
        "terraform"
    }

    fn claims(&self, input: &Input) -> bool {
        matches!(input, Input::Named(p) | Input::Walked(p) if is_terraform(p))
    }

    fn load(&self, claimed: &[&Input], _: &[Input], settings: &LoadSettings) -> Inventory {
        let paths: Vec<PathBuf> = claimed
            .iter()
            .filter_map(|i| i.path())
            .map(Path::to_path_buf)
            .collect();
        if paths.is_empty() {
            return Inventory::default();
        }
        let opts = TfOptions {
            var_files: settings.var_files.clone(),
            vars: settings.vars.clone(),
            confinement: settings.confinement.clone(),
        };
        terraform::load(&paths, &opts)
    }
}

/// Walked files that a walked `kustomization.yaml` applies as patches (`patches[].path`,
/// `patchesStrategicMerge`, `patchesJson6902[].path`), each with the kustomization naming it.
/// A patch is part of an object, or a list of JSON operations, not an object to deploy.
fn kustomize_patches(inputs: &[&Input]) -> std::collections::HashMap<PathBuf, PathBuf> {
    let mut out = std::collections::HashMap::new();
    for input in inputs {
        let Input::Walked(k) = input else { continue };
        let is_kustomization = k.file_name().and_then(|f| f.to_str()).is_some_and(|f| {
            matches!(
                f,
                "kustomization.yaml" | "kustomization.yml" | "Kustomization"
            )
        });
        let (Some(dir), true) = (k.parent(), is_kustomization) else {
            continue;
        };
        let Ok(text) = eksdoctor_fs::read_text(k) else {
            continue;
        };
        let (docs, _) = yaml::parse(&text);
        let Some(root) = docs.first().map(|d| &d.root) else {
            continue;
        };
        let mut paths: Vec<&str> = Vec::new();
        for key in ["patches", "patchesJson6902"] {
            for p in root.get(key).map(|n| n.items()).unwrap_or_default() {
                paths.extend(p.get("path").and_then(|n| n.as_str()));
            }
        }
        for p in root
            .get("patchesStrategicMerge")
            .map(|n| n.items())
            .unwrap_or_default()
        {
            // An entry is a file name, or an inline patch (several lines of YAML).
            paths.extend(p.as_str().filter(|s| !s.contains('\n')));
        }
        for p in paths {
            out.insert(
                eksdoctor_inventory::paths::normalize(&dir.join(p)),
                k.clone(),
            );
        }
    }
    out
}

fn load_one(
    input: &Input,
    tf_dirs: &std::collections::HashSet<PathBuf>,
    patches: &std::collections::HashMap<PathBuf, PathBuf>,
) -> Inventory {
    let mut inv = Inventory::default();
    if let Input::Walked(p) = input {
        if let Some(k) = patches.get(&eksdoctor_inventory::paths::normalize(p)) {
            inv.notes.push(Note {
                at: Prov::new(&Arc::from(p.display().to_string()), 1, SourceKind::K8s),
                message: format!(
                    "skipped: a Kustomize patch applied by {}, not a whole object; scan `kustomize build` output instead",
                    k.display()
                ),
            });
            return inv;
        }
    }
    let (name, text, named): (Arc<str>, Result<String, String>, bool) = match input {
        Input::Stdin(t) => ("<stdin>".into(), Ok(t.clone()), true),
        Input::Named(p) | Input::Walked(p) => {
            let name: Arc<str> = p.display().to_string().into();
            let text = eksdoctor_fs::read(p, eksdoctor_fs::max_file_bytes())
                .map_err(|e| e.to_string())
                .and_then(decode_text);
            (name, text, matches!(input, Input::Named(_)))
        }
    };
    let text = match text {
        Ok(t) => t,
        // A file named on the command line is an input error; a file found by walking a
        // directory is skipped with a note (it may be no manifest at all).
        Err(message) if named => {
            inv.errors.push(InputError {
                file: name,
                line: None,
                message,
            });
            return inv;
        }
        Err(message) => {
            inv.notes.push(Note {
                at: Prov::new(&name, 1, SourceKind::K8s),
                message: format!("skipped: {message}"),
            });
            return inv;
        }
    };
    let beside_code = match input {
        Input::Walked(p) => p.parent().is_some_and(|d| tf_dirs.contains(d)),
        _ => false,
    };
    read_text_with(&name, &text, named, beside_code, &mut inv);
    inv
}

/// A YAML or JSON file's text: UTF-8, or UTF-16 with its byte order mark (what Windows
/// PowerShell 5 writes for `kubectl get -o yaml > file.yaml`; YAML allows it).
fn decode_text(b: Vec<u8>) -> Result<String, String> {
    let utf16 = |le: bool| -> Result<String, String> {
        if !b.len().is_multiple_of(2) {
            return Err("UTF-16 text with an odd number of bytes".into());
        }
        let units: Vec<u16> = b[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "not valid UTF-16 text".to_string())
    };
    match b.as_slice() {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ => eksdoctor_fs::text(b).map_err(|e| e.to_string()),
    }
}

/// A live-mode snapshot (`eksdoctor cluster --save-snapshot`): the inventory it holds joins the
/// scan's, with the provenance it was collected with.
fn read_snapshot(name: &Arc<str>, text: &str, inv: &mut Inventory) {
    match eksdoctor_inventory::Snapshot::parse(text) {
        Ok(snap) => {
            inv.merge(snap.inventory);
            inv.files.push(ScannedFile {
                file: name.clone(),
                source: Some(SourceKind::Live),
            });
        }
        Err(message) => inv.errors.push(InputError {
            file: name.clone(),
            line: Some(1),
            message,
        }),
    }
}

/// Read one file's text: every YAML/JSON document goes to the source it belongs to.
pub fn read_text(name: &Arc<str>, text: &str, named: bool, inv: &mut Inventory) {
    read_text_with(name, text, named, false, inv)
}

/// [`read_text`]; with `beside_code`, a Terraform plan is not read but noted: the root module in
/// its directory is scanned from its code.
fn read_text_with(
    name: &Arc<str>,
    text: &str,
    named: bool,
    beside_code: bool,
    inv: &mut Inventory,
) {
    if eksdoctor_inventory::Snapshot::looks_like(text) {
        return read_snapshot(name, text, inv);
    }
    let suppressions = eksdoctor_inventory::Suppression::scan(name, text, SourceKind::K8s);
    let mut kind: Option<SourceKind> = None;
    let mut ctx_k8s = FileCtx::new(name, SourceKind::K8s);
    let mut ctx_eksctl = FileCtx::new(name, SourceKind::Eksctl);
    let mut plan_beside_code = false;
    // Documents one at a time: a file of many objects is never held as trees all at once.
    let err = yaml::parse_each(text, false, |d| {
        if eksdoctor_terraform::plan::is_plan(&d.root) && beside_code {
            plan_beside_code = true;
            return std::ops::ControlFlow::Break(());
        } else if eksdoctor_terraform::plan::is_plan(&d.root) {
            kind = Some(SourceKind::Plan);
            inv.errors
                .extend(eksdoctor_terraform::plan::check::check(name, &d.root));
            let res = eksdoctor_terraform::plan::read(name, &d.root);
            // The plan's objects go into their own inventory first (identifiers get the plan's
            // name as prefix), then join the file's.
            let mut part = Inventory::default();
            terraform::map_resources(&res, name, &mut part);
            inv.merge(part);
        } else if eksctl::is_cluster_config(&d.root) {
            kind = Some(SourceKind::Eksctl);
            eksctl::read_cluster_config(&mut ctx_eksctl, &d.root, inv);
        } else if manifests::is_k8s_object(&d.root) {
            kind = kind.or(Some(SourceKind::K8s));
            manifests::read_object(&mut ctx_k8s, &d.root, inv);
        }
        std::ops::ControlFlow::Continue(())
    });
    if plan_beside_code {
        inv.notes.push(Note {
            at: Prov::new(name, 1, SourceKind::Plan),
            message: "skipped: a Terraform plan or state beside the root module it describes, which is scanned from its code (findings on its lines, its suppressions); scan the file alone to use its values".into(),
        });
        return;
    }
    if let Some(e) = err {
        let looks_relevant =
            kind.is_some() || named || (text.contains("apiVersion") && text.contains("kind"));
        let tf_template = text
            .lines()
            .any(|l| l.trim_start().starts_with("%{") && l.contains('}'));
        if text.contains("{{") && !named {
            inv.notes.push(Note {
                at: Prov::new(name, e.line, SourceKind::K8s),
                message: "skipped: a template (Helm or Go), not YAML; scan `helm template` output instead".into(),
            });
        } else if tf_template && !named {
            inv.notes.push(Note {
                at: Prov::new(name, e.line, SourceKind::K8s),
                message: "skipped: a Terraform template (`%{ for }` / `%{ if }` directives), not YAML; scan the rendered file instead".into(),
            });
        } else if looks_relevant {
            inv.errors.push(InputError {
                file: name.clone(),
                line: Some(e.line),
                message: format!("invalid YAML/JSON: {}", e.message),
            });
        }
    }
    inv.errors.append(&mut ctx_eksctl.errors);
    inv.errors.append(&mut ctx_k8s.errors);
    if kind.is_some() {
        inv.suppressions
            .extend(suppressions.into_iter().map(|mut s| {
                s.at.source = kind.expect("checked");
                s
            }));
    }
    inv.files.push(ScannedFile {
        file: name.clone(),
        source: kind,
    });
}
