//! Verifiable presentations: a holder's package of credentials.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::validate::{Fail, check_enveloped, check_presentation_envelope, has_type, one_or_many, pointer};
use super::{CREDENTIALS_V2_CONTEXT, Credential, DataModelVersion, one_or_array};
use crate::limits::read_json;
use crate::{Error, Limits, Result};

/// A validated presentation: a JSON object kept whole, checked against the
/// data model on construction, with its embedded credentials parsed.
///
/// Embedded credentials are checked like [`Credential::from_value`];
/// `EnvelopedVerifiableCredential` entries (a `data:` URL holding a secured
/// credential) are kept as raw values, see
/// [`enveloped_credentials`](Presentation::enveloped_credentials).
#[derive(Debug, Clone, PartialEq)]
pub struct Presentation {
    object: Map<String, Value>,
    version: DataModelVersion,
    credentials: Vec<Credential>,
    enveloped: Vec<Value>,
}

impl Presentation {
    /// Checks `value` against the data model and keeps it.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] with `what: "presentation"` and the JSON pointer
    /// of the offending property (e.g. `/verifiableCredential/0/type`).
    /// A value nested deeper than the default [`Limits::max_depth`] is an
    /// [`Error::LimitExceeded`].
    pub fn from_value(value: Value) -> Result<Presentation> {
        Self::from_value_within(value, &Limits::default())
    }

    /// [`Presentation::from_value`] with the depth bounded by `limits`.
    pub(crate) fn from_value_within(value: Value, limits: &Limits) -> Result<Presentation> {
        limits.check_depth("presentation", &value)?;
        let Value::Object(object) = value else {
            return Err(Fail::new("", "a presentation must be a JSON object").into_error("presentation"));
        };
        Self::check(object).map_err(|f| f.into_error("presentation"))
    }

    /// Parses JSON text strictly within the default [`Limits`] and checks
    /// it like [`Presentation::from_value`].
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] at path `/` when the text is not JSON,
    /// [`Error::DuplicateKey`] when an object names a member twice,
    /// [`Error::LimitExceeded`] when the text is over 1 MiB or nests deeper
    /// than 32 levels.
    pub fn from_json(json: &str) -> Result<Presentation> {
        Self::from_json_with_limits(json, &Limits::default())
    }

    /// [`Presentation::from_json`] within other [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`Presentation::from_json`].
    pub fn from_json_with_limits(json: &str, limits: &Limits) -> Result<Presentation> {
        let value = read_json(json.as_bytes(), "presentation", limits)?;
        Self::from_value_within(value, limits)
    }

    fn check(object: Map<String, Value>) -> Result<Presentation, Fail> {
        let version = check_presentation_envelope(&object)?;
        let mut credentials = Vec::new();
        let mut enveloped = Vec::new();
        if let Some(value) = object.get("verifiableCredential") {
            let items: Vec<(&Value, String)> = match value {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v, pointer("/verifiableCredential", &i.to_string())))
                    .collect(),
                v => vec![(v, "/verifiableCredential".to_string())],
            };
            for (item, path) in items {
                let Value::Object(embedded) = item else {
                    return Err(Fail::new(
                        path,
                        "each verifiableCredential must be an object (wrap a secured credential string in an \
                         EnvelopedVerifiableCredential)",
                    ));
                };
                if has_type(embedded, "EnvelopedVerifiableCredential") {
                    check_enveloped(embedded, &path)?;
                    enveloped.push(item.clone());
                } else {
                    credentials.push(Credential::from_object_at(embedded.clone(), &path)?);
                }
            }
        }
        Ok(Presentation {
            object,
            version,
            credentials,
            enveloped,
        })
    }

    /// The presentation as a JSON object.
    pub fn as_object(&self) -> &Map<String, Value> {
        &self.object
    }

    /// A copy of the presentation as a JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.object.clone())
    }

    /// The presentation as a JSON value.
    pub fn into_value(self) -> Value {
        Value::Object(self.object)
    }

    /// The data model version its first `@context` entry selects.
    pub fn version(&self) -> DataModelVersion {
        self.version
    }

    /// The presentation's `id`, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.object.get("id").and_then(Value::as_str)
    }

    /// The `type` values (always including `VerifiablePresentation`).
    pub fn types(&self) -> Vec<&str> {
        one_or_many(self.object.get("type"))
            .into_iter()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The holder's URL: `holder` itself, or `holder.id`.
    pub fn holder(&self) -> Option<&str> {
        match self.object.get("holder") {
            Some(Value::String(s)) => Some(s),
            Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
            _ => None,
        }
    }

    /// The embedded credentials, parsed, in order (enveloped ones excluded).
    pub fn credentials(&self) -> &[Credential] {
        &self.credentials
    }

    /// The `EnvelopedVerifiableCredential` entries, as raw objects.
    pub fn enveloped_credentials(&self) -> &[Value] {
        &self.enveloped
    }

    /// The embedded proofs (one or many; empty when unsecured).
    pub fn proofs(&self) -> Vec<&Value> {
        one_or_many(self.object.get("proof"))
    }

    /// The presentation without its `proof` property.
    pub fn without_proof(&self) -> Map<String, Value> {
        super::without_proof(&self.object)
    }

    /// The presentation with `proof` added (a proof set when there was one).
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] at `/proof` when `proof` has no `type`.
    pub fn with_proof(self, proof: Value) -> Result<Presentation> {
        Presentation::from_value(Value::Object(super::append_proof(self.object, proof)))
    }

    /// Starts a VC 2.0 presentation.
    pub fn builder() -> PresentationBuilder {
        PresentationBuilder::default()
    }
}

