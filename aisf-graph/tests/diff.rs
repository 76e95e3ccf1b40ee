//! The diff of two snapshots against the naive evaluator: every access
//! change, node, edge and property change reported exactly, and nothing
//! else; then the joiners, movers and leavers matched with them.

use std::collections::{BTreeMap, BTreeSet};

use aisf_core::policy::Target;
use aisf_core::synth::{DriftKind, Org, OrgConfig, generate};
use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind, Value, props};
use aisf_graph::diff::{
    DiffOptions, LifecycleKind, PERSON_PROPS, SnapshotDiff, diff, hr_records, lifecycle,
};
use aisf_graph::naive::Naive;
use aisf_graph::{BuildOptions, Snapshot, build_bytes};
use proptest::prelude::*;

const ADMIN: &str = "aws:policy:AdministratorAccess";
const JOINER: &str = "person:joiner-test";
const DAY: i64 = 86_400;

fn snapshot(g: &Graph) -> Snapshot {
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(g, &opts).unwrap();
    Snapshot::from_bytes(&bytes).unwrap()
}

fn text(n: &Node, key: &str) -> Option<String> {
    n.prop(key).and_then(Value::as_str).map(str::to_string)
}

fn accounts_of(g: &Graph, person: &str) -> Vec<String> {
    let of = |e: &&Edge| e.kind == EdgeKind::Correlation && e.dst == person;
    g.edges().iter().filter(of).map(|e| e.src.clone()).collect()
}

/// Active employees of a department, in graph order.
fn staff(g: &Graph, dept: &str) -> Vec<String> {
    g.nodes()
        .iter()
        .filter(|n| n.kind == NodeKind::Person)
        .filter(|n| text(n, props::DEPARTMENT).as_deref() == Some(dept))
        .filter(|n| text(n, props::STATUS).as_deref() == Some("active"))
        .filter(|n| n.prop(aisf_core::synth::MOVED_AT).is_none())
        .map(|n| n.id.clone())
        .collect()
}

/// The account of `person` in the same system as `like`.
fn same_system(g: &Graph, person: &str, like: &str) -> Option<String> {
    let system = g.node(like)?.system.clone();
    accounts_of(g, person).into_iter().find(|a| g.node(a).is_some_and(|n| n.system == system))
}

/// Moves `who` to the department and title of `peer`: their accounts take
/// the peer's memberships and roles; the old ones go unless `keep_old`.
fn make_mover(g: &mut Graph, who: &str, peer: &str, keep_old: bool) {
    let peer_node = g.node(peer).unwrap().clone();
    let mine = accounts_of(g, who);
    if !keep_old {
        let held = |e: &Edge| matches!(e.kind, EdgeKind::MemberOf | EdgeKind::HasRole);
        g.edges_mut().retain(|e| !(held(e) && mine.contains(&e.src)));
    }
    let peer_accounts = accounts_of(g, peer);
    let copies: Vec<Edge> = g
        .edges()
        .iter()
        .filter(|e| matches!(e.kind, EdgeKind::MemberOf | EdgeKind::HasRole))
        .filter(|e| peer_accounts.contains(&e.src))
        .filter_map(|e| Some(Edge::new(e.kind.clone(), same_system(g, who, &e.src)?, &e.dst)))
        .collect();
    for e in copies {
        if !g.edges().contains(&e) {
            g.add_edge(e);
        }
    }
    let node = g.node_mut(who).unwrap();
    for key in [props::DEPARTMENT, props::TITLE] {
        node.props.insert(key.into(), peer_node.prop(key).unwrap().clone());
    }
}

/// The organisation, and a later state of it with every kind of change:
/// a membership removed, a privileged grant added, a person terminated,
/// a person deleted with their accounts, a joiner, two movers.
struct Case {
    org: Org,
    after: Graph,
    removed_membership: Edge,
    granted: String,
    terminated: String,
    deleted: String,
    clean_mover: String,
    residual_mover: String,
}

