//! The did:web method: DID documents served over HTTPS from the domain the
//! DID names.
//!
//! [`WebResolver`] turns the DID into a URL ([`document_url`]), fetches it with
//! a time limit, a size limit and a bounded number of redirects, and checks
//! that the document's `id` is the DID.
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
mod location;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{StatusCode, Url, redirect};
use xinlian_did_core::{Did, Document, DocumentMetadata, Resolution, ResolutionOptions, Resolver};

pub use address::{AddressClass, AddressPolicy};
pub use error::WebError;
pub use location::document_url;

/// The media types asked for, in order of preference.
const ACCEPT_VALUE: &str = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8";

/// Settings of a [`WebResolver`].
///
/// The defaults are safe for resolving attacker-chosen DIDs on a server.
/// `allow_loopback` and `allow_http` weaken that and exist for tests and
/// local development.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebOptions {
    /// Allow loopback addresses (127.0.0.0/8, `::1`) and `localhost` names.
    /// Other non-public addresses stay refused. Default `false`.
    pub allow_loopback: bool,
    /// Fetch over plain HTTP instead of HTTPS (and allow redirects to plain
    /// HTTP). Default `false`.
    pub allow_http: bool,
    /// Time limit for the whole fetch: name lookup, connecting, TLS,
    /// redirects and reading the body. Default 10 seconds.
    pub timeout: Duration,
    /// Largest document accepted, in bytes; a longer body is refused while
    /// it is being read. Default 1 MiB.
    pub max_bytes: usize,
    /// Most redirects followed. Default 3.
    pub max_redirects: usize,
    /// Non-public addresses that may be contacted anyway, e.g. an intranet
    /// host that serves did:web documents. Default empty.
    pub allow_addresses: Vec<IpAddr>,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            allow_loopback: false,
            allow_http: false,
            timeout: Duration::from_secs(10),
            max_bytes: 1024 * 1024,
            max_redirects: 3,
            allow_addresses: Vec::new(),
        }
    }
}

impl WebOptions {
    fn address_policy(&self) -> AddressPolicy {
        AddressPolicy {
            allow_loopback: self.allow_loopback,
            allow_addresses: self.allow_addresses.clone(),
        }
    }
}

/// Resolves did:web DIDs over HTTPS, guarded against server-side request
/// forgery. Cheap to clone (the HTTP client and its connection pool are
/// shared).
#[derive(Debug, Clone)]
pub struct WebResolver {
    client: reqwest::Client,
    options: WebOptions,
    policy: Arc<AddressPolicy>,
}

impl WebResolver {
    /// A resolver with the default (safe) [`WebOptions`].
    pub fn new() -> Result<Self, WebError> {
        Self::with_options(WebOptions::default())
    }

    /// A resolver with `options`.
    pub fn with_options(options: WebOptions) -> Result<Self, WebError> {
        let policy = Arc::new(options.address_policy());
        let guard = GuardedResolver {
            policy: Arc::clone(&policy),
        };
        let allow_http = options.allow_http;
        let max_redirects = options.max_redirects;
        let redirect_policy = Arc::clone(&policy);
        let redirects = redirect::Policy::custom(move |attempt| {
            // `previous` holds the initial URL and every redirect target so far.
            if attempt.previous().len() > max_redirects {
                let url = attempt.url().to_string();
                return attempt.error(WebError::TooManyRedirects {
                    url,
                    max: max_redirects,
                });
            }
            match check_url(attempt.url(), &redirect_policy, allow_http) {
                Ok(()) => attempt.follow(),
                Err(e) => attempt.error(e),
            }
        });
        let client = reqwest::Client::builder()
            .dns_resolver(guard)
            .redirect(redirects)
            .no_proxy()
            .https_only(!allow_http)
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .user_agent(concat!("xinlian-resolver/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WebError::Client {
                message: error_chain(&e),
            })?;
        Ok(WebResolver {
            client,
            options,
            policy,
        })
    }

    /// The options this resolver was built with.
    pub fn options(&self) -> &WebOptions {
        &self.options
    }

