//! Tests of the AWS IAM readers against the AWS CLI documentation's example
//! and Cloudsplaining's test exports, and against hostile inputs. Expected
//! counts were taken from the files with Python, not from this reader.

use std::path::{Path, PathBuf};

use super::*;
use crate::Graph;
use crate::ingest::test_support::{FIXTURES, count_edges, count_kind, fixture, read_with};
use crate::ingest::{IngestReport, Mode, detect, ingest_paths};

const AWSCLI: &str = "aws-iam-awscli-docs/get-account-authorization-details.output.json";
const V2: &str = "aws-iam-cloudsplaining/example_authz_v2.json";
const DETAILS: &str = "aws-iam-cloudsplaining/example-authz-details.json";

fn read_bytes(bytes: &[u8], file: &str, mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    read_with(read, bytes, file, mode)
}

fn report_bytes(bytes: &[u8], mode: Mode) -> Result<(Graph, IngestReport), IngestError> {
    let mut sink = Sink::new(mode);
    read_credential_report(bytes, "report.csv", &ReadOptions::default(), &mut sink)?;
    Ok(sink.finish())
}

#[test]
fn the_cli_example_reads_leniently_with_its_quirks_reported() {
    let (graph, report) = read_bytes(&fixture(AWSCLI), "cli.json", Mode::Lenient).unwrap();
    let source = &report.sources[0];
    // 3 users, 3 groups, 1 role, 3 managed policies.
    assert_eq!(source.records, 10);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 3);
    assert_eq!(count_kind(&graph, &NodeKind::Group), 3);
    assert_eq!(count_kind(&graph, &NodeKind::Role), 1);
    // 3 managed, 2 inline (Finance's and Bob's), 2 attached to the role
    // but not listed.
    assert_eq!(count_kind(&graph, &NodeKind::Entitlement), 7);
    assert_eq!(count_edges(&graph, &EdgeKind::MemberOf), 3);
    assert_eq!(count_edges(&graph, &EdgeKind::Grant), 4);
    assert!(report.unresolved.is_empty());

    // Two groups give AttachedManagedPolicies as one object.
    let places: Vec<String> = source.skipped.iter().map(|s| s.place.to_string()).collect();
    assert_eq!(
        places,
        [
            "cli.json#/GroupDetailList/0/AttachedManagedPolicies",
            "cli.json#/GroupDetailList/1/AttachedManagedPolicies"
        ]
    );
    assert_eq!(source.skipped[0].reason, "expected an array, found an object");
    assert_eq!(
        source.warnings,
        [
            "cli.json: response has IsTruncated true: it is one page of a longer answer, \
             the export is incomplete",
            "cli.json: 2 attached managed policies are not listed in Policies, made from the \
             attachment with no statements",
            "cli.json: GroupId \"AIDA1234567890EXAMPLE\" is shared by 3 ARNs",
            "cli.json: PolicyId \"ANPA1234567890EXAMPLE\" is shared by 3 ARNs",
            "cli.json: UserId \"AIDA1234567890EXAMPLE\" is shared by 3 ARNs",
        ]
    );
}

#[test]
fn the_cli_example_is_refused_in_strict_mode_at_the_object_list() {
    let err = read_bytes(&fixture(AWSCLI), "cli.json", Mode::Strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cli.json#/GroupDetailList/0/AttachedManagedPolicies: expected an array, found an object"
    );
}

