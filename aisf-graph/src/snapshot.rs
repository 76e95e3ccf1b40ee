//! Opening a snapshot and reading it in place.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aisf_core::{EdgeKind, NodeKind, Value};
use rayon::prelude::*;
use roaring::RoaringBitmap;
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{OpenError, VerifyError};
use crate::format::{
    ALIGN, ENDIAN_CHECK, ENTRY_LEN, Entry, FOOTER_LEN, FOOTER_MAGIC, HEADER_LEN, Header, MAGIC,
    NONE, SectionKind, VERSION_MAJOR, le_u16, le_u32, le_u64, section_hash,
};
use crate::manifest::{ArchivedManifest, Column, ColumnType, Manifest};

/// A node of a snapshot: a dense number from 0 to `node_count - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The number as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Which way to follow edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From holder to held (member to group, grantee to entitlement).
    Out,
    /// From held to holder.
    In,
}

enum Backing {
    Map(memmap2::Mmap),
    // u64 words keep the buffer 8-byte aligned, as the arrays need.
    Owned(Vec<u64>, usize),
}

impl Backing {
    fn bytes(&self) -> &[u8] {
        match self {
            Backing::Map(m) => m,
            Backing::Owned(words, len) => {
                let all: &[u8] = bytemuck::cast_slice(words);
                &all[..*len]
            }
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Span {
    start: usize,
    len: usize,
}

#[derive(Clone, Copy, Default)]
struct ColumnSpans {
    owners: Span,
    values: Span,
    sorted_values: Span,
    sorted_owners: Span,
    items: Span,
}

const SLOTS: usize = 64;

/// An open snapshot: immutable, memory-mapped, safe to query from many
/// threads at once.
///
/// # Example
///
/// ```
/// use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};
/// use aisf_graph::{BuildOptions, Snapshot, build_bytes};
///
/// let mut g = Graph::new();
/// g.add_node(Node::new("ad:bob", NodeKind::Account).with_name("Bob")).unwrap();
/// let (bytes, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
/// let snap = Snapshot::from_bytes(&bytes).unwrap();
/// let bob = snap.find("ad:bob").unwrap();
/// assert_eq!(snap.node(bob).name(), Some("Bob"));
/// assert_eq!(snap.node(bob).kind(), NodeKind::Account);
/// ```
pub struct Snapshot {
    data: Backing,
    header: Header,
    entries: Vec<Entry>,
    manifest: Manifest,
    spans: [Span; SLOTS],
    columns: Vec<ColumnSpans>,
    bitmaps: Vec<OnceLock<RoaringBitmap>>,
    path: Option<PathBuf>,
    pub(crate) closure: OnceLock<crate::query::Closure>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("path", &self.path)
            .field("nodes", &self.manifest.node_count)
            .field("edges", &self.header.edge_count)
            .finish()
    }
}

fn damaged(part: &'static str, detail: impl Into<String>) -> OpenError {
    OpenError::Damaged { part, detail: detail.into() }
}

fn bad_section(section: impl Into<String>, detail: impl Into<String>) -> OpenError {
    OpenError::Section { section: section.into(), detail: detail.into() }
}

impl Snapshot {
    /// Opens a snapshot file by mapping it into memory.
    ///
    /// Reads the header, section table, footer and manifest and checks the
    /// bounds, alignment and size of every section: the cost grows with the
    /// number of sections, not with the file. It does not checksum the
    /// arrays; call [`Snapshot::verify`] for files from elsewhere. Whatever
    /// the bytes, neither this call nor any query on the result panics or
    /// causes undefined behaviour.
    ///
    /// The file must not be modified while it is open: snapshots are
    /// written once, and a new state is a new file renamed into place.
    ///
    /// # Errors
    ///
    /// [`OpenError`] naming what was wrong: not a snapshot, a newer format
    /// version, truncated, a damaged header, table or footer, a section out
    /// of bounds or of the wrong size.
    pub fn open(path: impl AsRef<Path>) -> Result<Snapshot, OpenError> {
        let path = path.as_ref();
        let io = |source| OpenError::Io { path: path.to_path_buf(), source };
        let file = File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let backing = if len == 0 {
            Backing::Owned(Vec::new(), 0)
        } else {
            // SAFETY: the mapping is read-only and AISF never writes into a
            // snapshot file once it is renamed into place; the documented
            // contract is that no one else modifies it while it is open.
            // Every read through the map is bounds-checked.
            let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
            Backing::Map(map)
        };
        let mut snap = Snapshot::from_backing(backing)?;
        snap.path = Some(path.to_path_buf());
        Ok(snap)
    }

    /// Opens a snapshot and verifies it fully ([`Snapshot::verify`]).
    ///
    /// # Errors
    ///
    /// As [`Snapshot::open`] and [`Snapshot::verify`].
    pub fn open_verified(path: impl AsRef<Path>) -> Result<Snapshot, crate::Error> {
        let snap = Snapshot::open(path)?;
        snap.verify()?;
        Ok(snap)
    }

    /// Opens a snapshot held in memory (the bytes are copied once into an
    /// aligned buffer).
    ///
    /// # Errors
    ///
    /// As [`Snapshot::open`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, OpenError> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        Snapshot::from_backing(Backing::Owned(words, bytes.len()))
    }

    fn from_backing(data: Backing) -> Result<Snapshot, OpenError> {
        let bytes = data.bytes();
        let (header, entries) = read_fixed_parts(bytes)?;
        let mut spans = [Span::default(); SLOTS];
        let mut found = [false; SLOTS];
        let mut column_entries: Vec<(SectionKind, u16, Span)> = Vec::new();
        for e in &entries {
            let Some(kind) = SectionKind::from_u16(e.kind) else { continue };
            let span = Span { start: e.offset as usize, len: e.len as usize };
            if kind >= SectionKind::PropOwners {
                column_entries.push((kind, e.index, span));
                continue;
            }
            if std::mem::replace(&mut found[kind as usize], true) {
                return Err(bad_section(e.name(), "appears twice in the section table"));
            }
            spans[kind as usize] = span;
        }
        for kind in SectionKind::ALL.iter().filter(|k| **k < SectionKind::PropOwners) {
            if !found[*kind as usize] {
                return Err(bad_section(kind.name(), "is missing from the section table"));
            }
        }

        let m = &spans[SectionKind::Manifest as usize];
        let archived =
            rkyv::access::<ArchivedManifest, rkyv::rancor::Error>(&bytes[m.start..m.start + m.len])
                .map_err(|e| bad_section("manifest", format!("invalid archive: {e}")))?;
        let manifest: Manifest = rkyv::deserialize::<Manifest, rkyv::rancor::Error>(archived)
            .map_err(|e| bad_section("manifest", format!("cannot be read: {e}")))?;

        let columns = check_shapes(&header, &manifest, &spans, &column_entries)?;
        let bitmaps = (0..manifest.bitmaps.len()).map(|_| OnceLock::new()).collect();
        Ok(Snapshot {
            data,
            header,
            entries,
            manifest,
            spans,
            columns,
            bitmaps,
            path: None,
            closure: OnceLock::new(),
        })
    }

    /// The snapshot's bytes, as written (for checksums of the whole file).
    pub(crate) fn raw_bytes(&self) -> &[u8] {
        self.data.bytes()
    }

    /// The file this snapshot was opened from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The manifest: kinds, systems, columns and counts.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The format version of the file, as (major, minor).
    pub fn version(&self) -> (u16, u16) {
        (self.header.major, self.header.minor)
    }

    /// The size of the file in bytes.
    pub fn file_len(&self) -> u64 {
        self.header.file_len
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.manifest.node_count as usize
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        (self.manifest.access_edges + self.manifest.other_edges) as usize
    }

    // ---- raw arrays -------------------------------------------------

    fn raw(&self, span: Span) -> &[u8] {
        self.data.bytes().get(span.start..span.start + span.len).unwrap_or(&[])
    }

    fn section(&self, kind: SectionKind) -> &[u8] {
        self.raw(self.spans[kind as usize])
    }

    pub(crate) fn u32s(&self, kind: SectionKind) -> &[u32] {
        bytemuck::try_cast_slice(self.section(kind)).unwrap_or(&[])
    }

    pub(crate) fn u16s(&self, kind: SectionKind) -> &[u16] {
        bytemuck::try_cast_slice(self.section(kind)).unwrap_or(&[])
    }

    fn u64s(&self, kind: SectionKind) -> &[u64] {
        bytemuck::try_cast_slice(self.section(kind)).unwrap_or(&[])
    }

    fn col_u32(&self, span: Span) -> &[u32] {
        bytemuck::try_cast_slice(self.raw(span)).unwrap_or(&[])
    }

    fn col_i64(&self, span: Span) -> &[i64] {
        bytemuck::try_cast_slice(self.raw(span)).unwrap_or(&[])
    }

    /// String number `sid`, or "" if there is none (or it is not UTF-8 in a
    /// damaged file).
    pub fn string(&self, sid: u32) -> &str {
        let off = self.u64s(SectionKind::StrOffsets);
        let bytes = self.section(SectionKind::StrBytes);
        let (Some(&a), Some(&b)) = (off.get(sid as usize), off.get(sid as usize + 1)) else {
            return "";
        };
        bytes.get(a as usize..b as usize).and_then(|s| std::str::from_utf8(s).ok()).unwrap_or("")
    }

    /// The string number of `s`, if the snapshot holds that string.
    pub fn string_id(&self, s: &str) -> Option<u32> {
        let count = self.manifest.string_count as usize;
        let (mut lo, mut hi) = (0usize, count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.string(mid as u32).cmp(s) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    // ---- nodes ------------------------------------------------------

    /// A view of one node. Out-of-range ids give an empty view.
    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { snap: self, id }
    }

    /// Every node id.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.manifest.node_count).map(NodeId)
    }

    /// The node with this source id.
    pub fn find(&self, id: &str) -> Option<NodeId> {
        let index = self.u32s(SectionKind::IdIndex);
        let ids = self.u32s(SectionKind::NodeId);
        let at = index.partition_point(|&v| {
            ids.get(v as usize).map(|&s| self.string(s) < id).unwrap_or(false)
        });
        let v = *index.get(at)?;
        (self.string(*ids.get(v as usize)?) == id).then_some(NodeId(v))
    }

    /// The nodes with exactly this name.
    pub fn find_by_name(&self, name: &str) -> Vec<NodeId> {
        let Some(sid) = self.string_id(name) else { return Vec::new() };
        let index = self.u32s(SectionKind::NameIndex);
        let names = self.u32s(SectionKind::NodeName);
        let name_of = |v: u32| names.get(v as usize).copied().unwrap_or(NONE);
        let start = index.partition_point(|&v| name_of(v) < sid);
        let end = index.partition_point(|&v| name_of(v) <= sid);
        index.get(start..end).unwrap_or(&[]).iter().map(|&v| NodeId(v)).collect()
    }

    /// Finds a node by id, then by name (when exactly one node has it),
    /// then by email address (when exactly one node has it).
    pub fn resolve(&self, key: &str) -> Option<NodeId> {
        if let Some(v) = self.find(key) {
            return Some(v);
        }
        let by_name = self.find_by_name(key);
        if by_name.len() == 1 {
            return by_name.first().copied();
        }
        let by_email = self.nodes_with_str(aisf_core::props::EMAIL, key);
        (by_email.len() == 1).then(|| NodeId(by_email.min().unwrap_or(0)))
    }

    /// The id range of a node kind (empty if the snapshot has none).
    pub fn kind_range(&self, kind: &NodeKind) -> Range<u32> {
        self.manifest
            .node_kinds
            .iter()
            .find(|k| k.name == kind.as_str())
            .map(|k| k.start..k.end)
            .unwrap_or(0..0)
    }

    /// The kind of a node.
    pub fn kind_of(&self, id: NodeId) -> NodeKind {
        let kinds = &self.manifest.node_kinds;
        let at = kinds.partition_point(|k| k.end <= id.0);
        match kinds.get(at) {
            Some(k) if k.start <= id.0 => NodeKind::parse(&k.name),
            _ => NodeKind::Other(String::new()),
        }
    }

    /// Whether a node is of a kind, by a range check.
    pub fn is_kind(&self, id: NodeId, kind: &NodeKind) -> bool {
        self.kind_range(kind).contains(&id.0)
    }

    /// The systems, in the order node system numbers refer to.
    pub fn systems(&self) -> &[String] {
        &self.manifest.systems
    }

    // ---- edges ------------------------------------------------------

    /// The kind of edge kind number `k`.
    pub fn edge_kind(&self, k: u16) -> EdgeKind {
        match self.manifest.edge_kinds.get(k as usize) {
            Some(info) if (k as usize) < EdgeKind::BUILTIN.len() => EdgeKind::parse(&info.name),
            Some(info) => EdgeKind::other(info.name.clone(), info.access),
            None => EdgeKind::other(format!("#{k}"), false),
        }
    }

    /// The number of an edge kind, if the snapshot knows it.
    pub fn edge_kind_number(&self, kind: &EdgeKind) -> Option<u16> {
        if let Some(i) = EdgeKind::BUILTIN.iter().position(|k| k == kind) {
            return Some(i as u16);
        }
        let name = kind.as_str();
        let builtin = EdgeKind::BUILTIN.len();
        self.manifest
            .edge_kinds
            .iter()
            .skip(builtin)
            .position(|k| k.name == name)
            .map(|i| (i + builtin) as u16)
    }

    pub(crate) fn group(&self, access: bool, dir: Direction) -> (&[u32], &[u32], &[u16]) {
        use SectionKind::*;
        let (o, t, k) = match (access, dir) {
            (true, Direction::Out) => (AccFwdOff, AccFwdTgt, AccFwdKind),
            (true, Direction::In) => (AccRevOff, AccRevTgt, AccRevKind),
            (false, Direction::Out) => (OthFwdOff, OthFwdTgt, OthFwdKind),
            (false, Direction::In) => (OthRevOff, OthRevTgt, OthRevKind),
        };
        (self.u32s(o), self.u32s(t), self.u16s(k))
    }

    /// Row `v` of a CSR, clamped so a damaged file cannot index out of range.
    pub(crate) fn row<'a>(off: &[u32], tgt: &'a [u32], v: u32) -> (usize, &'a [u32]) {
        let a = off.get(v as usize).copied().unwrap_or(0) as usize;
        let b = off.get(v as usize + 1).copied().unwrap_or(0) as usize;
        let b = b.min(tgt.len());
        let a = a.min(b);
        (a, &tgt[a..b])
    }

