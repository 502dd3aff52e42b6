//! The institution: creating its DID, loading its signer, and the resolver
//! the registrar uses.

use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xinlian_did_core::document::MULTIKEY_CONTEXT_V1;
use xinlian_did_core::method::{jwk as did_jwk, key as did_key};
use xinlian_did_core::{
    Did, Document, DocumentMetadata, KeyType, PublicKey, Relationship, Resolution, ResolutionOptions, Resolver,
    SecretKey, VerificationMethod,
};
use xinlian_resolver::EvmLedger;
use xinlian_resolver::MethodRegistry;
use xinlian_resolver::ethr::{EthrDid, EthrResolver};
use xinlian_resolver::ledger::{Address, EmbeddedLedger, Ledger, Operation, SignedChange};
use xinlian_resolver::web::WebResolver;
use xinlian_vc::{KeySigner, Signer};

use crate::cli::{InitArgs, KeyTypeArg, MethodArg};
use crate::error::{CliError, Result};
use crate::home::{Home, LedgerProfile, Profile};
use crate::keystore;

/// Chain id of the embedded ledger (the conventional local-development id).
pub const EMBEDDED_CHAIN_ID: u64 = 1337;
/// did:ethr network name of the embedded ledger: its chain id in hex.
pub const EMBEDDED_NETWORK: &str = "0x539";
/// How long a did:ethr signing-key attribute is valid: 100 years.
const KEY_VALIDITY_SECONDS: u64 = 100 * 365 * 24 * 3600;
/// Where `registrar serve` listens by default, and so where status lists
/// are published unless `--public-url` says otherwise.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8787";

/// A loaded institution.
pub struct Institution {
    /// Its home directory.
    pub home: Home,
    /// Its profile.
    pub profile: Profile,
}

fn key_type(arg: KeyTypeArg) -> KeyType {
    match arg {
        KeyTypeArg::Ed25519 => KeyType::Ed25519,
        KeyTypeArg::P256 => KeyType::P256,
        KeyTypeArg::Secp256k1 => KeyType::Secp256k1,
    }
}

/// The did:ethr attribute name that publishes a signing key.
fn key_attribute(key: &PublicKey) -> Result<String> {
    let alg = match key.key_type() {
        KeyType::Ed25519 => "Ed25519",
        KeyType::Secp256k1 => "Secp256k1",
        other => {
            return Err(CliError::Input(format!(
                "did:ethr cannot publish {other} keys (the method defines Ed25519 and secp256k1); use --method key or web"
            )));
        }
    };
    Ok(format!("did/pub/{alg}/veriKey/hex"))
}

fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl Institution {
    /// Loads the institution in `home`.
    pub fn load(home: Home) -> Result<Institution> {
        let profile = home.profile()?;
        Ok(Institution { home, profile })
    }

    /// `registrar init`.
    ///
    /// Nothing is left behind when it fails: a second attempt (with the
    /// mistake corrected) starts from the same state.
    pub async fn create(home: Home, args: &InitArgs) -> Result<Institution> {
        let root_existed = home.root().exists();
        let written = [
            home.signing_key_path(1),
            home.owner_key_path(),
            home.status_key_path(),
            home.ledger_path(),
            home.root().join("ledger.sqlite-wal"),
            home.root().join("ledger.sqlite-shm"),
            home.did_web_document_path(),
        ];
        let existed: Vec<bool> = written.iter().map(|p| p.exists()).collect();
        let created = Self::create_files(home.clone(), args).await;
        if created.is_err() && !home.is_initialized() {
            if root_existed {
                for (path, existed) in written.iter().zip(existed) {
                    if !existed {
                        let _ = std::fs::remove_file(path);
                    }
                }
            } else {
                let _ = std::fs::remove_dir_all(home.root());
            }
        }
        created
    }

    async fn create_files(home: Home, args: &InitArgs) -> Result<Institution> {
        if args.rpc_url.is_some() && args.method != MethodArg::Ethr {
            return Err(CliError::Input(
                "--rpc-url anchors a did:ethr DID; use it with --method ethr".into(),
            ));
        }
        let kt = key_type(args.key_type);
        if kt == KeyType::Secp256k1 && matches!(args.method, MethodArg::Key | MethodArg::Jwk) {
            return Err(CliError::Input(format!(
                "--key-type secp256k1 needs --method ethr or web: its status lists are signed by a second \
                 (Ed25519) key of the institution's DID, and a did:{} DID has only one key",
                if args.method == MethodArg::Key { "key" } else { "jwk" }
            )));
        }
        if args.method == MethodArg::Ethr {
            // Check before anything is written.
            key_attribute(&SecretKey::generate(kt)?.public_key())?;
        }
        home.create()?;
        let passphrase = if args.encrypt {
            Some(home.new_passphrase(&format!(
                "New passphrase for the key files (at least {} characters): ",
                crate::home::MIN_PASSPHRASE_CHARS
            ))?)
        } else {
            None
        };
        let pass = passphrase.as_ref().map(|p| p.as_str());
        let signing = SecretKey::generate(kt)?;
        keystore::save(&home.signing_key_path(1), &signing, pass)?;
        let public_url = args.public_url.clone().unwrap_or_else(|| match &args.web_domain {
            Some(d) if args.method == MethodArg::Web => format!("https://{d}"),
            _ => DEFAULT_PUBLIC_URL.to_owned(),
        });
        let mut profile = Profile {
            name: args.name.clone(),
            did: String::new(),
            method: args.method,
            verification_method: String::new(),
            web_domain: None,
            ledger: None,
            public_url: public_url.trim_end_matches('/').to_owned(),
            created: now_rfc3339(),
            key_generation: 1,
            status_verification_method: None,
        };
        match args.method {
            MethodArg::Key => {
                let did = did_key::did_for(&signing.public_key());
                profile.verification_method = format!("{did}#{}", did.method_specific_id());
                profile.did = did.into_string();
            }
            MethodArg::Jwk => {
                let did = did_jwk::did_for(&signing.public_key());
                profile.verification_method = format!("{did}#0");
                profile.did = did.into_string();
            }
            MethodArg::Web => {
                let domain = args
                    .web_domain
                    .as_deref()
                    .ok_or_else(|| CliError::Input("--method web needs --web-domain".into()))?;
                let did = Did::parse(&format!("did:web:{}", domain.replace(':', "%3A")))
                    .map_err(|e| CliError::Input(format!("--web-domain {domain:?}: {e}")))?;
                let vm_id = did.with_fragment("key-1")?;
                let mut doc = Document::new(did.clone());
                doc.add_context(MULTIKEY_CONTEXT_V1);
                doc.add_verification_method(
                    VerificationMethod::multikey(&vm_id, &did, &signing.public_key()),
                    &[Relationship::AssertionMethod, Relationship::Authentication],
                );
                if let Some(status) = status_key(&home, kt, pass)? {
                    let status_id = did.with_fragment("status-1")?;
                    doc.add_verification_method(
                        VerificationMethod::multikey(&status_id, &did, &status.public_key()),
                        &[Relationship::AssertionMethod],
                    );
                    profile.status_verification_method = Some(status_id.to_string());
                }
                let json = serde_json::to_vec_pretty(&doc).map_err(|e| CliError::Input(e.to_string()))?;
                crate::home::write_atomic(&home.did_web_document_path(), &json)?;
                profile.web_domain = Some(domain.to_owned());
                profile.verification_method = vm_id.to_string();
                profile.did = did.into_string();
            }
            MethodArg::Ethr => {
                let owner = SecretKey::generate(KeyType::Secp256k1)?;
                keystore::save(&home.owner_key_path(), &owner, pass)?;
                let owner_key = secp_signing_key(&owner)?;
                let ledger_profile = match &args.rpc_url {
                    None => {
                        let ledger = open_embedded(&home)?;
                        LedgerProfile::Embedded {
                            chain_id: ledger.chain_id(),
                            registry: ledger.registry().to_lower_hex(),
                        }
                    }
                    Some(url) => LedgerProfile::Evm {
                        rpc_url: url.clone(),
                        registry: args.registry.clone().unwrap_or_default(),
                        chain_id: args.chain_id.unwrap_or_default(),
                        payer_key: args
                            .payer_key
                            .as_ref()
                            .map(|p| std::path::absolute(p).unwrap_or(p.clone())),
                    },
                };
                let (ledger, network) = open_ledger(&home, &ledger_profile, Some(&owner_key)).await?;
                let identity = Address::from_signing_key(&owner_key);
                let did = EthrDid::from_address(Some(&network), identity).to_did()?;
                profile.ledger = Some(ledger_profile);
                profile.did = did.to_string();
                add_ethr_key(ledger.as_ref(), &owner_key, identity, &signing.public_key()).await?;
                let status = status_key(&home, kt, pass)?;
                if let Some(status) = &status {
                    add_ethr_key(ledger.as_ref(), &owner_key, identity, &status.public_key()).await?;
                }
                let resolver = resolver_with_ledger(Some((ledger, network)));
                profile.verification_method = find_method(&resolver, &did, &signing.public_key(), None).await?;
                if let Some(status) = &status {
                    profile.status_verification_method =
                        Some(find_method(&resolver, &did, &status.public_key(), None).await?);
                }
            }
        }
        home.save_profile(&profile)?;
        Ok(Institution { home, profile })
    }

    /// Loads the institution in `home` for a command that signs: an
    /// interrupted `rotate-key` is finished first (see [`crate::rotation`]).
    pub async fn open(home: Home) -> Result<Institution> {
        let mut inst = Institution::load(home)?;
        crate::rotation::recover(&mut inst).await?;
        Ok(inst)
    }

    /// The signer for the current signing key, once the institution's
    /// current DID document is checked to list it.
    pub async fn signer(&self) -> Result<KeySigner> {
        let key = self
            .home
            .load_key(&self.home.signing_key_path(self.profile.key_generation))?;
        let signer = KeySigner::new(key, self.profile.verification_method.clone())?;
        ensure_listed(self, &signer).await?;
        Ok(signer)
    }

    /// The signer for status list credentials: the signing key, or for a
    /// secp256k1 institution its Ed25519 status key (checked like
    /// [`Institution::signer`]).
    pub async fn status_signer(&self, signer: &KeySigner) -> Result<KeySigner> {
        match &self.profile.status_verification_method {
            None => Ok(signer.clone()),
            Some(vm) => {
                let status = KeySigner::new(self.home.load_key(&self.home.status_key_path())?, vm.clone())?;
                ensure_listed(self, &status).await?;
                Ok(status)
            }
        }
    }
}

