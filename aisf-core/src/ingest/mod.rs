// NOTE TO AGENTS WORKING IN THIS CHECKOUT: several agents share it. Read /tmp/common.md first
// and follow it (commit only your own paths; never git add -A / stash / reset / checkout).

//! Reading exports from real systems into one [`Graph`].
//!
//! Each reader turns one source format into nodes and edges of the shared
//! vocabulary through a [`Sink`], which merges what several sources say
//! about the same object and keeps count of everything it was given, so
//! that the [`IngestReport`] can say what was read, what was made and what
//! was skipped, and where.

use std::fmt;

pub mod archive;
pub mod aws;
mod b_common;
mod b_json;
mod b_time;
pub mod csv_bundle;
mod dates;
pub mod detect;
pub mod entra;
pub mod google;
mod json_support;
pub mod ldif;
pub mod limits;
pub mod okta;
pub mod opengraph;
pub mod scim;
pub mod sharphound;
#[cfg(test)]
mod test_support;

use serde::Serialize;

pub use limits::Limits;

use crate::{Edge, Graph, Node, NodeKind, Value};

/// Where in an input something was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file (or zip entry, as `archive.zip!entry.json`).
    pub file: String,
    /// The 1-based line, for line-oriented formats.
    pub line: Option<u64>,
    /// The JSON pointer (RFC 6901), for JSON formats.
    pub pointer: Option<String>,
}

impl Place {
    /// The file as a whole.
    pub fn file(file: impl Into<String>) -> Place {
        Place { file: file.into(), line: None, pointer: None }
    }

    /// A line of a file.
    pub fn line(file: impl Into<String>, line: u64) -> Place {
        Place { file: file.into(), line: Some(line), pointer: None }
    }

    /// A JSON pointer into a file.
    pub fn pointer(file: impl Into<String>, pointer: impl Into<String>) -> Place {
        Place { file: file.into(), line: None, pointer: Some(pointer.into()) }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, "#{pointer}")?;
        }
        Ok(())
    }
}

/// What every reader is told besides its input.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The system the records belong to, where the format does not say
    /// (a SCIM endpoint, an Okta org); readers fall back to a name derived
    /// from the format and file.
    pub system: Option<String>,
    /// Bounds on hostile inputs.
    pub limits: Limits,
    /// Told how far a long ingest has got (see [`Progress`]); the library
    /// itself shows nothing.
    pub progress: Option<ProgressHook>,
}

/// How far an ingest has got, as told to a [`ProgressHook`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The file being read (or just finished).
    pub file: String,
    /// Files started so far, this one included.
    pub files: u64,
    /// Records, nodes and edges read from this file so far.
    pub records: u64,
    /// Nodes read from this file so far.
    pub nodes: u64,
    /// Edges read from this file so far.
    pub edges: u64,
    /// Nodes and edges read from every file so far.
    pub total: u64,
}

/// A callback told about progress: when each file starts, then every
/// [`ProgressHook::EVERY`] nodes and edges. It runs on the reading thread,
/// so it should return quickly.
#[derive(Clone)]
pub struct ProgressHook(std::sync::Arc<dyn Fn(&Progress) + Send + Sync>);

impl ProgressHook {
    /// How many nodes and edges between two calls within a file.
    pub const EVERY: u64 = 1 << 16;

    /// Wraps a callback.
    pub fn new(f: impl Fn(&Progress) + Send + Sync + 'static) -> ProgressHook {
        ProgressHook(std::sync::Arc::new(f))
    }
}

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook(..)")
    }
}

/// How a reader treats a record it cannot use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// Skip it, count it and say where it was (the default).
    #[default]
    Lenient,
    /// Stop with an error naming the place.
    Strict,
}

/// Why ingest stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The input is not what its format requires.
    #[error("{place}: {message}")]
    Malformed {
        /// Where.
        place: Place,
        /// What was expected and what was found.
        message: String,
    },
    /// The input breaks a documented limit (nesting depth, line length,
    /// zip expansion ratio...).
    #[error("{place}: {message}")]
    Limit {
        /// Where.
        place: Place,
        /// Which limit, and by how much.
        message: String,
    },
    /// No reader recognises the file.
    #[error("{file}: unknown format: {hint}")]
    UnknownFormat {
        /// The file.
        file: String,
        /// What was looked for.
        hint: String,
    },
}

/// A record that was not used, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// Where the record is.
    pub place: Place,
    /// Why it was skipped.
    pub reason: String,
}

/// Two sources disagree about one property of one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// The node.
    pub node: String,
    /// The property (`kind`, `name` and `system` for the fixed fields).
    pub key: String,
    /// The value kept, and the source that gave it.
    pub kept: (String, String),
    /// The value not kept, and the source that gave it.
    pub other: (String, String),
}

