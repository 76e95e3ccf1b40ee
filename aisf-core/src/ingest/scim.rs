//! Reader: SCIM 2.0 resources and list responses (RFC 7643, RFC 7644).
//!
//! A file holds one `User` or `Group` resource, or a `ListResponse` page
//! of them (`Resources`, `totalResults`, `startIndex`, `itemsPerPage`).
//! Other SCIM messages (errors, patch, bulk and search requests) and the
//! discovery resources (`Schema`, `ResourceType`, `ServiceProviderConfig`)
//! hold no identities and are skipped with their place.
//!
//! # Ids
//!
//! The system is [`ReadOptions::system`] when given, else `scim:<host>`
//! with the host the file's `meta.location` and `$ref` URLs name most,
//! else `scim:<file>`. Resource ids are unique within a service provider,
//! so node ids are `<system>:<id>`, for users and groups alike.
//!
//! # Mapping
//!
//! | SCIM | AISF |
//! |---|---|
//! | User | [`NodeKind::Account`] (the person is the HR record; correlation links them) |
//! | Group | [`NodeKind::Group`] |
//! | `userName` | [`props::USERNAME`] |
//! | `displayName`, else `name.formatted`, else `userName` | the node name |
//! | `emails` (the primary first) | [`props::EMAIL`], and all of them as `emails` |
//! | `active` | [`props::ENABLED`] |
//! | `title`, `userType` (lowercased) | [`props::TITLE`], [`props::EMPLOYMENT_TYPE`] |
//! | `externalId` | `external_id` |
//! | `meta.created`, `meta.lastModified` | [`props::CREATED`], `last_modified` |
//! | enterprise `employeeNumber`, `department` | [`props::EMPLOYEE_ID`], [`props::DEPARTMENT`] |
//! | enterprise `manager.value` | `manager`, the manager's node id |
//! | enterprise `costCenter`, `organization`, `division` | `cost_center`, `organization`, `division` |
//! | group `members[].value`, user `groups[].value` | [`EdgeKind::MemberOf`] member → group, once each |
//! | other top-level strings, numbers, booleans and string lists | kept under their own names |
//!
//! `password` and `photos` are dropped and counted in a warning. A member
//! of the wrong type (`"active": "True"`) is a skip at its pointer, the
//! rest of the resource is kept; in strict mode it is an error. A page
//! that holds fewer resources than it claims is a warning, not an error.
//!
//! ```
//! use aisf_core::ingest::{scim, Mode, ReadOptions, Sink};
//!
//! let page = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
//!   "totalResults": 1,
//!   "Resources": [{"id": "u1", "userName": "bjensen", "active": true}]}"#;
//! let mut sink = Sink::new(Mode::Lenient);
//! let opts = ReadOptions { system: Some("acme".into()), ..ReadOptions::default() };
//! scim::read(page, "users.json", &opts, &mut sink)?;
//! let (graph, _) = sink.finish();
//! assert_eq!(graph.node("acme:u1").unwrap().prop("enabled"), Some(&true.into()));
//! # Ok::<(), aisf_core::ingest::IngestError>(())
//! ```

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::b_common::{Dropped, Edges, is_secret, url_host};
use super::b_json::{self, Fields, Object, child, describe, index, str_of};
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

/// The schema of the enterprise user extension.
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const CORE_PREFIX: &str = "urn:ietf:params:scim:schemas:core:2.0:";
const MESSAGE_PREFIX: &str = "urn:ietf:params:scim:api:messages:2.0:";

/// Members mapped explicitly, not copied under their own names.
const MAPPED: &[&str] = &[
    "schemas",
    "id",
    "externalId",
    "userName",
    "displayName",
    "name",
    "emails",
    "active",
    "title",
    "userType",
    "meta",
    "groups",
    "members",
];

