//! Rules about identities and their lifecycle: accounts without a person,
//! accounts without an owner, leavers, contractors past their end date,
//! joiners before their start date.

use std::collections::{HashMap, HashSet};

use aisf_core::finding::{Action, RuleId};
use aisf_core::policy::AccountType;
use aisf_core::props;
use rayon::prelude::*;

use super::context::{Ctx, DAY};
use super::{Hit, Remedy};
use crate::snapshot::{Direction, NodeId};

/// Enabled human accounts with no person, sorted by what their employee id
/// and email match: nothing to match on (orphan), no person (no HR record),
/// several persons (disputed), or exactly one (a correlation gap).
pub(super) fn uncorrelated(ctx: &Ctx<'_>, rules: &[RuleId]) -> Vec<Hit> {
    let keys = person_keys(ctx);
    ctx.accounts
        .clone()
        .into_par_iter()
        .filter(|&a| ctx.is_enabled(a) && ctx.account_type(a) == AccountType::Human)
        .filter(|&a| ctx.person_of(a).is_none())
        .filter_map(|a| {
            let (rule, text) = classify(ctx, &keys, a);
            if !rules.contains(&rule) {
                return None;
            }
            let account = ctx.id(a).to_string();
            let action = if rule == RuleId::OrphanAccount {
                Action::DisableAccount { account }
            } else {
                Action::CorrelateAccount { account }
            };
            let clause = "every human account belongs to one person".to_string();
            Some(Hit::new(rule, clause, text, Remedy::Fixed(action)).account(a))
        })
        .collect()
}

/// Persons by normalised email, and by employee id.
type PersonKeys = (HashMap<String, Vec<u32>>, HashMap<String, Vec<u32>>);

/// Which of the four uncorrelated-account rules an account falls under,
/// with the explanation.
fn classify(ctx: &Ctx<'_>, (by_email, by_employee): &PersonKeys, a: u32) -> (RuleId, String) {
    let email = ctx.text(a, props::EMAIL).map(|e| normal_email(&e)).filter(|e| !e.is_empty());
    let employee = ctx.text(a, props::EMPLOYEE_ID).map(|e| e.trim().to_string());
    let employee = employee.filter(|e| !e.is_empty());
    let by_mail: &[u32] = email.as_ref().and_then(|e| by_email.get(e)).map_or(&[], |v| v);
    let by_id: &[u32] = employee.as_ref().and_then(|e| by_employee.get(e)).map_or(&[], |v| v);
    let matched: HashSet<u32> = by_mail.iter().chain(by_id).copied().collect();

    let id = ctx.id(a);
    if email.is_none() && employee.is_none() {
        let t = format!(
            "{id} is enabled, belongs to no person and has neither an employee id nor an \
             email to match one on"
        );
        (RuleId::OrphanAccount, t)
    } else if matched.len() >= 2 {
        let t = format!(
            "{id} belongs to no person and matches {} persons, so whose it is cannot be told",
            matched.len()
        );
        (RuleId::DisputedAccount, t)
    } else if matched.is_empty() {
        let t =
            format!("{id} belongs to no person and its employee id or email matches no one in HR");
        (RuleId::NoHrRecord, t)
    } else {
        let t = format!("{id} matches one person in HR but is not linked to them");
        (RuleId::UncorrelatedAccount, t)
    }
}

fn person_keys(ctx: &Ctx<'_>) -> PersonKeys {
    let mut by_email: HashMap<String, Vec<u32>> = HashMap::new();
    let mut by_employee: HashMap<String, Vec<u32>> = HashMap::new();
    for p in ctx.persons.clone() {
        if let Some(e) = ctx.text(p, props::EMAIL) {
            by_email.entry(normal_email(&e)).or_default().push(p);
        }
        if let Some(e) = ctx.text(p, props::EMPLOYEE_ID) {
            by_employee.entry(e.trim().to_string()).or_default().push(p);
        }
    }
    (by_email, by_employee)
}

/// Emails match after trimming and ASCII lowercasing.
fn normal_email(e: &str) -> String {
    e.trim().to_ascii_lowercase()
}

/// Accounts of the types `[owners] require_owner_for` names, with no
/// `Owns` edge into them and no `[[owners.assign]]` entry.
pub(super) fn service_no_owner(ctx: &Ctx<'_>) -> Vec<Hit> {
    let owners = &ctx.policy.owners;
    ctx.accounts
        .clone()
        .into_par_iter()
        .filter_map(|a| {
            let kind = ctx.text(a, props::ACCOUNT_TYPE)?;
            let kind = AccountType::parse(kind.trim())?;
            if !owners.require_owner_for.contains(&kind) {
                return None;
            }
            let owned = !ctx
                .snap
                .neighbors(NodeId(a), &aisf_core::EdgeKind::Owns, Direction::In)
                .is_empty();
            let n = ctx.snap.node(NodeId(a));
            let assigned = owners
                .assign
                .iter()
                .any(|o| o.object.matches(n.id()) || n.name().is_some_and(|x| o.object.matches(x)));
            if owned || assigned {
                return None;
            }
            let text = format!(
                "{} is a {} account and nobody is named as its owner",
                n.id(),
                kind.as_str()
            );
            let clause = format!("owners.require_owner_for includes \"{}\"", kind.as_str());
            let action = Action::AssignOwner { account: n.id().to_string() };
            Some(Hit::new(RuleId::ServiceNoOwner, clause, text, Remedy::Fixed(action)).account(a))
        })
        .collect()
}

