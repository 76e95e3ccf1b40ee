//! A small graph from the bytes (cycles included), built in memory: every
//! parallel query must agree with the naive evaluator.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::differential(data);
});
