//! The verification report: one outcome per check.

use std::fmt;

use serde::{Serialize, Serializer};

use super::codes;

/// The checks a verification runs.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// The document follows the data model.
    Structure,
    /// A proof is well formed, of a known suite, and its signature valid.
    Proof,
    /// The proof's key belongs to the issuer (holder) and is authorized for
    /// `assertionMethod` (`authentication`).
    KeyAuthorization,
    /// `validFrom` / `validUntil` against the clock.
    ValidityPeriod,
    /// Bitstring Status List entries (revocation, suspension).
    Status,
    /// `credentialSchema` entries of type `JsonSchema`.
    Schema,
    /// The issuer is accredited for the credential type by a trusted list.
    Trust,
    /// The presentation proof's challenge.
    Challenge,
    /// The presentation proof's domain.
    Domain,
    /// The holder controls the credentials' subjects.
    HolderBinding,
}

impl Check {
    /// The name used in JSON (`"keyAuthorization"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Structure => "structure",
            Check::Proof => "proof",
            Check::KeyAuthorization => "keyAuthorization",
            Check::ValidityPeriod => "validityPeriod",
            Check::Status => "status",
            Check::Schema => "schema",
            Check::Trust => "trust",
            Check::Challenge => "challenge",
            Check::Domain => "domain",
            Check::HolderBinding => "holderBinding",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Check {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The check passed.
    Passed,
    /// The check failed: the document must not be trusted.
    Failed,
    /// The check did not apply (or the policy did not ask for it).
    Skipped,
    /// The check passed with a caveat worth showing.
    Warning,
}

impl Outcome {
    /// The name used in JSON (`"passed"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::Warning => "warning",
        }
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckOutcome {
    /// Which check.
    pub check: Check,
    /// How it ended.
    pub outcome: Outcome,
    /// A machine-readable code: a problem-detail type URL for failures (see
    /// [`codes`](crate::verify::codes)), `OK` or `NOT_APPLICABLE` otherwise.
    pub code: String,
    /// What happened, for people.
    pub detail: String,
}

impl CheckOutcome {
    /// A passed check.
    pub fn passed(check: Check, detail: impl Into<String>) -> CheckOutcome {
        CheckOutcome::new(check, Outcome::Passed, codes::OK, detail)
    }

    /// A failed check with its problem code.
    pub fn failed(check: Check, code: &str, detail: impl Into<String>) -> CheckOutcome {
        CheckOutcome::new(check, Outcome::Failed, code, detail)
    }

    /// A check that did not apply.
    pub fn skipped(check: Check, detail: impl Into<String>) -> CheckOutcome {
        CheckOutcome::new(check, Outcome::Skipped, codes::NOT_APPLICABLE, detail)
    }

    /// A check that passed with a caveat.
    pub fn warning(check: Check, code: &str, detail: impl Into<String>) -> CheckOutcome {
        CheckOutcome::new(check, Outcome::Warning, code, detail)
    }

    fn new(check: Check, outcome: Outcome, code: &str, detail: impl Into<String>) -> CheckOutcome {
        CheckOutcome {
            check,
            outcome,
            code: code.to_owned(),
            detail: detail.into(),
        }
    }
}

/// What a verification found: one [`CheckOutcome`] per check.
///
/// For presentations the embedded credentials' checks are flattened into
/// the same list, each detail prefixed with `verifiableCredential[i]: `, so
/// the JSON shape stays one flat list.
///
/// Serializes as
/// `{"verified": bool, "checks": [{"check", "outcome", "code", "detail"}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerificationReport {
    /// The checks, in the order they ran.
    pub checks: Vec<CheckOutcome>,
}

impl VerificationReport {
    /// True when no check failed.
    pub fn verified(&self) -> bool {
        !self.checks.iter().any(|c| c.outcome == Outcome::Failed)
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &CheckOutcome> {
        self.checks.iter().filter(|c| c.outcome == Outcome::Failed)
    }

    /// Whether `check` failed (at least once).
    pub fn failed(&self, check: Check) -> bool {
        self.failures().any(|c| c.check == check)
    }

    /// The outcomes of one check.
    pub fn outcomes(&self, check: Check) -> impl Iterator<Item = &CheckOutcome> {
        self.checks.iter().filter(move |c| c.check == check)
    }

    /// Adds an outcome.
    pub fn push(&mut self, outcome: CheckOutcome) {
        self.checks.push(outcome);
    }

    /// The report as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "verified": self.verified(), "checks": self.checks })
    }
}

impl Serialize for VerificationReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("VerificationReport", 2)?;
        st.serialize_field("verified", &self.verified())?;
        st.serialize_field("checks", &self.checks)?;
        st.end()
    }
}
