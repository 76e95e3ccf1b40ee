//! Checking a policy against the names present in the data, and against
//! itself.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use crate::model::{Graph, NodeKind};

use super::suggest::closest;
use super::{Pattern, PersonFacts, Policy, Role, SodRule, Subject};

/// The vocabulary of a snapshot: what names exist, for
/// [`Policy::check_names`].
///
/// Fill it from any engine; [`Known::from_graph`] fills it from an
/// in-memory [`Graph`]. Entitlements, groups and roles map id to name, and
/// patterns are checked against both.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// System names.
    pub systems: BTreeSet<String>,
    /// Department names, as persons carry them.
    pub departments: BTreeSet<String>,
    /// Job titles.
    pub titles: BTreeSet<String>,
    /// HR job codes.
    pub job_codes: BTreeSet<String>,
    /// Employment types.
    pub employment_types: BTreeSet<String>,
    /// Person ids.
    pub persons: BTreeSet<String>,
    /// Account ids.
    pub accounts: BTreeSet<String>,
    /// Resource ids.
    pub resources: BTreeSet<String>,
    /// Entitlements: id to name.
    pub entitlements: BTreeMap<String, Option<String>>,
    /// Groups: id to name.
    pub groups: BTreeMap<String, Option<String>>,
    /// Roles (system roles, not business roles): id to name.
    pub roles: BTreeMap<String, Option<String>>,
    /// The rule ids the engine knows. When empty, `[rules]` and exception
    /// `rule` keys are not checked.
    pub rule_ids: BTreeSet<String>,
}

impl Known {
    /// The vocabulary of an in-memory graph.
    pub fn from_graph(graph: &Graph) -> Known {
        let mut k = Known::default();
        for n in graph.nodes() {
            if let Some(s) = &n.system {
                k.systems.insert(s.clone());
            }
            match &n.kind {
                NodeKind::Person => {
                    k.persons.insert(n.id.clone());
                    let f = PersonFacts::of(n);
                    let sets = [
                        (f.department, &mut k.departments),
                        (f.title, &mut k.titles),
                        (f.job_code, &mut k.job_codes),
                        (f.employment_type, &mut k.employment_types),
                    ];
                    for (v, set) in sets {
                        if let Some(v) = v {
                            set.insert(v.to_string());
                        }
                    }
                }
                NodeKind::Account => {
                    k.accounts.insert(n.id.clone());
                }
                NodeKind::Resource => {
                    k.resources.insert(n.id.clone());
                }
                NodeKind::Entitlement => {
                    k.entitlements.insert(n.id.clone(), n.name.clone());
                }
                NodeKind::Group => {
                    k.groups.insert(n.id.clone(), n.name.clone());
                }
                NodeKind::Role => {
                    k.roles.insert(n.id.clone(), n.name.clone());
                }
                NodeKind::System => {
                    k.systems.insert(n.id.clone());
                    k.systems.extend(n.name.clone());
                }
                NodeKind::Other(_) => {}
            }
        }
        k
    }
}

/// What kind of problem a warning reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A literal name that nothing in the data carries.
    UnknownName,
    /// A wildcard pattern that matches nothing in the data.
    NoMatch,
    /// Two parts of the policy that cannot both hold.
    Contradiction,
}

/// A doubt about a policy: it reads, but probably does not say what its
/// author meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWarning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// The policy file.
    pub file: String,
    /// The line of the item concerned (0 when the policy was not read
    /// from a file).
    pub line: u32,
    /// The item concerned: `role "Engineering"`, `exception[2]`...
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The closest known name, for a name that is unknown.
    pub suggestion: Option<String>,
}

impl fmt::Display for PolicyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": {}: {}", self.path, self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean \"{s}\"?")?;
        }
        Ok(())
    }
}

/// One category of names, with a lowercase index for literal look-ups.
struct Vocab<'a> {
    names: Vec<&'a str>,
    lower: HashSet<String>,
}

