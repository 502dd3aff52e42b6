//! The operator config file of the `xinlian-resolver` binary: which DID
//! methods to serve, the did:ethr networks and their ledgers, did:web
//! options, the cache, and the server's address and limits.
//!
//! ```toml
//! methods = ["key", "jwk", "web", "ethr"]
//!
//! [server]
//! addr = "127.0.0.1:8080"
//!
//! [cache]
//! capacity = 10000
//! ttl_secs = 300
//!
//! [[ethr.networks]]
//! name = "mainnet"
//! ledger = { type = "embedded", path = "ledger.sqlite" }
//! ```
//!
//! Every key is optional except `methods`; unknown keys are refused (a typo
//! must not silently fall back to a default). Relative ledger paths are
//! relative to the config file's folder. `resolver/resolver.example.toml`
//! lists every key with its default.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use xinlian_did_core::Resolver;

use crate::cache::{CacheOptions, CachingResolver};
use crate::error::{Error, Result};
use crate::ethr::EthrResolver;
use crate::http::ServerOptions;
use crate::ledger::{Address, EmbeddedLedger, Ledger};
use crate::registry::MethodRegistry;
use crate::web::{WebOptions, WebResolver};

/// The methods this build can serve.
pub const KNOWN_METHODS: &[&str] = &["key", "jwk", "web", "ethr"];

/// The whole config file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolverConfig {
    /// DID methods to serve: any of `key`, `jwk`, `web`, `ethr`.
    pub methods: Vec<String>,
    /// Listening address and limits.
    #[serde(default)]
    pub server: ServerSection,
    /// Log output.
    #[serde(default)]
    pub log: LogSection,
    /// The resolution cache.
    #[serde(default)]
    pub cache: CacheSection,
    /// did:web options (with `web` in `methods`).
    #[serde(default)]
    pub web: Option<WebSection>,
    /// did:ethr networks (with `ethr` in `methods`).
    #[serde(default)]
    pub ethr: Option<EthrSection>,
    /// Where the config was read from (for messages and relative paths).
    #[serde(skip)]
    pub origin: PathBuf,
}

/// `[server]`: where to listen and the request limits.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSection {
    /// Listening address. Default `127.0.0.1:8080`.
    pub addr: SocketAddr,
    /// Longest time one request may take, in seconds. Default 10.
    pub request_timeout_secs: f64,
    /// Largest request head (request line and headers). Default 16384.
    pub max_header_bytes: usize,
    /// Largest request body. Default 65536.
    pub max_body_bytes: usize,
    /// Most connections served at once. Default 10000.
    pub max_connections: usize,
    /// Seconds in-flight requests get to finish on shutdown. Default 10.
    pub shutdown_grace_secs: f64,
    /// Seconds a client has to send its request head. Default 10.
    pub header_read_timeout_secs: f64,
}

impl Default for ServerSection {
    fn default() -> Self {
        let defaults = ServerOptions::default();
        ServerSection {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            request_timeout_secs: defaults.request_timeout.as_secs_f64(),
            max_header_bytes: defaults.max_header_bytes,
            max_body_bytes: defaults.max_body_bytes,
            max_connections: defaults.max_connections,
            shutdown_grace_secs: defaults.shutdown_grace.as_secs_f64(),
            header_read_timeout_secs: defaults.header_read_timeout.as_secs_f64(),
        }
    }
}

/// `[log]`: log format and level.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    /// `text` (human-readable, the default) or `json` (one object a line).
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `xinlian_resolver=debug,info`;
    /// the `RUST_LOG` environment variable overrides it. Default `info`.
    pub level: String,
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// `[cache]`: the resolution cache in front of every method.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSection {
    /// Most resolutions kept; `0` turns caching off. Default 10000.
    pub capacity: usize,
    /// Seconds a resolution is served from the cache. Default 300.
    pub ttl_secs: f64,
    /// Seconds a `notFound` answer is served from the cache. Default 30.
    pub not_found_ttl_secs: f64,
}

impl Default for CacheSection {
    fn default() -> Self {
        let defaults = CacheOptions::default();
        CacheSection {
            capacity: 10_000,
            ttl_secs: defaults.ttl.as_secs_f64(),
            not_found_ttl_secs: defaults.not_found_ttl.as_secs_f64(),
        }
    }
}

