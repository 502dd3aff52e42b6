//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The Xinlian registrar: a university issues, revokes and publishes
/// diplomas; anyone verifies them.
#[derive(Debug, Parser)]
#[command(name = "registrar", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The registrar's state directory (institution profile, keys, ledger,
    /// status lists, issuance log).
    #[arg(long, global = true, env = "XINLIAN_HOME", default_value = "./registrar-home")]
    pub home: PathBuf,
    /// Read the key passphrase from this file instead of asking (or set
    /// XINLIAN_PASSPHRASE).
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Registrar commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the institution's DID and keys.
    Init(InitArgs),
    /// Issue a diploma or employment record (or a whole class with --batch).
    #[command(
        after_help = "With --batch, each student is issued once: after an interruption, run the same \
command again. Bad rows are reported with their row and line numbers and skipped; the good rows are still \
issued.\n\nExit status: 0 all issued, 1 some rows refused, 2 usage or input error."
    )]
    Issue(IssueArgs),
    /// Revoke a credential (by id or file).
    Revoke(StatusArgs),
    /// Suspend a credential (by id or file).
    Suspend(StatusArgs),
    /// Lift a suspension.
    Reinstate(StatusArgs),
    /// Rotate the signing key (did:ethr on its ledger, did:web in did.json).
    #[command(long_about = ROTATE_KEY_HELP)]
    RotateKey(RotateKeyArgs),
    /// Write the status lists (and did.json for did:web) for a static web server.
    Publish(PublishArgs),
    /// Resolve any DID the toolkit supports.
    Resolve(ResolveArgs),
    /// Verify a credential or presentation (needs no institution).
    #[command(after_help = "Exit status: 0 verified, 1 not verified, 2 usage or input error.")]
    Verify(VerifyArgs),
    /// Serve DID resolution, status lists and the did:web document over HTTP.
    Serve(ServeArgs),
    /// Run the main job end to end in a fresh temporary home, offline.
    Demo(JsonArg),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

const ROTATE_KEY_HELP: &str = "Rotate the signing key (did:ethr on its ledger, did:web in did.json).

An ordinary rotation publishes a new key and retires the old one: credentials the old key signed \
before the rotation keep verifying. For did:ethr the old key is revoked on the ledger and verifiers \
resolve the DID as of each proof's time (`created`, or a JWT's `iat`); did:web keeps no history, so \
there the old key stays in did.json and the registrar simply stops signing with it. Use it for \
routine key changes.

With --compromised, the old key is also marked compromised in the DID document (a `CompromisedKey` \
service naming it; for did:web, run `registrar publish` to put the new did.json online): verifiers then refuse every proof by it, whatever date it claims, so a thief \
cannot mint backdated credentials. Credentials signed with it no longer verify; issue them again.

A rotation is journaled (rotation.json in the home): if it is interrupted, the next registrar \
command that signs (or rotate-key itself) finishes it. Status lists are re-signed with the new key.";

