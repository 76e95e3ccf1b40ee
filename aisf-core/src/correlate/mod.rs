//! Correlation: finding the person behind each account.
//!
//! Persons come from the HR source ([`NodeKind::Person`] nodes); accounts
//! come from every other system. [`correlate`] links each account to its
//! person with an [`EdgeKind::Correlation`] edge, trying the rules of a
//! [`CorrelationConfig`] in order, strongest first, and stops at the first
//! rule that finds anyone:
//!
//! - one person: the account is **matched**, and the edge records the rule
//!   and its confidence;
//! - two or more persons: the account is **disputed**, and the candidates
//!   are listed on it for a human to decide. A weaker rule never breaks the
//!   tie, because a wrong owner is worse than none;
//! - nobody, after every rule: the account is **uncorrelated** (an orphan).
//!
//! Accounts the source already linked to a person (a declared correlation,
//! such as the `person_id` column of the CSV bundle) keep their edge and
//! are not looked at again. Service and shared accounts belong to no person
//! and are marked not applicable.
//!
//! Every account ends with a [`CORRELATION`] property saying which of these
//! it is (see [`Status`]), so that policies can filter on it.
//!
//! ```
//! use aisf_core::correlate::{correlate, CorrelationConfig};
//! use aisf_core::{Graph, Node, NodeKind};
//!
//! let mut g = Graph::new();
//! g.add_node(Node::new("hr:1001", NodeKind::Person).with_name("Alice Archer")
//!     .with_prop("employee_id", "1001").with_prop("email", "alice@example.com")).unwrap();
//! g.add_node(Node::new("ldap:aarcher", NodeKind::Account).with_system("ldap")
//!     .with_prop("employeeNumber", "1001")).unwrap();
//! g.add_node(Node::new("saas:7", NodeKind::Account).with_system("saas")
//!     .with_prop("email", "Alice+saas@Example.com")).unwrap();
//! g.add_node(Node::new("saas:8", NodeKind::Account).with_system("saas")
//!     .with_prop("email", "mallory@example.com")).unwrap();
//!
//! let report = correlate(&mut g, &CorrelationConfig::default());
//! assert_eq!(report.matched, 2);
//! assert_eq!(report.uncorrelated, vec!["saas:8".to_string()]);
//! assert_eq!(g.node("saas:7").unwrap().prop("correlation").unwrap().as_str(), Some("matched"));
//! ```
//!
//! # Cost
//!
//! The persons are indexed once (a hash map per rule from normalised key to
//! persons), after which each account costs a few hash lookups per rule:
//! the whole run is linear in persons plus accounts, and accounts are
//! evaluated in parallel.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Edge, EdgeKind, Graph, NodeKind, Value, props};

mod engine;
mod normalize;
mod template;

pub use engine::{
    EMAIL_PROPS, EMPLOYEE_ID_PROPS, EXTERNAL_ID_PROPS, LOGIN_PROPS, MAX_CANDIDATES,
    ON_PREMISES_SID_PROPS, SID_PROPS,
};
pub use normalize::{FIRST_NAME_PROPS, LAST_NAME_PROPS};
pub use template::{Template, TemplateError};

use engine::{Engine, Outcome};

/// Account property: how the account was correlated, as [`Status::as_str`]
/// spells it.
pub const CORRELATION: &str = "correlation";
/// Account property: the ids of the persons a disputed account could
/// belong to.
pub const CANDIDATES: &str = "candidates";
/// Edge property: the name of the rule that made a correlation edge.
pub const RULE: &str = "rule";
/// Edge property: the rule's confidence, in percent.
pub const CONFIDENCE: &str = "confidence";

/// The values of [`ACCOUNT_TYPE`](props::ACCOUNT_TYPE) that mark accounts
/// no person owns.
pub const NOT_APPLICABLE_TYPES: &[&str] = &["service", "shared"];

/// How an account was correlated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The source linked it to a person.
    Declared,
    /// A rule found exactly one person.
    Matched,
    /// A rule found several persons.
    Disputed,
    /// No rule found anyone.
    Uncorrelated,
    /// A service or shared account, which no person owns.
    NotApplicable,
}

