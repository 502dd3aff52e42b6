//! Trust lists: an accreditation authority (a ministry of education, a
//! professional body) signs a `TrustListCredential` naming the issuers it
//! accredits and the credential types each may issue, each entry with its
//! own validity dates. A verifier's [`Policy`](crate::verify::Policy) names
//! the lists it trusts; verification then says which list and entry
//! accredited a credential's issuer, or why none did.
//!
//! The credential looks like this (the subject's `accreditedIssuers` is the
//! list):
//!
//! ```json
//! {
//!   "@context": ["https://www.w3.org/ns/credentials/v2"],
//!   "id": "https://moe.example/trust/universities",
//!   "type": ["VerifiableCredential", "TrustListCredential"],
//!   "issuer": "did:key:z6Mk…ministry",
//!   "validFrom": "2025-01-01T00:00:00Z",
//!   "credentialSubject": {
//!     "id": "https://moe.example/trust/universities#list",
//!     "type": "TrustList",
//!     "accreditedIssuers": [{
//!       "id": "did:key:z6Mk…university",
//!       "name": "Example University",
//!       "credentialTypes": ["OpenBadgeCredential", "AchievementCredential"],
//!       "validFrom": "2025-01-01T00:00:00Z",
//!       "validUntil": "2030-01-01T00:00:00Z"
//!     }]
//!   },
//!   "proof": { "…": "…" }
//! }
//! ```
//!
//! An issuer is accredited for a credential when an entry names it, is
//! within its dates, and lists every type of the credential other than
//! `VerifiableCredential`.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use xinlian_did_core::{Relationship, Resolver};

use crate::credential::Credential;
use crate::error::{Error, Result};
use crate::proof::{ProofExpectations, did_of, format_date_time, verify_proofs};

/// The credential type of a trust list.
pub const TRUST_LIST_CREDENTIAL_TYPE: &str = "TrustListCredential";
/// The subject type of a trust list.
pub const TRUST_LIST_TYPE: &str = "TrustList";

/// One accredited issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustListEntry {
    /// The issuer's DID.
    pub issuer: String,
    /// A display name.
    pub name: Option<String>,
    /// The credential types the issuer may issue.
    pub credential_types: Vec<String>,
    /// Start of the accreditation.
    pub valid_from: Option<OffsetDateTime>,
    /// End of the accreditation.
    pub valid_until: Option<OffsetDateTime>,
}

impl TrustListEntry {
    /// An entry accrediting `issuer` for `credential_types`, with no dates.
    pub fn new(issuer: impl Into<String>, credential_types: impl IntoIterator<Item = impl Into<String>>) -> Self {
        TrustListEntry {
            issuer: issuer.into(),
            name: None,
            credential_types: credential_types.into_iter().map(Into::into).collect(),
            valid_from: None,
            valid_until: None,
        }
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the accreditation period.
    pub fn valid(mut self, from: Option<OffsetDateTime>, until: Option<OffsetDateTime>) -> Self {
        self.valid_from = from;
        self.valid_until = until;
        self
    }

    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), Value::String(self.issuer.clone()));
        if let Some(n) = &self.name {
            m.insert("name".into(), Value::String(n.clone()));
        }
        m.insert("credentialTypes".into(), json!(self.credential_types));
        if let Some(t) = self.valid_from {
            m.insert("validFrom".into(), Value::String(format_date_time(t)));
        }
        if let Some(t) = self.valid_until {
            m.insert("validUntil".into(), Value::String(format_date_time(t)));
        }
        Value::Object(m)
    }

    fn from_value(value: &Value, path: &str) -> Result<TrustListEntry> {
        let m = value
            .as_object()
            .ok_or_else(|| trust_error(format!("{path} must be an object")))?;
        let issuer = m
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| trust_error(format!("{path}/id must be the issuer's DID")))?
            .to_owned();
        let credential_types = match m.get("credentialTypes") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| trust_error(format!("{path}/credentialTypes/{i} must be a string")))
                })
                .collect::<Result<_>>()?,
            _ => {
                return Err(trust_error(format!(
                    "{path}/credentialTypes must list credential types"
                )));
            }
        };
        let date = |key: &str| -> Result<Option<OffsetDateTime>> {
            match m.get(key) {
                None => Ok(None),
                Some(v) => {
                    let s = v
                        .as_str()
                        .ok_or_else(|| trust_error(format!("{path}/{key} must be a dateTime")))?;
                    crate::credential::datetime::parse_date_time_stamp(s)
                        .map(Some)
                        .map_err(|e| trust_error(format!("{path}/{key}: {e}")))
                }
            }
        };
        Ok(TrustListEntry {
            issuer,
            name: m.get("name").and_then(Value::as_str).map(str::to_owned),
            credential_types,
            valid_from: date("validFrom")?,
            valid_until: date("validUntil")?,
        })
    }
}

