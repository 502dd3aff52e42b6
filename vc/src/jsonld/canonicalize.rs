//! Strict JSON-LD expansion (ssi-json-ld) and RDFC-1.0 canonical N-Quads
//! (ssi-rdf), with the processed top-level `@context` cached in the loader.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Waker};

use serde_json::{Map, Value};
use ssi_json_ld::json_ld::IriBuf;
use ssi_json_ld::json_ld::expansion::{Action, Policy};
use ssi_json_ld::json_ld::syntax::TryFromJson as _;
use ssi_json_ld::json_ld::{self, Expand as _, ExpandedDocument, Process as _};

use xinlian_did_core::json::depth_exceeds;

use super::loader::{ContextLoader, LoadFailure, ProcessedContext};
use crate::error::{Error, Result};

/// The hash function RDFC-1.0 uses to tell blank nodes apart. RDFC-1.0
/// defaults to SHA-256; ecdsa-rdfc-2019 with P-384 keys runs it with
/// SHA-384 (the W3C vectors' blank node labels depend on it).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RdfcHash {
    /// SHA-256, the RDFC-1.0 default (eddsa-rdfc-2022, ecdsa-rdfc-2019 with
    /// P-256, Ed25519Signature2020).
    #[default]
    Sha256,
    /// SHA-384 (ecdsa-rdfc-2019 with P-384).
    Sha384,
}

/// The RDFC-1.0 canonical N-Quads of a JSON-LD document: JSON-LD expansion
/// with contexts from `loader`, deserialization to RDF, canonicalization
/// with SHA-256. Each quad is one line ending in `\n`, lines in code point
/// order, blank nodes labelled `_:c14n0`, `_:c14n1`, ...
///
/// Expansion is strict: a property or type that no context defines is an
/// [`Error::JsonLd`] naming the term and its JSON pointer (standard JSON-LD
/// would drop it, so it would escape the signature), and a context the
/// loader does not hold is an [`Error::UnknownContext`]. Terms that reach
/// an IRI through a context's `@vocab` (VC 2.0's issuer-dependent
/// vocabulary) are defined and are signed.
pub fn canonicalize(document: &Map<String, Value>, loader: &ContextLoader) -> Result<String> {
    canonicalize_view(document, &[], &[], RdfcHash::Sha256, loader)
}

/// [`canonicalize`] with the RDFC-1.0 hash function chosen.
pub fn canonicalize_with(document: &Map<String, Value>, hash: RdfcHash, loader: &ContextLoader) -> Result<String> {
    canonicalize_view(document, &[], &[], hash, loader)
}

/// [`canonicalize_with`] of `document` seen with its top-level entries
/// named in `skip` left out and those in `set` put in (replacing any of the
/// same name), without copying the document first. The RDF cryptosuites
/// use it for the unsecured document (`proof` left out, `@context` possibly
/// set from the proof) and the proof configuration (`proofValue` left out,
/// `@context` set from the document).
pub(crate) fn canonicalize_view(
    document: &Map<String, Value>,
    skip: &[&str],
    set: &[(&str, &Value)],
    hash: RdfcHash,
    loader: &ContextLoader,
) -> Result<String> {
    let deep = document
        .values()
        .chain(set.iter().map(|(_, v)| *v))
        .any(|v| depth_exceeds(v, INLINE_MAX_DEPTH - 1));
    if !deep {
        return canonicalize_here(document, skip, set, hash, loader);
    }
    // JSON-LD expansion recurses once per level with large frames (about
    // 125 KiB per level in a debug build): a document nested beyond a few
    // levels would run a 2 MiB thread (a tokio worker's) out of stack. It
    // runs on a thread of its own with room for the deepest JSON there is.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("xinlian-jsonld".into())
            .stack_size(DEEP_DOCUMENT_STACK_BYTES)
            .spawn_scoped(scope, || canonicalize_here(document, skip, set, hash, loader))
            .map_err(|e| Error::JsonLd {
                path: String::new(),
                reason: format!("cannot start a thread for a deeply nested document: {e}"),
            })?
            .join()
            .unwrap_or_else(|_| {
                Err(Error::JsonLd {
                    path: String::new(),
                    reason: "JSON-LD processing of a deeply nested document failed".into(),
                })
            })
    })
}

/// Documents nested at most this deep are canonicalized on the caller's
/// thread (real credentials nest 5 or 6 levels; 8 levels take under 1.5 MiB
/// of stack in a debug build); deeper ones on a thread of their own.
const INLINE_MAX_DEPTH: usize = 8;

/// The stack of the thread that canonicalizes a deeply nested document:
/// enough for JSON nested 127 levels (the most serde_json parses) in a
/// debug build. Reserved, not committed: only the pages used cost memory.
const DEEP_DOCUMENT_STACK_BYTES: usize = 64 << 20;

