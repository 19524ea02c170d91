//! What the merge adds beside the client, and whether it says so truthfully (issue 9): the
//! provider's keys only on a first-time setup, the report naming exactly what was added, the
//! provider switch a plain-PKCE client needs, and the warning for a digest written into a file
//! that Authelia may run through its `expand-env` filter.

use crate::support;
use crate::tui_common;

use oidc_wizard::config::{Document, MergeOutput, OnDuplicate};
use oidc_wizard::plan::{Plan, Request, SecretState, plan_for};
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use support::*;

/// A working provider whose HMAC secret comes from a secret file: jwks and clients here, no
/// `hmac_secret` (Authelia refuses an inline one beside the file: sources.go:303-311).
const HMAC_FROM_FILE: &str = "identity_providers:\n  oidc:\n    jwks:\n      - key_id: main\n        key: |\n          -----BEGIN PRIVATE KEY-----\n          MIIB\n          -----END PRIVATE KEY-----\n    clients:\n      - client_id: one\n        public: true\n        redirect_uris: ['https://one.example.com/cb']\n";

/// The provider's `identity_providers.oidc` as libyaml reads it (templates masked).
fn oidc_of(text: &str) -> Value {
    let t = oidc_wizard::config::scan::Text::new(text);
    let v = oidc_wizard::config::gate::parse_first(&t.masked).expect("parses");
    v.get("identity_providers")
        .and_then(|i| i.get("oidc"))
        .cloned()
        .unwrap_or(Value::Null)
}

fn has(oidc: &Value, key: &str) -> bool {
    oidc.get(key).is_some()
}

/// Merges `text` with `plan`, checks the invariant and the client, and returns the output
/// and the new text.
fn merged(text: &str, plan: &Plan) -> (MergeOutput, String) {
    let out = support::merge(&doc("configuration.yml", text), plan, OnDuplicate::Refuse)
        .unwrap_or_else(|e| panic!("refused: {e}\n{text}"));
    check_added(text, &out, plan).unwrap();
    let new = String::from_utf8(out.bytes.clone()).unwrap();
    (out, new)
}

/// Which of the provider's keys the new text has that the old one lacked, read from the
/// texts (not from what the merge reports).
fn keys_gained(old: &str, new: &str) -> Vec<String> {
    let (o, n) = (oidc_of(old), oidc_of(new));
    ["hmac_secret", "jwks"]
        .into_iter()
        .filter(|k| !has(&o, k) && has(&n, k))
        .map(str::to_string)
        .collect()
}

fn warning<'a>(out: &'a MergeOutput, needle: &str) -> Option<&'a String> {
    out.warnings.iter().find(|w| w.contains(needle))
}

#[test]
fn a_provider_with_its_hmac_secret_elsewhere_gets_no_hmac_secret() {
    let (out, new) = merged(HMAC_FROM_FILE, &memos());
    assert!(!has(&oidc_of(&new), "hmac_secret"), "{new}");
    assert!(keys_gained(HMAC_FROM_FILE, &new).is_empty(), "{new}");
    assert_eq!(out.provider_keys_added, Vec::<String>::new());
    assert!(!out.first_time_setup);
    let w = warning(&out, "no hmac_secret here").unwrap_or_else(|| panic!("{:?}", out.warnings));
    assert!(
        w.contains("AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE")
            && w.contains("nothing was added"),
        "{w}"
    );
    assert!(warning(&out, "signing key").is_none(), "{:?}", out.warnings);
    assert!(
        warning(&out, "first-time setup").is_none(),
        "{:?}",
        out.warnings
    );
}

