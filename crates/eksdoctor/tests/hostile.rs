//! Hostile input, as an untrusted pull request could hold it: each reproducer must give a clear
//! error or note (exit 2 for input errors), finish in bounded time, never panic, and never read
//! outside the scanned tree or print the environment. Every run has a timeout: a hang fails.

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

const MARKER: &str = "EKSDOCTOR_PLANTED_SECRET_b7f3c1";

/// `eksdoctor ARGS` in `dir`, with a planted secret in the environment and no colours; a run
/// longer than `seconds` (a hang) fails the test.
fn run(dir: &Path, seconds: u64, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PLANTED", MARKER)
        .args(args)
        .timeout(Duration::from_secs(seconds))
        .output()
        .unwrap()
}

/// `eksdoctor scan ARGS --format json` in `dir` (see [`run`]).
fn scan_in(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend([
        "--format",
        "json",
        "--as-of",
        "2026-11-22",
        "--show-unknown",
    ]);
    let out = run(dir, 60, &all);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let code = out
        .status
        .code()
        .expect("not killed by a signal or the timeout");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {stderr}"));
    (code, v, stderr)
}

fn write(dir: &Path, rel: &str, text: &str) {
    let f = dir.join(rel);
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    std::fs::write(f, text).unwrap();
}

fn mkfifo(p: &Path) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap();
    assert!(status.success());
}

/// The `errors` of a scan, as `file:line: message` lines.
fn errors(v: &serde_json::Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {}",
                e["file"].as_str().unwrap(),
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn texts(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

const CLUSTER: &str = "resource \"aws_eks_cluster\" \"c\" {\n  name     = \"c\"\n  version  = local.v\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  vpc_config { subnet_ids = [] }\n}\n";

#[test]
fn format_precision_is_bounded() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "infra/main.tf",
        &format!("locals {{ v = format(\"%.65536f\", 1) }}\n{CLUSTER}"),
    );
    let (code, v, _) = scan_in(d.path(), &["infra"]);
    assert_eq!(code, 2);
    assert_eq!(errors(&v), ["infra/main.tf:1: format: precision too large"]);
    // The rest of the scan is reported.
    assert!(!v["findings"].as_array().unwrap().is_empty());
}

#[test]
fn templatefile_calling_itself_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "main.tf",
        &format!("locals {{ v = templatefile(\"${{path.module}}/a.tpl\", {{}}) }}\n{CLUSTER}"),
    );
    write(d.path(), "a.tpl", "${templatefile(\"a.tpl\", {})}");
    let (code, v, _) = scan_in(d.path(), &["."]);
    assert_eq!(code, 2);
    let e = errors(&v);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("cannot recursively call templatefile from inside templatefile call"),
        "{e:?}"
    );
}

#[test]
fn deep_splats_and_local_chains_stop_with_an_error() {
    let d = tempfile::tempdir().unwrap();
    let splats = "[*]".repeat(20_000);
    for root in ["a", "b"] {
        write(
            d.path(),
            &format!("{root}/main.tf"),
            &format!(
                "variable \"x\" {{ default = [[1]] }}\nlocals {{ v = var.x{splats} }}\n{CLUSTER}"
            ),
        );
    }
    let chain: String = (0..3000)
        .map(|i| format!("locals {{ l{i} = local.l{} }}\n", i + 1))
        .collect();
    write(
        d.path(),
        "c/main.tf",
        &format!("{chain}locals {{ l3000 = \"1.30\" }}\nlocals {{ v = local.l0 }}\n{CLUSTER}"),
    );
    let (code, v, _) = scan_in(d.path(), &["a", "b", "c"]);
    assert_eq!(code, 2);
    let e = errors(&v);
    assert!(
        e.iter().any(|e| e.starts_with(
            "a/main.tf:2: evaluation stopped: expressions nested more than 1000 levels deep"
        )),
        "{e:?}"
    );
    assert!(e.iter().any(|e| e.starts_with("b/main.tf:2:")), "{e:?}");
    assert!(
        e.iter()
            .any(|e| e.starts_with("c/main.tf:") && e.contains("nested more than 1000")),
        "{e:?}"
    );
    // A chain of a few hundred locals is fine.
    let ok = tempfile::tempdir().unwrap();
    let chain: String = (0..300)
        .map(|i| format!("locals {{ l{i} = local.l{} }}\n", i + 1))
        .collect();
    write(
        ok.path(),
        "main.tf",
        &format!("{chain}locals {{ l300 = \"1.23\" }}\nlocals {{ v = local.l0 }}\n{CLUSTER}"),
    );
    let (_, v, _) = scan_in(ok.path(), &["."]);
    assert!(errors(&v).is_empty(), "{:?}", errors(&v));
    assert!(texts(&v, "findings")
        .iter()
        .any(|m| m.contains("Kubernetes 1.23")));
}

