//! # private-cluster-missing-endpoints
//! Nodes or Fargate pods sit in subnets with no way out (no NAT route, not public) and the VPC
//! lacks the endpoints they need: ECR api and dkr, S3 (gateway), EC2, STS with IRSA, EKS Auth with
//! Pod Identity, Auto Scaling with cluster-autoscaler.

use crate::helpers::node_group_subnets;
use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};
use eksdoctor_inventory::{Cluster, NodeGroupKind, Subnet};
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
    summary: "Isolated node or Fargate subnets without the VPC endpoints they need",
    why: "Without a NAT gateway, nodes reach AWS only through VPC endpoints: no ECR endpoints means no images, no EC2 endpoint means the VPC CNI cannot assign IPs, no STS endpoint means IRSA fails.",
    fix: "Add interface endpoints (ecr.api, ecr.dkr, ec2, sts, eks-auth, logs as needed) and the S3 gateway endpoint, or a route to a NAT gateway. Endpoints made outside the scanned code: `external = [\"vpc-endpoints\"]` for the cluster in `.eksdoctor.toml`.",
    sources: &["tf", "plan", "live"],
    silent_when: "The subnet's routes, the VPC or its endpoints are not all in the scanned code (listed with --show-unknown). A subnet with no route table association uses its VPC's main route table: when the VPC is defined in the root module, that table has only the local route unless an aws_default_route_table, aws_main_route_table_association or aws_route there gives it one.",
    references: &[
        "https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_route_table",
    ],
};

/// The subnets of a cluster's node groups (not Karpenter's, which it chooses itself) and Fargate
/// profiles, each with what runs there.
fn cluster_subnets<'a>(ctx: &'a Ctx, c: &Cluster) -> Vec<(&'a Subnet, &'static str)> {
    let inv = ctx.inv;
    let mut out: Vec<(&Subnet, &'static str)> = Vec::new();
    let mut add = |s: &'a Subnet, what: &'static str| {
        if !out.iter().any(|(x, w)| x.name == s.name && *w == what) {
            out.push((s, what));
        }
    };
    for ng in inv
        .node_groups_of(&c.id)
        .filter(|n| n.kind != NodeGroupKind::Karpenter)
    {
        for s in node_group_subnets(inv, ng).unwrap_or_default() {
            add(s, "nodes");
        }
    }
    for fp in inv.fargate_profiles.iter().filter(|p| p.cluster == c.id) {
        for r in fp.subnets.known().into_iter().flatten().flatten() {
            if let Some(s) = inv.subnet(&c.id, r) {
                add(s, "Fargate pods");
            }
        }
    }
    out
}

/// Subnets known to have no way out: not public and no NAT route.
fn is_isolated(s: &Subnet) -> bool {
    s.public.known() == Some(&false) && s.nat_route.known() == Some(&false)
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    let inv = ctx.inv;
    let endpoints_without_vpc = inv.vpc_endpoints.iter().any(|e| e.vpc.is_none());
    let autoscalers = crate::helpers::by_cluster(ctx, &inv.k8s.cluster_autoscaler);
    for c in &inv.clusters {
        let subnets = cluster_subnets(ctx, c);
        let mut isolated: Vec<&Subnet> = Vec::new();
        let mut who: BTreeSet<&str> = BTreeSet::new();
        for (s, what) in &subnets {
            if is_isolated(s) {
                who.insert(what);
                if !isolated.iter().any(|x| x.name == s.name) {
                    isolated.push(s);
                }
            }
        }
        if isolated.is_empty() {
            undecided_routes(c, &subnets, sink);
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
                    "cluster `{}`: {} run in subnets with no way out, but {}: it may create the VPC endpoints or routes they need",
                    c.id,
                    who.iter().copied().collect::<Vec<_>>().join(" and "),
                    o.what
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
                "{} of cluster `{}` run in subnets with no route to a NAT or internet gateway ({}) and the VPC has no endpoint for {}: {}{}",
                who.iter().copied().collect::<Vec<_>>().join(" and "),
                c.id,
                names.into_iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                missing.join(", "),
                if who.contains("nodes") { "nodes cannot pull images or join" } else { "pods cannot pull images or start" },
                main_table_note(&isolated)
            ),
        );
    }
}

/// When the isolation rests on the VPC's main route table (a subnet with no association), say so.
fn main_table_note(isolated: &[&Subnet]) -> String {
    let on_main: Vec<&str> = isolated
        .iter()
        .filter(|s| s.public.default_note().is_some())
        .map(|s| s.name.name())
        .collect();
    match on_main.len() {
        0 => String::new(),
        n if n == isolated.len() => " (none of these subnets has a route table association, and the VPC's main route table has no default route in the scanned code)".into(),
        _ => format!(
            " ({} ha{} no route table association, and the VPC's main route table has no default route in the scanned code)",
            on_main.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
            if on_main.len() == 1 { "s" } else { "ve" }
        ),
    }
}

/// No subnet is known to be isolated: when some subnet's routes are not known, say so.
fn undecided_routes(c: &Cluster, subnets: &[(&Subnet, &'static str)], sink: &mut Sink) {
    let open = |s: &Subnet| s.public.known() == Some(&true) || s.nat_route.known() == Some(&true);
    if let Some((s, what)) = subnets.iter().find(|(s, _)| !open(s)) {
        let why = s
            .nat_route
            .unknown_reason()
            .or(s.public.unknown_reason())
            .unwrap_or("its routes are not known");
        sink.unknown(
            &META,
            &s.at,
            format!(
                "cluster `{}`: whether subnet `{}` ({what}) has a way out is not known: {why}",
                c.id,
                s.name.name()
            ),
        );
    }
}
