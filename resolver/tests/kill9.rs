//! Durability and multi-process use of the embedded ledger.
//!
//! The child processes are this test binary run again with
//! `ledger_child_writer` selected and the `XINLIAN_LEDGER_CHILD` variable
//! set; without the variable that test does nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use k256::ecdsa::SigningKey;
use xinlian_resolver::ledger::{Address, EmbeddedLedger, Ledger, Operation, SignedChange};

const CHILD_ENV: &str = "XINLIAN_LEDGER_CHILD";
const COUNT_ENV: &str = "XINLIAN_LEDGER_CHILD_COUNT";
const KEY_ENV: &str = "XINLIAN_LEDGER_CHILD_KEY";

fn key(n: u8) -> SigningKey {
    SigningKey::from_slice(&[n; 32]).unwrap()
}

/// The child: writes signed changes to the ledger named by `CHILD_ENV` and
/// prints `ack <block>` after each one `submit` acknowledged.
#[test]
fn ledger_child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let count: u64 = std::env::var(COUNT_ENV)
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(u64::MAX);
    let k = key(std::env::var(KEY_ENV).ok().and_then(|c| c.parse().ok()).unwrap_or(1));
    let identity = Address::from_signing_key(&k);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let ledger = EmbeddedLedger::open(&path).unwrap();
        let mut out = std::io::stdout().lock();
        for i in 0..count {
            let op = match i % 3 {
                0 => Operation::set_service("Hub", &format!("https://hub.example/{i}")).unwrap(),
                1 => Operation::add_delegate("veriKey", Address::new([i as u8; 20]), 3600).unwrap(),
                _ => Operation::set_attribute("did/pub/Ed25519/veriKey", vec![i as u8; 32], 3600).unwrap(),
            };
            let change = SignedChange::prepare(&ledger, &k, identity, op).await.unwrap();
            let event = ledger.submit(&change).await.unwrap();
            writeln!(out, "ack {}", event.block_number).unwrap();
            out.flush().unwrap();
        }
    });
}

fn spawn_writer(path: &Path, count: Option<u64>, key: u8) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["ledger_child_writer", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .env(KEY_ENV, key.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(count) = count {
        cmd.env(COUNT_ENV, count.to_string());
    }
    cmd.spawn().unwrap()
}

/// An acknowledgement line. The first one may share its line with the
/// harness's `test ledger_child_writer ... `.
fn ack(line: &str) -> Option<u64> {
    let at = line.find("ack ")?;
    line[at + 4..].trim().parse().ok()
}

#[test]
fn acknowledged_changes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let mut child = spawn_writer(&path, None, 1);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = Vec::new();
    while acked.len() < 40 {
        let line = lines.next().expect("the writer stopped before 40 changes").unwrap();
        acked.extend(ack(&line));
    }
    // SIGKILL, mid-burst: the writer is submitting continuously.
    child.kill().unwrap();
    // Acknowledgements already in the pipe count too.
    for line in lines {
        acked.extend(ack(&line.unwrap()));
    }
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status:?}");
    }
    #[cfg(not(unix))]
    assert!(!status.success());

    let conn = rusqlite::Connection::open(&path).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).unwrap();
    assert!(
        count as usize >= acked.len(),
        "{count} events stored, {} acknowledged",
        acked.len()
    );
    eprintln!("killed mid-burst: {} changes acknowledged, {count} stored", acked.len());
    drop(conn);

    let ledger = EmbeddedLedger::open(&path).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let identity = Address::from_signing_key(&key(1));
        let history = ledger.history(identity).await.unwrap();
        let blocks: Vec<u64> = history.iter().map(|e| e.block_number).collect();
        for block in &acked {
            assert!(blocks.contains(block), "acknowledged block {block} is missing");
        }
        // The state is consistent: the nonce counts every stored change, and
        // the ledger takes the next change.
        assert_eq!(ledger.nonce(identity).await.unwrap(), history.len() as u64);
        let op = Operation::set_service("Hub", "https://hub.example/after").unwrap();
        let change = SignedChange::prepare(&ledger, &key(1), identity, op).await.unwrap();
        let event = ledger.submit(&change).await.unwrap();
        assert_eq!(event.block_number, history.len() as u64 + 1);
        assert_eq!(event.previous_change, history.len() as u64);
    });
}

#[test]
fn another_process_reads_while_one_writes() {
    const N: u64 = 150;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let ledger = EmbeddedLedger::open(&path).unwrap();
    let identity = Address::from_signing_key(&key(1));
    let mut child = spawn_writer(&path, Some(N), 1);
    let stdout = child.stdout.take().unwrap();
    let drain = std::thread::spawn(move || BufReader::new(stdout).lines().count());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (reads, distinct) = runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut seen = 0usize;
        let mut reads = 0u64;
        let mut distinct = std::collections::BTreeSet::new();
        loop {
            let history = ledger.history(identity).await.unwrap();
            assert!(history.len() >= seen, "history shrank from {seen} to {}", history.len());
            // What a reader sees is always a consistent prefix.
            for (i, event) in history.iter().enumerate() {
                assert_eq!(event.block_number, i as u64 + 1);
            }
            seen = history.len();
            distinct.insert(seen);
            reads += 1;
            if seen as u64 == N {
                break;
            }
            assert!(Instant::now() < deadline, "the writer did not finish");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        (reads, distinct.len())
    });
    assert!(child.wait().unwrap().success());
    assert!(drain.join().unwrap() as u64 >= N);
    assert!(
        reads > 1 && distinct > 1,
        "the reader should have seen the history grow"
    );
}

#[test]
fn two_writer_processes_queue_on_the_lock() {
    const N: u64 = 40;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    // Create the file first so both children open a migrated database.
    drop(EmbeddedLedger::open(&path).unwrap());
    let mut a = spawn_writer(&path, Some(N), 1);
    let mut b = spawn_writer(&path, Some(N), 2);
    let out_a = a.stdout.take().unwrap();
    let out_b = b.stdout.take().unwrap();
    let count_a = std::thread::spawn(move || BufReader::new(out_a).lines().filter_map(|l| ack(&l.ok()?)).count());
    let count_b = std::thread::spawn(move || BufReader::new(out_b).lines().filter_map(|l| ack(&l.ok()?)).count());
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    assert_eq!(count_a.join().unwrap() as u64, N);
    assert_eq!(count_b.join().unwrap() as u64, N);

    let ledger = EmbeddedLedger::open(&path).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        assert_eq!(ledger.latest_block().await.unwrap().number, 2 * N);
        for k in [1, 2] {
            let history = ledger.history(Address::from_signing_key(&key(k))).await.unwrap();
            assert_eq!(history.len() as u64, N);
            let mut previous = 0;
            for event in history {
                assert_eq!(event.previous_change, previous);
                previous = event.block_number;
            }
        }
    });
}
