use aisf_core::finding::{Action, RuleId};
use aisf_core::policy::Policy;
use aisf_core::synth::{OrgConfig, generate};
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};

use super::export::{Format, ps_quote, render, sh_quote, url_segment};
use super::*;
use crate::govern::{ScanOptions, scan};
use crate::{BuildOptions, Snapshot, build_bytes};

fn snapshot(g: &Graph) -> Snapshot {
    let (bytes, _) = build_bytes(g, &BuildOptions::default()).unwrap();
    Snapshot::from_bytes(&bytes).unwrap()
}

fn policy(text: &str) -> Policy {
    Policy::from_toml_str(text, "test.toml").unwrap()
}

const FINANCE: &str = r#"
[thresholds]
now = 2025-03-01T09:00:00Z
stale_days = 90

[[role]]
name = "Finance"
department = "Finance"
grants = ["ad:ent:pay"]
"#;

fn person(id: &str, dept: &str) -> Node {
    Node::new(id, NodeKind::Person).with_prop("department", dept).with_prop("status", "active")
}

fn account(id: &str, login: &str) -> Node {
    Node::new(id, NodeKind::Account)
        .with_system("ad")
        .with_prop("enabled", true)
        .with_prop("samaccountname", login)
}

/// Ann (Finance) gets her birthright `pay` and an excess `vendor-admin`
/// through one group: cutting the membership closes the excess finding
/// and takes her birthright too. Bob's excess arrives through a group of
/// its own: cutting it costs nothing expected.
fn finance_org() -> Graph {
    let mut g = Graph::new();
    for n in [
        person("p:ann", "Finance"),
        person("p:bob", "Finance"),
        account("ad:ann", "ann"),
        account("ad:bob", "bob"),
        Node::new("ad:group:fin", NodeKind::Group).with_system("ad").with_name("Finance"),
        Node::new("ad:group:extra", NodeKind::Group).with_system("ad").with_name("Extra"),
        Node::new("ad:ent:pay", NodeKind::Entitlement).with_system("ad"),
        Node::new("ad:ent:vendor-admin", NodeKind::Entitlement).with_system("ad"),
    ] {
        g.add_node(n).unwrap();
    }
    for (k, a, b) in [
        (EdgeKind::Correlation, "ad:ann", "p:ann"),
        (EdgeKind::Correlation, "ad:bob", "p:bob"),
        (EdgeKind::MemberOf, "ad:ann", "ad:group:fin"),
        (EdgeKind::MemberOf, "ad:bob", "ad:group:fin"),
        (EdgeKind::MemberOf, "ad:bob", "ad:group:extra"),
        (EdgeKind::Grant, "ad:group:fin", "ad:ent:pay"),
        (EdgeKind::Grant, "ad:group:fin", "ad:ent:vendor-admin"),
        (EdgeKind::Grant, "ad:group:extra", "ad:ent:vendor-admin"),
    ] {
        g.add_edge(Edge::new(k, a, b));
    }
    g
}

#[test]
fn a_removal_that_cuts_birthright_is_reported() {
    let mut g = finance_org();
    // Ann alone: Bob holds nothing here.
    g.edges_mut().retain(|e| e.src != "ad:bob");
    let snap = snapshot(&g);
    let pol = policy(FINANCE);
    let result = scan(&snap, &pol, &ScanOptions::default());
    let excess: Vec<_> = result.of_rule(RuleId::ExcessAccess).collect();
    assert_eq!(excess.len(), 1, "{:#?}", result.findings);

    let p = plan(&snap, &result, &PlanOptions::default());
    let cut_ann =
        Action::RemoveMembership { member: "ad:ann".into(), group: "ad:group:fin".into() };
    let step = p.steps.iter().find(|s| s.action == cut_ann).expect("a step cuts Ann's membership");
    assert_eq!(step.kind, StepKind::Change);
    assert_eq!(step.system_type, Some(SystemType::ActiveDirectory));

    let report = check(&snap, &pol, &result, &p).unwrap();
    assert!(report.not_closed.is_empty(), "{report:#?}");
    assert_eq!(
        report.expected_lost,
        vec![LostAccess {
            person: "p:ann".into(),
            entitlement: "ad:ent:pay".into(),
            steps: vec![step.number],
        }],
        "{report:#?}"
    );
    assert!(!report.ok());
}

