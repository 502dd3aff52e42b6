//! Where a did:web DID document lives: the DID-to-URL transformation of the
//! did:web method specification.

use reqwest::Url;
use xinlian_did_core::Did;

use super::error::WebError;

/// Byte length of `did:web:`.
const PREFIX_LEN: usize = "did:web:".len();

/// The HTTPS URL of the DID document for a did:web DID, per the did:web
/// specification ("Read (Resolve)"):
///
/// - `did:web:example.com` → `https://example.com/.well-known/did.json`
/// - `did:web:example.com%3A8443` → `https://example.com:8443/.well-known/did.json`
/// - `did:web:example.com:user:alice` → `https://example.com/user/alice/did.json`
///
/// The first colon-separated segment is the host; the only percent-encoding
/// allowed in it is `%3A` before a port. The host must be a DNS name (letters,
/// digits, hyphens, dots) or an IPv4 address. Further segments are path
/// segments: they may be percent-encoded (and stay encoded in the URL), but
/// may not be empty, decode to `.` or `..`, or contain an encoded `/` or `\`.
///
/// ```
/// use xinlian_did_core::Did;
/// use xinlian_resolver::web::document_url;
///
/// let did = Did::parse("did:web:example.com%3A8443:user:alice")?;
/// assert_eq!(document_url(&did)?.as_str(), "https://example.com:8443/user/alice/did.json");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn document_url(did: &Did) -> Result<Url, WebError> {
    if did.method() != "web" {
        return Err(WebError::NotWeb {
            method: did.method().to_owned(),
        });
    }
    let invalid = |offset: usize, expected: &'static str| WebError::InvalidIdentifier {
        did: did.as_str().to_owned(),
        offset: PREFIX_LEN + offset,
        expected,
    };
    let msid = did.method_specific_id();
    let mut segments = msid.split(':');
    let authority = segments.next().unwrap_or_default();
    let (host, port) = split_port(authority).map_err(|(at, expected)| invalid(at, expected))?;
    check_host(host).map_err(|(at, expected)| invalid(at, expected))?;

    let mut url = format!("https://{host}");
    if let Some(port) = port {
        url.push(':');
        url.push_str(port);
    }
    let mut offset = authority.len() + 1;
    let mut has_path = false;
    for segment in segments {
        check_path_segment(segment).map_err(|(at, expected)| invalid(offset + at, expected))?;
        url.push('/');
        url.push_str(segment);
        offset += segment.len() + 1;
        has_path = true;
    }
    if !has_path {
        url.push_str("/.well-known");
    }
    url.push_str("/did.json");
    let parsed = Url::parse(&url).map_err(|_| invalid(0, "a host and path that form a valid HTTPS URL"))?;
    if parsed.host().is_none() || parsed.cannot_be_a_base() {
        return Err(invalid(0, "a host"));
    }
    Ok(parsed)
}

/// Splits `host%3Aport`; checks the port.
fn split_port(authority: &str) -> Result<(&str, Option<&str>), (usize, &'static str)> {
    let lower = authority.to_ascii_lowercase();
    let Some(at) = lower.find("%3a") else {
        return Ok((authority, None));
    };
    let host = &authority[..at];
    let port = &authority[at + 3..];
    let port_ok = !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
    if !port_ok {
        return Err((at + 3, "a port number from 1 to 65535 after %3A"));
    }
    Ok((host, Some(port)))
}

