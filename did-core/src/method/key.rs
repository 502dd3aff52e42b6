//! did:key: a DID that is a public key (multibase base58btc of the
//! multicodec-prefixed key).

use crate::did::Did;
use crate::document::{Document, JWK_CONTEXT_V1, MULTIKEY_CONTEXT_V1, Relationship, VerificationMethod};
use crate::error::{Error, Result};
use crate::key::{KeyType, PublicKey};

/// How a did:key document writes its verification methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PublicKeyFormat {
    /// `Multikey` with `publicKeyMultibase` (the default).
    #[default]
    Multikey,
    /// `JsonWebKey` with `publicKeyJwk`.
    JsonWebKey,
}

/// Options for building did:key documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DidKeyOptions {
    /// The verification method format.
    pub public_key_format: PublicKeyFormat,
    /// For Ed25519 keys, add the derived X25519 key as `keyAgreement`.
    pub enable_encryption_key_derivation: bool,
}

impl Default for DidKeyOptions {
    fn default() -> Self {
        DidKeyOptions {
            public_key_format: PublicKeyFormat::Multikey,
            enable_encryption_key_derivation: true,
        }
    }
}

/// The did:key DID for a public key.
pub fn did_for(key: &PublicKey) -> Did {
    // base58btc uses only ASCII letters and digits, all of them idchar.
    Did::from_valid_parts("key", &key.to_multikey())
}

/// The public key a did:key DID encodes.
pub fn public_key(did: &Did) -> Result<PublicKey> {
    if did.method() != "key" {
        return Err(Error::MethodNotSupported {
            method: did.method().to_owned(),
        });
    }
    let msid = did.method_specific_id();
    // The optional version segment (`did:key:1:z…`) is only defined for 1.
    let multikey = match msid.split_once(':') {
        Some(("1", rest)) => rest,
        Some(_) => {
            return Err(Error::InvalidDid {
                offset: 8,
                expected: "a did:key version of 1 or none",
            });
        }
        None => msid,
    };
    PublicKey::from_multikey(multikey).map_err(|e| match e {
        Error::InvalidKey { reason } => Error::InvalidKey {
            reason: format!("did:key: {reason}"),
        },
        other => other,
    })
}

/// Builds the DID document of a did:key DID.
pub fn resolve(did: &Did, options: &DidKeyOptions) -> Result<Document> {
    let key = public_key(did)?;
    let mut doc = Document::new(did.clone());
    doc.add_context(match options.public_key_format {
        PublicKeyFormat::Multikey => MULTIKEY_CONTEXT_V1,
        PublicKeyFormat::JsonWebKey => JWK_CONTEXT_V1,
    });
    let method = |k: &PublicKey| -> Result<VerificationMethod> {
        let id = did.with_fragment(&k.to_multikey())?;
        Ok(match options.public_key_format {
            PublicKeyFormat::Multikey => VerificationMethod::multikey(&id, did, k),
            PublicKeyFormat::JsonWebKey => VerificationMethod::json_web_key(&id, did, k),
        })
    };
    let signing = [
        Relationship::Authentication,
        Relationship::AssertionMethod,
        Relationship::CapabilityInvocation,
        Relationship::CapabilityDelegation,
    ];
    match key.key_type() {
        KeyType::X25519 => doc.add_verification_method(method(&key)?, &[Relationship::KeyAgreement]),
        KeyType::Ed25519 => {
            doc.add_verification_method(method(&key)?, &signing);
            if options.enable_encryption_key_derivation {
                doc.add_verification_method(method(&key.to_x25519()?)?, &[Relationship::KeyAgreement]);
            }
        }
        _ => {
            // ECDSA curves do both signing and ECDH with the same key.
            let mut all = signing.to_vec();
            all.push(Relationship::KeyAgreement);
            doc.add_verification_method(method(&key)?, &all);
        }
    }
    Ok(doc)
}
