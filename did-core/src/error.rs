//! The crate's error type and the DID Resolution error codes it maps to.

use std::fmt;

/// Everything that can go wrong in `xinlian-did-core`.
///
/// Each variant says what was wrong and where (a byte offset in an
/// identifier, a JSON path in a document). [`Error::kind`] maps a variant to
/// the error code the DID Resolution specification defines, so resolvers can
/// put it into resolution metadata unchanged.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input is not a DID per the DID Core 1.0 ABNF.
    #[error("invalid DID at byte {offset}: expected {expected}")]
    InvalidDid {
        /// Byte offset into the input where parsing failed.
        offset: usize,
        /// What the grammar expected at that offset.
        expected: &'static str,
    },
    /// The input is not a DID URL per the DID Core 1.0 ABNF.
    #[error("invalid DID URL at byte {offset}: expected {expected}")]
    InvalidDidUrl {
        /// Byte offset into the input where parsing failed.
        offset: usize,
        /// What the grammar expected at that offset.
        expected: &'static str,
    },
    /// Key material is malformed: wrong length, not on the curve, bad
    /// encoding, or a multicodec/JWK that does not describe a key.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// What was wrong with the key.
        reason: String,
    },
    /// The key type, curve or multicodec is well formed but not supported.
    #[error("unsupported key type: {key_type}")]
    UnsupportedKeyType {
        /// The key type, curve or codec that was found.
        key_type: String,
    },
    /// A signature did not verify. Deliberately carries no detail.
    #[error("signature verification failed")]
    InvalidSignature,
    /// A DID document breaks the data model.
    #[error("invalid DID document at {path}: {reason}")]
    InvalidDocument {
        /// JSON path (e.g. `/verificationMethod/1/id`) of the offending value.
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// No driver for this DID method.
    #[error("DID method not supported: {method}")]
    MethodNotSupported {
        /// The method name.
        method: String,
    },
    /// The DID or DID URL does not exist, or the dereferenced resource
    /// (fragment, service) is not in the document.
    #[error("not found: {what}")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The requested representation (media type) is not supported.
    #[error("representation not supported: {media_type}")]
    RepresentationNotSupported {
        /// The requested media type.
        media_type: String,
    },
    /// Resolution options were invalid (e.g. an unparseable `versionTime`).
    #[error("invalid resolution option {option}: {reason}")]
    InvalidOptions {
        /// The option name.
        option: String,
        /// What was wrong with it.
        reason: String,
    },
    /// A resolver failed for a reason outside the caller's control (a
    /// ledger that cannot be reached, a storage error).
    #[error("internal error: {message}")]
    Internal {
        /// What failed.
        message: String,
    },
}

impl Error {
    /// The DID Resolution error code for this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidDid { .. } => ErrorKind::InvalidDid,
            Error::InvalidDidUrl { .. } => ErrorKind::InvalidDidUrl,
            Error::InvalidKey { .. } => ErrorKind::InvalidPublicKey,
            Error::UnsupportedKeyType { .. } => ErrorKind::UnsupportedPublicKeyType,
            Error::InvalidSignature => ErrorKind::InvalidSignature,
            Error::InvalidDocument { .. } => ErrorKind::InvalidDidDocument,
            Error::MethodNotSupported { .. } => ErrorKind::MethodNotSupported,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::RepresentationNotSupported { .. } => ErrorKind::RepresentationNotSupported,
            Error::InvalidOptions { .. } => ErrorKind::InvalidOptions,
            Error::Internal { .. } => ErrorKind::InternalError,
        }
    }

    pub(crate) fn invalid_key(reason: impl Into<String>) -> Self {
        Error::InvalidKey { reason: reason.into() }
    }

    pub(crate) fn invalid_document(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidDocument {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// Error codes from the DID Resolution specification (and the did:key
/// specification for key errors), as they appear in resolution metadata.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `invalidDid`
    InvalidDid,
    /// `invalidDidUrl`
    InvalidDidUrl,
    /// `notFound`
    NotFound,
    /// `representationNotSupported`
    RepresentationNotSupported,
    /// `methodNotSupported`
    MethodNotSupported,
    /// `invalidOptions`
    InvalidOptions,
    /// `internalError`
    InternalError,
    /// `invalidPublicKey`
    InvalidPublicKey,
    /// `unsupportedPublicKeyType`
    UnsupportedPublicKeyType,
    /// `invalidDidDocument`
    InvalidDidDocument,
    /// `invalidSignature`
    InvalidSignature,
}

impl ErrorKind {
    /// The code as written in resolution metadata, e.g. `"notFound"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidDid => "invalidDid",
            ErrorKind::InvalidDidUrl => "invalidDidUrl",
            ErrorKind::NotFound => "notFound",
            ErrorKind::RepresentationNotSupported => "representationNotSupported",
            ErrorKind::MethodNotSupported => "methodNotSupported",
            ErrorKind::InvalidOptions => "invalidOptions",
            ErrorKind::InternalError => "internalError",
            ErrorKind::InvalidPublicKey => "invalidPublicKey",
            ErrorKind::UnsupportedPublicKeyType => "unsupportedPublicKeyType",
            ErrorKind::InvalidDidDocument => "invalidDidDocument",
            ErrorKind::InvalidSignature => "invalidSignature",
        }
    }

    /// Parses a code as written in resolution metadata: the camelCase codes
    /// of DID Core 1.0 (`notFound`), or the upper-case names newer DID
    /// Resolution drafts use (`NOT_FOUND`).
    pub fn from_code(code: &str) -> Option<Self> {
        ErrorKind::ALL.into_iter().find(|k| k.as_str() == code).or_else(|| {
            let folded: String = code.chars().filter(|c| *c != '_').collect();
            ErrorKind::ALL
                .into_iter()
                .find(|k| k.as_str().eq_ignore_ascii_case(&folded))
        })
    }

    /// Every error kind.
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::InvalidDid,
        ErrorKind::InvalidDidUrl,
        ErrorKind::NotFound,
        ErrorKind::RepresentationNotSupported,
        ErrorKind::MethodNotSupported,
        ErrorKind::InvalidOptions,
        ErrorKind::InternalError,
        ErrorKind::InvalidPublicKey,
        ErrorKind::UnsupportedPublicKeyType,
        ErrorKind::InvalidDidDocument,
        ErrorKind::InvalidSignature,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
