//! Reader: LDIF content files (RFC 2849), as OpenLDAP, 389-ds, Active
//! Directory (`ldifde`) and midPoint's samples write them.
//!
//! # The format
//!
//! ```text
//! version: 1                          optional, first
//! # a comment                         anywhere, and continued like a value
//! dn: cn=All Staff,ou=Groups,dc=example,dc=com
//! objectClass: groupOfNames
//! member: cn=Barbara Jensen,ou=People,dc=exam    a value folded over two lines:
//!  ple,dc=com                                    the second starts with one space
//! sn:: IEplbnNlbiA=                   base64 (here " Jensen ")
//! jpegPhoto:< file:///photo.jpg       a URL, never fetched
//!                                     a blank line ends the record
//! ```
//!
//! Change records (`changetype:`) other than `add` are skipped and
//! counted; `changetype: add` is read as content.
//!
//! # Ids
//!
//! The system is [`ReadOptions::system`] when given, else `ldap:<base>`,
//! where the base is the trailing run of `dc=`, `o=` and `c=` components of
//! the entry's own DN (or a placeholder such as midPoint's
//! `{{ LDAP_BASE_DN }}`, kept as it is), else its last component. The node
//! id is `<system>:<DN>` with the DN normalised: attribute types in
//! lowercase, spaces around `=`, `,` and `+` trimmed, values as written. A
//! DN names its system, so a `member` value in one file and the entry in
//! another meet at the same id.
//!
//! # Mapping
//!
//! | LDIF | AISF |
//! |---|---|
//! | `person`, `organizationalPerson`, `inetOrgPerson`, `OpenLDAPperson`, `user`, `account`, `posixAccount` entries | [`NodeKind::Account`] (`computer`: account type `machine`) |
//! | `groupOfNames`, `groupOfUniqueNames`, `posixGroup`, `group` | [`NodeKind::Group`] |
//! | `organizationalRole` | [`NodeKind::Role`], `roleOccupant` → [`EdgeKind::HasRole`] |
//! | other entries (OUs, domains, NIS maps) | [`NodeKind::Other`] named by the first objectClass other than `top` |
//! | `member`, `uniqueMember` (without a `#'...'B` uid suffix) | [`EdgeKind::MemberOf`] member → group |
//! | `memberUid` | [`EdgeKind::MemberOf`] from the entry with that `uid` in the file, else from `<system>:memberUid:<uid>`, an unresolved reference |
//! | `memberOf` | [`EdgeKind::MemberOf`] entry → group, once with the group's `member` |
//! | `owner` | [`EdgeKind::Owns`] owner → entry |
//! | `uid`, else `sAMAccountName` | [`props::USERNAME`] |
//! | `mail`, `title`, `employeeNumber` or `employeeID`, `department` or `departmentNumber`, `employeeType` | [`props::EMAIL`], [`props::TITLE`], [`props::EMPLOYEE_ID`], [`props::DEPARTMENT`], [`props::EMPLOYMENT_TYPE`] |
//! | `userAccountControl`, `nsAccountLock`, `pwdAccountLockedTime`, `loginDisabled` | [`props::ENABLED`] (only when one of them is there), [`props::PASSWORD_NEVER_EXPIRES`], [`props::DONT_REQ_PREAUTH`] |
//! | `createTimestamp`, `whenCreated`; `authTimestamp`, `lastLogonTimestamp`, `lastLogon` | [`props::CREATED`]; [`props::LAST_LOGIN`] (the latest) |
//! | `servicePrincipalName` | [`props::HAS_SPN`] |
//! | `objectSid` (binary) | `object_sid`, as `S-1-...` |
//! | `displayName`, else `cn`, else the first RDN value | the node name |
//! | every other attribute | kept under its lowercased type, a string or a list |
//!
//! Secrets (`userPassword`, `unicodePwd`, `sambaNTPassword`, photos...) are
//! dropped and counted in a warning. Binary values (base64 that is not
//! UTF-8, `;binary`, certificates, GUIDs) are skipped with a warning too.
//! A base64 value that does not decode is a skip at its line and the rest
//! of the entry is kept; in strict mode it is an error.
//!
//! ```
//! use aisf_core::ingest::{ldif, Mode, ReadOptions, Sink};
//!
//! let text = b"dn: uid=ann,ou=People,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: ann\n";
//! let mut sink = Sink::new(Mode::Lenient);
//! ldif::read(text, "people.ldif", &ReadOptions::default(), &mut sink)?;
//! let (graph, _) = sink.finish();
//! let ann = graph.node("ldap:dc=example,dc=com:uid=ann,ou=People,dc=example,dc=com").unwrap();
//! assert_eq!(ann.prop("username"), Some(&"ann".into()));
//! # Ok::<(), aisf_core::ingest::IngestError>(())
//! ```

use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use super::b_common::{Dropped, Edges, is_secret};
use super::b_time;
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

/// Attribute types whose values are binary whatever their encoding.
const BINARY: &[&str] = &[
    "usercertificate",
    "cacertificate",
    "usersmimecertificate",
    "crosscertificatepair",
    "certificaterevocationlist",
    "authorityrevocationlist",
    "deltarevocationlist",
    "objectguid",
    "msexchmailboxguid",
    "msds-generationid",
    "logonhours",
    "ntsecuritydescriptor",
];

