//! The bitstring itself: a GZIP-compressed, multibase base64url string of
//! at least 131,072 bits, bit 0 the most significant bit of the first byte.

use std::fmt;
use std::io::{Read, Write};

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::{Error, Result};

/// The smallest list the spec allows (16 KiB), so that one credential hides
/// among many.
pub const MIN_STATUS_LIST_BITS: u64 = 131_072;

/// The largest decompressed list accepted (16 MiB, 134 million entries), so
/// a hostile list cannot exhaust memory.
pub const MAX_STATUS_LIST_BYTES: usize = 16 * 1024 * 1024;

const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A Bitstring Status List: one bit (or `statusSize` bits) per credential.
///
/// Decode once with [`decode`](Self::decode), then [`get`](Self::get) is a
/// constant-time lookup.
///
/// ```
/// use xinlian_vc::status::BitstringStatusList;
///
/// let mut list = BitstringStatusList::new(131_072)?;
/// list.set(94_567, true)?;
/// let encoded = list.encode();
/// assert!(encoded.starts_with('u'));
/// let decoded = BitstringStatusList::decode(&encoded)?;
/// assert!(decoded.get(94_567)?);
/// assert!(!decoded.get(94_566)?);
/// # Ok::<(), xinlian_vc::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BitstringStatusList {
    bytes: Vec<u8>,
}

impl BitstringStatusList {
    /// An all-zero list of `len_bits` entries.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`] when `len_bits` is below
    /// [`MIN_STATUS_LIST_BITS`], not a multiple of 8, or above
    /// [`MAX_STATUS_LIST_BYTES`] × 8.
    pub fn new(len_bits: u64) -> Result<Self> {
        if len_bits < MIN_STATUS_LIST_BITS {
            return Err(status_error(format!(
                "a status list needs at least {MIN_STATUS_LIST_BITS} entries, not {len_bits}"
            )));
        }
        if !len_bits.is_multiple_of(8) {
            return Err(status_error(format!(
                "a status list length must be a multiple of 8, not {len_bits}"
            )));
        }
        let len_bytes = usize::try_from(len_bits / 8)
            .ok()
            .filter(|n| *n <= MAX_STATUS_LIST_BYTES)
            .ok_or_else(|| status_error(format!("a status list of {len_bits} entries is too large")))?;
        Ok(BitstringStatusList {
            bytes: vec![0; len_bytes],
        })
    }

