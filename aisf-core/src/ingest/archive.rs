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
/// entry cannot be decompressed; [`IngestError::Limit`] when an entry
/// expands past the limits; [`IngestError::UnknownFormat`] for an entry no
/// reader recognises in strict mode; and whatever the entry's reader
/// returns. Refused entries are skips (errors in strict mode).
pub fn read_zip(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
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
