//! Reading a policy out of the spanned TOML tree, section by section.

use super::defaults::builtin_names;
use super::error::PolicyError;
use super::suggest::closest;
use super::tree::{Ctx, Item, Table, Val, join};
use super::{
    AccountType, ByAccountType, Exception, OwnerAssignment, Owners, Policy, PrivilegedDefaults,
    PrivilegedRule, RiskWeights, Role, RuleSetting, Severity, SeverityWeights, SodRule, Subject,
    Thresholds, Timestamp, VERSION,
};

type Result<T> = std::result::Result<T, PolicyError>;

const TOP: &[&str] = &[
    "version",
    "thresholds",
    "privileged_defaults",
    "privileged",
    "role",
    "sod",
    "exception",
    "owners",
    "risk",
    "rules",
];

pub(crate) fn policy(text: &str, file: &str) -> Result<Policy> {
    let ctx = Ctx::new(file, text);
    let root = ctx.parse()?;
    let top = ctx.table(&root, "", TOP)?;
    let mut p = Policy { file: file.to_string(), ..Policy::default() };

    if let Some(item) = top.get("version") {
        match item.value {
            Val::Int(v) if v == i64::from(VERSION) => {}
            _ => {
                return Err(ctx.invalid(
                    item,
                    "version",
                    format!("expected {VERSION}, the only schema version"),
                ));
            }
        }
    }
    if let Some(item) = top.get("thresholds") {
        p.thresholds = thresholds(&ctx, item)?;
    }
    if let Some(item) = top.get("privileged_defaults") {
        p.privileged_defaults = privileged_defaults(&ctx, item)?;
    }
    if let Some(item) = top.get("privileged") {
        p.privileged = each(&ctx, item, "privileged", privileged)?;
    }
    if let Some(item) = top.get("role") {
        p.roles = each(&ctx, item, "role", role)?;
    }
    if let Some(item) = top.get("sod") {
        p.sod = each(&ctx, item, "sod", sod)?;
    }
    if let Some(item) = top.get("exception") {
        p.exceptions = each(&ctx, item, "exception", exception)?;
    }
    if let Some(item) = top.get("owners") {
        p.owners = owners(&ctx, item)?;
    }
    if let Some(item) = top.get("risk") {
        p.risk = risk(&ctx, item)?;
    }
    if let Some(item) = top.get("rules") {
        p.rules = rules(&ctx, item)?;
    }
    Ok(p)
}

/// Reads every table of an array of tables. Items are named in paths by
/// their `name` when it is a string, by their index otherwise.
fn each<T>(
    ctx: &Ctx<'_>,
    item: &Item,
    section: &str,
    read: impl Fn(&Ctx<'_>, &Item, &str) -> Result<T>,
) -> Result<Vec<T>> {
    ctx.tables(item, section)?
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let named = match &it.value {
                Val::Table(entries) => {
                    entries.iter().find(|e| e.key == "name").and_then(|e| match &e.item.value {
                        Val::Str(s) if !s.trim().is_empty() => Some(format!("{section} {s:?}")),
                        _ => None,
                    })
                }
                _ => None,
            };
            read(ctx, it, &named.unwrap_or_else(|| format!("{section}[{i}]")))
        })
        .collect()
}

fn line(ctx: &Ctx<'_>, item: &Item) -> u32 {
    ctx.at(item.span.start).line
}

