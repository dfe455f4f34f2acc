//! Reading values of resource bodies into `Val`s, the address index, and helpers several
//! resource families share.

use crate::res::{RBody, Res};
use crate::value::V;
use eksdoctor_inventory::*;
use ipnet::IpNet;
use std::collections::{BTreeMap, HashMap};

/// A string list from a value; `None` when the list or an element is unknown.
pub(super) fn str_list(v: &V) -> Option<Vec<String>> {
    match v {
        V::List(l) => l.iter().map(|x| x.to_template_string()).collect(),
        V::Str(s) => Some(vec![s.to_string()]),
        _ => None,
    }
}

pub(super) fn str_map(v: Option<&V>) -> BTreeMap<String, String> {
    v.and_then(V::as_obj)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.to_template_string().map(|s| (k.clone(), s)))
                .collect()
        })
        .unwrap_or_default()
}

/// A role-like reference: known (an ARN or an address), known to be absent, or unknown.
pub(super) fn val_ref(b: &RBody, k: &str) -> Val<Option<Id>> {
    match b.get(k) {
        None => Val::set(None, b.at.clone()),
        Some(v) => match reference(v) {
            Some(r) => Val::set(Some(Id::global(r)), b.at_of(k)),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
    }
}

/// A reference: a known value (an id, a name, an ARN) or the address a computed value comes from.
pub(super) fn reference(v: &V) -> Option<String> {
    match v {
        V::Unknown(u) => u.addr.clone(),
        other => other.to_template_string(),
    }
}

pub(super) fn reason(v: &V) -> String {
    v.first_unknown()
        .map(|u| u.reason.clone())
        .unwrap_or_else(|| format!("not a usable value: {v}"))
}

/// A known value, marked as a default when the body says it was not written.
pub(super) fn known<T>(b: &RBody, k: &str, v: T) -> Val<T> {
    match b.default_of(k) {
        Some(why) => Val::defaulted(v, b.at_of(k), why),
        None => Val::set(v, b.at_of(k)),
    }
}

pub(super) fn val_str(b: &RBody, k: &str, default: Option<(&str, &'static str)>) -> Val<String> {
    match b.get(k) {
        Some(v) => match v.to_template_string() {
            Some(s) => known(b, k, s),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => match default {
            Some((d, why)) => Val::defaulted(d.to_string(), b.at.clone(), why),
            None => Val::unknown(format!("{k} is not set"), b.at.clone()),
        },
    }
}

pub(super) fn val_bool(b: &RBody, k: &str, default: Option<(bool, &'static str)>) -> Val<bool> {
    match b.get(k) {
        Some(v) => match v.as_bool() {
            Some(x) => known(b, k, x),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => match default {
            Some((d, why)) => Val::defaulted(d, b.at.clone(), why),
            None => Val::unknown(format!("{k} is not set"), b.at.clone()),
        },
    }
}

pub(super) fn val_u32(b: &RBody, k: &str) -> Val<u32> {
    match b.get(k) {
        Some(v) => match v.as_u32() {
            Some(x) => known(b, k, x),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => Val::unknown(format!("{k} is not set"), b.at.clone()),
    }
}

pub(super) fn val_list(
    b: &RBody,
    k: &str,
    default: Option<(Vec<String>, &'static str)>,
) -> Val<Vec<String>> {
    match b.get(k) {
        Some(v) => match str_list(v) {
            Some(l) => known(b, k, l),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => match default {
            Some((d, why)) => Val::defaulted(d, b.at.clone(), why),
            None => Val::unknown(format!("{k} is not set"), b.at.clone()),
        },
    }
}

/// References (ids or addresses) in a list attribute; `None` when some cannot be followed. An
/// address gets its root module when the source namespaces the part ([`super::map`]).
pub(super) fn refs(v: &V) -> Option<Vec<Id>> {
    match v {
        V::List(l) => l.iter().map(|x| reference(x).map(Id::global)).collect(),
        V::Str(s) => Some(vec![Id::global(&**s)]),
        _ => None,
    }
}

pub(super) fn val_refs(b: &RBody, k: &str) -> Val<Vec<Id>> {
    match b.get(k) {
        Some(v) => match refs(v) {
            Some(r) => Val::set(r, b.at_of(k)),
            None => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        },
        None => Val::unknown(format!("{k} is not set"), b.at.clone()),
    }
}

pub(super) struct Index<'a> {
    by_addr: HashMap<&'a str, &'a Res>,
    by_base: HashMap<&'a str, Vec<&'a Res>>,
}

impl<'a> Index<'a> {
    pub(super) fn new(res: &'a [Res]) -> Index<'a> {
        let mut by_addr = HashMap::new();
        let mut by_base: HashMap<&str, Vec<&Res>> = HashMap::new();
        for r in res {
            by_addr.insert(r.addr.as_str(), r);
            by_base.entry(r.base.as_str()).or_default().push(r);
        }
        Index { by_addr, by_base }
    }

    /// Resources a reference points at: an exact address, or every instance of a base address.
    pub(super) fn lookup(&self, reference: &str) -> Vec<&'a Res> {
        if let Some(r) = self.by_addr.get(reference) {
            return vec![r];
        }
        self.by_base.get(reference).cloned().unwrap_or_default()
    }

    pub(super) fn of_type(&self, res: &'a [Res], t: &'a str) -> impl Iterator<Item = &'a Res> + 'a {
        res.iter().filter(move |r| !r.data && r.rtype == t)
    }
}

/// The node role behind a launch template's instance profile (`iam_instance_profile { arn | name }`
/// → `aws_iam_instance_profile.role` → `aws_iam_role`).
pub(super) fn role_of_instance_profile(lt: &RBody, idx: &Index, res: &[Res]) -> Val<Option<Id>> {
    let Some(ip) = lt.block("iam_instance_profile") else {
        return Val::unknown(
            "the launch template names no instance profile",
            lt.at.clone(),
        );
    };
    let Some(profile) = ip.get("arn").or(ip.get("name")).and_then(reference) else {
        return Val::unknown("the instance profile is not known", ip.at.clone());
    };
    role_of_profile(&profile, &ip.at, idx, res)
}

/// The role of instance profile `profile` (a reference to an `aws_iam_instance_profile`, or its
/// name), named at `at`.
pub(super) fn role_of_profile(
    profile: &str,
    at: &Prov,
    idx: &Index,
    res: &[Res],
) -> Val<Option<Id>> {
    // A reference to the profile, or its name (a known `name` evaluates to the name itself).
    let by_name = || {
        res.iter().find(|r| {
            r.rtype == "aws_iam_instance_profile"
                && r.body
                    .get("name")
                    .and_then(V::to_template_string)
                    .as_deref()
                    == Some(profile)
        })
    };
    let Some(p) = idx.lookup(profile).into_iter().next().or_else(by_name) else {
        return Val::unknown(
            format!("instance profile {profile} is not in the scanned code"),
            at.clone(),
        );
    };
    match p.body.get("role") {
        Some(V::Unknown(u)) if u.addr.is_some() => {
            Val::set(u.addr.clone().map(Id::global), p.body.at_of("role"))
        }
        Some(v) => match v.to_template_string() {
            // A role given by name: the role with that name, if defined here.
            Some(name) => Val::set(
                res.iter()
                    .find(|r| {
                        r.rtype == "aws_iam_role"
                            && r.body
                                .get("name")
                                .and_then(V::to_template_string)
                                .as_deref()
                                == Some(name.as_str())
                    })
                    .map(|r| r.addr.clone())
                    .or(Some(name))
                    .map(Id::global),
                p.body.at_of("role"),
            ),
            None => Val::unknown(
                "the instance profile's role is not known",
                p.body.at_of("role"),
            ),
        },
        None => Val::unknown("the instance profile names no role", p.body.at.clone()),
    }
}

pub(super) fn strip_addr_attr(a: &str) -> String {
    a.to_string()
}

pub(super) fn ami_family(label: &str) -> Option<AmiFamily> {
    let l = label.to_ascii_uppercase();
    Some(if l.starts_with("AL2023") {
        AmiFamily::AmazonLinux2023
    } else if l.starts_with("AL2_") {
        AmiFamily::AmazonLinux2
    } else if l.starts_with("BOTTLEROCKET") {
        AmiFamily::Bottlerocket
    } else if l.starts_with("WINDOWS") {
        AmiFamily::Windows
    } else if l == "CUSTOM" {
        AmiFamily::Custom
    } else {
        return None;
    })
}

pub(super) fn cidr_val(b: &RBody, k: &str) -> Val<IpNet> {
    match b.get(k) {
        Some(V::Str(s)) => match s.parse::<IpNet>() {
            Ok(n) => Val::set(n.trunc(), b.at_of(k)),
            Err(_) => Val::unknown(format!("{k} `{s}` is not a CIDR block"), b.at_of(k)),
        },
        Some(v) => Val::unknown(format!("{k}: {}", reason(v)), b.at_of(k)),
        None => Val::unknown(format!("{k} is not set (IPAM or IPv6-only)"), b.at.clone()),
    }
}

pub(super) fn azs_of(subnet_refs: &[Id], idx: &Index, at: &Prov) -> Val<Vec<String>> {
    let mut azs: Vec<String> = Vec::new();
    for s in subnet_refs {
        let found = idx.lookup(s.name());
        if found.is_empty() {
            return Val::unknown(
                format!("subnet {s} is not defined in the scanned code"),
                at.clone(),
            );
        }
        for r in found {
            match r
                .body
                .get("availability_zone")
                .and_then(V::to_template_string)
            {
                Some(a) => {
                    if !azs.contains(&a) {
                        azs.push(a);
                    }
                }
                None => {
                    return Val::unknown(
                        format!("the availability zone of {} is not known", r.addr),
                        at.clone(),
                    )
                }
            }
        }
    }
    Val::set(azs, at.clone())
}

pub(super) fn ebs_encrypted(lt: &RBody) -> Val<bool> {
    let Some(bdm) = lt.blocks("block_device_mappings").next() else {
        return Val::unknown(
            "the launch template maps no block device: encryption follows the AMI and the account's EBS encryption-by-default setting",
            lt.at.clone(),
        );
    };
    match bdm.block("ebs") {
        Some(e) => match e.get("encrypted") {
            Some(v) => match v.as_bool() {
                Some(x) => Val::set(x, e.at_of("encrypted")),
                None => Val::unknown(reason(v), e.at_of("encrypted")),
            },
            None => Val::unknown(
                "ebs.encrypted is not set: the account's EBS encryption-by-default setting decides",
                e.at.clone(),
            ),
        },
        None => Val::unknown("no ebs block", bdm.at.clone()),
    }
}

pub(super) fn user_data_max_pods(lt: &RBody) -> Val<Option<u32>> {
    // `user_data_base64`: a launch configuration's other way to give it.
    let key = if lt.get("user_data").is_none() && lt.get("user_data_base64").is_some() {
        "user_data_base64"
    } else {
        "user_data"
    };
    let at = lt.at_of(key);
    let Some(v) = lt.get(key) else {
        return Val::set(None, lt.at.clone());
    };
    let text = match v {
        V::Str(s) => crate::funcs::base64_decode(s).unwrap_or_else(|| s.to_string()),
        _ => return Val::unknown(format!("user_data: {}", reason(v)), at),
    };
    Val::set(eksdoctor_inventory::max_pods_in_user_data(&text), at)
}

/// A launch template's or launch configuration's (`what`) `metadata_options`: HttpTokens (EC2's
/// `optional` when the block omits it) and the hop limit.
pub(super) fn imds_settings(b: &RBody, what: &str) -> (Val<String>, Val<u32>) {
    let md = b.block("metadata_options");
    let http_tokens = match md {
        Some(m) => val_str(
            m,
            "http_tokens",
            Some(("optional", "EC2 default when metadata_options omits it")),
        ),
        None => Val::unknown(
            format!(
                "the {what} sets no metadata_options: the AMI's or the account's default applies"
            ),
            b.at.clone(),
        ),
    };
    let hop_limit = match md.filter(|m| m.get("http_put_response_hop_limit").is_some()) {
        Some(m) => val_u32(m, "http_put_response_hop_limit"),
        None => Val::unknown(
            "http_put_response_hop_limit is not set: the AMI's or the account's default applies",
            md.map_or(b.at.clone(), |m| m.at.clone()),
        ),
    };
    (http_tokens, hop_limit)
}
