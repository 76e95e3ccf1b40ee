//! Glob patterns over ids and names: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`.
//!
//! Matching ignores case. A pattern without wildcards is compared as a
//! whole string, and the common shapes `abc*`, `*abc` and `*abc*` are
//! compared without running the general matcher.

use std::fmt;

use serde::{Serialize, Serializer};

/// A glob pattern, matched without regard to case.
///
/// | syntax | matches |
/// |---|---|
/// | `*` | any run of characters, `:` included, possibly empty |
/// | `?` | exactly one character |
/// | `[abc]`, `[a-z]` | one character of the set or range |
/// | `[!abc]` | one character not in the set |
/// | `\*`, `\?`, `\[`, `\\` | the character itself |
///
/// ```
/// use aisf_core::policy::Pattern;
///
/// let p = Pattern::parse("aws:ent:s3-read-*").unwrap();
/// assert!(p.matches("AWS:ent:s3-read-logs"));
/// assert!(!p.matches("aws:ent:s3-write-logs"));
/// assert!(Pattern::parse("*:ent:email").unwrap().matches("google:ent:email"));
/// assert!(Pattern::parse("iam:\\*").unwrap().matches("iam:*"));
/// assert!(!Pattern::parse("iam:\\*").unwrap().matches("iam:GetUser"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    shape: Shape,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// No wildcard: the whole (lowercased) string.
    Literal(String),
    /// `abc*`.
    Prefix(String),
    /// `*abc`.
    Suffix(String),
    /// `*abc*`.
    Contains(String),
    /// Anything else.
    Glob(Vec<Token>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    Any,
    Star,
    Class { negated: bool, items: Vec<(char, char)> },
}

/// Why a pattern could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// The pattern is the empty string.
    #[error("empty pattern")]
    Empty,
    /// A `[` has no matching `]`.
    #[error("unclosed bracket")]
    UnclosedBracket,
    /// `[]` or `[!]`.
    #[error("empty character class")]
    EmptyClass,
    /// A range such as `[z-a]` runs backwards.
    #[error("range {start}-{end} runs backwards")]
    BackwardRange {
        /// The first character of the range.
        start: char,
        /// The last character of the range.
        end: char,
    },
    /// A `\` ends the pattern.
    #[error("trailing backslash")]
    TrailingBackslash,
}

impl Pattern {
    /// Reads a pattern.
    ///
    /// # Errors
    ///
    /// [`PatternError`] for an empty pattern, an unclosed or empty `[...]`,
    /// a backward range or a trailing `\`.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        if text.is_empty() {
            return Err(PatternError::Empty);
        }
        let tokens = tokenize(text)?;
        Ok(Pattern { text: text.to_string(), shape: shape_of(tokens) })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern has no wildcard, so that it names one thing.
    pub fn is_literal(&self) -> bool {
        matches!(self.shape, Shape::Literal(_))
    }

    /// The name a literal pattern stands for (escapes removed, lowercased).
    pub fn literal(&self) -> Option<&str> {
        match &self.shape {
            Shape::Literal(s) => Some(s),
            _ => None,
        }
    }

    /// Whether `text` matches the whole pattern, ignoring case.
    pub fn matches(&self, text: &str) -> bool {
        if text.is_ascii() {
            match &self.shape {
                Shape::Literal(p) => return text.eq_ignore_ascii_case(p),
                Shape::Prefix(p) => {
                    return text.len() >= p.len()
                        && text.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
                }
                Shape::Suffix(p) => {
                    return text.len() >= p.len()
                        && text.as_bytes()[text.len() - p.len()..]
                            .eq_ignore_ascii_case(p.as_bytes());
                }
                _ => {}
            }
        }
        let lower = text.to_lowercase();
        match &self.shape {
            Shape::Literal(p) => lower == *p,
            Shape::Prefix(p) => lower.starts_with(p.as_str()),
            Shape::Suffix(p) => lower.ends_with(p.as_str()),
            Shape::Contains(p) => lower.contains(p.as_str()),
            Shape::Glob(tokens) => {
                let chars: Vec<char> = lower.chars().collect();
                glob_match(tokens, &chars)
            }
        }
    }

    /// Whether any of `texts` matches.
    pub fn matches_any<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> bool {
        texts.into_iter().any(|t| self.matches(t))
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, PatternError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            '*' => {
                // Runs of stars mean the same as one.
                if tokens.last() == Some(&Token::Star) {
                    continue;
                }
                Token::Star
            }
            '?' => Token::Any,
            '\\' => Token::Char(lower(chars.next().ok_or(PatternError::TrailingBackslash)?)),
            '[' => {
                let negated = chars.next_if_eq(&'!').is_some();
                let mut items = Vec::new();
                loop {
                    let start = match chars.next().ok_or(PatternError::UnclosedBracket)? {
                        ']' => break,
                        '\\' => chars.next().ok_or(PatternError::UnclosedBracket)?,
                        other => other,
                    };
                    let mut end = start;
                    if chars.peek() == Some(&'-') {
                        chars.next();
                        end = match chars.next().ok_or(PatternError::UnclosedBracket)? {
                            // `[a-]`: the dash is a member.
                            ']' => {
                                items.push((lower(start), lower(start)));
                                items.push(('-', '-'));
                                break;
                            }
                            '\\' => chars.next().ok_or(PatternError::UnclosedBracket)?,
                            other => other,
                        };
                        if end < start {
                            return Err(PatternError::BackwardRange { start, end });
                        }
                    }
                    items.push((lower(start), lower(end)));
                }
                if items.is_empty() {
                    return Err(PatternError::EmptyClass);
                }
                Token::Class { negated, items }
            }
            other => Token::Char(lower(other)),
        };
        tokens.push(token);
    }
    Ok(tokens)
}

