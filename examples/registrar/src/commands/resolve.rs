//! `registrar resolve DID`.

use serde_json::json;
use xinlian_did_core::resolution::resolution_result_json;
use xinlian_did_core::{DidUrl, ResolutionOptions};

use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::resolver_for;

/// Resolves and prints a DID (the document, or the whole resolution result
/// with `--json`). A DID URL with a fragment prints the verification method
/// it names.
pub async fn run(home: &Home, did_or_url: &str, json: bool) -> Result<()> {
    let url = DidUrl::parse(did_or_url).map_err(|e| CliError::Input(format!("{did_or_url:?}: {e}")))?;
    let did = url.did();
    let resolver = resolver_for(home).await?;
    let result = resolver.resolve(&did, &ResolutionOptions::default()).await;
    if url.fragment().is_some() {
        let resolution = result.map_err(|e| CliError::Failed(format!("{did} does not resolve: {e}")))?;
        let method = resolution
            .document
            .verification_method(url.as_str())
            .ok_or_else(|| CliError::Failed(format!("{did}'s document has no {url}")))?;
        let text = if json {
            json!({ "didUrl": url.as_str(), "contentStream": method }).to_string()
        } else {
            serde_json::to_string_pretty(method).map_err(|e| CliError::Input(e.to_string()))?
        };
        println!("{text}");
        return Ok(());
    }
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
