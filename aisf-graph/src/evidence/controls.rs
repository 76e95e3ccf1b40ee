//! Which governance rules give evidence for which control of the common
//! frameworks, and a control's status from a scan.
//!
//! The mapping is AISF's reading of each control's intent, not a
//! certification: a rule is mapped to a control when a finding of that
//! rule is a departure the control asks an organisation to prevent or to
//! detect and correct.
//!
//! The table of controls, the rules mapped to each and the reasons is
//! [`CONTROLS`]; `docs/GOVERNANCE.md` prints it. In short: ISO/IEC
//! 27001:2022 A.5.15 (access control) takes the least-privilege rules,
//! A.5.16 (identity management) the correlation and ownership rules,
//! A.5.17 (authentication information) the MFA and directory-flag rules,
//! A.5.18 (access rights) the joiner, mover, leaver and staleness rules,
//! and A.8.2 (privileged access rights) every rule about privileged
//! accounts; SOC 2 CC6.1, CC6.2 and CC6.3 split the same way between
//! identification and authentication, registration and removal, and
//! role-based least privilege; Cyber Essentials' user access control takes
//! the account lifecycle and administrator rules; CIS Controls v8 5
//! (account management) and 6 (access control management) split account
//! inventory from access granting; NIST SP 800-53 AC-2 takes every rule but
//! the authentication ones, which belong to its IA family.
//!
//! A control's status: `not assessed` when none of its rules ran, `met`
//! when they ran and found nothing, `attention` when they found only
//! medium, low or info findings, and `not met` when any finding is high or
//! critical.

use aisf_core::finding::RuleId;
use aisf_core::policy::Severity;
use serde::Serialize;

use crate::govern::Scan;

/// A control of a framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Control {
    /// The framework.
    pub framework: &'static str,
    /// The control's id in it.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// The rules that give evidence for it.
    pub rules: &'static [RuleId],
    /// Why those rules.
    pub rationale: &'static str,
}

use RuleId::*;

const IDENTITY: &[RuleId] =
    &[OrphanAccount, NoHrRecord, DisputedAccount, UncorrelatedAccount, ServiceNoOwner];