/// The lowercase of a character when it is one character, else itself.
fn lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn shape_of(tokens: Vec<Token>) -> Shape {
    let literal_run = |ts: &[Token]| -> Option<String> {
        ts.iter()
            .map(|t| match t {
                Token::Char(c) => Some(*c),
                _ => None,
            })
            .collect()
    };
    let n = tokens.len();
    let starts = tokens.first() == Some(&Token::Star);
    let ends = n > 1 && tokens.last() == Some(&Token::Star);
    let inner = &tokens[usize::from(starts)..n - usize::from(ends)];
    match (starts, ends, literal_run(inner)) {
        (false, false, Some(s)) => Shape::Literal(s),
        (false, true, Some(s)) => Shape::Prefix(s),
        (true, false, Some(s)) => Shape::Suffix(s),
        (true, true, Some(s)) => Shape::Contains(s),
        _ => Shape::Glob(tokens),
    }
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Char(p) => *p == c,
        Token::Any => true,
        Token::Star => false,
        Token::Class { negated, items } => {
            items.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
        }
    }
}

/// Greedy matching with one backtrack point: the last star seen. This is
/// linear in the common cases and at worst text length times pattern length.
fn glob_match(tokens: &[Token], text: &[char]) -> bool {
    let (mut t, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < text.len() {
        if t < tokens.len() && tokens[t] == Token::Star {
            star = Some((t, s));
            t += 1;
        } else if t < tokens.len() && token_matches(&tokens[t], text[s]) {
            t += 1;
            s += 1;
        } else if let Some((st, ss)) = star {
            t = st + 1;
            s = ss + 1;
            star = Some((st, ss + 1));
        } else {
            return false;
        }
    }
    tokens[t..].iter().all(|tok| *tok == Token::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Pattern::parse(p).unwrap().matches(t)
    }

    #[test]
    fn shapes_are_recognised() {
        assert!(Pattern::parse("abc").unwrap().is_literal());
        assert_eq!(Pattern::parse("a\\*c").unwrap().literal(), Some("a*c"));
        assert!(matches!(Pattern::parse("ab*").unwrap().shape, Shape::Prefix(_)));
        assert!(matches!(Pattern::parse("*ab").unwrap().shape, Shape::Suffix(_)));
        assert!(matches!(Pattern::parse("**ab**").unwrap().shape, Shape::Contains(_)));
        assert!(matches!(Pattern::parse("a?b").unwrap().shape, Shape::Glob(_)));
    }

    #[test]
    fn globs_match() {
        let cases = [
            ("*", "", true),
            ("*", "anything", true),
            ("?", "", false),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("a*a*a", "aaa", true),
            ("*:ent:email", "gws:ent:email", true),
            ("*:ent:email", "gws:ent:emails", false),
            ("s?-[0-9]*", "s3-1x", true),
            ("s?-[0-9]*", "s3-x1", false),
            ("[!a]b", "cb", true),
            ("[!a]b", "ab", false),
            ("[a-]x", "-x", true),
            ("DOMAIN ADMINS@*", "domain admins@corp.local", true),
            ("ÉQUIPE*", "équipe-a", true),
            ("*ß", "STRASSE", false),
        ];
        for (p, t, want) in cases {
            assert_eq!(m(p, t), want, "{p:?} against {t:?}");
        }
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert_eq!(Pattern::parse(""), Err(PatternError::Empty));
        assert_eq!(Pattern::parse("github:["), Err(PatternError::UnclosedBracket));
        assert_eq!(Pattern::parse("[]"), Err(PatternError::EmptyClass));
        assert_eq!(Pattern::parse("a\\"), Err(PatternError::TrailingBackslash));
        assert_eq!(
            Pattern::parse("[z-a]"),
            Err(PatternError::BackwardRange { start: 'z', end: 'a' })
        );
    }
}
