//! # deprecated-api
//! A manifest uses an API version removed in (or before) the Kubernetes version it is judged
//! against: the cluster's version when exactly one cluster with a known version is scanned, else
//! `--k8s-version`, else the oldest EKS version still available on the `--as-of` date.

use crate::helpers::cluster_version;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_knowledge::{removal, KubeVersion};

pub static META: RuleMeta = RuleMeta {
    id: "deprecated-api",
    category: Category::Versions,
    severity: Severity::High,
    summary: "A manifest uses an API version removed in the cluster's Kubernetes version",
    why: "The API server rejects objects of removed API versions: applies fail, and Helm releases holding them cannot be upgraded or rolled back.",
    fix: "Move the manifest to the replacement API version (and adapt changed fields) before upgrading.",
    sources: &["k8s", "live"],
    silent_when: "The object's API version is still served by the version it is judged against. For an object read from a running cluster (served in a current version), the versions its clients last wrote it with are judged too: the last-applied annotation of `kubectl apply` and the managedFields entries.",
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
        if let Some(api) = removed(&o.api_version, &o.kind, target) {
            let msg = format!(
                "{} uses {}, removed in Kubernetes {} ({why}){}",
                o.display(),
                o.api_version,
                api.removed_in,
                replacement(api)
            );
            sink.finding(&META, &o.at, o.display(), msg);
        }
        // A running object: the cluster serves it in a current version, but a client that
        // writes it with a removed one (its manifests, its chart) fails on its next write.
        for a in &o.applied_with {
            let Some(api) = removed(&a.api_version, &o.kind, target) else {
                continue;
            };
            let msg = format!(
                "{} was last written with {} ({}), removed in Kubernetes {} ({why}): if that source still writes it so, its next write fails{}",
                o.display(),
                a.api_version,
                a.record,
                api.removed_in,
                replacement(api)
            );
            sink.finding(
                &META,
                &o.at,
                format!("{} {}", o.display(), a.api_version),
                msg,
            );
        }
    }
}

/// The removal of `group_version` `kind` in or before `target`, if any.
fn removed(
    group_version: &str,
    kind: &str,
    target: KubeVersion,
) -> Option<&'static eksdoctor_knowledge::RemovedApi> {
    removal(group_version, kind).filter(|a| a.removed_in <= target)
}

fn replacement(api: &eksdoctor_knowledge::RemovedApi) -> String {
    api.replacement
        .as_deref()
        .map(|r| format!("; use {r}"))
        .unwrap_or_else(|| "; it has no direct replacement".to_string())
}
