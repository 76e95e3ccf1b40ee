//! `aisf._native.Snapshot`: one open snapshot, shared by every thread.

use std::path::{Path, PathBuf};

use aisf::EdgeKind;
use aisf::core::policy::Policy;
use aisf::graph::govern::{ScanOptions, scan};
use aisf::graph::{NodeId, Snapshot as Engine};
use pyo3::prelude::*;

use crate::buffers::{AccessPairs, pairs};
use crate::convert::{NodeTuple, fs_str, node_tuple, node_tuples, path_arg, serde_to_py};
use crate::errors;

/// An open snapshot. Immutable, so every method may be called from any
/// number of threads at once; each releases the GIL while it works.
#[pyclass(frozen, module = "aisf._native")]
pub struct Snapshot {
    snap: Engine,
    path: PathBuf,
}

impl Snapshot {
    /// Opens `path` (the GIL released while it maps and checks the file).
    pub fn open(py: Python<'_>, path: PathBuf) -> PyResult<Snapshot> {
        match py.detach(|| Engine::open(&path)) {
            Ok(snap) => Ok(Snapshot { snap, path }),
            Err(e) => Err(errors::open_error(py, &path, &e)),
        }
    }

    /// The engine's snapshot.
    pub fn engine(&self) -> &Engine {
        &self.snap
    }

    /// Finds a node by id, name or email, or raises `NotFoundError`.
    fn resolve(&self, py: Python<'_>, key: &str) -> PyResult<NodeId> {
        let snap = &self.snap;
        if let Some(v) = snap.resolve(key) {
            return Ok(v);
        }
        let many = snap.find_by_name(key);
        let message = if many.len() > 1 {
            let ids: Vec<&str> = many.iter().take(5).map(|&v| snap.node(v).id()).collect();
            format!("'{key}' names {} nodes; use an id, such as {}", many.len(), ids.join(", "))
        } else {
            format!("'{key}' matches no node id, name or email address in {}", self.path.display())
        };
        Err(errors::not_found(py, message))
    }
}

/// Reads a policy file and checks its names against `snap`; the warnings
/// (unknown names with a suggestion, contradictions) are returned.
pub fn load_policy(
    py: Python<'_>,
    path: Option<&Path>,
    snap: &Engine,
) -> PyResult<(Policy, Vec<String>)> {
    let Some(path) = path else { return Ok((Policy::default(), Vec::new())) };
    let read = py.detach(|| Policy::from_path(path));
    let policy = read.map_err(|e| errors::policy_error(py, path, &e))?;
    let mut warnings = policy.check_names(&snap.known());
    warnings.extend(policy.contradictions());
    Ok((policy, warnings.iter().map(ToString::to_string).collect()))
}

