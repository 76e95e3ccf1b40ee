//! The exception hierarchy, mirroring the Rust errors.
//!
//! ```text
//! AisfError                  every failure of this package
//! ├── OpenError              aisf_graph::OpenError: a snapshot cannot be opened
//! │   └── VerifyError        aisf_graph::VerifyError: its bytes fail verification
//! ├── BuildError             aisf_graph::BuildError: a snapshot cannot be written
//! ├── IngestError            aisf_core::ingest::IngestError: an export cannot be read
//! ├── PolicyError            aisf_core::policy::PolicyError: a policy file is refused
//! └── NotFoundError          a name matches no node (also a LookupError)
//! ```
//!
//! Every instance has the attributes `path` (the file concerned, or `None`)
//! and `place` (where in it, such as `policy.toml:3:7` or
//! `accounts.csv:17`, or `None`); [`PolicyError`] adds `line`, `column` and
//! `key`, [`IngestError`] `line` (each `None` where unknown).

use std::path::Path;

use aisf::core::ingest::{IngestError as RustIngestError, Place};
use aisf::core::policy::PolicyError as RustPolicyError;
use aisf::graph::{
    BuildError as RustBuildError, OpenError as RustOpenError, VerifyError as RustVerifyError,
};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyException, PyLookupError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::fs_str;

pyo3::create_exception!(
    aisf._native,
    AisfError,
    PyException,
    "The base of every error aisf raises; `path` and `place` say where, when known."
);
pyo3::create_exception!(
    aisf._native,
    OpenError,
    AisfError,
    "A snapshot could not be opened: missing, not a snapshot, newer, truncated or damaged."
);
pyo3::create_exception!(
    aisf._native,
    VerifyError,
    OpenError,
    "A snapshot failed full verification (a checksum or an invariant of the format)."
);
pyo3::create_exception!(
    aisf._native,
    BuildError,
    AisfError,
    "A snapshot could not be built or written; any existing file is left as it was."
);
pyo3::create_exception!(
    aisf._native,
    IngestError,
    AisfError,
    "An export could not be read: unreadable, malformed, over a limit or of no known format."
);
pyo3::create_exception!(
    aisf._native,
    PolicyError,
    AisfError,
    "A policy file was refused: unreadable, invalid TOML, or not following the schema."
);

/// A name that matches no node is both an [`AisfError`] and a
/// `LookupError`, so `except LookupError` catches it too.
pub fn not_found_type(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let module = py.import("aisf._native")?;
    module.getattr("NotFoundError")
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AisfError", py.get_type::<AisfError>())?;
    m.add("OpenError", py.get_type::<OpenError>())?;
    m.add("VerifyError", py.get_type::<VerifyError>())?;
    m.add("BuildError", py.get_type::<BuildError>())?;
    m.add("IngestError", py.get_type::<IngestError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;

    // Two bases, which `create_exception!` cannot express: made with
    // `type()` as Python would.
    let bases = PyTuple::new(
        py,
        [py.get_type::<AisfError>().into_any(), { py.get_type::<PyLookupError>().into_any() }],
    )?;
    let namespace = pyo3::types::PyDict::new(py);
    namespace.set_item("__module__", "aisf._native")?;
    namespace.set_item(
        "__doc__",
        "A subject or target names no node of the snapshot, or names several.",
    )?;
    let builtins = py.import("builtins")?;
    let not_found = builtins.getattr("type")?.call1(("NotFoundError", bases, namespace))?;
    m.add("NotFoundError", not_found)?;
    Ok(())
}

/// Where an error is: the file and the place in it, plus extra attributes.
#[derive(Default)]
struct Where<'a> {
    path: Option<PyResult<Bound<'a, PyAny>>>,
    place: Option<String>,
    extra: Vec<(&'static str, PyResult<Bound<'a, PyAny>>)>,
}

/// An exception of class `E` with `message` and the attributes of `at`.
fn raise<'py>(class: Bound<'py, PyAny>, message: String, at: Where<'py>) -> PyErr {
    let made = class.call1((message.clone(),)).and_then(|value| {
        value.setattr("path", at.path.transpose()?)?;
        value.setattr("place", at.place)?;
        for (name, v) in at.extra {
            value.setattr(name, v?)?;
        }
        Ok(PyErr::from_value(value))
    });
    // Making the exception can fail only when Python itself does (out of
    // memory): the original message is kept, with why it is bare.
    made.unwrap_or_else(|e| AisfError::new_err(format!("{message} (raising it failed: {e})")))
}