/// A DNS name (LDH labels) or dotted IPv4 address.
fn check_host(host: &str) -> Result<(), (usize, &'static str)> {
    if host.is_empty() {
        return Err((0, "a host name"));
    }
    if host.len() > 253 {
        return Err((253, "a host name of at most 253 characters"));
    }
    let mut start = 0;
    for label in host.split('.') {
        if label.is_empty() {
            return Err((start, "a non-empty host name label"));
        }
        if label.len() > 63 {
            return Err((start + 63, "a host name label of at most 63 characters"));
        }
        if let Some(i) = label.bytes().position(|b| !(b.is_ascii_alphanumeric() || b == b'-')) {
            return Err((
                start + i,
                "a host name character (letter, digit, '-' or '.'; only %3A before a port may be percent-encoded)",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err((start, "a host name label that does not start or end with '-'"));
        }
        start += label.len() + 1;
    }
    Ok(())
}

/// A path segment: non-empty, not a dot segment, no encoded separators.
fn check_path_segment(segment: &str) -> Result<(), (usize, &'static str)> {
    if segment.is_empty() {
        return Err((0, "a non-empty path segment"));
    }
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            // Did::parse has checked that two hex digits follow.
            let byte = segment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or((i, "two hex digits after '%'"))?;
            if byte == b'/' || byte == b'\\' {
                return Err((i, "a path segment without an encoded '/' or '\\'"));
            }
            decoded.push(byte);
            i += 3;
        } else {
            decoded.push(b);
            i += 1;
        }
    }
    if decoded == b"." || decoded == b".." {
        return Err((0, "a path segment other than '.' or '..'"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(did: &str) -> Result<String, WebError> {
        document_url(&Did::parse(did).unwrap()).map(|u| u.to_string())
    }

    fn invalid_at(did: &str) -> usize {
        match url(did) {
            Err(WebError::InvalidIdentifier { offset, .. }) => offset,
            other => panic!("{did}: expected InvalidIdentifier, got {other:?}"),
        }
    }

    #[test]
    fn spec_examples() {
        assert_eq!(
            url("did:web:w3c-ccg.github.io").unwrap(),
            "https://w3c-ccg.github.io/.well-known/did.json"
        );
        assert_eq!(
            url("did:web:w3c-ccg.github.io:user:alice").unwrap(),
            "https://w3c-ccg.github.io/user/alice/did.json"
        );
        assert_eq!(
            url("did:web:example.com%3A3000:user:alice").unwrap(),
            "https://example.com:3000/user/alice/did.json"
        );
        assert_eq!(
            url("did:web:example.com%3a8443").unwrap(),
            "https://example.com:8443/.well-known/did.json"
        );
    }

    #[test]
    fn host_is_normalized_by_the_url_parser() {
        assert_eq!(
            url("did:web:Example.COM").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        // The default port is dropped, as the URL standard does.
        assert_eq!(
            url("did:web:example.com%3A443").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        // IPv4 literals (including shorthand forms) become IP hosts, which the SSRF guard then sees.
        assert_eq!(
            url("did:web:127.1%3A8080").unwrap(),
            "https://127.0.0.1:8080/.well-known/did.json"
        );
    }

    #[test]
    fn path_segments_stay_percent_encoded() {
        assert_eq!(
            url("did:web:example.com:user%20name:a.b").unwrap(),
            "https://example.com/user%20name/a.b/did.json"
        );
    }

    #[test]
    fn bad_hosts_are_invalid_dids_with_offsets() {
        assert_eq!(invalid_at("did:web:exa_mple.com"), 11);
        assert_eq!(invalid_at("did:web:example..com"), 16);
        assert_eq!(invalid_at("did:web:-example.com"), 8);
        assert_eq!(invalid_at("did:web:example.com%2Fevil"), 19);
        assert_eq!(invalid_at("did:web:%3A8080"), 8);
        assert_eq!(invalid_at("did:web:example.com%3A"), 22);
        assert_eq!(invalid_at("did:web:example.com%3A99999"), 22);
        assert_eq!(invalid_at("did:web:example.com%3A80x"), 22);
        assert_eq!(invalid_at("did:web:user%40example.com"), 12);
    }

    #[test]
    fn bad_path_segments_are_invalid_dids_with_offsets() {
        assert_eq!(invalid_at("did:web:example.com::alice"), 20);
        assert_eq!(invalid_at("did:web:example.com:..:admin"), 20);
        assert_eq!(invalid_at("did:web:example.com:%2E%2E:admin"), 20);
        assert_eq!(invalid_at("did:web:example.com:a%2Fb"), 21);
        assert_eq!(invalid_at("did:web:example.com:a%5cb"), 21);
    }

    proptest::proptest! {
        /// Any DID the grammar accepts either maps to an HTTPS URL ending in
        /// `/did.json` whose path has no dot segments, or is refused with an
        /// offset inside the DID; nothing panics.
        #[test]
        fn any_did_web_maps_to_a_contained_url_or_a_located_error(
            msid in "[a-zA-Z0-9._-]{1,12}(%3[aA][0-9]{1,6})?(:([a-zA-Z0-9._-]|%[0-9a-fA-F]{2}){0,6}){0,4}"
        ) {
            let text = format!("did:web:{msid}");
            let Ok(did) = Did::parse(&text) else { return Ok(()) };
            match document_url(&did) {
                Ok(url) => {
                    proptest::prop_assert_eq!(url.scheme(), "https");
                    proptest::prop_assert!(url.path().ends_with("/did.json"));
                    proptest::prop_assert!(url.host_str().is_some_and(|h| !h.is_empty()));
                    let segments: Vec<&str> = url.path().split('/').collect();
                    proptest::prop_assert!(!segments.contains(&"..") && !segments.contains(&"."), "{}", url);
                    proptest::prop_assert!(url.query().is_none() && url.fragment().is_none());
                    if !msid.contains(':') {
                        proptest::prop_assert_eq!(url.path(), "/.well-known/did.json");
                    }
                }
                Err(WebError::InvalidIdentifier { offset, .. }) => {
                    proptest::prop_assert!(offset <= text.len(), "offset {} in {}", offset, text);
                }
                Err(other) => proptest::prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }

    #[test]
    fn other_methods_are_not_web() {
        assert!(matches!(url("did:key:z6Mk"), Err(WebError::NotWeb { method }) if method == "key"));
    }
}
