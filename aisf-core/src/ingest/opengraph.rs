//! Reader and writer: BloodHound OpenGraph JSON.
//!
//! ```text
//! {"graph": {"nodes": [{"id": "123", "kinds": ["Person"], "properties": {"name": "BOB"}}],
//!            "edges": [{"kind": "Knows",
//!                       "start": {"value": "123", "match_by": "id"},
//!                       "end": {"value": "ALICE", "match_by": "name"},
//!                       "properties": {"traversable": false}}]},
//!  "metadata": {"source_kind": "GitHub"}}
//! ```
//!
//! A node's first kind gives its [`NodeKind`] (a built-in kind when it names
//! one, in any case, else [`NodeKind::Other`]); all its kinds are kept as the
//! string list property `kinds`. The `name` property becomes the node's
//! name and a `system` property its system; without one the reader's
//! [`ReadOptions::system`], then `metadata.source_kind`, is the system.
//!
//! Edge ends are plain ids or references matched by `id` (the default),
//! `name` or `property` against the nodes of the same file. A reference
//! that matches no node, or more than one, is kept as an edge to
//! `name:<value>` (or `property:<key>=<value>,...`) so that the report
//! lists it as unresolved; an id that is in no file read is kept as it is
//! and listed the same way. Edge kinds that name a built-in kind
//! (`MemberOf`, `HasRole`, `Grant`...) become it; the others are open kinds,
//! through which access flows only if the edge says `"aisf_access": true`.
//!
//! The whole document is parsed at once (OpenGraph files are small next to
//! SharpHound collections; a record-by-record reader is still to be done).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Map, Value as Json, json};

use super::dates::{format_timestamp, parse_timestamp};
use super::json_support::{
    Converted, Dropped, check_depth, convert, describe, is_secret, parse_error, strip_bom,
};
use super::{Format, IngestError, PLACEHOLDER_KIND, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Graph, Node, NodeKind, Props, Value, props};

/// The edge property that carries [`EdgeKind::Other`]'s access flag.
pub const ACCESS_PROPERTY: &str = "aisf_access";

/// Properties read as timestamps (RFC 3339 text or Unix seconds).
const TIME_PROPS: [&str; 4] =
    [props::LAST_LOGIN, props::CREATED, props::START_DATE, props::END_DATE];

#[derive(Deserialize)]
struct Document {
    graph: Option<Json>,
    metadata: Option<Metadata>,
}

#[derive(Default, Deserialize)]
struct Metadata {
    source_kind: Option<String>,
    /// More property names to read as timestamps (see [`TIME_METADATA`]).
    #[serde(default)]
    aisf_time_properties: Vec<String>,
}

/// The metadata key under which [`write()`] lists the properties, beyond the
/// timestamps AISF gives meaning to, whose values are timestamps, so that
/// [`read`] reads them back as time and not as text.
pub const TIME_METADATA: &str = "aisf_time_properties";

