//! DIDs and DID URLs, parsed per the DID Core 1.0 ABNF.
//!
//! ```text
//! did                = "did:" method-name ":" method-specific-id
//! method-name        = 1*method-char
//! method-char        = %x61-7A / DIGIT
//! method-specific-id = *( *idchar ":" ) 1*idchar
//! idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
//! pct-encoded        = "%" HEXDIG HEXDIG
//! did-url            = did path-abempty [ "?" query ] [ "#" fragment ]
//! ```
//! `path-abempty`, `query` and `fragment` are those of RFC 3986.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A decentralized identifier, e.g. `did:example:123456789abcdefghi`.
///
/// A `Did` always holds a syntactically valid DID; it is displayed back
/// exactly as it was parsed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did {
    text: String,
    /// Byte index of the colon after the method name.
    method_end: usize,
}

/// A DID URL: a DID followed by an optional path, query and fragment, e.g.
/// `did:example:123/path?service=files#key-1`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DidUrl {
    text: String,
    method_end: usize,
    did_end: usize,
    path_end: usize,
    query_end: usize,
}

const PREFIX: &str = "did:";

fn is_idchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

fn is_pchar(b: u8) -> bool {
    is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'@')
}

/// Checks a `%HH` sequence at `i`; returns the error offset on failure.
fn pct_encoded(bytes: &[u8], i: usize) -> Result<(), usize> {
    for k in 1..=2 {
        match bytes.get(i + k) {
            Some(b) if b.is_ascii_hexdigit() => {}
            _ => return Err(i + k),
        }
    }
    Ok(())
}

/// Parses the `did` production at the start of `s`. Returns the index of the
/// method's closing colon and the end of the DID.
fn parse_did_prefix(s: &str) -> Result<(usize, usize), (usize, &'static str)> {
    let bytes = s.as_bytes();
    for (i, expected) in PREFIX.bytes().enumerate() {
        if bytes.get(i) != Some(&expected) {
            return Err((i, "the scheme \"did:\""));
        }
    }
    let mut i = PREFIX.len();
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            i += 1;
        } else {
            break;
        }
    }
    if i == PREFIX.len() {
        return Err((i, "a method name (lowercase letters and digits)"));
    }
    if bytes.get(i) != Some(&b':') {
        return Err((
            i,
            "':' after the method name (method names are lowercase letters and digits)",
        ));
    }
    let method_end = i;
    i += 1;
    // method-specific-id = *( *idchar ":" ) 1*idchar
    let mut segment_len = 0usize;
    loop {
        match bytes.get(i) {
            Some(&b) if is_idchar(b) => {
                segment_len += 1;
                i += 1;
            }
            Some(b'%') => {
                pct_encoded(bytes, i).map_err(|at| (at, "two hex digits after '%'"))?;
                segment_len += 1;
                i += 3;
            }
            Some(b':') => {
                segment_len = 0;
                i += 1;
            }
            _ => break,
        }
    }
    if segment_len == 0 {
        return Err((
            i,
            "a method-specific-id character (ALPHA / DIGIT / \".\" / \"-\" / \"_\" / pct-encoded)",
        ));
    }
    Ok((method_end, i))
}

impl Did {
    /// Parses a DID. The error names the byte offset and what was expected.
    pub fn parse(s: &str) -> Result<Did> {
        let (method_end, end) =
            parse_did_prefix(s).map_err(|(offset, expected)| Error::InvalidDid { offset, expected })?;
        if end != s.len() {
            return Err(Error::InvalidDid {
                offset: end,
                expected: "end of DID (a path, query or fragment makes it a DID URL)",
            });
        }
        Ok(Did {
            text: s.to_owned(),
            method_end,
        })
    }

    /// Builds `did:<method>:<method_specific_id>` and checks it.
    pub fn from_parts(method: &str, method_specific_id: &str) -> Result<Did> {
        Did::parse(&format!("did:{method}:{method_specific_id}"))
    }

