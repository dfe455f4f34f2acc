//! # private-cluster-missing-endpoints
//! Nodes or Fargate pods sit in subnets with no way out (no NAT route, not public) and the VPC
//! lacks the endpoints they need: ECR api and dkr, S3 (gateway), EC2, STS with IRSA, EKS Auth with
//! Pod Identity, Auto Scaling with cluster-autoscaler.

use crate::helpers::node_group_subnets;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::{NodeGroupKind, Subnet};
use std::collections::BTreeSet;

/// Resource types that give isolated subnets a way to the AWS APIs: endpoints, and the routes
/// and gateways that would make the subnets not isolated after all.
const ENDPOINT_TYPES: &[&str] = &[
    "aws_vpc_endpoint",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_default_route_table",
    "aws_nat_gateway",
    "aws_internet_gateway",
];

pub static META: RuleMeta = RuleMeta {
    id: "private-cluster-missing-endpoints",
    category: Category::Network,
    severity: Severity::High,
    summary: "Isolated node subnets without the VPC endpoints nodes need",
    why: "Without a NAT gateway, nodes reach AWS only through VPC endpoints: no ECR endpoints means no images, no EC2 endpoint means the VPC CNI cannot assign IPs, no STS endpoint means IRSA fails.",
    fix: "Add interface endpoints (ecr.api, ecr.dkr, ec2, sts, eks-auth, logs as needed) and the S3 gateway endpoint, or a route to a NAT gateway.",
    sources: &["tf", "plan", "live"],
    silent_when: "The subnet's routes, the VPC or its endpoints are not all in the scanned code.",
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html"],
};

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let inv = ctx.inv;
    let endpoints_without_vpc = inv.vpc_endpoints.iter().any(|e| e.vpc.is_none());
    let autoscalers = crate::helpers::by_cluster(ctx, &inv.k8s.cluster_autoscaler);
    for c in &inv.clusters {
        let mut isolated: Vec<&Subnet> = Vec::new();
        for ng in inv
            .node_groups_of(&c.id)
            .filter(|n| n.kind != NodeGroupKind::Karpenter)
        {
            for s in node_group_subnets(inv, ng).unwrap_or_default() {
                if s.public.known() == Some(&false)
                    && s.nat_route.known() == Some(&false)
                    && !isolated.iter().any(|x| x.name == s.name)
                {
                    isolated.push(s);
                }
            }
        }
        let Some(first) = isolated.first() else {
            continue;
        };
        let Some(vpc) = first.vpc.as_ref() else {
            continue;
        };
        // The VPC must be defined in scope, so that its endpoints are too.
        if !inv.vpcs.iter().any(|v| &v.id == vpc) {
            continue;
        }
        if let Some(o) = inv
            .completeness
            .unseen_part(vpc, ENDPOINT_TYPES)
            .or_else(|| inv.completeness.unseen_part(&c.id, ENDPOINT_TYPES))
        {
            sink.unknown(
                &META,
                &first.at,
                format!(
                    "cluster `{}`: nodes run in subnets with no way out, but {}: it may create the VPC endpoints they need",
                    c.id, o.what
                ),
            );
            continue;
        }
        let endpoints: Vec<_> = inv
            .vpc_endpoints
            .iter()
            .filter(|e| e.vpc.as_ref() == Some(vpc))
            .collect();
        if endpoints_without_vpc {
            continue;
        }
        let has = |svc: &str| {
            endpoints
                .iter()
                .any(|e| e.service.ends_with(&format!(".{svc}")))
        };
        let mut needed = vec!["ecr.api", "ecr.dkr", "s3", "ec2"];
        if c.oidc_provider.known() == Some(&true) {
            needed.push("sts");
        }
        if inv
            .pod_identity_associations
            .iter()
            .any(|p| p.cluster == c.id)
        {
            needed.push("eks-auth");
        }
        if autoscalers.contains_key(&c.id) {
            needed.push("autoscaling");
        }
        let missing: Vec<&str> = needed.into_iter().filter(|s| !has(s)).collect();
        if missing.is_empty() {
            continue;
        }
        let names: BTreeSet<&str> = isolated.iter().map(|s| s.name.name()).collect();
        sink.finding(
            &META,
            &first.at,
            format!("cluster {}", c.id),
            format!(
                "nodes of cluster `{}` run in subnets with no route to a NAT or internet gateway ({}) and the VPC has no endpoint for {}: nodes cannot pull images or join",
                c.id,
                names.into_iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                missing.join(", ")
            ),
        );
    }
}