/// [`canonicalize_view`] on the current thread.
fn canonicalize_here(
    document: &Map<String, Value>,
    skip: &[&str],
    set: &[(&str, &Value)],
    hash: RdfcHash,
    loader: &ContextLoader,
) -> Result<String> {
    let context = match set.iter().find(|(k, _)| *k == "@context") {
        Some((_, v)) => Some(*v),
        None => document.get("@context"),
    };
    // The top-level @context is applied through the (cached) active context,
    // exactly as expansion would apply it, so it is left out of the body.
    let kept = document
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()) && !set.iter().any(|(s, _)| s == k))
        .map(|(k, v)| (k.as_str(), v));
    let added = set.iter().map(|(k, v)| (*k, *v));
    let body = json_syntax::Value::Object(
        kept.chain(added)
            .filter(|(k, _)| *k != "@context")
            .map(|(k, v)| json_syntax::object::Entry::new(k.into(), to_json_syntax(v)))
            .collect(),
    );
    let input = Input {
        context,
        body,
        base: None,
        strict: true,
        document,
    };
    let quads = super::to_rdf::quads(run_to_completion(expand(input, loader))??);
    canonical_nquads(quads, hash)
}

/// RDFC-1.0 of `quads` with `hash`: `ssi-rdf` for SHA-256, Oxigraph's
/// labels for SHA-384 (`ssi-rdf` implements SHA-256 only), written as
/// canonical N-Quads. A dataset whose blank nodes would need more RDFC-1.0
/// work than `rdfc_budget` allows (a poison graph) is an [`Error::JsonLd`].
pub(super) fn canonical_nquads(quads: Vec<ssi_rdf::LexicalQuad>, hash: RdfcHash) -> Result<String> {
    super::rdfc_budget::check(&quads)?;
    Ok(match hash {
        RdfcHash::Sha256 => {
            let canonical: Vec<ssi_rdf::LexicalQuad> =
                ssi_rdf::urdna2015::normalize(quads.iter().map(|quad| quad.as_lexical_quad_ref())).collect();
            super::nquads::document(&canonical)
        }
        RdfcHash::Sha384 => super::rdfc_sha384::canonical_nquads(quads, RdfcHash::Sha384),
    })
}

/// What [`expand`] expands: the top-level `@context` (processed through the
/// loader's cache) and the rest of the document.
pub(super) struct Input<'a> {
    /// The document's top-level `@context`, if any.
    pub(super) context: Option<&'a Value>,
    /// The document without its top-level `@context`.
    pub(super) body: json_syntax::Value,
    /// The document's base IRI (none for credentials: relative IRIs are
    /// dropped, as JSON-LD drops them).
    pub(super) base: Option<IriBuf>,
    /// Strict expansion (the cryptosuites): an undefined term is an error.
    /// Otherwise standard JSON-LD 1.1 expansion, which drops it.
    pub(super) strict: bool,
    /// The document as given, to point at the entry an error is about.
    pub(super) document: &'a Map<String, Value>,
}

/// Expands `input` with the strict or the standard policy.
pub(super) async fn expand(
    input: Input<'_>,
    loader: &ContextLoader,
) -> Result<ExpandedDocument<json_ld::IriBuf, json_ld::BlankIdBuf>> {
    let active_context = match input.context {
        Some(context) => processed_context(context, input.base.as_ref(), loader).await?,
        None => Arc::new(ProcessedContext::new(input.base.clone())),
    };
    let policy = if input.strict {
        Policy {
            invalid: Action::Reject,
            vocab: Action::Keep,
            allow_undefined: false,
        }
    } else {
        Policy::default()
    };
    let options = json_ld::expansion::Options {
        policy,
        ..Default::default()
    };
    let mut vocabulary = ();
    let expanded = input
        .body
        .expand_full(
            &mut vocabulary,
            (*active_context).clone(),
            input.base.as_ref(),
            loader,
            options,
            (),
        )
        .await
        .map_err(|e| expansion_error(e, input.document, &active_context))?;
    if input.strict {
        super::unsigned::refuse_dropped(&expanded, input.document)?;
    }
    Ok(expanded)
}

