//! Data Integrity proofs (W3C VC Data Integrity 1.0) with the JCS
//! cryptosuites eddsa-jcs-2022 and ecdsa-jcs-2019.
//!
//! - [`add_proof`] secures a JSON document with a [`Signer`](crate::Signer),
//!   adding to any proofs already there (a proof set) and, with
//!   [`ProofOptions::previous_proof`], signing over earlier proofs (a proof
//!   chain).
//! - [`verify_proof`] checks one proof: type, cryptosuite, purpose, dates,
//!   challenge and domain, the verification method's DID and its
//!   authorization for the purpose, the key type, and the signature.
//!   [`verify_proofs`] checks them all.
//! - [`proof_hashes`] exposes the intermediate values (canonical forms,
//!   hashes, the signed bytes) for conformance tests and debugging.
//!
//! The transformation is RFC 8785 JCS of the document without `proof` and of
//! the proof configuration (the proof without `proofValue`, carrying the
//! document's `@context`). The signed bytes are
//! `hash(JCS(proof config)) || hash(JCS(document))`; the `proofValue` is the
//! signature in multibase base58btc. A chained proof's document carries, as
//! `proof`, the array of the proofs its `previousProof` names.

mod check;
mod create;
#[cfg(feature = "jsonld")]
mod ecdsa_rdfc;
#[cfg(feature = "jsonld")]
mod ed25519_signature_2020;
#[cfg(feature = "jsonld")]
mod eddsa_rdfc;
mod jcs;
mod key_as_of;
mod options;
mod suite;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xinlian_did_core::KeyType;

pub use check::{ProofExpectations, ProofFailure, ProofFailureKind, ProofOutcome, verify_proof, verify_proofs};
pub use create::add_proof;
#[cfg(feature = "jsonld")]
pub use ecdsa_rdfc::ECDSA_RDFC_2019;
#[cfg(feature = "jsonld")]
pub use ed25519_signature_2020::{ED25519_SIGNATURE_2020, is_ed25519_signature_2020};
#[cfg(feature = "jsonld")]
pub use eddsa_rdfc::{
    EDDSA_RDFC_2022, RdfcSuite, add_rdfc_proof, rdfc_proof_hashes, verify_rdfc_proof, verify_rdfc_signature,
};
pub(crate) use key_as_of::key_as_of;
pub use key_as_of::{COMPROMISED_KEY_SERVICE, is_compromised};
pub use options::ProofOptions;
pub use suite::Cryptosuite;

use crate::error::{Error, Result};
use jcs::View;

/// The proof `type` of Data Integrity proofs.
pub const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";

/// A Data Integrity proof as written in a secured document.
///
/// Reading one ([`DataIntegrityProof::from_object`]) checks only shapes and
/// formats (strings where strings belong, dates that parse); whether the
/// proof verifies is [`verify_proof`]'s business. Properties this type does
/// not name are kept in `extra`; verification always works on the proof as
/// written, never on a re-serialization.
#[derive(Debug, Clone, PartialEq)]
pub struct DataIntegrityProof {
    /// `id`, needed for a proof that later proofs chain to.
    pub id: Option<String>,
    /// `type`; `DataIntegrityProof` for every proof Xinlian creates.
    pub proof_type: String,
    /// `cryptosuite`, e.g. `eddsa-jcs-2022`.
    pub cryptosuite: String,
    /// `created`.
    pub created: Option<OffsetDateTime>,
    /// `expires`.
    pub expires: Option<OffsetDateTime>,
    /// `verificationMethod`: the DID URL of the signing key.
    pub verification_method: String,
    /// `proofPurpose`, e.g. `assertionMethod`.
    pub proof_purpose: String,
    /// `challenge`.
    pub challenge: Option<String>,
    /// `domain` (one string or several).
    pub domain: Vec<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `previousProof`: ids of the proofs this one chains to.
    pub previous_proof: Vec<String>,
    /// `@context`, which JCS proofs copy from the document.
    pub context: Option<Value>,
    /// `proofValue`: the multibase signature.
    pub proof_value: Option<String>,
    /// Every other property, as written.
    pub extra: Map<String, Value>,
}

