//! Jwt::parse (no understood `crit` extensions) and detect_format on
//! arbitrary text: no panics, only Error::Jwt, and every accepted JWT keeps
//! its parts exactly, has a supported alg and a signature of the right
//! length, is detected as a JWT, and its claims read without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xinlian_vc::Error;
use xinlian_vc::jose::{Jwt, SUPPORTED_ALGS, key_type_for_alg};
use xinlian_vc::verify::{SecuredFormat, detect_format};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let format = detect_format(input);
    if let Err(e) = &format {
        assert!(matches!(e, Error::Structure { .. }), "detect_format returned {e:?}");
    }

    match Jwt::parse(input, &[]) {
        Ok(jwt) => {
            assert_eq!(jwt.as_str(), input);
            assert_eq!(format.ok(), Some(SecuredFormat::Jwt), "{input}");
            let last_dot = input.rfind('.').unwrap_or_default();
            assert_eq!(jwt.signing_input(), &input.as_bytes()[..last_dot]);
            let header = jwt.header();
            assert!(SUPPORTED_ALGS.iter().any(|(alg, _)| *alg == header.alg()));
            assert_eq!(key_type_for_alg(header.alg()).ok(), Some(header.key_type()));
            // The header passes its own checks again.
            assert_eq!(
                xinlian_vc::jose::Header::from_map(header.params().clone(), &[])
                    .as_ref()
                    .ok(),
                Some(header)
            );
            let _ = (header.kid(), header.typ(), header.cty(), header.expect_typ("vc+jwt"));
            for name in jwt.claims().keys() {
                let _ = (jwt.string_claim(name), jwt.numeric_date(name));
            }
            for name in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"] {
                let _ = (jwt.string_claim(name), jwt.numeric_date(name));
            }
            let again = Jwt::parse(jwt.as_str(), &[]);
            assert_eq!(again.as_ref().ok(), Some(&jwt));
        }
        Err(Error::Jwt { .. }) => {}
        Err(other) => panic!("Jwt::parse returned {other:?}"),
    }
});
