//! What each fuzz target does with its input, shared by the targets in
//! `fuzz_targets/` and by the regression test (`tests/fuzz_regressions.rs`
//! in the main workspace), which replays every input that ever crashed a
//! target through the same code.
//!
//! Every function takes arbitrary bytes and must return without
//! panicking; the checks that are real properties (a snapshot the builder
//! wrote verifies; the engine agrees with the naive evaluator) are
//! assertions, so a breach is a crash the fuzzer records.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use aisf::core::correlate::{CorrelationConfig, correlate};
use aisf::core::ingest::csv_bundle::{self, BundleFile, ColumnMap};
use aisf::core::ingest::{
    IngestError, Limits, Mode, ReadOptions, Sink, archive, aws, entra, google, ldif, okta,
    opengraph, scim, sharphound,
};
use aisf::core::policy::Policy;
use aisf::graph::naive::Naive;
use aisf::graph::{BuildOptions, Filter, NodeId, Snapshot, UnknownEnds, build_bytes};
use aisf::{Edge, EdgeKind, Graph, Node, NodeKind, ScanOptions, Value, scan};

/// Every target, by the name its file and regression folder carry.
pub const TARGETS: [&str; 13] = [
    "snapshot_open",
    "ingest_sharphound",
    "ingest_opengraph",
    "ingest_scim",
    "ingest_ldif",
    "ingest_aws",
    "ingest_entra",
    "ingest_okta",
    "ingest_cloud",
    "ingest_csv_bundle",
    "ingest_zip",
    "policy_parse",
    "differential",
];

/// Runs the target called `name` on `data`; `false` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "snapshot_open" => snapshot_open(data),
        "ingest_sharphound" => ingest(data, sharphound::read),
        "ingest_opengraph" => ingest(data, opengraph::read),
        "ingest_scim" => ingest(data, scim::read),
        "ingest_ldif" => ingest(data, ldif::read),
        "ingest_aws" => ingest(data, aws::read),
        "ingest_cloud" => ingest_cloud(data),
        "ingest_entra" => ingest(data, entra::read),
        "ingest_okta" => ingest(data, okta::read),
        "ingest_csv_bundle" => ingest_csv_bundle(data),
        "ingest_zip" => ingest(data, archive::read_zip),
        "policy_parse" => policy_parse(data),
        "differential" => differential(data),
        _ => return false,
    }
    true
}

/// Limits small enough that the fuzzer hits them, so that the paths that
/// refuse an input are exercised too.
fn fuzz_options() -> ReadOptions {
    let limits = Limits { max_depth: 48, max_line: 4096, max_input: 1 << 20, max_zip_ratio: 50 };
    ReadOptions { system: None, limits, ..ReadOptions::default() }
}

/// Every query, on whatever opened. Answers are thrown away: the point is
/// that none panics or loops, whatever the bytes held.
pub fn exercise(snap: &Snapshot) {
    let n = snap.node_count().min(48) as u32;
    let last = NodeId(n.saturating_sub(1));
    let all = snap.access_all();
    let _ = (all.total_pairs(), all.distinct_sets(), all.person_pairs());
    for v in (0..n).map(NodeId) {
        let _ = snap.access(v).entitlement_count();
        let _ = snap.access(v).resources();
        let _ = snap.who_can_access(v).persons.len();
        let _ = snap.explain(v, last);
        let _ = snap.explain(last, v);
        let _ = all.person(v);
        let _ = all.count(v);
        let node = snap.node(v);
        let _ = (node.id(), node.name(), node.system(), node.props(), node.label(), node.kind());
        let _ = snap.find(node.id());
        for (k, w, edge) in snap.edges(v, aisf::graph::Direction::Out).into_iter().take(8) {
            let kind = snap.edge_kind(k);
            let _ = snap.what_if_remove(v, v, &kind, w);
            let _ = snap.what_if_remove(last, v, &kind, w);
            if let Some(edge) = edge {
                let _ = snap.edge_props(edge);
            }
        }
        let _ = snap.what_if_remove(v, v, &EdgeKind::MemberOf, NodeId(0));
    }
    let _ = snap.filter(&Filter::And(vec![
        Filter::Kind(NodeKind::Account),
        Filter::Bool("enabled".into(), true),
        Filter::Range("last_login".into(), Some(0), None),
    ]));
    let _ = snap.filter(&Filter::Or(vec![
        Filter::Not(Box::new(Filter::Has("enabled".into()))),
        Filter::Str("department".into(), "eng".into()),
        Filter::System("ad".into()),
    ]));
    let _ = snap.resolve("Domain Admins");
    let _ = snap.find_by_name("admin");
}

