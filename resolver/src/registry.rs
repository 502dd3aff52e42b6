//! The method registry: one [`Resolver`] that routes each DID to the driver
//! registered for its method.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use xinlian_did_core::{
    Dereferencing, Did, DidUrl, Error as DidError, Resolution, ResolutionOptions, Resolver, StatelessResolver,
};

use crate::error::{Error, Result};

/// Routes DIDs to method drivers by method name.
///
/// [`MethodRegistry::new`] registers did:key and did:jwk; any type that
/// implements [`Resolver`] can be registered for another method (or replace
/// a default one) without changing this crate. A DID whose method has no
/// driver fails with `methodNotSupported`.
///
/// ```
/// use async_trait::async_trait;
/// use xinlian_did_core::{
///     Did, Document, DocumentMetadata, ErrorKind, Resolution, ResolutionOptions, Resolver,
/// };
/// use xinlian_resolver::MethodRegistry;
///
/// /// A toy driver: every did:example DID exists and has an empty document.
/// struct ExampleMethod;
///
/// #[async_trait]
/// impl Resolver for ExampleMethod {
///     async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
///         Resolution::new(Document::new(did.clone()), DocumentMetadata::default(), options)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut registry = MethodRegistry::new();
/// registry.register("example", ExampleMethod)?;
///
/// let options = ResolutionOptions::default();
/// let resolved = registry.resolve_str("did:example:123", &options).await?;
/// assert_eq!(resolved.document.id.as_str(), "did:example:123");
///
/// // did:key works out of the box; unknown methods are refused.
/// let key = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
/// assert!(registry.resolve_str(key, &options).await.is_ok());
/// let err = registry.resolve_str("did:unknown:abc", &options).await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::MethodNotSupported);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct MethodRegistry {
    drivers: BTreeMap<String, Arc<dyn Resolver>>,
}

impl MethodRegistry {
    /// A registry with did:key and did:jwk registered.
    pub fn new() -> Self {
        let stateless: Arc<dyn Resolver> = Arc::new(StatelessResolver::new());
        let mut drivers = BTreeMap::new();
        drivers.insert("key".to_owned(), Arc::clone(&stateless));
        drivers.insert("jwk".to_owned(), stateless);
        MethodRegistry { drivers }
    }

    /// A registry with no methods at all.
    pub fn empty() -> Self {
        MethodRegistry {
            drivers: BTreeMap::new(),
        }
    }

    /// Registers `driver` for `method` (e.g. `"web"`, without `did:`),
    /// returning the driver it replaces, if any. Fails if `method` is not a
    /// valid method name (lowercase ASCII letters and digits).
    pub fn register(&mut self, method: &str, driver: impl Resolver + 'static) -> Result<Option<Arc<dyn Resolver>>> {
        self.register_arc(method, Arc::new(driver))
    }

    /// Registers a shared driver for `method`; see [`register`](Self::register).
    pub fn register_arc(&mut self, method: &str, driver: Arc<dyn Resolver>) -> Result<Option<Arc<dyn Resolver>>> {
        if let Some(offset) = invalid_method_name_at(method) {
            return Err(Error::InvalidMethodName {
                method: method.to_owned(),
                offset,
            });
        }
        Ok(self.drivers.insert(method.to_owned(), driver))
    }

    /// Builder form of [`register`](Self::register).
    pub fn with(mut self, method: &str, driver: impl Resolver + 'static) -> Result<Self> {
        self.register(method, driver)?;
        Ok(self)
    }

    /// Removes the driver for `method`, returning it.
    pub fn unregister(&mut self, method: &str) -> Option<Arc<dyn Resolver>> {
        self.drivers.remove(method)
    }

    /// The driver registered for `method`.
    pub fn driver(&self, method: &str) -> Option<&Arc<dyn Resolver>> {
        self.drivers.get(method)
    }

    /// Whether a driver is registered for `method`.
    pub fn supports(&self, method: &str) -> bool {
        self.drivers.contains_key(method)
    }

    /// The registered method names, in sorted order.
    pub fn methods(&self) -> impl Iterator<Item = &str> {
        self.drivers.keys().map(String::as_str)
    }

    /// Parses `did` and resolves it: malformed input fails with `invalidDid`.
    pub async fn resolve_str(&self, did: &str, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        let did = Did::parse(did)?;
        self.resolve(&did, options).await
    }

    /// Resolves the DID of `url` with the driver for its method and
    /// dereferences `url` in the document (see [`xinlian_did_core::dereference`]).
    pub async fn dereference(
        &self,
        url: &DidUrl,
        options: &ResolutionOptions,
    ) -> xinlian_did_core::Result<Dereferencing> {
        xinlian_did_core::dereference(self, url, options).await
    }

    /// Parses `url` and dereferences it: malformed input fails with
    /// `invalidDidUrl`.
    pub async fn dereference_str(
        &self,
        url: &str,
        options: &ResolutionOptions,
    ) -> xinlian_did_core::Result<Dereferencing> {
        let url = DidUrl::parse(url)?;
        self.dereference(&url, options).await
    }
}

impl Default for MethodRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MethodRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MethodRegistry")
            .field("methods", &self.drivers.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[async_trait]
impl Resolver for MethodRegistry {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        match self.drivers.get(did.method()) {
            Some(driver) => driver.resolve(did, options).await,
            None => Err(DidError::MethodNotSupported {
                method: did.method().to_owned(),
            }),
        }
    }
}

/// The byte offset of the first character that makes `method` an invalid
/// method name, or `None` if it is valid.
fn invalid_method_name_at(method: &str) -> Option<usize> {
    if method.is_empty() {
        return Some(0);
    }
    method
        .bytes()
        .position(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_checked() {
        assert_eq!(invalid_method_name_at("web"), None);
        assert_eq!(invalid_method_name_at("ethr2"), None);
        assert_eq!(invalid_method_name_at(""), Some(0));
        assert_eq!(invalid_method_name_at("Web"), Some(0));
        assert_eq!(invalid_method_name_at("did:web"), Some(3));
        assert_eq!(invalid_method_name_at("my-method"), Some(2));
    }

    #[test]
    fn defaults_are_key_and_jwk() {
        let registry = MethodRegistry::new();
        assert_eq!(registry.methods().collect::<Vec<_>>(), ["jwk", "key"]);
        assert_eq!(MethodRegistry::empty().methods().count(), 0);
    }
}
