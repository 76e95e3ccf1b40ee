//! Turning a rule's hit into a finding: exceptions, ids, the
//! justification path, the remediation, the risk score.

use std::collections::{HashMap, VecDeque};

use aisf_core::EdgeKind;
use aisf_core::finding::{Action, Finding, PathStep, RiskFactors, RuleId};

use super::context::{Ctx, DAY};
use super::{Hit, Remedy, risk};
use crate::snapshot::{Direction, NodeId};

/// Whether an active exception silences a hit: it is for the hit's person
/// or account, and names the hit's rule (with no entitlement, or one the
/// hit involves), or names no rule and an entitlement the hit involves.
/// Segregation of duties is waived only by an exception naming its rule.
pub(super) fn silenced(ctx: &Ctx<'_>, hit: &Hit) -> bool {
    let now = ctx.now_ts();
    let involves = |pattern: &str| {
        let set = ctx.matching(pattern);
        hit.entitlement.iter().chain(&hit.related).any(|e| set.contains(*e))
    };
    let person = hit.person.into_iter().flat_map(|p| ctx.exceptions_of(p));
    let account = hit.account.into_iter().flat_map(|a| ctx.exceptions_of(a));
    person.chain(account).any(|(_, x)| {
        x.is_active(now)
            && match (&x.rule, &x.entitlement) {
                (Some(r), None) => r == hit.rule.as_str(),
                (Some(r), Some(p)) => r == hit.rule.as_str() && involves(p.as_str()),
                (None, Some(p)) => hit.rule != RuleId::SodViolation && involves(p.as_str()),
                (None, None) => false,
            }
    })
}

/// The finding of a hit, with its path (when `paths`) and risk score.
pub(super) fn finding(ctx: &Ctx<'_>, hit: &Hit, paths: bool) -> Finding {
    let id = |v: Option<u32>| v.map(|v| ctx.id(v).to_string());
    let subject = hit.account.or(hit.person);
    let steps = match (paths, subject, hit.target) {
        (true, Some(s), Some(t)) => shortest_path(ctx, s, t),
        _ => Vec::new(),
    };
    let path: Vec<PathStep> = steps
        .iter()
        .map(|(v, kind)| PathStep {
            node: ctx.id(*v).to_string(),
            edge: kind.as_ref().map(|k| k.as_str().to_string()),
        })
        .collect();

    // The first membership, role or grant on the path is the one to cut
    // (after the step from a person to their account).
    let action = match &hit.action {
        Remedy::Fixed(a) => a.clone(),
        Remedy::CutPath(fallback) => {
            let first = steps
                .windows(2)
                .find(|w| w[1].1.as_ref().is_some_and(|k| *k != EdgeKind::Correlation));
            match first {
                Some([(holder, _), (held, Some(kind))]) => {
                    cut(ctx.id(*holder), kind, ctx.id(*held))
                }
                _ => fallback.clone(),
            }
        }
    };

    let system = hit
        .account
        .or(hit.entitlement)
        .and_then(|v| ctx.snap.node(NodeId(v)).system())
        .map(str::to_string);
    let severity = ctx
        .policy
        .rule_severity(hit.rule.as_str(), hit.severity.unwrap_or(hit.rule.default_severity()));

    let mut factors = factors(ctx, hit);
    let score = risk::score(&ctx.policy.risk, severity, &mut factors);
    Finding {
        rule: hit.rule,
        severity,
        risk: score,
        factors,
        person: id(hit.person),
        account: id(hit.account),
        entitlement: id(hit.entitlement),
        system,
        path,
        clause: hit.clause.clone(),
        first_seen: hit.first_seen,
        explanation: hit.explanation.clone(),
        action,
    }
}

/// A shortest path along access edges from `subject` to `target` (a
/// person's accounts one `correlation` step away), as nodes with the kind
/// of the edge that led to each; empty when there is none.
///
/// Breadth-first from the subject, so the cost is that of what the subject
/// reaches, not of who else reaches the target.
fn shortest_path(ctx: &Ctx<'_>, subject: u32, target: u32) -> Vec<(u32, Option<EdgeKind>)> {
    let snap = ctx.snap;
    let access = |k: u16| snap.manifest().edge_kinds.get(usize::from(k)).is_some_and(|i| i.access);
    let mut parent: HashMap<u32, (u32, EdgeKind)> = HashMap::new();
    let mut queue = VecDeque::from([subject]);
    let mut found = subject == target;

    'search: while let Some(v) = queue.pop_front() {
        let mut next: Vec<(u32, EdgeKind)> = snap
            .edges(NodeId(v), Direction::Out)
            .into_iter()
            .filter(|(k, _, _)| access(*k))
            .map(|(k, w, _)| (w.0, snap.edge_kind(k)))
            .collect();
        if v == subject && ctx.persons.contains(&v) {
            let accounts = ctx.accounts_of(v).iter().map(|&a| (a, EdgeKind::Correlation));
            next.splice(0..0, accounts);
        }
        for (w, kind) in next {
            if w == subject || parent.contains_key(&w) {
                continue;
            }
            parent.insert(w, (v, kind));
            if w == target {
                found = true;
                break 'search;
            }
            queue.push_back(w);
        }
    }
    if !found {
        return Vec::new();
    }

    let mut steps = vec![(target, None)];
    let mut at = target;
    while let Some((p, kind)) = parent.get(&at) {
        steps.last_mut().expect("steps is never empty").1 = Some(kind.clone());
        steps.push((*p, None));
        at = *p;
    }
    steps.reverse();
    steps
}

/// The action that removes one direct edge.
fn cut(holder: &str, kind: &EdgeKind, held: &str) -> Action {
    match kind {
        EdgeKind::HasRole => Action::RemoveRole { holder: holder.into(), role: held.into() },
        EdgeKind::Grant => Action::RevokeGrant { holder: holder.into(), entitlement: held.into() },
        _ => Action::RemoveMembership { member: holder.into(), group: held.into() },
    }
}

/// What the risk score of a hit is made of.
fn factors(ctx: &Ctx<'_>, hit: &Hit) -> RiskFactors {
    let tier = match (hit.rule, hit.account, hit.person) {
        (RuleId::TooManyAdmins, _, _) => Some(0),
        (_, Some(a), _) => ctx.privilege(a).map(|p| p.tier),
        (_, None, Some(p)) => ctx.person_privilege(p).map(|p| p.tier),
        _ => None,
    };
    let entitlements = match (hit.account, hit.person) {
        (Some(a), _) => ctx.all.count(NodeId(a)),
        (None, Some(p)) => ctx.person_ents(p).len(),
        _ => 0,
    };
    let days = hit
        .first_seen
        .filter(|&t| t <= ctx.now)
        .map(|t| u32::try_from((ctx.now - t) / DAY).unwrap_or(u32::MAX));
    RiskFactors {
        tier,
        no_mfa: hit.account.is_some_and(|a| !ctx.has_mfa(a)),
        external: ctx.is_external(hit.person, hit.account),
        tier0: tier == Some(0),
        days,
        entitlements,
        raw: 0.0,
    }
}
