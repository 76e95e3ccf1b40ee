//! `aisf fleet`: one summary row per tenant, for MSPs that look after many
//! organisations at once.
//!
//! A fleet folder holds one snapshot per tenant: either `NAME.aisf` files
//! directly in it, or one subfolder per tenant holding a snapshot (the
//! tenant is then named after the subfolder). A `policy.toml` in a tenant's
//! subfolder applies to that tenant instead of `--policy`.

use std::path::{Path, PathBuf};

use aisf::core::finding::RuleId;
use aisf::core::policy::{Policy, Severity};
use aisf::graph::Snapshot;
use aisf::graph::govern::{ScanOptions, scan};
use rayon::prelude::*;
use serde::Serialize;

use crate::display;
use crate::{Exit, Failure, Outcome};

/// One tenant's snapshot and the policy that applies to it.
struct Tenant {
    name: String,
    snapshot: PathBuf,
    policy: Option<PathBuf>,
}

/// The summary of one tenant.
#[derive(Serialize)]
struct Row {
    tenant: String,
    snapshot: String,
    /// Why the tenant could not be scanned; the counts are then zero.
    error: Option<String>,
    people: u64,
    accounts: u64,
    findings: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
    top_risk: u8,
    top_rule: Option<&'static str>,
    stale_admins: usize,
    leavers_active: usize,
    policy_warnings: usize,
}

