//! `eksdoctor rules`, `explain`, `completions` and `man`: documentation from the same metadata
//! the rules and the argument parser are built from.

use crate::args::{Cli, CompletionsArgs, ExplainArgs, Format, RulesArgs};
use anyhow::{bail, Result};
use clap::CommandFactory;
use eksdoctor_findings::RuleMeta;
use eksdoctor_rules::{example, find_rule, rules_markdown, RULES};
use std::io::Write;

fn meta_json(m: &RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "severity": m.severity.as_str(),
        "category": format!("{:?}", m.category).to_lowercase(),
        "summary": m.summary,
        "why": m.why,
        "fix": m.fix,
        "sources": m.sources,
        "silent_when": m.silent_when,
        "references": m.references,
    })
}

fn print(text: &str) -> Result<u8> {
    let mut o = anstream::stdout();
    o.write_all(text.as_bytes())?;
    Ok(0)
}

pub fn list(a: RulesArgs) -> Result<u8> {
    let text = match a.format {
        Format::Json => {
            let v: Vec<_> = RULES.iter().map(|r| meta_json(r.meta)).collect();
            serde_json::to_string_pretty(&v)? + "\n"
        }
        Format::Markdown => rules_markdown(),
        _ => {
            let mut out = format!(
                "{:<36} {:<9} {:<13} {}\n",
                "rule", "severity", "category", "what it catches"
            );
            for r in RULES {
                let m = r.meta;
                out.push_str(&format!(
                    "{:<36} {:<9} {:<13} {}\n",
                    m.id,
                    m.severity.as_str(),
                    format!("{:?}", m.category).to_lowercase(),
                    m.summary
                ));
            }
            out.push_str(&format!(
                "\n{} rules; `eksdoctor explain RULE` tells more.\n",
                RULES.len()
            ));
            out
        }
    };
    print(&text)
}

pub fn explain(a: ExplainArgs) -> Result<u8> {
    let Some(rule) = find_rule(&a.rule) else {
        let ids: Vec<&str> = RULES.iter().map(|r| r.meta.id).collect();
        let mut near: Vec<(f64, &str)> = ids
            .iter()
            .map(|id| (strsim::jaro_winkler(id, &a.rule), *id))
            .collect();
        near.sort_by(|x, y| y.0.total_cmp(&x.0));
        bail!(
            "no rule `{}`; did you mean {}? (`eksdoctor rules` lists them)",
            a.rule,
            near.iter()
                .take(3)
                .map(|(_, id)| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let m = rule.meta;
    let ex = example(m.id);
    let text = match a.format {
        Format::Json => {
            let mut v = meta_json(m);
            if let Some((f, c)) = ex {
                v["example"] = serde_json::json!({ "file": f, "content": c });
            }
            serde_json::to_string_pretty(&v)? + "\n"
        }
        _ => {
            let md = a.format == Format::Markdown;
            let h = |s: &str| {
                if md {
                    format!("\n## {s}\n\n")
                } else {
                    format!("\n{s}\n")
                }
            };
            let mut out = if md {
                format!(
                    "# {}\n\n**{}** · {} · sources: {}\n\n{}\n",
                    m.id,
                    m.severity.as_str(),
                    format!("{:?}", m.category).to_lowercase(),
                    m.sources.join(", "),
                    m.summary
                )
            } else {
                format!(
                    "{} ({}, {}; sources: {})\n{}\n",
                    m.id,
                    m.severity.as_str(),
                    format!("{:?}", m.category).to_lowercase(),
                    m.sources.join(", "),
                    m.summary
                )
            };
            out.push_str(&h("Why it matters"));
            out.push_str(&format!("{}\n", m.why));
            out.push_str(&h("How to fix"));
            out.push_str(&format!("{}\n", m.fix));
            out.push_str(&h("When it stays silent"));
            out.push_str(&format!("{}\n", m.silent_when));
            if let Some((f, c)) = ex {
                out.push_str(&h(&format!("Example ({f})")));
                let lang = if f.ends_with(".tf") { "hcl" } else { "yaml" };
                if md {
                    out.push_str(&format!("```{lang}\n{}```\n", c));
                } else {
                    for l in c.lines() {
                        out.push_str(&format!("  {l}\n"));
                    }
                }
            }
            if !m.references.is_empty() {
                out.push_str(&h("References"));
                for r in m.references {
                    out.push_str(&format!("- {r}\n"));
                }
            }
            out
        }
    };
    print(&text)
}

pub fn completions(a: CompletionsArgs) -> Result<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "eksdoctor", &mut out);
    print(&String::from_utf8_lossy(&out))
}

pub fn man() -> Result<u8> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    print(&String::from_utf8_lossy(&out))
}
