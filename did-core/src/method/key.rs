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

/// `did:key:`
const PREFIX: &str = "did:key:";

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
    let (multikey, multikey_offset) = match msid.split_once(':') {
        Some(("1", rest)) => (rest, PREFIX.len() + 2),
        Some(_) => {
            return Err(Error::InvalidDid {
                offset: PREFIX.len(),
                expected: "a did:key version of 1 or none",
            });
        }
        None => (msid, PREFIX.len()),
    };
    // The did:key spec makes a value that is not base58btc an invalidDid.
    if !multikey.starts_with('z') {
        return Err(Error::InvalidDid {
            offset: multikey_offset,
            expected: "a base58btc multibase value (starting with 'z')",
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::key::SecretKey;

    fn ed25519_did() -> Did {
        did_for(&SecretKey::from_bytes(KeyType::Ed25519, &[3; 32]).unwrap().public_key())
    }

    #[test]
    fn version_one_prefix_is_accepted() {
        let did = ed25519_did();
        let versioned = Did::parse(&format!("did:key:1:{}", did.method_specific_id())).unwrap();
        assert_eq!(public_key(&versioned), public_key(&did));
    }

    #[test]
    fn malformed_did_keys_have_spec_error_codes() {
        let did = ed25519_did();
        let msid = did.method_specific_id();
        let base64 = format!("u{}", &msid[1..]);
        for (text, kind, offset) in [
            (format!("did:key:2:{msid}"), ErrorKind::InvalidDid, Some(8)),
            (format!("did:key:{base64}"), ErrorKind::InvalidDid, Some(8)),
            (format!("did:key:1:{base64}"), ErrorKind::InvalidDid, Some(10)),
            ("did:key:z".to_owned(), ErrorKind::InvalidPublicKey, None),
            ("did:key:z0OIl".to_owned(), ErrorKind::InvalidPublicKey, None),
            (format!("did:key:{}", &msid[..msid.len() - 2]), ErrorKind::InvalidPublicKey, None),
            ("did:key:zUC7K4ndUaGZgV7Cp2yJy6JtMoUHY6u7tkcSYUvPrEidqBmLCTLmi6d5WvwnUqejscAkERJ3bfjEiSYtdPkRSE8kSa11hFBr4sTgnbZ95SJj19PN2jdvJjyzpSZgxkyyxNnBNnY".to_owned(), ErrorKind::UnsupportedPublicKeyType, None),
            ("did:web:example.com".to_owned(), ErrorKind::MethodNotSupported, None),
        ] {
            let did = Did::parse(&text).unwrap();
            let err = resolve(&did, &DidKeyOptions::default()).unwrap_err();
            assert_eq!(err.kind(), kind, "{text}: {err}");
            if let Some(offset) = offset {
                assert!(matches!(err, Error::InvalidDid { offset: o, .. } if o == offset), "{text}: {err:?}");
            }
        }
    }

    #[test]
    fn options_choose_the_method_format_and_key_agreement() {
        let did = ed25519_did();
        let plain = resolve(&did, &DidKeyOptions::default()).unwrap();
        assert_eq!(plain.verification_method.len(), 2);
        assert!(plain.verification_method.iter().all(|vm| vm.type_ == "Multikey"));
        assert_eq!(plain.key_agreement.len(), 1);

        let jwk = resolve(
            &did,
            &DidKeyOptions {
                public_key_format: PublicKeyFormat::JsonWebKey,
                enable_encryption_key_derivation: false,
            },
        )
        .unwrap();
        assert_eq!(jwk.verification_method.len(), 1);
        assert_eq!(jwk.verification_method[0].type_, "JsonWebKey");
        assert!(jwk.key_agreement.is_empty());
        assert_eq!(
            jwk.verification_method[0].public_key().unwrap(),
            plain.verification_method[0].public_key().unwrap()
        );
        assert!(jwk.context.as_ref().unwrap().to_string().contains(JWK_CONTEXT_V1));
    }
}
