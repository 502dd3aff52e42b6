//! `xinlian-resolver`: runs the DID Resolution HTTP server.
//!
//! ```sh
//! xinlian-resolver --config resolver.toml            # methods, ledgers, cache, limits
//! xinlian-resolver --config resolver.toml --addr 0.0.0.0:8080
//! xinlian-resolver                                   # did:key and did:jwk on 127.0.0.1:8080
//! xinlian-resolver --config resolver.toml --check    # validate the file, open the ledgers, exit
//! ```
//!
//! It stops on ctrl-c or SIGTERM, letting in-flight requests finish.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use xinlian_resolver::config::{LogFormat, ResolverConfig};
use xinlian_resolver::http::{router_with_options, serve_with_options, shutdown_signal};

/// Serve DID resolution over HTTP: GET /1.0/identifiers/{did-or-did-url}.
#[derive(Debug, Parser)]
#[command(name = "xinlian-resolver", version, about)]
struct Args {
    /// The config file (TOML; see resolver.example.toml). Without one,
    /// did:key and did:jwk are served with default limits.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// Listen on this address instead of the config file's `server.addr`.
    #[arg(long, value_name = "IP:PORT")]
    addr: Option<SocketAddr>,
    /// Check the config file (and open the ledgers), then exit.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = match &args.config {
        Some(path) => ResolverConfig::from_file(path),
        None => ResolverConfig::from_toml("methods = [\"key\", \"jwk\"]", Path::new("<built-in defaults>")),
    };
    let config = match config {
        Ok(config) => config,
        Err(e) => {
            eprintln!("xinlian-resolver: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let options = match config.server_options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("xinlian-resolver: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("xinlian-resolver: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let resolver = match runtime.block_on(config.build_resolver()) {
        Ok(resolver) => resolver,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the resolver");
            eprintln!("xinlian-resolver: {e}");
            return ExitCode::from(2);
        }
    };
    if args.check {
        println!(
            "{}: ok (methods: {})",
            config.origin.display(),
            config.methods.join(", ")
        );
        return ExitCode::SUCCESS;
    }
    let addr = args.addr.unwrap_or(config.server.addr);
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        tracing::info!(
            config = %config.origin.display(),
            methods = %config.methods.join(","),
            cache_capacity = config.cache.capacity,
            "serving GET /1.0/identifiers/{{did}}"
        );
        let app = router_with_options(resolver, &options);
        serve_with_options(listener, app, &options, shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            eprintln!("xinlian-resolver: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr as text or JSON lines; `RUST_LOG` overrides the
/// config's level.
fn init_logging(config: &ResolverConfig) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match config.log.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().with_current_span(true).try_init(),
    };
    if let Err(e) = result {
        eprintln!("xinlian-resolver: logging is off: {e}");
    }
}
