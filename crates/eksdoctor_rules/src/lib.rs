//! The rule engine. Each rule lives in its own file under `rules/` with its documentation
//! ([`RuleMeta`]) and its check; [`registry::RULES`] is the single list of them. Rules read the
//! [`Inventory`] and [`Settings`] only: no I/O, no clock.

mod helpers;
pub mod ipmodel;
pub mod registry;
mod rules;

pub use registry::{example, find_rule, rules_markdown, Rule, RULES};

use eksdoctor_findings::Sink;
use eksdoctor_inventory::Inventory;
use eksdoctor_knowledge::{Hypervisor, Instance};

/// What rules are judged against: the one resolved configuration.
pub use eksdoctor_config::Settings;

/// Whether suppression `s` is about finding `f`: one of its rules, in the same file, on the
/// comment's line or the line below.
fn covers(s: &eksdoctor_inventory::Suppression, f: &eksdoctor_findings::Finding) -> bool {
    s.at.file == f.location.file
        && (s.at.line == f.location.line || s.at.line + 1 == f.location.line)
        && s.rules.iter().any(|r| r == f.rule)
}

/// Move findings an inline suppression with a reason covers (same file, the comment on the
/// finding's line or the line above) to `sink.suppressed`.
fn apply_suppressions(inv: &Inventory, sink: &mut Sink) {
    if inv.suppressions.is_empty() {
        return;
    }
    let mut kept = Vec::with_capacity(sink.findings.len());
    for f in std::mem::take(&mut sink.findings) {
        let hit = inv
            .suppressions
            .iter()
            .find(|s| s.reason.is_some() && covers(s, &f));
        match hit {
            Some(s) => sink.suppressed.push(eksdoctor_findings::Suppressed {
                reason: s.reason.clone().unwrap_or_default(),
                suppressed_at: eksdoctor_findings::Location::of(&s.at),
                finding: f,
            }),
            None => kept.push(f),
        }
    }
    sink.findings = kept;
}

/// What rules see.
pub struct Ctx<'a> {
    pub inv: &'a Inventory,
    pub settings: &'a Settings,
}

impl Ctx<'_> {
    /// Instance type `name`'s networking facts: the embedded table's (the VPC CNI's own, with
    /// its overrides), else what EC2 described in live mode.
    pub fn instance(&self, name: &str) -> Option<std::borrow::Cow<'static, Instance>> {
        if let Some(i) = eksdoctor_knowledge::instance(name) {
            return Some(std::borrow::Cow::Borrowed(i));
        }
        let t = self.inv.instance_types.iter().find(|t| t.name == name)?;
        Some(std::borrow::Cow::Owned(Instance {
            name: t.name.clone(),
            max_enis: t.max_enis,
            ipv4_per_eni: t.ipv4_per_eni,
            hypervisor: match t.hypervisor.as_deref() {
                Some("nitro") => Hypervisor::Nitro,
                Some("xen") => Hypervisor::Xen,
                _ => Hypervisor::Unknown,
            },
            bare_metal: t.bare_metal,
            network_cards: t.network_cards,
            vcpus: t.vcpus,
            listed_max_pods: None,
        }))
    }
}

/// Run every rule; findings come back sorted by file, line and rule.
pub fn run(inv: &Inventory, settings: &Settings) -> Sink {
    let ctx = Ctx { inv, settings };
    let mut sink = Sink::default();
    for rule in RULES {
        if settings.disabled.contains(rule.meta.id) {
            continue;
        }
        (rule.check)(&ctx, &mut sink);
    }
    for f in sink.findings.iter_mut() {
        if let Some(s) = settings.severity.get(f.rule) {
            f.severity = *s;
        }
    }
    // Identifiers from Terraform carry their root module as a namespace; users know them by
    // their address, and the location names the file. When the file is outside that root module
    // (a module shared by several roots), the root module stays in front of the address.
    for f in sink.findings.iter_mut() {
        let file = eksdoctor_inventory::paths::normalize(
            &std::path::absolute(&*f.location.file)
                .unwrap_or_else(|_| std::path::PathBuf::from(&*f.location.file)),
        );
        let elsewhere = |ns: &str| {
            let root = std::path::Path::new(ns);
            let root = eksdoctor_inventory::paths::normalize(
                &std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
            );
            // A plan's or an eksctl file's namespace is the file itself: the name alone is
            // what users know (the finding's location, or the cluster's name, says the rest).
            !root.is_file() && file != root && !file.starts_with(&root)
        };
        f.message = eksdoctor_inventory::qualify_namespaces(&f.message, elsewhere);
        f.resource = eksdoctor_inventory::qualify_namespaces(&f.resource, elsewhere);
    }
    for u in sink.unknowns.iter_mut() {
        u.message = eksdoctor_inventory::strip_namespaces(&u.message);
    }
    // Names come from the input: nothing in them may rewrite a terminal or a report.
    sink.findings
        .iter_mut()
        .for_each(eksdoctor_findings::Finding::clean);
    sink.unknowns
        .iter_mut()
        .for_each(eksdoctor_findings::Unknown::clean);
    sink.findings
        .sort_by(|a, b| (&a.location, a.rule, &a.message).cmp(&(&b.location, b.rule, &b.message)));
    sink.findings
        .dedup_by(|a, b| a.location == b.location && a.rule == b.rule && a.message == b.message);
    apply_suppressions(inv, &mut sink);
    sink.suppressed
        .iter_mut()
        .for_each(eksdoctor_findings::Suppressed::clean);
    sink.unknowns
        .sort_by(|a, b| (&a.location, a.rule).cmp(&(&b.location, b.rule)));
    sink
}
