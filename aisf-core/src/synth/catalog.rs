//! The fixed shape of the synthetic organisation: departments, titles,
//! systems, entitlements, admin objects and the business roles, and from
//! them the birthright of every (department, title).

use std::collections::BTreeSet;

/// The six systems, in the order their accounts are made for a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Sys {
    Ad,
    Entra,
    M365,
    Aws,
    Github,
    Salesforce,
}

impl Sys {
    pub(crate) const ALL: [Sys; 6] =
        [Sys::Ad, Sys::Entra, Sys::M365, Sys::Aws, Sys::Github, Sys::Salesforce];

    /// The short name: prefix of every id in the system and `Node::system`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Sys::Ad => "ad",
            Sys::Entra => "entra",
            Sys::M365 => "m365",
            Sys::Aws => "aws",
            Sys::Github => "github",
            Sys::Salesforce => "salesforce",
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Sys::Ad => "Active Directory",
            Sys::Entra => "Microsoft Entra ID",
            Sys::M365 => "Microsoft 365",
            Sys::Aws => "Amazon Web Services",
            Sys::Github => "GitHub",
            Sys::Salesforce => "Salesforce",
        }
    }

    /// Whether the login name is the email address.
    pub(crate) fn logs_in_by_email(self) -> bool {
        matches!(self, Sys::Entra | Sys::M365 | Sys::Salesforce)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The kind of object a catalog (on-request) entitlement is about.
    fn catalog_kind(self) -> (&'static str, &'static str) {
        match self {
            Sys::Ad => ("share-proj", "modify"),
            Sys::Entra => ("app", "user"),
            Sys::M365 => ("site-proj", "member"),
            Sys::Aws => ("bucket", "read"),
            Sys::Github => ("repo", "write"),
            Sys::Salesforce => ("report", "view"),
        }
    }
}

/// How a title is filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fill {
    /// The department's manager title: block leaders of the reporting tree.
    Manager,
    /// Drawn by weight among the department's individual contributors.
    Drawn(u32),
    /// Drawn by weight; frontline staff have no office-suite account.
    Frontline(u32),
    /// A fixed number of people, set by department size (admins).
    Counted,
}

/// One job title of a department.
#[derive(Debug)]
pub(crate) struct Title {
    pub(crate) name: &'static str,
    pub(crate) fill: Fill,
}

/// One department.
#[derive(Debug)]
pub(crate) struct Dept {
    pub(crate) key: &'static str,
    pub(crate) name: &'static str,
    /// Share of the staff, in percent; 0 for the executive office.
    pub(crate) weight: u32,
    pub(crate) aws: bool,
    pub(crate) github: bool,
    pub(crate) salesforce: bool,
    pub(crate) titles: &'static [Title],
}

const fn t(name: &'static str, fill: Fill) -> Title {
    Title { name, fill }
}

use Fill::{Counted, Drawn, Frontline, Manager};

