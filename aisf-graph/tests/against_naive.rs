//! Every query of the engine against the naive evaluator, on random graphs
//! with cycles, and the snapshot round trip.

use std::collections::BTreeSet;

use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};
use aisf_graph::naive::Naive;
use aisf_graph::{BuildOptions, Direction, Filter, NodeId, Snapshot, build_bytes};
use proptest::prelude::*;

const KINDS: [NodeKind; 6] = [
    NodeKind::Person,
    NodeKind::Account,
    NodeKind::Group,
    NodeKind::Role,
    NodeKind::Entitlement,
    NodeKind::Resource,
];

fn edge_kind(k: u8) -> EdgeKind {
    match k % 9 {
        0 => EdgeKind::MemberOf,
        1 => EdgeKind::HasRole,
        2 => EdgeKind::Grant,
        3 => EdgeKind::OnResource,
        4 => EdgeKind::Owns,
        5 => EdgeKind::Correlation,
        6 => EdgeKind::Manager,
        7 => EdgeKind::other("GenericAll", true),
        _ => EdgeKind::other("Contains", false),
    }
}

/// A random graph: nodes of every kind with a few typed properties, and
/// edges mostly along the usual shapes but also anywhere (cycles).
fn graphs() -> impl Strategy<Value = Graph> {
    (
        prop::collection::vec((0usize..6, any::<bool>(), 0i64..100, 0u8..3, any::<bool>()), 1..40),
        prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..9),
            0..120,
        ),
    )
        .prop_map(|(nodes, edges)| {
            let mut g = Graph::new();
            for (i, (k, enabled, login, dept, named)) in nodes.iter().enumerate() {
                let mut node = Node::new(format!("n{i}"), KINDS[*k].clone())
                    .with_prop("enabled", *enabled)
                    .with_prop("last_login", Value::Time(*login))
                    .with_prop("department", ["eng", "ops", "fin"][*dept as usize]);
                if *named {
                    node =
                        node.with_name(format!("name{}", i % 7)).with_system(["ad", "aws"][i % 2]);
                }
                if i % 5 == 0 {
                    node =
                        node.with_prop("tags", Value::StrList(vec!["a".into(), format!("t{i}")]));
                }
                g.add_node(node).unwrap();
            }
            let n = nodes.len();
            for (a, b, k) in edges {
                let (a, b) = (a.index(n), b.index(n));
                let kind = edge_kind(k);
                let e = Edge::new(kind, format!("n{a}"), format!("n{b}"));
                g.add_edge(if k % 4 == 0 { e.with_prop("source", "test") } else { e });
            }
            g
        })
}

fn ids(snap: &Snapshot, set: impl IntoIterator<Item = u32>) -> BTreeSet<String> {
    set.into_iter().map(|v| snap.node(NodeId(v)).id().to_string()).collect()
}