    /// The access-group neighbours of `v` (every access edge kind).
    pub(crate) fn access_row(&self, v: u32, dir: Direction) -> &[u32] {
        let (off, tgt, _) = self.group(true, dir);
        Snapshot::row(off, tgt, v).1
    }

    /// The neighbours of `v` along edges of one kind.
    pub fn neighbors(&self, v: NodeId, kind: &EdgeKind, dir: Direction) -> &[u32] {
        let Some(k) = self.edge_kind_number(kind) else { return &[] };
        let access = self.manifest.edge_kinds.get(k as usize).map(|i| i.access).unwrap_or(false);
        let (off, tgt, kinds) = self.group(access, dir);
        let (start, row) = Snapshot::row(off, tgt, v.0);
        let row_kinds = kinds.get(start..start + row.len()).unwrap_or(&[]);
        let a = row_kinds.partition_point(|&x| x < k);
        let b = row_kinds.partition_point(|&x| x <= k);
        row.get(a..b).unwrap_or(&[])
    }

    /// Every edge at `v` in one direction, as (kind number, other end,
    /// edge number for edge properties).
    pub fn edges(&self, v: NodeId, dir: Direction) -> Vec<(u16, NodeId, Option<u64>)> {
        let mut out = Vec::new();
        for access in [true, false] {
            let (off, tgt, kinds) = self.group(access, dir);
            let (start, row) = Snapshot::row(off, tgt, v.0);
            let base = if access { 0 } else { self.manifest.access_edges };
            for (i, &w) in row.iter().enumerate() {
                let k = kinds.get(start + i).copied().unwrap_or(u16::MAX);
                let edge = (dir == Direction::Out).then_some(base + (start + i) as u64);
                out.push((k, NodeId(w), edge));
            }
        }
        out
    }

