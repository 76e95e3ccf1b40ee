//! End-to-end tests of the `aisf` binary: exit codes, outputs, and what it
//! leaves on disk.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{aisf, demo, text};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

#[test]
fn the_demo_writes_a_snapshot_and_exports_and_shows_privileged_access() {
    let dir = tempfile::tempdir().unwrap();
    let out = aisf(&["demo", "--out", "d"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("250 people"), "{stdout}");
    assert!(stdout.contains("aws:policy:AdministratorAccess"), "{stdout}");
    assert!(stdout.contains("-member_of->"), "{stdout}");
    assert!(stdout.contains("Findings, highest risk first"), "{stdout}");
    assert!(stdout.contains("leaver-active"), "{stdout}");
    assert!(dir.path().join("d/policy.toml").is_file());
    assert!(dir.path().join("d/org.aisf").is_file());
    assert!(dir.path().join("d/exports/persons.csv").is_file());

    // The same seed gives the same snapshot, byte for byte.
    let again = aisf(&["demo", "--out", "e"], dir.path());
    assert!(again.status.success());
    let a = std::fs::read(dir.path().join("d/org.aisf")).unwrap();
    let b = std::fs::read(dir.path().join("e/org.aisf")).unwrap();
    assert!(a == b, "two demo runs gave different snapshots");
}

#[test]
fn queries_answer_on_the_demo_snapshot() {
    let dir = demo();
    let snap = "d/org.aisf";
    let info = aisf(&["info", snap, "--verify"], dir.path());
    assert!(info.status.success(), "{}", text(&info.stderr));
    assert!(text(&info.stdout).contains("verified"));

    let who = aisf(&["who", snap, "aws:policy:AdministratorAccess", "--json"], dir.path());
    assert!(who.status.success(), "{}", text(&who.stderr));
    let v: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    let persons = v["persons"].as_array().unwrap();
    assert!(!persons.is_empty());

    // Each person who can reach it has an explanation path ending there.
    let person = persons[0]["id"].as_str().unwrap();
    let why =
        aisf(&["explain", snap, person, "aws:policy:AdministratorAccess", "--json"], dir.path());
    assert!(why.status.success(), "{}", text(&why.stderr));
    let v: serde_json::Value = serde_json::from_slice(&why.stdout).unwrap();
    let path = v["path"].as_array().unwrap();
    assert_eq!(path[0]["node"]["id"], person);
    assert_eq!(path.last().unwrap()["node"]["id"], "aws:policy:AdministratorAccess");

    let access = aisf(&["access", snap, person, "--json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&access.stdout).unwrap();
    let ents: Vec<&str> =
        v["entitlements"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(ents.contains(&"aws:policy:AdministratorAccess"), "{ents:?}");
}

#[test]
fn what_if_names_the_lost_entitlements() {
    let dir = demo();
    let who = aisf(&["who", "d/org.aisf", "ad:group:domain-admins", "--json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    let account = v["accounts"][0]["id"].as_str().unwrap().to_string();
    let out = aisf(
        &["what-if", "d/org.aisf", "--remove", &account, "ad:group:domain-admins"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ad:ent:domain-admin"), "{}", text(&out.stdout));
}

#[test]
fn the_demo_exports_ingest_back() {
    let dir = demo();
    let out = aisf(&["ingest", "d/exports", "--out", "re.aisf"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("csv-bundle"));
    let info = aisf(&["info", "re.aisf", "--verify"], dir.path());
    assert!(info.status.success(), "{}", text(&info.stderr));
}

#[test]
fn ingest_reads_real_sample_exports() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixtures().join("bloodhound-docs-ad-sample");
    let out = aisf(&["ingest", input.to_str().unwrap(), "--out", "ad.aisf", "--json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["build"]["nodes"].as_u64().unwrap() > 100);
}

#[test]
fn bad_input_gets_a_clear_message_and_a_distinct_exit_code() {
    let dir = tempfile::tempdir().unwrap();

    let missing = aisf(&["info", "nothing.aisf"], dir.path());
    assert_eq!(missing.status.code(), Some(3));
    assert!(text(&missing.stderr).contains("nothing.aisf: no such file"));

    std::fs::write(dir.path().join("junk.aisf"), b"this is not a snapshot").unwrap();
    let junk = aisf(&["info", "junk.aisf"], dir.path());
    assert_eq!(junk.status.code(), Some(4));
    assert!(text(&junk.stderr).contains("junk.aisf"));

    let no_input = aisf(&["ingest", "nowhere/", "--out", "x.aisf"], dir.path());
    assert_eq!(no_input.status.code(), Some(3));
    assert!(!dir.path().join("x.aisf").exists(), "a failed ingest left a file");

    let usage = aisf(&["frobnicate"], dir.path());
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn an_unknown_name_is_exit_five() {
    let dir = demo();
    let out = aisf(&["access", "d/org.aisf", "nobody-by-this-name"], dir.path());
    assert_eq!(out.status.code(), Some(5));
    assert!(text(&out.stderr).contains("nobody-by-this-name"));
}

#[test]
fn scan_finds_every_injected_drift_of_the_demo_with_its_policy() {
    let dir = demo();
    let out =
        aisf(&["scan", "d/org.aisf", "--policy", "d/policy.toml", "--format", "json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let org = aisf::core::synth::generate(&aisf::core::synth::OrgConfig::demo());
    assert_eq!(findings.len(), org.truth.len());
    let risks: Vec<u64> = findings.iter().map(|f| f["risk"].as_u64().unwrap()).collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "not ranked: {risks:?}");
    for f in findings {
        assert!(f["rule"].is_string() && f["explanation"].is_string() && f["action"].is_object());
    }
}

#[test]
fn scan_pseudonymise_hides_every_person_in_every_format() {
    let dir = demo();
    let org = aisf::core::synth::generate(&aisf::core::synth::OrgConfig::demo());
    let emails: Vec<String> = org
        .graph
        .nodes()
        .iter()
        .filter_map(|n| match n.prop("email") {
            Some(aisf::Value::Str(email)) => Some(email.clone()),
            _ => None,
        })
        .collect();
    assert!(emails.len() > 100);
    for format in ["json", "csv", "sarif", "table"] {
        let args = ["scan", "d/org.aisf", "--policy", "d/policy.toml", "--format", format];
        let plain = text(&aisf(&args, dir.path()).stdout);
        let mut hidden_args = args.to_vec();
        hidden_args.push("--pseudonymise");
        let out = aisf(&hidden_args, dir.path());
        assert!(out.status.success(), "{}", text(&out.stderr));
        let hidden = text(&out.stdout);
        assert!(hidden.contains("anon-"), "{format}: no pseudonym in the output");
        let named = |out: &str| emails.iter().filter(|e| out.contains(e.as_str())).count();
        assert!(format == "table" || named(&plain) > 0, "{format}: the plain report names no one");
        assert_eq!(named(&hidden), 0, "{format}: an email survived");
        let ids = hidden.matches("person:").count();
        assert_eq!(ids, hidden.matches("person:anon-").count(), "{format}: a person id survived");
    }
}

#[test]
fn scan_csv_has_a_header_and_a_row_per_finding() {
    let dir = demo();
    let out =
        aisf(&["scan", "d/org.aisf", "--policy", "d/policy.toml", "--format", "csv"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "rank");
    assert_eq!(&header[3], "rule");
    let rows = reader.records().filter(|r| r.is_ok()).count();
    assert_eq!(
        rows,
        aisf::core::synth::generate(&aisf::core::synth::OrgConfig::demo()).truth.len()
    );
}

#[test]
fn scan_exit_codes_follow_fail_on_and_policy_errors() {
    let dir = demo();
    let snap = "d/org.aisf";
    let ok =
        aisf(&["scan", snap, "--policy", "d/policy.toml", "--fail-on", "critical"], dir.path());
    assert_eq!(ok.status.code(), Some(1), "the demo has critical findings");
    let none = aisf(&["scan", snap, "--policy", "d/policy.toml"], dir.path());
    assert_eq!(none.status.code(), Some(0));

    std::fs::write(dir.path().join("bad.toml"), "[thresholds]\nstale_days = -1\n").unwrap();
    let bad = aisf(&["scan", snap, "--policy", "bad.toml"], dir.path());
    assert_eq!(bad.status.code(), Some(3));
    assert!(
        text(&bad.stderr).contains("bad.toml:2:14: thresholds.stale_days"),
        "{}",
        text(&bad.stderr)
    );

    std::fs::write(
        dir.path().join("typo.toml"),
        "[[role]]\nname = \"x\"\ndepartment = \"Enginering\"\ngrants = [\"aws:*\"]\n",
    )
    .unwrap();
    let typo = aisf(&["scan", snap, "--policy", "typo.toml"], dir.path());
    assert!(typo.status.success());
    assert!(text(&typo.stderr).contains("did you mean \"Engineering\""), "{}", text(&typo.stderr));

    let level = aisf(&["scan", snap, "--fail-on", "severe"], dir.path());
    assert_eq!(level.status.code(), Some(2));
}

#[test]
fn scan_sarif_is_a_valid_run_with_a_result_per_finding() {
    let dir = demo();
    let out =
        aisf(&["scan", "d/org.aisf", "--policy", "d/policy.toml", "--format", "sarif"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        // Every result names a rule the driver declares, and a valid level.
        assert!(rules.contains(&r["ruleId"].as_str().unwrap()), "{r}");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(r["locations"][0]["logicalLocations"][0]["name"].is_string());
    }
}

#[test]
fn bench_reports_every_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = aisf(&["bench", "--people", "300", "--json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for step in ["generate", "build", "open", "verify", "access_all (first)", "scan"] {
        assert!(v["steps"][step]["ms"].as_f64().is_some(), "{step} missing: {v}");
    }
    let zero = aisf(&["bench", "--people", "0"], dir.path());
    assert_eq!(zero.status.code(), Some(2));
}

#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = demo();
    let mut child = Command::new(env!("CARGO_BIN_EXE_aisf"))
        .args(["demo", "--out", "again"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe, as `aisf demo | head -c1` would.
    let mut one = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut one).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!text(&out.stderr).contains("panicked"), "{}", text(&out.stderr));
}

#[test]
fn a_snapshot_from_a_newer_format_is_refused_with_what_to_do_and_no_output() {
    let dir = demo();
    let mut bytes = std::fs::read(dir.path().join("d/org.aisf")).unwrap();
    // The header's major version (bytes 8..10, little-endian).
    bytes[8..10].copy_from_slice(&99u16.to_le_bytes());
    std::fs::write(dir.path().join("newer.aisf"), &bytes).unwrap();
    for args in [
        vec!["scan", "newer.aisf"],
        vec!["who", "newer.aisf", "Domain Admins"],
        vec!["report", "newer.aisf", "--out", "evidence"],
    ] {
        let out = aisf(&args, dir.path());
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains("newer.aisf") && err.contains("99.0"), "{err}");
        assert!(out.stdout.is_empty(), "{args:?} printed output");
    }
    assert!(!dir.path().join("evidence").exists(), "no partial report folder");
}

#[test]
fn version_and_help_name_the_program_and_show_examples() {
    let dir = tempfile::tempdir().unwrap();
    let out = aisf(&["--version"], dir.path());
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), format!("aisf {}", env!("CARGO_PKG_VERSION")));
    for command in [
        "demo", "ingest", "scan", "plan", "report", "fleet", "bench", "diff", "info", "access",
        "who", "explain", "what-if",
    ] {
        let out = aisf(&[command, "--help"], dir.path());
        assert!(out.status.success(), "{command}");
        assert!(text(&out.stdout).contains("Example"), "{command} --help has no example");
    }
}
