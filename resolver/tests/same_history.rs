//! Same history, same document: the same signed changes (owner change,
//! delegates `veriKey` and `sigAuth`, `did/pub/…` and `did/svc/…`
//! attributes, expiry through `validTo`, revocations, deactivation by an
//! owner change to the null address, and a change after it) applied to the
//! embedded SQLite ledger and to the EVM ledger on anvil resolve, through
//! did:ethr, to the same DID document at every step, latest and
//! historical.
//!
//! The two ledgers share the chain id (anvil runs with `--chain-id 1337`)
//! and the registry address (the embedded ledger is opened with the
//! deployed contract's address), so one signature is valid on both: each
//! step signs once and submits the very same [`SignedChange`] to both. Block
//! times are aligned too (`evm_setNextBlockTimestamp` on anvil, a
//! [`ManualClock`] for the embedded ledger); block numbers differ by a
//! constant (anvil's block 1 holds the contract deployment), which the
//! metadata comparison allows for.
//!
//! Needs anvil and the registry artifact: `scripts/test-tools.sh`.
#![cfg(feature = "evm")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use k256::ecdsa::SigningKey;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xinlian_did_core::{Did, Resolution, ResolutionOptions, Resolver};
use xinlian_resolver::ethr::{EthrDid, EthrResolver};
use xinlian_resolver::ledger::{
    Address, EmbeddedLedger, EvmLedger, Ledger, LedgerEvent, ManualClock, Operation, SignedChange,
};

use support::{Anvil, dev_key, key};

const CHAIN: u64 = 1337;
const DAY: u64 = 86_400;

/// Both ledgers, each behind its own resolver, with shared clocks.
struct Pair {
    anvil: Anvil,
    embedded: Arc<EmbeddedLedger>,
    evm: Arc<EvmLedger>,
    ledger_clock: Arc<ManualClock>,
    resolver_clock: Arc<ManualClock>,
    embedded_resolver: EthrResolver,
    evm_resolver: EthrResolver,
    /// EVM block number minus embedded block number, fixed at the first
    /// change.
    offset: Option<u64>,
    _dir: tempfile::TempDir,
}

/// One applied step: what, and the two events.
struct Step {
    label: String,
    embedded: LedgerEvent,
    evm: LedgerEvent,
}

impl Pair {
    async fn new() -> Pair {
        let anvil = Anvil::start(CHAIN);
        let registry = anvil.deploy_registry().await;
        let evm = EvmLedger::builder(anvil.url())
            .registry(registry)
            .chain_id(CHAIN)
            .payer(dev_key(1))
            .poll_interval(Duration::from_millis(20))
            .connect()
            .await
            .unwrap();
        let start = evm.latest_block().await.unwrap().timestamp;
        let ledger_clock = Arc::new(ManualClock::new(start));
        let dir = tempfile::tempdir().unwrap();
        let embedded = EmbeddedLedger::builder(dir.path().join("ledger.sqlite"))
            .chain_id(CHAIN)
            .registry(registry)
            .clock(ledger_clock.clone())
            .open()
            .unwrap();
        assert_eq!(embedded.chain_id(), evm.chain_id());
        assert_eq!(embedded.registry(), evm.registry());
        let (embedded, evm) = (Arc::new(embedded), Arc::new(evm));
        let resolver_clock = Arc::new(ManualClock::new(start));
        let resolver = |ledger: Arc<dyn Ledger>| {
            EthrResolver::builder()
                .network("local", ledger)
                .clock(resolver_clock.clone())
                .build()
        };
        Pair {
            embedded_resolver: resolver(embedded.clone()),
            evm_resolver: resolver(evm.clone()),
            anvil,
            embedded,
            evm,
            ledger_clock,
            resolver_clock,
            offset: None,
            _dir: dir,
        }
    }

