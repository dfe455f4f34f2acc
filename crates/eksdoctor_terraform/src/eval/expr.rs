//! Expressions: operators, `for`, function calls, traversals and references.

use super::*;

impl<'a> Inst<'a> {
    /// Evaluate an expression (bounded in steps and in nesting).
    pub fn ev(&self, e: &Expression, sc: &Scope) -> R<V> {
        self.step()?;
        self.nested(|| self.ev_inner(e, sc))
    }

    fn ev_inner(&self, e: &Expression, sc: &Scope) -> R<V> {
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

    pub(super) fn for_expr(&self, f: &hcl_edit::expr::ForExpr, sc: &Scope) -> R<V> {
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

    pub(super) fn call(&self, f: &hcl_edit::expr::FuncCall, sc: &Scope) -> R<V> {
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
            "file" | "templatefile" | "fileexists" | "filebase64" | "fileset" => {
                self.file_function(name, &args)
            }
            "abspath" => Ok(args.into_iter().next().unwrap_or(V::Null)),
            "basename" | "dirname" => {
                if let Some(u) = args.iter().find_map(V::unk) {
                    return Ok(unk_from(u));
                }
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
    pub(super) fn kubectl_documents(&self, rtype: &str, body: &RBody) -> Option<V> {
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
                .map(|f| self.read_named(&dir.join(f)).ok())
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
    pub(super) fn resolve_path(&self, p: &str) -> PathBuf {
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

    pub(super) fn root_name(&self, name: &str, sc: &Scope) -> R<V> {
        if let Some((_, v)) = sc.iter().rev().find(|(n, _)| n == name) {
            return Ok(v.clone());
        }
        Err(format!("unknown name \"{name}\""))
    }

    pub(super) fn traversal(&self, t: &hcl_edit::expr::Traversal, sc: &Scope) -> R<V> {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let (base, used) = match &t.expr {
            Expression::Variable(v) => self.resolve_root(v.as_str(), &ops, sc)?,
            e => (self.ev(e, sc)?, 0),
        };
        self.apply_ops(base, &ops[used..], sc)
    }

    pub(super) fn resolve_root(
        &self,
        name: &str,
        ops: &[&TraversalOperator],
        sc: &Scope,
    ) -> R<(V, usize)> {
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
                // A remote state another scanned root writes: its outputs.
                if t == "terraform_remote_state" && self.prefix.is_empty() {
                    if let Some(outputs) = self.env.remote.get(n) {
                        let mut m = std::collections::BTreeMap::new();
                        m.insert("outputs".to_string(), outputs.clone());
                        return Ok((V::obj(m), 2));
                    }
                }
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

    pub(super) fn apply_ops(&self, mut v: V, ops: &[&TraversalOperator], sc: &Scope) -> R<V> {
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
                                out.push(self.nested(|| self.apply_ops(x.clone(), inner, sc))?);
                            }
                            V::list(out)
                        }
                        other => V::list(vec![
                            self.nested(|| self.apply_ops(other.clone(), inner, sc))?
                        ]),
                    };
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }
}

/// (key, value) pairs of a collection for `for` expressions; `None` when not iterable.
pub(super) fn iter_pairs(v: &V) -> Option<Vec<(V, V)>> {
    match v {
        V::List(l) => Some(
            l.iter()
                .enumerate()
                .map(|(i, x)| (V::Num(i as f64), x.clone()))
                .collect(),
        ),
        V::Obj(m) => Some(m.iter().map(|(k, x)| (key_value(k), x.clone())).collect()),
        _ => None,
    }
}

pub(super) fn get_attr(v: &V, name: &str) -> R<V> {
    match v {
        V::Obj(m) => match (m.get(name), m.addr.as_deref()) {
            // A resource's argument set to null is unset: read back, it is the provider's
            // default or a computed value (`name = null` beside `name_prefix`), never null.
            (Some(V::Null) | None, Some(addr)) => Ok(computed(addr, name)),
            // An attribute set to an unknown value (`name = "node-${random_id.x.hex}"`) is
            // still that resource's attribute: mark it so references link to the resource.
            (Some(x), Some(addr)) => Ok(x.with_origin(addr, name)),
            (Some(x), None) => Ok(x.clone()),
            (None, None) => Err(format!("object has no attribute \"{name}\"")),
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

pub(super) fn computed(addr: &str, attr: &str) -> V {
    if addr.starts_with("data.") || addr.contains(".data.") {
        V::Unknown(Arc::new(Unk {
            reason: format!("{addr}.{attr} is read from the provider at plan time"),
            addr: Some(addr.to_string()),
            attr: Some(attr.to_string()),
            pattern: None,
            partial: None,
            elem: None,
            text: None,
            hidden: None,
        }))
    } else {
        V::computed(addr, attr)
    }
}

pub(super) fn index(v: &V, k: &V) -> R<V> {
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

pub(super) fn binop(op: hcl_edit::expr::BinaryOperator, l: V, r: V) -> R<V> {
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
pub(super) fn loose_eq(l: &V, r: &V) -> bool {
    match (l, r) {
        (V::Num(a), V::Str(b)) | (V::Str(b), V::Num(a)) => {
            b.parse::<f64>().map(|b| b == *a).unwrap_or(false)
        }
        (V::Bool(a), V::Str(b)) | (V::Str(b), V::Bool(a)) => b.as_ref() == a.to_string(),
        (V::Obj(a), V::Obj(b)) => {
            a.iter().count() == b.iter().count()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| loose_eq(v, w)))
        }
        _ => l == r,
    }
}
