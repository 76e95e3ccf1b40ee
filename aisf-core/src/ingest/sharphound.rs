//! Reader: SharpHound and BloodHound.py collection JSON, versions 5 and 6.
//!
//! A collection file holds one kind of Active Directory object:
//!
//! ```text
//! {"data": [ {"ObjectIdentifier": "S-1-5-21-...-1105",
//!             "Properties": {"name": "ALICE@CORP.LOCAL", "domain": "CORP.LOCAL", ...},
//!             "Aces": [...], "ContainedBy": {...}, ...}, ... ],
//!  "meta": {"type": "users", "count": 49, "version": 6, "methods": 521215}}
//! ```
//!
//! Users become accounts, groups become groups, and every other object
//! keeps BloodHound's kind name (`Computer`, `Domain`, `OU`, `GPO`,
//! `Container`, `CertTemplate`, `EnterpriseCA`, `RootCA`, `AIACA`,
//! `NTAuthStore`, `IssuancePolicy`) as [`NodeKind::Other`]. Node ids are the
//! object identifiers as given; the system is `ad:<DOMAIN>`.
//!
//! Relations become edges named as BloodHound names them: `MemberOf` for
//! group members, the ACE's right for each ACE (principal to object),
//! `Contains` (container to object), `TrustedBy`, `AllowedToDelegate`,
//! `AllowedToAct`, `HasSIDHistory`, `AdminTo`, `CanRDP`, `ExecuteDCOM`,
//! `CanPSRemote`, `HasSession` (computer to user), `GPLink`, `PublishedTo`,
//! `HostsCAService`, `RootCAFor`, `NTAuthStoreFor`, `DumpSMSAPassword`.
//! Edges are emitted even when the other end is in no file read; the
//! [`IngestReport`](super::IngestReport) lists such ends.
//!
//! The document is read twice without building a tree of it: once to find
//! `meta` (which SharpHound writes after the data), then record by record,
//! each record parsed on its own.

use std::collections::BTreeSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

use super::json_support::{
    Converted, Dropped, check_depth, convert, describe, is_secret, parse_error, pointer_token,
    strip_bom,
};
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

/// The object kinds a collection file can hold, by `meta.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Collection {
    Users,
    Groups,
    Computers,
    Domains,
    Ous,
    Gpos,
    Containers,
    CertTemplates,
    EnterpriseCas,
    RootCas,
    AiaCas,
    NtAuthStores,
    IssuancePolicies,
}

impl Collection {
    const ALL: [(&'static str, Collection); 13] = [
        ("users", Collection::Users),
        ("groups", Collection::Groups),
        ("computers", Collection::Computers),
        ("domains", Collection::Domains),
        ("ous", Collection::Ous),
        ("gpos", Collection::Gpos),
        ("containers", Collection::Containers),
        ("certtemplates", Collection::CertTemplates),
        ("enterprisecas", Collection::EnterpriseCas),
        ("rootcas", Collection::RootCas),
        ("aiacas", Collection::AiaCas),
        ("ntauthstores", Collection::NtAuthStores),
        ("issuancepolicies", Collection::IssuancePolicies),
    ];

    fn parse(name: &str) -> Option<Collection> {
        Collection::ALL.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, c)| *c)
    }

    /// The collection a file name says (`20240305110018_users.json`).
    fn from_file_name(file: &str) -> Option<Collection> {
        let stem = file.rsplit(['/', '\\', '!']).next()?.strip_suffix(".json")?;
        let last = stem.rsplit('_').next()?;
        Collection::parse(last)
    }

    fn node_kind(self) -> NodeKind {
        let other = |name: &str| NodeKind::Other(name.to_string());
        match self {
            Collection::Users => NodeKind::Account,
            Collection::Groups => NodeKind::Group,
            Collection::Computers => other("Computer"),
            Collection::Domains => other("Domain"),
            Collection::Ous => other("OU"),
            Collection::Gpos => other("GPO"),
            Collection::Containers => other("Container"),
            Collection::CertTemplates => other("CertTemplate"),
            Collection::EnterpriseCas => other("EnterpriseCA"),
            Collection::RootCas => other("RootCA"),
            Collection::AiaCas => other("AIACA"),
            Collection::NtAuthStores => other("NTAuthStore"),
            Collection::IssuancePolicies => other("IssuancePolicy"),
        }
    }
}

