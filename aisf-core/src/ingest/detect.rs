//! Which reader a file needs, told from its name and first bytes, and the
//! walk over files and folders that feeds each file to its reader.
//!
//! Detection looks at content first and names second: JSON documents by
//! their top-level keys (`data` with SharpHound records, `graph`, SCIM
//! `schemas`, `UserDetailList`, `@odata.context`...), LDIF by its first
//! `dn:` or `version:` line, CSV by its header row, and bundle files by
//! their names.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::json_support::strip_bom;
use super::{
    Format, IngestError, Mode, Place, ReadOptions, Sink, archive, aws, csv_bundle, entra, google,
    ldif, okta, opengraph, scim, sharphound,
};
use csv_bundle::BundleFile;

/// How many leading bytes [`detect`] needs to decide.
pub const HEAD_LEN: usize = 8 << 10;

/// The format of a file, from its path and its first bytes (at least the
/// first [`HEAD_LEN`] when the file is that long). `None` when nothing
/// matches. Zip archives are not a format: see [`super::ingest_paths`].
pub fn detect(path: &Path, head: &[u8]) -> Option<Format> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase());
    let name = name.unwrap_or_default();
    if BundleFile::from_file_name(&name).is_some() {
        return Some(Format::CsvBundle);
    }
    let head = strip_bom(head);
    let text = String::from_utf8_lossy(head.get(..HEAD_LEN.min(head.len())).unwrap_or(head));
    let trimmed = text.trim_start();

    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return detect_json(trimmed);
    }
    if name.ends_with(".ldif") || is_ldif(trimmed) {
        return Some(Format::Ldif);
    }
    detect_csv(trimmed)
}

fn detect_json(text: &str) -> Option<Format> {
    let keys = top_level_keys(text);
    let key = |k: &str| keys.iter().any(|have| have == k);
    let has = |needle: &str| text.contains(needle);

    if key("graph") {
        return Some(Format::OpenGraph);
    }
    if key("data") && (key("meta") || has("\"ObjectIdentifier\"")) {
        return Some(Format::SharpHound);
    }
    if ["UserDetailList", "GroupDetailList", "RoleDetailList"].iter().any(|k| key(k)) {
        return Some(Format::AwsIam);
    }
    if key("Content") && key("ReportFormat") {
        return Some(Format::AwsCredentialReport);
    }
    if has("urn:ietf:params:scim:") || (key("Resources") && key("schemas")) {
        return Some(Format::Scim);
    }
    if has("admin#directory#") || has("\"groupKey\"") || has("\"preferredMemberKey\"") {
        return Some(Format::Google);
    }
    let graph_assignment =
        has("\"principalId\"") && (has("\"roleDefinitionId\"") || has("\"appRoleId\""));
    let scubagear = key("tenant_id") && key("module_version");
    if key("@odata.context")
        || has("\"@odata.type\"")
        || has("\"userPrincipalName\"")
        || graph_assignment
        || scubagear
    {
        return Some(Format::Entra);
    }
    let okta_user = has("\"profile\"") && (has("\"statusChanged\"") || has("\"_links\""));
    let okta_role = has("\"assignmentType\"") && has("\"_links\"");
    if okta_user || okta_role || has("okta.com") && has("\"_links\"") {
        return Some(Format::Okta);
    }
    None
}

/// The keys of the outermost object, as far as the text goes; inside a
/// top-level array, the keys of its first object.
fn top_level_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let bytes = text.as_bytes();
    let target = if text.starts_with('[') { 2 } else { 1 };
    let (mut depth, mut at) = (0usize, 0usize);
    while let Some(&b) = bytes.get(at) {
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = at + 1;
                let mut end = start;
                while let Some(&c) = bytes.get(end) {
                    match c {
                        b'\\' => end += 2,
                        b'"' => break,
                        _ => end += 1,
                    }
                }
                let after = bytes.get(end + 1..).unwrap_or_default();
                let is_key = after.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':');
                if depth == target && is_key {
                    keys.push(text.get(start..end).unwrap_or_default().to_string());
                }
                at = end;
            }
            _ => {}
        }
        at += 1;
    }
    keys
}

