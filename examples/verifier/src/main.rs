//! `verifier`: an employer checks a presentation (or a credential) the
//! Xinlian way, and an accreditation authority makes trust lists.
//!
//! `verifier verify FILE` checks signatures and key authorization, that a
//! trusted list accredits the issuer (`--trust-list FILE --authority DID`),
//! status (status lists fetched over HTTP from the credential's URLs, or
//! read from `--status-dir`), the validity period, holder binding, and the
//! presentation's challenge and domain; it prints one line per check (or
//! `--json`) and exits 0 when verified, 1 when not, 2 on bad input.
//! `--claimed-identifier VALUE` also checks that the credential's subject
//! names that email address or student number (an Open Badges
//! `IdentityObject`, salted and hashed or in the clear), and `--context
//! URL=FILE` adds a JSON-LD context to the bundled ones (nothing is fetched).
//! `verifier trust-list create` signs a ministry's TrustListCredential.
#![forbid(unsafe_code)]

mod error;
mod identity;
mod resolve;
mod sd_jwt_vc;
mod status;
mod trust;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use xinlian_vc::sd_jwt::SdJwt;
use xinlian_vc::trust::TrustList;
use xinlian_vc::verify::{
    Check, CheckOutcome, Outcome, SecuredFormat, VerificationReport, codes, detect_format, verify_any,
};
use xinlian_vc::{Credential, Limits, Policy};

use crate::error::{Result, VerifierError};
use crate::resolve::ResolverArgs;

/// An employer's verifier: check presentations, make trust lists.
#[derive(Debug, Parser)]
#[command(name = "verifier", version, about, long_about = None)]
struct Cli {
    /// How DIDs are resolved.
    #[command(flatten)]
    resolver: ResolverArgs,
    /// The command.
    #[command(subcommand)]
    command: Command,
}

/// Verifier commands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check a presentation or credential file (exit 0 verified, 1 not, 2 input error).
    Verify(VerifyArgs),
    /// Trust lists of accredited issuers.
    #[command(subcommand)]
    TrustList(TrustListCommand),
}

/// `verifier verify`.
#[derive(Debug, Args)]
struct VerifyArgs {
    /// The presentation or credential: Data Integrity JSON, vc+jwt / vp+jwt, or SD-JWT; `-` for standard input.
    file: String,
    /// A trust list credential; the issuer must be accredited by it.
    #[arg(long, value_name = "FILE", requires = "authority")]
    trust_list: Vec<PathBuf>,
    /// The accreditation authority (DID) that must have signed the trust lists.
    #[arg(long, value_name = "DID")]
    authority: Option<String>,
    /// The challenge the presentation must carry (SD-JWT: the KB-JWT nonce).
    #[arg(long)]
    challenge: Option<String>,
    /// The domain the presentation must name (SD-JWT: the KB-JWT aud).
    #[arg(long)]
    domain: Option<String>,
    /// Read status lists from this directory (`registrar publish` layout) before fetching over HTTP.
    #[arg(long, value_name = "DIR")]
    status_dir: Option<PathBuf>,
    /// Do not check status.
    #[arg(long)]
    no_status: bool,
    /// Also fetch status lists over plain http:// and from loopback addresses
    /// (127.0.0.1, localhost). For tests and local development only: without
    /// it, status lists are fetched over https from public addresses only.
    #[arg(long)]
    allow_local_http_status: bool,
    /// Accept a credential without proof that the presenter is its subject.
    #[arg(long)]
    no_holder_binding: bool,
    /// An email address or student number the presenter claims: a credential's
    /// subject must name it (Open Badges identifier, salted hash or plain; repeat for more).
    #[arg(long = "claimed-identifier", value_name = "VALUE")]
    claimed_identifiers: Vec<String>,
    /// A JSON-LD context beyond the bundled ones: the document in FILE served for URL (repeat for more).
    #[arg(long = "context", value_name = "URL=FILE")]
    contexts: Vec<String>,
    /// Print the report as JSON: {"verified": bool, "checks": [...]}.
    #[arg(long)]
    json: bool,
    /// Refuse a presentation, credential or trust list larger than this many bytes.
    #[arg(
        long,
        value_name = "BYTES",
        env = "XINLIAN_MAX_INPUT_BYTES",
        default_value_t = xinlian_vc::limits::DEFAULT_MAX_INPUT_BYTES
    )]
    max_input_bytes: usize,
}

