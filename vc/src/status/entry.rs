//! `BitstringStatusListEntry`: the `credentialStatus` a credential carries.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::credential::is_url;
use crate::{Error, Result};

/// What a status list says about the credentials it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusPurpose {
    /// `revocation`: a set bit means the credential is revoked for good.
    Revocation,
    /// `suspension`: a set bit means the credential is suspended for now.
    Suspension,
    /// `message`: the entry's bits select one of its `statusMessage`s.
    Message,
    /// `refresh`: a set bit means a newer credential can be fetched from the
    /// credential's `refreshService`.
    Refresh,
}

impl StatusPurpose {
    /// The purpose as written in JSON (`"revocation"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
            StatusPurpose::Message => "message",
            StatusPurpose::Refresh => "refresh",
        }
    }
}

impl FromStr for StatusPurpose {
    type Err = Error;

    /// Parses a purpose; anything the spec does not define is an error.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "revocation" => Ok(StatusPurpose::Revocation),
            "suspension" => Ok(StatusPurpose::Suspension),
            "message" => Ok(StatusPurpose::Message),
            "refresh" => Ok(StatusPurpose::Refresh),
            other => Err(Error::StatusList {
                reason: format!(
                    "unknown statusPurpose {other:?} (expected revocation, suspension, message or refresh)"
                ),
            }),
        }
    }
}

impl fmt::Display for StatusPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for StatusPurpose {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StatusPurpose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A `BitstringStatusListEntry`: which bit(s) of which list hold a
/// credential's status.
///
/// ```
/// use xinlian_vc::status::{StatusListEntry, StatusPurpose};
///
/// let entry = StatusListEntry::new(StatusPurpose::Revocation, 94_567, "https://example.com/credentials/status/3");
/// let json = entry.to_value();
/// assert_eq!(json["statusListIndex"], "94567");
/// assert_eq!(StatusListEntry::from_value(&json)?, entry);
/// # Ok::<(), xinlian_vc::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListEntry {
    /// The entry's `id` (usually `<list URL>#<index>`).
    pub id: Option<String>,
    /// `statusPurpose`.
    pub status_purpose: StatusPurpose,
    /// `statusListIndex`: which entry of the list (written as a decimal
    /// string).
    pub status_list_index: u64,
    /// `statusListCredential`: the URL of the status list credential.
    pub status_list_credential: String,
    /// `statusSize`: bits per entry (1 unless the list carries messages).
    pub status_size: u32,
    /// `statusMessage`, kept as JSON (required when `status_size` > 1).
    pub status_message: Option<Value>,
    /// `statusReference`, kept as JSON.
    pub status_reference: Option<Value>,
}

impl StatusListEntry {
    /// An entry for bit `index` of the list at `list_credential`, with id
    /// `<list_credential>#<index>` and a status size of 1.
    pub fn new(purpose: StatusPurpose, index: u64, list_credential: impl Into<String>) -> Self {
        let list_credential = list_credential.into();
        StatusListEntry {
            id: Some(format!("{list_credential}#{index}")),
            status_purpose: purpose,
            status_list_index: index,
            status_list_credential: list_credential,
            status_size: 1,
            status_message: None,
            status_reference: None,
        }
    }

