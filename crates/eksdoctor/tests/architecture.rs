//! The workspace's shape, as docs/architecture.md describes it: which crate may depend on which
//! (written once, here), no crate but the live one on the AWS SDK or kube-rs, a README per crate,
//! and no function over 150 lines or file over 800 lines in `crates/*/src`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// crate → the workspace crates it may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("eksdoctor_inventory", &[]),
    ("eksdoctor_knowledge", &[]),
    ("eksdoctor_fs", &[]),
    ("eksdoctor_findings", &["eksdoctor_inventory"]),
    (
        "eksdoctor_config",
        &[
            "eksdoctor_inventory",
            "eksdoctor_knowledge",
            "eksdoctor_findings",
            "eksdoctor_fs",
        ],
    ),
    ("eksdoctor_calc", &["eksdoctor_knowledge"]),
    (
        "eksdoctor_terraform",
        &["eksdoctor_inventory", "eksdoctor_fs"],
    ),
    (
        "eksdoctor_sources",
        &[
            "eksdoctor_inventory",
            "eksdoctor_config",
            "eksdoctor_terraform",
            "eksdoctor_fs",
        ],
    ),
    (
        "eksdoctor_rules",
        &[
            "eksdoctor_inventory",
            "eksdoctor_knowledge",
            "eksdoctor_findings",
            "eksdoctor_calc",
            "eksdoctor_config",
        ],
    ),
    (
        "eksdoctor_report",
        &[
            "eksdoctor_inventory",
            "eksdoctor_knowledge",
            "eksdoctor_findings",
            "eksdoctor_calc",
        ],
    ),
    (
        "eksdoctor_live",
        &[
            "eksdoctor_inventory",
            "eksdoctor_knowledge",
            "eksdoctor_config",
            "eksdoctor_sources",
        ],
    ),
    (
        "eksdoctor",
        &[
            "eksdoctor_live",
            "eksdoctor_inventory",
            "eksdoctor_knowledge",
            "eksdoctor_findings",
            "eksdoctor_config",
            "eksdoctor_calc",
            "eksdoctor_terraform",
            "eksdoctor_sources",
            "eksdoctor_rules",
            "eksdoctor_report",
            "eksdoctor_fs",
        ],
    ),
];

/// The dependency names of one section (`[dependencies]`) of a Cargo.toml.
fn section(manifest: &str, name: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == format!("[{name}]");
            continue;
        }
        if inside {
            if let Some((dep, _)) = t.split_once(['=', '.']) {
                let dep = dep.trim();
                if !dep.is_empty() && !dep.starts_with('#') {
                    out.insert(dep.to_string());
                }
            }
        }
    }
    out
}

fn manifests() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(crates_dir()).unwrap() {
        let dir = e.unwrap().path();
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        out.insert(dir.file_name().unwrap().to_string_lossy().to_string(), text);
    }
    out
}