#[test]
fn users_groups_roles_and_policies_map_onto_the_shared_properties() {
    let (graph, _) = read_bytes(&fixture(AWSCLI), "cli.json", Mode::Lenient).unwrap();
    let bob = graph.node("arn:aws:iam::123456789012:user/Bob").unwrap();
    assert_eq!(bob.kind, NodeKind::Account);
    assert_eq!(bob.name.as_deref(), Some("Bob"));
    assert_eq!(bob.system.as_deref(), Some("aws:123456789012"));
    assert_eq!(bob.prop(props::USERNAME), Some(&"Bob".into()));
    assert_eq!(bob.prop(props::CREATED), Some(&Value::Time(1_381_775_545)));
    assert_eq!(bob.prop("user_id"), Some(&"AIDA1234567890EXAMPLE".into()));

    // Bob's inline policy denies: it is kept, with its statement, and is
    // not privileged.
    let deny = graph.node("arn:aws:iam::123456789012:user/Bob#inline/DenyBillingAndIAMPolicy");
    let deny = deny.unwrap();
    assert_eq!(deny.kind, NodeKind::Entitlement);
    assert_eq!(deny.prop(props::PRIVILEGED), Some(&false.into()));
    assert_eq!(deny.prop("actions"), None);
    let statements = deny.prop("statements").and_then(Value::as_str).unwrap();
    let statements: serde_json::Value = serde_json::from_str(statements).unwrap();
    assert_eq!(statements["Effect"], "Deny");
    assert_eq!(statements["Action"][1], "iam:*");

    let role = graph.node("arn:aws:iam::123456789012:role/EC2role").unwrap();
    assert_eq!(role.kind, NodeKind::Role);
    assert_eq!(role.prop(props::LAST_LOGIN), Some(&Value::Time(1_573_666_200)));
    assert_eq!(
        role.prop("trusted_principals"),
        Some(&Value::StrList(vec!["Service:ec2.amazonaws.com".into()]))
    );
    assert_eq!(role.prop("instance_profiles"), Some(&Value::StrList(vec!["EC2role".into()])));

    // An AWS managed policy is scoped to the account that lists it.
    let ec2 = graph.node("arn:aws:iam::aws:policy/AmazonEC2FullAccess@123456789012").unwrap();
    assert_eq!(ec2.prop(props::PERMISSION), Some(&"AmazonEC2FullAccess".into()));
    assert_eq!(ec2.prop(props::RESOURCE), Some(&"aws:123456789012".into()));
    assert_eq!(ec2.prop("aws_managed"), Some(&true.into()));
    assert_eq!(ec2.prop("default_version"), Some(&"v1".into()));
    assert_eq!(
        ec2.prop("actions"),
        Some(&Value::StrList(
            ["autoscaling:*", "cloudwatch:*", "ec2:*", "elasticloadbalancing:*"]
                .map(String::from)
                .to_vec()
        ))
    );
    let s3 = graph.node("arn:aws:iam::aws:policy/AmazonS3FullAccess@123456789012").unwrap();
    assert_eq!(s3.prop("statements"), None);
    assert!(graph.edges().contains(&Edge::new(
        EdgeKind::Grant,
        "arn:aws:iam::123456789012:role/EC2role",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess@123456789012"
    )));
    assert!(graph.edges().contains(&Edge::new(
        EdgeKind::MemberOf,
        "arn:aws:iam::123456789012:user/Charlie",
        "arn:aws:iam::123456789012:group/Dev"
    )));
}

#[test]
fn cloudsplaining_exports_give_their_counts() {
    // (file, users, groups, roles, managed policies, inline policies,
    //  memberships, grants, privileged policies, policies not listed)
    let files = [(V2, 1, 1, 2, 2, 2, 1, 3, 0, 1), (DETAILS, 3, 2, 3, 32, 6, 3, 11, 2, 0)];
    for (file, users, groups, roles, managed, inline, members, grants, privileged, stubs) in files {
        let (graph, report) = read_bytes(&fixture(file), file, Mode::Strict).unwrap();
        let source = &report.sources[0];
        assert_eq!(source.records, users + groups + roles + managed, "{file}");
        assert_eq!(count_kind(&graph, &NodeKind::Account), users as usize, "{file}");
        assert_eq!(count_kind(&graph, &NodeKind::Group), groups as usize, "{file}");
        assert_eq!(count_kind(&graph, &NodeKind::Role), roles as usize, "{file}");
        let policies = (managed + inline + stubs) as usize;
        assert_eq!(count_kind(&graph, &NodeKind::Entitlement), policies, "{file}");
        assert_eq!(count_edges(&graph, &EdgeKind::MemberOf), members, "{file}");
        assert_eq!(count_edges(&graph, &EdgeKind::Grant), grants, "{file}");
        let flagged = graph
            .nodes()
            .iter()
            .filter(|n| n.prop(props::PRIVILEGED) == Some(&true.into()))
            .count();
        assert_eq!(flagged, privileged, "{file}");
        assert!(source.skipped.is_empty(), "{file}");
        assert!(report.unresolved.is_empty(), "{file}");
    }
}

