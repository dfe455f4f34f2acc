//! String functions: formatting, regular expressions, splitting and joining, trimming, case.

use super::*;

group! {
    /// String functions.
    call(name, a), CALL;
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
    "indent" => {
        let n = int_arg(a, 0, name)?.max(0) as usize;
        let text = str_arg(a, 1, name)?;
        Ok(V::str(text.replace('\n', &format!("\n{}", " ".repeat(n)))))
    }
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
    "strrev" => Ok(V::str(
        str_arg(a, 0, name)?.chars().rev().collect::<String>(),
    )),
}

/// The largest width or precision of a `format` verb.
const MAX_FORMAT_WIDTH: usize = 4096;

pub(super) fn format(a: &[V]) -> R<String> {
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
                let precision = match flags.split_once('.') {
                    Some((_, p)) => p.parse::<usize>().unwrap_or(6),
                    None => 6,
                };
                // Like the width: a bound, so that a crafted precision cannot exhaust memory
                // (Rust's formatter also panics above 65535).
                if precision > MAX_FORMAT_WIDTH {
                    return Err("format: precision too large".into());
                }
                format!("{n:.precision$}")
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
        if width > MAX_FORMAT_WIDTH {
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

/// Terraform's regular expressions are RE2, which Rust's `regex` implements (no look-around,
/// no back-references).
pub(super) fn compile_regex(pattern: &str, name: &str) -> R<regex::Regex> {
    regex::Regex::new(pattern).map_err(|e| format!("{name}: invalid regular expression: {e}"))
}

/// What `regex` returns for one match: the matched text without capture groups, a map with
/// named groups, a list with unnamed ones.
pub(super) fn regex_result(re: &regex::Regex, caps: &regex::Captures) -> V {
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
pub(super) fn formatlist(a: &[V]) -> R<V> {
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
