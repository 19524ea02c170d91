//! The client-secret digest: PBKDF2-HMAC-SHA512, 310,000 iterations (Authelia's default).
//!
//! Compare with OpenSSL's PBKDF2 for the same work, e.g. `python3 benches/pbkdf2_openssl.py`.

use criterion::{Criterion, criterion_group, criterion_main};
use oidc_wizard::secret;
use std::hint::black_box;
use std::time::Duration;

fn digest(c: &mut Criterion) {
    let salt = [7u8; secret::SALT_LEN];
    let mut g = c.benchmark_group("digest");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("pbkdf2-sha512 310000", |b| {
        b.iter(|| {
            secret::digest_with_salt(
                black_box("insecure_secret"),
                &salt,
                secret::DEFAULT_ITERATIONS,
            )
        })
    });
    g.bench_function("verify seed digest", |b| {
        let d = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
        b.iter(|| secret::verify(black_box("insecure_secret"), d).unwrap())
    });
    g.finish();
}

criterion_group!(benches, digest);
criterion_main!(benches);
