//! Bitstring Status List v1.0: revocation and suspension of credentials.
//!
//! An issuer keeps a [`BitstringStatusList`] per purpose, hands each new
//! credential an index from a [`StatusListAllocator`], puts a
//! [`StatusListEntry`] in the credential, and publishes the list as a
//! `BitstringStatusListCredential` ([`status_list_credential`]). A verifier
//! fetches that credential through a [`StatusListFetcher`], decodes it once
//! ([`StatusList::from_credential`]) and looks the bit up.
//!
//! ```
//! use time::macros::datetime;
//! use xinlian_vc::status::{
//!     status_list_credential, BitstringStatusList, StatusList, StatusListEntry, StatusPurpose,
//! };
//!
//! # fn main() -> xinlian_vc::Result<()> {
//! let url = "https://uni.example/status/1";
//! let mut list = BitstringStatusList::new(131_072)?;
//! let entry = StatusListEntry::new(StatusPurpose::Revocation, 42, url);
//! list.set(entry.status_list_index, true)?; // revoke
//!
//! let published = status_list_credential(url, "did:web:uni.example", StatusPurpose::Revocation, &list,
//!     datetime!(2025-07-01 00:00 UTC))?;
//! let fetched = StatusList::from_credential(&published)?;
//! assert_eq!(fetched.status_of(&entry)?, 1);
//! # Ok(())
//! # }
//! ```

mod allocator;
mod bitstring;
mod entry;
mod fetch;

pub use allocator::{AllocationStrategy, StatusListAllocator};
pub use bitstring::{BitstringStatusList, MAX_STATUS_LIST_BYTES, MIN_STATUS_LIST_BITS};
pub use entry::{StatusListEntry, StatusPurpose};
pub use fetch::{StaticStatusLists, StatusListFetcher};

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::credential::validate::one_or_many;
use crate::{Credential, Error, Result};
use bitstring::status_error;

/// The credential type of a published status list.
pub const STATUS_LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";
/// The `credentialSubject` type of a published status list.
pub const STATUS_LIST_TYPE: &str = "BitstringStatusList";
/// The `credentialStatus` type of an entry.
pub const STATUS_LIST_ENTRY_TYPE: &str = "BitstringStatusListEntry";

/// An unsigned `BitstringStatusListCredential` publishing `list` at `id`.
///
/// The subject's id is `<id>#list`. Sign the result before publishing it.
///
/// # Errors
///
/// [`Error::Structure`] when `id` or `issuer` is not a URL.
pub fn status_list_credential(
    id: &str,
    issuer: &str,
    purpose: StatusPurpose,
    list: &BitstringStatusList,
    valid_from: OffsetDateTime,
) -> Result<Credential> {
    let mut subject = Map::new();
    subject.insert("id".into(), Value::String(format!("{id}#list")));
    subject.insert("type".into(), Value::String(STATUS_LIST_TYPE.into()));
    subject.insert("statusPurpose".into(), Value::String(purpose.as_str().into()));
    subject.insert("encodedList".into(), Value::String(list.encode()));
    Credential::builder()
        .id(id)
        .add_type(STATUS_LIST_CREDENTIAL_TYPE)
        .issuer(issuer)
        .valid_from(valid_from)
        .subject(subject)
        .build()
}

/// The (first) purpose and the decoded list of a status list credential.
///
/// Use [`StatusList::from_credential`] for lists with several purposes.
///
/// # Errors
///
/// As [`StatusList::from_credential`].
pub fn list_from_credential(cred: &Credential) -> Result<(StatusPurpose, BitstringStatusList)> {
    let StatusList { purposes, list, .. } = StatusList::from_credential(cred)?;
    let purpose = purposes
        .first()
        .copied()
        .ok_or_else(|| status_error("the status list has no statusPurpose"))?;
    Ok((purpose, list))
}

