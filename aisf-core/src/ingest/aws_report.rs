//! The IAM credential report: one CSV row per user, and one for the
//! account's root user, saying when each credential was last used or
//! changed.
//!
//! Columns are found by their header name, so reports with fewer columns
//! (tools often keep a subset) read too; only `user` and `arn` are
//! required. `N/A`, `not_supported` and `no_information` mean "no value".
//!
//! The report is read as the CSV text, or as the JSON that
//! `aws iam get-credential-report` prints, whose `Content` holds the CSV in
//! base64.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::arn_account;
use crate::ingest::b_common::next_csv_row;
use crate::ingest::b_time;
use crate::ingest::{Format, IngestError, Place, ReadOptions, Sink};
use crate::{Node, NodeKind, Value, props};

/// The user name the report gives the account's root user.
const ROOT: &str = "<root_account>";

/// Columns that are true or false: (column, property).
const FLAGS: [(&str, &str); 6] = [
    ("password_enabled", "password_enabled"),
    ("mfa_active", props::MFA),
    ("access_key_1_active", "access_key_1_active"),
    ("access_key_2_active", "access_key_2_active"),
    ("cert_1_active", "cert_1_active"),
    ("cert_2_active", "cert_2_active"),
];

/// Columns that are timestamps: (column, property).
const TIMES: [(&str, &str); 10] = [
    ("user_creation_time", props::CREATED),
    ("password_last_used", "password_last_used"),
    ("password_last_changed", "password_last_changed"),
    ("password_next_rotation", "password_next_rotation"),
    ("access_key_1_last_rotated", "access_key_1_last_rotated"),
    ("access_key_1_last_used_date", "access_key_1_last_used"),
    ("access_key_2_last_rotated", "access_key_2_last_rotated"),
    ("access_key_2_last_used_date", "access_key_2_last_used"),
    ("cert_1_last_rotated", "cert_1_last_rotated"),
    ("cert_2_last_rotated", "cert_2_last_rotated"),
];

