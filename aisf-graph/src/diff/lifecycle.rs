//! Joiners, movers and leavers, matched with the access changes two
//! snapshots show.
//!
//! The events come from two HR states, as lists of person records: the
//! persons of two snapshots ([`hr_records`]) or two HR feeds. A person
//! missing from the earlier state is a joiner; a person whose `status`
//! becomes `terminated`, or who disappears from the later state, is a
//! leaver; a person whose `department` or `title` changes is a mover.
//!
//! Whether a mover still holds the access of their old department is
//! judged from their peers, since no policy is needed: an entitlement
//! belongs to a department when at least half of its persons hold it. A
//! mover's residual access is what they hold now that belongs to the old
//! department (as the old snapshot shows it) and not to the new one (as
//! the new snapshot shows it). This is a heuristic: entitlements that a
//! minority of the department holds (those of one title) are not counted.

use std::collections::{BTreeSet, HashMap};

use aisf_core::{Node, NodeKind, Value, props};
use rayon::prelude::*;
use roaring::RoaringBitmap;
use serde::Serialize;

use super::{AccessChange, DiffOptions, EntSpace, EntitlementChange, SnapshotDiff, find_kind};
use crate::query::AllAccess;
use crate::snapshot::{Direction, NodeId, Snapshot};

/// The `status` value of a person who has left.
const TERMINATED: &str = "terminated";

/// What kind of lifecycle event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LifecycleKind {
    /// A person new to HR (or back after having left).
    Joiner,
    /// A person whose department or title changed.
    Mover,
    /// A person now terminated, or gone from HR.
    Leaver,
}

impl LifecycleKind {
    /// The kind's name: `joiner`, `mover` or `leaver`.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleKind::Joiner => "joiner",
            LifecycleKind::Mover => "mover",
            LifecycleKind::Leaver => "leaver",
        }
    }
}

/// What HR says about a person at one time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HrState {
    /// `status` (`active`, `terminated`...).
    pub status: Option<String>,
    /// `department`.
    pub department: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `end_date`, in seconds since the Unix epoch.
    pub end_date: Option<i64>,
}

impl HrState {
    /// The state a person record holds.
    pub fn of(node: &Node) -> HrState {
        let text = |k: &str| node.prop(k).and_then(Value::as_str).map(str::to_string);
        HrState {
            status: text(props::STATUS),
            department: text(props::DEPARTMENT),
            title: text(props::TITLE),
            end_date: node.prop(props::END_DATE).and_then(Value::as_i64),
        }
    }

    fn terminated(&self) -> bool {
        self.status.as_deref() == Some(TERMINATED)
    }
}

/// One joiner, mover or leaver, with the access changes observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LifecycleEvent {
    /// Joiner, mover or leaver.
    pub kind: LifecycleKind,
    /// The person id.
    pub person: String,
    /// The person's display name, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HR before (`None` for a joiner new to HR).
    pub before: Option<HrState>,
    /// HR after (`None` for a leaver gone from HR).
    pub after: Option<HrState>,
    /// Entitlements the person gained between the snapshots.
    pub gained: Vec<EntitlementChange>,
    /// Entitlements the person lost between the snapshots.
    pub lost: Vec<EntitlementChange>,
    /// Access that should have gone and is still held: for a mover, what
    /// belongs to the old department only; for a leaver, everything.
    pub residual: Vec<EntitlementChange>,
    /// For a leaver, the accounts still enabled in the new snapshot.
    pub enabled_accounts: Vec<String>,
    /// Whether someone should look: a joiner with privileged access, a
    /// mover with residual access or new privileged access, a leaver with
    /// an enabled account or residual access.
    pub attention: bool,
    /// What happened, in plain words.
    pub note: String,
}

/// The persons of a snapshot as HR records: id, name, system and every
/// property.
pub fn hr_records(snap: &Snapshot) -> Vec<Node> {
    snap.kind_range(&NodeKind::Person)
        .into_par_iter()
        .map(|v| {
            let n = snap.node(NodeId(v));
            let mut node = Node::new(n.id(), NodeKind::Person);
            node.name = n.name().map(str::to_string);
            node.system = n.system().map(str::to_string);
            node.props = n.props().into_iter().collect();
            node
        })
        .collect()
}