impl Status {
    /// The value of the [`CORRELATION`] property.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Declared => "declared",
            Status::Matched => "matched",
            Status::Disputed => "disputed",
            Status::Uncorrelated => "uncorrelated",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// One way of finding an account's person.
///
/// Each rule reads a few account properties (listed by the constants of
/// this module, such as [`EMPLOYEE_ID_PROPS`]) and compares them with the
/// persons'. A confidence is in percent; values over 100 count as 100.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// The account's employee number ([`EMPLOYEE_ID_PROPS`]) equals the
    /// person's, ignoring case and surrounding whitespace.
    EmployeeId {
        /// In percent.
        confidence: u8,
    },
    /// An email of the account ([`EMAIL_PROPS`], including the UPN) equals
    /// one of the person's, compared lowercased and trimmed, without a
    /// `+tag`, and with alias domains replaced by their canonical domain.
    Email {
        /// Alias domain to canonical domain, both lowercase
        /// (`corp.example.com` to `example.com`).
        #[serde(default)]
        domain_aliases: BTreeMap<String, String>,
        /// In percent.
        confidence: u8,
    },
    /// A login of the account ([`LOGIN_PROPS`], without any `DOMAIN\`
    /// prefix or `@domain`) equals the template applied to the person's
    /// name. The name comes from [`FIRST_NAME_PROPS`] and
    /// [`LAST_NAME_PROPS`] when both are present, else from the display
    /// name split on whitespace.
    Username {
        /// How the system spells logins.
        template: Template,
        /// In percent.
        confidence: u8,
    },
    /// The account names the SID of another account as its on-premises
    /// twin ([`ON_PREMISES_SID_PROPS`], as Entra's
    /// `onPremisesSecurityIdentifier`), and gets that account's person. The
    /// twin is found by its id or its [`SID_PROPS`]; it is correlated first,
    /// whatever its own rules, and a disputed twin passes its dispute on.
    OnPremisesSid {
        /// In percent.
        confidence: u8,
    },
    /// The account's SCIM `externalId` ([`EXTERNAL_ID_PROPS`]) equals a
    /// person's employee number or a person's id.
    ScimExternalId {
        /// In percent.
        confidence: u8,
    },
}

impl Rule {
    /// [`Rule::EmployeeId`] with confidence 100.
    pub fn employee_id() -> Rule {
        Rule::EmployeeId { confidence: 100 }
    }

    /// [`Rule::Email`] without domain aliases, confidence 90.
    pub fn email() -> Rule {
        Rule::Email { domain_aliases: BTreeMap::new(), confidence: 90 }
    }

    /// [`Rule::Email`] with domain aliases, given as (alias, canonical)
    /// pairs, confidence 90.
    pub fn email_with_aliases<A, C>(aliases: impl IntoIterator<Item = (A, C)>) -> Rule
    where
        A: AsRef<str>,
        C: AsRef<str>,
    {
        let domain_aliases = aliases
            .into_iter()
            .map(|(a, c)| (a.as_ref().trim().to_lowercase(), c.as_ref().trim().to_lowercase()))
            .collect();
        Rule::Email { domain_aliases, confidence: 90 }
    }

    /// [`Rule::Username`] with confidence 60.
    ///
    /// # Errors
    ///
    /// [`TemplateError`] when the template cannot be read (see
    /// [`Template::parse`]).
    pub fn username(template: &str) -> Result<Rule, TemplateError> {
        Ok(Rule::Username { template: Template::parse(template)?, confidence: 60 })
    }

    /// [`Rule::OnPremisesSid`] with confidence 95.
    pub fn on_premises_sid() -> Rule {
        Rule::OnPremisesSid { confidence: 95 }
    }

    /// [`Rule::ScimExternalId`] with confidence 90.
    pub fn scim_external_id() -> Rule {
        Rule::ScimExternalId { confidence: 90 }
    }

    /// The rule's name, as the [`RULE`] edge property and the report spell
    /// it: `employee_id`, `email`, `username:{f}{last}`, `on_premises_sid`,
    /// `scim_external_id`.
    pub fn name(&self) -> String {
        match self {
            Rule::EmployeeId { .. } => "employee_id".to_string(),
            Rule::Email { .. } => "email".to_string(),
            Rule::Username { template, .. } => format!("username:{template}"),
            Rule::OnPremisesSid { .. } => "on_premises_sid".to_string(),
            Rule::ScimExternalId { .. } => "scim_external_id".to_string(),
        }
    }

