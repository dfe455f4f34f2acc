//! The evaluator: a module instance evaluates its locals, variables, resources, data sources and
//! module calls lazily and once each, with cycle detection and limits, and records every resource
//! instance it meets as a `Res`.

mod expr;
mod files;
mod modules;
mod resources;
mod template;
mod tfvars;

use crate::funcs::{self, R};
use crate::models;
use crate::module::{load_dir, CallDef, ModuleDef, SrcFile};
use crate::res::{RBody, Res};
use crate::value::{display_key, key_value, value_key, Unk, V};
use eksdoctor_inventory::{InputError, Note, Prov};
use expr::*;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::Body;
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use resources::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use template::*;

/// Most instances a `count` or `for_each` may create.
pub const INSTANCE_LIMIT: usize = 10_000;

/// The deepest nesting of evaluation (expressions inside expressions, splats inside splats,
/// locals referring to locals): deeper input is an error at the expression, never a stack
/// overflow. Real configurations stay far below it.
pub const NESTING_LIMIT: u32 = 1_000;
/// Deepest module nesting followed.
pub const DEPTH_LIMIT: usize = 16;

/// Parsed module directories, shared by every root evaluation so nothing is parsed twice.
#[derive(Default)]
pub struct Loader {
    cache: Mutex<HashMap<PathBuf, Arc<ModuleDef>>>,
    /// Where a module directory's files may point besides the directory itself (a symbolic link
    /// out of both is not followed); `None`: only the directory itself.
    confinement: Option<eksdoctor_fs::Confinement>,
}

impl Loader {
    /// A loader whose module files must lie within `confinement`.
    pub fn confined(confinement: eksdoctor_fs::Confinement) -> Loader {
        Loader {
            confinement: Some(confinement),
            ..Loader::default()
        }
    }

    /// Keep the files of a module directory that may be read ([`Loader::readable`]); an input
    /// error for each of the others.
    pub fn retain_readable(&self, files: &mut Vec<PathBuf>) -> Vec<InputError> {
        let mut skipped = Vec::new();
        files.retain(|f| match self.readable(f) {
            Ok(()) => true,
            Err(message) => {
                skipped.push(InputError {
                    file: f.display().to_string().into(),
                    line: None,
                    message,
                });
                false
            }
        });
        skipped
    }

    /// Whether a file of a module directory may be read: a regular file (after symbolic links),
    /// inside its own directory or the confinement, never in a system directory; else why not.
    pub fn readable(&self, file: &Path) -> Result<(), String> {
        eksdoctor_fs::regular(file).map_err(|e| e.to_string())?;
        let dir = file.parent();
        match &self.confinement {
            Some(c) => c.check_within(file, dir).map(|_| ()),
            None => eksdoctor_fs::Confinement::default()
                .check_within(file, dir)
                .map(|_| ()),
        }
    }
    pub fn insert(&self, def: ModuleDef) -> Arc<ModuleDef> {
        let def = Arc::new(def);
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(def.dir.clone(), def.clone());
        def
    }

    /// Inline suppressions in every module parsed so far.
    pub fn suppressions(&self) -> Vec<eksdoctor_inventory::Suppression> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .values()
            .flat_map(|d| d.suppressions.iter().cloned())
            .collect()
    }

    /// Files of every module parsed so far.
    pub fn files(&self) -> Vec<Arc<str>> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<Arc<str>> = cache
            .values()
            .flat_map(|d| d.files.iter().cloned())
            .collect();
        out.sort();
        out
    }

    /// Forget a module (a root module once evaluated: no other module calls it).
    pub fn forget(&self, dir: &Path) {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(dir);
    }

    /// A module directory, parsed on first use (every `.tf` file in it).
    pub fn get(&self, dir: &Path) -> Arc<ModuleDef> {
        if let Some(d) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(dir)
        {
            return d.clone();
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        let n = p.to_string_lossy();
                        n.ends_with(".tf") || n.ends_with(".tf.json")
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let skipped = self.retain_readable(&mut files);
        let mut def = load_dir(dir, &files);
        def.errors.extend(skipped);
        if files.is_empty() {
            def.errors.push(InputError {
                file: dir.display().to_string().into(),
                line: None,
                message: "module directory has no .tf files (or cannot be read)".into(),
            });
        }
        self.insert(def)
    }
}

