//! Self-managed node groups: the Auto Scaling groups tagged for the cluster
//! (`kubernetes.io/cluster/<name>`), read with `autoscaling:DescribeAutoScalingGroups`. Managed
//! node groups' own groups (tagged `eks:nodegroup-name`) are read through EKS instead. Their
//! launch templates are read with the managed node groups' (see [`crate::templates`]), their
//! launch configurations next (see [`crate::configurations`]).

use crate::configurations::ConfigurationUse;
use crate::eks::ClusterRef;
use crate::map::at;
use crate::templates::TemplateUse;
use crate::{error_text, not_read, Calls};
use aws_sdk_autoscaling::types::{AutoScalingGroup, Filter};
use aws_sdk_autoscaling::Client;
use eksdoctor_inventory::*;
use std::collections::BTreeMap;

/// Read the cluster's self-managed groups into node groups; their subnets and launch templates
/// join `c`'s, to be read next. A list that fails leaves the cluster's capacity open.
pub(crate) async fn read(
    asg: &Client,
    name: &str,
    c: &mut ClusterRef,
    calls: &mut Calls,
    inv: &mut Inventory,
) {
    let filter = Filter::builder()
        .name("tag-key")
        .values(format!("kubernetes.io/cluster/{name}"))
        .build();
    let pages = asg
        .describe_auto_scaling_groups()
        .filters(filter)
        .into_paginator()
        .send();
    let what =
        format!("self-managed node groups of {name} (autoscaling:DescribeAutoScalingGroups)");
    let groups = match list_all!(calls, what, pages, auto_scaling_groups) {
        Ok(g) => g,
        Err(why) => {
            let why =
                format!("its self-managed node groups (Auto Scaling) could not be read: {why}");
            let cluster = at(&c.arn, None);
            not_read(inv, &c.id, cluster, why, Some(&["aws_autoscaling_group"]));
            return;
        }
    };
    for g in groups.iter().filter(|g| !managed(g)) {
        let (ng, template) = node_group(g, name, &c.arn);
        if let Some(lc) = g.launch_configuration_name() {
            c.configurations.push(ConfigurationUse {
                node_group: ng.name.clone(),
                name: lc.to_string(),
            });
        }
        if let Some(s) = ng.subnets.known() {
            c.subnets.extend(s.iter().map(|x| x.name().to_string()));
        }
        c.templates.extend(template);
        inv.node_groups.push(ng);
    }
    c.subnets.sort();
    c.subnets.dedup();
}

/// A managed node group's own Auto Scaling group.
fn managed(g: &AutoScalingGroup) -> bool {
    g.tags()
        .iter()
        .any(|t| t.key() == Some("eks:nodegroup-name"))
}

/// The node group of an Auto Scaling group of cluster `cluster` (ARN `cluster_arn`), and the
/// launch template it launches from.
fn node_group(
    g: &AutoScalingGroup,
    cluster: &str,
    cluster_arn: &str,
) -> (NodeGroup, Option<TemplateUse>) {
    let name = g.auto_scaling_group_name().unwrap_or_default().to_string();
    let p = at(
        g.auto_scaling_group_arn().unwrap_or(&name),
        Some(cluster_arn),
    );
    let size = |v: Option<i32>| match v.and_then(|x| u32::try_from(x).ok()) {
        Some(n) => Val::set(n, p.clone()),
        None => Val::unknown("the API response has no size", p.clone()),
    };
    let mixed = g.mixed_instances_policy().and_then(|m| m.launch_template());
    let spec = g
        .launch_template()
        .or_else(|| mixed.and_then(|l| l.launch_template_specification()));
    let overrides: Vec<String> = mixed
        .map(|l| {
            l.overrides()
                .iter()
                .filter_map(|o| o.instance_type())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let from_lt = match (spec, g.launch_configuration_name()) {
        (Some(_), _) => {
            "read from the group's launch template (ec2:DescribeLaunchTemplateVersions)"
        }
        (None, Some(_)) => {
            "read from the group's launch configuration (autoscaling:DescribeLaunchConfigurations)"
        }
        (None, None) => "the group names no launch template or configuration",
    };
    let subnets: Vec<Id> = g
        .vpc_zone_identifier()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Id::global)
        .collect();
    let keys = g.tags().iter().filter_map(|t| t.key());
    let ng = NodeGroup {
        cluster: Id::global(cluster_arn),
        name: name.clone(),
        kind: NodeGroupKind::SelfManaged,
        instance_types: if overrides.is_empty() {
            Val::unknown(from_lt, p.clone())
        } else {
            Val::set(overrides, p.clone())
        },
        ami_family: Val::unknown(from_lt, p.clone()),
        ami_label: Val::unknown(
            "self-managed nodes name an AMI id, not an AMI type",
            p.clone(),
        ),
        min_size: size(g.min_size()),
        max_size: size(g.max_size()),
        desired_size: size(g.desired_capacity()),
        max_pods: Val::unknown(from_lt, p.clone()),
        imds_http_tokens: Val::unknown(from_lt, p.clone()),
        imds_hop_limit: Val::unknown(from_lt, p.clone()),
        imds_blocked_for_pods: Val::set(false, p.clone()),
        volume_encrypted: Val::unknown(from_lt, p.clone()),
        subnets: Val::set(subnets, p.clone()),
        azs: Val::set(g.availability_zones().to_vec(), p.clone()),
        version: Val::unknown("self-managed nodes run the kubelet of their AMI", p.clone()),
        node_role: Val::unknown(from_lt, p.clone()),
        launch_template: spec
            .and_then(|s| s.launch_template_id().or(s.launch_template_name()))
            .map(Id::global),
        labels: BTreeMap::new(),
        autoscaler_discovery: Some(NodeGroup::autoscaler_tagged(keys, cluster)),
        at: p.clone(),
    };
    let template = spec.map(|s| TemplateUse {
        node_group: name,
        id: s.launch_template_id().map(str::to_string),
        name: s.launch_template_name().map(str::to_string),
        version: s.version().map(str::to_string),
    });
    (ng, template)
}
