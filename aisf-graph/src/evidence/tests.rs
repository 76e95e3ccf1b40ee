use aisf_core::policy::Policy;
use aisf_core::synth::{OrgConfig, generate};
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};

use super::html::{ReportInput, escape, render};
use super::*;
use crate::govern::plan::{PlanOptions, check, plan};
use crate::govern::{ScanOptions, scan};
use crate::{BuildOptions, build_bytes};

fn snapshot(g: &Graph) -> Snapshot {
    let (bytes, _) = build_bytes(g, &BuildOptions::default()).unwrap();
    Snapshot::from_bytes(&bytes).unwrap()
}

const SENTINEL: &str = "s3cr3t-SENTINEL-value";

/// A leaver whose name is markup, with an account carrying a secret.
fn hostile() -> (Graph, Policy) {
    let mut g = Graph::new();
    g.add_node(
        Node::new("p:boss", NodeKind::Person)
            .with_name("Boss & Co")
            .with_prop("status", "active")
            .with_prop("department", "Finance"),
    )
    .unwrap();
    g.add_node(
        Node::new("p:x", NodeKind::Person)
            .with_name("<script>alert(1)</script>")
            .with_prop("status", "terminated")
            .with_prop("department", "Finance")
            .with_prop("end_date", aisf_core::Value::Time(1_700_000_000)),
    )
    .unwrap();
    g.add_node(
        Node::new("ad:x", NodeKind::Account)
            .with_system("ad")
            .with_name("<img src=x onerror=alert(2)>")
            .with_prop("enabled", true)
            .with_prop("password_hash", SENTINEL)
            .with_prop("api_token", SENTINEL),
    )
    .unwrap();
    g.add_node(Node::new("ad:group:g", NodeKind::Group).with_system("ad").with_name("\"G\" <b>"))
        .unwrap();
    g.add_node(Node::new("ad:ent:pay", NodeKind::Entitlement).with_system("ad")).unwrap();
    g.add_edge(Edge::new(EdgeKind::Correlation, "ad:x", "p:x"));
    g.add_edge(Edge::new(EdgeKind::Manager, "p:x", "p:boss"));
    g.add_edge(Edge::new(EdgeKind::MemberOf, "ad:x", "ad:group:g"));
    g.add_edge(Edge::new(EdgeKind::Grant, "ad:group:g", "ad:ent:pay"));
    let policy = Policy::from_toml_str(
        "[thresholds]\nnow = 2025-03-01T09:00:00Z\n[[role]]\nname = \"Fin\"\n\
         department = \"Finance\"\ngrants = [\"ad:ent:pay\"]\n",
        "p.toml",
    )
    .unwrap();
    (g, policy)
}

#[test]
fn the_pack_holds_findings_reviews_and_controls_and_no_secrets() {
    let (g, policy) = hostile();
    let snap = snapshot(&g);
    let result = scan(&snap, &policy, &ScanOptions::default());
    assert!(!result.findings.is_empty());
    let mut p = pack(&snap, &policy, &result, &PackOptions { time: Some(1_740_000_000) });
    assert_eq!(p.findings.len(), result.findings.len());
    let leaver = p.findings.iter().find(|f| f.rule == "leaver-active").unwrap();
    assert_eq!(leaver.person_name.as_deref(), Some("<script>alert(1)</script>"));
    assert!(leaver.since.as_deref().is_some_and(|s| s.ends_with('Z')));

    // Ann's manager reviews her access, with the path.
    let row = p.reviews.iter().find(|r| r.person == "p:x").unwrap();
    assert_eq!(row.manager, "p:boss");
    assert_eq!(row.entitlement, "ad:ent:pay");
    assert_eq!(row.account, "ad:x");
    assert!(row.birthright);
    assert_eq!(row.path, "p:x -correlation-> ad:x -member_of-> ad:group:g -grant-> ad:ent:pay");
    assert_eq!(p.controls.len(), controls::CONTROLS.len());

    let plan = plan(&snap, &result, &PlanOptions::default());
    let chk = check(&snap, &policy, &result, &plan).unwrap();
    let input = ReportInput {
        title: "Report <for> \"you\"",
        snapshot: &snap,
        scan: &result,
        pack: &p,
        plan: Some(&plan),
        check: Some(&chk),
        diff: None,
        top: 10,
    };
    p.html = Some(render(&input));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack");
    let files = p.write_to(&out).unwrap();
    assert!(files.len() >= 9, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(!text.contains(SENTINEL), "{} leaks a secret", f.display());
    }
    let csv = std::fs::read_to_string(out.join("access-review.csv")).unwrap();
    assert!(csv.starts_with("manager,manager_name,person,"));
    let tree: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("access-review.json")).unwrap())
            .unwrap();
    assert_eq!(tree["managers"][0]["manager"], "p:boss");
    assert_eq!(tree["managers"][0]["reports"][0]["access"][0]["entitlement"], "ad:ent:pay");

    // A second write appends to the audit log; the chain checks.
    p.write_to(&out).unwrap();
    let log = audit::verify(&out.join(AUDIT_LOG)).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].prev, log[0].hash);
    assert_eq!(log[0].snapshot_sha256.len(), 64);
    assert_eq!(log[0].findings, result.findings.len() as u64);
}

#[test]
fn html_escapes_everything_from_the_data_and_loads_nothing() {
    let (g, policy) = hostile();
    let snap = snapshot(&g);
    let result = scan(&snap, &policy, &ScanOptions::default());
    let p = pack(&snap, &policy, &result, &PackOptions::default());
    let html = render(&ReportInput {
        title: "<script>t</script>",
        snapshot: &snap,
        scan: &result,
        pack: &p,
        plan: None,
        check: None,
        diff: None,
        top: 5,
    });
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;"));
    for bad in ["http://", "https://", "src=\"", "href=\"", "@import", "url(http", "<link"] {
        assert!(!html.contains(bad), "{bad} in the page");
    }
    assert!(html.contains("<svg"));
    assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

#[test]
fn the_demo_pack_and_page_are_complete() {
    let org = generate(&OrgConfig::demo());
    let snap = snapshot(&org.graph);
    let policy = org.scan_policy();
    let result = scan(&snap, &policy, &ScanOptions::default());
    let p = pack(&snap, &policy, &result, &PackOptions::default());
    // Every person with a manager appears under that manager.
    let managed = snap
        .kind_range(&NodeKind::Person)
        .filter(|&v| !snap.neighbors(NodeId(v), &EdgeKind::Manager, Direction::Out).is_empty())
        .count();
    let reviewed: std::collections::BTreeSet<&str> =
        p.reviews.iter().filter(|r| !r.manager.is_empty()).map(|r| r.person.as_str()).collect();
    assert!(reviewed.len() * 10 >= managed * 9, "{} of {managed}", reviewed.len());
    assert!(p.reviews.iter().all(|r| !r.path.is_empty()));
    assert!(p.summary.privileged.iter().any(|r| r.tier == 0 && r.persons > 0));
    assert_eq!(p.summary.by_severity.iter().map(|x| x.1).sum::<usize>(), result.findings.len());
    let html = render(&ReportInput {
        title: "Demo",
        snapshot: &snap,
        scan: &result,
        pack: &p,
        plan: None,
        check: None,
        diff: None,
        top: 8,
    });
    assert!(html.matches("aria-label=\"access path\"").count() >= 5);
}
