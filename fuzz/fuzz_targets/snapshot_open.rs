//! Arbitrary bytes as a snapshot: opening must never panic, and whatever
//! opens must verify or be refused and answer every query without panicking.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::snapshot_open(data);
});