#[test]
fn clients_without_any_key_get_neither_key_and_two_warnings() {
    // Both keys supplied from outside the file (corpus 021 says so in a comment; 020 and 022
    // hold only cors and clients).
    let text = "identity_providers:\n  oidc:\n    cors:\n      endpoints: [token]\n    clients:\n      - client_id: one\n        public: true\n        redirect_uris: ['https://one.example.com/cb']\n";
    let (out, new) = merged(text, &memos());
    assert!(keys_gained(text, &new).is_empty(), "{new}");
    assert!(out.provider_keys_added.is_empty());
    assert!(
        warning(&out, "no hmac_secret here").is_some(),
        "{:?}",
        out.warnings
    );
    let w = warning(&out, "no signing key here").unwrap_or_else(|| panic!("{:?}", out.warnings));
    assert!(w.contains("nothing was added"), "{w}");
}

#[test]
fn an_issuer_certificate_chain_alone_is_a_signing_key() {
    // Authelia refuses jwks beside issuer_private_key or issuer_certificate_chain
    // (identity_providers.go:317-322): the chain alone is a provider that has its key.
    let text = "identity_providers:\n  oidc:\n    hmac_secret: x\n    issuer_certificate_chain: |\n      -----BEGIN CERTIFICATE-----\n      MIIB\n      -----END CERTIFICATE-----\n";
    let (out, new) = merged(text, &memos());
    assert!(!has(&oidc_of(&new), "jwks"), "{new}");
    assert!(out.provider_keys_added.is_empty());
    assert!(warning(&out, "signing key").is_none(), "{:?}", out.warnings);
}

#[test]
fn an_hmac_secret_without_clients_is_not_a_first_time_setup() {
    // The block holds hmac_secret: the key it lacks is named, not generated.
    let text =
        "identity_providers:\n  oidc:\n    hmac_secret: '{{ secret \"/run/secrets/hmac\" }}'\n";
    let (out, new) = merged(text, &memos());
    assert!(!has(&oidc_of(&new), "jwks"), "{new}");
    assert!(out.provider_keys_added.is_empty());
    assert!(
        warning(&out, "no signing key here").is_some(),
        "{:?}",
        out.warnings
    );
}

#[test]
fn a_new_or_keyless_oidc_section_is_a_first_time_setup() {
    for text in [
        "server:\n  address: tcp://:9091\n",
        "identity_providers:\n  oidc:\n",
        "identity_providers:\n  oidc:\n    # the provider\n    cors:\n      endpoints: [token]\n",
    ] {
        let (out, new) = merged(text, &memos());
        assert_eq!(keys_gained(text, &new), ["hmac_secret", "jwks"], "{new}");
        assert_eq!(out.provider_keys_added, ["hmac_secret", "jwks"]);
        assert!(out.first_time_setup);
        let w = warning(&out, "first-time setup").unwrap_or_else(|| panic!("{:?}", out.warnings));
        assert!(
            w.contains("added hmac_secret and an RS256 signing key (jwks)"),
            "{w}"
        );
        assert!(warning(&out, "here:").is_none(), "{:?}", out.warnings);
    }
}

#[test]
fn a_file_that_names_the_hmac_variable_gets_only_the_signing_key() {
    // Corpus 024: an empty `oidc:` under a comment saying where hmac_secret comes from.
    let text = "## hmac_secret loaded via AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE\nidentity_providers:\n  oidc:\n";
    let (out, new) = merged(text, &memos());
    assert_eq!(keys_gained(text, &new), ["jwks"], "{new}");
    assert_eq!(out.provider_keys_added, ["jwks"]);
    assert!(!out.first_time_setup, "only one of the two keys was added");
    let w = warning(&out, "first-time setup").unwrap_or_else(|| panic!("{:?}", out.warnings));
    assert!(
        w.contains("added an RS256 signing key (jwks)") && !w.contains("hmac_secret"),
        "{w}"
    );
    assert!(
        warning(&out, "names AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET").is_some(),
        "{:?}",
        out.warnings
    );
}

