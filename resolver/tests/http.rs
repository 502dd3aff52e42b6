//! The DID Resolution HTTP API over real sockets on 127.0.0.1: status codes,
//! content negotiation, dereferencing, limits, graceful shutdown, and the
//! `HttpResolver` client against the server.
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use xinlian_did_core::{
    Did, Document, DocumentMetadata, Error as DidError, ErrorKind, KeyType, Representation, Resolution,
    ResolutionOptions, Resolver, SecretKey, Service, StatelessResolver, method::key,
};
use xinlian_resolver::HttpResolver;
use xinlian_resolver::http::{ServerOptions, router_with_options, serve_with_options};

/// did:key through the stateless resolver; `did:test:<case>` answers each
/// outcome the server has to map.
struct TestResolver {
    stateless: StatelessResolver,
}

#[async_trait]
impl Resolver for TestResolver {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        if did.method() == "key" {
            return self.stateless.resolve(did, options).await;
        }
        if did.method() != "test" {
            return Err(DidError::MethodNotSupported {
                method: did.method().to_owned(),
            });
        }
        let mut metadata = DocumentMetadata::default();
        match did.method_specific_id() {
            "ok" => {}
            "deactivated" => metadata.deactivated = Some(true),
            "services" => {
                let mut doc = Document::new(did.clone());
                doc.service.push(Service::new(
                    "#files",
                    "LinkedDomains",
                    "https://files.example.com/base/",
                ));
                doc.service
                    .push(Service::new("#weird", "Odd", "https://example.com/\nnewline"));
                return Resolution::new(doc, metadata, options);
            }
            "versioned" => {
                metadata.version_id = options.version_id.clone();
                metadata.extra = options.extra.clone();
                if options.no_cache {
                    metadata.extra.insert("sawNoCache".into(), Value::Bool(true));
                }
            }
            "slow" => tokio::time::sleep(Duration::from_millis(400)).await,
            "notfound" => return Err(DidError::NotFound { what: did.to_string() }),
            "internal" => {
                return Err(DidError::Internal {
                    message: "ledger unreachable".into(),
                });
            }
            "invaliddid" => {
                return Err(DidError::InvalidDid {
                    offset: 9,
                    expected: "a test id",
                });
            }
            "badoptions" => {
                return Err(DidError::InvalidOptions {
                    option: "versionTime".into(),
                    reason: "not a dateTime".into(),
                });
            }
            other => return Err(DidError::NotFound { what: other.to_owned() }),
        }
        Resolution::new(Document::new(did.clone()), metadata, options)
    }
}

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<xinlian_resolver::Result<()>>,
}

impl Server {
    async fn start(options: ServerOptions) -> Server {
        let resolver: Arc<dyn Resolver> = Arc::new(TestResolver {
            stateless: StatelessResolver::new(),
        });
        Server::with_resolver(resolver, options).await
    }

    async fn with_resolver(resolver: Arc<dyn Resolver>, options: ServerOptions) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router_with_options(resolver, &options);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve_with_options(listener, app, &options, async {
                let _ = stopped.await;
            })
            .await
        });
        Server {
            addr,
            stop: Some(stop),
            task,
        }
    }

    async fn default() -> Server {
        Server::start(ServerOptions::default()).await
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn identifiers(&self, id: &str) -> String {
        self.url(&format!("/1.0/identifiers/{id}"))
    }

    fn endpoint(&self) -> String {
        self.url("/1.0/identifiers/")
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(15), self.task)
            .await
            .expect("server stops")
            .unwrap()
            .unwrap();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(url: &str, accept: Option<&str>) -> (StatusCode, String, Value) {
    let mut request = client().get(url);
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.bytes().await.unwrap();
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, content_type, value)
}

fn did_key() -> Did {
    key::did_for(&SecretKey::generate(KeyType::Ed25519).unwrap().public_key())
}

fn error_code(body: &Value) -> &str {
    body["didResolutionMetadata"]["error"]
        .as_str()
        .or_else(|| body["dereferencingMetadata"]["error"].as_str())
        .unwrap_or("<none>")
}

