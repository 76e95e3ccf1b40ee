//! The snapshot handle and its queries.

use std::ffi::c_char;
use std::sync::Arc;

use aisf::NodeKind;
use aisf::graph::{Filter, NodeId, OpenError, Snapshot};

use crate::args;
use crate::error::{Failure, aisf_result, guard};
use crate::iter::aisf_iter;

/// An open snapshot: one organisation's identity graph, memory-mapped and
/// read-only.
///
/// Every query takes a const pointer: one handle may be queried from many
/// threads at once. Iterators made from it keep the file open, so the
/// handle may be freed before them. Free it with aisf_snapshot_free().
pub struct aisf_snapshot {
    pub(crate) snap: Arc<Snapshot>,
}

// The promise the header makes: a snapshot handle is shared across threads.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<aisf_snapshot>();
};

pub(crate) fn open_failure(e: OpenError) -> Failure {
    let code = match &e {
        OpenError::Io { .. } => aisf_result::OpenIo,
        OpenError::NotASnapshot(_) => aisf_result::NotASnapshot,
        OpenError::NewerVersion { .. } => aisf_result::NewerVersion,
        _ => aisf_result::Damaged,
    };
    Failure::new(code, e.to_string())
}

/// Opens the snapshot file at `path` (UTF-8) and writes a new handle to
/// `out`.
///
/// Checks the framing of the file (header, section table, footer), not
/// every byte: call aisf_snapshot_verify() for files from elsewhere. The
/// file must not be modified while open; AISF never does (a new state is
/// a new file renamed into place).
///
/// # Safety
///
/// `path` must be NULL or a NUL-terminated string; `out` must be NULL or
/// point to writable memory for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_open(
    path: *const c_char,
    out: *mut *mut aisf_snapshot,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let path = unsafe { args::text(path, "path") }?;
        args::check_out(out, "out")?;
        let snap = Snapshot::open(path).map_err(open_failure)?;
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::give(out, aisf_snapshot { snap: Arc::new(snap) }, "out") }
    })
}

/// Checks every byte of the snapshot against its checksums and the
/// format's invariants: AISF_RESULT_DAMAGED names the first problem.
/// The cost grows with the file.
///
/// # Safety
///
/// `snapshot` must be NULL or a live snapshot handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_verify(snapshot: *const aisf_snapshot) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live handle.
        let s = unsafe { args::handle(snapshot, "snapshot") }?;
        s.snap.verify().map_err(|e| Failure::new(aisf_result::Damaged, e.to_string()))
    })
}

/// Frees a snapshot handle. NULL is ignored. Iterators made from it stay
/// valid: the file is closed when the last of them is freed.
///
/// # Safety
///
/// `snapshot` must be NULL or a handle not yet freed; it must not be used
/// afterwards, and no other thread may be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_free(snapshot: *mut aisf_snapshot) {
    // SAFETY: the caller promises a handle from this library, freed once.
    let _ = std::panic::catch_unwind(|| unsafe { args::free(snapshot) });
}

/// Writes the number of nodes and of edges to `nodes` and `edges`.
///
/// # Safety
///
/// `snapshot` must be NULL or a live handle; `nodes` and `edges` must be
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_counts(
    snapshot: *const aisf_snapshot,
    nodes: *mut usize,
    edges: *mut usize,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live handle.
        let s = unsafe { args::handle(snapshot, "snapshot") }?;
        args::check_out(nodes, "nodes")?;
        // SAFETY: the caller promises both are NULL or writable.
        unsafe {
            args::write(edges, s.snap.edge_count(), "edges")?;
            args::write(nodes, s.snap.node_count(), "nodes")
        }
    })
}

/// Finds a node by id, else by name, else by email (a name or email must
/// match exactly one node), and writes its number to `number`.
/// AISF_RESULT_NOT_FOUND when nothing (or more than one node) matches.
///
/// # Safety
///
/// `snapshot` must be NULL or a live handle; `key` NULL or a
/// NUL-terminated string; `number` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_resolve(
    snapshot: *const aisf_snapshot,
    key: *const c_char,
    number: *mut u32,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live handle and a string.
        let (s, key) = unsafe { (args::handle(snapshot, "snapshot")?, args::text(key, "key")?) };
        let v = resolve(&s.snap, key, "key")?;
        // SAFETY: the caller promises NULL or writable.
        unsafe { args::write(number, v.0, "number") }
    })
}

fn resolve(snap: &Snapshot, key: &str, what: &str) -> Result<NodeId, Failure> {
    snap.resolve(key).ok_or_else(|| {
        Failure::new(
            aisf_result::NotFound,
            format!("{what} {key:?} matches no node by id, nor exactly one by name or email"),
        )
    })
}

