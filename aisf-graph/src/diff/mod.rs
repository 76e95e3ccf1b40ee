//! Drift over time: what changed between two snapshots of one
//! organisation.
//!
//! [`diff`] compares an older and a newer snapshot and reports:
//!
//! - persons, accounts, groups, roles and entitlements added and removed;
//! - for every person and every account, the entitlements of its
//!   effective access gained and lost, privileged ones first, and the
//!   privileged groups and roles it newly reaches or no longer reaches;
//! - membership, role, grant and correlation edges added and removed;
//! - changes to the person properties lifecycle depends on (`status`,
//!   `department`, `title`, `end_date`) and to accounts' `enabled`.
//!
//! Node numbers are private to a snapshot, so everything is matched by
//! the source id. A person or account present on one side only counts as
//! holding nothing on the other: a new joiner "gains" all their access, a
//! deleted account "loses" all of its.
//!
//! [`lifecycle`] then reads two HR states (the persons of the two
//! snapshots, through [`hr_records`], or two HR feeds) and matches each
//! joiner, mover and leaver with the access changes the diff observed.
//!
//! Privilege is read from [`DiffOptions`]: ids named there, the privileged
//! rules of a policy, and nodes whose `privileged` property is true.
//!
//! # Known shortcomings
//!
//! - The privilege test is this module's own, written to the same rules
//!   as the governance scan's (`govern` keeps its version private): both
//!   read [`Policy::tier_of`] and the `privileged` and `tier` properties,
//!   but a marked node without a `tier` has no tier here where the scan
//!   gives it tier 1.
//! - Resources, and nodes of kinds other than persons, accounts, groups,
//!   roles and entitlements, are not listed as added or removed, and
//!   access to resources is not compared.
//! - [`lifecycle`] computes the effective access of both snapshots again
//!   rather than sharing the diff's.
//!
//! ```
//! use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};
//! use aisf_graph::diff::{DiffOptions, diff};
//! use aisf_graph::{BuildOptions, Snapshot, build_bytes};
//!
//! let mut g = Graph::new();
//! g.add_node(Node::new("p:ann", NodeKind::Person)).unwrap();
//! g.add_node(Node::new("ad:ann", NodeKind::Account)).unwrap();
//! g.add_node(Node::new("ad:finance", NodeKind::Group)).unwrap();
//! g.add_node(Node::new("erp:pay", NodeKind::Entitlement)).unwrap();
//! g.add_edge(Edge::new(EdgeKind::Correlation, "ad:ann", "p:ann"));
//! g.add_edge(Edge::new(EdgeKind::Grant, "ad:finance", "erp:pay"));
//! let (before, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
//!
//! g.add_edge(Edge::new(EdgeKind::MemberOf, "ad:ann", "ad:finance"));
//! let (after, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
//!
//! let old = Snapshot::from_bytes(&before).unwrap();
//! let new = Snapshot::from_bytes(&after).unwrap();
//! let d = diff(&old, &new, &DiffOptions::default());
//! assert_eq!(d.persons[0].subject, "p:ann");
//! assert_eq!(d.persons[0].gained[0].id, "erp:pay");
//! assert_eq!(d.edges.added.len(), 1);
//! assert!(diff(&new, &new, &DiffOptions::default()).is_empty());
//! ```

mod lifecycle;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use aisf_core::policy::Policy;
use aisf_core::{EdgeKind, NodeKind, Value, props};
use rayon::prelude::*;
use roaring::RoaringBitmap;
use serde::Serialize;

use crate::format::NONE;
use crate::govern::with_target;
use crate::query::AllAccess;
use crate::snapshot::{Direction, NodeId, Snapshot};

pub use lifecycle::{HrState, LifecycleEvent, LifecycleKind, hr_records, lifecycle};

/// The person properties compared by default.
pub const PERSON_PROPS: [&str; 4] =
    [props::STATUS, props::DEPARTMENT, props::TITLE, props::END_DATE];

/// The account properties compared by default.
pub const ACCOUNT_PROPS: [&str; 1] = [props::ENABLED];