    /// The edge number (for [`Snapshot::edge_props`]) of the edge
    /// `src -kind-> dst`, if there is one.
    pub fn find_edge(&self, src: NodeId, kind: &EdgeKind, dst: NodeId) -> Option<u64> {
        let k = self.edge_kind_number(kind)?;
        let access = self.manifest.edge_kinds.get(k as usize)?.access;
        let (off, tgt, kinds) = self.group(access, Direction::Out);
        let (start, row) = Snapshot::row(off, tgt, src.0);
        let row_kinds = kinds.get(start..start + row.len())?;
        let a = row_kinds.partition_point(|&x| x < k);
        let b = row_kinds.partition_point(|&x| x <= k);
        let at = row.get(a..b)?.binary_search(&dst.0).ok()?;
        let base = if access { 0 } else { self.manifest.access_edges };
        Some(base + (start + a + at) as u64)
    }

    // ---- properties -------------------------------------------------

    /// A decoded bitmap from the bitmap directory (decoded on first use,
    /// then kept). A damaged bitmap reads as empty; `verify` reports it.
    pub(crate) fn bitmap(&self, i: u32) -> &RoaringBitmap {
        static EMPTY: OnceLock<RoaringBitmap> = OnceLock::new();
        let Some(cell) = self.bitmaps.get(i as usize) else {
            return EMPTY.get_or_init(RoaringBitmap::new);
        };
        cell.get_or_init(|| self.decode_bitmap(i).unwrap_or_default())
    }

