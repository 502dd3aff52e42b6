//! `registrar revoke|suspend|reinstate`, and keeping the signed status list
//! credentials up to date.

use serde_json::{Value, json};
use time::OffsetDateTime;
use xinlian_vc::proof::{Cryptosuite, ProofOptions, add_proof};
use xinlian_vc::status::{BitstringStatusList, StatusPurpose, status_list_credential};
use xinlian_vc::{Credential, KeySigner, Limits, Signer};

use crate::cli::StatusArgs;
use crate::error::{CliError, Result};
use crate::institution::Institution;
use crate::store::{LIST_SIZE, StatusColumn, Store};

/// What a status command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Set the revocation bit (permanent).
    Revoke,
    /// Set the suspension bit.
    Suspend,
    /// Clear the suspension bit.
    Reinstate,
}

const PURPOSES: [(StatusPurpose, StatusColumn); 2] = [
    (StatusPurpose::Revocation, StatusColumn::Revoked),
    (StatusPurpose::Suspension, StatusColumn::Suspended),
];

/// The URL a status list is published at.
pub fn list_url(inst: &Institution, list_number: u64, purpose: StatusPurpose) -> String {
    format!("{}/status/{list_number}/{}", inst.profile.public_url, purpose.as_str())
}

/// The Data Integrity suite the institution's key signs status lists with.
fn list_suite(signer: &KeySigner) -> Result<Cryptosuite> {
    Cryptosuite::for_key_type(signer.key_type()).ok_or_else(|| {
        CliError::Input(format!(
            "status lists need a Data Integrity suite, and none signs with {} keys",
            signer.key_type()
        ))
    })
}

/// Signs list `n` for `purpose` as the log says it is now.
async fn sign_list(
    inst: &Institution,
    store: &Store,
    signer: &KeySigner,
    n: u64,
    purpose: StatusPurpose,
    column: StatusColumn,
) -> Result<String> {
    let mut list = BitstringStatusList::new(LIST_SIZE)?;
    for index in store.set_indexes(n, column)? {
        list.set(index, true)?;
    }
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let unsigned = status_list_credential(&list_url(inst, n, purpose), &inst.profile.did, purpose, &list, now)?;
    let signed = add_proof(
        unsigned.as_object(),
        &ProofOptions::new().cryptosuite(list_suite(signer)?),
        signer,
    )
    .await?;
    serde_json::to_string(&Value::Object(signed)).map_err(|e| CliError::Input(e.to_string()))
}

/// Signs status list credentials for lists that have none yet.
pub async fn ensure_lists(inst: &Institution, store: &mut Store, signer: &KeySigner) -> Result<()> {
    for n in store.list_numbers()? {
        for (purpose, column) in PURPOSES {
            if store.list_credential(n, purpose.as_str())?.is_none() {
                let text = sign_list(inst, store, signer, n, purpose, column).await?;
                // A status command may have signed it meanwhile, with newer bits.
                store.put_list_credential_if_absent(n, purpose.as_str(), &text)?;
            }
        }
    }
    Ok(())
}

/// Re-signs every status list with `signer` (after a key rotation), under
/// the database's write lock.
pub async fn resign_all(inst: &Institution, signer: &KeySigner) -> Result<()> {
    let store = Store::open(&inst.home.db_path())?;
    store.begin_write()?;
    for n in store.list_numbers()? {
        for (purpose, column) in PURPOSES {
            let text = sign_list(inst, &store, signer, n, purpose, column).await?;
            store.put_list_credential(n, purpose.as_str(), &text)?;
        }
    }
    store.commit()
}

/// Reads the credential id from an argument that is an id or a file.
/// A file is read up to `limits.max_input_bytes`.
fn credential_id(arg: &str, limits: &Limits) -> Result<String> {
    let path = std::path::Path::new(arg);
    if !path.is_file() {
        return Ok(arg.to_owned());
    }
    let text = crate::commands::verify::read_input(path, limits)?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        return Credential::from_json_with_limits(trimmed, limits)?
            .id()
            .map(str::to_owned)
            .ok_or_else(|| CliError::Input(format!("{arg}: the credential has no id")));
    }
    crate::commands::verify::jwt_credential_id(trimmed)
        .ok_or_else(|| CliError::Input(format!("{arg}: cannot find a credential id in this file")))
}

/// The outcome of a status command.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    /// The credential.
    pub credential_id: String,
    /// `active`, `suspended` or `revoked`.
    pub status: &'static str,
    /// The list that changed.
    pub status_list: String,
    /// The credential's index in it.
    pub status_list_index: u64,
}

/// Runs a status command and prints what changed.
pub async fn run(inst: &Institution, action: Action, args: &StatusArgs) -> Result<()> {
    let change = apply(inst, action, &args.credential, &args.input.limits()).await?;
    let json = args.json;
    if json {
        println!("{}", json!(change));
    } else {
        println!(
            "{}: {} (list {} index {})",
            change.credential_id, change.status, change.status_list, change.status_list_index
        );
    }
    Ok(())
}

/// Sets or clears the credential's status bit and re-signs its list.
/// `credential` is an id or a file (read up to `limits.max_input_bytes`).
pub async fn apply(inst: &Institution, action: Action, credential: &str, limits: &Limits) -> Result<StatusChange> {
    let id = credential_id(credential, limits)?;
    // The key first: a wrong passphrase must change nothing.
    let signer = inst.status_signer(&inst.signer().await?).await?;
    let mut store = Store::open(&inst.home.db_path())?;
    // Flag, re-sign and store under one write lock, so concurrent status
    // commands cannot store a list signed without each other's bits; any
    // error before the commit rolls the flag back.
    store.begin_write()?;
    let existing = store
        .by_credential_id(&id)?
        .ok_or_else(|| CliError::Input(format!("{id} was not issued by this registrar")))?;
    if action == Action::Reinstate && existing.revoked {
        return Err(CliError::Input(format!("{id} is revoked; revocation is permanent")));
    }
    let (column, value, purpose) = match action {
        Action::Revoke => (StatusColumn::Revoked, true, StatusPurpose::Revocation),
        Action::Suspend => (StatusColumn::Suspended, true, StatusPurpose::Suspension),
        Action::Reinstate => (StatusColumn::Suspended, false, StatusPurpose::Suspension),
    };
    let row = store.set_flag(&id, column, value)?;
    ensure_lists(inst, &mut store, &signer).await?;
    let text = sign_list(inst, &store, &signer, row.list_number, purpose, column).await?;
    store.put_list_credential(row.list_number, purpose.as_str(), &text)?;
    store.commit()?;
    let state = if row.revoked {
        "revoked"
    } else if row.suspended {
        "suspended"
    } else {
        "active"
    };
    Ok(StatusChange {
        credential_id: id,
        status: state,
        status_list: list_url(inst, row.list_number, purpose),
        status_list_index: row.status_index,
    })
}