/// Reads one SharpHound collection file.
///
/// # Errors
///
/// [`IngestError::Malformed`] for JSON that does not parse (naming the line
/// and byte offset), a `data` that is not a list, or an unknown `meta.type`;
/// [`IngestError::Limit`] for input larger than `max_input` or nested
/// deeper than `max_depth`; in strict mode, the first unusable record.
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::SharpHound);
    let bytes = strip_bom(bytes);
    if bytes.len() as u64 > opts.limits.max_input {
        return Err(IngestError::Limit {
            place: Place::file(file),
            message: format!(
                "input of {} bytes exceeds the limit of {} bytes",
                bytes.len(),
                opts.limits.max_input
            ),
        });
    }
    check_depth(bytes, file, opts.limits.max_depth)?;

    let meta = read_meta(bytes, file)?;
    let collection = collection_of(&meta, file)?;
    let mut state = State {
        file,
        sink,
        collection,
        version: meta.version.as_ref().and_then(Json::as_u64).unwrap_or(0),
        dropped: Dropped::default(),
        records: 0,
        at: None,
        error: None,
    };

    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = Document(&mut state).deserialize(&mut de).and_then(|()| de.end());
    if let Some(err) = state.error.take() {
        return Err(err);
    }
    if let Err(err) = result {
        return Err(match (parse_error(file, bytes, &err), state.at.take()) {
            (IngestError::Malformed { mut place, message }, Some(at)) => {
                place.pointer = Some(at);
                IngestError::Malformed { place, message }
            }
            (err, _) => err,
        });
    }

    let records = state.records;
    if let Some(count) = meta.count.as_ref().and_then(Json::as_u64)
        && count != records
    {
        state.sink.warn(format!(
            "{file}: meta.count says {count} records but the data list holds {records}; \
                 the records are used"
        ));
    }
    state.dropped.report(state.sink, file);
    Ok(())
}

/// The `meta` object.
#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(rename = "type")]
    kind: Option<Json>,
    count: Option<Json>,
    version: Option<Json>,
}

/// The document with its data skipped unread.
#[derive(Deserialize)]
struct Head {
    meta: Option<Meta>,
}

fn read_meta(bytes: &[u8], file: &str) -> Result<Meta, IngestError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(malformed(Place::file(file), "expected an object with 'data' and 'meta'"));
    }
    match serde_json::from_slice::<Head>(bytes) {
        Ok(head) => Ok(head.meta.unwrap_or_default()),
        Err(err) => Err(parse_error(file, bytes, &err)),
    }
}

fn collection_of(meta: &Meta, file: &str) -> Result<Collection, IngestError> {
    match &meta.kind {
        Some(Json::String(name)) => Collection::parse(name).ok_or_else(|| {
            malformed(
                Place::pointer(file, "/meta/type"),
                format!("unsupported collection type {name:?}"),
            )
        }),
        Some(other) => Err(malformed(
            Place::pointer(file, "/meta/type"),
            format!("expected a string, found {}", describe(other)),
        )),
        None => Collection::from_file_name(file).ok_or_else(|| {
            malformed(
                Place::pointer(file, "/meta/type"),
                "no meta.type, and the file name does not say the collection",
            )
        }),
    }
}

fn malformed(place: Place, message: impl Into<String>) -> IngestError {
    IngestError::Malformed { place, message: message.into() }
}

/// What the record-by-record pass carries.
struct State<'a> {
    file: &'a str,
    sink: &'a mut Sink,
    collection: Collection,
    version: u64,
    dropped: Dropped,
    records: u64,
    /// The pointer being read, for parse errors inside `data`.
    at: Option<String>,
    /// An error from a record, kept while serde unwinds.
    error: Option<IngestError>,
}

struct Document<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for Document<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with 'data' and 'meta'")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_data = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "data" {
                self.0.at = Some("/data".into());
                map.next_value_seed(Data(&mut *self.0))?;
                self.0.at = None;
                seen_data = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen_data {
            return Err(de::Error::custom("no 'data' list"));
        }
        Ok(())
    }
}

