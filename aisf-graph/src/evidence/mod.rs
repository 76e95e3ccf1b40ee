//! The evidence pack: what an auditor asks for after a scan, as files.
//!
//! [`pack`] gathers, from a snapshot, a policy and a [`Scan`]:
//!
//! - every finding as a [`FindingRecord`]: who (person and account, with
//!   names), what (rule, entitlement, system), since when, the
//!   justification path, the policy clause, the explanation and the
//!   action;
//! - an access-review list per manager ([`ReviewRow`]): each direct
//!   report's effective access, entitlement by entitlement, with the path
//!   that justifies it, the account it arrives through and whether the
//!   person's business roles expect it;
//! - the controls summary ([`controls`]): ISO/IEC 27001:2022, SOC 2, Cyber
//!   Essentials, CIS Controls v8 and NIST SP 800-53 controls, each with
//!   its rules, their finding counts and a status;
//! - the privileged population: each privileged object by tier, and how
//!   many persons and accounts reach it;
//! - the [`audit`] log entry of the scan.
//!
//! [`EvidencePack::write_to`] writes them into a folder:
//!
//! | file | holds |
//! |---|---|
//! | `findings.json`, `findings.csv` | the findings, highest risk first |
//! | `access-review.csv` | one row per (manager, report, entitlement) |
//! | `access-review.json` | the same, grouped by manager and report |
//! | `controls.csv`, `controls.json` | the controls summary |
//! | `summary.json` | counts, checksums, the privileged population |
//! | `report.html` | the report page, when [`EvidencePack::html`] is set |
//! | `audit-log.jsonl` | one line appended per pack written, hash-chained |
//!
//! Each file is written to a temporary file in the folder and renamed
//! into place, so a reader sees the old file or the new one, never half of
//! one; the audit log is only ever appended to. When writing fails, the
//! files this call created are removed again.
//!
//! Only ids, names, departments, titles and the scan's own words reach the
//! pack: no other property of a node is copied, so secrets an export might
//! carry (password hashes, keys, tokens) never appear.

pub mod audit;
pub mod controls;
pub mod html;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aisf_core::finding::Finding;
use aisf_core::policy::{Policy, Severity, Timestamp};
use aisf_core::{EdgeKind, props};
use roaring::RoaringBitmap;
use serde::Serialize;

pub use audit::{AuditEntry, AuditError};
pub use controls::{ControlRow, Status};

use crate::govern::Scan;
use crate::govern::context::{Ctx, privileged_objects};
use crate::query::Step;
use crate::snapshot::{Direction, NodeId, Snapshot};

/// How to make a pack.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackOptions {
    /// The time to record in the audit entry (seconds since the epoch);
    /// the system clock when `None`.
    pub time: Option<i64>,
}

/// One finding, with everything an auditor reads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingRecord {
    /// The place in the ranking, from 1.
    pub rank: usize,
    /// The rule id.
    pub rule: String,
    /// What the rule finds.
    pub rule_summary: String,
    /// The severity.
    pub severity: Severity,
    /// The risk score, 0 to 100.
    pub risk: u8,
    /// The person (id).
    pub person: Option<String>,
    /// The person's name.
    pub person_name: Option<String>,
    /// The account (id).
    pub account: Option<String>,
    /// The entitlement (id).
    pub entitlement: Option<String>,
    /// The entitlement's name.
    pub entitlement_name: Option<String>,
    /// The system.
    pub system: Option<String>,
    /// Since when the finding stands, RFC 3339, when the data says.
    pub since: Option<String>,
    /// The justification path, as text (`a -member_of-> b -grant-> c`).
    pub path: String,
    /// The policy clause broken.
    pub clause: String,
    /// What is wrong, in words.
    pub explanation: String,
    /// The change that would close it.
    pub action: String,
}

/// One line of an access review: an entitlement a manager's direct
/// report holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewRow {
    /// The manager (person id); empty for persons with no manager.
    pub manager: String,
    /// The manager's name.
    pub manager_name: String,
    /// The report (person id).
    pub person: String,
    /// The report's name.
    pub person_name: String,
    /// The report's department.
    pub department: String,
    /// The report's title.
    pub title: String,
    /// The entitlement.
    pub entitlement: String,
    /// Its name.
    pub entitlement_name: String,
    /// Its system.
    pub system: String,
    /// Its privilege tier, if privileged.
    pub tier: Option<u8>,
    /// The account the access arrives through (empty when held directly).
    pub account: String,
    /// Whether that account is enabled.
    pub account_enabled: bool,
    /// Whether the person's business roles bring this entitlement.
    pub birthright: bool,
    /// The justification path, as text.
    pub path: String,
}

