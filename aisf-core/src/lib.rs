//! The vocabulary of AISF: what an identity graph is made of.
//!
//! Every source AISF reads (a directory, a cloud account, a SaaS app, an HR
//! feed) is turned into the same small set of concepts:
//!
//! - a **person** is a human from the HR source;
//! - an **account** is a login in one system;
//! - a **group** collects accounts and other groups;
//! - a **role** bundles entitlements and is assigned to accounts or groups;
//! - an **entitlement** is a permission on a **resource**;
//! - a **system** is where accounts, groups and entitlements live.
//!
//! Sources bring kinds of their own (AD computers, GPOs, OpenGraph kinds):
//! they are kept as [`NodeKind::Other`] and [`EdgeKind::Other`] so nothing a
//! source says is lost.
//!
//! The in-memory [`Graph`] is what ingest produces and what the snapshot
//! builder in `aisf-graph` consumes.
//!
//! ```
//! use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};
//!
//! let mut g = Graph::new();
//! g.add_node(Node::new("alice", NodeKind::Person).with_name("Alice Archer")).unwrap();
//! g.add_node(Node::new("ad:alice", NodeKind::Account).with_system("ad")
//!     .with_prop("enabled", Value::Bool(true))).unwrap();
//! g.add_node(Node::new("ad:admins", NodeKind::Group).with_system("ad")).unwrap();
//! g.add_edge(Edge::new(EdgeKind::Correlation, "ad:alice", "alice"));
//! g.add_edge(Edge::new(EdgeKind::MemberOf, "ad:alice", "ad:admins"));
//! assert_eq!(g.node_count(), 3);
//! assert!(EdgeKind::MemberOf.grants_access());
//! ```

#![deny(missing_docs)]

pub mod correlate;
pub mod finding;
pub mod hash;
pub mod ingest;
mod model;
pub mod policy;
pub mod props;
pub mod pseudonym;
pub mod synth;

pub use model::{DuplicateNode, Edge, EdgeKind, Graph, Node, NodeKind, Props, Value};
