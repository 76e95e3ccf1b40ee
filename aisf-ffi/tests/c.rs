//! The C tests: each program in `tests/c/` is compiled with the system C
//! compiler as strict C11 (`-Wall -Wextra -Werror -pedantic`) against
//! `include/aisf.h`, linked with the library cargo built for this test
//! run, and run; then run again under valgrind, when it is installed, which
//! must report no error and no leak. The one suppression,
//! `tests/c/valgrind.supp`, covers the thread-local storage of rayon's
//! worker threads, which live until the process exits.
//!
//! The library is found beside this test binary's folder: the binary is
//! `<target>/<profile>/deps/c-<hash>`, and cargo builds the crate's
//! staticlib and cdylib into `<target>/<profile>` with its rlib.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::process::Command;

use aisf_ffi::{aisf_demo_write, aisf_result};

/// People in the generated organisation: enough for every query to have
/// answers, few enough for valgrind.
const PEOPLE: usize = 40;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder holding `libaisf_ffi.a` and `libaisf_ffi.so`.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().and_then(Path::parent).expect("<target>/<profile>/deps/<test>");
    assert!(
        dir.join("libaisf_ffi.a").exists() && dir.join("libaisf_ffi.so").exists(),
        "{}: libaisf_ffi.a or libaisf_ffi.so is missing: run `cargo build -p aisf-ffi` \
         first (scripts/test does)",
        dir.display()
    );
    dir.to_path_buf()
}

enum Link {
    Static,
    Shared,
}

/// Compiles `tests/c/<name>.c` into `out` and returns the program's path.
fn compile(name: &str, out: &Path, link: Link) -> PathBuf {
    compile_file(&crate_dir().join(format!("tests/c/{name}.c")), out, link)
}

/// Compiles one C file into `out` and returns the program's path.
fn compile_file(source: &Path, out: &Path, link: Link) -> PathBuf {
    let lib = library_dir();
    let name = source.file_stem().and_then(|s| s.to_str()).expect("a C file name");
    let exe = out.join(name);
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g", "-O1"])
        .arg("-I")
        .arg(crate_dir().join("../include"))
        .arg("-I")
        .arg(crate_dir().join("tests/c"))
        .arg(source)
        .arg("-o")
        .arg(&exe);
    match link {
        Link::Static => {
            cc.arg(lib.join("libaisf_ffi.a"));
            cc.args(["-lpthread", "-ldl", "-lm", "-lrt", "-lutil"]);
        }
        Link::Shared => {
            cc.arg("-L").arg(&lib).arg("-laisf_ffi");
            cc.arg(format!("-Wl,-rpath,{}", lib.display()));
            cc.arg("-lpthread");
        }
    }
    let output = cc.output().expect("the C compiler `cc` (set CC to use another)");
    assert!(
        output.status.success(),
        "compiling {} failed:\n{}",
        source.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

/// Runs a program with `args`, then again under valgrind if it is
/// installed, and fails on any error. Returns what it printed.
fn run(exe: &Path, args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new(exe).args(args).output().expect("running a C test program");
    assert!(
        output.status.success(),
        "{} failed ({}):\n{}{}",
        exe.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    if !valgrind_installed() {
        return printed;
    }
    let suppressions = crate_dir().join("tests/c/valgrind.supp");
    let output = Command::new("valgrind")
        .args(["--error-exitcode=1", "--leak-check=full"])
        .arg(format!("--suppressions={}", suppressions.display()))
        .arg(exe)
        .args(args)
        .output()
        .expect("running valgrind");
    assert!(
        output.status.success(),
        "{} under valgrind failed ({}):\n{}",
        exe.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    printed
}

fn valgrind_installed() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// A temporary folder holding the generated demo organisation.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = CString::new(dir.path().to_str().expect("a UTF-8 temporary path")).unwrap();
    // SAFETY: a NUL-terminated path that outlives the call.
    let code = unsafe { aisf_demo_write(path.as_ptr(), PEOPLE) };
    assert_eq!(code, aisf_result::Ok);
    dir
}

#[test]
fn the_header_compiles_twice_and_agrees_on_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let exe = compile("header_twice", dir.path(), Link::Shared);
    run(&exe, &[dir.path().as_os_str()]);
}

#[test]
fn every_query_works_from_c() {
    let dir = tempfile::tempdir().unwrap();
    let exe = compile("queries", dir.path(), Link::Static);
    let data = dir.path().join("demo");
    std::fs::create_dir(&data).unwrap();
    run(&exe, &[data.as_os_str()]);
}

#[test]
fn bad_arguments_give_codes_not_crashes() {
    let data = demo();
    let exe = compile("errors", data.path(), Link::Static);
    run(&exe, &[data.path().as_os_str()]);
}

#[test]
fn one_snapshot_serves_many_threads() {
    let data = demo();
    let exe = compile("threads", data.path(), Link::Static);
    run(&exe, &[data.path().as_os_str()]);
}

#[test]
fn the_example_program_works_as_documented() {
    let data = demo();
    let exe = compile_file(&crate_dir().join("../examples/c/who.c"), data.path(), Link::Shared);
    let snapshot = data.path().join("org.aisf");
    let target = "aws:policy:AdministratorAccess";
    let printed = run(&exe, &[snapshot.as_os_str(), target.as_ref()]);
    assert!(printed.contains("can reach aws:policy:AdministratorAccess"), "{printed}");
    assert!(printed.contains("-correlation->"), "{printed}");
}

/// The first C code block of the root README's section on C.
fn readme_example() -> String {
    let path = crate_dir().join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("the root README.md");
    let section = readme.split("## Using it from C").nth(1).expect("README.md: a section on C");
    let code = section.split("```c\n").nth(1).and_then(|s| s.split("```").next());
    code.expect("README.md: a C code block in the section on C").to_string()
}

#[test]
fn the_readme_example_works_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("who.c");
    std::fs::write(&source, readme_example()).unwrap();
    let exe = compile_file(&source, dir.path(), Link::Shared);

    // It opens aisf-demo/org.aisf, where `aisf demo` leaves it.
    let demo = CString::new(dir.path().join("aisf-demo").to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { aisf_demo_write(demo.as_ptr(), PEOPLE) }, aisf_result::Ok);
    let output = Command::new(&exe).current_dir(dir.path()).output().expect("running it");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{printed}{}", String::from_utf8_lossy(&output.stderr));
    assert!(printed.starts_with("person person:"), "{printed}");
    assert!(printed.contains("\naccount "), "{printed}");
}
