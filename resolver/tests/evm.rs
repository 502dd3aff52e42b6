//! The EVM ledger against a real local anvil node: the ERC-1056 registry
//! deployed from its npm artifact, signed changes relayed by another
//! account, changes sent by the owner, refusals, confirmations, chain id
//! and transport failures, and did:ethr resolution through the ledger.
//!
//! Needs anvil and the registry artifact: `scripts/test-tools.sh`.
#![cfg(feature = "evm")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use xinlian_did_core::{ResolutionOptions, Resolver};
use xinlian_resolver::ethr::{EthrDid, EthrResolver};
use xinlian_resolver::ledger::{
    Address, Erc1056Event, EvmLedger, Ledger, LedgerError, Operation, Refusal, SignedChange,
};

use support::{Anvil, closed_port, dev_key, key};

const CHAIN: u64 = 31337;

/// anvil with the registry deployed, and a ledger relaying through dev
/// account 1.
async fn setup() -> (Anvil, EvmLedger) {
    let anvil = Anvil::start(CHAIN);
    let registry = anvil.deploy_registry().await;
    let ledger = EvmLedger::builder(anvil.url())
        .registry(registry)
        .chain_id(CHAIN)
        .payer(dev_key(1))
        .poll_interval(Duration::from_millis(20))
        .connect()
        .await
        .unwrap();
    (anvil, ledger)
}

