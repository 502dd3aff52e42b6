//! The credential store: one JSON file per credential under
//! `<wallet>/credentials/`, named by a short local id (`1`, `2`, …).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value, json};
use xinlian_vc::Credential;
use xinlian_vc::verify::{SecuredFormat, detect_format};

use crate::error::{Result, WalletError};

/// A stored credential and what the wallet knows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCredential {
    /// The wallet's short id for it.
    pub local_id: String,
    /// How it is secured.
    pub format: SecuredFormat,
    /// The credential's own id (`id` or `jti`), if any.
    pub credential_id: Option<String>,
    /// The issuer's id.
    pub issuer: String,
    /// The credential's types (for SD-JWT VC: the `vct`).
    pub types: Vec<String>,
    /// The subject's id (`credentialSubject.id` or `sub`), if any.
    pub subject: Option<String>,
    /// Whether it verified when imported.
    pub verified_on_import: bool,
    /// The credential as issued: JSON text or a compact JWT / SD-JWT.
    pub text: String,
}

/// The name of a format in the store and in listings.
pub fn format_name(format: SecuredFormat) -> &'static str {
    match format {
        SecuredFormat::DataIntegrity => "data-integrity",
        SecuredFormat::Jwt => "vc+jwt",
        SecuredFormat::SdJwt => "sd-jwt",
    }
}

fn format_from_name(name: &str) -> Option<SecuredFormat> {
    match name {
        "data-integrity" => Some(SecuredFormat::DataIntegrity),
        "vc+jwt" => Some(SecuredFormat::Jwt),
        "sd-jwt" => Some(SecuredFormat::SdJwt),
        _ => None,
    }
}