/// Refuses a signer whose verification method the institution's current
/// DID document no longer lists as an assertion method with that key, or
/// marks as compromised: what it signed would not verify.
async fn ensure_listed(inst: &Institution, signer: &KeySigner) -> Result<()> {
    let did = Did::parse(&inst.profile.did)?;
    let resolver = resolver_for(&inst.home).await?;
    let resolved = resolver.resolve(&did, &ResolutionOptions::default()).await?;
    let key = signer.public_key();
    let vm_id = signer.verification_method();
    let listed = resolved
        .document
        .methods_for(Relationship::AssertionMethod)
        .into_iter()
        .any(|vm| {
            vm.public_key().is_ok_and(|k| k == key)
                && resolved
                    .document
                    .absolute_id(&vm.id)
                    .is_ok_and(|id| id.as_str() == vm_id)
        });
    let compromised = xinlian_vc::proof::is_compromised(&resolved.document, &key);
    if listed && !compromised {
        return Ok(());
    }
    Err(CliError::KeyNotListed {
        verification_method: vm_id.to_owned(),
        did: inst.profile.did.clone(),
        reason: if compromised {
            "marks it as compromised"
        } else {
            "no longer lists it as an assertion method"
        },
    })
}

/// For a secp256k1 signing key, a second (Ed25519) key that signs status
/// lists, saved beside it; `None` for other key types.
fn status_key(home: &Home, signing: KeyType, pass: Option<&str>) -> Result<Option<SecretKey>> {
    if signing != KeyType::Secp256k1 {
        return Ok(None);
    }
    let key = SecretKey::generate(KeyType::Ed25519)?;
    keystore::save(&home.status_key_path(), &key, pass)?;
    Ok(Some(key))
}

pub(crate) fn secp_signing_key(key: &SecretKey) -> Result<k256::ecdsa::SigningKey> {
    k256::ecdsa::SigningKey::from_slice(&key.to_bytes())
        .map_err(|_| CliError::Input("the owner key is not a secp256k1 key".into()))
}

