//! Turning the plan into nodes and edges.
//!
//! Nodes are added in a fixed order: systems, resources, entitlements,
//! admin objects, roles, groups, then each person followed by their
//! accounts, then accounts that belong to no person. People are emitted in
//! parallel chunks that are joined in order, so the graph does not depend
//! on the number of threads.

use std::collections::BTreeSet;

use rayon::prelude::*;

use super::catalog::{Catalog, DEPTS, Holders, IT, Sys, dept_in_system};
use super::drift::{self, AccountDrift, Plan, Standalone};
use super::people::{self, DAY, Layout, Person, S_ACCOUNT, TEAM};
use super::rng::Rng;
use crate::{Edge, EdgeKind, Graph, Node, NodeKind, Value, props};

/// People per parallel chunk.
const CHUNK: usize = 4096;

/// The name of the property that says when a person changed department.
pub const MOVED_AT: &str = "moved_at";
/// The department a mover came from.
pub const PREVIOUS_DEPARTMENT: &str = "previous_department";
/// The title a mover had before.
pub const PREVIOUS_TITLE: &str = "previous_title";

/// Adds a node whose id the generator made unique.
fn add(graph: &mut Graph, node: Node) {
    let added = graph.add_node(node);
    debug_assert!(added.is_ok(), "generated id is not unique: {added:?}");
}

fn edge(kind: EdgeKind, src: &str, dst: &str) -> Edge {
    Edge::new(kind, src, dst)
}

/// The depth of the deep nesting chain: 20 levels, one more each time
/// the organisation doubles past 250 people.
pub(crate) fn chain_depth(people: usize) -> usize {
    let mut depth = 20;
    let mut size = 250;
    while size * 2 <= people {
        size *= 2;
        depth += 1;
    }
    depth
}

/// The number of nesting cycles.
pub(crate) fn cycle_count(people: usize) -> usize {
    2 + people / 200_000
}

/// Systems, resources, entitlements, admin objects, roles and groups.
pub(crate) fn structure(graph: &mut Graph, cat: &Catalog, layout: &Layout, people: usize) {
    for sys in Sys::ALL {
        add(
            graph,
            Node::new(format!("system:{}", sys.key()), NodeKind::System)
                .with_name(sys.name())
                .with_system(sys.key()),
        );
    }

    let mut seen = BTreeSet::new();
    for e in &cat.ents {
        if seen.insert(e.resource.clone()) {
            let name = e.resource.rsplit(':').next().unwrap_or("");
            add(
                graph,
                Node::new(&e.resource, NodeKind::Resource).with_name(name).with_system(e.sys.key()),
            );
        }
    }

    for e in &cat.ents {
        let mut node = Node::new(&e.id, NodeKind::Entitlement)
            .with_name(&e.name)
            .with_system(e.sys.key())
            .with_prop(props::PRIVILEGED, e.tier.is_some())
            .with_prop(props::RESOURCE, e.resource.rsplit(':').next().unwrap_or(""))
            .with_prop(props::PERMISSION, e.permission);
        if let Some(tier) = e.tier {
            node = node.with_prop(props::TIER, i64::from(tier));
        }
        add(graph, node);
        graph.add_edge(edge(EdgeKind::OnResource, &e.id, &e.resource));
    }

    for (a, admin) in cat.admins.iter().enumerate() {
        let kind = if admin.is_role { NodeKind::Role } else { NodeKind::Group };
        let node = Node::new(admin.id, kind)
            .with_name(admin.name)
            .with_system(admin.sys.key())
            .with_prop(props::PRIVILEGED, true)
            .with_prop(props::TIER, i64::from(admin.tier));
        add(graph, node);
        for e in cat.ents.iter().filter(|e| e.holders == Holders::Admin(a)) {
            graph.add_edge(edge(EdgeKind::Grant, admin.id, &e.id));
        }
    }

    for role in &cat.roles {
        add(
            graph,
            Node::new(&role.id, NodeKind::Role).with_name(&role.name).with_system(role.sys.key()),
        );
        for &k in &role.ents {
            graph.add_edge(edge(EdgeKind::Grant, &role.id, &cat.ents[k].id));
        }
    }

    staff_groups(graph, cat, layout);
    nesting_oddities(graph, cat, layout, people);
    request_groups(graph, cat);
}

fn group(id: &str, name: &str, sys: Sys) -> Node {
    Node::new(id, NodeKind::Group).with_name(name).with_system(sys.key())
}

