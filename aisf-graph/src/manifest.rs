//! The manifest: the small structured part of a snapshot, stored with rkyv
//! and validated when the snapshot is opened.

use rkyv::{Archive, Deserialize, Serialize};

/// The contiguous range of node ids that holds one node kind.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KindRange {
    /// The kind's name, as [`aisf_core::NodeKind::as_str`] spells it.
    pub name: String,
    /// The first node id of the kind.
    pub start: u32,
    /// One past the last node id of the kind.
    pub end: u32,
}

/// One edge kind of the snapshot.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct EdgeKindInfo {
    /// The kind's name.
    pub name: String,
    /// Whether access flows through it (the edge is in the access group).
    pub access: bool,
    /// How many edges of the kind the snapshot holds.
    pub count: u64,
}

/// The value type of a property column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ColumnType {
    /// Booleans, stored as two bitmaps.
    Bool = 0,
    /// Signed integers.
    Int = 1,
    /// Timestamps in seconds.
    Time = 2,
    /// Strings.
    Str = 3,
    /// Lists of strings.
    StrList = 4,
}

impl ColumnType {
    /// The type with this number.
    pub fn from_u8(v: u8) -> Option<ColumnType> {
        [ColumnType::Bool, ColumnType::Int, ColumnType::Time, ColumnType::Str, ColumnType::StrList]
            .into_iter()
            .find(|t| *t as u8 == v)
    }
}

/// A property column: one property name with one value type.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The property name.
    pub key: String,
    /// The [`ColumnType`] number.
    pub ty: u8,
    /// Whether the owners are edges (true) or nodes (false).
    pub edges: bool,
    /// How many owners have the property.
    pub count: u64,
    /// For string lists, how many items there are in all.
    pub items: u64,
    /// For booleans, the bitmap of owners whose value is true.
    pub true_bitmap: u32,
    /// For booleans, the bitmap of owners that have the property.
    pub has_bitmap: u32,
}

/// Where one bitmap lies in the bitmaps section.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct BitmapInfo {
    /// Offset within the bitmaps section.
    pub offset: u64,
    /// Length in bytes of its portable serialisation.
    pub len: u64,
}

/// The structured metadata of a snapshot.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The program that wrote the file.
    pub generator: String,
    /// When it was written, in seconds since the epoch.
    pub created: i64,
    /// Number of nodes.
    pub node_count: u32,
    /// Number of distinct strings.
    pub string_count: u64,
    /// Number of named nodes (the name index length).
    pub named_count: u32,
    /// Node kinds and their id ranges, in id order.
    pub node_kinds: Vec<KindRange>,
    /// Edge kinds; an edge's kind number indexes this list.
    pub edge_kinds: Vec<EdgeKindInfo>,
    /// Systems; a node's system number indexes this list.
    pub systems: Vec<String>,
    /// For each system, the bitmap of its nodes.
    pub system_bitmaps: Vec<u32>,
    /// Number of edges in the access group.
    pub access_edges: u64,
    /// Number of edges in the other group.
    pub other_edges: u64,
    /// Number of strongly connected components over access edges.
    pub components: u32,
    /// Number of edges of the condensation.
    pub component_edges: u64,
    /// Property columns; a column's number is the `index` of its sections.
    pub columns: Vec<Column>,
    /// The bitmap directory.
    pub bitmaps: Vec<BitmapInfo>,
}
