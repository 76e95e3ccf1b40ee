//! The commands that ask a snapshot something: `info`, `access`, `who`,
//! `explain` and `what-if`.

use std::collections::BTreeMap;
use std::path::Path;

use aisf::graph::{NodeId, Snapshot};
use aisf::{EdgeKind, NodeKind};
use serde_json::json;

use crate::display;
use crate::{Exit, Failure, Outcome};

/// How many rows a terminal listing shows before it summarises the rest.
const SHOWN: usize = 40;

/// Opens a snapshot, turning every failure into a message that names the
/// file and says what to do.
pub fn open(path: &Path) -> Result<Snapshot, Failure> {
    if !path.exists() {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "{}: no such file (make one with `aisf ingest` or `aisf demo`)",
                path.display()
            ),
        ));
    }
    Snapshot::open(path).map_err(|e| {
        Failure::new(Exit::Snapshot, format!("{}: cannot open the snapshot: {e}", path.display()))
    })
}

/// Finds a node by id, name or email, or says why not.
pub fn resolve(snap: &Snapshot, key: &str) -> Result<NodeId, Failure> {
    if let Some(v) = snap.resolve(key) {
        return Ok(v);
    }
    let many = snap.find_by_name(key);
    let message = if many.len() > 1 {
        let ids: Vec<&str> = many.iter().take(5).map(|&v| snap.node(v).id()).collect();
        format!("'{key}' names {} nodes; use an id, such as {}", many.len(), ids.join(", "))
    } else {
        format!("'{key}' matches no node id, name or email address in this snapshot")
    };
    Err(Failure::new(Exit::NotFound, message))
}

fn describe(snap: &Snapshot, v: NodeId) -> serde_json::Value {
    let node = snap.node(v);
    json!({
        "id": node.id(),
        "name": node.name(),
        "kind": node.kind().as_str(),
        "system": node.system(),
    })
}

fn row(snap: &Snapshot, v: NodeId) -> Vec<String> {
    let node = snap.node(v);
    vec![
        node.kind().as_str().to_string(),
        node.system().unwrap_or("-").to_string(),
        node.label().to_string(),
        node.id().to_string(),
    ]
}

fn listing(snap: &Snapshot, ids: impl Iterator<Item = u32>, total: u64) {
    let mut rows = vec![vec!["kind".into(), "system".into(), "name".into(), "id".into()]];
    rows.extend(ids.take(SHOWN).map(|v| row(snap, NodeId(v))));
    display::table(&rows, 60);
    if total > SHOWN as u64 {
        display::line(format!("... and {} more (use --json for all)", total - SHOWN as u64));
    }
}

/// `aisf info`.
pub fn info(path: &Path, verify: bool) -> Outcome {
    let snap = open(path)?;
    if verify {
        snap.verify().map_err(|e| {
            Failure::new(Exit::Snapshot, format!("{}: verification failed: {e}", path.display()))
        })?;
    }
    let (major, minor) = snap.version();
    display::line(format!(
        "{}: format {major}.{minor}, {} bytes, {} nodes, {} edges{}",
        path.display(),
        snap.file_len(),
        snap.node_count(),
        snap.edge_count(),
        if verify { ", verified" } else { "" }
    ));
    let mut by_kind: BTreeMap<(String, String), u64> = BTreeMap::new();
    for v in snap.node_ids() {
        let node = snap.node(v);
        let system = node.system().unwrap_or("-").to_string();
        *by_kind.entry((system, node.kind().as_str().to_string())).or_default() += 1;
    }
    let mut rows = vec![vec!["system".into(), "kind".into(), "nodes".into()]];
    rows.extend(by_kind.into_iter().map(|((s, k), n)| vec![s, k, n.to_string()]));
    display::table(&rows, 60);
    Ok(())
}

