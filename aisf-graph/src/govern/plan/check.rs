//! The what-if check of a plan: apply its changes to a copy of the graph,
//! scan again, compare.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use aisf_core::finding::{Action, RuleId};
use aisf_core::policy::Policy;
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value, props};
use roaring::RoaringBitmap;
use serde::Serialize;

use super::{FindingRef, Plan, StepKind, action_nodes};
use crate::build::{BuildOptions, build_bytes};
use crate::error::Error;
use crate::govern::context::Ctx;
use crate::govern::{Scan, ScanOptions, scan};
use crate::snapshot::{Direction, NodeId, Snapshot};

/// Access a business role expects a current person to hold that the plan
/// would take away.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LostAccess {
    /// The person.
    pub person: String,
    /// The entitlement.
    pub entitlement: String,
    /// The change steps that act on the person's accounts (or on the
    /// person), the likely cause; empty when the access was lost through a
    /// change elsewhere (a group's grant or nesting).
    pub steps: Vec<usize>,
}

/// What applying a plan's changes in memory showed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PlanCheck {
    /// Change steps applied.
    pub applied: usize,
    /// Findings the change steps claim to close.
    pub claimed: usize,
    /// Of those, how many no longer stand after the changes.
    pub closed: usize,
    /// Claimed findings that still stand after the changes, with the step
    /// that claimed each.
    pub not_closed: Vec<(usize, FindingRef)>,
    /// Findings left to review steps (not claimed: they need a decision).
    pub left_for_review: usize,
    /// Expected (birthright) access the changes would take away.
    pub expected_lost: Vec<LostAccess>,
    /// Findings that stand after the changes and did not before.
    pub new_findings: Vec<FindingRef>,
}

impl PlanCheck {
    /// True when every claimed finding closes, no expected access is lost
    /// and no new finding appears.
    pub fn ok(&self) -> bool {
        self.not_closed.is_empty() && self.expected_lost.is_empty() && self.new_findings.is_empty()
    }
}

/// Rules whose findings say the person should hold no access now: their
/// persons are left out of the expected-access comparison.
const NO_ACCESS_EXPECTED: [RuleId; 3] =
    [RuleId::LeaverActive, RuleId::ContractorPastEnd, RuleId::JoinerEarlyAccess];

/// HR statuses of persons who should hold no access.
const INACTIVE: [&str; 5] = ["terminated", "inactive", "leaver", "left", "suspended"];

/// Applies the plan's change steps to a copy of the snapshot's graph in
/// memory (removed memberships, roles and grants are left out; disabled
/// accounts get `enabled = false`; cleared flags become false), scans the
/// copy with the same time and rules, and compares.
///
/// A claimed finding is closed when no finding with the same rule,
/// person, account, entitlement and clause stands afterwards. Expected
/// access is each current person's birthright under `policy` (the access
/// their business roles bring) that they held before directly or through
/// an enabled account the plan does not disable (an account the plan
/// disables is one the policy says should not be in use: stale, orphaned,
/// a leaver's, so access through it is not expected); persons the scan
/// found to be leavers, contractors past their end date or joiners
/// before their start, and persons whose HR status is inactive, are
/// expected to hold nothing and are not compared.
///
/// # Errors
///
/// An [`Error`] if the changed graph cannot be built or read back (it
/// comes from a valid snapshot, so this means a bug rather than bad input).
pub fn check(
    snapshot: &Snapshot,
    policy: &Policy,
    scan_before: &Scan,
    plan: &Plan,
) -> Result<PlanCheck, Error> {
    let changes: Vec<&super::PlanStep> = plan.of_kind(StepKind::Change).collect();
    let graph = changed_graph(snapshot, changes.iter().map(|s| &s.action));
    let opts = BuildOptions { created: Some(snapshot.manifest().created), ..Default::default() };
    let (bytes, _) = build_bytes(&graph, &opts)?;
    let after_snap = Snapshot::from_bytes(&bytes)?;
    let scan_opts = ScanOptions {
        now: Some(scan_before.now),
        only: Some(scan_before.rules.clone()),
        ..Default::default()
    };
    let scan_after = scan(&after_snap, policy, &scan_opts);

    let after_refs: Vec<FindingRef> = scan_after.findings.iter().map(FindingRef::of).collect();
    let after_keys: HashSet<_> = after_refs.iter().map(|f| f.key()).collect();
    let mut out = PlanCheck { applied: changes.len(), ..PlanCheck::default() };
    for s in &changes {
        for f in &s.closes {
            out.claimed += 1;
            if after_keys.contains(&f.key()) {
                out.not_closed.push((s.number, f.clone()));
            } else {
                out.closed += 1;
            }
        }
    }
    out.left_for_review = plan.of_kind(StepKind::Review).map(|s| s.closes.len()).sum();

    let before_refs: Vec<FindingRef> = scan_before.findings.iter().map(FindingRef::of).collect();
    let before_keys: HashSet<_> = before_refs.iter().map(|f| f.key()).collect();
    out.new_findings =
        after_refs.iter().filter(|f| !before_keys.contains(&f.key())).cloned().collect();

    out.expected_lost = expected_lost(snapshot, &after_snap, policy, scan_before, plan);
    Ok(out)
}

