//! Reader and writer: AISF's CSV bundle, the documented interchange.
//!
//! A bundle is a folder holding some of these files, each with a header
//! row. Columns may come in any order; a column not listed is kept as a
//! string property (on the node, or on the edge for relation files).
//!
//! - `systems.csv`: `system_id`, `name`, `system`
//! - `persons.csv`: `person_id`, `employee_id`, `name`, `email`, `department`, `title`,
//!   `manager_id`, `employment_type`, `status`, `start_date`, `end_date`, (`system`)
//! - `accounts.csv`: `account_id`, `system`, `username`, `email`, `person_id`, `enabled`,
//!   `last_login`, `created`, `privileged`, `mfa`, `account_type`, `owner_id`, (`name`)
//! - `groups.csv`: `group_id`, `system`, `name`, `privileged`
//! - `roles.csv`: `role_id`, `system`, `name`, `privileged`
//! - `resources.csv`: `resource_id`, `system`, `name`
//! - `entitlements.csv`: `entitlement_id`, `system`, `resource`, `permission`, `privileged`,
//!   (`name`), (`resource_id`)
//! - `memberships.csv`: `member_id`, `group_id` (members are accounts or groups)
//! - `grants.csv`: `holder_id`, `entitlement_id` (accounts, groups or roles)
//! - `role_assignments.csv`: `holder_id`, `role_id`
//! - `ownership.csv`: `owner_id`, `owned_id` (anything owned: groups, resources, accounts)
//!
//! Columns in parentheses are optional extensions that let a bundle carry
//! everything the writer knows. References become edges: `person_id` on an
//! account a [`Correlation`](EdgeKind::Correlation) edge account to person,
//! `manager_id` a [`Manager`](EdgeKind::Manager) edge, `owner_id` an
//! [`Owns`](EdgeKind::Owns) edge owner to account (`ownership.csv` says the
//! same of anything else), and `resource_id` on an entitlement an
//! [`OnResource`](EdgeKind::OnResource) edge to that resource. Without a
//! `resource_id`, the `resource` column of an entitlement makes a resource
//! node `resource:<system>:<resource>` and the edge to it.
//!
//! A column no table lists is kept as a string property, or typed when its
//! header ends in `:int`, `:bool`, `:time` or `:list` (a JSON array of
//! strings): `tier:int` holds the integer property `tier`. The writer types
//! the columns it writes this way, so that a written bundle reads back with
//! the same property types.
//!
//! Empty cells mean "not known". Booleans are `true`/`false`/`yes`/`no`/
//! `1`/`0` in any case; dates are `YYYY-MM-DD` or RFC 3339, read as UTC
//! seconds. A row with a value that does not parse is skipped, naming the
//! file, line, column and value.
//!
//! HR exports rarely use these names: a [`ColumnMap`] names the source
//! header for each canonical column (or the headers joined to make it,
//! such as a first name and a surname), says what the export's own values
//! mean (a status `Former employee` is `terminated`), and [`read_file`]
//! reads a file of any name as the bundle file it is told.

use std::fs;
use std::path::Path;

use super::b_common::{is_secret, next_csv_row};
use super::dates::parse_timestamp;
use super::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Edge, EdgeKind, Node, NodeKind, Value, props};

mod map;
mod typed;
mod write;

pub use map::ColumnMap;
pub use write::{WriteReport, write_bundle};

use map::Cells;
use typed::Typed;

/// One file of a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BundleFile {
    /// `systems.csv`.
    Systems,
    /// `persons.csv`.
    Persons,
    /// `accounts.csv`.
    Accounts,
    /// `groups.csv`.
    Groups,
    /// `roles.csv`.
    Roles,
    /// `resources.csv`.
    Resources,
    /// `entitlements.csv`.
    Entitlements,
    /// `memberships.csv`.
    Memberships,
    /// `grants.csv`.
    Grants,
    /// `role_assignments.csv`.
    RoleAssignments,
    /// `ownership.csv`.
    Ownership,
}

