//! Edge cases of account-to-person correlation, one small graph per case.

use aisf_core::correlate::{
    CANDIDATES, CONFIDENCE, CORRELATION, CorrelationConfig, RULE, Rule, correlate,
};
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};

/// What one account should come out as.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// Matched to this person by this rule.
    Matched(&'static str, &'static str),
    /// Disputed by this rule between these persons (sorted).
    Disputed(&'static str, &'static [&'static str]),
    Uncorrelated,
    Declared,
    NotApplicable,
}
use Want::*;

type Props = &'static [(&'static str, &'static str)];

struct Case {
    name: &'static str,
    config: fn() -> CorrelationConfig,
    /// Person id, display name, properties.
    persons: &'static [(&'static str, &'static str, Props)],
    /// Account id, properties, expected outcome.
    accounts: &'static [(&'static str, Props, Want)],
    /// Correlation edges the source declared, account to person.
    declared: &'static [(&'static str, &'static str)],
}

fn default_config() -> CorrelationConfig {
    CorrelationConfig::default()
}

fn aliased_config() -> CorrelationConfig {
    let mut config = CorrelationConfig::default();
    for rule in &mut config.rules {
        if matches!(rule, Rule::Email { .. }) {
            *rule = Rule::email_with_aliases([("corp.example.com", "example.com")]);
        }
    }
    config
}

