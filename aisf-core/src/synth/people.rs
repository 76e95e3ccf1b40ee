//! The people of the organisation: who works where, under whom, since when.
//!
//! Departments are drawn by weight, person by person. Inside a department
//! people are laid out in blocks of [`SPAN`]: the first of each block holds
//! the manager title and manages the rest of the block, and block leaders
//! report up a tree of fan-out [`FAN_OUT`] whose root (the department head)
//! reports to the CEO. Directory teams are runs of [`TEAM`] consecutive
//! people, so every team opens with a manager.

use super::catalog::{self, DEPTS, EXECUTIVE, Fill, IT, SYSADMIN, Sys};
use super::rng::Rng;

/// People per manager block, the manager included.
pub(crate) const SPAN: usize = 12;
/// Block leaders per block leader above them.
const FAN_OUT: usize = 8;
/// People per directory team (three blocks).
pub(crate) const TEAM: usize = 36;
/// One day, in seconds.
pub(crate) const DAY: i64 = 86_400;

/// Stream numbers of the generator, one per independent use.
pub(crate) const S_DEPT: u64 = 1;
pub(crate) const S_TITLE: u64 = 2;
pub(crate) const S_PERSON: u64 = 3;
pub(crate) const S_ACCOUNT: u64 = 4;
pub(crate) const S_DRIFT: u64 = 5;
pub(crate) const S_SERVICE: u64 = 6;

const FIRST: &[&str] = &[
    "Ada", "Alan", "Alice", "Amir", "Ana", "Ben", "Carla", "Chen", "Clara", "Dan", "Diego",
    "Elena", "Emma", "Eric", "Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jack",
    "Jana", "Jonas", "Julia", "Kai", "Kenji", "Lara", "Leo", "Lina", "Luca", "Maya", "Mei", "Nina",
    "Noah", "Omar", "Paula", "Priya", "Raj", "Rosa", "Sam", "Sara", "Tariq", "Tom", "Uma", "Vera",
    "Yusuf", "Zoe",
];

const LAST: &[&str] = &[
    "Adams", "Ahmed", "Baker", "Becker", "Chen", "Costa", "Cruz", "Dubois", "Evans", "Fischer",
    "Garcia", "Gupta", "Hansen", "Hill", "Ito", "Jensen", "Khan", "Kim", "Kowalski", "Lopez",
    "Martin", "Meyer", "Moreau", "Murphy", "Nakamura", "Novak", "Okafor", "Olsen", "Patel",
    "Perez", "Quinn", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Suzuki", "Taylor",
    "Tanaka", "Usman", "Vargas", "Walker", "Weber", "Wong", "Young", "Yilmaz", "Zhang",
];

/// Where a mover came from.
#[derive(Clone, Debug)]
pub(crate) struct Moved {
    pub(crate) dept: u8,
    pub(crate) title: u8,
    pub(crate) at: i64,
}

/// One person as the generator plans them.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub(crate) dept: u8,
    pub(crate) title: u8,
    pub(crate) first: u8,
    pub(crate) last: u8,
    /// Index of the manager; `None` for the CEO.
    pub(crate) manager: Option<u32>,
    /// Directory team, counted within the department.
    pub(crate) team: u32,
    pub(crate) contractor: bool,
    pub(crate) start: i64,
    pub(crate) end: Option<i64>,
    pub(crate) terminated: bool,
    pub(crate) moved: Option<Moved>,
    /// HR lists this person under another person's address (drift).
    pub(crate) email_alias_of: Option<u32>,
}

impl Person {
    /// The person's number: `person:<n>`, employee id `E<n>`.
    pub(crate) fn number(index: u32) -> u64 {
        u64::from(index) + 1
    }

    pub(crate) fn first_name(&self) -> &'static str {
        FIRST[usize::from(self.first)]
    }

    pub(crate) fn last_name(&self) -> &'static str {
        LAST[usize::from(self.last)]
    }

    pub(crate) fn is_manager(&self) -> bool {
        self.fill() == Fill::Manager
    }

    pub(crate) fn fill(&self) -> Fill {
        DEPTS[usize::from(self.dept)].titles[usize::from(self.title)].fill
    }
}

