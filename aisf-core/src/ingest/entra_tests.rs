//! Tests of the Entra reader against ScubaGear's sample export, the
//! Microsoft Graph fixtures of Cartography, and hostile inputs. Expected
//! counts were taken from the files with Python, not from this reader.

use std::path::{Path, PathBuf};

use super::*;
use crate::Graph;
use crate::ingest::test_support::{FIXTURES, count_edges, count_kind, fixture, read_with, skips};
use crate::ingest::{IngestReport, Mode, detect, ingest_paths};

const SCUBA: &str = "entra-scubagear/ProviderSettingsExport.aad-subset.json";
const USERS: &str = "cartography-testdata/entra_users.json";
const GROUPS: &str = "cartography-testdata/entra_groups.json";
const ROLES: &str = "cartography-testdata/entra_directory_roles.json";
const APPS: &str = "cartography-testdata/entra_applications.json";

fn read_bytes(bytes: &[u8], file: &str, mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    read_with(read, bytes, file, mode)
}

#[test]
fn scubagear_privileged_roles_and_principals() {
    let (graph, report) = read_bytes(&fixture(SCUBA), "scuba.json", Mode::Strict).unwrap();
    let source = &report.sources[0];
    // 8 privileged roles, 3 privileged users, 3 privileged service principals.
    assert_eq!(source.records, 14);
    assert_eq!(count_kind(&graph, &NodeKind::Role), 8);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 6);
    // 26 principal-role pairs from the roles' assignments and 16 from the
    // principals' role names (John Doe lists SharePoint Administrator
    // twice); no pair is in both.
    assert_eq!(count_edges(&graph, &EdgeKind::HasRole), 42);
    // The assignments name 22 principals the export does not list.
    assert_eq!(report.unresolved.len(), 22);
    assert!(source.skipped.is_empty());
    assert_eq!(source.warnings.len(), 1);
    assert!(source.warnings[0].starts_with("scuba.json: not read, holding no Graph identities"));
    assert!(source.warnings[0].contains("/conditional_access_policies"));

    let tenant = "3c19c757-3b55-411f-b03f-2bcc514a598d";
    let global = graph.node("entra:role/62e90394-69f5-4237-9190-012177145e10").unwrap();
    assert_eq!(global.name.as_deref(), Some("Global Administrator"));
    assert_eq!(global.prop(props::PRIVILEGED), Some(&true.into()));

    let john = graph.node("entra:66b4d5c2-71c9-4644-8728-74e3a8324d81").unwrap();
    assert_eq!(john.name.as_deref(), Some("John Public"));
    assert_eq!(john.system.as_deref(), Some("entra"));
    assert_eq!(john.prop("tenant_id"), Some(&tenant.into()));
    let johns_roles = graph.edges().iter().filter(|e| e.src == john.id).count();
    assert_eq!(johns_roles, 8);

    let sp = graph.node("entra:b3a51547-3f8c-475b-83f7-315ecc411111").unwrap();
    assert_eq!(sp.prop(props::ACCOUNT_TYPE), Some(&"service".into()));
    assert_eq!(sp.prop("AppId"), Some(&"76e2fe6c-af3f-49f7-a6aa-65d53c511111".into()));

    // PIM windows in PowerShell's /Date(ms)/ become edge properties.
    let assignment = graph
        .edges()
        .iter()
        .find(|e| e.src == "entra:ded212ab-8335-41bc-bac1-0ee6eec5ee5b")
        .unwrap();
    assert_eq!(assignment.props.get("start"), Some(&Value::Time(1_777_406_310)));
    assert_eq!(assignment.props.get("end"), Some(&Value::Time(1_778_702_258)));
    assert_eq!(assignment.props.get("assignment_type"), Some(&"assigned".into()));
    assert_eq!(assignment.props.get("member_type"), Some(&"direct".into()));
}

