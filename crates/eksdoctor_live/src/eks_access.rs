//! EKS access and identity: access entries with their associated access policies, Pod Identity
//! associations and OIDC identity provider configs. What cannot be listed is an `Unread` gap of
//! the cluster, so that rules do not take its absence as a fact.

use crate::map::at;
use crate::{describe_each, error_text, Calls};
use aws_sdk_eks::types::IdentityProviderConfig;
use aws_sdk_eks::Client;
use eksdoctor_inventory::*;

/// Read the cluster's access entries, Pod Identity associations and identity providers.
pub(crate) async fn read(
    eks: &Client,
    cluster: &Cluster,
    name: &str,
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    let id = &cluster.id;
    match access_entries(eks, name, id, calls).await {
        Ok(list) => inv.access_entries.extend(list),
        Err(why) => unread(
            inv,
            cluster,
            why,
            &["aws_eks_access_entry", "aws_eks_access_policy_association"],
        ),
    }
    match pod_identity(eks, name, id, calls).await {
        Ok(list) => inv.pod_identity_associations.extend(list),
        Err(why) => unread(inv, cluster, why, &["aws_eks_pod_identity_association"]),
    }
    match identity_providers(eks, name, id, calls).await {
        Ok(list) => inv.identity_providers.extend(list),
        Err(why) => unread(inv, cluster, why, &["aws_eks_identity_provider_config"]),
    }
}

fn unread(inv: &mut Inventory, c: &Cluster, why: String, types: &[&str]) {
    crate::not_read(inv, &c.id, c.at.clone(), why, Some(types));
}

async fn access_entries(
    eks: &Client,
    cluster: &str,
    id: &Id,
    calls: &mut Calls,
) -> Result<Vec<AccessEntry>, String> {
    let what = format!("access entries of {cluster} (eks:ListAccessEntries)");
    let pages = eks
        .list_access_entries()
        .cluster_name(cluster)
        .into_paginator()
        .send();
    let arns = list_all!(calls, what.clone(), pages, access_entries)
        .map_err(|why| format!("the cluster's {what} could not be read: {why}"))?;
    let mut out = Vec::new();
    for principal in arns {
        calls.made += 1;
        let entry = match eks
            .describe_access_entry()
            .cluster_name(cluster)
            .principal_arn(&principal)
            .send()
            .await
        {
            Ok(o) => o.access_entry().cloned(),
            Err(e) => {
                let why = error_text(&e);
                calls.failed(
                    format!("access entry {principal} (eks:DescribeAccessEntry)"),
                    why.clone(),
                );
                return Err(format!("access entry {principal} could not be read: {why}"));
            }
        };
        let pages = eks
            .list_associated_access_policies()
            .cluster_name(cluster)
            .principal_arn(&principal)
            .into_paginator()
            .send();
        let what = format!("access policies of {principal} (eks:ListAssociatedAccessPolicies)");
        let (policies, unresolved) =
            match list_all!(calls, what.clone(), pages, associated_access_policies) {
                Ok(p) => (
                    p.iter()
                        .filter_map(|a| a.policy_arn().map(str::to_string))
                        .collect(),
                    Vec::new(),
                ),
                Err(why) => (Vec::new(), vec![format!("{what}: {why}")]),
            };
        let p = at(
            entry
                .as_ref()
                .and_then(|e| e.access_entry_arn())
                .unwrap_or(&principal),
            None,
        );
        out.push(AccessEntry {
            cluster: id.clone(),
            principal_arn: Id::global(&principal),
            principal_role: Val::set(principal.contains(":role/"), p.clone()),
            // Which entry EKS made for the creator is not in the API's answer.
            creator: false,
            kubernetes_groups: entry
                .as_ref()
                .map(|e| e.kubernetes_groups().to_vec())
                .unwrap_or_default(),
            access_policies: policies,
            unresolved_policies: unresolved,
            at: p,
        });
    }
    Ok(out)
}

async fn pod_identity(
    eks: &Client,
    cluster: &str,
    id: &Id,
    calls: &mut Calls,
) -> Result<Vec<PodIdentityAssociation>, String> {
    let what = format!("Pod Identity associations of {cluster} (eks:ListPodIdentityAssociations)");
    let pages = eks
        .list_pod_identity_associations()
        .cluster_name(cluster)
        .into_paginator()
        .send();
    let list = list_all!(calls, what.clone(), pages, associations)
        .map_err(|why| format!("the cluster's {what} could not be read: {why}"))?;
    let ids = list
        .iter()
        .filter_map(|a| a.association_id().map(str::to_string))
        .collect();
    let what =
        |a: &str| format!("Pod Identity association {a} (eks:DescribePodIdentityAssociation)");
    let describe = |a: String| async move {
        let o = eks
            .describe_pod_identity_association()
            .cluster_name(cluster)
            .association_id(a)
            .send()
            .await?;
        Ok(o.association().map(|a| {
            let p = at(a.association_arn().unwrap_or_default(), None);
            PodIdentityAssociation {
                cluster: id.clone(),
                namespace: a.namespace().unwrap_or_default().to_string(),
                service_account: a.service_account().unwrap_or_default().to_string(),
                role: Val::set(a.role_arn().map(Id::global), p.clone()),
                at: p,
            }
        }))
    };
    match describe_each(ids, calls, what, describe).await {
        (out, false) => Ok(out),
        (_, true) => Err(format!(
            "a Pod Identity association of {cluster} could not be described"
        )),
    }
}

async fn identity_providers(
    eks: &Client,
    cluster: &str,
    id: &Id,
    calls: &mut Calls,
) -> Result<Vec<IdentityProvider>, String> {
    let what = format!("identity provider configs of {cluster} (eks:ListIdentityProviderConfigs)");
    let pages = eks
        .list_identity_provider_configs()
        .cluster_name(cluster)
        .into_paginator()
        .send();
    let list: Vec<IdentityProviderConfig> =
        list_all!(calls, what.clone(), pages, identity_provider_configs)
            .map_err(|why| format!("the cluster's {what} could not be read: {why}"))?;
    let mut out = Vec::new();
    for cfg in list {
        let name = cfg.name().to_string();
        calls.made += 1;
        let got = eks
            .describe_identity_provider_config()
            .cluster_name(cluster)
            .identity_provider_config(cfg)
            .send()
            .await;
        let oidc = match got {
            Ok(o) => o.identity_provider_config().and_then(|c| c.oidc()).cloned(),
            Err(e) => {
                let why = error_text(&e);
                calls.failed(
                    format!("identity provider {name} (eks:DescribeIdentityProviderConfig)"),
                    why.clone(),
                );
                return Err(format!("identity provider {name} could not be read: {why}"));
            }
        };
        let p = at(
            oidc.as_ref()
                .and_then(|o| o.identity_provider_config_arn())
                .unwrap_or(&name),
            None,
        );
        out.push(IdentityProvider {
            cluster: id.clone(),
            name: Val::set(name, p.clone()),
            issuer_url: match oidc.as_ref().and_then(|o| o.issuer_url()) {
                Some(u) => Val::set(u.to_string(), p.clone()),
                None => Val::unknown("the API response has no issuer URL", p.clone()),
            },
            at: p,
        });
    }
    Ok(out)
}
