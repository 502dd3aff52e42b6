//! eddsa-rdfc-2022 (W3C vc-di-eddsa), and the RDFC machinery it shares with
//! ecdsa-rdfc-2019 and Ed25519Signature2020 (feature `jsonld`).
//!
//! The transformation is RDFC-1.0 canonical N-Quads of the expanded
//! unsecured document and of the proof configuration (the proof without
//! `proofValue`, carrying the document's `@context`); the signed bytes are
//! `hash(canonical proof config) || hash(canonical document)` and the
//! `proofValue` is the signature in multibase base58btc. Proof sets, proof
//! chains (`previousProof`) and a proof-level `@context` are handled as for
//! the JCS suites.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use xinlian_did_core::{KeyType, PublicKey, Resolver};

use super::check::{ProofExpectations, ProofFailure, ProofFailureKind, ProofOutcome, resolve_key};
use super::jcs::{HashAlgorithm, View};
use super::{
    DATA_INTEGRITY_PROOF, ProofHashes, ProofOptions, decode_proof_value, document_context_override, format_date_time,
    proof_at, proof_error, proofs_of,
};
use super::{ecdsa_rdfc::ECDSA_RDFC_2019, ed25519_signature_2020::ED25519_SIGNATURE_2020};
use crate::error::{Error, Result};
use crate::jsonld::{ContextLoader, RdfcHash, canonicalize_view};
use crate::signer::Signer;

/// The `cryptosuite` name of eddsa-rdfc-2022.
pub const EDDSA_RDFC_2022: &str = "eddsa-rdfc-2022";

/// A proof suite whose transformation is RDF Dataset Canonicalization.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RdfcSuite {
    /// `DataIntegrityProof` with `eddsa-rdfc-2022`: Ed25519, SHA-256.
    EddsaRdfc2022,
    /// `DataIntegrityProof` with `ecdsa-rdfc-2019`: P-256 with SHA-256,
    /// P-384 with SHA-384.
    EcdsaRdfc2019,
    /// The legacy `Ed25519Signature2020` proof type (read and verify only):
    /// Ed25519, SHA-256, no `cryptosuite`.
    Ed25519Signature2020,
}

impl RdfcSuite {
    /// The suite that signs with keys of `key_type`: eddsa-rdfc-2022 for
    /// Ed25519, ecdsa-rdfc-2019 for P-256 and P-384.
    pub fn for_key_type(key_type: KeyType) -> Option<RdfcSuite> {
        match key_type {
            KeyType::Ed25519 => Some(RdfcSuite::EddsaRdfc2022),
            KeyType::P256 | KeyType::P384 => Some(RdfcSuite::EcdsaRdfc2019),
            _ => None,
        }
    }

    /// The suite of a proof object, from its `type` and `cryptosuite`;
    /// `None` when it is not an RDFC suite Xinlian implements.
    pub fn of_proof(proof: &Map<String, Value>) -> Option<RdfcSuite> {
        match (
            proof.get("type").and_then(Value::as_str),
            proof.get("cryptosuite").and_then(Value::as_str),
        ) {
            (Some(DATA_INTEGRITY_PROOF), Some(EDDSA_RDFC_2022)) => Some(RdfcSuite::EddsaRdfc2022),
            (Some(DATA_INTEGRITY_PROOF), Some(ECDSA_RDFC_2019)) => Some(RdfcSuite::EcdsaRdfc2019),
            (Some(ED25519_SIGNATURE_2020), None) => Some(RdfcSuite::Ed25519Signature2020),
            _ => None,
        }
    }

