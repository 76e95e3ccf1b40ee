//! Drift: departures from the policy, each recorded as a [`Truth`], and
//! decoys: states that look like drift but are within policy and must
//! produce no finding.
//!
//! Every injection touches people no other injection touches, and is
//! shaped so that it produces exactly its own finding (see the variants of
//! [`DriftKind`] for the semantics it is built against).

use std::collections::HashMap;

use super::catalog::{self, Catalog, DEPTS, Fill, Holders, IT, SYSADMIN, Sys};
use super::people::{self, DAY, Layout, Moved, Person, S_DRIFT, S_SERVICE};
use super::rng::Rng;
use super::{DriftKind, Exception, OrgConfig, Truth};

/// What drift changes on one person's account.
#[derive(Clone, Debug, Default)]
pub(crate) struct AccountDrift {
    pub(crate) enabled: Option<bool>,
    pub(crate) last_login: Option<i64>,
    /// The account never logged in: no `last_login` at all.
    pub(crate) never_logged_in: bool,
    pub(crate) created: Option<i64>,
    pub(crate) mfa: Option<bool>,
    pub(crate) password_never_expires: bool,
    pub(crate) has_spn: bool,
    pub(crate) dont_req_preauth: bool,
    pub(crate) extra_groups: Vec<String>,
    pub(crate) direct_grants: Vec<String>,
}

/// An account that belongs to no person: service accounts and the
/// uncorrelated accounts drift adds.
#[derive(Clone, Debug)]
pub(crate) struct Standalone {
    pub(crate) sys: Sys,
    pub(crate) username: String,
    pub(crate) email: Option<String>,
    pub(crate) employee_id: Option<String>,
    pub(crate) service: bool,
    pub(crate) owner: Option<u32>,
    pub(crate) groups: Vec<String>,
    pub(crate) created: i64,
    pub(crate) last_login: i64,
}

impl Standalone {
    pub(crate) fn id(&self) -> String {
        format!("{}:{}", self.sys.key(), self.username)
    }
}

/// Everything drift (and the service accounts) add to the plain layout.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) accounts: HashMap<(u32, Sys), AccountDrift>,
    pub(crate) standalone: Vec<Standalone>,
    pub(crate) truth: Vec<Truth>,
    pub(crate) exceptions: Vec<Exception>,
}

/// Hands out people in a seeded order, each at most once.
struct Picker {
    order: Vec<u32>,
    used: Vec<bool>,
}

impl Picker {
    fn new(people: usize, seed: u64) -> Picker {
        let mut order: Vec<u32> = (0..people as u32).collect();
        let mut rng = Rng::stream(seed, S_DRIFT, 0);
        for i in (1..order.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        Picker { order, used: vec![false; people] }
    }

    /// Up to `count` unused people that satisfy `pred`, marked used.
    fn take(&mut self, count: usize, pred: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut out = Vec::with_capacity(count);
        for &i in &self.order {
            if out.len() == count {
                break;
            }
            if !self.used[i as usize] && pred(i) {
                out.push(i);
            }
        }
        for &i in &out {
            self.used[i as usize] = true;
        }
        out
    }
}

/// The service accounts of a clean organisation, each owned by an IT or
/// Engineering person who then takes part in no drift.
fn service_accounts(
    cfg: &OrgConfig,
    cat: &Catalog,
    layout: &Layout,
    picker: &mut Picker,
) -> Vec<Standalone> {
    const PURPOSES: [&str; 6] = ["backup", "deploy", "monitoring", "sync", "reporting", "ci"];
    let per_system = 2 + cfg.people / 10_000;
    let owner_ok = |i: u32| {
        let p = &layout.persons[i as usize];
        let tech = p.dept == IT || p.dept == catalog::ENGINEERING;
        tech && !p.is_manager() && !cat.is_privileged_title(p.dept, p.title)
    };
    let owners = picker.take(per_system * Sys::ALL.len(), owner_ok);

    let mut out = Vec::new();
    for sys in Sys::ALL {
        for k in 0..per_system {
            let mut rng = Rng::stream(cfg.seed, S_SERVICE, (sys.index() * per_system + k) as u64);
            let ents = &cat.catalog[sys.index()];
            let ent = &cat.ents[ents[k % ents.len()]];
            let owner = owners.get(out.len()).copied().or(Some(0));
            out.push(Standalone {
                sys,
                username: format!("svc-{}-{}", PURPOSES[k % PURPOSES.len()], k + 1),
                email: None,
                employee_id: None,
                service: true,
                owner,
                groups: vec![request_group(&ent.id)],
                created: cfg.now - rng.range(200 * DAY, 3000 * DAY),
                last_login: cfg.now - rng.range(0, DAY),
            });
        }
    }
    out
}

/// The group through which an entitlement is requested.
pub(crate) fn request_group(ent_id: &str) -> String {
    let (sys, name) = split_ent(ent_id);
    format!("{sys}:group:req-{name}")
}

/// The group through which one side of an SoD rule is granted by hand.
pub(crate) fn access_group(ent_id: &str) -> String {
    let (sys, name) = split_ent(ent_id);
    format!("{sys}:group:access-{name}")
}

fn split_ent(ent_id: &str) -> (&str, &str) {
    let sys = ent_id.split(':').next().unwrap_or("");
    let name = ent_id.rsplit(':').next().unwrap_or("");
    (sys, name)
}

/// Builds the service accounts and, when asked, the drift.
pub(crate) fn plan(cfg: &OrgConfig, cat: &Catalog, layout: &mut Layout) -> Plan {
    let mut picker = Picker::new(layout.persons.len(), cfg.seed);
    let mut plan =
        Plan { standalone: service_accounts(cfg, cat, layout, &mut picker), ..Plan::default() };
    if cfg.drift && !layout.persons.is_empty() {
        let mut inj = Injector {
            cfg,
            cat,
            layout,
            plan: &mut plan,
            picker,
            rng: Rng::stream(cfg.seed, S_DRIFT, 1),
        };
        inj.run();
    }
    plan
}

/// The state of one drift run.
struct Injector<'a> {
    cfg: &'a OrgConfig,
    cat: &'a Catalog,
    layout: &'a mut Layout,
    plan: &'a mut Plan,
    picker: Picker,
    rng: Rng,
}

