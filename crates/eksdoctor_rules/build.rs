//! Embeds one positive fixture per rule as its example (`eksdoctor explain RULE`).

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from("/// (rule id, file name, content) of one positive fixture per rule.\npub static EXAMPLES: &[(&str, &str, &str)] = &[\n");
    let mut rules: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    rules.sort();
    for dir in rules {
        let Some(id) = dir.file_name().and_then(|f| f.to_str()).map(str::to_string) else {
            continue;
        };
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        // The first positive fixture: a file, or a directory whose files are shown one after
        // the other.
        let Some(pick) = entries.iter().find(|p| {
            p.file_name()
                .and_then(|f| f.to_str())
                .is_some_and(|f| f.starts_with("pos"))
        }) else {
            continue;
        };
        let files: Vec<std::path::PathBuf> = if pick.is_file() {
            vec![pick.clone()]
        } else {
            let mut f: Vec<_> = std::fs::read_dir(pick)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.is_file())
                        .collect()
                })
                .unwrap_or_default();
            f.sort();
            f
        };
        if files.is_empty() {
            continue;
        }
        let name = pick
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let mut parts = Vec::new();
        for f in &files {
            println!("cargo:rerun-if-changed={}", f.display());
            if files.len() > 1 {
                let fname = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                parts.push(format!("{:?}", format!("# ---- {fname} ----\n")));
            }
            parts.push(format!("include_str!({:?})", f.display().to_string()));
        }
        let _ = writeln!(
            out,
            "    ({id:?}, {name:?}, concat!({})),",
            parts.join(", ")
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("examples.rs");
    std::fs::write(dest, out).expect("write examples.rs");
}