/// The node id of a person.
pub(crate) fn person_id(index: u32) -> String {
    format!("person:{}", Person::number(index))
}

/// A person's own email address.
pub(crate) fn email(p: &Person, index: u32) -> String {
    email_for(p.first_name(), p.last_name(), Person::number(index))
}

/// The address pattern every person has, lowercase.
pub(crate) fn email_for(first: &str, last: &str, n: u64) -> String {
    format!("{}.{}{n}@example.com", first.to_ascii_lowercase(), last.to_ascii_lowercase())
}

/// A short login name: initial, last name, number.
pub(crate) fn short_name(first: &str, last: &str, n: u64) -> String {
    let initial =
        first.chars().next().map_or(String::new(), |c| c.to_ascii_lowercase().to_string());
    format!("{initial}{}{n}", last.to_ascii_lowercase())
}

/// The login name of a person's account in a system.
pub(crate) fn username(p: &Person, index: u32, sys: Sys) -> String {
    if sys.logs_in_by_email() {
        email(p, index)
    } else {
        short_name(p.first_name(), p.last_name(), Person::number(index))
    }
}

/// The node id of a person's account in a system.
pub(crate) fn account_id(p: &Person, index: u32, sys: Sys) -> String {
    format!("{}:{}", sys.key(), username(p, index, sys))
}

/// The node id of a directory team group.
pub(crate) fn team_id(dept: u8, team: u32) -> String {
    format!("ad:group:team-{}-{}", DEPTS[usize::from(dept)].key, team + 1)
}

/// The node id of a department group.
pub(crate) fn dept_group_id(sys: Sys, dept: u8) -> String {
    format!("{}:group:dept-{}", sys.key(), DEPTS[usize::from(dept)].key)
}

/// Everyone, and the counts that follow from the layout.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    pub(crate) persons: Vec<Person>,
    /// Person indices per department, in layout order.
    pub(crate) members: Vec<Vec<u32>>,
    /// Systems Administrators in a clean organisation.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the layout tests only"))]
    pub(crate) sysadmins: usize,
    /// The tier-0 admin ceiling of the policy.
    pub(crate) max_admins: u32,
    /// Systems Administrators added to break the ceiling (drift).
    pub(crate) extra_sysadmins: usize,
}

/// The admin ceiling for a clean count: a quarter more, at least two more.
pub(crate) fn admin_ceiling(sysadmins: usize) -> u32 {
    (sysadmins + (sysadmins / 4).max(2)) as u32
}

/// Lays out `people` persons; `too_many_admins` hires Systems
/// Administrators past the policy's ceiling.
pub(crate) fn layout(people: usize, seed: u64, now: i64, too_many_admins: bool) -> Layout {
    if people == 0 {
        return Layout { members: vec![Vec::new(); DEPTS.len()], ..Layout::default() };
    }

    // The executive office is counted; everyone else is drawn by weight.
    let assistants = (1 + people / 5000).min(people - 1);
    let weights: Vec<u32> = DEPTS.iter().map(|d| d.weight).collect();
    let mut members = vec![Vec::new(); DEPTS.len()];
    let mut dept_of = Vec::with_capacity(people);
    for i in 0..people {
        let dept = if i <= assistants {
            EXECUTIVE
        } else {
            Rng::stream(seed, S_DEPT, i as u64).weighted(&weights) as u8
        };
        members[usize::from(dept)].push(i as u32);
        dept_of.push(dept);
    }

    let it_size = members[usize::from(IT)].len();
    let sysadmins = (2 + it_size / 50).min(it_size.saturating_sub(it_size.div_ceil(SPAN)));
    let extra = if too_many_admins { admin_ceiling(sysadmins) as usize + 2 - sysadmins } else { 0 };

    let mut persons: Vec<Person> = (0..people)
        .map(|i| {
            let mut rng = Rng::stream(seed, S_PERSON, i as u64);
            Person {
                dept: dept_of[i],
                title: 0,
                first: rng.below(FIRST.len() as u64) as u8,
                last: rng.below(LAST.len() as u64) as u8,
                manager: None,
                team: 0,
                contractor: false,
                start: now - rng.range(DAY, 4000 * DAY),
                end: None,
                terminated: false,
                moved: None,
                email_alias_of: None,
            }
        })
        .collect();

    for (d, list) in members.iter().enumerate() {
        place_department(&mut persons, d as u8, list, seed, sysadmins + extra);
    }
    for (i, p) in persons.iter_mut().enumerate() {
        hire_terms(p, i, seed, now);
    }

    let max_admins = admin_ceiling(sysadmins);
    let extra_sysadmins = extra.min(it_size.saturating_sub(sysadmins));
    Layout { persons, members, sysadmins, max_admins, extra_sysadmins }
}

