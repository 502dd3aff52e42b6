//! Presentation verification.

use xinlian_did_core::{Relationship, Resolver};

use super::codes;
use super::credential::{check_credential_into, proof_outcomes};
use super::policy::Policy;
use super::report::{Check, CheckOutcome, VerificationReport};
use crate::credential::Presentation;
use crate::proof::{ProofExpectations, did_of, verify_proofs};

/// Verifies a presentation: structure; each proof (purpose
/// `authentication`, with the policy's challenge and domain); key
/// authorization (the proof's key belongs to the holder and is an
/// `authentication` method); challenge; domain; holder binding when the
/// policy requires it; then every embedded credential, fully.
///
/// The embedded credentials' outcomes are flattened into the same report,
/// each detail prefixed with `verifiableCredential[i]: `. Enveloped
/// credentials (`EnvelopedVerifiableCredential`) are reported as skipped
/// here: verify them with the JOSE / SD-JWT verifiers.
pub async fn verify_presentation(
    presentation: &Presentation,
    resolver: &dyn Resolver,
    policy: &Policy,
) -> VerificationReport {
    let mut report = VerificationReport::default();
    let now = policy.now();
    report.push(CheckOutcome::passed(
        Check::Structure,
        format!(
            "the presentation follows the VC Data Model ({:?})",
            presentation.version()
        ),
    ));

    let expected = ProofExpectations {
        challenge: policy.challenge.clone(),
        domain: policy.domain.clone(),
        ..policy.proof_expectations(Relationship::Authentication, now)
    };
    let outcomes = verify_proofs(presentation.as_object(), resolver, &expected).await;
    // Without a holder, the presenter is whoever signed the first proof.
    let holder = presentation
        .holder()
        .map(str::to_owned)
        .or_else(|| outcomes.iter().find_map(|o| o.controller.clone()));
    let owner = holder.as_deref().unwrap_or("(no holder)");
    for outcome in proof_outcomes(&outcomes, owner, "holder") {
        report.push(outcome);
    }

    for (check, expected, code, what) in [
        (
            Check::Challenge,
            &policy.challenge,
            codes::INVALID_CHALLENGE_ERROR,
            "challenge",
        ),
        (Check::Domain, &policy.domain, codes::INVALID_DOMAIN_ERROR, "domain"),
    ] {
        let Some(want) = expected else {
            report.push(CheckOutcome::skipped(check, format!("the policy expects no {what}")));
            continue;
        };
        let failures: Vec<&str> = outcomes
            .iter()
            .flat_map(|o| o.failures_for(check))
            .map(|f| f.detail.as_str())
            .collect();
        report.push(if outcomes.is_empty() {
            CheckOutcome::failed(check, code, format!("no proof carries the expected {what} {want:?}"))
        } else if failures.is_empty() {
            CheckOutcome::passed(check, format!("the {what} is {want:?}"))
        } else {
            CheckOutcome::failed(check, code, failures.join("; "))
        });
    }

    report.push(holder_binding(presentation, holder.as_deref(), policy));

    for (i, credential) in presentation.credentials().iter().enumerate() {
        let prefix = format!("verifiableCredential[{i}]: ");
        check_credential_into(&mut report, credential, resolver, policy, &prefix).await;
    }
    for (i, _) in presentation.enveloped_credentials().iter().enumerate() {
        report.push(CheckOutcome::skipped(
            Check::Proof,
            format!("enveloped credential {i}: verify it with the JOSE or SD-JWT verifier"),
        ));
    }
    report
}

fn holder_binding(presentation: &Presentation, holder: Option<&str>, policy: &Policy) -> CheckOutcome {
    if !policy.require_holder_binding {
        return CheckOutcome::skipped(Check::HolderBinding, "the policy does not require holder binding");
    }
    let Some(holder) = holder else {
        return CheckOutcome::failed(
            Check::HolderBinding,
            codes::HOLDER_BINDING_ERROR,
            "the presentation names no holder and has no verified proof",
        );
    };
    let holder_did = did_of(holder);
    let mut problems = Vec::new();
    for (i, credential) in presentation.credentials().iter().enumerate() {
        let subjects = credential.subjects();
        for (j, subject) in subjects.iter().enumerate() {
            match subject.get("id").and_then(|v| v.as_str()) {
                Some(id) if did_of(id) == holder_did => {}
                Some(id) => problems.push(format!(
                    "verifiableCredential[{i}] subject {j} is {id}, not the holder {holder_did}"
                )),
                None => problems.push(format!(
                    "verifiableCredential[{i}] subject {j} has no id to bind to the holder"
                )),
            }
        }
    }
    if problems.is_empty() {
        CheckOutcome::passed(
            Check::HolderBinding,
            format!("the holder {holder_did} is the subject of every credential"),
        )
    } else {
        CheckOutcome::failed(Check::HolderBinding, codes::HOLDER_BINDING_ERROR, problems.join("; "))
    }
}
