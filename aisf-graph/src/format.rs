//! The `.aisf` snapshot file format, version 1.0.
//!
//! A snapshot is written once and never changed: a new state of an
//! organisation is a new file, swapped in by an atomic rename. Readers map
//! the file and read its arrays in place.
//!
//! # Layout
//!
//! ```text
//!  offset 0                                                     file_len
//!  +--------+---------------+-----------+-----------+-----+--------+
//!  | header | section table | section 0 | section 1 | ... | footer |
//!  +--------+---------------+-----------+-----------+-----+--------+
//!   256 B    32 B per entry   each starts on a 64-byte boundary   64 B
//! ```
//!
//! All integers are little-endian. A reader on a big-endian machine refuses
//! to build (the arrays are read in place).
//!
//! ## Header (256 bytes at offset 0)
//!
//! ```text
//!  0      8      10     12     16             24             32
//!  +------+------+------+------+--------------+--------------+
//!  | magic| major| minor|endian| flags        | file_len     |
//!  +------+------+------+------+--------------+--------------+
//!  32     36     40            48             56             64
//!  +------+------+-------------+--------------+--------------+
//!  |nsect |hdrlen| table_off   | node_count   | edge_count   |
//!  +------+------+-------------+--------------+--------------+
//!  64            72                           248           256
//!  +-------------+----------- zero -----------+--------------+
//!  | table_hash  |                            | header_hash  |
//!  +-------------+----------------------------+--------------+
//! ```
//!
//! - `magic` is `89 41 49 53 46 0D 0A 1A` (`\x89AISF\r\n\x1a`): the high
//!   byte catches 7-bit transfers, CR LF catches newline conversion.
//! - `major` changes when a reader of the previous major could misread the
//!   file; `minor` when sections were added that older readers may ignore.
//!   This build reads major [`VERSION_MAJOR`] and any minor.
//! - `endian` is `0x01020304` as written by a little-endian machine.
//! - `flags` holds incompatible feature bits; a reader refuses bits it does
//!   not know. Version 1.0 defines none.
//! - `table_hash` is the XXH3-64 of the section table bytes;
//!   `header_hash` the XXH3-64 of header bytes `0..248`.
//!
//! ## Section table (at `table_off`, `nsect` entries of 32 bytes)
//!
//! ```text
//!  0      2      4      8              16             24             32
//!  +------+------+------+--------------+--------------+--------------+
//!  | kind | index| zero | offset       | len          | checksum     |
//!  +------+------+------+--------------+--------------+--------------+
//! ```
//!
//! `kind` says what the section holds ([`SectionKind`]); `index` tells apart
//! sections of one kind (the property column they belong to). The checksum
//! is [`section_hash`]: the XXH3-64 of the section's bytes seeded with its
//! kind and index, so that two sections of the same shape exchanged in the
//! table (by a tool that then recomputed the table's own checksum) fail
//! verification instead of being read under each other's label. Sections do
//! not overlap, start on 64-byte boundaries and end before the footer.
//! Unknown kinds are ignored, so a minor version may add sections.
//!
//! ## Footer (the last 64 bytes)
//!
//! ```text
//!  0              8              16             24             64
//!  +--------------+--------------+--------------+----- zero ----+
//!  | "AISFEND\0"  | file_len     | table_hash   |               |
//!  +--------------+--------------+--------------+---------------+
//! ```
//!
//! A file cut short loses its footer, and its length no longer matches
//! `file_len` in the header: both are checked at open.
//!
//! # Sections
//!
//! Node ids are dense `u32`, clustered by kind (persons, accounts, groups,
//! roles, entitlements, resources, systems, then the open kinds by name), so
//! that a node's kind is a range check. `n` is the node count.
//!
//! - `Manifest`: rkyv archive of [`crate::manifest::Manifest`]: kind ranges, edge kinds, systems,
//!   property columns, bitmap directory, counts
//! - `StrOffsets`: `u64[s + 1]`: string `i` is `StrBytes[off[i]..off[i+1]]`
//! - `StrBytes`: UTF-8 bytes of every string, sorted and deduplicated, so string ids order like the
//!   strings
//! - `NodeId`: `u32[n]`: the string id of each node's id
//! - `NodeName`: `u32[n]`: the string id of each node's name, or `u32::MAX`
//! - `NodeSystem`: `u32[n]`: the index into the manifest's systems, or `u32::MAX`
//! - `IdIndex`: `u32[n]`: node ids ordered by their id string (binary search)
//! - `NameIndex`: `u32[k]`: named nodes ordered by (name, node)
//! - `{Acc,Oth}{Fwd,Rev}Off`: `u32[n + 1]`: CSR row offsets
//! - `{Acc,Oth}{Fwd,Rev}Tgt`: `u32[m]`: the other end of each edge
//! - `{Acc,Oth}{Fwd,Rev}Kind`: `u16[m]`: the edge kind of each edge
//! - `SccId`: `u32[n]`: the strongly connected component of each node over access edges
//! - `CompOff`, `CompTgt`: CSR of the condensation: component `c` to the components it reaches in
//!   one step
//! - `Bitmaps`: roaring bitmaps in the portable format, located by the manifest
//! - `PropOwners`, `PropValues`, `PropSortedValues`, `PropSortedOwners`, `PropListItems`: property
//!   columns (below)
//!
//! Edges are kept in two groups: the access group (kinds through which
//! access flows: memberships, role assignments, grants, entitlement on
//! resource, open kinds marked as access) and the other group (ownership,
//! correlation, manager, system, the rest). Each group has a forward CSR
//! (by source) and a reverse CSR (by target); rows are sorted by (kind,
//! other end) and hold no duplicates. Traversals read the access group
//! without looking at kinds.
//!
//! Components are numbered in the order Tarjan's algorithm completes them,
//! which is a reverse topological order: every condensation edge goes from
//! a higher component number to a lower one.
//!
//! ## Property columns
//!
//! A column holds one property name with one value type, for nodes or for
//! edges (an edge's owner number is its position in the forward access
//! arrays, or the access edge count plus its position in the forward other
//! arrays). `PropOwners` lists owners in increasing order; `PropValues` is
//! aligned with it (`i64` for int and time, `u32` string ids for strings,
//! `u32[c + 1]` offsets into `PropListItems` for string lists);
//! `PropSortedValues` and `PropSortedOwners` hold the same pairs ordered by
//! value, for range and equality predicates. Boolean columns are two
//! bitmaps instead: the owners whose value is true, and the owners that
//! have the property at all.
//!
//! # What open checks, and what it costs
//!
//! [`Snapshot::open`](crate::Snapshot::open) reads the header, section table,
//! footer and manifest, and checks every section's bounds, alignment and
//! length against the counts: work proportional to the number of sections,
//! not to the file. It does not read the arrays. Queries never index out of
//! bounds whatever the arrays hold (a damaged file gives wrong answers, not
//! a crash). [`Snapshot::verify`](crate::Snapshot::verify) checks every
//! section's checksum and the structural invariants (monotone offsets, ends
//! in range, sorted rows, sorted string table, component order): use it for
//! files from elsewhere. The command line verifies by default.
//!
//! # Compatibility
//!
//! - A newer minor version opens: unknown sections are ignored.
//! - A newer major version is refused with an error naming both versions.
//! - Older majors: there are none yet; when version 2 comes, version 1
//!   files will be read by a compatibility path or refused with advice to
//!   rebuild the snapshot from its sources.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"\x89AISF\r\n\x1a";
/// The last section of the file starts with this.
pub const FOOTER_MAGIC: [u8; 8] = *b"AISFEND\0";
/// The major version this build writes and reads.
pub const VERSION_MAJOR: u16 = 1;
/// The minor version this build writes.
pub const VERSION_MINOR: u16 = 0;
/// The endianness check value.
pub const ENDIAN_CHECK: u32 = 0x0102_0304;
/// Size of the header.
pub const HEADER_LEN: usize = 256;
/// Size of one section table entry.
pub const ENTRY_LEN: usize = 32;
/// Size of the footer.
pub const FOOTER_LEN: usize = 64;
/// Every section starts on a multiple of this.
pub const ALIGN: usize = 64;
/// Marks an absent name, system or string.
pub const NONE: u32 = u32::MAX;

