//! From an in-memory [`Graph`] to a snapshot file.

use std::collections::HashMap;
use std::fs::{self, File};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use aisf_core::{EdgeKind, Graph, NodeKind, Props, Value};
use rayon::prelude::*;
use roaring::RoaringBitmap;
use xxhash_rust::xxh3::xxh3_64;

use crate::error::BuildError;
use crate::format::{
    ALIGN, ENTRY_LEN, Entry, FOOTER_LEN, HEADER_LEN, Header, NONE, SectionKind, VERSION_MAJOR,
    VERSION_MINOR, align_up, encode_footer, section_hash,
};
use crate::manifest::{BitmapInfo, Column, ColumnType, EdgeKindInfo, KindRange, Manifest};

/// What to do with an edge whose end names no node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownEnds {
    /// Refuse to build, naming the first few (the default).
    #[default]
    Error,
    /// Leave the edge out and count it in the [`BuildReport`].
    Skip,
}

/// How to build a snapshot.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// What to do with edges that name unknown nodes.
    pub unknown_ends: UnknownEnds,
    /// The creation time to record (seconds since the epoch); the current
    /// time when `None`. Fix it to make builds byte-for-byte reproducible.
    pub created: Option<i64>,
    /// The program name to record.
    pub generator: String,
}

impl Default for BuildOptions {
    fn default() -> BuildOptions {
        BuildOptions {
            unknown_ends: UnknownEnds::Error,
            created: None,
            generator: format!("aisf-graph {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// What a build made.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildReport {
    /// Nodes written.
    pub nodes: u64,
    /// Edges written (after duplicates were merged).
    pub edges: u64,
    /// Edges given more than once (same kind and ends), merged into one.
    pub duplicate_edges: u64,
    /// Edges left out because an end names no node ([`UnknownEnds::Skip`]).
    pub skipped_edges: u64,
    /// A few of the skipped edges, as `kind src -> dst`.
    pub skipped_examples: Vec<String>,
    /// Strongly connected components over access edges.
    pub components: u64,
    /// Nodes in the largest component (more than one means a nesting cycle).
    pub largest_component: u64,
    /// Size of the file in bytes.
    pub file_bytes: u64,
}

/// Builds a snapshot of `graph` and writes it to `path` atomically: the
/// bytes go to a temporary file in the same folder, which is synced and
/// then renamed over `path`. A reader never sees a partial file, and a
/// failed build leaves any file already at `path` as it was.
///
/// # Errors
///
/// [`BuildError::UnknownNodes`] when an edge names a node the graph does
/// not hold (unless [`UnknownEnds::Skip`]), [`BuildError::TooLarge`] past
/// the format's 32-bit limits, [`BuildError::Io`] when writing fails.
///
/// # Example
///
/// ```
/// use aisf_core::{Edge, EdgeKind, Graph, Node, NodeKind};
/// use aisf_graph::{BuildOptions, Snapshot, build};
///
/// let mut g = Graph::new();
/// g.add_node(Node::new("alice", NodeKind::Account)).unwrap();
/// g.add_node(Node::new("admins", NodeKind::Group)).unwrap();
/// g.add_edge(Edge::new(EdgeKind::MemberOf, "alice", "admins"));
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("org.aisf");
/// let report = build(&g, &path, &BuildOptions::default()).unwrap();
/// assert_eq!(report.edges, 1);
/// let snap = Snapshot::open(&path).unwrap();
/// assert_eq!(snap.node_count(), 2);
/// ```
pub fn build(graph: &Graph, path: &Path, opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let (sections, header_counts, mut report) = lay_out(graph, opts)?;
    let file = Layout::new(sections, header_counts);
    report.file_bytes = file.file_len;
    write_atomically(path, |w| file.write(w))?;
    Ok(report)
}

/// Builds a snapshot in memory: the same bytes [`build`] would write.
///
/// # Errors
///
/// As [`build`], except for I/O.
pub fn build_bytes(
    graph: &Graph,
    opts: &BuildOptions,
) -> Result<(Vec<u8>, BuildReport), BuildError> {
    let (sections, header_counts, mut report) = lay_out(graph, opts)?;
    let file = Layout::new(sections, header_counts);
    report.file_bytes = file.file_len;
    let mut out = Vec::with_capacity(file.file_len as usize);
    file.write(&mut out).map_err(|source| BuildError::Io { path: PathBuf::new(), source })?;
    Ok((out, report))
}

/// Writes through `write` to a temporary file beside `path`, syncs it and
/// renames it over `path`. On any error the temporary file is removed and
/// `path` is untouched.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> std::io::Result<()>,
) -> Result<(), BuildError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let io = |source| BuildError::Io { path: path.to_path_buf(), source };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(
        ".{name}.tmp.{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));

    let result = (|| {
        let file = File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 20, &file);
        write(&mut w)?;
        w.flush()?;
        drop(w);
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename is durable once the folder itself is synced.
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(d) = dir.and_then(|d| File::open(d).ok()) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Removes the temporary files that writers killed mid-build (power loss,
/// `SIGKILL`) left beside `path`, and returns their paths.
///
/// [`build`] writes to `.NAME.tmp.PID.N` in the target's folder and renames
/// it over `NAME` only once it is complete and synced; a writer that dies
/// before the rename leaves that file behind, and never a damaged `NAME`.
/// AISF never reads these files. Only files of that pattern for this
/// target, last modified at least `min_age` ago, are removed. A writer
/// still running also has such a file: removing it makes that writer fail
/// with an error (the target stays as it was), so pass a `min_age` longer
/// than any build takes, or call this when no writer runs.
///
/// # Errors
///
/// The I/O error of listing the folder or removing a file.
pub fn remove_stale_temp_files(
    path: &Path,
    min_age: std::time::Duration,
) -> std::io::Result<Vec<PathBuf>> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(Vec::new());
    };
    let prefix = format!(".{name}.tmp.");
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else { continue };
        // PID.N, both numbers: anything else is not ours.
        let ours = rest.split('.').count() == 2
            && rest.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let meta = entry.metadata()?;
        if !ours || !meta.is_file() {
            continue;
        }
        let age = meta.modified().ok().and_then(|m| now.duration_since(m).ok());
        if age.unwrap_or_default() < min_age {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => removed.push(entry.path()),
            // Renamed into place or removed by its writer meanwhile.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
    }
    removed.sort();
    Ok(removed)
}

/// A section's contents before it is written.
enum Bytes {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    I64(Vec<i64>),
}

impl Bytes {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Bytes::U8(v) => v,
            Bytes::U16(v) => bytemuck::cast_slice(v),
            Bytes::U32(v) => bytemuck::cast_slice(v),
            Bytes::U64(v) => bytemuck::cast_slice(v),
            Bytes::I64(v) => bytemuck::cast_slice(v),
        }
    }
}

struct Section {
    kind: SectionKind,
    index: u16,
    bytes: Bytes,
}

fn section(kind: SectionKind, bytes: Bytes) -> Section {
    Section { kind, index: 0, bytes }
}

struct Counts {
    nodes: u64,
    edges: u64,
}

struct Layout {
    sections: Vec<Section>,
    entries: Vec<Entry>,
    table: Vec<u8>,
    header: Header,
    file_len: u64,
}

impl Layout {
    fn new(sections: Vec<Section>, counts: Counts) -> Layout {
        let table_len = (sections.len() * ENTRY_LEN) as u64;
        let mut at = align_up(HEADER_LEN as u64 + table_len);
        let hashes: Vec<u64> = sections
            .par_iter()
            .map(|s| section_hash(s.kind as u16, s.index, s.bytes.as_bytes()))
            .collect();

        let mut entries = Vec::with_capacity(sections.len());
        for (s, hash) in sections.iter().zip(hashes) {
            let len = s.bytes.as_bytes().len() as u64;
            entries.push(Entry { kind: s.kind as u16, index: s.index, offset: at, len, hash });
            at = align_up(at + len);
        }
        let file_len = at + FOOTER_LEN as u64;

        let mut table = Vec::with_capacity(table_len as usize);
        for e in &entries {
            e.encode(&mut table);
        }
        let header = Header {
            major: VERSION_MAJOR,
            minor: VERSION_MINOR,
            flags: 0,
            file_len,
            section_count: entries.len() as u32,
            table_offset: HEADER_LEN as u64,
            node_count: counts.nodes,
            edge_count: counts.edges,
            table_hash: xxh3_64(&table),
        };
        Layout { sections, entries, table, header, file_len }
    }

    fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        let zeros = [0u8; ALIGN];
        let mut at = 0u64;
        let put = |w: &mut dyn Write, bytes: &[u8], at: &mut u64| -> std::io::Result<()> {
            w.write_all(bytes)?;
            *at += bytes.len() as u64;
            Ok(())
        };

        put(w, &self.header.encode(), &mut at)?;
        put(w, &self.table, &mut at)?;
        for (s, e) in self.sections.iter().zip(&self.entries) {
            put(w, &zeros[..(e.offset - at) as usize], &mut at)?;
            put(w, s.bytes.as_bytes(), &mut at)?;
        }
        let footer_at = self.file_len - FOOTER_LEN as u64;
        put(w, &zeros[..(footer_at - at) as usize], &mut at)?;
        put(w, &encode_footer(self.file_len, self.header.table_hash), &mut at)?;
        Ok(())
    }
}

/// A fast, deterministic hasher for interning (FxHash's mixing step).
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(b as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The string table: every distinct string, sorted, numbered by rank.
///
/// At a million people there are tens of millions of occurrences, most of
/// them repeats (departments, titles, systems). They are deduplicated in
/// parallel: each occurrence is hashed, the hash picks one of [`SHARDS`]
/// shards, and each shard interns its own occurrences in a small map of its
/// own. Only the distinct strings are then sorted, on a 16-byte prefix kept
/// beside each so that most comparisons never leave the array.
struct StringTable<'a> {
    /// The distinct strings in byte order; a string's number is its index.
    sorted: Vec<&'a str>,
    /// For each occurrence given to [`StringTable::new`], its number.
    numbers: Vec<u32>,
}

/// Shards of the parallel deduplication (a power of two).
const SHARDS: usize = 64;

