//! Options for creating a proof.

use time::OffsetDateTime;
use xinlian_did_core::Relationship;

use super::Cryptosuite;

/// What a new proof says besides its signature. Start from
/// [`ProofOptions::new`] (purpose `assertionMethod`, created now, the
/// signer's default suite) and change what the use needs.
///
/// ```
/// use xinlian_did_core::Relationship;
/// use xinlian_vc::proof::ProofOptions;
///
/// let options = ProofOptions::new()
///     .purpose(Relationship::Authentication)
///     .challenge("1f44d55f")
///     .domain("https://verifier.example");
/// assert_eq!(options.proof_purpose(), Relationship::Authentication);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ProofOptions {
    pub(crate) cryptosuite: Option<Cryptosuite>,
    pub(crate) created: Created,
    pub(crate) expires: Option<OffsetDateTime>,
    pub(crate) purpose: Relationship,
    pub(crate) challenge: Option<String>,
    pub(crate) domain: Vec<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) previous_proof: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Created {
    Now,
    At(OffsetDateTime),
    Omitted,
}

impl Default for ProofOptions {
    fn default() -> Self {
        ProofOptions {
            cryptosuite: None,
            created: Created::Now,
            expires: None,
            purpose: Relationship::AssertionMethod,
            challenge: None,
            domain: Vec::new(),
            nonce: None,
            id: None,
            previous_proof: Vec::new(),
        }
    }
}

impl ProofOptions {
    /// Purpose `assertionMethod`, `created` set to the signing time, and the
    /// suite that fits the signer's key (eddsa-jcs-2022 for Ed25519,
    /// ecdsa-jcs-2019 for P-256 and P-384).
    pub fn new() -> ProofOptions {
        ProofOptions::default()
    }

    /// Uses this cryptosuite instead of the key's default.
    pub fn cryptosuite(mut self, suite: Cryptosuite) -> Self {
        self.cryptosuite = Some(suite);
        self
    }

    /// Sets `created` (sub-seconds are kept if present).
    pub fn created(mut self, at: OffsetDateTime) -> Self {
        self.created = Created::At(at);
        self
    }

    /// Leaves `created` out of the proof.
    pub fn without_created(mut self) -> Self {
        self.created = Created::Omitted;
        self
    }

    /// Sets `expires`.
    pub fn expires(mut self, at: OffsetDateTime) -> Self {
        self.expires = Some(at);
        self
    }

    /// Sets `proofPurpose`.
    pub fn purpose(mut self, purpose: Relationship) -> Self {
        self.purpose = purpose;
        self
    }

    /// The proof purpose these options produce.
    pub fn proof_purpose(&self) -> Relationship {
        self.purpose
    }

    /// Sets `challenge` (for presentations: the verifier's nonce).
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// Adds a `domain` (written as a string for one, an array for several).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain.push(domain.into());
        self
    }

    /// Sets `nonce`.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Sets the proof's `id`, so later proofs can chain to it.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Chains the new proof to an existing proof of the document (by `id`);
    /// call again to chain to several.
    pub fn previous_proof(mut self, id: impl Into<String>) -> Self {
        self.previous_proof.push(id.into());
        self
    }
}
