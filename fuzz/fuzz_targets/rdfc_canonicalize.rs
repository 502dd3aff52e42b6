//! JSON-LD expansion and RDFC-1.0 (`jsonld::canonicalize`, SHA-256 and
//! SHA-384) of arbitrary JSON, through one process-wide loader, so inputs
//! meet contexts (inline ones included) that earlier inputs processed and the
//! patched json-ld-core remembered: no panic; errors are `Error::JsonLd`
//! with a JSON pointer or an empty path, or `Error::UnknownContext`; an
//! accepted document canonicalizes to the same N-Quads again, and the same
//! as through a fresh loader (nothing remembered from other inputs).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use xinlian_vc::Error;
use xinlian_vc::jsonld::{ContextLoader, RdfcHash, canonicalize, canonicalize_with};

fn shared() -> &'static ContextLoader {
    static LOADER: OnceLock<ContextLoader> = OnceLock::new();
    LOADER.get_or_init(ContextLoader::new)
}

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(document)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    match canonicalize(&document, shared()) {
        Ok(nquads) => {
            assert!(nquads.is_empty() || nquads.ends_with('\n'), "{nquads:?}");
            assert_eq!(canonicalize(&document, shared()).ok().as_deref(), Some(nquads.as_str()));
            assert_eq!(
                canonicalize(&document, &ContextLoader::new()).ok().as_deref(),
                Some(nquads.as_str()),
                "remembered contexts changed the result"
            );
            let _ = canonicalize_with(&document, RdfcHash::Sha384, shared());
        }
        Err(Error::JsonLd { path, .. }) => assert!(path.is_empty() || path.starts_with('/'), "{path:?}"),
        Err(Error::UnknownContext { .. }) => {}
        Err(other) => panic!("canonicalize returned {other:?}"),
    }
});
