//! Models of the most used registry modules, for when their code is not on disk (no
//! `terraform init`): the resources they would create, built from their inputs and their
//! documented defaults per major version. Where a default changed between majors and the version
//! constraint allows both, the value is unknown. Sources: each module's `docs/UPGRADE-*.md` and
//! `variables.tf` (see docs/terraform.md).

use crate::res::{RBody, Res};

use crate::value::V;

use eksdoctor_inventory::Prov;

use std::collections::BTreeMap;

mod eks;
mod iam;
mod node_groups;
mod vpc;

use eks::*;
use iam::*;
use node_groups::*;
use vpc::*;

pub struct Model {
    pub outputs: V,
    pub resources: Vec<Res>,
    pub notes: Vec<String>,
    /// Parts whose resources could not be modelled, e.g. `module.eks (its
    /// `eks_managed_node_groups` are not known)`, each with the resource types it may create
    /// (`None`: any the module may create).
    pub unscanned: Vec<(String, Option<Vec<String>>)>,
}

type Inputs = BTreeMap<String, (V, Prov)>;

/// Major versions a constraint allows, among those modelled; `open` when later majors are allowed.
#[derive(Debug, Clone)]
pub struct Majors {
    pub set: Vec<u32>,
    pub open: bool,
}

impl Majors {
    /// Parse a version constraint (`~> 20.0`, `20.8.4`, `>= 19, < 21`, `~> 20`); `known` lists the
    /// modelled majors.
    pub fn parse(constraint: Option<&str>, known: &[u32]) -> Majors {
        let Some(c) = constraint else {
            return Majors {
                set: known.to_vec(),
                open: true,
            };
        };
        let mut lo = 0u32;
        let mut hi = u32::MAX; // exclusive
        for part in c.split(',') {
            let p = part.trim();
            let (op, v) = if let Some(r) = p.strip_prefix("~>") {
                ("~>", r)
            } else if let Some(r) = p.strip_prefix(">=") {
                (">=", r)
            } else if let Some(r) = p.strip_prefix("<=") {
                ("<=", r)
            } else if let Some(r) = p.strip_prefix("!=") {
                ("!=", r)
            } else if let Some(r) = p.strip_prefix('>') {
                (">", r)
            } else if let Some(r) = p.strip_prefix('<') {
                ("<", r)
            } else if let Some(r) = p.strip_prefix('=') {
                ("=", r)
            } else {
                ("=", p)
            };
            let nums: Vec<u32> = v
                .trim()
                .trim_start_matches('v')
                .split('.')
                .map(|x| x.split('-').next().unwrap_or("").parse().unwrap_or(0))
                .collect();
            let major = nums.first().copied().unwrap_or(0);
            let minor = nums.get(1).copied().unwrap_or(0);
            match op {
                "=" => {
                    lo = lo.max(major);
                    hi = hi.min(major + 1);
                }
                "~>" => {
                    lo = lo.max(major);
                    // `~> 20` and `~> 20.0` allow 20.x; `~> 20.1.2` too. Only `~> 1` with one
                    // number would allow later majors.
                    if nums.len() >= 2 {
                        hi = hi.min(major + 1);
                    }
                }
                ">=" => lo = lo.max(major),
                ">" => {
                    lo = lo.max(if minor == 0 && nums.len() == 1 {
                        major + 1
                    } else {
                        major
                    })
                }
                "<" => {
                    hi = hi.min(if minor == 0 && nums.iter().skip(1).all(|n| *n == 0) {
                        major
                    } else {
                        major + 1
                    })
                }
                "<=" => hi = hi.min(major + 1),
                _ => {}
            }
        }
        let max_known = known.iter().copied().max().unwrap_or(0);
        Majors {
            set: known
                .iter()
                .copied()
                .filter(|m| *m >= lo && *m < hi)
                .collect(),
            open: hi > max_known + 1,
        }
    }

    fn describe(&self) -> String {
        let mut s: Vec<String> = self.set.iter().map(|m| format!("v{m}")).collect();
        if self.open {
            s.push("later".into());
        }
        s.join(", ")
    }
}

/// A default that differs by major version: `None` when the allowed majors disagree.
fn by_major<T: Clone + PartialEq>(m: &Majors, f: impl Fn(u32) -> Option<T>) -> Option<T> {
    // A constraint open to majors later than those modelled (or no constraint at all) may pick a
    // release whose defaults are not known here.
    if m.open {
        return None;
    }
    let mut vals = m.set.iter().map(|&v| f(v));
    let first = vals.next()??;
    for v in vals {
        if v.as_ref() != Some(&first) {
            return None;
        }
    }
    if m.open && m.set.is_empty() {
        return None;
    }
    Some(first)
}

/// The name under which a module call's inputs record where key `key` of its literal map input
/// `input` is written (a null value no model reads as an input).
pub(crate) fn key_input(input: &str, key: &str) -> String {
    format!("\u{1}{input}\u{1}{key}")
}

