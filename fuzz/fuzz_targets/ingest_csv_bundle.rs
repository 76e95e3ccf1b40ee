//! A CSV bundle of several files (the input split at NUL bytes): the
//! readers never panic, and the bundle builds, verifies and answers queries.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::ingest_csv_bundle(data);
});