const CASES: &[Case] = &[
    Case {
        name: "two persons with the same normalised email are a dispute",
        config: default_config,
        persons: &[
            ("p1", "Alice Archer", &[("email", "alice@example.com")]),
            ("p2", "Alicia Archer", &[("email", " ALICE@Example.com")]),
        ],
        accounts: &[("a1", &[("email", "alice@example.com")], Disputed("email", &["p1", "p2"]))],
        declared: &[],
    },
    Case {
        name: "plus-addressing, case and whitespace are ignored",
        config: default_config,
        persons: &[("p1", "Bob Baker", &[("email", "bob@example.com")])],
        accounts: &[
            ("a1", &[("email", "bob+github@example.com")], Matched("p1", "email")),
            ("a2", &[("mail", "  Bob@EXAMPLE.com ")], Matched("p1", "email")),
            ("a3", &[("userPrincipalName", "BOB@example.com")], Matched("p1", "email")),
            ("a4", &[("email", "bob@corp.example.com")], Uncorrelated),
        ],
        declared: &[],
    },
    Case {
        name: "domain aliases make two domains one",
        config: aliased_config,
        persons: &[("p1", "Bob Baker", &[("email", "bob@example.com")])],
        accounts: &[("a1", &[("email", "Bob+x@Corp.Example.com")], Matched("p1", "email"))],
        declared: &[],
    },
    Case {
        name: "accents, titles and punctuation fold away in username templates",
        config: default_config,
        persons: &[
            ("p1", "José Núñez", &[]),
            ("p2", "Ing. Radovan Semančík, PhD", &[]),
            ("p3", "Maxine O'Flaherty", &[]),
            ("p4", "Someone Else", &[("first_name", "Žofia"), ("last_name", "Kráľová")]),
        ],
        accounts: &[
            ("a1", &[("username", "jnunez")], Matched("p1", "username:{f}{last}")),
            ("a2", &[("sAMAccountName", "Jose.Nunez")], Matched("p1", "username:{first}.{last}")),
            ("a3", &[("uid", "rsemancik")], Matched("p2", "username:{f}{last}")),
            ("a4", &[("login", "m.oflaherty")], Matched("p3", "username:{f}.{last}")),
            ("a5", &[("username", "CORP\\zkralova")], Matched("p4", "username:{f}{last}")),
            ("a6", &[("userName", "selse")], Uncorrelated),
        ],
        declared: &[],
    },
    Case {
        name: "employee id beats email, and decides before a dispute can arise",
        config: default_config,
        persons: &[
            ("p1", "Carol Clark", &[("employee_id", "1001"), ("email", "carol@example.com")]),
            ("p2", "Dan Clark", &[("employee_id", "1002"), ("email", "shared@example.com")]),
            ("p3", "Dora Clark", &[("employee_id", "1003"), ("email", "shared@example.com")]),
        ],
        accounts: &[
            (
                "a1",
                &[("employeeNumber", "1001"), ("email", "dan@example.com")],
                Matched("p1", "employee_id"),
            ),
            (
                "a2",
                &[("employeeId", " 1002 "), ("email", "shared@example.com")],
                Matched("p2", "employee_id"),
            ),
            ("a3", &[("email", "shared@example.com")], Disputed("email", &["p2", "p3"])),
        ],
        declared: &[],
    },
    Case {
        name: "a weaker rule never breaks a stronger rule's tie",
        config: default_config,
        persons: &[
            ("p1", "Carol Smith", &[("email", "team@example.com")]),
            ("p2", "Erin Jones", &[("email", "team@example.com")]),
        ],
        // The username alone would pick p1; the email dispute stands.
        accounts: &[
            (
                "a1",
                &[("email", "team@example.com"), ("username", "csmith")],
                Disputed("email", &["p1", "p2"]),
            ),
            ("a2", &[("username", "csmith")], Matched("p1", "username:{f}{last}")),
        ],
        declared: &[],
    },
    Case {
        name: "a username pattern that fits two persons is a dispute",
        config: default_config,
        persons: &[
            ("p1", "John Smith", &[]),
            ("p2", "Jane Smith", &[]),
            ("p3", "John Smith-Walker", &[]),
        ],
        accounts: &[
            ("a1", &[("username", "jsmith")], Disputed("username:{f}{last}", &["p1", "p2"])),
            ("a2", &[("username", "john.smith")], Matched("p1", "username:{first}.{last}")),
            ("a3", &[("username", "jsmithwalker")], Matched("p3", "username:{f}{last}")),
        ],
        declared: &[],
    },
    Case {
        name: "Entra gets the person of its AD twin, whichever comes first",
        config: default_config,
        persons: &[
            ("p1", "Fay Fisher", &[("employee_id", "1")]),
            ("p2", "Gus Grant", &[("employee_id", "2")]),
        ],
        accounts: &[
            // Listed before the AD accounts they point at.
            (
                "entra:1",
                &[("on_premises_sid", "s-1-5-21-9-1104"), ("email", "fay@example.com")],
                Matched("p1", "on_premises_sid"),
            ),
            (
                "entra:2",
                &[("onPremisesSecurityIdentifier", "S-1-5-21-9-1105")],
                Matched("p2", "on_premises_sid"),
            ),
            ("ad:S-1-5-21-9-1104", &[("employeeNumber", "1")], Matched("p1", "employee_id")),
            (
                "ad:gus",
                &[("objectsid", "S-1-5-21-9-1105"), ("employeeNumber", "2")],
                Matched("p2", "employee_id"),
            ),
        ],
        declared: &[],
    },
    Case {
        name: "SID linkage follows declared, disputed and uncorrelated twins",
        config: default_config,
        persons: &[
            ("p1", "Hal Hart", &[("email", "hal@example.com")]),
            ("p2", "Ida Hart", &[("email", "hart@example.com")]),
            ("p3", "Ivo Hart", &[("email", "hart@example.com")]),
        ],
        accounts: &[
            ("ad:S-1-5-21-9-1", &[], Declared),
            ("ad:S-1-5-21-9-2", &[("email", "hart@example.com")], Disputed("email", &["p2", "p3"])),
            ("ad:S-1-5-21-9-3", &[], Uncorrelated),
            ("entra:1", &[("on_premises_sid", "S-1-5-21-9-1")], Matched("p1", "on_premises_sid")),
            (
                "entra:2",
                &[("on_premises_sid", "S-1-5-21-9-2")],
                Disputed("on_premises_sid", &["p2", "p3"]),
            ),
            // The twin knows nobody, so the next rule decides.
            (
                "entra:3",
                &[("on_premises_sid", "S-1-5-21-9-3"), ("email", "hal@example.com")],
                Matched("p1", "email"),
            ),
            // A SID that names no account.
            ("entra:4", &[("on_premises_sid", "S-1-5-21-9-404")], Uncorrelated),
        ],
        declared: &[("ad:S-1-5-21-9-1", "p1")],
    },
    Case {
        name: "twins naming each other do not hang the run",
        config: default_config,
        persons: &[("p1", "Jo Jansen", &[("email", "jo@example.com")])],
        accounts: &[
            (
                "x:1",
                &[
                    ("objectsid", "S-1-5-21-7-1"),
                    ("on_premises_sid", "S-1-5-21-7-2"),
                    ("email", "jo@example.com"),
                ],
                Matched("p1", "email"),
            ),
            (
                "x:2",
                &[("objectsid", "S-1-5-21-7-2"), ("on_premises_sid", "S-1-5-21-7-1")],
                Matched("p1", "on_premises_sid"),
            ),
            // An account naming itself is no twin.
            (
                "x:3",
                &[("on_premises_sid", "S-1-5-21-7-3"), ("objectsid", "S-1-5-21-7-3")],
                Uncorrelated,
            ),
        ],
        declared: &[],
    },
    Case {
        name: "declared edges are kept and nothing is added to them",
        config: default_config,
        persons: &[
            ("p1", "Kim Kent", &[("email", "kim@example.com")]),
            ("p2", "Lee Lund", &[("email", "lee@example.com")]),
        ],
        accounts: &[("a1", &[("email", "lee@example.com")], Declared), ("a2", &[], Declared)],
        declared: &[("a1", "p1"), ("a2", "nobody-in-the-graph")],
    },
    Case {
        name: "service and shared accounts belong to no person",
        config: default_config,
        persons: &[("p1", "Mia Moss", &[("email", "mia@example.com"), ("employee_id", "7")])],
        accounts: &[
            ("a1", &[("account_type", "service"), ("email", "mia@example.com")], NotApplicable),
            ("a2", &[("account_type", " Shared "), ("employeeNumber", "7")], NotApplicable),
            (
                "a3",
                &[("account_type", "human"), ("employeeNumber", "7")],
                Matched("p1", "employee_id"),
            ),
        ],
        declared: &[],
    },
    Case {
        name: "SCIM externalId names an employee number or a person id",
        config: default_config,
        persons: &[
            ("hr:1", "Ned North", &[("employee_id", "E-1")]),
            ("hr:2", "Ola North", &[("employee_id", "hr:1")]),
        ],
        accounts: &[
            ("scim:a", &[("externalId", "e-1")], Matched("hr:1", "scim_external_id")),
            ("scim:b", &[("external_id", "hr:2")], Matched("hr:2", "scim_external_id")),
            // One person's id is another's employee number.
            ("scim:c", &[("external_id", "hr:1")], Disputed("scim_external_id", &["hr:1", "hr:2"])),
        ],
        declared: &[],
    },
    Case {
        name: "an account that matches nothing is uncorrelated",
        config: default_config,
        persons: &[
            ("p1", "Pat Park", &[("employee_id", "1"), ("email", "pat@example.com")]),
            ("p2", "", &[]),
        ],
        accounts: &[
            (
                "a1",
                &[("email", "someone@example.com"), ("username", "zed"), ("employee_id", "2")],
                Uncorrelated,
            ),
            ("a2", &[], Uncorrelated),
            ("a3", &[("email", "not an email"), ("employee_id", "  ")], Uncorrelated),
        ],
        declared: &[],
    },
];

