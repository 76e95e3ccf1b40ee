//! Reader: Google Workspace, from Admin SDK Directory API responses
//! (`users`, `groups`, `members`, `roles`, `roleAssignments`, `tokens`) and
//! Cloud Identity Groups API responses (`groups`, `memberships`).
//!
//! A file holds API objects in whatever envelope they were saved in: a
//! response page (`{"kind": "admin#directory#users", "users": [...]}`), a
//! bare list, or lists keyed by the name of the call or by the group or
//! user they belong to. Directory objects are told by their `kind`; Cloud
//! Identity objects by their resource `name` (`groups/...`).
//!
//! | Google | AISF |
//! |---|---|
//! | user | [`NodeKind::Account`] |
//! | group (Directory or Cloud Identity) | [`NodeKind::Group`] |
//! | member, membership | [`EdgeKind::MemberOf`], and [`EdgeKind::Owns`] for an owner |
//! | role | [`NodeKind::Role`] |
//! | role assignment | [`EdgeKind::HasRole`] |
//! | OAuth token (an app a user let in) | [`EdgeKind::Grant`] user → the app's access |
//!
//! Users map `primaryEmail` to [`props::USERNAME`] and [`props::EMAIL`],
//! `name.fullName` to the node name, `suspended` and `archived` to
//! [`props::ENABLED`] (false if either is true), `creationTime` and
//! `lastLoginTime` to [`props::CREATED`] and [`props::LAST_LOGIN`] (the
//! epoch, which means "never", is left out), `isEnrolledIn2Sv` to
//! [`props::MFA`], `isAdmin` (super admin) to [`props::PRIVILEGED`], the
//! primary organization's `title` and `department` to [`props::TITLE`] and
//! [`props::DEPARTMENT`], the `organization` external id to
//! [`props::EMPLOYEE_ID`] and the `manager` relation to `manager`. Other
//! plain members are kept under their own names.
//!
//! # Ids
//!
//! Every Google API names users and groups by email, and only some by
//! their numeric id, so a user's or group's node id is `google:` and its
//! primary email, lowercased: the users of one file meet the memberships
//! of another. A reference by id (a member list keyed by group id, a role
//! assignment's `assignedTo`) resolves through the users and groups of the
//! same file, else stays `google:<id>`. Roles are
//! `<system>:role/<roleId>`; the system is [`ReadOptions::system`] when
//! given, else `google`: the files of one customer must meet, and not
//! every response names its customer. Give each customer a system of its
//! own to read several into one graph.
//!
//! # Known shortcomings
//!
//! Keying users by primary email means a renamed user is a new node; the
//! numeric id is kept as `google_id`. Role assignments and tokens that name
//! a user by numeric id resolve only against users of the same file. Org
//! units are not read, so a role assignment scoped to one is kept with its
//! `org_unit` but grants as if it were customer-wide.
//!
//! # Bad input
//!
//! A member of the wrong type is a skip at its pointer, an error in strict
//! mode; a record without id or email, a second record with the same id, a
//! member whose group the file does not say and an object of a kind this
//! reader does not map are skips too. A page with `nextPageToken` is one
//! page of a longer answer: a warning says the export is incomplete.
//! Photos (`thumbnailPhotoUrl`), passwords and other secrets are dropped
//! and counted in a warning.
//!
//! ```
//! use aisf_core::ingest::{google, Mode, ReadOptions, Sink};
//!
//! let page = br#"{"kind": "admin#directory#users", "users": [{"kind": "admin#directory#user",
//!   "id": "1001", "primaryEmail": "Ana@example.com", "suspended": false}]}"#;
//! let mut sink = Sink::new(Mode::Strict);
//! google::read(page, "users.json", &ReadOptions::default(), &mut sink)?;
//! let (graph, _) = sink.finish();
//! assert_eq!(graph.node("google:ana@example.com").unwrap().prop("enabled"), Some(&true.into()));
//! # Ok::<(), aisf_core::ingest::IngestError>(())
//! ```

use std::collections::HashMap;

use serde_json::Value as Json;

use super::b_common::{Dropped, Edges, warn_unfinished};
use super::b_json::{self, Fields, Object, Seen, Walker, get, str_at, str_of};
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

/// Keys of response envelopes, skipped when looking for the key a list is
/// filed under.
const ENVELOPES: &[&str] = &["members", "memberships", "items", "tokens", "value", "data"];

