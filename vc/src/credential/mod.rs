//! Verifiable credentials and presentations: the W3C VC Data Model 2.0
//! (and reading 1.1).
//!
//! A [`Credential`] is a JSON object kept whole (every property, unknown
//! ones and `proof` included) that passed the data model's checks when it
//! was built or parsed; every accessor works on that checked object. Errors
//! are [`Error::Structure`](crate::Error::Structure) with the JSON pointer of
//! the offending property.
//!
//! # Example: a university issues a diploma
//!
//! ```
//! use time::macros::{date, datetime};
//! use xinlian_vc::records::diploma::{DegreeType, Diploma};
//! use xinlian_vc::records::Record;
//!
//! # fn main() -> xinlian_vc::Result<()> {
//! let credential = Diploma::builder()
//!     .student("did:example:alice", "Alice Zhang")
//!     .degree(DegreeType::Bachelor, "Bachelor of Science")
//!     .major("Computer Science")
//!     .graduated(date!(2025 - 06 - 30))
//!     .honors("magna cum laude")
//!     .issuer("did:web:uni.example", "Example University")
//!     .valid_from(datetime!(2025-07-01 09:00 UTC))
//!     .build()?;
//!
//! assert_eq!(credential.issuer_id(), "did:web:uni.example");
//! assert!(credential.types().contains(&"AchievementCredential"));
//! assert_eq!(credential.subject_ids(), ["did:example:alice"]);
//!
//! // The JSON survives a round trip and reads back as a typed diploma.
//! let again = xinlian_vc::Credential::from_json(&serde_json::to_string(&credential).unwrap())?;
//! assert_eq!(again, credential);
//! let diploma = Diploma::from_credential(&again)?;
//! assert_eq!(diploma.major.as_deref(), Some("Computer Science"));
//! assert_eq!(diploma.honors.as_deref(), Some("magna cum laude"));
//! # Ok(())
//! # }
//! ```

mod context;
pub mod datetime;
mod presentation;
pub(crate) mod validate;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::OffsetDateTime;

pub use context::{CREDENTIALS_EXAMPLES_V2_CONTEXT, bundled_context, bundled_context_urls};
pub use presentation::{Presentation, PresentationBuilder};
pub use validate::is_url;

use crate::limits::read_json;
use crate::{Error, Limits, Result};
use datetime::format_date_time_stamp;
use validate::{Fail, check_credential, one_or_many};

/// The base context of VC Data Model 2.0; the first `@context` entry of
/// every 2.0 credential and presentation.
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The base context of VC Data Model 1.1.
pub const CREDENTIALS_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// Which version of the VC Data Model a credential follows, from its first
/// `@context` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataModelVersion {
    /// VC Data Model 1.1 (`https://www.w3.org/2018/credentials/v1`):
    /// `issuanceDate` / `expirationDate`.
    V1_1,
    /// VC Data Model 2.0 (`https://www.w3.org/ns/credentials/v2`):
    /// `validFrom` / `validUntil`.
    V2_0,
}

/// A validated credential: a JSON object kept whole (every property,
/// including `proof`), checked against the data model on construction.
///
/// Serializes as that object; deserializing checks it again.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    object: Map<String, Value>,
    version: DataModelVersion,
    valid_from: Option<OffsetDateTime>,
    valid_until: Option<OffsetDateTime>,
}

impl Credential {
    /// Checks `value` against the data model and keeps it.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] with `what: "credential"` and the JSON pointer of
    /// the first offending property (e.g. `/validFrom`).
    /// A value nested deeper than the default [`Limits::max_depth`] is an
    /// [`Error::LimitExceeded`].
    pub fn from_value(value: Value) -> Result<Credential> {
        Self::from_value_within(value, &Limits::default())
    }

    /// [`Credential::from_value`] with the depth bounded by `limits`.
    pub(crate) fn from_value_within(value: Value, limits: &Limits) -> Result<Credential> {
        limits.check_depth("credential", &value)?;
        match value {
            Value::Object(object) => Self::from_object_at(object, "").map_err(|f| f.into_error("credential")),
            _ => Err(Fail::new("", "a credential must be a JSON object").into_error("credential")),
        }
    }

