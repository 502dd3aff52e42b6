//! did:web against real HTTP servers on 127.0.0.1: resolution, limits,
//! redirects and the SSRF guard end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use xinlian_did_core::{
    Did, Document, ErrorKind, KeyType, Relationship, ResolutionOptions, Resolver, SecretKey, VerificationMethod,
};
use xinlian_resolver::web::{AddressClass, WebError};
use xinlian_resolver::{MethodRegistry, WebOptions, WebResolver};

/// A valid DID document for `did`, with one Ed25519 key.
fn document_json(did: &str) -> String {
    let did = Did::parse(did).unwrap();
    let key = SecretKey::generate(KeyType::Ed25519).unwrap().public_key();
    let mut doc = Document::new(did.clone());
    let id = did.with_fragment("key-1").unwrap();
    doc.add_verification_method(
        VerificationMethod::multikey(&id, &did, &key),
        &[Relationship::Authentication, Relationship::AssertionMethod],
    );
    serde_json::to_string(&doc).unwrap()
}

fn did_json(body: String) -> Response {
    ([(CONTENT_TYPE, "application/did+json")], body).into_response()
}

fn redirect(to: String) -> Response {
    (StatusCode::FOUND, [(LOCATION, to)]).into_response()
}

/// A did:web server on `ip`, port chosen by the OS. Counts the requests it
/// receives.
struct Server {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Server {
    async fn start(ip: &str) -> Server {
        Self::start_with(ip, |_| Router::new()).await
    }

    /// Starts a server whose routes are the standard ones plus `extra(authority)`.
    async fn start_with(ip: &str, extra: impl FnOnce(&str) -> Router) -> Server {
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        // The host segment of DIDs naming this server.
        let authority = format!("{}%3A{}", addr.ip(), addr.port());
        let a = authority.clone();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        let app = Router::new()
            .route(
                "/.well-known/did.json",
                get({
                    let a = a.clone();
                    move || async move { did_json(document_json(&format!("did:web:{a}"))) }
                }),
            )
            .route(
                "/user/alice/did.json",
                get({
                    let a = a.clone();
                    move || async move { did_json(document_json(&format!("did:web:{a}:user:alice"))) }
                }),
            )
            .route(
                "/plain-json/did.json",
                get({
                    let a = a.clone();
                    move || async move {
                        (
                            [(CONTENT_TYPE, "application/json; charset=utf-8")],
                            document_json(&format!("did:web:{a}:plain-json")),
                        )
                    }
                }),
            )
            .route(
                "/no-type/did.json",
                get({
                    let a = a.clone();
                    move || async move {
                        let mut response = document_json(&format!("did:web:{a}:no-type")).into_response();
                        response.headers_mut().remove(CONTENT_TYPE);
                        response
                    }
                }),
            )
            .route(
                "/wrong-id/did.json",
                get({
                    let a = a.clone();
                    move || async move { did_json(document_json(&format!("did:web:{a}:someone-else"))) }
                }),
            )
            .route(
                "/html/did.json",
                get(|| async { ([(CONTENT_TYPE, "text/html")], "<html>login</html>") }),
            )
            .route("/not-json/did.json", get(|| async { did_json("{not json".into()) }))
            .route(
                "/bad-document/did.json",
                get(|| async { did_json(r#"{"id": "not a did"}"#.into()) }),
            )
            .route(
                "/latin1/did.json",
                get(|| async { ([(CONTENT_TYPE, "application/json")], vec![b'{', 0xff, b'}']) }),
            )
            .route(
                "/error/did.json",
                get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
            )
            .route("/gone/did.json", get(|| async { StatusCode::GONE }))
            .route(
                "/big/did.json",
                get(|| async { did_json(format!("{{\"id\": \"{}\"}}", "x".repeat(2 * 1024 * 1024))) }),
            )
            .route(
                "/slow/did.json",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    "too late"
                }),
            )
            .route(
                "/moved/did.json",
                get(|| async { redirect("/moved-here/did.json".into()) }),
            )
            .route(
                "/moved-here/did.json",
                get({
                    let a = a.clone();
                    move || async move { did_json(document_json(&format!("did:web:{a}:moved"))) }
                }),
            )
            .route("/loop/did.json", get(|| async { redirect("/loop/did.json".into()) }))
            .merge(extra(&authority))
            .layer(middleware::from_fn(
                move |request: Request<axum::body::Body>, next: Next| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    next.run(request)
                },
            ));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Server { addr, hits }
    }

