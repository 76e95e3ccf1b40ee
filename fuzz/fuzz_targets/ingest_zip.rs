//! A zip collection: the archive reader never panics, refuses escaping
//! paths and bombs, and what it reads builds, verifies and answers queries.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::ingest(data, aisf::core::ingest::archive::read_zip);
});
