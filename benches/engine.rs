//! Engine benchmarks: build, open, verify and every query, on generated
//! organisations, beside the naive baseline a Rust developer would write
//! first (one breadth-first search per account over a petgraph graph, with
//! its own visited set, accounts spread over rayon's threads).
//!
//! Sizes come from `AISF_BENCH_PEOPLE` (comma separated, default
//! `10000,100000,1000000`). Under `cargo test --benches` only the first
//! size of `AISF_BENCH_PEOPLE` (default 2,000) runs, once per benchmark,
//! so CI proves the benches work without paying for them.
//!
//! Before anything is timed, the engine's all-accounts answer is checked
//! against the baseline's: same number of (account, entitlement) pairs.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

use std::hint::black_box;
use std::time::Duration;

use aisf::core::synth::{OrgConfig, generate};
use aisf::graph::{BuildOptions, Filter, NodeId, Snapshot, build, build_bytes, naive::Naive};
use aisf::{EdgeKind, NodeKind};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The sizes to run: every size when benchmarking, a small one in tests.
fn sizes() -> Vec<usize> {
    let benching = std::env::args().any(|a| a == "--bench");
    let default = if benching { "10000,100000,1000000" } else { "2000" };
    let list = std::env::var("AISF_BENCH_PEOPLE").unwrap_or_else(|_| default.to_string());
    let mut sizes: Vec<usize> = list.split(',').filter_map(|s| s.trim().parse().ok()).collect();
    if !benching {
        sizes.truncate(1);
    }
    sizes
}

/// Everything one size's benchmarks need, made once.
struct Fixture {
    graph: aisf::Graph,
    dir: tempfile::TempDir,
    snap: Snapshot,
    persons: Vec<NodeId>,
    entitlements: Vec<NodeId>,
}

impl Fixture {
    fn new(people: usize) -> Fixture {
        let org = generate(&OrgConfig::new(people));
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("org.aisf");
        let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
        build(&org.graph, &path, &opts).expect("the generated organisation builds");
        let snap = Snapshot::open(&path).expect("the snapshot opens");

        // Fixed, evenly spread subjects so every run asks the same things.
        let persons = spread(snap.kind_range(&NodeKind::Person), 100);
        let entitlements = spread(snap.kind_range(&NodeKind::Entitlement), 100);
        Fixture { graph: org.graph, dir, snap, persons, entitlements }
    }

    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("org.aisf")
    }
}

fn spread(range: std::ops::Range<u32>, n: usize) -> Vec<NodeId> {
    let len = range.len().max(1);
    (0..n.min(range.len())).map(|i| NodeId(range.start + (i * len / n) as u32)).collect()
}

fn engine(c: &mut Criterion) {
    for people in sizes() {
        let fx = Fixture::new(people);
        let big = people >= 500_000;
        let edges = fx.graph.edges().len() as u64;
        let label = format!("{people}");

        // The same answer from both, or the comparison means nothing.
        let naive = Naive::new(&fx.graph);
        let ours = fx.snap.access_all().total_pairs();
        let theirs = naive.all_account_entitlement_pairs();
        assert_eq!(ours, theirs, "{people} people: engine and baseline disagree");

        let mut g = c.benchmark_group("build");
        g.sample_size(10).throughput(Throughput::Elements(edges));
        g.measurement_time(Duration::from_secs(if big { 60 } else { 10 }));
        let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
        g.bench_function(BenchmarkId::new("to_bytes", &label), |b| {
            b.iter(|| build_bytes(black_box(&fx.graph), &opts).expect("builds"))
        });
        g.finish();

        let mut g = c.benchmark_group("open");
        g.bench_function(BenchmarkId::new("open", &label), |b| {
            b.iter(|| Snapshot::open(black_box(fx.path())).expect("opens"))
        });
        g.throughput(Throughput::Bytes(fx.snap.file_len()));
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("verify", &label), |b| {
            b.iter(|| fx.snap.verify().expect("verifies"))
        });
        g.finish();

        queries(c, &fx, &label);
        who_latency(&fx, &label);
        all_access(c, &fx, &naive, &label, big);
    }
}

