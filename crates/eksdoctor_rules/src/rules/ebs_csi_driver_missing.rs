//! # ebs-csi-driver-missing
//! EBS-backed claims exist, but the cluster installs no EBS CSI driver (add-on, Helm or
//! manifests), or the add-on has no IAM role of its own.

use crate::helpers::ebs_claims_by_cluster;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "ebs-csi-driver-missing",
    category: Category::Storage,
    severity: Severity::High,
    summary: "EBS volumes claimed without an EBS CSI driver",
    why: "Since Kubernetes 1.23 EBS volumes are provisioned only by the EBS CSI driver; without it (or without its IAM permissions) claims stay Pending and their pods never start.",
    fix: "Install the `aws-ebs-csi-driver` EKS add-on with its own role (IRSA or Pod Identity, AmazonEBSCSIDriverPolicy).",
    sources: &["x", "live"],
    silent_when: "The cluster's add-ons may be managed outside the scanned code, manifests and infrastructure are not scanned together, or Terraform applies an object whose content is known only after apply. An add-on without a role of its own is no finding when every node role carries AmazonEBSCSIDriverPolicy (eksctl `withAddonPolicies.ebs`; node-role-too-broad reports that), nor when eksctl creates its role (`iam.withOIDC` or `addonsConfig.autoApplyPodIdentityAssociations`).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let claims = ebs_claims_by_cluster(ctx);
    if claims.is_empty() {
        return;
    }
    let drivers = crate::helpers::by_cluster(ctx, &ctx.inv.k8s.ebs_csi);
    for c in &ctx.inv.clusters {
        let Some((claim, at)) = claims.get(&c.id) else {
            continue;
        };
        if drivers.contains_key(&c.id) {
            continue;
        }
        if crate::helpers::objects_undecided(ctx, c, &META, sink) {
            continue;
        }
        check_cluster(ctx, c, claim, at, sink);
    }
}

fn check_cluster(
    ctx: &Ctx,
    c: &eksdoctor_inventory::Cluster,
    claim: &str,
    at: &eksdoctor_inventory::Prov,
    sink: &mut Sink,
) {
    let inv = ctx.inv;
    let auto = sink.need(&META, &c.auto_mode, || {
        format!("whether cluster `{}` runs in Auto Mode", c.id)
    });
    if auto != Some(&false) {
        return;
    }
    if crate::helpers::addons_undecided(ctx, c, &META, sink) {
        return;
    }
    match inv.addons_of(&c.id).find(|a| a.name == "aws-ebs-csi-driver") {
        None => sink.finding(
            &META,
            at,
            claim.to_string(),
            format!(
                "{claim} needs an EBS volume, but cluster `{}` installs no EBS CSI driver: the claim will stay Pending",
                c.id
            ),
        ),
        Some(a) => {
            let pod_identity = inv.pod_identity_associations.iter().any(|p| {
                p.cluster == c.id
                    && p.namespace == "kube-system"
                    && p.service_account == "ebs-csi-controller-sa"
            });
            let role = sink.need(&META, &a.role, || {
                "IAM role of the aws-ebs-csi-driver add-on".to_string()
            });
            if role == Some(&None) && !pod_identity && !node_roles_carry_ebs(ctx, c) {
                sink.finding(
                    &META,
                    &a.at,
                    format!("addon {}", a.name),
                    format!(
                        "the aws-ebs-csi-driver add-on of cluster `{}` has no IAM role of its own (IRSA or Pod Identity), and {claim} needs it to create volumes",
                        c.id
                    ),
                );
            }
        }
    }
}

/// Every node group of `c` has a role of the scan that carries AmazonEBSCSIDriverPolicy (eksctl
/// `withAddonPolicies.ebs`): the driver then works with the nodes' credentials, which
/// node-role-too-broad reports.
fn node_roles_carry_ebs(ctx: &Ctx, c: &eksdoctor_inventory::Cluster) -> bool {
    let mut groups = ctx
        .inv
        .node_groups_of(&c.id)
        .filter(|n| n.kind != eksdoctor_inventory::NodeGroupKind::Karpenter)
        .peekable();
    groups.peek().is_some()
        && groups.all(|ng| {
            let role = ng.node_role.known().and_then(|r| r.as_ref());
            role.and_then(|r| crate::helpers::role(ctx.inv, r))
                .and_then(|r| r.managed_policies.known())
                .is_some_and(|p| {
                    p.iter().any(|a| {
                        crate::helpers::managed_policy_name(a)
                            == Some("service-role/AmazonEBSCSIDriverPolicy")
                    })
                })
        })
}
