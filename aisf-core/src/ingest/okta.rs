//! Reader: Okta, from management API responses (`/api/v1/users`,
//! `/groups`, `/apps`, `/apps/{id}/users`, `/apps/{id}/groups`,
//! `/users/{id}/roles`, `/groups/{id}/roles`, `/iam/roles`).
//!
//! A file holds API objects in whatever envelope they were saved in: a bare
//! list as the API returns it, or lists keyed by the name of the call, as
//! test fixtures and the API's own examples keep them. Okta objects carry
//! no type member; each is told by its shape:
//!
//! | shape | AISF |
//! |---|---|
//! | `scope` or `syncState`: an app user | [`EdgeKind::Grant`] user → the app's access |
//! | `priority`: an app group assignment | [`EdgeKind::Grant`] group → the app's access |
//! | `signOnMode`: an app | [`NodeKind::Resource`], with an access [`NodeKind::Entitlement`] |
//! | `assignmentType` and `type`: a role assignment | [`EdgeKind::HasRole`] assignee → role |
//! | `label` and no `type`: a custom role | [`NodeKind::Role`] |
//! | `profile.login` or `profile.email`: a user | [`NodeKind::Account`] |
//! | `profile.name`, or a group `type`: a group | [`NodeKind::Group`] |
//!
//! Users map `profile.login` to [`props::USERNAME`], `profile.email` to
//! [`props::EMAIL`], `lastLogin`, `created` and `passwordChanged` to
//! [`props::LAST_LOGIN`], [`props::CREATED`] and `password_changed`,
//! `profile.employeeNumber`, `department`, `title` and `userType` to
//! [`props::EMPLOYEE_ID`], [`props::DEPARTMENT`], [`props::TITLE`] and
//! [`props::EMPLOYMENT_TYPE`], and `status` to `status` (lowercased) and
//! [`props::ENABLED`]: true for `ACTIVE`, `PASSWORD_EXPIRED`, `RECOVERY` and
//! `LOCKED_OUT`, false for `STAGED`, `PROVISIONED`, `SUSPENDED` and
//! `DEPROVISIONED`. Other plain profile members are kept under their own
//! names. Standard admin roles are [`props::PRIVILEGED`] except the read
//! only and report roles.
//!
//! # Ids
//!
//! Okta ids are unique across orgs, so a user, group or app has node id
//! `okta:<id>` whatever the system: the users of one file meet the
//! assignments of another. Role types (`ORG_ADMIN`) are the same in every
//! org, so a role's node id is `<system>:role/<type or custom role id>`.
//! The system is [`ReadOptions::system`] when given, else `okta`: the files
//! of one org must meet, and not every response names its org. Give each
//! org a system of its own to read several into one graph.
//!
//! # What is not read
//!
//! A group's member list (`/groups/{id}/users`) and a user's group list
//! (`/users/{id}/groups`) do not say which group or user they belong to:
//! their objects are read, and the membership is only made where the file
//! says whose list it is, under a key that is the group's or user's id.
//! Role targets, resource set bindings and OAuth client grants are skipped
//! with their place, and so is an app group assignment that names no app.
//!
//! # Bad input
//!
//! A member of the wrong type is a skip at its pointer, an error in strict
//! mode; a record without `id`, a second record with the same id and an
//! object of no known shape are skips too. A page whose `_links` has a
//! `next` link is one page of a longer answer: a warning says the export is
//! incomplete. Passwords, recovery answers, client secrets and other
//! secrets are dropped and counted in a warning.
//!
//! ```
//! use aisf_core::ingest::{okta, Mode, ReadOptions, Sink};
//!
//! let users = br#"[{"id": "00u1f96ECLNVOKVMUSEA", "status": "ACTIVE",
//!   "profile": {"login": "ana@example.com", "email": "ana@example.com"}}]"#;
//! let mut sink = Sink::new(Mode::Strict);
//! okta::read(users, "users.json", &ReadOptions::default(), &mut sink)?;
//! let (graph, _) = sink.finish();
//! let ana = graph.node("okta:00u1f96ECLNVOKVMUSEA").unwrap();
//! assert_eq!(ana.prop("enabled"), Some(&true.into()));
//! # Ok::<(), aisf_core::ingest::IngestError>(())
//! ```

use std::collections::HashMap;