/// Reads one OpenGraph file.
///
/// # Errors
///
/// [`IngestError::Malformed`] for JSON that does not parse (naming the line
/// and byte offset) or a document without a `graph` object;
/// [`IngestError::Limit`] for input larger than `max_input` or nested
/// deeper than `max_depth`; in strict mode, the first unusable node or edge.
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::OpenGraph);
    let bytes = strip_bom(bytes);
    if bytes.len() as u64 > opts.limits.max_input {
        return Err(IngestError::Limit {
            place: Place::file(file),
            message: format!("input exceeds the limit of {} bytes", opts.limits.max_input),
        });
    }
    check_depth(bytes, file, opts.limits.max_depth)?;
    let doc: Document =
        serde_json::from_slice(bytes).map_err(|err| parse_error(file, bytes, &err))?;

    let Some(Json::Object(mut graph)) = doc.graph else {
        return Err(IngestError::Malformed {
            place: Place::pointer(file, "/graph"),
            message: "expected an object with 'nodes' and 'edges'".into(),
        });
    };
    let metadata = doc.metadata.unwrap_or_default();
    let system = opts.system.clone().or(metadata.source_kind);
    let time_props = metadata.aisf_time_properties;
    let dropped = Dropped::default();
    let mut reader = Reader { file, sink, system, time_props, dropped, ambiguous: 0 };
    let nodes = reader.list(&mut graph, "nodes")?;
    let edges = reader.list(&mut graph, "edges")?;

    let mut made = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.into_iter().enumerate() {
        reader.sink.record();
        match reader.node(i, node) {
            Ok(node) => made.push(node),
            Err((place, reason)) => reader.sink.skip(place, reason)?,
        }
    }
    let index = Index::new(&made);
    for node in made.iter().cloned() {
        reader.sink.node(node);
    }
    for (i, edge) in edges.into_iter().enumerate() {
        reader.sink.record();
        match reader.edge(i, edge, &index) {
            Ok(edge) => reader.sink.edge(edge),
            Err((place, reason)) => reader.sink.skip(place, reason)?,
        }
    }

    if reader.ambiguous > 0 {
        let n = reader.ambiguous;
        reader
            .sink
            .warn(format!("{file}: {n} edge end(s) match more than one node; left unresolved"));
    }
    reader.dropped.report(reader.sink, file);
    Ok(())
}

/// The place and reason of an unusable node or edge.
type Bad = (Place, String);

struct Reader<'a> {
    file: &'a str,
    sink: &'a mut Sink,
    system: Option<String>,
    /// Property names the document says hold timestamps.
    time_props: Vec<String>,
    dropped: Dropped,
    ambiguous: u64,
}

