//! Peer outliers: entitlements that few of a person's peers hold, for
//! persons the policy's business roles do not describe.

use std::collections::{BTreeMap, HashMap};

use aisf_core::finding::{Action, RuleId};
use aisf_core::props;
use rayon::prelude::*;

use super::context::Ctx;
use super::{Hit, Remedy};

/// Persons grouped by department and title; in each group of at least
/// `peer_min_group_size`, an entitlement held by at most
/// `peer_outlier_max_share` of the group is an outlier for the persons no
/// `[[role]]` describes who hold it.
pub(super) fn outliers(ctx: &Ctx<'_>) -> Vec<Hit> {
    let t = &ctx.policy.thresholds;
    let mut groups: BTreeMap<(String, String), Vec<u32>> = BTreeMap::new();
    for p in ctx.persons.clone() {
        let dept = ctx.text(p, props::DEPARTMENT).map(|d| d.trim().to_string());
        let title = ctx.text(p, props::TITLE).map(|d| d.trim().to_string());
        if let (Some(d), Some(t)) = (dept, title) {
            groups.entry((d, t)).or_default().push(p);
        }
    }
    let groups: Vec<((String, String), Vec<u32>)> = groups
        .into_iter()
        .filter(|(_, members)| members.len() >= t.peer_min_group_size as usize)
        .filter(|(_, members)| members.iter().any(|&p| !ctx.described(p)))
        .collect();

    groups
        .par_iter()
        .flat_map_iter(|((dept, title), members)| {
            let held: Vec<(u32, roaring::RoaringBitmap)> =
                members.iter().map(|&p| (p, ctx.person_ents(p))).collect();
            let mut count: HashMap<u32, usize> = HashMap::new();
            for (_, set) in &held {
                for e in set {
                    *count.entry(e).or_insert(0) += 1;
                }
            }
            let size = members.len();
            let rare = |e: u32| count[&e] as f64 / size as f64 <= t.peer_outlier_max_share;

            let mut out = Vec::new();
            for (p, set) in held.iter().filter(|(p, _)| !ctx.described(*p)) {
                for e in set.iter().filter(|&e| rare(e)) {
                    let (pid, ent) = (ctx.id(*p), ctx.id(e));
                    let text = format!(
                        "{pid} holds {ent}, which {} of {size} peers ({dept}, {title}) hold",
                        count[&e]
                    );
                    let clause =
                        format!("thresholds.peer_outlier_max_share = {}", t.peer_outlier_max_share);
                    let fallback = Action::AddOrRenewException {
                        person: pid.to_string(),
                        entitlement: Some(ent.to_string()),
                    };
                    let hit =
                        Hit::new(RuleId::PeerOutlier, clause, text, Remedy::CutPath(fallback))
                            .person(Some(*p))
                            .entitlement(e);
                    out.push(hit);
                }
            }
            out
        })
        .collect()
}
