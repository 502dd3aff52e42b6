//! The EVM ledger: an ERC-1056 `EthereumDIDRegistry` contract on any
//! Ethereum-compatible chain, over JSON-RPC (HTTP), with alloy.
//!
//! - **Reads.** [`identity_owner`](Ledger::identity_owner),
//!   [`changed`](Ledger::changed) and [`nonce`](Ledger::nonce) are
//!   `eth_call`s of the contract's view functions;
//!   [`events_in_block`](Ledger::events_in_block) is `eth_getLogs` for one
//!   block, filtered by the registry address, the three event signatures
//!   and the identity topic; [`block`](Ledger::block) is
//!   `eth_getBlockByNumber`. [`history`](Ledger::history) is the trait's
//!   default: the walk along `previousChange` that the did:ethr spec
//!   describes, one `eth_getLogs` per block.
//! - **Writes.** [`submit`](Ledger::submit) relays a [`SignedChange`] as the
//!   contract's `…Signed` function, in a transaction paid by the configured
//!   payer account; [`EvmLedger::submit_as_owner`] sends the plain function
//!   from the owner's own account instead. Both check the change first as
//!   the contract will ([`signed::authorize`]), so a refusal says why
//!   (wrong signer, not the owner, replayed nonce) and costs no gas, then
//!   wait for the receipt and the configured number of confirmations, and
//!   return the event the contract emitted.
//! - **Errors.** Transport failures and timeouts are retried with backoff
//!   and end as [`LedgerError::Unreachable`]; a revert is
//!   [`LedgerError::Refused`]; answers that do not decode are
//!   [`LedgerError::Malformed`]; a node on another chain, or no contract at
//!   the registry address, is [`LedgerError::Incompatible`].
//!
//! ```no_run
//! use std::time::Duration;
//! use xinlian_resolver::ledger::{Address, EvmLedger, Ledger};
//!
//! # async fn run() -> Result<(), xinlian_resolver::LedgerError> {
//! let payer = k256::ecdsa::SigningKey::from_slice(&[0x42; 32]).map_err(|e| {
//!     xinlian_resolver::LedgerError::InvalidInput { what: "payer key".into(), reason: e.to_string() }
//! })?;
//! let ledger = EvmLedger::builder("http://127.0.0.1:8545")
//!     .registry("0xdca7ef03e98e0dc2b855be647c39abe984fcf21b".parse()?)
//!     .chain_id(31337)
//!     .payer(payer)
//!     .confirmations(1)
//!     .timeout(Duration::from_secs(10))
//!     .retries(3)
//!     .connect()
//!     .await?;
//! let identity: Address = "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf".parse()?;
//! println!("{} changed in block {}", identity, ledger.changed(identity).await?);
//! # Ok(()) }
//! ```

mod contract;
mod rpc;

use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy::eips::eip2718::Encodable2718;
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{Bytes, TxHash};
use alloy::providers::{Provider, RootProvider};
use alloy::rpc::client::RpcClient;
use alloy::rpc::types::{BlockNumberOrTag, Filter, Log, TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::transports::http::reqwest::Url;
use async_trait::async_trait;
use k256::ecdsa::SigningKey;

use self::rpc::{Failure, Policy};
use super::embedded::DEFAULT_REGISTRY;
use super::signed::{self, SignedChange};
use super::{Address, Block, Ledger, LedgerError, LedgerEvent, Operation, Refusal};

/// An ERC-1056 registry contract on an EVM chain, reached over JSON-RPC.
/// Cheap to clone (clones share the connection).
#[derive(Clone)]
pub struct EvmLedger {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    provider: RootProvider,
    chain_id: u64,
    registry: Address,
    payer: Option<PrivateKeySigner>,
    confirmations: u64,
    policy: Policy,
    poll_interval: Duration,
    confirmation_timeout: Duration,
    gas_margin_percent: u64,
    /// Held from reading an account's transaction nonce until the node has
    /// the transaction, so concurrent submissions do not reuse a nonce.
    sending: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for EvmLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvmLedger")
            .field("rpc", &self.inner.name)
            .field("chain_id", &self.inner.chain_id)
            .field("registry", &self.inner.registry)
            .field("payer", &self.payer_address())
            .field("confirmations", &self.inner.confirmations)
            .finish_non_exhaustive()
    }
}

