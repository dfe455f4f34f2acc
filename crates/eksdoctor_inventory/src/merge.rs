//! Merging inventories and visiting their identifiers. The structs are destructured without
//! `..`, so a field added to [`Inventory`] or [`K8sObjects`] does not compile until it is merged
//! here too and it is decided whether it holds identifiers (de-duplication of Terraform's copies
//! of manifests, in `model.rs`, is written the same way).

use crate::{Id, Inventory, K8sObjects, Val};

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
            mut oidc_providers,
            mut additions,
            mut suppressions,
            k8s,
            mut files,
            mut errors,
            mut notes,
            mut insights,
            mut instance_types,
            mut completeness,
            index: _,
            cluster_mapping: _,
            external: _,
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
        self.oidc_providers.append(&mut oidc_providers);
        self.additions.append(&mut additions);
        self.suppressions.append(&mut suppressions);
        self.k8s.merge(k8s);
        self.files.append(&mut files);
        self.errors.append(&mut errors);
        self.notes.append(&mut notes);
        self.insights.append(&mut insights);
        self.instance_types.append(&mut instance_types);
        self.completeness.gaps.append(&mut completeness.gaps);
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
            mut pvs,
            mut hpas,
            mut pdbs,
            mut service_accounts,
            mut namespaces,
            mut cni,
            mut metrics_server,
            mut cluster_autoscaler,
            mut ebs_csi,
            mut nodes,
        } = from;
        self.objects.append(&mut objects);
        self.workloads.append(&mut workloads);
        self.services.append(&mut services);
        self.ingresses.append(&mut ingresses);
        self.storage_classes.append(&mut storage_classes);
        self.pvcs.append(&mut pvcs);
        self.pvs.append(&mut pvs);
        self.hpas.append(&mut hpas);
        self.pdbs.append(&mut pdbs);
        self.service_accounts.append(&mut service_accounts);
        self.namespaces.append(&mut namespaces);
        self.cni.append(&mut cni);
        self.metrics_server.append(&mut metrics_server);
        self.cluster_autoscaler.append(&mut cluster_autoscaler);
        self.ebs_csi.append(&mut ebs_csi);
        self.nodes.append(&mut nodes);
    }
}

impl Inventory {
    /// Visit every identifier and reference to another object (cluster ids, subnet names and
    /// references, role and launch template references, ...) with `f`: how a source namespaces
    /// the identifiers of one part (Terraform: the root module) before parts are merged. The
    /// inventory is destructured without `..`, so a new list does not compile until it is
    /// decided here whether it holds identifiers.
    pub fn for_each_reference(&mut self, mut f: impl FnMut(&mut Id)) {
        let Inventory {
            clusters,
            node_groups,
            fargate_profiles,
            vpcs,
            subnets,
            vpc_endpoints,
            launch_templates,
            iam_roles,
            addons,
            access_entries,
            pod_identity_associations,
            identity_providers,
            oidc_providers,
            additions,
            // ARNs and Kubernetes objects (their cluster is found from their place), and
            // what is about files rather than objects.
            auth_mappings: _,
            k8s: _,
            suppressions: _,
            files: _,
            errors: _,
            notes: _,
            insights: _,
            instance_types: _,
            completeness,
            index: _,
            cluster_mapping: _,
            external: _,
        } = self;
        let list = |v: &mut Val<Vec<Id>>, f: &mut dyn FnMut(&mut Id)| {
            if let Val::Known { value, .. } = v {
                value.iter_mut().for_each(f);
            }
        };
        let opt = |v: &mut Val<Option<Id>>, f: &mut dyn FnMut(&mut Id)| {
            if let Val::Known { value: Some(s), .. } = v {
                f(s);
            }
        };
        for c in clusters.iter_mut() {
            f(&mut c.id);
            c.vpc.iter_mut().for_each(&mut f);
        }
        for v in vpcs.iter_mut() {
            f(&mut v.id);
        }
        additions.iter_mut().for_each(&mut f);
        for s in subnets.iter_mut() {
            f(&mut s.name);
            s.vpc.iter_mut().for_each(&mut f);
            s.cluster.iter_mut().for_each(&mut f);
        }
        for e in vpc_endpoints.iter_mut() {
            e.vpc.iter_mut().for_each(&mut f);
            list(&mut e.subnets, &mut f);
        }
        for l in launch_templates.iter_mut() {
            f(&mut l.id);
        }
        for r in iam_roles.iter_mut() {
            f(&mut r.id);
        }
        for n in node_groups.iter_mut() {
            f(&mut n.cluster);
            list(&mut n.subnets, &mut f);
            opt(&mut n.node_role, &mut f);
            n.launch_template.iter_mut().for_each(&mut f);
        }
        for p in fargate_profiles.iter_mut() {
            f(&mut p.cluster);
            if let Val::Known { value: Some(l), .. } = &mut p.subnets {
                l.iter_mut().for_each(&mut f);
            }
        }
        for a in addons.iter_mut() {
            f(&mut a.cluster);
            opt(&mut a.role, &mut f);
        }
        for a in access_entries.iter_mut() {
            f(&mut a.cluster);
            f(&mut a.principal_arn);
        }
        for a in pod_identity_associations.iter_mut() {
            f(&mut a.cluster);
            opt(&mut a.role, &mut f);
        }
        for i in identity_providers.iter_mut() {
            f(&mut i.cluster);
        }
        for p in oidc_providers.iter_mut() {
            f(&mut p.cluster);
        }
        for g in completeness.gaps.iter_mut() {
            if let crate::Scope::Cluster(id) = &mut g.scope {
                f(id);
            }
        }
        self.reset_index();
    }
}
