//! A source that reads no file (as live mode will): it implements `eksdoctor_sources::Source`,
//! is given to the one loader, fills the inventory with values whose provenance is an API object,
//! and every rule and report works on it unchanged. Reports render API locations: JSON gives
//! `location.resource`/`arn`/`object`/`cluster`, SARIF a logical location, the terminal groups
//! by object with no line, and fingerprints stay the same from run to run.

use eksdoctor_config::{LoadSettings, Settings};
use eksdoctor_inventory::*;
use eksdoctor_report::{ScanReport, Workspace};
use eksdoctor_sources::{Input, Source};

const ARN: &str = "arn:aws:eks:eu-west-1:111122223333:cluster/prod";

/// A stand-in for the live source: one cluster and one StorageClass, read "from the APIs".
struct FakeApi;

impl Source for FakeApi {
    fn name(&self) -> &'static str {
        "fake-api"
    }
    fn claims(&self, _: &Input) -> bool {
        false
    }
    fn load(&self, claimed: &[&Input], _: &[Input], _: &LoadSettings) -> Inventory {
        assert!(claimed.is_empty());
        let at = Prov::api(ApiObject {
            arn: Some(ARN.into()),
            k8s: None,
            cluster: None,
        });
        let v = |x: &str| Val::set(x.to_string(), at.clone());
        let b = |x: bool| Val::set(x, at.clone());
        let mut inv = Inventory::default();
        inv.clusters.push(Cluster {
            id: ARN.into(),
            name: v("prod"),
            region: v("eu-west-1"),
            version: v("1.29"),
            endpoint_public: b(true),
            endpoint_private: b(false),
            public_access_cidrs: Val::set(vec!["0.0.0.0/0".into()], at.clone()),
            log_types: Val::set(vec!["audit".into(), "authenticator".into()], at.clone()),
            secrets_kms_key: Val::set(
                Some("arn:aws:kms:eu-west-1:111122223333:key/k".into()),
                at.clone(),
            ),
            auth_mode: Val::set(AuthMode::Api, at.clone()),
            bootstrap_creator_admin: b(false),
            creator: Val::set(
                eksdoctor_inventory::Creator {
                    arn: "arn:aws:iam::111122223333:role/platform".into(),
                    seen_in: "CloudTrail CreateCluster event".into(),
                },
                at.clone(),
            ),
            oidc_provider: b(true),
            auto_mode: b(false),
            default_addons: Val::set(
                vec!["vpc-cni".into(), "coredns".into(), "kube-proxy".into()],
                at.clone(),
            ),
            vpc: None,
            azs: Val::set(vec!["eu-west-1a".into(), "eu-west-1b".into()], at.clone()),
            cni: CniSettings::defaults(&at, "VPC CNI default"),
            support_type: v("EXTENDED"),
            ip_family: v("ipv4"),
            at: at.clone(),
        });
        let sc = Prov::api(ApiObject {
            arn: None,
            k8s: Some("StorageClass/gp2".into()),
            cluster: Some(ARN.into()),
        });
        inv.k8s.storage_classes.push(StorageClass {
            obj: ObjectRef {
                api_version: "storage.k8s.io/v1".into(),
                kind: "StorageClass".into(),
                name: "gp2".into(),
                namespace: Val::unknown("cluster-scoped", sc.clone()),
                at: sc,
                cluster: None,
                applied_with: Vec::new(),
            },
            provisioner: "kubernetes.io/aws-ebs".into(),
            binding_mode: Some("WaitForFirstConsumer".into()),
            is_default: false,
            parameters: Default::default(),
        });
        inv
    }
}

fn scan() -> eksdoctor_findings::Sink {
    let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    // The built-in sources plus one more: the live source will be registered the same way.
    let mut sources = eksdoctor_sources::SOURCES.to_vec();
    sources.push(&FakeApi);
    let inv = eksdoctor_sources::loader::load_with(&sources, &[], &settings.load);
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    eksdoctor_rules::run(&inv, &settings)
}

