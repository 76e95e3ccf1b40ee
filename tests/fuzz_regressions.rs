//! Every input a fuzz target ever crashed on, replayed through the same
//! code the target runs (`fuzz/harness.rs`), so that a fixed bug stays
//! fixed without nightly Rust or cargo-fuzz.
//!
//! Inputs live in `tests/fuzz-regressions/<target>/`, one folder per
//! target, each file named after what went wrong. A folder whose name is
//! not a target is an error, so a renamed target cannot silently stop
//! its inputs being replayed.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

#[test]
fn every_recorded_crash_is_replayed_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut replayed = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let target = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(harness::TARGETS.contains(&target.as_str()), "{}: no such target", dir.display());
        let mut inputs: Vec<_> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        inputs.sort();
        for input in inputs {
            let bytes = std::fs::read(&input).unwrap();
            assert!(harness::run(&target, &bytes));
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no regression inputs in {}", root.display());
}

#[test]
fn the_differential_target_checks_a_graph_with_a_cycle() {
    // Three nodes (person, account, group) and an entitlement; the account
    // is in the group, the group in itself, and the group grants.
    let bytes = [3, 0, 1, 2, 4, 1, 2, 0, 2, 2, 0, 1, 0, 5, 2, 3, 2];
    let g = harness::graph_from_bytes(&bytes).unwrap();
    assert_eq!(g.node_count(), 4);
    harness::differential(&bytes);
}

#[test]
fn every_target_survives_empty_and_tiny_inputs() {
    for target in harness::TARGETS {
        for input in [&b""[..], b"\0", b"{", b"[]", b"dn: x\n", b"PK\x03\x04", b"\xff\xfe"] {
            assert!(harness::run(target, input), "{target}");
        }
    }
}
