//! Findings: where the actual state departs from the policy, with the
//! evidence an auditor asks for and the change that would close it.
//!
//! The rules that make findings live in the engine (`aisf-graph`'s
//! `govern` module); this module holds what they produce, so that every
//! front end (CLI, C, Python, report writers) shares one vocabulary.
//!
//! A [`Finding`] names its [`RuleId`] (a stable kebab-case id, the same one
//! the policy's `[rules]` section uses), a [`Severity`], a risk score from 0
//! to 100 with the [`RiskFactors`] behind it, what it is about (person,
//! account, entitlement, system), the justification path through the
//! graph, the policy clause it breaks, a plain-language explanation and the
//! [`Action`] that would close it.
//!
//! ```
//! use aisf_core::finding::RuleId;
//!
//! assert_eq!(RuleId::StalePrivileged.as_str(), "stale-privileged");
//! assert_eq!(RuleId::parse("leaver-active"), Some(RuleId::LeaverActive));
//! assert_eq!(serde_json::to_string(&RuleId::SodViolation).unwrap(), "\"sod-violation\"");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::policy::Severity;

/// The stable id of a governance rule.
///
/// The ids are part of the interface: policy files name them under
/// `[rules]` and in exceptions, and reports are compared across versions
/// by them. A rule may be added; an id is never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RuleId {
    /// An enabled human account with no person and nothing to match one on.
    OrphanAccount,
    /// An enabled human account with no person whose employee id or email
    /// matches no person.
    NoHrRecord,
    /// An enabled human account with no person whose email matches two or
    /// more persons.
    DisputedAccount,
    /// An enabled human account with no person whose employee id or email
    /// matches exactly one person: a correlation gap.
    UncorrelatedAccount,
    /// An enabled, unprivileged account unused for longer than the policy
    /// allows.
    StaleAccount,
    /// An enabled privileged account unused for longer than the policy
    /// allows privileged accounts.
    StalePrivileged,
    /// An enabled account of a person who left more than the grace period
    /// ago.
    LeaverActive,
    /// Access of a mover's previous department and title kept past the
    /// grace period.
    MoverResidual,
    /// An enabled account of a person who has not started yet, with access.
    JoinerEarlyAccess,
    /// An entitlement neither in the person's birthright nor covered by an
    /// exception.
    ExcessAccess,
    /// A person holding a combination of entitlements the policy forbids.
    SodViolation,
    /// An enabled privileged account without multi-factor authentication.
    PrivilegedNoMfa,
    /// An entitlement granted to an account itself, bypassing groups and
    /// roles.
    DirectGrant,
    /// An expired exception whose access remains.
    ExpiredException,
    /// A service or shared account nobody owns.
    ServiceNoOwner,
    /// A privileged directory account whose password never expires.
    PrivilegedPwdNeverExpires,
    /// A privileged directory account with a service principal name
    /// (kerberoastable).
    PrivilegedKerberoastable,
    /// A privileged directory account that does not require Kerberos
    /// pre-authentication (AS-REP roastable).
    PrivilegedAsrepRoastable,
    /// An enabled account of a contractor whose contract has ended.
    ContractorPastEnd,
    /// More tier-0 administrators than the policy allows.
    TooManyAdmins,
    /// An entitlement few of a person's peers (same department and title)
    /// hold, for persons no business role describes.
    PeerOutlier,
}

impl RuleId {
    /// Every rule, in a fixed order.
    pub const ALL: [RuleId; 21] = [
        RuleId::OrphanAccount,
        RuleId::NoHrRecord,
        RuleId::DisputedAccount,
        RuleId::UncorrelatedAccount,
        RuleId::StaleAccount,
        RuleId::StalePrivileged,
        RuleId::LeaverActive,
        RuleId::MoverResidual,
        RuleId::JoinerEarlyAccess,
        RuleId::ExcessAccess,
        RuleId::SodViolation,
        RuleId::PrivilegedNoMfa,
        RuleId::DirectGrant,
        RuleId::ExpiredException,
        RuleId::ServiceNoOwner,
        RuleId::PrivilegedPwdNeverExpires,
        RuleId::PrivilegedKerberoastable,
        RuleId::PrivilegedAsrepRoastable,
        RuleId::ContractorPastEnd,
        RuleId::TooManyAdmins,
        RuleId::PeerOutlier,
    ];