impl DataIntegrityProof {
    /// Reads a proof object; `path` (a JSON pointer such as `/proof/1`)
    /// locates it in error messages.
    pub fn from_object(map: &Map<String, Value>, path: &str) -> Result<DataIntegrityProof> {
        let mut proof = DataIntegrityProof {
            id: None,
            proof_type: String::new(),
            cryptosuite: String::new(),
            created: None,
            expires: None,
            verification_method: String::new(),
            proof_purpose: String::new(),
            challenge: None,
            domain: Vec::new(),
            nonce: None,
            previous_proof: Vec::new(),
            context: None,
            proof_value: None,
            extra: Map::new(),
        };
        let mut required = [false; 4];
        for (key, value) in map {
            let at = || format!("{path}/{key}");
            match key.as_str() {
                "type" => (proof.proof_type, required[0]) = (string(value, &at())?, true),
                "cryptosuite" => (proof.cryptosuite, required[1]) = (string(value, &at())?, true),
                "verificationMethod" => (proof.verification_method, required[2]) = (string(value, &at())?, true),
                "proofPurpose" => (proof.proof_purpose, required[3]) = (string(value, &at())?, true),
                "id" => proof.id = Some(string(value, &at())?),
                "created" => proof.created = Some(date_time(value, &at())?),
                "expires" => proof.expires = Some(date_time(value, &at())?),
                "challenge" => proof.challenge = Some(string(value, &at())?),
                "nonce" => proof.nonce = Some(string(value, &at())?),
                "domain" => proof.domain = strings(value, &at())?,
                "previousProof" => proof.previous_proof = strings(value, &at())?,
                "proofValue" => proof.proof_value = Some(string(value, &at())?),
                "@context" => proof.context = Some(value.clone()),
                _ => {
                    proof.extra.insert(key.clone(), value.clone());
                }
            }
        }
        let names = ["type", "cryptosuite", "verificationMethod", "proofPurpose"];
        if let Some(missing) = names.iter().zip(required).find(|(_, seen)| !seen) {
            return Err(proof_error(
                format!("{path}/{}", missing.0),
                "required property is missing",
            ));
        }
        Ok(proof)
    }

    /// Reads a proof from a JSON value (which must be an object).
    pub fn from_value(value: &Value) -> Result<DataIntegrityProof> {
        let map = value
            .as_object()
            .ok_or_else(|| proof_error("/proof", "a proof must be a JSON object"))?;
        DataIntegrityProof::from_object(map, "/proof")
    }

    /// The proof as a JSON object, in the property order the W3C examples
    /// use.
    pub fn to_object(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let s = |v: &str| Value::String(v.to_owned());
        map.insert("type".into(), s(&self.proof_type));
        if let Some(id) = &self.id {
            map.insert("id".into(), s(id));
        }
        map.insert("cryptosuite".into(), s(&self.cryptosuite));
        if let Some(t) = self.created {
            map.insert("created".into(), Value::String(format_date_time(t)));
        }
        if let Some(t) = self.expires {
            map.insert("expires".into(), Value::String(format_date_time(t)));
        }
        map.insert("verificationMethod".into(), s(&self.verification_method));
        map.insert("proofPurpose".into(), s(&self.proof_purpose));
        if let Some(c) = &self.challenge {
            map.insert("challenge".into(), s(c));
        }
        if let Some(d) = one_or_many(&self.domain) {
            map.insert("domain".into(), d);
        }
        if let Some(n) = &self.nonce {
            map.insert("nonce".into(), s(n));
        }
        if let Some(p) = one_or_many(&self.previous_proof) {
            map.insert("previousProof".into(), p);
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        if let Some(ctx) = &self.context {
            map.insert("@context".into(), ctx.clone());
        }
        if let Some(v) = &self.proof_value {
            map.insert("proofValue".into(), s(v));
        }
        map
    }

    /// The DID part of the verification method (before any `#`).
    pub fn verification_method_did(&self) -> &str {
        did_of(&self.verification_method)
    }

    /// The decoded signature (`proofValue` must be multibase base58btc).
    pub fn signature(&self) -> Result<Vec<u8>> {
        let value = self
            .proof_value
            .as_deref()
            .ok_or_else(|| proof_error("/proofValue", "the proof has no proofValue"))?;
        decode_proof_value(value)
    }
}

/// The intermediate values of a JCS proof: what is canonicalized, hashed
/// and signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofHashes {
    /// JCS of the proof configuration.
    pub canonical_proof_config: String,
    /// JCS of the unsecured document (with the proofs a chain signs over).
    pub canonical_document: String,
    /// Hash of `canonical_proof_config`.
    pub proof_config_hash: Vec<u8>,
    /// Hash of `canonical_document`.
    pub document_hash: Vec<u8>,
}