/// The common shape of the queries: resolve the keys, run, hand back an
/// iterator.
///
/// # Safety
///
/// `snapshot` NULL or live; `out` NULL or writable.
unsafe fn query(
    snapshot: *const aisf_snapshot,
    out: *mut *mut aisf_iter,
    run: impl FnOnce(&Arc<Snapshot>) -> Result<aisf_iter, Failure>,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live handle.
        let s = unsafe { args::handle(snapshot, "snapshot") }?;
        args::check_out(out, "out")?;
        let iter = run(&s.snap)?;
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::give(out, iter, "out") }
    })
}

/// The effective access of a person or account (`subject`: an id, name or
/// email, see aisf_snapshot_resolve()): every group, role, entitlement and
/// resource it reaches through memberships, roles and grants, a person
/// through each of their accounts too. Nodes come in number order, which
/// keeps each kind together. Writes a new iterator to `out`.
///
/// # Safety
///
/// `snapshot` must be NULL or a live handle; `subject` NULL or a
/// NUL-terminated string; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_access(
    snapshot: *const aisf_snapshot,
    subject: *const c_char,
    out: *mut *mut aisf_iter,
) -> aisf_result {
    // SAFETY: the caller's promises, passed on.
    unsafe {
        query(snapshot, out, |snap| {
            let subject = args::text(subject, "subject")?;
            let v = resolve(snap, subject, "subject")?;
            let reached = snap.access(v).reached;
            Ok(aisf_iter::new(snap.clone(), reached.iter().collect()))
        })
    }
}

/// Who can reach `target` (an entitlement, resource, group or role, by id,
/// name or email): the persons first, then the accounts, each in number
/// order. A person counts when one of their accounts reaches the target
/// or they hold it directly. Writes a new iterator to `out`.
///
/// # Safety
///
/// `snapshot` must be NULL or a live handle; `target` NULL or a
/// NUL-terminated string; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_who(
    snapshot: *const aisf_snapshot,
    target: *const c_char,
    out: *mut *mut aisf_iter,
) -> aisf_result {
    // SAFETY: the caller's promises, passed on.
    unsafe {
        query(snapshot, out, |snap| {
            let target = args::text(target, "target")?;
            let v = resolve(snap, target, "target")?;
            let who = snap.who_can_access(v);
            let mut nodes = Vec::with_capacity((who.persons.len() + who.accounts.len()) as usize);
            nodes.extend(who.persons.iter());
            nodes.extend(who.accounts.iter());
            Ok(aisf_iter::new(snap.clone(), nodes))
        })
    }
}

/// The shortest path that justifies the access of `subject` to `target`
/// (each an id, name or email): the subject first, then each node on the
/// way with the kind of the edge that led to it (aisf_node.edge), the
/// target last. The iterator is empty when the subject has no such access.
///
/// # Safety
///
/// `snapshot` must be NULL or a live handle; `subject` and `target` NULL
/// or NUL-terminated strings; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_explain(
    snapshot: *const aisf_snapshot,
    subject: *const c_char,
    target: *const c_char,
    out: *mut *mut aisf_iter,
) -> aisf_result {
    // SAFETY: the caller's promises, passed on.
    unsafe {
        query(snapshot, out, |snap| {
            let subject = args::text(subject, "subject")?;
            let target = args::text(target, "target")?;
            let (from, to) = (resolve(snap, subject, "subject")?, resolve(snap, target, "target")?);
            let path = snap.explain(from, to).map(|e| e.path).unwrap_or_default();
            let nodes = path.iter().map(|step| step.node.0).collect();
            let edges = path.into_iter().map(|step| step.edge).collect();
            Ok(aisf_iter::new(snap.clone(), nodes).with_edges(edges))
        })
    }
}

/// The nodes of a kind (`kind`: "person", "account", "group", "role",
/// "entitlement", "resource", "system" or a kind the sources brought;
/// NULL for every kind) whose boolean property `property` is `value`
/// (NULL `property` for no property test), in number order. For example
/// kind "account", property "enabled", value false: the disabled accounts.
///
/// # Safety
///
/// `snapshot` must be NULL or a live handle; `kind` and `property` NULL
/// or NUL-terminated strings; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_filter(
    snapshot: *const aisf_snapshot,
    kind: *const c_char,
    property: *const c_char,
    value: bool,
    out: *mut *mut aisf_iter,
) -> aisf_result {
    // SAFETY: the caller's promises, passed on.
    unsafe {
        query(snapshot, out, |snap| {
            let kind = args::optional_text(kind, "kind")?;
            let property = args::optional_text(property, "property")?;
            let mut all = Vec::new();
            all.extend(kind.map(|k| Filter::Kind(NodeKind::parse(k))));
            all.extend(property.map(|p| Filter::Bool(p.to_string(), value)));
            let nodes = snap.filter(&Filter::And(all)).iter().collect();
            Ok(aisf_iter::new(snap.clone(), nodes))
        })
    }
}