#[test]
fn cartography_users_and_their_tenant() {
    let (graph, report) = read_bytes(&fixture(USERS), "users.json", Mode::Strict).unwrap();
    assert_eq!(report.sources[0].records, 3);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 2);
    assert_eq!(count_kind(&graph, &NodeKind::System), 1);
    let homer = graph.node("entra:ae4ac864-4433-4ba6-96a6-20f8cffdadcb").unwrap();
    assert_eq!(homer.system.as_deref(), Some("entra"));
    assert_eq!(homer.prop("tenant_id"), Some(&"02b2b7cc-fb03-4324-bf6b-eb207b39c479".into()));
    assert_eq!(homer.prop(props::USERNAME), Some(&"hjsimpson@simpson.corp".into()));
    assert_eq!(homer.prop(props::EMAIL), Some(&"hjsimpson@simpson.corp".into()));
    assert_eq!(homer.prop(props::DEPARTMENT), Some(&"Operations".into()));
    assert_eq!(homer.prop("givenName"), Some(&"Homer".into()));
    assert_eq!(homer.prop("manager"), Some(&"entra:11dca63b-cb03-4e53-bb75-fa8060285550".into()));
}

#[test]
fn cartography_groups_members_and_owners() {
    let (graph, report) = read_bytes(&fixture(GROUPS), "groups.json", Mode::Lenient).unwrap();
    // 1 deleted group, 2 groups, 3 in the list with the deleted one, 3
    // members of Security Team and 2 owners.
    assert_eq!(report.sources[0].records, 11);
    assert_eq!(count_kind(&graph, &NodeKind::Group), 3);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 2);
    assert_eq!(count_edges(&graph, &EdgeKind::MemberOf), 3);
    assert_eq!(count_edges(&graph, &EdgeKind::Owns), 2);
    assert!(report.unresolved.is_empty());
    assert!(graph.edges().contains(&Edge::new(
        EdgeKind::MemberOf,
        "entra:22222222-2222-2222-2222-222222222222",
        "entra:11111111-1111-1111-1111-111111111111"
    )));
    // The list that repeats the groups with the deleted one names them twice.
    let skipped = skips(&report);
    assert_eq!(skipped.len(), 3);
    assert_eq!(skipped[0].0, "groups.json#/MOCK_ENTRA_GROUPS_WITH_DELETED/0");
    assert_eq!(
        skipped[0].1,
        "duplicate id \"11111111-1111-1111-1111-111111111111\", first defined at \
         /MOCK_ENTRA_GROUPS/0"
    );
    let security = graph.node("entra:11111111-1111-1111-1111-111111111111").unwrap();
    assert_eq!(security.prop(props::EMAIL), Some(&"security@example.com".into()));
    assert_eq!(security.prop("securityEnabled"), Some(&true.into()));
    assert_eq!(security.prop("groupTypes"), Some(&Value::StrList(vec!["Unified".into()])));

    let err = read_bytes(&fixture(GROUPS), "groups.json", Mode::Strict).unwrap_err();
    assert!(
        err.to_string().starts_with("groups.json#/MOCK_ENTRA_GROUPS_WITH_DELETED/0: duplicate")
    );
}

#[test]
fn cartography_role_definitions_and_assignments() {
    let (graph, report) = read_bytes(&fixture(ROLES), "roles.json", Mode::Strict).unwrap();
    assert_eq!(report.sources[0].records, 5);
    assert_eq!(count_kind(&graph, &NodeKind::Role), 2);
    assert_eq!(count_edges(&graph, &EdgeKind::HasRole), 3);
    assert!(
        graph.edges().contains(
            &Edge::new(
                EdgeKind::HasRole,
                "entra:ae4ac864-4433-4ba6-96a6-20f8cffdadcb",
                "entra:role/62e90394-69f5-4237-9190-012177145e10"
            )
            .with_prop("assignment_type", "assigned")
        )
    );
    // The three principals are not in the file; the roles are.
    assert_eq!(report.unresolved.len(), 3);
    assert!(report.unresolved.iter().all(|id| !id.contains(":role/")));
}