    fn decode_bitmap(&self, i: u32) -> Option<RoaringBitmap> {
        let info = self.manifest.bitmaps.get(i as usize)?;
        let blob = self.section(SectionKind::Bitmaps);
        let bytes = blob.get(info.offset as usize..(info.offset + info.len) as usize)?;
        RoaringBitmap::deserialize_from(bytes).ok()
    }

    /// The nodes of one system.
    pub fn system_nodes(&self, system: &str) -> RoaringBitmap {
        match self.manifest.systems.iter().position(|s| s == system) {
            Some(i) => match self.manifest.system_bitmaps.get(i) {
                Some(&b) => self.bitmap(b).clone(),
                None => RoaringBitmap::new(),
            },
            None => RoaringBitmap::new(),
        }
    }

    pub(crate) fn columns_named<'a>(
        &'a self,
        key: &'a str,
        edges: bool,
    ) -> impl Iterator<Item = (usize, &'a Column)> + 'a {
        self.manifest
            .columns
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.key == key && c.edges == edges)
    }

    fn column_value(&self, i: usize, col: &Column, owner: u32) -> Option<Value> {
        let spans = self.columns.get(i)?;
        match ColumnType::from_u8(col.ty)? {
            ColumnType::Bool => {
                if !self.bitmap(col.has_bitmap).contains(owner) {
                    return None;
                }
                Some(Value::Bool(self.bitmap(col.true_bitmap).contains(owner)))
            }
            ty @ (ColumnType::Int | ColumnType::Time) => {
                let at = self.col_u32(spans.owners).binary_search(&owner).ok()?;
                let v = *self.col_i64(spans.values).get(at)?;
                Some(if ty == ColumnType::Int { Value::Int(v) } else { Value::Time(v) })
            }
            ColumnType::Str => {
                let at = self.col_u32(spans.owners).binary_search(&owner).ok()?;
                let sid = *self.col_u32(spans.values).get(at)?;
                Some(Value::Str(self.string(sid).to_string()))
            }
            ColumnType::StrList => {
                let at = self.col_u32(spans.owners).binary_search(&owner).ok()?;
                let off = self.col_u32(spans.values);
                let (a, b) = (*off.get(at)? as usize, *off.get(at + 1)? as usize);
                let items = self.col_u32(spans.items).get(a..b)?;
                Some(Value::StrList(items.iter().map(|&s| self.string(s).to_string()).collect()))
            }
        }
    }

    fn owner_props(&self, owner: u32, edges: bool) -> Vec<(String, Value)> {
        self.manifest
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.edges == edges)
            .filter_map(|(i, c)| self.column_value(i, c, owner).map(|v| (c.key.clone(), v)))
            .collect()
    }

    /// The properties of edge number `edge` (see [`Snapshot::find_edge`]).
    pub fn edge_props(&self, edge: u64) -> Vec<(String, Value)> {
        match u32::try_from(edge) {
            Ok(e) => self.owner_props(e, true),
            Err(_) => Vec::new(),
        }
    }

    /// The nodes whose string property `key` equals `value`.
    pub fn nodes_with_str(&self, key: &str, value: &str) -> RoaringBitmap {
        let mut out = RoaringBitmap::new();
        let Some(sid) = self.string_id(value) else { return out };
        for (i, col) in self.columns_named(key, false) {
            if col.ty != ColumnType::Str as u8 {
                continue;
            }
            let Some(spans) = self.columns.get(i) else { continue };
            let values = self.col_u32(spans.sorted_values);
            let owners = self.col_u32(spans.sorted_owners);
            let a = values.partition_point(|&v| v < sid);
            let b = values.partition_point(|&v| v <= sid);
            out.extend(owners.get(a..b).unwrap_or(&[]).iter().copied());
        }
        out
    }

    /// The nodes whose integer or time property `key` lies in `range`.
    pub fn nodes_in_range(&self, key: &str, lo: Option<i64>, hi: Option<i64>) -> RoaringBitmap {
        let mut out = RoaringBitmap::new();
        for (i, col) in self.columns_named(key, false) {
            if col.ty != ColumnType::Int as u8 && col.ty != ColumnType::Time as u8 {
                continue;
            }
            let Some(spans) = self.columns.get(i) else { continue };
            let values = self.col_i64(spans.sorted_values);
            let owners = self.col_u32(spans.sorted_owners);
            let a = lo.map(|lo| values.partition_point(|&v| v < lo)).unwrap_or(0);
            let b = hi.map(|hi| values.partition_point(|&v| v <= hi)).unwrap_or(values.len());
            if a < b {
                out.extend(owners.get(a..b).unwrap_or(&[]).iter().copied());
            }
        }
        out
    }

    /// The nodes whose boolean property `key` is `value`.
    pub fn nodes_with_bool(&self, key: &str, value: bool) -> RoaringBitmap {
        let mut out = RoaringBitmap::new();
        for (_, col) in self.columns_named(key, false) {
            if col.ty != ColumnType::Bool as u8 {
                continue;
            }
            let trues = self.bitmap(col.true_bitmap);
            if value {
                out |= trues;
            } else {
                out |= self.bitmap(col.has_bitmap) - trues;
            }
        }
        out
    }

    /// The nodes that have property `key`, of any type.
    pub fn nodes_with_prop(&self, key: &str) -> RoaringBitmap {
        let mut out = RoaringBitmap::new();
        for (i, col) in self.columns_named(key, false) {
            if col.ty == ColumnType::Bool as u8 {
                out |= self.bitmap(col.has_bitmap);
            } else if let Some(spans) = self.columns.get(i) {
                out.extend(self.col_u32(spans.owners).iter().copied());
            }
        }
        out
    }

    // ---- verification -----------------------------------------------

    /// Checks every section against its checksum, then the structural
    /// invariants of the format: monotone offsets, edge ends and string
    /// numbers in range, sorted rows and indexes, a sorted string table of
    /// valid UTF-8, components in reverse topological order, property
    /// columns sorted, bitmaps decodable and in range. Linear in the file
    /// size and parallel.
    ///
    /// # Errors
    ///
    /// [`VerifyError`] naming the section and what was wrong.
    pub fn verify(&self) -> Result<(), VerifyError> {
        let bytes = self.data.bytes();
        self.entries.par_iter().try_for_each(|e| {
            let data = bytes.get(e.offset as usize..(e.offset + e.len) as usize).unwrap_or(&[]);
            let computed = section_hash(e.kind, e.index, data);
            if computed == e.hash {
                Ok(())
            } else {
                Err(VerifyError::Checksum { section: e.name(), stored: e.hash, computed })
            }
        })?;
        crate::verify::invariants(self)
    }

    pub(crate) fn column_spans(&self, i: usize) -> Option<ColumnArrays<'_>> {
        let s = self.columns.get(i)?;
        Some((
            self.col_u32(s.owners),
            self.col_u32(s.values),
            self.col_u32(s.sorted_values),
            self.col_u32(s.sorted_owners),
            self.col_i64(s.values),
            self.col_i64(s.sorted_values),
        ))
    }

    pub(crate) fn column_items(&self, i: usize) -> &[u32] {
        self.columns.get(i).map(|s| self.col_u32(s.items)).unwrap_or(&[])
    }

    pub(crate) fn str_offsets(&self) -> &[u64] {
        self.u64s(SectionKind::StrOffsets)
    }

    pub(crate) fn str_bytes(&self) -> &[u8] {
        self.section(SectionKind::StrBytes)
    }

    pub(crate) fn decode_bitmap_checked(&self, i: u32) -> Option<RoaringBitmap> {
        self.decode_bitmap(i)
    }
}