#[test]
fn a_merge_key_that_brings_the_provider_keys_keeps_them() {
    // `<<: *base` brings hmac_secret and jwks; the block holds clients: nothing is added, so
    // nothing is shadowed (the merge used to add both and then refuse its own change).
    let text = "base: &base\n  hmac_secret: from-base\n  jwks:\n    - key: k\nidentity_providers:\n  oidc:\n    <<: *base\n    clients:\n      - client_id: a\n        public: true\n";
    let (out, new) = merged(text, &memos());
    assert!(out.provider_keys_added.is_empty());
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let mut v: Value = serde_yaml::from_str(&new).unwrap();
    v.apply_merge().unwrap();
    let oidc = &v["identity_providers"]["oidc"];
    assert_eq!(oidc["hmac_secret"], Value::from("from-base"));
    assert_eq!(oidc["clients"].as_sequence().unwrap().len(), 2);
}

#[test]
fn corpus_files_with_a_working_provider_get_no_provider_key() {
    // Every real file whose oidc block holds a provider key or clients (or names the variable
    // its HMAC secret comes from) gains neither key; the others gain both; what the merge
    // reports is what the text gained.
    let Some(shared) = shared("corpus_files_with_a_working_provider_get_no_provider_key") else {
        return;
    };
    let dir = shared.join("corpus/real");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    names.sort();
    let (mut kept, mut first, mut hmac_elsewhere) = (0, 0, 0);
    let mut failures = Vec::new();
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let old = std::fs::read_to_string(path).unwrap();
        let Ok(out) = support::merge(
            &Document::from_bytes(path, old.clone().into_bytes()),
            &memos(),
            OnDuplicate::Refuse,
        ) else {
            continue;
        };
        let new = String::from_utf8(out.bytes.clone()).unwrap();
        let o = oidc_of(&old);
        let working = [
            "hmac_secret",
            "jwks",
            "issuer_private_key",
            "issuer_certificate_chain",
            "clients",
        ]
        .iter()
        .any(|k| has(&o, k));
        let gained = keys_gained(&old, &new);
        if gained != out.provider_keys_added {
            failures.push(format!(
                "{name}: gained {gained:?}, reported {:?}",
                out.provider_keys_added
            ));
        }
        if old.contains("AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET") {
            hmac_elsewhere += 1;
            if gained.iter().any(|k| k == "hmac_secret") {
                failures.push(format!(
                    "{name}: names the HMAC variable, but got an hmac_secret"
                ));
            }
        }
        if working {
            kept += 1;
            if !gained.is_empty() {
                failures.push(format!("{name}: a working provider gained {gained:?}"));
            }
        } else if !old.contains("AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET") {
            first += 1;
            if gained != ["hmac_secret", "jwks"] {
                failures.push(format!("{name}: a first-time setup gained {gained:?}"));
            }
        }
    }
    println!(
        "{kept} working providers kept, {first} first-time setups, {hmac_elsewhere} name the HMAC variable"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        kept >= 20 && first >= 5 && hmac_elsewhere >= 3,
        "{kept} {first} {hmac_elsewhere}"
    );
}

/// A custom app's plan with these values (a fixed digest for a confidential client).
fn custom(values: &[(&str, &str)]) -> Plan {
    let values: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let public = values.get("public").is_some_and(|v| v == "true");
    let req = Request {
        domain: "example.com".into(),
        values,
        ..Default::default()
    };
    let secret = if public {
        SecretState::None
    } else {
        SecretState::Ready {
            plaintext: "plain-secret".into(),
            digest: DIGEST.into(),
        }
    };
    plan_for("custom", None, &req, secret).expect("plan")
}

fn plain_client() -> Plan {
    let p = custom(&[
        ("name", "Thing"),
        ("redirect_uris", "https://thing.example.com/cb"),
        ("pkce", "plain"),
    ]);
    assert_eq!(p.client.pkce_challenge_method.as_deref(), Some("plain"));
    p
}

const WORKING: &str = "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: one\n        public: true\n        redirect_uris: ['https://one.example.com/cb']\n";

