//! `registrar demo`: the main job end to end, offline, in a fresh home.

use serde_json::{Value, json};
use xinlian_did_core::{KeyType, SecretKey};

use crate::cli::{DiplomaArgs, FormatArg, InitArgs, KeyTypeArg, MethodArg, VerifyArgs};
use crate::commands::issue::{self, Request};
use crate::commands::status::{self, Action};
use crate::commands::verify::{print_report, verify_text};
use crate::error::{CliError, Result};
use crate::home::Home;
use crate::institution::Institution;

fn step(json: bool, steps: &mut Vec<Value>, title: &str, detail: Value) {
    if !json {
        println!("\n== {title}");
        if let Some(s) = detail.as_str() {
            println!("{s}");
        } else if let Ok(pretty) = serde_json::to_string_pretty(&detail) {
            println!("{pretty}");
        }
    }
    steps.push(json!({ "step": title, "detail": detail }));
}

fn report_step(json: bool, steps: &mut Vec<Value>, title: &str, report: &xinlian_vc::verify::VerificationReport) {
    if !json {
        println!("\n== {title}");
        print_report(report, false);
    }
    steps.push(json!({ "step": title, "detail": report.to_json() }));
}

/// Runs the demo.
pub async fn run(json: bool) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| CliError::Input(format!("temporary directory: {e}")))?;
    let home = Home::new(dir.path().join("registrar-home"), None);
    let mut steps = Vec::new();

    let init = InitArgs {
        name: "Example University".into(),
        method: MethodArg::Ethr,
        web_domain: None,
        key_type: KeyTypeArg::Ed25519,
        rpc_url: None,
        registry: None,
        chain_id: None,
        payer_key: None,
        public_url: None,
        encrypt: false,
        json: false,
    };
    let inst = Institution::create(home.clone(), &init).await?;
    step(
        json,
        &mut steps,
        "1. The university creates its DID on the embedded ledger",
        json!({
            "did": inst.profile.did,
            "signingKey": inst.profile.verification_method,
            "home": home.root().display().to_string(),
        }),
    );

    let graduate = SecretKey::generate(KeyType::Ed25519)?;
    let graduate_did = xinlian_did_core::method::key::did_for(&graduate.public_key());
    let diploma = DiplomaArgs {
        student_id: "2026-0042".into(),
        name: "Li Wei".into(),
        degree: "Bachelor of Science".into(),
        major: "Computer Science".into(),
        graduated: "2026-06-30".into(),
        honors: Some("magna cum laude".into()),
        subject_did: Some(graduate_did.to_string()),
        identity: Default::default(),
        format: FormatArg::DiEddsaJcs,
        output: None,
    };
    let file = dir.path().join("diploma.json");
    issue::issue_one(
        &inst,
        Request::Diploma(diploma),
        Some((&file, crate::output::Existing::Refuse)),
    )
    .await?;
    let text = std::fs::read_to_string(&file).map_err(|e| CliError::io(&file, e))?;
    let credential: Value = serde_json::from_str(&text).map_err(|e| CliError::Input(e.to_string()))?;
    let id = credential
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    step(
        json,
        &mut steps,
        "2. It issues a diploma to the graduate (eddsa-jcs-2022)",
        credential.clone(),
    );

    let verify_args = VerifyArgs {
        file: file.display().to_string(),
        trust_list: None,
        trust_authority: None,
        challenge: None,
        domain: None,
        allow_local_http_status: false,
        contexts: Vec::new(),
        json: false,
        input: Default::default(),
    };
    let report = verify_text(&home, &text, &verify_args).await?;
    report_step(json, &mut steps, "3. An employer verifies it", &report);
    if !report.verified() {
        return Err(CliError::Failed("the fresh diploma did not verify".into()));
    }

    let change = status::apply(&inst, Action::Revoke, &id, &xinlian_vc::Limits::default()).await?;
    step(json, &mut steps, "4. The university revokes it", json!(change));

    let report = verify_text(&home, &text, &verify_args).await?;
    report_step(json, &mut steps, "5. The employer verifies again", &report);
    if report.verified() {
        return Err(CliError::Failed("the revoked diploma still verified".into()));
    }
    if json {
        println!("{}", json!({ "steps": steps, "ok": true }));
    } else {
        println!("\nDemo complete: valid when issued, refused once revoked.");
    }
    Ok(())
}
