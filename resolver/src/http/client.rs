//! [`HttpResolver`]: a [`Resolver`] that asks a DID Resolution HTTP endpoint
//! (this crate's server or any universal resolver deployment).

use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{ACCEPT, CACHE_CONTROL};
use reqwest::{StatusCode, Url};
use serde_json::Value;
use xinlian_did_core::json::{JsonLimits, parse_strict};
use xinlian_did_core::resolution::{DID_RESOLUTION_MEDIA_TYPE, error_from_code, parse_resolution_result};
use xinlian_did_core::{
    Did, Document, DocumentMetadata, Error as DidError, Representation, Resolution, ResolutionMetadata,
    ResolutionOptions, Resolver,
};

use super::{kind_for_status, percent_encode_component};
use crate::error::Error;

/// Default timeout of one resolution request.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on a response body.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Resolves DIDs through a DID Resolution HTTP endpoint.
///
/// It sends `GET {endpoint}{did}` with `Accept: application/did-resolution`
/// and reads the resolution result back with
/// [`parse_resolution_result`]: error codes in the result become the
/// matching [`xinlian_did_core::Error`] (so `notFound` stays
/// [`ErrorKind::NotFound`](xinlian_did_core::ErrorKind::NotFound)), and an
/// error status without a code is mapped from the status (400 invalidDid,
/// 404 notFound, 406 representationNotSupported, 501 methodNotSupported,
/// anything else internalError). A deactivated DID (410) resolves with
/// `deactivated: true`. `versionId` and `versionTime` are sent as DID
/// parameters, `noCache` as `Cache-Control: no-cache`; with method-specific
/// options the DID is sent percent-encoded and the options as the query.
///
/// ```no_run
/// use xinlian_did_core::{Did, ResolutionOptions, Resolver};
/// use xinlian_resolver::HttpResolver;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let resolver = HttpResolver::new("http://127.0.0.1:8080/1.0/identifiers/")?;
/// let did = Did::parse("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")?;
/// let resolved = resolver.resolve(&did, &ResolutionOptions::default()).await?;
/// assert_eq!(resolved.document.id, did);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct HttpResolver {
    client: reqwest::Client,
    endpoint: Url,
    /// The endpoint without credentials, for error messages.
    shown_endpoint: String,
    max_response_bytes: usize,
    timeout: Duration,
}

/// Builds an [`HttpResolver`] with a timeout and a response size limit.
#[derive(Debug, Clone)]
pub struct HttpResolverBuilder {
    endpoint: String,
    timeout: Duration,
    max_response_bytes: usize,
    client: Option<reqwest::Client>,
}

impl HttpResolver {
    /// A resolver for `endpoint`, the URL DIDs are appended to (e.g.
    /// `http://127.0.0.1:8080/1.0/identifiers/`; a missing trailing `/` is
    /// added), with a 10 s timeout and a 1 MiB response limit.
    pub fn new(endpoint: &str) -> Result<HttpResolver, Error> {
        HttpResolver::builder(endpoint).build()
    }

    /// A builder for `endpoint`.
    pub fn builder(endpoint: &str) -> HttpResolverBuilder {
        HttpResolverBuilder {
            endpoint: endpoint.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            client: None,
        }
    }

