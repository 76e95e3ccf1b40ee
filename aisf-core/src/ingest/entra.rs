//! Reader: Microsoft Entra ID, from Microsoft Graph responses.
//!
//! A file holds Graph objects in whatever envelope they were saved in: a
//! response page (`{"@odata.context": ..., "value": [...]}`), a bare list,
//! or lists keyed by the name of the call, as test fixtures and collection
//! scripts keep them. Records are told apart by `@odata.type` (or the
//! `@sdkType` the Graph SDKs' objects carry), else by the members each
//! type requires. PowerShell exports spell members in PascalCase; they are
//! matched without regard to case.
//!
//! | Graph | AISF |
//! |---|---|
//! | `user` | [`NodeKind::Account`] |
//! | `group` | [`NodeKind::Group`] |
//! | `servicePrincipal` | [`NodeKind::Account`], [`props::ACCOUNT_TYPE`] `service` |
//! | `servicePrincipal` `appRoles` | [`NodeKind::Entitlement`], on the principal |
//! | `application` | [`NodeKind::Resource`] |
//! | `directoryRole`, `unifiedRoleDefinition` | [`NodeKind::Role`] |
//! | `unifiedRoleAssignment`, PIM schedules | [`EdgeKind::HasRole`] principal → role |
//! | `appRoleAssignment` | [`EdgeKind::Grant`] principal → app role |
//! | expanded `members`, `memberOf` | [`EdgeKind::MemberOf`] ([`EdgeKind::HasRole`] to a role) |
//! | group `owners` (expanded) | [`EdgeKind::Owns`] owner → group |
//! | `organization` | [`NodeKind::System`] |
//!
//! Users map `userPrincipalName` to [`props::USERNAME`], `mail` to
//! [`props::EMAIL`], `accountEnabled` to [`props::ENABLED`],
//! `createdDateTime` to [`props::CREATED`], `signInActivity`'s last
//! (successful) sign-in to [`props::LAST_LOGIN`], `employeeId`,
//! `department`, `jobTitle` and `employeeType` to [`props::EMPLOYEE_ID`],
//! [`props::DEPARTMENT`], [`props::TITLE`] and [`props::EMPLOYMENT_TYPE`],
//! `manager.id` to `manager` (the manager's node id) and
//! `onPremisesSecurityIdentifier` to `on_premises_sid`, the key that meets
//! Active Directory. Other plain members are kept under their own names.
//!
//! ScubaGear's `ProviderSettingsExport.json` is read too: its
//! `privileged_users` and `privileged_service_principals` (keyed by object
//! id, holding role names) and its `privileged_roles` with their
//! `Assignments`. Its other sections hold policies, not identities, and are
//! named in a warning as not read.
//!
//! # Ids
//!
//! Object ids are GUIDs unique across tenants, so a directory object's
//! node id is `entra:<id>` whatever the system: the users of one file meet
//! the memberships of another. Role template ids are the same in every
//! tenant, so a role's node id is `<system>:role/<template id>`. The
//! system is [`ReadOptions::system`] when given, else `entra`: most Graph
//! responses do not name their tenant, and the files of one tenant must
//! meet. Give each tenant a system of its own to read several into one
//! graph. When a file names its tenant (an `organization` record,
//! ScubaGear's `tenant_id`), its nodes carry it as `tenant_id`.
//!
//! # Known shortcomings
//!
//! Conditional access, authentication methods and license assignments are
//! not read, and an expanded `principal` of a role assignment is not made a
//! node (the assignment's `principalId` names it). Group-based app role
//! assignments grant the group; access flows to its members through
//! membership edges only where the members were read too.
//!
//! # Bad input
//!
//! A member of the wrong type (`"accountEnabled": "True"`) is a skip at its
//! JSON pointer, an error in strict mode, and the rest of the record is
//! kept. A list element that is no record, an object of a type this reader
//! does not map (a device, a contact), a record without `id` and a second
//! record with the same id are skips too. A page with `@odata.nextLink` is
//! one page of a longer answer: a warning says the export is incomplete.
//! `passwordProfile`, `passwordCredentials`, `keyCredentials` and other
//! secrets are dropped and counted in a warning.
//!
//! A members list can only be tied to its group where the file says which
//! group it is: an expanded `members` member of the group, or a list under
//! a key that is the group's id below a key naming members (`"members":
//! {"<group id>": [...]}`). A bare `/groups/{id}/members` page does not
//! name its group; its objects are read, without memberships.
//!
//! ```
//! use aisf_core::ingest::{entra, Mode, ReadOptions, Sink};
//!
//! let page = br#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
//!   "value": [{"id": "4562bcc8-cf3f-4f5a-9bd0-5b5c3b8e4b1d", "displayName": "Adele Vance",
//!     "userPrincipalName": "AdeleV@contoso.com", "accountEnabled": true}]}"#;
//! let mut sink = Sink::new(Mode::Strict);
//! entra::read(page, "users.json", &ReadOptions::default(), &mut sink)?;
//! let (graph, _) = sink.finish();
//! let adele = graph.node("entra:4562bcc8-cf3f-4f5a-9bd0-5b5c3b8e4b1d").unwrap();
//! assert_eq!(adele.prop("username"), Some(&"AdeleV@contoso.com".into()));
//! # Ok::<(), aisf_core::ingest::IngestError>(())
//! ```