struct Data<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for Data<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Data<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let index = self.0.records;
            self.0.at = Some(format!("/data/{index}"));
            let Some(record) = seq.next_element::<Json>()? else { break };
            self.0.records += 1;
            if let Err(err) = self.0.record(index, record) {
                self.0.error = Some(err);
                return Err(de::Error::custom("stopped at an unusable record"));
            }
        }
        self.0.at = Some("/data".into());
        Ok(())
    }
}

impl State<'_> {
    /// Turns one record into a node and its edges; a record with a
    /// property of the wrong type is skipped whole.
    fn record(&mut self, index: u64, record: Json) -> Result<(), IngestError> {
        self.sink.record();
        let at = format!("/data/{index}");
        let Json::Object(record) = record else {
            let reason = format!("expected an object, found {}", describe(&record));
            return self.sink.skip(Place::pointer(self.file, at), reason);
        };
        let Some(id) = record.get("ObjectIdentifier").and_then(Json::as_str) else {
            let found = record.get("ObjectIdentifier").map_or("nothing".to_string(), describe);
            let reason = format!("expected a string ObjectIdentifier, found {found}");
            return self
                .sink
                .skip(Place::pointer(self.file, format!("{at}/ObjectIdentifier")), reason);
        };

        let node = match self.node(id, &record, &at) {
            Ok(node) => node,
            Err((place, reason)) => return self.sink.skip(place, reason),
        };
        self.sink.node(node);
        let mut edges = Edges { id, at: &at, file: self.file, out: Vec::new(), bad: Vec::new() };
        edges.all(&record, self.collection, self.version);
        for (place, reason) in std::mem::take(&mut edges.bad) {
            self.sink.skip(place, reason)?;
        }
        for edge in edges.out {
            self.sink.edge(edge);
        }
        Ok(())
    }

    /// The node a record describes, or the place and reason it is unusable.
    fn node(&mut self, id: &str, record: &Map<String, Json>, at: &str) -> Result<Node, Bad> {
        let mut node = Node::new(id, self.collection.node_kind());
        let empty = Map::new();
        let properties = match record.get("Properties") {
            Some(Json::Object(p)) => p,
            None | Some(Json::Null) => &empty,
            Some(other) => {
                let place = Place::pointer(self.file, format!("{at}/Properties"));
                return Err((place, format!("expected an object, found {}", describe(other))));
            }
        };

        let mut last_login = None;
        for (key, value) in properties {
            let name = key.to_ascii_lowercase();
            if is_secret(&name) {
                if !value.is_null() {
                    self.dropped.secret(&name);
                }
                continue;
            }
            if value.is_null() {
                continue;
            }
            let place =
                || Place::pointer(self.file, format!("{at}/Properties/{}", pointer_token(key)));
            let typed = Typed { value, place: &place };
            match name.as_str() {
                "name" => node.name = Some(typed.string()?),
                "domain" => {
                    let domain = typed.string()?;
                    node.system = Some(format!("ad:{domain}"));
                    node.props.insert(name, Value::Str(domain));
                }
                "email" => put(&mut node, props::EMAIL, Value::Str(typed.string()?)),
                "samaccountname" => put(&mut node, props::USERNAME, Value::Str(typed.string()?)),
                "enabled" => put(&mut node, props::ENABLED, Value::Bool(typed.boolean()?)),
                "pwdneverexpires" => {
                    put(&mut node, props::PASSWORD_NEVER_EXPIRES, Value::Bool(typed.boolean()?))
                }
                "hasspn" => put(&mut node, props::HAS_SPN, Value::Bool(typed.boolean()?)),
                "dontreqpreauth" => {
                    put(&mut node, props::DONT_REQ_PREAUTH, Value::Bool(typed.boolean()?))
                }
                "admincount"
                | "unconstraineddelegation"
                | "sensitive"
                | "passwordnotreqd"
                | "trustedtoauth"
                | "isaclprotected"
                | "gmsa"
                | "msa" => {
                    let flag = typed.boolean()?;
                    node.props.insert(name, Value::Bool(flag));
                }
                "lastlogon" | "lastlogontimestamp" => {
                    if let Some(t) = typed.time()? {
                        last_login = last_login.max(Some(t));
                    }
                }
                "whencreated" => {
                    if let Some(t) = typed.time()? {
                        put(&mut node, props::CREATED, Value::Time(t));
                    }
                }
                "pwdlastset" => {
                    if let Some(t) = typed.time()? {
                        node.props.insert(name, Value::Time(t));
                    }
                }
                _ => match convert(value) {
                    Converted::Keep(v) => {
                        node.props.insert(name, v);
                    }
                    Converted::Absent => {}
                    Converted::Nested => self.dropped.nested(&name),
                },
            }
        }

        if let Some(t) = last_login {
            put(&mut node, props::LAST_LOGIN, Value::Time(t));
        }
        self.derived(&mut node, record);
        Ok(node)
    }

    /// Properties that follow from the record rather than being in it.
    fn derived(&self, node: &mut Node, record: &Map<String, Json>) {
        if let Some(sid) = record.get("PrimaryGroupSID").and_then(Json::as_str) {
            node.props.insert("primarygroupsid".into(), Value::Str(sid.to_string()));
        }
        if let Some(deleted) = record.get("IsDeleted").and_then(Json::as_bool) {
            node.props.insert("isdeleted".into(), Value::Bool(deleted));
        }
        let service = ["gmsa", "msa"].iter().any(|k| node.prop(k) == Some(&Value::Bool(true)));
        if self.collection == Collection::Users && service {
            put(node, props::ACCOUNT_TYPE, Value::Str("service".into()));
        }
        if self.collection == Collection::Groups && is_tier_zero_group(&node.id) {
            put(node, props::PRIVILEGED, Value::Bool(true));
        }
    }
}

