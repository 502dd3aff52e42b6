//! Strict JSON: the one reader for JSON that comes from outside.
//!
//! `serde_json` silently keeps the last of two members with the same name,
//! so two readers of one document can see different values (RFC 8259 §4:
//! names "SHOULD be unique"; RFC 7515 §5.2 and RFC 7519 §7.2 require
//! duplicates to be rejected). [`parse_strict`] refuses duplicate member
//! names at any depth, and bounds the input's size and nesting depth before
//! anything walks it recursively. DID documents, JOSE headers and claims,
//! SD-JWT disclosures, credentials and presentations are all read through
//! it.
//!
//! ```
//! use xinlian_did_core::json::{JsonError, JsonLimits, parse_strict};
//!
//! let err = parse_strict(br#"{"a":{"b":1,"b":2}}"#, &JsonLimits::default()).unwrap_err();
//! assert_eq!(err, JsonError::DuplicateKey { pointer: "/a".into(), key: "b".into() });
//! ```

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// The deepest nesting `serde_json` parses (it refuses the 128th level);
/// [`JsonLimits::max_depth`] is capped at this.
pub const SERDE_JSON_MAX_DEPTH: usize = 127;

/// Default [`JsonLimits::max_depth`]: 32 nested arrays or objects. Real
/// credentials and DID documents nest fewer than 10 levels; 32 leaves room
/// while keeping every recursive walk (JSON-LD expansion, RDF conversion,
/// validation) far from a 2 MiB thread stack's end.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Default [`JsonLimits::max_bytes`]: 1 MiB. A diploma with a photo is a
/// few hundred KB at most.
pub const DEFAULT_MAX_BYTES: usize = 1 << 20;

/// Bounds on what [`parse_strict`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonLimits {
    /// The longest input, in bytes (default [`DEFAULT_MAX_BYTES`]).
    pub max_bytes: usize,
    /// The deepest nesting of arrays and objects (default
    /// [`DEFAULT_MAX_DEPTH`]; `{}` is depth 1, `{"a":[]}` depth 2). Values
    /// above [`SERDE_JSON_MAX_DEPTH`] act as that.
    pub max_depth: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        JsonLimits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// Why [`parse_strict`] refused its input.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// The input is longer than [`JsonLimits::max_bytes`]; nothing was parsed.
    #[error("input is {actual} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The input's length, in bytes.
        actual: usize,
    },
    /// Arrays and objects nest deeper than [`JsonLimits::max_depth`].
    #[error("nesting deeper than the limit of {limit} at {pointer:?}")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// JSON pointer of the container that went past it.
        pointer: String,
    },
    /// An object has two members with the same name (after unescaping).
    #[error("duplicate member name {key:?} in the object at {pointer:?}")]
    DuplicateKey {
        /// JSON pointer of the object (`""` for the top level).
        pointer: String,
        /// The repeated name.
        key: String,
    },
    /// The input is not JSON (or has data after the value).
    #[error("not JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser found.
        message: String,
    },
}

/// Parses `bytes` as one JSON value: no duplicate member names at any
/// depth, at most `limits.max_bytes` long, at most `limits.max_depth` deep.
///
/// # Errors
///
/// [`JsonError`]: what was wrong and where (a JSON pointer or a position).
pub fn parse_strict(bytes: &[u8], limits: &JsonLimits) -> Result<Value, JsonError> {
    if bytes.len() > limits.max_bytes {
        return Err(JsonError::TooLarge {
            limit: limits.max_bytes,
            actual: bytes.len(),
        });
    }
    let problem = RefCell::new(None);
    let seed = Strict {
        at: &At::Root,
        depth: 0,
        max_depth: limits.max_depth.min(SERDE_JSON_MAX_DEPTH),
        problem: &problem,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = seed.deserialize(&mut de).and_then(|value| de.end().map(|()| value));
    match parsed {
        Ok(value) => Ok(value),
        Err(e) => Err(problem.into_inner().unwrap_or_else(|| {
            if e.to_string().starts_with("recursion limit exceeded") {
                JsonError::TooDeep {
                    limit: SERDE_JSON_MAX_DEPTH,
                    pointer: String::new(),
                }
            } else {
                JsonError::Syntax {
                    line: e.line(),
                    column: e.column(),
                    message: e.to_string(),
                }
            }
        })),
    }
}

/// A JSON value read strictly from any serde deserializer: duplicate
/// member names refused, at most [`DEFAULT_MAX_DEPTH`] deep (as
/// [`parse_strict`] with the default limits, without the size check, which
/// needs the whole input). For `Deserialize` impls of types read from
/// outside, so that `serde_json::from_str::<T>` is as strict as
/// [`parse_strict`].
#[derive(Debug, Clone, PartialEq)]
pub struct StrictValue(pub Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let problem = RefCell::new(None);
        let seed = Strict {
            at: &At::Root,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
            problem: &problem,
        };
        seed.deserialize(deserializer).map(StrictValue)
    }
}

