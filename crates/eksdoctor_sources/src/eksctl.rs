//! eksctl `ClusterConfig` files into the inventory.
//!
//! Fields the file leaves out are filled with eksctl's defaults **as of eksctl 0.219.0**
//! (2025-11-27) and later; each default names itself in the value's provenance. The defaults that
//! matter to rules:
//! - `vpc.clusterEndpoints`: public access on, private access off; `publicAccessCIDRs` 0.0.0.0/0.
//! - `accessConfig.authenticationMode`: `API_AND_CONFIG_MAP`; `bootstrapClusterCreatorAdminPermissions`: true.
//! - `iam.withOIDC`: false.
//! - add-ons: vpc-cni, coredns, kube-proxy (since 0.184.0) and metrics-server (since 0.201.0) are created
//!   as EKS add-ons unless `addonsConfig.disableDefaultAddons` is true.
//! - node groups: `disableIMDSv1` true (since 0.143.0: IMDSv2 required), `disablePodIMDS` false with a
//!   hop limit of 2, `volumeEncrypted` unset, `amiFamily` AmazonLinux2023 (since 0.219.0),
//!   `instanceType` m5.large, `privateNetworking` false (nodes in the public subnets).
//! - no control-plane logging, no secrets encryption key.

use crate::ctx::FileCtx;
use crate::manifests::apply_cni_env;
use crate::yaml;
use eksdoctor_inventory::*;
use ipnet::IpNet;
use std::collections::BTreeMap;

const EKSCTL: &str = "eksctl default";

/// True when a document is an eksctl ClusterConfig.
pub fn is_cluster_config(root: &Node) -> bool {
    root.get("kind").and_then(Node::as_str) == Some("ClusterConfig")
        && root
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|a| a.starts_with("eksctl.io/"))
}

fn is_az_name(s: &str) -> bool {
    // us-east-1a, eu-central-1b, us-gov-west-1a, ap-northeast-3c
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.last().is_some_and(|p| {
            p.len() >= 2
                && p[..p.len() - 1].chars().all(|c| c.is_ascii_digit())
                && p.chars().last().is_some_and(|c| c.is_ascii_lowercase())
        })
}