/// Whether a group SID is one of the built-in groups that control the
/// domain (Domain Admins, Enterprise Admins, Administrators...).
fn is_tier_zero_group(sid: &str) -> bool {
    const RIDS: &[&str] =
        &["-512", "-516", "-518", "-519", "-526", "-527", "-544", "-548", "-549", "-551"];
    sid.contains("S-1-5-") && RIDS.iter().any(|rid| sid.ends_with(rid))
}

fn put(node: &mut Node, key: &str, value: Value) {
    node.props.insert(key.to_string(), value);
}

/// The place and reason of an unusable record.
type Bad = (Place, String);

/// A property value checked against the type its name calls for.
struct Typed<'v, F> {
    value: &'v Json,
    place: &'v F,
}

impl<F: Fn() -> Place> Typed<'_, F> {
    fn wrong(&self, expected: &str) -> Bad {
        ((self.place)(), format!("expected {expected}, found {}", describe(self.value)))
    }

    fn string(&self) -> Result<String, Bad> {
        self.value.as_str().map(str::to_string).ok_or_else(|| self.wrong("a string"))
    }

    fn boolean(&self) -> Result<bool, Bad> {
        self.value.as_bool().ok_or_else(|| self.wrong("a boolean"))
    }

    /// Unix seconds, as SharpHound writes them; 0 and -1 mean never. Raw
    /// Windows FILETIME values (100 ns ticks since 1601) are converted.
    fn time(&self) -> Result<Option<i64>, Bad> {
        const FILETIME_EPOCH_SECS: i64 = 11_644_473_600;
        let v = self.value.as_i64().ok_or_else(|| self.wrong("an integer timestamp"))?;
        Ok(match v {
            ..=0 => None,
            v if v > 100_000_000_000 => Some(v / 10_000_000 - FILETIME_EPOCH_SECS),
            v => Some(v),
        })
    }
}

/// The edges of one record, with the entries that could not be used.
struct Edges<'r> {
    id: &'r str,
    at: &'r str,
    file: &'r str,
    out: Vec<Edge>,
    bad: Vec<Bad>,
}

