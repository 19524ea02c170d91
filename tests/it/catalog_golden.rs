//! Golden tests for popular apps: the exact client each one puts in Authelia's configuration for
//! `example.com`, and the values the app side must carry. The expected clients are written from
//! Authelia's integration guides (their client blocks, for example.com), not from this program's
//! output; where an entry departs from its guide on purpose, the comment says so.

use oidc_wizard::catalog;
use oidc_wizard::plan::{self, Plan, Request, SecretState};
use oidc_wizard::render;
use serde_json::{Value, json};

const PLAINTEXT: &str = "Golden-Plain-Secret-42";
const DIGEST: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";

fn plan_for(slug: &str, variant: Option<&str>) -> Plan {
    let entry = catalog::find(slug).unwrap_or_else(|e| panic!("{slug}: {e}"));
    assert_eq!(entry.slug, slug);
    let setup = catalog::setup_of(entry, variant).unwrap();
    let req = Request {
        domain: "example.com".into(),
        ..Request::default()
    };
    let resolved = plan::resolve(entry, &setup, &req).unwrap();
    let secret = if plan::needs_secret(&setup) {
        SecretState::Ready {
            plaintext: PLAINTEXT.into(),
            digest: DIGEST.into(),
        }
    } else {
        SecretState::None
    };
    Plan::build(entry, &setup, &resolved, secret).unwrap_or_else(|e| panic!("{slug}: {e}"))
}

/// The client mapping must equal `want`, key order included (the docs' order).
fn assert_client(p: &Plan, want: Value) {
    let got = render::client_value(&p.client);
    assert_eq!(got, want, "{}: client differs", p.app);
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&got), keys(&want), "{}: key order differs", p.app);
}

fn env<'a>(p: &'a Plan, name: &str) -> &'a str {
    p.env
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{}: no env var {name} in {:?}", p.app, p.env))
}

fn text(p: &Plan) -> String {
    let mut t = p.steps.join("\n");
    for (k, v) in &p.env {
        t.push_str(&format!("\n{k}={v}"));
    }
    for (path, _, c) in &p.files {
        t.push_str(&format!("\n{path}\n{c}"));
    }
    t
}

fn assert_text(p: &Plan, wanted: &[&str]) {
    let t = text(p);
    for w in wanted {
        assert!(
            t.contains(w),
            "{}: '{w}' is not in the app side:\n{t}",
            p.app
        );
    }
}

fn claims(p: &Plan) -> Option<(String, Vec<String>)> {
    p.claims_policy
        .as_ref()
        .map(|c| (c.name.clone(), c.id_token.clone()))
}

/// What the plan adds beside the client under `identity_providers.oidc`, as one mapping from
/// `section.name` to the value.
fn additions(p: &Plan) -> Value {
    let mut m = serde_json::Map::new();
    for a in &p.additions {
        m.insert(
            format!("{}.{}", a.section.join("."), a.name),
            a.value.clone(),
        );
    }
    Value::Object(m)
}

