//! Arbitrary bytes as a snapshot: opening must never panic or misbehave,
//! and whatever opens must answer every query without panicking.
#![no_main]

use aisf::graph::{Filter, NodeId, Snapshot};
use aisf::{EdgeKind, NodeKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(snap) = Snapshot::from_bytes(data) else { return };
    let _ = snap.verify();
    let n = snap.node_count().min(64) as u32;
    for v in 0..n {
        let v = NodeId(v);
        let _ = snap.access(v).entitlement_count();
        let _ = snap.who_can_access(v).persons.len();
        let _ = snap.explain(v, NodeId(n.saturating_sub(1)));
        let _ = snap.what_if_remove(v, v, &EdgeKind::MemberOf, NodeId(0));
        let node = snap.node(v);
        let _ = (node.id(), node.name(), node.system(), node.props());
    }
    let _ = snap.filter(&Filter::And(vec![
        Filter::Kind(NodeKind::Account),
        Filter::Bool("enabled".into(), true),
        Filter::Range("last_login".into(), Some(0), None),
    ]));
    let _ = snap.access_all().total_pairs();
});