#[test]
fn fifos_never_hang_the_scan() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "infra/main.tf",
        &format!("locals {{ v = \"1.30\" }}\n{CLUSTER}"),
    );
    mkfifo(&d.path().join("infra/evil.tf"));
    mkfifo(&d.path().join("infra/terraform.tfvars"));
    mkfifo(&d.path().join("infra/x.auto.tfvars"));
    mkfifo(&d.path().join("infra/.terraform/modules/modules.json"));
    mkfifo(&d.path().join("vars.tfvars"));
    write(
        d.path(),
        "files/main.tf",
        &format!("locals {{ v = file(\"${{path.module}}/pipe\") }}\n{CLUSTER}"),
    );
    mkfifo(&d.path().join("files/pipe"));
    mkfifo(&d.path().join("k8s/pipe.yaml"));
    let (code, v, _) = scan_in(
        d.path(),
        &["infra", "files", "k8s", "--var-file", "vars.tfvars"],
    );
    assert_eq!(code, 2);
    let e = errors(&v).join("\n");
    for f in [
        "infra/evil.tf",
        "infra/terraform.tfvars",
        "infra/x.auto.tfvars",
        "vars.tfvars",
    ] {
        assert!(
            e.contains(&format!("{f}:")) && e.contains("not a regular file"),
            "{f}: {e}"
        );
    }
    let notes = texts(&v, "notes").join("\n");
    assert!(
        notes.contains("files/pipe: not a regular file (a FIFO): not read"),
        "{notes}"
    );
    assert!(notes.contains("modules.json not a regular file"), "{notes}");
    // The real file is still scanned.
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["location"]["file"] == "infra/main.tf"));
}

#[test]
fn devices_and_huge_files_are_not_read() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "infra/main.tf",
        &format!("locals {{ v = \"1.30\" }}\n{CLUSTER}"),
    );
    std::os::unix::fs::symlink("/dev/zero", d.path().join("infra/zero.tf")).unwrap();
    let (code, v, _) = scan_in(d.path(), &["infra", "--var-file", "/dev/zero"]);
    assert_eq!(code, 2);
    let e = errors(&v).join("\n");
    assert!(
        e.contains("infra/zero.tf:null: not a regular file (a device)"),
        "{e}"
    );
    assert!(
        e.contains("/dev/zero:null: not a regular file (a device)"),
        "{e}"
    );
    for flag in ["--calendar", "--config", "--baseline"] {
        let out = run(d.path(), 30, &["scan", "infra", flag, "/dev/zero"]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("/dev/zero: not a regular file (a device): not read"),
            "{flag}: {err}"
        );
    }
}

