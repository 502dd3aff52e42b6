//! The DID Resolution HTTP(S) binding: a server that serves any
//! [`Resolver`](xinlian_did_core::Resolver) and a client driver,
//! [`HttpResolver`], that resolves through such a server (this one or any
//! universal resolver deployment).
//!
//! # The endpoint
//!
//! `GET /1.0/identifiers/{did-or-did-url}` resolves a DID or dereferences a
//! DID URL. The identifier may be sent in two forms:
//!
//! - **encoded**: the whole DID URL percent-encoded as one path segment
//!   (`did%3Aexample%3A123%3Fservice%3Dfiles%23key-1`, what
//!   `encodeURIComponent` gives). It is recognised by its encoded first colon
//!   (`did%3A`) and decoded once. The HTTP query string then carries
//!   resolution options (`versionId`, `versionTime`, `noCache=true`, and
//!   method-specific ones as strings).
//! - **raw**: the DID URL as written (`did:example:123/path`). Since a client
//!   cannot send `#`, the first `%23` in the path starts the fragment. The
//!   HTTP query string is the DID URL's query (`?service=files&relativeRef=/a`
//!   or `?versionId=2`), as the universal resolver reads it. A DID whose
//!   method-specific id really holds `%23` must use the encoded form.
//!
//! `Cache-Control: no-cache` sets the `noCache` resolution option in both
//! forms.
//!
//! # Responses
//!
//! The `Accept` header picks the body ([`ResponseFormat`]):
//! `application/did-resolution` (also the default for a missing `Accept`,
//! `*/*` and `application/*`) gives the resolution result object
//! (`didDocument`, `didResolutionMetadata`, `didDocumentMetadata`), or for a
//! DID URL the dereferencing result (`contentStream`,
//! `dereferencingMetadata`, `contentMetadata`); `application/did+ld+json` and
//! `application/did+json` give the document (or the dereferenced resource)
//! alone. Failures always carry a resolution (or dereferencing) result with
//! the error code, as `application/did-resolution`. Status codes follow the
//! DID Resolution specification; see [`status_for`].

mod client;
#[cfg(feature = "server")]
mod server;

pub use client::{HttpResolver, HttpResolverBuilder};
#[cfg(feature = "server")]
pub use server::{ServerOptions, router, router_with_options, serve, serve_with_options, shutdown_signal, with_limits};

use reqwest::StatusCode;
use xinlian_did_core::resolution::DID_RESOLUTION_MEDIA_TYPE;
use xinlian_did_core::{ErrorKind, Representation};

/// The path prefix of the resolution endpoint; the DID or DID URL follows it.
pub const IDENTIFIERS_PATH: &str = "/1.0/identifiers/";

/// The path of the health check (`200` with `{"status":"ok"}`).
pub const HEALTH_PATH: &str = "/health";

/// The JSON-LD profile that also names a resolution result
/// (`application/ld+json;profile="https://w3id.org/did-resolution"`).
pub const DID_RESOLUTION_PROFILE: &str = "https://w3id.org/did-resolution";

/// What a response body holds, as negotiated from an `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseFormat {
    /// `application/did-resolution`: the document with its metadata (or a
    /// dereferencing result for a DID URL).
    Resolution,
    /// The document (or dereferenced resource) alone, in a representation.
    Document(Representation),
}

impl ResponseFormat {
    /// Picks the format for an HTTP `Accept` value: the media range with
    /// the highest `q` (on a tie the more specific, then the first) among
    /// `application/did-resolution`,
    /// `application/ld+json;profile="https://w3id.org/did-resolution"`,
    /// `application/did+ld+json`, `application/ld+json`,
    /// `application/did+json`, `application/json`, `application/*` and
    /// `*/*`. A missing or empty header means
    /// [`Resolution`](ResponseFormat::Resolution). Nothing acceptable is a
    /// `representationNotSupported` error.
    pub fn negotiate(accept: Option<&str>) -> Result<ResponseFormat, xinlian_did_core::Error> {
        let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
            return Ok(ResponseFormat::Resolution);
        };
        // (q, specific, format)
        let mut best: Option<(f32, bool, ResponseFormat)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = 1.0f32;
            let mut resolution_profile = false;
            for param in parts {
                let Some((name, value)) = param.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match name.trim().to_ascii_lowercase().as_str() {
                    "q" => q = value.parse().unwrap_or(0.0),
                    "profile" => resolution_profile = value.split(' ').any(|p| p == DID_RESOLUTION_PROFILE),
                    _ => {}
                }
            }
            let (format, specific) = match media.as_str() {
                DID_RESOLUTION_MEDIA_TYPE => (ResponseFormat::Resolution, true),
                "application/ld+json" if resolution_profile => (ResponseFormat::Resolution, true),
                "application/did+ld+json" | "application/ld+json" => {
                    (ResponseFormat::Document(Representation::JsonLd), true)
                }
                "application/did+json" | "application/json" => (ResponseFormat::Document(Representation::Json), true),
                "*/*" | "application/*" => (ResponseFormat::Resolution, false),
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, bs, _)| q > bq || (q == bq && specific && !bs)) {
                best = Some((q, specific, format));
            }
        }
        best.map(|(_, _, f)| f)
            .ok_or_else(|| xinlian_did_core::Error::RepresentationNotSupported {
                media_type: accept.to_owned(),
            })
    }

    /// The `Content-Type` of a successful response in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            ResponseFormat::Resolution => DID_RESOLUTION_MEDIA_TYPE,
            ResponseFormat::Document(r) => r.media_type(),
        }
    }

    /// The document representation this format carries (JSON-LD inside a
    /// resolution result).
    pub fn representation(self) -> Representation {
        match self {
            ResponseFormat::Resolution => Representation::JsonLd,
            ResponseFormat::Document(r) => r,
        }
    }
}