#[cfg(target_endian = "big")]
compile_error!("aisf-graph reads snapshot arrays in place and supports little-endian targets only");

/// The checksum of a section: XXH3-64 of its bytes with the seed
/// `kind << 16 | index`, which binds the bytes to the table row naming them.
pub fn section_hash(kind: u16, index: u16, data: &[u8]) -> u64 {
    xxh3_64_with_seed(data, (u64::from(kind) << 16) | u64::from(index))
}

/// What a section holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
#[allow(missing_docs)]
pub enum SectionKind {
    Manifest = 1,
    StrOffsets = 2,
    StrBytes = 3,
    NodeId = 4,
    NodeName = 5,
    NodeSystem = 6,
    IdIndex = 7,
    NameIndex = 8,
    AccFwdOff = 10,
    AccFwdTgt = 11,
    AccFwdKind = 12,
    AccRevOff = 13,
    AccRevTgt = 14,
    AccRevKind = 15,
    OthFwdOff = 16,
    OthFwdTgt = 17,
    OthFwdKind = 18,
    OthRevOff = 19,
    OthRevTgt = 20,
    OthRevKind = 21,
    SccId = 30,
    CompOff = 31,
    CompTgt = 32,
    Bitmaps = 40,
    PropOwners = 50,
    PropValues = 51,
    PropSortedValues = 52,
    PropSortedOwners = 53,
    PropListItems = 54,
}

