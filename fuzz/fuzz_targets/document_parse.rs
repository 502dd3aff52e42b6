//! Document::from_json on arbitrary text: no panics; an accepted document
//! serializes, parses back to itself, and dereferences every id it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xinlian_did_core::resolution::{parse_resolution_result, resolution_result_json};
use xinlian_did_core::{
    DidUrl, Document, DocumentMetadata, Error, Relationship, Representation, Resolution, ResolutionOptions,
};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let doc = match Document::from_json(input) {
        Ok(doc) => doc,
        Err(Error::InvalidDocument { path, .. }) => {
            assert!(path.starts_with('/'), "{path:?}");
            return;
        }
        Err(other) => panic!("Document::from_json returned {other:?}"),
    };

    // Serialize and parse back.
    let value = doc.to_value();
    let again = Document::from_value(value.clone()).unwrap_or_else(|e| panic!("re-parse: {e}"));
    assert_eq!(again, doc);
    for representation in [Representation::Json, Representation::JsonLd] {
        let bytes = representation.serialize(&doc);
        let text = std::str::from_utf8(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let parsed = Document::from_json(text).unwrap_or_else(|e| panic!("{representation:?}: {e}"));
        assert_eq!(parsed.id, doc.id);
    }
    if let Ok(resolution) = Resolution::new(doc.clone(), DocumentMetadata::default(), &ResolutionOptions::default()) {
        let json = resolution_result_json(&Ok(resolution.clone()));
        assert_eq!(parse_resolution_result(&json).as_ref(), Ok(&resolution));
    }

    // Every id in the document dereferences.
    assert!(doc.dereference(&doc.id.to_url()).is_ok());
    for vm in doc.all_verification_methods() {
        let _ = vm.public_key();
        let url = doc.absolute_id(&vm.id).unwrap_or_else(|e| panic!("{}: {e}", vm.id));
        if url.did_str() == doc.id.as_str() && url.fragment().is_some() && url.path().is_none() && url.query().is_none()
        {
            assert!(doc.dereference(&url).is_ok(), "{url}");
        }
    }
    for rel in Relationship::ALL {
        let _ = doc.methods_for(rel);
    }
    for service in &doc.service {
        let _ = service.endpoint_uris();
        if let Ok(url) = doc.absolute_id(&service.id)
            && let Some(fragment) = url.fragment()
        {
            for suffix in ["", "&relativeRef=%2Fa%2F..%2Fb%3Fc"] {
                if let Ok(url) = DidUrl::parse(&format!("{}?service={fragment}{suffix}", doc.id)) {
                    let _ = doc.dereference(&url);
                }
            }
        }
    }
});
