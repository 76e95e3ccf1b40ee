//! Google Workspace responses or an AWS credential report (first byte
//! chooses): the reader never panics, and what it reads builds and verifies.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::ingest_cloud(data);
});