/// How to compare two snapshots.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffOptions {
    /// Entitlement, group or role ids to treat as privileged, whatever the
    /// policy says.
    pub privileged: BTreeSet<String>,
    /// A policy whose privileged rules in force
    /// ([`Policy::privileged_rules`]) mark entitlements privileged, with
    /// their tier. Without one only [`DiffOptions::privileged`] and the
    /// entitlements' own `privileged` property count.
    pub policy: Option<Policy>,
    /// The person properties whose changes are reported.
    pub person_props: Vec<String>,
    /// The account properties whose changes are reported.
    pub account_props: Vec<String>,
}

impl Default for DiffOptions {
    fn default() -> DiffOptions {
        DiffOptions {
            privileged: BTreeSet::new(),
            policy: None,
            person_props: PERSON_PROPS.iter().map(|s| s.to_string()).collect(),
            account_props: ACCOUNT_PROPS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Ids present on one side only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IdChanges {
    /// In the new snapshot only, sorted.
    pub added: Vec<String>,
    /// In the old snapshot only, sorted.
    pub removed: Vec<String>,
}

impl IdChanges {
    /// Whether nothing was added or removed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// The nodes added and removed, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NodeChanges {
    /// Persons.
    pub persons: IdChanges,
    /// Accounts.
    pub accounts: IdChanges,
    /// Groups.
    pub groups: IdChanges,
    /// Roles.
    pub roles: IdChanges,
    /// Entitlements.
    pub entitlements: IdChanges,
}

impl NodeChanges {
    /// Whether no node was added or removed.
    pub fn is_empty(&self) -> bool {
        [&self.persons, &self.accounts, &self.groups, &self.roles, &self.entitlements]
            .iter()
            .all(|c| c.is_empty())
    }
}

/// One entitlement gained or lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntitlementChange {
    /// The entitlement id.
    pub id: String,
    /// Whether it is privileged (by the ids given, the policy or its own
    /// `privileged` property).
    pub privileged: bool,
    /// Its tier, when the policy or the node gives one (0 is the most
    /// privileged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
}

/// The effective access one person or account gained and lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessChange {
    /// The person or account id.
    pub subject: String,
    /// Its display name, from the new snapshot (the old one if it is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Reached in the new snapshot and not in the old; privileged first
    /// (lowest tier first), then by id.
    pub gained: Vec<EntitlementChange>,
    /// Reached in the old snapshot and not in the new; same order.
    pub lost: Vec<EntitlementChange>,
    /// Privileged groups and roles (marked by the ids given, the policy or
    /// their `privileged` property) reached in the new snapshot and not in
    /// the old: directory data often carries privilege on groups, with no
    /// entitlement behind them. Lowest tier first.
    pub privileged_gained: Vec<EntitlementChange>,
    /// Privileged groups and roles reached in the old snapshot only.
    pub privileged_lost: Vec<EntitlementChange>,
}

impl AccessChange {
    /// How many privileged entitlements, groups and roles were gained or
    /// lost.
    pub fn privileged_count(&self) -> usize {
        let ents = self.gained.iter().chain(&self.lost).filter(|e| e.privileged).count();
        ents + self.privileged_gained.len() + self.privileged_lost.len()
    }
}

/// One edge, by the ids of its ends.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EdgeChange {
    /// The edge kind's name (`member_of`, `grant`...).
    pub kind: String,
    /// The holder.
    pub src: String,
    /// What is held.
    pub dst: String,
}

/// Edges added and removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EdgeChanges {
    /// In the new snapshot only, sorted.
    pub added: Vec<EdgeChange>,
    /// In the old snapshot only, sorted.
    pub removed: Vec<EdgeChange>,
}

/// One property of one node that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyChange {
    /// The node id.
    pub node: String,
    /// The property.
    pub key: String,
    /// The old value (`None`: the property was absent).
    pub old: Option<Value>,
    /// The new value.
    pub new: Option<Value>,
}

/// Everything that changed between two snapshots.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SnapshotDiff {
    /// Nodes added and removed.
    pub nodes: NodeChanges,
    /// Persons whose effective access changed: those with privileged
    /// changes first, then by number of changes, then by id.
    pub persons: Vec<AccessChange>,
    /// Accounts whose effective access changed, in the same order.
    pub accounts: Vec<AccessChange>,
    /// Access edges (memberships, role assignments, grants, entitlement
    /// on resource, open access kinds) and correlations added and removed.
    pub edges: EdgeChanges,
    /// Changes of the chosen person and account properties on nodes
    /// present on both sides, sorted by node and key.
    pub properties: Vec<PropertyChange>,
}

