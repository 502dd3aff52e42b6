//! `registrar issue diploma|employment`: one credential.

use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use xinlian_did_core::method::{jwk as did_jwk, key as did_key};
use xinlian_did_core::{Did, KeyType, PublicKey};
use xinlian_vc::jose::{JwtIssueOptions, issue_vc_jwt};
use xinlian_vc::jsonld::ContextLoader;
use xinlian_vc::proof::{Cryptosuite, ProofOptions, add_proof, add_rdfc_proof};
use xinlian_vc::records::identity::{EMAIL_ADDRESS, STUDENT_NUMBER, random_salt};
use xinlian_vc::records::{DegreeType, Diploma, EmploymentCredential, EmploymentType, Record};
use xinlian_vc::sd_jwt::SdJwtVcBuilder;
use xinlian_vc::status::{StatusListEntry, StatusPurpose};
use xinlian_vc::{Credential, KeySigner, Signer};

use crate::cli::{DiplomaArgs, EmploymentArgs, FormatArg};
use crate::error::{CliError, Result};
use crate::institution::Institution;
use crate::output::{Existing, PUBLIC_MODE, check_target, write_file};
use crate::store::{Issued, NewEntry, Store};

/// A credential ready to be reserved, built and secured.
#[derive(Debug, Clone)]
pub enum Request {
    /// A diploma.
    Diploma(DiplomaArgs),
    /// An employment record.
    Employment(EmploymentArgs),
}

impl Request {
    /// `diploma` or `employment`.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Diploma(_) => "diploma",
            Request::Employment(_) => "employment",
        }
    }

    /// The holder's id at the institution.
    pub fn subject(&self) -> &str {
        match self {
            Request::Diploma(d) => &d.student_id,
            Request::Employment(e) => &e.employee_id,
        }
    }

    /// The issuance log key: one credential per kind, holder and degree/title.
    pub fn subject_key(&self) -> String {
        match self {
            Request::Diploma(d) => format!("diploma:{}:{}", d.student_id, d.degree),
            Request::Employment(e) => format!("employment:{}:{}:{}", e.employee_id, e.title, e.start),
        }
    }

    /// Checks every field before anything is reserved in the issuance log.
    pub fn validate(&self) -> Result<()> {
        let required: Vec<(&str, &str)> = match self {
            Request::Diploma(d) => vec![
                ("--student-id", &d.student_id),
                ("--name", &d.name),
                ("--degree", &d.degree),
                ("--major", &d.major),
            ],
            Request::Employment(e) => {
                vec![
                    ("--employee-id", &e.employee_id),
                    ("--name", &e.name),
                    ("--title", &e.title),
                ]
            }
        };
        if let Some((flag, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(CliError::Input(format!("{flag} must not be empty")));
        }
        let subject_did = match self {
            Request::Diploma(d) => {
                parse_date("--graduated", &d.graduated)?;
                let id = &d.identity;
                if id.salt.is_some() && !id.is_hashed() {
                    return Err(CliError::Input(
                        "--salt needs --hashed-email or --hash-student-id".into(),
                    ));
                }
                if id.salt.as_deref().is_some_and(str::is_empty) {
                    return Err(CliError::Input("--salt must not be empty".into()));
                }
                if let Some(email) = &id.hashed_email
                    && (email.trim() != email || !email.contains('@'))
                {
                    return Err(CliError::Input(format!(
                        "--hashed-email {email:?} is not an email address"
                    )));
                }
                &d.subject_did
            }
            Request::Employment(e) => {
                let start = parse_date("--start", &e.start)?;
                if let Some(end) = &e.end
                    && parse_date("--end", end)? < start
                {
                    return Err(CliError::Input(format!("--end {end} is before --start {}", e.start)));
                }
                employment_type(&e.employment_type)?;
                &e.subject_did
            }
        };
        if let Some(did) = subject_did {
            xinlian_did_core::Did::parse(did).map_err(|e| CliError::Input(format!("--subject-did {did:?}: {e}")))?;
        }
        Ok(())
    }

    /// The requested format.
    pub fn format(&self) -> FormatArg {
        match self {
            Request::Diploma(d) => d.format,
            Request::Employment(e) => e.format,
        }
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(field: &str, text: &str) -> Result<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| CliError::Input(format!("{field}: {text:?} is not a date (YYYY-MM-DD)")))
}

