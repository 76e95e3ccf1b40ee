//! Tests of the OpenGraph reader and writer. Expected counts were taken
//! from the files with Python, not from this reader.

use std::path::PathBuf;

use proptest::prelude::*;

use super::*;
use crate::ingest::{IngestReport, Mode, ingest_paths};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");

fn read_bytes(bytes: &[u8], file: &str, mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    let mut sink = Sink::new(mode);
    read(bytes, file, &ReadOptions::default(), &mut sink)?;
    Ok(sink.finish())
}

fn read_fixture(path: &str) -> (Graph, IngestReport) {
    let (graph, report) = ingest_paths(
        &[PathBuf::from(format!("{FIXTURES}/{path}"))],
        &ReadOptions::default(),
        Mode::Strict,
    )
    .unwrap();
    assert!(report.sources.iter().all(|s| s.format == "opengraph"), "{path}");
    (graph, report)
}

#[test]
fn the_minimal_example_reads_as_two_people_who_know_each_other() {
    let (graph, report) = read_fixture("opengraph-examples/opengraph-minimal.json");
    assert_eq!(graph.node_count(), 2);
    assert_eq!(graph.edge_count(), 1);
    assert!(report.unresolved.is_empty());
    let bob = graph.node("123").unwrap();
    assert_eq!(bob.kind, NodeKind::Person);
    assert_eq!(bob.name.as_deref(), Some("BOB"));
    assert_eq!(bob.prop("kinds"), Some(&Value::StrList(vec!["Person".into()])));
    assert_eq!(bob.prop("displayname"), Some(&Value::Str("bob".into())));
    assert_eq!(graph.edges()[0], Edge::new(EdgeKind::other("Knows", false), "123", "234"));
}

#[test]
fn githound_counts_and_unresolved_ends() {
    let (graph, report) = read_fixture("opengraph-githound/githound_O_kgDOCoV2OQ.zip");
    assert_eq!(report.sources.len(), 1);
    assert!(
        report.sources[0].file.ends_with("githound_O_kgDOCoV2OQ.zip!githound_O_kgDOCoV2OQ.json")
    );
    assert_eq!(report.sources[0].records, 338 + 2763);
    assert_eq!(graph.node_count(), 338);
    assert_eq!(graph.edge_count(), 2763);
    assert_eq!(
        report.unresolved,
        ["4D30EF22AE6E0A6962BBBC41916294B1", "D1B8D1241EEFC632BA41A4D00E777F11"]
    );
    let users =
        graph.nodes().iter().filter(|n| n.kind == NodeKind::Other("GH_User".into())).count();
    assert_eq!(users, 13);
    assert!(graph.nodes().iter().all(|n| n.system.as_deref() == Some("GitHub")));
    // The secret-scanning alert's `secret` attribute is dropped, and said.
    assert!(graph.nodes().iter().all(|n| !n.props.contains_key("secret")));
    assert!(report.sources[0].warnings.contains(&format!(
        "{}: dropped secret attribute 'secret' from 1 record(s)",
        report.sources[0].file
    )));
}

#[test]
fn githound_saml_matches_by_name_or_leaves_the_reference_unresolved() {
    let (graph, report) = read_fixture("opengraph-githound/githound_saml_O_kgDOCoV2OQ.json");
    assert_eq!((graph.node_count(), graph.edge_count()), (2, 5));
    assert_eq!(
        report.unresolved,
        ["MDQ6VXNlcjEzMjc4MjEw", "O_kgDOCoV2OQ", "name:jatkinson@specterops.io"]
    );
    let (graph, report) = read_fixture("opengraph-githound/githound_scim_O_kgDOCoV2OQ.json");
    assert_eq!((graph.node_count(), graph.edge_count()), (0, 0));
    assert_eq!(report.sources[0].records, 0);

    // Read with the main collection, the ids resolve; the name does not.
    let (_, report) = ingest_paths(
        &[PathBuf::from(format!("{FIXTURES}/opengraph-githound"))],
        &ReadOptions::default(),
        Mode::Lenient,
    )
    .unwrap();
    assert_eq!(
        report.unresolved,
        [
            "4D30EF22AE6E0A6962BBBC41916294B1",
            "D1B8D1241EEFC632BA41A4D00E777F11",
            "name:jatkinson@specterops.io"
        ]
    );
}