/// `verifier trust-list …`.
#[derive(Debug, Subcommand)]
enum TrustListCommand {
    /// Sign a trust list naming the issuers an authority accredits; prints the authority's DID.
    Create {
        /// The authority's key file (created, Ed25519 did:key, mode 0600, if it does not exist).
        #[arg(long, value_name = "FILE")]
        authority_key: PathBuf,
        /// An accredited issuer's DID (repeat for more).
        #[arg(long = "issuer", value_name = "DID", required = true)]
        issuers: Vec<String>,
        /// The issuers' display name.
        #[arg(long)]
        issuer_name: Option<String>,
        /// Credential types they may issue (comma separated or repeated).
        #[arg(long, value_delimiter = ',', num_args = 1.., required = true)]
        types: Vec<String>,
        /// The list's id (a URL; default a urn:uuid).
        #[arg(long)]
        id: Option<String>,
        /// How many days the list is valid.
        #[arg(long, default_value_t = 365)]
        valid_days: i64,
        /// Where to write the signed list.
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs a command; `Ok(false)` is "ran, and the answer is no".
async fn run(cli: Cli) -> Result<bool> {
    match cli.command {
        Command::Verify(args) => verify(&cli.resolver, &args).await,
        Command::TrustList(TrustListCommand::Create {
            authority_key,
            issuers,
            issuer_name,
            types,
            id,
            valid_days,
            output,
            json: json_out,
        }) => {
            let (authority, created) = trust::authority_key(&authority_key)?;
            let request = trust::TrustListRequest {
                id: id.as_deref(),
                issuers: &issuers,
                issuer_name: issuer_name.as_deref(),
                types: &types,
                valid_days,
            };
            let list = trust::create(&authority, &request).await?;
            let text =
                serde_json::to_string_pretty(&list.to_value()).map_err(|e| VerifierError::Input(e.to_string()))?;
            std::fs::write(&output, text).map_err(|e| VerifierError::io(&output, e))?;
            if json_out {
                println!(
                    "{}",
                    json!({ "authority": authority.did(), "file": output.display().to_string(), "createdKey": created, "issuers": issuers, "types": types })
                );
            } else {
                println!("{}", authority.did());
                eprintln!(
                    "wrote {}: {} accredits {} for {}{}",
                    output.display(),
                    authority.did(),
                    issuers.join(", "),
                    types.join(", "),
                    if created {
                        format!(" (new authority key {})", authority_key.display())
                    } else {
                        String::new()
                    }
                );
            }
            Ok(true)
        }
    }
}

/// Reads `file` (`-`: standard input), at most `limits.max_input_bytes` of
/// it: a larger input is refused without being read whole.
fn read_input(file: &str, limits: &Limits) -> Result<String> {
    let read = if file == "-" {
        limits.read_input(std::io::stdin().lock())
    } else {
        let path = std::path::Path::new(file);
        let opened = std::fs::File::open(path).map_err(|e| VerifierError::io(path, e))?;
        limits.read_input(opened)
    };
    let what = if file == "-" { "standard input" } else { file };
    read.map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => {
            VerifierError::Input(format!("{what}: {e}; raise the limit with --max-input-bytes"))
        }
        _ => VerifierError::Input(format!("{what}: {e}")),
    })
}

/// `verifier verify`.
async fn verify(resolver_args: &ResolverArgs, args: &VerifyArgs) -> Result<bool> {
    let limits = Limits {
        max_input_bytes: args.max_input_bytes,
        ..Limits::default()
    };
    let input = read_input(&args.file, &limits)?;
    let format = detect_format(&input).map_err(|e| VerifierError::Input(format!("{}: {e}", args.file)))?;
    let resolver = resolver_args.resolver()?;
    let now = OffsetDateTime::now_utc();
    let mut policy = Policy::new().limits(limits);
    if !args.contexts.is_empty() {
        policy = policy.context_loader(context_loader(&args.contexts)?);
    }
    if !args.no_status {
        let fetcher = status::StatusFetcher::new(args.status_dir.clone(), args.allow_local_http_status)?;
        policy = policy.status_fetcher(Arc::new(fetcher));
    }
    if let Some(c) = &args.challenge {
        policy = policy.challenge(c);
    }
    if let Some(d) = &args.domain {
        policy = policy.domain(d);
    }
    if !args.no_holder_binding {
        policy = policy.require_holder_binding();
    }
    if format == SecuredFormat::SdJwt && args.challenge.is_some() != args.domain.is_some() {
        return Err(VerifierError::Input(
            "an SD-JWT presentation is checked with both --challenge (the nonce) and --domain (the audience), or neither"
                .into(),
        ));
    }
    if !args.trust_list.is_empty() {
        let authority = args
            .authority
            .as_deref()
            .ok_or_else(|| VerifierError::Input("--trust-list needs --authority DID".into()))?;
        for path in &args.trust_list {
            let text = read_input(&path.display().to_string(), &limits)?;
            let credential = Credential::from_json_with_limits(&text, &limits)
                .map_err(|e| VerifierError::Input(format!("{}: {e}", path.display())))?;
            let list = TrustList::from_credential(&credential, resolver.as_ref(), authority, now)
                .await
                .map_err(|e| VerifierError::Input(format!("{}: {e}", path.display())))?;
            policy = policy.trust_list(list);
        }
        policy = policy.require_trust();
    }

    let did_bound = if format == SecuredFormat::SdJwt {
        sd_jwt_vc::verify_did_bound(&input, resolver.as_ref(), &policy).await
    } else {
        None
    };
    let mut report = match did_bound {
        Some(r) => r,
        None => verify_any(&input, resolver.as_ref(), &policy).await,
    }
    .map_err(|e| VerifierError::Input(format!("{}: {e}", args.file)))?;
    if format == SecuredFormat::SdJwt {
        sd_jwt_vc::recheck_trust(&mut report, &input, &policy);
    }
    require_holder_binding(&mut report, format, &input, args);

    let disclosed = if format == SecuredFormat::SdJwt {
        disclosed_claims(&input)
    } else {
        None
    };
    let identities = identity::check(&input, format, &args.claimed_identifiers);
    print_report(&report, disclosed.as_ref(), &identities, args.json);
    Ok(report.verified() && identities.iter().all(|m| m.found.is_some()))
}

