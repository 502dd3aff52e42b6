//! JSON-LD contexts: the documents bundled in the crate, and the checks the
//! data model needs from `@context` without a JSON-LD processor.
//!
//! Full JSON-LD expansion lives behind a feature elsewhere; the checks here
//! catch what VC Data Model 2.0 requires of every credential: the base
//! context comes first, every entry is a URL or an object, inline term
//! definitions map to IRIs, protected terms are not redefined, and every
//! `type` maps to a URL.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::validate::{Fail, is_url, pointer};
use super::{CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, DataModelVersion};
use crate::records::employment::{EMPLOYMENT_CONTEXT_V1, EMPLOYMENT_CONTEXT_V1_DOCUMENT};

/// The examples context of VC Data Model 2.0; it sets an `@vocab`.
pub const CREDENTIALS_EXAMPLES_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/examples/v2";

/// Context documents shipped inside the crate, by URL.
const BUNDLED_CONTEXTS: &[(&str, &str)] = &[(EMPLOYMENT_CONTEXT_V1, EMPLOYMENT_CONTEXT_V1_DOCUMENT)];

/// The JSON-LD context document bundled for `url`, if the crate ships one.
///
/// Nothing is fetched from the network: verifiers and canonicalizers load
/// contexts from here.
///
/// ```
/// let doc = xinlian_vc::credential::bundled_context("https://xinlian.dev/contexts/employment/v1").unwrap();
/// assert!(doc.contains("EmploymentCredential"));
/// assert!(xinlian_vc::credential::bundled_context("https://example.com/unknown").is_none());
/// ```
pub fn bundled_context(url: &str) -> Option<&'static str> {
    BUNDLED_CONTEXTS.iter().find(|(u, _)| *u == url).map(|(_, doc)| *doc)
}

/// URLs of every context document [`bundled_context`] can return.
pub fn bundled_context_urls() -> impl Iterator<Item = &'static str> {
    BUNDLED_CONTEXTS.iter().map(|(u, _)| *u)
}

/// Terms the VC 2.0 base context defines, all `@protected`, with their IRI
/// when the definition is a plain string (a redefinition to the same IRI is
/// allowed by JSON-LD; any other redefinition is an error).
const V2_PROTECTED_TERMS: &[(&str, Option<&str>)] = &[
    ("id", Some("@id")),
    ("type", Some("@type")),
    ("description", Some("https://schema.org/description")),
    ("name", Some("https://schema.org/name")),
    ("digestMultibase", None),
    ("digestSRI", None),
    ("mediaType", None),
    ("VerifiableCredential", None),
    (
        "EnvelopedVerifiableCredential",
        Some("https://www.w3.org/2018/credentials#EnvelopedVerifiableCredential"),
    ),
    ("VerifiablePresentation", None),
    (
        "EnvelopedVerifiablePresentation",
        Some("https://www.w3.org/2018/credentials#EnvelopedVerifiablePresentation"),
    ),
    (
        "JsonSchemaCredential",
        Some("https://www.w3.org/2018/credentials#JsonSchemaCredential"),
    ),
    ("JsonSchema", None),
    (
        "BitstringStatusListCredential",
        Some("https://www.w3.org/ns/credentials/status#BitstringStatusListCredential"),
    ),
    ("BitstringStatusList", None),
    ("BitstringStatusListEntry", None),
    ("DataIntegrityProof", None),
    // Terms scoped to VerifiableCredential / VerifiablePresentation.
    ("confidenceMethod", None),
    ("credentialSchema", None),
    ("credentialStatus", None),
    ("credentialSubject", None),
    ("evidence", None),
    ("issuer", None),
    ("proof", None),
    ("refreshService", None),
    ("relatedResource", None),
    ("renderMethod", None),
    ("termsOfUse", None),
    ("validFrom", None),
    ("validUntil", None),
    ("holder", None),
    ("verifiableCredential", None),
];

/// JSON-LD keywords a term definition may map to.
const KEYWORDS: &[&str] = &[
    "@base",
    "@container",
    "@context",
    "@direction",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@prefix",
    "@propagate",
    "@protected",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

/// What the `@context` of a credential or presentation makes of terms.
#[derive(Debug)]
pub(crate) struct TermScope {
    /// An `@vocab` is in effect, so every term maps to some IRI.
    vocab: bool,
    /// A context we cannot see into (a remote URL we do not bundle) may
    /// define anything.
    opaque: bool,
    /// Terms defined by inline contexts.
    defined: HashSet<String>,
    /// Terms protected by inline contexts, with their definitions.
    protected: HashMap<String, Value>,
    /// Whether the first context is the 1.1 one.
    version: DataModelVersion,
}

impl TermScope {
    /// Whether `term` (a `type` value) maps to a URL.
    pub(crate) fn maps_to_url(&self, term: &str) -> bool {
        if self.version == DataModelVersion::V1_1 || self.opaque || self.vocab {
            return true;
        }
        if term.contains(':') {
            return is_url(term);
        }
        self.defined.contains(term) || V2_PROTECTED_TERMS.iter().any(|(t, _)| *t == term)
    }

    /// The data model version the first context selects.
    pub(crate) fn version(&self) -> DataModelVersion {
        self.version
    }
}

/// Checks `@context` of an object at `base` and returns the scope it sets up.
pub(crate) fn check_context(object: &Map<String, Value>, base: &str) -> Result<TermScope, Fail> {
    let path = pointer(base, "@context");
    let entries: Vec<&Value> = match object.get("@context") {
        None => return Err(Fail::new(path, "@context is missing")),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::String(_)) => vec![v],
        Some(_) => {
            return Err(Fail::new(
                path,
                "@context must be a URL or an ordered set of URLs and objects",
            ));
        }
    };
    let version = match entries.first() {
        Some(Value::String(s)) if s == CREDENTIALS_V2_CONTEXT => DataModelVersion::V2_0,
        Some(Value::String(s)) if s == CREDENTIALS_V1_CONTEXT => DataModelVersion::V1_1,
        None => return Err(Fail::new(path, "@context is empty")),
        Some(_) => {
            return Err(Fail::new(
                pointer(&path, "0"),
                format!("the first @context entry must be {CREDENTIALS_V2_CONTEXT} (or {CREDENTIALS_V1_CONTEXT})"),
            ));
        }
    };
    let mut scope = TermScope {
        vocab: version == DataModelVersion::V2_0,
        opaque: false,
        defined: HashSet::new(),
        protected: HashMap::new(),
        version,
    };
    let single = matches!(object.get("@context"), Some(Value::String(_)));
    for (i, entry) in entries.iter().enumerate().skip(1) {
        let entry_path = if single {
            path.clone()
        } else {
            pointer(&path, &i.to_string())
        };
        match entry {
            Value::String(url) => {
                if !is_url(url) {
                    return Err(Fail::new(entry_path, format!("@context entry {url:?} is not a URL")));
                }
                if url == CREDENTIALS_EXAMPLES_V2_CONTEXT {
                    scope.vocab = true;
                } else if url != CREDENTIALS_V2_CONTEXT && url != CREDENTIALS_V1_CONTEXT {
                    scope.opaque = true;
                }
            }
            Value::Object(inline) => check_inline_context(inline, &entry_path, &mut scope)?,
            _ => return Err(Fail::new(entry_path, "@context entries must be URLs or objects")),
        }
    }
    Ok(scope)
}

