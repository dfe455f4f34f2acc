//! The one list of rules: id → metadata and check.

use crate::rules::*;
use crate::Ctx;
use eksdoctor_findings::{RuleMeta, Sink};

pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Ctx, &mut Sink),
}

macro_rules! rules {
    ($($m:ident),* $(,)?) => {
        pub static RULES: &[Rule] = &[$(Rule { meta: &$m::META, check: $m::check }),*];
    };
}

rules![
    subnet_too_small,
    ip_exhaustion_risk,
    max_pods_over_eni_limit,
    single_az,
    public_subnet_no_public_ip,
    lb_subnet_tags_missing,
    internal_lb_no_private_subnet,
    private_cluster_missing_endpoints,
    private_endpoint_vpc_dns_off,
    ebs_volume_az_bound,
    storageclass_immediate_binding,
    in_tree_ebs_provisioner,
    ebs_csi_driver_missing,
    autoscaler_multi_az_node_group,
    node_volume_unencrypted,
    aws_auth_user_system_masters,
    cluster_creator_iam_user,
    creator_only_admin,
    auth_mode_config_map,
    no_workload_identity,
    node_role_too_broad,
    cni_policy_on_node_role,
    irsa_trust_too_broad,
    imdsv2_not_required,
    imds_reachable_from_pods,
    cni_no_iam_permissions,
    endpoint_public_unrestricted,
    secrets_no_customer_kms,
    control_plane_logging_off,
    version_out_of_standard_support,
    version_end_of_life,
    node_version_skew,
    addon_not_managed,
    addon_version_outdated,
    deprecated_api,
    ami_type_deprecated,
    fargate_daemonset,
    fargate_ebs_volume,
    fargate_lb_target_type,
    fargate_unsupported_pod_spec,
    fargate_public_subnet,
    hpa_without_metrics_server,
    cronjob_ip_churn,
    suppression_without_reason,
    // Last: it reads the findings of every rule above.
    suppression_unused,
];

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// An example input the rule fires on (its first positive fixture): file name and content.
pub fn example(id: &str) -> Option<(&'static str, &'static str)> {
    EXAMPLES
        .iter()
        .find(|(r, _, _)| *r == id)
        .map(|(_, f, c)| (*f, *c))
}

pub fn find_rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.meta.id == id)
}

/// The rule reference (`docs/rules.md`), generated from the rules' metadata.
pub fn rules_markdown() -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from the rules' metadata by `EKSDOCTOR_BLESS=1 cargo test -p eksdoctor_rules --test docs`; do not edit. -->\n\n| rule | severity | category | what it catches | sources |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in RULES {
        let m = r.meta;
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {:?} | {} | {} |",
            m.id,
            m.id,
            m.severity,
            m.category,
            m.summary,
            m.sources.join(" ")
        );
    }
    for r in RULES {
        let m = r.meta;
        let _ = write!(
            out,
            "\n## {}\n\n**{}** · severity {} · sources: {}\n\n**Why it matters.** {}\n\n**How to fix.** {}\n\n**Stays silent when.** {}\n\n**References.**\n",
            m.id,
            m.summary,
            m.severity,
            m.sources.join(", "),
            m.why,
            m.fix,
            m.silent_when
        );
        for link in m.references {
            let _ = writeln!(out, "- <{link}>");
        }
    }
    out
}
