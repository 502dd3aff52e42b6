//! Building a did:ethr document from an identity's ERC-1056 history, as
//! the did:ethr method spec and the reference resolver
//! (`ethr-did-resolver`) do.
//!
//! - `#controller`: an `EcdsaSecp256k1RecoveryMethod2020` with the owner's
//!   CAIP-10 account `eip155:<chainId>:<EIP-55 address>`; for a public-key
//!   DID whose owner is still its own address, also `#controllerKey` (an
//!   `EcdsaSecp256k1VerificationKey2019` JWK). Both are in
//!   `authentication` and `assertionMethod`.
//! - Delegates (`DIDDelegateChanged`): `veriKey` → a recovery method in
//!   `verificationMethod` and `assertionMethod`; `sigAuth` → also in
//!   `authentication`.
//! - Attributes (`DIDAttributeChanged`) named
//!   `did/pub/<algorithm>/<purpose>[/<encoding>]` → a verification method
//!   (`veriKey` → `assertionMethod`, `sigAuth` → also `authentication`,
//!   `enc` → `keyAgreement`); `did/svc/<type>` → a service whose endpoint
//!   is the value as UTF-8 (parsed as JSON if it is JSON).
//! - Ids: `#delegate-N` where N counts every delegate event and every
//!   `did/pub/` attribute event so far (additions, revocations and expired
//!   ones alike), `#service-N` likewise for `did/svc/` events. An entry is
//!   keyed by (event, type or name, delegate or value): a later event with
//!   the same key replaces it in place or, once expired or revoked, removes
//!   it.
//! - An entry counts while `validTo >= now`, `now` being the resolution
//!   time (the block time of `versionId` for historical resolution). A
//!   delegate revocation sets `validTo` to its block time, so, as with the
//!   reference resolver, it takes effect from the next second.
//! - An owner change to the null address deactivates the DID: processing
//!   stops (later events, which the contract still accepts from the
//!   identity's own key, are ignored), and the document keeps only its `id`
//!   with the `@context` `https://www.w3.org/ns/did/v1`, as the spec's
//!   example shows.
//!
//! Deviation from the reference resolver, for robustness: an attribute
//! whose value is not a valid key for its algorithm (a `Secp256k1` value
//! that is not a curve point) is skipped (its number is still used up)
//! instead of failing the whole resolution.

use std::collections::HashMap;

use base64::Engine;
use serde_json::{Map, Value, json};
use xinlian_did_core::document::OneOrMany;
use xinlian_did_core::{Did, Document, KeyType, PublicKey, Service, VerificationMethod, VerificationReference};

use super::did::EthrDid;
use crate::ledger::{Bytes32, Erc1056Event, LedgerEvent};

/// JSON-LD contexts the reference resolver writes.
const DID_V1: &str = "https://www.w3.org/ns/did/v1";
const SECP256K1_RECOVERY_2020: &str = "https://w3id.org/security/suites/secp256k1recovery-2020/v2";
const SECURITY_V2: &str = "https://w3id.org/security/v2";
const ED25519_2020: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
const X25519_2020: &str = "https://w3id.org/security/suites/x25519-2020/v1";
const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";

const RECOVERY_2020: &str = "EcdsaSecp256k1RecoveryMethod2020";
const SECP256K1_2019: &str = "EcdsaSecp256k1VerificationKey2019";
const ED25519_VK_2020: &str = "Ed25519VerificationKey2020";
const X25519_KA_2020: &str = "X25519KeyAgreementKey2020";
const RSA_2018: &str = "RsaVerificationKey2018";
const MULTIKEY: &str = "Multikey";

/// The result of replaying a history.
#[derive(Debug)]
pub(crate) struct Built {
    pub document: Document,
    pub deactivated: bool,
    /// Block number and timestamp of the latest event taken into account.
    pub version: Option<(u64, u64)>,
    /// Block number and timestamp of the first event left out.
    pub next_version: Option<(u64, u64)>,
}

/// Which events a resolution takes into account.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cut {
    /// All of them.
    Latest,
    /// Events in blocks up to and including this one (`versionId`).
    Block(u64),
    /// Events with a block time up to and including this one (`versionTime`).
    Time(u64),
}

impl Cut {
    fn includes(self, event: &LedgerEvent) -> bool {
        match self {
            Cut::Latest => true,
            Cut::Block(n) => event.block_number <= n,
            Cut::Time(t) => event.timestamp <= t,
        }
    }
}