async fn tx_count(anvil: &Anvil, account: Address) -> u64 {
    let count = anvil
        .rpc("eth_getTransactionCount", json!([account.to_lower_hex(), "latest"]))
        .await;
    u64::from_str_radix(count.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

#[tokio::test]
async fn signed_changes_relayed_by_another_account() {
    let (anvil, ledger) = setup().await;
    let owner = key(0x11);
    let identity = Address::from_signing_key(&owner);
    let delegate = Address::new([0xd1; 20]);
    let payer = Address::from_signing_key(&dev_key(1));
    assert_eq!(ledger.payer_address(), Some(payer));
    assert_eq!(ledger.chain_id(), CHAIN);
    assert_eq!(ledger.identity_owner(identity).await.unwrap(), identity);
    assert_eq!(ledger.changed(identity).await.unwrap(), 0);
    assert!(ledger.history(identity).await.unwrap().is_empty());

    let ops = [
        Operation::add_delegate("veriKey", delegate, 3600).unwrap(),
        Operation::set_service("LinkedDomains", "https://registrar.example.edu").unwrap(),
        Operation::revoke_delegate("veriKey", delegate).unwrap(),
        Operation::revoke_attribute("did/svc/LinkedDomains", b"https://registrar.example.edu".to_vec()).unwrap(),
    ];
    let mut events = Vec::new();
    for (i, op) in ops.into_iter().enumerate() {
        let change = SignedChange::prepare(&ledger, &owner, identity, op.clone())
            .await
            .unwrap();
        assert_eq!(change.nonce, i as u64);
        let event = ledger.submit(&change).await.unwrap();
        let block = ledger.block(event.block_number).await.unwrap();
        assert_eq!(event.timestamp, block.timestamp);
        assert_eq!(event.event, op.event_at(block.timestamp), "step {i}");
        assert_eq!(event.identity, identity);
        assert_eq!(
            event.previous_change,
            events
                .last()
                .map_or(0, |e: &xinlian_resolver::ledger::LedgerEvent| e.block_number)
        );
        assert_eq!(ledger.changed(identity).await.unwrap(), event.block_number);
        events.push(event);
    }
    // The owner's nonce counts its signed changes; the payer sent them.
    assert_eq!(ledger.nonce(identity).await.unwrap(), 4);
    assert_eq!(tx_count(&anvil, payer).await, 4);
    assert_eq!(tx_count(&anvil, identity).await, 0);
    // The walk along previousChange finds them all, in order.
    assert_eq!(ledger.history(identity).await.unwrap(), events);
    // A revoked delegate's validTo is the block time; a revoked attribute's is 0.
    assert!(matches!(
        events[3].event,
        Erc1056Event::DidAttributeChanged { valid_to: 0, .. }
    ));

    // Owner change: the new owner signs from then on, over its own nonce.
    let new_owner = key(0x12);
    let new_owner_address = Address::from_signing_key(&new_owner);
    let change = SignedChange::prepare(
        &ledger,
        &owner,
        identity,
        Operation::ChangeOwner {
            new_owner: new_owner_address,
        },
    )
    .await
    .unwrap();
    let event = ledger.submit(&change).await.unwrap();
    assert_eq!(
        event.event,
        Erc1056Event::DidOwnerChanged {
            owner: new_owner_address
        }
    );
    assert_eq!(ledger.identity_owner(identity).await.unwrap(), new_owner_address);
    let op = Operation::set_service("Hub", "https://hub.example").unwrap();
    let change = SignedChange::prepare(&ledger, &new_owner, identity, op).await.unwrap();
    assert_eq!(change.nonce, 0);
    ledger.submit(&change).await.unwrap();
    assert_eq!(ledger.nonce(new_owner_address).await.unwrap(), 1);
    assert_eq!(ledger.history(identity).await.unwrap().len(), 6);
    // Another identity's history is separate.
    assert!(ledger.history(delegate).await.unwrap().is_empty());
}

#[tokio::test]
async fn wrong_signer_not_owner_and_replayed_nonce_are_refused_without_gas() {
    let (anvil, ledger) = setup().await;
    let owner = key(0x21);
    let identity = Address::from_signing_key(&owner);
    let payer = ledger.payer_address().unwrap();
    let op = Operation::set_service("LinkedDomains", "https://a.example").unwrap();

    // Signed by someone who is not the owner.
    let stranger = key(0x22);
    let change = SignedChange::prepare(&ledger, &stranger, identity, op.clone())
        .await
        .unwrap();
    let err = ledger.submit(&change).await.unwrap_err();
    assert!(
        matches!(err, LedgerError::Refused(Refusal::NotOwner { owner: o, .. }) if o == identity),
        "{err}"
    );

    // A signature that does not recover to the signer the change names.
    let mut forged = SignedChange::prepare(&ledger, &stranger, identity, op.clone())
        .await
        .unwrap();
    forged.signer = identity;
    let err = ledger.submit(&forged).await.unwrap_err();
    assert!(
        matches!(err, LedgerError::Refused(Refusal::WrongSigner { .. })),
        "{err}"
    );

    // A good change goes through once; its replay is refused.
    let change = SignedChange::prepare(&ledger, &owner, identity, op).await.unwrap();
    ledger.submit(&change).await.unwrap();
    let err = ledger.submit(&change).await.unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::Refused(Refusal::ReplayedNonce {
                signed: 0,
                current: 1,
                ..
            })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("replayed nonce"), "{err}");
    // Only the accepted change cost a transaction.
    assert_eq!(tx_count(&anvil, payer).await, 1);
}

#[tokio::test]
async fn concurrent_changes_over_one_nonce_one_wins_the_other_is_a_replay() {
    let (_anvil, ledger) = setup().await;
    let owner = key(0x23);
    let identity = Address::from_signing_key(&owner);
    let a = SignedChange::prepare(
        &ledger,
        &owner,
        identity,
        Operation::set_service("A", "https://a").unwrap(),
    )
    .await
    .unwrap();
    let b = SignedChange::prepare(
        &ledger,
        &owner,
        identity,
        Operation::set_service("B", "https://b").unwrap(),
    )
    .await
    .unwrap();
    let (ra, rb) = tokio::join!(ledger.submit(&a), ledger.submit(&b));
    let (ok, refused) = match (ra, rb) {
        (Ok(e), Err(r)) | (Err(r), Ok(e)) => (e, r),
        other => panic!("exactly one change must win: {other:?}"),
    };
    assert!(
        matches!(refused, LedgerError::Refused(Refusal::ReplayedNonce { .. })),
        "{refused}"
    );
    assert_eq!(ledger.history(identity).await.unwrap(), vec![ok]);
    assert_eq!(ledger.nonce(identity).await.unwrap(), 1);
}

#[tokio::test]
async fn the_owner_can_send_changes_itself() {
    let (anvil, ledger) = setup().await;
    // Dev account 2 holds ETH to pay for its own transactions.
    let owner = dev_key(2);
    let identity = Address::from_signing_key(&owner);
    let delegate = Address::new([0xd2; 20]);
    let event = ledger
        .submit_as_owner(
            &owner,
            identity,
            Operation::add_delegate("sigAuth", delegate, 600).unwrap(),
        )
        .await
        .unwrap();
    assert!(matches!(
        event.event,
        Erc1056Event::DidDelegateChanged { delegate: d, .. } if d == delegate
    ));
    assert_eq!(event.previous_change, 0);
    // Sent by the owner, not relayed: the ERC-1056 nonce is unchanged and
    // the owner's account sent the transaction.
    assert_eq!(ledger.nonce(identity).await.unwrap(), 0);
    assert_eq!(tx_count(&anvil, identity).await, 1);
    assert_eq!(tx_count(&anvil, ledger.payer_address().unwrap()).await, 0);
    assert_eq!(ledger.history(identity).await.unwrap(), vec![event]);

    // Someone else's account is refused before anything is sent.
    let stranger = dev_key(3);
    let err = ledger
        .submit_as_owner(&stranger, identity, Operation::set_service("X", "https://x").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, LedgerError::Refused(Refusal::NotOwner { .. })), "{err}");
    assert_eq!(tx_count(&anvil, Address::from_signing_key(&stranger)).await, 0);
}

