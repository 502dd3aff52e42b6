//! The stateless DID methods, whose documents follow from the identifier
//! alone: did:key and did:jwk.

pub mod jwk;
pub mod key;

use async_trait::async_trait;

use crate::did::Did;
use crate::error::{Error, Result};
use crate::resolution::{DocumentMetadata, Resolution, ResolutionOptions, Resolver};

/// Resolves did:key and did:jwk without I/O.
#[derive(Debug, Clone, Default)]
pub struct StatelessResolver {
    /// How did:key documents are written.
    pub did_key: key::DidKeyOptions,
}

impl StatelessResolver {
    /// A resolver with default options (Multikey, X25519 derivation on).
    pub fn new() -> Self {
        Self::default()
    }

    /// Resolves synchronously (the stateless methods need no I/O).
    pub fn resolve_sync(&self, did: &Did, options: &ResolutionOptions) -> Result<Resolution> {
        let document = match did.method() {
            "key" => key::resolve(did, &self.did_key)?,
            "jwk" => jwk::resolve(did)?,
            other => {
                return Err(Error::MethodNotSupported {
                    method: other.to_owned(),
                });
            }
        };
        if options.version_id.is_some() || options.version_time.is_some() {
            // Stateless DIDs have exactly one version; asking for another one
            // is answered with that version, as did:key's spec allows.
        }
        Resolution::new(document, DocumentMetadata::default(), options)
    }
}

#[async_trait]
impl Resolver for StatelessResolver {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> Result<Resolution> {
        self.resolve_sync(did, options)
    }
}