/// An insertion-ordered map with JavaScript object semantics: setting an
/// existing key keeps its position, a removed key that comes back goes to
/// the end.
struct Entries<V> {
    slots: Vec<Option<V>>,
    index: HashMap<Vec<u8>, usize>,
}

impl<V> Entries<V> {
    fn new() -> Self {
        Entries {
            slots: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn set(&mut self, key: &[u8], value: V) {
        match self.index.get(key) {
            Some(&i) => self.slots[i] = Some(value),
            None => {
                self.index.insert(key.to_vec(), self.slots.len());
                self.slots.push(Some(value));
            }
        }
    }

    fn remove(&mut self, key: &[u8]) {
        if let Some(i) = self.index.remove(key) {
            self.slots[i] = None;
        }
    }

    fn into_values(self) -> impl Iterator<Item = V> {
        self.slots.into_iter().flatten()
    }
}

fn event_key(kind: u8, name: &Bytes32, data: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + 32 + data.len());
    key.push(kind);
    key.extend_from_slice(name.as_bytes());
    key.extend_from_slice(data);
    key
}

/// `did/(pub|svc)/<algorithm>[/<purpose>[/<encoding>]]`, each part `\w+`.
struct AttributeName<'a> {
    section: &'a str,
    algorithm: &'a str,
    purpose: Option<&'a str>,
    encoding: Option<&'a str>,
}

fn parse_attribute_name(name: &str) -> Option<AttributeName<'_>> {
    let rest = name.strip_prefix("did/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !parts.iter().all(|p| word(p)) || !matches!(parts[0], "pub" | "svc") {
        return None;
    }
    Some(AttributeName {
        section: parts[0],
        algorithm: parts[1],
        purpose: parts.get(2).copied(),
        encoding: parts.get(3).copied(),
    })
}

fn method(id: String, type_: &str, controller: &Did) -> VerificationMethod {
    VerificationMethod {
        id,
        type_: type_.to_owned(),
        controller: controller.clone(),
        public_key_multibase: None,
        public_key_jwk: None,
        public_key_base58: None,
        public_key_hex: None,
        blockchain_account_id: None,
        extra: Map::new(),
    }
}

fn multibase_base58(prefix: &[u8], raw: &[u8]) -> String {
    multibase::encode(multibase::Base::Base58Btc, [prefix, raw].concat())
}

fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----");
    out
}

/// The verification method of a `did/pub/…` attribute, or `None` if the
/// value is not a key of that algorithm.
fn key_method(id: String, did: &Did, attribute: &AttributeName<'_>, value: &[u8]) -> Option<VerificationMethod> {
    let vm_type = match attribute.algorithm {
        "Secp256k1" => SECP256K1_2019,
        "Ed25519" => ED25519_VK_2020,
        "X25519" => X25519_KA_2020,
        "RSA" => RSA_2018,
        "Multikey" => MULTIKEY,
        other => other,
    };
    let mut vm = method(id, vm_type, did);
    match vm_type {
        SECP256K1_2019 => {
            vm.public_key_jwk = Some(PublicKey::from_bytes(KeyType::Secp256k1, value).ok()?.to_jwk());
        }
        ED25519_VK_2020 => vm.public_key_multibase = Some(multibase_base58(&[0xed, 0x01], value)),
        X25519_KA_2020 => vm.public_key_multibase = Some(multibase_base58(&[0xec, 0x01], value)),
        MULTIKEY => vm.public_key_multibase = Some(multibase_base58(&[], value)),
        RSA_2018 => {
            vm.extra.insert("publicKeyPem".into(), Value::String(pem(value)));
        }
        // Unknown algorithms: the type verbatim, the encoding hint honoured.
        _ => match attribute.encoding {
            None | Some("hex") => vm.public_key_hex = Some(hex::encode(value)),
            Some("base64") => {
                let b64 = base64::engine::general_purpose::STANDARD.encode(value);
                vm.extra.insert("publicKeyBase64".into(), Value::String(b64));
            }
            Some("base58") => {
                vm.public_key_base58 = Some(multibase::Base::Base58Btc.encode(value));
            }
            Some(_) => {
                vm.extra.insert("value".into(), Value::String(hex::encode(value)));
            }
        },
    }
    Some(vm)
}