impl ProofHashes {
    /// The bytes the signature covers: `proof_config_hash || document_hash`.
    pub fn hash_data(&self) -> Vec<u8> {
        [self.proof_config_hash.as_slice(), self.document_hash.as_slice()].concat()
    }
}

/// Computes the transformation and hashes of proof `proof_index` of a
/// secured document, for a key of `key_type` (which picks SHA-256 or
/// SHA-384). The proof must use a JCS suite Xinlian implements.
pub fn proof_hashes(document: &Map<String, Value>, proof_index: usize, key_type: KeyType) -> Result<ProofHashes> {
    let proofs = proofs_of(document)?;
    let (map, path) = proof_at(&proofs, proof_index)?;
    let proof = DataIntegrityProof::from_object(map, &path)?;
    let suite = Cryptosuite::from_name(&proof.cryptosuite).ok_or_else(|| {
        proof_error(
            format!("{path}/cryptosuite"),
            format!("unknown cryptosuite {:?}", proof.cryptosuite),
        )
    })?;
    let hash = suite.hash_for(key_type).ok_or_else(|| {
        proof_error(
            format!("{path}/cryptosuite"),
            format!("{suite} does not sign with {key_type} keys"),
        )
    })?;
    let chain = chained_proofs(&proofs, &proof, &path)?;
    let doc_context = document_context_override(document, map, &path)?;
    secured_hashes(document, map, doc_context, chain.as_ref(), hash)
}

/// The proofs of a document, in order (`proof` may be one object or an
/// array of objects). No `proof` gives an empty list.
pub(crate) fn proofs_of(document: &Map<String, Value>) -> Result<Vec<&Map<String, Value>>> {
    match document.get("proof") {
        None => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(vec![map]),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_object()
                    .ok_or_else(|| proof_error(format!("/proof/{i}"), "a proof must be a JSON object"))
            })
            .collect(),
        Some(_) => Err(proof_error("/proof", "proof must be an object or an array of objects")),
    }
}

fn proof_at<'a>(proofs: &[&'a Map<String, Value>], index: usize) -> Result<(&'a Map<String, Value>, String)> {
    let map = proofs.get(index).copied().ok_or_else(|| {
        proof_error(
            "/proof",
            format!("no proof at index {index}: the document has {}", proofs.len()),
        )
    })?;
    let path = if proofs.len() == 1 {
        "/proof".to_owned()
    } else {
        format!("/proof/{index}")
    };
    Ok((map, path))
}

/// For a chained proof, the array of the proofs its `previousProof` names,
/// which becomes the `proof` of the document it signs.
fn chained_proofs(proofs: &[&Map<String, Value>], proof: &DataIntegrityProof, path: &str) -> Result<Option<Value>> {
    if proof.previous_proof.is_empty() {
        return Ok(None);
    }
    let mut matching = Vec::with_capacity(proof.previous_proof.len());
    for id in &proof.previous_proof {
        let found = proofs
            .iter()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(id.as_str()))
            .ok_or_else(|| {
                proof_error(
                    format!("{path}/previousProof"),
                    format!("no proof in the document has id {id:?}"),
                )
            })?;
        matching.push(Value::Object((*found).clone()));
    }
    Ok(Some(Value::Array(matching)))
}

/// When the proof carries `@context`, the document's `@context` must start
/// with it, and the document is hashed with the proof's `@context` (the
/// vc-di-eddsa and vc-di-ecdsa JCS verification algorithms).
fn document_context_override<'a>(
    document: &Map<String, Value>,
    proof: &'a Map<String, Value>,
    path: &str,
) -> Result<Option<&'a Value>> {
    let Some(proof_ctx) = proof.get("@context") else {
        return Ok(None);
    };
    let as_list = |v: Option<&'a Value>| -> Vec<&'a Value> {
        match v {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        }
    };
    let wanted = as_list(Some(proof_ctx));
    let have: Vec<&Value> = match document.get("@context") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    };
    if have.len() < wanted.len() || have.iter().zip(&wanted).any(|(a, b)| a != b) {
        return Err(proof_error(
            format!("{path}/@context"),
            "the document's @context does not start with the proof's @context",
        ));
    }
    Ok(Some(proof_ctx))
}