fn check_inline_context(inline: &Map<String, Value>, path: &str, scope: &mut TermScope) -> Result<(), Fail> {
    let context_protected = match inline.get("@protected") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(Fail::new(
                pointer(path, "@protected"),
                "@protected must be true or false",
            ));
        }
    };
    for (term, definition) in inline {
        let term_path = pointer(path, term);
        match term.as_str() {
            "@vocab" => match definition {
                Value::Null => scope.vocab = false,
                Value::String(_) => scope.vocab = true,
                _ => return Err(Fail::new(term_path, "@vocab must be an IRI or null")),
            },
            "@protected" => {}
            "@version" | "@base" | "@language" | "@direction" | "@propagate" | "@import" => {}
            t if t.starts_with('@') => {}
            _ => {
                check_term_definition(term, definition, &term_path)?;
                if scope.version == DataModelVersion::V2_0
                    && let Some((_, simple)) = V2_PROTECTED_TERMS.iter().find(|(t, _)| *t == term.as_str())
                {
                    let same = matches!((simple, definition), (Some(iri), Value::String(d)) if iri == d);
                    if !same {
                        return Err(Fail::new(
                            term_path,
                            format!("redefines the protected term {term:?} of the credentials context"),
                        ));
                    }
                }
                if let Some(previous) = scope.protected.get(term)
                    && previous != definition
                {
                    return Err(Fail::new(term_path, format!("redefines the protected term {term:?}")));
                }
                let term_protected = match definition {
                    Value::Object(d) => d
                        .get("@protected")
                        .and_then(Value::as_bool)
                        .unwrap_or(context_protected),
                    _ => context_protected,
                };
                if term_protected {
                    scope.protected.insert(term.clone(), definition.clone());
                }
                scope.defined.insert(term.clone());
            }
        }
    }
    Ok(())
}

/// A term definition maps to a keyword, an absolute or compact IRI, or
/// another term; an expanded definition's `@id` likewise.
fn check_term_definition(term: &str, definition: &Value, path: &str) -> Result<(), Fail> {
    match definition {
        Value::Null => Ok(()),
        Value::String(iri) => check_iri(term, iri, path),
        Value::Object(expanded) => match expanded.get("@id") {
            None | Some(Value::Null) => Ok(()),
            Some(Value::String(iri)) => check_iri(term, iri, &pointer(path, "@id")),
            Some(_) => Err(Fail::new(pointer(path, "@id"), "@id must be an IRI")),
        },
        _ => Err(Fail::new(
            path,
            format!("definition of {term:?} must be an IRI or an object"),
        )),
    }
}

fn check_iri(term: &str, iri: &str, path: &str) -> Result<(), Fail> {
    let ok = if iri.starts_with('@') {
        KEYWORDS.contains(&iri)
    } else if iri.contains(':') {
        is_url(iri)
    } else {
        !iri.is_empty() && !iri.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    if ok {
        Ok(())
    } else {
        Err(Fail::new(
            path,
            format!("term {term:?} maps to {iri:?}, which is not an IRI"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employment_context_is_bundled_and_well_formed() {
        let doc: Value = serde_json::from_str(bundled_context(EMPLOYMENT_CONTEXT_V1).unwrap()).unwrap();
        let ctx = doc["@context"].as_object().unwrap();
        let mut scope = TermScope {
            vocab: true,
            opaque: false,
            defined: HashSet::new(),
            protected: HashMap::new(),
            version: DataModelVersion::V2_0,
        };
        check_inline_context(ctx, "/@context", &mut scope).unwrap();
        for (term, def) in ctx {
            if term.starts_with('@') {
                continue;
            }
            let iri = def.as_str().or_else(|| def["@id"].as_str()).unwrap();
            assert!(iri.starts_with("https://"), "{term} -> {iri}");
        }
        assert!(bundled_context_urls().any(|u| u == EMPLOYMENT_CONTEXT_V1));
    }
}
