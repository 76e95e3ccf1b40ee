//! The names a snapshot holds, for checking a policy against them.

use aisf_core::finding::RuleId;
use aisf_core::policy::{Known, PersonFacts};
use aisf_core::{NodeKind, Value, props};

use crate::{NodeId, Snapshot};

impl Snapshot {
    /// The vocabulary of this snapshot (systems, departments, titles,
    /// entitlements, groups, roles...) for
    /// [`Policy::check_names`](aisf_core::policy::Policy::check_names),
    /// with every rule id the governance scan knows.
    ///
    /// ```
    /// use aisf_core::synth::{OrgConfig, generate};
    /// use aisf_graph::{BuildOptions, Snapshot, build_bytes};
    ///
    /// let org = generate(&OrgConfig::demo());
    /// let (bytes, _) = build_bytes(&org.graph, &BuildOptions::default()).unwrap();
    /// let known = Snapshot::from_bytes(&bytes).unwrap().known();
    /// assert!(known.systems.contains("aws"));
    /// assert!(known.departments.contains("Engineering"));
    /// ```
    pub fn known(&self) -> Known {
        let mut k = Known::default();
        k.systems.extend(self.systems().iter().cloned());
        let named = |v: u32| {
            let node = self.node(NodeId(v));
            (node.id().to_string(), node.name().map(str::to_string))
        };
        let text = |v: u32, key: &str| match self.node(NodeId(v)).prop(key) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        };
        for p in self.kind_range(&NodeKind::Person) {
            k.persons.insert(self.node(NodeId(p)).id().to_string());
            k.departments.extend(text(p, props::DEPARTMENT));
            k.titles.extend(text(p, props::TITLE));
            k.job_codes.extend(text(p, PersonFacts::JOB_CODE));
            k.employment_types.extend(text(p, props::EMPLOYMENT_TYPE));
        }
        for a in self.kind_range(&NodeKind::Account) {
            k.accounts.insert(self.node(NodeId(a)).id().to_string());
        }
        for r in self.kind_range(&NodeKind::Resource) {
            k.resources.insert(self.node(NodeId(r)).id().to_string());
        }
        k.entitlements.extend(self.kind_range(&NodeKind::Entitlement).map(named));
        k.groups.extend(self.kind_range(&NodeKind::Group).map(named));
        k.roles.extend(self.kind_range(&NodeKind::Role).map(named));
        for s in self.kind_range(&NodeKind::System) {
            let (id, name) = named(s);
            k.systems.insert(id);
            k.systems.extend(name);
        }
        k.rule_ids.extend(RuleId::ALL.iter().map(|r| r.as_str().to_string()));
        k
    }
}
