//! [`ColumnMap`]: reading exports whose columns are named, split or
//! spelled differently from a bundle's.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// Which source headers hold each canonical column, and how their values
/// are spelled, for exports that do not follow the bundle's names.
///
/// Three things can be said about a canonical column:
///
/// - [`with`](ColumnMap::with): it is the source column of another name;
/// - [`with_joined`](ColumnMap::with_joined): it is several source columns
///   joined, such as a name made of a first name and a surname. The parts
///   are also kept as string properties under their own headers, since a
///   rule may want them apart (the username correlation rule reads
///   `firstname` and `surname`);
/// - [`with_value`](ColumnMap::with_value): one of its values means
///   another, such as an HR status `Former employee` that AISF reads as
///   `terminated`. Values are matched trimmed and in any case; values not
///   listed are read as they are.
///
/// A header the map names must be in the file: a mapped column that is
/// missing is an error naming it, not a column silently left empty.
///
/// ```
/// use aisf_core::ingest::csv_bundle::ColumnMap;
///
/// let map = ColumnMap::new()
///     .with("person_id", "empNo")
///     .with_joined("name", ["firstname", "surname"], " ")
///     .with_value("status", "Former employee", "terminated");
/// assert_eq!(map.source("person_id"), Some("empNo"));
/// assert_eq!(map.source("name"), Some("firstname"));
/// assert_eq!(map.source("email"), None);
/// assert_eq!(map.value("status", " former EMPLOYEE"), "terminated");
/// assert_eq!(map.value("status", "Active"), "Active");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// Canonical column to its source headers and their separator.
    sources: BTreeMap<String, (Vec<String>, String)>,
    /// Canonical column to (source value, trimmed and lowercased) to value.
    values: BTreeMap<String, BTreeMap<String, String>>,
}

impl ColumnMap {
    /// An empty map: every column under its canonical name, every value as
    /// it is written.
    pub fn new() -> ColumnMap {
        ColumnMap::default()
    }

    /// Reads the canonical column `canonical` from the header `source`.
    pub fn with(mut self, canonical: impl Into<String>, source: impl Into<String>) -> ColumnMap {
        self.insert(canonical, source);
        self
    }

    /// Reads the canonical column `canonical` from the header `source`.
    pub fn insert(&mut self, canonical: impl Into<String>, source: impl Into<String>) {
        self.sources.insert(canonical.into(), (vec![source.into()], String::new()));
    }

    /// Reads the canonical column `canonical` as the cells of the headers
    /// `sources` that are not empty, trimmed and joined by `separator`.
    pub fn with_joined<S: Into<String>>(
        mut self,
        canonical: impl Into<String>,
        sources: impl IntoIterator<Item = S>,
        separator: impl Into<String>,
    ) -> ColumnMap {
        let headers = sources.into_iter().map(Into::into).collect();
        self.sources.insert(canonical.into(), (headers, separator.into()));
        self
    }

    /// Reads the value `found` of the canonical column `canonical` (trimmed,
    /// in any case) as `meaning`.
    pub fn with_value(
        mut self,
        canonical: impl Into<String>,
        found: impl AsRef<str>,
        meaning: impl Into<String>,
    ) -> ColumnMap {
        let key = found.as_ref().trim().to_lowercase();
        self.values.entry(canonical.into()).or_default().insert(key, meaning.into());
        self
    }

    /// The source header of a canonical column, if it is mapped; the first
    /// part when it is joined.
    pub fn source(&self, canonical: &str) -> Option<&str> {
        self.sources.get(canonical).and_then(|(headers, _)| headers.first()).map(String::as_str)
    }

    /// What the value `found` of the canonical column `canonical` means.
    pub fn value<'v>(&'v self, canonical: &str, found: &'v str) -> &'v str {
        self.values
            .get(canonical)
            .and_then(|values| values.get(&found.trim().to_lowercase()))
            .map_or(found, String::as_str)
    }

    /// The headers a canonical column is read from (its own name when it
    /// is not mapped), and the separator of joined parts.
    pub(crate) fn headers<'m>(&'m self, canonical: &'m str) -> (Vec<&'m str>, &'m str) {
        match self.sources.get(canonical) {
            Some((headers, separator)) => (headers.iter().map(String::as_str).collect(), separator),
            None => (vec![canonical], ""),
        }
    }

    /// Whether the map says where a canonical column is.
    pub(crate) fn is_mapped(&self, canonical: &str) -> bool {
        self.sources.contains_key(canonical)
    }

    /// The value mapping of a canonical column, if it has one.
    pub(crate) fn values_of(&self, canonical: &str) -> Option<&BTreeMap<String, String>> {
        self.values.get(canonical)
    }
}

/// Where one canonical column's text comes from in a row.
#[derive(Clone, Debug)]
pub(crate) struct Cells {
    /// The column indices, one unless the column is joined.
    pub(crate) at: Vec<usize>,
    /// The separator of joined parts.
    pub(crate) separator: String,
    /// Source value (trimmed, lowercased) to value.
    pub(crate) values: Option<BTreeMap<String, String>>,
}

impl Cells {
    /// The column's text in a row: the cell as written, or the joined
    /// parts, after the value mapping.
    pub(crate) fn text<'r>(&self, record: &'r csv::StringRecord) -> Cow<'r, str> {
        let cell = |at: &usize| record.get(*at).unwrap_or_default();
        let text = match self.at.as_slice() {
            [one] => Cow::Borrowed(cell(one)),
            parts => {
                let parts: Vec<&str> =
                    parts.iter().map(cell).map(str::trim).filter(|p| !p.is_empty()).collect();
                Cow::Owned(parts.join(&self.separator))
            }
        };
        match self.values.as_ref().and_then(|v| v.get(&text.trim().to_lowercase())) {
            Some(meaning) => Cow::Owned(meaning.clone()),
            None => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    #[test]
    fn joined_parts_skip_empty_cells_and_trim() {
        let cells = Cells { at: vec![0, 2], separator: " ".into(), values: None };
        assert_eq!(cells.text(&row(&[" Ana ", "x", "Lopez"])), "Ana Lopez");
        assert_eq!(cells.text(&row(&["", "x", "Lopez"])), "Lopez");
        assert_eq!(cells.text(&row(&["", "x", " "])), "");
    }

    #[test]
    fn values_are_mapped_trimmed_in_any_case_and_others_kept() {
        let map = ColumnMap::new()
            .with_value("status", "Former employee", "terminated")
            .with_value("status", "Long-term leave", "leave");
        let cells = Cells {
            at: vec![0],
            separator: String::new(),
            values: map.values.get("status").cloned(),
        };
        assert_eq!(cells.text(&row(&["FORMER employee "])), "terminated");
        assert_eq!(cells.text(&row(&["Long-term leave"])), "leave");
        assert_eq!(cells.text(&row(&[" Active"])), " Active");
        assert_eq!(map.value("title", "CEO"), "CEO");
    }

    #[test]
    fn an_unmapped_column_reads_its_own_header() {
        let map = ColumnMap::new().with("person_id", "empnum");
        assert_eq!(map.headers("email"), (vec!["email"], ""));
        assert_eq!(map.headers("person_id"), (vec!["empnum"], ""));
        assert!(map.is_mapped("person_id") && !map.is_mapped("email"));
        let joined = map.with_joined("name", ["first", "last"], ", ");
        assert_eq!(joined.headers("name"), (vec!["first", "last"], ", "));
        assert!(joined.values_of("name").is_none());
    }
}