    /// The endpoint DIDs are appended to (always ending in `/`).
    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }

    fn request_url(&self, did: &Did, options: &ResolutionOptions) -> String {
        let mut url = String::from(self.endpoint.as_str());
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(v) = &options.version_id {
            query.push(("versionId", v.clone()));
        }
        if let Some(t) = &options.version_time {
            query.push(("versionTime", t.clone()));
        }
        if options.extra.is_empty() {
            // Raw form: the query is the DID URL's (DID parameters).
            url.push_str(did.as_str());
        } else {
            // Encoded form: the query holds resolution options.
            url.push_str(&percent_encode_component(did.as_str()));
            for (name, value) in &options.extra {
                let value = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                query.push((name.as_str(), value));
            }
        }
        for (i, (name, value)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&percent_encode_component(name));
            url.push('=');
            url.push_str(&percent_encode_component(value));
        }
        url
    }

    fn internal(&self, did: &Did, what: impl std::fmt::Display) -> DidError {
        DidError::Internal {
            message: format!("resolving {did} at {}: {what}", self.shown_endpoint),
        }
    }

    async fn read_body(&self, did: &Did, mut response: reqwest::Response) -> Result<Vec<u8>, DidError> {
        let limit = self.max_response_bytes;
        let too_large = || self.internal(did, format_args!("the response is larger than {limit} bytes"));
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.internal(did, format_args!("reading the response: {e}")))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl HttpResolverBuilder {
    /// Longest time one resolution may take (connect, request and the
    /// whole response). Default 10 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest response body accepted. Default 1 MiB.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Uses this `reqwest` client (its TLS, proxy and pool settings) instead
    /// of building one; the builder's timeout then applies per request.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Checks the endpoint (an `http` or `https` URL without query or
    /// fragment) and builds the resolver.
    pub fn build(self) -> Result<HttpResolver, Error> {
        let invalid = |reason: String| Error::Config {
            location: format!("HttpResolver endpoint {:?}", self.endpoint),
            reason,
        };
        let mut endpoint = Url::parse(&self.endpoint).map_err(|e| invalid(format!("not a URL: {e}")))?;
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https".into()));
        }
        if endpoint.query().is_some() || endpoint.fragment().is_some() {
            return Err(invalid("the endpoint may not have a query or fragment".into()));
        }
        if !endpoint.path().ends_with('/') {
            let path = format!("{}/", endpoint.path());
            endpoint.set_path(&path);
        }
        let mut shown = endpoint.clone();
        // Never put credentials into error messages.
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        let client = match self.client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.timeout)
                .build()
                .map_err(|e| invalid(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(HttpResolver {
            client,
            endpoint,
            shown_endpoint: shown.to_string(),
            max_response_bytes: self.max_response_bytes,
            timeout: self.timeout,
        })
    }
}

#[async_trait]
impl Resolver for HttpResolver {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        // Refuse an unsupported representation before any I/O.
        let representation = Representation::negotiate(options.accept.as_deref())?;
        let url = self.request_url(did, options);
        let mut request = self
            .client
            .get(&url)
            .header(ACCEPT, DID_RESOLUTION_MEDIA_TYPE)
            .timeout(self.timeout);
        if options.no_cache {
            request = request.header(CACHE_CONTROL, "no-cache");
        }
        let response = request.send().await.map_err(|e| self.internal(did, e))?;
        let status = response.status();
        let body = self.read_body(did, response).await?;
        // Strict: a result naming a member twice (two `id`s, two keys) is
        // not a resolution result; the body's size is bounded already.
        let limits = JsonLimits {
            max_bytes: usize::MAX,
            ..JsonLimits::default()
        };
        let value: Option<Value> = parse_strict(&body, &limits).ok();

        let has_error_code = value
            .as_ref()
            .and_then(|v| v.get("didResolutionMetadata"))
            .is_some_and(|m| m.get("error").is_some());
        let ok_status = status.is_success() || status == StatusCode::GONE;
        let mut resolution = match value {
            Some(v) if has_error_code => return Err(parse_result(&v)),
            Some(v) if ok_status && v.get("didDocument").is_some() => parse_resolution_result(&v)?,
            // Some deployments answer with the bare document.
            Some(v) if ok_status && v.get("id").is_some() => Resolution {
                document: Document::from_value(v)?,
                document_metadata: DocumentMetadata::default(),
                resolution_metadata: ResolutionMetadata::default(),
            },
            _ if ok_status => return Err(self.internal(did, "the response is not a DID resolution result")),
            _ => {
                let kind = kind_for_status(status);
                return Err(error_from_code(
                    kind.as_str(),
                    format!("{did} (HTTP {status} from {})", self.shown_endpoint),
                ));
            }
        };
        if resolution.document.id != *did {
            return Err(self.internal(
                did,
                format_args!("the returned document is for {}", resolution.document.id),
            ));
        }
        resolution.resolution_metadata.content_type = Some(representation.media_type().to_owned());
        Ok(resolution)
    }
}

/// The error a result with an error code stands for.
fn parse_result(value: &Value) -> DidError {
    match parse_resolution_result(value) {
        Err(e) => e,
        Ok(_) => DidError::Internal {
            message: "a resolution result with an error code parsed as a success".into(),
        },
    }
}
