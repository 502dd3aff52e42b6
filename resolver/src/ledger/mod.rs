//! Ledgers in the ERC-1056 model: the [`Ledger`] trait, its events and
//! signed changes, and the [embedded SQLite ledger](EmbeddedLedger).
//!
//! An ERC-1056 registry (the `EthereumDIDRegistry` contract) keeps, per
//! identity address, an owner, delegates and attributes. Each change emits
//! one event (`DIDOwnerChanged`, `DIDDelegateChanged`,
//! `DIDAttributeChanged`) that records the block of the identity's
//! previous change, so an identity's history is a chain walked backwards
//! from `changed(identity)`. A change is authorized by the owner's
//! secp256k1 signature over
//! `keccak256(0x19 0x00 ‖ registry ‖ nonce[owner] ‖ identity ‖ "<function>" ‖ arguments)`
//! (see [`signed`]).
//!
//! did:ethr resolution only reads through the [`Ledger`] trait, so any
//! ledger that speaks this model can be plugged in: the embedded ledger
//! here, an EVM chain over JSON-RPC, or your own.
//!
//! # Plugging in your own ledger
//!
//! A ledger implements the reads and `submit`. The signature and nonce
//! checks are in [`signed::authorize`] and the contract's effect of an
//! operation in [`Operation::event_at`], so a custom ledger keeps the
//! contract's semantics without re-implementing them. A minimal in-memory
//! ledger:
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//!
//! use async_trait::async_trait;
//! use xinlian_resolver::ledger::{
//!     signed, Address, Block, Erc1056Event, Ledger, LedgerError, LedgerEvent, Operation, SignedChange,
//! };
//!
//! #[derive(Default)]
//! struct MemoryLedger {
//!     events: Mutex<Vec<LedgerEvent>>, // block n is events[n - 1]
//!     nonces: Mutex<HashMap<Address, u64>>,
//! }
//!
//! fn poisoned() -> LedgerError {
//!     LedgerError::Unreachable { ledger: "memory".into(), reason: "lock poisoned".into() }
//! }
//!
//! #[async_trait]
//! impl Ledger for MemoryLedger {
//!     fn name(&self) -> String { "memory".into() }
//!     fn chain_id(&self) -> u64 { 1337 }
//!     fn registry(&self) -> Address { Address::new([0x42; 20]) }
//!
//!     async fn identity_owner(&self, identity: Address) -> Result<Address, LedgerError> {
//!         let events = self.events.lock().map_err(|_| poisoned())?;
//!         let owner = events.iter().rev().find_map(|e| match &e.event {
//!             Erc1056Event::DidOwnerChanged { owner } if e.identity == identity => Some(*owner),
//!             _ => None,
//!         });
//!         // As in the contract, an unset (or zero) owner means the identity owns itself.
//!         Ok(owner.filter(|o| !o.is_zero()).unwrap_or(identity))
//!     }
//!     async fn changed(&self, identity: Address) -> Result<u64, LedgerError> {
//!         let events = self.events.lock().map_err(|_| poisoned())?;
//!         Ok(events.iter().rev().find(|e| e.identity == identity).map_or(0, |e| e.block_number))
//!     }
//!     async fn nonce(&self, owner: Address) -> Result<u64, LedgerError> {
//!         Ok(self.nonces.lock().map_err(|_| poisoned())?.get(&owner).copied().unwrap_or(0))
//!     }
//!     async fn events_in_block(&self, identity: Address, block: u64) -> Result<Vec<LedgerEvent>, LedgerError> {
//!         let events = self.events.lock().map_err(|_| poisoned())?;
//!         Ok(events.iter().filter(|e| e.block_number == block && e.identity == identity).cloned().collect())
//!     }
//!     async fn block(&self, number: u64) -> Result<Block, LedgerError> {
//!         let events = self.events.lock().map_err(|_| poisoned())?;
//!         match number {
//!             0 => Ok(Block { number: 0, timestamp: 0 }),
//!             n => events.get(n as usize - 1).map(|e| Block { number: n, timestamp: e.timestamp }).ok_or(
//!                 LedgerError::NotFound { ledger: "memory".into(), what: format!("block {n}") },
//!             ),
//!         }
//!     }
//!     async fn latest_block(&self) -> Result<Block, LedgerError> {
//!         let latest = self.events.lock().map_err(|_| poisoned())?.len() as u64;
//!         self.block(latest).await
//!     }
//!     async fn submit(&self, change: &SignedChange) -> Result<LedgerEvent, LedgerError> {
//!         let owner = self.identity_owner(change.identity).await?;
//!         let previous_change = self.changed(change.identity).await?;
//!         let mut nonces = self.nonces.lock().map_err(|_| poisoned())?;
//!         let nonce = nonces.entry(owner).or_insert(0);
//!         signed::authorize(change, self.registry(), owner, *nonce)?;
//!         *nonce += 1;
//!         let mut events = self.events.lock().map_err(|_| poisoned())?;
//!         let timestamp = 1_700_000_000 + events.len() as u64;
//!         let event = LedgerEvent {
//!             identity: change.identity,
//!             block_number: events.len() as u64 + 1,
//!             timestamp,
//!             previous_change,
//!             event: change.operation.event_at(timestamp),
//!         };
//!         events.push(event.clone());
//!         Ok(event)
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let ledger = MemoryLedger::default();
//! let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32])?;
//! let identity = Address::from_signing_key(&key);
//! let change = SignedChange::prepare(&ledger, &key, identity, Operation::set_service("LinkedDomains", "https://example.edu")?).await?;
//! ledger.submit(&change).await?;
//! assert_eq!(ledger.history(identity).await?.len(), 1);
//! // Replaying the same signed change is refused: its nonce is used up.
//! assert!(matches!(ledger.submit(&change).await, Err(LedgerError::Refused(_))));
//! # Ok(()) })
//! # }
//! ```

