//! Tests of the Okta reader against the examples of Okta's management API
//! specification, Cartography's Okta fixtures, and hostile inputs. Expected
//! counts were taken from the files with Python, not from this reader.

use std::path::PathBuf;

use super::*;
use crate::Graph;
use crate::ingest::test_support::{FIXTURES, count_edges, count_kind, fixture, read_with, skips};
use crate::ingest::{IngestReport, Mode, detect};

const EXAMPLES: &str = "okta-openapi-examples/okta-management-examples.json";
const GROUPS: &str = "cartography-testdata/okta_groups.json";
const ROLES: &str = "cartography-testdata/okta_adminroles.json";
const APPS: &str = "cartography-testdata/okta_application.json";

fn read_bytes(bytes: &[u8], file: &str, mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    read_with(read, bytes, file, mode)
}

#[test]
fn the_api_examples_give_users_groups_apps_and_roles() {
    let (graph, report) = read_bytes(&fixture(EXAMPLES), "ex.json", Mode::Lenient).unwrap();
    let source = &report.sources[0];
    assert_eq!(source.records, 41);
    // 7 users in the list examples (one twice), the app user's embedded
    // user, the role assignee list's user and the IdP-linked user.
    assert_eq!(count_kind(&graph, &NodeKind::Account), 9);
    assert_eq!(count_kind(&graph, &NodeKind::Group), 3);
    assert_eq!(count_kind(&graph, &NodeKind::Resource), 4);
    // Access to the 4 apps and to the 2 apps the assignments name.
    assert_eq!(count_kind(&graph, &NodeKind::Entitlement), 6);
    // 4 standard role types and 2 custom roles.
    assert_eq!(count_kind(&graph, &NodeKind::Role), 6);
    assert_eq!(count_edges(&graph, &EdgeKind::HasRole), 6);
    assert_eq!(count_edges(&graph, &EdgeKind::Grant), 2);
    assert_eq!(count_edges(&graph, &EdgeKind::OnResource), 6);

    let skipped = skips(&report);
    let reason_count = |reason: &str| skipped.iter().filter(|(_, r)| *r == reason).count();
    assert_eq!(skipped.len(), 13);
    assert_eq!(reason_count("object of no known Okta shape"), 2);
    assert_eq!(reason_count("record has no id"), 2);
    assert_eq!(reason_count("role assignment names no assignee"), 2);
    assert_eq!(reason_count("a role target is not read"), 2);
    assert_eq!(reason_count("a resource set binding is not read"), 1);
    assert_eq!(reason_count("an OAuth client grant is not read"), 1);
    assert_eq!(reason_count("unrecognised object"), 1);
    let duplicates: Vec<&str> =
        skipped.iter().filter(|(_, r)| r.starts_with("duplicate id")).map(|(p, _)| &**p).collect();
    assert_eq!(
        duplicates,
        ["ex.json#/GetApplicationsResponseEx/value", "ex.json#/ListUsersQResponse/value/1"]
    );
    // The specification's own typo: keys ending in a quote, so no assignee.
    assert!(skipped.contains(&(
        "ex.json#/StandardRolesListResponse/value/3".to_string(),
        "role assignment names no assignee"
    )));
    assert_eq!(
        source.warnings,
        [
            "ex.json: 2 pages have a next link: the export is incomplete",
            "dropped 2 values of secret attribute securityAnswer",
        ]
    );
}

