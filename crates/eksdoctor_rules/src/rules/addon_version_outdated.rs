//! # addon-version-outdated
//! A pinned add-on version is older than the newest version the EKS user guide listed for the
//! cluster's Kubernetes version (embedded data, retrieved 2026-11-22). Silent where the data has no
//! row for that add-on and version (vpc-cni has none for 1.34+).

use crate::helpers::cluster_version;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::version_numbers;
use eksdoctor_knowledge::addon_latest;

pub static META: RuleMeta = RuleMeta {
    id: "addon-version-outdated",
    category: Category::Versions,
    severity: Severity::Medium,
    summary: "An add-on version is older than the newest EKS lists for the cluster's version",
    why: "EKS does not upgrade add-ons when it upgrades the cluster; old add-on builds miss fixes and may not support the cluster's Kubernetes version.",
    fix: "Update the add-on to the version `aws eks describe-addon-versions` lists for the cluster's version.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "No version is pinned (`latest`). In live mode the newest version EKS offers for the cluster's version (DescribeAddonVersions) is used instead of the embedded data. Not decided (listed by --show-unknown) when the cluster version is unknown or the embedded data has no row for the add-on and version (vpc-cni: AWS's table stops at 1.33).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for a in &ctx.inv.addons {
        let Some(Some(pinned)) = sink.need(&META, &a.version, || {
            format!("version of add-on {}", a.name)
        }) else {
            continue;
        };
        if pinned == "latest" || pinned == "default" {
            continue;
        }
        let Some(c) = ctx.inv.clusters.iter().find(|c| c.id == a.cluster) else {
            continue;
        };
        let Some(v) = cluster_version(c) else {
            sink.unknown(
                &META,
                a.version.at(),
                format!(
                    "whether add-on {} ({pinned}) is current not decided: the Kubernetes version of cluster `{}` is not known",
                    a.name, c.id
                ),
            );
            continue;
        };
        // What EKS itself offers (live mode) over the embedded table.
        if let Some(offered) = &a.offered_latest {
            let said = format!(
                "EKS offers {offered} as the newest for Kubernetes {v} (DescribeAddonVersions)"
            );
            report(a, pinned, offered, &said, sink);
            continue;
        }
        let Some((latest, _src)) = addon_latest(&a.name, v) else {
            let why = if addon_latest(&a.name, eksdoctor_knowledge::KubeVersion::new(1, 33))
                .is_some()
            {
                format!("the embedded data (of 2026-11-22) lists no {} version for Kubernetes {v}: the newest AWS table read stops before it", a.name)
            } else {
                format!(
                    "the embedded data (of 2026-11-22) has no version list for add-on {}",
                    a.name
                )
            };
            sink.unknown(
                &META,
                a.version.at(),
                format!(
                    "whether add-on {} ({pinned}) is current not decided: {why}",
                    a.name
                ),
            );
            continue;
        };
        let said = format!(
            "the EKS user guide listed {latest} as the newest for Kubernetes {v} (data of 2026-11-22)"
        );
        report(a, pinned, &latest, &said, sink);
    }
}

/// A finding when `pinned` is older than `latest` (`said`: where `latest` comes from).
fn report(a: &eksdoctor_inventory::Addon, pinned: &str, latest: &str, said: &str, sink: &mut Sink) {
    if version_numbers(pinned) >= version_numbers(latest) {
        return;
    }
    // A running add-on has its version; a definition pins it.
    let verb = if a.version.at().source == eksdoctor_inventory::SourceKind::Live {
        "runs"
    } else {
        "is pinned to"
    };
    sink.finding(
        &META,
        a.version.at(),
        format!("addon {}", a.name),
        format!("add-on {} {verb} {pinned}; {said}", a.name),
    );
}