use std::collections::{BTreeSet, HashMap};

use serde_json::Value as Json;

use super::b_common::{Dropped, Edges, warn_unfinished};
use super::b_json::{self, Fields, Object, Seen, Walker, child, describe, get, index, str_of};
use super::b_time;
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

/// ScubaGear sections that hold policies and settings, not identities.
const NOT_IDENTITIES: &[&str] = &[
    "tenant_details",
    "conditional_access_policies",
    "cap_table_data",
    "authorization_policies",
    "authentication_method",
    "directory_settings",
    "risky_applications",
    "risky_third_party_service_principals",
    "risky_delegated_permission_classifications",
    "license_information",
];

/// Members mapped explicitly, not copied under their own names.
const MAPPED: &[&str] = &[
    "id",
    "displayName",
    "userPrincipalName",
    "mail",
    "accountEnabled",
    "createdDateTime",
    "employeeId",
    "department",
    "jobTitle",
    "employeeType",
    "onPremisesSecurityIdentifier",
    "roles",
    "roleTemplateId",
    "templateId",
    "isPrivileged",
];

/// Reads one file of Microsoft Graph objects.
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
    sink.begin(file, Format::Entra);
    let doc = b_json::parse(bytes, file, &opts.limits)?;
    let mut reader = Reader {
        file,
        system: opts.system.clone().unwrap_or_else(|| "entra".to_string()),
        tenant: tenant(&doc),
        edges: Edges::default(),
        dropped: Dropped::default(),
        defined: HashMap::new(),
        role_names: HashMap::new(),
        by_name: Vec::new(),
        not_read: BTreeSet::new(),
        next_links: 0,
    };

    let found = b_json::walk(&mut reader, file, &doc, "", &mut Vec::new(), sink)?;
    if found == 0 {
        sink.warn(format!("{file}: no Microsoft Graph user, group, role or assignment found"));
    }
    reader.finish(sink);
    Ok(())
}

/// The tenant id the file names: ScubaGear's `tenant_id`, else the id of
/// an `organization` record.
fn tenant(doc: &Json) -> Option<String> {
    if let Some(id) = doc.as_object().and_then(|o| str_of(o, "tenant_id").or(str_of(o, "tenantId")))
    {
        return Some(id.to_string());
    }
    let mut found = None;
    b_json::each_object(doc, |obj| {
        if found.is_none() && graph_type(obj).as_deref() == Some("organization") {
            found = str_of(obj, "id").map(str::to_string);
        }
    });
    found
}

