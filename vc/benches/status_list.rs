//! Status-list lookups: decoding a 131,072-entry list and reading one bit.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use xinlian_vc::status::{BitstringStatusList, MIN_STATUS_LIST_BITS};

fn status_list(c: &mut Criterion) {
    let mut list = BitstringStatusList::new(MIN_STATUS_LIST_BITS).expect("minimum size is valid");
    for index in (0..MIN_STATUS_LIST_BITS).step_by(97) {
        list.set(index, true).expect("index in range");
    }
    let encoded = list.encode();
    let sparse = BitstringStatusList::new(MIN_STATUS_LIST_BITS)
        .expect("minimum size is valid")
        .encode();

    c.bench_function("status_list/decode+get (131072 bits, 1% set)", |b| {
        b.iter(|| {
            let list = BitstringStatusList::decode(black_box(&encoded)).expect("valid list");
            list.get(black_box(94_567)).expect("index in range")
        })
    });
    c.bench_function("status_list/decode+get (131072 bits, none set)", |b| {
        b.iter(|| {
            let list = BitstringStatusList::decode(black_box(&sparse)).expect("valid list");
            list.get(black_box(94_567)).expect("index in range")
        })
    });
    c.bench_function("status_list/get (decoded once)", |b| {
        b.iter(|| list.get(black_box(94_567)).expect("index in range"))
    });
    c.bench_function("status_list/encode (131072 bits, 1% set)", |b| {
        b.iter(|| black_box(&list).encode())
    });
}

criterion_group!(benches, status_list);
criterion_main!(benches);