    /// Parses JSON text strictly within the default [`Limits`] and checks
    /// it like [`Credential::from_value`].
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] at path `/` when the text is not JSON,
    /// [`Error::DuplicateKey`] when an object names a member twice (a
    /// leading `"issuer"` before the signed one), [`Error::LimitExceeded`]
    /// when the text is over 1 MiB or nests deeper than 32 levels.
    pub fn from_json(json: &str) -> Result<Credential> {
        Self::from_json_with_limits(json, &Limits::default())
    }

    /// [`Credential::from_json`] within other [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`Credential::from_json`].
    pub fn from_json_with_limits(json: &str, limits: &Limits) -> Result<Credential> {
        let value = read_json(json.as_bytes(), "credential", limits)?;
        Self::from_value_within(value, limits)
    }

    /// Checks an object found at `base` (a pointer prefix for errors).
    pub(crate) fn from_object_at(object: Map<String, Value>, base: &str) -> Result<Credential, Fail> {
        let checked = check_credential(&object, base)?;
        Ok(Credential {
            object,
            version: checked.version,
            valid_from: checked.valid_from,
            valid_until: checked.valid_until,
        })
    }

    /// The credential as a JSON object.
    pub fn as_object(&self) -> &Map<String, Value> {
        &self.object
    }

    /// A copy of the credential as a JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.object.clone())
    }

    /// The credential as a JSON value.
    pub fn into_value(self) -> Value {
        Value::Object(self.object)
    }

    /// One top-level property.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.object.get(key)
    }

    /// The data model version its first `@context` entry selects.
    pub fn version(&self) -> DataModelVersion {
        self.version
    }

    /// The `@context` entries, in order.
    pub fn contexts(&self) -> Vec<&Value> {
        one_or_many(self.object.get("@context"))
    }

    /// The credential's `id`, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.object.get("id").and_then(Value::as_str)
    }

    /// The `type` values (always including `VerifiableCredential`).
    pub fn types(&self) -> Vec<&str> {
        one_or_many(self.object.get("type"))
            .into_iter()
            .filter_map(Value::as_str)
            .collect()
    }

    /// Whether `type` includes `name`.
    pub fn has_type(&self, name: &str) -> bool {
        self.types().contains(&name)
    }

    /// The issuer's URL: `issuer` itself, or `issuer.id`.
    pub fn issuer_id(&self) -> &str {
        match self.object.get("issuer") {
            Some(Value::String(s)) => s,
            Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).unwrap_or_default(),
            _ => "",
        }
    }

    /// The raw `issuer` value (a URL string or an object).
    pub fn issuer(&self) -> Option<&Value> {
        self.object.get("issuer")
    }

    /// When the credential becomes valid: `validFrom` (2.0) or
    /// `issuanceDate` (1.1).
    pub fn valid_from(&self) -> Option<OffsetDateTime> {
        self.valid_from
    }

    /// When the credential stops being valid: `validUntil` (2.0) or
    /// `expirationDate` (1.1).
    pub fn valid_until(&self) -> Option<OffsetDateTime> {
        self.valid_until
    }

    /// The credential subjects (one or many).
    pub fn subjects(&self) -> Vec<&Map<String, Value>> {
        one_or_many(self.object.get("credentialSubject"))
            .into_iter()
            .filter_map(Value::as_object)
            .collect()
    }

    /// The `id`s of the subjects that have one.
    pub fn subject_ids(&self) -> Vec<&str> {
        self.subjects()
            .into_iter()
            .filter_map(|s| s.get("id").and_then(Value::as_str))
            .collect()
    }

    /// The `credentialStatus` entries (one or many).
    pub fn status_entries(&self) -> Vec<&Value> {
        one_or_many(self.object.get("credentialStatus"))
    }

    /// The `credentialSchema` entries (one or many).
    pub fn schemas(&self) -> Vec<&Value> {
        one_or_many(self.object.get("credentialSchema"))
    }

    /// The embedded proofs (one or many; empty when unsecured).
    pub fn proofs(&self) -> Vec<&Value> {
        one_or_many(self.object.get("proof"))
    }

    /// The credential without its `proof` property: what a Data Integrity
    /// proof signs.
    pub fn without_proof(&self) -> Map<String, Value> {
        without_proof(&self.object)
    }

    /// The credential with `proof` added: set when there was none, turned
    /// into an array (a proof set) when there was.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] at `/proof` when `proof` is not an object with a
    /// `type`.
    pub fn with_proof(self, proof: Value) -> Result<Credential> {
        Credential::from_value(Value::Object(append_proof(self.object, proof)))
    }

    /// Starts a VC 2.0 credential.
    pub fn builder() -> CredentialBuilder {
        CredentialBuilder::default()
    }
}

