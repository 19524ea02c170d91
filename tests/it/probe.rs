//! `test` and `explain`: the probe's reading of Authelia's answers (fixtures recorded from
//! Authelia's and its OAuth 2.0 library's source, each naming file:line), the explain table,
//! and the whole command against a real OpenID provider on loopback: `oidc-provider` (OpenID
//! Certified), started by tests/probe/provider.mjs, with a client that matches and clients
//! that do not.
//!
//! The live tests need `node` and `npm ci --prefix tests/probe` (what .ci/run does); without
//! them they fail with that way out, unless `OIDC_WIZARD_NO_NODE=1`.

use oidc_wizard::probe::authorize::{self, Verdict};
use oidc_wizard::probe::explain::{self, TABLE};
use oidc_wizard::probe::http::Reply;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oidc-wizard")
}

// ---------------------------------------------------------------- fixtures of Authelia's answers

fn fixtures() -> Vec<(String, Value)> {
    let dir = root().join("tests/fixtures/probe");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/probe")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read fixture");
            let v: Value = serde_json::from_str(&text).expect("fixture is JSON");
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn reply_of(v: &Value) -> Reply {
    let r = &v["reply"];
    Reply {
        status: r["status"].as_u64().expect("status") as u16,
        location: r["location"].as_str().map(str::to_string),
        content_type: r["content_type"].as_str().map(str::to_string),
        body: r["body"].as_str().unwrap_or("").to_string(),
    }
}

#[test]
fn authelia_answers_recorded_from_its_source_are_classified() {
    let all = fixtures();
    assert!(all.len() >= 7, "fixtures: {}", all.len());
    for (name, f) in &all {
        let sources = f["source"].as_array().expect("source list");
        assert!(
            !sources.is_empty()
                && sources
                    .iter()
                    .all(|s| s.as_str().is_some_and(|s| s.contains(".go:"))),
            "{name}: every source names file:line"
        );
        let verdict = authorize::classify(&reply_of(f));
        let want = &f["expect"];
        match (want["verdict"].as_str(), &verdict) {
            (Some("accepted"), Verdict::Accepted { .. }) => {}
            (Some("rejected"), Verdict::Rejected { field, code, .. }) => {
                assert_eq!(code, want["code"].as_str().unwrap(), "{name}");
                assert_eq!(*field, want["field"].as_str(), "{name}");
            }
            _ => panic!("{name}: expected {want}, got {verdict:?}"),
        }
    }
}

#[test]
fn the_error_texts_of_the_fixtures_are_explained_with_the_same_field() {
    // What the probe reads from Authelia's redirect, pasted into explain, names the same field.
    for (name, f) in fixtures() {
        let Some(field) = f["expect"]["field"].as_str() else {
            continue;
        };
        let loc = f["reply"]["location"].as_str().unwrap();
        let ps = authorize::params(loc);
        let text: Vec<&str> = ps
            .iter()
            .filter(|(k, _)| k.starts_with("error_"))
            .map(|(_, v)| v.as_str())
            .collect();
        let found = explain::explain(&text.join(" "));
        assert!(
            found.first().is_some_and(|e| e.field.starts_with(field)),
            "{name}: {field} vs {found:?}"
        );
    }
}

#[test]
fn an_answer_without_redirect_or_error_is_unclear_not_accepted() {
    let r = Reply {
        status: 200,
        location: None,
        content_type: Some("text/html".into()),
        body: "<html><body>Welcome</body></html>".into(),
    };
    assert!(matches!(authorize::classify(&r), Verdict::Unclear { .. }));
    // A redirect carrying an error is never an acceptance.
    let r = Reply {
        status: 302,
        location: Some("https://app/cb?error=access_denied&state=x".into()),
        ..Default::default()
    };
    assert!(matches!(
        authorize::classify(&r),
        Verdict::Rejected {
            field: Some("authorization_policy"),
            ..
        }
    ));
}

