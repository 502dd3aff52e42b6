//! SdJwt::parse and Disclosure::parse on arbitrary text: no panics, only
//! Error::SdJwt, and every accepted value displays back exactly, parses
//! again to itself, and its disclosures carry the right digests.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xinlian_vc::Error;
use xinlian_vc::jose::Jwt;
use xinlian_vc::sd_jwt::{Disclosure, SdJwt, sha256_b64};
use xinlian_vc::verify::{SecuredFormat, detect_format};

fn check_disclosure(d: &Disclosure) {
    assert_eq!(d.digest(), sha256_b64(d.as_str().as_bytes()));
    assert!(!matches!(d.name(), Some("_sd" | "...")));
    let _ = (d.salt(), d.value());
    assert_eq!(Disclosure::parse(d.as_str()).as_ref().ok(), Some(d));
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };

    match SdJwt::parse(input) {
        Ok(sd) => {
            assert_eq!(sd.to_string(), input);
            assert!(!sd.issuer_jwt().is_empty());
            let again = SdJwt::parse(&sd.to_string());
            assert_eq!(again.as_ref().ok(), Some(&sd));
            let without = sd.without_key_binding();
            assert!(without.ends_with('~'));
            assert!(input.starts_with(&without));
            assert_eq!(sd.sd_hash(), sha256_b64(without.as_bytes()));
            for d in sd.disclosures() {
                check_disclosure(d);
            }
            assert!(!sd.key_binding_jwt().is_some_and(|kb| kb.contains('~')));
            // A well-formed issuer JWT makes the whole input an SD-JWT.
            if Jwt::parse(sd.issuer_jwt(), &[]).is_ok() {
                assert_eq!(detect_format(input).ok(), Some(SecuredFormat::SdJwt), "{input}");
            }
            if let Some(kb) = sd.key_binding_jwt() {
                let _ = Jwt::parse(kb, &[]);
            }
        }
        Err(Error::SdJwt { .. }) => {}
        Err(other) => panic!("SdJwt::parse returned {other:?}"),
    }

    match Disclosure::parse(input) {
        Ok(d) => {
            assert_eq!(d.as_str(), input);
            check_disclosure(&d);
        }
        Err(Error::SdJwt { .. }) => {}
        Err(other) => panic!("Disclosure::parse returned {other:?}"),
    }
});
