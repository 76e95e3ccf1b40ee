//! The diff of two snapshots: counts, then each entitlement gained or lost.

use std::ffi::c_char;

use aisf::graph::diff::{AccessChange, DiffOptions, SnapshotDiff, diff};

use crate::args::{self, Strings};
use crate::error::{aisf_result, guard, guard_next};
use crate::policy::aisf_policy;
use crate::snapshot::aisf_snapshot;

/// What changed between two snapshots of one organisation. Counts are
/// read with aisf_diff_counts(); each entitlement a person or account
/// gained or lost with aisf_diff_next(). One thread at a time may use a
/// diff. Free it with aisf_diff_free().
pub struct aisf_diff {
    changes: SnapshotDiff,
    /// The position of aisf_diff_next(): which list (persons, accounts),
    /// which subject, which side (gained, lost), which entitlement.
    at: (usize, usize, usize, usize),
    strings: Strings,
}

/// How much changed between two snapshots.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct aisf_diff_summary {
    /// Persons in the new snapshot only.
    pub persons_added: usize,
    /// Persons in the old snapshot only.
    pub persons_removed: usize,
    /// Accounts in the new snapshot only.
    pub accounts_added: usize,
    /// Accounts in the old snapshot only.
    pub accounts_removed: usize,
    /// Groups in the new snapshot only.
    pub groups_added: usize,
    /// Groups in the old snapshot only.
    pub groups_removed: usize,
    /// Roles in the new snapshot only.
    pub roles_added: usize,
    /// Roles in the old snapshot only.
    pub roles_removed: usize,
    /// Entitlements in the new snapshot only.
    pub entitlements_added: usize,
    /// Entitlements in the old snapshot only.
    pub entitlements_removed: usize,
    /// Memberships, role assignments, grants and correlations added.
    pub edges_added: usize,
    /// Those removed.
    pub edges_removed: usize,
    /// Persons whose effective access changed.
    pub persons_changed: usize,
    /// Accounts whose effective access changed.
    pub accounts_changed: usize,
    /// (person or account, entitlement) pairs gained: the gained items
    /// aisf_diff_next() gives.
    pub gained: usize,
    /// Pairs lost: the lost items aisf_diff_next() gives.
    pub lost: usize,
    /// Changes of lifecycle properties (status, department, title, end
    /// date, enabled) on nodes present on both sides.
    pub property_changes: usize,
}

/// One entitlement a person or account gained or lost. The strings belong
/// to the diff and stay valid until its next aisf_diff_next() call or
/// until it is freed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aisf_access_change {
    /// The person or account id.
    pub subject: *const c_char,
    /// "person" or "account".
    pub subject_kind: *const c_char,
    /// The entitlement id.
    pub entitlement: *const c_char,
    /// True when gained (reached in the new snapshot only), false when
    /// lost.
    pub gained: bool,
    /// Whether the entitlement is privileged (by the policy or its own
    /// `privileged` property).
    pub privileged: bool,
}

/// Compares an older and a newer snapshot of one organisation, matching
/// nodes by their source ids; `policy` marks privileged entitlements.
/// Writes a new diff to `out`.
///
/// # Safety
///
/// `old`, `new` and `policy` must be NULL or live handles; `out` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_diff_new(
    old: *const aisf_snapshot,
    new: *const aisf_snapshot,
    policy: *const aisf_policy,
    out: *mut *mut aisf_diff,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or live handles.
        let (old, new, policy) = unsafe {
            (args::handle(old, "old")?, args::handle(new, "new")?, args::handle(policy, "policy")?)
        };
        args::check_out(out, "out")?;
        let opts = DiffOptions { policy: Some(policy.get().clone()), ..DiffOptions::default() };
        let changes = diff(&old.snap, &new.snap, &opts);
        let d = aisf_diff { changes, at: (0, 0, 0, 0), strings: Strings::default() };
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::give(out, d, "out") }
    })
}

