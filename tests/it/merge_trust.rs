//! Merges that must not change what Authelia reads (issue 9): a value the insertion would
//! change without anyone asking (a block scalar ending the file without a newline), keys that
//! come through a YAML merge key (`<<`) and would be shadowed. Fixtures in tests/fixtures/merge/.

use crate::support;

use oidc_wizard::config::{Document, OnDuplicate};
use std::path::PathBuf;
use support::*;

fn fixture(name: &str) -> (String, Document) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/merge")
        .join(name);
    let bytes = std::fs::read(&p).unwrap();
    (
        String::from_utf8(bytes.clone()).unwrap(),
        Document::from_bytes(p, bytes),
    )
}

fn refused(name: &str, needle: &str) -> String {
    let (_, doc) = fixture(name);
    match support::merge(&doc, &memos(), OnDuplicate::Refuse) {
        Ok(out) => panic!("{name}: merged but should be refused:\n{}", out.diff),
        Err(e) => {
            let m = e.to_string();
            assert!(m.contains(needle), "{name}: '{m}' lacks '{needle}'");
            assert!(!m.contains('\n'), "{m}");
            m
        }
    }
}

/// What libyaml reads as `key` at the top of `text`.
fn top(text: &str, key: &str) -> serde_yaml::Value {
    let v: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    v.get(key).cloned().unwrap()
}

#[test]
fn a_final_block_scalar_without_newline_keeps_its_value() {
    // `note: |` + `  hunter2` at the end of the file, no newline: the value is "hunter2". A
    // newline added after it would make it "hunter2\n"; the new block goes before `note:`.
    let (old, doc) = fixture("block_scalar_eof.yml");
    assert_eq!(top(&old, "note"), serde_yaml::Value::from("hunter2"));
    let out = support::merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    check_added(&old, &out, &memos()).unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert_eq!(top(&new, "note"), serde_yaml::Value::from("hunter2"));
    assert!(new.ends_with("note: |\n  hunter2"), "{new}");
}

#[test]
fn a_final_strip_block_scalar_may_gain_the_newline() {
    // `|-` drops the final line break, so adding one changes nothing.
    let (old, doc) = fixture("block_scalar_eof_strip.yml");
    let out = support::merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    check_added(&old, &out, &memos()).unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert_eq!(top(&new, "note"), serde_yaml::Value::from("hunter2"));
}

#[test]
fn a_block_scalar_ending_the_clients_list_is_refused_not_changed() {
    // The new client has to go after the last one, whose description is a block scalar at
    // the end of the file: no insertion leaves that value alone.
    refused("block_scalar_eof_clients.yml", "block scalar");
}

#[test]
fn clients_from_a_merge_key_are_not_shadowed() {
    let m = refused(
        "merge_key_clients.yml",
        "identity_providers.oidc takes `clients` from a YAML merge key (<<) at line 3",
    );
    assert!(m.contains("by hand"), "{m}");
}

#[test]
fn provider_keys_from_a_merge_key_are_not_shadowed() {
    // `<<: *base` brings hmac_secret and jwks, and the block holds clients: not a first-time
    // setup, so neither key is added and nothing shadows what came through the merge key.
    let (old, doc) = fixture("merge_key_alias.yml");
    let out = support::merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    check_added(&old, &out, &memos()).unwrap();
    assert!(out.provider_keys_added.is_empty());
    let mut v: serde_yaml::Value = serde_yaml::from_slice(&out.bytes).unwrap();
    v.apply_merge().unwrap();
    let oidc = &v["identity_providers"]["oidc"];
    assert_eq!(oidc["hmac_secret"], serde_yaml::Value::from("from-base"));
    assert_eq!(oidc["jwks"][0]["key"], serde_yaml::Value::from("k"));
}

#[test]
fn a_merge_key_that_brings_other_keys_still_merges() {
    let old = "base: &base\n  hmac_secret: from-base\n  jwks:\n    - key: k\nidentity_providers:\n  oidc:\n    <<: *base\n    clients:\n      - client_id: a\n        public: true\n";
    let old = old.replace(
        "  hmac_secret: from-base\n  jwks:\n    - key: k\n",
        "  minimum_parameter_entropy: 8\n",
    );
    let old = old.replace(
        "    <<: *base\n",
        "    <<: *base\n    hmac_secret: x\n    jwks:\n      - key: k\n",
    );
    let d = doc("merge_key_other.yml", &old);
    let out = support::merge(&d, &memos(), OnDuplicate::Refuse).unwrap();
    check_added(&old, &out, &memos()).unwrap();
}

#[test]
fn a_tab_after_a_colon_is_not_a_false_refusal() {
    // `level:\tinfo`: libyaml (and Authelia's Go reader) take the tab as the separator;
    // saphyr-parser 0.3 does not, which made the merge refuse a valid file.
    let (old, doc) = fixture("tab_after_colon.yml");
    assert_eq!(
        top(&old, "log").get("level"),
        Some(&serde_yaml::Value::from("info"))
    );
    let out = support::merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    check_added(&old, &out, &memos()).unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert!(new.starts_with("log:\n  level:\tinfo\n"), "{new}");
}

/// `--rotate` never replaces a template: the quoted form (`'{{ secret "..." }}'`, the common
/// one) used to get an inline digest because only the value's first byte (the quote) was
/// tested against the template spans; the refusal names the file the template reads.
#[test]
fn rotate_never_replaces_a_template_secret() {
    for value in [
        "'{{ secret \"/secrets/memos.digest\" | trim }}'",
        "{{ secret \"/secrets/memos.digest\" }}",
    ] {
        let text = format!(
            "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: memos\n        client_secret: {value}\n        redirect_uris: ['https://memos.example.com/auth/callback']\n"
        );
        let d = doc("configuration.yml", &text);
        match support::merge(&d, &memos(), OnDuplicate::Rotate) {
            Ok(out) => panic!("{value}: the template was replaced:\n{}", out.diff),
            Err(e) => {
                let m = e.to_string();
                assert!(m.contains("template expression"), "{value}: {m}");
                assert!(m.contains("/secrets/memos.digest"), "{value}: {m}");
                assert!(!m.contains('\n'), "{m}");
            }
        }
    }
}
