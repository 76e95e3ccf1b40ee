//! Governance: the rules that compare a snapshot with a [`Policy`] and
//! report every departure as a [`Finding`], ranked by risk.
//!
//! [`scan`] computes the effective access of every account once
//! ([`Snapshot::access_all`]), the privilege tier each account reaches,
//! each person's birthright, and then runs the rules in parallel. Each
//! rule has a stable [`RuleId`]; the policy's `[rules]` section turns rules
//! off or changes their severity, and an active `[[exception]]` silences
//! the findings it names.
//!
//! | rule | subject | finds |
//! |---|---|---|
//! | `orphan-account` | account | enabled human account, no person, nothing to match on |
//! | `no-hr-record` | account | same, with an employee id or email that matches no person |
//! | `disputed-account` | account | same, with an email two or more persons share |
//! | `uncorrelated-account` | account | same, matching exactly one person |
//! | `stale-account` | account | enabled, unprivileged, no login for `stale_days` |
//! | `stale-privileged` | account | enabled, privileged, no login for `stale_days_privileged` |
//! | `leaver-active` | account | enabled account of a terminated person past the grace |
//! | `mover-residual` | person | previous birthright kept past the mover grace |
//! | `joiner-early-access` | account | enabled, with access, before the start date |
//! | `excess-access` | account | entitlement outside birthright and exceptions |
//! | `sod-violation` | person | holds a forbidden combination |
//! | `privileged-no-mfa` | account | enabled, privileged, `mfa` not true |
//! | `direct-grant` | account | `Grant` edge from the account to an entitlement |
//! | `expired-exception` | person | expired exception whose access remains |
//! | `service-no-owner` | account | service or shared account with no `Owns` edge |
//! | `privileged-pwd-never-expires` | account | privileged, `password_never_expires` |
//! | `privileged-kerberoastable` | account | privileged, `has_spn` |
//! | `privileged-asrep-roastable` | account | privileged, `dont_req_preauth` |
//! | `contractor-past-end` | account | enabled account of an active contractor past `end_date` |
//! | `too-many-admins` | `org` | more tier-0 holders than `max_admins` |
//! | `peer-outlier` | person | entitlement held by at most `peer_outlier_max_share` of peers |
//!
//! The exact semantics are those the synthetic generator documents on
//! [`aisf_core::synth::DriftKind`]; the tests hold every rule to them.
//! Two rules have no counterpart there: `uncorrelated-account` (an
//! account that matches exactly one person yet is not linked to them) and
//! `peer-outlier`, which judges only persons no `[[role]]` describes
//! (everyone, when the policy has no roles), so that it complements
//! `excess-access` rather than repeating it. `excess-access` needs a
//! birthright model: it does not run when the policy has no `[[role]]`.
//!
//! ```
//! use aisf_core::synth::{OrgConfig, generate};
//! use aisf_graph::govern::{ScanOptions, scan};
//! use aisf_graph::{BuildOptions, Snapshot, build_bytes};
//!
//! let org = generate(&OrgConfig::demo());
//! let (bytes, _) = build_bytes(&org.graph, &BuildOptions::default()).unwrap();
//! let snap = Snapshot::from_bytes(&bytes).unwrap();
//! let report = scan(&snap, &org.scan_policy(), &ScanOptions::default());
//! assert_eq!(report.findings.len(), org.truth.len());
//! assert!(report.findings.windows(2).all(|w| w[0].factors.raw >= w[1].factors.raw));
//! ```

mod access;
mod birthright;
pub(crate) mod context;
mod evidence;
mod hygiene;
mod identity;
mod peers;
pub mod plan;
pub mod risk;

use aisf_core::finding::{Action, Finding, RuleId};
use aisf_core::policy::{Policy, Severity};
use aisf_core::pseudonym::{Identity, Pseudonymiser};
use aisf_core::{NodeKind, Value, props};
use rayon::prelude::*;

use crate::snapshot::Snapshot;
use context::Ctx;
pub(crate) use context::with_target;