fn case() -> Case {
    let org = generate(&OrgConfig { seed: 11, ..OrgConfig::new(400) });
    let mut g = org.graph.clone();
    let sales = staff(&g, "Sales");
    let finance = staff(&g, "Finance");
    let support = staff(&g, "Support");

    // A membership gone, a privileged grant added.
    let account = accounts_of(&g, &support[3])[0].clone();
    let at = g.edges().iter().position(|e| e.kind == EdgeKind::MemberOf && e.src == account);
    let removed_membership = g.edges_mut().remove(at.unwrap());
    let granted = accounts_of(&g, &support[4])[0].clone();
    g.add_edge(Edge::new(EdgeKind::Grant, &granted, ADMIN));

    // A leaver still in HR with accounts enabled; one deleted outright.
    let terminated = sales[5].clone();
    let node = g.node_mut(&terminated).unwrap();
    node.props.insert(props::STATUS.into(), Value::Str("terminated".into()));
    node.props.insert(props::END_DATE.into(), Value::Time(org.now - 3 * DAY));
    let deleted = sales[6].clone();
    let gone: BTreeSet<String> =
        accounts_of(&g, &deleted).into_iter().chain([deleted.clone()]).collect();
    let (nodes, edges) = g.into_parts();
    g = Graph::new();
    for n in nodes.into_iter().filter(|n| !gone.contains(&n.id)) {
        g.add_node(n).unwrap();
    }
    for e in edges.into_iter().filter(|e| !gone.contains(&e.src) && !gone.contains(&e.dst)) {
        g.add_edge(e);
    }

    // A joiner in Finance with the memberships of a Finance peer.
    let peer = g.node(&finance[2]).unwrap().clone();
    let mut joiner = Node::new(JOINER, NodeKind::Person).with_name("Jo Iner");
    for key in [props::DEPARTMENT, props::TITLE] {
        joiner.props.insert(key.into(), peer.prop(key).unwrap().clone());
    }
    g.add_node(joiner.with_prop(props::STATUS, "active")).unwrap();
    let peer_ad = accounts_of(&g, &finance[2]).into_iter().find(|a| a.starts_with("ad:")).unwrap();
    let account = Node::new("ad:joiner-test", NodeKind::Account).with_system("ad");
    g.add_node(account.with_prop(props::ENABLED, true)).unwrap();
    g.add_edge(Edge::new(EdgeKind::Correlation, "ad:joiner-test", JOINER));
    let peer_groups: Vec<Edge> = g
        .edges()
        .iter()
        .filter(|e| e.kind == EdgeKind::MemberOf && e.src == peer_ad)
        .map(|e| Edge::new(EdgeKind::MemberOf, "ad:joiner-test", &e.dst))
        .collect();
    for e in peer_groups {
        g.add_edge(e);
    }

    // Two Sales people move to Finance: one cleanly, one keeping the old.
    let (clean_mover, residual_mover) = (sales[8].clone(), sales[9].clone());
    make_mover(&mut g, &clean_mover, &finance[2], false);
    make_mover(&mut g, &residual_mover, &finance[2], true);

    Case {
        org,
        after: g,
        removed_membership,
        granted,
        terminated,
        deleted,
        clean_mover,
        residual_mover,
    }
}

fn ids_of_kind(g: &Graph, kind: &NodeKind) -> BTreeSet<String> {
    g.nodes().iter().filter(|n| n.kind == *kind).map(|n| n.id.clone()).collect()
}

/// Per subject of a kind, (gained, lost) entitlement ids by the naive
/// evaluator, for subjects whose access changed.
type Changes = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

/// The groups and roles the options make privileged.
fn privileged_objects(g: &Graph, opts: &DiffOptions) -> BTreeSet<String> {
    g.nodes()
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Group | NodeKind::Role))
        .filter(|n| {
            opts.privileged.contains(&n.id)
                || opts.policy.as_ref().is_some_and(|p| p.tier_of(&Target::of(n)).is_some())
                || n.prop(props::PRIVILEGED) == Some(&Value::Bool(true))
        })
        .map(|n| n.id.clone())
        .collect()
}

/// Per subject of a kind, (gained, lost) privileged groups and roles
/// reached, by the naive evaluator.
fn naive_reach(a: &Graph, b: &Graph, kind: &NodeKind, opts: &DiffOptions) -> Changes {
    let (na, nb) = (Naive::new(a), Naive::new(b));
    let (pa, pb) = (privileged_objects(a, opts), privileged_objects(b, opts));
    let subjects: BTreeSet<String> = &ids_of_kind(a, kind) | &ids_of_kind(b, kind);
    let mut out = Changes::new();
    for s in subjects {
        let is = |g: &Graph| g.node(&s).is_some_and(|n| n.kind == *kind);
        let reach = |yes: bool, n: &Naive, p: &BTreeSet<String>| -> BTreeSet<String> {
            if yes { n.access(&s).intersection(p).cloned().collect() } else { BTreeSet::new() }
        };
        let (before, after) = (reach(is(a), &na, &pa), reach(is(b), &nb, &pb));
        if before != after {
            let gained = after.difference(&before).cloned().collect();
            let lost = before.difference(&after).cloned().collect();
            out.insert(s, (gained, lost));
        }
    }
    out
}