    /// The confidence, in percent, at most 100.
    pub fn confidence(&self) -> u8 {
        let c = match self {
            Rule::EmployeeId { confidence }
            | Rule::Email { confidence, .. }
            | Rule::Username { confidence, .. }
            | Rule::OnPremisesSid { confidence }
            | Rule::ScimExternalId { confidence } => *confidence,
        };
        c.min(100)
    }
}

/// The usernames templates of the default configuration, in order.
pub const DEFAULT_TEMPLATES: &[&str] = &["{first}.{last}", "{f}{last}", "{f}.{last}", "{first}{l}"];

/// Which rules to try, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrelationConfig {
    /// The rules, strongest first: the first rule that finds anyone
    /// decides.
    pub rules: Vec<Rule>,
}

impl Default for CorrelationConfig {
    /// Employee id (100), on-premises SID (95), SCIM external id (90),
    /// email (90), then the [`DEFAULT_TEMPLATES`] (60 each).
    fn default() -> CorrelationConfig {
        let mut rules = vec![
            Rule::employee_id(),
            Rule::on_premises_sid(),
            Rule::scim_external_id(),
            Rule::email(),
        ];
        rules.extend(DEFAULT_TEMPLATES.iter().filter_map(|t| Rule::username(t).ok()));
        CorrelationConfig { rules }
    }
}

/// How often one rule matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleMatches {
    /// The rule's [`Rule::name`].
    pub rule: String,
    /// The rule's confidence, in percent.
    pub confidence: u8,
    /// Accounts it matched to exactly one person.
    pub matched: u64,
    /// Accounts it found several persons for.
    pub disputed: u64,
}

/// An account a rule found several persons for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dispute {
    /// The account's id.
    pub account: String,
    /// The rule's [`Rule::name`].
    pub rule: String,
    /// The candidate persons' ids, sorted; at most [`MAX_CANDIDATES`].
    pub candidates: Vec<String>,
}

/// The outcome counts of one system's accounts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SystemTotals {
    /// Accounts in the system.
    pub accounts: u64,
    /// Accounts the source linked to a person.
    pub declared: u64,
    /// Accounts a rule matched.
    pub matched: u64,
    /// Accounts with several candidate persons.
    pub disputed: u64,
    /// Accounts no rule found a person for.
    pub uncorrelated: u64,
    /// Service and shared accounts.
    pub not_applicable: u64,
}

impl SystemTotals {
    fn count(&mut self, status: Status) {
        self.accounts += 1;
        match status {
            Status::Declared => self.declared += 1,
            Status::Matched => self.matched += 1,
            Status::Disputed => self.disputed += 1,
            Status::Uncorrelated => self.uncorrelated += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }
}

/// What [`correlate`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CorrelationReport {
    /// Person nodes seen.
    pub persons: u64,
    /// Account nodes seen.
    pub accounts: u64,
    /// Accounts that already had a correlation edge.
    pub declared: u64,
    /// Accounts a rule matched, all rules together.
    pub matched: u64,
    /// Matches and disputes per rule, in the configuration's order.
    pub rules: Vec<RuleMatches>,
    /// Accounts with several candidate persons, in graph order.
    pub disputed: Vec<Dispute>,
    /// Ids of the accounts no rule found a person for, in graph order.
    pub uncorrelated: Vec<String>,
    /// Service and shared accounts.
    pub not_applicable: u64,
    /// Totals per system; accounts without a system count under `""`.
    pub systems: BTreeMap<String, SystemTotals>,
}

/// Links every account of `graph` to its person, as the [module
/// documentation](self) describes, and reports what it did.
///
/// Accounts with a correlation edge keep it and are only counted (a second
/// run therefore reports the first run's matches as declared). Every other
/// account gets its [`CORRELATION`] property set, and its [`CANDIDATES`]
/// property set when disputed and removed otherwise. Each match adds one
/// correlation edge with the [`RULE`] and [`CONFIDENCE`] properties.
pub fn correlate(graph: &mut Graph, config: &CorrelationConfig) -> CorrelationReport {
    let (accounts, outcomes, persons) = decide(graph, config);
    apply(graph, config, &accounts, outcomes, persons)
}