#[tokio::test]
async fn a_payer_without_funds_is_rejected_by_the_chain() {
    let anvil = Anvil::start(CHAIN);
    let registry = anvil.deploy_registry().await;
    let ledger = EvmLedger::builder(anvil.url())
        .registry(registry)
        .payer(key(0x31))
        .connect()
        .await
        .unwrap();
    let owner = key(0x32);
    let identity = Address::from_signing_key(&owner);
    let change = SignedChange::prepare(
        &ledger,
        &owner,
        identity,
        Operation::set_service("X", "https://x").unwrap(),
    )
    .await
    .unwrap();
    let err = ledger.submit(&change).await.unwrap_err();
    match &err {
        LedgerError::Refused(Refusal::Rejected { reason }) => {
            assert!(reason.to_lowercase().contains("insufficient funds"), "{reason}")
        }
        other => panic!("expected a rejection, got {other}"),
    }
}

#[tokio::test]
async fn a_read_only_ledger_cannot_relay() {
    let anvil = Anvil::start(CHAIN);
    let registry = anvil.deploy_registry().await;
    let ledger = EvmLedger::builder(anvil.url())
        .registry(registry)
        .connect()
        .await
        .unwrap();
    assert_eq!(ledger.payer_address(), None);
    // With no chain id configured, the node's is taken.
    assert_eq!(ledger.chain_id(), CHAIN);
    let owner = key(0x33);
    let identity = Address::from_signing_key(&owner);
    let change = SignedChange::prepare(
        &ledger,
        &owner,
        identity,
        Operation::set_service("X", "https://x").unwrap(),
    )
    .await
    .unwrap();
    let err = ledger.submit(&change).await.unwrap_err();
    assert!(
        matches!(&err, LedgerError::Incompatible { reason, .. } if reason.contains("payer")),
        "{err}"
    );
}

#[tokio::test]
async fn confirmations_wait_for_blocks_on_top() {
    let anvil = Arc::new(Anvil::start(CHAIN));
    let registry = anvil.deploy_registry().await;
    let ledger = EvmLedger::builder(anvil.url())
        .registry(registry)
        .payer(dev_key(1))
        .confirmations(3)
        .poll_interval(Duration::from_millis(20))
        .connect()
        .await
        .unwrap();
    // anvil mines on demand: a helper mines a block every 100 ms.
    let miner = {
        let anvil = Arc::clone(&anvil);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                anvil.mine(1).await;
            }
        })
    };
    let owner = key(0x34);
    let identity = Address::from_signing_key(&owner);
    let change = SignedChange::prepare(
        &ledger,
        &owner,
        identity,
        Operation::set_service("X", "https://x").unwrap(),
    )
    .await
    .unwrap();
    let event = ledger.submit(&change).await.unwrap();
    let latest = ledger.latest_block().await.unwrap().number;
    miner.abort();
    let _ = miner.await;
    assert!(
        latest >= event.block_number + 2,
        "latest {latest}, event in {}",
        event.block_number
    );
}

#[tokio::test]
async fn confirmations_that_never_come_time_out_as_unreachable() {
    let anvil = Anvil::start(CHAIN);
    let registry = anvil.deploy_registry().await;
    let ledger = EvmLedger::builder(anvil.url())
        .registry(registry)
        .payer(dev_key(1))
        .confirmations(2)
        .poll_interval(Duration::from_millis(20))
        .confirmation_timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap();
    let owner = key(0x35);
    let identity = Address::from_signing_key(&owner);
    let change = SignedChange::prepare(
        &ledger,
        &owner,
        identity,
        Operation::set_service("X", "https://x").unwrap(),
    )
    .await
    .unwrap();
    let err = ledger.submit(&change).await.unwrap_err();
    assert!(
        matches!(&err, LedgerError::Unreachable { reason, .. } if reason.contains("not confirmed")),
        "{err}"
    );
    // It was mined (anvil mines at once); only the second block is missing.
    assert_eq!(ledger.nonce(identity).await.unwrap(), 1);
}