/// The HTTP status for a resolution error code, per the DID Resolution
/// specification's HTTP(S) binding: `invalidDid`, `invalidDidUrl`,
/// `invalidOptions` and `invalidPublicKey` (a did:key whose key is bad) are
/// 400; `notFound` 404; `representationNotSupported` 406;
/// `methodNotSupported` and `unsupportedPublicKeyType` 501; everything else
/// (`internalError`, an invalid document or signature from a ledger) 500. A
/// deactivated DID is not an error: it is answered with 410 and its result.
pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidDid | ErrorKind::InvalidDidUrl | ErrorKind::InvalidOptions | ErrorKind::InvalidPublicKey => {
            StatusCode::BAD_REQUEST
        }
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::RepresentationNotSupported => StatusCode::NOT_ACCEPTABLE,
        ErrorKind::MethodNotSupported | ErrorKind::UnsupportedPublicKeyType => StatusCode::NOT_IMPLEMENTED,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The error code a client assumes for an error status whose body names no
/// code (the inverse of [`status_for`] for the spec's codes).
pub(crate) fn kind_for_status(status: StatusCode) -> ErrorKind {
    match status {
        StatusCode::BAD_REQUEST => ErrorKind::InvalidDid,
        StatusCode::NOT_FOUND => ErrorKind::NotFound,
        StatusCode::NOT_ACCEPTABLE => ErrorKind::RepresentationNotSupported,
        StatusCode::NOT_IMPLEMENTED => ErrorKind::MethodNotSupported,
        _ => ErrorKind::InternalError,
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (what
/// `encodeURIComponent` does, except that it also encodes `!'()*`).
pub(crate) fn percent_encode_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

/// Decodes every `%HH` in `s`. `None` if a `%` is not followed by two hex
/// digits or the result is not UTF-8.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_picks_highest_q_then_most_specific() {
        use ResponseFormat::*;
        let cases = [
            (None, Resolution),
            (Some(""), Resolution),
            (Some("*/*"), Resolution),
            (Some("application/did-resolution"), Resolution),
            (
                Some("application/ld+json; profile=\"https://w3id.org/did-resolution\""),
                Resolution,
            ),
            (Some("application/did+json"), Document(Representation::Json)),
            (Some("application/json"), Document(Representation::Json)),
            (Some("application/did+ld+json"), Document(Representation::JsonLd)),
            (Some("application/ld+json"), Document(Representation::JsonLd)),
            (Some("*/*, application/did+json"), Document(Representation::Json)),
            (
                Some("application/did+json;q=0.5, application/did+ld+json;q=0.9"),
                Document(Representation::JsonLd),
            ),
            (Some("text/html, */*;q=0.8"), Resolution),
            (Some("application/did+json;q=0, */*"), Resolution),
        ];
        for (accept, want) in cases {
            assert_eq!(ResponseFormat::negotiate(accept).unwrap(), want, "{accept:?}");
        }
    }

    #[test]
    fn negotiation_refuses_unknown_types() {
        for accept in ["text/html", "application/xml, text/plain", "application/did+json;q=0"] {
            let err = ResponseFormat::negotiate(Some(accept)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::RepresentationNotSupported, "{accept}");
        }
    }

    #[test]
    fn status_codes_follow_the_spec() {
        assert_eq!(status_for(ErrorKind::InvalidDid), 400);
        assert_eq!(status_for(ErrorKind::InvalidDidUrl), 400);
        assert_eq!(status_for(ErrorKind::NotFound), 404);
        assert_eq!(status_for(ErrorKind::RepresentationNotSupported), 406);
        assert_eq!(status_for(ErrorKind::MethodNotSupported), 501);
        assert_eq!(status_for(ErrorKind::InternalError), 500);
        for kind in [
            ErrorKind::InvalidDid,
            ErrorKind::NotFound,
            ErrorKind::RepresentationNotSupported,
            ErrorKind::MethodNotSupported,
            ErrorKind::InternalError,
        ] {
            assert_eq!(kind_for_status(status_for(kind)), kind);
        }
    }

    #[test]
    fn percent_encoding_round_trips() {
        for s in [
            "did:example:123?service=a&relativeRef=/x#key-1",
            "did:web:example.com%3A8080",
            "ü",
        ] {
            let encoded = percent_encode_component(s);
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
            );
            assert_eq!(percent_decode(&encoded).as_deref(), Some(s));
        }
        assert_eq!(percent_decode("did%3Aexample%3a1").as_deref(), Some("did:example:1"));
        assert_eq!(percent_decode("bad%2"), None);
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
    }
}