struct Ctx<'a> {
    inputs: &'a Inputs,
    call_at: &'a Prov,
    addr: &'a str,
    majors: Majors,
    module: &'static str,
    out: Vec<Res>,
    notes: Vec<String>,
    /// Parts whose resources could not be modelled (an input map that is not known).
    unscanned: Vec<(String, Option<Vec<String>>)>,
}

impl Ctx<'_> {
    /// Where an entry of an input map (one node group, one Fargate profile) is written: at its
    /// first attribute, or at the module call when it has none.
    fn entry_at(&self, entry: &Inputs) -> Prov {
        entry
            .values()
            .next()
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| self.call_at.clone())
    }

    fn why(&self) -> &'static str {
        intern(format!(
            "{} {} default",
            self.module,
            self.majors.describe()
        ))
    }

    /// The entries of a map input such as `eks_managed_node_groups`, each merged over the
    /// defaults input and turned into the inputs of a submodule call. An unknown map gives a
    /// note and nothing ("its `what` are not scanned").
    fn map_entries(&mut self, key: &str, defaults_key: &str, what: &str) -> Vec<(String, Inputs)> {
        let Some((entries, at)) = self.input(key) else {
            return Vec::new();
        };
        let Some(m) = entries.as_obj() else {
            self.notes.push(format!(
                "{}: `{key}` is not known; its {what} are not scanned",
                self.addr
            ));
            self.unscanned
                .push((format!("the `{key}` of {} are not known", self.addr), None));
            return Vec::new();
        };
        let defaults = self
            .input(defaults_key)
            .map(|(v, _)| v)
            .unwrap_or(V::obj(BTreeMap::new()));
        m.iter()
            .map(|(k, entry)| {
                // At the entry's own key line when the map is written out, else at the input.
                let at = self
                    .inputs
                    .get(&key_input(key, k))
                    .map_or_else(|| at.clone(), |(_, p)| p.clone());
                let inputs: Inputs = merge_obj(&defaults, entry)
                    .as_obj()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), (v.clone(), at.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                (k.clone(), inputs)
            })
            .collect()
    }

    /// An input's value and where it was set.
    fn input(&self, name: &str) -> Option<(V, Prov)> {
        self.inputs.get(name).filter(|(v, _)| !v.is_null()).cloned()
    }

    /// An input, or its default for the allowed majors (unknown when they disagree).
    fn input_or(&self, name: &str, default: impl Fn(u32) -> Option<V>) -> (V, Prov) {
        if let Some(x) = self.input(name) {
            return x;
        }
        match by_major(&self.majors, default) {
            Some(v) => (v, self.call_at.clone()),
            None => (
                V::unknown(format!(
                    "`{name}` is not set and its default differs between the versions `{}` allows ({}); pin the version or set it",
                    self.module,
                    self.majors.describe()
                )),
                self.call_at.clone(),
            ),
        }
    }

    fn res(&mut self, addr: String, rtype: &str, mut body: RBody) {
        let why = self.why();
        body.mark_defaults(self.call_at, why);
        let base = strip_key(&addr).to_string();
        self.out.push(Res {
            addr,
            base,
            rtype: rtype.to_string(),
            data: false,
            body,
            modelled_by: Some(self.module.to_string()),
        });
    }
}

/// A module default as data: the tables of version-dependent defaults in each model file.
pub(super) enum Def {
    Bool(bool),
    Num(f64),
    Str(&'static str),
    Strs(&'static [&'static str]),
    EmptyList,
    Obj(&'static [(&'static str, Def)]),
}

impl Def {
    fn value(&self) -> V {
        match self {
            Def::Bool(b) => V::Bool(*b),
            Def::Num(n) => V::Num(*n),
            Def::Str(x) => s(x),
            Def::Strs(xs) => strs(xs),
            Def::EmptyList => V::list(vec![]),
            Def::Obj(pairs) => obj(pairs.iter().map(|(k, d)| (*k, d.value())).collect()),
        }
    }
}

/// A default that changed across majors, as data: from each major on (ascending), the value.
/// Before the first entry there is none.
pub(super) type Since = &'static [(u32, Def)];

/// The default of `since` for major `m`.
pub(super) fn since(table: Since) -> impl Fn(u32) -> Option<V> {
    move |m| {
        table
            .iter()
            .rev()
            .find(|(from, _)| *from <= m)
            .map(|(_, d)| d.value())
    }
}