fn naive_changes(a: &Graph, b: &Graph, kind: &NodeKind) -> Changes {
    let (na, nb) = (Naive::new(a), Naive::new(b));
    let subjects: BTreeSet<String> = &ids_of_kind(a, kind) | &ids_of_kind(b, kind);
    let mut out = Changes::new();
    for s in subjects {
        let is = |g: &Graph| g.node(&s).is_some_and(|n| n.kind == *kind);
        let before = if is(a) { na.entitlements(&s) } else { BTreeSet::new() };
        let after = if is(b) { nb.entitlements(&s) } else { BTreeSet::new() };
        if before != after {
            let gained = after.difference(&before).cloned().collect();
            let lost = before.difference(&after).cloned().collect();
            out.insert(s, (gained, lost));
        }
    }
    out
}

fn reported(d: &SnapshotDiff, kind: &NodeKind, reach: bool) -> Changes {
    let list = if *kind == NodeKind::Person { &d.persons } else { &d.accounts };
    let ids = |l: &[aisf_graph::diff::EntitlementChange]| l.iter().map(|e| e.id.clone()).collect();
    list.iter()
        .map(|c| match reach {
            false => (c.subject.clone(), (ids(&c.gained), ids(&c.lost))),
            true => (c.subject.clone(), (ids(&c.privileged_gained), ids(&c.privileged_lost))),
        })
        .filter(|(_, (g, l)): &(String, (BTreeSet<String>, BTreeSet<String>))| {
            !g.is_empty() || !l.is_empty()
        })
        .collect()
}

fn tracked(k: &EdgeKind) -> bool {
    k.grants_access() || *k == EdgeKind::Correlation
}

fn edge_set(g: &Graph) -> BTreeSet<(String, String, String)> {
    g.edges()
        .iter()
        .filter(|e| tracked(&e.kind) && g.contains(&e.src) && g.contains(&e.dst))
        .map(|e| (e.kind.as_str().to_string(), e.src.clone(), e.dst.clone()))
        .collect()
}

/// Everything `diff` reports, checked against a computation from the two
/// graphs alone.
fn assert_exact(a: &Graph, b: &Graph, opts: &DiffOptions, d: &SnapshotDiff) {
    for kind in [NodeKind::Person, NodeKind::Account] {
        assert_eq!(reported(d, &kind, false), naive_changes(a, b, &kind), "{kind:?} access");
        let reach = naive_reach(a, b, &kind, opts);
        assert_eq!(reported(d, &kind, true), reach, "{kind:?} privileged reach");
        // Nobody is listed without a change.
        let list = if kind == NodeKind::Person { &d.persons } else { &d.accounts };
        let listed: BTreeSet<&String> = list.iter().map(|c| &c.subject).collect();
        let naive = naive_changes(a, b, &kind);
        let changed: BTreeSet<&String> = naive.keys().chain(reach.keys()).collect();
        assert_eq!(listed, changed);
    }

    let kinds = [
        (&d.nodes.persons, NodeKind::Person),
        (&d.nodes.accounts, NodeKind::Account),
        (&d.nodes.groups, NodeKind::Group),
        (&d.nodes.roles, NodeKind::Role),
        (&d.nodes.entitlements, NodeKind::Entitlement),
    ];
    for (changes, kind) in kinds {
        let (ia, ib) = (ids_of_kind(a, &kind), ids_of_kind(b, &kind));
        let added: Vec<String> = ib.difference(&ia).cloned().collect();
        let removed: Vec<String> = ia.difference(&ib).cloned().collect();
        assert_eq!((&changes.added, &changes.removed), (&added, &removed), "{kind:?} nodes");
    }

    let (ea, eb) = (edge_set(a), edge_set(b));
    let as_tuples = |l: &[aisf_graph::diff::EdgeChange]| -> Vec<(String, String, String)> {
        l.iter().map(|e| (e.kind.clone(), e.src.clone(), e.dst.clone())).collect()
    };
    assert_eq!(as_tuples(&d.edges.added), eb.difference(&ea).cloned().collect::<Vec<_>>());
    assert_eq!(as_tuples(&d.edges.removed), ea.difference(&eb).cloned().collect::<Vec<_>>());

    let mut want = Vec::new();
    for n in b.nodes() {
        let keys: &[&str] = match n.kind {
            NodeKind::Person => &PERSON_PROPS,
            NodeKind::Account => &[props::ENABLED],
            _ => continue,
        };
        let Some(o) = a.node(&n.id).filter(|o| o.kind == n.kind) else { continue };
        for &k in keys {
            if o.prop(k) != n.prop(k) {
                want.push((n.id.clone(), k.to_string(), o.prop(k).cloned(), n.prop(k).cloned()));
            }
        }
    }
    want.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    let got: Vec<_> = d
        .properties
        .iter()
        .map(|p| (p.node.clone(), p.key.clone(), p.old.clone(), p.new.clone()))
        .collect();
    assert_eq!(got, want, "property changes");
}

