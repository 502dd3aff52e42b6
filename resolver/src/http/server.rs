//! The DID Resolution HTTP server: an axum [`Router`] over any
//! [`Resolver`], and a hyper accept loop with limits and graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tracing::{Instrument, Span, field};
use xinlian_did_core::resolution::{DID_RESOLUTION_CONTEXT, DID_RESOLUTION_MEDIA_TYPE, resolution_result_json};
use xinlian_did_core::{
    Dereferenced, Did, DidUrl, Document, DocumentMetadata, Error as DidError, Representation, Resolution,
    ResolutionMetadata, ResolutionOptions, Resolver, dereference,
};

use super::{HEALTH_PATH, IDENTIFIERS_PATH, ResponseFormat, percent_decode, status_for};
use crate::error::{Error, Result};

/// Limits and timeouts of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOptions {
    /// Longest time one request may take (resolution included); past it the
    /// client gets `504` with an `internalError` result.
    pub request_timeout: Duration,
    /// Largest request head (request line and headers, so the URI too);
    /// larger ones are refused with `431`. At least 8 KiB are always allowed.
    pub max_header_bytes: usize,
    /// Largest request body; a larger `Content-Length` is refused with `413`.
    pub max_body_bytes: usize,
    /// Time a client has to send a complete request head before the
    /// connection is closed (slow-client protection).
    pub header_read_timeout: Duration,
    /// Most connections served at once; further ones wait to be accepted.
    pub max_connections: usize,
    /// After shutdown is signalled, how long in-flight requests may take to
    /// finish before their connections are dropped.
    pub shutdown_grace: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            request_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            max_body_bytes: 64 * 1024,
            header_read_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// hyper never accepts a smaller read buffer than this.
const MIN_BUF_BYTES: usize = 8192;

#[derive(Clone)]
struct AppState {
    resolver: Arc<dyn Resolver>,
}

#[derive(Clone, Copy)]
struct Limits {
    request_timeout: Duration,
    max_body_bytes: usize,
}

/// The resolver's routes (`GET /1.0/identifiers/{did-or-did-url}` and
/// `GET /health`) with [`ServerOptions::default`] limits. Routes merged in
/// later with [`Router::merge`] do not get these limits (axum applies a
/// layer to the routes that exist when it is added): pass them through
/// [`with_limits`] first.
pub fn router(resolver: Arc<dyn Resolver>) -> Router {
    router_with_options(resolver, &ServerOptions::default())
}

/// [`router`] with the request timeout and body limit of `options`.
pub fn router_with_options(resolver: Arc<dyn Resolver>, options: &ServerOptions) -> Router {
    let routes = Router::new()
        .route(HEALTH_PATH, get(health))
        .route(IDENTIFIERS_PATH, get(identifiers))
        .route(&format!("{IDENTIFIERS_PATH}{{*identifier}}"), get(identifiers))
        .with_state(AppState { resolver });
    with_limits(routes, options)
}

/// Puts the request timeout, the body limit (a larger `Content-Length` is
/// refused with `413` before the handler runs) and request logging of
/// `options` on every route `app` has now. Use it on routes to be merged
/// into a [`router`], so that they are bounded like the resolver's own.
pub fn with_limits(app: Router, options: &ServerOptions) -> Router {
    let limits = Limits {
        request_timeout: options.request_timeout,
        max_body_bytes: options.max_body_bytes,
    };
    app.layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(middleware::from_fn_with_state(limits, request_layer))
}

/// Serves `resolver` on `listener` with default options until `shutdown`
/// completes, then lets in-flight requests finish (up to
/// [`ServerOptions::shutdown_grace`]).
pub async fn serve(
    listener: TcpListener,
    resolver: Arc<dyn Resolver>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let options = ServerOptions::default();
    serve_with_options(listener, router_with_options(resolver, &options), &options, shutdown).await
}

