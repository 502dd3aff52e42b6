//! Presentations: a Data Integrity VerifiablePresentation for a verifier's
//! challenge, and an SD-JWT presentation with key binding that discloses
//! only the claims the holder names.

use serde_json::Value;
use xinlian_did_core::Relationship;
use xinlian_vc::sd_jwt::SdJwt;
use xinlian_vc::verify::SecuredFormat;
use xinlian_vc::{Credential, Presentation, ProofOptions, add_proof};

use crate::error::{Result, WalletError};
use crate::holder::Holder;
use crate::store::{StoredCredential, format_name};

/// A VC 2.0 VerifiablePresentation of `credentials` (Data Integrity ones),
/// `holder` = the holder's DID, signed with a Data Integrity proof for
/// `authentication` carrying `challenge` and `domain`.
pub async fn presentation(
    holder: &Holder,
    credentials: &[StoredCredential],
    challenge: &str,
    domain: &str,
) -> Result<Value> {
    let mut parsed = Vec::with_capacity(credentials.len());
    for c in credentials {
        if c.format != SecuredFormat::DataIntegrity {
            return Err(WalletError::Input(format!(
                "credential {} is {}: `present` embeds Data Integrity credentials; use `present-sd` for SD-JWT",
                c.local_id,
                format_name(c.format)
            )));
        }
        parsed.push(
            Credential::from_json(&c.text)
                .map_err(|e| WalletError::Input(format!("credential {}: {e}", c.local_id)))?,
        );
    }
    let unsigned = Presentation::builder()
        .holder(holder.did())
        .credentials(parsed)
        .build()?;
    let options = ProofOptions::new()
        .purpose(Relationship::Authentication)
        .challenge(challenge)
        .domain(domain);
    let signed = add_proof(unsigned.as_object(), &options, &holder.signer).await?;
    Ok(Value::Object(signed))
}

/// Letters and digits only, lower case: `Graduation year` → `graduationyear`.
fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Other claim names a friendly name may be stored under.
fn aliases(normalized: &str) -> &'static [&'static str] {
    match normalized {
        "degree" => &["degreename", "achievement"],
        "graduationyear" | "graduation" => &["graduationyear", "graduationdate", "graduated", "awardeddate"],
        "name" => &["identifier", "fullname"],
        "birthdate" | "dateofbirth" => &["birthdate", "dateofbirth"],
        _ => &[],
    }
}

/// What `select` found: JSON pointers to disclose, and the requested names
/// the credential holds no disclosable claim for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Pointers to pass to [`SdJwt::present_paths`].
    pub pointers: Vec<String>,
    /// Requested names with no matching disclosure.
    pub missing: Vec<String>,
}

/// Maps the requested claims (`degree`, `graduation year`, or JSON
/// pointers such as `/achievement`) to the SD-JWT's top-level disclosures.
pub fn select(sd_jwt: &SdJwt, requested: &[String]) -> Selection {
    let names: Vec<&str> = sd_jwt.disclosures().iter().filter_map(|d| d.name()).collect();
    let mut selection = Selection {
        pointers: Vec::new(),
        missing: Vec::new(),
    };
    for wanted in requested.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if wanted.starts_with('/') {
            selection.pointers.push(wanted.to_owned());
            continue;
        }
        let key = normalize(wanted);
        let candidates: Vec<&str> = std::iter::once(key.as_str())
            .chain(aliases(&key).iter().copied())
            .collect();
        let found = candidates
            .iter()
            .find_map(|c| names.iter().find(|n| normalize(n) == *c))
            .map(|n| format!("/{}", n.replace('~', "~0").replace('/', "~1")));
        match found {
            Some(p) if !selection.pointers.contains(&p) => selection.pointers.push(p),
            Some(_) => {}
            None => selection.missing.push(wanted.to_owned()),
        }
    }
    selection
}

/// An SD-JWT presentation of `credential` disclosing `pointers`, bound to
/// the holder's key with a KB-JWT for `audience` and `nonce`.
pub async fn sd_presentation(
    holder: &Holder,
    credential: &SdJwt,
    pointers: &[String],
    audience: &str,
    nonce: &str,
) -> Result<SdJwt> {
    let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
    let shown = credential.present_paths(&refs)?;
    Ok(shown.bind(&holder.signer, audience, nonce, None).await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;
    use xinlian_did_core::{KeyType, SecretKey};
    use xinlian_vc::KeySigner;
    use xinlian_vc::sd_jwt::{SdJwt, SdJwtVcBuilder};

    use super::select;

    fn issued(claims: serde_json::Value) -> SdJwt {
        let issuer = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
        let claims = claims.as_object().cloned().unwrap();
        let mut builder = SdJwtVcBuilder::new("https://example.edu/vct/diploma", claims.clone());
        for name in claims.keys() {
            builder = builder.disclosable(format!("/{name}"));
        }
        pollster::block_on(builder.issue(&issuer)).unwrap()
    }

    #[test]
    fn friendly_names_map_to_claims() {
        let sd = issued(json!({ "degree": "BSc", "graduation_year": 2026, "birth_date": "2003-04-01" }));
        let s = select(&sd, &["Degree".into(), "graduation year".into()]);
        assert_eq!(s.pointers, ["/degree", "/graduation_year"]);
        assert!(s.missing.is_empty());
    }

    #[test]
    fn open_badges_shapes_and_pointers() {
        let sd = issued(json!({ "achievement": { "name": "BSc" }, "identifier": [], "awardedDate": "2026-06-30" }));
        let s = select(
            &sd,
            &[
                "degree".into(),
                "graduation year".into(),
                "/identifier".into(),
                "shoe size".into(),
            ],
        );
        assert_eq!(s.pointers, ["/achievement", "/awardedDate", "/identifier"]);
        assert_eq!(s.missing, ["shoe size"]);
    }
}