/// What one source gave.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    /// The file (or zip entry).
    pub file: String,
    /// The format, as [`Format::name`] spells it.
    pub format: String,
    /// Records read (objects, entries, rows).
    pub records: u64,
    /// Nodes made (a node seen again counts once per source).
    pub nodes: u64,
    /// Edges made.
    pub edges: u64,
    /// Records not used, each with its place and reason.
    pub skipped: Vec<Skip>,
    /// Things worth knowing that are not skips (a count field that
    /// disagrees with the records, an attribute dropped as a secret...).
    pub warnings: Vec<String>,
}

/// What a whole ingest run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    /// One entry per source, in the order read.
    pub sources: Vec<SourceReport>,
    /// Property conflicts between sources.
    pub conflicts: Vec<Conflict>,
    /// Edge ends that name no node, after every source was read.
    pub unresolved: Vec<String>,
}

/// The formats AISF reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum Format {
    /// AISF's own CSV bundle (persons, accounts, groups...).
    CsvBundle,
    /// SharpHound / BloodHound.py collection JSON, v5 and v6.
    SharpHound,
    /// BloodHound OpenGraph JSON.
    OpenGraph,
    /// SCIM 2.0 resources and list responses.
    Scim,
    /// LDIF (RFC 2849).
    Ldif,
    /// `aws iam get-account-authorization-details`.
    AwsIam,
    /// The IAM credential report CSV.
    AwsCredentialReport,
    /// Microsoft Graph (Entra ID) responses.
    Entra,
    /// Okta management API responses.
    Okta,
    /// Google Workspace Directory API responses.
    Google,
}

impl Format {
    /// The format's short name.
    pub fn name(self) -> &'static str {
        match self {
            Format::CsvBundle => "csv-bundle",
            Format::SharpHound => "sharphound",
            Format::OpenGraph => "opengraph",
            Format::Scim => "scim",
            Format::Ldif => "ldif",
            Format::AwsIam => "aws-iam",
            Format::AwsCredentialReport => "aws-credential-report",
            Format::Entra => "entra",
            Format::Okta => "okta",
            Format::Google => "google",
        }
    }
}

/// Where readers put what they read: merges nodes that share an id and
/// counts everything for the report.
#[derive(Debug, Default)]
pub struct Sink {
    graph: Graph,
    node_source: Vec<u32>,
    report: IngestReport,
    mode: Mode,
    progress: Option<ProgressHook>,
    /// Nodes and edges taken so far, over every file.
    taken: u64,
}

impl Sink {
    /// An empty sink.
    pub fn new(mode: Mode) -> Sink {
        Sink { mode, ..Sink::default() }
    }

    /// Tells `hook` how far reading has got.
    pub fn with_progress(mut self, hook: Option<ProgressHook>) -> Sink {
        self.progress = hook;
        self
    }

    fn tell(&mut self) {
        let Some(hook) = &self.progress else { return };
        let files = self.report.sources.len() as u64;
        let Some(s) = self.report.sources.last() else { return };
        hook.0(&Progress {
            file: s.file.clone(),
            files,
            records: s.records,
            nodes: s.nodes,
            edges: s.edges,
            total: self.taken,
        });
    }

    /// Counts one node or edge, and tells the hook every so often.
    fn took(&mut self) {
        self.taken += 1;
        if self.progress.is_some() && self.taken.is_multiple_of(ProgressHook::EVERY) {
            self.tell();
        }
    }

    /// The mode readers should follow.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Starts a new source; later calls are counted against it.
    pub fn begin(&mut self, file: impl Into<String>, format: Format) {
        self.report.sources.push(SourceReport {
            file: file.into(),
            format: format.name().to_string(),
            ..SourceReport::default()
        });
        self.tell();
    }

    fn current(&mut self) -> &mut SourceReport {
        if self.report.sources.is_empty() {
            self.report.sources.push(SourceReport::default());
        }
        self.report.sources.last_mut().expect("a source was just pushed")
    }

    /// Counts one record read.
    pub fn record(&mut self) {
        self.current().records += 1;
    }

