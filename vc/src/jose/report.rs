//! Verification reports for JWT-secured credentials and SD-JWTs: each
//! verification step is tied to the [`Check`] it belongs to, so a failure
//! lands on the right line of the [`VerificationReport`].

use crate::credential::Credential;
use crate::error::Error;
use crate::verify::{Check, CheckOutcome, Policy, VerificationReport, codes};

/// A failed step: which check, its problem code, and the error.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) check: Check,
    pub(crate) code: &'static str,
    pub(crate) error: Error,
}

/// Ties a step's error to its check.
pub(crate) trait Stage<T> {
    fn stage(self, check: Check, code: &'static str) -> Result<T, Failure>;
}

impl<T> Stage<T> for Result<T, Error> {
    fn stage(self, check: Check, code: &'static str) -> Result<T, Failure> {
        self.map_err(|error| {
            // A compromised key has its own code, whichever step met it.
            let code = match error {
                Error::CompromisedKey { .. } => codes::COMPROMISED_KEY,
                _ => code,
            };
            Failure { check, code, error }
        })
    }
}

/// The checks that passed so far, in order.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    passed: Vec<Check>,
}

impl Progress {
    pub(crate) fn pass(&mut self, check: Check) {
        if !self.passed.contains(&check) {
            self.passed.push(check);
        }
    }
}

/// The problem code for a validity-window error from
/// [`super::claims::check_validity_window`] or the credential dates.
pub(crate) fn time_code(error: &Error) -> &'static str {
    match error {
        Error::Jwt { reason } if reason.starts_with("expired") => codes::EXPIRED,
        _ => codes::NOT_YET_VALID,
    }
}

/// Builds a report: `checks` in report order, each passed (with the detail
/// `passed_detail` gives), failed (the failure's check), or skipped (not
/// reached, or `not_run` for checks this path does not run).
pub(crate) fn build_report(
    checks: &[Check],
    progress: &Progress,
    failure: Option<&Failure>,
    passed_detail: impl Fn(Check) -> String,
    not_run: &[(Check, &str)],
) -> VerificationReport {
    let mut report = VerificationReport::default();
    for &check in checks {
        if let Some((_, why)) = not_run.iter().find(|(c, _)| *c == check) {
            report.push(CheckOutcome::skipped(check, *why));
        } else if let Some(f) = failure.filter(|f| f.check == check) {
            report.push(CheckOutcome::failed(check, f.code, f.error.to_string()));
        } else if progress.passed.contains(&check) {
            report.push(CheckOutcome::passed(check, passed_detail(check)));
        } else {
            report.push(CheckOutcome::skipped(check, "not run: an earlier check failed"));
        }
    }
    report
}

/// Verifies a JWT-secured credential (vc+jwt or VC 1.1 JWT, see
/// [`super::verify_vc_jwt`]) into a [`VerificationReport`], with the clock
/// and skew of `policy`: structure (the JWT and, once verified, the data
/// model), key authorization, proof (the JWS signature) and validity period.
/// Returns the credential when every check that ran passed.
///
/// Status, schema and trust are reported as skipped here;
/// [`verify_any`](crate::verify::verify_any) runs them (the same checks as
/// for every format) once everything here passed.
pub async fn verify_vc_jwt_report(
    jwt: &str,
    keys: super::KeySource<'_>,
    policy: &Policy,
) -> (VerificationReport, Option<Credential>) {
    let options = super::JwtVerifyOptions {
        now: Some(policy.now().unix_timestamp()),
        leeway: policy.clock_skew.whole_seconds(),
        ..super::JwtVerifyOptions::default()
    };
    let mut progress = Progress::default();
    let result = super::vc_jwt::verify_vc_jwt_staged(jwt, keys, &options, &mut progress).await;
    let (verified, mut failure) = match result {
        Ok(v) => (Some(v), None),
        Err(f) => (None, Some(f)),
    };
    // The data model's own checks on the decoded credential.
    let credential = match &verified {
        Some(v) => match Credential::from_value(v.credential.clone()) {
            Ok(c) => Some(c),
            Err(error) => {
                failure = Some(Failure {
                    check: Check::Structure,
                    code: codes::MALFORMED_VALUE_ERROR,
                    error,
                });
                None
            }
        },
        None => None,
    };
    let has = |name: &str| credential.as_ref().is_some_and(|c| c.get(name).is_some());
    // `verify_any` replaces these with the real checks once every check
    // above passed; until then nothing is fetched.
    let status_note = if has("credentialStatus") || credential.is_none() {
        "not run: status is checked only once the proof verifies, so nothing was fetched"
    } else {
        "the credential has no credentialStatus"
    };
    let schema_note = if has("credentialSchema") || credential.is_none() {
        "not run: schemas are checked only once the proof verifies, so nothing was fetched"
    } else {
        "the credential has no credentialSchema"
    };
    let detail = |check: Check| -> String {
        let Some(v) = &verified else {
            return String::new();
        };
        let vm = v.signer.verification_method.as_deref().unwrap_or("the supplied key");
        let kind = match v.format {
            super::CredentialJwtFormat::VcJwt => "vc+jwt",
            super::CredentialJwtFormat::Vc11Jwt => "VC 1.1 JWT",
            super::CredentialJwtFormat::Vc11PayloadJwt => "VC 1.1 credential JWT",
        };
        match check {
            Check::Structure => format!("the {kind} follows the VC Data Model"),
            Check::KeyAuthorization => format!("{vm} belongs to the issuer and is authorized for assertionMethod"),
            Check::Proof => format!("{kind} {} signature verified with {vm}", v.header.alg()),
            Check::ValidityPeriod => "within the JWT's exp/nbf and the credential's validity period".to_owned(),
            _ => String::new(),
        }
    };
    let report = build_report(
        &CREDENTIAL_CHECKS,
        &progress,
        failure.as_ref(),
        detail,
        &[
            (Check::Status, status_note),
            (Check::Schema, schema_note),
            (
                Check::Trust,
                "trust lists are not consulted for JWT-secured credentials yet",
            ),
        ],
    );
    let credential = credential.filter(|_| report.verified());
    (report, credential)
}

/// The checks of a credential report, in report order.
const CREDENTIAL_CHECKS: [Check; 7] = [
    Check::Structure,
    Check::Proof,
    Check::KeyAuthorization,
    Check::ValidityPeriod,
    Check::Status,
    Check::Schema,
    Check::Trust,
];