#[test]
fn a_finding_with_two_paths_is_reported_not_closed() {
    // Bob reaches vendor-admin through fin and through extra; the plan
    // cuts the first membership on one shortest path only.
    let snap = snapshot(&finance_org());
    let pol = policy(FINANCE);
    let result = scan(&snap, &pol, &ScanOptions::default());
    let p = plan(&snap, &result, &PlanOptions::default());
    let report = check(&snap, &pol, &result, &p).unwrap();
    let bob: Vec<_> =
        report.not_closed.iter().filter(|(_, f)| f.account.as_deref() == Some("ad:bob")).collect();
    assert_eq!(bob.len(), 1, "{report:#?}");
    assert_eq!(bob[0].1.rule, RuleId::ExcessAccess);
    assert_eq!(report.claimed, report.closed + report.not_closed.len());
}

#[test]
fn findings_closed_by_one_action_become_one_step() {
    // A leaver's account that is also stale: both findings are closed by
    // disabling it.
    let mut g = Graph::new();
    g.add_node(
        Node::new("p:cy", NodeKind::Person)
            .with_prop("status", "terminated")
            .with_prop("end_date", aisf_core::Value::Time(1_700_000_000)),
    )
    .unwrap();
    g.add_node(
        account("ad:cy", "cy").with_prop("last_login", aisf_core::Value::Time(1_600_000_000)),
    )
    .unwrap();
    g.add_node(Node::new("ad:ent:x", NodeKind::Entitlement).with_system("ad")).unwrap();
    g.add_edge(Edge::new(EdgeKind::Correlation, "ad:cy", "p:cy"));
    g.add_edge(Edge::new(EdgeKind::Grant, "ad:cy", "ad:ent:x"));
    let snap = snapshot(&g);
    let pol = policy("[thresholds]\nnow = 2025-03-01T09:00:00Z\n");
    let result = scan(&snap, &pol, &ScanOptions::default());
    let disable = Action::DisableAccount { account: "ad:cy".into() };
    let n = result.findings.iter().filter(|f| f.action == disable).count();
    assert!(n >= 2, "{:#?}", result.findings);
    let p = plan(&snap, &result, &PlanOptions::default());
    let steps: Vec<_> = p.steps.iter().filter(|s| s.action == disable).collect();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].closes.len(), n);
    let total: usize = p.steps.iter().map(|s| s.closes.len()).sum();
    assert_eq!(total, result.findings.len());
    assert!(steps[0].closes.windows(2).all(|w| w[0].risk >= w[1].risk));
}