/// What a column means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Col {
    /// The node id.
    Id,
    /// The display name.
    Name,
    /// The system.
    System,
    /// A string property.
    Str(&'static str),
    /// A boolean property.
    Bool(&'static str),
    /// A timestamp property.
    Time(&'static str),
    /// `human`, `service` or `shared`.
    AccountType,
    /// A reference to another node, made an edge.
    Ref(RefKind),
    /// The resource an entitlement is on.
    Resource,
}

/// The edges a reference column makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RefKind {
    /// Correlation, account to person.
    Correlation,
    /// Manager, person to manager.
    Manager,
    /// Owns, owner to account.
    Owner,
    /// OnResource, entitlement to resource.
    Resource,
}

const SYSTEMS: &[(&str, Col)] =
    &[("system_id", Col::Id), ("name", Col::Name), ("system", Col::System)];

const RESOURCES: &[(&str, Col)] =
    &[("resource_id", Col::Id), ("system", Col::System), ("name", Col::Name)];

const PERSONS: &[(&str, Col)] = &[
    ("person_id", Col::Id),
    ("employee_id", Col::Str(props::EMPLOYEE_ID)),
    ("name", Col::Name),
    ("email", Col::Str(props::EMAIL)),
    ("department", Col::Str(props::DEPARTMENT)),
    ("title", Col::Str(props::TITLE)),
    ("manager_id", Col::Ref(RefKind::Manager)),
    ("employment_type", Col::Str(props::EMPLOYMENT_TYPE)),
    ("status", Col::Str(props::STATUS)),
    ("start_date", Col::Time(props::START_DATE)),
    ("end_date", Col::Time(props::END_DATE)),
    ("system", Col::System),
];

const ACCOUNTS: &[(&str, Col)] = &[
    ("account_id", Col::Id),
    ("system", Col::System),
    ("username", Col::Str(props::USERNAME)),
    ("email", Col::Str(props::EMAIL)),
    ("person_id", Col::Ref(RefKind::Correlation)),
    ("enabled", Col::Bool(props::ENABLED)),
    ("last_login", Col::Time(props::LAST_LOGIN)),
    ("created", Col::Time(props::CREATED)),
    ("privileged", Col::Bool(props::PRIVILEGED)),
    ("mfa", Col::Bool(props::MFA)),
    ("account_type", Col::AccountType),
    ("owner_id", Col::Ref(RefKind::Owner)),
    ("name", Col::Name),
];

const GROUPS: &[(&str, Col)] = &[
    ("group_id", Col::Id),
    ("system", Col::System),
    ("name", Col::Name),
    ("privileged", Col::Bool(props::PRIVILEGED)),
];

const ROLES: &[(&str, Col)] = &[
    ("role_id", Col::Id),
    ("system", Col::System),
    ("name", Col::Name),
    ("privileged", Col::Bool(props::PRIVILEGED)),
];

const ENTITLEMENTS: &[(&str, Col)] = &[
    ("entitlement_id", Col::Id),
    ("system", Col::System),
    ("resource", Col::Resource),
    ("permission", Col::Str(props::PERMISSION)),
    ("privileged", Col::Bool(props::PRIVILEGED)),
    ("name", Col::Name),
    ("resource_id", Col::Ref(RefKind::Resource)),
];

impl BundleFile {
    /// Every bundle file, in the order a bundle is read.
    pub const ALL: [BundleFile; 11] = [
        BundleFile::Systems,
        BundleFile::Persons,
        BundleFile::Accounts,
        BundleFile::Groups,
        BundleFile::Roles,
        BundleFile::Resources,
        BundleFile::Entitlements,
        BundleFile::Memberships,
        BundleFile::Grants,
        BundleFile::RoleAssignments,
        BundleFile::Ownership,
    ];

    /// The file's name in a bundle.
    pub fn file_name(self) -> &'static str {
        match self {
            BundleFile::Systems => "systems.csv",
            BundleFile::Persons => "persons.csv",
            BundleFile::Accounts => "accounts.csv",
            BundleFile::Groups => "groups.csv",
            BundleFile::Roles => "roles.csv",
            BundleFile::Resources => "resources.csv",
            BundleFile::Entitlements => "entitlements.csv",
            BundleFile::Memberships => "memberships.csv",
            BundleFile::Grants => "grants.csv",
            BundleFile::RoleAssignments => "role_assignments.csv",
            BundleFile::Ownership => "ownership.csv",
        }
    }

    /// The bundle file a path names, by its last component (any case).
    pub fn from_file_name(path: &str) -> Option<BundleFile> {
        let name = path.rsplit(['/', '\\', '!']).next()?;
        BundleFile::ALL.into_iter().find(|f| f.file_name().eq_ignore_ascii_case(name))
    }

    /// The bundle file a header row looks like, by its id columns.
    pub fn from_headers(headers: &[&str]) -> Option<BundleFile> {
        let clean = |h: &&str| {
            h.trim().trim_start_matches('\u{feff}').trim_matches('"').to_ascii_lowercase()
        };
        let headers: Vec<String> = headers.iter().map(clean).collect();
        let has = |name: &str| headers.iter().any(|h| h == name);
        match headers.first().map(String::as_str)? {
            "system_id" => Some(BundleFile::Systems),
            "person_id" => Some(BundleFile::Persons),
            "account_id" => Some(BundleFile::Accounts),
            "group_id" => Some(BundleFile::Groups),
            "role_id" => Some(BundleFile::Roles),
            "resource_id" => Some(BundleFile::Resources),
            "entitlement_id" => Some(BundleFile::Entitlements),
            "member_id" if has("group_id") => Some(BundleFile::Memberships),
            "holder_id" if has("entitlement_id") => Some(BundleFile::Grants),
            "holder_id" if has("role_id") => Some(BundleFile::RoleAssignments),
            "owner_id" if has("owned_id") => Some(BundleFile::Ownership),
            _ => None,
        }
    }

    /// The columns of a node file.
    pub(crate) fn node_columns(self) -> Option<&'static [(&'static str, Col)]> {
        match self {
            BundleFile::Systems => Some(SYSTEMS),
            BundleFile::Persons => Some(PERSONS),
            BundleFile::Accounts => Some(ACCOUNTS),
            BundleFile::Groups => Some(GROUPS),
            BundleFile::Roles => Some(ROLES),
            BundleFile::Resources => Some(RESOURCES),
            BundleFile::Entitlements => Some(ENTITLEMENTS),
            _ => None,
        }
    }

    /// The node kind of a node file.
    pub(crate) fn node_kind(self) -> Option<NodeKind> {
        match self {
            BundleFile::Systems => Some(NodeKind::System),
            BundleFile::Persons => Some(NodeKind::Person),
            BundleFile::Accounts => Some(NodeKind::Account),
            BundleFile::Groups => Some(NodeKind::Group),
            BundleFile::Roles => Some(NodeKind::Role),
            BundleFile::Resources => Some(NodeKind::Resource),
            BundleFile::Entitlements => Some(NodeKind::Entitlement),
            _ => None,
        }
    }

    /// The source column, target column and edge kind of a relation file.
    pub(crate) fn relation(self) -> Option<(&'static str, &'static str, EdgeKind)> {
        match self {
            BundleFile::Memberships => Some(("member_id", "group_id", EdgeKind::MemberOf)),
            BundleFile::Grants => Some(("holder_id", "entitlement_id", EdgeKind::Grant)),
            BundleFile::RoleAssignments => Some(("holder_id", "role_id", EdgeKind::HasRole)),
            BundleFile::Ownership => Some(("owner_id", "owned_id", EdgeKind::Owns)),
            _ => None,
        }
    }
}

