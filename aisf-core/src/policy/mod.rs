//! The governance policy: the expected state that drift is measured against.
//!
//! A policy is a TOML file (see `examples/policy.toml` for a commented
//! one). It says which entitlements each business role should bring
//! (birthright access), what is privileged and at which tier, which
//! combinations no person may hold (segregation of duties), which
//! deviations were accepted and until when (exceptions), who must own
//! non-personal accounts, the thresholds of the hygiene rules, the weights
//! of the risk score and which rules run at what severity.
//!
//! | section | Rust | what it holds |
//! |---|---|---|
//! | `version` | [`Policy::version`] | schema version, 1 (optional) |
//! | `[thresholds]` | [`Thresholds`] | staleness, grace periods, admins, peers, "now" |
//! | `[privileged_defaults]` | [`PrivilegedDefaults`] | built-in privileged rules, exclusions |
//! | `[[privileged]]` | [`PrivilegedRule`] | entitlement, group, role or SID patterns with a tier |
//! | `[[role]]` | [`Role`] | business roles: who (department, title...) gets what |
//! | `[[sod]]` | [`SodRule`] | entitlements no one may hold together |
//! | `[[exception]]` | [`Exception`] | accepted deviations with an expiry |
//! | `[owners]` | [`Owners`] | which account types need an owner; owner assignments |
//! | `[risk]` | [`RiskWeights`] | weights of the risk score |
//! | `[rules]` | [`RuleSetting`] | rules on or off, severity overrides |
//!
//! Every section is optional and every threshold and weight has a default
//! (listed on its field). Unknown keys are errors, so a typo never silently
//! turns a setting off.
//!
//! Reading a policy checks its form and ranges ([`PolicyError`] names file,
//! line, column and key path). Checking it against the names present in the
//! data is a second, separate step, [`Policy::check_names`], which returns
//! warnings with suggestions rather than failing.
//!
//! # Matching
//!
//! Names in a policy are [`Pattern`]s: globs with `*` and `?`, matched
//! without regard to case. A pattern for an entitlement, group or role
//! matches a node when it matches the node's **id** or its **name**. Ids
//! carry their system as a prefix by convention (`aws:ent:s3-read-logs`), so
//! `github:*` selects a whole system and `*:ent:email` one permission in
//! every system. Privileged rules can also match an AD object's **SID**
//! (the `sid` or `objectid` property) and can be limited to some systems.
//!
//! ```
//! use aisf_core::policy::{Policy, Severity};
//!
//! let policy = Policy::from_toml_str(r#"
//! [thresholds]
//! stale_days = 60
//!
//! [[role]]
//! name = "Engineering"
//! department = "Engineering"
//! grants = ["github:*", "aws:ent:s3-read-*"]
//!
//! [rules]
//! "stale-account" = { severity = "low" }
//! "#, "policy.toml").unwrap();
//!
//! assert_eq!(policy.thresholds.stale_days, 60);
//! assert_eq!(policy.thresholds.leaver_grace_days, 7);
//! assert!(policy.roles[0].grants[1].matches("aws:ent:s3-read-logs"));
//! assert_eq!(policy.rule_severity("stale-account", Severity::Medium), Severity::Low);
//! // Built-in privileged objects apply unless turned off.
//! assert!(policy.privileged_rules().any(|r| r.name.as_deref() == Some("ad-domain-admins")));
//!
//! let err = Policy::from_toml_str("[thresholds]\nstale_days = -3\n", "policy.toml")
//!     .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "policy.toml:2:14: thresholds.stale_days: expected a positive integer, found -3",
//! );
//! ```

mod check;
mod defaults;
mod error;
mod parse;
mod pattern;
mod suggest;
mod time;
mod tree;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Node, NodeKind, Value};
use crate::props;

pub use check::{Known, PolicyWarning, WarningKind};
pub use defaults::default_privileged;
pub use error::{Location, PolicyError};
pub use pattern::{Pattern, PatternError};
pub use time::Timestamp;

