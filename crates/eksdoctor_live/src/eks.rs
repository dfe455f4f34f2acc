//! EKS: the cluster, its managed node groups, Fargate profiles, add-ons (with the versions EKS
//! offers) and insights.

use crate::templates::TemplateUse;
use crate::{describe_each, error_text, map, Calls};
use aws_sdk_eks::Client;
use eksdoctor_inventory::*;

/// What the network reader needs of a cluster read.
pub(crate) struct ClusterRef {
    pub id: Id,
    pub arn: String,
    /// The Kubernetes API server's URL.
    pub endpoint: Option<String>,
    /// The launch templates its node groups use.
    pub templates: Vec<crate::templates::TemplateUse>,
    /// The launch configurations its self-managed node groups use.
    pub configurations: Vec<crate::configurations::ConfigurationUse>,
    /// The cluster's OIDC issuer URL (for IRSA).
    pub oidc_issuer: Option<String>,
    pub vpc: Option<String>,
    /// Every subnet the cluster, its node groups and Fargate profiles name.
    pub subnets: Vec<String>,
    /// When EKS created the cluster.
    pub created: Option<aws_sdk_eks::primitives::DateTime>,
}

/// The one cluster of the region, when no name is given.
pub(crate) async fn only_cluster(
    eks: &Client,
    region: &str,
    calls: &mut Calls,
) -> Result<Vec<String>, String> {
    let pages = eks.list_clusters().into_paginator().send();
    let names = list_all!(calls, "the clusters (eks:ListClusters)", pages, clusters)
        .map_err(|why| format!("eks:ListClusters: {why}"))?;
    match names.as_slice() {
        [one] => Ok(vec![one.clone()]),
        [] => Err(format!("no EKS cluster in region {region}")),
        many => Err(format!(
            "region {region} has {} clusters ({}): name the ones to check",
            many.len(),
            many.join(", ")
        )),
    }
}

/// Read cluster `name` with its node groups, Fargate profiles and add-ons into `inv`.
pub(crate) async fn read_cluster(
    eks: &Client,
    name: &str,
    region: &str,
    calls: &mut Calls,
    inv: &mut Inventory,
) -> Result<ClusterRef, String> {
    calls.made += 1;
    let out = eks
        .describe_cluster()
        .name(name)
        .send()
        .await
        .map_err(|e| format!("eks:DescribeCluster: {}", error_text(&e)))?;
    let c = out
        .cluster()
        .ok_or("eks:DescribeCluster returned no cluster")?;
    let arn = c.arn().unwrap_or(name).to_string();
    let mut cluster = map::cluster(c, region);
    let mut subnets: Vec<String> = c
        .resources_vpc_config()
        .map(|v| v.subnet_ids().to_vec())
        .unwrap_or_default();
    let mut templates = Vec::new();
    for (ng, template) in node_groups(eks, name, &arn, calls).await {
        templates.extend(template);
        subnets.extend(
            ng.subnets
                .known()
                .into_iter()
                .flatten()
                .map(|s| s.name().to_string()),
        );
        inv.node_groups.push(ng);
    }
    for fp in fargate_profiles(eks, name, &arn, calls).await {
        if let Some(Some(s)) = fp.subnets.known() {
            subnets.extend(s.iter().map(|x| x.name().to_string()));
        }
        inv.fargate_profiles.push(fp);
    }
    match addons(eks, name, &arn, calls).await {
        Some(mut list) => {
            if let Some(v) = cluster.version.known() {
                offered_versions(eks, v, &mut list, calls).await;
            }
            inv.addons.extend(list)
        }
        // Which add-ons are managed is not known: the rules that need it stay undecided.
        None => {
            let why = "the cluster's add-ons could not be listed (eks:ListAddons)";
            cluster.default_addons = Val::unknown(why, cluster.at.clone());
            crate::not_read(
                inv,
                &cluster.id,
                cluster.at.clone(),
                why,
                Some(&["aws_eks_addon"]),
            );
        }
    }
    crate::eks_access::read(eks, &cluster, name, calls, inv).await;
    let found = insights(eks, name, &cluster.at, calls).await;
    inv.insights.extend(found);
    subnets.sort();
    subnets.dedup();
    let r = ClusterRef {
        id: cluster.id.clone(),
        arn,
        endpoint: c.endpoint().map(str::to_string),
        templates,
        configurations: Vec::new(),
        oidc_issuer: c
            .identity()
            .and_then(|i| i.oidc())
            .and_then(|o| o.issuer())
            .map(str::to_string),
        vpc: c
            .resources_vpc_config()
            .and_then(|v| v.vpc_id())
            .map(str::to_string),
        subnets,
        created: c.created_at().copied(),
    };
    inv.clusters.push(cluster);
    Ok(r)
}

