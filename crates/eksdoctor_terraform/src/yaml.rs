//! `yamldecode`: YAML into Terraform values the way Terraform reads it (go-cty-yaml, which
//! follows YAML 1.1 for plain scalars): `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0x1f` and
//! `0o17` are integers, `017` is 17, `0b101` and `1_000` stay strings, `~` and an empty value are
//! null, and plain keys are typed the same way before becoming strings. Quoted scalars are
//! strings. Anchors, aliases and merge keys are expanded by the document parser. (Checked
//! against `terraform console`, see tests/data/console-exprs.txt.)

use crate::value::R;
use crate::value::V;
use eksdoctor_inventory::yaml::{parse_marking_plain_keys, PLAIN_KEY};
use eksdoctor_inventory::{Node, NodeKind};

pub fn decode(text: &str) -> R<V> {
    let (docs, err) = parse_marking_plain_keys(text);
    if let Some(e) = err {
        return Err(format!(
            "yamldecode: invalid YAML on line {}: {}",
            e.line, e.message
        ));
    }
    match docs.len() {
        0 => Err("yamldecode: the text holds no YAML document".into()),
        1 => value(&docs[0].root),
        n => Err(format!(
            "yamldecode: the text holds {n} documents; only one is allowed"
        )),
    }
}

fn value(n: &Node) -> R<V> {
    Ok(match &n.kind {
        NodeKind::Null => V::Null,
        NodeKind::Unknown { reason } => V::unknown(reason.clone()),
        NodeKind::Scalar { text, quoted: true } => V::str(text.as_str()),
        NodeKind::Scalar {
            text,
            quoted: false,
        } => plain(text)?,
        NodeKind::Seq(items) => V::list(items.iter().map(value).collect::<R<Vec<_>>>()?),
        NodeKind::Map(entries) => V::obj(
            entries
                .iter()
                .map(|(k, v)| Ok((key(k)?, value(v)?)))
                .collect::<R<_>>()?,
        ),
    })
}

/// A key as Terraform sees it: a plain key is typed like a value, then made a string
/// (`yes:` → `"true"`, `017:` → `"17"`).
fn key(k: &str) -> R<String> {
    let Some(text) = k.strip_prefix(PLAIN_KEY) else {
        return Ok(k.to_string());
    };
    Ok(match plain(text)? {
        V::Null => String::new(),
        V::Bool(b) => b.to_string(),
        V::Num(n) => crate::value::fmt_num(n),
        _ => text.to_string(),
    })
}

/// A plain scalar by the implicit types Terraform applies (go-cty-yaml): YAML 1.1 booleans and
/// nulls; decimal, `0x` and `0o` integers (a leading zero is decimal; no `0b`, no `_`); floats.
fn plain(text: &str) -> R<V> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(V::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Ok(V::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Ok(V::Bool(false))
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!(
                "yamldecode: {text} is not a number Terraform can hold"
            ))
        }
        _ => {}
    }
    if let Some(n) = integer(text) {
        return Ok(V::Num(n));
    }
    if is_float(text) {
        if let Ok(f) = text.parse::<f64>() {
            return Ok(V::Num(f));
        }
    }
    Ok(V::str(text))
}

fn integer(text: &str) -> Option<f64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() {
        return None;
    }
    let parsed = if let Some(h) = digits.strip_prefix("0x") {
        i128::from_str_radix(h, 16).ok()
    } else if let Some(o) = digits.strip_prefix("0o") {
        i128::from_str_radix(o, 8).ok()
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok()
    } else {
        None
    }?;
    let n = parsed as f64;
    Some(if neg { -n } else { n })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - s;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}
