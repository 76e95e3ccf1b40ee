//! `aisf bench`: the engine's standard workload on a generated
//! organisation, so an MSP can size its machines.

use std::time::{Duration, Instant};

use aisf::NodeKind;
use aisf::core::synth::{OrgConfig, generate};
use aisf::graph::govern::{ScanOptions, scan};
use aisf::graph::{BuildOptions, NodeId, Snapshot, build};
use serde_json::json;

use crate::display;
use crate::{Exit, Failure, Outcome};

/// Times one step.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs the workload at `people` and prints one line per step.
pub fn run(people: usize, seed: u64, as_json: bool) -> Outcome {
    if people == 0 {
        return Err(Failure::new(Exit::Usage, "--people must be at least 1"));
    }
    let dir = tempfile::tempdir()
        .map_err(|e| Failure::new(Exit::Output, format!("cannot make a temporary folder: {e}")))?;
    let path = dir.path().join("bench.aisf");

    if !as_json {
        display::note(&format!("generating {people} people..."));
    }
    let (org, t_generate) = timed(|| generate(&OrgConfig { seed, ..OrgConfig::new(people) }));
    let edges = org.graph.edges().len();
    let (built, t_build) = timed(|| build(&org.graph, &path, &BuildOptions::default()));
    let built = built.map_err(|e| Failure::new(Exit::Output, format!("build failed: {e}")))?;
    let policy = org.scan_policy();
    drop(org);

    let (snap, t_open) = timed(|| Snapshot::open(&path));
    let snap = snap.map_err(|e| Failure::new(Exit::Snapshot, e.to_string()))?;
    let (verified, t_verify) = timed(|| snap.verify());
    verified.map_err(|e| Failure::new(Exit::Snapshot, e.to_string()))?;
    let (pairs, t_all_cold) = timed(|| snap.access_all().total_pairs());
    let (_, t_all_warm) = timed(|| snap.access_all().total_pairs());

    // Who-can-access over 100 entitlements spread over the id range.
    let ents = snap.kind_range(&NodeKind::Entitlement);
    let step = (ents.len() / 100).max(1);
    let mut who: Vec<Duration> = ents
        .clone()
        .step_by(step)
        .take(100)
        .map(|e| timed(|| snap.who_can_access(NodeId(e)).persons.len()).1)
        .collect();
    who.sort_unstable();
    let p99 = who.get(who.len().saturating_sub(1) * 99 / 100).copied().unwrap_or_default();

    let (result, t_scan) = timed(|| scan(&snap, &policy, &ScanOptions::default()));

    let rows = [
        ("generate", t_generate, format!("{} nodes, {edges} edges", built.nodes)),
        (
            "build",
            t_build,
            format!(
                "{:.0} edges/s, {} bytes",
                edges as f64 / t_build.as_secs_f64(),
                built.file_bytes
            ),
        ),
        ("open", t_open, "header and section table".into()),
        (
            "verify",
            t_verify,
            format!("{:.2} GB/s", built.file_bytes as f64 / t_verify.as_secs_f64() / 1e9),
        ),
        ("access_all (first)", t_all_cold, format!("{pairs} account-entitlement pairs")),
        ("access_all (again)", t_all_warm, "closure sets kept".into()),
        ("who_can_access p99", p99, format!("over {} entitlements", who.len())),
        ("scan", t_scan, format!("{} findings", result.findings.len())),
    ];
    if as_json {
        let steps: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(name, t, note)| (name.to_string(), json!({ "ms": ms(*t), "note": note })))
            .collect();
        display::json(&json!({ "people": people, "seed": seed, "steps": steps }));
        return Ok(());
    }
    let mut table = vec![vec!["step".to_string(), "time (ms)".into(), "".into()]];
    for (name, t, note) in rows {
        table.push(vec![name.to_string(), format!("{:.3}", ms(t)), note]);
    }
    display::table(&table, 60);
    Ok(())
}
