//! Strict JSON for JOSE: objects whose member names are unique.
//!
//! RFC 7515 §5.2 and RFC 7519 §7.2 require a JWS header or JWT claims set
//! with duplicate member names to be rejected (or the last one used, which
//! lets two parsers see different claims). The reader is the one every
//! outside JSON goes through ([`xinlian_did_core::json::parse_strict`]);
//! this module words its errors for JOSE messages.

use serde_json::{Map, Value};
use xinlian_did_core::json::{self, JsonError};

use crate::Limits;

/// Parses `bytes` as JSON within the default [`Limits`], refusing
/// duplicate member names at any depth. `what` names the input in the
/// error (e.g. `"JWS header"`).
pub(crate) fn parse_strict(bytes: &[u8], what: &str) -> Result<Value, String> {
    json::parse_strict(bytes, &Limits::default().json()).map_err(|e| match e {
        JsonError::Syntax { .. } => format!("{what} is not valid JSON: {e}"),
        other => format!("{what}: {other}"),
    })
}

/// Parses `bytes` as a JSON object, refusing duplicate member names.
pub(crate) fn parse_strict_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, String> {
    match parse_strict(bytes, what)? {
        Value::Object(map) => Ok(map),
        other => Err(format!("{what} must be a JSON object, got {}", kind(&other))),
    }
}

pub(crate) use json::kind;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_with_what_and_where() {
        let err = parse_strict(br#"{"a":{"b":1,"b":2}}"#, "JWT payload").unwrap_err();
        assert!(
            err.contains("JWT payload") && err.contains("duplicate member name \"b\""),
            "{err}"
        );
        assert!(err.contains("\"/a\""), "{err}");
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