/// Parses `bytes` like [`parse_strict`] into a JSON object.
///
/// # Errors
///
/// [`JsonError`], or [`JsonError::Syntax`] when the value is not an object.
pub fn parse_strict_object(bytes: &[u8], limits: &JsonLimits) -> Result<Map<String, Value>, JsonError> {
    match parse_strict(bytes, limits)? {
        Value::Object(map) => Ok(map),
        other => Err(JsonError::Syntax {
            line: 1,
            column: 1,
            message: format!("expected a JSON object, got {}", kind(&other)),
        }),
    }
}

/// A short name for the JSON type of `value`, for error messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether arrays and objects in `value` nest deeper than `cap` (a scalar
/// is depth 0, `{}` depth 1). Walks without recursion, so it is safe on a
/// value of any depth (one built in memory rather than parsed).
pub fn depth_exceeds(value: &Value, cap: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, depth)) = stack.pop() {
        let depth = match v {
            Value::Array(_) | Value::Object(_) if depth == cap => return true,
            Value::Array(_) | Value::Object(_) => depth + 1,
            _ => continue,
        };
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, depth))),
            Value::Object(map) => stack.extend(map.values().map(|c| (c, depth))),
            _ => {}
        }
    }
    false
}

/// The map key under which serde_json hands over a number's text when its
/// `arbitrary_precision` feature is on.
const ARBITRARY_PRECISION_NUMBER: &str = "$serde_json::private::Number";