#[tokio::test]
async fn a_chain_id_mismatch_is_refused_at_connect() {
    let anvil = Anvil::start(CHAIN);
    let registry = anvil.deploy_registry().await;
    let err = EvmLedger::builder(anvil.url())
        .registry(registry)
        .chain_id(1)
        .connect()
        .await
        .unwrap_err();
    match &err {
        LedgerError::Incompatible { reason, .. } => {
            assert!(
                reason.contains("chain 31337") && reason.contains("chain 1 is configured"),
                "{reason}"
            )
        }
        other => panic!("expected Incompatible, got {other}"),
    }
}

#[tokio::test]
async fn no_contract_at_the_registry_address_is_refused_at_connect() {
    let anvil = Anvil::start(CHAIN);
    let err = EvmLedger::builder(anvil.url())
        .registry(Address::new([0x42; 20]))
        .connect()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LedgerError::Incompatible { reason, .. } if reason.contains("no contract")),
        "{err}"
    );
}

#[tokio::test]
async fn a_closed_port_is_unreachable_after_the_retries() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let started = std::time::Instant::now();
    let err = EvmLedger::builder(&url)
        .retries(2)
        .backoff(Duration::from_millis(50))
        .connect()
        .await
        .unwrap_err();
    match &err {
        LedgerError::Unreachable { ledger, reason } => {
            assert_eq!(ledger, &url);
            assert!(
                reason.contains("eth_chainId") && reason.contains("3 attempts"),
                "{reason}"
            );
        }
        other => panic!("expected Unreachable, got {other}"),
    }
    // Two pauses: 50 ms and 100 ms.
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn bad_urls_are_invalid_input() {
    for url in ["ws://127.0.0.1:8545", "not a url"] {
        let err = EvmLedger::builder(url).connect().await.unwrap_err();
        assert!(matches!(err, LedgerError::InvalidInput { .. }), "{url}: {err}");
    }
}

/// A fake JSON-RPC node on loopback: answers each request with
/// `answer(method)` (a `result` value, or an HTTP status to fail with), and
/// counts requests.
struct FakeNode {
    url: String,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

enum Answer {
    Result(Value),
    Status(u16),
    Silence,
}

impl FakeNode {
    async fn start(answer: fn(&str) -> Answer) -> FakeNode {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    loop {
                        let Some(body) = read_request(&mut socket).await else {
                            return;
                        };
                        counter.fetch_add(1, Ordering::SeqCst);
                        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        let method = request["method"].as_str().unwrap_or("").to_owned();
                        let (status, body) = match answer(&method) {
                            Answer::Result(result) => (
                                200,
                                json!({ "jsonrpc": "2.0", "id": request["id"], "result": result }).to_string(),
                            ),
                            Answer::Status(status) => (status, "overloaded".to_owned()),
                            Answer::Silence => {
                                tokio::time::sleep(Duration::from_secs(3600)).await;
                                return;
                            }
                        };
                        let response = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FakeNode { url, requests, task }
    }
}

impl Drop for FakeNode {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one HTTP/1.1 request and returns its body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                let n = socket.read(&mut buffer).await.ok().filter(|&n| n > 0)?;
                data.extend_from_slice(&buffer[..n]);
            }
            return Some(data[end + 4..end + 4 + length].to_vec());
        }
        let n = socket.read(&mut buffer).await.ok().filter(|&n| n > 0)?;
        data.extend_from_slice(&buffer[..n]);
    }
}

fn healthy_connect(method: &str) -> Option<Answer> {
    match method {
        "eth_chainId" => Some(Answer::Result(json!("0x7a69"))),
        "eth_getCode" => Some(Answer::Result(json!("0x6080"))),
        _ => None,
    }
}

#[tokio::test]
async fn malformed_answers_are_reported_as_malformed() {
    let node = FakeNode::start(|method| {
        healthy_connect(method).unwrap_or_else(|| match method {
            // Three bytes where an ABI-encoded address (32) belongs.
            "eth_call" => Answer::Result(json!("0x010203")),
            // Not a block.
            _ => Answer::Result(json!({ "number": "not a number" })),
        })
    })
    .await;
    let ledger = EvmLedger::builder(&node.url).connect().await.unwrap();
    let err = ledger.identity_owner(Address::new([1; 20])).await.unwrap_err();
    assert!(
        matches!(&err, LedgerError::Malformed { reason, .. } if reason.contains("identityOwner")),
        "{err}"
    );
    let err = ledger.block(5).await.unwrap_err();
    assert!(
        matches!(&err, LedgerError::Malformed { reason, .. } if reason.contains("does not parse")),
        "{err}"
    );
}