#[test]
fn a_plain_pkce_client_turns_the_provider_switch_on() {
    // handler/pkce/handler.go:89-96 (authelia oauth2-provider): a plain challenge is an
    // invalid_request unless enable_pkce_plain_challenge is set (internal/oidc/config.go:42).
    let plan = plain_client();
    for text in [
        WORKING,
        "server:\n  address: tcp://:9091\n",
        "identity_providers:\n  oidc:\n",
    ] {
        let (out, new) = merged(text, &plan);
        assert_eq!(
            oidc_of(&new).get("enable_pkce_plain_challenge"),
            Some(&Value::Bool(true)),
            "{new}"
        );
        assert!(
            out.additions_added
                .iter()
                .any(|a| a == "enable_pkce_plain_challenge"),
            "{:?}",
            out.additions_added
        );
    }
}

#[test]
fn a_provider_that_enables_plain_pkce_already_is_left_alone() {
    let text = WORKING.replace(
        "    hmac_secret: x\n",
        "    hmac_secret: x\n    enable_pkce_plain_challenge: true\n",
    );
    let (out, new) = merged(&text, &plain_client());
    assert_eq!(
        new.matches("enable_pkce_plain_challenge").count(),
        1,
        "{new}"
    );
    assert!(out.additions_added.is_empty(), "{:?}", out.additions_added);
}

#[test]
fn a_provider_that_disables_plain_pkce_refuses_a_plain_client() {
    let text = WORKING.replace(
        "    hmac_secret: x\n",
        "    hmac_secret: x\n    enable_pkce_plain_challenge: false\n",
    );
    match support::merge(
        &doc("configuration.yml", &text),
        &plain_client(),
        OnDuplicate::Refuse,
    ) {
        Ok(out) => panic!(
            "merged a plain PKCE client that cannot sign in:\n{}",
            out.diff
        ),
        Err(e) => {
            let m = e.to_string();
            assert!(
                m.contains("enable_pkce_plain_challenge") && m.contains("line 4"),
                "{m}"
            );
            assert!(!m.contains('\n'), "{m}");
        }
    }
}

#[test]
fn an_s256_client_needs_no_provider_switch() {
    let plan = custom(&[
        ("name", "Thing"),
        ("redirect_uris", "https://thing.example.com/cb"),
        ("pkce", "S256"),
    ]);
    let (out, new) = merged(WORKING, &plan);
    assert!(!new.contains("enable_pkce_plain_challenge"), "{new}");
    assert!(out.additions_added.is_empty());
}

#[test]
fn a_digest_in_a_file_with_env_references_is_warned_about() {
    // expand-env runs the whole file through Go's os.Expand (koanf_provider_filtered_file.go:77,
    // templates/funcs.go:150-153): `$pbkdf2`, `$3`... are read as variables.
    let text = WORKING.replace("    hmac_secret: x\n", "    hmac_secret: ${HMAC_SECRET}\n");
    let (out, _) = merged(&text, &memos());
    let w = warning(&out, "expand-env").unwrap_or_else(|| panic!("{:?}", out.warnings));
    assert!(w.contains("{{ secret \"") && !w.contains('\n'), "{w}");
    // Rotating writes a digest too.
    let text = text.replace(
        "      - client_id: one\n        public: true\n",
        &format!("      - client_id: memos\n        client_secret: '{DIGEST2}'\n"),
    );
    let out = support::merge(
        &doc("configuration.yml", &text),
        &memos(),
        OnDuplicate::Rotate,
    )
    .unwrap();
    assert!(warning(&out, "expand-env").is_some(), "{:?}", out.warnings);
}

