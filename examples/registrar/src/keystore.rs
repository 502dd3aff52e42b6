//! Secret key files: created with mode 0600, optionally encrypted with a
//! passphrase (Argon2id key derivation, ChaCha20-Poly1305).

use std::fs;
use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use xinlian_did_core::SecretKey;
use zeroize::Zeroizing;

use crate::error::{CliError, Result};

#[derive(Serialize, Deserialize)]
struct KeyFile {
    version: u32,
    key_type: String,
    #[serde(flatten)]
    body: Body,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "protection", rename_all = "lowercase")]
enum Body {
    /// Multikey secretKeyMultibase in the clear (the file is still 0600).
    None { secret_key_multibase: String },
    /// Multikey secretKeyMultibase sealed with a passphrase.
    Passphrase {
        kdf: Kdf,
        nonce: String,
        ciphertext: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    alg: String,
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
}

fn derive(passphrase: &str, kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>> {
    if kdf.alg != "argon2id" {
        return Err(CliError::Input(format!("unsupported key derivation {:?}", kdf.alg)));
    }
    let salt = B64
        .decode(&kdf.salt)
        .map_err(|_| CliError::Input("key file: salt is not base64".into()))?;
    let params = argon2::Params::new(kdf.m_cost, kdf.t_cost, kdf.p_cost, Some(32))
        .map_err(|e| CliError::Input(format!("key file: bad Argon2 parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), &salt, out.as_mut())
        .map_err(|e| CliError::Input(format!("key derivation failed: {e}")))?;
    Ok(out)
}

/// Writes `key` to `path` with mode 0600 (the file must not exist yet),
/// sealed with `passphrase` when one is given.
pub fn save(path: &Path, key: &SecretKey, passphrase: Option<&str>) -> Result<()> {
    let secret = key.to_multikey();
    let body = match passphrase {
        None => Body::None {
            secret_key_multibase: secret.to_string(),
        },
        Some(pass) => {
            let mut salt = [0u8; 16];
            let mut nonce = [0u8; 12];
            OsRng.fill_bytes(&mut salt);
            OsRng.fill_bytes(&mut nonce);
            let kdf = Kdf {
                alg: "argon2id".into(),
                m_cost: 19 * 1024,
                t_cost: 2,
                p_cost: 1,
                salt: B64.encode(salt),
            };
            let k = derive(pass, &kdf)?;
            let cipher = ChaCha20Poly1305::new(&Key::from(*k));
            let ciphertext = cipher
                .encrypt(&Nonce::from(nonce), secret.as_bytes())
                .map_err(|_| CliError::Input("encryption failed".into()))?;
            Body::Passphrase {
                kdf,
                nonce: B64.encode(nonce),
                ciphertext: B64.encode(ciphertext),
            }
        }
    };
    let file = KeyFile {
        version: 1,
        key_type: key.key_type().to_string(),
        body,
    };
    let json = Zeroizing::new(serde_json::to_vec_pretty(&file).map_err(|e| CliError::Input(e.to_string()))?);
    write_private(path, &json)
}

/// Creates `path` with mode 0600 holding `bytes`: written to a synced
/// temporary file (0600) in the same directory, then linked into place,
/// so a crash never leaves a partial key file and an existing file is never
/// replaced.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // tempfile creates its files with mode 0600.
    let mut tmp = tempfile::Builder::new()
        .prefix(".key-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| CliError::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| CliError::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| CliError::io(path, e))?;
    tmp.persist_noclobber(path).map_err(|e| CliError::io(path, e.error))?;
    crate::output::sync_dir(dir);
    Ok(())
}

/// Whether the key file at `path` is passphrase-protected.
pub fn is_encrypted(path: &Path) -> Result<bool> {
    Ok(matches!(read_file(path)?.body, Body::Passphrase { .. }))
}

fn read_file(path: &Path) -> Result<KeyFile> {
    let bytes = Zeroizing::new(fs::read(path).map_err(|e| CliError::io(path, e))?);
    serde_json::from_slice(&bytes).map_err(|e| CliError::Input(format!("{}: not a key file: {e}", path.display())))
}

/// Reads a key file, asking `passphrase` for the passphrase if the file is
/// sealed.
pub fn load(path: &Path, passphrase: impl FnOnce() -> Result<Zeroizing<String>>) -> Result<SecretKey> {
    let file = read_file(path)?;
    let secret: Zeroizing<String> = match file.body {
        Body::None { secret_key_multibase } => Zeroizing::new(secret_key_multibase),
        Body::Passphrase { kdf, nonce, ciphertext } => {
            let pass = passphrase()?;
            let k = derive(&pass, &kdf)?;
            let nonce = B64
                .decode(nonce)
                .map_err(|_| CliError::Input("key file: nonce is not base64".into()))?;
            let ciphertext = B64
                .decode(ciphertext)
                .map_err(|_| CliError::Input("key file: ciphertext is not base64".into()))?;
            let nonce: [u8; 12] = nonce
                .try_into()
                .map_err(|_| CliError::Input("key file: nonce must be 12 bytes".into()))?;
            let cipher = ChaCha20Poly1305::new(&Key::from(*k));
            let plain = Zeroizing::new(
                cipher
                    .decrypt(&Nonce::from(nonce), ciphertext.as_slice())
                    .map_err(|_| CliError::WrongPassphrase)?,
            );
            Zeroizing::new(
                String::from_utf8(plain.to_vec())
                    .map_err(|_| CliError::Input("key file: secret is not UTF-8".into()))?,
            )
        }
    };
    Ok(SecretKey::from_multikey(&secret)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests fail loudly
mod tests {
    use super::*;
    use xinlian_did_core::KeyType;

    #[test]
    fn round_trip_plain_and_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate(KeyType::Ed25519).unwrap();
        let plain = dir.path().join("plain.key");
        save(&plain, &key, None).unwrap();
        assert_eq!(load(&plain, || unreachable!()).unwrap().to_bytes(), key.to_bytes());
        let sealed = dir.path().join("sealed.key");
        save(&sealed, &key, Some("correct horse")).unwrap();
        assert!(is_encrypted(&sealed).unwrap());
        let text = fs::read_to_string(&sealed).unwrap();
        assert!(!text.contains(key.to_multikey().as_str()));
        let back = load(&sealed, || Ok(Zeroizing::new("correct horse".into()))).unwrap();
        assert_eq!(back.to_bytes(), key.to_bytes());
        assert!(matches!(
            load(&sealed, || Ok(Zeroizing::new("wrong".into()))),
            Err(CliError::WrongPassphrase)
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [&plain, &sealed] {
                assert_eq!(fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600);
            }
        }
        // Never overwrite an existing key.
        assert!(save(&plain, &key, None).is_err());
    }
}
