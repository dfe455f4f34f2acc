//! The EKS support calendar as of a date, and the upgrade path between two versions.

use chrono::NaiveDate;
use eksdoctor_knowledge::{addon_latest, Calendar, KubeVersion, SupportStatus};
use serde::Serialize;

/// The yearly extra cost of extended support for one cluster, in USD.
pub fn extended_yearly_usd() -> f64 {
    eksdoctor_knowledge::extended_support_extra_usd_per_year() as f64
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    pub version: String,
    pub eks_release: NaiveDate,
    pub end_of_standard_support: NaiveDate,
    pub end_of_extended_support: NaiveDate,
    pub status: SupportStatus,
    /// Days until the end of the current support phase (standard, or extended); `None` when
    /// released-not-yet or past its end.
    pub days_left: Option<i64>,
    /// Extra cost per cluster per year while in extended support, in USD.
    pub extended_support_usd_per_year: f64,
}

/// Every version of the calendar, newest first, as of `as_of`.
pub fn table(cal: &Calendar, as_of: NaiveDate) -> Vec<VersionRow> {
    let mut rows: Vec<VersionRow> = cal
        .versions
        .iter()
        .map(|v| {
            let status = v.status(as_of);
            let days_left = match status {
                SupportStatus::Standard => Some((v.end_of_standard_support - as_of).num_days()),
                SupportStatus::Extended => Some((v.end_of_extended_support - as_of).num_days()),
                _ => None,
            };
            VersionRow {
                version: v.version.to_string(),
                eks_release: v.eks_release,
                end_of_standard_support: v.end_of_standard_support,
                end_of_extended_support: v.end_of_extended_support,
                status,
                days_left,
                extended_support_usd_per_year: extended_yearly_usd(),
            }
        })
        .collect();
    rows.reverse();
    rows
}

/// A Kubernetes object that uses an API removed at some step of the path.
#[derive(Debug, Clone, Serialize)]
pub struct ApiUse {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub location: String,
}

/// A node group as the upgrade plan needs it.
#[derive(Debug, Clone, Serialize)]
pub struct NodeGroupInfo {
    pub name: String,
    /// Its AMI family is Amazon Linux 2.
    pub al2: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    pub what: String,
    pub fix: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub from: String,
    pub to: String,
    /// Do this step before this date to stay in standard support (`from`'s end of standard
    /// support), when known.
    pub deadline: Option<NaiveDate>,
    pub days_left: Option<i64>,
    /// `from` is already in extended support (or past it) on the plan's date.
    pub overdue: bool,
    /// `from` is past even its end of extended support: EKS upgrades such control planes itself.
    pub past_extended: bool,
    /// `from`'s end of extended support, when known.
    pub end_of_extended_support: Option<NaiveDate>,
    /// Add-on versions listed for `to` (vpc-cni, coredns, kube-proxy), or why not.
    pub addons: Vec<(String, String)>,
    /// Node actions for this step.
    pub nodes: Vec<String>,
    pub blockers: Vec<Blocker>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpgradePlan {
    pub from: String,
    pub to: String,
    pub as_of: NaiveDate,
    /// The scanned cluster's upgrade policy (`STANDARD`: upgraded automatically at the end of
    /// standard support, no extended support; `EXTENDED`, EKS's default), when it is known.
    pub support_type: Option<String>,
    pub steps: Vec<Step>,
}

/// Nodes may run this many minor versions behind the control plane (Kubernetes version skew
/// policy: 3 since 1.28, 2 before).
pub fn kubelet_skew(control_plane: KubeVersion) -> u32 {
    if control_plane.minor >= 28 {
        3
    } else {
        2
    }
}

/// The path from `from` to `to`, one minor version at a time.
pub fn upgrade_plan(
    cal: &Calendar,
    from: KubeVersion,
    to: KubeVersion,
    as_of: NaiveDate,
    apis: &[(ApiUse, KubeVersion, Option<String>)],
    node_groups: &[NodeGroupInfo],
) -> Result<UpgradePlan, String> {
    if from > cal.newest().version {
        return Err(format!(
            "{from} is newer than the newest version in the EKS calendar ({}); give a newer calendar with --calendar",
            cal.newest().version
        ));
    }
    if from.major != to.major || to.minor <= from.minor {
        return Err(format!(
            "--to {to} must be a later minor version than --from {from}"
        ));
    }
    let mut steps = Vec::new();
    for minor in from.minor..to.minor {
        let a = KubeVersion {
            major: from.major,
            minor,
        };
        let b = KubeVersion {
            major: from.major,
            minor: minor + 1,
        };
        if cal.get(b).is_none() {
            return Err(format!(
                "{b} is not in the EKS calendar (newest: {})",
                cal.newest().version
            ));
        }
        let ea = cal.get(a);
        let deadline = ea.map(|e| e.end_of_standard_support);
        let days_left = deadline.map(|d| (d - as_of).num_days());
        let overdue = days_left.is_some_and(|d| d <= 0);
        let end_of_extended_support = ea.map(|e| e.end_of_extended_support);
        let past_extended = end_of_extended_support.is_some_and(|d| d <= as_of);
        let mut addons = Vec::new();
        for addon in ["vpc-cni", "coredns", "kube-proxy"] {
            let v = match addon_latest(addon, b) {
                Some((v, _)) => v,
                None => "no version listed in the embedded data for this Kubernetes version".into(),
            };
            addons.push((addon.to_string(), v));
        }
        addons.push((
            "aws-ebs-csi-driver".into(),
            "not in the embedded data: take the default version DescribeAddonVersions lists".into(),
        ));
        let mut nodes = vec![format!(
            "upgrade node groups to {b} after the control plane (nodes may run at most {} minor versions behind it)",
            kubelet_skew(b)
        )];
        let mut blockers = Vec::new();
        if b.minor >= 33 {
            for ng in node_groups.iter().filter(|n| n.al2) {
                blockers.push(Blocker {
                    what: format!("node group `{}` runs Amazon Linux 2: EKS publishes no AL2 AMIs for {b}", ng.name),
                    fix: "move it to AL2023 or Bottlerocket (a new node group, then drain the old one) before this step".into(),
                });
            }
        }
        if b.minor >= 33 && node_groups.iter().any(|n| n.al2) {
            nodes.push("replace Amazon Linux 2 node groups first (see blockers)".into());
        }
        for (u, removed_in, replacement) in apis {
            if minor == from.minor && *removed_in <= a {
                blockers.push(Blocker {
                    what: format!(
                        "{} {} ({}) uses {}, already removed in {removed_in}: it cannot be applied to a {a} cluster",
                        u.kind, u.name, u.location, u.api_version
                    ),
                    fix: match replacement {
                        Some(r) => format!("migrate to {r} now"),
                        None => "remove it or move to its successor now".into(),
                    },
                });
            }
            if *removed_in == b {
                blockers.push(Blocker {
                    what: format!(
                        "{} {}/{} ({}) uses {}, removed in {b}",
                        u.kind, u.name, u.api_version, u.location, u.api_version
                    ),
                    fix: match replacement {
                        Some(r) => format!("migrate to {r} before upgrading the control plane"),
                        None => {
                            "remove it or move to its successor before upgrading the control plane"
                                .into()
                        }
                    },
                });
            }
        }
        steps.push(Step {
            from: a.to_string(),
            to: b.to_string(),
            deadline,
            days_left,
            overdue,
            past_extended,
            end_of_extended_support,
            addons,
            nodes,
            blockers,
        });
    }
    Ok(UpgradePlan {
        support_type: None,
        from: from.to_string(),
        to: to.to_string(),
        as_of,
        steps,
    })
}