#[tokio::test]
async fn did_key_resolves_to_the_local_result() {
    let server = Server::default().await;
    let did = did_key();
    let local = StatelessResolver::new()
        .resolve(&did, &ResolutionOptions::default())
        .await
        .unwrap();
    let (status, content_type, body) = get(&server.identifiers(did.as_str()), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/did-resolution");
    assert_eq!(body["@context"], "https://w3id.org/did-resolution/v1");
    assert_eq!(body["didDocument"], local.document.to_value());
    assert_eq!(body["didResolutionMetadata"]["contentType"], "application/did+ld+json");
    assert_eq!(body["didDocumentMetadata"], json!({}));

    // The same DID sent percent-encoded.
    let encoded = did.as_str().replace(':', "%3A");
    let (status, _, again) = get(&server.identifiers(&encoded), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, body);
    server.stop().await;
}

#[tokio::test]
async fn accept_picks_the_representation_and_406_refuses_the_rest() {
    let server = Server::default().await;
    let did = did_key();
    let local = StatelessResolver::new()
        .resolve(&did, &ResolutionOptions::default())
        .await
        .unwrap();
    let url = server.identifiers(did.as_str());

    let (status, content_type, body) = get(&url, Some("application/did+ld+json")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/did+ld+json")
    );
    let want: Value = serde_json::from_slice(&Representation::JsonLd.serialize(&local.document)).unwrap();
    assert_eq!(body, want);
    assert!(body.get("@context").is_some());

    let (status, content_type, body) = get(&url, Some("application/did+json")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/did+json")
    );
    let want: Value = serde_json::from_slice(&Representation::Json.serialize(&local.document)).unwrap();
    assert_eq!(body, want);

    let (status, content_type, body) = get(&url, Some("application/did-resolution")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/did-resolution")
    );
    assert_eq!(body["didDocument"]["id"], did.as_str());

    let (status, content_type, body) = get(&url, Some("text/html")).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(content_type, "application/did-resolution");
    assert_eq!(error_code(&body), "representationNotSupported");
    assert_eq!(body["didDocument"], Value::Null);
    server.stop().await;
}

#[tokio::test]
async fn each_error_code_gets_its_status() {
    let server = Server::default().await;
    for (id, status, code) in [
        ("not-a-did", StatusCode::BAD_REQUEST, "invalidDid"),
        ("did:Upper:1", StatusCode::BAD_REQUEST, "invalidDid"),
        ("did:test:invaliddid", StatusCode::BAD_REQUEST, "invalidDid"),
        ("did:example:1/%zz", StatusCode::BAD_REQUEST, "invalidDidUrl"),
        ("did:test:badoptions", StatusCode::BAD_REQUEST, "invalidOptions"),
        ("did:test:notfound", StatusCode::NOT_FOUND, "notFound"),
        ("did:nope:123", StatusCode::NOT_IMPLEMENTED, "methodNotSupported"),
        ("did:test:internal", StatusCode::INTERNAL_SERVER_ERROR, "internalError"),
        ("did:key:zNotAKey", StatusCode::BAD_REQUEST, "invalidPublicKey"),
    ] {
        let (got, content_type, body) = get(&server.identifiers(id), None).await;
        assert_eq!(got, status, "{id}: {body}");
        assert_eq!(content_type, "application/did-resolution", "{id}");
        assert_eq!(error_code(&body), code, "{id}: {body}");
        assert!(body["didResolutionMetadata"]["errorMessage"].is_string(), "{id}");
    }
    // The identifier endpoint with nothing after it.
    let (status, _, body) = get(&server.identifiers(""), None).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "invalidDid"));
    server.stop().await;
}

