//! did:ethr: DIDs anchored in an ERC-1056 registry, resolved through any
//! [`Ledger`].
//!
//! [`EthrResolver`] maps networks (names such as `mainnet` or `local`, and
//! hex chain ids such as `0x539`) to ledgers, reads an identity's history
//! and rebuilds its document per the did:ethr method spec (see
//! [`document`](self#document-building) below). It implements
//! [`xinlian_did_core::Resolver`].
//!
//! ```
//! use std::sync::Arc;
//! use xinlian_did_core::{Did, ResolutionOptions, Resolver};
//! use xinlian_resolver::ethr::{EthrDid, EthrResolver};
//! use xinlian_resolver::ledger::{Address, EmbeddedLedger, Ledger, Operation, SignedChange};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let ledger = Arc::new(EmbeddedLedger::open(dir.path().join("ledger.sqlite"))?);
//! let resolver = EthrResolver::builder().network("local", ledger.clone()).build();
//!
//! tokio::runtime::Runtime::new()?.block_on(async {
//!     // A university's key is its identity; it publishes a service.
//!     let key = k256::ecdsa::SigningKey::from_slice(&[0x11; 32])?;
//!     let identity = Address::from_signing_key(&key);
//!     let op = Operation::set_service("LinkedDomains", "https://registrar.example.edu")?;
//!     ledger.submit(&SignedChange::prepare(&*ledger, &key, identity, op).await?).await?;
//!
//!     let did = EthrDid::from_address(Some("local"), identity).to_did()?;
//!     let resolved = resolver.resolve(&did, &ResolutionOptions::default()).await?;
//!     assert_eq!(resolved.document.service[0].endpoint_uris(), ["https://registrar.example.edu"]);
//!     assert_eq!(resolved.document_metadata.version_id.as_deref(), Some("1"));
//!     Ok(())
//! })
//! # }
//! ```
//!
//! # Document building
//!
//! The document is built from the history exactly as the reference
//! resolver does (`#controller`, `#controllerKey`, `#delegate-N`,
//! `#service-N`, expiry, deactivation); see the `document` module source
//! for the rules. Resolution options:
//!
//! - `versionId` (a block number): only events in blocks up to it count,
//!   and `validTo` is compared with that block's time; metadata gets
//!   `versionId`/`updated` of the latest event taken and
//!   `nextVersionId`/`nextUpdate` of the first one left out.
//! - `versionTime` (RFC 3339): the same with events up to that time,
//!   `validTo` compared with it.
//! - neither: every event, `validTo` compared with the resolver's clock.

mod did;
mod document;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xinlian_did_core::{
    Did, DocumentMetadata, Error as DidError, Representation, Resolution, ResolutionOptions, Resolver,
};

pub use did::EthrDid;
use document::Cut;

use crate::ledger::{Clock, Ledger, SystemClock};

/// The network a did:ethr DID without a network part is on.
pub const DEFAULT_NETWORK: &str = "mainnet";

/// Resolves did:ethr DIDs through the [`Ledger`] configured for each
/// network.
#[derive(Clone)]
pub struct EthrResolver {
    by_name: HashMap<String, Arc<dyn Ledger>>,
    by_chain: HashMap<u64, Arc<dyn Ledger>>,
    default_network: String,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for EthrResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut networks: Vec<&String> = self.by_name.keys().collect();
        networks.sort();
        f.debug_struct("EthrResolver")
            .field("networks", &networks)
            .field("default_network", &self.default_network)
            .finish_non_exhaustive()
    }
}

/// Configures an [`EthrResolver`].
pub struct EthrResolverBuilder {
    resolver: EthrResolver,
}

impl std::fmt::Debug for EthrResolverBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.resolver.fmt(f)
    }
}