/// `[web]`: did:web fetching.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSection {
    /// Fetch over plain HTTP (development only). Default false.
    pub allow_http: bool,
    /// Allow loopback hosts (development only). Default false.
    pub allow_loopback: bool,
    /// Seconds for the whole fetch. Default 10.
    pub timeout_secs: f64,
    /// Largest document, in bytes. Default 1 MiB.
    pub max_bytes: usize,
    /// Most redirects followed. Default 3.
    pub max_redirects: usize,
    /// Non-public addresses that may be contacted anyway (an intranet
    /// host). Default none.
    pub allow_addresses: Vec<IpAddr>,
}

impl Default for WebSection {
    fn default() -> Self {
        let defaults = WebOptions::default();
        WebSection {
            allow_http: defaults.allow_http,
            allow_loopback: defaults.allow_loopback,
            timeout_secs: defaults.timeout.as_secs_f64(),
            max_bytes: defaults.max_bytes,
            max_redirects: defaults.max_redirects,
            allow_addresses: defaults.allow_addresses,
        }
    }
}

/// `[ethr]`: did:ethr networks.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EthrSection {
    /// The network of DIDs without a network part (`did:ethr:0x…`).
    /// Default: `mainnet`, or the only network if there is one.
    #[serde(default)]
    pub default_network: Option<String>,
    /// The networks, each with its ledger.
    pub networks: Vec<EthrNetwork>,
}

/// One `[[ethr.networks]]` entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EthrNetwork {
    /// The network name in DIDs (`did:ethr:<name>:0x…`), e.g. `mainnet`,
    /// `dev`. DIDs may also name it by chain id (`did:ethr:0x539:0x…`).
    pub name: String,
    /// The chain id. Required for an EVM ledger; for an embedded ledger it
    /// defaults to the file's (a new file: 1337).
    #[serde(default)]
    pub chain_id: Option<u64>,
    /// Where the registry lives.
    pub ledger: LedgerConfig,
}

/// A did:ethr network's ledger.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum LedgerConfig {
    /// The embedded SQLite ledger in one file (created if missing).
    Embedded {
        /// The SQLite file; relative paths are relative to the config file.
        path: PathBuf,
        /// The registry address signatures are bound to (`0x` + 40 hex).
        /// Default: the file's, or the usual ERC-1056 address.
        #[serde(default)]
        registry: Option<String>,
    },
    /// An ERC-1056 registry contract on an EVM chain over JSON-RPC.
    Evm {
        /// The JSON-RPC URL (`http` or `https`).
        rpc_url: String,
        /// The registry contract address (`0x` + 40 hex).
        registry: String,
    },
}

fn invalid(location: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::Config {
        location: location.into(),
        reason: reason.into(),
    }
}

fn duration(location: &str, secs: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(secs)
        .map_err(|_| invalid(location, format!("{secs} is not a number of seconds (0 or more)")))
}