/// The arrays of one property column: owners, values as u32, sorted
/// values as u32, sorted owners, values as i64, sorted values as i64.
pub(crate) type ColumnArrays<'a> =
    (&'a [u32], &'a [u32], &'a [u32], &'a [u32], &'a [i64], &'a [i64]);

/// A view of one node.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    snap: &'a Snapshot,
    id: NodeId,
}

impl<'a> NodeRef<'a> {
    /// The node's number.
    pub fn number(&self) -> NodeId {
        self.id
    }

    /// The source id.
    pub fn id(&self) -> &'a str {
        match self.snap.u32s(SectionKind::NodeId).get(self.id.index()) {
            Some(&s) => self.snap.string(s),
            None => "",
        }
    }

    /// The display name, if the source gave one.
    pub fn name(&self) -> Option<&'a str> {
        match self.snap.u32s(SectionKind::NodeName).get(self.id.index()) {
            Some(&s) if s != NONE => Some(self.snap.string(s)),
            _ => None,
        }
    }

    /// The name if there is one, else the id.
    pub fn label(&self) -> &'a str {
        self.name().unwrap_or_else(|| self.id())
    }

    /// The system, if any.
    pub fn system(&self) -> Option<&'a str> {
        let s = *self.snap.u32s(SectionKind::NodeSystem).get(self.id.index())?;
        self.snap.manifest.systems.get(s as usize).map(|s| s.as_str())
    }

    /// The kind.
    pub fn kind(&self) -> NodeKind {
        self.snap.kind_of(self.id)
    }

    /// One property.
    pub fn prop(&self, key: &str) -> Option<Value> {
        self.snap
            .columns_named(key, false)
            .find_map(|(i, c)| self.snap.column_value(i, c, self.id.0))
    }

    /// Every property, by name.
    pub fn props(&self) -> Vec<(String, Value)> {
        self.snap.owner_props(self.id.0, false)
    }
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").field("id", &self.id()).field("kind", &self.kind()).finish()
    }
}