/// Serves `app` (a [`router`], maybe with more routes merged in) on
/// `listener` over HTTP/1.1 with keep-alive, the connection and header
/// limits of `options`, until `shutdown` completes. Then it stops
/// accepting, asks every connection to close once its current request is
/// answered, and waits up to [`ServerOptions::shutdown_grace`] for them.
pub async fn serve_with_options(
    listener: TcpListener,
    app: Router,
    options: &ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let local_addr = listener.local_addr().map_err(|source| Error::Server {
        action: "reading the listening address",
        source,
    })?;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_buf_size(options.max_header_bytes.max(MIN_BUF_BYTES))
        .max_header_size(options.max_header_bytes)
        .keep_alive(true);
    let http = Arc::new(http);
    let connection_slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tracing::info!(%local_addr, "resolver listening");

    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accept = async {
            let slot = connection_slots.clone().acquire_owned().await;
            (slot, listener.accept().await)
        };
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            (slot, accepted) = accept => {
                let Ok(slot) = slot else { break };
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Usually out of file descriptors: back off and retry.
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                if let Err(e) = stream.set_nodelay(true) {
                    tracing::debug!(error = %e, %peer, "could not set TCP_NODELAY");
                }
                let http = http.clone();
                let service = TowerToHyperService::new(app.clone());
                let mut stop = stop_rx.clone();
                connections.spawn(async move {
                    let _slot = slot;
                    let connection = http.serve_connection(TokioIo::new(stream), service);
                    let mut connection = std::pin::pin!(connection);
                    let result = tokio::select! {
                        result = connection.as_mut() => result,
                        _ = stop.changed() => {
                            connection.as_mut().graceful_shutdown();
                            connection.await
                        }
                    };
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection ended with an error");
                    }
                });
            }
        }
    }

    tracing::info!(connections = connections.len(), "shutting down: draining connections");
    let _ = stop_tx.send(true);
    drop(listener);
    let drained = tokio::time::timeout(options.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            grace = ?options.shutdown_grace,
            "connections still open after the grace period: closing them"
        );
        connections.shutdown().await;
    }
    tracing::info!("resolver stopped");
    Ok(())
}

/// Completes on ctrl-c (SIGINT) or, on Unix, SIGTERM: pass it to [`serve`].
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("ctrl-c received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

/// One span per request (method, route, DID method, status, latency),
/// the body limit on `Content-Length`, and the request timeout.
async fn request_layer(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // The route template, never the raw path: paths hold DIDs and, on
    // merged routes, maybe more than should be logged.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!(
        "request",
        http.method = %request.method(),
        route,
        did.method = field::Empty,
    );
    let declared_length = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let response = if declared_length.is_some_and(|n| n > limits.max_body_bytes as u64) {
        let mut response = plain_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is larger than {} bytes", limits.max_body_bytes),
        );
        response
            .headers_mut()
            .insert(axum::http::header::CONNECTION, HeaderValue::from_static("close"));
        response
    } else {
        match tokio::time::timeout(limits.request_timeout, next.run(request).instrument(span.clone())).await {
            Ok(response) => response,
            Err(_) => error_response(
                StatusCode::GATEWAY_TIMEOUT,
                &DidError::Internal {
                    message: format!("the request took longer than {:?}", limits.request_timeout),
                },
                false,
            ),
        }
    };
    let status = response.status().as_u16();
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    if response.status().is_server_error() {
        tracing::warn!(parent: &span, status, latency_us, "request failed");
    } else {
        tracing::info!(parent: &span, status, latency_us, "request");
    }
    response
}

async fn health() -> Response {
    json_response(StatusCode::OK, "application/json", br#"{"status":"ok"}"#.to_vec())
}

/// A parsed request target: the DID URL and the options its form carries.
#[derive(Debug)]
struct Target {
    url: DidUrl,
    options: ResolutionOptions,
}

/// Reads the DID URL and options from the path after
/// [`IDENTIFIERS_PATH`] and the HTTP query (see the module docs for the
/// encoded and raw forms).
fn parse_target(raw: &str, http_query: Option<&str>) -> Result<Target, DidError> {
    let is_encoded = raw.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("did%3a"));
    let (text, options) = if is_encoded {
        let decoded = percent_decode(raw).ok_or(DidError::InvalidDidUrl {
            offset: 0,
            expected: "a percent-encoded UTF-8 DID URL",
        })?;
        (decoded, options_from_query(http_query)?)
    } else {
        let (before, fragment) = match raw.find("%23") {
            Some(i) => (&raw[..i], Some(&raw[i + 3..])),
            None => (raw, None),
        };
        let mut text = String::with_capacity(raw.len() + http_query.map_or(0, |q| q.len() + 1));
        text.push_str(before);
        if let Some(q) = http_query {
            text.push('?');
            text.push_str(q);
        }
        if let Some(f) = fragment {
            text.push('#');
            text.push_str(f);
        }
        (text, ResolutionOptions::default())
    };
    let url = match DidUrl::parse(&text) {
        Ok(url) => url,
        // Report a bare identifier's problem as an invalid DID.
        Err(e) if !text.contains(['/', '?', '#']) => return Err(Did::parse(&text).err().unwrap_or(e)),
        Err(e) => return Err(e),
    };
    Ok(Target { url, options })
}