fn build(case: &Case) -> Graph {
    let mut g = Graph::new();
    for (id, name, props) in case.persons {
        let mut node = Node::new(*id, NodeKind::Person);
        if !name.is_empty() {
            node = node.with_name(*name);
        }
        for (k, v) in *props {
            node = node.with_prop(*k, *v);
        }
        g.add_node(node).unwrap();
    }
    for (id, props, _) in case.accounts {
        let system = id.split(':').next().unwrap_or_default();
        let mut node = Node::new(*id, NodeKind::Account).with_system(system);
        for (k, v) in *props {
            node = node.with_prop(*k, *v);
        }
        g.add_node(node).unwrap();
    }
    for (account, person) in case.declared {
        g.add_edge(Edge::new(EdgeKind::Correlation, *account, *person));
    }
    g
}

fn correlation_edges<'g>(g: &'g Graph, account: &str) -> Vec<&'g Edge> {
    g.edges().iter().filter(|e| e.kind == EdgeKind::Correlation && e.src == account).collect()
}

#[test]
fn every_case_comes_out_as_expected() {
    for case in CASES {
        let mut g = build(case);
        let config = (case.config)();
        let report = correlate(&mut g, &config);
        let label = case.name;

        for (id, _, want) in case.accounts {
            let node = g.node(id).unwrap();
            let status = node.prop(CORRELATION).and_then(Value::as_str);
            let edges = correlation_edges(&g, id);
            let candidates = node.prop(CANDIDATES);
            match *want {
                Matched(person, rule) => {
                    assert_eq!(status, Some("matched"), "{label}: {id}");
                    assert_eq!(edges.len(), 1, "{label}: {id}");
                    assert_eq!(edges[0].dst, person, "{label}: {id}");
                    assert_eq!(edges[0].props[RULE], Value::from(rule), "{label}: {id}");
                    let confidence = config.rules.iter().find(|r| r.name() == rule).unwrap();
                    let want_confidence = Value::Int(i64::from(confidence.confidence()));
                    assert_eq!(edges[0].props[CONFIDENCE], want_confidence, "{label}: {id}");
                    assert_eq!(candidates, None, "{label}: {id}");
                }
                Disputed(rule, persons) => {
                    assert_eq!(status, Some("disputed"), "{label}: {id}");
                    assert!(edges.is_empty(), "{label}: {id}");
                    let want: Vec<String> = persons.iter().map(|p| p.to_string()).collect();
                    assert_eq!(candidates, Some(&Value::StrList(want.clone())), "{label}: {id}");
                    let dispute = report.disputed.iter().find(|d| d.account == *id).unwrap();
                    assert_eq!(
                        (dispute.rule.as_str(), &dispute.candidates),
                        (rule, &want),
                        "{label}"
                    );
                }
                Uncorrelated => {
                    assert_eq!(status, Some("uncorrelated"), "{label}: {id}");
                    assert!(edges.is_empty(), "{label}: {id}");
                    assert!(report.uncorrelated.iter().any(|a| a == id), "{label}: {id}");
                }
                Declared => {
                    assert_eq!(status, Some("declared"), "{label}: {id}");
                    let declared = case.declared.iter().filter(|(a, _)| a == id).count();
                    assert_eq!(edges.len(), declared, "{label}: {id}");
                    assert!(edges.iter().all(|e| e.props.is_empty()), "{label}: {id}");
                }
                NotApplicable => {
                    assert_eq!(status, Some("not-applicable"), "{label}: {id}");
                    assert!(edges.is_empty(), "{label}: {id}");
                }
            }
        }

        // The report adds up to the outcomes.
        let count =
            |f: fn(&Want) -> bool| case.accounts.iter().filter(|(_, _, w)| f(w)).count() as u64;
        assert_eq!(report.accounts, case.accounts.len() as u64, "{label}");
        assert_eq!(report.persons, case.persons.len() as u64, "{label}");
        assert_eq!(report.matched, count(|w| matches!(w, Matched(..))), "{label}");
        assert_eq!(report.declared, count(|w| matches!(w, Declared)), "{label}");
        assert_eq!(report.not_applicable, count(|w| matches!(w, NotApplicable)), "{label}");
        assert_eq!(report.disputed.len() as u64, count(|w| matches!(w, Disputed(..))), "{label}");
        assert_eq!(
            report.uncorrelated.len() as u64,
            count(|w| matches!(w, Uncorrelated)),
            "{label}"
        );
        let per_rule: u64 = report.rules.iter().map(|r| r.matched).sum();
        assert_eq!(per_rule, report.matched, "{label}");
        let per_system: u64 = report.systems.values().map(|s| s.accounts).sum();
        assert_eq!(per_system, report.accounts, "{label}");
    }
}