impl<'a> StringTable<'a> {
    fn new(occurrences: &[&'a str], hashes: Vec<u64>) -> StringTable<'a> {
        let shard_of = |h: u64| (h >> 58) as usize % SHARDS;

        // Occurrences grouped by shard (a counting sort), each with its
        // hash, so the shards read their members in order.
        let mut starts = vec![0usize; SHARDS + 1];
        for &h in &hashes {
            starts[shard_of(h) + 1] += 1;
        }
        for i in 0..SHARDS {
            starts[i + 1] += starts[i];
        }
        let mut by_shard = vec![(0u64, 0u32); occurrences.len()];
        let mut fill = starts.clone();
        for (i, &h) in hashes.iter().enumerate() {
            let shard = shard_of(h);
            by_shard[fill[shard]] = (h, i as u32);
            fill[shard] += 1;
        }
        drop(hashes);

        // Each shard: its distinct strings, and each occurrence's local number.
        let shards: Vec<(Vec<u32>, Vec<u32>)> = (0..SHARDS)
            .into_par_iter()
            .map(|shard| {
                let members = &by_shard[starts[shard]..starts[shard + 1]];
                let mut map: HashMap<Interned<'_>, u32, BuildHasherDefault<Fx>> =
                    HashMap::with_capacity_and_hasher(members.len(), Default::default());
                let mut distinct = Vec::new();
                let local = members
                    .iter()
                    .map(|&(h, i)| {
                        let key = Interned(h, occurrences[i as usize]);
                        *map.entry(key).or_insert_with(|| {
                            distinct.push(i);
                            distinct.len() as u32 - 1
                        })
                    })
                    .collect();
                (distinct, local)
            })
            .collect();

        // The distinct strings, sorted; then every occurrence's rank.
        let distinct: Vec<u32> = shards.iter().flat_map(|(d, _)| d.iter().copied()).collect();
        // Sorted on the first 24 bytes, kept beside each string; only ties
        // there compare the rest.
        let key = |s: &str| -> (u128, u64) {
            let mut k = [0u8; 24];
            let n = s.len().min(24);
            k[..n].copy_from_slice(&s.as_bytes()[..n]);
            let (hi, lo) = k.split_at(16);
            (
                u128::from_be_bytes(hi.try_into().unwrap_or_default()),
                u64::from_be_bytes(lo.try_into().unwrap_or_default()),
            )
        };
        let mut keyed: Vec<((u128, u64), u32)> = distinct
            .par_iter()
            .enumerate()
            .map(|(d, &i)| (key(occurrences[i as usize]), d as u32))
            .collect();
        let text = |d: u32| occurrences[distinct[d as usize] as usize];
        let rest = |d: u32| text(d).as_bytes().get(24..).unwrap_or_default();
        keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| rest(a.1).cmp(rest(b.1))));
        let mut rank = vec![0u32; distinct.len()];
        for (r, &(_, d)) in keyed.iter().enumerate() {
            rank[d as usize] = r as u32;
        }
        let sorted: Vec<&'a str> = keyed.iter().map(|&(_, d)| text(d)).collect();

        let mut numbers = vec![0u32; occurrences.len()];
        let mut base = 0u32;
        for (shard, (d, local)) in shards.iter().enumerate() {
            let members = &by_shard[starts[shard]..starts[shard + 1]];
            for (&(_, i), &l) in members.iter().zip(local) {
                numbers[i as usize] = rank[(base + l) as usize];
            }
            base += d.len() as u32;
        }
        StringTable { sorted, numbers }
    }

    /// The number of a string in the table.
    fn get(&self, s: &str) -> Option<u32> {
        self.sorted.binary_search(&s).ok().map(|i| i as u32)
    }
}

/// A string with its hash computed once; the map hashes only the hash.
#[derive(PartialEq, Eq)]
struct Interned<'a>(u64, &'a str);

impl std::hash::Hash for Interned<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0);
    }
}

fn kind_rank(kind: &NodeKind, others: &[String]) -> u32 {
    match NodeKind::BUILTIN.iter().position(|k| k == kind) {
        Some(i) => i as u32,
        None => 7 + others.binary_search_by(|o| o.as_str().cmp(kind.as_str())).unwrap_or(0) as u32,
    }
}

struct ColumnBuilder {
    key: String,
    ty: ColumnType,
    edges: bool,
    owners: Vec<u32>,
    ints: Vec<i64>,
    strs: Vec<u32>,
    list_offsets: Vec<u32>,
    items: Vec<u32>,
    trues: RoaringBitmap,
    has: RoaringBitmap,
}

fn column_type(v: &Value) -> ColumnType {
    match v {
        Value::Bool(_) => ColumnType::Bool,
        Value::Int(_) => ColumnType::Int,
        Value::Time(_) => ColumnType::Time,
        Value::Str(_) => ColumnType::Str,
        Value::StrList(_) => ColumnType::StrList,
    }
}

#[derive(Default)]
struct Columns {
    /// Column numbers by (edge column?, type), then key: looked up by
    /// `&str`, so the hot path never allocates.
    index: FxMap<(bool, ColumnType), FxMap<String, usize>>,
    cols: Vec<ColumnBuilder>,
    /// The column last used for each property position.
    hint: Vec<usize>,
}

impl Columns {
    /// The number of the column for `key`, made if new.
    fn column(&mut self, edges: bool, ty: ColumnType, key: &str) -> usize {
        if let Some(&at) = self.index.get(&(edges, ty)).and_then(|m| m.get(key)) {
            return at;
        }
        self.cols.push(ColumnBuilder {
            key: key.to_string(),
            ty,
            edges,
            owners: Vec::new(),
            ints: Vec::new(),
            strs: Vec::new(),
            list_offsets: vec![0],
            items: Vec::new(),
            trues: RoaringBitmap::new(),
            has: RoaringBitmap::new(),
        });
        let at = self.cols.len() - 1;
        self.index.entry((edges, ty)).or_default().insert(key.to_string(), at);
        at
    }