/// `registrar rotate-key`.
#[derive(Debug, Args)]
pub struct RotateKeyArgs {
    /// The old key was (or may have been) stolen: mark it compromised, so
    /// no proof by it verifies any more, whatever its date.
    #[arg(long)]
    pub compromised: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--json` alone.
#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// DID methods an institution can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodArg {
    /// did:ethr on the embedded ledger (or an EVM chain with --rpc-url).
    Ethr,
    /// did:key (no rotation, no ledger).
    Key,
    /// did:jwk (no rotation, no ledger).
    Jwk,
    /// did:web (a did.json on the institution's web server).
    Web,
}

/// Signing key types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyTypeArg {
    /// Ed25519 (eddsa-* cryptosuites, EdDSA JWTs).
    Ed25519,
    /// NIST P-256 (ecdsa-* cryptosuites, ES256).
    P256,
    /// secp256k1 (ES256K JWTs).
    Secp256k1,
}

/// `registrar init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The institution's name.
    #[arg(long)]
    pub name: String,
    /// DID method.
    #[arg(long, value_enum, default_value = "ethr")]
    pub method: MethodArg,
    /// Domain for did:web (e.g. registrar.example.edu).
    #[arg(long, required_if_eq("method", "web"))]
    pub web_domain: Option<String>,
    /// Signing key type.
    #[arg(long, value_enum, default_value = "ed25519")]
    pub key_type: KeyTypeArg,
    /// Anchor did:ethr on an EVM chain at this JSON-RPC URL instead of the embedded ledger.
    #[arg(long, requires_all = ["registry", "chain_id"])]
    pub rpc_url: Option<String>,
    /// ERC-1056 registry contract address on that chain.
    #[arg(long)]
    pub registry: Option<String>,
    /// The chain's id.
    #[arg(long)]
    pub chain_id: Option<u64>,
    /// Key file of a funded account that relays the institution's signed changes.
    #[arg(long)]
    pub payer_key: Option<PathBuf>,
    /// Base URL where `registrar publish` output will be served (status lists live under it).
    #[arg(long)]
    pub public_url: Option<String>,
    /// Seal the secret key files with a passphrase (asked, or --passphrase-file / XINLIAN_PASSPHRASE).
    #[arg(long)]
    pub encrypt: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Credential formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatArg {
    /// Data Integrity, eddsa-rdfc-2022.
    DiEddsaRdfc,
    /// Data Integrity, eddsa-jcs-2022.
    DiEddsaJcs,
    /// Data Integrity, ecdsa-rdfc-2019.
    DiEcdsaRdfc,
    /// Data Integrity, ecdsa-jcs-2019.
    DiEcdsaJcs,
    /// VC-JOSE, application/vc+jwt.
    Jwt,
    /// SD-JWT VC with selective disclosure.
    SdJwt,
}

/// `registrar issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// What to issue (omit with --batch).
    #[command(subcommand)]
    pub kind: Option<IssueKind>,
    /// Issue a whole class from a CSV file (header: student_id,name,degree,major,graduated[,honors,subject_did]).
    #[arg(long, value_name = "FILE.csv", requires = "out_dir")]
    pub batch: Option<PathBuf>,
    /// Where --batch writes one credential file per row.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Credential format for --batch (`issue diploma|employment` take their own --format).
    #[arg(long, value_enum, default_value = "di-eddsa-jcs")]
    pub format: FormatArg,
    /// Replace an existing output file (`-o`, or the files --batch writes).
    /// Links, directories, devices and FIFOs are never replaced.
    #[arg(long, global = true)]
    pub force: bool,
    /// Print the result as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The kinds of credential.
#[derive(Debug, Subcommand)]
pub enum IssueKind {
    /// A diploma (Open Badges 3.0 AchievementCredential).
    Diploma(DiplomaArgs),
    /// An employment record.
    Employment(EmploymentArgs),
}

/// Diploma fields.
#[derive(Debug, Clone, Args)]
pub struct DiplomaArgs {
    /// The student's id at the institution.
    #[arg(long)]
    pub student_id: String,
    /// The graduate's name.
    #[arg(long)]
    pub name: String,
    /// Degree, e.g. "Bachelor of Science".
    #[arg(long)]
    pub degree: String,
    /// Major / field of study.
    #[arg(long)]
    pub major: String,
    /// Graduation date (YYYY-MM-DD).
    #[arg(long)]
    pub graduated: String,
    /// Honors, e.g. "magna cum laude".
    #[arg(long)]
    pub honors: Option<String>,
    /// The graduate's DID (the credential subject).
    #[arg(long)]
    pub subject_did: Option<String>,
    /// How the diploma names the graduate (default: their name in the clear).
    #[command(flatten)]
    pub identity: IdentityArgs,
    /// Credential format.
    #[arg(long, value_enum, default_value = "di-eddsa-jcs")]
    pub format: FormatArg,
    /// Write the credential here instead of standard output (a new file,
    /// or an existing regular file with --force).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

/// Salted, hashed learner identifiers instead of the plain name (Open
/// Badges 3.0 `IdentityObject`s with `hashed: true`, `salt` and
/// `identityHash` = "sha256$" + hex of SHA-256(identifier + salt)).
#[derive(Debug, Clone, Default, Args)]
pub struct IdentityArgs {
    /// Name the graduate by a salted hash of this email address, not by name.
    #[arg(long, value_name = "EMAIL")]
    pub hashed_email: Option<String>,
    /// Name the graduate by a salted hash of --student-id, not by name.
    #[arg(long)]
    pub hash_student_id: bool,
    /// The salt of the hashes (default: 16 random bytes in hex, new for each diploma).
    #[arg(long)]
    pub salt: Option<String>,
}

impl IdentityArgs {
    /// Whether the graduate is named by hashes instead of the plain name.
    pub fn is_hashed(&self) -> bool {
        self.hashed_email.is_some() || self.hash_student_id
    }
}

/// Employment record fields.
#[derive(Debug, Clone, Args)]
pub struct EmploymentArgs {
    /// The employee's id at the employer.
    #[arg(long)]
    pub employee_id: String,
    /// The employee's name.
    #[arg(long)]
    pub name: String,
    /// Role or title.
    #[arg(long)]
    pub title: String,
    /// Start date (YYYY-MM-DD).
    #[arg(long)]
    pub start: String,
    /// End date (YYYY-MM-DD), if the employment ended.
    #[arg(long)]
    pub end: Option<String>,
    /// Employment type, e.g. FULL_TIME, PART_TIME, CONTRACTOR, INTERN.
    #[arg(long, default_value = "FULL_TIME")]
    pub employment_type: String,
    /// The employee's DID (the credential subject).
    #[arg(long)]
    pub subject_did: Option<String>,
    /// Credential format.
    #[arg(long, value_enum, default_value = "di-eddsa-jcs")]
    pub format: FormatArg,
    /// Write the credential here instead of standard output (a new file,
    /// or an existing regular file with --force).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

/// `registrar revoke|suspend|reinstate`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The credential's id (urn:uuid:…) or a file holding the credential.
    pub credential: String,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// How large a credential file may be.
    #[command(flatten)]
    pub input: InputLimitArgs,
}

/// The size limit on credential, presentation and trust list files (and
/// standard input): at most this many bytes are read, a larger input is
/// refused.
#[derive(Debug, Clone, Copy, Args)]
pub struct InputLimitArgs {
    /// Refuse credential, presentation and trust list input larger than
    /// this many bytes.
    #[arg(
        long,
        value_name = "BYTES",
        env = "XINLIAN_MAX_INPUT_BYTES",
        default_value_t = xinlian_vc::limits::DEFAULT_MAX_INPUT_BYTES
    )]
    pub max_input_bytes: usize,
}

