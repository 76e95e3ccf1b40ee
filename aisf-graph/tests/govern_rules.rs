//! A corpus of tiny hand-built organisations, one or more per rule and per
//! policy option: each case names the findings its rule must make (and so
//! every other subject must make none).

use aisf_core::finding::{Action, Finding, RuleId, Severity};
use aisf_core::policy::Policy;
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value};
use aisf_graph::govern::{Scan, ScanOptions, scan};
use aisf_graph::{BuildOptions, Snapshot, build_bytes};

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn ago(days: i64) -> Value {
    Value::Time(NOW - days * DAY)
}

fn ahead(days: i64) -> Value {
    Value::Time(NOW + days * DAY)
}

/// A small organisation to vary: two Finance people with the birthright
/// `erp:read` through `ad:finance`, one Sales person, admin groups.
struct Org {
    g: Graph,
}

impl Org {
    fn new() -> Org {
        let mut o = Org { g: Graph::new() };
        o.node(Node::new("ad:finance", NodeKind::Group).with_system("ad"));
        o.node(Node::new("ad:sales", NodeKind::Group).with_system("ad"));
        o.node(Node::new("ad:it-admins", NodeKind::Group).with_system("ad"));
        o.node(Node::new("ad:Domain Admins", NodeKind::Group).with_system("ad"));
        o.node(Node::new("ad:everyone", NodeKind::Group).with_system("ad"));
        for e in ["erp:read", "erp:pay", "erp:vendor", "erp:audit", "crm:read", "ad:reset"] {
            o.node(Node::new(e, NodeKind::Entitlement).with_system(e.split(':').next().unwrap()));
        }
        o.grant("ad:finance", "erp:read");
        o.grant("ad:sales", "crm:read");
        o.grant("ad:it-admins", "ad:reset");
        o.person("p:ann", "Finance", "Accountant");
        o.account("ad:ann", "p:ann", &[]);
        o.member("ad:ann", "ad:finance");
        o.person("p:bob", "Finance", "Accountant");
        o.account("ad:bob", "p:bob", &[]);
        o.member("ad:bob", "ad:finance");
        o.person("p:cyd", "Sales", "Rep");
        o.account("ad:cyd", "p:cyd", &[]);
        o.member("ad:cyd", "ad:sales");
        o
    }

    fn node(&mut self, n: Node) {
        self.g.add_node(n).unwrap();
    }

    fn person(&mut self, id: &str, dept: &str, title: &str) {
        let n = Node::new(id, NodeKind::Person)
            .with_prop("department", dept)
            .with_prop("title", title)
            .with_prop("status", "active")
            .with_prop("employment_type", "employee")
            .with_prop("email", format!("{}@corp.example", &id[2..]))
            .with_prop("start_date", ago(400));
        self.node(n);
    }

    /// An enabled human account with MFA, used yesterday, correlated to
    /// `person` unless it is empty.
    fn account(&mut self, id: &str, person: &str, props: &[(&str, Value)]) {
        let mut n = Node::new(id, NodeKind::Account)
            .with_system(id.split(':').next().unwrap())
            .with_prop("enabled", true)
            .with_prop("mfa", true)
            .with_prop("account_type", "human")
            .with_prop("created", ago(300))
            .with_prop("last_login", ago(1));
        for (k, v) in props {
            n = n.with_prop(*k, v.clone());
        }
        self.node(n);
        if !person.is_empty() {
            self.edge(EdgeKind::Correlation, id, person);
        }
    }

    fn set(&mut self, id: &str, key: &str, v: impl Into<Value>) {
        self.g.node_mut(id).unwrap().props.insert(key.into(), v.into());
    }

    fn unset(&mut self, id: &str, key: &str) {
        self.g.node_mut(id).unwrap().props.remove(key);
    }

    fn edge(&mut self, kind: EdgeKind, a: &str, b: &str) {
        self.g.add_edge(Edge::new(kind, a, b));
    }

    fn member(&mut self, a: &str, group: &str) {
        self.edge(EdgeKind::MemberOf, a, group);
    }

    fn grant(&mut self, a: &str, ent: &str) {
        self.edge(EdgeKind::Grant, a, ent);
    }
}

/// The policy every case starts from; a case appends its own TOML.
const BASE: &str = r#"
[[role]]
name = "Finance"
department = "Finance"
grants = ["erp:read"]

[[role]]
name = "Sales"
department = "Sales"
grants = ["crm:*"]

[[privileged]]
name = "it-admins"
group = ["ad:it-admins"]
tier = 1
reason = "helpdesk"
"#;