impl SectionKind {
    /// Every kind this build knows.
    pub const ALL: [SectionKind; 29] = [
        SectionKind::Manifest,
        SectionKind::StrOffsets,
        SectionKind::StrBytes,
        SectionKind::NodeId,
        SectionKind::NodeName,
        SectionKind::NodeSystem,
        SectionKind::IdIndex,
        SectionKind::NameIndex,
        SectionKind::AccFwdOff,
        SectionKind::AccFwdTgt,
        SectionKind::AccFwdKind,
        SectionKind::AccRevOff,
        SectionKind::AccRevTgt,
        SectionKind::AccRevKind,
        SectionKind::OthFwdOff,
        SectionKind::OthFwdTgt,
        SectionKind::OthFwdKind,
        SectionKind::OthRevOff,
        SectionKind::OthRevTgt,
        SectionKind::OthRevKind,
        SectionKind::SccId,
        SectionKind::CompOff,
        SectionKind::CompTgt,
        SectionKind::Bitmaps,
        SectionKind::PropOwners,
        SectionKind::PropValues,
        SectionKind::PropSortedValues,
        SectionKind::PropSortedOwners,
        SectionKind::PropListItems,
    ];

    /// The kind with this number, if this build knows it.
    pub fn from_u16(v: u16) -> Option<SectionKind> {
        SectionKind::ALL.iter().copied().find(|k| *k as u16 == v)
    }

    /// The name error messages use.
    pub fn name(self) -> &'static str {
        match self {
            SectionKind::Manifest => "manifest",
            SectionKind::StrOffsets => "string offsets",
            SectionKind::StrBytes => "string bytes",
            SectionKind::NodeId => "node ids",
            SectionKind::NodeName => "node names",
            SectionKind::NodeSystem => "node systems",
            SectionKind::IdIndex => "id index",
            SectionKind::NameIndex => "name index",
            SectionKind::AccFwdOff => "access forward offsets",
            SectionKind::AccFwdTgt => "access forward targets",
            SectionKind::AccFwdKind => "access forward kinds",
            SectionKind::AccRevOff => "access reverse offsets",
            SectionKind::AccRevTgt => "access reverse targets",
            SectionKind::AccRevKind => "access reverse kinds",
            SectionKind::OthFwdOff => "other forward offsets",
            SectionKind::OthFwdTgt => "other forward targets",
            SectionKind::OthFwdKind => "other forward kinds",
            SectionKind::OthRevOff => "other reverse offsets",
            SectionKind::OthRevTgt => "other reverse targets",
            SectionKind::OthRevKind => "other reverse kinds",
            SectionKind::SccId => "component ids",
            SectionKind::CompOff => "condensation offsets",
            SectionKind::CompTgt => "condensation targets",
            SectionKind::Bitmaps => "bitmaps",
            SectionKind::PropOwners => "property owners",
            SectionKind::PropValues => "property values",
            SectionKind::PropSortedValues => "property sorted values",
            SectionKind::PropSortedOwners => "property sorted owners",
            SectionKind::PropListItems => "property list items",
        }
    }
}

