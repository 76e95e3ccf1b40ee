//! Deterministic synthetic organisations, for tests, benchmarks and the
//! demo.
//!
//! [`generate`] builds an identity graph of a plausible company of any
//! size (250 people for the demo, a million for benchmarks) together with
//! the policy it was built to ([`OrgPolicy`]) and, when drift is on, the
//! list of every departure from that policy it injected ([`Truth`]). The
//! same [`OrgConfig`] always gives the same graph, byte for byte, on every
//! platform and with any number of threads: the generator draws from its
//! own seeded SplitMix64, never from the system.
//!
//! ```
//! use aisf_core::synth::{OrgConfig, generate};
//!
//! let org = generate(&OrgConfig::demo());
//! assert!(org.graph.node_count() > 1000);
//! assert!(!org.truth.is_empty());
//! ```
//!
//! # The organisation
//!
//! - **Persons** `person:<n>` in eleven departments of skewed size (an
//!   executive office with the CEO `person:1`, then Engineering, Sales,
//!   Support, Operations, Marketing, Finance, IT, HR, Product, Legal).
//!   Every person has a `Manager` edge to a manager of their own
//!   department, except department heads (who report to the CEO) and the
//!   CEO. About one in ten individual contributors is a contractor with an
//!   `end_date` in the future.
//! - **Systems** `system:<key>` for `ad`, `entra`, `m365`, `aws`, `github`
//!   and `salesforce`. Everyone has an `ad` and an `entra` account;
//!   everyone but warehouse staff an `m365` one; Engineering and IT an
//!   `aws` one; Engineering a `github` one; Sales and Support a
//!   `salesforce` one. Account ids are `<system>:<username>`; the username
//!   is the email address in Entra, Microsoft 365 and Salesforce and
//!   `<initial><last name><n>` elsewhere. Every account has a
//!   `Correlation` edge to its person. Each system also has service
//!   accounts (`account_type` service), each with an `Owns` edge from an
//!   IT or Engineering person. No `InSystem` edges are made: every node
//!   names its system in [`Node::system`](crate::Node::system).
//! - **Groups** per system: `<s>:group:all-staff`, department groups
//!   `<s>:group:dept-<dept>` (members of all-staff), directory teams
//!   `ad:group:team-<dept>-<k>` of 36 people (members of the department
//!   group, owned by the manager who opens the team), request groups
//!   `<s>:group:req-<entitlement>` for the on-request catalog, access
//!   groups `<s>:group:access-<entitlement>` for the entitlements named in
//!   separation-of-duties rules, and the admin groups. Nesting has a few
//!   cycles (an Engineering team and distribution lists `ad:group:dl-*`
//!   that grant nothing) and one deep chain `ad:group:chain-1` ..
//!   `chain-<depth>` (20 levels at 250 people, one more per doubling) that
//!   IT's department group climbs to reach `ad:ent:legacy-inventory-read`.
//! - **Admin objects**: `ad:group:domain-admins`, `entra:role:global-admin`
//!   (a role) and `aws:group:admins` (granting
//!   `aws:policy:AdministratorAccess`) are tier 0 and held by the Systems
//!   Administrators of IT; tier 1 are `ad:group:helpdesk-operators` and
//!   `entra:role:user-admin` (Service Desk Analysts),
//!   `m365:group:exchange-admins` (Systems Administrators),
//!   `aws:group:power-users` (Site Reliability Engineers),
//!   `github:org-owner` (a role, Engineering Managers) and
//!   `salesforce:group:system-admins` (Sales Operations Analysts).
//! - **Business roles** `<s>:role:<dept>-<title>`: one per (department,
//!   title) in each system where the title has entitlements of its own,
//!   assigned by a `HasRole` edge from the person's account there.
//! - **Entitlements** `<s>:ent:<name>` (AWS managed policies keep their
//!   names: `aws:policy:ReadOnlyAccess`), each with `privileged`,
//!   `resource` and `permission` properties, `tier` when privileged, and
//!   an `OnResource` edge to `<s>:res:<name>`. Clean access flows only
//!   group → entitlement and role → entitlement; the on-request catalog
//!   (`1 + people / 300` per system) is held by service accounts only.
//!
//! # The policy, and how the rules read it
//!
//! The generator builds to an [`OrgPolicy`]; the drift rules are written
//! against the same terms:
//!
//! - The **birthright** of a person is the union of the entitlements of
//!   every [`OrgPolicy::birthright`] entry whose department is the person's
//!   `department` and whose title is `None` or the person's `title`
//!   ([`OrgPolicy::birthright_of`]).
//! - A person's **effective access** is the set of entitlements reachable
//!   from any of their correlated accounts along `MemberOf`, `HasRole` and
//!   `Grant` edges (cycles included). An account's effective access is the
//!   same, from that account alone.
//! - An account is **privileged** when its effective access reaches an
//!   object listed in [`OrgPolicy::privileged`] or an entitlement whose
//!   `privileged` property is true; **tier 0** when one such object has
//!   tier 0.
//! - Emails **match** after trimming and ASCII lowercasing.
//!
//! In a clean organisation (`drift: false`) every person's effective
//! access is exactly their birthright; privileged access comes only from
//! the admin objects, held by the titles the policy names, on accounts
//! that all have MFA; every human account is correlated, enabled and used
//! in the last 30 days; every service account has an owner; and `truth`
//! is empty.
//!
//! # Drift and decoys
//!
//! With `drift: true` about `drift_rate` of the people are touched. Each
//! [`DriftKind`] is injected at least once (too-many-admins only from
//! 10,000 people) and each touched person or account carries exactly one
//! injection. Decoys are added beside the drift: states that look like
//! drift but are within the policy and must produce no finding —
//! leavers inside the grace period, leavers whose accounts are all
//! disabled, movers inside the grace period (their old team still in
//! place), joiners who have not started and whose accounts are disabled,
//! access covered by a valid exception, directory service accounts with
//! an SPN and a password that never expires (not admins), and human
//! accounts of people who hold no privilege without MFA.

