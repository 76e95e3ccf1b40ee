//! The orderings the risk score promises, under the default weights, and
//! that the policy's `[risk]` weights change them.

use aisf_core::finding::{Finding, RuleId};
use aisf_core::policy::Policy;
use aisf_core::synth::{OrgConfig, generate};
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};
use aisf_graph::govern::{Scan, ScanOptions, scan};
use aisf_graph::{BuildOptions, Snapshot, build_bytes};

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

struct Org {
    g: Graph,
}

impl Org {
    /// Groups: a tier-0 group, a tier-1 group, a group granting many
    /// entitlements.
    fn new() -> Org {
        let mut g = Graph::new();
        g.add_node(Node::new("ad:Domain Admins", NodeKind::Group).with_system("ad")).unwrap();
        g.add_node(Node::new("ad:helpdesk", NodeKind::Group).with_system("ad")).unwrap();
        g.add_node(Node::new("ad:wide", NodeKind::Group).with_system("ad")).unwrap();
        for i in 0..300 {
            let e = format!("app:ent-{i}");
            g.add_node(Node::new(&e, NodeKind::Entitlement).with_system("app")).unwrap();
            g.add_edge(Edge::new(EdgeKind::Grant, "ad:wide", e));
        }
        Org { g }
    }

    /// A person with one AD account.
    fn someone(&mut self, name: &str, kind: &str, login_days: i64, mfa: bool, groups: &[&str]) {
        let (p, a) = (format!("p:{name}"), format!("ad:{name}"));
        let person = Node::new(&p, NodeKind::Person)
            .with_prop("department", "IT")
            .with_prop("status", "active")
            .with_prop("employment_type", kind)
            .with_prop("start_date", Value::Time(NOW - 900 * DAY));
        self.g.add_node(person).unwrap();
        let account = Node::new(&a, NodeKind::Account)
            .with_system("ad")
            .with_prop("enabled", true)
            .with_prop("mfa", mfa)
            .with_prop("account_type", "human")
            .with_prop("last_login", Value::Time(NOW - login_days * DAY));
        self.g.add_node(account).unwrap();
        self.g.add_edge(Edge::new(EdgeKind::Correlation, &a, &p));
        for g in groups {
            self.g.add_edge(Edge::new(EdgeKind::MemberOf, &a, *g));
        }
    }

    fn leave(&mut self, name: &str, days_ago: i64) {
        let p = self.g.node_mut(&format!("p:{name}")).unwrap();
        p.props.insert("status".into(), "terminated".into());
        p.props.insert("end_date".into(), Value::Time(NOW - days_ago * DAY));
    }

    fn scan(&self, policy: &str) -> Scan {
        let (bytes, _) = build_bytes(&self.g, &BuildOptions::default()).unwrap();
        let snap = Snapshot::from_bytes(&bytes).unwrap();
        let base = "[[privileged]]\ngroup = [\"ad:helpdesk\"]\ntier = 1\nreason = \"helpdesk\"\n";
        let policy = Policy::from_toml_str(&format!("{base}{policy}"), "risk.toml").unwrap();
        // Every entitlement is in everyone's birthright: only the rules under
        // test fire.
        let mut policy = policy;
        policy.roles.push(aisf_core::policy::Role {
            name: "all".into(),
            description: None,
            department: Vec::new(),
            title: Vec::new(),
            job_code: Vec::new(),
            employment_type: Vec::new(),
            grants: vec![aisf_core::policy::Pattern::parse("*").unwrap()],
            groups: Vec::new(),
            line: 0,
        });
        scan(&snap, &policy, &ScanOptions { now: Some(NOW), ..ScanOptions::default() })
    }
}

fn get<'a>(report: &'a Scan, rule: RuleId, subject: &str) -> &'a Finding {
    report
        .of_rule(rule)
        .find(|f| f.subject() == subject)
        .unwrap_or_else(|| panic!("no {rule} for {subject}: {:#?}", report.findings))
}

fn position(report: &Scan, f: &Finding) -> usize {
    report.findings.iter().position(|x| x == f).unwrap()
}

