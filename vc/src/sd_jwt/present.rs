//! The holder's side: choose which disclosures to show, and bind the
//! presentation to the holder key with a Key Binding JWT.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::disclosure::{Disclosure, sd_err};
use super::{KB_JWT_TYP, SdJwt, pointer_tokens};
use crate::error::{Error, Result};
use crate::jose::{Jwt, json_kind, now_unix, sign_jwt};
use crate::signer::Signer;
use crate::{Limit, Limits};

/// What the holder wants shown below one point of the payload.
#[derive(Clone, Copy)]
enum Frame<'a> {
    /// Everything below.
    All,
    /// Nothing below.
    Nothing,
    /// What the frame object or array says, member by member.
    Some(&'a Value),
}

impl<'a> Frame<'a> {
    fn from_value(value: Option<&'a Value>, at: &str) -> Result<Frame<'a>> {
        Ok(match value {
            None | Some(Value::Null) | Some(Value::Bool(false)) => Frame::Nothing,
            Some(Value::Bool(true)) => Frame::All,
            Some(v @ (Value::Object(_) | Value::Array(_))) => Frame::Some(v),
            Some(other) => {
                return Err(sd_err(format!(
                    "presentation frame at {at:?} must be a boolean, object or array, got {}",
                    json_kind(other)
                )));
            }
        })
    }

    fn member(self, name: &str) -> Result<Frame<'a>> {
        match self {
            Frame::Some(Value::Object(o)) => Frame::from_value(o.get(name), name),
            Frame::Some(_) | Frame::Nothing => Ok(Frame::Nothing),
            Frame::All => Ok(Frame::All),
        }
    }

    fn element(self, index: usize) -> Result<Frame<'a>> {
        match self {
            Frame::Some(Value::Array(a)) => Frame::from_value(a.get(index), &index.to_string()),
            Frame::Some(Value::Object(o)) => Frame::from_value(o.get(&index.to_string()), &index.to_string()),
            Frame::Some(_) | Frame::Nothing => Ok(Frame::Nothing),
            Frame::All => Ok(Frame::All),
        }
    }

    fn is_nothing(self) -> bool {
        matches!(self, Frame::Nothing)
    }
}

struct Selection<'d> {
    by_digest: HashMap<&'d str, &'d Disclosure>,
    chosen: HashSet<&'d str>,
    max_depth: usize,
}

impl<'d> Selection<'d> {
    /// Walks `value` under `parents` arrays and objects, no deeper than
    /// the limit (disclosures can nest without bound).
    fn value(&mut self, value: &'d Value, frame: Frame<'_>, parents: usize) -> Result<()> {
        if frame.is_nothing() {
            return Ok(());
        }
        if matches!(value, Value::Object(_) | Value::Array(_)) && parents >= self.max_depth {
            return Err(Error::LimitExceeded {
                what: "SD-JWT claims",
                limit: Limit::Depth,
                max: self.max_depth,
                actual: None,
                path: String::new(),
            });
        }
        match value {
            Value::Object(o) => self.object(o, frame, parents + 1),
            Value::Array(a) => self.array(a, frame, parents + 1),
            _ => Ok(()),
        }
    }

    /// Picks a disclosure (once: a digest that appears twice is not
    /// walked twice) and walks its value.
    fn choose(&mut self, d: &'d Disclosure, frame: Frame<'_>, depth: usize) -> Result<()> {
        if frame.is_nothing() || !self.chosen.insert(d.digest()) {
            return Ok(());
        }
        self.value(d.value(), frame, depth)
    }

    fn object(&mut self, object: &'d Map<String, Value>, frame: Frame<'_>, depth: usize) -> Result<()> {
        for (name, value) in object {
            if name == "_sd" {
                for digest in value.as_array().map(Vec::as_slice).unwrap_or_default() {
                    let Some(d) = digest.as_str().and_then(|d| self.by_digest.get(d).copied()) else {
                        continue; // a decoy, or a disclosure the holder never had
                    };
                    let child = frame.member(d.name().unwrap_or_default())?;
                    self.choose(d, child, depth)?;
                }
            } else {
                self.value(value, frame.member(name)?, depth)?;
            }
        }
        Ok(())
    }