/// The policy schema version this code reads.
pub const VERSION: u32 = 1;

/// A governance policy: the expected state.
///
/// Read one with [`Policy::from_toml_str`] or [`Policy::from_path`];
/// [`Policy::default`] is the policy of an empty file. Serialising a policy
/// (with `toml::to_string`) gives a file that reads back to the same
/// policy; the built-in privileged rules are not written out, only whether
/// they apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Policy {
    /// The file the policy was read from, as the caller named it; warnings
    /// cite it.
    #[serde(skip)]
    pub file: String,
    /// The schema version ([`VERSION`]).
    pub version: u32,
    /// `[thresholds]`.
    pub thresholds: Thresholds,
    /// `[privileged_defaults]`.
    pub privileged_defaults: PrivilegedDefaults,
    /// `[[privileged]]`, in file order (the defaults are not in here; see
    /// [`Policy::privileged_rules`]).
    #[serde(rename = "privileged")]
    pub privileged: Vec<PrivilegedRule>,
    /// `[[role]]`, in file order.
    #[serde(rename = "role")]
    pub roles: Vec<Role>,
    /// `[[sod]]`, in file order.
    pub sod: Vec<SodRule>,
    /// `[[exception]]`, in file order, expired ones included.
    #[serde(rename = "exception")]
    pub exceptions: Vec<Exception>,
    /// `[owners]`.
    pub owners: Owners,
    /// `[risk]`.
    pub risk: RiskWeights,
    /// `[rules]`, by rule id.
    pub rules: BTreeMap<String, RuleSetting>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            file: String::new(),
            version: VERSION,
            thresholds: Thresholds::default(),
            privileged_defaults: PrivilegedDefaults::default(),
            privileged: Vec::new(),
            roles: Vec::new(),
            sod: Vec::new(),
            exceptions: Vec::new(),
            owners: Owners::default(),
            risk: RiskWeights::default(),
            rules: BTreeMap::new(),
        }
    }
}

impl Policy {
    /// Reads a policy from TOML text; `file` names it in errors and warnings.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Syntax`] when the text is not TOML, and
    /// [`PolicyError::UnknownKey`], [`PolicyError::Missing`] or
    /// [`PolicyError::Invalid`] when it does not follow the schema. The
    /// first error in reading order is reported.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Policy, PolicyError> {
        parse::policy(text, file)
    }

    /// Reads a policy file.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Io`] when the file cannot be read (or is not UTF-8),
    /// else as [`Policy::from_toml_str`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| PolicyError::Io { file: file.clone(), source })?;
        Policy::from_toml_str(&text, &file)
    }

    /// The privileged rules in force: the built-in ones (unless turned off
    /// or excluded), then the file's own.
    pub fn privileged_rules(&self) -> impl Iterator<Item = &PrivilegedRule> {
        let d = &self.privileged_defaults;
        let builtin = defaults::builtin().iter().filter(move |r| {
            d.enabled && !d.exclude.iter().any(|x| Some(x.as_str()) == r.name.as_deref())
        });
        builtin.chain(self.privileged.iter())
    }

    /// The lowest (most privileged) tier any rule in force gives the
    /// object, or `None` when no rule makes it privileged.
    pub fn tier_of(&self, target: &Target<'_>) -> Option<u8> {
        self.privileged_rules().filter(|r| r.matches(target)).map(|r| r.tier).min()
    }

    /// The business roles that apply to a person.
    pub fn roles_for<'a>(&'a self, person: &'a PersonFacts<'a>) -> impl Iterator<Item = &'a Role> {
        self.roles.iter().filter(move |r| r.applies(person))
    }

    /// Whether a rule runs: `[rules]` may turn it off; rules run by default.
    pub fn rule_enabled(&self, id: &str) -> bool {
        self.rules.get(id).is_none_or(|r| r.enabled)
    }

    /// A rule's severity: the `[rules]` override if any, else `default`.
    pub fn rule_severity(&self, id: &str, default: Severity) -> Severity {
        self.rules.get(id).and_then(|r| r.severity).unwrap_or(default)
    }

    /// The fixed evaluation time, if the policy sets one.
    pub fn now(&self) -> Option<Timestamp> {
        self.thresholds.now
    }
}

