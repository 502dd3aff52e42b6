//! Strict JSON for JOSE: objects whose member names are unique.
//!
//! RFC 7515 §5.2 and RFC 7519 §7.2 require a JWS header or JWT claims set
//! with duplicate member names to be rejected (or the last one used, which
//! lets two parsers see different claims). `serde_json` silently keeps the
//! last duplicate, so this module parses through its own visitor that
//! refuses duplicates at any depth.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// The map key under which serde_json hands over a number's text when its
/// `arbitrary_precision` feature is on.
const ARBITRARY_PRECISION_NUMBER: &str = "$serde_json::private::Number";

/// A JSON value parsed with duplicate member names refused at every depth.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // With serde_json's `arbitrary_precision` feature (which another
            // crate in a build can switch on), numbers arrive as a one-entry
            // map holding their text.
            if out.is_empty() && key == ARBITRARY_PRECISION_NUMBER {
                let text: String = map.next_value()?;
                return text.parse::<Number>().map(Value::Number).map_err(de::Error::custom);
            }
            match out.entry(key) {
                Entry::Occupied(o) => {
                    return Err(de::Error::custom(format_args!("duplicate member name {:?}", o.key())));
                }
                Entry::Vacant(slot) => {
                    let StrictValue(v) = map.next_value()?;
                    slot.insert(v);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Parses `bytes` as JSON, refusing duplicate member names at any depth.
/// `what` names the input in the error (e.g. `"JWS header"`).
pub(crate) fn parse_strict(bytes: &[u8], what: &str) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let StrictValue(value) = StrictValue::deserialize(&mut de).map_err(|e| format!("{what} is not valid JSON: {e}"))?;
    de.end().map_err(|e| format!("{what} has trailing data: {e}"))?;
    Ok(value)
}

/// Parses `bytes` as a JSON object, refusing duplicate member names.
pub(crate) fn parse_strict_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, String> {
    match parse_strict(bytes, what)? {
        Value::Object(map) => Ok(map),
        other => Err(format!("{what} must be a JSON object, got {}", kind(&other))),
    }
}

/// A short name for the JSON type of `value`, for error messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_at_every_depth() {
        assert!(
            parse_strict(br#"{"a":1,"a":2}"#, "x")
                .unwrap_err()
                .contains("duplicate member name \"a\"")
        );
        assert!(parse_strict(br#"{"a":{"b":1,"b":1}}"#, "x").is_err());
        assert!(parse_strict(br#"[{"b":1},{"c":[{"d":0,"d":0}]}]"#, "x").is_err());
        // Escaped and unescaped spellings of one name are the same name.
        assert!(parse_strict(br#"{"a":1,"\u0061":2}"#, "x").is_err());
    }

    #[test]
    fn values_match_serde_json() {
        let text = br#"{"n":null,"b":true,"i":-3,"u":18446744073709551615,"f":3.14,"s":"x","a":[1,{"k":"v"}]}"#;
        let strict = parse_strict(text, "x").unwrap();
        let plain: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(strict, plain);
        assert_eq!(
            strict.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["n", "b", "i", "u", "f", "s", "a"]
        );
    }

    #[test]
    fn trailing_data_and_non_objects_are_refused() {
        assert!(parse_strict(br#"{} {}"#, "x").unwrap_err().contains("trailing"));
        assert!(
            parse_strict_object(b"[]", "payload")
                .unwrap_err()
                .contains("must be a JSON object")
        );
    }
}
