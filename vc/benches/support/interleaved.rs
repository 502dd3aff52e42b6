//! Ratios to a baseline from interleaved timing rounds, for benchmarks that
//! compare operations measured in the same run (`#[path]`-included by
//! `vc/benches/rdfc.rs` and `tests/interop/benches/rdfc_vs_ssi.rs`).

use std::time::{Duration, Instant};

/// A named operation to time.
pub type Op<S> = (&'static str, fn(&S));

/// Runs every operation `calls` times in each of `rounds` interleaved
/// rounds and prints each one's median per-call time and its ratio to the
/// first operation's (the baseline), under `title`.
pub fn print_ratios<S>(title: &str, setup: &S, ops: &[Op<S>], rounds: usize, calls: u32) {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); ops.len()];
    for _ in 0..rounds {
        for ((_, op), times) in ops.iter().zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..calls {
                op(setup);
            }
            times.push(start.elapsed() / calls);
        }
    }
    let medians: Vec<f64> = samples
        .iter_mut()
        .map(|times| {
            times.sort();
            times[times.len() / 2].as_secs_f64()
        })
        .collect();
    println!("\n{title} (median of {rounds} interleaved rounds of {calls} calls):");
    for ((name, _), median) in ops.iter().zip(&medians) {
        println!("  {name:<32} {:>9.2} µs  {:>6.2}x", median * 1e6, median / medians[0]);
    }
}

/// The baseline both rdfc benchmarks divide by: a raw Ed25519 verify of a
/// 32-byte message.
pub struct RawEd25519 {
    key: xinlian_did_core::PublicKey,
    message: [u8; 32],
    signature: Vec<u8>,
}

impl RawEd25519 {
    /// A fresh key and its signature of a fixed message.
    pub fn new() -> Self {
        let secret = xinlian_did_core::SecretKey::generate(xinlian_did_core::KeyType::Ed25519).expect("Ed25519 key");
        let message = [7u8; 32];
        RawEd25519 {
            signature: secret.sign(&message),
            key: secret.public_key(),
            message,
        }
    }

    /// Verifies the signature (it always verifies).
    pub fn verify(&self) {
        self.key
            .verify(
                std::hint::black_box(&self.message),
                std::hint::black_box(&self.signature),
            )
            .expect("the baseline signature verifies");
    }
}
