//! Turning names, logins, emails and ids into comparable keys.
//!
//! Every key is built the same way on the person side and on the account
//! side, so two values match exactly when their keys are equal.

use std::collections::BTreeMap;

use crate::{Node, Value};

/// Appends `c`, lowercased and with its accent folded away, to `out`.
///
/// Folding covers the Latin letters of western and central European
/// languages. Other letters are kept lowercased as they are.
fn push_folded(c: char, out: &mut String) {
    for lower in c.to_lowercase() {
        match fold(lower) {
            Some(plain) => out.push_str(plain),
            None => out.push(lower),
        }
    }
}

/// The ASCII spelling of a lowercase accented Latin letter.
fn fold(c: char) -> Option<&'static str> {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(plain)
}

/// A name part as templates use it: lowercase, accents folded, everything
/// but letters and digits dropped (`"O'Flaherty"` becomes `"oflaherty"`).
pub(crate) fn name_key(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(c, &mut folded);
    }
    folded.retain(char::is_alphanumeric);
    folded
}

/// Literal template text and logins: lowercase and accents folded, with
/// separators such as `.`, `_` and `-` kept; whitespace is dropped.
pub(crate) fn literal_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        push_folded(c, &mut out);
    }
    out
}

/// A login as username templates see it: the part after a `DOMAIN\`
/// prefix and before any `@domain`, as [`literal_key`] spells it.
pub(crate) fn login_key(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.rsplit_once('\\').map_or(s, |(_, user)| user);
    let s = s.split_once('@').map_or(s, |(local, _)| local);
    let key = literal_key(s);
    (!key.is_empty()).then_some(key)
}

/// An identifier (employee number, external id): trimmed and lowercased.
pub(crate) fn id_key(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_lowercase())
}

/// An SID: trimmed and uppercased, and only if it looks like one.
///
/// A reader may prefix an SID to make a node id (`ad:S-1-5-21-...`): the
/// key starts where `S-1-` does.
pub(crate) fn sid_key(s: &str) -> Option<String> {
    let upper = s.trim().to_ascii_uppercase();
    let at = upper.find("S-1-")?;
    Some(upper[at..].to_string())
}

/// An email address: trimmed, lowercased, `+tag` removed from the local
/// part, and the domain replaced by its canonical name when it is an alias.
///
/// Anything without a non-empty local part and domain is not an email.
pub(crate) fn email_key(s: &str, aliases: &BTreeMap<String, String>) -> Option<String> {
    let lower = s.trim().to_lowercase();
    let (local, domain) = lower.rsplit_once('@')?;
    let local = local.split_once('+').map_or(local, |(base, _)| base);
    if local.is_empty() || domain.is_empty() || local.chars().any(char::is_whitespace) {
        return None;
    }
    let domain = aliases.get(domain).map_or(domain, String::as_str);
    Some(format!("{local}@{domain}"))
}

/// Calls `each` with every string a property holds: the string itself, each
/// item of a list, an integer in decimal.
pub(crate) fn for_each_str(value: &Value, mut each: impl FnMut(&str)) {
    match value {
        Value::Str(s) => each(s),
        Value::StrList(items) => items.iter().for_each(|s| each(s)),
        Value::Int(v) => each(&v.to_string()),
        Value::Bool(_) | Value::Time(_) => {}
    }
}

/// Calls `each` with every string held by any of the named properties.
pub(crate) fn for_each_prop(node: &Node, names: &[&str], mut each: impl FnMut(&str)) {
    for name in names {
        if let Some(value) = node.props.get(*name) {
            for_each_str(value, &mut each);
        }
    }
}

/// The first non-empty string held by any of the named properties.
fn first_prop<'a>(node: &'a Node, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|name| match node.props.get(*name) {
        Some(Value::Str(s)) if !s.trim().is_empty() => Some(s.as_str()),
        Some(Value::StrList(items)) => items.iter().map(String::as_str).find(|s| !s.is_empty()),
        _ => None,
    })
}

/// Property names that hold a person's first name.
pub const FIRST_NAME_PROPS: &[&str] =
    &["first_name", "given_name", "firstName", "givenName", "firstname", "givenname"];

/// Property names that hold a person's last name.
pub const LAST_NAME_PROPS: &[&str] = &[
    "last_name",
    "family_name",
    "lastName",
    "familyName",
    "surname",
    "lastname",
    "familyname",
    "sn",
];

/// The ways a person's name splits into a first and a last name, each part
/// already a [`name_key`]; empty when the person has no usable name.
///
/// Explicit first and last name properties win. Otherwise the display name
/// is split on whitespace: leading and trailing tokens ending in a dot
/// (`Ing.`, `Dr.`, `Jr.`) are dropped as titles, a comma ends the name
/// (`Radovan Semančík, PhD`) unless it follows the first token, in which
/// case the name is read as `Last, First`. The first token is the first
/// name; the last token is the last name, and when there are middle tokens
/// all of them together with the last token are tried as well, so that
/// `Amanda de Wries` yields both `wries` and `dewries`.
pub(crate) fn name_variants(node: &Node) -> Vec<(String, String)> {
    let first = first_prop(node, FIRST_NAME_PROPS).map(name_key).filter(|s| !s.is_empty());
    let last = first_prop(node, LAST_NAME_PROPS).map(name_key).filter(|s| !s.is_empty());
    if let (Some(first), Some(last)) = (first, last) {
        return vec![(first, last)];
    }
    node.name.as_deref().map(split_name).unwrap_or_default()
}

