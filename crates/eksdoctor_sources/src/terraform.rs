//! Terraform directories: every directory holding `.tf` files is a module; those that no other
//! scanned module calls as a local module are root modules, evaluated in parallel. Modules are
//! parsed once and shared.

use crate::ctx::FileCtx;
use crate::{manifests, yaml};
use eksdoctor_inventory::{InputError, Inventory, Note, ScannedFile, SourceKind};
use eksdoctor_terraform::{eval, module, Loader, Res, TfOptions};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Stack of the threads that evaluate root modules: evaluation is recursive, and bounded in
/// depth (`eval::NESTING_LIMIT`), so deep but legal input needs more than a thread's default.
const EVAL_STACK_BYTES: usize = 256 * 1024 * 1024;

/// The threads root modules are evaluated on (as many as rayon's default, with a larger stack;
/// the memory is reserved, not used, until evaluation goes deep).
fn eval_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(EVAL_STACK_BYTES)
            .thread_name(|i| format!("eksdoctor-eval-{i}"))
            .build()
            .expect("a thread pool")
    })
}

pub fn load(paths: &[PathBuf], opts: &TfOptions) -> Inventory {
    eval_pool().install(|| load_in_pool(paths, opts))
}

fn load_in_pool(paths: &[PathBuf], opts: &TfOptions) -> Inventory {
    let mut dirs: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for p in paths {
        let dir = p
            .parent()
            .map(|d| {
                if d.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    d.to_path_buf()
                }
            })
            .unwrap_or_else(|| PathBuf::from("."));
        dirs.entry(eval::normalize(&dir))
            .or_default()
            .push(p.clone());
    }
    let loader = Loader::confined(opts.confinement.clone());
    // A file named alone stands for its whole directory, as Terraform reads directories; of
    // those, only regular files inside the scanned trees are read (a FIFO would hang the scan,
    // a symbolic link may point anywhere).
    let mut skipped: Vec<InputError> = Vec::new();
    for (dir, files) in dirs.iter_mut() {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                let n = p.file_name().and_then(|f| f.to_str()).unwrap_or("");
                if (n.ends_with(".tf")
                    || n.ends_with(".tf.json")
                    || eksdoctor_terraform::module::is_auto_tfvars(n))
                    && !files.iter().any(|f| f.file_name() == p.file_name())
                {
                    files.push(p);
                }
            }
        }
        skipped.extend(loader.retain_readable(files));
        files.sort();
    }
    let dirs: Vec<(PathBuf, Vec<PathBuf>)> = dirs
        .into_iter()
        .filter(|(_, files)| {
            files.iter().any(|f| {
                let n = f.to_string_lossy();
                n.ends_with(".tf") || n.ends_with(".tf.json")
            })
        })
        .collect();
    // Local module calls between scanned directories decide the roots. Local sources are literal
    // strings, so a look at the text finds them without keeping every syntax tree in memory.
    let calls: Vec<(PathBuf, Vec<PathBuf>)> = dirs
        .par_iter()
        .map(|(dir, files)| {
            let callees = files
                .iter()
                .filter(|f| {
                    let n = f.to_string_lossy();
                    n.ends_with(".tf") || n.ends_with(".tf.json")
                })
                .flat_map(|f| local_sources(&eksdoctor_fs::read_text(f).unwrap_or_default()))
                .map(|src| eval::normalize(&dir.join(src)))
                // A module calling itself does not make it someone else's module.
                .filter(|callee| callee != &eval::normalize(dir))
                .collect();
            (eval::normalize(dir), callees)
        })
        .collect();
    let called = roots_of(&calls);
    // Each root module is parsed, evaluated and mapped, then its syntax tree is dropped; modules
    // it calls stay parsed for the other roots that call them.
    let roots: Vec<&(PathBuf, Vec<PathBuf>)> = dirs
        .iter()
        .filter(|(dir, _)| !called.contains(&eval::normalize(dir)))
        .collect();
    let none = std::collections::HashMap::new();
    let mut outs: Vec<RootOut> = roots
        .par_iter()
        .map(|(dir, files)| eval_one(&loader, dir, files, opts, &none))
        .collect();
    // Roots that read another scanned root's state are evaluated again with its outputs.
    let writers: Vec<_> = outs
        .iter()
        .map(|o| (o.dir.clone(), o.writes.clone(), o.outputs.clone()))
        .collect();
    let readers: Vec<_> = outs
        .iter()
        .filter(|o| !o.reads.is_empty())
        .map(|o| (o.dir.clone(), o.reads.clone()))
        .collect();
    let links = eksdoctor_terraform::remote_state::links(&writers, &readers);
    let again: Vec<(usize, RootOut)> = links
        .par_iter()
        .filter_map(|(dir, remote)| {
            let i = outs.iter().position(|o| &o.dir == dir)?;
            let (d, files) = roots[i];
            Some((i, eval_one(&loader, d, files, opts, remote)))
        })
        .collect();
    for (i, o) in again {
        outs[i] = o;
    }
    let outs: Vec<Inventory> = outs.into_iter().map(|o| o.part).collect();
    let mut inv = Inventory::default();
    for o in outs {
        inv.merge(o);
    }
    inv.errors.append(&mut skipped);
    inv.suppressions.extend(loader.suppressions());
    // Files of the modules the roots called.
    for f in loader.files() {
        if !inv.files.iter().any(|x| x.file == f) {
            inv.files.push(ScannedFile {
                file: f,
                source: Some(SourceKind::Tf),
            });
        }
    }
    // The same module's parse errors may be reported once per caller: keep one.
    let mut seen = BTreeSet::new();
    inv.errors
        .retain(|e: &InputError| seen.insert((e.file.clone(), e.line, e.message.clone())));
    inv
}

