//! The crate's error type.

/// Everything that can go wrong in `xinlian-vc`.
///
/// Variants say what was wrong and where: a JSON pointer into the credential
/// for data-model errors, the proof index for proof errors.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The credential or presentation breaks the data model.
    #[error("invalid {what} at {path}: {reason}")]
    Structure {
        /// `credential`, `presentation`, `proof`, ...
        what: &'static str,
        /// JSON pointer of the offending property (e.g. `/validFrom`).
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// A compact JWS or JWT (vc+jwt, vp+jwt, VC 1.1 JWT, KB-JWT) is
    /// malformed or fails a check; `reason` names the part (header, payload,
    /// claim) and what was wrong.
    #[error("invalid JWT: {reason}")]
    Jwt {
        /// What was wrong, and where.
        reason: String,
    },
    /// An SD-JWT is malformed or fails a check (disclosures, digests, key
    /// binding); `reason` names the disclosure or JSON pointer.
    #[error("invalid SD-JWT: {reason}")]
    SdJwt {
        /// What was wrong, and where.
        reason: String,
    },
    /// A Data Integrity proof could not be created or read; `path` is the
    /// JSON pointer of the offending property (e.g. `/proof/1/created`).
    #[error("proof error at {path}: {reason}")]
    Proof {
        /// JSON pointer of the offending property.
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// A [`Signer`](crate::Signer) failed or returned something unusable.
    #[error("signer {verification_method}: {reason}")]
    Signer {
        /// The signer's verification method.
        verification_method: String,
        /// What went wrong.
        reason: String,
    },
    /// A trust list is malformed, not issued by a trusted authority, or does
    /// not verify.
    #[error("trust list: {reason}")]
    Trust {
        /// What was wrong.
        reason: String,
    },
    /// A JSON-LD `@context` URL that is neither bundled nor added to the
    /// context loader (`jsonld::ContextLoader::with`); contexts are never
    /// fetched from the network.
    #[error("unknown JSON-LD context {url}: not bundled and not added to the context loader")]
    UnknownContext {
        /// The context URL.
        url: String,
    },
    /// JSON-LD expansion or RDF canonicalization failed: a term no context
    /// defines, an invalid context, a malformed value; `path` is the JSON
    /// pointer of the offending entry when known (empty otherwise).
    #[error("JSON-LD error at {path:?}: {reason}")]
    JsonLd {
        /// JSON pointer of the offending entry (e.g. `/credentialSubject/degree`).
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// A Bitstring Status List is malformed (bad encoding, too short, an
    /// unknown purpose) or an index is out of range or unavailable.
    #[error("status list: {reason}")]
    StatusList {
        /// What was wrong.
        reason: String,
    },
    /// The signing key is announced as compromised by its controller's
    /// current DID document (a `CompromisedKey` service): no signature by it
    /// is accepted, whatever its date.
    #[error("compromised key {verification_method}: {reason}")]
    CompromisedKey {
        /// The verification method (or signer) whose key is compromised.
        verification_method: String,
        /// What the verifier found.
        reason: String,
    },
    /// A status list credential could not be fetched.
    #[error("cannot fetch {url}: {reason}")]
    Fetch {
        /// The URL fetched.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// Input went past a bound of [`Limits`](crate::Limits): too large,
    /// nested too deep, too many SD-JWT disclosures. Nothing past the bound
    /// was read or walked.
    #[error("{what} exceeds the {limit} limit of {max}{}{}",
        actual.map(|a| format!(" (it has {a})")).unwrap_or_default(),
        if path.is_empty() { String::new() } else { format!(" at {path:?}") })]
    LimitExceeded {
        /// `input`, `credential`, `presentation`, `SD-JWT`, ...
        what: &'static str,
        /// Which bound.
        limit: crate::Limit,
        /// The bound's value.
        max: usize,
        /// The input's measure, when known (its length, its disclosure count).
        actual: Option<usize>,
        /// JSON pointer of where the bound was crossed (empty for the whole input).
        path: String,
    },
    /// A JSON object has two members with the same name; readers that keep
    /// the first and readers that keep the last would see different data.
    #[error("{what} has the member name {key:?} twice in the object at {path:?}")]
    DuplicateKey {
        /// `input`, `credential`, `presentation`, `disclosure`, ...
        what: &'static str,
        /// JSON pointer of the object holding the duplicate (`""` for the top level).
        path: String,
        /// The repeated member name.
        key: String,
    },
    /// A DID, key or resolution error from `xinlian-did-core`.
    #[error(transparent)]
    Did(#[from] xinlian_did_core::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
