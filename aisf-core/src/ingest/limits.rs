//! The bounds every reader keeps, so that a hostile or broken export can
//! neither exhaust memory or the stack nor hang the process: it is refused
//! with [`IngestError::Limit`](super::IngestError::Limit) (or, for single
//! records, skipped) naming the file and the place.
//!
//! - **A huge file**: [`Limits::max_input`] (default 8 GiB). Checked on
//!   the size on disk before a file is read (so it is never loaded), by
//!   every reader and the zip reader again on the bytes they are given, and
//!   on each zip entry while it expands. Refused, naming the file.
//! - **A zip bomb**: [`Limits::max_zip_ratio`] (default 200) and
//!   `max_input`, checked while each entry is decompressed, 64 KiB at a
//!   time, whatever the entry's header claims. Refused as soon as the entry
//!   grows past either bound, naming `archive.zip!entry`.
//! - **Zip entries that escape** (`../x`, `/etc/x`, `C:\x`): entries are
//!   never written to disk, and such names are refused anyway: a skip
//!   naming the entry (an error in strict mode).
//! - **JSON nested thousands deep**: [`Limits::max_depth`] (default 128,
//!   also `serde_json`'s own cap), checked by a flat scan of the bytes
//!   before any parser runs, so nothing recurses. Refused, naming the line
//!   or byte.
//! - **A line of hundreds of MB**: [`Limits::max_line`] (default 16 MiB),
//!   checked on LDIF lines (folded lines joined) and CSV rows (the bundle,
//!   the credential report). Refused, naming the line. JSON is not
//!   line-oriented: `max_input` bounds it.
//! - **Billions of members claimed in a count field** (`meta.count`,
//!   `totalResults`, `itemsPerPage`): no allocation is sized from a count
//!   in the input; collections grow with the records actually present. A
//!   count that disagrees with the records is a warning.
//! - **Invalid UTF-8**: refused as malformed, or the record skipped,
//!   naming the file and the line (JSON: line and column).
//! - **Duplicate keys in a JSON object**: the document is read and one of
//!   the values kept (for documents parsed whole, the last).
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