#[test]
fn the_demo_plan_is_ordered_and_closes_what_it_claims() {
    let org = generate(&OrgConfig::demo());
    let snap = snapshot(&org.graph);
    let pol = org.scan_policy();
    let result = scan(&snap, &pol, &ScanOptions::default());
    let p = plan(&snap, &result, &PlanOptions::default());
    assert!(p.steps.windows(2).all(|w| w[0].raw >= w[1].raw));
    assert!(p.steps.iter().enumerate().all(|(i, s)| s.number == i + 1));
    assert_eq!(p.steps.iter().map(|s| s.closes.len()).sum::<usize>(), result.findings.len());
    // Every step's risk is its best finding's.
    for s in &p.steps {
        assert_eq!(s.risk, s.closes.iter().map(|f| f.risk).max().unwrap());
    }

    let report = check(&snap, &pol, &result, &p).unwrap();
    assert!(report.applied > 0);
    assert_eq!(report.claimed, report.closed, "{report:#?}");
    assert!(report.expected_lost.is_empty(), "{report:#?}");
    assert!(report.new_findings.is_empty(), "{report:#?}");
    assert!(report.ok());

    // Every format renders, with the notice, and the script formats
    // between them hold every change step.
    let mut seen = 0;
    for f in Format::ALL {
        let text = render(&p, f);
        assert!(text.contains("AISF never changes a system itself"), "{f:?}");
        if f != Format::Json {
            seen += p
                .of_kind(StepKind::Change)
                .filter(|s| s.system_type == f.system_type())
                .filter(|s| text.contains(&format!("Step {} ", s.number)) || f == Format::Scim)
                .count();
        }
    }
    assert_eq!(seen, p.of_kind(StepKind::Change).count());
    let json: serde_json::Value = serde_json::from_str(&render(&p, Format::Json)).unwrap();
    assert_eq!(json["steps"].as_array().unwrap().len(), p.steps.len());
    let scim: serde_json::Value = serde_json::from_str(&render(&p, Format::Scim)).unwrap();
    assert!(scim["requests"].is_array());
}

