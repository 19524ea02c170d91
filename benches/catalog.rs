//! The picker's hot paths: parsing the embedded catalog (once per run), the fuzzy search it runs
//! on every keystroke, and building a plan (the wizard rebuilds one on every edit).

use criterion::{Criterion, criterion_group, criterion_main};
use oidc_wizard::catalog;
use oidc_wizard::plan::{self, Plan, Request, SecretState};
use std::hint::black_box;

fn parse_all(c: &mut Criterion) {
    c.bench_function("catalog/parse every entry", |b| {
        b.iter(|| {
            for (stem, text) in catalog::files() {
                black_box(catalog::parse_entry(stem, text).unwrap());
            }
        })
    });
}

fn search(c: &mut Criterion) {
    let all = catalog::all().unwrap();
    for q in ["n", "next", "paperless", "vault", "zzzz"] {
        c.bench_function(&format!("catalog/search '{q}'"), |b| {
            b.iter(|| black_box(catalog::search(all, black_box(q))))
        });
    }
    c.bench_function("catalog/categories", |b| {
        b.iter(|| black_box(catalog::categories(all)))
    });
}

fn build(c: &mut Criterion) {
    let entry = catalog::find("grafana").unwrap();
    let setup = catalog::setup_of(entry, None).unwrap();
    let req = Request {
        domain: "example.com".into(),
        ..Request::default()
    };
    c.bench_function("plan/resolve and build grafana", |b| {
        b.iter(|| {
            let r = plan::resolve(entry, &setup, &req).unwrap();
            black_box(Plan::build(entry, &setup, &r, SecretState::Pending("x".into())).unwrap())
        })
    });
}

criterion_group!(benches, parse_all, search, build);
criterion_main!(benches);
