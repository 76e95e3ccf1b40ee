//! Reader: AWS IAM, from `aws iam get-account-authorization-details` and
//! the IAM credential report.
//!
//! The authorization details hold four lists: `UserDetailList`,
//! `GroupDetailList`, `RoleDetailList` and `Policies` (the managed
//! policies). A file holds one response, or a JSON array of responses
//! (one per page). The credential report is a CSV, read as text or as the
//! JSON `aws iam get-credential-report` prints; see
//! [`read_credential_report`].
//!
//! # Ids
//!
//! An ARN names one object in the whole of AWS, so users, groups, roles
//! and customer managed policies have their ARN as node id. Two exceptions:
//!
//! - An AWS managed policy (`arn:aws:iam::aws:policy/...`) has one ARN in
//!   every account, but attaching it in one account grants nothing in
//!   another, so its node id is the ARN, `@` and the account:
//!   `arn:aws:iam::aws:policy/AdministratorAccess@123456789012`.
//! - An inline policy has no ARN; its id is its holder's ARN, `#inline/`
//!   and its name.
//!
//! A node's system is [`ReadOptions::system`] when given, else
//! `aws:<account>` with the account its ARN names; an AWS managed policy is
//! in the account that uses it (the holder's for an attachment, the one
//! most ARNs of the file name for the `Policies` list), and an inline
//! policy in its holder's.
//!
//! # Mapping
//!
//! | IAM | AISF |
//! |---|---|
//! | user | [`NodeKind::Account`] |
//! | group | [`NodeKind::Group`] |
//! | role | [`NodeKind::Role`] |
//! | managed or inline policy | [`NodeKind::Entitlement`], one per policy |
//! | user `GroupList` | [`EdgeKind::MemberOf`] user → group |
//! | `AttachedManagedPolicies`, `*PolicyList` | [`EdgeKind::Grant`] holder → policy |
//! | a user or role ARN in a role's trust policy | [`CAN_ASSUME`] principal → role |
//!
//! Properties:
//!
//! - users, groups and roles: [`props::CREATED`], `path`, `tags` (as
//!   `key=value`), `permissions_boundary` (an ARN) and the local id as
//!   `user_id`, `group_id` or `role_id`; users also [`props::USERNAME`];
//! - roles: [`props::LAST_LOGIN`] and `last_used_region` from
//!   `RoleLastUsed`, `trusted_principals` from the trust policy,
//!   `instance_profiles`, `description`;
//! - policies: [`props::PERMISSION`] (the policy name), [`props::RESOURCE`]
//!   (`aws:<account>`), `statements` (the JSON text of the statements in
//!   force, kept for inspection), `actions` (every action an `Allow`
//!   statement names), [`props::PRIVILEGED`], `inline` or `aws_managed`,
//!   and for managed policies `arn`, `policy_id`, [`props::CREATED`],
//!   `updated`, `attachment_count` and `default_version`.
//!
//! A policy is [`props::PRIVILEGED`] when one of its statements allows
//! every action (`*`) or every IAM action (`iam:*`) on every resource.
//! Who may assume a role is kept as the role's `trusted_principals`; a user
//! or role named there by ARN also gets a [`CAN_ASSUME`] edge to the role,
//! through which access flows (marked `cross_account` when the ARN is in
//! another account, whose own policies must then allow `sts:AssumeRole`).
//! Accounts, services and identity providers stay properties: the file
//! cannot say which of their principals may act. A policy attached but not listed in `Policies`
//! (AWS managed policies are left out unless asked for) is made from the
//! attachment, with its name only, and counted in a warning.
//!
//! # Known shortcomings
//!
//! Policies are kept, not evaluated: a `Deny` statement, a condition, a
//! permissions boundary or a service control policy does not remove a
//! grant edge, so access read through these edges is an upper bound. Only
//! the default version of a managed policy is read. Instance profiles are
//! kept as names on the role, not linked to the instances that use them.
//!
//! # Bad input
//!
//! A list that is not a list (the AWS CLI documentation's example has a
//! group whose `AttachedManagedPolicies` is one object), a record with no
//! `Arn`, or a second record with the same `Arn` is a skip at its JSON
//! pointer, an error in strict mode. A response with `IsTruncated: true`
//! is one page of a longer answer: a warning says the export is
//! incomplete. A `UserId`, `GroupId` or `RoleId` shared by records with
//! different ARNs is a warning: node ids are ARNs, so nothing is lost.
//!
//! ```
//! use aisf_core::ingest::{aws, Mode, ReadOptions, Sink};
//!
//! let details = br#"{"UserDetailList": [{"UserName": "alice",
//!     "Arn": "arn:aws:iam::111122223333:user/alice", "GroupList": ["admins"]}],
//!   "GroupDetailList": [{"GroupName": "admins",
//!     "Arn": "arn:aws:iam::111122223333:group/admins"}]}"#;
//! let mut sink = Sink::new(Mode::Strict);
//! aws::read(details, "details.json", &ReadOptions::default(), &mut sink)?;
//! let (graph, _) = sink.finish();
//! let alice = graph.node("arn:aws:iam::111122223333:user/alice").unwrap();
//! assert_eq!(alice.system.as_deref(), Some("aws:111122223333"));
//! assert_eq!(graph.edge_count(), 1);
//! # Ok::<(), aisf_core::ingest::IngestError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value as Json;

