//! `registrar rotate-key`: a journaled, resumable key rotation.
//!
//! A rotation is several writes to different places (a key file, the
//! ledger, the profile, the status lists) that no transaction spans. So it
//! is written down first: `rotation.json` in the home (mode 0600, synced,
//! put in place by a rename) names the old and new key generations and the
//! mode. Then each step runs, and each checks before it acts, so running
//! it twice does it once:
//!
//! 1. the new key file `keys/signing-N.key` (reused when a killed run left
//!    it; a file that cannot be read is moved aside);
//! 2. the new key is published: on the ledger for did:ethr, in the home's
//!    did.json for did:web (unless the DID document already lists it);
//! 3. the old key is retired: did:ethr revokes it on the ledger (unless no
//!    longer listed); did:web, which keeps no history, leaves it listed so
//!    what it signed keeps verifying. With `--compromised` the old key is
//!    removed and the DID gets a `CompromisedKey` service naming it
//!    (did:ethr: ERC-1056 attribute `did/svc/CompromisedKey`, 100 years;
//!    did:web: a service in did.json, live once `registrar publish`ed);
//! 4. the profile names the new key;
//! 5. the status lists are re-signed with the new key (when the signing key
//!    signs them), so no list is left signed by a retired key;
//! 6. the journal is removed.
//!
//! Every command that signs, and `rotate-key` itself, first calls
//! [`recover`], which finishes a rotation whose journal is still there.
//! Whatever step a process was killed at, the next command therefore
//! never finds a half-rotated institution: no "File exists", and no
//! signing with a key the ledger has revoked (which
//! [`crate::institution::Institution::signer`] refuses in any case).
//!
//! Modes: an ordinary rotation retires the old key; credentials it signed
//! before the rotation keep verifying, because verifiers resolve the DID
//! as of each proof's time. `--compromised` also marks the old key as
//! compromised in the current DID document: verifiers then refuse every
//! proof by it, whatever date it claims, so credentials signed with it
//! must be issued again.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xinlian_did_core::{
    Did, Document, PublicKey, Relationship, ResolutionOptions, Resolver, SecretKey, Service, VerificationMethod,
};
use xinlian_resolver::ledger::{Address, Operation};
use xinlian_vc::proof::{COMPROMISED_KEY_SERVICE, is_compromised};
use zeroize::Zeroizing;

use crate::cli::MethodArg;
use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::{
    Institution, add_ethr_key, find_method, open_ledger, resolver_for, resolver_with_ledger, revoke_ethr_key,
    secp_signing_key, submit_ethr_change,
};
use crate::keystore;
use crate::output::{Existing, PRIVATE_MODE, sync_dir, write_file};

/// Environment variable of the crash test hook: `rotate:N` aborts the
/// process right after step N (0 = the journal is written). Only the
/// tests set it; it makes the process stop, nothing more.
const ABORT_HOOK: &str = "XINLIAN_TEST_ABORT_AFTER";

/// The rotation journal (`rotation.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Journal {
    version: u32,
    /// The generation of the key being retired.
    from_generation: u32,
    /// The generation of the new key.
    to_generation: u32,
    /// Whether the old key is to be marked compromised.
    compromised: bool,
    /// When the rotation started (RFC 3339).
    started: String,
}

/// What a rotation did.
#[derive(Debug, Clone)]
pub struct Rotated {
    /// The new signing key's verification method.
    pub verification_method: String,
    /// Whether an interrupted rotation was finished instead of a new one started.
    pub resumed: bool,
    /// Whether the old key is marked compromised.
    pub compromised: bool,
}

fn journal_path(home: &Home) -> PathBuf {
    home.root().join("rotation.json")
}