impl SnapshotDiff {
    /// Whether the two snapshots agree on everything compared.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.persons.is_empty()
            && self.accounts.is_empty()
            && self.edges.added.is_empty()
            && self.edges.removed.is_empty()
            && self.properties.is_empty()
    }

    /// The access change of one person or account, by id.
    pub fn access_of(&self, subject: &str) -> Option<&AccessChange> {
        self.persons.iter().chain(&self.accounts).find(|c| c.subject == subject)
    }
}

/// Compares two snapshots of one organisation.
///
/// The effective access of both sides is computed once each
/// ([`Snapshot::access_all`]), and subjects are compared in parallel. An
/// entitlement is the same on both sides when its id is; one present on
/// one side only is compared as a distinct entitlement.
pub fn diff(old: &Snapshot, new: &Snapshot, opts: &DiffOptions) -> SnapshotDiff {
    let ((all_old, all_new), (to_new, to_old)) = rayon::join(
        || rayon::join(|| old.access_all(), || new.access_all()),
        || rayon::join(|| counterparts(old, new), || counterparts(new, old)),
    );
    let space = EntSpace::new(old, new, opts);
    let (to_new, to_old) = (Matched { snap: new, to: &to_new }, Matched { snap: old, to: &to_old });
    let (reach_old, reach_new) = rayon::join(|| Reach::new(old, opts), || Reach::new(new, opts));
    let sides = Sides {
        old,
        new,
        all_old: &all_old,
        all_new: &all_new,
        space: &space,
        reach_old: &reach_old,
        reach_new: &reach_new,
    };

    let persons = sides.access_changes(&NodeKind::Person, &to_new, &to_old);
    let accounts = sides.access_changes(&NodeKind::Account, &to_new, &to_old);
    let ids = |kind: NodeKind| IdChanges {
        added: missing(new, &to_old, &kind),
        removed: missing(old, &to_new, &kind),
    };
    let nodes = NodeChanges {
        persons: ids(NodeKind::Person),
        accounts: ids(NodeKind::Account),
        groups: ids(NodeKind::Group),
        roles: ids(NodeKind::Role),
        entitlements: ids(NodeKind::Entitlement),
    };

    let mut properties = prop_changes(new, &to_old, &NodeKind::Person, &opts.person_props);
    properties.extend(prop_changes(new, &to_old, &NodeKind::Account, &opts.account_props));
    properties.sort_by(|a, b| (&a.node, &a.key).cmp(&(&b.node, &b.key)));

    let edges =
        EdgeChanges { added: edges_missing(new, &to_old), removed: edges_missing(old, &to_new) };
    SnapshotDiff { nodes, persons, accounts, edges, properties }
}

/// One numbering of the entitlements of both snapshots: the new
/// snapshot's numbers, then one number past the new node count for each
/// entitlement the old snapshot alone holds.
pub(crate) struct EntSpace {
    old_ents: Range<u32>,
    new_ents: Range<u32>,
    /// For each old entitlement (offset from `old_ents.start`), its number
    /// in this space.
    from_old: Vec<u32>,
    /// Where numbers of old-only entitlements start.
    extra: u32,
    /// Privileged entitlements, in this space, with their tier if known.
    privileged: HashMap<u32, Option<u8>>,
}

impl EntSpace {
    pub(crate) fn new(old: &Snapshot, new: &Snapshot, opts: &DiffOptions) -> EntSpace {
        let (old_ents, new_ents) =
            (old.kind_range(&NodeKind::Entitlement), new.kind_range(&NodeKind::Entitlement));
        let extra = new.node_count() as u32;
        let from_old: Vec<u32> = old_ents
            .clone()
            .into_par_iter()
            .map(|e| match new.find(old.node(NodeId(e)).id()) {
                Some(v) if new_ents.contains(&v.0) => v.0,
                _ => extra + (e - old_ents.start),
            })
            .collect();

        // Privilege is judged on the new side, and on the old side for
        // entitlements the new snapshot no longer has.
        let mut privileged: HashMap<u32, Option<u8>> = new_ents
            .clone()
            .into_par_iter()
            .filter_map(|e| privilege(new, e, opts).map(|t| (e, t)))
            .collect();
        let gone: Vec<(u32, Option<u8>)> = old_ents
            .clone()
            .into_par_iter()
            .filter(|&e| from_old[(e - old_ents.start) as usize] >= extra)
            .filter_map(|e| privilege(old, e, opts).map(|t| (extra + (e - old_ents.start), t)))
            .collect();
        privileged.extend(gone);
        EntSpace { old_ents, new_ents, from_old, extra, privileged }
    }

