//! `eksdoctor versions`: the EKS calendar as of a date.

use crate::args::{Format, VersionsArgs};
use anyhow::Result;
use eksdoctor_calc::versions::table;
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
        _ => eksdoctor_report::calc::versions(&rows, as_of, a.format == Format::Markdown),
    };
    let mut o = anstream::stdout();
    o.write_all(text.as_bytes())?;
    Ok(0)
}
