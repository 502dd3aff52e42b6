//! The context loader: bundled contexts only, never the network, plus the
//! cache of processed `@context` values.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use ssi_json_ld::json_ld::iref::{Iri, IriBuf};
use ssi_json_ld::json_ld::{Context, LoadError, Loader, RemoteDocument};

use crate::error::{Error, Result};

/// VC Data Model 1.1 base context.
pub const CREDENTIALS_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// VC Data Model 2.0 base context.
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// Data Integrity v1 context.
pub const DATA_INTEGRITY_V1_CONTEXT: &str = "https://w3id.org/security/data-integrity/v1";
/// Data Integrity v2 context (`DataIntegrityProof`, `cryptosuite`, ...).
pub const DATA_INTEGRITY_V2_CONTEXT: &str = "https://w3id.org/security/data-integrity/v2";
/// Multikey v1 context.
pub const MULTIKEY_V1_CONTEXT: &str = "https://w3id.org/security/multikey/v1";
/// Ed25519Signature2020 / Ed25519VerificationKey2020 context.
pub const ED25519_2020_V1_CONTEXT: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
/// Open Badges 3.0 context, version 3.0.3.
pub const OPEN_BADGES_V3_0_3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// Bitstring Status List v1 context.
pub const BITSTRING_STATUS_LIST_V1_CONTEXT: &str = "https://www.w3.org/ns/credentials/status/v1";

