//! Policies, the governance scan and its list of findings.

use std::ffi::c_char;

use aisf::core::policy::{Policy, PolicyError, Severity};
use aisf::graph::govern::{Scan, ScanOptions, scan};

use crate::args::{self, Slot, Strings};
use crate::error::{Failure, aisf_result, guard};
use crate::snapshot::aisf_snapshot;

/// A governance policy: what should exist (business roles, privileged
/// objects by tier, separation of duties, thresholds, exceptions). Read
/// only once made: one policy may be used by many threads at once. Free it
/// with aisf_policy_free().
pub struct aisf_policy {
    policy: Policy,
}

// The promise the header makes: policies and findings lists are shared
// across threads.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<aisf_policy>();
    shared::<aisf_findings>();
};

pub(crate) fn policy_failure(e: PolicyError) -> Failure {
    let code = match e {
        PolicyError::Io { .. } => aisf_result::PolicyIo,
        _ => aisf_result::PolicyInvalid,
    };
    Failure::new(code, e.to_string())
}

impl aisf_policy {
    pub(crate) fn get(&self) -> &Policy {
        &self.policy
    }
}

/// Reads a policy file (TOML, see examples/policy.toml) and writes a new
/// handle to `out`. AISF_RESULT_POLICY_INVALID names the file, line, column
/// and key of the first problem.
///
/// # Safety
///
/// `path` must be NULL or a NUL-terminated string; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_policy_load(
    path: *const c_char,
    out: *mut *mut aisf_policy,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let path = unsafe { args::text(path, "path") }?;
        args::check_out(out, "out")?;
        let policy = Policy::from_path(path).map_err(policy_failure)?;
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::give(out, aisf_policy { policy }, "out") }
    })
}

/// Reads a policy from TOML text; `name` is the name error messages give
/// it (a file name, say). Writes a new handle to `out`.
///
/// # Safety
///
/// `text` and `name` must be NULL or NUL-terminated strings; `out` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_policy_parse(
    text: *const c_char,
    name: *const c_char,
    out: *mut *mut aisf_policy,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (text, name) = unsafe { (args::text(text, "text")?, args::text(name, "name")?) };
        args::check_out(out, "out")?;
        let policy = Policy::from_toml_str(text, name).map_err(policy_failure)?;
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::give(out, aisf_policy { policy }, "out") }
    })
}

/// The built-in policy: default thresholds and the built-in privileged
/// objects (Domain Admins, Global Administrator, AdministratorAccess...).
/// Writes a new handle to `out`.
///
/// # Safety
///
/// `out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_policy_default(out: *mut *mut aisf_policy) -> aisf_result {
    // SAFETY: the caller promises `out` is NULL or writable.
    guard(|| unsafe { args::give(out, aisf_policy { policy: Policy::default() }, "out") })
}

/// Frees a policy. NULL is ignored.
///
/// # Safety
///
/// `policy` must be NULL or a policy not yet freed and no longer used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_policy_free(policy: *mut aisf_policy) {
    // SAFETY: the caller promises a handle from this library, freed once.
    let _ = std::panic::catch_unwind(|| unsafe { args::free(policy) });
}

/// How severe a finding is, lowest first.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aisf_severity {
    /// Worth knowing, no action needed.
    Info = 0,
    /// Fix when convenient.
    Low = 1,
    /// Fix in the normal course of work.
    Medium = 2,
    /// Fix soon.
    High = 3,
    /// Fix now.
    Critical = 4,
}

impl From<Severity> for aisf_severity {
    fn from(s: Severity) -> aisf_severity {
        match s {
            Severity::Info => aisf_severity::Info,
            Severity::Low => aisf_severity::Low,
            Severity::Medium => aisf_severity::Medium,
            Severity::High => aisf_severity::High,
            Severity::Critical => aisf_severity::Critical,
        }
    }
}

/// The findings of one scan, highest risk first. Read only once made: one
/// list may be read by many threads at once. Its strings live as long as
/// the list. Free it with aisf_findings_free().
pub struct aisf_findings {
    scan: Scan,
    strings: Strings,
    /// Per finding: rule, person, account, entitlement, system, clause,
    /// explanation.
    slots: Vec<[Slot; 7]>,
}