fn report<'a>(
    sink: &'a eksdoctor_findings::Sink,
    rules: &'a [&'static eksdoctor_findings::RuleMeta],
    ws: &'a Workspace,
    sources: &'a eksdoctor_report::SourceLines,
) -> ScanReport<'a> {
    ScanReport {
        findings: &sink.findings,
        unknowns: &sink.unknowns,
        errors: &[],
        notes: &[],
        insights: &[],
        suppressed: &[],
        baselined: &[],
        rules,
        files_scanned: 0,
        show_unknown: true,
        tool_version: "test",
        context: None,
        workspace: ws,
        sources,
    }
}

fn finding<'a>(json: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap()
}

#[test]
fn rules_and_reports_work_on_values_read_from_apis() {
    let sink = scan();
    let mut got: Vec<(&str, String)> = sink
        .findings
        .iter()
        .map(|f| (f.rule, f.location.to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("endpoint-public-unrestricted", ARN.to_string()),
            ("in-tree-ebs-provisioner", format!("{ARN}/StorageClass/gp2")),
            ("version-end-of-life", ARN.to_string()),
        ]
    );
    assert!(sink.findings.iter().all(|f| f.source == SourceKind::Live));

    let rules: Vec<&'static eksdoctor_findings::RuleMeta> =
        eksdoctor_rules::RULES.iter().map(|r| r.meta).collect();
    let ws = Workspace::default();
    let sources = Default::default();
    let r = report(&sink, &rules, &ws, &sources);

    let json: serde_json::Value =
        serde_json::from_str(&eksdoctor_report::json::render(&r)).unwrap();
    let sc = finding(&json, "in-tree-ebs-provisioner");
    assert_eq!(sc["location"]["resource"], "StorageClass/gp2");
    assert_eq!(sc["location"]["object"], "StorageClass/gp2");
    assert_eq!(sc["location"]["cluster"], ARN);
    assert_eq!(sc["source"], "live");
    let eol = finding(&json, "version-end-of-life");
    assert_eq!(eol["location"]["arn"], ARN);
    assert_eq!(eol["location"]["resource"], ARN);

    let sarif: serde_json::Value =
        serde_json::from_str(&eksdoctor_report::sarif::render(&r)).unwrap();
    for res in sarif["runs"][0]["results"].as_array().unwrap() {
        let loc = &res["locations"][0];
        assert!(loc.get("physicalLocation").is_none(), "{loc}");
        let name = loc["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        assert!(name == ARN || name == "StorageClass/gp2", "{name}");
    }

    // Without the terminal styles (the binary strips them when not on a terminal).
    let human = strip_ansi(&eksdoctor_report::human::render(&r));
    assert!(human.contains(&format!("{ARN}\n")), "{human}");
    assert!(!human.contains(&format!("{ARN}:0")), "{human}");

    // Fingerprints are stable for API locations too.
    let again = scan();
    let fp = |s: &eksdoctor_findings::Sink| -> Vec<String> {
        s.findings.iter().map(|f| f.fingerprint(&ws)).collect()
    };
    assert_eq!(fp(&sink), fp(&again));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An object read from a cluster's API belongs to the cluster its provenance names, however
/// many clusters are in scope (files decide it by their place instead).
#[test]
fn api_objects_belong_to_the_cluster_they_were_read_from() {
    let mut inv = FakeApi.load(&[], &[], &LoadSettings::default());
    let mut other = inv.clusters[0].clone();
    other.id = "arn:aws:eks:eu-west-1:111122223333:cluster/dev".into();
    inv.clusters.insert(0, other);
    let at = inv.k8s.storage_classes[0].obj.at.clone();
    assert_eq!(inv.cluster_for(&at).map(|c| c.id.name()), Some(ARN));
    let elsewhere = Prov::api(ApiObject {
        arn: None,
        k8s: Some("StorageClass/gp3".into()),
        cluster: Some("arn:aws:eks:eu-west-1:111122223333:cluster/gone".into()),
    });
    assert!(inv.cluster_for(&elsewhere).is_none());
}
