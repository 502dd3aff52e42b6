//! The status check: a credential's Bitstring Status List entries against
//! the status list credentials they name, for every securing format.
//!
//! A status list is believed only when it is the credential issuer's own
//! word about the credential: it must be issued by the credential's issuer
//! (or by an issuer the policy names, see
//! [`Policy::allow_status_list_issuer`]), its proofs must verify with its
//! issuer's `assertionMethod` keys, its validity period must hold now, and
//! its `statusPurpose` must be the entry's. Anything else could let whoever
//! controls the status URL un-revoke a credential by serving another
//! institution's valid list.

use std::collections::HashMap;
use std::time::Instant;

use time::OffsetDateTime;
use xinlian_did_core::{Relationship, Resolver};

use super::codes;
use super::policy::Policy;
use super::report::{Check, CheckOutcome};
use crate::credential::Credential;
use crate::proof::{did_of, format_date_time, verify_proofs};
use crate::status::{StatusList, StatusListEntry, StatusListFetcher, StatusPurpose, status_list_entries};

/// The status outcomes of `credential`, one per status entry. Status lists
/// are fetched (through the policy's fetcher, before `deadline`) only when
/// `proofs_verified`; otherwise the check is reported as not run.
pub(crate) async fn status(
    credential: &Credential,
    resolver: &dyn Resolver,
    policy: &Policy,
    now: OffsetDateTime,
    deadline: Instant,
    proofs_verified: bool,
) -> Vec<CheckOutcome> {
    let entries = match status_list_entries(credential) {
        Ok(e) => e,
        Err(e) => {
            return vec![CheckOutcome::failed(
                Check::Status,
                codes::MALFORMED_VALUE_ERROR,
                e.to_string(),
            )];
        }
    };
    if entries.is_empty() {
        let detail = if credential.status_entries().is_empty() {
            "the credential has no credentialStatus"
        } else {
            "no credentialStatus entry is a BitstringStatusListEntry"
        };
        return vec![CheckOutcome::skipped(Check::Status, detail)];
    }
    if !proofs_verified {
        return vec![CheckOutcome::skipped(
            Check::Status,
            "not run: the proof did not verify, so no status list was fetched",
        )];
    }
    let Some(fetcher) = &policy.status_fetcher else {
        return vec![CheckOutcome::skipped(
            Check::Status,
            format!(
                "{} status entr(ies) not checked: the policy has no status list fetcher",
                entries.len()
            ),
        )];
    };
    let issuer = credential.issuer_id();
    let mut lists: HashMap<String, Result<StatusList, CheckOutcome>> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for entry in &entries {
        let url = &entry.status_list_credential;
        if !lists.contains_key(url) {
            let loaded = load_status_list(fetcher.as_ref(), url, issuer, resolver, policy, now, deadline).await;
            lists.insert(url.clone(), loaded);
        }
        match lists.get(url) {
            Some(Ok(list)) => out.push(entry_status(list, entry)),
            Some(Err(failure)) => out.push(failure.clone()),
            None => {}
        }
    }
    out
}

/// What `list` says about `entry`.
fn entry_status(list: &StatusList, entry: &StatusListEntry) -> CheckOutcome {
    let where_ = format!(
        "{} index {} ({})",
        entry.status_list_credential,
        entry.status_list_index,
        entry.status_purpose.as_str()
    );
    if !list.purposes.contains(&entry.status_purpose) {
        let served: Vec<&str> = list.purposes.iter().map(|p| p.as_str()).collect();
        return CheckOutcome::failed(
            Check::Status,
            codes::STATUS_PURPOSE_MISMATCH,
            format!(
                "{where_}: the status list's statusPurpose is {}, not the entry's {}",
                served.join(", "),
                entry.status_purpose.as_str()
            ),
        );
    }
    match list.status_of(entry) {
        Err(e) => CheckOutcome::failed(Check::Status, codes::STATUS_LIST_LENGTH_ERROR, format!("{where_}: {e}")),
        Ok(0) => CheckOutcome::passed(Check::Status, format!("{where_}: not set")),
        Ok(value) => match entry.status_purpose {
            StatusPurpose::Revocation => CheckOutcome::failed(
                Check::Status,
                codes::REVOKED,
                format!("{where_}: the credential is revoked"),
            ),
            StatusPurpose::Suspension => CheckOutcome::failed(
                Check::Status,
                codes::SUSPENDED,
                format!("{where_}: the credential is suspended"),
            ),
            other => CheckOutcome::warning(
                Check::Status,
                codes::STATUS_NOTICE,
                format!("{where_}: status {value} for purpose {}", other.as_str()),
            ),
        },
    }
}