    /// Builds a DID from parts the caller guarantees are valid (a method
    /// name and an id made only of idchar characters).
    pub(crate) fn from_valid_parts(method: &str, method_specific_id: &str) -> Did {
        let text = format!("did:{method}:{method_specific_id}");
        debug_assert!(Did::parse(&text).is_ok(), "{text}");
        Did {
            method_end: PREFIX.len() + method.len(),
            text,
        }
    }

    /// The DID as a string.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The method name, e.g. `key` in `did:key:z6Mk…`.
    pub fn method(&self) -> &str {
        &self.text[PREFIX.len()..self.method_end]
    }

    /// The method-specific identifier (everything after the method name's colon).
    pub fn method_specific_id(&self) -> &str {
        &self.text[self.method_end + 1..]
    }

    /// The DID URL `<did>#<fragment>`. Fails if `fragment` has characters a
    /// fragment may not hold.
    pub fn with_fragment(&self, fragment: &str) -> Result<DidUrl> {
        DidUrl::parse(&format!("{}#{fragment}", self.text))
    }

    /// This DID as a DID URL with no path, query or fragment.
    pub fn to_url(&self) -> DidUrl {
        let len = self.text.len();
        DidUrl {
            text: self.text.clone(),
            method_end: self.method_end,
            did_end: len,
            path_end: len,
            query_end: len,
        }
    }

    /// Consumes the DID and returns its string.
    pub fn into_string(self) -> String {
        self.text
    }
}

impl DidUrl {
    /// Parses an absolute DID URL. The error names the byte offset and what
    /// was expected.
    pub fn parse(s: &str) -> Result<DidUrl> {
        let (method_end, did_end) =
            parse_did_prefix(s).map_err(|(offset, expected)| Error::InvalidDidUrl { offset, expected })?;
        let bytes = s.as_bytes();
        let mut i = did_end;
        // path-abempty = *( "/" segment ), segment = *pchar
        while bytes.get(i) == Some(&b'/') {
            i += 1;
            i = scan(bytes, i, is_pchar)?;
        }
        let path_end = i;
        if bytes.get(i) == Some(&b'?') {
            i += 1;
            i = scan(bytes, i, |b| is_pchar(b) || b == b'/' || b == b'?')?;
        }
        let query_end = i;
        if bytes.get(i) == Some(&b'#') {
            i += 1;
            i = scan(bytes, i, |b| is_pchar(b) || b == b'/' || b == b'?')?;
        }
        if i != s.len() {
            return Err(Error::InvalidDidUrl {
                offset: i,
                expected: match bytes.get(i) {
                    Some(b'#') => "end of DID URL (only one '#' is allowed)",
                    _ => "a path, query or fragment character (RFC 3986 pchar or pct-encoded)",
                },
            });
        }
        Ok(DidUrl {
            text: s.to_owned(),
            method_end,
            did_end,
            path_end,
            query_end,
        })
    }

    /// Resolves `reference` against `base`: an absolute DID URL is parsed as
    /// is; a relative reference starting with `#`, `?` or `/` is appended to
    /// the base DID (RFC 3986 §5.2 for these cases).
    pub fn resolve(base: &Did, reference: &str) -> Result<DidUrl> {
        match reference.as_bytes().first() {
            Some(b'#' | b'?' | b'/') => DidUrl::parse(&format!("{}{reference}", base.as_str())).map_err(|e| match e {
                Error::InvalidDidUrl { offset, expected } => Error::InvalidDidUrl {
                    offset: offset.saturating_sub(base.as_str().len()),
                    expected,
                },
                other => other,
            }),
            _ => DidUrl::parse(reference),
        }
    }

    /// The DID URL as a string.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The DID part as a string slice.
    pub fn did_str(&self) -> &str {
        &self.text[..self.did_end]
    }

    /// The DID part.
    pub fn did(&self) -> Did {
        Did {
            text: self.text[..self.did_end].to_owned(),
            method_end: self.method_end,
        }
    }

    /// The method name.
    pub fn method(&self) -> &str {
        &self.text[PREFIX.len()..self.method_end]
    }