/// Replays `history` (oldest first) into the document of `did`.
///
/// `now` is the time `validTo` values are compared with; `json_ld` asks
/// for the `@context` the reference resolver writes.
pub(crate) fn build(
    did: &Did,
    ethr: &EthrDid,
    chain_id: u64,
    history: &[LedgerEvent],
    cut: Cut,
    now: u64,
    json_ld: bool,
) -> Built {
    let mut controller = ethr.identity;
    let mut version = None;
    let mut next_version: Option<(u64, u64)> = None;
    let mut deactivated = false;
    let mut delegate_count = 0u64;
    let mut service_count = 0u64;
    let mut auth: Entries<String> = Entries::new();
    let mut signing: Entries<String> = Entries::new();
    let mut key_agreement: Entries<String> = Entries::new();
    let mut keys: Entries<VerificationMethod> = Entries::new();
    let mut services: Entries<Service> = Entries::new();
    let delegate_id = |n: u64| format!("{did}#delegate-{n}");

    for event in history {
        if !cut.includes(event) {
            if next_version.is_none_or(|(b, _)| event.block_number < b) {
                next_version = Some((event.block_number, event.timestamp));
            }
            continue;
        }
        if version.is_none_or(|(b, _)| b < event.block_number) {
            version = Some((event.block_number, event.timestamp));
        }
        match &event.event {
            Erc1056Event::DidOwnerChanged { owner } => {
                controller = *owner;
                if owner.is_zero() {
                    deactivated = true;
                    break;
                }
            }
            Erc1056Event::DidDelegateChanged {
                delegate_type,
                delegate,
                valid_to,
            } => {
                let key = event_key(1, delegate_type, delegate.as_bytes());
                delegate_count += 1;
                if *valid_to >= now {
                    let id = delegate_id(delegate_count);
                    let kind = delegate_type.to_text();
                    if matches!(kind, Some("sigAuth" | "veriKey")) {
                        if kind == Some("sigAuth") {
                            auth.set(&key, id.clone());
                        }
                        let mut vm = method(id.clone(), RECOVERY_2020, did);
                        vm.blockchain_account_id = Some(format!("eip155:{chain_id}:{}", delegate.to_checksum()));
                        keys.set(&key, vm);
                        signing.set(&key, id);
                    }
                } else {
                    auth.remove(&key);
                    signing.remove(&key);
                    keys.remove(&key);
                }
            }
            Erc1056Event::DidAttributeChanged { name, value, valid_to } => {
                let Some(text) = name.to_text() else { continue };
                if text.starts_with("did/pub/") {
                    delegate_count += 1;
                } else if text.starts_with("did/svc/") {
                    service_count += 1;
                }
                let Some(attribute) = parse_attribute_name(text) else {
                    continue;
                };
                let key = event_key(2, name, value);
                match attribute.section {
                    "pub" if *valid_to >= now => {
                        let Some(vm) = key_method(delegate_id(delegate_count), did, &attribute, value) else {
                            tracing::warn!(%did, attribute = text, "skipping an attribute whose value is not a key");
                            continue;
                        };
                        let id = vm.id.clone();
                        keys.set(&key, vm);
                        match attribute.purpose {
                            Some("sigAuth") => {
                                auth.set(&key, id.clone());
                                signing.set(&key, id);
                            }
                            Some("enc") => key_agreement.set(&key, id),
                            _ => signing.set(&key, id),
                        }
                    }
                    "pub" => {
                        keys.remove(&key);
                        auth.remove(&key);
                        signing.remove(&key);
                        key_agreement.remove(&key);
                    }
                    _ => {
                        let Ok(endpoint) = std::str::from_utf8(value) else {
                            continue;
                        };
                        if *valid_to >= now {
                            let endpoint =
                                serde_json::from_str(endpoint).unwrap_or_else(|_| Value::String(endpoint.to_owned()));
                            services.set(
                                &key,
                                Service {
                                    id: format!("{did}#service-{service_count}"),
                                    type_: OneOrMany::One(attribute.algorithm.to_owned()),
                                    service_endpoint: endpoint,
                                    extra: Map::new(),
                                },
                            );
                        } else {
                            services.remove(&key);
                        }
                    }
                }
            }
        }
    }

    let mut document = Document::new(did.clone());
    if deactivated {
        document.context = json_ld.then(|| Value::String(DID_V1.into()));
        return Built {
            document,
            deactivated,
            version,
            next_version,
        };
    }

    let controller_id = format!("{did}#controller");
    let mut vm = method(controller_id.clone(), RECOVERY_2020, did);
    vm.blockchain_account_id = Some(format!("eip155:{chain_id}:{}", controller.to_checksum()));
    document.verification_method.push(vm);
    let mut controller_refs = vec![controller_id];
    if let Some(compressed) = &ethr.public_key
        && controller == ethr.identity
        && let Ok(key) = PublicKey::from_bytes(KeyType::Secp256k1, compressed)
    {
        let id = format!("{did}#controllerKey");
        let mut vm = method(id.clone(), SECP256K1_2019, did);
        vm.public_key_jwk = Some(key.to_jwk());
        document.verification_method.push(vm);
        controller_refs.push(id);
    }
    let refs = |ids: Vec<String>| ids.into_iter().map(VerificationReference::Reference);
    document.verification_method.extend(keys.into_values());
    document.authentication = refs(controller_refs.clone())
        .chain(refs(auth.into_values().collect()))
        .collect();
    document.assertion_method = refs(controller_refs)
        .chain(refs(signing.into_values().collect()))
        .collect();
    document.key_agreement = refs(key_agreement.into_values().collect()).collect();
    document.service = services.into_values().collect();
    document.context = json_ld.then(|| ld_context(&document.verification_method));
    Built {
        document,
        deactivated,
        version,
        next_version,
    }
}

