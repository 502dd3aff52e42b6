//! JSON-RPC calls with a timeout per attempt, bounded retries with
//! exponential backoff on transport failures, and errors that say whether
//! the node was unreachable, the call reverted, or the answer was
//! malformed.

use std::future::Future;
use std::time::Duration;

use alloy::primitives::Bytes;
use alloy::transports::{RpcError, TransportError, TransportErrorKind};

use super::super::LedgerError;

/// The longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// How a JSON-RPC call failed, before the caller decides what it means.
#[derive(Debug)]
pub(super) enum Failure {
    /// The node could not be asked (connection refused, timeout, HTTP
    /// error), after the retries.
    Unreachable(String),
    /// The node executed the call and it reverted; the revert reason (the
    /// contract's `require` message) if there was one.
    Reverted(String),
    /// The node answered with a JSON-RPC error that is not a revert
    /// (`insufficient funds`, `method not found`, a rate limit that lasted).
    Rejected {
        /// The JSON-RPC error code.
        code: i64,
        /// The node's message.
        message: String,
    },
    /// The node's answer does not parse or does not fit.
    Malformed(String),
}

impl Failure {
    /// The failure as a ledger error for reads: a revert or a node error
    /// on a view call means something is wrong with the node or the
    /// contract, not with the caller's input.
    pub(super) fn into_read_error(self, ledger: &str, what: &str) -> LedgerError {
        match self {
            Failure::Unreachable(reason) => LedgerError::Unreachable {
                ledger: ledger.to_owned(),
                reason: format!("{what}: {reason}"),
            },
            Failure::Reverted(reason) => LedgerError::Malformed {
                ledger: ledger.to_owned(),
                reason: format!("{what} reverted ({reason}): is the registry address an ERC-1056 registry?"),
            },
            Failure::Rejected { code: -32601, message } => LedgerError::Incompatible {
                ledger: ledger.to_owned(),
                reason: format!("{what}: the node does not support the method ({message})"),
            },
            Failure::Rejected { code, message } => LedgerError::Unreachable {
                ledger: ledger.to_owned(),
                reason: format!("{what}: the node answered with error {code}: {message}"),
            },
            Failure::Malformed(reason) => LedgerError::Malformed {
                ledger: ledger.to_owned(),
                reason: format!("{what}: {reason}"),
            },
        }
    }
}

/// Retry and timeout settings.
#[derive(Debug, Clone, Copy)]
pub(super) struct Policy {
    /// How long one attempt may take.
    pub timeout: Duration,
    /// How many times a failed attempt is retried.
    pub retries: u32,
    /// The pause before the first retry; it doubles with each retry, up to
    /// 10 s.
    pub backoff: Duration,
}

impl Policy {
    fn pause(&self, retry: u32) -> Duration {
        self.backoff
            .checked_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
            .unwrap_or(MAX_BACKOFF)
            .min(MAX_BACKOFF)
    }

    /// Runs `call` until it succeeds, fails for a reason retrying cannot
    /// fix, or has been retried `retries` times. Transport failures
    /// (connection refused or reset, HTTP 5xx and 429, timeouts) and rate
    /// limit errors are retried; reverts, other JSON-RPC errors and
    /// malformed answers are not.
    pub(super) async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, Failure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, TransportError>>,
    {
        let mut retry = 0;
        loop {
            let (reason, wait) = match tokio::time::timeout(self.timeout, call()).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(e)) => match classify(e) {
                    Classified::Retry { reason, wait } => (reason, wait),
                    Classified::Final(failure) => return Err(failure),
                },
                Err(_) => (format!("no answer within {:?}", self.timeout), None),
            };
            if retry >= self.retries {
                let attempts = retry + 1;
                return Err(Failure::Unreachable(format!(
                    "{reason} ({attempts} attempt{})",
                    if attempts == 1 { "" } else { "s" }
                )));
            }
            let pause = wait.unwrap_or_default().max(self.pause(retry)).min(MAX_BACKOFF);
            tracing::debug!(retry, ?pause, %reason, "retrying a JSON-RPC call");
            tokio::time::sleep(pause).await;
            retry += 1;
        }
    }
}

enum Classified {
    Retry { reason: String, wait: Option<Duration> },
    Final(Failure),
}

