//! Verification of credentials and presentations into a
//! [`VerificationReport`]: one [`CheckOutcome`] per check, each with a
//! machine-readable [code](codes) and a message for people.
//!
//! What runs is set by a [`Policy`]: the clock (injectable, with skew),
//! where status lists and schemas come from, which trust lists count, and
//! what a presentation's proof must carry.

mod any;
pub mod codes;
mod credential;
mod policy;
mod presentation;
mod report;
mod status;

pub use any::{SecuredFormat, detect_format, verify_any};
pub use credential::verify_credential;
pub use policy::{DEFAULT_FETCH_DEADLINE, Policy, SchemaLoader, StaticSchemas};
pub use presentation::verify_presentation;
pub use report::{Check, CheckOutcome, Outcome, VerificationReport};