    /// Appends the columns of `other`, whose owners all come after this
    /// one's.
    fn append(&mut self, other: Columns) {
        for part in other.cols {
            let at = self.column(part.edges, part.ty, &part.key);
            let col = &mut self.cols[at];
            col.owners.extend_from_slice(&part.owners);
            col.ints.extend_from_slice(&part.ints);
            col.strs.extend_from_slice(&part.strs);
            let base = col.items.len() as u32;
            col.list_offsets.extend(part.list_offsets[1..].iter().map(|&o| base + o));
            col.items.extend_from_slice(&part.items);
            col.trues |= part.trues;
            col.has |= part.has;
        }
    }

    /// Adds the properties of one owner. `sid` numbers each string value,
    /// called in the order [`prop_strings`] lists them.
    fn add<'p>(
        &mut self,
        edges: bool,
        owner: u32,
        props: &'p Props,
        sid: &mut impl FnMut(&'p str) -> u32,
    ) {
        for (i, (key, value)) in props.iter().enumerate() {
            // Owners of one kind mostly carry the same keys: the column the
            // previous owner used at this position usually matches.
            let ty = column_type(value);
            let at = match self.hint.get(i).map(|&c| &self.cols[c]) {
                Some(c) if c.ty == ty && c.edges == edges && c.key == *key => self.hint[i],
                _ => {
                    let at = self.column(edges, ty, key);
                    if i >= self.hint.len() {
                        self.hint.resize(i + 1, at);
                    }
                    self.hint[i] = at;
                    at
                }
            };
            let col = &mut self.cols[at];
            match value {
                Value::Bool(b) => {
                    col.has.insert(owner);
                    if *b {
                        col.trues.insert(owner);
                    }
                }
                Value::Int(v) | Value::Time(v) => {
                    col.owners.push(owner);
                    col.ints.push(*v);
                }
                Value::Str(v) => {
                    col.owners.push(owner);
                    col.strs.push(sid(v));
                }
                Value::StrList(list) => {
                    col.owners.push(owner);
                    col.items.extend(list.iter().map(|v| sid(v)));
                    col.list_offsets.push(col.items.len() as u32);
                }
            }
        }
    }
}

/// What the walk over one chunk of nodes collects.
struct Walked<'a> {
    /// The chunk's string occurrences: each node's name, then its
    /// property strings.
    strs: Vec<&'a str>,
    /// Their hashes.
    hashes: Vec<u64>,
    /// For each node, the position of its name in `strs` (or [`NONE`]).
    name_at: Vec<u32>,
    /// The chunk's node columns, strings as positions in `strs`.
    columns: Columns,
}