/// Stale standard accounts made as bad as they can be: external, no MFA,
/// unused for years, holding many entitlements.
fn worst_stale_standard(o: &mut Org) {
    o.someone("std", "employee", 95, true, &[]);
    o.someone("std-worst", "contractor", 2_000, false, &["ad:wide"]);
}

#[test]
fn a_stale_admin_ranks_above_any_stale_standard_account() {
    let mut o = Org::new();
    worst_stale_standard(&mut o);
    // The mildest stale admin: tier 1, MFA on, just over the limit.
    o.someone("adm", "employee", 46, true, &["ad:helpdesk"]);
    let report = o.scan("");

    let admin = get(&report, RuleId::StalePrivileged, "ad:adm");
    for f in report.of_rule(RuleId::StaleAccount) {
        assert!(admin.factors.raw > f.factors.raw, "{admin:#?}\n{f:#?}");
        assert!(admin.risk > f.risk);
        assert!(position(&report, admin) < position(&report, f));
    }
    assert_eq!(report.of_rule(RuleId::StaleAccount).count(), 2);
}

#[test]
fn a_leaver_with_tier_0_access_ranks_above_every_stale_account() {
    let mut o = Org::new();
    worst_stale_standard(&mut o);
    // The worst stale admins: tier 0, no MFA, external, years unused.
    o.someone("adm0", "contractor", 2_000, false, &["ad:Domain Admins", "ad:wide"]);
    o.someone("adm1", "contractor", 2_000, false, &["ad:helpdesk", "ad:wide"]);
    // The mildest tier-0 leaver: MFA on, just past the grace period, used
    // yesterday.
    o.someone("gone", "employee", 1, true, &["ad:Domain Admins"]);
    o.leave("gone", 8);
    let report = o.scan("[rules]\n\"privileged-no-mfa\" = false\n");

    let leaver = get(&report, RuleId::LeaverActive, "ad:gone");
    assert_eq!(leaver.factors.tier, Some(0));
    let stale: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.rule, RuleId::StaleAccount | RuleId::StalePrivileged))
        .collect();
    assert_eq!(stale.len(), 4);
    for f in stale {
        assert!(leaver.factors.raw > f.factors.raw, "{leaver:#?}\n{f:#?}");
        assert!(position(&report, leaver) < position(&report, f));
    }
    assert_eq!(position(&report, leaver), 0);
}

#[test]
fn the_risk_weights_of_the_policy_change_the_order() {
    let mut o = Org::new();
    o.someone("std", "employee", 95, true, &[]);
    o.someone("adm", "employee", 46, true, &["ad:helpdesk"]);
    let weights = "[risk]\nseverity = { low = 10, high = 1 }\ntier = { 1 = 1.0 }\n";
    let report = o.scan(weights);
    let admin = get(&report, RuleId::StalePrivileged, "ad:adm");
    let user = get(&report, RuleId::StaleAccount, "ad:std");
    assert!(user.factors.raw > admin.factors.raw);
    assert_eq!(report.findings[0].subject(), "ad:std");
}

#[test]
fn generated_orgs_rank_stale_admins_above_stale_accounts() {
    let org = generate(&OrgConfig { seed: 3, ..OrgConfig::new(2_000) });
    let (bytes, _) = build_bytes(&org.graph, &BuildOptions::default()).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    let report = scan(&snap, &org.scan_policy(), &ScanOptions::default());
    let lowest_admin = report.of_rule(RuleId::StalePrivileged).map(|f| f.factors.raw);
    let highest_user = report.of_rule(RuleId::StaleAccount).map(|f| f.factors.raw);
    let lowest_admin = lowest_admin.fold(f64::INFINITY, f64::min);
    let highest_user = highest_user.fold(0.0, f64::max);
    assert!(lowest_admin.is_finite() && highest_user > 0.0);
    assert!(lowest_admin > highest_user, "{lowest_admin} <= {highest_user}");
    assert!(report.findings.iter().all(|f| f.risk <= 100));
}
