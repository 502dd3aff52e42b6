//! `registrar issue --batch FILE.csv --out-dir DIR`: a whole class.
//!
//! The CSV is streamed in chunks, so memory does not grow with the class.
//! Each chunk is reserved in the issuance log in one transaction, signed,
//! written, then marked issued in one transaction; after an interruption
//! the same command skips rows already issued and re-signs reserved ones
//! with the same credential id and status index, so each student is issued
//! exactly once. Bad rows are reported with their row number and skipped;
//! good rows are still issued.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::{DiplomaArgs, FormatArg};
use crate::commands::issue::{Request, build, format_name, parse_date, secure};
use crate::error::{CliError, Result};
use crate::institution::Institution;
use crate::output::{Existing, PUBLIC_MODE, remove_stale_temp_files, safe_file_stem, write_file};
use crate::store::{BatchRef, NewEntry, Store};

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
    /// The data row number (the first row after the header is row 1).
    pub row: u64,
    /// The line number in the CSV file (the header is line 1).
    pub line: u64,
    /// What was wrong.
    pub error: String,
}

/// Where a row is in the CSV file.
#[derive(Debug, Clone, Copy)]
struct Position {
    row: u64,
    line: u64,
}

impl Position {
    fn error(self, e: CliError) -> RowError {
        RowError {
            row: self.row,
            line: self.line,
            error: e.to_string(),
        }
    }
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
        identity: Default::default(),
        format,
        output: None,
    };
    parse_date("graduated", &args.graduated)?;
    if let Some(did) = &args.subject_did {
        xinlian_did_core::Did::parse(did).map_err(|e| CliError::Input(format!("subject_did: {e}")))?;
    }
    Request::Diploma(args.clone()).validate()?;
    Ok(args)
}

/// The file a row's credential goes to: `<student_id>.<ext>`, or
/// `<student_id>-<hash of the log key>.<ext>` when another credential has
/// that name (a second degree, or ids that differ only in characters a file
/// name cannot hold). The choice depends only on the log and the rows
/// before this one, so a resumed run makes it again.
fn file_name(
    store: &Store,
    out_dir: &Path,
    request: &Request,
    subject_key: &str,
    taken_in_chunk: &HashSet<PathBuf>,
    format: FormatArg,
) -> Result<PathBuf> {
    let safe = safe_file_stem(request.subject());
    let ext = match format {
        FormatArg::Jwt => "jwt",
        FormatArg::SdJwt => "sd-jwt",
        _ => "json",
    };
    let plain = out_dir.join(format!("{safe}.{ext}"));
    let taken = taken_in_chunk.contains(&plain) || store.file_taken(&plain.display().to_string(), subject_key)?;
    if !taken {
        return Ok(plain);
    }
    // FNV-1a: stable across runs and builds.
    let hash = subject_key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    Ok(out_dir.join(format!("{safe}-{:08x}.{ext}", hash as u32)))
}

/// Runs a batch.
pub async fn run(
    inst: &Institution,
    csv_path: &Path,
    out_dir: &Path,
    format: FormatArg,
    force: bool,
    json: bool,
) -> Result<Summary> {
    std::fs::create_dir_all(out_dir).map_err(|e| CliError::io(out_dir, e))?;
    remove_stale_temp_files(out_dir)?;
    let signer = inst.signer().await?;
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
    let run_id = crate::store::uuid_v4();
    let format_label = format_name(format);
    loop {
        let mut chunk: Vec<(Position, Request, String)> = Vec::with_capacity(CHUNK);
        for result in records.by_ref() {
            summary.rows += 1;
            let row = summary.rows;
            // The header is line 1; quoted fields may span lines, so ask the reader.
            let line = match &result {
                Ok(record) => record.position().map(csv::Position::line),
                Err(e) => e.position().map(csv::Position::line),
            }
            .unwrap_or(row + 1);
            let at = Position { row, line };
            match result
                .map_err(|e| CliError::Input(e.to_string()))
                .and_then(|r| row_request(&r, &headers, format))
            {
                Ok(args) => {
                    let request = Request::Diploma(args);
                    let key = request.subject_key();
                    chunk.push((at, request, key));
                }
                Err(e) => summary.errors.push(at.error(e)),
            }
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let entries: Vec<NewEntry<'_>> = chunk
            .iter()
            .map(|(at, request, key)| NewEntry {
                kind: request.kind(),
                subject: request.subject(),
                subject_key: key,
                format: format_label,
                batch: Some(BatchRef {
                    run: &run_id,
                    line: at.line,
                }),
            })
            .collect();
        let reserved = store.reserve(&entries, &stamp)?;
        let mut done = Vec::with_capacity(reserved.len());
        let mut taken_in_chunk = HashSet::new();
        for ((at, request, subject_key), issued) in chunk.iter().zip(&reserved) {
            if issued.batch_run.as_deref() == Some(run_id.as_str()) {
                let first = issued
                    .batch_line
                    .map_or_else(|| "an earlier row".to_owned(), |l| format!("line {l}"));
                summary.errors.push(at.error(CliError::Input(format!(
                    "{} {} is listed again (first at {first}); issued once",
                    request.subject(),
                    match request {
                        Request::Diploma(d) => d.degree.as_str(),
                        Request::Employment(e) => e.title.as_str(),
                    }
                ))));
                continue;
            }
            if issued.state == "issued" && issued.file.as_deref().is_some_and(|f| Path::new(f).is_file()) {
                summary.already_issued += 1;
                continue;
            }
            let path = file_name(&store, out_dir, request, subject_key, &taken_in_chunk, format)?;
            taken_in_chunk.insert(path.clone());
            // A row an earlier, interrupted run reserved may have written its
            // file before it was logged: that file is ours to replace. Any
            // other existing file only with --force.
            let resumed = issued.state == "pending" && issued.batch_run.is_some();
            let existing = if force || resumed {
                Existing::Replace
            } else {
                Existing::Refuse
            };
            let secured = match build(inst, request, issued, now) {
                Ok(credential) => secure(&credential, format, &signer).await,
                Err(e) => Err(e),
            };
            match secured {
                Ok(text) => match write_file(&path, text.as_bytes(), existing, PUBLIC_MODE) {
                    Ok(()) => done.push((issued.credential_id.clone(), Some(path.display().to_string()))),
                    Err(e @ CliError::OutputRefused { .. }) => summary.errors.push(at.error(e)),
                    Err(e) => return Err(e),
                },
                Err(e) => summary.errors.push(at.error(e)),
            }
        }
        summary.issued += done.len() as u64;
        store.mark_issued(&done)?;
        progress.set_position(summary.rows);
    }
    crate::commands::status::ensure_lists(inst, &mut store, &inst.status_signer(&signer).await?).await?;
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
            eprintln!("  row {} (line {}): {}", e.row, e.line, e.error);
        }
    }
    Ok(summary)
}
