//! `aisf plan` and `aisf report`: the remediation plan of a scan, and the
//! evidence pack with its report page.

use std::path::Path;

use aisf::core::policy::Policy;
use aisf::graph::Snapshot;
use aisf::graph::diff::{DiffOptions, diff};
use aisf::graph::evidence::html::{ReportInput, render};
use aisf::graph::evidence::{EvidencePack, PackOptions, pack, write_atomic};
use aisf::graph::govern::plan::export::{Format as PlanFormat, render as render_plan};
use aisf::graph::govern::plan::{Plan, PlanCheck, PlanOptions, StepKind, check, plan};
use aisf::graph::govern::{Scan, ScanOptions, scan};

use crate::display;
use crate::query::open;
use crate::scan::load_policy;
use crate::{Exit, Failure, Outcome};

/// Output formats of `aisf plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The whole plan as JSON.
    Json,
    /// PowerShell for Active Directory (runs in -WhatIf mode until edited).
    Powershell,
    /// SCIM 2.0 PatchOp requests, as JSON.
    Scim,
    /// AWS CLI commands, as a bash script that only prints them unless APPLY=1.
    Aws,
    /// Microsoft Graph requests (method, URL, body), as an .http file.
    Graph,
}

impl Format {
    fn library(self) -> PlanFormat {
        match self {
            Format::Json => PlanFormat::Json,
            Format::Powershell => PlanFormat::PowerShell,
            Format::Scim => PlanFormat::Scim,
            Format::Aws => PlanFormat::Aws,
            Format::Graph => PlanFormat::Graph,
        }
    }
}

fn write_failed(path: &Path, e: &dyn std::fmt::Display) -> Failure {
    Failure::new(
        Exit::Output,
        format!("{}: cannot write: {e} (check the folder exists and is writable)", path.display()),
    )
}

/// Runs the what-if check and says what it found on standard error.
fn check_and_tell(snap: &Snapshot, policy: &Policy, result: &Scan, p: &Plan) -> Option<PlanCheck> {
    match check(snap, policy, result, p) {
        Ok(c) => {
            display::note(&format!(
                "what-if check: {} of {} findings claimed by {} changes close; {} left to \
                 review; {} expected accesses lost; {} new findings",
                c.closed,
                c.claimed,
                c.applied,
                c.left_for_review,
                c.expected_lost.len(),
                c.new_findings.len()
            ));
            for (step, f) in &c.not_closed {
                display::note(&format!(
                    "  step {step} does not close {} on {} (another path gives the access)",
                    f.rule,
                    f.subject()
                ));
            }
            for l in c.expected_lost.iter().take(20) {
                display::note(&format!(
                    "  {} would lose {}, which their business role expects (steps {:?})",
                    l.person, l.entitlement, l.steps
                ));
            }
            Some(c)
        }
        Err(e) => {
            display::note(&format!("what-if check could not run: {e}"));
            None
        }
    }
}

/// Runs `aisf plan`.
pub fn run_plan(
    path: &Path,
    policy: Option<&Path>,
    format: Format,
    out: Option<&Path>,
    no_check: bool,
) -> Outcome {
    let snap = open(path)?;
    let policy = load_policy(policy, &snap)?;
    let result = scan(&snap, &policy, &ScanOptions::default());
    let p = plan(&snap, &result, &PlanOptions::default());
    if !no_check {
        check_and_tell(&snap, &policy, &result, &p);
    }
    let text = render_plan(&p, format.library());
    match out {
        Some(file) => {
            write_atomic(file, text.as_bytes()).map_err(|e| {
                Failure::new(Exit::Output, format!("{e} (give --out a path in an existing folder)"))
            })?;
            display::note(&format!(
                "{}: {} steps ({} changes, {} review items) for {} findings",
                file.display(),
                p.steps.len(),
                p.of_kind(StepKind::Change).count(),
                p.of_kind(StepKind::Review).count(),
                p.findings
            ));
        }
        None => display::raw(&text),
    }
    Ok(())
}

/// Everything the report needs, computed once.
pub struct Report {
    /// The evidence pack, with its page.
    pub pack: EvidencePack,
    /// The plan.
    pub plan: Plan,
}

/// Scans, plans, checks and packs; renders the page. `previous` is an
/// older snapshot to show drift from.
pub fn build_report(
    snap: &Snapshot,
    policy: &Policy,
    result: &Scan,
    previous: Option<&Snapshot>,
    title: &str,
) -> Report {
    let p = plan(snap, result, &PlanOptions::default());
    let checked = check_and_tell(snap, policy, result, &p);
    let mut evidence = pack(snap, policy, result, &PackOptions::default());
    let drift = previous.map(|old| {
        let opts = DiffOptions { policy: Some(policy.clone()), ..DiffOptions::default() };
        diff(old, snap, &opts)
    });
    let html = render(&ReportInput {
        title,
        snapshot: snap,
        scan: result,
        pack: &evidence,
        plan: Some(&p),
        check: checked.as_ref(),
        diff: drift.as_ref(),
        top: 10,
    });
    evidence.html = Some(html);
    Report { pack: evidence, plan: p }
}

/// Writes a report into `dir`: the evidence pack, report.html and the plan
/// as JSON; returns the files written. On failure nothing this call
/// created is left behind.
pub fn write_report(report: &Report, dir: &Path) -> Result<Vec<String>, Failure> {
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| write_failed(dir, &e))?;
    let cleanup = |plan_existed: bool, plan_path: &Path| {
        if created {
            let _ = std::fs::remove_dir_all(dir);
        } else if !plan_existed {
            let _ = std::fs::remove_file(plan_path);
        }
    };
    let plan_path = dir.join("plan.json");
    let plan_existed = plan_path.exists();
    if let Err(e) = write_atomic(&plan_path, render_plan(&report.plan, PlanFormat::Json).as_bytes())
    {
        cleanup(plan_existed, &plan_path);
        return Err(Failure::new(Exit::Output, format!("{e} (check the folder is writable)")));
    }
    let written = report.pack.write_to(dir).map_err(|e| {
        cleanup(plan_existed, &plan_path);
        Failure::new(
            Exit::Output,
            format!("{e} (nothing was left half-written; fix and run again)"),
        )
    })?;
    let mut names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    names.push(plan_path.display().to_string());
    Ok(names)
}

/// Runs `aisf report`.
pub fn run_report(
    path: &Path,
    policy: Option<&Path>,
    out: &Path,
    previous: Option<&Path>,
) -> Outcome {
    let snap = open(path)?;
    let old = previous.map(open).transpose()?;
    let policy = load_policy(policy, &snap)?;
    if out.exists() && !out.is_dir() {
        return Err(Failure::new(
            Exit::Output,
            format!("{}: exists and is not a folder (give --out a folder)", out.display()),
        ));
    }
    let result = scan(&snap, &policy, &ScanOptions::default());
    let title = format!("AISF access report: {}", file_name(path));
    let report = build_report(&snap, &policy, &result, old.as_ref(), &title);
    let files = write_report(&report, out)?;
    display::line(format!(
        "{} findings, {} plan steps; wrote {} files:",
        result.findings.len(),
        report.plan.steps.len(),
        files.len()
    ));
    for f in files {
        display::line(format!("  {f}"));
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The report page of a scan, for `aisf scan --format html`.
pub fn html_page(snap: &Snapshot, path: &Path, policy: &Policy, result: &Scan) -> String {
    let title = format!("AISF access report: {}", file_name(path));
    build_report(snap, policy, result, None, &title).pack.html.unwrap_or_default()
}