fn with_path<'py>(py: Python<'py>, path: &Path) -> Where<'py> {
    Where { path: Some(fs_str(py, path)), ..Where::default() }
}

/// A snapshot at `path` could not be opened.
pub fn open_error(py: Python<'_>, path: &Path, e: &RustOpenError) -> PyErr {
    let place = match e {
        RustOpenError::Damaged { part, .. } => Some((*part).to_string()),
        RustOpenError::Section { section, .. } => Some(format!("section {section}")),
        _ => None,
    };
    // `Io` already names the file; the others say only what was wrong.
    let message = match e {
        RustOpenError::Io { .. } => e.to_string(),
        _ => format!("{}: cannot open the snapshot: {e}", path.display()),
    };
    let at = Where { place, ..with_path(py, path) };
    raise(py.get_type::<OpenError>().into_any(), message, at)
}

/// A snapshot at `path` failed verification.
pub fn verify_error(py: Python<'_>, path: &Path, e: &RustVerifyError) -> PyErr {
    let section = match e {
        RustVerifyError::Checksum { section, .. } | RustVerifyError::Invariant { section, .. } => {
            Some(format!("section {section}"))
        }
        _ => None,
    };
    let message = format!("{}: verification failed: {e}", path.display());
    let at = Where { place: section, ..with_path(py, path) };
    raise(py.get_type::<VerifyError>().into_any(), message, at)
}

/// A snapshot could not be written to `path`.
pub fn build_error(py: Python<'_>, path: &Path, e: &RustBuildError) -> PyErr {
    let message = match e {
        RustBuildError::Io { .. } => e.to_string(),
        _ => format!("{}: cannot build the snapshot: {e}", path.display()),
    };
    raise(py.get_type::<BuildError>().into_any(), message, with_path(py, path))
}

/// Any other file that could not be written (exports, a policy).
pub fn write_error(py: Python<'_>, path: &Path, e: &dyn std::fmt::Display) -> PyErr {
    let message = format!("{}: cannot write: {e}", path.display());
    raise(py.get_type::<BuildError>().into_any(), message, with_path(py, path))
}

fn place_attrs<'py>(py: Python<'py>, place: &Place) -> Where<'py> {
    Where {
        path: Some(place.file.as_str().into_bound_py_any(py)),
        place: Some(place.to_string()),
        extra: vec![("line", place.line.into_bound_py_any(py))],
    }
}

/// An ingest run stopped.
pub fn ingest_error(py: Python<'_>, e: &RustIngestError) -> PyErr {
    let file = |f: &str| Where { path: Some(f.into_bound_py_any(py)), ..Where::default() };
    let mut at = match e {
        RustIngestError::Io { file: f, .. } | RustIngestError::UnknownFormat { file: f, .. } => {
            file(f)
        }
        RustIngestError::Malformed { place, .. } | RustIngestError::Limit { place, .. } => {
            place_attrs(py, place)
        }
        _ => Where::default(),
    };
    // Every IngestError has `line`, None where the place has none.
    if at.extra.is_empty() {
        at.extra.push(("line", Ok(py.None().into_bound(py))));
    }
    let message = format!("{e} (nothing was written)");
    raise(py.get_type::<IngestError>().into_any(), message, at)
}

/// An input of an ingest run that does not exist.
pub fn missing_input(py: Python<'_>, path: &Path) -> PyErr {
    let message = format!("{}: no such file or folder", path.display());
    let mut at = with_path(py, path);
    at.extra.push(("line", Ok(py.None().into_bound(py))));
    raise(py.get_type::<IngestError>().into_any(), message, at)
}

/// A policy file at `path` was refused.
pub fn policy_error(py: Python<'_>, path: &Path, e: &RustPolicyError) -> PyErr {
    let mut at = with_path(py, path);
    let loc = e.location();
    at.place = loc.map(ToString::to_string);
    at.extra.push(("line", loc.map(|l| l.line).into_bound_py_any(py)));
    at.extra.push(("column", loc.map(|l| l.column).into_bound_py_any(py)));
    at.extra.push(("key", e.path().into_bound_py_any(py)));
    raise(py.get_type::<PolicyError>().into_any(), e.to_string(), at)
}

/// `key` names no node, or several.
pub fn not_found(py: Python<'_>, message: String) -> PyErr {
    match not_found_type(py) {
        Ok(class) => raise(class, message, Where::default()),
        Err(e) => e,
    }
}
