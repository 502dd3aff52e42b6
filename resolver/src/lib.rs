//! # xinlian-resolver
//!
//! DID resolution with I/O for Xinlian (信链).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod cache;
#[cfg(feature = "server")]
pub mod config;
mod error;
pub mod ethr;
pub mod http;
pub mod ledger;
pub mod registry;
pub mod web;

pub use cache::{CacheOptions, CachingResolver};
pub use error::{Error, Result};
pub use ethr::{EthrResolver, EthrResolverBuilder};
pub use http::HttpResolver;
#[cfg(feature = "evm")]
pub use ledger::EvmLedger;
pub use ledger::{EmbeddedLedger, Ledger, LedgerError};
pub use registry::MethodRegistry;
pub use web::{FetchOptions, GuardedFetch, WebOptions, WebResolver};