/// Reads one SCIM resource or list response.
///
/// # Errors
///
/// [`IngestError::Malformed`] for input that is not JSON (naming the line),
/// and in strict mode for any resource or member that cannot be used;
/// [`IngestError::Limit`] for input over the size or nesting limits.
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::Scim);
    let doc = b_json::parse(bytes, file, &opts.limits)?;
    let system = opts.system.clone().unwrap_or_else(|| default_system(&doc, file));
    let mut reader = Reader { file, system, edges: Edges::default(), dropped: Dropped::default() };

    match &doc {
        Json::Object(obj) => reader.document(obj, sink)?,
        Json::Array(items) => reader.resources(items, "", sink)?,
        other => sink.skip(
            Place::file(file),
            format!("expected a SCIM resource or list response, found {}", describe(other)),
        )?,
    }
    reader.dropped.report(sink);
    Ok(())
}

/// `scim:` and the host most URLs in the document name, else the file.
fn default_system(doc: &Json, file: &str) -> String {
    let mut hosts: BTreeMap<&str, usize> = BTreeMap::new();
    b_json::each_object(doc, |obj| {
        let urls = [obj.get("location"), obj.get("$ref")];
        for host in urls.into_iter().flatten().filter_map(Json::as_str).filter_map(url_host) {
            *hosts.entry(host).or_default() += 1;
        }
    });
    let best = hosts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    format!("scim:{}", best.map_or(file, |(host, _)| host))
}

struct Reader<'a> {
    file: &'a str,
    system: String,
    edges: Edges,
    dropped: Dropped,
}