/// The snapshot's graph with the actions applied.
fn changed_graph<'a>(snap: &Snapshot, actions: impl Iterator<Item = &'a Action>) -> Graph {
    // (src, dst) pairs whose edges of the given sort go.
    let mut cut: HashSet<(String, String, Cut)> = HashSet::new();
    let mut set_false: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in actions {
        match a {
            Action::DisableAccount { account } => {
                set_false.entry(account.clone()).or_default().push(props::ENABLED.into());
            }
            Action::ClearFlag { account, flag } => {
                set_false.entry(account.clone()).or_default().push(flag.clone());
            }
            Action::RemoveMembership { member, group } => {
                cut.insert((member.clone(), group.clone(), Cut::Membership));
            }
            Action::RemoveRole { holder, role } => {
                cut.insert((holder.clone(), role.clone(), Cut::Role));
            }
            Action::RevokeGrant { holder, entitlement } => {
                cut.insert((holder.clone(), entitlement.clone(), Cut::Grant));
            }
            _ => {}
        }
    }

    let mut g = Graph::new();
    for v in snap.node_ids() {
        let n = snap.node(v);
        let mut node = Node::new(n.id(), n.kind());
        node.name = n.name().map(str::to_string);
        node.system = n.system().map(str::to_string);
        node.props = n.props().into_iter().collect();
        if let Some(keys) = set_false.get(n.id()) {
            for k in keys {
                node.props.insert(k.clone(), Value::Bool(false));
            }
        }
        // Ids are unique in a snapshot, so this cannot fail.
        let _ = g.add_node(node);
    }
    for v in snap.node_ids() {
        let src = snap.node(v).id();
        for (k, w, e) in snap.edges(v, Direction::Out) {
            let kind = snap.edge_kind(k);
            let dst = snap.node(w).id();
            if let Some(sort) = Cut::of(&kind)
                && cut.contains(&(src.to_string(), dst.to_string(), sort))
            {
                continue;
            }
            let mut edge = Edge::new(kind, src, dst);
            if let Some(e) = e {
                edge.props = snap.edge_props(e).into_iter().collect();
            }
            g.add_edge(edge);
        }
    }
    g
}

/// Which edges an action removes: the sort `cut` in the scan's evidence
/// gives each edge kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Cut {
    Membership,
    Role,
    Grant,
}

impl Cut {
    fn of(kind: &EdgeKind) -> Option<Cut> {
        match kind {
            EdgeKind::HasRole => Some(Cut::Role),
            EdgeKind::Grant => Some(Cut::Grant),
            k if k.grants_access() => Some(Cut::Membership),
            _ => None,
        }
    }
}

/// Birthright access held before and not after, for current persons.
fn expected_lost(
    before: &Snapshot,
    after: &Snapshot,
    policy: &Policy,
    scan: &Scan,
    plan: &Plan,
) -> Vec<LostAccess> {
    let cb = Ctx::new(before, policy, scan.now);
    let ca = Ctx::new(after, policy, scan.now);
    let no_access: HashSet<&str> = scan
        .findings
        .iter()
        .filter(|f| NO_ACCESS_EXPECTED.contains(&f.rule))
        .filter_map(|f| f.person.as_deref())
        .collect();

    // Which change steps act on each node (account, member, holder), and
    // the accounts the plan disables.
    let mut steps_on: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    let mut disabled = RoaringBitmap::new();
    for s in plan.of_kind(StepKind::Change) {
        if let (Some(subject), _) = action_nodes(&s.action) {
            steps_on.entry(subject).or_default().insert(s.number);
        }
        if let Action::DisableAccount { account } = &s.action
            && let Some(a) = before.find(account)
        {
            disabled.insert(a.0);
        }
    }

    let mut out = Vec::new();
    for p in cb.persons.clone() {
        let pid = cb.id(p);
        if no_access.contains(pid) || INACTIVE.iter().any(|s| cb.text_is(p, props::STATUS, s)) {
            continue;
        }
        let (birthright, _) = cb.birthrights(p);
        if birthright.is_empty() {
            continue;
        }
        let held_before = held(&cb, p, &disabled) & birthright;
        if held_before.is_empty() {
            continue;
        }
        let Some(pa) = after.find(pid) else { continue };
        let held_after: HashSet<&str> =
            held(&ca, pa.0, &RoaringBitmap::new()).iter().map(|e| ca.id(e)).collect();
        let mut steps: BTreeSet<usize> = BTreeSet::new();
        for node in std::iter::once(p).chain(cb.accounts_of(p).iter().copied()) {
            steps.extend(steps_on.get(cb.id(node)).into_iter().flatten());
        }
        for e in &held_before {
            let ent = cb.id(e);
            if !held_after.contains(ent) {
                out.push(LostAccess {
                    person: pid.to_string(),
                    entitlement: ent.to_string(),
                    steps: steps.iter().copied().collect(),
                });
            }
        }
    }
    out.sort();
    out
}

/// The entitlements a person holds directly and through enabled accounts
/// other than `skip`.
fn held(ctx: &Ctx<'_>, person: u32, skip: &RoaringBitmap) -> RoaringBitmap {
    let mut out = ctx.snap.direct_closure(person);
    for a in ctx.enabled_accounts_of(person).filter(|a| !skip.contains(*a)) {
        if let Some(set) = ctx.all.get(NodeId(a)) {
            out |= set;
        }
    }
    let mut ents = RoaringBitmap::new();
    ents.insert_range(ctx.snap.kind_range(&NodeKind::Entitlement));
    out & ents
}