    /// The entitlements of an old access set, in this space.
    pub(crate) fn old_set(&self, set: &RoaringBitmap) -> RoaringBitmap {
        let mut out: Vec<u32> = set
            .range(self.old_ents.clone())
            .filter_map(|e| self.from_old.get((e - self.old_ents.start) as usize).copied())
            .collect();
        out.sort_unstable();
        RoaringBitmap::from_sorted_iter(out).unwrap_or_default()
    }

    /// The entitlements of a new access set, in this space.
    pub(crate) fn new_set(&self, set: &RoaringBitmap) -> RoaringBitmap {
        let mut mask = RoaringBitmap::new();
        mask.insert_range(self.new_ents.clone());
        mask & set
    }

    /// One entitlement of this space, described.
    pub(crate) fn describe(&self, old: &Snapshot, new: &Snapshot, e: u32) -> EntitlementChange {
        let id = if e < self.extra {
            new.node(NodeId(e)).id()
        } else {
            old.node(NodeId(self.old_ents.start + (e - self.extra))).id()
        };
        let tier = self.privileged.get(&e);
        EntitlementChange {
            id: id.to_string(),
            privileged: tier.is_some(),
            tier: tier.copied().flatten(),
        }
    }

    /// A set of this space, described, privileged first.
    pub(crate) fn list(
        &self,
        old: &Snapshot,
        new: &Snapshot,
        set: &RoaringBitmap,
    ) -> Vec<EntitlementChange> {
        let mut out: Vec<EntitlementChange> =
            set.iter().map(|e| self.describe(old, new, e)).collect();
        out.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

/// Sort key: privileged before the rest, lower tiers first.
fn rank(e: &EntitlementChange) -> (bool, u8) {
    (!e.privileged, e.tier.unwrap_or(u8::MAX))
}

/// Whether a node is privileged and at which tier: named in the options,
/// matched by a privileged rule of the policy, or marked by its own
/// `privileged` property (with its `tier`). The lowest tier wins.
fn privilege(snap: &Snapshot, e: u32, opts: &DiffOptions) -> Option<Option<u8>> {
    let n = snap.node(NodeId(e));
    let named = opts.privileged.contains(n.id());
    let by_policy =
        opts.policy.as_ref().and_then(|p| with_target(&n, true, |target| p.tier_of(target)));
    let marked = n.prop(props::PRIVILEGED).and_then(|v| v.as_bool()) == Some(true);
    let by_mark =
        marked.then(|| n.prop(props::TIER).and_then(|t| t.as_i64()).map(|t| t.clamp(0, 3) as u8));
    if !named && by_policy.is_none() && by_mark.is_none() {
        return None;
    }
    Some([by_policy, by_mark.flatten()].into_iter().flatten().min())
}

/// Both snapshots with their effective access.
struct Sides<'a, 's> {
    old: &'s Snapshot,
    new: &'s Snapshot,
    all_old: &'a AllAccess<'s>,
    all_new: &'a AllAccess<'s>,
    space: &'a EntSpace,
    reach_old: &'a Reach,
    reach_new: &'a Reach,
}

/// The privileged groups and roles of one snapshot, and which accounts
/// and persons reach each.
#[derive(Default)]
struct Reach {
    /// By subject node, the privileged objects it reaches.
    of: HashMap<u32, Vec<u32>>,
    /// The tier of each privileged object, if known.
    tier: HashMap<u32, Option<u8>>,
}

impl Reach {
    /// Walks back from each privileged group and role, the way `govern`
    /// finds the accounts a privileged object makes privileged.
    fn new(snap: &Snapshot, opts: &DiffOptions) -> Reach {
        let objects: Vec<u32> =
            snap.kind_range(&NodeKind::Group).chain(snap.kind_range(&NodeKind::Role)).collect();
        let tier: HashMap<u32, Option<u8>> = objects
            .into_par_iter()
            .filter_map(|v| privilege(snap, v, opts).map(|t| (v, t)))
            .collect();
        let mut subjects = RoaringBitmap::new();
        subjects.insert_range(snap.kind_range(&NodeKind::Account));
        subjects.insert_range(snap.kind_range(&NodeKind::Person));
        let who: Vec<(u32, RoaringBitmap)> =
            tier.par_iter().map(|(&v, _)| (v, holders(snap, v, &subjects))).collect();
        let mut of: HashMap<u32, Vec<u32>> = HashMap::new();
        for (v, subjects) in who {
            for s in &subjects {
                of.entry(s).or_default().push(v);
            }
        }
        Reach { of, tier }
    }

    /// The privileged objects a subject reaches, by id, with their tier.
    fn of<'s>(&self, snap: &'s Snapshot, v: Option<NodeId>) -> BTreeMap<&'s str, Option<u8>> {
        let Some(list) = v.and_then(|v| self.of.get(&v.0)) else { return BTreeMap::new() };
        let tier = |o: &u32| self.tier.get(o).copied().flatten();
        list.iter().map(|o| (snap.node(NodeId(*o)).id(), tier(o))).collect()
    }
}