pub fn read_cluster_config(ctx: &mut FileCtx, root: &Node, inv: &mut Inventory) {
    let w = "ClusterConfig: ";
    let meta = ctx.map(root, "metadata", w);
    // Cluster-wide findings and eksctl defaults point at `metadata.name`.
    let at = ctx.prov(meta.map_or(root.line, |m| m.line_of("name")));
    let name = meta.and_then(|m| ctx.str(m, "name", w));
    let Some(name) = name else {
        ctx.error(root.line, "eksctl ClusterConfig without `metadata.name`");
        return;
    };
    let meta = meta.expect("name implies metadata");
    let id = name.clone();
    let p = |ctx: &FileCtx, n: &Node, key: &str| ctx.prov(n.line_of(key));

    let version = match ctx.str(meta, "version", w) {
        Some(v) => match v.parse::<eksdoctor_knowledge_free::Ver>() {
            Ok(ver) => Val::set(ver.0, p(ctx, meta, "version")),
            Err(_) if v == "auto" || v == "latest" => Val::unknown(
                format!("metadata.version is `{v}`: eksctl picks the version when it runs"),
                p(ctx, meta, "version"),
            ),
            Err(_) => {
                ctx.error(meta.line_of("version"), format!("{w}`metadata.version` `{v}` is not a Kubernetes version like 1.31"));
                Val::unknown("metadata.version is not a version", p(ctx, meta, "version"))
            }
        },
        None => Val::unknown(
            "metadata.version is not set: eksctl uses the default version of the eksctl release that runs it",
            ctx.prov(meta.line),
        ),
    };
    let region = match ctx.str(meta, "region", w) {
        Some(r) => Val::set(r, p(ctx, meta, "region")),
        None => Val::unknown("metadata.region is not set", ctx.prov(meta.line)),
    };

    // VPC and subnets.
    let vpc = ctx.map(root, "vpc", w);
    let mut endpoint_public = Val::defaulted(true, at.clone(), EKSCTL);
    let mut endpoint_private = Val::defaulted(false, at.clone(), EKSCTL);
    let mut public_cidrs = Val::defaulted(vec!["0.0.0.0/0".to_string()], at.clone(), EKSCTL);
    let mut subnet_azs: Vec<String> = Vec::new();
    let mut subnets_known = true;
    if let Some(vpc) = vpc {
        if let Some(ce) = ctx.map(vpc, "clusterEndpoints", w) {
            if let Some(b) = ctx.bool(ce, "publicAccess", w) {
                endpoint_public = Val::set(b, p(ctx, ce, "publicAccess"));
            }
            if let Some(b) = ctx.bool(ce, "privateAccess", w) {
                endpoint_private = Val::set(b, p(ctx, ce, "privateAccess"));
            }
        }
        if vpc.get("publicAccessCIDRs").is_some() {
            let cidrs = ctx.str_list(vpc, "publicAccessCIDRs", w);
            public_cidrs = Val::set(cidrs, p(ctx, vpc, "publicAccessCIDRs"));
        }
        let vpc_id = ctx.str(vpc, "id", w);
        if let Some(subs) = ctx.map(vpc, "subnets", w) {
            for (role, public) in [("private", false), ("public", true)] {
                let Some(group) = ctx.map(subs, role, w) else {
                    continue;
                };
                for (key, s) in group.entries() {
                    let sp = ctx.prov(s.line);
                    let sid = if s.as_map().is_some() {
                        ctx.str(s, "id", w)
                    } else {
                        None
                    };
                    let cidr = match s.get("cidr").and_then(Node::as_str) {
                        Some(c) => match c.parse::<IpNet>() {
                            Ok(net) => Val::set(net.trunc(), ctx.prov(s.line_of("cidr"))),
                            Err(_) => {
                                ctx.error(
                                    s.line_of("cidr"),
                                    format!("{w}subnet `{key}` cidr `{c}` is not a CIDR block"),
                                );
                                Val::unknown("the CIDR is not valid", sp.clone())
                            }
                        },
                        None => Val::unknown(
                            format!("subnet `{key}` is given by id only; its CIDR is in AWS"),
                            sp.clone(),
                        ),
                    };
                    let az = match s.get("az").and_then(Node::as_str) {
                        Some(a) => Val::set(a.to_string(), ctx.prov(s.line_of("az"))),
                        None if is_az_name(key) => Val::set(key.clone(), sp.clone()),
                        None => Val::unknown(
                            format!("subnet `{key}` names no availability zone"),
                            sp.clone(),
                        ),
                    };
                    match az.known() {
                        Some(a) => {
                            if !subnet_azs.contains(a) {
                                subnet_azs.push(a.clone());
                            }
                        }
                        None => subnets_known = false,
                    }
                    inv.subnets.push(Subnet {
                        name: format!("{role}.{key}"),
                        id: sid,
                        cluster: Some(id.clone()),
                        vpc: vpc_id.clone().or_else(|| Some(format!("{id}-vpc"))),
                        cidr,
                        az,
                        public: Val::set(public, sp.clone()),
                        map_public_ip: Val::unknown("eksctl does not say", sp.clone()),
                        nat_route: Val::unknown(
                            "routes are in AWS, not in the ClusterConfig",
                            sp.clone(),
                        ),
                        tags: BTreeMap::new(),
                        at: sp,
                    });
                }
            }
        }
    }
    // Cluster AZs: `availabilityZones`, else the subnets' zones.
    let azs = if root.get("availabilityZones").is_some() {
        Val::set(
            ctx.str_list(root, "availabilityZones", w),
            p(ctx, root, "availabilityZones"),
        )
    } else if !subnet_azs.is_empty() && subnets_known {
        Val::set(subnet_azs, ctx.prov(vpc.map_or(root.line, |v| v.line)))
    } else {
        Val::unknown(
            "availabilityZones is not set: eksctl picks at least two zones of the region",
            at.clone(),
        )
    };

    // IAM and identity.
    let iam = ctx.map(root, "iam", w);
    let oidc = match iam.and_then(|i| ctx.bool(i, "withOIDC", w)) {
        Some(b) => Val::set(b, p(ctx, iam.expect("iam"), "withOIDC")),
        None => Val::defaulted(false, at.clone(), EKSCTL),
    };
    if let Some(iam) = iam {
        for a in ctx.seq(iam, "podIdentityAssociations", w) {
            let ns = a
                .get("namespace")
                .and_then(Node::as_str)
                .unwrap_or("default");
            let sa = a
                .get("serviceAccountName")
                .and_then(Node::as_str)
                .unwrap_or("");
            inv.pod_identity_associations.push(PodIdentityAssociation {
                cluster: id.clone(),
                namespace: ns.to_string(),
                service_account: sa.to_string(),
                role: Val::set(
                    a.get("roleARN").and_then(Node::as_str).map(str::to_string),
                    ctx.prov(a.line),
                ),
                at: ctx.prov(a.line),
            });
        }
    }
    for m in ctx.seq(root, "iamIdentityMappings", w) {
        let Some(arn) = m.get("arn").and_then(Node::as_str) else {
            if m.get("account").is_none() {
                ctx.error(m.line, "iamIdentityMappings entry without `arn`");
            }
            continue;
        };
        let kind = if arn.contains(":user/") {
            AuthMappingKind::User
        } else {
            AuthMappingKind::Role
        };
        inv.auth_mappings.push(AuthMapping {
            cluster: Some(id.clone()),
            kind,
            arn: arn.to_string(),
            username: m.get("username").and_then(Node::as_str).map(str::to_string),
            groups: ctx.str_list(m, "groups", w),
            at: ctx.prov(m.line),
        });
    }
    let access = ctx.map(root, "accessConfig", w);
    let auth_mode = match access.and_then(|a| ctx.str(a, "authenticationMode", w)) {
        Some(m) => {
            match AuthMode::parse(&m) {
                Some(mode) => Val::set(mode, p(ctx, access.expect("access"), "authenticationMode")),
                None => {
                    let line = access.expect("access").line_of("authenticationMode");
                    ctx.error(line, format!("{w}authenticationMode `{m}` is not CONFIG_MAP, API_AND_CONFIG_MAP or API"));
                    Val::unknown("authenticationMode is not valid", ctx.prov(line))
                }
            }
        }
        None => Val::defaulted(AuthMode::ApiAndConfigMap, at.clone(), EKSCTL),
    };
    let creator_admin =
        match access.and_then(|a| ctx.bool(a, "bootstrapClusterCreatorAdminPermissions", w)) {
            Some(b) => Val::set(
                b,
                p(
                    ctx,
                    access.expect("access"),
                    "bootstrapClusterCreatorAdminPermissions",
                ),
            ),
            None => Val::defaulted(true, at.clone(), EKSCTL),
        };
    if let Some(access) = access {
        for e in ctx.seq(access, "accessEntries", w) {
            let Some(arn) = e.get("principalARN").and_then(Node::as_str) else {
                ctx.error(e.line, "accessEntries entry without `principalARN`");
                continue;
            };
            let policies = e
                .get("accessPolicies")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| {
                    p.get("policyARN")
                        .and_then(Node::as_str)
                        .map(str::to_string)
                })
                .collect();
            inv.access_entries.push(AccessEntry {
                cluster: id.clone(),
                principal_arn: arn.to_string(),
                kubernetes_groups: ctx.str_list(e, "kubernetesGroups", w),
                access_policies: policies,
                at: ctx.prov(e.line),
            });
        }
    }

    // Add-ons and VPC CNI settings.
    let addons_cfg = ctx.map(root, "addonsConfig", w);
    let disable_defaults = addons_cfg.and_then(|a| ctx.bool(a, "disableDefaultAddons", w));
    let default_addons = match disable_defaults {
        Some(true) => Val::set(Vec::new(), p(ctx, addons_cfg.expect("cfg"), "disableDefaultAddons")),
        _ => Val::defaulted(
            ["vpc-cni", "coredns", "kube-proxy", "metrics-server"]
                .map(String::from)
                .to_vec(),
            at.clone(),
            "eksctl default add-ons (vpc-cni, coredns, kube-proxy since 0.184.0; metrics-server since 0.201.0)",
        ),
    };
    let mut cni = CniSettings::defaults(&at, "VPC CNI default");
    for a in ctx.seq(root, "addons", w) {
        let Some(aname) = ctx.str(a, "name", w) else {
            ctx.error(a.line, "addons entry without `name`");
            continue;
        };
        let version = ctx.str(a, "version", w);
        let role = ctx
            .str(a, "serviceAccountRoleARN", w)
            .or_else(|| {
                (a.get("attachPolicyARNs").is_some()
                    || a.get("attachPolicy").is_some()
                    || a.get("wellKnownPolicies").is_some())
                .then(|| "eksctl-created role".to_string())
            })
            .or_else(|| {
                a.get("podIdentityAssociations")
                    .is_some()
                    .then(|| "pod identity association".to_string())
            })
            .or_else(|| {
                (a.get("useDefaultPodIdentityAssociations")
                    .and_then(Node::as_bool)
                    == Some(true))
                .then(|| "default pod identity association".to_string())
            });
        let configuration = a.get("configurationValues").cloned();
        if aname == "vpc-cni" {
            if let Some(cv) = a.get("configurationValues").and_then(Node::as_str) {
                let (docs, err) = yaml::parse(cv);
                let line = a.line_of("configurationValues");
                if let Some(e) = err {
                    ctx.error(
                        line,
                        format!(
                            "vpc-cni configurationValues is not valid JSON/YAML: {}",
                            e.message
                        ),
                    );
                }
                for d in docs {
                    for (k, v) in d.root.get("env").map(Node::entries).unwrap_or_default() {
                        if let Some(val) = v.as_str() {
                            apply_cni_env(&mut cni, k, val, ctx.prov(line));
                        }
                    }
                }
            }
        }
        inv.addons.push(Addon {
            cluster: id.clone(),
            name: aname,
            version: Val::set(version, ctx.prov(a.line_of("version"))),
            role: Val::set(role, ctx.prov(a.line)),
            configuration,
            at: ctx.prov(a.line),
        });
    }

    let logging = ctx
        .map(root, "cloudWatch", w)
        .and_then(|c| ctx.map(c, "clusterLogging", w));
    let log_types = match logging {
        Some(l) if l.get("enableTypes").is_some() => {
            let mut types = ctx.str_list(l, "enableTypes", w);
            if types.iter().any(|t| t == "*" || t == "all") {
                types = [
                    "api",
                    "audit",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ]
                .map(String::from)
                .to_vec();
            }
            Val::set(types, p(ctx, l, "enableTypes"))
        }
        _ => Val::defaulted(Vec::new(), at.clone(), EKSCTL),
    };
    let secrets = ctx.map(root, "secretsEncryption", w);
    let kms = match secrets.and_then(|s| ctx.str(s, "keyARN", w)) {
        Some(k) => Val::set(Some(k), p(ctx, secrets.expect("s"), "keyARN")),
        None => Val::defaulted(None, at.clone(), EKSCTL),
    };
    let auto_mode = ctx
        .map(root, "autoModeConfig", w)
        .and_then(|a| {
            ctx.bool(a, "enabled", w)
                .map(|b| Val::set(b, p(ctx, a, "enabled")))
        })
        .unwrap_or_else(|| Val::defaulted(false, at.clone(), EKSCTL));
    let support_type = ctx
        .map(root, "upgradePolicy", w)
        .and_then(|u| {
            ctx.str(u, "supportType", w)
                .map(|s| Val::set(s, p(ctx, u, "supportType")))
        })
        .unwrap_or_else(|| Val::defaulted("EXTENDED".to_string(), at.clone(), "EKS default"));
    // `kubernetesNetworkConfig.ipFamily`, or the older `vpc.ipFamily`.
    let ip_family = ["kubernetesNetworkConfig", "vpc"]
        .iter()
        .find_map(|section| {
            let k = ctx.map(root, section, w)?;
            ctx.str(k, "ipFamily", w)
                .map(|s| Val::set(s.to_ascii_lowercase(), p(ctx, k, "ipFamily")))
        })
        .unwrap_or_else(|| Val::defaulted("ipv4".to_string(), at.clone(), EKSCTL));

    inv.clusters.push(Cluster {
        id: id.clone(),
        name: Val::set(name, p(ctx, meta, "name")),
        region,
        version,
        endpoint_public,
        endpoint_private,
        public_access_cidrs: public_cidrs,
        log_types,
        secrets_kms_key: kms,
        auth_mode,
        bootstrap_creator_admin: creator_admin,
        oidc_provider: oidc,
        auto_mode,
        addons_complete: true,
        default_addons,
        vpc: Some(format!("{id}-vpc")),
        azs: azs.clone(),
        cni,
        support_type,
        ip_family,
        at: at.clone(),
    });

    // Node groups.
    for (key, kind) in [
        ("managedNodeGroups", NodeGroupKind::Managed),
        ("nodeGroups", NodeGroupKind::SelfManaged),
    ] {
        for ng in ctx.seq(root, key, w) {
            read_node_group(ctx, ng, kind, &id, &azs, inv);
        }
    }
    if root.get("karpenter").is_some() {
        // Karpenter's NodePools live outside this file: its capacity is there, but nothing about it is known.
        let kat = ctx.prov(root.line_of("karpenter"));
        let why = "Karpenter provisions these nodes from NodePools not in this file";
        inv.node_groups.push(NodeGroup::karpenter(&id, &kat, why));
    }

    // Fargate profiles.
    for fp in ctx.seq(root, "fargateProfiles", w) {
        let Some(fname) = ctx.str(fp, "name", w) else {
            ctx.error(fp.line, "fargateProfiles entry without `name`");
            continue;
        };
        let mut selectors = Vec::new();
        for s in ctx.seq(fp, "selectors", w) {
            let Some(ns) = ctx.str(s, "namespace", w) else {
                ctx.error(
                    s.line,
                    format!("Fargate profile `{fname}` selector without `namespace`"),
                );
                continue;
            };
            selectors.push(FargateSelector {
                namespace: ns,
                labels: ctx.str_map(s, "labels", w),
                at: ctx.prov(s.line),
            });
        }
        let subnets = if fp.get("subnets").is_some() {
            Val::set(Some(ctx.str_list(fp, "subnets", w)), p(ctx, fp, "subnets"))
        } else {
            Val::defaulted(
                None,
                ctx.prov(fp.line),
                "eksctl default: the cluster's private subnets",
            )
        };
        inv.fargate_profiles.push(FargateProfile {
            cluster: id.clone(),
            name: fname,
            selectors,
            subnets,
            at: ctx.prov(fp.line),
        });
    }
}

