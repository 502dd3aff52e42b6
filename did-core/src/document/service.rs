//! Services: ways of communicating with the DID subject.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::OneOrMany;

/// A service entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The service id: a URI, often a DID URL relative to the document.
    pub id: String,
    /// The service type(s).
    #[serde(rename = "type")]
    pub type_: OneOrMany<String>,
    /// The endpoint: a URI string, a map, or a set of strings and maps.
    pub service_endpoint: Value,
    /// Every other property, in input order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Service {
    /// A service with one type and one URI endpoint.
    pub fn new(id: impl Into<String>, type_: impl Into<String>, endpoint: impl Into<String>) -> Service {
        Service {
            id: id.into(),
            type_: OneOrMany::One(type_.into()),
            service_endpoint: Value::String(endpoint.into()),
            extra: Map::new(),
        }
    }

    /// Whether the service has type `t`.
    pub fn has_type(&self, t: &str) -> bool {
        self.type_.iter().any(|x| x == t)
    }

    /// The endpoint URIs: the string itself, or the strings of a set (maps
    /// contribute their `uri` or `url` member, if any).
    pub fn endpoint_uris(&self) -> Vec<&str> {
        fn from_map(m: &Map<String, Value>) -> Option<&str> {
            m.get("uri").or_else(|| m.get("url")).and_then(Value::as_str)
        }
        match &self.service_endpoint {
            Value::String(s) => vec![s.as_str()],
            Value::Object(m) => from_map(m).into_iter().collect(),
            Value::Array(items) => items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.as_str()),
                    Value::Object(m) => from_map(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}
