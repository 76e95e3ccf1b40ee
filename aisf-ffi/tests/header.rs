//! The committed `include/aisf.h` is what the pinned cbindgen makes of
//! this crate. On a difference the test fails and says how to refresh it.

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate() -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("aisf-ffi/cbindgen.toml: {e}"));
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen cannot generate the header: {e}"));
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

#[test]
fn the_committed_header_is_up_to_date() {
    let path = crate_dir().join("../include/aisf.h");
    let fresh = generate();
    if std::env::var_os("AISF_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let first = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(fresh.lines().count()));
        panic!(
            "{} is not what cbindgen makes of aisf-ffi (first difference at line {}).\n\
             Refresh it with:\n    AISF_BLESS=1 cargo test -p aisf-ffi --test header\n\
             and commit the result.",
            Path::new("include/aisf.h").display(),
            first + 1
        );
    }
}

#[test]
fn every_line_fits_in_100_columns() {
    for (i, line) in generate().lines().enumerate() {
        assert!(line.chars().count() <= 100, "include/aisf.h:{}: over 100 columns", i + 1);
    }
}
