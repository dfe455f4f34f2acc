//! Claims and PersistentVolumes: the claim bound to each volume and the zone its node affinity pins it to (an EBS
//! volume lives in one availability zone; the CSI driver writes it as
//! `topology.ebs.csi.aws.com/zone`, the in-tree plugin as `topology.kubernetes.io/zone`).

use crate::ctx::FileCtx;
use eksdoctor_inventory::{Node, ObjectRef, PersistentVolume, Pvc, ZONE_KEYS};
use std::collections::BTreeMap;

/// A claim and the StorageClass it names (`storageClassName`, or the beta annotation).
pub(crate) fn read_pvc(
    ctx: &mut FileCtx,
    obj: ObjectRef,
    spec: Option<&Node>,
    annotations: &BTreeMap<String, String>,
    what: &str,
) -> Pvc {
    let storage_class = spec
        .and_then(|s| ctx.str(s, "storageClassName", what))
        .or_else(|| {
            annotations
                .get("volume.beta.kubernetes.io/storage-class")
                .cloned()
        });
    Pvc { obj, storage_class }
}

pub(crate) fn read_pv(
    ctx: &mut FileCtx,
    obj: ObjectRef,
    spec: Option<&Node>,
    what: &str,
) -> PersistentVolume {
    let claim = spec
        .and_then(|s| ctx.map(s, "claimRef", what))
        .and_then(|c| {
            let ns = ctx.str(c, "namespace", what)?;
            let name = ctx.str(c, "name", what)?;
            Some((ns, name))
        });
    let mut zones = Vec::new();
    let required = spec
        .and_then(|s| ctx.map(s, "nodeAffinity", what))
        .and_then(|a| ctx.map(a, "required", what));
    for term in required.map_or(&[][..], |r| ctx.seq(r, "nodeSelectorTerms", what)) {
        for e in ctx.seq(term, "matchExpressions", what) {
            let key = ctx.str(e, "key", what).unwrap_or_default();
            let op = ctx.str(e, "operator", what).unwrap_or_default();
            if op != "In" || !ZONE_KEYS.contains(&key.as_str()) {
                continue;
            }
            for v in ctx.seq(e, "values", what) {
                if let Some(z) = v.as_str().filter(|z| !zones.iter().any(|x| x == z)) {
                    zones.push(z.to_string());
                }
            }
        }
    }
    PersistentVolume { obj, claim, zones }
}