fn degree_type(degree: &str) -> DegreeType {
    let d = degree.to_ascii_lowercase();
    if d.starts_with("bachelor") || d.starts_with("b.") || d.starts_with("bs") || d.starts_with("ba") {
        DegreeType::Bachelor
    } else if d.starts_with("master") || d.starts_with("m.") || d.starts_with("ms") || d.starts_with("ma") {
        DegreeType::Master
    } else if d.contains("phd") || d.contains("ph.d") || d.starts_with("doctor") {
        DegreeType::ResearchDoctorate
    } else if d.starts_with("associate") {
        DegreeType::Associate
    } else {
        DegreeType::Diploma
    }
}

fn employment_type(text: &str) -> Result<EmploymentType> {
    text.to_ascii_uppercase().parse().map_err(|_| {
        CliError::Input(format!(
            "--employment-type {text:?}: expected FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, VOLUNTEER, \
             PER_DIEM or OTHER"
        ))
    })
}

/// A URN for a holder who has no DID: `urn:xinlian:<kind>:<id>`.
fn holder_urn(kind: &str, id: &str) -> String {
    let mut out = format!("urn:xinlian:{kind}:");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn status_entries(inst: &Institution, issued: &Issued) -> [StatusListEntry; 2] {
    let base = &inst.profile.public_url;
    [StatusPurpose::Revocation, StatusPurpose::Suspension].map(|purpose| {
        let url = format!("{base}/status/{}/{}", issued.list_number, purpose.as_str());
        let mut entry = StatusListEntry::new(purpose, issued.status_index, url.clone());
        entry.id = Some(format!("{url}#{}", issued.status_index));
        entry
    })
}

/// Builds the unsigned credential for a reserved request.
pub fn build(inst: &Institution, request: &Request, issued: &Issued, now: OffsetDateTime) -> Result<Credential> {
    let [revocation, suspension] = status_entries(inst, issued);
    let profile = &inst.profile;
    Ok(match request {
        Request::Diploma(d) => {
            let subject = d
                .subject_did
                .clone()
                .unwrap_or_else(|| holder_urn("student", &d.student_id));
            let mut b = Diploma::builder()
                .credential_id(&issued.credential_id)
                .issuer(&profile.did, &profile.name)
                .degree(degree_type(&d.degree), &d.degree)
                .major(&d.major)
                .graduated(parse_date("--graduated", &d.graduated)?)
                .valid_from(now)
                .status(revocation)
                .status(suspension);
            if let Some(h) = &d.honors {
                b = b.honors(h);
            }
            let id = &d.identity;
            let salt = match &id.salt {
                Some(salt) => salt.clone(),
                None if id.is_hashed() => random_salt()?,
                None => String::new(),
            };
            b = match (&id.hashed_email, id.hash_student_id) {
                (None, false) => b.student(subject, &d.name),
                (None, true) => b.student_hashed(subject, STUDENT_NUMBER, &d.student_id, &salt),
                (Some(email), hash_student_id) => {
                    let b = b.student_hashed(subject, EMAIL_ADDRESS, email, &salt);
                    if hash_student_id {
                        b.hashed_identifier(STUDENT_NUMBER, &d.student_id, &salt)
                    } else {
                        b
                    }
                }
            };
            b.build()?
        }
        Request::Employment(e) => {
            let subject = e
                .subject_did
                .clone()
                .unwrap_or_else(|| holder_urn("employee", &e.employee_id));
            let employment_type = employment_type(&e.employment_type)?;
            let mut b = EmploymentCredential::builder()
                .credential_id(&issued.credential_id)
                .issuer(&profile.did)
                .employer(&profile.did, &profile.name)
                .employee(subject, &e.name)
                .title(&e.title)
                .employment_type(employment_type)
                .started(parse_date("--start", &e.start)?)
                .valid_from(now)
                .status(revocation)
                .status(suspension);
            if let Some(end) = &e.end {
                b = b.ended(parse_date("--end", end)?);
            }
            b.build()?
        }
    })
}

/// Secures a credential in the requested format; returns the text to write.
pub async fn secure(credential: &Credential, format: FormatArg, signer: &KeySigner) -> Result<String> {
    let jcs = |suite: Cryptosuite| ProofOptions::new().cryptosuite(suite);
    let doc = credential.as_object();
    let signed = match format {
        FormatArg::DiEddsaJcs => add_proof(doc, &jcs(Cryptosuite::EddsaJcs2022), signer).await?,
        FormatArg::DiEcdsaJcs => add_proof(doc, &jcs(Cryptosuite::EcdsaJcs2019), signer).await?,
        // The rdfc suite follows from the key type (Ed25519 → eddsa, P-256 → ecdsa).
        FormatArg::DiEddsaRdfc | FormatArg::DiEcdsaRdfc => {
            let wanted = if format == FormatArg::DiEddsaRdfc {
                KeyType::Ed25519
            } else {
                KeyType::P256
            };
            if (signer.key_type() == KeyType::Ed25519) != (wanted == KeyType::Ed25519) {
                return Err(CliError::Input(format!(
                    "--format {} needs a {} signing key; this institution signs with {}",
                    format_name(format),
                    if wanted == KeyType::Ed25519 {
                        "Ed25519"
                    } else {
                        "P-256 or P-384"
                    },
                    signer.key_type()
                )));
            }
            add_rdfc_proof(doc, &ProofOptions::new(), signer, ContextLoader::shared()).await?
        }
        FormatArg::Jwt => return Ok(issue_vc_jwt(doc, signer, &JwtIssueOptions::default()).await?),
        FormatArg::SdJwt => return sd_jwt(credential, signer).await,
    };
    serde_json::to_string_pretty(&Value::Object(signed)).map_err(|e| CliError::Input(e.to_string()))
}

/// An SD-JWT VC of the credential: the subject's claims each disclosable,
/// the status entries in the clear (the verifier needs them).
async fn sd_jwt(credential: &Credential, signer: &KeySigner) -> Result<String> {
    let subject = credential.subjects().first().map(|s| (*s).clone()).unwrap_or_default();
    let mut claims = Map::new();
    if Diploma::is_record(credential) {
        // A diploma's claims flat, so a graduate can show the degree and the
        // graduation year and nothing else.
        let d = Diploma::from_credential(credential)?;
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                claims.insert(k.to_owned(), v);
            }
        };
        put("name", d.student_name.map(Value::from));
        put("degree", Some(Value::from(d.degree_name)));
        put("degree_type", Some(Value::from(d.degree_type.achievement_type())));
        put("major", d.major.map(Value::from));
        put(
            "graduation_date",
            d.graduated.map(|t| Value::from(t.date().to_string())),
        );
        put("graduation_year", d.graduated.map(|t| Value::from(t.year())));
        put("honors", d.honors.map(Value::from));
        put("gpa", d.gpa.map(Value::from));
    } else {
        for (k, v) in &subject {
            if k != "id" {
                claims.insert(k.clone(), v.clone());
            }
        }
    }
    let disclosable: Vec<String> = claims.keys().map(|k| format!("/{k}")).collect();
    let holder = subject.get("id").and_then(Value::as_str);
    if let Some(sub) = holder {
        claims.insert("sub".into(), json!(sub));
    }
    if let Some(id) = credential.id() {
        claims.insert("jti".into(), json!(id));
    }
    if let Some(status) = credential.get("credentialStatus") {
        claims.insert("credentialStatus".into(), status.clone());
    }
    let vct = format!(
        "https://xinlian.dev/vct/{}",
        credential.types().last().copied().unwrap_or("credential")
    );
    let mut builder = SdJwtVcBuilder::new(vct, claims);
    for pointer in disclosable {
        builder = builder.disclosable(pointer);
    }
    // Key binding: a holder whose DID is its key (did:key, did:jwk) gets it
    // as the `cnf` key, so presentations can prove possession.
    if let Some(key) = holder
        .and_then(|h| Did::parse(h).ok())
        .and_then(|did| match did.method() {
            "key" => did_key::public_key(&did).ok(),
            "jwk" => did_jwk::jwk(&did).ok().and_then(|j| PublicKey::from_jwk(&j).ok()),
            _ => None,
        })
    {
        builder = builder.holder_key(&key);
    }
    Ok(builder.issue(signer).await?.to_string())
}

