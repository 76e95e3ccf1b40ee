//! Tests of the Google Workspace reader against Cartography's Directory
//! and Cloud Identity fixtures and hostile inputs. Expected counts were
//! taken from the files with Python, not from this reader.

use std::path::PathBuf;

use super::*;
use crate::Graph;
use crate::ingest::test_support::{FIXTURES, count_kind, fixture, read_with, skips};
use crate::ingest::{IngestReport, Mode, detect};

const WORKSPACE: &str = "cartography-testdata/googleworkspace_api.json";
const GSUITE: &str = "cartography-testdata/gsuite_api.json";

fn read_bytes(bytes: &[u8], file: &str, mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    read_with(read, bytes, file, mode)
}

fn edges(graph: &Graph, kind: &EdgeKind) -> Vec<(String, String)> {
    let of_kind = graph.edges().iter().filter(|e| e.kind == *kind);
    of_kind.map(|e| (e.src.clone(), e.dst.clone())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (format!("google:{a}"), format!("google:{b}"))).collect()
}

#[test]
fn directory_users_with_cloud_identity_groups_memberships_and_tokens() {
    let (graph, report) = read_bytes(&fixture(WORKSPACE), "ws.json", Mode::Strict).unwrap();
    let source = &report.sources[0];
    // 2 users, 2 groups, 4 memberships, 3 tokens.
    assert_eq!(source.records, 11);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 2);
    assert_eq!(count_kind(&graph, &NodeKind::Group), 2);
    // Slack and Google Calendar Mobile, each with its access.
    assert_eq!(count_kind(&graph, &NodeKind::Resource), 2);
    assert_eq!(count_kind(&graph, &NodeKind::Entitlement), 2);
    let mut members = edges(&graph, &EdgeKind::MemberOf);
    members.sort();
    assert_eq!(
        members,
        pairs(&[
            ("hjsimpson@simpson.corp", "engineering@simpson.corp"),
            ("hjsimpson@simpson.corp", "operations@simpson.corp"),
            ("mbsimpson@simpson.corp", "engineering@simpson.corp"),
            ("operations@simpson.corp", "engineering@simpson.corp"),
        ])
    );
    assert_eq!(edges(&graph, &EdgeKind::Grant).len(), 3);
    assert!(report.unresolved.is_empty());
    assert!(source.skipped.is_empty());
    assert_eq!(source.warnings, ["dropped 2 values of secret attribute thumbnailPhotoUrl"]);

    let marge = graph.node("google:mbsimpson@simpson.corp").unwrap();
    assert_eq!(marge.name.as_deref(), Some("Marge Simpson"));
    assert_eq!(marge.system.as_deref(), Some("google"));
    assert_eq!(marge.prop("customerId"), Some(&"customer-123".into()));
    assert_eq!(marge.prop(props::ENABLED), Some(&true.into()));
    assert_eq!(marge.prop(props::PRIVILEGED), Some(&true.into()));
    assert_eq!(marge.prop(props::MFA), Some(&true.into()));
    assert_eq!(marge.prop(props::TITLE), Some(&"Chief Executive Officer".into()));
    assert_eq!(marge.prop(props::DEPARTMENT), Some(&"Management".into()));
    assert_eq!(marge.prop(props::LAST_LOGIN), Some(&Value::Time(1_704_112_496)));
    assert_eq!(marge.prop("orgUnitPath"), Some(&"/".into()));
    let engineering = graph.node("google:engineering@simpson.corp").unwrap();
    assert_eq!(engineering.name.as_deref(), Some("Engineering"));
    assert_eq!(engineering.prop("cloud_identity_name"), Some(&"groups/group-engineering".into()));
    let slack = graph
        .edges()
        .iter()
        .find(|e| e.kind == EdgeKind::Grant && e.src == "google:hjsimpson@simpson.corp")
        .unwrap();
    assert_eq!(slack.dst, "google:app/123456789.apps.googleusercontent.com/access");
}

#[test]
fn directory_groups_and_members_keyed_by_group_id() {
    let (graph, report) = read_bytes(&fixture(GSUITE), "gs.json", Mode::Strict).unwrap();
    assert_eq!(report.sources[0].records, 8);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 2);
    assert_eq!(count_kind(&graph, &NodeKind::Group), 2);
    // Members are named by id; the fixture's member emails are not the
    // users' primary emails, so the ids decide.
    let mut members = edges(&graph, &EdgeKind::MemberOf);
    members.sort();
    assert_eq!(
        members,
        pairs(&[
            ("alice@example.com", "engineering@example.com"),
            ("bob@example.com", "engineering@example.com"),
            ("bob@example.com", "operations@example.com"),
            ("operations@example.com", "engineering@example.com"),
        ])
    );
    assert!(report.unresolved.is_empty());
    let group = graph.node("google:operations@example.com").unwrap();
    assert_eq!(group.prop("directMembersCount"), Some(&Value::Int(1)));
}