/// Departments; index 0 is the executive office (the CEO and assistants),
/// which is filled by count, not by weight.
pub(crate) const DEPTS: &[Dept] = &[
    Dept {
        key: "executive",
        name: "Executive",
        weight: 0,
        aws: false,
        github: false,
        salesforce: false,
        titles: &[t("Chief Executive Officer", Manager), t("Executive Assistant", Drawn(1))],
    },
    Dept {
        key: "engineering",
        name: "Engineering",
        weight: 26,
        aws: true,
        github: true,
        salesforce: false,
        titles: &[
            t("Engineering Manager", Manager),
            t("Software Engineer", Drawn(12)),
            t("Senior Software Engineer", Drawn(6)),
            t("Site Reliability Engineer", Drawn(2)),
            t("QA Engineer", Drawn(3)),
        ],
    },
    Dept {
        key: "sales",
        name: "Sales",
        weight: 18,
        aws: false,
        github: false,
        salesforce: true,
        titles: &[
            t("Sales Manager", Manager),
            t("Account Executive", Drawn(10)),
            t("Sales Development Representative", Drawn(8)),
            t("Sales Operations Analyst", Drawn(1)),
        ],
    },
    Dept {
        key: "support",
        name: "Support",
        weight: 14,
        aws: false,
        github: false,
        salesforce: true,
        titles: &[
            t("Support Manager", Manager),
            t("Support Agent", Drawn(6)),
            t("Support Engineer", Drawn(2)),
        ],
    },
    Dept {
        key: "operations",
        name: "Operations",
        weight: 11,
        aws: false,
        github: false,
        salesforce: false,
        titles: &[
            t("Operations Manager", Manager),
            t("Warehouse Associate", Frontline(5)),
            t("Logistics Coordinator", Drawn(2)),
            t("Facilities Coordinator", Drawn(1)),
        ],
    },
    Dept {
        key: "marketing",
        name: "Marketing",
        weight: 8,
        aws: false,
        github: false,
        salesforce: false,
        titles: &[
            t("Marketing Manager", Manager),
            t("Marketing Specialist", Drawn(3)),
            t("Content Writer", Drawn(2)),
            t("Designer", Drawn(1)),
        ],
    },
    Dept {
        key: "finance",
        name: "Finance",
        weight: 7,
        aws: false,
        github: false,
        salesforce: false,
        titles: &[
            t("Finance Manager", Manager),
            t("Accountant", Drawn(3)),
            t("Accounts Payable Clerk", Drawn(2)),
            t("Financial Analyst", Drawn(2)),
        ],
    },
    Dept {
        key: "it",
        name: "IT",
        weight: 6,
        aws: true,
        github: false,
        salesforce: false,
        titles: &[
            t("IT Manager", Manager),
            t("Systems Administrator", Counted),
            t("Service Desk Analyst", Drawn(4)),
            t("Network Engineer", Drawn(3)),
        ],
    },
    Dept {
        key: "hr",
        name: "HR",
        weight: 4,
        aws: false,
        github: false,
        salesforce: false,
        titles: &[
            t("HR Manager", Manager),
            t("HR Generalist", Drawn(3)),
            t("Payroll Specialist", Drawn(2)),
            t("Recruiter", Drawn(2)),
        ],
    },
    Dept {
        key: "product",
        name: "Product",
        weight: 3,
        aws: false,
        github: false,
        salesforce: false,
        titles: &[
            t("Head of Product", Manager),
            t("Product Manager", Drawn(3)),
            t("UX Researcher", Drawn(1)),
        ],
    },
    Dept {
        key: "legal",
        name: "Legal",
        weight: 3,
        aws: false,
        github: false,
        salesforce: false,
        titles: &[
            t("General Counsel", Manager),
            t("Paralegal", Drawn(2)),
            t("Contracts Specialist", Drawn(1)),
        ],
    },
];

/// Department indices the generator refers to by name.
pub(crate) const EXECUTIVE: u8 = 0;
pub(crate) const ENGINEERING: u8 = 1;
pub(crate) const SALES: u8 = 2;
pub(crate) const SUPPORT: u8 = 3;
pub(crate) const MARKETING: u8 = 5;
pub(crate) const FINANCE: u8 = 6;
pub(crate) const IT: u8 = 7;
pub(crate) const HR: u8 = 8;
pub(crate) const PRODUCT: u8 = 9;
pub(crate) const LEGAL: u8 = 10;

/// The Systems Administrator title in IT (the tier-0 admins).
pub(crate) const SYSADMIN: u8 = 1;

/// The index of a title by name; the tables below refer to titles by name
/// so that they read as the policy a person would write.
pub(crate) fn title_index(dept: u8, name: &str) -> u8 {
    let titles = DEPTS[usize::from(dept)].titles;
    titles.iter().position(|t| t.name == name).map_or(u8::MAX, |i| i as u8)
}

/// The systems a person of this department and title has accounts in.
pub(crate) fn systems_of(dept: u8, title: u8) -> Vec<Sys> {
    let d = &DEPTS[usize::from(dept)];
    let frontline = matches!(d.titles[usize::from(title)].fill, Fill::Frontline(_));
    let mut out = vec![Sys::Ad, Sys::Entra];
    if !frontline {
        out.push(Sys::M365);
    }
    if d.aws {
        out.push(Sys::Aws);
    }
    if d.github {
        out.push(Sys::Github);
    }
    if d.salesforce {
        out.push(Sys::Salesforce);
    }
    out
}

/// Whether the department has people with accounts in the system.
pub(crate) fn dept_in_system(dept: u8, sys: Sys) -> bool {
    let d = &DEPTS[usize::from(dept)];
    match sys {
        Sys::Ad | Sys::Entra | Sys::M365 => true,
        Sys::Aws => d.aws,
        Sys::Github => d.github,
        Sys::Salesforce => d.salesforce,
    }
}

