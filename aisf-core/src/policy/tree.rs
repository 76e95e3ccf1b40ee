//! A TOML document as a tree in which every key and value keeps its byte
//! span, and the helpers that read policy values out of it with errors that
//! name the line, column and key path.
//!
//! The policy is read in two passes: the `toml` crate checks the syntax and
//! builds this tree, then `parse.rs` walks the tree. Walking by hand (rather
//! than deriving `Deserialize`) is what lets every error carry the key path
//! in the policy's own terms (`role "Engineering".grants[2]`) and a position.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::error::{Location, PolicyError};
use super::pattern::Pattern;
use super::suggest::closest;
use super::time::Timestamp;

/// One value and the bytes it covers.
#[derive(Debug)]
pub(crate) struct Item {
    pub span: Range<usize>,
    pub value: Val,
}

#[derive(Debug)]
pub(crate) enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime(String),
    Array(Vec<Item>),
    Table(Vec<Entry>),
}

/// A key of a table, with its span when the deserializer gives one.
#[derive(Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Option<Range<usize>>,
    pub item: Item,
}

// The `toml` crate hands out spans through a private serde protocol, the one
// `toml::Spanned` speaks. `toml::Spanned` itself cannot be used: it refuses
// values that come without a span (the keys of a date-time's internal map,
// tables made implicitly by dotted keys). So keys and values speak the
// protocol directly and accept unspanned input too. Should the protocol's
// names change in a later `toml`, positions degrade (errors point at the
// start of the file) but reading still works; the tests would show it.
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const SPANNED_START: &str = "$__serde_spanned_private_start";
const SPANNED_END: &str = "$__serde_spanned_private_end";
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";
const DATETIME_FIELD: &str = "$__toml_private_datetime";

