//! No secret reaches a snapshot or a report.
//!
//! Every sample fixture folder in `tests/fixtures/` is copied with known
//! secret values planted the way each format carries them: JSON objects at
//! every depth get `unicodePwd`, `userPassword`, `ntPwdHistory`,
//! `SecretAccessKey`, `privateKey`, `client_secret`, `accessToken`,
//! `thumbnailPhoto` and `jpegPhoto` keys; LDIF content records get the same
//! as attributes (two base64-encoded); CSV files get `password` and
//! `private_key` columns; zip collections get their JSON entries planted.
//! Each input is read by the reader its original detects as, correlated,
//! built into a snapshot and scanned;
//! the snapshot's bytes, the ingest report, the correlation report, the
//! build report and the scan (as JSON) are searched for every planted
//! value, and for its base64 form.

use std::io::Read;
use std::path::Path;

use aisf::Graph;
use aisf::core::correlate::{CorrelationConfig, correlate};
use aisf::core::ingest::{Format, IngestReport, Mode, ReadOptions, Sink, detect};
use aisf::core::policy::Policy;
use aisf::graph::{BuildOptions, Snapshot, UnknownEnds, build_bytes};
use aisf::{ScanOptions, scan};
use base64::Engine;
use serde_json::Value as Json;

/// The marker every planted value carries.
const MARK: &str = "PLANTEDSECRET";

const JSON_KEYS: [&str; 9] = [
    "unicodePwd",
    "userPassword",
    "ntPwdHistory",
    "SecretAccessKey",
    "privateKey",
    "client_secret",
    "accessToken",
    "thumbnailPhoto",
    "jpegPhoto",
];

fn value(key: &str, n: &mut usize) -> String {
    *n += 1;
    format!("{MARK}-{key}-{n}")
}

fn plant_json(doc: &mut Json, n: &mut usize) {
    match doc {
        Json::Object(map) => {
            for v in map.values_mut() {
                plant_json(v, n);
            }
            for key in JSON_KEYS {
                let v = value(key, n);
                map.insert(key.to_string(), Json::String(v));
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|v| plant_json(v, n)),
        _ => {}
    }
}

/// Appends secret attributes to every content record (a record with a
/// `changetype` is an operation, whose lines must keep their order).
fn plant_ldif(text: &str, n: &mut usize) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = String::new();
    let normalised = text.replace("\r\n", "\n");
    for record in normalised.split("\n\n") {
        out.push_str(record.trim_end_matches('\n'));
        out.push('\n');
        let lower = record.to_ascii_lowercase();
        let content = lower.lines().any(|l| l.starts_with("dn:"))
            && !lower.lines().any(|l| l.starts_with("changetype:"));
        if content {
            for key in ["userPassword", "ntPwdHistory", "sambaNTPassword", "thumbnailPhoto"] {
                out.push_str(&format!("{key}: {}\n", value(key, n)));
            }
            out.push_str(&format!("unicodePwd:: {}\n", b64.encode(value("unicodePwd", n))));
            out.push_str(&format!("jpegPhoto:: {}\n", b64.encode(value("jpegPhoto", n))));
        }
        out.push('\n');
    }
    out
}

fn plant_csv(text: &str, n: &mut usize) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push_str(line);
        if i == 0 {
            out.push_str(",password,private_key\n");
        } else {
            out.push_str(&format!(",{},{}\n", value("password", n), value("private_key", n)));
        }
    }
    out
}

/// The JSON entries of a zip collection, by name.
fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name.ends_with(".json") {
            out.push((name, data));
        }
    }
    out
}

/// One input of a fixture folder: its name, its bytes, the same with
/// secrets planted, and its format as detected from the original (a
/// planted JSON file is rewritten with its keys reordered, which may push
/// the keys detection looks at past the part it reads).
struct Input {
    name: String,
    original: Vec<u8>,
    planted: Vec<u8>,
    format: Format,
}

