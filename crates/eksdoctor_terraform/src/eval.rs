//! The evaluator: a module instance evaluates its locals, variables, resources, data sources and
//! module calls lazily and once each, with cycle detection and limits, and records every resource
//! instance it meets as a `Res`.

use crate::funcs::{self, visible, R};
use crate::models;
use crate::module::{load_dir, CallDef, ModuleDef, SrcFile};
use crate::res::{RBody, Res};
use crate::value::{display_key, key_value, value_key, Unk, V};
use eksdoctor_inventory::{InputError, Note, Prov};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::Body;
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// Most instances a `count` or `for_each` may create.
pub const INSTANCE_LIMIT: usize = 10_000;
/// Most expression steps one root module may take.
pub const STEP_LIMIT: u64 = 20_000_000;
/// Deepest module nesting followed.
pub const DEPTH_LIMIT: usize = 16;

/// Parsed module directories, shared by every root evaluation so nothing is parsed twice.
#[derive(Default)]
pub struct Loader {
    cache: Mutex<HashMap<PathBuf, Arc<ModuleDef>>>,
}

impl Loader {
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
        let mut def = load_dir(dir, &files);
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
}

/// What one root module evaluation produced.
pub struct Output {
    pub resources: Vec<Res>,
    /// Resource types declared but created zero times (`count = 0`, an empty `for_each`).
    pub none_created: std::collections::BTreeSet<String>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
    /// Module calls whose resources could not be scanned: where, and why.
    pub unscanned: Vec<(Prov, String)>,
}

pub struct Env<'a> {
    loader: &'a Loader,
    root_dir: PathBuf,
    modules_json: HashMap<String, PathBuf>,
    errors: RefCell<Vec<InputError>>,
    notes: RefCell<Vec<Note>>,
    out: RefCell<Vec<Res>>,
    none_created: RefCell<std::collections::BTreeSet<String>>,
    unscanned: RefCell<Vec<(Prov, String)>>,
    steps: Cell<u64>,
    reported: RefCell<HashSet<(Arc<str>, u32, String)>>,
}

impl Env<'_> {
    fn error(&self, at: &Prov, message: String) {
        if self
            .reported
            .borrow_mut()
            .insert((at.file.clone(), at.line, message.clone()))
        {
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
pub fn eval_root(loader: &Loader, root: Arc<ModuleDef>, opts: &TfOptions) -> Output {
    let modules_json = read_modules_json(&root.dir);
    let env = Env {
        loader,
        root_dir: root.dir.clone(),
        modules_json,
        errors: RefCell::new(Vec::new()),
        notes: RefCell::new(Vec::new()),
        out: RefCell::new(Vec::new()),
        none_created: RefCell::new(std::collections::BTreeSet::new()),
        unscanned: RefCell::new(Vec::new()),
        steps: Cell::new(0),
        reported: RefCell::new(HashSet::new()),
    };
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
            ) => inst.ev(&e, &[]).unwrap_or_else(|_| V::str(raw.as_str())),
            _ => V::str(raw.as_str()),
        };
        inputs.insert(k.clone(), v);
    }
    *inst.inputs.borrow_mut() = inputs;
    inst.eval_all();
    drop(inst);
    Output {
        resources: env.out.into_inner(),
        none_created: env.none_created.into_inner(),
        errors: env.errors.into_inner(),
        notes: env.notes.into_inner(),
        unscanned: env.unscanned.into_inner(),
    }
}

