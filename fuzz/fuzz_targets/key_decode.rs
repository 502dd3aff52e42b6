//! Key decoding on arbitrary input: Multikey (public and secret), JWK,
//! multicodec bytes, raw bytes and did:jwk. No panics; accepted keys
//! re-encode to themselves and resolved documents validate.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use xinlian_did_core::method::{jwk, key};
use xinlian_did_core::{Did, Jwk, KeyType, PublicKey, SecretKey};

fn check_public(pk: &PublicKey) {
    assert_eq!(PublicKey::from_multikey(&pk.to_multikey()).as_ref(), Ok(pk));
    assert_eq!(PublicKey::from_jwk(&pk.to_jwk()).as_ref(), Ok(pk));
    assert_eq!(PublicKey::from_bytes(pk.key_type(), &pk.to_bytes()).as_ref(), Ok(pk));
    let _ = pk.to_x25519();
    let _ = pk.verify(b"message", &[7u8; 64]);
    let did = key::did_for(pk);
    let doc = key::resolve(&did, &key::DidKeyOptions::default()).unwrap_or_else(|e| panic!("{did}: {e}"));
    doc.validate().unwrap_or_else(|e| panic!("{did}: {e}"));
}

fn check_secret(sk: &SecretKey) {
    let pk = sk.public_key();
    check_public(&pk);
    let signature = sk.sign(b"message");
    assert_eq!(pk.verify(b"message", &signature), Ok(()));
    assert_eq!(
        SecretKey::from_multikey(&sk.to_multikey()).map(|k| k.public_key()),
        Ok(pk.clone())
    );
    assert_eq!(SecretKey::from_jwk(&sk.to_jwk()).map(|k| k.public_key()), Ok(pk));
}

fuzz_target!(|data: &[u8]| {
    let _ = PublicKey::from_multicodec(data).map(|pk| check_public(&pk));
    for t in KeyType::ALL {
        let _ = PublicKey::from_bytes(t, data).map(|pk| check_public(&pk));
        let _ = SecretKey::from_bytes(t, data).map(|sk| check_secret(&sk));
    }

    // did:jwk over the raw bytes.
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data);
    if let Ok(did) = Did::from_parts("jwk", &encoded)
        && let Ok(doc) = jwk::resolve(&did)
    {
        doc.validate().unwrap_or_else(|e| panic!("{did}: {e}"));
    }

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = PublicKey::from_multikey(text).map(|pk| check_public(&pk));
    let _ = SecretKey::from_multikey(text).map(|sk| check_secret(&sk));
    if let Ok(jwk) = Jwk::from_json(text) {
        let _ = PublicKey::from_jwk(&jwk).map(|pk| check_public(&pk));
        let _ = SecretKey::from_jwk(&jwk).map(|sk| check_secret(&sk));
        // The DID of a JWK decodes back to the same JWK.
        let did = jwk::did_for_jwk(&jwk);
        assert_eq!(jwk::jwk(&did).as_ref(), Ok(&jwk.to_public()));
        if let Ok(doc) = jwk::resolve(&did) {
            doc.validate().unwrap_or_else(|e| panic!("{did}: {e}"));
        }
    }
    if let Ok(did) = Did::parse(text) {
        let _ = key::public_key(&did);
        let _ = jwk::resolve(&did);
    }
});
