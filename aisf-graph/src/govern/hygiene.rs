//! Account hygiene: staleness, MFA and directory flags on privileged
//! accounts, direct grants, the number of tier-0 administrators.

use std::collections::BTreeSet;

use aisf_core::finding::{Action, RuleId};
use aisf_core::{EdgeKind, props};
use rayon::prelude::*;

use super::context::{Ctx, DAY};
use super::{Hit, Remedy};
use crate::snapshot::{Direction, NodeId};

/// Enabled accounts whose last login (or, never used, their creation) is
/// older than the staleness limit: `stale-privileged` for accounts that
/// reach a privileged object, `stale-account` for the others.
pub(super) fn stale(ctx: &Ctx<'_>, rules: &[RuleId]) -> Vec<Hit> {
    let t = &ctx.policy.thresholds;
    ctx.accounts
        .clone()
        .into_par_iter()
        .filter(|&a| ctx.is_enabled(a))
        .filter_map(|a| {
            let privilege = ctx.privilege(a);
            let rule =
                if privilege.is_some() { RuleId::StalePrivileged } else { RuleId::StaleAccount };
            if !rules.contains(&rule) {
                return None;
            }
            let login = ctx.time(a, props::LAST_LOGIN);
            let last = login.or_else(|| ctx.time(a, props::CREATED))?;
            let kind = ctx.account_type(a);
            let limit = t.stale_days_for(Some(kind), privilege.map(|p| p.tier));
            if ctx.now - last <= i64::from(limit) * DAY {
                return None;
            }

            let id = ctx.id(a);
            let days = (ctx.now - last) / DAY;
            let what =
                if login.is_some() { "last logged in" } else { "was created and never used" };
            let text = match privilege {
                Some(p) => format!(
                    "{id} reaches tier {} through {} and {what} {days} days ago (limit {limit})",
                    p.tier,
                    ctx.id(p.via)
                ),
                None => format!("{id} {what} {days} days ago (limit {limit})"),
            };
            let clause = match privilege {
                Some(p) if t.stale_days_tier[usize::from(p.tier.min(3))].is_some() => {
                    format!("thresholds.stale_days_tier.{} = {limit}", p.tier)
                }
                Some(_) => format!("thresholds.stale_days_privileged = {limit}"),
                None => format!("thresholds.stale_days = {limit}"),
            };
            let action = Action::DisableAccount { account: id.to_string() };
            let hit = Hit::new(rule, clause, text, Remedy::Fixed(action))
                .account(a)
                .person(ctx.person_of(a))
                .target(privilege.map(|p| p.via))
                .since(Some(last + i64::from(limit) * DAY));
            Some(hit)
        })
        .collect()
}

/// Enabled privileged accounts whose `mfa` is not true.
pub(super) fn no_mfa(ctx: &Ctx<'_>) -> Vec<Hit> {
    ctx.accounts
        .clone()
        .into_par_iter()
        .filter(|&a| ctx.is_enabled(a) && !ctx.has_mfa(a))
        .filter_map(|a| {
            let p = ctx.privilege(a)?;
            let id = ctx.id(a);
            let text = format!(
                "{id} reaches tier {} through {} without multi-factor authentication",
                p.tier,
                ctx.id(p.via)
            );
            let clause = "privileged accounts use multi-factor authentication".to_string();
            let action = Action::EnableMfa { account: id.to_string() };
            let hit = Hit::new(RuleId::PrivilegedNoMfa, clause, text, Remedy::Fixed(action))
                .account(a)
                .person(ctx.person_of(a))
                .target(Some(p.via));
            Some(hit)
        })
        .collect()
}

/// Privileged accounts with a risky directory flag set.
pub(super) fn ad_flags(ctx: &Ctx<'_>, rule: RuleId) -> Vec<Hit> {
    let (flag, risk) = match rule {
        RuleId::PrivilegedPwdNeverExpires => {
            (props::PASSWORD_NEVER_EXPIRES, "its password never expires")
        }
        RuleId::PrivilegedKerberoastable => (
            props::HAS_SPN,
            "it has a service principal name, so anyone in the domain can request a ticket \
             and crack its password offline",
        ),
        _ => (
            props::DONT_REQ_PREAUTH,
            "it does not require Kerberos pre-authentication, so its password can be cracked \
             offline",
        ),
    };
    let flagged = ctx.snap.nodes_with_bool(flag, true);
    let accounts: Vec<u32> = flagged.iter().filter(|v| ctx.accounts.contains(v)).collect();
    accounts
        .into_par_iter()
        .filter_map(|a| {
            let p = ctx.privilege(a)?;
            let id = ctx.id(a);
            let text = format!("{id} reaches tier {} through {} and {risk}", p.tier, ctx.id(p.via));
            let clause = format!("privileged accounts must not have {flag} set");
            let action = Action::ClearFlag { account: id.to_string(), flag: flag.to_string() };
            let hit = Hit::new(rule, clause, text, Remedy::Fixed(action))
                .account(a)
                .person(ctx.person_of(a))
                .target(Some(p.via));
            Some(hit)
        })
        .collect()
}

/// `Grant` edges from an account straight to an entitlement.
pub(super) fn direct_grants(ctx: &Ctx<'_>) -> Vec<Hit> {
    ctx.accounts
        .clone()
        .into_par_iter()
        .flat_map_iter(|a| {
            let mut to = ctx.snap.neighbors(NodeId(a), &EdgeKind::Grant, Direction::Out).to_vec();
            // The same grant may come twice from the sources: one finding.
            to.sort_unstable();
            to.dedup();
            to.into_iter().filter(|e| ctx.ents.contains(e)).map(move |e| {
                let (id, ent) = (ctx.id(a), ctx.id(e));
                let text = format!("{ent} is granted to {id} itself, outside any group or role");
                let clause = "access is granted through groups and roles".to_string();
                let action =
                    Action::RevokeGrant { holder: id.to_string(), entitlement: ent.to_string() };
                Hit::new(RuleId::DirectGrant, clause, text, Remedy::Fixed(action))
                    .account(a)
                    .person(ctx.person_of(a))
                    .entitlement(e)
            })
        })
        .collect()
}

/// More holders of tier-0 access than `max_admins`: each person with an
/// enabled tier-0 account counts once, each enabled tier-0 account with no
/// person counts once.
pub(super) fn too_many_admins(ctx: &Ctx<'_>) -> Vec<Hit> {
    let max = ctx.policy.thresholds.max_admins;
    let mut holders: BTreeSet<u32> = BTreeSet::new();
    for a in ctx.accounts.clone() {
        if ctx.is_enabled(a) && ctx.privilege(a).is_some_and(|p| p.tier == 0) {
            holders.insert(ctx.person_of(a).unwrap_or(a));
        }
    }
    let count = holders.len() as u32;
    if count <= max {
        return Vec::new();
    }
    let names: Vec<&str> = holders.iter().take(10).map(|&v| ctx.id(v)).collect();
    let more = if holders.len() > 10 { ", ..." } else { "" };
    let text = format!(
        "{count} identities hold tier-0 access, at most {max} allowed: {}{more}",
        names.join(", ")
    );
    let clause = format!("thresholds.max_admins = {max}");
    let action = Action::ReduceAdmins { count, max };
    vec![Hit::new(RuleId::TooManyAdmins, clause, text, Remedy::Fixed(action))]
}