/// A did:web the SSRF guard refuses (loopback, private, link-local,
/// `localhost`) used to come back as 500 `internalError`; it is the
/// request's fault: 400 with the DID Resolution error `invalidDid`, and
/// nothing is fetched.
#[tokio::test]
async fn regression_did_web_refused_by_the_address_guard_is_400_not_500() {
    // A local server the refused DID points at; it must not be reached.
    let victim = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    victim.set_nonblocking(true).unwrap();
    let port = victim.local_addr().unwrap().port();
    let mut registry = xinlian_resolver::MethodRegistry::empty();
    registry
        .register("web", xinlian_resolver::WebResolver::new().unwrap())
        .unwrap();
    let server = Server::with_resolver(Arc::new(registry), ServerOptions::default()).await;
    for id in [
        format!("did:web:127.0.0.1%3A{port}"),
        format!("did:web:localhost%3A{port}"),
        "did:web:10.0.0.1".to_owned(),
        "did:web:169.254.169.254".to_owned(),
    ] {
        let (status, content_type, body) = get(&server.identifiers(&id), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{id}: {body}");
        assert_eq!(content_type, "application/did-resolution", "{id}");
        assert_eq!(error_code(&body), "invalidDid", "{id}: {body}");
        let message = body["didResolutionMetadata"]["errorMessage"].as_str().unwrap();
        assert!(message.contains("public address"), "{id}: {message}");
    }
    assert_eq!(
        victim.accept().map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock,
        "the refused DID's server was contacted"
    );
    server.stop().await;
}

#[tokio::test]
async fn deactivated_is_410_with_the_result() {
    let server = Server::default().await;
    let url = server.identifiers("did:test:deactivated");
    let (status, _, body) = get(&url, None).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(body["didDocumentMetadata"]["deactivated"], true);
    assert_eq!(body["didDocument"]["id"], "did:test:deactivated");
    let (status, content_type, body) = get(&url, Some("application/did+json")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::GONE, "application/did+json")
    );
    assert_eq!(body["id"], "did:test:deactivated");
    server.stop().await;
}

#[tokio::test]
async fn fragments_dereference_to_the_verification_method() {
    let server = Server::default().await;
    let did = did_key();
    let vm_id = format!("{did}#{}", did.method_specific_id());
    let local = StatelessResolver::new()
        .resolve(&did, &ResolutionOptions::default())
        .await
        .unwrap();
    let vm = serde_json::to_value(local.document.verification_method(&vm_id).unwrap()).unwrap();

    // Raw form with the `#` sent as %23, asking for plain JSON.
    let raw = format!("{did}%23{}", did.method_specific_id());
    let (status, content_type, body) = get(&server.identifiers(&raw), Some("application/did+json")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/did+json")
    );
    assert_eq!(body, vm);

    // Encoded form, asking for a dereferencing result.
    let encoded = vm_id.replace(':', "%3A").replace('#', "%23");
    let (status, content_type, body) = get(&server.identifiers(&encoded), None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/did-resolution")
    );
    assert_eq!(body["dereferencingMetadata"]["contentType"], "application/did+ld+json");
    assert_eq!(body["contentStream"]["id"], vm["id"]);
    assert_eq!(body["contentStream"]["@context"], "https://www.w3.org/ns/did/v1");

    // A fragment that is not in the document.
    let (status, _, body) = get(&server.identifiers(&format!("{did}%23nope")), None).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "notFound"));
    server.stop().await;
}

#[tokio::test]
async fn services_redirect_with_303_or_name_the_url_in_a_result() {
    let server = Server::default().await;
    let url = server.identifiers("did:test:services?service=files&relativeRef=%2Freport.pdf");

    let response = client()
        .get(&url)
        .header(ACCEPT, "application/did+ld+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION].to_str().unwrap(),
        "https://files.example.com/report.pdf"
    );

    let (status, _, body) = get(&url, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["contentStream"], "https://files.example.com/report.pdf");
    assert_eq!(body["dereferencingMetadata"]["contentType"], "text/uri-list");

    // The service selected by fragment is its JSON.
    let (status, _, body) = get(
        &server.identifiers("did:test:services%23files"),
        Some("application/did+json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["serviceEndpoint"], "https://files.example.com/base/");

    let (status, _, body) = get(&server.identifiers("did:test:services?service=nope"), None).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "notFound"));

    // An endpoint that cannot go into a Location header is not sent there.
    let (status, _, body) = get(
        &server.identifiers("did:test:services?service=weird"),
        Some("application/did+json"),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::INTERNAL_SERVER_ERROR, "internalError")
    );
    server.stop().await;
}