impl Reader<'_> {
    fn id(&self, local: &str) -> String {
        format!("{}:{local}", self.system)
    }

    fn place(&self, ptr: &str) -> Place {
        if ptr.is_empty() { Place::file(self.file) } else { Place::pointer(self.file, ptr) }
    }

    fn document(&mut self, obj: &Object, sink: &mut Sink) -> Result<(), IngestError> {
        let message = schemas(obj).find_map(|s| s.strip_prefix(MESSAGE_PREFIX));
        match message {
            Some("ListResponse") => self.list_response(obj, sink),
            None if obj.contains_key("Resources") => self.list_response(obj, sink),
            Some(other) => {
                let reason = format!("a SCIM {other} message holds no resources");
                sink.skip(Place::file(self.file), reason)
            }
            None => {
                sink.record();
                self.resource(obj, "", sink)
            }
        }
    }

    fn list_response(&mut self, obj: &Object, sink: &mut Sink) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr: "" };
        let resources = fields.array(sink, "Resources")?;
        self.resources(resources, "/Resources", sink)?;

        // The page's own counts: a page of a longer result is an
        // incomplete export, worth a warning but not a failure.
        let held = resources.len() as u64;
        let total = self.count(obj, "totalResults", sink)?;
        let start = self.count(obj, "startIndex", sink)?.unwrap_or(1).max(1);
        let per_page = self.count(obj, "itemsPerPage", sink)?;
        let reached = start - 1 + held;
        let incomplete = total.is_some_and(|total| total > reached);
        if let Some(total) = total {
            if incomplete {
                sink.warn(format!(
                    "{}: list response holds {held} of {total} results from startIndex {start}: \
                     the export is incomplete",
                    self.file
                ));
            } else if total < held {
                sink.warn(format!(
                    "{}: list response claims totalResults {total} but holds {held} resources",
                    self.file
                ));
            }
        }
        if let Some(per_page) = per_page.filter(|n| *n > held && !incomplete) {
            sink.warn(format!(
                "{}: list response claims itemsPerPage {per_page} but holds {held} resources",
                self.file
            ));
        }
        Ok(())
    }

    fn count(&self, obj: &Object, key: &str, sink: &mut Sink) -> Result<Option<u64>, IngestError> {
        match obj.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            Some(other) => {
                let reason = format!("expected a count, found {}", describe(other));
                sink.skip(self.place(&child("", key)), reason).map(|()| None)
            }
        }
    }

    fn resources(&mut self, items: &[Json], ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        for (i, item) in items.iter().enumerate() {
            let at = index(ptr, i);
            sink.record();
            match item {
                Json::Object(obj) => self.resource(obj, &at, sink)?,
                other => {
                    let reason = format!("expected a resource object, found {}", describe(other));
                    sink.skip(self.place(&at), reason)?;
                }
            }
        }
        Ok(())
    }

    fn resource(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let kind = resource_type(obj);
        if kind != Some("User") && kind != Some("Group") {
            let reason = match kind {
                Some(other) => format!("unknown resource type {other:?}"),
                None => "unknown resource type: no meta.resourceType, schemas or userName".into(),
            };
            return sink.skip(self.place(ptr), reason);
        }
        let Some(id) = str_of(obj, "id") else {
            return sink.skip(self.place(ptr), "resource has no id");
        };
        self.dropped.scan(&Json::Object(obj.clone()));

        let node_id = self.id(id);
        let fields = Fields { file: self.file, obj, ptr };
        let mut node = match kind {
            Some("User") => self.user(&fields, &node_id, sink)?,
            _ => Node::new(&node_id, NodeKind::Group),
        };
        node.system = Some(self.system.clone());
        if node.name.is_none() {
            node.name = str_of(obj, "displayName").map(str::to_string);
        }
        if let Some(external) = fields.str(sink, "externalId")? {
            node.props.insert("external_id".into(), external.into());
        }
        self.meta(obj, ptr, &mut node, sink)?;
        keep_others(obj, &mut node);
        sink.node(node);

        // Memberships from both ends, each edge once.
        for (key, member_is_holder) in [("members", true), ("groups", false)] {
            let items = fields.array(sink, key)?;
            for (i, item) in items.iter().enumerate() {
                let at = index(&child(ptr, key), i);
                let Some(other) = item.as_object().and_then(|o| str_of(o, "value")) else {
                    sink.skip(self.place(&at), format!("{key} entry has no value"))?;
                    continue;
                };
                let other = self.id(other);
                let (src, dst) = if member_is_holder {
                    (other, node_id.clone())
                } else {
                    (node_id.clone(), other)
                };
                self.edges.add(sink, Edge::new(EdgeKind::MemberOf, src, dst));
            }
        }
        Ok(())
    }

    fn user(
        &mut self,
        fields: &Fields,
        node_id: &str,
        sink: &mut Sink,
    ) -> Result<Node, IngestError> {
        let obj = fields.obj;
        let mut node = Node::new(node_id, NodeKind::Account);
        let user_name = fields.str(sink, "userName")?;
        let formatted = b_json::str_at(obj, &["name", "formatted"]);
        node.name = str_of(obj, "displayName").or(formatted).or(user_name).map(str::to_string);
        if let Some(user_name) = user_name {
            node.props.insert(props::USERNAME.into(), user_name.into());
        }
        if let Some(active) = fields.bool(sink, "active")? {
            node.props.insert(props::ENABLED.into(), active.into());
        }
        if let Some(title) = fields.str(sink, "title")? {
            node.props.insert(props::TITLE.into(), title.into());
        }
        if let Some(user_type) = fields.str(sink, "userType")? {
            node.props.insert(props::EMPLOYMENT_TYPE.into(), user_type.to_lowercase().into());
        }

        // The primary address first, then the others in order.
        let emails = fields.array(sink, "emails")?;
        let mut addresses: Vec<(bool, String)> = emails
            .iter()
            .filter_map(Json::as_object)
            .filter_map(|e| {
                let primary = e.get("primary").and_then(Json::as_bool).unwrap_or(false);
                str_of(e, "value").map(|v| (!primary, v.to_string()))
            })
            .collect();
        addresses.sort_by_key(|(not_primary, _)| *not_primary);
        if let Some((_, first)) = addresses.first() {
            node.props.insert(props::EMAIL.into(), first.clone().into());
            let all = addresses.into_iter().map(|(_, a)| a).collect();
            node.props.insert("emails".into(), Value::StrList(all));
        }

        if let Some(ext) = b_json::obj_of(obj, ENTERPRISE_USER) {
            let ptr = child(fields.ptr, ENTERPRISE_USER);
            let ext_fields = Fields { file: self.file, obj: ext, ptr: &ptr };
            for (key, prop) in [
                ("employeeNumber", props::EMPLOYEE_ID),
                ("department", props::DEPARTMENT),
                ("costCenter", "cost_center"),
                ("organization", "organization"),
                ("division", "division"),
            ] {
                if let Some(value) = ext_fields.str(sink, key)? {
                    node.props.insert(prop.into(), value.into());
                }
            }
            if let Some(manager) = b_json::str_at(ext, &["manager", "value"]) {
                node.props.insert("manager".into(), self.id(manager).into());
            }
        }
        Ok(node)
    }

    fn meta(
        &self,
        obj: &Object,
        ptr: &str,
        node: &mut Node,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let Some(meta) = b_json::obj_of(obj, "meta") else { return Ok(()) };
        let ptr = child(ptr, "meta");
        let fields = Fields { file: self.file, obj: meta, ptr: &ptr };
        if let Some(t) = fields.time(sink, "created")? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        if let Some(t) = fields.time(sink, "lastModified")? {
            node.props.insert("last_modified".into(), Value::Time(t));
        }
        Ok(())
    }
}