    fn array(&mut self, array: &'d [Value], frame: Frame<'_>, depth: usize) -> Result<()> {
        let mut index = 0;
        for element in array {
            let placeholder = element
                .as_object()
                .filter(|o| o.len() == 1)
                .and_then(|o| o.get("..."))
                .and_then(Value::as_str);
            match placeholder {
                Some(digest) => {
                    let Some(d) = self.by_digest.get(digest).copied() else {
                        continue; // a decoy: not an element of the disclosed array
                    };
                    let child = frame.element(index)?;
                    index += 1;
                    self.choose(d, child, depth)?;
                }
                None => {
                    self.value(element, frame.element(index)?, depth)?;
                    index += 1;
                }
            }
        }
        Ok(())
    }
}

impl SdJwt {
    /// A presentation with only the disclosures `frame` asks for, without
    /// key binding. `frame` mirrors the fully disclosed claims: `true`
    /// shows a claim and everything below it, `false` (or leaving it out)
    /// hides it, an object or array shows the claim and applies itself to
    /// the members (arrays by index of the fully disclosed array, decoys
    /// not counted). Disclosures a chosen claim sits inside are included.
    /// Claims nested deeper than the default [`Limits::max_depth`] are an
    /// [`Error::LimitExceeded`].
    pub fn present(&self, frame: &Value) -> Result<SdJwt> {
        let jwt = Jwt::parse(&self.issuer_jwt, &[]).map_err(|e| sd_err(format!("issuer-signed JWT: {e}")))?;
        let mut selection = Selection {
            by_digest: self.disclosures.iter().map(|d| (d.digest(), d)).collect(),
            chosen: HashSet::new(),
            max_depth: Limits::default().max_depth,
        };
        let root = Frame::from_value(Some(frame), "")?;
        selection.object(jwt.claims(), root, 1)?;
        let disclosures = self
            .disclosures
            .iter()
            .filter(|d| selection.chosen.contains(d.digest()))
            .cloned()
            .collect();
        Ok(SdJwt::from_parts(self.issuer_jwt.clone(), disclosures, None))
    }

    /// A presentation showing the claims at `pointers` (RFC 6901 pointers
    /// into the fully disclosed claims, e.g. `/degree`, `/courses/0`), each
    /// with everything below it. Other claims stay hidden.
    pub fn present_paths(&self, pointers: &[&str]) -> Result<SdJwt> {
        let mut frame = Value::Object(Map::new());
        for pointer in pointers {
            let tokens = pointer_tokens(pointer)?;
            let mut node = &mut frame;
            for (i, token) in tokens.iter().enumerate() {
                let last = i + 1 == tokens.len();
                let Value::Object(map) = node else {
                    break; // an ancestor is already shown whole
                };
                let entry = map.entry(token.clone()).or_insert_with(|| {
                    if last {
                        Value::Bool(true)
                    } else {
                        Value::Object(Map::new())
                    }
                });
                if last {
                    *entry = Value::Bool(true);
                }
                node = entry;
            }
        }
        self.present(&frame)
    }

    /// Adds a Key Binding JWT signed by the holder (`typ: kb+jwt`, no
    /// `kid`: the verifier uses the `cnf` key), with `aud`, `nonce`, `iat`
    /// (`None`: now) and `sd_hash` over this presentation. Replaces any
    /// existing KB-JWT.
    pub async fn bind(self, holder: &dyn Signer, audience: &str, nonce: &str, issued_at: Option<i64>) -> Result<SdJwt> {
        let mut claims = Map::new();
        claims.insert("iat".into(), issued_at.unwrap_or_else(now_unix).into());
        claims.insert("aud".into(), Value::String(audience.to_owned()));
        claims.insert("nonce".into(), Value::String(nonce.to_owned()));
        claims.insert("sd_hash".into(), Value::String(self.sd_hash()));
        let mut header = Map::new();
        header.insert("typ".into(), Value::String(KB_JWT_TYP.into()));
        let kb = sign_jwt(header, &claims, holder).await?;
        Ok(SdJwt {
            key_binding_jwt: Some(kb),
            ..self
        })
    }
}
