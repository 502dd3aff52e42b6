use super::*;

const SIGNING: [KeyType; 4] = [KeyType::Ed25519, KeyType::P256, KeyType::P384, KeyType::Secp256k1];

#[test]
fn sign_verify_every_type() {
    for t in SIGNING {
        let sk = SecretKey::generate(t).unwrap();
        let pk = sk.public_key();
        let sig = sk.sign(b"diploma");
        assert_eq!(sig.len(), t.signature_len(), "{t}");
        pk.verify(b"diploma", &sig).unwrap();
        assert_eq!(pk.verify(b"diplomb", &sig), Err(Error::InvalidSignature), "{t}");
        let mut bad = sig.clone();
        bad[5] ^= 1;
        assert_eq!(pk.verify(b"diploma", &bad), Err(Error::InvalidSignature), "{t}");
        assert_eq!(pk.verify(b"diploma", &sig[1..]), Err(Error::InvalidSignature), "{t}");
        // ECDSA is deterministic (RFC 6979), as is Ed25519.
        assert_eq!(sk.sign(b"diploma"), sig, "{t}");
    }
}

#[test]
fn encodings_round_trip() {
    for t in SIGNING {
        let sk = SecretKey::generate(t).unwrap();
        let pk = sk.public_key();
        assert_eq!(PublicKey::from_bytes(t, &pk.to_bytes()).unwrap(), pk);
        assert_eq!(PublicKey::from_multikey(&pk.to_multikey()).unwrap(), pk);
        assert_eq!(PublicKey::from_jwk(&pk.to_jwk()).unwrap(), pk);
        if let Some(u) = pk.to_uncompressed_bytes() {
            assert_eq!(PublicKey::from_bytes(t, &u).unwrap(), pk);
        }
        let sk2 = SecretKey::from_multikey(&sk.to_multikey()).unwrap();
        assert_eq!(sk2.public_key(), pk);
        let sk3 = SecretKey::from_jwk(&sk.to_jwk()).unwrap();
        assert_eq!(sk3.to_bytes(), sk.to_bytes());
        assert_eq!(SecretKey::from_bytes(t, &sk.to_bytes()).unwrap().public_key(), pk);
    }
}

#[test]
fn multikey_prefixes_match_the_spec() {
    let prefixes = [
        (KeyType::Ed25519, "z6Mk"),
        (KeyType::P256, "zDn"),
        (KeyType::P384, "z82"),
        (KeyType::Secp256k1, "zQ3s"),
    ];
    for (t, prefix) in prefixes {
        let pk = SecretKey::generate(t).unwrap().public_key();
        assert!(pk.to_multikey().starts_with(prefix), "{t}: {}", pk.to_multikey());
    }
    let ed = SecretKey::generate(KeyType::Ed25519).unwrap();
    assert!(ed.to_multikey().starts_with("z3u2"));
    assert!(ed.public_key().to_x25519().unwrap().to_multikey().starts_with("z6LS"));
}

#[test]
fn secrets_never_print() {
    for t in SIGNING {
        let sk = SecretKey::generate(t).unwrap();
        let debug = format!("{sk:?}");
        let secret = sk.to_multikey();
        assert!(!debug.contains(secret.as_str()), "{debug}");
        assert!(debug.contains("redacted"));
        let jwk = sk.to_jwk();
        let jwk_debug = format!("{jwk:?}");
        let d = serde_json::to_value(&jwk).unwrap()["d"].as_str().unwrap().to_owned();
        assert!(!jwk_debug.contains(&d), "{jwk_debug}");
    }
}

