//! Did::parse, DidUrl::parse and DidUrl::resolve on arbitrary text: no
//! panics, error offsets inside the input, and every accepted input displays
//! back exactly and parses again to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xinlian_did_core::{Did, DidUrl, Error};

fn check_url(url: &DidUrl) {
    let text = url.to_string();
    assert_eq!(DidUrl::parse(&text).as_ref(), Ok(url), "{text}");
    // The components put back together give the URL.
    let mut rebuilt = url.did_str().to_owned();
    rebuilt.push_str(url.path().unwrap_or(""));
    if let Some(q) = url.query() {
        rebuilt.push('?');
        rebuilt.push_str(q);
    }
    if let Some(f) = url.fragment() {
        rebuilt.push('#');
        rebuilt.push_str(f);
    }
    assert_eq!(rebuilt, text);
    let did = url.did();
    assert_eq!(Did::parse(did.as_str()).as_ref(), Ok(&did));
    assert_eq!(did.method(), url.method());
    assert_eq!(url.is_bare_did(), did.as_str() == text);
    let _ = url.query_params();
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };

    match Did::parse(input) {
        Ok(did) => {
            let shown = did.to_string();
            assert_eq!(shown, input);
            assert_eq!(Did::parse(&shown).as_ref(), Ok(&did));
            assert_eq!(format!("did:{}:{}", did.method(), did.method_specific_id()), input);
            // A DID is also a DID URL.
            assert_eq!(DidUrl::parse(input).map(|u| u.is_bare_did()), Ok(true));
            check_url(&did.to_url());
        }
        Err(Error::InvalidDid { offset, .. }) => assert!(offset <= input.len(), "{offset} > {}", input.len()),
        Err(other) => panic!("Did::parse returned {other:?}"),
    }

    match DidUrl::parse(input) {
        Ok(url) => {
            assert_eq!(url.as_str(), input);
            check_url(&url);
        }
        Err(Error::InvalidDidUrl { offset, .. }) => assert!(offset <= input.len(), "{offset} > {}", input.len()),
        Err(other) => panic!("DidUrl::parse returned {other:?}"),
    }

    // The input as a reference relative to a DID; a first line that is a
    // DID is used as the base.
    let (base, reference) = match input.split_once('\n') {
        Some((first, rest)) => match Did::parse(first) {
            Ok(did) => (did, rest),
            Err(_) => return,
        },
        None => match Did::parse("did:example:123") {
            Ok(did) => (did, input),
            Err(e) => panic!("{e}"),
        },
    };
    match DidUrl::resolve(&base, reference) {
        Ok(url) => {
            check_url(&url);
            if reference.starts_with(['#', '?', '/']) {
                assert_eq!(url.as_str(), format!("{base}{reference}"));
            } else {
                assert_eq!(url.as_str(), reference);
            }
        }
        Err(Error::InvalidDidUrl { offset, .. }) => {
            assert!(offset <= reference.len(), "{offset} > {}", reference.len())
        }
        Err(other) => panic!("DidUrl::resolve returned {other:?}"),
    }
});
