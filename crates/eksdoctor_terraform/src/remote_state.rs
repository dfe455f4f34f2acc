//! `data "terraform_remote_state"` between the root modules of one scan: a root that reads the
//! state another scanned root writes (the same S3 object, GCS prefix, Azure blob or local file)
//! gets that root's outputs, so what it adds to a cluster or VPC of the other root (add-ons,
//! access entries, node groups by `cluster_name`) links to it.
//!
//! Only values the writing root knows cross over; a value known only after apply is unknown in
//! the reader without its address (an address means something only in its own root).

use crate::res::Res;
use crate::value::V;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a root module keeps its state: the backend type and its identifying settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateLocation {
    pub kind: String,
    /// The settings that name the state (bucket and key, …), or the absolute path for `local`.
    pub id: Vec<(String, String)>,
}

/// The settings that name a state object, per backend type.
fn identity_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "s3" => &["bucket", "key"],
        "gcs" => &["bucket", "prefix"],
        "azurerm" => &["storage_account_name", "container_name", "key"],
        "local" => &["path"],
        _ => return None,
    })
}

fn location(kind: &str, settings: &BTreeMap<String, String>, dir: &Path) -> Option<StateLocation> {
    let keys = identity_keys(kind)?;
    let mut id = Vec::new();
    for k in keys {
        let v = match (kind, *k, settings.get(*k)) {
            ("local", "path", p) => {
                let p = p.map_or("terraform.tfstate", String::as_str);
                crate::eval::normalize(&dir.join(p)).display().to_string()
            }
            (_, _, Some(v)) => v.clone(),
            (_, _, None) => return None,
        };
        id.push((k.to_string(), v));
    }
    Some(StateLocation {
        kind: kind.to_string(),
        id,
    })
}

/// Where root module `dir` writes its state: its `backend` block, or the local default
/// `terraform.tfstate`; `None` when the backend is one this does not compare or its identifying
/// settings are not all written (partial configuration given to `terraform init`).
pub fn written(
    dir: &Path,
    backend: Option<&(String, BTreeMap<String, String>)>,
) -> Option<StateLocation> {
    match backend {
        Some((kind, settings)) => location(kind, settings, dir),
        None => location("local", &BTreeMap::new(), dir),
    }
}

/// The remote states root `dir` reads: each `data "terraform_remote_state"` of the root module
/// itself, by name, with the state it names when its settings are known.
pub fn read(dir: &Path, resources: &[Res]) -> Vec<(String, StateLocation)> {
    resources
        .iter()
        .filter(|r| r.data && r.rtype == "terraform_remote_state")
        .filter_map(|r| {
            let name = r.addr.strip_prefix("data.terraform_remote_state.")?;
            if name.contains('.') || name.contains('[') {
                return None;
            }
            let kind = r.body.get("backend")?.as_str()?.to_string();
            let config: BTreeMap<String, String> = match r.body.get("config") {
                Some(V::Obj(o)) => o
                    .map
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect(),
                _ => BTreeMap::new(),
            };
            Some((name.to_string(), location(&kind, &config, dir)?))
        })
        .collect()
}

/// A root's output as another root sees it: known values as they are; anything known only
/// after apply (or a resource object, whose unlisted attributes are computed there) unknown,
/// saying where it comes from.
pub fn transferable(v: &V, root: &Path, output: &str) -> V {
    let why = || {
        V::unknown(format!(
            "output `{output}` of root module `{}` (terraform_remote_state) is known only after apply",
            root.display()
        ))
    };
    match v {
        V::Unknown(_) => why(),
        V::Obj(o) if o.addr.is_some() => why(),
        V::Obj(o) => V::obj(
            o.map
                .iter()
                .map(|(k, x)| (k.clone(), transferable(x, root, output)))
                .collect(),
        ),
        V::List(l) => V::list(l.iter().map(|x| transferable(x, root, output)).collect()),
        other => other.clone(),
    }
}

/// The outputs each reading root gets: for every remote state a root reads, the outputs of the
/// one scanned root that writes that state (with several, or none, nothing is linked).
pub fn links(
    writers: &[(PathBuf, Option<StateLocation>, V)],
    readers: &[(PathBuf, Vec<(String, StateLocation)>)],
) -> Vec<(PathBuf, std::collections::HashMap<String, V>)> {
    let mut out = Vec::new();
    for (dir, reads) in readers {
        let mut remote = std::collections::HashMap::new();
        for (name, loc) in reads {
            let found: Vec<&(PathBuf, Option<StateLocation>, V)> = writers
                .iter()
                .filter(|(w, l, _)| w != dir && l.as_ref() == Some(loc))
                .collect();
            if let [(wdir, _, outputs)] = found.as_slice() {
                let v = match outputs {
                    V::Obj(o) => V::obj(
                        o.map
                            .iter()
                            .map(|(k, x)| (k.clone(), transferable(x, wdir, k)))
                            .collect(),
                    ),
                    other => transferable(other, wdir, "*"),
                };
                remote.insert(name.clone(), v);
            }
        }
        if !remote.is_empty() {
            out.push((dir.clone(), remote));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kv: &[(&str, &str)]) -> BTreeMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_local_state_is_its_path_from_the_writing_root() {
        let w = written(Path::new("/r/envs/eks"), None).unwrap();
        let r = location(
            "local",
            &settings(&[("path", "../eks/terraform.tfstate")]),
            Path::new("/r/envs/apps"),
        )
        .unwrap();
        assert_eq!(w, r);
    }

    #[test]
    fn partial_backend_settings_name_no_state() {
        let b = ("s3".to_string(), settings(&[("bucket", "b")]));
        assert_eq!(written(Path::new("/r"), Some(&b)), None);
        let b = ("consul".to_string(), settings(&[("path", "x")]));
        assert_eq!(written(Path::new("/r"), Some(&b)), None);
    }

    #[test]
    fn one_writer_links_several_do_not_and_unknowns_lose_their_address() {
        let loc = location(
            "s3",
            &settings(&[("bucket", "b"), ("key", "k")]),
            Path::new("/"),
        )
        .unwrap();
        let mut out = BTreeMap::new();
        out.insert("name".to_string(), V::str("prod"));
        out.insert(
            "arn".to_string(),
            V::computed("aws_eks_cluster.this", "arn"),
        );
        let writer = (PathBuf::from("/eks"), Some(loc.clone()), V::obj(out));
        let readers = vec![(
            PathBuf::from("/apps"),
            vec![("eks".to_string(), loc.clone())],
        )];
        let l = links(std::slice::from_ref(&writer), &readers);
        let got = &l[0].1["eks"];
        assert_eq!(got.get("name").and_then(V::as_str), Some("prod"));
        match got.get("arn") {
            Some(V::Unknown(u)) => assert!(u.addr.is_none(), "{u:?}"),
            other => panic!("{other:?}"),
        }
        let twice = [
            writer.clone(),
            (PathBuf::from("/eks2"), writer.1.clone(), writer.2.clone()),
        ];
        assert!(links(&twice, &readers).is_empty());
    }
}
