//! A generated organisation written as a CSV bundle reads back to the same
//! graph: the same nodes (ids, kinds, systems, names, properties and their
//! types) and the same edges.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use aisf_core::ingest::csv_bundle::{WriteReport, read_dir, write_bundle};
use aisf_core::ingest::{Mode, ReadOptions, Sink};
use aisf_core::synth::{OrgConfig, generate};
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};

/// A folder of its own under the system's temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        TempDir(std::env::temp_dir().join(format!("aisf-bundle-rt-{}-{n}", std::process::id())))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Writes `graph` as a bundle and reads it back, strictly.
fn round_trip(graph: &Graph) -> (Graph, WriteReport) {
    let dir = TempDir::new();
    let written = write_bundle(graph, &dir.0).unwrap();
    let mut sink = Sink::new(Mode::Strict);
    read_dir(&dir.0, &ReadOptions::default(), &mut sink).unwrap();
    let (back, report) = sink.finish();
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
    assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);
    (back, written)
}

/// Nodes sorted by id, edges as a sorted list.
fn normal(graph: &Graph) -> (Vec<Node>, Vec<String>) {
    let mut nodes = graph.nodes().to_vec();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let mut edges: Vec<String> = graph.edges().iter().map(|e| format!("{e:?}")).collect();
    edges.sort();
    (nodes, edges)
}

/// Fails naming the first nodes and edges that differ, not two walls of
/// text.
fn assert_same(back: &Graph, graph: &Graph) {
    let ((nodes_back, edges_back), (nodes, edges)) = (normal(back), normal(graph));
    assert_eq!(nodes_back.len(), nodes.len(), "node count");
    for (b, n) in nodes_back.iter().zip(&nodes) {
        assert_eq!(b, n);
    }
    assert_eq!(edges_back.len(), edges.len(), "edge count");
    for (b, e) in edges_back.iter().zip(&edges) {
        assert_eq!(b, e);
    }
}

#[test]
fn a_generated_organisation_survives_a_bundle() {
    for config in [OrgConfig::new(300), OrgConfig::demo()] {
        let org = generate(&config);
        let graph = &org.graph;
        let (back, written) = round_trip(graph);
        assert!(written.is_complete(), "{written}");
        assert_eq!(written.nodes, graph.node_count() as u64);
        assert_eq!(written.edges, graph.edge_count() as u64);
        assert_same(&back, graph);

        // What the writer once dropped is there: systems, owned groups,
        // resources under their own ids, typed free properties.
        let count = |g: &Graph, kind: NodeKind| g.nodes().iter().filter(|n| n.kind == kind).count();
        assert_eq!(count(&back, NodeKind::System), 6);
        let owned_groups = back
            .edges()
            .iter()
            .filter(|e| e.kind == EdgeKind::Owns)
            .filter(|e| back.node(&e.dst).is_some_and(|n| n.kind == NodeKind::Group))
            .count();
        assert!(owned_groups > 0);
        assert!(back.node("ad:res:vpn").is_some());
    }
}

#[test]
fn what_a_bundle_cannot_say_is_counted() {
    let mut graph = Graph::new();
    graph.add_node(Node::new("p1", NodeKind::Person)).unwrap();
    graph.add_node(Node::new("p2", NodeKind::Person)).unwrap();
    graph.add_node(Node::new("a1", NodeKind::Account).with_prop("username", "x")).unwrap();
    graph.add_node(Node::new("c1", NodeKind::Other("Computer".into()))).unwrap();
    graph.add_node(Node::new("s1", NodeKind::System)).unwrap();
    graph.add_node(Node::new("g1", NodeKind::Group).with_prop("name", "shadowed")).unwrap();
    graph.add_node(Node::new("g2", NodeKind::Group).with_prop("x", 1i64)).unwrap();
    graph.add_node(Node::new("g3", NodeKind::Group).with_prop("x", "one")).unwrap();
    graph.add_edge(Edge::new(EdgeKind::Correlation, "a1", "p1").with_prop("rule", "email"));
    graph.add_edge(Edge::new(EdgeKind::Correlation, "a1", "p2"));
    graph.add_edge(Edge::new(EdgeKind::InSystem, "a1", "s1"));
    graph.add_edge(Edge::new(EdgeKind::other("AdminTo", true), "a1", "c1"));
    graph.add_edge(Edge::new(EdgeKind::Owns, "p1", "a1"));
    graph.add_edge(Edge::new(EdgeKind::Owns, "p2", "a1"));
    graph.add_edge(Edge::new(EdgeKind::Owns, "p2", "g1"));

    let (back, written) = round_trip(&graph);
    let left: Vec<(&str, u64)> = written.left_out.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        left,
        [
            ("'name' property named like a column of its file", 1),
            ("'x' property with values of several types (written as text)", 1),
            ("edge of kind 'AdminTo' (no bundle file)", 1),
            ("edge of kind 'in_system' (no bundle file)", 1),
            ("node of kind 'Computer' (no bundle file)", 1),
            ("properties of a 'correlation' edge (a reference cell has none)", 1),
            ("second 'correlation' edge of one account (one cell per row)", 1),
        ]
    );
    // Both owners of the account and the group's owner come back.
    let owns = back.edges().iter().filter(|e| e.kind == EdgeKind::Owns).count();
    assert_eq!(owns, 3);
    assert_eq!(written.nodes, 7);
    assert_eq!(written.edges, 4);
}