/// The standard contexts compiled into the crate (sources and versions in
/// `vc/contexts/README.md`).
const STANDARD_CONTEXTS: &[(&str, &str)] = &[
    (
        CREDENTIALS_V1_CONTEXT,
        include_str!("../../contexts/credentials-v1.jsonld"),
    ),
    (
        CREDENTIALS_V2_CONTEXT,
        include_str!("../../contexts/credentials-v2.jsonld"),
    ),
    (
        DATA_INTEGRITY_V1_CONTEXT,
        include_str!("../../contexts/data-integrity-v1.jsonld"),
    ),
    (
        DATA_INTEGRITY_V2_CONTEXT,
        include_str!("../../contexts/data-integrity-v2.jsonld"),
    ),
    (MULTIKEY_V1_CONTEXT, include_str!("../../contexts/multikey-v1.jsonld")),
    (
        ED25519_2020_V1_CONTEXT,
        include_str!("../../contexts/ed25519-signature-2020-v1.jsonld"),
    ),
    (
        OPEN_BADGES_V3_0_3_CONTEXT,
        include_str!("../../contexts/open-badges-v3p0-context-3.0.3.json"),
    ),
    (
        BITSTRING_STATUS_LIST_V1_CONTEXT,
        include_str!("../../contexts/bitstring-status-list-v1.jsonld"),
    ),
    // Open Badges 3.0.0 (the unversioned URL), 3.0.1, 3.0.2, the Open Badges
    // extensions context, and CLR 2.0 (2.0.0 and 2.0.1).
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        include_str!("../../contexts/open-badges-v3p0-context.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!("../../contexts/open-badges-v3p0-context-3.0.1.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!("../../contexts/open-badges-v3p0-context-3.0.2.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_str!("../../contexts/open-badges-v3p0-extensions.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
        include_str!("../../contexts/clr-v2p0-context.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        include_str!("../../contexts/clr-v2p0-context-2.0.1.json"),
    ),
];

/// How many distinct processed `@context` values a loader keeps. Inline
/// contexts are attacker-chosen, so the cache must not grow without bound;
/// past this many entries new contexts are processed but not kept.
const PROCESSED_CACHE_LIMIT: usize = 256;

/// A processed (active) JSON-LD context, as expansion starts from it.
pub(crate) type ProcessedContext = Context<IriBuf, ssi_json_ld::json_ld::BlankIdBuf>;

/// Serves JSON-LD context documents to the expansion algorithm from memory:
/// the bundled standard contexts, Xinlian's own contexts, and the ones a
/// caller adds with [`ContextLoader::with`]. It never touches the network;
/// a context it does not hold fails expansion with
/// [`Error::UnknownContext`] naming the URL.
///
/// A loader also caches the result of processing each distinct top-level
/// `@context` value it has seen, so verifying many credentials that share
/// contexts processes them once. Clones share the cache; [`ContextLoader::with`]
/// starts a fresh one.
///
/// ```
/// use xinlian_vc::jsonld::ContextLoader;
///
/// let loader = ContextLoader::new()
///     .with("https://example.org/contexts/alumni/v1", r#"{"@context": {"alumniOf": "https://schema.org/alumniOf"}}"#)?;
/// assert!(loader.contains("https://example.org/contexts/alumni/v1"));
/// assert!(loader.contains("https://www.w3.org/ns/credentials/v2"));
/// assert!(!loader.contains("https://example.org/unknown"));
/// # Ok::<(), xinlian_vc::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ContextLoader {
    added: Arc<HashMap<String, Arc<json_syntax::Value>>>,
    processed: Arc<Mutex<HashMap<String, Arc<ProcessedContext>>>>,
}

impl ContextLoader {
    /// A loader with the bundled contexts only.
    pub fn new() -> ContextLoader {
        ContextLoader::default()
    }

    /// The process-wide loader with the bundled contexts only. The RDF
    /// cryptosuites use it when the caller passes no loader, so its cache of
    /// processed contexts serves every verification in the process.
    pub fn shared() -> &'static ContextLoader {
        static SHARED: OnceLock<ContextLoader> = OnceLock::new();
        SHARED.get_or_init(ContextLoader::new)
    }

    /// The loader plus the context document `json` served at `url`.
    ///
    /// `url` must be an absolute IRI and `json` a JSON object with an
    /// `@context` entry. A bundled context cannot be replaced by a different
    /// document (a verifier must not be tricked into reading, say, the
    /// credentials v2 terms differently); adding identical JSON is allowed.
    pub fn with(self, url: &str, json: &str) -> Result<ContextLoader> {
        let bad = |reason: String| Error::JsonLd {
            path: String::new(),
            reason: format!("context document for {url}: {reason}"),
        };
        IriBuf::new(url.to_owned()).map_err(|_| bad("the URL is not an absolute IRI".into()))?;
        let value = parse_document(json).map_err(bad)?;
        if value.as_object().is_none_or(|o| o.get("@context").next().is_none()) {
            return Err(bad("the document is not a JSON object with an @context entry".into()));
        }
        if let Some(bundled) = bundled(url) {
            let same = parse_document(bundled).is_ok_and(|b| b == value);
            if !same {
                return Err(bad(
                    "a different document is bundled for this URL and cannot be replaced".into(),
                ));
            }
        }
        let mut added = (*self.added).clone();
        added.insert(url.to_owned(), Arc::new(value));
        Ok(ContextLoader {
            added: Arc::new(added),
            processed: Arc::default(),
        })
    }

    /// Whether the loader can serve `url`.
    pub fn contains(&self, url: &str) -> bool {
        self.added.contains_key(url) || bundled(url).is_some()
    }

    /// The URLs of the standard contexts bundled in the crate (Xinlian's own
    /// contexts come on top of these).
    pub fn standard_context_urls() -> impl Iterator<Item = &'static str> {
        STANDARD_CONTEXTS.iter().map(|(url, _)| *url)
    }

    /// The document for `url`, parsed.
    fn document(&self, url: &str) -> Option<std::result::Result<json_syntax::Value, String>> {
        if let Some(v) = self.added.get(url) {
            return Some(Ok((**v).clone()));
        }
        bundled(url).map(parse_document)
    }

    /// The processed context cached under `key` (the JSON text of an
    /// `@context` value).
    pub(crate) fn cached(&self, key: &str) -> Option<Arc<ProcessedContext>> {
        self.processed.lock().ok().and_then(|cache| cache.get(key).cloned())
    }

    /// Keeps a processed context under `key`, unless the cache is full.
    pub(crate) fn remember(&self, key: String, context: Arc<ProcessedContext>) {
        if let Ok(mut cache) = self.processed.lock()
            && cache.len() < PROCESSED_CACHE_LIMIT
        {
            cache.insert(key, context);
        }
    }
}

impl fmt::Debug for ContextLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut added: Vec<&str> = self.added.keys().map(String::as_str).collect();
        added.sort_unstable();
        f.debug_struct("ContextLoader")
            .field("added", &added)
            .finish_non_exhaustive()
    }
}

