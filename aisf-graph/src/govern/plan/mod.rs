//! Remediation plans: the changes that would close a scan's findings, one
//! step per distinct change, highest risk first, ready for a person to
//! review.
//!
//! [`plan`] groups a [`Scan`]'s findings by the [`Action`] that closes
//! them: several findings closed by the same change (a leaver's account
//! that is also stale and without MFA, an SoD conflict and an excess grant
//! that arrive through one membership) become one [`PlanStep`] listing all
//! of them. Steps are ordered by the highest risk among the findings they
//! close.
//!
//! A step is either a [`StepKind::Change`] (disable an account, remove a
//! membership, role or grant, clear a risky directory flag), which the
//! exporters in [`export`] turn into commands for the step's system, or a
//! [`StepKind::Review`] (add or renew an exception, name an owner, link an
//! account to its person, enable MFA, reduce the number of administrators),
//! which needs a decision and is written as a commented review item.
//!
//! [`check`] applies every change step to a copy of the graph in memory,
//! scans it again and reports any finding the plan claims to close that
//! still stands, and any access the policy's business roles expect a
//! current person to hold that the plan would take away.
//!
//! AISF never changes a system itself: the exports are text for a person to
//! review and run.
//!
//! ```
//! use aisf_core::synth::{OrgConfig, generate};
//! use aisf_graph::govern::plan::{PlanOptions, StepKind, plan};
//! use aisf_graph::govern::{ScanOptions, scan};
//! use aisf_graph::{BuildOptions, Snapshot, build_bytes};
//!
//! let org = generate(&OrgConfig::demo());
//! let (bytes, _) = build_bytes(&org.graph, &BuildOptions::default()).unwrap();
//! let snap = Snapshot::from_bytes(&bytes).unwrap();
//! let result = scan(&snap, &org.scan_policy(), &ScanOptions::default());
//! let p = plan(&snap, &result, &PlanOptions::default());
//! let closed: usize = p.steps.iter().map(|s| s.closes.len()).sum();
//! assert_eq!(closed, result.findings.len());
//! assert!(p.steps.iter().any(|s| s.kind == StepKind::Change));
//! ```

mod check;
pub mod export;

use std::collections::{BTreeMap, HashMap};

use aisf_core::NodeKind;
use aisf_core::finding::{Action, Finding, RuleId};
use aisf_core::policy::Severity;
use serde::Serialize;

pub use check::{LostAccess, PlanCheck, check};

use super::Scan;
use crate::snapshot::Snapshot;

/// The kind of system a step's commands are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SystemType {
    /// Active Directory: PowerShell with the ActiveDirectory module.
    ActiveDirectory,
    /// Microsoft Entra ID and Microsoft 365: Microsoft Graph requests.
    MicrosoftGraph,
    /// AWS IAM: AWS CLI commands.
    Aws,
    /// Anything else: SCIM 2.0 PatchOp requests.
    Scim,
}

impl SystemType {
    /// Every type, in a fixed order.
    pub const ALL: [SystemType; 4] = [
        SystemType::ActiveDirectory,
        SystemType::MicrosoftGraph,
        SystemType::Aws,
        SystemType::Scim,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SystemType::ActiveDirectory => "active-directory",
            SystemType::MicrosoftGraph => "microsoft-graph",
            SystemType::Aws => "aws",
            SystemType::Scim => "scim",
        }
    }

    /// Reads a name as [`SystemType::as_str`] writes it.
    pub fn parse(name: &str) -> Option<SystemType> {
        SystemType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The type of a system, guessed from its short name (`ad`, `entra`,
    /// `aws`...) and its display name (`Active Directory`): directory
    /// names go to PowerShell, Entra, Azure AD and Microsoft 365 to
    /// Microsoft Graph, AWS to the AWS CLI, and everything else to SCIM.
    pub fn guess(system: &str, display_name: Option<&str>) -> SystemType {
        let words = format!("{} {}", system, display_name.unwrap_or("")).to_ascii_lowercase();
        let short = system.to_ascii_lowercase();
        let is = |names: &[&str]| names.iter().any(|n| short == *n);
        if is(&["ad", "activedirectory", "active-directory", "sharphound", "ldap"])
            || words.contains("active directory")
        {
            SystemType::ActiveDirectory
        } else if is(&[
            "entra",
            "entra-id",
            "azuread",
            "aad",
            "azure-ad",
            "m365",
            "o365",
            "office365",
        ]) || words.contains("entra")
            || words.contains("microsoft 365")
            || words.contains("azure ad")
        {
            SystemType::MicrosoftGraph
        } else if short == "aws" || short.starts_with("aws-") || words.contains("amazon web") {
            SystemType::Aws
        } else {
            SystemType::Scim
        }
    }
}

/// Whether a step changes a system or needs a decision first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// A change the exporters write as commands (still to be reviewed).
    Change,
    /// A decision for a person (an exception, an owner, a correlation,
    /// MFA enrolment, fewer administrators), written as a comment.
    Review,
}