/// One finding. Its strings belong to the list and stay valid until the
/// list is freed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aisf_finding {
    /// The rule's stable id ("leaver-active", "sod-violation"...).
    pub rule: *const c_char,
    /// The severity (the rule's, or the policy's override).
    pub severity: aisf_severity,
    /// The risk score, 0 to 100: higher is worse.
    pub risk: u8,
    /// The person concerned (node id), or NULL.
    pub person: *const c_char,
    /// The account concerned (node id), or NULL.
    pub account: *const c_char,
    /// The entitlement concerned (node id), or NULL.
    pub entitlement: *const c_char,
    /// The system of the account or entitlement, or NULL.
    pub system: *const c_char,
    /// The policy clause broken, as the policy file writes it.
    pub clause: *const c_char,
    /// What is wrong, in plain words.
    pub explanation: *const c_char,
}

/// Checks a snapshot against a policy: every finding of the 21 rules the
/// policy leaves on, ranked by risk, at the policy's `thresholds.now` or
/// else the current time. Writes a new list to `out`.
///
/// # Safety
///
/// `snapshot` and `policy` must be NULL or live handles; `out` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_snapshot_scan(
    snapshot: *const aisf_snapshot,
    policy: *const aisf_policy,
    out: *mut *mut aisf_findings,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or live handles.
        let (s, p) =
            unsafe { (args::handle(snapshot, "snapshot")?, args::handle(policy, "policy")?) };
        args::check_out(out, "out")?;
        let result = scan(&s.snap, &p.policy, &ScanOptions::default());

        let mut strings = Strings::default();
        let slots = result
            .findings
            .iter()
            .map(|f| {
                [
                    strings.push(f.rule.as_str()),
                    strings.push_opt(f.person.as_deref()),
                    strings.push_opt(f.account.as_deref()),
                    strings.push_opt(f.entitlement.as_deref()),
                    strings.push_opt(f.system.as_deref()),
                    strings.push(&f.clause),
                    strings.push(&f.explanation),
                ]
            })
            .collect();
        let list = aisf_findings { scan: result, strings, slots };
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::give(out, list, "out") }
    })
}

/// The number of findings in the list; 0 for NULL.
///
/// # Safety
///
/// `findings` must be NULL or a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_findings_len(findings: *const aisf_findings) -> usize {
    // SAFETY: the caller promises NULL or a live list.
    unsafe { findings.as_ref() }.map_or(0, |f| f.slots.len())
}

/// Writes finding number `index` (0 is the highest risk) to `out`.
/// AISF_RESULT_INVALID_ARGUMENT when `index` is past the end.
///
/// # Safety
///
/// `findings` must be NULL or a live list; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_findings_get(
    findings: *const aisf_findings,
    index: usize,
    out: *mut aisf_finding,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live list.
        let list = unsafe { args::handle(findings, "findings") }?;
        args::check_out(out, "out")?;
        let (Some(f), Some(slots)) = (list.scan.findings.get(index), list.slots.get(index)) else {
            return Err(Failure::new(
                aisf_result::InvalidArgument,
                format!("finding index {index} is past the end of a list of {}", list.slots.len()),
            ));
        };
        let p = |i: usize| list.strings.ptr(slots[i]);
        let item = aisf_finding {
            rule: p(0),
            severity: f.severity.into(),
            risk: f.risk,
            person: p(1),
            account: p(2),
            entitlement: p(3),
            system: p(4),
            clause: p(5),
            explanation: p(6),
        };
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::write(out, item, "out") }
    })
}

/// Frees a list of findings and its strings. NULL is ignored.
///
/// # Safety
///
/// `findings` must be NULL or a list not yet freed and no longer used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_findings_free(findings: *mut aisf_findings) {
    // SAFETY: the caller promises a handle from this library, freed once.
    let _ = std::panic::catch_unwind(|| unsafe { args::free(findings) });
}