fn open(g: &Graph) -> Snapshot {
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(g, &opts).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    snap.verify().unwrap();
    snap
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_keeps_every_node_and_edge(g in graphs()) {
        let snap = open(&g);
        prop_assert_eq!(snap.node_count(), g.node_count());
        for node in g.nodes() {
            let v = snap.find(&node.id).unwrap();
            let r = snap.node(v);
            prop_assert_eq!(r.kind(), node.kind.clone());
            prop_assert_eq!(r.name(), node.name.as_deref());
            prop_assert_eq!(r.system(), node.system.as_deref());
            let props: Vec<(String, Value)> = node.props.clone().into_iter().collect();
            prop_assert_eq!(r.props(), props);
        }
        let want: BTreeSet<(String, String, String)> =
            g.edges().iter().map(|e| (e.src.clone(), e.kind.to_string(), e.dst.clone())).collect();
        let mut got = BTreeSet::new();
        for v in snap.node_ids() {
            for (k, w, edge) in snap.edges(v, Direction::Out) {
                got.insert((snap.node(v).id().to_string(), snap.edge_kind(k).to_string(), snap.node(w).id().to_string()));
                let kind = snap.edge_kind(k);
                prop_assert_eq!(snap.find_edge(v, &kind, w), edge);
            }
        }
        prop_assert_eq!(got, want);
        for e in g.edges().iter().filter(|e| !e.props.is_empty()) {
            let (a, b) = (snap.find(&e.src).unwrap(), snap.find(&e.dst).unwrap());
            let edge = snap.find_edge(a, &e.kind, b).unwrap();
            prop_assert_eq!(snap.edge_props(edge), vec![("source".to_string(), Value::from("test"))]);
        }
    }

    #[test]
    fn access_who_and_all_access_match_the_naive_evaluator(g in graphs()) {
        let snap = open(&g);
        let naive = Naive::new(&g);
        let all = snap.access_all();
        let mut pairs = 0u64;
        for node in g.nodes() {
            let v = snap.find(&node.id).unwrap();
            prop_assert_eq!(ids(&snap, &snap.access(v).reached), naive.access(&node.id), "access of {}", node.id);
            let who = snap.who_can_access(v);
            let (accounts, persons) = naive.who(&node.id);
            prop_assert_eq!(ids(&snap, &who.accounts), accounts, "who accounts for {}", node.id);
            prop_assert_eq!(ids(&snap, &who.persons), persons, "who persons for {}", node.id);
            let targets: BTreeSet<String> = naive.access(&node.id).into_iter().filter(|id| {
                matches!(g.node(id).unwrap().kind, NodeKind::Entitlement | NodeKind::Resource)
            }).collect();
            if node.kind == NodeKind::Account {
                prop_assert_eq!(ids(&snap, all.get(v).unwrap()), targets.clone(), "all-access of {}", node.id);
                prop_assert_eq!(all.count(v), naive.entitlements(&node.id).len() as u64);
                pairs += all.count(v);
            }
            if node.kind == NodeKind::Person {
                prop_assert_eq!(ids(&snap, all.person(v)), targets, "all-access of person {}", node.id);
            }
        }
        prop_assert_eq!(all.total_pairs(), pairs);
        prop_assert_eq!(naive.all_account_entitlement_pairs(), pairs);
    }

    #[test]
    fn explain_finds_a_shortest_valid_path_and_every_way_in(g in graphs()) {
        let snap = open(&g);
        let naive = Naive::new(&g);
        for subject in g.nodes().iter().filter(|n| matches!(n.kind, NodeKind::Person | NodeKind::Account)) {
            let s = snap.find(&subject.id).unwrap();
            for target in g.nodes() {
                let t = snap.find(&target.id).unwrap();
                let want = naive.shortest_path_nodes(&subject.id, &target.id);
                let got = snap.explain(s, t);
                prop_assert_eq!(got.as_ref().map(|e| e.path.len()), want, "{} -> {}", subject.id, target.id);
                let Some(exp) = got else { continue };
                prop_assert_eq!(exp.path.first().map(|s| s.node), Some(s));
                prop_assert_eq!(exp.path.last().map(|s| s.node), Some(t));
                for pair in exp.path.windows(2) {
                    let kind = pair[1].edge.clone().unwrap();
                    let exists = if kind == EdgeKind::Correlation {
                        snap.find_edge(pair[1].node, &kind, pair[0].node).is_some()
                    } else {
                        snap.find_edge(pair[0].node, &kind, pair[1].node).is_some()
                    };
                    prop_assert!(exists, "step {:?} is not an edge", pair);
                }
                let via: BTreeSet<(String, String, String)> = exp.via.iter().map(|(a, k, b)| {
                    (snap.node(*a).id().to_string(), k.to_string(), snap.node(*b).id().to_string())
                }).collect();
                prop_assert_eq!(via, naive.via(&subject.id, &target.id));
            }
        }
    }

    #[test]
    fn what_if_matches_removing_the_edge(g in graphs(), pick in any::<prop::sample::Index>()) {
        prop_assume!(g.edge_count() > 0);
        let snap = open(&g);
        let naive = Naive::new(&g);
        let e = &g.edges()[pick.index(g.edge_count())];
        let (a, b) = (snap.find(&e.src).unwrap(), snap.find(&e.dst).unwrap());
        for subject in g.nodes().iter().filter(|n| matches!(n.kind, NodeKind::Person | NodeKind::Account)) {
            let s = snap.find(&subject.id).unwrap();
            let w = snap.what_if_remove(s, a, &e.kind, b);
            let after = naive.access_without(&subject.id, &e.src, &e.kind, &e.dst);
            prop_assert_eq!(ids(&snap, &w.after.reached), after.clone());
            let lost: BTreeSet<String> = naive.access(&subject.id).difference(&after).cloned().collect();
            prop_assert_eq!(ids(&snap, &w.lost), lost);
        }
    }

    #[test]
    fn filters_match_a_scan(g in graphs(), lo in 0i64..100, hi in 0i64..100, dept in 0usize..3, k in 0usize..6) {
        let snap = open(&g);
        let naive = Naive::new(&g);
        let dept = ["eng", "ops", "fin"][dept];
        let f = Filter::And(vec![
            Filter::Or(vec![Filter::Kind(KINDS[k].clone()), Filter::Bool("enabled".into(), false)]),
            Filter::Not(Box::new(Filter::Str("department".into(), dept.into()))),
            Filter::Range("last_login".into(), Some(lo), Some(hi)),
        ]);
        let want = naive.filter(|n| {
            (n.kind == KINDS[k] || n.prop("enabled") == Some(&Value::Bool(false)))
                && n.prop("department") != Some(&Value::from(dept))
                && n.prop("last_login").and_then(|v| v.as_i64()).is_some_and(|t| lo <= t && t <= hi)
        });
        prop_assert_eq!(ids(&snap, snap.filter(&f)), want);
        let sys = naive.filter(|n| n.system.as_deref() == Some("ad"));
        prop_assert_eq!(ids(&snap, snap.filter(&Filter::System("ad".into()))), sys);
        let has = naive.filter(|n| n.prop("tags").is_some());
        prop_assert_eq!(ids(&snap, snap.filter(&Filter::Has("tags".into()))), has);
    }

    #[test]
    fn damaged_bytes_are_refused_and_never_panic(g in graphs(), cut in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>(), bit in 0u8..8) {
        let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
        let (bytes, _) = build_bytes(&g, &opts).unwrap();

        let at = cut.index(bytes.len());
        prop_assert!(Snapshot::from_bytes(&bytes[..at]).is_err(), "truncated at {at} was accepted");

        let mut bad = bytes.clone();
        let at = flip.index(bad.len());
        bad[at] ^= 1 << bit;
        match Snapshot::from_bytes(&bad) {
            Err(_) => {}
            Ok(snap) => {
                // Padding bytes are not covered by any checksum; anything else must be.
                let verified = snap.verify();
                let in_padding = bytes_in_padding(&bytes, at);
                prop_assert!(verified.is_err() || in_padding, "flip at {at} passed verification");
                exercise(&snap);
            }
        }
    }
}

