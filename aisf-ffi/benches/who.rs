//! Who-can-access through the C interface beside the same query in Rust,
//! on the generated demo organisation. The C path adds resolving the name,
//! collecting the result into an iterator and reading every node's strings
//! back; the aim is to stay within 1.5 times the Rust call plus building
//! its result (see the crate's README).
//!
//! `cargo bench -p aisf-ffi --bench who`; `AISF_BENCH_PEOPLE` sets the size
//! (default 2000).
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

use std::ffi::{CStr, CString};
use std::hint::black_box;
use std::mem::MaybeUninit;

use aisf::graph::Snapshot;
use aisf_ffi::{
    aisf_demo_write, aisf_iter, aisf_iter_free, aisf_iter_next, aisf_node, aisf_result,
    aisf_snapshot, aisf_snapshot_free, aisf_snapshot_open, aisf_snapshot_who,
};
use criterion::{Criterion, criterion_group, criterion_main};

const TARGET: &str = "aws:policy:AdministratorAccess";

fn who(c: &mut Criterion) {
    let people = std::env::var("AISF_BENCH_PEOPLE").ok().and_then(|s| s.parse().ok());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir_c = CString::new(dir.path().to_str().expect("a UTF-8 path")).unwrap();
    // SAFETY: a NUL-terminated path that outlives the call.
    let code = unsafe { aisf_demo_write(dir_c.as_ptr(), people.unwrap_or(2000)) };
    assert_eq!(code, aisf_result::Ok);
    let path = dir.path().join("org.aisf");

    let snap = Snapshot::open(&path).expect("the demo snapshot");
    c.bench_function("who_can_access/rust", |b| {
        b.iter(|| {
            let v = snap.resolve(black_box(TARGET)).expect("the target");
            let who = snap.who_can_access(v);
            // What the C call hands over: ids and kinds of every node.
            let nodes: Vec<(&str, aisf::NodeKind)> = who
                .persons
                .iter()
                .chain(who.accounts.iter())
                .map(|n| {
                    let node = snap.node(aisf::graph::NodeId(n));
                    (node.id(), node.kind())
                })
                .collect();
            black_box(nodes.len())
        })
    });

    let path_c = CString::new(path.to_str().expect("a UTF-8 path")).unwrap();
    let target_c = CString::new(TARGET).unwrap();
    let mut handle: *mut aisf_snapshot = std::ptr::null_mut();
    // SAFETY: a NUL-terminated path and a writable out pointer.
    assert_eq!(unsafe { aisf_snapshot_open(path_c.as_ptr(), &mut handle) }, aisf_result::Ok);
    c.bench_function("who_can_access/c", |b| {
        b.iter(|| {
            let mut it: *mut aisf_iter = std::ptr::null_mut();
            let mut node = MaybeUninit::<aisf_node>::uninit();
            let mut total = 0usize;
            // SAFETY: a live handle, a NUL-terminated target, writable out
            // pointers; each node's strings are read before the next call.
            unsafe {
                assert_eq!(aisf_snapshot_who(handle, target_c.as_ptr(), &mut it), aisf_result::Ok);
                while aisf_iter_next(it, node.as_mut_ptr()) == aisf_result::Ok {
                    let n = node.assume_init_ref();
                    total += CStr::from_ptr(n.id).to_bytes().len();
                    total += CStr::from_ptr(n.kind).to_bytes().len();
                }
                aisf_iter_free(it);
            }
            black_box(total)
        })
    });
    // SAFETY: the handle is live and not used again.
    unsafe { aisf_snapshot_free(handle) };
}

criterion_group!(benches, who);
criterion_main!(benches);
