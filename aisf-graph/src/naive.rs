//! The naive evaluator: the first thing a Rust developer would write, and
//! the oracle every engine query is tested against.
//!
//! It keeps the graph in a petgraph `DiGraph`, answers each question with a
//! plain breadth-first search and a `HashSet`, and makes no attempt to be
//! fast beyond running independent searches on rayon's threads. Results
//! are keyed by source id so they compare directly with the engine's.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use aisf_core::{EdgeKind, Graph, Node, NodeKind};
use petgraph::Direction as Dir;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

/// A graph held for naive evaluation.
pub struct Naive {
    graph: DiGraph<Node, EdgeKind>,
    index: HashMap<String, NodeIndex>,
}

impl Naive {
    /// Loads a graph. Edges whose ends are unknown are left out.
    pub fn new(source: &Graph) -> Naive {
        let mut graph = DiGraph::new();
        let mut index = HashMap::new();
        for node in source.nodes() {
            index.insert(node.id.clone(), graph.add_node(node.clone()));
        }
        for e in source.edges() {
            if let (Some(&a), Some(&b)) = (index.get(&e.src), index.get(&e.dst)) {
                graph.add_edge(a, b, e.kind.clone());
            }
        }
        Naive { graph, index }
    }

    fn idx(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    fn kind(&self, i: NodeIndex) -> &NodeKind {
        &self.graph[i].kind
    }

    /// The subject itself and, for a person, each account correlated to it.
    fn sources(&self, s: NodeIndex) -> Vec<NodeIndex> {
        let mut out = vec![s];
        if *self.kind(s) == NodeKind::Person {
            for e in self.graph.edges_directed(s, Dir::Incoming) {
                if *e.weight() == EdgeKind::Correlation {
                    out.push(e.source());
                }
            }
        }
        out
    }

    fn reach(
        &self,
        start: &[NodeIndex],
        dir: Dir,
        skip: Option<(NodeIndex, &EdgeKind, NodeIndex)>,
    ) -> HashSet<NodeIndex> {
        let mut seen = HashSet::new();
        let mut queue: VecDeque<NodeIndex> = start.iter().copied().collect();
        while let Some(v) = queue.pop_front() {
            for e in self.graph.edges_directed(v, dir) {
                if !e.weight().grants_access() {
                    continue;
                }
                if skip == Some((e.source(), e.weight(), e.target())) {
                    continue;
                }
                let w = if dir == Dir::Outgoing { e.target() } else { e.source() };
                if seen.insert(w) {
                    queue.push_back(w);
                }
            }
        }
        seen
    }

    fn ids(&self, set: impl IntoIterator<Item = NodeIndex>) -> BTreeSet<String> {
        set.into_iter().map(|i| self.graph[i].id.clone()).collect()
    }

    /// Everything an account or person reaches through access edges.
    pub fn access(&self, id: &str) -> BTreeSet<String> {
        let Some(s) = self.idx(id) else { return BTreeSet::new() };
        self.ids(self.reach(&self.sources(s), Dir::Outgoing, None))
    }

    /// The entitlements an account or person reaches.
    pub fn entitlements(&self, id: &str) -> BTreeSet<String> {
        let Some(s) = self.idx(id) else { return BTreeSet::new() };
        let reached = self.reach(&self.sources(s), Dir::Outgoing, None);
        self.ids(reached.into_iter().filter(|&i| *self.kind(i) == NodeKind::Entitlement))
    }

    /// What the subject reaches once the edge `src -kind-> dst` is gone.
    pub fn access_without(
        &self,
        id: &str,
        src: &str,
        kind: &EdgeKind,
        dst: &str,
    ) -> BTreeSet<String> {
        let (Some(s), Some(a), Some(b)) = (self.idx(id), self.idx(src), self.idx(dst)) else {
            return self.access(id);
        };
        let mut sources = self.sources(s);
        if *kind == EdgeKind::Correlation && b == s {
            sources.retain(|&x| x != a);
        }
        self.ids(self.reach(&sources, Dir::Outgoing, Some((a, kind, b))))
    }

    /// The accounts and persons that reach `id`.
    pub fn who(&self, id: &str) -> (BTreeSet<String>, BTreeSet<String>) {
        let Some(t) = self.idx(id) else { return Default::default() };
        let reached = self.reach(&[t], Dir::Incoming, None);
        let accounts: Vec<NodeIndex> =
            reached.iter().copied().filter(|&i| *self.kind(i) == NodeKind::Account).collect();
        let mut persons: BTreeSet<String> =
            self.ids(reached.iter().copied().filter(|&i| *self.kind(i) == NodeKind::Person));
        for &a in &accounts {
            for e in self.graph.edges_directed(a, Dir::Outgoing) {
                if *e.weight() == EdgeKind::Correlation {
                    persons.insert(self.graph[e.target()].id.clone());
                }
            }
        }
        (self.ids(accounts), persons)
    }

    /// The number of nodes on a shortest justification path from the
    /// subject to the target (a person's accounts are one step away).
    pub fn shortest_path_nodes(&self, from: &str, to: &str) -> Option<usize> {
        let (s, t) = (self.idx(from)?, self.idx(to)?);
        let accounts = self.sources(s);
        let mut dist: HashMap<NodeIndex, usize> = HashMap::from([(s, 0)]);
        let mut queue = VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            let d = dist[&v];
            let mut next: Vec<NodeIndex> = self
                .graph
                .edges_directed(v, Dir::Outgoing)
                .filter(|e| e.weight().grants_access())
                .map(|e| e.target())
                .collect();
            if v == s {
                next.extend(accounts.iter().skip(1));
            }
            for w in next {
                if w == s || dist.contains_key(&w) {
                    continue;
                }
                dist.insert(w, d + 1);
                if w == t {
                    return Some(d + 2);
                }
                queue.push_back(w);
            }
        }
        None
    }

