//! `aisf ingest`: exports in, one snapshot out.

use std::path::{Path, PathBuf};

use aisf::core::correlate::{CorrelationConfig, correlate};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aisf::core::ingest::{Mode, Progress, ProgressHook, ReadOptions, ingest_paths};
use aisf::graph::{BuildOptions, UnknownEnds, build};
use serde_json::json;

use crate::display;
use crate::{Exit, Failure, Outcome};

/// Reads `inputs`, correlates accounts to persons and writes `out`.
pub fn run(inputs: &[PathBuf], out: &Path, strict: bool, as_json: bool) -> Outcome {
    for input in inputs {
        if !input.exists() {
            return Err(Failure::new(
                Exit::Input,
                format!("{}: no such file or folder", input.display()),
            ));
        }
    }
    let mode = if strict { Mode::Strict } else { Mode::Lenient };
    // Progress only where a person watches: never into a pipe or a log.
    let watched = std::io::stderr().is_terminal();
    let opts = ReadOptions { progress: watched.then(hook), ..ReadOptions::default() };
    let read = ingest_paths(inputs, &opts, mode);
    if watched {
        display::progress("correlating and building the snapshot...");
    }
    let (mut graph, report) = read.map_err(|e| {
        if watched {
            display::progress_done();
        }
        Failure::new(Exit::Input, format!("{e} (nothing was written)"))
    })?;
    let correlation = correlate(&mut graph, &CorrelationConfig::default());

    // Edges to objects no source defined stay out of the snapshot, and are
    // counted: the report lists them by id.
    let opts = BuildOptions { unknown_ends: UnknownEnds::Skip, ..BuildOptions::default() };
    let built = build(&graph, out, &opts);
    if watched {
        display::progress_done();
    }
    let built = built.map_err(|e| {
        Failure::new(Exit::Output, format!("{}: cannot write the snapshot: {e}", out.display()))
    })?;

    if as_json {
        display::json(&json!({ "ingest": report, "correlation": correlation, "build": built }));
        return Ok(());
    }
    let mut rows = vec![vec![
        "file".into(),
        "format".into(),
        "records".into(),
        "nodes".into(),
        "edges".into(),
        "skipped".into(),
    ]];
    for s in &report.sources {
        rows.push(vec![
            s.file.clone(),
            s.format.clone(),
            s.records.to_string(),
            s.nodes.to_string(),
            s.edges.to_string(),
            s.skipped.len().to_string(),
        ]);
    }
    display::table(&rows, 70);
    for s in &report.sources {
        for skip in s.skipped.iter().take(10) {
            display::line(format!("skipped {}: {}", skip.place, skip.reason));
        }
        for warning in &s.warnings {
            display::line(format!("warning: {}: {warning}", s.file));
        }
    }
    if !report.conflicts.is_empty() {
        display::line(format!("{} property conflicts between sources", report.conflicts.len()));
    }
    if !report.unresolved.is_empty() {
        display::line(format!(
            "{} references to objects no source defined (left out; see --json)",
            report.unresolved.len()
        ));
    }
    display::line(format!(
        "correlation: {} accounts, {} declared, {} matched, {} disputed, {} uncorrelated, \
         {} service or shared",
        correlation.accounts,
        correlation.declared,
        correlation.matched,
        correlation.disputed.len(),
        correlation.uncorrelated.len(),
        correlation.not_applicable
    ));
    display::line(format!("wrote {}: {} nodes, {} edges", out.display(), built.nodes, built.edges));
    Ok(())
}

/// The progress line: the file, the count of records, nodes and edges, and
/// the rate, at most five times a second.
fn hook() -> ProgressHook {
    let start = Instant::now();
    let last = Mutex::new(None::<Instant>);
    ProgressHook::new(move |p: &Progress| {
        let now = Instant::now();
        let Ok(mut last) = last.lock() else { return };
        if last.is_some_and(|t| now.duration_since(t) < Duration::from_millis(200)) {
            return;
        }
        *last = Some(now);
        let rate = p.total as f64 / start.elapsed().as_secs_f64().max(1e-3);
        display::progress(&format!(
            "file {}: {} ({} records, {} nodes, {} edges; {:.0} objects/s overall)",
            p.files, p.file, p.records, p.nodes, p.edges, rate
        ));
    })
}