/// Numbers each string by its position in `strs`, where it is pushed
/// with its hash.
fn pusher<'a, 'v>(
    strs: &'v mut Vec<&'a str>,
    hashes: &'v mut Vec<u64>,
) -> impl FnMut(&'a str) -> u32 + 'v {
    move |s| {
        strs.push(s);
        hashes.push(xxh3_64(s.as_bytes()));
        strs.len() as u32 - 1
    }
}

/// Nodes per chunk in the parallel passes over nodes.
const CHUNK: usize = 1 << 14;

/// Everything but the header and layout: the sections in file order.
fn lay_out(
    graph: &Graph,
    opts: &BuildOptions,
) -> Result<(Vec<Section>, Counts, BuildReport), BuildError> {
    let nodes = graph.nodes();
    let n = nodes.len();
    if n >= NONE as usize {
        return Err(BuildError::TooLarge { what: "nodes", count: n as u64, max: NONE as u64 - 1 });
    }
    let mut report = BuildReport { nodes: n as u64, ..BuildReport::default() };

    // Cluster node ids by kind: built-in kinds first, open kinds by name.
    let mut others: Vec<String> =
        nodes.iter().filter(|n| !n.kind.is_builtin()).map(|n| n.kind.to_string()).collect();
    others.sort();
    others.dedup();
    let ranks: Vec<u32> = nodes.iter().map(|nd| kind_rank(&nd.kind, &others)).collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.par_sort_by_key(|&i| (ranks[i as usize], i));
    let mut new_of_old = vec![0u32; n];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    let node_kinds = kind_ranges(&order, &ranks, &others);

    // One parallel walk over chunks of nodes, in the new order, collects
    // every string occurrence with its hash (the name, then the property
    // strings) and fills the chunk's property columns, whose string values
    // hold chunk-local occurrence numbers until the table numbers them.
    let walked: Vec<Walked<'_>> = order
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut w = Walked {
                strs: Vec::with_capacity(chunk.len() * 4),
                hashes: Vec::with_capacity(chunk.len() * 4),
                name_at: Vec::with_capacity(chunk.len()),
                columns: Columns::default(),
            };
            for (j, &old) in chunk.iter().enumerate() {
                let node = &nodes[old as usize];
                let Walked { strs, hashes, name_at, columns } = &mut w;
                let mut push = pusher(strs, hashes);
                name_at.push(node.name.as_deref().map_or(NONE, &mut push));
                columns.add(false, (c * CHUNK + j) as u32, &node.props, &mut push);
            }
            w
        })
        .collect();

    // All occurrences: node ids in graph order, the chunks' strings, then
    // edge property strings.
    let mut bases = Vec::with_capacity(walked.len());
    let mut total = n;
    for w in &walked {
        bases.push(total as u32);
        total += w.strs.len();
    }
    let mut occurrences: Vec<&str> = Vec::with_capacity(total);
    occurrences.par_extend(nodes.par_iter().map(|nd| nd.id.as_str()));
    let mut hashes: Vec<u64> = Vec::with_capacity(total);
    hashes.par_extend(occurrences.par_iter().map(|s| xxh3_64(s.as_bytes())));
    for w in &walked {
        occurrences.extend_from_slice(&w.strs);
        hashes.extend_from_slice(&w.hashes);
    }
    let name_occ: Vec<u32> = walked
        .par_iter()
        .zip(&bases)
        .flat_map_iter(|(w, &base)| {
            w.name_at.iter().map(move |&a| if a == NONE { NONE } else { base + a })
        })
        .collect();
    let node_columns: Vec<(Columns, u32)> =
        walked.into_iter().zip(bases).map(|(w, base)| (w.columns, base)).collect();
    let edges_from = occurrences.len();
    for edge in graph.edges() {
        prop_strings(&edge.props, &mut occurrences);
    }
    hashes.par_extend(occurrences[edges_from..].par_iter().map(|s| xxh3_64(s.as_bytes())));
    let table = StringTable::new(&occurrences, hashes);
    if table.sorted.len() >= NONE as usize {
        let count = table.sorted.len() as u64;
        return Err(BuildError::TooLarge { what: "strings", count, max: NONE as u64 - 1 });
    }
    let number = |occurrence: u32| table.numbers[occurrence as usize];

    let (edge_kinds, kind_of) = edge_kind_table(graph)?;
    let mut edges = resolve_edges(graph, &new_of_old, &kind_of, opts, &mut report)?;
    let access_kind: Vec<bool> = edge_kinds.iter().map(|k| k.access).collect();

    // Split into the two groups, sort, merge duplicates.
    let (mut acc, mut oth): (Vec<RawEdge>, Vec<RawEdge>) =
        edges.drain(..).partition(|e| access_kind[e.kind as usize]);
    let acc_groups = sort_dedup(&mut acc);
    let oth_groups = sort_dedup(&mut oth);
    report.duplicate_edges =
        (graph.edge_count() as u64 - report.skipped_edges) - (acc.len() + oth.len()) as u64;
    report.edges = (acc.len() + oth.len()) as u64;
    if acc.len() >= NONE as usize || oth.len() >= NONE as usize {
        let count = acc.len().max(oth.len()) as u64;
        return Err(BuildError::TooLarge {
            what: "edges in one group",
            count,
            max: NONE as u64 - 1,
        });
    }
    let mut edge_kinds = edge_kinds;
    for e in acc.iter().chain(&oth) {
        edge_kinds[e.kind as usize].count += 1;
    }

    // Property columns, nodes then edges, owners in increasing order.
    // Node columns: each chunk's local occurrence numbers become string
    // numbers, in parallel; then the chunks are appended in order.
    let node_columns: Vec<Columns> = node_columns
        .into_par_iter()
        .map(|(mut columns, base)| {
            for col in &mut columns.cols {
                for s in col.strs.iter_mut().chain(col.items.iter_mut()) {
                    *s = number(base + *s);
                }
            }
            columns
        })
        .collect();
    let mut columns = Columns::default();
    for part in node_columns {
        columns.append(part);
    }
    let graph_edges = graph.edges();
    for (pos, origs) in acc_groups.iter().chain(oth_groups.iter()).enumerate() {
        // Most edges carry no properties: skip them without allocating.
        if origs.iter().all(|&o| graph_edges[o as usize].props.is_empty()) {
            continue;
        }
        let mut merged = Props::new();
        for &o in origs {
            for (k, v) in &graph_edges[o as usize].props {
                merged.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        if !merged.is_empty() {
            // Edge strings were interned above; look them up again here,
            // since merging duplicates changes which values are kept.
            columns.add(true, pos as u32, &merged, &mut |s| table.get(s).unwrap_or(NONE));
        }
    }

    // Systems.
    // A few systems shared by many nodes: number them through a map.
    let mut system_of: FxMap<&str, u32> = FxMap::default();
    let mut last = None;
    for node in nodes {
        let s = node.system.as_deref();
        if s != last {
            if let Some(s) = s {
                system_of.entry(s).or_insert(0);
            }
            last = s;
        }
    }
    let mut systems: Vec<&str> = system_of.keys().copied().collect();
    systems.sort_unstable();
    for (i, s) in systems.iter().enumerate() {
        system_of.insert(s, i as u32);
    }
    let node_system: Vec<u32> = order
        .par_iter()
        .map(|&old| nodes[old as usize].system.as_deref().map_or(NONE, |s| system_of[s]))
        .collect();

    // Strings and the node columns that point into them.
    let mut str_offsets = Vec::with_capacity(table.sorted.len() + 1);
    str_offsets.push(0u64);
    let mut end = 0u64;
    for s in &table.sorted {
        end += s.len() as u64;
        str_offsets.push(end);
    }
    let pieces: Vec<Vec<u8>> =
        table.sorted.par_chunks(1 << 16).map(|c| c.concat().into()).collect();
    let mut str_bytes = Vec::with_capacity(end as usize);
    for piece in pieces {
        str_bytes.extend_from_slice(&piece);
    }
    let node_id: Vec<u32> = order.par_iter().map(|&old| number(old)).collect();
    let node_name: Vec<u32> =
        name_occ.par_iter().map(|&o| if o == NONE { NONE } else { number(o) }).collect();
    let id_index = id_order(&node_id, table.sorted.len());
    let mut named: Vec<u64> = node_name
        .par_iter()
        .enumerate()
        .filter(|&(_, &s)| s != NONE)
        .map(|(v, &s)| (u64::from(s) << 32) | v as u64)
        .collect();
    named.par_sort_unstable();
    let name_index: Vec<u32> = named.into_par_iter().map(|k| k as u32).collect();

    // Adjacency.
    let (acc_fwd_off, acc_fwd_tgt, acc_fwd_kind) = csr(n, &acc, false);
    let (acc_rev_off, acc_rev_tgt, acc_rev_kind) = csr(n, &acc, true);
    let (oth_fwd_off, oth_fwd_tgt, oth_fwd_kind) = csr(n, &oth, false);
    let (oth_rev_off, oth_rev_tgt, oth_rev_kind) = csr(n, &oth, true);

    // Condensation of nesting cycles.
    let (scc, components) = crate::scc::tarjan(n, &acc_fwd_off, &acc_fwd_tgt);
    let (comp_off, comp_tgt) = condense(&scc, components, &acc);
    report.components = components as u64;
    report.largest_component = largest(&scc, components);

    // Bitmaps: systems, then boolean columns.
    let mut blob = Vec::new();
    let mut bitmaps = Vec::new();
    let mut put_bitmap = |b: &RoaringBitmap| -> u32 {
        let offset = blob.len() as u64;
        b.serialize_into(&mut blob).expect("writing to a Vec cannot fail");
        bitmaps.push(BitmapInfo { offset, len: blob.len() as u64 - offset });
        bitmaps.len() as u32 - 1
    };
    let mut per_system = vec![RoaringBitmap::new(); systems.len()];
    for (v, &s) in node_system.iter().enumerate() {
        if let Some(b) = per_system.get_mut(s as usize) {
            b.insert(v as u32);
        }
    }
    let system_bitmaps: Vec<u32> = per_system.iter().map(&mut put_bitmap).collect();

    let mut manifest_columns = Vec::new();
    let mut column_sections = Vec::new();
    let mut cols = columns.cols;
    cols.sort_by(|a, b| (a.edges, &a.key, a.ty).cmp(&(b.edges, &b.key, b.ty)));
    for (i, col) in cols.into_iter().enumerate() {
        let index = u16::try_from(i).map_err(|_| BuildError::TooLarge {
            what: "property columns",
            count: i as u64 + 1,
            max: u16::MAX as u64,
        })?;
        let mut info = Column {
            key: col.key.clone(),
            ty: col.ty as u8,
            edges: col.edges,
            count: col.owners.len() as u64,
            items: col.items.len() as u64,
            true_bitmap: NONE,
            has_bitmap: NONE,
        };
        let mut put = |kind, bytes| column_sections.push(Section { kind, index, bytes });
        match col.ty {
            ColumnType::Bool => {
                info.count = col.has.len();
                info.true_bitmap = put_bitmap(&col.trues);
                info.has_bitmap = put_bitmap(&col.has);
            }
            ColumnType::Int | ColumnType::Time => {
                let mut pairs: Vec<(i64, u32)> =
                    col.ints.iter().copied().zip(col.owners.iter().copied()).collect();
                pairs.par_sort_unstable();
                put(SectionKind::PropOwners, Bytes::U32(col.owners));
                put(SectionKind::PropValues, Bytes::I64(col.ints));
                put(SectionKind::PropSortedValues, Bytes::I64(pairs.iter().map(|p| p.0).collect()));
                put(SectionKind::PropSortedOwners, Bytes::U32(pairs.iter().map(|p| p.1).collect()));
            }
            ColumnType::Str => {
                let mut pairs: Vec<(u32, u32)> =
                    col.strs.iter().copied().zip(col.owners.iter().copied()).collect();
                pairs.par_sort_unstable();
                put(SectionKind::PropOwners, Bytes::U32(col.owners));
                put(SectionKind::PropValues, Bytes::U32(col.strs));
                put(SectionKind::PropSortedValues, Bytes::U32(pairs.iter().map(|p| p.0).collect()));
                put(SectionKind::PropSortedOwners, Bytes::U32(pairs.iter().map(|p| p.1).collect()));
            }
            ColumnType::StrList => {
                put(SectionKind::PropOwners, Bytes::U32(col.owners));
                put(SectionKind::PropValues, Bytes::U32(col.list_offsets));
                put(SectionKind::PropListItems, Bytes::U32(col.items));
            }
        }
        manifest_columns.push(info);
    }

    let manifest = Manifest {
        generator: opts.generator.clone(),
        created: opts.created.unwrap_or_else(now),
        node_count: n as u32,
        string_count: table.sorted.len() as u64,
        named_count: name_index.len() as u32,
        node_kinds,
        edge_kinds,
        systems: systems.iter().map(|s| s.to_string()).collect(),
        system_bitmaps,
        access_edges: acc.len() as u64,
        other_edges: oth.len() as u64,
        components,
        component_edges: comp_tgt.len() as u64,
        columns: manifest_columns,
        bitmaps,
    };
    let manifest_bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&manifest)
        .expect("serialising plain owned data cannot fail")
        .to_vec();

    let mut sections = vec![
        section(SectionKind::Manifest, Bytes::U8(manifest_bytes)),
        section(SectionKind::StrOffsets, Bytes::U64(str_offsets)),
        section(SectionKind::StrBytes, Bytes::U8(str_bytes)),
        section(SectionKind::NodeId, Bytes::U32(node_id)),
        section(SectionKind::NodeName, Bytes::U32(node_name)),
        section(SectionKind::NodeSystem, Bytes::U32(node_system)),
        section(SectionKind::IdIndex, Bytes::U32(id_index)),
        section(SectionKind::NameIndex, Bytes::U32(name_index)),
        section(SectionKind::AccFwdOff, Bytes::U32(acc_fwd_off)),
        section(SectionKind::AccFwdTgt, Bytes::U32(acc_fwd_tgt)),
        section(SectionKind::AccFwdKind, Bytes::U16(acc_fwd_kind)),
        section(SectionKind::AccRevOff, Bytes::U32(acc_rev_off)),
        section(SectionKind::AccRevTgt, Bytes::U32(acc_rev_tgt)),
        section(SectionKind::AccRevKind, Bytes::U16(acc_rev_kind)),
        section(SectionKind::OthFwdOff, Bytes::U32(oth_fwd_off)),
        section(SectionKind::OthFwdTgt, Bytes::U32(oth_fwd_tgt)),
        section(SectionKind::OthFwdKind, Bytes::U16(oth_fwd_kind)),
        section(SectionKind::OthRevOff, Bytes::U32(oth_rev_off)),
        section(SectionKind::OthRevTgt, Bytes::U32(oth_rev_tgt)),
        section(SectionKind::OthRevKind, Bytes::U16(oth_rev_kind)),
        section(SectionKind::SccId, Bytes::U32(scc)),
        section(SectionKind::CompOff, Bytes::U32(comp_off)),
        section(SectionKind::CompTgt, Bytes::U32(comp_tgt)),
        section(SectionKind::Bitmaps, Bytes::U8(blob)),
    ];
    sections.extend(column_sections);
    let counts = Counts { nodes: n as u64, edges: report.edges };
    Ok((sections, counts, report))
}

