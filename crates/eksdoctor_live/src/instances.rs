//! Instance types a cluster's node groups use that the embedded table lacks (a type newer than
//! the table), described by EC2 (`ec2:DescribeInstanceTypes`), so that the IP model and
//! `max-pods-over-eni-limit` can use them. Types the table has are not read: the table is the
//! VPC CNI's own, with its overrides.

use crate::map::at;
use crate::{describe_each, Calls};
use aws_sdk_ec2::types::InstanceTypeInfo;
use aws_sdk_ec2::Client;
use eksdoctor_inventory::*;

/// Describe the types of cluster `cluster`'s node groups that neither the table nor `inv`
/// has; one call per type, so that a name EC2 does not know fails alone.
pub(crate) async fn read(ec2: &Client, cluster: &Id, calls: &mut Calls, inv: &mut Inventory) {
    let mut names: Vec<String> = inv
        .node_groups
        .iter()
        .filter(|n| &n.cluster == cluster)
        .filter_map(|n| n.instance_types.known())
        .flatten()
        .filter(|t| eksdoctor_knowledge::instance(t).is_none())
        .filter(|t| !inv.instance_types.iter().any(|x| &x.name == *t))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    let what = |t: &str| format!("instance type {t} (ec2:DescribeInstanceTypes)");
    let describe = |t: String| async move {
        let o = ec2
            .describe_instance_types()
            .instance_types(t.as_str().into())
            .send()
            .await?;
        Ok(o.instance_types().first().and_then(instance_type))
    };
    let (found, _) = describe_each(names, calls, what, describe).await;
    inv.instance_types.extend(found);
}

/// The facts the VPC CNI's limits table takes from the same response: the default network
/// card's interfaces when there are several cards, the addresses per interface, the hypervisor.
pub(crate) fn instance_type(i: &InstanceTypeInfo) -> Option<InstanceType> {
    let name = i.instance_type()?.as_str().to_string();
    let n = i.network_info()?;
    let cards = n.network_cards();
    let max_enis = if cards.len() > 1 {
        let default = n.default_network_card_index().unwrap_or(0);
        cards
            .iter()
            .find(|c| c.network_card_index() == Some(default))?
            .maximum_network_interfaces()?
    } else {
        n.maximum_network_interfaces()?
    };
    Some(InstanceType {
        at: at(&format!("ec2:instance-type/{name}"), None),
        max_enis: u32::try_from(max_enis).ok()?,
        ipv4_per_eni: u32::try_from(n.ipv4_addresses_per_interface()?).ok()?,
        hypervisor: i.hypervisor().map(|h| h.as_str().to_string()),
        bare_metal: i.bare_metal().unwrap_or(false),
        network_cards: u32::try_from(cards.len().max(1)).ok()?,
        vcpus: i
            .v_cpu_info()
            .and_then(|v| v.default_v_cpus())
            .and_then(|v| u32::try_from(v).ok()),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{InstanceTypeHypervisor, NetworkCardInfo, NetworkInfo, VCpuInfo};

    fn card(index: i32, enis: i32) -> NetworkCardInfo {
        NetworkCardInfo::builder()
            .network_card_index(index)
            .maximum_network_interfaces(enis)
            .build()
    }

    /// A type with several network cards counts the interfaces of its default card, as the VPC
    /// CNI's table does (`p4d.24xlarge`: four cards of 15, 60 in all; the table says 15).
    #[test]
    fn a_described_type_counts_its_default_cards_interfaces() {
        let info = InstanceTypeInfo::builder()
            .instance_type("p4d.24xlarge".into())
            .hypervisor(InstanceTypeHypervisor::Nitro)
            .bare_metal(false)
            .v_cpu_info(VCpuInfo::builder().default_v_cpus(96).build())
            .network_info(
                NetworkInfo::builder()
                    .maximum_network_interfaces(60)
                    .ipv4_addresses_per_interface(50)
                    .default_network_card_index(0)
                    .network_cards(card(0, 15))
                    .network_cards(card(1, 15))
                    .network_cards(card(2, 15))
                    .network_cards(card(3, 15))
                    .build(),
            )
            .build();
        let t = instance_type(&info).unwrap();
        assert_eq!(
            (t.max_enis, t.ipv4_per_eni, t.network_cards, t.vcpus),
            (15, 50, 4, Some(96))
        );
        assert_eq!(t.hypervisor.as_deref(), Some("nitro"));
        // One card: the type's own figure.
        let one = InstanceTypeInfo::builder()
            .instance_type("m5.large".into())
            .network_info(
                NetworkInfo::builder()
                    .maximum_network_interfaces(3)
                    .ipv4_addresses_per_interface(10)
                    .network_cards(card(0, 3))
                    .build(),
            )
            .build();
        let t = instance_type(&one).unwrap();
        assert_eq!((t.max_enis, t.ipv4_per_eni, t.hypervisor), (3, 10, None));
    }
}