/// Terraform functions cannot read outside the scanned tree, and the environment never reaches
/// any output, whatever the function.
#[test]
fn nothing_outside_the_tree_is_read_and_no_secret_is_printed() {
    let d = tempfile::tempdir().unwrap();
    let calls = [
        "file(\"/proc/self/environ\")",
        "tonumber(file(\"/proc/self/environ\"))",
        "cidrsubnet(file(\"/proc/self/environ\"), 1, 1)",
        "regex(\"PLANTED=[A-Za-z0-9_]+\", file(\"/proc/self/environ\"))",
        "yamldecode(file(\"/etc/passwd\"))",
        "templatefile(\"../../../../../../etc/passwd\", {})",
        "tostring(fileexists(\"/etc/passwd\"))",
        "join(\",\", fileset(\"/etc\", \"*\"))",
    ];
    for (i, call) in calls.iter().enumerate() {
        write(
            d.path(),
            &format!("r{i}/main.tf"),
            &format!("locals {{ v = {call} }}\n{CLUSTER}"),
        );
    }
    let repo = d.path().to_path_buf();
    std::fs::write(d.path().join("outside-secret.txt"), MARKER).unwrap();
    let tree = repo.join("tree");
    write(
        &tree,
        "main.tf",
        &format!("locals {{ v = file(\"../outside-secret.txt\") }}\n{CLUSTER}"),
    );
    std::os::unix::fs::symlink(d.path().join("outside-secret.txt"), tree.join("linked.tf"))
        .unwrap();
    for format in ["json", "sarif", "junit", "markdown", "html", "human"] {
        let mut args: Vec<String> = (0..calls.len()).map(|i| format!("r{i}")).collect();
        args.extend([
            "tree".into(),
            "--format".into(),
            format.into(),
            "--show-unknown".into(),
        ]);
        args.extend(["--as-of".into(), "2026-11-22".into()]);
        let args: Vec<&str> = std::iter::once("scan")
            .chain(args.iter().map(String::as_str))
            .collect();
        let out = run(d.path(), 60, &args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(MARKER),
            "{format}: the planted secret is printed"
        );
        assert!(
            !all.contains("root:x:0:0"),
            "{format}: /etc/passwd is printed"
        );
    }
    let (_, v, _) = scan_in(d.path(), &["r0", "tree"]);
    let notes = texts(&v, "notes").join("\n");
    assert!(
        notes.contains("not read: file(): /proc/self/environ is a system path"),
        "{notes}"
    );
    assert!(
        notes.contains("outside-secret.txt is outside the scanned tree: not read"),
        "{notes}"
    );
    let e = errors(&v).join("\n");
    assert!(
        e.contains("tree/linked.tf:null: is outside the scanned tree"),
        "{e}"
    );
    // Allowed explicitly, the file outside is read.
    let (_, v, _) = scan_in(d.path(), &["tree", "--allow-read", "."]);
    assert!(!texts(&v, "notes")
        .join("\n")
        .contains("outside the scanned tree"));
}

#[test]
fn local_modules_and_files_of_the_git_work_tree_are_read() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join(".git")).unwrap();
    write(
        d.path(),
        "modules/v/main.tf",
        "output \"v\" { value = trimspace(file(\"${path.module}/../../VERSION\")) }\n",
    );
    write(d.path(), "VERSION", "1.23\n");
    write(d.path(), "envs/prod/main.tf", &format!("module \"v\" {{ source = \"../../modules/v\" }}\nlocals {{ v = module.v.v }}\n{CLUSTER}"));
    let (_, v, _) = scan_in(&d.path().join("envs/prod"), &["."]);
    assert!(errors(&v).is_empty(), "{:?}", errors(&v));
    assert!(
        texts(&v, "findings")
            .iter()
            .any(|m| m.contains("Kubernetes 1.23")),
        "{v}"
    );
}

#[test]
fn the_configuration_is_not_looked_for_above_the_repository() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        ".eksdoctor.toml",
        "[rules]\ndisable = [\"endpoint-public-unrestricted\"]\n",
    );
    std::fs::create_dir_all(d.path().join("repo/.git")).unwrap();
    write(
        d.path(),
        "repo/main.tf",
        &format!("locals {{ v = \"1.30\" }}\n{CLUSTER}"),
    );
    let (_, v, _) = scan_in(&d.path().join("repo"), &["."]);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"endpoint-public-unrestricted"), "{rules:?}");
}

