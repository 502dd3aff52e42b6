//! DID documents: the DID Core 1.0 data model, JSON round trip and
//! validation.

mod de;
mod service;
mod validate;
mod verification_method;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use service::Service;
pub use verification_method::{VerificationMethod, VerificationMethodType};

use crate::did::{Did, DidUrl};
use crate::error::{Error, Result};
use crate::json::{JsonError, JsonLimits, SERDE_JSON_MAX_DEPTH};

/// The DID Core 1.0 JSON-LD context URL.
pub const DID_CONTEXT_V1: &str = "https://www.w3.org/ns/did/v1";
/// The Multikey JSON-LD context URL.
pub const MULTIKEY_CONTEXT_V1: &str = "https://w3id.org/security/multikey/v1";
/// The JsonWebKey JSON-LD context URL.
pub const JWK_CONTEXT_V1: &str = "https://w3id.org/security/jwk/v1";

/// A value that JSON writes as either one item or an array of items.
/// Which form was read is kept, so a document round-trips unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// An array.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The items as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(v) => std::slice::from_ref(v),
            OneOrMany::Many(v) => v,
        }
    }

    /// Iterates over the items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// Whether `item` is one of the items.
    pub fn contains(&self, item: &T) -> bool
    where
        T: PartialEq,
    {
        self.as_slice().contains(item)
    }
}

/// The five verification relationships of DID Core 1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relationship {
    /// `authentication`
    Authentication,
    /// `assertionMethod`
    AssertionMethod,
    /// `keyAgreement`
    KeyAgreement,
    /// `capabilityInvocation`
    CapabilityInvocation,
    /// `capabilityDelegation`
    CapabilityDelegation,
}

impl Relationship {
    /// All relationships in DID Core order.
    pub const ALL: [Relationship; 5] = [
        Relationship::Authentication,
        Relationship::AssertionMethod,
        Relationship::KeyAgreement,
        Relationship::CapabilityInvocation,
        Relationship::CapabilityDelegation,
    ];

    /// The JSON property name, which is also the `proofPurpose` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Authentication => "authentication",
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::KeyAgreement => "keyAgreement",
            Relationship::CapabilityInvocation => "capabilityInvocation",
            Relationship::CapabilityDelegation => "capabilityDelegation",
        }
    }

    /// Parses a property name / proof purpose.
    pub fn from_name(name: &str) -> Option<Relationship> {
        Relationship::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// An entry of a verification relationship: a reference to a verification
/// method (a DID URL, possibly relative) or an embedded method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum VerificationReference {
    /// A DID URL (absolute or relative to the document's `id`).
    Reference(String),
    /// A method embedded in the relationship.
    Embedded(Box<VerificationMethod>),
}

impl VerificationReference {
    /// The referenced or embedded method's id as written.
    pub fn id(&self) -> &str {
        match self {
            VerificationReference::Reference(id) => id,
            VerificationReference::Embedded(vm) => &vm.id,
        }
    }
}