/// Options for [`EvmLedger`]; start with [`EvmLedger::builder`].
pub struct EvmLedgerBuilder {
    rpc_url: String,
    registry: Address,
    chain_id: Option<u64>,
    payer: Option<SigningKey>,
    confirmations: u64,
    timeout: Duration,
    retries: u32,
    backoff: Duration,
    poll_interval: Duration,
    confirmation_timeout: Duration,
}

impl std::fmt::Debug for EvmLedgerBuilder {
    /// Shows the payer's address, never its key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvmLedgerBuilder")
            .field("rpc", &redact(&self.rpc_url))
            .field("registry", &self.registry)
            .field("chain_id", &self.chain_id)
            .field("payer", &self.payer.as_ref().map(Address::from_signing_key))
            .field("confirmations", &self.confirmations)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

impl EvmLedgerBuilder {
    /// The registry contract's address (default: [`DEFAULT_REGISTRY`],
    /// where the ERC-1056 registry is deployed on mainnet and most public
    /// networks).
    pub fn registry(mut self, registry: Address) -> Self {
        self.registry = registry;
        self
    }

    /// The chain id the node must be on; [`connect`](Self::connect) fails
    /// with [`LedgerError::Incompatible`] if `eth_chainId` says otherwise.
    /// Default: whatever the node reports.
    pub fn chain_id(mut self, chain_id: u64) -> Self {
        self.chain_id = Some(chain_id);
        self
    }

    /// The account that pays for relayed changes ([`Ledger::submit`]).
    /// Without one the ledger can read and
    /// [`submit_as_owner`](EvmLedger::submit_as_owner), but not relay.
    pub fn payer(mut self, key: SigningKey) -> Self {
        self.payer = Some(key);
        self
    }

    /// How many blocks must hold a change (its own block counts as one)
    /// before a submission returns (default 1: included). Values below 1
    /// count as 1: the event is read from the receipt.
    pub fn confirmations(mut self, confirmations: u64) -> Self {
        self.confirmations = confirmations.max(1);
        self
    }

    /// How long one JSON-RPC request may take before it counts as failed
    /// and is retried (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times a request that failed in transport (refused, reset,
    /// timed out, HTTP 5xx or 429, rate limited) is retried (default 3).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The pause before the first retry; it doubles with each retry, up to
    /// 10 s (default 200 ms).
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// How often to poll for a transaction's receipt and confirmations
    /// (default 250 ms).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How long a submission waits for its transaction to be mined and
    /// confirmed (default 120 s).
    pub fn confirmation_timeout(mut self, timeout: Duration) -> Self {
        self.confirmation_timeout = timeout;
        self
    }

    /// Connects: checks the node's chain id against the configured one and
    /// that a contract is deployed at the registry address.
    ///
    /// Errors: [`LedgerError::InvalidInput`] for a URL that is not
    /// `http(s)://…`, [`LedgerError::Unreachable`] if the node does not
    /// answer, [`LedgerError::Incompatible`] for a chain id mismatch or no
    /// contract at the registry address.
    pub async fn connect(self) -> Result<EvmLedger, LedgerError> {
        let name = redact(&self.rpc_url);
        let invalid = |reason: String| LedgerError::InvalidInput {
            what: format!("RPC URL {name:?}"),
            reason,
        };
        let url = Url::parse(&self.rpc_url).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "the scheme is {:?}; only http and https are supported",
                url.scheme()
            )));
        }
        let is_local = url.host_str().is_some_and(|host| {
            host == "localhost"
                || host
                    .trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
        let http = alloy::transports::http::reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(|e| LedgerError::Unreachable {
                ledger: name.clone(),
                reason: format!("cannot set up the HTTP client: {e}"),
            })?;
        let transport = alloy::transports::http::Http::with_client(http, url);
        let provider = RootProvider::new(RpcClient::new(transport, is_local));
        let policy = Policy {
            timeout: self.timeout,
            retries: self.retries,
            backoff: self.backoff,
        };

        let node_chain_id = policy
            .run(|| provider.get_chain_id())
            .await
            .map_err(|f| f.into_read_error(&name, "eth_chainId"))?;
        if let Some(expected) = self.chain_id.filter(|&c| c != node_chain_id) {
            return Err(LedgerError::Incompatible {
                ledger: name,
                reason: format!("the node is on chain {node_chain_id}, but chain {expected} is configured"),
            });
        }
        let registry = contract::to_evm(self.registry);
        let code = policy
            .run(|| provider.get_code_at(registry).into_future())
            .await
            .map_err(|f| f.into_read_error(&name, "eth_getCode of the registry"))?;
        if code.is_empty() {
            return Err(LedgerError::Incompatible {
                ledger: name,
                reason: format!(
                    "no contract at the registry address {} on chain {node_chain_id}",
                    self.registry
                ),
            });
        }
        Ok(EvmLedger {
            inner: Arc::new(Inner {
                name,
                provider,
                chain_id: node_chain_id,
                registry: self.registry,
                payer: self.payer.map(PrivateKeySigner::from_signing_key),
                confirmations: self.confirmations,
                policy,
                poll_interval: self.poll_interval,
                confirmation_timeout: self.confirmation_timeout,
                gas_margin_percent: 20,
                sending: tokio::sync::Mutex::new(()),
            }),
        })
    }
}