#[tokio::test]
async fn http_errors_are_retried_then_unreachable() {
    let node = FakeNode::start(|method| healthy_connect(method).unwrap_or(Answer::Status(503))).await;
    let ledger = EvmLedger::builder(&node.url)
        .retries(3)
        .backoff(Duration::from_millis(10))
        .connect()
        .await
        .unwrap();
    let before = node.requests.load(Ordering::SeqCst);
    let err = ledger.changed(Address::new([1; 20])).await.unwrap_err();
    assert!(
        matches!(&err, LedgerError::Unreachable { reason, .. } if reason.contains("503") && reason.contains("4 attempts")),
        "{err}"
    );
    assert_eq!(node.requests.load(Ordering::SeqCst) - before, 4);
}

#[tokio::test]
async fn a_silent_node_times_out_as_unreachable() {
    let node = FakeNode::start(|method| healthy_connect(method).unwrap_or(Answer::Silence)).await;
    let ledger = EvmLedger::builder(&node.url)
        .timeout(Duration::from_millis(200))
        .retries(1)
        .backoff(Duration::from_millis(10))
        .connect()
        .await
        .unwrap();
    let err = ledger.nonce(Address::new([1; 20])).await.unwrap_err();
    assert!(
        matches!(&err, LedgerError::Unreachable { reason, .. } if reason.contains("nonce") && reason.contains("2 attempts")),
        "{err}"
    );
}

#[tokio::test]
async fn missing_blocks_are_not_found() {
    let (_anvil, ledger) = setup().await;
    let latest = ledger.latest_block().await.unwrap();
    assert!(latest.number >= 1);
    let err = ledger.block(latest.number + 1000).await.unwrap_err();
    assert!(matches!(err, LedgerError::NotFound { .. }), "{err}");
    assert!(
        ledger
            .events_in_block(Address::new([1; 20]), latest.number)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn did_ethr_resolves_through_the_evm_ledger() {
    let (_anvil, ledger) = setup().await;
    let ledger = Arc::new(ledger);
    let resolver = EthrResolver::builder().network("local", ledger.clone()).build();
    let owner = key(0x41);
    let identity = Address::from_signing_key(&owner);
    let delegate = Address::new([0xd4; 20]);
    let first = ledger
        .submit(
            &SignedChange::prepare(
                &*ledger,
                &owner,
                identity,
                Operation::set_service("LinkedDomains", "https://registrar.example.edu").unwrap(),
            )
            .await
            .unwrap(),
        )
        .await
        .unwrap();
    let second = ledger
        .submit(
            &SignedChange::prepare(
                &*ledger,
                &owner,
                identity,
                Operation::add_delegate("sigAuth", delegate, 86_400).unwrap(),
            )
            .await
            .unwrap(),
        )
        .await
        .unwrap();

    let did = EthrDid::from_address(Some("local"), identity).to_did().unwrap();
    let resolved = resolver.resolve(&did, &ResolutionOptions::default()).await.unwrap();
    let document = serde_json::to_value(&resolved.document).unwrap();
    assert_eq!(
        resolved.document.service[0].endpoint_uris(),
        ["https://registrar.example.edu"]
    );
    let methods = document["verificationMethod"].as_array().unwrap();
    let account = format!("eip155:{CHAIN}:{delegate}");
    assert!(
        methods.iter().any(|m| m["blockchainAccountId"] == account.as_str()),
        "{document:#}"
    );
    assert_eq!(
        resolved.document_metadata.version_id.as_deref(),
        Some(second.block_number.to_string().as_str())
    );
    // The DID by chain id resolves through the same ledger.
    let by_chain = EthrDid::from_address(Some("0x7a69"), identity).to_did().unwrap();
    assert!(resolver.resolve(&by_chain, &ResolutionOptions::default()).await.is_ok());

    // Historical resolution at the first change: no delegate yet.
    let options = ResolutionOptions {
        version_id: Some(first.block_number.to_string()),
        ..ResolutionOptions::default()
    };
    let then = resolver.resolve(&did, &options).await.unwrap();
    let then_doc = serde_json::to_value(&then.document).unwrap();
    assert!(
        !then_doc["verificationMethod"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["blockchainAccountId"] == account.as_str()),
        "{then_doc:#}"
    );
    assert_eq!(
        then.document_metadata.next_version_id.as_deref(),
        Some(second.block_number.to_string().as_str())
    );
}