/// Members mapped explicitly, not copied under their own names.
const MAPPED: &[&str] = &[
    "kind",
    "id",
    "etag",
    "primaryEmail",
    "email",
    "name",
    "suspended",
    "archived",
    "creationTime",
    "lastLoginTime",
    "isEnrolledIn2Sv",
    "isAdmin",
    "displayName",
    "createTime",
];

/// Reads one file of Google Directory or Cloud Identity objects.
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
    sink.begin(file, Format::Google);
    let doc = b_json::parse(bytes, file, &opts.limits)?;
    let refs = References::collect(&doc);
    let system = opts.system.clone().unwrap_or_else(|| "google".to_string());
    let mut reader = Reader {
        file,
        system,
        refs,
        edges: Edges::default(),
        dropped: Dropped::default(),
        defined: HashMap::new(),
        next_pages: 0,
    };
    let found = b_json::walk(&mut reader, file, &doc, "", &mut Vec::new(), sink)?;
    if found == 0 {
        sink.warn(format!("{file}: no Google user, group, member or role found"));
    }
    warn_unfinished(sink, file, reader.next_pages, "page", "nextPageToken");
    reader.dropped.report(sink);
    Ok(())
}

/// What the file says about ids, gathered before reading so that
/// references resolve whatever the order.
#[derive(Default)]
struct References {
    /// Directory id or Cloud Identity group name → lowercased email.
    emails: HashMap<String, String>,
}

impl References {
    fn collect(doc: &Json) -> References {
        let mut refs = References::default();
        b_json::each_object(doc, |obj| {
            let email = str_of(obj, "primaryEmail")
                .or_else(|| kind(obj).filter(|k| *k == "group").and(str_of(obj, "email")))
                .or_else(|| str_at(obj, &["groupKey", "id"]));
            let key = match str_of(obj, "name") {
                Some(name) if name.starts_with("groups/") && obj.contains_key("groupKey") => {
                    Some(name)
                }
                _ => str_of(obj, "id"),
            };
            if let (Some(key), Some(email)) = (key, email) {
                refs.emails.entry(key.to_string()).or_insert_with(|| email.to_lowercase());
            }
        });
        refs
    }

    /// The node id a reference names: an email as it is, an id or group
    /// name through the file's users and groups.
    fn node(&self, reference: &str) -> String {
        if reference.contains('@') {
            return format!("google:{}", reference.to_lowercase());
        }
        match self.emails.get(reference) {
            Some(email) => format!("google:{email}"),
            None => format!("google:{reference}"),
        }
    }

    /// Whether a key names a user or group: an email, or an id or group
    /// name the file defines.
    fn knows(&self, key: &str) -> bool {
        key.contains('@') || self.emails.contains_key(key)
    }
}

/// The Directory kind without its `admin#directory#` prefix.
fn kind(obj: &Object) -> Option<&str> {
    obj.get("kind").and_then(Json::as_str).and_then(|k| k.strip_prefix("admin#directory#"))
}

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    User,
    Group,
    Member,
    Membership,
    Role,
    RoleAssignment,
    Token,
}

fn kind_of(obj: &Object) -> Result<Option<Kind>, String> {
    if let Some(declared) = kind(obj) {
        return match declared {
            "user" => Ok(Some(Kind::User)),
            "group" => Ok(Some(Kind::Group)),
            "member" => Ok(Some(Kind::Member)),
            "role" => Ok(Some(Kind::Role)),
            "roleAssignment" => Ok(Some(Kind::RoleAssignment)),
            "token" => Ok(Some(Kind::Token)),
            // Plural kinds are response envelopes.
            plural if plural.ends_with('s') => Ok(None),
            other => Err(other.to_string()),
        };
    }
    let has = |key: &str| obj.contains_key(key);
    let name = str_of(obj, "name").unwrap_or_default();
    let kind = if has("primaryEmail") {
        Kind::User
    } else if name.starts_with("groups/") && name.contains("/memberships/") {
        Kind::Membership
    } else if name.starts_with("groups/") && has("groupKey") {
        Kind::Group
    } else if has("roleAssignmentId") {
        Kind::RoleAssignment
    } else if has("roleId") && has("roleName") {
        Kind::Role
    } else if has("clientId") && has("scopes") {
        Kind::Token
    } else if has("role") && has("type") && (has("email") || has("id")) {
        Kind::Member
    } else if has("email") && (has("directMembersCount") || has("adminCreated")) {
        Kind::Group
    } else {
        return Ok(None);
    };
    Ok(Some(kind))
}