/// The `schemas` a resource or message declares.
fn schemas(obj: &Object) -> impl Iterator<Item = &str> {
    obj.get("schemas").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str)
}

/// `User`, `Group` or another type name, from `meta.resourceType`, else
/// the core schema, else the attributes RFC 7643 requires of each type
/// (`userName` for users, `displayName` or `members` for groups).
fn resource_type(obj: &Object) -> Option<&str> {
    if let Some(kind) = b_json::str_at(obj, &["meta", "resourceType"]) {
        return Some(kind);
    }
    if let Some(kind) = schemas(obj).find_map(|s| s.strip_prefix(CORE_PREFIX)) {
        return Some(kind);
    }
    if let Some(message) = schemas(obj).find_map(|s| s.strip_prefix(MESSAGE_PREFIX)) {
        return Some(message);
    }
    if obj.contains_key("userName") {
        Some("User")
    } else if obj.contains_key("members") || obj.contains_key("displayName") {
        Some("Group")
    } else {
        None
    }
}

/// Copies the members not mapped elsewhere that hold a plain value.
fn keep_others(obj: &Object, node: &mut Node) {
    for (key, value) in obj {
        if MAPPED.contains(&key.as_str()) || key.contains(':') || is_secret(key) {
            continue;
        }
        if let Some(value) = b_json::scalar(value) {
            node.props.entry(key.clone()).or_insert(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Graph;
    use crate::ingest::{IngestReport, Mode};

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/scim-rfc-examples/");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{DIR}{name}")).unwrap()
    }

    fn read_with(
        mode: Mode,
        system: Option<&str>,
        files: &[(&str, &[u8])],
    ) -> (Graph, IngestReport) {
        let mut sink = Sink::new(mode);
        let opts = ReadOptions { system: system.map(str::to_string), ..ReadOptions::default() };
        for (name, bytes) in files {
            read(bytes, name, &opts, &mut sink).unwrap();
        }
        sink.finish()
    }

    fn edges_of(graph: &Graph, kind: EdgeKind) -> Vec<(String, String)> {
        let mut out: Vec<_> = graph
            .edges()
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| (e.src.clone(), e.dst.clone()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_enterprise_user_maps_onto_the_shared_properties() {
        let bytes = fixture("rfc7643-8.3-enterprise_user.json");
        let (graph, report) = read_with(Mode::Strict, None, &[("user.json", &bytes)]);
        assert_eq!(graph.node_count(), 1);
        let user = graph.node("scim:example.com:2819c223-7f76-453a-919d-413861904646").unwrap();
        assert_eq!(user.kind, NodeKind::Account);
        assert_eq!(user.system.as_deref(), Some("scim:example.com"));
        assert_eq!(user.name.as_deref(), Some("Babs Jensen"));
        let p = |k: &str| user.prop(k).cloned();
        assert_eq!(p(props::USERNAME), Some("bjensen@example.com".into()));
        assert_eq!(p(props::EMAIL), Some("bjensen@example.com".into()));
        assert_eq!(p(props::ENABLED), Some(true.into()));
        assert_eq!(p(props::TITLE), Some("Tour Guide".into()));
        assert_eq!(p(props::EMPLOYMENT_TYPE), Some("employee".into()));
        assert_eq!(p(props::EMPLOYEE_ID), Some("701984".into()));
        assert_eq!(p(props::DEPARTMENT), Some("Tour Operations".into()));
        assert_eq!(p("external_id"), Some("701984".into()));
        assert_eq!(p("cost_center"), Some("4130".into()));
        assert_eq!(
            p("manager"),
            Some("scim:example.com:26118915-6090-4610-87e4-49d8ca9f808d".into())
        );
        assert_eq!(p(props::CREATED), Some(Value::Time(1_264_222_582)));
        assert_eq!(p("locale"), Some("en-US".into()));

        // Three groups by reference, none defined in the file.
        assert_eq!(edges_of(&graph, EdgeKind::MemberOf).len(), 3);
        assert_eq!(report.unresolved.len(), 3);
        let source = &report.sources[0];
        assert_eq!((source.records, source.nodes, source.edges), (1, 1, 3));
        assert_eq!(
            source.warnings,
            vec![
                "dropped 1 value of secret attribute password",
                "dropped 1 value of secret attribute photos",
            ]
        );

        // Neither the password nor the photo URLs reach the graph.
        let json = serde_json::to_string(&graph).unwrap();
        assert!(!json.contains("t1meMa$heen"));
        assert!(!json.contains("photos.example.com"));
    }

    #[test]
    fn a_group_and_a_user_from_both_ends_give_each_membership_once() {
        let group = fixture("rfc7643-8.4-group.json");
        let user = fixture("rfc7643-8.3-enterprise_user.json");
        let (graph, report) =
            read_with(Mode::Strict, None, &[("group.json", &group), ("user.json", &user)]);
        assert_eq!(
            graph
                .node("scim:example.com:e9e30dba-f08f-4109-8486-d5c6a331660a")
                .unwrap()
                .name
                .as_deref(),
            Some("Tour Guides")
        );
        // 2 members + 3 groups of the user, one of them the same membership
        // seen from the user's side; it is kept once per source.
        assert_eq!(report.sources[0].edges, 2);
        assert_eq!(report.sources[1].edges, 3);
        let tour_guides = edges_of(&graph, EdgeKind::MemberOf)
            .into_iter()
            .filter(|(_, g)| g.ends_with("e9e30dba-f08f-4109-8486-d5c6a331660a"))
            .count();
        assert_eq!(tour_guides, 3);
    }

    #[test]
    fn a_list_of_groups_that_contain_each_other() {
        let bytes = fixture("rfc7644-3.7.1-list_response-circular_reference.json");
        let (graph, report) = read_with(Mode::Strict, Some("acme"), &[("list.json", &bytes)]);
        assert_eq!(graph.node_count(), 2);
        assert!(graph.nodes().iter().all(|n| n.kind == NodeKind::Group));
        assert_eq!(
            edges_of(&graph, EdgeKind::MemberOf),
            vec![
                (
                    "acme:6c5bb468-14b2-4183-baf2-06d523e03bd3".into(),
                    "acme:c3a26dd3-27a0-4dec-a2ac-ce211e105f97".into()
                ),
                (
                    "acme:c3a26dd3-27a0-4dec-a2ac-ce211e105f97".into(),
                    "acme:6c5bb468-14b2-4183-baf2-06d523e03bd3".into()
                ),
            ]
        );
        assert_eq!(report.sources[0].records, 2);
        assert!(report.sources[0].warnings.is_empty());
        assert!(report.unresolved.is_empty());
    }

    #[test]
    fn a_page_of_a_longer_result_is_a_warning() {
        let bytes = fixture("rfc7644-3.4.3-list_response-post_query.json");
        let (graph, report) = read_with(Mode::Strict, Some("acme"), &[("page.json", &bytes)]);
        assert_eq!(graph.node("acme:2819c223-7f76-413861904646").unwrap().kind, NodeKind::Account);
        assert_eq!(graph.node("acme:c8596b90-7539-4f20968d1908").unwrap().kind, NodeKind::Group);
        assert_eq!(
            report.sources[0].warnings,
            vec![
                "page.json: list response holds 2 of 100 results from startIndex 1: the export is incomplete"
            ]
        );
    }

    #[test]
    fn every_rfc_example_reads_leniently_with_the_expected_totals() {
        let mut names: Vec<_> = std::fs::read_dir(DIR)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        assert_eq!(names.len(), 49);
        let files: Vec<(String, Vec<u8>)> = names.iter().map(|n| (n.clone(), fixture(n))).collect();
        let refs: Vec<(&str, &[u8])> =
            files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let (graph, report) = read_with(Mode::Lenient, Some("rfc"), &refs);

        let count = |kind: NodeKind| graph.nodes().iter().filter(|n| n.kind == kind).count();
        assert_eq!(count(NodeKind::Account), 3);
        assert_eq!(count(NodeKind::Group), 4);
        // Each file gives its memberships once; files repeat each other's.
        let mut memberships = edges_of(&graph, EdgeKind::MemberOf);
        assert_eq!(memberships.len(), 10);
        memberships.dedup();
        assert_eq!(memberships.len(), 6);
        let skipped: usize = report.sources.iter().map(|s| s.skipped.len()).sum();
        let records: u64 = report.sources.iter().map(|s| s.records).sum();
        assert_eq!((skipped, records), (37, 29));
        let reasons: Vec<&str> =
            report.sources.iter().flat_map(|s| &s.skipped).map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons.iter().filter(|r| r.contains("PatchOp message")).count(), 10);
        assert_eq!(reasons.iter().filter(|r| **r == "resource has no id").count(), 2);
        assert_eq!(reasons.iter().filter(|r| r.contains("\"Schema\"")).count(), 6);
    }

    #[test]
    fn broken_json_names_the_place() {
        let mut sink = Sink::new(Mode::Lenient);
        let err = read(
            b"{\"Resources\": [\n{\"id\": 1,}]}",
            "users.json",
            &ReadOptions::default(),
            &mut sink,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "users.json:2: invalid JSON at column 10: trailing comma");
    }

    const TRUE_AS_TEXT: &[u8] =
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 3,
        "Resources": [
          {"id": "a", "userName": "a", "active": true},
          {"id": "b", "userName": "b", "active": false},
          {"id": "c", "userName": "c", "active": "True"}]}"#;

    #[test]
    fn active_as_text_is_an_error_in_strict_mode() {
        let mut sink = Sink::new(Mode::Strict);
        let err = read(TRUE_AS_TEXT, "users.json", &ReadOptions::default(), &mut sink).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"users.json#/Resources/2/active: expected a boolean, found string "True""#
        );
    }

    #[test]
    fn active_as_text_is_a_skip_in_lenient_mode() {
        let (graph, report) = read_with(Mode::Lenient, Some("x"), &[("users.json", TRUE_AS_TEXT)]);
        assert_eq!(graph.node_count(), 3);
        let c = graph.node("x:c").unwrap();
        assert_eq!(c.prop(props::ENABLED), None);
        assert_eq!(c.prop(props::USERNAME), Some(&"c".into()));
        let skip = &report.sources[0].skipped;
        assert_eq!(skip.len(), 1);
        assert_eq!(skip[0].place, Place::pointer("users.json", "/Resources/2/active"));
    }

    #[test]
    fn an_object_where_the_resources_list_belongs() {
        let bytes = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 1, "Resources": {"id": "a", "userName": "a"}}"#;
        let (graph, report) = read_with(Mode::Lenient, Some("x"), &[("l.json", bytes)]);
        assert_eq!(graph.node_count(), 0);
        let skip = &report.sources[0].skipped;
        assert_eq!(skip[0].reason, "expected an array, found an object");
        assert_eq!(skip[0].place, Place::pointer("l.json", "/Resources"));
        // Claiming one result and holding none is also said.
        assert_eq!(report.sources[0].warnings.len(), 1);

        let mut sink = Sink::new(Mode::Strict);
        let err = read(bytes, "l.json", &ReadOptions::default(), &mut sink).unwrap_err();
        assert_eq!(err.to_string(), "l.json#/Resources: expected an array, found an object");
    }

    #[test]
    fn a_truncated_page_claims_more_than_it_holds() {
        let bytes = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 5, "itemsPerPage": 5, "startIndex": 1,
            "Resources": [{"id": "a", "userName": "a"}, {"id": "b", "userName": "b"}]}"#;
        let (graph, report) = read_with(Mode::Strict, Some("x"), &[("p.json", bytes)]);
        assert_eq!(graph.node_count(), 2);
        assert_eq!(
            report.sources[0].warnings,
            vec![
                "p.json: list response holds 2 of 5 results from startIndex 1: the export is incomplete"
            ]
        );

        // The last page of the same result is complete.
        let last = br#"{"totalResults": 5, "startIndex": 4, "itemsPerPage": 2,
            "Resources": [{"id": "d", "userName": "d"}, {"id": "e", "userName": "e"}]}"#;
        let (_, report) = read_with(Mode::Strict, Some("x"), &[("p2.json", last)]);
        assert!(report.sources[0].warnings.is_empty());
    }

    #[test]
    fn unknown_resource_types_are_skipped_with_their_pointer() {
        let bytes = br#"{"Resources": [
            {"id": "d1", "meta": {"resourceType": "Device"}},
            {"id": "x"},
            {"id": "u", "userName": "u"}]}"#;
        let (graph, report) = read_with(Mode::Lenient, Some("x"), &[("m.json", bytes)]);
        assert_eq!(graph.node_count(), 1);
        let skipped = &report.sources[0].skipped;
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].place, Place::pointer("m.json", "/Resources/0"));
        assert_eq!(skipped[0].reason, "unknown resource type \"Device\"");
        assert_eq!(skipped[1].place, Place::pointer("m.json", "/Resources/1"));
    }

    #[test]
    fn duplicate_ids_merge_and_report_their_conflicts() {
        let bytes = br#"{"Resources": [
            {"id": "a", "userName": "alice", "title": "Engineer"},
            {"id": "a", "userName": "alice", "title": "Manager", "active": true}]}"#;
        let (graph, report) = read_with(Mode::Strict, Some("x"), &[("d.json", bytes)]);
        assert_eq!(graph.node_count(), 1);
        let a = graph.node("x:a").unwrap();
        assert_eq!(a.prop(props::TITLE), Some(&"Engineer".into()));
        assert_eq!(a.prop(props::ENABLED), Some(&true.into()));
        assert_eq!(report.conflicts.len(), 1);
        assert_eq!(report.conflicts[0].key, props::TITLE);
        assert_eq!(report.conflicts[0].other.0, "Manager");
    }

    #[test]
    fn the_system_falls_back_to_the_file_without_urls() {
        let bytes = fixture("rfc7644-3.4.2-list_response-partial_attributes.json");
        let (graph, _) = read_with(Mode::Strict, None, &[("partial.json", &bytes)]);
        assert!(graph.contains("scim:partial.json:c75ad752-64ae-4823-840d-ffa80929976c"));
    }
}