#[test]
fn a_malformed_configuration_names_its_line_without_echoing_it() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        ".eksdoctor.toml",
        &format!("[terraform]\nvars = {{ token = \"{MARKER}\" \n"),
    );
    write(
        d.path(),
        "main.tf",
        &format!("locals {{ v = \"1.30\" }}\n{CLUSTER}"),
    );
    let out = run(d.path(), 30, &["scan", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".eksdoctor.toml:2:"), "{err}");
    assert!(!err.contains(MARKER), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn huge_mappings_parse_in_linear_time_or_are_refused_at_their_line() {
    let d = tempfile::tempdir().unwrap();
    let mut yaml = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    let mut json = String::from("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"big-json\"}, \"data\": {");
    let mut hcl = String::from("locals {\n  v = \"1.30\"\n  m = {\n");
    for i in 0..200_000 {
        yaml.push_str(&format!("  k{i}: v\n"));
        json.push_str(&format!("{}\"k{i}\": \"v\"", if i > 0 { ", " } else { "" }));
        if i < 120_000 {
            hcl.push_str(&format!("    k{i} = \"v\"\n"));
        }
    }
    json.push_str("}}");
    hcl.push_str("  }\n}\n");
    write(d.path(), "k8s/big.yaml", &yaml);
    write(d.path(), "k8s/big.json", &json);
    write(d.path(), "infra/main.tf", &format!("{hcl}{CLUSTER}"));
    // 5,000 references to a 5,000-element anchor: 25 million nodes if expanded.
    let mut bomb = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\nx: &a [{}]\ndata:\n",
        vec!["1"; 5000].join(",")
    );
    for i in 0..5000 {
        bomb.push_str(&format!("  k{i}: *a\n"));
    }
    write(d.path(), "bomb/cm.yaml", &bomb);
    let (code, v, _) = scan_in(d.path(), &["k8s", "infra", "bomb"]);
    assert_eq!(code, 2);
    assert_eq!(
        errors(&v),
        [
            "bomb/cm.yaml:206: invalid YAML/JSON: aliases expand to more than 1000000 nodes in one file",
            "infra/main.tf:3: an object with more than 10000 entries (10001 or more): not parsed (the scan's limit)",
        ]
    );
    assert_eq!(v["summary"]["files_scanned"], 3, "{}", v["summary"]);
}