/// Every control AISF maps, in report order.
pub const CONTROLS: [Control; 12] = [
    Control {
        framework: "ISO/IEC 27001:2022",
        id: "A.5.15",
        title: "Access control",
        rules: &[
            ExcessAccess,
            SodViolation,
            PeerOutlier,
            DirectGrant,
            MoverResidual,
            ExpiredException,
            TooManyAdmins,
        ],
        rationale: "access beyond business need, forbidden combinations and access outside \
                    the role model break the access control rules the control requires",
    },
    Control {
        framework: "ISO/IEC 27001:2022",
        id: "A.5.16",
        title: "Identity management",
        rules: IDENTITY,
        rationale: "every identity should be tied to a person or an accountable owner over \
                    its whole life",
    },
    Control {
        framework: "ISO/IEC 27001:2022",
        id: "A.5.17",
        title: "Authentication information",
        rules: &[
            PrivilegedNoMfa,
            PrivilegedPwdNeverExpires,
            PrivilegedKerberoastable,
            PrivilegedAsrepRoastable,
        ],
        rationale: "weak or unmanaged authentication of privileged accounts",
    },
    Control {
        framework: "ISO/IEC 27001:2022",
        id: "A.5.18",
        title: "Access rights",
        rules: &[
            LeaverActive,
            ContractorPastEnd,
            MoverResidual,
            JoinerEarlyAccess,
            StaleAccount,
            StalePrivileged,
            ExcessAccess,
            ExpiredException,
        ],
        rationale: "access rights not provisioned, adjusted or removed as people join, move \
                    and leave, or left unused",
    },
    Control {
        framework: "ISO/IEC 27001:2022",
        id: "A.8.2",
        title: "Privileged access rights",
        rules: &[
            StalePrivileged,
            PrivilegedNoMfa,
            TooManyAdmins,
            PrivilegedPwdNeverExpires,
            PrivilegedKerberoastable,
            PrivilegedAsrepRoastable,
        ],
        rationale: "privileged access held too widely, unused, or weakly protected",
    },
    Control {
        framework: "SOC 2 (2017 TSC)",
        id: "CC6.1",
        title: "Logical access security",
        rules: &[
            OrphanAccount,
            NoHrRecord,
            DisputedAccount,
            UncorrelatedAccount,
            ServiceNoOwner,
            PrivilegedNoMfa,
            PrivilegedPwdNeverExpires,
            PrivilegedKerberoastable,
            PrivilegedAsrepRoastable,
            DirectGrant,
            TooManyAdmins,
        ],
        rationale: "users must be identified and authenticated, and access restricted \
                    through managed structures",
    },
    Control {
        framework: "SOC 2 (2017 TSC)",
        id: "CC6.2",
        title: "User registration and removal",
        rules: &[JoinerEarlyAccess, LeaverActive, ContractorPastEnd, OrphanAccount, NoHrRecord],
        rationale: "access only after authorised registration, removed when no longer \
                    authorised",
    },
    Control {
        framework: "SOC 2 (2017 TSC)",
        id: "CC6.3",
        title: "Role-based access, least privilege, segregation of duties",
        rules: &[
            ExcessAccess,
            SodViolation,
            MoverResidual,
            PeerOutlier,
            DirectGrant,
            ExpiredException,
            StaleAccount,
            StalePrivileged,
        ],
        rationale: "access should follow roles and change when roles change",
    },
    Control {
        framework: "Cyber Essentials",
        id: "User access control",
        title: "User access control",
        rules: &[
            LeaverActive,
            ContractorPastEnd,
            StaleAccount,
            StalePrivileged,
            OrphanAccount,
            ServiceNoOwner,
            ExcessAccess,
            TooManyAdmins,
            PrivilegedNoMfa,
        ],
        rationale: "accounts only for those who need them, removed when they no longer do; \
                    administrative accounts few and protected",
    },
    Control {
        framework: "CIS Controls v8",
        id: "5",
        title: "Account Management",
        rules: &[
            OrphanAccount,
            NoHrRecord,
            DisputedAccount,
            UncorrelatedAccount,
            ServiceNoOwner,
            StaleAccount,
            StalePrivileged,
            LeaverActive,
            ContractorPastEnd,
            TooManyAdmins,
            PrivilegedPwdNeverExpires,
        ],
        rationale: "an inventory of accounts, dormant accounts disabled, administrative \
                    privileges restricted",
    },
    Control {
        framework: "CIS Controls v8",
        id: "6",
        title: "Access Control Management",
        rules: &[
            JoinerEarlyAccess,
            MoverResidual,
            ExcessAccess,
            SodViolation,
            DirectGrant,
            ExpiredException,
            PeerOutlier,
            PrivilegedNoMfa,
            PrivilegedKerberoastable,
            PrivilegedAsrepRoastable,
        ],
        rationale: "access granted and revoked by role, MFA for administrative access",
    },
    Control {
        framework: "NIST SP 800-53 Rev. 5",
        id: "AC-2",
        title: "Account Management",
        rules: &[
            OrphanAccount,
            NoHrRecord,
            DisputedAccount,
            UncorrelatedAccount,
            StaleAccount,
            StalePrivileged,
            LeaverActive,
            MoverResidual,
            JoinerEarlyAccess,
            ExcessAccess,
            SodViolation,
            DirectGrant,
            ExpiredException,
            ServiceNoOwner,
            ContractorPastEnd,
            TooManyAdmins,
            PeerOutlier,
        ],
        rationale: "the account lifecycle: authorised, owned, role-based, disabled when \
                    inactive or no longer needed (authentication is IA-2 and IA-5)",
    },
];

/// A control's status from a scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// None of its rules ran.
    NotAssessed,
    /// Its rules ran and found nothing.
    Met,
    /// Only medium, low or info findings.
    Attention,
    /// A high or critical finding.
    NotMet,
}

impl Status {
    /// Words for a report.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotAssessed => "not assessed",
            Status::Met => "met",
            Status::Attention => "attention",
            Status::NotMet => "not met",
        }
    }
}

