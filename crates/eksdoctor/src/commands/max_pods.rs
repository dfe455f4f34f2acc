//! `eksdoctor max-pods`: a drop-in for max-pods-calculator.sh, for one, several or all types.

use crate::args::{Format, MaxPodsArgs};
use anyhow::{anyhow, bail, Result};
use eksdoctor_calc::max_pods::{compute, parse_cni_version, Options};
use eksdoctor_knowledge::{instance, instances, suggest_instances, Instance};
use std::fmt::Write as _;
use std::io::Write;

pub fn run(a: MaxPodsArgs) -> Result<u8> {
    let opts = Options {
        cni_version: parse_cni_version(&a.cni_version).map_err(|e| anyhow!(e))?,
        custom_networking: a.cni_custom_networking_enabled,
        prefix_delegation: a.cni_prefix_delegation_enabled,
        max_eni: a.cni_max_eni,
        show_max_allowed: a.show_max_allowed,
    };
    let types: Vec<&Instance> = if a.all {
        instances().collect()
    } else {
        a.instance_types
            .iter()
            .map(|t| {
                instance(t).ok_or_else(|| {
                    anyhow!(
                        "unknown instance type `{t}`; did you mean {}?",
                        suggest_instances(t, 3).join(", ")
                    )
                })
            })
            .collect::<Result<_>>()?
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for i in types {
        match compute(i, &opts) {
            Ok(r) => rows.push(r),
            Err(e) if a.all => errors.push(e),
            Err(e) => bail!(e),
        }
    }
    let mut out = String::new();
    match a.format {
        Format::Json => {
            out = serde_json::to_string_pretty(&rows)?;
            out.push('\n');
        }
        Format::Csv => {
            out.push_str(
                "instance_type,max_pods,uncapped,enis,ipv4_per_eni,vcpus,prefix_delegation\n",
            );
            for r in &rows {
                let v = r.vcpus.map(|v| v.to_string()).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{v},{}",
                    r.instance_type,
                    r.max_pods,
                    r.uncapped,
                    r.enis,
                    r.ipv4_per_eni,
                    r.prefix_delegation_applied
                );
            }
        }
        _ => {
            for r in &rows {
                if rows.len() == 1 && !a.all {
                    let _ = writeln!(out, "{}", r.max_pods);
                } else {
                    let _ = writeln!(out, "{:<24} {}", r.instance_type, r.max_pods);
                }
                if a.explain {
                    for l in r.explanation.lines() {
                        let _ = writeln!(out, "  {l}");
                    }
                }
            }
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    for e in &errors {
        eprintln!("eksdoctor: {e}");
    }
    Ok(0)
}
