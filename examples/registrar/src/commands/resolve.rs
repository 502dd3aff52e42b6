//! `registrar resolve DID`.

use xinlian_did_core::resolution::resolution_result_json;
use xinlian_did_core::{Did, ResolutionOptions};

use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::resolver_for;

/// Resolves and prints a DID (the document, or the whole resolution result
/// with `--json`).
pub async fn run(home: &Home, did: &str, json: bool) -> Result<()> {
    let did = Did::parse(did).map_err(|e| CliError::Input(format!("{did:?}: {e}")))?;
    let resolver = resolver_for(home)?;
    let result = resolver.resolve(&did, &ResolutionOptions::default()).await;
    if json {
        println!("{}", resolution_result_json(&result));
        return result.map(|_| ()).map_err(|e| CliError::Failed(e.to_string()));
    }
    let resolution = result?;
    let pretty = serde_json::to_string_pretty(&resolution.document).map_err(|e| CliError::Input(e.to_string()))?;
    println!("{pretty}");
    if resolution.document_metadata.is_deactivated() {
        eprintln!("note: {did} is deactivated");
    }
    Ok(())
}