impl Reader<'_> {
    fn list(&mut self, graph: &mut Map<String, Json>, key: &str) -> Result<Vec<Json>, IngestError> {
        match graph.remove(key) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::Array(items)) => Ok(items),
            Some(other) => Err(IngestError::Malformed {
                place: Place::pointer(self.file, format!("/graph/{key}")),
                message: format!("expected a list, found {}", describe(&other)),
            }),
        }
    }

    fn place(&self, pointer: String) -> Place {
        Place::pointer(self.file, pointer)
    }

    fn node(&mut self, i: usize, node: Json) -> Result<Node, Bad> {
        let at = format!("/graph/nodes/{i}");
        let Json::Object(mut node) = node else {
            return Err((self.place(at), format!("expected an object, found {}", describe(&node))));
        };
        let id = match node.remove("id") {
            Some(Json::String(id)) if !id.is_empty() => id,
            other => {
                let found = other.as_ref().map_or("nothing".into(), describe);
                return Err((
                    self.place(format!("{at}/id")),
                    format!("expected a string id, found {found}"),
                ));
            }
        };
        let kinds: Vec<String> = match node.remove("kinds") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(kinds)) if kinds.iter().all(Json::is_string) => {
                kinds.into_iter().filter_map(|k| k.as_str().map(str::to_string)).collect()
            }
            Some(other) => {
                let reason = format!("expected a list of strings, found {}", describe(&other));
                return Err((self.place(format!("{at}/kinds")), reason));
            }
        };

        let kind =
            kinds.first().map_or(NodeKind::Other(PLACEHOLDER_KIND.into()), |k| NodeKind::parse(k));
        let mut out = Node::new(id, kind);
        out.props = self.props(node.remove("properties"), &format!("{at}/properties"))?;
        if let Some(Value::Str(name)) = out.props.remove("name") {
            out.name = Some(name);
        }
        out.system = match out.props.remove("system") {
            Some(Value::Str(system)) => Some(system),
            _ => self.system.clone(),
        };
        out.props.insert("kinds".into(), Value::StrList(kinds));
        Ok(out)
    }

    /// A property map: secrets dropped and counted, nested values counted,
    /// timestamps by name read as time.
    fn props(&mut self, props: Option<Json>, at: &str) -> Result<Props, Bad> {
        let props = match props {
            None | Some(Json::Null) => return Ok(Props::new()),
            Some(Json::Object(props)) => props,
            Some(other) => {
                let reason = format!("expected an object, found {}", describe(&other));
                return Err((self.place(at.to_string()), reason));
            }
        };
        let mut out = Props::new();
        for (key, value) in props {
            if is_secret(&key) {
                if !value.is_null() {
                    self.dropped.secret(&key);
                }
                continue;
            }
            let value = match convert(&value) {
                Converted::Keep(v) => v,
                Converted::Absent => continue,
                Converted::Nested => {
                    self.dropped.nested(&key);
                    continue;
                }
            };
            // The writer's own list names text timestamps only: an integer
            // under one of its names stays an integer.
            let known = TIME_PROPS.contains(&key.as_str());
            let is_time = known || self.time_props.contains(&key);
            let value = match value {
                Value::Str(s) if is_time => parse_timestamp(&s).map_or(Value::Str(s), Value::Time),
                Value::Int(t) if known => Value::Time(t),
                v => v,
            };
            out.insert(key, value);
        }
        Ok(out)
    }

    fn edge(&mut self, i: usize, edge: Json, index: &Index) -> Result<Edge, Bad> {
        let at = format!("/graph/edges/{i}");
        let Json::Object(mut edge) = edge else {
            return Err((self.place(at), format!("expected an object, found {}", describe(&edge))));
        };
        let kind = match edge.remove("kind") {
            Some(Json::String(kind)) if !kind.is_empty() => kind,
            other => {
                let found = other.as_ref().map_or("nothing".into(), describe);
                return Err((
                    self.place(format!("{at}/kind")),
                    format!("expected a string kind, found {found}"),
                ));
            }
        };
        let src = self.end(edge.get("start"), &format!("{at}/start"), index)?;
        let dst = self.end(edge.get("end"), &format!("{at}/end"), index)?;

        let mut props = self.props(edge.remove("properties"), &format!("{at}/properties"))?;
        let access = matches!(props.remove(ACCESS_PROPERTY), Some(Value::Bool(true)));
        let kind = match builtin_edge_kind(&kind) {
            Some(kind) => kind,
            None => EdgeKind::other(kind, access),
        };
        Ok(Edge { kind, src, dst, props })
    }

    /// The node id an edge end names, or the unresolved reference to keep.
    fn end(&mut self, end: Option<&Json>, at: &str, index: &Index) -> Result<String, Bad> {
        let reference = match end {
            Some(Json::String(id)) => return Ok(id.clone()),
            Some(Json::Object(reference)) => reference,
            other => {
                let found = other.map_or("nothing".into(), describe);
                return Err((
                    self.place(at.into()),
                    format!("expected an id or a reference, found {found}"),
                ));
            }
        };
        let kind = reference.get("kind").and_then(Json::as_str);
        let value = reference.get("value");
        let match_by = reference.get("match_by").and_then(Json::as_str).unwrap_or("id");

        match (match_by, value) {
            ("id", Some(Json::String(id))) => Ok(id.clone()),
            ("name", Some(Json::String(name))) => {
                let found = index.by_name(name, kind);
                Ok(self.resolved(found).unwrap_or_else(|| format!("name:{name}")))
            }
            ("property", _) => {
                let Some(Json::Array(matchers)) = reference.get("property_matchers") else {
                    return Err((
                        self.place(format!("{at}/property_matchers")),
                        "expected a list of matchers".into(),
                    ));
                };
                let mut wanted = Vec::new();
                for (j, m) in matchers.iter().enumerate() {
                    let key = m.get("key").and_then(Json::as_str);
                    let value = m.get("value").map(convert);
                    let (Some(key), Some(Converted::Keep(value))) = (key, value) else {
                        let place = self.place(format!("{at}/property_matchers/{j}"));
                        return Err((place, "expected a key and a scalar value".into()));
                    };
                    wanted.push((key.to_string(), value));
                }
                let found = index.by_props(&wanted, kind);
                let text: Vec<String> =
                    wanted.iter().map(|(k, v)| format!("{k}={}", render(v))).collect();
                Ok(self.resolved(found).unwrap_or_else(|| format!("property:{}", text.join(","))))
            }
            (other, _) => Err((
                self.place(at.into()),
                format!(
                    "expected match_by id, name or property with a string value, found {other:?}"
                ),
            )),
        }
    }

    fn resolved(&mut self, found: Vec<&str>) -> Option<String> {
        match found.as_slice() {
            [one] => Some(one.to_string()),
            [] => None,
            _ => {
                self.ambiguous += 1;
                None
            }
        }
    }
}