/// Peak resident memory (KiB) and exit code of `eksdoctor ARGS` run in `dir`, with `stdin`
/// written to its standard input. The child is reaped by `wait4`, which also reports its usage.
#[allow(clippy::zombie_processes)]
fn peak_rss_kib(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> (i32, i64) {
    use std::io::Write;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("eksdoctor"))
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        if let Some(bytes) = stdin {
            let _ = pipe.write_all(&bytes);
        }
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    let _ = writer.join();
    assert!(libc::WIFEXITED(status), "{args:?}: killed by a signal");
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

/// Every memory bomb ends with an input error, below 500 MB of peak memory.
#[test]
fn memory_bombs_stay_bounded() {
    const LIMIT_KIB: i64 = 500 * 1024;
    let d = tempfile::tempdir().unwrap();
    let tf = |dir: &str, text: String| write(d.path(), &format!("{dir}/main.tf"), &text);
    tf(
        "indent",
        format!("locals {{ v = indent(1000000000, \"a\\nb\") }}\n{CLUSTER}"),
    );
    let doubling = |f: &dyn Fn(usize) -> String| -> String { (0..40).map(f).collect::<String>() };
    tf(
        "double",
        format!(
            "locals {{ s0 = \"abcdefgh\" }}\n{}locals {{ v = local.s40 }}\n{CLUSTER}",
            doubling(&|i| format!(
                "locals {{ s{} = \"${{local.s{i}}}${{local.s{i}}}\" }}\n",
                i + 1
            ))
        ),
    );
    tf(
        "replace",
        format!(
            "locals {{ s0 = \"aaaaaaaa\" }}\n{}locals {{ v = local.s40 }}\n{CLUSTER}",
            doubling(&|i| format!(
                "locals {{ s{} = replace(local.s{i}, \"a\", \"aa\") }}\n",
                i + 1
            ))
        ),
    );
    tf(
        "json",
        format!(
            "locals {{ s0 = [\"aaaaaaaaaaaaaaaa\"] }}\n{}locals {{ v = local.s40[0] }}\n{CLUSTER}",
            doubling(&|i| format!(
                "locals {{ s{} = [jsonencode(local.s{i}), jsonencode(local.s{i})] }}\n",
                i + 1
            ))
        ),
    );
    tf(
        "fanout",
        "module \"m\" {\n  source = \"./m\"\n  count  = 100\n}\n".into(),
    );
    write(d.path(), "fanout/m/main.tf", "resource \"aws_subnet\" \"s\" {\n  count      = 10000\n  vpc_id     = \"vpc-1\"\n  cidr_block = \"10.0.0.0/24\"\n}\n");
    tf("dyn", "resource \"aws_security_group\" \"s\" {\n  dynamic \"a\" {\n    for_each = range(1024)\n    content {\n      dynamic \"b\" {\n        for_each = range(1024)\n        content {\n          dynamic \"c\" {\n            for_each = range(1024)\n            content { x = 1 }\n          }\n        }\n      }\n    }\n  }\n}\n".into());
    tf("forn", format!("locals {{ v = length([for a in range(1024) : [for b in range(1024) : [for c in range(1024) : \"${{a}}-${{b}}-${{c}}\"]]]) }}\n{CLUSTER}"));
    // 30 MB of Terraform, and 30 MB of small ConfigMaps in one file.
    let mut big_tf = String::new();
    let mut i = 0;
    while big_tf.len() < 30_000_000 {
        big_tf.push_str(&format!("resource \"aws_subnet\" \"s{i}\" {{\n  vpc_id     = \"vpc-{i}\"\n  cidr_block = \"10.0.0.0/24\"\n}}\n"));
        i += 1;
    }
    tf("bigtf", big_tf);
    let mut big_yaml = String::new();
    let mut i = 0;
    while big_yaml.len() < 30_000_000 {
        big_yaml.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  a: \"{i}\"\n"));
        i += 1;
    }
    write(d.path(), "bigyaml/all.yaml", &big_yaml);
    std::fs::create_dir_all(d.path().join("zero")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero/main.tf")).unwrap();
    for dir in [
        "indent", "double", "replace", "json", "fanout", "dyn", "forn", "bigtf", "bigyaml", "zero",
    ] {
        let (code, kib) = peak_rss_kib(d.path(), &["scan", dir, "--format", "json"], None);
        assert!(kib < LIMIT_KIB, "{dir}: peak {kib} KiB");
        // The 30 MB manifest file is valid; every other one is an input error.
        assert_eq!(code, if dir == "bigyaml" { 0 } else { 2 }, "{dir}");
    }
    // 100 MB of small ConfigMaps on standard input: refused at 32 MiB, read bounded.
    let mut stdin = Vec::new();
    while stdin.len() < 100_000_000 {
        stdin.extend_from_slice(b"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    }
    let (code, kib) = peak_rss_kib(d.path(), &["scan", "-", "--format", "json"], Some(stdin));
    assert_eq!(code, 2);
    assert!(kib < LIMIT_KIB, "stdin: peak {kib} KiB");
}

#[test]
fn tfvars_hold_literals_only() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "infra/main.tf",
        &format!("variable \"v\" {{ default = \"1.30\" }}\nlocals {{ v = var.v }}\n{CLUSTER}"),
    );
    write(
        d.path(),
        "infra/terraform.tfvars",
        "v = trimspace(file(\"/proc/self/environ\"))\n",
    );
    let (code, v, _) = scan_in(d.path(), &["infra"]);
    assert_eq!(code, 2);
    assert_eq!(
        errors(&v),
        ["infra/terraform.tfvars:1: Function calls not allowed: Functions may not be called here."]
    );
}

