//! Queries: effective access, who can access, explain, filter, what-if.
//!
//! Access flows along the access edge group (memberships, role
//! assignments, grants, entitlement on resource, and open kinds marked as
//! access). A person's access is the union of what the person holds
//! directly and what each account correlated to them holds.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::ops::Range;

use aisf_core::{EdgeKind, NodeKind};
use rayon::prelude::*;
use roaring::RoaringBitmap;

use crate::format::{NONE, SectionKind};
use crate::snapshot::{Direction, NodeId, Snapshot};

/// A dense visited set that clears in time proportional to what it holds.
struct Visited {
    words: Vec<u64>,
    touched: Vec<u32>,
}

impl Visited {
    fn new() -> Visited {
        Visited { words: Vec::new(), touched: Vec::new() }
    }

    fn reset(&mut self, n: usize) {
        for &w in &self.touched {
            if let Some(word) = self.words.get_mut(w as usize) {
                *word = 0;
            }
        }
        self.touched.clear();
        let need = n.div_ceil(64);
        if self.words.len() < need {
            self.words.resize(need, 0);
        }
    }

    /// Inserts `v`; true if it was not there. Out-of-range ids are refused.
    fn insert(&mut self, v: u32) -> bool {
        let (w, bit) = ((v / 64) as usize, 1u64 << (v % 64));
        let Some(word) = self.words.get_mut(w) else { return false };
        if *word & bit != 0 {
            return false;
        }
        if *word == 0 {
            self.touched.push(w as u32);
        }
        *word |= bit;
        true
    }
}

thread_local! {
    static SCRATCH: RefCell<Visited> = RefCell::new(Visited::new());
}

/// The effective access of one account or person.
#[derive(Clone, Debug, PartialEq)]
pub struct Access {
    /// Every node reached through access edges: groups, roles,
    /// entitlements, resources (and open kinds access flows to).
    pub reached: RoaringBitmap,
    entitlements: Range<u32>,
    resources: Range<u32>,
}

impl Access {
    /// The entitlements reached.
    pub fn entitlements(&self) -> RoaringBitmap {
        of_range(&self.reached, &self.entitlements)
    }

    /// The resources reached.
    pub fn resources(&self) -> RoaringBitmap {
        of_range(&self.reached, &self.resources)
    }

    /// How many entitlements are reached.
    pub fn entitlement_count(&self) -> u64 {
        count_in(&self.reached, &self.entitlements)
    }
}

fn of_range(set: &RoaringBitmap, range: &Range<u32>) -> RoaringBitmap {
    let mut r = RoaringBitmap::new();
    r.insert_range(range.clone());
    r & set
}

/// How many members of `set` lie in `range`.
pub fn count_in(set: &RoaringBitmap, range: &Range<u32>) -> u64 {
    if range.is_empty() { 0 } else { set.range_cardinality(range.clone()) }
}

/// Who can reach an entitlement, resource, group or role.
#[derive(Clone, Debug, PartialEq)]
pub struct Who {
    /// The accounts.
    pub accounts: RoaringBitmap,
    /// The persons: owners of those accounts, and persons holding access
    /// directly.
    pub persons: RoaringBitmap,
    /// Every holder reached backwards (accounts, groups, roles, persons).
    pub reached: RoaringBitmap,
}

/// One step of a justification path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// The node reached.
    pub node: NodeId,
    /// The kind of the edge that led here (none for the first step). For
    /// the step from a person to their account this is `correlation`,
    /// followed backwards.
    pub edge: Option<EdgeKind>,
}

/// Why a subject has access to a target.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    /// A shortest path from the subject to the target.
    pub path: Vec<Step>,
    /// Every direct membership, role assignment or grant of the subject
    /// (or of a person's accounts) through which the access arrives, as
    /// (holder, edge kind, the group, role or entitlement held).
    pub via: Vec<(NodeId, EdgeKind, NodeId)>,
}

/// What removing one edge would take away from a subject.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatIf {
    /// Access before.
    pub before: Access,
    /// Access after.
    pub after: Access,
    /// Reached before and not after.
    pub lost: RoaringBitmap,
}