#[test]
fn every_change_between_two_generated_states_is_reported_exactly() {
    let c = case();
    let (old, new) = (snapshot(&c.org.graph), snapshot(&c.after));
    let opts = DiffOptions { policy: Some(c.org.scan_policy()), ..DiffOptions::default() };
    let d = diff(&old, &new, &opts);
    assert_exact(&c.org.graph, &c.after, &opts, &d);

    // The cases the edit made, named.
    let m = &c.removed_membership;
    let removed = d.edges.removed.iter().any(|e| e.kind == "member_of" && e.src == m.src);
    assert!(removed && d.edges.removed.iter().any(|e| e.dst == m.dst));
    let grant = d.access_of(&c.granted).expect("the granted account changed");
    assert_eq!(grant.gained[0].id, ADMIN);
    assert!(grant.gained[0].privileged && grant.gained[0].tier == Some(0));
    assert_eq!(
        d.accounts[0].privileged_count(),
        d.accounts.iter().map(|a| a.privileged_count()).max().unwrap()
    );
    assert!(d.nodes.persons.removed.contains(&c.deleted));
    assert_eq!(d.nodes.persons.added, vec![JOINER.to_string()]);
    let status = d.properties.iter().find(|p| p.node == c.terminated && p.key == props::STATUS);
    assert_eq!(status.unwrap().new, Some(Value::Str("terminated".into())));
    assert!(d.access_of(JOINER).is_some_and(|j| j.lost.is_empty() && !j.gained.is_empty()));
    assert!(d.access_of(&c.deleted).is_some_and(|j| j.gained.is_empty() && !j.lost.is_empty()));
}

#[test]
fn a_snapshot_compared_with_itself_has_no_changes() {
    let org = generate(&OrgConfig { seed: 3, ..OrgConfig::new(300) });
    let snap = snapshot(&org.graph);
    let opts = DiffOptions { policy: Some(org.scan_policy()), ..DiffOptions::default() };
    assert!(diff(&snap, &snap, &opts).is_empty());
    // The same graph built twice: different files, same content.
    let again = snapshot(&org.graph);
    assert!(diff(&snap, &again, &opts).is_empty());
}

#[test]
fn joiners_movers_and_leavers_are_matched_with_the_access_changes() {
    let c = case();
    let (old, new) = (snapshot(&c.org.graph), snapshot(&c.after));
    let opts = DiffOptions { policy: Some(c.org.scan_policy()), ..DiffOptions::default() };
    let d = diff(&old, &new, &opts);
    let events = lifecycle(&hr_records(&old), &hr_records(&new), &old, &new, &opts, &d);
    let of = |id: &str| events.iter().find(|e| e.person == id).unwrap_or_else(|| panic!("{id}"));

    let joiner = of(JOINER);
    assert_eq!(joiner.kind, LifecycleKind::Joiner);
    assert_eq!(joiner.gained, d.access_of(JOINER).unwrap().gained);
    assert!(joiner.note.contains("joined"), "{}", joiner.note);

    let leaver = of(&c.terminated);
    assert_eq!(leaver.kind, LifecycleKind::Leaver);
    assert!(leaver.attention);
    assert_eq!(leaver.enabled_accounts.len(), accounts_of(&c.after, &c.terminated).len());
    assert!(!leaver.residual.is_empty());
    assert!(leaver.note.contains("still enabled"), "{}", leaver.note);

    let deleted = of(&c.deleted);
    assert_eq!((deleted.kind, deleted.after.is_none()), (LifecycleKind::Leaver, true));
    assert!(deleted.enabled_accounts.is_empty() && deleted.residual.is_empty());
    assert!(!deleted.lost.is_empty());

    let clean = of(&c.clean_mover);
    assert_eq!(clean.kind, LifecycleKind::Mover);
    assert!(clean.residual.is_empty(), "{clean:#?}");
    assert!(!clean.lost.is_empty() && !clean.attention);
    let kept = of(&c.residual_mover);
    assert_eq!(kept.kind, LifecycleKind::Mover);
    assert!(!kept.residual.is_empty() && kept.attention, "{kept:#?}");
    assert!(kept.lost.is_empty());
    assert!(kept.note.contains("still holds"), "{}", kept.note);

    // Nobody else changed in HR.
    assert_eq!(events.len(), 5, "{events:#?}");
    assert!(events.windows(2).all(|w| w[0].attention >= w[1].attention));
}