mod address;
pub mod embedded;
mod error;
#[cfg(feature = "evm")]
pub mod evm;
mod migrations;
pub mod signed;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

pub use address::{Address, Bytes32, keccak256};
pub use embedded::{EmbeddedLedger, EmbeddedLedgerBuilder};
pub use error::{LedgerError, Refusal};
#[cfg(feature = "evm")]
pub use evm::{EvmLedger, EvmLedgerBuilder};
pub use signed::{Operation, Signature, SignedChange};

/// A block of the ledger: its number and its timestamp (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Block {
    /// The block number.
    pub number: u64,
    /// The block timestamp, Unix seconds.
    pub timestamp: u64,
}

/// One of the three ERC-1056 events, with its data (the `identity` and
/// `previousChange` fields every event has are in [`LedgerEvent`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Erc1056Event {
    /// `DIDOwnerChanged(identity, owner, previousChange)`.
    DidOwnerChanged {
        /// The new owner; the null address deactivates the DID.
        owner: Address,
    },
    /// `DIDDelegateChanged(identity, delegateType, delegate, validTo, previousChange)`.
    DidDelegateChanged {
        /// The delegate type, e.g. `veriKey` or `sigAuth`.
        delegate_type: Bytes32,
        /// The delegate's address.
        delegate: Address,
        /// Valid until this time (Unix seconds); a revocation sets it to
        /// the block time. Chain values above `u64::MAX` saturate.
        valid_to: u64,
    },
    /// `DIDAttributeChanged(identity, name, value, validTo, previousChange)`.
    DidAttributeChanged {
        /// The attribute name, e.g. `did/pub/Ed25519/veriKey/base58`.
        name: Bytes32,
        /// The attribute value (raw bytes).
        value: Vec<u8>,
        /// Valid until this time (Unix seconds); `0` for a revocation.
        /// Chain values above `u64::MAX` saturate.
        valid_to: u64,
    },
}

impl Erc1056Event {
    /// The Solidity event name.
    pub fn name(&self) -> &'static str {
        match self {
            Erc1056Event::DidOwnerChanged { .. } => "DIDOwnerChanged",
            Erc1056Event::DidDelegateChanged { .. } => "DIDDelegateChanged",
            Erc1056Event::DidAttributeChanged { .. } => "DIDAttributeChanged",
        }
    }
}

/// An ERC-1056 event as logged: which identity, in which block, and the
/// block of the identity's previous change.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LedgerEvent {
    /// The identity the event changes.
    pub identity: Address,
    /// The block the event is in.
    pub block_number: u64,
    /// That block's timestamp (Unix seconds).
    pub timestamp: u64,
    /// The block of the identity's previous change (`0` if none).
    pub previous_change: u64,
    /// The event.
    pub event: Erc1056Event,
}