/// `aisf access`.
pub fn access(path: &Path, subject: &str, as_json: bool) -> Outcome {
    let snap = open(path)?;
    let v = resolve(&snap, subject)?;
    let access = snap.access(v);
    let ents = access.entitlements();
    let res = access.resources();
    if as_json {
        display::json(&json!({
            "subject": describe(&snap, v),
            "entitlements": ents.iter().map(|e| describe(&snap, NodeId(e))).collect::<Vec<_>>(),
            "resources": res.iter().map(|r| describe(&snap, NodeId(r))).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    let node = snap.node(v);
    display::line(format!(
        "{} ({}) reaches {} entitlements and {} resources",
        node.label(),
        node.id(),
        ents.len(),
        res.len()
    ));
    listing(&snap, ents.iter().chain(res.iter()), ents.len() + res.len());
    Ok(())
}

/// `aisf who`.
pub fn who(path: &Path, target: &str, as_json: bool) -> Outcome {
    let snap = open(path)?;
    let v = resolve(&snap, target)?;
    let who = snap.who_can_access(v);
    if as_json {
        display::json(&json!({
            "target": describe(&snap, v),
            "persons": who.persons.iter().map(|p| describe(&snap, NodeId(p))).collect::<Vec<_>>(),
            "accounts": who.accounts.iter().map(|a| describe(&snap, NodeId(a))).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    display::line(format!(
        "{} persons and {} accounts can reach {}",
        who.persons.len(),
        who.accounts.len(),
        snap.node(v).label()
    ));
    listing(&snap, who.persons.iter(), who.persons.len());
    Ok(())
}

/// The path of an explanation as `label -kind-> label ...`.
pub fn path_text(snap: &Snapshot, steps: &[aisf::graph::Step]) -> String {
    let mut out = String::new();
    for step in steps {
        if let Some(kind) = &step.edge {
            out.push_str(&format!(" -{kind}-> "));
        }
        out.push_str(snap.node(step.node).label());
    }
    out
}

/// `aisf explain`.
pub fn explain(path: &Path, subject: &str, target: &str, as_json: bool) -> Outcome {
    let snap = open(path)?;
    let s = resolve(&snap, subject)?;
    let t = resolve(&snap, target)?;
    let Some(why) = snap.explain(s, t) else {
        return Err(Failure::new(
            Exit::NotFound,
            format!("{} does not reach {}", snap.node(s).label(), snap.node(t).label()),
        ));
    };
    if as_json {
        let steps: Vec<_> = why
            .path
            .iter()
            .map(|st| {
                let edge = st.edge.as_ref().map(EdgeKind::as_str);
                json!({ "node": describe(&snap, st.node), "edge": edge })
            })
            .collect();
        let via: Vec<_> = why
            .via
            .iter()
            .map(|(h, k, g)| {
                let (holder, held) = (snap.node(*h).id(), snap.node(*g).id());
                json!({ "holder": holder, "edge": k.as_str(), "held": held })
            })
            .collect();
        display::json(&json!({ "path": steps, "via": via }));
        return Ok(());
    }
    display::line(format!("shortest path: {}", path_text(&snap, &why.path)));
    display::line(format!("the access arrives through {} direct assignment(s):", why.via.len()));
    for (holder, kind, held) in &why.via {
        display::line(format!(
            "  {} -{kind}-> {}",
            snap.node(*holder).label(),
            snap.node(*held).label()
        ));
    }
    Ok(())
}

/// `aisf what-if`.
pub fn what_if(path: &Path, holder: &str, held: &str, subject: Option<&str>) -> Outcome {
    let snap = open(path)?;
    let h = resolve(&snap, holder)?;
    let g = resolve(&snap, held)?;
    let kind = [EdgeKind::MemberOf, EdgeKind::HasRole, EdgeKind::Grant]
        .into_iter()
        .find(|k| snap.find_edge(h, k, g).is_some())
        .ok_or_else(|| {
            Failure::new(
                Exit::NotFound,
                format!(
                    "{} holds {} through no membership, role assignment or grant",
                    snap.node(h).id(),
                    snap.node(g).id()
                ),
            )
        })?;
    let s = match subject {
        Some(key) => resolve(&snap, key)?,
        None => h,
    };
    let result = snap.what_if_remove(s, h, &kind, g);
    let lost: Vec<u32> =
        result.lost.iter().filter(|&v| !snap.is_kind(NodeId(v), &NodeKind::Resource)).collect();
    display::line(format!(
        "removing {} -{kind}-> {} would take {} entitlement(s) from {}",
        snap.node(h).label(),
        snap.node(g).label(),
        lost.len(),
        snap.node(s).label()
    ));
    listing(&snap, lost.iter().copied(), lost.len() as u64);
    Ok(())
}
