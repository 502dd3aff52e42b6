//! Open Badges 3.0 `IdentityObject`s: a learner named by a salted hash of an
//! identifier (an email address, a student number) instead of in the clear.
//!
//! An `IdentityHash` is, per Open Badges 3.0 (appendix B, derived types),
//! an algorithm name, `$`, and the hexadecimal hash of the UTF-8 identifier
//! with the salt appended: `sha256$` + hex(SHA-256(identifier + salt)). The
//! spec also allows `md5`; Xinlian writes `sha256` only and refuses to match
//! `md5` hashes rather than guess.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::record_error;
use crate::Result;

/// `identityType` of an email address.
pub const EMAIL_ADDRESS: &str = "emailAddress";
/// `identityType` of a student number (the id in the Student Information
/// System).
pub const STUDENT_NUMBER: &str = "sisSourcedId";
/// `identityType` of a person's name.
pub const NAME: &str = "name";

/// The Open Badges `IdentityHash` of `identifier` salted with `salt`:
/// `sha256$` and the lowercase hex SHA-256 of `identifier + salt`.
///
/// ```
/// use xinlian_vc::records::identity::identity_hash;
///
/// // The example of the Open Badges 3.0 specification.
/// assert_eq!(
///     identity_hash("a@example.com", "Kosher"),
///     "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
/// );
/// ```
pub fn identity_hash(identifier: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{identifier}{salt}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256${hex}")
}

/// A random salt: 16 bytes from the operating system, as 32 hex digits.
///
/// # Errors
///
/// [`Error::Structure`](crate::Error::Structure) when the system has no
/// randomness to give.
pub fn random_salt() -> Result<String> {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.try_fill_bytes(&mut bytes).map_err(|e| {
        record_error(
            "/credentialSubject/identifier",
            format!("no randomness for a salt: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A hashed `IdentityObject`: `hashed: true`, the salt and the hash of
/// `identifier`.
pub fn hashed_identity_object(identity_type: &str, identifier: &str, salt: &str) -> Value {
    json!({
        "type": "IdentityObject",
        "identityType": identity_type,
        "hashed": true,
        "identityHash": identity_hash(identifier, salt),
        "salt": salt,
    })
}

/// Whether `claimed` is the identifier an `IdentityObject` names: equal to
/// `identityHash` when `hashed` is false, else hashed with the object's salt
/// (none when absent) to the same `sha256$` value (hex in either case).
///
/// # Errors
///
/// [`Error::Structure`](crate::Error::Structure) for an object without
/// `hashed` or `identityHash`, or a hash whose algorithm is not `sha256`.
pub fn identity_matches(identity: &Map<String, Value>, claimed: &str) -> Result<bool> {
    let path = "/credentialSubject/identifier";
    let stored = identity
        .get("identityHash")
        .and_then(Value::as_str)
        .ok_or_else(|| record_error(path, "identityHash must be a string"))?;
    let hashed = identity
        .get("hashed")
        .and_then(Value::as_bool)
        .ok_or_else(|| record_error(path, "hashed must be a boolean"))?;
    if !hashed {
        return Ok(stored == claimed);
    }
    let (algorithm, hex) = stored
        .split_once('$')
        .ok_or_else(|| record_error(path, format!("identityHash {stored:?} is not algorithm$hash")))?;
    if algorithm != "sha256" {
        return Err(record_error(
            path,
            format!("identityHash algorithm {algorithm:?} is not supported (only sha256)"),
        ));
    }
    let salt = identity.get("salt").and_then(Value::as_str).unwrap_or_default();
    let expected = identity_hash(claimed, salt);
    Ok(expected["sha256$".len()..].eq_ignore_ascii_case(hex))
}

/// The index and `identityType` of the subject's first `IdentityObject`
/// that `claimed` matches (see [`identity_matches`]), if any. Objects the
/// check cannot read (an `md5` hash, say) are skipped.
pub fn find_identity(subject: &Map<String, Value>, claimed: &str) -> Option<(usize, String)> {
    crate::credential::validate::one_or_many(subject.get("identifier"))
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, v.as_object()?)))
        .find(|(_, o)| identity_matches(o, claimed).unwrap_or(false))
        .map(|(i, o)| {
            let kind = o.get("identityType").and_then(Value::as_str).unwrap_or_default();
            (i, kind.to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_hash_matches_in_either_case() {
        let mut object = hashed_identity_object(EMAIL_ADDRESS, "a@example.com", "Kosher")
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert!(identity_matches(&object, "a@example.com").unwrap_or(false));
        assert!(!identity_matches(&object, "b@example.com").unwrap_or(true));
        object.insert(
            "identityHash".into(),
            json!("sha256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399"),
        );
        assert!(identity_matches(&object, "a@example.com").unwrap_or(false));
    }

    #[test]
    fn md5_and_malformed_hashes_are_errors_not_mismatches() {
        let md5 =
            json!({"type": "IdentityObject", "hashed": true, "identityHash": "md5$00", "identityType": "emailAddress"});
        let err = identity_matches(md5.as_object().unwrap_or(&Map::new()), "a").unwrap_err();
        assert!(err.to_string().contains("md5"), "{err}");
        let bare = json!({"type": "IdentityObject", "hashed": true, "identityHash": "abc"});
        assert!(identity_matches(bare.as_object().unwrap_or(&Map::new()), "a").is_err());
    }

    #[test]
    fn salts_are_random_hex() {
        let (a, b) = (random_salt().unwrap_or_default(), random_salt().unwrap_or_default());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