#[test]
fn users_map_onto_the_shared_properties() {
    let (graph, _) = read_bytes(&fixture(EXAMPLES), "ex.json", Mode::Lenient).unwrap();
    let alice = graph.node("okta:00u118oQYT4TBTemp0g4").unwrap();
    assert_eq!(alice.kind, NodeKind::Account);
    assert_eq!(alice.name.as_deref(), Some("Alice Smith"));
    assert_eq!(alice.prop(props::USERNAME), Some(&"alice.smith@example.com".into()));
    assert_eq!(alice.prop(props::EMAIL), Some(&"alice.smith@example.com".into()));
    assert_eq!(alice.prop(props::ENABLED), Some(&true.into()));
    assert_eq!(alice.prop(props::STATUS), Some(&"active".into()));
    assert_eq!(alice.prop(props::LAST_LOGIN), Some(&Value::Time(1_651_693_852)));
    assert_eq!(alice.prop("firstName"), Some(&"Alice".into()));

    // Locked out is still an account that can sign in; staged is not yet.
    let locked = graph.node("okta:00u3m5wrdPjJYUFb81d6").unwrap();
    assert_eq!(locked.prop(props::ENABLED), Some(&true.into()));
    let staged = graph.node("okta:00u1xke1apZnmHgpB1d7").unwrap();
    assert_eq!(staged.prop(props::ENABLED), Some(&false.into()));

    let group = graph.node("okta:00gsl4xM9ys8TdnbZ0g4").unwrap();
    assert_eq!(group.name.as_deref(), Some("West Coast users"));
    assert_eq!(group.prop("external_id"), Some(&"GROUPEXT123456784C2IF".into()));

    let org_admin = graph.node("okta:role/ORG_ADMIN").unwrap();
    assert_eq!(org_admin.prop(props::PRIVILEGED), Some(&true.into()));
    let custom = graph.node("okta:role/cr0Yq6IJxGIr0ouum0g3").unwrap();
    assert_eq!(custom.name.as_deref(), Some("UserCreator"));
    assert!(graph.edges().iter().any(|e| e.kind == EdgeKind::HasRole
        && e.src == "okta:00g1emaKYZTWRYYRRTSK"
        && e.dst == custom.id
        && e.props.get("resource_set") == Some(&"iamoJDFKaJxGIr0oamd9g".into())));

    // The app user is granted access to the app its link names.
    let grant = graph
        .edges()
        .iter()
        .find(|e| e.kind == EdgeKind::Grant && e.src == "okta:00u1dnq5S0CfjlkpABCD")
        .unwrap();
    assert_eq!(grant.dst, "okta:0oajiqIRNXPPJBNZMGYL/access");
    assert_eq!(grant.props.get("app_username"), Some(&"saml.test@example.com".into()));
    assert_eq!(grant.props.get("scope"), Some(&"user".into()));
}

#[test]
fn cartography_fixtures_give_their_counts() {
    let (graph, report) = read_bytes(&fixture(GROUPS), "g.json", Mode::Strict).unwrap();
    assert_eq!(report.sources[0].records, 5);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 5);
    assert_eq!(graph.edge_count(), 0);

    let (graph, report) = read_bytes(&fixture(ROLES), "r.json", Mode::Strict).unwrap();
    assert_eq!(report.sources[0].records, 4);
    assert_eq!(count_kind(&graph, &NodeKind::Role), 2);
    // Help Desk Administrator is listed twice for the same user.
    assert_eq!(count_edges(&graph, &EdgeKind::HasRole), 3);

    let (graph, report) = read_bytes(&fixture(APPS), "a.json", Mode::Lenient).unwrap();
    assert_eq!(report.sources[0].records, 5);
    assert_eq!(count_kind(&graph, &NodeKind::Resource), 1);
    assert_eq!(count_kind(&graph, &NodeKind::Entitlement), 2);
    assert_eq!(count_edges(&graph, &EdgeKind::Grant), 2);
    // The group assignments come without the app they belong to.
    assert_eq!(
        skips(&report),
        [
            (
                "a.json#/LIST_APPLICATION_GROUP_ASSIGNED_RESPONSE/0".to_string(),
                "app group assignment names no app"
            ),
            (
                "a.json#/LIST_APPLICATION_GROUP_ASSIGNED_RESPONSE/1".to_string(),
                "app group assignment names no app"
            ),
        ]
    );
}

#[test]
fn lists_keyed_by_their_owner_give_memberships() {
    let bytes = br#"{"group_members": {"00g1emaKYZTWRYYRRTSK": [
        {"id": "00u1f96ECLNVOKVMUSEA", "profile": {"login": "a@x"}},
        {"id": "00u1f9cMYQZFMPVXIDIZ", "profile": {"login": "b@x"}}]},
      "user_groups": {"00u1f96ECLNVOKVMUSEA": [
        {"id": "00g2emaKYZTWRYYRRTSK", "profile": {"name": "Everyone"}, "type": "BUILT_IN"}]}}"#;
    let (graph, report) = read_bytes(bytes, "m.json", Mode::Strict).unwrap();
    assert_eq!(report.sources[0].records, 3);
    let members: Vec<(&str, &str)> = graph
        .edges()
        .iter()
        .filter(|e| e.kind == EdgeKind::MemberOf)
        .map(|e| (e.src.as_str(), e.dst.as_str()))
        .collect();
    assert_eq!(
        members,
        [
            ("okta:00u1f96ECLNVOKVMUSEA", "okta:00g1emaKYZTWRYYRRTSK"),
            ("okta:00u1f9cMYQZFMPVXIDIZ", "okta:00g1emaKYZTWRYYRRTSK"),
            ("okta:00u1f96ECLNVOKVMUSEA", "okta:00g2emaKYZTWRYYRRTSK"),
        ]
    );
}

