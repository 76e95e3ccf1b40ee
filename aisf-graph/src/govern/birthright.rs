//! Birthrights: what the business roles say each person should hold,
//! computed once per distinct set of person attributes (most people share
//! their department and title with many others).

use std::collections::HashMap;

use aisf_core::policy::PersonFacts;
use aisf_core::props;
use aisf_core::synth::{MOVED_AT, PREVIOUS_DEPARTMENT, PREVIOUS_TITLE};
use rayon::prelude::*;
use roaring::RoaringBitmap;

use super::context::Ctx;

/// No set: the person did not move.
const NONE: u32 = u32::MAX;

/// A person's attributes as business roles match them, owned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Facts {
    department: Option<String>,
    title: Option<String>,
    job_code: Option<String>,
    employment_type: Option<String>,
}

impl Facts {
    fn view(&self) -> PersonFacts<'_> {
        PersonFacts {
            department: self.department.as_deref(),
            title: self.title.as_deref(),
            job_code: self.job_code.as_deref(),
            employment_type: self.employment_type.as_deref(),
        }
    }
}

/// The birthright of every person, current and (for movers) previous.
#[derive(Default)]
pub(crate) struct Birthrights {
    first: u32,
    /// Per person: the set of their current facts, and of their previous
    /// ones ([`NONE`] when they did not move).
    index: Vec<(u32, u32)>,
    sets: Vec<RoaringBitmap>,
    /// Per set: whether any business role applies.
    described: Vec<bool>,
}

impl Birthrights {
    pub(crate) fn new(ctx: &Ctx<'_>) -> Birthrights {
        let facts: Vec<(Facts, Option<Facts>)> =
            ctx.persons.clone().into_par_iter().map(|p| facts_of(ctx, p)).collect();

        let mut distinct: HashMap<&Facts, u32> = HashMap::new();
        let mut order: Vec<&Facts> = Vec::new();
        let mut index = Vec::with_capacity(facts.len());
        for (now, before) in &facts {
            let a = number(now, &mut distinct, &mut order);
            let b = before.as_ref().map_or(NONE, |f| number(f, &mut distinct, &mut order));
            index.push((a, b));
        }

        let roles = &ctx.policy.roles;
        let role_sets = ctx.role_sets();
        let (sets, described): (Vec<RoaringBitmap>, Vec<bool>) = order
            .par_iter()
            .map(|f| {
                let view = f.view();
                let mut set = RoaringBitmap::new();
                let mut any = false;
                for (role, ents) in roles.iter().zip(role_sets) {
                    if role.applies(&view) {
                        set |= ents;
                        any = true;
                    }
                }
                (set, any)
            })
            .unzip();
        Birthrights { first: ctx.persons.start, index, sets, described }
    }

    fn slot(&self, person: u32) -> (u32, u32) {
        let i = person.checked_sub(self.first).map_or(usize::MAX, |i| i as usize);
        self.index.get(i).copied().unwrap_or((NONE, NONE))
    }

    pub(crate) fn of(&self, person: u32) -> (&RoaringBitmap, Option<&RoaringBitmap>) {
        static EMPTY: std::sync::OnceLock<RoaringBitmap> = std::sync::OnceLock::new();
        let empty = EMPTY.get_or_init(RoaringBitmap::new);
        let (now, before) = self.slot(person);
        let now = self.sets.get(now as usize).unwrap_or(empty);
        (now, self.sets.get(before as usize))
    }

    pub(crate) fn described(&self, person: u32) -> bool {
        let (now, _) = self.slot(person);
        self.described.get(now as usize).copied().unwrap_or(false)
    }
}

/// The number of a distinct set of facts, given on first sight.
fn number<'a>(
    f: &'a Facts,
    distinct: &mut HashMap<&'a Facts, u32>,
    order: &mut Vec<&'a Facts>,
) -> u32 {
    *distinct.entry(f).or_insert_with(|| {
        order.push(f);
        order.len() as u32 - 1
    })
}

/// A person's facts and, for a mover, the facts before the move: their
/// previous department and title, the rest unchanged.
fn facts_of(ctx: &Ctx<'_>, p: u32) -> (Facts, Option<Facts>) {
    let now = Facts {
        department: ctx.text(p, props::DEPARTMENT),
        title: ctx.text(p, props::TITLE),
        job_code: ctx.text(p, PersonFacts::JOB_CODE),
        employment_type: ctx.text(p, props::EMPLOYMENT_TYPE),
    };
    let prev_dept = ctx.text(p, PREVIOUS_DEPARTMENT);
    let prev_title = ctx.text(p, PREVIOUS_TITLE);
    let moved = ctx.time(p, MOVED_AT).is_some() || prev_dept.is_some();
    let before = moved.then(|| Facts {
        department: prev_dept.or(now.department.clone()),
        title: prev_title.or(now.title.clone()),
        ..now.clone()
    });
    (now, before)
}
