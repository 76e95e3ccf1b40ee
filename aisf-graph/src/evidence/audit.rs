//! The audit log: one JSON line per scan, hash-chained, append-only.
//!
//! Each line is an [`AuditEntry`]: its number (`seq`, from 1), the time it
//! was written, the SHA-256 of the snapshot file and of the policy, the
//! scan's counts, the `prev` hash (the previous line's `hash`; 64 zeros on
//! the first line) and its own `hash`:
//!
//! ```text
//! hash = hex(SHA-256(prev || "\n" || the line's JSON without the hash field))
//! ```
//!
//! where the JSON is the entry's fields in their fixed order, compact. A
//! changed, removed, reordered or inserted line breaks the chain from that
//! line on; [`verify`] names the first line that does not check (a line
//! must also be exactly the compact JSON AISF writes, so even a change of
//! spacing shows). [`append`]
//! verifies the chain first, refuses to extend a broken one, and adds one
//! line with a single write to a file opened for appending: an existing
//! line is never rewritten.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One scan, as the audit log records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The line number, from 1.
    pub seq: u64,
    /// When the entry was written, RFC 3339 UTC.
    pub time: String,
    /// The scan's evaluation time, RFC 3339 UTC.
    pub scan_time: String,
    /// SHA-256 of the snapshot file, hex.
    pub snapshot_sha256: String,
    /// SHA-256 of the policy (its canonical JSON form), hex.
    pub policy_sha256: String,
    /// Findings in all.
    pub findings: u64,
    /// Findings per severity.
    pub by_severity: BTreeMap<String, u64>,
    /// Findings per rule that ran.
    pub by_rule: BTreeMap<String, u64>,
    /// Findings silenced by exceptions.
    pub silenced: u64,
    /// The previous entry's hash.
    pub prev: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    /// The hash the entry should have, from its fields and `prev`.
    pub fn compute_hash(&self) -> String {
        let mut body = self.clone();
        body.hash = String::new();
        let json = serde_json::to_string(&body).unwrap_or_default();
        let mut h = Sha256::new();
        h.update(self.prev.as_bytes());
        h.update(b"\n");
        h.update(json.as_bytes());
        hex(&h.finalize())
    }

    /// Sets `seq`, `prev` and `hash` to follow `last` (or start a log).
    pub fn chain_after(&mut self, last: Option<&AuditEntry>) {
        self.seq = last.map_or(1, |l| l.seq + 1);
        self.prev = last.map_or_else(|| GENESIS.to_string(), |l| l.hash.clone());
        self.hash = self.compute_hash();
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of bytes, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Why an audit log does not check or cannot be extended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The log file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A line does not check.
    #[error("{}:{line}: {problem} (the log was changed after it was written)", path.display())]
    Tampered {
        /// The log file.
        path: PathBuf,
        /// The line number, from 1.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
}

/// Checks every line of a log; returns its entries. A missing file is an
/// empty log.
///
/// # Errors
///
/// [`AuditError::Tampered`] naming the first line that is not valid JSON,
/// is out of sequence, does not name the previous line's hash, or whose
/// hash does not match its content; [`AuditError::Io`] if it cannot be
/// read.
pub fn verify(path: &Path) -> Result<Vec<AuditEntry>, AuditError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(AuditError::Io { path: path.into(), source }),
    };
    verify_text(&text, path)
}