/// What `issue_one` produced.
pub struct IssuedCredential {
    /// The log row.
    pub issued: Issued,
    /// The secured credential text.
    pub text: String,
}

/// `registrar issue diploma|employment`.
pub async fn run(
    inst: &Institution,
    request: Request,
    output: Option<&std::path::Path>,
    force: bool,
    json: bool,
) -> Result<()> {
    let format = format_name(request.format());
    let existing = if force { Existing::Replace } else { Existing::Refuse };
    let IssuedCredential { issued, text } = issue_one(inst, request, output.map(|p| (p, existing))).await?;
    if output.is_none() && !json {
        println!("{text}");
    }
    if json {
        let credential_value = if text.starts_with('{') {
            serde_json::from_str(&text).unwrap_or(Value::String(text.clone()))
        } else {
            Value::String(text.clone())
        };
        let out = json!({
            "credentialId": issued.credential_id,
            "format": format,
            "file": output.map(|p| p.display().to_string()),
            "statusListIndex": issued.status_index,
            "credential": if output.is_none() { credential_value } else { Value::Null },
        });
        println!("{out}");
    } else if let Some(path) = output {
        eprintln!("issued {} ({format}) to {}", issued.credential_id, path.display());
    }
    Ok(())
}

/// Reserves, builds, secures and logs one credential (written to `output`
/// when given, replacing an existing file only under [`Existing::Replace`]).
pub async fn issue_one(
    inst: &Institution,
    request: Request,
    output: Option<(&std::path::Path, Existing)>,
) -> Result<IssuedCredential> {
    request.validate()?;
    // Before anything is reserved: a refused target changes nothing.
    if let Some((path, existing)) = output {
        check_target(path, existing)?;
    }
    let signer = inst.signer().await?;
    let mut store = Store::open(&inst.home.db_path())?;
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let stamp = now.format(&Rfc3339).unwrap_or_default();
    let format = format_name(request.format());
    let subject_key = request.subject_key();
    let entry = NewEntry {
        kind: request.kind(),
        subject: request.subject(),
        subject_key: &subject_key,
        format,
        batch: None,
    };
    let reserved = store.reserve(&[entry], &stamp)?;
    let issued = reserved
        .into_iter()
        .next()
        .ok_or_else(|| CliError::Failed("nothing reserved".into()))?;
    let credential = build(inst, &request, &issued, now)?;
    let text = secure(&credential, request.format(), &signer).await?;
    crate::commands::status::ensure_lists(inst, &mut store, &inst.status_signer(&signer).await?).await?;
    if let Some((path, existing)) = output {
        write_file(path, text.as_bytes(), existing, PUBLIC_MODE)?;
    }
    store.mark_issued(&[(
        issued.credential_id.clone(),
        output.map(|(p, _)| p.display().to_string()),
    )])?;
    Ok(IssuedCredential { issued, text })
}

/// The format's command-line name.
pub fn format_name(format: FormatArg) -> &'static str {
    match format {
        FormatArg::DiEddsaRdfc => "di-eddsa-rdfc",
        FormatArg::DiEddsaJcs => "di-eddsa-jcs",
        FormatArg::DiEcdsaRdfc => "di-ecdsa-rdfc",
        FormatArg::DiEcdsaJcs => "di-ecdsa-jcs",
        FormatArg::Jwt => "jwt",
        FormatArg::SdJwt => "sd-jwt",
    }
}