/// A predicate over nodes, answered from the indexes.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Every node.
    All,
    /// Nodes of a kind.
    Kind(NodeKind),
    /// Nodes of a system.
    System(String),
    /// A boolean property with this value.
    Bool(String, bool),
    /// A string property equal to this value.
    Str(String, String),
    /// An integer or time property within bounds (inclusive; `None` is
    /// unbounded).
    Range(String, Option<i64>, Option<i64>),
    /// Nodes that have the property at all.
    Has(String),
    /// Exactly these nodes.
    Nodes(RoaringBitmap),
    /// All of these.
    And(Vec<Filter>),
    /// Any of these.
    Or(Vec<Filter>),
    /// Not this.
    Not(Box<Filter>),
}

/// Closure sets of the condensation: for each component that something
/// points into, the entitlements and resources reachable from it (itself
/// included). Computed once per snapshot, on first use.
pub(crate) struct Closure {
    /// For each component, the number of its set in `sets`, or `NONE` for
    /// components nothing points into (accounts, persons): they need none.
    slot: Vec<u32>,
    sets: Vec<RoaringBitmap>,
    /// False when the sets would have exploded past the budget: queries
    /// then traverse instead.
    complete: bool,
}

impl Closure {
    fn get(&self, component: u32) -> Option<&RoaringBitmap> {
        let s = *self.slot.get(component as usize)?;
        self.sets.get(s as usize)
    }
}

/// The effective access of every account at once.
pub struct AllAccess<'s> {
    snap: &'s Snapshot,
    accounts: Range<u32>,
    signature: Vec<u32>,
    sets: Vec<RoaringBitmap>,
    entitlements: Range<u32>,
}

impl<'s> AllAccess<'s> {
    /// The entitlements and resources one account reaches.
    pub fn get(&self, account: NodeId) -> Option<&RoaringBitmap> {
        let i = account.0.checked_sub(self.accounts.start)?;
        self.sets.get(*self.signature.get(i as usize)? as usize)
    }

    /// How many entitlements one account reaches.
    pub fn count(&self, account: NodeId) -> u64 {
        self.get(account).map(|s| count_in(s, &self.entitlements)).unwrap_or(0)
    }

    /// Every account with the entitlements and resources it reaches.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &RoaringBitmap)> + '_ {
        self.accounts
            .clone()
            .zip(&self.signature)
            .map(|(a, &s)| (NodeId(a), &self.sets[s as usize]))
    }

    /// The number of (account, entitlement) pairs.
    pub fn total_pairs(&self) -> u64 {
        let per_set: Vec<u64> =
            self.sets.par_iter().map(|s| count_in(s, &self.entitlements)).collect();
        self.signature.par_iter().map(|&s| per_set[s as usize]).sum()
    }

    /// How many distinct access sets the accounts have (accounts with the
    /// same direct memberships share one).
    pub fn distinct_sets(&self) -> usize {
        self.sets.len()
    }

    /// The entitlements and resources one person reaches through all
    /// their accounts and their own assignments.
    pub fn person(&self, person: NodeId) -> RoaringBitmap {
        let snap = self.snap;
        let mut out = snap.direct_closure(person.0);
        for &a in snap.neighbors(person, &EdgeKind::Correlation, Direction::In) {
            match self.get(NodeId(a)) {
                Some(s) => out |= s,
                None => out |= snap.direct_closure(a),
            }
        }
        out
    }

    /// The number of (person, entitlement) pairs over every person.
    pub fn person_pairs(&self) -> u64 {
        let persons = self.snap.kind_range(&NodeKind::Person);
        persons.into_par_iter().map(|p| count_in(&self.person(NodeId(p)), &self.entitlements)).sum()
    }
}

/// Above this many set entries in all (beyond a per-node allowance) the
/// closure sets are abandoned in favour of traversal: an "Everyone" group
/// under thousands of nested groups would otherwise need quadratic memory.
const CLOSURE_BUDGET_PER_NODE: u64 = 64;