/// Resolution options from an encoded-form HTTP query: `versionId`,
/// `versionTime`, `noCache` (`true`/`false`), `accept` is ignored (the
/// header decides), the rest are method-specific strings.
fn options_from_query(query: Option<&str>) -> Result<ResolutionOptions, DidError> {
    let mut options = ResolutionOptions::default();
    let Some(query) = query else { return Ok(options) };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_decode(&s.replace('+', " ")).ok_or_else(|| DidError::InvalidOptions {
                option: name.to_owned(),
                reason: "not percent-encoded UTF-8".into(),
            })
        };
        let (name, value) = (decode(name)?, decode(value)?);
        match name.as_str() {
            "versionId" => options.version_id = Some(value),
            "versionTime" => options.version_time = Some(value),
            "noCache" => {
                options.no_cache = match value.as_str() {
                    "true" | "" => true,
                    "false" => false,
                    _ => {
                        return Err(DidError::InvalidOptions {
                            option: name,
                            reason: format!("expected true or false, got {value:?}"),
                        });
                    }
                }
            }
            "accept" => {}
            _ => {
                options.extra.insert(name, Value::String(value));
            }
        }
    }
    Ok(options)
}

async fn identifiers(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let accept = headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = match ResponseFormat::negotiate(accept) {
        Ok(format) => format,
        Err(e) => return error_response(status_for(e.kind()), &e, false),
    };
    let path = uri.path();
    let raw = path
        .strip_prefix(IDENTIFIERS_PATH)
        .or_else(|| path.find(IDENTIFIERS_PATH).map(|i| &path[i + IDENTIFIERS_PATH.len()..]))
        .unwrap_or("");
    let Target { url, mut options } = match parse_target(raw, uri.query()) {
        Ok(target) => target,
        Err(e) => return error_response(status_for(e.kind()), &e, false),
    };
    Span::current().record("did.method", url.method());
    if headers
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|d| d.trim().eq_ignore_ascii_case("no-cache")))
    {
        options.no_cache = true;
    }
    options.accept = Some(format.representation().media_type().to_owned());

    let is_resolution = url.path().is_none() && url.fragment().is_none() && url.query_param("service").is_none();
    if is_resolution {
        if let Some(v) = url.query_param("versionId") {
            options.version_id = Some(v);
        }
        if let Some(t) = url.query_param("versionTime") {
            options.version_time = Some(t);
        }
        let result = state.resolver.resolve(&url.did(), &options).await;
        resolution_response(format, result)
    } else {
        let result = dereference(state.resolver.as_ref(), &url, &options).await;
        dereferencing_response(format, result)
    }
}

fn resolution_response(format: ResponseFormat, result: xinlian_did_core::Result<Resolution>) -> Response {
    let resolution = match result {
        Ok(resolution) => resolution,
        Err(e) => return error_response(status_for(e.kind()), &e, false),
    };
    let status = if resolution.document_metadata.is_deactivated() {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    let body = match format {
        ResponseFormat::Resolution => resolution_result_bytes(&resolution),
        ResponseFormat::Document(representation) => document_bytes(representation, &resolution.document),
    };
    json_response(status, format.media_type(), body)
}

/// The bytes of [`resolution_result_json`] for a success, serialized
/// directly (no intermediate `Value`: this is the hot path).
fn resolution_result_bytes(resolution: &Resolution) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct ResultBody<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "didDocument")]
        document: &'a Document,
        #[serde(rename = "didResolutionMetadata")]
        resolution_metadata: &'a ResolutionMetadata,
        #[serde(rename = "didDocumentMetadata")]
        document_metadata: &'a DocumentMetadata,
    }
    let body = ResultBody {
        context: DID_RESOLUTION_CONTEXT,
        document: &resolution.document,
        resolution_metadata: &resolution.resolution_metadata,
        document_metadata: &resolution.document_metadata,
    };
    match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(_) => to_json_bytes(&resolution_result_json(&Ok(resolution.clone()))),
    }
}

