//! Pseudonyms for exported evidence: names, emails, usernames and ids of
//! persons and accounts replaced by stable tokens, so that findings can be
//! shared (with an auditor, in a ticket) without naming anyone.
//!
//! A [`Pseudonymiser`] is made from the identities to hide, each a subject
//! (a person's or account's node id) with the strings that identify it. A
//! subject's token is derived from its id and a key: the same key gives
//! the same token everywhere in a report, so findings about one person stay
//! linked; a fresh key per report makes tokens unlinkable across reports.
//! Each identifying string is replaced by a pseudonym of the same shape (an
//! email by an email, an id by an id), wherever it stands as a whole word
//! in a finding: its fields, its path, its explanation and its action.
//!
//! ```
//! use aisf_core::pseudonym::{Identity, Pseudonymiser};
//!
//! let ann = Identity::new("person:7")
//!     .with_name("Ann Lee")
//!     .with_email("ann.lee@example.com");
//! let p = Pseudonymiser::new(42, [ann]);
//! let evidence = "Ann Lee (ann.lee@example.com) left on 1 May; person:7 still holds it";
//! let text = p.text(evidence);
//! assert!(!text.contains("Ann") && !text.contains("example.com"));
//! assert_eq!(text, p.text(evidence), "the same text gets the same pseudonyms");
//! ```

use std::collections::HashMap;

use crate::finding::{Action, Finding};

/// One subject to hide and the strings that identify it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The node id.
    pub id: String,
    /// Display names.
    pub names: Vec<String>,
    /// Email addresses.
    pub emails: Vec<String>,
    /// Usernames and other login names.
    pub usernames: Vec<String>,
}

impl Identity {
    /// A subject known by its node id.
    pub fn new(id: impl Into<String>) -> Identity {
        Identity { id: id.into(), ..Identity::default() }
    }

    /// Adds a display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Identity {
        self.names.push(name.into());
        self
    }

    /// Adds an email address.
    pub fn with_email(mut self, email: impl Into<String>) -> Identity {
        self.emails.push(email.into());
        self
    }

    /// Adds a username.
    pub fn with_username(mut self, username: impl Into<String>) -> Identity {
        self.usernames.push(username.into());
        self
    }
}

/// Replaces identifying strings by pseudonyms, consistently for one key.
#[derive(Clone, Debug)]
pub struct Pseudonymiser {
    /// (original, pseudonym), longest original first, so that an id that
    /// contains a username is replaced whole.
    pairs: Vec<(String, String)>,
    by_original: HashMap<String, String>,
}

/// Strings shorter than this are not replaced inside free text (a
/// two-letter username would match too much); exact fields still are.
const MIN_TEXT_LEN: usize = 3;

impl Pseudonymiser {
    /// A pseudonymiser for `identities` under `key`.
    pub fn new(key: u64, identities: impl IntoIterator<Item = Identity>) -> Pseudonymiser {
        let mut by_original: HashMap<String, String> = HashMap::new();
        for identity in identities {
            let token = token(key, &identity.id);
            let prefix = identity.id.split(':').next().filter(|p| *p != identity.id);
            let id = match prefix {
                Some(prefix) => format!("{prefix}:anon-{token}"),
                None => format!("anon-{token}"),
            };
            let mut put = |original: &str, pseudonym: String| {
                if !original.is_empty() {
                    by_original.entry(original.to_string()).or_insert(pseudonym);
                }
            };
            put(&identity.id, id);
            for name in &identity.names {
                put(name, format!("Anon {token}"));
            }
            for email in &identity.emails {
                put(email, format!("anon-{token}@pseudonym.invalid"));
            }
            for username in &identity.usernames {
                put(username, format!("anon-{token}"));
            }
        }
        let mut pairs: Vec<(String, String)> =
            by_original.iter().map(|(a, b)| (a.clone(), b.clone())).collect();
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Pseudonymiser { pairs, by_original }
    }

    /// The pseudonym of a whole field (an id, a name), or the field itself
    /// rewritten as text when it is not an identifying string.
    pub fn field(&self, value: &str) -> String {
        match self.by_original.get(value) {
            Some(pseudonym) => pseudonym.clone(),
            None => self.text(value),
        }
    }

    /// Free text with every identifying string that stands as a whole word
    /// (not inside a longer word or id) replaced.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (original, pseudonym) in &self.pairs {
            if original.len() >= MIN_TEXT_LEN && out.contains(original.as_str()) {
                out = replace_words(&out, original, pseudonym);
            }
        }
        out
    }

    /// Rewrites a finding in place: its person, account, path, policy
    /// clause (an exception names its person), explanation and action. The
    /// entitlement and system name no one and are kept, so that the
    /// evidence still says what access is at stake.
    pub fn finding(&self, finding: &mut Finding) {
        let field = |v: &mut String| *v = self.field(v);
        if let Some(person) = &mut finding.person {
            field(person);
        }
        if let Some(account) = &mut finding.account {
            field(account);
        }
        for step in &mut finding.path {
            step.node = self.field(&step.node);
        }
        finding.clause = self.text(&finding.clause);
        finding.explanation = self.text(&finding.explanation);
        match &mut finding.action {
            Action::DisableAccount { account }
            | Action::AssignOwner { account }
            | Action::CorrelateAccount { account }
            | Action::EnableMfa { account }
            | Action::ClearFlag { account, .. } => field(account),
            Action::RemoveMembership { member, group } => {
                field(member);
                field(group);
            }
            Action::RemoveRole { holder, .. } | Action::RevokeGrant { holder, .. } => field(holder),
            Action::AddOrRenewException { person, .. } => field(person),
            Action::ReduceAdmins { .. } => {}
        }
    }
}

/// A subject's token: eight hex digits of a keyed hash of its id.
fn token(key: u64, id: &str) -> String {
    // FNV-1a over the key's bytes then the id's: stable across platforms
    // and releases, which a report that is compared later needs.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.to_le_bytes().iter().chain(id.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", (h >> 32) as u32 ^ h as u32)
}

/// Replaces `from` by `to` where it is not part of a longer word (the
/// characters either side are not letters, digits, `.`-joined word parts
/// or `_`).
fn replace_words(text: &str, from: &str, to: &str) -> String {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + from.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_word(before) || is_word(after) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Identity {
        Identity::new("ad:ann")
            .with_name("Ann Lee")
            .with_email("ann@example.com")
            .with_username("ann")
    }

    #[test]
    fn the_same_key_gives_the_same_pseudonyms_and_another_key_others() {
        let a = Pseudonymiser::new(1, [ann()]);
        let b = Pseudonymiser::new(1, [ann()]);
        let c = Pseudonymiser::new(2, [ann()]);
        assert_eq!(a.field("ad:ann"), b.field("ad:ann"));
        assert_ne!(a.field("ad:ann"), c.field("ad:ann"));
        assert!(a.field("ad:ann").starts_with("ad:anon-"));
        let t = a.field("ad:ann");
        let token = t.trim_start_matches("ad:anon-");
        assert_eq!(a.field("Ann Lee"), format!("Anon {token}"));
        assert_eq!(a.field("ann@example.com"), format!("anon-{token}@pseudonym.invalid"));
    }

    #[test]
    fn only_whole_words_are_replaced_and_ids_before_their_parts() {
        let p = Pseudonymiser::new(7, [ann()]);
        let text = p.text("ad:ann (ann, Ann Lee) is in annual-report and hannah's group");
        assert!(!text.contains("ad:ann ") && !text.contains("(ann,") && !text.contains("Ann Lee"));
        assert!(text.contains("annual-report") && text.contains("hannah"), "{text}");
    }
}
