//! The JSON-LD context memo (the workspace's patched `json-ld-core` and
//! `json-ld-context-processing`, see `vendor/README.md`): a scoped context
//! processed once on an active context is not processed again. These tests
//! pin that remembered results are the results: the same scoped context on
//! different active contexts gives different IRIs, strict expansion still
//! names undefined terms once everything is remembered, and dropping the
//! contexts frees every remembered result (no reference cycles).
#![cfg(feature = "jsonld")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Mutex;

use serde_json::{Map, Value, json};
use ssi_json_ld::json_ld::context::remembered_results;
use xinlian_vc::Error;
use xinlian_vc::jsonld::{ContextLoader, canonicalize};

/// The tests read the process-wide count of remembered results, so they run
/// one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

/// `Tagged` has a type-scoped context defining `label` as the compact IRI
/// `ex:label`; the `child` property redefines the `ex` prefix for its value.
/// The same scoped context, processed on the two active contexts, must give
/// two different IRIs for `label`.
fn same_scoped_context_two_active_contexts() -> Map<String, Value> {
    object(json!({
        "@context": {
            "ex": "https://top.example/",
            "Tagged": {"@id": "https://example.org/Tagged", "@context": {"label": "ex:label"}},
            "child": {"@id": "https://example.org/child", "@context": {"ex": "https://child.example/"}},
            "sibling": "https://example.org/sibling"
        },
        "@id": "urn:example:root",
        "child": {"@id": "urn:example:a", "@type": "Tagged", "label": "under child"},
        "sibling": {"@id": "urn:example:b", "@type": "Tagged", "label": "under sibling"}
    }))
}

/// The Open Badges 3.0 diploma of the rdfc benchmarks.
fn diploma() -> Map<String, Value> {
    serde_json::from_str(include_str!("../benches/support/ob-diploma.json")).unwrap()
}

#[test]
fn a_scoped_context_is_remembered_per_active_context() {
    let _serial = serial();
    let loader = ContextLoader::new();
    let doc = same_scoped_context_two_active_contexts();
    let first = canonicalize(&doc, &loader).unwrap();
    for line in [
        "<urn:example:a> <https://child.example/label> \"under child\" .\n",
        "<urn:example:b> <https://top.example/label> \"under sibling\" .\n",
        "<urn:example:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/Tagged> .\n",
        "<urn:example:root> <https://example.org/child> <urn:example:a> .\n",
        "<urn:example:root> <https://example.org/sibling> <urn:example:b> .\n",
    ] {
        assert!(first.contains(line), "missing {line:?} in\n{first}");
    }
    assert_eq!(first.lines().count(), 6, "{first}");
    // Everything is remembered now; the second run must not mix the two up.
    assert_eq!(canonicalize(&doc, &loader).unwrap(), first);
    // Nor may a document that meets the contexts in the other order.
    let mut swapped = doc.clone();
    let child = swapped.shift_remove("child").unwrap();
    swapped.insert("child".into(), child);
    assert_eq!(canonicalize(&swapped, &loader).unwrap(), first);
}

#[test]
fn strict_expansion_still_names_undefined_terms_once_contexts_are_remembered() {
    let _serial = serial();
    let loader = ContextLoader::new();
    let valid = object(json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s"}
    }));
    let mut invalid = valid.clone();
    invalid["credentialSubject"]["degree"] = json!("BSc");
    for _ in 0..2 {
        canonicalize(&valid, &loader).unwrap();
        match canonicalize(&invalid, &loader).unwrap_err() {
            Error::JsonLd { path, reason } => {
                assert_eq!(path, "/credentialSubject/degree");
                assert!(reason.contains("\"degree\""), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn dropping_the_contexts_frees_every_remembered_result() {
    let _serial = serial();
    let before = remembered_results();
    {
        let loader = ContextLoader::new();
        let first = canonicalize(&diploma(), &loader).unwrap();
        canonicalize(&same_scoped_context_two_active_contexts(), &loader).unwrap();
        let remembered = remembered_results();
        assert!(remembered > before, "{remembered} results remembered, {before} before");
        // A second verification of the same shape remembers nothing new.
        assert_eq!(canonicalize(&diploma(), &loader).unwrap(), first);
        assert_eq!(remembered_results(), remembered);
    }
    assert_eq!(remembered_results(), before);
}