    /// Adds a node, or merges it into the node already there with the same
    /// id: missing fields are filled in, and differing values are kept as
    /// first seen and reported as a [`Conflict`].
    pub fn node(&mut self, node: Node) {
        let source = self.report.sources.len().saturating_sub(1) as u32;
        self.current().nodes += 1;
        self.took();
        let Some(at) = self.graph.position(&node.id) else {
            self.graph.add_node(node).expect("the id was just looked up");
            self.node_source.push(source);
            return;
        };
        let kept_source = self.node_source[at] as usize;
        let kept_file = self.report.sources.get(kept_source).map(|s| s.file.clone());
        let new_file = self.report.sources.last().map(|s| s.file.clone());
        let (kept_file, new_file) = (kept_file.unwrap_or_default(), new_file.unwrap_or_default());
        let existing = self.graph.node_mut(&node.id).expect("position came from the graph");
        let mut conflicts = Vec::new();
        let mut conflict = |key: &str, kept: String, other: String| {
            conflicts.push(Conflict {
                node: node.id.clone(),
                key: key.to_string(),
                kept: (kept, kept_file.clone()),
                other: (other, new_file.clone()),
            });
        };

        // A placeholder kind (made up by a reference before the definition
        // was read) gives way to the real one.
        if existing.kind != node.kind {
            if is_placeholder(&existing.kind) {
                existing.kind = node.kind.clone();
            } else if !is_placeholder(&node.kind) {
                conflict("kind", existing.kind.to_string(), node.kind.to_string());
            }
        }
        merge_field(&mut existing.name, node.name, |a, b| conflict("name", a, b));
        merge_field(&mut existing.system, node.system, |a, b| conflict("system", a, b));
        for (key, value) in node.props {
            match existing.props.get(&key) {
                None => {
                    existing.props.insert(key, value);
                }
                Some(old) if *old == value => {}
                Some(old) => conflict(&key, render(old), render(&value)),
            }
        }
        self.report.conflicts.extend(conflicts);
    }

    /// Adds an edge.
    pub fn edge(&mut self, edge: Edge) {
        self.current().edges += 1;
        self.took();
        self.graph.add_edge(edge);
    }

    /// Skips a record: counted and placed in lenient mode, an error in
    /// strict mode.
    ///
    /// # Errors
    ///
    /// [`IngestError::Malformed`] in [`Mode::Strict`].
    pub fn skip(&mut self, place: Place, reason: impl Into<String>) -> Result<(), IngestError> {
        let reason = reason.into();
        match self.mode {
            Mode::Strict => Err(IngestError::Malformed { place, message: reason }),
            Mode::Lenient => {
                self.current().skipped.push(Skip { place, reason });
                Ok(())
            }
        }
    }

    /// Notes something worth knowing about the current source.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.current().warnings.push(message.into());
    }

    /// The graph so far.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Ends the run: lists edge ends that name no node and hands back the
    /// graph with its report.
    pub fn finish(mut self) -> (Graph, IngestReport) {
        let mut unresolved: Vec<String> = Vec::new();
        for edge in self.graph.edges() {
            for end in [&edge.src, &edge.dst] {
                if !self.graph.contains(end) {
                    unresolved.push(end.clone());
                }
            }
        }
        unresolved.sort();
        unresolved.dedup();
        self.report.unresolved = unresolved;
        (self.graph, self.report)
    }
}

/// The kind a reader gives a node it only knows from a reference.
pub const PLACEHOLDER_KIND: &str = "unknown";

fn is_placeholder(kind: &NodeKind) -> bool {
    matches!(kind, NodeKind::Other(name) if name == PLACEHOLDER_KIND)
}

fn merge_field(
    slot: &mut Option<String>,
    new: Option<String>,
    mut conflict: impl FnMut(String, String),
) {
    match (slot.as_ref(), new) {
        (None, new) => *slot = new,
        (Some(old), Some(new)) if *old != new => conflict(old.clone(), new),
        _ => {}
    }
}

fn render(value: &Value) -> String {
    match value {
        Value::Bool(v) => v.to_string(),
        Value::Int(v) | Value::Time(v) => v.to_string(),
        Value::Str(v) => v.clone(),
        Value::StrList(v) => v.join(", "),
    }
}

impl Sink {
    /// Starts a source whose format is not known (an input no reader
    /// recognises, a refused archive entry), so that its skip is counted
    /// against it.
    pub fn begin_unrecognised(&mut self, file: impl Into<String>) {
        self.report.sources.push(SourceReport {
            file: file.into(),
            format: "unknown".to_string(),
            ..SourceReport::default()
        });
    }
}