/// A privileged object and who reaches it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrivilegedRow {
    /// The tier (0 is the most privileged).
    pub tier: u8,
    /// The object id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Its system.
    pub system: String,
    /// Persons who reach it.
    pub persons: u64,
    /// Accounts that reach it.
    pub accounts: u64,
}

/// Counts and checksums for the pack's cover.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PackSummary {
    /// The snapshot file's name, when it was opened from a file.
    pub snapshot: Option<String>,
    /// SHA-256 of the snapshot file.
    pub snapshot_sha256: String,
    /// SHA-256 of the policy's canonical JSON form.
    pub policy_sha256: String,
    /// The policy file, as the caller named it.
    pub policy_file: String,
    /// The scan's evaluation time, RFC 3339.
    pub scan_time: String,
    /// Persons in the snapshot.
    pub persons: u64,
    /// Accounts in the snapshot.
    pub accounts: u64,
    /// Systems in the snapshot.
    pub systems: Vec<String>,
    /// Findings in all.
    pub findings: usize,
    /// Findings silenced by exceptions.
    pub silenced: usize,
    /// Findings per severity, most severe first.
    pub by_severity: Vec<(Severity, usize)>,
    /// Findings per system (`-` for organisation-wide ones), most first.
    pub by_system: Vec<(String, usize)>,
    /// Findings per rule that ran.
    pub by_rule: Vec<(String, usize)>,
    /// Persons reaching each tier (through any account), tier 0 first.
    pub privileged_persons_by_tier: Vec<(u8, u64)>,
    /// The privileged objects, tier 0 first, most reached first.
    pub privileged: Vec<PrivilegedRow>,
}

/// The evidence pack of one scan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidencePack {
    /// Counts and checksums.
    pub summary: PackSummary,
    /// The findings, highest risk first.
    pub findings: Vec<FindingRecord>,
    /// The access reviews, by manager, report and entitlement.
    pub reviews: Vec<ReviewRow>,
    /// The controls summary.
    pub controls: Vec<ControlRow>,
    /// The audit entry to append (its `seq`, `prev` and `hash` are set
    /// when it is appended).
    pub audit: AuditEntry,
    /// The report page, written as `report.html` when set.
    #[serde(skip)]
    pub html: Option<String>,
}

