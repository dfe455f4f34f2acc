//! Merging inventories. Both structs are destructured without `..`, so a field added to
//! [`Inventory`] or [`K8sObjects`] does not compile until it is merged here too.

use crate::{Inventory, K8sObjects};

impl Inventory {
    /// Append everything `from` holds (sources fill parts that are merged in input order). The
    /// lookup index is rebuilt on the next query; the cluster mapping of `self` is kept.
    pub fn merge(&mut self, from: Inventory) {
        let Inventory {
            mut clusters,
            mut node_groups,
            mut fargate_profiles,
            mut vpcs,
            mut subnets,
            mut vpc_endpoints,
            mut launch_templates,
            mut iam_roles,
            mut addons,
            mut access_entries,
            mut auth_mappings,
            mut pod_identity_associations,
            mut identity_providers,
            mut suppressions,
            k8s,
            mut files,
            mut errors,
            mut notes,
            mut opaque,
            index: _,
            cluster_mapping: _,
        } = from;
        self.clusters.append(&mut clusters);
        self.node_groups.append(&mut node_groups);
        self.fargate_profiles.append(&mut fargate_profiles);
        self.vpcs.append(&mut vpcs);
        self.subnets.append(&mut subnets);
        self.vpc_endpoints.append(&mut vpc_endpoints);
        self.launch_templates.append(&mut launch_templates);
        self.iam_roles.append(&mut iam_roles);
        self.addons.append(&mut addons);
        self.access_entries.append(&mut access_entries);
        self.auth_mappings.append(&mut auth_mappings);
        self.pod_identity_associations
            .append(&mut pod_identity_associations);
        self.identity_providers.append(&mut identity_providers);
        self.suppressions.append(&mut suppressions);
        self.k8s.merge(k8s);
        self.files.append(&mut files);
        self.errors.append(&mut errors);
        self.notes.append(&mut notes);
        self.opaque.append(&mut opaque);
        self.reset_index();
    }
}

impl K8sObjects {
    /// Append `from`'s objects; the first `aws-node` CNI settings seen are kept.
    pub fn merge(&mut self, from: K8sObjects) {
        let K8sObjects {
            mut objects,
            mut workloads,
            mut services,
            mut ingresses,
            mut storage_classes,
            mut pvcs,
            mut hpas,
            mut pdbs,
            mut service_accounts,
            mut namespaces,
            cni,
            mut metrics_server,
            mut cluster_autoscaler,
            mut ebs_csi,
            mut unreadable,
        } = from;
        self.objects.append(&mut objects);
        self.workloads.append(&mut workloads);
        self.services.append(&mut services);
        self.ingresses.append(&mut ingresses);
        self.storage_classes.append(&mut storage_classes);
        self.pvcs.append(&mut pvcs);
        self.hpas.append(&mut hpas);
        self.pdbs.append(&mut pdbs);
        self.service_accounts.append(&mut service_accounts);
        self.namespaces.append(&mut namespaces);
        if self.cni.is_none() {
            self.cni = cni;
        }
        self.metrics_server.append(&mut metrics_server);
        self.cluster_autoscaler.append(&mut cluster_autoscaler);
        self.ebs_csi.append(&mut ebs_csi);
        self.unreadable.append(&mut unreadable);
    }
}
