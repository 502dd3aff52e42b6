//! The one SSRF-guarded HTTP GET (`GuardedFetch`) against real sockets on
//! 127.0.0.1: what it refuses by default, redirects re-checked, the
//! streaming size cap, and one deadline shared by several fetches
//! (issue 11, item 3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use xinlian_resolver::web::{AddressClass, FetchOptions, GuardedFetch, WebError};

/// What a raw test server answers.
#[derive(Clone)]
enum Answer {
    /// 200 with this JSON body.
    Json(&'static str),
    /// 302 to this location.
    Redirect(String),
    /// 200, then `total` bytes of body in 64 KiB chunks (no length).
    Stream { total: usize },
    /// Accept, read the request, never answer.
    Silent,
}

/// A raw HTTP/1.1 server on 127.0.0.1: counts connections and body bytes
/// it managed to write.
struct Server {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    sent: Arc<AtomicUsize>,
}

impl Server {
    async fn start(answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let sent = Arc::new(AtomicUsize::new(0));
        let (c, s) = (Arc::clone(&connections), Arc::clone(&sent));
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let (answer, sent) = (answer.clone(), Arc::clone(&s));
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = socket.read(&mut request).await;
                    match answer {
                        Answer::Json(body) => {
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                                body.len()
                            );
                            let _ = socket.write_all(head.as_bytes()).await;
                            let _ = socket.write_all(body.as_bytes()).await;
                        }
                        Answer::Redirect(to) => {
                            let head = format!("HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\n\r\n");
                            let _ = socket.write_all(head.as_bytes()).await;
                        }
                        Answer::Stream { total } => {
                            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                            for _ in 0..total / 0x10000 {
                                if socket.write_all(chunk.as_bytes()).await.is_err() {
                                    return;
                                }
                                sent.fetch_add(0x10000, Ordering::SeqCst);
                            }
                            let _ = socket.write_all(b"0\r\n\r\n").await;
                        }
                        Answer::Silent => {
                            tokio::time::sleep(Duration::from_secs(60)).await;
                        }
                    }
                });
            }
        });
        Server {
            addr,
            connections,
            sent,
        }
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://{}{path}", self.addr)
    }
}

/// Loopback and plain HTTP allowed: what the local tests opt into.
fn local() -> FetchOptions {
    FetchOptions {
        allow_loopback: true,
        allow_http: true,
        ..FetchOptions::default()
    }
}

fn client(options: FetchOptions) -> GuardedFetch {
    GuardedFetch::new(options).unwrap()
}

#[tokio::test]
async fn regression_a_loopback_target_is_refused_by_default() {
    let server = Server::start(Answer::Json("{}")).await;
    // Defaults: https only, public addresses only.
    let err = client(FetchOptions::default())
        .get(&server.url("https", "/status/1"), "application/json", None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            WebError::RefusedAddress {
                class: AddressClass::Loopback,
                ..
            }
        ),
        "{err}"
    );
    // Plain HTTP alone does not open loopback; loopback alone does not open http.
    let http_only = FetchOptions {
        allow_http: true,
        ..FetchOptions::default()
    };
    let err = client(http_only)
        .get(&server.url("http", "/"), "application/json", None)
        .await
        .unwrap_err();
    assert!(matches!(err, WebError::RefusedAddress { .. }), "{err}");
    let loopback_only = FetchOptions {
        allow_loopback: true,
        ..FetchOptions::default()
    };
    let err = client(loopback_only)
        .get(&server.url("http", "/"), "application/json", None)
        .await
        .unwrap_err();
    assert!(matches!(err, WebError::RefusedScheme { .. }), "{err}");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        0,
        "the guard let a connection through"
    );

    // With both opt-ins the same server answers.
    let fetched = client(local())
        .get(&server.url("http", "/status/1"), "application/json", None)
        .await
        .unwrap();
    assert_eq!(fetched.body, b"{}");
    assert_eq!(fetched.content_type.as_deref(), Some("application/json"));
}

