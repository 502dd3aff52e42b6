//! What the library's SD-JWT VC verification leaves to the verifier:
//!
//! - holder binding for SD-JWT VCs whose issuer named the holder by DID
//!   (`sub`) instead of a `cnf` key: the Key Binding JWT must then be signed
//!   by one of the subject DID's `authentication` keys. The library only
//!   knows `cnf` (a KB-JWT without `cnf` fails), so this module checks the
//!   issuer part with the library and the KB-JWT itself;
//! - trust by credential type: the library checks an SD-JWT VC's issuer
//!   against trust lists with no type but `VerifiableCredential` (it does
//!   not map `vct`), so this module re-checks trust with the `vct` and the
//!   type it names (its last path segment, e.g. `…/vct/AchievementCredential`).

use serde_json::Value;
use xinlian_did_core::{Did, Relationship, ResolutionOptions, Resolver};
use xinlian_vc::jose::Jwt;
use xinlian_vc::sd_jwt::{KB_JWT_TYP, SdJwt, sha256_b64};
use xinlian_vc::trust::find_accreditation;
use xinlian_vc::verify::{Check, CheckOutcome, VerificationReport, codes, verify_any};
use xinlian_vc::{Policy, Result};

/// How old a KB-JWT may be, in seconds.
const MAX_AGE: i64 = 300;

/// When `text` is an SD-JWT with a KB-JWT, no `cnf` and a DID `sub`:
/// the verification report, with holder binding, challenge (`nonce`) and
/// domain (`aud`) checked against the subject DID. `None` otherwise (the
/// library's own verification applies).
pub async fn verify_did_bound(
    text: &str,
    resolver: &dyn Resolver,
    policy: &Policy,
) -> Option<Result<VerificationReport>> {
    let sd_jwt = SdJwt::parse_with_limits(text.trim(), &policy.limits).ok()?;
    let kb = sd_jwt.key_binding_jwt()?.to_owned();
    let issuer_jwt = Jwt::parse(sd_jwt.issuer_jwt(), &[]).ok()?;
    let claims = issuer_jwt.claims();
    if claims.contains_key("cnf") {
        return None;
    }
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|s| s.starts_with("did:"))?
        .to_owned();
    let covered = sd_jwt.without_key_binding();
    let mut unbound = policy.clone();
    unbound.challenge = None;
    unbound.domain = None;
    let mut report = match verify_any(&covered, resolver, &unbound).await {
        Ok(r) => r,
        Err(e) => return Some(Err(e)),
    };
    report
        .checks
        .retain(|c| !matches!(c.check, Check::HolderBinding | Check::Challenge | Check::Domain));
    report
        .checks
        .extend(check_key_binding(&kb, &sub, &covered, resolver, policy).await);
    Some(Ok(report))
}

