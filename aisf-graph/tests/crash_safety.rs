//! A writer killed at any moment never leaves a damaged snapshot at the
//! target path.
//!
//! This test binary has no libtest harness (`harness = false`): run with
//! `AISF_CRASH_WRITER=<path>` it is the victim, rebuilding two different
//! snapshots at `<path>` in a loop until it is killed; run without it, it
//! places a first snapshot at a path, then again and again starts itself
//! as the victim and kills it (SIGKILL: no destructors, no cleanup) after a
//! pseudo-random delay, and checks that the path always opens and verifies
//! as one of the three snapshots, whole.
//!
//! A killed writer may leave its temporary file (`.NAME.tmp.PID.N`, beside
//! the target). AISF never reads such files; the test checks that every
//! leftover is one, that [`aisf_graph::remove_stale_temp_files`] removes
//! them, and that nothing else in the folder is touched.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a test binary without harness")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aisf_core::Graph;
use aisf_core::synth::{OrgConfig, generate};
use aisf_graph::{BuildOptions, Snapshot, build};

const CHILD_ENV: &str = "AISF_CRASH_WRITER";

fn org(people: usize, seed: u64) -> Graph {
    generate(&OrgConfig { seed, ..OrgConfig::new(people) }).graph
}

fn opts() -> BuildOptions {
    BuildOptions { created: Some(0), ..BuildOptions::default() }
}

/// The victim: rebuild two different organisations at `path` forever.
fn victim(path: &Path) -> ! {
    let graphs = [org(1500, 2), org(1700, 3)];
    for round in 0.. {
        if let Err(err) = build(&graphs[round % 2], path, &opts()) {
            panic!("the writer failed: {err}");
        }
    }
    unreachable!("the loop above never ends")
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn leftovers(dir: &Path, keep: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != keep && !p.ends_with("unrelated.txt"))
        .collect();
    found.sort();
    found
}

fn main() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        victim(Path::new(&path));
    }
    // Behave enough like libtest for `cargo test <filter>` and `--list`.
    const NAME: &str = "a_killed_writer_never_damages_the_target";
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("{NAME}: test");
        return;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| NAME.contains(f.as_str())) {
        println!("running 0 tests (filtered out)");
        return;
    }
    a_killed_writer_never_damages_the_target();
    println!("test {NAME} ... ok");
}

fn a_killed_writer_never_damages_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.aisf");
    let unrelated = dir.path().join("unrelated.txt");
    std::fs::write(&unrelated, "not ours").unwrap();

    // The three snapshots the path may hold, told apart by node count.
    let first = org(300, 1);
    build(&first, &path, &opts()).unwrap();
    let counts = [first.node_count(), org(1500, 2).node_count(), org(1700, 3).node_count()];
    assert!(counts[0] != counts[1] && counts[1] != counts[2] && counts[0] != counts[2]);

    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng(0x00c0_ffee);
    let mut seen = [0usize; 3];
    let mut stale = 0;
    let rounds = 24;
    let started = Instant::now();
    for round in 0..rounds {
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The first rounds die early (before or during the first write);
        // later ones die anywhere in a long run of writes.
        let limit = if round < 8 { 150 } else { 1500 };
        std::thread::sleep(Duration::from_millis(rng.below(limit)));
        child.kill().unwrap();
        child.wait().unwrap();

        let snap = Snapshot::open(&path)
            .unwrap_or_else(|e| panic!("round {round}: the target does not open: {e}"));
        snap.verify().unwrap_or_else(|e| panic!("round {round}: the target is damaged: {e}"));
        let at = counts.iter().position(|&c| c == snap.node_count());
        let at = at.unwrap_or_else(|| panic!("round {round}: {} nodes", snap.node_count()));
        seen[at] += 1;

        let left = leftovers(dir.path(), &path);
        for p in &left {
            let name = p.file_name().unwrap().to_string_lossy();
            assert!(name.starts_with(".org.aisf.tmp."), "round {round}: unexpected {name}");
        }
        stale += left.len();
        if round % 4 == 3 {
            let removed = aisf_graph::remove_stale_temp_files(&path, Duration::ZERO).unwrap();
            assert_eq!(removed.len(), left.len(), "round {round}");
            assert!(leftovers(dir.path(), &path).is_empty());
        }
    }
    assert!(unrelated.exists(), "an unrelated file was removed");
    // Not asserted, as timing decides: the writer got a new file in place
    // in some rounds and was killed mid-write in others.
    eprintln!(
        "{rounds} kills in {:.1?}: target held the first/second/third snapshot {seen:?} \
         times; {stale} leftover temporary files seen",
        started.elapsed()
    );
}
