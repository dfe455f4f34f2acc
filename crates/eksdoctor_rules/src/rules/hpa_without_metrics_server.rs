//! # hpa-without-metrics-server
//! HorizontalPodAutoscalers on CPU or memory in a cluster that has no metrics-server: they never
//! scale. Decided only when one cluster's definition (with its full add-on list) and its manifests
//! are scanned together; manifests alone cannot tell. eksctl 0.201.0+ installs metrics-server as a
//! default add-on unless `addonsConfig.disableDefaultAddons` is true, except in China, GovCloud
//! and ISO regions (eksctl's `ExcludedRegions` for metrics-server).

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "hpa-without-metrics-server",
    category: Category::Autoscaling,
    severity: Severity::Medium,
    summary: "Resource-metric HPAs in a cluster without metrics-server",
    why: "CPU and memory HPAs read the resource metrics API that metrics-server serves; without it they report <unknown> and never scale.",
    fix: "Install metrics-server (the EKS add-on `metrics-server`, or its Helm chart).",
    sources: &["live", "x"],
    silent_when: "Manifests are scanned without the cluster's definition, several clusters are in scope, metrics-server is installed by an add-on, Helm release, Argo CD application or Deployment in scope, or Terraform applies an object whose content is known only after apply.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for h in &ctx.inv.k8s.hpas {
        let Some(c) = ctx.inv.cluster_of(&h.obj) else {
            continue;
        };
        let res_metrics = h
            .resource_metrics
            .iter()
            .any(|m| m == "cpu" || m == "memory");
        if !res_metrics {
            continue;
        }
        if crate::helpers::addons_undecided(ctx, c, &META, sink)
            || crate::helpers::objects_undecided(ctx, c, &META, sink)
        {
            continue;
        }
        let Some(defaults) = sink.need(&META, &c.default_addons, || {
            format!("default add-ons of cluster `{}`", c.id)
        }) else {
            continue;
        };
        let present = defaults.iter().any(|d| d == "metrics-server")
            || ctx.inv.addons_of(&c.id).any(|a| a.name == "metrics-server")
            || ctx
                .inv
                .k8s
                .metrics_server
                .iter()
                .any(|m| ctx.inv.cluster_of(m).is_none_or(|o| o.id == c.id))
            || c.auto_mode.known() != Some(&false);
        if present {
            continue;
        }
        let res: Vec<&str> = h
            .resource_metrics
            .iter()
            .map(String::as_str)
            .filter(|m| *m == "cpu" || *m == "memory")
            .collect();
        if res.is_empty() {
            continue;
        }
        sink.finding(
            &META,
            &h.obj.at,
            h.obj.display(),
            format!(
                "{} scales on {}, but cluster `{}` installs no metrics-server ({} and none of the scanned add-ons or manifests provide it)",
                h.obj.display(),
                res.join(" and "),
                c.id,
                match (c.at.source, defaults.is_empty()) {
                    (eksdoctor_inventory::SourceKind::Eksctl, true) => "default add-ons are disabled",
                    (eksdoctor_inventory::SourceKind::Eksctl, false) => "eksctl does not install its default metrics-server in China, GovCloud and ISO regions",
                    // The EKS API bootstraps only vpc-cni, kube-proxy and CoreDNS.
                    _ => "a cluster created through the EKS API gets none by itself",
                }
            ),
        );
    }
}
