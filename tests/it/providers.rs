//! The Pocket ID, Kanidm and Keycloak providers: for every catalog app (and variant) each one
//! supports, the output is valid for that provider (Keycloak's client checked against a schema
//! of `ClientRepresentation`, Pocket ID's request bodies against its DTOs, the scripts through
//! `bash -n` and each command's argument vector), the refusals say why, and golden values for
//! engomo, Memos, EspoCRM and RomM on each.

use oidc_wizard::app::{self, Choice};
use oidc_wizard::catalog::{self, AppEntry};
use oidc_wizard::plan::{self, Request};
use oidc_wizard::provider::{self, Delivery, Output};
use oidc_wizard::secret::Charset;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::Command;

const PROVIDERS: &[&str] = &["pocket-id", "kanidm", "keycloak"];

fn sample_value(key: &str) -> String {
    let k = key.to_lowercase();
    if k.contains("uri") || k.contains("url") || k.contains("redirect") || k.contains("callback") {
        "https://app.example.com/callback".into()
    } else {
        "sample".into()
    }
}

fn request(entry: &AppEntry, variant: Option<&str>, client_id: Option<String>) -> Request {
    let setup = catalog::setup_of(entry, variant).expect("setup");
    let values: BTreeMap<String, String> = plan::inputs_of(entry, &setup)
        .into_iter()
        .filter(|i| i.default.is_none())
        .map(|i| (i.key.clone(), sample_value(&i.key)))
        .collect();
    Request {
        domain: "example.com".into(),
        client_id,
        values,
        ..Request::default()
    }
}

fn build(choice: &Choice, req: &Request) -> oidc_wizard::Result<Output> {
    let secret = app::draw_secret(choice.secret_need(), 72, Charset::Rfc3986)?;
    choice.build(req, secret)
}

/// Builds every supported app and setup on a provider (a Kanidm name it cannot take is given
/// in a form it can, as a user would with `--client-id`).
fn every_output(provider_id: &str) -> Vec<(String, Output)> {
    let mut out = vec![];
    for entry in catalog::all().expect("catalog") {
        let mut variants: Vec<Option<&str>> = vec![None];
        variants.extend(entry.variants.iter().map(|v| Some(v.id.as_str())));
        for v in variants {
            let label = format!(
                "{}{}",
                entry.slug,
                v.map(|v| format!(" ({v})")).unwrap_or_default()
            );
            let Ok(choice) = Choice::new(provider_id, entry, v) else {
                continue;
            };
            let mut req = request(entry, v, None);
            let built = match build(&choice, &req) {
                Err(e) if e.to_string().contains("Kanidm names start") => {
                    let id: String = entry
                        .slug
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect::<String>()
                        .to_lowercase();
                    req.client_id = Some(format!("app-{id}"));
                    build(&choice, &req)
                }
                other => other,
            };
            match built {
                Ok(o) => out.push((label, o)),
                Err(e) => panic!("{provider_id}: {label} is supported but does not build: {e}"),
            }
        }
    }
    assert!(out.len() > 100, "{provider_id}: only {} outputs", out.len());
    out
}

/// Splits one shell command into words as `sh` does for quoting (single quotes, double quotes,
/// backslashes); `$NAME` is kept as written.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = vec![];
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => cur.extend(chars.next()),
                        _ => cur.push(d),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// `bash -n` on a script: it parses.