#[test]
fn a_second_run_keeps_the_first_runs_edges_as_declared() {
    let case = &CASES[6];
    let mut g = build(case);
    let first = correlate(&mut g, &CorrelationConfig::default());
    let edges = g.edge_count();
    let second = correlate(&mut g, &CorrelationConfig::default());
    assert_eq!(g.edge_count(), edges);
    assert_eq!(second.declared, first.matched);
    assert_eq!(second.matched, 0);
    assert_eq!(second.disputed, first.disputed);
}

#[test]
fn an_empty_graph_or_configuration_is_fine() {
    let mut g = Graph::new();
    let report = correlate(&mut g, &CorrelationConfig::default());
    assert_eq!(report.accounts, 0);

    let mut g = build(&CASES[1]);
    let report = correlate(&mut g, &CorrelationConfig { rules: Vec::new() });
    assert_eq!(report.uncorrelated.len(), CASES[1].accounts.len());
    assert!(report.rules.is_empty());
}

#[test]
fn the_report_serialises_with_per_rule_and_per_system_counts() {
    let mut g = build(&CASES[7]);
    let report = correlate(&mut g, &CorrelationConfig::default());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["systems"]["entra"]["matched"], 2);
    assert_eq!(json["systems"]["ad"]["matched"], 2);
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules[0]["rule"], "employee_id");
    assert_eq!(rules[0]["matched"], 2);
    assert_eq!(rules[1]["rule"], "on_premises_sid");
    assert_eq!(rules[1]["confidence"], 95);
}

#[test]
fn the_configuration_reads_from_json() {
    let json = r#"{"rules": [
        {"rule": "employee_id", "confidence": 100},
        {"rule": "email", "confidence": 80, "domain_aliases": {"corp.example.com": "example.com"}},
        {"rule": "username", "template": "{first:2}.{last}", "confidence": 50}
    ]}"#;
    let config: CorrelationConfig = serde_json::from_str(json).unwrap();
    assert_eq!(config.rules[2].name(), "username:{first:2}.{last}");
    assert_eq!(config.rules[1].confidence(), 80);
    let bad = r#"{"rules": [{"rule": "username", "template": "{nick}", "confidence": 50}]}"#;
    let err = serde_json::from_str::<CorrelationConfig>(bad).unwrap_err();
    assert!(err.to_string().contains("unknown placeholder {nick}"), "{err}");
}
