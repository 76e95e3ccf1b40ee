//! Tests of the SharpHound reader against the BloodHound sample data and
//! hostile inputs. Expected counts were taken from the files with jq and
//! Python, not from this reader.

use std::path::PathBuf;

use super::*;
use crate::Graph;
use crate::ingest::{IngestReport, Mode, ingest_paths};

const DOCS: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/bloodhound-docs-ad-sample");
const GOAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/goad-sharphound");

fn read_bytes(bytes: &[u8], file: &str, mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    let mut sink = Sink::new(mode);
    read(bytes, file, &ReadOptions::default(), &mut sink)?;
    Ok(sink.finish())
}

fn read_fixture(name: &str) -> (Graph, IngestReport) {
    let path = format!("{DOCS}/{name}");
    let bytes = std::fs::read(&path).unwrap();
    read_bytes(&bytes, name, Mode::Strict).unwrap()
}

fn count_edges(graph: &Graph, name: &str) -> usize {
    graph.edges().iter().filter(|e| e.kind.as_str() == name).count()
}

fn count_kind(graph: &Graph, kind: &NodeKind) -> usize {
    graph.nodes().iter().filter(|n| n.kind == *kind).count()
}

#[test]
fn users_groups_and_computers_are_counted_per_file() {
    // (file, records, distinct ids, group members)
    let files = [
        ("20240305110018_users.json", 53, 52, 0),
        ("20240305110427_users.json", 7, 7, 0),
        ("20240305111414_users.json", 40, 40, 0),
        ("20240305110018_groups.json", 115, 87, 78),
        ("20240305110427_groups.json", 58, 52, 25),
        ("20240305111414_groups.json", 112, 84, 58),
        ("20240305110018_computers.json", 21, 21, 0),
        ("20240305110427_computers.json", 1, 1, 0),
        ("20240305111414_computers.json", 12, 12, 0),
    ];
    for (file, records, nodes, members) in files {
        let (graph, report) = read_fixture(file);
        assert_eq!(report.sources[0].records, records, "{file}");
        assert_eq!(report.sources[0].nodes, records, "{file}");
        assert_eq!(graph.node_count(), nodes, "{file}");
        assert_eq!(count_edges(&graph, "member_of"), members, "{file}");
        assert!(report.sources[0].skipped.is_empty(), "{file}");
    }
}

#[test]
fn the_three_domains_read_together_give_the_totals() {
    let (graph, report) =
        ingest_paths(&[PathBuf::from(DOCS)], &ReadOptions::default(), Mode::Lenient).unwrap();
    // 19 collection files and PROVENANCE.md, which no reader takes.
    assert_eq!(report.sources.len(), 20);
    let unknown: Vec<_> = report.sources.iter().filter(|s| s.format == "unknown").collect();
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].file.ends_with("PROVENANCE.md"));

    assert_eq!(graph.node_count(), 402);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 99);
    assert_eq!(count_kind(&graph, &NodeKind::Group), 219);
    assert_eq!(count_kind(&graph, &NodeKind::Other("Computer".into())), 34);
    assert_eq!(count_kind(&graph, &NodeKind::Other("Domain".into())), 3);
    assert_eq!(count_kind(&graph, &NodeKind::Other("GPO".into())), 22);
    assert_eq!(count_kind(&graph, &NodeKind::Other("OU".into())), 14);
    assert_eq!(count_kind(&graph, &NodeKind::Other("EnterpriseCA".into())), 2);

    assert_eq!(count_edges(&graph, "member_of"), 161);
    assert_eq!(count_edges(&graph, "Contains"), 359);
    assert_eq!(count_edges(&graph, "TrustedBy"), 11);
    assert_eq!(count_edges(&graph, "GPLink"), 23);
    assert_eq!(count_edges(&graph, "HasSession"), 29);
    assert_eq!(count_edges(&graph, "AdminTo"), 13 + 9);
    assert_eq!(count_edges(&graph, "CanRDP"), 1);
    assert_eq!(count_edges(&graph, "PublishedTo"), 54);
    assert_eq!(count_edges(&graph, "HostsCAService"), 2);
    assert_eq!(graph.edge_count(), 4047);
    let aces: usize = graph.edges().iter().filter(|e| e.props.contains_key("isinherited")).count();
    assert_eq!(aces, 3377);
}