/// One row of the section table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The raw kind number (unknown kinds are kept, then ignored).
    pub kind: u16,
    /// Which column or instance of the kind.
    pub index: u16,
    /// Byte offset from the start of the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// The section's checksum ([`section_hash`]).
    pub hash: u64,
}

impl Entry {
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.kind.to_le_bytes());
        out.extend_from_slice(&self.index.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.hash.to_le_bytes());
    }

    pub(crate) fn decode(b: &[u8; ENTRY_LEN]) -> Entry {
        Entry {
            kind: u16::from_le_bytes([b[0], b[1]]),
            index: u16::from_le_bytes([b[2], b[3]]),
            offset: le_u64(b, 8),
            len: le_u64(b, 16),
            hash: le_u64(b, 24),
        }
    }

    /// The section's name, for messages.
    pub fn name(&self) -> String {
        match SectionKind::from_u16(self.kind) {
            Some(k) if k >= SectionKind::PropOwners => format!("{} #{}", k.name(), self.index),
            Some(k) => k.name().to_string(),
            None => format!("unknown section kind {}", self.kind),
        }
    }
}

/// The fields of the header that are not constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The major version.
    pub major: u16,
    /// The minor version.
    pub minor: u16,
    /// Incompatible feature bits.
    pub flags: u64,
    /// The whole file's length.
    pub file_len: u64,
    /// Number of section table entries.
    pub section_count: u32,
    /// Where the section table starts.
    pub table_offset: u64,
    /// Number of nodes.
    pub node_count: u64,
    /// Number of edges (both groups).
    pub edge_count: u64,
    /// XXH3-64 of the section table.
    pub table_hash: u64,
}

impl Header {
    pub(crate) fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..8].copy_from_slice(&MAGIC);
        b[8..10].copy_from_slice(&self.major.to_le_bytes());
        b[10..12].copy_from_slice(&self.minor.to_le_bytes());
        b[12..16].copy_from_slice(&ENDIAN_CHECK.to_le_bytes());
        b[16..24].copy_from_slice(&self.flags.to_le_bytes());
        b[24..32].copy_from_slice(&self.file_len.to_le_bytes());
        b[32..36].copy_from_slice(&self.section_count.to_le_bytes());
        b[36..40].copy_from_slice(&(HEADER_LEN as u32).to_le_bytes());
        b[40..48].copy_from_slice(&self.table_offset.to_le_bytes());
        b[48..56].copy_from_slice(&self.node_count.to_le_bytes());
        b[56..64].copy_from_slice(&self.edge_count.to_le_bytes());
        b[64..72].copy_from_slice(&self.table_hash.to_le_bytes());
        let hash = xxh3_64(&b[..248]);
        b[248..256].copy_from_slice(&hash.to_le_bytes());
        b
    }
}

pub(crate) fn encode_footer(file_len: u64, table_hash: u64) -> [u8; FOOTER_LEN] {
    let mut b = [0u8; FOOTER_LEN];
    b[0..8].copy_from_slice(&FOOTER_MAGIC);
    b[8..16].copy_from_slice(&file_len.to_le_bytes());
    b[16..24].copy_from_slice(&table_hash.to_le_bytes());
    b
}

pub(crate) fn le_u16(b: &[u8], at: usize) -> u16 {
    let mut v = [0u8; 2];
    v.copy_from_slice(&b[at..at + 2]);
    u16::from_le_bytes(v)
}

pub(crate) fn le_u32(b: &[u8], at: usize) -> u32 {
    let mut v = [0u8; 4];
    v.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(v)
}

pub(crate) fn le_u64(b: &[u8], at: usize) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(v)
}

/// Rounds up to the next section boundary.
pub(crate) fn align_up(v: u64) -> u64 {
    v.div_ceil(ALIGN as u64) * ALIGN as u64
}
