//! What the JSON readers among SCIM, AWS, Entra, Okta and Google share:
//! parsing within the [`Limits`], JSON pointers for places, typed field
//! access that reports what it found, and a walk that finds records in
//! whatever envelope an API response or a test fixture put them.

use serde_json::{Map, Value as Json};

use super::{IngestError, Limits, Place, Sink};
use crate::Value;
use crate::ingest::b_time;

/// A JSON object.
pub(crate) type Object = Map<String, Json>;

/// Parses a whole JSON document.
///
/// The nesting depth is checked by a flat scan before parsing, so hostile
/// input cannot exhaust the stack. `serde_json` itself stops at 128 levels,
/// so a larger [`Limits::max_depth`] is capped there.
pub(crate) fn parse(bytes: &[u8], file: &str, limits: &Limits) -> Result<Json, IngestError> {
    if bytes.len() as u64 > limits.max_input {
        return Err(IngestError::Limit {
            place: Place::file(file),
            message: format!(
                "input of {} bytes is over the limit of {}",
                bytes.len(),
                limits.max_input
            ),
        });
    }
    check_depth(bytes, file, limits.max_depth)?;

    serde_json::from_slice(bytes).map_err(|err| {
        let full = err.to_string();
        let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
        IngestError::Malformed {
            place: Place::line(file, err.line() as u64),
            message: format!("invalid JSON at column {}: {message}", err.column()),
        }
    })
}

fn check_depth(bytes: &[u8], file: &str, max_depth: usize) -> Result<(), IngestError> {
    let (mut depth, mut line, mut in_string, mut escaped) = (0usize, 1u64, false, false);
    for &b in bytes {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(IngestError::Limit {
                        place: Place::line(file, line),
                        message: format!("nesting deeper than the limit of {max_depth} levels"),
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The pointer to member `key` of the value at `ptr` (RFC 6901 escapes).
pub(crate) fn child(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The pointer to element `i` of the array at `ptr`.
pub(crate) fn index(ptr: &str, i: usize) -> String {
    format!("{ptr}/{i}")
}

/// What a value is, for "expected X, found Y" messages.
pub(crate) fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".to_string(),
        Json::Bool(b) => format!("boolean {b}"),
        Json::Number(n) => format!("number {n}"),
        Json::String(s) => format!("string {:?}", shorten(s)),
        Json::Array(items) => format!("an array of {}", items.len()),
        Json::Object(_) => "an object".to_string(),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(40).collect::<String>())
    }
}

/// A member looked up by exact name, else without regard to ASCII case
/// (PowerShell exports spell Graph's `principalId` as `PrincipalId`).
pub(crate) fn get<'a>(obj: &'a Object, key: &str) -> Option<&'a Json> {
    obj.get(key).or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// A non-empty string member.
pub(crate) fn str_of<'a>(obj: &'a Object, key: &str) -> Option<&'a str> {
    get(obj, key).and_then(Json::as_str).filter(|s| !s.trim().is_empty())
}

/// The string at a path of member names.
pub(crate) fn str_at<'a>(obj: &'a Object, path: &[&str]) -> Option<&'a str> {
    let (last, inner) = path.split_last()?;
    let mut at = obj;
    for key in inner {
        at = get(at, key)?.as_object()?;
    }
    str_of(at, last)
}

/// An object member.
pub(crate) fn obj_of<'a>(obj: &'a Object, key: &str) -> Option<&'a Object> {
    get(obj, key).and_then(Json::as_object)
}

/// Typed reads of one record's members, each reporting a value of the
/// wrong type as a skip at its pointer (an error in strict mode) and
/// leaving the member out.
pub(crate) struct Fields<'a> {
    /// The file, for places.
    pub(crate) file: &'a str,
    /// The record.
    pub(crate) obj: &'a Object,
    /// The record's pointer.
    pub(crate) ptr: &'a str,
}

impl<'a> Fields<'a> {
    fn wrong(
        &self,
        sink: &mut Sink,
        key: &str,
        expected: &str,
        found: &Json,
    ) -> Result<(), IngestError> {
        let place = Place::pointer(self.file, child(self.ptr, key));
        sink.skip(place, format!("expected {expected}, found {}", describe(found)))
    }

