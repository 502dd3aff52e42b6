//! Where DIDs are resolved: did:key and did:jwk locally; did:ethr and
//! did:web through a DID Resolution HTTP endpoint (`--resolver-url`, e.g. a
//! registrar's `serve`) or did:ethr from an embedded ledger file
//! (`--ledger`).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use xinlian_did_core::Resolver;
use xinlian_resolver::{EmbeddedLedger, EthrResolver, HttpResolver, MethodRegistry};

use crate::error::{Result, VerifierError};

/// Resolver options shared by the commands that verify.
#[derive(Debug, Clone, Args)]
pub struct ResolverArgs {
    /// Resolve did:ethr and did:web through this DID Resolution endpoint
    /// (e.g. http://127.0.0.1:8787/1.0/identifiers/).
    #[arg(long, global = true, env = "XINLIAN_RESOLVER_URL", value_name = "URL")]
    pub resolver_url: Option<String>,
    /// Resolve did:ethr from this embedded ledger file (a registrar's ledger.sqlite).
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "resolver_url")]
    pub ledger: Option<PathBuf>,
    /// The did:ethr network name the embedded ledger serves.
    #[arg(long, global = true, default_value = "0x539", value_name = "NAME")]
    pub ledger_network: String,
}

impl ResolverArgs {
    /// Builds the resolver these options describe.
    pub fn resolver(&self) -> Result<Arc<dyn Resolver>> {
        let mut registry = MethodRegistry::new();
        if let Some(url) = &self.resolver_url {
            let http: Arc<dyn Resolver> = Arc::new(
                HttpResolver::new(url).map_err(|e| VerifierError::Input(format!("--resolver-url {url}: {e}")))?,
            );
            for method in ["ethr", "web"] {
                registry
                    .register_arc(method, Arc::clone(&http))
                    .map_err(|e| VerifierError::Input(format!("registering {method}: {e}")))?;
            }
        }
        if let Some(path) = &self.ledger {
            if !path.is_file() {
                return Err(VerifierError::Input(format!(
                    "--ledger {}: no such file",
                    path.display()
                )));
            }
            let ledger = EmbeddedLedger::open(path)
                .map_err(|e| VerifierError::Input(format!("--ledger {}: {e}", path.display())))?;
            let ethr = EthrResolver::builder()
                .network(self.ledger_network.clone(), Arc::new(ledger))
                .build();
            registry
                .register("ethr", ethr)
                .map_err(|e| VerifierError::Input(format!("registering ethr: {e}")))?;
        }
        Ok(Arc::new(registry))
    }
}
