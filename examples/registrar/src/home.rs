//! The registrar's state directory and the institution profile in it.
//!
//! ```text
//! <home>/
//!   institution.json     the profile: name, DID, method, verification method, ledger
//!   keys/signing.key     the credential signing key (0600, optionally sealed)
//!   keys/signing-N.key   the signing key after N-1 rotations
//!   keys/owner.key       did:ethr: the identity owner's secp256k1 key (0600)
//!   ledger.sqlite        did:ethr: the embedded ERC-1056 ledger
//!   registrar.sqlite     issuance log and status lists
//!   did.json             did:web: the DID document to publish
//!   rotation.json        the journal of a key rotation under way (0600)
//!   rotation.lock        held while a command runs a rotation's steps
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xinlian_did_core::SecretKey;
use zeroize::Zeroizing;

use crate::cli::MethodArg;
use crate::error::{CliError, Result};
use crate::keystore;

/// Where did:ethr history lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LedgerProfile {
    /// The embedded SQLite ledger in the home directory.
    Embedded {
        /// Chain id recorded in blockchainAccountId values.
        chain_id: u64,
        /// The registry address the embedded ledger binds signatures to.
        registry: String,
    },
    /// An EVM chain over JSON-RPC.
    Evm {
        /// JSON-RPC URL.
        rpc_url: String,
        /// ERC-1056 registry address.
        registry: String,
        /// Chain id.
        chain_id: u64,
        /// Key file of the account that pays for transactions.
        payer_key: Option<PathBuf>,
    },
}

/// The institution profile (`institution.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Profile {
    /// The institution's name.
    pub name: String,
    /// Its DID.
    pub did: String,
    /// The DID method.
    pub method: MethodArg,
    /// The verification method that signs credentials now.
    pub verification_method: String,
    /// did:web domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_domain: Option<String>,
    /// did:ethr ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<LedgerProfile>,
    /// Base URL where published files (status lists) are served.
    pub public_url: String,
    /// When the institution was created (RFC 3339).
    pub created: String,
    /// Number of signing keys so far (1 + rotations).
    #[serde(default = "one")]
    pub key_generation: u32,
    /// The verification method that signs status lists, when it is not the
    /// credential signing key: a secp256k1 institution signs credentials as
    /// JWTs (ES256K), but Data Integrity has no secp256k1 suite, so its
    /// status lists are signed by an Ed25519 method of the same DID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_verification_method: Option<String>,
}

fn one() -> u32 {
    1
}

/// A registrar home directory.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
    passphrase_file: Option<PathBuf>,
}