struct Reader<'a> {
    file: &'a str,
    system: String,
    refs: References,
    edges: Edges,
    dropped: Dropped,
    /// Node id → the pointer of the record that defined it.
    defined: HashMap<String, String>,
    next_pages: usize,
}

impl Walker for Reader<'_> {
    fn enter(
        &mut self,
        _key: &str,
        _ptr: &str,
        _path: &[String],
        _sink: &mut Sink,
    ) -> Result<bool, IngestError> {
        Ok(true)
    }

    fn object(
        &mut self,
        obj: &Object,
        ptr: &str,
        path: &[String],
        sink: &mut Sink,
    ) -> Result<Seen, IngestError> {
        if str_of(obj, "nextPageToken").is_some() {
            self.next_pages += 1;
        }
        let kind = match kind_of(obj) {
            Ok(Some(kind)) => kind,
            Ok(None) => return Ok(Seen::Container),
            Err(other) => {
                sink.skip(self.place(ptr), format!("object of kind {other:?} is not read"))?;
                return Ok(Seen::Record);
            }
        };
        self.dropped.scan_object(obj);
        // The key a list is filed under, when it names a user or group.
        let owner = path
            .iter()
            .rev()
            .map(String::as_str)
            .find(|k| !ENVELOPES.contains(k))
            .filter(|k| self.refs.knows(k));
        match kind {
            Kind::User => self.user(obj, ptr, sink)?,
            Kind::Group => self.group(obj, ptr, sink)?,
            Kind::Member | Kind::Membership => self.member(kind, obj, ptr, owner, sink)?,
            Kind::Role => self.role(obj, ptr, sink)?,
            Kind::RoleAssignment => self.role_assignment(obj, ptr, sink)?,
            Kind::Token => self.token(obj, ptr, owner, sink)?,
        }
        Ok(Seen::Record)
    }
}

