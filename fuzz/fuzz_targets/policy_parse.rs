//! Arbitrary text as a policy file: the parser never panics, and whatever
//! parses is checked and scanned over a small organisation without panicking.
#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::policy_parse(data);
});
