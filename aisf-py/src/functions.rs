//! The module's functions: `open`, `ingest`, `demo`, `diff`, `rule_ids`.

use std::path::{Path, PathBuf};

use aisf::RuleId;
use aisf::core::correlate::{CorrelationConfig, correlate};
use aisf::core::ingest::csv_bundle::write_bundle;
use aisf::core::ingest::{Mode, ReadOptions, ingest_paths};
use aisf::core::synth::{DEMO_SEED, OrgConfig, generate};
use aisf::graph::diff::{DiffOptions, diff as diff_snapshots, hr_records, lifecycle};
use aisf::graph::{BuildOptions, UnknownEnds, build};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::json;

use crate::convert::{fs_str, path_arg, serde_to_py};
use crate::errors;
use crate::snapshot::{Snapshot, load_policy};

/// Opens a snapshot file.
#[pyfunction]
pub fn open(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Snapshot> {
    let path = path_arg("path", path)?;
    Snapshot::open(py, path)
}

/// Why an ingest run stopped, before the GIL is taken back.
enum IngestFailure {
    Missing(PathBuf),
    Read(aisf::core::ingest::IngestError),
    Build(aisf::graph::BuildError),
}

/// Reads exports (files, folders, zips), correlates accounts to persons
/// and writes a snapshot to `out`, as `aisf ingest` does. Returns the
/// report: `{"ingest": ..., "correlation": ..., "build": ...}`.
#[pyfunction]
#[pyo3(signature = (paths, out, strict=false, system=None))]
pub fn ingest<'py>(
    py: Python<'py>,
    paths: &Bound<'py, PyAny>,
    out: &Bound<'py, PyAny>,
    strict: bool,
    system: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    // One path alone is taken as a list of one; a str is not iterated.
    let inputs: Vec<PathBuf> = if is_single_path(paths)? {
        vec![path_arg("paths", paths)?]
    } else {
        paths.try_iter()?.map(|p| path_arg("paths", &p?)).collect::<PyResult<_>>()?
    };
    let out = path_arg("out", out)?;
    let mode = if strict { Mode::Strict } else { Mode::Lenient };
    let opts = ReadOptions { system, ..ReadOptions::default() };

    let run = py.detach(|| {
        if let Some(missing) = inputs.iter().find(|p| !p.exists()) {
            return Err(IngestFailure::Missing(missing.clone()));
        }
        let (mut graph, report) =
            ingest_paths(&inputs, &opts, mode).map_err(IngestFailure::Read)?;
        let correlation = correlate(&mut graph, &CorrelationConfig::default());
        let build_opts =
            BuildOptions { unknown_ends: UnknownEnds::Skip, ..BuildOptions::default() };
        let built = build(&graph, &out, &build_opts).map_err(IngestFailure::Build)?;
        Ok(json!({ "ingest": report, "correlation": correlation, "build": built }))
    });
    match run {
        Ok(report) => serde_to_py(py, &report),
        Err(IngestFailure::Missing(p)) => Err(errors::missing_input(py, &p)),
        Err(IngestFailure::Read(e)) => Err(errors::ingest_error(py, &e)),
        Err(IngestFailure::Build(e)) => Err(errors::build_error(py, &out, &e)),
    }
}

/// A `str`, `bytes` or `os.PathLike` (one path, not a list of them).
fn is_single_path(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = obj.py();
    let os = py.import("os")?;
    let path_like = os.getattr("PathLike")?;
    Ok(obj.is_instance_of::<pyo3::types::PyString>()
        || obj.is_instance_of::<pyo3::types::PyBytes>()
        || obj.is_instance(&path_like)?)
}

/// Why the demo stopped, before the GIL is taken back.
enum DemoFailure {
    Write(PathBuf, String),
    Build(PathBuf, aisf::graph::BuildError),
}

/// Generates the demo organisation into the folder `out`, as `aisf demo`
/// does: `org.aisf` (the snapshot), `exports/` (its exports as a CSV
/// bundle) and `policy.toml` (the policy it was built to). Returns the
/// three paths and the build report.
#[pyfunction]
#[pyo3(signature = (out, people=250, seed=None, drift=true))]
pub fn demo<'py>(
    py: Python<'py>,
    out: &Bound<'py, PyAny>,
    people: usize,
    seed: Option<u64>,
    drift: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let out = path_arg("out", out)?;
    let exports = out.join("exports");
    let policy_path = out.join("policy.toml");
    let snapshot = out.join("org.aisf");

    let run = py.detach(|| {
        let config = OrgConfig { seed: seed.unwrap_or(DEMO_SEED), drift, ..OrgConfig::new(people) };
        let org = generate(&config);
        let failed = |p: &Path, e: &dyn std::fmt::Display| {
            DemoFailure::Write(p.to_path_buf(), e.to_string())
        };
        std::fs::create_dir_all(&exports).map_err(|e| failed(&exports, &e))?;
        write_bundle(&org.graph, &exports).map_err(|e| failed(&exports, &e))?;
        let text = toml::to_string(&org.scan_policy()).map_err(|e| failed(&policy_path, &e))?;
        let header = "# The policy the demo organisation was built to, written by aisf.demo().\n\
                      # See examples/policy.toml for every option, with comments.\n\n";
        std::fs::write(&policy_path, format!("{header}{text}"))
            .map_err(|e| failed(&policy_path, &e))?;
        let opts = BuildOptions { created: Some(org.now), ..BuildOptions::default() };
        build(&org.graph, &snapshot, &opts).map_err(|e| DemoFailure::Build(snapshot.clone(), e))
    });
    let built = match run {
        Ok(built) => built,
        Err(DemoFailure::Write(p, e)) => return Err(errors::write_error(py, &p, &e)),
        Err(DemoFailure::Build(p, e)) => return Err(errors::build_error(py, &p, &e)),
    };

    let result = PyDict::new(py);
    result.set_item("snapshot", fs_str(py, &snapshot)?)?;
    result.set_item("exports", fs_str(py, &exports)?)?;
    result.set_item("policy", fs_str(py, &policy_path)?)?;
    result.set_item("build", serde_to_py(py, &built)?)?;
    Ok(result)
}

/// What changed from `old` to `new`: a dict with `diff` (nodes, access
/// gained and lost per person and account, edges, properties) and
/// `lifecycle` (joiners, movers and leavers). Privilege is marked by the
/// policy file when one is given, else by the built-in defaults.
#[pyfunction]
#[pyo3(signature = (old, new, policy=None))]
pub fn diff<'py>(
    py: Python<'py>,
    old: &Bound<'py, Snapshot>,
    new: &Bound<'py, Snapshot>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (before, after) = (old.get().engine(), new.get().engine());
    let policy_path = policy.map(|p| path_arg("policy", p)).transpose()?;
    let (policy, _) = load_policy(py, policy_path.as_deref(), after)?;
    let value = py.detach(|| {
        let opts = DiffOptions { policy: Some(policy), ..DiffOptions::default() };
        let changes = diff_snapshots(before, after, &opts);
        let events =
            lifecycle(&hr_records(before), &hr_records(after), before, after, &opts, &changes);
        json!({ "diff": changes, "lifecycle": events })
    });
    serde_to_py(py, &value)
}

/// Every rule of the scan: `(id, default severity, summary)`.
#[pyfunction]
pub fn rule_ids() -> Vec<(&'static str, &'static str, &'static str)> {
    RuleId::ALL.iter().map(|r| (r.as_str(), r.default_severity().as_str(), r.summary())).collect()
}
