//! What the ssi interop tests share: the Ed25519 key both libraries sign
//! with, as ssi sees it.

use ssi::JWK;
use ssi::dids::DIDKey;
use ssi::jwk::{Base64urlUInt, OctetParams, Params};

/// The Ed25519 key with `seed` as an ssi JWK, its `kid` the did:key
/// verification method; returns the JWK and that method's URL.
pub fn ssi_key(seed: &[u8; 32]) -> (JWK, String) {
    let secret = ed25519_dalek::SigningKey::from_bytes(seed);
    let mut jwk = JWK::from(Params::OKP(OctetParams {
        curve: "Ed25519".to_owned(),
        public_key: Base64urlUInt(secret.verifying_key().to_bytes().to_vec()),
        private_key: Some(Base64urlUInt(seed.to_vec())),
    }));
    let vm = DIDKey::generate_url(&jwk.to_public()).unwrap().to_string();
    jwk.key_id = Some(vm.clone());
    (jwk, vm)
}