#[test]
fn detection_routes_each_file_to_its_reader() {
    for file in [WORKSPACE, GSUITE] {
        let path = PathBuf::from(format!("{FIXTURES}/{file}"));
        assert_eq!(detect::detect(&path, &fixture(file)), Some(Format::Google), "{file}");
    }
    let memberships = br##"{"memberships": [{"name": "groups/g1/memberships/m1",
        "preferredMemberKey": {"id": "a@x"}, "roles": [{"name": "MEMBER"}]}]}"##;
    let path = PathBuf::from("m.json");
    assert_eq!(detect::detect(&path, memberships), Some(Format::Google));
}

#[test]
fn no_secret_reaches_the_graph() {
    for file in [WORKSPACE, GSUITE] {
        let (graph, _) = read_bytes(&fixture(file), file, Mode::Strict).unwrap();
        let json = serde_json::to_string(&graph).unwrap();
        assert!(!json.contains("/photos/"), "{file}");
        assert!(!json.contains("photo1.jpg"), "{file}");
    }
    let bytes = br##"{"users": [{"kind": "admin#directory#user", "id": "1",
        "primaryEmail": "a@x", "password": "d41d8cd98f00b204", "hashFunction": "MD5"}]}"##;
    let (graph, report) = read_bytes(bytes, "p.json", Mode::Strict).unwrap();
    assert!(!serde_json::to_string(&graph).unwrap().contains("d41d8cd98f00b204"));
    assert_eq!(report.sources[0].warnings, ["dropped 1 value of secret attribute password"]);
}

#[test]
fn roles_and_role_assignments_resolve_users_by_id() {
    let bytes = br##"{
      "users": {"kind": "admin#directory#users", "users": [
        {"kind": "admin#directory#user", "id": "1001", "primaryEmail": "Ana@X.com",
         "suspended": true, "lastLoginTime": "1970-01-01T00:00:00.000Z"}]},
      "roles": {"kind": "admin#directory#roles", "items": [
        {"kind": "admin#directory#role", "roleId": "3894", "roleName": "_SEED_ADMIN_ROLE",
         "isSuperAdminRole": true,
         "rolePrivileges": [{"serviceId": "00haapch16h1ysv", "privilegeName": "USERS_ALL"}]}]},
      "assignments": {"kind": "admin#directory#roleAssignments", "nextPageToken": "t", "items": [
        {"kind": "admin#directory#roleAssignment", "roleAssignmentId": "9", "roleId": "3894",
         "assignedTo": "1001", "scopeType": "CUSTOMER"},
        {"kind": "admin#directory#roleAssignment", "roleAssignmentId": "10", "roleId": "3894",
         "assignedTo": "2002"}]}}"##;
    let (graph, report) = read_bytes(bytes, "r.json", Mode::Strict).unwrap();
    let ana = graph.node("google:ana@x.com").unwrap();
    assert_eq!(ana.prop(props::ENABLED), Some(&false.into()));
    assert_eq!(ana.prop(props::LAST_LOGIN), None);
    let role = graph.node("google:role/3894").unwrap();
    assert_eq!(role.prop(props::PRIVILEGED), Some(&true.into()));
    assert_eq!(
        role.prop("privileges"),
        Some(&Value::StrList(vec!["00haapch16h1ysv/USERS_ALL".into()]))
    );
    assert_eq!(
        edges(&graph, &EdgeKind::HasRole),
        [
            ("google:ana@x.com".to_string(), "google:role/3894".to_string()),
            ("google:2002".to_string(), "google:role/3894".to_string()),
        ]
    );
    assert_eq!(report.unresolved, ["google:2002"]);
    assert_eq!(
        report.sources[0].warnings,
        ["r.json: 1 page has nextPageToken: the export is incomplete"]
    );
}