#[test]
fn the_request_carries_a_pkce_challenge_only_where_the_client_needs_one() {
    let mut facts = oidc_wizard::probe::ClientFacts {
        client_id: "memos".into(),
        redirect_uris: vec!["https://memos.example.com/auth/callback".into()],
        scopes: vec!["openid".into(), "profile".into()],
        response_type: "code".into(),
        signing_alg: "RS256".into(),
        pkce: false,
        pkce_method: "S256".into(),
        templated: false,
    };
    let url = authorize::request_url(
        "https://auth/api/oidc/authorization",
        &facts,
        "s1234567",
        "n1234567",
        "v",
    );
    let ps = authorize::params(&url);
    let get = |k: &str| ps.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    assert_eq!(
        get("redirect_uri").as_deref(),
        Some("https://memos.example.com/auth/callback")
    );
    assert_eq!(get("scope").as_deref(), Some("openid profile"));
    assert_eq!(get("code_challenge"), None);
    assert!(!url.contains("secret"), "{url}");
    facts.pkce = true;
    let url = authorize::request_url(
        "https://auth/x",
        &facts,
        "s1234567",
        "n1234567",
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    );
    let ps = authorize::params(&url);
    // RFC 7636 appendix B.
    assert!(
        ps.contains(&(
            "code_challenge".into(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()
        )),
        "{url}"
    );
    assert!(ps.contains(&("code_challenge_method".into(), "S256".into())));
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_knows_at_least_15_distinct_messages_each_found_from_its_own_text() {
    let specific: Vec<_> = TABLE.iter().filter(|e| !e.generic).collect();
    assert!(specific.len() >= 15, "{} specific entries", specific.len());
    let mut ids = std::collections::BTreeSet::new();
    for e in TABLE {
        assert!(ids.insert(e.id), "duplicate id {}", e.id);
        let found = explain::explain(e.example);
        assert_eq!(
            found.first().map(|f| f.id.as_str()),
            Some(e.id),
            "{}: {found:?}",
            e.example
        );
        assert!(!e.source.is_empty() && !e.field.is_empty(), "{}", e.id);
    }
    let examples: std::collections::BTreeSet<_> = TABLE.iter().map(|e| e.example).collect();
    assert_eq!(examples.len(), TABLE.len(), "examples are distinct");
}

#[test]
fn explain_builds_the_edit_line_from_a_real_log_line() {
    // The shape of Authelia's log line (handler_oauth2_token.go logs 'Access Request ... failed
    // with error: ...' with the RFC 6749 error's description and hint).
    let line = "time=\"2025-03-18T10:00:00Z\" level=error msg=\"Access Request with id '6e2c' on client with id 'gitea' failed with error: Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). The request was determined to be using 'token_endpoint_auth_method' method 'client_secret_post', however the OAuth 2.0 client registration does not allow this method.\"";
    let found = explain::explain(line);
    assert_eq!(
        found.len(),
        1,
        "the generic entry yields to the specific one: {found:?}"
    );
    assert_eq!(found[0].field, "token_endpoint_auth_method");
    assert_eq!(
        found[0].command.as_deref(),
        Some("oidc-wizard edit gitea --set token_endpoint_auth_method=client_secret_post")
    );

    let scope = "Authorization Request with id 'a1' on client with id 'memos' failed with error: The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope 'offline_access'.";
    let f = explain::explain(scope);
    assert_eq!(f[0].id, "scope_not_allowed");
    assert_eq!(
        f[0].command.as_deref(),
        Some("oidc-wizard edit memos --set scopes=<the current scopes>,offline_access")
    );

    let redirect = "The 'redirect_uris' registered with OAuth 2.0 Client with id 'grafana' did not match 'redirect_uri' value 'https://grafana.example.com/login/generic_oauth'. The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered 'redirect_uris'.";
    let f = explain::explain(redirect);
    assert_eq!(f[0].id, "redirect_uri_mismatch");
    assert_eq!(
        f[0].command.as_deref(),
        Some(
            "oidc-wizard edit grafana --set redirect_uris=https://grafana.example.com/login/generic_oauth"
        )
    );

    let secret = "on client with id 'nextcloud' failed with error: The provided client secret did not match the registered client secret.";
    assert_eq!(
        explain::explain(secret)[0].command.as_deref(),
        Some("oidc-wizard rotate nextcloud --config <PATH>")
    );
    // A provider-side fix offers no client command.
    assert_eq!(
        explain::explain("identity_providers: oidc: option `jwks` is required")[0].command,
        None
    );
    assert!(explain::explain("everything is fine").is_empty());
}

#[test]
fn explain_command_reads_text_or_stdin_and_exits_1_when_nothing_is_known() {
    let out = Command::new(bin())
        .args([
            "explain",
            "--json",
            "--text",
            "The requested OAuth 2.0 Client does not exist.",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v[0]["id"], "client_not_found");
    assert_eq!(v[0]["field"], "client_id");

    let mut child = Command::new(bin())
        .arg("explain")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Clients must include a 'code_challenge' when performing the authorize code flow, but it is missing.\n")
        .unwrap();
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("require_pkce")
            && text.contains("oidc-wizard edit <CLIENT_ID> --set require_pkce=false"),
        "{text}"
    );

    let out = Command::new(bin())
        .args(["explain", "--text", "a line nobody knows"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
}

// ---------------------------------------------------------------- live: oidc-provider on loopback

/// The provider process; killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts oidc-provider with one client, or `None` when the user opted out of node tests.
fn provider(spec: Value) -> Option<Provider> {
    let dir = root().join("tests/probe");
    let has_node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let has_pkg = dir
        .join("node_modules/oidc-provider/package.json")
        .is_file();
    if !has_node || !has_pkg {
        if std::env::var_os("OIDC_WIZARD_NO_NODE").is_some_and(|v| v == "1") {
            return None;
        }
        panic!(
            "the probe's live tests need {}: install Node.js and run `npm ci --prefix tests/probe` (as .ci/run does), or set OIDC_WIZARD_NO_NODE=1 to skip them",
            if has_node {
                "the npm package oidc-provider"
            } else {
                "node"
            }
        );
    }
    let mut child = Command::new("node")
        .arg(dir.join("provider.mjs"))
        .arg(spec.to_string())
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start node");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .expect("provider's first line");
    let v: Value = serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first:?}"));
    Some(Provider {
        issuer: v["issuer"].as_str().expect("issuer").to_string(),
        child,
    })
}

const REDIRECT: &str = "http://127.0.0.1:9/oauth2/callback";

fn provider_spec() -> Value {
    serde_json::json!({
        "client_id": "probe-app",
        "redirect_uris": [REDIRECT],
        "scope": "openid profile email",
        "pkce": true,
    })
}

/// A configuration with one client.
fn config(dir: &Path, id: &str, redirect: &str, scopes: &str, require_pkce: bool) -> PathBuf {
    let p = dir.join("configuration.yml");
    std::fs::write(
        &p,
        format!(
            "identity_providers:\n  oidc:\n    clients:\n      - client_id: '{id}'\n        client_name: 'Probe'\n        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n        redirect_uris:\n          - '{redirect}'\n        scopes: [{scopes}]\n        require_pkce: {require_pkce}\n        pkce_challenge_method: 'S256'\n"
        ),
    )
    .unwrap();
    p
}

/// Runs `test` with PATH set to `path_dir` only (so no real authelia or docker is found).
fn run_test(cfg: &Path, id: &str, issuer: &str, path_dir: &Path) -> (i32, Value) {
    run_test_with(cfg, id, issuer, path_dir, &[])
}

fn run_test_with(
    cfg: &Path,
    id: &str,
    issuer: &str,
    path_dir: &Path,
    extra: &[&str],
) -> (i32, Value) {
    let out = Command::new(bin())
        .args(["test", id, "--json", "--auth-url", issuer, "--config"])
        .arg(cfg)
        .args(extra)
        .env("PATH", path_dir)
        .output()
        .expect("run test");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn result<'a>(v: &'a Value, check: &str) -> &'a Value {
    v["results"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["check"] == check))
        .unwrap_or_else(|| panic!("no {check} in {v}"))
}

#[test]
fn live_a_matching_client_passes_every_check() {
    let Some(p) = provider(provider_spec()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "probe-app",
        REDIRECT,
        "openid, profile, email",
        true,
    );
    let (code, v) = run_test(&cfg, "probe-app", &p.issuer, dir.path());
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["passed"], true);
    for c in ["discovery", "issuer", "endpoints", "jwks", "authorize"] {
        assert_eq!(result(&v, c)["status"], "pass", "{c}: {v:#}");
    }
    // No Authelia here: validation is skipped with the command to run.
    let val = result(&v, "validate");
    assert_eq!(val["status"], "skip");
    assert!(
        val["fix"]
            .as_str()
            .unwrap()
            .contains("authelia config validate --config"),
        "{val}"
    );
}

