//! Small enough to run under Miri, which checks the byte-level code paths
//! for undefined behaviour: building a snapshot in memory, the aligned
//! copy `Snapshot::from_bytes` makes, the in-place array views (bytemuck),
//! the manifest archive (rkyv), the bitmaps (roaring), verification and
//! every query, on an intact and on damaged files. Memory maps are outside
//! what Miri can run, so `Snapshot::open` is not exercised here.
//!
//! ```sh
//! cargo +nightly miri test -p aisf-graph --test miri_smoke
//! ```
//!
//! Under plain `cargo test` it is an ordinary (fast) test.

use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};
use aisf_graph::{BuildOptions, Direction, Filter, NodeId, Snapshot, build_bytes};

fn graph() -> Graph {
    let mut g = Graph::new();
    let nodes = [
        ("p:ann", NodeKind::Person),
        ("ad:ann", NodeKind::Account),
        ("ad:bob", NodeKind::Account),
        ("ad:g1", NodeKind::Group),
        ("ad:g2", NodeKind::Group),
        ("aws:admin", NodeKind::Role),
        ("erp:pay", NodeKind::Entitlement),
        ("erp:ledger", NodeKind::Resource),
    ];
    for (i, (id, kind)) in nodes.into_iter().enumerate() {
        let node = Node::new(id, kind)
            .with_name(format!("name {i}"))
            .with_system(if i % 2 == 0 { "ad" } else { "erp" })
            .with_prop("enabled", i % 3 != 0)
            .with_prop("last_login", Value::Time(1_700_000_000 + i as i64))
            .with_prop("tags", Value::StrList(vec!["a".into(), format!("t{i}")]));
        g.add_node(node).unwrap();
    }
    let edges = [
        (EdgeKind::Correlation, "ad:ann", "p:ann"),
        (EdgeKind::MemberOf, "ad:ann", "ad:g1"),
        (EdgeKind::MemberOf, "ad:g1", "ad:g2"),
        (EdgeKind::MemberOf, "ad:g2", "ad:g1"),
        (EdgeKind::MemberOf, "ad:bob", "ad:g2"),
        (EdgeKind::HasRole, "ad:g2", "aws:admin"),
        (EdgeKind::Grant, "aws:admin", "erp:pay"),
        (EdgeKind::OnResource, "erp:pay", "erp:ledger"),
        (EdgeKind::Owns, "ad:bob", "erp:ledger"),
    ];
    for (kind, a, b) in edges {
        g.add_edge(Edge::new(kind, a, b).with_prop("source", "miri"));
    }
    g
}

fn exercise(snap: &Snapshot) {
    let all = snap.access_all();
    let _ = (all.total_pairs(), all.distinct_sets());
    for v in snap.node_ids() {
        let _ = snap.access(v).entitlements();
        let _ = snap.who_can_access(v);
        let _ = snap.explain(v, NodeId(0));
        let _ = all.person(v);
        let node = snap.node(v);
        let _ = (node.id(), node.name(), node.system(), node.props(), node.label());
        for (k, w, edge) in snap.edges(v, Direction::Out) {
            let _ = snap.what_if_remove(v, v, &snap.edge_kind(k), w);
            if let Some(edge) = edge {
                let _ = snap.edge_props(edge);
            }
        }
    }
    let _ = snap.filter(&Filter::And(vec![
        Filter::Bool("enabled".into(), true),
        Filter::Range("last_login".into(), Some(1_700_000_002), None),
        Filter::Str("tags".into(), "a".into()),
    ]));
    let _ = snap.find_by_name("name 3");
    let _ = snap.known();
}

#[test]
fn build_open_verify_and_query_in_memory() {
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(&graph(), &opts).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    snap.verify().unwrap();
    exercise(&snap);
    let ann = snap.find("p:ann").unwrap();
    let pay = snap.find("erp:pay").unwrap();
    assert!(snap.access(ann).entitlements().contains(pay.0));
    assert_eq!(snap.who_can_access(pay).accounts.len(), 2);
}

#[test]
fn damaged_copies_are_refused_or_answer_without_undefined_behaviour() {
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(&graph(), &opts).unwrap();
    // A handful of flips spread over the file (Miri is slow), and a cut.
    let step = bytes.len() / 12;
    for at in (300..bytes.len()).step_by(step) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x5a;
        if let Ok(snap) = Snapshot::from_bytes(&bad) {
            let _ = snap.verify();
            exercise(&snap);
        }
    }
    assert!(Snapshot::from_bytes(&bytes[..bytes.len() / 2]).is_err());
}
