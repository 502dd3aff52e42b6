//! What can go wrong resolving a did:web DID, or fetching any URL through
//! the guarded fetch.

use std::net::IpAddr;
use std::time::Duration;

use xinlian_did_core::Error as DidError;

use super::address::AddressClass;

/// A did:web resolution failure. Converts into the DID Resolution error
/// codes with `From<WebError> for xinlian_did_core::Error`:
///
/// | variant | code |
/// |---|---|
/// | [`InvalidIdentifier`](Self::InvalidIdentifier) | `invalidDid` |
/// | [`NotWeb`](Self::NotWeb) | `methodNotSupported` |
/// | [`UnsupportedOption`](Self::UnsupportedOption) | `invalidOptions` |
/// | [`NotFound`](Self::NotFound) | `notFound` |
/// | [`ContentType`](Self::ContentType), [`NotUtf8`](Self::NotUtf8), [`IdMismatch`](Self::IdMismatch) | `invalidDidDocument` |
/// | [`Document`](Self::Document) | the document error's own code |
/// | the rest (refused targets, transport, size, redirects) | `internalError` |
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebError {
    /// The DID is not a well-formed did:web identifier.
    #[error("invalid did:web identifier {did} at byte {offset}: expected {expected}")]
    InvalidIdentifier {
        /// The DID.
        did: String,
        /// Byte offset into the DID where the problem is.
        offset: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// The DID's method is not `web`.
    #[error("not a did:web DID: method {method}")]
    NotWeb {
        /// The method found.
        method: String,
    },
    /// A resolution option did:web cannot honour (it keeps no versions).
    #[error("did:web does not support the {option} option: it keeps no version history")]
    UnsupportedOption {
        /// The option name, e.g. `versionId`.
        option: &'static str,
    },
    /// The SSRF guard refused an address the target resolves to.
    #[error(
        "refused to fetch {url}: {host} resolves to {address}, a {class} address (non-public addresses are refused)"
    )]
    RefusedAddress {
        /// The URL that was to be fetched (the initial URL or a redirect target).
        url: String,
        /// The host in the URL.
        host: String,
        /// The refused address.
        address: IpAddr,
        /// Why it is refused.
        class: AddressClass,
    },
    /// The SSRF guard refused a host name before looking it up.
    #[error("refused to fetch {url}: host {host} is {reason}")]
    RefusedHost {
        /// The URL that was to be fetched.
        url: String,
        /// The host in the URL.
        host: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A URL (typically a redirect target) uses a scheme other than HTTPS
    /// (or plain HTTP when allowed).
    #[error("refused to fetch {url}: scheme {scheme} is not allowed")]
    RefusedScheme {
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// More redirects than allowed.
    #[error("too many redirects fetching {url}: more than {max}")]
    TooManyRedirects {
        /// The redirect target that went over the limit.
        url: String,
        /// The limit.
        max: usize,
    },
    /// The server answered 404 Not Found or 410 Gone.
    #[error("no DID document at {url} (HTTP {status})")]
    NotFound {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The server answered with another non-success status.
    #[error("fetching {url} failed with HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The fetch did not finish in time.
    #[error("fetching {url} timed out after {after:?}")]
    Timeout {
        /// The URL.
        url: String,
        /// The time limit.
        after: Duration,
    },
    /// Connecting, TLS or reading failed.
    #[error("fetching {url} failed: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The document is larger than allowed.
    #[error("the document at {url} is larger than the limit of {max_bytes} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        max_bytes: usize,
    },
    /// The response's content type is not a JSON type.
    #[error(
        "the response from {url} has content type {content_type}, not a DID document type (application/did+json, application/json, application/did+ld+json)"
    )]
    ContentType {
        /// The URL.
        url: String,
        /// The content type received.
        content_type: String,
    },
    /// The response body is not UTF-8.
    #[error("the document at {url} is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The URL.
        url: String,
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The response is not a valid DID document.
    #[error("the document at {url} is invalid: {source}")]
    Document {
        /// The URL.
        url: String,
        /// What is wrong with it.
        source: DidError,
    },
    /// The document's `id` is not the DID that was resolved.
    #[error("the document at {url} has id {found}, not {expected}")]
    IdMismatch {
        /// The URL.
        url: String,
        /// The DID that was resolved.
        expected: String,
        /// The document's `id`.
        found: String,
    },
    /// A URL handed to the guarded fetch does not parse.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The text given.
        url: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The HTTP client could not be built (e.g. no TLS root certificates).
    #[error("cannot build the did:web HTTP client: {message}")]
    Client {
        /// What failed.
        message: String,
    },
}

impl From<WebError> for DidError {
    fn from(e: WebError) -> DidError {
        match e {
            WebError::InvalidIdentifier { offset, expected, .. } => DidError::InvalidDid { offset, expected },
            WebError::NotWeb { method } => DidError::MethodNotSupported { method },
            WebError::UnsupportedOption { option } => DidError::InvalidOptions {
                option: option.to_owned(),
                reason: "did:web keeps no version history".to_owned(),
            },
            e @ WebError::NotFound { .. } => DidError::NotFound { what: e.to_string() },
            WebError::Document { url, source } => match source {
                DidError::InvalidDocument { path, reason } => DidError::InvalidDocument {
                    path,
                    reason: format!("{reason} (document fetched from {url})"),
                },
                other => other,
            },
            e @ WebError::IdMismatch { .. } => DidError::InvalidDocument {
                path: "/id".to_owned(),
                reason: e.to_string(),
            },
            e @ (WebError::ContentType { .. } | WebError::NotUtf8 { .. }) => DidError::InvalidDocument {
                path: String::new(),
                reason: e.to_string(),
            },
            // The address policy refused the DID's host (or a redirect's):
            // the caller asked for something this resolver will not fetch,
            // which is the request's fault (400), not the resolver's (500).
            e @ (WebError::RefusedAddress { .. } | WebError::RefusedHost { .. } | WebError::RefusedScheme { .. }) => {
                tracing::info!(error = %e, "did:web refused by the address policy");
                DidError::InvalidDid {
                    offset: "did:web:".len(),
                    expected: "a did:web host served from a public address over https (this resolver refuses \
                               loopback, private, link-local and metadata addresses)",
                }
            }
            e => DidError::Internal { message: e.to_string() },
        }
    }
}
