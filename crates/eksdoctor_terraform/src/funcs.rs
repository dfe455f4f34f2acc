//! Terraform's built-in functions that EKS code uses, on `V` values. Unknown arguments give an
//! unknown result, except where the shape is still known: `length` of a list with unknown
//! elements, `slice` of an unknown list, `concat`, `element`, `merge` of objects with unknown values.

use crate::value::{fmt_num, Unk, V};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

pub use crate::value::R;

/// The most elements `range` may produce (Terraform's own limit).
pub const RANGE_LIMIT: usize = 1024;

/// Functions evaluated here (the others that need files or lazy arguments are in `eval`).
pub fn call(name: &str, args: Vec<V>) -> R<V> {
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
    match name {
        "sensitive" | "nonsensitive" => one_arg(a, name).cloned(),
        "tostring" => {
            let v = one_arg(a, name)?;
            match v {
                V::Unknown(_) | V::Null => Ok(v.clone()),
                _ => v
                    .to_template_string()
                    .map(V::str)
                    .ok_or_else(|| format!("cannot convert {} to string", v.type_name())),
            }
        }
        "tonumber" => {
            let v = one_arg(a, name)?;
            match v {
                V::Unknown(_) | V::Null | V::Num(_) => Ok(v.clone()),
                V::Str(s) => s
                    .trim()
                    .parse::<f64>()
                    .map(V::Num)
                    .map_err(|_| format!("cannot convert \"{s}\" to number")),
                _ => Err(format!("cannot convert {} to number", v.type_name())),
            }
        }
        "tobool" => {
            let v = one_arg(a, name)?;
            match v {
                V::Unknown(_) | V::Null | V::Bool(_) => Ok(v.clone()),
                _ => v
                    .as_bool()
                    .map(V::Bool)
                    .ok_or_else(|| format!("cannot convert {v} to bool")),
            }
        }
        "tomap" => Ok(one_arg(a, name)?.clone()),
        "toset" => {
            let v = one_arg(a, name)?;
            match v {
                V::List(l) => to_set(l),
                V::Unknown(_) => Ok(v.clone()),
                _ => Err(format!("cannot convert {} to set", v.type_name())),
            }
        }
        "jsonencode" => {
            let v = one_arg(a, name)?;
            match v.to_json() {
                Some(j) => Ok(V::str(j.to_string())),
                None => {
                    let u = v.first_unknown().cloned();
                    Ok(V::Unknown(Arc::new(Unk {
                        partial: Some(v.clone()),
                        ..Unk::because(u.map(|u| u.reason).unwrap_or_default())
                    })))
                }
            }
        }
        // JSON is YAML: the encoded text differs from Terraform's block style, its meaning does not.
        "yamlencode" => {
            let v = one_arg(a, name)?;
            match v.to_json() {
                Some(j) => Ok(V::str(j.to_string())),
                None => {
                    let u = v.first_unknown().cloned();
                    Ok(V::Unknown(Arc::new(Unk {
                        partial: Some(v.clone()),
                        ..Unk::because(u.map(|u| u.reason).unwrap_or_default())
                    })))
                }
            }
        }
        "csvdecode" => csvdecode(str_arg(a, 0, name)?),
        "jsondecode" => {
            let s = str_arg(a, 0, name)?;
            serde_json::from_str::<serde_json::Value>(s)
                .map(|j| V::from_json(&j))
                .map_err(|e| format!("jsondecode: {e}"))
        }
        "keys" => {
            let v = one_arg(a, name)?;
            match v {
                V::Obj(m) => Ok(V::list(
                    visible(m)
                        .map(|(k, _)| crate::value::key_value(k))
                        .collect(),
                )),
                V::Unknown(_) => Ok(v.clone()),
                _ => Err(format!("keys: expected a map, got {}", v.type_name())),
            }
        }
        "values" => {
            let v = one_arg(a, name)?;
            match v {
                V::Obj(m) => Ok(V::list(visible(m).map(|(_, v)| v.clone()).collect())),
                V::Unknown(_) => Ok(v.clone()),
                _ => Err(format!("values: expected a map, got {}", v.type_name())),
            }
        }
        "lookup" => {
            if a.len() < 2 || a.len() > 3 {
                return Err("lookup takes 2 or 3 arguments".into());
            }
            match (&a[0], &a[1]) {
                (V::Unknown(_), _) | (_, V::Unknown(_)) => Ok(unknown_like(a)),
                (V::Obj(m), V::Str(k)) => match m.get(&**k) {
                    Some(v) => Ok(v.clone()),
                    None if a.len() == 3 => Ok(a[2].clone()),
                    None => Err(format!("lookup: the map has no key \"{k}\"")),
                },
                (V::Null, _) if a.len() == 3 => Ok(a[2].clone()),
                _ => Err("lookup: expected a map and a string key".into()),
            }
        }
        "contains" => {
            if a.len() != 2 {
                return Err("contains takes 2 arguments".into());
            }
            match &a[0] {
                V::List(l) => {
                    if l.contains(&a[1]) {
                        Ok(V::Bool(true))
                    } else if l.iter().any(V::has_unknown) || a[1].has_unknown() {
                        Ok(unknown_like(a))
                    } else {
                        Ok(V::Bool(false))
                    }
                }
                V::Unknown(_) => Ok(a[0].clone()),
                v => Err(format!("contains: expected a list, got {}", v.type_name())),
            }
        }
        "distinct" => {
            let l = list_arg(a, 0, name)?;
            if l.iter().any(V::has_unknown) {
                return Ok(unknown_like(a));
            }
            let mut out: Vec<V> = Vec::new();
            for v in l.iter() {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Ok(V::list(out))
        }
        "one" => {
            let v = one_arg(a, name)?;
            match v {
                V::List(l) if l.is_empty() => Ok(V::Null),
                V::List(l) if l.len() == 1 => Ok(l[0].clone()),
                V::List(_) => Err("one: the list has more than one element".into()),
                V::Null => Ok(V::Null),
                _ => Ok(v.clone()),
            }
        }
        "zipmap" => {
            let ks = list_arg(a, 0, name)?;
            let vs = list_arg(a, 1, name)?;
            if ks.len() != vs.len() {
                return Err("zipmap: the lists differ in length".into());
            }
            let mut m = BTreeMap::new();
            for (k, v) in ks.iter().zip(vs.iter()) {
                match k {
                    V::Unknown(_) => return Ok(unknown_like(a)),
                    _ => {
                        let k = k
                            .to_template_string()
                            .ok_or("zipmap: keys must be strings")?;
                        m.insert(k, v.clone());
                    }
                }
            }
            Ok(V::obj(m))
        }
        "flatten" => {
            let v = one_arg(a, name)?;
            let mut out = Vec::new();
            if !flatten_into(v, &mut out)? {
                return Ok(unknown_like(a));
            }
            Ok(V::list(out))
        }
        "compact" => {
            let l = list_arg(a, 0, name)?;
            if l.iter().any(V::is_unknown) {
                return Ok(unknown_like(a));
            }
            Ok(V::list(
                l.iter()
                    .filter(|v| !matches!(v, V::Null) && v.as_str() != Some(""))
                    .cloned()
                    .collect(),
            ))
        }
        "try" => Ok(a.first().cloned().unwrap_or(V::Null)),
        "range" => range(a),
        "cidrsubnet" => {
            let net = cidr_arg(a, 0)?;
            let newbits = int_arg(a, 1, name)?;
            let netnum = int_arg(a, 2, name)?;
            cidrsubnet(net, newbits, netnum).map(|n| V::str(n.to_string()))
        }
        "cidrsubnets" => {
            let net = cidr_arg(a, 0)?;
            let bits: Vec<i64> = (1..a.len())
                .map(|i| int_arg(a, i, name))
                .collect::<R<_>>()?;
            cidrsubnets(net, &bits)
                .map(|v| V::list(v.into_iter().map(|n| V::str(n.to_string())).collect()))
        }
        "cidrhost" => {
            let net = cidr_arg(a, 0)?;
            let host = int_arg(a, 1, name)?;
            cidrhost(net, host).map(|ip| V::str(ip.to_string()))
        }
        "cidrnetmask" => {
            let net = cidr_arg(a, 0)?;
            match net {
                IpNet::V4(n) => Ok(V::str(n.netmask().to_string())),
                IpNet::V6(_) => Err("cidrnetmask: only IPv4 prefixes have a netmask".into()),
            }
        }
        "replace" => {
            let s = str_arg(a, 0, name)?;
            let from = str_arg(a, 1, name)?;
            let to = str_arg(a, 2, name)?;
            if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                let re = compile_regex(&from[1..from.len() - 1], name)?;
                return Ok(V::str(re.replace_all(s, to).into_owned()));
            }
            Ok(V::str(s.replace(from, to)))
        }
        "format" => format(a).map(V::str),
        "formatlist" => formatlist(a),
        "setproduct" => {
            let mut out: Vec<Vec<V>> = vec![Vec::new()];
            for (i, _) in a.iter().enumerate() {
                let l = list_arg(a, i, name)?;
                if out.len().saturating_mul(l.len()) > RANGE_LIMIT * 64 {
                    return Err("setproduct: the product is too large".into());
                }
                out = out
                    .into_iter()
                    .flat_map(|prefix| {
                        l.iter().map(move |x| {
                            let mut p = prefix.clone();
                            p.push(x.clone());
                            p
                        })
                    })
                    .collect();
            }
            if a.is_empty() {
                return Err("setproduct: at least one argument is required".into());
            }
            Ok(V::list(out.into_iter().map(V::list).collect()))
        }
        "md5" | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" => {
            use sha2::Digest;
            let data = str_arg(a, 0, name)?.as_bytes();
            let digest: Vec<u8> = match name {
                "md5" => md5::Md5::digest(data).to_vec(),
                "sha1" => sha1::Sha1::digest(data).to_vec(),
                "sha256" | "base64sha256" => sha2::Sha256::digest(data).to_vec(),
                _ => sha2::Sha512::digest(data).to_vec(),
            };
            Ok(V::str(if name.starts_with("base64") {
                base64_encode(&digest)
            } else {
                digest
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            }))
        }
        "regex" => {
            let re = compile_regex(str_arg(a, 0, name)?, name)?;
            let text = str_arg(a, 1, name)?;
            let caps = re.captures(text).ok_or_else(|| {
                "regex: pattern did not match any part of the given string".to_string()
            })?;
            Ok(regex_result(&re, &caps))
        }
        "regexall" => {
            let re = compile_regex(str_arg(a, 0, name)?, name)?;
            let text = str_arg(a, 1, name)?;
            Ok(V::list(
                re.captures_iter(text)
                    .map(|c| regex_result(&re, &c))
                    .collect(),
            ))
        }
        "transpose" => {
            let m = a
                .first()
                .and_then(V::as_obj)
                .ok_or("transpose: expected a map of lists")?;
            let mut out: BTreeMap<String, Vec<V>> = BTreeMap::new();
            for (k, l) in visible(m) {
                for v in l
                    .as_list()
                    .ok_or("transpose: expected a map of lists of strings")?
                {
                    let key = v.as_str().ok_or("transpose: expected lists of strings")?;
                    out.entry(key.to_string())
                        .or_default()
                        .push(V::str(k.as_str()));
                }
            }
            Ok(V::obj(
                out.into_iter().map(|(k, v)| (k, V::list(v))).collect(),
            ))
        }
        "matchkeys" => {
            let values = list_arg(a, 0, name)?;
            let keys = list_arg(a, 1, name)?;
            let search = list_arg(a, 2, name)?;
            if values.len() != keys.len() {
                return Err("matchkeys: length of keys and values should be equal".into());
            }
            Ok(V::list(
                values
                    .iter()
                    .zip(keys)
                    .filter(|(_, k)| search.contains(k))
                    .map(|(v, _)| v.clone())
                    .collect(),
            ))
        }
        "indent" => {
            let n = int_arg(a, 0, name)?.max(0) as usize;
            let text = str_arg(a, 1, name)?;
            Ok(V::str(text.replace('\n', &format!("\n{}", " ".repeat(n)))))
        }
        "urlencode" => Ok(V::str(urlencode(str_arg(a, 0, name)?))),
        "parseint" => {
            let text = str_arg(a, 0, name)?;
            let base = int_arg(a, 1, name)?;
            if !(2..=62).contains(&base) {
                return Err(format!(
                    "parseint: base must be between 2 and 62, got {base}"
                ));
            }
            let (neg, digits) = match text.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, text.strip_prefix('+').unwrap_or(text)),
            };
            let mut n: f64 = 0.0;
            for c in digits.chars() {
                let d = match c {
                    '0'..='9' => c as i64 - '0' as i64,
                    'a'..='z' => c as i64 - 'a' as i64 + 10,
                    'A'..='Z' if base <= 36 => c as i64 - 'A' as i64 + 10,
                    'A'..='Z' => c as i64 - 'A' as i64 + 36,
                    _ => 99,
                };
                if d >= base || digits.is_empty() {
                    return Err(format!(
                        "parseint: cannot parse {text:?} as a base {base} integer"
                    ));
                }
                n = n * base as f64 + d as f64;
            }
            if digits.is_empty() {
                return Err(format!(
                    "parseint: cannot parse {text:?} as a base {base} integer"
                ));
            }
            Ok(V::Num(if neg { -n } else { n }))
        }
        "yamldecode" => crate::yaml::decode(str_arg(a, 0, name)?),
        "join" => {
            let sep = str_arg(a, 0, name)?;
            let mut parts = Vec::new();
            for l in &a[1..] {
                let l = l.as_list().ok_or("join: expected lists of strings")?;
                for v in l.iter() {
                    if v.is_unknown() {
                        return Ok(unknown_like(std::slice::from_ref(v)));
                    }
                    parts.push(v.to_template_string().ok_or("join: expected strings")?);
                }
            }
            Ok(V::str(parts.join(sep)))
        }
        "split" => {
            let sep = str_arg(a, 0, name)?;
            let s = str_arg(a, 1, name)?;
            if sep.is_empty() {
                // Go's strings.Split: one element per character, none for "".
                return Ok(V::list(
                    s.chars().map(|c| V::str(c.to_string().as_str())).collect(),
                ));
            }
            Ok(V::list(s.split(sep).map(V::str).collect()))
        }
        "lower" => Ok(V::str(str_arg(a, 0, name)?.to_lowercase())),
        "upper" => Ok(V::str(str_arg(a, 0, name)?.to_uppercase())),
        "trimspace" => Ok(V::str(str_arg(a, 0, name)?.trim())),
        "trimprefix" => {
            let s = str_arg(a, 0, name)?;
            let p = str_arg(a, 1, name)?;
            Ok(V::str(s.strip_prefix(p).unwrap_or(s)))
        }
        "trimsuffix" => {
            let s = str_arg(a, 0, name)?;
            let p = str_arg(a, 1, name)?;
            Ok(V::str(s.strip_suffix(p).unwrap_or(s)))
        }
        "trim" => {
            let s = str_arg(a, 0, name)?;
            let cut: Vec<char> = str_arg(a, 1, name)?.chars().collect();
            Ok(V::str(s.trim_matches(|c| cut.contains(&c))))
        }
        "startswith" => Ok(V::Bool(
            str_arg(a, 0, name)?.starts_with(str_arg(a, 1, name)?),
        )),
        "endswith" => Ok(V::Bool(
            str_arg(a, 0, name)?.ends_with(str_arg(a, 1, name)?),
        )),
        "strcontains" => Ok(V::Bool(str_arg(a, 0, name)?.contains(str_arg(a, 1, name)?))),
        "substr" => {
            let s: Vec<char> = str_arg(a, 0, name)?.chars().collect();
            let off = int_arg(a, 1, name)?;
            let len = int_arg(a, 2, name)?;
            let start = if off < 0 { s.len() as i64 + off } else { off };
            if start < 0 || start as usize > s.len() {
                return Err("substr: offset out of range".into());
            }
            let start = start as usize;
            let end = if len < 0 {
                s.len()
            } else {
                (start + len as usize).min(s.len())
            };
            Ok(V::str(s[start..end].iter().collect::<String>()))
        }
        "min" | "max" => {
            let mut nums = Vec::new();
            for v in a {
                nums.push(
                    v.as_num()
                        .ok_or_else(|| format!("{name}: expected numbers"))?,
                );
            }
            if nums.is_empty() {
                return Err(format!("{name}: needs at least one argument"));
            }
            let r = if name == "min" {
                nums.into_iter().fold(f64::INFINITY, f64::min)
            } else {
                nums.into_iter().fold(f64::NEG_INFINITY, f64::max)
            };
            Ok(V::Num(r))
        }
        "abs" => Ok(V::Num(num_arg(a, 0, name)?.abs())),
        "ceil" => Ok(V::Num(num_arg(a, 0, name)?.ceil())),
        "floor" => Ok(V::Num(num_arg(a, 0, name)?.floor())),
        "pow" => Ok(V::Num(num_arg(a, 0, name)?.powf(num_arg(a, 1, name)?))),
        "log" => Ok(V::Num(num_arg(a, 0, name)?.log(num_arg(a, 1, name)?))),
        "signum" => Ok(V::Num(num_arg(a, 0, name)?.signum())),
        "sum" => {
            let l = list_arg(a, 0, name)?;
            if l.is_empty() {
                return Err("sum: the list is empty".into());
            }
            let mut t = 0.0;
            for v in l.iter() {
                t += v.as_num().ok_or("sum: expected numbers")?;
            }
            Ok(V::Num(t))
        }
        "index" => {
            let l = list_arg(a, 0, name)?;
            l.iter()
                .position(|v| v == &a[1])
                .map(|i| V::Num(i as f64))
                .ok_or_else(|| "index: the item is not in the list".into())
        }
        "reverse" => {
            let mut l = list_arg(a, 0, name)?.to_vec();
            l.reverse();
            Ok(V::list(l))
        }
        "sort" => {
            let l = list_arg(a, 0, name)?;
            let mut s: Vec<String> = l
                .iter()
                .map(|v| v.to_template_string().ok_or("sort: expected strings"))
                .collect::<Result<_, _>>()?;
            s.sort();
            Ok(V::list(s.into_iter().map(V::str).collect()))
        }
        "setunion" | "setintersection" | "setsubtract" => {
            let sets: Vec<&[V]> = (0..a.len())
                .map(|i| list_arg(a, i, name))
                .collect::<R<_>>()?;
            let Some(first) = sets.first() else {
                return Err(format!("{name}: needs arguments"));
            };
            let mut out: Vec<V> = first.to_vec();
            for s in &sets[1..] {
                match name {
                    "setunion" => out.extend(s.iter().cloned()),
                    "setintersection" => out.retain(|v| s.contains(v)),
                    _ => out.retain(|v| !s.contains(v)),
                }
            }
            to_set(&out)
        }
        "alltrue" => Ok(V::Bool(
            list_arg(a, 0, name)?
                .iter()
                .all(|v| v.as_bool() == Some(true)),
        )),
        "anytrue" => Ok(V::Bool(
            list_arg(a, 0, name)?
                .iter()
                .any(|v| v.as_bool() == Some(true)),
        )),
        "chunklist" => {
            let l = list_arg(a, 0, name)?;
            let n = int_arg(a, 1, name)?;
            if n <= 0 {
                return Ok(V::list(vec![V::list(l.to_vec())]));
            }
            Ok(V::list(
                l.chunks(n as usize).map(|c| V::list(c.to_vec())).collect(),
            ))
        }
        "coalescelist" => Ok(a
            .iter()
            .find(|v| v.as_list().is_some_and(|l| !l.is_empty()))
            .cloned()
            .unwrap_or(V::list(vec![]))),
        "title" => Ok(V::str(
            str_arg(a, 0, name)?
                .split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        )),
        "base64encode" => Ok(V::str(base64_encode(str_arg(a, 0, name)?.as_bytes()))),
        "base64decode" => base64_decode(str_arg(a, 0, name)?)
            .map(V::str)
            .ok_or_else(|| "base64decode: not valid base64 UTF-8 text".into()),
        "strrev" => Ok(V::str(
            str_arg(a, 0, name)?.chars().rev().collect::<String>(),
        )),
        "can" => Ok(V::Bool(true)),
        "timestamp" | "uuid" | "bcrypt" | "timeadd" | "plantimestamp" => Ok(V::unknown(format!(
            "{name}() is known only at plan or apply time"
        ))),
        _ => Err(format!(
            "function {name}() is not supported by eksdoctor's evaluator"
        )),
    }
}

