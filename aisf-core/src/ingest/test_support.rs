//! What the readers' tests share: the fixtures folder, reading bytes
//! through one reader into a graph, and counting what came out.

use super::{IngestError, IngestReport, Mode, ReadOptions, Sink};
use crate::{EdgeKind, Graph, NodeKind};

/// The project's test fixtures (`tests/fixtures` at the workspace root).
pub(crate) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");

/// A reader's entry point.
pub(crate) type Reader = fn(&[u8], &str, &ReadOptions, &mut Sink) -> Result<(), IngestError>;

/// The bytes of a fixture, by its path under [`FIXTURES`].
pub(crate) fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
}

/// Reads `bytes` as `file` with one reader, in `mode`.
pub(crate) fn read_with(
    reader: Reader,
    bytes: &[u8],
    file: &str,
    mode: Mode,
) -> Result<(Graph, IngestReport), IngestError> {
    let mut sink = Sink::new(mode);
    reader(bytes, file, &ReadOptions::default(), &mut sink)?;
    Ok(sink.finish())
}

/// Nodes of one kind.
pub(crate) fn count_kind(graph: &Graph, kind: &NodeKind) -> usize {
    graph.nodes().iter().filter(|n| n.kind == *kind).count()
}

/// Edges of one kind.
pub(crate) fn count_edges(graph: &Graph, kind: &EdgeKind) -> usize {
    graph.edges().iter().filter(|e| e.kind == *kind).count()
}

/// Every skip of a run, as (place, reason).
pub(crate) fn skips(report: &IngestReport) -> Vec<(String, &str)> {
    let skipped = report.sources.iter().flat_map(|s| &s.skipped);
    skipped.map(|s| (s.place.to_string(), s.reason.as_str())).collect()
}