    /// `did:web:<ip>%3A<port>[:<path>]`.
    fn did(&self, path: &str) -> Did {
        let base = format!("did:web:{}%3A{}", self.addr.ip(), self.addr.port());
        Did::parse(&if path.is_empty() {
            base
        } else {
            format!("{base}:{path}")
        })
        .unwrap()
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Loopback and plain HTTP allowed: what a test against 127.0.0.1 needs.
fn test_options() -> WebOptions {
    WebOptions {
        allow_loopback: true,
        allow_http: true,
        timeout: Duration::from_secs(5),
        ..WebOptions::default()
    }
}

fn resolver(options: WebOptions) -> WebResolver {
    WebResolver::with_options(options).unwrap()
}

async fn fetch_err(resolver: &WebResolver, did: &Did) -> WebError {
    match resolver.fetch(did).await {
        Ok(doc) => panic!("{did} resolved to {doc:?}"),
        Err(e) => e,
    }
}

async fn resolve_kind(resolver: &WebResolver, did: &Did) -> ErrorKind {
    match resolver.resolve(did, &ResolutionOptions::default()).await {
        Ok(res) => panic!("{did} resolved to {:?}", res.document),
        Err(e) => e.kind(),
    }
}

#[tokio::test]
async fn resolves_a_bare_domain_with_a_port() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    let did = server.did("");
    let res = web.resolve(&did, &ResolutionOptions::default()).await.unwrap();
    assert_eq!(res.document.id, did);
    assert_eq!(res.document.verification_method.len(), 1);
    assert_eq!(
        res.resolution_metadata.content_type.as_deref(),
        Some("application/did+ld+json")
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn resolves_the_path_form() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    let did = server.did("user:alice");
    assert_eq!(
        web.url_for(&did).unwrap().as_str(),
        format!("http://{}/user/alice/did.json", server.addr)
    );
    let doc = web.fetch(&did).await.unwrap();
    assert_eq!(doc.id, did);
}

#[tokio::test]
async fn resolves_a_host_name_through_the_guarded_lookup() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    let did = Did::parse(&format!("did:web:localhost%3A{}:user:alice", server.addr.port())).unwrap();
    // The server's document names the 127.0.0.1 DID, not the localhost one.
    assert!(matches!(fetch_err(&web, &did).await, WebError::IdMismatch { .. }));
    assert_eq!(server.hits(), 1, "the lookup reached the server");
}

#[tokio::test]
async fn accepts_json_content_types_leniently() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    for path in ["plain-json", "no-type"] {
        let did = server.did(path);
        assert_eq!(web.fetch(&did).await.unwrap().id, did, "{path}");
    }
}

#[tokio::test]
async fn refuses_loopback_without_the_opt_in() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(WebOptions {
        allow_loopback: false,
        ..test_options()
    });
    let did = server.did("");
    match fetch_err(&web, &did).await {
        WebError::RefusedAddress { address, class, .. } => {
            assert_eq!(address, IpAddr::from([127, 0, 0, 1]));
            assert_eq!(class, AddressClass::Loopback);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(resolve_kind(&web, &did).await, ErrorKind::InvalidDid);
    assert_eq!(server.hits(), 0, "nothing may reach the server");
}

#[tokio::test]
async fn refuses_localhost_names_without_the_opt_in() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(WebOptions {
        allow_loopback: false,
        ..test_options()
    });
    let did = Did::parse(&format!("did:web:localhost%3A{}", server.addr.port())).unwrap();
    assert!(matches!(fetch_err(&web, &did).await, WebError::RefusedHost { .. }));
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn refuses_non_public_literals_even_with_the_loopback_opt_in() {
    let web = resolver(test_options());
    for (host, class) in [
        ("10.0.0.1", AddressClass::Private),
        ("192.168.1.1", AddressClass::Private),
        ("169.254.169.254", AddressClass::LinkLocal),
        ("0.0.0.0", AddressClass::Unspecified),
        ("100.64.0.1", AddressClass::SharedAddressSpace),
        ("192.0.2.1", AddressClass::Documentation),
        ("224.0.0.1", AddressClass::Multicast),
        ("255.255.255.255", AddressClass::Broadcast),
        ("240.0.0.1", AddressClass::Reserved),
    ] {
        let did = Did::parse(&format!("did:web:{host}%3A8080")).unwrap();
        match fetch_err(&web, &did).await {
            WebError::RefusedAddress { class: got, .. } => assert_eq!(got, class, "{host}"),
            other => panic!("{host}: expected a refusal, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn https_is_used_unless_plain_http_is_allowed() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(WebOptions {
        allow_http: false,
        ..test_options()
    });
    let did = server.did("");
    assert_eq!(
        web.url_for(&did).unwrap().as_str(),
        format!("https://{}/.well-known/did.json", server.addr)
    );
    // A TLS handshake with a plain HTTP server fails: no document, and no
    // request was ever handled as HTTP.
    assert!(matches!(fetch_err(&web, &did).await, WebError::Transport { .. }));
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn document_id_must_match_the_did() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    let did = server.did("wrong-id");
    match fetch_err(&web, &did).await {
        WebError::IdMismatch { expected, found, .. } => {
            assert_eq!(expected, did.as_str());
            assert!(found.ends_with(":someone-else"), "{found}");
        }
        other => panic!("expected an id mismatch, got {other:?}"),
    }
    assert_eq!(resolve_kind(&web, &did).await, ErrorKind::InvalidDidDocument);
}

#[tokio::test]
async fn bad_responses_are_reported_with_their_codes() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    for (path, kind) in [
        ("nobody", ErrorKind::NotFound),
        ("gone", ErrorKind::NotFound),
        ("error", ErrorKind::InternalError),
        ("html", ErrorKind::InvalidDidDocument),
        ("not-json", ErrorKind::InvalidDidDocument),
        ("bad-document", ErrorKind::InvalidDidDocument),
        ("latin1", ErrorKind::InvalidDidDocument),
    ] {
        assert_eq!(resolve_kind(&web, &server.did(path)).await, kind, "{path}");
    }
    assert!(matches!(
        fetch_err(&web, &server.did("latin1")).await,
        WebError::NotUtf8 { offset: 1, .. }
    ));
    assert!(matches!(
        fetch_err(&web, &server.did("html")).await,
        WebError::ContentType { content_type, .. } if content_type == "text/html"
    ));
}

#[tokio::test]
async fn refuses_a_document_over_the_size_limit() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    assert!(matches!(
        fetch_err(&web, &server.did("big")).await,
        WebError::TooLarge { max_bytes: 1048576, .. }
    ));
    // A limit above the document's size lets it through to parsing.
    let roomy = resolver(WebOptions {
        max_bytes: 4 * 1024 * 1024,
        ..test_options()
    });
    assert!(matches!(
        fetch_err(&roomy, &server.did("big")).await,
        WebError::Document { .. }
    ));
}

/// A raw HTTP server that streams an endless chunked body with no
/// Content-Length; returns its address and how many bytes it managed to send.
async fn endless_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head =
                    "HTTP/1.1 200 OK\r\ncontent-type: application/did+json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                // Stop after 256 MiB at the latest, so a broken client cannot hang the test.
                for _ in 0..4096 {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                    counter.fetch_add(0x10000, Ordering::SeqCst);
                }
            });
        }
    });
    (addr, sent)
}