/// The ledger of a did:ethr institution and its did:ethr network name (the
/// chain id in hex). Writes through an EVM chain are paid by `--payer-key`
/// when given, else by `owner` (fine on chains without gas fees).
pub(crate) async fn open_ledger(
    home: &Home,
    profile: &LedgerProfile,
    owner: Option<&k256::ecdsa::SigningKey>,
) -> Result<(Arc<dyn Ledger>, String)> {
    match profile {
        LedgerProfile::Embedded { .. } => Ok((Arc::new(open_embedded(home)?), EMBEDDED_NETWORK.to_owned())),
        LedgerProfile::Evm {
            rpc_url,
            registry,
            chain_id,
            payer_key,
        } => {
            let registry = parse_address(registry)?;
            let mut builder = EvmLedger::builder(rpc_url.clone())
                .registry(registry)
                .chain_id(*chain_id);
            let payer = match payer_key {
                Some(path) => Some(load_payer(home, path)?),
                None => owner.cloned(),
            };
            if let Some(payer) = payer {
                builder = builder.payer(payer);
            }
            let ledger = builder.connect().await.map_err(xinlian_resolver::Error::from)?;
            Ok((Arc::new(ledger), format!("0x{chain_id:x}")))
        }
    }
}

fn parse_address(text: &str) -> Result<Address> {
    let hex = text.strip_prefix("0x").unwrap_or(text);
    let bytes = (hex.len() == 40)
        .then(|| {
            (0..40)
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
                .collect::<Option<Vec<u8>>>()
        })
        .flatten();
    bytes
        .as_deref()
        .and_then(Address::from_slice)
        .ok_or_else(|| CliError::Input(format!("--registry {text:?} is not a 20-byte hex address")))
}

/// A payer key: a registrar key file, or a file holding the secp256k1
/// private key as hex (as node tooling writes it).
fn load_payer(home: &Home, path: &std::path::Path) -> Result<k256::ecdsa::SigningKey> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        return secp_signing_key(&home.load_key(path)?);
    }
    let hex = trimmed.strip_prefix("0x").unwrap_or(trimmed);
    let bytes: Option<Vec<u8>> = (hex.len() == 64 && hex.is_ascii())
        .then(|| {
            (0..64)
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
                .collect()
        })
        .flatten();
    bytes
        .and_then(|b| k256::ecdsa::SigningKey::from_slice(&b).ok())
        .ok_or_else(|| {
            CliError::Input(format!(
                "{}: not a key file or a hex secp256k1 private key",
                path.display()
            ))
        })
}

fn open_embedded(home: &Home) -> Result<EmbeddedLedger> {
    Ok(EmbeddedLedger::builder(home.ledger_path())
        .chain_id(EMBEDDED_CHAIN_ID)
        .open()
        .map_err(xinlian_resolver::Error::from)?)
}

/// Signs `op` with the identity owner's key and submits it to the ledger.
pub(crate) async fn submit_ethr_change(
    ledger: &dyn Ledger,
    owner: &k256::ecdsa::SigningKey,
    identity: Address,
    op: std::result::Result<Operation, xinlian_resolver::ledger::LedgerError>,
) -> Result<()> {
    let ledger_err = |e| CliError::Resolver(xinlian_resolver::Error::from(e));
    let change = SignedChange::prepare(ledger, owner, identity, op.map_err(ledger_err)?)
        .await
        .map_err(ledger_err)?;
    ledger.submit(&change).await.map_err(ledger_err)?;
    Ok(())
}

/// Publishes `key` as a signing key (assertion method) of the identity.
pub(crate) async fn add_ethr_key(
    ledger: &dyn Ledger,
    owner: &k256::ecdsa::SigningKey,
    identity: Address,
    key: &PublicKey,
) -> Result<()> {
    let op = Operation::set_attribute(&key_attribute(key)?, key.to_bytes(), KEY_VALIDITY_SECONDS);
    submit_ethr_change(ledger, owner, identity, op).await
}