#[test]
fn cloudsplaining_times_with_a_space_and_an_offset_parse() {
    let (graph, _) = read_bytes(&fixture(V2), "v2.json", Mode::Strict).unwrap();
    let blake = graph.node("arn:aws:iam::012345678901:user/BlakeBortles").unwrap();
    assert_eq!(blake.prop(props::CREATED), Some(&Value::Time(1_576_696_208)));
    // The group holds AdministratorAccess, which the file does not list.
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess@012345678901";
    assert!(graph.edges().contains(&Edge::new(
        EdgeKind::Grant,
        "arn:aws:iam::012345678901:group/GOAT",
        admin
    )));
    assert_eq!(graph.node(admin).unwrap().name.as_deref(), Some("AdministratorAccess"));
}

#[test]
fn detection_routes_each_file_to_its_reader() {
    for file in [AWSCLI, V2, DETAILS] {
        let path = PathBuf::from(format!("{FIXTURES}/{file}"));
        assert_eq!(detect::detect(&path, &fixture(file)), Some(Format::AwsIam), "{file}");
    }
    assert_eq!(
        detect::detect(Path::new("r.csv"), REPORT.as_bytes()),
        Some(Format::AwsCredentialReport)
    );

    // The folder's PROVENANCE.md is no export: a counted skip.
    let folder = PathBuf::from(format!("{FIXTURES}/aws-iam-cloudsplaining"));
    let (graph, report) = ingest_paths(&[folder], &ReadOptions::default(), Mode::Lenient).unwrap();
    let formats: Vec<&str> = report.sources.iter().map(|s| s.format.as_str()).collect();
    assert_eq!(formats, ["unknown", "aws-iam", "aws-iam"]);
    assert_eq!(count_kind(&graph, &NodeKind::Account), 4);
}

#[test]
fn pages_in_one_array_read_as_one_answer() {
    let pages = br#"[
        {"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::1:user/a", "GroupList": ["g"]}],
         "IsTruncated": true, "Marker": "m"},
        {"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::1:group/team/g"}],
         "IsTruncated": false}]"#;
    let (graph, report) = read_bytes(pages, "p.json", Mode::Strict).unwrap();
    assert_eq!(report.sources[0].records, 2);
    // The user's page came before the group's, so the group's path was not
    // known when the membership was read.
    assert_eq!(
        graph.edges()[0],
        Edge::new(EdgeKind::MemberOf, "arn:aws:iam::1:user/a", "arn:aws:iam::1:group/g")
    );
    assert_eq!(report.unresolved, ["arn:aws:iam::1:group/g"]);
    assert_eq!(report.sources[0].warnings.len(), 1);
    assert!(report.sources[0].warnings[0].contains("at /0 has IsTruncated true"));
}

#[test]
fn broken_json_names_the_line() {
    let err = read_bytes(b"{\"UserDetailList\": [\n{\"Arn\": }]}", "b.json", Mode::Lenient);
    assert_eq!(err.unwrap_err().to_string(), "b.json:2: invalid JSON at column 9: expected value");
    let cut = &fixture(V2)[..2000];
    let err = read_bytes(cut, "cut.json", Mode::Lenient).unwrap_err();
    assert!(matches!(err, IngestError::Malformed { .. }), "{err}");
}

