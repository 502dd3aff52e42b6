//! did:jwk: a DID that is a base64url-encoded public JWK.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::Value;

use crate::did::Did;
use crate::document::{Document, Relationship, VerificationMethod};
use crate::error::{Error, Result};
use crate::key::{Jwk, KeyType, PublicKey};

/// The JSON-LD context did:jwk documents use.
pub const JWS_2020_CONTEXT: &str = "https://w3id.org/security/suites/jws-2020/v1";

/// The did:jwk DID for a public key. The JWK is serialized with its members
/// in lexicographic order and no whitespace (the JCS form of a JWK).
pub fn did_for(key: &PublicKey) -> Did {
    did_for_jwk(&key.to_jwk())
}

/// The did:jwk DID for a JWK (private members are dropped).
///
/// The did:jwk spec does not fix a serialization, so the same key has many
/// DIDs. A JWK read from JSON (for example with [`jwk`] from a did:jwk DID)
/// is written with its members in the order they were read, so decoding a
/// DID and encoding the JWK again gives the same DID. A JWK built in code is
/// written with its members in lexicographic order, without whitespace.
pub fn did_for_jwk(jwk: &Jwk) -> Did {
    let public = jwk.to_public();
    let json = if public.has_source_order() {
        serde_json::to_string(&public).unwrap_or_default()
    } else {
        let members: BTreeMap<String, Value> = match serde_json::to_value(&public) {
            Ok(Value::Object(m)) => m.into_iter().collect(),
            _ => BTreeMap::new(),
        };
        serde_json::to_string(&members).unwrap_or_default()
    };
    // base64url without padding is A-Z a-z 0-9 - _: all idchar.
    Did::from_valid_parts("jwk", &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
}

/// Decodes the JWK in a did:jwk DID. Private keys are refused.
pub fn jwk(did: &Did) -> Result<Jwk> {
    if did.method() != "jwk" {
        return Err(Error::MethodNotSupported {
            method: did.method().to_owned(),
        });
    }
    let invalid = |expected| Error::InvalidDid { offset: 8, expected };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(did.method_specific_id())
        .map_err(|_| invalid("base64url (no padding) of a JWK"))?;
    let jwk: Jwk = serde_json::from_slice(&bytes).map_err(|_| invalid("base64url of a JSON JWK object"))?;
    if jwk.is_private() {
        return Err(invalid("a public JWK (this one contains the private key \"d\")"));
    }
    Ok(jwk)
}

/// Builds the DID document of a did:jwk DID, per the did:jwk spec: one
/// `JsonWebKey2020` method `#0`; a JWK with `"use": "enc"` (or an X25519
/// key) is for key agreement only, `"use": "sig"` excludes key agreement.
pub fn resolve(did: &Did) -> Result<Document> {
    let jwk = jwk(did)?;
    let key = PublicKey::from_jwk(&jwk)?;
    let use_ = jwk.extra.get("use").and_then(Value::as_str);
    let relationships: &[Relationship] = match (use_, key.key_type()) {
        (Some("enc"), _) | (_, KeyType::X25519) => &[Relationship::KeyAgreement],
        (Some("sig"), _) => &[
            Relationship::AssertionMethod,
            Relationship::Authentication,
            Relationship::CapabilityInvocation,
            Relationship::CapabilityDelegation,
        ],
        _ => &[
            Relationship::AssertionMethod,
            Relationship::Authentication,
            Relationship::CapabilityInvocation,
            Relationship::CapabilityDelegation,
            Relationship::KeyAgreement,
        ],
    };
    let mut doc = Document::new(did.clone());
    doc.add_context(JWS_2020_CONTEXT);
    let id = did.with_fragment("0")?;
    doc.add_verification_method(
        VerificationMethod::with_jwk(&id, "JsonWebKey2020", did, jwk),
        relationships,
    );
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::key::SecretKey;

    fn encode(json: &str) -> Did {
        Did::parse(&format!(
            "did:jwk:{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
        ))
        .unwrap()
    }

    #[test]
    fn generated_keys_encode_members_in_lexicographic_order() {
        for t in [KeyType::Ed25519, KeyType::P256, KeyType::P384, KeyType::Secp256k1] {
            let key = SecretKey::generate(t).unwrap().public_key();
            let did = did_for(&key);
            let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(did.method_specific_id())
                .unwrap();
            let value: Value = serde_json::from_slice(&json).unwrap();
            let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted, "{t}");
            assert!(!json.contains(&b' '));
            // And the DID resolves to the key.
            let doc = resolve(&did).unwrap();
            assert_eq!(doc.verification_method[0].public_key().unwrap(), key);
            assert_eq!(did_for_jwk(&jwk(&did).unwrap()), did);
        }
    }

    #[test]
    fn use_selects_relationships() {
        let key = SecretKey::from_bytes(KeyType::P256, &[6; 32]).unwrap().public_key();
        let mut jwk = key.to_jwk();
        let all = resolve(&did_for_jwk(&jwk)).unwrap();
        assert_eq!(all.key_agreement.len(), 1);
        assert_eq!(all.authentication.len(), 1);
        jwk.extra.insert("use".into(), "sig".into());
        let sig = resolve(&did_for_jwk(&jwk)).unwrap();
        assert!(sig.key_agreement.is_empty());
        assert_eq!(sig.assertion_method.len(), 1);
        jwk.extra.insert("use".into(), "enc".into());
        let enc = resolve(&did_for_jwk(&jwk)).unwrap();
        assert_eq!(enc.key_agreement.len(), 1);
        assert!(enc.authentication.is_empty() && enc.assertion_method.is_empty());
    }

    #[test]
    fn private_and_malformed_jwks_are_refused() {
        let secret = SecretKey::from_bytes(KeyType::Ed25519, &[6; 32]).unwrap();
        // did_for_jwk drops the private key ...
        let did = did_for_jwk(&secret.to_jwk());
        assert!(!jwk(&did).unwrap().is_private());
        // ... and a DID that carries one is refused.
        let private = serde_json::to_string(&secret.to_jwk()).unwrap();
        for (did, kind) in [
            (encode(&private), ErrorKind::InvalidDid),
            (encode("not json"), ErrorKind::InvalidDid),
            (encode("[]"), ErrorKind::InvalidDid),
            (Did::parse("did:jwk:e30").unwrap(), ErrorKind::InvalidDid),
            (Did::parse("did:jwk:a").unwrap(), ErrorKind::InvalidDid),
            (
                encode(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#),
                ErrorKind::UnsupportedPublicKeyType,
            ),
            (
                encode(r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#),
                ErrorKind::InvalidPublicKey,
            ),
            (Did::parse("did:key:z6Mk").unwrap(), ErrorKind::MethodNotSupported),
        ] {
            let err = resolve(&did).unwrap_err();
            assert_eq!(err.kind(), kind, "{did}: {err}");
        }
    }
}