fn read_journal(home: &Home) -> Result<Option<Journal>> {
    let path = journal_path(home);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| CliError::Input(format!("{}: not a rotation journal: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(&path, e)),
    }
}

fn write_journal(home: &Home, journal: &Journal, existing: Existing) -> Result<()> {
    let json = serde_json::to_vec_pretty(journal).map_err(|e| CliError::Input(e.to_string()))?;
    write_file(&journal_path(home), &json, existing, PRIVATE_MODE)
}

/// Holds the home's rotation lock (an advisory lock on `rotation.lock`,
/// released by the OS when the process ends, however it ends), so two
/// commands never run the steps of one rotation at the same time.
fn lock(home: &Home) -> Result<fs::File> {
    let path = home.root().join("rotation.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| CliError::io(&path, e))?;
    file.lock().map_err(|e| CliError::io(&path, e))?;
    Ok(file)
}

/// The test hook: aborts the process after `step` when asked to.
fn crash_point(step: u32) {
    if std::env::var(ABORT_HOOK).is_ok_and(|v| v == format!("rotate:{step}")) {
        eprintln!("{ABORT_HOOK}: aborting after rotation step {step}");
        std::process::abort();
    }
}

/// `registrar rotate-key [--compromised]`. Finishes an interrupted
/// rotation if there is one (marking its old key compromised too when
/// asked), else rotates.
pub async fn rotate(inst: &mut Institution, compromised: bool) -> Result<Rotated> {
    if !matches!(inst.profile.method, MethodArg::Ethr | MethodArg::Web) {
        return Err(not_rotatable(&inst.profile.did));
    }
    let _lock = lock(&inst.home)?;
    // Another command may have moved the profile on while we waited.
    inst.profile = inst.home.profile()?;
    if let Some(mut journal) = read_journal(&inst.home)? {
        if compromised && !journal.compromised {
            journal.compromised = true;
            write_journal(&inst.home, &journal, Existing::Replace)?;
        }
        let verification_method = finish(inst, &journal).await?;
        return Ok(Rotated {
            verification_method,
            resumed: true,
            compromised: journal.compromised,
        });
    }
    let journal = Journal {
        version: 1,
        from_generation: inst.profile.key_generation,
        to_generation: inst.profile.key_generation + 1,
        compromised,
        started: OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .format(&Rfc3339)
            .unwrap_or_default(),
    };
    write_journal(&inst.home, &journal, Existing::Refuse)?;
    crash_point(0);
    let verification_method = finish(inst, &journal).await?;
    Ok(Rotated {
        verification_method,
        resumed: false,
        compromised,
    })
}

/// Finishes a rotation that a killed process left behind, if any.
pub async fn recover(inst: &mut Institution) -> Result<()> {
    if read_journal(&inst.home)?.is_none() {
        return Ok(());
    }
    let _lock = lock(&inst.home)?;
    // Another command may have finished it while we waited.
    inst.profile = inst.home.profile()?;
    if let Some(journal) = read_journal(&inst.home)? {
        eprintln!(
            "note: finishing the key rotation interrupted since {} (generation {} -> {})",
            journal.started, journal.from_generation, journal.to_generation
        );
        finish(inst, &journal).await?;
    }
    Ok(())
}

/// Whether `document` lists `key` as an assertion method.
fn lists(document: &Document, key: &PublicKey) -> bool {
    document
        .methods_for(Relationship::AssertionMethod)
        .into_iter()
        .any(|vm| vm.public_key().is_ok_and(|k| &k == key))
}

async fn current(resolver: &dyn Resolver, did: &Did) -> Result<Document> {
    Ok(resolver.resolve(did, &ResolutionOptions::default()).await?.document)
}

/// The new key: the file a killed run left, or a fresh one.
fn new_key(path: &Path, old: &SecretKey, pass: Option<&Zeroizing<String>>) -> Result<SecretKey> {
    if path.exists() {
        match keystore::load(path, || {
            pass.cloned()
                .ok_or_else(|| CliError::Input(format!("{} is sealed but the old key is not", path.display())))
        }) {
            Ok(key) if key.key_type() == old.key_type() => return Ok(key),
            Err(e @ CliError::WrongPassphrase) => return Err(e),
            // Unreadable or of another type: never published, set aside.
            _ => {
                let aside = path.with_extension("key.unusable");
                fs::rename(path, &aside).map_err(|e| CliError::io(path, e))?;
                eprintln!("note: moved the unusable key file {} aside", path.display());
            }
        }
    }
    let key = SecretKey::generate(old.key_type())?;
    keystore::save(path, &key, pass.map(|p| p.as_str()))?;
    Ok(key)
}

fn not_rotatable(did: &str) -> CliError {
    CliError::Input(format!(
        "rotate-key needs a DID whose keys can change (did:ethr or did:web); {did} is did:{}, whose key is its \
         identifier",
        did.split(':').nth(1).unwrap_or("?")
    ))
}

/// Reads a key file with the rotation's passphrase (asked once).
fn load_key(home: &Home, path: &Path, pass: Option<&Zeroizing<String>>) -> Result<SecretKey> {
    match pass {
        Some(p) => keystore::load(path, || Ok(p.clone())),
        None => home.load_key(path),
    }
}

/// Steps 2 and 3 for did:ethr: the new key and the old key's revocation
/// (and, if compromised, the `did/svc/CompromisedKey` attribute) on the
/// ledger, each only if the current DID document does not show it yet.
async fn publish_on_ledger(
    inst: &Institution,
    journal: &Journal,
    did: &Did,
    old: &SecretKey,
    new: &SecretKey,
    pass: Option<&Zeroizing<String>>,
) -> Result<()> {
    let home = &inst.home;
    let owner = secp_signing_key(&load_key(home, &home.owner_key_path(), pass)?)?;
    let ledger_profile = inst.profile.ledger.clone().ok_or_else(|| {
        CliError::Input(format!(
            "{} has no ledger in its profile",
            home.profile_path().display()
        ))
    })?;
    let (ledger, network) = open_ledger(home, &ledger_profile, Some(&owner)).await?;
    let identity = Address::from_signing_key(&owner);
    let resolver = resolver_with_ledger(Some((ledger.clone(), network)));

    if !lists(&current(resolver.as_ref(), did).await?, &new.public_key()) {
        add_ethr_key(ledger.as_ref(), &owner, identity, &new.public_key()).await?;
    }
    crash_point(2);

    let document = current(resolver.as_ref(), did).await?;
    if lists(&document, &old.public_key()) {
        revoke_ethr_key(ledger.as_ref(), &owner, identity, &old.public_key()).await?;
    }
    if journal.compromised && !is_compromised(&document, &old.public_key()) {
        let op = Operation::set_service(COMPROMISED_KEY_SERVICE, &old.public_key().to_multikey());
        submit_ethr_change(ledger.as_ref(), &owner, identity, op).await?;
    }
    crash_point(3);
    Ok(())
}

/// Steps 2 and 3 for did:web, in the home's did.json (published by
/// `registrar publish`). did:web keeps no history, so an ordinary rotation
/// leaves the old key listed (credentials it signed keep verifying; the
/// registrar no longer signs with it); `--compromised` removes it and adds
/// the `CompromisedKey` service naming it.
fn publish_in_did_json(home: &Home, journal: &Journal, did: &Did, old: &PublicKey, new: &PublicKey) -> Result<()> {
    let path = home.did_web_document_path();
    let text = fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
    let mut doc = Document::from_json(&text)?;
    let save = |doc: &Document| -> Result<()> {
        let json = serde_json::to_vec_pretty(doc).map_err(|e| CliError::Input(e.to_string()))?;
        write_file(&path, &json, Existing::Replace, crate::output::PUBLIC_MODE)
    };

    if !lists(&doc, new) {
        let vm_id = did.with_fragment(&format!("key-{}", journal.to_generation))?;
        if doc.verification_method(vm_id.as_str()).is_some() {
            return Err(CliError::Input(format!(
                "{}: {vm_id} already holds another key",
                path.display()
            )));
        }
        doc.add_verification_method(
            VerificationMethod::multikey(&vm_id, did, new),
            &[Relationship::AssertionMethod, Relationship::Authentication],
        );
        save(&doc)?;
    }
    crash_point(2);

    if journal.compromised {
        let retired: Vec<String> = doc
            .all_verification_methods()
            .filter(|vm| vm.public_key().is_ok_and(|k| &k == old))
            .filter_map(|vm| doc.absolute_id(&vm.id).ok().map(|id| id.to_string()))
            .collect();
        let marked = is_compromised(&doc, old);
        if !retired.is_empty() || !marked {
            let is_retired = |id: &str| {
                doc.absolute_id(id)
                    .is_ok_and(|abs| retired.iter().any(|r| r == abs.as_str()))
            };
            let keep_vm: Vec<bool> = doc.verification_method.iter().map(|vm| !is_retired(&vm.id)).collect();
            let keep_refs: Vec<Vec<bool>> = Relationship::ALL
                .into_iter()
                .map(|rel| doc.relationship(rel).iter().map(|r| !is_retired(r.id())).collect())
                .collect();
            let mut keep = keep_vm.into_iter();
            doc.verification_method.retain(|_| keep.next().unwrap_or(true));
            for (rel, keep) in Relationship::ALL.into_iter().zip(keep_refs) {
                let mut keep = keep.into_iter();
                doc.relationship_mut(rel).retain(|_| keep.next().unwrap_or(true));
            }
            if !marked {
                // A bare multibase string is not a URI, and a DID document
                // whose serviceEndpoint is neither URI nor map is invalid
                // (DID Core 1.0 §5.4): the key goes in a map's `uri`, which
                // readers of the marker take like a string endpoint.
                let mut service = Service::new(
                    format!("{did}#compromised-key-{}", journal.from_generation),
                    COMPROMISED_KEY_SERVICE,
                    String::new(),
                );
                service.service_endpoint = serde_json::json!({ "uri": old.to_multikey() });
                doc.service.push(service);
            }
            save(&doc)?;
        }
    }
    crash_point(3);
    Ok(())
}

/// Runs every step of `journal` that is not done yet; returns the new
/// verification method.
async fn finish(inst: &mut Institution, journal: &Journal) -> Result<String> {
    let home = inst.home.clone();
    let generation = inst.profile.key_generation;
    if generation != journal.from_generation && generation != journal.to_generation {
        return Err(CliError::Input(format!(
            "{}: rotates generation {} to {}, but the profile is at generation {generation}; \
             restore the profile or remove the journal",
            journal_path(&home).display(),
            journal.from_generation,
            journal.to_generation
        )));
    }
    let old_path = home.signing_key_path(journal.from_generation);
    // One passphrase opens the old key, the owner key and seals the new key.
    let pass = if keystore::is_encrypted(&old_path)? {
        Some(home.passphrase("Passphrase for the key files: ")?)
    } else {
        None
    };
    let old = load_key(&home, &old_path, pass.as_ref())?;

    // 1. The new key file.
    let new = new_key(&home.signing_key_path(journal.to_generation), &old, pass.as_ref())?;
    crash_point(1);

    // 2. and 3.: the new key published, the old one retired.
    let did = Did::parse(&inst.profile.did)?;
    match inst.profile.method {
        MethodArg::Ethr => publish_on_ledger(inst, journal, &did, &old, &new, pass.as_ref()).await?,
        MethodArg::Web => publish_in_did_json(&home, journal, &did, &old.public_key(), &new.public_key())?,
        MethodArg::Key | MethodArg::Jwk => return Err(not_rotatable(&inst.profile.did)),
    }

    // 4. The profile.
    let resolver = resolver_for(&home).await?;
    let verification_method = find_method(resolver.as_ref(), &did, &new.public_key(), None).await?;
    if inst.profile.key_generation != journal.to_generation || inst.profile.verification_method != verification_method {
        inst.profile.verification_method = verification_method.clone();
        inst.profile.key_generation = journal.to_generation;
        home.save_profile(&inst.profile)?;
    }
    crash_point(4);

    // 5. The status lists, signed by a key the DID lists.
    if inst.profile.status_verification_method.is_none() {
        let signer = inst.signer().await?;
        crate::commands::status::resign_all(inst, &signer).await?;
    }
    crash_point(5);

    // 6. Done.
    let path = journal_path(&home);
    fs::remove_file(&path).map_err(|e| CliError::io(&path, e))?;
    sync_dir(home.root());
    Ok(verification_method)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests fail loudly
mod tests {
    use super::*;

    #[test]
    fn journal_round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().to_owned(), None);
        assert_eq!(read_journal(&home).unwrap(), None);
        let journal = Journal {
            version: 1,
            from_generation: 1,
            to_generation: 2,
            compromised: true,
            started: "2026-01-01T00:00:00Z".into(),
        };
        write_journal(&home, &journal, Existing::Refuse).unwrap();
        assert_eq!(read_journal(&home).unwrap(), Some(journal.clone()));
        // A second rotation cannot start over the first one's journal.
        assert!(matches!(
            write_journal(&home, &journal, Existing::Refuse),
            Err(CliError::OutputRefused { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(journal_path(&home)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