/// Writes the counts of a diff to `out`.
///
/// # Safety
///
/// `diff` must be NULL or a live diff; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_diff_counts(
    diff: *const aisf_diff,
    out: *mut aisf_diff_summary,
) -> aisf_result {
    guard(|| {
        // SAFETY: the caller promises NULL or a live diff.
        let d = &unsafe { args::handle(diff, "diff") }?.changes;
        let changes = || d.persons.iter().chain(&d.accounts);
        let n = &d.nodes;
        let counts = aisf_diff_summary {
            persons_added: n.persons.added.len(),
            persons_removed: n.persons.removed.len(),
            accounts_added: n.accounts.added.len(),
            accounts_removed: n.accounts.removed.len(),
            groups_added: n.groups.added.len(),
            groups_removed: n.groups.removed.len(),
            roles_added: n.roles.added.len(),
            roles_removed: n.roles.removed.len(),
            entitlements_added: n.entitlements.added.len(),
            entitlements_removed: n.entitlements.removed.len(),
            edges_added: d.edges.added.len(),
            edges_removed: d.edges.removed.len(),
            persons_changed: d.persons.len(),
            accounts_changed: d.accounts.len(),
            gained: changes().map(|c| c.gained.len()).sum(),
            lost: changes().map(|c| c.lost.len()).sum(),
            property_changes: d.properties.len(),
        };
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::write(out, counts, "out") }
    })
}

/// Writes the next entitlement gained or lost to `out`: persons first,
/// then accounts, each subject's gains before its losses, privileged
/// entitlements first. Returns AISF_RESULT_END when all have been read.
///
/// # Safety
///
/// `diff` must be NULL or a live diff used by no other thread; `out` NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_diff_next(
    diff: *mut aisf_diff,
    out: *mut aisf_access_change,
) -> aisf_result {
    guard_next(|| {
        // SAFETY: the caller promises NULL or a live diff used by nobody
        // else.
        let d = unsafe { args::handle_mut(diff, "diff") }?;
        args::check_out(out, "out")?;
        let Some((kind, subject, change, gained)) = advance(&d.changes, &mut d.at) else {
            return Ok(false);
        };
        let s = &mut d.strings;
        s.clear();
        let slots = (s.push(&subject.subject), s.push(kind), s.push(&change.id));
        let item = aisf_access_change {
            subject: s.ptr(slots.0),
            subject_kind: s.ptr(slots.1),
            entitlement: s.ptr(slots.2),
            gained,
            privileged: change.privileged,
        };
        // SAFETY: the caller promises `out` is writable.
        unsafe { args::write(out, item, "out") }?;
        Ok(true)
    })
}

type Item<'a> = (&'static str, &'a AccessChange, &'a aisf::graph::diff::EntitlementChange, bool);

/// The item at `at`, moving `at` past it; `None` at the end.
fn advance<'a>(d: &'a SnapshotDiff, at: &mut (usize, usize, usize, usize)) -> Option<Item<'a>> {
    let lists: [(&'static str, &[AccessChange]); 2] =
        [("person", &d.persons), ("account", &d.accounts)];
    loop {
        let (list, subject, side, entry) = *at;
        let (kind, changes) = lists.get(list)?;
        let Some(change) = changes.get(subject) else {
            *at = (list + 1, 0, 0, 0);
            continue;
        };
        let entries = if side == 0 { &change.gained } else { &change.lost };
        match entries.get(entry) {
            Some(e) => {
                *at = (list, subject, side, entry + 1);
                return Some((kind, change, e, side == 0));
            }
            None if side == 0 => *at = (list, subject, 1, 0),
            None => *at = (list, subject + 1, 0, 0),
        }
    }
}

/// Frees a diff. NULL is ignored.
///
/// # Safety
///
/// `diff` must be NULL or a diff not yet freed and no longer used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_diff_free(diff: *mut aisf_diff) {
    // SAFETY: the caller promises a handle from this library, freed once.
    let _ = std::panic::catch_unwind(|| unsafe { args::free(diff) });
}