impl ResolverConfig {
    /// Reads and checks the config file at `path`.
    pub fn from_file(path: &Path) -> Result<ResolverConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(path.display().to_string(), format!("cannot read it: {e}")))?;
        ResolverConfig::from_toml(&text, path)
    }

    /// Parses and checks TOML `text` read from `origin` (used in messages
    /// and as the base of relative paths).
    pub fn from_toml(text: &str, origin: &Path) -> Result<ResolverConfig> {
        let mut config: ResolverConfig = toml::from_str(text)
            .map_err(|e| invalid(origin.display().to_string(), e.to_string().trim_end().to_owned()))?;
        config.origin = origin.to_owned();
        config.validate()?;
        Ok(config)
    }

    fn at(&self, key: &str) -> String {
        format!("{}: {key}", self.origin.display())
    }

    /// Checks what TOML types cannot: known, distinct methods; sections
    /// only for enabled methods; distinct network names; addresses and
    /// URLs well formed; durations in range.
    pub fn validate(&self) -> Result<()> {
        if self.methods.is_empty() {
            return Err(invalid(
                self.at("methods"),
                format!("name at least one of {KNOWN_METHODS:?}"),
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, method) in self.methods.iter().enumerate() {
            if !KNOWN_METHODS.contains(&method.as_str()) {
                return Err(invalid(
                    self.at(&format!("methods[{i}]")),
                    format!("unknown method {method:?}; this build serves {KNOWN_METHODS:?}"),
                ));
            }
            if !seen.insert(method.as_str()) {
                return Err(invalid(
                    self.at(&format!("methods[{i}]")),
                    format!("{method:?} is listed twice"),
                ));
            }
        }
        self.server_options()?;
        self.cache_options()?;
        match (&self.web, self.enables("web")) {
            (Some(_), false) => return Err(invalid(self.at("web"), "given, but \"web\" is not in methods")),
            (Some(_), true) => {
                self.web_options()?;
            }
            _ => {}
        }
        match (&self.ethr, self.enables("ethr")) {
            (Some(_), false) => return Err(invalid(self.at("ethr"), "given, but \"ethr\" is not in methods")),
            (None, true) => {
                return Err(invalid(
                    self.at("ethr.networks"),
                    "\"ethr\" is in methods but no [[ethr.networks]] is configured",
                ));
            }
            (Some(ethr), true) => self.validate_ethr(ethr)?,
            (None, false) => {}
        }
        Ok(())
    }

    fn validate_ethr(&self, ethr: &EthrSection) -> Result<()> {
        if ethr.networks.is_empty() {
            return Err(invalid(self.at("ethr.networks"), "configure at least one network"));
        }
        let mut names = BTreeSet::new();
        for (i, network) in ethr.networks.iter().enumerate() {
            let at = |key: &str| self.at(&format!("ethr.networks[{i}].{key}"));
            let name_ok = !network.name.is_empty()
                && network
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !name_ok || network.name.starts_with("0x") {
                return Err(invalid(
                    at("name"),
                    format!(
                        "{:?} is not a network name (letters, digits, '-', '_', '.'; not starting with 0x)",
                        network.name
                    ),
                ));
            }
            if !names.insert(network.name.as_str()) {
                return Err(invalid(
                    at("name"),
                    format!("network {:?} is configured twice", network.name),
                ));
            }
            if network.chain_id == Some(0) {
                return Err(invalid(at("chain_id"), "a chain id is a positive integer"));
            }
            match &network.ledger {
                LedgerConfig::Embedded { path, registry } => {
                    if path.as_os_str().is_empty() {
                        return Err(invalid(at("ledger.path"), "name the SQLite file"));
                    }
                    if let Some(registry) = registry {
                        parse_address(&at("ledger.registry"), registry)?;
                    }
                }
                LedgerConfig::Evm { rpc_url, registry } => {
                    // The URL may hold an API key: never repeat it.
                    let url = reqwest::Url::parse(rpc_url)
                        .map_err(|e| invalid(at("ledger.rpc_url"), format!("not a URL: {e}")))?;
                    if !matches!(url.scheme(), "http" | "https") {
                        return Err(invalid(
                            at("ledger.rpc_url"),
                            format!("scheme {:?}: use http or https", url.scheme()),
                        ));
                    }
                    parse_address(&at("ledger.registry"), registry)?;
                    if network.chain_id.is_none() {
                        return Err(invalid(at("chain_id"), "an EVM ledger needs the chain id"));
                    }
                }
            }
        }
        if let Some(default) = &ethr.default_network
            && !names.contains(default.as_str())
        {
            return Err(invalid(
                self.at("ethr.default_network"),
                format!("{default:?} is not one of the configured networks {names:?}"),
            ));
        }
        Ok(())
    }

    /// Whether `method` is in `methods`.
    pub fn enables(&self, method: &str) -> bool {
        self.methods.iter().any(|m| m == method)
    }

    /// The server limits from `[server]`.
    pub fn server_options(&self) -> Result<ServerOptions> {
        let s = &self.server;
        Ok(ServerOptions {
            request_timeout: duration(&self.at("server.request_timeout_secs"), s.request_timeout_secs)?,
            max_header_bytes: s.max_header_bytes,
            max_body_bytes: s.max_body_bytes,
            header_read_timeout: duration(&self.at("server.header_read_timeout_secs"), s.header_read_timeout_secs)?,
            max_connections: s.max_connections,
            shutdown_grace: duration(&self.at("server.shutdown_grace_secs"), s.shutdown_grace_secs)?,
        })
    }

    /// The cache options from `[cache]`.
    pub fn cache_options(&self) -> Result<CacheOptions> {
        Ok(CacheOptions {
            capacity: self.cache.capacity,
            ttl: duration(&self.at("cache.ttl_secs"), self.cache.ttl_secs)?,
            not_found_ttl: duration(&self.at("cache.not_found_ttl_secs"), self.cache.not_found_ttl_secs)?,
        })
    }

    /// The did:web options from `[web]` (defaults if absent).
    pub fn web_options(&self) -> Result<WebOptions> {
        let web = self.web.clone().unwrap_or_default();
        Ok(WebOptions {
            allow_loopback: web.allow_loopback,
            allow_http: web.allow_http,
            timeout: duration(&self.at("web.timeout_secs"), web.timeout_secs)?,
            max_bytes: web.max_bytes,
            max_redirects: web.max_redirects,
            allow_addresses: web.allow_addresses,
        })
    }

    /// `path` relative to the config file's folder (absolute paths as is).
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_owned();
        }
        match self.origin.parent() {
            Some(dir) => dir.join(path),
            None => path.to_owned(),
        }
    }

    /// Builds the resolver stack: a [`MethodRegistry`] with the enabled
    /// methods, behind a [`CachingResolver`] unless the cache capacity is
    /// 0. Opens the embedded ledgers (on tokio's blocking pool) and
    /// connects to the EVM ledgers (checking chain id and contract), so a
    /// wrong ledger stops the operator at startup, not at the first
    /// request. Needs a tokio runtime.
    pub async fn build_resolver(&self) -> Result<Arc<dyn Resolver>> {
        self.validate()?;
        let mut registry = MethodRegistry::empty();
        let stateless = Arc::new(xinlian_did_core::StatelessResolver::new());
        for method in &self.methods {
            match method.as_str() {
                "key" | "jwk" => {
                    registry.register_arc(method, stateless.clone())?;
                }
                "web" => {
                    let web = WebResolver::with_options(self.web_options()?)?;
                    registry.register("web", web)?;
                }
                "ethr" => {
                    let ethr = self.ethr.as_ref().map(|e| e.networks.as_slice()).unwrap_or_default();
                    registry.register_arc("ethr", self.build_ethr(ethr).await?)?;
                }
                other => {
                    return Err(invalid(self.at("methods"), format!("unknown method {other:?}")));
                }
            }
        }
        let cache = self.cache_options()?;
        if cache.capacity == 0 {
            return Ok(Arc::new(registry));
        }
        Ok(Arc::new(CachingResolver::with_options(registry, cache)))
    }

    /// Opens each network's ledger and builds the did:ethr resolver.
    async fn build_ethr(&self, networks: &[EthrNetwork]) -> Result<Arc<dyn Resolver>> {
        let mut ledgers = Vec::with_capacity(networks.len());
        for (i, network) in networks.iter().enumerate() {
            let at = |key: &str| self.at(&format!("ethr.networks[{i}].{key}"));
            match &network.ledger {
                LedgerConfig::Embedded { path, registry } => {
                    let path = self.resolve_path(path);
                    let mut builder = EmbeddedLedger::builder(&path);
                    if let Some(chain_id) = network.chain_id {
                        builder = builder.chain_id(chain_id);
                    }
                    if let Some(registry) = registry {
                        builder = builder.registry(parse_address(&at("ledger.registry"), registry)?);
                    }
                    let ledger = tokio::task::spawn_blocking(move || builder.open())
                        .await
                        .map_err(|e| invalid(at("ledger"), format!("opening the ledger failed: {e}")))?
                        .map_err(|e| invalid(at("ledger"), format!("opening {}: {e}", path.display())))?;
                    ledgers.push((network.name.clone(), Arc::new(ledger) as Arc<dyn Ledger>));
                }
                #[cfg(feature = "evm")]
                LedgerConfig::Evm { rpc_url, registry } => {
                    let mut builder = crate::ledger::EvmLedger::builder(rpc_url.as_str())
                        .registry(parse_address(&at("ledger.registry"), registry)?);
                    if let Some(chain_id) = network.chain_id {
                        builder = builder.chain_id(chain_id);
                    }
                    // The ledger's errors name the RPC URL with secrets redacted.
                    let ledger = builder
                        .connect()
                        .await
                        .map_err(|e| invalid(at("ledger"), format!("connecting to the EVM ledger: {e}")))?;
                    ledgers.push((network.name.clone(), Arc::new(ledger) as Arc<dyn Ledger>));
                }
                #[cfg(not(feature = "evm"))]
                LedgerConfig::Evm { .. } => {
                    return Err(invalid(
                        at("ledger"),
                        "the EVM ledger (type = \"evm\") is not built into this xinlian-resolver: \
                         build it with the `evm` cargo feature, or use type = \"embedded\"",
                    ));
                }
            }
        }
        let default_network = self.ethr.as_ref().and_then(|e| e.default_network.as_deref());
        Ok(ethr_resolver(ledgers, default_network))
    }
}