#[test]
fn high_s_ecdsa_is_accepted() {
    use p256::elliptic_curve::ops::Neg;
    for t in [KeyType::P256, KeyType::Secp256k1] {
        let sk = SecretKey::generate(t).unwrap();
        let sig = sk.sign(b"m");
        let flipped = match t {
            KeyType::P256 => {
                let s = p256::ecdsa::Signature::from_slice(&sig).unwrap();
                let (r, s) = s.split_scalars();
                p256::ecdsa::Signature::from_scalars(r, s.neg())
                    .unwrap()
                    .to_bytes()
                    .to_vec()
            }
            _ => {
                let s = k256::ecdsa::Signature::from_slice(&sig).unwrap();
                let (r, s) = s.split_scalars();
                k256::ecdsa::Signature::from_scalars(r, s.neg())
                    .unwrap()
                    .to_bytes()
                    .to_vec()
            }
        };
        assert_ne!(flipped, sig);
        sk.public_key().verify(b"m", &flipped).unwrap();
    }
}

#[test]
fn malformed_keys_are_errors() {
    assert!(PublicKey::from_bytes(KeyType::Ed25519, &[0u8; 31]).is_err());
    assert!(PublicKey::from_bytes(KeyType::P256, &[9u8; 33]).is_err());
    assert!(PublicKey::from_multikey("z").is_err());
    assert!(PublicKey::from_multikey("uAAAA").is_err());
    assert!(PublicKey::from_multikey("z0OIl").is_err());
    assert!(matches!(
        PublicKey::from_multicodec(&[0xeb, 0x01, 1, 2, 3]),
        Err(Error::UnsupportedKeyType { .. })
    ));
    assert!(SecretKey::from_bytes(KeyType::P256, &[0u8; 32]).is_err());
    assert!(SecretKey::generate(KeyType::X25519).is_err());
    let jwk = Jwk::from_json(r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#).unwrap();
    assert!(PublicKey::from_jwk(&jwk).is_err());
    let jwk = Jwk::from_json(r#"{"kty":"OKP","crv":"P-256","x":"AA"}"#).unwrap();
    assert!(PublicKey::from_jwk(&jwk).is_err());
    let jwk = Jwk::from_json(r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#).unwrap();
    assert!(matches!(
        PublicKey::from_jwk(&jwk),
        Err(Error::UnsupportedKeyType { .. })
    ));
}

#[test]
fn private_jwk_must_match_public_members() {
    let a = SecretKey::generate(KeyType::P256).unwrap();
    let b = SecretKey::generate(KeyType::P256).unwrap();
    let mut jwk = b.public_key().to_jwk();
    let a_jwk = a.to_jwk();
    jwk.set_private(a_jwk.d.clone().unwrap());
    assert!(SecretKey::from_jwk(&jwk).is_err());
}

#[test]
fn jwk_keeps_member_order_but_equality_ignores_it() {
    let x = "3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08";
    let text = format!(r#"{{"kty":"OKP","crv":"X25519","use":"enc","x":"{x}"}}"#);
    let jwk = Jwk::from_json(&text).unwrap();
    assert_eq!(serde_json::to_string(&jwk).unwrap(), text);
    assert_eq!(jwk.extra["use"], "enc");
    let reordered = Jwk::from_json(&format!(r#"{{"x":"{x}","use":"enc","crv":"X25519","kty":"OKP"}}"#)).unwrap();
    assert_eq!(reordered, jwk);
    assert_ne!(serde_json::to_string(&reordered).unwrap(), text);
    // Members added in code go after the ones read; removed ones vanish.
    let mut edited = jwk.clone();
    edited.extra.insert("kid".into(), "k1".into());
    edited.extra.remove("use");
    assert_eq!(
        serde_json::to_string(&edited).unwrap(),
        format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}","kid":"k1"}}"#)
    );
    // A JWK built in code writes kty, crv, x, y.
    let pk = SecretKey::from_bytes(KeyType::P256, &[4; 32]).unwrap().public_key();
    let built = serde_json::to_value(pk.to_jwk()).unwrap();
    let keys: Vec<&str> = built.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["kty", "crv", "x", "y"]);
    // Private members are written for a private JWK, in its order.
    let sk = SecretKey::from_bytes(KeyType::Ed25519, &[4; 32]).unwrap();
    let private = serde_json::to_value(sk.to_jwk()).unwrap();
    let keys: Vec<&str> = private.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["kty", "crv", "x", "d"]);
    assert!(!sk.to_jwk().to_public().is_private());
}

#[test]
fn jwk_members_must_be_strings() {
    for bad in [
        r#"{"crv":"P-256"}"#,
        r#"{"kty":1}"#,
        r#"{"kty":"EC","crv":null}"#,
        r#"{"kty":"EC","x":["a"]}"#,
        r#"{"kty":"OKP","d":7}"#,
        r#"[]"#,
        r#""kty""#,
    ] {
        assert!(matches!(Jwk::from_json(bad), Err(Error::InvalidKey { .. })), "{bad}");
    }
}

#[test]
fn unsupported_and_invalid_keys_are_told_apart() {
    // Registered key types Xinlian does not support.
    let rsa = Jwk::from_json(r#"{"kty":"RSA","n":"sbX8","e":"AQAB"}"#).unwrap();
    assert!(matches!(
        PublicKey::from_jwk(&rsa),
        Err(Error::UnsupportedKeyType { .. })
    ));
    for codec in [0xea_u64, 0xeb, 0xee, 0x1202, 0x1205] {
        let bytes = Codec(codec).prefix(&[1; 48]);
        match PublicKey::from_multicodec(&bytes) {
            Err(Error::UnsupportedKeyType { key_type }) => assert!(key_type.contains("0x"), "{key_type}"),
            other => panic!("{codec:x}: {other:?}"),
        }
    }
    let x25519_secret = multibase::encode(multibase::Base::Base58Btc, Codec(0x1302).prefix(&[1; 32]));
    assert!(matches!(
        SecretKey::from_multikey(&x25519_secret),
        Err(Error::UnsupportedKeyType { .. })
    ));
    // Bytes that are not a key codec at all, or the wrong kind of key.
    for bytes in [Codec(0x02).prefix(&[1; 32]), Codec::ED25519_PRIV.prefix(&[1; 32])] {
        assert!(matches!(
            PublicKey::from_multicodec(&bytes),
            Err(Error::InvalidKey { .. })
        ));
    }
    let public_as_secret = multibase::encode(multibase::Base::Base58Btc, Codec::ED25519_PUB.prefix(&[1; 32]));
    assert!(matches!(
        SecretKey::from_multikey(&public_as_secret),
        Err(Error::InvalidKey { .. })
    ));
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
            let _ = PublicKey::from_multicodec(&bytes);
            for t in KeyType::ALL {
                let _ = PublicKey::from_bytes(t, &bytes);
                let _ = SecretKey::from_bytes(t, &bytes);
            }
            let s = multibase::encode(multibase::Base::Base58Btc, &bytes);
            let _ = PublicKey::from_multikey(&s);
            let _ = SecretKey::from_multikey(&s);
        }

        #[test]
        fn decoding_arbitrary_jwk_never_panics(kty in "OKP|EC|RSA|", crv in "Ed25519|X25519|P-256|P-384|secp256k1|x", x in "[A-Za-z0-9_-]{0,90}", y in "[A-Za-z0-9_-]{0,90}") {
            let json = serde_json::json!({"kty": kty, "crv": crv, "x": x, "y": y, "d": x});
            if let Ok(jwk) = serde_json::from_value::<Jwk>(json) {
                let _ = PublicKey::from_jwk(&jwk);
                let _ = SecretKey::from_jwk(&jwk);
            }
        }

        #[test]
        fn ed25519_seed_round_trip(seed in proptest::array::uniform32(any::<u8>())) {
            let sk = SecretKey::from_bytes(KeyType::Ed25519, &seed).unwrap();
            let bytes = sk.to_bytes();
            prop_assert_eq!(bytes.as_slice(), &seed[..]);
            let pk = sk.public_key();
            prop_assert_eq!(PublicKey::from_multikey(&pk.to_multikey()).unwrap(), pk);
        }
    }
}
