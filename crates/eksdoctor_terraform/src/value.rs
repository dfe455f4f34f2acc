//! Terraform values as the evaluator sees them. `Unknown` is a value that Terraform itself would
//! only know at plan or apply time (data sources, computed attributes, unset variables); it carries
//! the reason, and for a computed attribute of a resource the resource's address, so references
//! between resources can be followed even though the ids are not known.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Num(f64),
    Str(Arc<str>),
    /// Tuples, lists and sets (a set is kept sorted and without duplicates).
    List(Arc<Vec<V>>),
    /// Objects and maps.
    Obj(Arc<Object>),
    Unknown(Arc<Unk>),
}

/// An object or map value. Its attributes are the map; `addr` is set on the object of a
/// resource or module instance (`aws_iam_role.node`, `module.eks`), whose attributes not listed
/// are computed by that resource and known only after apply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    pub map: BTreeMap<String, V>,
    pub addr: Option<Arc<str>>,
}

impl std::ops::Deref for Object {
    type Target = BTreeMap<String, V>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl std::ops::DerefMut for Object {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.map
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unk {
    pub reason: String,
    /// The resource address whose computed attribute this is (`aws_subnet.private[0]`).
    pub addr: Option<String>,
    /// The attribute of `addr` (`id`, `arn`, `name`).
    pub attr: Option<String>,
    /// A string whose only unknown parts are interpolations, with each unknown part as `*`
    /// (`arn:*:iam::aws:policy/AmazonEKS_CNI_Policy`).
    pub pattern: Option<String>,
    /// The shape of a value that Terraform sees as wholly unknown but whose parts are mostly
    /// known (an IAM policy document with a computed principal, encoded as JSON).
    pub partial: Option<V>,
    /// Element `n` of the unknown list `id` (a data source attribute such as
    /// `data.aws_availability_zones.available.names`): unknown, but distinct from the other
    /// elements of that list.
    pub elem: Option<(String, usize)>,
    /// A string template whose only unknown parts are interpolations, with each unknown part as
    /// [`eksdoctor_inventory::UNKNOWN_VALUE`] (a `kubectl_manifest` heredoc naming a computed
    /// role): the text around them is known.
    pub text: Option<String>,
    /// A sensitive value (a `sensitive` variable or output, `sensitive()`): unknown to every
    /// reader, so it cannot reach any output; kept only for `nonsensitive()`, which the code
    /// uses to declare it safe to show. Any value computed from it loses it.
    pub hidden: Option<V>,
}

impl Unk {
    pub fn because(reason: impl Into<String>) -> Unk {
        Unk {
            reason: reason.into(),
            addr: None,
            attr: None,
            pattern: None,
            partial: None,
            elem: None,
            text: None,
            hidden: None,
        }
    }
}

impl V {
    pub fn str(s: impl Into<Arc<str>>) -> V {
        V::Str(s.into())
    }

    pub fn unknown(reason: impl Into<String>) -> V {
        V::Unknown(Arc::new(Unk::because(reason.into())))
    }

    /// `value`, sensitive: unknown with `reason`, revealed only by `nonsensitive()`.
    pub fn sensitive(value: V, reason: impl Into<String>) -> V {
        V::Unknown(Arc::new(Unk {
            hidden: Some(value),
            ..Unk::because(reason.into())
        }))
    }

    pub fn computed(addr: &str, attr: &str) -> V {
        V::Unknown(Arc::new(Unk {
            reason: format!("{addr}.{attr} is known only after apply"),
            addr: Some(addr.to_string()),
            attr: Some(attr.to_string()),
            pattern: None,
            partial: None,
            elem: None,
            text: None,
            hidden: None,
        }))
    }

    /// A computed attribute whose form is known: `pattern` with `*` for the unknown parts
    /// (an EKS issuer is `https://oidc.eks.*.amazonaws.com/id/*`).
    pub fn computed_like(addr: &str, attr: &str, pattern: &str) -> V {
        V::Unknown(Arc::new(Unk {
            reason: format!("{addr}.{attr} is known only after apply"),
            addr: Some(addr.to_string()),
            attr: Some(attr.to_string()),
            pattern: Some(pattern.to_string()),
            partial: None,
            elem: None,
            text: None,
            hidden: None,
        }))
    }

    /// An unknown value marked as attribute `attr` of resource `addr`, so references to it
    /// still link resources; known values, and unknowns that already name their origin or are
    /// an element of an unknown list, are returned as they are.
    pub fn with_origin(&self, addr: &str, attr: &str) -> V {
        match self {
            V::Unknown(u) if u.addr.is_none() && u.elem.is_none() => {
                let mut u = (**u).clone();
                u.addr = Some(addr.to_string());
                u.attr = Some(attr.to_string());
                V::Unknown(Arc::new(u))
            }
            other => other.clone(),
        }
    }

    pub fn list(items: Vec<V>) -> V {
        V::List(Arc::new(items))
    }

    pub fn obj(map: BTreeMap<String, V>) -> V {
        V::Obj(Arc::new(Object { map, addr: None }))
    }

    /// The object of a resource or module instance at `addr`: an attribute it does not list is
    /// computed by that resource, and an attribute it lists keeps `addr` as its origin (see
    /// [`Object::addr`]).
    pub fn instance(addr: &str, map: BTreeMap<String, V>) -> V {
        V::Obj(Arc::new(Object {
            map,
            addr: Some(addr.into()),
        }))
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, V::Unknown(_))
    }

    /// True when this value or anything inside it is unknown.
    pub fn has_unknown(&self) -> bool {
        match self {
            V::Unknown(_) => true,
            V::List(l) => l.iter().any(V::has_unknown),
            V::Obj(m) => {
                m.keys().any(|k| k.starts_with(ELEM_MARK)) || m.values().any(V::has_unknown)
            }
            _ => false,
        }
    }

    pub fn unk(&self) -> Option<&Unk> {
        match self {
            V::Unknown(u) => Some(u),
            _ => None,
        }
    }

    /// The first unknown inside this value (for a reason to report).
    pub fn first_unknown(&self) -> Option<&Unk> {
        match self {
            V::Unknown(u) => Some(u),
            V::List(l) => l.iter().find_map(V::first_unknown),
            V::Obj(m) => m.values().find_map(V::first_unknown),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Str(s) if &**s == "true" => Some(true),
            V::Str(s) if &**s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            V::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_u32(&self) -> Option<u32> {
        self.as_num()
            .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64)
            .map(|n| n as u32)
    }

    pub fn as_list(&self) -> Option<&[V]> {
        match self {
            V::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_obj(&self) -> Option<&BTreeMap<String, V>> {
        match self {
            V::Obj(m) => Some(m),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.as_obj().and_then(|m| m.get(key))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, V::Null)
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            V::Null => "null",
            V::Bool(_) => "bool",
            V::Num(_) => "number",
            V::Str(_) => "string",
            V::List(_) => "list",
            V::Obj(_) => "object",
            V::Unknown(_) => "unknown",
        }
    }

    /// The value as Terraform prints a primitive in a string template.
    pub fn to_template_string(&self) -> Option<String> {
        match self {
            V::Str(s) => Some(s.to_string()),
            V::Num(n) => Some(fmt_num(*n)),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// JSON encoding (as `jsonencode`); `None` when something inside is unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            V::Null => serde_json::Value::Null,
            V::Bool(b) => serde_json::Value::Bool(*b),
            V::Num(n) => num_json(*n),
            V::Str(s) => serde_json::Value::String(s.to_string()),
            V::List(l) => {
                serde_json::Value::Array(l.iter().map(V::to_json).collect::<Option<Vec<_>>>()?)
            }
            V::Obj(m) => {
                let mut o = serde_json::Map::new();
                for (k, v) in m.iter() {
                    if k.starts_with(ELEM_MARK) {
                        return None;
                    }
                    o.insert(k.clone(), v.to_json()?);
                }
                serde_json::Value::Object(o)
            }
            V::Unknown(_) => return None,
        })
    }

    pub fn from_json(j: &serde_json::Value) -> V {
        match j {
            serde_json::Value::Null => V::Null,
            serde_json::Value::Bool(b) => V::Bool(*b),
            serde_json::Value::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => V::str(s.as_str()),
            serde_json::Value::Array(a) => V::list(a.iter().map(V::from_json).collect()),
            serde_json::Value::Object(o) => V::obj(
                o.iter()
                    .map(|(k, v)| (k.clone(), V::from_json(v)))
                    .collect(),
            ),
        }
    }
}

fn num_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Marks an object key that stands for an element of an unknown list (an AZ name read by a
/// data source): `\u{1}data.aws_availability_zones.available.names[0]`.
pub const ELEM_MARK: char = '\u{1}';

/// The object key for element `i` of the unknown list `id`.
pub fn elem_key(id: &str, i: usize) -> String {
    format!("{ELEM_MARK}{id}[{i}]")
}

/// An object key as a value: an element key becomes the unknown element again.
pub fn key_value(k: &str) -> V {
    if let Some(rest) = k.strip_prefix(ELEM_MARK) {
        if let Some((id, i)) = rest.strip_suffix(']').and_then(|r| r.rsplit_once('[')) {
            if let Ok(i) = i.parse() {
                return V::Unknown(Arc::new(Unk {
                    elem: Some((id.to_string(), i)),
                    text: None,
                    ..Unk::because(format!("{id} is read from the provider at plan time"))
                }));
            }
        }
    }
    V::str(k)
}

/// An object key for a value: strings as they are, unknown list elements as element keys.
pub fn value_key(v: &V) -> Option<String> {
    match v {
        V::Unknown(u) => u.elem.as_ref().map(|(id, i)| elem_key(id, *i)),
        other => other.to_template_string(),
    }
}

/// A key as shown in addresses and messages.
pub fn display_key(k: &str) -> &str {
    k.strip_prefix(ELEM_MARK).unwrap_or(k)
}

/// Numbers as Terraform prints them: integers without a fraction.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl fmt::Display for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            V::Null => write!(f, "null"),
            V::Bool(b) => write!(f, "{b}"),
            V::Num(n) => write!(f, "{}", fmt_num(*n)),
            V::Str(s) => write!(f, "{s:?}"),
            V::List(l) => {
                write!(f, "[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            V::Obj(m) => {
                write!(f, "{{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k:?} = {v}")?;
                }
                write!(f, "}}")
            }
            V::Unknown(_) => write!(f, "(known after apply)"),
        }
    }
}

