//! The embedded tables parse and agree with each other and with the data's documented facts.

use eksdoctor_knowledge::*;

#[test]
fn every_instance_type_has_limits_and_the_listed_max_pods_match_the_formula() {
    let all: Vec<_> = instances().collect();
    assert_eq!(all.len(), 1391);
    for i in all {
        let formula = i.max_enis * (i.ipv4_per_eni - 1) + 2;
        assert_eq!(i.listed_max_pods, Some(formula), "{}", i.name);
    }
}

#[test]
fn known_instance_facts() {
    let m5 = instance("m5.large").unwrap();
    assert_eq!((m5.max_enis, m5.ipv4_per_eni, m5.vcpus), (3, 10, Some(2)));
    assert_eq!(m5.hypervisor, Hypervisor::Nitro);
    assert_eq!(instance("m5.8xlarge").unwrap().vcpus, Some(32));
    assert_eq!(instance("c5a.metal").unwrap().vcpus, None);
    assert!(instance("m5.lrage").is_none());
    assert_eq!(suggest_instances("m5.lrage", 1), vec!["m5.large"]);
}

#[test]
fn calendar_matches_the_data_file() {
    let cal = calendar();
    assert_eq!(cal.versions.len(), 14);
    let v131 = cal.get(KubeVersion::new(1, 31)).unwrap();
    assert_eq!(v131.end_of_standard_support.to_string(), "2025-11-26");
    assert_eq!(v131.end_of_extended_support.to_string(), "2026-11-26");
    let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    assert_eq!(v131.status(d), SupportStatus::Extended);
    assert_eq!(
        cal.get(KubeVersion::new(1, 30)).unwrap().status(d),
        SupportStatus::EndOfLife
    );
    assert_eq!(
        cal.get(KubeVersion::new(1, 34)).unwrap().status(d),
        SupportStatus::Standard
    );
    assert_eq!(
        cal.oldest_available(d).unwrap().version,
        KubeVersion::new(1, 31)
    );
}

#[test]
fn removed_api_chains_end_at_a_served_version() {
    let fc = removed_apis()
        .iter()
        .find(|a| {
            a.group_version == "flowcontrol.apiserver.k8s.io/v1beta1" && a.kind == "FlowSchema"
        })
        .unwrap();
    assert_eq!(
        fc.replacement.as_deref(),
        Some("flowcontrol.apiserver.k8s.io/v1")
    );
    let ing = removed_apis()
        .iter()
        .find(|a| a.group_version == "extensions/v1beta1" && a.kind == "Ingress")
        .unwrap();
    assert_eq!(ing.removed_in, KubeVersion::new(1, 22));
}

#[test]
fn addon_rows() {
    let (v, _) = addon_latest("coredns", KubeVersion::new(1, 36)).unwrap();
    assert_eq!(v, "v1.14.3-eksbuild.3");
    assert!(addon_latest("vpc-cni", KubeVersion::new(1, 36)).is_none());
}

#[test]
fn version_parsing() {
    assert_eq!(
        "1.31".parse::<KubeVersion>().unwrap(),
        KubeVersion::new(1, 31)
    );
    assert_eq!(
        "1.28.5-20240110".parse::<KubeVersion>().unwrap(),
        KubeVersion::new(1, 28)
    );
    assert!("latest".parse::<KubeVersion>().is_err());
}

/// Every file `data/SOURCES.md` describes exists where its "In this repository" table says, and
/// the data directory holds no file the table does not list.
#[test]
fn every_file_the_sources_describe_is_in_the_repository() {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("../..");
    let sources = std::fs::read_to_string(crate_dir.join("data/SOURCES.md")).unwrap();
    let table = sources
        .split("## In this repository")
        .nth(1)
        .expect("an 'In this repository' section");
    let mut listed = Vec::new();
    for line in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| file") && !l.starts_with("| ---"))
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (file, dir) = (cells[1], cells[2].split(' ').next().unwrap());
        assert!(
            root.join(dir).join(file).is_file(),
            "{dir}{file} is listed in SOURCES.md but missing"
        );
        listed.push(file.to_string());
    }
    // Every `## name` section heading names listed files.
    for heading in sources.lines().filter_map(|l| l.strip_prefix("## ")) {
        let data_file = |w: &&str| [".csv", ".md", ".json"].iter().any(|x| w.ends_with(x));
        for name in heading.split([',', ' ']).filter(data_file) {
            assert!(
                listed.iter().any(|f| f == name),
                "SOURCES.md describes {name}, which the table does not list"
            );
        }
    }
    for e in std::fs::read_dir(crate_dir.join("data")).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        if e.path().is_dir() {
            // The upstream files the data was read from: each listed.
            for f in std::fs::read_dir(e.path()).unwrap() {
                for g in std::fs::read_dir(f.unwrap().path()).unwrap() {
                    let rel = g.unwrap().path();
                    let rel = rel.strip_prefix(crate_dir.join("data")).unwrap();
                    let rel = rel.to_string_lossy().to_string();
                    assert!(
                        listed.contains(&rel),
                        "data/{rel} is not in SOURCES.md's table"
                    );
                }
            }
            continue;
        }
        assert!(
            listed.contains(&name),
            "data/{name} is not in SOURCES.md's table"
        );
    }
}

fn source(path: &str) -> String {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(crate_dir.join("data/sources").join(path)).unwrap()
}

/// max-pods.csv (and so the embedded max pods of every instance type) is upstream's
/// `eni-max-pods.txt`, row for row, and the ENI limits give the same numbers by AWS's formula.
#[test]
fn max_pods_equal_the_vpc_cni_file() {
    let upstream: std::collections::BTreeMap<String, u32> =
        source("amazon-vpc-cni-k8s/eni-max-pods.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut it = l.split_whitespace();
                let name = it.next().unwrap().to_string();
                (name, it.next().unwrap().parse().unwrap())
            })
            .collect();
    let ours: std::collections::BTreeMap<String, u32> = instances()
        .map(|i| (i.name.to_string(), i.listed_max_pods.unwrap()))
        .collect();
    assert_eq!(ours.len(), upstream.len());
    assert_eq!(ours, upstream);
}

/// The end of standard and extended support of every calendar row equals endoflife.date's
/// `eol` and `eoes` for that version (its `auto` method reads AWS's release table).
#[test]
fn calendar_support_dates_equal_endoflife_date() {
    let text = source("endoflife.date/amazon-eks.md");
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut cur: Option<(String, String, String)> = None;
    for line in text.lines().map(str::trim) {
        let value = |key: &str| {
            line.strip_prefix(key)
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        if let Some(v) = value("- releaseCycle:") {
            rows.extend(cur.take());
            cur = Some((v, String::new(), String::new()));
        } else if let (Some(c), Some(v)) = (cur.as_mut(), value("eol:")) {
            c.1 = v;
        } else if let (Some(c), Some(v)) = (cur.as_mut(), value("eoes:")) {
            c.2 = v;
        }
    }
    rows.extend(cur);
    let cal = calendar();
    let mut checked = 0;
    for v in &cal.versions {
        let name = v.version.to_string();
        let Some((_, eol, eoes)) = rows.iter().find(|r| r.0 == name) else {
            continue;
        };
        assert_eq!(&v.end_of_standard_support.to_string(), eol, "{name}");
        assert_eq!(&v.end_of_extended_support.to_string(), eoes, "{name}");
        checked += 1;
    }
    assert_eq!(
        checked,
        cal.versions.len(),
        "every calendar row is in endoflife.date"
    );
}
