//! What the JSON readers share: the nesting bound, error places, property
//! values, and the attributes that are secrets.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::{IngestError, Place, Sink};
use crate::Value;

/// Refuses input nested deeper than `max_depth` before any parser sees it.
///
/// A flat scan with a counter, so that a hostile document cannot exhaust
/// the stack of a recursive parser.
pub(crate) fn check_depth(bytes: &[u8], file: &str, max_depth: usize) -> Result<(), IngestError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, &b) in bytes.iter().enumerate() {
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
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(IngestError::Limit {
                        place: Place::file(file),
                        message: format!(
                            "nesting deeper than the limit of {max_depth} levels at byte {at}"
                        ),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Skips a UTF-8 byte order mark, which some Windows collectors write.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// A parse error as [`IngestError::Malformed`], placed by line and byte
/// offset.
pub(crate) fn parse_error(file: &str, bytes: &[u8], err: &serde_json::Error) -> IngestError {
    let offset = byte_offset(bytes, err.line(), err.column());
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = offset - before.iter().rposition(|b| *b == b'\n').map_or(0, |at| at + 1) + 1;
    let text = err.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    let what = if err.is_eof() { "truncated JSON" } else { "invalid JSON" };
    IngestError::Malformed {
        place: Place::line(file, line as u64),
        message: format!("{what} at byte {offset} (column {column}): {text}"),
    }
}

/// The byte offset of serde_json's 1-based line and column (column 0
/// meaning the line break before the line).
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(at, _)| at + 1)
    };
    match column {
        0 => line_start.saturating_sub(1),
        _ => (line_start + column - 1).min(bytes.len()),
    }
}

/// One reference token of a JSON pointer (RFC 6901 escapes).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON value as an error message names what was found.
pub(crate) fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".to_string(),
        Json::Bool(b) => format!("boolean {b}"),
        Json::Number(n) => format!("number {n}"),
        Json::String(s) => format!("string {:?}", truncate(s)),
        Json::Array(_) => "an array".to_string(),
        Json::Object(_) => "an object".to_string(),
    }
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// Whether an attribute holds a secret that must never enter the graph:
/// passwords and their hashes, private keys, tokens, client secrets,
/// photos.
pub(crate) fn is_secret(name: &str) -> bool {
    const SECRETS: &[&str] = &[
        "userpassword",
        "unixpassword",
        "unicodepassword",
        "unicodepwd",
        "sfupassword",
        "ntpwdhistory",
        "lmpwdhistory",
        "dbcspwd",
        "supplementalcredentials",
        "password",
        "passwordhash",
        "msmcsadmpwd",
        "mslapspassword",
        "mslapsencryptedpassword",
        "msdsmanagedpassword",
        "gmsapassword",
        "privatekey",
        "certificateprivatekey",
        "secret",
        "clientsecret",
        "secretaccesskey",
        "token",
        "accesstoken",
        "refreshtoken",
        "jpegphoto",
        "thumbnailphoto",
    ];
    let folded: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRETS.contains(&folded.as_str())
}

/// A JSON property as a [`Value`].
pub(crate) enum Converted {
    /// A value to keep.
    Keep(Value),
    /// `null`: the source has nothing to say.
    Absent,
    /// An object, or an array holding objects or arrays: not representable.
    Nested,
}

/// Converts a JSON property: strings, booleans and integers keep their
/// type, other numbers become their text, and arrays of scalars become a
/// string list.
pub(crate) fn convert(value: &Json) -> Converted {
    match value {
        Json::Null => Converted::Absent,
        Json::Bool(b) => Converted::Keep(Value::Bool(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Converted::Keep(Value::Int(i)),
            None => Converted::Keep(Value::Str(n.to_string())),
        },
        Json::String(s) => Converted::Keep(Value::Str(s.clone())),
        Json::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Json::String(s) => list.push(s.clone()),
                    Json::Bool(b) => list.push(b.to_string()),
                    Json::Number(n) => list.push(n.to_string()),
                    Json::Null => {}
                    Json::Array(_) | Json::Object(_) => return Converted::Nested,
                }
            }
            Converted::Keep(Value::StrList(list))
        }
        Json::Object(_) => Converted::Nested,
    }
}

/// Counts attributes dropped from one source so that the report says so
/// once per attribute rather than once per record.
#[derive(Default)]
pub(crate) struct Dropped {
    secrets: BTreeMap<String, u64>,
    nested: BTreeMap<String, u64>,
}

impl Dropped {
    /// A secret attribute was dropped.
    pub(crate) fn secret(&mut self, name: &str) {
        *self.secrets.entry(name.to_string()).or_default() += 1;
    }

    /// A nested property was not kept.
    pub(crate) fn nested(&mut self, name: &str) {
        *self.nested.entry(name.to_string()).or_default() += 1;
    }

    /// Writes the counts as warnings of the current source.
    pub(crate) fn report(self, sink: &mut Sink, file: &str) {
        for (name, count) in self.secrets {
            sink.warn(format!("{file}: dropped secret attribute '{name}' from {count} record(s)"));
        }
        for (name, count) in self.nested {
            sink.warn(format!(
                "{file}: property '{name}' holds nested objects or lists in {count} record(s); \
                 not kept"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        assert!(check_depth(br#"{"a": "[[[[[[[["}"#, "f", 2).is_ok());
        assert!(check_depth(br#"{"a": "\"[[[["}"#, "f", 1).is_ok());
        let err = check_depth(b"[[[1]]]", "f.json", 2).unwrap_err();
        assert_eq!(err.to_string(), "f.json: nesting deeper than the limit of 2 levels at byte 2");
        let deep = "[".repeat(10_000);
        assert!(matches!(check_depth(deep.as_bytes(), "f", 128), Err(IngestError::Limit { .. })));
    }

    #[test]
    fn parse_errors_name_the_line_and_byte() {
        let bytes = b"{\n  \"a\": tru\n}";
        let err = serde_json::from_slice::<Json>(bytes).unwrap_err();
        let msg = parse_error("x.json", bytes, &err).to_string();
        assert_eq!(msg, "x.json:2: invalid JSON at byte 12 (column 11): expected ident");
    }

    #[test]
    fn secrets_are_recognised_whatever_the_spelling() {
        for name in ["userPassword", "unicodePwd", "ntPwdHistory", "ms-Mcs-AdmPwd", "jpegPhoto"] {
            assert!(is_secret(name), "{name}");
        }
        for name in ["pwdlastset", "passwordnotreqd", "secret_type", "token_name"] {
            assert!(!is_secret(name), "{name}");
        }
    }
}