#[test]
fn env_references_in_comments_or_public_clients_raise_no_warning() {
    let text = format!("# hmac_secret: ${{HMAC_SECRET}}\n{WORKING}");
    let (out, _) = merged(&text, &memos());
    assert!(warning(&out, "expand-env").is_none(), "{:?}", out.warnings);
    let text = WORKING.replace("    hmac_secret: x\n", "    hmac_secret: ${HMAC_SECRET}\n");
    let public = custom(&[
        ("name", "Thing"),
        ("redirect_uris", "https://thing.example.com/cb"),
        ("public", "true"),
    ]);
    assert!(public.client.client_secret.is_none());
    let (out, _) = merged(&text, &public);
    assert!(warning(&out, "expand-env").is_none(), "{:?}", out.warnings);
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args(args)
        .env_remove("X_AUTHELIA_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn add(path: &Path, json: bool) -> Output {
    let mut args = vec![
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        path.to_str().unwrap(),
        "--yes",
    ];
    if json {
        args.push("--json");
    }
    let o = run(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn the_command_line_reports_only_what_was_added() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    let cases: [(&str, &[&str], bool); 3] = [
        (HMAC_FROM_FILE, &[], false),
        (
            "identity_providers:\n  oidc:\n",
            &["hmac_secret", "jwks"],
            true,
        ),
        (
            "# AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE is set in compose\nidentity_providers:\n  oidc:\n",
            &["jwks"],
            false,
        ),
    ];
    for (text, keys, first) in cases {
        std::fs::write(&path, text).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&add(&path, true).stdout).unwrap();
        assert_eq!(v["provider_keys_added"], serde_json::json!(keys), "{text}");
        assert_eq!(v["first_time_setup"], serde_json::json!(first), "{text}");
        let new = std::fs::read_to_string(&path).unwrap();
        assert_eq!(keys_gained(text, &new), keys, "{new}");

        std::fs::write(&path, text).unwrap();
        let human = String::from_utf8(add(&path, false).stdout).unwrap();
        let line = human
            .lines()
            .find(|l| l.trim_start().starts_with("first-time setup:"));
        match keys {
            [] => assert!(line.is_none(), "{human}"),
            [_] => assert_eq!(
                line.map(str::trim),
                Some("first-time setup: added an RS256 signing key (jwks)"),
                "{human}"
            ),
            _ => assert_eq!(
                line.map(str::trim),
                Some("first-time setup: added hmac_secret and an RS256 signing key (jwks)"),
                "{human}"
            ),
        }
    }
}

#[test]
fn review_says_only_what_was_added() {
    use crossterm::event::KeyCode;
    use oidc_wizard::tui::msg::{Merged, Msg};
    use oidc_wizard::tui::update::update;
    use tui_common::*;

    let review = |m: Merged| {
        let mut s = state();
        update(&mut s, Msg::Resize(200, 30));
        update(&mut s, Msg::ConfigLoaded(CONFIG.into(), Ok(doc())));
        to_preview(&mut s, "memos", "example.com");
        key(&mut s, KeyCode::Enter);
        update(&mut s, Msg::Merged(Ok(m)));
        render(&s, 200, 30)
    };
    let only_jwks = review(Merged {
        provider_keys_added: vec!["jwks".into()],
        ..Merged::default()
    });
    assert!(
        only_jwks.contains("(added an RS256 signing key (jwks))"),
        "{only_jwks}"
    );
    assert!(!only_jwks.contains("hmac_secret"), "{only_jwks}");
    let none = review(Merged {
        first_time_setup: false,
        ..Merged::default()
    });
    assert!(!none.contains("First client"), "{none}");
    // A real merge: the warning says what was added.
    let text =
        "# AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE\nidentity_providers:\n  oidc:\n";
    let out = support::merge(
        &support::doc("c.yml", text),
        &support::memos(),
        OnDuplicate::Refuse,
    )
    .unwrap();
    let screen = review(Merged::from(out));
    assert!(
        screen.contains("first-time setup: added an RS256 signing key (jwks)"),
        "{screen}"
    );
    assert!(!screen.contains("added hmac_secret"), "{screen}");
}
