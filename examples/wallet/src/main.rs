//! `wallet`: a graduate's credential wallet, the holder in the Xinlian
//! examples.
//!
//! The wallet is a directory (`--wallet DIR`): the holder's key
//! (`holder.json`, mode 0600, an Ed25519 did:key by default) and one file
//! per credential under `credentials/`. It imports credentials (Data
//! Integrity JSON, vc+jwt, SD-JWT), verifying them first; answers a
//! verifier's challenge with a signed VerifiablePresentation; and makes
//! SD-JWT presentations that disclose only the claims the holder names.
#![forbid(unsafe_code)]

mod error;
mod holder;
mod present;
mod resolve;
mod store;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};
use xinlian_did_core::KeyType;
use xinlian_vc::sd_jwt::SdJwt;
use xinlian_vc::verify::{Outcome, verify_any};
use xinlian_vc::{Limits, Policy};

use crate::error::{Result, WalletError};
use crate::holder::Holder;
use crate::resolve::ResolverArgs;
use crate::store::{Store, StoredCredential, format_name};

/// A graduate's credential wallet: keep credentials, present them.
#[derive(Debug, Parser)]
#[command(name = "wallet", version, about, long_about = None)]
struct Cli {
    /// The wallet directory (holder key and credentials).
    #[arg(long, global = true, env = "XINLIAN_WALLET", default_value = "./wallet")]
    wallet: PathBuf,
    /// How DIDs are resolved.
    #[command(flatten)]
    resolver: ResolverArgs,
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
    /// Refuse a credential file larger than this many bytes.
    #[arg(
        long,
        global = true,
        value_name = "BYTES",
        env = "XINLIAN_MAX_INPUT_BYTES",
        default_value_t = xinlian_vc::limits::DEFAULT_MAX_INPUT_BYTES
    )]
    max_input_bytes: usize,
    /// The command.
    #[command(subcommand)]
    command: Command,
}

/// Holder key types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KeyTypeArg {
    /// Ed25519 (eddsa-jcs-2022, EdDSA).
    Ed25519,
    /// NIST P-256 (ecdsa-jcs-2019, ES256).
    P256,
}

/// Wallet commands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Create the holder's DID and key; prints the DID.
    Init {
        /// The key type.
        #[arg(long, value_enum, default_value = "ed25519")]
        key_type: KeyTypeArg,
    },
    /// Print the holder's DID.
    Did,
    /// Verify a credential file and store it; prints its local id.
    Import {
        /// The credential: Data Integrity JSON, vc+jwt or SD-JWT.
        file: PathBuf,
        /// Store it even if it does not verify.
        #[arg(long)]
        force: bool,
    },
    /// List the stored credentials.
    List,
    /// Answer a verifier's challenge with a signed VerifiablePresentation.
    Present {
        /// The verifier's challenge.
        #[arg(long)]
        challenge: String,
        /// The verifier's domain.
        #[arg(long)]
        domain: String,
        /// The credentials to include (local id or credential id; default: every Data Integrity credential).
        #[arg(long = "credential", value_name = "ID")]
        credentials: Vec<String>,
        /// Where to write the presentation.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Make an SD-JWT presentation disclosing only the named claims, bound to the holder's key.
    PresentSd {
        /// The SD-JWT credential (local id or credential id).
        #[arg(long = "credential", value_name = "ID")]
        credential: String,
        /// Claims to disclose, comma separated: names (`degree`, `graduation year`) or JSON pointers (`/achievement`).
        #[arg(long, value_delimiter = ',', required = true)]
        disclose: Vec<String>,
        /// The verifier (the KB-JWT's `aud`).
        #[arg(long)]
        audience: String,
        /// The verifier's nonce.
        #[arg(long)]
        nonce: String,
        /// Where to write the presentation.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn print(json_out: bool, value: Value, text: impl FnOnce() -> String) {
    if json_out {
        println!("{value}");
    } else {
        println!("{}", text());
    }
}

fn write_output(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| WalletError::io(path, e))
}