/// A DID document.
///
/// Parse with [`Document::from_json`] (which validates), or build one with
/// [`Document::new`] and the `add_*` methods. Properties the data model does
/// not name are kept in [`Document::extra`] and written back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// `@context`, as written.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The DID subject.
    pub id: Did,
    /// Controllers of the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<OneOrMany<Did>>,
    /// Other identifiers for the subject (URIs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_known_as: Vec<String>,
    /// Verification methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_method: Vec<VerificationMethod>,
    /// `authentication` relationship.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication: Vec<VerificationReference>,
    /// `assertionMethod` relationship.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertion_method: Vec<VerificationReference>,
    /// `keyAgreement` relationship.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_agreement: Vec<VerificationReference>,
    /// `capabilityInvocation` relationship.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_invocation: Vec<VerificationReference>,
    /// `capabilityDelegation` relationship.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_delegation: Vec<VerificationReference>,
    /// Services.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<Service>,
    /// Every property not named above, in input order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Document {
    /// An empty document for `id` with the DID Core context.
    pub fn new(id: Did) -> Document {
        Document {
            context: Some(Value::Array(vec![Value::String(DID_CONTEXT_V1.into())])),
            id,
            controller: None,
            also_known_as: Vec::new(),
            verification_method: Vec::new(),
            authentication: Vec::new(),
            assertion_method: Vec::new(),
            key_agreement: Vec::new(),
            capability_invocation: Vec::new(),
            capability_delegation: Vec::new(),
            service: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Parses and validates a document from JSON text, read strictly
    /// ([`crate::json::parse_strict`] with the default [`JsonLimits`]: no
    /// duplicate member names, at most 1 MiB and 32 levels deep). Errors
    /// name the JSON path of the offending value.
    pub fn from_json(json: &str) -> Result<Document> {
        Self::from_json_with_limits(json, &JsonLimits::default())
    }

    /// [`Document::from_json`] with other size and depth bounds.
    pub fn from_json_with_limits(json: &str, limits: &JsonLimits) -> Result<Document> {
        let value = crate::json::parse_strict(json.as_bytes(), limits).map_err(|e| {
            let path = match &e {
                JsonError::DuplicateKey { pointer, .. } | JsonError::TooDeep { pointer, .. } => pointer.clone(),
                _ => String::new(),
            };
            Error::invalid_document(if path.is_empty() { "/".to_owned() } else { path }, e.to_string())
        })?;
        Self::from_value(value)
    }

    /// Parses and validates a document from a JSON value (at most
    /// [`SERDE_JSON_MAX_DEPTH`] levels deep, as if it had been parsed).
    pub fn from_value(value: Value) -> Result<Document> {
        if crate::json::depth_exceeds(&value, SERDE_JSON_MAX_DEPTH) {
            return Err(Error::invalid_document(
                "/",
                format!("nesting deeper than the limit of {SERDE_JSON_MAX_DEPTH}"),
            ));
        }
        let doc: Document = serde_path_to_error::deserialize(value).map_err(path_error)?;
        doc.validate()?;
        Ok(doc)
    }

    /// The document as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Checks the data-model rules: `@context`, if present, starts with the
    /// DID Core context; every id is a valid DID URL once resolved against
    /// the document's `id`; ids are unique; references within the document
    /// point at verification methods that exist; service endpoints are URIs,
    /// maps or sets of them; no private key material is present; and key
    /// material of the method types Xinlian reads decodes and fits the type
    /// (a well-formed key of a type Xinlian does not support, such as an RSA
    /// JWK, is allowed: [`VerificationMethod::public_key`] reports it).
    pub fn validate(&self) -> Result<()> {
        validate::validate(self)
    }

    /// Adds the context URL if the document does not list it yet.
    pub fn add_context(&mut self, url: &str) {
        let item = Value::String(url.into());
        match &mut self.context {
            Some(Value::Array(items)) => {
                if !items.contains(&item) {
                    items.push(item);
                }
            }
            Some(other) => {
                if *other != item {
                    let first = std::mem::take(other);
                    *other = Value::Array(vec![first, item]);
                }
            }
            None => self.context = Some(Value::Array(vec![Value::String(DID_CONTEXT_V1.into()), item])),
        }
    }

    /// The entries of one relationship.
    pub fn relationship(&self, rel: Relationship) -> &[VerificationReference] {
        match rel {
            Relationship::Authentication => &self.authentication,
            Relationship::AssertionMethod => &self.assertion_method,
            Relationship::KeyAgreement => &self.key_agreement,
            Relationship::CapabilityInvocation => &self.capability_invocation,
            Relationship::CapabilityDelegation => &self.capability_delegation,
        }
    }

    /// The entries of one relationship, mutable.
    pub fn relationship_mut(&mut self, rel: Relationship) -> &mut Vec<VerificationReference> {
        match rel {
            Relationship::Authentication => &mut self.authentication,
            Relationship::AssertionMethod => &mut self.assertion_method,
            Relationship::KeyAgreement => &mut self.key_agreement,
            Relationship::CapabilityInvocation => &mut self.capability_invocation,
            Relationship::CapabilityDelegation => &mut self.capability_delegation,
        }
    }

    /// Adds a verification method and references it from `relationships`.
    pub fn add_verification_method(&mut self, vm: VerificationMethod, relationships: &[Relationship]) {
        for rel in relationships {
            self.relationship_mut(*rel)
                .push(VerificationReference::Reference(vm.id.clone()));
        }
        self.verification_method.push(vm);
    }

    /// Resolves an id as written in this document to an absolute DID URL.
    pub fn absolute_id(&self, id: &str) -> Result<DidUrl> {
        DidUrl::resolve(&self.id, id)
    }

    /// Every verification method in the document (listed or embedded in a
    /// relationship), in document order.
    pub fn all_verification_methods(&self) -> impl Iterator<Item = &VerificationMethod> {
        self.verification_method
            .iter()
            .chain(Relationship::ALL.into_iter().flat_map(|rel| {
                self.relationship(rel).iter().filter_map(|r| match r {
                    VerificationReference::Embedded(vm) => Some(vm.as_ref()),
                    VerificationReference::Reference(_) => None,
                })
            }))
    }

    /// Finds a verification method by id (absolute, or relative to this
    /// document), whether listed or embedded.
    pub fn verification_method(&self, id: &str) -> Option<&VerificationMethod> {
        let wanted = self.absolute_id(id).ok()?;
        self.all_verification_methods()
            .find(|vm| self.absolute_id(&vm.id).is_ok_and(|got| got == wanted))
    }

    /// The method `id` if it is authorized for `rel`: listed in that
    /// relationship by reference or embedded there.
    pub fn authorized_method(&self, id: &str, rel: Relationship) -> Option<&VerificationMethod> {
        let wanted = self.absolute_id(id).ok()?;
        self.relationship(rel).iter().find_map(|entry| {
            let matches = self.absolute_id(entry.id()).is_ok_and(|got| got == wanted);
            match entry {
                _ if !matches => None,
                VerificationReference::Embedded(vm) => Some(vm.as_ref()),
                VerificationReference::Reference(r) => self.verification_method(r),
            }
        })
    }

    /// The methods of one relationship, references resolved within this
    /// document (references to other documents are skipped).
    pub fn methods_for(&self, rel: Relationship) -> Vec<&VerificationMethod> {
        self.relationship(rel)
            .iter()
            .filter_map(|entry| match entry {
                VerificationReference::Embedded(vm) => Some(vm.as_ref()),
                VerificationReference::Reference(r) => self.verification_method(r),
            })
            .collect()
    }

    /// Finds a service by id (absolute or relative).
    pub fn service(&self, id: &str) -> Option<&Service> {
        let wanted = self.absolute_id(id).ok()?;
        self.service
            .iter()
            .find(|s| self.absolute_id(&s.id).is_ok_and(|got| got == wanted))
    }
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in e.path().iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", json_pointer_escape(key))),
            Segment::Enum { variant } => pointer.push_str(&format!("/{}", json_pointer_escape(variant))),
            Segment::Unknown => pointer.push_str("/?"),
        }
    }
    if pointer.is_empty() {
        pointer.push('/');
    }
    Error::invalid_document(pointer, e.into_inner().to_string())
}

/// Escapes a key for use in a JSON Pointer (RFC 6901).
pub(crate) fn json_pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests;