mod catalog;
mod convert;
mod drift;
mod emit;
mod people;
mod rng;

use serde::{Deserialize, Serialize};

use crate::{Graph, Node};

pub use emit::{MOVED_AT, PREVIOUS_DEPARTMENT, PREVIOUS_TITLE};

/// The default `now`: 2026-06-30T00:00:00Z.
pub const DEFAULT_NOW: i64 = 1_782_777_600;
/// The seed of [`OrgConfig::demo`].
pub const DEMO_SEED: u64 = 0x5EED_A15F;
/// Days without a login after which an account is stale.
pub const STALE_DAYS: u32 = 90;
/// Days without a login after which a privileged account is stale.
pub const STALE_DAYS_PRIVILEGED: u32 = 45;
/// Days a leaver's accounts may stay enabled after their end date.
pub const LEAVER_GRACE_DAYS: u32 = 7;
/// Days a mover may keep the access of their old department.
pub const MOVER_GRACE_DAYS: u32 = 30;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgConfig {
    /// The number of persons.
    pub people: usize,
    /// The seed; the same seed gives the same organisation.
    pub seed: u64,
    /// The generator's present, in seconds since the Unix epoch: every
    /// date is relative to it.
    pub now: i64,
    /// Whether to inject drift (and decoys).
    pub drift: bool,
    /// The fraction of people drift touches.
    pub drift_rate: f64,
}

impl OrgConfig {
    /// `people` persons, seed 1, [`DEFAULT_NOW`], drift at 4 %.
    pub fn new(people: usize) -> Self {
        OrgConfig { people, seed: 1, now: DEFAULT_NOW, drift: true, drift_rate: 0.04 }
    }

    /// The organisation of `aisf demo`: 250 people, [`DEMO_SEED`], drift on.
    pub fn demo() -> Self {
        OrgConfig { seed: DEMO_SEED, ..OrgConfig::new(250) }
    }
}

