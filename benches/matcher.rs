//! Micro-benchmarks of the hot path: the matcher on typical CSV fields and mail
//! bodies, and the checksum validators. Run with `cargo bench`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gdpr_audit::engine::Matcher;
use gdpr_audit::rules::{RuleSet, Validator};
use std::hint::black_box;

const FIELDS: &[&str] = &[
    "Vill ha offert på nya kontorsstolar före jul.",
    "Ringde om leveransen, allt ok. Ordernummer 4512-778812.",
    "Sjukskriven till slutet av månaden, ring 070-123 45 67 efter kl 15.",
    "Kunden har pnr 19121212-1212 och kort 4111 1111 1111 1111.",
    "anna.svensson@example.se",
    "2024-03-12",
    "Strandvägen 77C",
    "",
    "Customer will get back after the holidays. Wants to cancel order 4150-186743.",
    "Medlem i Unionen, ville prata om kollektivavtal.",
];

fn matcher(c: &mut Criterion) {
    let rules = RuleSet::builtin().expect("bundled rules compile");
    let mut m = Matcher::new(rules);
    let bytes: usize = FIELDS.iter().map(|f| f.len()).sum();
    let mut g = c.benchmark_group("matcher");
    g.throughput(Throughput::Bytes(bytes as u64));
    let mut out = Vec::new();
    g.bench_function("csv_fields", |b| {
        b.iter(|| {
            for f in FIELDS {
                m.scan(black_box(f), "notes", &mut out);
            }
        })
    });
    let body = FIELDS.join("\n").repeat(20);
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("mail_body", |b| {
        b.iter(|| m.scan(black_box(&body), "body", &mut out))
    });
    g.finish();
}

fn validators(c: &mut Criterion) {
    let mut g = c.benchmark_group("validators");
    let cases = [
        (Validator::SePersonnummer, "19121212-1212"),
        (Validator::PaymentCard, "4111 1111 1111 1111"),
        (Validator::Iban, "SE45 5000 0000 0583 9825 7466"),
        (Validator::FiHetu, "131052-308T"),
        (Validator::NoFodselsnummer, "01010101006"),
    ];
    for (v, s) in cases {
        g.bench_function(v.name(), |b| b.iter(|| v.check(black_box(s))));
    }
    g.finish();
}

criterion_group!(benches, matcher, validators);
criterion_main!(benches);