/// [`verify`] on a log's text; `path` names it in errors.
///
/// # Errors
///
/// As [`verify`].
pub fn verify_text(text: &str, path: &Path) -> Result<Vec<AuditEntry>, AuditError> {
    let bad =
        |line: usize, problem: String| AuditError::Tampered { path: path.into(), line, problem };
    let mut out: Vec<AuditEntry> = Vec::new();
    if !text.is_empty() && !text.ends_with('\n') {
        let n = text.lines().count();
        return Err(bad(n, "the last line is incomplete".into()));
    }
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let entry: AuditEntry =
            serde_json::from_str(line).map_err(|e| bad(n, format!("not an audit entry: {e}")))?;
        if entry.seq != n as u64 {
            return Err(bad(n, format!("sequence number {} where {n} was expected", entry.seq)));
        }
        let prev = out.last().map_or(GENESIS, |l| l.hash.as_str());
        if entry.prev != prev {
            return Err(bad(n, "its prev does not match the previous line's hash".into()));
        }
        if entry.compute_hash() != entry.hash {
            return Err(bad(n, "its hash does not match its content".into()));
        }
        if serde_json::to_string(&entry).ok().as_deref() != Some(line) {
            return Err(bad(n, "it is not byte for byte the line AISF wrote".into()));
        }
        out.push(entry);
    }
    Ok(out)
}

/// Appends an entry to the log at `path` (created if missing), after
/// checking the chain; sets the entry's `seq`, `prev` and `hash`.
///
/// # Errors
///
/// As [`verify`] when the existing log does not check (nothing is
/// written), or [`AuditError::Io`] if the line cannot be written.
pub fn append(path: &Path, entry: &mut AuditEntry) -> Result<(), AuditError> {
    let existing = verify(path)?;
    entry.chain_after(existing.last());
    let mut line = serde_json::to_string(&entry).unwrap_or_default();
    line.push('\n');
    let io = |source| AuditError::Io { path: path.into(), source };
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
    file.write_all(line.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(findings: u64) -> AuditEntry {
        AuditEntry {
            seq: 0,
            time: "2025-03-01T09:00:00Z".into(),
            scan_time: "2025-03-01T09:00:00Z".into(),
            snapshot_sha256: sha256(b"snapshot"),
            policy_sha256: sha256(b"policy"),
            findings,
            by_severity: BTreeMap::from([("high".into(), findings)]),
            by_rule: BTreeMap::new(),
            silenced: 0,
            prev: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_chain_of_three_verifies_and_an_edited_middle_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        for n in [3, 4, 5] {
            append(&path, &mut entry(n)).unwrap();
        }
        let entries = verify(&path).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].prev, GENESIS);
        assert_eq!(entries[2].prev, entries[1].hash);

        // Edit the middle line: 4 findings become 0.
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let edited = lines[1].replace("\"findings\":4", "\"findings\":0");
        assert_ne!(edited, lines[1]);
        let tampered = format!("{}\n{}\n{}\n", lines[0], edited, lines[2]);
        std::fs::write(&path, &tampered).unwrap();
        let err = verify(&path).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("audit.jsonl:2:"), "{msg}");
        assert!(matches!(err, AuditError::Tampered { line: 2, .. }));
        // Nothing is appended to a broken log.
        assert!(append(&path, &mut entry(6)).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), tampered);

        // Recomputing the edited line's hash does not help: the next line
        // names the old one.
        let mut e: AuditEntry = serde_json::from_str(&edited).unwrap();
        e.hash = e.compute_hash();
        let rehashed = serde_json::to_string(&e).unwrap();
        std::fs::write(&path, format!("{}\n{}\n{}\n", lines[0], rehashed, lines[2])).unwrap();
        assert!(matches!(verify(&path), Err(AuditError::Tampered { line: 3, .. })));

        // A removed line breaks the sequence.
        std::fs::write(&path, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert!(matches!(verify(&path), Err(AuditError::Tampered { line: 2, .. })));
    }

    #[test]
    fn appending_never_rewrites_earlier_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        append(&path, &mut entry(1)).unwrap();
        let first = std::fs::read(&path).unwrap();
        append(&path, &mut entry(2)).unwrap();
        let both = std::fs::read(&path).unwrap();
        assert!(both.starts_with(&first));
        assert!(verify(Path::new("/nonexistent/aisf/log.jsonl")).unwrap().is_empty());
        std::fs::write(&path, b"{\"seq\":1").unwrap();
        assert!(matches!(verify(&path), Err(AuditError::Tampered { line: 1, .. })));
    }
}