/// The `BitstringStatusListEntry` values of a credential's
/// `credentialStatus` (entries of other types are skipped).
///
/// # Errors
///
/// [`Error::Structure`] with a pointer under `/credentialStatus` when an
/// entry claims to be a `BitstringStatusListEntry` but is malformed.
pub fn status_list_entries(cred: &Credential) -> Result<Vec<StatusListEntry>> {
    let many = matches!(cred.get("credentialStatus"), Some(Value::Array(_)));
    let mut entries = Vec::new();
    for (i, value) in cred.status_entries().into_iter().enumerate() {
        let is_entry = one_or_many(value.get("type"))
            .iter()
            .any(|t| t.as_str() == Some(STATUS_LIST_ENTRY_TYPE));
        if !is_entry {
            continue;
        }
        let entry = StatusListEntry::from_value(value).map_err(|e| match e {
            Error::Structure { path, reason, .. } => Error::Structure {
                what: "credential",
                path: match (many, path.as_str()) {
                    (true, "/") => format!("/credentialStatus/{i}"),
                    (true, p) => format!("/credentialStatus/{i}{p}"),
                    (false, "/") => "/credentialStatus".into(),
                    (false, p) => format!("/credentialStatus{p}"),
                },
                reason,
            },
            other => other,
        })?;
        entries.push(entry);
    }
    Ok(entries)
}

/// A decoded `BitstringStatusListCredential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    /// The list's purposes (one, or several for a multi-purpose list).
    pub purposes: Vec<StatusPurpose>,
    /// The decoded bits.
    pub list: BitstringStatusList,
    /// `ttl`: how long (milliseconds) a verifier may cache the list.
    pub ttl_ms: Option<u64>,
}

impl StatusList {
    /// Reads and decodes a status list credential: type
    /// `BitstringStatusListCredential`, subject type `BitstringStatusList`
    /// with known `statusPurpose`(s) and an `encodedList` of at least
    /// 131,072 entries.
    ///
    /// It does not check the credential's proof or validity period; the
    /// verifier does.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] (with the pointer) for a credential of the wrong
    /// shape, [`Error::StatusList`] for a bad `encodedList`.
    pub fn from_credential(cred: &Credential) -> Result<Self> {
        if !cred.has_type(STATUS_LIST_CREDENTIAL_TYPE) {
            return Err(list_error(
                "/type",
                format!("type must include {STATUS_LIST_CREDENTIAL_TYPE}"),
            ));
        }
        let subjects = cred.subjects();
        let [subject] = subjects.as_slice() else {
            return Err(list_error(
                "/credentialSubject",
                "a status list credential has exactly one subject",
            ));
        };
        if !one_or_many(subject.get("type"))
            .iter()
            .any(|t| t.as_str() == Some(STATUS_LIST_TYPE))
        {
            return Err(list_error(
                "/credentialSubject/type",
                format!("type must be {STATUS_LIST_TYPE}"),
            ));
        }
        let purposes_value = subject.get("statusPurpose");
        let mut purposes = Vec::new();
        let many = matches!(purposes_value, Some(Value::Array(_)));
        for (i, p) in one_or_many(purposes_value).into_iter().enumerate() {
            let path = if many {
                format!("/credentialSubject/statusPurpose/{i}")
            } else {
                "/credentialSubject/statusPurpose".into()
            };
            let purpose: StatusPurpose = p
                .as_str()
                .ok_or_else(|| list_error(&path, "statusPurpose must be a string"))?
                .parse()
                .map_err(|e: Error| list_error(&path, e.to_string()))?;
            purposes.push(purpose);
        }
        if purposes.is_empty() {
            return Err(list_error(
                "/credentialSubject/statusPurpose",
                "statusPurpose is missing",
            ));
        }
        let encoded = match subject.get("encodedList") {
            Some(Value::String(s)) => s,
            _ => {
                return Err(list_error(
                    "/credentialSubject/encodedList",
                    "encodedList must be a string",
                ));
            }
        };
        let list = BitstringStatusList::decode(encoded)?;
        let ttl_ms = match subject.get("ttl") {
            None => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or_else(|| list_error("/credentialSubject/ttl", "ttl must be a non-negative integer"))?,
            ),
        };
        Ok(StatusList { purposes, list, ttl_ms })
    }

    /// The status `entry` points at: 0 or 1 for single-bit entries, the
    /// `statusSize`-bit value otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`] when the list does not serve the entry's
    /// purpose or the index is past its end.
    pub fn status_of(&self, entry: &StatusListEntry) -> Result<u64> {
        if !self.purposes.contains(&entry.status_purpose) {
            return Err(status_error(format!(
                "the list at {} does not serve the purpose {}",
                entry.status_list_credential, entry.status_purpose
            )));
        }
        self.list.get_status(entry.status_list_index, entry.status_size)
    }
}

fn list_error(path: &str, reason: impl Into<String>) -> Error {
    Error::Structure {
        what: "status list credential",
        path: path.into(),
        reason: reason.into(),
    }
}
