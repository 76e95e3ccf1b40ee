//! midPoint's smart-integration demo: its HR feed read as persons through a
//! column map, its LDAP people, admin and service accounts read as LDIF,
//! then correlated by employee number.
//!
//! Every count below was taken from the files with Python before this test
//! was written (see the fixture's `PROVENANCE.md`), not from the readers.

use std::collections::BTreeMap;

use aisf_core::correlate::{CORRELATION, CorrelationConfig, Rule, correlate};
use aisf_core::ingest::csv_bundle::{BundleFile, ColumnMap, read_file};
use aisf_core::ingest::{Mode, ReadOptions, Sink, ldif};
use aisf_core::{EdgeKind, Graph, NodeKind, Value, props};

const DIR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/midpoint-smart-integration");

/// The id the LDIF reader gives an entry of these files.
fn ldap(dn: &str) -> String {
    format!("ldap:{{{{ LDAP_BASE_DN }}}}:{dn},{{{{ LDAP_BASE_DN }}}}")
}

/// How the HR export names and spells what a bundle's persons file says.
fn hr_map() -> ColumnMap {
    ColumnMap::new()
        .with("person_id", "empnum")
        .with("employee_id", "empnum")
        .with_joined("name", ["firstname", "surname"], " ")
        .with("title", "job")
        .with("employment_type", "emptype")
        .with_value("employment_type", "FTE", "employee")
        .with_value("employment_type", "CONTRACTOR", "contractor")
        .with_value("status", "Active", "active")
        .with_value("status", "Long-term leave", "leave")
        .with_value("status", "Former employee", "terminated")
}

/// The HR feed and the three account files, read and correlated.
fn read_and_correlate() -> (Graph, aisf_core::correlate::CorrelationReport) {
    let opts = ReadOptions::default();
    let mut sink = Sink::new(Mode::Strict);
    let hr = std::fs::read(format!("{DIR}/initial_data.csv")).unwrap();
    read_file(BundleFile::Persons, &hr, "initial_data.csv", &hr_map(), &opts, &mut sink).unwrap();
    for file in
        ["105-ldap-people.ldif", "106-ldap-admin-accounts.ldif", "110-ldap-people-system.ldif"]
    {
        let bytes = std::fs::read(format!("{DIR}/{file}")).unwrap();
        ldif::read(&bytes, file, &opts, &mut sink).unwrap();
    }
    let (mut graph, report) = sink.finish();
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);

    let config = CorrelationConfig { rules: vec![Rule::employee_id()] };
    let correlation = correlate(&mut graph, &config);
    (graph, correlation)
}

/// The person each correlated account belongs to, by account id.
fn owners(graph: &Graph) -> BTreeMap<String, String> {
    let correlations = graph.edges().iter().filter(|e| e.kind == EdgeKind::Correlation);
    correlations.map(|e| (e.src.clone(), e.dst.clone())).collect()
}

#[test]
fn the_hr_feed_reads_as_fifty_persons_through_the_column_map() {
    let (graph, _) = read_and_correlate();
    let persons: Vec<_> = graph.nodes().iter().filter(|n| n.kind == NodeKind::Person).collect();
    assert_eq!(persons.len(), 50);

    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    for person in &persons {
        let text = |key| person.prop(key).and_then(Value::as_str).unwrap_or("(none)");
        *statuses.entry(text(props::STATUS)).or_default() += 1;
        *types.entry(text(props::EMPLOYMENT_TYPE)).or_default() += 1;
    }
    assert_eq!(statuses, BTreeMap::from([("active", 43), ("leave", 5), ("terminated", 2)]));
    assert_eq!(types, BTreeMap::from([("contractor", 10), ("employee", 40)]));

    // The name is joined; its parts, and the columns no bundle column
    // names, stay as properties.
    let ana = graph.node("1002").unwrap();
    assert_eq!(ana.name.as_deref(), Some("Ana Lopez"));
    assert_eq!(ana.prop(props::EMPLOYEE_ID), Some(&Value::Str("1002".into())));
    assert_eq!(ana.prop(props::TITLE), Some(&Value::Str("125#CFO".into())));
    assert_eq!(ana.prop("firstname"), Some(&Value::Str("Ana".into())));
    assert_eq!(ana.prop("surname"), Some(&Value::Str("Lopez".into())));
    assert_eq!(ana.prop("locality"), Some(&Value::Str("Hot Lava City".into())));
    let leavers: Vec<&str> = persons
        .iter()
        .filter(|p| p.prop(props::STATUS) == Some(&Value::Str("terminated".into())))
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(leavers, ["1003", "1005"]);
}