/// All-staff, department and directory team groups.
fn staff_groups(graph: &mut Graph, cat: &Catalog, layout: &Layout) {
    for sys in Sys::ALL {
        let all = format!("{}:group:all-staff", sys.key());
        add(graph, group(&all, "All Staff", sys));
        for e in cat.ents.iter().filter(|e| e.sys == sys && e.holders == Holders::AllStaff) {
            graph.add_edge(edge(EdgeKind::Grant, &all, &e.id));
        }

        for (d, dept) in DEPTS.iter().enumerate() {
            let d = d as u8;
            if !dept_in_system(d, sys) {
                continue;
            }
            let id = people::dept_group_id(sys, d);
            add(graph, group(&id, dept.name, sys));
            graph.add_edge(edge(EdgeKind::MemberOf, &id, &all));
            for e in cat.ents.iter().filter(|e| e.sys == sys && e.holders == Holders::Dept(d)) {
                graph.add_edge(edge(EdgeKind::Grant, &id, &e.id));
            }
        }
    }

    // Directory teams, each owned by the manager who opens it.
    for (d, list) in layout.members.iter().enumerate() {
        let d = d as u8;
        let teams = list.len().div_ceil(TEAM);
        let dept_group = people::dept_group_id(Sys::Ad, d);
        for t in 0..teams {
            let id = people::team_id(d, t as u32);
            let name = format!("{} team {}", DEPTS[usize::from(d)].name, t + 1);
            add(graph, group(&id, &name, Sys::Ad));
            graph.add_edge(edge(EdgeKind::MemberOf, &id, &dept_group));
            graph.add_edge(edge(EdgeKind::Owns, &people::person_id(list[t * TEAM]), &id));
        }
    }
}

/// The deep chain (IT's department group, nested level after level, holds
/// the legacy inventory through the top of the chain) and the cycles
/// (an engineering team and distribution lists that grant nothing, each
/// member of the next).
fn nesting_oddities(graph: &mut Graph, cat: &Catalog, layout: &Layout, people: usize) {
    let depth = chain_depth(people);
    let mut below = people::dept_group_id(Sys::Ad, IT);
    for level in 0..depth {
        let id = format!("ad:group:chain-{}", level + 1);
        add(graph, group(&id, &format!("Legacy nesting {}", level + 1), Sys::Ad));
        graph.add_edge(edge(EdgeKind::MemberOf, &below, &id));
        below = id;
    }
    for e in cat.ents.iter().filter(|e| e.holders == Holders::Chain) {
        graph.add_edge(edge(EdgeKind::Grant, &below, &e.id));
    }

    let eng = super::catalog::ENGINEERING;
    let teams = layout.members[usize::from(eng)].len().div_ceil(TEAM);
    if teams == 0 {
        return;
    }
    for c in 0..cycle_count(people) {
        let team = people::team_id(eng, (c % teams) as u32);
        let mut prev = team.clone();
        for j in 0..(2 + c % 2) - 1 {
            let id = format!("ad:group:dl-{}-{}", c + 1, j + 1);
            add(graph, group(&id, &format!("Distribution list {}.{}", c + 1, j + 1), Sys::Ad));
            graph.add_edge(edge(EdgeKind::MemberOf, &prev, &id));
            prev = id;
        }
        graph.add_edge(edge(EdgeKind::MemberOf, &prev, &team));
    }
}

/// One request group per catalog entitlement and one access group per
/// entitlement named in an SoD rule; no person is in them in a clean
/// organisation.
fn request_groups(graph: &mut Graph, cat: &Catalog) {
    for list in &cat.catalog {
        for &k in list {
            let e = &cat.ents[k];
            let id = drift::request_group(&e.id);
            add(graph, group(&id, &format!("Request {}", e.name), e.sys));
            graph.add_edge(edge(EdgeKind::Grant, &id, &e.id));
        }
    }
    for rule in &cat.sod {
        for k in [rule.first, rule.second] {
            let e = &cat.ents[k];
            let id = drift::access_group(&e.id);
            add(graph, group(&id, &format!("Access {}", e.name), e.sys));
            graph.add_edge(edge(EdgeKind::Grant, &id, &e.id));
        }
    }
}

/// What one chunk of people adds.
struct Chunk {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    previous: Vec<Node>,
}

