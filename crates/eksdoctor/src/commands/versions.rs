//! `eksdoctor versions`: the EKS calendar as of a date.

use crate::args::{Format, VersionsArgs};
use anyhow::Result;
use eksdoctor_calc::versions::table;
use eksdoctor_knowledge::SupportStatus;
use std::io::Write;

pub fn run(a: VersionsArgs) -> Result<u8> {
    let as_of = eksdoctor_config::as_of(a.dates.as_of.as_deref())?;
    let cal = eksdoctor_config::calendar(a.dates.calendar.as_deref())?;
    let rows = table(&cal, as_of);
    let text = match a.format {
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({ "as_of": as_of, "versions": rows }))?
                + "\n"
        }
        _ => {
            let md = a.format == Format::Markdown;
            let mut out = String::new();
            if md {
                out.push_str(&format!("EKS versions as of {as_of}\n\n| version | EKS release | end of standard support | end of extended support | status | days left | extended support cost |\n| --- | --- | --- | --- | --- | --- | --- |\n"));
            } else {
                out.push_str(&format!(
                    "EKS versions as of {as_of}\n\n{:<8} {:<12} {:<14} {:<14} {:<17} {:>9}  {}\n",
                    "version",
                    "EKS release",
                    "end standard",
                    "end extended",
                    "status",
                    "days left",
                    "extended support cost"
                ));
            }
            for r in &rows {
                let days = r
                    .days_left
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into());
                let cost = match r.status {
                    SupportStatus::Extended => format!(
                        "USD {} per cluster per year (now)",
                        thousands(r.extended_support_usd_per_year)
                    ),
                    SupportStatus::Standard | SupportStatus::NotYetReleased => format!(
                        "USD {} per cluster per year after {}",
                        thousands(r.extended_support_usd_per_year),
                        r.end_of_standard_support
                    ),
                    SupportStatus::EndOfLife => "-".into(),
                };
                if md {
                    out.push_str(&format!(
                        "| {} | {} | {} | {} | {} | {days} | {cost} |\n",
                        r.version,
                        r.eks_release,
                        r.end_of_standard_support,
                        r.end_of_extended_support,
                        r.status.label()
                    ));
                } else {
                    out.push_str(&format!(
                        "{:<8} {:<12} {:<14} {:<14} {:<17} {:>9}  {cost}\n",
                        r.version,
                        r.eks_release.to_string(),
                        r.end_of_standard_support.to_string(),
                        r.end_of_extended_support.to_string(),
                        r.status.label(),
                        days
                    ));
                }
            }
            out.push_str(
                "\ndays left: until the end of the current phase (standard, or extended support)\n",
            );
            out
        }
    };
    let mut o = anstream::stdout();
    o.write_all(text.as_bytes())?;
    Ok(0)
}

/// Whole dollars with thousands separators.
pub fn thousands(n: f64) -> String {
    eksdoctor_knowledge::thousands(n.round() as i64)
}