fn split_name(name: &str) -> Vec<(String, String)> {
    let raw: Vec<&str> = name.split_whitespace().collect();

    // "Last, First ..." when the comma follows the very first token.
    if let Some(surname) = raw.first().and_then(|t| t.strip_suffix(',')) {
        let last = name_key(surname);
        let first = raw.get(1).map(|t| name_key(t)).unwrap_or_default();
        return if first.is_empty() || last.is_empty() { Vec::new() } else { vec![(first, last)] };
    }

    // A later comma ends the name: what follows are degrees and suffixes.
    let mut tokens: Vec<&str> = Vec::with_capacity(raw.len());
    for token in raw {
        match token.strip_suffix(',') {
            Some(head) => {
                tokens.push(head);
                break;
            }
            None => tokens.push(token),
        }
    }
    while tokens.len() > 2 && tokens[0].ends_with('.') {
        tokens.remove(0);
    }
    while tokens.len() > 2 && tokens.last().is_some_and(|t| t.ends_with('.')) {
        tokens.pop();
    }

    let keys: Vec<String> = tokens.iter().map(|t| name_key(t)).filter(|k| !k.is_empty()).collect();
    let [first, middle @ .., last] = keys.as_slice() else {
        return Vec::new();
    };
    let mut variants = vec![(first.clone(), last.clone())];
    if !middle.is_empty() {
        variants.push((first.clone(), format!("{}{last}", middle.concat())));
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NodeKind;

    #[test]
    fn names_fold_accents_and_drop_punctuation() {
        assert_eq!(name_key("Žibritovská"), "zibritovska");
        assert_eq!(name_key("O'Flaherty"), "oflaherty");
        assert_eq!(name_key("Finch-Fletchley"), "finchfletchley");
        assert_eq!(name_key("Müller-Lüdenscheidt"), "mullerludenscheidt");
        assert_eq!(name_key("Straße"), "strasse");
        assert_eq!(name_key("Łukasz"), "lukasz");
        assert_eq!(name_key("  "), "");
    }

    #[test]
    fn logins_keep_separators_and_lose_domains() {
        assert_eq!(login_key(" J.FinchFletchley ").as_deref(), Some("j.finchfletchley"));
        assert_eq!(login_key("CORP\\jsmith").as_deref(), Some("jsmith"));
        assert_eq!(login_key("John.Smith@corp.example.com").as_deref(), Some("john.smith"));
        assert_eq!(login_key("@example.com"), None);
        assert_eq!(login_key(""), None);
    }

    #[test]
    fn emails_lose_case_whitespace_tags_and_aliases() {
        let aliases = BTreeMap::from([("corp.example.com".to_string(), "example.com".to_string())]);
        let key = |s| email_key(s, &aliases);
        assert_eq!(
            key(" Alice.Archer+hr@Corp.Example.com ").as_deref(),
            Some("alice.archer@example.com")
        );
        assert_eq!(key("alice@example.com").as_deref(), Some("alice@example.com"));
        assert_eq!(key("alice@other.example.com").as_deref(), Some("alice@other.example.com"));
        assert_eq!(key("+tag@example.com"), None);
        assert_eq!(key("no-at-sign"), None);
        assert_eq!(key("alice@"), None);
    }

    #[test]
    fn sids_are_found_inside_prefixed_ids() {
        assert_eq!(sid_key("ad:s-1-5-21-1-2-3-1104").as_deref(), Some("S-1-5-21-1-2-3-1104"));
        assert_eq!(sid_key("alice"), None);
    }

    fn person(name: &str) -> Node {
        Node::new("p", NodeKind::Person).with_name(name)
    }

    #[test]
    fn display_names_split_around_titles_commas_and_particles() {
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        let cases: &[(&str, Vec<(String, String)>)] = &[
            ("Alice Archer", vec![pair("alice", "archer")]),
            ("Ing. Radovan Semančík, PhD", vec![pair("radovan", "semancik")]),
            ("Mgr. Pavol Mederly, PhD", vec![pair("pavol", "mederly")]),
            ("Archer, Alice", vec![pair("alice", "archer")]),
            ("Amanda de Wries", vec![pair("amanda", "wries"), pair("amanda", "dewries")]),
            ("Cher", vec![]),
            ("", vec![]),
            (" , ", vec![]),
        ];
        for (name, want) in cases {
            assert_eq!(&name_variants(&person(name)), want, "{name:?}");
        }
    }

    #[test]
    fn name_properties_win_over_the_display_name() {
        let node = person("Mgr. Igor Farinič")
            .with_prop("first_name", "Igor")
            .with_prop("last_name", "Farinič");
        assert_eq!(name_variants(&node), vec![("igor".to_string(), "farinic".to_string())]);
        let half = person("Igor Farinič").with_prop("given_name", "Igor");
        assert_eq!(name_variants(&half), vec![("igor".to_string(), "farinic".to_string())]);
    }
}
