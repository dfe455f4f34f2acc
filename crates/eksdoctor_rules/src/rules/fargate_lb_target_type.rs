//! # fargate-lb-target-type
//! A LoadBalancer Service selecting Fargate pods without IP targets
//! (`service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`): Fargate pods have no node
//! to route instance targets through, so the load balancer has no healthy targets.

use crate::helpers::workload_on_fargate;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "fargate-lb-target-type",
    category: Category::Fargate,
    severity: Severity::High,
    summary: "A LoadBalancer Service selects Fargate pods without IP targets",
    why: "Instance targets route through node ports on EC2 nodes; Fargate pods have none, so the load balancer never sees a healthy target.",
    fix: "Use the AWS Load Balancer Controller with `service.beta.kubernetes.io/aws-load-balancer-type: external` and `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`.",
    sources: &["x", "live"],
    silent_when: "The Service's namespace or selector matches no scanned workload on Fargate.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let k = &ctx.inv.k8s;
    for s in k
        .services
        .iter()
        .filter(|s| s.service_type == "LoadBalancer")
    {
        if s.annotations
            .get("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type")
            .map(String::as_str)
            == Some("ip")
        {
            continue;
        }
        let Some(ns) = s.obj.namespace.known() else {
            if !ctx.inv.fargate_profiles.is_empty() {
                sink.need(&META, &s.obj.namespace, || {
                    format!(
                        "namespace of {} (whether it selects pods on Fargate)",
                        s.obj.display()
                    )
                });
            }
            continue;
        };
        if s.selector.is_empty() {
            continue;
        }
        let hit = k.workloads.iter().find_map(|w| {
            let same_ns = w.obj.namespace.known() == Some(ns);
            let selected = s
                .selector
                .iter()
                .all(|(kk, v)| w.pod_labels.get(kk) == Some(v));
            if same_ns && selected {
                workload_on_fargate(ctx, w).map(|p| (w, p))
            } else {
                None
            }
        });
        if let Some((w, p)) = hit {
            sink.finding(
                &META,
                &s.obj.at,
                s.obj.display(),
                format!(
                    "LoadBalancer {} selects {} on Fargate (profile `{}`) without `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`",
                    s.obj.display(), w.obj.display(), p.name
                ),
            );
        }
    }
}
