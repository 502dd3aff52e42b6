//! Status lists: read from a directory of published files (`--status-dir`,
//! the layout `registrar publish` writes) when one is there, else fetched
//! from the URL the credential names through the resolver's SSRF-guarded
//! fetch (HTTPS and public addresses only, unless the local opt-in).

use std::path::PathBuf;
use std::time::Instant;

use async_trait::async_trait;
use xinlian_resolver::web::{FetchOptions, GuardedFetch};
use xinlian_vc::Credential;
use xinlian_vc::status::StatusListFetcher;

use crate::error::{Result, VerifierError};

/// The largest status list credential accepted.
const MAX_BYTES: usize = 4 << 20;

/// Fetches status list credentials from a directory, then over HTTP.
pub struct StatusFetcher {
    dir: Option<PathBuf>,
    http: GuardedFetch,
}

fn fetch_error(url: &str, reason: impl Into<String>) -> xinlian_vc::Error {
    xinlian_vc::Error::Fetch {
        url: url.to_owned(),
        reason: reason.into(),
    }
}

impl StatusFetcher {
    /// A fetcher that looks in `dir` first (if given). `allow_local_http`
    /// also fetches over plain HTTP and from loopback addresses (tests and
    /// local development only).
    pub fn new(dir: Option<PathBuf>, allow_local_http: bool) -> Result<StatusFetcher> {
        let http = GuardedFetch::new(FetchOptions {
            allow_http: allow_local_http,
            allow_loopback: allow_local_http,
            max_bytes: MAX_BYTES,
            ..FetchOptions::default()
        })
        .map_err(|e| VerifierError::Input(format!("HTTP client: {e}")))?;
        Ok(StatusFetcher { dir, http })
    }

    /// The file under the status directory for `url`: its path, e.g.
    /// `http://host/status/1/revocation` → `DIR/status/1/revocation`.
    fn local_file(&self, url: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = after_scheme.split_once('/').map(|(_, p)| p)?;
        let path = path.split(['?', '#']).next()?;
        if path.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
            return None;
        }
        [dir.join(path), dir.join(format!("{path}.json"))]
            .into_iter()
            .find(|p| p.is_file())
    }
}

#[async_trait]
impl StatusListFetcher for StatusFetcher {
    async fn fetch(&self, url: &str, deadline: Instant) -> xinlian_vc::Result<Credential> {
        if let Some(file) = self.local_file(url) {
            let text =
                std::fs::read_to_string(&file).map_err(|e| fetch_error(url, format!("{}: {e}", file.display())))?;
            return Credential::from_json(&text);
        }
        let fetched = self
            .http
            .get(
                url,
                "application/vc+ld+json, application/vc, application/json",
                Some(deadline),
            )
            .await
            .map_err(|e| fetch_error(url, e.to_string()))?;
        let text = std::str::from_utf8(&fetched.body).map_err(|_| fetch_error(url, "the body is not UTF-8"))?;
        Credential::from_json(text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::StatusFetcher;

    #[test]
    fn urls_map_to_the_publish_layout_and_never_escape_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("status/1")).unwrap();
        std::fs::write(dir.path().join("status/1/revocation"), "{}").unwrap();
        let fetcher = StatusFetcher::new(Some(dir.path().to_path_buf()), false).unwrap();
        assert_eq!(
            fetcher.local_file("http://127.0.0.1:8787/status/1/revocation"),
            Some(dir.path().join("status/1/revocation"))
        );
        assert_eq!(
            fetcher.local_file("https://u.example/status/1/revocation#x"),
            Some(dir.path().join("status/1/revocation"))
        );
        assert_eq!(fetcher.local_file("https://u.example/status/1/suspension"), None);
        assert_eq!(
            fetcher.local_file("https://u.example/status/../status/1/revocation"),
            None
        );
        assert_eq!(
            StatusFetcher::new(None, false)
                .unwrap()
                .local_file("https://u.example/status/1/revocation"),
            None
        );
    }
}
