//! End-to-end tests of `aisf fleet`: tenants found in a folder, one row
//! each, tenant policies, unreadable tenants and exit codes.

use std::process::Output;

mod common;
use common::{aisf, text};

/// A fleet folder: two tenant folders made by the demo (each with its own
/// policy.toml) and one bare snapshot file.
fn fleet() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, seed, people) in [("acme", "1", "250"), ("globex", "7", "120")] {
        let out = aisf(
            &["demo", "--out", &format!("fleet/{name}"), "--seed", seed, "--people", people],
            dir.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    std::fs::copy(dir.path().join("fleet/acme/org.aisf"), dir.path().join("fleet/solo.aisf"))
        .unwrap();
    dir
}

fn tenants(out: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    v["tenants"].as_array().expect("a tenants array").clone()
}

#[test]
fn every_tenant_gets_one_row_with_its_own_policy_and_the_counts_match_a_scan() {
    let dir = fleet();
    let out = aisf(&["fleet", "fleet", "--json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = tenants(&out);
    let names: Vec<&str> = rows.iter().map(|r| r["tenant"].as_str().unwrap()).collect();
    assert_eq!(names, ["acme", "globex", "solo"]);

    // Each tenant folder's own policy applies: its row equals a scan of the
    // snapshot with that policy.
    for name in ["acme", "globex"] {
        let scan = aisf(
            &[
                "scan",
                &format!("fleet/{name}/org.aisf"),
                "--policy",
                &format!("fleet/{name}/policy.toml"),
                "--format",
                "json",
            ],
            dir.path(),
        );
        assert!(scan.status.success(), "{}", text(&scan.stderr));
        let v: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
        let findings = v["findings"].as_array().unwrap();
        let row = rows.iter().find(|r| r["tenant"] == name).unwrap();
        assert_eq!(row["findings"].as_u64().unwrap() as usize, findings.len(), "{name}");
        let of_rule = |rule: &str| findings.iter().filter(|f| f["rule"] == rule).count();
        assert_eq!(row["stale_admins"].as_u64().unwrap() as usize, of_rule("stale-privileged"));
        assert_eq!(row["leavers_active"].as_u64().unwrap() as usize, of_rule("leaver-active"));
        let critical = findings.iter().filter(|f| f["severity"] == "critical").count();
        assert_eq!(row["critical"].as_u64().unwrap() as usize, critical);
        let top = findings.iter().map(|f| f["risk"].as_u64().unwrap()).max().unwrap();
        assert_eq!(row["top_risk"].as_u64().unwrap(), top);
        assert!(row["leavers_active"].as_u64().unwrap() > 0, "the demo plants leavers");
        assert!(row["error"].is_null());
    }
    // The bare snapshot has no policy of its own and no --policy: the
    // built-in defaults apply, which expect no birthright, so it differs.
    let solo = rows.iter().find(|r| r["tenant"] == "solo").unwrap();
    let acme = rows.iter().find(|r| r["tenant"] == "acme").unwrap();
    assert_eq!(solo["people"], acme["people"]);
    assert_ne!(solo["findings"], acme["findings"]);

    // The table shows one line per tenant.
    let out = aisf(&["fleet", "fleet"], dir.path());
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    for name in ["acme", "globex", "solo"] {
        assert_eq!(stdout.lines().filter(|l| l.starts_with(name)).count(), 1, "{stdout}");
    }
    assert!(stdout.contains("3 tenants scanned, 0 could not be read"), "{stdout}");
}

#[test]
fn fail_on_sets_the_exit_code_for_scripts() {
    let dir = fleet();
    let out = aisf(&["fleet", "fleet", "--fail-on", "critical"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("critical"));
}

#[test]
fn an_unreadable_tenant_is_reported_and_the_others_are_still_scanned() {
    let dir = fleet();
    std::fs::write(dir.path().join("fleet/broken.aisf"), b"not a snapshot").unwrap();
    let out = aisf(&["fleet", "fleet", "--json"], dir.path());
    assert_eq!(out.status.code(), Some(4));
    let rows = tenants(&out);
    assert_eq!(rows.len(), 4);
    let broken = rows.iter().find(|r| r["tenant"] == "broken").unwrap();
    assert!(broken["error"].as_str().unwrap().contains("broken.aisf"), "{broken}");
    assert!(rows.iter().filter(|r| r["error"].is_null()).all(|r| r["people"].as_u64() > Some(0)));
    assert!(text(&out.stderr).contains("broken.aisf"));
}

#[test]
fn a_bad_folder_or_policy_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = aisf(&["fleet", "nowhere"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("nowhere: no such folder"));

    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = aisf(&["fleet", "empty"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("no tenant snapshots found"));

    let fleet = fleet();
    std::fs::write(fleet.path().join("bad.toml"), "[thresholds]\nstale_days = \"x\"\n").unwrap();
    let out = aisf(&["fleet", "fleet", "--policy", "bad.toml"], fleet.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("bad.toml"), "{}", text(&out.stderr));
}