    /// The proof `type` the suite writes.
    pub fn proof_type(self) -> &'static str {
        match self {
            RdfcSuite::EddsaRdfc2022 | RdfcSuite::EcdsaRdfc2019 => DATA_INTEGRITY_PROOF,
            RdfcSuite::Ed25519Signature2020 => ED25519_SIGNATURE_2020,
        }
    }

    /// The `cryptosuite` value, for Data Integrity suites.
    pub fn cryptosuite(self) -> Option<&'static str> {
        match self {
            RdfcSuite::EddsaRdfc2022 => Some(EDDSA_RDFC_2022),
            RdfcSuite::EcdsaRdfc2019 => Some(ECDSA_RDFC_2019),
            RdfcSuite::Ed25519Signature2020 => None,
        }
    }

    /// Whether the suite signs with keys of `key_type`.
    pub fn supports(self, key_type: KeyType) -> bool {
        self.hash_for(key_type).is_some()
    }

    /// The hash for the canonical forms with a key of `key_type`.
    pub(crate) fn hash_for(self, key_type: KeyType) -> Option<HashAlgorithm> {
        match (self, key_type) {
            (RdfcSuite::EddsaRdfc2022 | RdfcSuite::Ed25519Signature2020, KeyType::Ed25519) => {
                Some(HashAlgorithm::Sha256)
            }
            (RdfcSuite::EcdsaRdfc2019, _) => super::ecdsa_rdfc::hash_for(key_type),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        self.cryptosuite().unwrap_or(ED25519_SIGNATURE_2020)
    }

    fn key_types(self) -> &'static str {
        match self {
            RdfcSuite::EcdsaRdfc2019 => "P-256 or P-384",
            _ => "Ed25519",
        }
    }
}

impl std::fmt::Display for RdfcSuite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a proof configuration names an RDFC Data Integrity cryptosuite
/// (the hook the JCS dispatch uses to hand a proof over to RDFC).
pub(crate) fn is_rdfc_config(config: &View<'_>) -> bool {
    let set = config.set.iter().find(|(k, _)| *k == "cryptosuite").map(|(_, v)| *v);
    let name = set.or_else(|| config.base.get("cryptosuite")).and_then(Value::as_str);
    matches!(name, Some(EDDSA_RDFC_2022 | ECDSA_RDFC_2019))
}

/// The RDFC transformation and hashing: canonical N-Quads of the proof
/// configuration `config` and of the unsecured document (`document`
/// without `proof`, with `doc_context` as `@context` when given and `chain`
/// as `proof` for a chained proof), each hashed with `hash`.
pub(crate) fn rdfc_hashes(
    document: &Map<String, Value>,
    config: &View<'_>,
    doc_context: Option<&Value>,
    chain: Option<&Value>,
    hash: HashAlgorithm,
    loader: &ContextLoader,
) -> Result<ProofHashes> {
    // RDFC-1.0 runs with the suite's hash: SHA-384 for ecdsa-rdfc-2019 on
    // P-384, SHA-256 otherwise.
    let rdfc_hash = match hash {
        HashAlgorithm::Sha256 => RdfcHash::Sha256,
        HashAlgorithm::Sha384 => RdfcHash::Sha384,
    };
    let mut doc_set: Vec<(&str, &Value)> = Vec::with_capacity(2);
    if let Some(ctx) = doc_context {
        doc_set.push(("@context", ctx));
    }
    if let Some(proofs) = chain {
        doc_set.push(("proof", proofs));
    }
    // The document first: an undefined term there is the likelier mistake.
    let canonical_document = canonicalize_view(document, &["proof"], &doc_set, rdfc_hash, loader)?;
    let canonical_proof_config =
        canonicalize_view(config.base, config.skip, config.set, rdfc_hash, loader).map_err(|e| match e {
            Error::JsonLd { path, reason } => {
                let hint = if path.starts_with("/type") {
                    "; the document's @context must define the proof type (VC 1.1 documents add \
                     https://w3id.org/security/data-integrity/v2 for DataIntegrityProof, \
                     https://w3id.org/security/suites/ed25519-2020/v1 for Ed25519Signature2020)"
                } else {
                    ""
                };
                Error::JsonLd {
                    path: format!("/proof{path}"),
                    reason: format!("proof configuration: {reason}{hint}"),
                }
            }
            other => other,
        })?;
    Ok(ProofHashes {
        proof_config_hash: hash.digest(canonical_proof_config.as_bytes()),
        document_hash: hash.digest(canonical_document.as_bytes()),
        canonical_proof_config,
        canonical_document,
    })
}

/// Hashes for an existing proof object `proof` of `document`: its
/// configuration is the proof without `proofValue`, given the document's
/// `@context` when it has none.
fn secured_rdfc_hashes(
    document: &Map<String, Value>,
    proof: &Map<String, Value>,
    doc_context: Option<&Value>,
    chain: Option<&Value>,
    hash: HashAlgorithm,
    loader: &ContextLoader,
) -> Result<ProofHashes> {
    let mut config_set: Vec<(&str, &Value)> = Vec::with_capacity(1);
    if let (None, Some(ctx)) = (proof.get("@context"), document.get("@context")) {
        config_set.push(("@context", ctx));
    }
    let config = View {
        base: proof,
        skip: &["proofValue"],
        set: &config_set,
    };
    rdfc_hashes(document, &config, doc_context, chain, hash, loader)
}