impl Default for InputLimitArgs {
    fn default() -> Self {
        InputLimitArgs {
            max_input_bytes: xinlian_vc::limits::DEFAULT_MAX_INPUT_BYTES,
        }
    }
}

impl InputLimitArgs {
    /// The library limits with this size.
    pub fn limits(&self) -> xinlian_vc::Limits {
        xinlian_vc::Limits {
            max_input_bytes: self.max_input_bytes,
            ..xinlian_vc::Limits::default()
        }
    }
}

/// `registrar publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Output directory.
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `registrar resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The DID (or DID URL) to resolve.
    pub did: String,
    /// Print the full resolution result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `registrar verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The credential or presentation file, or `-` for standard input.
    pub file: String,
    /// Require the issuer to be accredited by this trust list credential.
    #[arg(long)]
    pub trust_list: Option<PathBuf>,
    /// The accreditation authority (DID) that must have signed the trust list
    /// (default: whoever signed it).
    #[arg(long, requires = "trust_list")]
    pub trust_authority: Option<String>,
    /// Expected presentation challenge.
    #[arg(long)]
    pub challenge: Option<String>,
    /// Expected presentation domain.
    #[arg(long)]
    pub domain: Option<String>,
    /// Also fetch status lists over plain http:// and from loopback addresses
    /// (127.0.0.1, localhost). For tests and local development only: without
    /// it, status lists are fetched over https from public addresses only.
    #[arg(long)]
    pub allow_local_http_status: bool,
    /// A JSON-LD context beyond the bundled ones: the document in FILE served
    /// for URL (repeat for more; nothing is fetched).
    #[arg(long = "context", value_name = "URL=FILE")]
    pub contexts: Vec<String>,
    /// Print the verification report as JSON.
    #[arg(long)]
    pub json: bool,
    /// How large the input may be.
    #[command(flatten)]
    pub input: InputLimitArgs,
}

/// `registrar serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap checks its own definition (conflicts, requirements, globals)
    /// only when a command is parsed in a debug build; check all at once.
    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