/// Reads one bundle file, which one told by its name or, failing that, by
/// its first header.
///
/// # Errors
///
/// [`IngestError::UnknownFormat`] when neither the name nor the header is
/// a bundle file's; otherwise as [`read_file`].
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first_line = String::from_utf8_lossy(first_line);
    let headers: Vec<&str> = first_line.trim_end_matches('\r').split(',').collect();
    let kind = BundleFile::from_file_name(file).or_else(|| BundleFile::from_headers(&headers));
    let Some(kind) = kind else {
        return Err(IngestError::UnknownFormat {
            file: file.to_string(),
            hint: "not a bundle file name, and the first column names no bundle file".into(),
        });
    };
    read_file(kind, bytes, file, &ColumnMap::new(), opts, sink)
}

/// Reads every bundle file present in a folder, in the order of
/// [`BundleFile::ALL`].
///
/// # Errors
///
/// [`IngestError::Io`] naming a file that cannot be read; otherwise as
/// [`read_file`].
pub fn read_dir(dir: &Path, opts: &ReadOptions, sink: &mut Sink) -> Result<(), IngestError> {
    for kind in BundleFile::ALL {
        let path = dir.join(kind.file_name());
        if !path.is_file() {
            continue;
        }
        let name = path.display().to_string();
        let bytes =
            fs::read(&path).map_err(|source| IngestError::Io { file: name.clone(), source })?;
        read_file(kind, &bytes, &name, &ColumnMap::new(), opts, sink)?;
    }
    Ok(())
}

