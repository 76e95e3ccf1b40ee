//! Nodes, edges, property values and the in-memory graph.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::hash::IdMap;

/// What a node stands for.
///
/// The seven built-in kinds carry meaning for the engine (access flows from
/// accounts through groups and roles to entitlements and resources). Any
/// other kind a source brings is kept by name in [`NodeKind::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum NodeKind {
    /// A human, as the HR source knows them.
    Person,
    /// A login in one system.
    Account,
    /// A set of accounts and other groups.
    Group,
    /// A bundle of entitlements assigned to accounts or groups.
    Role,
    /// A permission on a resource.
    Entitlement,
    /// Something access is granted to: an application, a bucket, a share.
    Resource,
    /// A source of identities: a directory, a cloud tenant, a SaaS app.
    System,
    /// A kind the source brings that the engine has no meaning for.
    Other(String),
}

impl NodeKind {
    /// The built-in kinds, in the order the snapshot clusters node ids.
    pub const BUILTIN: [NodeKind; 7] = [
        NodeKind::Person,
        NodeKind::Account,
        NodeKind::Group,
        NodeKind::Role,
        NodeKind::Entitlement,
        NodeKind::Resource,
        NodeKind::System,
    ];

    /// The kind's name: lowercase for built-in kinds, as given for others.
    pub fn as_str(&self) -> &str {
        match self {
            NodeKind::Person => "person",
            NodeKind::Account => "account",
            NodeKind::Group => "group",
            NodeKind::Role => "role",
            NodeKind::Entitlement => "entitlement",
            NodeKind::Resource => "resource",
            NodeKind::System => "system",
            NodeKind::Other(name) => name,
        }
    }

    /// Reads a kind name; built-in names match without regard to case.
    pub fn parse(name: &str) -> NodeKind {
        NodeKind::BUILTIN
            .iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| NodeKind::Other(name.to_string()))
    }

    /// Whether this is one of the seven built-in kinds.
    pub fn is_builtin(&self) -> bool {
        !matches!(self, NodeKind::Other(_))
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<NodeKind> for String {
    fn from(kind: NodeKind) -> String {
        kind.as_str().to_string()
    }
}

impl From<String> for NodeKind {
    fn from(name: String) -> NodeKind {
        NodeKind::parse(&name)
    }
}

/// What an edge says about its two ends.
///
/// Every edge points from the holder to what is held, so that following
/// edges forward answers "what can this reach" and following them backward
/// answers "who can reach this":
///
/// | kind | from | to |
/// |---|---|---|
/// | `MemberOf` | account or group | group |
/// | `HasRole` | account, group or person | role |
/// | `Grant` | account, group or role | entitlement |
/// | `OnResource` | entitlement | resource |
/// | `Owns` | person or account | account, group or resource it is accountable for |
/// | `Correlation` | account | the person who owns it |
/// | `Manager` | person | their manager |
/// | `InSystem` | account, group, role or entitlement | system |
///
/// Access flows through `MemberOf`, `HasRole`, `Grant` and `OnResource`
/// (see [`EdgeKind::grants_access`]); an open kind says for itself whether
/// access flows through it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EdgeKind {
    /// Membership of an account or group in a group.
    MemberOf,
    /// Assignment of a role.
    HasRole,
    /// A holder holds an entitlement directly.
    Grant,
    /// An entitlement is a permission on a resource.
    OnResource,
    /// Accountability: the owner answers for the owned object.
    Owns,
    /// An account belongs to a person.
    Correlation,
    /// A person reports to a manager.
    Manager,
    /// An object lives in a system.
    InSystem,
    /// A kind the source brings (an ACE right, an OpenGraph edge kind).
    Other {
        /// The source's name for the kind.
        name: String,
        /// Whether access flows through edges of this kind.
        access: bool,
    },
}

