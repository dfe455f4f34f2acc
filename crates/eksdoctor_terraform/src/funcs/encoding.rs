//! Type conversion and encodings: `tostring` and friends, JSON, YAML, CSV, base64, URL encoding
//! and hashes.

use super::*;

group! {
    /// Conversion and encoding functions.
    call(name, a), CALL;
    // A value marked sensitive is never read: it cannot reach any output.
    "sensitive" => Ok(V::sensitive(
        one_arg(a, name)?.clone(),
        "a sensitive value: not read",
    )),
    "nonsensitive" => Ok(match one_arg(a, name)? {
        V::Unknown(u) if u.hidden.is_some() => u.hidden.clone().unwrap_or(V::Null),
        v => v.clone(),
    }),
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
                .map_err(|_| format!("cannot convert \"{}\" to number", eksdoctor_inventory::excerpt(s))),
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
    "urlencode" => Ok(V::str(urlencode(str_arg(a, 0, name)?))),
    "yamldecode" => crate::yaml::decode(str_arg(a, 0, name)?),
    "base64encode" => Ok(V::str(base64_encode(str_arg(a, 0, name)?.as_bytes()))),
    "base64decode" => base64_decode(str_arg(a, 0, name)?)
        .map(V::str)
        .ok_or_else(|| "base64decode: not valid base64 UTF-8 text".into()),
}

pub(super) const B64: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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

/// Go's url.QueryEscape, as Terraform's `urlencode`: letters, digits and `-_.~` stay, a space
/// becomes `+`, every other byte `%XX`.
pub(super) fn urlencode(s: &str) -> String {
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
pub(super) fn csvdecode(text: &str) -> R<V> {
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