#[test]
fn wrong_types_are_skips_at_their_pointer() {
    let bytes = br#"{"UserDetailList": [
        {"UserName": "a", "Arn": "arn:aws:iam::1:user/a", "CreateDate": "yesterday"},
        {"UserName": "b", "Arn": 7},
        {"UserName": "c"},
        "d",
        {"UserName": "e", "Arn": "arn:aws:iam::1:user/e", "GroupList": "admins"}],
      "RoleDetailList": {"RoleName": "r"}}"#;
    let (graph, report) = read_bytes(bytes, "t.json", Mode::Lenient).unwrap();
    assert_eq!(count_kind(&graph, &NodeKind::Account), 2);
    assert_eq!(graph.node("arn:aws:iam::1:user/a").unwrap().prop(props::CREATED), None);
    let skipped: Vec<(String, &str)> = report.sources[0]
        .skipped
        .iter()
        .map(|s| (s.place.to_string(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "t.json#/UserDetailList/0/CreateDate".to_string(),
                "expected an RFC 3339 timestamp, found string \"yesterday\""
            ),
            ("t.json#/UserDetailList/1".to_string(), "expected an Arn string, found number 7"),
            ("t.json#/UserDetailList/2".to_string(), "record has no Arn"),
            (
                "t.json#/UserDetailList/3".to_string(),
                "expected a record object, found string \"d\""
            ),
            (
                "t.json#/UserDetailList/4/GroupList".to_string(),
                "expected an array, found string \"admins\""
            ),
            ("t.json#/RoleDetailList".to_string(), "expected an array, found an object"),
        ]
    );
    assert_eq!(report.sources[0].records, 5);
}

#[test]
fn a_duplicate_arn_is_a_skip_naming_the_first() {
    let bytes = br#"{"UserDetailList": [
        {"UserName": "a", "Arn": "arn:aws:iam::1:user/a"},
        {"UserName": "a2", "Arn": "arn:aws:iam::1:user/a"}]}"#;
    let (graph, report) = read_bytes(bytes, "d.json", Mode::Lenient).unwrap();
    assert_eq!(graph.node("arn:aws:iam::1:user/a").unwrap().name.as_deref(), Some("a"));
    let skip = &report.sources[0].skipped[0];
    assert_eq!(skip.place.to_string(), "d.json#/UserDetailList/1");
    assert_eq!(
        skip.reason,
        "duplicate Arn \"arn:aws:iam::1:user/a\", first defined at /UserDetailList/0"
    );
    assert!(read_bytes(bytes, "d.json", Mode::Strict).is_err());
}

#[test]
fn a_url_encoded_policy_document_is_decoded() {
    // The IAM API itself returns documents URL-encoded.
    let document = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let encoded: String = document.bytes().map(|b| format!("%{b:02X}")).collect();
    let text = format!(
        r#"{{"Policies": [{{"PolicyName": "all", "Arn": "arn:aws:iam::1:policy/all",
        "DefaultVersionId": "v2", "PolicyVersionList": [
          {{"VersionId": "v1", "IsDefaultVersion": false, "Document": {{"Statement": []}}}},
          {{"VersionId": "v2", "IsDefaultVersion": true, "Document": "{encoded}"}}]}}]}}"#
    );
    let bytes = text.as_bytes();
    let (graph, _) = read_bytes(bytes, "u.json", Mode::Strict).unwrap();
    let all = graph.node("arn:aws:iam::1:policy/all").unwrap();
    assert_eq!(all.prop(props::PRIVILEGED), Some(&true.into()));
    assert_eq!(all.prop("default_version"), Some(&"v2".into()));
    assert_eq!(all.prop("actions"), Some(&Value::StrList(vec!["*".into()])));

    let broken = br#"{"Policies": [{"PolicyName": "x", "Arn": "arn:aws:iam::1:policy/x",
        "PolicyVersionList": [{"IsDefaultVersion": true, "Document": "%7B%ZZ"}]}]}"#;
    let err = read_bytes(broken, "x.json", Mode::Strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.json#/Policies/0/PolicyVersionList/0/Document: policy document is text that is \
         neither JSON nor URL-encoded JSON"
    );
}

