//! The C ABI of AISF: opaque handles over snapshots, builders, policies,
//! scans and diffs, declared for C in `include/aisf.h`.
//!
//! The header is generated from this crate by cbindgen (pinned) and
//! committed; the test `tests/header.rs` fails when the two differ and
//! `AISF_BLESS=1 cargo test -p aisf-ffi --test header` rewrites it. The
//! conventions (ownership, lifetimes, threads, result codes, ABI
//! stability) are written at the top of the header, from `cbindgen.toml`.
//!
//! Every export is an `unsafe extern "C" fn`: its `# Safety` section is
//! the contract a C caller keeps (NULL or a live handle; NUL-terminated
//! strings; writable out pointers). Within it no call panics across the
//! boundary, dereferences NULL or returns an error without a message.
//!
//! Rust programs should use the `aisf` crate itself; the functions here
//! are callable from Rust only for the crate's own tests and benchmarks.
#![deny(missing_docs)]
#![expect(
    non_camel_case_types,
    reason = "C type names follow C conventions: aisf_snapshot, aisf_result"
)]

mod args;
mod builder;
mod demo;
mod diff;
mod error;
mod iter;
mod policy;
mod snapshot;

use std::ffi::c_char;

pub use builder::{
    aisf_build_report, aisf_builder, aisf_builder_add_input, aisf_builder_build, aisf_builder_free,
    aisf_builder_new, aisf_builder_set_strict,
};
pub use demo::aisf_demo_write;
pub use diff::{
    aisf_access_change, aisf_diff, aisf_diff_counts, aisf_diff_free, aisf_diff_new, aisf_diff_next,
    aisf_diff_summary,
};
pub use error::{aisf_last_error, aisf_result, aisf_result_name};
pub use iter::{
    aisf_iter, aisf_iter_free, aisf_iter_len, aisf_iter_next, aisf_iter_reset, aisf_node,
};
pub use policy::{
    aisf_finding, aisf_findings, aisf_findings_free, aisf_findings_get, aisf_findings_len,
    aisf_policy, aisf_policy_default, aisf_policy_free, aisf_policy_load, aisf_policy_parse,
    aisf_severity, aisf_snapshot_scan,
};
pub use snapshot::{
    aisf_snapshot, aisf_snapshot_access, aisf_snapshot_counts, aisf_snapshot_explain,
    aisf_snapshot_filter, aisf_snapshot_free, aisf_snapshot_open, aisf_snapshot_resolve,
    aisf_snapshot_verify, aisf_snapshot_who,
};

/// The major version of this library: a change breaks the ABI.
pub const AISF_VERSION_MAJOR: u32 = 0;
/// The minor version: from 1.0 on, additions that keep the ABI (before
/// 1.0 a new minor version may change it).
pub const AISF_VERSION_MINOR: u32 = 1;
/// The patch version: fixes only.
pub const AISF_VERSION_PATCH: u32 = 0;

/// Writes the version of the library actually linked, which may differ
/// from the AISF_VERSION_* macros of the header a program was compiled
/// with: a program should check that the majors agree.
///
/// # Safety
///
/// Each of `major`, `minor` and `patch` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_version(
    major: *mut u32,
    minor: *mut u32,
    patch: *mut u32,
) -> aisf_result {
    error::guard(|| {
        args::check_out(major, "major")?;
        args::check_out(minor, "minor")?;
        // SAFETY: the caller promises each is NULL or writable.
        unsafe {
            args::write(patch, AISF_VERSION_PATCH, "patch")?;
            args::write(minor, AISF_VERSION_MINOR, "minor")?;
            args::write(major, AISF_VERSION_MAJOR, "major")
        }
    })
}

/// The version as text ("0.1.0"): a static string, never to be freed.
#[unsafe(no_mangle)]
pub extern "C" fn aisf_version_string() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_constants_are_the_package_version() {
        let parse = |s: &str| s.parse::<u32>().unwrap();
        assert_eq!(AISF_VERSION_MAJOR, parse(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(AISF_VERSION_MINOR, parse(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(AISF_VERSION_PATCH, parse(env!("CARGO_PKG_VERSION_PATCH")));
        let (mut a, mut b, mut c) = (9, 9, 9);
        // SAFETY: three writable u32s.
        assert_eq!(unsafe { aisf_version(&mut a, &mut b, &mut c) }, aisf_result::Ok);
        assert_eq!((a, b, c), (AISF_VERSION_MAJOR, AISF_VERSION_MINOR, AISF_VERSION_PATCH));
        // SAFETY: the string is static and NUL-terminated.
        let text = unsafe { std::ffi::CStr::from_ptr(aisf_version_string()) };
        assert_eq!(text.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