/// Decides every account's outcome without changing the graph: the account
/// positions, their outcomes, and the number of persons.
fn decide(graph: &Graph, config: &CorrelationConfig) -> (Vec<usize>, Vec<Outcome>, u64) {
    let nodes = graph.nodes();
    let of_kind = |kind: NodeKind| -> Vec<usize> {
        nodes.iter().enumerate().filter(|(_, n)| n.kind == kind).map(|(at, _)| at).collect()
    };
    let persons = of_kind(NodeKind::Person);
    let accounts = of_kind(NodeKind::Account);
    let mut slot_of = vec![usize::MAX; nodes.len()];
    for (slot, &at) in accounts.iter().enumerate() {
        slot_of[at] = slot;
    }

    // Declared owners, by account slot.
    let mut declared: HashMap<usize, Vec<usize>> = HashMap::new();
    for edge in graph.edges().iter().filter(|e| e.kind == EdgeKind::Correlation) {
        let Some(slot) = graph.position(&edge.src).map(|at| slot_of[at]) else { continue };
        if slot == usize::MAX {
            continue;
        }
        let owners = declared.entry(slot).or_default();
        if let Some(person) =
            graph.position(&edge.dst).filter(|&p| nodes[p].kind == NodeKind::Person)
        {
            owners.push(person);
        }
    }

    // Settle declared and not-applicable accounts; split the rest into
    // those that name an on-premises twin and must wait for it, and those
    // that can be decided at once.
    let engine = Engine::new(graph, &config.rules, &persons, &accounts);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; accounts.len()];
    let mut ready: Vec<usize> = Vec::new();
    let mut waiting: Vec<(usize, Vec<usize>)> = Vec::new();
    for (slot, &at) in accounts.iter().enumerate() {
        if let Some(mut owners) = declared.remove(&slot) {
            owners.sort_unstable();
            owners.dedup();
            outcomes[slot] = Some(Outcome::Declared(owners));
        } else if is_not_applicable(&nodes[at]) {
            outcomes[slot] = Some(Outcome::NotApplicable);
        } else {
            let targets: Vec<usize> =
                engine.sid_targets(at).into_iter().map(|t| slot_of[t]).collect();
            if targets.is_empty() { ready.push(slot) } else { waiting.push((slot, targets)) }
        }
    }

    let decided: Vec<(usize, Outcome)> = ready
        .par_iter()
        .map(|&slot| (slot, engine.evaluate(accounts[slot], &[], |_| None)))
        .collect();
    for (slot, outcome) in decided {
        outcomes[slot] = Some(outcome);
    }
    settle_linked(&engine, &accounts, &mut outcomes, waiting);

    let outcomes = outcomes.into_iter().map(|o| o.unwrap_or(Outcome::Uncorrelated)).collect();
    (accounts, outcomes, persons.len() as u64)
}