/// An ERC-1056 registry: read an identity's owner and change history,
/// submit changes signed by the owner.
///
/// The methods map one to one onto the `EthereumDIDRegistry` contract and
/// an EVM node's JSON-RPC: [`identity_owner`](Ledger::identity_owner),
/// [`changed`](Ledger::changed) and [`nonce`](Ledger::nonce) are the
/// contract's view functions, [`events_in_block`](Ledger::events_in_block)
/// is `eth_getLogs` for one block filtered by identity,
/// [`block`](Ledger::block) is `eth_getBlockByNumber`, and
/// [`submit`](Ledger::submit) sends the matching `…Signed` transaction and
/// waits for its receipt. [`history`](Ledger::history) has a default that
/// walks `previousChange` links exactly as did:ethr resolvers do; a ledger
/// with an index (like the embedded one) answers it in one query instead.
///
/// Errors tell "not found" from "unreachable" from "refused" (see
/// [`LedgerError`]). The trait is object safe: resolvers hold an
/// `Arc<dyn Ledger>`.
#[async_trait]
pub trait Ledger: Send + Sync {
    /// A short name for errors and logs (a file path, an RPC URL).
    fn name(&self) -> String;

    /// The chain id (EIP-155) the ledger's events live on; did:ethr writes
    /// it into `blockchainAccountId` values (`eip155:<chainId>:<address>`).
    fn chain_id(&self) -> u64;

    /// The registry contract's address; signatures are bound to it.
    fn registry(&self) -> Address;

    /// `identityOwner(identity)`: the owner, which is the identity itself
    /// until it is changed (and again after a change to the null address,
    /// as in the contract).
    async fn identity_owner(&self, identity: Address) -> Result<Address, LedgerError>;

    /// `changed(identity)`: the block of the identity's latest change, `0`
    /// if it never changed.
    async fn changed(&self, identity: Address) -> Result<u64, LedgerError>;

    /// `nonce(owner)`: how many signed changes `owner` has made; the next
    /// change it signs must be signed over this value.
    async fn nonce(&self, owner: Address) -> Result<u64, LedgerError>;

    /// The events of `identity` in block `block`, in log order.
    async fn events_in_block(&self, identity: Address, block: u64) -> Result<Vec<LedgerEvent>, LedgerError>;

    /// The identity's whole history, oldest first. The default walks the
    /// `previousChange` chain from [`changed`](Ledger::changed) with
    /// [`events_in_block`](Ledger::events_in_block), one block at a time.
    async fn history(&self, identity: Address) -> Result<Vec<LedgerEvent>, LedgerError> {
        let mut blocks: Vec<Vec<LedgerEvent>> = Vec::new();
        let mut next = self.changed(identity).await?;
        while next != 0 {
            let block = next;
            let events = self.events_in_block(identity, block).await?;
            if events.is_empty() {
                return Err(LedgerError::Malformed {
                    ledger: self.name(),
                    reason: format!("previousChange of {identity} points at block {block}, which has no events for it"),
                });
            }
            // Several changes in one block: the earliest one links to an
            // earlier block, the later ones back to this block.
            next = events
                .iter()
                .map(|e| e.previous_change)
                .filter(|&p| p < block)
                .min()
                .unwrap_or(0);
            blocks.push(events);
        }
        Ok(blocks.into_iter().rev().flatten().collect())
    }

    /// Block `number`; [`LedgerError::NotFound`] past the latest block.
    async fn block(&self, number: u64) -> Result<Block, LedgerError>;

    /// The latest block.
    async fn latest_block(&self) -> Result<Block, LedgerError>;

    /// Submits a change signed by the identity's owner and returns the
    /// event it produced once it is durable. A change whose signature,
    /// signer or nonce the contract would reject is
    /// [refused](LedgerError::Refused).
    async fn submit(&self, change: &SignedChange) -> Result<LedgerEvent, LedgerError>;
}

/// Where the time comes from: the embedded ledger stamps blocks with it and
/// did:ethr resolution compares `validTo` with it. Tests use a
/// [`ManualClock`].
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time, Unix seconds.
    fn now(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock standing at `now` (Unix seconds).
    pub fn new(now: u64) -> ManualClock {
        ManualClock(AtomicU64::new(now))
    }

    /// Sets the time.
    pub fn set(&self, now: u64) {
        self.0.store(now, Ordering::SeqCst);
    }

    /// Moves the time forward by `seconds`.
    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
