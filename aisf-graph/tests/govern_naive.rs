//! The rules against an obviously correct evaluator: one breadth-first
//! search per subject ([`Naive`]), plain loops over the in-memory graph,
//! no bitmaps, no closure sets. Random small organisations with nested
//! groups and cycles.

use std::collections::BTreeSet;

use aisf_core::finding::RuleId;
use aisf_core::policy::{Policy, Target};
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};
use aisf_graph::govern::{ScanOptions, scan};
use aisf_graph::naive::Naive;
use aisf_graph::{BuildOptions, Snapshot, build_bytes};
use proptest::prelude::*;

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;
const DEPTS: [&str; 2] = ["Finance", "Sales"];
const GROUPS: [&str; 5] = ["ad:Domain Admins", "ad:helpdesk", "ad:g2", "ad:g3", "ad:g4"];

const POLICY: &str = r#"
[thresholds]
stale_days = 90
stale_days_privileged = 45
leaver_grace_days = 7
max_admins = 1

[[role]]
name = "fin"
department = "Finance"
grants = ["e0", "e1*"]

[[role]]
name = "sales"
department = "Sales"
grants = ["e2"]

[[privileged]]
group = ["ad:helpdesk"]
tier = 1
reason = "helpdesk"

[[sod]]
name = "pair"
entitlements = ["e0", "e3"]

[[exception]]
person = "p0"
entitlement = "e4"
reason = "valid"
approved_by = "p1"
until = 2099-01-01

[[exception]]
person = "p1"
entitlement = "e5"
reason = "expired"
approved_by = "p0"
until = 2020-01-01
"#;

/// (persons, accounts, group edges, grants)
type Shape = (
    Vec<(usize, bool, i64)>,
    Vec<(Option<usize>, bool, bool, i64, u8, bool)>,
    Vec<(usize, usize)>,
    Vec<(usize, usize)>,
);

fn orgs() -> impl Strategy<Value = Graph> {
    let persons = prop::collection::vec((0usize..2, any::<bool>(), 0i64..30), 1..5);
    let accounts = prop::collection::vec(
        (
            prop::option::of(0usize..5),
            any::<bool>(),
            any::<bool>(),
            0i64..200,
            0u8..4,
            any::<bool>(),
        ),
        1..10,
    );
    let nesting = prop::collection::vec((0usize..5, 0usize..5), 0..8);
    let grants = prop::collection::vec((0usize..15, 0usize..7), 0..16);
    (persons, accounts, nesting, grants).prop_map(|s: Shape| build(s))
}

fn build((persons, accounts, nesting, grants): Shape) -> Graph {
    let mut g = Graph::new();
    for (i, &(dept, left, end)) in persons.iter().enumerate() {
        let mut n = Node::new(format!("p{i}"), NodeKind::Person)
            .with_prop("department", DEPTS[dept])
            .with_prop("status", if left { "terminated" } else { "active" })
            .with_prop("email", format!("p{i}@x.example"));
        if left {
            n = n.with_prop("end_date", Value::Time(NOW - end * DAY));
        }
        g.add_node(n).unwrap();
    }
    for (i, name) in GROUPS.iter().enumerate() {
        g.add_node(Node::new(*name, NodeKind::Group).with_system("ad")).unwrap();
        if i == 4 {
            g.add_edge(Edge::new(EdgeKind::MemberOf, *name, "ad:g2"));
        }
    }
    for e in 0..7 {
        let mut n = Node::new(format!("e{e}"), NodeKind::Entitlement).with_system("app");
        if e == 6 {
            n = n.with_prop("privileged", true).with_prop("tier", 2i64);
        }
        g.add_node(n).unwrap();
    }

    let n_persons = persons.len();
    for (i, &(person, enabled, mfa, login, kind, flag)) in accounts.iter().enumerate() {
        let id = format!("ad:a{i}");
        let kind_name = ["human", "human", "service", "shared"][usize::from(kind)];
        let mut n = Node::new(&id, NodeKind::Account)
            .with_system("ad")
            .with_prop("enabled", enabled)
            .with_prop("mfa", mfa)
            .with_prop("account_type", kind_name)
            .with_prop("last_login", Value::Time(NOW - login * DAY))
            .with_prop("has_spn", flag);
        if person.is_none() && login % 3 == 0 {
            n = n.with_prop("email", format!("p{}@X.example", login % 7));
        }
        g.add_node(n).unwrap();
        if let Some(p) = person.filter(|&p| p < n_persons) {
            g.add_edge(Edge::new(EdgeKind::Correlation, &id, format!("p{p}")));
        }
    }

    let n_accounts = accounts.len();
    for (a, b) in nesting {
        g.add_edge(Edge::new(EdgeKind::MemberOf, GROUPS[a], GROUPS[b]));
    }
    for (holder, e) in grants {
        // Holders 0..5 are groups, the rest accounts (membership or grant).
        let ent = format!("e{e}");
        if holder < 5 {
            g.add_edge(Edge::new(EdgeKind::Grant, GROUPS[holder], ent));
        } else if holder - 5 < n_accounts {
            let acc = format!("ad:a{}", holder - 5);
            if e < 5 {
                g.add_edge(Edge::new(EdgeKind::MemberOf, acc, GROUPS[e]));
            } else {
                g.add_edge(Edge::new(EdgeKind::Grant, acc, ent));
            }
        }
    }
    g
}

