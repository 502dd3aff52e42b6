//! The issuance log and status-list state (`registrar.sqlite`).
//!
//! Every credential gets a row before it is signed (state `pending`) and is
//! marked `issued` once its file is written, so an interrupted batch resumes
//! with the same credential ids and status indexes: each student is issued
//! exactly once. Status bits are derived from the `revoked`/`suspended`
//! columns; the signed status list credentials are stored beside them.

use std::path::Path;

use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::error::{CliError, Result};

/// Entries per status list (the Bitstring Status List minimum).
pub const LIST_SIZE: u64 = 131_072;
/// A new list is started when the current one is this full, keeping random
/// index allocation fast and the lists' herd privacy intact.
const LIST_FILL_LIMIT: u64 = LIST_SIZE / 2;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE issued (
    credential_id TEXT PRIMARY KEY,
    subject_key   TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    list_number   INTEGER NOT NULL,
    status_index  INTEGER NOT NULL,
    format        TEXT NOT NULL,
    file          TEXT,
    state         TEXT NOT NULL DEFAULT 'pending',
    revoked       INTEGER NOT NULL DEFAULT 0,
    suspended     INTEGER NOT NULL DEFAULT 0,
    issued_at     TEXT NOT NULL,
    UNIQUE (list_number, status_index)
);
CREATE TABLE status_lists (
    list_number INTEGER NOT NULL,
    purpose     TEXT NOT NULL,
    credential  TEXT NOT NULL,
    PRIMARY KEY (list_number, purpose)
);
"#,
    r#"
ALTER TABLE issued ADD COLUMN batch_run TEXT;
ALTER TABLE issued ADD COLUMN batch_line INTEGER;
CREATE INDEX issued_file ON issued (file);
"#,
];

/// A row of the issuance log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The credential's id (`urn:uuid:…`).
    pub credential_id: String,
    /// Dedup key: kind + the holder's id at the institution (+ degree).
    pub subject_key: String,
    /// `diploma` or `employment`.
    pub kind: String,
    /// The student's or employee's id.
    pub subject: String,
    /// Which status list.
    pub list_number: u64,
    /// Index in that list.
    pub status_index: u64,
    /// Credential format.
    pub format: String,
    /// Where the credential was written, if to a file.
    pub file: Option<String>,
    /// `pending` or `issued`.
    pub state: String,
    /// Revoked?
    pub revoked: bool,
    /// Suspended?
    pub suspended: bool,
    /// When it was allocated (RFC 3339).
    pub issued_at: String,
    /// The batch run that last claimed this row, if any.
    pub batch_run: Option<String>,
    /// That run's CSV line for this row.
    pub batch_line: Option<u64>,
}

/// Where a batch row comes from.
#[derive(Debug, Clone, Copy)]
pub struct BatchRef<'a> {
    /// A random id of the batch run.
    pub run: &'a str,
    /// The row's line in the CSV file.
    pub line: u64,
}

/// A credential to reserve a log row for.
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'a> {
    /// `diploma` or `employment`.
    pub kind: &'a str,
    /// The holder's id at the institution.
    pub subject: &'a str,
    /// The dedup key (one credential per key).
    pub subject_key: &'a str,
    /// The credential format.
    pub format: &'a str,
    /// The batch row, for `issue --batch`.
    pub batch: Option<BatchRef<'a>>,
}

/// The registrar database.
pub struct Store {
    conn: Connection,
    /// Entries after which a new list is started ([`LIST_FILL_LIMIT`]; small in tests).
    fill_limit: u64,
}