/// How the severity of a finding is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, no action needed.
    Info,
    /// Fix when convenient.
    Low,
    /// Fix in the normal course of work.
    Medium,
    /// Fix soon.
    High,
    /// Fix now.
    Critical,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// The severity's name, lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Reads a severity name, ignoring case.
    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(name))
    }
}

/// The kinds of account the policy tells apart (the
/// [`ACCOUNT_TYPE`](crate::props::ACCOUNT_TYPE) property).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    /// A person's own login.
    Human,
    /// A login used by software.
    Service,
    /// A login several people use.
    Shared,
}

impl AccountType {
    /// All account types.
    pub const ALL: [AccountType; 3] =
        [AccountType::Human, AccountType::Service, AccountType::Shared];

    /// The type's name, lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Human => "human",
            AccountType::Service => "service",
            AccountType::Shared => "shared",
        }
    }

    /// Reads a type name, ignoring case.
    pub fn parse(name: &str) -> Option<AccountType> {
        AccountType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(name))
    }
}

/// `[thresholds]`: the numbers the hygiene rules compare against.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Thresholds {
    /// Days without a login after which an account is stale. Default 90.
    pub stale_days: u32,
    /// Per account type, overriding `stale_days`. Default: none.
    pub stale_days_by_account_type: ByAccountType,
    /// Days without a login after which a privileged account is stale.
    /// Default 45.
    pub stale_days_privileged: u32,
    /// Per privilege tier (0 to 3), overriding `stale_days_privileged`.
    /// Written `stale_days_tier = { 0 = 30, 1 = 45 }`. Default: none.
    #[serde(serialize_with = "ser_tier_map")]
    pub stale_days_tier: [Option<u32>; 4],
    /// Days an account of a leaver may stay enabled after their end date.
    /// Default 7.
    pub leaver_grace_days: u32,
    /// Days a mover may keep the access of their previous role. Default 30.
    pub mover_grace_days: u32,
    /// Most tier-0 accounts before the admin count is a finding. Default 5.
    pub max_admins: u32,
    /// An entitlement held by at most this share of a person's peers (same
    /// department and title) is an outlier. Default 0.1.
    pub peer_outlier_max_share: f64,
    /// Fewest peers for the outlier rule to judge at all. Default 5.
    pub peer_min_group_size: u32,
    /// The evaluation time, for reproducible reports. Default: none (the
    /// caller's clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<Timestamp>,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            stale_days: 90,
            stale_days_by_account_type: ByAccountType::default(),
            stale_days_privileged: 45,
            stale_days_tier: [None; 4],
            leaver_grace_days: 7,
            mover_grace_days: 30,
            max_admins: 5,
            peer_outlier_max_share: 0.1,
            peer_min_group_size: 5,
            now: None,
        }
    }
}

impl Thresholds {
    /// The staleness limit for an account, most specific setting first:
    /// its tier's, then `stale_days_privileged` for any tier, then its
    /// account type's, then `stale_days`.
    pub fn stale_days_for(&self, account_type: Option<AccountType>, tier: Option<u8>) -> u32 {
        if let Some(tier) = tier {
            let by_tier = self.stale_days_tier.get(usize::from(tier)).copied().flatten();
            return by_tier.unwrap_or(self.stale_days_privileged);
        }
        account_type.and_then(|t| self.stale_days_by_account_type.get(t)).unwrap_or(self.stale_days)
    }
}

/// A number per account type, each optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByAccountType {
    /// For human accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human: Option<u32>,
    /// For service accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<u32>,
    /// For shared accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<u32>,
}

impl ByAccountType {
    /// The number for one type.
    pub fn get(&self, t: AccountType) -> Option<u32> {
        match t {
            AccountType::Human => self.human,
            AccountType::Service => self.service,
            AccountType::Shared => self.shared,
        }
    }
}

