//! Zip archives of collection files, as SharpHound and BloodHound.py write
//! them.
//!
//! Every `.json` entry is read with the reader its content calls for and
//! reported as a source of its own, named `archive.zip!entry.json`. Other
//! entries are passed over. An archive is hostile until proven otherwise:
//! entries whose path is absolute or climbs out with `..` are refused, and
//! each entry's expansion is bounded while it is decompressed, by
//! [`Limits::max_input`](super::Limits::max_input) bytes and by
//! [`Limits::max_zip_ratio`](super::Limits::max_zip_ratio) times its
//! compressed size, whatever its header claims.

use std::io::{Cursor, Read};
use std::path::{Component, Path};

use super::{IngestError, Place, ReadOptions, Sink, detect};

/// Reads every `.json` entry of a zip archive.
///
/// # Errors
///
/// [`IngestError::Malformed`] when the bytes are not a zip archive or an
/// entry cannot be decompressed; [`IngestError::Limit`] when the archive
/// is over [`Limits::max_input`](super::Limits::max_input) or an entry
/// expands past the limits; [`IngestError::UnknownFormat`] for an entry no
/// reader recognises in strict mode; and whatever the entry's reader
/// returns. Refused entries are skips (errors in strict mode).
pub fn read_zip(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    if bytes.len() as u64 > opts.limits.max_input {
        return Err(IngestError::Limit {
            place: Place::file(file),
            message: format!(
                "input of {} bytes is over the limit of {}",
                bytes.len(),
                opts.limits.max_input
            ),
        });
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|err| IngestError::Malformed {
            place: Place::file(file),
            message: format!("not a readable zip archive: {err}"),
        })?;
    let mut order: Vec<(String, usize)> =
        archive.file_names().map(str::to_string).zip(0..).collect();
    order.sort();

    for (name, index) in order {
        let place = format!("{file}!{name}");
        if !is_enclosed(&name) {
            sink.begin_unrecognised(place.as_str());
            sink.skip(Place::file(place), "entry path escapes the archive; refused")?;
            continue;
        }
        if name.ends_with('/') || !name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }

        let data = {
            let entry = archive.by_index(index).map_err(|err| IngestError::Malformed {
                place: Place::file(place.as_str()),
                message: format!("cannot open the entry: {err}"),
            })?;
            let compressed = entry.compressed_size();
            expand(entry, compressed, &place, opts)?
        };
        let Some(format) = detect::detect(Path::new(&name), &data) else {
            detect::unknown(&place, "no reader recognises this entry", sink)?;
            continue;
        };
        detect::read_as(format, &data, &place, opts, sink)?;
    }
    Ok(())
}