fn read_node_group(
    ctx: &mut FileCtx,
    ng: &Node,
    kind: NodeGroupKind,
    cluster: &str,
    cluster_azs: &Val<Vec<String>>,
    inv: &mut Inventory,
) {
    let w = "nodegroup: ";
    let Some(name) = ctx.str(ng, "name", w) else {
        ctx.error(ng.line, "node group without `name`");
        return;
    };
    let at = ctx.prov(ng.line);
    let p = |ctx: &FileCtx, key: &str| ctx.prov(ng.line_of(key));
    let lt = ctx
        .map(ng, "launchTemplate", w)
        .and_then(|l| ctx.str(l, "id", w));

    // Instance types.
    let mut types = Vec::new();
    if let Some(t) = ctx.str(ng, "instanceType", w) {
        types.push(t);
    }
    types.extend(ctx.str_list(ng, "instanceTypes", w));
    if let Some(d) = ctx.map(ng, "instancesDistribution", w) {
        types.extend(ctx.str_list(d, "instanceTypes", w));
    }
    let instance_types = if !types.is_empty() {
        let line = ["instanceType", "instanceTypes", "instancesDistribution"]
            .iter()
            .find(|k| ng.get(k).is_some())
            .map_or(ng.line, |k| ng.line_of(k));
        Val::set(types, ctx.prov(line))
    } else if lt.is_some() {
        Val::unknown(
            "the instance type comes from the launch template",
            at.clone(),
        )
    } else if ng.get("instanceSelector").is_some() {
        Val::unknown(
            "instance types are chosen by instanceSelector",
            p(ctx, "instanceSelector"),
        )
    } else {
        Val::defaulted(vec!["m5.large".to_string()], at.clone(), EKSCTL)
    };

    let (ami_family, ami_label) = match ctx.str(ng, "amiFamily", w) {
        Some(f) => {
            let fam = match f.as_str() {
                "AmazonLinux2" => Some(AmiFamily::AmazonLinux2),
                "AmazonLinux2023" => Some(AmiFamily::AmazonLinux2023),
                "Bottlerocket" => Some(AmiFamily::Bottlerocket),
                s if s.starts_with("Ubuntu") => Some(AmiFamily::Ubuntu),
                s if s.starts_with("Windows") => Some(AmiFamily::Windows),
                _ => None,
            };
            let fam = match fam {
                Some(x) => Val::set(x, p(ctx, "amiFamily")),
                None => Val::unknown(format!("amiFamily `{f}` is not known"), p(ctx, "amiFamily")),
            };
            (fam, Val::set(f, p(ctx, "amiFamily")))
        }
        None if ng.get("ami").is_some() => (
            Val::set(AmiFamily::Custom, p(ctx, "ami")),
            Val::set("custom AMI".to_string(), p(ctx, "ami")),
        ),
        None => (
            Val::defaulted(
                AmiFamily::AmazonLinux2023,
                at.clone(),
                "eksctl 0.219.0+ default",
            ),
            Val::defaulted(
                "AmazonLinux2023".to_string(),
                at.clone(),
                "eksctl 0.219.0+ default",
            ),
        ),
    };

    let size = |ctx: &mut FileCtx, key: &str| match ctx.uint(ng, key, w) {
        Some(v) => Val::set(v, ctx.prov(ng.line_of(key))),
        None => Val::unknown(format!("{key} is not set; eksctl chooses"), at.clone()),
    };
    let desired = size(ctx, "desiredCapacity");
    let min_size = size(ctx, "minSize");
    let max_size = size(ctx, "maxSize");
    let max_pods = match ctx.uint(ng, "maxPodsPerNode", w) {
        Some(v) => Val::set(Some(v), p(ctx, "maxPodsPerNode")),
        None => Val::defaulted(None, at.clone(), EKSCTL),
    };

    let (tokens, hop, blocked) = if lt.is_some() {
        let why = "IMDS options come from the launch template";
        (
            Val::unknown(why, at.clone()),
            Val::unknown(why, at.clone()),
            Val::unknown(why, at.clone()),
        )
    } else {
        let tokens = match ctx.bool(ng, "disableIMDSv1", w) {
            Some(true) => Val::set("required".to_string(), p(ctx, "disableIMDSv1")),
            Some(false) => Val::set("optional".to_string(), p(ctx, "disableIMDSv1")),
            None => Val::defaulted(
                "required".to_string(),
                at.clone(),
                "eksctl default (0.143.0+)",
            ),
        };
        let blocked = match ctx.bool(ng, "disablePodIMDS", w) {
            Some(b) => Val::set(b, p(ctx, "disablePodIMDS")),
            None => Val::defaulted(false, at.clone(), EKSCTL),
        };
        (tokens, Val::defaulted(2, at.clone(), EKSCTL), blocked)
    };

    let volume_encrypted = match ctx.bool(ng, "volumeEncrypted", w) {
        Some(b) => Val::set(b, p(ctx, "volumeEncrypted")),
        None if lt.is_some() => Val::unknown("volumes come from the launch template", at.clone()),
        None => Val::defaulted(false, at.clone(), "eksctl leaves volumeEncrypted unset"),
    };

    // Where the nodes go.
    let private = ctx.bool(ng, "privateNetworking", w);
    let explicit_azs = ng.get("availabilityZones").is_some();
    let explicit_subnets = ng.get("subnets").is_some();
    let subnets = if explicit_subnets {
        // References are subnet ids or keys of vpc.subnets.private/public.
        let order = if private == Some(true) {
            ["private", "public"]
        } else {
            ["public", "private"]
        };
        let refs = ctx
            .str_list(ng, "subnets", w)
            .into_iter()
            .map(|r| {
                order
                    .iter()
                    .map(|role| format!("{role}.{r}"))
                    .find(|n| inv.subnet(cluster, n).is_some())
                    .unwrap_or(r)
            })
            .collect();
        Val::set(refs, p(ctx, "subnets"))
    } else {
        let public = !private.unwrap_or(false);
        let refs: Vec<String> = inv
            .subnets_of(cluster)
            .filter(|s| s.public.known() == Some(&public))
            .filter(|s| {
                !explicit_azs
                    || s.az.known().is_some_and(|a| {
                        ng.get("availabilityZones")
                            .is_some_and(|z| z.str_items().contains(a))
                    })
            })
            .map(|s| s.name.clone())
            .collect();
        let why = if public {
            "eksctl default: privateNetworking is false, so nodes go to the public subnets"
        } else {
            "privateNetworking: the cluster's private subnets"
        };
        Val::defaulted(refs, at.clone(), why)
    };
    let azs = if explicit_azs {
        Val::set(
            ctx.str_list(ng, "availabilityZones", w),
            p(ctx, "availabilityZones"),
        )
    } else if explicit_subnets {
        let refs = subnets.known().cloned().unwrap_or_default();
        let zones: Option<Vec<String>> = refs
            .iter()
            .map(|r| inv.subnet(cluster, r).and_then(|s| s.az.known().cloned()))
            .collect();
        match zones {
            Some(mut z) => {
                z.sort();
                z.dedup();
                Val::set(z, p(ctx, "subnets"))
            }
            None => Val::unknown(
                "a subnet's availability zone is not known",
                p(ctx, "subnets"),
            ),
        }
    } else {
        match cluster_azs {
            Val::Known { value, at, .. } => Val::defaulted(
                value.clone(),
                at.clone(),
                "eksctl default: all of the cluster's zones",
            ),
            Val::Unknown { reason, at } => Val::unknown(reason.clone(), at.clone()),
        }
    };

    let version = match ctx.str(ng, "releaseVersion", w) {
        Some(rv) => Val::set(
            rv.parse::<eksdoctor_knowledge_free::Ver>()
                .ok()
                .map(|v| v.0),
            p(ctx, "releaseVersion"),
        ),
        None => Val::defaulted(
            None,
            at.clone(),
            "eksctl creates nodes at the cluster's version",
        ),
    };
    let role = ctx
        .map(ng, "iam", w)
        .and_then(|i| ctx.str(i, "instanceRoleARN", w))
        .map(|r| Val::set(Some(r), at.clone()))
        .unwrap_or_else(|| Val::defaulted(None, at.clone(), "eksctl creates the node role"));
    let labels = ctx.str_map(ng, "labels", w);

    inv.node_groups.push(NodeGroup {
        cluster: cluster.to_string(),
        name,
        kind,
        instance_types,
        ami_family,
        ami_label,
        min_size,
        max_size,
        desired_size: desired,
        max_pods,
        imds_http_tokens: tokens,
        imds_hop_limit: hop,
        imds_blocked_for_pods: blocked,
        volume_encrypted,
        subnets,
        azs,
        version,
        node_role: role,
        launch_template: lt,
        labels,
        at,
    });
}

/// Minimal `major.minor` parsing without depending on the knowledge crate (sources only fill the
/// inventory; version semantics belong to rules).
mod eksdoctor_knowledge_free {
    pub struct Ver(pub String);
    impl std::str::FromStr for Ver {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            let t = s.trim().trim_start_matches('v');
            let mut it = t.split(['.', '-']);
            let major: u32 = it.next().ok_or(())?.parse().map_err(|_| ())?;
            let minor: u32 = it.next().ok_or(())?.parse().map_err(|_| ())?;
            Ok(Ver(format!("{major}.{minor}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_az_name;
    #[test]
    fn az_names() {
        assert!(is_az_name("us-east-1a"));
        assert!(is_az_name("us-gov-west-1b"));
        assert!(!is_az_name("private-one"));
        assert!(!is_az_name("us-east-1"));
    }
}
