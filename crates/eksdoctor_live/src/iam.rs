//! IAM: the roles that node groups and add-ons use (trust policy, attached and inline policy
//! documents, URL-decoded as IAM returns them) and the account's OIDC providers.

use crate::k8s_map::to_node;
use crate::map::at;
use crate::{error_text, Calls};
use aws_sdk_iam::Client;
use eksdoctor_inventory::*;

/// The IAM name of a role ARN (`arn:aws:iam::1:role/path/name` → `name`).
fn role_name(arn: &str) -> Option<&str> {
    arn.split_once(":role/")
        .map(|(_, rest)| rest.rsplit('/').next().unwrap_or(rest))
}

/// A policy document as IAM returns it (URL-encoded JSON) as a tree; `None` when it is not JSON.
pub(crate) fn document(encoded: &str) -> Option<Node> {
    let text = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .map(|v| to_node(&v))
}

/// The node role of each self-managed node group from its instance profile
/// (iam:GetInstanceProfile): the profile's role, or why it is not known.
pub(crate) async fn profile_roles(
    iam: &Client,
    cluster: &Id,
    profiles: &[crate::templates::ProfileUse],
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    for u in profiles {
        // `arn:aws:iam::123456789012:instance-profile/path/name` or the name itself.
        let name = u.profile.rsplit('/').next().unwrap_or(&u.profile);
        calls.made += 1;
        let role = match iam
            .get_instance_profile()
            .instance_profile_name(name)
            .send()
            .await
        {
            Ok(o) => Ok(o
                .instance_profile()
                .and_then(|p| p.roles().first())
                .map(|r| Id::global(r.arn()))),
            Err(e) => {
                let why = error_text(&e);
                calls.failed(
                    format!("instance profile {name} (iam:GetInstanceProfile)"),
                    why.clone(),
                );
                Err(format!("instance profile {name} could not be read: {why}"))
            }
        };
        if let Some(ng) = crate::templates::node_group(inv, cluster, &u.node_group) {
            let at = ng.at.clone();
            ng.node_role = match role {
                Ok(r) => Val::set(r, at),
                Err(why) => Val::unknown(why, at),
            };
        }
    }
}

/// Read each role of `arns` into `inv` (once per ARN); a role that cannot be read stays absent,
/// so the rules that need its policies say that it is not known, with the failed call noted.
pub(crate) async fn read_roles(
    iam: &Client,
    arns: &[String],
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    for arn in arns {
        if inv.iam_roles.iter().any(|r| r.id.name() == arn) {
            continue;
        }
        let Some(name) = role_name(arn) else { continue };
        if let Some(role) = read_role(iam, arn, name, calls).await {
            inv.iam_roles.push(role);
        }
    }
}

async fn read_role(iam: &Client, arn: &str, name: &str, calls: &mut Calls) -> Option<IamRole> {
    let p = at(arn, None);
    calls.made += 1;
    let got = match iam.get_role().role_name(name).send().await {
        Ok(o) => o,
        Err(e) => {
            calls.failed(format!("role {name} (iam:GetRole)"), error_text(&e));
            return None;
        }
    };
    let trust = got
        .role()
        .and_then(|r| r.assume_role_policy_document())
        .and_then(document);
    let mut role = IamRole {
        id: Id::global(arn),
        name: Some(name.to_string()),
        managed_policies: Val::set(Vec::new(), p.clone()),
        inline_policies: Vec::new(),
        unresolved_policies: Vec::new(),
        trust_policy: Val::set(trust, p.clone()),
        at: p.clone(),
    };
    attached(iam, name, calls, &mut role).await;
    inline(iam, name, calls, &mut role).await;
    Some(role)
}