/// Fetches the status list credential at `url` and checks that it may speak
/// for a credential of `credential_issuer`: issued by that issuer (or one
/// the policy allows), every proof verifying and one by its issuer's
/// `assertionMethod` key, within its validity period, and well formed.
async fn load_status_list(
    fetcher: &dyn StatusListFetcher,
    url: &str,
    credential_issuer: &str,
    resolver: &dyn Resolver,
    policy: &Policy,
    now: OffsetDateTime,
    deadline: Instant,
) -> Result<StatusList, CheckOutcome> {
    let fail = |code: &str, detail: String| CheckOutcome::failed(Check::Status, code, detail);
    if Instant::now() >= deadline {
        return Err(fail(
            codes::STATUS_RETRIEVAL_ERROR,
            format!(
                "status list {url}: not fetched, the verification's fetch deadline ({} ms) has passed",
                policy.fetch_deadline.as_millis()
            ),
        ));
    }
    let list_credential = fetcher
        .fetch(url, deadline)
        .await
        .map_err(|e| fail(codes::STATUS_RETRIEVAL_ERROR, format!("status list {url}: {e}")))?;

    // Whose word it is comes first: a list by another issuer is refused
    // without resolving that issuer at all.
    let list_issuer = list_credential.issuer_id();
    let allowed = list_issuer == credential_issuer || policy.status_list_issuers.iter().any(|i| i == list_issuer);
    if !allowed {
        return Err(fail(
            codes::STATUS_LIST_ISSUER_MISMATCH,
            format!("status list {url} is issued by {list_issuer}, not by the credential's issuer {credential_issuer}"),
        ));
    }

    let expected = policy.proof_expectations(Relationship::AssertionMethod, now);
    let outcomes = verify_proofs(list_credential.as_object(), resolver, &expected).await;
    if outcomes.is_empty() {
        return Err(fail(
            codes::STATUS_VERIFICATION_ERROR,
            format!("status list {url} has no proof"),
        ));
    }
    for o in &outcomes {
        if let Some(f) = o.failures.first() {
            return Err(fail(
                codes::STATUS_VERIFICATION_ERROR,
                format!("status list {url}: proof {} does not verify: {}", o.index, f.detail),
            ));
        }
    }
    let list_issuer_did = did_of(list_issuer);
    if !outcomes
        .iter()
        .any(|o| o.controller.as_deref() == Some(list_issuer_did))
    {
        return Err(fail(
            codes::STATUS_VERIFICATION_ERROR,
            format!("status list {url} is not signed by its issuer {list_issuer_did}"),
        ));
    }

    let skew = policy.clock_skew;
    if let Some(until) = list_credential.valid_until()
        && until <= now - skew
    {
        return Err(fail(
            codes::STATUS_LIST_VALIDITY_PERIOD,
            format!(
                "status list {url} expired at {} (now {})",
                format_date_time(until),
                format_date_time(now)
            ),
        ));
    }
    if let Some(from) = list_credential.valid_from()
        && from > now + skew
    {
        return Err(fail(
            codes::STATUS_LIST_VALIDITY_PERIOD,
            format!(
                "status list {url} is not valid before {} (now {})",
                format_date_time(from),
                format_date_time(now)
            ),
        ));
    }
    StatusList::from_credential(&list_credential)
        .map_err(|e| fail(codes::STATUS_VERIFICATION_ERROR, format!("status list {url}: {e}")))
}