#[test]
fn datahound_duplicates_merge_with_conflicts() {
    let (graph, report) = read_fixture("opengraph-datahound/sample-bhce-output.json");
    assert_eq!(report.sources[0].nodes, 41);
    assert_eq!(graph.node_count(), 38);
    assert_eq!(graph.edge_count(), 66);
    assert!(report.unresolved.is_empty());
    assert!(graph.nodes().iter().all(|n| n.system.as_deref() == Some("BHCE")));
    // "Read" three times and "Write" twice, each with a different `id`.
    let conflicts: Vec<(&str, &str)> =
        report.conflicts.iter().map(|c| (c.node.as_str(), c.key.as_str())).collect();
    assert_eq!(conflicts, [("Read", "id"), ("Write", "id"), ("Read", "id")]);
}

#[test]
fn a_json_schema_is_not_taken_for_a_graph() {
    let path = PathBuf::from(format!("{FIXTURES}/opengraph-examples/opengraph-node.json"));
    let err = ingest_paths(&[path], &ReadOptions::default(), Mode::Strict).unwrap_err();
    assert!(matches!(err, IngestError::UnknownFormat { .. }), "{err}");
}

#[test]
fn references_resolve_by_id_name_and_property() {
    let doc = br#"{"graph": {"nodes": [
        {"id": "u1", "kinds": ["User", "Base"], "properties": {"name": "ALICE", "dept": "ops"}},
        {"id": "u2", "kinds": ["User"], "properties": {"name": "BOB", "dept": "ops"}},
        {"id": "g1", "kinds": ["group"],
         "properties": {"name": "Admins", "last_login": "2024-03-05"}}
      ], "edges": [
        {"kind": "MemberOf", "start": "u1", "end": {"value": "g1"}},
        {"kind": "member_of", "start": {"value": "alice", "match_by": "name"}, "end": "g1"},
        {"kind": "Knows", "start": {"match_by": "property",
            "property_matchers": [{"key": "name", "operator": "equals", "value": "BOB"}]},
         "end": {"match_by": "property", "property_matchers": [{"key": "dept", "value": "ops"}]}},
        {"kind": "Knows", "start": {"value": "ALICE", "match_by": "name", "kind": "Group"},
         "end": "nowhere",
         "properties": {"aisf_access": true, "weight": 2}}
      ]}}"#;
    let (graph, report) = read_bytes(doc, "g.json", Mode::Strict).unwrap();
    let ends: Vec<(String, &str, &str)> = graph
        .edges()
        .iter()
        .map(|e| (e.kind.to_string(), e.src.as_str(), e.dst.as_str()))
        .collect();
    assert_eq!(
        ends,
        [
            ("member_of".to_string(), "u1", "g1"),
            ("member_of".to_string(), "u1", "g1"),
            ("Knows".to_string(), "u2", "property:dept=ops"),
            ("Knows".to_string(), "name:ALICE", "nowhere"),
        ]
    );
    assert!(graph.edges()[3].kind.grants_access());
    assert_eq!(graph.edges()[3].props.get("weight"), Some(&Value::Int(2)));
    assert_eq!(graph.node("g1").unwrap().kind, NodeKind::Group);
    assert_eq!(
        graph.node("g1").unwrap().prop(props::LAST_LOGIN),
        Some(&Value::Time(1_709_596_800))
    );
    assert_eq!(report.unresolved, ["name:ALICE", "nowhere", "property:dept=ops"]);
    assert_eq!(
        report.sources[0].warnings,
        ["g.json: 1 edge end(s) match more than one node; left unresolved"]
    );
}