fn thresholds(ctx: &Ctx<'_>, item: &Item) -> Result<Thresholds> {
    const KEYS: &[&str] = &[
        "stale_days",
        "stale_days_by_account_type",
        "stale_days_privileged",
        "stale_days_tier",
        "leaver_grace_days",
        "mover_grace_days",
        "max_admins",
        "peer_outlier_max_share",
        "peer_min_group_size",
        "now",
    ];
    let t = ctx.table(item, "thresholds", KEYS)?;
    let d = Thresholds::default();
    let pos = |c: &Ctx<'_>, i: &Item, p: &str| c.uint(i, p, 1);
    let nonneg = |c: &Ctx<'_>, i: &Item, p: &str| c.uint(i, p, 0);

    let by_type = match t.get("stale_days_by_account_type") {
        None => ByAccountType::default(),
        Some(item) => {
            let bt = ctx.table(
                item,
                &t.path_of("stale_days_by_account_type"),
                &["human", "service", "shared"],
            )?;
            ByAccountType {
                human: bt.opt("human", pos)?,
                service: bt.opt("service", pos)?,
                shared: bt.opt("shared", pos)?,
            }
        }
    };
    let mut by_tier = [None; 4];
    if let Some(item) = t.get("stale_days_tier") {
        let tt = ctx.table(item, &t.path_of("stale_days_tier"), &["0", "1", "2", "3"])?;
        for e in tt.entries() {
            let tier = e.key.parse::<usize>().unwrap_or(0);
            by_tier[tier] = Some(ctx.uint(&e.item, &tt.path_of(&e.key), 1)?);
        }
    }

    Ok(Thresholds {
        stale_days: t.opt("stale_days", pos)?.unwrap_or(d.stale_days),
        stale_days_by_account_type: by_type,
        stale_days_privileged: t
            .opt("stale_days_privileged", pos)?
            .unwrap_or(d.stale_days_privileged),
        stale_days_tier: by_tier,
        leaver_grace_days: t.opt("leaver_grace_days", nonneg)?.unwrap_or(d.leaver_grace_days),
        mover_grace_days: t.opt("mover_grace_days", nonneg)?.unwrap_or(d.mover_grace_days),
        max_admins: t.opt("max_admins", pos)?.unwrap_or(d.max_admins),
        peer_outlier_max_share: t
            .opt("peer_outlier_max_share", |c, i, p| {
                let x = c.number(i, p, 0.0, 1.0)?;
                if x == 0.0 {
                    return Err(c.invalid(i, p, "expected a share above 0 and at most 1, found 0"));
                }
                Ok(x)
            })?
            .unwrap_or(d.peer_outlier_max_share),
        peer_min_group_size: t.opt("peer_min_group_size", pos)?.unwrap_or(d.peer_min_group_size),
        now: t.opt("now", |c, i, p| c.time(i, p).map(|(t, _)| t))?,
    })
}

fn privileged_defaults(ctx: &Ctx<'_>, item: &Item) -> Result<PrivilegedDefaults> {
    let t = ctx.table(item, "privileged_defaults", &["enabled", "exclude"])?;
    let mut exclude = Vec::new();
    if let Some(list) = t.get("exclude") {
        for (i, it) in ctx.array(list, &t.path_of("exclude"))?.iter().enumerate() {
            let path = format!("{}[{i}]", t.path_of("exclude"));
            let name = ctx.string(it, &path)?;
            if !builtin_names().any(|n| n == name) {
                let hint = closest(&name, builtin_names())
                    .map(|s| format!("; did you mean \"{s}\"?"))
                    .unwrap_or_default();
                return Err(ctx.invalid(
                    it,
                    &path,
                    format!("no built-in privileged rule is named \"{name}\"{hint}"),
                ));
            }
            exclude.push(name);
        }
    }
    Ok(PrivilegedDefaults { enabled: t.opt("enabled", Ctx::bool)?.unwrap_or(true), exclude })
}

