//! The one SSRF-guarded HTTP GET: did:web documents, status lists and any
//! other URL a verifier is handed go through it.
//!
//! What it enforces, for the initial URL and for every redirect target:
//! the scheme (HTTPS only unless [`FetchOptions::allow_http`]); the host and
//! every address it resolves to ([`AddressPolicy`]: public addresses only,
//! loopback by opt-in, anything else only when listed), with the connection
//! made to exactly the vetted addresses (no DNS rebinding); a bounded number
//! of redirects; a size cap checked while the body streams in (a larger
//! body is abandoned at the cap, never buffered whole); and a time limit,
//! the smaller of [`FetchOptions::timeout`] and the caller's deadline (so
//! all the fetches of one verification can share one deadline).
//!
//! ```no_run
//! use xinlian_resolver::web::{FetchOptions, GuardedFetch};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let fetch = GuardedFetch::new(FetchOptions { max_bytes: 4 << 20, ..FetchOptions::default() })?;
//! let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
//! let body = fetch.get("https://registrar.example.edu/status/1/revocation", "application/json", Some(deadline)).await?;
//! println!("{} bytes from {}", body.body.len(), body.url);
//! # Ok(())
//! # }
//! ```

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Url, redirect};

use super::address::AddressPolicy;
use super::error::WebError;

/// Settings of a [`GuardedFetch`] (and of the [`WebResolver`](super::WebResolver),
/// whose [`WebOptions`](super::WebOptions) they are).
///
/// The defaults are safe for fetching attacker-chosen URLs on a server:
/// HTTPS only, public addresses only, 10 seconds, 1 MiB, 3 redirects.
/// `allow_loopback` and `allow_http` weaken that and exist for tests and
/// local development; private, link-local (cloud metadata) and other
/// non-public addresses are reachable only when listed one by one in
/// `allow_addresses`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Allow loopback addresses (127.0.0.0/8, `::1`) and `localhost` names.
    /// Other non-public addresses stay refused. Default `false`.
    pub allow_loopback: bool,
    /// Fetch over plain HTTP instead of HTTPS (and allow redirects to plain
    /// HTTP). Default `false`.
    pub allow_http: bool,
    /// Time limit for the whole fetch: name lookup, connecting, TLS,
    /// redirects and reading the body. Default 10 seconds.
    pub timeout: Duration,
    /// Largest body accepted, in bytes; the read stops (and the connection
    /// is dropped) as soon as the body goes past it. Default 1 MiB.
    pub max_bytes: usize,
    /// Most redirects followed. Default 3.
    pub max_redirects: usize,
    /// Non-public addresses that may be contacted anyway, e.g. an intranet
    /// host that serves did:web documents or status lists. The only way to
    /// reach a private or link-local address. Default empty.
    pub allow_addresses: Vec<IpAddr>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            allow_loopback: false,
            allow_http: false,
            timeout: Duration::from_secs(10),
            max_bytes: 1024 * 1024,
            max_redirects: 3,
            allow_addresses: Vec::new(),
        }
    }
}

impl FetchOptions {
    pub(crate) fn address_policy(&self) -> AddressPolicy {
        AddressPolicy {
            allow_loopback: self.allow_loopback,
            allow_addresses: self.allow_addresses.clone(),
        }
    }
}

/// A response body read through the guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL the body came from, after redirects.
    pub url: String,
    /// The HTTP status (a success).
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body, at most [`FetchOptions::max_bytes`] long.
    pub body: Vec<u8>,
}

/// An HTTP client that fetches only what its [`FetchOptions`] allow. Cheap
/// to clone (the client and its connection pool are shared).
#[derive(Debug, Clone)]
pub struct GuardedFetch {
    client: reqwest::Client,
    options: FetchOptions,
    policy: Arc<AddressPolicy>,
}

impl GuardedFetch {
    /// A client with `options`.
    ///
    /// # Errors
    ///
    /// [`WebError::Client`] when the HTTP client cannot be built.
    pub fn new(options: FetchOptions) -> Result<Self, WebError> {
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
        Ok(GuardedFetch {
            client,
            options,
            policy,
        })
    }

    /// The options this client was built with.
    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// GETs `url` with `Accept: accept`, guarded as the module says, giving
    /// up at `deadline` (if sooner than the options' timeout).
    ///
    /// # Errors
    ///
    /// [`WebError::InvalidUrl`] for a URL that does not parse; the refusals
    /// ([`WebError::RefusedScheme`], [`WebError::RefusedHost`],
    /// [`WebError::RefusedAddress`], [`WebError::TooManyRedirects`]);
    /// [`WebError::Timeout`]; [`WebError::TooLarge`] as soon as the body
    /// passes the cap; [`WebError::Status`] for a non-success status;
    /// [`WebError::Transport`] for the rest.
    pub async fn get(&self, url: &str, accept: &str, deadline: Option<Instant>) -> Result<Fetched, WebError> {
        let url = Url::parse(url).map_err(|e| WebError::InvalidUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        self.get_url(&url, accept, deadline).await
    }

    /// [`GuardedFetch::get`] for a parsed URL.
    ///
    /// # Errors
    ///
    /// As [`GuardedFetch::get`].
    pub async fn get_url(&self, url: &Url, accept: &str, deadline: Option<Instant>) -> Result<Fetched, WebError> {
        check_url(url, &self.policy, self.options.allow_http)?;
        let limit = match deadline {
            Some(d) => self.options.timeout.min(d.saturating_duration_since(Instant::now())),
            None => self.options.timeout,
        };
        let timeout = || WebError::Timeout {
            url: url.to_string(),
            after: limit,
        };
        if limit.is_zero() {
            return Err(timeout());
        }
        match tokio::time::timeout(limit, self.get_within(url, accept, limit)).await {
            Ok(result) => result,
            Err(_) => Err(timeout()),
        }
    }

    async fn get_within(&self, url: &Url, accept: &str, limit: Duration) -> Result<Fetched, WebError> {
        let mut response = self
            .client
            .get(url.clone())
            .header(ACCEPT, accept)
            .timeout(limit)
            .send()
            .await
            .map_err(|e| transport_error(e, url, limit))?;
        let final_url = response.url().to_string();
        let status = response.status();
        if !status.is_success() {
            return Err(WebError::Status {
                url: final_url,
                status: status.as_u16(),
            });
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
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
        // Streamed: the body is never held past the cap; returning drops the
        // response and with it the connection.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(e, url, limit))? {
            if body.len().saturating_add(chunk.len()) > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            url: final_url,
            status: status.as_u16(),
            content_type,
            body,
        })
    }
}

/// Maps a client error, recovering a [`WebError`] raised by the SSRF guard
/// or the redirect policy from its source chain.
fn transport_error(e: reqwest::Error, url: &Url, limit: Duration) -> WebError {
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
        return WebError::Timeout { url: at, after: limit };
    }
    WebError::Transport {
        url: at,
        message: error_chain(&e),
    }
}

/// Checks a URL before it is requested: its scheme, and its host if that is
/// an IP address (host names are checked when the guard looks them up).
pub(crate) fn check_url(url: &Url, policy: &AddressPolicy, allow_http: bool) -> Result<(), WebError> {
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

/// An error and its sources, joined with `": "`.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
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
    use crate::web::AddressClass;

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
