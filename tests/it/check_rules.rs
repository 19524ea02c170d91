//! `check` agrees with Authelia v4.39.20: what it accepts, how it names clients, what it refuses.

use oidc_wizard::config::{Document, check};

const HEAD: &str =
    "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n";

fn run(clients: &str) -> (check::Report, String) {
    let doc = Document::from_bytes("/tmp/c.yml", format!("{HEAD}{clients}").into_bytes());
    let r = check::check(&doc).unwrap();
    let t = check::report_text(&r);
    (r, t)
}

/// Authelia decodes weakly (provider.go:67 `WeaklyTypedInput: true`) with
/// `StringToSliceHookFunc(",")` first (decode_hooks.go:31): none of these is an error.
#[test]
fn weakly_typed_values_are_accepted() {
    let (r, t) = run(concat!(
        "      - client_id: app\n",
        "        public: 'true'\n",
        "        require_pkce: 1\n",
        "        pkce_challenge_method: S256\n",
        "        redirect_uris: 'https://app.example.com/cb'\n",
        "        scopes: 'openid,profile'\n",
        "        grant_types: authorization_code\n",
        "        response_types: code\n",
        "        pre_configured_consent_duration: 30\n",
        "      - client_id: 42\n",
        "        public: 'false'\n",
        "        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n",
        "        redirect_uris: ['https://b.example.com/cb']\n",
        "        scopes: [openid, 7]\n",
    ));
    assert_eq!(r.errors, 0, "{t}");
    assert!(!t.contains("cannot be read"), "{t}");
    assert!(t.contains("client '42'"), "{t}");
}

/// Values weak decoding refuses too (strconv.ParseBool) are still errors.
#[test]
fn values_weak_decoding_refuses_stay_errors() {
    let (r, t) = run(concat!(
        "      - client_id: app\n",
        "        public: 'maybe'\n",
        "        redirect_uris: ['https://app.example.com/cb']\n",
    ));
    assert!(
        r.errors >= 1 && t.contains("cannot be read as a client"),
        "{t}"
    );
}

/// Clients are named by their id, a missing id is said with its line, and a finding shared by
/// several clients is one line naming them.
#[test]
fn clients_named_by_id_and_findings_grouped() {
    let (r, t) = run(concat!(
        "      - client_name: Nameless\n",
        "        public: true\n",
        "        redirect_uris: ['https://n.example.com/cb']\n",
        "      - client_id: a\n        public: true\n",
        "      - client_id: b\n        public: true\n",
        "      - client_id: c\n        public: true\n",
    ));
    assert!(!t.contains('#'), "{t}");
    assert!(
        t.contains("client without client_id Nameless (line 7)"),
        "{t}"
    );
    assert!(t.contains("has no client_id"), "{t}");
    assert!(
        t.contains("3 clients: has no redirect_uris: no sign-in can succeed: a, b, c"),
        "{t}"
    );
    assert_eq!(t.matches("has no redirect_uris").count(), 1, "{t}");
    assert_eq!(r.clients[0].client_id, "");
}

/// identity_providers.go:1363-1367 (v4.39.20): client_secret_jwt needs a plaintext secret.
#[test]
fn client_secret_jwt_with_a_digest_is_an_error() {
    let (r, t) = run(concat!(
        "      - client_id: app\n",
        "        token_endpoint_auth_method: client_secret_jwt\n",
        "        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n",
        "        redirect_uris: ['https://app.example.com/cb']\n",
    ));
    assert!(r.errors >= 1 && t.contains("a digest is refused"), "{t}");
}

/// A literal value made of the mask's letter is not a template: only a `{{ ... }}` span makes
/// one (scan.rs `Text::made_by_template`). Here a literal `xxxx` secret is plaintext and a
/// literal `xxx` id used twice is a duplicate (identity_providers.go:640-660), while the real
/// template beside them is still taken for a digest.
#[test]
fn a_literal_that_looks_like_the_mask_is_not_a_template() {
    let (r, t) = run(concat!(
        "      - client_id: xxx\n",
        "        client_secret: 'xxxxxxxxxxxxxxxx'\n",
        "        redirect_uris: ['https://a.example.com/cb']\n",
        "      - client_id: xxx\n",
        "        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n",
        "        redirect_uris: ['https://b.example.com/cb']\n",
        "      - client_id: tpl\n",
        "        client_secret: '{{ secret \"/run/secrets/tpl\" }}'\n",
        "        redirect_uris: ['https://c.example.com/cb']\n",
    ));
    assert!(t.contains("client_secret is plaintext"), "{t}");
    assert!(
        t.contains("client id 'xxx' is used by more than one client"),
        "{t}"
    );
    let tpl = r.clients.iter().find(|c| c.client_id == "tpl").unwrap();
    assert!(tpl.findings.is_empty(), "{t}");
}

/// The secrets a file holds (write.rs `secrets_in`): a literal `xxxx` password is one even in a
/// file with templates; a templated value is not.
#[test]
fn secrets_in_tells_a_literal_from_a_template() {
    use oidc_wizard::config::write::secrets_in;
    let text = "storage:\n  encryption_key: '{{ secret \"/run/k\" }}'\n  postgres:\n    password: xxxxxxxx\nsession:\n  secret: {{ env \"S\" }}\n";
    assert_eq!(secrets_in(text.as_bytes()), ["storage.postgres.password"]);
}
