//! A generated organisation written as OpenGraph JSON reads back to the
//! same graph: the same nodes (ids, kinds, systems, names, properties and
//! their types) and the same edges.
//!
//! The one addition is documented reader behaviour: every node read from
//! OpenGraph carries its `kinds` list, here the one kind the writer gave it.

use aisf_core::ingest::{Mode, ReadOptions, Sink, opengraph};
use aisf_core::synth::{OrgConfig, generate};
use aisf_core::{Graph, Node, Value};

/// Writes `graph` as OpenGraph JSON and reads it back, strictly.
fn round_trip(graph: &Graph) -> Graph {
    let bytes = serde_json::to_vec(&opengraph::write(graph)).unwrap();
    let mut sink = Sink::new(Mode::Strict);
    opengraph::read(&bytes, "org.json", &ReadOptions::default(), &mut sink).unwrap();
    let (back, report) = sink.finish();
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
    assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);
    assert!(report.sources[0].warnings.is_empty(), "{:?}", report.sources[0].warnings);
    back
}

/// A node as it was before the reader added its `kinds`, which must be
/// the node's own kind, capitalised as OpenGraph spells kinds.
fn without_kinds(node: &Node) -> Node {
    let mut node = node.clone();
    let kinds = node.props.remove("kinds");
    let name = node.kind.as_str();
    let spelled = name[..1].to_ascii_uppercase() + &name[1..];
    assert_eq!(kinds, Some(Value::StrList(vec![spelled])), "{}", node.id);
    node
}

#[test]
fn a_generated_organisation_survives_opengraph() {
    for config in [OrgConfig::new(300), OrgConfig::demo()] {
        let org = generate(&config);
        let graph = &org.graph;
        let back = round_trip(graph);

        let mut nodes: Vec<Node> = back.nodes().iter().map(without_kinds).collect();
        let mut want = graph.nodes().to_vec();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        want.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(nodes.len(), want.len());
        for (got, want) in nodes.iter().zip(&want) {
            assert_eq!(got, want);
        }

        let sorted = |g: &Graph| {
            let mut edges: Vec<String> = g.edges().iter().map(|e| format!("{e:?}")).collect();
            edges.sort();
            edges
        };
        assert_eq!(sorted(&back), sorted(graph));
    }
}
