//! `aisf diff`: what changed between two snapshots of one organisation,
//! and the joiners, movers and leavers behind it.

use std::path::Path;

use aisf::core::policy::Policy;
use aisf::graph::diff::{
    AccessChange, DiffOptions, EntitlementChange, IdChanges, LifecycleEvent, SnapshotDiff, diff,
    hr_records, lifecycle,
};
use serde_json::json;

use crate::display;
use crate::query::open;
use crate::scan::load_policy;
use crate::{Exit, Failure, Outcome};

/// How many entitlements a table cell names before it counts the rest.
const NAMED: usize = 3;

/// Runs `aisf diff`.
pub fn run(old: &Path, new: &Path, policy: Option<&Path>, json: bool, top: usize) -> Outcome {
    let (before, after) = (open(old)?, open(new)?);
    // The built-in privileged rules mark privilege when no policy is given.
    let policy = match policy {
        Some(_) => load_policy(policy, &after)?,
        None => Policy::default(),
    };
    let opts = DiffOptions { policy: Some(policy), ..DiffOptions::default() };
    let changes = diff(&before, &after, &opts);
    let events =
        lifecycle(&hr_records(&before), &hr_records(&after), &before, &after, &opts, &changes);

    if json {
        let failed = |e: serde_json::Error| {
            Failure::new(Exit::Output, format!("cannot render the diff as JSON: {e}"))
        };
        let value = json!({
            "old": old.display().to_string(),
            "new": new.display().to_string(),
            "diff": serde_json::to_value(&changes).map_err(failed)?,
            "lifecycle": serde_json::to_value(&events).map_err(failed)?,
        });
        display::json(&value);
        return Ok(());
    }
    summary(old, new, &changes);
    if changes.is_empty() {
        return Ok(());
    }
    access("Access gained and lost per person, privileged first", &changes.persons, top);
    access("Access gained and lost per account, privileged first", &changes.accounts, top);
    joiners_movers_leavers(&events, top);
    Ok(())
}

fn counted(what: &str, c: &IdChanges) -> String {
    format!("{what} +{} -{}", c.added.len(), c.removed.len())
}

fn summary(old: &Path, new: &Path, d: &SnapshotDiff) {
    display::heading(&format!("Changes from {} to {}", old.display(), new.display()));
    if d.is_empty() {
        display::line(
            "no change: both snapshots hold the same nodes, access, edges and properties",
        );
        return;
    }
    let n = &d.nodes;
    display::line(format!(
        "nodes: {}, {}, {}, {}, {}",
        counted("persons", &n.persons),
        counted("accounts", &n.accounts),
        counted("groups", &n.groups),
        counted("roles", &n.roles),
        counted("entitlements", &n.entitlements)
    ));
    display::line(format!(
        "edges (memberships, roles, grants, correlations): +{} -{}; property changes: {}",
        d.edges.added.len(),
        d.edges.removed.len(),
        d.properties.len()
    ));
    let privileged = d.persons.iter().filter(|c| c.privileged_count() > 0).count();
    display::line(format!(
        "access changed for {} persons ({privileged} with privileged changes) and {} accounts",
        d.persons.len(),
        d.accounts.len()
    ));
}

/// "aws:policy:AdministratorAccess (tier 0), ad:ent:x ... and 4 more".
fn names(list: &[EntitlementChange]) -> String {
    if list.is_empty() {
        return "-".into();
    }
    let mut shown: Vec<String> = list
        .iter()
        .take(NAMED)
        .map(|e| match (e.privileged, e.tier) {
            (true, Some(t)) => format!("{} (tier {t})", e.id),
            (true, None) => format!("{} (privileged)", e.id),
            _ => e.id.clone(),
        })
        .collect();
    if list.len() > NAMED {
        shown.push(format!("and {} more", list.len() - NAMED));
    }
    shown.join(", ")
}

fn access(title: &str, changes: &[AccessChange], top: usize) {
    if changes.is_empty() {
        return;
    }
    display::heading(title);
    let mut rows = vec![vec![
        "subject".to_string(),
        "name".into(),
        "+".into(),
        "-".into(),
        "priv".into(),
        "gained".into(),
        "lost".into(),
    ]];
    for c in changes.iter().take(top) {
        rows.push(vec![
            c.subject.clone(),
            c.name.clone().unwrap_or_else(|| "-".into()),
            (c.gained.len() + c.privileged_gained.len()).to_string(),
            (c.lost.len() + c.privileged_lost.len()).to_string(),
            c.privileged_count().to_string(),
            names(&[&c.privileged_gained[..], &c.gained[..]].concat()),
            names(&[&c.privileged_lost[..], &c.lost[..]].concat()),
        ]);
    }
    display::table(&rows, 72);
    if changes.len() > top {
        display::line(format!(
            "... {} more (--top to see more, --json for all)",
            changes.len() - top
        ));
    }
}

fn joiners_movers_leavers(events: &[LifecycleEvent], top: usize) {
    if events.is_empty() {
        return;
    }
    display::heading("Joiners, movers and leavers, those needing attention first");
    let mut rows =
        vec![vec!["".to_string(), "event".into(), "person".into(), "what happened".into()]];
    for e in events.iter().take(top) {
        rows.push(vec![
            if e.attention { "!" } else { "" }.to_string(),
            e.kind.as_str().to_string(),
            e.name.clone().map_or_else(|| e.person.clone(), |n| format!("{n} ({})", e.person)),
            e.note.clone(),
        ]);
    }
    display::table(&rows, 120);
    let attention = events.iter().filter(|e| e.attention).count();
    if events.len() > top {
        display::line(format!(
            "... {} more (--top to see more, --json for all)",
            events.len() - top
        ));
    }
    display::line(format!("\n{} events, {attention} needing attention (marked !)", events.len()));
}