#[test]
fn properties_are_mapped_and_typed() {
    let (graph, _) = read_fixture("20240305110427_users.json");
    let krbtgt = graph.node("S-1-5-21-2845847946-3451170323-4261139666-502").unwrap();
    assert_eq!(krbtgt.kind, NodeKind::Account);
    assert_eq!(krbtgt.name.as_deref(), Some("KRBTGT@GHOST.CORP"));
    assert_eq!(krbtgt.system.as_deref(), Some("ad:GHOST.CORP"));
    assert_eq!(krbtgt.prop(props::ENABLED), Some(&Value::Bool(false)));
    assert_eq!(krbtgt.prop(props::USERNAME), Some(&Value::Str("krbtgt".into())));
    assert_eq!(krbtgt.prop(props::CREATED), Some(&Value::Time(1_656_555_700)));
    assert_eq!(krbtgt.prop(props::HAS_SPN), Some(&Value::Bool(true)));
    assert_eq!(krbtgt.prop("admincount"), Some(&Value::Bool(true)));
    assert_eq!(krbtgt.prop("pwdlastset"), Some(&Value::Time(1_656_580_901)));
    // lastlogon 0 and lastlogontimestamp -1 both mean never.
    assert_eq!(krbtgt.prop(props::LAST_LOGIN), None);
    assert_eq!(
        krbtgt.prop("serviceprincipalnames"),
        Some(&Value::StrList(vec!["kadmin/changepw".into()]))
    );
    assert_eq!(krbtgt.prop("email"), None, "null is absent");
}

#[test]
fn a_meta_count_that_disagrees_is_warned_about_and_the_records_win() {
    let (graph, report) = read_fixture("20240305110018_users.json");
    assert_eq!(report.sources[0].records, 53);
    assert_eq!(graph.node_count(), 52);
    let warning = report.sources[0].warnings.iter().find(|w| w.contains("meta.count")).unwrap();
    assert_eq!(
        warning,
        "20240305110018_users.json: meta.count says 49 records but the data list holds 53; \
         the records are used"
    );
    let (_, report) = read_fixture("20240305110427_domains.json");
    assert!(report.sources[0].warnings.is_empty());
}

#[test]
fn duplicate_object_identifiers_merge_and_report_their_conflicts() {
    let (graph, report) = read_fixture("20240305110018_users.json");
    let id = "S-1-5-21-2697957641-2271029196-387917394-2186";
    assert_eq!(graph.nodes().iter().filter(|n| n.id == id).count(), 1);
    let name = report.conflicts.iter().find(|c| c.node == id && c.key == "name").unwrap();
    assert_eq!(name.kept.0, "GMSA_SHS22$@PHANTOM.CORP");
    assert_eq!(name.other.0, "HAYDEN@PHANTOM.CORP");
    assert!(report.conflicts.iter().any(|c| c.node == id && c.key == props::ENABLED));
}

#[test]
fn goad_collections_are_read_from_their_zips() {
    // (zip, entries, records, distinct ids, users, distinct groups, computers, members,
    // aces); group records repeat (89, 84 and 87 records).
    let zips = [
        ("ESSOS_20240410083816_BloodHound-2.3.3.zip", 12, 360, 331, 13, 60, 2, 42, 2208),
        ("NORTH_20240410083414_BloodHound-2.3.3.zip", 12, 347, 320, 16, 57, 2, 42, 2094),
        ("SEVENKINGDOMS_20240410083609_BloodHound-2.3.3.zip", 12, 356, 328, 15, 59, 1, 54, 2204),
    ];
    for (zip, entries, records, nodes, users, groups, computers, members, aces) in zips {
        let path = PathBuf::from(format!("{GOAD}/{zip}"));
        let (graph, report) =
            ingest_paths(std::slice::from_ref(&path), &ReadOptions::default(), Mode::Strict)
                .unwrap();
        assert_eq!(report.sources.len(), entries, "{zip}");
        let prefix = format!("{}!", path.display());
        assert!(report.sources.iter().all(|s| s.file.starts_with(&prefix)), "{zip}");
        assert!(report.sources.iter().all(|s| s.format == "sharphound"), "{zip}");
        assert_eq!(report.sources.iter().map(|s| s.records).sum::<u64>(), records, "{zip}");
        assert_eq!(graph.node_count(), nodes, "{zip}");
        assert_eq!(count_kind(&graph, &NodeKind::Account), users, "{zip}");
        assert_eq!(count_kind(&graph, &NodeKind::Group), groups, "{zip}");
        assert_eq!(count_kind(&graph, &NodeKind::Other("Computer".into())), computers, "{zip}");
        assert_eq!(count_edges(&graph, "member_of"), members, "{zip}");
        let ace_edges =
            graph.edges().iter().filter(|e| e.props.contains_key("isinherited")).count();
        assert_eq!(ace_edges, aces, "{zip}");
    }
}

#[test]
fn no_secret_attribute_reaches_the_graph() {
    let paths = [PathBuf::from(DOCS), PathBuf::from(GOAD)];
    let (graph, _) = ingest_paths(&paths, &ReadOptions::default(), Mode::Lenient).unwrap();
    for node in graph.nodes() {
        for key in node.props.keys() {
            assert!(!crate::ingest::json_support::is_secret(key), "{} has {key}", node.id);
        }
    }

    let doc = br#"{"data": [{"ObjectIdentifier": "S-1-5-21-1-1000",
        "Properties": {"name": "A@X", "domain": "X", "userpassword": "hunter2",
                       "unicodepassword": "aGk=", "sfupassword": null}}],
        "meta": {"type": "users", "count": 1, "version": 6}}"#;
    let (graph, report) = read_bytes(doc, "u.json", Mode::Strict).unwrap();
    let node = graph.node("S-1-5-21-1-1000").unwrap();
    assert!(!node.props.keys().any(|k| k.contains("password")));
    let text = format!("{:?}", report);
    assert!(!text.contains("hunter2") && !text.contains("aGk="));
    assert_eq!(
        report.sources[0].warnings,
        vec![
            "u.json: dropped secret attribute 'unicodepassword' from 1 record(s)".to_string(),
            "u.json: dropped secret attribute 'userpassword' from 1 record(s)".to_string(),
        ]
    );
}