    /// The number of bits in the list.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8
    }

    /// Always `false`: a list has at least [`MIN_STATUS_LIST_BITS`] bits.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bit at `index`.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`] when `index` is past the end.
    pub fn get(&self, index: u64) -> Result<bool> {
        let (byte, mask) = self.locate(index)?;
        Ok(self.bytes.get(byte).is_some_and(|b| b & mask != 0))
    }

    /// Sets (`true`) or clears (`false`) the bit at `index`.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`] when `index` is past the end.
    pub fn set(&mut self, index: u64, value: bool) -> Result<()> {
        let (byte, mask) = self.locate(index)?;
        if let Some(b) = self.bytes.get_mut(byte) {
            if value {
                *b |= mask;
            } else {
                *b &= !mask;
            }
        }
        Ok(())
    }

    /// The `size`-bit status of entry `index` (bits `index*size ..
    /// index*size+size`, most significant first), for lists with a
    /// `statusSize` above 1.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`] when `size` is 0 or above 64, or the entry is
    /// past the end.
    pub fn get_status(&self, index: u64, size: u32) -> Result<u64> {
        let first = self.first_bit(index, size)?;
        let mut value = 0u64;
        for bit in first..first + u64::from(size) {
            value = (value << 1) | u64::from(self.get(bit)?);
        }
        Ok(value)
    }

    /// Writes the `size`-bit `status` of entry `index`.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`] when `size` is 0 or above 64, `status` does not
    /// fit in `size` bits, or the entry is past the end.
    pub fn set_status(&mut self, index: u64, size: u32, status: u64) -> Result<()> {
        let first = self.first_bit(index, size)?;
        if size < 64 && status >> size != 0 {
            return Err(status_error(format!("status {status} does not fit in {size} bits")));
        }
        for (i, bit) in (first..first + u64::from(size)).enumerate() {
            let shift = u64::from(size) - 1 - i as u64;
            self.set(bit, (status >> shift) & 1 == 1)?;
        }
        Ok(())
    }

    /// How many bits are set.
    pub fn count_set(&self) -> u64 {
        self.bytes.iter().map(|b| u64::from(b.count_ones())).sum()
    }

    /// The `encodedList` value: multibase base64url (`u`, no padding) of the
    /// GZIP-compressed bits.
    pub fn encode(&self) -> String {
        let mut encoder = GzEncoder::new(Vec::with_capacity(self.bytes.len() / 64 + 32), Compression::default());
        // Writing into a Vec cannot fail.
        let compressed = encoder
            .write_all(&self.bytes)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        let mut out = String::with_capacity(compressed.len() * 4 / 3 + 2);
        out.push('u');
        BASE64URL.encode_string(&compressed, &mut out);
        out
    }

    /// Decodes an `encodedList` value.
    ///
    /// Accepts the spec's multibase form (`u` + base64url) and, for lists
    /// written before multibase was required, bare base64url of a GZIP
    /// stream (recognised by its `H4sI` start, the GZIP magic bytes).
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`] when the text is not base64url, not GZIP,
    /// shorter than [`MIN_STATUS_LIST_BITS`] or larger than
    /// [`MAX_STATUS_LIST_BYTES`].
    pub fn decode(encoded: &str) -> Result<Self> {
        let body = if let Some(rest) = encoded.strip_prefix('u') {
            rest
        } else if encoded.starts_with("H4sI") {
            encoded
        } else {
            return Err(status_error("encodedList must be multibase base64url (start with 'u')"));
        };
        let compressed = BASE64URL
            .decode(body)
            .map_err(|e| status_error(format!("encodedList is not base64url: {e}")))?;
        let mut bytes = Vec::with_capacity(16 * 1024);
        GzDecoder::new(compressed.as_slice())
            .take(MAX_STATUS_LIST_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| status_error(format!("encodedList is not GZIP: {e}")))?;
        if bytes.len() > MAX_STATUS_LIST_BYTES {
            return Err(status_error(format!(
                "encodedList expands beyond {MAX_STATUS_LIST_BYTES} bytes"
            )));
        }
        let list = BitstringStatusList { bytes };
        if list.len() < MIN_STATUS_LIST_BITS {
            return Err(status_error(format!(
                "encodedList holds {} entries; the minimum is {MIN_STATUS_LIST_BITS}",
                list.len()
            )));
        }
        Ok(list)
    }

    /// The raw bytes, bit 0 the most significant bit of byte 0.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn locate(&self, index: u64) -> Result<(usize, u8)> {
        if index >= self.len() {
            return Err(status_error(format!(
                "index {index} is past the end of a list of {} entries",
                self.len()
            )));
        }
        let byte = usize::try_from(index / 8).map_err(|_| status_error("index does not fit in memory"))?;
        Ok((byte, 0x80 >> (index % 8)))
    }

    fn first_bit(&self, index: u64, size: u32) -> Result<u64> {
        if size == 0 || size > 64 {
            return Err(status_error(format!("statusSize must be 1..=64, not {size}")));
        }
        let first = index
            .checked_mul(u64::from(size))
            .filter(|first| first.checked_add(u64::from(size)).is_some_and(|end| end <= self.len()))
            .ok_or_else(|| status_error(format!("entry {index} of size {size} is past the end of the list")))?;
        Ok(first)
    }
}

impl fmt::Debug for BitstringStatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BitstringStatusList")
            .field("len", &self.len())
            .field("set", &self.count_set())
            .finish()
    }
}

pub(crate) fn status_error(reason: impl Into<String>) -> Error {
    Error::StatusList { reason: reason.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_order_is_msb_first() {
        let mut list = BitstringStatusList::new(MIN_STATUS_LIST_BITS).unwrap();
        list.set(0, true).unwrap();
        list.set(9, true).unwrap();
        assert_eq!(&list.as_bytes()[..2], &[0x80, 0x40]);
        list.set(0, false).unwrap();
        assert_eq!(list.as_bytes()[0], 0);
        assert_eq!(list.count_set(), 1);
    }

    #[test]
    fn bounds() {
        assert!(BitstringStatusList::new(MIN_STATUS_LIST_BITS - 8).is_err());
        assert!(BitstringStatusList::new(MIN_STATUS_LIST_BITS + 1).is_err());
        let mut list = BitstringStatusList::new(MIN_STATUS_LIST_BITS).unwrap();
        assert!(list.get(MIN_STATUS_LIST_BITS).is_err());
        assert!(list.set(MIN_STATUS_LIST_BITS, true).is_err());
        assert!(list.get(MIN_STATUS_LIST_BITS - 1).is_ok());
    }

    #[test]
    fn multi_bit_statuses() {
        let mut list = BitstringStatusList::new(MIN_STATUS_LIST_BITS).unwrap();
        list.set_status(3, 2, 0b10).unwrap();
        assert_eq!(list.get_status(3, 2).unwrap(), 0b10);
        assert!(list.get(6).unwrap());
        assert!(!list.get(7).unwrap());
        assert!(list.set_status(3, 2, 4).is_err());
        assert!(list.get_status(u64::MAX, 2).is_err());
        assert!(list.get_status(0, 0).is_err());
    }

    #[test]
    fn rejects_bad_encodings() {
        for bad in ["", "u", "u!!!", "zH4sI", "uAAAA", "H4sIAN7Lo2YC_2NgwAEAjw7P6RkAAAA"] {
            assert!(
                matches!(BitstringStatusList::decode(bad), Err(Error::StatusList { .. })),
                "{bad}"
            );
        }
    }
}