/// A generated organisation.
#[derive(Clone, Debug)]
pub struct Org {
    /// Persons, accounts, groups, roles, entitlements, resources, systems.
    pub graph: Graph,
    /// Every drift injected, in the order it was injected.
    pub truth: Vec<Truth>,
    /// The expected state the organisation was built to.
    pub policy: OrgPolicy,
    /// The `now` of the configuration.
    pub now: i64,
    /// The HR person records as they were 60 days before `now`: people who
    /// started since are missing, movers show their old department and
    /// title, leavers are still active.
    pub hr_previous: Vec<Node>,
}

/// One injected departure from the policy: the finding a rule should make.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Truth {
    /// What kind of drift.
    pub kind: DriftKind,
    /// The node the finding is about: the account, or the person where
    /// the drift is about a person (see each kind), or `org` for
    /// organisation-wide findings.
    pub subject: String,
    /// The entitlement concerned, for kinds that name one.
    pub entitlement: Option<String>,
    /// What was done, for a person reading a test failure; for
    /// [`DriftKind::SodViolation`] the name of the rule.
    pub note: String,
}

/// The kinds of drift the generator injects, with the semantics the
/// governance rules are written to. "Now", "stale days" and the grace
/// periods are those of the [`Org`] and its [`OrgPolicy`]; terms in bold
/// in the [module documentation](self) (birthright, effective access,
/// privileged, match) are used as defined there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DriftKind {
    /// An enabled human account with no `Correlation` edge and nothing to
    /// match a person on: neither `employee_id` nor `email`. Subject: the
    /// account.
    OrphanAccount,
    /// A person with `status` terminated and an `end_date` more than
    /// `leaver_grace_days` before now: one finding per enabled correlated
    /// account. Subject: the account.
    LeaverActive,
    /// An enabled account that is not privileged, with `last_login` more
    /// than `stale_days` before now. Subject: the account.
    StaleAccount,
    /// An enabled privileged account with `last_login` more than
    /// `stale_days_privileged` before now. Subject: the account.
    StalePrivileged,
    /// A person with `moved_at` more than `mover_grace_days` before now
    /// who holds entitlements in the birthright of their
    /// `previous_department` and `previous_title` that their current
    /// birthright lacks: one finding per such entitlement. Subject: the
    /// person.
    MoverResidual,
    /// An entitlement in a correlated account's effective access that is
    /// not in its person's birthright, not named by any exception for that
    /// person (expired or not: expiry is [`DriftKind::ExpiredException`]),
    /// and, for a person with `moved_at`, not in the birthright of their
    /// previous department and title (that is
    /// [`DriftKind::MoverResidual`], or within grace). Subject: the
    /// account; entitlement: the one held.
    ExcessAccess,
    /// A person whose effective access contains every entitlement of one
    /// [`OrgPolicy::sod`] rule. Exceptions do not waive it: the injected
    /// cases carry a valid exception for the added entitlement so that
    /// they are not also excess access. Subject: the person; note: the
    /// rule name.
    SodViolation,
    /// An enabled privileged account whose `mfa` is not true. Subject:
    /// the account.
    PrivilegedNoMfa,
    /// A `Grant` edge from an account to an entitlement. The injected
    /// entitlements are in the birthright and not privileged, so nothing
    /// else is found. Subject: the account; entitlement: the one granted.
    DirectGrant,
    /// An [`OrgPolicy::exceptions`] entry whose `until` is before now while
    /// its person still holds its entitlement. Subject: the person;
    /// entitlement: the exception's.
    ExpiredException,
    /// An account with `account_type` service or shared and no `Owns`
    /// edge into it. Subject: the account.
    ServiceNoOwner,
    /// A privileged `ad` account with `password_never_expires` true.
    /// Subject: the account.
    PrivilegedPwdNeverExpires,
    /// A privileged `ad` account with `has_spn` true (kerberoastable).
    /// Subject: the account.
    PrivilegedKerberoastable,
    /// A privileged `ad` account with `dont_req_preauth` true (AS-REP
    /// roastable). Subject: the account.
    PrivilegedAsrepRoastable,
    /// A person with `employment_type` contractor, `status` active and an
    /// `end_date` before now: one finding per enabled correlated account.
    /// Subject: the account.
    ContractorPastEnd,
    /// A person whose `start_date` is after now: one finding per enabled
    /// correlated account with non-empty effective access. Subject: the
    /// account.
    JoinerEarlyAccess,
    /// An enabled human account with no `Correlation` edge whose
    /// `employee_id` or `email` is set but matches no person. Unlike an
    /// orphan it has something to match on; the match just fails.
    /// Subject: the account.
    NoHrRecord,
    /// An enabled human account with no `Correlation` edge whose `email`
    /// matches the `email` of two or more persons. Subject: the account.
    DisputedAccount,
    /// More tier-0 admins than [`OrgPolicy::max_admins`], counting each
    /// person who holds tier-0 access through an enabled account once and
    /// each enabled uncorrelated tier-0 account once. Injected (by hiring
    /// more Systems Administrators) only from 10,000 people. Subject:
    /// `org`.
    TooManyAdmins,
}

