//! What Fargate does and does not run.

/// The `kube-system` DaemonSets of EKS whose work Fargate does itself or that have nothing to do
/// there: the VPC CNI (`aws-node`: Fargate gives each pod its network interface), `kube-proxy`
/// (Fargate runs its own), the EFS CSI node plugin (Fargate mounts EFS itself) and the EBS CSI
/// node plugin (Fargate pods cannot mount EBS volumes at all). Sources: the EKS user guide's
/// Fargate considerations (<https://docs.aws.amazon.com/eks/latest/userguide/fargate.html>), its
/// EBS CSI page ("You can't mount Amazon EBS volumes to Fargate Pods", ebs-csi.html) and EFS CSI
/// page (the driver is built into Fargate, efs-csi.html).
pub const EKS_NODE_DAEMONSETS_NOT_NEEDED: &[&str] =
    &["aws-node", "kube-proxy", "efs-csi-node", "ebs-csi-node"];
