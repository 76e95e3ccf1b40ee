//! The bounds every reader keeps, so that a hostile or broken export can
//! neither exhaust memory or the stack nor hang the process: it is refused
//! with [`IngestError::Limit`](super::IngestError::Limit) (or, for single
//! records, skipped) naming the file and the place.
//!
//! | threat | bound | where it is checked | what happens |
//! |---|---|---|---|
//! | a huge file | [`Limits::max_input`] (8 GiB) | before a file is read: its size on disk; every reader (and the zip reader) again on its bytes; each zip entry while it expands | refused, naming the file, before the bytes are read into memory |
//! | a zip bomb | [`Limits::max_zip_ratio`] (200) and `max_input` | while each entry is decompressed, 64 KiB at a time, whatever the entry's header claims | refused as soon as the entry grows past the bound, naming `archive.zip!entry` |
//! | zip entries that escape (`../x`, `/etc/x`, `C:\x`) | none needed: entries are never written to disk | every entry name | the entry is skipped and reported (an error in strict mode) |
//! | JSON nested thousands deep | [`Limits::max_depth`] (128, also `serde_json`'s own cap) | a flat scan of the bytes before any parser runs | refused, naming the line and byte; no recursion happens |
//! | a line of hundreds of MB | [`Limits::max_line`] (16 MiB) | LDIF lines (folded lines joined) and CSV rows (bundle, credential report) | refused, naming the line |
//! | billions of members claimed in a count field (`meta.count`, `totalResults`, `itemsPerPage`) | no pre-allocation from any count in the input: collections grow with the records actually present | SharpHound, SCIM | a count that disagrees with the records is a warning |
//! | invalid UTF-8 | none needed | every reader | refused as malformed, or the record skipped, naming the file and the line (JSON: line and column) |
//! | duplicate keys in a JSON object | none needed | JSON readers | the document is read, one of the values kept (for documents parsed whole, the last) |
//!
//! Memory stays proportional to the input: a reader holds the file's bytes
//! and, for JSON, the parsed document (a few times the input size), so
//! `max_input` is also the knob for machines with little memory. The
//! limits are checked, not assumed: `aisf-core/tests/hostile_inputs.rs`
//! feeds each case to every reader it applies to, and the fuzz targets run
//! with small limits so that the refusing paths are exercised too.

/// Bounds that keep hostile inputs from exhausting memory or the stack.
///
/// Every reader checks the ones that apply to it and reports a breach as
/// [`IngestError::Limit`](super::IngestError::Limit) naming the place; the
/// [module documentation](self) lists which reader checks what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest JSON nesting accepted.
    pub max_depth: usize,
    /// Longest line accepted in line-oriented formats, in bytes.
    pub max_line: usize,
    /// Largest single input (file or zip entry, after decompression), in bytes.
    pub max_input: u64,
    /// Largest ratio of decompressed to compressed size for a zip entry.
    pub max_zip_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_depth: 128, max_line: 16 << 20, max_input: 8 << 30, max_zip_ratio: 200 }
    }
}
