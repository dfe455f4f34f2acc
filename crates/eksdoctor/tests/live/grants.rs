//! What the shipped ClusterRole grants, and which permission each logged request needed.

use std::path::Path;

/// The shipped ClusterRole's grants: (API group, resource, verb, resource names).
pub fn cluster_role() -> Vec<(String, String, String, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../eksdoctor_live/policy/eksdoctor-read-only-clusterrole.yaml");
    let (docs, err) = eksdoctor_inventory::yaml::parse(&std::fs::read_to_string(path).unwrap());
    assert!(err.is_none(), "{err:?}");
    let role = docs
        .iter()
        .find(|d| d.root.get("kind").and_then(|k| k.as_str()) == Some("ClusterRole"))
        .unwrap();
    let strs = |n: &eksdoctor_inventory::Node, k: &str| -> Vec<String> {
        n.get(k)
            .map(|v| {
                v.items()
                    .iter()
                    .filter_map(|i| i.as_str())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for r in role.root.get("rules").unwrap().items() {
        for g in strs(r, "apiGroups") {
            for res in strs(r, "resources") {
                for verb in strs(r, "verbs") {
                    out.push((g.clone(), res.clone(), verb, strs(r, "resourceNames")));
                }
            }
        }
    }
    out
}

/// A request of the log as (API group, resource, verb, name): `GET /apis/apps/v1/deployments?…`
/// is a list of deployments.apps, `GET /api/v1/namespaces/kube-system/configmaps/aws-auth` a get.
pub fn rbac_of(line: &str) -> (String, String, String, Option<String>) {
    let path = line
        .strip_prefix("GET ")
        .unwrap_or_else(|| panic!("not a read: {line}"));
    let path = path.split('?').next().unwrap();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, rest) = match parts.as_slice() {
        ["api", _v, rest @ ..] => ("", rest),
        ["apis", g, _v, rest @ ..] => (*g, rest),
        _ => panic!("not a resource path: {line}"),
    };
    let rest = match rest {
        ["namespaces", _ns, tail @ ..] if !tail.is_empty() => tail,
        other => other,
    };
    match rest {
        [res] => (group.into(), res.to_string(), "list".into(), None),
        [res, name] => (
            group.into(),
            res.to_string(),
            "get".into(),
            Some(name.to_string()),
        ),
        _ => panic!("not a resource path: {line}"),
    }
}

/// The IAM action of a request in eks_extra.py's log (`SERVICE METHOD PATH ACTION KEY`): the
/// `Action` of EC2's and IAM's query protocol; EKS's REST paths by the API reference.
pub fn aws_action(line: &str) -> String {
    let f: Vec<&str> = line.split(' ').collect();
    let (service, method, path) = (f[0], f[1], f[2].split('?').next().unwrap());
    if service != "eks" {
        assert_ne!(f[3], "-", "{line}: a query request names its Action");
        return format!("{service}:{}", f[3]);
    }
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    let action = match (method, p.as_slice()) {
        ("GET", ["clusters"]) => "ListClusters",
        ("GET", ["addons", "supported-versions"]) => "DescribeAddonVersions",
        ("GET", ["clusters", _]) => "DescribeCluster",
        ("GET", ["clusters", _, "node-groups"]) => "ListNodegroups",
        ("GET", ["clusters", _, "node-groups", _]) => "DescribeNodegroup",
        ("GET", ["clusters", _, "fargate-profiles"]) => "ListFargateProfiles",
        ("GET", ["clusters", _, "fargate-profiles", _]) => "DescribeFargateProfile",
        ("GET", ["clusters", _, "addons"]) => "ListAddons",
        ("GET", ["clusters", _, "addons", _]) => "DescribeAddon",
        ("GET", ["clusters", _, "access-entries"]) => "ListAccessEntries",
        ("GET", ["clusters", _, "access-entries", _]) => "DescribeAccessEntry",
        ("GET", ["clusters", _, "access-entries", _, "access-policies"]) => {
            "ListAssociatedAccessPolicies"
        }
        ("GET", ["clusters", _, "pod-identity-associations"]) => "ListPodIdentityAssociations",
        ("GET", ["clusters", _, "pod-identity-associations", _]) => {
            "DescribePodIdentityAssociation"
        }
        ("GET", ["clusters", _, "identity-provider-configs"]) => "ListIdentityProviderConfigs",
        ("POST", ["clusters", _, "identity-provider-configs", "describe"]) => {
            "DescribeIdentityProviderConfig"
        }
        // ListInsights is a POST (its filter is the body).
        ("POST", ["clusters", _, "insights"]) => "ListInsights",
        _ => panic!("{line}: not an EKS read this test knows"),
    };
    format!("eks:{action}")
}
