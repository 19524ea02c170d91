//! The command line and the wizard agree by construction: for every catalog app and every
//! provider that documents it, the same inputs give the same client, the same values to copy,
//! the same issuer and the same steps. The command line runs as the real binary (`add --json`);
//! the wizard is driven key by key through `update`, its secret injected. Secrets differ (each
//! front end draws its own), so both are replaced by a marker before comparing.

use crate::tui_common::{SECRET, ctrl, digest, key, pos, typ};
use crossterm::event::KeyCode;
use oidc_wizard::catalog::{self, AppEntry};
use oidc_wizard::plan;
use oidc_wizard::tui::msg::{Effect, Msg};
use oidc_wizard::tui::state::{FieldKind, Init, State};
use oidc_wizard::tui::update::update;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

const DOMAIN: &str = "example.com";

/// A value for an input without a default (an URL where the key says so).
fn sample(key: &str) -> String {
    let k = key.to_lowercase();
    if ["uri", "url", "redirect", "callback"]
        .iter()
        .any(|w| k.contains(w))
    {
        "https://input-sample.example.net/cb".into()
    } else {
        "inputsample".into()
    }
}

fn inputs(entry: &AppEntry, provider: &str) -> BTreeMap<String, String> {
    let setup = match provider {
        "authentik" => oidc_wizard::provider::authentik::setup(&entry.slug).unwrap(),
        _ => catalog::setup_of(entry, None).unwrap(),
    };
    plan::inputs_of(entry, &setup)
        .into_iter()
        .filter(|i| i.default.is_none())
        .map(|i| (i.key.clone(), sample(&i.key)))
        .collect()
}