/// A trust list read from a verified `TrustListCredential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// The list credential's `id` (or the authority when it has none); the
    /// name reports use for the list.
    pub id: String,
    /// The accreditation authority (the list credential's issuer).
    pub authority: String,
    /// The list's validity period (the credential's).
    pub valid_from: Option<OffsetDateTime>,
    /// End of the list's validity period.
    pub valid_until: Option<OffsetDateTime>,
    /// The accredited issuers.
    pub entries: Vec<TrustListEntry>,
}

/// A match: which list and which entry accredit the issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustMatch {
    /// The list's id.
    pub list: String,
    /// The authority that signed the list.
    pub authority: String,
    /// The entry's position in the list.
    pub entry_index: usize,
    /// The entry.
    pub entry: TrustListEntry,
}

impl TrustList {
    /// An unsigned `TrustListCredential` for the authority to sign (with
    /// [`add_proof`](crate::add_proof)) and publish.
    pub fn credential(
        id: &str,
        authority: &str,
        entries: &[TrustListEntry],
        valid_from: OffsetDateTime,
        valid_until: Option<OffsetDateTime>,
    ) -> Result<Credential> {
        let mut builder = Credential::builder()
            .id(id)
            .add_type(TRUST_LIST_CREDENTIAL_TYPE)
            .issuer(authority)
            .valid_from(valid_from)
            .subject(json!({
                "id": format!("{id}#list"),
                "type": TRUST_LIST_TYPE,
                "accreditedIssuers": entries.iter().map(TrustListEntry::to_value).collect::<Vec<_>>(),
            }));
        if let Some(until) = valid_until {
            builder = builder.valid_until(until);
        }
        builder.build()
    }

    /// Reads a trust list credential after checking it: issued by
    /// `authority` (a DID the caller trusts as an accreditation authority),
    /// every proof verifies with a key of the authority authorized for
    /// `assertionMethod`, and `now` is within its validity period.
    pub async fn from_credential(
        credential: &Credential,
        resolver: &dyn Resolver,
        authority: &str,
        now: OffsetDateTime,
    ) -> Result<TrustList> {
        if credential.issuer_id() != authority {
            return Err(trust_error(format!(
                "issued by {}, not by the trusted authority {authority}",
                credential.issuer_id()
            )));
        }
        let expected = ProofExpectations::new(Relationship::AssertionMethod).at(now);
        let outcomes = verify_proofs(credential.as_object(), resolver, &expected).await;
        if outcomes.is_empty() {
            return Err(trust_error("the trust list credential has no proof"));
        }
        for outcome in &outcomes {
            if let Some(failure) = outcome.failures.first() {
                return Err(trust_error(format!(
                    "proof {} does not verify: {}",
                    outcome.index, failure.detail
                )));
            }
            if outcome.controller.as_deref() != Some(did_of(authority)) {
                return Err(trust_error(format!(
                    "proof {} is signed by {}, not by the authority {authority}",
                    outcome.index,
                    outcome.controller.as_deref().unwrap_or("an unknown key")
                )));
            }
        }
        let list = TrustList::from_credential_unverified(credential)?;
        if list.valid_from.is_some_and(|t| t > now) {
            return Err(trust_error(format!("{} is not valid yet", list.id)));
        }
        if list.valid_until.is_some_and(|t| t <= now) {
            return Err(trust_error(format!("{} has expired", list.id)));
        }
        Ok(list)
    }

