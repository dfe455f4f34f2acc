//! Variable type constraints, as far as they change values: Terraform converts a variable's value
//! to its declared type, which fills in `optional()` attributes of objects with their default (or
//! null) and turns `"true"`/`"42"` into a bool or number where the type asks for one.

use crate::value::V;
use hcl_edit::expr::{Expression, ObjectKey};

#[derive(Debug, Clone)]
pub enum Ty {
    Any,
    String,
    Number,
    Bool,
    List(Box<Ty>),
    Map(Box<Ty>),
    Tuple(Vec<Ty>),
    Object(Vec<Attr>),
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub ty: Ty,
    /// `optional(T)` or `optional(T, default)`.
    pub optional: bool,
    /// The default of `optional(T, default)`, an expression of constants.
    pub default: Option<Expression>,
}

/// A type expression (`object({ a = optional(string, "x") })`); `Any` for what is not understood.
pub fn parse(e: &Expression) -> Ty {
    match e {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ty::String,
            "number" => Ty::Number,
            "bool" => Ty::Bool,
            _ => Ty::Any,
        },
        Expression::FuncCall(f) => {
            let args: Vec<&Expression> = f.args.iter().collect();
            match (f.name.name.as_str(), args.as_slice()) {
                ("list" | "set", [t]) => Ty::List(Box::new(parse(t))),
                ("map", [t]) => Ty::Map(Box::new(parse(t))),
                ("tuple", [Expression::Array(a)]) => Ty::Tuple(a.iter().map(parse).collect()),
                ("object", [Expression::Object(o)]) => Ty::Object(
                    o.iter()
                        .filter_map(|(k, v)| Some(attr(key_name(k)?, v.expr())))
                        .collect(),
                ),
                _ => Ty::Any,
            }
        }
        _ => Ty::Any,
    }
}

fn attr(name: String, e: &Expression) -> Attr {
    if let Expression::FuncCall(f) = e {
        if f.name.name.as_str() == "optional" {
            let args: Vec<&Expression> = f.args.iter().collect();
            return Attr {
                name,
                ty: args.first().map_or(Ty::Any, |t| parse(t)),
                optional: true,
                default: args.get(1).map(|d| (*d).clone()),
            };
        }
    }
    Attr {
        name,
        ty: parse(e),
        optional: false,
        default: None,
    }
}

/// Convert `v` to `ty`. `eval` evaluates an `optional()` default. Values that do not fit are
/// returned as they are (Terraform would have refused them; the scan goes on with what is
/// written).
pub fn convert(ty: &Ty, v: V, eval: &dyn Fn(&Expression) -> Option<V>) -> V {
    match (ty, v) {
        (_, v @ (V::Unknown(_) | V::Null)) => v,
        (Ty::Any, v) => v,
        (Ty::Bool, V::Str(s)) if matches!(&*s, "true" | "false") => V::Bool(&*s == "true"),
        (Ty::Number, V::Str(s)) => match s.parse::<f64>() {
            Ok(n) if n.is_finite() => V::Num(n),
            _ => V::Str(s),
        },
        (Ty::String, V::Num(n)) => V::str(crate::value::fmt_num(n).as_str()),
        (Ty::String, V::Bool(b)) => V::str(b.to_string().as_str()),
        (Ty::List(t), V::List(l)) => {
            V::list(l.iter().map(|x| convert(t, x.clone(), eval)).collect())
        }
        (Ty::Tuple(ts), V::List(l)) => V::list(
            l.iter()
                .enumerate()
                .map(|(i, x)| match ts.get(i) {
                    Some(t) => convert(t, x.clone(), eval),
                    None => x.clone(),
                })
                .collect(),
        ),
        (Ty::Map(t), V::Obj(m)) => V::Obj(std::sync::Arc::new(crate::value::Object {
            map: m
                .iter()
                .map(|(k, x)| (k.clone(), convert(t, x.clone(), eval)))
                .collect(),
            addr: m.addr.clone(),
        })),
        (Ty::Object(attrs), V::Obj(m)) => {
            let mut out = (*m).clone();
            for a in attrs {
                match m.get(&a.name) {
                    Some(x) if !(x.is_null() && a.default.is_some()) => {
                        out.insert(a.name.clone(), convert(&a.ty, x.clone(), eval));
                    }
                    _ if a.optional => {
                        let d = a
                            .default
                            .as_ref()
                            .and_then(eval)
                            .map(|d| convert(&a.ty, d, eval))
                            .unwrap_or(V::Null);
                        out.insert(a.name.clone(), d);
                    }
                    _ => {}
                }
            }
            V::Obj(std::sync::Arc::new(out))
        }
        (_, v) => v,
    }
}

/// An object key written as a name or a quoted string (`a = …`, `"a-b" = …`); `None` for an
/// expression key.
pub(crate) fn key_name(k: &ObjectKey) -> Option<String> {
    match k {
        ObjectKey::Ident(i) => Some(i.as_str().to_string()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().to_string()),
        _ => None,
    }
}
