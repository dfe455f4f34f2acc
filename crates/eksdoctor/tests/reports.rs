//! Report formats, baselines and inline suppressions, end to end.

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn eksdoctor() -> Command {
    let mut c = Command::cargo_bin("eksdoctor").unwrap();
    c.current_dir(root()).env("NO_COLOR", "1");
    c
}

fn scan_out(args: &[&str]) -> (i32, String) {
    let out = eksdoctor()
        .arg("scan")
        .args(args)
        .args(["--as-of", "2026-11-22"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let (code, text) = scan_out(&["examples/demo", "--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The same findings as the JSON report, with levels, fingerprints and locations.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 22);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(
            r["partialFingerprints"]["eksdoctor/v2"]
                .as_str()
                .unwrap()
                .len()
                == 16
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("examples/demo/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    let high = results.iter().filter(|r| r["level"] == "error").count();
    assert_eq!(high, 12, "critical and high map to error");
    for r in rules {
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
    }
}

#[test]
fn junit_parses_and_counts_match() {
    let (_, json) = scan_out(&["examples/demo", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let failing: BTreeSet<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let rules_with_findings: BTreeSet<&str> = failing.iter().map(|(r, _)| r.as_str()).collect();
    let (code, xml) = scan_out(&["examples/demo", "--format", "junit"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let failures = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    assert_eq!(failures, failing.len());
    assert_eq!(
        suite
            .attribute("failures")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        failures
    );
    assert_eq!(
        suite.attribute("tests").unwrap().parse::<usize>().unwrap(),
        cases.len()
    );
    let rules_total = eksdoctor_rule_count();
    assert_eq!(
        cases.len(),
        failing.len() + rules_total - rules_with_findings.len()
    );
}

fn eksdoctor_rule_count() -> usize {
    let out = eksdoctor()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().len()
}

#[test]
fn markdown_lists_every_finding() {
    let (_, md) = scan_out(&["examples/demo", "--format", "markdown"]);
    assert!(md.starts_with("## eksdoctor"));
    assert!(
        md.contains("**22 finding(s)** (12 high, 7 medium, 3 low)"),
        "{md}"
    );
    let rows = md
        .lines()
        .filter(|l| l.starts_with("| high") || l.starts_with("| medium") || l.starts_with("| low"))
        .count();
    assert_eq!(rows, 22);
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.sarif");
    let (code, stdout) = scan_out(&[
        "examples/demo",
        "--format",
        "sarif",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn baseline_only_new_findings_fail_and_fingerprints_survive_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    copy_dir(&root().join("examples/demo"), &demo);
    let base = dir.path().join("baseline.json");
    let d = demo.to_str().unwrap();
    let b = base.to_str().unwrap();
    let (code, _) = scan_out(&[d, "--write-baseline", b, "--format", "json"]);
    assert_eq!(code, 0, "writing a baseline accepts what it records");
    // Everything is in the baseline: nothing fails.
    let (code, json) = scan_out(&[d, "--baseline", b, "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["summary"]["baselined"], 22);
    // Lines move (comments inserted on top): still known.
    let storage = demo.join("manifests/storage.yaml");
    let text = std::fs::read_to_string(&storage).unwrap();
    std::fs::write(&storage, format!("# moved\n# down\n{text}")).unwrap();
    let (code, _) = scan_out(&[d, "--baseline", b, "--format", "json"]);
    assert_eq!(code, 0);
    // A new problem is new.
    std::fs::write(
        demo.join("manifests/new.yaml"),
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: old }\nprovisioner: kubernetes.io/aws-ebs\nvolumeBindingMode: WaitForFirstConsumer\n",
    )
    .unwrap();
    let (code, json) = scan_out(&[d, "--baseline", b, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["in-tree-ebs-provisioner"]);
}

#[test]
fn inline_suppressions_need_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("sc.yaml");
    std::fs::write(
        &f,
        "# eksdoctor:ignore storageclass-immediate-binding -- single-AZ test cluster\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: gp3 }\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: Immediate\n",
    )
    .unwrap();
    let p = f.to_str().unwrap();
    let (code, json) = scan_out(&[p, "--format", "json", "--fail-on", "low"]);
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["suppressed"][0]["rule"], "storageclass-immediate-binding");
    assert_eq!(v["suppressed"][0]["reason"], "single-AZ test cluster");
    assert_eq!(v["suppressed"][0]["suppressed_at"]["line"], 1);
    // The human report lists it; SARIF carries the justification.
    let (_, human) = scan_out(&[p]);
    assert!(
        human.contains("Suppressed") && human.contains("single-AZ test cluster"),
        "{human}"
    );
    let (_, sarif) = scan_out(&[p, "--format", "sarif"]);
    let s: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(
        s["runs"][0]["results"][0]["suppressions"][0]["justification"],
        "single-AZ test cluster"
    );
    // Without a reason: not applied, and a finding of its own.
    std::fs::write(
        &f,
        std::fs::read_to_string(&f)
            .unwrap()
            .replace(" -- single-AZ test cluster", ""),
    )
    .unwrap();
    let (code, json) = scan_out(&[p, "--format", "json", "--fail-on", "low"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let got: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("suppression-without-reason".to_string(), 1),
            ("storageclass-immediate-binding".to_string(), 2)
        ]
    );
}

#[test]
fn rules_explain_completions_and_man() {
    let out = eksdoctor()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"subnet-too-small") && ids.contains(&"suppression-without-reason"));
    // The Markdown form is the rule reference in docs/ (kept from drifting by a test).
    let out = eksdoctor()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    let docs = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), docs);
    let out = eksdoctor()
        .args(["explain", "ip-exhaustion-risk"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "Why it matters",
        "How to fix",
        "When it stays silent",
        "Example (pos-tf)",
        "cidrsubnet",
        "References",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    let out = eksdoctor()
        .args(["explain", "subnet-to-small"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `subnet-too-small`"));
    for shell in ["bash", "zsh", "fish"] {
        let out = eksdoctor().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("max-pods"));
    }
    // The bash completion script is valid bash.
    let out = eksdoctor().args(["completions", "bash"]).output().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eksdoctor.bash");
    std::fs::write(&file, &out.stdout).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let out = eksdoctor().arg("man").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(".ie"));
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn config_file_rules_thresholds_excludes_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    copy_dir(&root().join("examples/demo"), &demo);
    let d = demo.to_str().unwrap();
    // Found upward from the scanned path.
    write(
        &dir.path().join(".eksdoctor.toml"),
        r#"
[rules]
disable = ["cronjob-ip-churn"]
severity = { "ebs-volume-az-bound" = "low" }

[thresholds]
min_subnet_prefix = 24

[paths]
exclude = ["**/aws-auth.yaml"]
"#,
    );
    let (_, json) = scan_out(&[d, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let f = v["findings"].as_array().unwrap();
    let rules: Vec<&str> = f.iter().map(|x| x["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"cronjob-ip-churn"), "disabled");
    assert!(
        !rules.contains(&"subnet-too-small"),
        "a /24 meets a /24 threshold"
    );
    assert!(
        !rules.contains(&"aws-auth-user-system-masters"),
        "excluded file"
    );
    let ebs = f
        .iter()
        .find(|x| x["rule"] == "ebs-volume-az-bound")
        .unwrap();
    assert_eq!(ebs["severity"], "low");
    // `enable` runs only the rules it names.
    let cfg_only = dir.path().join("only.toml");
    write(&cfg_only, "[rules]\nenable = [\"single-az\"]\n");
    let (_, json) = scan_out(&[
        d,
        "--format",
        "json",
        "--config",
        cfg_only.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let only: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert_eq!(only, vec!["single-az"]);
    // Unknown keys and rule ids are errors naming them (exit 2).
    let cfg = dir.path().join("bad.toml");
    write(&cfg, "[thresholds]\nmin_subnet_prefixx = 22\n");
    let out = eksdoctor()
        .args(["scan", d, "--config", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("min_subnet_prefixx"),
        "{err}"
    );
    write(&cfg, "[rules]\ndisable = [\"subnet-to-small\"]\n");
    let out = eksdoctor()
        .args(["scan", d, "--config", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `subnet-to-small`"));
}

#[test]
fn config_maps_manifests_to_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = |name: &str, v: &str| {
        format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{ name: {name}, region: eu-west-1, version: \"{v}\" }}\n")
    };
    write(
        &dir.path().join("clusters/old.yaml"),
        &cluster("old", "1.31"),
    );
    write(
        &dir.path().join("clusters/new.yaml"),
        &cluster("new", "1.33"),
    );
    // flowcontrol v1beta3 was removed in 1.32: broken on `new`, still served on `old`.
    write(
        &dir.path().join("apps/flow.yaml"),
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: { name: f }\nspec: {}\n",
    );
    let d = dir.path().to_str().unwrap();
    let deprecated = |args: &[&str]| -> Vec<String> {
        let mut all = vec![d, "--format", "json", "--fail-on", "never"];
        all.extend_from_slice(args);
        let (_, json) = scan_out(&all);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "deprecated-api")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    // Two clusters, neither beside the manifest: judged against the oldest version EKS still
    // offers on 2026-11-22 (1.31), where v1beta3 still exists.
    assert!(deprecated(&[]).is_empty());
    let cfg = dir.path().join("map.toml");
    write(
        &cfg,
        "[[clusters]]\ncluster = \"new\"\npaths = [\"apps/**\"]\n",
    );
    let found = deprecated(&["--config", cfg.to_str().unwrap()]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("cluster `new` runs 1.33"), "{}", found[0]);
}

/// The GitHub Action's scan step, run as the runner would run it: inputs through the environment,
/// `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` as files. (The build and upload steps need GitHub.)
#[test]
fn github_action_scan_step_writes_sarif_summary_and_exit_code() {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let (docs, err) = eksdoctor_sources::yaml::parse(&text);
    assert!(err.is_none(), "{err:?}");
    let action = &docs[0].root;
    let steps = match &action.path(&["runs", "steps"]).unwrap().kind {
        eksdoctor_inventory::NodeKind::Seq(s) => s,
        other => panic!("{other:?}"),
    };
    // No input is pasted into a script (script injection): they go through `env:`.
    for step in steps {
        if let Some(run) = step.get("run").and_then(|r| r.as_str()) {
            assert!(!run.contains("${{"), "expression in a run script: {run}");
        }
    }
    let scan = steps
        .iter()
        .find(|s| s.get("id").and_then(|i| i.as_str()) == Some("scan"))
        .unwrap();
    let script = scan.get("run").unwrap().as_str().unwrap();
    let env_keys: Vec<String> = match &scan.get("env").unwrap().kind {
        eksdoctor_inventory::NodeKind::Map(m) => m.iter().map(|(k, _)| k.clone()).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        env_keys,
        [
            "EKSDOCTOR",
            "INPUT_PATHS",
            "INPUT_FAIL_ON",
            "INPUT_BASELINE",
            "INPUT_ARGS"
        ]
    );
    let work = tempfile::tempdir().unwrap();
    let output = work.path().join("github_output");
    let summary = work.path().join("step_summary");
    let run = |paths: &str, fail_on: &str, args: &str| {
        std::fs::write(&output, "").unwrap();
        std::fs::write(&summary, "").unwrap();
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(work.path())
            .env("EKSDOCTOR", assert_cmd::cargo::cargo_bin("eksdoctor"))
            .env("INPUT_PATHS", paths)
            .env("INPUT_FAIL_ON", fail_on)
            .env("INPUT_BASELINE", "")
            .env("INPUT_ARGS", args)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            std::fs::read_to_string(&output).unwrap(),
            std::fs::read_to_string(&summary).unwrap(),
        )
    };
    let example = root().join("examples/terraform-eks");
    let (code, md) = run(example.to_str().unwrap(), "high", "--as-of 2026-11-22");
    assert_eq!(code, "code=1\n");
    assert!(
        md.contains("**8 finding(s)** (2 high, 5 medium, 1 low)"),
        "{md}"
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.path().join("eksdoctor.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 8);
    // Nothing critical: with fail-on critical the step reports 0 and the Result step passes.
    let (code, _) = run(example.to_str().unwrap(), "critical", "--as-of 2026-11-22");
    assert_eq!(code, "code=0\n");
}

/// SARIF locations are relative to the root of the git work tree the scan runs in, whatever
/// the directory it runs from, as GitHub code scanning maps them; `originalUriBaseIds` says where
/// that root is.
#[test]
fn sarif_uris_are_relative_to_the_work_tree_root() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let infra = repo.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    std::fs::copy(
        root().join("examples/terraform-eks/main.tf"),
        infra.join("main.tf"),
    )
    .unwrap();
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(&infra)
        .args(["scan", ".", "--format", "sarif", "--as-of", "2026-11-22"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &v["runs"][0];
    let loc = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "infra/main.tf");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(base.starts_with("file://") && base.ends_with('/'), "{base}");
    let canonical = repo.path().canonicalize().unwrap();
    assert!(
        base.trim_end_matches('/')
            .ends_with(canonical.file_name().unwrap().to_str().unwrap()),
        "{base}"
    );
}

/// A baseline written with `scan infra` from the work tree's root still matches `scan .` from
/// inside `infra` and the absolute path (as CI jobs often pass).
#[test]
fn baseline_matches_whatever_directory_the_scan_runs_from() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let infra = repo.path().join("infra");
    copy_dir(&root().join("examples/demo"), &infra);
    let base = repo.path().join("baseline.json");
    let run = |cwd: &Path, path: &str| {
        let out = Command::cargo_bin("eksdoctor")
            .unwrap()
            .current_dir(cwd)
            .args(["scan", path, "--format", "json", "--as-of", "2026-11-22"])
            .arg("--baseline")
            .arg(&base)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), v)
    };
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(repo.path())
        .args(["scan", "infra", "--as-of", "2026-11-22", "--write-baseline"])
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for (cwd, path) in [
        (infra.clone(), ".".to_string()),
        (
            repo.path().to_path_buf(),
            infra.to_str().unwrap().to_string(),
        ),
        (infra.join("manifests"), "..".to_string()),
    ] {
        let (code, v) = run(&cwd, &path);
        assert_eq!(code, 0, "from {cwd:?} scanning {path}: {}", v["findings"]);
        assert_eq!(v["summary"]["baselined"], 22);
    }
}

/// `[paths] exclude` patterns are relative to the configuration file and match however the
/// scan names the paths (here `../..` from a subdirectory).
#[test]
fn config_excludes_match_paths_given_with_dot_dot() {
    let repo = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("examples/demo"),
        &repo.path().join("envs/prod"),
    );
    copy_dir(&root().join("examples/demo"), &repo.path().join("envs/dev"));
    write(
        &repo.path().join(".eksdoctor.toml"),
        "[paths]\nexclude = [\"envs/dev/**\"]\n",
    );
    let out = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(repo.path().join("envs/prod"))
        .args(["scan", "../..", "--format", "json", "--as-of", "2026-11-22"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| f.contains("envs/prod/")), "{files:?}");
}

/// `--show-unknown` lists what rules could not decide in every format that can carry it: JSON
/// `unknowns`, SARIF note-level notifications naming the rule (valid against the schema), the
/// HTML report's "Not decided" table, and the terminal's section; without the flag, none.
#[test]
fn show_unknown_reaches_every_format() {
    let p = "crates/eksdoctor_rules/fixtures/ip-exhaustion-risk/neg-unknown.yaml";
    let (_, json) = scan_out(&[p, "--format", "json", "--show-unknown"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let unknowns: BTreeSet<String> = v["unknowns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(unknowns.contains("ip-exhaustion-risk"), "{unknowns:?}");
    assert!(unknowns.contains("subnet-too-small"), "{unknowns:?}");

    let (_, text) = scan_out(&[p, "--format", "sarif", "--show-unknown"]);
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    assert!(validator.is_valid(&sarif));
    let notes: BTreeSet<String> = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == "note")
        .map(|n| n["associatedRule"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(notes, unknowns);
    let (_, text) = scan_out(&[p, "--format", "sarif"]);
    assert!(!text.contains("not-decided"));

    let (_, html) = scan_out(&[p, "--format", "html", "--show-unknown"]);
    assert!(html.contains("<h2>Not decided</h2>"));
    assert!(html.contains("IP demand of cluster `ips` not computed"));
    let (_, human) = scan_out(&[p, "--show-unknown"]);
    assert!(
        human.contains("Not decided") && human.contains("IP demand of cluster `ips` not computed")
    );
    let (_, human) = scan_out(&[p]);
    assert!(!human.contains("Not decided"));
}