#[test]
fn bad_nodes_and_edges_are_skipped_with_their_pointer() {
    let doc = br#"{"graph": {"nodes": [{"kinds": ["X"]}, {"id": "a", "kinds": "X"},
        {"id": "b", "kinds": []}],
        "edges": [{"kind": "K", "start": 5, "end": "b"}, {"start": "a", "end": "b"}]}}"#;
    let (graph, report) = read_bytes(doc, "g.json", Mode::Lenient).unwrap();
    assert_eq!(graph.node_count(), 1);
    assert_eq!(graph.node("b").unwrap().kind, NodeKind::Other(PLACEHOLDER_KIND.into()));
    let skipped: Vec<String> =
        report.sources[0].skipped.iter().map(|s| s.to_string_place()).collect();
    assert_eq!(
        skipped,
        [
            "g.json#/graph/nodes/0/id: expected a string id, found nothing",
            "g.json#/graph/nodes/1/kinds: expected a list of strings, found string \"X\"",
            "g.json#/graph/edges/0/start: expected an id or a reference, found number 5",
            "g.json#/graph/edges/1/kind: expected a string kind, found nothing",
        ]
    );
    let err = read_bytes(doc, "g.json", Mode::Strict).unwrap_err();
    assert_eq!(err.to_string(), "g.json#/graph/nodes/0/id: expected a string id, found nothing");

    let err = read_bytes(br#"{"graph": []}"#, "g.json", Mode::Lenient).unwrap_err();
    assert_eq!(err.to_string(), "g.json#/graph: expected an object with 'nodes' and 'edges'");
    let err = read_bytes(br#"{"graph": {"nodes": [}}"#, "g.json", Mode::Lenient).unwrap_err();
    assert!(err.to_string().starts_with("g.json:1: invalid JSON at byte 21"), "{err}");
    let deep = format!("{{\"graph\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let err = read_bytes(deep.as_bytes(), "g.json", Mode::Lenient).unwrap_err();
    assert!(matches!(err, IngestError::Limit { .. }));
}

trait PlaceText {
    fn to_string_place(&self) -> String;
}

impl PlaceText for crate::ingest::Skip {
    fn to_string_place(&self) -> String {
        format!("{}: {}", self.place, self.reason)
    }
}

/// Graphs as the reader makes them: every node carries its `kinds`.
fn graphs() -> impl Strategy<Value = Graph> {
    let kind = prop_oneof![
        Just(("Person", NodeKind::Person)),
        Just(("Account", NodeKind::Account)),
        Just(("group", NodeKind::Group)),
        Just(("GH_User", NodeKind::Other("GH_User".into()))),
        Just(("Computer", NodeKind::Other("Computer".into()))),
    ];
    let value = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        "[a-z ]{1,8}".prop_map(Value::Str),
        prop::collection::vec("[a-z]{0,4}", 0..3).prop_map(Value::StrList),
        (-10_000_000_000i64..10_000_000_000).prop_map(Value::Time),
    ];
    let props = prop::collection::btree_map("p_[a-c]", value, 0..3);
    let node = (
        kind,
        prop::option::of("[A-Za-z]{1,6}"),
        prop::option::of("[a-z]{1,4}"),
        props.clone(),
        prop::option::of(-10_000_000_000i64..10_000_000_000),
        any::<bool>(),
    );
    let edge_kind = prop_oneof![
        Just(EdgeKind::MemberOf),
        Just(EdgeKind::Grant),
        Just(EdgeKind::Correlation),
        Just(EdgeKind::other("GH_CanAccess", true)),
        Just(EdgeKind::other("AdminTo", false)),
    ];
    (
        prop::collection::vec(node, 0..8),
        prop::collection::vec((edge_kind, 0..10usize, 0..10usize, props), 0..12),
    )
        .prop_map(|(nodes, edges)| {
            let mut graph = Graph::new();
            for (i, ((spelling, kind), name, system, mut props, login, extra_kind)) in
                nodes.into_iter().enumerate()
            {
                let mut kinds = vec![spelling.to_string()];
                if extra_kind {
                    kinds.push("Base".into());
                }
                props.insert("kinds".into(), Value::StrList(kinds));
                if let Some(t) = login {
                    props.insert(props::LAST_LOGIN.into(), Value::Time(t));
                }
                let node = Node { id: format!("n{i}"), kind, name, system, props };
                graph.add_node(node).unwrap();
            }
            for (kind, src, dst, props) in edges {
                graph.add_edge(Edge {
                    kind,
                    src: format!("n{src}"),
                    dst: format!("n{dst}"),
                    props,
                });
            }
            graph
        })
}

proptest! {
    #[test]
    fn write_then_read_gives_the_same_graph(graph in graphs()) {
        let bytes = serde_json::to_vec(&write(&graph)).unwrap();
        let (back, report) = read_bytes(&bytes, "w.json", Mode::Strict).unwrap();
        prop_assert!(report.conflicts.is_empty());
        prop_assert_eq!(back.nodes(), graph.nodes());
        prop_assert_eq!(back.edges(), graph.edges());
    }
}
