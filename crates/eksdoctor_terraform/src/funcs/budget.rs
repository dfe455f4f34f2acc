//! Bounds on the values an expression may build, so that crafted code (a string doubled through
//! locals, `indent(1000000000, …)`, `jsonencode` of a list of references to one large value)
//! stops with an error at the expression instead of exhausting memory. Real configurations build
//! values far below these bounds.

use super::R;
use crate::value::V;

/// The most text one value may hold: its strings together, counted as written out (a value
/// referenced twice counts twice, as `jsonencode` or a template would write it).
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;

/// The most elements (list items, object entries) one value may hold, counted the same way.
pub const MAX_VALUE_ELEMENTS: usize = 1_000_000;

/// Bytes and elements of `v` written out, stopping as soon as either bound is passed.
#[derive(Default)]
struct Size {
    bytes: usize,
    elements: usize,
}

impl Size {
    fn over(&self) -> bool {
        self.bytes > MAX_VALUE_BYTES || self.elements > MAX_VALUE_ELEMENTS
    }

    fn add(&mut self, v: &V) {
        if self.over() {
            return;
        }
        match v {
            V::Str(s) => self.bytes += s.len(),
            V::Num(_) | V::Bool(_) | V::Null => self.bytes += 8,
            V::List(l) => {
                self.elements += l.len();
                for x in l.iter() {
                    self.add(x);
                    if self.over() {
                        return;
                    }
                }
            }
            V::Obj(m) => {
                self.elements += m.len();
                for (k, x) in m.iter() {
                    self.bytes += k.len();
                    self.add(x);
                    if self.over() {
                        return;
                    }
                }
            }
            V::Unknown(u) => {
                self.bytes += u.pattern.as_ref().map_or(0, String::len);
                self.bytes += u.text.as_ref().map_or(0, String::len);
                if let Some(p) = &u.partial {
                    self.add(p);
                }
            }
        }
    }
}

fn too_large(what: &str) -> String {
    format!(
        "{what} would be larger than eksdoctor's limit for one value ({} MiB of text, {} elements)",
        MAX_VALUE_BYTES / 1024 / 1024,
        MAX_VALUE_ELEMENTS
    )
}

/// An error when `v`, written out, passes the bounds.
pub fn check(v: &V, what: &str) -> R<()> {
    let mut s = Size::default();
    s.add(v);
    if s.over() {
        Err(too_large(what))
    } else {
        Ok(())
    }
}

/// An error when a text of `bytes` bytes passes the bound.
pub fn check_len(bytes: usize, what: &str) -> R<()> {
    if bytes > MAX_VALUE_BYTES {
        Err(too_large(what))
    } else {
        Ok(())
    }
}

/// Before calling `name`: the arguments of functions that write their input out (encoders,
/// `join`, `format`) are checked as written out, and functions whose result can be far larger
/// than their arguments (`indent`, `replace`, `setproduct`, `formatlist`) have their result's
/// size computed first.
pub fn before(name: &str, args: &[V]) -> R<()> {
    let what = format!("the result of {name}()");
    let text = |i: usize| args.get(i).and_then(V::as_str).unwrap_or("");
    match name {
        "jsonencode" | "yamlencode" | "join" | "format" | "formatlist" | "flatten" | "tostring"
        | "base64encode" | "textencodebase64" | "urlencode" | "csvdecode" => {
            for a in args {
                check(a, &what)?;
            }
        }
        "indent" => {
            let n = args.first().and_then(V::as_num).unwrap_or(0.0).max(0.0) as usize;
            let s = text(1);
            let lines = s.matches('\n').count();
            check_len(s.len().saturating_add(n.saturating_mul(lines)), &what)?;
        }
        "replace" => {
            let (s, search, with) = (text(0), text(1), text(2));
            // A regular expression (`/…/`) may match at every position.
            let matches = if search.len() > 2 && search.starts_with('/') && search.ends_with('/') {
                s.len() + 1
            } else if search.is_empty() {
                0
            } else {
                s.matches(search).count()
            };
            check_len(
                s.len().saturating_add(matches.saturating_mul(with.len())),
                &what,
            )?;
        }
        "setproduct" => {
            let product = args
                .iter()
                .map(|a| a.as_list().map_or(1, <[V]>::len))
                .try_fold(1usize, |acc, n| acc.checked_mul(n.max(1)))
                .unwrap_or(usize::MAX);
            if product > MAX_VALUE_ELEMENTS {
                return Err(too_large(&what));
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn shared_values_count_as_written_out() {
        let big = V::str("x".repeat(1024 * 1024));
        let list = V::List(Arc::new(vec![big.clone(); 16]));
        assert!(check(&list, "x").is_ok());
        let list = V::List(Arc::new(vec![big; 17]));
        assert!(check(&list, "x")
            .unwrap_err()
            .contains("larger than eksdoctor's limit"));
    }

    #[test]
    fn amplifying_functions_are_sized_before_they_run() {
        let s = V::str("a\nb");
        assert!(before("indent", &[V::Num(1e9), s.clone()]).is_err());
        assert!(before("indent", &[V::Num(2.0), s]).is_ok());
        let a = V::str("a".repeat(1_000_000));
        assert!(before("replace", &[a.clone(), V::str("a"), V::str("aa")]).is_ok());
        assert!(before("replace", &[a, V::str("a"), V::str("a".repeat(17))]).is_err());
        let l = V::List(Arc::new((0..1000).map(|i| V::Num(i as f64)).collect()));
        assert!(before("setproduct", &[l.clone(), l.clone()]).is_ok());
        assert!(before("setproduct", &[l.clone(), l.clone(), l]).is_err());
    }
}
