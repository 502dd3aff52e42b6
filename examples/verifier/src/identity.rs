//! `--claimed-identifier`: does a credential in the input name this learner?
//! Open Badges 3.0 subjects carry `IdentityObject`s, often a salted hash of
//! an email address or a student number (`hashed: true`, `salt`,
//! `identityHash` = "sha256$" + hex); the claimed value is hashed with the
//! same salt and compared.

use base64::Engine as _;
use serde_json::{Map, Value, json};
use xinlian_vc::records::identity::find_identity;
use xinlian_vc::verify::SecuredFormat;

/// What one claimed identifier matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityMatch {
    /// The value the presenter claims (an email address, a student number).
    pub claimed: String,
    /// The credential (index among those in the input), the `identifier`
    /// entry and its `identityType`, if one matched.
    pub found: Option<(usize, usize, String)>,
}

impl IdentityMatch {
    /// As JSON for `--json` output.
    pub fn to_json(&self) -> Value {
        match &self.found {
            Some((credential, index, kind)) => json!({
                "claimed": self.claimed, "matched": true, "credential": credential,
                "identifier": index, "identityType": kind
            }),
            None => json!({ "claimed": self.claimed, "matched": false }),
        }
    }
}

/// Checks every claimed identifier against the subjects of the credentials
/// in `input` (a credential or a presentation; Data Integrity JSON or a JWT).
pub fn check(input: &str, format: SecuredFormat, claimed: &[String]) -> Vec<IdentityMatch> {
    let credentials = credentials(input, format);
    claimed
        .iter()
        .map(|value| IdentityMatch {
            claimed: value.clone(),
            found: credentials.iter().enumerate().find_map(|(i, c)| {
                subjects(c)
                    .into_iter()
                    .find_map(|s| find_identity(s, value))
                    .map(|(index, kind)| (i, index, kind))
            }),
        })
        .collect()
}

/// The credentials in the input, as JSON objects.
fn credentials(input: &str, format: SecuredFormat) -> Vec<Map<String, Value>> {
    let top = match format {
        SecuredFormat::DataIntegrity => serde_json::from_str::<Value>(input.trim()).ok(),
        SecuredFormat::Jwt => jwt_payload(input.trim()),
        SecuredFormat::SdJwt => None,
    };
    let Some(Value::Object(top)) = top else {
        return Vec::new();
    };
    // A VC 1.1 JWT keeps the credential in `vc`; a presentation lists them.
    let top = match top.get("vc") {
        Some(Value::Object(vc)) => vc.clone(),
        _ => top,
    };
    match top.get("verifiableCredential") {
        Some(list) => as_list(list)
            .iter()
            .filter_map(|c| match c {
                Value::Object(o) => Some(o.clone()),
                Value::String(jwt) => jwt_payload(jwt).and_then(|v| v.as_object().cloned()),
                _ => None,
            })
            .collect(),
        None => vec![top],
    }
}

fn subjects(credential: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    credential
        .get("credentialSubject")
        .map(as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_object)
        .collect()
}

fn as_list(value: &Value) -> &[Value] {
    match value {
        Value::Array(list) => list,
        other => std::slice::from_ref(other),
    }
}

fn jwt_payload(jwt: &str) -> Option<Value> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}