#[test]
fn no_secret_reaches_the_graph() {
    let bytes = br#"{"UserDetailList": [{"UserName": "k", "Arn": "arn:aws:iam::1:user/k",
        "AccessKeys": [{"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "wJalrXUtnFEMIK7MDENG"}],
        "LoginProfile": {"Password": "Hunter2!"}}]}"#;
    let (graph, report) = read_bytes(bytes, "s.json", Mode::Strict).unwrap();
    let json = serde_json::to_string(&graph).unwrap();
    assert!(!json.contains("wJalrXUtnFEMIK7MDENG"));
    assert!(!json.contains("Hunter2!"));
    assert_eq!(
        report.sources[0].warnings,
        [
            "dropped 1 value of secret attribute Password",
            "dropped 1 value of secret attribute SecretAccessKey"
        ]
    );
    // The fixtures hold no secret attribute at all.
    for file in [AWSCLI, V2, DETAILS] {
        let (_, report) = read_bytes(&fixture(file), file, Mode::Lenient).unwrap();
        assert!(report.sources[0].warnings.iter().all(|w| !w.starts_with("dropped")), "{file}");
    }
}

const REPORT: &str = concat!(
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,",
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,",
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,",
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,",
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,",
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n",
    "<root_account>,arn:aws:iam::123456789012:root,2013-10-14T18:00:00+00:00,not_supported,",
    "2019-11-01T10:00:00+00:00,not_supported,not_supported,true,",
    "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
    "Alice,arn:aws:iam::123456789012:user/Alice,2013-10-14T18:32:24+00:00,true,",
    "2019-11-13T17:30:00+00:00,2019-01-01T00:00:00+00:00,N/A,false,",
    "true,2018-05-01T00:00:00+00:00,2019-12-01T08:00:00+00:00,us-east-1,s3,",
    "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
    "Charlie,arn:aws:iam::123456789012:user/Charlie,2013-10-14T18:33:56+00:00,false,",
    "no_information,N/A,N/A,false,",
    "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
);

#[test]
fn the_credential_report_gives_last_use_key_age_and_mfa() {
    let (graph, report) = report_bytes(REPORT.as_bytes(), Mode::Strict).unwrap();
    assert_eq!(report.sources[0].format, "aws-credential-report");
    assert_eq!(report.sources[0].records, 3);
    assert_eq!(graph.node_count(), 3);

    let root = graph.node("arn:aws:iam::123456789012:root").unwrap();
    assert_eq!(root.prop(props::PRIVILEGED), Some(&true.into()));
    assert_eq!(root.prop(props::ENABLED), Some(&true.into()));
    assert_eq!(root.prop(props::MFA), Some(&true.into()));
    assert_eq!(root.prop("password_enabled"), None);

    let alice = graph.node("arn:aws:iam::123456789012:user/Alice").unwrap();
    assert_eq!(alice.system.as_deref(), Some("aws:123456789012"));
    assert_eq!(alice.prop(props::MFA), Some(&false.into()));
    assert_eq!(alice.prop(props::ENABLED), Some(&true.into()));
    assert_eq!(alice.prop("access_key_1_last_rotated"), Some(&Value::Time(1_525_132_800)));
    // The key was used after the password: that is the last login.
    assert_eq!(alice.prop(props::LAST_LOGIN), Some(&Value::Time(1_575_187_200)));
    assert_eq!(alice.prop("password_last_used"), Some(&Value::Time(1_573_666_200)));

    let charlie = graph.node("arn:aws:iam::123456789012:user/Charlie").unwrap();
    assert_eq!(charlie.prop(props::ENABLED), Some(&false.into()));
    assert_eq!(charlie.prop(props::LAST_LOGIN), None);
}

