//! What the SCIM, LDIF, AWS, Entra, Okta and Google readers share: the
//! attributes that are secrets and the tally of those dropped, and edges
//! made once per source however often the source repeats them.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value as Json;

use super::{IngestError, Limits, Place, Sink};
use crate::Edge;

/// Attribute names whose values never enter the graph, compared without
/// regard to case, `-` or `_`: password hashes and passwords, private keys
/// and key secrets, tokens, security answers and photos.
const SECRETS: &[&str] = &[
    // Passwords and their hashes (LDAP, AD, Samba, SCIM, Okta, Entra).
    "userpassword",
    "unicodepwd",
    "authpassword",
    "sambantpassword",
    "sambalmpassword",
    "ntpwdhistory",
    "lmpwdhistory",
    "dbcspwd",
    "supplementalcredentials",
    "passwordhash",
    "password",
    "passwordprofile",
    "passwordcredentials",
    "mslapspassword",
    "mslapsencryptedpassword",
    "mcsadmpwd",
    "msdsmanagedpassword",
    // Keys, secrets and tokens.
    "userpkcs12",
    "privatekey",
    "keycredentials",
    "secretaccesskey",
    "awssecretaccesskey",
    "clientsecret",
    "secret",
    "secrettext",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "sessiontoken",
    "apitoken",
    "securityanswer",
    "answer",
    // Photos.
    "jpegphoto",
    "thumbnailphoto",
    "thumbnailphotourl",
    "photo",
    "photos",
];

/// Whether values of the attribute `name` are secrets.
pub(crate) fn is_secret(name: &str) -> bool {
    let folded: String =
        name.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    // LDAP options (`userPassword;binary`) do not change what the value is.
    let folded = folded.split(';').next().unwrap_or_default();
    SECRETS.contains(&folded)
}

