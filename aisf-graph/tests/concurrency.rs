//! Many threads querying while a writer swaps new snapshots in at the same
//! path: a reader that opens the path sees the old or the new snapshot,
//! whole and verified, never a mixture; a reader that keeps a snapshot open
//! keeps getting that snapshot's answers after the file was replaced (the
//! map holds the old file's pages; the rename only changes the name).

use std::path::Path;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use aisf_core::Graph;
use aisf_core::synth::{OrgConfig, generate};
use aisf_graph::{BuildOptions, Snapshot, build};

/// What one version of the file answers: its node count and, for a few
/// persons, how many entitlements each reaches.
#[derive(Debug, PartialEq)]
struct Answers {
    nodes: usize,
    access: Vec<(String, u64)>,
    pairs: u64,
}

fn answers(snap: &Snapshot, persons: &[String]) -> Answers {
    let access = persons
        .iter()
        .map(|p| {
            let count = snap.find(p).map(|v| snap.access(v).entitlement_count()).unwrap_or(0);
            (p.clone(), count)
        })
        .collect();
    Answers { nodes: snap.node_count(), access, pairs: snap.access_all().total_pairs() }
}

fn versions() -> Vec<Graph> {
    [(200, 1), (260, 2), (320, 3)]
        .into_iter()
        .map(|(people, seed)| generate(&OrgConfig { seed, ..OrgConfig::new(people) }).graph)
        .collect()
}

fn build_at(g: &Graph, path: &Path) {
    build(g, path, &BuildOptions { created: Some(0), ..BuildOptions::default() }).unwrap();
}

#[test]
fn readers_see_the_old_or_the_new_snapshot_whole_while_it_is_swapped() {
    let graphs = versions();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.aisf");
    let persons: Vec<String> = (0..6).map(|i| format!("person:{}", i * 31 + 1)).collect();

    // Each version's answers, from its own file.
    let expected: Vec<Answers> = graphs
        .iter()
        .map(|g| {
            build_at(g, &path);
            answers(&Snapshot::open(&path).unwrap(), &persons)
        })
        .collect();
    assert!(expected.windows(2).all(|w| w[0].nodes != w[1].nodes));
    build_at(&graphs[0], &path);

    let readers = 6;
    let swaps = 30;
    let done = AtomicBool::new(false);
    let opened = AtomicUsize::new(0);
    let seen: Vec<AtomicUsize> = (0..graphs.len()).map(|_| AtomicUsize::new(0)).collect();
    let start = Barrier::new(readers + 2);
    std::thread::scope(|s| {
        // Readers that reopen the path again and again.
        for r in 0..readers {
            let (path, persons, expected) = (&path, &persons, &expected);
            let (done, opened, seen, start) = (&done, &opened, &seen, &start);
            s.spawn(move || {
                start.wait();
                let mut rounds = 0;
                while !done.load(Ordering::Relaxed) || rounds < 3 {
                    let snap = Snapshot::open(path).expect("the path always opens");
                    if r % 2 == 0 {
                        snap.verify().expect("the path always verifies");
                    }
                    let got = answers(&snap, persons);
                    let v = expected.iter().position(|e| *e == got);
                    let v = v.unwrap_or_else(|| panic!("reader {r} saw a mixture: {got:?}"));
                    seen[v].fetch_add(1, Ordering::Relaxed);
                    opened.fetch_add(1, Ordering::Relaxed);
                    rounds += 1;
                }
            });
        }
        // A reader that keeps its first snapshot open throughout.
        {
            let (path, persons, expected, done, start) =
                (&path, &persons, &expected, &done, &start);
            s.spawn(move || {
                let snap = Snapshot::open(path).unwrap();
                start.wait();
                while !done.load(Ordering::Relaxed) {
                    assert_eq!(answers(&snap, persons), expected[0], "an open snapshot changed");
                }
                snap.verify().expect("the first snapshot is still whole");
            });
        }
        // The writer.
        start.wait();
        for i in 1..=swaps {
            build_at(&graphs[i % graphs.len()], &path);
        }
        done.store(true, Ordering::Relaxed);
    });

    let seen: Vec<usize> = seen.iter().map(|n| n.load(Ordering::Relaxed)).collect();
    assert_eq!(seen.iter().sum::<usize>(), opened.load(Ordering::Relaxed));
    assert!(opened.load(Ordering::Relaxed) >= readers * 3);
    // No temporary file is left once the writer is done.
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("org.aisf")]);
}