impl Snapshot {
    fn targets(&self) -> (Range<u32>, Range<u32>) {
        (self.kind_range(&NodeKind::Entitlement), self.kind_range(&NodeKind::Resource))
    }

    fn is_target(&self, v: u32) -> bool {
        let (e, r) = self.targets();
        e.contains(&v) || r.contains(&v)
    }

    /// The nodes a subject starts from: itself, and for a person every
    /// account correlated to them.
    pub fn sources(&self, subject: NodeId) -> Vec<u32> {
        let mut out = vec![subject.0];
        if self.is_kind(subject, &NodeKind::Person) {
            out.extend_from_slice(self.neighbors(subject, &EdgeKind::Correlation, Direction::In));
        }
        out
    }

    /// Breadth-first search over access edges from `sources`, leaving out
    /// the one edge `skip` (src, dst, kind) if given. Calls `visit` on each
    /// node reached; a source is reached only if a path leads back to it.
    fn bfs(
        &self,
        sources: &[u32],
        dir: Direction,
        skip: Option<(u32, u32, u16)>,
        mut visit: impl FnMut(u32),
    ) {
        let n = self.node_count();
        let (off_k, kind_k) = match dir {
            Direction::Out => (SectionKind::AccFwdOff, SectionKind::AccFwdKind),
            Direction::In => (SectionKind::AccRevOff, SectionKind::AccRevKind),
        };
        let (off, kinds) = (self.u32s(off_k), self.u16s(kind_k));
        SCRATCH.with(|cell| {
            let mut seen = cell.borrow_mut();
            seen.reset(n);
            let mut queue: VecDeque<u32> = sources.iter().copied().collect();
            while let Some(v) = queue.pop_front() {
                let row = self.access_row(v, dir);
                let start = off.get(v as usize).copied().unwrap_or(0) as usize;
                for (i, &w) in row.iter().enumerate() {
                    if let Some((src, dst, k)) = skip {
                        let (a, b) = if dir == Direction::Out { (v, w) } else { (w, v) };
                        if (a, b) == (src, dst) && kinds.get(start + i) == Some(&k) {
                            continue;
                        }
                    }
                    if seen.insert(w) {
                        visit(w);
                        queue.push_back(w);
                    }
                }
            }
        });
    }

    /// The effective access of an account or person (or any node: a group's
    /// access is what its members inherit).
    ///
    /// Cycle-safe and iterative; cost is proportional to what is reached.
    pub fn access(&self, subject: NodeId) -> Access {
        self.access_without(subject, None)
    }

    fn access_without(&self, subject: NodeId, skip: Option<(u32, u32, u16)>) -> Access {
        let mut sources = self.sources(subject);
        let correlation = EdgeKind::BUILTIN.iter().position(|k| *k == EdgeKind::Correlation);
        if let Some((src, dst, k)) = skip
            && Some(k as usize) == correlation
            && dst == subject.0
        {
            sources.retain(|&x| x != src);
        }
        let mut reached = Vec::new();
        self.bfs(&sources, Direction::Out, skip, |w| reached.push(w));
        reached.sort_unstable();
        let (entitlements, resources) = self.targets();
        Access {
            reached: RoaringBitmap::from_sorted_iter(reached).unwrap_or_default(),
            entitlements,
            resources,
        }
    }

    /// Who can reach `target` through access edges: the accounts, the
    /// persons who own them or hold access directly, and every holder on
    /// the way.
    pub fn who_can_access(&self, target: NodeId) -> Who {
        let accounts_range = self.kind_range(&NodeKind::Account);
        let persons_range = self.kind_range(&NodeKind::Person);
        let mut reached = Vec::new();
        self.bfs(&[target.0], Direction::In, None, |w| reached.push(w));
        reached.sort_unstable();
        let reached = RoaringBitmap::from_sorted_iter(reached).unwrap_or_default();
        let accounts = of_range(&reached, &accounts_range);
        let mut persons = of_range(&reached, &persons_range);
        for a in &accounts {
            persons.extend(
                self.neighbors(NodeId(a), &EdgeKind::Correlation, Direction::Out).iter().copied(),
            );
        }
        Who { accounts, persons, reached }
    }