/// How to run a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// The evaluation time, in seconds since the Unix epoch. When `None`,
    /// the policy's `thresholds.now`, else the system clock.
    pub now: Option<i64>,
    /// When set, only these rules run (the policy may still turn them off).
    pub only: Option<Vec<RuleId>>,
    /// Skip computing justification paths (faster on very large scans);
    /// findings then have an empty `path` and remediation actions that do
    /// not name the membership to remove fall back to a generic one.
    pub no_paths: bool,
}

/// The result of a scan.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Scan {
    /// Every finding, highest risk first; ties broken by rule id, subject
    /// and entitlement, so the order is stable.
    pub findings: Vec<Finding>,
    /// The evaluation time used.
    pub now: i64,
    /// The rules that ran.
    pub rules: Vec<RuleId>,
    /// Findings an active exception silenced.
    pub silenced: usize,
}

impl Scan {
    /// The findings of one rule.
    pub fn of_rule(&self, rule: RuleId) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    /// How many findings each rule made, for every rule that ran.
    pub fn counts(&self) -> Vec<(RuleId, usize)> {
        self.rules.iter().map(|&r| (r, self.of_rule(r).count())).collect()
    }
}

/// A finding before it is resolved to ids and scored.
#[derive(Clone, Debug)]
pub(crate) struct Hit {
    pub(crate) rule: RuleId,
    pub(crate) person: Option<u32>,
    pub(crate) account: Option<u32>,
    pub(crate) entitlement: Option<u32>,
    /// Other entitlements involved (the conflicting set of an SoD rule).
    pub(crate) related: Vec<u32>,
    /// The node the justification path leads to, from the account (or the
    /// person when there is no account).
    pub(crate) target: Option<u32>,
    pub(crate) clause: String,
    pub(crate) first_seen: Option<i64>,
    pub(crate) explanation: String,
    pub(crate) action: Remedy,
    /// A severity of the rule's own (SoD rules carry one).
    pub(crate) severity: Option<Severity>,
}

impl Hit {
    pub(crate) fn new(rule: RuleId, clause: String, explanation: String, action: Remedy) -> Hit {
        Hit {
            rule,
            person: None,
            account: None,
            entitlement: None,
            related: Vec::new(),
            target: None,
            clause,
            first_seen: None,
            explanation,
            action,
            severity: None,
        }
    }

    pub(crate) fn account(mut self, a: u32) -> Hit {
        self.account = Some(a);
        self
    }

    pub(crate) fn person(mut self, p: Option<u32>) -> Hit {
        self.person = p;
        self
    }

    pub(crate) fn entitlement(mut self, e: u32) -> Hit {
        self.entitlement = Some(e);
        self.target = Some(e);
        self
    }

    pub(crate) fn target(mut self, t: Option<u32>) -> Hit {
        self.target = t;
        self
    }

    pub(crate) fn since(mut self, t: Option<i64>) -> Hit {
        self.first_seen = t;
        self
    }
}

/// How a finding is remedied.
#[derive(Clone, Debug)]
pub(crate) enum Remedy {
    /// This action.
    Fixed(Action),
    /// Cut the first direct membership, role or grant on the path to the
    /// target; this action when there is no path.
    CutPath(Action),
}

/// The persons and accounts of a snapshot as identities to hide: each
/// with its id, name, email and username.
pub fn identities(snapshot: &Snapshot) -> Vec<Identity> {
    let mut out = Vec::new();
    for kind in [NodeKind::Person, NodeKind::Account] {
        for v in snapshot.kind_range(&kind) {
            let node = snapshot.node(crate::NodeId(v));
            let mut identity = Identity::new(node.id());
            identity.names.extend(node.name().map(str::to_string));
            for (key, list) in
                [(props::EMAIL, &mut identity.emails), (props::USERNAME, &mut identity.usernames)]
            {
                if let Some(Value::Str(text)) = node.prop(key) {
                    list.push(text);
                }
            }
            out.push(identity);
        }
    }
    out
}

/// Replaces the names, emails, usernames and ids of persons and accounts
/// in every finding of `scan` by pseudonyms derived from `key` (see
/// [`aisf_core::pseudonym`]): the same person gets the same pseudonym in
/// every finding of the report; another key gives other pseudonyms.
pub fn pseudonymise(scan: &mut Scan, snapshot: &Snapshot, key: u64) {
    let p = Pseudonymiser::new(key, identities(snapshot));
    scan.findings.par_iter_mut().for_each(|f| p.finding(f));
}