type Key = (RuleId, String, Option<String>);

/// The rules, one subject at a time, straight from their definitions.
fn oracle(g: &Graph, policy: &Policy) -> BTreeSet<Key> {
    let naive = Naive::new(g);
    let node = |id: &str| g.node(id).unwrap();
    let bool_of = |id: &str, k: &str| node(id).prop(k).and_then(Value::as_bool);
    let time_of = |id: &str, k: &str| node(id).prop(k).and_then(Value::as_i64);
    let str_of = |id: &str, k: &str| node(id).prop(k).and_then(Value::as_str).map(String::from);
    let tier_of_node = |n: &Node| {
        let by_rule = policy.tier_of(&Target::of(n));
        let by_mark = (n.prop("privileged").and_then(Value::as_bool) == Some(true))
            .then(|| n.prop("tier").and_then(Value::as_i64).map_or(1, |t| t as u8));
        by_rule.into_iter().chain(by_mark).min()
    };
    let tier = |acc: &str| naive.access(acc).iter().filter_map(|x| tier_of_node(node(x))).min();
    let person_of = |acc: &str| {
        g.edges()
            .iter()
            .find(|e| e.kind == EdgeKind::Correlation && e.src == acc)
            .map(|e| e.dst.clone())
    };
    let accounts: Vec<&Node> = g.nodes().iter().filter(|n| n.kind == NodeKind::Account).collect();
    let persons: Vec<&Node> = g.nodes().iter().filter(|n| n.kind == NodeKind::Person).collect();
    let birthright = |p: &str| -> BTreeSet<String> {
        let dept = str_of(p, "department");
        let role =
            policy.roles.iter().filter(|r| r.department[0].matches(dept.as_deref().unwrap()));
        let roles: Vec<_> = role.collect();
        g.nodes()
            .iter()
            .filter(|n| n.kind == NodeKind::Entitlement)
            .filter(|n| roles.iter().any(|r| r.grants_entitlement(&n.id, None)))
            .map(|n| n.id.clone())
            .collect()
    };

    let mut out = BTreeSet::new();
    let mut admins = BTreeSet::new();
    for a in &accounts {
        let id = a.id.as_str();
        let enabled = bool_of(id, "enabled") != Some(false);
        let t = tier(id);
        let person = person_of(id);
        let human = str_of(id, "account_type").as_deref() == Some("human");
        if enabled && t == Some(0) {
            admins.insert(person.clone().unwrap_or(id.to_string()));
        }

        // Staleness.
        let idle = NOW - time_of(id, "last_login").unwrap();
        let limit = if t.is_some() { 45 } else { 90 };
        if enabled && idle > limit * DAY {
            let rule = if t.is_some() { RuleId::StalePrivileged } else { RuleId::StaleAccount };
            out.insert((rule, id.to_string(), None));
        }
        // Privileged hygiene.
        if t.is_some() && enabled && bool_of(id, "mfa") != Some(true) {
            out.insert((RuleId::PrivilegedNoMfa, id.to_string(), None));
        }
        if t.is_some() && bool_of(id, "has_spn") == Some(true) {
            out.insert((RuleId::PrivilegedKerberoastable, id.to_string(), None));
        }
        // Direct grants.
        for e in g.edges().iter().filter(|e| e.kind == EdgeKind::Grant && e.src == id) {
            out.insert((RuleId::DirectGrant, id.to_string(), Some(e.dst.clone())));
        }
        // Owners: no Owns edges are generated.
        if !human {
            out.insert((RuleId::ServiceNoOwner, id.to_string(), None));
        }
        // Uncorrelated human accounts.
        if enabled && human && person.is_none() {
            let email = str_of(id, "email").map(|e| e.to_ascii_lowercase());
            let matches = persons
                .iter()
                .filter(|p| email.is_some() && str_of(&p.id, "email") == email)
                .count();
            let rule = match (email.is_some(), matches) {
                (false, _) => RuleId::OrphanAccount,
                (true, 0) => RuleId::NoHrRecord,
                (true, 1) => RuleId::UncorrelatedAccount,
                _ => RuleId::DisputedAccount,
            };
            out.insert((rule, id.to_string(), None));
        }
        let Some(p) = person else { continue };

        // Leavers.
        let left = str_of(&p, "status").as_deref() == Some("terminated");
        if enabled && left && time_of(&p, "end_date").unwrap() < NOW - 7 * DAY {
            out.insert((RuleId::LeaverActive, id.to_string(), None));
        }
        // Excess access: e4 is excepted for p0 (valid), e5 for p1 (expired).
        let br = birthright(&p);
        for e in naive.entitlements(id) {
            let excepted = (p == "p0" && e == "e4") || (p == "p1" && e == "e5");
            if !br.contains(&e) && !excepted {
                out.insert((RuleId::ExcessAccess, id.to_string(), Some(e)));
            }
        }
    }
    for p in &persons {
        let held = naive.entitlements(&p.id);
        if held.contains("e0") && held.contains("e3") {
            out.insert((RuleId::SodViolation, p.id.clone(), None));
        }
        if p.id == "p1" && held.contains("e5") {
            out.insert((RuleId::ExpiredException, p.id.clone(), Some("e5".into())));
        }
    }
    if admins.len() > 1 {
        out.insert((RuleId::TooManyAdmins, "org".into(), None));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn scan_agrees_with_the_oracle(g in orgs()) {
        let policy = Policy::from_toml_str(POLICY, "naive.toml").unwrap();
        let (bytes, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
        let snap = Snapshot::from_bytes(&bytes).unwrap();
        let report = scan(&snap, &policy, &ScanOptions { now: Some(NOW), ..Default::default() });
        let got: BTreeSet<Key> = report
            .findings
            .iter()
            .map(|f| (f.rule, f.subject().to_string(), f.entitlement.clone()))
            .collect();
        prop_assert_eq!(got.len(), report.findings.len(), "duplicate findings");
        // Justification paths are shortest paths that really exist.
        let naive = Naive::new(&g);
        for f in report.findings.iter().filter(|f| !f.path.is_empty()) {
            let (first, last) = (&f.path[0].node, &f.path[f.path.len() - 1].node);
            prop_assert_eq!(first.as_str(), f.subject());
            prop_assert_eq!(naive.shortest_path_nodes(first, last), Some(f.path.len()));
            for w in f.path.windows(2) {
                let kind = EdgeKind::parse(w[1].edge.as_deref().unwrap());
                let (a, b) = (&w[0].node, &w[1].node);
                let exists = if kind == EdgeKind::Correlation {
                    g.edges().iter().any(|e| e.kind == kind && &e.src == b && &e.dst == a)
                } else {
                    g.edges().iter().any(|e| e.kind == kind && &e.src == a && &e.dst == b)
                };
                prop_assert!(exists, "{:?}", f.path);
            }
        }
        let want = oracle(&g, &policy);
        let missed: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        prop_assert!(
            missed.is_empty() && extra.is_empty(),
            "missed {:?}\nextra {:?}",
            missed,
            extra
        );
    }
}