pub use crate::value::visible;

fn unknown_like(args: &[V]) -> V {
    let reason = args
        .iter()
        .find_map(V::first_unknown)
        .map(|u| u.reason.clone())
        .unwrap_or_else(|| "depends on values known only at plan or apply time".into());
    V::unknown(reason)
}

fn one_arg<'a>(a: &'a [V], name: &str) -> R<&'a V> {
    match a {
        [v] => Ok(v),
        _ => Err(format!("{name} takes one argument, got {}", a.len())),
    }
}

fn str_arg<'a>(a: &'a [V], i: usize, name: &str) -> R<&'a str> {
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

fn num_arg(a: &[V], i: usize, name: &str) -> R<f64> {
    a.get(i)
        .and_then(V::as_num)
        .ok_or_else(|| format!("{name}: argument {} must be a number", i + 1))
}

fn int_arg(a: &[V], i: usize, name: &str) -> R<i64> {
    let n = num_arg(a, i, name)?;
    if n.fract() != 0.0 || n.abs() > 1e15 {
        return Err(format!("{name}: argument {} must be a whole number", i + 1));
    }
    Ok(n as i64)
}

fn list_arg<'a>(a: &'a [V], i: usize, name: &str) -> R<&'a [V]> {
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

fn cidr_arg(a: &[V], i: usize) -> R<IpNet> {
    let s = a
        .get(i)
        .and_then(V::as_str)
        .ok_or("expected a CIDR prefix string")?;
    s.parse::<IpNet>()
        .map_err(|_| format!("invalid CIDR prefix \"{s}\""))
}

