//! Write and destructive actions that no node needs on every resource, each with the component
//! whose own role (IRSA or Pod Identity) should hold it instead. A node role granting them
//! unconditioned on `"*"` hands them to every pod that reaches the node's credentials.
//!
//! Sources:
//! - EBS CSI driver: AWS managed policy AmazonEBSCSIDriverPolicy,
//!   <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEBSCSIDriverPolicy.html>
//! - AWS Load Balancer Controller: its IAM policy,
//!   <https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json>
//! - Cluster Autoscaler: its AWS permissions,
//!   <https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md>
//! - Karpenter: its controller policy (`iam:PassRole` of the node role),
//!   <https://karpenter.sh/docs/reference/cloudformation/>
//! - Nodes themselves need only AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly
//!   (and the VPC CNI's AmazonEKS_CNI_Policy where aws-node uses the node role),
//!   <https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>

/// AWS managed policies that give an add-on's permissions (written as the part of the ARN after
/// `policy/`), with the component whose own role should hold them: on a node role they reach
/// every pod. Sources: the AWS managed policy reference for AmazonEBSCSIDriverPolicy,
/// AmazonEFSCSIDriverPolicy and AmazonEC2ContainerRegistryPowerUser (push and delete images in
/// every repository), <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/>.
pub const NODE_ADDON_MANAGED_POLICIES: &[(&str, Option<&str>)] = &[
    ("service-role/AmazonEBSCSIDriverPolicy", EBS),
    (
        "service-role/AmazonEFSCSIDriverPolicy",
        Some("the EFS CSI driver"),
    ),
    ("AmazonEC2ContainerRegistryPowerUser", None),
];

/// One action and who should hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeAction {
    pub action: &'static str,
    /// The component whose own role needs it, or `None` when no EKS component does.
    pub holder: Option<&'static str>,
}

const EBS: Option<&str> = Some("the EBS CSI driver");
const LBC: Option<&str> = Some("the AWS Load Balancer Controller");
const CAS: Option<&str> = Some("cluster-autoscaler");
const KARPENTER: Option<&str> = Some("the Karpenter controller");

pub const NODE_WRITE_ACTIONS: &[NodeAction] = &[
    NodeAction {
        action: "ec2:CreateVolume",
        holder: EBS,
    },
    NodeAction {
        action: "ec2:DeleteVolume",
        holder: EBS,
    },
    NodeAction {
        action: "ec2:AttachVolume",
        holder: EBS,
    },
    NodeAction {
        action: "ec2:DetachVolume",
        holder: EBS,
    },
    NodeAction {
        action: "ec2:ModifyVolume",
        holder: EBS,
    },
    NodeAction {
        action: "ec2:CreateSnapshot",
        holder: EBS,
    },
    NodeAction {
        action: "ec2:DeleteSnapshot",
        holder: EBS,
    },
    NodeAction {
        action: "ec2:AuthorizeSecurityGroupIngress",
        holder: LBC,
    },
    NodeAction {
        action: "ec2:RevokeSecurityGroupIngress",
        holder: LBC,
    },
    NodeAction {
        action: "ec2:CreateSecurityGroup",
        holder: LBC,
    },
    NodeAction {
        action: "ec2:DeleteSecurityGroup",
        holder: LBC,
    },
    NodeAction {
        action: "elasticloadbalancing:DeleteLoadBalancer",
        holder: LBC,
    },
    NodeAction {
        action: "autoscaling:SetDesiredCapacity",
        holder: CAS,
    },
    NodeAction {
        action: "autoscaling:TerminateInstanceInAutoScalingGroup",
        holder: CAS,
    },
    NodeAction {
        action: "iam:PassRole",
        holder: KARPENTER,
    },
    NodeAction {
        action: "ec2:ModifyInstanceAttribute",
        holder: None,
    },
    NodeAction {
        action: "ec2:TerminateInstances",
        holder: KARPENTER,
    },
    NodeAction {
        action: "iam:CreateRole",
        holder: None,
    },
    NodeAction {
        action: "iam:AttachRolePolicy",
        holder: None,
    },
    NodeAction {
        action: "iam:PutRolePolicy",
        holder: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_service_colon_action_and_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for a in NODE_WRITE_ACTIONS {
            let (svc, act) = a.action.split_once(':').expect("service:Action");
            assert!(!svc.is_empty() && act.chars().next().unwrap().is_ascii_uppercase());
            assert!(seen.insert(a.action.to_ascii_lowercase()), "{}", a.action);
        }
    }
}
