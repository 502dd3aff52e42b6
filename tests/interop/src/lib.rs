//! Interoperability tests between Xinlian and SpruceID `ssi`: each side
//! issues credentials (eddsa-rdfc-2022 Data Integrity, JOSE-secured VC 2.0)
//! that the other verifies. The tests live in `tests/`; this library is empty.