/// Decides the accounts that name an on-premises twin, each after its twin,
/// a whole generation at a time. In a cycle of twins (which only a broken
/// export makes) one account is decided without its undecided twin.
fn settle_linked(
    engine: &Engine<'_>,
    accounts: &[usize],
    outcomes: &mut [Option<Outcome>],
    waiting: Vec<(usize, Vec<usize>)>,
) {
    // `pending[i]` counts the undecided twins of `waiting[i]`; `dependants`
    // maps an undecided account to the waiting entries that name it.
    let mut pending: Vec<usize> = Vec::with_capacity(waiting.len());
    let mut dependants: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, (_, targets)) in waiting.iter().enumerate() {
        let undecided: Vec<usize> =
            targets.iter().copied().filter(|&t| outcomes[t].is_none()).collect();
        pending.push(undecided.len());
        for t in undecided {
            dependants.entry(t).or_default().push(i);
        }
    }
    let mut generation: Vec<usize> = (0..waiting.len()).filter(|&i| pending[i] == 0).collect();
    let mut done = vec![false; waiting.len()];
    let mut cursor = 0;

    loop {
        if generation.is_empty() {
            // Whatever is left waits on a cycle: decide its first account
            // without the twin, which frees the rest of the cycle.
            while cursor < done.len() && done[cursor] {
                cursor += 1;
            }
            if cursor == done.len() {
                return;
            }
            generation.push(cursor);
        }
        let decided: Vec<(usize, Outcome)> = {
            let view: &[Option<Outcome>] = outcomes;
            generation
                .par_iter()
                .map(|&i| {
                    let (slot, targets) = &waiting[i];
                    let outcome = engine.evaluate(accounts[*slot], targets, |t| view[t].as_ref());
                    (i, outcome)
                })
                .collect()
        };
        let mut next = Vec::new();
        for (i, outcome) in decided {
            let slot = waiting[i].0;
            done[i] = true;
            outcomes[slot] = Some(outcome);
            for &d in dependants.get(&slot).map(Vec::as_slice).unwrap_or_default() {
                pending[d] = pending[d].saturating_sub(1);
                if pending[d] == 0 && !done[d] {
                    next.push(d);
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        generation = next;
    }
}

fn is_not_applicable(account: &crate::Node) -> bool {
    match account.prop(props::ACCOUNT_TYPE).and_then(Value::as_str) {
        Some(kind) => NOT_APPLICABLE_TYPES.iter().any(|t| t.eq_ignore_ascii_case(kind.trim())),
        None => false,
    }
}

/// Writes the outcomes into the graph and builds the report.
fn apply(
    graph: &mut Graph,
    config: &CorrelationConfig,
    accounts: &[usize],
    outcomes: Vec<Outcome>,
    persons: u64,
) -> CorrelationReport {
    let names: Vec<String> = config.rules.iter().map(Rule::name).collect();
    let mut report = CorrelationReport {
        persons,
        accounts: accounts.len() as u64,
        rules: config
            .rules
            .iter()
            .zip(&names)
            .map(|(r, name)| RuleMatches {
                rule: name.clone(),
                confidence: r.confidence(),
                matched: 0,
                disputed: 0,
            })
            .collect(),
        ..CorrelationReport::default()
    };
    let mut systems: HashMap<String, SystemTotals> = HashMap::new();

    for (&at, outcome) in accounts.iter().zip(outcomes) {
        let node = &graph.nodes()[at];
        let id = node.id.clone();
        let system = node.system.clone().unwrap_or_default();
        let person_id = |p: usize| graph.nodes()[p].id.clone();
        let (status, candidates, edge) = match outcome {
            Outcome::Declared(_) => {
                report.declared += 1;
                (Status::Declared, None, None)
            }
            Outcome::NotApplicable => {
                report.not_applicable += 1;
                (Status::NotApplicable, None, None)
            }
            Outcome::Uncorrelated => {
                report.uncorrelated.push(id.clone());
                (Status::Uncorrelated, None, None)
            }
            Outcome::Matched { rule, person } => {
                report.matched += 1;
                report.rules[rule].matched += 1;
                let edge = Edge::new(EdgeKind::Correlation, id.clone(), person_id(person))
                    .with_prop(RULE, names[rule].as_str())
                    .with_prop(CONFIDENCE, Value::Int(i64::from(config.rules[rule].confidence())));
                (Status::Matched, None, Some(edge))
            }
            Outcome::Disputed { rule, candidates } => {
                report.rules[rule].disputed += 1;
                let mut ids: Vec<String> = candidates.into_iter().map(person_id).collect();
                ids.sort_unstable();
                report.disputed.push(Dispute {
                    account: id.clone(),
                    rule: names[rule].clone(),
                    candidates: ids.clone(),
                });
                (Status::Disputed, Some(ids), None)
            }
        };
        systems.entry(system).or_default().count(status);

        if let Some(node) = graph.node_mut(&id) {
            node.props.insert(CORRELATION.to_string(), Value::from(status.as_str()));
            match candidates {
                Some(ids) => {
                    node.props.insert(CANDIDATES.to_string(), Value::StrList(ids));
                }
                None => {
                    node.props.remove(CANDIDATES);
                }
            }
        }
        if let Some(edge) = edge {
            graph.add_edge(edge);
        }
    }

    report.systems = systems.into_iter().collect();
    report
}
