//! What the calculators print for people: `plan subnets`, `upgrade` and `versions` (their JSON
//! is the calculators' own values, serialized by the command).

use chrono::NaiveDate;
use eksdoctor_calc::ipdemand::usable;
use eksdoctor_calc::subnets::{PlanInput, SubnetPlan};
use eksdoctor_calc::versions::{UpgradePlan, VersionRow};
use eksdoctor_knowledge::SupportStatus;

/// `plan subnets` for a terminal: per AZ every demand term, the peak, the headroom, the existing
/// subnets' usable addresses and the smallest subnet that fits; the assumptions; the layout as
/// Terraform and eksctl settings.
pub fn plan_subnets(input: &PlanInput, p: &SubnetPlan) -> String {
    let mut out = String::new();
    for az in &p.azs {
        out.push_str(&format!("{}\n", az.az));
        for t in &az.terms {
            out.push_str(&format!("  {:>7}  {}: {}\n", t.addresses, t.what, t.how));
        }
        out.push_str(&format!("  {:>7}  projected peak\n", az.demand));
        out.push_str(&format!(
            "  {:>7}  with {}% headroom\n",
            az.with_headroom, input.headroom_pct
        ));
        if let Some(u) = az.existing_usable {
            out.push_str(&format!(
                "  {:>7}  usable in the existing subnets ({:.0}% used at peak){}\n",
                u,
                az.utilisation_pct.unwrap_or(0.0),
                if az.demand > u { "  ← TOO SMALL" } else { "" }
            ));
        }
        if let Some(f) = az.free_now {
            out.push_str(&format!(
                "  {f:>7}  free now in them (EC2's count: nodes, pods and every other consumer take from it)\n"
            ));
        }
        match az.prefix {
            Some(pl) => out.push_str(&format!(
                "  smallest subnet that fits: /{pl} ({} usable)\n\n",
                usable(pl)
            )),
            None => out.push_str("  no single subnet up to a /16 fits this demand\n\n"),
        }
    }
    out.push_str("assumptions:\n");
    for s in &p.assumptions {
        out.push_str(&format!("  - {s}\n"));
    }
    if let Some(l) = &p.layout {
        out.push_str(&format!(
            "\nlayout in {}:\n",
            input.vpc_cidr.map(|c| c.to_string()).unwrap_or_default()
        ));
        for (az, private, public) in l {
            out.push_str(&format!("  {az}: private {private}, public {public}\n"));
        }
        let q = |v: Vec<String>| {
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "\nTerraform (terraform-aws-modules/vpc):\n  azs             = [{}]\n  private_subnets = [{}]\n  public_subnets  = [{}]\n",
            q(l.iter().map(|x| x.0.clone()).collect()),
            q(l.iter().map(|x| x.1.to_string()).collect()),
            q(l.iter().map(|x| x.2.to_string()).collect())
        ));
        out.push_str("\neksctl:\n  vpc:\n    cidr: ");
        out.push_str(&input.vpc_cidr.map(|c| c.to_string()).unwrap_or_default());
        out.push_str("\n    subnets:\n      private:\n");
        for (az, private, _) in l {
            out.push_str(&format!("        {az}: {{ cidr: {private} }}\n"));
        }
        out.push_str("      public:\n");
        for (az, _, public) in l {
            out.push_str(&format!("        {az}: {{ cidr: {public} }}\n"));
        }
    }
    if let Some(e) = &p.layout_error {
        out.push_str(&format!("\nno layout: {e}\n"));
    }
    out
}

/// `upgrade` for a terminal, or as Markdown for a change ticket (`md`).
pub fn upgrade(plan: &UpgradePlan, as_of: NaiveDate, md: bool) -> String {
    let h = |s: &str| {
        if md {
            format!("## {s}\n\n")
        } else {
            format!("{s}\n")
        }
    };
    let li = |s: &str| {
        if md {
            format!("- {s}\n")
        } else {
            format!("  - {s}\n")
        }
    };
    let mut out = String::new();
    out.push_str(&if md {
        format!("# EKS upgrade {} → {}\n\nPlanned on {as_of}: {} step(s), one minor version at a time.\n\n", plan.from, plan.to, plan.steps.len())
    } else {
        format!("EKS upgrade {} -> {} (as of {as_of}): {} step(s), one minor version at a time\n\n", plan.from, plan.to, plan.steps.len())
    });
    for (i, s) in plan.steps.iter().enumerate() {
        out.push_str(&h(&format!("Step {}: {} → {}", i + 1, s.from, s.to)));
        out.push_str(&li(&deadline(s, plan.support_type.as_deref())));
        out.push_str(&li(&format!("1. control plane: upgrade to {}", s.to)));
        for (addon, v) in &s.addons {
            out.push_str(&li(&format!("2. add-on {addon}: {v}")));
        }
        for n in &s.nodes {
            out.push_str(&li(&format!("3. nodes: {n}")));
        }
        if s.blockers.is_empty() {
            out.push_str(&li("blockers: none found in the scanned files"));
        } else {
            for b in &s.blockers {
                out.push_str(&li(&format!("BLOCKER: {} — {}", b.what, b.fix)));
            }
        }
        out.push('\n');
    }
    out
}

/// `versions` for a terminal, or as a Markdown table (`md`).
pub fn versions(rows: &[VersionRow], as_of: NaiveDate, md: bool) -> String {
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
    for r in rows {
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

/// Whole dollars with thousands separators.
fn thousands(n: f64) -> String {
    eksdoctor_knowledge::thousands(n.round() as i64)
}

/// What the end of `s.from`'s support means for this step, by the cluster's upgrade policy
/// (`None`: not known, or no cluster scanned).
fn deadline(s: &eksdoctor_calc::versions::Step, policy: Option<&str>) -> String {
    let cost =
        eksdoctor_knowledge::thousands(eksdoctor_knowledge::extended_support_extra_usd_per_year());
    let (Some(d), Some(days)) = (s.deadline, s.days_left) else {
        return format!("deadline: {} is not in the calendar", s.from);
    };
    let ago = eksdoctor_knowledge::days(-days);
    if s.past_extended {
        let end = s
            .end_of_extended_support
            .map(|e| e.to_string())
            .unwrap_or_default();
        return format!(
            "deadline: {} left extended support on {end}: EKS upgrades such control planes to the next version automatically, so do this step now rather than have it done unplanned",
            s.from
        );
    }
    match (s.overdue, policy) {
        (true, Some("STANDARD")) => format!(
            "deadline: {} left standard support on {d} ({ago} ago); with the STANDARD upgrade policy EKS upgrades the control plane automatically (no extended-support fee)",
            s.from
        ),
        (true, Some(_)) => format!(
            "deadline: {} left standard support on {d} ({ago} ago); extended support costs USD {cost} per cluster per year until this step is done",
            s.from
        ),
        (true, None) => format!(
            "deadline: {} left standard support on {d} ({ago} ago); extended support costs USD {cost} per cluster per year until this step is done, unless the cluster's upgrade policy is STANDARD (then EKS upgrades it automatically)",
            s.from
        ),
        (false, Some("STANDARD")) => format!(
            "deadline: before {d} ({} left), when standard support for {} ends and EKS upgrades the control plane automatically (upgrade policy STANDARD)",
            eksdoctor_knowledge::days(days),
            s.from
        ),
        (false, _) => format!(
            "deadline: before {d} ({} left), when standard support for {} ends",
            eksdoctor_knowledge::days(days),
            s.from
        ),
    }
}