#[test]
fn cartography_applications_and_app_role_assignments() {
    let (graph, report) = read_bytes(&fixture(APPS), "apps.json", Mode::Strict).unwrap();
    // 4 assignments, 2 applications, 2 service principals; the three
    // reshaped `_DICT` copies are not read.
    assert_eq!(report.sources[0].records, 8);
    assert_eq!(count_kind(&graph, &NodeKind::Resource), 2);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 2);
    assert_eq!(count_kind(&graph, &NodeKind::Entitlement), 2);
    assert_eq!(count_edges(&graph, &EdgeKind::Grant), 4);
    assert_eq!(count_edges(&graph, &EdgeKind::OnResource), 2);
    // Two users and two groups, and the two resources the assignments name
    // by an id no service principal of the file has.
    assert_eq!(report.unresolved.len(), 6);
    let warnings = &report.sources[0].warnings;
    assert_eq!(
        warnings,
        &["apps.json: not read, holding no Graph identities or only reshaped copies: \
             /MOCK_APP_ROLE_ASSIGNMENTS_DICT, /MOCK_ENTRA_APPLICATIONS_DICT, \
             /MOCK_SERVICE_PRINCIPALS_DICT"]
    );
    let access = graph.node(
        "entra:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/appRole/00000000-0000-0000-0000-000000000000",
    );
    let access = access.unwrap();
    assert_eq!(access.name.as_deref(), Some("Finance Tracker: default access"));
    assert_eq!(access.prop(props::PERMISSION), Some(&"default access".into()));
}

#[test]
fn detection_routes_each_file_to_its_reader() {
    for file in [SCUBA, USERS, GROUPS, ROLES, APPS] {
        let path = PathBuf::from(format!("{FIXTURES}/{file}"));
        assert_eq!(detect::detect(&path, &fixture(file)), Some(Format::Entra), "{file}");
    }
    // EntraOps' tier classification holds no identities and is no Graph
    // response.
    let tiers = "entra-privilege-tiering/Classification_IdentityGovernance.json";
    assert_eq!(detect::detect(Path::new(tiers), &fixture(tiers)), None);

    let folder = PathBuf::from(format!("{FIXTURES}/entra-scubagear"));
    let (_, report) = ingest_paths(&[folder], &ReadOptions::default(), Mode::Lenient).unwrap();
    let formats: Vec<&str> = report.sources.iter().map(|s| s.format.as_str()).collect();
    assert_eq!(formats, ["unknown", "entra"]);
}

#[test]
fn no_secret_reaches_the_graph() {
    let bytes = br##"{"value": [{"id": "0b7a7bf6-56c5-4a41-9b06-4b8d0a3c1e10",
        "userPrincipalName": "a@contoso.com",
        "passwordProfile": {"password": "Summer2024!", "forceChangePasswordNextSignIn": true}},
      {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "sp1", "displayName": "App",
        "passwordCredentials": [{"keyId": "k", "secretText": "Q~xyzzy.plugh"}],
        "keyCredentials": [{"key": "MIIBIjANBgkq"}]}]}"##;
    let (graph, report) = read_bytes(bytes, "s.json", Mode::Strict).unwrap();
    assert_eq!(graph.node_count(), 2);
    let json = serde_json::to_string(&graph).unwrap();
    for secret in ["Summer2024!", "Q~xyzzy.plugh", "MIIBIjANBgkq"] {
        assert!(!json.contains(secret), "{secret}");
    }
    assert_eq!(
        report.sources[0].warnings,
        [
            "dropped 1 value of secret attribute keyCredentials",
            "dropped 1 value of secret attribute passwordCredentials",
            "dropped 1 value of secret attribute passwordProfile",
        ]
    );
    // The fixtures' only credentials are in ScubaGear's risky_applications,
    // which is not read.
    for file in [SCUBA, USERS, GROUPS, ROLES, APPS] {
        let (graph, _) = read_bytes(&fixture(file), file, Mode::Lenient).unwrap();
        let json = serde_json::to_string(&graph).unwrap();
        assert!(!json.contains("Test secret 1"), "{file}");
    }
}