/// The `@context` the unsecured document is hashed with instead of its own,
/// if any.
///
/// Data Integrity proofs (vc-di-eddsa, vc-di-ecdsa): when the proof carries
/// `@context`, the document's `@context` must start with it and the document
/// is hashed with the proof's (the rule stands unchanged).
///
/// The legacy `Ed25519Signature2020` is a Linked Data Proof: there a proof's
/// own `@context` only gives the proof's terms their meaning. DIDKit and
/// SpruceID ssi add `"@context": "https://w3id.org/security/suites/ed25519-2020/v1"`
/// to the proof when the credential's `@context` does not list the suite
/// context, and hash the document with its own `@context` and the proof
/// configuration with the proof's, as jsonld-signatures (vc-js) does.
fn unsecured_document_context<'a>(
    suite: RdfcSuite,
    document: &Map<String, Value>,
    proof: &'a Map<String, Value>,
    path: &str,
) -> Result<Option<&'a Value>> {
    match suite {
        RdfcSuite::Ed25519Signature2020 => Ok(None),
        RdfcSuite::EddsaRdfc2022 | RdfcSuite::EcdsaRdfc2019 => document_context_override(document, proof, path),
    }
}

/// The canonical forms and hashes of proof `proof_index` of a secured
/// document (eddsa-rdfc-2022, ecdsa-rdfc-2019 or Ed25519Signature2020),
/// for a key of `key_type` (which picks SHA-256 or SHA-384).
pub fn rdfc_proof_hashes(
    document: &Map<String, Value>,
    proof_index: usize,
    key_type: KeyType,
    loader: &ContextLoader,
) -> Result<ProofHashes> {
    let proofs = proofs_of(document)?;
    let (map, path) = proof_at(&proofs, proof_index)?;
    let suite = suite_of(map, &path)?;
    let hash = suite.hash_for(key_type).ok_or_else(|| {
        proof_error(
            format!("{path}/type"),
            format!("{suite} signs with {} keys, not {key_type}", suite.key_types()),
        )
    })?;
    let chain = chained_proofs(&proofs, &read_ids(map, &path)?, &path)?;
    let doc_context = unsecured_document_context(suite, document, map, &path)?;
    secured_rdfc_hashes(document, map, doc_context, chain.as_ref(), hash, loader)
}

/// Checks the signature of proof `proof_index` of `document` against `key`:
/// the cryptosuite's own verification, without resolving the verification
/// method or checking purpose and dates (see [`verify_rdfc_proof`]).
pub fn verify_rdfc_signature(
    document: &Map<String, Value>,
    proof_index: usize,
    key: &PublicKey,
    loader: &ContextLoader,
) -> Result<()> {
    let proofs = proofs_of(document)?;
    let (map, path) = proof_at(&proofs, proof_index)?;
    let signature = read_signature(map, &path)?;
    let hashes = rdfc_proof_hashes(document, proof_index, key.key_type(), loader)?;
    if signature.len() != key.key_type().signature_len() {
        return Err(proof_error(
            format!("{path}/proofValue"),
            format!(
                "holds {} bytes, a {} signature has {}",
                signature.len(),
                key.key_type(),
                key.key_type().signature_len()
            ),
        ));
    }
    key.verify(&hashes.hash_data(), &signature).map_err(|_| {
        proof_error(
            format!("{path}/proofValue"),
            "the signature does not match the document and the key",
        )
    })
}