/// Reads an IAM credential report: the CSV text, or the JSON the CLI
/// prints with the CSV in base64 under `Content`.
///
/// Each row is an [`NodeKind::Account`] whose id is the user's ARN, so that
/// it merges with the user read from the authorization details. Besides
/// the columns above under their own names, [`props::LAST_LOGIN`] is the
/// latest use of the password or of either access key, and
/// [`props::ENABLED`] says whether the user can sign in at all: a password
/// or an active access key or certificate (the root user always can). The
/// root user is [`props::PRIVILEGED`].
///
/// ```
/// use aisf_core::ingest::{aws, Mode, ReadOptions, Sink};
///
/// let csv = "user,arn,user_creation_time,password_enabled,mfa_active\n\
///            alice,arn:aws:iam::111122223333:user/alice,2024-01-02T03:04:05+00:00,true,false\n";
/// let mut sink = Sink::new(Mode::Strict);
/// aws::read_credential_report(csv.as_bytes(), "report.csv", &ReadOptions::default(), &mut sink)?;
/// let (graph, _) = sink.finish();
/// let alice = graph.node("arn:aws:iam::111122223333:user/alice").unwrap();
/// assert_eq!(alice.prop("mfa"), Some(&false.into()));
/// # Ok::<(), aisf_core::ingest::IngestError>(())
/// ```
///
/// # Errors
///
/// [`IngestError::Malformed`] when the header row cannot be read or lacks
/// `user` or `arn`, or the JSON form is not JSON or holds no base64
/// report, and in strict mode for any row or value that cannot be used (a
/// skip naming the line and column in lenient mode);
/// [`IngestError::Limit`] for input or a row over the limits.
pub fn read_credential_report(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> Result<(), IngestError> {
    sink.begin(file, Format::AwsCredentialReport);
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
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let decoded;
    let bytes = if bytes.trim_ascii_start().starts_with(b"{") {
        decoded = content(bytes, file, opts)?;
        decoded.as_slice()
    } else {
        bytes
    };
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(|err| IngestError::Malformed {
        place: Place::line(file, 1),
        message: format!("cannot read the header row: {err}"),
    })?;
    let columns: HashMap<String, usize> =
        headers.iter().enumerate().map(|(i, h)| (h.to_ascii_lowercase(), i)).collect();
    let (Some(&user_col), Some(&arn_col)) = (columns.get("user"), columns.get("arn")) else {
        return Err(IngestError::Malformed {
            place: Place::line(file, 1),
            message: format!(
                "expected the credential report's user and arn columns, found {:?}",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        });
    };
    let width = headers.len();
    let rows = Rows { file, columns, system: opts.system.clone() };

    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    while let Some(line) = next_csv_row(&mut reader, &mut record, file, &opts.limits, sink)? {
        if record.len() != width {
            let reason =
                format!("expected {width} columns as in the header, found {}", record.len());
            sink.skip(Place::line(file, line), reason)?;
            continue;
        }

        let user = record.get(user_col).unwrap_or_default();
        let arn = record.get(arn_col).unwrap_or_default();
        if arn.is_empty() || user.is_empty() {
            sink.skip(Place::line(file, line), "row has no user or no arn")?;
            continue;
        }
        if let Some(first) = seen.get(arn) {
            let reason = format!("duplicate arn {arn:?}, first at line {first}");
            sink.skip(Place::line(file, line), reason)?;
            continue;
        }
        seen.insert(arn.to_string(), line);
        let node = rows.row(&record, user, arn, line, sink)?;
        sink.node(node);
    }
    Ok(())
}

/// The CSV inside the JSON `get-credential-report` prints.
fn content(bytes: &[u8], file: &str, opts: &ReadOptions) -> Result<Vec<u8>, IngestError> {
    let doc = super::b_json::parse(bytes, file, &opts.limits)?;
    let malformed = |pointer: &str, message: String| IngestError::Malformed {
        place: Place::pointer(file, pointer),
        message,
    };
    let content = match doc.as_object().and_then(|o| o.get("Content")) {
        Some(serde_json::Value::String(text)) => text,
        Some(other) => {
            let found = super::b_json::describe(other);
            return Err(malformed("/Content", format!("expected base64 text, found {found}")));
        }
        None => return Err(malformed("", "expected a Content member holding the report".into())),
    };
    let format = doc.get("ReportFormat").and_then(serde_json::Value::as_str);
    if format.is_some_and(|f| f != "text/csv") {
        let message = format!("expected ReportFormat \"text/csv\", found {format:?}");
        return Err(malformed("/ReportFormat", message));
    }
    let compact: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD
        .decode(compact)
        .map_err(|err| malformed("/Content", format!("Content is not base64: {err}")))
}

struct Rows<'a> {
    file: &'a str,
    columns: HashMap<String, usize>,
    system: Option<String>,
}

impl Rows<'_> {
    fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        let value = record.get(*self.columns.get(column)?)?;
        let empty = value.is_empty()
            || ["N/A", "not_supported", "no_information"]
                .iter()
                .any(|n| value.eq_ignore_ascii_case(n));
        (!empty).then_some(value)
    }

    fn row(
        &self,
        record: &csv::StringRecord,
        user: &str,
        arn: &str,
        line: u64,
        sink: &mut Sink,
    ) -> Result<Node, IngestError> {
        let root = user == ROOT;
        let system = match (&self.system, arn_account(arn)) {
            (Some(system), _) => system.clone(),
            (None, Some(account)) => format!("aws:{account}"),
            (None, None) => format!("aws:{}", self.file),
        };
        let mut node = Node::new(arn, NodeKind::Account).with_system(system).with_name(user);
        if root {
            node.props.insert(props::PRIVILEGED.into(), true.into());
            node.props.insert("root".into(), true.into());
        } else {
            node.props.insert(props::USERNAME.into(), user.into());
        }

        for (column, prop) in FLAGS {
            let Some(text) = self.get(record, column) else { continue };
            match text.to_ascii_lowercase().as_str() {
                "true" => node.props.insert(prop.into(), true.into()),
                "false" => node.props.insert(prop.into(), false.into()),
                _ => {
                    let reason = format!("column {column:?} must be true or false, found {text:?}");
                    sink.skip(Place::line(self.file, line), reason)?;
                    continue;
                }
            };
        }
        for (column, prop) in TIMES {
            let Some(text) = self.get(record, column) else { continue };
            match b_time::parse(text) {
                Some(t) => {
                    node.props.insert(prop.into(), Value::Time(t));
                }
                None => {
                    let reason = format!("column {column:?} must be a timestamp, found {text:?}");
                    sink.skip(Place::line(self.file, line), reason)?;
                }
            }
        }

        // The latest use of any credential is the last login; a user with no
        // password and no active key or certificate cannot sign in.
        let last = ["password_last_used", "access_key_1_last_used", "access_key_2_last_used"]
            .iter()
            .filter_map(|k| node.props.get(*k).and_then(Value::as_i64))
            .max();
        if let Some(last) = last {
            node.props.insert(props::LAST_LOGIN.into(), Value::Time(last));
        }
        let flags = ["password_enabled", "access_key_1_active", "access_key_2_active"];
        let flags = flags.iter().chain(&["cert_1_active", "cert_2_active"]);
        let known: Vec<bool> =
            flags.filter_map(|k| node.props.get(*k)).filter_map(Value::as_bool).collect();
        if root {
            node.props.insert(props::ENABLED.into(), true.into());
        } else if !known.is_empty() {
            node.props.insert(props::ENABLED.into(), known.contains(&true).into());
        }
        Ok(node)
    }
}
