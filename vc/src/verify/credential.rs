//! Credential verification.

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;
use xinlian_did_core::{Relationship, Resolver};

use super::codes;
use super::policy::Policy;
use super::report::{Check, CheckOutcome, Outcome, VerificationReport};
use super::status::status;
use crate::credential::Credential;
use crate::proof::{ProofOutcome, did_of, format_date_time, verify_proofs};
use crate::trust::find_accreditation;

/// Verifies a credential: structure, each proof, key authorization (the
/// proof's key belongs to the issuer and is an `assertionMethod`), validity
/// period, status, schema and trust, one [`CheckOutcome`] each (one per
/// proof for the proof checks). `report.verified()` is true only when
/// nothing failed.
///
/// In a proof set every proof must verify and at least one must be the
/// issuer's; proofs by others (co-signers, notaries) are reported as
/// warnings under key authorization.
///
/// Status lists and schemas are fetched only once the proofs and key
/// authorization passed (otherwise those checks are reported as not run),
/// all before one deadline ([`Policy::fetch_deadline`]).
pub async fn verify_credential(
    credential: &Credential,
    resolver: &dyn Resolver,
    policy: &Policy,
) -> VerificationReport {
    let mut report = VerificationReport::default();
    let fetch = FetchGate {
        deadline: policy.deadline_from_now(),
        allowed: true,
    };
    check_credential_into(&mut report, credential, resolver, policy, "", fetch).await;
    report
}

/// Whether a check may fetch (status lists, schemas), and until when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FetchGate {
    /// The one deadline of the whole verification.
    pub(crate) deadline: Instant,
    /// False when an enclosing proof (a presentation's) did not verify.
    pub(crate) allowed: bool,
}

/// Whether every proof outcome passed: at least one proof, no failed proof
/// or key authorization, no proof left unchecked.
pub(crate) fn proofs_passed(outcomes: &[CheckOutcome]) -> bool {
    let mut proofs = outcomes.iter().filter(|o| o.check == Check::Proof).peekable();
    proofs.peek().is_some()
        && outcomes.iter().all(|o| {
            !matches!(o.check, Check::Proof | Check::KeyAuthorization)
                || matches!(o.outcome, Outcome::Passed | Outcome::Warning)
        })
}

/// Runs every check of `credential` into `report`, each detail prefixed with
/// `prefix` (used for credentials inside presentations).
pub(crate) async fn check_credential_into(
    report: &mut VerificationReport,
    credential: &Credential,
    resolver: &dyn Resolver,
    policy: &Policy,
    prefix: &str,
    fetch: FetchGate,
) {
    let now = policy.now();
    let mut add = |mut outcome: CheckOutcome| {
        if !prefix.is_empty() {
            outcome.detail = format!("{prefix}{}", outcome.detail);
        }
        report.push(outcome);
    };

    // Structure: a `Credential` passed the data model's checks when it was
    // built or parsed.
    add(CheckOutcome::passed(
        Check::Structure,
        format!("the credential follows the VC Data Model ({:?})", credential.version()),
    ));

    // Proofs and key authorization.
    let expected = policy.proof_expectations(Relationship::AssertionMethod, now);
    let outcomes = verify_proofs(credential.as_object(), resolver, &expected).await;
    let proof_checks = proof_outcomes(&outcomes, credential.issuer_id(), "issuer");
    let fetch = FetchGate {
        allowed: fetch.allowed && proofs_passed(&proof_checks),
        ..fetch
    };
    for outcome in proof_checks {
        add(outcome);
    }

    add(validity_period(credential, now, policy));
    for outcome in status_schema_trust(credential, resolver, policy, fetch).await {
        add(outcome);
    }
}

/// The status, schema and trust checks of a credential, whatever secured it
/// (Data Integrity here; JWT formats in [`super::any`]). Status lists and
/// schemas are fetched only when `fetch.allowed` (the proofs verified).
pub(crate) async fn status_schema_trust(
    credential: &Credential,
    resolver: &dyn Resolver,
    policy: &Policy,
    fetch: FetchGate,
) -> Vec<CheckOutcome> {
    let now = policy.now();
    let mut out = status(credential, resolver, policy, now, fetch.deadline, fetch.allowed).await;
    out.extend(schema(credential, policy, fetch).await);
    out.push(trust(credential, policy, now));
    out
}