/// Secures `document` with a new eddsa-rdfc-2022 (Ed25519 signer) or
/// ecdsa-rdfc-2019 (P-256 or P-384 signer) proof, with contexts from
/// `loader`. Proofs already on the document are kept (a proof set);
/// [`ProofOptions::previous_proof`] chains the new proof to earlier ones.
///
/// The document must be valid JSON-LD under its contexts: a term that no
/// context defines is an [`Error::JsonLd`] naming it, since it would
/// otherwise be left out of the signature.
pub async fn add_rdfc_proof(
    document: &Map<String, Value>,
    options: &ProofOptions,
    signer: &dyn Signer,
    loader: &ContextLoader,
) -> Result<Map<String, Value>> {
    let key_type = signer.key_type();
    let suite = RdfcSuite::for_key_type(key_type).ok_or_else(|| {
        proof_error(
            "/proof/cryptosuite",
            format!("no RDFC cryptosuite signs with {key_type} keys"),
        )
    })?;
    let hash = suite.hash_for(key_type).ok_or_else(|| {
        proof_error(
            "/proof/cryptosuite",
            format!("{suite} does not sign with {key_type} keys"),
        )
    })?;
    let existing = proofs_of(document)?;
    if let Some(id) = &options.id
        && existing
            .iter()
            .any(|p| p.get("id").and_then(Value::as_str) == Some(id.as_str()))
    {
        return Err(proof_error(
            "/proof/id",
            format!("the document already has a proof with id {id:?}"),
        ));
    }
    let config = proof_configuration(document, options, signer.verification_method(), suite)?;
    let chain = chained_proofs(&existing, &options.previous_proof, "/proof")?;
    let view = View {
        base: &config,
        skip: &[],
        set: &[],
    };
    let hashes = rdfc_hashes(document, &view, None, chain.as_ref(), hash, loader)?;
    let signature = signer.sign(&hashes.hash_data()).await?;
    if signature.len() != key_type.signature_len() {
        return Err(Error::Signer {
            verification_method: signer.verification_method().to_owned(),
            reason: format!(
                "returned a {}-byte signature, {key_type} signatures are {} bytes",
                signature.len(),
                key_type.signature_len()
            ),
        });
    }
    // The secured proof is the configuration without the document's
    // @context (which only the hashing needs), plus the proofValue.
    let mut proof = config;
    proof.shift_remove("@context");
    proof.insert(
        "proofValue".into(),
        Value::String(multibase::encode(multibase::Base::Base58Btc, &signature)),
    );
    let mut secured = document.clone();
    let new_proof = Value::Object(proof);
    let all = match secured.shift_remove("proof") {
        None => new_proof,
        Some(Value::Array(mut items)) => {
            items.push(new_proof);
            Value::Array(items)
        }
        Some(one) => Value::Array(vec![one, new_proof]),
    };
    secured.insert("proof".into(), all);
    Ok(secured)
}

/// The proof configuration for a new proof, in the property order of the
/// W3C examples, with the document's `@context`.
fn proof_configuration(
    document: &Map<String, Value>,
    options: &ProofOptions,
    verification_method: &str,
    suite: RdfcSuite,
) -> Result<Map<String, Value>> {
    let created = match options.created {
        super::options::Created::Now => {
            let now = OffsetDateTime::now_utc();
            Some(now.replace_nanosecond(0).unwrap_or(now))
        }
        super::options::Created::At(t) => Some(t),
        super::options::Created::Omitted => None,
    };
    if let (Some(c), Some(e)) = (created, options.expires)
        && e <= c
    {
        return Err(proof_error("/proof/expires", "expires must be later than created"));
    }
    let s = |v: &str| Value::String(v.to_owned());
    let many = |items: &[String]| match items {
        [one] => s(one),
        many => Value::Array(many.iter().map(|v| s(v)).collect()),
    };
    let mut map = Map::new();
    map.insert("type".into(), s(suite.proof_type()));
    if let Some(id) = &options.id {
        map.insert("id".into(), s(id));
    }
    if let Some(name) = suite.cryptosuite() {
        map.insert("cryptosuite".into(), s(name));
    }
    if let Some(t) = created {
        map.insert("created".into(), s(&format_date_time(t)));
    }
    if let Some(t) = options.expires {
        map.insert("expires".into(), s(&format_date_time(t)));
    }
    map.insert("verificationMethod".into(), s(verification_method));
    map.insert("proofPurpose".into(), s(options.purpose.as_str()));
    if let Some(c) = &options.challenge {
        map.insert("challenge".into(), s(c));
    }
    if !options.domain.is_empty() {
        map.insert("domain".into(), many(&options.domain));
    }
    if let Some(n) = &options.nonce {
        map.insert("nonce".into(), s(n));
    }
    if !options.previous_proof.is_empty() {
        map.insert("previousProof".into(), many(&options.previous_proof));
    }
    if let Some(ctx) = document.get("@context") {
        map.insert("@context".into(), ctx.clone());
    }
    Ok(map)
}