/// A copy of a JSON value without the keys that name secrets, at any
/// depth: for documents kept whole as a property (an IAM policy's
/// statements), where a secret must not ride along.
pub(crate) fn without_secrets(doc: &Json) -> Json {
    match doc {
        Json::Object(map) => Json::Object(
            map.iter()
                .filter(|(key, _)| !is_secret(key))
                .map(|(key, value)| (key.clone(), without_secrets(value)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(without_secrets).collect()),
        other => other.clone(),
    }
}

/// Counts, per attribute name, the secret values a source held and the
/// reader dropped, so that the report can say so without the values.
#[derive(Debug, Default)]
pub(crate) struct Dropped {
    secrets: BTreeMap<String, u64>,
    binary: BTreeMap<String, u64>,
    urls: BTreeMap<String, u64>,
}

impl Dropped {
    /// Notes one secret value of `name` dropped.
    pub(crate) fn secret(&mut self, name: &str) {
        *self.secrets.entry(name.to_string()).or_default() += 1;
    }

    /// Notes one binary value of `name` dropped.
    pub(crate) fn binary(&mut self, name: &str) {
        *self.binary.entry(name.to_string()).or_default() += 1;
    }

    /// Notes one value of `name` given by URL and not fetched.
    pub(crate) fn url(&mut self, name: &str) {
        *self.urls.entry(name.to_string()).or_default() += 1;
    }

    /// Notes every secret in a JSON record, at any depth: keys that name a
    /// secret and hold something (an empty string, list or object or a
    /// null holds nothing worth counting).
    pub(crate) fn scan(&mut self, value: &Json) {
        self.scan_all(vec![value]);
    }

    /// [`Dropped::scan`] for a record already known to be an object.
    pub(crate) fn scan_object(&mut self, record: &serde_json::Map<String, Json>) {
        let mut stack = Vec::new();
        for (key, inner) in record {
            if !is_secret(key) {
                stack.push(inner);
            } else if !is_empty(inner) {
                self.secret(key);
            }
        }
        self.scan_all(stack);
    }

    fn scan_all(&mut self, mut stack: Vec<&Json>) {
        while let Some(value) = stack.pop() {
            match value {
                Json::Object(map) => {
                    for (key, inner) in map {
                        if is_secret(key) {
                            if !is_empty(inner) {
                                self.secret(key);
                            }
                        } else {
                            stack.push(inner);
                        }
                    }
                }
                Json::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }

    /// Hands the tally to the sink as one warning per attribute.
    pub(crate) fn report(self, sink: &mut Sink) {
        for (name, count) in self.secrets {
            sink.warn(format!("dropped {count} {} of secret attribute {name}", values(count)));
        }
        for (name, count) in self.binary {
            sink.warn(format!("skipped {count} binary {} of attribute {name}", values(count)));
        }
        for (name, count) in self.urls {
            let what = values(count);
            sink.warn(format!(
                "skipped {count} {what} of attribute {name} given by URL, not fetched"
            ));
        }
    }
}

fn values(count: u64) -> &'static str {
    if count == 1 { "value" } else { "values" }
}

fn is_empty(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Array(items) => items.is_empty(),
        Json::Object(map) => map.is_empty(),
        Json::Bool(_) | Json::Number(_) => false,
    }
}

/// Hands edges to the sink once each: sources repeat a membership from
/// both ends (a group's members and a user's groups) or once per page.
#[derive(Debug, Default)]
pub(crate) struct Edges {
    seen: HashSet<(String, String, String)>,
}

impl Edges {
    /// Adds the edge unless an edge of the same kind between the same ends
    /// was already added; says whether it was added.
    pub(crate) fn add(&mut self, sink: &mut Sink, edge: Edge) -> bool {
        let key = (edge.kind.as_str().to_string(), edge.src.clone(), edge.dst.clone());
        if !self.seen.insert(key) {
            return false;
        }
        sink.edge(edge);
        true
    }
}

/// The last path segment of a URL or ARN-like reference, without a query.
pub(crate) fn last_segment(reference: &str) -> Option<&str> {
    let path = reference.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/').rsplit('/').next().filter(|s| !s.is_empty())
}

/// The host of an `http(s)://` URL.
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    (!host.is_empty()).then_some(host)
}

/// The strings of a document that only secret attributes hold: every
/// string under a secret key that appears nowhere else in the document.
/// Readers' tests check that none of them reaches the graph.
#[cfg(test)]
pub(crate) fn secret_strings(doc: &Json) -> Vec<String> {
    fn strings<'a>(value: &'a Json, secret: bool, out: &mut Vec<(&'a str, bool)>) {
        match value {
            Json::String(s) => out.push((s, secret)),
            Json::Array(items) => items.iter().for_each(|v| strings(v, secret, out)),
            Json::Object(map) => {
                for (key, inner) in map {
                    strings(inner, secret || is_secret(key), out);
                }
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    strings(doc, false, &mut all);
    let open: HashSet<&str> = all.iter().filter(|(_, secret)| !secret).map(|(s, _)| *s).collect();
    let mut hidden: Vec<String> = all
        .iter()
        .filter(|(s, secret)| *secret && !s.is_empty() && !open.contains(s))
        .map(|(s, _)| s.to_string())
        .collect();
    hidden.sort();
    hidden.dedup();
    hidden
}

/// Reads the next row of a CSV file into `record`, counting it: an
/// unreadable row is a skip at its line (and the next row is tried), a row
/// longer than [`Limits::max_line`] refuses the file. Returns the row's
/// line, or `None` at the end.
pub(crate) fn next_csv_row<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    file: &str,
    limits: &Limits,
    sink: &mut Sink,
) -> Result<Option<u64>, IngestError> {
    loop {
        let line = reader.position().line();
        match reader.read_record(record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(err) => {
                let line = err.position().map_or(line, csv::Position::line);
                sink.record();
                sink.skip(Place::line(file, line), format!("unreadable row: {err}"))?;
                continue;
            }
        }
        let line = record.position().map_or(line, csv::Position::line);
        sink.record();
        if record.as_slice().len() > limits.max_line {
            return Err(IngestError::Limit {
                place: Place::line(file, line),
                message: format!("row longer than the limit of {} bytes", limits.max_line),
            });
        }
        return Ok(Some(line));
    }
}

/// Warns that `count` pages of an API answer say more pages follow, so the
/// export is incomplete: `"<file>: 2 <noun>s have <marker>: ..."`.
pub(crate) fn warn_unfinished(sink: &mut Sink, file: &str, count: usize, noun: &str, marker: &str) {
    if count > 0 {
        let verb = if count == 1 { format!("{noun} has") } else { format!("{noun}s have") };
        sink.warn(format!("{file}: {count} {verb} {marker}: the export is incomplete"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeKind;
    use crate::ingest::{Format, Mode};

    #[test]
    fn secret_names_match_without_regard_to_case_or_separators() {
        for name in
            ["userPassword", "unicodePwd", "client_secret", "jpegPhoto", "userPassword;binary"]
        {
            assert!(is_secret(name), "{name}");
        }
        for name in ["uid", "passwordLastSet", "pwdLastSet", "mail", "thumbnailPhotoEtag"] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn the_tally_counts_nested_secrets_that_hold_something() {
        let record = serde_json::json!({
            "id": "u1",
            "password": "hunter2",
            "credentials": {"password": {}, "recovery_question": {"answer": "blue"}},
            "profile": [{"securityAnswer": "x"}, {"securityAnswer": null}]
        });
        let mut dropped = Dropped::default();
        dropped.scan(&record);
        let mut sink = Sink::new(Mode::Lenient);
        sink.begin("f", Format::Okta);
        dropped.report(&mut sink);
        let (_, report) = sink.finish();
        assert_eq!(
            report.sources[0].warnings,
            vec![
                "dropped 1 value of secret attribute answer",
                "dropped 1 value of secret attribute password",
                "dropped 1 value of secret attribute securityAnswer",
            ]
        );
    }

    #[test]
    fn an_edge_is_added_once() {
        let mut sink = Sink::new(Mode::Lenient);
        let mut edges = Edges::default();
        assert!(edges.add(&mut sink, Edge::new(EdgeKind::MemberOf, "a", "g")));
        assert!(!edges.add(&mut sink, Edge::new(EdgeKind::MemberOf, "a", "g")));
        assert!(edges.add(&mut sink, Edge::new(EdgeKind::Owns, "a", "g")));
        assert_eq!(sink.graph().edge_count(), 2);
    }

    #[test]
    fn references_give_their_last_segment_and_host() {
        assert_eq!(last_segment("https://x/api/v1/users/00u1?expand=1"), Some("00u1"));
        assert_eq!(url_host("https://example.com/v2/Users/1"), Some("example.com"));
        assert_eq!(url_host("urn:x"), None);
    }
}