use serde_json::Value as Json;

use super::b_common::{Dropped, Edges, last_segment, warn_unfinished};
use super::b_json::{self, Fields, Object, Seen, Walker, get, obj_of, str_at, str_of};
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

/// Statuses of a user who can sign in.
const ENABLED_STATUSES: &[&str] = &["ACTIVE", "PASSWORD_EXPIRED", "RECOVERY", "LOCKED_OUT"];

/// Standard admin roles that do not confer control.
const READ_ONLY_ROLES: &[&str] = &["READ_ONLY_ADMIN", "REPORT_ADMIN"];

/// Profile members mapped explicitly, not copied under their own names.
const MAPPED: &[&str] =
    &["login", "email", "displayName", "name", "employeeNumber", "department", "title", "userType"];

/// Reads one file of Okta API objects.
///
/// # Errors
///
/// [`IngestError::Malformed`] for input that is not JSON (naming the line),
/// and in strict mode for any record or member that cannot be used;
/// [`IngestError::Limit`] for input over the size or nesting limits.
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::Okta);
    let doc = b_json::parse(bytes, file, &opts.limits)?;
    let system = opts.system.clone().unwrap_or_else(|| "okta".to_string());
    let mut reader = Reader {
        file,
        system,
        edges: Edges::default(),
        dropped: Dropped::default(),
        defined: HashMap::new(),
        next_links: 0,
    };
    let found = b_json::walk(&mut reader, file, &doc, "", &mut Vec::new(), sink)?;
    if found == 0 {
        sink.warn(format!("{file}: no Okta user, group, app or role found"));
    }
    warn_unfinished(sink, file, reader.next_links, "page", "a next link");
    reader.dropped.report(sink);
    Ok(())
}

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    User,
    Group,
    App,
    AppUser,
    AppGroup,
    RoleAssignment,
    Role,
    /// Known but not read, with the reason.
    NotRead(&'static str),
}

fn kind_of(obj: &Object) -> Option<Kind> {
    let has = |key: &str| obj.contains_key(key);
    let profile = obj_of(obj, "profile");
    let in_profile = |key: &str| profile.is_some_and(|p| p.contains_key(key));
    let link = |name: &str| str_at(obj, &["_links", name, "href"]).unwrap_or_default();
    let id = str_of(obj, "id");
    // Groups carry `profile.name`, except in one example that gives a
    // `displayName` and an id with the group prefix.
    let group_like = in_profile("name")
        || obj.get("objectClass").is_some()
        || is_group_type(obj)
        || in_profile("displayName") && id.is_some_and(|id| id.starts_with("00g"));

    let kind = if has("scope") || has("syncState") {
        Kind::AppUser
    } else if has("priority") {
        Kind::AppGroup
    } else if has("signOnMode") {
        Kind::App
    } else if has("assignmentType") && has("id") || has("label") && has("type") && !has("name") {
        Kind::RoleAssignment
    } else if has("label") && has("id") && !has("name") {
        Kind::Role
    } else if has("orn") && !has("id") {
        Kind::NotRead("a role target is not read")
    } else if has("client_id") {
        Kind::NotRead("an OAuth client grant is not read")
    } else if in_profile("login") || in_profile("email") {
        Kind::User
    } else if group_like {
        Kind::Group
    } else if link("self").contains("/bindings/") || link("self").contains("/resource-sets/") {
        Kind::NotRead("a resource set binding is not read")
    } else if has("id") && link("self").contains("/users/") {
        Kind::User
    } else if has("id") && link("self").contains("/groups/") && has("profile") {
        Kind::Group
    } else {
        return None;
    };
    Some(kind)
}

fn is_group_type(obj: &Object) -> bool {
    let kind = str_of(obj, "type");
    matches!(kind, Some("OKTA_GROUP" | "APP_GROUP" | "BUILT_IN"))
}

/// Whether a key is shaped like an Okta user or group id, for lists keyed
/// by whose they are.
fn is_okta_id(key: &str) -> bool {
    key.len() == 20
        && (key.starts_with("00u") || key.starts_with("00g"))
        && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

struct Reader<'a> {
    file: &'a str,
    system: String,
    edges: Edges,
    dropped: Dropped,
    /// Node id → the pointer of the record that defined it.
    defined: HashMap<String, String>,
    next_links: usize,
}

