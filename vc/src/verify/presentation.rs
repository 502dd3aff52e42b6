//! Presentation verification.

use xinlian_did_core::{Relationship, Resolver};

use super::any::verify_enveloped;
use super::codes;
use super::credential::{FetchGate, check_credential_into, proof_outcomes, proofs_passed};
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
/// credentials (`EnvelopedVerifiableCredential`, a vc+jwt or vc+sd-jwt in a
/// `data:` URL) are verified by their content, their details prefixed with
/// `envelopedCredential[i]: `; an envelope with members beside `@context`,
/// `id` and `type` fails the Structure check.
///
/// Nothing is fetched (status lists, schemas) unless the presentation's
/// own proofs verified; all fetches share one deadline.
pub async fn verify_presentation(
    presentation: &Presentation,
    resolver: &dyn Resolver,
    policy: &Policy,
) -> VerificationReport {
    let mut report = VerificationReport::default();
    let fetch = FetchGate {
        deadline: policy.deadline_from_now(),
        allowed: true,
    };
    check_presentation_into(&mut report, presentation, resolver, policy, fetch).await;
    report
}

/// Runs every check of `presentation` (and its credentials) into `report`.
pub(crate) async fn check_presentation_into(
    report: &mut VerificationReport,
    presentation: &Presentation,
    resolver: &dyn Resolver,
    policy: &Policy,
    fetch: FetchGate,
) {
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
    let proof_checks = proof_outcomes(&outcomes, owner, "holder");
    let fetch = FetchGate {
        allowed: fetch.allowed && proofs_passed(&proof_checks),
        ..fetch
    };
    for outcome in proof_checks {
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
        check_credential_into(report, credential, resolver, policy, &prefix, fetch).await;
    }
    for (i, enveloped) in presentation.enveloped_credentials().iter().enumerate() {
        let inner = match enveloped.as_object() {
            Some(object) => Box::pin(verify_enveloped(object, resolver, policy, fetch)).await,
            None => None,
        };
        let inner = inner.unwrap_or_else(|| {
            let mut r = VerificationReport::default();
            r.push(CheckOutcome::failed(
                Check::Structure,
                codes::MALFORMED_VALUE_ERROR,
                "not an enveloped vc+jwt or vc+sd-jwt credential",
            ));
            r
        });
        for mut outcome in inner.checks {
            outcome.detail = format!("envelopedCredential[{i}]: {}", outcome.detail);
            report.push(outcome);
        }
    }
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
