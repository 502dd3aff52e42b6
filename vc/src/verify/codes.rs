//! Machine-readable codes carried by check outcomes.
//!
//! Failures use the problem-detail types the specifications define: the VC
//! Data Model 2.0 (`https://www.w3.org/ns/credentials#…`), Data Integrity 1.0
//! and Controlled Identifiers 1.0 (`https://w3id.org/security#…`) and the
//! Bitstring Status List (`https://www.w3.org/ns/credentials/status-list#…`).
//! Where no specification names the problem (an expired credential, a schema
//! mismatch, an issuer no trust list accredits), the code is a Xinlian URN
//! (`urn:xinlian:problem:…`). Passed checks carry [`OK`], skipped ones
//! [`NOT_APPLICABLE`].

/// The check passed.
pub const OK: &str = "OK";
/// The check did not apply (or could not run, see the detail).
pub const NOT_APPLICABLE: &str = "NOT_APPLICABLE";

/// VC DM 2.0: the document could not be parsed.
pub const PARSING_ERROR: &str = "https://www.w3.org/ns/credentials#PARSING_ERROR";
/// VC DM 2.0: a cryptographic securing mechanism failed.
pub const CRYPTOGRAPHIC_SECURITY_ERROR: &str = "https://www.w3.org/ns/credentials#CRYPTOGRAPHIC_SECURITY_ERROR";
/// VC DM 2.0: a value is malformed.
pub const MALFORMED_VALUE_ERROR: &str = "https://www.w3.org/ns/credentials#MALFORMED_VALUE_ERROR";
/// VC DM 2.0: a value is outside its expected range.
pub const RANGE_ERROR: &str = "https://www.w3.org/ns/credentials#RANGE_ERROR";

/// Data Integrity: a proof could not be created.
pub const PROOF_GENERATION_ERROR: &str = "https://w3id.org/security#PROOF_GENERATION_ERROR";
/// Data Integrity: a proof did not verify.
pub const PROOF_VERIFICATION_ERROR: &str = "https://w3id.org/security#PROOF_VERIFICATION_ERROR";
/// Data Integrity: the document could not be transformed (canonicalized).
pub const PROOF_TRANSFORMATION_ERROR: &str = "https://w3id.org/security#PROOF_TRANSFORMATION_ERROR";
/// Data Integrity: the proof's domain is not the expected one.
pub const INVALID_DOMAIN_ERROR: &str = "https://w3id.org/security#INVALID_DOMAIN_ERROR";
/// Data Integrity: the proof's challenge is not the expected one.
pub const INVALID_CHALLENGE_ERROR: &str = "https://w3id.org/security#INVALID_CHALLENGE_ERROR";

/// Controlled Identifiers: the verification method URL is invalid.
pub const INVALID_VERIFICATION_METHOD_URL: &str = "https://w3id.org/security#INVALID_VERIFICATION_METHOD_URL";
/// Controlled Identifiers: the controller document's id does not match.
pub const INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID: &str =
    "https://w3id.org/security#INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID";
/// Controlled Identifiers: the controller document could not be retrieved
/// or is invalid.
pub const INVALID_CONTROLLED_IDENTIFIER_DOCUMENT: &str =
    "https://w3id.org/security#INVALID_CONTROLLED_IDENTIFIER_DOCUMENT";
/// Controlled Identifiers: the verification method is missing or invalid.
pub const INVALID_VERIFICATION_METHOD: &str = "https://w3id.org/security#INVALID_VERIFICATION_METHOD";
/// Controlled Identifiers: the method is not in the required relationship.
pub const INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD: &str =
    "https://w3id.org/security#INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD";

/// Bitstring Status List: the status list could not be retrieved.
pub const STATUS_RETRIEVAL_ERROR: &str = "https://www.w3.org/ns/credentials/status-list#STATUS_RETRIEVAL_ERROR";
/// Bitstring Status List: the status list could not be verified.
pub const STATUS_VERIFICATION_ERROR: &str = "https://www.w3.org/ns/credentials/status-list#STATUS_VERIFICATION_ERROR";
/// Bitstring Status List: the index is outside the list.
pub const STATUS_LIST_LENGTH_ERROR: &str = "https://www.w3.org/ns/credentials/status-list#STATUS_LIST_LENGTH_ERROR";

/// Xinlian: the status list credential is issued by someone other than the
/// credential's issuer (and the policy does not accept that issuer's lists,
/// see [`Policy::allow_status_list_issuer`](super::Policy::allow_status_list_issuer)).
pub const STATUS_LIST_ISSUER_MISMATCH: &str = "urn:xinlian:problem:STATUS_LIST_ISSUER_MISMATCH";
/// Xinlian: the status list's `statusPurpose` is not the entry's.
pub const STATUS_PURPOSE_MISMATCH: &str = "urn:xinlian:problem:STATUS_PURPOSE_MISMATCH";
/// Xinlian: the status list credential has expired or is not valid yet.
pub const STATUS_LIST_VALIDITY_PERIOD: &str = "urn:xinlian:problem:STATUS_LIST_VALIDITY_PERIOD";
/// Xinlian: the proof's key is announced as compromised by its controller's
/// current DID document (a `CompromisedKey` service); every proof by it is
/// refused, whatever its date.
pub const COMPROMISED_KEY: &str = "urn:xinlian:problem:COMPROMISED_KEY";

/// Xinlian: the credential is revoked.
pub const REVOKED: &str = "urn:xinlian:problem:REVOKED";
/// Xinlian: the credential is suspended.
pub const SUSPENDED: &str = "urn:xinlian:problem:SUSPENDED";
/// Xinlian: a status list entry of purpose `message` or `refresh` is set
/// (reported as a warning; the detail carries the value).
pub const STATUS_NOTICE: &str = "urn:xinlian:problem:STATUS_NOTICE";
/// Xinlian: the credential's `validUntil` has passed.
pub const EXPIRED: &str = "urn:xinlian:problem:EXPIRED";
/// Xinlian: the credential's `validFrom` is still ahead.
pub const NOT_YET_VALID: &str = "urn:xinlian:problem:NOT_YET_VALID";
/// Xinlian: the credential does not match its JSON Schema.
pub const SCHEMA_MISMATCH: &str = "urn:xinlian:problem:SCHEMA_MISMATCH";
/// Xinlian: a schema could not be loaded or compiled.
pub const SCHEMA_UNAVAILABLE: &str = "urn:xinlian:problem:SCHEMA_UNAVAILABLE";
/// Xinlian: no trusted list accredits the issuer for the credential's type.
pub const ISSUER_NOT_ACCREDITED: &str = "urn:xinlian:problem:ISSUER_NOT_ACCREDITED";
/// Xinlian: the presentation's holder does not control a subject.
pub const HOLDER_BINDING_ERROR: &str = "urn:xinlian:problem:HOLDER_BINDING_ERROR";