/// Reads files and folders into one graph.
///
/// Folders are walked recursively in name order, so that runs are
/// repeatable; the bundle files of a folder (`persons.csv`,
/// `accounts.csv`...) are read together as one bundle; zip archives are
/// opened and their `.json` entries read (see [`archive`]); every other file
/// goes to the reader [`detect::detect`] names for it.
///
/// ```no_run
/// use std::path::PathBuf;
/// use aisf_core::ingest::{Mode, ReadOptions, ingest_paths};
///
/// let (graph, report) =
///     ingest_paths(&[PathBuf::from("exports/")], &ReadOptions::default(), Mode::Lenient)?;
/// println!("{} nodes from {} sources", graph.node_count(), report.sources.len());
/// # Ok::<(), aisf_core::ingest::IngestError>(())
/// ```
///
/// # Errors
///
/// [`IngestError::Io`] naming a file or folder that cannot be read;
/// [`IngestError::UnknownFormat`] for a file no reader recognises in strict
/// mode (in lenient mode it is a counted skip); whatever a reader returns.
pub fn ingest_paths(
    paths: &[std::path::PathBuf],
    opts: &ReadOptions,
    mode: Mode,
) -> Result<(Graph, IngestReport), IngestError> {
    let mut sink = Sink::new(mode).with_progress(opts.progress.clone());
    for path in paths {
        detect::ingest_path(path, opts, &mut sink)?;
    }
    Ok(sink.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeKind;

    #[test]
    fn the_same_node_from_two_sources_merges_and_reports_conflicts() {
        let mut sink = Sink::new(Mode::Lenient);
        sink.begin("a.json", Format::SharpHound);
        sink.node(Node::new("u1", NodeKind::Account).with_prop("enabled", true));
        sink.begin("b.json", Format::SharpHound);
        sink.node(Node::new("u1", NodeKind::Account).with_prop("enabled", false).with_name("U"));
        let (graph, report) = sink.finish();
        assert_eq!(graph.node_count(), 1);
        assert_eq!(graph.node("u1").unwrap().name.as_deref(), Some("U"));
        assert_eq!(report.conflicts.len(), 1);
        assert_eq!(report.conflicts[0].kept, ("true".into(), "a.json".into()));
        assert_eq!(report.conflicts[0].other, ("false".into(), "b.json".into()));
    }

    #[test]
    fn progress_is_told_at_each_file_and_every_so_many_objects() {
        use std::sync::{Arc, Mutex};
        let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
        let log = Arc::clone(&seen);
        let hook = ProgressHook::new(move |p| log.lock().unwrap().push(p.clone()));
        let mut sink = Sink::new(Mode::Lenient).with_progress(Some(hook));
        sink.begin("a.csv", Format::CsvBundle);
        let n = 3 * ProgressHook::EVERY + 5;
        for i in 0..n {
            sink.edge(Edge::new(EdgeKind::MemberOf, format!("u{i}"), "g"));
        }
        sink.begin("b.csv", Format::CsvBundle);
        sink.node(Node::new("g", NodeKind::Group));
        let (graph, _) = sink.finish();
        assert_eq!(graph.edge_count() as u64, n);
        let seen = seen.lock().unwrap();
        let files: Vec<(&str, u64)> = seen.iter().map(|p| (p.file.as_str(), p.files)).collect();
        assert_eq!(files, [("a.csv", 1), ("a.csv", 1), ("a.csv", 1), ("a.csv", 1), ("b.csv", 2)]);
        let totals: Vec<u64> = seen.iter().map(|p| p.total).collect();
        let every = ProgressHook::EVERY;
        assert_eq!(totals, [0, every, 2 * every, 3 * every, n]);
        assert_eq!(seen[3].edges, 3 * every);

        // Without a hook nothing is told and nothing changes.
        let mut quiet = Sink::new(Mode::Lenient);
        quiet.begin("a.csv", Format::CsvBundle);
        quiet.edge(Edge::new(EdgeKind::MemberOf, "u", "g"));
        assert_eq!(quiet.finish().0.edge_count(), 1);
    }

    #[test]
    fn a_placeholder_gives_way_to_the_definition() {
        let mut sink = Sink::new(Mode::Lenient);
        sink.begin("a", Format::OpenGraph);
        sink.node(Node::new("g", NodeKind::Other(PLACEHOLDER_KIND.into())));
        sink.node(Node::new("g", NodeKind::Group));
        let (graph, report) = sink.finish();
        assert_eq!(graph.node("g").unwrap().kind, NodeKind::Group);
        assert!(report.conflicts.is_empty());
    }

    #[test]
    fn strict_mode_turns_skips_into_errors_and_unresolved_ends_are_listed() {
        let mut sink = Sink::new(Mode::Strict);
        sink.begin("x.csv", Format::CsvBundle);
        let err = sink.skip(Place::line("x.csv", 3), "bad row").unwrap_err();
        assert_eq!(err.to_string(), "x.csv:3: bad row");
        sink.edge(Edge::new(EdgeKind::MemberOf, "a", "b"));
        let (_, report) = sink.finish();
        assert_eq!(report.unresolved, vec!["a".to_string(), "b".to_string()]);
    }
}