struct Key(String, Option<Range<usize>>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        const FIELDS: &[&str] = &[SPANNED_START, SPANNED_END, SPANNED_VALUE];
        d.deserialize_struct(SPANNED, FIELDS, KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key(v.to_string(), None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        let (mut start, mut end, mut value) = (None, None, None);
        while let Some(field) = map.next_key::<String>()? {
            match field.as_str() {
                SPANNED_START => start = Some(map.next_value::<usize>()?),
                SPANNED_END => end = Some(map.next_value::<usize>()?),
                _ => value = Some(map.next_value::<String>()?),
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field(SPANNED_VALUE))?;
        Ok(Key(value, start.zip(end).map(|(s, e)| s..e)))
    }
}

/// A value with its span when the deserializer gives one: tables made
/// implicitly by dotted keys (`a.b = 1`, `[owners.assign]`) have none.
struct Spanned(Option<Range<usize>>, Val);

impl<'de> Deserialize<'de> for Spanned {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Spanned, D::Error> {
        const FIELDS: &[&str] = &[SPANNED_START, SPANNED_END, SPANNED_VALUE];
        d.deserialize_struct(SPANNED, FIELDS, SpannedVisitor)
    }
}

struct SpannedVisitor;

impl<'de> Visitor<'de> for SpannedVisitor {
    type Value = Spanned;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Spanned, E> {
        Ok(Spanned(None, Val::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Spanned, E> {
        Ok(Spanned(None, Val::Int(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Spanned, E> {
        ValVisitor.visit_u64(v).map(|v| Spanned(None, v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Spanned, E> {
        Ok(Spanned(None, Val::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Spanned, E> {
        Ok(Spanned(None, Val::Str(v.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Spanned, A::Error> {
        ValVisitor.visit_seq(seq).map(|v| Spanned(None, v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Spanned, A::Error> {
        let first = map.next_key::<Key>()?;
        if first.as_ref().is_none_or(|k| k.0 != SPANNED_START) {
            return table_rest(map, first).map(|v| Spanned(None, v));
        }
        let start = map.next_value::<usize>()?;
        let (mut end, mut value) = (start, None);
        while let Some(Key(field, _)) = map.next_key::<Key>()? {
            match field.as_str() {
                SPANNED_END => end = map.next_value::<usize>()?,
                _ => value = Some(map.next_value::<Val>()?),
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field(SPANNED_VALUE))?;
        Ok(Spanned(Some(start..end), value))
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val, E> {
        Ok(Val::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val, E> {
        Ok(Val::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val, E> {
        i64::try_from(v).map(Val::Int).map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val, E> {
        Ok(Val::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val, E> {
        Ok(Val::Str(v.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
        let mut items = Vec::new();
        while let Some(Spanned(span, value)) = seq.next_element::<Spanned>()? {
            items.push(Item { span: span.unwrap_or(0..0), value });
        }
        Ok(Val::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val, A::Error> {
        let first = map.next_key::<Key>()?;
        table_rest(map, first)
    }
}

/// Reads a table whose first key has been read already; a date-time
/// arrives as a one-key table.
fn table_rest<'de, A: MapAccess<'de>>(mut map: A, first: Option<Key>) -> Result<Val, A::Error> {
    let mut entries = Vec::new();
    let mut next = first;
    while let Some(Key(key, key_span)) = next {
        if key == DATETIME_FIELD && entries.is_empty() {
            return Ok(Val::Datetime(map.next_value::<String>()?));
        }
        let Spanned(span, value) = map.next_value::<Spanned>()?;
        // A table without a span of its own starts where its key does.
        let span = span.or_else(|| key_span.clone()).unwrap_or(0..0);
        entries.push(Entry { key, key_span, item: Item { span, value } });
        next = map.next_key::<Key>()?;
    }
    Ok(Val::Table(entries))
}

impl<'de> Deserialize<'de> for Val {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Val, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

/// The text being read, to turn byte offsets into lines and columns.
pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Ctx<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Ctx { file, text, line_starts }
    }

    /// Parses the text into a tree.
    pub fn parse(&self) -> Result<Item, PolicyError> {
        match toml::from_str::<Spanned>(self.text) {
            Ok(Spanned(span, value)) => Ok(Item { span: span.unwrap_or(0..0), value }),
            Err(e) => {
                let offset = e.span().map_or(self.text.len(), |s| s.start);
                let message = e.message().lines().map(str::trim).filter(|l| !l.is_empty());
                let message = message.collect::<Vec<_>>().join("; ");
                Err(PolicyError::Syntax { at: self.at(offset), message })
            }
        }
    }

    /// The line and column of a byte offset.
    pub fn at(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        Location { file: self.file.to_string(), line: to_u32(line), column: to_u32(column) }
    }

    pub fn invalid(&self, item: &Item, path: &str, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            at: self.at(item.span.start),
            path: path.to_string(),
            message: message.into(),
        }
    }

    fn expected(&self, item: &Item, path: &str, what: &str) -> PolicyError {
        self.invalid(item, path, format!("expected {what}, found {}", describe(&item.value)))
    }

    /// Opens a table, refusing keys outside `allowed`.
    pub fn table<'t>(
        &'t self,
        item: &'t Item,
        path: &str,
        allowed: &'static [&'static str],
    ) -> Result<Table<'t>, PolicyError> {
        let Val::Table(entries) = &item.value else {
            return Err(self.expected(item, path, "a table"));
        };
        for e in entries {
            if !allowed.contains(&e.key.as_str()) {
                let span = e.key_span.as_ref().unwrap_or(&e.item.span);
                return Err(PolicyError::UnknownKey {
                    at: self.at(span.start),
                    path: join(path, &e.key),
                    suggestion: closest(&e.key, allowed.iter().copied()).map(str::to_string),
                });
            }
        }
        Ok(Table { ctx: self, item, entries, path: path.to_string() })
    }

    /// Opens a table whose keys the caller checks.
    pub fn table_any<'t>(&'t self, item: &'t Item, path: &str) -> Result<Table<'t>, PolicyError> {
        let Val::Table(entries) = &item.value else {
            return Err(self.expected(item, path, "a table"));
        };
        Ok(Table { ctx: self, item, entries, path: path.to_string() })
    }

    pub fn array<'t>(&self, item: &'t Item, path: &str) -> Result<&'t [Item], PolicyError> {
        match &item.value {
            Val::Array(items) => Ok(items),
            _ => Err(self.expected(item, path, "an array")),
        }
    }

    /// An array of tables (`[[role]]`), or an inline array of inline tables.
    pub fn tables<'t>(&self, item: &'t Item, path: &str) -> Result<&'t [Item], PolicyError> {
        match &item.value {
            Val::Array(items) => Ok(items),
            _ => Err(self.expected(item, path, &format!("an array of tables ([[{path}]])"))),
        }
    }

    pub fn string(&self, item: &Item, path: &str) -> Result<String, PolicyError> {
        match &item.value {
            Val::Str(s) if !s.trim().is_empty() => Ok(s.clone()),
            Val::Str(_) => Err(self.invalid(item, path, "expected a non-empty string")),
            _ => Err(self.expected(item, path, "a string")),
        }
    }

    pub fn bool(&self, item: &Item, path: &str) -> Result<bool, PolicyError> {
        match item.value {
            Val::Bool(b) => Ok(b),
            _ => Err(self.expected(item, path, "true or false")),
        }
    }

    /// A whole number of at least `min`.
    pub fn uint(&self, item: &Item, path: &str, min: u32) -> Result<u32, PolicyError> {
        let what = if min == 0 { "a non-negative integer" } else { "a positive integer" };
        match item.value {
            Val::Int(n) if n >= i64::from(min) => {
                u32::try_from(n).map_err(|_| self.invalid(item, path, format!("{n} is too large")))
            }
            _ => Err(self.expected(item, path, what)),
        }
    }

    /// A number (integers accepted) in `lo..=hi`.
    pub fn number(&self, item: &Item, path: &str, lo: f64, hi: f64) -> Result<f64, PolicyError> {
        #[expect(clippy::cast_precision_loss, reason = "policy numbers are small")]
        let x = match item.value {
            Val::Float(x) => x,
            Val::Int(n) => n as f64,
            _ => return Err(self.expected(item, path, "a number")),
        };
        if x.is_finite() && (lo..=hi).contains(&x) {
            Ok(x)
        } else if hi.is_infinite() {
            Err(self.invalid(item, path, format!("expected a number of at least {lo}, found {x}")))
        } else {
            Err(self.invalid(item, path, format!("expected a number from {lo} to {hi}, found {x}")))
        }
    }

    /// A privilege tier, 0 to 3, as a value.
    pub fn tier(&self, item: &Item, path: &str) -> Result<u8, PolicyError> {
        match item.value {
            Val::Int(n @ 0..=3) => Ok(u8::try_from(n).unwrap_or(3)),
            Val::Int(n) => {
                Err(self.invalid(item, path, format!("expected a tier from 0 to 3, found {n}")))
            }
            _ => Err(self.expected(item, path, "a tier from 0 to 3")),
        }
    }

    /// A TOML date or date-time, or a string holding one.
    pub fn time(&self, item: &Item, path: &str) -> Result<(Timestamp, bool), PolicyError> {
        let text = match &item.value {
            Val::Datetime(s) | Val::Str(s) => s,
            _ => return Err(self.expected(item, path, "a date or an RFC 3339 date-time")),
        };
        match Timestamp::parse(text) {
            Some(t) => Ok((t, Timestamp::is_bare_date(text))),
            None => Err(self.expected(item, path, "a date or an RFC 3339 date-time")),
        }
    }

    /// A pattern or an array of patterns.
    pub fn patterns(&self, item: &Item, path: &str) -> Result<Vec<Pattern>, PolicyError> {
        match &item.value {
            Val::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, it)| self.pattern(it, &format!("{path}[{i}]")))
                .collect(),
            _ => Ok(vec![self.pattern(item, path)?]),
        }
    }

    pub fn pattern(&self, item: &Item, path: &str) -> Result<Pattern, PolicyError> {
        let Val::Str(s) = &item.value else {
            return Err(self.expected(item, path, "a pattern string"));
        };
        Pattern::parse(s)
            .map_err(|e| self.invalid(item, path, format!("invalid pattern \"{s}\": {e}")))
    }
}

/// An open table: look keys up, then let it go (unknown keys were refused
/// when it was opened).
pub(crate) struct Table<'t> {
    pub ctx: &'t Ctx<'t>,
    pub item: &'t Item,
    entries: &'t [Entry],
    pub path: String,
}

impl<'t> Table<'t> {
    pub fn get(&self, key: &str) -> Option<&'t Item> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.item)
    }

    pub fn entries(&self) -> &'t [Entry] {
        self.entries
    }

    pub fn require(&self, key: &str) -> Result<&'t Item, PolicyError> {
        self.get(key).ok_or_else(|| PolicyError::Missing {
            at: self.ctx.at(self.item.span.start),
            path: self.path.clone(),
            key: key.to_string(),
        })
    }

    /// The path of one of this table's keys.
    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Reads `key` with `read` if present.
    pub fn opt<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Ctx<'t>, &Item, &str) -> Result<T, PolicyError>,
    ) -> Result<Option<T>, PolicyError> {
        self.get(key).map(|item| read(self.ctx, item, &self.path_of(key))).transpose()
    }

    /// Reads `key` with `read`; it must be present.
    pub fn req<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Ctx<'t>, &Item, &str) -> Result<T, PolicyError>,
    ) -> Result<T, PolicyError> {
        let item = self.require(key)?;
        read(self.ctx, item, &self.path_of(key))
    }
}

/// Appends a key to a path, quoting it unless it is a bare TOML key.
pub(crate) fn join(path: &str, key: &str) -> String {
    let bare =
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare { key.to_string() } else { format!("{key:?}") };
    if path.is_empty() { key } else { format!("{path}.{key}") }
}

/// How an error message shows a value it did not expect.
fn describe(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("\"{s}\""),
        Val::Int(n) => n.to_string(),
        Val::Float(x) => x.to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Datetime(s) => s.clone(),
        Val::Array(_) => "an array".to_string(),
        Val::Table(_) => "a table".to_string(),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