/// One root module evaluated and mapped, with what links it to other roots: the state it writes,
/// its outputs and the remote states it reads.
struct RootOut {
    dir: PathBuf,
    part: Inventory,
    writes: Option<eksdoctor_terraform::remote_state::StateLocation>,
    outputs: eksdoctor_terraform::value::V,
    reads: Vec<(String, eksdoctor_terraform::remote_state::StateLocation)>,
}

fn eval_one(
    loader: &Loader,
    dir: &std::path::Path,
    files: &[PathBuf],
    opts: &TfOptions,
    remote: &std::collections::HashMap<String, eksdoctor_terraform::value::V>,
) -> RootOut {
    use eksdoctor_terraform::remote_state;
    let root = std::sync::Arc::new(module::load_dir(dir, files));
    let mut part = Inventory::default();
    for f in &root.files {
        part.files.push(ScannedFile {
            file: f.clone(),
            source: Some(SourceKind::Tf),
        });
    }
    part.errors.extend(root.errors.iter().cloned());
    part.suppressions.extend(root.suppressions.iter().cloned());
    for (f, why) in &root.skipped {
        part.notes.push(Note {
            at: eksdoctor_inventory::Prov::new(f, 1, SourceKind::Tf),
            message: format!("skipped: {why}"),
        });
    }
    let out = eval::eval_root(loader, root.clone(), opts, remote);
    let ns = root.dir.display().to_string();
    let writes = remote_state::written(&root.dir, root.backend.as_ref());
    let reads = remote_state::read(&root.dir, &out.resources);
    let rdir = root.dir.clone();
    drop(root);
    for u in &out.unscanned {
        part.completeness.push_creating(
            eksdoctor_inventory::Scope::Root(ns.clone()),
            eksdoctor_inventory::GapKind::Unscanned,
            u.what.clone(),
            u.at.clone(),
            u.creates.clone(),
        );
    }
    map_resources(&out.resources, &ns, &mut part);
    part.errors.extend(out.errors);
    part.notes.extend(out.notes);
    RootOut {
        dir: rdir,
        part,
        writes,
        outputs: out.outputs,
        reads,
    }
}