#[test]
fn wrong_types_are_skips_at_their_pointer_and_the_rest_is_kept() {
    let bytes = br##"{"value": [
        {"id": "u1", "userPrincipalName": "a@x", "accountEnabled": "True"},
        {"userPrincipalName": "nobody@x"},
        {"@odata.type": "#microsoft.graph.device", "id": "d1"},
        {"id": "x1", "colour": "blue"},
        7,
        {"@odata.type": "#microsoft.graph.group", "id": "g1", "members": {"id": "u1"}}],
      "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=X"}"##;
    let (graph, report) = read_bytes(bytes, "w.json", Mode::Lenient).unwrap();
    assert_eq!(graph.node_count(), 2);
    assert_eq!(graph.node("entra:u1").unwrap().prop(props::ENABLED), None);
    assert_eq!(graph.node("entra:u1").unwrap().prop(props::USERNAME), Some(&"a@x".into()));
    assert_eq!(
        skips(&report),
        [
            (
                "w.json#/value/0/accountEnabled".to_string(),
                "expected a boolean, found string \"True\""
            ),
            ("w.json#/value/1".to_string(), "record has no id"),
            ("w.json#/value/2".to_string(), "object of type \"device\" is not read"),
            ("w.json#/value/3".to_string(), "unrecognised object"),
            ("w.json#/value/4".to_string(), "expected a record object, found number 7"),
            ("w.json#/value/5/members".to_string(), "expected an array, found an object"),
        ]
    );
    assert_eq!(
        report.sources[0].warnings,
        ["w.json: 1 response page has @odata.nextLink: the export is incomplete"]
    );
    let err = read_bytes(bytes, "w.json", Mode::Strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "w.json#/value/0/accountEnabled: expected a boolean, found string \"True\""
    );
}

#[test]
fn expanded_members_and_member_of_give_edges() {
    let bytes = br##"{"value": [
        {"@odata.type": "#microsoft.graph.group", "id": "g1", "displayName": "Admins",
         "members": [{"@odata.type": "#microsoft.graph.user", "id": "u1"}],
         "owners": [{"id": "u2"}]},
        {"@odata.type": "#microsoft.graph.user", "id": "u2", "userPrincipalName": "b@x",
         "signInActivity": {"lastSignInDateTime": "2024-03-01T10:00:00Z"},
         "memberOf": [{"@odata.type": "#microsoft.graph.group", "id": "g1"},
           {"@odata.type": "#microsoft.graph.directoryRole", "id": "r-instance",
            "roleTemplateId": "62e90394-69f5-4237-9190-012177145e10"}]}]}"##;
    let opts = ReadOptions { system: Some("contoso".into()), ..ReadOptions::default() };
    let mut sink = Sink::new(Mode::Strict);
    read(bytes, "e.json", &opts, &mut sink).unwrap();
    let (graph, _) = sink.finish();
    let edges: Vec<(String, &str, &str)> = graph
        .edges()
        .iter()
        .map(|e| (e.kind.to_string(), e.src.as_str(), e.dst.as_str()))
        .collect();
    assert_eq!(
        edges,
        [
            ("member_of".to_string(), "entra:u1", "entra:g1"),
            ("owns".to_string(), "entra:u2", "entra:g1"),
            ("member_of".to_string(), "entra:u2", "entra:g1"),
            (
                "has_role".to_string(),
                "entra:u2",
                "contoso:role/62e90394-69f5-4237-9190-012177145e10"
            ),
        ]
    );
    let u2 = graph.node("entra:u2").unwrap();
    assert_eq!(u2.prop(props::LAST_LOGIN), Some(&Value::Time(1_709_287_200)));
}