/// Whether offset `at` lies in the zero padding between sections.
fn bytes_in_padding(bytes: &[u8], at: usize) -> bool {
    let snap = Snapshot::from_bytes(bytes).unwrap();
    let _ = snap;
    // Read the table directly: entries of 32 bytes after the 256-byte header.
    let count = u32::from_le_bytes(bytes[32..36].try_into().unwrap()) as usize;
    let mut covered = vec![(0usize, 256 + 32 * count), (bytes.len() - 64, bytes.len())];
    for i in 0..count {
        let e = &bytes[256 + 32 * i..256 + 32 * (i + 1)];
        let off = u64::from_le_bytes(e[8..16].try_into().unwrap()) as usize;
        let len = u64::from_le_bytes(e[16..24].try_into().unwrap()) as usize;
        covered.push((off, off + len));
    }
    // The footer's zero tail is not checked either.
    let footer_tail = at >= bytes.len() - 40;
    footer_tail || !covered.iter().any(|&(a, b)| a <= at && at < b)
}

/// Runs every query on a snapshot that opened, to prove none panics.
fn exercise(snap: &Snapshot) {
    let all = snap.access_all();
    let _ = all.total_pairs();
    for v in snap.node_ids().take(50) {
        let _ = snap.access(v);
        let _ = snap.who_can_access(v);
        let _ = snap.explain(v, NodeId(0));
        let _ = snap.node(v).props();
        let _ = snap.node(v).label();
        let _ = all.person(v);
        for (k, w, _) in snap.edges(v, Direction::Out) {
            let _ = snap.what_if_remove(v, v, &snap.edge_kind(k), w);
        }
    }
    let _ = snap.filter(&Filter::Not(Box::new(Filter::Has("enabled".into()))));
    let _ = snap.find("n1");
    let _ = snap.resolve("name1");
}

