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
/// in lexicographic order and no whitespace.
pub fn did_for(key: &PublicKey) -> Did {
    did_for_jwk(&key.to_jwk())
}

/// The did:jwk DID for a JWK (private members are dropped).
pub fn did_for_jwk(jwk: &Jwk) -> Did {
    let public = jwk.to_public();
    let members: BTreeMap<String, Value> = match serde_json::to_value(&public) {
        Ok(Value::Object(m)) => m.into_iter().collect(),
        _ => BTreeMap::new(),
    };
    let json = serde_json::to_string(&members).unwrap_or_default();
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