impl EdgeKind {
    /// The built-in kinds, in the order the snapshot numbers them.
    pub const BUILTIN: [EdgeKind; 8] = [
        EdgeKind::MemberOf,
        EdgeKind::HasRole,
        EdgeKind::Grant,
        EdgeKind::OnResource,
        EdgeKind::Owns,
        EdgeKind::Correlation,
        EdgeKind::Manager,
        EdgeKind::InSystem,
    ];

    /// An open kind, named by its source.
    pub fn other(name: impl Into<String>, access: bool) -> EdgeKind {
        EdgeKind::Other { name: name.into(), access }
    }

    /// The kind's name.
    pub fn as_str(&self) -> &str {
        match self {
            EdgeKind::MemberOf => "member_of",
            EdgeKind::HasRole => "has_role",
            EdgeKind::Grant => "grant",
            EdgeKind::OnResource => "on_resource",
            EdgeKind::Owns => "owns",
            EdgeKind::Correlation => "correlation",
            EdgeKind::Manager => "manager",
            EdgeKind::InSystem => "in_system",
            EdgeKind::Other { name, .. } => name,
        }
    }

    /// Reads a built-in kind name; anything else becomes an open kind
    /// through which access does not flow.
    pub fn parse(name: &str) -> EdgeKind {
        EdgeKind::BUILTIN
            .iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| EdgeKind::other(name, false))
    }

    /// Whether effective access flows along edges of this kind.
    pub fn grants_access(&self) -> bool {
        match self {
            EdgeKind::MemberOf | EdgeKind::HasRole | EdgeKind::Grant | EdgeKind::OnResource => true,
            EdgeKind::Owns | EdgeKind::Correlation | EdgeKind::Manager | EdgeKind::InSystem => {
                false
            }
            EdgeKind::Other { access, .. } => *access,
        }
    }

    /// Whether this is one of the built-in kinds.
    pub fn is_builtin(&self) -> bool {
        !matches!(self, EdgeKind::Other { .. })
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed property value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// True or false.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// A point in time, in whole seconds since 1970-01-01T00:00:00Z.
    Time(i64),
    /// A string.
    Str(String),
    /// A list of strings.
    StrList(Vec<String>),
}

impl Value {
    /// The value's type name, as error messages and schemas spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Time(_) => "time",
            Value::Str(_) => "string",
            Value::StrList(_) => "string list",
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer or timestamp, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) | Value::Time(v) => Some(*v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Str(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(v)
    }
}

/// Properties by name, in a stable order.
pub type Props = BTreeMap<String, Value>;

/// One object from a source: a person, an account, a group...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// The id, unique across the whole graph (sources prefix their own ids
    /// where they could clash).
    pub id: String,
    /// What the node stands for.
    pub kind: NodeKind,
    /// The name a person would recognise, if the source gives one.
    pub name: Option<String>,
    /// The system the node lives in, if any.
    pub system: Option<String>,
    /// Everything else the source says about the node.
    pub props: Props,
}

impl Node {
    /// A node with no name, system or properties.
    pub fn new(id: impl Into<String>, kind: NodeKind) -> Node {
        Node { id: id.into(), kind, name: None, system: None, props: Props::new() }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Node {
        self.name = Some(name.into());
        self
    }

    /// Sets the system.
    pub fn with_system(mut self, system: impl Into<String>) -> Node {
        self.system = Some(system.into());
        self
    }

    /// Sets one property.
    pub fn with_prop(mut self, key: impl Into<String>, value: impl Into<Value>) -> Node {
        self.props.insert(key.into(), value.into());
        self
    }

    /// One property.
    pub fn prop(&self, key: &str) -> Option<&Value> {
        self.props.get(key)
    }
}

/// A directed relation between two nodes, named by their ids.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// What the relation says.
    pub kind: EdgeKind,
    /// The holder: the member, the grantee, the owner.
    pub src: String,
    /// What is held: the group, the entitlement, the owned object.
    pub dst: String,
    /// What the source says about the relation.
    pub props: Props,
}

