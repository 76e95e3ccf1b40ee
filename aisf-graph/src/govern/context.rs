//! What every rule needs, computed once per scan: effective access of
//! every account, privilege tiers, birthright sets, pattern matches,
//! exceptions by subject.

use std::collections::HashMap;
use std::ops::Range;

use aisf_core::finding::RuleId;
use aisf_core::policy::{AccountType, Exception, Policy, Subject, Target, Timestamp};
use aisf_core::{EdgeKind, NodeKind, Value, props};
use rayon::prelude::*;
use roaring::RoaringBitmap;

use super::birthright::Birthrights;
use crate::query::AllAccess;
use crate::snapshot::{Direction, NodeId, NodeRef, Snapshot};

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// The tier given to an object marked `privileged` that carries no `tier`.
const UNTIERED_PRIVILEGE: u8 = 1;

/// The most privileged tier an account reaches, and one object that gives
/// it (the end of its justification path).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Privilege {
    pub(crate) tier: u8,
    pub(crate) via: u32,
}

/// Everything the rules read, computed once.
pub(crate) struct Ctx<'s> {
    pub(crate) snap: &'s Snapshot,
    pub(crate) policy: &'s Policy,
    pub(crate) now: i64,
    pub(crate) all: AllAccess<'s>,
    pub(crate) accounts: Range<u32>,
    pub(crate) persons: Range<u32>,
    pub(crate) ents: Range<u32>,
    /// Accounts whose `enabled` is false; an account without the property
    /// counts as enabled.
    disabled: RoaringBitmap,
    /// Nodes whose `mfa` is true.
    mfa: RoaringBitmap,
    /// Per account (offset from `accounts.start`).
    privilege: Vec<Option<Privilege>>,
    /// Entitlements matched by each pattern text the policy uses.
    patterns: HashMap<String, RoaringBitmap>,
    /// The birthright entitlements of each business role, in policy order.
    role_ents: Vec<RoaringBitmap>,
    /// Exceptions (index into the policy) by subject node.
    exceptions: HashMap<u32, Vec<usize>>,
    birthrights: Birthrights,
}

impl<'s> Ctx<'s> {
    pub(crate) fn new(snap: &'s Snapshot, policy: &'s Policy, now: i64) -> Ctx<'s> {
        let accounts = snap.kind_range(&NodeKind::Account);
        let persons = snap.kind_range(&NodeKind::Person);
        let ents = snap.kind_range(&NodeKind::Entitlement);
        let (all, privileged) =
            rayon::join(|| snap.access_all(), || privileged_objects(snap, policy));