/// The accounts and persons that reach `v`: those met walking back from
/// it, and the persons anything met is correlated to (a person's access is
/// that of everything correlated to them, as [`AllAccess::person`] has it).
fn holders(snap: &Snapshot, v: u32, subjects: &RoaringBitmap) -> RoaringBitmap {
    let reached = snap.who_can_access(NodeId(v)).reached;
    let persons = snap.kind_range(&NodeKind::Person);
    let mut out = &reached & subjects;
    for r in &reached {
        let owners = snap.neighbors(NodeId(r), &EdgeKind::Correlation, Direction::Out);
        out.extend(owners.iter().copied().filter(|p| persons.contains(p)));
    }
    out
}

/// The objects of `a` missing from `b`, lowest tier first, then by id.
fn reach_list(
    a: &BTreeMap<&str, Option<u8>>,
    b: &BTreeMap<&str, Option<u8>>,
) -> Vec<EntitlementChange> {
    let mut out: Vec<EntitlementChange> = a
        .iter()
        .filter(|(id, _)| !b.contains_key(*id))
        .map(|(id, &tier)| EntitlementChange { id: id.to_string(), privileged: true, tier })
        .collect();
    out.sort_by(|x, y| rank(x).cmp(&rank(y)).then_with(|| x.id.cmp(&y.id)));
    out
}

impl Sides<'_, '_> {
    /// The entitlements a person or account reaches, in the shared space;
    /// `None` as the node stands for "not in this snapshot".
    fn ents(&self, new_side: bool, v: Option<NodeId>) -> RoaringBitmap {
        let Some(v) = v else { return RoaringBitmap::new() };
        let (snap, all) =
            if new_side { (self.new, self.all_new) } else { (self.old, self.all_old) };
        let set = if snap.is_kind(v, &NodeKind::Person) {
            all.person(v)
        } else {
            all.get(v).cloned().unwrap_or_default()
        };
        if new_side { self.space.new_set(&set) } else { self.space.old_set(&set) }
    }