use super::b_common::{self, Dropped, Edges, is_secret};
use super::b_json::{self, Fields, Object, child, describe, index, str_of};
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

#[path = "aws_report.rs"]
mod report;

pub use report::read_credential_report;

/// The kind of the edge from a user or role to a role its trust policy
/// lets it assume; access flows through it.
pub const CAN_ASSUME: &str = "can_assume";

/// The four lists of a response, in the order they are read: groups first,
/// so that users' `GroupList` names resolve to the groups' ARNs.
const LISTS: [&str; 4] = ["GroupDetailList", "UserDetailList", "RoleDetailList", "Policies"];

/// Reads one `get-account-authorization-details` response, or an array of
/// them.
///
/// # Errors
///
/// [`IngestError::Malformed`] for input that is not JSON (naming the
/// line), and in strict mode for any record or member that cannot be used;
/// [`IngestError::Limit`] for input over the size or nesting limits.
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::AwsIam);
    let doc = b_json::parse(bytes, file, &opts.limits)?;
    let account = main_account(&doc).unwrap_or_else(|| file.to_string());
    let mut reader = Reader {
        file,
        account,
        system: opts.system.clone(),
        edges: Edges::default(),
        dropped: Dropped::default(),
        groups: HashMap::new(),
        arns: HashMap::new(),
        local_ids: BTreeMap::new(),
        defined: BTreeSet::new(),
        attached: BTreeMap::new(),
    };

    match &doc {
        Json::Object(obj) => reader.response(obj, "", sink)?,
        Json::Array(pages) => {
            for (i, page) in pages.iter().enumerate() {
                let at = index("", i);
                match page {
                    Json::Object(obj) => reader.response(obj, &at, sink)?,
                    other => sink.skip(
                        Place::pointer(file, at),
                        format!(
                            "expected an authorization details page, found {}",
                            describe(other)
                        ),
                    )?,
                }
            }
        }
        other => sink.skip(
            Place::file(file),
            format!("expected authorization details, found {}", describe(other)),
        )?,
    }
    reader.finish(sink);
    Ok(())
}

/// The account most principal and customer policy ARNs name.
fn main_account(doc: &Json) -> Option<String> {
    let mut accounts: BTreeMap<&str, usize> = BTreeMap::new();
    b_json::each_object(doc, |obj| {
        if let Some(account) = obj.get("Arn").and_then(Json::as_str).and_then(arn_account) {
            *accounts.entry(account).or_default() += 1;
        }
    });
    let best = accounts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    best.map(|(account, _)| account.to_string())
}

/// The account field of an ARN (`arn:partition:service:region:account:...`),
/// unless it is empty or `aws` (AWS managed policies).
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    let account = parts.nth(3)?;
    (!account.is_empty() && account != "aws").then_some(account)
}

