//! Writing a [`Graph`] as a CSV bundle.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use super::typed::Typed;
use super::{BundleFile, Col, RefKind};
use crate::ingest::dates::format_date_or_timestamp;
use crate::{Edge, EdgeKind, Graph, Node, NodeKind, Value, props};

/// What [`write_bundle`] wrote, and what a bundle could not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Nodes written, one row each.
    pub nodes: u64,
    /// Edges written, as a relation row or a reference cell.
    pub edges: u64,
    /// What was left out or will read back otherwise, with how many times:
    /// empty when the bundle reads back to the same graph.
    pub left_out: BTreeMap<String, u64>,
}

impl WriteReport {
    /// Whether the bundle says everything the graph did.
    pub fn is_complete(&self) -> bool {
        self.left_out.is_empty()
    }

    fn note(&mut self, what: impl Into<String>) {
        *self.left_out.entry(what.into()).or_default() += 1;
    }
}

impl fmt::Display for WriteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} nodes, {} edges written", self.nodes, self.edges)?;
        for (what, count) in &self.left_out {
            write!(f, "; {count} x {what}")?;
        }
        Ok(())
    }
}

/// Writes a graph as a bundle in `dir` (created if missing): one file per
/// node kind and relation present, with a header row, such that reading
/// the folder back gives the same graph.
///
/// Everything a bundle cannot say is counted in the report, never dropped
/// silently: nodes of kinds with no file (source-specific kinds), edges of
/// kinds with no file or column (`InSystem`, source-specific kinds), a
/// second correlation of an account or manager of a person and the
/// properties of correlation and manager edges (a reference cell has no
/// room for them), an entitlement's second resource, properties named like
/// a column of their file, properties whose values differ in type from
/// node to node (written as text), and an entitlement whose `resource`
/// property names no resource it has an edge to (reading it back makes
/// one).
///
/// # Errors
///
/// Any error creating the folder or writing a file.
pub fn write_bundle(graph: &Graph, dir: &Path) -> io::Result<WriteReport> {
    fs::create_dir_all(dir)?;
    let mut report = WriteReport::default();
    let plan = Plan::new(graph, &mut report);
    for file in BundleFile::ALL {
        let path = dir.join(file.file_name());
        if let (Some(columns), Some(kind)) = (file.node_columns(), file.node_kind()) {
            let nodes: Vec<&Node> = graph.nodes().iter().filter(|n| n.kind == kind).collect();
            if !nodes.is_empty() {
                write_nodes(&path, columns, &nodes, &plan.refs, &mut report)?;
            }
        }
        if let Some((src, dst, _)) = file.relation() {
            let edges = plan.relations.get(&file).map_or(&[][..], Vec::as_slice);
            if !edges.is_empty() {
                write_relations(&path, [src, dst], edges, &mut report)?;
            }
        }
    }
    for node in graph.nodes().iter().filter(|n| !n.kind.is_builtin()) {
        report.note(format!("node of kind '{}' (no bundle file)", node.kind));
    }
    Ok(report)
}

/// Where each edge goes: a reference cell of its source row, or a row of a
/// relation file.
struct Plan<'g> {
    /// The node each reference column points at, by (node id, column).
    refs: HashMap<(&'g str, RefKind), &'g str>,
    /// The edges of each relation file.
    relations: HashMap<BundleFile, Vec<&'g Edge>>,
}

impl<'g> Plan<'g> {
    fn new(graph: &'g Graph, report: &mut WriteReport) -> Plan<'g> {
        let mut plan = Plan { refs: HashMap::new(), relations: HashMap::new() };
        let kind_of = |id: &str| graph.node(id).map(|n| n.kind.clone());
        for edge in graph.edges() {
            let (src, dst) = (edge.src.as_str(), edge.dst.as_str());
            let relation = match &edge.kind {
                EdgeKind::MemberOf => BundleFile::Memberships,
                EdgeKind::Grant => BundleFile::Grants,
                EdgeKind::HasRole => BundleFile::RoleAssignments,
                // An account's first owner fits its own row, unless the edge
                // says more than a cell can.
                EdgeKind::Owns => {
                    let cell = kind_of(dst) == Some(NodeKind::Account) && edge.props.is_empty();
                    if !(cell && plan.cell((dst, RefKind::Owner), src)) {
                        plan.relations.entry(BundleFile::Ownership).or_default().push(edge);
                    }
                    continue;
                }
                EdgeKind::Correlation | EdgeKind::Manager | EdgeKind::OnResource => {
                    plan.reference(edge, kind_of(src), report);
                    continue;
                }
                other => {
                    report.note(format!("edge of kind '{other}' (no bundle file)"));
                    continue;
                }
            };
            plan.relations.entry(relation).or_default().push(edge);
        }
        plan.check_resources(graph, report);
        plan
    }

    /// Takes the reference cell `at` for `target`, if it is free.
    fn cell(&mut self, at: (&'g str, RefKind), target: &'g str) -> bool {
        match self.refs.entry(at) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(target);
                true
            }
            std::collections::hash_map::Entry::Occupied(_) => false,
        }
    }