/// Nodes in the order of their id's string number. Ids are distinct, so
/// one pass places each node in a slot per string; a graph that slipped
/// duplicate ids in (one deserialised, not built through `add_node`) falls
/// back to a sort, which keeps every node.
fn id_order(node_id: &[u32], strings: usize) -> Vec<u32> {
    let mut slot = vec![NONE; strings];
    for (v, &s) in node_id.iter().enumerate() {
        let at = &mut slot[s as usize];
        if *at != NONE {
            let mut keys: Vec<u64> = node_id
                .par_iter()
                .enumerate()
                .map(|(v, &s)| (u64::from(s) << 32) | v as u64)
                .collect();
            keys.par_sort_unstable();
            return keys.into_iter().map(|k| k as u32).collect();
        }
        *at = v as u32;
    }
    slot.into_iter().filter(|&v| v != NONE).collect()
}

/// Appends the strings of `props` in the order [`Columns::add`] visits
/// them.
fn prop_strings<'a>(props: &'a Props, out: &mut Vec<&'a str>) {
    for value in props.values() {
        match value {
            Value::Str(s) => out.push(s),
            Value::StrList(list) => out.extend(list.iter().map(String::as_str)),
            _ => {}
        }
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn kind_ranges(order: &[u32], ranks: &[u32], others: &[String]) -> Vec<KindRange> {
    let mut out: Vec<KindRange> = Vec::new();
    for (new, &old) in order.iter().enumerate() {
        let r = ranks[old as usize];
        let name = match NodeKind::BUILTIN.get(r as usize) {
            Some(k) => k.as_str().to_string(),
            None => others[(r - 7) as usize].clone(),
        };
        match out.last_mut() {
            Some(last) if last.name == name => last.end = new as u32 + 1,
            _ => out.push(KindRange { name, start: new as u32, end: new as u32 + 1 }),
        }
    }
    out
}

/// The edge kind table: the built-in kinds always hold numbers 0 to 7,
/// open kinds follow in name order.
fn edge_kind_table(graph: &Graph) -> Result<(Vec<EdgeKindInfo>, HashMap<String, u16>), BuildError> {
    let mut table: Vec<EdgeKindInfo> = EdgeKind::BUILTIN
        .iter()
        .map(|k| EdgeKindInfo { name: k.as_str().to_string(), access: k.grants_access(), count: 0 })
        .collect();
    let mut open: HashMap<&str, bool> = HashMap::new();
    for edge in graph.edges() {
        if let EdgeKind::Other { name, access } = &edge.kind {
            if let Some(&seen) = open.get(name.as_str()) {
                if seen != *access {
                    return Err(BuildError::ConflictingEdgeKind { name: name.clone() });
                }
            } else {
                open.insert(name, *access);
            }
        }
    }
    let mut names: Vec<(&str, bool)> = open.into_iter().collect();
    names.sort_unstable();
    let mut kind_of = HashMap::new();
    for (name, access) in names {
        if table.iter().any(|k| k.name == name) {
            // An open kind spelled like a built-in one keeps its own number.
            kind_of.insert(format!("other:{name}"), table.len() as u16);
        } else {
            kind_of.insert(name.to_string(), table.len() as u16);
        }
        table.push(EdgeKindInfo { name: name.to_string(), access, count: 0 });
    }
    if table.len() > u16::MAX as usize {
        let count = table.len() as u64;
        return Err(BuildError::TooLarge { what: "edge kinds", count, max: u16::MAX as u64 });
    }
    Ok((table, kind_of))
}

fn kind_number(kind: &EdgeKind, kind_of: &HashMap<String, u16>) -> u16 {
    match kind {
        EdgeKind::Other { name, .. } => kind_of
            .get(name.as_str())
            .or_else(|| kind_of.get(&format!("other:{name}")))
            .copied()
            .unwrap_or(0),
        builtin => EdgeKind::BUILTIN.iter().position(|k| k == builtin).unwrap_or(0) as u16,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct RawEdge {
    src: u32,
    kind: u16,
    dst: u32,
    orig: u32,
}

fn resolve_edges(
    graph: &Graph,
    new_of_old: &[u32],
    kind_of: &HashMap<String, u16>,
    opts: &BuildOptions,
    report: &mut BuildReport,
) -> Result<Vec<RawEdge>, BuildError> {
    // The graph's own id index answers, unless it has none (a graph fresh
    // from serde): then a map is built here rather than scanning per edge.
    let local: HashMap<&str, usize> = if graph.is_indexed() {
        HashMap::new()
    } else {
        graph.nodes().iter().enumerate().map(|(i, nd)| (nd.id.as_str(), i)).collect()
    };
    let position = |id: &str| match graph.is_indexed() {
        true => graph.position(id),
        false => local.get(id).copied(),
    };
    let node_of = |id: &str| -> Option<u32> { new_of_old.get(position(id)?).copied() };
    // Lookups are independent and miss the cache: spread them over threads.
    let resolved: Vec<Option<RawEdge>> = graph
        .edges()
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            let (src, dst) = (node_of(&e.src)?, node_of(&e.dst)?);
            Some(RawEdge { src, kind: kind_number(&e.kind, kind_of), dst, orig: i as u32 })
        })
        .collect();
    let out: Vec<RawEdge> = resolved.iter().flatten().copied().collect();
    let unknown = resolved.len() - out.len();
    let examples: Vec<String> = resolved
        .iter()
        .zip(graph.edges())
        .filter(|(r, _)| r.is_none())
        .take(5)
        .map(|(_, e)| format!("{} {} -> {}", e.kind, e.src, e.dst))
        .collect();
    if unknown > 0 {
        match opts.unknown_ends {
            UnknownEnds::Error => {
                return Err(BuildError::UnknownNodes {
                    count: unknown,
                    examples: examples.join(", "),
                });
            }
            UnknownEnds::Skip => {
                report.skipped_edges = unknown as u64;
                report.skipped_examples = examples;
            }
        }
    }
    Ok(out)
}

/// Sorts by (src, kind, dst) and keeps one edge per triple. Returns the
/// positions in the graph of every edge, grouped by the kept edge they
/// merged into: the origins of kept edge `i` are
/// `origins[starts[i]..starts[i + 1]]`. Flat, so a million edges cost two
/// allocations, not a million.
fn sort_dedup(edges: &mut Vec<RawEdge>) -> EdgeOrigins {
    edges.par_sort_unstable();
    let origins: Vec<u32> = edges.iter().map(|e| e.orig).collect();
    let mut starts = Vec::with_capacity(edges.len() + 1);
    let mut kept = 0usize;
    for i in 0..edges.len() {
        let e = edges[i];
        if kept > 0 {
            let last = edges[kept - 1];
            if (last.src, last.kind, last.dst) == (e.src, e.kind, e.dst) {
                continue;
            }
        }
        edges[kept] = e;
        kept += 1;
        starts.push(i as u32);
    }
    starts.push(origins.len() as u32);
    edges.truncate(kept);
    EdgeOrigins { origins, starts }
}

/// Which graph edges each kept edge stands for (see [`sort_dedup`]).
struct EdgeOrigins {
    origins: Vec<u32>,
    starts: Vec<u32>,
}

impl EdgeOrigins {
    fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        self.starts.windows(2).map(|w| &self.origins[w[0] as usize..w[1] as usize])
    }
}

