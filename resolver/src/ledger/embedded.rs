//! The embedded ledger: an ERC-1056 registry in one SQLite file.
//!
//! - **Durability.** WAL journal, `synchronous=FULL`: a change is committed
//!   (and the WAL fsynced) before [`Ledger::submit`] returns, so an
//!   acknowledged change survives a crash or `kill -9` right after.
//! - **One transaction per change.** `BEGIN IMMEDIATE` takes the write lock
//!   first, then the owner, nonce and `changed` are read, the contract's
//!   checks run ([`signed::authorize`]) and the event, the new owner,
//!   `changed` and the nonce are written together.
//! - **Blocks.** Each change is its own block. Block numbers increase
//!   strictly from 1 (block 0 is the genesis, stamped when the file is
//!   created). A block's timestamp is `max(clock now, previous block's
//!   timestamp)`: it never goes backwards, even if the system clock does,
//!   and several changes in one second share a timestamp.
//! - **Several processes.** Any number of processes may read while one
//!   writes (WAL); writers queue on SQLite's lock with a busy timeout
//!   (5 s by default), after which the ledger reports
//!   [`LedgerError::Unreachable`].
//! - **Schema.** Versioned with `PRAGMA user_version` and migrated on open;
//!   a file from a newer version is refused as
//!   [`LedgerError::Incompatible`].
//! - **Async.** rusqlite blocks, so inside a tokio runtime every call runs
//!   on the blocking pool (`spawn_blocking`) and never stalls a runtime
//!   worker; outside a runtime (e.g. under `pollster`) it runs inline.
//!   Reads use a small pool of connections, writes one connection.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::migrations::{self, Outcome};
use super::signed::{self, SignedChange};
use super::{Address, Block, Bytes32, Clock, Erc1056Event, Ledger, LedgerError, LedgerEvent, SystemClock};

/// The chain id the embedded ledger uses unless told otherwise (the usual
/// local development chain id, `0x539`).
pub const DEFAULT_CHAIN_ID: u64 = 1337;

/// The registry address the embedded ledger uses unless told otherwise:
/// the address the ERC-1056 registry is deployed at on most networks.
pub const DEFAULT_REGISTRY: Address = Address::new([
    0xdc, 0xa7, 0xef, 0x03, 0xe9, 0x8e, 0x0d, 0xc2, 0xb8, 0x55, 0xbe, 0x64, 0x7c, 0x39, 0xab, 0xe9, 0x84, 0xfc, 0xf2,
    0x1b,
]);

const KIND_OWNER: i64 = 0;
const KIND_DELEGATE: i64 = 1;
const KIND_ATTRIBUTE: i64 = 2;

/// An ERC-1056 registry in one SQLite file. Cheap to clone (clones share
/// the connections).
#[derive(Clone)]
pub struct EmbeddedLedger {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    name: String,
    chain_id: u64,
    registry: Address,
    clock: Arc<dyn Clock>,
    busy_timeout: Duration,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for EmbeddedLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedLedger")
            .field("path", &self.inner.path)
            .field("chain_id", &self.inner.chain_id)
            .field("registry", &self.inner.registry)
            .finish_non_exhaustive()
    }
}

/// Options for [`EmbeddedLedger`]; start with [`EmbeddedLedger::builder`].
#[derive(Debug)]
pub struct EmbeddedLedgerBuilder {
    path: PathBuf,
    chain_id: Option<u64>,
    registry: Option<Address>,
    clock: Arc<dyn Clock>,
    busy_timeout: Duration,
}

impl EmbeddedLedgerBuilder {
    /// The chain id. A new file stores it; an existing file must match it.
    /// Default: the stored one, or [`DEFAULT_CHAIN_ID`] for a new file.
    pub fn chain_id(mut self, chain_id: u64) -> Self {
        self.chain_id = Some(chain_id);
        self
    }

    /// The registry address signatures are bound to. A new file stores it;
    /// an existing file must match it. Default: the stored one, or
    /// [`DEFAULT_REGISTRY`] for a new file.
    pub fn registry(mut self, registry: Address) -> Self {
        self.registry = Some(registry);
        self
    }

