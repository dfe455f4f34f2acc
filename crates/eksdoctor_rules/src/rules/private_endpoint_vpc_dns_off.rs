//! # private-endpoint-vpc-dns-off
//! The cluster's private API endpoint is on, but its VPC has DNS support or DNS hostnames off:
//! the private endpoint's name does not resolve inside the VPC.

use crate::helpers::default_note;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "private-endpoint-vpc-dns-off",
    category: Category::Network,
    severity: Severity::High,
    summary: "Private endpoint in a VPC without DNS hostnames or support",
    why: "EKS serves the private endpoint through a private hosted zone that only resolves when the VPC has both DNS support and DNS hostnames; otherwise nodes resolve the public address or nothing.",
    fix: "Set `enable_dns_support = true` and `enable_dns_hostnames = true` on the VPC (the `aws_vpc` resource turns hostnames off by default).",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "The cluster's VPC is not in the scanned code.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let private = sink.need(&META, &c.endpoint_private, || {
            format!("private endpoint access of cluster `{}`", c.id)
        });
        if private != Some(&true) {
            continue;
        }
        let Some(vpc) = c
            .vpc
            .as_ref()
            .and_then(|v| ctx.inv.vpcs.iter().find(|x| &x.id == v))
        else {
            sink.unknown(
                &META,
                &c.at,
                format!(
                    "DNS settings of the VPC of cluster `{}` not known: {}",
                    c.id,
                    match &c.vpc {
                        Some(_) =>
                            "the cluster's VPC is not defined in the scanned files (it is in AWS)"
                                .to_string(),
                        None => "its VPC is not known".to_string(),
                    }
                ),
            );
            continue;
        };
        for (what, val) in [
            ("DNS support", &vpc.dns_support),
            ("DNS hostnames", &vpc.dns_hostnames),
        ] {
            if sink.need(&META, val, || format!("{what} of VPC `{}`", vpc.id)) == Some(&false) {
                sink.finding(
                    &META,
                    val.at(),
                    format!("vpc {}", vpc.id),
                    format!(
                        "cluster `{}` has its private endpoint on, but VPC `{}` has {what} off{}: nodes cannot resolve the private endpoint",
                        c.id,
                        vpc.id,
                        default_note(val)
                    ),
                );
            }
        }
    }
}