    /// Reads a trust list credential without checking its proof or issuer:
    /// for lists that came through a channel already trusted.
    pub fn from_credential_unverified(credential: &Credential) -> Result<TrustList> {
        if !credential.types().contains(&TRUST_LIST_CREDENTIAL_TYPE) {
            return Err(trust_error(format!("/type must include {TRUST_LIST_CREDENTIAL_TYPE}")));
        }
        let subjects = credential.subjects();
        let [subject] = subjects.as_slice() else {
            return Err(trust_error("/credentialSubject: a trust list has exactly one subject"));
        };
        let entries = match subject.get("accreditedIssuers") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| TrustListEntry::from_value(v, &format!("/credentialSubject/accreditedIssuers/{i}")))
                .collect::<Result<Vec<_>>>()?,
            _ => return Err(trust_error("/credentialSubject/accreditedIssuers must be an array")),
        };
        Ok(TrustList {
            id: credential.id().unwrap_or(credential.issuer_id()).to_owned(),
            authority: credential.issuer_id().to_owned(),
            valid_from: credential.valid_from(),
            valid_until: credential.valid_until(),
            entries,
        })
    }

    /// Whether this list accredits `issuer` for every one of `types` (other
    /// than `VerifiableCredential`) at `at`; `Err` says why not.
    pub fn accredits(&self, issuer: &str, types: &[&str], at: OffsetDateTime) -> Result<TrustMatch, String> {
        if self.valid_until.is_some_and(|t| t <= at) {
            return Err(format!("trust list {} has expired", self.id));
        }
        if self.valid_from.is_some_and(|t| t > at) {
            return Err(format!("trust list {} is not valid yet", self.id));
        }
        let wanted: Vec<&str> = types.iter().copied().filter(|t| *t != "VerifiableCredential").collect();
        let mut reasons = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            if entry.issuer != issuer {
                continue;
            }
            let label = format!("trust list {} entry {index}", self.id);
            if let Some(from) = entry.valid_from.filter(|t| *t > at) {
                reasons.push(format!("{label} starts on {}", format_date_time(from)));
                continue;
            }
            if let Some(until) = entry.valid_until.filter(|t| *t <= at) {
                reasons.push(format!("{label} expired on {}", format_date_time(until)));
                continue;
            }
            let missing: Vec<&str> = wanted
                .iter()
                .copied()
                .filter(|t| !entry.credential_types.iter().any(|c| c == t))
                .collect();
            if !missing.is_empty() || wanted.is_empty() {
                reasons.push(format!(
                    "{label} accredits {:?}, not {:?}",
                    entry.credential_types,
                    if wanted.is_empty() { types.to_vec() } else { missing }
                ));
                continue;
            }
            return Ok(TrustMatch {
                list: self.id.clone(),
                authority: self.authority.clone(),
                entry_index: index,
                entry: entry.clone(),
            });
        }
        if reasons.is_empty() {
            Err(format!("issuer {issuer} is not on trust list {}", self.id))
        } else {
            Err(reasons.join("; "))
        }
    }
}

/// Looks for a list among `lists` accrediting `issuer` for `types` at `at`.
/// `Err` gives every list's reason.
pub fn find_accreditation(
    lists: &[TrustList],
    issuer: &str,
    types: &[&str],
    at: OffsetDateTime,
) -> Result<TrustMatch, String> {
    if lists.is_empty() {
        return Err("the policy trusts no trust list".into());
    }
    let mut reasons = Vec::with_capacity(lists.len());
    for list in lists {
        match list.accredits(issuer, types, at) {
            Ok(m) => return Ok(m),
            Err(reason) => reasons.push(reason),
        }
    }
    Err(reasons.join("; "))
}

fn trust_error(reason: impl Into<String>) -> Error {
    Error::Trust { reason: reason.into() }
}