const ONE_USER: &str = r#"{"data": [
  {"ObjectIdentifier": "S-1", "Properties": {"name": "A@X", "enabled": "True"}},
  {"ObjectIdentifier": "S-2", "Properties": {"name": "B@X", "enabled": true,
     "nested": {"a": 1}, "list": [{"a": 1}]}}
], "meta": {"type": "users", "count": 2, "version": 6}}"#;

#[test]
fn a_string_where_a_boolean_belongs_is_a_skip_naming_the_pointer() {
    let (graph, report) = read_bytes(ONE_USER.as_bytes(), "users.json", Mode::Lenient).unwrap();
    assert_eq!(graph.node_count(), 1);
    let skip = &report.sources[0].skipped[0];
    assert_eq!(skip.place.to_string(), "users.json#/data/0/Properties/enabled");
    assert_eq!(skip.reason, "expected a boolean, found string \"True\"");
    // Nested values are not kept, and the report says so.
    let node = graph.node("S-2").unwrap();
    assert!(node.prop("nested").is_none() && node.prop("list").is_none());
    assert_eq!(report.sources[0].warnings.len(), 2);
    assert!(report.sources[0].warnings[0].contains("'list'"));

    let err = read_bytes(ONE_USER.as_bytes(), "users.json", Mode::Strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "users.json#/data/0/Properties/enabled: expected a boolean, found string \"True\""
    );
}

#[test]
fn broken_json_names_the_file_line_and_byte() {
    let doc = b"{\"data\": [\n {\"ObjectIdentifier\": \"S-1\",, }\n], \"meta\": {}}";
    let err = read_bytes(doc, "bad.json", Mode::Lenient).unwrap_err();
    assert!(matches!(err, IngestError::Malformed { .. }));
    let msg = err.to_string();
    assert_eq!(msg, "bad.json:2: invalid JSON at byte 39 (column 29): key must be a string");
}

#[test]
fn a_truncated_file_is_reported_as_truncated() {
    let bytes = std::fs::read(format!("{DOCS}/20240305110427_users.json")).unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let err = read_bytes(cut, "users.json", Mode::Lenient).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("truncated JSON at byte"), "{msg}");
    assert!(msg.starts_with("users.json:"), "{msg}");
}

#[test]
fn an_object_where_the_data_list_belongs_is_malformed_at_data() {
    let doc = br#"{"data": {"ObjectIdentifier": "S-1"}, "meta": {"type": "users"}}"#;
    let err = read_bytes(doc, "users.json", Mode::Lenient).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("users.json:1#/data: invalid JSON at byte"), "{msg}");
    assert!(msg.contains("expected a list of records"), "{msg}");

    let err = read_bytes(b"[1, 2]", "users.json", Mode::Lenient).unwrap_err();
    assert_eq!(err.to_string(), "users.json: expected an object with 'data' and 'meta'");
    let err = read_bytes(br#"{"data": [], "meta": {"type": "azure"}}"#, "x.json", Mode::Lenient)
        .unwrap_err();
    assert_eq!(err.to_string(), "x.json#/meta/type: unsupported collection type \"azure\"");
}

#[test]
fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
    let mut doc = String::from(r#"{"data": [{"ObjectIdentifier": "S-1", "Properties": {"x": "#);
    doc.push_str(&"[".repeat(10_000));
    doc.push_str(&"]".repeat(10_000));
    doc.push_str(r#"}}], "meta": {"type": "users"}}"#);
    let err = read_bytes(doc.as_bytes(), "deep.json", Mode::Lenient).unwrap_err();
    assert!(matches!(err, IngestError::Limit { .. }), "{err}");
    assert!(err.to_string().starts_with("deep.json: nesting deeper than the limit of 128"));
}

#[test]
fn strict_mode_stops_at_the_first_unusable_record_and_lenient_mode_counts_it() {
    let doc = br#"{"data": [{"Properties": {}}, 7, {"ObjectIdentifier": "S-3"}],
                   "meta": {"type": "groups"}}"#;
    let (graph, report) = read_bytes(doc, "g.json", Mode::Lenient).unwrap();
    assert_eq!(graph.node_count(), 1);
    let skipped: Vec<String> =
        report.sources[0].skipped.iter().map(|s| s.place.to_string()).collect();
    assert_eq!(skipped, ["g.json#/data/0/ObjectIdentifier", "g.json#/data/1"]);
    let err = read_bytes(doc, "g.json", Mode::Strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "g.json#/data/0/ObjectIdentifier: expected a string ObjectIdentifier, found nothing"
    );
}