/// CSR rows sorted by (kind, other end).
fn csr(n: usize, edges: &[RawEdge], reverse: bool) -> (Vec<u32>, Vec<u32>, Vec<u16>) {
    let mut rows: Vec<(u32, u16, u32)> = if reverse {
        edges.par_iter().map(|e| (e.dst, e.kind, e.src)).collect()
    } else {
        edges.iter().map(|e| (e.src, e.kind, e.dst)).collect()
    };
    if reverse {
        rows.par_sort_unstable();
    }
    let mut off = vec![0u32; n + 1];
    for &(from, _, _) in &rows {
        off[from as usize + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    let tgt = rows.iter().map(|r| r.2).collect();
    let kind = rows.iter().map(|r| r.1).collect();
    (off, tgt, kind)
}

fn condense(scc: &[u32], components: u32, acc: &[RawEdge]) -> (Vec<u32>, Vec<u32>) {
    let mut pairs: Vec<(u32, u32)> = acc
        .par_iter()
        .filter_map(|e| {
            let (a, b) = (scc[e.src as usize], scc[e.dst as usize]);
            (a != b).then_some((a, b))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    let mut off = vec![0u32; components as usize + 1];
    for &(a, _) in &pairs {
        off[a as usize + 1] += 1;
    }
    for i in 0..components as usize {
        off[i + 1] += off[i];
    }
    (off, pairs.into_iter().map(|p| p.1).collect())
}

fn largest(scc: &[u32], components: u32) -> u64 {
    let mut size = vec![0u64; components as usize];
    for &c in scc {
        size[c as usize] += 1;
    }
    size.into_iter().max().unwrap_or(0)
}
