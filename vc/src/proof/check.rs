//! Proof verification (Data Integrity "verify proof", and proof sets and
//! chains).

use std::fmt;

use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};
use xinlian_did_core::{DidUrl, PublicKey, Relationship, Resolver};

use super::{
    Cryptosuite, DATA_INTEGRITY_PROOF, DataIntegrityProof, chained_proofs, decode_proof_value,
    document_context_override, proof_at, proofs_of, secured_hashes,
};
use crate::error::Error;
use crate::verify::{Check, codes};

/// What the verifier expects of a proof.
#[derive(Debug, Clone)]
pub struct ProofExpectations {
    /// The purpose the proof must have (and the relationship the key must be
    /// authorized for): `assertionMethod` for credentials, `authentication`
    /// for presentations.
    pub purpose: Relationship,
    /// The challenge the proof must carry, if the verifier issued one.
    pub challenge: Option<String>,
    /// A domain the proof must name, if the verifier expects one.
    pub domain: Option<String>,
    /// The time to check `created` and `expires` against; `None` is now.
    pub now: Option<OffsetDateTime>,
    /// Tolerance for clocks that disagree.
    pub clock_skew: Duration,
    /// The JSON-LD contexts the RDF-canonicalized suites may use; `None` is
    /// the process-wide loader with the bundled contexts only.
    #[cfg(feature = "jsonld")]
    pub context_loader: Option<crate::jsonld::ContextLoader>,
}

impl ProofExpectations {
    /// Expects `purpose`, no challenge or domain, the current time and a
    /// five-minute clock skew.
    pub fn new(purpose: Relationship) -> ProofExpectations {
        ProofExpectations {
            purpose,
            challenge: None,
            domain: None,
            now: None,
            clock_skew: Duration::minutes(5),
            #[cfg(feature = "jsonld")]
            context_loader: None,
        }
    }

    /// Expects this challenge.
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// Expects this domain.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Checks dates against `now` instead of the system clock.
    pub fn at(mut self, now: OffsetDateTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Expands JSON-LD with `loader` (the bundled contexts plus those the
    /// caller added) instead of the bundled contexts only.
    #[cfg(feature = "jsonld")]
    pub fn context_loader(mut self, loader: crate::jsonld::ContextLoader) -> Self {
        self.context_loader = Some(loader);
        self
    }
}

/// Why a proof did not verify.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProofFailureKind {
    /// The proof is not a well-formed Data Integrity proof.
    Malformed,
    /// The proof's `type` is not `DataIntegrityProof`.
    UnknownProofType,
    /// The `cryptosuite` is not one Xinlian implements.
    UnknownCryptosuite,
    /// The `proofPurpose` is not the expected one.
    PurposeMismatch,
    /// `created` is in the future.
    CreatedInFuture,
    /// `expires` has passed.
    ProofExpired,
    /// The proof's `@context` does not prefix the document's.
    ContextMismatch,
    /// A `previousProof` names a proof the document does not have.
    BrokenChain,
    /// The document could not be canonicalized.
    Transformation,
    /// The `verificationMethod` is not a valid DID URL.
    InvalidVerificationMethodUrl,
    /// The DID of the verification method did not resolve.
    ResolutionFailed,
    /// The resolved document is for another DID.
    ControllerDocumentIdMismatch,
    /// The DID is deactivated.
    Deactivated,
    /// The DID document has no such verification method.
    MethodNotFound,
    /// The method exists but is not authorized for the proof's purpose.
    MethodNotAuthorized,
    /// The method's key material does not decode.
    InvalidKey,
    /// The key's type does not fit the cryptosuite.
    KeyTypeMismatch,
    /// The signature is not valid for the document and the key.
    InvalidSignature,
    /// The `challenge` is missing or not the expected one.
    ChallengeMismatch,
    /// The `domain` is missing or does not include the expected one.
    DomainMismatch,
    /// The key is announced as compromised by its controller's current DID
    /// document (a `CompromisedKey` service): refused whatever the proof's
    /// date.
    CompromisedKey,
}

impl ProofFailureKind {
    /// The report check this failure belongs to.
    pub fn check(self) -> Check {
        use ProofFailureKind as K;
        match self {
            K::InvalidVerificationMethodUrl
            | K::ResolutionFailed
            | K::ControllerDocumentIdMismatch
            | K::Deactivated
            | K::MethodNotFound
            | K::MethodNotAuthorized
            | K::InvalidKey
            | K::CompromisedKey => Check::KeyAuthorization,
            K::ChallengeMismatch => Check::Challenge,
            K::DomainMismatch => Check::Domain,
            _ => Check::Proof,
        }
    }