impl EthrResolverBuilder {
    /// Serves network `name` (e.g. `mainnet`, `sepolia`, `local`) from
    /// `ledger`. The ledger's chain id in hex (`0x1`, `0x539`) names the
    /// network too, as in `did:ethr:0x539:0x…`.
    pub fn network(mut self, name: impl Into<String>, ledger: Arc<dyn Ledger>) -> Self {
        let name = name.into();
        if let Some(id) = parse_chain_id(&name) {
            self.resolver.by_chain.insert(id, Arc::clone(&ledger));
        }
        self.resolver.by_chain.insert(ledger.chain_id(), Arc::clone(&ledger));
        self.resolver.by_name.insert(name, ledger);
        self
    }

    /// The network of DIDs that name none (default [`DEFAULT_NETWORK`]).
    pub fn default_network(mut self, name: impl Into<String>) -> Self {
        self.resolver.default_network = name.into();
        self
    }

    /// The clock latest resolutions compare `validTo` with (default: the
    /// system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.resolver.clock = clock;
        self
    }

    /// The resolver.
    pub fn build(self) -> EthrResolver {
        self.resolver
    }
}

fn parse_chain_id(network: &str) -> Option<u64> {
    u64::from_str_radix(network.strip_prefix("0x")?, 16).ok()
}

fn iso(timestamp: u64) -> Option<String> {
    let t = OffsetDateTime::from_unix_timestamp(i64::try_from(timestamp).ok()?).ok()?;
    t.format(&Rfc3339).ok()
}

impl EthrResolver {
    /// A builder with no networks.
    pub fn builder() -> EthrResolverBuilder {
        EthrResolverBuilder {
            resolver: EthrResolver {
                by_name: HashMap::new(),
                by_chain: HashMap::new(),
                default_network: DEFAULT_NETWORK.to_owned(),
                clock: Arc::new(SystemClock),
            },
        }
    }

    /// The ledger serving a DID's network.
    pub fn ledger_for(&self, did: &EthrDid) -> Result<&Arc<dyn Ledger>, DidError> {
        let network = did.network.as_deref().unwrap_or(&self.default_network);
        let ledger = match parse_chain_id(network) {
            Some(id) => self.by_chain.get(&id),
            None => self.by_name.get(network),
        };
        ledger.ok_or_else(|| DidError::MethodNotSupported {
            method: format!("ethr (network {network:?} is not configured)"),
        })
    }
}

#[async_trait]
impl Resolver for EthrResolver {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> Result<Resolution, DidError> {
        let representation = Representation::negotiate(options.accept.as_deref())?;
        let ethr = EthrDid::parse(did)?;
        let ledger = self.ledger_for(&ethr)?;

        let invalid = |option: &str, reason: String| DidError::InvalidOptions {
            option: option.to_owned(),
            reason,
        };
        let (cut, now) = match (&options.version_id, &options.version_time) {
            (Some(_), Some(_)) => {
                return Err(invalid("versionId", "give versionId or versionTime, not both".into()));
            }
            (Some(version), None) => {
                let number: u64 = version.parse().map_err(|_| {
                    invalid(
                        "versionId",
                        format!("{version:?} is not a block number (decimal digits)"),
                    )
                })?;
                let block = ledger.block(number).await?;
                (Cut::Block(number), block.timestamp)
            }
            (None, Some(time)) => {
                let t = OffsetDateTime::parse(time, &Rfc3339)
                    .map_err(|e| invalid("versionTime", format!("{time:?} is not an RFC 3339 date-time: {e}")))?;
                let t = u64::try_from(t.unix_timestamp()).unwrap_or(0);
                (Cut::Time(t), t)
            }
            (None, None) => (Cut::Latest, self.clock.now()),
        };

        let history = ledger.history(ethr.identity).await?;
        let built = document::build(
            did,
            &ethr,
            ledger.chain_id(),
            &history,
            cut,
            now,
            representation == Representation::JsonLd,
        );
        let mut metadata = DocumentMetadata::default();
        if built.deactivated {
            metadata.deactivated = Some(true);
        }
        if let Some((block, timestamp)) = built.version {
            metadata.version_id = Some(block.to_string());
            metadata.updated = iso(timestamp);
        }
        if let Some((block, timestamp)) = built.next_version {
            metadata.next_version_id = Some(block.to_string());
            metadata.next_update = iso(timestamp);
        }
        Resolution::new(built.document, metadata, options)
    }
}
