//! The normalized inventory of an EKS estate.
//!
//! Sources (eksctl files, Kubernetes manifests, Terraform code, plans and states; live clusters to
//! come) only *fill* an [`Inventory`]; rules only *read* it. Every value is a [`Val`]: known with the place it came
//! from, or unknown with the reason it could not be known. Nothing here does I/O.

mod aws;
pub mod completeness;
mod id;
mod k8s;
mod link;
mod merge;
mod model;
mod node;
pub mod paths;
mod snapshot;
mod val;
pub mod yaml;

pub use aws::*;
pub use completeness::{Completeness, Gap, GapKind, Scope, ACCESS_TYPES, AWS_AUTH_TYPES};
pub use id::Id;
pub use k8s::*;
pub use model::*;
pub use node::{Node, NodeKind};
pub use snapshot::{Snapshot, SNAPSHOT_SCHEMA};
pub use val::{ApiObject, Prov, SourceKind, Val};

/// In a text that mentions an [`Id`] (a message, a reason), separates the identity's root module
/// from its name (`envs/prod\u{1f}aws_eks_cluster.this`), so that reports can show or drop the
/// root module: see [`qualify_namespaces`]. Identities themselves are never such strings.
pub const NS_SEP: char = '\u{1f}';

/// The text that YAML or JSON *text* built by Terraform (a `kubectl_manifest` heredoc with a
/// computed interpolation, a `yamlencode` of a partly known value) holds where Terraform knows a
/// value only after apply. It lives only between the evaluator and the parser: sources turn every
/// such scalar into [`NodeKind::Unknown`] right after parsing ([`Node::mark_unknown`]), so the
/// inventory never holds it as a value.
pub const UNKNOWN_VALUE: &str = "(known after apply)";

/// Remove identifier namespaces from a text: each `<namespace>\u{1f}` (the namespace runs back
/// to the previous backtick, space or start) is dropped.
pub fn strip_namespaces(text: &str) -> String {
    qualify_namespaces(text, |_| false)
}

/// Like [`strip_namespaces`], but a namespace for which `keep` is true stays as a prefix,
/// `<namespace>:` (`envs/prod:module.cluster.aws_eks_cluster.this`), so that findings located in
/// a module shared by several root modules say which root module they come from.
pub fn qualify_namespaces(text: &str, keep: impl Fn(&str) -> bool) -> String {
    if !text.contains(NS_SEP) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch == NS_SEP {
            let cut = out.rfind(['`', ' ', '(', '\'']).map(|i| i + 1).unwrap_or(0);
            if keep(&out[cut..]) {
                out.push(':');
            } else {
                out.truncate(cut);
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// An input value as an error message may echo it: whole when short (a typo in a version or a
/// count is worth seeing), else its first characters and its length, so that a secret pasted
/// into the wrong field is never printed whole.
pub fn excerpt(value: &str) -> String {
    const SHORT: usize = 16;
    const SHOWN: usize = 6;
    let n = value.chars().count();
    if n <= SHORT {
        value.to_string()
    } else {
        let head: String = value.chars().take(SHOWN).collect();
        format!("{head}… ({n} characters)")
    }
}

#[cfg(test)]
mod excerpt_tests {
    #[test]
    fn long_values_are_cut() {
        assert_eq!(super::excerpt("1.3O"), "1.3O");
        assert_eq!(
            super::excerpt("EKSDOCTOR_PLANTED_SECRET_b7f3c1"),
            "EKSDOC… (31 characters)"
        );
    }
}

/// A text from the input made safe to print in any report: C0 and C1 control characters (the
/// escape sequences that can rewrite a terminal, or cut a Markdown or HTML report short), DEL,
/// and bidirectional overrides and isolates (which reorder what a reader sees) are removed;
/// newlines, carriage returns and tabs are shown as `\n`, `\r` and `\t`, so a name cannot
/// forge a line of the report.
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`clean`], in place.
pub fn clean_in_place(s: &mut String) {
    if let std::borrow::Cow::Owned(c) = clean(s) {
        *s = c;
    }
}

/// [`clean`], in place, for a shared name (a file).
pub fn clean_shared(s: &mut std::sync::Arc<str>) {
    if let std::borrow::Cow::Owned(c) = clean(s) {
        *s = c.into();
    }
}

#[cfg(test)]
mod clean_tests {
    #[test]
    fn controls_and_overrides_are_removed_and_newlines_shown() {
        assert_eq!(super::clean("plain `name`"), "plain `name`");
        assert_eq!(super::clean("a\u{1b}]8;;x\u{7}b"), "a]8;;xb");
        assert_eq!(super::clean("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(super::clean("two\nlines\r"), "two\\nlines\\r");
        assert_eq!(super::clean("c1\u{9b}31m"), "c131m");
    }
}
