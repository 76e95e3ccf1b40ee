//! The builder: exports in, one snapshot file out.

use std::ffi::c_char;
use std::path::PathBuf;

use aisf::core::correlate::{CorrelationConfig, correlate};
use aisf::core::ingest::{IngestError, Mode, ReadOptions, ingest_paths};
use aisf::graph::{BuildError, BuildOptions, UnknownEnds, build};

use crate::args;
use crate::error::{Failure, aisf_result, guard};

/// Collects input files and folders, then ingests them, links accounts to
/// persons and writes a snapshot. One thread at a time may use a builder.
/// Free it with aisf_builder_free().
pub struct aisf_builder {
    inputs: Vec<PathBuf>,
    strict: bool,
}

/// What a build read and wrote.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct aisf_build_report {
    /// Source files read.
    pub sources: u64,
    /// Records skipped by the readers (lenient mode only).
    pub skipped_records: u64,
    /// References to objects no source defined, left out.
    pub unresolved: u64,
    /// Accounts linked to a person by matching (employee id, email...).
    pub matched_accounts: u64,
    /// Nodes written.
    pub nodes: u64,
    /// Edges written.
    pub edges: u64,
    /// Size of the snapshot file in bytes.
    pub file_bytes: u64,
}

/// Makes an empty builder, in lenient mode, and writes it to `out`.
///
/// # Safety
///
/// `out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_builder_new(out: *mut *mut aisf_builder) -> aisf_result {
    let builder = aisf_builder { inputs: Vec::new(), strict: false };
    // SAFETY: the caller promises `out` is NULL or writable.
    guard(|| unsafe { args::give(out, builder, "out") })
}

/// Adds an input: an export file, a folder of them or a zip collection.
/// Formats are detected: SharpHound / BloodHound JSON, OpenGraph, SCIM,
/// LDIF, AISF's CSV bundle and the cloud exports `aisf ingest` reads.
///
/// # Safety
///
/// `builder` must be NULL or a live builder used by no other thread;
/// `path` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_builder_add_input(
    builder: *mut aisf_builder,
    path: *const c_char,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live builder and a string.
        let (b, path) =
            unsafe { (args::handle_mut(builder, "builder")?, args::text(path, "path")?) };
        b.inputs.push(PathBuf::from(path));
        Ok(())
    })
}

/// In strict mode a file no reader recognises, or a malformed record,
/// fails the build; in lenient mode (the default) it is skipped and
/// counted.
///
/// # Safety
///
/// `builder` must be NULL or a live builder used by no other thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_builder_set_strict(
    builder: *mut aisf_builder,
    strict: bool,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live builder.
        unsafe { args::handle_mut(builder, "builder") }?.strict = strict;
        Ok(())
    })
}

/// Reads every input, links accounts to persons and writes the snapshot to
/// `path` atomically: a failed build leaves any file already there as it
/// was. Edges to objects no source defined are left out and counted.
/// Writes what was done to `report` unless it is NULL. The builder keeps
/// its inputs and may build again.
///
/// # Safety
///
/// `builder` must be NULL or a live builder used by no other thread;
/// `path` NULL or a NUL-terminated string; `report` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_builder_build(
    builder: *mut aisf_builder,
    path: *const c_char,
    report: *mut aisf_build_report,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live builder and a string.
        let (b, path) =
            unsafe { (args::handle_mut(builder, "builder")?, args::text(path, "path")?) };
        if b.inputs.is_empty() {
            return Err(Failure::new(aisf_result::InvalidArgument, "the builder has no inputs"));
        }
        if let Some(missing) = b.inputs.iter().find(|p| !p.exists()) {
            let message = format!("{}: no such file or folder", missing.display());
            return Err(Failure::new(aisf_result::IngestIo, message));
        }

        let mode = if b.strict { Mode::Strict } else { Mode::Lenient };
        let (mut graph, ingested) =
            ingest_paths(&b.inputs, &ReadOptions::default(), mode).map_err(ingest_failure)?;
        let correlation = correlate(&mut graph, &CorrelationConfig::default());
        let opts = BuildOptions { unknown_ends: UnknownEnds::Skip, ..BuildOptions::default() };
        let built = build(&graph, path.as_ref(), &opts).map_err(build_failure)?;

        let done = aisf_build_report {
            sources: ingested.sources.len() as u64,
            skipped_records: ingested.sources.iter().map(|s| s.skipped.len() as u64).sum(),
            unresolved: ingested.unresolved.len() as u64,
            matched_accounts: correlation.matched,
            nodes: built.nodes,
            edges: built.edges,
            file_bytes: built.file_bytes,
        };
        if !report.is_null() {
            // SAFETY: the caller promises `report` is writable.
            unsafe { args::write(report, done, "report") }?;
        }
        Ok(())
    })
}

fn ingest_failure(e: IngestError) -> Failure {
    let code = match e {
        IngestError::Io { .. } => aisf_result::IngestIo,
        _ => aisf_result::IngestFormat,
    };
    Failure::new(code, format!("{e} (nothing was written)"))
}

pub(crate) fn build_failure(e: BuildError) -> Failure {
    let code = match e {
        BuildError::Io { .. } => aisf_result::Io,
        _ => aisf_result::Build,
    };
    Failure::new(code, e.to_string())
}

/// Frees a builder. NULL is ignored.
///
/// # Safety
///
/// `builder` must be NULL or a builder not yet freed and no longer used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_builder_free(builder: *mut aisf_builder) {
    // SAFETY: the caller promises a handle from this library, freed once.
    let _ = std::panic::catch_unwind(|| unsafe { args::free(builder) });
}