/// One row of the controls summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ControlRow {
    /// The framework.
    pub framework: String,
    /// The control id.
    pub control: String,
    /// Its title.
    pub title: String,
    /// Findings per mapped rule (rules that did not run are left out).
    pub rules: Vec<(RuleId, usize)>,
    /// Mapped rules that did not run (turned off, or `excess-access`
    /// without business roles).
    pub not_run: Vec<RuleId>,
    /// All findings of the mapped rules.
    pub findings: usize,
    /// The highest severity among them.
    pub worst: Option<Severity>,
    /// The status.
    pub status: Status,
    /// Why these rules.
    pub rationale: String,
}

/// The controls summary of a scan.
pub fn summary(scan: &Scan) -> Vec<ControlRow> {
    CONTROLS
        .iter()
        .map(|c| {
            let (ran, not_run): (Vec<RuleId>, Vec<RuleId>) =
                c.rules.iter().partition(|r| scan.rules.contains(r));
            let rules: Vec<(RuleId, usize)> =
                ran.iter().map(|&r| (r, scan.of_rule(r).count())).collect();
            let worst =
                scan.findings.iter().filter(|f| ran.contains(&f.rule)).map(|f| f.severity).max();
            let findings = rules.iter().map(|(_, n)| n).sum();
            let status = match worst {
                _ if ran.is_empty() => Status::NotAssessed,
                None => Status::Met,
                Some(s) if s >= Severity::High => Status::NotMet,
                Some(_) => Status::Attention,
            };
            ControlRow {
                framework: c.framework.into(),
                control: c.id.into(),
                title: c.title.into(),
                rules,
                not_run,
                findings,
                worst,
                status,
                rationale: c.rationale.into(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aisf_core::finding::{Action, Finding};

    fn finding(rule: RuleId, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            risk: 1,
            factors: Default::default(),
            person: None,
            account: Some("a".into()),
            entitlement: None,
            system: None,
            path: Vec::new(),
            clause: String::new(),
            first_seen: None,
            explanation: String::new(),
            action: Action::DisableAccount { account: "a".into() },
        }
    }

    #[test]
    fn every_rule_maps_to_some_control_and_the_frameworks_are_all_there() {
        for r in RuleId::ALL {
            assert!(CONTROLS.iter().any(|c| c.rules.contains(&r)), "{r}");
        }
        let ids: Vec<&str> = CONTROLS.iter().map(|c| c.id).collect();
        for id in ["A.5.15", "A.5.16", "A.5.17", "A.5.18", "A.8.2", "CC6.1", "CC6.2", "CC6.3"] {
            assert!(ids.contains(&id), "{id}");
        }
        assert!(CONTROLS.iter().any(|c| c.framework == "Cyber Essentials"));
        assert!(ids.contains(&"5") && ids.contains(&"6") && ids.contains(&"AC-2"));
        // Authentication is not account management.
        let ac2 = CONTROLS.iter().find(|c| c.id == "AC-2").unwrap();
        assert!(!ac2.rules.contains(&PrivilegedNoMfa));
    }

    #[test]
    fn status_follows_the_worst_finding_of_the_mapped_rules() {
        let scan = Scan {
            findings: vec![
                finding(LeaverActive, Severity::Critical),
                finding(StaleAccount, Severity::Low),
            ],
            now: 0,
            rules: RuleId::ALL.iter().copied().filter(|r| *r != PrivilegedNoMfa).collect(),
            silenced: 0,
        };
        let rows = summary(&scan);
        let get = |id: &str| rows.iter().find(|r| r.control == id).unwrap();
        assert_eq!(get("A.5.18").status, Status::NotMet);
        assert_eq!(get("A.5.18").findings, 2);
        assert_eq!(get("A.5.16").status, Status::Met);
        assert_eq!(get("CC6.3").status, Status::Attention);
        assert_eq!(get("A.5.17").not_run, vec![PrivilegedNoMfa]);
        let none = Scan { findings: vec![], now: 0, rules: vec![], silenced: 0 };
        assert!(summary(&none).iter().all(|r| r.status == Status::NotAssessed));
    }
}