/// The unverified payload of a compact JWT (the part before any `~`).
fn jwt_payload(compact: &str) -> Option<Map<String, Value>> {
    let payload = compact.split('~').next()?.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

fn str_of(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

impl StoredCredential {
    /// Reads a credential's metadata from its text, without verifying it.
    pub fn describe(text: &str) -> Result<StoredCredential> {
        let text = text.trim().to_owned();
        let format = detect_format(&text)?;
        let (credential_id, issuer, types, subject) = match format {
            SecuredFormat::DataIntegrity => {
                let c = Credential::from_json(&text)?;
                let subject = c.subject_ids().first().map(|s| (*s).to_owned());
                (
                    c.id().map(str::to_owned),
                    c.issuer_id().to_owned(),
                    c.types().iter().map(|t| (*t).to_owned()).collect(),
                    subject,
                )
            }
            SecuredFormat::Jwt => {
                let claims = jwt_payload(&text)
                    .ok_or_else(|| WalletError::Input("the JWT payload is not a JSON object".into()))?;
                // VC-JOSE 2.0: the payload is the credential; VC 1.1 JWT: it sits under `vc`.
                let vc = claims.get("vc").and_then(Value::as_object).unwrap_or(&claims);
                let c = Credential::from_value(Value::Object(vc.clone())).ok();
                let issuer = str_of(claims.get("iss"))
                    .or_else(|| c.as_ref().map(|c| c.issuer_id().to_owned()))
                    .unwrap_or_default();
                let types = c
                    .as_ref()
                    .map(|c| c.types().iter().map(|t| (*t).to_owned()).collect())
                    .unwrap_or_default();
                let subject = str_of(claims.get("sub")).or_else(|| {
                    c.as_ref()
                        .and_then(|c| c.subject_ids().first().map(|s| (*s).to_owned()))
                });
                let id = str_of(claims.get("jti")).or_else(|| c.as_ref().and_then(|c| c.id().map(str::to_owned)));
                (id, issuer, types, subject)
            }
            SecuredFormat::SdJwt => {
                let claims = jwt_payload(&text)
                    .ok_or_else(|| WalletError::Input("the SD-JWT payload is not a JSON object".into()))?;
                (
                    str_of(claims.get("jti")),
                    str_of(claims.get("iss")).unwrap_or_default(),
                    str_of(claims.get("vct")).into_iter().collect(),
                    str_of(claims.get("sub")),
                )
            }
        };
        Ok(StoredCredential {
            local_id: String::new(),
            format,
            credential_id,
            issuer,
            types,
            subject,
            verified_on_import: false,
            text,
        })
    }

    fn to_value(&self) -> Value {
        json!({
            "localId": self.local_id,
            "format": format_name(self.format),
            "credentialId": self.credential_id,
            "issuer": self.issuer,
            "types": self.types,
            "subject": self.subject,
            "verifiedOnImport": self.verified_on_import,
            "credential": self.text,
        })
    }

    fn from_value(value: &Value, path: &Path) -> Result<StoredCredential> {
        let bad = |what: &str| WalletError::Input(format!("{}: {what}", path.display()));
        let text = str_of(value.get("credential")).ok_or_else(|| bad("/credential is missing"))?;
        let format = value
            .get("format")
            .and_then(Value::as_str)
            .and_then(format_from_name)
            .ok_or_else(|| bad("/format is not data-integrity, vc+jwt or sd-jwt"))?;
        Ok(StoredCredential {
            local_id: str_of(value.get("localId")).ok_or_else(|| bad("/localId is missing"))?,
            format,
            credential_id: str_of(value.get("credentialId")),
            issuer: str_of(value.get("issuer")).unwrap_or_default(),
            types: value
                .get("types")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
            subject: str_of(value.get("subject")),
            verified_on_import: value.get("verifiedOnImport").and_then(Value::as_bool).unwrap_or(false),
            text,
        })
    }

    /// Whether `wanted` names this credential (its local id or its own id).
    pub fn is_named(&self, wanted: &str) -> bool {
        self.local_id == wanted || self.credential_id.as_deref() == Some(wanted)
    }
}

/// The credentials directory of a wallet.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store of the wallet at `wallet_dir`.
    pub fn open(wallet_dir: &Path) -> Store {
        Store {
            dir: wallet_dir.join("credentials"),
        }
    }

    /// Every stored credential, ordered by local id.
    pub fn list(&self) -> Result<Vec<StoredCredential>> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(WalletError::io(&self.dir, e)),
        };
        for entry in entries {
            let path = entry.map_err(|e| WalletError::io(&self.dir, e))?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| WalletError::io(&path, e))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| WalletError::Input(format!("{}: not JSON: {e}", path.display())))?;
            out.push(StoredCredential::from_value(&value, &path)?);
        }
        out.sort_by_key(|c| (c.local_id.parse::<u64>().unwrap_or(u64::MAX), c.local_id.clone()));
        Ok(out)
    }

    /// The credential named `wanted` (local id or credential id).
    pub fn get(&self, wanted: &str) -> Result<StoredCredential> {
        self.list()?.into_iter().find(|c| c.is_named(wanted)).ok_or_else(|| {
            WalletError::Input(format!(
                "no credential {wanted:?} in {} (see `wallet list`)",
                self.dir.display()
            ))
        })
    }

    /// Stores `credential` under the next local id and returns that id.
    /// A credential with the same text is stored once: its id is returned.
    pub fn add(&self, mut credential: StoredCredential) -> Result<String> {
        let existing = self.list()?;
        if let Some(same) = existing.iter().find(|c| c.text == credential.text) {
            return Ok(same.local_id.clone());
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| WalletError::io(&self.dir, e))?;
        let next = existing
            .iter()
            .filter_map(|c| c.local_id.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        credential.local_id = next.to_string();
        let path = self.dir.join(format!("{next}.json"));
        let text =
            serde_json::to_string_pretty(&credential.to_value()).map_err(|e| WalletError::Input(e.to_string()))?;
        let tmp = self.dir.join(format!(".{next}.json.tmp"));
        std::fs::write(&tmp, text).map_err(|e| WalletError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| WalletError::io(&path, e))?;
        Ok(credential.local_id)
    }
}