#[test]
fn nextcloud_oidc_login() {
    let p = plan_for("nextcloud", None);
    // The guide's claims policy and custom scope nextcloud_userinfo come with the client; the
    // user attribute they read is a definition the user adds (shown as a file).
    assert_client(
        &p,
        json!({
            "client_id": "nextcloud",
            "client_name": "NextCloud",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "claims_policy": "nextcloud_userinfo",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://nextcloud.example.com/apps/oidc_login/oidc"],
            "scopes": ["openid", "profile", "email", "groups", "nextcloud_userinfo"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert!(p.differences.is_empty());
    assert_eq!(
        additions(&p),
        json!({
            "claims_policies.nextcloud_userinfo": {
                "custom_claims": {"is_nextcloud_admin": {"attribute": "is_nextcloud_admin"}}
            },
            "scopes.nextcloud_userinfo": {"claims": ["is_nextcloud_admin"]},
            "definitions.user_attributes.is_nextcloud_admin": {
                "expression": r#""nextcloud-admins" in groups ? "yes" : "no""#
            }
        })
    );
    let yaml = render::client_yaml(&p);
    let at = |s: &str| {
        yaml.find(s)
            .unwrap_or_else(|| panic!("'{s}' is not in:\n{yaml}"))
    };
    assert!(at("\n  oidc:\n") < at("\n    claims_policies:\n      nextcloud_userinfo:\n"));
    assert!(at("\n    scopes:\n      nextcloud_userinfo:\n") < at("\n    clients:\n"));
    assert_text(
        &p,
        &[
            "user_attributes:\n    is_nextcloud_admin:",
            "oidc_login_provider_url",
            "https://auth.example.com",
            "oidc_login_client_id",
            PLAINTEXT,
        ],
    );
}

#[test]
fn nextcloud_user_oidc() {
    let p = plan_for("nextcloud", Some("user-oidc"));
    assert_client(
        &p,
        json!({
            "client_id": "nextcloud",
            "client_name": "NextCloud",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://nextcloud.example.com/apps/user_oidc/code"],
            "scopes": ["openid", "profile", "email", "groups"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_post"
        }),
    );
    assert_text(
        &p,
        &[
            "https://auth.example.com/.well-known/openid-configuration",
            "nextcloud",
            PLAINTEXT,
        ],
    );
}

#[test]
fn immich() {
    let p = plan_for("immich", None);
    assert_client(
        &p,
        json!({
            "client_id": "immich",
            "client_name": "immich",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": [
                "https://immich.example.com/auth/login",
                "https://immich.example.com/user-settings",
                "app.immich:///oauth-callback"
            ],
            "scopes": ["openid", "profile", "email"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_eq!(claims(&p), None);
    assert_text(
        &p,
        &[
            "https://auth.example.com",
            "immich",
            PLAINTEXT,
            "openid profile email",
            "client_secret_basic",
        ],
    );
}

#[test]
fn jellyfin() {
    let p = plan_for("jellyfin", None);
    assert_client(
        &p,
        json!({
            "client_id": "jellyfin",
            "client_name": "Jellyfin",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://jellyfin.example.com/sso/OID/redirect/authelia"],
            "scopes": ["openid", "profile", "groups"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_post"
        }),
    );
    // The SSO-Auth plugin: provider authelia, endpoint = issuer, admin/user groups by default.
    assert_text(
        &p,
        &[
            "https://auth.example.com",
            "jellyfin",
            PLAINTEXT,
            "jellyfin-admins",
            "groups",
        ],
    );
}

#[test]
fn gitea() {
    let p = plan_for("gitea", None);
    assert_client(
        &p,
        json!({
            "client_id": "gitea",
            "client_name": "Gitea",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": false,
            "pkce_challenge_method": "",
            "redirect_uris": ["https://gitea.example.com/user/oauth2/authelia/callback"],
            "scopes": ["openid", "email", "profile"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_text(
        &p,
        &[
            "https://auth.example.com/.well-known/openid-configuration",
            "gitea",
            PLAINTEXT,
            "authelia",
        ],
    );
}

#[test]
fn grafana() {
    let p = plan_for("grafana", None);
    // The guide's claims-hydration escape hatch: a claims policy named after the client.
    assert_client(
        &p,
        json!({
            "client_id": "grafana",
            "client_name": "Grafana",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "claims_policy": "grafana",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://grafana.example.com/login/generic_oauth"],
            "scopes": ["openid", "profile", "groups", "email"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_eq!(
        claims(&p),
        Some((
            "grafana".into(),
            vec![
                "email".into(),
                "name".into(),
                "groups".into(),
                "preferred_username".into()
            ]
        ))
    );
    assert_eq!(env(&p, "GF_SERVER_ROOT_URL"), "https://grafana.example.com");
    assert_eq!(env(&p, "GF_AUTH_GENERIC_OAUTH_CLIENT_ID"), "grafana");
    assert_eq!(env(&p, "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"), PLAINTEXT);
    assert_eq!(
        env(&p, "GF_AUTH_GENERIC_OAUTH_AUTH_URL"),
        "https://auth.example.com/api/oidc/authorization"
    );
    assert_eq!(
        env(&p, "GF_AUTH_GENERIC_OAUTH_TOKEN_URL"),
        "https://auth.example.com/api/oidc/token"
    );
    assert_eq!(
        env(&p, "GF_AUTH_GENERIC_OAUTH_API_URL"),
        "https://auth.example.com/api/oidc/userinfo"
    );
    assert_eq!(env(&p, "GF_AUTH_GENERIC_OAUTH_USE_PKCE"), "true");
    assert_eq!(env(&p, "GF_AUTH_GENERIC_OAUTH_AUTH_STYLE"), "InHeader");
}

#[test]
fn home_assistant() {
    let p = plan_for("home-assistant", None);
    // The guide writes require_pkce before authorization_policy; the mapping uses the docs' order.
    assert_client(
        &p,
        json!({
            "client_id": "home-assistant",
            "client_name": "Home Assistant",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://home-assistant.example.com/auth/oidc/callback"],
            "scopes": ["openid", "profile", "groups"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_post"
        }),
    );
    assert_text(
        &p,
        &[
            "auth_oidc",
            "https://auth.example.com/.well-known/openid-configuration",
            "home-assistant",
            PLAINTEXT,
            "admins",
        ],
    );
}

#[test]
fn vaultwarden() {
    let p = plan_for("vaultwarden", None);
    // The guide's own claims policy (with the custom claim and scope vaultwarden) puts
    // vaultwarden_roles in the ID token.
    assert_client(
        &p,
        json!({
            "client_id": "vaultwarden",
            "client_name": "Vaultwarden",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "claims_policy": "vaultwarden",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://vault.example.com/identity/connect/oidc-signin"],
            "scopes": ["openid", "offline_access", "profile", "email", "vaultwarden"],
            "response_types": ["code"],
            "grant_types": ["authorization_code", "refresh_token"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_eq!(claims(&p), None);
    assert_eq!(
        additions(&p),
        json!({
            "claims_policies.vaultwarden": {
                "id_token": ["vaultwarden_roles"],
                "custom_claims": {"vaultwarden_roles": {}}
            },
            "scopes.vaultwarden": {"claims": ["vaultwarden_roles"]},
            "definitions.user_attributes.vaultwarden_roles": {
                "expression": r#""vaultwarden_admins" in groups ? ["admin"] : "vaultwarden_users" in groups ? ["user"] : [""]"#
            }
        })
    );
    assert_eq!(env(&p, "SSO_ENABLED"), "true");
    assert_eq!(env(&p, "SSO_AUTHORITY"), "https://auth.example.com");
    assert_eq!(
        env(&p, "SSO_SCOPES"),
        "profile email offline_access vaultwarden"
    );
    assert_eq!(env(&p, "SSO_PKCE"), "true");
    assert_eq!(env(&p, "SSO_CLIENT_ID"), "vaultwarden");
    assert_eq!(env(&p, "SSO_CLIENT_SECRET"), PLAINTEXT);
    assert_eq!(env(&p, "SSO_ROLES_TOKEN_PATH"), "/vaultwarden_roles");
}

#[test]
fn paperless() {
    let p = plan_for("paperless", None);
    assert_client(
        &p,
        json!({
            "client_id": "paperless",
            "client_name": "Paperless",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://paperless.example.com/accounts/oidc/authelia/login/callback/"],
            "scopes": ["openid", "profile", "email", "groups"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_eq!(
        env(&p, "PAPERLESS_APPS"),
        "allauth.socialaccount.providers.openid_connect"
    );
    let providers: Value = serde_json::from_str(env(&p, "PAPERLESS_SOCIALACCOUNT_PROVIDERS"))
        .expect("PAPERLESS_SOCIALACCOUNT_PROVIDERS is JSON");
    let oc = &providers["openid_connect"];
    assert_eq!(oc["OAUTH_PKCE_ENABLED"], json!(true));
    let app = &oc["APPS"][0];
    assert_eq!(app["provider_id"], "authelia");
    assert_eq!(app["client_id"], "paperless");
    assert_eq!(app["secret"], PLAINTEXT);
    assert_eq!(app["settings"]["server_url"], "https://auth.example.com");
    assert_eq!(app["settings"]["token_auth_method"], "client_secret_basic");
}

#[test]
fn portainer() {
    let p = plan_for("portainer", None);
    assert_client(
        &p,
        json!({
            "client_id": "portainer",
            "client_name": "Portainer",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": false,
            "pkce_challenge_method": "",
            "redirect_uris": ["https://portainer.example.com"],
            "scopes": ["openid", "profile", "groups", "email"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_post"
        }),
    );
    assert_text(
        &p,
        &[
            "https://auth.example.com/api/oidc/authorization",
            "https://auth.example.com/api/oidc/token",
            "https://auth.example.com/api/oidc/userinfo",
            "https://portainer.example.com",
            "portainer",
            PLAINTEXT,
            "preferred_username",
        ],
    );
}

#[test]
fn outline() {
    let p = plan_for("outline", None);
    assert_client(
        &p,
        json!({
            "client_id": "outline",
            "client_name": "Outline",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": false,
            "pkce_challenge_method": "",
            "redirect_uris": ["https://outline.example.com/auth/oidc.callback"],
            "scopes": ["openid", "offline_access", "profile", "email"],
            "response_types": ["code"],
            "grant_types": ["authorization_code", "refresh_token"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_post"
        }),
    );
    assert_eq!(env(&p, "URL"), "https://outline.example.com");
    assert_eq!(env(&p, "OIDC_CLIENT_ID"), "outline");
    assert_eq!(env(&p, "OIDC_CLIENT_SECRET"), PLAINTEXT);
    assert_eq!(
        env(&p, "OIDC_AUTH_URI"),
        "https://auth.example.com/api/oidc/authorization"
    );
    assert_eq!(
        env(&p, "OIDC_TOKEN_URI"),
        "https://auth.example.com/api/oidc/token"
    );
    assert_eq!(
        env(&p, "OIDC_USERINFO_URI"),
        "https://auth.example.com/api/oidc/userinfo"
    );
    assert_eq!(env(&p, "OIDC_USERNAME_CLAIM"), "preferred_username");
    assert_eq!(
        env(&p, "OIDC_SCOPES"),
        "openid offline_access profile email"
    );
}

#[test]
fn mealie() {
    let p = plan_for("mealie", None);
    assert_client(
        &p,
        json!({
            "client_id": "mealie",
            "client_name": "Mealie",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["https://mealie.example.com/login"],
            "scopes": ["openid", "email", "profile", "groups"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_eq!(env(&p, "OIDC_AUTH_ENABLED"), "true");
    assert_eq!(
        env(&p, "OIDC_CONFIGURATION_URL"),
        "https://auth.example.com/.well-known/openid-configuration"
    );
    assert_eq!(env(&p, "OIDC_CLIENT_ID"), "mealie");
    assert_eq!(env(&p, "OIDC_CLIENT_SECRET"), PLAINTEXT);
    assert_eq!(env(&p, "OIDC_ADMIN_GROUP"), "mealie-admins");
    assert_eq!(env(&p, "OIDC_USER_GROUP"), "mealie-users");
}

#[test]
fn audiobookshelf() {
    let p = plan_for("audiobookshelf", None);
    assert_client(
        &p,
        json!({
            "client_id": "audiobookshelf",
            "client_name": "audiobookshelf",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": [
                "https://audiobookshelf.example.com/auth/openid/callback",
                "https://audiobookshelf.example.com/auth/openid/mobile-redirect",
                "audiobookshelf://oauth"
            ],
            "scopes": ["openid", "profile", "groups", "email"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_text(
        &p,
        &[
            "Issuer URL: https://auth.example.com",
            "Authorize URL: https://auth.example.com/api/oidc/authorization",
            "Token URL: https://auth.example.com/api/oidc/token",
            "Userinfo URL: https://auth.example.com/api/oidc/userinfo",
            "JWKS URL: https://auth.example.com/jwks.json",
            "Client ID: audiobookshelf",
            &format!("Client Secret: {PLAINTEXT}"),
            "Signing Algorithm: RS256",
            "Allowed Mobile Redirect URIs: audiobookshelf://oauth",
        ],
    );
}

#[test]
fn argocd_web_and_cli() {
    let p = plan_for("argocd", None);
    assert_client(
        &p,
        json!({
            "client_id": "argocd",
            "client_name": "Argo CD",
            "client_secret": DIGEST,
            "public": false,
            "authorization_policy": "two_factor",
            "require_pkce": false,
            "pkce_challenge_method": "",
            "redirect_uris": ["https://argocd.example.com/auth/callback"],
            "scopes": ["openid", "groups", "email"],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "client_secret_basic"
        }),
    );
    assert_text(
        &p,
        &[
            "issuer: 'https://auth.example.com'",
            "clientID: 'argocd'",
            &format!("clientSecret: '{PLAINTEXT}'"),
            "url: 'https://argocd.example.com'",
        ],
    );
    let cli = plan_for("argocd", Some("cli"));
    assert_eq!(cli.secret, SecretState::None);
    assert_client(
        &cli,
        json!({
            "client_id": "argocd-cli",
            "client_name": "Argo CD (CLI)",
            "public": true,
            "authorization_policy": "two_factor",
            "require_pkce": true,
            "pkce_challenge_method": "S256",
            "redirect_uris": ["http://localhost:8085/auth/callback"],
            "scopes": ["openid", "offline_access", "groups", "email"],
            "response_types": ["code"],
            "grant_types": ["authorization_code", "refresh_token"],
            "access_token_signed_response_alg": "none",
            "userinfo_signed_response_alg": "none",
            "token_endpoint_auth_method": "none"
        }),
    );
    assert_text(&cli, &["cliClientID: 'argocd-cli'"]);
}