    /// The shortest justification path from an account or person to a
    /// target, with every direct membership or grant through which the
    /// access arrives. `None` when the subject has no such access.
    pub fn explain(&self, subject: NodeId, target: NodeId) -> Option<Explanation> {
        let sources = self.sources(subject);
        let (off, tgt, kinds) = (
            self.u32s(SectionKind::AccFwdOff),
            self.u32s(SectionKind::AccFwdTgt),
            self.u16s(SectionKind::AccFwdKind),
        );

        // Breadth-first with parents from the subject alone, a person's
        // accounts being one step away, so the first arrival is a shortest
        // path.
        let correlation =
            EdgeKind::BUILTIN.iter().position(|k| *k == EdgeKind::Correlation).unwrap_or(0) as u16;
        let mut parent: HashMap<u32, (u32, u16)> = HashMap::new();
        let mut queue: VecDeque<u32> = VecDeque::from([subject.0]);
        let mut found = false;
        'search: while let Some(v) = queue.pop_front() {
            let (start, row) = Snapshot::row(off, tgt, v);
            let accounts: &[u32] = if v == subject.0 { &sources[1..] } else { &[] };
            let edges = row
                .iter()
                .enumerate()
                .map(|(i, &w)| (w, kinds.get(start + i).copied().unwrap_or(0)));
            for (w, k) in edges.chain(accounts.iter().map(|&a| (a, correlation))) {
                if w == subject.0 || parent.contains_key(&w) {
                    continue;
                }
                parent.insert(w, (v, k));
                if w == target.0 {
                    found = true;
                    break 'search;
                }
                queue.push_back(w);
            }
        }
        if !found {
            return None;
        }

        let mut steps = Vec::new();
        let mut at = target.0;
        while let Some(&(p, k)) = parent.get(&at) {
            steps.push(Step { node: NodeId(at), edge: Some(self.edge_kind(k)) });
            at = p;
            if steps.len() > self.node_count() {
                break;
            }
        }
        steps.push(Step { node: subject, edge: None });
        steps.reverse();

