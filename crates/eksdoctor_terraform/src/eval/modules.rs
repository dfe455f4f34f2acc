//! Module calls: instances from `count` / `for_each`, their inputs, local and downloaded module
//! code, models of registry modules, and outputs.

use super::*;

impl<'a> Inst<'a> {
    pub(super) fn output(&self, name: &str) -> R<V> {
        let Some(item) = self.m.outputs.get(name) else {
            return Err(format!(
                "{} has no output \"{name}\"",
                self.prefix.trim_end_matches('.')
            ));
        };
        let v = self.memo(&format!("output.{name}"), || {
            Ok(self.eval_at(&item.expr, &[], &item.at))
        })?;
        Ok(if self.m.sensitive_outputs.contains(name) {
            V::sensitive(
                v,
                format!(
                    "output {name} of {} is sensitive: not read",
                    self.prefix.trim_end_matches('.')
                ),
            )
        } else {
            v
        })
    }

    pub(super) fn all_outputs(&self) -> R<V> {
        let mut m = BTreeMap::new();
        for name in self.m.outputs.keys() {
            m.insert(name.clone(), self.output(name)?);
        }
        Ok(V::obj(m))
    }

    pub(super) fn child_value(&self, c: &Child<'a>) -> R<V> {
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

    pub(super) fn child(&self, name: &str) -> R<Rc<Child<'a>>> {
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
                .unwrap_or_else(|| V::instance(&addr, BTreeMap::new()));
            return Ok(Rc::new(Child::Value(outputs)));
        }
        let c = Rc::new(self.guard(&format!("module.{name}"), || self.make_child(call))?);
        self.children
            .borrow_mut()
            .insert(name.to_string(), c.clone());
        Ok(c)
    }

    /// A module whose source resolves into a system directory (`/`, /proc, /dev, /sys) is not
    /// read: an error at the call, and its resources are unscanned. Anywhere else, a local
    /// module is read as Terraform reads it (its files are still checked one by one).
    fn system_module(
        &self,
        call: &CallDef,
        name: &str,
        source: &str,
        dir: &Path,
    ) -> Option<Child<'a>> {
        let canon = dir.canonicalize().ok()?;
        if !eksdoctor_fs::is_system(&canon) {
            return None;
        }
        self.env.error(
            &call.at,
            format!("module.{name}: source \"{source}\" is a system directory: not read; its resources are not scanned"),
        );
        let addr = format!("{}module.{name}", self.prefix);
        Some(self.unscanned_module(
            call,
            &addr,
            format!("module.{name} ({source}) is not scanned"),
        ))
    }

    /// A module call whose resources are not scanned: `why` is recorded (what it creates may be
    /// what a rule finds missing), and its value is the instance at `addr` with every attribute
    /// computed.
    fn unscanned_module(&self, call: &CallDef, addr: &str, why: String) -> Child<'a> {
        // A registry module the scan knows by its documented resources can create only those.
        let creates = call.source.as_deref().and_then(models::created_types);
        self.env
            .unscanned
            .borrow_mut()
            .push(Unscanned::new(call.at.clone(), why, creates));
        Child::Value(V::instance(addr, BTreeMap::new()))
    }

    /// A module whose directory is this module's or one above it: Terraform refuses such a
    /// cycle, and evaluating it would never end. An error at the call; nothing is instantiated.
    fn module_cycle(
        &self,
        call: &CallDef,
        name: &str,
        source: &str,
        dir: &Path,
    ) -> Option<Child<'a>> {
        let same = |d: &Path| normalize(d) == normalize(dir);
        if !(same(&self.m.dir) || self.lineage.iter().any(|d| same(d))) {
            return None;
        }
        self.env.error(
            &call.at,
            format!("module.{name}: source \"{source}\" is this module or one that calls it (a cycle, which Terraform refuses); not instantiated"),
        );
        let addr = format!("{}module.{name}", self.prefix);
        Some(Child::Value(V::instance(&addr, BTreeMap::new())))
    }

    pub(super) fn make_child(&self, call: &CallDef) -> R<Child<'a>> {
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
            self.env.unscanned.borrow_mut().push(Unscanned::new(
                call.at.clone(),
                format!("the instances of module.{name} are not known before apply"),
                models::created_types(&source),
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
        if let Some(refused) = dir.as_deref().and_then(|d| {
            self.system_module(call, name, &source, d)
                .or_else(|| self.module_cycle(call, name, &source, d))
        }) {
            return Ok(refused);
        }
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
                let addr = format!("{}module.{name}", self.prefix);
                let why = format!("module.{name} ({source}) is not on disk");
                return Ok(self.unscanned_module(call, &addr, why));
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
                let mut child = Inst::new(
                    self.env,
                    def,
                    format!("{addr}."),
                    key.clone(),
                    inputs,
                    self.depth + 1,
                );
                child.lineage = self.lineage.clone();
                child.lineage.push(self.m.dir.clone());
                made.push((k, child));
            } else {
                match models::model(&source, call.version.as_deref(), &addr, &with_at, &call.at) {
                    Some(m) => {
                        for n in m.notes {
                            self.env.note(&call.at, n);
                        }
                        for (u, creates) in m.unscanned {
                            self.env.unscanned.borrow_mut().push(Unscanned::new(
                                call.at.clone(),
                                u,
                                creates.or_else(|| models::created_types(&source)),
                            ));
                        }
                        self.env.out.borrow_mut().extend(m.resources);
                        modelled.push((k, m.outputs));
                    }
                    None => {
                        self.env.note(
                            &call.at,
                            format!(
                                "module.{name}: source \"{source}\" is not on disk (run `terraform init` to scan its code) and has no built-in model; its resources are not scanned"
                            ),
                        );
                        let why = format!("module.{name} ({source}) is not scanned");
                        return Ok(self.unscanned_module(call, &addr, why));
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
    pub(super) fn call_inputs(
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
            // Where each key of a literal map is written (one node group, one Fargate profile),
            // for the models to place what they make of it.
            if let Expression::Object(obj) = &a.value {
                for (key, _) in obj.iter() {
                    let Some(name) = crate::types::key_name(key) else {
                        continue;
                    };
                    if let Some(span) = hcl_edit::Span::span(key) {
                        let key_at = call.src.prov(Some(span));
                        with_at.insert(models::key_input(n, &name), (V::Null, key_at));
                    }
                }
            }
        }
        (inputs, with_at)
    }

    /// Instances from `count` / `for_each` in `body`: (key, address, scope). `None` when unknown.
    #[allow(clippy::type_complexity)]
    pub(super) fn expand(
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
                V::Obj(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
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
}