/// The nodes of one file, to resolve references by name or property.
struct Index<'n> {
    nodes: &'n [Node],
    by_name: HashMap<String, Vec<usize>>,
}

impl<'n> Index<'n> {
    fn new(nodes: &'n [Node]) -> Index<'n> {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, node) in nodes.iter().enumerate() {
            if let Some(name) = &node.name {
                by_name.entry(name.to_lowercase()).or_default().push(at);
            }
        }
        Index { nodes, by_name }
    }

    fn has_kind(node: &Node, kind: Option<&str>) -> bool {
        let Some(kind) = kind else { return true };
        match node.prop("kinds") {
            Some(Value::StrList(kinds)) => kinds.iter().any(|k| k == kind),
            _ => node.kind.as_str() == kind,
        }
    }

    /// Nodes named `name`: exact matches if any, else without regard to
    /// case (BloodHound upper-cases names).
    fn by_name(&self, name: &str, kind: Option<&str>) -> Vec<&str> {
        let candidates = self.by_name.get(&name.to_lowercase()).map_or(&[][..], Vec::as_slice);
        let fitting: Vec<&Node> = candidates
            .iter()
            .filter_map(|at| self.nodes.get(*at))
            .filter(|n| Index::has_kind(n, kind))
            .collect();
        let exact: Vec<&str> = fitting
            .iter()
            .filter(|n| n.name.as_deref() == Some(name))
            .map(|n| n.id.as_str())
            .collect();
        let mut ids =
            if exact.is_empty() { fitting.iter().map(|n| n.id.as_str()).collect() } else { exact };
        ids.dedup();
        ids
    }

    fn by_props(&self, wanted: &[(String, Value)], kind: Option<&str>) -> Vec<&str> {
        let matches = |node: &Node| {
            wanted.iter().all(|(key, value)| match (key.as_str(), value) {
                ("id" | "objectid", Value::Str(v)) => node.id == *v,
                ("name", Value::Str(v)) => node.name.as_deref() == Some(v.as_str()),
                (key, value) => node.prop(key) == Some(value),
            })
        };
        let mut ids: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| Index::has_kind(n, kind) && matches(n))
            .map(|n| n.id.as_str())
            .collect();
        ids.dedup();
        ids
    }
}

/// The names the writer gives built-in edge kinds, as BloodHound spells
/// its own.
const EDGE_NAMES: [(&str, EdgeKind); 8] = [
    ("MemberOf", EdgeKind::MemberOf),
    ("HasRole", EdgeKind::HasRole),
    ("Grant", EdgeKind::Grant),
    ("OnResource", EdgeKind::OnResource),
    ("Owns", EdgeKind::Owns),
    ("Correlation", EdgeKind::Correlation),
    ("Manager", EdgeKind::Manager),
    ("InSystem", EdgeKind::InSystem),
];

/// The built-in kind an edge kind names, in any case, with or without
/// underscores (`MemberOf`, `member_of`).
fn builtin_edge_kind(name: &str) -> Option<EdgeKind> {
    let fold = |s: &str| s.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
    let name = fold(name);
    EDGE_NAMES.iter().find(|(n, _)| fold(n) == name).map(|(_, k)| k.clone())
}