/// Titles, managers and teams inside one department.
fn place_department(persons: &mut [Person], dept: u8, list: &[u32], seed: u64, sysadmins: usize) {
    let titles = DEPTS[usize::from(dept)].titles;
    let weights: Vec<u32> = titles
        .iter()
        .map(|t| match t.fill {
            Fill::Drawn(w) | Fill::Frontline(w) => w,
            Fill::Manager | Fill::Counted => 0,
        })
        .collect();

    // The CEO heads the executive office; everyone there reports to them.
    if dept == EXECUTIVE {
        for (pos, &i) in list.iter().enumerate() {
            let p = &mut persons[i as usize];
            p.title = u8::from(pos > 0);
            p.manager = (pos > 0).then_some(list[0]);
        }
        return;
    }

    let mut admins_placed = 0;
    for (pos, &i) in list.iter().enumerate() {
        let block = pos / SPAN;
        let p = &mut persons[i as usize];
        p.team = (pos / TEAM) as u32;
        if pos % SPAN == 0 {
            p.title = 0;
            p.manager = Some(if block == 0 { 0 } else { list[(block - 1) / FAN_OUT * SPAN] });
            continue;
        }
        p.manager = Some(list[block * SPAN]);
        if dept == IT && admins_placed < sysadmins {
            p.title = SYSADMIN;
            admins_placed += 1;
            continue;
        }
        p.title = Rng::stream(seed, S_TITLE, u64::from(i)).weighted(&weights) as u8;
    }
}

/// Contractors and their contract dates.
fn hire_terms(p: &mut Person, index: usize, seed: u64, now: i64) {
    let mut rng = Rng::stream(seed, S_PERSON, index as u64 ^ (1 << 40));
    let eligible = !p.is_manager() && p.dept != EXECUTIVE && p.fill() != Fill::Counted;
    if eligible && rng.chance(0.10) {
        p.contractor = true;
        p.start = now - rng.range(DAY, 700 * DAY);
        p.end = Some(now + rng.range(30 * DAY, 400 * DAY));
    }
}

/// The systems a person has accounts in.
pub(crate) fn systems(p: &Person) -> Vec<Sys> {
    catalog::systems_of(p.dept, p.title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_stay_in_their_department() {
        let l = layout(2000, 3, 0, false);
        for p in &l.persons[1..] {
            let m = &l.persons[p.manager.unwrap_or(0) as usize];
            assert!(m.is_manager());
            assert!(m.dept == p.dept || m.dept == EXECUTIVE, "manager in another department");
        }
        assert!(l.persons[0].manager.is_none());
        assert!(l.sysadmins >= 2);
    }

    #[test]
    fn names_are_plain_ascii() {
        assert!(FIRST.iter().chain(LAST).all(|n| n.chars().all(|c| c.is_ascii_alphabetic())));
        assert_eq!(short_name("Ada", "Smith", 7), "asmith7");
        assert_eq!(email_for("Ada", "Smith", 7), "ada.smith7@example.com");
    }
}