#[test]
fn live_each_mismatch_names_the_field_to_fix() {
    let Some(p) = provider(provider_spec()) else {
        return;
    };
    let cases = [
        // (what, client id, redirect, scopes, require_pkce, field)
        (
            "wrong client id",
            "probe-ap",
            REDIRECT,
            "openid, profile, email",
            true,
            "client_id",
        ),
        (
            "wrong redirect uri",
            "probe-app",
            "http://127.0.0.1:9/oauth2/callbak",
            "openid, profile, email",
            true,
            "redirect_uris",
        ),
        (
            "unknown scope",
            "probe-app",
            REDIRECT,
            "openid, profile, email, groups",
            true,
            "scopes",
        ),
        (
            "missing PKCE",
            "probe-app",
            REDIRECT,
            "openid, profile, email",
            false,
            "require_pkce",
        ),
    ];
    for (what, id, redirect, scopes, pkce, field) in cases {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), id, redirect, scopes, pkce);
        let (code, v) = run_test(&cfg, id, &p.issuer, dir.path());
        assert_eq!(code, 1, "{what}: {v:#}");
        assert_eq!(v["passed"], false, "{what}");
        let a = result(&v, "authorize");
        assert_eq!(a["status"], "fail", "{what}: {a}");
        assert_eq!(a["field"], field, "{what}: {a}");
        assert!(
            a["fix"].as_str().is_some_and(|f| !f.is_empty()),
            "{what}: {a}"
        );
        // The earlier checks still pass: only the client is wrong.
        assert_eq!(result(&v, "discovery")["status"], "pass", "{what}");
    }
}

