//! `registrar serve`: DID resolution, status lists and the did:web document
//! over HTTP, for a small deployment.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use xinlian_resolver::http::{ServerOptions, router_with_options, serve_with_options, shutdown_signal, with_limits};

use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::resolver_for;
use crate::store::Store;

struct Published {
    store: Option<Mutex<Store>>,
    did_json: Option<Vec<u8>>,
}

async fn status_list(State(p): State<Arc<Published>>, Path((n, purpose)): Path<(u64, String)>) -> Response {
    let Some(store) = &p.store else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let found = match store.lock() {
        Ok(store) => store.list_credential(n, &purpose),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match found {
        Ok(Some(text)) => ([(header::CONTENT_TYPE, "application/vc+ld+json")], text).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn serve_did_json(State(p): State<Arc<Published>>) -> Response {
    match &p.did_json {
        Some(bytes) => ([(header::CONTENT_TYPE, "application/did+json")], bytes.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The registrar's routes (status lists, did.json) merged with the DID
/// resolution API, all under its limits ([`ServerOptions::default`]: 64 KiB
/// bodies, 16 KiB request heads and so URLs, 10 s per request).
pub async fn app(home: &Home) -> Result<Router> {
    let store = if home.db_path().is_file() {
        Some(Mutex::new(Store::open(&home.db_path())?))
    } else {
        None
    };
    let did_json = std::fs::read(home.did_web_document_path()).ok();
    let published = Arc::new(Published { store, did_json });
    let ours = Router::new()
        .route("/status/{n}/{purpose}", get(status_list))
        .route("/.well-known/did.json", get(serve_did_json))
        .with_state(published);
    // The status list and did.json routes get the resolver API's limits
    // (body size, request timeout) too: merging alone would not give them.
    let options = ServerOptions::default();
    Ok(router_with_options(resolver_for(home).await?, &options).merge(with_limits(ours, &options)))
}

/// Serves until ctrl-c or SIGTERM.
pub async fn run(home: &Home, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::Input(format!("{addr}: {e}")))?;
    eprintln!("serving on http://{addr} (DID resolution at /1.0/identifiers/{{did}}, status lists at /status/…)");
    serve_with_options(listener, app(home).await?, &ServerOptions::default(), shutdown_signal()).await?;
    Ok(())
}
