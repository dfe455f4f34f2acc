//! Terraform's built-in functions that EKS code uses, on `V` values. Unknown arguments give an
//! unknown result, except where the shape is still known: `length` of a list with unknown
//! elements, `slice` of an unknown list, `concat`, `element`, `merge` of objects with unknown values.

use crate::value::{fmt_num, Unk, V};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

pub use crate::value::R;

/// A group of functions: `$names` lists what `$call` answers for, both made from the same arms,
/// so a function cannot be added to the one and not the other.
macro_rules! group {
    ($(#[$doc:meta])* $call:ident($name:ident, $a:ident), $names:ident; $($($n:literal)|+ => $body:expr $(,)?)*) => {
        /// The functions the group's call answers for.
        pub(super) const $names: &[&str] = &[$($($n),+),*];
        $(#[$doc])*
        pub(super) fn $call($name: &str, $a: &[V]) -> R<V> {
            match $name {
                $($($n)|+ => $body,)*
                _ => Err(format!("{}() is not one of {}", $name, stringify!($call))),
            }
        }
    };
}

pub mod budget;
mod collections;
mod encoding;
mod network;
mod numeric;
mod strings;

use collections::*;

pub use encoding::{base64_decode, base64_encode};
pub use network::{cidrhost, cidrsubnet, cidrsubnets};

/// The most elements `range` may produce (Terraform's own limit).
pub const RANGE_LIMIT: usize = 1024;

/// Functions evaluated here (the others that need files or lazy arguments are in `eval`).
/// Call function `name` with `args`, within the value bounds of [`budget`].
pub fn call(name: &str, args: Vec<V>) -> R<V> {
    budget::before(name, &args)?;
    let out = call_unbounded(name, args)?;
    // Functions whose result is linear in their arguments: a shallow look suffices.
    match &out {
        V::Str(s) => budget::check_len(s.len(), &format!("the result of {name}()"))?,
        V::List(l) if l.len() > budget::MAX_VALUE_ELEMENTS => {
            budget::check(&out, &format!("the result of {name}()"))?
        }
        V::Obj(m) if m.len() > budget::MAX_VALUE_ELEMENTS => {
            budget::check(&out, &format!("the result of {name}()"))?
        }
        _ => {}
    }
    Ok(out)
}

fn call_unbounded(name: &str, args: Vec<V>) -> R<V> {
    // Functions that look into partially unknown arguments.
    match name {
        "length" => return length(&args),
        "slice" => return slice(&args),
        "concat" => return concat(&args),
        "element" => return element(&args),
        "merge" => return merge(&args),
        "coalesce" => return coalesce(&args),
        "tolist" | "tuple" => return one_arg(&args, name).cloned(),
        "sensitive" | "nonsensitive" | "tostring" | "tonumber" | "tobool" | "tomap" | "toset"
        | "jsonencode" | "yamlencode" | "compact" | "flatten" | "lookup" | "keys" | "values"
        | "contains" | "distinct" | "one" | "zipmap" | "try" => {}
        _ => {
            if let Some(u) = args.iter().find_map(|a| a.unk()) {
                return Ok(V::Unknown(Arc::new(Unk::because(u.reason.clone()))));
            }
        }
    }
    let a = &args;
    // Each group answers for its own functions.
    type Group = (&'static [&'static str], fn(&str, &[V]) -> R<V>);
    const GROUPS: &[Group] = &[
        (encoding::CALL, encoding::call),
        (collections::LISTS_AND_MAPS, collections::lists_and_maps),
        (collections::SETS_AND_ORDER, collections::sets_and_order),
        (network::CALL, network::call),
        (strings::CALL, strings::call),
        (numeric::CALL, numeric::call),
    ];
    if let Some((_, f)) = GROUPS.iter().find(|(names, _)| names.contains(&name)) {
        return f(name, a);
    }
    match name {
        "can" => Ok(V::Bool(true)),
        "timestamp" | "uuid" | "bcrypt" | "timeadd" | "plantimestamp" => Ok(V::unknown(format!(
            "{name}() is known only at plan or apply time"
        ))),
        _ => Err(format!(
            "function {name}() is not supported by eksdoctor's evaluator"
        )),
    }
}

pub(super) fn unknown_like(args: &[V]) -> V {
    let reason = args
        .iter()
        .find_map(V::first_unknown)
        .map(|u| u.reason.clone())
        .unwrap_or_else(|| "depends on values known only at plan or apply time".into());
    V::unknown(reason)
}

pub(super) fn one_arg<'a>(a: &'a [V], name: &str) -> R<&'a V> {
    match a {
        [v] => Ok(v),
        _ => Err(format!("{name} takes one argument, got {}", a.len())),
    }
}

pub(super) fn str_arg<'a>(a: &'a [V], i: usize, name: &str) -> R<&'a str> {
    match a.get(i) {
        Some(V::Str(s)) => Ok(s),
        Some(v) => Err(format!(
            "{name}: argument {} must be a string, got {}",
            i + 1,
            v.type_name()
        )),
        None => Err(format!("{name}: missing argument {}", i + 1)),
    }
}

pub(super) fn num_arg(a: &[V], i: usize, name: &str) -> R<f64> {
    a.get(i)
        .and_then(V::as_num)
        .ok_or_else(|| format!("{name}: argument {} must be a number", i + 1))
}

pub(super) fn int_arg(a: &[V], i: usize, name: &str) -> R<i64> {
    let n = num_arg(a, i, name)?;
    if n.fract() != 0.0 || n.abs() > 1e15 {
        return Err(format!("{name}: argument {} must be a whole number", i + 1));
    }
    Ok(n as i64)
}

pub(super) fn list_arg<'a>(a: &'a [V], i: usize, name: &str) -> R<&'a [V]> {
    match a.get(i) {
        Some(V::List(l)) => Ok(l),
        Some(v) => Err(format!(
            "{name}: argument {} must be a list, got {}",
            i + 1,
            v.type_name()
        )),
        None => Err(format!("{name}: missing argument {}", i + 1)),
    }
}

pub(super) fn cidr_arg(a: &[V], i: usize) -> R<IpNet> {
    let s = a
        .get(i)
        .and_then(V::as_str)
        .ok_or("expected a CIDR prefix string")?;
    s.parse::<IpNet>().map_err(|_| {
        format!(
            "invalid CIDR prefix \"{}\"",
            eksdoctor_inventory::excerpt(s)
        )
    })
}

#[cfg(test)]
mod unknown_args;