impl Store {
    /// Opens (creating and migrating) the database.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        // Several registrar processes may share a home (a batch and a
        // revoke, parallel `issue` calls): wait for each other's writes.
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Migrate under the write lock, reading the version inside it, so
        // two processes opening a new database do not both create tables.
        let tx = Transaction::new_unchecked(&conn, TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > MIGRATIONS.len() {
            return Err(CliError::Input(format!(
                "{} was written by a newer registrar (schema {version})",
                path.display()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(Store {
            conn,
            fill_limit: LIST_FILL_LIMIT,
        })
    }

    /// Takes the database's write lock until [`Store::commit`] (or until the
    /// store is dropped, which rolls back): a read-modify-write such as
    /// re-signing a status list then sees no concurrent change.
    pub fn begin_write(&self) -> Result<()> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    /// Commits what [`Store::begin_write`] started.
    pub fn commit(&self) -> Result<()> {
        Ok(self.conn.execute_batch("COMMIT")?)
    }

    /// Looks up a credential by its id.
    pub fn by_credential_id(&self, id: &str) -> Result<Option<Issued>> {
        Ok(self
            .conn
            .query_row(&format!("{SELECT} WHERE credential_id = ?1"), [id], row)
            .optional()?)
    }

    /// Reserves ids and status indexes for `entries` in one transaction.
    /// Rows already in the log are returned as they were (so a resumed
    /// batch reuses their ids and indexes); a batch entry's row then records
    /// this run and line, so a second row for the same holder in the same
    /// run can be told apart from one issued by an earlier run.
    pub fn reserve(&mut self, entries: &[NewEntry<'_>], now: &str) -> Result<Vec<Issued>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(entries.len());
        // The newest list and how full it is, counted once per call.
        let (mut list_number, mut used): (u64, u64) = tx.query_row(
            "SELECT COALESCE(MAX(list_number), 1), COUNT(*) FROM issued
             WHERE list_number = (SELECT COALESCE(MAX(list_number), 1) FROM issued)",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )?;
        {
            let mut existing_stmt = tx.prepare_cached(&format!("{SELECT} WHERE subject_key = ?1"))?;
            let mut claim =
                tx.prepare_cached("UPDATE issued SET batch_run = ?2, batch_line = ?3 WHERE credential_id = ?1")?;
            let mut taken_stmt =
                tx.prepare_cached("SELECT EXISTS(SELECT 1 FROM issued WHERE list_number = ?1 AND status_index = ?2)")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO issued (credential_id, subject_key, kind, subject, list_number, status_index, format,
                 issued_at, batch_run, batch_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for entry in entries {
                let batch_run = entry.batch.map(|b| b.run);
                let batch_line = entry.batch.map(|b| b.line as i64);
                if let Some(existing) = existing_stmt.query_row([entry.subject_key], row).optional()? {
                    if entry.batch.is_some() && existing.batch_run.as_deref() != batch_run {
                        claim.execute(params![existing.credential_id, batch_run, batch_line])?;
                    }
                    out.push(existing);
                    continue;
                }
                if used >= self.fill_limit {
                    list_number += 1;
                    used = 0;
                }
                let credential_id = format!("urn:uuid:{}", uuid_v4());
                let status_index = loop {
                    let candidate = OsRng.next_u64() % LIST_SIZE;
                    let taken: bool =
                        taken_stmt.query_row(params![list_number as i64, candidate as i64], |r| r.get(0))?;
                    if !taken {
                        break candidate;
                    }
                };
                insert.execute(params![
                    credential_id,
                    entry.subject_key,
                    entry.kind,
                    entry.subject,
                    list_number as i64,
                    status_index as i64,
                    entry.format,
                    now,
                    batch_run,
                    batch_line
                ])?;
                used += 1;
                out.push(Issued {
                    credential_id,
                    subject_key: entry.subject_key.to_owned(),
                    kind: entry.kind.to_owned(),
                    subject: entry.subject.to_owned(),
                    list_number,
                    status_index,
                    format: entry.format.to_owned(),
                    file: None,
                    state: "pending".into(),
                    revoked: false,
                    suspended: false,
                    issued_at: now.to_owned(),
                    batch_run: None,
                    batch_line: None,
                });
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Marks credentials as issued (written to `file`), in one transaction.
    pub fn mark_issued(&mut self, done: &[(String, Option<String>)]) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare("UPDATE issued SET state = 'issued', file = ?2 WHERE credential_id = ?1")?;
            for (id, file) in done {
                stmt.execute(params![id, file])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets or clears the revoked / suspended flag of a credential.
    pub fn set_flag(&mut self, credential_id: &str, column: StatusColumn, value: bool) -> Result<Issued> {
        let sql = match column {
            StatusColumn::Revoked => "UPDATE issued SET revoked = ?2 WHERE credential_id = ?1",
            StatusColumn::Suspended => "UPDATE issued SET suspended = ?2 WHERE credential_id = ?1",
        };
        let n = self.conn.execute(sql, params![credential_id, value])?;
        if n == 0 {
            return Err(CliError::Input(format!(
                "no credential {credential_id} in this registrar's issuance log"
            )));
        }
        self.by_credential_id(credential_id)?
            .ok_or_else(|| CliError::Input(format!("no credential {credential_id}")))
    }

    /// The indexes set in one list for one purpose.
    pub fn set_indexes(&self, list_number: u64, column: StatusColumn) -> Result<Vec<u64>> {
        let sql = match column {
            StatusColumn::Revoked => "SELECT status_index FROM issued WHERE list_number = ?1 AND revoked = 1",
            StatusColumn::Suspended => "SELECT status_index FROM issued WHERE list_number = ?1 AND suspended = 1",
        };
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([list_number as i64], |r| r.get::<_, i64>(0))?;
        rows.map(|r| Ok(r? as u64)).collect()
    }

    /// Every list number in use.
    pub fn list_numbers(&self) -> Result<Vec<u64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT list_number FROM issued ORDER BY list_number")?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        rows.map(|r| Ok(r? as u64)).collect()
    }

    /// Stores a signed status list credential.
    pub fn put_list_credential(&self, list_number: u64, purpose: &str, credential: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO status_lists (list_number, purpose, credential) VALUES (?1, ?2, ?3)
             ON CONFLICT (list_number, purpose) DO UPDATE SET credential = excluded.credential",
            params![list_number as i64, purpose, credential],
        )?;
        Ok(())
    }

    /// Whether a credential other than `subject_key`'s was written to `file`.
    pub fn file_taken(&self, file: &str, subject_key: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM issued WHERE file = ?1 AND subject_key != ?2)",
            params![file, subject_key],
            |r| r.get(0),
        )?)
    }

    /// Stores a signed status list credential unless one is stored already.
    pub fn put_list_credential_if_absent(&self, list_number: u64, purpose: &str, credential: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO status_lists (list_number, purpose, credential) VALUES (?1, ?2, ?3)
             ON CONFLICT (list_number, purpose) DO NOTHING",
            params![list_number as i64, purpose, credential],
        )?;
        Ok(())
    }

    /// A stored status list credential.
    pub fn list_credential(&self, list_number: u64, purpose: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT credential FROM status_lists WHERE list_number = ?1 AND purpose = ?2",
                params![list_number as i64, purpose],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// How many credentials are in the log, and how many are issued.
    #[cfg(test)]
    pub fn counts(&self) -> Result<(u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(state = 'issued'), 0) FROM issued",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )?)
    }
}

/// Which status flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusColumn {
    /// `revoked`
    Revoked,
    /// `suspended`
    Suspended,
}

const SELECT: &str = "SELECT credential_id, subject_key, kind, subject, list_number, status_index, format, file,
    state, revoked, suspended, issued_at, batch_run, batch_line FROM issued";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Issued> {
    Ok(Issued {
        credential_id: r.get(0)?,
        subject_key: r.get(1)?,
        kind: r.get(2)?,
        subject: r.get(3)?,
        list_number: r.get::<_, i64>(4)? as u64,
        status_index: r.get::<_, i64>(5)? as u64,
        format: r.get(6)?,
        file: r.get(7)?,
        state: r.get(8)?,
        revoked: r.get(9)?,
        suspended: r.get(10)?,
        issued_at: r.get(11)?,
        batch_run: r.get(12)?,
        batch_line: r.get::<_, Option<i64>>(13)?.map(|l| l as u64),
    })
}

/// A random (version 4) UUID.
pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests fail loudly
mod tests {
    use super::*;

    #[test]
    fn reserve_is_idempotent_per_subject_and_indexes_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("r.sqlite")).unwrap();
        let keys: Vec<(String, String)> = (0..500).map(|i| (format!("s{i}"), format!("diploma:s{i}"))).collect();
        let reqs: Vec<NewEntry<'_>> = keys
            .iter()
            .map(|(subject, key)| NewEntry {
                kind: "diploma",
                subject,
                subject_key: key,
                format: "di-eddsa-jcs",
                batch: None,
            })
            .collect();
        let first = store.reserve(&reqs, "2026-01-01T00:00:00Z").unwrap();
        let again = store.reserve(&reqs, "2026-01-02T00:00:00Z").unwrap();
        assert_eq!(first, again);
        let mut idx: Vec<_> = first.iter().map(|r| r.status_index).collect();
        idx.sort_unstable();
        idx.dedup();
        assert_eq!(idx.len(), 500);
        store
            .mark_issued(&[(first[0].credential_id.clone(), Some("a.json".into()))])
            .unwrap();
        assert_eq!(store.counts().unwrap(), (500, 1));
        store
            .set_flag(&first[3].credential_id, StatusColumn::Revoked, true)
            .unwrap();
        assert_eq!(
            store.set_indexes(1, StatusColumn::Revoked).unwrap(),
            vec![first[3].status_index]
        );
        assert!(store.set_flag("urn:uuid:nope", StatusColumn::Revoked, true).is_err());
        // Reopening keeps everything (and does not re-run migrations).
        drop(store);
        let store = Store::open(&dir.path().join("r.sqlite")).unwrap();
        assert_eq!(store.counts().unwrap(), (500, 1));
    }

    #[test]
    fn a_full_list_rolls_over_to_the_next_within_and_across_calls() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("r.sqlite")).unwrap();
        store.fill_limit = 3;
        let keys: Vec<String> = (0..8).map(|i| format!("k{i}")).collect();
        let entries: Vec<NewEntry<'_>> = keys
            .iter()
            .map(|key| NewEntry {
                kind: "diploma",
                subject: "s",
                subject_key: key,
                format: "jwt",
                batch: None,
            })
            .collect();
        let mut lists: Vec<u64> = store
            .reserve(&entries[..5], "t")
            .unwrap()
            .iter()
            .map(|r| r.list_number)
            .collect();
        lists.extend(store.reserve(&entries[5..], "t").unwrap().iter().map(|r| r.list_number));
        assert_eq!(lists, [1, 1, 1, 2, 2, 2, 3, 3]);
        assert_eq!(store.list_numbers().unwrap(), [1, 2, 3]);
    }

    #[test]
    fn a_batch_row_records_the_run_and_line_that_claimed_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("r.sqlite")).unwrap();
        let entry = |run, line| NewEntry {
            kind: "diploma",
            subject: "s1",
            subject_key: "diploma:s1",
            format: "jwt",
            batch: Some(BatchRef { run, line }),
        };
        let first = store.reserve(&[entry("run-1", 2), entry("run-1", 9)], "t").unwrap();
        assert_eq!(first[0].batch_run, None, "a new row is returned as reserved");
        assert_eq!(
            first[1].batch_run.as_deref(),
            Some("run-1"),
            "the duplicate sees the first claim"
        );
        assert_eq!(first[1].batch_line, Some(2));
        let resumed = store.reserve(&[entry("run-2", 5)], "t").unwrap();
        assert_eq!(resumed[0].credential_id, first[0].credential_id);
        assert_eq!(resumed[0].batch_run.as_deref(), Some("run-1"));
        let row = store.by_credential_id(&first[0].credential_id).unwrap().unwrap();
        assert_eq!((row.batch_run.as_deref(), row.batch_line), (Some("run-2"), Some(5)));
    }
}