fn classify(error: TransportError) -> Classified {
    match error {
        RpcError::Transport(kind) => match kind {
            TransportErrorKind::HttpError(http) if http.status < 500 && !matches!(http.status, 408 | 429) => {
                Classified::Final(Failure::Unreachable(format!(
                    "HTTP status {} from the node: {}",
                    http.status,
                    snippet(&http.body)
                )))
            }
            TransportErrorKind::HttpErrorWithRetryAfter { error, retry_after } => Classified::Retry {
                reason: format!("HTTP status {} from the node", error.status),
                wait: Some(retry_after),
            },
            other => Classified::Retry {
                reason: describe_transport(&other),
                wait: None,
            },
        },
        RpcError::ErrorResp(payload) if payload.is_retry_err() => Classified::Retry {
            reason: format!("rate limited: error {}: {}", payload.code, payload.message),
            wait: None,
        },
        RpcError::ErrorResp(payload) => {
            Classified::Final(error_response(payload.code, &payload.message, payload.as_revert_data()))
        }
        RpcError::NullResp => Classified::Final(Failure::Malformed("the node answered null".into())),
        RpcError::DeserError { err, text } => Classified::Final(Failure::Malformed(format!(
            "the node's answer does not parse ({err}): {}",
            snippet(&text)
        ))),
        RpcError::SerError(e) => Classified::Final(Failure::Malformed(format!("cannot encode the request: {e}"))),
        RpcError::UnsupportedFeature(feature) => {
            Classified::Final(Failure::Malformed(format!("unsupported by the transport: {feature}")))
        }
        RpcError::LocalUsageError(e) => Classified::Final(Failure::Malformed(format!("local usage error: {e}"))),
    }
}

/// A transport failure with its causes (reqwest's top-level message alone
/// says "error sending request", the cause says "connection refused").
fn describe_transport(kind: &TransportErrorKind) -> String {
    let mut out = kind.to_string();
    let mut source = std::error::Error::source(kind);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// A JSON-RPC error answer: a revert (code 3, or a message that says so)
/// with its reason decoded from `Error(string)` when present, or another
/// error.
fn error_response(code: i64, message: &str, revert_data: Option<Bytes>) -> Failure {
    if code == 3 || message.contains("revert") {
        let reason = revert_data
            .and_then(|data| revert_reason(&data))
            .filter(|r| !r.is_empty())
            .or_else(|| {
                message
                    .split_once("execution reverted:")
                    .map(|(_, r)| r.trim().to_owned())
                    .filter(|r| !r.is_empty())
            })
            .unwrap_or_else(|| format!("no reason given ({message})"));
        return Failure::Reverted(reason);
    }
    Failure::Rejected {
        code,
        message: message.to_owned(),
    }
}

/// The message of a Solidity `Error(string)` revert.
pub(super) fn revert_reason(data: &[u8]) -> Option<String> {
    use alloy::sol_types::SolError;
    alloy::sol_types::Revert::abi_decode(data).ok().map(|r| r.reason)
}

fn snippet(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = Policy {
            timeout: Duration::from_secs(1),
            retries: 40,
            backoff: Duration::from_millis(100),
        };
        assert_eq!(policy.pause(0), Duration::from_millis(100));
        assert_eq!(policy.pause(3), Duration::from_millis(800));
        assert_eq!(policy.pause(39), MAX_BACKOFF);
    }

    #[test]
    fn reverts_are_told_from_other_errors() {
        let answer = |json: &str| -> TransportError { RpcError::ErrorResp(serde_json::from_str(json).unwrap()) };
        let data = alloy::sol_types::SolError::abi_encode(&alloy::sol_types::Revert::from("bad_signature"));
        let revert = answer(&format!(
            r#"{{"code":3,"message":"execution reverted","data":"0x{}"}}"#,
            hex::encode(data)
        ));
        match classify(revert) {
            Classified::Final(Failure::Reverted(reason)) => assert_eq!(reason, "bad_signature"),
            _ => panic!("not a revert"),
        }
        let funds = answer(r#"{"code":-32003,"message":"insufficient funds for gas * price + value"}"#);
        assert!(matches!(
            classify(funds),
            Classified::Final(Failure::Rejected { code: -32003, .. })
        ));
        let limited = answer(r#"{"code":-32005,"message":"limit exceeded"}"#);
        assert!(matches!(classify(limited), Classified::Retry { .. }));
    }

    #[test]
    fn long_bodies_are_cut() {
        assert_eq!(snippet("short"), "short");
        assert!(snippet(&"x".repeat(500)).ends_with('…'));
    }
}