/// Joiners, movers and leavers between two HR states, each with the
/// access changes `diff` (of `old` and `new`) observed for the person.
///
/// `before` and `after` are person records, matched by id. Events come
/// sorted: those needing attention first, then by kind and person id.
///
/// ```
/// use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};
/// use aisf_graph::diff::{DiffOptions, LifecycleKind, diff, hr_records, lifecycle};
/// use aisf_graph::{BuildOptions, Snapshot, build_bytes};
///
/// let mut g = Graph::new();
/// g.add_node(Node::new("p:bo", NodeKind::Person).with_prop("status", "active")).unwrap();
/// g.add_node(Node::new("ad:bo", NodeKind::Account)).unwrap();
/// g.add_node(Node::new("erp:pay", NodeKind::Entitlement)).unwrap();
/// g.add_edge(Edge::new(EdgeKind::Correlation, "ad:bo", "p:bo"));
/// g.add_edge(Edge::new(EdgeKind::Grant, "ad:bo", "erp:pay"));
/// let (before, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
///
/// // Bo leaves; nobody disables the account.
/// g.node_mut("p:bo").unwrap().props.insert("status".into(), "terminated".into());
/// let (after, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
///
/// let old = Snapshot::from_bytes(&before).unwrap();
/// let new = Snapshot::from_bytes(&after).unwrap();
/// let opts = DiffOptions::default();
/// let d = diff(&old, &new, &opts);
/// let events = lifecycle(&hr_records(&old), &hr_records(&new), &old, &new, &opts, &d);
/// assert_eq!(events[0].kind, LifecycleKind::Leaver);
/// assert_eq!(events[0].enabled_accounts, ["ad:bo"]);
/// assert!(events[0].attention);
/// ```
pub fn lifecycle(
    before: &[Node],
    after: &[Node],
    old: &Snapshot,
    new: &Snapshot,
    opts: &DiffOptions,
    diff: &SnapshotDiff,
) -> Vec<LifecycleEvent> {
    let was: HashMap<&str, &Node> = before.iter().map(|n| (n.id.as_str(), n)).collect();
    let is: HashMap<&str, &Node> = after.iter().map(|n| (n.id.as_str(), n)).collect();

    // Which people changed, and how, from HR alone.
    let mut found: Vec<(LifecycleKind, &str, Option<HrState>, Option<HrState>)> = Vec::new();
    for n in after {
        let now = HrState::of(n);
        let then = was.get(n.id.as_str()).map(|p| HrState::of(p));
        if let Some(kind) = change(then.as_ref(), &now) {
            found.push((kind, &n.id, then, Some(now)));
        }
    }
    for n in before.iter().filter(|n| !is.contains_key(n.id.as_str())) {
        let then = HrState::of(n);
        if !then.terminated() {
            found.push((LifecycleKind::Leaver, &n.id, Some(then), None));
        }
    }
    if found.is_empty() {
        return Vec::new();
    }

    // The access of both sides, and the departments movers left and
    // joined, in one numbering of entitlements.
    let space = EntSpace::new(old, new, opts);
    let (all_old, all_new) = rayon::join(|| old.access_all(), || new.access_all());
    let depts = |side: bool| -> BTreeSet<String> {
        found
            .iter()
            .filter(|e| e.0 == LifecycleKind::Mover)
            .filter_map(|e| if side { &e.3 } else { &e.2 }.as_ref()?.department.clone())
            .collect()
    };
    let (old_depts, new_depts) = (depts(false), depts(true));
    let old_typical = typical(old, &all_old, &old_depts, |s| space.old_set(s));
    let new_typical = typical(new, &all_new, &new_depts, |s| space.new_set(s));

    let changes = diff.persons.iter().map(|c| (c.subject.as_str(), c)).collect();
    let ctx = Ctx { old, new, all_new: &all_new, space: &space, old_typical, new_typical, changes };
    let mut events: Vec<LifecycleEvent> = found
        .into_par_iter()
        .map(|(kind, id, then, now)| {
            let name = is.get(id).or_else(|| was.get(id)).and_then(|n| n.name.clone());
            ctx.event(kind, id, name, then, now)
        })
        .collect();
    events.sort_by(|a, b| {
        b.attention
            .cmp(&a.attention)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.person.cmp(&b.person))
    });
    events
}