    /// Signs `operation` once with `signer` and submits the same change to
    /// both ledgers in a block at `time`; checks both ledgers agree on the
    /// event, the owner, the nonce and `changed`.
    async fn apply(&mut self, label: &str, time: u64, signer: &SigningKey, identity: Address, op: Operation) -> Step {
        let signer_address = Address::from_signing_key(signer);
        let nonce = self.embedded.nonce(signer_address).await.unwrap();
        assert_eq!(
            self.evm.nonce(signer_address).await.unwrap(),
            nonce,
            "{label}: nonce before"
        );
        let change = SignedChange::prepare(&*self.embedded, signer, identity, op)
            .await
            .unwrap();

        self.ledger_clock.set(time);
        self.anvil.set_next_block_timestamp(time).await;
        let embedded = self.embedded.submit(&change).await.unwrap();
        let evm = self.evm.submit(&change).await.unwrap();

        assert_eq!(embedded.event, evm.event, "{label}: event");
        assert_eq!(embedded.identity, evm.identity, "{label}: identity");
        assert_eq!((embedded.timestamp, evm.timestamp), (time, time), "{label}: block time");
        let offset = *self.offset.get_or_insert(evm.block_number - embedded.block_number);
        assert_eq!(evm.block_number, embedded.block_number + offset, "{label}: block");
        assert_eq!(
            evm.previous_change,
            if embedded.previous_change == 0 {
                0
            } else {
                embedded.previous_change + offset
            },
            "{label}: previousChange"
        );
        let owner = self.embedded.identity_owner(identity).await.unwrap();
        assert_eq!(
            self.evm.identity_owner(identity).await.unwrap(),
            owner,
            "{label}: owner"
        );
        assert_eq!(
            self.evm.changed(identity).await.unwrap(),
            self.embedded.changed(identity).await.unwrap() + offset,
            "{label}: changed"
        );
        assert_eq!(
            self.embedded.nonce(signer_address).await.unwrap(),
            nonce + 1,
            "{label}: nonce after"
        );
        assert_eq!(
            self.evm.nonce(signer_address).await.unwrap(),
            nonce + 1,
            "{label}: nonce after"
        );
        Step {
            label: label.to_owned(),
            embedded,
            evm,
        }
    }

    fn shift(&self, block: &str) -> String {
        (block.parse::<u64>().unwrap() + self.offset.unwrap_or(0)).to_string()
    }

    /// Resolves `did` on both ledgers (with `versionId` shifted for the EVM
    /// ledger) and checks the documents are the same JSON and the metadata
    /// agrees. Returns the embedded side's resolution.
    async fn compare(&self, label: &str, did: &Did, options: ResolutionOptions) -> (Resolution, Value) {
        let mut evm_options = options.clone();
        evm_options.version_id = options.version_id.as_deref().map(|v| self.shift(v));
        let embedded = self.embedded_resolver.resolve(did, &options).await.unwrap();
        let evm = self.evm_resolver.resolve(did, &evm_options).await.unwrap();
        let embedded_json = serde_json::to_value(&embedded.document).unwrap();
        let evm_json = serde_json::to_value(&evm.document).unwrap();
        assert_eq!(
            embedded_json, evm_json,
            "{label}: documents differ\nembedded: {embedded_json:#}\nevm: {evm_json:#}"
        );
        let (m, n) = (&embedded.document_metadata, &evm.document_metadata);
        assert_eq!(m.deactivated, n.deactivated, "{label}: deactivated");
        assert_eq!(m.updated, n.updated, "{label}: updated");
        assert_eq!(m.next_update, n.next_update, "{label}: nextUpdate");
        assert_eq!(
            m.version_id.as_deref().map(|v| self.shift(v)),
            n.version_id,
            "{label}: versionId"
        );
        assert_eq!(
            m.next_version_id.as_deref().map(|v| self.shift(v)),
            n.next_version_id,
            "{label}: nextVersionId"
        );
        assert_eq!(
            embedded.resolution_metadata.content_type, evm.resolution_metadata.content_type,
            "{label}: contentType"
        );
        (embedded, embedded_json)
    }
}

