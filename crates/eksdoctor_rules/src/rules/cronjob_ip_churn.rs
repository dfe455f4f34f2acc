//! # cronjob-ip-churn
//! A CronJob that runs every minute: each run takes a fresh pod IP, which the VPC CNI holds for its
//! cooldown (`IP_COOLDOWN_PERIOD`, 30 s) after the pod ends, so frequent jobs keep addresses busy
//! and churn ENI/IP allocation.

use crate::Ctx;
use eksdoctor_findings::{Category, RuleMeta, Severity, Sink};

pub static META: RuleMeta = RuleMeta {
    id: "cronjob-ip-churn",
    category: Category::Autoscaling,
    severity: Severity::Low,
    summary: "A CronJob runs every minute (IP churn)",
    why: "Every run creates a pod with a new VPC address. On EC2 nodes the VPC CNI holds it for the run time plus its 30 s cooldown; on Fargate each run gets its own micro-VM and network interface, an address held from provisioning (often most of a minute) to the end of the pod. Per-minute jobs multiply IP demand and EC2 API calls.",
    fix: "Run less often, or replace the CronJob with a long-running worker that loops.",
    sources: &["k8s", "live"],
    silent_when: "The schedule runs less often than every minute.",
    references: &["https://github.com/aws/amazon-vpc-cni-k8s/blob/master/README.md", "https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html"],
};

/// True when the minute field of a 5-field cron schedule fires every minute.
pub fn every_minute(schedule: &str) -> bool {
    let mut fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields
        .first()
        .is_some_and(|f| f.starts_with("CRON_TZ=") || f.starts_with("TZ="))
    {
        fields.remove(0);
    }
    if fields.len() != 5 {
        return false;
    }
    matches!(fields[0], "*" | "*/1" | "0-59" | "0-59/1")
}

pub fn check(ctx: &Ctx, sink: &mut Sink) {
    for w in ctx
        .inv
        .k8s
        .workloads
        .iter()
        .filter(|w| w.obj.kind == "CronJob")
    {
        let Some((schedule, at)) = &w.schedule else {
            continue;
        };
        let threshold = ctx.settings.cronjob_interval_minutes.max(1) as f64;
        let often = match crate::helpers::cron_runs_per_minute(schedule) {
            // Every `threshold` minutes or more often (the configuration's interval; 1 by default).
            Some(rate) => {
                rate >= 1.0 / threshold - 1e-9 && (threshold > 1.0 || every_minute(schedule))
            }
            None => every_minute(schedule),
        };
        if often {
            sink.finding(
                &META,
                at,
                w.obj.display(),
                format!(
                    "{} runs {} (`{schedule}`): {}",
                    w.obj.display(),
                    if threshold > 1.0 {
                        format!("at least every {threshold} minutes")
                    } else {
                        "every minute".to_string()
                    },
                    match crate::helpers::workload_on_fargate(ctx, w) {
                        Some(p) => format!(
                            "on Fargate (profile `{}`) each run gets its own micro-VM and network interface, holding a VPC address from its provisioning to the end of the pod",
                            p.name
                        ),
                        None => "each run takes a new pod IP that the VPC CNI keeps for 30 s after the pod ends".to_string(),
                    }
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::every_minute;
    #[test]
    fn schedules() {
        assert!(every_minute("* * * * *"));
        assert!(every_minute("*/1 9-17 * * 1-5"));
        assert!(every_minute("CRON_TZ=UTC * * * * *"));
        assert!(!every_minute("*/5 * * * *"));
        assert!(!every_minute("0 * * * *"));
        assert!(!every_minute("@hourly"));
    }
}