/// The bundled contexts plus one per `--context URL=FILE`.
fn context_loader(specs: &[String]) -> Result<xinlian_vc::jsonld::ContextLoader> {
    specs
        .iter()
        .try_fold(xinlian_vc::jsonld::ContextLoader::new(), |loader, spec| {
            let (url, file) = spec
                .split_once('=')
                .filter(|(url, file)| !url.is_empty() && !file.is_empty())
                .ok_or_else(|| VerifierError::Input(format!("--context {spec:?}: expected URL=FILE")))?;
            let path = std::path::Path::new(file);
            let json = std::fs::read_to_string(path).map_err(|e| VerifierError::io(path, e))?;
            loader
                .with(url, &json)
                .map_err(|e| VerifierError::Input(format!("--context {spec:?}: {e}")))
        })
}

/// A credential shown without any holder proof passes holder binding only
/// when the employer says so (`--no-holder-binding`).
fn require_holder_binding(report: &mut VerificationReport, format: SecuredFormat, input: &str, args: &VerifyArgs) {
    if args.no_holder_binding
        || report
            .outcomes(Check::HolderBinding)
            .any(|c| c.outcome != Outcome::Skipped)
    {
        return;
    }
    let what = match format {
        SecuredFormat::SdJwt => {
            "the SD-JWT has no key binding JWT (ask the holder for a presentation with --audience and --nonce)"
        }
        SecuredFormat::DataIntegrity if input.contains("VerifiablePresentation") => {
            "the presentation's holder binding was not checked"
        }
        _ => "a bare credential does not prove who presents it (ask for a presentation, or pass --no-holder-binding)",
    };
    report.checks.retain(|c| c.check != Check::HolderBinding);
    report.push(CheckOutcome::failed(
        Check::HolderBinding,
        codes::HOLDER_BINDING_ERROR,
        what,
    ));
}

/// The claims an SD-JWT presentation discloses (name → value).
fn disclosed_claims(input: &str) -> Option<Map<String, Value>> {
    let sd_jwt = SdJwt::parse(input.trim()).ok()?;
    let mut out = Map::new();
    for d in sd_jwt.disclosures() {
        if let Some(name) = d.name() {
            out.insert(name.to_owned(), d.value().clone());
        }
    }
    Some(out)
}

/// Prints the report: one line per check, or JSON.
fn print_report(
    report: &VerificationReport,
    disclosed: Option<&Map<String, Value>>,
    identities: &[identity::IdentityMatch],
    json_out: bool,
) {
    let identified = identities.iter().all(|m| m.found.is_some());
    if json_out {
        let mut value = report.to_json();
        if let Some(obj) = value.as_object_mut() {
            if let Some(d) = disclosed {
                obj.insert("disclosedClaims".into(), Value::Object(d.clone()));
            }
            if !identities.is_empty() {
                let list = identities.iter().map(identity::IdentityMatch::to_json).collect();
                obj.insert("claimedIdentifiers".into(), Value::Array(list));
                obj.insert("verified".into(), Value::Bool(report.verified() && identified));
            }
        }
        println!("{value}");
        return;
    }
    for c in &report.checks {
        let mark = match c.outcome {
            Outcome::Passed => "ok  ",
            Outcome::Failed => "FAIL",
            Outcome::Warning => "warn",
            Outcome::Skipped => "skip",
        };
        println!("  [{mark}] {:<16} {}", c.check.as_str(), c.detail);
    }
    if let Some(d) = disclosed {
        println!("disclosed claims:");
        if d.is_empty() {
            println!("  (none)");
        }
        for (name, value) in d {
            println!("  {name}: {value}");
        }
    }
    for m in identities {
        match &m.found {
            Some((_, index, kind)) => println!(
                "  [ok  ] {:<16} {:?} matches credentialSubject identifier[{index}] ({kind})",
                "identifier", m.claimed
            ),
            None => println!(
                "  [FAIL] {:<16} {:?} matches no identifier of the credential's subject",
                "identifier", m.claimed
            ),
        }
    }
    println!(
        "{}",
        if report.verified() && identified {
            "VERIFIED"
        } else {
            "NOT VERIFIED"
        }
    );
}