#[tokio::test]
async fn regression_link_local_and_private_targets_are_refused_even_with_the_local_opt_ins() {
    for (url, class) in [
        ("http://169.254.169.254/latest/meta-data/", AddressClass::LinkLocal),
        ("http://10.0.0.1/internal-admin?delete=all", AddressClass::Private),
        ("http://[fe80::1]/", AddressClass::LinkLocal),
    ] {
        let err = client(local()).get(url, "application/json", None).await.unwrap_err();
        assert!(
            matches!(err, WebError::RefusedAddress { class: c, .. } if c == class),
            "{url}: {err}"
        );
    }
    let err = client(local())
        .get("not a url", "application/json", None)
        .await
        .unwrap_err();
    assert!(matches!(err, WebError::InvalidUrl { .. }), "{err}");
    let err = client(local())
        .get("file:///etc/passwd", "application/json", None)
        .await
        .unwrap_err();
    assert!(matches!(err, WebError::RefusedScheme { .. }), "{err}");
}

#[tokio::test]
async fn regression_a_redirect_to_a_refused_address_is_refused() {
    for (to, class) in [
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            AddressClass::LinkLocal,
        ),
        ("http://192.168.1.1/admin".to_owned(), AddressClass::Private),
    ] {
        let server = Server::start(Answer::Redirect(to.clone())).await;
        let err = client(local())
            .get(&server.url("http", "/status/1"), "application/json", None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, WebError::RefusedAddress { class: c, .. } if c == class),
            "{to}: {err}"
        );
    }
    // A redirect to an allowed target is followed.
    let target = Server::start(Answer::Json("{\"ok\":true}")).await;
    let hop = Server::start(Answer::Redirect(target.url("http", "/final"))).await;
    let fetched = client(local())
        .get(&hop.url("http", "/start"), "application/json", None)
        .await
        .unwrap();
    assert_eq!(fetched.url, target.url("http", "/final"));
}

/// The peak resident set size of this process, in bytes (Linux).
fn peak_rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[tokio::test]
async fn regression_a_body_over_the_cap_is_aborted_early() {
    const HUNDRED_MB: usize = 100 * 1024 * 1024;
    const CAP: usize = 4 << 20;
    let server = Server::start(Answer::Stream { total: HUNDRED_MB }).await;
    let before = peak_rss();
    let started = Instant::now();
    let err = client(FetchOptions {
        max_bytes: CAP,
        ..local()
    })
    .get(&server.url("http", "/status/1"), "application/json", None)
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, WebError::TooLarge { max_bytes: CAP, .. }), "{err}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = server.sent.load(Ordering::SeqCst);
    let grown = peak_rss().saturating_sub(before);
    println!("100 MB body, cap {CAP} B: aborted after {took:?}; the server got {sent} B out; peak RSS grew {grown} B");
    // The client hung up near the cap (socket buffers hold a few MB more),
    // far before the 100 MB, and never held the body.
    assert!(sent < 32 * 1024 * 1024, "the server sent {sent} bytes");
    assert!(grown < 32 * 1024 * 1024, "peak RSS grew by {grown} bytes");
}

#[tokio::test]
async fn regression_slow_servers_are_bounded_by_one_shared_deadline() {
    // Four silent servers, a 10 s per-fetch timeout, one 1 s deadline for
    // all four fetches: about 1 s in all, not 4 s (or 40 s).
    let mut servers = Vec::new();
    for _ in 0..4 {
        servers.push(Server::start(Answer::Silent).await);
    }
    let fetch = client(local());
    assert_eq!(fetch.options().timeout, Duration::from_secs(10));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(1);
    for server in &servers {
        let err = fetch
            .get(&server.url("http", "/status/1"), "application/json", Some(deadline))
            .await
            .unwrap_err();
        assert!(matches!(err, WebError::Timeout { .. }), "{err}");
    }
    let took = started.elapsed();
    println!("four silent servers, one 1 s deadline: {took:?}");
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(took >= Duration::from_millis(900), "took {took:?}");
}