/// Verifies proof `proof_index` of `document`, an eddsa-rdfc-2022,
/// ecdsa-rdfc-2019 or Ed25519Signature2020 proof, with contexts from
/// `loader`.
///
/// Checks the proof's type and suite, its purpose, `created`/`expires`
/// against the expected time (with the clock skew), the expected challenge
/// and domain, any `previousProof`, a proof-level `@context`, the
/// verification method (resolved, authorized for the purpose), the key
/// type, and the signature; every failure is collected.
pub async fn verify_rdfc_proof(
    document: &Map<String, Value>,
    proof_index: usize,
    resolver: &dyn Resolver,
    expected: &ProofExpectations,
    loader: &ContextLoader,
) -> ProofOutcome {
    use ProofFailureKind as K;
    let mut out = ProofOutcome {
        index: proof_index,
        proof: None,
        cryptosuite: None,
        controller: None,
        key_checked: false,
        failures: Vec::new(),
    };
    let fail = |out: &mut ProofOutcome, kind: ProofFailureKind, detail: String| {
        out.failures.push(ProofFailure { kind, detail });
    };
    let proofs = match proofs_of(document) {
        Ok(p) => p,
        Err(e) => {
            fail(&mut out, K::Malformed, e.to_string());
            return out;
        }
    };
    let (map, path) = match proof_at(&proofs, proof_index) {
        Ok(found) => found,
        Err(e) => {
            fail(&mut out, K::Malformed, e.to_string());
            return out;
        }
    };
    // Data Integrity proofs are read with the shared reader; the legacy
    // Ed25519Signature2020 has no cryptosuite, so only its fields are read.
    if map.get("type").and_then(Value::as_str) == Some(DATA_INTEGRITY_PROOF) {
        match super::DataIntegrityProof::from_object(map, &path) {
            Ok(p) => out.proof = Some(p),
            Err(e) => {
                fail(&mut out, K::Malformed, e.to_string());
                return out;
            }
        }
    }
    let suite = RdfcSuite::of_proof(map);
    let Some(suite) = suite else {
        let kind = if map.get("type").and_then(Value::as_str) == Some(DATA_INTEGRITY_PROOF) {
            K::UnknownCryptosuite
        } else {
            K::UnknownProofType
        };
        fail(
            &mut out,
            kind,
            format!(
                "{path} is not an eddsa-rdfc-2022, ecdsa-rdfc-2019 or Ed25519Signature2020 proof (type {}, cryptosuite {})",
                map.get("type").unwrap_or(&Value::Null),
                map.get("cryptosuite").unwrap_or(&Value::Null)
            ),
        );
        return out;
    };
    let fields = match read_fields(map, &path) {
        Ok(f) => f,
        Err(e) => {
            fail(&mut out, K::Malformed, e.to_string());
            return out;
        }
    };
    if fields.purpose != expected.purpose.as_str() {
        fail(
            &mut out,
            K::PurposeMismatch,
            format!(
                "{path}/proofPurpose is {:?}, expected {:?}",
                fields.purpose,
                expected.purpose.as_str()
            ),
        );
    }
    let now = expected.now.unwrap_or_else(OffsetDateTime::now_utc);
    if let Some(created) = fields.created
        && created > now + expected.clock_skew
    {
        fail(&mut out, K::CreatedInFuture, format!("{path}/created is in the future"));
    }
    if let Some(expires) = fields.expires
        && expires + expected.clock_skew <= now
    {
        fail(&mut out, K::ProofExpired, format!("{path}/expires has passed"));
    }
    if let Some(challenge) = &expected.challenge
        && fields.challenge.as_deref() != Some(challenge.as_str())
    {
        fail(
            &mut out,
            K::ChallengeMismatch,
            format!("{path}/challenge is not the expected challenge"),
        );
    }
    if let Some(domain) = &expected.domain
        && !fields.domain.iter().any(|d| d == domain)
    {
        fail(
            &mut out,
            K::DomainMismatch,
            format!("{path}/domain does not include {domain:?}"),
        );
    }
    let chain = match chained_proofs(&proofs, &fields.previous_proof, &path) {
        Ok(c) => Some(c),
        Err(e) => {
            fail(&mut out, K::BrokenChain, e.to_string());
            None
        }
    };
    let doc_context = match unsecured_document_context(suite, document, map, &path) {
        Ok(c) => Some(c),
        Err(e) => {
            fail(&mut out, K::ContextMismatch, e.to_string());
            None
        }
    };
    let purpose = xinlian_did_core::Relationship::from_name(&fields.purpose).unwrap_or(expected.purpose);
    out.key_checked = true;
    let key = match resolve_key(&fields.verification_method, purpose, resolver, fields.created).await {
        Ok((key, controller)) => {
            out.controller = Some(controller);
            Some(key)
        }
        Err(failure) => {
            out.failures.push(failure);
            None
        }
    };
    let signature = match read_signature(map, &path) {
        Ok(s) => Some(s),
        Err(e) => {
            fail(&mut out, K::Malformed, e.to_string());
            None
        }
    };
    let (Some(key), Some(signature), Some(chain), Some(doc_context)) = (key, signature, chain, doc_context) else {
        return out;
    };
    let key_type = key.key_type();
    let Some(hash) = suite.hash_for(key_type) else {
        fail(
            &mut out,
            K::KeyTypeMismatch,
            format!(
                "{suite} needs an {} key, the verification method holds {key_type}",
                suite.key_types()
            ),
        );
        return out;
    };
    if signature.len() != key_type.signature_len() {
        fail(
            &mut out,
            K::InvalidSignature,
            format!(
                "{path}/proofValue holds {} bytes, a {key_type} signature has {}",
                signature.len(),
                key_type.signature_len()
            ),
        );
        return out;
    }
    match secured_rdfc_hashes(document, map, doc_context, chain.as_ref(), hash, loader) {
        Ok(hashes) => {
            if key.verify(&hashes.hash_data(), &signature).is_err() {
                fail(
                    &mut out,
                    K::InvalidSignature,
                    format!("{path}: the {suite} signature does not match the document and the key"),
                );
            }
        }
        Err(e) => fail(&mut out, K::Transformation, e.to_string()),
    }
    out
}

