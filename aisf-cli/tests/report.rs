//! End-to-end tests of `aisf plan`, `aisf report` and `aisf scan --format
//! html`, on the demo organisation.

use std::process::Command;

mod common;
use common::{aisf, demo, text};

const SNAP: &str = "d/org.aisf";
const POLICY: &str = "d/policy.toml";

#[test]
fn plan_writes_every_format() {
    let dir = demo();
    let run = |format: &str| {
        let out = aisf(&["plan", SNAP, "--policy", POLICY, "--format", format], dir.path());
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("what-if check: 17 of 17"), "{}", text(&out.stderr));
        text(&out.stdout)
    };

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let steps = json["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    let closes: usize = steps.iter().map(|s| s["closes"].as_array().unwrap().len()).sum();
    assert_eq!(closes, json["findings"].as_u64().unwrap() as usize);
    let risks: Vec<u64> = steps.iter().map(|s| s["risk"].as_u64().unwrap()).collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");

    let ps = run("powershell");
    assert!(ps.starts_with('\u{FEFF}'));
    assert!(ps.contains("AISF never changes a system itself"));
    assert!(ps.contains("Disable-ADAccount -Identity '"), "{ps}");
    assert!(ps.contains("Remove-ADGroupMember -Identity '"), "{ps}");
    assert!(ps.contains("REVIEW ITEM"));

    let sh = run("aws");
    assert!(sh.starts_with("#!/usr/bin/env bash\n"));
    assert!(sh.contains("--status Inactive"), "{sh}");
    let script = dir.path().join("aws.sh");
    std::fs::write(&script, &sh).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(syntax.status.success(), "bash -n: {}", text(&syntax.stderr));

    let http = run("graph");
    assert!(http.contains("PATCH https://graph.microsoft.com/v1.0/users/"), "{http}");
    assert!(http.contains("{\"accountEnabled\":false}"));

    let scim: serde_json::Value = serde_json::from_str(&run("scim")).unwrap();
    assert!(scim["notice"].as_str().unwrap().contains("never changes"));
    assert!(scim["requests"].is_array() && scim["review"].is_array());
}

