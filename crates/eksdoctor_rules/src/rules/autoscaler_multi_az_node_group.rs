//! # autoscaler-multi-az-node-group
//! cluster-autoscaler runs with EBS-backed workloads on a node group spanning several AZs: it
//! cannot tell which AZ a new node lands in, so a pod pinned to its volume's AZ may stay Pending.

use crate::helpers::ebs_claims_by_cluster;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::NodeGroupKind;

pub static META: RuleMeta = RuleMeta {
    id: "autoscaler-multi-az-node-group",
    category: Category::Storage,
    severity: Severity::Medium,
    summary: "cluster-autoscaler with a multi-AZ node group and EBS volumes",
    why: "cluster-autoscaler scales an Auto Scaling group, which picks the AZ itself; a pod whose EBS volume lives in another AZ stays Pending.",
    fix: "One node group per AZ for stateful workloads, with `--balance-similar-node-groups`; or Karpenter, which launches in the volume's AZ.",
    sources: &["x", "live"],
    silent_when: "cluster-autoscaler, the EBS claims and the node groups are not scanned together; a self-managed Auto Scaling group without cluster-autoscaler's auto-discovery tags (`k8s.io/cluster-autoscaler/enabled` and `k8s.io/cluster-autoscaler/<cluster>`), which it scales only when named with `--nodes`.",
    references: &["https://docs.aws.amazon.com/eks/latest/best-practices/cas.html", "https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let inv = ctx.inv;
    let autoscalers = crate::helpers::by_cluster(ctx, &inv.k8s.cluster_autoscaler);
    if autoscalers.is_empty() {
        return;
    }
    let claims = ebs_claims_by_cluster(ctx);
    for c in &inv.clusters {
        let Some(ca) = autoscalers.get(&c.id).and_then(|v| v.first()) else {
            continue;
        };
        let Some((claim, _)) = claims.get(&c.id) else {
            continue;
        };
        for ng in inv
            .node_groups_of(&c.id)
            .filter(|n| n.kind != NodeGroupKind::Karpenter)
            // A self-managed group without the auto-discovery tags is not one it scales.
            .filter(|n| n.autoscaler_discovery != Some(false))
        {
            let Some(azs) = sink.need(&META, &ng.azs, || format!("zones of {}", ng.describe()))
            else {
                continue;
            };
            if azs.len() > 1 {
                sink.finding(
                    &META,
                    &ng.at,
                    format!("nodegroup {}", ng.name),
                    format!(
                        "{} spans {} AZs ({}) and {} scales it, while {claim} pins pods to their volume's AZ: scale-ups may land in the wrong AZ",
                        ng.describe(),
                        azs.len(),
                        azs.join(", "),
                        ca.display()
                    ),
                );
            }
        }
    }
}