/// The directories to evaluate only as modules of others: those some other scanned directory
/// calls, except that a group of directories that only call each other (a cycle no root
/// reaches) keeps one of them as a root, so that no scanned file vanishes from the scan (the
/// evaluator reports the cycle).
fn roots_of(calls: &[(PathBuf, Vec<PathBuf>)]) -> BTreeSet<PathBuf> {
    let mut called: BTreeSet<PathBuf> = calls.iter().flat_map(|(_, c)| c.iter().cloned()).collect();
    let edges: BTreeMap<&PathBuf, &Vec<PathBuf>> = calls.iter().map(|(d, c)| (d, c)).collect();
    loop {
        // Everything the roots reach, through the calls.
        let mut reached: BTreeSet<&PathBuf> = BTreeSet::new();
        let mut stack: Vec<&PathBuf> = calls
            .iter()
            .map(|(d, _)| d)
            .filter(|d| !called.contains(*d))
            .collect();
        while let Some(d) = stack.pop() {
            if reached.insert(d) {
                stack.extend(edges.get(d).into_iter().flat_map(|c| c.iter()));
            }
        }
        match calls.iter().map(|(d, _)| d).find(|d| !reached.contains(d)) {
            Some(orphan) => {
                called.remove(orphan);
            }
            None => return called,
        }
    }
}

/// The local module sources (`source = "./..."` or `"../..."`) written in a file.
fn local_sources(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix("source") else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        let src = &rest[..end];
        if src.starts_with("./") || src.starts_with("../") {
            out.push(src.to_string());
        }
    }
    out
}

/// Map resource instances (from HCL or a plan) into the inventory, Kubernetes objects included.
pub fn map_resources(res: &[Res], root: &str, inv: &mut Inventory) {
    let mut docs = eksdoctor_terraform::K8sDocs::default();
    eksdoctor_terraform::map(res, root, inv, &mut docs);
    for (at, message) in docs.unreadable {
        let note = Note {
            at,
            message: format!("{message}: the object is not read, and rules that look for an object (metrics-server, the EBS CSI driver) stay silent for its cluster"),
        };
        inv.completeness.push(
            eksdoctor_inventory::Scope::Unplaced,
            eksdoctor_inventory::GapKind::UnreadableObject,
            note.message.clone(),
            note.at.clone(),
        );
        inv.notes.push(note);
    }
    for (file, node) in docs.objects {
        let mut ctx = FileCtx::new(&file, SourceKind::Tf);
        manifests::read_object(&mut ctx, &node, inv);
        inv.errors.append(&mut ctx.errors);
    }
    for (at, text, heredoc) in docs.yaml {
        let (parsed, err) = yaml::parse(&text);
        let mut ctx = FileCtx::new(&at.file, SourceKind::Tf);
        // A heredoc's lines are the file's, from the line after the attribute; a body from a
        // string, `file()` or a template has no lines in this file: all of it is at the attribute.
        let line = |l: u32| if heredoc { at.line + l } else { at.line };
        for d in parsed {
            let mut root = d.root;
            relines(&mut root, &line);
            // Values Terraform knows only after apply are unknown nodes, not text.
            root.mark_unknown();
            if manifests::is_k8s_object(&root) {
                manifests::read_object(&mut ctx, &root, inv);
            }
        }
        if let Some(e) = err {
            inv.errors.push(InputError {
                file: at.file.clone(),
                line: Some(line(e.line)),
                message: format!(
                    "kubectl_manifest yaml_body is not valid YAML: {}",
                    e.message
                ),
            });
        }
        inv.errors.append(&mut ctx.errors);
    }
}

/// Every node's line, through `f`.
fn relines(n: &mut eksdoctor_inventory::Node, f: &impl Fn(u32) -> u32) {
    n.line = f(n.line);
    match &mut n.kind {
        eksdoctor_inventory::NodeKind::Seq(items) => items.iter_mut().for_each(|i| relines(i, f)),
        eksdoctor_inventory::NodeKind::Map(entries) => {
            entries.iter_mut().for_each(|(_, v)| relines(v, f))
        }
        _ => {}
    }
}
