//! `aisf scan`: the ranked findings of a snapshot against a policy.

use std::path::Path;

use aisf::core::finding::{Finding, RuleId};
use aisf::core::policy::{Policy, Severity};
use aisf::graph::Snapshot;
use aisf::graph::govern::{Scan, ScanOptions, scan};
use serde_json::json;

use crate::display;
use crate::query::open;
use crate::{Exit, Failure, Outcome};

/// Output formats of `aisf scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for a terminal.
    Table,
    /// Every field of every finding, as JSON.
    Json,
    /// One row per finding.
    Csv,
    /// SARIF 2.1.0, for code-scanning dashboards and CI annotations.
    Sarif,
    /// The self-contained report page (the one `aisf report` writes).
    Html,
}

/// Reads a policy file, or the built-in defaults when none is given, and
/// prints its warnings (unknown names, contradictions) against `snap`.
pub fn load_policy(path: Option<&Path>, snap: &Snapshot) -> Result<Policy, Failure> {
    let Some(path) = path else {
        display::note("no --policy given: built-in privileged defaults and default thresholds");
        return Ok(Policy::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::new(Exit::Input, format!("{}: cannot read the policy: {e}", path.display()))
    })?;
    let policy = Policy::from_toml_str(&text, &path.display().to_string())
        .map_err(|e| Failure::new(Exit::Input, format!("{e} (fix the policy and run again)")))?;
    let mut warnings = policy.check_names(&snap.known());
    warnings.extend(policy.contradictions());
    for w in &warnings {
        display::note(&format!("warning: {w}"));
    }
    Ok(policy)
}

/// Runs `aisf scan`.
pub fn run(
    path: &Path,
    policy: Option<&Path>,
    format: Format,
    top: usize,
    fail_on: Option<Severity>,
    pseudonymise: bool,
) -> Outcome {
    let snap = open(path)?;
    let policy = load_policy(policy, &snap)?;
    let mut result = scan(&snap, &policy, &ScanOptions::default());
    if pseudonymise {
        // A fresh key per run: pseudonyms hold within this report only.
        let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        let key = clock.map_or(0, |d| d.as_nanos() as u64) ^ u64::from(std::process::id());
        aisf::graph::govern::pseudonymise(&mut result, &snap, key);
    }
    match format {
        Format::Table => table(&result, top),
        Format::Json => {
            let value = serde_json::to_value(&result).map_err(|e| {
                Failure::new(Exit::Output, format!("cannot render the findings as JSON: {e}"))
            })?;
            display::json(&value);
        }
        Format::Csv => display::raw(&csv(&result)?),
        Format::Sarif => display::json(&sarif(&result)),
        Format::Html => display::raw(&crate::report::html_page(&snap, path, &policy, &result)),
    }
    match fail_on {
        Some(level) if result.findings.iter().any(|f| f.severity >= level) => Err(Failure::new(
            Exit::Findings,
            format!("findings at or above {} severity", level.as_str()),
        )),
        _ => Ok(()),
    }
}

/// The findings as a ranked table, then the count per rule.
pub fn table(result: &Scan, top: usize) {
    let mut rows = vec![vec![
        "#".to_string(),
        "risk".into(),
        "severity".into(),
        "rule".into(),
        "subject".into(),
        "why".into(),
    ]];
    for (i, f) in result.findings.iter().take(top).enumerate() {
        rows.push(vec![
            (i + 1).to_string(),
            f.risk.to_string(),
            f.severity.as_str().to_string(),
            f.rule.as_str().to_string(),
            f.subject().to_string(),
            f.explanation.clone(),
        ]);
    }
    display::table(&rows, 60);
    let shown = top.min(result.findings.len());
    if result.findings.len() > shown {
        display::line(format!(
            "... {} more findings (--top to see more; --format json gives every field: \
             entitlement, path, action)",
            result.findings.len() - shown
        ));
    }
    let counts: Vec<String> = result
        .counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(rule, n)| format!("{} {n}", rule.as_str()))
        .collect();
    display::line(format!(
        "\n{} findings ({}); {} silenced by exceptions",
        result.findings.len(),
        if counts.is_empty() { "none".to_string() } else { counts.join(", ") },
        result.silenced
    ));
}

/// The findings as CSV, one row per finding, highest risk first.
fn csv(result: &Scan) -> Result<String, Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Failure::new(Exit::Output, format!("cannot write CSV: {e}"));
    w.write_record([
        "rank",
        "risk",
        "severity",
        "rule",
        "person",
        "account",
        "entitlement",
        "system",
        "clause",
        "first_seen",
        "action",
        "explanation",
    ])
    .map_err(failed)?;
    for (i, f) in result.findings.iter().enumerate() {
        w.write_record(csv_row(i + 1, f)).map_err(failed)?;
    }
    let bytes = w.into_inner().map_err(|e| failed(e.into_error().into()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn csv_row(rank: usize, f: &Finding) -> [String; 12] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        rank.to_string(),
        f.risk.to_string(),
        f.severity.as_str().to_string(),
        f.rule.as_str().to_string(),
        opt(&f.person),
        opt(&f.account),
        opt(&f.entitlement),
        opt(&f.system),
        f.clause.clone(),
        f.first_seen.map(|t| t.to_string()).unwrap_or_default(),
        f.action.to_string(),
        f.explanation.clone(),
    ]
}

/// SARIF's three result levels.
fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The findings as one SARIF 2.1.0 run: every rule that ran, and a result
/// per finding located at its subject (a logical location: there are no
/// source files in identity data).
fn sarif(result: &Scan) -> serde_json::Value {
    let rules: Vec<_> = result
        .rules
        .iter()
        .map(|r: &RuleId| {
            json!({
                "id": r.as_str(),
                "shortDescription": { "text": r.summary() },
                "defaultConfiguration": { "level": sarif_level(r.default_severity()) },
            })
        })
        .collect();
    let results: Vec<_> = result
        .findings
        .iter()
        .map(|f| {
            let kind = if f.account.is_some() { "account" } else { "person" };
            json!({
                "ruleId": f.rule.as_str(),
                "level": sarif_level(f.severity),
                "message": { "text": f.explanation },
                "locations": [{
                    "logicalLocations": [{ "name": f.subject(), "kind": kind }],
                }],
                "partialFingerprints": {
                    "aisf/v1": format!(
                        "{}|{}|{}",
                        f.rule.as_str(),
                        f.subject(),
                        f.entitlement.as_deref().unwrap_or("")
                    ),
                },
                "properties": {
                    "risk": f.risk,
                    "severity": f.severity.as_str(),
                    "person": f.person,
                    "account": f.account,
                    "entitlement": f.entitlement,
                    "system": f.system,
                    "clause": f.clause,
                    "action": f.action.to_string(),
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "aisf",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/aisf",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