    /// Reads an entry from a `credentialStatus` value.
    ///
    /// `statusListIndex` is a decimal string per the spec; a JSON integer is
    /// accepted too, as some issuers write one.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] with `what: "status entry"` and the pointer
    /// (relative to the entry) of the offending property.
    pub fn from_value(value: &Value) -> Result<Self> {
        let Value::Object(entry) = value else {
            return Err(entry_error("", "a status entry must be an object"));
        };
        let types = match entry.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.contains(&"BitstringStatusListEntry") {
            return Err(entry_error("/type", "type must be BitstringStatusListEntry"));
        }
        let id = match entry.get("id") {
            None => None,
            Some(Value::String(id)) if is_url(id) => Some(id.clone()),
            Some(_) => return Err(entry_error("/id", "id must be a URL")),
        };
        let status_purpose = match entry.get("statusPurpose") {
            Some(Value::String(p)) => p
                .parse()
                .map_err(|e: Error| entry_error("/statusPurpose", e.to_string()))?,
            Some(_) => return Err(entry_error("/statusPurpose", "statusPurpose must be a string")),
            None => return Err(entry_error("/statusPurpose", "statusPurpose is missing")),
        };
        let status_list_index = match entry.get("statusListIndex") {
            Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
                .parse::<u64>()
                .map_err(|_| entry_error("/statusListIndex", format!("statusListIndex {s} is too large")))?,
            Some(Value::Number(n)) => n
                .as_u64()
                .ok_or_else(|| entry_error("/statusListIndex", "statusListIndex must be a non-negative integer"))?,
            Some(_) => {
                return Err(entry_error(
                    "/statusListIndex",
                    "statusListIndex must be a non-negative integer as a string",
                ));
            }
            None => return Err(entry_error("/statusListIndex", "statusListIndex is missing")),
        };
        let status_list_credential = match entry.get("statusListCredential") {
            Some(Value::String(url)) if is_url(url) => url.clone(),
            Some(_) => {
                return Err(entry_error(
                    "/statusListCredential",
                    "statusListCredential must be a URL",
                ));
            }
            None => return Err(entry_error("/statusListCredential", "statusListCredential is missing")),
        };
        let status_size = match entry.get("statusSize") {
            None => 1,
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| entry_error("/statusSize", "statusSize must be an integer from 1 to 64"))?,
        };
        let status_message = entry.get("statusMessage").cloned();
        if status_size > 1 && status_message.is_none() {
            return Err(entry_error(
                "/statusMessage",
                "statusMessage is required when statusSize is above 1",
            ));
        }
        Ok(StatusListEntry {
            id,
            status_purpose,
            status_list_index,
            status_list_credential,
            status_size,
            status_message,
            status_reference: entry.get("statusReference").cloned(),
        })
    }

    /// The entry as a `credentialStatus` JSON object.
    pub fn to_value(&self) -> Value {
        let mut entry = Map::new();
        if let Some(id) = &self.id {
            entry.insert("id".into(), Value::String(id.clone()));
        }
        entry.insert("type".into(), Value::String("BitstringStatusListEntry".into()));
        entry.insert(
            "statusPurpose".into(),
            Value::String(self.status_purpose.as_str().into()),
        );
        entry.insert(
            "statusListIndex".into(),
            Value::String(self.status_list_index.to_string()),
        );
        entry.insert(
            "statusListCredential".into(),
            Value::String(self.status_list_credential.clone()),
        );
        if self.status_size != 1 {
            entry.insert("statusSize".into(), Value::from(self.status_size));
        }
        if let Some(message) = &self.status_message {
            entry.insert("statusMessage".into(), message.clone());
        }
        if let Some(reference) = &self.status_reference {
            entry.insert("statusReference".into(), reference.clone());
        }
        Value::Object(entry)
    }
}

impl From<StatusListEntry> for Value {
    fn from(entry: StatusListEntry) -> Value {
        entry.to_value()
    }
}

fn entry_error(path: &str, reason: impl Into<String>) -> Error {
    Error::Structure {
        what: "status entry",
        path: if path.is_empty() { "/".into() } else { path.into() },
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_spec_example() {
        let entry = StatusListEntry::from_value(&json!({
            "id": "https://example.com/credentials/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3"
        }))
        .unwrap();
        assert_eq!(
            entry,
            StatusListEntry::new(
                StatusPurpose::Revocation,
                94567,
                "https://example.com/credentials/status/3"
            )
        );
    }

    #[test]
    fn errors_name_the_property() {
        let base = StatusListEntry::new(StatusPurpose::Suspension, 1, "https://example.com/sl").to_value();
        for (key, bad, path) in [
            ("statusPurpose", json!("randomPurpose"), "/statusPurpose"),
            ("statusListIndex", json!("-1"), "/statusListIndex"),
            ("statusListIndex", json!("99999999999999999999999"), "/statusListIndex"),
            ("statusListCredential", json!("not a url"), "/statusListCredential"),
            ("type", json!("StatusList2021Entry"), "/type"),
            ("statusSize", json!(2), "/statusMessage"),
            ("statusSize", json!(0), "/statusSize"),
        ] {
            let mut value = base.clone();
            value[key] = bad;
            let err = StatusListEntry::from_value(&value).unwrap_err();
            assert!(
                matches!(err, Error::Structure { path: ref p, .. } if p == path),
                "{key}: {err}"
            );
        }
    }

    #[test]
    fn purposes_round_trip() {
        for p in [
            StatusPurpose::Revocation,
            StatusPurpose::Suspension,
            StatusPurpose::Message,
            StatusPurpose::Refresh,
        ] {
            assert_eq!(p.as_str().parse::<StatusPurpose>().unwrap(), p);
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        assert!("random".parse::<StatusPurpose>().is_err());
    }
}