    /// The path (starting with `/`), if any.
    pub fn path(&self) -> Option<&str> {
        (self.path_end > self.did_end).then(|| &self.text[self.did_end..self.path_end])
    }

    /// The query without the leading `?`, if any.
    pub fn query(&self) -> Option<&str> {
        (self.query_end > self.path_end).then(|| &self.text[self.path_end + 1..self.query_end])
    }

    /// The fragment without the leading `#`, if any.
    pub fn fragment(&self) -> Option<&str> {
        (self.text.len() > self.query_end).then(|| &self.text[self.query_end + 1..])
    }

    /// Percent-decoded query parameters in order (`a=b&c` gives `("a","b")`,
    /// `("c","")`). Invalid UTF-8 after decoding is replaced, not rejected;
    /// `+` is kept as is (DID URLs use percent-encoding, not form encoding).
    pub fn query_params(&self) -> Vec<(String, String)> {
        let Some(query) = self.query() else { return Vec::new() };
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => (percent_decode(k), percent_decode(v)),
                None => (percent_decode(pair), String::new()),
            })
            .collect()
    }

    /// The value of query parameter `name`, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_params().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// True if the URL is only a DID (no path, query or fragment).
    pub fn is_bare_did(&self) -> bool {
        self.did_end == self.text.len()
    }
}

fn scan(bytes: &[u8], mut i: usize, allowed: impl Fn(u8) -> bool) -> Result<usize> {
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            pct_encoded(bytes, i).map_err(|offset| Error::InvalidDidUrl {
                offset,
                expected: "two hex digits after '%'",
            })?;
            i += 3;
        } else if allowed(b) {
            i += 1;
        } else {
            break;
        }
    }
    Ok(i)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && pct_encoded(bytes, i).is_ok() {
            let hi = (bytes[i + 1] as char).to_digit(16).unwrap_or(0);
            let lo = (bytes[i + 2] as char).to_digit(16).unwrap_or(0);
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

macro_rules! string_like {
    ($ty:ty, $what:literal) => {
        impl FromStr for $ty {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                <$ty>::parse(s)
            }
        }
        impl TryFrom<&str> for $ty {
            type Error = Error;
            fn try_from(s: &str) -> Result<Self> {
                <$ty>::parse(s)
            }
        }
        impl TryFrom<String> for $ty {
            type Error = Error;
            fn try_from(s: String) -> Result<Self> {
                <$ty>::parse(&s)
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.text)
            }
        }
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($what, "({:?})"), self.text)
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.text
            }
        }
        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.text == other
            }
        }
        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.text == *other
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.text)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                <$ty>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_like!(Did, "Did");
string_like!(DidUrl, "DidUrl");

