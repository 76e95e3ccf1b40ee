//! Writing a [`Graph`] as a CSV bundle.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::Path;

use super::{BundleFile, Col, RefKind};
use crate::ingest::dates::{format_date_or_timestamp, format_timestamp};
use crate::{Edge, EdgeKind, Graph, Node, NodeKind, Value, props};

/// Writes a graph as a bundle in `dir` (created if missing): one file per
/// node kind and relation present, with a header row.
///
/// What a bundle cannot say is left out: nodes of other kinds (systems,
/// source-specific kinds) and resources (which follow from their
/// entitlements' `resource` column), edges other than memberships, grants,
/// role assignments, correlations, managers and account owners, more than
/// one correlation, manager or owner per node (the first is kept), and
/// properties whose name is a column's name. Properties with no column are
/// written as text and read back as strings.
///
/// # Errors
///
/// Any error creating the folder or writing a file.
pub fn write_bundle(graph: &Graph, dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let refs = references(graph);
    for file in BundleFile::ALL {
        let path = dir.join(file.file_name());
        if let (Some(columns), Some(kind)) = (file.node_columns(), file.node_kind()) {
            let nodes: Vec<&Node> = graph.nodes().iter().filter(|n| n.kind == kind).collect();
            if !nodes.is_empty() {
                write_nodes(&path, columns, &nodes, &refs)?;
            }
        }
        if let Some((src, dst, kind)) = file.relation() {
            let edges: Vec<&Edge> = graph.edges().iter().filter(|e| e.kind == kind).collect();
            if !edges.is_empty() {
                write_relations(&path, [src, dst], &edges)?;
            }
        }
    }
    Ok(())
}

/// The node each reference column points at, by (node id, column).
fn references(graph: &Graph) -> HashMap<(&str, RefKind), &str> {
    let mut refs = HashMap::new();
    for edge in graph.edges() {
        let (at, kind, target) = match edge.kind {
            EdgeKind::Correlation => (edge.src.as_str(), RefKind::Correlation, edge.dst.as_str()),
            EdgeKind::Manager => (edge.src.as_str(), RefKind::Manager, edge.dst.as_str()),
            EdgeKind::Owns
                if graph.node(&edge.dst).map(|n| &n.kind) == Some(&NodeKind::Account) =>
            {
                (edge.dst.as_str(), RefKind::Owner, edge.src.as_str())
            }
            _ => continue,
        };
        refs.entry((at, kind)).or_insert(target);
    }
    refs
}

fn write_nodes(
    path: &Path,
    columns: &[(&'static str, Col)],
    nodes: &[&Node],
    refs: &HashMap<(&str, RefKind), &str>,
) -> io::Result<()> {
    let covered: BTreeSet<&str> = columns.iter().filter_map(|(_, col)| prop_of(*col)).collect();
    let taken = |key: &str| {
        covered.contains(key) || columns.iter().any(|(name, _)| name.eq_ignore_ascii_case(key))
    };
    let extras: BTreeSet<&str> = nodes
        .iter()
        .flat_map(|n| n.props.keys())
        .map(String::as_str)
        .filter(|k| !taken(k))
        .collect();

    let mut out = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let header = columns.iter().map(|(name, _)| *name).chain(extras.iter().copied());
    out.write_record(header).map_err(io::Error::other)?;
    for node in nodes {
        let mut row: Vec<String> =
            columns.iter().map(|(name, col)| cell(node, name, *col, refs)).collect();
        row.extend(extras.iter().map(|k| node.prop(k).map(render).unwrap_or_default()));
        out.write_record(&row).map_err(io::Error::other)?;
    }
    out.flush()
}

fn write_relations(path: &Path, ends: [&str; 2], edges: &[&Edge]) -> io::Result<()> {
    let extras: BTreeSet<&str> = edges
        .iter()
        .flat_map(|e| e.props.keys())
        .map(String::as_str)
        .filter(|k| !ends.iter().any(|end| end.eq_ignore_ascii_case(k)))
        .collect();
    let mut out = csv::Writer::from_path(path).map_err(io::Error::other)?;
    out.write_record(ends.iter().copied().chain(extras.iter().copied()))
        .map_err(io::Error::other)?;
    for edge in edges {
        let mut row = vec![edge.src.clone(), edge.dst.clone()];
        row.extend(extras.iter().map(|k| edge.props.get(*k).map(render).unwrap_or_default()));
        out.write_record(&row).map_err(io::Error::other)?;
    }
    out.flush()
}

/// The property a column holds, if it holds one.
fn prop_of(col: Col) -> Option<&'static str> {
    match col {
        Col::Str(key) | Col::Bool(key) | Col::Time(key) => Some(key),
        Col::AccountType => Some(props::ACCOUNT_TYPE),
        Col::Resource => Some(props::RESOURCE),
        Col::Id | Col::Name | Col::System | Col::Ref(_) => None,
    }
}

fn cell(node: &Node, column: &str, col: Col, refs: &HashMap<(&str, RefKind), &str>) -> String {
    match col {
        Col::Id => node.id.clone(),
        Col::Name => node.name.clone().unwrap_or_default(),
        Col::System => node.system.clone().unwrap_or_default(),
        Col::Ref(kind) => {
            refs.get(&(node.id.as_str(), kind)).map(|s| s.to_string()).unwrap_or_default()
        }
        Col::Time(key) if matches!(column, "start_date" | "end_date") => match node.prop(key) {
            Some(Value::Time(t)) => format_date_or_timestamp(*t),
            other => other.map(render).unwrap_or_default(),
        },
        _ => prop_of(col).and_then(|key| node.prop(key)).map(render).unwrap_or_default(),
    }
}

/// A value as the text of a cell.
fn render(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Time(t) => format_timestamp(*t),
        Value::Str(s) => s.clone(),
        Value::StrList(list) => list.join("; "),
    }
}