fn read_modules_json(root: &Path) -> HashMap<String, PathBuf> {
    let mut map = HashMap::new();
    let p = root.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(&p) else {
        return map;
    };
    let Ok(j) = serde_json::from_str::<serde_json::Value>(&text) else {
        return map;
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
    map
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
}

fn unk_from(u: &Unk) -> V {
    V::Unknown(Arc::new(Unk::because(u.reason.clone())))
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
                    self.env
                        .unscanned
                        .borrow_mut()
                        .push((at.clone(), format!("module.{n} could not be evaluated")));
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
        match self.ev(e, sc) {
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

    fn step(&self) -> R<()> {
        let s = self.env.steps.get() + 1;
        self.env.steps.set(s);
        if s > STEP_LIMIT {
            return Err(format!(
                "evaluation stopped: more than {STEP_LIMIT} steps in this root module"
            ));
        }
        Ok(())
    }

    pub fn ev(&self, e: &Expression, sc: &Scope) -> R<V> {
        self.step()?;
        Ok(match e {
            Expression::Null(_) => V::Null,
            Expression::Bool(b) => V::Bool(*b.value()),
            Expression::Number(n) => V::Num(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => V::str(s.value().as_str()),
            Expression::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for x in a.iter() {
                    out.push(self.ev(x, sc)?);
                }
                V::list(out)
            }
            Expression::Object(o) => {
                let mut m = BTreeMap::new();
                let mut partial: Option<Unk> = None;
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(ke) => match self.ev(ke, sc)? {
                            V::Str(s) => s.to_string(),
                            V::Num(n) => crate::value::fmt_num(n),
                            V::Bool(b) => b.to_string(),
                            V::Unknown(u) if u.elem.is_some() => {
                                value_key(&V::Unknown(u.clone())).unwrap_or_default()
                            }
                            V::Unknown(u) => {
                                let pat = u.pattern.clone().unwrap_or_else(|| "*".into());
                                partial.get_or_insert_with(|| (*u).clone());
                                pat
                            }
                            other => {
                                return Err(format!(
                                    "object key must be a string, got {}",
                                    other.type_name()
                                ))
                            }
                        },
                    };
                    m.insert(key, self.ev(v.expr(), sc)?);
                }
                match partial {
                    // A key only known after apply: the object is unknown to Terraform. Its shape
                    // (with `*` in the key) is kept in `pattern`-free form for policy analysis.
                    Some(u) => V::Unknown(Arc::new(Unk {
                        partial: Some(V::obj(m)),
                        ..Unk::because(u.reason)
                    })),
                    None => V::obj(m),
                }
            }
            Expression::StringTemplate(t) => self.template_elements(t.iter(), sc)?,
            // `<<-` heredocs come dedented from the parser.
            Expression::HeredocTemplate(h) => self.template(&h.template, sc)?,
            Expression::Parenthesis(p) => self.ev(p.inner(), sc)?,
            Expression::Variable(v) => self.root_name(v.as_str(), sc)?,
            Expression::Conditional(c) => {
                let cond = self.ev(&c.cond_expr, sc)?;
                match cond {
                    V::Unknown(u) => {
                        let t = self.ev(&c.true_expr, sc);
                        let f = self.ev(&c.false_expr, sc);
                        match (t, f) {
                            (Ok(t), Ok(f)) if t == f && !t.has_unknown() => t,
                            _ => unk_from(&u),
                        }
                    }
                    _ => match cond.as_bool() {
                        Some(true) => self.ev(&c.true_expr, sc)?,
                        Some(false) => self.ev(&c.false_expr, sc)?,
                        None => {
                            return Err(format!(
                                "condition must be a bool, got {}",
                                cond.type_name()
                            ))
                        }
                    },
                }
            }
            Expression::FuncCall(f) => self.call(f, sc)?,
            Expression::Traversal(t) => self.traversal(t, sc)?,
            Expression::UnaryOp(u) => {
                let v = self.ev(&u.expr, sc)?;
                if let V::Unknown(_) = v {
                    return Ok(v);
                }
                match u.operator.value() {
                    hcl_edit::expr::UnaryOperator::Neg => {
                        V::Num(-v.as_num().ok_or("unary minus needs a number")?)
                    }
                    hcl_edit::expr::UnaryOperator::Not => {
                        V::Bool(!v.as_bool().ok_or("! needs a bool")?)
                    }
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.ev(&b.lhs_expr, sc)?;
                let r = self.ev(&b.rhs_expr, sc)?;
                binop(*b.operator.value(), l, r)?
            }
            Expression::ForExpr(f) => self.for_expr(f, sc)?,
        })
    }

    fn template(&self, t: &Template, sc: &Scope) -> R<V> {
        self.template_elements(t.iter(), sc)
    }

    fn template_elements<'e>(
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

    fn template_into<'e>(
        &self,
        elements: impl Iterator<Item = &'e Element>,
        sc: &Scope,
        out: &mut TplOut,
        unknown: &mut Option<Unk>,
    ) -> R<()> {
        for el in elements {
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
        Ok(())
    }

    fn interpolate(
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
    fn directive(
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

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, sc: &Scope) -> R<V> {
        let coll = self.ev(&f.intro.collection_expr, sc)?;
        let Some(pairs) = iter_pairs(&coll) else {
            return match coll {
                V::Unknown(u) => Ok(unk_from(&u)),
                V::Null => Err("for expression over a null value".into()),
                v => Err(format!("cannot iterate over a {}", v.type_name())),
            };
        };
        let mut list = Vec::new();
        let mut obj: BTreeMap<String, V> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<V>> = BTreeMap::new();
        for (k, v) in pairs {
            let mut s = sc.to_vec();
            if let Some(kv) = &f.intro.key_var {
                s.push((kv.as_str().to_string(), k));
            }
            s.push((f.intro.value_var.as_str().to_string(), v));
            if let Some(c) = &f.cond {
                match self.ev(&c.expr, &s)? {
                    V::Unknown(u) => return Ok(unk_from(&u)),
                    c => {
                        if !c.as_bool().ok_or("for condition must be a bool")? {
                            continue;
                        }
                    }
                }
            }
            let val = self.ev(&f.value_expr, &s)?;
            match &f.key_expr {
                None => list.push(val),
                Some(ke) => {
                    let key = match self.ev(ke, &s)? {
                        k @ V::Unknown(_) => match value_key(&k) {
                            Some(key) => key,
                            None => return Ok(unk_from(k.unk().expect("unknown"))),
                        },
                        k => k.to_template_string().ok_or("for key must be a string")?,
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(val);
                    } else if obj.insert(key.clone(), val).is_some() {
                        return Err(format!(
                            "duplicate object key \"{key}\" in for expression (use ... to group)"
                        ));
                    }
                }
            }
        }
        Ok(match &f.key_expr {
            None => V::list(list),
            Some(_) if f.grouping => {
                V::obj(groups.into_iter().map(|(k, v)| (k, V::list(v))).collect())
            }
            Some(_) => V::obj(obj),
        })
    }

    fn call(&self, f: &hcl_edit::expr::FuncCall, sc: &Scope) -> R<V> {
        let name = f.name.name.as_str();
        if f.name.is_namespaced() {
            return Err(format!("provider function {name}() is not supported"));
        }
        let args_exprs: Vec<&Expression> = f.args.iter().collect();
        match name {
            "try" => {
                let mut last = String::from("try: no arguments");
                for e in &args_exprs {
                    match self.ev(e, sc) {
                        Ok(v) => return Ok(v),
                        Err(m) => last = m,
                    }
                }
                return Err(format!("try: no argument could be evaluated ({last})"));
            }
            "can" => {
                let e = args_exprs.first().ok_or("can takes one argument")?;
                return Ok(match self.ev(e, sc) {
                    Ok(V::Unknown(u)) => unk_from(&u),
                    Ok(_) => V::Bool(true),
                    Err(_) => V::Bool(false),
                });
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(args_exprs.len());
        for e in &args_exprs {
            args.push(self.ev(e, sc)?);
        }
        if f.args.expand_final() {
            match args.pop() {
                Some(V::List(l)) => args.extend(l.iter().cloned()),
                Some(V::Unknown(u)) => return Ok(unk_from(&u)),
                _ => return Err(format!("{name}: the final ... argument must be a list")),
            }
        }
        match name {
            "file" | "templatefile" | "fileexists" | "filebase64" => {
                if let Some(u) = args.iter().find_map(V::unk) {
                    return Ok(unk_from(u));
                }
                let p = args.first().and_then(V::as_str).ok_or("expected a path")?;
                let path = self.resolve_path(p);
                if name == "fileexists" {
                    return Ok(V::Bool(path.is_file()));
                }
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{name}: cannot read {}: {e}", path.display()))?;
                match name {
                    "file" => Ok(V::str(text)),
                    "filebase64" => Err("filebase64 is not supported".into()),
                    _ => {
                        let tpl = hcl_edit::parser::parse_template(&text).map_err(|e| {
                            format!("templatefile {}: {}", path.display(), e.message())
                        })?;
                        let vars: Vec<(String, V)> = match args.get(1) {
                            Some(V::Obj(m)) => {
                                visible(m).map(|(k, v)| (k.clone(), v.clone())).collect()
                            }
                            Some(V::Null) | None => Vec::new(),
                            Some(_) => {
                                return Err("templatefile: variables must be an object".into())
                            }
                        };
                        self.template(&tpl, &vars)
                    }
                }
            }
            "fileset" => {
                if let Some(u) = args.iter().find_map(V::unk) {
                    return Ok(unk_from(u));
                }
                let (Some(dir), Some(pattern)) = (
                    args.first().and_then(V::as_str),
                    args.get(1).and_then(V::as_str),
                ) else {
                    return Err("fileset: expected a path and a pattern".into());
                };
                let found = fileset(&self.resolve_path(dir), pattern)?;
                Ok(V::list(found.into_iter().map(V::str).collect()))
            }
            "abspath" => Ok(args.into_iter().next().unwrap_or(V::Null)),
            "basename" | "dirname" => {
                let p = args.first().and_then(V::as_str).ok_or("expected a path")?;
                let pb = Path::new(p);
                Ok(V::str(if name == "basename" {
                    pb.file_name()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default()
                } else {
                    pb.parent()
                        .map(|s| s.display().to_string())
                        .unwrap_or_else(|| ".".into())
                }))
            }
            _ => funcs::call(name, args),
        }
    }

    /// `documents` of `data "kubectl_file_documents"` (its `content`) or `data
    /// "kubectl_path_documents"` (the files its `pattern` matches, in path order; only without
    /// `vars`, which the provider substitutes its own way): each YAML document as a string.
    fn kubectl_documents(&self, rtype: &str, body: &RBody) -> Option<V> {
        let texts: Vec<String> = if rtype == "kubectl_file_documents" {
            vec![body.get("content")?.as_str()?.to_string()]
        } else {
            let has_vars = |k: &str| {
                body.get(k).is_some_and(|v| {
                    !matches!(v, V::Null) && v.as_obj().is_none_or(|m| !m.is_empty())
                })
            };
            if has_vars("vars") || has_vars("sensitive_vars") {
                return None;
            }
            let pattern = body.get("pattern")?.as_str()?;
            // A glob in the file name only (`manifests/*.yaml`); the provider's Go glob has no
            // `**`, and wildcards in directories are left unknown here.
            let path = self.resolve_path(pattern);
            let dir = path.parent()?.to_path_buf();
            if dir.to_string_lossy().contains(['*', '?', '[']) {
                return None;
            }
            let glob = path.file_name()?.to_string_lossy().to_string();
            fileset(&dir, &glob)
                .ok()?
                .iter()
                .map(|f| std::fs::read_to_string(dir.join(f)).ok())
                .collect::<Option<Vec<String>>>()?
        };
        Some(V::list(
            texts
                .iter()
                .flat_map(|t| split_yaml_documents(t))
                .map(V::str)
                .collect(),
        ))
    }

    /// Terraform reads relative paths from the root module's directory; `path.module` and
    /// `path.root` are given here as the scan sees them (relative to where eksdoctor runs), so a
    /// path that does not exist below the root module is taken as it is.
    fn resolve_path(&self, p: &str) -> PathBuf {
        let pb = PathBuf::from(p);
        if pb.is_absolute() {
            return pb;
        }
        let under_root = self.env.root_dir.join(&pb);
        if under_root.exists() || !pb.exists() {
            under_root
        } else {
            pb
        }
    }

    fn root_name(&self, name: &str, sc: &Scope) -> R<V> {
        if let Some((_, v)) = sc.iter().rev().find(|(n, _)| n == name) {
            return Ok(v.clone());
        }
        Err(format!("unknown name \"{name}\""))
    }

    fn traversal(&self, t: &hcl_edit::expr::Traversal, sc: &Scope) -> R<V> {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let (base, used) = match &t.expr {
            Expression::Variable(v) => self.resolve_root(v.as_str(), &ops, sc)?,
            e => (self.ev(e, sc)?, 0),
        };
        self.apply_ops(base, &ops[used..], sc)
    }

    fn resolve_root(&self, name: &str, ops: &[&TraversalOperator], sc: &Scope) -> R<(V, usize)> {
        if let Some((_, v)) = sc.iter().rev().find(|(n, _)| n == name) {
            return Ok((v.clone(), 0));
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" => {
                let n = attr(0).ok_or("var must be followed by a name")?;
                Ok((self.var(n)?, 1))
            }
            "local" => {
                let n = attr(0).ok_or("local must be followed by a name")?;
                Ok((self.local(n)?, 1))
            }
            "count" | "each" | "self" => Err(format!("\"{name}\" is not available here")),
            "path" => {
                let n = attr(0).ok_or("path must be followed by module, root or cwd")?;
                let v = match n {
                    "module" => self.m.dir.display().to_string(),
                    "root" | "cwd" => self.env.root_dir.display().to_string(),
                    _ => return Err(format!("unknown path.{n}")),
                };
                Ok((V::str(v), 1))
            }
            "terraform" => Ok((V::str("default"), 1)),
            "data" => {
                let (t, n) = (
                    attr(0).ok_or("data must be followed by a type")?,
                    attr(1).ok_or("data must be followed by a type and a name")?,
                );
                let i = *self
                    .m
                    .index
                    .get(&(true, t.to_string(), n.to_string()))
                    .ok_or_else(|| format!("reference to undeclared data source data.{t}.{n}"))?;
                Ok((self.resource(i)?, 2))
            }
            "module" => {
                let n = attr(0).ok_or("module must be followed by a name")?;
                let child = self.child(n)?;
                if let (Child::One(inst), Some(out)) = (&*child, attr(1)) {
                    return Ok((inst.output(out)?, 2));
                }
                Ok((self.child_value(&child)?, 1))
            }
            t if self.m.types.contains_key(t) => {
                let n = attr(0).ok_or_else(|| format!("{t} must be followed by a name"))?;
                let i = *self
                    .m
                    .index
                    .get(&(false, t.to_string(), n.to_string()))
                    .ok_or_else(|| format!("reference to undeclared resource {t}.{n}"))?;
                Ok((self.resource(i)?, 1))
            }
            t if t.contains('_') && attr(0).is_some() => Err(format!(
                "reference to undeclared resource {t}.{}",
                attr(0).unwrap_or("")
            )),
            _ => Err(format!("unknown name \"{name}\"")),
        }
    }

    fn apply_ops(&self, mut v: V, ops: &[&TraversalOperator], sc: &Scope) -> R<V> {
        let mut i = 0;
        while i < ops.len() {
            match ops[i] {
                TraversalOperator::GetAttr(a) => v = get_attr(&v, a.as_str())?,
                TraversalOperator::Index(e) => {
                    let k = self.ev(e, sc)?;
                    v = index(&v, &k)?;
                }
                TraversalOperator::LegacyIndex(n) => v = index(&v, &V::Num(*n.value() as f64))?,
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(ops[i], TraversalOperator::FullSplat(_));
                    let mut j = i + 1;
                    if !full {
                        while j < ops.len() && matches!(ops[j], TraversalOperator::GetAttr(_)) {
                            j += 1;
                        }
                    } else {
                        j = ops.len();
                    }
                    let inner = &ops[i + 1..j];
                    v = match &v {
                        V::Null => V::list(vec![]),
                        V::Unknown(u) => unk_from(u),
                        V::List(l) => {
                            let mut out = Vec::with_capacity(l.len());
                            for x in l.iter() {
                                out.push(self.apply_ops(x.clone(), inner, sc)?);
                            }
                            V::list(out)
                        }
                        other => V::list(vec![self.apply_ops(other.clone(), inner, sc)?]),
                    };
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn output(&self, name: &str) -> R<V> {
        let Some(item) = self.m.outputs.get(name) else {
            return Err(format!(
                "{} has no output \"{name}\"",
                self.prefix.trim_end_matches('.')
            ));
        };
        self.memo(&format!("output.{name}"), || {
            Ok(self.eval_at(&item.expr, &[], &item.at))
        })
    }

    fn all_outputs(&self) -> R<V> {
        let mut m = BTreeMap::new();
        for name in self.m.outputs.keys() {
            m.insert(name.clone(), self.output(name)?);
        }
        Ok(V::obj(m))
    }

    fn child_value(&self, c: &Child<'a>) -> R<V> {
        Ok(match c {
            Child::One(i) => i.all_outputs()?,
            Child::Many(list, is_map) => {
                if *is_map {
                    let mut m = BTreeMap::new();
                    for (k, i) in list {
                        m.insert(k.to_template_string().unwrap_or_default(), i.all_outputs()?);
                    }
                    V::obj(m)
                } else {
                    V::list(
                        list.iter()
                            .map(|(_, i)| i.all_outputs())
                            .collect::<R<_>>()?,
                    )
                }
            }
            Child::Value(v) => v.clone(),
        })
    }

    fn child(&self, name: &str) -> R<Rc<Child<'a>>> {
        if let Some(c) = self.children.borrow().get(name) {
            return Ok(c.clone());
        }
        let call = self
            .m
            .calls
            .get(name)
            .ok_or_else(|| format!("reference to undeclared module \"{name}\""))?;
        if self.busy.borrow().contains(&format!("module.{name}")) {
            // Terraform orders module inputs and outputs one by one, so two modules may feed each
            // other (EKS ↔ IRSA role). While this module's inputs are evaluated its outputs are
            // not known yet.
            let addr = format!("{}module.{name}", self.prefix);
            let outputs = call
                .source
                .as_deref()
                .and_then(|src| models::input_free_outputs(src, &addr))
                .unwrap_or_else(|| {
                    let mut m = BTreeMap::new();
                    m.insert("\0addr".to_string(), V::str(addr.as_str()));
                    V::obj(m)
                });
            return Ok(Rc::new(Child::Value(outputs)));
        }
        let c = Rc::new(self.guard(&format!("module.{name}"), || self.make_child(call))?);
        self.children
            .borrow_mut()
            .insert(name.to_string(), c.clone());
        Ok(c)
    }

    fn make_child(&self, call: &CallDef) -> R<Child<'a>> {
        if self.depth >= DEPTH_LIMIT {
            return Err(format!("modules nested deeper than {DEPTH_LIMIT}"));
        }
        let name = &call.name;
        let base = format!("{}module.{name}", self.prefix);
        let key = if self.key.is_empty() {
            name.clone()
        } else {
            format!("{}.{name}", self.key)
        };
        let Some(source) = call.source.clone() else {
            return Err(format!("module \"{name}\" has no literal source"));
        };
        let instances = self.expand(&call.block.body, &call.at, &base)?;
        let Some((instances, is_map, multi)) = instances else {
            self.env.note(
                &call.at,
                format!("module.{name}: count/for_each is not known before apply; its resources are not scanned"),
            );
            self.env.unscanned.borrow_mut().push((
                call.at.clone(),
                format!("the instances of module.{name} are not known before apply"),
            ));
            return Ok(Child::Value(V::unknown(format!(
                "module.{name} instances are not known before apply"
            ))));
        };
        let local = source.starts_with("./") || source.starts_with("../");
        let dir = if local {
            Some(normalize(&self.m.dir.join(&source)))
        } else {
            self.env.modules_json.get(&key).cloned()
        };
        if let Some(d) = dir.as_deref().filter(|_| local) {
            if self.env.loader.get(d).files.is_empty() {
                // One error at the call; its outputs are unknown, not errors of their own.
                self.env.error(
                    &call.at,
                    format!(
                        "module.{name}: source \"{source}\" ({}) has no .tf files or cannot be read; its resources are not scanned",
                        d.display()
                    ),
                );
                self.env.unscanned.borrow_mut().push((
                    call.at.clone(),
                    format!("module.{name} ({source}) is not on disk"),
                ));
                let mut m = BTreeMap::new();
                m.insert(
                    "\0addr".to_string(),
                    V::str(format!("{}module.{name}", self.prefix)),
                );
                return Ok(Child::Value(V::obj(m)));
            }
        }
        let mut made = Vec::new();
        let mut modelled: Vec<(V, V)> = Vec::new();
        for (k, addr, scope) in instances {
            let (inputs, with_at) = self.call_inputs(call, &scope);
            if let Some(dir) = &dir {
                let def = self.env.loader.get(dir);
                for e in &def.errors {
                    self.env.error(
                        &Prov::new(
                            &e.file,
                            e.line.unwrap_or(0),
                            eksdoctor_inventory::SourceKind::Tf,
                        ),
                        e.message.clone(),
                    );
                }
                for given in inputs.keys() {
                    if !def.variables.contains_key(given) && !def.files.is_empty() {
                        self.env.error(
                            &with_at[given].1,
                            format!("module.{name} has no variable \"{given}\""),
                        );
                    }
                }
                made.push((
                    k,
                    Inst::new(
                        self.env,
                        def,
                        format!("{addr}."),
                        key.clone(),
                        inputs,
                        self.depth + 1,
                    ),
                ));
            } else {
                match models::model(&source, call.version.as_deref(), &addr, &with_at, &call.at) {
                    Some(m) => {
                        for n in m.notes {
                            self.env.note(&call.at, n);
                        }
                        for u in m.unscanned {
                            self.env.unscanned.borrow_mut().push((call.at.clone(), u));
                        }
                        self.env.out.borrow_mut().extend(m.resources);
                        self.env.none_created.borrow_mut().extend(m.none_created);
                        modelled.push((k, m.outputs));
                    }
                    None => {
                        self.env.note(
                            &call.at,
                            format!(
                                "module.{name}: source \"{source}\" is not on disk (run `terraform init` to scan its code) and has no built-in model; its resources are not scanned"
                            ),
                        );
                        self.env.unscanned.borrow_mut().push((
                            call.at.clone(),
                            format!("module.{name} ({source}) is not scanned"),
                        ));
                        let mut m = BTreeMap::new();
                        m.insert("\0addr".to_string(), V::str(addr.as_str()));
                        return Ok(Child::Value(V::obj(m)));
                    }
                }
            }
        }
        if dir.is_none() {
            return Ok(Child::Value(if !multi {
                modelled.pop().map(|(_, v)| v).unwrap_or(V::Null)
            } else if is_map {
                V::obj(
                    modelled
                        .into_iter()
                        .map(|(k, v)| (k.to_template_string().unwrap_or_default(), v))
                        .collect(),
                )
            } else {
                V::list(modelled.into_iter().map(|(_, v)| v).collect())
            }));
        }
        if !multi {
            let (_, i) = made.pop().ok_or("module instance missing")?;
            return Ok(Child::One(Box::new(i)));
        }
        Ok(Child::Many(made, is_map))
    }

    /// The inputs a module call gives one of its instances (meta-arguments left out), and
    /// where each is written.
    #[allow(clippy::type_complexity)]
    fn call_inputs(
        &self,
        call: &CallDef,
        scope: &[(String, V)],
    ) -> (HashMap<String, V>, BTreeMap<String, (V, Prov)>) {
        let mut inputs = HashMap::new();
        let mut with_at = BTreeMap::new();
        for a in call.block.body.attributes() {
            let n = a.key.as_str();
            if matches!(
                n,
                "source" | "version" | "providers" | "count" | "for_each" | "depends_on"
            ) {
                continue;
            }
            let at = call.src.prov(a.span());
            let v = self.eval_at(&a.value, scope, &at);
            inputs.insert(n.to_string(), v.clone());
            with_at.insert(n.to_string(), (v, at));
        }
        (inputs, with_at)
    }

    /// Instances from `count` / `for_each` in `body`: (key, address, scope). `None` when unknown.
    #[allow(clippy::type_complexity)]
    fn expand(
        &self,
        body: &Body,
        at: &Prov,
        base: &str,
    ) -> R<Option<(Vec<(V, String, Vec<(String, V)>)>, bool, bool)>> {
        if let Some(c) = body.get_attribute("count") {
            let n = self.ev(&c.value, &[])?;
            if n.is_unknown() {
                return Ok(None);
            }
            let n = n.as_num().ok_or("count must be a number")?;
            if n < 0.0 || n.fract() != 0.0 {
                return Err(format!(
                    "count must be a non-negative whole number, got {n}"
                ));
            }
            if n > INSTANCE_LIMIT as f64 {
                return Err(format!(
                    "count of {} exceeds eksdoctor's limit of {INSTANCE_LIMIT} instances",
                    crate::value::fmt_num(n)
                ));
            }
            let list = (0..n as usize)
                .map(|i| {
                    let mut m = BTreeMap::new();
                    m.insert("index".to_string(), V::Num(i as f64));
                    (
                        V::Num(i as f64),
                        format!("{base}[{i}]"),
                        vec![("count".to_string(), V::obj(m))],
                    )
                })
                .collect();
            return Ok(Some((list, false, true)));
        }
        if let Some(f) = body.get_attribute("for_each") {
            let v = self.ev(&f.value, &[])?;
            let pairs: Vec<(String, V)> = match &v {
                V::Unknown(_) => return Ok(None),
                V::Obj(m) => visible(m).map(|(k, v)| (k.clone(), v.clone())).collect(),
                V::List(l) => {
                    let mut out = Vec::new();
                    for x in l.iter() {
                        match x {
                            V::Unknown(u) if u.elem.is_some() => {
                                out.push((value_key(x).unwrap_or_default(), x.clone()));
                            }
                            V::Unknown(_) => return Ok(None),
                            _ => {
                                let s = x
                                    .to_template_string()
                                    .ok_or("for_each over a set needs strings")?;
                                out.push((s.clone(), V::str(s)));
                            }
                        }
                    }
                    out.sort_by(|a, b| a.0.cmp(&b.0));
                    out.dedup_by(|a, b| a.0 == b.0);
                    out
                }
                V::Null => return Err("for_each must not be null".into()),
                other => {
                    return Err(format!(
                        "for_each needs a map or set, got {}",
                        other.type_name()
                    ))
                }
            };
            if pairs.len() > INSTANCE_LIMIT {
                return Err(format!(
                    "for_each of {} exceeds eksdoctor's limit of {INSTANCE_LIMIT} instances",
                    pairs.len()
                ));
            }
            let _ = at;
            let list = pairs
                .into_iter()
                .map(|(k, val)| {
                    let mut m = BTreeMap::new();
                    m.insert("key".to_string(), V::str(k.as_str()));
                    m.insert("value".to_string(), val);
                    (
                        V::str(k.as_str()),
                        format!("{base}[{k:?}]"),
                        vec![("each".to_string(), V::obj(m))],
                    )
                })
                .collect();
            return Ok(Some((list, true, true)));
        }
        Ok(Some((
            vec![(V::Null, base.to_string(), Vec::new())],
            false,
            false,
        )))
    }

    fn resource(&self, idx: usize) -> R<V> {
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
                    self.env.unscanned.borrow_mut().push((
                        d.at.clone(),
                        format!("the instances of {base} are not known before apply"),
                    ));
                }
                return Ok(V::unknown(format!(
                    "{base}: its instances are not known before apply"
                )));
            };
            if instances.is_empty() && !d.data {
                self.env.none_created.borrow_mut().insert(d.rtype.clone());
            }
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
    fn body(&self, body: &Body, src: &SrcFile, sc: &Scope, addr: &str, at: Prov) -> (V, RBody) {
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
        obj.insert("\0addr".into(), V::str(addr));
        (V::obj(obj), rb)
    }
}

/// (key, value) pairs of a collection for `for` expressions; `None` when not iterable.
fn iter_pairs(v: &V) -> Option<Vec<(V, V)>> {
    match v {
        V::List(l) => Some(
            l.iter()
                .enumerate()
                .map(|(i, x)| (V::Num(i as f64), x.clone()))
                .collect(),
        ),
        V::Obj(m) => Some(visible(m).map(|(k, x)| (key_value(k), x.clone())).collect()),
        _ => None,
    }
}

fn get_attr(v: &V, name: &str) -> R<V> {
    match v {
        V::Obj(m) => match m.get(name) {
            // An attribute set to an unknown value (`name = "node-${random_id.x.hex}"`) is
            // still that resource's attribute: mark it so references link to the resource.
            Some(x) => Ok(match m.get("\0addr").and_then(V::as_str) {
                Some(addr) => x.with_origin(addr, name),
                None => x.clone(),
            }),
            None => match m.get("\0addr").and_then(V::as_str) {
                Some(addr) => Ok(computed(addr, name)),
                None => Err(format!("object has no attribute \"{name}\"")),
            },
        },
        V::Unknown(u) => Ok(V::Unknown(u.clone())),
        V::Null => Err(format!("cannot read attribute \"{name}\" of a null value")),
        V::List(_) => Err(format!(
            "cannot read attribute \"{name}\" of a list (use [*].{name} or an index)"
        )),
        other => Err(format!(
            "cannot read attribute \"{name}\" of a {}",
            other.type_name()
        )),
    }
}

fn computed(addr: &str, attr: &str) -> V {
    if addr.starts_with("data.") || addr.contains(".data.") {
        V::Unknown(Arc::new(Unk {
            reason: format!("{addr}.{attr} is read from the provider at plan time"),
            addr: Some(addr.to_string()),
            attr: Some(attr.to_string()),
            pattern: None,
            partial: None,
            elem: None,
            text: None,
        }))
    } else {
        V::computed(addr, attr)
    }
}

fn index(v: &V, k: &V) -> R<V> {
    match (v, k) {
        (V::Unknown(u), _) => Ok(unk_from(u)),
        (V::Obj(m), V::Unknown(u)) if u.elem.is_some() => {
            let key = value_key(k).unwrap_or_default();
            m.get(&key)
                .cloned()
                .ok_or_else(|| format!("the map has no element \"{}\"", display_key(&key)))
        }
        (_, V::Unknown(u)) => Ok(unk_from(u)),
        (V::List(l), k) => {
            let i = k.as_num().ok_or("list index must be a number")?;
            if i < 0.0 || i.fract() != 0.0 || i as usize >= l.len() {
                return Err(format!(
                    "index {} out of range for a list of {}",
                    crate::value::fmt_num(i),
                    l.len()
                ));
            }
            Ok(l[i as usize].clone())
        }
        (V::Obj(m), k) => {
            let key = k.to_template_string().ok_or("map key must be a string")?;
            m.get(&key)
                .cloned()
                .ok_or_else(|| format!("the map has no element \"{key}\""))
        }
        (V::Null, _) => Err("cannot index a null value".into()),
        (other, _) => Err(format!("cannot index a {}", other.type_name())),
    }
}

fn binop(op: hcl_edit::expr::BinaryOperator, l: V, r: V) -> R<V> {
    use hcl_edit::expr::BinaryOperator as B;
    if let Some(u) = l.unk().or(r.unk()) {
        // A known `false && x` / `true || x` is still decided.
        match (op, l.as_bool(), r.as_bool()) {
            (B::And, Some(false), _) | (B::And, _, Some(false)) => return Ok(V::Bool(false)),
            (B::Or, Some(true), _) | (B::Or, _, Some(true)) => return Ok(V::Bool(true)),
            _ => return Ok(unk_from(u)),
        }
    }
    let num = |v: &V| {
        v.as_num()
            .ok_or_else(|| format!("{} needs numbers", op.as_str()))
    };
    Ok(match op {
        B::Eq => V::Bool(loose_eq(&l, &r)),
        B::NotEq => V::Bool(!loose_eq(&l, &r)),
        B::Less => V::Bool(num(&l)? < num(&r)?),
        B::LessEq => V::Bool(num(&l)? <= num(&r)?),
        B::Greater => V::Bool(num(&l)? > num(&r)?),
        B::GreaterEq => V::Bool(num(&l)? >= num(&r)?),
        B::Plus => V::Num(num(&l)? + num(&r)?),
        B::Minus => V::Num(num(&l)? - num(&r)?),
        B::Mul => V::Num(num(&l)? * num(&r)?),
        B::Div => {
            let d = num(&r)?;
            if d == 0.0 {
                return Err("division by zero".into());
            }
            V::Num(num(&l)? / d)
        }
        B::Mod => {
            let d = num(&r)?;
            if d == 0.0 {
                return Err("modulo by zero".into());
            }
            V::Num(num(&l)? % d)
        }
        B::And => {
            V::Bool(l.as_bool().ok_or("&& needs bools")? && r.as_bool().ok_or("&& needs bools")?)
        }
        B::Or => {
            V::Bool(l.as_bool().ok_or("|| needs bools")? || r.as_bool().ok_or("|| needs bools")?)
        }
    })
}

/// Equality as Terraform applies it after its automatic conversions of primitives.
fn loose_eq(l: &V, r: &V) -> bool {
    match (l, r) {
        (V::Num(a), V::Str(b)) | (V::Str(b), V::Num(a)) => {
            b.parse::<f64>().map(|b| b == *a).unwrap_or(false)
        }
        (V::Bool(a), V::Str(b)) | (V::Str(b), V::Bool(a)) => b.as_ref() == a.to_string(),
        (V::Obj(a), V::Obj(b)) => {
            visible(a).count() == visible(b).count()
                && visible(a).all(|(k, v)| b.get(k).is_some_and(|w| loose_eq(v, w)))
        }
        _ => l == r,
    }
}

/// Evaluate one expression with no module around it (for tests and `eksdoctor` tooling).
pub fn eval_expr(text: &str) -> Result<V, String> {
    let expr = hcl_edit::parser::parse_expr(text).map_err(|e| e.message().to_string())?;
    let loader = Loader::default();
    let env = Env {
        loader: &loader,
        root_dir: PathBuf::from("."),
        modules_json: HashMap::new(),
        errors: RefCell::new(Vec::new()),
        notes: RefCell::new(Vec::new()),
        out: RefCell::new(Vec::new()),
        none_created: RefCell::new(std::collections::BTreeSet::new()),
        unscanned: RefCell::new(Vec::new()),
        steps: Cell::new(0),
        reported: RefCell::new(HashSet::new()),
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

/// A string template being rendered: its pattern (unknown parts as `*`), and its text with
/// unknown interpolations as [`eksdoctor_inventory::UNKNOWN_VALUE`] (`None` once an unknown
/// `%{if}` or `%{for}` makes its shape unknown).
struct TplOut {
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
fn split_yaml_documents(text: &str) -> Vec<String> {
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

/// Files most `fileset()` walks: more is a mistake in the pattern or the path.
const FILESET_MAX_FILES: usize = 50_000;

/// `fileset(path, pattern)`: the files (not directories) below `dir` whose path relative to it
/// matches `pattern` (`*` and `?` within one path segment, `**` across segments, `{a,b}`,
/// `[ab]`; hidden files included), relative to `dir` with `/`, sorted. A directory that does not
/// exist gives an empty set, as in Terraform.
fn fileset(dir: &Path, pattern: &str) -> R<Vec<String>> {
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

#[cfg(test)]
mod tests {
    use super::{eval_expr, fileset};

    /// `<<-` heredocs with interpolations, against what Terraform 1.11.4 gave for the same text
    /// (the parser dedents them; dedenting again stripped the lines after an interpolation).
    #[test]
    fn indented_heredocs_match_terraform() {
        let s = |e: &str| eval_expr(e).unwrap().as_str().unwrap().to_string();
        assert_eq!(
            s("<<-YAML\n    apiVersion: v1\n    spec:\n      role: ${\"R\"}\n      after: 1\n  YAML"),
            "apiVersion: v1\nspec:\n  role: R\n  after: 1\n"
        );
        assert_eq!(
            s("<<-EOT\n      deeper ${\"R\"} tail\n    shallow\n  EOT"),
            "  deeper R tail\nshallow\n"
        );
    }

    /// Strip markers (`${~`, `~}`, `%{~`), against what Terraform 1.11.4 gave for the same text:
    /// they trim whitespace within one line of the neighbouring literal text.
    #[test]
    fn strip_markers_match_terraform() {
        let s = |e: &str| eval_expr(e).unwrap().as_str().unwrap().to_string();
        assert_eq!(s("\"a  ${~ \"b\" ~}  c\""), "abc");
        assert_eq!(
            s("<<EOT\nx\n%{ for i in [1, 2] ~}\n  item ${i}\n%{ endfor ~}\nend\nEOT"),
            "x\n  item 1\n  item 2\nend\n"
        );
        assert_eq!(
            s("<<EOT\nx\n%{ for i in [1, 2] }\n  item ${i}\n%{ endfor }\nend\nEOT"),
            "x\n\n  item 1\n\n  item 2\n\nend\n"
        );
        assert_eq!(
            s("<<EOT\nx\n  %{~ for i in [1, 2] ~}\n  item ${i}\n  %{~ endfor ~}\nend\nEOT"),
            "x\n  item 1\n  item 2\nend\n"
        );
        assert_eq!(s("\"%{ if true }yes%{ else }no%{ endif }\""), "yes");
        assert_eq!(
            s("<<-EOT\n    head\n    %{ if true ~}\n      inner\n    %{ endif ~}\n    tail\n  EOT"),
            "head\n      inner\n    tail\n"
        );
    }

    /// What Terraform 1.11.4's `terraform console` printed for the same tree.
    #[test]
    fn fileset_matches_terraform() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "manifests/a.yaml",
            "manifests/b.yml",
            "manifests/sub/c.yaml",
            "manifests/.hidden.yaml",
            "other/d.yaml",
            "main.tf",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let set = |d: &str, pattern: &str| fileset(&root.join(d), pattern).unwrap();
        assert_eq!(
            set(".", "manifests/*.yaml"),
            ["manifests/.hidden.yaml", "manifests/a.yaml"]
        );
        assert_eq!(
            set(".", "manifests/**"),
            [
                "manifests/.hidden.yaml",
                "manifests/a.yaml",
                "manifests/b.yml",
                "manifests/sub/c.yaml"
            ]
        );
        assert_eq!(
            set(".", "**/*.yaml"),
            [
                "manifests/.hidden.yaml",
                "manifests/a.yaml",
                "manifests/sub/c.yaml",
                "other/d.yaml"
            ]
        );
        assert_eq!(
            set("manifests", "*.{yaml,yml}"),
            [".hidden.yaml", "a.yaml", "b.yml"]
        );
        assert_eq!(
            set(".", "manifests/[ab].y*"),
            ["manifests/a.yaml", "manifests/b.yml"]
        );
        assert_eq!(set(".", "manifests/?.yaml"), ["manifests/a.yaml"]);
        assert!(set("nope", "*").is_empty());
        assert!(set(".", "manifests/").is_empty());
        assert!(set(".", "manifests").is_empty());
        assert!(fileset(root, "[").is_err());
    }
}