#[test]
fn crates_depend_only_on_what_they_may() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (name, text) in manifests() {
        let deps = section(&text, "dependencies");
        let Some(ok) = allowed.get(name.as_str()) else {
            wrong.push(format!(
                "{name}: not in the table of allowed edges (docs/architecture.md)"
            ));
            continue;
        };
        for d in deps.iter().filter(|d| d.starts_with("eksdoctor")) {
            if !ok.contains(&d.as_str()) {
                wrong.push(format!("{name} may not depend on {d}"));
            }
        }
        let dev = section(&text, "dev-dependencies");
        let heavy: Vec<&String> = deps
            .iter()
            .chain(dev.iter())
            .filter(|d| d.starts_with("aws-") || d.starts_with("kube") || *d == "k8s-openapi")
            .collect();
        if name != "eksdoctor_live" && !heavy.is_empty() {
            wrong.push(format!(
                "{name} depends on {heavy:?}: only eksdoctor_live may"
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn every_crate_has_a_readme_and_a_description() {
    for (name, text) in manifests() {
        let readme = crates_dir().join(&name).join("README.md");
        let body =
            std::fs::read_to_string(&readme).unwrap_or_else(|_| panic!("{name}: no README.md"));
        assert!(
            body.lines().count() >= 3,
            "{name}: README.md says too little"
        );
        assert!(text.contains("description = "), "{name}: no description");
    }
}

/// Functions and files over the limits that are still to be split (none left: keep it so).
const TOO_LONG: &[&str] = &[];

/// `fn` items and their length in lines (from the `fn` line to its closing brace), counting
/// braces outside strings, characters and line comments.
fn functions(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let mut t = l.trim_start();
        if let Some(rest) = t.strip_prefix("pub(") {
            t = rest.split_once(") ").map_or(rest, |(_, r)| r);
        }
        let t = t.strip_prefix("pub ").unwrap_or(t);
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut started) = (0i64, false);
        for (j, l) in lines.iter().enumerate().skip(i) {
            let code = strip(l);
            depth += code.matches('{').count() as i64 - code.matches('}').count() as i64;
            started |= code.contains('{');
            if code.trim_end().ends_with(';') && !started {
                break;
            }
            if started && depth <= 0 {
                out.push((name.clone(), j - i + 1));
                break;
            }
        }
    }
    out
}

/// A line without its string and character literals and its `//` comment.
fn strip(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == '"' {
                        break;
                    }
                }
            }
            '\'' if matches!(chars.clone().nth(1), Some('\'')) || chars.peek() == Some(&'\\') => {
                // A character literal ('{' or '\n'); lifetimes have no closing quote.
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => break,
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn no_new_function_over_150_lines_or_file_over_800() {
    let mut found = BTreeSet::new();
    let mut stack = vec![crates_dir()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p
                .strip_prefix(crates_dir())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if p.is_dir()
                && !rel.contains("/fixtures")
                && !rel.contains("/tests")
                && !rel.ends_with("data")
            {
                stack.push(p);
            } else if rel.ends_with(".rs") && rel.contains("/src/") {
                let text = std::fs::read_to_string(&p).unwrap();
                if text.lines().count() > 800 {
                    found.insert(rel.clone());
                }
                for (name, n) in functions(&text) {
                    if n > 150 {
                        found.insert(format!("{rel}: {name}"));
                    }
                }
            }
        }
    }
    let listed: BTreeSet<String> = TOO_LONG.iter().map(|s| s.to_string()).collect();
    let new: Vec<_> = found.difference(&listed).collect();
    let fixed: Vec<_> = listed.difference(&found).collect();
    assert!(new.is_empty(), "over the limits, split them: {new:?}");
    assert!(
        fixed.is_empty(),
        "no longer over the limits, remove from TOO_LONG: {fixed:?}"
    );
}

#[test]
fn the_length_counter_counts() {
    let text = "pub(super) fn a() {\n    let s = \"}\";\n    let c = '{';\n    // }\n}\nfn b();\n";
    assert_eq!(functions(text), vec![("a".to_string(), 5)]);
}

/// The module a source file is (`commands/scan.rs` → `commands::scan`, `lib.rs` → ``).
fn module_of(rel: &Path) -> String {
    let s = rel
        .with_extension("")
        .to_string_lossy()
        .replace(['/', '\\'], "::");
    match s.as_str() {
        "lib" | "main" => String::new(),
        _ => s.trim_end_matches("::mod").to_string(),
    }
}

/// The modules a file refers to by `crate::…` paths (resolved to the longest module that exists)
/// and by `super::…` paths.
fn references(text: &str, me: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let parent = me
        .rsplit_once("::")
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    for (prefix, base) in [("crate::", String::new()), ("super::", parent)] {
        for (i, _) in text.match_indices(prefix) {
            let path: String = text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            while !parts.is_empty() {
                let m = if base.is_empty() {
                    parts.join("::")
                } else {
                    format!("{base}::{}", parts.join("::"))
                };
                if modules.contains(&m) {
                    if m != me {
                        out.insert(m);
                    }
                    break;
                }
                parts.pop();
            }
        }
    }
    out
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let mut cycles = Vec::new();
    for e in std::fs::read_dir(crates_dir()).unwrap() {
        let src = e.unwrap().path().join("src");
        if !src.is_dir() {
            continue;
        }
        let mut files = BTreeMap::new();
        let mut stack = vec![src.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let m = module_of(p.strip_prefix(&src).unwrap());
                    files.insert(m, std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        let modules: BTreeSet<String> = files.keys().cloned().collect();
        let refs: BTreeMap<&String, BTreeSet<String>> = files
            .iter()
            .map(|(m, t)| (m, references(t, m, &modules)))
            .collect();
        for (a, to) in &refs {
            for b in to {
                // A parent declares its children (`mod x;`); a child using its parent's items is
                // the usual layering, so only pairs of non-ancestors count.
                let nested = b.is_empty()
                    || a.starts_with(&format!("{b}::"))
                    || b.starts_with(&format!("{a}::"));
                if !nested && a.as_str() < b.as_str() && refs.get(b).is_some_and(|r| r.contains(*a))
                {
                    cycles.push(format!("{}: {a} ⇄ {b}", src.display()));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "\n{}", cycles.join("\n"));
}