#[test]
fn a_chain_a_hundred_thousand_groups_deep_is_fine() {
    let depth = 100_000;
    let mut g = Graph::new();
    g.add_node(Node::new("acct", NodeKind::Account)).unwrap();
    g.add_node(Node::new("ent", NodeKind::Entitlement)).unwrap();
    for i in 0..depth {
        g.add_node(Node::new(format!("g{i}"), NodeKind::Group)).unwrap();
        if i > 0 {
            g.add_edge(Edge::new(EdgeKind::MemberOf, format!("g{}", i - 1), format!("g{i}")));
        }
    }
    // Close a cycle at the top, and grant at the very end.
    g.add_edge(Edge::new(EdgeKind::MemberOf, format!("g{}", depth - 1), "g0"));
    g.add_edge(Edge::new(EdgeKind::MemberOf, "acct", "g0"));
    g.add_edge(Edge::new(EdgeKind::Grant, format!("g{}", depth - 1), "ent"));
    let snap = open(&g);
    let (a, e) = (snap.find("acct").unwrap(), snap.find("ent").unwrap());
    assert!(snap.access(a).entitlements().contains(e.0));
    assert_eq!(snap.access_all().count(a), 1);
    assert_eq!(snap.who_can_access(e).accounts.len(), 1);
    assert_eq!(snap.explain(a, e).unwrap().path.len(), depth + 2);
}

#[test]
fn unknown_edge_ends_are_an_error_or_counted() {
    let mut g = Graph::new();
    g.add_node(Node::new("a", NodeKind::Account)).unwrap();
    g.add_edge(Edge::new(EdgeKind::MemberOf, "a", "ghost"));
    let err = build_bytes(&g, &BuildOptions::default()).unwrap_err();
    assert!(err.to_string().contains("member_of a -> ghost"), "{err}");
    let opts =
        BuildOptions { unknown_ends: aisf_graph::UnknownEnds::Skip, ..BuildOptions::default() };
    let (_, report) = build_bytes(&g, &opts).unwrap();
    assert_eq!(report.skipped_edges, 1);
}

#[test]
fn a_newer_major_version_is_refused_with_both_versions() {
    let mut g = Graph::new();
    g.add_node(Node::new("a", NodeKind::Account)).unwrap();
    let (mut bytes, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
    bytes[8] = 2;
    let err = Snapshot::from_bytes(&bytes).unwrap_err();
    assert!(err.to_string().contains("version 2.0 is newer"), "{err}");
}

#[test]
fn a_failed_build_leaves_the_existing_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.aisf");
    let mut g = Graph::new();
    g.add_node(Node::new("a", NodeKind::Account)).unwrap();
    aisf_graph::build(&g, &path, &BuildOptions::default()).unwrap();
    let before = std::fs::read(&path).unwrap();
    g.add_edge(Edge::new(EdgeKind::MemberOf, "a", "ghost"));
    assert!(aisf_graph::build(&g, &path, &BuildOptions::default()).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left behind"
    );
}