/// The event a person's HR record makes, from its earlier state (`None`
/// when HR did not know the person) to its later one.
fn change(then: Option<&HrState>, now: &HrState) -> Option<LifecycleKind> {
    let Some(then) = then else {
        return (!now.terminated()).then_some(LifecycleKind::Joiner);
    };
    match (then.terminated(), now.terminated()) {
        (true, false) => Some(LifecycleKind::Joiner),
        (false, true) => Some(LifecycleKind::Leaver),
        (true, true) => None,
        (false, false) => (then.department != now.department || then.title != now.title)
            .then_some(LifecycleKind::Mover),
    }
}

/// The entitlements held by at least half of each wanted department's
/// persons, in the shared numbering.
fn typical(
    snap: &Snapshot,
    all: &AllAccess<'_>,
    depts: &BTreeSet<String>,
    map: impl Fn(&RoaringBitmap) -> RoaringBitmap + Sync,
) -> HashMap<String, RoaringBitmap> {
    let mut persons = RoaringBitmap::new();
    persons.insert_range(snap.kind_range(&NodeKind::Person));
    depts
        .iter()
        .map(|d| {
            let members: Vec<u32> =
                (snap.nodes_with_str(props::DEPARTMENT, d) & &persons).iter().collect();
            let counts = members
                .par_iter()
                .fold(HashMap::new, |mut acc: HashMap<u32, usize>, &p| {
                    for e in &map(&all.person(NodeId(p))) {
                        *acc.entry(e).or_default() += 1;
                    }
                    acc
                })
                .reduce(HashMap::new, |mut a, b| {
                    for (e, c) in b {
                        *a.entry(e).or_default() += c;
                    }
                    a
                });
            let mut out: Vec<u32> = counts
                .into_iter()
                .filter(|&(_, c)| 2 * c >= members.len())
                .map(|(e, _)| e)
                .collect();
            out.sort_unstable();
            (d.clone(), RoaringBitmap::from_sorted_iter(out).unwrap_or_default())
        })
        .collect()
}

/// What every event reads.
struct Ctx<'a, 's> {
    old: &'s Snapshot,
    new: &'s Snapshot,
    all_new: &'a AllAccess<'s>,
    space: &'a EntSpace,
    old_typical: HashMap<String, RoaringBitmap>,
    new_typical: HashMap<String, RoaringBitmap>,
    /// The access changes of persons, by id.
    changes: HashMap<&'a str, &'a AccessChange>,
}

impl Ctx<'_, '_> {
    fn event(
        &self,
        kind: LifecycleKind,
        id: &str,
        name: Option<String>,
        before: Option<HrState>,
        after: Option<HrState>,
    ) -> LifecycleEvent {
        let change = self.changes.get(id);
        let gained = change.map(|c| c.gained.clone()).unwrap_or_default();
        let lost = change.map(|c| c.lost.clone()).unwrap_or_default();
        let person = find_kind(self.new, id, &NodeKind::Person);
        let holds = person.map(|p| self.space.new_set(&self.all_new.person(p))).unwrap_or_default();

        let (residual, enabled_accounts) = match kind {
            LifecycleKind::Joiner => (RoaringBitmap::new(), Vec::new()),
            LifecycleKind::Mover => {
                let dept = |s: &Option<HrState>| s.as_ref().and_then(|s| s.department.clone());
                let from = dept(&before).and_then(|d| self.old_typical.get(&d));
                let to = dept(&after).and_then(|d| self.new_typical.get(&d));
                let mut left = from.cloned().unwrap_or_default();
                if let Some(to) = to {
                    left -= to;
                }
                (left & &holds, Vec::new())
            }
            LifecycleKind::Leaver => {
                (holds.clone(), person.map(|p| self.enabled(p)).unwrap_or_default())
            }
        };
        let residual = self.space.list(self.old, self.new, &residual);

        let privileged = gained.iter().filter(|e| e.privileged).count()
            + change.map_or(0, |c| c.privileged_gained.len());
        let attention = match kind {
            LifecycleKind::Joiner => privileged > 0,
            LifecycleKind::Mover => !residual.is_empty() || privileged > 0,
            LifecycleKind::Leaver => !residual.is_empty() || !enabled_accounts.is_empty(),
        };
        let mut note = note(
            kind,
            &before,
            &after,
            &gained,
            &lost,
            &residual,
            &enabled_accounts,
            person.is_some(),
        );
        // Privilege that arrives through a group or role, not an entitlement.
        if let Some(c) = change.filter(|c| !c.privileged_gained.is_empty()) {
            let ids: Vec<&str> = c.privileged_gained.iter().map(|e| e.id.as_str()).collect();
            note.push_str(&format!("; now reaches privileged {}", ids.join(", ")));
        }
        LifecycleEvent {
            kind,
            person: id.to_string(),
            name,
            before,
            after,
            gained,
            lost,
            residual,
            enabled_accounts,
            attention,
            note,
        }
    }

