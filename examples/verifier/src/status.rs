//! Status lists: read from a directory of published files (`--status-dir`,
//! the layout `registrar publish` writes) when one is there, else fetched
//! over HTTP from the URL the credential names.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use xinlian_vc::Credential;
use xinlian_vc::status::StatusListFetcher;

use crate::error::{Result, VerifierError};

/// The largest status list credential accepted.
const MAX_BYTES: usize = 4 << 20;

/// Fetches status list credentials from a directory, then over HTTP.
pub struct StatusFetcher {
    dir: Option<PathBuf>,
    http: reqwest::Client,
}

fn fetch_error(url: &str, reason: impl Into<String>) -> xinlian_vc::Error {
    xinlian_vc::Error::Fetch {
        url: url.to_owned(),
        reason: reason.into(),
    }
}

impl StatusFetcher {
    /// A fetcher that looks in `dir` first (if given).
    pub fn new(dir: Option<PathBuf>) -> Result<StatusFetcher> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
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
    async fn fetch(&self, url: &str) -> xinlian_vc::Result<Credential> {
        if let Some(file) = self.local_file(url) {
            let text =
                std::fs::read_to_string(&file).map_err(|e| fetch_error(url, format!("{}: {e}", file.display())))?;
            return Credential::from_json(&text);
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(fetch_error(url, "not an http(s) URL and not in --status-dir"));
        }
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| fetch_error(url, e.to_string()))?;
        if !response.status().is_success() {
            return Err(fetch_error(url, format!("HTTP {}", response.status())));
        }
        let body = response.bytes().await.map_err(|e| fetch_error(url, e.to_string()))?;
        if body.len() > MAX_BYTES {
            return Err(fetch_error(url, "status list credential larger than 4 MiB"));
        }
        let text = std::str::from_utf8(&body).map_err(|_| fetch_error(url, "the body is not UTF-8"))?;
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
        let fetcher = StatusFetcher::new(Some(dir.path().to_path_buf())).unwrap();
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
            StatusFetcher::new(None)
                .unwrap()
                .local_file("https://u.example/status/1/revocation"),
            None
        );
    }
}
