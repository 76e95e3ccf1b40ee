//! Checking a policy against the data's vocabulary and against itself.

use aisf_core::policy::{Known, Policy, WarningKind};
use aisf_core::{Graph, Node, NodeKind};

const EXAMPLE: &str = include_str!("../../examples/policy.toml");

fn policy(text: &str) -> Policy {
    Policy::from_toml_str(text, "policy.toml").unwrap()
}

fn known() -> Known {
    let mut g = Graph::new();
    let people = [
        ("p:1", "Engineering", "Software Engineer"),
        ("p:2", "Finance", "Accountant"),
        ("p:3", "Sales", "Account Executive"),
    ];
    for (id, dept, title) in people {
        let n = Node::new(id, NodeKind::Person)
            .with_prop("department", dept)
            .with_prop("title", title)
            .with_prop("employment_type", "employee");
        g.add_node(n).unwrap();
    }
    for id in ["github:ent:repo-write", "github:ent:prod-deploy", "github:ent:release-approve"] {
        g.add_node(Node::new(id, NodeKind::Entitlement).with_system("github")).unwrap();
    }
    let pay = Node::new("netsuite:ent:7", NodeKind::Entitlement).with_name("payment-approve");
    g.add_node(pay.with_system("netsuite")).unwrap();
    let vendor = Node::new("netsuite:ent:8", NodeKind::Entitlement).with_name("vendor-create");
    g.add_node(vendor.with_system("netsuite")).unwrap();
    g.add_node(Node::new("ad:Engineering", NodeKind::Group).with_system("ad")).unwrap();
    g.add_node(Node::new("ad:svc-build", NodeKind::Account).with_system("ad")).unwrap();
    let mut k = Known::from_graph(&g);
    k.rule_ids = ["stale-account", "sod-violation"].map(String::from).into();
    k
}

fn lines(p: &Policy, k: &Known) -> Vec<String> {
    p.check_names(k).iter().map(ToString::to_string).collect()
}

#[test]
fn unknown_names_are_warned_with_suggestions() {
    let p = policy(
        "[[role]]\nname = \"Enginering\"\ndepartment = \"Enginering\"\ntitle = \"*Enginer*\"\n\
         grants = [\"github:ent:repo-write\", \"github:ent:repo-writ\"]\n\
         groups = \"ad:Engineers\"\n",
    );
    assert_eq!(
        lines(&p, &known()),
        [
            "policy.toml:1: role \"Enginering\": department \"Enginering\" matches no person; \
             did you mean \"Engineering\"?",
            "policy.toml:1: role \"Enginering\": title pattern \"*Enginer*\" matches no person",
            "policy.toml:1: role \"Enginering\": grant \"github:ent:repo-writ\" matches no \
             entitlement; did you mean \"github:ent:repo-write\"?",
            "policy.toml:1: role \"Enginering\": group \"ad:Engineers\" matches no group; \
             did you mean \"ad:Engineering\"?",
        ]
    );
    let w = &p.check_names(&known())[0];
    assert_eq!(w.kind, WarningKind::UnknownName);
    assert_eq!(w.suggestion.as_deref(), Some("Engineering"));
    assert_eq!(p.check_names(&known())[1].kind, WarningKind::NoMatch);
}

#[test]
fn a_name_is_warned_once_per_item() {
    let p = policy(
        "[[role]]\nname = \"A\"\ndepartment = [\"Marketing\", \"marketing\"]\n\
         grants = [\"github:*\"]\n",
    );
    assert_eq!(
        lines(&p, &known()),
        ["policy.toml:1: role \"A\": department \"Marketing\" matches no person"]
    );
}

#[test]
fn names_match_ids_and_names_without_case() {
    let p = policy(
        "[[role]]\nname = \"Finance\"\ndepartment = \"FINANCE\"\ngrants = [\"Payment-Approve\"]\n\n\
         [[sod]]\nname = \"s\"\nentitlements = [\"netsuite:ent:7\", \"vendor-create\"]\n",
    );
    assert_eq!(lines(&p, &known()), Vec::<String>::new());
}

#[test]
fn every_section_is_checked() {
    let p = policy(
        "[[privileged]]\nname = \"x\"\nentitlement = \"aws:*\"\nsystem = \"githb\"\ntier = 1\n\
         reason = \"r\"\n\n\
         [[sod]]\nname = \"s\"\n\
         entitlements = [\"github:ent:prod-deploy\", \"github:ent:relase-approve\"]\n\n\
         [[exception]]\nperson = \"p:4\"\nentitlement = \"github:ent:prod-deploy\"\n\
         rule = \"stale-acount\"\n\
         reason = \"r\"\napproved_by = \"p:1\"\nuntil = 2030-01-01\n\n\
         [[owners.assign]]\nobject = \"ad:svc-*\"\nowner = \"p:9\"\n\n\
         [rules]\n\"sod-violaton\" = false\n",
    );
    assert_eq!(
        lines(&p, &known()),
        [
            "policy.toml:1: privileged \"x\": entitlement pattern \"aws:*\" matches no entitlement",
            "policy.toml:1: privileged \"x\": system \"githb\" matches no system; \
             did you mean \"github\"?",
            "policy.toml:8: sod \"s\": entitlement \"github:ent:relase-approve\" matches no \
             entitlement; did you mean \"github:ent:release-approve\"?",
            "policy.toml:12: exception[0]: person \"p:4\" is not in the data; \
             did you mean \"p:1\"?",
            "policy.toml:12: exception[0]: rule \"stale-acount\" is no known rule; \
             did you mean \"stale-account\"?",
            "policy.toml:20: owners.assign[0]: owner \"p:9\" is no person; did you mean \"p:1\"?",
            "policy.toml: rules.sod-violaton: no rule has this id; did you mean \"sod-violation\"?",
        ]
    );
}

