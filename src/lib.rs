//! AISF, the Autonomous Identity Security Fabric: an embedded
//! identity-governance graph engine.
//!
//! This crate is the facade: it re-exports [`aisf_core`] (the vocabulary,
//! ingest and policy) and [`aisf_graph`] (the snapshot engine and queries).
#![deny(missing_docs)]

pub use aisf_core as core;
pub use aisf_graph as graph;

pub use aisf_core::finding::{Action, Finding, RuleId};
pub use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};
pub use aisf_graph::govern::{Scan, ScanOptions, scan};