/// Checks the header, footer and section table. Everything here is
/// proportional to the number of sections.
fn read_fixed_parts(bytes: &[u8]) -> Result<(Header, Vec<Entry>), OpenError> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(OpenError::NotASnapshot(
            "the file does not start with the aisf magic bytes".into(),
        ));
    }
    if bytes.len() < 12 {
        return Err(OpenError::Truncated {
            expected: (HEADER_LEN + FOOTER_LEN) as u64,
            found: bytes.len() as u64,
        });
    }
    // The version sits at a fixed place in every major version, so a newer
    // file is recognised before anything else is read.
    let (major, minor) = (le_u16(bytes, 8), le_u16(bytes, 10));
    if major > VERSION_MAJOR {
        return Err(OpenError::NewerVersion { major, minor, supported: VERSION_MAJOR });
    }
    if bytes.len() < HEADER_LEN + FOOTER_LEN {
        return Err(OpenError::Truncated {
            expected: (HEADER_LEN + FOOTER_LEN) as u64,
            found: bytes.len() as u64,
        });
    }
    let h = &bytes[..HEADER_LEN];
    let stored = le_u64(h, 248);
    let computed = xxh3_64(&h[..248]);
    let header = Header {
        major,
        minor,
        flags: le_u64(h, 16),
        file_len: le_u64(h, 24),
        section_count: le_u32(h, 32),
        table_offset: le_u64(h, 40),
        node_count: le_u64(h, 48),
        edge_count: le_u64(h, 56),
        table_hash: le_u64(h, 64),
    };
    if header.file_len != bytes.len() as u64 && stored == computed {
        return Err(OpenError::Truncated { expected: header.file_len, found: bytes.len() as u64 });
    }
    if stored != computed {
        return Err(damaged(
            "header",
            format!("checksum mismatch (stored {stored:016x}, computed {computed:016x})"),
        ));
    }
    if major == 0 {
        return Err(damaged("header", "format major version 0 does not exist"));
    }
    if le_u32(h, 12) != ENDIAN_CHECK {
        return Err(damaged(
            "header",
            format!("endianness check is {:08x}, expected {ENDIAN_CHECK:08x}", le_u32(h, 12)),
        ));
    }
    if header.flags != 0 {
        return Err(damaged(
            "header",
            format!("unknown incompatible feature flags {:#x}", header.flags),
        ));
    }

    let f = &bytes[bytes.len() - FOOTER_LEN..];
    if f[..8] != FOOTER_MAGIC {
        return Err(damaged("footer", "the end-of-file marker is missing"));
    }
    if le_u64(f, 8) != header.file_len || le_u64(f, 16) != header.table_hash {
        return Err(damaged("footer", "it does not match the header"));
    }

    let table_len = (header.section_count as u64).checked_mul(ENTRY_LEN as u64);
    let table_end = table_len.and_then(|l| l.checked_add(header.table_offset));
    let body_end = header.file_len - FOOTER_LEN as u64;
    let Some(table_end) =
        table_end.filter(|&e| header.table_offset >= HEADER_LEN as u64 && e <= body_end)
    else {
        return Err(damaged(
            "section table",
            format!(
                "{} entries at offset {} do not fit the file",
                header.section_count, header.table_offset
            ),
        ));
    };
    let table = &bytes[header.table_offset as usize..table_end as usize];
    let computed = xxh3_64(table);
    if computed != header.table_hash {
        return Err(damaged(
            "section table",
            format!(
                "checksum mismatch (stored {:016x}, computed {computed:016x})",
                header.table_hash
            ),
        ));
    }

    let mut entries = Vec::with_capacity(header.section_count as usize);
    for chunk in table.chunks_exact(ENTRY_LEN) {
        let mut raw = [0u8; ENTRY_LEN];
        raw.copy_from_slice(chunk);
        entries.push(Entry::decode(&raw));
    }
    let mut by_offset: Vec<&Entry> = entries.iter().collect();
    by_offset.sort_by_key(|e| e.offset);
    let mut prev_end = table_end;
    for e in by_offset {
        let end = e.offset.saturating_add(e.len);
        if e.offset % ALIGN as u64 != 0 {
            return Err(bad_section(
                e.name(),
                format!("offset {} is not a multiple of {ALIGN}", e.offset),
            ));
        }
        if e.offset < prev_end || end > body_end {
            return Err(bad_section(
                e.name(),
                format!("bytes {}..{end} overlap another part of the file", e.offset),
            ));
        }
        prev_end = end;
    }
    Ok((header, entries))
}