fn parse_address(location: &str, text: &str) -> Result<Address> {
    text.parse::<Address>().map_err(|e| {
        invalid(
            location,
            format!("{text:?} is not an address (0x and 40 hex digits): {e}"),
        )
    })
}

/// The did:ethr resolver over the opened ledgers (network name, ledger).
fn ethr_resolver(ledgers: Vec<(String, Arc<dyn Ledger>)>, default_network: Option<&str>) -> Arc<dyn Resolver> {
    let default_network = match (default_network, ledgers.as_slice()) {
        (Some(name), _) => Some(name.to_owned()),
        (None, [(only, _)]) => Some(only.clone()),
        _ => None,
    };
    let mut builder = EthrResolver::builder();
    for (name, ledger) in ledgers {
        builder = builder.network(name, ledger);
    }
    if let Some(name) = default_network {
        builder = builder.default_network(name);
    }
    Arc::new(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ResolverConfig> {
        ResolverConfig::from_toml(text, Path::new("/etc/xinlian/resolver.toml"))
    }

    fn reason(text: &str) -> String {
        match parse(text) {
            Err(Error::Config { location, reason }) => format!("{location}: {reason}"),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn the_example_file_parses() {
        let text = include_str!("../resolver.example.toml");
        let config = parse(text).unwrap();
        assert_eq!(config.methods, ["key", "jwk", "web", "ethr"]);
        let networks = &config.ethr.as_ref().unwrap().networks;
        assert!(matches!(networks[0].ledger, LedgerConfig::Embedded { .. }));
        assert_eq!(
            config.resolve_path(Path::new("ledger.sqlite")),
            Path::new("/etc/xinlian/ledger.sqlite")
        );
    }

    #[test]
    fn a_minimal_file_takes_the_defaults() {
        let config = parse("methods = [\"key\"]").unwrap();
        assert_eq!(config.server.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.server_options().unwrap(), ServerOptions::default());
        assert_eq!(config.cache.capacity, 10_000);
        assert_eq!(config.log, LogSection::default());
    }

    #[test]
    fn mistakes_are_named_with_their_key() {
        for (text, want) in [
            ("methods = []", "methods: name at least one"),
            ("methods = [\"key\", \"btcr\"]", "methods[1]: unknown method \"btcr\""),
            ("methods = [\"key\", \"key\"]", "methods[1]: \"key\" is listed twice"),
            ("methods = [\"key\"]\n[cache]\ncapacty = 3", "unknown field `capacty`"),
            (
                "methods = [\"key\"]\n[cache]\nttl_secs = -1",
                "cache.ttl_secs: -1 is not a number of seconds",
            ),
            (
                "methods = [\"key\"]\n[web]\n",
                "web: given, but \"web\" is not in methods",
            ),
            ("methods = [\"ethr\"]", "ethr.networks: \"ethr\" is in methods but no"),
            (
                "methods = [\"ethr\"]\n[ethr]\ndefault_network = \"main\"\n[[ethr.networks]]\nname = \"dev\"\n\
                 ledger = { type = \"embedded\", path = \"a.db\" }",
                "ethr.default_network: \"main\" is not one of the configured networks",
            ),
            (
                "methods = [\"ethr\"]\n[[ethr.networks]]\nname = \"dev\"\nledger = { type = \"embedded\", path = \"a.db\" }\n\
                 [[ethr.networks]]\nname = \"dev\"\nledger = { type = \"embedded\", path = \"b.db\" }",
                "ethr.networks[1].name: network \"dev\" is configured twice",
            ),
            (
                "methods = [\"ethr\"]\n[[ethr.networks]]\nname = \"dev\"\nchain_id = 5\n\
                 ledger = { type = \"evm\", rpc_url = \"ftp://x\", registry = \"0x00\" }",
                "ethr.networks[0].ledger.rpc_url: scheme \"ftp\"",
            ),
            (
                "methods = [\"ethr\"]\n[[ethr.networks]]\nname = \"dev\"\nchain_id = 5\n\
                 ledger = { type = \"evm\", rpc_url = \"http://127.0.0.1:8545\", registry = \"0x12\" }",
                "ethr.networks[0].ledger.registry: \"0x12\" is not an address",
            ),
            (
                "methods = [\"ethr\"]\n[[ethr.networks]]\nname = \"dev\"\n\
                 ledger = { type = \"evm\", rpc_url = \"http://127.0.0.1:8545\", \
                 registry = \"0xdca7ef03e98e0dc2b855be647c39abe984fcf21b\" }",
                "ethr.networks[0].chain_id: an EVM ledger needs the chain id",
            ),
            (
                "methods = [\"ethr\"]\n[[ethr.networks]]\nname = \"dev\"\nledger = { type = \"ipfs\" }",
                "unknown variant `ipfs`",
            ),
            (
                "methods = [\"key\"]\n[server]\naddr = \"localhost\"",
                "invalid socket address",
            ),
        ] {
            let got = reason(text);
            assert!(got.contains(want), "{text}\n  got: {got}\n  want: {want}");
            assert!(got.starts_with("/etc/xinlian/resolver.toml"), "{got}");
        }
    }

    #[tokio::test]
    async fn an_evm_ledger_is_connected_at_startup() {
        let config = parse(
            "methods = [\"ethr\"]\n[[ethr.networks]]\nname = \"besu\"\nchain_id = 2018\n\
             ledger = { type = \"evm\", rpc_url = \"http://127.0.0.1:1\", \
             registry = \"0xdca7ef03e98e0dc2b855be647c39abe984fcf21b\" }",
        )
        .unwrap();
        // Nothing listens on port 1: startup fails and says which ledger.
        let Err(Error::Config { location, reason }) = config.build_resolver().await else {
            panic!("an unreachable EVM ledger must stop the startup");
        };
        assert!(location.ends_with("ethr.networks[0].ledger"), "{location}");
        assert!(reason.contains("EVM ledger"), "{reason}");
    }

    #[tokio::test]
    async fn embedded_ledgers_serve_did_ethr() {
        let dir = tempfile::tempdir().unwrap();
        let origin = dir.path().join("resolver.toml");
        let config = ResolverConfig::from_toml(
            "methods = [\"ethr\"]\n[[ethr.networks]]\nname = \"dev\"\nchain_id = 1337\n\
             ledger = { type = \"embedded\", path = \"dev.sqlite\" }",
            &origin,
        )
        .unwrap();
        let resolver = config.build_resolver().await.unwrap();
        assert!(dir.path().join("dev.sqlite").exists());
        let options = xinlian_did_core::ResolutionOptions::default();
        // An identity with no history resolves to its default document, by
        // network name, by chain id, and (the only network) with none.
        for did in [
            "did:ethr:dev:0xb9c5714089478a327f09197987f16f9e5d936e8a",
            "did:ethr:0x539:0xb9c5714089478a327f09197987f16f9e5d936e8a",
            "did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a",
        ] {
            let did = xinlian_did_core::Did::parse(did).unwrap();
            let resolved = resolver.resolve(&did, &options).await.unwrap();
            assert_eq!(resolved.document.id, did);
        }
        let other =
            xinlian_did_core::Did::parse("did:ethr:sepolia:0xb9c5714089478a327f09197987f16f9e5d936e8a").unwrap();
        let err = resolver.resolve(&other, &options).await.unwrap_err();
        assert_eq!(err.kind(), xinlian_did_core::ErrorKind::MethodNotSupported);
    }

    #[tokio::test]
    async fn the_stack_serves_the_enabled_methods() {
        let config = parse("methods = [\"key\"]\n[cache]\ncapacity = 0").unwrap();
        let resolver = config.build_resolver().await.unwrap();
        let options = xinlian_did_core::ResolutionOptions::default();
        let key = xinlian_did_core::Did::parse("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").unwrap();
        let jwk = xinlian_did_core::Did::parse("did:jwk:e30").unwrap();
        assert!(resolver.resolve(&key, &options).await.is_ok());
        let err = resolver.resolve(&jwk, &options).await.unwrap_err();
        assert_eq!(err.kind(), xinlian_did_core::ErrorKind::MethodNotSupported);
    }
}