/// The Graph type an object declares, lowercased, without the
/// `#microsoft.graph.` prefix.
fn graph_type(obj: &Object) -> Option<String> {
    let declared = obj.get("@odata.type").and_then(Json::as_str);
    let declared = declared.or_else(|| obj.get("@sdkType").and_then(Json::as_str))?;
    let bare = declared.trim_start_matches('#').trim_start_matches("microsoft.graph.");
    Some(bare.to_ascii_lowercase())
}

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    User,
    Group,
    ServicePrincipal,
    Application,
    Role,
    RoleAssignment,
    AppRoleAssignment,
    Organization,
}

fn kind_of(obj: &Object, path: &[String]) -> Result<Option<Kind>, String> {
    if let Some(declared) = graph_type(obj) {
        return match declared.as_str() {
            "user" => Ok(Some(Kind::User)),
            "group" => Ok(Some(Kind::Group)),
            "serviceprincipal" => Ok(Some(Kind::ServicePrincipal)),
            "application" => Ok(Some(Kind::Application)),
            "directoryrole" | "unifiedroledefinition" => Ok(Some(Kind::Role)),
            "unifiedroleassignment"
            | "unifiedroleassignmentschedule"
            | "unifiedroleassignmentscheduleinstance"
            | "unifiedroleeligibilityschedule"
            | "unifiedroleeligibilityscheduleinstance" => Ok(Some(Kind::RoleAssignment)),
            "approleassignment" => Ok(Some(Kind::AppRoleAssignment)),
            "organization" => Ok(Some(Kind::Organization)),
            _ => Err(declared),
        };
    }

    // ScubaGear keys its privileged principals by object id.
    let parent = path.len().checked_sub(2).and_then(|at| path.get(at)).map(String::as_str);
    match parent {
        Some("privileged_users") => return Ok(Some(Kind::User)),
        Some("privileged_service_principals") => return Ok(Some(Kind::ServicePrincipal)),
        _ => {}
    }
    let has = |key: &str| get(obj, key).is_some();
    let kind = if has("userPrincipalName") {
        Kind::User
    } else if has("appRoleId") && has("principalId") {
        Kind::AppRoleAssignment
    } else if has("roleDefinitionId") && has("principalId") {
        Kind::RoleAssignment
    } else if has("roleTemplateId") || (has("templateId") && has("isBuiltIn")) {
        Kind::Role
    } else if has("servicePrincipalType") || has("servicePrincipalNames") {
        Kind::ServicePrincipal
    } else if has("securityEnabled") || has("mailEnabled") || has("groupTypes") {
        Kind::Group
    } else {
        return Ok(None);
    };
    Ok(Some(kind))
}

/// How the list a record sits in relates it to an object named by the
/// list's key (`{"<group id>": [members]}` below a key naming members or
/// owners).
fn context(path: &[String]) -> Option<(EdgeKind, &str)> {
    let mut keys = path.iter().rev().map(String::as_str).skip_while(|k| *k == "value");
    let id = keys.next().filter(|k| is_object_id(k))?;
    let above = keys.next()?.to_ascii_lowercase();
    if above.contains("member") {
        Some((EdgeKind::MemberOf, id))
    } else if above.contains("owner") {
        Some((EdgeKind::Owns, id))
    } else {
        None
    }
}

/// Whether a key is shaped like a directory object id (a GUID).
fn is_object_id(key: &str) -> bool {
    key.len() == 36
        && key.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() }
        })
}

struct Reader<'a> {
    file: &'a str,
    system: String,
    /// The tenant the file names, if it does.
    tenant: Option<String>,
    edges: Edges,
    dropped: Dropped,
    /// Node id → the pointer of the record that defined it.
    defined: HashMap<String, String>,
    /// Role display name → role node id.
    role_names: HashMap<String, String>,
    /// (principal node id, role name) from ScubaGear's privileged lists,
    /// resolved once every role was read.
    by_name: Vec<(String, String)>,
    /// Sections not read, for the warning.
    not_read: BTreeSet<String>,
    next_links: usize,
}