/// Attached policies: AWS managed ones by ARN, the account's own by their default version's
/// document.
async fn attached(iam: &Client, name: &str, calls: &mut Calls, role: &mut IamRole) {
    let what = format!("policies attached to role {name} (iam:ListAttachedRolePolicies)");
    let pages = iam
        .list_attached_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    let policies = match list_all!(calls, what.clone(), pages, attached_policies) {
        Ok(p) => p,
        Err(why) => {
            role.managed_policies = Val::unknown(format!("{what}: {why}"), role.at.clone());
            return;
        }
    };
    let mut managed = Vec::new();
    for arn in policies.iter().filter_map(|p| p.policy_arn()) {
        if aws_managed_policy_name(arn).is_some() {
            managed.push(arn.to_string());
            continue;
        }
        match policy_document(iam, arn, calls).await {
            Some(doc) => role.inline_policies.push(doc),
            None => role.unresolved_policies.push(format!(
                "`{arn}`: its document could not be read (iam:GetPolicy, iam:GetPolicyVersion)"
            )),
        }
    }
    role.managed_policies = Val::set(managed, role.at.clone());
}

/// The default version's document of a customer-managed policy.
async fn policy_document(iam: &Client, arn: &str, calls: &mut Calls) -> Option<Node> {
    calls.made += 1;
    let version = match iam.get_policy().policy_arn(arn).send().await {
        Ok(o) => o.policy()?.default_version_id()?.to_string(),
        Err(e) => {
            calls.failed(format!("policy {arn} (iam:GetPolicy)"), error_text(&e));
            return None;
        }
    };
    calls.made += 1;
    match iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
    {
        Ok(o) => o.policy_version()?.document().and_then(document),
        Err(e) => {
            calls.failed(
                format!("policy {arn} (iam:GetPolicyVersion)"),
                error_text(&e),
            );
            None
        }
    }
}

/// Inline policies, each document.
async fn inline(iam: &Client, name: &str, calls: &mut Calls, role: &mut IamRole) {
    let what = format!("inline policies of role {name} (iam:ListRolePolicies)");
    let pages = iam
        .list_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    let names = match list_all!(calls, what.clone(), pages, policy_names) {
        Ok(n) => n,
        Err(why) => {
            role.unresolved_policies.push(format!("{what}: {why}"));
            return;
        }
    };
    for policy in names {
        calls.made += 1;
        match iam
            .get_role_policy()
            .role_name(name)
            .policy_name(&policy)
            .send()
            .await
        {
            Ok(o) => match document(o.policy_document()) {
                Some(doc) => role.inline_policies.push(doc),
                None => role.unresolved_policies.push(format!(
                    "inline policy `{policy}`: its document is not JSON"
                )),
            },
            Err(e) => {
                let why = error_text(&e);
                calls.failed(
                    format!("inline policy {policy} of role {name} (iam:GetRolePolicy)"),
                    why.clone(),
                );
                role.unresolved_policies
                    .push(format!("inline policy `{policy}`: {why}"));
            }
        }
    }
}

/// The issuers (host and path, as in the provider ARNs) of the account's IAM OIDC providers.
pub(crate) async fn oidc_issuers(iam: &Client, calls: &mut Calls) -> Result<Vec<String>, String> {
    calls.made += 1;
    match iam.list_open_id_connect_providers().send().await {
        Ok(o) => Ok(o
            .open_id_connect_provider_list()
            .iter()
            .filter_map(|p| p.arn())
            .filter_map(|a| a.split_once(":oidc-provider/").map(|(_, i)| i.to_string()))
            .collect()),
        Err(e) => {
            let why = error_text(&e);
            calls.failed(
                "the account's OIDC providers (iam:ListOpenIDConnectProviders)",
                why.clone(),
            );
            Err(why)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_documents() {
        assert_eq!(role_name("arn:aws:iam::1:role/eks/nodes"), Some("nodes"));
        assert_eq!(role_name("arn:aws:iam::1:role/nodes"), Some("nodes"));
        assert_eq!(role_name("arn:aws:iam::1:user/alice"), None);
        let doc =
            document("%7B%22Statement%22%3A%5B%7B%22Action%22%3A%22s3%3A%2A%22%7D%5D%7D").unwrap();
        let action = doc.get("Statement").unwrap().items()[0]
            .get("Action")
            .unwrap();
        assert_eq!(action.as_str(), Some("s3:*"));
        assert!(document("not json").is_none());
    }
}
