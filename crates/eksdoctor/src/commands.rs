//! One module per subcommand, and what they share: settings come from one resolver, inputs from
//! one loader.

pub mod cluster;
pub mod max_pods;
pub mod plan;
pub mod rules;
pub mod scan;
pub mod upgrade;
pub mod versions;

use crate::args::{DateArgs, InputArgs};
use anyhow::{bail, Result};
use eksdoctor_config::Settings;
use eksdoctor_inventory::Inventory;
use eksdoctor_sources::Source;

/// The sources every command loads with. A source in a crate of its own (live mode) is
/// registered here, with one more line.
pub fn sources() -> Vec<&'static dyn Source> {
    eksdoctor_sources::SOURCES.to_vec()
}

/// The settings of a command: its flags over the configuration file over the defaults.
pub fn settings(
    input: &InputArgs,
    dates: &DateArgs,
    k8s_version: Option<&str>,
) -> Result<Settings> {
    let mut flags = input.flags(dates);
    flags.k8s_version = k8s_version.map(str::to_string);
    let ids: Vec<&str> = eksdoctor_rules::RULES.iter().map(|r| r.meta.id).collect();
    let s = eksdoctor_config::resolve(&flags, &ids)?;
    eksdoctor_config::apply_limits(&s);
    Ok(s)
}

/// Everything the PATHs hold, read as `scan` reads it (configuration excludes and mapping,
/// Terraform variables). Input errors
/// are in the inventory.
pub fn load(input: &InputArgs, settings: &Settings) -> Inventory {
    eksdoctor_sources::load_paths(&sources(), &input.paths, &settings.load, || {
        eksdoctor_fs::read_stdin(eksdoctor_fs::max_file_bytes()).map_err(std::io::Error::other)
    })
}

/// [`load`] for commands that take their answer from the inputs (`plan`, `upgrade`): the first
/// input error stops the command.
pub fn load_strict(input: &InputArgs, settings: &Settings) -> Result<Inventory> {
    let inv = load(input, settings);
    if let Some(e) = inv.errors.first() {
        bail!(
            "{}{}: {}",
            e.file,
            e.line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.message
        );
    }
    Ok(inv)
}

/// Where the command runs: the current directory and the root its paths are named from: the git
/// work tree it is in (the nearest directory upward with `.git`), else the directory of the
/// baseline file (`anchor`), else the current directory.
pub fn workspace(anchor: Option<&std::path::Path>) -> eksdoctor_findings::paths::Workspace {
    let cwd = std::env::current_dir().unwrap_or_default();
    let anchor = anchor
        .map(|a| eksdoctor_findings::paths::normalize(&cwd.join(a)))
        .and_then(|a| a.parent().map(std::path::Path::to_path_buf));
    let root = cwd
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(std::path::Path::to_path_buf)
        .or(anchor)
        .unwrap_or_else(|| cwd.clone());
    eksdoctor_findings::paths::Workspace {
        cwd,
        root: Some(root),
    }
}

/// Output for people made of names from the input: each line without control characters or
/// bidirectional overrides (see [`eksdoctor_inventory::clean`]).
pub fn clean_lines(text: &str) -> String {
    let mut out: String = text
        .lines()
        .map(|l| eksdoctor_inventory::clean(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}