    /// The URL this resolver fetches `did`'s document from: [`document_url`],
    /// with `http` instead of `https` if [`WebOptions::allow_http`] is set.
    pub fn url_for(&self, did: &Did) -> Result<Url, WebError> {
        let mut url = document_url(did)?;
        if self.options.allow_http && url.set_scheme("http").is_err() {
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
        check_url(&url, &self.policy, self.options.allow_http)?;
        match tokio::time::timeout(self.options.timeout, self.fetch_checked(did, &url)).await {
            Ok(result) => result,
            Err(_) => Err(WebError::Timeout {
                url: url.to_string(),
                after: self.options.timeout,
            }),
        }
    }

    async fn fetch_checked(&self, did: &Did, url: &Url) -> Result<Document, WebError> {
        let mut response = self
            .client
            .get(url.clone())
            .header(ACCEPT, ACCEPT_VALUE)
            .send()
            .await
            .map_err(|e| self.transport_error(e, url))?;
        let final_url = response.url().to_string();
        let status = response.status();
        if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Err(WebError::NotFound {
                url: final_url,
                status: status.as_u16(),
            });
        }
        if !status.is_success() {
            return Err(WebError::Status {
                url: final_url,
                status: status.as_u16(),
            });
        }
        if let Some(value) = response.headers().get(CONTENT_TYPE) {
            let content_type = String::from_utf8_lossy(value.as_bytes()).into_owned();
            if !is_document_media_type(&content_type) {
                return Err(WebError::ContentType {
                    url: final_url,
                    content_type,
                });
            }
        }
        let max_bytes = self.options.max_bytes;
        let too_large = || WebError::TooLarge {
            url: final_url.clone(),
            max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|len| usize::try_from(len).map_or(true, |len| len > max_bytes))
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport_error(e, url))? {
            if body.len().saturating_add(chunk.len()) > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let text = std::str::from_utf8(&body).map_err(|e| WebError::NotUtf8 {
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

    /// Maps a client error, recovering a [`WebError`] raised by the SSRF
    /// guard or the redirect policy from its source chain.
    fn transport_error(&self, e: reqwest::Error, url: &Url) -> WebError {
        let at = e.url().map_or_else(|| url.to_string(), Url::to_string);
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(err) = source {
            if let Some(web) = err.downcast_ref::<WebError>() {
                return match web.clone() {
                    WebError::RefusedAddress {
                        url,
                        host,
                        address,
                        class,
                    } => WebError::RefusedAddress {
                        url: if url.is_empty() { at } else { url },
                        host,
                        address,
                        class,
                    },
                    WebError::RefusedHost { url, host, reason } => WebError::RefusedHost {
                        url: if url.is_empty() { at } else { url },
                        host,
                        reason,
                    },
                    other => other,
                };
            }
            source = err.source();
        }
        if e.is_timeout() {
            return WebError::Timeout {
                url: at,
                after: self.options.timeout,
            };
        }
        WebError::Transport {
            url: at,
            message: error_chain(&e),
        }
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

/// Checks a URL before it is requested: its scheme, and its host if that is
/// an IP address (host names are checked when the guard looks them up).
fn check_url(url: &Url, policy: &AddressPolicy, allow_http: bool) -> Result<(), WebError> {
    let scheme = url.scheme();
    if !(scheme == "https" || (allow_http && scheme == "http")) {
        return Err(WebError::RefusedScheme {
            url: url.to_string(),
            scheme: scheme.to_owned(),
        });
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(WebError::RefusedHost {
            url: url.to_string(),
            host: String::new(),
            reason: "missing",
        });
    };
    // The URL parser has normalized IP hosts (decimal, shorthand and
    // bracketed IPv6 forms) into canonical text.
    let literal = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    match literal.parse::<IpAddr>() {
        Ok(ip) => policy.check_ip(ip).map_err(|class| WebError::RefusedAddress {
            url: url.to_string(),
            host: host.to_owned(),
            address: ip,
            class,
        }),
        Err(_) => policy.check_host_name(host).map_err(|reason| WebError::RefusedHost {
            url: url.to_string(),
            host: host.to_owned(),
            reason,
        }),
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

/// An error and its sources, joined with `": "`.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

/// The DNS resolver the HTTP client uses: looks the name up, then refuses
/// the whole answer if any address is not allowed. The client connects only
/// to the addresses returned here, so the vetted answer is the one used.
#[derive(Debug, Clone)]
struct GuardedResolver {
    policy: Arc<AddressPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            policy.check_host_name(&host).map_err(|reason| WebError::RefusedHost {
                url: String::new(),
                host: host.clone(),
                reason,
            })?;
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if addrs.is_empty() {
                return Err(WebError::Transport {
                    url: String::new(),
                    message: format!("{host} has no addresses"),
                }
                .into());
            }
            for addr in &addrs {
                policy.check_ip(addr.ip()).map_err(|class| WebError::RefusedAddress {
                    url: String::new(),
                    host: host.clone(),
                    address: addr.ip(),
                    class,
                })?;
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
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

    #[test]
    fn check_url_refuses_schemes_and_ip_hosts() {
        let policy = &AddressPolicy::default();
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(check_url(&url("https://example.com/did.json"), policy, false).is_ok());
        assert!(matches!(
            check_url(&url("http://example.com/did.json"), policy, false),
            Err(WebError::RefusedScheme { .. })
        ));
        assert!(check_url(&url("http://example.com/did.json"), policy, true).is_ok());
        assert!(matches!(
            check_url(&url("file:///etc/passwd"), policy, true),
            Err(WebError::RefusedScheme { .. })
        ));
        assert!(matches!(
            check_url(&url("https://169.254.169.254/latest/meta-data"), policy, false),
            Err(WebError::RefusedAddress {
                class: AddressClass::LinkLocal,
                ..
            })
        ));
        assert!(matches!(
            check_url(&url("https://[::ffff:7f00:1]/"), policy, false),
            Err(WebError::RefusedAddress {
                class: AddressClass::Loopback,
                ..
            })
        ));
        // Decimal and shorthand IPv4 forms are normalized by the URL parser first.
        assert!(matches!(
            check_url(&url("https://2130706433/"), policy, false),
            Err(WebError::RefusedAddress {
                class: AddressClass::Loopback,
                ..
            })
        ));
        assert!(matches!(
            check_url(&url("https://localhost:8080/"), policy, false),
            Err(WebError::RefusedHost { .. })
        ));
    }

    #[tokio::test]
    async fn guarded_resolver_refuses_localhost_lookups() {
        let guard = GuardedResolver {
            policy: Arc::new(AddressPolicy::default()),
        };
        let err = match guard.resolve("localhost".parse().unwrap()).await {
            Ok(_) => panic!("localhost must be refused"),
            Err(e) => e,
        };
        assert!(matches!(
            err.downcast_ref::<WebError>(),
            Some(WebError::RefusedHost { .. })
        ));

        let opted_in = GuardedResolver {
            policy: Arc::new(AddressPolicy {
                allow_loopback: true,
                ..AddressPolicy::default()
            }),
        };
        let addrs: Vec<SocketAddr> = opted_in.resolve("localhost".parse().unwrap()).await.unwrap().collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }

    #[tokio::test]
    async fn guarded_resolver_checks_the_addresses_a_name_resolves_to() {
        let guard = GuardedResolver {
            policy: Arc::new(AddressPolicy::default()),
        };
        // A name whose lookup yields a loopback address (the system resolver
        // answers numeric names itself) is refused after the lookup.
        let err = match guard.resolve("127.0.0.1".parse().unwrap()).await {
            Ok(_) => panic!("a loopback answer must be refused"),
            Err(e) => e,
        };
        assert!(matches!(
            err.downcast_ref::<WebError>(),
            Some(WebError::RefusedAddress {
                class: AddressClass::Loopback,
                ..
            })
        ));
    }
}