impl StepKind {
    /// The kind of step an action makes.
    pub fn of(action: &Action) -> StepKind {
        match action {
            Action::DisableAccount { .. }
            | Action::RemoveMembership { .. }
            | Action::RemoveRole { .. }
            | Action::RevokeGrant { .. }
            | Action::ClearFlag { .. } => StepKind::Change,
            _ => StepKind::Review,
        }
    }
}

/// A node a step acts on, with the names its system knows it by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanNode {
    /// The node id in the snapshot.
    pub id: String,
    /// Its kind (`account`, `group`, `role`, `entitlement`, `person`...).
    pub kind: String,
    /// The name to use in commands: the login name (`samaccountname`,
    /// `username`) of an account, else the display name, else the id
    /// without its system prefix.
    pub native: String,
    /// Identifying properties the export carries, when present:
    /// `object_id`, `arn`, `email`, `user_principal_name`. Nothing else is
    /// copied, so no property value that is not an identifier can reach a
    /// plan.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ids: BTreeMap<String, String>,
}

/// Properties copied into [`PlanNode::ids`], with the alternative spellings
/// sources use for them.
const ID_PROPS: [(&str, &[&str]); 4] = [
    ("object_id", &["object_id", "objectid", "entra_object_id", "azure_object_id"]),
    ("arn", &["arn"]),
    ("email", &["email", "mail"]),
    ("user_principal_name", &["user_principal_name", "userprincipalname", "upn"]),
];

impl PlanNode {
    /// The node `id` of `snap`, or a bare one when the snapshot lacks it.
    pub fn of(snap: &Snapshot, id: &str) -> PlanNode {
        let Some(v) = snap.find(id) else {
            return PlanNode {
                id: id.to_string(),
                kind: String::new(),
                native: strip_prefix(id, None).to_string(),
                ids: BTreeMap::new(),
            };
        };
        let n = snap.node(v);
        let text = |k: &str| n.prop(k).and_then(|x| x.as_str().map(str::to_string));
        let login = if n.kind() == NodeKind::Account {
            ["samaccountname", "sam_account_name", aisf_core::props::USERNAME]
                .iter()
                .find_map(|k| text(k))
        } else {
            None
        };
        let native = login
            .or_else(|| n.name().map(str::to_string))
            .unwrap_or_else(|| strip_prefix(id, n.system()).to_string());
        let ids = ID_PROPS
            .iter()
            .filter_map(|(key, names)| names.iter().find_map(|k| text(k)).map(|v| (key, v)))
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        PlanNode { id: id.to_string(), kind: n.kind().as_str().to_string(), native, ids }
    }

    /// An identifying property, if the export carried it.
    pub fn id_prop(&self, key: &str) -> Option<&str> {
        self.ids.get(key).map(String::as_str)
    }
}

/// `id` without a leading `system:` and kind segment (`ad:group:x` -> `x`).
fn strip_prefix<'a>(id: &'a str, system: Option<&str>) -> &'a str {
    let mut rest = id;
    if let Some(s) = system
        && let Some(r) = rest.strip_prefix(s).and_then(|r| r.strip_prefix(':'))
    {
        rest = r;
    }
    for kind in ["group:", "role:", "ent:", "policy:", "res:"] {
        if let Some(r) = rest.strip_prefix(kind) {
            return r;
        }
    }
    rest
}

/// A finding a step closes, in short.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FindingRef {
    /// The rule.
    pub rule: RuleId,
    /// The severity.
    pub severity: Severity,
    /// The risk score.
    pub risk: u8,
    /// The person, if any.
    pub person: Option<String>,
    /// The account, if any.
    pub account: Option<String>,
    /// The entitlement, if any.
    pub entitlement: Option<String>,
    /// The policy clause.
    pub clause: String,
}

impl FindingRef {
    /// The short form of a finding.
    pub fn of(f: &Finding) -> FindingRef {
        FindingRef {
            rule: f.rule,
            severity: f.severity,
            risk: f.risk,
            person: f.person.clone(),
            account: f.account.clone(),
            entitlement: f.entitlement.clone(),
            clause: f.clause.clone(),
        }
    }

    /// What identifies a finding across scans: rule, person, account,
    /// entitlement, clause (not its score, which moves with time).
    pub fn key(&self) -> (RuleId, Option<&str>, Option<&str>, Option<&str>, &str) {
        (
            self.rule,
            self.person.as_deref(),
            self.account.as_deref(),
            self.entitlement.as_deref(),
            self.clause.as_str(),
        )
    }

    /// The node the finding is about.
    pub fn subject(&self) -> &str {
        self.account.as_deref().or(self.person.as_deref()).unwrap_or("org")
    }
}