#[test]
fn detection_routes_each_file_to_its_reader() {
    for file in [EXAMPLES, GROUPS, ROLES, APPS] {
        let path = PathBuf::from(format!("{FIXTURES}/{file}"));
        assert_eq!(detect::detect(&path, &fixture(file)), Some(Format::Okta), "{file}");
    }
}

#[test]
fn no_secret_reaches_the_graph() {
    let bytes = br#"[{"id": "00u1f96ECLNVOKVMUSEA", "status": "ACTIVE",
        "profile": {"login": "a@x", "email": "a@x"},
        "credentials": {"password": {"value": "tlpWENT2m"},
          "recovery_question": {"question": "Who's a major player?", "answer": "Cowboy Dan"}}},
      {"id": "0oa1", "signOnMode": "OPENID_CONNECT", "label": "CI",
        "credentials": {"oauthClient": {"client_id": "0oa1", "client_secret": "S3cr3t-XYZ"}}}]"#;
    let (graph, report) = read_bytes(bytes, "s.json", Mode::Strict).unwrap();
    let json = serde_json::to_string(&graph).unwrap();
    for secret in ["tlpWENT2m", "Cowboy Dan", "S3cr3t-XYZ"] {
        assert!(!json.contains(secret), "{secret}");
    }
    assert_eq!(
        report.sources[0].warnings,
        [
            "dropped 1 value of secret attribute answer",
            "dropped 1 value of secret attribute client_secret",
            "dropped 1 value of secret attribute password",
        ]
    );
    // The example's recovery answer never reaches the graph.
    let (graph, _) = read_bytes(&fixture(EXAMPLES), "ex.json", Mode::Lenient).unwrap();
    assert!(!serde_json::to_string(&graph).unwrap().contains("Ronaldinho"));
}

#[test]
fn wrong_types_are_skips_at_their_pointer() {
    let bytes = br#"[{"id": "00u1f96ECLNVOKVMUSEA", "status": 1, "lastLogin": "never",
        "profile": {"login": ["a@x"], "email": "a@x"}},
      {"id": "00u1f96ECLNVOKVMUSEA", "profile": {"login": "dup@x"}}]"#;
    let (graph, report) = read_bytes(bytes, "w.json", Mode::Lenient).unwrap();
    let user = graph.node("okta:00u1f96ECLNVOKVMUSEA").unwrap();
    assert_eq!(user.prop(props::EMAIL), Some(&"a@x".into()));
    assert_eq!(user.prop(props::USERNAME), None);
    assert_eq!(
        skips(&report),
        [
            ("w.json#/0/status".to_string(), "expected a string, found number 1"),
            (
                "w.json#/0/lastLogin".to_string(),
                "expected an RFC 3339 timestamp, found string \"never\""
            ),
            ("w.json#/0/profile/login".to_string(), "expected a string, found an array of 1"),
            ("w.json#/1".to_string(), "duplicate id \"00u1f96ECLNVOKVMUSEA\", first defined at /0"),
        ]
    );
    let err = read_bytes(bytes, "w.json", Mode::Strict).unwrap_err();
    assert_eq!(err.to_string(), "w.json#/0/status: expected a string, found number 1");

    let err = read_bytes(b"[{\"id\": \"00u1\",\n \"profile\": {]}", "b.json", Mode::Lenient);
    assert!(err.unwrap_err().to_string().starts_with("b.json:2: invalid JSON"));
}

#[test]
fn a_value_of_another_type_anywhere_is_never_a_panic_nor_a_lenient_error() {
    for file in [EXAMPLES, GROUPS, ROLES, APPS] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        for (i, bytes) in crate::ingest::b_json::type_swaps(&doc, 60).iter().enumerate() {
            let read = read_bytes(bytes, file, Mode::Lenient);
            assert!(read.is_ok(), "{file}, swap {i}: {:?}", read.err());
        }
    }
}

#[test]
fn no_string_only_a_secret_attribute_holds_reaches_the_graph() {
    let mut checked = 0;
    for file in [EXAMPLES, GROUPS, ROLES, APPS] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        let (graph, _) = read_bytes(&fixture(file), file, Mode::Lenient).unwrap();
        let json = serde_json::to_string(&graph).unwrap();
        for secret in crate::ingest::b_common::secret_strings(&doc) {
            assert!(!json.contains(&secret), "{file}: {secret}");
            checked += 1;
        }
    }
    // Counted from the fixtures; a count of 0 means the files hold no secret.
    assert_eq!(checked, 1);
}