/// Adds a builder's `@context` entry after the v2 base context, once.
pub(crate) fn push_context(contexts: &mut Vec<Value>, context: Value) {
    if !contexts.contains(&context) && context != CREDENTIALS_V2_CONTEXT {
        contexts.push(context);
    }
}

/// Adds a builder's `type` after the base type (`base`), once.
pub(crate) fn push_type(types: &mut Vec<String>, base: &str, type_name: String) {
    if type_name != base && !types.contains(&type_name) {
        types.push(type_name);
    }
}

/// `object` without its `proof` property.
pub(crate) fn without_proof(object: &Map<String, Value>) -> Map<String, Value> {
    let mut object = object.clone();
    object.shift_remove("proof");
    object
}

/// `object` with `proof` added: set when there was none, turned into an
/// array (a proof set) when there was.
pub(crate) fn append_proof(mut object: Map<String, Value>, proof: Value) -> Map<String, Value> {
    let proofs = match object.shift_remove("proof") {
        None => proof,
        Some(Value::Array(mut items)) => {
            items.push(proof);
            Value::Array(items)
        }
        Some(existing) => Value::Array(vec![existing, proof]),
    };
    object.insert("proof".into(), proofs);
    object
}

impl Serialize for Credential {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.object.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Credential {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        // Strict: a member named twice is refused, as by `from_json`.
        let xinlian_did_core::json::StrictValue(value) =
            xinlian_did_core::json::StrictValue::deserialize(deserializer)?;
        Credential::from_value(value).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Value> for Credential {
    type Error = Error;

    fn try_from(value: Value) -> Result<Self> {
        Credential::from_value(value)
    }
}

impl From<Credential> for Value {
    fn from(credential: Credential) -> Value {
        credential.into_value()
    }
}

/// Builds a VC 2.0 [`Credential`]; [`build`](CredentialBuilder::build)
/// checks the result like [`Credential::from_value`].
///
/// ```
/// use serde_json::json;
/// use time::macros::datetime;
/// use xinlian_vc::Credential;
///
/// let credential = Credential::builder()
///     .context("https://www.w3.org/ns/credentials/examples/v2")
///     .id("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33")
///     .add_type("AlumniCredential")
///     .issuer("https://vc.example/issuers/5678")
///     .valid_from(datetime!(2023-01-01 00:00 UTC))
///     .subject(json!({"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"}))
///     .build()
///     .unwrap();
/// assert_eq!(credential.as_object()["validFrom"], "2023-01-01T00:00:00Z");
/// ```
#[derive(Debug, Clone, Default)]
pub struct CredentialBuilder {
    contexts: Vec<Value>,
    id: Option<String>,
    types: Vec<String>,
    issuer: Option<Value>,
    name: Option<Value>,
    description: Option<Value>,
    valid_from: Option<OffsetDateTime>,
    valid_until: Option<OffsetDateTime>,
    subjects: Vec<Value>,
    status: Vec<Value>,
    schemas: Vec<Value>,
    evidence: Vec<Value>,
    terms_of_use: Vec<Value>,
    refresh_service: Vec<Value>,
    extra: Map<String, Value>,
}

impl CredentialBuilder {
    /// Adds a `@context` entry after the v2 base context (a URL string or an
    /// inline context object). Duplicates are dropped.
    pub fn context(mut self, context: impl Into<Value>) -> Self {
        push_context(&mut self.contexts, context.into());
        self
    }

    /// Sets the credential's `id` (a URL).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Adds a `type` after `VerifiableCredential`. Duplicates are dropped.
    pub fn add_type(mut self, type_name: impl Into<String>) -> Self {
        push_type(&mut self.types, "VerifiableCredential", type_name.into());
        self
    }

    /// Sets the issuer as a URL (usually a DID).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(Value::String(issuer.into()));
        self
    }

