//! BitstringStatusList::decode: no panics, only Error::StatusList, no
//! memory blow-up (a GZIP bomb must hit the size limit), and every accepted
//! list has a legal length, answers get() and get_status() inside and
//! outside its bounds without panicking, and re-encodes to itself.
//!
//! Input starting with the GZIP magic bytes (1f 8b) is taken as the
//! compressed list itself and encoded as multibase base64url first, so the
//! fuzzer works on GZIP streams directly; anything else is the encodedList
//! text.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use xinlian_vc::Error;
use xinlian_vc::status::{BitstringStatusList, MAX_STATUS_LIST_BYTES, MIN_STATUS_LIST_BITS};

fuzz_target!(|data: &[u8]| {
    let text = if data.starts_with(&[0x1f, 0x8b]) {
        format!("u{}", URL_SAFE_NO_PAD.encode(data))
    } else {
        match std::str::from_utf8(data) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        }
    };

    match BitstringStatusList::decode(&text) {
        Ok(list) => {
            let len = list.len();
            assert!(len >= MIN_STATUS_LIST_BITS, "{len}");
            assert!(len <= MAX_STATUS_LIST_BYTES as u64 * 8, "{len}");
            assert_eq!(len % 8, 0);
            assert_eq!(list.as_bytes().len() as u64 * 8, len);
            assert!(!list.is_empty());
            assert!(list.count_set() <= len);
            for index in [0, 1, 7, 8, 94_567, len / 2, len - 1] {
                let bit = list.get(index);
                let byte = list.as_bytes()[(index / 8) as usize];
                assert_eq!(bit.ok(), Some(byte & (0x80 >> (index % 8)) != 0));
            }
            for index in [len, len + 1, u64::MAX / 2, u64::MAX] {
                assert!(list.get(index).is_err());
            }
            for size in [0, 1, 2, 8, 63, 64, 65, u32::MAX] {
                for index in [0, 1, 94_567, len / u64::from(size.max(1)), u64::MAX / 8, u64::MAX] {
                    let status = list.get_status(index, size);
                    if size == 0 || size > 64 {
                        assert!(status.is_err());
                    }
                }
            }
            let mut copy = list.clone();
            assert!(copy.set(len - 1, true).is_ok());
            assert!(copy.set(len, true).is_err());
            assert!(copy.set_status(0, 2, 3).is_ok());
            assert!(copy.set_status(0, 2, 4).is_err());
            let _ = format!("{list:?}");
            let encoded = list.encode();
            assert!(encoded.starts_with('u'));
            assert_eq!(BitstringStatusList::decode(&encoded).as_ref().ok(), Some(&list));
        }
        Err(Error::StatusList { .. }) => {}
        Err(other) => panic!("decode returned {other:?}"),
    }
});