/// The bytes of [`Representation::serialize`], directly when the document
/// needs no change (plain JSON, or JSON-LD that has its `@context`).
fn document_bytes(representation: Representation, document: &Document) -> Vec<u8> {
    let as_is = representation == Representation::Json || document.context.is_some();
    match as_is.then(|| serde_json::to_vec(document)) {
        Some(Ok(bytes)) => bytes,
        _ => representation.serialize(document),
    }
}

fn dereferencing_response(
    format: ResponseFormat,
    result: xinlian_did_core::Result<xinlian_did_core::Dereferencing>,
) -> Response {
    let dereferencing = match result {
        Ok(d) => d,
        Err(e) => return error_response(status_for(e.kind()), &e, true),
    };
    let status = if dereferencing.document_metadata.is_deactivated() {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    let representation = format.representation();
    let (content, content_type) = match dereferencing.content {
        Dereferenced::Document(document) => (
            serde_json::from_slice(&representation.serialize(&document)).unwrap_or(Value::Null),
            representation.media_type(),
        ),
        Dereferenced::VerificationMethod(vm) => (resource_json(&*vm, representation), representation.media_type()),
        Dereferenced::Service(service) => (resource_json(&service, representation), representation.media_type()),
        Dereferenced::ServiceEndpoints(endpoints) => {
            let Some(first) = endpoints.first() else {
                let e = DidError::NotFound {
                    what: "a service endpoint".into(),
                };
                return error_response(status_for(e.kind()), &e, true);
            };
            if format == ResponseFormat::Resolution {
                let body = dereferencing_result(
                    Value::String(first.clone()),
                    "text/uri-list",
                    &dereferencing.document_metadata,
                );
                return json_response(status, DID_RESOLUTION_MEDIA_TYPE, body);
            }
            let Ok(location) = HeaderValue::from_str(first) else {
                let e = DidError::Internal {
                    message: "the service endpoint cannot be sent in a Location header".into(),
                };
                return error_response(status_for(e.kind()), &e, true);
            };
            let mut list = endpoints.join("\r\n");
            list.push_str("\r\n");
            let mut response = (StatusCode::SEE_OTHER, list).into_response();
            let headers = response.headers_mut();
            headers.insert(LOCATION, location);
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/uri-list"));
            return response;
        }
    };
    match format {
        ResponseFormat::Resolution => json_response(
            status,
            DID_RESOLUTION_MEDIA_TYPE,
            dereferencing_result(content, content_type, &dereferencing.document_metadata),
        ),
        ResponseFormat::Document(_) => json_response(status, content_type, to_json_bytes(&content)),
    }
}

/// A verification method or service as JSON; in JSON-LD it gets the DID
/// Core context so it stands alone.
fn resource_json(resource: &impl serde::Serialize, representation: Representation) -> Value {
    let value = serde_json::to_value(resource).unwrap_or(Value::Null);
    match (representation, value) {
        (Representation::JsonLd, Value::Object(map)) if !map.contains_key("@context") => {
            let mut with_context = Map::new();
            with_context.insert(
                "@context".into(),
                Value::String(xinlian_did_core::document::DID_CONTEXT_V1.into()),
            );
            with_context.extend(map);
            Value::Object(with_context)
        }
        (_, value) => value,
    }
}

fn dereferencing_result(content: Value, content_type: &str, metadata: &DocumentMetadata) -> Vec<u8> {
    to_json_bytes(&json!({
        "@context": DID_RESOLUTION_CONTEXT,
        "contentStream": content,
        "dereferencingMetadata": { "contentType": content_type },
        "contentMetadata": metadata,
    }))
}

/// An error as a resolution result (or, for a DID URL, a dereferencing
/// result) with the given status.
fn error_response(status: StatusCode, error: &DidError, dereferencing: bool) -> Response {
    let body = if dereferencing {
        json!({
            "@context": DID_RESOLUTION_CONTEXT,
            "contentStream": null,
            "dereferencingMetadata": { "error": error.kind().as_str(), "errorMessage": error.to_string() },
            "contentMetadata": {},
        })
    } else {
        resolution_result_json(&Err(error.clone()))
    };
    json_response(status, DID_RESOLUTION_MEDIA_TYPE, to_json_bytes(&body))
}

fn plain_error(status: StatusCode, message: String) -> Response {
    json_response(
        status,
        "application/json",
        to_json_bytes(&json!({ "error": status.canonical_reason().unwrap_or("error"), "errorMessage": message })),
    )
}

fn to_json_bytes(value: &Value) -> Vec<u8> {
    // Serializing a `Value` to memory cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

fn json_response(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_form_takes_the_http_query_and_an_encoded_fragment() {
        let t = parse_target("did:example:123%23key-1", Some("service=files")).unwrap();
        assert_eq!(t.url.as_str(), "did:example:123?service=files#key-1");
        assert_eq!(t.options, ResolutionOptions::default());
        let t = parse_target("did:web:example.com%3A8080", None).unwrap();
        assert_eq!(t.url.as_str(), "did:web:example.com%3A8080");
    }

    #[test]
    fn encoded_form_decodes_once_and_reads_options_from_the_query() {
        let t = parse_target(
            "did%3Aexample%3A123%3Fservice%3Dfiles%26relativeRef%3D%252Fa%23key-1",
            Some("versionId=7&noCache=true&network=main+net"),
        )
        .unwrap();
        assert_eq!(t.url.as_str(), "did:example:123?service=files&relativeRef=%2Fa#key-1");
        assert_eq!(t.options.version_id.as_deref(), Some("7"));
        assert!(t.options.no_cache);
        assert_eq!(t.options.extra.get("network"), Some(&Value::String("main net".into())));
        let err = parse_target("did%3Aexample%3A1", Some("noCache=maybe")).unwrap_err();
        assert_eq!(err.kind(), xinlian_did_core::ErrorKind::InvalidOptions);
    }

    #[test]
    fn direct_serialization_matches_did_core() {
        use xinlian_did_core::{KeyType, SecretKey, StatelessResolver, method::key};
        let did = key::did_for(&SecretKey::generate(KeyType::P256).unwrap().public_key());
        let mut resolution = StatelessResolver::new()
            .resolve_sync(&did, &ResolutionOptions::default())
            .unwrap();
        resolution.document_metadata.deactivated = Some(true);
        resolution
            .document_metadata
            .extra
            .insert("network".into(), json!("dev"));
        let want = serde_json::to_vec(&resolution_result_json(&Ok(resolution.clone()))).unwrap();
        assert_eq!(resolution_result_bytes(&resolution), want);
        for representation in [Representation::Json, Representation::JsonLd] {
            let mut document = resolution.document.clone();
            assert_eq!(
                document_bytes(representation, &document),
                representation.serialize(&document)
            );
            document.context = None;
            assert_eq!(
                document_bytes(representation, &document),
                representation.serialize(&document)
            );
        }
    }

    #[test]
    fn bad_identifiers_are_invalid_did_or_invalid_did_url() {
        use xinlian_did_core::ErrorKind;
        for (raw, query, kind) in [
            ("", None, ErrorKind::InvalidDid),
            ("not-a-did", None, ErrorKind::InvalidDid),
            ("did:Example:1", None, ErrorKind::InvalidDid),
            ("did%3Aexample%3A1%ZZ", None, ErrorKind::InvalidDidUrl),
            ("did:example:1/%zz", None, ErrorKind::InvalidDidUrl),
            ("did:example:1", Some("a b"), ErrorKind::InvalidDidUrl),
        ] {
            assert_eq!(parse_target(raw, query).unwrap_err().kind(), kind, "{raw}");
        }
    }
}
