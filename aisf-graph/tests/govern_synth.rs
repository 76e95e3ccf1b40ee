//! Every rule against the generator's ground truth: on organisations with
//! drift, the findings are exactly the injected drift (decoys make none);
//! on clean organisations there are no findings at all.

use std::collections::BTreeMap;

use aisf_core::finding::{Finding, RuleId};
use aisf_core::synth::{DriftKind, Org, OrgConfig, Truth, generate};
use aisf_graph::govern::{Scan, ScanOptions, scan};
use aisf_graph::{BuildOptions, Snapshot, build_bytes};

type Key = (String, String, Option<String>);

fn snapshot(org: &Org) -> Snapshot {
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(&org.graph, &opts).unwrap();
    Snapshot::from_bytes(&bytes).unwrap()
}

fn rule_of(kind: DriftKind) -> RuleId {
    RuleId::parse(kind.id()).unwrap_or_else(|| panic!("no rule for {kind:?}"))
}

fn truth_key(t: &Truth) -> Key {
    (rule_of(t.kind).as_str().to_string(), t.subject.clone(), t.entitlement.clone())
}

fn finding_key(f: &Finding) -> Key {
    (f.rule.as_str().to_string(), f.subject().to_string(), f.entitlement.clone())
}

fn tally(keys: impl Iterator<Item = Key>) -> BTreeMap<Key, usize> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

fn run(config: &OrgConfig) -> (Org, Scan) {
    let org = generate(config);
    let snap = snapshot(&org);
    let report = scan(&snap, &org.scan_policy(), &ScanOptions::default());
    (org, report)
}

/// Precision and recall both 1, per rule; a failure lists what was missed
/// and what was found beyond the truth.
fn assert_exact(config: &OrgConfig) {
    let (org, report) = run(config);
    let want = tally(org.truth.iter().map(truth_key));
    let got = tally(report.findings.iter().map(finding_key));
    let missed: Vec<_> = want.iter().filter(|(k, n)| got.get(*k) != Some(n)).collect();
    let extra: Vec<_> = got.iter().filter(|(k, n)| want.get(*k) != Some(n)).collect();
    let example = |k: &Key| report.findings.iter().find(|f| finding_key(f) == *k).cloned();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{config:?}\nmissed {}: {missed:#?}\nextra {}: {extra:#?}\nfirst extra: {:#?}",
        missed.len(),
        extra.len(),
        extra.first().and_then(|(k, _)| example(k)),
    );
    for kind in DriftKind::ALL {
        if kind == DriftKind::TooManyAdmins && config.people < 10_000 {
            continue;
        }
        assert!(org.truth.iter().any(|t| t.kind == kind), "{kind:?} was not injected");
    }
}

#[test]
fn demo_findings_are_exactly_the_truth() {
    assert_exact(&OrgConfig::demo());
}

#[test]
fn small_orgs_of_several_seeds_are_exact() {
    for seed in [1, 2, 3, 42] {
        assert_exact(&OrgConfig { seed, ..OrgConfig::new(250) });
    }
}

#[test]
fn a_2000_person_org_is_exact() {
    assert_exact(&OrgConfig { seed: 7, ..OrgConfig::new(2_000) });
}

#[test]
fn a_10000_person_org_is_exact_with_too_many_admins() {
    assert_exact(&OrgConfig { seed: 11, ..OrgConfig::new(10_000) });
}

#[test]
fn clean_orgs_have_no_findings() {
    for (people, seed) in [(250, 1), (2_000, 5)] {
        let (_, report) = run(&OrgConfig { seed, drift: false, ..OrgConfig::new(people) });
        assert!(
            report.findings.is_empty(),
            "{people}/{seed}: {:#?}",
            &report.findings[..3.min(report.findings.len())]
        );
        assert_eq!(report.silenced, 0);
    }
}

#[test]
fn findings_carry_evidence_and_are_ranked() {
    let (_, report) = run(&OrgConfig::demo());
    assert!(report.findings.windows(2).all(|w| w[0].factors.raw >= w[1].factors.raw));
    for f in &report.findings {
        assert!(!f.explanation.is_empty() && !f.clause.is_empty(), "{f:#?}");
        if matches!(f.rule, RuleId::ExcessAccess | RuleId::MoverResidual | RuleId::ExpiredException)
        {
            let last = f.path.last().map(|s| s.node.as_str());
            assert_eq!(last, f.entitlement.as_deref(), "{f:#?}");
        }
    }
}

#[test]
fn scans_are_deterministic() {
    let org = generate(&OrgConfig { seed: 9, ..OrgConfig::new(1_000) });
    let snap = snapshot(&org);
    let policy = org.scan_policy();
    let first = scan(&snap, &policy, &ScanOptions::default());
    for _ in 0..3 {
        assert_eq!(scan(&snap, &policy, &ScanOptions::default()), first);
    }
}
