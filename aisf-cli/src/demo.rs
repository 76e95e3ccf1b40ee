//! `aisf demo`: a generated organisation, end to end, with nothing but this
//! program.

use std::path::Path;

use aisf::NodeKind;
use aisf::core::ingest::csv_bundle::write_bundle;
use aisf::core::synth::{DEMO_SEED, OrgConfig, generate};
use aisf::graph::govern::{ScanOptions, scan};
use aisf::graph::{BuildOptions, NodeId, build};

use crate::display;
use crate::query::{open, path_text};
use crate::{Exit, Failure, Outcome};

/// Generates the organisation, writes its snapshot and its exports, and
/// shows who holds privileged access and why.
pub fn run(out: &Path, people: usize, seed: Option<u64>) -> Outcome {
    let config = OrgConfig { seed: seed.unwrap_or(DEMO_SEED), ..OrgConfig::new(people) };
    let org = generate(&config);
    let write_failed =
        |what: &str, e: &dyn std::fmt::Display| Failure::new(Exit::Output, format!("{what}: {e}"));

    // The exports first, as a CSV bundle a person can read and ingest.
    let exports = out.join("exports");
    std::fs::create_dir_all(&exports)
        .map_err(|e| write_failed(&exports.display().to_string(), &e))?;
    write_bundle(&org.graph, &exports)
        .map_err(|e| write_failed(&exports.display().to_string(), &e))?;
    let mut policy = org.scan_policy();
    let policy_path = out.join("policy.toml");
    policy.file = policy_path.display().to_string();
    let policy_text = toml::to_string(&policy).map_err(|e| write_failed("policy.toml", &e))?;
    let header = "# The policy the demo organisation was built to, written by `aisf demo`.\n\
                  # See examples/policy.toml for every option, with comments.\n\n";
    std::fs::write(&policy_path, format!("{header}{policy_text}"))
        .map_err(|e| write_failed(&policy_path.display().to_string(), &e))?;
    let path = out.join("org.aisf");
    let opts = BuildOptions { created: Some(org.now), ..BuildOptions::default() };
    let built = build(&org.graph, &path, &opts)
        .map_err(|e| write_failed(&path.display().to_string(), &e))?;
    let snap = open(&path)?;

    let count = |kind: &NodeKind| snap.kind_range(kind).len();
    display::heading("The demo organisation");
    display::line(format!(
        "{} people, {} accounts in {} systems, {} groups, {} roles, {} entitlements",
        count(&NodeKind::Person),
        count(&NodeKind::Account),
        count(&NodeKind::System).max(snap.systems().len()),
        count(&NodeKind::Group),
        count(&NodeKind::Role),
        count(&NodeKind::Entitlement),
    ));
    display::line(format!(
        "snapshot {}: {} nodes, {} edges, {} bytes",
        path.display(),
        built.nodes,
        built.edges,
        built.file_bytes
    ));
    let all = snap.access_all();
    display::line(format!(
        "effective access: {} (account, entitlement) pairs; {} distinct access sets",
        all.total_pairs(),
        all.distinct_sets()
    ));

    // The privileged population, tier 0 first: who can reach each object.
    display::heading("Privileged access: who can reach it");
    let mut privileged = org.policy.privileged.clone();
    privileged.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut rows = vec![vec!["tier".into(), "object".into(), "persons".into(), "accounts".into()]];
    let mut example: Option<(NodeId, NodeId)> = None;
    for (id, tier) in &privileged {
        let Some(v) = snap.find(id) else { continue };
        let who = snap.who_can_access(v);
        if example.is_none() && *tier == 0 {
            example = who.persons.min().map(|p| (NodeId(p), v));
        }
        rows.push(vec![
            tier.to_string(),
            id.clone(),
            who.persons.len().to_string(),
            who.accounts.len().to_string(),
        ]);
    }
    display::table(&rows, 60);

    if let Some((person, target)) = example
        && let Some(why) = snap.explain(person, target)
    {
        display::heading("Why does this person hold tier-0 access?");
        display::line(path_text(&snap, &why.path));
    }

    // The main job: every departure from the policy, ranked by risk.
    let result = scan(&snap, &policy, &ScanOptions::default());
    display::heading("Findings, highest risk first");
    crate::scan::table(&result, 15);

    // The evidence pack and its report page, beside the snapshot.
    let title = "AISF access report: the demo organisation";
    let report = crate::report::build_report(&snap, &policy, &result, None, title);
    let files = crate::report::write_report(&report, out)?;
    display::heading("Evidence pack");
    display::line(format!(
        "{} files, with the report page {} (open it in a browser) and the remediation plan {}",
        files.len(),
        out.join("report.html").display(),
        out.join("plan.json").display()
    ));

    display::heading("Try next");
    let p = path.display();
    display::line(format!("aisf scan {p} --policy {} --top 50", policy_path.display()));
    display::line(format!("aisf info {p} --verify"));
    display::line(format!(
        "aisf plan {p} --policy {} --format powershell --out ad.ps1",
        policy_path.display()
    ));
    display::line(format!("aisf who {p} aws:policy:AdministratorAccess"));
    display::line(format!("aisf access {p} person:1"));
    display::line(format!("aisf ingest {} --out org.aisf", exports.display()));
    Ok(())
}