impl Walker for Reader<'_> {
    fn enter(
        &mut self,
        key: &str,
        ptr: &str,
        path: &[String],
        _sink: &mut Sink,
    ) -> Result<bool, IngestError> {
        // Cartography's fixtures keep each list twice, once reshaped for
        // its own graph (`..._DICT`): that copy is not a Graph response.
        let derived = key.to_ascii_uppercase().ends_with("_DICT");
        let settings = path.is_empty() && NOT_IDENTITIES.contains(&key);
        if derived || settings {
            self.not_read.insert(ptr.to_string());
            return Ok(false);
        }
        Ok(true)
    }

    fn object(
        &mut self,
        obj: &Object,
        ptr: &str,
        path: &[String],
        sink: &mut Sink,
    ) -> Result<Seen, IngestError> {
        if obj.contains_key("@odata.nextLink") {
            self.next_links += 1;
        }
        let kind = match kind_of(obj, path) {
            Ok(Some(kind)) => kind,
            Ok(None) => return Ok(Seen::Container),
            Err(declared) => {
                let reason = format!("object of type {declared:?} is not read");
                sink.skip(self.place(ptr), reason)?;
                return Ok(Seen::Record);
            }
        };
        self.dropped.scan_object(obj);
        match kind {
            Kind::RoleAssignment => self.role_assignment(obj, ptr, None, sink)?,
            Kind::AppRoleAssignment => self.app_role_assignment(obj, ptr, sink)?,
            _ => self.directory_object(kind, obj, ptr, path, sink)?,
        }
        Ok(Seen::Record)
    }
}