/// The `@context` for the methods present, as the reference resolver
/// builds it.
fn ld_context(methods: &[VerificationMethod]) -> Value {
    let mut contexts = vec![json!(DID_V1), json!(SECP256K1_RECOVERY_2020)];
    let has_type = |t: &str| methods.iter().any(|vm| vm.type_ == t);
    let has_extra = |p: &str| methods.iter().any(|vm| vm.extra.contains_key(p));
    let has_hex = methods.iter().any(|vm| vm.public_key_hex.is_some());
    let has_jwk = methods.iter().any(|vm| vm.public_key_jwk.is_some());
    let has_base58 = methods.iter().any(|vm| vm.public_key_base58.is_some());
    let has_pem = has_extra("publicKeyPem");
    let security_v2 = has_type(SECP256K1_2019) || has_type(RSA_2018) || has_base58 || has_pem;
    if security_v2 {
        contexts.push(json!(SECURITY_V2));
    }
    if has_type(ED25519_VK_2020) {
        contexts.push(json!(ED25519_2020));
    }
    if has_type(X25519_KA_2020) {
        contexts.push(json!(X25519_2020));
    }
    if has_type(MULTIKEY) {
        contexts.push(json!(MULTIKEY_V1));
    }
    let mut inline = Map::new();
    if has_hex {
        inline.insert("publicKeyHex".into(), json!("https://w3id.org/security#publicKeyHex"));
    }
    if has_jwk {
        inline.insert(
            "publicKeyJwk".into(),
            json!({"@id": "https://w3id.org/security#publicKeyJwk", "@type": "@json"}),
        );
    }
    if has_base58 && !security_v2 {
        inline.insert(
            "publicKeyBase58".into(),
            json!("https://w3id.org/security#publicKeyBase58"),
        );
    }
    if has_pem && !security_v2 {
        inline.insert("publicKeyPem".into(), json!("https://w3id.org/security#publicKeyPem"));
    }
    if has_extra("publicKeyBase64") {
        inline.insert(
            "publicKeyBase64".into(),
            json!("https://w3id.org/security#publicKeyBase64"),
        );
    }
    if !inline.is_empty() {
        contexts.push(Value::Object(inline));
    }
    Value::Array(contexts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_names_follow_the_reference_regex() {
        let a = parse_attribute_name("did/pub/Ed25519/veriKey/base58").unwrap();
        assert_eq!(
            (a.section, a.algorithm, a.purpose, a.encoding),
            ("pub", "Ed25519", Some("veriKey"), Some("base58"))
        );
        let a = parse_attribute_name("did/svc/HubService").unwrap();
        assert_eq!((a.section, a.algorithm, a.purpose), ("svc", "HubService", None));
        for bad in [
            "did/pub/",
            "did/key/X",
            "did/pub/a/b/c/d",
            "did/pub/a-b",
            "did/svc/Hub/",
            "xdid/pub/a",
        ] {
            assert!(parse_attribute_name(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn entries_behave_like_javascript_objects() {
        let mut e = Entries::new();
        e.set(b"a", 1);
        e.set(b"b", 2);
        e.set(b"a", 3);
        assert_eq!(e.slots.iter().flatten().copied().collect::<Vec<_>>(), [3, 2]);
        e.remove(b"a");
        e.set(b"a", 4);
        assert_eq!(e.into_values().collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn pem_wraps_at_64_columns() {
        let p = pem(&[0u8; 60]);
        let lines: Vec<&str> = p.lines().collect();
        assert_eq!(lines[0], "-----BEGIN PUBLIC KEY-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 16);
        assert_eq!(lines[3], "-----END PUBLIC KEY-----");
    }
}