/// Compares a snapshot with a policy and returns every finding, highest
/// risk first.
///
/// Rules run in parallel over the effective access of every account,
/// computed once. The policy's `[rules]` turn rules off and override their
/// severity; an active exception silences the findings it names (an
/// exception without `rule` silences every finding about its entitlement
/// except `sod-violation`, which only an exception naming that rule waives).
pub fn scan(snapshot: &Snapshot, policy: &Policy, opts: &ScanOptions) -> Scan {
    let now = opts.now.or(policy.now().map(|t| t.seconds())).unwrap_or_else(system_now);
    let rules: Vec<RuleId> = RuleId::ALL
        .into_iter()
        .filter(|r| policy.rule_enabled(r.as_str()))
        .filter(|r| opts.only.as_ref().is_none_or(|only| only.contains(r)))
        .collect();

    let ctx = Ctx::new(snapshot, policy, now);
    let hits: Vec<Hit> = passes(&rules).par_iter().flat_map_iter(|p| run(&ctx, p)).collect();
    let before = hits.len();
    let hits: Vec<Hit> = hits.into_iter().filter(|h| !evidence::silenced(&ctx, h)).collect();
    let silenced = before - hits.len();

    let mut findings: Vec<Finding> =
        hits.par_iter().map(|h| evidence::finding(&ctx, h, !opts.no_paths)).collect();
    findings.sort_by(|a, b| {
        b.factors
            .raw
            .total_cmp(&a.factors.raw)
            .then_with(|| a.rule.as_str().cmp(b.rule.as_str()))
            .then_with(|| a.subject().cmp(b.subject()))
            .then_with(|| a.entitlement.cmp(&b.entitlement))
            .then_with(|| a.clause.cmp(&b.clause))
    });
    Scan { findings, now, rules, silenced }
}

/// Rules that share one pass over the accounts.
const SHARED: [&[RuleId]; 2] = [
    &[
        RuleId::OrphanAccount,
        RuleId::NoHrRecord,
        RuleId::DisputedAccount,
        RuleId::UncorrelatedAccount,
    ],
    &[RuleId::StaleAccount, RuleId::StalePrivileged],
];

/// The rules to run, grouped into passes.
fn passes(rules: &[RuleId]) -> Vec<Vec<RuleId>> {
    let mut out: Vec<Vec<RuleId>> = SHARED
        .iter()
        .map(|group| group.iter().copied().filter(|r| rules.contains(r)).collect::<Vec<_>>())
        .filter(|group| !group.is_empty())
        .collect();
    let shared = |r: &RuleId| SHARED.iter().any(|g| g.contains(r));
    out.extend(rules.iter().filter(|r| !shared(r)).map(|&r| vec![r]));
    out
}

fn run(ctx: &Ctx<'_>, rules: &[RuleId]) -> Vec<Hit> {
    use RuleId::*;
    let Some(&rule) = rules.first() else { return Vec::new() };
    match rule {
        OrphanAccount | NoHrRecord | DisputedAccount | UncorrelatedAccount => {
            identity::uncorrelated(ctx, rules)
        }
        StaleAccount | StalePrivileged => hygiene::stale(ctx, rules),
        ServiceNoOwner => identity::service_no_owner(ctx),
        LeaverActive => identity::leavers(ctx),
        ContractorPastEnd => identity::contractors(ctx),
        JoinerEarlyAccess => identity::joiners(ctx),
        PrivilegedNoMfa => hygiene::no_mfa(ctx),
        PrivilegedPwdNeverExpires | PrivilegedKerberoastable | PrivilegedAsrepRoastable => {
            hygiene::ad_flags(ctx, rule)
        }
        DirectGrant => hygiene::direct_grants(ctx),
        TooManyAdmins => hygiene::too_many_admins(ctx),
        ExcessAccess => access::excess(ctx),
        MoverResidual => access::movers(ctx),
        SodViolation => access::sod(ctx),
        ExpiredException => access::expired(ctx),
        PeerOutlier => peers::outliers(ctx),
        _ => Vec::new(),
    }
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