fn render(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Time(t) => format_timestamp(*t),
        Value::Str(s) => s.clone(),
        Value::StrList(list) => list.join(","),
    }
}

/// Writes a graph as an OpenGraph document that [`read`] reads back to the
/// same graph.
///
/// Each node's kinds are its `kinds` property when that starts with its own
/// kind, else its kind's name; name and system travel as the `name` and
/// `system` properties (so a property of either name is not written);
/// timestamps are written as RFC 3339 text, and the names of timestamp
/// properties other than those AISF gives meaning to are listed under
/// `metadata.aisf_time_properties` ([`TIME_METADATA`]), so that they read
/// back as time (a text value of such a property that reads as a date
/// comes back as time too). Edges name their ends by id.
pub fn write(graph: &Graph) -> Json {
    let nodes: Vec<Json> = graph.nodes().iter().map(node_json).collect();
    let edges: Vec<Json> = graph.edges().iter().map(edge_json).collect();
    let all_props = graph.nodes().iter().flat_map(|n| &n.props);
    let all_props = all_props.chain(graph.edges().iter().flat_map(|e| &e.props));
    let mut times: Vec<&str> = all_props
        .filter(|(key, value)| {
            matches!(value, Value::Time(_)) && !TIME_PROPS.contains(&key.as_str())
        })
        .map(|(key, _)| key.as_str())
        .collect();
    times.sort_unstable();
    times.dedup();
    if times.is_empty() {
        return json!({ "graph": { "nodes": nodes, "edges": edges } });
    }
    json!({ "graph": { "nodes": nodes, "edges": edges }, "metadata": { TIME_METADATA: times } })
}

fn node_json(node: &Node) -> Json {
    let own = kind_name(&node.kind);
    let kinds = match node.prop("kinds") {
        Some(Value::StrList(kinds))
            if kinds.first().is_some_and(|k| NodeKind::parse(k) == node.kind) =>
        {
            kinds.clone()
        }
        _ => vec![own],
    };
    let mut properties = Map::new();
    for (key, value) in &node.props {
        if !matches!(key.as_str(), "kinds" | "name" | "system") {
            properties.insert(key.clone(), value_json(value));
        }
    }
    if let Some(name) = &node.name {
        properties.insert("name".into(), Json::String(name.clone()));
    }
    if let Some(system) = &node.system {
        properties.insert("system".into(), Json::String(system.clone()));
    }
    json!({ "id": node.id, "kinds": kinds, "properties": properties })
}

fn edge_json(edge: &Edge) -> Json {
    let mut properties: Map<String, Json> =
        edge.props.iter().map(|(k, v)| (k.clone(), value_json(v))).collect();
    let kind = match &edge.kind {
        EdgeKind::Other { name, access } => {
            if *access {
                properties.insert(ACCESS_PROPERTY.into(), Json::Bool(true));
            }
            name.clone()
        }
        builtin => EDGE_NAMES
            .iter()
            .find(|(_, k)| k == builtin)
            .map_or_else(|| builtin.as_str().to_string(), |(n, _)| n.to_string()),
    };
    json!({
        "kind": kind,
        "start": { "value": edge.src, "match_by": "id" },
        "end": { "value": edge.dst, "match_by": "id" },
        "properties": properties,
    })
}

/// A kind's name as OpenGraph spells kinds: built-in kinds capitalised.
fn kind_name(kind: &NodeKind) -> String {
    let name = kind.as_str();
    if !kind.is_builtin() {
        return name.to_string();
    }
    let mut chars = name.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_ascii_uppercase().to_string() + chars.as_str())
}

fn value_json(value: &Value) -> Json {
    match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Time(t) => Json::String(format_timestamp(*t)),
        Value::Str(s) => Json::String(s.clone()),
        Value::StrList(list) => Json::from(list.clone()),
    }
}

#[cfg(test)]
#[path = "opengraph_tests.rs"]
mod tests;