/// Values given on the command line for root modules.
#[derive(Debug, Clone, Default)]
pub struct TfOptions {
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
    /// Where paths the code names (`file()`, `templatefile()`, `fileset()`, local module
    /// sources, symbolic links in a module directory) may point.
    pub confinement: eksdoctor_fs::Confinement,
}

/// A part of a root module whose resources the scan cannot see.
#[derive(Debug, Clone)]
pub struct Unscanned {
    pub at: Prov,
    /// What it is and why it is not seen.
    pub what: String,
    /// The resource types it may create, when known; `None`: anything.
    pub creates: Option<Vec<String>>,
}

impl Unscanned {
    pub fn new(at: Prov, what: impl Into<String>, creates: Option<Vec<String>>) -> Unscanned {
        Unscanned {
            at,
            what: what.into(),
            creates,
        }
    }
}

/// What one root module evaluation produced.
pub struct Output {
    pub resources: Vec<Res>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
    /// Module calls (or resources) whose resources could not be scanned.
    pub unscanned: Vec<Unscanned>,
    /// The root module's outputs (an object), as another root's `terraform_remote_state`
    /// reads them.
    pub outputs: V,
}

pub struct Env<'a> {
    loader: &'a Loader,
    root_dir: PathBuf,
    modules_json: HashMap<String, PathBuf>,
    errors: RefCell<Vec<InputError>>,
    notes: RefCell<Vec<Note>>,
    out: RefCell<Vec<Res>>,
    unscanned: RefCell<Vec<Unscanned>>,
    steps: Cell<u64>,
    reported: RefCell<HashSet<(Arc<str>, u32, String)>>,
    confinement: eksdoctor_fs::Confinement,
    /// The process's limits, read once per root module (not at every step).
    limits: eksdoctor_fs::Limits,
    /// The attribute being evaluated (for notes from inside expressions).
    current: RefCell<Option<Prov>>,
    /// Inside a `templatefile` call (which may not call itself).
    in_template: Cell<bool>,
    /// How deep evaluation is nested now.
    nesting: Cell<u32>,
    /// Resource, data source and `dynamic` block instances created so far.
    instances: Cell<usize>,
    /// The outputs other scanned roots give this root's `data "terraform_remote_state"`
    /// sources, by the data source's name.
    remote: &'a HashMap<String, V>,
}

impl Env<'_> {
    fn error(&self, at: &Prov, message: String) {
        // A limit of the whole root module is reported once, where it was first passed.
        let key = if message.contains("in this root module") {
            (Arc::from(""), 0, message.clone())
        } else {
            (at.file.clone(), at.line, message.clone())
        };
        if self.reported.borrow_mut().insert(key) {
            self.errors.borrow_mut().push(InputError {
                file: at.file.clone(),
                line: Some(at.line),
                message,
            });
        }
    }

    fn note(&self, at: &Prov, message: String) {
        if self
            .reported
            .borrow_mut()
            .insert((at.file.clone(), at.line, message.clone()))
        {
            self.notes.borrow_mut().push(Note {
                at: at.clone(),
                message,
            });
        }
    }
}

