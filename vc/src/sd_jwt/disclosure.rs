//! Disclosures (RFC 9901 §4.2): `[salt, name, value]` for an object
//! property, `[salt, value]` for an array element, as base64url JSON, and
//! their digests.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use serde_json::Value;
use sha2::{Digest, Sha256};

use xinlian_did_core::json::{JsonError, parse_strict};

use crate::error::{Error, Result};
use crate::jose::json_kind;
use crate::limits::{Limits, json_error};

/// The only hash algorithm Xinlian issues and accepts (`_sd_alg`).
pub const SD_ALG_SHA256: &str = "sha-256";

/// Salt length in bytes: 128 bits, as RFC 9901 §9.3 recommends.
const SALT_BYTES: usize = 16;

pub(crate) fn sd_err(reason: impl Into<String>) -> Error {
    Error::SdJwt { reason: reason.into() }
}

/// base64url (no padding) of the SHA-256 of `data`: the digest of a
/// disclosure and the `sd_hash` of a presentation.
pub fn sha256_b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(data))
}

/// A random 128-bit salt, base64url.
pub(crate) fn random_salt() -> String {
    let mut bytes = [0u8; SALT_BYTES];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A decoy digest: the digest of random bytes, indistinguishable from a
/// real one.
pub(crate) fn decoy_digest() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    sha256_b64(&bytes)
}

/// One disclosure, kept in the exact encoding it was issued or received in
/// (its digest covers those characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    encoded: String,
    salt: String,
    name: Option<String>,
    value: Value,
    digest: String,
}

impl Disclosure {
    /// A new disclosure with a fresh random salt: `name` for an object
    /// property, `None` for an array element.
    pub fn new(name: Option<&str>, value: Value) -> Result<Disclosure> {
        if let Some(n) = name {
            check_claim_name(n)?;
        }
        let salt = random_salt();
        let array = match name {
            Some(n) => Value::Array(vec![
                Value::String(salt.clone()),
                Value::String(n.to_owned()),
                value.clone(),
            ]),
            None => Value::Array(vec![Value::String(salt.clone()), value.clone()]),
        };
        let json = serde_json::to_vec(&array).map_err(|e| sd_err(format!("cannot serialize a disclosure: {e}")))?;
        let encoded = URL_SAFE_NO_PAD.encode(json);
        let digest = sha256_b64(encoded.as_bytes());
        Ok(Disclosure {
            encoded,
            salt,
            name: name.map(str::to_owned),
            value,
            digest,
        })
    }

    /// Parses an encoded disclosure, refusing anything that is not a JSON
    /// array of `[salt, name, value]` or `[salt, value]` with string salt
    /// and name, a name of `_sd` or `...`, or duplicate member names.
    pub fn parse(encoded: &str) -> Result<Disclosure> {
        Self::parse_within(encoded, &Limits::default())
    }

    /// [`Disclosure::parse`] with the JSON read within `limits`.
    pub(crate) fn parse_within(encoded: &str, limits: &Limits) -> Result<Disclosure> {
        let short = Short(encoded);
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|e| sd_err(format!("disclosure {short}… is not base64url without padding: {e}")))?;
        let parsed = match parse_strict(&bytes, &limits.json()) {
            Ok(parsed) => parsed,
            Err(e @ (JsonError::TooDeep { .. } | JsonError::TooLarge { .. })) => {
                return Err(json_error(e, "SD-JWT disclosure"));
            }
            Err(JsonError::Syntax { message, .. }) => {
                return Err(sd_err(format!("{short}…: disclosure is not valid JSON: {message}")));
            }
            Err(e) => return Err(sd_err(format!("{short}…: disclosure: {e}"))),
        };
        let Value::Array(mut items) = parsed else {
            return Err(sd_err(format!(
                "disclosure {short}… must be a JSON array, got {}",
                json_kind(&parsed)
            )));
        };
        let (salt, name, value) = match items.len() {
            2 => {
                let value = items.pop().unwrap_or(Value::Null);
                (items.pop(), None, value)
            }
            3 => {
                let value = items.pop().unwrap_or(Value::Null);
                let name = match items.pop() {
                    Some(Value::String(n)) => n,
                    Some(other) => {
                        return Err(sd_err(format!(
                            "disclosure {short}…: claim name must be a string, got {}",
                            json_kind(&other)
                        )));
                    }
                    None => String::new(),
                };
                check_claim_name(&name)?;
                (items.pop(), Some(name), value)
            }
            n => return Err(sd_err(format!("disclosure {short}… has {n} elements, expected 2 or 3"))),
        };
        let salt = match salt {
            Some(Value::String(s)) => s,
            _ => return Err(sd_err(format!("disclosure {short}…: salt must be a string"))),
        };
        Ok(Disclosure {
            encoded: encoded.to_owned(),
            salt,
            name,
            value,
            digest: sha256_b64(encoded.as_bytes()),
        })
    }

    /// The encoded form, as it appears between `~`.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// The salt.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The claim name (`None` for an array element).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The disclosed value (possibly with nested `_sd` digests).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// base64url SHA-256 of the encoded form.
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

/// The start of an encoded disclosure, to name it in errors.
struct Short<'a>(&'a str);

impl std::fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let end = self.0.char_indices().nth(24).map_or(self.0.len(), |(i, _)| i);
        f.write_str(&self.0[..end])
    }
}

fn check_claim_name(name: &str) -> Result<()> {
    if name == "_sd" || name == "..." {
        Err(sd_err(format!("a disclosure may not disclose a claim named {name:?}")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_disclosures_round_trip_and_have_128_bit_salts() {
        let d = Disclosure::new(Some("degree"), serde_json::json!({"type": "BachelorDegree"})).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(d.salt()).unwrap().len(), 16);
        let parsed = Disclosure::parse(d.as_str()).unwrap();
        assert_eq!(parsed, d);
        let other = Disclosure::new(Some("degree"), serde_json::json!({"type": "BachelorDegree"})).unwrap();
        assert_ne!(other.salt(), d.salt());
        assert_ne!(other.digest(), d.digest());
    }

    #[test]
    fn malformed_disclosures_are_rejected() {
        let enc = |s: &str| URL_SAFE_NO_PAD.encode(s);
        for (json, why) in [
            (r#"["salt"]"#, "1 elements"),
            (r#"["salt","a","b","c"]"#, "4 elements"),
            (r#"[1,"a","b"]"#, "salt must be a string"),
            (r#"["s",2,"b"]"#, "claim name must be a string"),
            (r#"["s","_sd","b"]"#, "\"_sd\""),
            (r#"["s","...","b"]"#, "\"...\""),
            (r#"{"s":1}"#, "must be a JSON array"),
            (r#"["s","a",{"k":1,"k":2}]"#, "duplicate member name"),
            (r#"["s","a","b"] x"#, "trailing"),
        ] {
            let err = Disclosure::parse(&enc(json)).unwrap_err().to_string();
            assert!(err.contains(why), "{json}: {err}");
        }
        assert!(
            Disclosure::parse("not base64!")
                .unwrap_err()
                .to_string()
                .contains("base64url")
        );
        assert!(Disclosure::parse("WyJhIiwiYiJd==").is_err(), "padding is refused");
    }
}