impl Edges<'_> {
    fn all(&mut self, record: &Map<String, Json>, collection: Collection, version: u64) {
        let id = self.id.to_string();
        for target in self.refs(record, "Members") {
            self.out.push(Edge::new(EdgeKind::MemberOf, target, id.clone()));
        }
        self.aces(record);
        if let Some(Json::Object(parent)) = record.get("ContainedBy")
            && let Some(parent) = parent.get("ObjectIdentifier").and_then(Json::as_str)
        {
            self.out.push(Edge::new(other("Contains"), parent, id.clone()));
        }
        // From version 6 each child names its container, so the parent's
        // list would say the same thing twice.
        if version < 6 {
            for child in self.refs(record, "ChildObjects") {
                self.out.push(Edge::new(other("Contains"), id.clone(), child));
            }
        }

        for (field, name, outward) in [
            ("AllowedToDelegate", "AllowedToDelegate", true),
            ("AllowedToAct", "AllowedToAct", false),
            ("HasSIDHistory", "HasSIDHistory", true),
            ("DumpSMSAPassword", "DumpSMSAPassword", true),
            ("EnabledCertTemplates", "PublishedTo", false),
        ] {
            for target in self.refs(record, field) {
                let (src, dst) = if outward { (id.clone(), target) } else { (target, id.clone()) };
                self.out.push(Edge::new(other(name), src, dst));
            }
        }
        self.trusts(record);
        self.links(record);
        self.local_groups(record, &id);
        self.sessions(record);
        if let Some(Json::Object(changes)) = record.get("GPOChanges") {
            for computer in self.refs(changes, "AffectedComputers") {
                self.local_groups(changes, &computer);
            }
        }

        if let Some(host) = record.get("HostingComputer").and_then(Json::as_str) {
            self.out.push(Edge::new(other("HostsCAService"), host, id.clone()));
        }
        let domain_edge = match collection {
            Collection::RootCas => Some("RootCAFor"),
            Collection::NtAuthStores => Some("NTAuthStoreFor"),
            _ => None,
        };
        if let (Some(name), Some(domain)) =
            (domain_edge, record.get("DomainSID").and_then(Json::as_str))
        {
            self.out.push(Edge::new(other(name), id.clone(), domain));
        }
    }

    /// The object identifiers of a list field, either a plain list or an
    /// object with a `Results` list (local groups as SharpHound 5 writes
    /// them).
    fn refs(&mut self, record: &Map<String, Json>, field: &str) -> Vec<String> {
        let items = match record.get(field) {
            Some(Json::Array(items)) => items,
            Some(Json::Object(o)) => match o.get("Results") {
                Some(Json::Array(items)) => items,
                _ => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.get("ObjectIdentifier").and_then(Json::as_str) {
                Some(target) => out.push(target.to_string()),
                None => self.bad(format!("{field}/{i}"), "expected an ObjectIdentifier", item),
            }
        }
        out
    }

    fn bad(&mut self, below: String, expected: &str, found: &Json) {
        let place = Place::pointer(self.file, format!("{}/{below}", self.at));
        self.bad.push((place, format!("{expected}, found {}", describe(found))));
    }

    fn aces(&mut self, record: &Map<String, Json>) {
        let Some(Json::Array(aces)) = record.get("Aces") else { return };
        for (i, ace) in aces.iter().enumerate() {
            let principal = ace.get("PrincipalSID").and_then(Json::as_str);
            let right = ace.get("RightName").and_then(Json::as_str);
            let (Some(principal), Some(right)) = (principal, right) else {
                self.bad(format!("Aces/{i}"), "expected PrincipalSID and RightName", ace);
                continue;
            };
            let mut edge = Edge::new(other(right), principal, self.id);
            if let Some(inherited) = ace.get("IsInherited").and_then(Json::as_bool) {
                edge = edge.with_prop("isinherited", inherited);
            }
            self.out.push(edge);
        }
    }

    /// Trusts: `Inbound` means the other domain trusts this one, so this
    /// domain is `TrustedBy` it; `Outbound` the reverse.
    fn trusts(&mut self, record: &Map<String, Json>) {
        let Some(Json::Array(trusts)) = record.get("Trusts") else { return };
        for (i, trust) in trusts.iter().enumerate() {
            let Some(target) = trust.get("TargetDomainSid").and_then(Json::as_str) else {
                self.bad(format!("Trusts/{i}"), "expected a TargetDomainSid", trust);
                continue;
            };
            let (inbound, outbound) = match trust.get("TrustDirection") {
                Some(Json::String(d)) if d.eq_ignore_ascii_case("inbound") => (true, false),
                Some(Json::String(d)) if d.eq_ignore_ascii_case("outbound") => (false, true),
                Some(Json::String(d)) if d.eq_ignore_ascii_case("bidirectional") => (true, true),
                Some(Json::Number(n)) => {
                    (matches!(n.as_u64(), Some(1 | 3)), matches!(n.as_u64(), Some(2 | 3)))
                }
                _ => (false, false),
            };
            let mut ends = Vec::new();
            if inbound {
                ends.push((self.id.to_string(), target.to_string()));
            }
            if outbound {
                ends.push((target.to_string(), self.id.to_string()));
            }
            for (src, dst) in ends {
                let mut edge = Edge::new(other("TrustedBy"), src, dst);
                for (key, name) in [
                    ("IsTransitive", "istransitive"),
                    ("SidFilteringEnabled", "sidfilteringenabled"),
                ] {
                    if let Some(b) = trust.get(key).and_then(Json::as_bool) {
                        edge = edge.with_prop(name, b);
                    }
                }
                if let Some(t) = trust.get("TrustType").and_then(Json::as_str) {
                    edge = edge.with_prop("trusttype", t);
                }
                self.out.push(edge);
            }
        }
    }

    fn links(&mut self, record: &Map<String, Json>) {
        let Some(Json::Array(links)) = record.get("Links") else { return };
        for (i, link) in links.iter().enumerate() {
            let Some(gpo) = link.get("GUID").and_then(Json::as_str) else {
                self.bad(format!("Links/{i}"), "expected a GUID", link);
                continue;
            };
            let mut edge = Edge::new(other("GPLink"), gpo, self.id);
            if let Some(enforced) = link.get("IsEnforced").and_then(Json::as_bool) {
                edge = edge.with_prop("enforced", enforced);
            }
            self.out.push(edge);
        }
    }

    /// Local group members of a computer (or of the computers a GPO
    /// reaches): administrators, remote desktop, DCOM and remote
    /// management users.
    fn local_groups(&mut self, record: &Map<String, Json>, computer: &str) {
        for (field, name) in [
            ("LocalAdmins", "AdminTo"),
            ("RemoteDesktopUsers", "CanRDP"),
            ("DcomUsers", "ExecuteDCOM"),
            ("PSRemoteUsers", "CanPSRemote"),
        ] {
            for member in self.refs(record, field) {
                self.out.push(Edge::new(other(name), member, computer));
            }
        }

        // SharpHound 6 lists every local group, named by its well-known RID.
        let Some(Json::Array(groups)) = record.get("LocalGroups") else { return };
        for group in groups {
            let Some(sid) = group.get("ObjectIdentifier").and_then(Json::as_str) else { continue };
            let name = match sid.rsplit('-').next() {
                Some("544") => "AdminTo",
                Some("555") => "CanRDP",
                Some("562") => "ExecuteDCOM",
                Some("580") => "CanPSRemote",
                _ => continue,
            };
            let Some(Json::Array(results)) = group.get("Results") else { continue };
            for member in results.iter().filter_map(|r| r.get("ObjectIdentifier")?.as_str()) {
                self.out.push(Edge::new(other(name), member, computer));
            }
        }
    }

    /// Sessions, from every method that saw them, once per user.
    fn sessions(&mut self, record: &Map<String, Json>) {
        let mut users = BTreeSet::new();
        for field in ["Sessions", "PrivilegedSessions", "RegistrySessions"] {
            let Some(Json::Object(o)) = record.get(field) else { continue };
            let Some(Json::Array(results)) = o.get("Results") else { continue };
            for (i, session) in results.iter().enumerate() {
                let Some(user) = session.get("UserSID").and_then(Json::as_str) else {
                    self.bad(format!("{field}/Results/{i}"), "expected a UserSID", session);
                    continue;
                };
                let computer = session.get("ComputerSID").and_then(Json::as_str).unwrap_or(self.id);
                if users.insert((computer.to_string(), user.to_string())) {
                    self.out.push(Edge::new(other("HasSession"), computer, user));
                }
            }
        }
    }
}

fn other(name: &str) -> EdgeKind {
    EdgeKind::other(name, false)
}

#[cfg(test)]
#[path = "sharphound_tests.rs"]
mod tests;
