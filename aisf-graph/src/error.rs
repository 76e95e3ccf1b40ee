//! Errors of building, opening and verifying snapshots.

use std::path::PathBuf;

/// Why a snapshot could not be built or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Edges name nodes the graph does not hold (the first few are listed).
    #[error("{count} edge end(s) name unknown nodes, for example {examples}")]
    UnknownNodes {
        /// How many edge ends were unknown.
        count: usize,
        /// A few of them, as `kind src -> dst`.
        examples: String,
    },
    /// One open edge kind was given both with and without access.
    #[error("edge kind {name:?} is marked both as granting access and as not granting it")]
    ConflictingEdgeKind {
        /// The kind's name.
        name: String,
    },
    /// The graph is larger than the format's 32-bit ids allow.
    #[error("too many {what}: {count} (the format allows {max})")]
    TooLarge {
        /// Nodes, edges or strings.
        what: &'static str,
        /// How many there were.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// Writing the file failed; any existing file at the path is untouched.
    #[error("{}: cannot write snapshot: {source}", path.display())]
    Io {
        /// The target path.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

/// Why a snapshot could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not an AISF snapshot.
    #[error("not an aisf snapshot: {0}")]
    NotASnapshot(String),
    /// The file was written by a newer major version of the format.
    #[error(
        "snapshot format version {major}.{minor} is newer than this build reads ({supported}.x): \
         upgrade aisf or rebuild the snapshot"
    )]
    NewerVersion {
        /// The file's major version.
        major: u16,
        /// The file's minor version.
        minor: u16,
        /// The major version this build reads.
        supported: u16,
    },
    /// The file is shorter or longer than its header says.
    #[error("snapshot is truncated or extended: header says {expected} bytes, file has {found}")]
    Truncated {
        /// The length the header records.
        expected: u64,
        /// The length found.
        found: u64,
    },
    /// A fixed part of the file (header, section table, footer) is damaged.
    #[error("snapshot {part} is damaged: {detail}")]
    Damaged {
        /// Which part.
        part: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// A section is out of place or of the wrong size.
    #[error("section {section}: {detail}")]
    Section {
        /// The section's name.
        section: String,
        /// What was wrong, with the numbers.
        detail: String,
    },
}

/// Why a full verification failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A section's bytes do not match its checksum.
    #[error(
        "section {section}: checksum mismatch (stored {stored:016x}, computed {computed:016x})"
    )]
    Checksum {
        /// The section's name.
        section: String,
        /// The checksum in the table.
        stored: u64,
        /// The checksum of the bytes.
        computed: u64,
    },
    /// A section's contents break an invariant of the format.
    #[error("section {section}: {detail}")]
    Invariant {
        /// The section's name.
        section: String,
        /// What was wrong, with the numbers.
        detail: String,
    },
}

/// Any AISF engine error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Building a snapshot failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// Opening a snapshot failed.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Verifying a snapshot failed.
    #[error(transparent)]
    Verify(#[from] VerifyError),
}
