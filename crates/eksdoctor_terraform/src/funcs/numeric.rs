//! Numeric functions: `min`, `max`, `abs`, `ceil`, `floor`, `pow`, `log`, `signum`, `sum`,
//! `parseint`.

use super::*;

group! {
    /// Numeric functions.
    call(name, a), CALL;
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
}