    /// The kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::OrphanAccount => "orphan-account",
            RuleId::NoHrRecord => "no-hr-record",
            RuleId::DisputedAccount => "disputed-account",
            RuleId::UncorrelatedAccount => "uncorrelated-account",
            RuleId::StaleAccount => "stale-account",
            RuleId::StalePrivileged => "stale-privileged",
            RuleId::LeaverActive => "leaver-active",
            RuleId::MoverResidual => "mover-residual",
            RuleId::JoinerEarlyAccess => "joiner-early-access",
            RuleId::ExcessAccess => "excess-access",
            RuleId::SodViolation => "sod-violation",
            RuleId::PrivilegedNoMfa => "privileged-no-mfa",
            RuleId::DirectGrant => "direct-grant",
            RuleId::ExpiredException => "expired-exception",
            RuleId::ServiceNoOwner => "service-no-owner",
            RuleId::PrivilegedPwdNeverExpires => "privileged-pwd-never-expires",
            RuleId::PrivilegedKerberoastable => "privileged-kerberoastable",
            RuleId::PrivilegedAsrepRoastable => "privileged-asrep-roastable",
            RuleId::ContractorPastEnd => "contractor-past-end",
            RuleId::TooManyAdmins => "too-many-admins",
            RuleId::PeerOutlier => "peer-outlier",
        }
    }

    /// Reads an id, exactly as [`RuleId::as_str`] writes it.
    pub fn parse(id: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == id)
    }

    /// The severity a rule's findings get unless the policy's `[rules]`
    /// section says otherwise.
    pub fn default_severity(self) -> Severity {
        use RuleId::*;
        match self {
            LeaverActive | ContractorPastEnd => Severity::Critical,
            OrphanAccount
            | StalePrivileged
            | SodViolation
            | PrivilegedNoMfa
            | PrivilegedKerberoastable
            | PrivilegedAsrepRoastable => Severity::High,
            NoHrRecord
            | DisputedAccount
            | MoverResidual
            | JoinerEarlyAccess
            | ExcessAccess
            | ExpiredException
            | ServiceNoOwner
            | PrivilegedPwdNeverExpires
            | TooManyAdmins => Severity::Medium,
            UncorrelatedAccount | StaleAccount | DirectGrant | PeerOutlier => Severity::Low,
        }
    }

    /// One line on what the rule finds, for reports and `--help`.
    pub fn summary(self) -> &'static str {
        use RuleId::*;
        match self {
            OrphanAccount => "enabled human account with no person and nothing to match on",
            NoHrRecord => "enabled human account whose employee id or email matches no person",
            DisputedAccount => "enabled human account whose email matches several persons",
            UncorrelatedAccount => {
                "enabled human account that matches one person but is not \
                                    linked to them"
            }
            StaleAccount => "enabled account unused for longer than the policy allows",
            StalePrivileged => "enabled privileged account unused for longer than allowed",
            LeaverActive => "enabled account of a person who left past the grace period",
            MoverResidual => "access of a previous department kept past the grace period",
            JoinerEarlyAccess => "enabled account with access before the person's start date",
            ExcessAccess => "entitlement outside the birthright and not covered by an exception",
            SodViolation => "person holding entitlements the policy forbids together",
            PrivilegedNoMfa => "enabled privileged account without multi-factor authentication",
            DirectGrant => "entitlement granted to an account directly, bypassing groups and roles",
            ExpiredException => "expired exception whose access remains",
            ServiceNoOwner => "service or shared account with no owner",
            PrivilegedPwdNeverExpires => {
                "privileged directory account whose password never \
                                          expires"
            }
            PrivilegedKerberoastable => {
                "privileged directory account with a service principal \
                                         name (kerberoastable)"
            }
            PrivilegedAsrepRoastable => {
                "privileged directory account without Kerberos \
                                         pre-authentication (AS-REP roastable)"
            }
            ContractorPastEnd => "enabled account of a contractor whose contract ended",
            TooManyAdmins => "more tier-0 administrators than the policy allows",
            PeerOutlier => "entitlement few peers hold, for a person no business role describes",
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a justification path: a node and the kind of the edge that
/// led to it (`None` for the first step).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathStep {
    /// The node id.
    pub node: String,
    /// The edge kind's name (`member_of`, `has_role`, `grant`,
    /// `correlation`...), `None` on the first step.
    pub edge: Option<String>,
}

/// The change that would close a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Action {
    /// Disable (or delete) the account.
    DisableAccount {
        /// The account id.
        account: String,
    },
    /// Remove a membership of an account or group in a group.
    RemoveMembership {
        /// The member.
        member: String,
        /// The group.
        group: String,
    },
    /// Remove a role assignment.
    RemoveRole {
        /// The holder of the role.
        holder: String,
        /// The role.
        role: String,
    },
    /// Revoke a direct grant of an entitlement.
    RevokeGrant {
        /// The holder of the grant.
        holder: String,
        /// The entitlement.
        entitlement: String,
    },
    /// Add an exception for the access to the policy, or renew the expired
    /// one, if the access is still wanted.
    AddOrRenewException {
        /// The person.
        person: String,
        /// The entitlement.
        entitlement: Option<String>,
    },
    /// Name an owner for the account (in the source, or under
    /// `[[owners.assign]]` in the policy).
    AssignOwner {
        /// The account id.
        account: String,
    },
    /// Link the account to the person it belongs to, or disable it.
    CorrelateAccount {
        /// The account id.
        account: String,
    },
    /// Turn on multi-factor authentication for the account.
    EnableMfa {
        /// The account id.
        account: String,
    },
    /// Clear a risky directory flag on the account (or move the account
    /// out of its privileged groups).
    ClearFlag {
        /// The account id.
        account: String,
        /// The property to clear (`password_never_expires`, `has_spn`,
        /// `dont_req_preauth`).
        flag: String,
    },
    /// Remove tier-0 access from some administrators.
    ReduceAdmins {
        /// How many hold tier-0 access.
        count: u32,
        /// How many the policy allows.
        max: u32,
    },
}