/// Revokes the signing key `key` of the identity.
pub(crate) async fn revoke_ethr_key(
    ledger: &dyn Ledger,
    owner: &k256::ecdsa::SigningKey,
    identity: Address,
    key: &PublicKey,
) -> Result<()> {
    // Verifiers check an old proof against the DID as of its `created`
    // time, which has whole seconds, and the ledger's block times are
    // whole seconds too: a revocation in the same second as a signature
    // would hide the key that made it. Revoke in the next second.
    next_second().await;
    let op = Operation::revoke_attribute(&key_attribute(key)?, key.to_bytes());
    submit_ethr_change(ledger, owner, identity, op).await
}

/// Sleeps until the wall clock's whole second has changed.
async fn next_second() {
    let left = 1_000_000_000u64.saturating_sub(u64::from(OffsetDateTime::now_utc().nanosecond()));
    tokio::time::sleep(std::time::Duration::from_nanos(left + 1_000_000)).await;
}

/// The id of the assertion method in `did`'s document that holds `key`.
pub(crate) async fn find_method(
    resolver: &dyn Resolver,
    did: &Did,
    key: &PublicKey,
    at: Option<String>,
) -> Result<String> {
    let options = ResolutionOptions {
        version_time: at,
        ..Default::default()
    };
    let resolved = resolver.resolve(did, &options).await?;
    resolved
        .document
        .methods_for(Relationship::AssertionMethod)
        .into_iter()
        .find(|vm| vm.public_key().is_ok_and(|k| &k == key))
        .map(|vm| resolved.document.absolute_id(&vm.id).map(|u| u.to_string()))
        .transpose()?
        .ok_or_else(|| CliError::Failed(format!("{did} does not list the new key as an assertion method")))
}

pub(crate) fn resolver_with_ledger(ledger: Option<(Arc<dyn Ledger>, String)>) -> Arc<dyn Resolver> {
    Arc::new(registry_with_ledger(ledger))
}

fn registry_with_ledger(ledger: Option<(Arc<dyn Ledger>, String)>) -> MethodRegistry {
    let mut registry = MethodRegistry::new();
    if let Some((ledger, network)) = ledger {
        let ethr = EthrResolver::builder().network(network, ledger).build();
        // Registering under a valid method name cannot fail.
        let _ = registry.register("ethr", ethr);
    }
    if let Ok(web) = WebResolver::new() {
        let _ = registry.register("web", web);
    }
    registry
}

/// did:web for a home that holds its own (maybe not yet published)
/// did.json: that DID resolves to the local document, any other over HTTPS.
struct LocalWeb {
    document: Document,
    web: Arc<dyn Resolver>,
}

#[async_trait::async_trait]
impl Resolver for LocalWeb {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        if did == &self.document.id {
            return Resolution::new(self.document.clone(), DocumentMetadata::default(), options);
        }
        self.web.resolve(did, options).await
    }
}

/// The resolver for a home: did:key, did:jwk, did:web, did:ethr on the
/// home's ledger (the embedded one, or the EVM chain its profile names), and
/// the home's own did:web document (so it verifies before it is
/// published). Works with an empty or missing home.
pub async fn resolver_for(home: &Home) -> Result<Arc<dyn Resolver>> {
    let evm = match home.profile() {
        Ok(Profile {
            ledger: Some(evm @ LedgerProfile::Evm { .. }),
            ..
        }) => Some(evm),
        _ => None,
    };
    let ledger = match evm {
        Some(evm) => Some(open_ledger(home, &evm, None).await?),
        None if home.ledger_path().is_file() => Some((
            Arc::new(open_embedded(home)?) as Arc<dyn Ledger>,
            EMBEDDED_NETWORK.to_owned(),
        )),
        None => None,
    };
    let mut registry = registry_with_ledger(ledger);
    let did_json = home.did_web_document_path();
    if did_json.is_file() {
        let text = std::fs::read_to_string(&did_json).map_err(|e| CliError::io(&did_json, e))?;
        let document = Document::from_json(&text)?;
        let web: Arc<dyn Resolver> = match registry.driver("web") {
            Some(w) => w.clone(),
            None => Arc::new(MethodRegistry::empty()),
        };
        let _ = registry.register("web", LocalWeb { document, web });
    }
    Ok(Arc::new(registry))
}