/// Who holds an entitlement in a clean organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holders {
    /// Everyone with an account in the system, through the all-staff group.
    AllStaff,
    /// One department, through its department group.
    Dept(u8),
    /// One (department, title), through its business role.
    Title(u8, u8),
    /// Every manager title, through the business roles.
    Managers,
    /// The IT department, through the far end of the deep nesting chain.
    Chain,
    /// The holders of an admin object (index into [`Catalog::admins`]).
    Admin(usize),
    /// No one: granted on request through its request group.
    Catalog,
}

/// One entitlement.
#[derive(Clone, Debug)]
pub(crate) struct Ent {
    pub(crate) id: String,
    pub(crate) sys: Sys,
    pub(crate) name: String,
    pub(crate) resource: String,
    pub(crate) permission: &'static str,
    pub(crate) tier: Option<u8>,
    pub(crate) holders: Holders,
}

/// An admin group or admin role and the (department, title) it is for.
#[derive(Clone, Debug)]
pub(crate) struct Admin {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) sys: Sys,
    pub(crate) is_role: bool,
    pub(crate) tier: u8,
    pub(crate) dept: u8,
    pub(crate) title: u8,
}

/// A business role: the title entitlements of one (department, title) in
/// one system.
#[derive(Clone, Debug)]
pub(crate) struct Role {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) sys: Sys,
    pub(crate) ents: Vec<usize>,
}

/// A separation-of-duties rule: the entitlement everyone in `holder`
/// has, and the one whose access group the violation adds.
#[derive(Clone, Debug)]
pub(crate) struct Sod {
    pub(crate) name: &'static str,
    pub(crate) first: usize,
    pub(crate) second: usize,
    pub(crate) holder: (u8, u8),
}

/// Everything fixed about the organisation once its size is known.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub(crate) ents: Vec<Ent>,
    pub(crate) admins: Vec<Admin>,
    pub(crate) roles: Vec<Role>,
    /// `role_of[sys][dept][title]`: index into `roles`.
    pub(crate) role_of: Vec<Vec<Vec<Option<usize>>>>,
    pub(crate) sod: Vec<Sod>,
    /// Catalog entitlements per system, as indices into `ents`.
    pub(crate) catalog: Vec<Vec<usize>>,
    /// `birthright[dept][title]`: sorted indices into `ents`.
    pub(crate) birthright: Vec<Vec<Vec<usize>>>,
}