/// Turns proof outcomes into Proof and KeyAuthorization check outcomes; the
/// key must belong to `owner` (the issuer, or the holder), at least one
/// proof's must.
pub(crate) fn proof_outcomes(outcomes: &[ProofOutcome], owner: &str, role: &str) -> Vec<CheckOutcome> {
    let mut out = Vec::with_capacity(outcomes.len() * 2);
    if outcomes.is_empty() {
        out.push(CheckOutcome::failed(
            Check::Proof,
            codes::PROOF_VERIFICATION_ERROR,
            "the document has no proof",
        ));
        out.push(CheckOutcome::skipped(Check::KeyAuthorization, "no proof to check"));
        return out;
    }
    let owner_did = did_of(owner);
    let owner_signed = outcomes.iter().any(|o| o.controller.as_deref() == Some(owner_did));
    let many = outcomes.len() > 1;
    for o in outcomes {
        let label = if many {
            format!("proof {}", o.index)
        } else {
            "proof".to_owned()
        };
        let vm = o.proof.as_ref().map_or("?", |p| p.verification_method.as_str());
        let suite = o.proof.as_ref().map_or("?", |p| p.cryptosuite.as_str());

        let proof_failures: Vec<_> = o.failures_for(Check::Proof).collect();
        let key_failures: Vec<_> = o.failures_for(Check::KeyAuthorization).collect();
        out.push(match proof_failures.first() {
            // Without a key the signature was never checked: not a pass.
            None if !key_failures.is_empty() => CheckOutcome::skipped(
                Check::Proof,
                format!("{label} ({suite}): signature not checked, no usable key for {vm}"),
            ),
            None => CheckOutcome::passed(Check::Proof, format!("{label} ({suite}) verified with {vm}")),
            Some(first) => CheckOutcome::failed(Check::Proof, first.kind.code(), join(&proof_failures)),
        });

        let purpose = o.proof.as_ref().map_or("?", |p| p.proof_purpose.as_str());
        out.push(match (key_failures.first(), o.controller.as_deref()) {
            (Some(first), _) => CheckOutcome::failed(Check::KeyAuthorization, first.kind.code(), join(&key_failures)),
            (None, None) if !o.key_checked => {
                CheckOutcome::skipped(Check::KeyAuthorization, format!("{label} is unreadable"))
            }
            (None, None) => CheckOutcome::failed(
                Check::KeyAuthorization,
                codes::INVALID_VERIFICATION_METHOD,
                format!("{label}: the verification method was not found"),
            ),
            (None, Some(controller)) if controller == owner_did => CheckOutcome::passed(
                Check::KeyAuthorization,
                format!("{label}: {vm} belongs to the {role} {owner} and is authorized for {purpose}"),
            ),
            (None, Some(controller)) if owner_signed => CheckOutcome::warning(
                Check::KeyAuthorization,
                codes::INVALID_VERIFICATION_METHOD,
                format!("{label}: signed by {controller}, not by the {role} {owner} (another proof is the {role}'s)"),
            ),
            (None, Some(controller)) => CheckOutcome::failed(
                Check::KeyAuthorization,
                codes::INVALID_VERIFICATION_METHOD,
                format!("{label}: {vm} belongs to {controller}, not to the {role} {owner}"),
            ),
        });
    }
    out
}