/// Secrets planted in every kind of input that can hold one never reach any output: the six
/// formats, standard error, or a baseline.
#[test]
fn planted_secrets_reach_no_output() {
    let d = tempfile::tempdir().unwrap();
    let m = MARKER;
    let b64 = "RUtTRE9DVE9SX1BMQU5URURfU0VDUkVUX2I3ZjNjMQ=="; // base64 of the marker
    write(d.path(), "k8s/secret.yaml", &format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: app\ndata:\n  token: {b64}\nstringData:\n  password: {m}\n"));
    write(d.path(), "k8s/deploy.yaml", &format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: app\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          env:\n            - name: API_KEY\n              value: {m}\n"));
    // Sensitive variables and outputs, user data, a tfvars value and a broken tfvars line.
    write(d.path(), "infra/main.tf", &format!(concat!(
        "variable \"token\" {{\n  sensitive = true\n  default   = \"{m}\"\n}}\n",
        "variable \"db_password\" {{\n  sensitive = true\n}}\n",
        "module \"s\" {{ source = \"./s\" }}\n",
        "resource \"aws_eks_cluster\" \"c\" {{\n  name     = \"c-${{var.token}}\"\n  version  = module.s.v\n  role_arn = \"arn:aws:iam::111122223333:role/${{var.db_password}}\"\n  vpc_config {{ subnet_ids = [] }}\n  tags = {{ t = sensitive(\"{m}\") }}\n}}\n",
        "resource \"aws_launch_template\" \"lt\" {{\n  name      = \"lt\"\n  user_data = base64encode(\"#!/bin/bash\\nexport TOKEN={m}\\n\")\n}}\n",
    ), m = m));
    write(
        d.path(),
        "infra/s/main.tf",
        &format!("output \"v\" {{\n  sensitive = true\n  value     = \"{m}\"\n}}\n"),
    );
    write(
        d.path(),
        "infra/terraform.tfvars",
        &format!("db_password = \"{m}\"\n"),
    );
    write(
        d.path(),
        "broken/terraform.tfvars",
        &format!("x = \"{m}\" \"{m}\"\n"),
    );
    write(d.path(), "broken/main.tf", "variable \"x\" {}\n");
    // A plan whose sensitive values hold the marker.
    write(
        d.path(),
        "plan/plan.json",
        &format!(
            r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{{"address": "aws_eks_cluster.p", "mode": "managed", "type": "aws_eks_cluster", "name": "p", "values": {{"name": "{m}", "version": "{m}", "vpc_config": [{{"endpoint_public_access": true, "public_access_cidrs": ["0.0.0.0/0"], "subnet_ids": []}}]}}, "sensitive_values": {{"name": true, "version": true}}}}]}}}}, "resource_changes": [], "configuration": {{"root_module": {{}}}}}}"#
        ),
    );
    // An eksctl file whose fields are malformed around the marker.
    write(d.path(), "eksctl/cluster.yaml", &format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: e\n  region: eu-west-1\n  version: \"{m}\"\nmanagedNodeGroups:\n  - name: ng\n    instanceType: {m}\n    desiredCapacity: {m}\n"));
    let paths = ["k8s", "infra", "broken", "plan/plan.json", "eksctl"];
    let baseline = d.path().join("baseline.json");
    for format in ["json", "sarif", "junit", "markdown", "html", "human"] {
        let mut args = vec!["scan"];
        args.extend(paths);
        args.extend([
            "--format",
            format,
            "--show-unknown",
            "--as-of",
            "2026-11-22",
        ]);
        args.extend(["--write-baseline", baseline.to_str().unwrap()]);
        let out = run(d.path(), 60, &args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(m) && !all.contains(b64),
            "{format}: a planted secret is printed:\n{}",
            all.lines()
                .filter(|l| l.contains(m) || l.contains(b64))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let written = std::fs::read_to_string(&baseline).unwrap();
        assert!(!written.contains(m), "the baseline holds a planted secret");
    }
}

