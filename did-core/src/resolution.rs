//! DID resolution: the [`Resolver`] trait and the DID Resolution data model
//! (options, document metadata, resolution metadata, representations).

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::did::Did;
use crate::document::{DID_CONTEXT_V1, Document};
use crate::error::{Error, ErrorKind, Result};

/// Media type of a DID resolution result (document plus metadata).
pub const DID_RESOLUTION_MEDIA_TYPE: &str = "application/did-resolution";
/// Context of a DID resolution result.
pub const DID_RESOLUTION_CONTEXT: &str = "https://w3id.org/did-resolution/v1";

/// Resolves DIDs to DID documents.
///
/// Implementations return `Err` with the matching [`ErrorKind`] when
/// resolution fails; a deactivated DID resolves successfully with
/// `deactivated: true` in its document metadata.
#[async_trait]
pub trait Resolver: Send + Sync {
    /// Resolves `did` with `options`.
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> Result<Resolution>;
}

#[async_trait]
impl<T: Resolver + ?Sized> Resolver for Arc<T> {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> Result<Resolution> {
        (**self).resolve(did, options).await
    }
}

#[async_trait]
impl<T: Resolver + ?Sized> Resolver for Box<T> {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> Result<Resolution> {
        (**self).resolve(did, options).await
    }
}

#[async_trait]
impl<T: Resolver + ?Sized> Resolver for &T {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> Result<Resolution> {
        (**self).resolve(did, options).await
    }
}

/// DID resolution options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolutionOptions {
    /// Requested representation media type (an HTTP `Accept` value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// Resolve this version of the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// Resolve the version valid at this time (XML Schema dateTime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_time: Option<String>,
    /// Bypass caches.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_cache: bool,
    /// Method-specific options.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// DID document metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentMetadata {
    /// When the DID was created (XML Schema dateTime, UTC, no sub-seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the resolved version was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// True if the DID has been deactivated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
    /// When the next version was made, if the resolved one is not the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update: Option<String>,
    /// The resolved version's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// The next version's id, if the resolved one is not the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_version_id: Option<String>,
    /// Equivalent DIDs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equivalent_id: Vec<String>,
    /// The canonical DID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_id: Option<String>,
    /// Method-specific metadata.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DocumentMetadata {
    /// Whether the metadata says the DID is deactivated.
    pub fn is_deactivated(&self) -> bool {
        self.deactivated == Some(true)
    }
}

/// DID resolution metadata of a successful resolution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolutionMetadata {
    /// The media type of the document representation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Method-specific metadata.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A successful resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The DID document.
    pub document: Document,
    /// Metadata about the document.
    pub document_metadata: DocumentMetadata,
    /// Metadata about the resolution.
    pub resolution_metadata: ResolutionMetadata,
}

impl Resolution {
    /// A resolution of `document`, in the representation `options.accept`
    /// asks for (refused with `representationNotSupported` if none fits).
    pub fn new(document: Document, document_metadata: DocumentMetadata, options: &ResolutionOptions) -> Result<Self> {
        let representation = Representation::negotiate(options.accept.as_deref())?;
        Ok(Resolution {
            document,
            document_metadata,
            resolution_metadata: ResolutionMetadata {
                content_type: Some(representation.media_type().to_owned()),
                extra: Map::new(),
            },
        })
    }

    /// The representation recorded in the resolution metadata (JSON-LD
    /// unless plain JSON was asked for).
    pub fn representation(&self) -> Representation {
        match self.resolution_metadata.content_type.as_deref() {
            Some(t) if t == Representation::Json.media_type() => Representation::Json,
            _ => Representation::JsonLd,
        }
    }

    /// The document in its representation, as bytes.
    pub fn document_bytes(&self) -> Vec<u8> {
        self.representation().serialize(&self.document)
    }
}

/// DID document representations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Representation {
    /// `application/did+json`
    Json,
    /// `application/did+ld+json`
    JsonLd,
}

