//! Fuzzes the merge with arbitrary bytes as the configuration: it must never panic, and when it
//! merges, the old text must survive with only lines inserted (the documented exceptions
//! aside): every old line is still there, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oidc_wizard::config::{self, Document, OnDuplicate};
use oidc_wizard::plan::{Plan, Request, SecretState, plan_for};
use oidc_wizard::provider::authelia::ProviderKeys;
use std::sync::OnceLock;

fn plan() -> &'static Plan {
    static P: OnceLock<Plan> = OnceLock::new();
    P.get_or_init(|| {
        let req = Request {
            domain: "example.com".into(),
            ..Default::default()
        };
        let digest = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
        plan_for(
            "memos",
            None,
            &req,
            SecretState::Ready {
                plaintext: "x".into(),
                digest: digest.into(),
            },
        )
        .expect("plan")
    })
}

fn keys() -> oidc_wizard::Result<ProviderKeys> {
    Ok(ProviderKeys {
        hmac_secret: "h".repeat(72),
        key_id: "fuzz".into(),
        private_key_pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".into(),
    })
}

fuzz_target!(|data: &[u8]| {
    let doc = Document::from_bytes("fuzz.yml", data.to_vec());
    let Ok(out) = config::merge_with(&doc, plan(), OnDuplicate::Refuse, &mut keys) else {
        return;
    };
    let old = std::str::from_utf8(data).expect("merged text was UTF-8");
    let new = std::str::from_utf8(&out.bytes).expect("output is UTF-8");
    // Every old line (modulo a removed empty value and an added final newline) appears in order.
    let mut rest = new;
    for line in old.lines() {
        let probe = match [": []", ": ~", ": {}", ": null"].iter().find_map(|p| line.find(p)) {
            Some(i) => &line[..i + 1],
            None => line,
        };
        match rest.find(probe) {
            Some(i) => rest = &rest[i + probe.len()..],
            None => panic!("old line lost: {line:?}"),
        }
    }
});
