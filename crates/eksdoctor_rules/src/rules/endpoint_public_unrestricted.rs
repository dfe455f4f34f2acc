//! # endpoint-public-unrestricted
//! The public API endpoint is on and open to 0.0.0.0/0 (the default of eksctl, the EKS API and
//! `aws_eks_cluster`).

use crate::helpers::default_note;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "endpoint-public-unrestricted",
    category: Category::ControlPlane,
    severity: Severity::High,
    summary: "The public API endpoint is open to 0.0.0.0/0",
    why: "Anyone on the internet can reach the Kubernetes API server; a leaked credential or an API server vulnerability is exploitable from anywhere.",
    fix: "Turn the private endpoint on and restrict `publicAccessCIDRs` (Terraform `public_access_cidrs`) to your egress ranges, or turn public access off. With the private endpoint off, nodes reach the API through the public endpoint: their NAT gateways' public IPs must then be in the allowed CIDRs, or the nodes lose the API.",
    sources: &["tf", "plan", "eksctl", "live"],
    silent_when: "Public access or the CIDR list is unknown.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for c in &ctx.inv.clusters {
        let public = sink.need(&META, &c.endpoint_public, || {
            format!("public endpoint access of cluster `{}`", c.id)
        });
        if public != Some(&true) {
            continue;
        }
        let Some(cidrs) = sink.need(&META, &c.public_access_cidrs, || {
            format!("public access CIDRs of cluster `{}`", c.id)
        }) else {
            continue;
        };
        if let Some(open) = cidrs.iter().find(|x| *x == "0.0.0.0/0" || *x == "::/0") {
            let at = if c.public_access_cidrs.default_note().is_none() {
                c.public_access_cidrs.at()
            } else {
                c.endpoint_public.at()
            };
            sink.finding(
                &META,
                at,
                format!("cluster {}", c.id),
                format!(
                    "cluster `{}` has its public API endpoint on{} and open to {open}{}",
                    c.id,
                    default_note(&c.endpoint_public),
                    default_note(&c.public_access_cidrs)
                ),
            );
        }
    }
}
