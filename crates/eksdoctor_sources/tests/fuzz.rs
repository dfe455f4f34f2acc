//! Fuzzing on the stable toolchain: a mutational fuzzer seeded from the repository's fixtures
//! and examples, one target per reader (HCL and its evaluation, `.tfvars`, YAML/JSON documents,
//! plans and states, eksctl files, suppression comments). cargo-fuzz needs nightly, which is not
//! available here; this loop is not coverage-guided, but it runs every reader on thousands of
//! damaged and spliced inputs per second and keeps what crashes.
//!
//! - `cargo test --release -p eksdoctor_sources --test fuzz -- --ignored` fuzzes each target for
//!   `EKSDOCTOR_FUZZ_SECONDS` (default 60) with seed `EKSDOCTOR_FUZZ_SEED` (default: the clock,
//!   printed). A panic saves the input under `target/fuzz-crashers/` and fails the run; a stack
//!   overflow or an abort ends the process, which fails it too.
//! - `cargo test -p eksdoctor_sources --test fuzz` replays `tests/fuzz_regressions/TARGET/*`:
//!   crashers found once, kept so that they stay fixed.

use eksdoctor_sources::{load, Input, LoadSettings};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A target: its name, the file extensions its seeds have, and what it runs on one input.
struct Target {
    name: &'static str,
    seeds: fn(&Path) -> bool,
    run: fn(&Path, &str),
}

fn ext(p: &Path, exts: &[&str]) -> bool {
    let n = p.to_string_lossy();
    exts.iter().any(|e| n.ends_with(e))
}

fn is_eksctl(p: &Path) -> bool {
    ext(p, &[".yaml", ".yml"])
        && std::fs::read_to_string(p).is_ok_and(|t| t.contains("kind: ClusterConfig"))
}

fn is_plan(p: &Path) -> bool {
    ext(p, &[".json"]) && std::fs::read_to_string(p).is_ok_and(|t| t.contains("format_version"))
}

/// The HCL parser and evaluator, through the Terraform source: `text` as a root module.
fn run_hcl(dir: &Path, text: &str) {
    let root = dir.join("hcl");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("main.tf"), text).unwrap();
    load(
        &[Input::Named(root.join("main.tf"))],
        &LoadSettings::default(),
    );
}

/// Variable files: `text` as `terraform.tfvars` of a root module that declares a variable.
fn run_tfvars(dir: &Path, text: &str) {
    let root = dir.join("tfvars");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "variable \"x\" {}\nvariable \"cluster_version\" { default = \"1.30\" }\n",
    )
    .unwrap();
    std::fs::write(root.join("terraform.tfvars"), text).unwrap();
    load(
        &[Input::Named(root.join("main.tf"))],
        &LoadSettings::default(),
    );
}

/// YAML and JSON documents (manifests, eksctl files, plans), as standard input.
fn run_documents(_: &Path, text: &str) {
    load(&[Input::Stdin(text.to_string())], &LoadSettings::default());
}

fn run_suppressions(_: &Path, text: &str) {
    let file: std::sync::Arc<str> = "x.tf".into();
    eksdoctor_inventory::Suppression::scan(&file, text, eksdoctor_inventory::SourceKind::Tf);
}

const TARGETS: &[Target] = &[
    Target {
        name: "hcl",
        seeds: |p| ext(p, &[".tf", ".tf.json"]),
        run: run_hcl,
    },
    Target {
        name: "tfvars",
        seeds: |p| ext(p, &[".tfvars"]),
        run: run_tfvars,
    },
    Target {
        name: "documents",
        seeds: |p| ext(p, &[".yaml", ".yml"]),
        run: run_documents,
    },
    Target {
        name: "plans",
        seeds: is_plan,
        run: run_documents,
    },
    Target {
        name: "eksctl",
        seeds: is_eksctl,
        run: run_documents,
    },
    Target {
        name: "suppressions",
        seeds: |p| ext(p, &[".tf", ".yaml"]),
        run: run_suppressions,
    },
];