impl Representation {
    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Representation::Json => "application/did+json",
            Representation::JsonLd => "application/did+ld+json",
        }
    }

    /// Picks a representation for an HTTP `Accept` value (media ranges with
    /// optional `q` weights). `None`, `*/*` and `application/*` give
    /// JSON-LD; `application/json` gives plain JSON; anything else
    /// unsupported is a `representationNotSupported` error.
    pub fn negotiate(accept: Option<&str>) -> Result<Representation> {
        let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
            return Ok(Representation::JsonLd);
        };
        let mut best: Option<(f32, Representation)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            // Parameter names are case-insensitive (RFC 9110 §5.6.6).
            let q = parts
                .map(|p| p.trim().to_ascii_lowercase())
                .filter_map(|p| p.strip_prefix("q=").map(str::to_owned))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let rep = match media.as_str() {
                "application/did+ld+json" | "application/ld+json" | "*/*" | "application/*" => Representation::JsonLd,
                "application/did+json" | "application/json" => Representation::Json,
                // A resolution result carries a JSON-LD document.
                m if m == DID_RESOLUTION_MEDIA_TYPE => Representation::JsonLd,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, rep));
            }
        }
        best.map(|(_, r)| r).ok_or_else(|| Error::RepresentationNotSupported {
            media_type: accept.to_owned(),
        })
    }

    /// Serializes a document: JSON-LD makes sure `@context` is present.
    pub fn serialize(self, document: &Document) -> Vec<u8> {
        let mut value = document.to_value();
        if self == Representation::JsonLd
            && let Value::Object(map) = &mut value
            && !map.contains_key("@context")
        {
            let mut with_context = Map::new();
            with_context.insert("@context".into(), Value::String(DID_CONTEXT_V1.into()));
            with_context.extend(std::mem::take(map));
            *map = with_context;
        }
        serde_json::to_vec(&value).unwrap_or_default()
    }
}

/// The `application/did-resolution` JSON object for a resolution result,
/// successful or not (errors go into `didResolutionMetadata.error`).
pub fn resolution_result_json(result: &Result<Resolution>) -> Value {
    match result {
        Ok(res) => json!({
            "@context": DID_RESOLUTION_CONTEXT,
            "didDocument": res.document,
            "didResolutionMetadata": res.resolution_metadata,
            "didDocumentMetadata": res.document_metadata,
        }),
        Err(e) => json!({
            "@context": DID_RESOLUTION_CONTEXT,
            "didDocument": null,
            "didResolutionMetadata": { "error": e.kind().as_str(), "errorMessage": e.to_string() },
            "didDocumentMetadata": {},
        }),
    }
}

/// Reads an `application/did-resolution` JSON object (as returned by a
/// universal resolver) back into a result.
pub fn parse_resolution_result(value: &Value) -> Result<Resolution> {
    let metadata = value
        .get("didResolutionMetadata")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    if let Some(code) = metadata
        .get("error")
        .and_then(|e| e.as_str().or_else(|| e.get("type")?.as_str()))
    {
        let message = metadata
            .get("errorMessage")
            .or_else(|| metadata.get("error")?.get("detail"))
            .and_then(Value::as_str)
            .unwrap_or(code)
            .to_owned();
        let code = code.rsplit(['#', '/']).next().unwrap_or(code);
        return Err(error_from_code(code, message));
    }
    let document = Document::from_value(value.get("didDocument").cloned().unwrap_or(Value::Null))?;
    let invalid = |what: &str, e: serde_json::Error| Error::Internal {
        message: format!("malformed {what}: {e}"),
    };
    let document_metadata = serde_json::from_value(value.get("didDocumentMetadata").cloned().unwrap_or(json!({})))
        .map_err(|e| invalid("didDocumentMetadata", e))?;
    let resolution_metadata = serde_json::from_value(metadata).map_err(|e| invalid("didResolutionMetadata", e))?;
    Ok(Resolution {
        document,
        document_metadata,
        resolution_metadata,
    })
}