#[test]
fn ldap_accounts_correlate_by_employee_number() {
    let (graph, report) = read_and_correlate();
    assert_eq!(report.persons, 50);
    // 39 people, 2 admins, 4 service accounts.
    assert_eq!(report.accounts, 45);
    assert_eq!(report.declared, 0);
    assert_eq!(report.not_applicable, 0);

    // 38 people and both admins carry an employee number HR knows.
    assert_eq!(report.matched, 40);
    assert!(report.disputed.is_empty(), "{:?}", report.disputed);
    let owners = owners(&graph);
    assert_eq!(owners.len(), 40);
    assert_eq!(owners[&ldap("uid=afreeman,ou=users")], "1010");
    assert_eq!(owners[&ldap("uid=alopez,ou=users")], "1002");

    // The two admin accounts belong to the CEO and the CTO, who also have
    // an ordinary account each.
    assert_eq!(owners[&ldap("uid=geena-admin,ou=administrators")], "1001");
    assert_eq!(owners[&ldap("uid=opeterso-admin,ou=administrators")], "1013");
    let mut per_person: BTreeMap<&str, usize> = BTreeMap::new();
    for person in owners.values() {
        *per_person.entry(person.as_str()).or_default() += 1;
    }
    let doubled: Vec<&str> = per_person.iter().filter(|(_, n)| **n > 1).map(|(p, _)| *p).collect();
    assert_eq!(doubled, ["1001", "1013"]);
    assert_eq!(per_person.len(), 38);
}

#[test]
fn accounts_without_an_employee_number_are_orphans() {
    let (graph, report) = read_and_correlate();
    let mut orphans = report.uncorrelated.clone();
    orphans.sort();
    let mut expected = vec![
        ldap("cn=idm,ou=service-accounts"),
        ldap("uid=mail-svc,ou=service-accounts"),
        ldap("uid=spam-svc,ou=service-accounts"),
        ldap("uid=test123,ou=users"),
        ldap("uid=www-svc,ou=service-accounts"),
    ];
    expected.sort();
    assert_eq!(orphans, expected);
    for id in &expected {
        let account = graph.node(id).unwrap();
        assert_eq!(account.prop(CORRELATION), Some(&Value::Str("uncorrelated".into())), "{id}");
        assert_eq!(account.prop(props::EMPLOYEE_ID), None, "{id}");
    }
}

#[test]
fn leavers_and_people_on_leave_are_found_with_their_accounts() {
    let (graph, _) = read_and_correlate();
    let owners = owners(&graph);
    let status_of = |person: &str| {
        let node = graph.node(person).unwrap();
        node.prop(props::STATUS).and_then(Value::as_str).unwrap().to_string()
    };
    let of_status = |status: &str| -> Vec<&str> {
        let mut accounts: Vec<&str> = owners
            .iter()
            .filter(|(_, person)| status_of(person) == status)
            .map(|(account, _)| account.as_str())
            .collect();
        accounts.sort();
        accounts
    };

    // The two former employees have no LDAP account left: nothing to
    // disable, and nothing a leaver rule should report.
    assert!(of_status("terminated").is_empty());
    // The five people on long-term leave keep theirs.
    let on_leave: Vec<String> = ["diverson", "emendez", "janderso", "lshepher", "oxander"]
        .iter()
        .map(|uid| ldap(&format!("uid={uid},ou=users")))
        .collect();
    assert_eq!(of_status("leave"), on_leave.iter().map(String::as_str).collect::<Vec<_>>());

    // Twelve HR persons have no account: the two former employees and the
    // ten numbered 8000 to 8009.
    let mut without: Vec<&str> = graph
        .nodes()
        .iter()
        .filter(|n| n.kind == NodeKind::Person && !owners.values().any(|p| *p == n.id))
        .map(|n| n.id.as_str())
        .collect();
    without.sort();
    let mut expected = vec!["1003".to_string(), "1005".to_string()];
    expected.extend((8000..8010).map(|n| n.to_string()));
    assert_eq!(without, expected.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn a_mapped_column_the_export_lacks_is_an_error_naming_it() {
    let hr = std::fs::read(format!("{DIR}/initial_data.csv")).unwrap();
    let map = hr_map().with_joined("name", ["firstname", "lastname"], " ");
    let mut sink = Sink::new(Mode::Lenient);
    let opts = ReadOptions::default();
    let err = read_file(BundleFile::Persons, &hr, "initial_data.csv", &map, &opts, &mut sink)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "initial_data.csv:1: no 'lastname' column in the header (found empnum, firstname, \
         surname, emptype, job, status, locality, country)"
    );
}
