//! Username templates: how a system builds logins from a person's name.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::normalize::{literal_key, name_key};

/// The longest prefix a placeholder may ask for (`{first:N}`).
const MAX_PREFIX: usize = 64;

/// How a system spells a login from a person's first and last name.
///
/// A template is literal text with placeholders in braces:
///
/// | placeholder | stands for |
/// |---|---|
/// | `{first}` | the whole first name |
/// | `{last}` | the whole last name |
/// | `{f}` | the first letter of the first name |
/// | `{l}` | the first letter of the last name |
/// | `{first:N}`, `{last:N}` | the first N letters (N from 1 to 64) |
///
/// Name parts are lowercased, their accents folded and everything but
/// letters and digits dropped, so `{f}.{last}` makes `j.finchfletchley`
/// of Justin Finch-Fletchley. Literal text is lowercased and folded too.
///
/// ```
/// use aisf_core::correlate::Template;
///
/// let t = Template::parse("{f}{last}").unwrap();
/// assert_eq!(t.render("José", "Núñez").as_deref(), Some("jnunez"));
/// assert!(Template::parse("{middle}").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    First(usize),
    Last(usize),
}

/// A username template that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("username template {template:?}: {message}")]
pub struct TemplateError {
    /// The template as given.
    pub template: String,
    /// What is wrong with it.
    pub message: String,
}

impl Template {
    /// Reads a template.
    ///
    /// # Errors
    ///
    /// [`TemplateError`] for an unknown placeholder, an unclosed brace, a
    /// prefix length outside 1 to 64, or a template with no placeholder at
    /// all (which would give every person the same login).
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let error = |message: String| TemplateError { template: source.to_string(), message };
        let mut parts = Vec::new();
        let mut rest = source;
        while !rest.is_empty() {
            let Some(open) = rest.find(['{', '}']) else {
                parts.push(Part::Literal(literal_key(rest)));
                break;
            };
            if rest[open..].starts_with('}') {
                return Err(error(format!(
                    "unmatched '}}' at byte {}",
                    source.len() - rest.len() + open
                )));
            }
            if open > 0 {
                parts.push(Part::Literal(literal_key(&rest[..open])));
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err(error("unclosed '{'".to_string()));
            };
            parts.push(placeholder(&after[..close]).map_err(error)?);
            rest = &after[close + 1..];
        }
        parts.retain(|p| !matches!(p, Part::Literal(s) if s.is_empty()));
        if !parts.iter().any(|p| matches!(p, Part::First(_) | Part::Last(_))) {
            return Err(error("no placeholder, expected at least one of {first} or {last}".into()));
        }
        Ok(Template { source: source.to_string(), parts })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The login this template makes of a name, or `None` when a part the
    /// template needs is empty once normalised.
    pub fn render(&self, first: &str, last: &str) -> Option<String> {
        self.render_keys(&name_key(first), &name_key(last))
    }

    /// [`Template::render`] for name parts that are already keys.
    pub(crate) fn render_keys(&self, first: &str, last: &str) -> Option<String> {
        let mut out = String::with_capacity(first.len() + last.len() + 4);
        for part in &self.parts {
            let (name, len) = match part {
                Part::Literal(s) => {
                    out.push_str(s);
                    continue;
                }
                Part::First(len) => (first, *len),
                Part::Last(len) => (last, *len),
            };
            if name.is_empty() {
                return None;
            }
            out.extend(name.chars().take(len));
        }
        Some(out)
    }
}

fn placeholder(inner: &str) -> Result<Part, String> {
    let (name, len) = match inner.split_once(':') {
        None => (inner, None),
        Some((name, digits)) => match digits.parse::<usize>() {
            Ok(n) if (1..=MAX_PREFIX).contains(&n) => (name, Some(n)),
            _ => {
                return Err(format!(
                    "placeholder {{{inner}}}: length must be 1 to {MAX_PREFIX}, found {digits:?}"
                ));
            }
        },
    };
    let whole = len.unwrap_or(usize::MAX);
    match (name, len) {
        ("first", _) => Ok(Part::First(whole)),
        ("last", _) => Ok(Part::Last(whole)),
        ("f", None) => Ok(Part::First(1)),
        ("l", None) => Ok(Part::Last(1)),
        _ => Err(format!(
            "unknown placeholder {{{inner}}}, expected first, last, f, l, first:N or last:N"
        )),
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl TryFrom<String> for Template {
    type Error = TemplateError;

    fn try_from(source: String) -> Result<Template, TemplateError> {
        Template::parse(&source)
    }
}

impl From<Template> for String {
    fn from(t: Template) -> String {
        t.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_the_usual_login_shapes() {
        let cases = [
            ("{first}.{last}", "Alice", "Archer", Some("alice.archer")),
            ("{f}{last}", "Alice", "Archer", Some("aarcher")),
            ("{first}{l}", "Alice", "Archer", Some("alicea")),
            ("{f}.{last}", "Justin", "Finch-Fletchley", Some("j.finchfletchley")),
            ("{first:2}.{last}", "George", "Weasley", Some("ge.weasley")),
            ("{f}{last:7}", "Charles", "Whitehead", Some("cwhitehe")),
            ("{first:9}", "Al", "Mason", Some("al")),
            ("{first}.{last}", "Katarína", "Valaliková", Some("katarina.valalikova")),
            ("{first}.{last}", "", "Archer", None),
            ("{last}_ADM", "Alice", "Archer", Some("archer_adm")),
        ];
        for (template, first, last, want) in cases {
            let t = Template::parse(template).unwrap();
            assert_eq!(t.render(first, last).as_deref(), want, "{template} {first} {last}");
        }
    }

    #[test]
    fn bad_templates_are_refused_with_the_reason() {
        let cases = [
            ("{middle}", "unknown placeholder {middle}"),
            ("{first", "unclosed '{'"),
            ("first}", "unmatched '}' at byte 5"),
            ("{first:0}", "length must be 1 to 64, found \"0\""),
            ("{f:2}", "unknown placeholder {f:2}"),
            ("admin", "no placeholder"),
            ("", "no placeholder"),
        ];
        for (template, want) in cases {
            let err = Template::parse(template).unwrap_err();
            assert!(err.to_string().contains(want), "{template}: {err}");
        }
    }
}