const GROUP_CLASSES: &[&str] = &["groupofnames", "groupofuniquenames", "posixgroup", "group"];

const PERSON_CLASSES: &[&str] = &[
    "person",
    "organizationalperson",
    "inetorgperson",
    "openldapperson",
    "residentialperson",
    "user",
    "account",
    "posixaccount",
    "shadowaccount",
    "computer",
];

/// Attributes that become edges or mapped properties, not kept as they are.
const MAPPED: &[&str] = &[
    "objectclass",
    "member",
    "uniquemember",
    "memberuid",
    "memberof",
    "owner",
    "roleoccupant",
    "uid",
    "samaccountname",
    "mail",
    "title",
    "employeenumber",
    "employeeid",
    "department",
    "departmentnumber",
    "employeetype",
    "displayname",
    "useraccountcontrol",
    "createtimestamp",
    "whencreated",
    "authtimestamp",
    "lastlogontimestamp",
    "lastlogon",
    "objectsid",
    "manager",
];

/// Reads one LDIF file.
///
/// # Errors
///
/// [`IngestError::Malformed`] for a line that is not UTF-8 (naming the
/// line), and in strict mode for any record or value that cannot be used;
/// [`IngestError::Limit`] for a line longer than [`Limits::max_line`] or
/// input over [`Limits::max_input`].
///
/// [`Limits::max_line`]: super::Limits::max_line
/// [`Limits::max_input`]: super::Limits::max_input
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::Ldif);
    if bytes.len() as u64 > opts.limits.max_input {
        return Err(IngestError::Limit {
            place: Place::file(file),
            message: format!(
                "input of {} bytes is over the limit of {}",
                bytes.len(),
                opts.limits.max_input
            ),
        });
    }

    let mut dropped = Dropped::default();
    let records = records(bytes, file, opts.limits.max_line, sink)?;
    let mut entries = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let is_version = i == 0 && record.first().is_some_and(|l| l.text.starts_with("version:"));
        let record = if is_version { version(record, file, sink)? } else { record.as_slice() };
        if record.is_empty() {
            continue;
        }
        sink.record();
        if let Some(entry) = entry(record, file, &mut dropped, sink)? {
            entries.push(entry);
        }
    }

    let mut emit =
        Emitter { system: opts.system.clone(), edges: Edges::default(), uids: HashMap::new() };
    for entry in &entries {
        if let Some(uid) = entry.first("uid") {
            let id = emit.id(&entry.dn);
            emit.uids.entry(uid.to_string()).or_insert(id);
        }
    }
    for entry in &entries {
        emit.entry(entry, sink);
    }
    dropped.report(sink);
    Ok(())
}

/// One logical line: folded lines joined, with the number of its first.
struct Line {
    no: u64,
    text: String,
}

/// Splits the input into records of logical lines, without comments.
fn records(
    bytes: &[u8],
    file: &str,
    max_line: usize,
    sink: &mut Sink,
) -> Result<Vec<Vec<Line>>, IngestError> {
    let mut records: Vec<Vec<Line>> = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    // Whether the last logical line was a comment, which continues too.
    let mut in_comment = false;

    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let no = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.len() > max_line {
            return Err(IngestError::Limit {
                place: Place::line(file, no),
                message: format!("line of {} bytes is over the limit of {max_line}", raw.len()),
            });
        }
        let text = std::str::from_utf8(raw).map_err(|err| IngestError::Malformed {
            place: Place::line(file, no),
            message: format!("invalid UTF-8 at byte {} of the line", err.valid_up_to() + 1),
        })?;

        if text.is_empty() {
            if !current.is_empty() {
                records.push(std::mem::take(&mut current));
            }
            in_comment = false;
            continue;
        }
        if let Some(rest) = text.strip_prefix(' ') {
            if in_comment {
                continue;
            }
            let Some(last) = current.last_mut() else {
                sink.skip(Place::line(file, no), "continued line with no line to continue")?;
                continue;
            };
            if last.text.len() + rest.len() > max_line {
                return Err(IngestError::Limit {
                    place: Place::line(file, last.no),
                    message: format!("folded line is over the limit of {max_line} bytes"),
                });
            }
            last.text.push_str(rest);
            continue;
        }
        in_comment = text.starts_with('#');
        if !in_comment {
            current.push(Line { no, text: text.to_string() });
        }
    }
    if !current.is_empty() {
        records.push(current);
    }
    Ok(records)
}

/// Reads the `version:` line and returns the rest of the record.
fn version<'r>(record: &'r [Line], file: &str, sink: &mut Sink) -> Result<&'r [Line], IngestError> {
    let Some((first, rest)) = record.split_first() else { return Ok(record) };
    let number = first.text.trim_start_matches("version:").trim();
    if number != "1" {
        sink.warn(format!("{file}:{}: LDIF version {number:?}, read as version 1", first.no));
    }
    Ok(rest)
}

/// An entry of a content record.
struct Entry {
    /// The DN as written.
    dn_text: String,
    /// The DN normalised.
    dn: String,
    /// Attribute type (lowercase), type as written, value, line.
    attrs: Vec<(String, String, String, u64)>,
}

impl Entry {
    fn first<'a>(&'a self, lower: &str) -> Option<&'a str> {
        self.attrs.iter().find(|a| a.0 == lower).map(|a| a.2.as_str())
    }

    fn all<'a>(&'a self, lower: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attrs.iter().filter(move |a| a.0 == lower).map(|a| a.2.as_str())
    }
}