/// Hashes for an existing proof object: the config is the proof without
/// `proofValue` (given the document's `@context` if it has none).
fn secured_hashes(
    document: &Map<String, Value>,
    proof: &Map<String, Value>,
    doc_context: Option<&Value>,
    chain: Option<&Value>,
    hash: jcs::HashAlgorithm,
) -> Result<ProofHashes> {
    let ctx_for_config = match (proof.get("@context"), document.get("@context")) {
        (None, Some(doc_ctx)) => Some(doc_ctx),
        _ => None,
    };
    let mut config_set: Vec<(&str, &Value)> = Vec::with_capacity(1);
    if let Some(ctx) = ctx_for_config {
        config_set.push(("@context", ctx));
    }
    let config = View {
        base: proof,
        skip: &["proofValue"],
        set: &config_set,
    };
    hashes(document, &config, doc_context, chain, hash)
}

fn hashes(
    document: &Map<String, Value>,
    config: &View<'_>,
    doc_context: Option<&Value>,
    chain: Option<&Value>,
    hash: jcs::HashAlgorithm,
) -> Result<ProofHashes> {
    // RDFC cryptosuites (feature `jsonld`) canonicalize with RDFC-1.0 instead of JCS.
    #[cfg(feature = "jsonld")]
    if eddsa_rdfc::is_rdfc_config(config) {
        let loader = crate::jsonld::ContextLoader::shared();
        return eddsa_rdfc::rdfc_hashes(document, config, doc_context, chain, hash, loader);
    }
    let mut doc_set: Vec<(&str, &Value)> = Vec::with_capacity(2);
    if let Some(ctx) = doc_context {
        doc_set.push(("@context", ctx));
    }
    if let Some(proofs) = chain {
        doc_set.push(("proof", proofs));
    }
    let doc = View {
        base: document,
        skip: &["proof"],
        set: &doc_set,
    };
    let transformation = |e: String| Error::Proof {
        path: String::new(),
        reason: e,
    };
    let canonical_proof_config = jcs::canonicalize(config).map_err(transformation)?;
    let canonical_document = jcs::canonicalize(&doc).map_err(transformation)?;
    let proof_config_hash = hash.digest(&canonical_proof_config);
    let document_hash = hash.digest(&canonical_document);
    // JCS output is UTF-8 by construction.
    Ok(ProofHashes {
        canonical_proof_config: utf8(canonical_proof_config),
        canonical_document: utf8(canonical_document),
        proof_config_hash,
        document_hash,
    })
}

/// JCS output as a string, without copying it (it is UTF-8 by construction).
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Decodes a multibase base58btc `proofValue`.
pub(crate) fn decode_proof_value(value: &str) -> Result<Vec<u8>> {
    let rest = value
        .strip_prefix('z')
        .ok_or_else(|| proof_error("/proofValue", "proofValue must be multibase base58btc (start with 'z')"))?;
    multibase::Base::Base58Btc
        .decode(rest)
        .map_err(|e| proof_error("/proofValue", format!("proofValue is not base58btc: {e}")))
}

/// The DID part of a DID URL (before `#`, `?` or a path).
pub(crate) fn did_of(url: &str) -> &str {
    let end = url.find(['#', '?', '/']).unwrap_or(url.len());
    &url[..end]
}

pub(crate) fn proof_error(path: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::Proof {
        path: path.into(),
        reason: reason.into(),
    }
}

/// Formats a time as an XML Schema `dateTimeStamp` in UTC
/// (`2023-02-24T23:36:38Z`; sub-seconds only when present).
pub(crate) fn format_date_time(t: OffsetDateTime) -> String {
    t.checked_to_offset(time::UtcOffset::UTC)
        .and_then(|utc| utc.format(&Rfc3339).ok())
        .unwrap_or_else(|| t.unix_timestamp().to_string())
}

fn string(value: &Value, path: &str) -> Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| proof_error(path, "must be a string"))
}

fn strings(value: &Value, path: &str) -> Result<Vec<String>> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| string(v, &format!("{path}/{i}")))
            .collect(),
        _ => Err(proof_error(path, "must be a string or an array of strings")),
    }
}

fn date_time(value: &Value, path: &str) -> Result<OffsetDateTime> {
    let s = value
        .as_str()
        .ok_or_else(|| proof_error(path, "must be a dateTime string"))?;
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|e| proof_error(path, format!("{s:?} is not an XML Schema dateTimeStamp: {e}")))
}

fn one_or_many(items: &[String]) -> Option<Value> {
    match items {
        [] => None,
        [one] => Some(Value::String(one.clone())),
        many => Some(Value::Array(many.iter().cloned().map(Value::String).collect())),
    }
}