#[test]
fn the_credential_report_merges_with_the_authorization_details() {
    let mut sink = Sink::new(Mode::Lenient);
    let opts = ReadOptions::default();
    read(&fixture(AWSCLI), "cli.json", &opts, &mut sink).unwrap();
    read_credential_report(REPORT.as_bytes(), "report.csv", &opts, &mut sink).unwrap();
    let (graph, report) = sink.finish();
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
    let alice = graph.node("arn:aws:iam::123456789012:user/Alice").unwrap();
    assert_eq!(alice.prop("user_id"), Some(&"AIDA1234567890EXAMPLE".into()));
    assert_eq!(alice.prop(props::MFA), Some(&false.into()));
    assert_eq!(count_kind(&graph, &NodeKind::Account), 4);
}

#[test]
fn bad_report_values_are_skips_naming_line_and_column() {
    let text = "user,arn,mfa_active,password_last_used\n\
                a,arn:aws:iam::1:user/a,yes,2020-01-01T00:00:00+00:00\n\
                b,arn:aws:iam::1:user/b,false,last tuesday\n\
                c,arn:aws:iam::1:user/c\n\
                a,arn:aws:iam::1:user/a,true,N/A\n\
                ,,true,N/A\n";
    let (graph, report) = report_bytes(text.as_bytes(), Mode::Lenient).unwrap();
    assert_eq!(graph.node_count(), 2);
    let a = graph.node("arn:aws:iam::1:user/a").unwrap();
    assert_eq!(a.prop(props::MFA), None);
    assert_eq!(a.prop(props::LAST_LOGIN), Some(&Value::Time(1_577_836_800)));
    let skipped: Vec<(String, &str)> = report.sources[0]
        .skipped
        .iter()
        .map(|s| (s.place.to_string(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "report.csv:2".to_string(),
                "column \"mfa_active\" must be true or false, found \"yes\""
            ),
            (
                "report.csv:3".to_string(),
                "column \"password_last_used\" must be a timestamp, found \"last tuesday\""
            ),
            ("report.csv:4".to_string(), "expected 4 columns as in the header, found 2"),
            (
                "report.csv:5".to_string(),
                "duplicate arn \"arn:aws:iam::1:user/a\", first at line 2"
            ),
            ("report.csv:6".to_string(), "row has no user or no arn"),
        ]
    );
    assert_eq!(report.sources[0].records, 5);

    let err = report_bytes(text.as_bytes(), Mode::Strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "report.csv:2: column \"mfa_active\" must be true or false, found \"yes\""
    );
    let err = report_bytes(b"name,email\nx,y\n", Mode::Lenient).unwrap_err();
    assert_eq!(
        err.to_string(),
        "report.csv:1: expected the credential report's user and arn columns, found \"name,email\""
    );
}

#[test]
fn a_value_of_another_type_anywhere_is_never_a_panic_nor_a_lenient_error() {
    for file in [AWSCLI, V2, DETAILS] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        for (i, bytes) in crate::ingest::b_json::type_swaps(&doc, 60).iter().enumerate() {
            let read = read_bytes(bytes, file, Mode::Lenient);
            assert!(read.is_ok(), "{file}, swap {i}: {:?}", read.err());
        }
    }
}

