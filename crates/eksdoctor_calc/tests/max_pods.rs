//! The calculator against independent data: the VPC CNI's eni-max-pods list (max-pods.csv, not
//! used by the calculator) and the test cases of AWS's max-pods-calculator.sh.

use eksdoctor_calc::max_pods::{compute, Options};
use eksdoctor_knowledge::{instance, instances};
use std::collections::BTreeMap;
use std::path::Path;

fn listed() -> BTreeMap<String, u32> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = dir.join("../../../shared/data/max-pods.csv");
    let path = if shared.exists() {
        shared
    } else {
        dir.join("../eksdoctor_knowledge/data/max-pods.csv")
    };
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (t, n) = l.split_once(',').unwrap();
            (t.to_string(), n.trim().parse().unwrap())
        })
        .collect()
}

fn opts(cni: (u32, u32)) -> Options {
    Options {
        cni_version: cni,
        ..Options::default()
    }
}

#[test]
fn show_max_allowed_equals_eni_max_pods_for_every_type() {
    let listed = listed();
    assert_eq!(listed.len(), 1391);
    for i in instances() {
        let got = compute(
            i,
            &Options {
                show_max_allowed: true,
                ..opts((1, 20))
            },
        )
        .unwrap();
        assert_eq!(Some(&got.max_pods), listed.get(&i.name), "{}", i.name);
    }
}

#[test]
fn default_answer_is_the_listed_value_capped_by_vcpus() {
    let listed = listed();
    let mut checked = 0;
    for i in instances() {
        let want = listed[&i.name];
        match (compute(i, &opts((1, 20))), i.vcpus) {
            (Ok(got), Some(v)) => {
                assert_eq!(
                    got.max_pods,
                    want.min(if v > 30 { 250 } else { 110 }),
                    "{}",
                    i.name
                );
                checked += 1;
            }
            (Ok(got), None) => assert!(want <= 110 && got.max_pods == want, "{}", i.name),
            (Err(e), None) => assert!(want > 110, "{}: {e}", i.name),
            (Err(e), Some(_)) => panic!("{}: {e}", i.name),
        }
    }
    assert_eq!(checked, 1384);
}

#[test]
fn the_scripts_own_cases() {
    let m5_8x = instance("m5.8xlarge").unwrap();
    assert_eq!(compute(m5_8x, &opts((1, 11))).unwrap().max_pods, 234);
    let pd = Options {
        prefix_delegation: true,
        ..opts((1, 11))
    };
    assert_eq!(compute(m5_8x, &pd).unwrap().max_pods, 250);
    let c6in = instance("c6in.32xlarge").unwrap();
    assert_eq!(
        compute(
            c6in,
            &Options {
                show_max_allowed: true,
                ..opts((1, 11))
            }
        )
        .unwrap()
        .max_pods,
        394
    );
    let m5 = instance("m5.large").unwrap();
    assert_eq!(
        compute(
            m5,
            &Options {
                custom_networking: true,
                ..opts((1, 11))
            }
        )
        .unwrap()
        .max_pods,
        20
    );
    assert_eq!(
        compute(
            m5,
            &Options {
                prefix_delegation: true,
                ..opts((1, 11))
            }
        )
        .unwrap()
        .max_pods,
        110
    );
    assert_eq!(
        compute(
            m5,
            &Options {
                prefix_delegation: true,
                show_max_allowed: true,
                ..opts((1, 11))
            }
        )
        .unwrap()
        .max_pods,
        434
    );
    // CNI older than 1.9: prefix delegation is ignored.
    assert_eq!(
        compute(
            m5,
            &Options {
                prefix_delegation: true,
                ..opts((1, 8))
            }
        )
        .unwrap()
        .max_pods,
        29
    );
    // --cni-max-eni 2: 2 × 9 + 2.
    assert_eq!(
        compute(
            m5,
            &Options {
                max_eni: Some(2),
                ..opts((1, 11))
            }
        )
        .unwrap()
        .max_pods,
        20
    );
    assert_eq!(
        compute(
            m5_8x,
            &Options {
                max_eni: Some(20),
                ..opts((1, 11))
            }
        )
        .unwrap()
        .max_pods,
        234
    );
}
