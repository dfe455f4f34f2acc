//! One self-contained HTML file (no network): summary, a findings table with filters, per-AZ IP
//! capacity against projected demand, the version calendar with the clusters on it, and the
//! subnet plan. Charts are inline SVG drawn here; the only script filters the table.

use crate::ScanReport;
use chrono::Datelike;
use eksdoctor_findings::Severity;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = r#"
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.muted{color:#656d76;font-size:13px}
.cards{display:flex;gap:12px;margin:14px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 16px;min-width:90px}
.card b{display:block;font-size:22px}
.sev-critical{color:#8b0000}.sev-high{color:#cf222e}.sev-medium{color:#9a6700}.sev-low{color:#0969da}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eaeef2;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.filters{display:flex;gap:14px;align-items:center;margin:8px 0;font-size:13px}
.filters input[type=search]{padding:4px 8px;width:260px}
svg text{font-size:11px;fill:#1f2328}
"#;

const JS: &str = r#"
(function(){
  var boxes=document.querySelectorAll('.sevfilter');var q=document.getElementById('q');
  function apply(){var on={};boxes.forEach(function(b){on[b.value]=b.checked});var t=(q.value||'').toLowerCase();var n=0;
    document.querySelectorAll('#findings tbody tr').forEach(function(r){var ok=on[r.dataset.sev]&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);r.style.display=ok?'':'none';if(ok)n++});
    document.getElementById('shown').textContent=n;}
  boxes.forEach(function(b){b.addEventListener('change',apply)});q.addEventListener('input',apply);apply();
})();
"#;

/// Grouped bars per AZ: projected peak demand next to the usable addresses of the subnets.
fn capacity_chart(cluster: &str, plan: &eksdoctor_calc::subnets::SubnetPlan) -> String {
    let azs = &plan.azs;
    let max = azs
        .iter()
        .map(|a| a.demand.max(a.existing_usable.unwrap_or(0)))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let group = 120.0;
    let width = (80.0 + group * azs.len() as f64).max(460.0);
    let height = 240.0;
    let plot = 170.0;
    let mut svg = format!(
        "<svg class=\"ip-chart\" role=\"img\" aria-label=\"IP capacity and demand for {c}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">",
        c = esc(cluster)
    );
    let _ = write!(
        svg,
        "<line x1=\"60\" y1=\"20\" x2=\"60\" y2=\"{}\" stroke=\"#8c959f\"/>",
        20.0 + plot
    );
    for i in 0..=4 {
        let v = max * i as f64 / 4.0;
        let y = 20.0 + plot - plot * i as f64 / 4.0;
        let _ = write!(svg, "<text x=\"54\" y=\"{:.0}\" text-anchor=\"end\">{:.0}</text><line x1=\"60\" x2=\"{width}\" y1=\"{y:.0}\" y2=\"{y:.0}\" stroke=\"#eaeef2\"/>", y + 4.0, v);
    }
    for (i, a) in azs.iter().enumerate() {
        let x = 70.0 + group * i as f64;
        let bar = |v: u64| plot * v as f64 / max;
        let hd = bar(a.demand);
        let over = a.existing_usable.is_some_and(|u| a.demand > u);
        let _ = write!(
            svg,
            "<rect class=\"demand\" x=\"{x}\" y=\"{:.1}\" width=\"40\" height=\"{hd:.1}\" fill=\"{}\"><title>projected peak {}</title></rect>",
            20.0 + plot - hd,
            if over { "#cf222e" } else { "#0969da" },
            a.demand
        );
        if let Some(u) = a.existing_usable {
            let hu = bar(u);
            let _ = write!(
                svg,
                "<rect class=\"capacity\" x=\"{}\" y=\"{:.1}\" width=\"40\" height=\"{hu:.1}\" fill=\"#1a7f37\"><title>usable {u}</title></rect>",
                x + 44.0,
                20.0 + plot - hu
            );
        }
        // `data.aws_availability_zones.available.names[0]` → `names[0]`.
        let short = a.az.rsplit('.').next().unwrap_or(&a.az).to_string();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x + 42.0,
            20.0 + plot + 16.0,
            esc(&short)
        );
    }
    let _ = write!(
        svg,
        "<rect x=\"60\" y=\"{y}\" width=\"10\" height=\"10\" fill=\"#0969da\"/><text x=\"74\" y=\"{t}\">projected peak (red: above capacity)</text><rect x=\"290\" y=\"{y}\" width=\"10\" height=\"10\" fill=\"#1a7f37\"/><text x=\"304\" y=\"{t}\">usable addresses</text></svg>",
        y = height - 24.0,
        t = height - 15.0
    );
    svg
}

/// Versions as rows of standard (green) and extended (amber) support, today as a line, clusters as dots.
fn calendar_chart(r: &ScanReport) -> String {
    let Some(ctx) = r.context else {
        return String::new();
    };
    let rows = &ctx.calendar;
    if rows.is_empty() {
        return String::new();
    }
    let start = rows.iter().map(|v| v.eks_release).min().expect("rows");
    let end = rows
        .iter()
        .map(|v| v.end_of_extended_support)
        .max()
        .expect("rows");
    let span = (end - start).num_days().max(1) as f64;
    let (left, width, row) = (60.0, 720.0, 18.0);
    let height = 40.0 + row * rows.len() as f64;
    let x = |d: chrono::NaiveDate| left + width * (d - start).num_days() as f64 / span;
    let mut svg = format!(
        "<svg id=\"calendar-chart\" role=\"img\" aria-label=\"EKS version calendar\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\">",
        w = left + width + 130.0
    );
    for (i, v) in rows.iter().enumerate() {
        let y = 10.0 + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 11.0,
            esc(&v.version)
        );
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"12\" fill=\"#2da44e\"><title>{} standard support {} to {}</title></rect>",
            x(v.eks_release),
            (x(v.end_of_standard_support) - x(v.eks_release)).max(1.0),
            esc(&v.version),
            v.eks_release,
            v.end_of_standard_support
        );
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"12\" fill=\"#d4a72c\"><title>{} extended support until {}</title></rect>",
            x(v.end_of_standard_support),
            (x(v.end_of_extended_support) - x(v.end_of_standard_support)).max(1.0),
            esc(&v.version),
            v.end_of_extended_support
        );
        // The scanned clusters on this version: one dot at the report's date, their names to
        // the right (several clusters on one version share the line).
        let names: Vec<&str> = ctx
            .clusters
            .iter()
            .filter(|(_, ver)| ver.as_deref() == Some(v.version.as_str()))
            .map(|(name, _)| name.as_str())
            .collect();
        if let (Some(d), false) = (ctx.as_of, names.is_empty()) {
            let label = names.join(", ");
            let _ = write!(
                svg,
                "<circle class=\"cluster\" cx=\"{:.1}\" cy=\"{}\" r=\"5\" fill=\"#cf222e\" stroke=\"#fff\"><title>{}</title></circle><text x=\"{:.1}\" y=\"{}\">{}</text>",
                x(d.min(end)),
                y + 6.0,
                esc(&format!("cluster {label}")),
                left + width + 8.0,
                y + 11.0,
                esc(&label)
            );
        }
    }
    // Year ticks.
    let first_year = start.year() + 1;
    for year in first_year..=end.year() {
        let Some(jan1) = chrono::NaiveDate::from_ymd_opt(year, 1, 1) else {
            continue;
        };
        let _ = write!(
            svg,
            "<line class=\"year\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"4\" y2=\"{}\" stroke=\"#d0d7de\" stroke-width=\"0.5\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#57606a\" font-size=\"10\">{year}</text>",
            height - 30.0,
            height - 20.0,
            x = x(jan1)
        );
    }
    if let Some(d) = ctx.as_of {
        if d >= start && d <= end {
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"4\" y2=\"{}\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{d}</text>",
                height - 22.0,
                height - 8.0,
                x = x(d)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(r: &ScanReport) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>eksdoctor report</title><style>{CSS}</style></head><body>"
    );
    let _ = write!(
        h,
        "<h1>eksdoctor report</h1><div class=\"muted\">eksdoctor {}{} · {} file(s) scanned · {} input error(s)</div>",
        esc(r.tool_version),
        r.context
            .and_then(|c| c.as_of)
            .map(|d| format!(" · as of {d}"))
            .unwrap_or_default(),
        r.files_scanned,
        r.errors.len()
    );
    h.push_str("<div class=\"cards\">");
    for s in Severity::ALL {
        let _ = write!(
            h,
            "<div class=\"card\"><b class=\"sev-{s}\">{}</b>{s}</div>",
            r.count(s),
            s = s.as_str()
        );
    }
    let _ = write!(h, "<div class=\"card\"><b>{}</b>suppressed</div><div class=\"card\"><b>{}</b>in baseline</div></div>", r.suppressed.len(), r.baselined.len());

    // Findings with filters.
    let _ = write!(
        h,
        "<h2>Findings (<span id=\"shown\">{}</span> shown)</h2><div class=\"filters\">",
        r.findings.len()
    );
    for s in Severity::ALL {
        let _ = write!(h, "<label><input type=\"checkbox\" class=\"sevfilter\" value=\"{s}\" checked> {s}</label>", s = s.as_str());
    }
    h.push_str("<input type=\"search\" id=\"q\" placeholder=\"filter by rule, file, text\"></div>");
    h.push_str("<table id=\"findings\"><thead><tr><th>severity</th><th>rule</th><th>where</th><th>finding</th><th>fix</th></tr></thead><tbody>");
    let mut sorted: Vec<_> = r.findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in sorted {
        let _ = write!(
            h,
            "<tr data-sev=\"{s}\"><td class=\"sev-{s}\">{s}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(f.rule),
            esc(&f.location.to_string()),
            esc(&f.message),
            esc(f.fix),
            s = f.severity.as_str()
        );
    }
    h.push_str("</tbody></table>");
    suppressed_table(r, &mut h);
    insights_table(r, &mut h);
    if r.show_unknown && !r.unknowns.is_empty() {
        h.push_str("<h2>Not decided</h2><table id=\"unknowns\"><thead><tr><th>rule</th><th>where</th><th>why</th></tr></thead><tbody>");
        for u in r.unknowns {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                esc(u.rule),
                esc(&u.location.to_string()),
                esc(&u.message)
            );
        }
        h.push_str("</tbody></table>");
    }

    // IP capacity and the subnet plan.
    h.push_str("<h2>IP capacity against projected demand, per AZ</h2>");
    let plans = r.context.map(|c| c.plans.as_slice()).unwrap_or(&[]);
    if plans.is_empty() {
        h.push_str("<p class=\"muted\">No cluster in this scan has node groups whose sizes, instance types and subnets are all known.</p>");
    }
    for (cluster, plan) in plans {
        let _ = write!(
            h,
            "<h3>{}</h3>{}",
            esc(cluster),
            capacity_chart(cluster, plan)
        );
        h.push_str("<table><thead><tr><th>AZ</th><th>projected peak</th><th>usable now</th><th>smallest subnet that fits</th><th>demand</th></tr></thead><tbody>");
        for a in &plan.azs {
            let terms: Vec<String> = a
                .terms
                .iter()
                .map(|t| format!("{} {}", t.addresses, esc(&t.what)))
                .collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.az),
                a.demand,
                a.existing_usable
                    .map(|u| u.to_string())
                    .unwrap_or_else(|| "-".into()),
                a.prefix
                    .map(|p| format!("/{p}"))
                    .unwrap_or_else(|| "more than a /16".into()),
                terms.join("; ")
            );
        }
        h.push_str("</tbody></table>");
        let _ = write!(
            h,
            "<p class=\"muted\">Assumptions: {}</p>",
            esc(&plan.assumptions.join("; "))
        );
    }

    // The calendar.
    h.push_str("<h2>EKS version calendar</h2><p class=\"muted\">Green: standard support; amber: extended support (USD 0.50 per cluster-hour extra); dashed line: the report's date; dots: the scanned clusters.</p>");
    h.push_str(&calendar_chart(r));

    if !r.errors.is_empty() {
        h.push_str("<h2>Input errors</h2><ul>");
        for e in r.errors {
            let _ = write!(
                h,
                "<li><code>{}{}</code>: {}</li>",
                esc(&e.file),
                e.line.map(|l| format!(":{l}")).unwrap_or_default(),
                esc(&e.message)
            );
        }
        h.push_str("</ul>");
    }
    let _ = writeln!(h, "<script>{JS}</script></body></html>");
    h
}

/// The EKS insights of running clusters that are not passing.
fn insights_table(r: &ScanReport, h: &mut String) {
    if !r.insights.is_empty() {
        h.push_str("<h2>EKS insights</h2><p class=\"muted\">AWS's own upgrade-readiness and configuration checks of the running cluster, beside eksdoctor's rules.</p><table id=\"insights\"><thead><tr><th>cluster</th><th>status</th><th>insight</th></tr></thead><tbody>");
        for i in r.insights {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(i.cluster.name()),
                esc(&i.status),
                esc(&i.summary())
            );
        }
        h.push_str("</tbody></table>");
    }
}

/// The findings silenced by inline suppressions, with their reasons.
fn suppressed_table(r: &ScanReport, h: &mut String) {
    if !r.suppressed.is_empty() {
        h.push_str("<h2>Suppressed</h2><table><thead><tr><th>rule</th><th>where</th><th>reason</th></tr></thead><tbody>");
        for s in r.suppressed {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                esc(s.finding.rule),
                esc(&s.finding.location.to_string()),
                esc(&s.reason)
            );
        }
        h.push_str("</tbody></table>");
    }
}