/// `[privileged_defaults]`: whether the built-in privileged rules
/// ([`default_privileged`]) apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrivilegedDefaults {
    /// Whether they apply at all. Default true.
    pub enabled: bool,
    /// Names of built-in rules that do not apply. Default: none.
    pub exclude: Vec<String>,
}

impl Default for PrivilegedDefaults {
    fn default() -> PrivilegedDefaults {
        PrivilegedDefaults { enabled: true, exclude: Vec::new() }
    }
}

/// What a privileged rule is matched against: one node's id, name, system
/// and SID.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The node kind: entitlement patterns match entitlements, and so on.
    pub kind: &'a NodeKind,
    /// The node id.
    pub id: &'a str,
    /// The display name.
    pub name: Option<&'a str>,
    /// The system.
    pub system: Option<&'a str>,
    /// The security identifier (AD objects).
    pub sid: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// The properties where a SID is looked for, in order.
    pub const SID_PROPS: [&'static str; 2] = ["sid", "objectid"];

    /// A node as a target; the SID is the first string among
    /// [`Target::SID_PROPS`].
    pub fn of(node: &'a Node) -> Target<'a> {
        let sid = Target::SID_PROPS.iter().find_map(|k| node.prop(k).and_then(Value::as_str));
        Target {
            kind: &node.kind,
            id: &node.id,
            name: node.name.as_deref(),
            system: node.system.as_deref(),
            sid,
        }
    }

    fn matched_by(&self, patterns: &[Pattern]) -> bool {
        patterns.iter().any(|p| p.matches(self.id) || self.name.is_some_and(|n| p.matches(n)))
    }
}

/// `[[privileged]]`: objects that confer administrative control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrivilegedRule {
    /// A name for reports; built-in rules are named in kebab-case
    /// (`ad-domain-admins`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Entitlement patterns (key `entitlement`).
    #[serde(rename = "entitlement", skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<Pattern>,
    /// Group patterns (key `group`).
    #[serde(rename = "group", skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Pattern>,
    /// Role patterns (key `role`).
    #[serde(rename = "role", skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Pattern>,
    /// SID patterns, for any kind of node (key `sid`).
    #[serde(rename = "sid", skip_serializing_if = "Vec::is_empty")]
    pub sids: Vec<Pattern>,
    /// When not empty, only nodes whose system matches one of these
    /// (key `system`).
    #[serde(rename = "system", skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<Pattern>,
    /// The tier: 0 is control of identity itself, 3 the least.
    pub tier: u8,
    /// Why this is privileged, for reports.
    pub reason: String,
    /// The line the rule starts on (0 for built-in rules).
    #[serde(skip)]
    pub line: u32,
}

impl PrivilegedRule {
    /// Whether the rule makes this object privileged: its system passes
    /// the `system` filter, and a pattern for its kind matches its id or
    /// name, or a `sid` pattern matches its SID.
    pub fn matches(&self, t: &Target<'_>) -> bool {
        if !self.systems.is_empty()
            && !t.system.is_some_and(|s| self.systems.iter().any(|p| p.matches(s)))
        {
            return false;
        }
        let by_kind = match t.kind {
            NodeKind::Entitlement => &self.entitlements,
            NodeKind::Group => &self.groups,
            NodeKind::Role => &self.roles,
            _ => &Vec::new(),
        };
        t.matched_by(by_kind) || t.sid.is_some_and(|sid| self.sids.iter().any(|p| p.matches(sid)))
    }
}

/// A person's attributes, as business roles match them.
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonFacts<'a> {
    /// The department.
    pub department: Option<&'a str>,
    /// The job title.
    pub title: Option<&'a str>,
    /// The HR job code.
    pub job_code: Option<&'a str>,
    /// Employee, contractor, intern...
    pub employment_type: Option<&'a str>,
}

impl<'a> PersonFacts<'a> {
    /// The property holding the HR job code.
    pub const JOB_CODE: &'static str = "job_code";

