//! Typed free columns: a header `tier:int` holds the integer property
//! `tier`.

use crate::Value;
use crate::ingest::dates::{format_timestamp, parse_timestamp};

/// The type a free column's header suffix gives its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Typed {
    /// No suffix: text as written.
    Str,
    /// `:int`, a signed integer.
    Int,
    /// `:bool`, as the boolean columns read them.
    Bool,
    /// `:time`, a date or an RFC 3339 timestamp.
    Time,
    /// `:list`, a JSON array of strings.
    List,
}

impl Typed {
    const SUFFIXES: [(&'static str, Typed); 4] = [
        (":int", Typed::Int),
        (":bool", Typed::Bool),
        (":time", Typed::Time),
        (":list", Typed::List),
    ];

    /// The property name and type a header says.
    pub(crate) fn of_header(header: &str) -> (&str, Typed) {
        for (suffix, typed) in Typed::SUFFIXES {
            let cut = header.len().checked_sub(suffix.len()).filter(|at| *at > 0);
            let cut = cut.filter(|at| header.is_char_boundary(*at));
            if let Some(at) = cut.filter(|at| header[*at..].eq_ignore_ascii_case(suffix)) {
                return (&header[..at], typed);
            }
        }
        (header, Typed::Str)
    }

    /// The type of a value.
    pub(crate) fn of_value(value: &Value) -> Typed {
        match value {
            Value::Str(_) => Typed::Str,
            Value::Int(_) => Typed::Int,
            Value::Bool(_) => Typed::Bool,
            Value::Time(_) => Typed::Time,
            Value::StrList(_) => Typed::List,
        }
    }

    /// The header of a property of this type.
    pub(crate) fn header(self, key: &str) -> String {
        let suffix = Typed::SUFFIXES.iter().find(|(_, t)| *t == self).map_or("", |(s, _)| s);
        format!("{key}{suffix}")
    }

    /// A cell's value, or what was expected.
    pub(crate) fn read(self, raw: &str) -> Result<Value, &'static str> {
        let value = raw.trim();
        match self {
            Typed::Str => Ok(Value::Str(raw.to_string())),
            Typed::Int => value.parse().map(Value::Int).map_err(|_| "an integer"),
            Typed::Bool => super::parse_bool(value).map(Value::Bool).ok_or("true/false/yes/no/1/0"),
            Typed::Time => parse_timestamp(value)
                .map(Value::Time)
                .ok_or("a date (YYYY-MM-DD) or an RFC 3339 timestamp"),
            Typed::List => serde_json::from_str(value)
                .map(Value::StrList)
                .map_err(|_| "a JSON array of strings"),
        }
    }

    /// A value as the text of a cell of its own type.
    pub(crate) fn write(value: &Value) -> String {
        match value {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Time(t) => format_timestamp(*t),
            Value::Str(s) => s.clone(),
            Value::StrList(list) => serde_json::to_string(list).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_say_their_type_by_suffix() {
        assert_eq!(Typed::of_header("tier:int"), ("tier", Typed::Int));
        assert_eq!(Typed::of_header("moved_at:TIME"), ("moved_at", Typed::Time));
        assert_eq!(Typed::of_header("cost_center"), ("cost_center", Typed::Str));
        assert_eq!(Typed::of_header(":int"), (":int", Typed::Str));
        assert_eq!(Typed::Int.header("tier"), "tier:int");
        assert_eq!(Typed::Str.header("note"), "note");
    }

    #[test]
    fn every_type_reads_back_what_it_writes() {
        let values = [
            Value::Int(-7),
            Value::Bool(true),
            Value::Time(1_782_777_601),
            Value::Str(" a, \"b\" ".into()),
            Value::StrList(vec!["x; y".into(), "z\"".into()]),
        ];
        for value in values {
            let typed = Typed::of_value(&value);
            assert_eq!(typed.read(&Typed::write(&value)), Ok(value));
        }
        assert_eq!(Typed::Int.read("1.5"), Err("an integer"));
        assert_eq!(Typed::List.read("a; b"), Err("a JSON array of strings"));
    }
}