/// The properties verification reads, for either proof shape.
struct ProofFields {
    verification_method: String,
    purpose: String,
    created: Option<OffsetDateTime>,
    expires: Option<OffsetDateTime>,
    challenge: Option<String>,
    domain: Vec<String>,
    previous_proof: Vec<String>,
}

fn read_fields(map: &Map<String, Value>, path: &str) -> Result<ProofFields> {
    let string = |key: &str| -> Result<Option<String>> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(proof_error(format!("{path}/{key}"), "must be a string")),
        }
    };
    let required = |key: &str| -> Result<String> {
        string(key)?.ok_or_else(|| proof_error(format!("{path}/{key}"), "required property is missing"))
    };
    let date = |key: &str| -> Result<Option<OffsetDateTime>> {
        string(key)?
            .map(|s| {
                OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339).map_err(|e| {
                    proof_error(
                        format!("{path}/{key}"),
                        format!("{s:?} is not an XML Schema dateTimeStamp: {e}"),
                    )
                })
            })
            .transpose()
    };
    Ok(ProofFields {
        verification_method: required("verificationMethod")?,
        purpose: required("proofPurpose")?,
        created: date("created")?,
        expires: date("expires")?,
        challenge: string("challenge")?,
        domain: strings(map, "domain", path)?,
        previous_proof: read_ids(map, path)?,
    })
}

/// For a chained proof, the array of the proofs its `previousProof` ids
/// name, which becomes the `proof` of the document it signs.
fn chained_proofs(proofs: &[&Map<String, Value>], ids: &[String], path: &str) -> Result<Option<Value>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let mut matching = Vec::with_capacity(ids.len());
    for id in ids {
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

fn read_ids(map: &Map<String, Value>, path: &str) -> Result<Vec<String>> {
    strings(map, "previousProof", path)
}

fn strings(map: &Map<String, Value>, key: &str, path: &str) -> Result<Vec<String>> {
    match map.get(key) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| proof_error(format!("{path}/{key}/{i}"), "must be a string"))
            })
            .collect(),
        Some(_) => Err(proof_error(
            format!("{path}/{key}"),
            "must be a string or an array of strings",
        )),
    }
}

fn suite_of(map: &Map<String, Value>, path: &str) -> Result<RdfcSuite> {
    RdfcSuite::of_proof(map).ok_or_else(|| {
        proof_error(
            format!("{path}/type"),
            format!(
                "not an eddsa-rdfc-2022, ecdsa-rdfc-2019 or Ed25519Signature2020 proof (type {}, cryptosuite {})",
                map.get("type").unwrap_or(&Value::Null),
                map.get("cryptosuite").unwrap_or(&Value::Null)
            ),
        )
    })
}

