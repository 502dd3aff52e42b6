//! Finding the key that must have signed a JWS: the header's `kid` (a DID
//! URL) resolved through a [`Resolver`], or a key the caller supplies.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use xinlian_did_core::{Did, DidUrl, PublicKey, Relationship, Resolver};

use super::jws::jwt_err;
use crate::error::{Error, Result};
use crate::proof::{ProofFailureKind, key_as_of};

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
/// The lookup is "as of" the token's `signed_at` (`iat`, Unix seconds),
/// exactly as for Data Integrity proofs with `created`, and refuses a key
/// the signer's current DID document announces as compromised whatever
/// the date: see `proof::key_as_of` (and the README's "as of" paragraph).
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
            let at = signed_at.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok());
            let method = kid_url.as_ref().map(|u| u.as_str());
            let found = key_as_of(resolver, &did, method, relationship, at)
                .await
                .map_err(|failure| match failure.kind {
                    ProofFailureKind::CompromisedKey => Error::CompromisedKey {
                        verification_method: method.unwrap_or(signer_id).to_owned(),
                        reason: failure.detail,
                    },
                    _ => jwt_err(failure.detail),
                })?;
            Ok(SigningKey {
                key: found.key,
                verification_method: Some(found.method_id),
            })
        }
    }
}