fn bash_parses(label: &str, text: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.sh");
    std::fs::write(&path, text).expect("write");
    let o = Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .expect("bash runs");
    assert!(
        o.status.success(),
        "{label}: bash -n fails: {}\n{text}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The script's command lines (not comments, assignments or `set`/`export`/`echo`), and the
/// here-documents that follow a command.
fn script_commands(text: &str) -> Vec<(Vec<String>, Option<String>)> {
    let mut out = vec![];
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        let t = l.trim();
        if t.is_empty()
            || t.starts_with('#')
            || t.starts_with("set ")
            || t.starts_with("export ")
            || t.starts_with(": ")
            || t == "echo"
            || (t.contains('=') && !t.contains(' '))
        {
            continue;
        }
        if let Some(cmd) = t.strip_suffix("<<'JSON'") {
            let mut body = String::new();
            for b in lines.by_ref() {
                if b == "JSON" {
                    break;
                }
                body.push_str(b);
                body.push('\n');
            }
            out.push((shell_words(cmd), Some(body)));
        } else {
            out.push((shell_words(t), None));
        }
    }
    out
}

fn new_file(o: &Output) -> (&str, &str, bool) {
    match &o.delivery {
        Delivery::NewFile {
            file_name,
            text,
            private,
        } => (file_name, text, *private),
        Delivery::Merge => panic!("{}: a merge, not a new file", o.provider),
    }
}

/// The scheme of a URL (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`), lower-cased.
fn scheme(u: &str) -> Option<String> {
    let (s, _) = u.split_once(':')?;
    let mut c = s.chars();
    (c.next()?.is_ascii_alphabetic() && c.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| s.to_ascii_lowercase())
}

// ---- Pocket ID -------------------------------------------------------------------------

/// The fields of Pocket ID's `OidcClientCreateDto` this tool sends, with their JSON types and
/// rules (pocket-id backend/internal/dto/oidc_dto.go:41-65; the id's pattern
/// dto/validations.go:27).
fn check_pocket_id_create(label: &str, body: &Value) {
    let m = body.as_object().expect("an object");
    for (k, v) in m {
        let ok = match k.as_str() {
            "id" => v.as_str().is_some_and(|s| {
                (2..=128).contains(&s.len())
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            }),
            "name" => v
                .as_str()
                .is_some_and(|s| !s.is_empty() && s.chars().count() <= 50),
            // utils/callback_url_util.go:33-46: a scheme, neither javascript nor data.
            "callbackURLs" | "logoutCallbackURLs" => v.as_array().is_some_and(|a| {
                a.iter().all(|u| {
                    u.as_str()
                        .and_then(scheme)
                        .is_some_and(|s| s != "javascript" && s != "data")
                })
            }),
            "isPublic" | "pkceEnabled" | "requiresReauthentication" | "skipConsent" => {
                v.is_boolean()
            }
            _ => false,
        };
        assert!(ok, "{label}: Pocket ID's create body has a bad {k}: {v}");
    }
    for k in ["id", "name", "callbackURLs", "isPublic", "pkceEnabled"] {
        assert!(m.contains_key(k), "{label}: create body lacks {k}");
    }
}

#[test]
fn pocket_id_every_supported_app_gives_a_script_that_parses_and_valid_requests() {
    for (label, o) in every_output("pocket-id") {
        let (name, text, private) = new_file(&o);
        assert!(
            name.starts_with("pocket-id-") && name.ends_with(".sh"),
            "{label}: {name}"
        );
        assert_eq!(private, o.secret.is_some(), "{label}");
        bash_parses(&label, text);
        let cmds = script_commands(text);
        let want = if o.secret.is_some() { 2 } else { 1 };
        assert_eq!(cmds.len(), want, "{label}: {cmds:?}");
        let id = o.json["client_id"].as_str().expect("client_id").to_string();
        for (i, (argv, body)) in cmds.iter().enumerate() {
            // controller/oidc_controller.go:29 (create) and :38 (secrets), under /api
            // (bootstrap/router_bootstrap.go:149); the key goes in X-API-Key
            // (middleware/api_key_auth.go:38).
            let path = if i == 0 {
                "/api/oidc/clients".to_string()
            } else {
                format!("/api/oidc/clients/{id}/secrets")
            };
            let want: Vec<String> = [
                "curl",
                "-fsS",
                "-X",
                "POST",
                &format!("$POCKET_ID_URL{path}"),
                "-H",
                "X-API-KEY: $POCKET_ID_API_KEY",
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                "@-",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            assert_eq!(argv, &want, "{label}");
            let body: Value = serde_json::from_str(body.as_deref().expect("a body"))
                .unwrap_or_else(|e| panic!("{label}: body is not JSON: {e}"));
            if i == 0 {
                check_pocket_id_create(&label, &body);
                assert_eq!(body["id"], json!(id), "{label}");
                assert_eq!(body["callbackURLs"], json!(o.redirect_uris), "{label}");
            } else {
                // dto/oidc_dto.go:78-81: at least 16 printable ASCII characters.
                let s = body["secret"].as_str().expect("secret");
                assert_eq!(Some(s), o.secret.as_deref(), "{label}");
                assert!(
                    s.len() >= 16 && s.chars().all(|c| c.is_ascii_graphic()),
                    "{label}"
                );
                assert_eq!(body.as_object().map(|m| m.len()), Some(1), "{label}");
            }
        }
        assert_eq!(o.json["issuer"], json!("https://id.example.com"), "{label}");
    }
}

// ---- Kanidm ----------------------------------------------------------------------------

/// `OAUTHSCOPE_RE` (kanidm server/lib/src/value.rs:94): words of `[0-9a-zA-Z_]` joined by `:`,
/// `-`, `.` or `://`.
fn kanidm_scope(s: &str) -> bool {
    let s = s.replace("://", ":");
    !s.is_empty()
        && s.split([':', '-', '.'])
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// `INAME_RE` (value.rs:65).
fn kanidm_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() <= 64
        && c.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Checks one `kanidm system oauth2` command against the CLI's definition
/// (tools/cli/src/opt/kanidm.rs:976-1145).
fn check_kanidm_argv(label: &str, argv: &[String], name: &str) {
    assert_eq!(
        &argv[..3],
        ["kanidm", "system", "oauth2"],
        "{label}: {argv:?}"
    );
    let sub = argv[3].as_str();
    assert_eq!(argv[4], name, "{label}: {argv:?}");
    let rest = &argv[5..];
    match sub {
        // create / create-public: name displayname origin (kanidm.rs:976-1000).
        "create" | "create-public" => {
            assert_eq!(rest.len(), 2, "{label}: {argv:?}");
            assert!(!rest[0].is_empty(), "{label}");
            assert!(
                rest[1].starts_with("https://") || rest[1].starts_with("http://"),
                "{label}"
            );
        }
        // add-redirect-url: name url (kanidm.rs:1097-1103).
        "add-redirect-url" => {
            assert_eq!(rest.len(), 1, "{label}: {argv:?}");
            assert!(scheme(&rest[0]).is_some(), "{label}: {argv:?}");
        }
        // update-scope-map: name group scopes... (Oauth2CreateScopeMapOpt).
        "update-scope-map" => {
            assert!(rest.len() >= 2, "{label}: {argv:?}");
            assert!(kanidm_name(&rest[0]), "{label}: group {}", rest[0]);
            assert!(rest[1..].iter().any(|s| s == "openid"), "{label}: {argv:?}");
            for s in &rest[1..] {
                assert!(kanidm_scope(s), "{label}: scope {s}");
            }
        }
        "prefer-short-username"
        | "warning-enable-legacy-crypto"
        | "warning-insecure-client-disable-pkce"
        | "enable-localhost-redirects"
        | "show-basic-secret" => assert!(rest.is_empty(), "{label}: {argv:?}"),
        other => panic!("{label}: unknown kanidm subcommand {other}"),
    }
}

#[test]
fn kanidm_every_supported_app_gives_commands_that_parse_and_match_the_cli() {
    for (label, o) in every_output("kanidm") {
        let (name, text, private) = new_file(&o);
        assert!(
            name.starts_with("kanidm-") && name.ends_with(".sh"),
            "{label}"
        );
        assert!(
            !private && o.secret.is_none(),
            "{label}: Kanidm makes the secret"
        );
        bash_parses(&label, text);
        let id = o.json["client_id"].as_str().expect("client_id").to_string();
        assert!(kanidm_name(&id), "{label}: {id}");
        let from_script: Vec<Vec<String>> =
            script_commands(text).into_iter().map(|(a, _)| a).collect();
        let from_json: Vec<Vec<String>> =
            serde_json::from_value(o.json["commands"].clone()).expect("commands");
        assert_eq!(
            from_script, from_json,
            "{label}: the script's quoting changes a word"
        );
        let public = o.json["public"] == json!(true);
        assert_eq!(
            from_json[0][3],
            if public { "create-public" } else { "create" },
            "{label}"
        );
        for argv in &from_json {
            check_kanidm_argv(&label, argv, &id);
        }
        let redirects: Vec<&String> = from_json
            .iter()
            .filter(|a| a[3] == "add-redirect-url")
            .map(|a| &a[5])
            .collect();
        assert_eq!(redirects.len(), o.redirect_uris.len(), "{label}");
        assert_eq!(
            from_json.iter().any(|a| a[3] == "show-basic-secret"),
            !public,
            "{label}"
        );
        // oauth2.rs:972: the issuer is per client, without a trailing slash.
        assert_eq!(
            o.json["issuer"],
            json!(format!("https://idm.example.com/oauth2/openid/{id}")),
            "{label}"
        );
    }
}

// ---- Keycloak --------------------------------------------------------------------------

/// The keys of Keycloak's `ClientRepresentation` this tool writes, with their JSON types
/// (keycloak core/src/main/java/org/keycloak/representations/idm/ClientRepresentation.java:
/// String clientId, name, protocol, clientAuthenticatorType, secret, baseUrl; Boolean enabled,
/// publicClient, standardFlowEnabled, implicitFlowEnabled, directAccessGrantsEnabled,
/// serviceAccountsEnabled; List<String> redirectUris, webOrigins, defaultClientScopes,
/// optionalClientScopes; Map<String, String> attributes; List<ProtocolMapperRepresentation>
/// protocolMappers).
fn check_keycloak_client(label: &str, v: &Value) {
    let strings = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
    let string_map = |v: &Value| {
        v.as_object()
            .is_some_and(|m| m.values().all(Value::is_string))
    };
    let m = v.as_object().expect("an object");
    for (k, x) in m {
        let ok = match k.as_str() {
            "clientId" | "name" | "protocol" | "clientAuthenticatorType" | "secret" | "baseUrl" => {
                x.is_string()
            }
            "enabled"
            | "publicClient"
            | "standardFlowEnabled"
            | "implicitFlowEnabled"
            | "directAccessGrantsEnabled"
            | "serviceAccountsEnabled" => x.is_boolean(),
            "redirectUris" | "webOrigins" | "defaultClientScopes" | "optionalClientScopes" => {
                strings(x)
            }
            "attributes" => string_map(x),
            // ProtocolMapperRepresentation: String name, protocol, protocolMapper; Boolean
            // consentRequired; Map<String, String> config.
            "protocolMappers" => x.as_array().is_some_and(|a| {
                a.iter().all(|pm| {
                    pm.as_object().is_some_and(|pm| {
                        pm.iter().all(|(k, v)| match k.as_str() {
                            "name" | "protocol" | "protocolMapper" => v.is_string(),
                            "consentRequired" => v.is_boolean(),
                            "config" => string_map(v),
                            _ => false,
                        })
                    })
                })
            }),
            _ => false,
        };
        assert!(
            ok,
            "{label}: ClientRepresentation has no {k} of this type: {x}"
        );
    }
    assert_eq!(m["protocol"], "openid-connect", "{label}");
    let public = m["publicClient"] == json!(true);
    assert_eq!(m.contains_key("secret"), !public, "{label}");
    if let Some(p) = m["attributes"].get("pkce.code.challenge.method") {
        assert!(p == "S256" || p == "plain", "{label}: {p}");
    }
    assert!(
        m["standardFlowEnabled"] == json!(true)
            || m["implicitFlowEnabled"] == json!(true)
            || m["serviceAccountsEnabled"] == json!(true),
        "{label}: no flow enabled"
    );
}

#[test]
fn keycloak_every_supported_app_gives_a_valid_client_representation() {
    for (label, o) in every_output("keycloak") {
        let (name, text, private) = new_file(&o);
        assert!(
            name.starts_with("keycloak-") && name.ends_with(".json"),
            "{label}"
        );
        assert_eq!(private, o.secret.is_some(), "{label}");
        let client: Value = serde_json::from_str(text).expect("the file is JSON");
        check_keycloak_client(&label, &client);
        assert_eq!(client, o.json["client"], "{label}");
        assert_eq!(client["secret"].as_str(), o.secret.as_deref(), "{label}");
        assert_eq!(client["redirectUris"], json!(o.redirect_uris), "{label}");
        let import: Value =
            serde_json::from_str(o.json["partial_import"].as_str().expect("partial_import"))
                .expect("JSON");
        assert_eq!(import["clients"], json!([client]), "{label}");
        let wants_groups = o.plan.client.scopes.iter().flatten().any(|s| s == "groups");
        let has_mapper = client["protocolMappers"].as_array().is_some_and(|a| {
            a.iter()
                .any(|m| m["protocolMapper"] == "oidc-group-membership-mapper")
        });
        assert_eq!(wants_groups, has_mapper, "{label}");
        assert_eq!(
            o.json["issuer"],
            json!("https://keycloak.example.com/realms/master"),
            "{label}"
        );
    }
}

// ---- refusals and apps --json ------------------------------------------------------------

#[test]
fn refusals_say_why_in_one_line() {
    let cases = [
        ("kanidm", "engomo", "needs the form_post response mode"),
        ("kanidm", "odoo", "'token' response type"),
        ("kanidm", "incus", "public client without PKCE"),
        ("pocket-id", "odoo", "Pocket ID issues only 'code'"),
        ("pocket-id", "uptime-kuma", "authelia.bearer.authz"),
        ("keycloak", "uptime-kuma", "authelia.bearer.authz"),
    ];
    for (p, a, why) in cases {
        let e = Choice::find(p, a, None).expect_err(&format!("{p} refuses {a}"));
        let m = e.to_string();
        assert!(m.contains(why) && !m.contains('\n'), "{p} {a}: {m}");
        let o = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
            .args(["add", a, "--provider", p, "--domain", "example.com"])
            .env_remove("X_AUTHELIA_CONFIG")
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(1), "{p} {a}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn apps_json_lists_the_providers_of_each_app() {
    let o = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args(["apps", "--json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let apps = v.as_array().expect("array");
    for a in apps {
        let slug = a["slug"].as_str().expect("slug");
        let listed: Vec<&str> = a["providers"]
            .as_array()
            .expect("providers")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let entry = catalog::find(slug).expect("entry");
        let want: Vec<&str> = provider::all()
            .iter()
            .filter(|p| p.supports(entry).is_ok())
            .map(|p| p.id())
            .collect();
        assert_eq!(listed, want, "{slug}");
        assert_eq!(
            listed.contains(&"authentik"),
            a["authentik"] == json!(true),
            "{slug}"
        );
    }
    let memos = apps.iter().find(|a| a["slug"] == "memos").expect("memos");
    assert_eq!(
        memos["providers"],
        json!(["authelia", "authentik", "pocket-id", "kanidm", "keycloak"])
    );
    let engomo = apps.iter().find(|a| a["slug"] == "engomo").expect("engomo");
    assert_eq!(
        engomo["providers"],
        json!(["authelia", "authentik", "pocket-id", "keycloak"])
    );
}

// ---- golden values -----------------------------------------------------------------------

fn cli_json(app: &str, provider: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args([
            "add",
            app,
            "--provider",
            provider,
            "--domain",
            "example.com",
            "--json",
        ])
        .env_remove("X_AUTHELIA_CONFIG")
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

/// Pocket ID's golden values: the create body from the catalog's client (name, redirect URIs,
/// confidential, PKCE off) and Pocket ID's endpoints (well_known_controller.go:100-108).
fn pocket_golden(app: &str, name: &str, callbacks: Value) -> Value {
    let v = cli_json(app, "pocket-id");
    let secret = v["client_secret"].as_str().expect("a secret").to_string();
    assert_eq!(secret.len(), 72);
    assert_eq!(
        v["requests"],
        json!([
            {"method": "POST", "path": "/api/oidc/clients", "body": {
                "id": app, "name": name, "callbackURLs": callbacks,
                "isPublic": false, "pkceEnabled": false}},
            {"method": "POST", "path": format!("/api/oidc/clients/{app}/secrets"),
             "body": {"secret": secret}}
        ])
    );
    let e = &v["endpoints"];
    assert_eq!(e["issuer"], "https://id.example.com");
    assert_eq!(
        e["authorization_endpoint"],
        "https://id.example.com/authorize"
    );
    assert_eq!(e["token_endpoint"], "https://id.example.com/api/oidc/token");
    assert_eq!(
        e["userinfo_endpoint"],
        "https://id.example.com/api/oidc/userinfo"
    );
    assert_eq!(
        e["jwks_uri"],
        "https://id.example.com/.well-known/jwks.json"
    );
    assert_eq!(v["file_name"], format!("pocket-id-{app}.sh"));
    v
}

/// Kanidm's golden commands: create (confidential), each redirect, the scope map from the
/// catalog's scopes, short usernames, PKCE off (the catalog has require_pkce false), the secret.
fn kanidm_golden(app: &str, name: &str, redirects: &[&str], scopes: &[&str]) -> Value {
    let v = cli_json(app, "kanidm");
    let k = |sub: &str, more: &[&str]| {
        let mut a = vec!["kanidm", "system", "oauth2", sub, app];
        a.extend(more);
        json!(a)
    };
    let group = format!("{app}_users");
    let mut want = vec![k("create", &[name, &format!("https://{app}.example.com/")])];
    for r in redirects {
        want.push(k("add-redirect-url", &[r]));
    }
    let mut map = vec![group.as_str()];
    map.extend(scopes);
    want.push(k("update-scope-map", &map));
    want.push(k("prefer-short-username", &[]));
    want.push(k("warning-insecure-client-disable-pkce", &[]));
    want.push(k("show-basic-secret", &[]));
    assert_eq!(v["commands"], json!(want));
    assert!(v.get("client_secret").is_none(), "Kanidm makes the secret");
    assert_eq!(
        v["issuer"],
        json!(format!("https://idm.example.com/oauth2/openid/{app}"))
    );
    assert_eq!(
        v["endpoints"]["authorization_endpoint"],
        "https://idm.example.com/ui/oauth2"
    );
    assert_eq!(
        v["endpoints"]["token_endpoint"],
        "https://idm.example.com/oauth2/token"
    );
    assert_eq!(
        v["endpoints"]["jwks_uri"],
        json!(format!(
            "https://idm.example.com/oauth2/openid/{app}/public_key.jwk"
        ))
    );
    v
}

/// Keycloak's golden client representation.
fn keycloak_golden(app: &str, name: &str, redirects: Value, scopes: Value) -> Value {
    let v = cli_json(app, "keycloak");
    let secret = v["client_secret"].as_str().expect("a secret").to_string();
    assert_eq!(
        v["client"],
        json!({
            "clientId": app,
            "name": name,
            "enabled": true,
            "protocol": "openid-connect",
            "publicClient": false,
            "clientAuthenticatorType": "client-secret",
            "secret": secret,
            "baseUrl": format!("https://{app}.example.com/"),
            "redirectUris": redirects,
            "webOrigins": ["+"],
            "standardFlowEnabled": true,
            "implicitFlowEnabled": false,
            "directAccessGrantsEnabled": false,
            "serviceAccountsEnabled": false,
            "attributes": {},
            "defaultClientScopes": scopes,
            "optionalClientScopes": [],
            "protocolMappers": []
        })
    );
    assert_eq!(v["realm"], "master");
    assert_eq!(v["issuer"], "https://keycloak.example.com/realms/master");
    assert_eq!(
        v["endpoints"]["token_endpoint"],
        "https://keycloak.example.com/realms/master/protocol/openid-connect/token"
    );
    v
}

#[test]
fn golden_memos() {
    let cb = "https://memos.example.com/auth/callback";
    let v = pocket_golden("memos", "Memos", json!([cb]));
    let secret = v["client_secret"].as_str().expect("secret");
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(steps.contains(&format!("Client secret: {secret}").as_str()));
    assert!(steps.contains(&"Token endpoint: https://id.example.com/api/oidc/token"));
    assert!(steps.contains(&"Name: Pocket ID (this is the label on the sign-in button)."));
    let k = kanidm_golden("memos", "Memos", &[cb], &["openid", "profile", "email"]);
    assert!(k["steps"].as_array().expect("steps").contains(&json!(
        "Client secret: <the output of kanidm system oauth2 show-basic-secret memos>"
    )));
    keycloak_golden(
        "memos",
        "Memos",
        json!([cb]),
        json!(["acr", "basic", "web-origins", "profile", "email"]),
    );
}

#[test]
fn golden_engomo() {
    let cbs = [
        "https://engomo.example.com/auth",
        "com.engomo.engomo://callback/",
    ];
    let v = pocket_golden("engomo", "engomo", json!(cbs));
    assert!(
        v["steps"]
            .as_array()
            .expect("steps")
            .contains(&json!("Issuer: https://id.example.com"))
    );
    // Kanidm answers only by query or fragment (kanidm server/lib/src/idm/oauth2.rs:3079);
    // engomo's client takes form_post only (assets/apps/engomo.yaml).
    let e = Choice::find("kanidm", "engomo", None).expect_err("refused");
    assert_eq!(
        e.to_string(),
        "Kanidm cannot serve engomo: it needs the form_post response mode, and Kanidm answers only by query or fragment"
    );
    keycloak_golden(
        "engomo",
        "engomo",
        json!(cbs),
        json!(["acr", "basic", "web-origins", "email", "profile"]),
    );
}

#[test]
fn golden_espocrm() {
    let cb = "https://espocrm.example.com/oauth-callback.php";
    let v = pocket_golden("espocrm", "EspoCRM", json!([cb]));
    assert!(v["steps"].as_array().expect("steps").contains(&json!(
        "JSON Web Key Set Endpoint: https://id.example.com/.well-known/jwks.json"
    )));
    let k = kanidm_golden("espocrm", "EspoCRM", &[cb], &["openid", "email", "profile"]);
    assert!(k["steps"].as_array().expect("steps").contains(&json!(
        "Authorization Endpoint: https://idm.example.com/ui/oauth2"
    )));
    keycloak_golden(
        "espocrm",
        "EspoCRM",
        json!([cb]),
        json!(["acr", "basic", "web-origins", "email", "profile"]),
    );
}

#[test]
fn golden_romm() {
    let cb = "https://romm.example.com/api/oauth/openid";
    let v = pocket_golden("romm", "RomM", json!([cb]));
    assert_eq!(v["env"]["OIDC_PROVIDER"], "pocket-id");
    assert_eq!(
        v["env"]["OIDC_SERVER_APPLICATION_URL"],
        "https://id.example.com"
    );
    assert_eq!(v["env"]["OIDC_CLIENT_SECRET"], v["client_secret"]);
    assert_eq!(v["env"]["OIDC_REDIRECT_URI"], cb);
    let notes = v["notes"].to_string();
    assert!(
        !notes.contains("claims policy"),
        "Authelia's claims policy is not Pocket ID's: {notes}"
    );
    let k = kanidm_golden("romm", "RomM", &[cb], &["openid", "profile", "email"]);
    assert_eq!(k["env"]["OIDC_PROVIDER"], "kanidm");
    assert_eq!(
        k["env"]["OIDC_SERVER_APPLICATION_URL"],
        "https://idm.example.com/oauth2/openid/romm"
    );
    assert_eq!(
        k["env"]["OIDC_CLIENT_SECRET"],
        "<the output of kanidm system oauth2 show-basic-secret romm>"
    );
    let c = keycloak_golden(
        "romm",
        "RomM",
        json!([cb]),
        json!(["acr", "basic", "web-origins", "profile", "email"]),
    );
    assert_eq!(c["env"]["OIDC_PROVIDER"], "keycloak");
    assert_eq!(
        c["env"]["OIDC_SERVER_APPLICATION_URL"],
        "https://keycloak.example.com/realms/master"
    );
}

#[test]
fn provider_inputs_set_the_realm_and_the_group() {
    let choice = Choice::find("keycloak", "memos", None).expect("memos");
    let mut req = request(catalog::find("memos").expect("memos"), None, None);
    req.values.insert("realm".into(), "homelab".into());
    let o = build(&choice, &req).expect("builds");
    assert_eq!(
        o.json["issuer"],
        "https://keycloak.example.com/realms/homelab"
    );
    req.values.insert("realm".into(), "a/b".into());
    assert!(build(&choice, &req).is_err(), "a realm with / is refused");

    let choice = Choice::find("kanidm", "memos", None).expect("memos");
    let mut req = request(catalog::find("memos").expect("memos"), None, None);
    req.values.insert("group".into(), "notes_people".into());
    let o = build(&choice, &req).expect("builds");
    assert_eq!(o.json["commands"][2][5], "notes_people");
    req.client_id = Some("Memos".into());
    let e = build(&choice, &req).expect_err("upper case is not a Kanidm name");
    assert!(e.to_string().contains("--client-id"), "{e}");
}

#[test]
fn out_writes_each_providers_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (p, file, private) in [
        ("pocket-id", "p.sh", true),
        ("kanidm", "k.sh", false),
        ("keycloak", "k.json", true),
    ] {
        let path = dir.path().join(file);
        let o = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
            .args([
                "add",
                "memos",
                "--provider",
                p,
                "--domain",
                "example.com",
                "--out",
            ])
            .arg(&path)
            .env_remove("X_AUTHELIA_CONFIG")
            .output()
            .expect("runs");
        assert!(
            o.status.success(),
            "{p}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(path.exists(), "{p}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains("worker"), "{p}: authentik's wording: {out}");
        let again = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
            .args([
                "add",
                "memos",
                "--provider",
                p,
                "--domain",
                "example.com",
                "--json",
                "--yes",
                "--out",
            ])
            .arg(&path)
            .env_remove("X_AUTHELIA_CONFIG")
            .output()
            .expect("runs");
        let v: Value = serde_json::from_slice(&again.stdout).expect("JSON");
        assert_eq!(v["file_path"], json!(path.display().to_string()), "{p}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode == 0o600, private, "{p}: mode {mode:o}");
        }
    }
    let _ = PROVIDERS;
}

// ---- --apply against a stand-in Pocket ID ----------------------------------------------------

/// One HTTP request as the stand-in server saw it.
#[derive(Debug)]
struct Seen {
    line: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// A stand-in for Pocket ID's API on a loopback port: answers each request with the next
/// status (and a JSON body), one connection per request, and returns what it saw.
fn stand_in(statuses: Vec<u16>) -> (String, std::thread::JoinHandle<Vec<Seen>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let h = std::thread::spawn(move || {
        let mut seen = vec![];
        for status in statuses {
            let (stream, _) = listener.accept().expect("accept");
            let mut r = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            r.read_line(&mut line).expect("line");
            let mut headers = vec![];
            loop {
                let mut h = String::new();
                r.read_line(&mut h).expect("header");
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; len];
            r.read_exact(&mut body).expect("body");
            let reply = if status < 300 {
                "{\"id\":\"x\"}".to_string()
            } else {
                "{\"error\":\"Client ID is already in use\"}".to_string()
            };
            let mut w = stream;
            write!(
                w,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            )
            .expect("reply");
            seen.push(Seen {
                line: line.trim_end().to_string(),
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        seen
    });
    (url, h)
}

fn apply_run(url: &str, key_file: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args([
            "add",
            "memos",
            "--provider",
            "pocket-id",
            "--domain",
            "example.com",
        ])
        .args(["--auth-url", url, "--apply", "--json", "--api-key-file"])
        .arg(key_file)
        .env_remove("X_AUTHELIA_CONFIG")
        .output()
        .expect("runs")
}

#[test]
fn pocket_id_apply_makes_the_two_calls_with_the_api_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key");
    std::fs::write(&key, "pocket-key-123\n").expect("write");
    let (url, server) = stand_in(vec![201, 201]);
    let o = apply_run(&url, &key);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let seen = server.join().expect("server");
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].line, "POST /api/oidc/clients HTTP/1.1");
    assert_eq!(
        seen[1].line,
        "POST /api/oidc/clients/memos/secrets HTTP/1.1"
    );
    for s in &seen {
        assert!(
            s.headers
                .contains(&("x-api-key".into(), "pocket-key-123".into())),
            "{:?}",
            s.headers
        );
    }
    let created: Value = serde_json::from_str(&seen[0].body).expect("JSON body");
    assert_eq!(created, v["requests"][0]["body"]);
    let secret: Value = serde_json::from_str(&seen[1].body).expect("JSON body");
    assert_eq!(secret["secret"], v["client_secret"]);
    assert_eq!(v["applied"], true);
    assert_eq!(v["calls"][1]["status"], 201);
    assert_eq!(v["issuer"], json!(url));
}

#[test]
fn pocket_id_apply_stops_at_a_refusal_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key");
    std::fs::write(&key, "k\n").expect("write");
    let (url, server) = stand_in(vec![400]);
    let o = apply_run(&url, &key);
    let seen = server.join().expect("server");
    assert_eq!(seen.len(), 1, "no secret call after the refusal");
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("HTTP 400") && e.contains("Client ID is already in use"),
        "{e}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args([
            "add",
            "memos",
            "--provider",
            "kanidm",
            "--domain",
            "example.com",
            "--apply",
        ])
        .args(["--api-key-file", "/nonexistent"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--apply makes Pocket ID's API calls"));
}

#[test]
fn the_custom_app_builds_on_every_provider_with_its_inputs() {
    let custom = catalog::find("custom").expect("custom");
    for p in PROVIDERS {
        let choice = Choice::new(p, custom, None).expect("custom is supported");
        let mut req = request(custom, None, None);
        req.values.insert("name".into(), "Foo".into());
        req.values
            .insert("redirect_uris".into(), "https://foo.example.com/cb".into());
        match *p {
            "kanidm" => {
                req.values.insert("group".into(), "foo_people".into());
            }
            "keycloak" => {
                req.values.insert("realm".into(), "home".into());
            }
            _ => {}
        }
        let o = build(&choice, &req).unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_eq!(o.redirect_uris, ["https://foo.example.com/cb"], "{p}");
        match *p {
            "kanidm" => assert_eq!(o.json["group"], "foo_people"),
            "keycloak" => assert_eq!(o.json["issuer"], "https://keycloak.example.com/realms/home"),
            _ => assert!(o.secret.is_some(), "{p}: a confidential custom client"),
        }
    }
}

#[test]
fn steps_for_authelias_own_configuration_are_left_out() {
    // netbird's steps enable CORS under identity_providers.oidc.cors (assets/apps/netbird.yaml).
    for p in PROVIDERS {
        let (label, o) = every_output(p)
            .into_iter()
            .find(|(l, _)| l == "netbird")
            .expect("netbird builds");
        let text = format!("{:?} {:?}", o.plan.steps, o.plan.files);
        assert!(!text.contains("identity_providers"), "{p} {label}: {text}");
        assert!(!text.contains("configuration.yml"), "{p} {label}: {text}");
        assert!(o.notes.iter().any(|n| n.contains("left out")), "{p}");
    }
}