impl Injector<'_> {
    /// How many of an injection weighing `weight` (at least one).
    fn count(&self, weight: f64) -> usize {
        let unit = self.layout.persons.len() as f64 * self.cfg.drift_rate / 28.0;
        ((unit * weight).round() as usize).max(1)
    }

    fn run(&mut self) {
        self.too_many_admins();
        self.privileged();
        self.movers();
        self.sod();
        self.leavers();
        self.contractors();
        self.joiners();
        self.accounts_of_plain_people();
        self.exceptions();
        self.uncorrelated();
    }

    /// A plain person: an employee in an ordinary title, no manager, no
    /// admin, not yet touched.
    fn plain(&self, i: u32) -> bool {
        let p = &self.layout.persons[i as usize];
        let ordinary = matches!(p.fill(), Fill::Drawn(_) | Fill::Frontline(_));
        ordinary && !p.contractor && !self.cat.is_privileged_title(p.dept, p.title) && i != 0
    }

    fn take_plain(&mut self, count: usize) -> Vec<u32> {
        let plain: Vec<bool> =
            (0..self.layout.persons.len() as u32).map(|i| self.plain(i)).collect();
        self.picker.take(count, |i| plain[i as usize])
    }

    fn person(&self, i: u32) -> &Person {
        &self.layout.persons[i as usize]
    }

    fn account(&mut self, i: u32, sys: Sys) -> &mut AccountDrift {
        self.plan.accounts.entry((i, sys)).or_default()
    }

    fn account_id(&self, i: u32, sys: Sys) -> String {
        people::account_id(self.person(i), i, sys)
    }

    fn truth(&mut self, kind: DriftKind, subject: String, ent: Option<String>, note: String) {
        self.plan.truth.push(Truth { kind, subject, entitlement: ent, note });
    }

    fn pick_system(&mut self, i: u32) -> Sys {
        let systems = people::systems(self.person(i));
        systems[self.rng.below(systems.len() as u64) as usize]
    }

    /// The department head, who approves exceptions.
    fn head_of(&self, dept: u8) -> String {
        let head = self.layout.members[usize::from(dept)].first().copied().unwrap_or(0);
        people::person_id(head)
    }

    /// Keeps a start date well before an event of the person's history.
    fn start_before(&mut self, i: u32, when: i64) {
        let p = &mut self.layout.persons[i as usize];
        p.start = p.start.min(when - 90 * DAY);
    }

    fn too_many_admins(&mut self) {
        if self.layout.extra_sysadmins == 0 {
            return;
        }
        let count =
            self.layout.persons.iter().filter(|p| p.dept == IT && p.title == SYSADMIN).count();
        let note = format!("{count} tier-0 admins, at most {} allowed", self.layout.max_admins);
        self.truth(DriftKind::TooManyAdmins, "org".to_string(), None, note);
    }

    /// Injections on the accounts of admins.
    fn privileged(&mut self) {
        let ad_flags = [
            DriftKind::PrivilegedPwdNeverExpires,
            DriftKind::PrivilegedKerberoastable,
            DriftKind::PrivilegedAsrepRoastable,
        ];
        for kind in ad_flags {
            let n = self.count(1.0);
            let cat = self.cat;
            let persons = &self.layout.persons;
            let picked = self.picker.take(n, |i| {
                cat.admins_of(persons[i as usize].dept, persons[i as usize].title, Sys::Ad)
                    .next()
                    .is_some()
            });
            for i in picked {
                let acc = self.account(i, Sys::Ad);
                match kind {
                    DriftKind::PrivilegedPwdNeverExpires => acc.password_never_expires = true,
                    DriftKind::PrivilegedKerberoastable => acc.has_spn = true,
                    _ => acc.dont_req_preauth = true,
                }
                let id = self.account_id(i, Sys::Ad);
                self.truth(kind, id, None, "directory admin with a weak flag".to_string());
            }
        }

        for kind in [DriftKind::StalePrivileged, DriftKind::PrivilegedNoMfa] {
            let n = self.count(1.0);
            let cat = self.cat;
            let persons = &self.layout.persons;
            let picked = self.picker.take(n, |i| {
                cat.is_privileged_title(persons[i as usize].dept, persons[i as usize].title)
            });
            for i in picked {
                let p = self.person(i).clone();
                let admin_systems: Vec<Sys> = Sys::ALL
                    .into_iter()
                    .filter(|&s| self.cat.admins_of(p.dept, p.title, s).next().is_some())
                    .collect();
                let sys = admin_systems[self.rng.below(admin_systems.len() as u64) as usize];
                let note = if kind == DriftKind::StalePrivileged {
                    let when = self.cfg.now - self.rng.range(46 * DAY, 200 * DAY);
                    self.start_before(i, when);
                    self.account(i, sys).last_login = Some(when);
                    format!("last login {} days ago", (self.cfg.now - when) / DAY)
                } else {
                    self.account(i, sys).mfa = Some(false);
                    "admin account without MFA".to_string()
                };
                let id = self.account_id(i, sys);
                self.truth(kind, id, None, note);
            }
        }
    }

    /// Movers between departments that use the same systems; those past
    /// the grace period keep their old directory team (drift), those inside
    /// it are decoys.
    fn movers(&mut self) {
        const FAMILIES: [&[u8]; 2] = [
            &[catalog::MARKETING, catalog::FINANCE, catalog::HR, catalog::PRODUCT, catalog::LEGAL],
            &[catalog::SALES, catalog::SUPPORT],
        ];
        let movable = |cat: &Catalog, p: &Person| {
            let fam = FAMILIES.iter().any(|f| f.contains(&p.dept));
            fam && matches!(p.fill(), Fill::Drawn(_)) && !cat.is_sod_title(p.dept, p.title)
        };
        for (past_grace, n) in [(true, self.count(1.0)), (false, self.count(1.0))] {
            let plain: Vec<bool> = (0..self.layout.persons.len() as u32)
                .map(|i| self.plain(i) && movable(self.cat, self.person(i)))
                .collect();
            for i in self.picker.take(n, |i| plain[i as usize]) {
                let old = self.person(i).clone();
                let family =
                    FAMILIES.iter().find(|f| f.contains(&old.dept)).copied().unwrap_or(&[]);
                let targets: Vec<u8> = family
                    .iter()
                    .copied()
                    .filter(|&d| d != old.dept && !self.layout.members[usize::from(d)].is_empty())
                    .collect();
                if targets.is_empty() {
                    self.picker.used[i as usize] = false;
                    continue;
                }
                let dept = targets[self.rng.below(targets.len() as u64) as usize];
                let titles: Vec<u8> = (0..DEPTS[usize::from(dept)].titles.len() as u8)
                    .filter(|&t| {
                        let fill = DEPTS[usize::from(dept)].titles[usize::from(t)].fill;
                        matches!(fill, Fill::Drawn(_))
                            && !self.cat.is_sod_title(dept, t)
                            && !self.cat.is_privileged_title(dept, t)
                    })
                    .collect();
                let title = titles[self.rng.below(titles.len() as u64) as usize];
                let days = if past_grace { self.rng.range(31, 56) } else { self.rng.range(1, 29) };
                let at = self.cfg.now - days * DAY - self.rng.range(0, DAY);
                self.start_before(i, at - 60 * DAY);

                let head = self.layout.members[usize::from(dept)][0];
                let p = &mut self.layout.persons[i as usize];
                p.moved = Some(Moved { dept: old.dept, title: old.title, at });
                p.dept = dept;
                p.title = title;
                p.team = 0;
                p.manager = Some(head);
                self.account(i, Sys::Ad).extra_groups.push(people::team_id(old.dept, old.team));
                if !past_grace {
                    continue;
                }

                // What the old team still gives and the new birthright does not.
                let new_birthright = &self.cat.birthright[usize::from(dept)][usize::from(title)];
                let residual: Vec<String> = self
                    .cat
                    .ents
                    .iter()
                    .enumerate()
                    .filter(|(k, e)| {
                        e.sys == Sys::Ad
                            && e.holders == Holders::Dept(old.dept)
                            && !new_birthright.contains(k)
                    })
                    .map(|(_, e)| e.id.clone())
                    .collect();
                for ent in residual {
                    let note =
                        format!("moved from {} {days} days ago", DEPTS[usize::from(old.dept)].name);
                    self.truth(DriftKind::MoverResidual, people::person_id(i), Some(ent), note);
                }
            }
        }
    }

    /// A holder of one side of an SoD rule is given the other side through
    /// its access group, under a valid exception (so it is not also excess
    /// access: exceptions waive excess access, never SoD).
    fn sod(&mut self) {
        let n = self.count(1.0);
        for k in 0..n {
            let rules = self.cat.sod.len();
            let mut done = false;
            for r in 0..rules {
                let rule = self.cat.sod[(k + r) % rules].clone();
                let (dept, title) = rule.holder;
                let persons = &self.layout.persons;
                let picked = self.picker.take(1, |i| {
                    let p = &persons[i as usize];
                    p.dept == dept && p.title == title && !p.contractor
                });
                let Some(&i) = picked.first() else { continue };
                let second = &self.cat.ents[rule.second];
                let until = self.cfg.now + self.rng.range(30 * DAY, 180 * DAY);
                self.account(i, second.sys).extra_groups.push(access_group(&second.id));
                self.plan.exceptions.push(Exception {
                    person: people::person_id(i),
                    entitlement: second.id.clone(),
                    reason: "covering approvals while the approver is on leave".to_string(),
                    approved_by: self.head_of(dept),
                    until,
                });
                self.truth(
                    DriftKind::SodViolation,
                    people::person_id(i),
                    None,
                    rule.name.to_string(),
                );
                done = true;
                break;
            }
            if !done {
                break;
            }
        }
    }

    /// Leavers past the grace period with accounts left enabled, and two
    /// decoys: leavers inside the grace period, and leavers past it whose
    /// accounts were all disabled.
    fn leavers(&mut self) {
        let grace = i64::from(super::LEAVER_GRACE_DAYS);
        for i in self.take_plain(self.count(2.0)) {
            let end = self.cfg.now - self.rng.range(grace + 1, 56) * DAY;
            let systems = people::systems(self.person(i));
            let keep: Vec<bool> =
                (0..systems.len()).map(|k| k == 0 || self.rng.chance(0.5)).collect();
            self.leave(i, end);
            for (k, &sys) in systems.iter().enumerate() {
                if keep[k] {
                    let id = self.account_id(i, sys);
                    let note = format!("left {} days ago", (self.cfg.now - end) / DAY);
                    self.truth(DriftKind::LeaverActive, id, None, note);
                } else {
                    self.disable(i, sys, end);
                }
            }
        }

        for i in self.take_plain(self.count(1.0)) {
            let end = self.cfg.now - self.rng.range(1, grace) * DAY;
            self.leave(i, end);
        }
        for i in self.take_plain(self.count(1.0)) {
            let end = self.cfg.now - self.rng.range(grace + 1, 56) * DAY;
            self.leave(i, end);
            for sys in people::systems(self.person(i)) {
                self.disable(i, sys, end);
            }
        }
    }

    fn leave(&mut self, i: u32, end: i64) {
        self.start_before(i, end);
        let p = &mut self.layout.persons[i as usize];
        p.terminated = true;
        p.end = Some(end);
    }

    fn disable(&mut self, i: u32, sys: Sys, until: i64) {
        let login = until - self.rng.range(0, 5 * DAY);
        let acc = self.account(i, sys);
        acc.enabled = Some(false);
        acc.last_login = Some(login);
    }

    /// Contractors whose contract ended but who are still active in HR.
    fn contractors(&mut self) {
        let n = self.count(1.0);
        let cat = self.cat;
        let persons = &self.layout.persons;
        let picked = self.picker.take(n, |i| {
            let p = &persons[i as usize];
            p.contractor
                && matches!(p.fill(), Fill::Drawn(_) | Fill::Frontline(_))
                && !cat.is_privileged_title(p.dept, p.title)
        });
        for i in picked {
            let end = self.cfg.now - self.rng.range(1, 50) * DAY - self.rng.range(0, DAY);
            self.start_before(i, end);
            self.layout.persons[i as usize].end = Some(end);
            for sys in people::systems(self.person(i)) {
                let id = self.account_id(i, sys);
                let note = format!("contract ended {} days ago", (self.cfg.now - end) / DAY);
                self.truth(DriftKind::ContractorPastEnd, id, None, note);
            }
        }
    }

    /// Joiners who have not started yet: enabled accounts are drift,
    /// disabled (pre-provisioned) accounts are a decoy.
    fn joiners(&mut self) {
        for (early, n) in [(true, self.count(1.0)), (false, self.count(1.0))] {
            for i in self.take_plain(n) {
                let start = self.cfg.now + self.rng.range(3, 45) * DAY;
                self.layout.persons[i as usize].start = start;
                for sys in people::systems(self.person(i)) {
                    let created = self.cfg.now - self.rng.range(DAY, 10 * DAY);
                    let login = self.rng.range(created, self.cfg.now);
                    let acc = self.account(i, sys);
                    acc.created = Some(created);
                    if early {
                        acc.last_login = Some(login);
                    } else {
                        acc.enabled = Some(false);
                        acc.never_logged_in = true;
                    }
                    if early {
                        let id = self.account_id(i, sys);
                        let note = format!("starts in {} days", (start - self.cfg.now) / DAY);
                        self.truth(DriftKind::JoinerEarlyAccess, id, None, note);
                    }
                }
            }
        }
    }

    /// Stale accounts, excess access and direct grants on plain people.
    fn accounts_of_plain_people(&mut self) {
        for i in self.take_plain(self.count(3.0)) {
            let sys = self.pick_system(i);
            let when = self.cfg.now - self.rng.range(91 * DAY, 400 * DAY);
            self.start_before(i, when);
            self.account(i, sys).last_login = Some(when);
            let id = self.account_id(i, sys);
            let note = format!("last login {} days ago", (self.cfg.now - when) / DAY);
            self.truth(DriftKind::StaleAccount, id, None, note);
        }

        for i in self.take_plain(self.count(2.0)) {
            let sys = self.pick_system(i);
            let ent = self.catalog_ent(sys);
            self.account(i, sys).extra_groups.push(request_group(&ent));
            let id = self.account_id(i, sys);
            self.truth(DriftKind::ExcessAccess, id, Some(ent), "extra request group".to_string());
        }

        for i in self.take_plain(self.count(1.0)) {
            let sys = self.pick_system(i);
            let p = self.person(i);
            let held: Vec<String> = self.cat.birthright[usize::from(p.dept)][usize::from(p.title)]
                .iter()
                .map(|&k| &self.cat.ents[k])
                .filter(|e| e.sys == sys && e.tier.is_none())
                .map(|e| e.id.clone())
                .collect();
            let ent = held[self.rng.below(held.len() as u64) as usize].clone();
            self.account(i, sys).direct_grants.push(ent.clone());
            let id = self.account_id(i, sys);
            self.truth(
                DriftKind::DirectGrant,
                id,
                Some(ent),
                "granted to the account itself".to_string(),
            );
        }
    }

    fn catalog_ent(&mut self, sys: Sys) -> String {
        let list = &self.cat.catalog[sys.index()];
        let k = list[self.rng.below(list.len() as u64) as usize];
        self.cat.ents[k].id.clone()
    }

    /// Expired exceptions whose access remains, and valid ones (decoys).
    fn exceptions(&mut self) {
        for (expired, n) in [(true, self.count(1.0)), (false, self.count(1.0))] {
            for i in self.take_plain(n) {
                let sys = self.pick_system(i);
                let ent = self.catalog_ent(sys);
                let days = self.rng.range(1, 90);
                let until =
                    if expired { self.cfg.now - days * DAY } else { self.cfg.now + days * DAY };
                self.account(i, sys).extra_groups.push(request_group(&ent));
                let dept = self.person(i).dept;
                self.plan.exceptions.push(Exception {
                    person: people::person_id(i),
                    entitlement: ent.clone(),
                    reason: "project access".to_string(),
                    approved_by: self.head_of(dept),
                    until,
                });
                if expired {
                    let note = format!("exception expired {days} days ago");
                    self.truth(DriftKind::ExpiredException, people::person_id(i), Some(ent), note);
                }
            }
        }
    }

    /// Accounts that belong to no person: orphans, accounts naming an
    /// unknown employee, accounts whose address two persons share, and
    /// service accounts nobody owns.
    fn uncorrelated(&mut self) {
        const SYSTEMS: [Sys; 6] =
            [Sys::Ad, Sys::Entra, Sys::M365, Sys::Salesforce, Sys::Github, Sys::Aws];
        let people = self.layout.persons.len() as u64;
        let now = self.cfg.now;

        for k in 0..self.count(1.0) {
            let sys = SYSTEMS[k % SYSTEMS.len()];
            let acc = self.loose(sys, format!("leftover{}", k + 1), None, None);
            let id = acc.id();
            self.plan.standalone.push(acc);
            self.truth(DriftKind::OrphanAccount, id, None, "nothing to match on".to_string());
        }

        for k in 0..self.count(1.0) {
            let sys = SYSTEMS[k % SYSTEMS.len()];
            let n = people + 10_001 + k as u64;
            let (first, last) = ("Robin", "Ghost");
            let email = people::email_for(first, last, n);
            let user = if sys.logs_in_by_email() {
                email.clone()
            } else {
                people::short_name(first, last, n)
            };
            let acc = self.loose(sys, user, Some(email), Some(format!("E{n}")));
            let id = acc.id();
            self.plan.standalone.push(acc);
            self.truth(DriftKind::NoHrRecord, id, None, format!("employee id E{n} is unknown"));
        }

        for k in 0..self.count(1.0) {
            let pair = self.take_plain(2);
            let [a, b] = pair[..] else { break };
            let address = people::email(self.person(a), a);
            self.layout.persons[b as usize].email_alias_of = Some(a);
            let sys = if k % 2 == 0 { Sys::M365 } else { Sys::Entra };
            let acc = self.loose(sys, format!("alias.{address}"), Some(address), None);
            let id = acc.id();
            self.plan.standalone.push(acc);
            let note =
                format!("address shared by {} and {}", people::person_id(a), people::person_id(b));
            self.truth(DriftKind::DisputedAccount, id, None, note);
        }

        for k in 0..self.count(1.0) {
            let sys = SYSTEMS[k % SYSTEMS.len()];
            let mut acc = self.loose(sys, format!("svc-legacy-{}", k + 1), None, None);
            acc.service = true;
            acc.created = now - self.rng.range(400 * DAY, 3000 * DAY);
            let id = acc.id();
            self.plan.standalone.push(acc);
            self.truth(DriftKind::ServiceNoOwner, id, None, "no owner".to_string());
        }
    }

    /// An enabled, recently used human account with no person, in the
    /// system's all-staff group.
    fn loose(
        &mut self,
        sys: Sys,
        username: String,
        email: Option<String>,
        employee_id: Option<String>,
    ) -> Standalone {
        let now = self.cfg.now;
        Standalone {
            sys,
            username,
            email,
            employee_id,
            service: false,
            owner: None,
            groups: vec![format!("{}:group:all-staff", sys.key())],
            created: now - self.rng.range(100 * DAY, 900 * DAY),
            last_login: now - self.rng.range(0, 20 * DAY),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_groups_follow_the_entitlement_name() {
        assert_eq!(request_group("github:ent:repo-3-write"), "github:group:req-repo-3-write");
        assert_eq!(
            access_group("ad:ent:erp-approve-payment"),
            "ad:group:access-erp-approve-payment"
        );
    }
}