async fn node_groups(
    eks: &Client,
    cluster: &str,
    arn: &str,
    calls: &mut Calls,
) -> Vec<(NodeGroup, Option<TemplateUse>)> {
    let pages = eks
        .list_nodegroups()
        .cluster_name(cluster)
        .into_paginator()
        .send();
    let what = format!("node groups of {cluster} (eks:ListNodegroups)");
    let Some(names) = list_all!(calls, what, pages, nodegroups).ok() else {
        return Vec::new();
    };
    let what = |n: &str| format!("node group {n} of {cluster} (eks:DescribeNodegroup)");
    let describe = |n: String| async move {
        let o = eks
            .describe_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(n)
            .send()
            .await?;
        Ok(o.nodegroup().map(|g| {
            let template = g.launch_template().map(|l| TemplateUse {
                node_group: g.nodegroup_name().unwrap_or_default().to_string(),
                id: l.id().map(str::to_string),
                name: l.name().map(str::to_string),
                version: l.version().map(str::to_string),
            });
            (map::node_group(g, arn), template)
        }))
    };
    describe_each(names, calls, what, describe).await.0
}

async fn fargate_profiles(
    eks: &Client,
    cluster: &str,
    arn: &str,
    calls: &mut Calls,
) -> Vec<FargateProfile> {
    let pages = eks
        .list_fargate_profiles()
        .cluster_name(cluster)
        .into_paginator()
        .send();
    let what = format!("Fargate profiles of {cluster} (eks:ListFargateProfiles)");
    let Some(names) = list_all!(calls, what, pages, fargate_profile_names).ok() else {
        return Vec::new();
    };
    let what = |n: &str| format!("Fargate profile {n} of {cluster} (eks:DescribeFargateProfile)");
    let describe = |n: String| async move {
        let o = eks
            .describe_fargate_profile()
            .cluster_name(cluster)
            .fargate_profile_name(n)
            .send()
            .await?;
        Ok(o.fargate_profile().map(|p| map::fargate_profile(p, arn)))
    };
    describe_each(names, calls, what, describe).await.0
}

/// The cluster's EKS add-ons; `None` when they could not all be read.
async fn addons(eks: &Client, cluster: &str, arn: &str, calls: &mut Calls) -> Option<Vec<Addon>> {
    let pages = eks
        .list_addons()
        .cluster_name(cluster)
        .into_paginator()
        .send();
    let what = format!("add-ons of {cluster} (eks:ListAddons)");
    let names = list_all!(calls, what, pages, addons).ok()?;
    let what = |n: &str| format!("add-on {n} of {cluster} (eks:DescribeAddon)");
    let describe = |n: String| async move {
        let o = eks
            .describe_addon()
            .cluster_name(cluster)
            .addon_name(n)
            .send()
            .await?;
        Ok(o.addon().map(|a| map::addon(a, arn)))
    };
    match describe_each(names, calls, what, describe).await {
        (list, false) => Some(list),
        (_, true) => None,
    }
}

/// The newest version EKS offers of each add-on for Kubernetes `version`
/// (DescribeAddonVersions); an add-on whose versions cannot be read keeps the embedded table.
pub(crate) async fn offered_versions(
    eks: &Client,
    version: &str,
    addons: &mut [Addon],
    calls: &mut Calls,
) {
    for a in addons.iter_mut() {
        let pages = eks
            .describe_addon_versions()
            .addon_name(&a.name)
            .kubernetes_version(version)
            .into_paginator()
            .send();
        let what = format!(
            "versions of add-on {} for {version} (eks:DescribeAddonVersions)",
            a.name
        );
        let Ok(infos) = list_all!(calls, what, pages, addons) else {
            continue;
        };
        a.offered_latest = infos
            .iter()
            .filter(|i| i.addon_name() == Some(a.name.as_str()))
            .flat_map(|i| i.addon_versions())
            .filter(|v| {
                v.compatibilities()
                    .iter()
                    .any(|c| c.cluster_version() == Some(version))
            })
            .filter_map(|v| v.addon_version())
            .max_by_key(|v| version_numbers(v))
            .map(str::to_string);
    }
}

/// EKS's own upgrade-readiness and configuration checks (cluster insights) that are not
/// passing, with their status, reason and description (the reports show them beside the
/// findings).
async fn insights(eks: &Client, cluster: &str, at: &Prov, calls: &mut Calls) -> Vec<Insight> {
    let what = format!("the insights of {cluster} (eks:ListInsights)");
    let pages = eks
        .list_insights()
        .cluster_name(cluster)
        .into_paginator()
        .send();
    let Ok(list) = list_all!(calls, what, pages, insights) else {
        return Vec::new();
    };
    let id = at
        .object
        .as_ref()
        .and_then(|o| o.arn.clone())
        .unwrap_or_else(|| cluster.to_string());
    list.iter()
        .filter_map(|i| {
            let status = i.insight_status()?;
            let value = status.status()?.as_str();
            (value != "PASSING").then(|| Insight {
                cluster: Id::global(&id),
                name: i.name().unwrap_or_default().to_string(),
                category: i
                    .category()
                    .map_or("no category", |c| c.as_str())
                    .to_string(),
                kubernetes_version: i.kubernetes_version().map(str::to_string),
                status: value.to_string(),
                reason: status.reason().map(str::to_string),
                description: i.description().map(str::to_string),
                at: at.clone(),
            })
        })
        .collect()
}