impl fmt::Display for Action {
    /// A short imperative sentence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::DisableAccount { account } => write!(f, "disable account {account}"),
            Action::RemoveMembership { member, group } => {
                write!(f, "remove {member} from group {group}")
            }
            Action::RemoveRole { holder, role } => write!(f, "remove role {role} from {holder}"),
            Action::RevokeGrant { holder, entitlement } => {
                write!(f, "revoke the grant of {entitlement} to {holder}")
            }
            Action::AddOrRenewException { person, entitlement: Some(e) } => {
                write!(f, "add or renew an exception for {person} on {e}")
            }
            Action::AddOrRenewException { person, entitlement: None } => {
                write!(f, "add or renew an exception for {person}")
            }
            Action::AssignOwner { account } => write!(f, "assign an owner to {account}"),
            Action::CorrelateAccount { account } => {
                write!(f, "link {account} to its person, or disable it")
            }
            Action::EnableMfa { account } => write!(f, "enable MFA on {account}"),
            Action::ClearFlag { account, flag } => write!(f, "clear {flag} on {account}"),
            Action::ReduceAdmins { count, max } => {
                write!(f, "reduce tier-0 administrators from {count} to at most {max}")
            }
        }
    }
}

/// What went into a finding's risk score (see the engine's `govern::risk`
/// for the formula).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskFactors {
    /// The most privileged tier the subject reaches, if any.
    pub tier: Option<u8>,
    /// The subject's account has no multi-factor authentication.
    pub no_mfa: bool,
    /// The subject is external: a contractor, guest or external identity.
    pub external: bool,
    /// The subject reaches tier 0.
    pub tier0: bool,
    /// Days the finding has stood (from [`Finding::first_seen`]).
    pub days: Option<u32>,
    /// How many entitlements the subject holds.
    pub entitlements: u64,
    /// The unrounded score, for ordering findings of equal rounded score.
    pub raw: f64,
}

/// One departure from the policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule that made it.
    pub rule: RuleId,
    /// Its severity (the rule's, or the policy's override).
    pub severity: Severity,
    /// The risk score, 0 to 100: higher is worse.
    pub risk: u8,
    /// What the risk score is made of.
    pub factors: RiskFactors,
    /// The person concerned (node id).
    pub person: Option<String>,
    /// The account concerned (node id).
    pub account: Option<String>,
    /// The entitlement concerned (node id).
    pub entitlement: Option<String>,
    /// The system of the account or entitlement.
    pub system: Option<String>,
    /// The justification path, from the subject to the access in question;
    /// empty when the finding is not about access.
    pub path: Vec<PathStep>,
    /// The policy clause broken: a section, rule or threshold, as written
    /// in the policy file (`thresholds.stale_days = 90`, `sod "pay"`).
    pub clause: String,
    /// When the finding began to stand, in seconds since the Unix epoch, if
    /// the data says (a last login plus the staleness limit, an end date
    /// plus the grace period...).
    pub first_seen: Option<i64>,
    /// What is wrong, in plain words.
    pub explanation: String,
    /// The change that would close it.
    pub action: Action,
}

impl Finding {
    /// The node the finding is about: the account if any, else the person,
    /// else `org` for organisation-wide findings.
    pub fn subject(&self) -> &str {
        self.account.as_deref().or(self.person.as_deref()).unwrap_or("org")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RuleId::ALL {
            assert_eq!(RuleId::parse(r.as_str()), Some(r));
            assert!(seen.insert(r.as_str()));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<RuleId>(&json).unwrap(), r);
        }
    }

    #[test]
    fn every_kind_of_generated_drift_has_its_rule() {
        for kind in crate::synth::DriftKind::ALL {
            assert!(RuleId::parse(kind.id()).is_some(), "{kind:?}");
        }
    }

    #[test]
    fn findings_round_trip_through_json() {
        let f = Finding {
            rule: RuleId::ExcessAccess,
            severity: Severity::Medium,
            risk: 12,
            factors: RiskFactors { entitlements: 3, raw: 7.5, ..RiskFactors::default() },
            person: Some("person:1".into()),
            account: Some("ad:ann".into()),
            entitlement: Some("ad:ent:pay".into()),
            system: Some("ad".into()),
            path: vec![
                PathStep { node: "ad:ann".into(), edge: None },
                PathStep { node: "ad:ent:pay".into(), edge: Some("grant".into()) },
            ],
            clause: "role \"Finance\"".into(),
            first_seen: None,
            explanation: "holds ad:ent:pay outside the birthright".into(),
            action: Action::RevokeGrant { holder: "ad:ann".into(), entitlement: "pay".into() },
        };
        let json = serde_json::to_string(&f).unwrap();
        assert!(json.contains("\"action\":\"revoke-grant\""), "{json}");
        let back: Finding = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        assert_eq!(back.subject(), "ad:ann");
    }
}
