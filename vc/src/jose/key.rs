//! Finding the key that must have signed a JWS: the header's `kid` (a DID
//! URL) resolved through a [`Resolver`], or a key the caller supplies.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use xinlian_did_core::{Did, DidUrl, PublicKey, Relationship, ResolutionOptions, Resolver};

use super::jws::jwt_err;
use crate::error::Result;

/// Where a verifier gets the signer's public key.
#[derive(Clone, Copy)]
pub enum KeySource<'a> {
    /// Resolve the header's `kid`, a DID URL that must belong to the
    /// issuer's (or holder's) DID and be authorized for the expected
    /// verification relationship.
    Resolver(&'a dyn Resolver),
    /// Use this key, obtained out of band (an issuer that is not a DID, or
    /// test vectors). A `kid` that is a DID URL must still name the issuer.
    Key(&'a PublicKey),
    /// Like [`KeySource::Resolver`], but keys already resolved and decoded
    /// for the same `kid` and relationship are taken from the cache.
    Cached(&'a dyn Resolver, &'a KeyCache),
}

/// Keys resolved from DIDs, remembered for a while, so a verifier that
/// checks many credentials from one issuer resolves the DID and decodes the
/// key once. Entries expire after the time-to-live (default five minutes),
/// so a rotated or revoked key stops being accepted within that time.
#[derive(Debug)]
pub struct KeyCache {
    ttl: Duration,
    entries: Mutex<HashMap<(String, Relationship), (Instant, SigningKey)>>,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::new(Duration::from_secs(300))
    }
}

impl KeyCache {
    /// An empty cache whose entries live for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        KeyCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    fn get(&self, key: &(String, Relationship)) -> Option<SigningKey> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, k)| k.clone())
    }

    fn put(&self, key: (String, Relationship), value: SigningKey) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
        entries.insert(key, (Instant::now(), value));
    }
}

impl fmt::Debug for KeySource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Resolver(_) => f.write_str("KeySource::Resolver(..)"),
            KeySource::Key(k) => write!(f, "KeySource::Key({k:?})"),
            KeySource::Cached(_, c) => write!(f, "KeySource::Cached(.., {c:?})"),
        }
    }
}

/// The key a JWS was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// The public key.
    pub key: PublicKey,
    /// The absolute DID URL of the verification method, when the key came
    /// from a DID document.
    pub verification_method: Option<String>,
}

/// Finds the key for a JWS whose signer claims to be `signer_id` (the
/// credential's issuer, the presentation's holder, an SD-JWT's `iss`), with
/// `kid` from the header, authorized for `relationship`.
///
/// The signer's DID is resolved as it is now; if `kid` is not (or no
/// longer) authorized and the token says when it was signed (`iat`,
/// `signed_at`, Unix seconds), the DID is resolved again as of that time, so
/// tokens signed before a key rotation keep verifying (as Data Integrity
/// proofs do with `created`). A DID deactivated now fails either way.
pub(crate) async fn find_key(
    source: KeySource<'_>,
    kid: Option<&str>,
    signer_id: &str,
    relationship: Relationship,
    signed_at: Option<i64>,
) -> Result<SigningKey> {
    let absolute_kid = match kid {
        Some(k) if k.starts_with('#') => Some(format!("{signer_id}{k}")),
        Some(k) => Some(k.to_owned()),
        None => None,
    };
    // A kid that is a DID URL must name a method of the signer's own DID.
    let kid_url = match absolute_kid.as_deref() {
        Some(k) if k.starts_with("did:") => {
            let url = DidUrl::parse(k).map_err(|e| jwt_err(format!("header kid {k:?} is not a DID URL: {e}")))?;
            if url.did_str() != signer_id {
                return Err(jwt_err(format!("header kid {k:?} is not a key of {signer_id:?}")));
            }
            Some(url)
        }
        _ => None,
    };
    match source {
        KeySource::Key(key) => Ok(SigningKey {
            key: key.clone(),
            verification_method: kid_url.map(|u| u.as_str().to_owned()),
        }),
        KeySource::Cached(resolver, cache) => {
            let entry = (absolute_kid.unwrap_or_else(|| signer_id.to_owned()), relationship);
            if let Some(hit) = cache.get(&entry) {
                return Ok(hit);
            }
            let found = Box::pin(find_key(
                KeySource::Resolver(resolver),
                kid,
                signer_id,
                relationship,
                signed_at,
            ))
            .await?;
            cache.put(entry, found.clone());
            Ok(found)
        }
        KeySource::Resolver(resolver) => {
            let did = Did::parse(signer_id).map_err(|e| {
                jwt_err(format!(
                    "{signer_id:?} is not a DID ({e}); its key must be supplied by the caller"
                ))
            })?;
            if absolute_kid.is_some() && kid_url.is_none() {
                return Err(jwt_err(format!(
                    "header kid {:?} is not a DID URL of {signer_id:?}",
                    kid.unwrap_or_default()
                )));
            }
            // did:key fast path: the document is a function of the key, so
            // its one method (authorized for everything but key agreement)
            // is decoded directly instead of building the document.
            if let Some(url) = &kid_url
                && did.method() == "key"
                && url.path().is_none()
                && url.query().is_none()
                && url.fragment() == Some(did.method_specific_id())
                && relationship != Relationship::KeyAgreement
            {
                let key = xinlian_did_core::method::key::public_key(&did)?;
                if key.key_type() != xinlian_did_core::KeyType::X25519 {
                    return Ok(SigningKey {
                        key,
                        verification_method: Some(url.as_str().to_owned()),
                    });
                }
            }
            let mut resolution = resolver.resolve(&did, &ResolutionOptions::default()).await?;
            if resolution.document_metadata.is_deactivated() {
                return Err(jwt_err(format!("{signer_id} is deactivated")));
            }
            if let (Some(url), Some(at)) = (&kid_url, signed_at)
                && resolution
                    .document
                    .authorized_method(url.as_str(), relationship)
                    .is_none()
                && let Ok(at) = time::OffsetDateTime::from_unix_timestamp(at)
                && let Ok(version_time) = at.format(&time::format_description::well_known::Rfc3339)
            {
                let options = ResolutionOptions {
                    version_time: Some(version_time),
                    ..Default::default()
                };
                if let Ok(historical) = resolver.resolve(&did, &options).await
                    && historical
                        .document
                        .authorized_method(url.as_str(), relationship)
                        .is_some()
                {
                    resolution = historical;
                }
            }
            let document = &resolution.document;
            let method = match &kid_url {
                Some(url) => document.authorized_method(url.as_str(), relationship).ok_or_else(|| {
                    jwt_err(format!(
                        "header kid {url} is not authorized for {} by {signer_id}",
                        relationship.as_str()
                    ))
                })?,
                None => match document.methods_for(relationship).as_slice() {
                    [only] => *only,
                    methods => {
                        return Err(jwt_err(format!(
                            "header has no kid and {signer_id} has {} {} methods; a kid is needed",
                            methods.len(),
                            relationship.as_str()
                        )));
                    }
                },
            };
            let key = method.public_key()?;
            let vm = document
                .absolute_id(&method.id)
                .map(|u| u.as_str().to_owned())
                .unwrap_or_else(|_| method.id.clone());
            Ok(SigningKey {
                key,
                verification_method: Some(vm),
            })
        }
    }
}