struct Reader<'a> {
    file: &'a str,
    /// The account most ARNs name, for what names none.
    account: String,
    /// [`ReadOptions::system`], which overrides the accounts.
    system: Option<String>,
    edges: Edges,
    dropped: Dropped,
    /// Group name → ARN, from the groups read so far.
    groups: HashMap<String, String>,
    /// ARN → the pointer of the record that defined it.
    arns: HashMap<String, String>,
    /// (`UserId`/`GroupId`/`RoleId`/`PolicyId`, value) → the ARNs that carry it.
    local_ids: BTreeMap<(&'static str, String), BTreeSet<String>>,
    /// Managed policy node ids defined by `Policies`.
    defined: BTreeSet<String>,
    /// Managed policy node ids attached somewhere, with the name given and
    /// the account they were attached in.
    attached: BTreeMap<String, (String, String)>,
}

impl Reader<'_> {
    fn place(&self, ptr: &str) -> Place {
        if ptr.is_empty() { Place::file(self.file) } else { Place::pointer(self.file, ptr) }
    }

    fn response(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let fields = Fields { file: self.file, obj, ptr };
        if !LISTS.iter().any(|key| obj.contains_key(*key)) {
            let reason = "expected authorization details: none of UserDetailList, \
                          GroupDetailList, RoleDetailList or Policies";
            return sink.skip(self.place(ptr), reason);
        }
        if fields.bool(sink, "IsTruncated")? == Some(true) {
            let at = if ptr.is_empty() { String::new() } else { format!(" at {ptr}") };
            sink.warn(format!(
                "{}: response{at} has IsTruncated true: it is one page of a longer answer, \
                 the export is incomplete",
                self.file
            ));
        }

        for key in LISTS {
            let list_ptr = child(ptr, key);
            for (i, item) in fields.array(sink, key)?.iter().enumerate() {
                let at = index(&list_ptr, i);
                sink.record();
                let Json::Object(record) = item else {
                    let reason = format!("expected a record object, found {}", describe(item));
                    sink.skip(self.place(&at), reason)?;
                    continue;
                };
                self.dropped.scan(item);
                match key {
                    "GroupDetailList" => self.group(record, &at, sink)?,
                    "UserDetailList" => self.user(record, &at, sink)?,
                    "RoleDetailList" => self.role(record, &at, sink)?,
                    _ => self.policy(record, &at, sink)?,
                }
            }
        }
        Ok(())
    }

    /// The record's ARN, unless it has none or an earlier record had it.
    fn arn<'o>(
        &mut self,
        obj: &'o Object,
        id_key: &'static str,
        ptr: &str,
        sink: &mut Sink,
    ) -> Result<Option<&'o str>, IngestError> {
        let Some(arn) = str_of(obj, "Arn") else {
            let reason = match b_json::get(obj, "Arn") {
                Some(other) => format!("expected an Arn string, found {}", describe(other)),
                None => "record has no Arn".to_string(),
            };
            sink.skip(self.place(ptr), reason)?;
            return Ok(None);
        };
        if let Some(first) = self.arns.get(arn) {
            let reason = format!("duplicate Arn {arn:?}, first defined at {first}");
            sink.skip(self.place(ptr), reason)?;
            return Ok(None);
        }
        self.arns.insert(arn.to_string(), ptr.to_string());
        if let Some(local) = str_of(obj, id_key) {
            self.local_ids.entry((id_key, local.to_string())).or_default().insert(arn.into());
        }
        Ok(Some(arn))
    }

    /// The account an ARN names, else the file's.
    fn account_of<'s>(&'s self, arn: &'s str) -> &'s str {
        arn_account(arn).unwrap_or(&self.account)
    }

    fn system(&self, account: &str) -> String {
        self.system.clone().unwrap_or_else(|| format!("aws:{account}"))
    }

    /// A node in the account its ARN (or its holder's) names.
    fn node(&self, id: &str, kind: NodeKind, name: Option<&str>) -> Node {
        let mut node = Node::new(id, kind).with_system(self.system(self.account_of(id)));
        node.name = name.map(str::to_string);
        node
    }

    fn user(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let Some(arn) = self.arn(obj, "UserId", ptr, sink)? else { return Ok(()) };
        let fields = Fields { file: self.file, obj, ptr };
        let name = fields.str(sink, "UserName")?;
        let mut node = self.node(arn, NodeKind::Account, name);
        if let Some(name) = name {
            node.props.insert(props::USERNAME.into(), name.into());
        }
        self.common(&fields, "UserId", "user_id", &mut node, sink)?;
        sink.node(node);

        let list_ptr = child(ptr, "GroupList");
        for (i, item) in fields.array(sink, "GroupList")?.iter().enumerate() {
            let Some(group) = item.as_str().filter(|g| !g.is_empty()) else {
                let reason = format!("expected a group name, found {}", describe(item));
                sink.skip(self.place(&index(&list_ptr, i)), reason)?;
                continue;
            };
            let group = self.group_arn(arn, group);
            self.edges.add(sink, Edge::new(EdgeKind::MemberOf, arn, group));
        }
        self.policies(&fields, arn, "UserPolicyList", sink)
    }

    /// The ARN of the group a user's `GroupList` names: the group's own
    /// when it was read, else one built from the user's account (without
    /// the group's path, which the list does not give).
    fn group_arn(&self, user_arn: &str, group: &str) -> String {
        if let Some(arn) = self.groups.get(group) {
            return arn.clone();
        }
        let prefix = user_arn.split_once(":user/").map_or(user_arn, |(prefix, _)| prefix);
        format!("{prefix}:group/{group}")
    }

    fn group(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let Some(arn) = self.arn(obj, "GroupId", ptr, sink)? else { return Ok(()) };
        let fields = Fields { file: self.file, obj, ptr };
        let name = fields.str(sink, "GroupName")?;
        if let Some(name) = name {
            self.groups.entry(name.to_string()).or_insert_with(|| arn.to_string());
        }
        let mut node = self.node(arn, NodeKind::Group, name);
        self.common(&fields, "GroupId", "group_id", &mut node, sink)?;
        sink.node(node);
        self.policies(&fields, arn, "GroupPolicyList", sink)
    }

    fn role(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let Some(arn) = self.arn(obj, "RoleId", ptr, sink)? else { return Ok(()) };
        let fields = Fields { file: self.file, obj, ptr };
        let mut node = self.node(arn, NodeKind::Role, fields.str(sink, "RoleName")?);
        self.common(&fields, "RoleId", "role_id", &mut node, sink)?;
        if let Some(description) = fields.str(sink, "Description")? {
            node.props.insert("description".into(), description.into());
        }

        if let Some(last) = b_json::obj_of(obj, "RoleLastUsed") {
            let last_ptr = child(ptr, "RoleLastUsed");
            let last_fields = Fields { file: self.file, obj: last, ptr: &last_ptr };
            if let Some(t) = last_fields.time(sink, "LastUsedDate")? {
                node.props.insert(props::LAST_LOGIN.into(), Value::Time(t));
            }
            if let Some(region) = last_fields.str(sink, "Region")? {
                node.props.insert("last_used_region".into(), region.into());
            }
        }
        let trusted = trusted_principals(b_json::get(obj, "AssumeRolePolicyDocument"));
        let assumers: Vec<String> =
            trusted.iter().filter_map(|p| iam_principal(p)).map(str::to_string).collect();
        if !trusted.is_empty() {
            node.props.insert("trusted_principals".into(), Value::StrList(trusted));
        }
        let profiles: Vec<String> = fields
            .array(sink, "InstanceProfileList")?
            .iter()
            .filter_map(|p| p.as_object().and_then(|p| str_of(p, "InstanceProfileName")))
            .map(str::to_string)
            .collect();
        if !profiles.is_empty() {
            node.props.insert("instance_profiles".into(), Value::StrList(profiles));
        }
        sink.node(node);

        // A user or role the trust policy names by ARN may take the role on.
        let role_account = arn_account(arn);
        for assumer in assumers {
            let mut edge = Edge::new(EdgeKind::other(CAN_ASSUME, true), &assumer, arn);
            if arn_account(&assumer) != role_account {
                edge.props.insert("cross_account".into(), true.into());
            }
            self.edges.add(sink, edge);
        }
        self.policies(&fields, arn, "RolePolicyList", sink)
    }

    /// What users, groups and roles share: creation time, local id, path,
    /// tags and permissions boundary, and their managed policy attachments
    /// (given as edges later by [`Reader::policies`]).
    fn common(
        &mut self,
        fields: &Fields,
        id_key: &str,
        id_prop: &str,
        node: &mut Node,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        if let Some(t) = fields.time(sink, "CreateDate")? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        if let Some(local) = fields.str(sink, id_key)? {
            node.props.insert(id_prop.into(), local.into());
        }
        if let Some(path) = fields.str(sink, "Path")? {
            node.props.insert("path".into(), path.into());
        }
        let tags: Vec<String> = fields
            .array(sink, "Tags")?
            .iter()
            .filter_map(Json::as_object)
            .filter_map(|t| Some(format!("{}={}", str_of(t, "Key")?, str_of(t, "Value")?)))
            .collect();
        if !tags.is_empty() {
            node.props.insert("tags".into(), Value::StrList(tags));
        }
        let boundary =
            b_json::str_at(fields.obj, &["PermissionsBoundary", "PermissionsBoundaryArn"]);
        if let Some(boundary) = boundary {
            node.props.insert("permissions_boundary".into(), boundary.into());
        }
        Ok(())
    }

    /// The holder's managed policy attachments and inline policies, as
    /// grants.
    fn policies(
        &mut self,
        fields: &Fields,
        holder: &str,
        inline_key: &str,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let attached_ptr = child(fields.ptr, "AttachedManagedPolicies");
        for (i, item) in fields.array(sink, "AttachedManagedPolicies")?.iter().enumerate() {
            let attachment = item.as_object().and_then(|a| Some((a, str_of(a, "PolicyArn")?)));
            let Some((attachment, policy_arn)) = attachment else {
                let reason =
                    format!("expected a PolicyArn and PolicyName, found {}", describe(item));
                sink.skip(self.place(&index(&attached_ptr, i)), reason)?;
                continue;
            };
            let account = self.account_of(holder).to_string();
            let id = policy_id(policy_arn, &account);
            let name = str_of(attachment, "PolicyName").unwrap_or_else(|| policy_name(policy_arn));
            self.attached.entry(id.clone()).or_insert_with(|| (name.to_string(), account));
            self.edges.add(sink, Edge::new(EdgeKind::Grant, holder, id));
        }

        let inline_ptr = child(fields.ptr, inline_key);
        for (i, item) in fields.array(sink, inline_key)?.iter().enumerate() {
            let at = index(&inline_ptr, i);
            let Some(inline) = item.as_object() else {
                let reason = format!("expected an inline policy, found {}", describe(item));
                sink.skip(self.place(&at), reason)?;
                continue;
            };
            let Some(name) = str_of(inline, "PolicyName") else {
                sink.skip(self.place(&at), "inline policy has no PolicyName")?;
                continue;
            };
            let id = format!("{holder}#inline/{name}");
            let mut node = self.entitlement(&id, name, self.account_of(holder));
            node.props.insert("inline".into(), true.into());
            let document = b_json::get(inline, "PolicyDocument");
            self.document(document, &child(&at, "PolicyDocument"), &mut node, sink)?;
            sink.node(node);
            self.edges.add(sink, Edge::new(EdgeKind::Grant, holder, id));
        }
        Ok(())
    }

    /// A policy node in `account`, whose access it grants.
    fn entitlement(&self, id: &str, name: &str, account: &str) -> Node {
        let mut node =
            Node::new(id, NodeKind::Entitlement).with_system(self.system(account)).with_name(name);
        node.props.insert(props::PERMISSION.into(), name.into());
        node.props.insert(props::RESOURCE.into(), format!("aws:{account}").into());
        node
    }

    fn policy(&mut self, obj: &Object, ptr: &str, sink: &mut Sink) -> Result<(), IngestError> {
        let Some(arn) = self.arn(obj, "PolicyId", ptr, sink)? else { return Ok(()) };
        let fields = Fields { file: self.file, obj, ptr };
        let name = fields.str(sink, "PolicyName")?.unwrap_or_else(|| policy_name(arn));
        let account = self.account_of(arn).to_string();
        let id = policy_id(arn, &account);
        let mut node = self.entitlement(&id, name, &account);
        node.props.insert("aws_managed".into(), arn.contains(":iam::aws:").into());
        node.props.insert("arn".into(), arn.into());
        if let Some(t) = fields.time(sink, "CreateDate")? {
            node.props.insert(props::CREATED.into(), Value::Time(t));
        }
        if let Some(t) = fields.time(sink, "UpdateDate")? {
            node.props.insert("updated".into(), Value::Time(t));
        }
        if let Some(policy_id) = fields.str(sink, "PolicyId")? {
            node.props.insert("policy_id".into(), policy_id.into());
        }
        if let Some(count) = b_json::get(obj, "AttachmentCount").and_then(Json::as_i64) {
            node.props.insert("attachment_count".into(), Value::Int(count));
        }

        // Only the default version is in force.
        let default = fields.str(sink, "DefaultVersionId")?;
        let versions_ptr = child(ptr, "PolicyVersionList");
        let versions = fields.array(sink, "PolicyVersionList")?;
        let chosen = versions.iter().enumerate().find(|(_, v)| {
            let v = v.as_object();
            let flagged = v.and_then(|v| v.get("IsDefaultVersion")).and_then(Json::as_bool);
            flagged == Some(true)
                || (default.is_some() && v.and_then(|v| str_of(v, "VersionId")) == default)
        });
        match chosen {
            Some((i, version)) => {
                let at = child(&index(&versions_ptr, i), "Document");
                let document = version.as_object().and_then(|v| b_json::get(v, "Document"));
                if let Some(version_id) = version.as_object().and_then(|v| str_of(v, "VersionId")) {
                    node.props.insert("default_version".into(), version_id.into());
                }
                self.document(document, &at, &mut node, sink)?;
            }
            None if !versions.is_empty() => {
                sink.skip(self.place(&versions_ptr), "no version is marked as the default")?;
            }
            None => {}
        }
        self.defined.insert(id);
        sink.node(node);
        Ok(())
    }

    /// Keeps a policy document's statements for inspection, the actions it
    /// allows, and whether it is privileged.
    fn document(
        &self,
        document: Option<&Json>,
        ptr: &str,
        node: &mut Node,
        sink: &mut Sink,
    ) -> Result<(), IngestError> {
        let decoded;
        let document = match document {
            None | Some(Json::Null) => return Ok(()),
            Some(Json::String(text)) => match decode_document(text) {
                Some(doc) => {
                    decoded = doc;
                    &decoded
                }
                None => {
                    let reason =
                        "policy document is text that is neither JSON nor URL-encoded JSON";
                    return sink.skip(self.place(ptr), reason);
                }
            },
            Some(other) => other,
        };
        let Some(statement) = document.as_object().and_then(|d| b_json::get(d, "Statement")) else {
            let reason = format!(
                "expected a policy document with a Statement, found {}",
                describe(document)
            );
            return sink.skip(self.place(ptr), reason);
        };
        let statements: Vec<&Object> = match statement {
            Json::Object(one) => vec![one],
            Json::Array(many) if many.iter().all(Json::is_object) => {
                many.iter().filter_map(Json::as_object).collect()
            }
            other => {
                let reason = format!("expected statement objects, found {}", describe(other));
                return sink.skip(self.place(&child(ptr, "Statement")), reason);
            }
        };

        let kept = b_common::without_secrets(statement);
        node.props.insert("statements".into(), kept.to_string().into());
        let mut actions = BTreeSet::new();
        let mut privileged = false;
        for statement in statements {
            if str_of(statement, "Effect") != Some("Allow") {
                continue;
            }
            let allowed = strings(b_json::get(statement, "Action"));
            let resources = strings(b_json::get(statement, "Resource"));
            let everything = resources.contains(&"*");
            privileged |= everything && allowed.iter().any(|a| matches!(*a, "*" | "*:*" | "iam:*"));
            actions.extend(allowed.into_iter().map(str::to_string));
        }
        if !actions.is_empty() {
            node.props.insert("actions".into(), Value::StrList(actions.into_iter().collect()));
        }
        node.props.insert(props::PRIVILEGED.into(), privileged.into());
        Ok(())
    }

    /// Makes the attached policies `Policies` did not define, and says what
    /// was dropped and which local ids were shared.
    fn finish(mut self, sink: &mut Sink) {
        let missing: Vec<(String, (String, String))> = std::mem::take(&mut self.attached)
            .into_iter()
            .filter(|(id, _)| !self.defined.contains(id))
            .collect();
        for (id, (name, account)) in &missing {
            let mut node = self.entitlement(id, name, account);
            node.props.insert("aws_managed".into(), id.contains(":iam::aws:").into());
            sink.node(node);
        }
        if !missing.is_empty() {
            sink.warn(format!(
                "{}: {} attached managed {} not listed in Policies, made from the attachment \
                 with no statements",
                self.file,
                missing.len(),
                if missing.len() == 1 { "policy is" } else { "policies are" },
            ));
        }
        for ((key, value), arns) in &self.local_ids {
            if arns.len() > 1 {
                sink.warn(format!(
                    "{}: {key} {value:?} is shared by {} ARNs",
                    self.file,
                    arns.len()
                ));
            }
        }
        self.dropped.report(sink);
    }
}

