//! `verifier trust-list create`: an accreditation authority (a ministry of
//! education) signs a TrustListCredential naming the issuers it accredits.
//! The authority's key is an Ed25519 did:key kept in a 0600 file.

use std::io::Write;
use std::path::Path;

use rand_core::{OsRng, RngCore};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use xinlian_did_core::{KeyType, SecretKey};
use xinlian_vc::trust::{TrustList, TrustListEntry};
use xinlian_vc::{Credential, KeySigner, ProofOptions, add_proof};

use crate::error::{Result, VerifierError};

/// Loads the authority key from `path`, or creates it there (mode 0600)
/// when the file does not exist. Returns the signer and whether it was new.
pub fn authority_key(path: &Path) -> Result<(KeySigner, bool)> {
    if path.exists() {
        let text = std::fs::read_to_string(path).map_err(|e| VerifierError::io(path, e))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| VerifierError::Input(format!("{}: not JSON: {e}", path.display())))?;
        let multikey = value
            .get("secretKeyMultibase")
            .and_then(Value::as_str)
            .ok_or_else(|| VerifierError::Input(format!("{}: /secretKeyMultibase is missing", path.display())))?;
        let secret = SecretKey::from_multikey(multikey)
            .map_err(|e| VerifierError::Input(format!("{}: /secretKeyMultibase: {e}", path.display())))?;
        return Ok((KeySigner::did_key(secret)?, false));
    }
    let secret = SecretKey::generate(KeyType::Ed25519)?;
    let signer = KeySigner::did_key(secret.clone())?;
    let record = json!({ "did": signer.did(), "secretKeyMultibase": secret.to_multikey().as_str() });
    let text = serde_json::to_string_pretty(&record).map_err(|e| VerifierError::Input(e.to_string()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| VerifierError::io(path, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| VerifierError::io(path, e))?;
    file.sync_all().map_err(|e| VerifierError::io(path, e))?;
    Ok((signer, true))
}

/// A fresh `urn:uuid:` (version 4).
fn random_urn_uuid() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// What goes into a trust list.
pub struct TrustListRequest<'a> {
    /// The list's id (a URL); `None` makes a `urn:uuid:`.
    pub id: Option<&'a str>,
    /// The accredited issuers' DIDs.
    pub issuers: &'a [String],
    /// A display name for the issuers.
    pub issuer_name: Option<&'a str>,
    /// The credential types they may issue.
    pub types: &'a [String],
    /// How long the list is valid.
    pub valid_days: i64,
}

/// Builds and signs the trust list credential (eddsa-jcs-2022).
pub async fn create(authority: &KeySigner, request: &TrustListRequest<'_>) -> Result<Credential> {
    if request.issuers.is_empty() || request.types.is_empty() {
        return Err(VerifierError::Input(
            "a trust list needs at least one --issuer and one --types".into(),
        ));
    }
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let until = now + Duration::days(request.valid_days.max(1));
    let entries: Vec<TrustListEntry> = request
        .issuers
        .iter()
        .map(|issuer| {
            let entry =
                TrustListEntry::new(issuer.clone(), request.types.iter().cloned()).valid(Some(now), Some(until));
            match request.issuer_name {
                Some(name) => entry.name(name),
                None => entry,
            }
        })
        .collect();
    let id = request.id.map_or_else(random_urn_uuid, str::to_owned);
    let unsigned = TrustList::credential(&id, authority.did(), &entries, now, Some(until))?;
    let signed = add_proof(unsigned.as_object(), &ProofOptions::new(), authority).await?;
    Ok(Credential::from_value(Value::Object(signed))?)
}