impl DriftKind {
    /// Every kind, in declaration order.
    pub const ALL: [DriftKind; 19] = [
        DriftKind::OrphanAccount,
        DriftKind::LeaverActive,
        DriftKind::StaleAccount,
        DriftKind::StalePrivileged,
        DriftKind::MoverResidual,
        DriftKind::ExcessAccess,
        DriftKind::SodViolation,
        DriftKind::PrivilegedNoMfa,
        DriftKind::DirectGrant,
        DriftKind::ExpiredException,
        DriftKind::ServiceNoOwner,
        DriftKind::PrivilegedPwdNeverExpires,
        DriftKind::PrivilegedKerberoastable,
        DriftKind::PrivilegedAsrepRoastable,
        DriftKind::ContractorPastEnd,
        DriftKind::JoinerEarlyAccess,
        DriftKind::NoHrRecord,
        DriftKind::DisputedAccount,
        DriftKind::TooManyAdmins,
    ];

    /// The stable rule id, as findings and policy files name it.
    pub fn id(&self) -> &'static str {
        match self {
            DriftKind::OrphanAccount => "orphan-account",
            DriftKind::LeaverActive => "leaver-active",
            DriftKind::StaleAccount => "stale-account",
            DriftKind::StalePrivileged => "stale-privileged",
            DriftKind::MoverResidual => "mover-residual",
            DriftKind::ExcessAccess => "excess-access",
            DriftKind::SodViolation => "sod-violation",
            DriftKind::PrivilegedNoMfa => "privileged-no-mfa",
            DriftKind::DirectGrant => "direct-grant",
            DriftKind::ExpiredException => "expired-exception",
            DriftKind::ServiceNoOwner => "service-no-owner",
            DriftKind::PrivilegedPwdNeverExpires => "privileged-pwd-never-expires",
            DriftKind::PrivilegedKerberoastable => "privileged-kerberoastable",
            DriftKind::PrivilegedAsrepRoastable => "privileged-asrep-roastable",
            DriftKind::ContractorPastEnd => "contractor-past-end",
            DriftKind::JoinerEarlyAccess => "joiner-early-access",
            DriftKind::NoHrRecord => "no-hr-record",
            DriftKind::DisputedAccount => "disputed-account",
            DriftKind::TooManyAdmins => "too-many-admins",
        }
    }
}

/// Access a person holds outside their birthright, with approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    /// The person (node id).
    pub person: String,
    /// The entitlement (node id).
    pub entitlement: String,
    /// Why it was approved.
    pub reason: String,
    /// Who approved it (a person's node id).
    pub approved_by: String,
    /// When it lapses, in seconds since the Unix epoch.
    pub until: i64,
}

