//! Helpers the end-to-end test files share: run the binary, read its
//! output, make a demo organisation. Each test file uses only some of them.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `aisf` with `args` in `dir`.
pub fn aisf(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aisf"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the aisf binary runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the demo once in a fresh folder (into `d/`) and returns the folder.
pub fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = aisf(&["demo", "--out", "d"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}