/// Reads one file as the bundle file `kind`, whatever its name, taking
/// columns from the headers `map` names.
///
/// # Errors
///
/// [`IngestError::Malformed`] when the header lacks the id column (or, for
/// relation files, either end's column) or a column `map` names;
/// [`IngestError::Limit`] when the
/// input or a row is larger than the limits allow; in strict mode, the
/// first row that cannot be used.
pub fn read_file(
    kind: BundleFile,
    bytes: &[u8],
    file: &str,
    map: &ColumnMap,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::CsvBundle);
    if bytes.len() as u64 > opts.limits.max_input {
        return Err(IngestError::Limit {
            place: Place::file(file),
            message: format!("input exceeds the limit of {} bytes", opts.limits.max_input),
        });
    }
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::Headers).flexible(false).from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|err| IngestError::Malformed {
            place: Place::line(file, 1),
            message: format!("cannot read the header row: {err}"),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let table = Table::new(kind, &headers, map, file)?;
    for header in &table.secret {
        sink.warn(format!("{file}: column '{header}' holds secrets; its values were left out"));
    }

    let mut record = csv::StringRecord::new();
    while let Some(line) = next_csv_row(&mut reader, &mut record, file, &opts.limits, sink)? {
        if let Err(reason) = table.row(&record, sink) {
            sink.skip(Place::line(file, line), reason)?;
        }
    }
    Ok(())
}

/// Where each meaningful column of one file is, and what it means.
struct Table {
    kind: BundleFile,
    /// (where its text is, canonical name, meaning), for node files.
    cols: Vec<(Cells, &'static str, Col)>,
    /// The source and target column indices, for relation files.
    ends: Option<(usize, usize, EdgeKind)>,
    /// Columns kept as properties: (index, header, property, type).
    extra: Vec<(usize, String, String, Typed)>,
    /// Columns left out because their name says they hold secrets.
    secret: Vec<String>,
}

impl Table {
    fn new(
        kind: BundleFile,
        headers: &[String],
        map: &ColumnMap,
        file: &str,
    ) -> Result<Table, IngestError> {
        let position = |wanted: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(wanted));
        let missing = |header: &str| IngestError::Malformed {
            place: Place::line(file, 1),
            message: format!("no '{header}' column in the header (found {})", headers.join(", ")),
        };
        // Every part of a column must be there; a part the map names but
        // the file lacks is an error, not a column quietly left empty.
        let find = |canonical: &str| -> Result<Option<Vec<usize>>, IngestError> {
            let (wanted, _) = map.headers(canonical);
            let found: Vec<Option<usize>> = wanted.iter().map(|h| position(h)).collect();
            match found.iter().position(Option::is_none) {
                None => Ok(Some(found.into_iter().flatten().collect())),
                Some(_) if !map.is_mapped(canonical) => Ok(None),
                Some(gap) => Err(missing(wanted[gap])),
            }
        };

        let mut table =
            Table { kind, cols: Vec::new(), ends: None, extra: Vec::new(), secret: Vec::new() };
        let mut parts = Vec::new();
        if let Some(columns) = kind.node_columns() {
            for (name, col) in columns {
                let Some(at) = find(name)? else {
                    if *col == Col::Id {
                        return Err(missing(name));
                    }
                    continue;
                };
                if at.len() > 1 {
                    parts.extend(at.iter().copied());
                }
                let separator = map.headers(name).1.to_string();
                let values = map.values_of(name).cloned();
                table.cols.push((Cells { at, separator, values }, name, *col));
            }
        }
        if let Some((src, dst, edge)) = kind.relation() {
            let end = |canonical: &str| {
                let at = find(canonical)?.and_then(|at| at.first().copied());
                at.ok_or_else(|| missing(map.source(canonical).unwrap_or(canonical)))
            };
            table.ends = Some((end(src)?, end(dst)?, edge));
        }

        // The parts of a joined column stay properties of their own.
        let used: Vec<usize> = table
            .cols
            .iter()
            .flat_map(|(cells, _, _)| cells.at.iter().copied())
            .chain(table.ends.iter().flat_map(|(s, d, _)| [*s, *d]))
            .filter(|at| !parts.contains(at))
            .collect();
        for (at, header) in headers.iter().enumerate() {
            if !used.contains(&at) && !header.is_empty() {
                let (key, typed) = Typed::of_header(header);
                // Passwords, keys, tokens and photos never enter the graph.
                if is_secret(key) {
                    table.secret.push(header.clone());
                    continue;
                }
                table.extra.push((at, header.clone(), key.to_string(), typed));
            }
        }
        Ok(table)
    }

