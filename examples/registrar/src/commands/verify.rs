//! `registrar verify`: any supported format, with or without a home.

use std::io::Read;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use base64::Engine as _;
use serde_json::Value;
use xinlian_vc::jsonld::ContextLoader;
use xinlian_vc::status::StatusListFetcher;
use xinlian_vc::verify::{Policy, VerificationReport, verify_any};
use xinlian_vc::{Credential, trust::TrustList};

use crate::cli::VerifyArgs;
use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::resolver_for;
use crate::store::Store;

/// Status lists: this home's own (when the URL is under its public URL),
/// else fetched over HTTP(S).
pub struct HomeFetcher {
    local: Option<(String, Mutex<Store>)>,
    http: reqwest::Client,
}

impl HomeFetcher {
    /// A fetcher for `home` (which may be empty).
    pub fn new(home: &Home) -> Result<HomeFetcher> {
        let local = match home.profile() {
            Ok(profile) if home.db_path().is_file() => Some((
                format!("{}/status/", profile.public_url),
                Mutex::new(Store::open(&home.db_path())?),
            )),
            _ => None,
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
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
    async fn fetch(&self, url: &str) -> xinlian_vc::Result<Credential> {
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
        const MAX: usize = 4 << 20;
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| fetch_error(url, e.to_string()))?;
        if !response.status().is_success() {
            return Err(fetch_error(url, format!("HTTP {}", response.status())));
        }
        let body = response.bytes().await.map_err(|e| fetch_error(url, e.to_string()))?;
        if body.len() > MAX {
            return Err(fetch_error(url, "status list credential larger than 4 MiB"));
        }
        let text = std::str::from_utf8(&body).map_err(|_| fetch_error(url, "not UTF-8"))?;
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
    let mut policy = Policy::new().status_fetcher(Arc::new(HomeFetcher::new(home)?));
    if !args.contexts.is_empty() {
        policy = policy.context_loader(context_loader(&args.contexts)?);
    }
    if let Some(c) = &args.challenge {
        policy = policy.challenge(c);
    }
    if let Some(d) = &args.domain {
        policy = policy.domain(d);
    }
    if let Some(path) = &args.trust_list {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
        let credential = Credential::from_json(&text)?;
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
    let input = if args.file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::Input(format!("standard input: {e}")))?;
        s
    } else {
        let path = std::path::Path::new(&args.file);
        std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?
    };
    let report = verify_text(home, &input, args).await?;
    print_report(&report, args.json);
    if report.verified() {
        Ok(())
    } else {
        Err(CliError::Failed(String::new()))
    }
}
