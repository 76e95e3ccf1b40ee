//! The indexes over persons and the evaluation of rules for one account.

use std::collections::HashMap;

use super::Rule;
use super::normalize::{email_key, for_each_prop, id_key, login_key, name_variants, sid_key};
use crate::{Graph, Node, NodeKind};

/// Property names that hold an HR employee number.
pub const EMPLOYEE_ID_PROPS: &[&str] = &[
    crate::props::EMPLOYEE_ID,
    "employeeNumber",
    "employeenumber",
    "employeeId",
    "employeeid",
    "employee_number",
];

/// Property names that hold an email address (a UPN is read as one too).
pub const EMAIL_PROPS: &[&str] = &[
    crate::props::EMAIL,
    "mail",
    "emails",
    "userPrincipalName",
    "userprincipalname",
    "user_principal_name",
];

/// Property names that hold a login, as username templates see it.
pub const LOGIN_PROPS: &[&str] = &[
    crate::props::USERNAME,
    "sAMAccountName",
    "samaccountname",
    "userPrincipalName",
    "userprincipalname",
    "user_principal_name",
    "userName",
    "uid",
    "login",
];

/// Property names that hold the SID of an account's on-premises twin.
pub const ON_PREMISES_SID_PROPS: &[&str] = &[
    "on_premises_sid",
    "onPremisesSecurityIdentifier",
    "onpremisessecurityidentifier",
    "on_premises_security_identifier",
];

/// Property names that hold an account's own SID (besides its id).
pub const SID_PROPS: &[&str] =
    &["objectsid", "objectSid", "object_sid", "objectid", "objectId", "sid"];

/// Property names that hold a SCIM `externalId`.
pub const EXTERNAL_ID_PROPS: &[&str] = &["external_id", "externalId", "externalid"];

/// The most candidates kept for one disputed account.
pub const MAX_CANDIDATES: usize = 64;

/// The nodes one key leads to, in the order they were indexed.
#[derive(Clone, Debug)]
enum Hit {
    One(usize),
    Many(Vec<usize>),
}

impl Hit {
    /// Adds a node; a node's keys are all indexed before the next node's,
    /// so a repeat can only be the last one added.
    fn add(&mut self, at: usize) {
        match self {
            Hit::One(first) if *first == at => {}
            Hit::One(first) => *self = Hit::Many(vec![*first, at]),
            Hit::Many(all) if all.last() == Some(&at) => {}
            Hit::Many(all) => all.push(at),
        }
    }

    fn as_slice(&self) -> &[usize] {
        match self {
            Hit::One(at) => std::slice::from_ref(at),
            Hit::Many(all) => all,
        }
    }
}

type KeyIndex = HashMap<String, Hit>;

fn insert(index: &mut KeyIndex, key: String, at: usize) {
    match index.get_mut(&key) {
        Some(hit) => hit.add(at),
        None => {
            index.insert(key, Hit::One(at));
        }
    }
}

/// Collects distinct candidates, at most [`MAX_CANDIDATES`] of them.
#[derive(Default)]
struct Candidates(Vec<usize>);

impl Candidates {
    fn extend(&mut self, found: &[usize]) {
        for &at in found {
            if self.0.len() >= MAX_CANDIDATES {
                return;
            }
            if !self.0.contains(&at) {
                self.0.push(at);
            }
        }
    }
}

/// What correlation decided for one account. Persons are node positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The source declared the owner(s); the positions of those that are
    /// persons in the graph.
    Declared(Vec<usize>),
    /// A service or shared account.
    NotApplicable,
    /// Rule `rule` (an index into the configuration) found one person.
    Matched { rule: usize, person: usize },
    /// Rule `rule` found several persons, sorted by position.
    Disputed { rule: usize, candidates: Vec<usize> },
    /// No rule found anyone.
    Uncorrelated,
}

impl Outcome {
    /// The persons an account linked to this one inherits.
    pub(crate) fn persons(&self) -> &[usize] {
        match self {
            Outcome::Declared(persons) => persons,
            Outcome::Matched { person, .. } => std::slice::from_ref(person),
            Outcome::Disputed { candidates, .. } => candidates,
            Outcome::NotApplicable | Outcome::Uncorrelated => &[],
        }
    }
}

/// The indexes every rule needs, built once over all persons.
pub(crate) struct Engine<'g> {
    graph: &'g Graph,
    rules: &'g [Rule],
    /// One index per rule, for the rules that look a key up.
    by_rule: Vec<Option<KeyIndex>>,
    /// Employee ids, for the employee-id and external-id rules.
    employee_ids: Option<KeyIndex>,
    /// Account positions by SID, for the on-premises SID rule.
    sids: Option<KeyIndex>,
}

impl<'g> Engine<'g> {
    /// Indexes the persons at `persons` and, if a rule links accounts by
    /// SID, the accounts at `accounts`.
    pub(crate) fn new(
        graph: &'g Graph,
        rules: &'g [Rule],
        persons: &[usize],
        accounts: &[usize],
    ) -> Engine<'g> {
        let nodes = graph.nodes();
        let wants = |f: fn(&Rule) -> bool| rules.iter().any(f);

        let employee_ids =
            wants(|r| matches!(r, Rule::EmployeeId { .. } | Rule::ScimExternalId { .. })).then(
                || {
                    let mut index = KeyIndex::with_capacity(persons.len());
                    for &at in persons {
                        for_each_prop(&nodes[at], EMPLOYEE_ID_PROPS, |v| {
                            if let Some(key) = id_key(v) {
                                insert(&mut index, key, at);
                            }
                        });
                    }
                    index
                },
            );

