//! Why a policy could not be read, and where.

use std::fmt;

/// A place in a policy file: the file name and a 1-based line and column
/// (columns count characters, not bytes).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file name as the caller gave it.
    pub file: String,
    /// The 1-based line.
    pub line: u32,
    /// The 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Why a policy file was refused.
///
/// Every variant but [`PolicyError::Io`] names the file, line and column,
/// and all but [`PolicyError::Syntax`] the key path, for example
/// `role "Engineering".grants[2]` or `thresholds.stale_days`. Items of
/// `[[role]]`, `[[sod]]` and `[[privileged]]` are named by their `name`
/// when they have one, by their 0-based index otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML.
    #[error("{at}: invalid TOML: {message}")]
    Syntax {
        /// Where the TOML parser stopped.
        at: Location,
        /// What the TOML parser said, on one line.
        message: String,
    },
    /// A key the policy schema does not know.
    #[error("{at}: {path}: unknown key{}", suggest(suggestion.as_deref()))]
    UnknownKey {
        /// Where the key is.
        at: Location,
        /// The key path, ending with the unknown key.
        path: String,
        /// The closest key allowed there, if one is close.
        suggestion: Option<String>,
    },
    /// A required key is absent.
    #[error("{at}: {}missing key \"{key}\"", prefix(path))]
    Missing {
        /// The table that lacks it (its header, or its first line).
        at: Location,
        /// The key path of the table.
        path: String,
        /// The missing key.
        key: String,
    },
    /// A value of the wrong type, out of range or otherwise invalid.
    #[error("{at}: {}{message}", prefix(path))]
    Invalid {
        /// Where the value is.
        at: Location,
        /// The key path of the value.
        path: String,
        /// What was expected and what was found.
        message: String,
    },
}

impl PolicyError {
    /// Where the error is, for all but [`PolicyError::Io`].
    pub fn location(&self) -> Option<&Location> {
        match self {
            PolicyError::Io { .. } => None,
            PolicyError::Syntax { at, .. }
            | PolicyError::UnknownKey { at, .. }
            | PolicyError::Missing { at, .. }
            | PolicyError::Invalid { at, .. } => Some(at),
        }
    }

    /// The key path, for the variants that have one.
    pub fn path(&self) -> Option<&str> {
        match self {
            PolicyError::UnknownKey { path, .. }
            | PolicyError::Missing { path, .. }
            | PolicyError::Invalid { path, .. } => Some(path),
            PolicyError::Io { .. } | PolicyError::Syntax { .. } => None,
        }
    }
}

fn prefix(path: &str) -> String {
    if path.is_empty() { String::new() } else { format!("{path}: ") }
}

fn suggest(suggestion: Option<&str>) -> String {
    suggestion.map(|s| format!("; did you mean \"{s}\"?")).unwrap_or_default()
}