#[pymethods]
impl Snapshot {
    /// The file this snapshot was opened from.
    #[getter]
    fn path<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        fs_str(py, &self.path)
    }

    /// The number of nodes.
    #[getter]
    fn node_count(&self) -> usize {
        self.snap.node_count()
    }

    /// The number of edges.
    #[getter]
    fn edge_count(&self) -> usize {
        self.snap.edge_count()
    }

    /// The size of the file in bytes.
    #[getter]
    fn file_len(&self) -> u64 {
        self.snap.file_len()
    }

    /// The format version, `(major, minor)`.
    #[getter]
    fn version(&self) -> (u16, u16) {
        self.snap.version()
    }

    /// The systems the snapshot covers.
    #[getter]
    fn systems(&self) -> Vec<String> {
        self.snap.systems().to_vec()
    }

    /// How many nodes of each kind, as a dict.
    fn kind_counts(&self) -> Vec<(String, u32)> {
        let mut counts: Vec<(String, u32)> = Vec::new();
        for kind in aisf::NodeKind::BUILTIN {
            let n = self.snap.kind_range(&kind).len() as u32;
            counts.push((kind.as_str().to_string(), n));
        }
        counts
    }

    /// Checks every byte of the file against its checksums and every
    /// invariant of the format.
    fn verify(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.snap.verify()).map_err(|e| errors::verify_error(py, &self.path, &e))
    }

    /// The node a key names: an id, a name or an email address.
    fn node(&self, py: Python<'_>, key: &str) -> PyResult<NodeTuple> {
        let v = self.resolve(py, key)?;
        Ok(node_tuple(&self.snap, v))
    }

    /// The nodes of one kind (`person`, `account`, `group`, `role`,
    /// `entitlement`, `resource`...), in number order.
    fn nodes(&self, py: Python<'_>, kind: &str) -> Vec<NodeTuple> {
        let kind = aisf::NodeKind::parse(kind);
        py.detach(|| node_tuples(&self.snap, self.snap.kind_range(&kind)))
    }

    /// Everything a person or account reaches: `(subject, entitlements,
    /// resources)`.
    fn access(
        &self,
        py: Python<'_>,
        subject: &str,
    ) -> PyResult<(NodeTuple, Vec<NodeTuple>, Vec<NodeTuple>)> {
        let v = self.resolve(py, subject)?;
        Ok(py.detach(|| {
            let access = self.snap.access(v);
            (
                node_tuple(&self.snap, v),
                node_tuples(&self.snap, access.entitlements()),
                node_tuples(&self.snap, access.resources()),
            )
        }))
    }

    /// The number of entitlements a person or account reaches.
    fn access_count(&self, py: Python<'_>, subject: &str) -> PyResult<u64> {
        let v = self.resolve(py, subject)?;
        Ok(py.detach(|| self.snap.access(v).entitlement_count()))
    }

    /// Who can reach a group, role, entitlement or resource: `(target,
    /// persons, accounts)`.
    fn who(
        &self,
        py: Python<'_>,
        target: &str,
    ) -> PyResult<(NodeTuple, Vec<NodeTuple>, Vec<NodeTuple>)> {
        let v = self.resolve(py, target)?;
        Ok(py.detach(|| {
            let who = self.snap.who_can_access(v);
            (
                node_tuple(&self.snap, v),
                node_tuples(&self.snap, &who.persons),
                node_tuples(&self.snap, &who.accounts),
            )
        }))
    }

    /// How many persons and accounts can reach a target, without listing
    /// them: `(persons, accounts)`.
    fn who_count(&self, py: Python<'_>, target: &str) -> PyResult<(u64, u64)> {
        let v = self.resolve(py, target)?;
        Ok(py.detach(|| {
            let who = self.snap.who_can_access(v);
            (who.persons.len(), who.accounts.len())
        }))
    }

    /// A shortest path from `subject` to `target` and the direct
    /// assignments the access arrives through, or `None` when the subject
    /// does not reach the target: `(path, via)` with `path` a list of
    /// `(node, edge kind or None)` and `via` a list of `(holder, edge kind,
    /// held)`.
    #[expect(clippy::type_complexity, reason = "the shape the stub documents")]
    fn explain(
        &self,
        py: Python<'_>,
        subject: &str,
        target: &str,
    ) -> PyResult<Option<(Vec<(NodeTuple, Option<String>)>, Vec<(NodeTuple, String, NodeTuple)>)>>
    {
        let s = self.resolve(py, subject)?;
        let t = self.resolve(py, target)?;
        let snap = &self.snap;
        Ok(py.detach(|| {
            let why = snap.explain(s, t)?;
            let path = why
                .path
                .iter()
                .map(|step| {
                    let edge = step.edge.as_ref().map(|k| k.as_str().to_string());
                    (node_tuple(snap, step.node), edge)
                })
                .collect();
            let via = why
                .via
                .iter()
                .map(|(h, k, g)| {
                    (node_tuple(snap, *h), EdgeKind::as_str(k).to_string(), node_tuple(snap, *g))
                })
                .collect();
            Some((path, via))
        }))
    }

    /// Checks the snapshot against a policy file (the built-in privileged
    /// defaults when `policy` is `None`): a dict with `findings` (every
    /// field of every finding, highest risk first), `warnings` about the
    /// policy, `silenced`, `now` and `rules`.
    #[pyo3(signature = (policy=None, now=None, paths=true))]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&Bound<'py, PyAny>>,
        now: Option<i64>,
        paths: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let policy_path = policy.map(|p| path_arg("policy", p)).transpose()?;
        let (policy, warnings) = load_policy(py, policy_path.as_deref(), &self.snap)?;
        let opts = ScanOptions { now, no_paths: !paths, ..ScanOptions::default() };
        let result = py.detach(|| scan(&self.snap, &policy, &opts));
        let out = serde_to_py(py, &result)?;
        out.set_item("warnings", warnings)?;
        Ok(out)
    }

    /// Every (account, entitlement) pair, as columns for Arrow.
    fn access_pairs(&self, py: Python<'_>) -> PyResult<AccessPairs> {
        py.detach(|| pairs(&self.snap)).into_py(py)
    }

    /// The number of (account, entitlement) pairs.
    fn total_pairs(&self, py: Python<'_>) -> u64 {
        py.detach(|| self.snap.access_all().total_pairs())
    }

    fn __repr__(&self) -> String {
        format!(
            "<aisf Snapshot {}: {} nodes, {} edges>",
            self.path.display(),
            self.snap.node_count(),
            self.snap.edge_count()
        )
    }
}
