//! What a verifier asks for: the clock, the status and schema sources, the
//! trust lists, and the presentation expectations.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::status::StatusListFetcher;
use crate::trust::TrustList;

/// Loads JSON Schemas by the `id` a `credentialSchema` entry names.
///
/// Implementations decide where schemas come from (bundled files, a cache,
/// HTTP); this crate does no I/O.
#[async_trait]
pub trait SchemaLoader: Send + Sync {
    /// The schema published at `id`.
    async fn load(&self, id: &str) -> Result<Value>;
}

/// A [`SchemaLoader`] over schemas held in memory.
#[derive(Debug, Clone, Default)]
pub struct StaticSchemas {
    schemas: HashMap<String, Value>,
}

impl StaticSchemas {
    /// No schemas.
    pub fn new() -> StaticSchemas {
        StaticSchemas::default()
    }

    /// Serves `schema` at `id`.
    pub fn insert(&mut self, id: impl Into<String>, schema: Value) {
        self.schemas.insert(id.into(), schema);
    }

    /// Serves `schema` at `id` (builder style).
    pub fn with(mut self, id: impl Into<String>, schema: Value) -> Self {
        self.insert(id, schema);
        self
    }
}

#[async_trait]
impl SchemaLoader for StaticSchemas {
    async fn load(&self, id: &str) -> Result<Value> {
        self.schemas.get(id).cloned().ok_or_else(|| Error::Fetch {
            url: id.to_owned(),
            reason: "no schema is known at this id".into(),
        })
    }
}

/// What a verification checks and against what.
///
/// The default checks proofs, key authorization and the validity period
/// against the system clock with five minutes of skew; status and schema
/// checks run when a fetcher or loader is set (and are reported as skipped
/// otherwise); trust is evaluated when lists are given and required with
/// [`Policy::require_trust`].
#[derive(Clone)]
pub struct Policy {
    /// The time to check against; `None` is the system clock.
    pub now: Option<OffsetDateTime>,
    /// Tolerance for clocks that disagree.
    pub clock_skew: Duration,
    /// Where status list credentials come from.
    pub status_fetcher: Option<Arc<dyn StatusListFetcher>>,
    /// Where JSON Schemas come from.
    pub schema_loader: Option<Arc<dyn SchemaLoader>>,
    /// Trust lists the verifier trusts (already verified, see
    /// [`TrustList::from_credential`]).
    pub trusted_lists: Vec<TrustList>,
    /// Fail credentials whose issuer no trusted list accredits for the
    /// credential's types (otherwise a miss is a warning).
    pub require_trust: bool,
    /// The challenge a presentation's proof must carry.
    pub challenge: Option<String>,
    /// The domain a presentation's proof must name.
    pub domain: Option<String>,
    /// Require that the presentation's holder is every credential subject.
    pub require_holder_binding: bool,
    /// JSON-LD contexts beyond the bundled ones (for RDF-canonicalized
    /// proofs); `None` is the bundled contexts only.
    #[cfg(feature = "jsonld")]
    pub context_loader: Option<crate::jsonld::ContextLoader>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            now: None,
            clock_skew: Duration::minutes(5),
            status_fetcher: None,
            schema_loader: None,
            trusted_lists: Vec::new(),
            require_trust: false,
            challenge: None,
            domain: None,
            require_holder_binding: false,
            #[cfg(feature = "jsonld")]
            context_loader: None,
        }
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("now", &self.now)
            .field("clock_skew", &self.clock_skew)
            .field("status_fetcher", &self.status_fetcher.as_ref().map(|_| "…"))
            .field("schema_loader", &self.schema_loader.as_ref().map(|_| "…"))
            .field("trusted_lists", &self.trusted_lists)
            .field("require_trust", &self.require_trust)
            .field("challenge", &self.challenge)
            .field("domain", &self.domain)
            .field("require_holder_binding", &self.require_holder_binding)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// The default policy.
    pub fn new() -> Policy {
        Policy::default()
    }

    /// Checks dates against `now` instead of the system clock.
    pub fn at(mut self, now: OffsetDateTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Sets the clock skew.
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Checks status through `fetcher`.
    pub fn status_fetcher(mut self, fetcher: Arc<dyn StatusListFetcher>) -> Self {
        self.status_fetcher = Some(fetcher);
        self
    }

    /// Loads schemas through `loader`.
    pub fn schema_loader(mut self, loader: Arc<dyn SchemaLoader>) -> Self {
        self.schema_loader = Some(loader);
        self
    }

    /// Trusts `list`.
    pub fn trust_list(mut self, list: TrustList) -> Self {
        self.trusted_lists.push(list);
        self
    }

    /// Requires trust: issuers must be accredited by a trusted list.
    pub fn require_trust(mut self) -> Self {
        self.require_trust = true;
        self
    }

    /// Expects this challenge in presentation proofs.
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// Expects this domain in presentation proofs.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Requires the holder to be the subject of every credential.
    pub fn require_holder_binding(mut self) -> Self {
        self.require_holder_binding = true;
        self
    }

    /// Expands JSON-LD with `loader` (the bundled contexts plus those added
    /// with [`ContextLoader::with`](crate::jsonld::ContextLoader::with)).
    #[cfg(feature = "jsonld")]
    pub fn context_loader(mut self, loader: crate::jsonld::ContextLoader) -> Self {
        self.context_loader = Some(loader);
        self
    }

    /// The proof expectations for `purpose` under this policy at `now`.
    pub(crate) fn proof_expectations(
        &self,
        purpose: xinlian_did_core::Relationship,
        now: OffsetDateTime,
    ) -> crate::proof::ProofExpectations {
        crate::proof::ProofExpectations {
            now: Some(now),
            clock_skew: self.clock_skew,
            #[cfg(feature = "jsonld")]
            context_loader: self.context_loader.clone(),
            ..crate::proof::ProofExpectations::new(purpose)
        }
    }

    /// The time checks run against.
    pub fn now(&self) -> OffsetDateTime {
        self.now.unwrap_or_else(OffsetDateTime::now_utc)
    }
}