    /// Every subject of a kind whose access changed, sorted.
    fn access_changes(
        &self,
        kind: &NodeKind,
        to_new: &Matched<'_>,
        to_old: &Matched<'_>,
    ) -> Vec<AccessChange> {
        let (old, new) = (self.old, self.new);
        let in_new =
            new.kind_range(kind).into_par_iter().map(|v| (to_old.get(v, kind), Some(NodeId(v))));
        let only_old = old
            .kind_range(kind)
            .into_par_iter()
            .filter_map(|v| to_new.get(v, kind).is_none().then_some((Some(NodeId(v)), None)));
        let mut out: Vec<AccessChange> = in_new
            .chain(only_old)
            .filter_map(|(o, n)| {
                let (before, after) = (self.ents(false, o), self.ents(true, n));
                let (was, is) = (self.reach_old.of(old, o), self.reach_new.of(new, n));
                if before == after && was == is {
                    return None;
                }
                let node = match n {
                    Some(v) => new.node(v),
                    None => old.node(o?),
                };
                Some(AccessChange {
                    subject: node.id().to_string(),
                    name: node.name().map(str::to_string),
                    gained: self.space.list(old, new, &(&after - &before)),
                    lost: self.space.list(old, new, &(&before - &after)),
                    privileged_gained: reach_list(&is, &was),
                    privileged_lost: reach_list(&was, &is),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.privileged_count()
                .cmp(&a.privileged_count())
                .then_with(|| (b.gained.len() + b.lost.len()).cmp(&(a.gained.len() + a.lost.len())))
                .then_with(|| a.subject.cmp(&b.subject))
        });
        out
    }
}

/// A node of `snap` with this id and kind.
pub(crate) fn find_kind(snap: &Snapshot, id: &str, kind: &NodeKind) -> Option<NodeId> {
    snap.find(id).filter(|&v| snap.is_kind(v, kind))
}

/// For each node of one snapshot, the number of the node with the same id
/// in another, or `NONE`: every id is looked up once.
fn counterparts(a: &Snapshot, b: &Snapshot) -> Vec<u32> {
    (0..a.node_count() as u32)
        .into_par_iter()
        .map(|v| b.find(a.node(NodeId(v)).id()).map_or(NONE, |w| w.0))
        .collect()
}

/// The counterparts of one snapshot's nodes in another snapshot.
struct Matched<'a> {
    /// The snapshot the numbers are of.
    snap: &'a Snapshot,
    to: &'a [u32],
}

impl Matched<'_> {
    /// The counterpart of `v` if it has one.
    fn any(&self, v: u32) -> Option<NodeId> {
        self.to.get(v as usize).copied().filter(|&w| w != NONE).map(NodeId)
    }

    /// The counterpart of `v` if it has one of this kind.
    fn get(&self, v: u32, kind: &NodeKind) -> Option<NodeId> {
        self.any(v).filter(|&w| self.snap.is_kind(w, kind))
    }
}

/// The ids of the nodes of `a` of one kind with no counterpart of that
/// kind, sorted.
fn missing(a: &Snapshot, to: &Matched<'_>, kind: &NodeKind) -> Vec<String> {
    let mut out: Vec<String> = a
        .kind_range(kind)
        .into_par_iter()
        .filter(|&v| to.get(v, kind).is_none())
        .map(|v| a.node(NodeId(v)).id().to_string())
        .collect();
    out.sort_unstable();
    out
}

/// Changes of the given properties on nodes of a kind present on both
/// sides.
fn prop_changes(
    new: &Snapshot,
    to_old: &Matched<'_>,
    kind: &NodeKind,
    keys: &[String],
) -> Vec<PropertyChange> {
    if keys.is_empty() {
        return Vec::new();
    }
    new.kind_range(kind)
        .into_par_iter()
        .flat_map_iter(|v| {
            let n = new.node(NodeId(v));
            let o = to_old.get(v, kind).map(|o| to_old.snap.node(o));
            keys.iter().filter_map(move |key| {
                let o = o?;
                let (before, after) = (o.prop(key), n.prop(key));
                (before != after).then(|| PropertyChange {
                    node: n.id().to_string(),
                    key: key.clone(),
                    old: before,
                    new: after,
                })
            })
        })
        .collect()
}

/// Whether edges of this kind are compared: those access flows along,
/// and correlations (an account moving to another person moves access).
fn tracked(kind: &EdgeKind) -> bool {
    kind.grants_access() || *kind == EdgeKind::Correlation
}

/// The tracked edges of `a` that `b` lacks, sorted.
fn edges_missing(a: &Snapshot, to: &Matched<'_>) -> Vec<EdgeChange> {
    let b = to.snap;
    let kinds: Vec<EdgeKind> =
        (0..a.manifest().edge_kinds.len() as u16).map(|k| a.edge_kind(k)).collect();
    let mut out: Vec<EdgeChange> = (0..a.node_count() as u32)
        .into_par_iter()
        .flat_map_iter(|v| {
            let src = a.node(NodeId(v)).id();
            let other = to.any(v);
            let kinds = &kinds;
            a.edges(NodeId(v), Direction::Out).into_iter().filter_map(move |(k, w, _)| {
                let kind = kinds.get(k as usize).filter(|k| tracked(k))?;
                let dst = a.node(w).id();
                let found =
                    other.zip(to.any(w.0)).is_some_and(|(s, d)| b.find_edge(s, kind, d).is_some());
                (!found).then(|| EdgeChange {
                    kind: kind.as_str().to_string(),
                    src: src.to_string(),
                    dst: dst.to_string(),
                })
            })
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