        let mut by_rule: Vec<Option<KeyIndex>> = rules
            .iter()
            .map(|r| match r {
                Rule::Email { .. } | Rule::Username { .. } => {
                    Some(KeyIndex::with_capacity(persons.len()))
                }
                _ => None,
            })
            .collect();
        let any_username = wants(|r| matches!(r, Rule::Username { .. }));
        for &at in persons {
            let person = &nodes[at];
            let names = if any_username { name_variants(person) } else { Vec::new() };
            for (rule, index) in rules.iter().zip(by_rule.iter_mut()) {
                let Some(index) = index else { continue };
                match rule {
                    Rule::Email { domain_aliases, .. } => {
                        for_each_prop(person, EMAIL_PROPS, |v| {
                            if let Some(key) = email_key(v, domain_aliases) {
                                insert(index, key, at);
                            }
                        });
                    }
                    Rule::Username { template, .. } => {
                        for (first, last) in &names {
                            if let Some(key) = template.render_keys(first, last) {
                                insert(index, key, at);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }

        let sids = wants(|r| matches!(r, Rule::OnPremisesSid { .. })).then(|| {
            let mut index = KeyIndex::new();
            for &at in accounts {
                let account = &nodes[at];
                if let Some(key) = sid_key(&account.id) {
                    insert(&mut index, key, at);
                }
                for_each_prop(account, SID_PROPS, |v| {
                    if let Some(key) = sid_key(v) {
                        insert(&mut index, key, at);
                    }
                });
            }
            index
        });

        Engine { graph, rules, by_rule, employee_ids, sids }
    }

    /// The accounts (node positions) whose on-premises twin this account
    /// names, itself excluded; empty without an on-premises SID rule.
    pub(crate) fn sid_targets(&self, at: usize) -> Vec<usize> {
        let Some(sids) = &self.sids else { return Vec::new() };
        let mut targets = Candidates::default();
        for_each_prop(&self.graph.nodes()[at], ON_PREMISES_SID_PROPS, |v| {
            if let Some(hit) = sid_key(v).and_then(|key| sids.get(&key)) {
                targets.extend(hit.as_slice());
            }
        });
        targets.0.retain(|&t| t != at);
        targets.0
    }

    /// Tries the rules in order on the account at `at`. `linked` gives the
    /// outcome of an account this one names by on-premises SID, if known.
    pub(crate) fn evaluate<'o>(
        &self,
        at: usize,
        targets: &[usize],
        linked: impl Fn(usize) -> Option<&'o Outcome>,
    ) -> Outcome {
        let account = &self.graph.nodes()[at];
        let mut logins: Option<Vec<String>> = None;
        for (rule_at, rule) in self.rules.iter().enumerate() {
            let mut found = Candidates::default();
            match rule {
                Rule::EmployeeId { .. } => self.by_employee_id(account, &mut found),
                Rule::ScimExternalId { .. } => self.by_external_id(account, &mut found),
                Rule::Email { domain_aliases, .. } => {
                    if let Some(index) = &self.by_rule[rule_at] {
                        for_each_prop(account, EMAIL_PROPS, |v| {
                            if let Some(hit) =
                                email_key(v, domain_aliases).and_then(|k| index.get(&k))
                            {
                                found.extend(hit.as_slice());
                            }
                        });
                    }
                }
                Rule::Username { .. } => {
                    let logins = logins.get_or_insert_with(|| account_logins(account));
                    if let Some(index) = &self.by_rule[rule_at] {
                        for login in logins.iter() {
                            if let Some(hit) = index.get(login) {
                                found.extend(hit.as_slice());
                            }
                        }
                    }
                }
                Rule::OnPremisesSid { .. } => {
                    for &target in targets {
                        if let Some(outcome) = linked(target) {
                            found.extend(outcome.persons());
                        }
                    }
                }
            }
            let mut candidates = found.0;
            match candidates.len() {
                0 => continue,
                1 => return Outcome::Matched { rule: rule_at, person: candidates[0] },
                _ => {
                    candidates.sort_unstable();
                    return Outcome::Disputed { rule: rule_at, candidates };
                }
            }
        }
        Outcome::Uncorrelated
    }

    fn by_employee_id(&self, account: &Node, found: &mut Candidates) {
        let Some(index) = &self.employee_ids else { return };
        for_each_prop(account, EMPLOYEE_ID_PROPS, |v| {
            if let Some(hit) = id_key(v).and_then(|k| index.get(&k)) {
                found.extend(hit.as_slice());
            }
        });
    }

    fn by_external_id(&self, account: &Node, found: &mut Candidates) {
        for_each_prop(account, EXTERNAL_ID_PROPS, |v| {
            if let Some(hit) =
                self.employee_ids.as_ref().and_then(|index| id_key(v).and_then(|k| index.get(&k)))
            {
                found.extend(hit.as_slice());
            }
            let by_id = self.graph.position(v.trim());
            if let Some(at) = by_id.filter(|&p| self.graph.nodes()[p].kind == NodeKind::Person) {
                found.extend(&[at]);
            }
        });
    }
}

/// The distinct logins of an account, as keys.
fn account_logins(account: &Node) -> Vec<String> {
    let mut logins: Vec<String> = Vec::new();
    for_each_prop(account, LOGIN_PROPS, |v| {
        if let Some(key) = login_key(v)
            && !logins.contains(&key)
        {
            logins.push(key);
        }
    });
    logins
}
