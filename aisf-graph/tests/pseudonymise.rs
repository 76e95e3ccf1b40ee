//! Pseudonymised evidence: a scan of the generated organisation names no
//! person or account once pseudonymised, and stays consistent within the
//! report (one person, one pseudonym; the same findings, in the same order).

use std::collections::{BTreeMap, BTreeSet};

use aisf_core::synth::{OrgConfig, generate};
use aisf_graph::govern::{ScanOptions, identities, pseudonymise, scan};
use aisf_graph::{BuildOptions, Snapshot, build_bytes};

#[test]
fn no_name_email_or_id_of_a_person_survives_and_pseudonyms_are_consistent() {
    let org = generate(&OrgConfig::new(80));
    let opts = BuildOptions { created: Some(0), ..BuildOptions::default() };
    let (bytes, _) = build_bytes(&org.graph, &opts).unwrap();
    let snap = Snapshot::from_bytes(&bytes).unwrap();
    let policy = org.scan_policy();
    let plain = scan(&snap, &policy, &ScanOptions::default());
    assert!(plain.findings.len() > 10, "too few findings to test: {}", plain.findings.len());

    let mut hidden = plain.clone();
    pseudonymise(&mut hidden, &snap, 0x5eed);
    let json = serde_json::to_string(&hidden).unwrap();
    let mut checked = 0;
    for identity in identities(&snap) {
        // Only identities the report mentions at all matter.
        let plain_json = serde_json::to_string(&plain).unwrap();
        if !plain_json.contains(&identity.id) {
            continue;
        }
        checked += 1;
        assert!(!json.contains(&format!("\"{}\"", identity.id)), "{} survived", identity.id);
        for secret in identity.names.iter().chain(&identity.emails) {
            assert!(!json.contains(secret.as_str()), "{secret} survived");
        }
    }
    assert!(checked > 5, "only {checked} identities in the report");

    // Same findings, same order; one pseudonym per person.
    assert_eq!(hidden.findings.len(), plain.findings.len());
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (a, b) in plain.findings.iter().zip(&hidden.findings) {
        assert_eq!((a.rule, a.risk, &a.entitlement), (b.rule, b.risk, &b.entitlement));
        if let (Some(real), Some(alias)) = (&a.person, &b.person) {
            let first = seen.entry(real.clone()).or_insert_with(|| alias.clone());
            assert_eq!(first, alias, "{real} got two pseudonyms");
        }
    }
    let aliases: BTreeSet<&String> = seen.values().collect();
    assert_eq!(aliases.len(), seen.len(), "two persons share a pseudonym");

    // The same key again gives the same report; another key another one.
    let mut again = plain.clone();
    pseudonymise(&mut again, &snap, 0x5eed);
    assert_eq!(serde_json::to_string(&again).unwrap(), json);
    let mut other = plain.clone();
    pseudonymise(&mut other, &snap, 0xbeef);
    assert_ne!(serde_json::to_string(&other).unwrap(), json);
}