/// Rebuilds an [`Error`] from a resolution error code and message.
pub fn error_from_code(code: &str, message: String) -> Error {
    match ErrorKind::from_code(code) {
        Some(ErrorKind::InvalidDid) => Error::InvalidDid {
            offset: 0,
            expected: "a valid DID (reported by the resolver)",
        },
        Some(ErrorKind::InvalidDidUrl) => Error::InvalidDidUrl {
            offset: 0,
            expected: "a valid DID URL (reported by the resolver)",
        },
        Some(ErrorKind::NotFound) => Error::NotFound { what: message },
        Some(ErrorKind::RepresentationNotSupported) => Error::RepresentationNotSupported { media_type: message },
        Some(ErrorKind::MethodNotSupported) => Error::MethodNotSupported { method: message },
        Some(ErrorKind::InvalidOptions) => Error::InvalidOptions {
            option: String::new(),
            reason: message,
        },
        Some(ErrorKind::InvalidPublicKey) => Error::InvalidKey { reason: message },
        Some(ErrorKind::UnsupportedPublicKeyType) => Error::UnsupportedKeyType { key_type: message },
        Some(ErrorKind::InvalidDidDocument) => Error::InvalidDocument {
            path: String::new(),
            reason: message,
        },
        Some(ErrorKind::InvalidSignature) => Error::InvalidSignature,
        Some(ErrorKind::InternalError) => Error::Internal { message },
        _ => Error::Internal {
            message: format!("{code}: {message}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{KeyType, SecretKey};
    use crate::method::{StatelessResolver, key};

    fn negotiate(accept: &str) -> Result<Representation> {
        Representation::negotiate(Some(accept))
    }

    #[test]
    fn negotiation_picks_by_media_type_and_weight() {
        use Representation::{Json, JsonLd};
        assert_eq!(Representation::negotiate(None), Ok(JsonLd));
        for (accept, expected) in [
            ("", JsonLd),
            ("  ", JsonLd),
            ("application/did+json", Json),
            ("application/did+ld+json", JsonLd),
            ("application/json", Json),
            ("application/ld+json", JsonLd),
            ("*/*", JsonLd),
            ("application/*", JsonLd),
            ("APPLICATION/DID+JSON", Json),
            ("application/did+ld+json; profile=\"https://w3id.org/did\"", JsonLd),
            ("application/did-resolution", JsonLd),
            ("application/did+json;q=0.5, application/did+ld+json;q=0.9", JsonLd),
            ("application/did+json;q=0.9, application/did+ld+json;q=0.5", Json),
            ("application/did+ld+json;q=0.2, application/did+json", Json),
            ("text/html, application/did+json;q=0.1", Json),
            ("text/html;q=1.0, */*;q=0.1", JsonLd),
            ("application/did+json; q=0.8 , application/did+ld+json ; q=0.7", Json),
            ("application/did+json;Q=0.1, application/did+ld+json;q=0.2", JsonLd),
            // Equal weights: the first listed wins.
            ("application/did+json, application/did+ld+json", Json),
            ("application/did+ld+json, application/did+json", JsonLd),
            // q=0 means "not acceptable".
            ("application/did+ld+json;q=0, application/did+json;q=0.3", Json),
        ] {
            assert_eq!(negotiate(accept), Ok(expected), "{accept:?}");
        }
    }

    #[test]
    fn negotiation_refuses_what_it_cannot_produce() {
        for accept in [
            "text/html",
            "application/xml, text/plain;q=0.5",
            "application/did+json;q=0",
            "application/did+json;q=0, application/did+ld+json;q=0.0",
            "image/*",
            ",,,",
        ] {
            match negotiate(accept) {
                Err(e @ Error::RepresentationNotSupported { .. }) => {
                    assert_eq!(e.kind(), ErrorKind::RepresentationNotSupported);
                    assert_eq!(e.kind().as_str(), "representationNotSupported");
                    assert!(e.to_string().contains(accept), "{e}");
                }
                other => panic!("{accept:?}: {other:?}"),
            }
        }
    }

    fn did_key() -> Did {
        key::did_for(&SecretKey::from_bytes(KeyType::Ed25519, &[9; 32]).unwrap().public_key())
    }

    #[test]
    fn resolution_records_and_writes_the_representation() {
        let resolver = StatelessResolver::new();
        let did = did_key();
        let json = ResolutionOptions {
            accept: Some("application/did+json".into()),
            ..ResolutionOptions::default()
        };
        let resolved = pollster::block_on(resolver.resolve(&did, &json)).unwrap();
        assert_eq!(resolved.representation(), Representation::Json);
        assert_eq!(
            resolved.resolution_metadata.content_type.as_deref(),
            Some("application/did+json")
        );
        let bytes = resolved.document_bytes();
        assert_eq!(
            Document::from_json(std::str::from_utf8(&bytes).unwrap()).unwrap(),
            resolved.document
        );

        let default = pollster::block_on(resolver.resolve(&did, &ResolutionOptions::default())).unwrap();
        assert_eq!(default.representation(), Representation::JsonLd);
        assert_eq!(
            default.resolution_metadata.content_type.as_deref(),
            Some("application/did+ld+json")
        );

        let html = ResolutionOptions {
            accept: Some("text/html".into()),
            ..ResolutionOptions::default()
        };
        let err = pollster::block_on(resolver.resolve(&did, &html)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RepresentationNotSupported);
    }

    #[test]
    fn json_ld_representation_always_has_a_context() {
        let mut doc = Document::new(did_key());
        doc.context = None;
        let ld: Value = serde_json::from_slice(&Representation::JsonLd.serialize(&doc)).unwrap();
        assert_eq!(ld["@context"], DID_CONTEXT_V1);
        assert_eq!(
            ld.as_object().unwrap().keys().next().map(String::as_str),
            Some("@context")
        );
        let plain: Value = serde_json::from_slice(&Representation::Json.serialize(&doc)).unwrap();
        assert!(plain.get("@context").is_none());
        assert_eq!(plain["id"], doc.id.as_str());
        // An existing context is left alone.
        doc.add_context(crate::document::MULTIKEY_CONTEXT_V1);
        let ld: Value = serde_json::from_slice(&Representation::JsonLd.serialize(&doc)).unwrap();
        assert_eq!(Some(&ld["@context"]), doc.context.as_ref());
    }

    #[test]
    fn resolution_result_round_trips() {
        let resolver = StatelessResolver::new();
        let mut resolved = resolver
            .resolve_sync(&did_key(), &ResolutionOptions::default())
            .unwrap();
        resolved.document_metadata = DocumentMetadata {
            created: Some("2024-01-01T00:00:00Z".into()),
            deactivated: Some(false),
            version_id: Some("3".into()),
            equivalent_id: vec!["did:example:alias".into()],
            extra: [("methodSpecific".to_owned(), json!({"a": 1}))].into_iter().collect(),
            ..DocumentMetadata::default()
        };
        resolved.resolution_metadata.extra.insert("duration".into(), json!(12));
        let value = resolution_result_json(&Ok(resolved.clone()));
        assert_eq!(value["@context"], DID_RESOLUTION_CONTEXT);
        assert_eq!(value["didDocumentMetadata"]["versionId"], "3");
        assert_eq!(value["didResolutionMetadata"]["contentType"], "application/did+ld+json");
        assert_eq!(parse_resolution_result(&value), Ok(resolved.clone()));
        // Through text, as a resolver client would see it.
        let text = serde_json::to_string(&value).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parse_resolution_result(&back), Ok(resolved));

        let deactivated = DocumentMetadata {
            deactivated: Some(true),
            ..DocumentMetadata::default()
        };
        assert!(deactivated.is_deactivated() && !DocumentMetadata::default().is_deactivated());
    }

    #[test]
    fn resolution_errors_round_trip_by_kind() {
        let errors = [
            Error::InvalidDid {
                offset: 3,
                expected: "x",
            },
            Error::InvalidDidUrl {
                offset: 3,
                expected: "x",
            },
            Error::invalid_key("bad"),
            Error::UnsupportedKeyType { key_type: "RSA".into() },
            Error::InvalidSignature,
            Error::invalid_document("/id", "bad"),
            Error::MethodNotSupported { method: "web".into() },
            Error::NotFound { what: "#k".into() },
            Error::RepresentationNotSupported {
                media_type: "text/html".into(),
            },
            Error::InvalidOptions {
                option: "versionTime".into(),
                reason: "bad".into(),
            },
            Error::Internal { message: "disk".into() },
        ];
        for error in errors {
            let value = resolution_result_json(&Err(error.clone()));
            assert_eq!(value["didDocument"], Value::Null);
            assert_eq!(value["didResolutionMetadata"]["error"], error.kind().as_str());
            assert_eq!(value["didResolutionMetadata"]["errorMessage"], error.to_string());
            let back = parse_resolution_result(&value).unwrap_err();
            assert_eq!(back.kind(), error.kind(), "{error}");
        }
    }

    #[test]
    fn resolution_errors_in_newer_formats_are_understood() {
        for (metadata, kind) in [
            (json!({"error": "notFound"}), ErrorKind::NotFound),
            (json!({"error": "NOT_FOUND"}), ErrorKind::NotFound),
            (json!({"error": "INVALID_DID_URL"}), ErrorKind::InvalidDidUrl),
            (
                json!({"error": {"type": "https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED", "detail": "no web"}}),
                ErrorKind::MethodNotSupported,
            ),
            (
                json!({"error": {"type": "https://w3id.org/security#INVALID_PUBLIC_KEY"}}),
                ErrorKind::InvalidPublicKey,
            ),
            (json!({"error": "somethingElse"}), ErrorKind::InternalError),
        ] {
            let value = json!({"didDocument": null, "didResolutionMetadata": metadata, "didDocumentMetadata": {}});
            let err = parse_resolution_result(&value).unwrap_err();
            assert_eq!(err.kind(), kind, "{value}");
        }
        let detail = json!({"didResolutionMetadata": {"error": {"type": "#NOT_FOUND", "detail": "gone"}}});
        assert_eq!(
            parse_resolution_result(&detail),
            Err(Error::NotFound { what: "gone".into() })
        );
        // A result with neither an error nor a document is a bad document.
        let empty = json!({"didResolutionMetadata": {}});
        assert_eq!(
            parse_resolution_result(&empty).unwrap_err().kind(),
            ErrorKind::InvalidDidDocument
        );
    }

    #[test]
    fn every_error_kind_code_parses_back() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_code(kind.as_str()), Some(kind));
            assert_eq!(kind.to_string(), kind.as_str());
            let upper: String = kind
                .as_str()
                .chars()
                .flat_map(|c| {
                    let sep = c.is_ascii_uppercase().then_some('_');
                    sep.into_iter().chain(std::iter::once(c.to_ascii_uppercase()))
                })
                .collect();
            assert_eq!(ErrorKind::from_code(&upper), Some(kind), "{upper}");
        }
        assert_eq!(ErrorKind::from_code("nope"), None);
        assert_eq!(ErrorKind::from_code(""), None);
    }
}