/// The URL without what may be a secret: user info, path (API keys often
/// sit there) and query are replaced by `…`.
fn redact(rpc_url: &str) -> String {
    match Url::parse(rpc_url) {
        Ok(url) => {
            let host = url.host_str().unwrap_or("");
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let hidden = !url.username().is_empty()
                || url.password().is_some()
                || !matches!(url.path(), "" | "/")
                || url.query().is_some();
            format!("{}://{host}{port}{}", url.scheme(), if hidden { "/…" } else { "" })
        }
        Err(_) => "<invalid RPC URL>".to_owned(),
    }
}

/// Why a transaction did not go through.
enum TxFailure {
    /// It reverted (in `eth_estimateGas` or on chain): the reason.
    Reverted(String),
    /// Anything else, already a ledger error.
    Ledger(LedgerError),
}

impl From<LedgerError> for TxFailure {
    fn from(e: LedgerError) -> Self {
        TxFailure::Ledger(e)
    }
}

impl EvmLedger {
    /// Options for the registry behind the node at `rpc_url`
    /// (`http://…` or `https://…`).
    pub fn builder(rpc_url: impl Into<String>) -> EvmLedgerBuilder {
        EvmLedgerBuilder {
            rpc_url: rpc_url.into(),
            registry: DEFAULT_REGISTRY,
            chain_id: None,
            payer: None,
            confirmations: 1,
            timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(200),
            poll_interval: Duration::from_millis(250),
            confirmation_timeout: Duration::from_secs(120),
        }
    }

    /// The payer's address, if one is configured.
    pub fn payer_address(&self) -> Option<Address> {
        self.inner
            .payer
            .as_ref()
            .map(|p| Address::new(p.address().into_array()))
    }

    /// Sends `operation` on `identity` as the plain contract function
    /// (`changeOwner`, `addDelegate`, …) in a transaction from the owner's
    /// own account, signed with `owner` (which pays the gas). The owner's
    /// ERC-1056 nonce does not change, as with the contract.
    ///
    /// Refused without sending if `owner` is not the identity's owner.
    pub async fn submit_as_owner(
        &self,
        owner: &SigningKey,
        identity: Address,
        operation: Operation,
    ) -> Result<LedgerEvent, LedgerError> {
        let sender = Address::from_signing_key(owner);
        let check = || async {
            let current = self.identity_owner(identity).await?;
            if current == sender {
                Ok(())
            } else {
                Err(LedgerError::Refused(Refusal::NotOwner {
                    identity,
                    owner: current,
                    signer: sender,
                }))
            }
        };
        check().await?;
        let signer = PrivateKeySigner::from_signing_key(owner.clone());
        match self.transact(&signer, contract::owner_call(identity, &operation)).await {
            Ok(receipt) => self.event_from_receipt(&receipt, identity).await,
            Err(TxFailure::Ledger(e)) => Err(e),
            Err(TxFailure::Reverted(reason)) => {
                check().await?;
                Err(LedgerError::Refused(Refusal::Rejected {
                    reason: format!("the registry reverted: {reason}"),
                }))
            }
        }
    }

    /// The contract's checks for a signed change against the current state.
    async fn authorize(&self, change: &SignedChange) -> Result<(), LedgerError> {
        let owner = self.identity_owner(change.identity).await?;
        let nonce = self.nonce(owner).await?;
        Ok(signed::authorize(change, self.inner.registry, owner, nonce)?)
    }