async fn check_key_binding(
    kb: &str,
    sub: &str,
    covered: &str,
    resolver: &dyn Resolver,
    policy: &Policy,
) -> Vec<CheckOutcome> {
    let fail = |detail: String| {
        vec![
            CheckOutcome::failed(Check::HolderBinding, codes::HOLDER_BINDING_ERROR, detail),
            CheckOutcome::skipped(Check::Challenge, "the KB-JWT did not verify"),
            CheckOutcome::skipped(Check::Domain, "the KB-JWT did not verify"),
        ]
    };
    let jwt = match Jwt::parse(kb, &[]) {
        Ok(j) => j,
        Err(e) => return fail(format!("KB-JWT: {e}")),
    };
    if jwt.header().typ() != Some(KB_JWT_TYP) {
        return fail(format!("KB-JWT typ is {:?}, not {KB_JWT_TYP}", jwt.header().typ()));
    }
    let did = match Did::parse(sub) {
        Ok(d) => d,
        Err(e) => return fail(format!("sub {sub:?}: {e}")),
    };
    let resolved = match resolver.resolve(&did, &ResolutionOptions::default()).await {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot resolve the subject {sub}: {e}")),
    };
    let signed_by = resolved
        .document
        .methods_for(Relationship::Authentication)
        .into_iter()
        .find(|vm| vm.public_key().is_ok_and(|key| jwt.verify_signature(&key).is_ok()))
        .map(|vm| vm.id.clone());
    let Some(signed_by) = signed_by else {
        return fail(format!(
            "the KB-JWT is not signed by an authentication key of the subject {sub}"
        ));
    };
    let claims = jwt.claims();
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("sd_hash") != Some(sha256_b64(covered.as_bytes()).as_str()) {
        return fail("KB-JWT sd_hash does not match the presented SD-JWT".into());
    }
    let now = policy.now().unix_timestamp();
    let skew = policy.clock_skew.whole_seconds();
    match claims.get("iat").and_then(Value::as_i64) {
        None => return fail("KB-JWT has no iat".into()),
        Some(iat) if iat > now + skew => return fail(format!("KB-JWT iat {iat} is in the future (now {now})")),
        Some(iat) if iat < now - MAX_AGE - skew => {
            return fail(format!("KB-JWT is too old: iat {iat}, now {now}, max age {MAX_AGE}s"));
        }
        Some(_) => {}
    }
    let mut out = vec![CheckOutcome::passed(
        Check::HolderBinding,
        format!(
            "KB-JWT signed by {signed_by}, an authentication key of the subject, over this presentation (sd_hash), fresh"
        ),
    )];
    for (check, want, got, code, what) in [
        (
            Check::Challenge,
            policy.challenge.as_deref(),
            text("nonce"),
            codes::INVALID_CHALLENGE_ERROR,
            "nonce",
        ),
        (
            Check::Domain,
            policy.domain.as_deref(),
            text("aud"),
            codes::INVALID_DOMAIN_ERROR,
            "aud",
        ),
    ] {
        out.push(match want {
            None => CheckOutcome::skipped(check, format!("the policy expects no {what}")),
            Some(w) if got == Some(w) => CheckOutcome::passed(check, format!("KB-JWT {what} is {w:?}")),
            Some(w) => CheckOutcome::failed(
                check,
                code,
                format!("KB-JWT {what} is {:?}, expected {w:?}", got.unwrap_or("(none)")),
            ),
        });
    }
    out
}

/// Replaces the report's trust outcome for an SD-JWT VC by one that
/// matches the trust lists against the `vct` (or the type it ends with).
pub fn recheck_trust(report: &mut VerificationReport, text: &str, policy: &Policy) {
    if policy.trusted_lists.is_empty() && !policy.require_trust {
        return;
    }
    let Some(claims) = SdJwt::parse(text.trim())
        .ok()
        .and_then(|sd| Jwt::parse(sd.issuer_jwt(), &[]).ok())
        .map(|jwt| jwt.into_claims())
    else {
        return;
    };
    let (Some(issuer), Some(vct)) = (
        claims.get("iss").and_then(Value::as_str),
        claims.get("vct").and_then(Value::as_str),
    ) else {
        return;
    };
    let short = vct
        .rsplit(['/', '#', ':'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(vct);
    let now = policy.now();
    let found = find_accreditation(&policy.trusted_lists, issuer, &[vct], now)
        .or_else(|first| find_accreditation(&policy.trusted_lists, issuer, &[short], now).map_err(|_| first));
    let outcome = match found {
        Ok(m) => CheckOutcome::passed(
            Check::Trust,
            format!(
                "{issuer} is accredited for {:?} (vct {vct}) by trust list {} (authority {}), entry {}{}",
                m.entry.credential_types,
                m.list,
                m.authority,
                m.entry_index,
                m.entry.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
            ),
        ),
        Err(reason) if policy.require_trust => CheckOutcome::failed(
            Check::Trust,
            codes::ISSUER_NOT_ACCREDITED,
            format!("vct {vct}: {reason}"),
        ),
        Err(reason) => CheckOutcome::warning(
            Check::Trust,
            codes::ISSUER_NOT_ACCREDITED,
            format!("vct {vct}: {reason}"),
        ),
    };
    match report.checks.iter().position(|c| c.check == Check::Trust) {
        Some(i) => {
            report.checks.retain(|c| c.check != Check::Trust);
            report.checks.insert(i.min(report.checks.len()), outcome);
        }
        None => report.push(outcome),
    }
}
