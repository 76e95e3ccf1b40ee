//! Damaged snapshots, systematically: cut short at every section boundary
//! and at pseudo-random offsets, a bit flipped in every section, sections
//! swapped in the table, a header from a newer version. Each must be
//! refused, by `open` or by `verify` (each case says which), with an error
//! naming the section or the problem, and nothing may panic.
//!
//! `against_naive.rs` already flips one random bit and cuts at one random
//! offset per generated graph; this file covers every section of one
//! realistic snapshot (the generated demo organisation, which has every
//! section kind and many property columns), on disk as well as in memory.

use aisf_core::synth::{OrgConfig, generate};
use aisf_core::{Node, NodeKind, Value};
use aisf_graph::format::{
    ENTRY_LEN, Entry, FOOTER_LEN, HEADER_LEN, SectionKind, VERSION_MAJOR, VERSION_MINOR,
};
use aisf_graph::{BuildOptions, NodeId, OpenError, Snapshot, VerifyError, build_bytes};
use xxhash_rust::xxh3::xxh3_64;

fn snapshot_bytes() -> Vec<u8> {
    let mut org = generate(&OrgConfig::new(40));
    // The generator makes no list property; one node with one gives the
    // sample every section kind.
    let tags = Value::StrList(vec!["pci".into(), "sox".into()]);
    org.graph.add_node(Node::new("tagged", NodeKind::Resource).with_prop("tags", tags)).unwrap();
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    build_bytes(&org.graph, &opts).unwrap().0
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// The section table, read straight from the bytes as `format` documents.
fn table(bytes: &[u8]) -> Vec<Entry> {
    let count = u32::from_le_bytes(bytes[32..36].try_into().unwrap()) as usize;
    let at = u64_at(bytes, 40) as usize;
    (0..count)
        .map(|i| {
            let e = &bytes[at + i * ENTRY_LEN..at + (i + 1) * ENTRY_LEN];
            Entry {
                kind: u16::from_le_bytes([e[0], e[1]]),
                index: u16::from_le_bytes([e[2], e[3]]),
                offset: u64_at(e, 8),
                len: u64_at(e, 16),
                hash: u64_at(e, 24),
            }
        })
        .collect()
}

/// Rewrites the table hash in the header and footer and the header hash,
/// as a careless (or malicious) tool that edits the table would.
fn reseal(bytes: &mut [u8]) {
    let count = u32::from_le_bytes(bytes[32..36].try_into().unwrap()) as usize;
    let at = u64_at(bytes, 40) as usize;
    let table_hash = xxh3_64(&bytes[at..at + count * ENTRY_LEN]);
    bytes[64..72].copy_from_slice(&table_hash.to_le_bytes());
    let footer = bytes.len() - FOOTER_LEN;
    bytes[footer + 16..footer + 24].copy_from_slice(&table_hash.to_le_bytes());
    let header_hash = xxh3_64(&bytes[..248]);
    bytes[248..256].copy_from_slice(&header_hash.to_le_bytes());
}

/// Runs every query on a snapshot that opened although damaged: wrong
/// answers are allowed, panics are not.
fn exercise(snap: &Snapshot) {
    let all = snap.access_all();
    let _ = all.total_pairs();
    for v in snap.node_ids().take(40) {
        let _ = snap.access(v);
        let _ = snap.who_can_access(v);
        let _ = snap.explain(v, NodeId(0));
        let _ = snap.node(v).props();
        let _ = snap.node(v).label();
    }
    let _ = snap.known();
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

#[test]
fn the_intact_snapshot_opens_and_verifies() {
    let bytes = snapshot_bytes();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    snap.verify().unwrap();
    let kinds: std::collections::BTreeSet<u16> = table(&bytes).iter().map(|e| e.kind).collect();
    for kind in SectionKind::ALL {
        assert!(kinds.contains(&(kind as u16)), "the sample lacks a {} section", kind.name());
    }
}

/// Refused at open, always: the header records the file's length and the
/// footer must be the last 64 bytes.
#[test]
fn a_file_cut_at_any_section_boundary_or_random_offset_is_refused_at_open() {
    let bytes = snapshot_bytes();
    let mut cuts = vec![0, 1, 7, 8, 11, 12, HEADER_LEN - 1, HEADER_LEN, bytes.len() - 1];
    cuts.push(bytes.len() - FOOTER_LEN);
    for e in table(&bytes) {
        let (start, end) = (e.offset as usize, (e.offset + e.len) as usize);
        cuts.extend([start, start + 1, end.saturating_sub(1), end]);
    }
    let mut rng = Rng(0x5eed_0001);
    cuts.extend((0..300).map(|_| rng.below(bytes.len())));
    cuts.retain(|&c| c < bytes.len());
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts {
        let err = Snapshot::from_bytes(&bytes[..cut]).err();
        let msg = err.map(|e| e.to_string()).unwrap_or_else(|| panic!("cut at {cut} opened"));
        let named = if cut < 8 {
            msg.contains("not an aisf snapshot")
        } else {
            msg.contains("truncated") && msg.contains(&format!("file has {cut}"))
        };
        assert!(named, "cut at {cut}: {msg}");
    }
}

#[test]
fn a_truncated_file_on_disk_is_refused_at_open() {
    let bytes = snapshot_bytes();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.aisf");
    for cut in [HEADER_LEN + 100, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let err = Snapshot::open(&path).expect_err("a cut file opened");
        assert!(matches!(err, OpenError::Truncated { .. }), "{err}");
        // The command-line path: open and verify in one.
        let err = Snapshot::open_verified(&path).expect_err("a cut file opened");
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

/// Any flipped bit inside a section is refused: at open when it breaks the
/// section's framing (the manifest), else by verify's checksum naming the
/// section. Bits are flipped at the start, middle and end of each section.
#[test]
fn a_flipped_bit_in_every_section_is_refused_naming_the_section() {
    let bytes = snapshot_bytes();
    let entries = table(&bytes);
    let mut at_open = 0;
    let mut at_verify = 0;
    for e in entries.iter().filter(|e| e.len > 0) {
        let name = e.name();
        let (start, len) = (e.offset as usize, e.len as usize);
        for (at, bit) in [(start, 0), (start + len / 2, 3), (start + len - 1, 7)] {
            let mut bad = bytes.clone();
            bad[at] ^= 1 << bit;
            match Snapshot::from_bytes(&bad) {
                Err(err) => {
                    let msg = err.to_string();
                    assert!(msg.contains(&name), "flip at {at} in {name}: {msg}");
                    at_open += 1;
                }
                Ok(snap) => {
                    let err = snap.verify().expect_err("a flipped bit passed verification");
                    assert!(
                        matches!(&err, VerifyError::Checksum { section, .. } if *section == name),
                        "flip at {at} in {name}: {err}"
                    );
                    exercise(&snap);
                    at_verify += 1;
                }
            }
        }
    }
    assert!(at_verify > 0 && at_verify + at_open == 3 * entries.len(), "{at_open} {at_verify}");
}

#[test]
fn a_flipped_bit_in_the_header_table_or_footer_is_refused_at_open() {
    let bytes = snapshot_bytes();
    let table_at = u64_at(&bytes, 40) as usize;
    let footer = bytes.len() - FOOTER_LEN;
    let cases = [
        (9, "version"),
        (13, "header"),
        (20, "header"),
        (33, "header"),
        (50, "header"),
        (100, "header"),
        (250, "header"),
        (table_at, "section table"),
        (table_at + ENTRY_LEN + 9, "section table"),
        (footer, "footer"),
        (footer + 9, "footer"),
        (footer + 17, "footer"),
    ];
    for (at, part) in cases {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        let msg = Snapshot::from_bytes(&bad).expect_err("opened").to_string();
        assert!(msg.contains(part) || msg.contains("truncated"), "flip at {at}: {msg}");
    }
}

/// Two entries of the table pointing at each other's data. Left as is, the
/// table's checksum no longer matches (refused at open, naming the table).
/// Resealed (table and header hashes recomputed, as a tool editing the
/// table would), the data no longer fits its label: refused at open when
/// a length or shape differs, else by verify's structural checks, with an
/// error naming a section (one of the two, or one that depends on them).
#[test]
fn two_sections_swapped_in_the_table_are_refused() {
    let bytes = snapshot_bytes();
    let entries = table(&bytes);
    let table_at = u64_at(&bytes, 40) as usize;
    let mut at_verify = 0;
    for i in 0..entries.len() {
        for j in i + 1..entries.len() {
            let (a, b) = (table_at + i * ENTRY_LEN, table_at + j * ENTRY_LEN);
            // Swap where the two entries point (and their checksums): the
            // kinds stay in place, so each kind now labels the other's data.
            let mut bad = bytes.clone();
            for k in 8..ENTRY_LEN {
                bad.swap(a + k, b + k);
            }
            let msg = Snapshot::from_bytes(&bad).expect_err("swap opened").to_string();
            assert!(msg.contains("section table") && msg.contains("checksum"), "{msg}");

            reseal(&mut bad);
            let refused = match Snapshot::from_bytes(&bad) {
                Err(err) => err.to_string(),
                Ok(snap) => {
                    let err = snap.verify().err().unwrap_or_else(|| {
                        panic!("{} and {} swapped passed", entries[i].name(), entries[j].name())
                    });
                    exercise(&snap);
                    at_verify += 1;
                    err.to_string()
                }
            };
            assert!(
                refused.starts_with("section ") || refused.contains("section table"),
                "swap of {} and {}: {refused}",
                entries[i].name(),
                entries[j].name()
            );
        }
    }
    assert!(at_verify > 0);
}

#[test]
fn a_header_from_a_newer_major_version_is_refused_at_open_naming_both_versions() {
    let bytes = snapshot_bytes();
    for sealed in [false, true] {
        let mut bad = bytes.clone();
        bad[8..10].copy_from_slice(&(VERSION_MAJOR + 1).to_le_bytes());
        bad[10..12].copy_from_slice(&7u16.to_le_bytes());
        if sealed {
            reseal(&mut bad);
        }
        let err = Snapshot::from_bytes(&bad).expect_err("a newer major opened");
        assert!(matches!(err, OpenError::NewerVersion { major: 2, minor: 7, .. }), "{err}");
        assert!(err.to_string().contains("2.7 is newer than this build reads (1.x)"), "{err}");
    }
    // Cut short as well: the version is still what is reported.
    let mut bad = bytes[..64].to_vec();
    bad[8..10].copy_from_slice(&(VERSION_MAJOR + 1).to_le_bytes());
    let err = Snapshot::from_bytes(&bad).expect_err("opened");
    assert!(matches!(err, OpenError::NewerVersion { .. }), "{err}");
}

#[test]
fn a_newer_minor_version_opens_and_verifies() {
    let mut bytes = snapshot_bytes();
    bytes[10..12].copy_from_slice(&(VERSION_MINOR + 3).to_le_bytes());
    reseal(&mut bytes);
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    snap.verify().unwrap();
    assert_eq!(snap.version(), (VERSION_MAJOR, VERSION_MINOR + 3));
}

#[test]
fn version_zero_and_unknown_flags_are_refused_at_open() {
    let bytes = snapshot_bytes();
    let mut bad = bytes.clone();
    bad[8..10].copy_from_slice(&0u16.to_le_bytes());
    reseal(&mut bad);
    let msg = Snapshot::from_bytes(&bad).expect_err("opened").to_string();
    assert!(msg.contains("header") && msg.contains("version 0"), "{msg}");

    let mut bad = bytes;
    bad[16] = 1;
    reseal(&mut bad);
    let msg = Snapshot::from_bytes(&bad).expect_err("opened").to_string();
    assert!(msg.contains("feature flags"), "{msg}");
}
