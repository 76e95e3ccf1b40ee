//! Hostile inputs against every reader they apply to: each is refused or
//! read within the documented limits (`aisf_core::ingest::limits`), with an
//! error that names the file and the place, and never a panic, a stack
//! overflow or an allocation sized by the input's own claims.

use std::io::Write;
use std::path::PathBuf;

use aisf_core::ingest::{
    IngestError, Limits, Mode, ReadOptions, Sink, archive, aws, csv_bundle, entra, google,
    ingest_paths, ldif, okta, opengraph, scim, sharphound,
};

type Reader = fn(&[u8], &str, &ReadOptions, &mut Sink) -> Result<(), IngestError>;

/// Every JSON reader, by name.
const JSON_READERS: [(&str, Reader); 7] = [
    ("sharphound", sharphound::read),
    ("opengraph", opengraph::read),
    ("scim", scim::read),
    ("aws", aws::read),
    ("entra", entra::read),
    ("okta", okta::read),
    ("google", google::read),
];

/// Every reader of a single file, by name.
fn all_readers() -> Vec<(&'static str, Reader)> {
    let mut all = JSON_READERS.to_vec();
    all.push(("ldif", ldif::read));
    all.push(("csv-bundle", csv_bundle::read));
    all.push(("aws-credential-report", aws::read_credential_report));
    all.push(("zip", archive::read_zip));
    all
}

fn read(reader: Reader, bytes: &[u8], file: &str, limits: Limits) -> Result<Sink, IngestError> {
    let opts = ReadOptions { system: None, limits, ..ReadOptions::default() };
    let mut sink = Sink::new(Mode::Lenient);
    reader(bytes, file, &opts, &mut sink)?;
    Ok(sink)
}

/// Runs `f` on a thread with a small stack, so that recursion proportional
/// to the input would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 << 10).spawn(f).unwrap().join().unwrap()
}

#[test]
fn json_nested_a_hundred_thousand_deep_is_a_limit_error_naming_the_line() {
    let depth = 100_000;
    let mut doc = String::from("{\"data\": [\n");
    doc.push_str(&"[".repeat(depth));
    doc.push_str(&"]".repeat(depth));
    doc.push_str("\n]}");
    for (name, reader) in JSON_READERS {
        let doc = doc.clone();
        let file = format!("{name}.json");
        let err = on_small_stack(move || {
            read(reader, doc.as_bytes(), &file, Limits::default()).err().map(|e| e.to_string())
        });
        let err = err.unwrap_or_else(|| panic!("{name}: deep nesting was read"));
        // The place: the line, or the byte offset for the streaming readers.
        let placed = err.starts_with(&format!("{name}.json:2")) || err.contains("at byte");
        assert!(err.starts_with(&format!("{name}.json")) && placed, "{name}: {err}");
        assert!(err.contains("nesting deeper than the limit of 128"), "{name}: {err}");
    }
}

#[test]
fn a_line_over_the_limit_is_refused_naming_the_line() {
    // 20 MiB, over the default 16 MiB, in the line-oriented formats.
    let long = "x".repeat(20 << 20);
    let cases: [(&str, Reader, String); 3] = [
        ("dir.ldif", ldif::read, format!("dn: cn=a,dc=x\ncn: a\n\ndn: cn=b,dc=x\ncn: {long}\n")),
        (
            "accounts.csv",
            csv_bundle::read,
            format!("account_id,system,username\nad:a,ad,a\nad:b,ad,{long}\n"),
        ),
        (
            "report.csv",
            aws::read_credential_report,
            format!("user,arn,mfa_active\na,arn:aws:iam::1:user/a,true\nb,{long},false\n"),
        ),
    ];
    for (file, reader, text) in cases {
        let err = read(reader, text.as_bytes(), file, Limits::default()).err();
        let err = err.unwrap_or_else(|| panic!("{file}: a 20 MiB line was read")).to_string();
        assert!(err.contains("limit of 16777216"), "{file}: {err}");
        let line = if file.ends_with("ldif") { 5 } else { 3 };
        assert!(err.starts_with(&format!("{file}:{line}")), "{file}: {err}");
    }
}

#[test]
fn a_file_over_the_input_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse file of 9 GiB: no disk used, and reading it would take
    // memory no test machine has. The default limit is 8 GiB.
    let path = dir.path().join("huge.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(9 << 30).unwrap();
    drop(file);
    let started = std::time::Instant::now();
    let err = ingest_paths(std::slice::from_ref(&path), &ReadOptions::default(), Mode::Lenient)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    assert!(msg.contains("9663676416 bytes is over the limit of 8589934592"), "{msg}");
    assert!(started.elapsed().as_secs() < 5, "the file was read");

    // Every reader checks the bytes it is given as well.
    let limits = Limits { max_input: 1000, ..Limits::default() };
    let mut big = b"{\"data\": [], \"pad\": \"".to_vec();
    big.extend(std::iter::repeat_n(b' ', 2000));
    big.extend_from_slice(b"\"}");
    for (name, reader) in all_readers() {
        // The bundle reader needs a bundle file name to know the file.
        let file = if name == "csv-bundle" { "accounts.csv" } else { "big.input" };
        let err = read(reader, &big, file, limits.clone()).err();
        let err = err.unwrap_or_else(|| panic!("{name}: input over the limit was read"));
        let msg = err.to_string();
        assert!(matches!(err, IngestError::Limit { .. }), "{name}: {msg}");
        assert!(msg.starts_with(file), "{name}: {msg}");
    }
}

