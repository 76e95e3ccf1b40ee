//! The native module behind the `aisf` Python package, imported as
//! `aisf._native`.
//!
//! It is private: the typed pure-Python layer in `python/aisf/` wraps every
//! call in dataclasses and documented functions, and `_native.pyi` states
//! the shapes this module returns (tuples and dicts of plain values). Its
//! rules:
//!
//! - every call that reads files or walks the graph releases the GIL
//!   ([`Python::detach`]) for the whole of the Rust work, so several Python
//!   threads can query one `Snapshot` (`src/snapshot.rs`) at once (it is a
//!   frozen class over a `Sync` snapshot);
//! - every failure is one of the exceptions of `src/errors.rs`, a hierarchy
//!   mirroring the Rust errors, carrying the file (`path`) and the place in
//!   it (`place`) where known; arguments of the wrong type raise
//!   `TypeError`;
//! - paths are taken through `os.fsencode`, so `str`, `bytes` and
//!   `os.PathLike` all work, including names that are not UTF-8.

use pyo3::prelude::*;

mod buffers;
mod convert;
mod errors;
mod functions;
mod snapshot;

/// The module `aisf._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    m.add_class::<snapshot::Snapshot>()?;
    m.add_class::<buffers::Buffer>()?;
    m.add_class::<buffers::AccessPairs>()?;
    m.add_function(wrap_pyfunction!(functions::open, m)?)?;
    m.add_function(wrap_pyfunction!(functions::ingest, m)?)?;
    m.add_function(wrap_pyfunction!(functions::demo, m)?)?;
    m.add_function(wrap_pyfunction!(functions::diff, m)?)?;
    m.add_function(wrap_pyfunction!(functions::rule_ids, m)?)?;
    Ok(())
}