        let mut ctx = Ctx {
            snap,
            policy,
            now,
            all,
            accounts: accounts.clone(),
            persons,
            ents,
            disabled: snap.nodes_with_bool(props::ENABLED, false),
            mfa: snap.nodes_with_bool(props::MFA, true),
            privilege: Vec::new(),
            patterns: HashMap::new(),
            role_ents: Vec::new(),
            exceptions: HashMap::new(),
            birthrights: Birthrights::default(),
        };
        ctx.privilege = ctx.account_privilege(&privileged);
        ctx.patterns = ctx.match_patterns();
        ctx.role_ents = ctx.role_entitlements();
        ctx.birthrights = Birthrights::new(&ctx);
        for (i, x) in policy.exceptions.iter().enumerate() {
            if let Some(n) = snap.find(x.subject.id()) {
                ctx.exceptions.entry(n.0).or_default().push(i);
            }
        }
        ctx
    }

    // ---- node facts ----------------------------------------------------

    pub(crate) fn prop(&self, v: u32, key: &str) -> Option<Value> {
        self.snap.node(NodeId(v)).prop(key)
    }

    pub(crate) fn time(&self, v: u32, key: &str) -> Option<i64> {
        self.prop(v, key).and_then(|x| x.as_i64())
    }

    pub(crate) fn text(&self, v: u32, key: &str) -> Option<String> {
        match self.prop(v, key) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn id(&self, v: u32) -> &'s str {
        self.snap.node(NodeId(v)).id()
    }

    pub(crate) fn is_enabled(&self, account: u32) -> bool {
        !self.disabled.contains(account)
    }

    pub(crate) fn has_mfa(&self, account: u32) -> bool {
        self.mfa.contains(account)
    }

    /// The account's type; an account without one, or with a type the
    /// policy does not know, is taken as a person's own.
    pub(crate) fn account_type(&self, account: u32) -> AccountType {
        self.text(account, props::ACCOUNT_TYPE)
            .and_then(|t| AccountType::parse(t.trim()))
            .unwrap_or(AccountType::Human)
    }

    /// The person an account is correlated to.
    pub(crate) fn person_of(&self, account: u32) -> Option<u32> {
        let persons = &self.persons;
        let to = self.snap.neighbors(NodeId(account), &EdgeKind::Correlation, Direction::Out);
        to.iter().copied().find(|p| persons.contains(p))
    }

    /// The accounts correlated to a person.
    pub(crate) fn accounts_of(&self, person: u32) -> &'s [u32] {
        self.snap.neighbors(NodeId(person), &EdgeKind::Correlation, Direction::In)
    }

    pub(crate) fn enabled_accounts_of(&self, person: u32) -> impl Iterator<Item = u32> + '_ {
        self.accounts_of(person).iter().copied().filter(|&a| self.is_enabled(a))
    }

    /// Whether a string property equals `value`, ignoring case and
    /// surrounding space.
    pub(crate) fn text_is(&self, v: u32, key: &str, value: &str) -> bool {
        self.text(v, key).is_some_and(|s| s.trim().eq_ignore_ascii_case(value))
    }

    pub(crate) fn is_external(&self, person: Option<u32>, account: Option<u32>) -> bool {
        const EXTERNAL: [&str; 4] = ["contractor", "guest", "external", "vendor"];
        let by_person = person
            .is_some_and(|p| EXTERNAL.iter().any(|t| self.text_is(p, props::EMPLOYMENT_TYPE, t)));
        let by_account = account.is_some_and(|a| {
            EXTERNAL.iter().any(|t| self.text_is(a, props::ACCOUNT_TYPE, t))
                || self.text_is(a, "user_type", "guest")
        });
        by_person || by_account
    }

    // ---- access and privilege -------------------------------------------

    /// The entitlements an account reaches.
    pub(crate) fn account_ents(&self, account: u32) -> RoaringBitmap {
        let mut out = self.ent_mask();
        match self.all.get(NodeId(account)) {
            Some(set) => out &= set,
            None => out.clear(),
        }
        out
    }

    /// The entitlements a person reaches, through all accounts.
    pub(crate) fn person_ents(&self, person: u32) -> RoaringBitmap {
        self.all.person(NodeId(person)) & self.ent_mask()
    }

    fn ent_mask(&self) -> RoaringBitmap {
        let mut m = RoaringBitmap::new();
        m.insert_range(self.ents.clone());
        m
    }

    pub(crate) fn privilege(&self, account: u32) -> Option<Privilege> {
        let i = account.checked_sub(self.accounts.start)? as usize;
        self.privilege.get(i).copied().flatten()
    }

    /// The most privileged tier among a person's accounts.
    pub(crate) fn person_privilege(&self, person: u32) -> Option<Privilege> {
        self.accounts_of(person).iter().filter_map(|&a| self.privilege(a)).min_by_key(|p| p.tier)
    }

    fn account_privilege(&self, objects: &[(u32, u8)]) -> Vec<Option<Privilege>> {
        // Privileged entitlements are looked up in each account's access
        // set; groups, roles and other objects are walked back to the
        // accounts that reach them.
        let mut by_tier: [RoaringBitmap; 4] = Default::default();
        let mut others: Vec<(u32, u8)> = Vec::new();
        for &(v, tier) in objects {
            if self.ents.contains(&v) {
                by_tier[usize::from(tier.min(3))].insert(v);
            } else {
                others.push((v, tier));
            }
        }
        others.sort_by_key(|&(v, t)| (t, v));

        let mut out: Vec<Option<Privilege>> = self
            .accounts
            .clone()
            .into_par_iter()
            .map(|a| {
                let set = self.all.get(NodeId(a))?;
                (0u8..4).find_map(|t| {
                    let hit = (set & &by_tier[usize::from(t)]).min()?;
                    Some(Privilege { tier: t, via: hit })
                })
            })
            .collect();

        let reached: Vec<(u32, u8, RoaringBitmap)> = others
            .par_iter()
            .map(|&(v, t)| (v, t, self.snap.who_can_access(NodeId(v)).accounts))
            .collect();
        for (v, tier, accounts) in reached {
            for a in &accounts {
                let Some(slot) = out.get_mut((a - self.accounts.start) as usize) else { continue };
                if slot.is_none_or(|p| tier < p.tier) {
                    *slot = Some(Privilege { tier, via: v });
                }
            }
        }
        out
    }

    // ---- policy ----------------------------------------------------------

    /// The entitlements a pattern the policy uses matches (by id or name).
    pub(crate) fn matching(&self, pattern: &str) -> &RoaringBitmap {
        static EMPTY: std::sync::OnceLock<RoaringBitmap> = std::sync::OnceLock::new();
        self.patterns.get(pattern).unwrap_or_else(|| EMPTY.get_or_init(RoaringBitmap::new))
    }

    fn match_patterns(&self) -> HashMap<String, RoaringBitmap> {
        let p = self.policy;
        let mut wanted: Vec<&aisf_core::policy::Pattern> = Vec::new();
        wanted.extend(p.roles.iter().flat_map(|r| r.grants.iter()));
        wanted.extend(p.sod.iter().flat_map(|r| r.entitlements.iter()));
        wanted.extend(p.exceptions.iter().filter_map(|x| x.entitlement.as_ref()));
        wanted.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        wanted.dedup_by(|a, b| a.as_str() == b.as_str());

        // Literal patterns are looked up; the others scan every entitlement.
        let mut by_text: HashMap<String, Vec<u32>> = HashMap::new();
        for e in self.ents.clone() {
            let n = self.snap.node(NodeId(e));
            by_text.entry(n.id().to_ascii_lowercase()).or_default().push(e);
            if let Some(name) = n.name() {
                by_text.entry(name.to_ascii_lowercase()).or_default().push(e);
            }
        }
        wanted
            .par_iter()
            .map(|pat| {
                let set = match pat.literal() {
                    Some(lit) if lit.is_ascii() => {
                        by_text.get(lit).into_iter().flatten().copied().collect()
                    }
                    _ => self
                        .ents
                        .clone()
                        .filter(|&e| {
                            let n = self.snap.node(NodeId(e));
                            pat.matches(n.id()) || n.name().is_some_and(|x| pat.matches(x))
                        })
                        .collect(),
                };
                (pat.as_str().to_string(), set)
            })
            .collect()
    }

    /// The birthright entitlements of each business role, in policy order.
    pub(crate) fn role_sets(&self) -> &[RoaringBitmap] {
        &self.role_ents
    }

    fn role_entitlements(&self) -> Vec<RoaringBitmap> {
        let groups = self.snap.kind_range(&NodeKind::Group);
        self.policy
            .roles
            .par_iter()
            .map(|role| {
                let mut set = RoaringBitmap::new();
                for g in &role.grants {
                    set |= self.matching(g.as_str());
                }
                // Groups the role's people are expected in bring their access.
                if !role.groups.is_empty() {
                    for g in groups.clone() {
                        let n = self.snap.node(NodeId(g));
                        let hit = role
                            .groups
                            .iter()
                            .any(|p| p.matches(n.id()) || n.name().is_some_and(|x| p.matches(x)));
                        if hit {
                            set |= self.snap.access(NodeId(g)).entitlements();
                        }
                    }
                }
                set
            })
            .collect()
    }

    /// A person's current birthright and, for a mover, the previous one.
    pub(crate) fn birthrights(&self, person: u32) -> (&RoaringBitmap, Option<&RoaringBitmap>) {
        self.birthrights.of(person)
    }

    /// Whether any business role describes a person.
    pub(crate) fn described(&self, person: u32) -> bool {
        self.birthrights.described(person)
    }

    /// The exceptions for a node (a person or an account: exceptions are
    /// indexed by the node their `person` or `account` key names), with
    /// their index in the policy.
    pub(crate) fn exceptions_of(&self, v: u32) -> impl Iterator<Item = (usize, &'s Exception)> {
        let list = self.exceptions.get(&v).map(Vec::as_slice).unwrap_or(&[]);
        let all = &self.policy.exceptions;
        list.iter().map(move |&i| (i, &all[i]))
    }

    /// Whether an exception for `person` or `account`, active or expired,
    /// names `ent` for `rule` (or for every rule).
    pub(crate) fn excepted(
        &self,
        rule: RuleId,
        person: Option<u32>,
        account: u32,
        ent: u32,
    ) -> bool {
        let subjects = person.into_iter().chain([account]);
        subjects.flat_map(|v| self.exceptions_of(v)).any(|(_, x)| {
            let rule_ok = x.rule.as_deref().is_none_or(|r| r == rule.as_str());
            let ent_ok = match &x.entitlement {
                Some(p) => self.matching(p.as_str()).contains(ent),
                None => x.rule.is_some(),
            };
            rule_ok && ent_ok
        })
    }

    pub(crate) fn now_ts(&self) -> Timestamp {
        Timestamp(self.now)
    }

    /// The subject of an exception as a node, if it is in the snapshot.
    pub(crate) fn subject_node(&self, s: &Subject) -> Option<u32> {
        self.snap.find(s.id()).map(|n| n.0)
    }
}