impl<'a> Vocab<'a> {
    fn new(names: impl IntoIterator<Item = &'a str>) -> Vocab<'a> {
        let names: Vec<&str> = names.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
        let lower = names.iter().map(|n| n.to_lowercase()).collect();
        Vocab { names, lower }
    }

    fn of_map(map: &'a BTreeMap<String, Option<String>>) -> Vocab<'a> {
        Vocab::new(
            map.iter().flat_map(|(id, name)| std::iter::once(id.as_str()).chain(name.as_deref())),
        )
    }

    fn matches(&self, p: &Pattern) -> bool {
        match p.literal() {
            Some(lit) => self.lower.contains(lit),
            None => self.names.iter().any(|n| p.matches(n)),
        }
    }
}

/// Collects warnings, once each.
struct Report<'p> {
    file: &'p str,
    out: Vec<PolicyWarning>,
    seen: HashSet<(String, String)>,
}

impl Report<'_> {
    fn push(
        &mut self,
        kind: WarningKind,
        line: u32,
        path: &str,
        message: String,
        suggestion: Option<String>,
    ) {
        if self.seen.insert((path.to_string(), message.to_lowercase())) {
            let (file, path) = (self.file.to_string(), path.to_string());
            self.out.push(PolicyWarning { kind, file, line, path, message, suggestion });
        }
    }

    /// Warns about each pattern that matches nothing in `vocab`.
    fn names(
        &mut self,
        line: u32,
        path: &str,
        field: &str,
        pats: &[Pattern],
        vocab: &Vocab<'_>,
        what: &str,
    ) {
        for p in pats {
            if vocab.matches(p) {
                continue;
            }
            if p.is_literal() {
                let suggestion =
                    closest(p.as_str(), vocab.names.iter().copied()).map(str::to_string);
                let message = format!("{field} \"{p}\" matches no {what}");
                self.push(WarningKind::UnknownName, line, path, message, suggestion);
            } else {
                let message = format!("{field} pattern \"{p}\" matches no {what}");
                self.push(WarningKind::NoMatch, line, path, message, None);
            }
        }
    }
}

fn named(section: &str, name: Option<&str>, index: usize) -> String {
    match name {
        Some(n) => format!("{section} {n:?}"),
        None => format!("{section}[{index}]"),
    }
}

/// Whether two patterns can name the same thing, judged from their text:
/// a literal against the other pattern, or two identical patterns.
fn overlap(a: &Pattern, b: &Pattern) -> bool {
    match (a.literal(), b.literal()) {
        (Some(la), _) => b.matches(la),
        (_, Some(lb)) => a.matches(lb),
        _ => a.as_str().eq_ignore_ascii_case(b.as_str()) || a.as_str() == "*" || b.as_str() == "*",
    }
}

fn sod_contradiction(r: &mut Report<'_>, role: &Role, sod: &SodRule, covered: &[&Pattern]) {
    if covered.len() >= sod.required() && !covered.is_empty() {
        let list = covered.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ");
        let message = format!(
            "grants {list}, which sod \"{}\" forbids together: \
             the role itself violates segregation of duties",
            sod.name
        );
        r.push(
            WarningKind::Contradiction,
            role.line,
            &format!("role {:?}", role.name),
            message,
            None,
        );
    }
}

impl Policy {
    /// Parts of the policy that contradict each other:
    ///
    /// - two roles (or two SoD rules) with the same name;
    /// - a role whose own grants make up an SoD conflict (judged from the
    ///   patterns' text; [`Policy::check_names`] also judges from the data);
    /// - an exception that ends before it was approved.
    ///
    /// An exception for an entitlement that no role or SoD rule concerns is
    /// not a contradiction.
    pub fn contradictions(&self) -> Vec<PolicyWarning> {
        let mut r = Report { file: &self.file, out: Vec::new(), seen: HashSet::new() };
        self.contradictions_into(&mut r);
        r.out
    }