/// Finds the tenants in `folder`, in name order.
fn tenants(folder: &Path) -> Result<Vec<Tenant>, Failure> {
    let read = |dir: &Path| {
        std::fs::read_dir(dir).map_err(|e| {
            Failure::new(Exit::Input, format!("{}: cannot list the folder: {e}", dir.display()))
        })
    };
    let is_snapshot = |p: &Path| p.is_file() && p.extension().is_some_and(|e| e == "aisf");
    let mut out = Vec::new();
    for entry in read(folder)? {
        let path = entry.map_err(|e| Failure::new(Exit::Input, e.to_string()))?.path();
        let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
        if is_snapshot(&path) {
            out.push(Tenant {
                name: stem(&path).unwrap_or_default(),
                snapshot: path,
                policy: None,
            });
        } else if path.is_dir() {
            let mut inner: Vec<PathBuf> = read(&path)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_snapshot(p))
                .collect();
            inner.sort();
            let policy = Some(path.join("policy.toml")).filter(|p| p.is_file());
            let name = path.file_name().map(|s| s.to_string_lossy().into_owned());
            match inner.len() {
                0 => {}
                1 => out.push(Tenant {
                    name: name.unwrap_or_default(),
                    snapshot: inner.remove(0),
                    policy,
                }),
                // Several snapshots in one tenant folder: each is a tenant
                // of its own, named folder/file.
                _ => out.extend(inner.into_iter().map(|s| Tenant {
                    name: format!(
                        "{}/{}",
                        name.clone().unwrap_or_default(),
                        stem(&s).unwrap_or_default()
                    ),
                    snapshot: s,
                    policy: policy.clone(),
                })),
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Reads a policy file, naming the file in its errors.
fn read_policy(path: &Path) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the policy: {e}", path.display()))?;
    Policy::from_toml_str(&text, &path.display().to_string()).map_err(|e| e.to_string())
}

/// Scans one tenant.
fn summarise(tenant: &Tenant, shared: &Policy, now: Option<i64>) -> Row {
    let mut row = Row {
        tenant: tenant.name.clone(),
        snapshot: tenant.snapshot.display().to_string(),
        error: None,
        people: 0,
        accounts: 0,
        findings: 0,
        critical: 0,
        high: 0,
        medium: 0,
        low: 0,
        info: 0,
        top_risk: 0,
        top_rule: None,
        stale_admins: 0,
        leavers_active: 0,
        policy_warnings: 0,
    };
    let own;
    let policy = match &tenant.policy {
        Some(path) => match read_policy(path) {
            Ok(p) => {
                own = p;
                &own
            }
            Err(e) => {
                row.error = Some(e);
                return row;
            }
        },
        None => shared,
    };
    let snap = match Snapshot::open(&tenant.snapshot) {
        Ok(s) => s,
        Err(e) => {
            row.error = Some(format!("{}: cannot open the snapshot: {e}", row.snapshot));
            return row;
        }
    };
    let kind = |k: aisf::NodeKind| snap.kind_range(&k).len() as u64;
    row.people = kind(aisf::NodeKind::Person);
    row.accounts = kind(aisf::NodeKind::Account);
    row.policy_warnings = policy.check_names(&snap.known()).len();
    let result = scan(&snap, policy, &ScanOptions { now, ..ScanOptions::default() });
    row.findings = result.findings.len();
    for f in &result.findings {
        match f.severity {
            Severity::Critical => row.critical += 1,
            Severity::High => row.high += 1,
            Severity::Medium => row.medium += 1,
            Severity::Low => row.low += 1,
            Severity::Info => row.info += 1,
        }
        match f.rule {
            RuleId::StalePrivileged => row.stale_admins += 1,
            RuleId::LeaverActive => row.leavers_active += 1,
            _ => {}
        }
    }
    if let Some(top) = result.findings.iter().max_by_key(|f| f.risk) {
        row.top_risk = top.risk;
        row.top_rule = Some(top.rule.as_str());
    }
    row
}

/// Runs `aisf fleet`.
pub fn run(
    folder: &Path,
    policy: Option<&Path>,
    as_json: bool,
    fail_on: Option<Severity>,
) -> Outcome {
    if !folder.is_dir() {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "{}: no such folder (give a folder holding one .aisf snapshot per tenant)",
                folder.display()
            ),
        ));
    }
    let shared = match policy {
        Some(path) => read_policy(path).map_err(|e| {
            Failure::new(Exit::Input, format!("{e} (fix the policy and run again)"))
        })?,
        None => Policy::default(),
    };
    let list = tenants(folder)?;
    if list.is_empty() {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "{}: no tenant snapshots found (expected NAME.aisf files, or one folder per \
                 tenant holding its .aisf file)",
                folder.display()
            ),
        ));
    }
    // Tenants are scanned side by side; each scan is parallel as well, and
    // rayon shares the cores between them.
    let rows: Vec<Row> = list.par_iter().map(|t| summarise(t, &shared, None)).collect();

    if as_json {
        let value = serde_json::to_value(&rows).map_err(|e| {
            Failure::new(Exit::Output, format!("cannot render the summary as JSON: {e}"))
        })?;
        display::json(&serde_json::json!({ "tenants": value }));
    } else {
        let mut table = vec![
            [
                "tenant",
                "people",
                "findings",
                "critical",
                "high",
                "medium",
                "low",
                "top risk",
                "stale admins",
                "leavers active",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for r in &rows {
            if r.error.is_some() {
                let mut cells = vec!["-".to_string(); 10];
                cells[0] = r.tenant.clone();
                cells[7] = "unreadable".into();
                table.push(cells);
                continue;
            }
            table.push(vec![
                r.tenant.clone(),
                r.people.to_string(),
                r.findings.to_string(),
                r.critical.to_string(),
                r.high.to_string(),
                r.medium.to_string(),
                r.low.to_string(),
                match r.top_rule {
                    Some(rule) => format!("{} {rule}", r.top_risk),
                    None => "-".into(),
                },
                r.stale_admins.to_string(),
                r.leavers_active.to_string(),
            ]);
        }
        display::table(&table, 60);
        for r in &rows {
            if let Some(e) = &r.error {
                display::line(format!("{}: {e}", r.tenant));
            }
        }
        let failed = rows.iter().filter(|r| r.error.is_some()).count();
        display::line(format!(
            "\n{} tenants scanned, {failed} could not be read, {} findings in all",
            rows.len() - failed,
            rows.iter().map(|r| r.findings).sum::<usize>()
        ));
    }

    if let Some(bad) = rows.iter().find(|r| r.error.is_some()) {
        return Err(Failure::new(
            Exit::Snapshot,
            format!("{}: {}", bad.tenant, bad.error.as_deref().unwrap_or_default()),
        ));
    }
    let over = |r: &Row, level: Severity| match level {
        Severity::Critical => r.critical > 0,
        Severity::High => r.critical + r.high > 0,
        Severity::Medium => r.critical + r.high + r.medium > 0,
        Severity::Low => r.findings - r.info > 0,
        Severity::Info => r.findings > 0,
    };
    match fail_on {
        Some(level) if rows.iter().any(|r| over(r, level)) => Err(Failure::new(
            Exit::Findings,
            format!("tenants with findings at or above {} severity", level.as_str()),
        )),
        _ => Ok(()),
    }
}