fn to_set(l: &[V]) -> R<V> {
    // Elements of one unknown list of distinct values (the AZ names of
    // `aws_availability_zones`) stay distinct: the set keeps them, in order.
    let elems: Vec<&(String, usize)> = l
        .iter()
        .filter_map(|v| match v {
            V::Unknown(u) => u.elem.as_ref(),
            _ => None,
        })
        .collect();
    if !l.is_empty() && elems.len() == l.len() && elems.iter().all(|e| e.0 == elems[0].0) {
        let mut seen = BTreeSet::new();
        return Ok(V::list(
            l.iter()
                .zip(&elems)
                .filter(|(_, e)| seen.insert(e.1))
                .map(|(v, _)| v.clone())
                .collect(),
        ));
    }
    if l.iter().any(V::has_unknown) {
        return Ok(unknown_like(l));
    }
    // Sets of strings iterate in lexical order in Terraform.
    if l.iter().all(|v| matches!(v, V::Str(_))) {
        let s: BTreeSet<&str> = l.iter().filter_map(V::as_str).collect();
        return Ok(V::list(s.into_iter().map(V::str).collect()));
    }
    let mut out: Vec<V> = Vec::new();
    for v in l {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(V::list(out))
}

/// False when an unknown list is met (the result's length is then unknown).
fn flatten_into(v: &V, out: &mut Vec<V>) -> R<bool> {
    match v {
        V::List(l) => {
            for x in l.iter() {
                match x {
                    V::List(_) | V::Unknown(_) => {
                        if !flatten_into(x, out)? {
                            return Ok(false);
                        }
                    }
                    _ => out.push(x.clone()),
                }
            }
            Ok(true)
        }
        V::Unknown(_) => Ok(false),
        _ => Err(format!("flatten: expected a list, got {}", v.type_name())),
    }
}

fn length(a: &[V]) -> R<V> {
    match one_arg(a, "length")? {
        V::List(l) => Ok(V::Num(l.len() as f64)),
        V::Obj(m) => Ok(V::Num(visible(m).count() as f64)),
        V::Str(s) => Ok(V::Num(s.chars().count() as f64)),
        v @ V::Unknown(_) => Ok(v.clone()),
        v => Err(format!(
            "length: cannot take the length of {}",
            v.type_name()
        )),
    }
}

fn slice(a: &[V]) -> R<V> {
    if a.len() != 3 {
        return Err("slice takes 3 arguments".into());
    }
    let from = int_arg(a, 1, "slice");
    let to = int_arg(a, 2, "slice");
    match (&a[0], from, to) {
        (V::List(l), Ok(f), Ok(t)) => {
            if f < 0 || t < f || t as usize > l.len() {
                return Err(format!(
                    "slice: indices {f}..{t} out of range for a list of {}",
                    l.len()
                ));
            }
            Ok(V::list(l[f as usize..t as usize].to_vec()))
        }
        // An unknown list sliced with known bounds still has t - f elements.
        (V::Unknown(u), Ok(f), Ok(t)) if t >= f && t - f <= RANGE_LIMIT as i64 => {
            let id = match (&u.addr, &u.attr) {
                (Some(a), Some(at)) => Some(format!("{a}.{at}")),
                _ => u.elem.as_ref().map(|(id, _)| id.clone()),
            };
            Ok(V::list(
                (f..t)
                    .map(|i| {
                        V::Unknown(Arc::new(Unk {
                            elem: id.clone().map(|id| (id, i as usize)),
                            ..Unk::because(u.reason.clone())
                        }))
                    })
                    .collect(),
            ))
        }
        _ if a.iter().any(V::is_unknown) => Ok(unknown_like(a)),
        (_, Err(e), _) | (_, _, Err(e)) => Err(e),
        (v, _, _) => Err(format!("slice: expected a list, got {}", v.type_name())),
    }
}

fn concat(a: &[V]) -> R<V> {
    if a.is_empty() {
        return Err("concat: not enough arguments (at least one list)".into());
    }
    let mut out = Vec::new();
    for v in a {
        match v {
            V::List(l) => out.extend(l.iter().cloned()),
            V::Unknown(_) => return Ok(unknown_like(std::slice::from_ref(v))),
            _ => return Err(format!("concat: expected lists, got {}", v.type_name())),
        }
    }
    Ok(V::list(out))
}

fn element(a: &[V]) -> R<V> {
    if a.len() != 2 {
        return Err("element takes 2 arguments".into());
    }
    match (&a[0], &a[1]) {
        (V::List(l), i) if !i.is_unknown() => {
            if l.is_empty() {
                return Err("element: cannot use element on an empty list".into());
            }
            let i = int_arg(a, 1, "element")?;
            if i < 0 {
                return Err("element: negative index".into());
            }
            Ok(l[i as usize % l.len()].clone())
        }
        _ if a.iter().any(V::is_unknown) => Ok(unknown_like(a)),
        (v, _) => Err(format!("element: expected a list, got {}", v.type_name())),
    }
}

fn merge(a: &[V]) -> R<V> {
    let mut m = BTreeMap::new();
    for v in a {
        match v {
            V::Obj(o) => {
                for (k, v) in visible(o) {
                    m.insert(k.clone(), v.clone());
                }
            }
            V::Null => {}
            V::Unknown(_) => return Ok(unknown_like(std::slice::from_ref(v))),
            _ => {
                return Err(format!(
                    "merge: expected maps or objects, got {}",
                    v.type_name()
                ))
            }
        }
    }
    Ok(V::obj(m))
}

fn coalesce(a: &[V]) -> R<V> {
    for v in a {
        match v {
            V::Unknown(_) => return Ok(unknown_like(std::slice::from_ref(v))),
            V::Null => {}
            V::Str(s) if s.is_empty() => {}
            _ => return Ok(v.clone()),
        }
    }
    Err("coalesce: no non-null, non-empty argument".into())
}

fn range(a: &[V]) -> R<V> {
    let nums: Vec<f64> = (0..a.len())
        .map(|i| num_arg(a, i, "range"))
        .collect::<R<_>>()?;
    let (start, end, step) = match nums.as_slice() {
        [e] => (0.0, *e, 1.0),
        [s, e] => (*s, *e, if e >= s { 1.0 } else { -1.0 }),
        [s, e, st] => (*s, *e, *st),
        _ => return Err("range takes 1 to 3 arguments".into()),
    };
    if step == 0.0 {
        return Err("range: step must not be zero".into());
    }
    if (step > 0.0 && end < start) || (step < 0.0 && end > start) {
        return Err("range: step has the wrong sign for start and end".into());
    }
    let count = ((end - start) / step).ceil();
    if count > RANGE_LIMIT as f64 {
        return Err(format!(
            "range: more than {RANGE_LIMIT} values would be generated ({}); Terraform refuses this too",
            fmt_num(count)
        ));
    }
    Ok(V::list(
        (0..count as usize)
            .map(|i| V::Num(start + step * i as f64))
            .collect(),
    ))
}

fn format(a: &[V]) -> R<String> {
    let spec = str_arg(a, 0, "format")?;
    let mut out = String::new();
    let mut args = a[1..].iter();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if f.is_ascii_digit() || f == '-' || f == '+' || f == '.' || f == ' ' || f == '#' {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else {
            return Err("format: unterminated verb".into());
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let v = args.next().ok_or("format: too few arguments")?;
        let text = match verb {
            's' | 'v' => match v {
                V::List(_) | V::Obj(_) if verb == 'v' => {
                    v.to_json().map(|j| j.to_string()).unwrap_or_default()
                }
                _ => v.to_template_string().ok_or("format: %s needs a string")?,
            },
            'q' => format!(
                "{:?}",
                v.to_template_string().ok_or("format: %q needs a string")?
            ),
            'd' => {
                let n = v.as_num().ok_or("format: %d needs a number")?;
                format!("{}", n as i64)
            }
            'f' | 'g' | 'e' => {
                let n = v.as_num().ok_or("format: %f needs a number")?;
                match flags.split_once('.') {
                    Some((_, p)) => format!("{n:.*}", p.parse::<usize>().unwrap_or(6)),
                    None => format!("{n:.6}"),
                }
            }
            't' => v.as_bool().ok_or("format: %t needs a bool")?.to_string(),
            _ => return Err(format!("format: verb %{verb} is not supported")),
        };
        // Width and zero padding (`%02d`, `%-10s`).
        let width_spec = flags.split('.').next().unwrap_or("");
        let left = width_spec.starts_with('-');
        let zero = width_spec.trim_start_matches('-').starts_with('0');
        let width: usize = width_spec
            .trim_start_matches(['-', '+', ' ', '#'])
            .parse()
            .unwrap_or(0);
        if width > 4096 {
            return Err("format: width too large".into());
        }
        let len = text.chars().count();
        if len < width {
            let pad = width - len;
            if left {
                out.push_str(&text);
                out.push_str(&" ".repeat(pad));
            } else if zero {
                let (sign, digits) = match text.strip_prefix('-') {
                    Some(d) => ("-", d),
                    None => ("", text.as_str()),
                };
                out.push_str(sign);
                out.push_str(&"0".repeat(pad));
                out.push_str(digits);
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(&text);
            }
        } else {
            out.push_str(&text);
        }
    }
    Ok(out)
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub fn cidrsubnet(net: IpNet, newbits: i64, netnum: i64) -> R<IpNet> {
    let max = if net.addr().is_ipv4() { 32 } else { 128 };
    if newbits < 0 || netnum < 0 {
        return Err("cidrsubnet: newbits and netnum must not be negative".into());
    }
    let newlen = net.prefix_len() as i64 + newbits;
    if newlen > max {
        return Err(format!(
            "cidrsubnet: insufficient address space to extend prefix of {} by {newbits}",
            net.prefix_len()
        ));
    }
    if newbits < 64 && netnum >= (1i64 << newbits) {
        return Err(format!(
            "cidrsubnet: prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let shift = (max - newlen) as u32;
    match net.trunc() {
        IpNet::V4(n) => {
            let base = u32::from(n.network()) as u64;
            let addr = base + ((netnum as u64) << shift);
            Ok(IpNet::V4(
                Ipv4Net::new(Ipv4Addr::from(addr as u32), newlen as u8)
                    .map_err(|e| e.to_string())?,
            ))
        }
        IpNet::V6(n) => {
            let base = u128::from(n.network());
            let addr = base + ((netnum as u128).checked_shl(shift).unwrap_or(0));
            Ok(IpNet::V6(
                Ipv6Net::new(Ipv6Addr::from(addr), newlen as u8).map_err(|e| e.to_string())?,
            ))
        }
    }
}

/// `cidrsubnets(prefix, newbits...)`: consecutive, aligned allocations.
pub fn cidrsubnets(net: IpNet, bits: &[i64]) -> R<Vec<IpNet>> {
    let max = if net.addr().is_ipv4() { 32u32 } else { 128 };
    let base = match net.trunc() {
        IpNet::V4(n) => u32::from(n.network()) as u128,
        IpNet::V6(n) => u128::from(n.network()),
    };
    let end = base + (1u128 << (max - net.prefix_len() as u32)).wrapping_sub(0);
    let mut next = base;
    let mut out = Vec::new();
    for &b in bits {
        if b < 1 {
            return Err("cidrsubnets: each newbits must be at least 1".into());
        }
        let newlen = net.prefix_len() as i64 + b;
        if newlen > max as i64 {
            return Err("cidrsubnets: not enough address space".into());
        }
        let size = 1u128 << (max as i64 - newlen);
        let start = next.div_ceil(size) * size;
        if start + size > end {
            return Err("cidrsubnets: not enough remaining address space".into());
        }
        out.push(match net {
            IpNet::V4(_) => IpNet::V4(
                Ipv4Net::new(Ipv4Addr::from(start as u32), newlen as u8)
                    .map_err(|e| e.to_string())?,
            ),
            IpNet::V6(_) => IpNet::V6(
                Ipv6Net::new(Ipv6Addr::from(start), newlen as u8).map_err(|e| e.to_string())?,
            ),
        });
        next = start + size;
    }
    Ok(out)
}

/// `cidrhost(prefix, hostnum)`; a negative hostnum counts from the end.
pub fn cidrhost(net: IpNet, host: i64) -> R<IpAddr> {
    let max = if net.addr().is_ipv4() { 32u32 } else { 128 };
    let hostbits = max - net.prefix_len() as u32;
    let size: u128 = if hostbits >= 128 {
        u128::MAX
    } else {
        1u128 << hostbits
    };
    let h: u128 = if host < 0 {
        let back = host.unsigned_abs() as u128;
        if back > size {
            return Err(format!("cidrhost: prefix of {} has no host {host}", net));
        }
        size - back
    } else {
        if host as u128 >= size {
            return Err(format!(
                "cidrhost: prefix of {} does not accommodate a host numbered {host}",
                net.prefix_len()
            ));
        }
        host as u128
    };
    Ok(match net.trunc() {
        IpNet::V4(n) => IpAddr::V4(Ipv4Addr::from(u32::from(n.network()) + h as u32)),
        IpNet::V6(n) => IpAddr::V6(Ipv6Addr::from(u128::from(n.network()) + h)),
    })
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 to UTF-8 text; `None` when it is not base64 or not text.
pub fn base64_decode(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || !s.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for chunk in s.as_bytes().chunks(4) {
        let mut n = 0u32;
        let mut pad = 0;
        for &c in chunk {
            let v = match c {
                b'=' => {
                    pad += 1;
                    0
                }
                _ => B64.iter().position(|&x| x == c)? as u32,
            };
            n = n << 6 | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    String::from_utf8(out).ok()
}

/// Terraform's regular expressions are RE2, which Rust's `regex` implements (no look-around,
/// no back-references).
fn compile_regex(pattern: &str, name: &str) -> R<regex::Regex> {
    regex::Regex::new(pattern).map_err(|e| format!("{name}: invalid regular expression: {e}"))
}

/// What `regex` returns for one match: the matched text without capture groups, a map with
/// named groups, a list with unnamed ones.
fn regex_result(re: &regex::Regex, caps: &regex::Captures) -> V {
    let group = |m: Option<regex::Match>| m.map_or(V::Null, |m| V::str(m.as_str()));
    if re.captures_len() == 1 {
        return group(caps.get(0));
    }
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.iter().any(Option::is_some) {
        V::obj(
            names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (n.to_string(), group(caps.get(i + 1)))))
                .collect(),
        )
    } else {
        V::list((1..re.captures_len()).map(|i| group(caps.get(i))).collect())
    }
}

/// `formatlist`: `format` once per element; list arguments must have the same length, other
/// arguments repeat.
fn formatlist(a: &[V]) -> R<V> {
    let spec = str_arg(a, 0, "formatlist")?;
    let mut n: Option<usize> = None;
    for v in &a[1..] {
        if let V::List(l) = v {
            match n {
                Some(m) if m != l.len() => {
                    return Err("formatlist: all list arguments must have the same length".into())
                }
                _ => n = Some(l.len()),
            }
        }
    }
    let n = n.unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut args = vec![V::str(spec)];
        for v in &a[1..] {
            args.push(match v {
                V::List(l) => l[i].clone(),
                other => other.clone(),
            });
        }
        out.push(V::str(format(&args)?.as_str()));
    }
    Ok(V::list(out))
}

/// Go's url.QueryEscape, as Terraform's `urlencode`: letters, digits and `-_.~` stay, a space
/// becomes `+`, every other byte `%XX`.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `csvdecode`: RFC 4180 CSV whose first row names the columns; every other row becomes an
/// object of strings. A row with another number of fields is an error, as in Terraform.
fn csvdecode(text: &str) -> R<V> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut started = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        started = true;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                started = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("csvdecode: a quoted field is not closed".into());
    }
    if started {
        row.push(field);
        rows.push(row);
    }
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return Err("csvdecode: missing header line".into());
    };
    let mut out = Vec::new();
    for (i, r) in rows.enumerate() {
        if r.len() != header.len() {
            return Err(format!(
                "csvdecode: line {}: wrong number of fields ({} instead of {})",
                i + 2,
                r.len(),
                header.len()
            ));
        }
        out.push(V::obj(
            header
                .iter()
                .cloned()
                .zip(r.into_iter().map(V::str))
                .collect(),
        ));
    }
    Ok(V::list(out))
}