/// Every input of a fixture folder (zip entries one by one), with secrets
/// planted; the count of planted values goes to `n`.
fn inputs(folder: &Path, n: &mut usize) -> Vec<Input> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".zip") {
            files.extend(zip_entries(&bytes));
        } else {
            files.push((name, bytes));
        }
    }
    let mut out = Vec::new();
    for (name, original) in files {
        let Some(format) = detect::detect(Path::new(&name), &original) else { continue };
        let ext = name.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
        let planted = match ext.as_str() {
            "json" => {
                let text = String::from_utf8_lossy(&original);
                let mut doc: Json = serde_json::from_str(text.trim_start_matches('\u{feff}'))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                plant_json(&mut doc, n);
                serde_json::to_vec_pretty(&doc).unwrap()
            }
            "ldif" => plant_ldif(&String::from_utf8_lossy(&original), n).into_bytes(),
            "csv" => plant_csv(&String::from_utf8_lossy(&original), n).into_bytes(),
            _ => continue,
        };
        out.push(Input { name, original, planted, format });
    }
    out
}

fn read_all(inputs: &[Input], planted: bool) -> (Graph, IngestReport) {
    let mut sink = Sink::new(Mode::Lenient);
    for input in inputs {
        let bytes = if planted { &input.planted } else { &input.original };
        detect::read_as(input.format, bytes, &input.name, &ReadOptions::default(), &mut sink)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    sink.finish()
}

/// Where the marker (or its base64 form) occurs in `haystack`.
fn leak(haystack: &[u8]) -> Option<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    // The marker's base64 form at each of the three alignments.
    let mut needles = vec![MARK.as_bytes().to_vec()];
    for pad in ["", "x", "xx"] {
        let enc = b64.encode(format!("{pad}{MARK}"));
        needles.push(enc.as_bytes()[4..16].to_vec());
    }
    for needle in needles {
        if let Some(at) = haystack.windows(needle.len()).position(|w| w == needle.as_slice()) {
            let from = at.saturating_sub(80);
            let to = (at + 80).min(haystack.len());
            return Some(String::from_utf8_lossy(&haystack[from..to]).into_owned());
        }
    }
    None
}

#[test]
fn no_planted_secret_reaches_the_snapshot_or_any_report() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut folders: Vec<_> =
        std::fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().path()).collect();
    folders.sort();
    let mut total = 0;
    let mut read = 0;
    let mut folders_read = 0;
    for folder in folders.iter().filter(|p| p.is_dir()) {
        let name = folder.file_name().unwrap().to_string_lossy().to_string();
        let mut n = 0;
        let inputs = inputs(folder, &mut n);
        if inputs.is_empty() {
            // Reference data no reader takes (a classification list).
            continue;
        }
        assert!(n > 0, "{name}: nothing planted");
        folders_read += 1;
        let planted: Vec<u8> = inputs.iter().flat_map(|i| i.planted.clone()).collect();
        assert!(leak(&planted).is_some(), "{name}: the planted copy holds no marker");

        let (mut graph, report) = read_all(&inputs, true);
        // Planting must not change what is read, or the test proves little.
        let (original, _) = read_all(&inputs, false);
        assert_eq!(graph.node_count(), original.node_count(), "{name}: planting changed the read");
        read += graph.node_count();
        let correlation = correlate(&mut graph, &CorrelationConfig::default());
        let opts = BuildOptions {
            unknown_ends: UnknownEnds::Skip,
            created: Some(0),
            ..BuildOptions::default()
        };
        let (bytes, built) = build_bytes(&graph, &opts).unwrap();
        let snap = Snapshot::from_bytes(&bytes).unwrap();
        let found =
            scan(&snap, &Policy::default(), &ScanOptions { now: Some(0), ..Default::default() });

        let outputs = [
            ("snapshot", bytes.clone()),
            ("ingest report", serde_json::to_vec(&report).unwrap()),
            ("correlation report", serde_json::to_vec(&correlation).unwrap()),
            ("build report", serde_json::to_vec(&built).unwrap()),
            ("scan", serde_json::to_vec(&found).unwrap()),
        ];
        for (what, out) in outputs {
            if let Some(around) = leak(&out) {
                panic!("{name}: a planted secret reached the {what}: ...{around}...");
            }
        }
        total += n;
    }
    assert!(total > 1000, "only {total} secrets planted");
    assert!(read > 1000, "only {read} nodes read");
    assert!(folders_read >= 14, "only {folders_read} fixture folders read");
}
