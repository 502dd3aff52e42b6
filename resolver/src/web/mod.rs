//! The did:web method: DID documents served over HTTPS from the domain the
//! DID names; and [`GuardedFetch`], the one SSRF-guarded HTTP GET that
//! did:web and every other outbound fetch (status lists, schemas) use.
//!
//! [`WebResolver`] turns the DID into a URL ([`document_url`]), fetches it
//! through a [`GuardedFetch`] (a time limit, a streaming size limit and a
//! bounded number of redirects), and checks that the document's `id` is the
//! DID.
//!
//! A DID is attacker-chosen input, so the resolver guards against server-side
//! request forgery: every address a request connects to, initial or after a
//! redirect, must be a public address ([`AddressClass`]). Host names are
//! looked up by the guard itself and the connection goes to exactly the
//! addresses it vetted, so a DNS answer that changes between check and
//! connect (DNS rebinding) cannot slip past it. Loopback and plain HTTP are
//! refused unless [`WebOptions`] opts in, which is meant for tests.
//!
//! ```no_run
//! use xinlian_did_core::{Did, ResolutionOptions, Resolver};
//! use xinlian_resolver::web::WebResolver;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let resolver = WebResolver::new()?;
//! let did = Did::parse("did:web:registrar.example.edu")?;
//! let resolution = resolver.resolve(&did, &ResolutionOptions::default()).await?;
//! assert_eq!(resolution.document.id, did);
//! # Ok(())
//! # }
//! ```

mod address;
mod error;
mod fetch;
mod location;

use async_trait::async_trait;
use reqwest::Url;
use xinlian_did_core::{Did, Document, DocumentMetadata, Resolution, ResolutionOptions, Resolver};

pub use address::{AddressClass, AddressPolicy};
pub use error::WebError;
pub use fetch::{FetchOptions, Fetched, GuardedFetch};
pub use location::document_url;

/// The media types asked for, in order of preference.
const ACCEPT_VALUE: &str = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8";

/// The settings of a [`WebResolver`]: those of its [`GuardedFetch`].
pub type WebOptions = FetchOptions;

/// Resolves did:web DIDs over HTTPS through a [`GuardedFetch`], so guarded
/// against server-side request forgery. Cheap to clone (the HTTP client and
/// its connection pool are shared).
#[derive(Debug, Clone)]
pub struct WebResolver {
    fetch: GuardedFetch,
}

impl WebResolver {
    /// A resolver with the default (safe) [`WebOptions`].
    pub fn new() -> Result<Self, WebError> {
        Self::with_options(WebOptions::default())
    }

    /// A resolver with `options`.
    pub fn with_options(options: WebOptions) -> Result<Self, WebError> {
        Ok(WebResolver {
            fetch: GuardedFetch::new(options)?,
        })
    }

    /// The options this resolver was built with.
    pub fn options(&self) -> &WebOptions {
        self.fetch.options()
    }

    /// The URL this resolver fetches `did`'s document from: [`document_url`],
    /// with `http` instead of `https` if [`WebOptions::allow_http`] is set.
    pub fn url_for(&self, did: &Did) -> Result<Url, WebError> {
        let mut url = document_url(did)?;
        if self.options().allow_http && url.set_scheme("http").is_err() {
            return Err(WebError::RefusedScheme {
                url: url.to_string(),
                scheme: "http".to_owned(),
            });
        }
        Ok(url)
    }

    /// Fetches and checks the DID document of `did`.
    pub async fn fetch(&self, did: &Did) -> Result<Document, WebError> {
        let url = self.url_for(did)?;
        let fetched = match self.fetch.get_url(&url, ACCEPT_VALUE, None).await {
            Ok(f) => f,
            Err(WebError::Status { url, status }) if status == 404 || status == 410 => {
                return Err(WebError::NotFound { url, status });
            }
            Err(e) => return Err(e),
        };
        let final_url = fetched.url;
        if let Some(content_type) = fetched.content_type
            && !is_document_media_type(&content_type)
        {
            return Err(WebError::ContentType {
                url: final_url,
                content_type,
            });
        }
        let text = std::str::from_utf8(&fetched.body).map_err(|e| WebError::NotUtf8 {
            url: final_url.clone(),
            offset: e.valid_up_to(),
        })?;
        let document = Document::from_json(text).map_err(|source| WebError::Document {
            url: final_url.clone(),
            source,
        })?;
        if document.id != *did {
            return Err(WebError::IdMismatch {
                url: final_url,
                expected: did.to_string(),
                found: document.id.to_string(),
            });
        }
        Ok(document)
    }
}

#[async_trait]
impl Resolver for WebResolver {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        if did.method() != "web" {
            return Err(WebError::NotWeb {
                method: did.method().to_owned(),
            }
            .into());
        }
        if options.version_id.is_some() {
            return Err(WebError::UnsupportedOption { option: "versionId" }.into());
        }
        if options.version_time.is_some() {
            return Err(WebError::UnsupportedOption { option: "versionTime" }.into());
        }
        let document = self.fetch(did).await?;
        Resolution::new(document, DocumentMetadata::default(), options)
    }
}

/// Whether a `Content-Type` value is acceptable for a DID document: JSON,
/// DID JSON or JSON-LD, parameters ignored.
fn is_document_media_type(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        media.as_str(),
        "application/did+json" | "application/json" | "application/did+ld+json" | "application/ld+json"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        for ok in [
            "application/did+json",
            "application/json; charset=utf-8",
            "Application/DID+LD+JSON",
            "application/ld+json;profile=\"https://w3id.org/did/v1\"",
        ] {
            assert!(is_document_media_type(ok), "{ok}");
        }
        for bad in ["text/html", "text/plain", "application/octet-stream", ""] {
            assert!(!is_document_media_type(bad), "{bad}");
        }
    }
}