#[test]
fn contradictions_are_reported() {
    let p = policy(
        "[[role]]\nname = \"Dev\"\ngrants = [\"github:*\"]\n\n\
         [[role]]\nname = \"dev\"\ngrants = [\"github:ent:repo-write\"]\n\n\
         [[role]]\nname = \"AP\"\n\
         grants = [\"netsuite:ent:payment-approve\", \"netsuite:ent:vendor-*\"]\n\n\
         [[sod]]\nname = \"deploy\"\n\
         entitlements = [\"github:ent:prod-deploy\", \"github:ent:release-approve\"]\n\n\
         [[sod]]\nname = \"vendor\"\n\
         entitlements = [\"netsuite:ent:vendor-create\", \"netsuite:ent:payment-approve\"]\n\n\
         [[exception]]\nperson = \"p:1\"\nentitlement = \"x\"\nreason = \"r\"\n\
         approved_by = \"p:2\"\n\
         approved = 2025-03-01\nuntil = 2025-01-31\n\n\
         [[exception]]\nperson = \"p:1\"\nentitlement = \"unrelated\"\nreason = \"r\"\n\
         approved_by = \"p:2\"\n\
         approved = 2025-03-01\nuntil = 2025-03-01\n",
    );
    let got: Vec<String> = p.contradictions().iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "policy.toml:5: role \"dev\": duplicate role name; the first is on line 1",
            "policy.toml:1: role \"Dev\": grants \"github:ent:prod-deploy\", \
             \"github:ent:release-approve\", which sod \"deploy\" forbids together: \
             the role itself violates segregation of duties",
            "policy.toml:9: role \"AP\": grants \"netsuite:ent:vendor-create\", \
             \"netsuite:ent:payment-approve\", which sod \"vendor\" forbids together: \
             the role itself violates segregation of duties",
            "policy.toml:21: exception[0]: ends (2025-02-01T00:00:00Z) before it was \
             approved (2025-03-01T00:00:00Z)",
        ]
    );
    assert!(p.contradictions().iter().all(|w| w.kind == WarningKind::Contradiction));
}

#[test]
fn the_data_reveals_contradictions_the_text_cannot() {
    // The SoD set names entitlements by name, the role grants them by id:
    // only the data shows that they are the same.
    let p = policy(
        "[[role]]\nname = \"AP\"\ngrants = [\"netsuite:ent:*\"]\n\n\
         [[sod]]\nname = \"vendor\"\nentitlements = [\"vendor-create\", \"payment-approve\"]\n",
    );
    assert!(p.contradictions().is_empty());
    assert_eq!(
        lines(&p, &known()),
        ["policy.toml:1: role \"AP\": grants \"vendor-create\", \"payment-approve\", which sod \
          \"vendor\" forbids together: the role itself violates segregation of duties"]
    );
}

#[test]
fn sod_with_min_counts_any_subset() {
    let p = policy(
        "[[role]]\nname = \"Pay\"\ngrants = [\"a\", \"b\"]\n\n\
         [[sod]]\nname = \"three\"\nentitlements = [\"a\", \"b\", \"c\"]\nmin = 2\n\n\
         [[sod]]\nname = \"all\"\nentitlements = [\"a\", \"b\", \"c\"]\n",
    );
    let got = p.contradictions();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].message.contains("sod \"three\""));
    assert!(p.sod[0].violated_by(|e| e.as_str() != "c"));
    assert!(!p.sod[1].violated_by(|e| e.as_str() != "c"));
}

#[test]
fn the_example_is_consistent() {
    let p = Policy::from_toml_str(EXAMPLE, "examples/policy.toml").unwrap();
    assert_eq!(p.contradictions(), []);
    // Against data that has none of its names, every item is questioned,
    // but the built-in privileged rules are not.
    let warnings = p.check_names(&Known::default());
    assert!(!warnings.is_empty());
    assert!(warnings.iter().all(|w| !w.path.starts_with("privileged \"ad-")));
}

#[test]
fn the_example_names_only_rules_the_scan_knows() {
    let p = Policy::from_toml_str(EXAMPLE, "examples/policy.toml").unwrap();
    let known = Known {
        rule_ids: aisf_core::finding::RuleId::ALL.iter().map(|r| r.as_str().to_string()).collect(),
        ..Known::default()
    };
    let unknown_rules: Vec<String> = p
        .check_names(&known)
        .iter()
        .filter(|w| w.message.contains("rule"))
        .map(|w| w.to_string())
        .collect();
    assert!(unknown_rules.is_empty(), "{unknown_rules:#?}");
}
