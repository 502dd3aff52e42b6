//! `registrar issue --batch FILE.csv --out-dir DIR`: a whole class.
//!
//! The CSV is streamed in chunks, so memory does not grow with the class.
//! Each chunk is reserved in the issuance log in one transaction, signed,
//! written, then marked issued in one transaction; after an interruption
//! the same command skips rows already issued and re-signs reserved ones
//! with the same credential id and status index, so each student is issued
//! exactly once. Bad rows are reported with their row number and skipped;
//! good rows are still issued.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::{DiplomaArgs, FormatArg};
use crate::commands::issue::{Request, build, format_name, parse_date, secure};
use crate::error::{CliError, Result};
use crate::home::write_atomic;
use crate::institution::Institution;
use crate::store::Store;

const CHUNK: usize = 256;

/// What a batch run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    /// Rows read (excluding the header).
    pub rows: u64,
    /// Credentials issued by this run.
    pub issued: u64,
    /// Rows already issued by an earlier run.
    pub already_issued: u64,
    /// Rows refused, with their row numbers (1 = the first data row's line 2).
    pub errors: Vec<RowError>,
}

/// A refused row.
#[derive(Debug, serde::Serialize)]
pub struct RowError {
    /// The line number in the CSV file (the header is line 1).
    pub line: u64,
    /// What was wrong.
    pub error: String,
}

fn row_request(record: &csv::StringRecord, headers: &csv::StringRecord, format: FormatArg) -> Result<DiplomaArgs> {
    let get = |name: &str| -> Option<String> {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .and_then(|i| record.get(i))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let need = |name: &str| get(name).ok_or_else(|| CliError::Input(format!("missing {name}")));
    let args = DiplomaArgs {
        student_id: need("student_id")?,
        name: need("name")?,
        degree: need("degree")?,
        major: need("major")?,
        graduated: need("graduated")?,
        honors: get("honors"),
        subject_did: get("subject_did"),
        format,
        output: None,
    };
    parse_date("graduated", &args.graduated)?;
    if let Some(did) = &args.subject_did {
        xinlian_did_core::Did::parse(did).map_err(|e| CliError::Input(format!("subject_did: {e}")))?;
    }
    Ok(args)
}

fn file_name(out_dir: &Path, student_id: &str, format: FormatArg) -> PathBuf {
    let safe: String = student_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ext = match format {
        FormatArg::Jwt => "jwt",
        FormatArg::SdJwt => "sd-jwt",
        _ => "json",
    };
    out_dir.join(format!("{safe}.{ext}"))
}

/// Runs a batch.
pub async fn run(
    inst: &Institution,
    csv_path: &Path,
    out_dir: &Path,
    format: FormatArg,
    json: bool,
) -> Result<Summary> {
    std::fs::create_dir_all(out_dir).map_err(|e| CliError::io(out_dir, e))?;
    let signer = inst.signer()?;
    let mut store = Store::open(&inst.home.db_path())?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(csv_path)
        .map_err(|e| CliError::Input(format!("{}: {e}", csv_path.display())))?;
    let headers = reader
        .headers()
        .map_err(|e| CliError::Input(format!("{}: {e}", csv_path.display())))?
        .clone();
    for required in ["student_id", "name", "degree", "major", "graduated"] {
        if !headers.iter().any(|h| h.trim().eq_ignore_ascii_case(required)) {
            return Err(CliError::Input(format!(
                "{}: the header has no {required} column (need student_id,name,degree,major,graduated[,honors,subject_did])",
                csv_path.display()
            )));
        }
    }
    let progress = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} {pos} rows, {per_sec} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut summary = Summary::default();
    let mut records = reader.records();
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let stamp = now.format(&Rfc3339).unwrap_or_default();
    loop {
        let mut chunk: Vec<(u64, Request)> = Vec::with_capacity(CHUNK);
        for result in records.by_ref() {
            summary.rows += 1;
            let line = summary.rows + 1;
            match result
                .map_err(|e| CliError::Input(e.to_string()))
                .and_then(|r| row_request(&r, &headers, format))
            {
                Ok(args) => chunk.push((line, Request::Diploma(args))),
                Err(e) => summary.errors.push(RowError {
                    line,
                    error: e.to_string(),
                }),
            }
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let requests: Vec<_> = chunk
            .iter()
            .map(|(_, r)| {
                (
                    r.kind().to_owned(),
                    r.subject().to_owned(),
                    r.subject_key(),
                    format_name(format).to_owned(),
                )
            })
            .collect();
        let reserved = store.reserve(&requests, &stamp)?;
        let mut done = Vec::with_capacity(reserved.len());
        for ((line, request), issued) in chunk.iter().zip(&reserved) {
            let path = file_name(out_dir, request.subject(), format);
            if issued.state == "issued" && issued.file.as_deref().is_some_and(|f| Path::new(f).is_file()) {
                summary.already_issued += 1;
                continue;
            }
            let secured = match build(inst, request, issued, now) {
                Ok(credential) => secure(&credential, format, &signer).await,
                Err(e) => Err(e),
            };
            match secured {
                Ok(text) => {
                    write_atomic(&path, text.as_bytes())?;
                    done.push((issued.credential_id.clone(), Some(path.display().to_string())));
                }
                Err(e) => summary.errors.push(RowError {
                    line: *line,
                    error: e.to_string(),
                }),
            }
        }
        summary.issued += done.len() as u64;
        store.mark_issued(&done)?;
        progress.set_position(summary.rows);
    }
    crate::commands::status::ensure_lists(inst, &mut store, &signer).await?;
    progress.finish_and_clear();
    if json {
        println!("{}", json!(summary));
    } else {
        println!(
            "{} rows: {} issued, {} already issued earlier, {} refused",
            summary.rows,
            summary.issued,
            summary.already_issued,
            summary.errors.len()
        );
        for e in &summary.errors {
            eprintln!("  line {}: {}", e.line, e.error);
        }
    }
    Ok(summary)
}
