//! Conversions between Python values and the engine's: paths, nodes and
//! the serde values of reports.

use std::path::{Path, PathBuf};

use aisf::graph::{NodeId, Snapshot};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use serde_json::Value;

/// A path from `str`, `bytes` or any `os.PathLike`, through `os.fsencode`:
/// a `str` holding undecodable bytes as surrogates (as `os.listdir` gives
/// them) comes back as the same bytes. Anything else is a `TypeError`
/// naming `what`.
pub fn path_arg(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let py = obj.py();
    let encoded = py.import("os")?.call_method1("fsencode", (obj,)).map_err(|e| {
        if e.is_instance_of::<PyTypeError>(py) {
            let type_name =
                obj.get_type().name().map_or_else(|_| "?".to_string(), |n| n.to_string());
            PyTypeError::new_err(format!(
                "{what} must be a str, bytes or os.PathLike path, not {type_name}"
            ))
        } else {
            e
        }
    })?;
    let bytes = encoded.cast::<PyBytes>()?.as_bytes();
    Ok(from_bytes(bytes))
}

#[cfg(unix)]
fn from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn from_bytes(bytes: &[u8]) -> PathBuf {
    // Windows' file system encoding is UTF-8 with surrogate passing; a name
    // Python can encode decodes here.
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// A path as the `str` Python would use for it (`os.fsdecode`), so a name
/// that is not UTF-8 round-trips.
pub fn fs_str<'py>(py: Python<'py>, path: &Path) -> PyResult<Bound<'py, PyAny>> {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    py.import("os")?.call_method1("fsdecode", (PyBytes::new(py, &bytes),))
}

/// A node as the tuple `(number, id, name, kind, system)`.
pub type NodeTuple = (u32, String, Option<String>, String, Option<String>);

/// The tuple of one node.
pub fn node_tuple(snap: &Snapshot, v: NodeId) -> NodeTuple {
    let node = snap.node(v);
    (
        v.0,
        node.id().to_string(),
        node.name().map(str::to_string),
        node.kind().as_str().to_string(),
        node.system().map(str::to_string),
    )
}

/// The tuples of a set of nodes, in number order.
pub fn node_tuples(snap: &Snapshot, ids: impl IntoIterator<Item = u32>) -> Vec<NodeTuple> {
    ids.into_iter().map(|v| node_tuple(snap, NodeId(v))).collect()
}

/// A serde value as plain Python: dicts, lists, str, int, float, bool and
/// None.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A serialisable value as plain Python.
pub fn serde_to_py<'py>(
    py: Python<'py>,
    value: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value).map_err(|e| {
        pyo3::exceptions::PyValueError::new_err(format!("cannot convert a report: {e}"))
    })?;
    to_py(py, &value)
}
