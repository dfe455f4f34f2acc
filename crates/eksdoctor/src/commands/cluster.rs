//! `eksdoctor cluster`: running clusters read through the AWS APIs (eksdoctor_live), then the
//! same rules and reports as `scan`.

use crate::args::ClusterArgs;
use anyhow::Result;

#[cfg(not(feature = "live"))]
pub fn run(_: ClusterArgs) -> Result<u8> {
    anyhow::bail!(NO_LIVE)
}

#[cfg(not(feature = "live"))]
const NO_LIVE: &str =
    "this eksdoctor was built without live mode: build it with the `live` feature (the default)";

/// The running clusters `names` read into a finished inventory (the calculators' `--cluster`).
#[cfg(not(feature = "live"))]
pub fn read(_: &[String], _: &crate::args::LiveArgs) -> Result<eksdoctor_inventory::Inventory> {
    anyhow::bail!(NO_LIVE)
}

#[cfg(feature = "live")]
pub fn run(a: ClusterArgs) -> Result<u8> {
    let input = crate::args::InputArgs {
        config: a.config.clone(),
        ..crate::args::InputArgs::default()
    };
    let settings = super::settings(&input, &a.dates, a.report.k8s_version.as_deref())?;
    let collected = collect(&a.names, &a.live)?;
    let mut inv = collected.inventory;
    if let Some(path) = &a.save_snapshot {
        save_snapshot(path, &collected.clusters, collected.calls, &inv)?;
    }
    inv.finish();
    super::scan::report(&a.report, &inv, &settings, 0, &mut || {})
}

/// The running clusters `names` read into a finished inventory (the calculators' `--cluster`).
#[cfg(feature = "live")]
pub fn read(
    names: &[String],
    live: &crate::args::LiveArgs,
) -> Result<eksdoctor_inventory::Inventory> {
    let mut inv = collect(names, live)?.inventory;
    inv.finish();
    Ok(inv)
}

/// A spinner on standard error while clusters are read, only when that is a terminal (never in
/// CI logs or redirected output; reports go to standard output or files).
#[cfg(feature = "live")]
fn spinner() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// Read the clusters and say on standard error what was read.
#[cfg(feature = "live")]
fn collect(names: &[String], a: &crate::args::LiveArgs) -> Result<eksdoctor_live::Collected> {
    let opts = eksdoctor_live::Options {
        clusters: names.to_vec(),
        region: a.region.clone(),
        profile: a.profile.clone(),
        role_arn: a.role_arn.clone(),
        endpoint_url: a.endpoint_url.clone(),
        call_timeout: None,
        timeout: a.timeout.map(std::time::Duration::from_secs),
        kube: (!a.no_kubernetes).then(|| eksdoctor_live::KubeOptions {
            kubeconfig: a.kubeconfig.clone(),
            context: a.context.clone(),
        }),
        progress: None,
    };
    let bar = spinner();
    let opts = eksdoctor_live::Options {
        progress: bar.clone().map(|b| {
            eksdoctor_live::Progress(std::sync::Arc::new(move |what: &str, calls: usize| {
                b.set_message(format!("reading {what} ({calls} API calls so far)"));
            }))
        }),
        ..opts
    };
    let collected = eksdoctor_live::collect(&opts);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let collected = collected.map_err(|e| anyhow::anyhow!("nothing could be read: {e}"))?;
    let skipped = collected.failed;
    eprintln!(
        "eksdoctor: read {} ({} API calls){}",
        collected.clusters.join(", "),
        collected.calls,
        if skipped > 0 {
            format!("; {skipped} could not be read (see the notes)")
        } else {
            String::new()
        }
    );
    Ok(collected)
}

/// Write the collected inventory as a snapshot.
#[cfg(feature = "live")]
fn save_snapshot(
    path: &std::path::Path,
    clusters: &[String],
    calls: usize,
    inventory: &eksdoctor_inventory::Inventory,
) -> Result<()> {
    use anyhow::Context;
    let snap = eksdoctor_inventory::Snapshot {
        eksdoctor_snapshot: eksdoctor_inventory::SNAPSHOT_SCHEMA,
        written_by: format!("eksdoctor {}", env!("CARGO_PKG_VERSION")),
        clusters: clusters.to_vec(),
        calls,
        inventory,
    };
    let file = std::fs::File::create(path)
        .with_context(|| format!("cannot write the snapshot {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &snap)
        .with_context(|| format!("cannot write the snapshot {}", path.display()))?;
    Ok(())
}