/// Every file of the repository's fixtures and examples that `want` accepts.
fn seeds(want: fn(&Path) -> bool) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![
        repo().join("examples"),
        repo().join("crates/eksdoctor_rules/fixtures"),
        repo().join("crates/eksdoctor_sources/tests"),
        repo().join("crates/eksdoctor/tests/data"),
        repo().join("crates/eksdoctor_terraform/tests/data"),
    ];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if want(&p) {
                if let Ok(b) = std::fs::read(&p) {
                    if b.len() < 256 * 1024 {
                        out.push(b);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// xorshift64*: a small deterministic generator (reproducible from the printed seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that reach deep into the readers when inserted.
const TOKENS: &[&str] = &[
    "${",
    "%{",
    "}",
    "{",
    "[",
    "]",
    "[*]",
    "\"",
    "\\",
    "<<EOF\n",
    "\nEOF\n",
    "<<-X\n",
    "\n",
    ": ",
    "- ",
    "&a ",
    "*a",
    "<<: *a",
    "---\n",
    "...",
    "!!binary ",
    "? ",
    "|\n  ",
    ">-\n  ",
    "#",
    "//",
    "/*",
    "*/",
    " = ",
    "count = 3\n",
    "for_each = toset([\"a\"])\n",
    "module \"m\" {\n source = \"./\"\n}\n",
    "templatefile(\"x\", {})",
    "file(\"/proc/self/environ\")",
    "format(\"%999999d\", 1)",
    "dynamic \"x\" {\n for_each = [1]\n content {}\n}\n",
    "null",
    "true",
    "1e308",
    "-0",
    "0x",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "é",
    "💥",
    "apiVersion: v1\nkind: ConfigMap\n",
    "\"after_unknown\": {",
    "\"sensitive_values\": true",
    "\"values\": null",
    "eksdoctor:ignore ",
    " -- ",
    "version: 1.30\n",
    "nodeGroups:\n  - name: x\n",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(7) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 => b.insert(at, rng.next() as u8),
            2 if at < b.len() => {
                let end = (at + 1 + rng.below(64)).min(b.len());
                b.drain(at..end);
            }
            3 if at < b.len() => {
                let end = (at + 1 + rng.below(256)).min(b.len());
                let part: Vec<u8> = b[at..end].to_vec();
                let times = 1 + rng.below(8);
                for _ in 0..times {
                    b.splice(at..at, part.iter().copied());
                }
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                b.splice(at..at, other[from..end].iter().copied());
            }
            5 => b.truncate(at),
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                b.splice(at..at, t.iter().copied());
            }
        }
    }
    b
}

/// Run `t` on `input`; a panic is kept as a crasher file.
fn run_caught(t: &Target, dir: &Path, input: &[u8]) -> Option<PathBuf> {
    let text = String::from_utf8_lossy(input).to_string();
    let run = t.run;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(dir, &text)));
    if outcome.is_ok() {
        return None;
    }
    let out = repo().join("target/fuzz-crashers");
    std::fs::create_dir_all(&out).unwrap();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in input {
        h = (h ^ *byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let path = out.join(format!("{}-{h:016x}", t.name));
    std::fs::write(&path, input).unwrap();
    Some(path)
}

#[test]
#[ignore = "fuzzing: run with --ignored (a minute per target by default)"]
fn fuzz() {
    let seconds: u64 = std::env::var("EKSDOCTOR_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("EKSDOCTOR_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
        | 1;
    let only = std::env::var("EKSDOCTOR_FUZZ_TARGET").ok();
    println!("fuzz seed {seed} ({seconds} s per target)");
    let dir = tempfile::tempdir().unwrap();
    let mut crashers = Vec::new();
    for t in TARGETS
        .iter()
        .filter(|t| only.as_deref().is_none_or(|o| o == t.name))
    {
        let seeds = seeds(t.seeds);
        assert!(!seeds.is_empty(), "{}: no seeds", t.name);
        let mut rng = Rng(seed ^ t.name.len() as u64);
        let start = Instant::now();
        let mut runs = 0u64;
        // Quiet: panics are recorded, not printed once per input.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        while start.elapsed() < Duration::from_secs(seconds) {
            let input = mutate(&mut rng, &seeds);
            crashers.extend(run_caught(t, dir.path(), &input));
            runs += 1;
        }
        std::panic::set_hook(hook);
        println!("{}: {runs} inputs from {} seeds", t.name, seeds.len());
    }
    assert!(
        crashers.is_empty(),
        "crashers (add them to tests/fuzz_regressions/TARGET/): {crashers:#?}"
    );
}

/// Inputs that crashed a reader once: each must now be read without a panic.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let mut replayed = 0;
    for t in TARGETS {
        let Ok(rd) = std::fs::read_dir(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fuzz_regressions")
                .join(t.name),
        ) else {
            continue;
        };
        for e in rd.flatten() {
            let input = std::fs::read(e.path()).unwrap();
            let crashed = run_caught(t, dir.path(), &input);
            assert!(crashed.is_none(), "{} crashes again", e.path().display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no regression inputs found");
}