    async fn view(&self, what: &str, data: Vec<u8>) -> Result<Bytes, LedgerError> {
        let tx = TransactionRequest::default()
            .with_to(contract::to_evm(self.inner.registry))
            .with_input(data);
        self.inner
            .policy
            .run(|| self.inner.provider.call(tx.clone()).into_future())
            .await
            .map_err(|f| f.into_read_error(&self.inner.name, what))
    }

    fn malformed(&self, reason: String) -> LedgerError {
        LedgerError::Malformed {
            ledger: self.inner.name.clone(),
            reason,
        }
    }

    fn unreachable(&self, reason: String) -> LedgerError {
        LedgerError::Unreachable {
            ledger: self.inner.name.clone(),
            reason,
        }
    }

    /// Builds, signs and sends a call to the registry from `signer`, then
    /// waits for its receipt and confirmations.
    async fn transact(&self, signer: &PrivateKeySigner, data: Vec<u8>) -> Result<TransactionReceipt, TxFailure> {
        let inner = &*self.inner;
        let from = signer.address();
        let read_error = |what: &'static str| move |f: Failure| f.into_read_error(&inner.name, what);
        let guard = inner.sending.lock().await;
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(contract::to_evm(inner.registry))
            .with_input(data)
            .with_chain_id(inner.chain_id);
        // eth_estimateGas runs the call: a revert shows here, before any
        // gas is spent.
        let gas = match inner
            .policy
            .run(|| inner.provider.estimate_gas(request.clone()).into_future())
            .await
        {
            Ok(gas) => gas,
            Err(Failure::Reverted(reason)) => return Err(TxFailure::Reverted(reason)),
            Err(Failure::Rejected { code, message }) => {
                return Err(LedgerError::Refused(Refusal::Rejected {
                    reason: format!("the node rejected a transaction from {from} (error {code}): {message}"),
                })
                .into());
            }
            Err(f) => return Err(read_error("eth_estimateGas")(f).into()),
        };
        let nonce = inner
            .policy
            .run(|| inner.provider.get_transaction_count(from).pending().into_future())
            .await
            .map_err(read_error("eth_getTransactionCount"))?;
        let gas_price = inner
            .policy
            .run(|| inner.provider.get_gas_price())
            .await
            .map_err(read_error("eth_gasPrice"))?;
        // A legacy (EIP-155) transaction: every EVM chain takes it, with or
        // without EIP-1559 fees.
        let request = request
            .with_nonce(nonce)
            .with_gas_price(gas_price)
            .with_gas_limit(gas.saturating_add(gas.saturating_mul(inner.gas_margin_percent) / 100));
        let envelope = request
            .build(&EthereumWallet::from(signer.clone()))
            .await
            .map_err(|e| LedgerError::InvalidInput {
                what: "transaction".into(),
                reason: format!("cannot build and sign the transaction: {e}"),
            })?;
        let hash = *envelope.tx_hash();
        let raw = envelope.encoded_2718();
        let mut attempt = 0u32;
        let sent = inner
            .policy
            .run(|| {
                attempt += 1;
                let first = attempt == 1;
                let provider = inner.provider.clone();
                let raw = raw.clone();
                async move {
                    match provider.send_raw_transaction(&raw).await {
                        Ok(_) => Ok(()),
                        // A retry after a lost answer: the node already has it.
                        Err(alloy::transports::RpcError::ErrorResp(e))
                            if !first
                                && (e.message.contains("already known") || e.message.contains("nonce too low")) =>
                        {
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
            })
            .await;
        drop(guard);
        match sent {
            Ok(()) => {}
            Err(Failure::Reverted(reason)) => return Err(TxFailure::Reverted(reason)),
            Err(Failure::Rejected { code, message }) => {
                return Err(LedgerError::Refused(Refusal::Rejected {
                    reason: format!("the node rejected transaction {hash} from {from} (error {code}): {message}"),
                })
                .into());
            }
            Err(f) => return Err(read_error("eth_sendRawTransaction")(f).into()),
        }
        let receipt = self.wait_for_confirmations(hash).await?;
        if !receipt.status() {
            let block = receipt.block_number.unwrap_or_default();
            return Err(TxFailure::Reverted(format!(
                "transaction {hash} reverted in block {block}"
            )));
        }
        Ok(receipt)
    }

    /// Polls for the receipt of `hash`, then for `confirmations` blocks on
    /// top of it (re-reading the receipt, in case a reorg moved it).
    async fn wait_for_confirmations(&self, hash: TxHash) -> Result<TransactionReceipt, LedgerError> {
        let inner = &*self.inner;
        let started = Instant::now();
        let late = || {
            self.unreachable(format!(
                "transaction {hash} was sent but not confirmed by {} block(s) within {:?}; it may still be \
                 mined, so read the owner's nonce before signing the change again",
                inner.confirmations, inner.confirmation_timeout
            ))
        };
        loop {
            let receipt = inner
                .policy
                .run(|| inner.provider.get_transaction_receipt(hash).into_future())
                .await
                .map_err(|f| f.into_read_error(&inner.name, "eth_getTransactionReceipt"))?;
            if let Some(receipt) = receipt {
                let Some(block) = receipt.block_number else {
                    return Err(self.malformed(format!("the receipt of {hash} has no block number")));
                };
                let latest = inner
                    .policy
                    .run(|| inner.provider.get_block_number())
                    .await
                    .map_err(|f| f.into_read_error(&inner.name, "eth_blockNumber"))?;
                if latest.saturating_add(1) >= block.saturating_add(inner.confirmations) {
                    if inner.confirmations == 1 {
                        return Ok(receipt);
                    }
                    // Still there, in the same block, after the wait?
                    let again = inner
                        .policy
                        .run(|| inner.provider.get_transaction_receipt(hash).into_future())
                        .await
                        .map_err(|f| f.into_read_error(&inner.name, "eth_getTransactionReceipt"))?;
                    if let Some(again) = again.filter(|r| r.block_hash == receipt.block_hash) {
                        return Ok(again);
                    }
                    tracing::info!(%hash, "transaction moved by a reorg; waiting again");
                    continue;
                }
            }
            if started.elapsed() >= inner.confirmation_timeout {
                return Err(late());
            }
            tokio::time::sleep(inner.poll_interval).await;
        }
    }

    /// The registry's event for `identity` in a mined transaction.
    async fn event_from_receipt(
        &self,
        receipt: &TransactionReceipt,
        identity: Address,
    ) -> Result<LedgerEvent, LedgerError> {
        let registry = contract::to_evm(self.inner.registry);
        let topic = contract::identity_topic(identity);
        let log = receipt
            .logs()
            .iter()
            .rev()
            .find(|log| log.address() == registry && log.topics().get(1) == Some(&topic))
            .ok_or_else(|| {
                self.malformed(format!(
                    "transaction {} succeeded but logged no ERC-1056 event for {identity}",
                    receipt.transaction_hash
                ))
            })?;
        let timestamp = self.log_timestamp(log).await?;
        contract::decode_log(log, timestamp).map_err(|reason| self.malformed(reason))
    }

    async fn log_timestamp(&self, log: &Log) -> Result<u64, LedgerError> {
        match (log.block_timestamp, log.block_number) {
            (Some(timestamp), _) => Ok(timestamp),
            (None, Some(block)) => Ok(self.block(block).await?.timestamp),
            (None, None) => Err(self.malformed("a registry log has no block number".into())),
        }
    }

    async fn get_block(&self, tag: BlockNumberOrTag, what: &str) -> Result<Option<Block>, LedgerError> {
        let inner = &*self.inner;
        let block = inner
            .policy
            .run(|| inner.provider.get_block_by_number(tag).into_future())
            .await
            .map_err(|f| f.into_read_error(&inner.name, what))?;
        Ok(block.map(|b| Block {
            number: b.header.number,
            timestamp: b.header.timestamp,
        }))
    }
}

#[async_trait]
impl Ledger for EvmLedger {
    fn name(&self) -> String {
        self.inner.name.clone()
    }

    fn chain_id(&self) -> u64 {
        self.inner.chain_id
    }

    fn registry(&self) -> Address {
        self.inner.registry
    }

    async fn identity_owner(&self, identity: Address) -> Result<Address, LedgerError> {
        let data = self
            .view("identityOwner", contract::identity_owner_call(identity))
            .await?;
        contract::decode_address(&data).map_err(|reason| self.malformed(reason))
    }

    async fn changed(&self, identity: Address) -> Result<u64, LedgerError> {
        let data = self.view("changed", contract::changed_call(identity)).await?;
        contract::decode_u64("changed", &data).map_err(|reason| self.malformed(reason))
    }

    async fn nonce(&self, owner: Address) -> Result<u64, LedgerError> {
        let data = self.view("nonce", contract::nonce_call(owner)).await?;
        contract::decode_u64("nonce", &data).map_err(|reason| self.malformed(reason))
    }

    async fn events_in_block(&self, identity: Address, block: u64) -> Result<Vec<LedgerEvent>, LedgerError> {
        let inner = &*self.inner;
        let filter = Filter::new()
            .address(contract::to_evm(inner.registry))
            .event_signature(contract::event_topics())
            .topic1(contract::identity_topic(identity))
            .from_block(block)
            .to_block(block);
        let logs = inner
            .policy
            .run(|| inner.provider.get_logs(&filter))
            .await
            .map_err(|f| f.into_read_error(&inner.name, &format!("eth_getLogs for block {block}")))?;
        let mut timestamp = None;
        let mut events = Vec::with_capacity(logs.len());
        for log in logs.iter().filter(|l| !l.removed) {
            if log.block_number != Some(block) {
                return Err(self.malformed(format!(
                    "eth_getLogs for block {block} returned a log of block {:?}",
                    log.block_number
                )));
            }
            let time = match (log.block_timestamp, timestamp) {
                (Some(t), _) | (None, Some(t)) => t,
                (None, None) => self.block(block).await?.timestamp,
            };
            timestamp = Some(time);
            let event = contract::decode_log(log, time).map_err(|reason| self.malformed(reason))?;
            if event.identity != identity {
                return Err(self.malformed(format!(
                    "eth_getLogs filtered by {identity} returned an event of {}",
                    event.identity
                )));
            }
            events.push(event);
        }
        Ok(events)
    }

    async fn block(&self, number: u64) -> Result<Block, LedgerError> {
        match self
            .get_block(
                BlockNumberOrTag::Number(number),
                &format!("eth_getBlockByNumber {number}"),
            )
            .await?
        {
            Some(block) => Ok(block),
            None => {
                let latest = self.latest_block().await.map(|b| b.number).unwrap_or(0);
                Err(LedgerError::NotFound {
                    ledger: self.inner.name.clone(),
                    what: format!("block {number} (the latest block is {latest})"),
                })
            }
        }
    }

    async fn latest_block(&self) -> Result<Block, LedgerError> {
        self.get_block(BlockNumberOrTag::Latest, "eth_getBlockByNumber latest")
            .await?
            .ok_or_else(|| self.malformed("the node has no latest block".into()))
    }

    /// Relays the change as the contract's `…Signed` function, paid by the
    /// configured payer. The contract's checks run first against the
    /// current state, so a refusal names its reason and costs no gas; a
    /// revert that still happens (another change got in first) is checked
    /// again to say why.
    async fn submit(&self, change: &SignedChange) -> Result<LedgerEvent, LedgerError> {
        let Some(payer) = &self.inner.payer else {
            return Err(LedgerError::Incompatible {
                ledger: self.inner.name.clone(),
                reason: "no payer account is configured to relay signed changes (EvmLedgerBuilder::payer)".into(),
            });
        };
        self.authorize(change).await?;
        match self.transact(payer, contract::signed_call(change)).await {
            Ok(receipt) => self.event_from_receipt(&receipt, change.identity).await,
            Err(TxFailure::Ledger(e)) => Err(e),
            Err(TxFailure::Reverted(reason)) => {
                self.authorize(change).await?;
                Err(LedgerError::Refused(Refusal::Rejected {
                    reason: format!("the registry reverted: {reason}"),
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_what_may_be_secret() {
        assert_eq!(redact("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
        assert_eq!(
            redact("https://mainnet.infura.io/v3/SECRET"),
            "https://mainnet.infura.io/…"
        );
        assert_eq!(redact("https://user:pw@node.example"), "https://node.example/…");
        assert_eq!(redact("not a url"), "<invalid RPC URL>");
    }

    #[test]
    fn builder_debug_hides_the_payer_key() {
        let key = SigningKey::from_slice(&[7; 32]).unwrap();
        let text = format!("{:?}", EvmLedger::builder("http://127.0.0.1:1").payer(key.clone()));
        assert!(text.contains(&Address::from_signing_key(&key).to_string()), "{text}");
        assert!(!text.contains("0707070707"), "{text}");
    }
}
