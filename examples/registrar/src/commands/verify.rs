//! `registrar verify`: any supported format, with or without a home.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use base64::Engine as _;
use serde_json::Value;
use xinlian_resolver::web::{FetchOptions, GuardedFetch};
use xinlian_vc::jsonld::ContextLoader;
use xinlian_vc::status::StatusListFetcher;
use xinlian_vc::verify::{Policy, VerificationReport, verify_any};
use xinlian_vc::{Credential, Limits, trust::TrustList};

use crate::cli::VerifyArgs;
use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::resolver_for;
use crate::store::Store;

/// The largest status list credential fetched.
const MAX_STATUS_LIST_BYTES: usize = 4 << 20;

/// Status lists: this home's own (when the URL is under its public URL),
/// else fetched through the resolver's SSRF-guarded fetch (HTTPS and public
/// addresses only, unless `allow_local_http`; 4 MiB; the verification's
/// deadline).
pub struct HomeFetcher {
    local: Option<(String, Mutex<Store>)>,
    http: GuardedFetch,
}

impl HomeFetcher {
    /// A fetcher for `home` (which may be empty). `allow_local_http` also
    /// fetches over plain HTTP and from loopback addresses (tests and local
    /// development only).
    pub fn new(home: &Home, allow_local_http: bool) -> Result<HomeFetcher> {
        let local = match home.profile() {
            Ok(profile) if home.db_path().is_file() => Some((
                format!("{}/status/", profile.public_url),
                Mutex::new(Store::open(&home.db_path())?),
            )),
            _ => None,
        };
        let http = GuardedFetch::new(FetchOptions {
            allow_http: allow_local_http,
            allow_loopback: allow_local_http,
            max_bytes: MAX_STATUS_LIST_BYTES,
            ..FetchOptions::default()
        })
        .map_err(|e| CliError::Input(format!("HTTP client: {e}")))?;
        Ok(HomeFetcher { local, http })
    }
}

fn fetch_error(url: &str, reason: impl Into<String>) -> xinlian_vc::Error {
    xinlian_vc::Error::Fetch {
        url: url.to_owned(),
        reason: reason.into(),
    }
}

#[async_trait]
impl StatusListFetcher for HomeFetcher {
    async fn fetch(&self, url: &str, deadline: Instant) -> xinlian_vc::Result<Credential> {
        if let Some((prefix, store)) = &self.local
            && let Some(rest) = url.strip_prefix(prefix.as_str())
        {
            let (n, purpose) = rest
                .split_once('/')
                .ok_or_else(|| fetch_error(url, "not a status list URL"))?;
            let n: u64 = n.parse().map_err(|_| fetch_error(url, "not a status list URL"))?;
            let text = store
                .lock()
                .map_err(|_| fetch_error(url, "store lock poisoned"))?
                .list_credential(n, purpose)
                .map_err(|e| fetch_error(url, e.to_string()))?
                .ok_or_else(|| fetch_error(url, "no such status list in this registrar"))?;
            return Credential::from_json(&text);
        }
        let fetched = self
            .http
            .get(
                url,
                "application/vc+ld+json, application/vc, application/json",
                Some(deadline),
            )
            .await
            .map_err(|e| fetch_error(url, e.to_string()))?;
        let text = std::str::from_utf8(&fetched.body).map_err(|_| fetch_error(url, "not UTF-8"))?;
        Credential::from_json(text)
    }
}

/// The `jti` (or VC `id`) of a compact JWT / SD-JWT, without verifying it.
pub fn jwt_credential_id(compact: &str) -> Option<String> {
    let payload = compact.split('~').next()?.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims
        .get("jti")
        .or_else(|| claims.get("id"))
        .or_else(|| claims.get("vc")?.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Verifies `input` with the home's resolver and status lists.
pub async fn verify_text(home: &Home, input: &str, args: &VerifyArgs) -> Result<VerificationReport> {
    let resolver = resolver_for(home).await?;
    let fetcher = HomeFetcher::new(home, args.allow_local_http_status)?;
    let mut policy = Policy::new().status_fetcher(Arc::new(fetcher));
    if !args.contexts.is_empty() {
        policy = policy.context_loader(context_loader(&args.contexts)?);
    }
    if let Some(c) = &args.challenge {
        policy = policy.challenge(c);
    }
    if let Some(d) = &args.domain {
        policy = policy.domain(d);
    }
    let limits = args.input.limits();
    policy = policy.limits(limits);
    if let Some(path) = &args.trust_list {
        let text = read_input(path, &limits)?;
        let credential = Credential::from_json_with_limits(&text, &limits)?;
        // The authority is whoever the caller names, or else the list's own
        // issuer: choosing the file is choosing to trust its signer.
        let authority = args
            .trust_authority
            .clone()
            .unwrap_or_else(|| credential.issuer_id().to_owned());
        let now = time::OffsetDateTime::now_utc();
        let list = TrustList::from_credential(&credential, resolver.as_ref(), &authority, now).await?;
        policy = policy.trust_list(list).require_trust();
    }
    Ok(verify_any(input, resolver.as_ref(), &policy).await?)
}

/// Reads a credential, presentation or trust list file, at most
/// `limits.max_input_bytes` of it (a larger file is refused, not read).
pub fn read_input(path: &Path, limits: &Limits) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    limits
        .read_input(file)
        .map_err(|e| input_error(&path.display().to_string(), e))
}

fn input_error(what: &str, e: std::io::Error) -> CliError {
    match e.kind() {
        std::io::ErrorKind::FileTooLarge => {
            CliError::Input(format!("{what}: {e}; raise the limit with --max-input-bytes"))
        }
        _ => CliError::Input(format!("{what}: {e}")),
    }
}

/// The bundled contexts plus one per `--context URL=FILE`.
pub fn context_loader(specs: &[String]) -> Result<ContextLoader> {
    specs.iter().try_fold(ContextLoader::new(), |loader, spec| {
        let (url, file) = spec
            .split_once('=')
            .filter(|(url, file)| !url.is_empty() && !file.is_empty())
            .ok_or_else(|| CliError::Input(format!("--context {spec:?}: expected URL=FILE")))?;
        let path = std::path::Path::new(file);
        let json = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
        loader
            .with(url, &json)
            .map_err(|e| CliError::Input(format!("--context {spec:?}: {e}")))
    })
}

/// Prints a report: text (one line per check) or JSON.
pub fn print_report(report: &VerificationReport, json: bool) {
    if json {
        println!("{}", report.to_json());
        return;
    }
    for check in report
        .to_json()
        .get("checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let field = |k: &str| check.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let mark = match field("outcome").as_str() {
            "passed" => "ok  ",
            "failed" => "FAIL",
            "warning" => "warn",
            _ => "skip",
        };
        println!("  [{mark}] {:<18} {}", field("check"), field("detail"));
    }
    println!("{}", if report.verified() { "VERIFIED" } else { "NOT VERIFIED" });
}

/// `registrar verify`.
pub async fn run(home: &Home, args: &VerifyArgs) -> Result<()> {
    let limits = args.input.limits();
    let input = if args.file == "-" {
        limits
            .read_input(std::io::stdin().lock())
            .map_err(|e| input_error("standard input", e))?
    } else {
        read_input(std::path::Path::new(&args.file), &limits)?
    };
    let report = verify_text(home, &input, args).await?;
    print_report(&report, args.json);
    if report.verified() {
        Ok(())
    } else {
        Err(CliError::Failed(String::new()))
    }
}