/// Enabled accounts of terminated persons whose end date is more than the
/// grace period ago (or unknown).
pub(super) fn leavers(ctx: &Ctx<'_>) -> Vec<Hit> {
    let grace = ctx.policy.thresholds.leaver_grace_days;
    ctx.persons
        .clone()
        .into_par_iter()
        .filter(|&p| ctx.text_is(p, props::STATUS, "terminated"))
        .flat_map_iter(|p| {
            let end = ctx.time(p, props::END_DATE);
            let past = end.is_none_or(|e| e < ctx.now - i64::from(grace) * DAY);
            let accounts: Vec<u32> =
                if past { ctx.enabled_accounts_of(p).collect() } else { Vec::new() };
            accounts.into_iter().map(move |a| {
                let id = ctx.id(a);
                let when = match end {
                    Some(e) => format!("left {} days ago", (ctx.now - e) / DAY),
                    None => "is terminated (no end date)".to_string(),
                };
                let text = format!("{} {when} and {id} is still enabled", ctx.id(p));
                let clause = format!("thresholds.leaver_grace_days = {grace}");
                let action = Action::DisableAccount { account: id.to_string() };
                Hit::new(RuleId::LeaverActive, clause, text, Remedy::Fixed(action))
                    .account(a)
                    .person(Some(p))
                    .target(evidence(ctx, a))
                    .since(end.map(|e| e + i64::from(grace) * DAY))
            })
        })
        .collect()
}

/// Enabled accounts of contractors still active in HR whose end date has
/// passed.
pub(super) fn contractors(ctx: &Ctx<'_>) -> Vec<Hit> {
    ctx.persons
        .clone()
        .into_par_iter()
        .filter(|&p| ctx.text_is(p, props::EMPLOYMENT_TYPE, "contractor"))
        .filter(|&p| !ctx.text_is(p, props::STATUS, "terminated"))
        .flat_map_iter(|p| {
            let end = ctx.time(p, props::END_DATE).filter(|&e| e < ctx.now);
            let accounts: Vec<u32> = match end {
                Some(_) => ctx.enabled_accounts_of(p).collect(),
                None => Vec::new(),
            };
            accounts.into_iter().map(move |a| {
                let id = ctx.id(a);
                let days = end.map_or(0, |e| (ctx.now - e) / DAY);
                let text = format!(
                    "the contract of {} ended {days} days ago and {id} is still enabled",
                    ctx.id(p)
                );
                let clause = "a contractor's access ends with the contract (end_date)".to_string();
                let action = Action::DisableAccount { account: id.to_string() };
                Hit::new(RuleId::ContractorPastEnd, clause, text, Remedy::Fixed(action))
                    .account(a)
                    .person(Some(p))
                    .target(evidence(ctx, a))
                    .since(end)
            })
        })
        .collect()
}

/// Enabled accounts with access of persons whose start date is still to
/// come.
pub(super) fn joiners(ctx: &Ctx<'_>) -> Vec<Hit> {
    ctx.persons
        .clone()
        .into_par_iter()
        .filter_map(|p| ctx.time(p, props::START_DATE).filter(|&s| s > ctx.now).map(|s| (p, s)))
        .flat_map_iter(|(p, start)| {
            let accounts: Vec<u32> =
                ctx.enabled_accounts_of(p).filter(|&a| ctx.all.count(NodeId(a)) > 0).collect();
            accounts.into_iter().map(move |a| {
                let id = ctx.id(a);
                let days = (start - ctx.now) / DAY;
                let ents = ctx.all.count(NodeId(a));
                let text = format!(
                    "{} starts in {days} days but {id} is enabled with {ents} entitlements",
                    ctx.id(p)
                );
                let clause = "no access before the start date (start_date)".to_string();
                let action = Action::DisableAccount { account: id.to_string() };
                let created = ctx.time(a, props::CREATED);
                Hit::new(RuleId::JoinerEarlyAccess, clause, text, Remedy::Fixed(action))
                    .account(a)
                    .person(Some(p))
                    .target(evidence(ctx, a))
                    .since(created)
            })
        })
        .collect()
}

/// Where an account's justification path should lead: the object that
/// makes it privileged, else one entitlement it holds.
fn evidence(ctx: &Ctx<'_>, account: u32) -> Option<u32> {
    ctx.privilege(account).map(|x| x.via).or_else(|| ctx.account_ents(account).min())
}
