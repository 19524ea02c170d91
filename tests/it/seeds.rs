//! The seed apps against the seed documents: the client for example.com equals the seed's YAML
//! key by key (the secret aside), the steps carry the real values, the seed digest verifies.

use crate::common;

use common::{INSECURE_DIGEST, shared};
use oidc_wizard::catalog;
use oidc_wizard::plan::{Plan, Request, SecretState, resolve};
use oidc_wizard::render;
use oidc_wizard::secret;
use serde_yaml::Value;

fn plan(slug: &str) -> Plan {
    let entry = catalog::find(slug).unwrap();
    let setup = catalog::setup_of(entry, None).unwrap();
    let req = Request {
        domain: "example.com".into(),
        ..Default::default()
    };
    let resolved = resolve(entry, &setup, &req).unwrap();
    Plan::build(
        entry,
        &setup,
        &resolved,
        SecretState::Ready {
            plaintext: "insecure_secret".into(),
            digest: INSECURE_DIGEST.into(),
        },
    )
    .unwrap()
}

fn client_map(p: &Plan) -> serde_yaml::Mapping {
    match serde_yaml::to_value(&p.client).unwrap() {
        Value::Mapping(m) => m,
        other => panic!("client is not a mapping: {other:?}"),
    }
}

/// Keys of `expected` equal in `actual`; `unordered` keys compare as sets.
fn assert_same(
    slug: &str,
    expected: &serde_yaml::Mapping,
    actual: &serde_yaml::Mapping,
    skip: &[&str],
    unordered: &[&str],
) {
    for (k, v) in expected {
        let key = k.as_str().unwrap();
        if skip.contains(&key) {
            continue;
        }
        let got = actual
            .get(k)
            .unwrap_or_else(|| panic!("{slug}: key {key} missing"));
        if unordered.contains(&key) {
            let mut a: Vec<_> = v
                .as_sequence()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect();
            let mut b: Vec<_> = got
                .as_sequence()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "{slug}: {key}");
        } else {
            assert_eq!(v, got, "{slug}: {key}");
        }
    }
}

/// The seed documents' client blocks, typed here from the seeds (the repo's own golden values).
const GOLDEN: &[(&str, &str)] = &[
    (
        "engomo",
        "client_id: 'engomo'
client_name: 'engomo'
public: false
authorization_policy: 'two_factor'
require_pkce: false
pkce_challenge_method: ''
redirect_uris: ['https://engomo.example.com/auth', 'com.engomo.engomo://callback/']
scopes: ['openid', 'email', 'profile']
response_modes: ['form_post']
response_types: ['code']
grant_types: ['authorization_code']
access_token_signed_response_alg: 'none'
userinfo_signed_response_alg: 'none'
token_endpoint_auth_method: 'client_secret_post'",
    ),
    (
        "memos",
        "client_id: 'memos'
client_name: 'Memos'
public: false
authorization_policy: 'two_factor'
redirect_uris: ['https://memos.example.com/auth/callback']
scopes: ['openid', 'profile', 'email']
grant_types: ['authorization_code']
token_endpoint_auth_method: 'client_secret_post'
userinfo_signed_response_alg: 'none'",
    ),
    (
        "espocrm",
        "client_id: 'espocrm'
client_name: 'EspoCRM'
public: false
authorization_policy: 'two_factor'
redirect_uris: ['https://espocrm.example.com/oauth-callback.php']
scopes: ['openid', 'email', 'profile']
userinfo_signed_response_alg: 'none'
token_endpoint_auth_method: 'client_secret_basic'",
    ),
    (
        // RomM's own guide: the id is random there, the redirect follows the domain.
        "romm",
        "client_name: 'RomM'
public: false
authorization_policy: 'two_factor'
grant_types: ['authorization_code']
redirect_uris: ['https://romm.example.com/api/oauth/openid']
scopes: ['openid', 'email', 'profile']
userinfo_signed_response_alg: 'none'
token_endpoint_auth_method: 'client_secret_basic'",
    ),
];

#[test]
fn seed_clients_match_golden_values() {
    for (slug, yaml) in GOLDEN {
        let expected: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
        let p = plan(slug);
        let actual = client_map(&p);
        assert_same(slug, &expected, &actual, &[], &["scopes"]);
        assert_eq!(p.client.client_secret.as_deref(), Some(INSECURE_DIGEST));
        // Keys beyond the seed only spell out what Authelia does by default (the current guides
        // write them), except RomM's claims policy (the 4.39 claims change).
        let defaults: serde_yaml::Mapping = serde_yaml::from_str(
            "require_pkce: false
pkce_challenge_method: ''
response_types: ['code']
grant_types: ['authorization_code']
access_token_signed_response_alg: 'none'",
        )
        .unwrap();
        for (k, v) in &actual {
            let key = k.as_str().unwrap();
            if expected.contains_key(k) || ["client_secret", "client_id"].contains(&key) {
                continue;
            }
            if *slug == "romm" && key == "claims_policy" {
                continue;
            }
            assert_eq!(defaults.get(k), Some(v), "{slug}: unexpected key {key}");
        }
    }
}

