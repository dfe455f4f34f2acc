//! The StorageClasses EKS and the EBS CSI add-on create themselves, so that a claim naming one
//! (or relying on the default) is decided without the class among the scanned manifests.
//!
//! Source: Amazon EKS User Guide, "Review release notes for Kubernetes versions on extended
//! support", Kubernetes 1.30: "Starting with 1.30, Amazon EKS no longer includes the default
//! annotation on the gp2 StorageClass resource applied to newly created clusters. This has no
//! impact if you are referencing this storage class by name. … You can deploy the Amazon EBS
//! recommended default storage class by setting the defaultStorageClass.enabled parameter to
//! true when installing version 1.31.0 or later of the aws-ebs-csi-driver add-on."
//! <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-extended.html>

use crate::KubeVersion;

pub const SOURCE: &str =
    "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-extended.html";

/// A StorageClass that is on a cluster without being in its manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinClass {
    pub name: &'static str,
    pub provisioner: &'static str,
    /// Who creates it, for messages.
    pub made_by: &'static str,
}

/// `gp2`, which EKS applies to every cluster (in-tree provisioner).
pub const GP2: BuiltinClass = BuiltinClass {
    name: "gp2",
    provisioner: "kubernetes.io/aws-ebs",
    made_by: "created by EKS",
};

/// The class the aws-ebs-csi-driver add-on (v1.31.0+) creates and marks default when its
/// configuration sets `defaultStorageClass.enabled: true`.
pub const EBS_CSI_DEFAULT: BuiltinClass = BuiltinClass {
    name: "ebs-csi-default-sc",
    provisioner: "ebs.csi.aws.com",
    made_by: "created by the aws-ebs-csi-driver add-on (defaultStorageClass.enabled)",
};

/// Whether `gp2` is the cluster's default class: on clusters created before Kubernetes 1.30.
/// A cluster now on 1.30 or later may have been created earlier, so that is not known (`None`).
pub fn gp2_is_default(version: KubeVersion) -> Option<bool> {
    if version < KubeVersion::new(1, 30) {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gp2_default_only_known_for_clusters_before_1_30() {
        assert_eq!(gp2_is_default(KubeVersion::new(1, 29)), Some(true));
        assert_eq!(gp2_is_default(KubeVersion::new(1, 30)), None);
        assert_eq!(gp2_is_default(KubeVersion::new(1, 34)), None);
    }
}