#[test]
fn the_generators_previous_hr_feed_finds_its_movers_and_leavers() {
    let org = generate(&OrgConfig { seed: 5, ..OrgConfig::new(600) });
    let snap = snapshot(&org.graph);
    let opts = DiffOptions::default();
    let d = diff(&snap, &snap, &opts);
    let current: Vec<Node> =
        org.graph.nodes().iter().filter(|n| n.kind == NodeKind::Person).cloned().collect();
    let events = lifecycle(&org.hr_previous, &current, &snap, &snap, &opts, &d);

    // Every leaver the generator left active has its account among the
    // enabled ones; every mover it left with old access has a residual.
    for t in &org.truth {
        match t.kind {
            DriftKind::LeaverActive => {
                let hit = events.iter().any(|e| {
                    e.kind == LifecycleKind::Leaver && e.enabled_accounts.contains(&t.subject)
                });
                assert!(hit, "{t:?}");
            }
            DriftKind::MoverResidual => {
                let hit = events.iter().any(|e| {
                    e.kind == LifecycleKind::Mover
                        && e.person == t.subject
                        && !e.residual.is_empty()
                });
                assert!(hit, "{t:?}");
            }
            _ => {}
        }
    }
    assert!(events.iter().all(|e| e.gained.is_empty() && e.lost.is_empty()));
}

/// Random small graphs and a random edit of each: the diff agrees with the
/// naive evaluator.
fn graph(nodes: &[(u8, u8)], edges: &[(u8, u8, u8)]) -> Graph {
    const KINDS: [NodeKind; 4] =
        [NodeKind::Person, NodeKind::Account, NodeKind::Group, NodeKind::Entitlement];
    let mut g = Graph::new();
    for &(i, k) in nodes {
        let id = format!("n{i}");
        if !g.contains(&id) {
            g.add_node(Node::new(id, KINDS[usize::from(k % 4)].clone())).unwrap();
        }
    }
    let ids: Vec<String> = g.nodes().iter().map(|n| n.id.clone()).collect();
    for &(a, b, k) in edges {
        let kind = [EdgeKind::MemberOf, EdgeKind::Grant, EdgeKind::Correlation, EdgeKind::HasRole];
        let (a, b) = (&ids[usize::from(a) % ids.len()], &ids[usize::from(b) % ids.len()]);
        g.add_edge(Edge::new(kind[usize::from(k % 4)].clone(), a, b));
    }
    g
}

type Parts = (Vec<(u8, u8)>, Vec<(u8, u8, u8)>);

fn parts() -> impl Strategy<Value = Parts> {
    (
        prop::collection::vec((0u8..24, any::<u8>()), 1..24),
        prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 0..40),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_pairs_agree_with_the_naive_evaluator(a in parts(), b in parts()) {
        // The second state shares the first one's nodes where ids meet.
        let ga = graph(&a.0, &a.1);
        let nodes: Vec<(u8, u8)> = a.0.iter().take(a.0.len() / 2).chain(&b.0).copied().collect();
        let edges: Vec<(u8, u8, u8)> = a.1.iter().step_by(2).chain(&b.1).copied().collect();
        let gb = graph(&nodes, &edges);
        let privileged = ["n1", "n2", "n3", "n4"].map(String::from).into_iter().collect();
        let opts = DiffOptions { privileged, ..DiffOptions::default() };
        let d = diff(&snapshot(&ga), &snapshot(&gb), &opts);
        assert_exact(&ga, &gb, &opts, &d);
    }
}