/// Names that carry terminal escapes, bidirectional overrides, newlines or markup cannot forge
/// or cut short any report.
#[test]
fn names_cannot_forge_reports() {
    let d = tempfile::tempdir().unwrap();
    let evil = "ev\u{1b}]8;;http://x\u{7}il\u{202e}gpj.exe\nFORGED LINE <img src=x onerror=alert(1)> [l](https://x.test)";
    write(d.path(), "k8s/sc.yaml", &format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {}\nprovisioner: kubernetes.io/aws-ebs\n",
        serde_json::to_string(evil).unwrap()));
    for format in ["json", "sarif", "junit", "markdown", "html", "human"] {
        let out = run(
            d.path(),
            30,
            &["scan", "k8s", "--format", format, "--as-of", "2026-11-22"],
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("in-tree-ebs-provisioner"),
            "{format}: the finding is reported:\n{text}"
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{format}: {text}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("FORGED")),
            "{format}: a forged line"
        );
        match format {
            // The name stays inside its code span, where markup is inert.
            "markdown" => assert!(text.contains("`ev]8;;http://xilgpj.exe\\nFORGED LINE <img src=x onerror=alert(1)> [l](https://x.test)`"), "{text}"),
            "html" => {
                assert!(!text.contains("<img src=x"), "{text}");
                assert!(text.trim_end().ends_with("</html>"));
            }
            "human" => assert!(text.contains("\\nFORGED LINE"), "{text}"),
            _ => {}
        }
    }
}

/// What used to be skipped without a word now gives an input error or a note.
#[test]
fn nothing_is_skipped_silently() {
    let d = tempfile::tempdir().unwrap();
    let cluster = "resource \"aws_eks_cluster\" \"c\" {\n  name     = \"c\"\n  version  = \"1.30\"\n  role_arn = \"arn:aws:iam::111122223333:role/eks\"\n  vpc_config { subnet_ids = [] }\n}\n";
    write(
        d.path(),
        "self/main.tf",
        &format!("module \"me\" {{\n  source = \"./\"\n}}\n{cluster}"),
    );
    write(
        d.path(),
        "cycle/a/main.tf",
        &format!("module \"b\" {{\n  source = \"../b\"\n}}\n{cluster}"),
    );
    write(
        d.path(),
        "cycle/b/main.tf",
        "module \"a\" {\n  source = \"../a\"\n}\n",
    );
    write(d.path(), "ek/cluster.yaml", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: e\n  region: eu-west-1\n  version: 1.30\niam:\n  withOIDC: true\n");
    write(
        d.path(),
        "k8s/ok.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    );
    std::fs::write(
        d.path().join("k8s/latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: caf\xe9\n",
    )
    .unwrap();
    mkfifo(&d.path().join("named.yaml"));
    let (code, v, _) = scan_in(d.path(), &["self", "cycle", "ek", "k8s", "named.yaml"]);
    assert_eq!(code, 2);
    let e = errors(&v);
    assert!(
        e.contains(&"named.yaml:null: not a regular file (a FIFO): not read".to_string()),
        "{e:?}"
    );
    assert!(
        e.iter().any(|e| e.starts_with(
            "self/main.tf:1: module.me: source \"./\" is this module or one that calls it (a cycle"
        )),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|e| e.starts_with("cycle/b/main.tf:1: module.a: source \"../a\"")),
        "{e:?}"
    );
    let notes = texts(&v, "notes").join("\n");
    assert!(
        notes.contains("skipped: not UTF-8 text (line 4): not read"),
        "{notes}"
    );
    assert!(
        notes.contains("`metadata.version: 1.30` is a YAML number, which YAML readers take as 1.3"),
        "{notes}"
    );
    // The clusters of self/ and cycle/ are each scanned once.
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "secrets-no-customer-kms")
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["cycle/a/main.tf", "ek/cluster.yaml", "self/main.tf"]
    );
}

#[test]
fn malformed_calendar_and_baseline_say_where_in_one_line() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "infra/main.tf",
        &format!("locals {{ v = \"1.30\" }}\n{CLUSTER}"),
    );
    write(d.path(), "cal.csv", &format!("version,release\n{MARKER}\n"));
    write(d.path(), "base.json", "{\"version\": 1, \"findings\": [1,");
    for (flag, file, want) in [
        (
            "--calendar",
            "cal.csv",
            "eksdoctor: --calendar cal.csv: line 2: ",
        ),
        (
            "--baseline",
            "base.json",
            "eksdoctor: --baseline base.json: not a baseline file: ",
        ),
    ] {
        let out = run(d.path(), 30, &["scan", "infra", flag, file]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with(want), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!err.contains(MARKER), "{err}");
    }
}