/// How [`to_node`] renders an unknown value whose shape is partly known.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PartialAs {
    /// As a tree, unknown leaves as their pattern or unknown nodes (policy documents, whose
    /// statements rules read one by one).
    Tree,
    /// As one scalar holding its JSON text (a `yamlencode` of a list with a computed ARN), or an
    /// unknown node when nothing of its shape is known.
    Text,
}

/// Convert a value to a document tree whose nodes all carry `line`.
pub fn to_node(v: &V, line: u32, partial: PartialAs) -> eksdoctor_inventory::Node {
    use eksdoctor_inventory::NodeKind;
    let scalar = |text: String, quoted: bool| NodeKind::Scalar { text, quoted };
    let kind = match v {
        V::Null => NodeKind::Null,
        V::Bool(b) => scalar(b.to_string(), false),
        V::Num(n) => scalar(fmt_num(*n), false),
        V::Str(s) => scalar(s.to_string(), true),
        V::List(l) => NodeKind::Seq(l.iter().map(|x| to_node(x, line, partial)).collect()),
        V::Obj(m) => NodeKind::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), to_node(x, line, partial)))
                .collect(),
        ),
        V::Unknown(u) => match (partial, &u.partial, &u.pattern) {
            (PartialAs::Tree, Some(p), _) => return to_node(p, line, partial),
            // A known pattern (`arn:aws:iam::*:oidc-provider/oidc.eks.*`) is what is known of it.
            (PartialAs::Tree, None, Some(pat)) => scalar(pat.clone(), true),
            (PartialAs::Text, Some(p), _) => scalar(lossy_json(p).to_string(), true),
            (_, None, _) => NodeKind::Unknown {
                reason: u.reason.clone(),
            },
        },
    };
    eksdoctor_inventory::Node { line, kind }
}

/// JSON of a partly known value, unknown parts as `(known after apply)` (or their pattern).
pub fn lossy_json(v: &V) -> serde_json::Value {
    match v {
        V::Unknown(u) => match (&u.partial, &u.pattern) {
            (Some(p), _) => lossy_json(p),
            (None, Some(p)) => serde_json::Value::String(p.clone()),
            _ => serde_json::Value::String(eksdoctor_inventory::UNKNOWN_VALUE.into()),
        },
        V::List(l) => serde_json::Value::Array(l.iter().map(lossy_json).collect()),
        V::Obj(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| (display_key(k).to_string(), lossy_json(v)))
                .collect(),
        ),
        other => other.to_json().unwrap_or(serde_json::Value::Null),
    }
}

/// The result of an operation on values: a value, or the error Terraform would report.
pub type R<T> = Result<T, String>;