    /// The accounts of a person in the new snapshot whose `enabled` is not
    /// false.
    fn enabled(&self, person: NodeId) -> Vec<String> {
        let mut out: Vec<String> = self
            .new
            .neighbors(person, &aisf_core::EdgeKind::Correlation, Direction::In)
            .iter()
            .map(|&a| self.new.node(NodeId(a)))
            .filter(|a| a.prop(props::ENABLED).and_then(|v| v.as_bool()) != Some(false))
            .map(|a| a.id().to_string())
            .collect();
        out.sort_unstable();
        out
    }
}

/// "3 entitlements (1 privileged)".
fn count(list: &[EntitlementChange]) -> String {
    let p = list.iter().filter(|e| e.privileged).count();
    let noun = if list.len() == 1 { "entitlement" } else { "entitlements" };
    match p {
        0 => format!("{} {noun}", list.len()),
        _ => format!("{} {noun} ({p} privileged)", list.len()),
    }
}

#[expect(clippy::too_many_arguments, reason = "one sentence reads every part of the event")]
fn note(
    kind: LifecycleKind,
    before: &Option<HrState>,
    after: &Option<HrState>,
    gained: &[EntitlementChange],
    lost: &[EntitlementChange],
    residual: &[EntitlementChange],
    enabled: &[String],
    in_new: bool,
) -> String {
    let place = |s: &Option<HrState>| {
        let s = s.clone().unwrap_or_default();
        format!(
            "{} / {}",
            s.department.as_deref().unwrap_or("no department"),
            s.title.as_deref().unwrap_or("no title")
        )
    };
    match kind {
        LifecycleKind::Joiner if gained.is_empty() => {
            format!("joined as {}; no access granted yet", place(after))
        }
        LifecycleKind::Joiner => format!("joined as {}; gained {}", place(after), count(gained)),
        LifecycleKind::Mover => {
            let moved = format!("moved from {} to {}", place(before), place(after));
            let flow = format!("gained {}, lost {}", count(gained), count(lost));
            if residual.is_empty() {
                format!("{moved}; {flow}; no access of the old department remains")
            } else {
                format!("{moved}; {flow}; still holds {} of the old department", count(residual))
            }
        }
        LifecycleKind::Leaver => {
            let left = match after {
                Some(_) => "terminated".to_string(),
                None => "gone from HR".to_string(),
            };
            if !in_new {
                return format!("{left}; no longer in the new snapshot");
            }
            match (enabled.len(), residual.is_empty()) {
                (0, true) => format!("{left}; every account disabled and no access remains"),
                (0, false) => {
                    format!("{left}; every account disabled, yet still holds {}", count(residual))
                }
                (n, _) => format!(
                    "{left}; {n} account{} still enabled ({}), still holds {}",
                    if n == 1 { "" } else { "s" },
                    enabled.join(", "),
                    count(residual)
                ),
            }
        }
    }
}