impl Walker for Reader<'_> {
    fn enter(
        &mut self,
        key: &str,
        _ptr: &str,
        _path: &[String],
        _sink: &mut Sink,
    ) -> Result<bool, IngestError> {
        // Links and embedded objects belong to the record around them.
        Ok(key != "_links" && key != "_embedded")
    }

    fn object(
        &mut self,
        obj: &Object,
        ptr: &str,
        path: &[String],
        sink: &mut Sink,
    ) -> Result<Seen, IngestError> {
        if str_at(obj, &["_links", "next", "href"]).is_some() {
            self.next_links += 1;
        }
        let Some(kind) = kind_of(obj) else {
            // An object with an id is a record of no known shape.
            if obj.contains_key("id") {
                sink.skip(self.place(ptr), "object of no known Okta shape")?;
                return Ok(Seen::Record);
            }
            return Ok(Seen::Container);
        };
        self.dropped.scan_object(obj);
        let owner = path.iter().rev().find(|k| is_okta_id(k)).map(String::as_str);
        match kind {
            Kind::NotRead(reason) => sink.skip(self.place(ptr), reason)?,
            Kind::User | Kind::Group => self.principal(kind, obj, ptr, owner, sink)?,
            Kind::App => self.app(obj, ptr, sink)?,
            Kind::AppUser | Kind::AppGroup => self.app_assignment(kind, obj, ptr, owner, sink)?,
            Kind::RoleAssignment => self.role_assignment(obj, ptr, owner, sink)?,
            Kind::Role => self.role(obj, ptr, sink)?,
        }
        Ok(Seen::Record)
    }
}

