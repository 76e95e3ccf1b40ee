//! Tests of the CSV bundle reader and writer.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;

use super::*;
use crate::Graph;
use crate::ingest::{IngestReport, Mode, ingest_paths};

const BUNDLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/csv-bundle");

fn read_bundle(mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    let mut sink = Sink::new(mode);
    read_dir(Path::new(BUNDLE), &ReadOptions::default(), &mut sink)?;
    Ok(sink.finish())
}

fn edges_of(graph: &Graph, kind: &EdgeKind) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = graph
        .edges()
        .iter()
        .filter(|e| e.kind == *kind)
        .map(|e| (e.src.clone(), e.dst.clone()))
        .collect();
    out.sort();
    out
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn the_bundle_reads_into_nodes_and_edges() {
    let (graph, report) = read_bundle(Mode::Lenient).unwrap();
    assert_eq!(report.sources.len(), 8);
    assert_eq!(graph.node_count(), 12);
    assert_eq!(graph.edge_count(), 14);
    assert!(report.unresolved.is_empty());
    assert!(report.conflicts.is_empty());

    assert_eq!(edges_of(&graph, &EdgeKind::Manager), [pair("p2", "p1"), pair("p3", "p1")]);
    assert_eq!(
        edges_of(&graph, &EdgeKind::Correlation),
        [pair("ad:alice", "p1"), pair("ad:bob", "p2")]
    );
    assert_eq!(edges_of(&graph, &EdgeKind::Owns), [pair("p1", "ad:svc-backup")]);
    assert_eq!(edges_of(&graph, &EdgeKind::MemberOf).len(), 4);
    assert_eq!(edges_of(&graph, &EdgeKind::HasRole), [pair("ad:bob", "role:auditor")]);
    assert_eq!(
        edges_of(&graph, &EdgeKind::OnResource),
        [
            pair("aws:s3-admin", "resource:aws:s3://payroll"),
            pair("aws:s3-read", "resource:aws:s3://payroll")
        ]
    );
    let grant = graph.edges().iter().find(|e| e.kind == EdgeKind::Grant).unwrap();
    assert_eq!(grant.props.get("granted_by"), Some(&Value::Str("ticket-42".into())));

    let alice = graph.node("ad:alice").unwrap();
    assert_eq!(alice.system.as_deref(), Some("ad"));
    assert_eq!(alice.prop(props::ENABLED), Some(&Value::Bool(true)));
    assert_eq!(alice.prop(props::PRIVILEGED), Some(&Value::Bool(true)));
    assert_eq!(alice.prop(props::MFA), Some(&Value::Bool(true)));
    assert_eq!(alice.prop(props::LAST_LOGIN), Some(&Value::Time(1_709_278_200)));
    assert_eq!(alice.prop(props::CREATED), Some(&Value::Time(1_554_076_800)));
    assert_eq!(alice.prop(props::ACCOUNT_TYPE), Some(&Value::Str("human".into())));
    let bob = graph.node("p2").unwrap();
    assert_eq!(bob.kind, NodeKind::Person);
    assert_eq!(bob.prop(props::START_DATE), Some(&Value::Time(1_610_701_200)));
    assert_eq!(bob.prop(props::END_DATE), Some(&Value::Time(1_709_164_800)));
    assert_eq!(bob.prop("cost_center"), Some(&Value::Str("CC-20".into())));
    assert_eq!(graph.node("p3").unwrap().name.as_deref(), Some("Carol, the Third"));
    let resource = graph.node("resource:aws:s3://payroll").unwrap();
    assert_eq!(
        (resource.kind.clone(), resource.name.as_deref()),
        (NodeKind::Resource, Some("s3://payroll"))
    );
}

#[test]
fn a_bad_boolean_is_a_skip_naming_line_column_and_value() {
    let (graph, report) = read_bundle(Mode::Lenient).unwrap();
    assert!(!graph.contains("okta:carol"));
    let accounts = report.sources.iter().find(|s| s.file.ends_with("accounts.csv")).unwrap();
    assert_eq!(accounts.records, 4);
    assert_eq!(accounts.skipped.len(), 1);
    assert!(accounts.skipped[0].place.to_string().ends_with("accounts.csv:5"));
    assert_eq!(
        accounts.skipped[0].reason,
        "column 'enabled': expected true/false/yes/no/1/0, found \"maybe\""
    );

    let err = read_bundle(Mode::Strict).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.ends_with(
            "accounts.csv:5: column 'enabled': expected true/false/yes/no/1/0, found \"maybe\""
        ),
        "{msg}"
    );
}

