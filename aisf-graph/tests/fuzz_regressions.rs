//! Every input the fuzzers ever crashed on, replayed: each must open or
//! be refused with an error, and whatever opens must answer every query,
//! without a panic. Files live in `tests/fuzz-regressions/`, named by the
//! target that found them and what went wrong.

use aisf_core::{EdgeKind, NodeKind};
use aisf_graph::{Filter, NodeId, Snapshot};

fn exercise(snap: &Snapshot) {
    let _ = snap.verify();
    let all = snap.access_all();
    let _ = all.total_pairs();
    for v in snap.node_ids().take(64) {
        let _ = snap.access(v).entitlement_count();
        let _ = snap.who_can_access(v);
        let _ = snap.explain(v, NodeId(0));
        let _ = snap.what_if_remove(v, v, &EdgeKind::MemberOf, NodeId(0));
        let node = snap.node(v);
        let _ = (node.id(), node.name(), node.system(), node.props());
        let _ = all.person(v);
    }
    let _ = snap.filter(&Filter::And(vec![
        Filter::Kind(NodeKind::Account),
        Filter::Bool("enabled".into(), true),
        Filter::Range("last_login".into(), Some(0), None),
    ]));
    let _ = snap.known();
}

#[test]
fn every_recorded_crash_is_refused_or_answered_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if let Ok(snap) = Snapshot::from_bytes(&bytes) {
            exercise(&snap);
        }
        replayed += 1;
    }
    assert!(replayed > 0, "no regression files in {}", dir.display());
}