    /// The direct edges of the subject (and a person's accounts) through
    /// which the target is reached, as (holder, kind, held) ids.
    pub fn via(&self, from: &str, to: &str) -> BTreeSet<(String, String, String)> {
        let (Some(s), Some(t)) = (self.idx(from), self.idx(to)) else { return BTreeSet::new() };
        let mut ancestors = self.reach(&[t], Dir::Incoming, None);
        ancestors.insert(t);
        let mut out = BTreeSet::new();
        for src in self.sources(s) {
            for e in self.graph.edges_directed(src, Dir::Outgoing) {
                if e.weight().grants_access() && ancestors.contains(&e.target()) {
                    let g = &self.graph;
                    out.insert((
                        g[src].id.clone(),
                        e.weight().to_string(),
                        g[e.target()].id.clone(),
                    ));
                }
            }
        }
        out
    }

    /// The ids of the nodes a predicate accepts.
    pub fn filter(&self, pred: impl Fn(&Node) -> bool) -> BTreeSet<String> {
        self.graph.node_weights().filter(|n| pred(n)).map(|n| n.id.clone()).collect()
    }

    /// The baseline for all-accounts effective access: one breadth-first
    /// search per account with its own visited set, accounts spread over
    /// rayon's threads. Returns the number of (account, entitlement) pairs.
    pub fn all_account_entitlement_pairs(&self) -> u64 {
        let accounts: Vec<NodeIndex> =
            self.graph.node_indices().filter(|&i| *self.kind(i) == NodeKind::Account).collect();
        accounts
            .par_iter()
            .map(|&a| {
                let reached = self.reach(&[a], Dir::Outgoing, None);
                reached.iter().filter(|&&i| *self.kind(i) == NodeKind::Entitlement).count() as u64
            })
            .sum()
    }

    /// The accounts, for iteration by callers.
    pub fn account_ids(&self) -> Vec<String> {
        self.graph
            .node_weights()
            .filter(|n| n.kind == NodeKind::Account)
            .map(|n| n.id.clone())
            .collect()
    }
}