/// Reads one record's lines into an entry; change records other than
/// `add` and records without a usable DN are skipped.
fn entry(
    record: &[Line],
    file: &str,
    dropped: &mut Dropped,
    sink: &mut Sink,
) -> Result<Option<Entry>, IngestError> {
    let Some((first, rest)) = record.split_first() else { return Ok(None) };
    let place = Place::line(file, first.no);
    let dn_text = match split_line(&first.text) {
        Some((name, raw)) if name.eq_ignore_ascii_case("dn") => match decode(raw) {
            Ok(Some(text)) => text,
            _ => return sink.skip(place, "dn is not valid base64 UTF-8 text").map(|()| None),
        },
        _ => {
            let reason = format!("expected a dn: line, found {:?}", shorten(&first.text));
            return sink.skip(place, reason).map(|()| None);
        }
    };
    let dn = normalise_dn(&dn_text);
    if dn.is_empty() {
        return sink.skip(place, "entry has an empty dn").map(|()| None);
    }

    let mut attrs = Vec::new();
    for (i, line) in rest.iter().enumerate() {
        let here = Place::line(file, line.no);
        let Some((description, raw)) = split_line(&line.text) else {
            if line.text == "-" {
                continue;
            }
            let reason = format!("expected attribute: value, found {:?}", shorten(&line.text));
            sink.skip(here, reason)?;
            continue;
        };
        let mut parts = description.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let binary_option = parts.any(|o| o.trim().eq_ignore_ascii_case("binary"));
        let lower = name.to_ascii_lowercase();

        if i == 0 && lower == "changetype" {
            let kind = raw.value.trim();
            if kind.eq_ignore_ascii_case("add") {
                continue;
            }
            let reason = format!("changetype {kind} records are not read, only content");
            return sink.skip(place, reason).map(|()| None);
        }
        if is_secret(name) {
            if !raw.value.trim().is_empty() {
                dropped.secret(name);
            }
            continue;
        }
        if raw.kind == Raw::Url {
            dropped.url(name);
            continue;
        }
        if binary_option || (BINARY.contains(&lower.as_str()) && lower != "objectsid") {
            dropped.binary(name);
            continue;
        }
        if lower == "objectsid" {
            match sid_value(&raw) {
                Some(sid) => attrs.push((lower, name.to_string(), sid, line.no)),
                None => dropped.binary(name),
            }
            continue;
        }
        match decode(raw) {
            Ok(Some(value)) => attrs.push((lower, name.to_string(), value, line.no)),
            Ok(None) => dropped.binary(name),
            Err(()) => sink.skip(here, format!("{name}: value is not valid base64"))?,
        }
    }
    Ok(Some(Entry { dn_text, dn, attrs }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Raw {
    Text,
    Base64,
    Url,
}

struct RawValue<'a> {
    kind: Raw,
    value: &'a str,
}

/// `type: value`, `type:: base64` or `type:< url`.
fn split_line(line: &str) -> Option<(&str, RawValue<'_>)> {
    let (name, rest) = line.split_once(':')?;
    let (kind, value) = if let Some(v) = rest.strip_prefix(':') {
        (Raw::Base64, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (Raw::Url, v)
    } else {
        (Raw::Text, rest)
    };
    (!name.trim().is_empty()).then_some((name.trim_end(), RawValue { kind, value: value.trim() }))
}

/// The value as text: `Ok(None)` for base64 that is not UTF-8 (binary),
/// `Err` for base64 that does not decode.
fn decode(raw: RawValue<'_>) -> Result<Option<String>, ()> {
    match raw.kind {
        Raw::Text | Raw::Url => Ok(Some(raw.value.to_string())),
        Raw::Base64 => {
            let bytes = base64_bytes(raw.value).ok_or(())?;
            Ok(String::from_utf8(bytes).ok())
        }
    }
}

fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(&compact).or_else(|_| STANDARD_NO_PAD.decode(&compact)).ok()
}

/// A binary SID as `S-1-5-21-...`; a textual one as it is.
fn sid_value(raw: &RawValue<'_>) -> Option<String> {
    if raw.kind != Raw::Base64 {
        return raw.value.starts_with("S-").then(|| raw.value.to_string());
    }
    let bytes = base64_bytes(raw.value)?;
    let revision = *bytes.first()?;
    let count = usize::from(*bytes.get(1)?);
    let authority = bytes.get(2..8)?.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
    let mut sid = format!("S-{revision}-{authority}");
    for i in 0..count {
        let at = 8 + i * 4;
        let part = bytes.get(at..at + 4)?;
        let sub = u32::from_le_bytes([*part.first()?, *part.get(1)?, *part.get(2)?, *part.get(3)?]);
        sid.push_str(&format!("-{sub}"));
    }
    (bytes.len() == 8 + count * 4).then_some(sid)
}

fn shorten(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Splits at `sep` where it is not escaped by a backslash or quoted.
fn split_unescaped(text: &str, sep: char) -> Vec<&str> {
    let (mut parts, mut start, mut escaped, mut quoted) = (Vec::new(), 0, false, false);
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(text.get(start..at).unwrap_or_default());
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// The DN with attribute types lowercased and the spaces around `=`, `,`
/// and `+` trimmed; a component without `=` (a template placeholder) is
/// kept as it is, trimmed.
pub fn normalise_dn(dn: &str) -> String {
    let rdns: Vec<String> = split_unescaped(dn.trim(), ',')
        .into_iter()
        .map(|rdn| {
            let avas: Vec<String> = split_unescaped(rdn, '+')
                .into_iter()
                .map(|ava| match ava.split_once('=') {
                    Some((kind, value)) => {
                        format!("{}={}", kind.trim().to_ascii_lowercase(), trim_value(value))
                    }
                    None => ava.trim().to_string(),
                })
                .collect();
            avas.join("+")
        })
        .filter(|rdn| !rdn.is_empty())
        .collect();
    rdns.join(",")
}

/// Trims a DN value, keeping a space that a backslash escapes.
fn trim_value(value: &str) -> String {
    let trimmed = value.trim();
    if trimmed.ends_with('\\') && value.trim_start().len() > trimmed.len() {
        format!("{trimmed} ")
    } else {
        trimmed.to_string()
    }
}

/// The naming context of a normalised DN: its trailing `dc=`, `o=`, `c=`
/// and placeholder components, else its last component.
fn base_dn(dn: &str) -> &str {
    let rdns = split_unescaped(dn, ',');
    let is_base = |rdn: &str| match rdn.split_once('=') {
        Some((kind, _)) => matches!(kind, "dc" | "o" | "c"),
        None => true,
    };
    let keep = rdns.iter().rev().take_while(|rdn| is_base(rdn)).count().max(1);
    let skip = rdns.len().saturating_sub(keep);
    let offset: usize = rdns.iter().take(skip).map(|r| r.len() + 1).sum();
    dn.get(offset..).unwrap_or(dn)
}

struct Emitter {
    system: Option<String>,
    edges: Edges,
    /// `uid` values of the file's entries, to their node ids.
    uids: HashMap<String, String>,
}

impl Emitter {
    fn system(&self, dn: &str) -> String {
        match &self.system {
            Some(system) => system.clone(),
            None => format!("ldap:{}", base_dn(dn)),
        }
    }

    fn id(&self, dn: &str) -> String {
        format!("{}:{dn}", self.system(dn))
    }

    fn reference(&self, value: &str) -> String {
        self.id(&normalise_dn(value))
    }

    fn entry(&mut self, entry: &Entry, sink: &mut Sink) {
        let classes: Vec<&str> = entry.all("objectclass").collect();
        let has =
            |list: &[&str]| classes.iter().any(|c| list.contains(&c.to_ascii_lowercase().as_str()));
        let is_class = |name: &str| classes.iter().any(|c| c.eq_ignore_ascii_case(name));
        let kind = if has(GROUP_CLASSES) {
            NodeKind::Group
        } else if has(PERSON_CLASSES) {
            NodeKind::Account
        } else if is_class("organizationalRole") {
            NodeKind::Role
        } else {
            let class = classes.iter().find(|c| !c.eq_ignore_ascii_case("top"));
            NodeKind::Other(class.map_or("entry", |c| canonical_class(c)).to_string())
        };

        let id = self.id(&entry.dn);
        let mut node = Node::new(&id, kind.clone()).with_system(self.system(&entry.dn));
        let first_rdn_value = split_unescaped(&entry.dn, ',')
            .first()
            .and_then(|rdn| rdn.split_once('=').map(|(_, v)| v.to_string()));
        node.name = entry
            .first("displayname")
            .or_else(|| entry.first("cn"))
            .map(str::to_string)
            .or(first_rdn_value);
        node.props.insert("dn".into(), entry.dn_text.clone().into());
        if !classes.is_empty() {
            let list = classes.iter().map(|c| c.to_string()).collect();
            node.props.insert("object_class".into(), Value::StrList(list));
        }
        if kind == NodeKind::Account {
            self.account(entry, is_class("computer"), &mut node);
        }
        if let Some(manager) = entry.first("manager") {
            node.props.insert("manager".into(), self.reference(manager).into());
        }
        keep_others(entry, &mut node);
        sink.node(node);
        self.relations(entry, &id, sink);
    }

    fn account(&self, entry: &Entry, computer: bool, node: &mut Node) {
        let mut set = |key: &str, value: Value| {
            node.props.insert(key.to_string(), value);
        };
        let text = |names: &[&str]| names.iter().find_map(|n| entry.first(n));
        if let Some(v) = text(&["uid", "samaccountname"]) {
            set(props::USERNAME, v.into());
        }
        for (names, key) in [
            (&["mail"][..], props::EMAIL),
            (&["title"][..], props::TITLE),
            (&["employeenumber", "employeeid"][..], props::EMPLOYEE_ID),
            (&["department", "departmentnumber"][..], props::DEPARTMENT),
        ] {
            if let Some(v) = text(names) {
                set(key, v.into());
            }
        }
        if let Some(v) = entry.first("employeetype") {
            set(props::EMPLOYMENT_TYPE, v.to_lowercase().into());
        }
        if computer {
            set(props::ACCOUNT_TYPE, "machine".into());
        }

        // Enabled only when the entry says so one way or another.
        let mut enabled = None;
        if let Some(flags) =
            entry.first("useraccountcontrol").and_then(|v| v.trim().parse::<i64>().ok())
        {
            enabled = Some(flags & 0x2 == 0);
            set(props::PASSWORD_NEVER_EXPIRES, (flags & 0x1_0000 != 0).into());
            set(props::DONT_REQ_PREAUTH, (flags & 0x40_0000 != 0).into());
        }
        let is_true =
            |name: &str| entry.first(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if is_true("nsaccountlock")
            || is_true("logindisabled")
            || entry.first("pwdaccountlockedtime").is_some()
        {
            enabled = Some(false);
        }
        if let Some(enabled) = enabled {
            set(props::ENABLED, enabled.into());
        }
        if entry.first("serviceprincipalname").is_some() {
            set(props::HAS_SPN, true.into());
        }

        let created = ["createtimestamp", "whencreated"]
            .iter()
            .find_map(|n| entry.first(n).and_then(b_time::parse));
        if let Some(t) = created {
            set(props::CREATED, Value::Time(t));
        }
        let logins = [
            entry.first("authtimestamp").and_then(b_time::parse),
            entry.first("lastlogontimestamp").and_then(filetime),
            entry.first("lastlogon").and_then(filetime),
        ];
        if let Some(t) = logins.into_iter().flatten().max() {
            set(props::LAST_LOGIN, Value::Time(t));
        }
        if let Some(sid) = entry.first("objectsid") {
            set("object_sid", sid.into());
        }
    }

    fn relations(&mut self, entry: &Entry, id: &str, sink: &mut Sink) {
        for (_, _, value, _) in
            entry.attrs.iter().filter(|a| a.0 == "member" || a.0 == "uniquemember")
        {
            let member = self.reference(strip_uid_suffix(value));
            self.edges.add(sink, Edge::new(EdgeKind::MemberOf, member, id));
        }
        for uid in entry.all("memberuid") {
            let member = match self.uids.get(uid.trim()) {
                Some(found) => found.clone(),
                None => format!("{}:memberUid:{}", self.system(&entry.dn), uid.trim()),
            };
            self.edges.add(sink, Edge::new(EdgeKind::MemberOf, member, id));
        }
        for group in entry.all("memberof") {
            let group = self.reference(group);
            self.edges.add(sink, Edge::new(EdgeKind::MemberOf, id, group));
        }
        for owner in entry.all("owner") {
            let owner = self.reference(owner);
            self.edges.add(sink, Edge::new(EdgeKind::Owns, owner, id));
        }
        for occupant in entry.all("roleoccupant") {
            let occupant = self.reference(occupant);
            self.edges.add(sink, Edge::new(EdgeKind::HasRole, occupant, id));
        }
    }
}

/// `uniqueMember` values may end in `#'0101'B`, an optional uid.
fn strip_uid_suffix(value: &str) -> &str {
    match value.rfind("#'") {
        Some(at) if value.ends_with("'B") => value.get(..at).unwrap_or(value),
        _ => value,
    }
}

/// An AD FILETIME (100 ns ticks since 1601) as Unix seconds; 0 and the
/// largest value mean never.
fn filetime(text: &str) -> Option<i64> {
    let ticks: i64 = text.trim().parse().ok()?;
    (ticks > 0 && ticks != i64::MAX).then(|| ticks / 10_000_000 - 11_644_473_600)
}

/// The usual spelling of common structural classes, so that two files
/// spelling them differently give one kind.
fn canonical_class(class: &str) -> &str {
    const KNOWN: &[&str] = &[
        "organizationalUnit",
        "organization",
        "domain",
        "dcObject",
        "country",
        "locality",
        "container",
        "device",
        "ipHost",
        "ipNetwork",
        "ipProtocol",
        "ipService",
        "oncRpc",
        "nisMap",
        "nisObject",
        "olcDatabaseConfig",
    ];
    KNOWN.iter().find(|k| k.eq_ignore_ascii_case(class)).copied().unwrap_or(class)
}

/// Keeps the attributes not mapped elsewhere under their lowercased type.
fn keep_others(entry: &Entry, node: &mut Node) {
    let mut values: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (lower, _, value, _) in &entry.attrs {
        if !MAPPED.contains(&lower.as_str()) {
            values.entry(lower.as_str()).or_default().push(value.clone());
        }
    }
    for (name, mut list) in values {
        let value = if list.len() == 1 {
            Value::Str(list.pop().unwrap_or_default())
        } else {
            Value::StrList(list)
        };
        node.props.entry(name.to_string()).or_insert(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Graph;
    use crate::ingest::{IngestReport, Limits, Mode};

    const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!("{ROOT}{path}")).unwrap()
    }

    fn read_all(mode: Mode, files: &[(&str, &[u8])]) -> (Graph, IngestReport) {
        let mut sink = Sink::new(mode);
        for (name, bytes) in files {
            read(bytes, name, &ReadOptions::default(), &mut sink).unwrap();
        }
        sink.finish()
    }

    fn read_one(mode: Mode, text: &str) -> Result<(Graph, IngestReport), IngestError> {
        let mut sink = Sink::new(mode);
        read(text.as_bytes(), "t.ldif", &ReadOptions::default(), &mut sink)?;
        Ok(sink.finish())
    }

    fn count(graph: &Graph, kind: &NodeKind) -> usize {
        graph.nodes().iter().filter(|n| &n.kind == kind).count()
    }

    fn edges(graph: &Graph, kind: EdgeKind) -> usize {
        graph.edges().iter().filter(|e| e.kind == kind).count()
    }

    #[test]
    fn the_openldap_test_directory() {
        let bytes = fixture("ldif-openldap/test.ldif");
        let (graph, report) = read_all(Mode::Strict, &[("test.ldif", &bytes)]);
        assert_eq!(graph.node_count(), 19);
        assert_eq!(count(&graph, &NodeKind::Account), 11);
        assert_eq!(count(&graph, &NodeKind::Group), 3);
        assert_eq!(count(&graph, &NodeKind::Other("organizationalUnit".into())), 4);
        assert_eq!(edges(&graph, EdgeKind::MemberOf), 22);
        assert_eq!(edges(&graph, EdgeKind::Owns), 3);
        assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);

        // A DN folded over two lines, a base64 value with its spaces.
        let babs = graph
            .node("ldap:dc=example,dc=com:cn=Barbara Jensen,ou=Information Technology Division,ou=People,dc=example,dc=com")
            .unwrap();
        assert_eq!(babs.name.as_deref(), Some("Barbara Jensen"));
        assert_eq!(babs.system.as_deref(), Some("ldap:dc=example,dc=com"));
        assert_eq!(babs.prop(props::USERNAME), Some(&"bjensen".into()));
        assert_eq!(babs.prop(props::TITLE), Some(&"Mythical Manager, Research Systems".into()));
        assert_eq!(babs.prop("sn"), Some(&" Jensen ".into()));
        assert_eq!(
            babs.prop("cn"),
            Some(&Value::StrList(vec!["Barbara Jensen".into(), "Babs Jensen".into()]))
        );
        assert_eq!(babs.prop("userpassword"), None);

        let source = &report.sources[0];
        assert_eq!(source.records, 19);
        assert_eq!(source.warnings, vec!["dropped 4 values of secret attribute userPassword"]);
    }

    #[test]
    fn differently_cased_dns_meet_at_one_id() {
        // `uniquemember: cn=Bjorn Jensen,OU=Information Technology Division,...`
        let bytes = fixture("ldif-openldap/test-dirsync-nocp.ldif");
        let (graph, report) = read_all(Mode::Strict, &[("dirsync.ldif", &bytes)]);
        assert_eq!(graph.node_count(), 20);
        assert_eq!(count(&graph, &NodeKind::Account), 11);
        assert_eq!(count(&graph, &NodeKind::Group), 3);
        assert_eq!(edges(&graph, EdgeKind::MemberOf), 22);
        assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);
        assert_eq!(
            report.sources[0].warnings,
            vec!["dropped 4 values of secret attribute userpassword"]
        );
    }

    #[test]
    fn posix_groups_resolve_member_uids_within_the_file() {
        let bytes = fixture("ldif-openldap/nis_sample.ldif");
        let (graph, report) = read_all(Mode::Strict, &[("nis.ldif", &bytes)]);
        // 1265 entries, 60 of which repeat a DN (a service over tcp and
        // udp): the repeats merge into the node already there.
        assert_eq!(graph.node_count(), 1205);
        assert_eq!(count(&graph, &NodeKind::Account), 24); // `uid=nobody` twice
        assert_eq!(count(&graph, &NodeKind::Group), 16);
        assert_eq!(count(&graph, &NodeKind::Other("ipNetwork".into())), 991);
        assert_eq!(edges(&graph, EdgeKind::MemberOf), 16);
        assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);
        let sys = graph.node("ldap:o=SGI,c=US:cn=sys,o=SGI,c=US").unwrap();
        assert_eq!(sys.kind, NodeKind::Group);
        assert!(graph.edges().iter().any(|e| e.src == "ldap:o=SGI,c=US:uid=root,o=SGI,c=US"
            && e.dst == "ldap:o=SGI,c=US:cn=sys,o=SGI,c=US"));
        assert_eq!(
            report.sources[0].warnings,
            vec!["dropped 22 values of secret attribute userPassword"]
        );
    }

    #[test]
    fn an_unknown_member_uid_stays_an_unresolved_reference() {
        let (graph, report) =
            read_one(Mode::Strict, "dn: cn=ops,dc=x\nobjectClass: posixGroup\nmemberUid: ghost\n")
                .unwrap();
        assert_eq!(graph.edges()[0].src, "ldap:dc=x:memberUid:ghost");
        assert_eq!(report.unresolved, vec!["ldap:dc=x:memberUid:ghost".to_string()]);
    }

    #[test]
    fn midpoint_files_keep_their_base_dn_placeholder() {
        let names = [
            "100-baseEntry.ldif",
            "105-ldap-people.ldif",
            "106-ldap-admin-accounts.ldif",
            "110-ldap-people-system.ldif",
            "200-groups.ldif",
            "205-application-groups.ldif",
            "210-admin-groups.ldif",
            "300-acl.ldif",
        ];
        let files: Vec<(&str, Vec<u8>)> = names
            .iter()
            .map(|n| (*n, fixture(&format!("midpoint-smart-integration/{n}"))))
            .collect();
        let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let (graph, report) = read_all(Mode::Lenient, &refs);

        assert_eq!(graph.node_count(), 77);
        assert_eq!(count(&graph, &NodeKind::Account), 45);
        assert_eq!(count(&graph, &NodeKind::Group), 26);
        assert_eq!(count(&graph, &NodeKind::Other("organizationalUnit".into())), 6);
        assert_eq!(edges(&graph, EdgeKind::MemberOf), 229);
        assert_eq!(report.unresolved, vec!["ldap:o=whatever:cn=dummy,o=whatever".to_string()]);

        let base = "ldap:{{ LDAP_BASE_DN }}";
        let alex =
            graph.node(&format!("{base}:uid=afreeman,ou=users,{{{{ LDAP_BASE_DN }}}}")).unwrap();
        assert_eq!(alex.system.as_deref(), Some(base));
        assert_eq!(alex.prop(props::EMPLOYEE_ID), Some(&"1010".into()));
        assert_eq!(alex.prop(props::TITLE), Some(&"Sales Rep.".into()));
        let idm = graph
            .node(&format!("{base}:cn=idm,ou=service-accounts,{{{{ LDAP_BASE_DN }}}}"))
            .unwrap();
        assert_eq!(
            idm.prop("description"),
            Some(&"Special LDAP account used by the IDM to access the LDAP data.".into())
        );

        // The ACL file is one change record, skipped and counted.
        let acl = report.sources.iter().find(|s| s.file == "300-acl.ldif").unwrap();
        assert_eq!(acl.records, 1);
        assert_eq!(acl.skipped.len(), 1);
        assert_eq!(acl.skipped[0].place, Place::line("300-acl.ldif", 1));
        assert_eq!(acl.skipped[0].reason, "changetype modify records are not read, only content");
        let secrets: usize = report.sources.iter().map(|s| s.warnings.len()).sum();
        assert_eq!(secrets, 3);
    }

    #[test]
    fn the_hogwarts_groups_start_with_a_version_line() {
        let bytes = fixture("midpoint-hogwarts/groups.ldif");
        let (graph, report) = read_all(Mode::Strict, &[("groups.ldif", &bytes)]);
        assert_eq!(count(&graph, &NodeKind::Group), 5);
        assert_eq!(edges(&graph, EdgeKind::MemberOf), 5);
        assert_eq!(report.sources[0].records, 5);
        assert_eq!(
            report.unresolved,
            vec!["ldap:dc=example,dc=com:uid=nobody,dc=example,dc=com".to_string()]
        );
    }

    #[test]
    fn no_secret_from_the_fixtures_reaches_the_graph() {
        let paths = [
            "ldif-openldap/test.ldif",
            "ldif-openldap/test-dirsync-nocp.ldif",
            "ldif-openldap/nis_sample.ldif",
            "midpoint-smart-integration/105-ldap-people.ldif",
            "midpoint-smart-integration/106-ldap-admin-accounts.ldif",
            "midpoint-smart-integration/110-ldap-people-system.ldif",
        ];
        let files: Vec<(&str, Vec<u8>)> = paths.iter().map(|p| (*p, fixture(p))).collect();
        let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let (graph, _) = read_all(Mode::Lenient, &refs);
        let json = serde_json::to_string(&graph).unwrap();
        for secret in [
            "{SSHA}nbiCSFRf7D89b9wZYLqzOKT6PBVHd4YY",
            "{SSHA}R5KF3K4X2FX5gkWKuDxm4M6gZyO0QgNF",
            "{crypt}xZuUdcHRxN1cc",
            "fRJsjYGR3q7TE",
            "YmplbnNlbg==",
            "c2VjcmV0",
            "userpassword",
            "userPassword",
        ] {
            assert!(!json.contains(secret), "{secret} reached the graph");
        }
    }

    #[test]
    fn binary_values_and_urls_are_skipped_with_warnings() {
        let text = "dn: cn=a,dc=x\nobjectClass: person\ncn: a\njpegPhoto:: /9j/4AAQ\n\
                    userCertificate;binary:: MIIB\ndescription:: //79\n\
                    objectSid:: AQUAAAAAAAUVAAAAIGVwPvGlVPcubdoUUAQAAA==\n\
                    seeAlso:< file:///etc/passwd\n";
        let (graph, report) = read_one(Mode::Strict, text).unwrap();
        let a = graph.node("ldap:dc=x:cn=a,dc=x").unwrap();
        assert_eq!(a.prop("description"), None);
        assert_eq!(a.prop("seealso"), None);
        assert_eq!(
            a.prop("object_sid"),
            Some(&"S-1-5-21-1047553312-4149519857-349859118-1104".into())
        );
        assert_eq!(
            report.sources[0].warnings,
            vec![
                "dropped 1 value of secret attribute jpegPhoto",
                "skipped 1 binary value of attribute description",
                "skipped 1 binary value of attribute userCertificate",
                "skipped 1 value of attribute seeAlso given by URL, not fetched",
            ]
        );
    }

    #[test]
    fn a_broken_base64_value_is_a_skip_at_its_line() {
        let text = "dn: cn=a,dc=x\nobjectClass: person\ndescription:: not*base64\ncn: a\n";
        let (graph, report) = read_one(Mode::Lenient, text).unwrap();
        assert_eq!(graph.node("ldap:dc=x:cn=a,dc=x").unwrap().prop("cn"), Some(&"a".into()));
        assert_eq!(report.sources[0].skipped[0].place, Place::line("t.ldif", 3));
        let err = read_one(Mode::Strict, text).unwrap_err();
        assert_eq!(err.to_string(), "t.ldif:3: description: value is not valid base64");
    }

    #[test]
    fn a_folded_line_at_the_start_continues_nothing() {
        let text = " ple,dc=com\ndn: cn=a,dc=x\nobjectClass: person\n";
        let (graph, report) = read_one(Mode::Lenient, text).unwrap();
        assert_eq!(graph.node_count(), 1);
        assert_eq!(report.sources[0].skipped[0].place, Place::line("t.ldif", 1));
        let err = read_one(Mode::Strict, text).unwrap_err();
        assert_eq!(err.to_string(), "t.ldif:1: continued line with no line to continue");
    }

    #[test]
    fn a_line_over_the_limit_is_refused() {
        let text = format!("dn: cn=a,dc=x\ndescription: {}\n", "x".repeat(100));
        let opts = ReadOptions {
            limits: Limits { max_line: 64, ..Limits::default() },
            ..ReadOptions::default()
        };
        let mut sink = Sink::new(Mode::Lenient);
        let err = read(text.as_bytes(), "t.ldif", &opts, &mut sink).unwrap_err();
        assert!(matches!(err, IngestError::Limit { .. }));
        assert_eq!(err.to_string(), "t.ldif:2: line of 113 bytes is over the limit of 64");

        // Folding does not get around it.
        let folded =
            format!("dn: cn=a,dc=x\ndescription: {}\n {}\n", "x".repeat(40), "y".repeat(40));
        let mut sink = Sink::new(Mode::Lenient);
        let err = read(folded.as_bytes(), "t.ldif", &opts, &mut sink).unwrap_err();
        assert_eq!(err.to_string(), "t.ldif:2: folded line is over the limit of 64 bytes");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let mut sink = Sink::new(Mode::Lenient);
        let err =
            read(b"dn: cn=a,dc=x\ncn: caf\xe9\n", "t.ldif", &ReadOptions::default(), &mut sink)
                .unwrap_err();
        assert_eq!(err.to_string(), "t.ldif:2: invalid UTF-8 at byte 8 of the line");
    }

    #[test]
    fn change_records_add_is_content_and_others_are_skipped() {
        let text = "version: 1\n\ndn: cn=a,dc=x\nchangetype: add\nobjectClass: person\n\n\
                    dn: cn=b,dc=x\nchangetype: delete\n\n\
                    dn: cn=c,dc=x\nchangetype: modify\nreplace: cn\ncn: c\n-\n";
        let (graph, report) = read_one(Mode::Lenient, text).unwrap();
        assert_eq!(graph.node_count(), 1);
        assert_eq!(graph.node("ldap:dc=x:cn=a,dc=x").unwrap().kind, NodeKind::Account);
        let skipped = &report.sources[0].skipped;
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].place, Place::line("t.ldif", 7));
        assert_eq!(skipped[1].place, Place::line("t.ldif", 10));
        assert_eq!(report.sources[0].records, 3);
    }

    #[test]
    fn active_directory_accounts() {
        let text = "dn: CN=Ann Admin , OU=Admins,DC=corp,DC=example\n\
                    objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\n\
                    objectClass: user\nsAMAccountName: ann\nuserAccountControl: 66050\n\
                    whenCreated: 20200102030405.0Z\nlastLogonTimestamp: 132514080000000000\n\
                    memberOf: CN=Domain Admins,CN=Users,DC=corp,DC=example\n\
                    unicodePwd:: IgBzAGUAYwByAGUAdAAiAA==\n";
        let (graph, report) = read_one(Mode::Strict, text).unwrap();
        let id = "ldap:dc=corp,dc=example:cn=Ann Admin,ou=Admins,dc=corp,dc=example";
        let ann = graph.node(id).unwrap();
        assert_eq!(ann.prop(props::USERNAME), Some(&"ann".into()));
        assert_eq!(ann.prop(props::ENABLED), Some(&false.into()));
        assert_eq!(ann.prop(props::PASSWORD_NEVER_EXPIRES), Some(&true.into()));
        assert_eq!(ann.prop(props::CREATED), Some(&Value::Time(1_577_934_245)));
        assert_eq!(ann.prop(props::LAST_LOGIN), Some(&Value::Time(1_606_934_400)));
        assert_eq!(
            graph.edges()[0].dst,
            "ldap:dc=corp,dc=example:cn=Domain Admins,cn=Users,dc=corp,dc=example"
        );
        assert_eq!(
            report.sources[0].warnings,
            vec!["dropped 1 value of secret attribute unicodePwd"]
        );
    }

    #[test]
    fn unique_members_lose_their_uid_suffix() {
        assert_eq!(strip_uid_suffix("cn=a,dc=x#'0101'B"), "cn=a,dc=x");
        assert_eq!(strip_uid_suffix("cn=a#b,dc=x"), "cn=a#b,dc=x");
        assert_eq!(normalise_dn(" CN = a\\, b ,dc=x+UID=1 "), "cn=a\\, b,dc=x+uid=1");
        assert_eq!(base_dn("uid=a,ou=users,{{ LDAP_BASE_DN }}"), "{{ LDAP_BASE_DN }}");
        assert_eq!(base_dn("cn=config"), "cn=config");
    }
}