impl Edge {
    /// An edge with no properties.
    pub fn new(kind: EdgeKind, src: impl Into<String>, dst: impl Into<String>) -> Edge {
        Edge { kind, src: src.into(), dst: dst.into(), props: Props::new() }
    }

    /// Sets one property.
    pub fn with_prop(mut self, key: impl Into<String>, value: impl Into<Value>) -> Edge {
        self.props.insert(key.into(), value.into());
        self
    }
}

/// A node id was added twice.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("node id {id:?} is already in the graph")]
pub struct DuplicateNode {
    /// The id that was already there.
    pub id: String,
}

/// Nodes and edges in memory, as ingest produces them and the snapshot
/// builder consumes them.
///
/// Edges name their ends by id and may name nodes that are not (yet) in the
/// graph: the builder decides what to do with those.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Graph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    #[serde(skip)]
    index: IdMap<String, usize>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Adds a node and returns its position.
    ///
    /// # Errors
    ///
    /// [`DuplicateNode`] when a node with the same id is already there; the
    /// graph is unchanged.
    pub fn add_node(&mut self, node: Node) -> Result<usize, DuplicateNode> {
        self.reindex_if_needed();
        if self.index.contains_key(&node.id) {
            return Err(DuplicateNode { id: node.id });
        }
        let at = self.nodes.len();
        self.index.insert(node.id.clone(), at);
        self.nodes.push(node);
        Ok(at)
    }

    /// Adds an edge. Its ends need not exist yet.
    pub fn add_edge(&mut self, edge: Edge) {
        self.edges.push(edge);
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.position(id).map(|at| &self.nodes[at])
    }

    /// The node with this id, to change its name, system or properties.
    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.position(id).map(|at| &mut self.nodes[at])
    }

    /// The position of the node with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        if self.index.len() == self.nodes.len() {
            self.index.get(id).copied()
        } else {
            // Only a freshly deserialised graph lacks its index.
            self.nodes.iter().position(|n| n.id == id)
        }
    }

    /// Whether id lookups ([`Graph::position`] and the calls built on it)
    /// are answered from the index. Only a freshly deserialised graph lacks
    /// it, and then each lookup scans the nodes.
    pub fn is_indexed(&self) -> bool {
        self.index.len() == self.nodes.len()
    }

    /// Whether a node with this id is in the graph.
    pub fn contains(&self, id: &str) -> bool {
        self.position(id).is_some()
    }

    /// All nodes, in the order they were added.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// All edges, in the order they were added.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// All edges, to change or reorder.
    pub fn edges_mut(&mut self) -> &mut Vec<Edge> {
        &mut self.edges
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Takes the nodes and edges apart.
    pub fn into_parts(self) -> (Vec<Node>, Vec<Edge>) {
        (self.nodes, self.edges)
    }

    fn reindex_if_needed(&mut self) {
        if self.index.len() != self.nodes.len() {
            self.index = self.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in NodeKind::BUILTIN {
            assert_eq!(NodeKind::parse(kind.as_str()), kind);
        }
        assert_eq!(NodeKind::parse("Computer"), NodeKind::Other("Computer".into()));
        for kind in EdgeKind::BUILTIN {
            assert_eq!(EdgeKind::parse(kind.as_str()), kind);
        }
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let mut g = Graph::new();
        g.add_node(Node::new("a", NodeKind::Account)).unwrap();
        let err = g.add_node(Node::new("a", NodeKind::Group)).unwrap_err();
        assert_eq!(err.id, "a");
        assert_eq!(g.node("a").unwrap().kind, NodeKind::Account);
    }

    #[test]
    fn a_deserialised_graph_finds_its_nodes() {
        let mut g = Graph::new();
        g.add_node(Node::new("a", NodeKind::Account)).unwrap();
        let json = serde_json::to_string(&g).unwrap();
        let mut back: Graph = serde_json::from_str(&json).unwrap();
        assert!(back.contains("a"));
        assert!(back.add_node(Node::new("a", NodeKind::Account)).is_err());
    }
}
