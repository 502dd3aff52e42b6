//! Signing through a trait, so a key can live outside the process (a secure
//! element, an HSM, a remote KMS, a phone's keystore).

use std::fmt;

use async_trait::async_trait;
use xinlian_did_core::{KeyType, SecretKey};

use crate::error::{Error, Result};

/// Something that signs bytes with one key, named by a DID URL.
///
/// The trait is object safe: proof creation takes a `&dyn Signer`. ECDSA
/// signers return the raw `r || s` form (IEEE P1363), as Data Integrity
/// expects; an ECDSA signer hashes the message itself (SHA-256 for P-256,
/// SHA-384 for P-384), exactly like [`SecretKey::sign`].
#[async_trait]
pub trait Signer: Send + Sync {
    /// The verification method (a DID URL) whose key this signer holds.
    fn verification_method(&self) -> &str;

    /// The key's type, which selects the cryptosuites the signer can serve.
    fn key_type(&self) -> KeyType;

    /// Signs `data`.
    async fn sign(&self, data: &[u8]) -> Result<Vec<u8>>;
}

#[async_trait]
impl<T: Signer + ?Sized> Signer for std::sync::Arc<T> {
    fn verification_method(&self) -> &str {
        (**self).verification_method()
    }

    fn key_type(&self) -> KeyType {
        (**self).key_type()
    }

    async fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        (**self).sign(data).await
    }
}

#[async_trait]
impl<T: Signer + ?Sized> Signer for Box<T> {
    fn verification_method(&self) -> &str {
        (**self).verification_method()
    }

    fn key_type(&self) -> KeyType {
        (**self).key_type()
    }

    async fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        (**self).sign(data).await
    }
}

/// A [`Signer`] over an in-memory secret key.
///
/// `Debug` shows the verification method and the public key only.
#[derive(Clone)]
pub struct KeySigner {
    secret: SecretKey,
    verification_method: String,
}

impl KeySigner {
    /// A signer for `secret`, named by `verification_method` (a DID URL).
    pub fn new(secret: SecretKey, verification_method: impl Into<String>) -> Result<KeySigner> {
        if !secret.key_type().can_sign() {
            return Err(Error::Signer {
                verification_method: verification_method.into(),
                reason: format!("{} keys cannot sign", secret.key_type()),
            });
        }
        Ok(KeySigner {
            secret,
            verification_method: verification_method.into(),
        })
    }

    /// A signer for `secret` named by its did:key verification method
    /// (`did:key:z…#z…`).
    pub fn did_key(secret: SecretKey) -> Result<KeySigner> {
        let did = xinlian_did_core::method::key::did_for(&secret.public_key());
        let vm = format!("{did}#{}", did.method_specific_id());
        KeySigner::new(secret, vm)
    }

    /// The DID the verification method belongs to (the part before `#`).
    pub fn did(&self) -> &str {
        self.verification_method
            .split_once('#')
            .map_or(self.verification_method.as_str(), |(did, _)| did)
    }

    /// The public key matching the secret key.
    pub fn public_key(&self) -> xinlian_did_core::PublicKey {
        self.secret.public_key()
    }
}

impl fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySigner")
            .field("verification_method", &self.verification_method)
            .field("secret", &self.secret)
            .finish()
    }
}

#[async_trait]
impl Signer for KeySigner {
    fn verification_method(&self) -> &str {
        &self.verification_method
    }

    fn key_type(&self) -> KeyType {
        self.secret.key_type()
    }

    async fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        Ok(self.secret.sign(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_does_not_leak_the_secret() {
        let secret = SecretKey::from_bytes(KeyType::Ed25519, &[7u8; 32]).unwrap();
        let hex_secret: String = [7u8; 32].iter().map(|b| format!("{b:02x}")).collect();
        let signer = KeySigner::did_key(secret).unwrap();
        let debug = format!("{signer:?}");
        assert!(debug.contains("redacted"), "{debug}");
        assert!(!debug.contains(&hex_secret));
        assert!(debug.contains(signer.verification_method()));
    }

    #[test]
    fn did_key_signer_names_its_did() {
        let signer = KeySigner::did_key(SecretKey::generate(KeyType::P256).unwrap()).unwrap();
        assert!(signer.did().starts_with("did:key:zDna"));
        assert!(signer.verification_method().starts_with(signer.did()));
        let sig = pollster::block_on(signer.sign(b"abc")).unwrap();
        signer.public_key().verify(b"abc", &sig).unwrap();
    }
}