impl Home {
    /// The home at `root` (not created yet).
    pub fn new(root: PathBuf, passphrase_file: Option<PathBuf>) -> Home {
        Home { root, passphrase_file }
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `institution.json`.
    pub fn profile_path(&self) -> PathBuf {
        self.root.join("institution.json")
    }

    /// The current signing key file.
    pub fn signing_key_path(&self, generation: u32) -> PathBuf {
        match generation {
            0 | 1 => self.root.join("keys").join("signing.key"),
            n => self.root.join("keys").join(format!("signing-{n}.key")),
        }
    }

    /// The status-list key file (secp256k1 institutions only).
    pub fn status_key_path(&self) -> PathBuf {
        self.root.join("keys").join("status.key")
    }

    /// The did:ethr owner key file.
    pub fn owner_key_path(&self) -> PathBuf {
        self.root.join("keys").join("owner.key")
    }

    /// The embedded ledger file.
    pub fn ledger_path(&self) -> PathBuf {
        self.root.join("ledger.sqlite")
    }

    /// The issuance log and status list database.
    pub fn db_path(&self) -> PathBuf {
        self.root.join("registrar.sqlite")
    }

    /// `did.json` for did:web.
    pub fn did_web_document_path(&self) -> PathBuf {
        self.root.join("did.json")
    }

    /// Whether an institution exists here.
    pub fn is_initialized(&self) -> bool {
        self.profile_path().is_file()
    }

    /// Creates the directory layout for a new institution; refuses a home
    /// that already holds one.
    pub fn create(&self) -> Result<()> {
        if self.is_initialized() {
            return Err(CliError::Input(format!(
                "{} already holds an institution; use another --home",
                self.root.display()
            )));
        }
        let keys = self.root.join("keys");
        fs::create_dir_all(&keys).map_err(|e| CliError::io(&keys, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&keys, fs::Permissions::from_mode(0o700)).map_err(|e| CliError::io(&keys, e))?;
        }
        Ok(())
    }

    /// Reads the profile.
    pub fn profile(&self) -> Result<Profile> {
        if !self.is_initialized() {
            return Err(CliError::NotInitialized(self.root.clone()));
        }
        let path = self.profile_path();
        let bytes = fs::read(&path).map_err(|e| CliError::io(&path, e))?;
        let mut profile: Profile =
            serde_json::from_slice(&bytes).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
        // Earlier versions wrote the embedded registry as `0x0x…`.
        if let Some(LedgerProfile::Embedded { registry, .. } | LedgerProfile::Evm { registry, .. }) =
            &mut profile.ledger
            && let Some(once) = registry.strip_prefix("0x0x")
        {
            *registry = format!("0x{once}");
        }
        Ok(profile)
    }

    /// Writes the profile atomically.
    pub fn save_profile(&self, profile: &Profile) -> Result<()> {
        let json = serde_json::to_vec_pretty(profile).map_err(|e| CliError::Input(e.to_string()))?;
        write_atomic(&self.profile_path(), &json)
    }

    /// The passphrase: `--passphrase-file`, then `XINLIAN_PASSPHRASE`, then
    /// a prompt on the terminal.
    pub fn passphrase(&self, prompt: &str) -> Result<Zeroizing<String>> {
        if let Some(path) = &self.passphrase_file {
            let text = Zeroizing::new(fs::read_to_string(path).map_err(|e| CliError::io(path, e))?);
            return Ok(Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_owned()));
        }
        if let Ok(p) = std::env::var("XINLIAN_PASSPHRASE") {
            return Ok(Zeroizing::new(p));
        }
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|e| CliError::Input(format!("cannot read a passphrase ({e}); use --passphrase-file")))
    }

    /// A passphrase for sealing new key files: like [`Home::passphrase`],
    /// but refused when shorter than [`MIN_PASSPHRASE_CHARS`] characters
    /// (or blank), and asked twice on a terminal (the answers must match).
    pub fn new_passphrase(&self, prompt: &str) -> Result<Zeroizing<String>> {
        let interactive = self.passphrase_file.is_none() && std::env::var_os("XINLIAN_PASSPHRASE").is_none();
        let pass = self.passphrase(prompt)?;
        check_new_passphrase(&pass)?;
        if interactive {
            let again = rpassword::prompt_password("Repeat the passphrase: ")
                .map(Zeroizing::new)
                .map_err(|e| CliError::Input(format!("cannot read a passphrase ({e}); use --passphrase-file")))?;
            if *again != *pass {
                return Err(CliError::Input(
                    "the two passphrases differ; nothing was written".into(),
                ));
            }
        }
        Ok(pass)
    }

    /// Loads a secret key file, asking for the passphrase if it is sealed.
    pub fn load_key(&self, path: &Path) -> Result<SecretKey> {
        keystore::load(path, || {
            self.passphrase(&format!("Passphrase for {}: ", path.display()))
        })
    }
}

/// The shortest passphrase `init --encrypt` accepts, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Refuses a passphrase too weak to seal a key with.
pub fn check_new_passphrase(pass: &str) -> Result<()> {
    let chars = pass.chars().count();
    if pass.trim().is_empty() {
        return Err(CliError::Input(format!(
            "the passphrase is empty; a key file passphrase must be at least {MIN_PASSPHRASE_CHARS} characters"
        )));
    }
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(CliError::Input(format!(
            "the passphrase is too short: a key file passphrase must be at least {MIN_PASSPHRASE_CHARS} characters \
             (this one has {chars})"
        )));
    }
    Ok(())
}

/// Writes an internal file of the home (profile, did.json) atomically,
/// replacing the previous version.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::output::write_file(
        path,
        bytes,
        crate::output::Existing::Replace,
        crate::output::PUBLIC_MODE,
    )
}