/// Everything about one generation run that people emission reads.
pub(crate) struct Ctx<'a> {
    pub(crate) cat: &'a Catalog,
    pub(crate) layout: &'a Layout,
    pub(crate) plan: &'a Plan,
    pub(crate) seed: u64,
    pub(crate) now: i64,
}

/// Adds every person and their accounts; returns the HR records as they
/// were 60 days before `now`.
pub(crate) fn people(graph: &mut Graph, ctx: &Ctx<'_>) -> Vec<Node> {
    let total = ctx.layout.persons.len();
    let chunks: Vec<Chunk> = (0..total.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut chunk = Chunk { nodes: Vec::new(), edges: Vec::new(), previous: Vec::new() };
            for i in c * CHUNK..((c + 1) * CHUNK).min(total) {
                ctx.person(&mut chunk, i as u32);
            }
            chunk
        })
        .collect();

    let mut previous = Vec::with_capacity(total);
    for chunk in chunks {
        for node in chunk.nodes {
            add(graph, node);
        }
        graph.edges_mut().extend(chunk.edges);
        previous.extend(chunk.previous);
    }
    previous
}

/// The address HR holds for a person whose record names another
/// person's address: the same address in other letter case.
fn alias_of(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut upper = true;
    for c in address.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = matches!(c, '.' | '@');
    }
    out
}

impl Ctx<'_> {
    fn person(&self, chunk: &mut Chunk, i: u32) {
        let p = &self.layout.persons[i as usize];
        let id = people::person_id(i);
        let n = Person::number(i);
        let address = match p.email_alias_of {
            Some(other) => alias_of(&people::email(&self.layout.persons[other as usize], other)),
            None => people::email(p, i),
        };
        let dept = &DEPTS[usize::from(p.dept)];
        let mut node = Node::new(&id, NodeKind::Person)
            .with_name(format!("{} {}", p.first_name(), p.last_name()))
            .with_prop(props::EMPLOYEE_ID, format!("E{n}"))
            .with_prop(props::EMAIL, address)
            .with_prop(props::DEPARTMENT, dept.name)
            .with_prop(props::TITLE, dept.titles[usize::from(p.title)].name)
            .with_prop(props::EMPLOYMENT_TYPE, if p.contractor { "contractor" } else { "employee" })
            .with_prop(props::STATUS, if p.terminated { "terminated" } else { "active" })
            .with_prop(props::START_DATE, Value::Time(p.start));
        if let Some(end) = p.end {
            node = node.with_prop(props::END_DATE, Value::Time(end));
        }
        let mut previous = node.clone();
        if let Some(moved) = &p.moved {
            let old = &DEPTS[usize::from(moved.dept)];
            node = node
                .with_prop(MOVED_AT, Value::Time(moved.at))
                .with_prop(PREVIOUS_DEPARTMENT, old.name)
                .with_prop(PREVIOUS_TITLE, old.titles[usize::from(moved.title)].name);
            previous = previous
                .with_prop(props::DEPARTMENT, old.name)
                .with_prop(props::TITLE, old.titles[usize::from(moved.title)].name);
        }
        if p.terminated && !p.contractor {
            previous.props.remove(props::END_DATE);
        }
        previous = previous.with_prop(props::STATUS, "active");

        // HR knew of everyone who had started 60 days ago.
        if p.start <= self.now - 60 * DAY {
            chunk.previous.push(previous);
        }
        chunk.nodes.push(node);
        if let Some(m) = p.manager {
            chunk.edges.push(edge(EdgeKind::Manager, &id, &people::person_id(m)));
        }
        for sys in people::systems(p) {
            self.account(chunk, p, i, sys);
        }
    }

    fn account(&self, chunk: &mut Chunk, p: &Person, i: u32, sys: Sys) {
        let drift = self.plan.accounts.get(&(i, sys));
        let none = AccountDrift::default();
        let drift = drift.unwrap_or(&none);
        let privileged = self.cat.is_privileged_title(p.dept, p.title);
        let mut rng = Rng::stream(self.seed, S_ACCOUNT, u64::from(i) * 8 + sys.index() as u64);

        let created =
            drift.created.unwrap_or((p.start + rng.range(0, 2 * DAY)).min(self.now - 3600));
        let window = (self.now - created).clamp(1, 30 * DAY);
        let login = drift.last_login.unwrap_or(self.now - rng.range(0, window));
        let mfa = drift.mfa.unwrap_or(privileged || (sys != Sys::Ad && rng.chance(0.9)));
        let id = people::account_id(p, i, sys);
        let mut node = Node::new(&id, NodeKind::Account)
            .with_system(sys.key())
            .with_prop(props::ENABLED, drift.enabled.unwrap_or(true))
            .with_prop(props::CREATED, Value::Time(created))
            .with_prop(props::USERNAME, people::username(p, i, sys))
            .with_prop(props::EMAIL, people::email(p, i))
            .with_prop(props::ACCOUNT_TYPE, "human")
            .with_prop(props::MFA, mfa);
        if !drift.never_logged_in {
            node = node.with_prop(props::LAST_LOGIN, Value::Time(login));
        }
        if matches!(sys, Sys::Ad | Sys::Entra) {
            node = node.with_prop(props::EMPLOYEE_ID, format!("E{}", Person::number(i)));
        }
        if sys == Sys::Ad {
            node =
                ad_flags(node, drift.password_never_expires, drift.has_spn, drift.dont_req_preauth);
        }
        chunk.nodes.push(node);

        let edges = &mut chunk.edges;
        edges.push(edge(EdgeKind::Correlation, &id, &people::person_id(i)));
        let home = if sys == Sys::Ad {
            people::team_id(p.dept, p.team)
        } else {
            people::dept_group_id(sys, p.dept)
        };
        edges.push(edge(EdgeKind::MemberOf, &id, &home));
        if let Some(r) = self.cat.role_of[sys.index()][usize::from(p.dept)][usize::from(p.title)] {
            edges.push(edge(EdgeKind::HasRole, &id, &self.cat.roles[r].id));
        }
        for admin in self.cat.admins_of(p.dept, p.title, sys) {
            let kind = if admin.is_role { EdgeKind::HasRole } else { EdgeKind::MemberOf };
            edges.push(edge(kind, &id, admin.id));
        }
        for g in &drift.extra_groups {
            edges.push(edge(EdgeKind::MemberOf, &id, g));
        }
        for e in &drift.direct_grants {
            edges.push(edge(EdgeKind::Grant, &id, e));
        }
    }
}