/// Evaluate a root module and everything it calls.
pub fn eval_root(
    loader: &Loader,
    root: Arc<ModuleDef>,
    opts: &TfOptions,
    remote: &HashMap<String, V>,
) -> Output {
    let confinement = if opts.confinement.roots().is_empty() {
        eksdoctor_fs::Confinement::for_scan(std::slice::from_ref(&root.dir), &[])
    } else {
        opts.confinement.clone()
    };
    let (modules_json, modules_json_problem) = read_modules_json(&root.dir, &confinement);
    let env = Env {
        loader,
        root_dir: root.dir.clone(),
        modules_json,
        errors: RefCell::new(Vec::new()),
        notes: RefCell::new(Vec::new()),
        out: RefCell::new(Vec::new()),
        unscanned: RefCell::new(Vec::new()),
        steps: Cell::new(0),
        reported: RefCell::new(HashSet::new()),
        confinement,
        limits: eksdoctor_fs::limits::get(),
        current: RefCell::new(None),
        in_template: Cell::new(false),
        nesting: Cell::new(0),
        instances: Cell::new(0),
        remote,
    };
    if let Some(why) = modules_json_problem {
        let file: Arc<str> = root
            .dir
            .join(".terraform/modules/modules.json")
            .display()
            .to_string()
            .into();
        env.note(
            &Prov::new(&file, 1, eksdoctor_inventory::SourceKind::Tf),
            format!("not read: {why}; modules installed by `terraform init` are not scanned"),
        );
    }
    let mut inputs = HashMap::new();
    // terraform.tfvars, *.auto.tfvars, then --var-file, then --var (later wins, as in Terraform).
    let mut var_bodies: Vec<(Arc<SrcFile>, Body)> = root.tfvars.clone();
    for f in &opts.var_files {
        match crate::module::parse_tfvars(f) {
            Ok(p) => var_bodies.push(p),
            Err(e) => env.errors.borrow_mut().push(e),
        }
    }
    let inst = Inst::new(
        &env,
        root.clone(),
        String::new(),
        String::new(),
        HashMap::new(),
        0,
    );
    for (src, body) in &var_bodies {
        for a in body.attributes() {
            let at = src.prov(a.span());
            if let Some((message, span)) = tfvars::not_literal(&a.value) {
                env.error(&src.prov(span.or(a.span())), message);
                continue;
            }
            let v = inst.eval_at(&a.value, &[], &at);
            inputs.insert(a.key.as_str().to_string(), v);
        }
    }
    for (k, raw) in &opts.vars {
        // As Terraform parses `-var`: literally for undeclared, untyped and primitive-typed
        // variables (`k8s=1.30` stays "1.30"), as an HCL expression otherwise.
        let literal = root.variables.get(k).is_none_or(|d| d.literal);
        let v = match hcl_edit::parser::parse_expr(raw) {
            _ if literal => V::str(raw.as_str()),
            Ok(
                e @ (Expression::Array(_)
                | Expression::Object(_)
                | Expression::Number(_)
                | Expression::Bool(_)
                | Expression::Null(_)),
            ) if tfvars::not_literal(&e).is_none() => {
                inst.ev(&e, &[]).unwrap_or_else(|_| V::str(raw.as_str()))
            }
            // Function calls and variables are not evaluated in `-var` either (Terraform
            // refuses them): the text is taken as it is.
            _ => V::str(raw.as_str()),
        };
        inputs.insert(k.clone(), v);
    }
    *inst.inputs.borrow_mut() = inputs;
    inst.eval_all();
    let outputs = inst
        .all_outputs()
        .unwrap_or_else(|e| V::unknown(format!("the root module's outputs: {e}")));
    drop(inst);
    Output {
        resources: env.out.into_inner(),
        errors: env.errors.into_inner(),
        notes: env.notes.into_inner(),
        unscanned: env.unscanned.into_inner(),
        outputs,
    }
}

/// The module directories `terraform init` recorded for a root module, by module key; and why
/// the record could not be read, when it exists but may not be read (a FIFO, a link out of the
/// scanned trees, too large, not JSON).
fn read_modules_json(
    root: &Path,
    confinement: &eksdoctor_fs::Confinement,
) -> (HashMap<String, PathBuf>, Option<String>) {
    let mut map = HashMap::new();
    let p = root.join(".terraform/modules/modules.json");
    if std::fs::symlink_metadata(&p).is_err() {
        return (map, None);
    }
    let text = match confinement
        .check_within(&p, Some(root))
        .and_then(|c| eksdoctor_fs::read_text(&c).map_err(|e| e.to_string()))
    {
        Ok(t) => t,
        Err(why) => return (map, Some(format!("{} {why}", p.display()))),
    };
    let Ok(j) = serde_json::from_str::<serde_json::Value>(&text) else {
        return (map, Some(format!("{} is not JSON", p.display())));
    };
    for m in j
        .get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
    {
        if let (Some(k), Some(d)) = (
            m.get("Key").and_then(|v| v.as_str()),
            m.get("Dir").and_then(|v| v.as_str()),
        ) {
            if !k.is_empty() {
                map.insert(k.to_string(), normalize(&root.join(d)));
            }
        }
    }
    (map, None)
}

pub use eksdoctor_inventory::paths::normalize;

type Scope = [(String, V)];