#[test]
fn counts_claiming_billions_allocate_nothing_and_are_warned_about() {
    let huge = 4_000_000_000u64;
    let sharp = format!(
        r#"{{"data": [{{"ObjectIdentifier": "S-1-5-21-1-1001", "Properties": {{"name": "A@X"}}}}],
            "meta": {{"type": "users", "count": {huge}, "version": 5}}}}"#
    );
    let sink = read(sharphound::read, sharp.as_bytes(), "users.json", Limits::default()).unwrap();
    let (graph, report) = sink.finish();
    assert_eq!(graph.node_count(), 1);
    let warnings = &report.sources[0].warnings;
    assert!(warnings.iter().any(|w| w.contains(&format!("says {huge} records"))), "{warnings:?}");

    let scim = format!(
        r#"{{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": {huge}, "itemsPerPage": {huge}, "startIndex": 1,
            "Resources": [{{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                            "id": "u1", "userName": "ann"}}]}}"#
    );
    let sink = read(scim::read, scim.as_bytes(), "users.scim.json", Limits::default()).unwrap();
    assert_eq!(sink.finish().0.node_count(), 1);
}

#[test]
fn invalid_utf8_is_refused_or_skipped_naming_the_file_never_a_panic() {
    let inputs: [&[u8]; 4] = [
        b"{\"data\": [{\"ObjectIdentifier\": \"S-\xff\xfe\"}], \"meta\": {\"type\": \"users\"}}",
        b"dn: cn=\xff,dc=x\ncn: \xc3\x28\n\n",
        b"account_id,system,username\nad:\xff,ad,\xfe\n",
        b"\xef\xbb\xbf\xff\xff\xff",
    ];
    for (name, reader) in all_readers() {
        for input in inputs {
            match read(reader, input, "bad.input", Limits::default()) {
                Err(err) => {
                    let msg = err.to_string();
                    assert!(msg.starts_with("bad.input"), "{name}: {msg}");
                }
                Ok(sink) => {
                    let (_, report) = sink.finish();
                    for skip in report.sources.iter().flat_map(|s| &s.skipped) {
                        assert!(skip.place.file.starts_with("bad.input"), "{name}: {skip:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn duplicate_json_keys_are_read_without_a_panic() {
    let docs: [(&str, &str); 3] = [
        (
            "sharphound",
            r#"{"data": [{"ObjectIdentifier": "S-1", "ObjectIdentifier": "S-2",
                "Properties": {"name": "A", "name": "B"}}],
                "meta": {"type": "users", "type": "groups", "count": 1}}"#,
        ),
        (
            "scim",
            r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": "u1", "id": "u2", "userName": "a", "userName": "b"}"#,
        ),
        (
            "opengraph",
            r#"{"graph": {"nodes": [{"id": "a", "id": "b", "kinds": ["User"], "kinds": ["Group"]}],
                "edges": [], "edges": []}}"#,
        ),
    ];
    for (name, doc) in docs {
        let reader = JSON_READERS.iter().find(|(n, _)| *n == name).unwrap().1;
        match read(reader, doc.as_bytes(), "dup.json", Limits::default()) {
            Ok(sink) => assert!(sink.finish().0.node_count() <= 2, "{name}"),
            Err(err) => assert!(err.to_string().starts_with("dup.json"), "{name}: {err}"),
        }
    }
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

#[test]
fn zip_entries_that_escape_are_refused_and_bombs_are_stopped_naming_the_entry() {
    let users =
        br#"{"data": [{"ObjectIdentifier": "S-1-5-21-1-1001"}], "meta": {"type": "users"}}"#;
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("collection.zip");
    std::fs::write(
        &path,
        zip_of(&[
            ("../escape.json", users),
            ("/abs.json", users),
            ("a/../../up.json", users),
            ("C:\\win.json", users),
            ("ok/users.json", users),
        ]),
    )
    .unwrap();
    let (graph, report) =
        ingest_paths(std::slice::from_ref(&path), &ReadOptions::default(), Mode::Lenient)
            .expect("escaping entries are skips");
    assert_eq!(graph.node_count(), 1, "only the enclosed entry is read");
    let refused: Vec<String> = report
        .sources
        .iter()
        .flat_map(|s| &s.skipped)
        .filter(|s| s.reason.contains("escapes the archive"))
        .map(|s| s.place.file.clone())
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert!(refused.iter().all(|f| f.starts_with(&format!("{}!", path.display()))));
    let strict = ingest_paths(std::slice::from_ref(&path), &ReadOptions::default(), Mode::Strict);
    assert!(strict.unwrap_err().to_string().contains("escapes the archive"));

    // 64 MiB of zeros deflates to about 64 KiB: a ratio near 1000.
    let zeros = vec![0u8; 64 << 20];
    std::fs::write(&path, zip_of(&[("users.json", &zeros)])).unwrap();
    let err = ingest_paths(std::slice::from_ref(&path), &ReadOptions::default(), Mode::Lenient)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{}!users.json", path.display())), "{msg}");
    assert!(msg.contains("zip bomb"), "{msg}");

    // A total cap too: entries within the ratio but over max_input.
    let limits = Limits { max_input: 1 << 20, ..Limits::default() };
    let opts = ReadOptions { system: None, limits, ..ReadOptions::default() };
    let noise: Vec<u8> =
        (0..3u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, zip_of(&[("users.json", &noise)])).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let mut sink = Sink::new(Mode::Lenient);
    let err = archive::read_zip(&bytes, "c.zip", &opts, &mut sink).unwrap_err().to_string();
    assert!(err.starts_with("c.zip!users.json"), "{err}");
}