impl From<Did> for DidUrl {
    fn from(did: Did) -> Self {
        did.to_url()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spec_examples() {
        let did = Did::parse("did:example:123456789abcdefghi").unwrap();
        assert_eq!(did.method(), "example");
        assert_eq!(did.method_specific_id(), "123456789abcdefghi");
        let did = Did::parse("did:web:example.com%3A8443:user:alice").unwrap();
        assert_eq!(did.method_specific_id(), "example.com%3A8443:user:alice");
        // empty segments before the last one are allowed
        assert!(Did::parse("did:example::a").is_ok());
    }

    #[test]
    fn rejects_with_offsets() {
        let cases: &[(&str, usize)] = &[
            ("", 0),
            ("DID:example:1", 0),
            ("did::1", 4),
            ("did:Example:1", 4),
            ("did:example", 11),
            ("did:example:", 12),
            ("did:example:a:", 14),
            ("did:example:a%2", 15),
            ("did:example:a%zz", 14),
            ("did:example:a b", 13),
            ("did:example:a#frag", 13),
        ];
        for (input, offset) in cases {
            match Did::parse(input) {
                Err(Error::InvalidDid { offset: got, .. }) => assert_eq!(got, *offset, "{input}"),
                other => panic!("{input}: {other:?}"),
            }
        }
    }

    #[test]
    fn did_url_components() {
        let url = DidUrl::parse("did:example:123/path/to?service=agent&relativeRef=%2Fa#key-1").unwrap();
        assert_eq!(url.did_str(), "did:example:123");
        assert_eq!(url.path(), Some("/path/to"));
        assert_eq!(url.query(), Some("service=agent&relativeRef=%2Fa"));
        assert_eq!(url.fragment(), Some("key-1"));
        assert_eq!(url.query_param("relativeRef").as_deref(), Some("/a"));
        assert_eq!(
            url.to_string(),
            "did:example:123/path/to?service=agent&relativeRef=%2Fa#key-1"
        );
        let bare = DidUrl::parse("did:example:123").unwrap();
        assert!(bare.is_bare_did());
        assert_eq!(bare.fragment(), None);
        let empty_frag = DidUrl::parse("did:example:123#").unwrap();
        assert_eq!(empty_frag.fragment(), Some(""));
    }

    #[test]
    fn did_url_rejects() {
        for (input, offset) in [
            ("did:example:1#a#b", 15),
            ("did:example:1/a b", 15),
            ("did:example:1?%g0", 15),
        ] {
            match DidUrl::parse(input) {
                Err(Error::InvalidDidUrl { offset: got, .. }) => assert_eq!(got, offset, "{input}"),
                other => panic!("{input}: {other:?}"),
            }
        }
    }

    #[test]
    fn relative_references() {
        let base = Did::parse("did:example:123").unwrap();
        assert_eq!(
            DidUrl::resolve(&base, "#key-1").unwrap().as_str(),
            "did:example:123#key-1"
        );
        assert_eq!(
            DidUrl::resolve(&base, "did:other:9#x").unwrap().as_str(),
            "did:other:9#x"
        );
        assert!(matches!(
            DidUrl::resolve(&base, "#a b"),
            Err(Error::InvalidDidUrl { offset: 2, .. })
        ));
        assert!(DidUrl::resolve(&base, "key-1").is_err());
    }

    mod props {
        use proptest::prelude::*;

        use super::*;

        const PCT: &str = "%[0-9A-Fa-f]{2}";

        /// `method-specific-id = *( *idchar ":" ) 1*idchar`
        fn method_specific_id() -> impl Strategy<Value = String> {
            let idchars = |min: usize| regex(&format!("([A-Za-z0-9._-]|{PCT}){{{min},8}}"));
            (proptest::collection::vec(idchars(0), 0..4), idchars(1)).prop_map(|(segments, last)| {
                let mut id = String::new();
                for segment in segments {
                    id.push_str(&segment);
                    id.push(':');
                }
                id.push_str(&last);
                id
            })
        }

        /// (did, method, method-specific-id)
        fn did() -> impl Strategy<Value = (String, String, String)> {
            ("[a-z0-9]{1,10}", method_specific_id())
                .prop_map(|(method, msid)| (format!("did:{method}:{msid}"), method, msid))
        }

        fn regex(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
            proptest::string::string_regex(pattern).unwrap()
        }

        /// Up to `max` RFC 3986 `pchar`s, plus the `extra` characters.
        fn pchars(extra: &str, max: usize) -> proptest::string::RegexGeneratorStrategy<String> {
            regex(&format!("([A-Za-z0-9._~!$&'()*+,;=:@{extra}-]|{PCT}){{0,{max}}}"))
        }

        /// (url, did, path, query, fragment)
        #[allow(clippy::type_complexity)]
        fn did_url() -> impl Strategy<Value = (String, String, String, Option<String>, Option<String>)> {
            (
                did(),
                proptest::collection::vec(pchars("", 6), 0..4),
                proptest::option::of(pchars("/?", 12)),
                proptest::option::of(pchars("/?", 12)),
            )
                .prop_map(|((did, _, _), segments, query, fragment)| {
                    let path: String = segments.iter().map(|s| format!("/{s}")).collect();
                    let mut url = format!("{did}{path}");
                    if let Some(q) = &query {
                        url.push('?');
                        url.push_str(q);
                    }
                    if let Some(f) = &fragment {
                        url.push('#');
                        url.push_str(f);
                    }
                    (url, did, path, query, fragment)
                })
        }

        fn check_offset(result: Result<impl fmt::Debug>, len: usize) -> Result<(), TestCaseError> {
            match result {
                Ok(_) => {}
                Err(Error::InvalidDid { offset, .. } | Error::InvalidDidUrl { offset, .. }) => {
                    prop_assert!(offset <= len, "offset {} > length {}", offset, len)
                }
                Err(other) => prop_assert!(false, "unexpected error {:?}", other),
            }
            Ok(())
        }

        proptest! {
            #[test]
            fn did_round_trips((text, method, msid) in did()) {
                let did = Did::parse(&text).unwrap();
                let shown = did.to_string();
                prop_assert_eq!(&shown, &text);
                prop_assert_eq!(Did::parse(&shown).unwrap(), did.clone());
                prop_assert_eq!(did.method(), method.as_str());
                prop_assert_eq!(did.method_specific_id(), msid.as_str());
                prop_assert_eq!(Did::from_parts(&method, &msid).unwrap(), did.clone());
                let as_url = DidUrl::parse(&text).unwrap();
                prop_assert!(as_url.is_bare_did());
                prop_assert_eq!(as_url, did.to_url());
                let json = serde_json::to_string(&did).unwrap();
                prop_assert_eq!(serde_json::from_str::<Did>(&json).unwrap(), did);
            }

            #[test]
            fn did_url_round_trips((text, did, path, query, fragment) in did_url()) {
                let url = DidUrl::parse(&text).unwrap();
                let shown = url.to_string();
                prop_assert_eq!(&shown, &text);
                prop_assert_eq!(DidUrl::parse(&shown).unwrap(), url.clone());
                prop_assert_eq!(url.did_str(), did.as_str());
                prop_assert_eq!(url.did(), Did::parse(&did).unwrap());
                prop_assert_eq!(url.path(), (!path.is_empty()).then_some(path.as_str()));
                prop_assert_eq!(url.query(), query.as_deref());
                prop_assert_eq!(url.fragment(), fragment.as_deref());
                prop_assert_eq!(url.is_bare_did(), text == did);
                let _ = url.query_params();
                // The same URL relative to its DID resolves to itself.
                let relative = &text[did.len()..];
                if !relative.is_empty() {
                    prop_assert_eq!(DidUrl::resolve(&url.did(), relative).unwrap(), url.clone());
                }
                // A DID URL that is more than a DID is not a DID.
                if text != did {
                    prop_assert!(Did::parse(&text).is_err());
                }
            }

            #[test]
            fn arbitrary_strings_never_panic(s in any::<String>()) {
                check_offset(Did::parse(&s), s.len())?;
                check_offset(DidUrl::parse(&s), s.len())?;
                let base = Did::parse("did:example:123").unwrap();
                check_offset(DidUrl::resolve(&base, &s), s.len())?;
            }

            #[test]
            fn near_misses_never_panic(s in "(did:)?[a-zA-Z0-9:%#?/@._~ -]{0,40}", suffix in any::<String>()) {
                for input in [s.clone(), format!("{s}{suffix}"), format!("did:example:{s}"), format!("did:example:x{s}")] {
                    check_offset(Did::parse(&input), input.len())?;
                    check_offset(DidUrl::parse(&input), input.len())?;
                    let base = Did::parse("did:example:123").unwrap();
                    check_offset(DidUrl::resolve(&base, &input), input.len())?;
                    if let Ok(did) = Did::parse(&input) {
                        prop_assert_eq!(did.as_str(), input.as_str());
                    }
                    if let Ok(url) = DidUrl::parse(&input) {
                        prop_assert_eq!(url.as_str(), input.as_str());
                    }
                }
            }
        }
    }
}
