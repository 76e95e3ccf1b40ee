//! End-to-end tests of `aisf diff` on snapshots the demo writes.

mod common;
use common::{aisf, text};

/// Two demo organisations of different seeds and sizes, in `a/` and `b/`.
fn two_demos() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (out, seed, people) in [("a", "1", "200"), ("b", "2", "220")] {
        let run = aisf(&["demo", "--out", out, "--seed", seed, "--people", people], dir.path());
        assert!(run.status.success(), "{}", text(&run.stderr));
    }
    dir
}

fn privileged(change: &serde_json::Value) -> usize {
    ["gained", "lost"]
        .iter()
        .flat_map(|k| change[k].as_array().unwrap())
        .filter(|e| e["privileged"] == true)
        .count()
}

#[test]
fn diff_reports_access_changes_privileged_first_and_lifecycle_events() {
    let dir = two_demos();
    let out = aisf(&["diff", "a/org.aisf", "b/org.aisf", "--json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let added = v["diff"]["nodes"]["persons"]["added"].as_array().unwrap();
    assert_eq!(added.len(), 20, "220 people against 200");
    let persons = v["diff"]["persons"].as_array().unwrap();
    assert!(!persons.is_empty());
    let counts: Vec<usize> = persons.iter().map(privileged).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(counts[0] > 0, "the two demos differ in who holds admin access");

    // Each joiner's gained access is the person's gained access.
    let events = v["lifecycle"].as_array().unwrap();
    let joiner = events.iter().find(|e| e["kind"] == "joiner").expect("a joiner");
    let person = persons.iter().find(|p| p["subject"] == joiner["person"]).unwrap();
    assert_eq!(joiner["gained"], person["gained"]);
    assert!(events.iter().all(|e| e["note"].as_str().is_some_and(|n| !n.is_empty())));

    let table = aisf(&["diff", "a/org.aisf", "b/org.aisf", "--top", "5"], dir.path());
    assert!(table.status.success(), "{}", text(&table.stderr));
    let stdout = text(&table.stdout);
    for heading in [
        "Changes from a/org.aisf to b/org.aisf",
        "Access gained and lost per person, privileged first",
        "Joiners, movers and leavers",
        "persons +20 -0",
    ] {
        assert!(stdout.contains(heading), "{heading}\n{stdout}");
    }
}

#[test]
fn a_snapshot_against_itself_or_its_twin_shows_no_change() {
    let dir = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        let run = aisf(&["demo", "--out", out, "--seed", "7", "--people", "150"], dir.path());
        assert!(run.status.success(), "{}", text(&run.stderr));
    }
    let same = aisf(&["diff", "a/org.aisf", "b/org.aisf"], dir.path());
    assert!(same.status.success(), "{}", text(&same.stderr));
    assert!(text(&same.stdout).contains("no change"), "{}", text(&same.stdout));

    let json = aisf(&["diff", "a/org.aisf", "a/org.aisf", "--json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["diff"]["persons"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["diff"]["edges"]["added"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["lifecycle"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_missing_snapshot_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = aisf(&["diff", "nope.aisf", "also-nope.aisf"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("nope.aisf: no such file"), "{}", text(&out.stderr));
}
