//! DID URL dereferencing over a resolved document.

use crate::did::DidUrl;
use crate::document::{Document, Service, VerificationMethod};
use crate::error::{Error, Result};
use crate::resolution::{DocumentMetadata, ResolutionOptions, Resolver};

/// What a DID URL dereferences to.
#[derive(Debug, Clone, PartialEq)]
pub enum Dereferenced {
    /// The whole DID document (a bare DID, or a DID with version parameters).
    Document(Box<Document>),
    /// A verification method selected by fragment.
    VerificationMethod(Box<VerificationMethod>),
    /// A service selected by fragment.
    Service(Service),
    /// Endpoint URLs of a service selected by `?service=`, with
    /// `relativeRef` applied (RFC 3986 §5.2).
    ServiceEndpoints(Vec<String>),
}

/// The result of dereferencing through a resolver.
#[derive(Debug, Clone, PartialEq)]
pub struct Dereferencing {
    /// The dereferenced resource.
    pub content: Dereferenced,
    /// Metadata of the document it came from.
    pub document_metadata: DocumentMetadata,
}

impl Document {
    /// Dereferences `url` within this (already resolved) document:
    /// `?service=…[&relativeRef=…]` selects service endpoints, a fragment
    /// selects a verification method or service, and otherwise the document
    /// itself is returned. Paths are method-specific and not supported here.
    pub fn dereference(&self, url: &DidUrl) -> Result<Dereferenced> {
        if url.did_str() != self.id.as_str() {
            return Err(Error::NotFound {
                what: format!("{url} is not part of {}", self.id),
            });
        }
        if let Some(service_name) = url.query_param("service") {
            let service = self
                .service
                .iter()
                .find(|s| {
                    self.absolute_id(&s.id)
                        .ok()
                        .and_then(|u| u.fragment().map(str::to_owned))
                        .as_deref()
                        == Some(service_name.as_str())
                })
                .ok_or_else(|| Error::NotFound {
                    what: format!("service {service_name:?} in {}", self.id),
                })?;
            let relative = url.query_param("relativeRef");
            let endpoints: Vec<String> = service
                .endpoint_uris()
                .into_iter()
                .map(|base| match &relative {
                    Some(r) => resolve_reference(base, r),
                    None => base.to_owned(),
                })
                .collect();
            if endpoints.is_empty() {
                return Err(Error::NotFound {
                    what: format!("a URI endpoint of service {service_name:?}"),
                });
            }
            return Ok(Dereferenced::ServiceEndpoints(endpoints));
        }
        if url.path().is_some() {
            return Err(Error::NotFound {
                what: format!("path {} (this method defines no paths)", url.as_str()),
            });
        }
        if let Some(fragment) = url.fragment() {
            let id = format!("#{fragment}");
            if let Some(vm) = self.verification_method(&id) {
                return Ok(Dereferenced::VerificationMethod(Box::new(vm.clone())));
            }
            if let Some(service) = self.service(&id) {
                return Ok(Dereferenced::Service(service.clone()));
            }
            return Err(Error::NotFound {
                what: format!("#{fragment} in {}", self.id),
            });
        }
        Ok(Dereferenced::Document(Box::new(self.clone())))
    }
}

/// Resolves the DID of `url` (passing `versionId`/`versionTime` query
/// parameters on as resolution options) and dereferences `url` in it.
pub async fn dereference(resolver: &dyn Resolver, url: &DidUrl, options: &ResolutionOptions) -> Result<Dereferencing> {
    let mut options = options.clone();
    if let Some(v) = url.query_param("versionId") {
        options.version_id = Some(v);
    }
    if let Some(t) = url.query_param("versionTime") {
        options.version_time = Some(t);
    }
    let resolution = resolver.resolve(&url.did(), &options).await?;
    let content = resolution.document.dereference(url)?;
    Ok(Dereferencing {
        content,
        document_metadata: resolution.document_metadata,
    })
}

struct UriParts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn split_uri(s: &str) -> UriParts<'_> {
    let (s, fragment) = match s.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let (s, query) = match s.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (s, None),
    };
    let (scheme, s) = match s.split_once(':') {
        Some((sc, rest))
            if !sc.is_empty()
                && !sc.contains('/')
                && sc.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            (Some(sc), rest)
        }
        _ => (None, s),
    };
    let (authority, path) = match s.strip_prefix("//") {
        Some(rest) => {
            let end = rest.find('/').unwrap_or(rest.len());
            (Some(&rest[..end]), &rest[end..])
        }
        None => (None, s),
    };
    UriParts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path.to_owned();
    let mut output = String::new();
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest.to_owned();
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest.to_owned();
        } else if input.starts_with("/./") {
            input = input[2..].to_owned();
        } else if input == "/." {
            input = "/".into();
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." {
                "/".into()
            } else {
                input[3..].to_owned()
            };
            match output.rfind('/') {
                Some(i) => output.truncate(i),
                None => output.clear(),
            }
        } else if input == "." || input == ".." {
            input.clear();
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push_str(&input[..end]);
            input = input[end..].to_owned();
        }
    }
    output
}

/// Resolves a URI reference against a base URI (RFC 3986 §5.2.2).
pub fn resolve_reference(base: &str, reference: &str) -> String {
    let b = split_uri(base);
    let r = split_uri(reference);
    let (scheme, authority, path, query);
    if r.scheme.is_some() {
        scheme = r.scheme;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        scheme = b.scheme;
        if r.authority.is_some() {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            authority = b.authority;
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = r.query.or(b.query);
            } else {
                path = if r.path.starts_with('/') {
                    remove_dot_segments(r.path)
                } else {
                    let merged = if b.authority.is_some() && b.path.is_empty() {
                        format!("/{}", r.path)
                    } else {
                        match b.path.rfind('/') {
                            Some(i) => format!("{}{}", &b.path[..=i], r.path),
                            None => r.path.to_owned(),
                        }
                    };
                    remove_dot_segments(&merged)
                };
                query = r.query;
            }
        }
    }
    let mut out = String::new();
    if let Some(s) = scheme {
        out.push_str(s);
        out.push(':');
    }
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(&path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = r.fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        for (r, want) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("", "http://a/b/c/d;p?q"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("g;x=1/../y", "http://a/b/c/y"),
        ] {
            assert_eq!(resolve_reference(base, r), want, "{r}");
        }
    }
}