fn is_ldif(text: &str) -> bool {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
    first.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("dn:") || l.starts_with("version:")
    })
}

fn detect_csv(text: &str) -> Option<Format> {
    let header = text.lines().next()?.trim().to_ascii_lowercase();
    if header.starts_with("user,arn,user_creation_time") {
        return Some(Format::AwsCredentialReport);
    }
    let columns: Vec<&str> = header.split(',').collect();
    BundleFile::from_headers(&columns).map(|_| Format::CsvBundle)
}

/// Reads bytes already known to be in `format` with that format's reader.
///
/// # Errors
///
/// Whatever the reader returns.
pub fn read_as(
    format: Format,
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    match format {
        Format::CsvBundle => csv_bundle::read(bytes, file, opts, sink),
        Format::SharpHound => sharphound::read(bytes, file, opts, sink),
        Format::OpenGraph => opengraph::read(bytes, file, opts, sink),
        Format::Scim => scim::read(bytes, file, opts, sink),
        Format::Ldif => ldif::read(bytes, file, opts, sink),
        Format::AwsIam => aws::read(bytes, file, opts, sink),
        Format::AwsCredentialReport => aws::read_credential_report(bytes, file, opts, sink),
        Format::Entra => entra::read(bytes, file, opts, sink),
        Format::Okta => okta::read(bytes, file, opts, sink),
        Format::Google => google::read(bytes, file, opts, sink),
    }
}

/// An input no reader recognises: an error in strict mode, a counted skip
/// (as a source of its own) in lenient mode.
///
/// # Errors
///
/// [`IngestError::UnknownFormat`] in [`Mode::Strict`].
pub(crate) fn unknown(file: &str, hint: &str, sink: &mut Sink) -> Result<(), IngestError> {
    if sink.mode() == Mode::Strict {
        return Err(IngestError::UnknownFormat { file: file.to_string(), hint: hint.to_string() });
    }
    sink.begin_unrecognised(file);
    sink.skip(Place::file(file), format!("unknown format: {hint}"))
}

/// Reads a file or, recursively and in name order, a folder. A folder's
/// bundle files are read together as one bundle.
pub(crate) fn ingest_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    let name = path.display().to_string();
    let meta = fs::metadata(path).map_err(|source| IngestError::Io { file: name, source })?;
    if !meta.is_dir() {
        return ingest_file(path, opts, sink);
    }

    let mut entries: Vec<(PathBuf, bool)> = Vec::new();
    let listing = fs::read_dir(path).map_err(|source| io_error(path, source))?;
    for entry in listing {
        let entry = entry.map_err(|source| io_error(path, source))?;
        let kind = entry.file_type().map_err(|source| io_error(&entry.path(), source))?;
        // Symbolic links to folders are not followed, so a link cycle
        // cannot make the walk endless.
        let is_dir = kind.is_dir();
        if kind.is_symlink() && entry.path().is_dir() {
            continue;
        }
        entries.push((entry.path(), is_dir));
    }
    entries.sort();

    let is_bundle_file = |p: &Path| {
        p.file_name().is_some_and(|n| BundleFile::from_file_name(&n.to_string_lossy()).is_some())
    };
    if entries.iter().any(|(p, dir)| !dir && is_bundle_file(p)) {
        csv_bundle::read_dir(path, opts, sink)?;
    }
    for (entry, is_dir) in entries {
        if is_dir {
            ingest_path(&entry, opts, sink)?;
        } else if !is_bundle_file(&entry) {
            ingest_file(&entry, opts, sink)?;
        }
    }
    Ok(())
}