/// Default notes are few and live for the whole run.
fn intern(s: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(x) = seen.get(s.as_str()) {
        return x;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(leaked);
    leaked
}

fn strip_key(addr: &str) -> &str {
    if addr.ends_with(']') {
        if let Some(i) = addr.rfind('[') {
            return &addr[..i];
        }
    }
    addr
}

fn s(x: &str) -> V {
    V::str(x)
}

fn strs(xs: &[&str]) -> V {
    V::list(xs.iter().map(|x| s(x)).collect())
}

fn obj(pairs: Vec<(&str, V)>) -> V {
    V::obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A module object whose other attributes are computed (known after apply) at `addr`.
fn outputs(addr: &str, known: BTreeMap<String, V>) -> V {
    V::instance(addr, known)
}

/// Normalised registry source: `terraform-aws-modules/eks/aws` plus the submodule path.
fn registry(source: &str) -> Option<(String, String)> {
    let s = source
        .trim_start_matches("registry.terraform.io/")
        .trim_start_matches("app.terraform.io/");
    let (main, sub) = match s.split_once("//") {
        Some((m, sub)) => (m, sub.trim_end_matches('/').to_string()),
        None => (s, String::new()),
    };
    let main = main.trim_end_matches('/');
    if main.split('/').count() != 3 {
        return None;
    }
    Some((main.to_string(), sub))
}

/// The model for a module call, when one exists.
pub fn model(
    source: &str,
    version: Option<&str>,
    addr: &str,
    inputs: &Inputs,
    call_at: &Prov,
) -> Option<Model> {
    let (main, sub) = registry(source)?;
    let (module, known): (&'static str, &[u32]) = match main.as_str() {
        "terraform-aws-modules/eks/aws" => ("terraform-aws-modules/eks", &[17, 18, 19, 20, 21]),
        "terraform-aws-modules/vpc/aws" => ("terraform-aws-modules/vpc", &[3, 4, 5, 6]),
        "terraform-aws-modules/iam/aws" => ("terraform-aws-modules/iam", &[5, 6]),
        _ => return None,
    };
    let mut cx = Ctx {
        inputs,
        call_at,
        addr,
        majors: Majors::parse(version, known),
        module,
        out: Vec::new(),
        notes: Vec::new(),
        unscanned: Vec::new(),
    };
    if cx.majors.set.is_empty() {
        return None;
    }
    let outputs = match (module, sub.as_str()) {
        ("terraform-aws-modules/vpc", "") => vpc(&mut cx),
        ("terraform-aws-modules/vpc", "modules/vpc-endpoints") => vpc_endpoints(&mut cx),
        ("terraform-aws-modules/eks", "") => eks(&mut cx),
        ("terraform-aws-modules/eks", "modules/eks-managed-node-group") => {
            let cluster = cx
                .input("cluster_name")
                .map(|(v, _)| v)
                .unwrap_or(V::unknown("cluster_name is not set"));
            managed_node_group(&mut cx, addr, "", inputs, &BTreeMap::new(), &cluster, None)
        }
        ("terraform-aws-modules/eks", "modules/self-managed-node-group") => {
            let cluster = cx
                .input("cluster_name")
                .map(|(v, _)| v)
                .unwrap_or(V::unknown("cluster_name is not set"));
            self_managed_node_group(&mut cx, addr, "", inputs, &cluster, None)
        }
        ("terraform-aws-modules/eks", "modules/karpenter") => karpenter(&mut cx),
        ("terraform-aws-modules/eks", "modules/fargate-profile") => {
            let cluster = cx
                .input("cluster_name")
                .map(|(v, _)| v)
                .unwrap_or(V::unknown("cluster_name is not set"));
            fargate_profile(&mut cx, addr, "", inputs, &BTreeMap::new(), &cluster, None)
        }
        ("terraform-aws-modules/iam", sub) if sub.contains("iam-role-for-service-accounts") => {
            irsa_role(&mut cx)
        }
        ("terraform-aws-modules/iam", "modules/iam-assumable-role-with-oidc") => {
            assumable_role_with_oidc(&mut cx)
        }
        _ => return None,
    };
    Some(Model {
        outputs,
        resources: cx.out,
        notes: cx.notes,
        unscanned: cx.unscanned,
    })
}

/// Outputs of a modelled module that do not depend on its inputs, for references made while
/// its inputs are still being evaluated (the eks module and an IRSA role module feed each
/// other: the role takes the cluster's OIDC provider, an add-on takes the role's ARN).
pub fn input_free_outputs(source: &str, addr: &str) -> Option<V> {
    let (main, sub) = registry(source)?;
    match (main.as_str(), sub.as_str()) {
        ("terraform-aws-modules/eks/aws", "") => Some(outputs(addr, eks_oidc_outputs(addr))),
        _ => None,
    }
}

/// `data/module-resources.csv`: the resource types each terraform-aws-modules module (and
/// submodule) declares in any released version (tools/extract-module-resources.py).
const MODULE_RESOURCES: &str = include_str!("../../data/module-resources.csv");

/// The resource types a registry module call (`terraform-aws-modules/vpc/aws`,
/// `…/iam/aws//modules/iam-role`) can create in any of its versions, when the table knows it.
pub fn created_types(source: &str) -> Option<Vec<String>> {
    static TABLE: std::sync::OnceLock<BTreeMap<(String, String), Vec<String>>> =
        std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for line in MODULE_RESOURCES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
        {
            let mut f = line.split(',');
            if let (Some(src), Some(sub), Some(rtype)) = (f.next(), f.next(), f.next()) {
                t.entry((src.to_string(), sub.to_string()))
                    .or_default()
                    .push(rtype.to_string());
            }
        }
        t
    });
    let (main, sub) = registry(source)?;
    table.get(&(main, sub)).cloned()
}
