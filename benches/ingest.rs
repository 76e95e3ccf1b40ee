//! Ingest benchmarks: a generated organisation written as a CSV bundle and
//! as OpenGraph JSON, then read back from disk with `ingest_paths`, the way
//! `aisf ingest` reads exports. Throughput is in edges per second.
//!
//! Sizes come from `AISF_BENCH_PEOPLE` (comma separated, default
//! `10000,100000,1000000`). Under `cargo test --benches` only the first
//! size of `AISF_BENCH_PEOPLE` (default 2,000) runs, once per benchmark.
//!
//! Before anything is timed, each format is read once and checked to give
//! back as many nodes and edges as were written.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use aisf::Graph;
use aisf::core::ingest::csv_bundle::write_bundle;
use aisf::core::ingest::{Mode, ReadOptions, ingest_paths, opengraph};
use aisf::core::synth::{OrgConfig, generate};
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

/// Reads one export from disk, as the command line does.
fn read(path: &Path) -> Graph {
    let (graph, _) = ingest_paths(&[path.to_path_buf()], &ReadOptions::default(), Mode::Strict)
        .expect("a written export reads back");
    graph
}

fn ingest(c: &mut Criterion) {
    for people in sizes() {
        let org = generate(&OrgConfig::new(people));
        let (nodes, edges) = (org.graph.node_count(), org.graph.edge_count());
        let dir = tempfile::tempdir().expect("a temporary folder");

        // The exports, written once per size.
        let bundle = dir.path().join("bundle");
        let written = write_bundle(&org.graph, &bundle).expect("the bundle is written");
        assert!(written.is_complete(), "{people} people: {written}");
        let json = dir.path().join("org.opengraph.json");
        let document = opengraph::write(&org.graph).to_string();
        std::fs::write(&json, document).expect("the OpenGraph file is written");
        drop(org);

        // The same graph back from each, or the numbers mean nothing.
        let inputs: [(&str, PathBuf); 2] = [("csv-bundle", bundle), ("opengraph", json)];
        for (format, path) in &inputs {
            let back = read(path);
            assert_eq!((back.node_count(), back.edge_count()), (nodes, edges), "{format}");
        }

        let mut g = c.benchmark_group("ingest");
        g.sample_size(10).throughput(Throughput::Elements(edges as u64));
        g.measurement_time(Duration::from_secs(if people >= 500_000 { 60 } else { 10 }));
        for (format, path) in &inputs {
            g.bench_with_input(BenchmarkId::new(*format, people), path, |b, path| {
                b.iter(|| read(path));
            });
        }
        g.finish();
    }
}

criterion_group!(benches, ingest);
criterion_main!(benches);