#[test]
fn quoting_helpers_escape_for_their_targets() {
    assert_eq!(ps_quote("O'Brien $x `y`"), "'O''Brien $x `y`'");
    assert_eq!(ps_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
    assert_eq!(sh_quote("O'Brien $(rm)"), r"'O'\''Brien $(rm)'");
    assert_eq!(url_segment("Zoë O'B/x y@ex"), "Zo%C3%AB%20O%27B%2Fx%20y@ex");
}

/// A name with quotes, `$` and non-ASCII, in every system type.
const NASTY: &str = "Zoë \"O'Brien\" $HOME ‘x’";

fn nasty_plan() -> Plan {
    let mut g = Graph::new();
    g.add_node(Node::new("p:z", NodeKind::Person).with_prop("status", "active")).unwrap();
    for sys in ["ad", "aws", "entra", "github"] {
        let acc = format!("{sys}:z");
        let grp = format!("{sys}:group:g");
        let ent = format!("{sys}:ent:e");
        g.add_node(account(&acc, NASTY).with_system(sys)).unwrap();
        g.add_node(Node::new(&grp, NodeKind::Group).with_system(sys).with_name(NASTY)).unwrap();
        g.add_node(Node::new(&ent, NodeKind::Entitlement).with_system(sys).with_name(NASTY))
            .unwrap();
        g.add_edge(Edge::new(EdgeKind::Correlation, &acc, "p:z"));
        g.add_edge(Edge::new(EdgeKind::MemberOf, &acc, &grp));
        g.add_edge(Edge::new(EdgeKind::Grant, &grp, &ent));
    }
    let snap = snapshot(&g);
    let findings = ["ad", "aws", "entra", "github"]
        .iter()
        .flat_map(|sys| {
            let acc = format!("{sys}:z");
            [
                Action::DisableAccount { account: acc.clone() },
                Action::RemoveMembership { member: acc.clone(), group: format!("{sys}:group:g") },
            ]
        })
        .enumerate()
        .map(|(i, action)| aisf_core::finding::Finding {
            rule: RuleId::ExcessAccess,
            severity: aisf_core::policy::Severity::Medium,
            risk: 10,
            factors: aisf_core::finding::RiskFactors { raw: i as f64, ..Default::default() },
            person: Some("p:z".into()),
            account: super::action_nodes(&action).0.map(String::from),
            entitlement: None,
            system: None,
            path: Vec::new(),
            clause: format!("c{i}"),
            first_seen: None,
            explanation: NASTY.into(),
            action,
        })
        .collect();
    let result = Scan { findings, now: 0, rules: vec![RuleId::ExcessAccess], silenced: 0 };
    plan(&snap, &result, &PlanOptions::default())
}

#[test]
fn powershell_quotes_names_and_starts_with_a_bom() {
    let ps = render(&nasty_plan(), Format::PowerShell);
    assert!(ps.starts_with('\u{FEFF}'));
    let q = "'Zoë \"O''Brien\" $HOME ‘‘x’’'";
    assert!(ps.contains(&format!("Disable-ADAccount -Identity {q}\n")), "{ps}");
    assert!(ps.contains(&format!("Remove-ADGroupMember -Identity {q} -Members {q}")), "{ps}");
    assert!(ps.contains("$WhatIfPreference = $true"));
    // No other system's commands leak in.
    assert!(!ps.contains("aws iam") && !ps.contains("PATCH"));
}

#[test]
fn aws_quotes_names_for_the_shell() {
    let sh = render(&nasty_plan(), Format::Aws);
    let q = r#"'Zoë "O'\''Brien" $HOME ‘x’'"#;
    assert!(
        sh.contains(&format!(
            "run aws iam remove-user-from-group --user-name {q} --group-name {q}"
        )),
        "{sh}"
    );
    assert!(sh.contains(&format!("run aws iam delete-login-profile --user-name {q}")), "{sh}");
    assert!(sh.contains("--status Inactive"));
    assert!(sh.starts_with("#!/usr/bin/env bash\n"));
}

#[test]
fn graph_encodes_urls_and_bodies() {
    let http = render(&nasty_plan(), Format::Graph);
    let seg = url_segment(NASTY);
    assert!(!seg.contains(['"', '\'', ' ', '$']), "{seg}");
    assert!(
        http.contains(&format!("PATCH https://graph.microsoft.com/v1.0/users/{seg}\n")),
        "{http}"
    );
    assert!(http.contains("{\"accountEnabled\":false}"));
    assert!(
        http.contains(&format!(
            "DELETE https://graph.microsoft.com/v1.0/groups/{seg}/members/{seg}/$ref"
        )),
        "{http}"
    );
    assert!(http.contains("no object id for group"));
}

#[test]
fn scim_filters_are_json_strings_inside_json() {
    let text = render(&nasty_plan(), Format::Scim);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reqs = doc["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 2, "{text}");
    let remove = reqs.iter().find(|r| r["path"].as_str().unwrap().starts_with("/Groups/")).unwrap();
    let path = remove["body"]["Operations"][0]["path"].as_str().unwrap();
    assert_eq!(path, r#"members[value eq "Zoë \"O'Brien\" $HOME ‘x’"]"#);
    assert_eq!(remove["method"], "PATCH");
    let disable = reqs.iter().find(|r| r["path"].as_str().unwrap().starts_with("/Users/")).unwrap();
    assert_eq!(disable["body"]["Operations"][0]["value"], false);
    assert_eq!(disable["body"]["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:PatchOp");
}

#[test]
fn review_items_are_comments_and_names_cannot_break_out_of_them() {
    let mut g = Graph::new();
    g.add_node(account("ad:svc", "svc\nRemove-ADUser -Identity x")).unwrap();
    let snap = snapshot(&g);
    let action = Action::AssignOwner { account: "ad:svc".into() };
    let f = aisf_core::finding::Finding {
        rule: RuleId::ServiceNoOwner,
        severity: aisf_core::policy::Severity::Medium,
        risk: 5,
        factors: Default::default(),
        person: None,
        account: Some("ad:svc".into()),
        entitlement: None,
        system: Some("ad".into()),
        path: Vec::new(),
        clause: "owners".into(),
        first_seen: None,
        explanation: String::new(),
        action,
    };
    let result = Scan { findings: vec![f], now: 0, rules: vec![], silenced: 0 };
    let p = plan(&snap, &result, &PlanOptions::default());
    assert_eq!(p.steps[0].kind, StepKind::Review);
    let ps = render(&p, Format::PowerShell);
    for line in ps.lines().skip_while(|l| !l.contains("Step 1")) {
        assert!(line.is_empty() || line.starts_with('#'), "{line:?} in\n{ps}");
    }
    assert!(ps.contains("REVIEW ITEM"));
}
