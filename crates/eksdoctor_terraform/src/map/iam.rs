//! IAM roles with their managed and inline policies and trust policies.

use super::values::*;
use crate::policy::policy_node;
use crate::res::Res;
use crate::value::V;
use eksdoctor_inventory::*;
use std::collections::HashMap;

/// Customer-managed policies by address: their documents, when known.
type PolicyDocs<'a> = HashMap<&'a str, Option<Node>>;

/// What a role has attached: ARNs, documents, and what could not be resolved.
#[derive(Default)]
struct Attached {
    managed: Vec<String>,
    inline: Vec<Node>,
    unresolved: Vec<String>,
}

impl Attached {
    /// A policy ARN as written: an AWS managed policy is known by its name; the document of
    /// another account's policy is not in the scan.
    fn listed(&mut self, arn: &str) {
        self.managed.push(arn.to_string());
        self.unresolved.extend(customer_policy_unresolved(arn));
    }

    /// One attached policy ARN: an AWS-managed ARN (or its pattern, where only the account or
    /// partition is unknown), a customer-managed policy of the scan (its document), or unknown.
    fn arn(&mut self, v: &V, docs: &PolicyDocs) {
        match v {
            V::Str(s) => self.listed(s),
            V::Unknown(u) => match (u.addr.as_deref().map(|a| docs.get(a)), &u.pattern) {
                (Some(Some(Some(doc))), _) => self.inline.push(doc.clone()),
                (Some(Some(None)), _) => self.unresolved.push(format!(
                    "`{}`: its document is not known",
                    u.addr.as_deref().unwrap_or_default()
                )),
                (_, Some(p)) => self.listed(p),
                _ => self
                    .unresolved
                    .push(format!("a policy ARN that is not known: {}", u.reason)),
            },
            other => self.unresolved.push(format!(
                "a policy ARN that is not a string: {}",
                reason(other)
            )),
        }
    }
}

pub(super) fn map_iam(res: &[Res], inv: &mut Inventory) {
    let docs: PolicyDocs = res
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
        inv.iam_roles.push(role(r, res, &docs));
    }
}

fn role(r: &Res, res: &[Res], docs: &PolicyDocs) -> IamRole {
    let b = &r.body;
    let mut att = Attached::default();
    // `managed_policy_arns` as a whole: unknown when it is not a list.
    let listed = match b.get("managed_policy_arns") {
        None => true,
        Some(v) => match v.as_list() {
            Some(l) => {
                l.iter().for_each(|x| att.arn(x, docs));
                true
            }
            None => false,
        },
    };
    att.inline.extend(b.blocks("inline_policy").filter_map(|p| {
        p.get("policy")
            .and_then(|v| policy_node(v, &p.at_of("policy")))
    }));
    attachments(r, res, docs, &mut att);
    let managed = if !listed {
        Val::unknown(
            reason(b.get("managed_policy_arns").unwrap_or(&V::Null)),
            b.at_of("managed_policy_arns"),
        )
    } else {
        match (
            b.default_of("managed_policy_arns"),
            b.attrs.contains_key("managed_policy_arns"),
        ) {
            (Some(why), _) => Val::defaulted(att.managed, b.at_of("managed_policy_arns"), why),
            (None, true) => Val::set(att.managed, b.at_of("managed_policy_arns")),
            (None, false) => Val::set(att.managed, b.at.clone()),
        }
    };
    let trust = match b.get("assume_role_policy") {
        Some(v) => match policy_node(v, &b.at_of("assume_role_policy")) {
            Some(n) => Val::set(Some(n), b.at_of("assume_role_policy")),
            None => Val::unknown(reason(v), b.at_of("assume_role_policy")),
        },
        None => Val::set(None, b.at.clone()),
    };
    IamRole {
        id: Id::global(&r.addr),
        name: b.get("name").and_then(V::to_template_string),
        managed_policies: managed,
        inline_policies: att.inline,
        unresolved_policies: att.unresolved,
        trust_policy: trust,
        at: b.at.clone(),
    }
}

/// The `aws_iam_role_policy_attachment`s and `aws_iam_role_policy`s of role `r`.
fn attachments(r: &Res, res: &[Res], docs: &PolicyDocs, att: &mut Attached) {
    let name = r.body.get("name").and_then(V::to_template_string);
    let matches_role = |v: Option<&V>| -> bool {
        match v {
            Some(V::Unknown(u)) => u.addr.as_deref() == Some(&r.addr),
            Some(V::Str(s)) => Some(s.to_string()) == name,
            _ => false,
        }
    };
    for a in res.iter().filter(|a| {
        !a.data
            && matches!(
                a.rtype.as_str(),
                "aws_iam_role_policy_attachment" | "aws_iam_role_policy"
            )
    }) {
        if !matches_role(a.body.get("role")) {
            continue;
        }
        if a.rtype == "aws_iam_role_policy" {
            if let Some(v) = a.body.get("policy") {
                match policy_node(v, &a.body.at_of("policy")) {
                    Some(n) => att.inline.push(n),
                    None => att
                        .unresolved
                        .push(format!("`{}`: its policy is not known", a.addr)),
                }
            }
            continue;
        }
        att.arn(a.body.get("policy_arn").unwrap_or(&V::Null), docs);
    }
}
