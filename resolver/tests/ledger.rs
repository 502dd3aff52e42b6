//! The embedded ledger keeps the ERC-1056 contract's semantics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use async_trait::async_trait;
use k256::ecdsa::SigningKey;
use xinlian_resolver::ledger::{
    Address, Block, Bytes32, EmbeddedLedger, Erc1056Event, Ledger, LedgerError, LedgerEvent, ManualClock, Operation,
    Refusal, SignedChange,
};

const T0: u64 = 1_700_000_000;

fn key(n: u8) -> SigningKey {
    SigningKey::from_slice(&[n; 32]).unwrap()
}

fn addr(k: &SigningKey) -> Address {
    Address::from_signing_key(k)
}

struct Fixture {
    _dir: tempfile::TempDir,
    ledger: EmbeddedLedger,
    clock: Arc<ManualClock>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(T0));
    let ledger = EmbeddedLedger::builder(dir.path().join("ledger.sqlite"))
        .clock(clock.clone())
        .open()
        .unwrap();
    Fixture {
        _dir: dir,
        ledger,
        clock,
    }
}

async fn submit(ledger: &EmbeddedLedger, k: &SigningKey, identity: Address, op: Operation) -> LedgerEvent {
    let change = SignedChange::prepare(ledger, k, identity, op).await.unwrap();
    ledger.submit(&change).await.unwrap()
}