impl Serialize for Presentation {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.object.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Presentation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        // Strict: a member named twice is refused, as by `from_json`.
        let xinlian_did_core::json::StrictValue(value) =
            xinlian_did_core::json::StrictValue::deserialize(deserializer)?;
        Presentation::from_value(value).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Value> for Presentation {
    type Error = Error;

    fn try_from(value: Value) -> Result<Self> {
        Presentation::from_value(value)
    }
}

/// Builds a VC 2.0 [`Presentation`].
///
/// ```
/// use serde_json::json;
/// use xinlian_vc::{Credential, Presentation};
///
/// let credential = Credential::builder()
///     .issuer("did:example:issuer")
///     .subject(json!({"id": "did:example:alice"}))
///     .build()
///     .unwrap();
/// let vp = Presentation::builder().holder("did:example:alice").credential(credential).build().unwrap();
/// assert_eq!(vp.holder(), Some("did:example:alice"));
/// assert_eq!(vp.credentials().len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PresentationBuilder {
    contexts: Vec<Value>,
    id: Option<String>,
    types: Vec<String>,
    holder: Option<String>,
    credentials: Vec<Value>,
    extra: Map<String, Value>,
}

impl PresentationBuilder {
    /// Adds a `@context` entry after the v2 base context.
    pub fn context(mut self, context: impl Into<Value>) -> Self {
        super::push_context(&mut self.contexts, context.into());
        self
    }

    /// Sets the presentation's `id`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Adds a `type` after `VerifiablePresentation`.
    pub fn add_type(mut self, type_name: impl Into<String>) -> Self {
        super::push_type(&mut self.types, "VerifiablePresentation", type_name.into());
        self
    }

    /// Sets the holder (a URL, usually a DID).
    pub fn holder(mut self, holder: impl Into<String>) -> Self {
        self.holder = Some(holder.into());
        self
    }

    /// Embeds a credential.
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credentials.push(credential.into_value());
        self
    }

    /// Embeds several credentials.
    pub fn credentials(mut self, credentials: impl IntoIterator<Item = Credential>) -> Self {
        self.credentials
            .extend(credentials.into_iter().map(Credential::into_value));
        self
    }

    /// Embeds a secured credential (e.g. a vc+jwt) as an
    /// `EnvelopedVerifiableCredential` with a `data:` URL of `media_type`.
    pub fn enveloped_credential(mut self, media_type: &str, secured: &str) -> Self {
        let mut object = Map::new();
        object.insert("@context".into(), Value::String(CREDENTIALS_V2_CONTEXT.into()));
        object.insert("id".into(), Value::String(format!("data:{media_type},{secured}")));
        object.insert("type".into(), Value::String("EnvelopedVerifiableCredential".into()));
        self.credentials.push(Value::Object(object));
        self
    }

    /// Sets any other top-level property.
    pub fn property(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// Assembles and checks the presentation.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] naming the offending property.
    pub fn build(self) -> Result<Presentation> {
        let mut object = Map::new();
        let mut contexts = vec![Value::String(CREDENTIALS_V2_CONTEXT.into())];
        contexts.extend(self.contexts);
        object.insert("@context".into(), Value::Array(contexts));
        if let Some(id) = self.id {
            object.insert("id".into(), Value::String(id));
        }
        let mut types = vec![Value::String("VerifiablePresentation".into())];
        types.extend(self.types.into_iter().map(Value::String));
        object.insert("type".into(), Value::Array(types));
        if let Some(holder) = self.holder {
            object.insert("holder".into(), Value::String(holder));
        }
        if let Some(credentials) = one_or_array(self.credentials) {
            object.insert("verifiableCredential".into(), credentials);
        }
        for (key, value) in self.extra {
            object.insert(key, value);
        }
        Presentation::from_value(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn enveloped_credentials_are_kept_raw() {
        let vp = Presentation::builder()
            .holder("did:example:holder")
            .enveloped_credential("application/vc+jwt", "eyJhbGciOiJFUzI1NiJ9.e30.sig")
            .build()
            .unwrap();
        assert!(vp.credentials().is_empty());
        assert_eq!(vp.enveloped_credentials().len(), 1);
    }

    #[test]
    fn embedded_credential_errors_point_into_the_presentation() {
        let err = Presentation::from_value(json!({
            "@context": [CREDENTIALS_V2_CONTEXT],
            "type": "VerifiablePresentation",
            "verifiableCredential": {"@context": [CREDENTIALS_V2_CONTEXT], "type": "VerifiableCredential",
                "issuer": "did:example:i", "credentialSubject": {}}
        }))
        .unwrap_err();
        assert!(
            matches!(err, Error::Structure { what: "presentation", ref path, .. } if path == "/verifiableCredential/credentialSubject"),
            "{err}"
        );
    }
}