/// A fixed entitlement, before ids are spelled out.
struct Fixed(Sys, &'static str, &'static str, &'static str, Holders);

fn fixed_ents() -> Vec<Fixed> {
    let (fin, hr, eng) = (FINANCE, HR, ENGINEERING);
    let title = |d: u8, name: &str| Holders::Title(d, title_index(d, name));
    vec![
        Fixed(Sys::Ad, "vpn-user", "vpn", "connect", Holders::AllStaff),
        Fixed(Sys::Ad, "share-public-read", "share-public", "read", Holders::AllStaff),
        Fixed(Sys::Ad, "share-managers-read", "share-managers", "read", Holders::Managers),
        Fixed(Sys::Ad, "erp-read", "erp", "read", Holders::Dept(fin)),
        Fixed(Sys::Ad, "erp-post-journal", "erp", "post-journal", title(fin, "Accountant")),
        Fixed(
            Sys::Ad,
            "erp-create-vendor",
            "erp",
            "create-vendor",
            title(fin, "Accounts Payable Clerk"),
        ),
        Fixed(
            Sys::Ad,
            "erp-approve-payment",
            "erp",
            "approve-payment",
            title(fin, "Finance Manager"),
        ),
        Fixed(Sys::Ad, "hris-read", "hris", "read", Holders::Dept(hr)),
        Fixed(
            Sys::Ad,
            "hris-edit-payroll",
            "hris",
            "edit-payroll",
            title(hr, "Payroll Specialist"),
        ),
        Fixed(Sys::Ad, "hris-approve-payroll", "hris", "approve-payroll", title(hr, "HR Manager")),
        Fixed(Sys::Ad, "legacy-inventory-read", "legacy-inventory", "read", Holders::Chain),
        Fixed(Sys::Entra, "sso-portal", "myapps", "access", Holders::AllStaff),
        Fixed(Sys::Entra, "app-expenses", "app-expenses", "user", Holders::AllStaff),
        Fixed(Sys::Entra, "app-workday-manager", "app-workday", "manager", Holders::Managers),
        Fixed(Sys::Entra, "app-hubspot", "app-hubspot", "user", Holders::Dept(MARKETING)),
        Fixed(Sys::Entra, "app-docusign", "app-docusign", "sender", Holders::Dept(LEGAL)),
        Fixed(Sys::Entra, "app-figma", "app-figma", "editor", title(MARKETING, "Designer")),
        Fixed(Sys::M365, "mailbox", "exchange", "mailbox", Holders::AllStaff),
        Fixed(Sys::M365, "teams", "teams", "member", Holders::AllStaff),
        Fixed(Sys::Aws, "ReadOnlyAccess", "account-prod", "read", Holders::AllStaff),
        Fixed(Sys::Aws, "dev-deploy", "account-dev", "deploy", Holders::Dept(eng)),
        Fixed(Sys::Aws, "billing-read", "billing", "read", Holders::Dept(IT)),
        Fixed(
            Sys::Aws,
            "prod-deploy",
            "account-prod",
            "deploy",
            title(eng, "Site Reliability Engineer"),
        ),
        Fixed(Sys::Github, "org-member", "org", "member", Holders::AllStaff),
        Fixed(Sys::Github, "repo-monorepo-write", "repo-monorepo", "write", Holders::AllStaff),
        Fixed(
            Sys::Github,
            "repo-monorepo-maintain",
            "repo-monorepo",
            "maintain",
            title(eng, "Senior Software Engineer"),
        ),
        Fixed(
            Sys::Github,
            "repo-infra-write",
            "repo-infra",
            "write",
            title(eng, "Site Reliability Engineer"),
        ),
        Fixed(Sys::Salesforce, "login", "org", "login", Holders::AllStaff),
        Fixed(Sys::Salesforce, "opportunity-edit", "opportunity", "edit", Holders::Dept(SALES)),
        Fixed(Sys::Salesforce, "case-edit", "case", "edit", Holders::Dept(SUPPORT)),
        Fixed(
            Sys::Salesforce,
            "create-quote",
            "quote",
            "create",
            title(SALES, "Account Executive"),
        ),
        Fixed(
            Sys::Salesforce,
            "approve-discount",
            "quote",
            "approve-discount",
            title(SALES, "Sales Manager"),
        ),
    ]
}

/// Admin objects, each with the entitlement it grants.
fn admin_table() -> Vec<(Admin, &'static str, &'static str, &'static str)> {
    let admin = |id, name, sys, is_role, tier, dept, title: &str| Admin {
        id,
        name,
        sys,
        is_role,
        tier,
        dept,
        title: title_index(dept, title),
    };
    let sa = "Systems Administrator";
    let sd = "Service Desk Analyst";
    vec![
        (
            admin("ad:group:domain-admins", "Domain Admins", Sys::Ad, false, 0, IT, sa),
            "domain-admin",
            "domain",
            "full-control",
        ),
        (
            admin("ad:group:helpdesk-operators", "Helpdesk Operators", Sys::Ad, false, 1, IT, sd),
            "reset-password",
            "domain",
            "reset-password",
        ),
        (
            admin("entra:role:global-admin", "Global Administrator", Sys::Entra, true, 0, IT, sa),
            "global-admin",
            "tenant",
            "global-admin",
        ),
        (
            admin("entra:role:user-admin", "User Administrator", Sys::Entra, true, 1, IT, sd),
            "user-admin",
            "tenant",
            "user-admin",
        ),
        (
            admin(
                "m365:group:exchange-admins",
                "Exchange Administrators",
                Sys::M365,
                false,
                1,
                IT,
                sa,
            ),
            "exchange-admin",
            "exchange",
            "admin",
        ),
        (
            admin("aws:group:admins", "Administrators", Sys::Aws, false, 0, IT, sa),
            "AdministratorAccess",
            "account-prod",
            "administrator",
        ),
        (
            admin(
                "aws:group:power-users",
                "Power Users",
                Sys::Aws,
                false,
                1,
                ENGINEERING,
                "Site Reliability Engineer",
            ),
            "PowerUserAccess",
            "account-prod",
            "power-user",
        ),
        (
            admin(
                "github:org-owner",
                "Organization owner",
                Sys::Github,
                true,
                1,
                ENGINEERING,
                "Engineering Manager",
            ),
            "org-admin",
            "org",
            "admin",
        ),
        (
            admin(
                "salesforce:group:system-admins",
                "System Administrators",
                Sys::Salesforce,
                false,
                1,
                SALES,
                "Sales Operations Analyst",
            ),
            "system-admin",
            "org",
            "modify-all",
        ),
    ]
}

/// The id of an entitlement; AWS managed policies keep their own names.
fn ent_id(sys: Sys, name: &str) -> String {
    if sys == Sys::Aws && name.starts_with(|c: char| c.is_ascii_uppercase()) {
        format!("aws:policy:{name}")
    } else {
        format!("{}:ent:{name}", sys.key())
    }
}

fn push_ent(
    ents: &mut Vec<Ent>,
    sys: Sys,
    name: &str,
    res: &str,
    perm: &'static str,
    holders: Holders,
) {
    ents.push(Ent {
        id: ent_id(sys, name),
        sys,
        name: name.to_string(),
        resource: format!("{}:res:{res}", sys.key()),
        permission: perm,
        tier: None,
        holders,
    });
}

impl Catalog {
    /// The catalog for an organisation of `people` persons.
    pub(crate) fn new(people: usize) -> Catalog {
        let mut ents = Vec::new();
        for f in fixed_ents() {
            push_ent(&mut ents, f.0, f.1, f.2, f.3, f.4);
        }

        // A department share on the directory and a department site in the
        // office suite for every department.
        for (d, dept) in DEPTS.iter().enumerate() {
            let d = d as u8;
            let share = format!("share-{}", dept.key);
            push_ent(
                &mut ents,
                Sys::Ad,
                &format!("{share}-modify"),
                &share,
                "modify",
                Holders::Dept(d),
            );
            let site = format!("site-{}", dept.key);
            push_ent(
                &mut ents,
                Sys::M365,
                &format!("{site}-member"),
                &site,
                "member",
                Holders::Dept(d),
            );
        }

        let mut admins = Vec::new();
        for (i, (admin, name, res, perm)) in admin_table().into_iter().enumerate() {
            push_ent(&mut ents, admin.sys, name, res, perm, Holders::Admin(i));
            if let Some(last) = ents.last_mut() {
                last.tier = Some(admin.tier);
            }
            admins.push(admin);
        }

        // On-request entitlements: the part of the catalog that grows with
        // the organisation.
        let per_system = 1 + people / 300;
        let mut catalog = vec![Vec::new(); Sys::ALL.len()];
        for sys in Sys::ALL {
            let (kind, perm) = sys.catalog_kind();
            for k in 1..=per_system {
                catalog[sys.index()].push(ents.len());
                let res = format!("{kind}-{k}");
                push_ent(&mut ents, sys, &format!("{res}-{perm}"), &res, perm, Holders::Catalog);
            }
        }

        let sod = sod_rules(&ents);
        let (roles, role_of) = roles(&ents);
        let mut cat =
            Catalog { ents, admins, roles, role_of, sod, catalog, birthright: Vec::new() };
        cat.birthright = (0..DEPTS.len() as u8)
            .map(|d| {
                (0..DEPTS[usize::from(d)].titles.len() as u8)
                    .map(|t| cat.compute_birthright(d, t))
                    .collect()
            })
            .collect();
        cat
    }

    fn compute_birthright(&self, dept: u8, title: u8) -> Vec<usize> {
        let systems = systems_of(dept, title);
        let manager = DEPTS[usize::from(dept)].titles[usize::from(title)].fill == Fill::Manager;
        let mut out = BTreeSet::new();
        for (i, e) in self.ents.iter().enumerate() {
            if !systems.contains(&e.sys) {
                continue;
            }
            let held = match e.holders {
                Holders::AllStaff => true,
                Holders::Dept(d) => d == dept,
                Holders::Title(d, t) => d == dept && t == title,
                Holders::Managers => manager,
                Holders::Chain => dept == IT,
                Holders::Admin(a) => self.admins[a].dept == dept && self.admins[a].title == title,
                Holders::Catalog => false,
            };
            if held {
                out.insert(i);
            }
        }
        out.into_iter().collect()
    }

    /// Whether holders of this (department, title) hold privileged access.
    pub(crate) fn is_privileged_title(&self, dept: u8, title: u8) -> bool {
        self.admins.iter().any(|a| a.dept == dept && a.title == title)
    }

    /// Whether the title's birthright contains one side of an SoD rule.
    pub(crate) fn is_sod_title(&self, dept: u8, title: u8) -> bool {
        let b = &self.birthright[usize::from(dept)][usize::from(title)];
        self.sod.iter().any(|s| b.contains(&s.first) || b.contains(&s.second))
    }

    /// The admin objects a (department, title) belongs to in one system.
    pub(crate) fn admins_of(&self, dept: u8, title: u8, sys: Sys) -> impl Iterator<Item = &Admin> {
        self.admins.iter().filter(move |a| a.dept == dept && a.title == title && a.sys == sys)
    }
}

fn sod_rules(ents: &[Ent]) -> Vec<Sod> {
    let find = |id: &str| ents.iter().position(|e| e.id == id).unwrap_or(usize::MAX);
    let rule = |name, first: &str, second: &str, dept: u8, title: &str| Sod {
        name,
        first: find(first),
        second: find(second),
        holder: (dept, title_index(dept, title)),
    };
    vec![
        rule(
            "vendor-payment",
            "ad:ent:erp-create-vendor",
            "ad:ent:erp-approve-payment",
            FINANCE,
            "Accounts Payable Clerk",
        ),
        rule(
            "payroll",
            "ad:ent:hris-edit-payroll",
            "ad:ent:hris-approve-payroll",
            HR,
            "Payroll Specialist",
        ),
        rule(
            "quote-discount",
            "salesforce:ent:create-quote",
            "salesforce:ent:approve-discount",
            SALES,
            "Account Executive",
        ),
    ]
}

type RoleTable = (Vec<Role>, Vec<Vec<Vec<Option<usize>>>>);

/// One business role per (system, department, title) that has title or
/// manager entitlements in that system.
fn roles(ents: &[Ent]) -> RoleTable {
    let mut roles = Vec::new();
    let mut role_of = vec![Vec::new(); Sys::ALL.len()];
    for sys in Sys::ALL {
        for (d, dept) in DEPTS.iter().enumerate() {
            let mut per_title = Vec::new();
            for (t, title) in dept.titles.iter().enumerate() {
                let manager = title.fill == Fill::Manager;
                let granted: Vec<usize> = (0..ents.len())
                    .filter(|&i| ents[i].sys == sys && systems_of(d as u8, t as u8).contains(&sys))
                    .filter(|&i| match ents[i].holders {
                        Holders::Title(hd, ht) => usize::from(hd) == d && usize::from(ht) == t,
                        Holders::Managers => manager,
                        _ => false,
                    })
                    .collect();
                if granted.is_empty() {
                    per_title.push(None);
                    continue;
                }
                per_title.push(Some(roles.len()));
                roles.push(Role {
                    id: format!("{}:role:{}-{}", sys.key(), dept.key, slug(title.name)),
                    name: format!("{} / {}", dept.name, title.name),
                    sys,
                    ents: granted,
                });
            }
            role_of[sys.index()].push(per_title);
        }
    }
    (roles, role_of)
}

/// Lowercase, words joined by hyphens.
pub(crate) fn slug(name: &str) -> String {
    name.split_whitespace().map(str::to_ascii_lowercase).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_title_name_in_the_tables_exists() {
        let cat = Catalog::new(250);
        assert!(cat.admins.iter().all(|a| a.title != u8::MAX));
        assert!(cat.sod.iter().all(|s| s.first < cat.ents.len() && s.second < cat.ents.len()));
        for e in &cat.ents {
            if let Holders::Title(_, t) = e.holders {
                assert_ne!(t, u8::MAX, "{}", e.id);
            }
        }
        assert_eq!(
            DEPTS[usize::from(IT)].titles[usize::from(SYSADMIN)].name,
            "Systems Administrator"
        );
        let keys = [(FINANCE, "finance"), (HR, "hr"), (MARKETING, "marketing"), (LEGAL, "legal")];
        for (d, key) in keys.into_iter().chain([(SUPPORT, "support"), (SALES, "sales")]) {
            assert_eq!(DEPTS[usize::from(d)].key, key);
        }
    }

    #[test]
    fn no_birthright_holds_a_whole_sod_rule() {
        let cat = Catalog::new(250);
        for per_dept in &cat.birthright {
            for b in per_dept {
                assert!(cat.sod.iter().all(|s| !(b.contains(&s.first) && b.contains(&s.second))));
            }
        }
    }
}
