//! The result iterator: the nodes a query returns, one at a time.

use std::ffi::c_char;
use std::sync::Arc;

use aisf::EdgeKind;
use aisf::graph::{NodeId, Snapshot};

use crate::args::{self, NONE, Strings};
use crate::error::{aisf_result, guard, guard_next};

/// The nodes a query returned, in order, read one at a time with
/// aisf_iter_next().
///
/// An iterator keeps its snapshot alive: the snapshot handle may be freed
/// first. One thread at a time may use an iterator (it may move between
/// threads). Free it with aisf_iter_free().
pub struct aisf_iter {
    snap: Arc<Snapshot>,
    nodes: Vec<u32>,
    /// For explain paths: the kind of the edge that led to each node.
    edges: Vec<Option<EdgeKind>>,
    next: usize,
    strings: Strings,
}

impl aisf_iter {
    pub(crate) fn new(snap: Arc<Snapshot>, nodes: Vec<u32>) -> aisf_iter {
        aisf_iter { snap, nodes, edges: Vec::new(), next: 0, strings: Strings::default() }
    }

    pub(crate) fn with_edges(mut self, edges: Vec<Option<EdgeKind>>) -> aisf_iter {
        self.edges = edges;
        self
    }
}

/// One node of a result. The strings belong to the iterator that wrote
/// them and stay valid until its next aisf_iter_next() call or until it is
/// freed; copy them to keep them longer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aisf_node {
    /// The node's number in its snapshot (stable only within that file).
    pub number: u32,
    /// The source id, as given by the export ("ad:group:domain-admins").
    pub id: *const c_char,
    /// The display name, or NULL when the source gave none.
    pub name: *const c_char,
    /// The kind: "person", "account", "group", "role", "entitlement",
    /// "resource", "system" or a kind the source brought.
    pub kind: *const c_char,
    /// The system the node belongs to, or NULL.
    pub system: *const c_char,
    /// For explain paths, the kind of the edge that led to this node
    /// ("member_of", "has_role", "grant", "correlation"...); NULL on the
    /// first step and for other queries.
    pub edge: *const c_char,
}

/// The number of nodes in the result, whatever has been read. Returns 0
/// for NULL.
///
/// # Safety
///
/// `iter` must be NULL or a live iterator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_iter_len(iter: *const aisf_iter) -> usize {
    // SAFETY: the caller promises NULL or a live iterator.
    unsafe { iter.as_ref() }.map_or(0, |it| it.nodes.len())
}

/// Writes the next node to `out`: returns AISF_RESULT_OK with a node,
/// AISF_RESULT_END (leaving `out` as it was) when every node has been
/// read.
///
/// # Safety
///
/// `iter` must be NULL or a live iterator used by no other thread during
/// the call; `out` must be NULL or point to writable memory for one
/// aisf_node.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_iter_next(iter: *mut aisf_iter, out: *mut aisf_node) -> aisf_result {
    guard_next(|| {
        // SAFETY: the caller promises a live iterator used by nobody else.
        let it = unsafe { args::handle_mut(iter, "iter") }?;
        args::check_out(out, "out")?;
        let Some(&v) = it.nodes.get(it.next) else { return Ok(false) };
        let edge = it.edges.get(it.next).and_then(|e| e.as_ref());
        it.next += 1;

        let node = it.snap.node(NodeId(v));
        let kind = node.kind();
        let s = &mut it.strings;
        s.clear();
        let (id, name) = (s.push(node.id()), s.push_opt(node.name()));
        let (kind, system) = (s.push(kind.as_str()), s.push_opt(node.system()));
        let edge = edge.map_or(NONE, |e| s.push(e.as_str()));
        let item = aisf_node {
            number: v,
            id: s.ptr(id),
            name: s.ptr(name),
            kind: s.ptr(kind),
            system: s.ptr(system),
            edge: s.ptr(edge),
        };
        // SAFETY: checked not NULL; the caller promises room for a node.
        unsafe { args::write(out, item, "out") }?;
        Ok(true)
    })
}

/// Starts the iteration again from the first node.
///
/// # Safety
///
/// `iter` must be NULL or a live iterator used by no other thread during
/// the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_iter_reset(iter: *mut aisf_iter) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises a live iterator used by nobody else.
        unsafe { args::handle_mut(iter, "iter") }?.next = 0;
        Ok(())
    })
}

/// Frees an iterator and the strings it wrote. NULL is ignored.
///
/// # Safety
///
/// `iter` must be NULL or an iterator not yet freed; it must not be used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_iter_free(iter: *mut aisf_iter) {
    // SAFETY: the caller promises an iterator from this library, freed once.
    let _ = std::panic::catch_unwind(|| unsafe { args::free(iter) });
}
