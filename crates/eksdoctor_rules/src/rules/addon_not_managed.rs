//! # addon-not-managed
//! vpc-cni, coredns or kube-proxy is not managed as an EKS add-on, so nobody upgrades it with the
//! cluster. eksctl (0.184.0+) creates the three as EKS add-ons unless
//! `addonsConfig.disableDefaultAddons` is true; EKS Auto Mode manages them itself.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "addon-not-managed",
    category: Category::Versions,
    severity: Severity::Low,
    summary: "vpc-cni, coredns or kube-proxy is not an EKS managed add-on",
    why: "EKS upgrades no add-on with the control plane, managed or not; a self-managed copy is upgraded only by hand (manifests or Helm), with no list of the versions compatible with the cluster, so after a few cluster upgrades it is far behind and breaks in ways that look like network faults.",
    fix: "Manage them as EKS add-ons (eksctl `addons:`, Terraform `aws_eks_addon`): one API call updates each, and `describe-addon-versions` lists the versions for the cluster's Kubernetes version. Upgrade them after each control-plane upgrade either way. Add-ons managed outside the scanned code: `external = [\"addons\"]` for the cluster in `.eksdoctor.toml`.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "Auto Mode is on. Not decided (listed by --show-unknown) when a part of the cluster's root module that the scan cannot see may create add-ons; an add-on its root module does not define is absent (managed elsewhere: suppress with the reason).",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let auto = sink.need(&META, &c.auto_mode, || {
            format!("whether cluster `{}` runs in Auto Mode", c.id)
        });
        if auto != Some(&false) {
            continue;
        }
        if crate::helpers::addons_undecided(ctx, c, &META, sink) {
            continue;
        }
        let Some(defaults) = sink.need(&META, &c.default_addons, || {
            format!("default add-ons of cluster `{}`", c.id)
        }) else {
            continue;
        };
        for name in ["vpc-cni", "coredns", "kube-proxy"] {
            let managed = defaults.iter().any(|d| d == name)
                || ctx.inv.addons_of(&c.id).any(|a| a.name == name);
            if !managed {
                sink.finding(
                    &META,
                    c.default_addons.at(),
                    format!("cluster {} addon {name}", c.id),
                    match c.at.source {
                        eksdoctor_inventory::SourceKind::Eksctl => format!("cluster `{}` does not manage {name} as an EKS add-on: it is not listed and default add-ons are disabled", c.id),
                        _ => format!("cluster `{}` does not manage {name} as an EKS add-on: no add-on in {} installs it, so the cluster runs the self-managed copy EKS bootstraps at creation (or none), which no cluster upgrade updates", c.id, crate::helpers::unit_of(c)),
                    },
                );
            }
        }
    }
}
