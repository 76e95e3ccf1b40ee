//! The AISF engine: snapshot files and the queries that run on them.
//!
//! A snapshot holds one organisation's identity graph (persons, accounts,
//! groups, roles, entitlements, resources, systems and whatever kinds the
//! sources bring) in one immutable file that opens in milliseconds and is
//! read in place through a memory map.
//!
//! - [`build`] turns an in-memory [`aisf_core::Graph`] into a file,
//!   atomically; [`build_bytes`] does the same in memory.
//! - [`Snapshot::open`] maps a file and checks its framing;
//!   [`Snapshot::verify`] checks every byte.
//! - Queries: [`Snapshot::access`] (effective access of one account or
//!   person), [`Snapshot::access_all`] (everyone at once),
//!   [`Snapshot::who_can_access`], [`Snapshot::explain`],
//!   [`Snapshot::filter`] and [`Snapshot::what_if_remove`].
//! - [`naive`] is the obviously correct single-threaded evaluator every
//!   query is tested against.
//!
//! The file format is described in [`format`](mod@format).
//!
//! ```
//! use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};
//! use aisf_graph::{BuildOptions, Snapshot, build_bytes};
//!
//! let mut g = Graph::new();
//! g.add_node(Node::new("p:ann", NodeKind::Person)).unwrap();
//! g.add_node(Node::new("ad:ann", NodeKind::Account)).unwrap();
//! g.add_node(Node::new("ad:finance", NodeKind::Group)).unwrap();
//! g.add_node(Node::new("erp:pay", NodeKind::Entitlement)).unwrap();
//! g.add_edge(Edge::new(EdgeKind::Correlation, "ad:ann", "p:ann"));
//! g.add_edge(Edge::new(EdgeKind::MemberOf, "ad:ann", "ad:finance"));
//! g.add_edge(Edge::new(EdgeKind::Grant, "ad:finance", "erp:pay"));
//!
//! let (bytes, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
//! let snap = Snapshot::from_bytes(&bytes).unwrap();
//! let ann = snap.find("p:ann").unwrap();
//! let pay = snap.find("erp:pay").unwrap();
//! assert!(snap.access(ann).entitlements().contains(pay.0));
//! assert_eq!(snap.who_can_access(pay).persons.len(), 1);
//! let why = snap.explain(ann, pay).unwrap();
//! assert_eq!(why.path.len(), 4); // person, account, group, entitlement
//! ```
#![deny(missing_docs)]

mod build;
pub mod diff;
mod error;
pub mod evidence;
pub mod format;
pub mod govern;
mod known;
pub mod manifest;
pub mod naive;
mod query;
mod scc;
mod snapshot;
mod verify;

pub use build::{
    BuildOptions, BuildReport, UnknownEnds, build, build_bytes, remove_stale_temp_files,
};
pub use diff::{DiffOptions, SnapshotDiff, diff};
pub use error::{BuildError, Error, OpenError, VerifyError};
pub use query::{Access, AllAccess, Explanation, Filter, Step, WhatIf, Who, count_in};
pub use snapshot::{Direction, NodeId, NodeRef, Snapshot};
