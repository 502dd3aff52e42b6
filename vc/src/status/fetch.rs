//! Getting status list credentials: a trait the verifier calls, and an
//! in-memory implementation for tests and offline use.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::{Credential, Error, Result};

/// Fetches the status list credential published at a URL.
///
/// Implementations do the I/O (HTTP, a cache, a local store); this crate
/// does none. Checking the fetched credential's proof is the verifier's job.
#[async_trait]
pub trait StatusListFetcher: Send + Sync {
    /// The credential at `url`.
    ///
    /// # Errors
    ///
    /// [`Error::Fetch`] when it cannot be obtained.
    async fn fetch(&self, url: &str) -> Result<Credential>;
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
    async fn fetch(&self, url: &str) -> Result<Credential> {
        self.lists.get(url).cloned().ok_or_else(|| Error::Fetch {
            url: url.into(),
            reason: "no status list is published at this URL".into(),
        })
    }
}