#[test]
fn an_hr_export_reads_as_persons_through_a_column_map() {
    let bytes = std::fs::read(format!("{BUNDLE}/hr.csv")).unwrap();
    let map = ColumnMap::new().with("person_id", "empNo").with("employee_id", "EMPNO");
    let mut sink = Sink::new(Mode::Strict);
    read_file(BundleFile::Persons, &bytes, "hr.csv", &map, &ReadOptions::default(), &mut sink)
        .unwrap();
    let (graph, report) = sink.finish();
    assert_eq!(report.sources[0].records, 250);
    assert_eq!(graph.node_count(), 250);
    let first = graph.node("1001").unwrap();
    assert_eq!(first.kind, NodeKind::Person);
    assert_eq!(first.prop(props::EMPLOYEE_ID), Some(&Value::Str("1001".into())));
    assert_eq!(first.prop(props::DEPARTMENT), Some(&Value::Str("Sales".into())));
    assert_eq!(first.prop("firstName"), Some(&Value::Str("Tamesha".into())));
    assert_eq!(first.prop("phone"), Some(&Value::Str("+421-322-934-084".into())));

    // Without the map the id column is missing, and the header is named.
    let mut sink = Sink::new(Mode::Lenient);
    let err = read_file(
        BundleFile::Persons,
        &bytes,
        "hr.csv",
        &ColumnMap::new(),
        &ReadOptions::default(),
        &mut sink,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        concat!(
            "hr.csv:1: no 'person_id' column in the header ",
            "(found empNo, firstName, lastName, department, phone)"
        )
    );
}

#[test]
fn ingest_paths_treats_the_folder_as_one_bundle_and_skips_what_it_does_not_know() {
    let (graph, report) =
        ingest_paths(&[PathBuf::from(BUNDLE)], &ReadOptions::default(), Mode::Lenient).unwrap();
    assert_eq!(graph.node_count(), 12);
    // Eight bundle files, then hr.csv and PROVENANCE.md, which no reader knows.
    assert_eq!(report.sources.len(), 10);
    let unknown: Vec<&str> =
        report.sources.iter().filter(|s| s.format == "unknown").map(|s| s.file.as_str()).collect();
    assert_eq!(unknown.len(), 2);
    assert!(unknown[0].ends_with("PROVENANCE.md") && unknown[1].ends_with("hr.csv"));
}

#[test]
fn rows_that_cannot_be_used_are_skipped() {
    let text = "group_id,system,name,privileged\n,ad,No Id,true\ng1,ad,Ok,\ng2,ad\n";
    let mut sink = Sink::new(Mode::Lenient);
    read(text.as_bytes(), "groups.csv", &ReadOptions::default(), &mut sink).unwrap();
    let (graph, report) = sink.finish();
    assert_eq!(graph.node_count(), 1);
    let skipped: Vec<String> =
        report.sources[0].skipped.iter().map(|s| format!("{}: {}", s.place, s.reason)).collect();
    assert_eq!(skipped[0], "groups.csv:2: empty id");
    assert!(skipped[1].starts_with("groups.csv:4: unreadable row: "), "{}", skipped[1]);

    // A file of another name is known by its header.
    let mut sink = Sink::new(Mode::Strict);
    read(b"holder_id,role_id\na,r\n", "export.csv", &ReadOptions::default(), &mut sink).unwrap();
    assert_eq!(sink.finish().0.edges()[0].kind, EdgeKind::HasRole);
    let err = read(b"x,y\n", "x.csv", &ReadOptions::default(), &mut Sink::new(Mode::Lenient))
        .unwrap_err();
    assert!(matches!(err, IngestError::UnknownFormat { .. }));
}

fn temp_dir() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("aisf-bundle-{}-{n}", std::process::id()))
}

#[test]
fn the_fixture_bundle_survives_a_write_and_a_read() {
    let (graph, _) = read_bundle(Mode::Lenient).unwrap();
    let dir = temp_dir();
    write_bundle(&graph, &dir).unwrap();
    let mut sink = Sink::new(Mode::Strict);
    read_dir(&dir, &ReadOptions::default(), &mut sink).unwrap();
    let (back, _) = sink.finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(normal(&back), normal(&graph));
}

/// Nodes by id and edges as a sorted multiset.
fn normal(graph: &Graph) -> (Vec<Node>, Vec<String>) {
    let mut nodes = graph.nodes().to_vec();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let mut edges: Vec<String> = graph.edges().iter().map(|e| format!("{e:?}")).collect();
    edges.sort();
    (nodes, edges)
}

