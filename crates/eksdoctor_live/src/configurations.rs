//! Launch configurations of self-managed node groups (`autoscaling:DescribeLaunchConfigurations`),
//! the older way an Auto Scaling group names what it launches: the same facts a launch template
//! gives (instance type, AMI, instance profile, IMDS settings, root volume encryption, the
//! kubelet max pods of the user data), written into the node group.

use crate::templates::{self, ProfileUse};
use crate::{error_text, Calls};
use aws_sdk_autoscaling::types::LaunchConfiguration;
use aws_sdk_autoscaling::Client;
use eksdoctor_inventory::*;
use std::collections::BTreeMap;

/// A self-managed node group's launch configuration, by name.
pub(crate) struct ConfigurationUse {
    pub node_group: String,
    pub name: String,
}

/// The API takes at most 50 names per request.
const NAMES_PER_CALL: usize = 50;

/// Read the configurations `uses` name and fill their node groups; one that cannot be read
/// leaves them unknown with the reason. Gives the instance profiles, whose roles IAM gives next.
pub(crate) async fn read(
    asg: &Client,
    cluster: &Id,
    uses: &[ConfigurationUse],
    calls: &mut Calls,
    inv: &mut Inventory,
) -> Vec<ProfileUse> {
    let mut names: Vec<String> = uses.iter().map(|u| u.name.clone()).collect();
    names.sort();
    names.dedup();
    let mut found: BTreeMap<String, Result<LaunchConfiguration, String>> = BTreeMap::new();
    for chunk in names.chunks(NAMES_PER_CALL) {
        let pages = asg
            .describe_launch_configurations()
            .set_launch_configuration_names(Some(chunk.to_vec()))
            .into_paginator()
            .send();
        let what = format!(
            "launch configurations {} (autoscaling:DescribeLaunchConfigurations)",
            chunk.join(", ")
        );
        match list_all!(calls, what, pages, launch_configurations) {
            Ok(list) => found.extend(
                list.into_iter()
                    .filter_map(|lc| Some((lc.launch_configuration_name()?.to_string(), Ok(lc)))),
            ),
            Err(why) => found.extend(chunk.iter().map(|n| (n.clone(), Err(why.clone())))),
        }
    }
    let mut profiles = Vec::new();
    for u in uses {
        let Some(ng) = templates::node_group(inv, cluster, &u.node_group) else {
            continue;
        };
        match found.get(&u.name) {
            Some(Ok(lc)) => profiles.extend(apply(ng, lc)),
            Some(Err(why)) => templates::unknown_all(
                ng,
                &format!("launch configuration {} could not be read: {why}", u.name),
            ),
            None => templates::unknown_all(
                ng,
                &format!(
                    "launch configuration {} does not exist: the group cannot launch",
                    u.name
                ),
            ),
        }
    }
    profiles
}

/// The configuration's settings into the node group (placed at the node group, naming it).
fn apply(ng: &mut NodeGroup, lc: &LaunchConfiguration) -> Option<ProfileUse> {
    let what = format!(
        "launch configuration {}",
        lc.launch_configuration_name().unwrap_or_default()
    );
    let profile = templates::self_managed(
        ng,
        lc.image_id().is_some(),
        lc.iam_instance_profile(),
        &what,
    );
    let meta = lc.metadata_options();
    let root = lc.block_device_mappings().iter().find_map(|m| m.ebs());
    templates::fill(
        ng,
        &templates::Launch {
            what,
            http_tokens: meta.and_then(|m| m.http_tokens()).map(|t| t.as_str()),
            hop_limit: meta.and_then(|m| m.http_put_response_hop_limit()),
            root_encrypted: root.map(|e| e.encrypted()),
            user_data: lc.user_data(),
            instance_type: lc.instance_type(),
        },
    );
    profile
}