fn refusal(result: Result<LedgerEvent, LedgerError>) -> Refusal {
    match result {
        Err(LedgerError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn owner_change_moves_control_and_uses_the_owners_nonce() {
    let f = fixture();
    let (alice, bob) = (key(1), key(2));
    let identity = addr(&alice);
    assert_eq!(f.ledger.identity_owner(identity).await.unwrap(), identity);
    assert_eq!(f.ledger.changed(identity).await.unwrap(), 0);

    let ev = submit(
        &f.ledger,
        &alice,
        identity,
        Operation::ChangeOwner { new_owner: addr(&bob) },
    )
    .await;
    assert_eq!(ev.block_number, 1);
    assert_eq!(ev.previous_change, 0);
    assert_eq!(ev.event, Erc1056Event::DidOwnerChanged { owner: addr(&bob) });
    assert_eq!(f.ledger.identity_owner(identity).await.unwrap(), addr(&bob));
    assert_eq!(f.ledger.changed(identity).await.unwrap(), 1);
    assert_eq!(f.ledger.nonce(identity).await.unwrap(), 1);
    assert_eq!(f.ledger.nonce(addr(&bob)).await.unwrap(), 0);

    // Alice no longer owns her identity.
    let change = SignedChange::prepare(
        &f.ledger,
        &alice,
        identity,
        Operation::ChangeOwner { new_owner: identity },
    )
    .await
    .unwrap();
    let r = refusal(f.ledger.submit(&change).await);
    assert_eq!(
        r,
        Refusal::NotOwner {
            identity,
            owner: addr(&bob),
            signer: identity
        }
    );
    assert!(r.to_string().contains("is not the owner"), "{r}");

    // Bob signs over his own nonce.
    let ev = submit(
        &f.ledger,
        &bob,
        identity,
        Operation::add_delegate("veriKey", addr(&key(3)), 60).unwrap(),
    )
    .await;
    assert_eq!(ev.previous_change, 1);
    assert_eq!(f.ledger.nonce(addr(&bob)).await.unwrap(), 1);
}

#[tokio::test]
async fn delegates_and_attributes_get_the_contracts_valid_to() {
    let f = fixture();
    let alice = key(1);
    let identity = addr(&alice);
    let delegate = addr(&key(4));

    let ev = submit(
        &f.ledger,
        &alice,
        identity,
        Operation::add_delegate("sigAuth", delegate, 3600).unwrap(),
    )
    .await;
    assert_eq!(
        ev.event,
        Erc1056Event::DidDelegateChanged {
            delegate_type: Bytes32::from_text("sigAuth").unwrap(),
            delegate,
            valid_to: T0 + 3600
        }
    );
    f.clock.advance(10);
    let ev = submit(
        &f.ledger,
        &alice,
        identity,
        Operation::revoke_delegate("sigAuth", delegate).unwrap(),
    )
    .await;
    assert!(matches!(ev.event, Erc1056Event::DidDelegateChanged { valid_to, .. } if valid_to == T0 + 10));

    let ev = submit(
        &f.ledger,
        &alice,
        identity,
        Operation::set_attribute("did/svc/Hub", "https://h", 100).unwrap(),
    )
    .await;
    assert!(matches!(ev.event, Erc1056Event::DidAttributeChanged { valid_to, .. } if valid_to == T0 + 110));
    let ev = submit(
        &f.ledger,
        &alice,
        identity,
        Operation::revoke_attribute("did/svc/Hub", "https://h").unwrap(),
    )
    .await;
    assert!(
        matches!(ev.event, Erc1056Event::DidAttributeChanged { valid_to: 0, ref value, .. } if value == b"https://h")
    );

    // A huge validity saturates instead of overflowing.
    let ev = submit(
        &f.ledger,
        &alice,
        identity,
        Operation::add_delegate("veriKey", delegate, u64::MAX).unwrap(),
    )
    .await;
    assert!(matches!(
        ev.event,
        Erc1056Event::DidDelegateChanged { valid_to: u64::MAX, .. }
    ));

    let history = f.ledger.history(identity).await.unwrap();
    assert_eq!(history.len(), 5);
    assert_eq!(
        history.iter().map(|e| e.previous_change).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
}

#[tokio::test]
async fn replayed_nonce_wrong_signer_and_non_owner_are_refused() {
    let f = fixture();
    let (alice, mallory) = (key(1), key(6));
    let identity = addr(&alice);
    let op = Operation::set_service("Hub", "https://hub.example").unwrap();
    let change = SignedChange::prepare(&f.ledger, &alice, identity, op.clone())
        .await
        .unwrap();
    f.ledger.submit(&change).await.unwrap();

    // Replay of the same signed change.
    let r = refusal(f.ledger.submit(&change).await);
    assert!(
        matches!(
            r,
            Refusal::ReplayedNonce {
                signed: 0,
                current: 1,
                ..
            }
        ),
        "{r:?}"
    );
    assert!(r.to_string().contains("replayed nonce"), "{r}");

    // A nonce from the future.
    let ahead = SignedChange::sign(&alice, f.ledger.registry(), 5, identity, op.clone()).unwrap();
    assert!(matches!(
        refusal(f.ledger.submit(&ahead).await),
        Refusal::NonceAhead { .. }
    ));

    // Arguments changed after signing: the signature is someone else's.
    let mut tampered = SignedChange::prepare(&f.ledger, &alice, identity, op.clone())
        .await
        .unwrap();
    tampered.operation = Operation::set_service("Hub", "https://evil.example").unwrap();
    let r = refusal(f.ledger.submit(&tampered).await);
    assert!(
        matches!(r, Refusal::WrongSigner { claimed, .. } if claimed == identity),
        "{r:?}"
    );

    // Signed for another registry.
    let other_registry = SignedChange::sign(&alice, Address::new([9; 20]), 1, identity, op.clone()).unwrap();
    assert!(matches!(
        refusal(f.ledger.submit(&other_registry).await),
        Refusal::WrongSigner { .. }
    ));

    // A valid signature, but by someone who is not the owner.
    let by_mallory = SignedChange::prepare(&f.ledger, &mallory, identity, op.clone())
        .await
        .unwrap();
    assert!(matches!(
        refusal(f.ledger.submit(&by_mallory).await),
        Refusal::NotOwner { signer, .. } if signer == addr(&mallory)
    ));
    // Even a delegate is not an owner.
    submit(
        &f.ledger,
        &alice,
        identity,
        Operation::add_delegate("sigAuth", addr(&mallory), 3600).unwrap(),
    )
    .await;
    let by_delegate = SignedChange::prepare(&f.ledger, &mallory, identity, op).await.unwrap();
    assert!(matches!(
        refusal(f.ledger.submit(&by_delegate).await),
        Refusal::NotOwner { .. }
    ));

    // Nothing refused was written, and refusals used no nonce.
    assert_eq!(f.ledger.history(identity).await.unwrap().len(), 2);
    assert_eq!(f.ledger.nonce(identity).await.unwrap(), 2);
    assert_eq!(f.ledger.nonce(addr(&mallory)).await.unwrap(), 0);
}

#[tokio::test]
async fn deactivation_sets_the_null_owner_and_the_contract_falls_back_to_the_identity() {
    let f = fixture();
    let alice = key(1);
    let identity = addr(&alice);
    submit(
        &f.ledger,
        &alice,
        identity,
        Operation::ChangeOwner {
            new_owner: addr(&key(2)),
        },
    )
    .await;
    submit(
        &f.ledger,
        &key(2),
        identity,
        Operation::ChangeOwner {
            new_owner: Address::ZERO,
        },
    )
    .await;
    // identityOwner() returns the identity when owners[identity] is 0.
    assert_eq!(f.ledger.identity_owner(identity).await.unwrap(), identity);
    let history = f.ledger.history(identity).await.unwrap();
    assert_eq!(history[1].event, Erc1056Event::DidOwnerChanged { owner: Address::ZERO });
}

#[tokio::test]
async fn blocks_increase_strictly_and_time_never_goes_back() {
    let f = fixture();
    let (alice, bob) = (key(1), key(2));
    let mut last: Option<LedgerEvent> = None;
    for (i, step) in [5i64, 0, -100, 3, 0].into_iter().enumerate() {
        let now = f.clock_now() as i64 + step;
        f.clock.set(now as u64);
        let k = if i % 2 == 0 { &alice } else { &bob };
        let ev = submit(&f.ledger, k, addr(k), Operation::set_service("S", "https://s").unwrap()).await;
        if let Some(prev) = &last {
            assert_eq!(ev.block_number, prev.block_number + 1);
            assert!(ev.timestamp >= prev.timestamp);
        }
        last = Some(ev);
    }
    let latest = f.ledger.latest_block().await.unwrap();
    assert_eq!(latest.number, 5);
    // The clock went back 100 s; block 3 keeps block 2's time.
    assert_eq!(
        f.ledger.block(3).await.unwrap().timestamp,
        f.ledger.block(2).await.unwrap().timestamp
    );
    assert_eq!(
        f.ledger.block(0).await.unwrap(),
        Block {
            number: 0,
            timestamp: T0
        }
    );
    match f.ledger.block(6).await {
        Err(LedgerError::NotFound { what, .. }) => assert!(what.contains("block 6"), "{what}"),
        other => panic!("{other:?}"),
    }
}

impl Fixture {
    fn clock_now(&self) -> u64 {
        use xinlian_resolver::ledger::Clock;
        self.clock.now()
    }
}

/// A ledger that answers `history` with the trait's default walk over
/// `changed` and `events_in_block`, as an EVM ledger does.
struct Walking(EmbeddedLedger);

#[async_trait]
impl Ledger for Walking {
    fn name(&self) -> String {
        self.0.name()
    }
    fn chain_id(&self) -> u64 {
        self.0.chain_id()
    }
    fn registry(&self) -> Address {
        self.0.registry()
    }
    async fn identity_owner(&self, identity: Address) -> Result<Address, LedgerError> {
        self.0.identity_owner(identity).await
    }
    async fn changed(&self, identity: Address) -> Result<u64, LedgerError> {
        self.0.changed(identity).await
    }
    async fn nonce(&self, owner: Address) -> Result<u64, LedgerError> {
        self.0.nonce(owner).await
    }
    async fn events_in_block(&self, identity: Address, block: u64) -> Result<Vec<LedgerEvent>, LedgerError> {
        self.0.events_in_block(identity, block).await
    }
    async fn block(&self, number: u64) -> Result<Block, LedgerError> {
        self.0.block(number).await
    }
    async fn latest_block(&self) -> Result<Block, LedgerError> {
        self.0.latest_block().await
    }
    async fn submit(&self, change: &SignedChange) -> Result<LedgerEvent, LedgerError> {
        self.0.submit(change).await
    }
}

#[tokio::test]
async fn the_previous_change_walk_equals_the_indexed_history() {
    let f = fixture();
    let (alice, bob) = (key(1), key(2));
    for i in 0..6u64 {
        // Interleave two identities so previousChange skips blocks.
        submit(
            &f.ledger,
            &alice,
            addr(&alice),
            Operation::set_service("A", &format!("https://a/{i}")).unwrap(),
        )
        .await;
        submit(
            &f.ledger,
            &bob,
            addr(&bob),
            Operation::set_service("B", &format!("https://b/{i}")).unwrap(),
        )
        .await;
    }
    let walking = Walking(f.ledger.clone());
    for who in [addr(&alice), addr(&bob), addr(&key(3))] {
        let indexed = f.ledger.history(who).await.unwrap();
        let walked = walking.history(who).await.unwrap();
        assert_eq!(indexed, walked);
    }
    let alice_history = f.ledger.history(addr(&alice)).await.unwrap();
    assert_eq!(
        alice_history.iter().map(|e| e.block_number).collect::<Vec<_>>(),
        [1, 3, 5, 7, 9, 11]
    );
    assert_eq!(
        alice_history.iter().map(|e| e.previous_change).collect::<Vec<_>>(),
        [0, 1, 3, 5, 7, 9]
    );
}

#[tokio::test]
async fn the_file_survives_reopening_and_keeps_its_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let alice = key(1);
    {
        let ledger = EmbeddedLedger::builder(&path).chain_id(0x4242).open().unwrap();
        submit(
            &ledger,
            &alice,
            addr(&alice),
            Operation::set_service("S", "https://s").unwrap(),
        )
        .await;
    }
    let ledger = EmbeddedLedger::open(&path).unwrap();
    assert_eq!(ledger.chain_id(), 0x4242);
    assert_eq!(ledger.history(addr(&alice)).await.unwrap().len(), 1);
    assert_eq!(ledger.nonce(addr(&alice)).await.unwrap(), 1);
    drop(ledger);

    match EmbeddedLedger::builder(&path).chain_id(1).open() {
        Err(LedgerError::Incompatible { reason, .. }) => assert!(reason.contains("chain id"), "{reason}"),
        other => panic!("{other:?}"),
    }
    match EmbeddedLedger::builder(&path).registry(Address::new([1; 20])).open() {
        Err(LedgerError::Incompatible { reason, .. }) => assert!(reason.contains("registry"), "{reason}"),
        other => panic!("{other:?}"),
    }

    // A file from a newer schema is refused, not misread.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    match EmbeddedLedger::open(&path) {
        Err(LedgerError::Incompatible { reason, .. }) => assert!(reason.contains("schema version 99"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_file_that_cannot_be_opened_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    match EmbeddedLedger::open(dir.path().join("no/such/dir/ledger.sqlite")) {
        Err(LedgerError::Unreachable { ledger, .. }) => assert!(ledger.contains("ledger.sqlite")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_file_uses_wal_and_schema_version_one() {
    let f = fixture();
    let conn = rusqlite::Connection::open(f.ledger.path()).unwrap();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 1);
}

#[test]
fn works_without_an_async_runtime() {
    let f = fixture();
    let alice = key(1);
    let ev = pollster_block_on(async {
        let change = SignedChange::prepare(
            &f.ledger,
            &alice,
            addr(&alice),
            Operation::set_service("S", "https://s").unwrap(),
        )
        .await
        .unwrap();
        f.ledger.submit(&change).await.unwrap()
    });
    assert_eq!(ev.block_number, 1);
}

/// Polls a future to completion on this thread, with no runtime.
fn pollster_block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}