    /// A boolean member; absent and null are `None`.
    pub(crate) fn bool(&self, sink: &mut Sink, key: &str) -> Result<Option<bool>, IngestError> {
        match get(self.obj, key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(other) => self.wrong(sink, key, "a boolean", other).map(|()| None),
        }
    }

    /// A string member; absent, null and empty are `None`.
    pub(crate) fn str(&self, sink: &mut Sink, key: &str) -> Result<Option<&'a str>, IngestError> {
        match get(self.obj, key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(other) => self.wrong(sink, key, "a string", other).map(|()| None),
        }
    }

    /// A timestamp member, as seconds since the epoch.
    pub(crate) fn time(&self, sink: &mut Sink, key: &str) -> Result<Option<i64>, IngestError> {
        match get(self.obj, key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
            Some(value @ Json::String(s)) => match b_time::parse(s) {
                Some(t) => Ok(Some(t)),
                None => self.wrong(sink, key, "an RFC 3339 timestamp", value).map(|()| None),
            },
            Some(other) => self.wrong(sink, key, "an RFC 3339 timestamp", other).map(|()| None),
        }
    }

    /// An array member; absent and null are empty.
    pub(crate) fn array(&self, sink: &mut Sink, key: &str) -> Result<&'a [Json], IngestError> {
        match get(self.obj, key) {
            None | Some(Json::Null) => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(other) => self.wrong(sink, key, "an array", other).map(|()| &[][..]),
        }
    }
}

/// A JSON scalar (or list of strings) as a property value; `None` for
/// nulls, empty strings, objects and mixed lists.
pub(crate) fn scalar(value: &Json) -> Option<Value> {
    match value {
        Json::Bool(b) => Some(Value::Bool(*b)),
        Json::Number(n) => n.as_i64().map(Value::Int),
        Json::String(s) if !s.is_empty() => Some(Value::Str(s.clone())),
        Json::Array(items) if !items.is_empty() => {
            let strings: Option<Vec<String>> =
                items.iter().map(|v| v.as_str().map(str::to_string)).collect();
            strings.map(Value::StrList)
        }
        _ => None,
    }
}

/// Copies the members of a record not mapped elsewhere that hold a plain
/// value, under their own names: not `mapped`, not annotations (`@odata.*`,
/// `_links`), not secrets.
pub(crate) fn keep_others(obj: &Object, mapped: &[&str], node: &mut crate::Node) {
    for (key, value) in obj {
        let skip = mapped.iter().any(|m| m.eq_ignore_ascii_case(key))
            || key.starts_with(['@', '_'])
            || super::b_common::is_secret(key);
        if skip {
            continue;
        }
        if let Some(value) = scalar(value) {
            node.props.entry(key.clone()).or_insert(value);
        }
    }
}

/// What a [`Walker`] made of an object.
pub(crate) enum Seen {
    /// It was a record and was handled.
    Record,
    /// It is not a record; the walk looks inside it.
    Container,
}

/// A reader's part in [`walk`]: recognising and handling records.
pub(crate) trait Walker {
    /// Whether to look under member `key` (a container's member), given
    /// the names of the members above it; a reader refuses derived copies
    /// here, saying why through the sink.
    fn enter(
        &mut self,
        key: &str,
        ptr: &str,
        path: &[String],
        sink: &mut Sink,
    ) -> Result<bool, IngestError>;

    /// Handles the object if it is a record.
    fn object(
        &mut self,
        obj: &Object,
        ptr: &str,
        path: &[String],
        sink: &mut Sink,
    ) -> Result<Seen, IngestError>;
}

