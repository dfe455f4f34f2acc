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
