//! The built-in privileged rules: well-known objects that control
//! identity or administration in the systems AISF reads.

use std::sync::LazyLock;

use super::{Pattern, PrivilegedRule};

/// One built-in rule, as data: name, entitlement and role patterns, group
/// patterns, SID patterns, system patterns, tier, reason.
struct Builtin {
    name: &'static str,
    /// Matched for entitlements and roles both: sources model cloud roles
    /// either way.
    grants: &'static [&'static str],
    groups: &'static [&'static str],
    sids: &'static [&'static str],
    systems: &'static [&'static str],
    tier: u8,
    reason: &'static str,
}

/// Directory groups are matched by plain name, by SharpHound's
/// `NAME@DOMAIN` form, by an id ending in `:name`, and by SID: domain
/// groups by their relative id (`S-1-5-21-<domain>-512`), builtin groups by
/// their fixed SID, which SharpHound prefixes with the domain name.
const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "ad-domain-admins",
        grants: &[],
        groups: &["Domain Admins", "Domain Admins@*", "*:Domain Admins"],
        sids: &["S-1-5-21-*-512"],
        systems: &[],
        tier: 0,
        reason: "Domain Admins control every object of the domain",
    },
    Builtin {
        name: "ad-enterprise-admins",
        grants: &[],
        groups: &["Enterprise Admins", "Enterprise Admins@*", "*:Enterprise Admins"],
        sids: &["S-1-5-21-*-519"],
        systems: &[],
        tier: 0,
        reason: "Enterprise Admins control every domain of the forest",
    },
    Builtin {
        name: "ad-schema-admins",
        grants: &[],
        groups: &["Schema Admins", "Schema Admins@*", "*:Schema Admins"],
        sids: &["S-1-5-21-*-518"],
        systems: &[],
        tier: 0,
        reason: "Schema Admins can change the directory schema of the forest",
    },
    Builtin {
        name: "ad-administrators",
        grants: &[],
        groups: &["Administrators", "Administrators@*", "*:Administrators"],
        sids: &["S-1-5-32-544", "*-S-1-5-32-544"],
        systems: &[],
        tier: 0,
        reason: "the builtin Administrators group administers domain controllers",
    },
    Builtin {
        name: "ad-account-operators",
        grants: &[],
        groups: &["Account Operators", "Account Operators@*", "*:Account Operators"],
        sids: &["S-1-5-32-548", "*-S-1-5-32-548"],
        systems: &[],
        tier: 1,
        reason: "Account Operators can create and change most accounts and groups",
    },
    Builtin {
        name: "ad-backup-operators",
        grants: &[],
        groups: &["Backup Operators", "Backup Operators@*", "*:Backup Operators"],
        sids: &["S-1-5-32-551", "*-S-1-5-32-551"],
        systems: &[],
        tier: 1,
        reason: "Backup Operators can read every file on domain controllers, secrets included",
    },
    Builtin {
        name: "entra-global-administrator",
        grants: &[
            "Global Administrator",
            "Company Administrator",
            "*:Global Administrator",
            "*62e90394-69f5-4237-9190-012177145e10",
        ],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 0,
        reason: "Global Administrator controls the whole Entra tenant",
    },
    Builtin {
        name: "entra-privileged-role-administrator",
        grants: &[
            "Privileged Role Administrator",
            "*:Privileged Role Administrator",
            "*e8611ab8-c189-46e8-94e1-60213ab1f814",
        ],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 0,
        reason: "Privileged Role Administrator can assign any Entra role, Global \
                 Administrator included",
    },
    Builtin {
        name: "entra-security-administrator",
        grants: &[
            "Security Administrator",
            "*:Security Administrator",
            "*194ae4cb-b126-40b2-bd5b-6091b380977d",
        ],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 1,
        reason: "Security Administrator manages security policies of the tenant",
    },
    Builtin {
        name: "entra-user-administrator",
        grants: &[
            "User Administrator",
            "*:User Administrator",
            "*fe930be7-5e62-47db-91af-98c3a49a38b1",
        ],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 1,
        reason: "User Administrator can create users and reset passwords of non-admins",
    },
    Builtin {
        name: "aws-administrator-access",
        grants: &["AdministratorAccess", "*:AdministratorAccess", "*policy/AdministratorAccess"],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 0,
        reason: "AdministratorAccess allows every action on every AWS resource",
    },
    Builtin {
        name: "aws-iam-write",
        // `\*` is a literal star: the permission `iam:*`, not every IAM action.
        grants: &[
            "IAMFullAccess",
            "*:IAMFullAccess",
            "*policy/IAMFullAccess",
            "iam:\\*",
            "*:iam:\\*",
        ],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 0,
        reason: "full IAM write access can grant itself any other AWS permission",
    },
    Builtin {
        name: "github-org-owner",
        grants: &[
            "owner",
            "*:owner",
            "org owner",
            "*:org owner",
            "organization owner",
            "*:organization owner",
        ],
        groups: &[],
        sids: &[],
        systems: &["github*"],
        tier: 1,
        reason: "organization owners administer every repository, team and setting of the org",
    },
    Builtin {
        name: "okta-super-administrator",
        grants: &["Super Administrator", "*:Super Administrator", "SUPER_ADMIN", "*:SUPER_ADMIN"],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 0,
        reason: "Okta Super Administrator controls the whole Okta org",
    },
    Builtin {
        name: "google-super-admin",
        grants: &["Super Admin", "*:Super Admin", "_SEED_ADMIN_ROLE", "*:_SEED_ADMIN_ROLE"],
        groups: &[],
        sids: &[],
        systems: &[],
        tier: 0,
        reason: "Google Workspace super admins control every user and setting of the domain",
    },
];

