//! `registrar publish --out-dir DIR`: the files a static web server needs.

use std::path::Path;

use serde_json::json;

use crate::error::{CliError, Result};
use crate::institution::Institution;
use crate::output::{Existing, PUBLIC_MODE, write_file};
use crate::store::Store;

/// Writes `status/<n>/<purpose>` for every status list and, for did:web,
/// `.well-known/did.json` (or `<path>/did.json`), under `out_dir`.
pub async fn run(inst: &Institution, out_dir: &Path, json: bool) -> Result<()> {
    let mut store = Store::open(&inst.home.db_path())?;
    let signer = inst.signer().await?;
    crate::commands::status::ensure_lists(inst, &mut store, &inst.status_signer(&signer).await?).await?;
    let mut written = Vec::new();
    for n in store.list_numbers()? {
        for purpose in ["revocation", "suspension"] {
            if let Some(text) = store.list_credential(n, purpose)? {
                let path = out_dir.join("status").join(n.to_string()).join(purpose);
                write_file(&path, text.as_bytes(), Existing::Replace, PUBLIC_MODE)?;
                written.push(path.display().to_string());
            }
        }
    }
    if let Some(domain) = &inst.profile.web_domain {
        let doc = inst.home.did_web_document_path();
        let bytes = std::fs::read(&doc).map_err(|e| CliError::io(&doc, e))?;
        // did:web:host[:path:segments] → /path/segments/did.json, or /.well-known/did.json.
        let msid = inst.profile.did.trim_start_matches("did:web:");
        let segments: Vec<&str> = msid.split(':').skip(1).collect();
        // The segments become directories under `out_dir`: none may leave it.
        if let Some(bad) = segments
            .iter()
            .find(|s| s.is_empty() || **s == "." || **s == ".." || s.contains(['/', '\\', '\0']))
        {
            return Err(CliError::Input(format!(
                "{}: the path segment {bad:?} cannot be a directory name under --out-dir",
                inst.profile.did
            )));
        }
        let path = if segments.is_empty() {
            out_dir.join(".well-known").join("did.json")
        } else {
            segments
                .iter()
                .fold(out_dir.to_path_buf(), |p, s| p.join(s))
                .join("did.json")
        };
        write_file(&path, &bytes, Existing::Replace, PUBLIC_MODE)?;
        written.push(path.display().to_string());
        let _ = domain;
    }
    if json {
        println!("{}", json!({ "written": written }));
    } else {
        for w in &written {
            println!("wrote {w}");
        }
    }
    Ok(())
}
