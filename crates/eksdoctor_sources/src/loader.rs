//! The one loader every command uses, and the interface each source implements.
//!
//! A [`Source`] fills an [`Inventory`] from the inputs it claims (files by name or content) or
//! from somewhere else entirely (a live source claims no file and reads APIs). [`load_with`]
//! gives each source its inputs, merges the inventories in the order the sources are listed,
//! applies the cluster mapping and finishes the inventory. Rules never see which source a value
//! came from except through its provenance.

use crate::{discover, Input};
use eksdoctor_config::LoadSettings;
use eksdoctor_inventory::Inventory;
use std::path::PathBuf;

/// One kind of input that fills the inventory.
pub trait Source: Sync {
    /// A short name, for timings and docs.
    fn name(&self) -> &'static str;
    /// Whether this source reads `input`. Each input goes to the first source claiming it.
    fn claims(&self, input: &Input) -> bool;
    /// Read the claimed inputs (`all` is every input, for sources whose reading depends on what
    /// else is scanned). Problems go into the inventory's errors and notes; never panic.
    fn load(&self, claimed: &[&Input], all: &[Input], settings: &LoadSettings) -> Inventory;
}

/// Give each source the inputs it claims (an input goes to the first that claims it), merge
/// their inventories in the sources' order, apply the cluster mapping and finish.
pub fn load_with(sources: &[&dyn Source], inputs: &[Input], settings: &LoadSettings) -> Inventory {
    // Called without `load_paths`: paths named by the input stay within the inputs' trees.
    let confined;
    let settings = if settings.confinement.roots().is_empty() {
        let paths: Vec<PathBuf> = inputs
            .iter()
            .filter_map(Input::path)
            .map(std::path::Path::to_path_buf)
            .collect();
        confined = LoadSettings {
            confinement: eksdoctor_fs::Confinement::for_scan(&paths, &settings.allow_read),
            ..settings.clone()
        };
        &confined
    } else {
        settings
    };
    let mut claimed: Vec<Vec<&Input>> = vec![Vec::new(); sources.len()];
    for input in inputs {
        if let Some(i) = sources.iter().position(|s| s.claims(input)) {
            claimed[i].push(input);
        }
    }
    let mut inv = Inventory::default();
    for (source, mine) in sources.iter().zip(&claimed) {
        inv.merge(source.load(mine, inputs, settings));
    }
    inv.cluster_mapping = settings.cluster_mapping.clone();
    inv.external = settings.external.clone();
    inv.finish();
    clean_problems(&mut inv);
    inv
}

/// Input errors and notes name files and echo input: nothing in them may rewrite a terminal or
/// a report (see [`eksdoctor_inventory::clean`]).
fn clean_problems(inv: &mut Inventory) {
    clean_errors(&mut inv.errors);
    for n in inv.notes.iter_mut() {
        eksdoctor_inventory::clean_in_place(&mut n.message);
        eksdoctor_inventory::clean_shared(&mut n.at.file);
    }
}

fn clean_errors(errors: &mut [eksdoctor_inventory::InputError]) {
    for e in errors {
        eksdoctor_inventory::clean_in_place(&mut e.message);
        eksdoctor_inventory::clean_shared(&mut e.file);
    }
}

/// Everything a command reads from PATHs: discover the files (directories walked, `-` is
/// standard input, read with `read_stdin`), drop the excluded ones, load them with `sources`.
/// Problems with the paths themselves come first among the inventory's errors.
pub fn load_paths(
    sources: &[&dyn Source],
    paths: &[PathBuf],
    settings: &LoadSettings,
    read_stdin: impl FnOnce() -> std::io::Result<String>,
) -> Inventory {
    let settings = &LoadSettings {
        confinement: eksdoctor_fs::Confinement::for_scan(paths, &settings.allow_read),
        ..settings.clone()
    };
    let (mut inputs, mut errors) = discover(paths, read_stdin);
    if !settings.excludes.is_empty() {
        inputs.retain(|i| {
            i.path().is_none_or(|p| {
                let abs = eksdoctor_config::file::absolute(p);
                !settings.excludes.iter().any(|m| m.is_match(&abs))
            })
        });
    }
    let mut inv = load_with(sources, inputs.as_slice(), settings);
    // load_with cleaned what the sources reported; the paths' own problems join them here.
    clean_errors(&mut errors);
    errors.append(&mut inv.errors);
    inv.errors = errors;
    inv
}