fn ad_flags(node: Node, never_expires: bool, spn: bool, no_preauth: bool) -> Node {
    node.with_prop(props::PASSWORD_NEVER_EXPIRES, never_expires)
        .with_prop(props::HAS_SPN, spn)
        .with_prop(props::DONT_REQ_PREAUTH, no_preauth)
}

/// Adds the accounts that belong to no person.
pub(crate) fn standalone(graph: &mut Graph, accounts: &[Standalone]) {
    for a in accounts {
        let id = a.id();
        let kind = if a.service { "service" } else { "human" };
        let mut node = Node::new(&id, NodeKind::Account)
            .with_system(a.sys.key())
            .with_prop(props::ENABLED, true)
            .with_prop(props::LAST_LOGIN, Value::Time(a.last_login))
            .with_prop(props::CREATED, Value::Time(a.created))
            .with_prop(props::USERNAME, a.username.as_str())
            .with_prop(props::ACCOUNT_TYPE, kind)
            .with_prop(props::MFA, false);
        if let Some(email) = &a.email {
            node = node.with_prop(props::EMAIL, email.as_str());
        }
        if let Some(employee) = &a.employee_id {
            node = node.with_prop(props::EMPLOYEE_ID, employee.as_str());
        }
        if a.sys == Sys::Ad {
            // Service accounts in the directory run with an SPN and a
            // password that never expires: a finding only for admins.
            node = ad_flags(node, a.service, a.service, false);
        }
        add(graph, node);
        if let Some(owner) = a.owner {
            graph.add_edge(edge(EdgeKind::Owns, &people::person_id(owner), &id));
        }
        for g in &a.groups {
            graph.add_edge(edge(EdgeKind::MemberOf, &id, g));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_grows_slowly() {
        assert_eq!(chain_depth(250), 20);
        assert_eq!(chain_depth(10_000), 25);
        assert_eq!(chain_depth(1_000_000), 31);
    }

    #[test]
    fn aliases_differ_only_in_case() {
        let a = alias_of("ada.smith7@example.com");
        assert_eq!(a, "Ada.Smith7@Example.Com");
        assert_eq!(a.to_ascii_lowercase(), "ada.smith7@example.com");
    }
}
