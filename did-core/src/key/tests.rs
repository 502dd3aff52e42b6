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