/// Extracts the YAML client items of a seed document, with Hugo's `sitevar` shortcodes resolved.
fn seed_clients(text: &str) -> Vec<serde_yaml::Mapping> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut block = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            if in_block && block.contains("client_") {
                // Keep only the client items: from the first '- client_id' line on, commented
                // parents (RomM's guide) dropped.
                let start = block.find("- client_id").unwrap();
                let indent = block[..start].rsplit('\n').next().unwrap().len();
                let items: String = block[start - indent..]
                    .lines()
                    .map(|l| l.get(indent..).unwrap_or("").to_string() + "\n")
                    .collect();
                let v: Vec<serde_yaml::Mapping> = serde_yaml::from_str(&items).unwrap();
                out.extend(v);
            }
            in_block = line.trim() != "```" && line.contains("yaml") && !in_block;
            block.clear();
            continue;
        }
        if in_block {
            let resolved = line
                .replace(
                    r#"{{< sitevar name="domain" nojs="example.com" >}}"#,
                    "example.com",
                )
                .replace(
                    r#"{{< sitevar name="subdomain-authelia" nojs="auth" >}}"#,
                    "auth",
                )
                .replace("http://romm.host.local", "https://romm.example.com");
            block.push_str(&resolved);
            block.push('\n');
        }
    }
    out
}

#[test]
fn seed_documents_match_the_catalog() {
    let Some(shared) = shared("seed_documents_match_the_catalog") else {
        return;
    };
    let mut seen = Vec::new();
    for f in std::fs::read_dir(shared.join("seeds")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        for c in seed_clients(&text) {
            let id = c
                .get("client_id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let slug = if id == "<randomly_generated>" {
                "romm".to_string()
            } else {
                id
            };
            let p = plan(&slug);
            let actual = client_map(&p);
            let mut skip = vec!["client_secret"];
            if slug == "romm" {
                skip.push("client_id");
            }
            assert_same(&slug, &c, &actual, &skip, &["scopes"]);
            // The docs' digest in a seed is the digest of insecure_secret.
            if let Some(d) = c.get("client_secret").and_then(Value::as_str)
                && d.starts_with("$pbkdf2")
                && slug != "romm"
            {
                // (RomM's own guide shows a '$pbkdf2-sha512$randomly_generated' placeholder.)
                assert!(
                    secret::verify("insecure_secret", d).unwrap(),
                    "{slug}: seed digest"
                );
            }
            seen.push(slug);
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["engomo", "espocrm", "memos", "romm"]);
}

#[test]
fn steps_carry_the_real_values() {
    for slug in ["engomo", "memos", "espocrm", "romm"] {
        let p = plan(slug);
        let all = format!("{}\n{}", p.steps.join("\n"), render::dotenv(&p));
        assert!(all.contains(&p.client.client_id), "{slug}: client id");
        assert!(all.contains("insecure_secret"), "{slug}: secret");
        assert!(!all.contains('{'), "{slug}: unfilled placeholder in {all}");
        let uses_endpoint = all.contains("https://auth.example.com/api/oidc/authorization")
            || all.contains("https://auth.example.com\n")
            || all.contains("https://auth.example.com ")
            || p.steps.iter().any(|s| {
                s.ends_with("https://auth.example.com")
                    || s.contains("https://auth.example.com;")
                    || s.contains("https://auth.example.com.")
            });
        assert!(
            uses_endpoint,
            "{slug}: issuer or endpoints missing in {all}"
        );
    }
    let engomo = plan("engomo");
    assert!(
        engomo
            .steps
            .iter()
            .any(|s| s == "Issuer: https://auth.example.com")
    );
    assert!(
        engomo
            .notes
            .iter()
            .any(|n| n.contains("does not create users"))
    );
    let memos = plan("memos");
    assert!(
        memos
            .steps
            .contains(&"Token endpoint: https://auth.example.com/api/oidc/token".to_string())
    );
    let espo = plan("espocrm");
    assert!(
        espo.steps
            .contains(&"JSON Web Key Set Endpoint: https://auth.example.com/jwks.json".to_string())
    );
    let romm = plan("romm");
    let env: Vec<_> = romm.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(
        env,
        [
            "OIDC_ENABLED=true",
            "OIDC_PROVIDER=authelia",
            "OIDC_CLIENT_ID=romm",
            "OIDC_CLIENT_SECRET=insecure_secret",
            "OIDC_REDIRECT_URI=https://romm.example.com/api/oauth/openid",
            "OIDC_SERVER_APPLICATION_URL=https://auth.example.com",
        ]
    );
    assert!(romm.notes.iter().any(|n| n.contains("email")));
}

#[test]
fn romm_follows_the_439_claims_change() {
    let p = plan("romm");
    let cp = p
        .claims_policy
        .as_ref()
        .expect("RomM needs a claims policy");
    assert_eq!(cp.name, "romm");
    assert_eq!(p.client.claims_policy.as_deref(), Some("romm"));
    for c in ["email", "email_verified", "preferred_username", "name"] {
        assert!(cp.id_token.iter().any(|x| x == c), "{c}");
    }
    let y = render::client_yaml(&p);
    let doc: Value = serde_yaml::from_str(&y).unwrap();
    let claims = &doc["identity_providers"]["oidc"]["claims_policies"]["romm"]["id_token"];
    assert_eq!(claims.as_sequence().unwrap().len(), cp.id_token.len());
}

#[test]
fn client_yaml_is_docs_style_and_parses_back() {
    for slug in ["engomo", "memos", "espocrm", "romm"] {
        let p = plan(slug);
        let y = render::client_yaml(&p);
        assert!(y.starts_with("# Generated by oidc-wizard"), "{y}");
        assert!(y.contains(&format!("      - client_id: '{slug}'\n")), "{y}");
        assert!(y.contains(&format!("client_secret: '{INSECURE_DIGEST}'")));
        let doc: Value = serde_yaml::from_str(&y).unwrap();
        let item = &doc["identity_providers"]["oidc"]["clients"][0];
        let back: oidc_wizard::client::Client = serde_yaml::from_value(item.clone()).unwrap();
        assert_eq!(back, p.client, "{slug}");
    }
}