/// Whether an entry path stays inside the archive: relative, with no `..`,
/// no root and no drive prefix, under either separator.
fn is_enclosed(name: &str) -> bool {
    if name.starts_with(['/', '\\']) || name.contains(':') {
        return false;
    }
    let unified = name.replace('\\', "/");
    Path::new(&unified).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Decompresses one entry, stopping as soon as it grows past a limit.
fn expand(
    mut entry: impl Read,
    compressed: u64,
    place: &str,
    opts: &ReadOptions,
) -> Result<Vec<u8>, IngestError> {
    let by_ratio = compressed.max(1).saturating_mul(opts.limits.max_zip_ratio);
    let bound = by_ratio.min(opts.limits.max_input);
    let mut data = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = entry.read(&mut chunk).map_err(|err| IngestError::Malformed {
            place: Place::file(place),
            message: format!("cannot decompress the entry: {err}"),
        })?;
        if n == 0 {
            return Ok(data);
        }
        data.extend_from_slice(chunk.get(..n).unwrap_or_default());

        let size = data.len() as u64;
        if size > bound {
            let message = if size > by_ratio {
                format!(
                    "entry expands past {} times its compressed size of {compressed} bytes \
                     (zip bomb?); refused",
                    opts.limits.max_zip_ratio
                )
            } else {
                format!("entry expands past the limit of {} bytes", opts.limits.max_input)
            };
            return Err(IngestError::Limit { place: Place::file(place), message });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::ingest::{Mode, ingest_paths};

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    const USERS: &[u8] = br#"{"data": [{"ObjectIdentifier": "S-1", "Properties": {"name": "A"}}],
        "meta": {"type": "users", "count": 1, "version": 6}}"#;

    #[test]
    fn an_entry_that_climbs_out_is_refused_and_named() {
        let bytes = zip_of(&[("../evil.json", USERS), ("ok/users.json", USERS)]);
        let mut sink = Sink::new(Mode::Lenient);
        read_zip(&bytes, "c.zip", &ReadOptions::default(), &mut sink).unwrap();
        let (graph, report) = sink.finish();
        assert_eq!(graph.node_count(), 1);
        assert_eq!(report.sources.len(), 2);
        assert_eq!(report.sources[0].file, "c.zip!../evil.json");
        assert_eq!(report.sources[0].records, 0);
        let skip = &report.sources[0].skipped[0];
        assert_eq!(skip.place.to_string(), "c.zip!../evil.json");
        assert_eq!(skip.reason, "entry path escapes the archive; refused");
        assert_eq!(report.sources[1].file, "c.zip!ok/users.json");

        let mut sink = Sink::new(Mode::Strict);
        let err = read_zip(&bytes, "c.zip", &ReadOptions::default(), &mut sink).unwrap_err();
        assert_eq!(err.to_string(), "c.zip!../evil.json: entry path escapes the archive; refused");
        for name in ["/abs.json", "a/../../b.json", "C:\\x.json", "..\\x.json"] {
            assert!(!is_enclosed(name), "{name}");
        }
        assert!(is_enclosed("a/./b.json"));
    }

    #[test]
    fn a_zip_bomb_is_stopped_while_it_expands() {
        let zeros = vec![b' '; 4 << 20];
        let bytes = zip_of(&[("bomb.json", &zeros)]);
        assert!(bytes.len() < 64 << 10, "the entry must be small: {}", bytes.len());
        let mut sink = Sink::new(Mode::Lenient);
        let err = read_zip(&bytes, "b.zip", &ReadOptions::default(), &mut sink).unwrap_err();
        assert!(matches!(err, IngestError::Limit { .. }));
        let msg = err.to_string();
        assert!(
            msg.starts_with("b.zip!bomb.json: entry expands past 200 times its compressed size"),
            "{msg}"
        );

        // The size bound holds on its own too (the archive itself is under it).
        let mut opts = ReadOptions::default();
        opts.limits.max_input = 10_000;
        opts.limits.max_zip_ratio = u64::MAX;
        let err = read_zip(&bytes, "b.zip", &opts, &mut Sink::new(Mode::Lenient)).unwrap_err();
        assert_eq!(err.to_string(), "b.zip!bomb.json: entry expands past the limit of 10000 bytes");
    }

    #[test]
    fn not_a_zip_is_malformed_and_other_entries_are_passed_over() {
        let err = read_zip(
            b"PK\x03\x04junk",
            "j.zip",
            &ReadOptions::default(),
            &mut Sink::new(Mode::Lenient),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("j.zip: not a readable zip archive"));
        let bytes = zip_of(&[("readme.txt", b"hello"), ("users.json", USERS)]);
        let mut sink = Sink::new(Mode::Strict);
        read_zip(&bytes, "c.zip", &ReadOptions::default(), &mut sink).unwrap();
        assert_eq!(sink.finish().1.sources.len(), 1);
    }

    #[test]
    fn ingest_paths_opens_zips_and_refuses_unknown_files_in_strict_mode() {
        let dir = std::env::temp_dir().join(format!("aisf-archive-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.zip"), zip_of(&[("users.json", USERS)])).unwrap();
        std::fs::write(dir.join("notes.txt"), b"nothing to see").unwrap();
        let paths = [dir.clone()];

        let (graph, report) = ingest_paths(&paths, &ReadOptions::default(), Mode::Lenient).unwrap();
        assert_eq!(graph.node_count(), 1);
        assert_eq!(report.sources.len(), 2);
        assert_eq!(report.sources[1].format, "unknown");
        assert_eq!(report.sources[1].skipped.len(), 1);
        let err = ingest_paths(&paths, &ReadOptions::default(), Mode::Strict).unwrap_err();
        assert!(matches!(err, IngestError::UnknownFormat { .. }), "{err}");
        assert!(
            err.to_string().ends_with("notes.txt: unknown format: no reader recognises this file")
        );

        let missing = [dir.join("missing.json")];
        let err = ingest_paths(&missing, &ReadOptions::default(), Mode::Lenient).unwrap_err();
        assert!(matches!(err, IngestError::Io { .. }));
        assert!(err.to_string().contains("missing.json: cannot read"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