/// The expected state the generator built to, as plain data for the
/// policy-file writer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPolicy {
    /// `(department, title, entitlements)`: a title of `None` applies to
    /// the whole department; a person's birthright is the union of the
    /// entries that apply to them.
    pub birthright: Vec<(String, Option<String>, Vec<String>)>,
    /// `(group, role or entitlement id, tier)` of every privileged object.
    pub privileged: Vec<(String, u8)>,
    /// `(rule name, entitlements)`: no one may hold all of a rule's set.
    pub sod: Vec<(String, Vec<String>)>,
    /// Approved access outside the birthright.
    pub exceptions: Vec<Exception>,
    /// Days without a login after which an account is stale.
    pub stale_days: u32,
    /// Days without a login after which a privileged account is stale.
    pub stale_days_privileged: u32,
    /// Days a leaver's accounts may stay enabled.
    pub leaver_grace_days: u32,
    /// Days a mover may keep the access of their old department.
    pub mover_grace_days: u32,
    /// The most tier-0 admins allowed (counted as in
    /// [`DriftKind::TooManyAdmins`]).
    pub max_admins: u32,
}

impl OrgPolicy {
    /// The birthright of a (department, title): the sorted, deduplicated
    /// union of the entries that apply.
    pub fn birthright_of(&self, department: &str, title: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .birthright
            .iter()
            .filter(|(d, t, _)| d == department && t.as_deref().is_none_or(|t| t == title))
            .flat_map(|(_, _, ents)| ents.iter().map(String::as_str))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The tier of a privileged object, if the policy lists it.
    pub fn tier_of(&self, id: &str) -> Option<u8> {
        self.privileged.iter().find(|(p, _)| p == id).map(|(_, tier)| *tier)
    }
}

/// Generates the organisation `config` describes.
///
/// Deterministic: the same configuration gives the same graph, truth,
/// policy and HR history, whatever the platform or the number of threads.
pub fn generate(config: &OrgConfig) -> Org {
    let cat = catalog::Catalog::new(config.people);
    let too_many = config.drift && config.people >= 10_000;
    let mut layout = people::layout(config.people, config.seed, config.now, too_many);
    let plan = drift::plan(config, &cat, &mut layout);

    let mut graph = Graph::new();
    emit::structure(&mut graph, &cat, &layout, config.people);
    let ctx =
        emit::Ctx { cat: &cat, layout: &layout, plan: &plan, seed: config.seed, now: config.now };
    let hr_previous = emit::people(&mut graph, &ctx);
    emit::standalone(&mut graph, &plan.standalone);

    let policy = policy(&cat, &layout, plan.exceptions);
    Org { graph, truth: plan.truth, policy, now: config.now, hr_previous }
}

/// The policy in plain data: department-wide birthright entries hold what
/// every title of the department shares; title entries hold the rest.
fn policy(
    cat: &catalog::Catalog,
    layout: &people::Layout,
    exceptions: Vec<Exception>,
) -> OrgPolicy {
    let id = |k: &usize| cat.ents[*k].id.clone();
    let mut birthright = Vec::new();
    for (d, dept) in catalog::DEPTS.iter().enumerate() {
        let per_title = &cat.birthright[d];
        let common: Vec<usize> = per_title[0]
            .iter()
            .copied()
            .filter(|k| per_title.iter().all(|b| b.contains(k)))
            .collect();
        birthright.push((dept.name.to_string(), None, common.iter().map(id).collect()));
        for (t, title) in dept.titles.iter().enumerate() {
            let own: Vec<String> =
                per_title[t].iter().filter(|k| !common.contains(k)).map(id).collect();
            if !own.is_empty() {
                birthright.push((dept.name.to_string(), Some(title.name.to_string()), own));
            }
        }
    }

    let mut privileged: Vec<(String, u8)> =
        cat.admins.iter().map(|a| (a.id.to_string(), a.tier)).collect();
    privileged.extend(cat.ents.iter().filter_map(|e| e.tier.map(|t| (e.id.clone(), t))));
    let sod =
        cat.sod.iter().map(|r| (r.name.to_string(), vec![id(&r.first), id(&r.second)])).collect();

    OrgPolicy {
        birthright,
        privileged,
        sod,
        exceptions,
        stale_days: STALE_DAYS,
        stale_days_privileged: STALE_DAYS_PRIVILEGED,
        leaver_grace_days: LEAVER_GRACE_DAYS,
        mover_grace_days: MOVER_GRACE_DAYS,
        max_admins: layout.max_admins,
    }
}
