//! SCIM 2.0 resources and list responses: the reader never panics, and
//! what it reads correlates, builds, verifies and answers every query.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::ingest(data, aisf::core::ingest::scim::read);
});