/// One change (or decision) and every finding it closes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanStep {
    /// The step's place in the plan, from 1.
    pub number: usize,
    /// Change or review.
    pub kind: StepKind,
    /// The action.
    pub action: Action,
    /// The action in words.
    pub summary: String,
    /// The system the change is made in (of the group, role or
    /// entitlement for a removal, of the account otherwise).
    pub system: Option<String>,
    /// The kind of that system, which picks the export format.
    pub system_type: Option<SystemType>,
    /// The account, member or holder the action acts on.
    pub subject: Option<PlanNode>,
    /// The group, role or entitlement removed, when the action removes one.
    pub object: Option<PlanNode>,
    /// The highest risk score among the findings closed.
    pub risk: u8,
    /// The highest severity among them.
    pub severity: Severity,
    /// The findings the step closes, highest risk first.
    pub closes: Vec<FindingRef>,
    #[serde(skip)]
    raw: f64,
}

/// A remediation plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The notice every export starts with.
    pub notice: String,
    /// The scan's evaluation time, in seconds since the Unix epoch.
    pub scanned_at: i64,
    /// How many findings the scan made.
    pub findings: usize,
    /// The steps, highest risk first.
    pub steps: Vec<PlanStep>,
}

/// The notice at the top of every plan and export.
pub const NOTICE: &str = "Generated by AISF. AISF never changes a system itself: these are \
proposed changes, and a person must review every line before running any of it.";

impl Plan {
    /// The steps of one kind.
    pub fn of_kind(&self, kind: StepKind) -> impl Iterator<Item = &PlanStep> {
        self.steps.iter().filter(move |s| s.kind == kind)
    }

    /// The plan as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// How to make a plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// The type of each system by short name, overriding
    /// [`SystemType::guess`].
    pub system_types: BTreeMap<String, SystemType>,
}

/// The remediation plan of a scan: one step per distinct action, with the
/// findings it closes, highest risk first (ties: more findings first, then
/// by the action's wording, so the order is stable).
pub fn plan(snapshot: &Snapshot, scan: &Scan, opts: &PlanOptions) -> Plan {
    let mut by_action: HashMap<String, usize> = HashMap::new();
    let mut steps: Vec<PlanStep> = Vec::new();
    for f in &scan.findings {
        let key = serde_json::to_string(&f.action).unwrap_or_else(|_| f.action.to_string());
        let i = *by_action.entry(key).or_insert_with(|| {
            steps.push(new_step(snapshot, &f.action, opts));
            steps.len() - 1
        });
        let step = &mut steps[i];
        step.closes.push(FindingRef::of(f));
        step.risk = step.risk.max(f.risk);
        step.severity = step.severity.max(f.severity);
        step.raw = step.raw.max(f.factors.raw);
    }
    for s in &mut steps {
        s.closes.sort_by(|a, b| b.risk.cmp(&a.risk).then_with(|| a.cmp(b)));
    }
    steps.sort_by(|a, b| {
        b.raw
            .total_cmp(&a.raw)
            .then_with(|| b.closes.len().cmp(&a.closes.len()))
            .then_with(|| a.summary.cmp(&b.summary))
    });
    for (i, s) in steps.iter_mut().enumerate() {
        s.number = i + 1;
    }
    Plan { notice: NOTICE.to_string(), scanned_at: scan.now, findings: scan.findings.len(), steps }
}

/// The (subject, object) node ids an action names.
pub fn action_nodes(action: &Action) -> (Option<&str>, Option<&str>) {
    match action {
        Action::DisableAccount { account }
        | Action::AssignOwner { account }
        | Action::CorrelateAccount { account }
        | Action::EnableMfa { account }
        | Action::ClearFlag { account, .. } => (Some(account), None),
        Action::RemoveMembership { member, group } => (Some(member), Some(group)),
        Action::RemoveRole { holder, role } => (Some(holder), Some(role)),
        Action::RevokeGrant { holder, entitlement } => (Some(holder), Some(entitlement)),
        Action::AddOrRenewException { person, entitlement } => {
            (Some(person), entitlement.as_deref())
        }
        Action::ReduceAdmins { .. } => (None, None),
        _ => (None, None),
    }
}

fn new_step(snap: &Snapshot, action: &Action, opts: &PlanOptions) -> PlanStep {
    let (subject, object) = action_nodes(action);
    let subject = subject.map(|id| PlanNode::of(snap, id));
    let object = object.map(|id| PlanNode::of(snap, id));
    let system_of = |id: &str| snap.find(id).and_then(|v| snap.node(v).system()).map(String::from);
    let system = object
        .as_ref()
        .and_then(|o| system_of(&o.id))
        .or_else(|| subject.as_ref().and_then(|s| system_of(&s.id)));
    let system_type = system.as_deref().map(|s| {
        opts.system_types.get(s).copied().unwrap_or_else(|| {
            let display = snap
                .find(&format!("system:{s}"))
                .and_then(|v| snap.node(v).name().map(str::to_string));
            SystemType::guess(s, display.as_deref())
        })
    });
    PlanStep {
        number: 0,
        kind: StepKind::of(action),
        action: action.clone(),
        summary: action.to_string(),
        system,
        system_type,
        subject,
        object,
        risk: 0,
        severity: Severity::Info,
        closes: Vec::new(),
        raw: f64::NEG_INFINITY,
    }
}

#[cfg(test)]
mod tests;