    /// Emits one row's node and edges, or says why the row is unusable.
    fn row(&self, record: &csv::StringRecord, sink: &mut Sink) -> Result<(), String> {
        let cell = |at: usize| record.get(at).unwrap_or_default();
        let mut extras = crate::Props::new();
        for (at, header, key, typed) in &self.extra {
            let raw = cell(*at);
            if raw.is_empty() {
                continue;
            }
            let value = typed.read(raw).map_err(|expected| {
                format!("column '{header}': expected {expected}, found {raw:?}")
            })?;
            extras.insert(key.clone(), value);
        }

        if let Some((src_at, dst_at, kind)) = &self.ends {
            let (src, dst) = (cell(*src_at).trim(), cell(*dst_at).trim());
            if src.is_empty() || dst.is_empty() {
                return Err("a relation row needs both ends".to_string());
            }
            let mut edge = Edge::new(kind.clone(), src, dst);
            edge.props = extras;
            sink.edge(edge);
            return Ok(());
        }
        self.node_row(record, extras, sink)
    }

    fn node_row(
        &self,
        record: &csv::StringRecord,
        extras: crate::Props,
        sink: &mut Sink,
    ) -> Result<(), String> {
        let kind = self.kind.node_kind().unwrap_or(NodeKind::Person);
        let id = self.cols.iter().find(|(_, _, c)| *c == Col::Id).map(|(at, _, _)| at.text(record));
        let id = id.unwrap_or_default();
        let id = id.trim();
        if id.is_empty() {
            return Err("empty id".to_string());
        }
        let mut node = Node::new(id, kind);
        node.props = extras;
        let mut edges = Vec::new();
        let mut resource = None;
        let mut linked = false;

        for (at, column, col) in &self.cols {
            let raw = at.text(record);
            let raw = raw.as_ref();
            let value = raw.trim();
            if value.is_empty() {
                continue;
            }
            let wrong =
                |expected: &str| format!("column '{column}': expected {expected}, found {raw:?}");
            match col {
                Col::Id => {}
                Col::Name => node.name = Some(raw.to_string()),
                Col::System => node.system = Some(value.to_string()),
                Col::Str(key) => {
                    node.props.insert(key.to_string(), Value::Str(raw.to_string()));
                }
                Col::Bool(key) => {
                    let b = parse_bool(value).ok_or_else(|| wrong("true/false/yes/no/1/0"))?;
                    node.props.insert(key.to_string(), Value::Bool(b));
                }
                Col::Time(key) => {
                    let t = parse_timestamp(value)
                        .ok_or_else(|| wrong("a date (YYYY-MM-DD) or an RFC 3339 timestamp"))?;
                    node.props.insert(key.to_string(), Value::Time(t));
                }
                Col::AccountType => {
                    let t = value.to_ascii_lowercase();
                    if !matches!(t.as_str(), "human" | "service" | "shared") {
                        return Err(wrong("human, service or shared"));
                    }
                    node.props.insert(props::ACCOUNT_TYPE.to_string(), Value::Str(t));
                }
                Col::Ref(RefKind::Correlation) => {
                    edges.push(Edge::new(EdgeKind::Correlation, id, value));
                }
                Col::Ref(RefKind::Manager) => edges.push(Edge::new(EdgeKind::Manager, id, value)),
                Col::Ref(RefKind::Owner) => edges.push(Edge::new(EdgeKind::Owns, value, id)),
                Col::Ref(RefKind::Resource) => {
                    edges.push(Edge::new(EdgeKind::OnResource, id, value));
                    linked = true;
                }
                Col::Resource => {
                    node.props.insert(props::RESOURCE.to_string(), Value::Str(raw.to_string()));
                    resource = Some(raw.to_string());
                }
            }
        }

        // A resource named without its id makes a node of its own.
        if let Some(name) = resource.filter(|_| !linked) {
            let system = node.system.clone().unwrap_or_default();
            let mut target = Node::new(resource_id(&system, &name), NodeKind::Resource);
            target.name = Some(name);
            target.system = node.system.clone();
            edges.push(Edge::new(EdgeKind::OnResource, id, target.id.clone()));
            sink.node(node);
            sink.node(target);
        } else {
            sink.node(node);
        }
        for edge in edges {
            sink.edge(edge);
        }
        Ok(())
    }
}

/// The id of the resource node an entitlement's `resource` column makes.
pub fn resource_id(system: &str, resource: &str) -> String {
    format!("resource:{system}:{resource}")
}

/// `true`/`false`/`yes`/`no`/`1`/`0`, in any case.
fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
#[path = "csv_bundle_tests.rs"]
mod tests;