/// The ARN of an IAM user or role a trust policy names (`AWS:arn:...`), not
/// an account, a service or a federated provider.
fn iam_principal(trusted: &str) -> Option<&str> {
    let arn = trusted.strip_prefix("AWS:")?;
    let resource = arn.splitn(6, ':').nth(5)?;
    let is_iam = arn.split(':').nth(2) == Some("iam");
    (is_iam && (resource.starts_with("user/") || resource.starts_with("role/"))).then_some(arn)
}

/// The node id of a managed policy: its ARN, scoped to the account it is
/// used in for AWS managed policies, which every account shares.
fn policy_id(arn: &str, account: &str) -> String {
    if arn.contains(":iam::aws:") { format!("{arn}@{account}") } else { arn.to_string() }
}

/// The name at the end of a policy ARN.
fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// A string or a list of strings, as policy elements give them.
fn strings(value: Option<&Json>) -> Vec<&str> {
    match value {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(items)) => items.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The principals a trust policy lets assume the role: every value under
/// `Principal` of its `Allow` statements, as `AWS:`, `Service:` or
/// `Federated:` followed by the value.
fn trusted_principals(document: Option<&Json>) -> Vec<String> {
    let decoded;
    let document = match document {
        Some(Json::String(text)) => match decode_document(text) {
            Some(doc) => {
                decoded = doc;
                &decoded
            }
            None => return Vec::new(),
        },
        Some(doc) => doc,
        None => return Vec::new(),
    };
    let statements = match document.get("Statement") {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let mut out = BTreeSet::new();
    for statement in statements.into_iter().filter_map(Json::as_object) {
        if str_of(statement, "Effect") != Some("Allow") {
            continue;
        }
        match b_json::get(statement, "Principal") {
            Some(Json::String(any)) => {
                out.insert(any.clone());
            }
            Some(Json::Object(by_kind)) => {
                for (kind, values) in by_kind.iter().filter(|(kind, _)| !is_secret(kind)) {
                    for value in strings(Some(values)) {
                        out.insert(format!("{kind}:{value}"));
                    }
                }
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

/// A policy document given as text: JSON, or the URL-encoded JSON the IAM
/// API returns when no SDK decoded it.
fn decode_document(text: &str) -> Option<Json> {
    if let Ok(doc) = serde_json::from_str(text) {
        return Some(doc);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(at + 1..at + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(b);
            at += 1;
        }
    }
    serde_json::from_slice(&out).ok()
}

#[cfg(test)]
#[path = "aws_tests.rs"]
mod tests;