#[tokio::test]
async fn options_travel_as_did_parameters_or_encoded_form_query() {
    let server = Server::default().await;
    // Raw form: the query is the DID URL's; versionId is a DID parameter.
    let (status, _, body) = get(&server.identifiers("did:test:versioned?versionId=3"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["didDocumentMetadata"]["versionId"], "3");
    // Encoded form: the query holds resolution options.
    let (status, _, body) = get(
        &server.identifiers("did%3Atest%3Aversioned?versionId=4&network=dev&noCache=true"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["didDocumentMetadata"]["versionId"], "4");
    assert_eq!(body["didDocumentMetadata"]["network"], "dev");
    assert_eq!(body["didDocumentMetadata"]["sawNoCache"], true);
    // Cache-Control: no-cache sets noCache too.
    let response = client()
        .get(server.identifiers("did:test:versioned"))
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["didDocumentMetadata"]["sawNoCache"], true);
    server.stop().await;
}

#[tokio::test]
async fn health_answers_ok() {
    let server = Server::default().await;
    let (status, content_type, body) = get(&server.url("/health"), None).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/json"));
    assert_eq!(body, json!({"status": "ok"}));
    let (status, _, _) = get(&server.url("/nothing-here"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

/// Sends raw bytes and returns the status line of the answer.
async fn raw_request(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).lines().next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn oversized_requests_are_refused() {
    let server = Server::start(ServerOptions {
        max_header_bytes: 8 * 1024,
        max_body_bytes: 1024,
        ..ServerOptions::default()
    })
    .await;
    let long_did = format!("did:test:{}", "a".repeat(20 * 1024));
    let request = format!("GET /1.0/identifiers/{long_did} HTTP/1.1\r\nHost: x\r\n\r\n");
    let status = raw_request(server.addr, request.as_bytes()).await;
    assert!(status.starts_with("HTTP/1.1 431"), "{status}");

    let big_header = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(10 * 1024)
    );
    let status = raw_request(server.addr, big_header.as_bytes()).await;
    assert!(status.starts_with("HTTP/1.1 431"), "{status}");

    let big_body = "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n";
    let status = raw_request(server.addr, big_body.as_bytes()).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");

    // Still serving after refusing those.
    let (status, _, _) = get(&server.url("/health"), None).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn slow_resolutions_time_out_with_504() {
    let server = Server::start(ServerOptions {
        request_timeout: Duration::from_millis(100),
        ..ServerOptions::default()
    })
    .await;
    let (status, _, body) = get(&server.identifiers("did:test:slow"), None).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(error_code(&body), "internalError");
    server.stop().await;
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish_then_stops() {
    let server = Server::default().await;
    let url = server.identifiers("did:test:slow");
    let in_flight = tokio::spawn(async move { get(&url, None).await });
    // Let the request reach the resolver, then signal shutdown.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let addr = server.addr;
    let started = std::time::Instant::now();
    server.stop().await;
    let (status, _, body) = in_flight.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Nothing listens any more.
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_closes_idle_keep_alive_connections() {
    let server = Server::default().await;
    let client = client();
    let response = client.get(server.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // The client keeps the connection open; shutdown must not wait for it.
    let started = std::time::Instant::now();
    server.stop().await;
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    drop(client);
}

#[tokio::test]
async fn http_resolver_round_trips_documents_and_errors() {
    let server = Server::default().await;
    let remote = HttpResolver::new(&server.endpoint()).unwrap();
    let local = StatelessResolver::new();
    let options = ResolutionOptions::default();

    let did = did_key();
    let got = remote.resolve(&did, &options).await.unwrap();
    let want = local.resolve(&did, &options).await.unwrap();
    assert_eq!(got, want);

    // The representation asked for is recorded, and refused locally if unknown.
    let json = ResolutionOptions {
        accept: Some("application/did+json".into()),
        ..ResolutionOptions::default()
    };
    let got = remote.resolve(&did, &json).await.unwrap();
    assert_eq!(
        got.document_bytes(),
        local.resolve(&did, &json).await.unwrap().document_bytes()
    );
    let html = ResolutionOptions {
        accept: Some("text/html".into()),
        ..ResolutionOptions::default()
    };
    let err = remote.resolve(&did, &html).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RepresentationNotSupported);

    for (id, kind) in [
        ("did:test:notfound", ErrorKind::NotFound),
        ("did:test:internal", ErrorKind::InternalError),
        ("did:test:invaliddid", ErrorKind::InvalidDid),
        ("did:test:badoptions", ErrorKind::InvalidOptions),
        ("did:nope:1", ErrorKind::MethodNotSupported),
    ] {
        let err = remote.resolve(&Did::parse(id).unwrap(), &options).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{id}: {err}");
    }
    let err = remote
        .resolve(&Did::parse("did:test:internal").unwrap(), &options)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ledger unreachable"), "{err}");

    // Deactivated DIDs resolve, marked deactivated.
    let got = remote
        .resolve(&Did::parse("did:test:deactivated").unwrap(), &options)
        .await
        .unwrap();
    assert!(got.document_metadata.is_deactivated());

    // Options: versionId as a DID parameter, extras in the encoded form,
    // noCache as a header.
    let versioned = ResolutionOptions {
        version_id: Some("9".into()),
        no_cache: true,
        extra: [("network".to_owned(), Value::String("dev net".into()))]
            .into_iter()
            .collect(),
        ..ResolutionOptions::default()
    };
    let got = remote
        .resolve(&Did::parse("did:test:versioned").unwrap(), &versioned)
        .await
        .unwrap();
    assert_eq!(got.document_metadata.version_id.as_deref(), Some("9"));
    assert_eq!(got.document_metadata.extra["network"], "dev net");
    assert_eq!(got.document_metadata.extra["sawNoCache"], true);
    server.stop().await;
}

#[tokio::test]
async fn http_resolver_limits_and_unreachable_servers() {
    let server = Server::default().await;
    let small = HttpResolver::builder(&server.endpoint())
        .max_response_bytes(100)
        .build()
        .unwrap();
    let err = small
        .resolve(&did_key(), &ResolutionOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalError);
    assert!(err.to_string().contains("larger than 100 bytes"), "{err}");

    let impatient = HttpResolver::builder(&server.endpoint())
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let err = impatient
        .resolve(&Did::parse("did:test:slow").unwrap(), &ResolutionOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalError);
    server.stop().await;

    // Nothing listens there now.
    let gone = HttpResolver::new(&format!("http://{}/1.0/identifiers", "127.0.0.1:1")).unwrap();
    let err = gone
        .resolve(&did_key(), &ResolutionOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalError);
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");

    for bad in ["not a url", "ftp://example.com/", "http://example.com/?q=1"] {
        assert!(HttpResolver::new(bad).is_err(), "{bad}");
    }
    let creds = HttpResolver::new("http://user:secret@127.0.0.1:1/1.0/identifiers/").unwrap();
    let err = creds
        .resolve(&did_key(), &ResolutionOptions::default())
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}

/// The operator binary: starts from a config file, serves, and stops
/// cleanly on SIGTERM.
#[cfg(unix)]
#[tokio::test]
async fn the_binary_serves_from_a_config_file_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("resolver.toml");
    std::fs::write(
        &config,
        "methods = [\"key\", \"ethr\"]\n[server]\naddr = \"127.0.0.1:9\"\n\
         [[ethr.networks]]\nname = \"dev\"\nledger = { type = \"embedded\", path = \"dev.sqlite\" }\n",
    )
    .unwrap();
    let binary = env!("CARGO_BIN_EXE_xinlian-resolver");

    let check = Command::new(binary)
        .args(["--check", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(dir.path().join("dev.sqlite").exists());

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "methods = [\"key\"]\n[cache]\nttl = 5\n").unwrap();
    let refused = Command::new(binary).arg("--config").arg(&bad).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("bad.toml") && stderr.contains("unknown field `ttl`"),
        "{stderr}"
    );

    // --addr overrides the file's address.
    let mut child = Command::new(binary)
        .arg("--config")
        .arg(&config)
        .args(["--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server logs its address").unwrap();
        if let Some((_, rest)) = line.split_once("local_addr=") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining the logs so the child never blocks on a full pipe.
    let logs = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    let did = did_key();
    let (status, _, body) = get(&format!("http://{addr}/1.0/identifiers/{did}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["didDocument"]["id"], did.as_str());
    let (status, _, body) = get(
        &format!("http://{addr}/1.0/identifiers/did:ethr:dev:0xb9c5714089478a327f09197987f16f9e5d936e8a"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(exit.success(), "{exit}");
    let logs = logs.join().unwrap().join("\n");
    assert!(logs.contains("SIGTERM received"), "{logs}");
    assert!(logs.contains("did.method=\"key\""), "{logs}");
    assert!(
        !logs.contains(did.method_specific_id()),
        "DIDs stay out of the logs: {logs}"
    );
}