fn join(failures: &[&crate::proof::ProofFailure]) -> String {
    failures
        .iter()
        .map(|f| f.detail.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn validity_period(credential: &Credential, now: OffsetDateTime, policy: &Policy) -> CheckOutcome {
    let skew = policy.clock_skew;
    if let Some(from) = credential.valid_from()
        && from > now + skew
    {
        return CheckOutcome::failed(
            Check::ValidityPeriod,
            codes::NOT_YET_VALID,
            format!(
                "not valid before {} (now {})",
                format_date_time(from),
                format_date_time(now)
            ),
        );
    }
    if let Some(until) = credential.valid_until()
        // Not `until + skew`: that overflows (and panics) for a validUntil
        // at the end of the supported range.
        && until <= now - skew
    {
        return CheckOutcome::failed(
            Check::ValidityPeriod,
            codes::EXPIRED,
            format!("expired at {} (now {})", format_date_time(until), format_date_time(now)),
        );
    }
    let detail = match (credential.valid_from(), credential.valid_until()) {
        (None, None) => "no validity period is set".to_owned(),
        (from, until) => format!(
            "valid from {} until {}",
            from.map_or("(unset)".into(), format_date_time),
            until.map_or("(unset)".into(), format_date_time)
        ),
    };
    CheckOutcome::passed(Check::ValidityPeriod, detail)
}

async fn schema(credential: &Credential, policy: &Policy, fetch: FetchGate) -> Vec<CheckOutcome> {
    let schemas = credential.schemas();
    if schemas.is_empty() {
        return vec![CheckOutcome::skipped(
            Check::Schema,
            "the credential names no credentialSchema",
        )];
    }
    if !fetch.allowed {
        return vec![CheckOutcome::skipped(
            Check::Schema,
            "not run: the proof did not verify, so no schema was fetched",
        )];
    }
    let Some(loader) = &policy.schema_loader else {
        return vec![CheckOutcome::skipped(
            Check::Schema,
            format!(
                "{} schema(s) not checked: the policy has no schema loader",
                schemas.len()
            ),
        )];
    };
    let instance = Value::Object(credential.as_object().clone());
    let mut out = Vec::with_capacity(schemas.len());
    for (i, entry) in schemas.iter().enumerate() {
        let id = entry.get("id").and_then(Value::as_str).unwrap_or("");
        let type_ = entry.get("type").and_then(Value::as_str).unwrap_or("");
        if type_ != "JsonSchema" {
            out.push(CheckOutcome::skipped(
                Check::Schema,
                format!("credentialSchema {i} ({id}) has type {type_:?}; only JsonSchema is checked"),
            ));
            continue;
        }
        if Instant::now() >= fetch.deadline {
            out.push(CheckOutcome::failed(
                Check::Schema,
                codes::SCHEMA_UNAVAILABLE,
                format!(
                    "schema {id}: not loaded, the verification's fetch deadline ({} ms) has passed",
                    policy.fetch_deadline.as_millis()
                ),
            ));
            continue;
        }
        let schema = match loader.load(id, fetch.deadline).await {
            Ok(s) => s,
            Err(e) => {
                out.push(CheckOutcome::failed(
                    Check::Schema,
                    codes::SCHEMA_UNAVAILABLE,
                    format!("schema {id}: {e}"),
                ));
                continue;
            }
        };
        let validator = match jsonschema::draft202012::new(&schema) {
            Ok(v) => v,
            Err(e) => {
                out.push(CheckOutcome::failed(
                    Check::Schema,
                    codes::SCHEMA_UNAVAILABLE,
                    format!("schema {id} is not a valid JSON Schema 2020-12: {e}"),
                ));
                continue;
            }
        };
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .take(5)
            .map(|e| {
                let at = e.instance_path().to_string();
                format!("{}: {e}", if at.is_empty() { "/".to_owned() } else { at })
            })
            .collect();
        out.push(if errors.is_empty() {
            CheckOutcome::passed(Check::Schema, format!("matches schema {id}"))
        } else {
            CheckOutcome::failed(
                Check::Schema,
                codes::SCHEMA_MISMATCH,
                format!("does not match schema {id}: {}", errors.join("; ")),
            )
        });
    }
    out
}

fn trust(credential: &Credential, policy: &Policy, now: OffsetDateTime) -> CheckOutcome {
    if policy.trusted_lists.is_empty() && !policy.require_trust {
        return CheckOutcome::skipped(Check::Trust, "the policy names no trust list");
    }
    let issuer = credential.issuer_id();
    let types = credential.types();
    match find_accreditation(&policy.trusted_lists, issuer, &types, now) {
        Ok(m) => CheckOutcome::passed(
            Check::Trust,
            format!(
                "{issuer} is accredited for {:?} by trust list {} (authority {}), entry {}{}",
                m.entry.credential_types,
                m.list,
                m.authority,
                m.entry_index,
                m.entry.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
            ),
        ),
        Err(reason) if policy.require_trust => CheckOutcome::failed(Check::Trust, codes::ISSUER_NOT_ACCREDITED, reason),
        Err(reason) => CheckOutcome::warning(Check::Trust, codes::ISSUER_NOT_ACCREDITED, reason),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;
    use crate::verify::Outcome;

    fn credential(dates: serde_json::Value) -> Credential {
        let mut value = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:subject"}
        });
        for (k, v) in dates.as_object().unwrap() {
            value[k] = v.clone();
        }
        Credential::from_value(value).unwrap()
    }

    #[test]
    fn regression_validity_period_at_the_end_of_time() {
        // Found by the credential_parse fuzz target: `validUntil + skew`
        // overflowed, and formatting a validFrom whose UTC form is in year
        // 10000 panicked.
        let now = datetime!(2026-01-01 00:00 UTC);
        let policy = Policy::new();
        let until = credential(json!({"validUntil": "9999-12-31T23:59:59Z"}));
        assert_eq!(validity_period(&until, now, &policy).outcome, Outcome::Passed);
        let from = credential(json!({"validFrom": "9999-12-31T23:00:00-01:00"}));
        assert_eq!(validity_period(&from, now, &policy).outcome, Outcome::Failed);
    }
}