#[tokio::test]
async fn stops_reading_an_endless_body_at_the_limit() {
    let (addr, sent) = endless_server().await;
    let web = resolver(WebOptions {
        max_bytes: 100_000,
        ..test_options()
    });
    let did = Did::parse(&format!("did:web:127.0.0.1%3A{}", addr.port())).unwrap();
    let started = Instant::now();
    assert!(matches!(
        fetch_err(&web, &did).await,
        WebError::TooLarge { max_bytes: 100_000, .. }
    ));
    assert!(started.elapsed() < Duration::from_secs(4));
    // The client hung up long before the server's 256 MiB.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(sent.load(Ordering::SeqCst) < 64 * 1024 * 1024);
}

#[tokio::test]
async fn times_out() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(WebOptions {
        timeout: Duration::from_millis(300),
        ..test_options()
    });
    let started = Instant::now();
    assert!(matches!(
        fetch_err(&web, &server.did("slow")).await,
        WebError::Timeout { .. }
    ));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn follows_a_limited_number_of_redirects() {
    let server = Server::start("127.0.0.1").await;
    let web = resolver(test_options());
    let did = server.did("moved");
    assert_eq!(web.fetch(&did).await.unwrap().id, did);

    match fetch_err(&web, &server.did("loop")).await {
        WebError::TooManyRedirects { max, .. } => assert_eq!(max, 3),
        other => panic!("expected too many redirects, got {other:?}"),
    }
    let no_redirects = resolver(WebOptions {
        max_redirects: 0,
        ..test_options()
    });
    assert!(matches!(
        fetch_err(&no_redirects, &did).await,
        WebError::TooManyRedirects { max: 0, .. }
    ));
}

