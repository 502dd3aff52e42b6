//! The embedded ledger's schema, versioned with `PRAGMA user_version`.
//!
//! Migration `i` (1-based) takes the schema from version `i - 1` to `i`.
//! Each runs in the same `BEGIN IMMEDIATE` transaction as the version bump,
//! so a crash leaves either the old or the new schema, and two processes
//! opening a new file at once migrate it once. Append new migrations; never
//! edit a released one.

use rusqlite::{Connection, TransactionBehavior};

/// The schema versions, in order.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the registry state and its event log.
    r#"
    -- One row: which chain and registry this file is, and the genesis time (block 0).
    CREATE TABLE ledger (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        chain_id          INTEGER NOT NULL,
        registry          BLOB    NOT NULL CHECK (length(registry) = 20),
        genesis_timestamp INTEGER NOT NULL
    );
    -- The event log: one change per block, so the block number is the key.
    -- kind: 0 DIDOwnerChanged (account = owner), 1 DIDDelegateChanged
    -- (name = delegate type, account = delegate), 2 DIDAttributeChanged
    -- (name, value). valid_to holds the u64 bit pattern.
    CREATE TABLE events (
        block_number    INTEGER PRIMARY KEY,
        timestamp       INTEGER NOT NULL,
        identity        BLOB    NOT NULL CHECK (length(identity) = 20),
        previous_change INTEGER NOT NULL,
        kind            INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),
        account         BLOB,
        name            BLOB,
        value           BLOB,
        valid_to        INTEGER,
        signer          BLOB    NOT NULL,
        nonce           INTEGER NOT NULL,
        signature       BLOB    NOT NULL
    );
    CREATE INDEX events_by_identity ON events (identity, block_number);
    -- The contract's `owners` and `changed` mappings.
    CREATE TABLE identities (
        identity BLOB PRIMARY KEY,
        owner    BLOB,
        changed  INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- The contract's `nonce` mapping.
    CREATE TABLE nonces (
        address BLOB PRIMARY KEY,
        nonce   INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
];

/// The schema version this build writes.
pub(crate) const LATEST: u32 = MIGRATIONS.len() as u32;

/// What [`migrate`] found.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The schema is (now) at [`LATEST`].
    Current,
    /// The file has a newer schema than this build knows.
    TooNew(u32),
}

/// Brings the schema up to [`LATEST`].
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<Outcome> {
    let version: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version == LATEST {
        return Ok(Outcome::Current);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let version: u32 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > LATEST {
        return Ok(Outcome::TooNew(version));
    }
    for sql in MIGRATIONS.iter().skip(version as usize) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", LATEST)?;
    tx.commit()?;
    Ok(Outcome::Current)
}