    /// Sets the issuer as an object (with at least an `id`).
    pub fn issuer_object(mut self, issuer: Value) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Sets the credential's `name` (a string or language value objects).
    pub fn name(mut self, name: impl Into<Value>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the credential's `description`.
    pub fn description(mut self, description: impl Into<Value>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `validFrom` (written in UTC).
    pub fn valid_from(mut self, at: OffsetDateTime) -> Self {
        self.valid_from = Some(at);
        self
    }

    /// Sets `validUntil` (written in UTC).
    pub fn valid_until(mut self, at: OffsetDateTime) -> Self {
        self.valid_until = Some(at);
        self
    }

    /// Adds a credential subject (a JSON object of claims).
    pub fn subject(mut self, subject: impl Into<Value>) -> Self {
        self.subjects.push(subject.into());
        self
    }

    /// Adds a `credentialStatus` entry (e.g. a
    /// [`StatusListEntry`](crate::status::StatusListEntry)).
    pub fn status(mut self, status: impl Into<Value>) -> Self {
        self.status.push(status.into());
        self
    }

    /// Adds a `credentialSchema` entry (`id` and `type`).
    pub fn schema(mut self, schema: impl Into<Value>) -> Self {
        self.schemas.push(schema.into());
        self
    }

    /// Adds an `evidence` entry.
    pub fn evidence(mut self, evidence: impl Into<Value>) -> Self {
        self.evidence.push(evidence.into());
        self
    }

    /// Adds a `termsOfUse` entry.
    pub fn terms_of_use(mut self, terms: impl Into<Value>) -> Self {
        self.terms_of_use.push(terms.into());
        self
    }

    /// Adds a `refreshService` entry.
    pub fn refresh_service(mut self, service: impl Into<Value>) -> Self {
        self.refresh_service.push(service.into());
        self
    }

    /// Sets any other top-level property (replacing one set before).
    pub fn property(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// Assembles and checks the credential.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] naming the property that breaks the data model
    /// (e.g. `/issuer` when no issuer was set).
    pub fn build(self) -> Result<Credential> {
        let mut object = Map::new();
        let mut contexts = vec![Value::String(CREDENTIALS_V2_CONTEXT.into())];
        contexts.extend(self.contexts);
        object.insert("@context".into(), Value::Array(contexts));
        if let Some(id) = self.id {
            object.insert("id".into(), Value::String(id));
        }
        let mut types = vec![Value::String("VerifiableCredential".into())];
        types.extend(self.types.into_iter().map(Value::String));
        object.insert("type".into(), Value::Array(types));
        if let Some(issuer) = self.issuer {
            object.insert("issuer".into(), issuer);
        }
        if let Some(name) = self.name {
            object.insert("name".into(), name);
        }
        if let Some(description) = self.description {
            object.insert("description".into(), description);
        }
        for (key, at) in [("validFrom", self.valid_from), ("validUntil", self.valid_until)] {
            if let Some(at) = at {
                let text = format_date_time_stamp(at).map_err(|reason| Error::Structure {
                    what: "credential",
                    path: format!("/{key}"),
                    reason,
                })?;
                object.insert(key.into(), Value::String(text));
            }
        }
        for (key, values) in [
            ("credentialSubject", self.subjects),
            ("credentialStatus", self.status),
            ("credentialSchema", self.schemas),
            ("evidence", self.evidence),
            ("termsOfUse", self.terms_of_use),
            ("refreshService", self.refresh_service),
        ] {
            if let Some(value) = one_or_array(values) {
                object.insert(key.into(), value);
            }
        }
        for (key, value) in self.extra {
            object.insert(key, value);
        }
        Credential::from_value(Value::Object(object))
    }
}

/// `None` for no values, the value itself for one, an array for several.
pub(crate) fn one_or_array(mut values: Vec<Value>) -> Option<Value> {
    match values.len() {
        0 => None,
        1 => values.pop(),
        _ => Some(Value::Array(values)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    fn minimal() -> Value {
        json!({
            "@context": [CREDENTIALS_V2_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:subject"}
        })
    }

    #[test]
    fn unknown_properties_survive_a_round_trip() {
        let mut value = minimal();
        value["x-custom"] = json!({"nested": [1, 2, 3]});
        let credential = Credential::from_value(value.clone()).unwrap();
        assert_eq!(credential.to_value(), value);
        let text = serde_json::to_string(&credential).unwrap();
        let back: Credential = serde_json::from_str(&text).unwrap();
        assert_eq!(back, credential);
    }

    #[test]
    fn deserialize_checks() {
        let err = serde_json::from_value::<Credential>(json!({"type": "VerifiableCredential"})).unwrap_err();
        assert!(err.to_string().contains("@context"), "{err}");
    }

    #[test]
    fn accessors() {
        let credential = Credential::from_value(json!({
            "@context": [CREDENTIALS_V2_CONTEXT],
            "id": "urn:uuid:1",
            "type": "VerifiableCredential",
            "issuer": {"id": "did:example:issuer", "name": "Issuer"},
            "validFrom": "2023-02-25T19:10:39-06:00",
            "validUntil": "2033-02-25T19:10:39Z",
            "credentialSubject": [{"id": "did:example:a"}, {"name": "no id"}],
            "credentialStatus": {"type": "X"},
            "proof": [{"type": "DataIntegrityProof"}, {"type": "DataIntegrityProof"}]
        }))
        .unwrap();
        assert_eq!(credential.version(), DataModelVersion::V2_0);
        assert_eq!(credential.id(), Some("urn:uuid:1"));
        assert_eq!(credential.types(), ["VerifiableCredential"]);
        assert_eq!(credential.issuer_id(), "did:example:issuer");
        assert_eq!(credential.valid_from(), Some(datetime!(2023-02-26 01:10:39 UTC)));
        assert_eq!(credential.valid_until(), Some(datetime!(2033-02-25 19:10:39 UTC)));
        assert_eq!(credential.subjects().len(), 2);
        assert_eq!(credential.subject_ids(), ["did:example:a"]);
        assert_eq!(credential.status_entries().len(), 1);
        assert!(credential.schemas().is_empty());
        assert_eq!(credential.proofs().len(), 2);
        assert!(!credential.without_proof().contains_key("proof"));
    }

    #[test]
    fn reads_1_1() {
        let credential = Credential::from_value(json!({
            "@context": [CREDENTIALS_V1_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "issuanceDate": "2020-01-01T00:00:00Z",
            "expirationDate": "2030-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:subject"}
        }))
        .unwrap();
        assert_eq!(credential.version(), DataModelVersion::V1_1);
        assert_eq!(credential.valid_from(), Some(datetime!(2020-01-01 00:00 UTC)));
        assert_eq!(credential.valid_until(), Some(datetime!(2030-01-01 00:00 UTC)));
        let mut missing = credential.into_value();
        missing.as_object_mut().unwrap().remove("issuanceDate");
        let err = Credential::from_value(missing).unwrap_err();
        assert!(
            matches!(err, Error::Structure { ref path, .. } if path == "/issuanceDate"),
            "{err}"
        );
    }

    #[test]
    fn adding_proofs_makes_a_set() {
        let credential = Credential::from_value(minimal()).unwrap();
        let one = credential.with_proof(json!({"type": "DataIntegrityProof"})).unwrap();
        assert!(one.as_object()["proof"].is_object());
        let two = one.with_proof(json!({"type": "DataIntegrityProof"})).unwrap();
        assert_eq!(two.proofs().len(), 2);
        let err = two.with_proof(json!({"no": "type"})).unwrap_err();
        assert!(
            matches!(err, Error::Structure { ref path, .. } if path == "/proof/2/type"),
            "{err}"
        );
    }

    #[test]
    fn builder_reports_missing_issuer() {
        let err = Credential::builder()
            .subject(json!({"id": "did:example:s"}))
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::Structure { ref path, .. } if path == "/issuer"),
            "{err}"
        );
    }

    #[test]
    fn valid_until_before_valid_from_is_rejected() {
        let err = Credential::builder()
            .issuer("did:example:i")
            .subject(json!({"id": "did:example:s"}))
            .valid_from(datetime!(2024-01-02 00:00 UTC))
            .valid_until(datetime!(2024-01-01 00:00 UTC))
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::Structure { ref path, .. } if path == "/validUntil"),
            "{err}"
        );
    }
}