    /// A person node's attributes, from the [`props`] it carries.
    pub fn of(node: &'a Node) -> PersonFacts<'a> {
        let get = |k: &str| node.prop(k).and_then(Value::as_str);
        PersonFacts {
            department: get(props::DEPARTMENT),
            title: get(props::TITLE),
            job_code: get(PersonFacts::JOB_CODE),
            employment_type: get(props::EMPLOYMENT_TYPE),
        }
    }
}

/// `[[role]]`: a business role, the access that people it describes should
/// have by birthright.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Role {
    /// The role's name, unique in the policy.
    pub name: String,
    /// What the role is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Department patterns; empty matches any person.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub department: Vec<Pattern>,
    /// Title patterns; empty matches any person.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub title: Vec<Pattern>,
    /// Job code patterns; empty matches any person.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub job_code: Vec<Pattern>,
    /// Employment type patterns; empty matches any person.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub employment_type: Vec<Pattern>,
    /// Entitlement patterns the role brings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Pattern>,
    /// Group patterns the role's people are expected to be members of.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Pattern>,
    /// The line the role starts on.
    #[serde(skip)]
    pub line: u32,
}

impl Role {
    /// Whether the role describes this person: every criterion the role
    /// sets is met (the attribute is present and matches one pattern).
    pub fn applies(&self, p: &PersonFacts<'_>) -> bool {
        let ok = |pats: &[Pattern], v: Option<&str>| {
            pats.is_empty() || v.is_some_and(|v| pats.iter().any(|pat| pat.matches(v)))
        };
        ok(&self.department, p.department)
            && ok(&self.title, p.title)
            && ok(&self.job_code, p.job_code)
            && ok(&self.employment_type, p.employment_type)
    }

    /// Whether the role brings this entitlement (by id or name).
    pub fn grants_entitlement(&self, id: &str, name: Option<&str>) -> bool {
        self.grants.iter().any(|p| p.matches(id) || name.is_some_and(|n| p.matches(n)))
    }
}

/// `[[sod]]`: entitlements that no one person may hold together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SodRule {
    /// The rule's name, unique in the policy.
    pub name: String,
    /// What the conflict is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The conflicting entitlements (patterns), at least two.
    pub entitlements: Vec<Pattern>,
    /// How many of the set one person may not hold together; `None` means
    /// all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// The severity of a violation. Default high.
    pub severity: Severity,
    /// The line the rule starts on.
    #[serde(skip)]
    pub line: u32,
}

impl SodRule {
    /// How many members of the set make a violation.
    pub fn required(&self) -> usize {
        self.min.map_or(self.entitlements.len(), |m| m as usize)
    }

    /// Whether a person violates the rule; `holds` says whether they hold
    /// something a member of the set matches.
    pub fn violated_by(&self, mut holds: impl FnMut(&Pattern) -> bool) -> bool {
        self.entitlements.iter().filter(|p| holds(p)).count() >= self.required()
    }
}

/// Whom an exception is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    /// A person id: the exception covers all their accounts.
    Person(String),
    /// One account id.
    Account(String),
}

impl Subject {
    /// The id.
    pub fn id(&self) -> &str {
        match self {
            Subject::Person(id) | Subject::Account(id) => id,
        }
    }
}

/// `[[exception]]`: an accepted deviation, valid until a date.
///
/// Expired exceptions stay in the policy: the rules report those whose
/// access remains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exception {
    /// Whom it is for (key `person` or `account`).
    #[serde(flatten)]
    pub subject: Subject,
    /// The entitlement (pattern) it allows. `None` when `rule` is set
    /// alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entitlement: Option<Pattern>,
    /// The rule id it silences; `None` means every rule about the
    /// entitlement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Why it was accepted.
    pub reason: String,
    /// Who accepted it.
    pub approved_by: String,
    /// When it was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<Timestamp>,
    /// The first instant it no longer holds. A bare date
    /// (`until = 2025-06-30`) holds through that whole day (UTC), so it is
    /// kept as the following midnight.
    pub until: Timestamp,
    /// The ticket of the approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The line the exception starts on.
    #[serde(skip)]
    pub line: u32,
}