/// What the command line prints for the app.
fn cli(slug: &str, provider: &str, sets: &BTreeMap<String, String>) -> Value {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_oidc-wizard"));
    cmd.args([
        "add",
        slug,
        "--domain",
        DOMAIN,
        "--json",
        "--provider",
        provider,
    ]);
    for (k, v) in sets {
        cmd.args(["--set", &format!("{k}={v}")]);
    }
    cmd.env_remove("X_AUTHELIA_CONFIG");
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{slug} ({provider}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The labels of the values every provider offers (the wizard's copy keys, the command line's
/// JSON keys).
const STANDARD: &[&str] = &[
    "Client ID",
    "Client Secret",
    "Issuer",
    "Discovery URL",
    "Authorization URL",
    "Token URL",
    "Userinfo URL",
    "JWKS URL",
    "Revocation URL",
    "Introspection URL",
    "Logout URL",
];

/// The facts both front ends show, with the secret (and its digest) replaced by a marker.
#[derive(Debug, PartialEq)]
struct Facts {
    client_id: String,
    issuer: String,
    redirect_uris: Vec<String>,
    steps: Vec<String>,
    values: BTreeMap<String, String>,
}

fn scrub(s: &str, secret: &str, digest: Option<&str>) -> String {
    let s = s.replace(secret, "<SECRET>");
    match digest {
        Some(d) if !d.is_empty() => s.replace(d, "<DIGEST>"),
        _ => s,
    }
}

/// The wizard, driven to the preview of `slug` with `provider`.
fn wizard(slug: &str, provider: &str, sets: &BTreeMap<String, String>) -> (State, Facts) {
    let mut s = State::new(
        catalog::all().unwrap(),
        Init {
            config_path: None::<PathBuf>,
            prefs: Default::default(),
            color: false,
            size: (120, 40),
        },
    );
    typ(&mut s, slug);
    let highlighted = |s: &State| {
        s.matches
            .get(s.selected)
            .map(|&i| s.catalog[i].slug.clone())
    };
    for _ in 0..40 {
        if highlighted(&s).as_deref() == Some(slug) {
            break;
        }
        key(&mut s, KeyCode::Down);
    }
    assert_eq!(
        highlighted(&s).as_deref(),
        Some(slug),
        "the list offers {slug}"
    );
    key(&mut s, KeyCode::Enter);
    ctrl(&mut s, 'u');
    typ(&mut s, DOMAIN);
    if provider == "authentik" {
        s.focus = pos(&s, &FieldKind::Provider);
        key(&mut s, KeyCode::Right);
    }
    for (k, v) in sets {
        s.focus = pos(&s, &FieldKind::Extra(k.clone()));
        ctrl(&mut s, 'u');
        typ(&mut s, v);
    }
    let eff = key(&mut s, KeyCode::Enter);
    if eff.iter().any(|e| matches!(e, Effect::GenerateSecret)) {
        update(&mut s, Msg::SecretGenerated(Ok(SECRET.to_string())));
        update(
            &mut s,
            Msg::Digested {
                plaintext: SECRET.to_string(),
                result: Ok(digest().to_string()),
            },
        );
    }
    let plan = s
        .plan
        .clone()
        .unwrap_or_else(|| panic!("{slug} ({provider}): no preview: {:?}", s.status));
    let dg = Some(digest());
    let facts = Facts {
        client_id: plan.client.client_id.clone(),
        issuer: plan.endpoints.issuer.clone(),
        redirect_uris: plan.client.redirect_uris.clone().unwrap_or_default(),
        steps: plan.steps.iter().map(|x| scrub(x, SECRET, dg)).collect(),
        values: s
            .copy_items()
            .into_iter()
            .filter(|i| !i.block && STANDARD.contains(&i.label.as_str()))
            .map(|i| (i.label, scrub(&i.value, SECRET, dg)))
            .collect(),
    };
    // Every redirect URI the provider registers is offered to copy, in order.
    let offered: Vec<String> = s
        .copy_items()
        .into_iter()
        .filter(|i| {
            ["Redirect", "Post-logout"]
                .iter()
                .any(|p| i.label.starts_with(p))
        })
        .map(|i| i.value)
        .collect();
    let facts = Facts {
        redirect_uris: offered,
        ..facts
    };
    (s, facts)
}

fn cli_facts(v: &Value, provider: &str) -> Facts {
    let secret = v["client_secret"].as_str().unwrap_or("\u{0}none");
    let digest = v["client_secret_digest"].as_str();
    let strs = |x: &Value| -> Vec<String> {
        x.as_array()
            .map(|a| {
                a.iter()
                    .map(|u| {
                        u.as_str()
                            .or_else(|| u["url"].as_str())
                            .unwrap_or_default()
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let e = &v["endpoints"];
    let mut values = BTreeMap::new();
    let put = |m: &mut BTreeMap<String, String>, l: &str, x: &Value| {
        if let Some(s) = x.as_str() {
            m.insert(l.to_string(), scrub(s, secret, digest));
        }
    };
    put(&mut values, "Client ID", &v["client_id"]);
    put(&mut values, "Client Secret", &v["client_secret"]);
    for (l, k) in [
        ("Issuer", "issuer"),
        ("Discovery URL", "discovery_url"),
        ("Authorization URL", "authorization_endpoint"),
        ("Token URL", "token_endpoint"),
        ("Userinfo URL", "userinfo_endpoint"),
        ("JWKS URL", "jwks_uri"),
        ("Revocation URL", "revocation_endpoint"),
        ("Introspection URL", "introspection_endpoint"),
        ("Logout URL", "end_session_endpoint"),
    ] {
        put(&mut values, l, &e[k]);
    }
    let redirects = strs(&v["redirect_uris"]);
    let _ = provider;
    Facts {
        client_id: v["client_id"].as_str().unwrap_or_default().to_string(),
        issuer: v["issuer"].as_str().unwrap_or_default().to_string(),
        redirect_uris: redirects,
        steps: strs(&v["steps"])
            .iter()
            .map(|x| scrub(x, secret, digest))
            .collect(),
        values,
    }
}

#[test]
fn the_command_line_and_the_wizard_agree_on_every_app_and_provider() {
    let mut jobs = Vec::new();
    for entry in catalog::all().unwrap() {
        // The providers the wizard's choice offers (pocket-id, kanidm and keycloak are on the
        // command line only so far).
        for provider in oidc_wizard::provider::all()
            .iter()
            .filter(|p| ["authelia", "authentik"].contains(&p.id()))
        {
            if provider.supports(entry).is_ok() {
                jobs.push((entry, provider.id(), inputs(entry, provider.id())));
            }
        }
    }
    // The binary's runs (each draws a secret and its digest) on every core.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    let chunk = jobs.len().div_ceil(workers);
    let from_cli: Vec<Facts> = std::thread::scope(|sc| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                sc.spawn(move || {
                    part.iter()
                        .map(|(e, id, sets)| cli_facts(&cli(&e.slug, id, sets), id))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut differ = Vec::new();
    for ((entry, id, sets), c) in jobs.iter().zip(&from_cli) {
        let (_, w) = wizard(&entry.slug, id, sets);
        if &w != c {
            differ.push(format!(
                "{} ({id}):\n  cli:    {c:?}\n  wizard: {w:?}",
                entry.slug
            ));
        }
    }
    assert!(jobs.len() > 146, "compared {}", jobs.len());
    assert!(
        differ.is_empty(),
        "{} of {} differ:\n{}",
        differ.len(),
        jobs.len(),
        differ.join("\n")
    );
}

/// Issue 10's example: a configuration whose session cookie is for `example.com` with
/// `authelia_url: https://login.example.com`, and the domain `other.org`. Both front ends take
/// the URL by one rule (the user's, then the configuration's when it serves the domain, then
/// the domain's): `https://auth.other.org`; for the domain `example.com`, the configuration's.
#[test]
fn both_front_ends_take_the_provider_url_by_one_rule() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("configuration.yml");
    std::fs::write(
        &cfg,
        "session:\n  cookies:\n    - domain: example.com\n      authelia_url: https://login.example.com\n",
    )
    .unwrap();
    for (domain, want) in [
        ("other.org", "https://auth.other.org"),
        ("example.com", "https://login.example.com"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
            .args([
                "add",
                "memos",
                "--domain",
                domain,
                "--json",
                "--dry-run",
                "--config",
            ])
            .arg(&cfg)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["issuer"], want, "cli, {domain}");

        let mut s = State::new(
            catalog::all().unwrap(),
            Init {
                config_path: Some(cfg.clone()),
                prefs: Default::default(),
                color: false,
                size: (120, 40),
            },
        );
        typ(&mut s, "memos");
        key(&mut s, KeyCode::Enter);
        let doc = oidc_wizard::config::load(&cfg).unwrap();
        update(&mut s, Msg::ConfigLoaded(cfg.clone(), Ok(doc)));
        s.focus = pos(&s, &FieldKind::Domain);
        ctrl(&mut s, 'u');
        typ(&mut s, domain);
        assert_eq!(
            s.field_value(&FieldKind::AuthUrl).trim_end_matches('/'),
            want,
            "wizard, {domain}"
        );
    }
}