#[test]
fn plan_out_writes_a_file_and_a_bad_path_leaves_nothing() {
    let dir = demo();
    let out = aisf(
        &["plan", SNAP, "--policy", POLICY, "--format", "powershell", "--out", "ad.ps1"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty());
    let ps = std::fs::read_to_string(dir.path().join("ad.ps1")).unwrap();
    assert!(ps.contains("$WhatIfPreference = $true"));

    let bad = aisf(&["plan", SNAP, "--policy", POLICY, "--out", "no/such/dir/p.json"], dir.path());
    assert_eq!(bad.status.code(), Some(6), "{}", text(&bad.stderr));
    assert!(text(&bad.stderr).contains("no/such/dir/p.json"), "{}", text(&bad.stderr));
    assert!(!dir.path().join("no").exists());

    let missing = aisf(&["plan", "nope.aisf"], dir.path());
    assert_eq!(missing.status.code(), Some(3));
    assert!(text(&missing.stderr).contains("nope.aisf"));
}

#[test]
fn report_writes_the_pack_and_chains_the_audit_log() {
    let dir = demo();
    let out = aisf(&["report", SNAP, "--policy", POLICY, "--out", "ev"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ev = dir.path().join("ev");
    for f in [
        "findings.json",
        "findings.csv",
        "access-review.csv",
        "access-review.json",
        "controls.csv",
        "controls.json",
        "summary.json",
        "report.html",
        "plan.json",
        "audit-log.jsonl",
    ] {
        assert!(ev.join(f).is_file(), "{f} missing");
    }
    let controls = std::fs::read_to_string(ev.join("controls.csv")).unwrap();
    for id in ["A.5.15", "A.8.2", "CC6.3", "User access control", "AC-2"] {
        assert!(controls.contains(id), "{id}");
    }
    let findings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ev.join("findings.json")).unwrap()).unwrap();
    let first = &findings[0];
    for key in ["person", "account", "since", "path", "rule", "clause", "action"] {
        assert!(first.get(key).is_some(), "{key}");
    }

    // Again, with the demo snapshot as its own previous one: the page shows
    // drift, and the audit log gains a line chained to the first.
    let again =
        aisf(&["report", SNAP, "--policy", POLICY, "--out", "ev", "--previous", SNAP], dir.path());
    assert!(again.status.success(), "{}", text(&again.stderr));
    let html = std::fs::read_to_string(ev.join("report.html")).unwrap();
    assert!(html.contains("What changed since the previous snapshot"));
    let log = std::fs::read_to_string(ev.join("audit-log.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> =
        log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["prev"], lines[0]["hash"]);
    assert_eq!(lines[0]["snapshot_sha256"], lines[1]["snapshot_sha256"]);

    // Tamper with the log: the next report refuses to extend it and
    // names the line.
    let edited =
        log.replacen("\"seq\":1", "\"seq\":1 ", 1).replacen("\"findings\":22", "\"findings\":2", 1);
    std::fs::write(ev.join("audit-log.jsonl"), &edited).unwrap();
    let refused = aisf(&["report", SNAP, "--policy", POLICY, "--out", "ev"], dir.path());
    assert_eq!(refused.status.code(), Some(6));
    assert!(text(&refused.stderr).contains("audit-log.jsonl:1"), "{}", text(&refused.stderr));
    assert_eq!(std::fs::read_to_string(ev.join("audit-log.jsonl")).unwrap(), edited);
}

#[test]
fn report_errors_leave_nothing_behind() {
    let dir = demo();
    let missing = aisf(&["report", "nope.aisf", "--out", "ev"], dir.path());
    assert_eq!(missing.status.code(), Some(3));
    assert!(text(&missing.stderr).contains("nope.aisf"));
    assert!(!dir.path().join("ev").exists());

    let bad_prev =
        aisf(&["report", SNAP, "--out", "ev", "--previous", "d/policy.toml"], dir.path());
    assert_eq!(bad_prev.status.code(), Some(4), "{}", text(&bad_prev.stderr));
    assert!(text(&bad_prev.stderr).contains("d/policy.toml"));
    assert!(!dir.path().join("ev").exists());

    std::fs::write(dir.path().join("file"), "x").unwrap();
    let not_dir = aisf(&["report", SNAP, "--out", "file"], dir.path());
    assert_eq!(not_dir.status.code(), Some(6));
    assert!(text(&not_dir.stderr).contains("not a folder"));
}

#[test]
fn scan_html_is_the_report_page_and_the_demo_writes_it() {
    let dir = demo();
    assert!(dir.path().join("d/report.html").is_file());
    assert!(dir.path().join("d/findings.csv").is_file());
    assert!(dir.path().join("d/audit-log.jsonl").is_file());
    let out = aisf(&["scan", SNAP, "--policy", POLICY, "--format", "html"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg") && html.trim_end().ends_with("</html>"));
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn help_has_an_example_for_each_new_command() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["plan", "report"] {
        let out = aisf(&[cmd, "--help"], dir.path());
        assert!(out.status.success());
        let help = text(&out.stdout);
        assert!(help.contains(&format!("aisf {cmd} org.aisf --policy policy.toml")), "{help}");
    }
}

#[test]
fn hostile_names_are_escaped_in_the_page_and_quoted_in_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let exp = dir.path().join("exp");
    std::fs::create_dir(&exp).unwrap();
    let files = [
        (
            "persons.csv",
            "person_id,employee_id,name,email,department,title,manager_id,employment_type,\
             status,start_date,end_date\n\
             person:1,E1,Boss,boss@example.com,Finance,CFO,,employee,active,\
             2018-01-01T00:00:00Z,\n\
             person:2,E2,<script>alert(1)</script>,x@example.com,Finance,Clerk,person:1,\
             employee,terminated,2018-01-01T00:00:00Z,2024-01-01T00:00:00Z\n",
        ),
        (
            "accounts.csv",
            "account_id,system,username,email,person_id,enabled,last_login,created,mfa,\
             account_type,name,employee_id\n\
             ad:x,ad,\"O'Brien \"\"$x\"\" Zoë\",x@example.com,person:2,true,\
             2024-06-01T00:00:00Z,2018-01-01T00:00:00Z,false,human,<img src=x>,E2\n",
        ),
        (
            "entitlements.csv",
            "entitlement_id,system,resource,permission,privileged,name\n\
             ad:ent:pay,ad,pay,use,false,<script>pay</script>\n",
        ),
        ("grants.csv", "holder_id,entitlement_id\nad:x,ad:ent:pay\n"),
    ];
    for (name, body) in files {
        std::fs::write(exp.join(name), body).unwrap();
    }
    std::fs::write(dir.path().join("p.toml"), "[thresholds]\nnow = 2025-03-01T09:00:00Z\n")
        .unwrap();
    let ingest = aisf(&["ingest", "exp", "--out", "x.aisf"], dir.path());
    assert!(ingest.status.success(), "{}", text(&ingest.stderr));

    let out = aisf(&["report", "x.aisf", "--policy", "p.toml", "--out", "ev"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(dir.path().join("ev/report.html")).unwrap();
    assert!(!html.to_ascii_lowercase().contains("<script"), "a name reached the page unescaped");
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;pay&lt;/script&gt;"), "{html}");
    assert!(html.contains("&lt;img src=x&gt;"));
    let review = std::fs::read_to_string(dir.path().join("ev/access-review.csv")).unwrap();
    assert!(review.contains("<script>alert(1)</script>"), "CSV keeps the name as data");

    let ps = aisf(&["plan", "x.aisf", "--policy", "p.toml", "--format", "powershell"], dir.path());
    assert!(ps.status.success(), "{}", text(&ps.stderr));
    assert!(text(&ps.stdout).contains("Disable-ADAccount -Identity 'O''Brien \"$x\" Zoë'\n"));
}