impl Reader<'_> {
    fn place(&self, ptr: &str) -> Place {
        if ptr.is_empty() { Place::file(self.file) } else { Place::pointer(self.file, ptr) }
    }

    /// Claims a node id for a record, unless an earlier record had it.
    fn claim(&mut self, id: &str, ptr: &str, sink: &mut Sink) -> Result<bool, IngestError> {
        if let Some(first) = self.defined.get(id) {
            let reason = format!("duplicate id {id:?}, first defined at {first}");
            sink.skip(self.place(ptr), reason)?;
            return Ok(false);
        }
        self.defined.insert(id.to_string(), ptr.to_string());
        Ok(true)
    }

    fn user(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let email = fields.str(sink, "primaryEmail")?;
        let Some(reference) = email.or(str_of(obj, "id")) else {
            return sink.skip(self.place(ptr), "user has no primaryEmail or id");
        };
        let id = self.refs.node(reference);
        if !self.claim(&id, ptr, sink)? {
            return Ok(());
        }

        let mut node = Node::new(&id, NodeKind::Account).with_system(&self.system);
        node.name = str_at(obj, &["name", "fullName"]).or(email).map(str::to_string);
        if let Some(email) = email {
            node.props.insert(props::USERNAME.into(), email.into());
            node.props.insert(props::EMAIL.into(), email.into());
        }
        if let Some(google_id) = str_of(obj, "id") {
            node.props.insert("google_id".into(), google_id.into());
        }
        let suspended = fields.bool(sink, "suspended")?;
        let archived = fields.bool(sink, "archived")?;
        if suspended.is_some() || archived.is_some() {
            let enabled = suspended != Some(true) && archived != Some(true);
            node.props.insert(props::ENABLED.into(), enabled.into());
        }
        if let Some(t) = fields.time(sink, "creationTime")? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        if let Some(t) = fields.time(sink, "lastLoginTime")?.filter(|t| *t > 0) {
            node.props.insert(props::LAST_LOGIN.into(), Value::Time(t));
        }
        if let Some(mfa) = fields.bool(sink, "isEnrolledIn2Sv")? {
            node.props.insert(props::MFA.into(), mfa.into());
        }
        if let Some(admin) = fields.bool(sink, "isAdmin")? {
            node.props.insert(props::PRIVILEGED.into(), admin.into());
        }
        self.work(&fields, &mut node, sink)?;
        b_json::keep_others(obj, MAPPED, &mut node);
        sink.node(node);
        Ok(())
    }

    /// Title, department, employee id and manager, from the user's
    /// `organizations`, `externalIds` and `relations`.
    fn work(&self, fields: &Fields, node: &mut Node, sink: &mut Sink) -> Result<(), IngestError> {
        let organizations: Vec<&Object> =
            fields.array(sink, "organizations")?.iter().filter_map(Json::as_object).collect();
        let primary = organizations
            .iter()
            .find(|o| get(o, "primary").and_then(Json::as_bool) == Some(true))
            .or(organizations.first());
        if let Some(org) = primary {
            for (key, prop) in [("title", props::TITLE), ("department", props::DEPARTMENT)] {
                if let Some(value) = str_of(org, key) {
                    node.props.insert(prop.into(), value.into());
                }
            }
        }
        let typed = |list: &[Json], wanted: &str| -> Option<String> {
            list.iter()
                .filter_map(Json::as_object)
                .find(|e| str_of(e, "type") == Some(wanted))
                .and_then(|e| str_of(e, "value"))
                .map(str::to_string)
        };
        if let Some(number) = typed(fields.array(sink, "externalIds")?, "organization") {
            node.props.insert(props::EMPLOYEE_ID.into(), number.into());
        }
        if let Some(manager) = typed(fields.array(sink, "relations")?, "manager") {
            node.props.insert("manager".into(), self.refs.node(&manager).into());
        }
        Ok(())
    }

    fn group(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let cloud_identity = str_of(obj, "name").filter(|n| n.starts_with("groups/"));
        let email = match cloud_identity {
            Some(_) => str_at(obj, &["groupKey", "id"]),
            None => fields.str(sink, "email")?,
        };
        let Some(reference) = email.or(str_of(obj, "id")).or(cloud_identity) else {
            return sink.skip(self.place(ptr), "group has no email or id");
        };
        let id = self.refs.node(reference);
        if !self.claim(&id, ptr, sink)? {
            return Ok(());
        }

        let mut node = Node::new(&id, NodeKind::Group).with_system(&self.system);
        node.name = match cloud_identity {
            Some(_) => fields.str(sink, "displayName")?,
            None => fields.str(sink, "name")?,
        }
        .or(email)
        .map(str::to_string);
        if let Some(email) = email {
            node.props.insert(props::EMAIL.into(), email.into());
        }
        if let Some(name) = cloud_identity {
            node.props.insert("cloud_identity_name".into(), name.into());
        }
        if let Some(google_id) = str_of(obj, "id") {
            node.props.insert("google_id".into(), google_id.into());
        }
        if let Some(t) = fields.time(sink, "createTime")? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        b_json::keep_others(obj, MAPPED, &mut node);
        sink.node(node);
        Ok(())
    }

    /// A Directory member (of the group its list is filed under) or a
    /// Cloud Identity membership (of the group its name says).
    fn member(
        &mut self,
        kind: Kind,
        obj: &Object,
        ptr: &str,
        owner: Option<&str>,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let (member, group, roles) = if kind == Kind::Membership {
            let name = str_of(obj, "name").unwrap_or_default();
            let group = name.split("/memberships/").next();
            let member = str_at(obj, &["preferredMemberKey", "id"]);
            let roles: Vec<&str> = fields
                .array(sink, "roles")?
                .iter()
                .filter_map(|r| r.as_object().and_then(|r| str_of(r, "name")))
                .collect();
            (member, group, roles)
        } else {
            // A member named by id resolves through the file's users.
            let id = str_of(obj, "id").filter(|id| self.refs.knows(id));
            let member = id.or(fields.str(sink, "email")?).or(str_of(obj, "id"));
            (member, owner, fields.str(sink, "role")?.into_iter().collect())
        };
        let Some(member) = member else {
            return sink.skip(self.place(ptr), "member has no id or email");
        };
        let Some(group) = group else {
            return sink.skip(self.place(ptr), "member of a group the file does not name");
        };

        let (member, group) = (self.refs.node(member), self.refs.node(group));
        let mut edge = Edge::new(EdgeKind::MemberOf, &member, &group);
        let owner_role = roles.iter().any(|r| r.eq_ignore_ascii_case("OWNER"));
        if let Some(role) = roles.iter().find(|r| r.eq_ignore_ascii_case("OWNER")).or(roles.first())
        {
            edge.props.insert("role".into(), role.to_ascii_lowercase().into());
        }
        if let Some(kind) = fields.str(sink, "type")? {
            edge.props.insert("member_type".into(), kind.to_ascii_lowercase().into());
        }
        self.edges.add(sink, edge);
        if owner_role {
            self.edges.add(sink, Edge::new(EdgeKind::Owns, member, group));
        }
        Ok(())
    }

    fn role(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let Some(role_id) = role_id(obj) else {
            return sink.skip(self.place(ptr), "role has no roleId");
        };
        let id = format!("{}:role/{role_id}", self.system);
        if !self.claim(&id, ptr, sink)? {
            return Ok(());
        }
        let mut node = Node::new(&id, NodeKind::Role).with_system(&self.system);
        node.name = fields.str(sink, "roleName")?.map(str::to_string);
        let super_admin = fields.bool(sink, "isSuperAdminRole")?;
        node.props.insert(props::PRIVILEGED.into(), (super_admin == Some(true)).into());
        if let Some(description) = fields.str(sink, "roleDescription")? {
            node.props.insert("description".into(), description.into());
        }
        let privileges: Vec<String> = fields
            .array(sink, "rolePrivileges")?
            .iter()
            .filter_map(Json::as_object)
            .filter_map(|p| {
                Some(format!("{}/{}", str_of(p, "serviceId")?, str_of(p, "privilegeName")?))
            })
            .collect();
        if !privileges.is_empty() {
            node.props.insert("privileges".into(), Value::StrList(privileges));
        }
        sink.node(node);
        Ok(())
    }

    fn role_assignment(
        &mut self,
        obj: &Object,
        ptr: &str,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let (Some(role), Some(assignee)) = (role_id(obj), fields.str(sink, "assignedTo")?) else {
            return sink.skip(self.place(ptr), "role assignment has no roleId or assignedTo");
        };
        let role = format!("{}:role/{role}", self.system);
        let mut edge = Edge::new(EdgeKind::HasRole, self.refs.node(assignee), role);
        if let Some(scope) = fields.str(sink, "scopeType")? {
            edge.props.insert("scope_type".into(), scope.to_ascii_lowercase().into());
        }
        if let Some(unit) = fields.str(sink, "orgUnitId")? {
            edge.props.insert("org_unit".into(), unit.into());
        }
        self.edges.add(sink, edge);
        Ok(())
    }

    /// An OAuth token: the user let the app in, with these scopes.
    fn token(
        &mut self,
        obj: &Object,
        ptr: &str,
        owner: Option<&str>,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let Some(client) = fields.str(sink, "clientId")? else {
            return sink.skip(self.place(ptr), "token has no clientId");
        };
        let Some(user) = fields.str(sink, "userKey")?.or(owner) else {
            return sink.skip(self.place(ptr), "token of a user the file does not name");
        };
        let app = format!("google:app/{client}");
        let name = fields.str(sink, "displayText")?.unwrap_or(client);
        sink.node(Node::new(&app, NodeKind::Resource).with_system(&self.system).with_name(name));
        let access = format!("{app}/access");
        let entitlement = Node::new(&access, NodeKind::Entitlement)
            .with_system(&self.system)
            .with_name(format!("{name}: access"))
            .with_prop(props::PERMISSION, "access")
            .with_prop(props::RESOURCE, app.as_str());
        sink.node(entitlement);
        self.edges.add(sink, Edge::new(EdgeKind::OnResource, &access, &app));

        let mut grant = Edge::new(EdgeKind::Grant, self.refs.node(user), &access);
        let scopes: Vec<String> = fields
            .array(sink, "scopes")?
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect();
        if !scopes.is_empty() {
            grant.props.insert("scopes".into(), Value::StrList(scopes));
        }
        self.edges.add(sink, grant);
        Ok(())
    }
}

/// A role id, which the API gives as a string of digits or a number.
fn role_id(obj: &Object) -> Option<String> {
    match get(obj, "roleId")? {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
#[path = "google_tests.rs"]
mod tests;
