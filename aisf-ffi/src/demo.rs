//! The generated demo organisation, for trying the library from C.

use std::ffi::c_char;
use std::path::Path;

use aisf::core::ingest::csv_bundle::write_bundle;
use aisf::core::synth::{DEMO_SEED, OrgConfig, generate};
use aisf::graph::{BuildOptions, build};

use crate::args;
use crate::builder::build_failure;
use crate::error::{Failure, aisf_result, guard};

/// Generates the organisation `aisf demo` shows, with `people` persons
/// (250 in the command's demo), and writes into the folder `dir` (made if
/// missing): `org.aisf`, its snapshot; `policy.toml`, the policy it was
/// built to; `exports/`, its exports as a CSV bundle a builder can ingest.
/// The same `people` always gives the same files, byte for byte.
///
/// # Safety
///
/// `dir` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_demo_write(dir: *const c_char, people: usize) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let dir = Path::new(unsafe { args::text(dir, "dir") }?);
        if people == 0 {
            return Err(Failure::new(aisf_result::InvalidArgument, "people must be at least 1"));
        }
        let org = generate(&OrgConfig { seed: DEMO_SEED, ..OrgConfig::new(people) });
        let failed = |path: &Path, e: &dyn std::fmt::Display| {
            Failure::new(aisf_result::Io, format!("{}: cannot write: {e}", path.display()))
        };

        let exports = dir.join("exports");
        std::fs::create_dir_all(&exports).map_err(|e| failed(&exports, &e))?;
        write_bundle(&org.graph, &exports).map_err(|e| failed(&exports, &e))?;
        let policy_path = dir.join("policy.toml");
        let policy = toml::to_string(&org.scan_policy()).map_err(|e| failed(&policy_path, &e))?;
        std::fs::write(&policy_path, policy).map_err(|e| failed(&policy_path, &e))?;
        let opts = BuildOptions { created: Some(org.now), ..BuildOptions::default() };
        build(&org.graph, &dir.join("org.aisf"), &opts).map_err(build_failure)?;
        Ok(())
    })
}
