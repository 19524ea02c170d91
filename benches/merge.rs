//! The merge (scan, splice, gate; no digest, no key generation) on generated configurations of
//! 1,000 and 10,000 clients. The generated files are also written to
//! `target/merge-bench/clients-<n>.yml` for `benches/merge_python.py`, which times PyYAML's C
//! loader and a ruamel.yaml round trip on the same files.

use criterion::{Criterion, criterion_group, criterion_main};
use oidc_wizard::config::{self, Document, OnDuplicate};
use oidc_wizard::plan::{Plan, Request, SecretState, plan_for};
use oidc_wizard::provider::authelia::ProviderKeys;
use std::hint::black_box;
use std::path::PathBuf;

const DIGEST: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";

/// A configuration in the docs' style with `n` clients and comments here and there.
pub fn generate(n: usize) -> String {
    let mut s = String::with_capacity(n * 600 + 4096);
    s.push_str("---\n# Generated for the merge benchmark.\nserver:\n  address: 'tcp://:9091'\nlog:\n  level: 'info'\n");
    s.push_str("session:\n  secret: 'insecure_session_secret'\n  cookies:\n    - domain: 'example.com'\n      authelia_url: 'https://auth.example.com'\n");
    s.push_str("identity_providers:\n  oidc:\n    hmac_secret: 'this_is_a_secret_abc123abc123abc123abc123abc123abc123abc'\n");
    s.push_str("    jwks:\n      - key_id: 'main'\n        algorithm: 'RS256'\n        use: 'sig'\n        key: |\n");
    s.push_str("          -----BEGIN PRIVATE KEY-----\n");
    for _ in 0..25 {
        s.push_str("          MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n");
    }
    s.push_str("          -----END PRIVATE KEY-----\n    clients:\n");
    for i in 0..n {
        if i % 10 == 0 {
            s.push_str(&format!("      ## Client group {}\n", i / 10));
        }
        s.push_str(&format!(
            "      - client_id: 'app-{i}'\n        client_name: 'Application {i}'\n        client_secret: '{DIGEST}'  # yamllint disable-line rule:line-length\n        public: false\n        authorization_policy: 'two_factor'\n        require_pkce: true\n        pkce_challenge_method: 'S256'\n        redirect_uris:\n          - 'https://app-{i}.example.com/oauth2/callback'\n        scopes:\n          - 'openid'\n          - 'profile'\n          - 'email'\n          - 'groups'\n        response_types:\n          - 'code'\n        grant_types:\n          - 'authorization_code'\n        access_token_signed_response_alg: 'none'\n        userinfo_signed_response_alg: 'none'\n        token_endpoint_auth_method: 'client_secret_basic'\n"
        ));
    }
    s.push_str("...\n");
    s
}

fn plan() -> Plan {
    let req = Request {
        domain: "example.com".into(),
        ..Default::default()
    };
    plan_for(
        "memos",
        None,
        &req,
        SecretState::Ready {
            plaintext: "x".into(),
            digest: DIGEST.into(),
        },
    )
    .expect("plan")
}

fn keys() -> oidc_wizard::Result<ProviderKeys> {
    unreachable!("the generated configurations have hmac_secret and jwks")
}

fn bench(c: &mut Criterion) {
    let plan = plan();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/merge-bench");
    let _ = std::fs::create_dir_all(&dir);
    let mut group = c.benchmark_group("merge");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let text = generate(n);
        let _ = std::fs::write(dir.join(format!("clients-{n}.yml")), &text);
        let doc = Document::from_bytes(format!("clients-{n}.yml"), text.into_bytes());
        // Sanity: the merge succeeds on this input.
        config::merge_with(&doc, &plan, OnDuplicate::Refuse, &mut keys).expect("merge");
        group.bench_function(format!("{n}_clients"), |b| {
            b.iter(|| {
                config::merge_with(black_box(&doc), &plan, OnDuplicate::Refuse, &mut keys)
                    .expect("merge")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
