//! `fargateProfiles`.

use super::{p, Doc};
use crate::ctx::FileCtx;
use eksdoctor_inventory::*;

/// Fargate profiles.
pub(super) fn read(ctx: &mut FileCtx, d: &Doc, inv: &mut Inventory) {
    let (root, w, id) = (d.root, d.w, &d.id);
    // Fargate profiles.
    for fp in ctx.seq(root, "fargateProfiles", w) {
        let Some(fname) = ctx.str(fp, "name", w) else {
            ctx.error(fp.line, "fargateProfiles entry without `name`");
            continue;
        };
        let mut selectors = Vec::new();
        for s in ctx.seq(fp, "selectors", w) {
            let Some(ns) = ctx.str(s, "namespace", w) else {
                ctx.error(
                    s.line,
                    format!("Fargate profile `{fname}` selector without `namespace`"),
                );
                continue;
            };
            selectors.push(FargateSelector {
                namespace: ns,
                labels: ctx.str_map(s, "labels", w),
                at: ctx.prov(s.line),
            });
        }
        let subnets = if fp.get("subnets").is_some() {
            let refs = ctx.str_list(fp, "subnets", w).into_iter().map(Id::global);
            Val::set(Some(refs.collect()), p(ctx, fp, "subnets"))
        } else {
            Val::defaulted(
                None,
                ctx.prov(fp.line),
                "eksctl default: the cluster's private subnets",
            )
        };
        inv.fargate_profiles.push(FargateProfile {
            cluster: id.clone(),
            name: fname,
            selectors,
            subnets,
            at: ctx.prov(fp.line),
        });
    }
}