/// Every object the policy or the data marks privileged, with its tier:
/// Calls `f` with the policy's view of a node (kind, id, name, system and,
/// when `with_sid`, its SID), the one form privileged rules match against.
pub(crate) fn with_target<R>(
    n: &NodeRef<'_>,
    with_sid: bool,
    f: impl FnOnce(&Target<'_>) -> R,
) -> R {
    let kind = n.kind();
    let sid = with_sid
        .then(|| {
            Target::SID_PROPS.iter().find_map(|k| match n.prop(k) {
                Some(Value::Str(s)) => Some(s),
                _ => None,
            })
        })
        .flatten();
    let target =
        Target { kind: &kind, id: n.id(), name: n.name(), system: n.system(), sid: sid.as_deref() };
    f(&target)
}

/// nodes matched by a privileged rule in force (the lowest tier wins), and
/// nodes whose `privileged` property is true (their `tier` property, else
/// tier 1).
pub(crate) fn privileged_objects(snap: &Snapshot, policy: &Policy) -> Vec<(u32, u8)> {
    let rules: Vec<_> = policy.privileged_rules().collect();
    let by_sid = rules.iter().any(|r| !r.sids.is_empty());
    let mut candidates = RoaringBitmap::new();
    for kind in [NodeKind::Entitlement, NodeKind::Group, NodeKind::Role] {
        candidates.insert_range(snap.kind_range(&kind));
    }
    if by_sid {
        for key in Target::SID_PROPS {
            candidates |= snap.nodes_with_prop(key);
        }
    }
    let marked = snap.nodes_with_bool(props::PRIVILEGED, true);

    let list: Vec<u32> = candidates.iter().collect();
    let mut out: Vec<(u32, u8)> = list
        .par_iter()
        .filter_map(|&v| {
            let n = snap.node(NodeId(v));
            let by_rule = with_target(&n, by_sid, |target| {
                rules.iter().filter(|r| r.matches(target)).map(|r| r.tier).min()
            });
            let by_mark = marked.contains(v).then(|| {
                n.prop(props::TIER)
                    .and_then(|t| t.as_i64())
                    .map_or(UNTIERED_PRIVILEGE, |t| t.clamp(0, 3) as u8)
            });
            let tier = match (by_rule, by_mark) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            tier.map(|t| (v, t))
        })
        .collect();
    for v in &marked - &candidates {
        let t = snap.node(NodeId(v)).prop(props::TIER).and_then(|t| t.as_i64());
        out.push((v, t.map_or(UNTIERED_PRIVILEGE, |t| t.clamp(0, 3) as u8)));
    }
    out
}
