//! `aisf ingest`: exports in, one snapshot out.

use std::path::{Path, PathBuf};

use aisf::core::correlate::{CorrelationConfig, correlate};
use aisf::core::ingest::{Mode, ReadOptions, ingest_paths};
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
    let (mut graph, report) = ingest_paths(inputs, &ReadOptions::default(), mode)
        .map_err(|e| Failure::new(Exit::Input, format!("{e} (nothing was written)")))?;
    let correlation = correlate(&mut graph, &CorrelationConfig::default());

    // Edges to objects no source defined stay out of the snapshot, and are
    // counted: the report lists them by id.
    let opts = BuildOptions { unknown_ends: UnknownEnds::Skip, ..BuildOptions::default() };
    let built = build(&graph, out, &opts).map_err(|e| {
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