async fn run(cli: Cli) -> Result<()> {
    let dir = cli.wallet.as_path();
    match cli.command {
        Command::Init { key_type } => {
            let key_type = match key_type {
                KeyTypeArg::Ed25519 => KeyType::Ed25519,
                KeyTypeArg::P256 => KeyType::P256,
            };
            let holder = Holder::create(dir, key_type)?;
            print(
                cli.json,
                json!({ "did": holder.did(), "wallet": dir.display().to_string() }),
                || holder.did().to_owned(),
            );
            Ok(())
        }
        Command::Did => {
            let holder = Holder::load(dir)?;
            print(cli.json, json!({ "did": holder.did() }), || holder.did().to_owned());
            Ok(())
        }
        Command::Import { file, force } => {
            let limits = Limits {
                max_input_bytes: cli.max_input_bytes,
                ..Limits::default()
            };
            import(dir, &cli.resolver, &file, force, cli.json, &limits).await
        }
        Command::List => {
            let all = Store::open(dir).list()?;
            if cli.json {
                let rows: Vec<Value> = all
                    .iter()
                    .map(|c| {
                        json!({ "localId": c.local_id, "format": format_name(c.format), "credentialId": c.credential_id,
                                "issuer": c.issuer, "types": c.types, "subject": c.subject, "verifiedOnImport": c.verified_on_import })
                    })
                    .collect();
                println!("{}", Value::Array(rows));
            } else if all.is_empty() {
                println!("no credentials in {}", dir.display());
            } else {
                for c in &all {
                    println!(
                        "{:>3}  {:<14} {:<40} issuer {}  [{}]",
                        c.local_id,
                        format_name(c.format),
                        c.credential_id.as_deref().unwrap_or("-"),
                        c.issuer,
                        c.types.join(", ")
                    );
                }
            }
            Ok(())
        }
        Command::Present {
            challenge,
            domain,
            credentials,
            output,
        } => {
            let holder = Holder::load(dir)?;
            let store = Store::open(dir);
            let chosen: Vec<StoredCredential> = if credentials.is_empty() {
                store
                    .list()?
                    .into_iter()
                    .filter(|c| c.format == xinlian_vc::verify::SecuredFormat::DataIntegrity)
                    .collect()
            } else {
                credentials.iter().map(|id| store.get(id)).collect::<Result<_>>()?
            };
            if chosen.is_empty() {
                return Err(WalletError::Input(format!(
                    "{}: no Data Integrity credential to present (import one first)",
                    dir.display()
                )));
            }
            let vp = present::presentation(&holder, &chosen, &challenge, &domain).await?;
            let text = serde_json::to_string_pretty(&vp).map_err(|e| WalletError::Input(e.to_string()))?;
            write_output(&output, &text)?;
            let ids: Vec<&str> = chosen.iter().map(|c| c.local_id.as_str()).collect();
            print(
                cli.json,
                json!({ "file": output.display().to_string(), "holder": holder.did(), "credentials": ids }),
                || {
                    format!(
                        "wrote {} (holder {}, credentials {})",
                        output.display(),
                        holder.did(),
                        ids.join(", ")
                    )
                },
            );
            Ok(())
        }
        Command::PresentSd {
            credential,
            disclose,
            audience,
            nonce,
            output,
        } => {
            let holder = Holder::load(dir)?;
            let stored = Store::open(dir).get(&credential)?;
            if stored.format != xinlian_vc::verify::SecuredFormat::SdJwt {
                return Err(WalletError::Input(format!(
                    "credential {credential} is {}, not an SD-JWT",
                    format_name(stored.format)
                )));
            }
            let sd_jwt =
                SdJwt::parse(&stored.text).map_err(|e| WalletError::Input(format!("credential {credential}: {e}")))?;
            let selection = present::select(&sd_jwt, &disclose);
            if !selection.missing.is_empty() {
                let held: Vec<&str> = sd_jwt.disclosures().iter().filter_map(|d| d.name()).collect();
                eprintln!(
                    "warning: credential {credential} has no disclosable claim for {} (it holds: {}); not disclosed",
                    selection.missing.join(", "),
                    held.join(", ")
                );
            }
            if selection.pointers.is_empty() {
                return Err(WalletError::Input(format!(
                    "credential {credential}: none of the requested claims ({}) can be disclosed",
                    disclose.join(", ")
                )));
            }
            let shown = present::sd_presentation(&holder, &sd_jwt, &selection.pointers, &audience, &nonce).await?;
            write_output(&output, &shown.to_string())?;
            print(
                cli.json,
                json!({ "file": output.display().to_string(), "disclosed": selection.pointers, "notDisclosable": selection.missing }),
                || {
                    format!(
                        "wrote {} disclosing {}",
                        output.display(),
                        selection.pointers.join(", ")
                    )
                },
            );
            Ok(())
        }
    }
}

/// `wallet import FILE`: verify (signatures, key authorization, validity)
/// with the configured resolver, then store.
/// The file is read up to `limits.max_input_bytes`: a larger one is
/// refused without being read whole.
async fn import(
    dir: &Path,
    resolver: &ResolverArgs,
    file: &Path,
    force: bool,
    json_out: bool,
    limits: &Limits,
) -> Result<()> {
    let holder = Holder::load(dir)?;
    let opened = std::fs::File::open(file).map_err(|e| WalletError::io(file, e))?;
    let text = limits.read_input(opened).map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => WalletError::Input(format!(
            "{}: {e}; raise the limit with --max-input-bytes",
            file.display()
        )),
        _ => WalletError::io(file, e),
    })?;
    let mut credential =
        StoredCredential::describe(&text).map_err(|e| WalletError::Input(format!("{}: {e}", file.display())))?;
    let resolver = resolver.resolver()?;
    let report = verify_any(&credential.text, resolver.as_ref(), &Policy::new().limits(*limits))
        .await
        .map_err(|e| WalletError::Input(format!("{}: {e}", file.display())))?;
    credential.verified_on_import = report.verified();
    let failures: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .map(|c| format!("{}: {}", c.check, c.detail))
        .collect();
    if !report.verified() && !force {
        return Err(WalletError::Refused(format!(
            "{} does not verify, not imported (use --force to keep it anyway):\n  {}",
            file.display(),
            failures.join("\n  ")
        )));
    }
    let for_holder = credential
        .subject
        .as_deref()
        .is_some_and(|s| s.split('#').next() == Some(holder.did()));
    if !for_holder {
        eprintln!(
            "warning: the credential's subject is {}, not this wallet's holder {}; presentations of it will fail holder binding",
            credential.subject.as_deref().unwrap_or("(none)"),
            holder.did()
        );
    }
    let local_id = Store::open(dir).add(credential.clone())?;
    print(
        json_out,
        json!({ "localId": local_id, "format": format_name(credential.format), "credentialId": credential.credential_id,
                "verified": credential.verified_on_import, "failures": failures }),
        || {
            format!(
                "imported {} as {local_id} ({}, {})",
                credential.credential_id.as_deref().unwrap_or("credential"),
                format_name(credential.format),
                if credential.verified_on_import {
                    "verified"
                } else {
                    "NOT verified, kept with --force"
                }
            )
        },
    );
    Ok(())
}
