//! One IP model: `ip-exhaustion-risk` and `plan subnets` read the same inventory the same way.
//! For every cluster of every fixture and example whose demand is computable, the plan's node
//! group, Fargate and endpoint terms and its existing usable addresses equal the rule model's, AZ
//! by AZ, and where the rule fires, the demand in its message is the plan's steady-state demand.

use eksdoctor_calc::ipdemand::usable;
use eksdoctor_rules::ipmodel::{cluster_demand, fargate_pods, plan_input};
use eksdoctor_rules::{Ctx, Settings};
use std::path::{Path, PathBuf};

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for rule in std::fs::read_dir(root.join("fixtures")).unwrap() {
        for e in std::fs::read_dir(rule.unwrap().path()).unwrap() {
            out.push(e.unwrap().path());
        }
    }
    for e in std::fs::read_dir(root.join("../../examples")).unwrap() {
        out.push(e.unwrap().path());
    }
    out.sort();
    out
}

fn load(p: &Path) -> eksdoctor_inventory::Inventory {
    let (inputs, _) = eksdoctor_sources::discover(&[p.to_path_buf()], || Ok(String::new()));
    eksdoctor_sources::load(&inputs, &Default::default())
}

#[test]
fn the_rule_and_the_calculator_agree_number_for_number() {
    let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let mut compared_azs = 0;
    let mut fired = 0;
    for p in inputs() {
        let inv = load(&p);
        let ctx = Ctx {
            inv: &inv,
            settings: &settings,
        };
        let findings = eksdoctor_rules::run(&inv, &settings).findings;
        let fargate = fargate_pods(&ctx);
        for c in &inv.clusters {
            let Ok(d) = cluster_demand(&ctx, c, &fargate) else {
                continue;
            };
            if d.azs.is_empty() || !c.pods_use_ipv4() {
                continue;
            }
            let input = plan_input(&ctx, c, &fargate).expect("the plan reads what the rule reads");
            let plan = eksdoctor_calc::subnets::plan(&input).unwrap();
            for (az, a) in &d.azs {
                let pa = plan.azs.iter().find(|x| &x.az == az).unwrap();
                let sum = |prefix: &str| -> u64 {
                    pa.terms
                        .iter()
                        .filter(|t| t.what.starts_with(prefix))
                        .map(|t| t.addresses)
                        .sum()
                };
                let at = format!("{} cluster {} {az}", p.display(), c.id);
                assert_eq!(sum("node group "), a.nodes, "nodes: {at}");
                assert_eq!(sum("Fargate pods"), a.fargate_pods, "Fargate: {at}");
                assert_eq!(sum("interface endpoints"), a.endpoints, "endpoints: {at}");
                let capacity: u64 = a
                    .subnets
                    .values()
                    .filter_map(|s| match s.cidr.known() {
                        Some(ipnet::IpNet::V4(n)) => Some(usable(n.prefix_len())),
                        _ => None,
                    })
                    .sum();
                assert_eq!(pa.existing_usable, Some(capacity), "capacity: {at}");
                compared_azs += 1;
                let steady = sum("node group ") + sum("Fargate pods") + sum("interface endpoints");
                let message = format!(" may need {steady} addresses in {az} at peak");
                let fires = findings
                    .iter()
                    .any(|f| f.rule == "ip-exhaustion-risk" && f.message.contains(&message));
                assert_eq!(fires, steady > capacity, "verdict: {at}");
                fired += usize::from(fires);
            }
        }
    }
    // The comparison ran on real cases, firing ones included.
    assert!(compared_azs >= 10, "{compared_azs} AZs compared");
    assert!(fired >= 3, "{fired} findings compared");
}

/// `usable()` is one function: no crate's source defines its own.
#[test]
fn usable_is_defined_once() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut defs = Vec::new();
    let mut stack = vec![crates];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.ends_with("target") && !p.ends_with("fixtures") {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && p.components().any(|c| c.as_os_str() == "src")
            {
                let text = std::fs::read_to_string(&p).unwrap();
                if text.contains("fn usable(") {
                    defs.push(p.display().to_string());
                }
            }
        }
    }
    assert_eq!(defs.len(), 1, "{defs:?}");
    assert!(
        defs[0].ends_with("eksdoctor_calc/src/ipdemand.rs"),
        "{defs:?}"
    );
}