fn read_signature(map: &Map<String, Value>, path: &str) -> Result<Vec<u8>> {
    let value = map
        .get("proofValue")
        .ok_or_else(|| proof_error(format!("{path}/proofValue"), "the proof has no proofValue"))?;
    let value = value
        .as_str()
        .ok_or_else(|| proof_error(format!("{path}/proofValue"), "must be a string"))?;
    decode_proof_value(value).map_err(|e| match e {
        Error::Proof { reason, .. } => proof_error(format!("{path}/proofValue"), reason),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn suites_are_read_from_type_and_cryptosuite() {
        let of = |v: Value| RdfcSuite::of_proof(&object(v));
        assert_eq!(
            of(json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"})),
            Some(RdfcSuite::EddsaRdfc2022)
        );
        assert_eq!(
            of(json!({"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019"})),
            Some(RdfcSuite::EcdsaRdfc2019)
        );
        assert_eq!(
            of(json!({"type": "Ed25519Signature2020"})),
            Some(RdfcSuite::Ed25519Signature2020)
        );
        assert_eq!(
            of(json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"})),
            None
        );
        assert_eq!(
            of(json!({"type": "Ed25519Signature2020", "cryptosuite": "eddsa-rdfc-2022"})),
            None
        );
    }

    #[test]
    fn suites_take_only_their_keys_and_hashes() {
        use HashAlgorithm::{Sha256, Sha384};
        assert_eq!(RdfcSuite::EddsaRdfc2022.hash_for(KeyType::Ed25519), Some(Sha256));
        assert_eq!(RdfcSuite::EddsaRdfc2022.hash_for(KeyType::P256), None);
        assert_eq!(RdfcSuite::EcdsaRdfc2019.hash_for(KeyType::P256), Some(Sha256));
        assert_eq!(RdfcSuite::EcdsaRdfc2019.hash_for(KeyType::P384), Some(Sha384));
        assert_eq!(RdfcSuite::EcdsaRdfc2019.hash_for(KeyType::Secp256k1), None);
        assert_eq!(RdfcSuite::Ed25519Signature2020.hash_for(KeyType::Ed25519), Some(Sha256));
        assert_eq!(RdfcSuite::for_key_type(KeyType::P384), Some(RdfcSuite::EcdsaRdfc2019));
        assert_eq!(RdfcSuite::for_key_type(KeyType::X25519), None);
        assert_eq!(RdfcSuite::Ed25519Signature2020.to_string(), "Ed25519Signature2020");
        assert_eq!(RdfcSuite::EcdsaRdfc2019.proof_type(), "DataIntegrityProof");
    }

    /// The hook in the shared `hashes` dispatch sends RDFC configurations to
    /// RDFC (with the process-wide loader) and leaves JCS ones alone.
    #[test]
    fn the_shared_dispatch_routes_rdfc_configs_here() {
        let document = object(json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://xinlian.dev/contexts/employment/v1"],
            "type": ["VerifiableCredential", "EmploymentCredential"],
            "issuer": "did:example:acme",
            "credentialSubject": {"id": "did:example:employee", "employment": {"type": "EmployeeRole", "jobTitle": "Engineer"}}
        }));
        let config = object(json!({
            "type": "DataIntegrityProof",
            "cryptosuite": "ecdsa-rdfc-2019",
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": "did:example:acme#key-1",
            "proofPurpose": "assertionMethod",
            "@context": document["@context"].clone()
        }));
        let view = View {
            base: &config,
            skip: &[],
            set: &[],
        };
        assert!(is_rdfc_config(&view));
        let routed = super::super::hashes(&document, &view, None, None, HashAlgorithm::Sha384).unwrap();
        let direct = rdfc_hashes(
            &document,
            &view,
            None,
            None,
            HashAlgorithm::Sha384,
            &ContextLoader::new(),
        )
        .unwrap();
        assert_eq!(routed, direct);
        assert!(
            routed
                .canonical_document
                .contains("<https://schema.org/jobTitle> \"Engineer\" .\n")
        );
        assert_eq!(routed.document_hash.len(), 48);

        let mut jcs = config.clone();
        jcs.insert("cryptosuite".into(), json!("ecdsa-jcs-2019"));
        let view = View {
            base: &jcs,
            skip: &[],
            set: &[],
        };
        assert!(!is_rdfc_config(&view));
        let routed = super::super::hashes(&document, &view, None, None, HashAlgorithm::Sha256).unwrap();
        assert!(routed.canonical_document.starts_with('{'), "JCS output expected");
    }
}