/// Arbitrary bytes as a snapshot: open, verify, and run every query on
/// whatever opens (verified or not: queries must survive damage that only
/// `verify` would catch).
pub fn snapshot_open(data: &[u8]) {
    let Ok(snap) = Snapshot::from_bytes(data) else { return };
    let _ = snap.verify();
    exercise(&snap);
}

/// What every reader target does after its reader: correlate, build the
/// snapshot in memory, which must then open and verify, and query it.
fn build_and_query(mut graph: Graph) {
    let _ = correlate(&mut graph, &CorrelationConfig::default());
    let opts = BuildOptions {
        unknown_ends: UnknownEnds::Skip,
        created: Some(0),
        ..BuildOptions::default()
    };
    let Ok((bytes, _)) = build_bytes(&graph, &opts) else { return };
    let snap = Snapshot::from_bytes(&bytes).expect("a snapshot the builder wrote opens");
    snap.verify().expect("a snapshot the builder wrote verifies");
    exercise(&snap);
}

type Reader = fn(&[u8], &str, &ReadOptions, &mut Sink) -> Result<(), IngestError>;

/// One reader on arbitrary bytes, in both modes; what it reads in lenient
/// mode goes through correlation and the builder.
pub fn ingest(data: &[u8], read: Reader) {
    let opts = fuzz_options();
    let mut strict = Sink::new(Mode::Strict);
    let _ = read(data, "fuzz.input", &opts, &mut strict);
    let mut sink = Sink::new(Mode::Lenient);
    if read(data, "fuzz.input", &opts, &mut sink).is_ok() {
        build_and_query(sink.finish().0);
    }
}

/// The cloud readers without a target of their own (Google Workspace and
/// the AWS credential report), chosen by the first byte.
pub fn ingest_cloud(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let read: Reader = match pick % 2 {
        0 => google::read,
        _ => aws::read_credential_report,
    };
    ingest(rest, read);
}

/// A CSV bundle of several files: the input is split at NUL bytes and the
/// i-th part is read as the i-th bundle file (cycling through
/// [`BundleFile::ALL`]), into one sink, as `read_dir` does for a folder.
pub fn ingest_csv_bundle(data: &[u8]) {
    let opts = fuzz_options();
    let map = ColumnMap::new();
    let mut sink = Sink::new(Mode::Lenient);
    for (i, part) in data.split(|b| *b == 0).enumerate() {
        let kind = BundleFile::ALL[i % BundleFile::ALL.len()];
        if csv_bundle::read_file(kind, part, kind.file_name(), &map, &opts, &mut sink).is_err() {
            return;
        }
    }
    build_and_query(sink.finish().0);
}

/// A small organisation, built once, that fuzzed policies are scanned on.
fn scan_target() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let org = aisf::core::synth::generate(&aisf::core::synth::OrgConfig::new(12));
        let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
        let (bytes, _) = build_bytes(&org.graph, &opts).expect("the generated org builds");
        Snapshot::from_bytes(&bytes).expect("the generated org opens")
    })
}

/// Arbitrary text as a policy file; whatever parses is checked for
/// contradictions, against the names of a small organisation, and scanned
/// over it.
pub fn policy_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(policy) = Policy::from_toml_str(&text, "fuzz.toml") else { return };
    let _ = policy.contradictions();
    let snap = scan_target();
    let _ = policy.check_names(&snap.known());
    let _ = scan(snap, &policy, &ScanOptions::default());
}

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