fn patterns(list: &[&str]) -> Vec<Pattern> {
    list.iter().map(|p| Pattern::parse(p).expect("built-in patterns are valid")).collect()
}

static RULES: LazyLock<Vec<PrivilegedRule>> = LazyLock::new(|| {
    BUILTINS
        .iter()
        .map(|b| PrivilegedRule {
            name: Some(b.name.to_string()),
            entitlements: patterns(b.grants),
            groups: patterns(b.groups),
            roles: patterns(b.grants),
            sids: patterns(b.sids),
            systems: patterns(b.systems),
            tier: b.tier,
            reason: b.reason.to_string(),
            line: 0,
        })
        .collect()
});

/// The built-in rules, built once.
pub(crate) fn builtin() -> &'static [PrivilegedRule] {
    &RULES
}

/// The built-in privileged rules, which apply unless
/// `[privileged_defaults] enabled = false` (or a rule is excluded by name).
///
/// | name | matches | tier |
/// |---|---|---|
/// | `ad-domain-admins` | group Domain Admins, SID `S-1-5-21-*-512` | 0 |
/// | `ad-enterprise-admins` | group Enterprise Admins, SID `...-519` | 0 |
/// | `ad-schema-admins` | group Schema Admins, SID `...-518` | 0 |
/// | `ad-administrators` | group Administrators, SID `S-1-5-32-544` | 0 |
/// | `ad-account-operators` | group Account Operators, SID `S-1-5-32-548` | 1 |
/// | `ad-backup-operators` | group Backup Operators, SID `S-1-5-32-551` | 1 |
/// | `entra-global-administrator` | Global Administrator (name or role template id) | 0 |
/// | `entra-privileged-role-administrator` | Privileged Role Administrator | 0 |
/// | `entra-security-administrator` | Security Administrator | 1 |
/// | `entra-user-administrator` | User Administrator | 1 |
/// | `aws-administrator-access` | AdministratorAccess | 0 |
/// | `aws-iam-write` | IAMFullAccess, the permission `iam:*` | 0 |
/// | `github-org-owner` | owner, in systems named `github*` | 1 |
/// | `okta-super-administrator` | Super Administrator, `SUPER_ADMIN` | 0 |
/// | `google-super-admin` | Super Admin, `_SEED_ADMIN_ROLE` | 0 |
///
/// Group rules match groups by name (`Domain Admins`, SharpHound's
/// `DOMAIN ADMINS@CORP.LOCAL`), by an id ending in `:Domain Admins`, and
/// by SID (the `sid` or `objectid` property; builtin SIDs also with
/// SharpHound's `CORP.LOCAL-` prefix). The other rules match entitlements
/// and roles alike, by name or id, since sources model cloud roles as
/// either. Matching ignores case.
pub fn default_privileged() -> &'static [PrivilegedRule] {
    builtin()
}

/// The names of the built-in rules.
pub(crate) fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|b| b.name)
}
