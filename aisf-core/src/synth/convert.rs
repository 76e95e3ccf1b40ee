//! The generated policy as a real [`Policy`], so that a generated
//! organisation can be scanned with the policy it was built to.

use std::collections::BTreeMap;

use super::{Org, OrgPolicy};
use crate::NodeKind;
use crate::policy::{
    self, Pattern, Policy, PrivilegedDefaults, PrivilegedRule, Role, Severity, SodRule, Subject,
    Thresholds, Timestamp,
};

impl OrgPolicy {
    /// The same expected state as a [`Policy`]:
    ///
    /// - one `[[role]]` per birthright entry, named `<department>` or
    ///   `<department> / <title>`, granting exactly the entry's entitlement
    ///   ids;
    /// - one `[[privileged]]` rule per privileged object, matching its id
    ///   as an entitlement, group or role, with its tier; the built-in
    ///   privileged rules are turned off, since the generator's contract
    ///   is "listed here or marked `privileged`";
    /// - one `[[sod]]` per rule, one `[[exception]]` per exception (for the
    ///   person, every rule);
    /// - the thresholds; `now` is left unset (see [`Org::scan_policy`]).
    ///
    /// Ids are matched literally: glob characters in them are escaped.
    pub fn to_policy(&self) -> Policy {
        let roles = self
            .birthright
            .iter()
            .map(|(dept, title, ents)| Role {
                name: match title {
                    Some(t) => format!("{dept} / {t}"),
                    None => dept.clone(),
                },
                description: None,
                department: vec![literal(dept)],
                title: title.iter().map(|t| literal(t)).collect(),
                job_code: Vec::new(),
                employment_type: Vec::new(),
                grants: ents.iter().map(|e| literal(e)).collect(),
                groups: Vec::new(),
                line: 0,
            })
            .collect();

        let privileged = self
            .privileged
            .iter()
            .map(|(id, tier)| PrivilegedRule {
                name: Some(id.clone()),
                entitlements: vec![literal(id)],
                groups: vec![literal(id)],
                roles: vec![literal(id)],
                sids: Vec::new(),
                systems: Vec::new(),
                tier: *tier,
                reason: "privileged in the generated organisation".to_string(),
                line: 0,
            })
            .collect();

        let sod = self
            .sod
            .iter()
            .map(|(name, ents)| SodRule {
                name: name.clone(),
                description: None,
                entitlements: ents.iter().map(|e| literal(e)).collect(),
                min: None,
                severity: Severity::High,
                line: 0,
            })
            .collect();

        let exceptions = self
            .exceptions
            .iter()
            .map(|x| policy::Exception {
                subject: Subject::Person(x.person.clone()),
                entitlement: Some(literal(&x.entitlement)),
                rule: None,
                reason: x.reason.clone(),
                approved_by: x.approved_by.clone(),
                approved: None,
                until: Timestamp(x.until),
                ticket: None,
                line: 0,
            })
            .collect();

        let thresholds = Thresholds {
            stale_days: self.stale_days,
            stale_days_privileged: self.stale_days_privileged,
            leaver_grace_days: self.leaver_grace_days,
            mover_grace_days: self.mover_grace_days,
            max_admins: self.max_admins,
            ..Thresholds::default()
        };

        Policy {
            file: "generated".to_string(),
            thresholds,
            privileged_defaults: PrivilegedDefaults { enabled: false, exclude: Vec::new() },
            privileged,
            roles,
            sod,
            exceptions,
            rules: BTreeMap::new(),
            ..Policy::default()
        }
    }
}

impl Org {
    /// [`OrgPolicy::to_policy`] with `now` fixed to the organisation's, so
    /// that a scan of the organisation is reproducible, and each privileged
    /// rule naming its object only as the kind the graph holds it as (an
    /// entitlement, a group or a role): a policy written out from it then
    /// passes [`Policy::check_names`] without a warning per unused list.
    pub fn scan_policy(&self) -> Policy {
        let mut p = self.policy.to_policy();
        p.thresholds.now = Some(Timestamp(self.now));
        for rule in &mut p.privileged {
            let Some(node) = rule.name.as_deref().and_then(|id| self.graph.node(id)) else {
                continue;
            };
            let kind = node.kind.clone();
            if kind != NodeKind::Entitlement {
                rule.entitlements.clear();
            }
            if kind != NodeKind::Group {
                rule.groups.clear();
            }
            if kind != NodeKind::Role {
                rule.roles.clear();
            }
        }
        p
    }
}

/// A pattern that matches `text` and nothing else.
fn literal(text: &str) -> Pattern {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    Pattern::parse(&escaped).expect("an escaped non-empty id is a valid pattern")
}

#[cfg(test)]
mod tests {
    use super::super::{OrgConfig, generate};
    use super::*;

    #[test]
    fn literal_patterns_match_only_their_text() {
        let p = literal("iam:*[x]?");
        assert!(p.matches("IAM:*[x]?"));
        assert!(!p.matches("iam:GetUser"));
    }

    #[test]
    fn the_policy_reads_back_from_its_toml() {
        let org = generate(&OrgConfig::demo());
        let policy = org.scan_policy();
        assert_eq!(policy.roles.len(), org.policy.birthright.len());
        assert_eq!(policy.exceptions.len(), org.policy.exceptions.len());
        assert_eq!(policy.privileged_rules().count(), org.policy.privileged.len());

        let text = toml::to_string(&policy).unwrap();
        let mut back = Policy::from_toml_str(&text, "generated").unwrap();
        back.roles.iter_mut().for_each(|r| r.line = 0);
        back.privileged.iter_mut().for_each(|r| r.line = 0);
        back.sod.iter_mut().for_each(|r| r.line = 0);
        back.exceptions.iter_mut().for_each(|r| r.line = 0);
        assert_eq!(back, policy);
    }

    #[test]
    fn the_scan_policy_names_nothing_the_organisation_lacks() {
        let org = generate(&OrgConfig::demo());
        let policy = org.scan_policy();
        let known = policy::Known::from_graph(&org.graph);
        let warnings: Vec<String> = policy
            .check_names(&known)
            .iter()
            .filter(|w| w.path.starts_with("privileged"))
            .map(|w| w.to_string())
            .collect();
        assert!(warnings.is_empty(), "{warnings:#?}");
    }

    #[test]
    fn birthright_roles_apply_like_the_plain_policy() {
        let org = generate(&OrgConfig::demo());
        let policy = org.policy.to_policy();
        let (dept, title) = ("Finance", "Accountant");
        let facts = policy::PersonFacts {
            department: Some(dept),
            title: Some(title),
            ..policy::PersonFacts::default()
        };
        let mut ents: Vec<String> = policy
            .roles_for(&facts)
            .flat_map(|r| r.grants.iter().map(|g| g.as_str().to_string()))
            .collect();
        ents.sort();
        ents.dedup();
        let plain: Vec<String> =
            org.policy.birthright_of(dept, title).into_iter().map(String::from).collect();
        assert_eq!(ents, plain);
    }
}
