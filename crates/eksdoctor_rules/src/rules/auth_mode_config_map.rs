//! # auth-mode-config-map
//! The cluster authenticates only through the aws-auth ConfigMap (`CONFIG_MAP`), which is
//! deprecated in favour of access entries.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::AuthMode;

pub static META: RuleMeta = RuleMeta {
    id: "auth-mode-config-map",
    category: Category::Identity,
    severity: Severity::Low,
    summary: "Authentication mode CONFIG_MAP only (aws-auth is deprecated)",
    why: "aws-auth is a single hand-edited ConfigMap: one bad edit locks everyone out, and it cannot be managed through the EKS API. Access entries replace it.",
    fix: "Switch `authenticationMode` to API_AND_CONFIG_MAP, migrate mappings to access entries, then to API (the change is one-way).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The mode is not known. eksctl's default is API_AND_CONFIG_MAP; the EKS API and Terraform default to CONFIG_MAP.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let mode = sink.need(&META, &c.auth_mode, || {
            format!("authentication mode of cluster `{}`", c.id)
        });
        if mode == Some(&AuthMode::ConfigMap) {
            let note = c
                .auth_mode
                .default_note()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            sink.finding(
                &META,
                c.auth_mode.at(),
                format!("cluster {}", c.id),
                format!(
                    "cluster `{}` uses authentication mode CONFIG_MAP{note}: access is managed only through the deprecated aws-auth ConfigMap",
                    c.id
                ),
            );
        }
    }
}