    /// Puts a correlation, manager or resource edge in the reference cell
    /// of its source's row, or counts why it cannot be.
    fn reference(&mut self, edge: &'g Edge, src: Option<NodeKind>, report: &mut WriteReport) {
        let (holder, column) = match edge.kind {
            EdgeKind::Correlation => (NodeKind::Account, RefKind::Correlation),
            EdgeKind::Manager => (NodeKind::Person, RefKind::Manager),
            _ => (NodeKind::Entitlement, RefKind::Resource),
        };
        let kind = &edge.kind;
        if !edge.props.is_empty() {
            report.note(format!("properties of a '{kind}' edge (a reference cell has none)"));
        }
        // Only a node of the file's kind has a row, and a row one cell.
        if src != Some(holder.clone()) {
            report.note(format!("'{kind}' edge from a node that is not a {holder}"));
        } else if !self.cell((edge.src.as_str(), column), edge.dst.as_str()) {
            report.note(format!("second '{kind}' edge of one {holder} (one cell per row)"));
        }
    }

    /// Entitlements whose `resource` names no resource edge of theirs make
    /// a node when read back.
    fn check_resources(&self, graph: &Graph, report: &mut WriteReport) {
        for node in graph.nodes().iter().filter(|n| n.kind == NodeKind::Entitlement) {
            let named = node.prop(props::RESOURCE).is_some();
            if named && !self.refs.contains_key(&(node.id.as_str(), RefKind::Resource)) {
                report.note(
                    "entitlement naming a resource without an edge to it (read back adds one)",
                );
            }
        }
    }
}

fn write_nodes(
    path: &Path,
    columns: &[(&'static str, Col)],
    nodes: &[&Node],
    refs: &HashMap<(&str, RefKind), &str>,
    report: &mut WriteReport,
) -> io::Result<()> {
    let covered: BTreeSet<&str> = columns.iter().filter_map(|(_, col)| prop_of(*col)).collect();
    let named = |key: &str| columns.iter().any(|(name, _)| name.eq_ignore_ascii_case(key));
    let mut extras: BTreeMap<&str, Option<Typed>> = BTreeMap::new();
    for node in nodes {
        for (key, value) in &node.props {
            if covered.contains(key.as_str()) {
                if !fits(columns, key, value) {
                    report.note(format!("'{key}' property of another type than its column"));
                }
                continue;
            }
            if named(key) {
                report.note(format!("'{key}' property named like a column of its file"));
                continue;
            }
            merge_type(&mut extras, key, value, report);
        }
    }

    let mut out = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let header = columns.iter().map(|(name, _)| name.to_string());
    let header = header.chain(extras.iter().map(|(k, t)| t.unwrap_or(Typed::Str).header(k)));
    out.write_record(header).map_err(io::Error::other)?;
    for node in nodes {
        let mut row: Vec<String> =
            columns.iter().map(|(name, col)| cell(node, name, *col, refs)).collect();
        row.extend(extras.keys().map(|k| node.prop(k).map(Typed::write).unwrap_or_default()));
        out.write_record(&row).map_err(io::Error::other)?;
        report.nodes += 1;
        let references = columns.iter().filter_map(|(_, col)| match col {
            Col::Ref(kind) => refs.get(&(node.id.as_str(), *kind)),
            _ => None,
        });
        report.edges += references.count() as u64;
    }
    out.flush()
}

fn write_relations(
    path: &Path,
    ends: [&str; 2],
    edges: &[&Edge],
    report: &mut WriteReport,
) -> io::Result<()> {
    let mut extras: BTreeMap<&str, Option<Typed>> = BTreeMap::new();
    for edge in edges {
        for (key, value) in &edge.props {
            if ends.iter().any(|end| end.eq_ignore_ascii_case(key)) {
                report.note(format!("'{key}' edge property named like a column of its file"));
            } else {
                merge_type(&mut extras, key, value, report);
            }
        }
    }
    let mut out = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let header = ends.iter().map(|end| end.to_string());
    let header = header.chain(extras.iter().map(|(k, t)| t.unwrap_or(Typed::Str).header(k)));
    out.write_record(header).map_err(io::Error::other)?;
    for edge in edges {
        let mut row = vec![edge.src.clone(), edge.dst.clone()];
        row.extend(extras.keys().map(|k| edge.props.get(*k).map(Typed::write).unwrap_or_default()));
        out.write_record(&row).map_err(io::Error::other)?;
        report.edges += 1;
    }
    out.flush()
}

/// Notes the type of one more value of a free column: the column is typed
/// while all its values share a type, and text once they do not.
fn merge_type<'k>(
    extras: &mut BTreeMap<&'k str, Option<Typed>>,
    key: &'k str,
    value: &Value,
    report: &mut WriteReport,
) {
    let typed = Typed::of_value(value);
    // A text column whose name looks typed would read back typed.
    if typed == Typed::Str && Typed::of_header(key).1 != Typed::Str {
        report.note(format!("'{key}' property whose name ends like a type (read back typed)"));
    }
    match extras.get(key) {
        None => {
            extras.insert(key, Some(typed));
        }
        Some(Some(seen)) if *seen != typed => {
            report.note(format!("'{key}' property with values of several types (written as text)"));
            extras.insert(key, None);
        }
        Some(_) => {}
    }
}

/// Whether a property under a typed column has the column's type.
fn fits(columns: &[(&'static str, Col)], key: &str, value: &Value) -> bool {
    let col = columns.iter().map(|(_, c)| *c).find(|c| prop_of(*c) == Some(key));
    matches!(
        (col, value),
        (Some(Col::Bool(_)), Value::Bool(_))
            | (Some(Col::Time(_)), Value::Time(_))
            | (Some(Col::Str(_) | Col::AccountType | Col::Resource), Value::Str(_))
    )
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
            other => other.map(Typed::write).unwrap_or_default(),
        },
        _ => prop_of(col).and_then(|key| node.prop(key)).map(Typed::write).unwrap_or_default(),
    }
}
