//! Reading policy files: errors with line, column and key path, defaults,
//! the built-in privileged rules and the example file.

use aisf_core::policy::{
    AccountType, PersonFacts, Policy, PolicyError, Severity, Subject, Target, Timestamp,
};
use aisf_core::{Node, NodeKind};

const EXAMPLE: &str = include_str!("../../examples/policy.toml");

fn err(text: &str) -> String {
    match Policy::from_toml_str(text, "policy.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_policies_give_exact_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "[thresholds]\nstale_days = -3\n",
            "policy.toml:2:14: thresholds.stale_days: expected a positive integer, found -3",
        ),
        (
            "[thresholds]\nstale_days = 0\n",
            "policy.toml:2:14: thresholds.stale_days: expected a positive integer, found 0",
        ),
        (
            "[thresholds]\nstale_days = \"90\"\n",
            "policy.toml:2:14: thresholds.stale_days: expected a positive integer, found \"90\"",
        ),
        (
            "[thresholds]\nleaver_grace_days = -1\n",
            "policy.toml:2:21: thresholds.leaver_grace_days: \
             expected a non-negative integer, found -1",
        ),
        (
            "[thresholds]\nstale_dayz = 3\n",
            "policy.toml:2:1: thresholds.stale_dayz: unknown key; did you mean \"stale_days\"?",
        ),
        (
            "[thresholdz]\n",
            "policy.toml:1:2: thresholdz: unknown key; did you mean \"thresholds\"?",
        ),
        ("colour = 1\n", "policy.toml:1:1: colour: unknown key"),
        (
            "[thresholds]\nstale_days_tier = { 0 = 30, 4 = 10 }\n",
            "policy.toml:2:29: thresholds.stale_days_tier.4: unknown key",
        ),
        (
            "[thresholds]\nstale_days_by_account_type = { robot = 10 }\n",
            "policy.toml:2:32: thresholds.stale_days_by_account_type.robot: unknown key",
        ),
        (
            "[thresholds]\npeer_outlier_max_share = 1.5\n",
            "policy.toml:2:26: thresholds.peer_outlier_max_share: \
             expected a number from 0 to 1, found 1.5",
        ),
        (
            "[thresholds]\nnow = \"yesterday\"\n",
            "policy.toml:2:7: thresholds.now: \
             expected a date or an RFC 3339 date-time, found \"yesterday\"",
        ),
        ("version = 2\n", "policy.toml:1:11: version: expected 1, the only schema version"),
        (
            "[[role]]\nname = \"Engineering\"\ngrants = [\"github:*\", \"aws:*\", \"github:[\"]\n",
            "policy.toml:3:32: role \"Engineering\".grants[2]: \
             invalid pattern \"github:[\": unclosed bracket",
        ),
        (
            "[[role]]\nname = \"Sales\"\ndepartment = 3\ngrants = [\"x\"]\n",
            "policy.toml:3:14: role \"Sales\".department: expected a pattern string, found 3",
        ),
        ("[[role]]\ngrants = [\"x\"]\n", "policy.toml:1:1: role[0]: missing key \"name\""),
        (
            "[[role]]\nname = \"A\"\ngrants = [\"x\"]\n\n[[role]]\nname = \"B\"\n",
            "policy.toml:5:1: role \"B\": missing key \"grants\" or \"groups\"",
        ),
        (
            "[[role]]\nname = \"A\"\ngrant = [\"x\"]\n",
            "policy.toml:3:1: role \"A\".grant: unknown key; did you mean \"grants\"?",
        ),
        (
            "[role]\nname = \"A\"\n",
            "policy.toml:1:1: role: expected an array of tables ([[role]]), found a table",
        ),
        (
            "[[privileged]]\ngroup = \"x\"\ntier = 4\nreason = \"r\"\n",
            "policy.toml:3:8: privileged[0].tier: expected a tier from 0 to 3, found 4",
        ),
        (
            "[[privileged]]\nname = \"p\"\ntier = 0\nreason = \"r\"\n",
            "policy.toml:1:1: privileged \"p\": \
             expected at least one of entitlement, group, role or sid",
        ),
        (
            "[[privileged]]\ngroup = \"x\"\ntier = 0\n",
            "policy.toml:1:1: privileged[0]: missing key \"reason\"",
        ),
        (
            "[privileged_defaults]\nexclude = [\"ad-domain-admin\"]\n",
            "policy.toml:2:12: privileged_defaults.exclude[0]: no built-in privileged rule \
             is named \"ad-domain-admin\"; did you mean \"ad-domain-admins\"?",
        ),
        (
            "[[sod]]\nname = \"s\"\nentitlements = [\"a\"]\n",
            "policy.toml:3:16: sod \"s\".entitlements: expected at least 2 entitlements, found 1",
        ),
        (
            "[[sod]]\nname = \"s\"\nentitlements = [\"a\", \"b\"]\nmin = 3\n",
            "policy.toml:4:7: sod \"s\".min: expected an integer from 2 to 2, the size of the set",
        ),
        (
            "[[sod]]\nname = \"s\"\nentitlements = [\"a\", \"b\"]\nseverity = \"severe\"\n",
            "policy.toml:4:12: sod \"s\".severity: \
             expected one of info, low, medium, high, critical, found \"severe\"",
        ),
        (
            "[[exception]]\nperson = \"p\"\nentitlement = \"e\"\nreason = \"r\"\n\
             approved_by = \"a\"\nuntil = \"2025-02-30\"\n",
            "policy.toml:6:9: exception[0].until: \
             expected a date or an RFC 3339 date-time, found \"2025-02-30\"",
        ),
        (
            "[[exception]]\nperson = \"p\"\nentitlement = \"e\"\nreason = \"r\"\n\
             approved_by = \"a\"\nuntil = 12:00:00\n",
            "policy.toml:6:9: exception[0].until: \
             expected a date or an RFC 3339 date-time, found 12:00:00",
        ),
        (
            "[[exception]]\nperson = \"p\"\nentitlement = \"e\"\nreason = \"r\"\n\
             approved_by = \"a\"\n",
            "policy.toml:1:1: exception[0]: missing key \"until\"",
        ),
        (
            "[[exception]]\nperson = \"p\"\naccount = \"a\"\nentitlement = \"e\"\n",
            "policy.toml:3:11: exception[0]: expected person or account, not both",
        ),
        (
            "[[exception]]\nentitlement = \"e\"\n",
            "policy.toml:1:1: exception[0]: missing key \"person\" or \"account\"",
        ),
        (
            "[[exception]]\nperson = \"p\"\nreason = \"r\"\n",
            "policy.toml:1:1: exception[0]: missing key \"entitlement\" or \"rule\"",
        ),
        (
            "[owners]\nrequire_owner_for = [\"service\", \"robot\"]\n",
            "policy.toml:2:33: owners.require_owner_for[1]: \
             expected human, service or shared, found \"robot\"",
        ),
        (
            "[[owners.assign]]\nobject = \"ad:svc-*\"\n",
            "policy.toml:1:1: owners.assign[0]: missing key \"owner\"",
        ),
        (
            "[risk]\nexposure = -1\n",
            "policy.toml:2:12: risk.exposure: expected a number of at least 0, found -1",
        ),
        ("[risk]\ntier = { 5 = 1.0 }\n", "policy.toml:2:10: risk.tier.5: unknown key"),
        (
            "[rules]\n\"stale-account\" = { enabled = \"yes\" }\n",
            "policy.toml:2:31: rules.stale-account.enabled: expected true or false, found \"yes\"",
        ),
        (
            "[rules]\n\"stale-account\" = { severity = \"low\", colour = 1 }\n",
            "policy.toml:2:39: rules.stale-account.colour: unknown key",
        ),
        (
            "[rules]\n\"Stale Account\" = false\n",
            "policy.toml:2:1: rules.\"Stale Account\": \
             expected a rule id in kebab-case, found \"Stale Account\"",
        ),
        (
            "[rules]\n\"stale-account\" = 1\n",
            "policy.toml:2:19: rules.stale-account: \
             expected a table { enabled, severity } or true or false",
        ),
        ("[thresholds\n", "policy.toml:1:12: invalid TOML: "),
        ("a = 1\na = 2\n", "policy.toml:2:1: invalid TOML: "),
    ];
    // Syntax errors are checked by prefix only: their wording is the toml
    // crate's.
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let got = err(text);
        let ok = if want.ends_with(": ") { got.starts_with(want) } else { got == *want };
        if !ok {
            wrong.push(format!("policy:\n{text}want: {want}\ngot:  {got}\n"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn errors_expose_their_place() {
    let e = Policy::from_toml_str("[thresholds]\n\nmax_admins = 0\n", "p.toml").unwrap_err();
    let at = e.location().unwrap();
    assert_eq!((at.file.as_str(), at.line, at.column), ("p.toml", 3, 14));
    assert_eq!(e.path(), Some("thresholds.max_admins"));
    assert!(matches!(e, PolicyError::Invalid { .. }));
}

#[test]
fn columns_count_characters() {
    let e = err("[[role]]\nname = \"Équipe\"\ndescription = \"é\"\ngrants = 1\n");
    assert_eq!(e, "policy.toml:4:10: role \"Équipe\".grants: expected a pattern string, found 1");
}

#[test]
fn an_empty_policy_has_the_defaults() {
    let p = Policy::from_toml_str("", "empty.toml").unwrap();
    let t = &p.thresholds;
    assert_eq!(
        (
            t.stale_days,
            t.stale_days_privileged,
            t.leaver_grace_days,
            t.mover_grace_days,
            t.max_admins
        ),
        (90, 45, 7, 30, 5)
    );
    assert_eq!(t.peer_outlier_max_share, 0.1);
    assert_eq!(t.now, None);
    assert_eq!(p.owners.require_owner_for, vec![AccountType::Service, AccountType::Shared]);
    assert_eq!(p.risk.severity.get(Severity::Critical), 10.0);
    assert_eq!(p.risk.tier, [4.0, 2.0, 1.5, 1.0]);
    assert!(p.rule_enabled("anything"));
    assert_eq!(p.rule_severity("anything", Severity::Medium), Severity::Medium);
    assert_eq!(p.file, "empty.toml");
    assert_eq!(Policy { file: "empty.toml".into(), ..Policy::default() }, p);
}

#[test]
fn staleness_picks_the_most_specific_setting() {
    let p = Policy::from_toml_str(
        "[thresholds]\nstale_days = 100\nstale_days_by_account_type = { service = 200 }\n\
         stale_days_privileged = 50\nstale_days_tier = { 0 = 20 }\n",
        "p.toml",
    )
    .unwrap();
    let t = &p.thresholds;
    assert_eq!(t.stale_days_for(None, None), 100);
    assert_eq!(t.stale_days_for(Some(AccountType::Human), None), 100);
    assert_eq!(t.stale_days_for(Some(AccountType::Service), None), 200);
    assert_eq!(t.stale_days_for(Some(AccountType::Service), Some(1)), 50);
    assert_eq!(t.stale_days_for(Some(AccountType::Service), Some(0)), 20);
}

fn group(id: &str, name: &str) -> Node {
    Node::new(id, NodeKind::Group).with_system("ad").with_name(name)
}

#[test]
fn built_in_privileged_rules_match_by_name_and_sid() {
    let p = Policy::default();
    let da = group("ad:S-1-5-21-1-2-3-512", "DOMAIN ADMINS@CORP.LOCAL");
    assert_eq!(p.tier_of(&Target::of(&da)), Some(0));

    let renamed = group("ad:x", "Domänen-Admins").with_prop("objectid", "S-1-5-21-9-8-7-512");
    assert_eq!(p.tier_of(&Target::of(&renamed)), Some(0));
    let builtin = group("ad:y", "Administrateurs").with_prop("sid", "CORP.LOCAL-S-1-5-32-544");
    assert_eq!(p.tier_of(&Target::of(&builtin)), Some(0));
    let ops = group("ad:Backup Operators", "Backup Operators");
    assert_eq!(p.tier_of(&Target::of(&ops)), Some(1));
    let not_rid = group("ad:z", "Helpdesk").with_prop("sid", "S-1-5-21-1-2-3-1512");
    assert_eq!(p.tier_of(&Target::of(&not_rid)), None);

    let ga = Node::new("entra:role:62e90394-69f5-4237-9190-012177145e10", NodeKind::Role);
    assert_eq!(p.tier_of(&Target::of(&ga)), Some(0));
    let admin = Node::new("aws:ent:AdministratorAccess", NodeKind::Entitlement).with_system("aws");
    assert_eq!(p.tier_of(&Target::of(&admin)), Some(0));
    let iam_star = Node::new("aws:ent:iam:*", NodeKind::Entitlement);
    assert_eq!(p.tier_of(&Target::of(&iam_star)), Some(0));
    let iam_read = Node::new("aws:ent:iam:GetUser", NodeKind::Entitlement);
    assert_eq!(p.tier_of(&Target::of(&iam_read)), None);

    let gh_owner = Node::new("github:org:acme:owner", NodeKind::Role).with_system("github");
    assert_eq!(p.tier_of(&Target::of(&gh_owner)), Some(1));
    let other_owner = Node::new("jira:owner", NodeKind::Role).with_system("jira");
    assert_eq!(p.tier_of(&Target::of(&other_owner)), None);

    // A group rule does not make an entitlement of the same name privileged.
    let ent = Node::new("ad:Domain Admins", NodeKind::Entitlement);
    assert_eq!(p.tier_of(&Target::of(&ent)), None);
}

#[test]
fn built_in_privileged_rules_can_be_turned_off() {
    let da = group("ad:Domain Admins", "Domain Admins");
    let off = Policy::from_toml_str("[privileged_defaults]\nenabled = false\n", "p").unwrap();
    assert_eq!(off.privileged_rules().count(), 0);
    assert_eq!(off.tier_of(&Target::of(&da)), None);

    let some =
        Policy::from_toml_str("[privileged_defaults]\nexclude = [\"ad-domain-admins\"]\n", "p")
            .unwrap();
    assert_eq!(some.tier_of(&Target::of(&da)), None);
    let all = Policy::default().privileged_rules().count();
    assert_eq!(some.privileged_rules().count(), all - 1);
    assert_eq!(all, aisf_core::policy::default_privileged().len());
}

#[test]
fn own_privileged_rules_add_to_the_defaults() {
    let p = Policy::from_toml_str(
        "[[privileged]]\nentitlement = \"aws:ent:rds-admin-*\"\nsystem = \"aws\"\ntier = 1\n\
         reason = \"prod data\"\n",
        "p.toml",
    )
    .unwrap();
    let rds = Node::new("aws:ent:rds-admin-prod", NodeKind::Entitlement).with_system("aws");
    assert_eq!(p.tier_of(&Target::of(&rds)), Some(1));
    let elsewhere = Node::new("aws:ent:rds-admin-prod", NodeKind::Entitlement).with_system("gcp");
    assert_eq!(p.tier_of(&Target::of(&elsewhere)), None);
    assert_eq!(p.privileged[0].line, 1);
}

#[test]
fn roles_match_people() {
    let p = Policy::from_toml_str(EXAMPLE, "policy.toml").unwrap();
    let alice = PersonFacts {
        department: Some("engineering"),
        title: Some("Senior Software Engineer"),
        employment_type: Some("employee"),
        job_code: None,
    };
    let names: Vec<&str> = p.roles_for(&alice).map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Everyone", "Engineering"]);
    let eng = &p.roles[1];
    assert!(eng.grants_entitlement("github:ent:repo-write", None));
    assert!(eng.grants_entitlement("x", Some("aws:ent:s3-read-logs")));
    assert!(!eng.grants_entitlement("aws:ent:s3-write-logs", None));

    let intern = PersonFacts { employment_type: Some("intern"), ..alice };
    assert_eq!(p.roles_for(&intern).count(), 1);
}

#[test]
fn the_example_covers_every_section() {
    let p = Policy::from_toml_str(EXAMPLE, "examples/policy.toml").unwrap();
    assert_eq!(p.thresholds.now, Timestamp::parse("2025-03-01T09:00:00Z"));
    assert_eq!(p.thresholds.stale_days_tier, [Some(30), Some(45), None, None]);
    assert_eq!(p.thresholds.stale_days_by_account_type.service, Some(180));
    assert_eq!(p.privileged_defaults.exclude, ["okta-super-administrator"]);
    assert_eq!(p.privileged.len(), 3);
    let departments: Vec<&str> =
        p.roles.iter().flat_map(|r| r.department.iter().map(|d| d.as_str())).collect();
    assert_eq!(departments, ["Engineering", "Sales", "Finance", "HR", "IT"]);
    assert_eq!(p.sod.len(), 3);
    assert_eq!(p.sod[1].required(), 2);
    assert_eq!(p.sod[0].required(), 2);
    assert_eq!(p.sod[0].severity, Severity::Critical);
    assert_eq!(p.exceptions.len(), 2);
    let e = &p.exceptions[0];
    assert_eq!(e.subject, Subject::Person("p:e1042".into()));
    // A bare date holds through its day.
    assert_eq!(e.until, Timestamp::parse("2025-07-01").unwrap());
    assert!(e.is_active(Timestamp::parse("2025-06-30T23:59:59Z").unwrap()));
    assert!(!e.is_active(Timestamp::parse("2025-07-01").unwrap()));
    assert_eq!(p.exceptions[1].rule.as_deref(), Some("stale-account"));
    assert_eq!(p.owners.assign.len(), 2);
    assert_eq!(p.risk.tier[0], 4.0);
    assert!(!p.rule_enabled("peer-outlier"));
    assert_eq!(p.rule_severity("stale-account", Severity::Medium), Severity::Low);
    assert_eq!(p.rule_severity("stale-privileged", Severity::Medium), Severity::High);
    assert!(p.contradictions().is_empty(), "{:?}", p.contradictions());
}

#[test]
fn the_example_round_trips() {
    let p = Policy::from_toml_str(EXAMPLE, "policy.toml").unwrap();
    let text = toml::to_string(&p).unwrap();
    let back = Policy::from_toml_str(&text, "policy.toml").unwrap();
    assert_eq!(toml::to_string(&back).unwrap(), text);
    // Lines differ; everything else is the same.
    let strip = |mut p: Policy| {
        p.roles.iter_mut().for_each(|r| r.line = 0);
        p.sod.iter_mut().for_each(|r| r.line = 0);
        p.privileged.iter_mut().for_each(|r| r.line = 0);
        p.exceptions.iter_mut().for_each(|r| r.line = 0);
        p.owners.assign.iter_mut().for_each(|r| r.line = 0);
        p
    };
    assert_eq!(strip(back), strip(p));
}

#[test]
fn from_path_reads_and_names_the_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/policy.toml");
    let p = Policy::from_path(path).unwrap();
    assert!(p.file.ends_with("policy.toml"));
    let e = Policy::from_path("/nonexistent/policy.toml").unwrap_err();
    assert!(matches!(e, PolicyError::Io { .. }));
    assert!(e.to_string().starts_with("/nonexistent/policy.toml: cannot read: "));
}

#[test]
fn strings_and_dates_are_both_accepted() {
    let p = Policy::from_toml_str(
        "[thresholds]\nnow = \"2025-01-01\"\n\n[[exception]]\naccount = \"a\"\nrule = \"r\"\n\
         reason = \"x\"\napproved_by = \"y\"\nuntil = 2025-01-01T12:00:00+02:00\n",
        "p.toml",
    )
    .unwrap();
    assert_eq!(p.thresholds.now, Timestamp::parse("2025-01-01"));
    assert_eq!(p.exceptions[0].until, Timestamp::parse("2025-01-01T10:00:00Z").unwrap());
}
