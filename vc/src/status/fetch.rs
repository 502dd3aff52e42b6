//! Getting status list credentials: a trait the verifier calls, and an
//! in-memory implementation for tests and offline use.

use std::collections::HashMap;
use std::time::Instant;

use async_trait::async_trait;

use crate::{Credential, Error, Result};

/// Fetches the status list credential published at a URL.
///
/// Implementations do the I/O (HTTP, a cache, a local store); this crate
/// does none. One that goes to the network must use an SSRF-guarded client
/// (the resolver crate's `GuardedFetch`) and give up at `deadline`.
/// Checking the fetched credential (its proof, that its issuer is the
/// credential's, its purpose and validity period) is the verifier's job.
///
/// The verifier calls it only once the credential's proofs have verified.
#[async_trait]
pub trait StatusListFetcher: Send + Sync {
    /// The credential at `url`, obtained before `deadline`: the one
    /// deadline every fetch of a verification shares
    /// ([`Policy::fetch_deadline`](crate::verify::Policy::fetch_deadline)).
    ///
    /// # Errors
    ///
    /// [`Error::Fetch`] when it cannot be obtained (in time).
    async fn fetch(&self, url: &str, deadline: Instant) -> Result<Credential>;
}

/// A [`StatusListFetcher`] over credentials held in memory, by URL.
#[derive(Debug, Clone, Default)]
pub struct StaticStatusLists {
    lists: HashMap<String, Credential>,
}

impl StaticStatusLists {
    /// An empty set of lists.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `credential` at `url` (replacing what was there).
    pub fn insert(&mut self, url: impl Into<String>, credential: Credential) {
        self.lists.insert(url.into(), credential);
    }

    /// Serves `credential` at its own `id`.
    ///
    /// # Errors
    ///
    /// [`Error::Fetch`] when the credential has no `id`.
    pub fn publish(&mut self, credential: Credential) -> Result<()> {
        let url = credential.id().map(str::to_owned).ok_or_else(|| Error::Fetch {
            url: String::new(),
            reason: "the status list credential has no id to publish it at".into(),
        })?;
        self.lists.insert(url, credential);
        Ok(())
    }
}

#[async_trait]
impl StatusListFetcher for StaticStatusLists {
    async fn fetch(&self, url: &str, _deadline: Instant) -> Result<Credential> {
        self.lists.get(url).cloned().ok_or_else(|| Error::Fetch {
            url: url.into(),
            reason: "no status list is published at this URL".into(),
        })
    }
}