/// Builds the evidence pack of a scan of `snapshot` against `policy`.
pub fn pack(snapshot: &Snapshot, policy: &Policy, scan: &Scan, opts: &PackOptions) -> EvidencePack {
    let ctx = Ctx::new(snapshot, policy, scan.now);
    let tiers: BTreeMap<u32, u8> = privileged_objects(snapshot, policy).into_iter().collect();
    let findings =
        scan.findings.iter().enumerate().map(|(i, f)| record(snapshot, i + 1, f)).collect();
    let reviews = reviews(&ctx, &tiers);
    let controls = controls::summary(scan);
    let summary = summary(&ctx, scan, &tiers);

    let mut by_rule = BTreeMap::new();
    for (r, n) in scan.counts() {
        by_rule.insert(r.as_str().to_string(), n as u64);
    }
    let audit = AuditEntry {
        seq: 0,
        time: Timestamp(opts.time.unwrap_or_else(system_now)).to_string(),
        scan_time: summary.scan_time.clone(),
        snapshot_sha256: summary.snapshot_sha256.clone(),
        policy_sha256: summary.policy_sha256.clone(),
        findings: scan.findings.len() as u64,
        by_severity: summary
            .by_severity
            .iter()
            .map(|(s, n)| (s.as_str().to_string(), *n as u64))
            .collect(),
        by_rule,
        silenced: scan.silenced as u64,
        prev: String::new(),
        hash: String::new(),
    };
    EvidencePack { summary, findings, reviews, controls, audit, html: None }
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn name_of(snap: &Snapshot, id: Option<&str>) -> Option<String> {
    snap.find(id?).and_then(|v| snap.node(v).name().map(str::to_string))
}

fn record(snap: &Snapshot, rank: usize, f: &Finding) -> FindingRecord {
    let path = f
        .path
        .iter()
        .map(|s| match &s.edge {
            Some(e) => format!("-{e}-> {}", s.node),
            None => s.node.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    FindingRecord {
        rank,
        rule: f.rule.as_str().to_string(),
        rule_summary: f.rule.summary().to_string(),
        severity: f.severity,
        risk: f.risk,
        person: f.person.clone(),
        person_name: name_of(snap, f.person.as_deref()),
        account: f.account.clone(),
        entitlement: f.entitlement.clone(),
        entitlement_name: name_of(snap, f.entitlement.as_deref()),
        system: f.system.clone(),
        since: f.first_seen.map(|t| Timestamp(t).to_string()),
        path,
        clause: f.clause.clone(),
        explanation: f.explanation.clone(),
        action: f.action.to_string(),
    }
}

/// A query path as text.
pub(crate) fn path_text(snap: &Snapshot, path: &[Step]) -> String {
    path.iter()
        .map(|s| {
            let id = snap.node(s.node).id();
            match &s.edge {
                Some(e) => format!("-{e}-> {id}"),
                None => id.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn reviews(ctx: &Ctx<'_>, tiers: &BTreeMap<u32, u8>) -> Vec<ReviewRow> {
    use rayon::prelude::*;
    let snap = ctx.snap;
    let mut ents_mask = RoaringBitmap::new();
    ents_mask.insert_range(ctx.ents.clone());
    let text = |v: u32, k: &str| ctx.text(v, k).unwrap_or_default();
    let name = |v: u32| snap.node(NodeId(v)).name().unwrap_or_default().to_string();
    let mut rows: Vec<ReviewRow> = ctx
        .persons
        .clone()
        .into_par_iter()
        .flat_map_iter(|p| {
            let manager = snap.neighbors(NodeId(p), &EdgeKind::Manager, Direction::Out).first();
            let held = ctx.all.person(NodeId(p)) & &ents_mask;
            let (birthright, _) = ctx.birthrights(p);
            let rows: Vec<ReviewRow> = held
                .iter()
                .map(|e| {
                    let path =
                        snap.explain(NodeId(p), NodeId(e)).map(|x| x.path).unwrap_or_default();
                    let account = path
                        .iter()
                        .map(|s| s.node.0)
                        .find(|v| ctx.accounts.contains(v))
                        .map_or_else(String::new, |a| ctx.id(a).to_string());
                    let enabled = snap.find(&account).is_none_or(|a| ctx.is_enabled(a.0));
                    let n = snap.node(NodeId(e));
                    ReviewRow {
                        manager: manager.map(|&m| ctx.id(m).to_string()).unwrap_or_default(),
                        manager_name: manager.map(|&m| name(m)).unwrap_or_default(),
                        person: ctx.id(p).to_string(),
                        person_name: name(p),
                        department: text(p, props::DEPARTMENT),
                        title: text(p, props::TITLE),
                        entitlement: n.id().to_string(),
                        entitlement_name: n.name().unwrap_or_default().to_string(),
                        system: n.system().unwrap_or_default().to_string(),
                        tier: tiers.get(&e).copied(),
                        account,
                        account_enabled: enabled,
                        birthright: birthright.contains(e),
                        path: path_text(snap, &path),
                    }
                })
                .collect();
            rows.into_iter()
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.manager.is_empty(), &a.manager, &a.person, &a.entitlement).cmp(&(
            b.manager.is_empty(),
            &b.manager,
            &b.person,
            &b.entitlement,
        ))
    });
    rows
}

fn summary(ctx: &Ctx<'_>, scan: &Scan, tiers: &BTreeMap<u32, u8>) -> PackSummary {
    let snap = ctx.snap;
    let policy_json = serde_json::to_string(ctx.policy).unwrap_or_default();
    let mut by_severity: Vec<(Severity, usize)> = Severity::ALL
        .iter()
        .map(|&s| (s, scan.findings.iter().filter(|f| f.severity == s).count()))
        .collect();
    by_severity.sort_by_key(|x| std::cmp::Reverse(x.0));
    let mut systems: BTreeMap<String, usize> = BTreeMap::new();
    for f in &scan.findings {
        *systems.entry(f.system.clone().unwrap_or_else(|| "-".into())).or_default() += 1;
    }
    let mut by_system: Vec<(String, usize)> = systems.into_iter().collect();
    by_system.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let mut privileged: Vec<PrivilegedRow> = tiers
        .iter()
        .map(|(&v, &tier)| {
            let who = snap.who_can_access(NodeId(v));
            let n = snap.node(NodeId(v));
            PrivilegedRow {
                tier,
                id: n.id().to_string(),
                name: n.name().unwrap_or_default().to_string(),
                kind: n.kind().as_str().to_string(),
                system: n.system().unwrap_or_default().to_string(),
                persons: who.persons.len(),
                accounts: who.accounts.len(),
            }
        })
        .collect();
    privileged.sort_by(|a, b| {
        a.tier.cmp(&b.tier).then_with(|| b.persons.cmp(&a.persons)).then_with(|| a.id.cmp(&b.id))
    });
    let by_tier = (0u8..4)
        .map(|t| {
            let n = ctx
                .persons
                .clone()
                .filter(|&p| ctx.person_privilege(p).is_some_and(|x| x.tier == t));
            (t, n.count() as u64)
        })
        .collect();
    PackSummary {
        snapshot: snap.path().map(|p| p.display().to_string()),
        snapshot_sha256: audit::sha256(snap.raw_bytes()),
        policy_sha256: audit::sha256(policy_json.as_bytes()),
        policy_file: ctx.policy.file.clone(),
        scan_time: Timestamp(scan.now).to_string(),
        persons: ctx.persons.len() as u64,
        accounts: ctx.accounts.len() as u64,
        systems: snap.systems().to_vec(),
        findings: scan.findings.len(),
        silenced: scan.silenced,
        by_severity,
        by_system,
        by_rule: scan.counts().into_iter().map(|(r, n)| (r.as_str().to_string(), n)).collect(),
        privileged_persons_by_tier: by_tier,
        privileged,
    }
}

/// Why a pack could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceError {
    /// A file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The audit log does not check or could not be appended to.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// A CSV file could not be rendered.
    #[error("cannot render {file}: {detail}")]
    Render {
        /// The file.
        file: String,
        /// What went wrong.
        detail: String,
    },
}

/// The name of the audit log in a pack's folder.
pub const AUDIT_LOG: &str = "audit-log.jsonl";

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place.
///
/// # Errors
///
/// [`EvidenceError::Io`] naming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), EvidenceError> {
    use std::io::Write as _;
    let io = |source| EvidenceError::Io { path: path.to_path_buf(), source };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        let what = format!("the folder {} does not exist", dir.display());
        return Err(io(std::io::Error::new(std::io::ErrorKind::NotFound, what)));
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| io(std::io::Error::new(e.kind(), e.to_string())))?;
    tmp.write_all(bytes).map_err(io)?;
    // Readable like any file the user writes (temporary files start 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn to_csv(file: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, EvidenceError> {
    let fail = |e: csv::Error| EvidenceError::Render { file: file.into(), detail: e.to_string() };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(fail)?;
    for r in rows {
        w.write_record(r).map_err(fail)?;
    }
    w.into_inner().map_err(|e| EvidenceError::Render { file: file.into(), detail: e.to_string() })
}

fn json<T: Serialize + ?Sized>(file: &str, value: &T) -> Result<Vec<u8>, EvidenceError> {
    let mut v = serde_json::to_vec_pretty(value)
        .map_err(|e| EvidenceError::Render { file: file.into(), detail: e.to_string() })?;
    v.push(b'\n');
    Ok(v)
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl EvidencePack {
    /// The pack's files (all but the audit log), rendered, by file name.
    ///
    /// # Errors
    ///
    /// [`EvidenceError::Render`] if a file cannot be rendered.
    pub fn files(&self) -> Result<Vec<(String, Vec<u8>)>, EvidenceError> {
        let mut out = Vec::new();
        out.push(("findings.json".to_string(), json("findings.json", &self.findings)?));
        let rows: Vec<Vec<String>> = self
            .findings
            .iter()
            .map(|f| {
                vec![
                    f.rank.to_string(),
                    f.risk.to_string(),
                    f.severity.as_str().to_string(),
                    f.rule.clone(),
                    opt(&f.person),
                    opt(&f.person_name),
                    opt(&f.account),
                    opt(&f.entitlement),
                    opt(&f.entitlement_name),
                    opt(&f.system),
                    opt(&f.since),
                    f.path.clone(),
                    f.clause.clone(),
                    f.explanation.clone(),
                    f.action.clone(),
                ]
            })
            .collect();
        let header = [
            "rank",
            "risk",
            "severity",
            "rule",
            "person",
            "person_name",
            "account",
            "entitlement",
            "entitlement_name",
            "system",
            "since",
            "path",
            "clause",
            "explanation",
            "action",
        ];
        out.push(("findings.csv".into(), to_csv("findings.csv", &header, &rows)?));

        let rows: Vec<Vec<String>> = self
            .reviews
            .iter()
            .map(|r| {
                vec![
                    r.manager.clone(),
                    r.manager_name.clone(),
                    r.person.clone(),
                    r.person_name.clone(),
                    r.department.clone(),
                    r.title.clone(),
                    r.entitlement.clone(),
                    r.entitlement_name.clone(),
                    r.system.clone(),
                    r.tier.map(|t| t.to_string()).unwrap_or_default(),
                    r.account.clone(),
                    r.account_enabled.to_string(),
                    r.birthright.to_string(),
                    r.path.clone(),
                    String::new(),
                ]
            })
            .collect();
        let header = [
            "manager",
            "manager_name",
            "person",
            "person_name",
            "department",
            "title",
            "entitlement",
            "entitlement_name",
            "system",
            "tier",
            "account",
            "account_enabled",
            "birthright",
            "path",
            "decision (keep/remove)",
        ];
        out.push(("access-review.csv".into(), to_csv("access-review.csv", &header, &rows)?));
        out.push(("access-review.json".into(), json("access-review.json", &self.review_tree())?));

        let rows: Vec<Vec<String>> = self
            .controls
            .iter()
            .map(|c| {
                let rules: Vec<String> =
                    c.rules.iter().map(|(r, n)| format!("{} ({n})", r.as_str())).collect();
                let not_run: Vec<&str> = c.not_run.iter().map(|r| r.as_str()).collect();
                vec![
                    c.framework.clone(),
                    c.control.clone(),
                    c.title.clone(),
                    rules.join("; "),
                    not_run.join("; "),
                    c.findings.to_string(),
                    c.worst.map(|s| s.as_str().to_string()).unwrap_or_default(),
                    c.status.as_str().to_string(),
                    c.rationale.clone(),
                ]
            })
            .collect();
        let header = [
            "framework",
            "control",
            "title",
            "rules (findings)",
            "rules not run",
            "findings",
            "worst severity",
            "status",
            "rationale",
        ];
        out.push(("controls.csv".into(), to_csv("controls.csv", &header, &rows)?));
        out.push(("controls.json".into(), json("controls.json", &self.controls)?));
        out.push(("summary.json".into(), json("summary.json", &self.summary)?));
        if let Some(html) = &self.html {
            out.push(("report.html".into(), html.as_bytes().to_vec()));
        }
        Ok(out)
    }

    /// The access reviews grouped by manager, then by report.
    pub fn review_tree(&self) -> serde_json::Value {
        use serde_json::json;
        let mut managers: Vec<serde_json::Value> = Vec::new();
        let mut i = 0;
        let rows = &self.reviews;
        while i < rows.len() {
            let m = &rows[i].manager;
            let mut reports = Vec::new();
            while i < rows.len() && rows[i].manager == *m {
                let p = &rows[i].person;
                let first = &rows[i];
                let mut access = Vec::new();
                while i < rows.len() && rows[i].manager == *m && rows[i].person == *p {
                    let r = &rows[i];
                    access.push(json!({
                        "entitlement": r.entitlement, "name": r.entitlement_name,
                        "system": r.system, "tier": r.tier, "account": r.account,
                        "account_enabled": r.account_enabled, "birthright": r.birthright,
                        "path": r.path,
                    }));
                    i += 1;
                }
                reports.push(json!({
                    "person": first.person, "name": first.person_name,
                    "department": first.department, "title": first.title, "access": access,
                }));
            }
            let name = rows.iter().find(|r| r.manager == *m).map(|r| r.manager_name.clone());
            managers.push(json!({ "manager": m, "manager_name": name, "reports": reports }));
        }
        json!({ "scan_time": self.summary.scan_time, "managers": managers })
    }

    /// Writes the pack into `dir` (created if missing) and appends the
    /// audit entry to `dir/audit-log.jsonl`; returns the files written.
    ///
    /// Every file is rendered before anything is written; each is written
    /// atomically. If a write fails, the files this call created (and the
    /// folder, if it created it) are removed, and the audit log is left as
    /// it was. The audit log's chain is checked before anything is written.
    ///
    /// # Errors
    ///
    /// [`EvidenceError`] naming the file.
    pub fn write_to(&self, dir: &Path) -> Result<Vec<PathBuf>, EvidenceError> {
        let files = self.files()?;
        let log = dir.join(AUDIT_LOG);
        audit::verify(&log)?;
        let created_dir = !dir.exists();
        std::fs::create_dir_all(dir)
            .map_err(|source| EvidenceError::Io { path: dir.to_path_buf(), source })?;
        let mut new_files: Vec<PathBuf> = Vec::new();
        let mut written = Vec::new();
        let result = (|| {
            for (name, bytes) in &files {
                let path = dir.join(name);
                if !path.exists() {
                    new_files.push(path.clone());
                }
                write_atomic(&path, bytes)?;
                written.push(path);
            }
            let mut entry = self.audit.clone();
            audit::append(&log, &mut entry)?;
            written.push(log.clone());
            Ok(())
        })();
        if let Err(e) = result {
            for f in &new_files {
                let _ = std::fs::remove_file(f);
            }
            if created_dir {
                let _ = std::fs::remove_dir_all(dir);
            }
            return Err(e);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests;