enum Child<'a> {
    One(Box<Inst<'a>>),
    Many(Vec<(V, Inst<'a>)>, bool),
    Value(V),
}

struct Inst<'a> {
    env: &'a Env<'a>,
    m: Arc<ModuleDef>,
    /// Address prefix of this instance (`module.eks.`), empty at the root.
    prefix: String,
    /// modules.json key (`eks`, `eks.node_group`), empty at the root.
    key: String,
    inputs: RefCell<HashMap<String, V>>,
    cache: RefCell<HashMap<String, V>>,
    busy: RefCell<HashSet<String>>,
    children: RefCell<HashMap<String, Rc<Child<'a>>>>,
    depth: usize,
    /// The directories of the modules above this one, the root module's first.
    lineage: Vec<PathBuf>,
}

/// An unknown derived from `u` (an element of it, an attribute of that): it keeps the resource it
/// comes from (`aws_eks_cluster.this.identity[0].oidc[0].issuer` is still that cluster's), not
/// the attribute.
fn unk_from(u: &Unk) -> V {
    V::Unknown(Arc::new(Unk {
        addr: u.addr.clone(),
        ..Unk::because(u.reason.clone())
    }))
}
impl<'a> Inst<'a> {
    fn new(
        env: &'a Env<'a>,
        m: Arc<ModuleDef>,
        prefix: String,
        key: String,
        inputs: HashMap<String, V>,
        depth: usize,
    ) -> Inst<'a> {
        Inst {
            env,
            m,
            prefix,
            key,
            inputs: RefCell::new(inputs),
            cache: RefCell::new(HashMap::new()),
            busy: RefCell::new(HashSet::new()),
            children: RefCell::new(HashMap::new()),
            depth,
            lineage: Vec::new(),
        }
    }

    fn is_root(&self) -> bool {
        self.prefix.is_empty()
    }

    /// Evaluate everything this module instance declares.
    fn eval_all(&self) {
        for i in 0..self.m.resources.len() {
            let d = &self.m.resources[i];
            if let Err(e) = self.resource(i) {
                self.report(&d.at.clone(), e);
            }
        }
        let names: Vec<String> = self.m.calls.keys().cloned().collect();
        for n in names {
            match self.child(&n) {
                Ok(c) => match &*c {
                    Child::One(i) => i.eval_all(),
                    Child::Many(v, _) => v.iter().for_each(|(_, i)| i.eval_all()),
                    Child::Value(_) => {}
                },
                Err(e) => {
                    let at = self.m.calls[&n].at.clone();
                    self.env.unscanned.borrow_mut().push(Unscanned::new(
                        at.clone(),
                        format!("module.{n} could not be evaluated"),
                        None,
                    ));
                    self.report(&at, e);
                }
            }
        }
    }

    fn report(&self, at: &Prov, e: String) {
        if e.contains("not supported") {
            self.env.note(at, format!("not evaluated: {e}"));
        } else {
            self.env.error(at, e);
        }
    }

    /// Evaluate an expression for an attribute; errors are reported at `at` and give an unknown.
    fn eval_at(&self, e: &Expression, sc: &Scope, at: &Prov) -> V {
        let outer = self.env.current.replace(Some(at.clone()));
        let r = self.ev(e, sc);
        *self.env.current.borrow_mut() = outer;
        match r {
            Ok(v) => v,
            Err(msg) => {
                self.report(at, msg.clone());
                V::unknown(format!("could not be evaluated: {msg}"))
            }
        }
    }

    fn guard<T>(&self, key: &str, f: impl FnOnce() -> R<T>) -> R<T> {
        if !self.busy.borrow_mut().insert(key.to_string()) {
            return Err(format!("cycle: {key} depends on itself"));
        }
        let r = f();
        self.busy.borrow_mut().remove(key);
        r
    }

    fn memo(&self, key: &str, f: impl FnOnce() -> R<V>) -> R<V> {
        if let Some(v) = self.cache.borrow().get(key) {
            return Ok(v.clone());
        }
        let v = self.guard(key, f)?;
        self.cache.borrow_mut().insert(key.to_string(), v.clone());
        Ok(v)
    }

    fn var(&self, name: &str) -> R<V> {
        let v = self.var_value(name)?;
        Ok(match self.m.variables.get(name) {
            Some(def) if def.sensitive => {
                V::sensitive(v, format!("var.{name} is sensitive: not read"))
            }
            _ => v,
        })
    }

    fn var_value(&self, name: &str) -> R<V> {
        let Some(def) = self.m.variables.get(name) else {
            return Err(format!("reference to undeclared input variable \"{name}\""));
        };
        // The value, converted to the variable's type (optional() attributes filled in).
        let typed =
            |v: V| crate::types::convert(&def.ty, v, &|e: &Expression| self.ev(e, &[]).ok());
        let given = self.inputs.borrow().get(name).cloned();
        if let Some(v) = given {
            if !(v.is_null() && (!def.nullable || def.default.is_some())) || def.default.is_none() {
                return Ok(typed(v));
            }
        }
        if let Some(d) = &def.default {
            return self.memo(&format!("var.{name}"), || Ok(typed(self.ev(&d.expr, &[])?)));
        }
        Ok(V::unknown(if self.is_root() {
            format!("var.{name} has no value here (no default; not set in a tfvars file, --var-file or --var)")
        } else {
            format!(
                "var.{name} is not passed to {}",
                self.prefix.trim_end_matches('.')
            )
        }))
    }

    fn local(&self, name: &str) -> R<V> {
        let Some(item) = self.m.locals.get(name) else {
            return Err(format!("reference to undeclared local value \"{name}\""));
        };
        let key = format!("local.{name}");
        if let Some(v) = self.cache.borrow().get(&key) {
            return Ok(v.clone());
        }
        let r = self.guard(&key, || Ok(self.eval_at(&item.expr, &[], &item.at)))?;
        self.cache.borrow_mut().insert(key, r.clone());
        Ok(r)
    }

    /// Run `f` one level deeper; an error past [`NESTING_LIMIT`].
    fn nested<T>(&self, f: impl FnOnce() -> R<T>) -> R<T> {
        let d = self.env.nesting.get();
        if d >= NESTING_LIMIT {
            return Err(format!(
                "evaluation stopped: expressions nested more than {NESTING_LIMIT} levels deep"
            ));
        }
        self.env.nesting.set(d + 1);
        let r = f();
        self.env.nesting.set(d);
        r
    }

    /// Count `n` more instances; an error past the root module's limit (all its modules together:
    /// a `count` inside a `count`ed module multiplies; `eksdoctor_fs::Limits::instances`).
    fn count_instances(&self, n: usize) -> R<()> {
        let total = self.env.instances.get().saturating_add(n);
        self.env.instances.set(total);
        let limit = self.env.limits.instances;
        if total as u64 > limit {
            return Err(format!(
                "more than {limit} resource and block instances in this root module (eksdoctor's limit, `[limits] instances`; `count` and `for_each` multiply across module levels)"
            ));
        }
        Ok(())
    }

    fn step(&self) -> R<()> {
        let s = self.env.steps.get() + 1;
        self.env.steps.set(s);
        let limit = self.env.limits.eval_steps;
        if s > limit {
            return Err(format!(
                "evaluation stopped: more than {limit} steps in this root module (eksdoctor's limit, `[limits] eval_steps`)"
            ));
        }
        Ok(())
    }
}

/// Evaluate one expression with no module around it (for tests and `eksdoctor` tooling).
pub fn eval_expr(text: &str) -> Result<V, String> {
    let expr = hcl_edit::parser::parse_expr(text).map_err(|e| e.message().to_string())?;
    let loader = Loader::default();
    let remote = HashMap::new();
    let env = Env {
        loader: &loader,
        root_dir: PathBuf::from("."),
        modules_json: HashMap::new(),
        errors: RefCell::new(Vec::new()),
        notes: RefCell::new(Vec::new()),
        out: RefCell::new(Vec::new()),
        unscanned: RefCell::new(Vec::new()),
        steps: Cell::new(0),
        reported: RefCell::new(HashSet::new()),
        confinement: eksdoctor_fs::Confinement::default(),
        limits: eksdoctor_fs::limits::get(),
        current: RefCell::new(None),
        in_template: Cell::new(false),
        nesting: Cell::new(0),
        instances: Cell::new(0),
        remote: &remote,
    };
    let inst = Inst::new(
        &env,
        Arc::new(ModuleDef::default()),
        String::new(),
        String::new(),
        HashMap::new(),
        0,
    );
    inst.ev(&expr, &[])
}

#[cfg(test)]
mod tests;