    /// The problem-detail type for this failure.
    pub fn code(self) -> &'static str {
        use ProofFailureKind as K;
        match self {
            K::Malformed => codes::MALFORMED_VALUE_ERROR,
            K::Transformation => codes::PROOF_TRANSFORMATION_ERROR,
            K::InvalidVerificationMethodUrl => codes::INVALID_VERIFICATION_METHOD_URL,
            K::ResolutionFailed | K::Deactivated => codes::INVALID_CONTROLLED_IDENTIFIER_DOCUMENT,
            K::ControllerDocumentIdMismatch => codes::INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
            K::MethodNotFound | K::InvalidKey => codes::INVALID_VERIFICATION_METHOD,
            K::MethodNotAuthorized => codes::INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
            K::ChallengeMismatch => codes::INVALID_CHALLENGE_ERROR,
            K::DomainMismatch => codes::INVALID_DOMAIN_ERROR,
            K::CompromisedKey => codes::COMPROMISED_KEY,
            _ => codes::PROOF_VERIFICATION_ERROR,
        }
    }
}

/// One reason a proof failed, with a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofFailure {
    /// What kind of failure.
    pub kind: ProofFailureKind,
    /// What exactly was wrong.
    pub detail: String,
}

impl ProofFailure {
    pub(crate) fn new(kind: ProofFailureKind, detail: impl Into<String>) -> ProofFailure {
        ProofFailure {
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for ProofFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

/// The result of verifying one proof.
#[derive(Debug, Clone, PartialEq)]
pub struct ProofOutcome {
    /// The proof's position in the document's proofs.
    pub index: usize,
    /// The proof, if it could be read.
    pub proof: Option<DataIntegrityProof>,
    /// The cryptosuite, if known.
    pub cryptosuite: Option<Cryptosuite>,
    /// The DID whose document authorized the key, once the key was found
    /// authorized.
    pub controller: Option<String>,
    /// Whether the key lookup ran (it cannot when the proof is unreadable).
    pub key_checked: bool,
    /// Everything that failed; empty when the proof verified.
    pub failures: Vec<ProofFailure>,
}

impl ProofOutcome {
    /// True when nothing failed.
    pub fn verified(&self) -> bool {
        self.failures.is_empty()
    }

    /// The failures that belong to one report check.
    pub fn failures_for(&self, check: Check) -> impl Iterator<Item = &ProofFailure> {
        self.failures.iter().filter(move |f| f.kind.check() == check)
    }

    fn fail(&mut self, kind: ProofFailureKind, detail: impl Into<String>) {
        self.failures.push(ProofFailure::new(kind, detail));
    }
}

/// Verifies every proof of `document` (a proof set, possibly with chains).
/// No proof at all gives an empty list: callers decide whether that is an
/// error.
pub async fn verify_proofs(
    document: &Map<String, Value>,
    resolver: &dyn Resolver,
    expected: &ProofExpectations,
) -> Vec<ProofOutcome> {
    let count = match proofs_of(document) {
        Ok(p) => p.len(),
        Err(e) => {
            return vec![ProofOutcome {
                index: 0,
                proof: None,
                cryptosuite: None,
                controller: None,
                key_checked: false,
                failures: vec![ProofFailure::new(ProofFailureKind::Malformed, e.to_string())],
            }];
        }
    };
    let mut outcomes = Vec::with_capacity(count);
    for index in 0..count {
        outcomes.push(verify_proof(document, index, resolver, expected).await);
    }
    outcomes
}

/// Verifies proof `proof_index` of `document`.
///
/// Checks, in order: the proof reads; `type` is `DataIntegrityProof`; the
/// cryptosuite is known; `proofPurpose` is the expected purpose; `created`
/// is not in the future and `expires` has not passed (with the clock skew);
/// the challenge and domain the verifier expects; any `previousProof`
/// exists; the proof's `@context` prefixes the document's; the verification
/// method's DID resolves and the method is authorized for the purpose; the
/// key fits the suite; the signature verifies. Every failure is collected,
/// so a report can name each.
///
/// With the `jsonld` feature, eddsa-rdfc-2022, ecdsa-rdfc-2019 and
/// Ed25519Signature2020 proofs are handed to
/// [`verify_rdfc_proof`](super::verify_rdfc_proof), so one entry point
/// verifies every suite.
///
/// A did:key verification method of the form `did:key:z…#z…` is decoded
/// directly rather than through `resolver`: its DID document follows from
/// the key alone, so the answer is the same and the work smaller.
pub async fn verify_proof(
    document: &Map<String, Value>,
    proof_index: usize,
    resolver: &dyn Resolver,
    expected: &ProofExpectations,
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
    let proofs = match proofs_of(document) {
        Ok(p) => p,
        Err(e) => {
            out.fail(K::Malformed, e.to_string());
            return out;
        }
    };
    let (map, path) = match proof_at(&proofs, proof_index) {
        Ok(found) => found,
        Err(e) => {
            out.fail(K::Malformed, e.to_string());
            return out;
        }
    };
    // RDF-canonicalized suites (feature `jsonld`) have their own verifier,
    // with the caller's contexts or the process-wide bundled ones.
    #[cfg(feature = "jsonld")]
    if super::RdfcSuite::of_proof(map).is_some() {
        let loader = expected
            .context_loader
            .as_ref()
            .unwrap_or_else(|| crate::jsonld::ContextLoader::shared());
        return super::verify_rdfc_proof(document, proof_index, resolver, expected, loader).await;
    }
    let proof = match DataIntegrityProof::from_object(map, &path) {
        Ok(p) => p,
        Err(e) => {
            out.fail(K::Malformed, e.to_string());
            return out;
        }
    };

    if proof.proof_type != DATA_INTEGRITY_PROOF {
        out.fail(
            K::UnknownProofType,
            format!(
                "{path}/type is {:?}, expected {DATA_INTEGRITY_PROOF:?}",
                proof.proof_type
            ),
        );
    }
    let suite = Cryptosuite::from_name(&proof.cryptosuite);
    if suite.is_none() {
        out.fail(
            K::UnknownCryptosuite,
            format!("{path}/cryptosuite {:?} is not supported", proof.cryptosuite),
        );
    }
    out.cryptosuite = suite;
    if proof.proof_purpose != expected.purpose.as_str() {
        out.fail(
            K::PurposeMismatch,
            format!(
                "{path}/proofPurpose is {:?}, expected {:?}",
                proof.proof_purpose,
                expected.purpose.as_str()
            ),
        );
    }
    check_dates(&mut out, &proof, &path, expected);
    check_challenge_and_domain(&mut out, &proof, &path, expected);
    let chain = match chained_proofs(&proofs, &proof, &path) {
        Ok(c) => Some(c),
        Err(e) => {
            out.fail(K::BrokenChain, e.to_string());
            None
        }
    };
    let doc_context = match document_context_override(document, map, &path) {
        Ok(c) => Some(c),
        Err(e) => {
            out.fail(K::ContextMismatch, e.to_string());
            None
        }
    };

    // The key: authorized for the purpose the proof claims (when it names
    // one), which is the expected one unless that check already failed.
    let purpose = Relationship::from_name(&proof.proof_purpose).unwrap_or(expected.purpose);
    out.key_checked = true;
    let key = match resolve_key(&proof.verification_method, purpose, resolver, proof.created).await {
        Ok((key, controller)) => {
            out.controller = Some(controller);
            Some(key)
        }
        Err(failure) => {
            out.failures.push(failure);
            None
        }
    };

    let signature = match proof.proof_value.as_deref().map(decode_proof_value) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            out.fail(K::Malformed, format!("{path}/proofValue: {}", error_reason(&e)));
            None
        }
        None => {
            out.fail(K::Malformed, format!("{path}/proofValue is missing"));
            None
        }
    };
    if let (Some(suite), Some(key), Some(signature), Some(chain), Some(doc_context)) =
        (suite, key, signature, chain, doc_context)
    {
        check_signature(
            &mut out,
            document,
            map,
            &path,
            suite,
            &key,
            &signature,
            doc_context,
            chain.as_ref(),
        );
    }
    out.proof = Some(proof);
    out
}

#[allow(clippy::too_many_arguments)]
fn check_signature(
    out: &mut ProofOutcome,
    document: &Map<String, Value>,
    map: &Map<String, Value>,
    path: &str,
    suite: Cryptosuite,
    key: &PublicKey,
    signature: &[u8],
    doc_context: Option<&Value>,
    chain: Option<&Value>,
) {
    use ProofFailureKind as K;
    let key_type = key.key_type();
    let Some(hash) = suite.hash_for(key_type) else {
        out.fail(
            K::KeyTypeMismatch,
            format!(
                "{suite} needs an {} key, the verification method holds {key_type}",
                suite.key_types()
            ),
        );
        return;
    };
    if signature.len() != key_type.signature_len() {
        out.fail(
            K::InvalidSignature,
            format!(
                "{path}/proofValue holds {} bytes, a {key_type} signature has {}",
                signature.len(),
                key_type.signature_len()
            ),
        );
        return;
    }
    let hashes = match secured_hashes(document, map, doc_context, chain, hash) {
        Ok(h) => h,
        Err(e) => {
            out.fail(K::Transformation, error_reason(&e));
            return;
        }
    };
    if key.verify(&hashes.hash_data(), signature).is_err() {
        out.fail(
            K::InvalidSignature,
            format!("{path}: the {suite} signature does not match the document and the key"),
        );
    }
}

fn check_dates(out: &mut ProofOutcome, proof: &DataIntegrityProof, path: &str, expected: &ProofExpectations) {
    let now = expected.now.unwrap_or_else(OffsetDateTime::now_utc);
    if let Some(created) = proof.created
        && created > now + expected.clock_skew
    {
        out.fail(
            ProofFailureKind::CreatedInFuture,
            format!("{path}/created {} is in the future", super::format_date_time(created)),
        );
    }
    if let Some(expires) = proof.expires
        // Not `expires + skew`, which panics for an `expires` at the end of
        // the supported range.
        && expires <= now - expected.clock_skew
    {
        out.fail(
            ProofFailureKind::ProofExpired,
            format!("{path}/expires {} has passed", super::format_date_time(expires)),
        );
    }
    if let (Some(c), Some(e)) = (proof.created, proof.expires)
        && e <= c
    {
        out.fail(
            ProofFailureKind::Malformed,
            format!("{path}/expires is not later than created"),
        );
    }
}

fn check_challenge_and_domain(
    out: &mut ProofOutcome,
    proof: &DataIntegrityProof,
    path: &str,
    expected: &ProofExpectations,
) {
    if let Some(want) = &expected.challenge {
        match &proof.challenge {
            Some(got) if got == want => {}
            Some(got) => out.fail(
                ProofFailureKind::ChallengeMismatch,
                format!("{path}/challenge is {got:?}, expected {want:?}"),
            ),
            None => out.fail(
                ProofFailureKind::ChallengeMismatch,
                format!("{path} has no challenge, expected {want:?}"),
            ),
        }
    }
    if let Some(want) = &expected.domain
        && !proof.domain.iter().any(|d| d == want)
    {
        let detail = if proof.domain.is_empty() {
            format!("{path} has no domain, expected {want:?}")
        } else {
            format!("{path}/domain is {:?}, expected {want:?}", proof.domain)
        };
        out.fail(ProofFailureKind::DomainMismatch, detail);
    }
}

/// Finds the public key of `verification_method` and checks it is
/// authorized for `purpose`. Returns the key and its controller DID.
///
/// The lookup is "as of" the proof's `created`, with compromised keys
/// refused whatever the date: see [`super::key_as_of::key_as_of`].
pub(crate) async fn resolve_key(
    verification_method: &str,
    purpose: Relationship,
    resolver: &dyn Resolver,
    created: Option<time::OffsetDateTime>,
) -> Result<(PublicKey, String), ProofFailure> {
    let url = DidUrl::parse(verification_method).map_err(|e| {
        ProofFailure::new(
            ProofFailureKind::InvalidVerificationMethodUrl,
            format!("verificationMethod {verification_method:?} is not a DID URL: {e}"),
        )
    })?;
    let found = super::key_as_of::key_as_of(resolver, &url.did(), Some(verification_method), purpose, created).await?;
    Ok((found.key, found.controller))
}

/// The reason of a proof error without its path (the caller adds a fuller
/// one).
fn error_reason(e: &Error) -> String {
    match e {
        Error::Proof { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use xinlian_did_core::{Did, KeyType, ResolutionOptions, SecretKey, StatelessResolver};

    use super::*;

    /// A resolver that only knows did:key through full document resolution,
    /// so `resolve_key`'s fast path can be compared with the document path.
    struct ViaDocument;

    #[async_trait::async_trait]
    impl Resolver for ViaDocument {
        async fn resolve(
            &self,
            did: &Did,
            options: &ResolutionOptions,
        ) -> xinlian_did_core::Result<xinlian_did_core::Resolution> {
            StatelessResolver::new().resolve_sync(did, options)
        }
    }

    fn via_document(vm: &str, purpose: Relationship) -> Result<(PublicKey, String), ProofFailureKind> {
        let url = DidUrl::parse(vm).unwrap();
        let did = url.did();
        let resolved = StatelessResolver::new()
            .resolve_sync(&did, &ResolutionOptions::default())
            .unwrap();
        match resolved.document.authorized_method(vm, purpose) {
            Some(m) => Ok((m.public_key().unwrap(), did.into_string())),
            None if resolved.document.verification_method(vm).is_some() => Err(ProofFailureKind::MethodNotAuthorized),
            None => Err(ProofFailureKind::MethodNotFound),
        }
    }

    #[test]
    fn the_did_key_fast_path_agrees_with_the_document() {
        for key_type in [KeyType::Ed25519, KeyType::P256, KeyType::P384, KeyType::Secp256k1] {
            let key = SecretKey::generate(key_type).unwrap().public_key();
            let did = xinlian_did_core::method::key::did_for(&key);
            let vm = format!("{did}#{}", did.method_specific_id());
            for purpose in Relationship::ALL {
                let fast = pollster::block_on(resolve_key(&vm, purpose, &ViaDocument, None)).map_err(|f| f.kind);
                assert_eq!(fast, via_document(&vm, purpose), "{key_type} {purpose:?}");
            }
        }
    }

    #[test]
    fn regression_proof_dates_at_the_end_of_time() {
        // Found by fuzzing verify_credential: `expires + skew` overflowed.
        let expected = ProofExpectations {
            now: Some(time::macros::datetime!(2026-01-01 00:00 UTC)),
            ..ProofExpectations::new(Relationship::AssertionMethod)
        };
        for (key, date, failure) in [
            ("expires", "9999-12-31T23:59:59Z", None),
            (
                "created",
                "9999-12-31T23:59:59Z",
                Some(ProofFailureKind::CreatedInFuture),
            ),
            (
                "created",
                "9999-12-31T23:00:00-01:00",
                Some(ProofFailureKind::CreatedInFuture),
            ),
        ] {
            let document = serde_json::json!({
                "proof": {
                    "type": "DataIntegrityProof",
                    "cryptosuite": "eddsa-jcs-2022",
                    "verificationMethod": "did:example:issuer#key-1",
                    "proofPurpose": "assertionMethod",
                    key: date,
                }
            });
            let document = document.as_object().unwrap();
            let out = pollster::block_on(verify_proof(document, 0, &StatelessResolver::new(), &expected));
            let kinds: Vec<_> = out.failures.iter().map(|f| f.kind).collect();
            assert!(
                !kinds.contains(&ProofFailureKind::ProofExpired),
                "{key} {date}: {kinds:?}"
            );
            if let Some(kind) = failure {
                assert!(kinds.contains(&kind), "{key} {date}: {kinds:?}");
            }
        }
    }

    #[test]
    fn other_did_key_fragments_go_through_the_resolver() {
        let key = SecretKey::generate(KeyType::Ed25519).unwrap().public_key();
        let did = xinlian_did_core::method::key::did_for(&key);
        // The derived X25519 key is a keyAgreement method only.
        let x25519 = key.to_x25519().unwrap().to_multikey();
        let vm = format!("{did}#{x25519}");
        let got = pollster::block_on(resolve_key(&vm, Relationship::AssertionMethod, &ViaDocument, None));
        assert_eq!(got.map_err(|f| f.kind), Err(ProofFailureKind::MethodNotAuthorized));
        let got = pollster::block_on(resolve_key(&vm, Relationship::KeyAgreement, &ViaDocument, None));
        assert_eq!(got.unwrap().0.key_type(), KeyType::X25519);
    }
}