/// A bundled context: a standard one, or one of Xinlian's own.
fn bundled(url: &str) -> Option<&'static str> {
    STANDARD_CONTEXTS
        .iter()
        .find(|(u, _)| *u == url)
        .map(|(_, doc)| *doc)
        .or_else(|| crate::credential::bundled_context(url))
}

fn parse_document(json: &str) -> std::result::Result<json_syntax::Value, String> {
    use json_syntax::Parse as _;
    json_syntax::Value::parse_str(json)
        .map(|(value, _)| value)
        .map_err(|e| format!("invalid JSON: {e}"))
}

/// Why the loader could not serve a URL; turned into
/// [`Error::UnknownContext`] or [`Error::JsonLd`] by the canonicalizer.
#[derive(Debug)]
pub(crate) enum LoadFailure {
    /// Neither bundled nor added.
    Unknown,
    /// The stored document does not parse (only possible for a bundled
    /// document, which the tests rule out).
    Invalid(String),
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadFailure::Unknown => f.write_str("context is not bundled and was not added to the loader"),
            LoadFailure::Invalid(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for LoadFailure {}

impl Loader for ContextLoader {
    async fn load(&self, url: &Iri) -> std::result::Result<RemoteDocument<IriBuf>, LoadError> {
        match self.document(url.as_str()) {
            Some(Ok(value)) => Ok(RemoteDocument::new(Some(url.to_owned()), None, value)),
            Some(Err(reason)) => Err(LoadError::new(url.to_owned(), LoadFailure::Invalid(reason))),
            None => Err(LoadError::new(url.to_owned(), LoadFailure::Unknown)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_parses_and_has_a_context_entry() {
        for (url, doc) in STANDARD_CONTEXTS {
            let value = parse_document(doc).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(value.as_object().unwrap().get("@context").next().is_some(), "{url}");
        }
    }

    #[test]
    fn added_contexts_are_served_and_bad_ones_are_refused() {
        let loader = ContextLoader::new()
            .with(
                "https://example.org/ctx",
                r#"{"@context": {"a": "https://example.org/a"}}"#,
            )
            .unwrap();
        assert!(loader.contains("https://example.org/ctx"));
        assert!(loader.contains(CREDENTIALS_V2_CONTEXT));

        let not_json = ContextLoader::new().with("https://example.org/ctx", "{").unwrap_err();
        assert!(not_json.to_string().contains("https://example.org/ctx"), "{not_json}");
        let no_context = ContextLoader::new()
            .with("https://example.org/ctx", r#"{"a": 1}"#)
            .unwrap_err();
        assert!(no_context.to_string().contains("@context"), "{no_context}");
        let relative = ContextLoader::new()
            .with("ctx.json", r#"{"@context": {}}"#)
            .unwrap_err();
        assert!(relative.to_string().contains("absolute IRI"), "{relative}");
    }

    #[test]
    fn a_bundled_context_cannot_be_replaced() {
        let err = ContextLoader::new()
            .with(
                CREDENTIALS_V2_CONTEXT,
                r#"{"@context": {"issuer": "https://evil.example/issuer"}}"#,
            )
            .unwrap_err();
        assert!(err.to_string().contains("cannot be replaced"), "{err}");
        // The identical document is accepted (whitespace does not matter).
        let same = STANDARD_CONTEXTS[1].1.replace('\n', " ");
        ContextLoader::new().with(CREDENTIALS_V2_CONTEXT, &same).unwrap();
    }

    #[test]
    fn xinlian_contexts_are_served() {
        let loader = ContextLoader::new();
        for url in crate::credential::bundled_context_urls() {
            assert!(loader.contains(url), "{url}");
            let doc = loader.document(url).unwrap().unwrap();
            assert!(doc.as_object().unwrap().get("@context").next().is_some(), "{url}");
        }
    }

    #[test]
    fn debug_lists_added_urls() {
        let loader = ContextLoader::new()
            .with("https://example.org/ctx", r#"{"@context": {}}"#)
            .unwrap();
        assert!(format!("{loader:?}").contains("https://example.org/ctx"));
    }
}
