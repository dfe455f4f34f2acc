use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Which kind of input a value or finding came from (the `source` field of the JSON contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Tf,
    Plan,
    Eksctl,
    K8s,
    Live,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Tf => "tf",
            SourceKind::Plan => "plan",
            SourceKind::Eksctl => "eksctl",
            SourceKind::K8s => "k8s",
            SourceKind::Live => "live",
        }
    }
}

/// Where a value came from: a place in a file (static inputs), or an object of an API (live
/// inputs), as [`Prov::object`] says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Prov {
    /// The file; for an API object, its display name (the ARN, or `cluster/Kind/namespace/name`).
    pub file: Arc<str>,
    /// The 1-based line in the file; 0 for an API object.
    pub line: u32,
    pub source: SourceKind,
    /// The API object the value was read from, when it was not read from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Arc<ApiObject>>,
}

/// An object of an API a value was read from: an AWS resource by its ARN, or a Kubernetes object
/// by its path in a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ApiObject {
    /// The AWS resource's ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The Kubernetes object: `Kind/namespace/name` (`Kind/name` when cluster-scoped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s: Option<String>,
    /// The cluster a Kubernetes object is in (its name or ARN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

impl ApiObject {
    /// How reports name it: the ARN, or `cluster/Kind/namespace/name`.
    pub fn display(&self) -> String {
        match (&self.arn, &self.k8s, &self.cluster) {
            (Some(arn), _, _) => arn.clone(),
            (None, Some(o), Some(c)) => format!("{c}/{o}"),
            (None, Some(o), None) => o.clone(),
            (None, None, Some(c)) => c.clone(),
            (None, None, None) => "(API object)".into(),
        }
    }
}

impl Prov {
    pub fn new(file: &Arc<str>, line: u32, source: SourceKind) -> Prov {
        Prov {
            file: file.clone(),
            line,
            source,
            object: None,
        }
    }

    /// A value read from an API object (live mode).
    pub fn api(object: ApiObject) -> Prov {
        Prov {
            file: object.display().into(),
            line: 0,
            source: SourceKind::Live,
            object: Some(Arc::new(object)),
        }
    }

    /// The same file and source at another line.
    pub fn at_line(&self, line: u32) -> Prov {
        Prov {
            file: self.file.clone(),
            line,
            source: self.source,
            object: self.object.clone(),
        }
    }
}

impl fmt::Display for Prov {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.object {
            Some(_) => write!(f, "{}", self.file),
            None => write!(f, "{}:{}", self.file, self.line),
        }
    }
}

/// A value as a source saw it.
///
/// `Known` carries `default`: `Some(why)` when the input did not set the value and it was filled from
/// the documented default of the tool that consumes the input (e.g. "eksctl default"); its
/// provenance is then the enclosing object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Val<T> {
    Known {
        value: T,
        at: Prov,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        default: Option<Cow<'static, str>>,
    },
    Unknown {
        reason: String,
        at: Prov,
    },
}

impl<T> Val<T> {
    pub fn set(value: T, at: Prov) -> Val<T> {
        Val::Known {
            value,
            at,
            default: None,
        }
    }

    pub fn defaulted(value: T, at: Prov, why: &'static str) -> Val<T> {
        Val::Known {
            value,
            at,
            default: Some(Cow::Borrowed(why)),
        }
    }

    /// [`Val::unknown`] at a place borrowed.
    pub fn unknown_at(at: &Prov, reason: impl Into<String>) -> Val<T> {
        Val::unknown(reason, at.clone())
    }

    pub fn unknown(reason: impl Into<String>, at: Prov) -> Val<T> {
        Val::Unknown {
            reason: reason.into(),
            at,
        }
    }

    /// A value that only a default filled becomes unknown, with `reason` (the input may be
    /// applied to something whose real setting it does not hold).
    pub fn undefault(&mut self, reason: &str) {
        if self.default_note().is_some() {
            *self = Val::unknown(reason, self.at().clone());
        }
    }

    pub fn known(&self) -> Option<&T> {
        match self {
            Val::Known { value, .. } => Some(value),
            Val::Unknown { .. } => None,
        }
    }

    pub fn at(&self) -> &Prov {
        match self {
            Val::Known { at, .. } | Val::Unknown { at, .. } => at,
        }
    }

    /// `Some(why)` when the value is a default rather than written in the input.
    pub fn default_note(&self) -> Option<&str> {
        match self {
            Val::Known { default, .. } => default.as_deref(),
            Val::Unknown { .. } => None,
        }
    }

    pub fn unknown_reason(&self) -> Option<&str> {
        match self {
            Val::Known { .. } => None,
            Val::Unknown { reason, .. } => Some(reason),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Val<U> {
        match self {
            Val::Known { value, at, default } => Val::Known {
                value: f(value),
                at,
                default,
            },
            Val::Unknown { reason, at } => Val::Unknown { reason, at },
        }
    }
}
