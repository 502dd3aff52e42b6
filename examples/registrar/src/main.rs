//! `registrar`: the Xinlian registrar CLI.
//!
//! A university issues diplomas (one, or a whole class from a CSV file),
//! revokes and suspends them, rotates its signing key, and publishes what
//! verifiers need; anyone verifies a credential in one command. State lives
//! in one directory (`--home`, `XINLIAN_HOME`, default `./registrar-home`).
#![forbid(unsafe_code)]

mod cli;
mod commands;
mod error;
mod home;
mod institution;
mod keystore;
mod output;
mod rotation;
mod store;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use serde_json::json;

use crate::cli::{Cli, Command};
use crate::commands::status::Action;
use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::Institution;

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
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Failed(msg)) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let home = Home::new(cli.home.clone(), cli.passphrase_file.clone());
    match cli.command {
        Command::Init(args) => {
            let inst = Institution::create(home, &args).await?;
            let p = &inst.profile;
            if args.json {
                println!(
                    "{}",
                    json!({ "did": p.did, "verificationMethod": p.verification_method, "home": inst.home.root().display().to_string() })
                );
            } else {
                println!("created {} for {}", p.did, p.name);
                println!("signing key: {}", p.verification_method);
                println!("home: {}", inst.home.root().display());
            }
            Ok(())
        }
        Command::Issue(args) => {
            let inst = Institution::open(home).await?;
            match (args.kind, args.batch) {
                (Some(cli::IssueKind::Diploma(d)), None) => {
                    let out = d.output.clone();
                    commands::issue::run(&inst, commands::issue::Request::Diploma(d), out.as_deref(), args.force, args.json)
                        .await
                }
                (Some(cli::IssueKind::Employment(e)), None) => {
                    let out = e.output.clone();
                    commands::issue::run(&inst, commands::issue::Request::Employment(e), out.as_deref(), args.force, args.json)
                        .await
                }
                (None, Some(csv)) => {
                    let out_dir = args.out_dir.ok_or_else(|| CliError::Input("--batch needs --out-dir".into()))?;
                    let summary = commands::batch::run(&inst, &csv, &out_dir, args.format, args.force, args.json).await?;
                    if summary.errors.is_empty() {
                        Ok(())
                    } else {
                        Err(CliError::Failed(format!("{} rows refused", summary.errors.len())))
                    }
                }
                _ => Err(CliError::Input("say what to issue: `issue diploma …`, `issue employment …` or `issue --batch FILE.csv --out-dir DIR`".into())),
            }
        }
        Command::Revoke(a) => commands::status::run(&Institution::open(home).await?, Action::Revoke, &a).await,
        Command::Suspend(a) => commands::status::run(&Institution::open(home).await?, Action::Suspend, &a).await,
        Command::Reinstate(a) => commands::status::run(&Institution::open(home).await?, Action::Reinstate, &a).await,
        Command::RotateKey(a) => {
            let mut inst = Institution::load(home)?;
            let done = rotation::rotate(&mut inst, a.compromised).await?;
            let vm = &done.verification_method;
            if a.json {
                println!(
                    "{}",
                    json!({ "verificationMethod": vm, "resumed": done.resumed, "compromised": done.compromised })
                );
            } else {
                if done.resumed {
                    println!("finished the interrupted rotation");
                }
                println!("new signing key: {vm}");
                if done.compromised {
                    println!("the old key is marked compromised: credentials it signed no longer verify");
                }
            }
            Ok(())
        }
        Command::Publish(a) => commands::publish::run(&Institution::open(home).await?, &a.out_dir, a.json).await,
        Command::Resolve(a) => commands::resolve::run(&home, &a.did, a.json).await,
        Command::Verify(a) => commands::verify::run(&home, &a).await,
        Command::Serve(a) => commands::serve::run(&home, a.addr).await,
        Command::Demo(a) => commands::demo::run(a.json).await,
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "registrar", &mut std::io::stdout());
            Ok(())
        }
    }
}