#[test]
fn broken_json_names_the_line() {
    let err = read_bytes(b"{\"value\": [\n{\"id\": \"a\",, }]}", "b.json", Mode::Lenient);
    assert_eq!(
        err.unwrap_err().to_string(),
        "b.json:2: invalid JSON at column 12: key must be a string"
    );
}

#[test]
fn a_role_named_but_not_defined_gets_an_id_from_its_name() {
    let bytes = br#"{"tenant_id": "t1", "module_version": "1.8.0",
      "privileged_users": {"0b7a7bf6-56c5-4a41-9b06-4b8d0a3c1e10":
        {"DisplayName": "Ann", "roles": ["Global Reader", 3]}}}"#;
    let (graph, report) = read_bytes(bytes, "p.json", Mode::Lenient).unwrap();
    assert_eq!(
        graph.edges()[0],
        Edge::new(
            EdgeKind::HasRole,
            "entra:0b7a7bf6-56c5-4a41-9b06-4b8d0a3c1e10",
            "entra:role-name/Global Reader"
        )
    );
    assert_eq!(
        skips(&report),
        [(
            "p.json#/privileged_users/0b7a7bf6-56c5-4a41-9b06-4b8d0a3c1e10/roles/1".to_string(),
            "expected a role name, found number 3"
        )]
    );
    assert_eq!(
        report.sources[0].warnings,
        ["p.json: role \"Global Reader\" is named but not defined, its id is made from the name"]
    );
}

#[test]
fn a_value_of_another_type_anywhere_is_never_a_panic_nor_a_lenient_error() {
    for file in [SCUBA, USERS, GROUPS, ROLES, APPS] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        for (i, bytes) in crate::ingest::b_json::type_swaps(&doc, 60).iter().enumerate() {
            let read = read_bytes(bytes, file, Mode::Lenient);
            assert!(read.is_ok(), "{file}, swap {i}: {:?}", read.err());
        }
    }
}

#[test]
fn pim_eligibility_and_scope_are_edge_properties() {
    let bytes = br##"{"value": [
        {"@odata.type": "#microsoft.graph.unifiedRoleEligibilityScheduleInstance",
         "principalId": "p1", "roleDefinitionId": "fe930be7-5e62-47db-91af-98c3a49a38b1",
         "directoryScopeId": "/administrativeUnits/au1", "memberType": "Direct",
         "startDateTime": "2024-01-01T00:00:00Z", "endDateTime": "2024-07-01T00:00:00Z"},
        {"@odata.type": "#microsoft.graph.unifiedRoleAssignment", "principalId": "p2"}]}"##;
    let (graph, report) = read_bytes(bytes, "pim.json", Mode::Lenient).unwrap();
    let edge = &graph.edges()[0];
    assert_eq!(edge.src, "entra:p1");
    assert_eq!(edge.dst, "entra:role/fe930be7-5e62-47db-91af-98c3a49a38b1");
    assert_eq!(edge.props.get("assignment_type"), Some(&"eligible".into()));
    assert_eq!(edge.props.get("scope"), Some(&"/administrativeUnits/au1".into()));
    assert_eq!(edge.props.get("start"), Some(&Value::Time(1_704_067_200)));
    assert_eq!(edge.props.get("end"), Some(&Value::Time(1_719_792_000)));
    assert_eq!(
        skips(&report),
        [("pim.json#/value/1".to_string(), "role assignment has no roleDefinitionId")]
    );
}

#[test]
fn no_string_only_a_secret_attribute_holds_reaches_the_graph() {
    let mut checked = 0;
    for file in [SCUBA, USERS, GROUPS, ROLES, APPS] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        let (graph, _) = read_bytes(&fixture(file), file, Mode::Lenient).unwrap();
        let json = serde_json::to_string(&graph).unwrap();
        for secret in crate::ingest::b_common::secret_strings(&doc) {
            assert!(!json.contains(&secret), "{file}: {secret}");
            checked += 1;
        }
    }
    // Counted from the fixtures; a count of 0 means the files hold no secret.
    assert_eq!(checked, 25);
}