/// A small graph from bytes: the first byte gives the node count (1 to
/// 24), one byte per node its kind and properties, then every three bytes
/// an edge (source, target, kind), so cycles, self-loops and duplicate
/// edges all occur.
pub fn graph_from_bytes(data: &[u8]) -> Option<Graph> {
    let (&first, rest) = data.split_first()?;
    let n = usize::from(first % 24) + 1;
    let (nodes, edges) = rest.split_at(n.min(rest.len()));
    let mut g = Graph::new();
    for i in 0..n {
        let b = nodes.get(i).copied().unwrap_or(0);
        let mut node = Node::new(format!("n{i}"), KINDS[usize::from(b % 6)].clone())
            .with_prop("enabled", b & 0x40 != 0)
            .with_prop("last_login", Value::Time(i64::from(b >> 3)));
        if b & 0x80 != 0 {
            node = node.with_name(format!("name{}", i % 5)).with_system(["ad", "aws"][i % 2]);
        }
        g.add_node(node).ok()?;
    }
    for e in edges.chunks_exact(3) {
        let (a, b) = (usize::from(e[0]) % n, usize::from(e[1]) % n);
        g.add_edge(Edge::new(edge_kind(e[2]), format!("n{a}"), format!("n{b}")));
    }
    Some(g)
}

fn ids(snap: &Snapshot, set: impl IntoIterator<Item = u32>) -> BTreeSet<String> {
    set.into_iter().map(|v| snap.node(NodeId(v)).id().to_string()).collect()
}

/// Builds a snapshot of a graph made from the bytes and checks every
/// parallel query against the naive evaluator.
pub fn differential(data: &[u8]) {
    let Some(g) = graph_from_bytes(data) else { return };
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(&g, &opts).expect("a graph with known ends builds");
    let snap = Snapshot::from_bytes(&bytes).expect("a built snapshot opens");
    snap.verify().expect("a built snapshot verifies");
    let naive = Naive::new(&g);
    let all = snap.access_all();
    let mut pairs = 0;
    let subjects: Vec<&Node> = g
        .nodes()
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Person | NodeKind::Account))
        .collect();
    for node in g.nodes() {
        let v = snap.find(&node.id).expect("every node is in the snapshot");
        assert_eq!(
            ids(&snap, &snap.access(v).reached),
            naive.access(&node.id),
            "access {}",
            node.id
        );
        let who = snap.who_can_access(v);
        let (accounts, persons) = naive.who(&node.id);
        assert_eq!(ids(&snap, &who.accounts), accounts, "who (accounts) {}", node.id);
        assert_eq!(ids(&snap, &who.persons), persons, "who (persons) {}", node.id);
        if node.kind == NodeKind::Account {
            let got = all.count(v);
            assert_eq!(got, naive.entitlements(&node.id).len() as u64, "all-access {}", node.id);
            pairs += got;
        }
        for s in &subjects {
            let sv = snap.find(&s.id).expect("every node is in the snapshot");
            let got = snap.explain(sv, v).map(|e| e.path.len());
            let want = naive.shortest_path_nodes(&s.id, &node.id);
            assert_eq!(got, want, "explain {} -> {}", s.id, node.id);
        }
    }
    assert_eq!(all.total_pairs(), pairs);
    assert_eq!(naive.all_account_entitlement_pairs(), pairs);
    // What-if on each edge, for each subject.
    for e in g.edges().iter().take(12) {
        let a = snap.find(&e.src).expect("edge ends are nodes");
        let b = snap.find(&e.dst).expect("edge ends are nodes");
        for s in &subjects {
            let sv = snap.find(&s.id).expect("every node is in the snapshot");
            let w = snap.what_if_remove(sv, a, &e.kind, b);
            let after = naive.access_without(&s.id, &e.src, &e.kind, &e.dst);
            assert_eq!(ids(&snap, &w.after.reached), after, "what-if {} without {e:?}", s.id);
        }
    }
}