#[test]
fn bad_records_are_skips_at_their_pointer() {
    let bytes = br##"{"kind": "admin#directory#users", "users": [
        {"kind": "admin#directory#user", "id": "1", "primaryEmail": "a@x", "suspended": "no"},
        {"kind": "admin#directory#user", "id": "2"},
        {"kind": "admin#directory#user", "id": "3", "primaryEmail": "A@x"},
        {"kind": "admin#directory#user"},
        {"kind": "admin#directory#orgUnit", "name": "Sales"},
        {"role": "MEMBER", "type": "USER", "email": "b@x"},
        "c@x"]}"##;
    let (graph, report) = read_bytes(bytes, "b.json", Mode::Lenient).unwrap();
    assert_eq!(count_kind(&graph, &NodeKind::Account), 2);
    assert_eq!(graph.node("google:a@x").unwrap().prop(props::ENABLED), None);
    assert_eq!(
        skips(&report),
        [
            ("b.json#/users/0/suspended".to_string(), "expected a boolean, found string \"no\""),
            (
                "b.json#/users/2".to_string(),
                "duplicate id \"google:a@x\", first defined at /users/0"
            ),
            ("b.json#/users/3".to_string(), "user has no primaryEmail or id"),
            ("b.json#/users/4".to_string(), "object of kind \"orgUnit\" is not read"),
            ("b.json#/users/5".to_string(), "member of a group the file does not name"),
            ("b.json#/users/6".to_string(), "expected a record object, found string \"c@x\""),
        ]
    );
    let err = read_bytes(bytes, "b.json", Mode::Strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "b.json#/users/0/suspended: expected a boolean, found string \"no\""
    );

    let err = read_bytes(b"{\"users\": [\n{\"id\": 1}", "t.json", Mode::Lenient).unwrap_err();
    assert!(err.to_string().starts_with("t.json:2: invalid JSON"), "{err}");
}

#[test]
fn a_value_of_another_type_anywhere_is_never_a_panic_nor_a_lenient_error() {
    for file in [WORKSPACE, GSUITE] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        for (i, bytes) in crate::ingest::b_json::type_swaps(&doc, 60).iter().enumerate() {
            let read = read_bytes(bytes, file, Mode::Lenient);
            assert!(read.is_ok(), "{file}, swap {i}: {:?}", read.err());
        }
    }
}

#[test]
fn a_folder_of_several_sources_routes_each_file_to_its_reader() {
    let folder = PathBuf::from(format!("{FIXTURES}/cartography-testdata"));
    let (_, report) =
        crate::ingest::ingest_paths(&[folder], &ReadOptions::default(), Mode::Lenient).unwrap();
    let formats: Vec<(&str, &str)> = report
        .sources
        .iter()
        .map(|s| (s.file.rsplit('/').next().unwrap(), s.format.as_str()))
        .collect();
    assert_eq!(
        formats,
        [
            ("PROVENANCE.md", "unknown"),
            ("entra_applications.json", "entra"),
            ("entra_directory_roles.json", "entra"),
            ("entra_groups.json", "entra"),
            ("entra_users.json", "entra"),
            ("googleworkspace_api.json", "google"),
            ("gsuite_api.json", "google"),
            ("okta_adminroles.json", "okta"),
            ("okta_application.json", "okta"),
            ("okta_groups.json", "okta"),
        ]
    );
}

#[test]
fn an_object_where_a_list_belongs_is_a_skip_and_the_user_is_kept() {
    let bytes = br#"[{"kind": "admin#directory#user", "id": "1", "primaryEmail": "a@x",
        "organizations": {"title": "CFO", "primary": true},
        "relations": [{"type": "manager", "value": "Boss@X"}]}]"#;
    let (graph, report) = read_bytes(bytes, "o.json", Mode::Lenient).unwrap();
    let user = graph.node("google:a@x").unwrap();
    assert_eq!(user.prop(props::TITLE), None);
    assert_eq!(user.prop("manager"), Some(&"google:boss@x".into()));
    assert_eq!(
        skips(&report),
        [("o.json#/0/organizations".to_string(), "expected an array, found an object")]
    );
    let err = read_bytes(bytes, "o.json", Mode::Strict).unwrap_err();
    assert_eq!(err.to_string(), "o.json#/0/organizations: expected an array, found an object");
}

#[test]
fn no_string_only_a_secret_attribute_holds_reaches_the_graph() {
    let mut checked = 0;
    for file in [WORKSPACE, GSUITE] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        let (graph, _) = read_bytes(&fixture(file), file, Mode::Lenient).unwrap();
        let json = serde_json::to_string(&graph).unwrap();
        for secret in crate::ingest::b_common::secret_strings(&doc) {
            assert!(!json.contains(&secret), "{file}: {secret}");
            checked += 1;
        }
    }
    // Counted from the fixtures; a count of 0 means the files hold no secret.
    assert_eq!(checked, 4);
}
