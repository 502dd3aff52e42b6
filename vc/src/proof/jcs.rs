//! The JCS transformation shared by eddsa-jcs-2022 and ecdsa-jcs-2019: RFC
//! 8785 canonical JSON of a document seen through a [`View`], which hides or
//! replaces top-level properties without cloning the document.
//!
//! Canonicalization is the largest cost of verifying a JCS proof after the
//! signature itself, so documents whose numbers are all integers within
//! ±2^53 (credentials almost always are) are written by a direct writer
//! here; any other document goes through `serde_json_canonicalizer`, which
//! implements ECMAScript number formatting. A proptest checks the two agree.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use sha2::Digest as _;

/// A JSON object with some top-level properties left out and others set,
/// serialized without copying the object. JCS sorts members itself, so the
/// order in which they are emitted does not matter.
pub(crate) struct View<'a> {
    pub(crate) base: &'a Map<String, Value>,
    /// Properties left out.
    pub(crate) skip: &'a [&'a str],
    /// Properties set (replacing the base's value, or added).
    pub(crate) set: &'a [(&'a str, &'a Value)],
}

impl View<'_> {
    fn hidden(&self, key: &str) -> bool {
        self.skip.contains(&key) || self.set.iter().any(|(k, _)| *k == key)
    }
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (k, v) in self.base {
            if !self.hidden(k) {
                map.serialize_entry(k, v)?;
            }
        }
        for (k, v) in self.set {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// RFC 8785 canonical bytes of `view`.
pub(crate) fn canonicalize(view: &View<'_>) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(1024);
    let entries = view
        .base
        .iter()
        .filter(|(k, _)| !view.hidden(k))
        .map(|(k, v)| (k.as_str(), v));
    if write_object(&mut out, entries.chain(view.set.iter().copied())) {
        return Ok(out);
    }
    serde_json_canonicalizer::to_vec(view).map_err(|e| format!("JSON canonicalization (RFC 8785) failed: {e}"))
}

/// Largest integer ECMAScript prints exactly as written (2^53).
const MAX_EXACT: u64 = 1 << 53;

/// Writes `value` in RFC 8785 form; false if it holds a number this writer
/// does not format (a non-integer, or an integer beyond ±2^53).
fn write_value(out: &mut Vec<u8>, value: &Value) -> bool {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64().filter(|u| *u <= MAX_EXACT) {
                out.extend_from_slice(u.to_string().as_bytes());
            } else if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() <= MAX_EXACT) {
                out.extend_from_slice(i.to_string().as_bytes());
            } else {
                return false;
            }
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !write_value(out, item) {
                    return false;
                }
            }
            out.push(b']');
        }
        Value::Object(map) => return write_object(out, map.iter().map(|(k, v)| (k.as_str(), v))),
    }
    true
}

/// Writes an object with its members sorted by their names' UTF-16 code
/// units, as RFC 8785 §3.2.3 requires.
fn write_object<'a>(out: &mut Vec<u8>, entries: impl Iterator<Item = (&'a str, &'a Value)>) -> bool {
    let mut members: Vec<(&str, &Value)> = entries.collect();
    members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    out.push(b'{');
    for (i, (k, v)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(out, k);
        out.push(b':');
        if !write_value(out, v) {
            return false;
        }
    }
    out.push(b'}');
    true
}

/// ECMAScript `JSON.stringify` string escaping (RFC 8785 §3.2.2.2).
fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The hash functions the JCS suites use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashAlgorithm {
    Sha256,
    Sha384,
}

impl HashAlgorithm {
    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            any::<u64>().prop_map(|u| json!(u)),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            any::<String>().prop_map(Value::String),
            "[\\u{0}-\\u{7f}\\u{e000}-\\u{ffff}\\u{10000}-\\u{10ffff}]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map("[a-zA-Z@\\u{e000}-\\u{ffff}\\u{10000}-\\u{10ffff}]{0,4}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn fast_writer_agrees_with_serde_json_canonicalizer(value in arbitrary_json()) {
            let map = match value {
                Value::Object(m) => m,
                other => [("v".to_owned(), other)].into_iter().collect(),
            };
            let view = View { base: &map, skip: &[], set: &[] };
            let ours = canonicalize(&view).unwrap();
            let reference = serde_json_canonicalizer::to_vec(&Value::Object(map.clone())).unwrap();
            prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(reference).unwrap());
        }
    }

    #[test]
    fn view_hides_and_sets_without_touching_the_base() {
        let base = json!({"b": 1, "a": 2, "proof": {"x": 1}});
        let base = base.as_object().unwrap();
        let ctx = json!(["c"]);
        let view = View {
            base,
            skip: &["proof"],
            set: &[("@context", &ctx), ("b", &Value::Bool(true))],
        };
        assert_eq!(
            String::from_utf8(canonicalize(&view).unwrap()).unwrap(),
            r#"{"@context":["c"],"a":2,"b":true}"#
        );
        assert!(base.contains_key("proof"));
    }
}