        // The direct edges that lead to the target: those whose far end is
        // the target or can reach it.
        let mut ancestors = Visited::new();
        ancestors.reset(self.node_count());
        ancestors.insert(target.0);
        self.bfs(&[target.0], Direction::In, None, |w| {
            ancestors.insert(w);
        });
        let mut via = Vec::new();
        for &s in &sources {
            let (start, row) = Snapshot::row(off, tgt, s);
            for (i, &w) in row.iter().enumerate() {
                let reaches = ancestors
                    .words
                    .get((w / 64) as usize)
                    .is_some_and(|x| x & (1 << (w % 64)) != 0);
                if reaches {
                    via.push((
                        NodeId(s),
                        self.edge_kind(kinds.get(start + i).copied().unwrap_or(0)),
                        NodeId(w),
                    ));
                }
            }
        }
        Some(Explanation { path: steps, via })
    }

    /// What `subject` would lose if the edge `src -kind-> dst` were
    /// removed. For a person, removing the correlation of one of their
    /// accounts removes that account's access from them.
    pub fn what_if_remove(
        &self,
        subject: NodeId,
        src: NodeId,
        kind: &EdgeKind,
        dst: NodeId,
    ) -> WhatIf {
        let before = self.access(subject);
        let after = match self.edge_kind_number(kind) {
            Some(k) if self.find_edge(src, kind, dst).is_some() => {
                self.access_without(subject, Some((src.0, dst.0, k)))
            }
            _ => before.clone(),
        };
        let lost = &before.reached - &after.reached;
        WhatIf { before, after, lost }
    }

    /// The nodes that satisfy a filter.
    pub fn filter(&self, f: &Filter) -> RoaringBitmap {
        let all = || {
            let mut b = RoaringBitmap::new();
            b.insert_range(0..self.manifest().node_count);
            b
        };
        match f {
            Filter::All => all(),
            Filter::Kind(k) => {
                let mut b = RoaringBitmap::new();
                b.insert_range(self.kind_range(k));
                b
            }
            Filter::System(s) => self.system_nodes(s),
            Filter::Bool(k, v) => self.nodes_with_bool(k, *v),
            Filter::Str(k, v) => self.nodes_with_str(k, v),
            Filter::Range(k, lo, hi) => self.nodes_in_range(k, *lo, *hi),
            Filter::Has(k) => self.nodes_with_prop(k),
            Filter::Nodes(b) => b & &all(),
            Filter::And(fs) => {
                let mut it = fs.iter();
                let Some(first) = it.next() else { return all() };
                let mut acc = self.filter(first);
                for f in it {
                    if acc.is_empty() {
                        break;
                    }
                    acc &= self.filter(f);
                }
                acc
            }
            Filter::Or(fs) => fs.iter().fold(RoaringBitmap::new(), |acc, f| acc | self.filter(f)),
            Filter::Not(f) => all() - self.filter(f),
        }
    }

    pub(crate) fn closure(&self) -> &Closure {
        self.closure.get_or_init(|| self.compute_closure())
    }

    fn compute_closure(&self) -> Closure {
        let m = self.manifest();
        let n = m.node_count as usize;
        let comps = m.components as usize;
        let scc = self.u32s(SectionKind::SccId);
        let (coff, ctgt) = (self.u32s(SectionKind::CompOff), self.u32s(SectionKind::CompTgt));
        let rev_off = self.u32s(SectionKind::AccRevOff);
        let (entitlements, resources) = self.targets();

        // Only components something points into get a set; their slots
        // are numbered in component order.
        const WANTED: u32 = NONE - 1;
        let mut slot = vec![NONE; comps];
        for (v, &c) in scc.iter().enumerate().take(n) {
            let has_in = rev_off.get(v + 1).zip(rev_off.get(v)).is_some_and(|(b, a)| b > a);
            if let Some(s) = slot.get_mut(c as usize).filter(|_| has_in) {
                *s = WANTED;
            }
        }
        let mut wanted = 0u32;
        for s in slot.iter_mut().filter(|s| **s == WANTED) {
            *s = wanted;
            wanted += 1;
        }

        // The targets inside each wanted component, grouped by slot.
        let mut members: Vec<(u32, u32)> = entitlements
            .chain(resources)
            .filter_map(|v| {
                let s = *slot.get(*scc.get(v as usize)? as usize)?;
                (s != NONE).then_some((s, v))
            })
            .collect();
        members.sort_unstable();

        // Components complete before anything that reaches them, so one
        // pass in number order sees every successor's set first.
        let budget = CLOSURE_BUDGET_PER_NODE * n as u64 + 10_000_000;
        let mut used = 0u64;
        let mut sets: Vec<RoaringBitmap> = Vec::with_capacity(wanted as usize);
        let mut at = 0;
        for c in 0..comps {
            let own = slot[c];
            if own == NONE {
                continue;
            }
            let first = at;
            while members.get(at).is_some_and(|m| m.0 == own) {
                at += 1;
            }
            let mut set = RoaringBitmap::from_sorted_iter(members[first..at].iter().map(|m| m.1))
                .unwrap_or_default();
            for &d in Snapshot::row(coff, ctgt, c as u32).1 {
                match slot.get(d as usize).and_then(|&s| sets.get(s as usize)) {
                    Some(s) if (d as usize) < c => set |= s,
                    _ => {
                        // A successor without a set has no incoming edge
                        // recorded (damaged file) or comes later: traverse.
                        set |= self.component_targets(d, scc);
                    }
                }
            }
            used += set.len();
            if used > budget {
                return Closure { slot: Vec::new(), sets: Vec::new(), complete: false };
            }
            sets.push(set);
        }
        Closure { slot, sets, complete: true }
    }

    /// Targets reachable from one component, by traversal (the fallback).
    fn component_targets(&self, c: u32, scc: &[u32]) -> RoaringBitmap {
        let start: Vec<u32> =
            scc.iter().enumerate().filter(|&(_, &x)| x == c).map(|(v, _)| v as u32).collect();
        let mut out: Vec<u32> = start.iter().copied().filter(|&v| self.is_target(v)).collect();
        self.bfs(&start, Direction::Out, None, |w| {
            if self.is_target(w) {
                out.push(w);
            }
        });
        out.sort_unstable();
        out.dedup();
        RoaringBitmap::from_sorted_iter(out).unwrap_or_default()
    }

    /// Entitlements and resources reachable from `v` in one or more steps,
    /// from the closure sets of its direct successors.
    pub(crate) fn direct_closure(&self, v: u32) -> RoaringBitmap {
        let closure = self.closure();
        let scc = self.u32s(SectionKind::SccId);
        let mut out = RoaringBitmap::new();
        if !closure.complete {
            let mut reached = Vec::new();
            self.bfs(&[v], Direction::Out, None, |w| {
                if self.is_target(w) {
                    reached.push(w);
                }
            });
            reached.sort_unstable();
            return RoaringBitmap::from_sorted_iter(reached).unwrap_or_default();
        }
        for &w in self.access_row(v, Direction::Out) {
            if let Some(s) = scc.get(w as usize).and_then(|&c| closure.get(c)) {
                out |= s;
            }
        }
        out
    }

    /// The effective access (entitlements and resources) of every account
    /// at once, in parallel.
    ///
    /// Works on the condensation: each group or role component's reachable
    /// set is computed once, and accounts with the same direct memberships
    /// share one result.
    pub fn access_all(&self) -> AllAccess<'_> {
        let accounts = self.kind_range(&NodeKind::Account);
        let (off, tgt, _) = self.group(true, Direction::Out);
        let row = |a: u32| Snapshot::row(off, tgt, a).1;

        // Accounts with the same row (the same direct memberships, role
        // assignments and grants) reach the same things. Each chunk of
        // accounts numbers its distinct rows in a map of its own...
        const CHUNK: usize = 1 << 16;
        let all: Vec<u32> = accounts.clone().collect();
        let chunks: Vec<(Vec<u32>, Vec<u32>)> = all
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut numbers: HashMap<Signature<'_>, u32, BuildHasherDefault<PreHashed>> =
                    HashMap::default();
                let mut reps = Vec::new();
                let local = chunk
                    .iter()
                    .map(|&a| {
                        let r = row(a);
                        *numbers.entry(Signature(hash_list(r), r)).or_insert_with(|| {
                            reps.push(a);
                            reps.len() as u32 - 1
                        })
                    })
                    .collect();
                (local, reps)
            })
            .collect();

        // ...then the chunks' few distinct rows are numbered once overall.
        let mut numbers: HashMap<Signature<'_>, u32, BuildHasherDefault<PreHashed>> =
            HashMap::default();
        let mut representatives: Vec<u32> = Vec::new();
        let global: Vec<Vec<u32>> = chunks
            .iter()
            .map(|(_, reps)| {
                reps.iter()
                    .map(|&a| {
                        let r = row(a);
                        *numbers.entry(Signature(hash_list(r), r)).or_insert_with(|| {
                            representatives.push(a);
                            representatives.len() as u32 - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let signature: Vec<u32> = chunks
            .par_iter()
            .zip(&global)
            .flat_map_iter(|((local, _), map)| local.iter().map(|&l| map[l as usize]))
            .collect();

        let sets: Vec<RoaringBitmap> =
            representatives.par_iter().map(|&rep| self.direct_closure(rep)).collect();
        AllAccess { snap: self, accounts, signature, sets, entitlements: self.targets().0 }
    }
}

/// A signature with its hash computed once.
#[derive(PartialEq, Eq)]
struct Signature<'a>(u64, &'a [u32]);

impl std::hash::Hash for Signature<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0);
    }
}

/// A hasher that passes through a hash already computed.
#[derive(Default)]
struct PreHashed(u64);

impl std::hash::Hasher for PreHashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn hash_list(v: &[u32]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ v.len() as u64;
    for &x in v {
        h = (h.rotate_left(5) ^ x as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    h
}