fn privileged(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<PrivilegedRule> {
    const KEYS: &[&str] =
        &["name", "entitlement", "group", "role", "sid", "system", "tier", "reason"];
    let t = ctx.table(item, path, KEYS)?;
    let list = |key: &str| t.opt(key, Ctx::patterns).map(Option::unwrap_or_default);
    let rule = PrivilegedRule {
        name: t.opt("name", Ctx::string)?,
        entitlements: list("entitlement")?,
        groups: list("group")?,
        roles: list("role")?,
        sids: list("sid")?,
        systems: list("system")?,
        tier: t.req("tier", Ctx::tier)?,
        reason: t.req("reason", Ctx::string)?,
        line: line(ctx, item),
    };
    if rule.entitlements.is_empty()
        && rule.groups.is_empty()
        && rule.roles.is_empty()
        && rule.sids.is_empty()
    {
        return Err(ctx.invalid(
            item,
            path,
            "expected at least one of entitlement, group, role or sid",
        ));
    }
    Ok(rule)
}

fn role(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<Role> {
    const KEYS: &[&str] = &[
        "name",
        "description",
        "department",
        "title",
        "job_code",
        "employment_type",
        "grants",
        "groups",
    ];
    let t = ctx.table(item, path, KEYS)?;
    let list = |key: &str| t.opt(key, Ctx::patterns).map(Option::unwrap_or_default);
    let role = Role {
        name: t.req("name", Ctx::string)?,
        description: t.opt("description", Ctx::string)?,
        department: list("department")?,
        title: list("title")?,
        job_code: list("job_code")?,
        employment_type: list("employment_type")?,
        grants: list("grants")?,
        groups: list("groups")?,
        line: line(ctx, item),
    };
    if role.grants.is_empty() && role.groups.is_empty() {
        return Err(ctx.invalid(item, path, "missing key \"grants\" or \"groups\""));
    }
    Ok(role)
}

fn severity(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<Severity> {
    let names = || Severity::ALL.map(Severity::as_str).join(", ");
    match &item.value {
        Val::Str(s) => Severity::parse(s).ok_or_else(|| {
            ctx.invalid(item, path, format!("expected one of {}, found \"{s}\"", names()))
        }),
        _ => Err(ctx.invalid(item, path, format!("expected one of {} as a string", names()))),
    }
}

fn sod(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<SodRule> {
    const KEYS: &[&str] = &["name", "description", "entitlements", "min", "severity"];
    let t = ctx.table(item, path, KEYS)?;
    let ents = t.require("entitlements")?;
    let entitlements = ctx.patterns(ents, &t.path_of("entitlements"))?;
    if entitlements.len() < 2 {
        return Err(ctx.invalid(
            ents,
            &t.path_of("entitlements"),
            format!("expected at least 2 entitlements, found {}", entitlements.len()),
        ));
    }
    let min = match t.get("min") {
        None => None,
        Some(m) => {
            let n = entitlements.len();
            let bad = || {
                ctx.invalid(
                    m,
                    &t.path_of("min"),
                    format!("expected an integer from 2 to {n}, the size of the set"),
                )
            };
            match m.value {
                Val::Int(v) if (2..=n as i64).contains(&v) => {
                    Some(u32::try_from(v).map_err(|_| bad())?)
                }
                _ => return Err(bad()),
            }
        }
    };
    Ok(SodRule {
        name: t.req("name", Ctx::string)?,
        description: t.opt("description", Ctx::string)?,
        entitlements,
        min,
        severity: t.opt("severity", severity)?.unwrap_or(Severity::High),
        line: line(ctx, item),
    })
}

fn exception(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<Exception> {
    const KEYS: &[&str] = &[
        "person",
        "account",
        "entitlement",
        "rule",
        "reason",
        "approved_by",
        "approved",
        "until",
        "ticket",
    ];
    let t = ctx.table(item, path, KEYS)?;
    let subject = match (t.opt("person", Ctx::string)?, t.opt("account", Ctx::string)?) {
        (Some(p), None) => Subject::Person(p),
        (None, Some(a)) => Subject::Account(a),
        (Some(_), Some(_)) => {
            let second = t.get("account").unwrap_or(item);
            return Err(ctx.invalid(second, path, "expected person or account, not both"));
        }
        (None, None) => {
            return Err(ctx.invalid(item, path, "missing key \"person\" or \"account\""));
        }
    };
    let entitlement = t.opt("entitlement", Ctx::pattern)?;
    let rule = t.opt("rule", rule_id)?;
    if entitlement.is_none() && rule.is_none() {
        return Err(ctx.invalid(item, path, "missing key \"entitlement\" or \"rule\""));
    }
    let until = t.req("until", |c, i, p| {
        // A bare date holds through that day.
        c.time(i, p).map(|(t, bare)| if bare { Timestamp(t.0 + 86_400) } else { t })
    })?;
    Ok(Exception {
        subject,
        entitlement,
        rule,
        reason: t.req("reason", Ctx::string)?,
        approved_by: t.req("approved_by", Ctx::string)?,
        approved: t.opt("approved", |c, i, p| c.time(i, p).map(|(t, _)| t))?,
        until,
        ticket: t.opt("ticket", Ctx::string)?,
        line: line(ctx, item),
    })
}

fn account_type(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<AccountType> {
    let s = ctx.string(item, path)?;
    AccountType::parse(&s).ok_or_else(|| {
        ctx.invalid(item, path, format!("expected human, service or shared, found \"{s}\""))
    })
}

fn owners(ctx: &Ctx<'_>, item: &Item) -> Result<Owners> {
    let t = ctx.table(item, "owners", &["require_owner_for", "assign"])?;
    let mut o = Owners::default();
    if let Some(list) = t.get("require_owner_for") {
        let path = t.path_of("require_owner_for");
        o.require_owner_for = ctx
            .array(list, &path)?
            .iter()
            .enumerate()
            .map(|(i, it)| account_type(ctx, it, &format!("{path}[{i}]")))
            .collect::<Result<_>>()?;
    }
    if let Some(list) = t.get("assign") {
        o.assign = each(ctx, list, "owners.assign", |c, it, p| {
            let a = c.table(it, p, &["object", "owner"])?;
            Ok(OwnerAssignment {
                object: a.req("object", Ctx::pattern)?,
                owner: a.req("owner", Ctx::string)?,
                line: line(c, it),
            })
        })?;
    }
    Ok(o)
}

fn weight(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<f64> {
    ctx.number(item, path, 0.0, f64::INFINITY)
}

fn risk(ctx: &Ctx<'_>, item: &Item) -> Result<RiskWeights> {
    const KEYS: &[&str] = &["severity", "tier", "untiered", "exposure", "duration", "breadth"];
    let t = ctx.table(item, "risk", KEYS)?;
    let mut r = RiskWeights::default();
    if let Some(item) = t.get("severity") {
        let s = ctx.table(
            item,
            &t.path_of("severity"),
            &["info", "low", "medium", "high", "critical"],
        )?;
        let d = SeverityWeights::default();
        r.severity = SeverityWeights {
            info: s.opt("info", weight)?.unwrap_or(d.info),
            low: s.opt("low", weight)?.unwrap_or(d.low),
            medium: s.opt("medium", weight)?.unwrap_or(d.medium),
            high: s.opt("high", weight)?.unwrap_or(d.high),
            critical: s.opt("critical", weight)?.unwrap_or(d.critical),
        };
    }
    if let Some(item) = t.get("tier") {
        let tt = ctx.table(item, &t.path_of("tier"), &["0", "1", "2", "3"])?;
        for e in tt.entries() {
            let tier = e.key.parse::<usize>().unwrap_or(0);
            r.tier[tier] = weight(ctx, &e.item, &tt.path_of(&e.key))?;
        }
    }
    r.untiered = t.opt("untiered", weight)?.unwrap_or(r.untiered);
    r.exposure = t.opt("exposure", weight)?.unwrap_or(r.exposure);
    r.duration = t.opt("duration", weight)?.unwrap_or(r.duration);
    r.breadth = t.opt("breadth", weight)?.unwrap_or(r.breadth);
    Ok(r)
}

/// Rule ids are kebab-case: lowercase letters, digits and dashes.
fn rule_id(ctx: &Ctx<'_>, item: &Item, path: &str) -> Result<String> {
    let id = ctx.string(item, path)?;
    check_rule_id(&id).map_err(|m| ctx.invalid(item, path, m))?;
    Ok(id)
}

fn check_rule_id(id: &str) -> std::result::Result<(), String> {
    let ok = id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if ok { Ok(()) } else { Err(format!("expected a rule id in kebab-case, found \"{id}\"")) }
}

fn rules(ctx: &Ctx<'_>, item: &Item) -> Result<std::collections::BTreeMap<String, RuleSetting>> {
    let t: Table<'_> = ctx.table_any(item, "rules")?;
    let mut out = std::collections::BTreeMap::new();
    for e in t.entries() {
        let path = join("rules", &e.key);
        if let Err(m) = check_rule_id(&e.key) {
            let at = ctx.at(e.key_span.as_ref().unwrap_or(&e.item.span).start);
            return Err(PolicyError::Invalid { at, path, message: m });
        }
        let setting = match &e.item.value {
            Val::Bool(b) => RuleSetting { enabled: *b, severity: None },
            Val::Table(_) => {
                let r = ctx.table(&e.item, &path, &["enabled", "severity"])?;
                RuleSetting {
                    enabled: r.opt("enabled", Ctx::bool)?.unwrap_or(true),
                    severity: r.opt("severity", severity)?,
                }
            }
            _ => {
                return Err(ctx.invalid(
                    &e.item,
                    &path,
                    "expected a table { enabled, severity } or true or false",
                ));
            }
        };
        out.insert(e.key.clone(), setting);
    }
    Ok(out)
}
