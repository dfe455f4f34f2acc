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

pub fn load(paths: &[PathBuf], opts: &TfOptions) -> Inventory {
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
    // A file named alone stands for its whole directory, as Terraform reads directories.
    for (dir, files) in dirs.iter_mut() {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                let n = p.file_name().and_then(|f| f.to_str()).unwrap_or("");
                if (n.ends_with(".tf") || n == "terraform.tfvars" || n.ends_with(".auto.tfvars"))
                    && !files.iter().any(|f| f.file_name() == p.file_name())
                {
                    files.push(p);
                }
            }
        }
        files.sort();
    }
    let loader = Loader::default();
    let defs: Vec<_> = dirs
        .par_iter()
        .filter(|(_, files)| {
            files
                .iter()
                .any(|f| f.extension().is_some_and(|e| e == "tf"))
        })
        .map(|(dir, files)| module::load_dir(dir, files))
        .collect();
    // Local module calls between scanned directories decide the roots.
    let mut called: BTreeSet<PathBuf> = BTreeSet::new();
    for d in &defs {
        for c in d.calls.values() {
            if let Some(src) = &c.source {
                if src.starts_with("./") || src.starts_with("../") {
                    called.insert(eval::normalize(&d.dir.join(src)));
                }
            }
        }
    }
    let mut inv = Inventory::default();
    let mut roots = Vec::new();
    for d in defs {
        for f in &d.files {
            inv.files.push(ScannedFile {
                file: f.clone(),
                source: Some(SourceKind::Tf),
            });
        }
        inv.errors.extend(d.errors.iter().cloned());
        for (f, why) in &d.skipped {
            inv.notes.push(Note {
                at: eksdoctor_inventory::Prov::new(f, 1, SourceKind::Tf),
                message: format!("skipped: {why}"),
            });
        }
        let is_root = !called.contains(&d.dir);
        let def = loader.insert(d);
        if is_root {
            roots.push(def);
        }
    }
    let outs: Vec<Inventory> = roots
        .par_iter()
        .map(|root| {
            let out = eval::eval_root(&loader, root.clone(), opts);
            let mut part = Inventory::default();
            let ns = format!("{}{}", root.dir.display(), eksdoctor_inventory::NS_SEP);
            map_resources(&out.resources, &out.none_created, &ns, &mut part);
            part.errors.extend(out.errors);
            part.notes.extend(out.notes);
            part
        })
        .collect();
    for o in outs {
        crate::merge(&mut inv, o);
    }
    // The same module's parse errors may be reported once per caller: keep one.
    let mut seen = BTreeSet::new();
    inv.errors
        .retain(|e: &InputError| seen.insert((e.file.clone(), e.line, e.message.clone())));
    inv
}

/// Map resource instances (from HCL or a plan) into the inventory, Kubernetes objects included.
pub fn map_resources(res: &[Res], none_created: &BTreeSet<String>, ns: &str, inv: &mut Inventory) {
    let mut docs = eksdoctor_terraform::K8sDocs::default();
    eksdoctor_terraform::map(res, none_created, ns, inv, &mut docs);
    for (file, node) in docs.objects {
        let mut ctx = FileCtx::new(&file, SourceKind::Tf);
        manifests::read_object(&mut ctx, &node, inv);
        inv.errors.append(&mut ctx.errors);
    }
    for (at, text) in docs.yaml {
        let (parsed, err) = yaml::parse(&text);
        let mut ctx = FileCtx::new(&at.file, SourceKind::Tf);
        let offset = at.line.saturating_sub(1);
        for d in parsed {
            let mut root = d.root;
            shift_lines(&mut root, offset);
            if manifests::is_k8s_object(&root) {
                manifests::read_object(&mut ctx, &root, inv);
            }
        }
        if let Some(e) = err {
            inv.errors.push(InputError {
                file: at.file.clone(),
                line: Some(offset + e.line),
                message: format!(
                    "kubectl_manifest yaml_body is not valid YAML: {}",
                    e.message
                ),
            });
        }
        inv.errors.append(&mut ctx.errors);
    }
}

fn shift_lines(n: &mut eksdoctor_inventory::Node, by: u32) {
    n.line += by;
    match &mut n.kind {
        eksdoctor_inventory::NodeKind::Seq(items) => {
            items.iter_mut().for_each(|i| shift_lines(i, by))
        }
        eksdoctor_inventory::NodeKind::Map(entries) => {
            entries.iter_mut().for_each(|(_, v)| shift_lines(v, by))
        }
        _ => {}
    }
}
