//! The JCS transformation shared by eddsa-jcs-2022 and ecdsa-jcs-2019: RFC
//! 8785 canonical JSON (through `serde_json_canonicalizer`) of a document
//! seen through a [`View`], which hides or replaces top-level properties
//! without cloning the document.

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

/// RFC 8785 canonical bytes of `value`.
pub(crate) fn canonicalize<S: Serialize>(value: &S) -> Result<Vec<u8>, String> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| format!("JSON canonicalization (RFC 8785) failed: {e}"))
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
    use serde_json::json;

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