/// The active context after processing the document's `@context`, from the
/// loader's cache when this exact `@context` value was processed before
/// (with the same base IRI).
async fn processed_context(
    context: &Value,
    base: Option<&IriBuf>,
    loader: &ContextLoader,
) -> Result<Arc<ProcessedContext>> {
    let key = match base {
        None => context.to_string(),
        Some(base) => format!("{base} {context}"),
    };
    if let Some(hit) = loader.cached(&key) {
        return Ok(hit);
    }
    let local =
        json_ld::syntax::context::Context::try_from_json(to_json_syntax(context)).map_err(|e| Error::JsonLd {
            path: "/@context".into(),
            reason: format!("invalid @context: {e}"),
        })?;
    let mut vocabulary = ();
    let processed = local
        .process_full(
            &mut vocabulary,
            &ProcessedContext::new(base.cloned()),
            loader,
            base.cloned(),
            json_ld::context_processing::Options::default(),
            (),
        )
        .await
        .map_err(|e| context_error(e, "/@context"))?
        .into_processed();
    let processed = Arc::new(processed);
    loader.remember(key, Arc::clone(&processed));
    Ok(processed)
}

pub(super) fn to_json_syntax(value: &Value) -> json_syntax::Value {
    match value {
        Value::Null => json_syntax::Value::Null,
        Value::Bool(b) => json_syntax::Value::Boolean(*b),
        Value::Number(n) => json_syntax::Value::Number(n.clone().into()),
        Value::String(s) => json_syntax::Value::String(s.as_str().into()),
        Value::Array(items) => json_syntax::Value::Array(items.iter().map(to_json_syntax).collect()),
        Value::Object(map) => json_syntax::Value::Object(
            map.iter()
                .map(|(k, v)| json_syntax::object::Entry::new(k.as_str().into(), to_json_syntax(v)))
                .collect(),
        ),
    }
}

fn context_error(e: json_ld::context_processing::Error, path: &str) -> Error {
    if let json_ld::context_processing::Error::ContextLoadingFailed(load) = &e {
        return match load.cause.downcast_ref::<LoadFailure>() {
            Some(LoadFailure::Unknown) | None => Error::UnknownContext {
                url: load.target.to_string(),
            },
            Some(LoadFailure::Invalid(reason)) => Error::JsonLd {
                path: path.to_owned(),
                reason: format!("context {} is not valid JSON: {reason}", load.target),
            },
        };
    }
    Error::JsonLd {
        path: path.to_owned(),
        reason: format!("JSON-LD context processing failed ({}): {e}", e.code()),
    }
}

fn expansion_error(e: json_ld::expansion::Error, document: &Map<String, Value>, context: &ProcessedContext) -> Error {
    use json_ld::expansion::Error as E;
    match e {
        // A scoped context (in a term definition) failed to load or process.
        E::ContextProcessing(inner) => context_error(inner, ""),
        E::KeyExpansionFailed(term) => Error::JsonLd {
            path: pointer_to_key(document, &term).unwrap_or_default(),
            reason: format!("term {term:?} is not defined by any context; JSON-LD would drop it and leave it unsigned"),
        },
        E::InvalidTypeValue => {
            let (path, what) = match undefined_type(document, context) {
                Some((path, ty)) => (path, format!("type {ty:?} is not defined by any context")),
                None => (
                    String::new(),
                    "a type value is not a defined term or an absolute IRI".into(),
                ),
            };
            Error::JsonLd { path, reason: what }
        }
        other => Error::JsonLd {
            path: String::new(),
            reason: format!("JSON-LD expansion failed ({}): {other}", other.code()),
        },
    }
}

/// JSON pointer of the first entry named `key` (depth first, document order).
fn pointer_to_key(document: &Map<String, Value>, key: &str) -> Option<String> {
    fn walk(value: &Value, key: &str, path: &str) -> Option<String> {
        match value {
            Value::Object(map) => find_in(map, key, path),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, key, &format!("{path}/{i}"))),
            _ => None,
        }
    }
    fn find_in(map: &Map<String, Value>, key: &str, path: &str) -> Option<String> {
        map.iter().find_map(|(k, v)| {
            let here = format!("{path}/{}", escape(k));
            if k == key {
                Some(here)
            } else if k == "@context" {
                None
            } else {
                walk(v, key, &here)
            }
        })
    }
    find_in(document, key, "")
}

/// The first `type`/`@type` value that is not an absolute IRI and not a
/// term of the document's top-level context: a best-effort pointer for an
/// undefined type, since the expansion error does not say which value
/// failed (scoped contexts may define more terms than the top level).
fn undefined_type(document: &Map<String, Value>, context: &ProcessedContext) -> Option<(String, String)> {
    fn walk_map(map: &Map<String, Value>, path: &str, context: &ProcessedContext) -> Option<(String, String)> {
        map.iter().find_map(|(k, v)| {
            let here = format!("{path}/{}", escape(k));
            if k == "@context" {
                return None;
            }
            if k == "type" || k == "@type" {
                let values: Vec<(String, &Value)> = match v {
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, t)| (format!("{here}/{i}"), t))
                        .collect(),
                    one => vec![(here.clone(), one)],
                };
                for (p, t) in values {
                    match t.as_str() {
                        Some(s) if !s.contains(':') && !context.contains_term(s) => return Some((p, s.to_owned())),
                        None => return Some((p, t.to_string())),
                        _ => {}
                    }
                }
            }
            walk(v, &here, context)
        })
    }
    fn walk(value: &Value, path: &str, context: &ProcessedContext) -> Option<(String, String)> {
        match value {
            Value::Object(map) => walk_map(map, path, context),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, &format!("{path}/{i}"), context)),
            _ => None,
        }
    }
    walk_map(document, "", context)
}

