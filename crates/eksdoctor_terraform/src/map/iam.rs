//! IAM roles with their managed and inline policies and trust policies.

use super::values::*;
use crate::policy::policy_node;
use crate::res::Res;
use crate::value::V;
use eksdoctor_inventory::*;
use std::collections::HashMap;

pub(super) fn map_iam(res: &[Res], idx: &Index, inv: &mut Inventory) {
    // Customer-managed policies by address, for attachments that point at them.
    let policy_docs: HashMap<&str, Option<Node>> = res
        .iter()
        .filter(|r| r.rtype == "aws_iam_policy" && !r.data)
        .map(|r| {
            (
                r.addr.as_str(),
                r.body
                    .get("policy")
                    .and_then(|p| policy_node(p, &r.body.at_of("policy"))),
            )
        })
        .collect();
    for r in res.iter().filter(|r| r.rtype == "aws_iam_role" && !r.data) {
        let b = &r.body;
        let name = b.get("name").and_then(V::to_template_string);
        let matches_role = |v: Option<&V>| -> bool {
            match v {
                Some(V::Unknown(u)) => u.addr.as_deref() == Some(&r.addr),
                Some(V::Str(s)) => Some(s.to_string()) == name,
                _ => false,
            }
        };
        // ARNs, or their pattern where only the account or partition is unknown.
        let arns = |v: &V| -> Option<Vec<String>> {
            v.as_list()?
                .iter()
                .map(|x| match x {
                    V::Str(s) => Some(s.to_string()),
                    V::Unknown(u) => u.pattern.clone(),
                    _ => None,
                })
                .collect()
        };
        let mut managed: Vec<String> = b
            .get("managed_policy_arns")
            .and_then(arns)
            .unwrap_or_default();
        let mut managed_known = b
            .get("managed_policy_arns")
            .is_none_or(|v| arns(v).is_some());
        let mut inline: Vec<Node> = b
            .blocks("inline_policy")
            .filter_map(|p| {
                p.get("policy")
                    .and_then(|v| policy_node(v, &p.at_of("policy")))
            })
            .collect();
        for a in res.iter().filter(|a| {
            !a.data
                && (a.rtype == "aws_iam_role_policy_attachment" || a.rtype == "aws_iam_role_policy")
        }) {
            if !matches_role(a.body.get("role")) {
                continue;
            }
            if a.rtype == "aws_iam_role_policy" {
                if let Some(n) = a
                    .body
                    .get("policy")
                    .and_then(|v| policy_node(v, &a.body.at_of("policy")))
                {
                    inline.push(n);
                }
                continue;
            }
            match a.body.get("policy_arn") {
                Some(V::Str(s)) => managed.push(s.to_string()),
                Some(V::Unknown(u)) => {
                    if let Some(addr) = &u.addr {
                        if let Some(doc) = policy_docs.get(addr.as_str()) {
                            if let Some(d) = doc {
                                inline.push(d.clone());
                            }
                            continue;
                        }
                    }
                    match &u.pattern {
                        Some(p) => managed.push(p.clone()),
                        None => managed_known = false,
                    }
                }
                _ => managed_known = false,
            }
        }
        let _ = idx;
        let trust = match b.get("assume_role_policy") {
            Some(v) => match policy_node(v, &b.at_of("assume_role_policy")) {
                Some(n) => Val::set(Some(n), b.at_of("assume_role_policy")),
                None => Val::unknown(reason(v), b.at_of("assume_role_policy")),
            },
            None => Val::set(None, b.at.clone()),
        };
        inv.iam_roles.push(IamRole {
            id: Id::global(&r.addr),
            managed_policies: if managed_known {
                match (
                    b.default_of("managed_policy_arns"),
                    b.attrs.contains_key("managed_policy_arns"),
                ) {
                    (Some(why), _) => Val::defaulted(managed, b.at_of("managed_policy_arns"), why),
                    (None, true) => Val::set(managed, b.at_of("managed_policy_arns")),
                    (None, false) => Val::set(managed, b.at.clone()),
                }
            } else {
                Val::unknown("a policy attachment's ARN is not known", b.at.clone())
            },
            inline_policies: inline,
            trust_policy: trust,
            at: b.at.clone(),
        });
    }
}