/// Small graphs of what a bundle can say: persons, accounts, groups,
/// roles and entitlements with their typed columns and a free column;
/// memberships, grants, role assignments, and at most one correlation,
/// manager and owner per node.
fn graphs() -> impl Strategy<Value = Graph> {
    let text = "[A-Za-z][A-Za-z ,\"']{0,6}";
    let time = -2_000_000_000i64..4_000_000_000;
    let date = (-20_000i64..40_000).prop_map(|d| d * 86_400);
    let person = (
        prop::option::of(text),
        prop::option::of("[a-z]{1,3}"),
        prop::option::of(date),
        prop::option::of(time.clone()),
        prop::option::of(text),
    );
    let account = (
        prop::option::of("[a-z]{1,3}"),
        prop::option::of(any::<bool>()),
        prop::option::of(time.clone()),
        prop::option::of(prop_oneof![Just("human"), Just("service"), Just("shared")]),
        prop::option::of(text),
        prop::option::of(text),
    );
    let other =
        (prop::option::of("[a-z]{1,3}"), prop::option::of(text), prop::option::of(any::<bool>()));
    (
        prop::collection::vec(person, 0..4),
        prop::collection::vec(account, 0..5),
        prop::collection::vec(other.clone(), 0..4),
        prop::collection::vec(other.clone(), 0..3),
        prop::collection::vec((other, prop::option::of("[a-z:/]{1,6}")), 0..4),
        prop::collection::vec((0..5usize, 0..4usize, 0..3usize), 0..20),
    )
        .prop_map(|(persons, accounts, groups, roles, entitlements, links)| {
            build(persons, accounts, groups, roles, entitlements, links)
        })
}

type PersonSpec = (Option<String>, Option<String>, Option<i64>, Option<i64>, Option<String>);
type AccountSpec = (
    Option<String>,
    Option<bool>,
    Option<i64>,
    Option<&'static str>,
    Option<String>,
    Option<String>,
);
type OtherSpec = (Option<String>, Option<String>, Option<bool>);