/// RFC 6901 escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Drives a future that never waits on anything outside itself (the loader
/// answers from memory) to completion, without an async runtime.
pub(super) fn run_to_completion<F: Future>(future: F) -> Result<F::Output> {
    let mut future = pin!(future);
    let mut cx = TaskContext::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => Ok(output),
        Poll::Pending => Err(Error::JsonLd {
            path: String::new(),
            reason: "JSON-LD processing suspended waiting for I/O, which the in-memory loader never does".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn undefined_property_is_an_error_with_its_pointer() {
        let doc = object(json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "issuanceDate": "2020-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:s", "degree": "BSc"}
        }));
        let err = canonicalize(&doc, &ContextLoader::new()).unwrap_err();
        match err {
            Error::JsonLd { path, reason } => {
                assert_eq!(path, "/credentialSubject/degree");
                assert!(reason.contains("\"degree\""), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn undefined_type_is_an_error_with_its_pointer() {
        let doc = object(json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", "DiplomaCredential"],
            "issuer": "did:example:issuer",
            "issuanceDate": "2020-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:s"}
        }));
        let err = canonicalize(&doc, &ContextLoader::new()).unwrap_err();
        assert!(
            matches!(&err, Error::JsonLd { path, .. } if path.starts_with("/type/")),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_context_is_named_and_never_fetched() {
        let doc = object(json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/never-fetched/v1"],
            "type": ["VerifiableCredential"]
        }));
        let err = canonicalize(&doc, &ContextLoader::new()).unwrap_err();
        assert_eq!(
            err,
            Error::UnknownContext {
                url: "https://example.org/never-fetched/v1".into()
            }
        );
    }

    #[test]
    fn processed_contexts_are_cached_and_reused() {
        let loader = ContextLoader::new();
        let doc = object(json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:s", "name": "Ada"}
        }));
        let first = canonicalize(&doc, &loader).unwrap();
        let key = doc["@context"].to_string();
        assert!(loader.cached(&key).is_some());
        assert_eq!(canonicalize(&doc, &loader).unwrap(), first);
        // A fresh loader (no cache) gives the same bytes.
        assert_eq!(canonicalize(&doc, &ContextLoader::new()).unwrap(), first);
    }

    #[test]
    fn skip_leaves_out_top_level_entries() {
        let doc = object(json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:example:1",
            "type": ["VerifiableCredential"],
            "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
        }));
        let without = canonicalize_view(&doc, &["proof"], &[], RdfcHash::Sha256, &ContextLoader::new()).unwrap();
        assert!(!without.contains("cryptosuite"), "{without}");
        assert!(
            canonicalize(&doc, &ContextLoader::new())
                .unwrap()
                .contains("cryptosuite")
        );
    }

    /// Found by the `rdfc_canonicalize` fuzz target: `%83` is a valid
    /// percent-encoding in an IRI (RFC 3987) that does not decode to UTF-8,
    /// and `pct-str` (under `iref`) panicked hashing such an IRI. The
    /// patched `pct-str` (vendor/README.md) compares decoded bytes, so IRIs
    /// that differ only there stay distinct, and equal ones are one node.
    #[test]
    fn regression_percent_encoded_bytes_that_are_not_utf8_in_an_iri() {
        let doc = object(json!({
            "@context": {"knows": {"@id": "https://example.org/knows", "@type": "@id"}},
            "@id": "urn:example:a%83",
            "knows": ["urn:example:b%83", "urn:example:b%84", "urn:example:b%83"]
        }));
        assert_eq!(
            canonicalize(&doc, &ContextLoader::new()).unwrap(),
            "<urn:example:a%83> <https://example.org/knows> <urn:example:b%83> .\n\
             <urn:example:a%83> <https://example.org/knows> <urn:example:b%84> .\n"
        );
    }

    #[test]
    fn json_pointer_tokens_are_escaped() {
        let doc = object(json!({"a/b": {"c~d": 1}}));
        assert_eq!(pointer_to_key(&doc, "c~d").as_deref(), Some("/a~1b/c~0d"));
    }
}