    /// The clock that stamps blocks (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How long to wait for another process's write lock (default 5 s).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Opens (creating if needed) and migrates the file. Blocking: call it
    /// before entering async code, or from `spawn_blocking`.
    pub fn open(self) -> Result<EmbeddedLedger, LedgerError> {
        let name = self.path.display().to_string();
        let storage = |e: rusqlite::Error| storage_error(&name, e);
        let mut writer = open_connection(&self.path, self.busy_timeout).map_err(storage)?;
        let mode: String = writer
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(storage)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(LedgerError::Incompatible {
                ledger: name,
                reason: format!("cannot switch the journal to WAL (it is {mode})"),
            });
        }
        match migrations::migrate(&mut writer).map_err(storage)? {
            Outcome::Current => {}
            Outcome::TooNew(version) => {
                return Err(LedgerError::Incompatible {
                    ledger: name,
                    reason: format!(
                        "schema version {version} is newer than this build knows ({})",
                        migrations::LATEST
                    ),
                });
            }
        }
        let (chain_id, registry) = self.genesis(&name, &mut writer)?;
        Ok(EmbeddedLedger {
            inner: Arc::new(Inner {
                path: self.path,
                name,
                chain_id,
                registry,
                clock: self.clock,
                busy_timeout: self.busy_timeout,
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    /// Reads the stored chain id and registry, or stores them in a new file.
    fn genesis(&self, name: &str, conn: &mut Connection) -> Result<(u64, Address), LedgerError> {
        let storage = |e: rusqlite::Error| storage_error(name, e);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(storage)?;
        let stored: Option<(i64, Vec<u8>)> = tx
            .query_row("SELECT chain_id, registry FROM ledger WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()
            .map_err(storage)?;
        let result = match stored {
            Some((chain_id, registry)) => {
                let chain_id = chain_id as u64;
                let registry = Address::from_slice(&registry).ok_or_else(|| malformed(name, "stored registry"))?;
                let mismatch = |what: &str, stored: String, wanted: String| LedgerError::Incompatible {
                    ledger: name.to_owned(),
                    reason: format!("the file's {what} is {stored}, not {wanted}"),
                };
                if let Some(wanted) = self.chain_id.filter(|&w| w != chain_id) {
                    return Err(mismatch("chain id", chain_id.to_string(), wanted.to_string()));
                }
                if let Some(wanted) = self.registry.filter(|&w| w != registry) {
                    return Err(mismatch("registry", registry.to_string(), wanted.to_string()));
                }
                (chain_id, registry)
            }
            None => {
                let chain_id = self.chain_id.unwrap_or(DEFAULT_CHAIN_ID);
                let registry = self.registry.unwrap_or(DEFAULT_REGISTRY);
                tx.execute(
                    "INSERT INTO ledger (id, chain_id, registry, genesis_timestamp) VALUES (1, ?1, ?2, ?3)",
                    params![chain_id as i64, registry.as_bytes().as_slice(), self.clock.now() as i64],
                )
                .map_err(storage)?;
                (chain_id, registry)
            }
        };
        tx.commit().map_err(storage)?;
        Ok(result)
    }
}

fn open_connection(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy_timeout)?;
    // Not persistent: every connection sets it. FULL fsyncs the WAL at
    // every commit.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

fn storage_error(name: &str, e: rusqlite::Error) -> LedgerError {
    let busy = matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    LedgerError::Unreachable {
        ledger: name.to_owned(),
        reason: if busy {
            format!("the database stayed locked by another writer past the busy timeout ({e})")
        } else {
            format!("SQLite: {e}")
        },
    }
}

fn malformed(name: &str, what: &str) -> LedgerError {
    LedgerError::Malformed {
        ledger: name.to_owned(),
        reason: format!("{what} has the wrong shape"),
    }
}

impl EmbeddedLedger {
    /// Opens (creating if needed) the ledger in the SQLite file at `path`,
    /// with default options. Blocking.
    pub fn open(path: impl AsRef<Path>) -> Result<EmbeddedLedger, LedgerError> {
        EmbeddedLedger::builder(path).open()
    }

    /// Options for opening the file at `path`.
    pub fn builder(path: impl AsRef<Path>) -> EmbeddedLedgerBuilder {
        EmbeddedLedgerBuilder {
            path: path.as_ref().to_path_buf(),
            chain_id: None,
            registry: None,
            clock: Arc::new(SystemClock),
            busy_timeout: Duration::from_secs(5),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` off the async runtime's workers when there is a runtime.
    async fn run<T, F>(&self, f: F) -> Result<T, LedgerError>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> Result<T, LedgerError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle
                .spawn_blocking(move || f(&inner))
                .await
                .map_err(|e| LedgerError::Unreachable {
                    ledger: self.inner.name.clone(),
                    reason: format!("the storage task failed: {e}"),
                })?,
            Err(_) => f(&inner),
        }
    }
}

impl Inner {
    fn storage(&self, e: rusqlite::Error) -> LedgerError {
        storage_error(&self.name, e)
    }

    /// Runs `f` on a pooled read connection.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, LedgerError>) -> Result<T, LedgerError> {
        // A panic while the pool was locked leaves a valid Vec behind.
        let pooled = self.readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = open_connection(&self.path, self.busy_timeout).map_err(|e| self.storage(e))?;
                conn.pragma_update(None, "query_only", true)
                    .map_err(|e| self.storage(e))?;
                conn
            }
        };
        let result = f(&conn);
        self.readers.lock().unwrap_or_else(PoisonError::into_inner).push(conn);
        result
    }

    fn events(
        &self,
        conn: &Connection,
        identity: Address,
        block: Option<u64>,
    ) -> Result<Vec<LedgerEvent>, LedgerError> {
        let sql = match block {
            None => {
                "SELECT block_number, timestamp, previous_change, kind, account, name, value, valid_to \
                 FROM events WHERE identity = ?1 ORDER BY block_number"
            }
            Some(_) => {
                "SELECT block_number, timestamp, previous_change, kind, account, name, value, valid_to \
                 FROM events WHERE identity = ?1 AND block_number = ?2"
            }
        };
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.storage(e))?;
        let map = |row: &rusqlite::Row<'_>| -> rusqlite::Result<RawEvent> {
            Ok(RawEvent {
                block_number: row.get(0)?,
                timestamp: row.get(1)?,
                previous_change: row.get(2)?,
                kind: row.get(3)?,
                account: row.get(4)?,
                name: row.get(5)?,
                value: row.get(6)?,
                valid_to: row.get(7)?,
            })
        };
        let rows = match block {
            None => stmt.query_map(params![identity.as_bytes().as_slice()], map),
            Some(b) => stmt.query_map(params![identity.as_bytes().as_slice(), b as i64], map),
        }
        .map_err(|e| self.storage(e))?;
        let mut out = Vec::new();
        for row in rows {
            let raw = row.map_err(|e| self.storage(e))?;
            out.push(
                raw.into_event(identity)
                    .ok_or_else(|| malformed(&self.name, "an event row"))?,
            );
        }
        Ok(out)
    }

    fn block(&self, conn: &Connection, number: u64) -> Result<Option<Block>, LedgerError> {
        let timestamp: Option<i64> = if number == 0 {
            conn.prepare_cached("SELECT genesis_timestamp FROM ledger WHERE id = 1")
                .and_then(|mut s| s.query_row([], |row| row.get(0)).optional())
        } else {
            conn.prepare_cached("SELECT timestamp FROM events WHERE block_number = ?1")
                .and_then(|mut s| s.query_row([number as i64], |row| row.get(0)).optional())
        }
        .map_err(|e| self.storage(e))?;
        Ok(timestamp.map(|t| Block {
            number,
            timestamp: t as u64,
        }))
    }

    fn latest(&self, conn: &Connection) -> Result<Block, LedgerError> {
        let last: Option<(i64, i64)> = conn
            .prepare_cached("SELECT block_number, timestamp FROM events ORDER BY block_number DESC LIMIT 1")
            .and_then(|mut s| s.query_row([], |row| Ok((row.get(0)?, row.get(1)?))).optional())
            .map_err(|e| self.storage(e))?;
        match last {
            Some((number, timestamp)) => Ok(Block {
                number: number as u64,
                timestamp: timestamp as u64,
            }),
            None => self
                .block(conn, 0)?
                .ok_or_else(|| malformed(&self.name, "the genesis row")),
        }
    }

    fn identity_state(&self, conn: &Connection, identity: Address) -> Result<(Address, u64), LedgerError> {
        let row: Option<(Option<Vec<u8>>, i64)> = conn
            .prepare_cached("SELECT owner, changed FROM identities WHERE identity = ?1")
            .and_then(|mut s| {
                s.query_row([identity.as_bytes().as_slice()], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(|e| self.storage(e))?;
        let Some((owner, changed)) = row else {
            return Ok((identity, 0));
        };
        let owner = match owner {
            Some(bytes) => Address::from_slice(&bytes).ok_or_else(|| malformed(&self.name, "a stored owner"))?,
            None => Address::ZERO,
        };
        // identityOwner(): an unset or zero owner means the identity itself.
        let owner = if owner.is_zero() { identity } else { owner };
        Ok((owner, changed as u64))
    }

    fn nonce(&self, conn: &Connection, owner: Address) -> Result<u64, LedgerError> {
        let nonce: Option<i64> = conn
            .prepare_cached("SELECT nonce FROM nonces WHERE address = ?1")
            .and_then(|mut s| s.query_row([owner.as_bytes().as_slice()], |row| row.get(0)).optional())
            .map_err(|e| self.storage(e))?;
        Ok(nonce.map_or(0, |n| n as u64))
    }

    fn submit(&self, change: &SignedChange) -> Result<LedgerEvent, LedgerError> {
        // A panic cannot leave a transaction half done (dropping one rolls
        // it back), so the connection is usable after poisoning.
        let mut conn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.storage(e))?;
        let (owner, previous_change) = self.identity_state(&tx, change.identity)?;
        let nonce = self.nonce(&tx, owner)?;
        signed::authorize(change, self.registry, owner, nonce)?;

        let last = self.latest(&tx)?;
        let block_number = last.number + 1;
        let timestamp = self.clock.now().max(last.timestamp);
        let event = change.operation.event_at(timestamp);
        type Columns<'a> = (i64, Option<&'a [u8]>, Option<&'a [u8]>, Option<&'a [u8]>, Option<i64>);
        let (kind, account, name, value, valid_to): Columns<'_> = match &event {
            Erc1056Event::DidOwnerChanged { owner } => (KIND_OWNER, Some(owner.as_bytes()), None, None, None),
            Erc1056Event::DidDelegateChanged {
                delegate_type,
                delegate,
                valid_to,
            } => (
                KIND_DELEGATE,
                Some(delegate.as_bytes()),
                Some(delegate_type.as_bytes()),
                None,
                Some(*valid_to as i64),
            ),
            Erc1056Event::DidAttributeChanged { name, value, valid_to } => (
                KIND_ATTRIBUTE,
                None,
                Some(name.as_bytes()),
                Some(value.as_slice()),
                Some(*valid_to as i64),
            ),
        };
        tx.prepare_cached(
            "INSERT INTO events (block_number, timestamp, identity, previous_change, kind, account, name, value, \
             valid_to, signer, nonce, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .and_then(|mut s| {
            s.execute(params![
                block_number as i64,
                timestamp as i64,
                change.identity.as_bytes().as_slice(),
                previous_change as i64,
                kind,
                account,
                name,
                value,
                valid_to,
                change.signer.as_bytes().as_slice(),
                change.nonce as i64,
                change.signature.to_bytes().as_slice(),
            ])
        })
        .map_err(|e| self.storage(e))?;
        let new_owner = match &event {
            Erc1056Event::DidOwnerChanged { owner } => Some(*owner),
            _ => None,
        };
        tx.prepare_cached(
            "INSERT INTO identities (identity, owner, changed) VALUES (?1, ?2, ?3) \
             ON CONFLICT (identity) DO UPDATE SET changed = excluded.changed, \
             owner = CASE WHEN ?4 THEN excluded.owner ELSE identities.owner END",
        )
        .and_then(|mut s| {
            s.execute(params![
                change.identity.as_bytes().as_slice(),
                new_owner.map(|o| o.as_bytes().to_vec()),
                block_number as i64,
                new_owner.is_some(),
            ])
        })
        .map_err(|e| self.storage(e))?;
        tx.prepare_cached(
            "INSERT INTO nonces (address, nonce) VALUES (?1, ?2) \
             ON CONFLICT (address) DO UPDATE SET nonce = excluded.nonce",
        )
        .and_then(|mut s| s.execute(params![owner.as_bytes().as_slice(), (nonce + 1) as i64]))
        .map_err(|e| self.storage(e))?;
        tx.commit().map_err(|e| self.storage(e))?;
        Ok(LedgerEvent {
            identity: change.identity,
            block_number,
            timestamp,
            previous_change,
            event,
        })
    }
}

struct RawEvent {
    block_number: i64,
    timestamp: i64,
    previous_change: i64,
    kind: i64,
    account: Option<Vec<u8>>,
    name: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    valid_to: Option<i64>,
}

impl RawEvent {
    fn into_event(self, identity: Address) -> Option<LedgerEvent> {
        let bytes32 = |b: &Option<Vec<u8>>| {
            b.as_deref()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .map(Bytes32::new)
        };
        let event = match self.kind {
            KIND_OWNER => Erc1056Event::DidOwnerChanged {
                owner: Address::from_slice(self.account.as_deref()?)?,
            },
            KIND_DELEGATE => Erc1056Event::DidDelegateChanged {
                delegate_type: bytes32(&self.name)?,
                delegate: Address::from_slice(self.account.as_deref()?)?,
                valid_to: self.valid_to? as u64,
            },
            KIND_ATTRIBUTE => Erc1056Event::DidAttributeChanged {
                name: bytes32(&self.name)?,
                value: self.value.unwrap_or_default(),
                valid_to: self.valid_to? as u64,
            },
            _ => return None,
        };
        Some(LedgerEvent {
            identity,
            block_number: self.block_number as u64,
            timestamp: self.timestamp as u64,
            previous_change: self.previous_change as u64,
            event,
        })
    }
}

#[async_trait]
impl Ledger for EmbeddedLedger {
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
        self.run(move |inner| inner.read(|conn| inner.identity_state(conn, identity).map(|(owner, _)| owner)))
            .await
    }

    async fn changed(&self, identity: Address) -> Result<u64, LedgerError> {
        self.run(move |inner| inner.read(|conn| inner.identity_state(conn, identity).map(|(_, changed)| changed)))
            .await
    }

    async fn nonce(&self, owner: Address) -> Result<u64, LedgerError> {
        self.run(move |inner| inner.read(|conn| inner.nonce(conn, owner))).await
    }

    async fn events_in_block(&self, identity: Address, block: u64) -> Result<Vec<LedgerEvent>, LedgerError> {
        self.run(move |inner| inner.read(|conn| inner.events(conn, identity, Some(block))))
            .await
    }

    /// One indexed query (`events_by_identity`), not a walk.
    async fn history(&self, identity: Address) -> Result<Vec<LedgerEvent>, LedgerError> {
        self.run(move |inner| inner.read(|conn| inner.events(conn, identity, None)))
            .await
    }

    async fn block(&self, number: u64) -> Result<Block, LedgerError> {
        self.run(move |inner| {
            inner.read(|conn| {
                inner.block(conn, number)?.ok_or_else(|| {
                    let latest = inner.latest(conn).map(|b| b.number).unwrap_or(0);
                    LedgerError::NotFound {
                        ledger: inner.name.clone(),
                        what: format!("block {number} (the latest block is {latest})"),
                    }
                })
            })
        })
        .await
    }

    async fn latest_block(&self) -> Result<Block, LedgerError> {
        self.run(move |inner| inner.read(|conn| inner.latest(conn))).await
    }

    async fn submit(&self, change: &SignedChange) -> Result<LedgerEvent, LedgerError> {
        let change = change.clone();
        self.run(move |inner| inner.submit(&change)).await
    }
}
