//! Rules about what people hold: excess access, mover residue,
//! segregation of duties, expired exceptions.

use aisf_core::finding::{Action, RuleId};
use aisf_core::synth::{MOVED_AT, PREVIOUS_DEPARTMENT};
use rayon::prelude::*;
use roaring::RoaringBitmap;

use super::context::{Ctx, DAY};
use super::{Hit, Remedy};

/// Entitlements in a correlated account's effective access that are not in
/// its person's birthright, not in a mover's previous birthright (that is
/// `mover-residual`, or within grace), and not named by any exception for
/// the person or account, expired or not (expiry is `expired-exception`).
/// Disabled accounts count: they keep their memberships and can be enabled
/// again.
///
/// Without any `[[role]]` there is no birthright to compare with, and the
/// rule makes no finding (`peer-outlier` judges such organisations).
pub(super) fn excess(ctx: &Ctx<'_>) -> Vec<Hit> {
    if ctx.policy.roles.is_empty() {
        return Vec::new();
    }
    ctx.persons
        .clone()
        .into_par_iter()
        .filter(|&p| !ctx.accounts_of(p).is_empty())
        .flat_map_iter(|p| {
            let (now, before) = ctx.birthrights(p);
            let mut out = Vec::new();
            for &a in ctx.accounts_of(p) {
                let mut extra = ctx.account_ents(a) - now;
                if let Some(b) = before {
                    extra -= b;
                }
                for e in &extra {
                    if ctx.excepted(RuleId::ExcessAccess, Some(p), a, e) {
                        continue;
                    }
                    let (id, ent) = (ctx.id(a), ctx.id(e));
                    let text = format!(
                        "{id} holds {ent}, which is not in the birthright of {} and no \
                         exception covers",
                        ctx.id(p)
                    );
                    let clause = "[[role]] grants (birthright) and [[exception]]".to_string();
                    let fallback = Action::AddOrRenewException {
                        person: ctx.id(p).to_string(),
                        entitlement: Some(ent.to_string()),
                    };
                    let hit =
                        Hit::new(RuleId::ExcessAccess, clause, text, Remedy::CutPath(fallback))
                            .account(a)
                            .person(Some(p))
                            .entitlement(e);
                    out.push(hit);
                }
            }
            out
        })
        .collect()
}

/// Entitlements of a mover's previous birthright that the current one
/// lacks, still held more than the grace period after the move.
pub(super) fn movers(ctx: &Ctx<'_>) -> Vec<Hit> {
    let grace = ctx.policy.thresholds.mover_grace_days;
    ctx.persons
        .clone()
        .into_par_iter()
        .filter_map(|p| ctx.time(p, MOVED_AT).map(|at| (p, at)))
        .filter(|&(_, at)| ctx.now - at > i64::from(grace) * DAY)
        .flat_map_iter(|(p, at)| {
            let (now, before) = ctx.birthrights(p);
            let residual = match before {
                Some(b) => (ctx.person_ents(p) & b) - now,
                None => RoaringBitmap::new(),
            };
            let from = ctx.text(p, PREVIOUS_DEPARTMENT).unwrap_or_else(|| "another role".into());
            residual.into_iter().map(move |e| {
                let (pid, ent) = (ctx.id(p), ctx.id(e));
                let text = format!(
                    "{pid} moved from {from} {} days ago and still holds {ent}, which only the \
                     previous role brings",
                    (ctx.now - at) / DAY
                );
                let clause = format!("thresholds.mover_grace_days = {grace}");
                let fallback = Action::AddOrRenewException {
                    person: pid.to_string(),
                    entitlement: Some(ent.to_string()),
                };
                Hit::new(RuleId::MoverResidual, clause, text, Remedy::CutPath(fallback))
                    .person(Some(p))
                    .entitlement(e)
                    .since(Some(at + i64::from(grace) * DAY))
            })
        })
        .collect()
}

/// Persons whose effective access holds enough of one `[[sod]]` set.
/// Exceptions do not waive a violation unless they name `sod-violation`.
pub(super) fn sod(ctx: &Ctx<'_>) -> Vec<Hit> {
    if ctx.policy.sod.is_empty() {
        return Vec::new();
    }
    ctx.persons
        .clone()
        .into_par_iter()
        .flat_map_iter(|p| {
            let held = ctx.person_ents(p);
            let mut out = Vec::new();
            for rule in &ctx.policy.sod {
                let sides: Vec<RoaringBitmap> = rule
                    .entitlements
                    .iter()
                    .map(|pat| ctx.matching(pat.as_str()) & &held)
                    .collect();
                let count = sides.iter().filter(|s| !s.is_empty()).count();
                if count < rule.required() || count == 0 {
                    continue;
                }
                let conflict: RoaringBitmap = sides.iter().fold(RoaringBitmap::new(), |a, s| a | s);
                let related: Vec<u32> = conflict.iter().collect();
                // The side to cut: one outside the birthright, if any.
                let (birthright, _) = ctx.birthrights(p);
                let cut = (&conflict - birthright).max().or(conflict.max());
                let names: Vec<&str> = related.iter().map(|&e| ctx.id(e)).collect();
                let text = format!(
                    "{} holds {} together, which SoD rule \"{}\" forbids",
                    ctx.id(p),
                    names.join(" and "),
                    rule.name
                );
                let clause = format!("sod \"{}\"", rule.name);
                let fallback = Action::AddOrRenewException {
                    person: ctx.id(p).to_string(),
                    entitlement: None,
                };
                let mut hit =
                    Hit::new(RuleId::SodViolation, clause, text, Remedy::CutPath(fallback))
                        .person(Some(p))
                        .target(cut);
                hit.related = related;
                hit.severity = Some(rule.severity);
                out.push(hit);
            }
            out
        })
        .collect()
}

/// Expired exceptions whose subject still holds an entitlement they name.
pub(super) fn expired(ctx: &Ctx<'_>) -> Vec<Hit> {
    let now = ctx.now_ts();
    ctx.policy
        .exceptions
        .par_iter()
        .filter(|x| !x.is_active(now))
        .flat_map_iter(|x| {
            let mut out = Vec::new();
            let (Some(pattern), Some(subject)) = (&x.entitlement, ctx.subject_node(&x.subject))
            else {
                return out;
            };
            let (person, account, held) = if ctx.persons.contains(&subject) {
                (Some(subject), None, ctx.person_ents(subject))
            } else if ctx.accounts.contains(&subject) {
                (ctx.person_of(subject), Some(subject), ctx.account_ents(subject))
            } else {
                return out;
            };
            for e in held & ctx.matching(pattern.as_str()) {
                let ent = ctx.id(e);
                let text = format!(
                    "the exception for {} on {ent} expired on {} ({}) and the access remains",
                    x.subject.id(),
                    x.until,
                    x.reason
                );
                let clause = format!("exception for {} on {}", x.subject.id(), pattern.as_str());
                let action = Action::AddOrRenewException {
                    person: person.map_or(x.subject.id(), |p| ctx.id(p)).to_string(),
                    entitlement: Some(ent.to_string()),
                };
                let mut hit =
                    Hit::new(RuleId::ExpiredException, clause, text, Remedy::Fixed(action))
                        .person(person)
                        .entitlement(e)
                        .since(Some(x.until.seconds()));
                hit.account = account;
                out.push(hit);
            }
            out
        })
        .collect()
}
