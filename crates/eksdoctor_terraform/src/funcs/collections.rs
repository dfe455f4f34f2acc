//! Collection functions: lists, maps and sets (`keys`, `lookup`, `flatten`, `setproduct`, `sort`,
//! ...), including those that look into partly unknown lists (`length`, `slice`, `concat`).

use super::*;

group! {
    /// Lists and maps: keys, values, lookup, contains, distinct, zipmap, flatten, range, ...
    lists_and_maps(name, a), LISTS_AND_MAPS;
    "keys" => {
        let v = one_arg(a, name)?;
        match v {
            V::Obj(m) => Ok(V::list(
                m.keys().map(|k| crate::value::key_value(k))
                    .collect(),
            )),
            V::Unknown(_) => Ok(v.clone()),
            _ => Err(format!("keys: expected a map, got {}", v.type_name())),
        }
    }
    "values" => {
        let v = one_arg(a, name)?;
        match v {
            V::Obj(m) => Ok(V::list(m.values().cloned().collect())),
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
        if a.iter().any(V::is_unknown) {
            return Ok(unknown_like(a));
        }
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
        if a.iter().any(V::is_unknown) {
            return Ok(unknown_like(a));
        }
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
        if a.iter().any(V::is_unknown) {
            return Ok(unknown_like(a));
        }
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
}

group! {
    /// Sets, ordering and reshaping: setproduct, transpose, matchkeys, sort, set operations, ...
    sets_and_order(name, a), SETS_AND_ORDER;
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
    "transpose" => {
        let m = a
            .first()
            .and_then(V::as_obj)
            .ok_or("transpose: expected a map of lists")?;
        let mut out: BTreeMap<String, Vec<V>> = BTreeMap::new();
        for (k, l) in m.iter() {
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
}

pub(super) fn to_set(l: &[V]) -> R<V> {
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
pub(super) fn flatten_into(v: &V, out: &mut Vec<V>) -> R<bool> {
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

pub(super) fn length(a: &[V]) -> R<V> {
    match one_arg(a, "length")? {
        V::List(l) => Ok(V::Num(l.len() as f64)),
        V::Obj(m) => Ok(V::Num(m.iter().count() as f64)),
        V::Str(s) => Ok(V::Num(s.chars().count() as f64)),
        v @ V::Unknown(_) => Ok(v.clone()),
        v => Err(format!(
            "length: cannot take the length of {}",
            v.type_name()
        )),
    }
}

pub(super) fn slice(a: &[V]) -> R<V> {
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

pub(super) fn concat(a: &[V]) -> R<V> {
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

pub(super) fn element(a: &[V]) -> R<V> {
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

pub(super) fn merge(a: &[V]) -> R<V> {
    let mut m = BTreeMap::new();
    for v in a {
        match v {
            V::Obj(o) => {
                for (k, v) in o.iter() {
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

pub(super) fn coalesce(a: &[V]) -> R<V> {
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

pub(super) fn range(a: &[V]) -> R<V> {
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