fn accounts(document: &Value) -> Vec<String> {
    document["verificationMethod"]
        .as_array()
        .map(|methods| {
            methods
                .iter()
                .filter_map(|m| m["blockchainAccountId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn services(document: &Value) -> Vec<String> {
    document["service"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["type"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn iso(timestamp: u64) -> String {
    OffsetDateTime::from_unix_timestamp(timestamp as i64)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

fn account(address: Address) -> String {
    format!("eip155:{CHAIN}:{address}")
}

#[tokio::test]
async fn same_history_same_document() {
    let mut pair = Pair::new().await;
    let owner = key(0x51);
    let identity = Address::from_signing_key(&owner);
    let new_owner = key(0x52);
    let new_owner_address = Address::from_signing_key(&new_owner);
    let veri_key = Address::new([0xd1; 20]);
    let sig_auth = Address::new([0xd2; 20]);
    let secp_key = k256::PublicKey::from(key(0x53).verifying_key());
    let secp_bytes = secp_key.to_sec1_bytes().to_vec();
    // Both DID forms: by address, and by public key (adds #controllerKey).
    let did = EthrDid::from_address(Some("local"), identity).to_did().unwrap();
    let key_did = EthrDid::from_public_key(Some("local"), &k256::PublicKey::from(owner.verifying_key()))
        .to_did()
        .unwrap();
    let messaging = json!({ "uri": "https://messaging.example.edu", "accept": ["didcomm/v2"] }).to_string();

    let t0 = pair.evm.latest_block().await.unwrap().timestamp + 100;
    let at = |i: u64| t0 + 10 * i;
    let o = &owner;
    let n = &new_owner;
    type Plan<'a> = (&'a str, &'a SigningKey, Operation);
    let plan: Vec<Plan<'_>> = vec![
        (
            "add veriKey delegate",
            o,
            Operation::add_delegate("veriKey", veri_key, DAY).unwrap(),
        ),
        // Valid for 24 s: expired when resolved two steps later (steps are
        // 10 s apart, resolved 5 s after their block).
        (
            "add sigAuth delegate, short",
            o,
            Operation::add_delegate("sigAuth", sig_auth, 24).unwrap(),
        ),
        (
            "set did/pub Secp256k1 veriKey",
            o,
            Operation::set_attribute("did/pub/Secp256k1/veriKey/hex", secp_bytes.clone(), DAY).unwrap(),
        ),
        (
            "set did/pub X25519 enc",
            o,
            Operation::set_attribute("did/pub/X25519/enc/base64", vec![9u8; 32], DAY).unwrap(),
        ),
        (
            "set did/svc LinkedDomains",
            o,
            Operation::set_service("LinkedDomains", "https://registrar.example.edu").unwrap(),
        ),
        (
            "set did/svc Hub, short",
            o,
            // Valid for 14 s: expired when resolved after the next step.
            Operation::set_attribute("did/svc/Hub", b"https://hub.example.edu".to_vec(), 14).unwrap(),
        ),
        (
            "revoke veriKey delegate",
            o,
            Operation::revoke_delegate("veriKey", veri_key).unwrap(),
        ),
        (
            "revoke did/svc LinkedDomains",
            o,
            Operation::revoke_attribute("did/svc/LinkedDomains", b"https://registrar.example.edu".to_vec()).unwrap(),
        ),
        (
            "change owner",
            o,
            Operation::ChangeOwner {
                new_owner: new_owner_address,
            },
        ),
        (
            "new owner adds veriKey delegate",
            n,
            Operation::add_delegate("veriKey", veri_key, DAY).unwrap(),
        ),
        (
            "new owner sets did/svc Messaging (JSON)",
            n,
            Operation::set_attribute("did/svc/Messaging", messaging.as_bytes().to_vec(), DAY).unwrap(),
        ),
        (
            "deactivate: owner to 0x0",
            n,
            Operation::ChangeOwner {
                new_owner: Address::ZERO,
            },
        ),
        // The contract still accepts changes from the identity's own key
        // after deactivation (identityOwner is the identity again); the
        // document stays deactivated on both.
        (
            "change after deactivation",
            o,
            Operation::set_service("LinkedDomains", "https://after.example").unwrap(),
        ),
    ];

    let mut steps = Vec::new();
    let mut latest = Vec::new();
    for (i, (label, signer, op)) in plan.into_iter().enumerate() {
        let time = at(i as u64 + 1);
        steps.push(pair.apply(label, time, signer, identity, op).await);
        // Resolve between this block and the next.
        pair.resolver_clock.set(time + 5);
        let (resolution, document) = pair.compare(label, &did, ResolutionOptions::default()).await;
        pair.compare(
            &format!("{label} (public-key DID)"),
            &key_did,
            ResolutionOptions::default(),
        )
        .await;
        latest.push((resolution, document));
    }
    assert_eq!(pair.embedded.history(identity).await.unwrap().len(), steps.len());
    assert_eq!(pair.evm.history(identity).await.unwrap().len(), steps.len());

    // The sequence does what it says (on both ledgers, as they agree).
    let doc = |i: usize| &latest[i].1;
    assert!(accounts(doc(0)).contains(&account(veri_key)));
    assert!(accounts(doc(1)).contains(&account(sig_auth)));
    assert!(
        !accounts(doc(3)).contains(&account(sig_auth)),
        "sigAuth delegate expired"
    );
    assert!(services(doc(5)).contains(&"Hub".to_owned()));
    assert!(!services(doc(6)).contains(&"Hub".to_owned()), "Hub service expired");
    assert!(
        !accounts(doc(6)).contains(&account(veri_key)),
        "veriKey delegate revoked"
    );
    assert!(services(doc(6)).contains(&"LinkedDomains".to_owned()));
    assert!(
        !services(doc(7)).contains(&"LinkedDomains".to_owned()),
        "service revoked"
    );
    assert!(
        accounts(doc(8)).contains(&account(new_owner_address)),
        "new owner is #controller"
    );
    assert!(services(doc(10)).contains(&"Messaging".to_owned()));
    assert_eq!(latest[11].0.document_metadata.deactivated, Some(true));
    assert!(accounts(doc(11)).is_empty());
    assert_eq!(latest[12].0.document_metadata.deactivated, Some(true));
    assert_eq!(doc(12), doc(11), "changes after deactivation are ignored");

    // Historical resolution at every step, by block and by time, against
    // the resolver's clock far in the future (historical resolution uses
    // the block's own time).
    pair.resolver_clock.set(at(100));
    for (i, step) in steps.iter().enumerate() {
        let by_block = ResolutionOptions {
            version_id: Some(step.embedded.block_number.to_string()),
            ..ResolutionOptions::default()
        };
        let (resolution, _) = pair
            .compare(&format!("{} at versionId", step.label), &did, by_block)
            .await;
        // Resolution stops at the deactivation (step 12), as the reference
        // resolver's does: later changes are not versions.
        let version = steps[i.min(11)].embedded.block_number;
        assert_eq!(resolution.document_metadata.version_id, Some(version.to_string()));
        assert_eq!(step.evm.block_number, step.embedded.block_number + pair.offset.unwrap());
        let by_time = ResolutionOptions {
            version_time: Some(iso(at(i as u64 + 1) + 5)),
            ..ResolutionOptions::default()
        };
        let (resolution, document) = pair
            .compare(&format!("{} at versionTime", step.label), &did, by_time)
            .await;
        // At its own time, a step's historical document is the one that
        // was latest then.
        assert_eq!(document, latest[i].1, "{}: versionTime vs latest then", step.label);
        assert_eq!(
            resolution.document_metadata.version_id,
            latest[i].0.document_metadata.version_id
        );
    }
}
