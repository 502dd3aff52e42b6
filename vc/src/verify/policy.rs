//! What a verifier asks for: the clock, the status and schema sources, the
//! trust lists, and the presentation expectations.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::Limits;
use crate::error::{Error, Result};
use crate::status::StatusListFetcher;
use crate::trust::TrustList;

/// Loads JSON Schemas by the `id` a `credentialSchema` entry names.
///
/// Implementations decide where schemas come from (bundled files, a cache,
/// HTTP); this crate does no I/O. An implementation that fetches must go
/// through an SSRF-guarded client and give up at `deadline`.
#[async_trait]
pub trait SchemaLoader: Send + Sync {
    /// The schema published at `id`, obtained before `deadline` (the one
    /// deadline every fetch of a verification shares, see
    /// [`Policy::fetch_deadline`]).
    async fn load(&self, id: &str, deadline: Instant) -> Result<Value>;
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
    async fn load(&self, id: &str, _deadline: Instant) -> Result<Value> {
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
    /// One deadline for all the fetches of one verification (status lists,
    /// schemas), counted from its start: four slow URLs share it, they do
    /// not get it each. Default 10 seconds.
    pub fetch_deadline: std::time::Duration,
    /// Issuers (DIDs) whose status lists are accepted for credentials of
    /// any issuer, e.g. a federation that publishes one shared list. Empty
    /// by default: a status list must be issued by the credential's own
    /// issuer.
    pub status_list_issuers: Vec<String>,
    /// Bounds on the input [`verify_any`](crate::verify::verify_any) reads
    /// (size, nesting depth, SD-JWT disclosures).
    pub limits: Limits,
    /// JSON-LD contexts beyond the bundled ones (for RDF-canonicalized
    /// proofs); `None` is the bundled contexts only.
    #[cfg(feature = "jsonld")]
    pub context_loader: Option<crate::jsonld::ContextLoader>,
}

/// The default [`Policy::fetch_deadline`]: 10 seconds.
pub const DEFAULT_FETCH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

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
            fetch_deadline: DEFAULT_FETCH_DEADLINE,
            status_list_issuers: Vec::new(),
            limits: Limits::default(),
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
            .field("fetch_deadline", &self.fetch_deadline)
            .field("status_list_issuers", &self.status_list_issuers)
            .field("limits", &self.limits)
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

    /// Sets the one deadline all fetches of a verification share.
    pub fn fetch_deadline(mut self, deadline: std::time::Duration) -> Self {
        self.fetch_deadline = deadline;
        self
    }

    /// Also accepts status lists issued by `issuer` for credentials of any
    /// issuer (a federation's shared list). The list must still verify
    /// (proof, key authorization, validity period, purpose).
    pub fn allow_status_list_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.status_list_issuers.push(issuer.into());
        self
    }

    /// The deadline of a verification that starts now.
    pub(crate) fn deadline_from_now(&self) -> Instant {
        let now = Instant::now();
        now.checked_add(self.fetch_deadline).unwrap_or(now)
    }

    /// Reads input within `limits` instead of the defaults.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
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