fn queries(c: &mut Criterion, fx: &Fixture, label: &str) {
    let snap = &fx.snap;
    let mut g = c.benchmark_group("query");
    let mut i = 0usize;
    g.bench_function(BenchmarkId::new("access_one_person", label), |b| {
        b.iter(|| {
            i += 1;
            snap.access(fx.persons[i % fx.persons.len()]).entitlement_count()
        })
    });
    g.bench_function(BenchmarkId::new("who_can_access", label), |b| {
        b.iter(|| {
            i += 1;
            snap.who_can_access(fx.entitlements[i % fx.entitlements.len()]).persons.len()
        })
    });
    g.bench_function(BenchmarkId::new("explain", label), |b| {
        b.iter(|| {
            i += 1;
            let p = fx.persons[i % fx.persons.len()];
            let reach = snap.access(p).entitlements();
            let target = reach.iter().nth(i % reach.len().max(1) as usize);
            target.and_then(|t| snap.explain(p, NodeId(t))).map(|e| e.path.len())
        })
    });
    let stale = Filter::And(vec![
        Filter::Kind(NodeKind::Account),
        Filter::Bool("enabled".into(), true),
        Filter::Range(
            "last_login".into(),
            None,
            Some(aisf::core::synth::DEFAULT_NOW - 90 * 86_400),
        ),
    ]);
    g.bench_function(BenchmarkId::new("filter_stale_enabled", label), |b| {
        b.iter(|| snap.filter(black_box(&stale)).len())
    });
    let membership = first_membership(snap);
    g.bench_function(BenchmarkId::new("what_if_remove", label), |b| {
        b.iter(|| {
            let (a, group) = membership;
            snap.what_if_remove(a, a, &EdgeKind::MemberOf, group).lost.len()
        })
    });
    g.finish();
}

/// Who-can-access latency over 100 fixed entitlements, 20 rounds each:
/// criterion reports means, the performance bar is on the 99th percentile.
#[expect(clippy::print_stdout, reason = "a benchmark reports what it measured")]
fn who_latency(fx: &Fixture, label: &str) {
    let mut times: Vec<Duration> = Vec::with_capacity(fx.entitlements.len() * 20);
    for _ in 0..20 {
        for &e in &fx.entitlements {
            let t = std::time::Instant::now();
            black_box(fx.snap.who_can_access(e).persons.len());
            times.push(t.elapsed());
        }
    }
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "who_can_access latency/{label}: p50 {:?}  p99 {:?}  max {:?}  ({} calls)",
        at(0.5),
        at(0.99),
        times[times.len() - 1],
        times.len()
    );
}

fn all_access(c: &mut Criterion, fx: &Fixture, naive: &Naive, label: &str, big: bool) {
    let mut g = c.benchmark_group("access_all");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(if big { 60 } else { 10 }));
    // Warm: the closure sets of the condensation are computed on a
    // snapshot's first use and kept; cold pays for them every time.
    g.bench_function(BenchmarkId::new("aisf", label), |b| {
        b.iter(|| fx.snap.access_all().total_pairs())
    });
    g.bench_function(BenchmarkId::new("aisf_cold", label), |b| {
        b.iter(|| Snapshot::open(fx.path()).expect("opens").access_all().total_pairs())
    });
    g.bench_function(BenchmarkId::new("naive_bfs_rayon", label), |b| {
        b.iter(|| naive.all_account_entitlement_pairs())
    });
    g.finish();
}

/// Some account's first direct group membership.
fn first_membership(snap: &Snapshot) -> (NodeId, NodeId) {
    let accounts = snap.kind_range(&NodeKind::Account);
    for a in accounts {
        let a = NodeId(a);
        if let Some(&g) =
            snap.neighbors(a, &EdgeKind::MemberOf, aisf::graph::Direction::Out).first()
        {
            return (a, NodeId(g));
        }
    }
    panic!("the generated organisation has memberships")
}

criterion_group!(benches, engine);
criterion_main!(benches);
