//! Criterion benchmarks for did-core (filled in below).
fn main() {}