#[test]
fn the_credential_report_reads_from_the_cli_json_too() {
    use base64::Engine;
    let content = base64::engine::general_purpose::STANDARD.encode(REPORT);
    let json = format!(
        r#"{{"Content": "{content}", "ReportFormat": "text/csv",
            "GeneratedTime": "2019-12-02T10:00:00+00:00"}}"#
    );
    assert_eq!(
        detect::detect(Path::new("report.json"), json.as_bytes()),
        Some(Format::AwsCredentialReport)
    );
    let (graph, report) = report_bytes(json.as_bytes(), Mode::Strict).unwrap();
    assert_eq!(graph.node_count(), 3);
    assert_eq!(report.sources[0].records, 3);

    let bad = br#"{"Content": "not base64!", "ReportFormat": "text/csv"}"#;
    let err = report_bytes(bad, Mode::Lenient).unwrap_err();
    assert!(err.to_string().starts_with("report.csv#/Content: Content is not base64"), "{err}");
    let err = report_bytes(br#"{"Content": 7}"#, Mode::Lenient).unwrap_err();
    assert_eq!(err.to_string(), "report.csv#/Content: expected base64 text, found number 7");
}

#[test]
fn principals_a_trust_policy_names_by_arn_can_assume_the_role() {
    let bytes = br#"{"RoleDetailList": [{"RoleName": "ops", "Arn": "arn:aws:iam::1:role/ops",
        "AssumeRolePolicyDocument": {"Statement": [
          {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": [
            "arn:aws:iam::1:user/ana", "arn:aws:iam::2:role/ci", "arn:aws:iam::1:root",
            "arn:aws:sts::1:assumed-role/x/y"]}},
          {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}},
          {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::1:user/bob"}}]}}]}"#;
    let (graph, _) = read_bytes(bytes, "t.json", Mode::Strict).unwrap();
    let assume = EdgeKind::other(CAN_ASSUME, true);
    assert!(assume.grants_access());
    let edges: Vec<(&str, bool)> = graph
        .edges()
        .iter()
        .filter(|e| e.kind == assume)
        .map(|e| (e.src.as_str(), e.props.contains_key("cross_account")))
        .collect();
    assert_eq!(edges, [("arn:aws:iam::1:user/ana", false), ("arn:aws:iam::2:role/ci", true)]);
    let role = graph.node("arn:aws:iam::1:role/ops").unwrap();
    let trusted = role.prop("trusted_principals").unwrap();
    assert!(matches!(trusted, Value::StrList(list) if list.len() == 5));
}

#[test]
fn each_node_is_in_the_account_its_arn_names() {
    let bytes = br#"{"UserDetailList": [
        {"UserName": "a", "Arn": "arn:aws:iam::222:user/a"},
        {"UserName": "b", "Arn": "arn:aws:iam::222:user/b"},
        {"UserName": "c", "Arn": "arn:aws:iam::111:user/c",
         "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess",
           "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
         "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": []}}]}]}"#;
    let (graph, _) = read_bytes(bytes, "m.json", Mode::Strict).unwrap();
    let system = |id: &str| graph.node(id).unwrap().system.clone().unwrap();
    assert_eq!(system("arn:aws:iam::222:user/a"), "aws:222");
    assert_eq!(system("arn:aws:iam::111:user/c"), "aws:111");
    assert_eq!(system("arn:aws:iam::111:user/c#inline/p"), "aws:111");
    let policy = graph.node("arn:aws:iam::aws:policy/ReadOnlyAccess@111").unwrap();
    assert_eq!(policy.system.as_deref(), Some("aws:111"));
    assert_eq!(policy.prop(props::RESOURCE), Some(&"aws:111".into()));
}

#[test]
fn no_string_only_a_secret_attribute_holds_reaches_the_graph() {
    let mut checked = 0;
    for file in [AWSCLI, V2, DETAILS] {
        let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
        let (graph, _) = read_bytes(&fixture(file), file, Mode::Lenient).unwrap();
        let json = serde_json::to_string(&graph).unwrap();
        for secret in crate::ingest::b_common::secret_strings(&doc) {
            assert!(!json.contains(&secret), "{file}: {secret}");
            checked += 1;
        }
    }
    // Counted from the fixtures; a count of 0 means the files hold no secret.
    assert_eq!(checked, 0);
}