fn build(
    persons: Vec<PersonSpec>,
    accounts: Vec<AccountSpec>,
    groups: Vec<OtherSpec>,
    roles: Vec<OtherSpec>,
    entitlements: Vec<(OtherSpec, Option<String>)>,
    links: Vec<(usize, usize, usize)>,
) -> Graph {
    let mut g = Graph::new();
    let set = |node: &mut Node, key: &str, value: Option<Value>| {
        if let Some(v) = value {
            node.props.insert(key.to_string(), v);
        }
    };
    for (i, (name, system, start, end, note)) in persons.iter().cloned().enumerate() {
        let mut n = Node { name, system, ..Node::new(format!("p{i}"), NodeKind::Person) };
        set(&mut n, props::START_DATE, start.map(Value::Time));
        set(&mut n, props::END_DATE, end.map(Value::Time));
        set(&mut n, "note", note.map(Value::Str));
        g.add_node(n).unwrap();
    }
    for (i, (system, enabled, login, kind, email, name)) in accounts.iter().cloned().enumerate() {
        let mut n = Node { name, system, ..Node::new(format!("a{i}"), NodeKind::Account) };
        set(&mut n, props::ENABLED, enabled.map(Value::Bool));
        set(&mut n, props::LAST_LOGIN, login.map(Value::Time));
        set(&mut n, props::ACCOUNT_TYPE, kind.map(|k| Value::Str(k.into())));
        set(&mut n, props::EMAIL, email.map(Value::Str));
        g.add_node(n).unwrap();
    }
    let plain = |g: &mut Graph, prefix: &str, kind: NodeKind, specs: &[OtherSpec]| {
        for (i, (system, name, privileged)) in specs.iter().cloned().enumerate() {
            let mut n = Node { name, system, ..Node::new(format!("{prefix}{i}"), kind.clone()) };
            set(&mut n, props::PRIVILEGED, privileged.map(Value::Bool));
            g.add_node(n).unwrap();
        }
    };
    plain(&mut g, "g", NodeKind::Group, &groups);
    plain(&mut g, "r", NodeKind::Role, &roles);
    let specs: Vec<OtherSpec> = entitlements.iter().map(|(s, _)| s.clone()).collect();
    plain(&mut g, "e", NodeKind::Entitlement, &specs);
    for (i, (_, resource)) in entitlements.iter().enumerate() {
        let Some(resource) = resource else { continue };
        let id = format!("e{i}");
        let system = g.node(&id).and_then(|n| n.system.clone());
        if let Some(n) = g.node_mut(&id) {
            n.props.insert(props::RESOURCE.into(), Value::Str(resource.clone()));
        }
        let target = resource_id(system.as_deref().unwrap_or_default(), resource);
        if !g.contains(&target) {
            let node = Node {
                name: Some(resource.clone()),
                system,
                ..Node::new(&target, NodeKind::Resource)
            };
            g.add_node(node).unwrap();
        }
        g.add_edge(Edge::new(EdgeKind::OnResource, id, target));
    }

    let (np, na, ng, nr, ne) =
        (persons.len(), accounts.len(), groups.len(), roles.len(), entitlements.len());
    let mut has = std::collections::HashSet::new();
    for (x, y, z) in links {
        let mut once = |g: &mut Graph, key: (&str, usize), edge: Edge| {
            if has.insert((key.0.to_string(), key.1)) {
                g.add_edge(edge);
            }
        };
        match z {
            0 if na > 0 && np > 0 => {
                let (a, p) = (x % na, y % np);
                once(
                    &mut g,
                    ("corr", a),
                    Edge::new(EdgeKind::Correlation, format!("a{a}"), format!("p{p}")),
                );
                once(
                    &mut g,
                    ("owner", a),
                    Edge::new(EdgeKind::Owns, format!("p{p}"), format!("a{a}")),
                );
                once(
                    &mut g,
                    ("mgr", p),
                    Edge::new(EdgeKind::Manager, format!("p{p}"), format!("p{}", x % np)),
                );
            }
            1 if ng > 0 => {
                let member = if na > 0 && x % 2 == 0 {
                    format!("a{}", x % na)
                } else {
                    format!("g{}", x % ng)
                };
                g.add_edge(Edge::new(EdgeKind::MemberOf, member, format!("g{}", y % ng)));
                if nr > 0 {
                    g.add_edge(Edge::new(
                        EdgeKind::HasRole,
                        format!("g{}", y % ng),
                        format!("r{}", x % nr),
                    ));
                }
            }
            _ if ne > 0 => {
                let holder = match (x % 3, na, ng, nr) {
                    (0, 1.., _, _) => format!("a{}", y % na),
                    (1, _, 1.., _) => format!("g{}", y % ng),
                    (_, _, _, 1..) => format!("r{}", y % nr),
                    _ => continue,
                };
                g.add_edge(Edge::new(EdgeKind::Grant, holder, format!("e{}", x % ne)));
            }
            _ => {}
        }
    }
    g
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn write_then_read_gives_the_same_graph(graph in graphs()) {
        let dir = temp_dir();
        let written = write_bundle(&graph, &dir).unwrap();
        prop_assert!(written.is_complete(), "{}", written);
        let mut sink = Sink::new(Mode::Strict);
        let read = read_dir(&dir, &ReadOptions::default(), &mut sink);
        std::fs::remove_dir_all(&dir).ok();
        read.unwrap();
        let (back, report) = sink.finish();
        prop_assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
        prop_assert_eq!(normal(&back), normal(&graph));
    }
}

#[test]
fn the_new_files_are_known_by_their_header_and_free_columns_by_their_type() {
    let read_one = |text: &str, file: &str| {
        let mut sink = Sink::new(Mode::Lenient);
        read(text.as_bytes(), file, &ReadOptions::default(), &mut sink).unwrap();
        sink.finish()
    };
    let (graph, _) = read_one("owner_id,owned_id,since:time\np1,g1,2024-01-02\n", "x.csv");
    let owns = &graph.edges()[0];
    assert_eq!((owns.kind.clone(), owns.src.as_str()), (EdgeKind::Owns, "p1"));
    assert_eq!(owns.props.get("since"), Some(&Value::Time(1_704_153_600)));
    let (graph, _) = read_one("system_id,name\nsystem:ad,Active Directory\n", "y.csv");
    assert_eq!(graph.node("system:ad").unwrap().kind, NodeKind::System);

    // An entitlement with a resource id links to it and makes no node.
    let text = "entitlement_id,system,resource,resource_id,tier:int\ne1,aws,s3,aws:res:s3,0\n\
                e2,aws,s3,,zero\n";
    let (graph, report) = read_one(text, "entitlements.csv");
    assert_eq!(graph.node_count(), 1);
    assert_eq!(graph.node("e1").unwrap().prop("tier"), Some(&Value::Int(0)));
    assert_eq!(edges_of(&graph, &EdgeKind::OnResource), [pair("e1", "aws:res:s3")]);
    let skip = &report.sources[0].skipped[0];
    assert_eq!(
        format!("{}: {}", skip.place, skip.reason),
        "entitlements.csv:3: column 'tier:int': expected an integer, found \"zero\""
    );
}
