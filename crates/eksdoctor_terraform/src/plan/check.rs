//! What a plan or state written by Terraform always has, checked: a file that does not have it
//! (hand-edited, truncated, another tool's JSON) is an input error at the line, rather than read
//! with provider defaults where its values are.

use eksdoctor_inventory::{InputError, Node, NodeKind};
use std::sync::Arc;

/// Nested blocks the mapping reads: Terraform writes each as a list of objects (or null).
const BLOCKS: &[&str] = &[
    "access_config",
    "block_device_mappings",
    "compute_config",
    "ebs",
    "encryption_config",
    "iam_instance_profile",
    "kubernetes_network_config",
    "launch_template",
    "metadata_options",
    "mixed_instances_policy",
    "scaling_config",
    "upgrade_policy",
    "vpc_config",
];

fn kind(n: &Node) -> &'static str {
    match &n.kind {
        NodeKind::Map(_) => "an object",
        NodeKind::Seq(_) => "a list",
        NodeKind::Null => "null",
        NodeKind::Scalar { .. } => "a scalar",
        NodeKind::Unknown { .. } => "unknown",
    }
}

/// The problems of plan or state `root` (read from `file`).
pub fn check(file: &Arc<str>, root: &Node) -> Vec<InputError> {
    let mut out = Vec::new();
    let mut err = |line: u32, message: String| {
        out.push(InputError {
            file: file.clone(),
            line: Some(line),
            message,
        })
    };
    let mut modules: Vec<&Node> = Vec::new();
    for path in [["planned_values", "root_module"], ["values", "root_module"]] {
        if let Some(m) = root.path(&path) {
            match m.kind {
                NodeKind::Map(_) => modules.push(m),
                _ => err(
                    m.line,
                    format!("plan: `{}` is {}, not an object", path.join("."), kind(m)),
                ),
            }
        }
    }
    while let Some(m) = modules.pop() {
        for (key, want_list) in [("resources", true), ("child_modules", true)] {
            let Some(v) = m.get(key) else { continue };
            if want_list && !matches!(v.kind, NodeKind::Seq(_)) {
                err(v.line, format!("plan: `{key}` is {}, not a list", kind(v)));
                continue;
            }
            if key == "child_modules" {
                modules.extend(v.items());
                continue;
            }
            for r in v.items() {
                let addr = r
                    .get("address")
                    .and_then(Node::as_str)
                    .unwrap_or("a resource");
                let Some(values) = r.get("values") else {
                    continue;
                };
                let NodeKind::Map(entries) = &values.kind else {
                    if !values.is_null() {
                        err(
                            values.line,
                            format!(
                                "plan: the values of {addr} are {}, not an object",
                                kind(values)
                            ),
                        );
                    }
                    continue;
                };
                for (k, b) in entries {
                    let ok = match &b.kind {
                        NodeKind::Null => true,
                        NodeKind::Seq(items) => {
                            items.iter().all(|i| matches!(i.kind, NodeKind::Map(_)))
                        }
                        _ => false,
                    };
                    if BLOCKS.contains(&k.as_str()) && !ok {
                        err(b.line, format!("plan: {addr}.{k} is {}, but Terraform writes this block as a list of objects: not read", kind(b)));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_types_are_errors_at_their_line() {
        let text = "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [\n{\"address\": \"aws_eks_cluster.p\", \"values\": {\"name\": \"p\",\n\"vpc_config\": \"x\"}}]}}}";
        let root = eksdoctor_inventory::yaml::parse(text).0.remove(0).root;
        let e = check(&"plan.json".into(), &root);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, Some(3));
        assert_eq!(e[0].message, "plan: aws_eks_cluster.p.vpc_config is a scalar, but Terraform writes this block as a list of objects: not read");
        let good = "{\"planned_values\": {\"root_module\": {\"resources\": [{\"address\": \"a.b\", \"values\": {\"vpc_config\": [{\"subnet_ids\": []}]}}]}}}";
        let root = eksdoctor_inventory::yaml::parse(good).0.remove(0).root;
        assert!(check(&"p.json".into(), &root).is_empty());
    }
}
