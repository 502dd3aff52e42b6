//! `registrar issue --batch` of 1,000, 10,000 and 100,000 diplomas
//! (eddsa-jcs-2022, did:ethr on the embedded ledger), each in a fresh home:
//! wall time, credentials per second and peak RSS of the release binary.
//!
//! ```text
//! cargo bench -p registrar --bench batch              # all three sizes
//! XINLIAN_BENCH_SIZES=1000,10000 cargo bench -p registrar --bench batch
//! ```
//!
//! `cargo bench` builds the registrar with the (optimized) bench profile;
//! set `REGISTRAR_BIN=target/release/registrar` to measure another build.
//! Peak RSS comes from `/usr/bin/time -v` when it exists, else from polling
//! `/proc/<pid>/status` (VmHWM). Targets (issue 7): 10,000 diplomas in
//! under 10 s, and peak RSS at 100,000 rows within 20% of that at 1,000.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

struct Measurement {
    rows: usize,
    wall: Duration,
    peak_rss_kib: u64,
    /// User + system CPU seconds (from `/usr/bin/time`), which a machine
    /// busy with other work disturbs less than the wall time.
    cpu_seconds: Option<f64>,
}

fn binary() -> PathBuf {
    std::env::var_os("REGISTRAR_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_registrar")), PathBuf::from)
}

fn sizes() -> BenchResult<Vec<usize>> {
    match std::env::var("XINLIAN_BENCH_SIZES") {
        Ok(list) => Ok(list
            .split(',')
            .map(|n| n.trim().replace('_', "").parse())
            .collect::<Result<_, _>>()?),
        Err(_) => Ok(vec![1_000, 10_000, 100_000]),
    }
}

fn write_class(path: &Path, rows: usize) -> BenchResult<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "student_id,name,degree,major,graduated,honors,subject_did")?;
    for i in 0..rows {
        let honors = if i % 10 == 0 { "cum laude" } else { "" };
        writeln!(
            out,
            "S{i:07},Student {i},Bachelor of Science,Physics,2026-06-30,{honors},"
        )?;
    }
    out.flush()?;
    Ok(())
}

fn registrar(home: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.arg("--home")
        .arg(home)
        .env_remove("XINLIAN_HOME")
        .env_remove("XINLIAN_PASSPHRASE");
    cmd
}

/// Runs `cmd`, returning its wall time and peak RSS.
fn measure(mut cmd: Command) -> BenchResult<(Duration, u64, Option<f64>, String)> {
    let time_v = Path::new("/usr/bin/time");
    if time_v.is_file() {
        let mut wrapped = Command::new(time_v);
        wrapped.arg("-v").arg(cmd.get_program()).args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        let start = Instant::now();
        let out = wrapped.stdin(Stdio::null()).output()?;
        let wall = start.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(format!("registrar failed ({}): {stderr}", out.status).into());
        }
        let rss = stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|v| v.trim().parse().ok())
            .ok_or("no peak RSS in /usr/bin/time -v output")?;
        let seconds = |label: &str| {
            stderr
                .lines()
                .find_map(|l| l.trim().strip_prefix(label))
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        let cpu = seconds("User time (seconds):")
            .zip(seconds("System time (seconds):"))
            .map(|(u, s)| u + s);
        return Ok((wall, rss, cpu, String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    // No /usr/bin/time: poll VmHWM while the child runs.
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text.lines().find_map(|l| l.strip_prefix("VmHWM:"))
        {
            peak = peak.max(kib.trim().trim_end_matches("kB").trim().parse().unwrap_or(0));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = start.elapsed();
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        std::io::Read::read_to_string(&mut out, &mut stdout)?;
    }
    if !status.success() {
        return Err(format!("registrar failed ({status})").into());
    }
    Ok((wall, peak, None, stdout))
}

fn run_one(rows: usize) -> BenchResult<Measurement> {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let csv = dir.path().join("class.csv");
    let out_dir = dir.path().join("out");
    write_class(&csv, rows)?;
    let init = registrar(&home)
        .args(["init", "--name", "Benchmark University", "--json"])
        .output()?;
    if !init.status.success() {
        return Err(format!("init failed: {}", String::from_utf8_lossy(&init.stderr)).into());
    }
    let mut cmd = registrar(&home);
    cmd.arg("issue")
        .arg("--batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out_dir)
        .args(["--format", "di-eddsa-jcs", "--json"]);
    let (wall, peak_rss_kib, cpu_seconds, stdout) = measure(cmd)?;
    let summary: serde_json::Value = serde_json::from_str(stdout.trim())?;
    if summary["issued"].as_u64() != Some(rows as u64) {
        return Err(format!("expected {rows} issued: {summary}").into());
    }
    let files = std::fs::read_dir(&out_dir)?.count();
    if files != rows {
        return Err(format!("expected {rows} files, found {files}").into());
    }
    Ok(Measurement {
        rows,
        wall,
        peak_rss_kib,
        cpu_seconds,
    })
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass
    // filters. Either way there is nothing else to parse.
    let bin = binary();
    let sizes = match sizes() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("XINLIAN_BENCH_SIZES: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "registrar issue --batch, di-eddsa-jcs, did:ethr on the embedded ledger ({})",
        bin.display()
    );
    println!(
        "{:>9}  {:>9}  {:>10}  {:>14}  {:>8}",
        "rows", "wall (s)", "creds/s", "peak RSS (MiB)", "CPU (s)"
    );
    let mut results = Vec::new();
    for rows in sizes {
        match run_one(rows) {
            Ok(m) => {
                println!(
                    "{:>9}  {:>9.2}  {:>10.0}  {:>14.1}  {:>8}",
                    m.rows,
                    m.wall.as_secs_f64(),
                    m.rows as f64 / m.wall.as_secs_f64(),
                    m.peak_rss_kib as f64 / 1024.0,
                    m.cpu_seconds.map_or_else(|| "-".to_owned(), |c| format!("{c:.2}"))
                );
                results.push(m);
            }
            Err(e) => {
                eprintln!("{rows} rows: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut ok = true;
    if let Some(m) = results.iter().find(|m| m.rows == 10_000) {
        let met = m.wall < Duration::from_secs(10);
        ok &= met;
        println!(
            "target: 10,000 in under 10 s: {:.2} s {}",
            m.wall.as_secs_f64(),
            if met { "met" } else { "MISSED" }
        );
    }
    let small = results.iter().find(|m| m.rows == 1_000);
    let large = results.iter().find(|m| m.rows == 100_000);
    if let (Some(small), Some(large)) = (small, large) {
        let ratio = large.peak_rss_kib as f64 / small.peak_rss_kib as f64;
        let met = ratio <= 1.2;
        ok &= met;
        println!(
            "target: peak RSS at 100,000 within 20% of 1,000: {:.1} / {:.1} MiB = {ratio:.2} {}",
            large.peak_rss_kib as f64 / 1024.0,
            small.peak_rss_kib as f64 / 1024.0,
            if met { "met" } else { "MISSED" }
        );
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