    fn contradictions_into(&self, r: &mut Report<'_>) {
        let mut first: BTreeMap<String, u32> = BTreeMap::new();
        for role in &self.roles {
            if let Some(line) = first.get(&role.name.to_lowercase()) {
                let message = format!("duplicate role name; the first is on line {line}");
                r.push(
                    WarningKind::Contradiction,
                    role.line,
                    &format!("role {:?}", role.name),
                    message,
                    None,
                );
            } else {
                first.insert(role.name.to_lowercase(), role.line);
            }
        }
        first.clear();
        for sod in &self.sod {
            if let Some(line) = first.get(&sod.name.to_lowercase()) {
                let message = format!("duplicate sod name; the first is on line {line}");
                r.push(
                    WarningKind::Contradiction,
                    sod.line,
                    &format!("sod {:?}", sod.name),
                    message,
                    None,
                );
            } else {
                first.insert(sod.name.to_lowercase(), sod.line);
            }
        }

        for role in &self.roles {
            for sod in &self.sod {
                let covered: Vec<&Pattern> = sod
                    .entitlements
                    .iter()
                    .filter(|e| role.grants.iter().any(|g| overlap(g, e)))
                    .collect();
                sod_contradiction(r, role, sod, &covered);
            }
        }

        for (i, e) in self.exceptions.iter().enumerate() {
            if let Some(approved) = e.approved
                && e.until <= approved
            {
                let message = format!("ends ({}) before it was approved ({approved})", e.until);
                r.push(
                    WarningKind::Contradiction,
                    e.line,
                    &format!("exception[{i}]"),
                    message,
                    None,
                );
            }
        }
    }

    /// Checks the policy against the names in the data: one warning per
    /// name (or pattern) of an item that matches nothing, with the closest
    /// known name as a suggestion, followed by the
    /// [contradictions](Policy::contradictions), including roles whose
    /// grants, applied to the data's entitlements, make up an SoD conflict.
    ///
    /// Built-in privileged rules are not checked: most name objects that a
    /// given company does not have.
    pub fn check_names(&self, known: &Known) -> Vec<PolicyWarning> {
        let mut r = Report { file: &self.file, out: Vec::new(), seen: HashSet::new() };
        let systems = Vocab::new(known.systems.iter().map(String::as_str));
        let departments = Vocab::new(known.departments.iter().map(String::as_str));
        let titles = Vocab::new(known.titles.iter().map(String::as_str));
        let job_codes = Vocab::new(known.job_codes.iter().map(String::as_str));
        let employment = Vocab::new(known.employment_types.iter().map(String::as_str));
        let persons = Vocab::new(known.persons.iter().map(String::as_str));
        let accounts = Vocab::new(known.accounts.iter().map(String::as_str));
        let entitlements = Vocab::of_map(&known.entitlements);
        let groups = Vocab::of_map(&known.groups);
        let roles = Vocab::of_map(&known.roles);
        let owned = Vocab::new(
            known
                .accounts
                .iter()
                .chain(&known.resources)
                .map(String::as_str)
                .chain(groups.names.iter().copied()),
        );

        for role in &self.roles {
            let (l, path) = (role.line, format!("role {:?}", role.name));
            r.names(l, &path, "department", &role.department, &departments, "person");
            r.names(l, &path, "title", &role.title, &titles, "person");
            r.names(l, &path, "job_code", &role.job_code, &job_codes, "person");
            r.names(l, &path, "employment_type", &role.employment_type, &employment, "person");
            r.names(l, &path, "grant", &role.grants, &entitlements, "entitlement");
            r.names(l, &path, "group", &role.groups, &groups, "group");
        }
        for (i, p) in self.privileged.iter().enumerate() {
            let (l, path) = (p.line, named("privileged", p.name.as_deref(), i));
            r.names(l, &path, "entitlement", &p.entitlements, &entitlements, "entitlement");
            r.names(l, &path, "group", &p.groups, &groups, "group");
            r.names(l, &path, "role", &p.roles, &roles, "role");
            r.names(l, &path, "system", &p.systems, &systems, "system");
        }
        for sod in &self.sod {
            let path = format!("sod {:?}", sod.name);
            r.names(
                sod.line,
                &path,
                "entitlement",
                &sod.entitlements,
                &entitlements,
                "entitlement",
            );
        }
        for (i, e) in self.exceptions.iter().enumerate() {
            let path = format!("exception[{i}]");
            self.check_exception(&mut r, e, &path, &persons, &accounts, &entitlements, known);
        }
        for (i, a) in self.owners.assign.iter().enumerate() {
            let path = format!("owners.assign[{i}]");
            r.names(
                a.line,
                &path,
                "object",
                std::slice::from_ref(&a.object),
                &owned,
                "account, group or resource",
            );
            if !persons.lower.contains(&a.owner.to_lowercase()) {
                let suggestion =
                    closest(&a.owner, persons.names.iter().copied()).map(str::to_string);
                r.push(
                    WarningKind::UnknownName,
                    a.line,
                    &path,
                    format!("owner \"{}\" is no person", a.owner),
                    suggestion,
                );
            }
        }
        if !known.rule_ids.is_empty() {
            for id in self.rules.keys().filter(|id| !known.rule_ids.contains(*id)) {
                let suggestion =
                    closest(id, known.rule_ids.iter().map(String::as_str)).map(str::to_string);
                r.push(
                    WarningKind::UnknownName,
                    0,
                    &format!("rules.{id}"),
                    "no rule has this id".into(),
                    suggestion,
                );
            }
        }

        self.contradictions_into(&mut r);
        self.data_sod_contradictions(&mut r, known);
        r.out
    }