#[tokio::test]
async fn redirects_to_non_public_targets_are_refused() {
    let server = Server::start_with("127.0.0.1", |_| {
        Router::new()
            .route(
                "/to-metadata/did.json",
                get(|| async { redirect("http://169.254.169.254/latest/meta-data/".into()) }),
            )
            .route(
                "/to-private/did.json",
                get(|| async { redirect("http://10.0.0.1/did.json".into()) }),
            )
            .route(
                "/to-unspecified/did.json",
                get(|| async { redirect("http://0.0.0.0/did.json".into()) }),
            )
            .route(
                "/to-file/did.json",
                get(|| async { redirect("file:///etc/passwd".into()) }),
            )
    })
    .await;
    let web = resolver(test_options());
    for (path, class) in [
        ("to-metadata", AddressClass::LinkLocal),
        ("to-private", AddressClass::Private),
        ("to-unspecified", AddressClass::Unspecified),
    ] {
        match fetch_err(&web, &server.did(path)).await {
            WebError::RefusedAddress { class: got, url, .. } => {
                assert_eq!(got, class, "{path}");
                assert!(
                    !url.contains(&server.addr.to_string()),
                    "{url} names the redirect target"
                );
            }
            other => panic!("{path}: expected a refusal, got {other:?}"),
        }
    }
    // The HTTP client does not follow a redirect to a non-HTTP scheme at all:
    // the redirect response itself is the (failed) answer.
    let err = fetch_err(&web, &server.did("to-file")).await;
    assert!(
        matches!(
            err,
            WebError::RefusedScheme { .. } | WebError::Status { status: 302, .. }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_redirect_to_loopback_is_refused() {
    // The victim: a loopback service the attacker wants to reach.
    let victim = Server::start("127.0.0.1").await;
    // The attacker's server, on another loopback address that this resolver
    // explicitly allows (standing in for a public host).
    let victim_url = format!("http://{}/.well-known/did.json", victim.addr);
    let victim_port = victim.addr.port();
    let attacker = match TcpListener::bind("127.0.0.2:0").await {
        Ok(probe) => {
            drop(probe);
            Server::start_with("127.0.0.2", move |_| {
                Router::new()
                    .route(
                        "/to-loopback/did.json",
                        get(move || async move { redirect(victim_url) }),
                    )
                    .route(
                        "/to-localhost/did.json",
                        get(move || async move { redirect(format!("http://localhost:{victim_port}/did.json")) }),
                    )
            })
            .await
        }
        Err(e) => {
            eprintln!("skipping: cannot bind 127.0.0.2 on this system: {e}");
            return;
        }
    };
    let web = resolver(WebOptions {
        allow_loopback: false,
        allow_addresses: vec![attacker.addr.ip()],
        ..test_options()
    });
    // The allowed address itself works.
    let did = attacker.did("user:alice");
    assert_eq!(web.fetch(&did).await.unwrap().id, did);

    match fetch_err(&web, &attacker.did("to-loopback")).await {
        WebError::RefusedAddress { class, address, .. } => {
            assert_eq!(class, AddressClass::Loopback);
            assert_eq!(address, IpAddr::from([127, 0, 0, 1]));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(matches!(
        fetch_err(&web, &attacker.did("to-localhost")).await,
        WebError::RefusedHost { .. }
    ));
    assert_eq!(victim.hits(), 0, "the redirect must not reach the loopback service");
    assert_eq!(attacker.hits(), 3);
}

#[tokio::test]
async fn invalid_identifiers_options_and_methods() {
    let web = resolver(test_options());
    let bad = Did::parse("did:web:exa_mple.com").unwrap();
    assert_eq!(resolve_kind(&web, &bad).await, ErrorKind::InvalidDid);
    let traversal = Did::parse("did:web:example.com:..:admin").unwrap();
    assert_eq!(resolve_kind(&web, &traversal).await, ErrorKind::InvalidDid);
    let key = Did::parse("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").unwrap();
    assert_eq!(resolve_kind(&web, &key).await, ErrorKind::MethodNotSupported);

    let versioned = ResolutionOptions {
        version_id: Some("1".into()),
        ..ResolutionOptions::default()
    };
    let err = web
        .resolve(&Did::parse("did:web:example.com").unwrap(), &versioned)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOptions);
}

#[tokio::test]
async fn did_web_plugs_into_the_method_registry() {
    let server = Server::start("127.0.0.1").await;
    let mut registry = MethodRegistry::new();
    registry.register("web", resolver(test_options())).unwrap();
    let url = format!("{}#key-1", server.did("user:alice"));
    let dereferenced = registry
        .dereference_str(&url, &ResolutionOptions::default())
        .await
        .unwrap();
    assert!(matches!(
        dereferenced.content,
        xinlian_did_core::Dereferenced::VerificationMethod(_)
    ));
}
