//! The holder's key: one file in the wallet directory, created 0600.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use xinlian_did_core::{KeyType, SecretKey};
use xinlian_vc::KeySigner;

use crate::error::{Result, WalletError};

/// The file name of the holder's key inside the wallet directory.
pub const HOLDER_FILE: &str = "holder.json";

/// The holder: its DID and a signer for its did:key verification method.
pub struct Holder {
    /// The signer (its verification method is `did:key:…#…`).
    pub signer: KeySigner,
}

impl Holder {
    /// The holder's DID.
    pub fn did(&self) -> &str {
        self.signer.did()
    }

    /// Creates a new holder key in `dir` (which is created if needed) and
    /// writes it to `holder.json` with mode 0600. Refuses to overwrite.
    pub fn create(dir: &Path, key_type: KeyType) -> Result<Holder> {
        std::fs::create_dir_all(dir).map_err(|e| WalletError::io(dir, e))?;
        let path = dir.join(HOLDER_FILE);
        if path.exists() {
            return Err(WalletError::Input(format!(
                "{}: this wallet already has a holder key; use another --wallet directory",
                path.display()
            )));
        }
        let secret = SecretKey::generate(key_type)?;
        let signer = KeySigner::did_key(secret.clone())?;
        let record = json!({
            "did": signer.did(),
            "verificationMethod": xinlian_vc::Signer::verification_method(&signer),
            "secretKeyMultibase": secret.to_multikey().as_str(),
        });
        let text = serde_json::to_string_pretty(&record).map_err(|e| WalletError::Input(e.to_string()))?;
        write_secret_file(&path, text.as_bytes())?;
        Ok(Holder { signer })
    }

    /// Loads the holder from `dir/holder.json`.
    pub fn load(dir: &Path) -> Result<Holder> {
        let path = holder_path(dir);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| WalletError::Input(format!("{}: {e} (run `wallet init` first)", path.display())))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| WalletError::Input(format!("{}: not JSON: {e}", path.display())))?;
        let multikey = value
            .get("secretKeyMultibase")
            .and_then(Value::as_str)
            .ok_or_else(|| WalletError::Input(format!("{}: /secretKeyMultibase is missing", path.display())))?;
        let secret = SecretKey::from_multikey(multikey)
            .map_err(|e| WalletError::Input(format!("{}: /secretKeyMultibase: {e}", path.display())))?;
        Ok(Holder {
            signer: KeySigner::did_key(secret)?,
        })
    }
}

/// The path of the holder file in `dir`.
pub fn holder_path(dir: &Path) -> PathBuf {
    dir.join(HOLDER_FILE)
}

/// Writes a new file readable by its owner only.
fn write_secret_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| WalletError::io(path, e))?;
    file.write_all(bytes).map_err(|e| WalletError::io(path, e))?;
    file.sync_all().map_err(|e| WalletError::io(path, e))?;
    Ok(())
}