    #[expect(clippy::too_many_arguments, reason = "one vocabulary per field of an exception")]
    fn check_exception(
        &self,
        r: &mut Report<'_>,
        e: &super::Exception,
        path: &str,
        persons: &Vocab<'_>,
        accounts: &Vocab<'_>,
        entitlements: &Vocab<'_>,
        known: &Known,
    ) {
        let (vocab, field) = match &e.subject {
            Subject::Person(_) => (persons, "person"),
            Subject::Account(_) => (accounts, "account"),
        };
        let id = e.subject.id();
        if !vocab.lower.contains(&id.to_lowercase()) {
            let suggestion = closest(id, vocab.names.iter().copied()).map(str::to_string);
            let message = format!("{field} \"{id}\" is not in the data");
            r.push(WarningKind::UnknownName, e.line, path, message, suggestion);
        }
        if let Some(p) = &e.entitlement {
            r.names(
                e.line,
                path,
                "entitlement",
                std::slice::from_ref(p),
                entitlements,
                "entitlement",
            );
        }
        if let Some(rule) = &e.rule
            && !known.rule_ids.is_empty()
            && !known.rule_ids.contains(rule)
        {
            let suggestion =
                closest(rule, known.rule_ids.iter().map(String::as_str)).map(str::to_string);
            r.push(
                WarningKind::UnknownName,
                e.line,
                path,
                format!("rule \"{rule}\" is no known rule"),
                suggestion,
            );
        }
    }

    /// Roles whose grants, applied to the data, hold an SoD conflict.
    fn data_sod_contradictions(&self, r: &mut Report<'_>, known: &Known) {
        for role in &self.roles {
            let granted: Vec<(&str, Option<&str>)> = known
                .entitlements
                .iter()
                .map(|(id, name)| (id.as_str(), name.as_deref()))
                .filter(|(id, name)| role.grants_entitlement(id, *name))
                .collect();
            if granted.is_empty() {
                continue;
            }
            for sod in &self.sod {
                let covered: Vec<&Pattern> = sod
                    .entitlements
                    .iter()
                    .filter(|p| {
                        granted
                            .iter()
                            .any(|(id, name)| p.matches(id) || name.is_some_and(|n| p.matches(n)))
                    })
                    .collect();
                sod_contradiction(r, role, sod, &covered);
            }
        }
    }
}
