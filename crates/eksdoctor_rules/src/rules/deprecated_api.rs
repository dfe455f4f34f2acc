//! # deprecated-api
//! A manifest uses an API version removed in (or before) the Kubernetes version it is judged
//! against: the cluster's version when exactly one cluster with a known version is scanned, else
//! `--k8s-version`, else the oldest EKS version still available on the `--as-of` date.

use crate::helpers::cluster_version;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_knowledge::{removed_apis, KubeVersion};

pub static META: RuleMeta = RuleMeta {
    id: "deprecated-api",
    category: Category::Versions,
    severity: Severity::High,
    summary: "A manifest uses an API version removed in the cluster's Kubernetes version",
    why: "The API server rejects objects of removed API versions: applies fail, and Helm releases holding them cannot be upgraded or rolled back.",
    fix: "Move the manifest to the replacement API version (and adapt changed fields) before upgrading.",
    sources: &["k8s", "live"],
    silent_when: "The object's API version is still served by the version it is judged against.",
    references: &["https://kubernetes.io/docs/reference/using-api/deprecation-guide/"],
};

/// The version manifests are judged against, and how it was chosen.
pub fn target(ctx: &Ctx, obj: &eksdoctor_inventory::ObjectRef) -> Option<(KubeVersion, String)> {
    if let Some(c) = ctx.inv.cluster_of(obj) {
        if let Some(v) = cluster_version(c) {
            return Some((v, format!("cluster `{}` runs {v}", c.id)));
        }
    }
    if let Some(v) = ctx.settings.k8s_version {
        return Some((v, format!("--k8s-version {v}")));
    }
    let oldest = ctx.settings.calendar.oldest_available(ctx.settings.as_of)?;
    Some((
        oldest.version,
        format!(
            "{} is the oldest EKS version available on {}",
            oldest.version, ctx.settings.as_of
        ),
    ))
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    if ctx.inv.k8s.objects.is_empty() {
        return;
    }
    for o in &ctx.inv.k8s.objects {
        let Some((target, why)) = target(ctx, o) else {
            continue;
        };
        let Some(api) = removed_apis().iter().find(|a| {
            !a.planned
                && a.group_version == o.api_version
                && a.kind == o.kind
                && a.removed_in <= target
        }) else {
            continue;
        };
        let replacement = api
            .replacement
            .as_deref()
            .map(|r| format!("; use {r}"))
            .unwrap_or_else(|| "; it has no direct replacement".to_string());
        sink.finding(
            &META,
            &o.at,
            o.display(),
            format!(
                "{} uses {}, removed in Kubernetes {} ({why}){replacement}",
                o.display(),
                o.api_version,
                api.removed_in
            ),
        );
    }
}