/// Finds the records in `value`: a bare list, an API envelope such as
/// `{"value": [...]}` or `{"users": [...]}`, or a fixture keyed by the
/// name of the call, at any depth. Each object the walker does not take as
/// a record is looked into; an object in an array holding no record at all
/// is skipped as unrecognised, and so is a plain value among objects.
/// Returns the number of records found.
pub(crate) fn walk<W: Walker>(
    walker: &mut W,
    file: &str,
    value: &Json,
    ptr: &str,
    path: &mut Vec<String>,
    sink: &mut Sink,
) -> Result<usize, IngestError> {
    match value {
        Json::Array(items) => {
            // A plain value among objects is a record of the wrong type; a
            // list of plain values only (names, flags) holds no records.
            let holds_objects = items.iter().any(Json::is_object);
            let mut found = 0;
            for (i, item) in items.iter().enumerate() {
                let at = index(ptr, i);
                if holds_objects && !matches!(item, Json::Object(_) | Json::Array(_)) {
                    let reason = format!("expected a record object, found {}", describe(item));
                    sink.skip(Place::pointer(file, at), reason)?;
                    continue;
                }
                let here = walk(walker, file, item, &at, path, sink)?;
                if here == 0 && item.is_object() {
                    sink.skip(Place::pointer(file, at), "unrecognised object")?;
                }
                found += here;
            }
            Ok(found)
        }
        Json::Object(obj) => {
            if let Seen::Record = walker.object(obj, ptr, path, sink)? {
                sink.record();
                return Ok(1);
            }
            let mut found = 0;
            for (key, inner) in obj {
                if !matches!(inner, Json::Array(_) | Json::Object(_)) {
                    continue;
                }
                let at = child(ptr, key);
                if !walker.enter(key, &at, path, sink)? {
                    continue;
                }
                path.push(key.clone());
                let here = walk(walker, file, inner, &at, path, sink);
                path.pop();
                found += here?;
            }
            Ok(found)
        }
        _ => Ok(0),
    }
}

/// Visits every object in `value`, depth first (the parse bounded the
/// depth), for readers that first collect what records refer to.
pub(crate) fn each_object<'a>(value: &'a Json, mut visit: impl FnMut(&'a Object)) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Json::Object(obj) => {
                visit(obj);
                stack.extend(obj.values());
            }
            Json::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

/// Copies of a document with one value replaced by a value of another
/// type (`null`, a number, a string, a list, an object), for at most
/// `at_most` values spread over the document: the shapes a reader meets
/// when an export is not what its API documents. Readers' tests feed them
/// in, to show that no replacement makes a reader panic or fail in lenient
/// mode.
#[cfg(test)]
pub(crate) fn type_swaps(doc: &Json, at_most: usize) -> Vec<Vec<u8>> {
    let mut pointers = Vec::new();
    let mut stack = vec![(String::new(), doc)];
    while let Some((ptr, value)) = stack.pop() {
        match value {
            Json::Object(obj) => stack.extend(obj.iter().map(|(k, v)| (child(&ptr, k), v))),
            Json::Array(items) => {
                stack.extend(items.iter().enumerate().map(|(i, v)| (index(&ptr, i), v)));
            }
            _ => {}
        }
        pointers.push(ptr);
    }
    let others = [
        Json::Null,
        Json::from(7),
        Json::from("True"),
        serde_json::json!([1, "x"]),
        serde_json::json!({"id": 1}),
    ];
    let mut out = Vec::new();
    let step = pointers.len().div_ceil(at_most.max(1)).max(1);
    for ptr in pointers.iter().step_by(step) {
        for other in &others {
            let mut copy = doc.clone();
            if let Some(slot) = copy.pointer_mut(ptr) {
                *slot = other.clone();
            }
            out.push(serde_json::to_vec(&copy).expect("a JSON value serialises"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_json_names_line_and_column() {
        let err = parse(b"{\n  \"a\": [1,\n  }", "x.json", &Limits::default()).unwrap_err();
        assert_eq!(err.to_string(), "x.json:3: invalid JSON at column 3: expected value");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let limits = Limits { max_depth: 3, ..Limits::default() };
        let err = parse(b"[[[\n[1]]]]", "d.json", &limits).unwrap_err();
        assert!(matches!(err, IngestError::Limit { .. }));
        assert_eq!(err.to_string(), "d.json:2: nesting deeper than the limit of 3 levels");
        assert!(parse(b"[\"[[[[[[\"]", "s.json", &limits).is_ok());
    }

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(child("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(index("", 3), "/3");
    }
}