fn ingest_file(path: &Path, opts: &ReadOptions, sink: &mut Sink) -> Result<(), IngestError> {
    let name = path.display().to_string();
    // The size on disk is checked before anything is read, so a huge file
    // is refused without being loaded; the read itself is bounded too, in
    // case the file grows meanwhile.
    let size = fs::metadata(path).map_err(|source| io_error(path, source))?.len();
    let max = opts.limits.max_input;
    let too_big = |size: u64| IngestError::Limit {
        place: Place::file(name.as_str()),
        message: format!("input of {size} bytes is over the limit of {max}"),
    };
    if size > max {
        return Err(too_big(size));
    }
    let mut bytes = Vec::new();
    let file = fs::File::open(path).map_err(|source| io_error(path, source))?;
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| io_error(path, source))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    let is_zip = bytes.starts_with(b"PK\x03\x04")
        || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        return archive::read_zip(&bytes, &name, opts, sink);
    }
    match detect(path, &bytes) {
        Some(format) => read_as(format, &bytes, &name, opts, sink),
        None => unknown(&name, "no reader recognises this file", sink),
    }
}

fn io_error(path: &Path, source: std::io::Error) -> IngestError {
    IngestError::Io { file: path.display().to_string(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(name: &str, text: &str) -> Option<Format> {
        detect(Path::new(name), text.as_bytes())
    }

    #[test]
    fn json_shapes_are_told_apart() {
        assert_eq!(
            sniff("x.json", r#"{"data": [{"ObjectIdentifier": "S-1"}]"#),
            Some(Format::SharpHound)
        );
        assert_eq!(
            sniff("x.json", r#"{"meta": {"type": "users"}, "data": []}"#),
            Some(Format::SharpHound)
        );
        assert_eq!(
            sniff("x.json", r#"{"$schema": "s", "graph": {"nodes": []}}"#),
            Some(Format::OpenGraph)
        );
        assert_eq!(
            sniff(
                "x.json",
                concat!(
                    r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "#,
                    r#""Resources": []}"#
                )
            ),
            Some(Format::Scim)
        );
        assert_eq!(
            sniff("x.json", r#"{"UserDetailList": [], "GroupDetailList": []}"#),
            Some(Format::AwsIam)
        );
        assert_eq!(
            sniff(
                "x.json",
                concat!(
                    r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "#,
                    r#""value": []}"#
                )
            ),
            Some(Format::Entra)
        );
        assert_eq!(
            sniff("x.json", r#"[{"principalId": "p", "roleDefinitionId": "r"}]"#),
            Some(Format::Entra)
        );
        assert_eq!(
            sniff("x.json", r#"{"module_version": "1.8.0", "tenant_id": "t"}"#),
            Some(Format::Entra)
        );
        assert_eq!(
            sniff("x.json", r#"{"kind": "admin#directory#users", "users": []}"#),
            Some(Format::Google)
        );
        assert_eq!(
            sniff(
                "x.json",
                r#"[{"id": "00u1", "status": "ACTIVE", "statusChanged": null, "profile": {}}]"#
            ),
            Some(Format::Okta)
        );
        // A key nested below the top level does not count.
        assert_eq!(sniff("x.json", r#"{"a": {"graph": 1}}"#), None);
    }

    #[test]
    fn every_format_has_its_reader() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");
        for (path, format) in [
            ("scim-rfc-examples/rfc7643-8.4-group.json", "scim"),
            ("ldif-openldap/test.ldif", "ldif"),
        ] {
            let path = PathBuf::from(format!("{root}{path}"));
            let (_, report) =
                super::super::ingest_paths(&[path], &ReadOptions::default(), Mode::Strict).unwrap();
            assert_eq!(report.sources[0].format, format);
        }
    }

    #[test]
    fn text_shapes_are_told_apart() {
        assert_eq!(sniff("people.ldif", "x"), Some(Format::Ldif));
        assert_eq!(sniff("x.txt", "# comment\nversion: 1\ndn: cn=a"), Some(Format::Ldif));
        assert_eq!(
            sniff("r.csv", "user,arn,user_creation_time,password_enabled\n"),
            Some(Format::AwsCredentialReport)
        );
        assert_eq!(sniff("Accounts.CSV", ""), Some(Format::CsvBundle));
        assert_eq!(sniff("export.csv", "member_id,group_id\n"), Some(Format::CsvBundle));
        assert_eq!(sniff("hr.csv", "empNo,firstName\n"), None);
    }
}
