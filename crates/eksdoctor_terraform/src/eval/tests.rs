//! The evaluator against values Terraform 1.11.4 gave for the same text.

use super::{eval_expr, fileset};

/// `<<-` heredocs with interpolations, against what Terraform 1.11.4 gave for the same text
/// (the parser dedents them; dedenting again stripped the lines after an interpolation).
#[test]
fn indented_heredocs_match_terraform() {
    let s = |e: &str| eval_expr(e).unwrap().as_str().unwrap().to_string();
    assert_eq!(
        s("<<-YAML\n    apiVersion: v1\n    spec:\n      role: ${\"R\"}\n      after: 1\n  YAML"),
        "apiVersion: v1\nspec:\n  role: R\n  after: 1\n"
    );
    assert_eq!(
        s("<<-EOT\n      deeper ${\"R\"} tail\n    shallow\n  EOT"),
        "  deeper R tail\nshallow\n"
    );
}

/// Strip markers (`${~`, `~}`, `%{~`), against what Terraform 1.11.4 gave for the same text:
/// they trim whitespace within one line of the neighbouring literal text.
#[test]
fn strip_markers_match_terraform() {
    let s = |e: &str| eval_expr(e).unwrap().as_str().unwrap().to_string();
    assert_eq!(s("\"a  ${~ \"b\" ~}  c\""), "abc");
    assert_eq!(
        s("<<EOT\nx\n%{ for i in [1, 2] ~}\n  item ${i}\n%{ endfor ~}\nend\nEOT"),
        "x\n  item 1\n  item 2\nend\n"
    );
    assert_eq!(
        s("<<EOT\nx\n%{ for i in [1, 2] }\n  item ${i}\n%{ endfor }\nend\nEOT"),
        "x\n\n  item 1\n\n  item 2\n\nend\n"
    );
    assert_eq!(
        s("<<EOT\nx\n  %{~ for i in [1, 2] ~}\n  item ${i}\n  %{~ endfor ~}\nend\nEOT"),
        "x\n  item 1\n  item 2\nend\n"
    );
    assert_eq!(s("\"%{ if true }yes%{ else }no%{ endif }\""), "yes");
    assert_eq!(
        s("<<-EOT\n    head\n    %{ if true ~}\n      inner\n    %{ endif ~}\n    tail\n  EOT"),
        "head\n      inner\n    tail\n"
    );
}

/// What Terraform 1.11.4's `terraform console` printed for the same tree.
#[test]
fn fileset_matches_terraform() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for f in [
        "manifests/a.yaml",
        "manifests/b.yml",
        "manifests/sub/c.yaml",
        "manifests/.hidden.yaml",
        "other/d.yaml",
        "main.tf",
    ] {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "").unwrap();
    }
    let set = |d: &str, pattern: &str| fileset(&root.join(d), pattern).unwrap();
    assert_eq!(
        set(".", "manifests/*.yaml"),
        ["manifests/.hidden.yaml", "manifests/a.yaml"]
    );
    assert_eq!(
        set(".", "manifests/**"),
        [
            "manifests/.hidden.yaml",
            "manifests/a.yaml",
            "manifests/b.yml",
            "manifests/sub/c.yaml"
        ]
    );
    assert_eq!(
        set(".", "**/*.yaml"),
        [
            "manifests/.hidden.yaml",
            "manifests/a.yaml",
            "manifests/sub/c.yaml",
            "other/d.yaml"
        ]
    );
    assert_eq!(
        set("manifests", "*.{yaml,yml}"),
        [".hidden.yaml", "a.yaml", "b.yml"]
    );
    assert_eq!(
        set(".", "manifests/[ab].y*"),
        ["manifests/a.yaml", "manifests/b.yml"]
    );
    assert_eq!(set(".", "manifests/?.yaml"), ["manifests/a.yaml"]);
    assert!(set("nope", "*").is_empty());
    assert!(set(".", "manifests/").is_empty());
    assert!(set(".", "manifests").is_empty());
    assert!(fileset(root, "[").is_err());
}