fn run(org: &Org, extra: &str) -> Scan {
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(&org.g, &opts).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    let policy = Policy::from_toml_str(&format!("{BASE}\n{extra}"), "case.toml").unwrap();
    scan(&snap, &policy, &ScanOptions { now: Some(NOW), ..ScanOptions::default() })
}

/// One case: an organisation, extra policy, the rule and what it must find
/// as (subject, entitlement).
struct Case {
    name: &'static str,
    build: fn(&mut Org),
    policy: &'static str,
    rule: RuleId,
    must: &'static [(&'static str, Option<&'static str>)],
}

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for c in cases {
        let mut org = Org::new();
        (c.build)(&mut org);
        let report = run(&org, c.policy);
        let mut got: Vec<(String, Option<String>)> = report
            .of_rule(c.rule)
            .map(|f| (f.subject().to_string(), f.entitlement.clone()))
            .collect();
        got.sort();
        let mut want: Vec<(String, Option<String>)> =
            c.must.iter().map(|(s, e)| (s.to_string(), e.map(String::from))).collect();
        want.sort();
        if got != want {
            failures.push(format!("{} ({}): want {want:?}, got {got:?}", c.name, c.rule));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn find(report: &Scan, rule: RuleId, subject: &str) -> Finding {
    report
        .of_rule(rule)
        .find(|f| f.subject() == subject)
        .cloned()
        .unwrap_or_else(|| panic!("no {rule} for {subject}: {:#?}", report.findings))
}

#[test]
fn the_base_organisation_is_clean() {
    let report = run(&Org::new(), "");
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn uncorrelated_accounts() {
    check(&[
        Case {
            name: "nothing to match on",
            build: |o| o.account("ad:x", "", &[]),
            policy: "",
            rule: RuleId::OrphanAccount,
            must: &[("ad:x", None)],
        },
        Case {
            name: "disabled orphans are fine",
            build: |o| o.account("ad:x", "", &[("enabled", false.into())]),
            policy: "",
            rule: RuleId::OrphanAccount,
            must: &[],
        },
        Case {
            name: "service accounts are not orphans",
            build: |o| o.account("ad:svc", "", &[("account_type", "service".into())]),
            policy: "",
            rule: RuleId::OrphanAccount,
            must: &[],
        },
        Case {
            name: "an account without a type counts as human",
            build: |o| {
                o.account("ad:x", "", &[]);
                o.unset("ad:x", "account_type");
            },
            policy: "",
            rule: RuleId::OrphanAccount,
            must: &[("ad:x", None)],
        },
        Case {
            name: "an unknown email is no HR record, not an orphan",
            build: |o| o.account("ad:x", "", &[("email", "ghost@corp.example".into())]),
            policy: "",
            rule: RuleId::NoHrRecord,
            must: &[("ad:x", None)],
        },
        Case {
            name: "an unknown employee id is no HR record",
            build: |o| o.account("ad:x", "", &[("employee_id", "E999".into())]),
            policy: "",
            rule: RuleId::NoHrRecord,
            must: &[("ad:x", None)],
        },
        Case {
            name: "an email two persons share is disputed",
            build: |o| {
                o.set("p:bob", "email", " ANN@corp.example");
                o.account("ad:x", "", &[("email", "ann@CORP.example ".into())]);
            },
            policy: "",
            rule: RuleId::DisputedAccount,
            must: &[("ad:x", None)],
        },
        Case {
            name: "one match after normalising is a correlation gap",
            build: |o| o.account("ad:x", "", &[("email", " Ann@Corp.Example".into())]),
            policy: "",
            rule: RuleId::UncorrelatedAccount,
            must: &[("ad:x", None)],
        },
        Case {
            name: "a correlation gap is not a missing HR record",
            build: |o| o.account("ad:x", "", &[("email", "ann@corp.example".into())]),
            policy: "",
            rule: RuleId::NoHrRecord,
            must: &[],
        },
    ]);
}

#[test]
fn owners() {
    check(&[
        Case {
            name: "service account without owner",
            build: |o| o.account("ad:svc", "", &[("account_type", "service".into())]),
            policy: "",
            rule: RuleId::ServiceNoOwner,
            must: &[("ad:svc", None)],
        },
        Case {
            name: "shared account without owner, disabled or not",
            build: |o| {
                o.account("ad:desk", "", &[("account_type", "shared".into())]);
                o.set("ad:desk", "enabled", false);
            },
            policy: "",
            rule: RuleId::ServiceNoOwner,
            must: &[("ad:desk", None)],
        },
        Case {
            name: "an Owns edge is an owner",
            build: |o| {
                o.account("ad:svc", "", &[("account_type", "service".into())]);
                o.edge(EdgeKind::Owns, "p:ann", "ad:svc");
            },
            policy: "",
            rule: RuleId::ServiceNoOwner,
            must: &[],
        },
        Case {
            name: "an owner assigned in the policy",
            build: |o| o.account("ad:svc", "", &[("account_type", "service".into())]),
            policy: "[owners]\nassign = [{ object = \"ad:svc*\", owner = \"p:ann\" }]\n",
            rule: RuleId::ServiceNoOwner,
            must: &[],
        },
        Case {
            name: "require_owner_for limits the types",
            build: |o| {
                o.account("ad:svc", "", &[("account_type", "service".into())]);
                o.account("ad:desk", "", &[("account_type", "shared".into())]);
            },
            policy: "[owners]\nrequire_owner_for = [\"shared\"]\n",
            rule: RuleId::ServiceNoOwner,
            must: &[("ad:desk", None)],
        },
    ]);
}

#[test]
fn staleness() {
    check(&[
        Case {
            name: "91 days is stale",
            build: |o| o.set("ad:ann", "last_login", ago(91)),
            policy: "",
            rule: RuleId::StaleAccount,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "89 days is not",
            build: |o| o.set("ad:ann", "last_login", ago(89)),
            policy: "",
            rule: RuleId::StaleAccount,
            must: &[],
        },
        Case {
            name: "disabled accounts are not stale",
            build: |o| {
                o.set("ad:ann", "last_login", ago(200));
                o.set("ad:ann", "enabled", false);
            },
            policy: "",
            rule: RuleId::StaleAccount,
            must: &[],
        },
        Case {
            name: "never used since creation long ago",
            build: |o| o.unset("ad:ann", "last_login"),
            policy: "",
            rule: RuleId::StaleAccount,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "stale_days",
            build: |o| o.set("ad:ann", "last_login", ago(61)),
            policy: "[thresholds]\nstale_days = 60\n",
            rule: RuleId::StaleAccount,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "stale_days_by_account_type",
            build: |o| {
                o.account("ad:svc", "", &[("account_type", "service".into())]);
                o.edge(EdgeKind::Owns, "p:ann", "ad:svc");
                o.set("ad:svc", "last_login", ago(200));
                o.set("ad:ann", "last_login", ago(200));
            },
            policy: "[thresholds]\nstale_days_by_account_type = { service = 365 }\n",
            rule: RuleId::StaleAccount,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "a stale admin is stale-privileged, not stale-account",
            build: |o| {
                o.member("ad:ann", "ad:it-admins");
                o.set("ad:ann", "last_login", ago(100));
            },
            policy: "",
            rule: RuleId::StaleAccount,
            must: &[],
        },
        Case {
            name: "stale_days_privileged",
            build: |o| {
                o.member("ad:ann", "ad:it-admins");
                o.set("ad:ann", "last_login", ago(46));
                o.member("ad:bob", "ad:it-admins");
                o.set("ad:bob", "last_login", ago(44));
            },
            policy: "",
            rule: RuleId::StalePrivileged,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "stale_days_tier",
            build: |o| {
                o.member("ad:ann", "ad:Domain Admins");
                o.set("ad:ann", "last_login", ago(31));
                o.member("ad:bob", "ad:it-admins");
                o.set("ad:bob", "last_login", ago(31));
            },
            policy: "[thresholds]\nstale_days_tier = { 0 = 30 }\n",
            rule: RuleId::StalePrivileged,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "an entitlement marked privileged makes its holders privileged",
            build: |o| {
                o.set("erp:pay", "privileged", true);
                o.grant("ad:finance", "erp:pay");
                o.set("ad:ann", "last_login", ago(50));
            },
            policy: "[[role]]\nname = \"pay\"\ndepartment = \"Finance\"\ngrants = [\"erp:pay\"]\n",
            rule: RuleId::StalePrivileged,
            must: &[("ad:ann", None)],
        },
    ]);
}

#[test]
fn built_in_privileged_rules() {
    let build: fn(&mut Org) = |o| {
        o.member("ad:ann", "ad:Domain Admins");
        o.set("ad:ann", "mfa", false);
    };
    check(&[
        Case {
            name: "Domain Admins is privileged by default",
            build,
            policy: "",
            rule: RuleId::PrivilegedNoMfa,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "privileged_defaults enabled = false",
            build,
            policy: "[privileged_defaults]\nenabled = false\n",
            rule: RuleId::PrivilegedNoMfa,
            must: &[],
        },
        Case {
            name: "privileged_defaults exclude",
            build,
            policy: "[privileged_defaults]\nexclude = [\"ad-domain-admins\"]\n",
            rule: RuleId::PrivilegedNoMfa,
            must: &[],
        },
        Case {
            name: "a SID rule",
            build: |o| {
                o.node(
                    Node::new("ad:S-1-5-21-1-2-3-1105", NodeKind::Group)
                        .with_system("ad")
                        .with_prop("objectid", "S-1-5-21-1-2-3-1105"),
                );
                o.member("ad:bob", "ad:S-1-5-21-1-2-3-1105");
                o.set("ad:bob", "mfa", false);
            },
            policy: "[[privileged]]\nsid = [\"S-1-5-21-*-1105\"]\ntier = 2\nreason = \"ops\"\n",
            rule: RuleId::PrivilegedNoMfa,
            must: &[("ad:bob", None)],
        },
    ]);
}

#[test]
fn privileged_account_hygiene() {
    check(&[
        Case {
            name: "admin without MFA; user without MFA is fine; disabled admin is fine",
            build: |o| {
                o.member("ad:ann", "ad:it-admins");
                o.set("ad:ann", "mfa", false);
                o.set("ad:bob", "mfa", false);
                o.member("ad:cyd", "ad:it-admins");
                o.set("ad:cyd", "mfa", false);
                o.set("ad:cyd", "enabled", false);
            },
            policy: "",
            rule: RuleId::PrivilegedNoMfa,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "missing mfa counts as no MFA",
            build: |o| {
                o.member("ad:ann", "ad:it-admins");
                o.unset("ad:ann", "mfa");
            },
            policy: "",
            rule: RuleId::PrivilegedNoMfa,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "kerberoastable admin; kerberoastable user is fine",
            build: |o| {
                o.member("ad:ann", "ad:it-admins");
                o.set("ad:ann", "has_spn", true);
                o.set("ad:bob", "has_spn", true);
            },
            policy: "",
            rule: RuleId::PrivilegedKerberoastable,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "AS-REP roastable admin",
            build: |o| {
                o.member("ad:ann", "ad:it-admins");
                o.set("ad:ann", "dont_req_preauth", true);
                o.set("ad:bob", "dont_req_preauth", false);
            },
            policy: "",
            rule: RuleId::PrivilegedAsrepRoastable,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "admin whose password never expires",
            build: |o| {
                o.member("ad:everyone", "ad:it-admins");
                o.member("ad:ann", "ad:everyone");
                o.set("ad:ann", "password_never_expires", true);
                o.set("ad:cyd", "password_never_expires", true);
            },
            policy: "",
            rule: RuleId::PrivilegedPwdNeverExpires,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "direct grant to an account, not to a group",
            build: |o| {
                o.grant("ad:ann", "erp:read");
                o.grant("ad:sales", "crm:read");
            },
            policy: "",
            rule: RuleId::DirectGrant,
            must: &[("ad:ann", Some("erp:read"))],
        },
    ]);
}

#[test]
fn too_many_admins() {
    let build: fn(&mut Org) = |o| {
        o.member("ad:ann", "ad:Domain Admins");
        o.account("entra:ann", "p:ann", &[]);
        o.member("entra:ann", "ad:Domain Admins");
        o.member("ad:bob", "ad:Domain Admins");
        o.account("ad:x", "", &[("account_type", "service".into())]);
        o.edge(EdgeKind::Owns, "p:cyd", "ad:x");
        o.member("ad:x", "ad:Domain Admins");
        // Disabled and tier-1 holders do not count.
        o.member("ad:cyd", "ad:Domain Admins");
        o.set("ad:cyd", "enabled", false);
        o.member("ad:cyd", "ad:it-admins");
    };
    check(&[
        Case {
            name: "three holders over two",
            build,
            policy: "[thresholds]\nmax_admins = 2\n",
            rule: RuleId::TooManyAdmins,
            must: &[("org", None)],
        },
        Case {
            name: "three holders within three",
            build,
            policy: "[thresholds]\nmax_admins = 3\n",
            rule: RuleId::TooManyAdmins,
            must: &[],
        },
    ]);
}

#[test]
fn leavers_movers_joiners_contractors() {
    check(&[
        Case {
            name: "leaver past grace; leaver inside grace; leaver disabled",
            build: |o| {
                for (p, days) in [("p:ann", 8), ("p:bob", 6), ("p:cyd", 30)] {
                    o.set(p, "status", "terminated");
                    o.set(p, "end_date", ago(days));
                }
                o.set("ad:cyd", "enabled", false);
            },
            policy: "",
            rule: RuleId::LeaverActive,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "a terminated person without an end date is past any grace",
            build: |o| o.set("p:bob", "status", "terminated"),
            policy: "",
            rule: RuleId::LeaverActive,
            must: &[("ad:bob", None)],
        },
        Case {
            name: "a terminated contractor is a leaver, not a contractor past end",
            build: |o| {
                o.set("p:bob", "status", "terminated");
                o.set("p:bob", "employment_type", "contractor");
                o.set("p:bob", "end_date", ago(3));
            },
            policy: "",
            rule: RuleId::ContractorPastEnd,
            must: &[],
        },
        Case {
            name: "leaver_grace_days",
            build: |o| {
                o.set("p:ann", "status", "Terminated");
                o.set("p:ann", "end_date", ago(8));
            },
            policy: "[thresholds]\nleaver_grace_days = 10\n",
            rule: RuleId::LeaverActive,
            must: &[],
        },
        Case {
            name: "mover past grace keeps the old department's access",
            build: |o| {
                o.set("p:cyd", "department", "Finance");
                o.set("p:cyd", "title", "Accountant");
                o.set("p:cyd", "previous_department", "Sales");
                o.set("p:cyd", "previous_title", "Rep");
                o.set("p:cyd", "moved_at", ago(31));
                o.member("ad:cyd", "ad:finance");
            },
            policy: "",
            rule: RuleId::MoverResidual,
            must: &[("p:cyd", Some("crm:read"))],
        },
        Case {
            name: "mover inside grace, and their residue is not excess",
            build: |o| {
                o.set("p:cyd", "department", "Finance");
                o.set("p:cyd", "previous_department", "Sales");
                o.set("p:cyd", "moved_at", ago(29));
                o.member("ad:cyd", "ad:finance");
            },
            policy: "",
            rule: RuleId::ExcessAccess,
            must: &[],
        },
        Case {
            name: "mover_grace_days",
            build: |o| {
                o.set("p:cyd", "department", "Finance");
                o.set("p:cyd", "previous_department", "Sales");
                o.set("p:cyd", "moved_at", ago(10));
            },
            policy: "[thresholds]\nmover_grace_days = 5\n",
            rule: RuleId::MoverResidual,
            must: &[("p:cyd", Some("crm:read"))],
        },
        Case {
            name: "joiner with access; pre-provisioned disabled; enabled without access",
            build: |o| {
                o.set("p:ann", "start_date", ahead(5));
                o.set("p:bob", "start_date", ahead(5));
                o.set("ad:bob", "enabled", false);
                o.person("p:dee", "Finance", "Accountant");
                o.set("p:dee", "start_date", ahead(5));
                o.account("ad:dee", "p:dee", &[]);
            },
            policy: "",
            rule: RuleId::JoinerEarlyAccess,
            must: &[("ad:ann", None)],
        },
        Case {
            name: "contractor past end; contractor before end; employee past end",
            build: |o| {
                o.set("p:ann", "employment_type", "contractor");
                o.set("p:ann", "end_date", ago(1));
                o.set("p:bob", "employment_type", "contractor");
                o.set("p:bob", "end_date", ahead(10));
                o.set("p:cyd", "end_date", ago(10));
            },
            policy: "",
            rule: RuleId::ContractorPastEnd,
            must: &[("ad:ann", None)],
        },
    ]);
}

#[test]
fn excess_access_and_exceptions() {
    check(&[
        Case {
            name: "an entitlement outside the birthright",
            build: |o| o.grant("ad:finance", "erp:audit"),
            policy: "",
            rule: RuleId::ExcessAccess,
            must: &[("ad:ann", Some("erp:audit")), ("ad:bob", Some("erp:audit"))],
        },
        Case {
            name: "disabled accounts keep their access, so they count",
            build: |o| {
                o.grant("ad:finance", "erp:audit");
                o.set("ad:bob", "enabled", false);
            },
            policy: "",
            rule: RuleId::ExcessAccess,
            must: &[("ad:ann", Some("erp:audit")), ("ad:bob", Some("erp:audit"))],
        },
        Case {
            name: "a glob grant covers it",
            build: |o| {
                o.node(Node::new("crm:write", NodeKind::Entitlement).with_system("crm"));
                o.grant("ad:sales", "crm:write");
            },
            policy: "",
            rule: RuleId::ExcessAccess,
            must: &[],
        },
        Case {
            name: "a role's groups bring their access",
            build: |o| {
                o.member("ad:ann", "ad:sales");
                o.set("p:ann", "title", "Analyst");
            },
            policy: "[[role]]\nname = \"analyst\"\ntitle = \"Analyst\"\ngroups = [\"ad:sales\"]\n",
            rule: RuleId::ExcessAccess,
            must: &[],
        },
        Case {
            name: "exceptions, active or expired, for the person or the account",
            build: |o| {
                o.member("ad:ann", "ad:sales");
                o.member("ad:bob", "ad:sales");
                o.member("ad:cyd", "ad:finance");
            },
            policy: r#"
[[exception]]
person = "p:ann"
entitlement = "crm:read"
reason = "project"
approved_by = "p:cyd"
until = 2020-01-01

[[exception]]
account = "ad:bob"
entitlement = "crm:*"
reason = "project"
approved_by = "p:cyd"
until = 2099-01-01

[[exception]]
person = "p:cyd"
entitlement = "erp:read"
rule = "stale-account"
reason = "an exception for another rule covers nothing here"
approved_by = "p:ann"
until = 2099-01-01
"#,
            rule: RuleId::ExcessAccess,
            must: &[("ad:cyd", Some("erp:read"))],
        },
        Case {
            name: "an expired exception whose access remains",
            build: |o| {
                o.member("ad:ann", "ad:sales");
            },
            policy: r#"
[[exception]]
person = "p:ann"
entitlement = "crm:read"
reason = "project"
approved_by = "p:cyd"
until = 2020-01-01

[[exception]]
person = "p:bob"
entitlement = "crm:read"
reason = "expired, and the access is gone"
approved_by = "p:cyd"
until = 2020-01-01

[[exception]]
person = "p:cyd"
entitlement = "erp:read"
reason = "still valid"
approved_by = "p:ann"
until = 2099-01-01
"#,
            rule: RuleId::ExpiredException,
            must: &[("p:ann", Some("crm:read"))],
        },
        Case {
            name: "an expired account exception",
            build: |o| o.member("ad:ann", "ad:sales"),
            policy: "[[exception]]\naccount = \"ad:ann\"\nentitlement = \"crm:read\"\n\
                     reason = \"x\"\napproved_by = \"p:bob\"\nuntil = 2020-01-01\n",
            rule: RuleId::ExpiredException,
            must: &[("ad:ann", Some("crm:read"))],
        },
    ]);
}

const SOD: &str = r#"
[[role]]
name = "pay"
title = "Accountant"
grants = ["erp:pay"]

[[sod]]
name = "vendor-payment"
entitlements = ["erp:pay", "erp:vendor"]
"#;

#[test]
fn segregation_of_duties() {
    check(&[
        Case {
            name: "both sides; one side",
            build: |o| {
                o.grant("ad:finance", "erp:pay");
                o.member("ad:ann", "ad:sales");
                o.grant("ad:sales", "erp:vendor");
            },
            policy: SOD,
            rule: RuleId::SodViolation,
            must: &[("p:ann", None)],
        },
        Case {
            name: "both sides across two accounts of one person",
            build: |o| {
                o.grant("ad:finance", "erp:pay");
                o.account("erp:ann", "p:ann", &[]);
                o.grant("erp:ann", "erp:vendor");
            },
            policy: SOD,
            rule: RuleId::SodViolation,
            must: &[("p:ann", None)],
        },
        Case {
            name: "an exception without a rule does not waive SoD",
            build: |o| {
                o.grant("ad:finance", "erp:pay");
                o.member("ad:ann", "ad:sales");
                o.grant("ad:sales", "erp:vendor");
            },
            policy: concat!(
                "[[sod]]\nname = \"vendor-payment\"\n",
                "entitlements = [\"erp:pay\", \"erp:vendor\"]\n",
                "[[exception]]\nperson = \"p:ann\"\nentitlement = \"erp:vendor\"\n",
                "reason = \"cover\"\napproved_by = \"p:cyd\"\nuntil = 2099-01-01\n",
            ),
            rule: RuleId::SodViolation,
            must: &[("p:ann", None)],
        },
        Case {
            name: "an exception naming sod-violation does",
            build: |o| {
                o.grant("ad:finance", "erp:pay");
                o.grant("ad:finance", "erp:vendor");
            },
            policy: concat!(
                "[[sod]]\nname = \"vendor-payment\"\n",
                "entitlements = [\"erp:pay\", \"erp:vendor\"]\n",
                "[[exception]]\nperson = \"p:ann\"\nrule = \"sod-violation\"\n",
                "reason = \"small office\"\napproved_by = \"p:cyd\"\nuntil = 2099-01-01\n",
            ),
            rule: RuleId::SodViolation,
            must: &[("p:bob", None)],
        },
        Case {
            name: "min = 2 of three",
            build: |o| {
                o.grant("ad:finance", "erp:pay");
                o.grant("ad:finance", "erp:audit");
                o.grant("ad:sales", "erp:vendor");
            },
            policy: concat!(
                "[[sod]]\nname = \"three\"\nmin = 2\n",
                "entitlements = [\"erp:pay\", \"erp:vendor\", \"erp:audit\"]\n",
            ),
            rule: RuleId::SodViolation,
            must: &[("p:ann", None), ("p:bob", None)],
        },
    ]);
}

#[test]
fn sod_severity_comes_from_the_rule_then_from_rules() {
    let mut o = Org::new();
    o.grant("ad:finance", "erp:pay");
    o.grant("ad:finance", "erp:vendor");
    let sod = "[[sod]]\nname = \"vp\"\nentitlements = [\"erp:pay\", \"erp:vendor\"]\n";
    let low = format!("{sod}severity = \"low\"\n");
    let f = find(&run(&o, &low), RuleId::SodViolation, "p:ann");
    assert_eq!(f.severity, Severity::Low);
    assert_eq!(f.clause, "sod \"vp\"");
    let over = format!("{low}[rules]\n\"sod-violation\" = {{ severity = \"critical\" }}\n");
    let f = find(&run(&o, &over), RuleId::SodViolation, "p:ann");
    assert_eq!(f.severity, Severity::Critical);
}

#[test]
fn rules_can_be_turned_off_and_reweighted() {
    let mut o = Org::new();
    o.set("ad:ann", "last_login", ago(200));
    let on = run(&o, "");
    assert_eq!(find(&on, RuleId::StaleAccount, "ad:ann").severity, Severity::Low);

    let off = run(&o, "[rules]\n\"stale-account\" = false\n");
    assert!(off.findings.is_empty());
    assert!(!off.rules.contains(&RuleId::StaleAccount));

    let high = run(&o, "[rules]\n\"stale-account\" = { severity = \"high\" }\n");
    let f = find(&high, RuleId::StaleAccount, "ad:ann");
    assert_eq!(f.severity, Severity::High);
    assert!(f.risk > find(&on, RuleId::StaleAccount, "ad:ann").risk);
}

#[test]
fn an_active_exception_naming_a_rule_silences_it() {
    let mut o = Org::new();
    o.set("ad:ann", "last_login", ago(200));
    o.set("ad:bob", "last_login", ago(200));
    let policy = "[[exception]]\naccount = \"ad:ann\"\nrule = \"stale-account\"\n\
                  reason = \"sabbatical\"\napproved_by = \"p:cyd\"\nuntil = 2099-01-01\n";
    let report = run(&o, policy);
    let stale: Vec<&str> = report.of_rule(RuleId::StaleAccount).map(|f| f.subject()).collect();
    assert_eq!(stale, ["ad:bob"]);
    assert_eq!(report.silenced, 1);
}

#[test]
fn evidence_names_the_path_clause_and_action() {
    let mut o = Org::new();
    o.member("ad:everyone", "ad:sales");
    o.member("ad:ann", "ad:everyone");
    let report = run(&o, "");
    let f = find(&report, RuleId::ExcessAccess, "ad:ann");
    let path: Vec<(&str, Option<&str>)> =
        f.path.iter().map(|s| (s.node.as_str(), s.edge.as_deref())).collect();
    assert_eq!(
        path,
        [
            ("ad:ann", None),
            ("ad:everyone", Some("member_of")),
            ("ad:sales", Some("member_of")),
            ("crm:read", Some("grant")),
        ]
    );
    assert_eq!(
        f.action,
        Action::RemoveMembership { member: "ad:ann".into(), group: "ad:everyone".into() }
    );
    assert_eq!(f.person.as_deref(), Some("p:ann"));
    assert_eq!(f.system.as_deref(), Some("ad"));
    assert!(f.explanation.contains("crm:read"), "{}", f.explanation);

    o.set("ad:bob", "last_login", ago(100));
    let f = find(&run(&o, ""), RuleId::StaleAccount, "ad:bob");
    assert_eq!(f.clause, "thresholds.stale_days = 90");
    assert_eq!(f.first_seen, Some(NOW - 10 * DAY));
    assert_eq!(f.factors.days, Some(10));
    assert_eq!(f.action, Action::DisableAccount { account: "ad:bob".into() });
}

#[test]
fn only_and_no_paths_options() {
    let mut o = Org::new();
    o.set("ad:ann", "last_login", ago(200));
    o.grant("ad:finance", "erp:audit");
    let opts =
        ScanOptions { now: Some(NOW), only: Some(vec![RuleId::ExcessAccess]), no_paths: true };
    let (bytes, _) = build_bytes(&o.g, &BuildOptions::default()).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    let policy = Policy::from_toml_str(BASE, "base.toml").unwrap();
    let report = scan(&snap, &policy, &opts);
    assert_eq!(report.rules, [RuleId::ExcessAccess]);
    assert_eq!(report.findings.len(), 2);
    assert!(report.findings.iter().all(|f| f.path.is_empty()));
}

/// Ten Ops technicians no business role describes, all in `ad:sales`; the
/// first also in `ad:audit`.
fn ops_team(o: &mut Org) {
    o.node(Node::new("ad:audit", NodeKind::Group).with_system("ad"));
    o.grant("ad:audit", "erp:audit");
    for i in 0..10 {
        let (p, a) = (format!("p:ops{i}"), format!("ad:ops{i}"));
        o.person(&p, "Ops", "Technician");
        o.account(&a, &p, &[]);
        o.member(&a, "ad:sales");
    }
    o.member("ad:ops0", "ad:audit");
}

#[test]
fn peer_outliers() {
    check(&[
        Case {
            name: "one in ten holds it",
            build: ops_team,
            policy: "",
            rule: RuleId::PeerOutlier,
            must: &[("p:ops0", Some("erp:audit"))],
        },
        Case {
            name: "peer_outlier_max_share",
            build: ops_team,
            policy: "[thresholds]\npeer_outlier_max_share = 0.05\n",
            rule: RuleId::PeerOutlier,
            must: &[],
        },
        Case {
            name: "peer_min_group_size",
            build: ops_team,
            policy: "[thresholds]\npeer_min_group_size = 11\n",
            rule: RuleId::PeerOutlier,
            must: &[],
        },
        Case {
            name: "persons a role describes are judged by excess-access instead",
            build: ops_team,
            policy: "[[role]]\nname = \"ops\"\ndepartment = \"Ops\"\ngrants = [\"crm:read\"]\n",
            rule: RuleId::PeerOutlier,
            must: &[],
        },
    ]);
}

#[test]
fn without_roles_excess_access_does_not_run() {
    let mut o = Org::new();
    ops_team(&mut o);
    let (bytes, _) = build_bytes(&o.g, &BuildOptions::default()).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    let policy = Policy::from_toml_str("", "empty.toml").unwrap();
    let report = scan(&snap, &policy, &ScanOptions { now: Some(NOW), ..ScanOptions::default() });
    assert_eq!(report.of_rule(RuleId::ExcessAccess).count(), 0);
    let outliers: Vec<&str> = report.of_rule(RuleId::PeerOutlier).map(|f| f.subject()).collect();
    assert_eq!(outliers, ["p:ops0"]);
}

#[test]
fn degenerate_inputs_make_no_findings_and_no_panic() {
    let policy = format!(
        "{BASE}[[exception]]\nperson = \"p:nobody\"\nentitlement = \"nothing:*\"\n\
         reason = \"x\"\napproved_by = \"p:nobody\"\nuntil = 2020-01-01\n\
         [[sod]]\nname = \"ghost\"\nentitlements = [\"x:a\", \"x:b\"]\n"
    );
    let policy = Policy::from_toml_str(&policy, "odd.toml").unwrap();
    let opts = ScanOptions { now: Some(NOW), ..ScanOptions::default() };

    let (bytes, _) = build_bytes(&Graph::new(), &BuildOptions::default()).unwrap();
    let empty = Snapshot::from_bytes(&bytes).unwrap();
    assert!(scan(&empty, &policy, &opts).findings.is_empty());

    // Kinds the engine has no meaning for, an account that is a member of
    // itself, a person with no accounts, properties of the wrong type.
    let mut g = Graph::new();
    g.add_node(Node::new("c1", NodeKind::Other("Computer".into()))).unwrap();
    g.add_node(Node::new("ad:x", NodeKind::Account).with_prop("enabled", "yes")).unwrap();
    g.add_node(Node::new("p:y", NodeKind::Person).with_prop("end_date", "soon")).unwrap();
    g.add_edge(Edge::new(EdgeKind::MemberOf, "ad:x", "ad:x"));
    g.add_edge(Edge::new(EdgeKind::other("AdminTo", true), "ad:x", "c1"));
    g.add_edge(Edge::new(EdgeKind::Correlation, "ad:x", "p:y"));
    let (bytes, _) = build_bytes(&g, &BuildOptions::default()).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    let report = scan(&snap, &policy, &opts);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}