impl Exception {
    /// Whether the exception still holds at `now`.
    pub fn is_active(&self, now: Timestamp) -> bool {
        now < self.until
    }
}

/// `[owners]`: accountability for non-personal accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owners {
    /// Account types that must have an owner. Default service and shared.
    pub require_owner_for: Vec<AccountType>,
    /// Owners declared in the policy (`[[owners.assign]]`), for objects
    /// the sources give no owner.
    pub assign: Vec<OwnerAssignment>,
}

impl Default for Owners {
    fn default() -> Owners {
        Owners {
            require_owner_for: vec![AccountType::Service, AccountType::Shared],
            assign: Vec::new(),
        }
    }
}

/// One `[[owners.assign]]`: who answers for matching objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OwnerAssignment {
    /// The owned objects: accounts, groups, resources (id or name pattern).
    pub object: Pattern,
    /// The owner's person id.
    pub owner: String,
    /// The line the assignment starts on.
    #[serde(skip)]
    pub line: u32,
}

/// `[risk]`: the weights of the risk score. All are non-negative.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskWeights {
    /// Base weight of a finding by severity. Defaults: info 0, low 1,
    /// medium 3, high 6, critical 10.
    pub severity: SeverityWeights,
    /// Multiplier by the tier of the privilege involved, tier 0 first.
    /// Defaults 4, 2, 1.5, 1. Written `tier = { 0 = 4.0 }`.
    #[serde(serialize_with = "ser_tier_weights")]
    pub tier: [f64; 4],
    /// Multiplier when no privilege is involved. Default 1.
    pub untiered: f64,
    /// Weight of exposure: how easily the access can be abused (no MFA, an
    /// external identity, reach to tier 0). Default 1.
    pub exposure: f64,
    /// Weight of duration: how long the finding has stood. Default 0.5.
    pub duration: f64,
    /// Weight of breadth: how many systems or entitlements are involved.
    /// Default 0.5.
    pub breadth: f64,
}

impl Default for RiskWeights {
    fn default() -> RiskWeights {
        RiskWeights {
            severity: SeverityWeights::default(),
            tier: [4.0, 2.0, 1.5, 1.0],
            untiered: 1.0,
            exposure: 1.0,
            duration: 0.5,
            breadth: 0.5,
        }
    }
}

/// A weight per severity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeverityWeights {
    /// For info findings. Default 0.
    pub info: f64,
    /// For low findings. Default 1.
    pub low: f64,
    /// For medium findings. Default 3.
    pub medium: f64,
    /// For high findings. Default 6.
    pub high: f64,
    /// For critical findings. Default 10.
    pub critical: f64,
}

impl Default for SeverityWeights {
    fn default() -> SeverityWeights {
        SeverityWeights { info: 0.0, low: 1.0, medium: 3.0, high: 6.0, critical: 10.0 }
    }
}

impl SeverityWeights {
    /// The weight of one severity.
    pub fn get(&self, s: Severity) -> f64 {
        match s {
            Severity::Info => self.info,
            Severity::Low => self.low,
            Severity::Medium => self.medium,
            Severity::High => self.high,
            Severity::Critical => self.critical,
        }
    }
}

/// One entry of `[rules]`: `"stale-account" = { enabled = true, severity =
/// "low" }`, or `"stale-account" = false` to turn a rule off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSetting {
    /// Whether the rule runs. Default true.
    pub enabled: bool,
    /// The severity its findings get instead of the rule's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
}

impl Default for RuleSetting {
    fn default() -> RuleSetting {
        RuleSetting { enabled: true, severity: None }
    }
}

fn ser_tier_map<S: Serializer>(v: &[Option<u32>; 4], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().enumerate().filter_map(|(t, d)| d.map(|d| (t.to_string(), d))))
}

fn ser_tier_weights<S: Serializer>(v: &[f64; 4], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().enumerate().map(|(t, w)| (t.to_string(), *w)))
}