/// Where the reader is; rendered as a JSON pointer only for an error.
enum At<'p> {
    Root,
    Member(&'p At<'p>, &'p str),
    Element(&'p At<'p>, usize),
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Root => Ok(()),
            At::Member(parent, name) => write!(f, "{parent}/{}", name.replace('~', "~0").replace('/', "~1")),
            At::Element(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}

/// One value being read: where it is, how deep, and where to leave a
/// structured problem for [`parse_strict`] to return.
#[derive(Clone, Copy)]
struct Strict<'a, 'p> {
    at: &'a At<'p>,
    depth: usize,
    max_depth: usize,
    problem: &'a RefCell<Option<JsonError>>,
}

impl Strict<'_, '_> {
    fn fail<E: de::Error>(&self, problem: JsonError) -> E {
        let message = problem.to_string();
        *self.problem.borrow_mut() = Some(problem);
        E::custom(message)
    }

    fn enter<E: de::Error>(&self) -> Result<usize, E> {
        let depth = self.depth + 1;
        if depth > self.max_depth {
            return Err(self.fail(JsonError::TooDeep {
                limit: self.max_depth,
                pointer: self.at.to_string(),
            }));
        }
        Ok(depth)
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_, '_> {
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
        let depth = self.enter()?;
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            let at = At::Element(self.at, out.len());
            let child = Strict { at: &at, depth, ..self };
            match seq.next_element_seed(child)? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
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
                    return Err(self.fail(JsonError::DuplicateKey {
                        pointer: self.at.to_string(),
                        key: o.key().clone(),
                    }));
                }
                Entry::Vacant(slot) => {
                    let value = {
                        let at = At::Member(self.at, slot.key());
                        map.next_value_seed(Strict { at: &at, depth, ..self })?
                    };
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(text: &str) -> Result<Value, JsonError> {
        parse_strict(text.as_bytes(), &JsonLimits::default())
    }

    #[test]
    fn duplicates_are_refused_at_every_depth_with_their_pointer() {
        let dup = |pointer: &str, key: &str| JsonError::DuplicateKey {
            pointer: pointer.into(),
            key: key.into(),
        };
        assert_eq!(strict(r#"{"a":1,"a":2}"#).unwrap_err(), dup("", "a"));
        assert_eq!(strict(r#"{"a":{"b":1,"b":1}}"#).unwrap_err(), dup("/a", "b"));
        assert_eq!(
            strict(r#"[{"b":1},{"c":[{"d":0,"d":0}]}]"#).unwrap_err(),
            dup("/1/c/0", "d")
        );
        assert_eq!(strict(r#"{"a/b":{"~":1,"~":2}}"#).unwrap_err(), dup("/a~1b", "~"));
        // Escaped and unescaped spellings of one name are the same name.
        assert_eq!(strict(r#"{"a":1,"\u0061":2}"#).unwrap_err(), dup("", "a"));
    }

    #[test]
    fn values_match_serde_json() {
        let text = r#"{"n":null,"b":true,"i":-3,"u":18446744073709551615,"f":3.14,"s":"x","a":[1,{"k":"v"}]}"#;
        let parsed = strict(text).unwrap();
        let plain: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parsed, plain);
        assert_eq!(
            parsed.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["n", "b", "i", "u", "f", "s", "a"]
        );
    }

    #[test]
    fn strict_value_refuses_duplicates_through_serde() {
        let err = serde_json::from_str::<StrictValue>(r#"{"a":{"b":1,"b":2}}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate member name \"b\""), "{err}");
        let ok: StrictValue = serde_json::from_str(r#"{"a":[1]}"#).unwrap();
        assert_eq!(ok.0, serde_json::json!({"a": [1]}));
    }

    #[test]
    fn trailing_data_and_non_objects_are_refused() {
        assert!(matches!(strict("{} {}").unwrap_err(), JsonError::Syntax { .. }));
        assert!(parse_strict_object(b"[]", &JsonLimits::default()).is_err());
    }

    #[test]
    fn size_is_checked_before_parsing() {
        let limits = JsonLimits {
            max_bytes: 4,
            ..JsonLimits::default()
        };
        assert_eq!(
            parse_strict(b"[1,2,3]", &limits).unwrap_err(),
            JsonError::TooLarge { limit: 4, actual: 7 }
        );
        assert!(parse_strict(b"[1] ", &limits).is_ok());
    }

    #[test]
    fn depth_is_bounded_and_named() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(strict(&nested(DEFAULT_MAX_DEPTH)).is_ok());
        assert_eq!(
            strict(&nested(DEFAULT_MAX_DEPTH + 1)).unwrap_err(),
            JsonError::TooDeep {
                limit: DEFAULT_MAX_DEPTH,
                pointer: "/0".repeat(DEFAULT_MAX_DEPTH),
            }
        );
        let loose = JsonLimits {
            max_depth: usize::MAX,
            ..JsonLimits::default()
        };
        assert!(parse_strict(nested(127).as_bytes(), &loose).is_ok());
        assert!(matches!(
            parse_strict(nested(128).as_bytes(), &loose).unwrap_err(),
            JsonError::TooDeep { limit: 127, .. }
        ));
    }

    #[test]
    fn depth_of_built_values_is_measured_without_recursion() {
        let mut v = Value::Null;
        for _ in 0..100_000 {
            v = Value::Array(vec![v]);
        }
        assert!(depth_exceeds(&v, 99_999));
        assert!(!depth_exceeds(&v, 100_000));
        assert!(!depth_exceeds(&Value::Null, 0));
        assert!(depth_exceeds(&serde_json::json!({}), 0));
        // Dropping a deep Value recurses in serde_json; take it apart first.
        let mut v = v;
        while let Value::Array(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
        }
    }
}