/// Checks that every array has the length the counts require, so that
/// later reads can rely on shapes (never on contents).
fn check_shapes(
    header: &Header,
    m: &Manifest,
    spans: &[Span; SLOTS],
    column_entries: &[(SectionKind, u16, Span)],
) -> Result<Vec<ColumnSpans>, OpenError> {
    use SectionKind::*;
    let n = m.node_count as u64;
    if n != header.node_count {
        return Err(bad_section(
            "manifest",
            format!("node count {n} differs from the header's {}", header.node_count),
        ));
    }
    if m.access_edges.checked_add(m.other_edges) != Some(header.edge_count) {
        return Err(bad_section(
            "manifest",
            format!("edge counts differ from the header's {}", header.edge_count),
        ));
    }
    let expect = |kind: SectionKind, width: u64, count: u64| -> Result<(), OpenError> {
        let len = spans[kind as usize].len as u64;
        if Some(len) != width.checked_mul(count) {
            return Err(bad_section(
                kind.name(),
                format!("is {len} bytes, expected {count} x {width}"),
            ));
        }
        Ok(())
    };
    let s = m.string_count;
    // Counts come from the file: a huge one must fail the check, not
    // overflow (saturating keeps `count` impossible to match).
    expect(StrOffsets, 8, s.saturating_add(1))?;
    for k in [NodeId, NodeName, NodeSystem, IdIndex, SccId] {
        expect(k, 4, n)?;
    }
    expect(NameIndex, 4, m.named_count as u64)?;
    for (group, count) in [
        ([AccFwdOff, AccFwdTgt, AccFwdKind, AccRevOff, AccRevTgt, AccRevKind], m.access_edges),
        ([OthFwdOff, OthFwdTgt, OthFwdKind, OthRevOff, OthRevTgt, OthRevKind], m.other_edges),
    ] {
        expect(group[0], 4, n + 1)?;
        expect(group[1], 4, count)?;
        expect(group[2], 2, count)?;
        expect(group[3], 4, n + 1)?;
        expect(group[4], 4, count)?;
        expect(group[5], 2, count)?;
    }
    expect(CompOff, 4, m.components as u64 + 1)?;
    expect(CompTgt, 4, m.component_edges)?;

    // Kind ranges tile 0..n in order.
    let mut at = 0u32;
    for k in &m.node_kinds {
        if k.start != at || k.end < k.start {
            return Err(bad_section(
                "manifest",
                format!(
                    "node kind {:?} covers {}..{}, expected to start at {at}",
                    k.name, k.start, k.end
                ),
            ));
        }
        at = k.end;
    }
    if at as u64 != n {
        return Err(bad_section("manifest", format!("node kinds cover {at} nodes of {n}")));
    }
    if m.edge_kinds.len() < EdgeKind::BUILTIN.len() || m.edge_kinds.len() > u16::MAX as usize {
        return Err(bad_section("manifest", format!("{} edge kinds", m.edge_kinds.len())));
    }
    if m.system_bitmaps.len() != m.systems.len() {
        return Err(bad_section("manifest", "systems and their bitmaps differ in number"));
    }
    let blob = spans[Bitmaps as usize].len as u64;
    for (i, b) in m.bitmaps.iter().enumerate() {
        if b.offset.checked_add(b.len).is_none_or(|end| end > blob) {
            return Err(bad_section(
                "bitmaps",
                format!("bitmap {i} at {}+{} is outside the section", b.offset, b.len),
            ));
        }
    }
    let bitmap_ok = |i: u32| (i as usize) < m.bitmaps.len();
    if !m.system_bitmaps.iter().all(|&i| bitmap_ok(i)) {
        return Err(bad_section("manifest", "a system bitmap number is out of range"));
    }

    let mut columns = vec![ColumnSpans::default(); m.columns.len()];
    let mut seen = vec![[false; 5]; m.columns.len()];
    for &(kind, index, span) in column_entries {
        let name = format!("{} #{index}", kind.name());
        let Some(slot) = columns.get_mut(index as usize) else {
            return Err(bad_section(name, "names a property column the manifest does not have"));
        };
        let which = kind as usize - PropOwners as usize;
        if std::mem::replace(&mut seen[index as usize][which], true) {
            return Err(bad_section(name, "appears twice in the section table"));
        }
        match kind {
            PropOwners => slot.owners = span,
            PropValues => slot.values = span,
            PropSortedValues => slot.sorted_values = span,
            PropSortedOwners => slot.sorted_owners = span,
            _ => slot.items = span,
        }
    }
    for (i, col) in m.columns.iter().enumerate() {
        let c = &columns[i];
        let bad =
            |detail: String| bad_section(format!("property column #{i} ({:?})", col.key), detail);
        let check = |span: Span, width: u64, count: u64, what: &str| -> Result<(), OpenError> {
            if Some(span.len as u64) != width.checked_mul(count) {
                return Err(bad(format!(
                    "{what} is {} bytes, expected {count} x {width}",
                    span.len
                )));
            }
            Ok(())
        };
        match ColumnType::from_u8(col.ty) {
            Some(ColumnType::Bool) => {
                if !bitmap_ok(col.true_bitmap) || !bitmap_ok(col.has_bitmap) {
                    return Err(bad("bitmap number out of range".into()));
                }
            }
            Some(ColumnType::Int | ColumnType::Time) => {
                check(c.owners, 4, col.count, "owners")?;
                check(c.values, 8, col.count, "values")?;
                check(c.sorted_values, 8, col.count, "sorted values")?;
                check(c.sorted_owners, 4, col.count, "sorted owners")?;
            }
            Some(ColumnType::Str) => {
                check(c.owners, 4, col.count, "owners")?;
                check(c.values, 4, col.count, "values")?;
                check(c.sorted_values, 4, col.count, "sorted values")?;
                check(c.sorted_owners, 4, col.count, "sorted owners")?;
            }
            Some(ColumnType::StrList) => {
                check(c.owners, 4, col.count, "owners")?;
                check(c.values, 4, col.count.saturating_add(1), "list offsets")?;
                check(c.items, 4, col.items, "items")?;
            }
            None => return Err(bad(format!("unknown value type {}", col.ty))),
        }
    }
    Ok(columns)
}