impl Reader<'_> {
    fn place(&self, ptr: &str) -> Place {
        if ptr.is_empty() { Place::file(self.file) } else { Place::pointer(self.file, ptr) }
    }

    /// The record's id, unless it has none or an earlier record had it.
    fn id<'o>(
        &mut self,
        obj: &'o Object,
        ptr: &str,
        duplicates_allowed: bool,
        sink: &mut Sink,
    ) -> Result<Option<&'o str>, IngestError> {
        let Some(id) = str_of(obj, "id") else {
            sink.skip(self.place(ptr), "record has no id")?;
            return Ok(None);
        };
        if !duplicates_allowed {
            let node = format!("okta:{id}");
            if let Some(first) = self.defined.get(&node) {
                let reason = format!("duplicate id {id:?}, first defined at {first}");
                sink.skip(self.place(ptr), reason)?;
                return Ok(None);
            }
            self.defined.insert(node, ptr.to_string());
        }
        Ok(Some(id))
    }

    /// A user or group, and its membership when the list it sits in is
    /// keyed by a group or user id.
    fn principal(
        &mut self,
        kind: Kind,
        obj: &Object,
        ptr: &str,
        owner: Option<&str>,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let Some(id) = self.id(obj, ptr, owner.is_some(), sink)? else { return Ok(()) };
        let node = match kind {
            Kind::User => self.user(obj, ptr, id, sink)?,
            _ => self.group(obj, ptr, id, sink)?,
        };
        let node_id = node.id.clone();
        sink.node(node);

        // A user in a group's list, or a group in a user's list.
        let Some(owner) = owner else { return Ok(()) };
        let edge = match (kind, owner.starts_with("00g")) {
            (Kind::User, true) => Edge::new(EdgeKind::MemberOf, &node_id, format!("okta:{owner}")),
            (Kind::Group, false) => {
                Edge::new(EdgeKind::MemberOf, format!("okta:{owner}"), &node_id)
            }
            _ => return Ok(()),
        };
        self.edges.add(sink, edge);
        Ok(())
    }

    fn user(
        &mut self,
        obj: &Object,
        ptr: &str,
        id: &str,
        sink: &mut Sink,
    ) -> Result<Node, IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let mut node = Node::new(format!("okta:{id}"), NodeKind::Account).with_system(&self.system);
        if let Some(status) = fields.str(sink, "status")? {
            let enabled = ENABLED_STATUSES.contains(&status);
            node.props.insert(props::ENABLED.into(), enabled.into());
            node.props.insert(props::STATUS.into(), status.to_ascii_lowercase().into());
        }
        for (key, prop) in [
            ("lastLogin", props::LAST_LOGIN),
            ("created", props::CREATED),
            ("passwordChanged", "password_changed"),
            ("statusChanged", "status_changed"),
        ] {
            if let Some(t) = fields.time(sink, key)? {
                node.props.insert(prop.into(), Value::Time(t));
            }
        }
        if let Some(external) = fields.str(sink, "externalId")? {
            node.props.insert("external_id".into(), external.into());
        }

        let Some(profile) = obj_of(obj, "profile") else { return Ok(node) };
        let ptr = b_json::child(ptr, "profile");
        let profile_fields = Fields { file: self.file, obj: profile, ptr: &ptr };
        for (key, prop) in [
            ("login", props::USERNAME),
            ("email", props::EMAIL),
            ("employeeNumber", props::EMPLOYEE_ID),
            ("department", props::DEPARTMENT),
            ("title", props::TITLE),
        ] {
            if let Some(value) = profile_fields.str(sink, key)? {
                node.props.insert(prop.into(), value.into());
            }
        }
        if let Some(kind) = profile_fields.str(sink, "userType")? {
            node.props.insert(props::EMPLOYMENT_TYPE.into(), kind.to_lowercase().into());
        }
        let first_last = match (str_of(profile, "firstName"), str_of(profile, "lastName")) {
            (Some(first), Some(last)) => Some(format!("{first} {last}")),
            _ => None,
        };
        node.name = str_of(profile, "displayName")
            .map(str::to_string)
            .or(first_last)
            .or_else(|| str_of(profile, "login").map(str::to_string));
        b_json::keep_others(profile, MAPPED, &mut node);
        Ok(node)
    }

    fn group(
        &mut self,
        obj: &Object,
        ptr: &str,
        id: &str,
        sink: &mut Sink,
    ) -> Result<Node, IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let mut node = Node::new(format!("okta:{id}"), NodeKind::Group).with_system(&self.system);
        if let Some(t) = fields.time(sink, "created")? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        if let Some(kind) = fields.str(sink, "type")? {
            node.props.insert("group_type".into(), kind.into());
        }
        if let Some(external) = fields.str(sink, "externalId")? {
            node.props.insert("external_id".into(), external.into());
        }
        if let Some(profile) = obj_of(obj, "profile") {
            node.name =
                str_of(profile, "name").or(str_of(profile, "displayName")).map(str::to_string);
            b_json::keep_others(profile, MAPPED, &mut node);
        }
        Ok(node)
    }

    fn app(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let Some(id) = self.id(obj, ptr, false, sink)? else { return Ok(()) };
        let fields = Fields { file: self.file, obj, ptr };
        let label = fields.str(sink, "label")?.or(str_of(obj, "name")).unwrap_or(id);
        let mut node = Node::new(format!("okta:{id}"), NodeKind::Resource)
            .with_system(&self.system)
            .with_name(label);
        if let Some(t) = fields.time(sink, "created")? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        for (key, prop) in [("name", "app_name"), ("signOnMode", "sign_on_mode")] {
            if let Some(value) = fields.str(sink, key)? {
                node.props.insert(prop.into(), value.into());
            }
        }
        if let Some(status) = fields.str(sink, "status")? {
            node.props.insert(props::STATUS.into(), status.to_ascii_lowercase().into());
        }
        sink.node(node);
        self.access(id, Some(label), sink);
        Ok(())
    }

    /// The entitlement "access to the app", on the app; returns its id.
    fn access(&mut self, app: &str, label: Option<&str>, sink: &mut Sink) -> String {
        let id = format!("okta:{app}/access");
        let mut node = Node::new(&id, NodeKind::Entitlement)
            .with_system(&self.system)
            .with_prop(props::PERMISSION, "access")
            .with_prop(props::RESOURCE, format!("okta:{app}"));
        node.name = label.map(|l| format!("{l}: access"));
        sink.node(node);
        self.edges.add(sink, Edge::new(EdgeKind::OnResource, &id, format!("okta:{app}")));
        id
    }

    /// An app user or app group assignment: the user or group is granted
    /// access to the app its `_links.app` (or the list's key) names.
    fn app_assignment(
        &mut self,
        kind: Kind,
        obj: &Object,
        ptr: &str,
        owner: Option<&str>,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let Some(id) = self.id(obj, ptr, true, sink)? else { return Ok(()) };
        let app = str_at(obj, &["_links", "app", "href"]).and_then(last_segment).or(owner);
        let Some(app) = app else {
            let what = if kind == Kind::AppUser { "app user" } else { "app group assignment" };
            return sink.skip(self.place(ptr), format!("{what} names no app"));
        };
        let fields = Fields { file: self.file, obj, ptr };
        let entitlement = self.access(app, None, sink);
        let mut grant = Edge::new(EdgeKind::Grant, format!("okta:{id}"), entitlement);
        for (key, prop) in [("scope", "scope"), ("status", "status"), ("syncState", "sync_state")] {
            if let Some(value) = fields.str(sink, key)? {
                grant.props.insert(prop.into(), value.to_ascii_lowercase().into());
            }
        }
        if let Some(user_name) = str_at(obj, &["credentials", "userName"]) {
            grant.props.insert("app_username".into(), user_name.into());
        }
        if let Some(priority) = get(obj, "priority").and_then(Json::as_i64) {
            grant.props.insert("priority".into(), Value::Int(priority));
        }
        self.edges.add(sink, grant);

        // The app user list can embed the Okta user itself.
        if let Some(user) = b_json::obj_of(obj, "_embedded").and_then(|e| obj_of(e, "user")) {
            let at = b_json::child(&b_json::child(ptr, "_embedded"), "user");
            if let Some(user_id) = str_of(user, "id") {
                let node = self.user(user, &at, user_id, sink)?;
                sink.node(node);
            }
        }
        Ok(())
    }

    /// A role assignment: the assignee its `_links.assignee` (or the list's
    /// key) names holds the standard or custom role.
    fn role_assignment(
        &mut self,
        obj: &Object,
        ptr: &str,
        owner: Option<&str>,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let kind = fields.str(sink, "type")?;
        let role_key = match kind {
            Some("CUSTOM") => fields.str(sink, "role")?,
            other => other,
        };
        let Some(role_key) = role_key else {
            return sink.skip(self.place(ptr), "role assignment has no type or role");
        };
        let assignee =
            str_at(obj, &["_links", "assignee", "href"]).and_then(last_segment).or(owner);
        let Some(assignee) = assignee else {
            return sink.skip(self.place(ptr), "role assignment names no assignee");
        };

        let role_id = format!("{}:role/{role_key}", self.system);
        let mut role = Node::new(&role_id, NodeKind::Role).with_system(&self.system);
        let label = fields.str(sink, "label")?;
        // A custom role's name is its definition's label: the examples give
        // assignments a label of their own.
        if kind != Some("CUSTOM") {
            role.name = label.map(str::to_string);
            let privileged = !READ_ONLY_ROLES.contains(&role_key);
            role.props.insert(props::PRIVILEGED.into(), privileged.into());
        }
        sink.node(role);

        let mut edge = Edge::new(EdgeKind::HasRole, format!("okta:{assignee}"), &role_id);
        if let Some(how) = fields.str(sink, "assignmentType")? {
            edge.props.insert("assignment_type".into(), how.to_ascii_lowercase().into());
        }
        if let Some(status) = fields.str(sink, "status")? {
            edge.props.insert("status".into(), status.to_ascii_lowercase().into());
        }
        if let Some(set) = fields.str(sink, "resource-set")? {
            edge.props.insert("resource_set".into(), set.into());
        }
        self.edges.add(sink, edge);
        Ok(())
    }

    /// A custom role definition (`/iam/roles`).
    fn role(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let Some(id) = self.id(obj, ptr, false, sink)? else { return Ok(()) };
        let fields = Fields { file: self.file, obj, ptr };
        let mut role = Node::new(format!("{}:role/{id}", self.system), NodeKind::Role)
            .with_system(&self.system);
        role.name = fields.str(sink, "label")?.map(str::to_string);
        if let Some(description) = fields.str(sink, "description")? {
            role.props.insert("description".into(), description.into());
        }
        if let Some(t) = fields.time(sink, "created")? {
            role.props.insert(props::CREATED.into(), Value::Time(t));
        }
        sink.node(role);
        Ok(())
    }
}

#[cfg(test)]
#[path = "okta_tests.rs"]
mod tests;