#[test]
fn live_an_issuer_other_than_the_configured_url_fails() {
    let Some(p) = provider(provider_spec()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "probe-app",
        REDIRECT,
        "openid, profile, email",
        true,
    );
    // Same server, reached by another name: the provider's issuer stays 127.0.0.1.
    let other = p.issuer.replace("127.0.0.1", "localhost");
    let (code, v) = run_test(&cfg, "probe-app", &other, dir.path());
    assert_eq!(code, 1);
    let i = result(&v, "issuer");
    assert_eq!(i["status"], "fail", "{i}");
    assert!(i["message"].as_str().unwrap().contains(&p.issuer), "{i}");
}

#[test]
fn live_authelia_on_path_validates_and_its_rejection_fails_the_run() {
    let Some(p) = provider(provider_spec()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "probe-app",
        REDIRECT,
        "openid, profile, email",
        true,
    );
    let fake = dir.path().join("authelia");
    let write = |body: &str| {
        std::fs::write(&fake, format!("#!/bin/sh\n{body}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    };
    write(
        "[ \"$1 $2\" = 'config validate' ] && [ \"$3\" = --config ] && echo 'Configuration parsed and loaded successfully without errors.' && exit 0; exit 3",
    );
    let (code, v) = run_test(&cfg, "probe-app", &p.issuer, dir.path());
    assert_eq!(result(&v, "validate")["status"], "pass", "{v:#}");
    assert_eq!(code, 0);

    write(
        "echo 'Configuration parsed and loaded with errors:'; echo; echo \"\t - identity_providers: oidc: option \\`jwks\\` is required\"; exit 1",
    );
    let (code, v) = run_test(&cfg, "probe-app", &p.issuer, dir.path());
    let val = result(&v, "validate");
    assert_eq!(val["status"], "fail", "{val}");
    assert!(
        val["message"]
            .as_str()
            .unwrap()
            .contains("option `jwks` is required"),
        "{val}"
    );
    assert_eq!(code, 1);
}

#[test]
fn live_no_jwks_key_for_the_clients_signing_alg_names_the_field() {
    let Some(p) = provider(provider_spec()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "probe-app",
        REDIRECT,
        "openid, profile, email",
        true,
    );
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("        id_token_signed_response_alg: 'ES512'\n");
    std::fs::write(&cfg, text).unwrap();
    let (code, v) = run_test(&cfg, "probe-app", &p.issuer, dir.path());
    assert_eq!(code, 1);
    let j = result(&v, "jwks");
    assert_eq!(j["status"], "fail", "{j}");
    assert_eq!(j["field"], "id_token_signed_response_alg", "{j}");
    assert!(
        j["message"].as_str().unwrap().contains("none signs ES512"),
        "{j}"
    );
}

#[test]
fn live_tls_needs_the_ca_or_insecure() {
    let mut spec = provider_spec();
    spec["tls"] = Value::Bool(true);
    let Some(p) = provider(spec) else { return };
    assert!(p.issuer.starts_with("https://"), "{}", p.issuer);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "probe-app",
        REDIRECT,
        "openid, profile, email",
        true,
    );
    // The test CA is in no trust store: refused, with the way out.
    let (code, v) = run_test(&cfg, "probe-app", &p.issuer, dir.path());
    assert_eq!(code, 1);
    let d = result(&v, "discovery");
    assert_eq!(d["status"], "fail", "{d}");
    assert!(d["message"].as_str().unwrap().contains("--ca FILE"), "{d}");
    let ca = root().join("tests/probe/tls/ca.pem");
    let ca = ca.to_str().unwrap();
    let (code, v) = run_test_with(&cfg, "probe-app", &p.issuer, dir.path(), &["--ca", ca]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(result(&v, "authorize")["status"], "pass");
    let (code, v) = run_test_with(&cfg, "probe-app", &p.issuer, dir.path(), &["--insecure"]);
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn a_ca_file_without_a_certificate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "probe-app", REDIRECT, "openid", true);
    let bad = dir.path().join("ca.pem");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    let out = Command::new(bin())
        .args([
            "test",
            "probe-app",
            "--auth-url",
            "https://127.0.0.1:9",
            "--ca",
        ])
        .arg(&bad)
        .arg("--config")
        .arg(&cfg)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no PEM certificate"), "{err}");
}

#[test]
fn an_unknown_client_id_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "probe-app", REDIRECT, "openid", true);
    let out = Command::new(bin())
        .args([
            "test",
            "probe-apq",
            "--auth-url",
            "http://127.0.0.1:9",
            "--config",
        ])
        .arg(&cfg)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no client with id 'probe-apq'") && err.contains("probe-app"),
        "{err}"
    );
}
