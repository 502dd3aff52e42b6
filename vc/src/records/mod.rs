//! Typed records on top of [`Credential`]: diplomas (Open Badges 3.0) and
//! employment records.
//!
//! Each record type is one file: a builder that produces a checked
//! [`Credential`], a typed view read back with [`Record::from_credential`],
//! and the [`Record`] constants naming its credential type and contexts. A
//! transcript type, say, would be `records/transcript.rs` implementing
//! [`Record`], plus its `pub mod` line here.

pub mod diploma;
pub mod employment;
pub mod identity;

pub use diploma::{DegreeType, Diploma, DiplomaBuilder};
pub use employment::{Employer, EmploymentCredential, EmploymentCredentialBuilder, EmploymentType, SalaryBand};

use serde_json::{Map, Value};

use crate::{Credential, CredentialBuilder, Error, Result};

/// A typed record carried by a credential.
pub trait Record: Sized {
    /// The credential `type` that marks this record (after
    /// `VerifiableCredential`).
    const CREDENTIAL_TYPE: &'static str;
    /// The `@context` URLs it needs after the v2 base context.
    const CONTEXTS: &'static [&'static str];

    /// Reads the record back from a credential.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] with `what: "record"` and the pointer of the
    /// property that does not fit the record.
    fn from_credential(credential: &Credential) -> Result<Self>;

    /// Whether `credential` claims to be this kind of record.
    fn is_record(credential: &Credential) -> bool {
        credential.has_type(Self::CREDENTIAL_TYPE)
    }

    /// A credential builder with this record's contexts and type set.
    fn credential_builder() -> CredentialBuilder {
        let builder = Self::CONTEXTS.iter().fold(Credential::builder(), |b, c| b.context(*c));
        builder.add_type(Self::CREDENTIAL_TYPE)
    }
}

/// A record error at `path`.
pub(crate) fn record_error(path: &str, reason: impl Into<String>) -> Error {
    Error::Structure {
        what: "record",
        path: path.into(),
        reason: reason.into(),
    }
}

/// A required string property of `object` (at `path`).
pub(crate) fn required_str<'a>(object: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| record_error(&format!("{path}/{key}"), format!("{key} must be a string")))
}

/// An optional string property of `object`.
pub(crate) fn optional_str(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A deterministic `urn:uuid:` from SHA-256 of `parts` (UUID version 8), so
/// the same inputs always name the same thing.
pub(crate) fn derived_urn_uuid(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    format_uuid(bytes, 0x80)
}

/// A random `urn:uuid:` (version 4).
pub(crate) fn random_urn_uuid() -> Result<String> {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| record_error("/id", format!("no randomness for an id: {e}")))?;
    Ok(format_uuid(bytes, 0x40))
}

fn format_uuid(mut bytes: [u8; 16], version: u8) -> String {
    bytes[6] = (bytes[6] & 0x0f) | version;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed() {
        let a = derived_urn_uuid(&["did:web:uni.example", "BachelorDegree"]);
        assert_eq!(a, derived_urn_uuid(&["did:web:uni.example", "BachelorDegree"]));
        assert_ne!(a, derived_urn_uuid(&["did:web:uni.example", "MasterDegree"]));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[23..24], "8");
        let r = random_urn_uuid().unwrap();
        assert_eq!(&r[23..24], "4");
        assert_ne!(r, random_urn_uuid().unwrap());
    }
}
