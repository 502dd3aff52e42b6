//! The method registry: default methods, custom drivers, routing and errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use xinlian_did_core::{
    Dereferenced, Did, Document, DocumentMetadata, ErrorKind, KeyType, Resolution, ResolutionOptions, Resolver,
    SecretKey, method,
};
use xinlian_resolver::{Error, MethodRegistry};

/// A toy driver for did:example: `did:example:missing` does not exist, every
/// other DID has an empty document. Counts its calls.
#[derive(Default)]
struct ExampleMethod {
    calls: AtomicUsize,
}

#[async_trait]
impl Resolver for ExampleMethod {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if did.method_specific_id() == "missing" {
            return Err(xinlian_did_core::Error::NotFound { what: did.to_string() });
        }
        Resolution::new(Document::new(did.clone()), DocumentMetadata::default(), options)
    }
}

fn options() -> ResolutionOptions {
    ResolutionOptions::default()
}

#[tokio::test]
async fn did_key_and_did_jwk_resolve_by_default() {
    let registry = MethodRegistry::new();
    let key = SecretKey::generate(KeyType::Ed25519).unwrap().public_key();
    let did_key = method::key::did_for(&key);
    assert_eq!(
        registry.resolve(&did_key, &options()).await.unwrap().document.id,
        did_key
    );

    let p256 = SecretKey::generate(KeyType::P256).unwrap().public_key();
    let did_jwk = method::jwk::did_for(&p256);
    assert_eq!(
        registry.resolve(&did_jwk, &options()).await.unwrap().document.id,
        did_jwk
    );
}

#[tokio::test]
async fn a_custom_driver_gets_its_methods_dids_only() {
    let example = Arc::new(ExampleMethod::default());
    let mut registry = MethodRegistry::new();
    assert!(
        registry
            .register_arc("example", Arc::clone(&example) as Arc<dyn Resolver>)
            .unwrap()
            .is_none()
    );
    assert!(registry.supports("example"));
    assert_eq!(registry.methods().collect::<Vec<_>>(), ["example", "jwk", "key"]);

    let res = registry.resolve_str("did:example:abc", &options()).await.unwrap();
    assert_eq!(res.document.id.as_str(), "did:example:abc");
    let err = registry
        .resolve_str("did:example:missing", &options())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let key = method::key::did_for(&SecretKey::generate(KeyType::Ed25519).unwrap().public_key());
    registry.resolve(&key, &options()).await.unwrap();
    assert_eq!(
        example.calls.load(Ordering::SeqCst),
        2,
        "did:key must not reach the example driver"
    );
}

#[tokio::test]
async fn a_registered_driver_replaces_a_default_one() {
    let mut registry = MethodRegistry::new();
    let replaced = registry.register("key", ExampleMethod::default()).unwrap();
    assert!(replaced.is_some());
    // The toy driver accepts any id, which the did:key driver would not.
    let res = registry.resolve_str("did:key:anything", &options()).await.unwrap();
    assert_eq!(res.document.id.as_str(), "did:key:anything");

    assert!(registry.unregister("key").is_some());
    let err = registry.resolve_str("did:key:anything", &options()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MethodNotSupported);
}

#[tokio::test]
async fn unknown_methods_are_not_supported() {
    let registry = MethodRegistry::new();
    let err = registry.resolve_str("did:nope:123", &options()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MethodNotSupported);
    assert!(err.to_string().contains("nope"), "{err}");

    let empty = MethodRegistry::empty();
    let key = method::key::did_for(&SecretKey::generate(KeyType::Ed25519).unwrap().public_key());
    assert_eq!(
        empty.resolve(&key, &options()).await.unwrap_err().kind(),
        ErrorKind::MethodNotSupported
    );
}

#[tokio::test]
async fn bad_input_is_an_invalid_did() {
    let registry = MethodRegistry::new();
    for input in ["", "did:", "did:key", "did:Key:abc", "not-a-did", "did:key:abc#frag"] {
        let err = registry.resolve_str(input, &options()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidDid, "{input:?}");
    }
    let err = registry.dereference_str("did:key:%zz", &options()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidDidUrl);
    // A well-formed did:key whose key does not decode is the driver's error.
    let err = registry.resolve_str("did:key:zBadKey", &options()).await.unwrap_err();
    assert_ne!(err.kind(), ErrorKind::MethodNotSupported);
}

#[test]
fn method_names_are_validated() {
    let mut registry = MethodRegistry::new();
    for bad in ["", "Example", "did:example", "ex-ample", "ex ample"] {
        match registry.register(bad, ExampleMethod::default()) {
            Err(Error::InvalidMethodName { method, .. }) => assert_eq!(method, bad),
            Err(other) => panic!("{bad:?}: expected InvalidMethodName, got {other:?}"),
            Ok(_) => panic!("{bad:?}: registered"),
        }
    }
    assert!(
        MethodRegistry::empty()
            .with("example2", ExampleMethod::default())
            .is_ok()
    );
}

#[tokio::test]
async fn dereferences_through_the_routed_driver() {
    let registry = MethodRegistry::new();
    let secret = SecretKey::generate(KeyType::Ed25519).unwrap();
    let did = method::key::did_for(&secret.public_key());
    let url = format!("{did}#{}", did.method_specific_id());
    let dereferenced = registry.dereference_str(&url, &options()).await.unwrap();
    match dereferenced.content {
        Dereferenced::VerificationMethod(vm) => assert_eq!(vm.public_key().unwrap(), secret.public_key()),
        other => panic!("expected a verification method, got {other:?}"),
    }
    let err = registry
        .dereference_str(&format!("{did}#no-such-key"), &options())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = registry
        .dereference_str("did:nope:1#key", &options())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MethodNotSupported);
}

#[tokio::test]
async fn the_registry_is_shareable_across_tasks() {
    let registry = Arc::new(MethodRegistry::new().with("example", ExampleMethod::default()).unwrap());
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let registry = Arc::clone(&registry);
            tokio::spawn(async move {
                registry
                    .resolve_str(&format!("did:example:{i}"), &ResolutionOptions::default())
                    .await
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(
            task.await.unwrap().unwrap().document.id.as_str(),
            format!("did:example:{i}")
        );
    }
}