impl Reader<'_> {
    fn place(&self, ptr: &str) -> Place {
        if ptr.is_empty() { Place::file(self.file) } else { Place::pointer(self.file, ptr) }
    }

    fn role_id(&self, template: &str) -> String {
        format!("{}:role/{template}", self.system)
    }

    /// A timestamp member, ISO 8601 or the `/Date(ms)/` of PowerShell.
    fn time(
        &self,
        fields: &Fields,
        key: &str,
        sink: &mut Sink,
    ) -> Result<Option<i64>, IngestError> {
        match get(fields.obj, key).and_then(Json::as_str).and_then(b_time::dotnet_date) {
            Some(t) => Ok(Some(t)),
            None => fields.time(sink, key),
        }
    }

    fn directory_object(
        &mut self,
        kind: Kind,
        obj: &Object,
        ptr: &str,
        path: &[String],
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        // ScubaGear's privileged principals carry their id as their key.
        let keyed = path.last().filter(|k| is_object_id(k)).map(String::as_str);
        let local = match kind {
            Kind::Role => {
                str_of(obj, "roleTemplateId").or(str_of(obj, "templateId")).or(str_of(obj, "id"))
            }
            _ => str_of(obj, "id").or(keyed),
        };
        let Some(local) = local else {
            return sink.skip(self.place(ptr), "record has no id");
        };
        let id = match kind {
            Kind::Role => self.role_id(local),
            _ => format!("entra:{local}"),
        };

        // A member or owner list repeats objects defined elsewhere; any
        // other second definition is a duplicate.
        let related = context(path);
        if related.is_none() {
            if let Some(first) = self.defined.get(&id) {
                let reason = format!("duplicate id {local:?}, first defined at {first}");
                return sink.skip(self.place(ptr), reason);
            }
            self.defined.insert(id.clone(), ptr.to_string());
        }

        let fields = Fields { file: self.file, obj, ptr };
        let node_kind = match kind {
            Kind::User | Kind::ServicePrincipal => NodeKind::Account,
            Kind::Group => NodeKind::Group,
            Kind::Application => NodeKind::Resource,
            Kind::Role => NodeKind::Role,
            _ => NodeKind::System,
        };
        let mut node = Node::new(&id, node_kind).with_system(&self.system);
        node.name = fields.str(sink, "displayName")?.map(str::to_string);
        if let Some(t) = self.time(&fields, "createdDateTime", sink)? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        if let Some(tenant) = &self.tenant {
            node.props.insert("tenant_id".into(), tenant.as_str().into());
        }
        self.typed(kind, &fields, path, &mut node, sink)?;
        b_json::keep_others(obj, MAPPED, &mut node);
        sink.node(node);

        if let Some((edge, other)) = related {
            let other = format!("entra:{other}");
            self.edges.add(sink, Edge::new(edge, &id, other));
        }
        self.expanded(&fields, &id, kind, sink)?;
        self.scubagear_lists(&fields, &id, sink)
    }

    /// What each kind adds to the common part of its node.
    fn typed(
        &mut self,
        kind: Kind,
        fields: &Fields,
        path: &[String],
        node: &mut Node,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let id = node.id.clone();
        match kind {
            Kind::User => self.user(fields, node, sink)?,
            Kind::ServicePrincipal => {
                node.props.insert(props::ACCOUNT_TYPE.into(), "service".into());
                if let Some(enabled) = fields.bool(sink, "accountEnabled")? {
                    node.props.insert(props::ENABLED.into(), enabled.into());
                }
                self.app_roles(fields, &id, node.name.as_deref(), sink)?;
            }
            Kind::Group => {
                if let Some(mail) = fields.str(sink, "mail")? {
                    node.props.insert(props::EMAIL.into(), mail.into());
                }
            }
            Kind::Role => {
                let privileged = fields.bool(sink, "isPrivileged")?;
                let listed = path.iter().any(|k| k == "privileged_roles");
                if privileged.is_some() || listed {
                    node.props.insert(
                        props::PRIVILEGED.into(),
                        (privileged == Some(true) || listed).into(),
                    );
                }
                if let Some(name) = &node.name {
                    self.role_names.entry(name.clone()).or_insert_with(|| id.clone());
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// ScubaGear's role names of a privileged principal and assignments of
    /// a privileged role.
    fn scubagear_lists(
        &mut self,
        fields: &Fields,
        id: &str,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let ptr = fields.ptr;
        for (i, role) in fields.array(sink, "roles")?.iter().enumerate() {
            match role.as_str() {
                Some(name) => self.by_name.push((id.to_string(), name.to_string())),
                None => {
                    let at = index(&child(ptr, "roles"), i);
                    let reason = format!("expected a role name, found {}", describe(role));
                    sink.skip(self.place(&at), reason)?;
                }
            }
        }
        let assignments = fields.array(sink, "Assignments")?;
        for (i, assignment) in assignments.iter().enumerate() {
            let at = index(&child(ptr, "Assignments"), i);
            match assignment.as_object() {
                Some(a) => self.role_assignment(a, &at, Some(id), sink)?,
                None => {
                    let reason =
                        format!("expected a role assignment, found {}", describe(assignment));
                    sink.skip(self.place(&at), reason)?;
                }
            }
        }
        Ok(())
    }

    fn user(
        &mut self,
        fields: &Fields,
        node: &mut Node,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let upn = fields.str(sink, "userPrincipalName")?;
        if let Some(upn) = upn {
            node.props.insert(props::USERNAME.into(), upn.into());
            node.name.get_or_insert_with(|| upn.to_string());
        }
        if let Some(enabled) = fields.bool(sink, "accountEnabled")? {
            node.props.insert(props::ENABLED.into(), enabled.into());
        }
        for (key, prop) in [
            ("mail", props::EMAIL),
            ("employeeId", props::EMPLOYEE_ID),
            ("department", props::DEPARTMENT),
            ("jobTitle", props::TITLE),
            ("onPremisesSecurityIdentifier", "on_premises_sid"),
        ] {
            if let Some(value) = fields.str(sink, key)? {
                node.props.insert(prop.into(), value.into());
            }
        }
        if let Some(kind) = fields.str(sink, "employeeType")? {
            node.props.insert(props::EMPLOYMENT_TYPE.into(), kind.to_lowercase().into());
        }
        if let Some(manager) = b_json::str_at(fields.obj, &["manager", "id"]) {
            node.props.insert("manager".into(), format!("entra:{manager}").into());
        }
        if let Some(activity) = b_json::obj_of(fields.obj, "signInActivity") {
            let ptr = child(fields.ptr, "signInActivity");
            let activity = Fields { file: self.file, obj: activity, ptr: &ptr };
            let last = match self.time(&activity, "lastSuccessfulSignInDateTime", sink)? {
                Some(t) => Some(t),
                None => self.time(&activity, "lastSignInDateTime", sink)?,
            };
            if let Some(t) = last {
                node.props.insert(props::LAST_LOGIN.into(), Value::Time(t));
            }
        }
        Ok(())
    }

    /// A service principal's app roles, as entitlements on it.
    fn app_roles(
        &mut self,
        fields: &Fields,
        id: &str,
        app: Option<&str>,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        for role in fields.array(sink, "appRoles")?.iter().filter_map(Json::as_object) {
            let Some(role_id) = str_of(role, "id") else { continue };
            let permission =
                str_of(role, "value").or(str_of(role, "displayName")).unwrap_or(role_id);
            let node = self.app_role_node(id, role_id, app.unwrap_or(id), permission);
            sink.node(node);
            let entitlement = format!("{id}/appRole/{role_id}");
            self.edges.add(sink, Edge::new(EdgeKind::OnResource, entitlement, id));
        }
        Ok(())
    }

    fn app_role_node(&self, resource: &str, role_id: &str, app: &str, permission: &str) -> Node {
        let id = format!("{resource}/appRole/{role_id}");
        Node::new(id, NodeKind::Entitlement)
            .with_system(&self.system)
            .with_name(format!("{app}: {permission}"))
            .with_prop(props::RESOURCE, app)
            .with_prop(props::PERMISSION, permission)
    }

    /// Expanded relations: a group's `members` and `owners`, a user's or
    /// principal's `memberOf`, a directory role's `members`.
    fn expanded(
        &mut self,
        fields: &Fields,
        id: &str,
        kind: Kind,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        for key in ["members", "owners", "memberOf"] {
            let list_ptr = child(fields.ptr, key);
            for (i, item) in fields.array(sink, key)?.iter().enumerate() {
                let other = item.as_object().and_then(|o| Some((o, str_of(o, "id")?)));
                let Some((other, other_id)) = other else {
                    let reason = format!("expected an object with an id, found {}", describe(item));
                    sink.skip(self.place(&index(&list_ptr, i)), reason)?;
                    continue;
                };
                let other_is_role = graph_type(other).as_deref() == Some("directoryrole");
                let other_node = if other_is_role {
                    let template = str_of(other, "roleTemplateId").unwrap_or(other_id);
                    self.role_id(template)
                } else {
                    format!("entra:{other_id}")
                };
                let edge = match (key, kind) {
                    ("members", Kind::Role) => Edge::new(EdgeKind::HasRole, other_node, id),
                    ("members", _) => Edge::new(EdgeKind::MemberOf, other_node, id),
                    ("owners", _) => Edge::new(EdgeKind::Owns, other_node, id),
                    (_, _) if other_is_role => Edge::new(EdgeKind::HasRole, id, other_node),
                    (_, _) => Edge::new(EdgeKind::MemberOf, id, other_node),
                };
                self.edges.add(sink, edge);
            }
        }
        Ok(())
    }

    /// A role assignment (or PIM schedule instance) as a `HasRole` edge,
    /// with its kind, scope and window as edge properties.
    fn role_assignment(
        &mut self,
        obj: &Object,
        ptr: &str,
        role: Option<&str>,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let principal = fields.str(sink, "principalId")?;
        let definition = fields.str(sink, "roleDefinitionId")?;
        let role = match (role, definition) {
            (Some(role), _) => role.to_string(),
            (None, Some(definition)) => self.role_id(definition),
            (None, None) => {
                return sink.skip(self.place(ptr), "role assignment has no roleDefinitionId");
            }
        };
        let Some(principal) = principal else {
            return sink.skip(self.place(ptr), "role assignment has no principalId");
        };

        let mut edge = Edge::new(EdgeKind::HasRole, format!("entra:{principal}"), role);
        let eligible = graph_type(obj).is_some_and(|t| t.contains("eligibility"));
        let assignment = match fields.str(sink, "assignmentType")? {
            Some(kind) => kind.to_ascii_lowercase(),
            None if eligible => "eligible".to_string(),
            None => "assigned".to_string(),
        };
        edge.props.insert("assignment_type".into(), assignment.into());
        if let Some(member) = fields.str(sink, "memberType")? {
            edge.props.insert("member_type".into(), member.to_ascii_lowercase().into());
        }
        if let Some(scope) = fields.str(sink, "directoryScopeId")?.filter(|s| *s != "/") {
            edge.props.insert("scope".into(), scope.into());
        }
        for (key, prop) in [("startDateTime", "start"), ("endDateTime", "end")] {
            if let Some(t) = self.time(&fields, key, sink)? {
                edge.props.insert(prop.into(), Value::Time(t));
            }
        }
        self.edges.add(sink, edge);
        Ok(())
    }

    /// An app role assignment: the principal is granted the app role, an
    /// entitlement on the resource application's service principal.
    fn app_role_assignment(
        &mut self,
        obj: &Object,
        ptr: &str,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        let (Some(principal), Some(resource)) =
            (fields.str(sink, "principalId")?, fields.str(sink, "resourceId")?)
        else {
            return sink
                .skip(self.place(ptr), "app role assignment has no principalId or resourceId");
        };
        // The all-zero role is the default access an app without roles gives.
        let role = fields.str(sink, "appRoleId")?.unwrap_or("00000000-0000-0000-0000-000000000000");
        let default = role.bytes().all(|b| b == b'0' || b == b'-');
        let resource_id = format!("entra:{resource}");
        let app = fields.str(sink, "resourceDisplayName")?.unwrap_or(resource);
        let permission = if default { "default access" } else { role };

        let node = self.app_role_node(&resource_id, role, app, permission);
        let entitlement = node.id.clone();
        sink.node(node);
        let mut grant = Edge::new(EdgeKind::Grant, format!("entra:{principal}"), &entitlement);
        if let Some(t) = self.time(&fields, "createdDateTime", sink)? {
            grant.props.insert(props::CREATED.into(), Value::Time(t));
        }
        self.edges.add(sink, grant);
        self.edges.add(sink, Edge::new(EdgeKind::OnResource, entitlement, resource_id));
        Ok(())
    }

    fn finish(mut self, sink: &mut Sink) {
        for (principal, name) in std::mem::take(&mut self.by_name) {
            let role = match self.role_names.get(&name) {
                Some(role) => role.clone(),
                None => {
                    sink.warn(format!(
                        "{}: role {name:?} is named but not defined, its id is made from the name",
                        self.file
                    ));
                    format!("{}:role-name/{name}", self.system)
                }
            };
            self.edges.add(sink, Edge::new(EdgeKind::HasRole, principal, role));
        }
        warn_unfinished(sink, self.file, self.next_links, "response page", "@odata.nextLink");
        if !self.not_read.is_empty() {
            let list: Vec<&str> = self.not_read.iter().map(String::as_str).collect();
            sink.warn(format!(
                "{}: not read, holding no Graph identities or only reshaped copies: {}",
                self.file,
                list.join(", ")
            ));
        }
        self.dropped.report(sink);
    }
}

#[cfg(test)]
#[path = "entra_tests.rs"]
mod tests;
