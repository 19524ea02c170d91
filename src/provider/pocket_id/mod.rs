//! Pocket ID as the identity provider: a `curl` script that creates the client through Pocket
//! ID's admin API, and the app-side steps with Pocket ID's issuer and endpoints.
//!
//! The API, read from Pocket ID's source (`backend/internal`): `POST /api/oidc/clients` takes an
//! `OidcClientCreateDto` (`id`, `name`, `callbackURLs`, `isPublic`, `pkceEnabled`, ...;
//! `dto/oidc_dto.go:41-65`), then `POST /api/oidc/clients/{id}/secrets` takes
//! `{"secret": "..."}` (at least 16 printable ASCII characters; `dto/oidc_dto.go:77-81`,
//! `controller/oidc_controller.go:38`); both are authorized with an `X-API-Key` header
//! (`middleware/api_key_auth.go:38`). The endpoints are the discovery document's
//! (`controller/well_known_controller.go:100-108`).
//!
//! The catalog's client facts are used as they are; an app needs what Pocket ID offers:
//! response type `code` only, and `client_secret_basic`, `client_secret_post` or `none` at the
//! token endpoint (`well_known_controller.go:112`, `:122`).

use super::{Copyable, Delivery, Output, Provider, SecretNeed, app_blocks, number_repeated};
use crate::catalog::{self, AppEntry, Setup};
use crate::client::{self, Client};
use crate::error::{Error, Result};
use crate::inputs::{HttpUrl, parse_domain};
use crate::plan::{self, Endpoints, Plan, Request, Resolved, SecretState};
use crate::render;
use serde_json::{Map, Value, json};

/// The provider's id (`--provider pocket-id`).
pub const ID: &str = "pocket-id";
const NAME: &str = "Pocket ID";

/// Pocket ID, through its admin API.
pub struct PocketId;

/// The default Pocket ID URL for a domain.
pub fn default_url(domain: &str) -> String {
    format!("https://id.{domain}")
}

/// Pocket ID's endpoints under its URL (`well_known_controller.go:100-108`). It has no
/// revocation endpoint in its discovery document.
pub fn endpoints(url: &HttpUrl) -> Endpoints {
    let b = url.base();
    Endpoints {
        issuer: b.clone(),
        discovery_url: format!("{b}/.well-known/openid-configuration"),
        authorization_endpoint: format!("{b}/authorize"),
        token_endpoint: format!("{b}/api/oidc/token"),
        userinfo_endpoint: format!("{b}/api/oidc/userinfo"),
        jwks_uri: format!("{b}/.well-known/jwks.json"),
        revocation_endpoint: String::new(),
        introspection_endpoint: format!("{b}/api/oidc/introspect"),
        end_session_endpoint: format!("{b}/api/oidc/end-session"),
    }
}

/// Why Pocket ID cannot serve a client, or `Ok`.
pub fn check_client(app_name: &str, c: &Client) -> Result<()> {
    let refuse = |why: String| {
        Err(Error::input(format!(
            "Pocket ID cannot serve {app_name}: {why}"
        )))
    };
    if c.scopes
        .iter()
        .flatten()
        .any(|s| s == "authelia.bearer.authz")
    {
        return refuse("it uses Authelia's own authelia.bearer.authz scope (bearer tokens for Authelia's access control), which Pocket ID has no counterpart for".into());
    }
    if let Some(t) = c
        .response_types
        .iter()
        .flatten()
        .find(|t| t.as_str() != "code")
    {
        return refuse(format!(
            "it needs the '{t}' response type, and Pocket ID issues only 'code'"
        ));
    }
    let m = client::auth_method(c);
    if !matches!(m, "client_secret_basic" | "client_secret_post" | "none") {
        return refuse(format!(
            "it authenticates with {m}, and Pocket ID takes only client_secret_basic, client_secret_post or none"
        ));
    }
    Ok(())
}

/// The JSON body of `POST /api/oidc/clients`.
pub fn create_body(c: &Client) -> Value {
    json!({
        "id": c.client_id,
        "name": c.client_name.clone().unwrap_or_else(|| c.client_id.clone()),
        "callbackURLs": c.redirect_uris.clone().unwrap_or_default(),
        "isPublic": c.public == Some(true),
        "pkceEnabled": c.require_pkce == Some(true),
    })
}

/// Single-quotes a word for `sh`.
fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/:@%+=,".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The `curl` script that creates the client (and its secret, for a confidential client).
pub fn script(url: &HttpUrl, c: &Client, secret: Option<&str>, app_name: &str) -> String {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let mut s = String::new();
    s.push_str("#!/bin/sh\n");
    s.push_str(&format!(
        "# Creates the Pocket ID OIDC client for {app_name} (made by oidc-wizard).\n"
    ));
    s.push_str("# Run it with an API key (Pocket ID: Settings, Admin, API Keys):\n");
    s.push_str("#   POCKET_ID_API_KEY=<key> sh <this file>\n");
    s.push_str("set -eu\n");
    s.push_str(": \"${POCKET_ID_API_KEY:?set POCKET_ID_API_KEY to a Pocket ID API key}\"\n");
    s.push_str(&format!("POCKET_ID_URL={}\n\n", sh_quote(&url.base())));
    let curl = |path: &str| {
        format!(
            "curl -fsS -X POST \"$POCKET_ID_URL{path}\" -H \"X-API-KEY: $POCKET_ID_API_KEY\" -H 'Content-Type: application/json' --data-binary @- <<'JSON'\n"
        )
    };
    s.push_str(&curl("/api/oidc/clients"));
    s.push_str(&pretty(&create_body(c)));
    s.push_str("\nJSON\necho\n");
    if let Some(secret) = secret {
        s.push('\n');
        s.push_str(&curl(&format!("/api/oidc/clients/{}/secrets", c.client_id)));
        s.push_str(&pretty(&json!({ "secret": secret })));
        s.push_str("\nJSON\necho\n");
    }
    s
}

/// Rewords the catalog's app-side text for another provider: the provider's name where the
/// catalog says Authelia, and without the notes about Authelia's own configuration.
fn adapt(plan: &mut Plan) {
    let swap = |s: &str| s.replace("Authelia", NAME);
    // Steps and files for Authelia's own configuration have no counterpart here.
    let about_authelia =
        |s: &str| s.contains("identity_providers") || s.contains("configuration.yml");
    let before = plan.steps.len() + plan.files.len();
    plan.steps = plan
        .steps
        .iter()
        .filter(|s| !about_authelia(s))
        .map(|s| swap(s))
        .collect();
    plan.files
        .retain(|(path, _, _)| !path.starts_with("Authelia "));
    let dropped = before - plan.steps.len() - plan.files.len();
    plan.notes = plan
        .notes
        .iter()
        .filter(|n| !n.contains("claims policy") && !n.contains("Authelia 4."))
        .map(|s| swap(s))
        .collect();
    for (_, v) in plan.env.iter_mut() {
        if v == "authelia" {
            *v = ID.to_string();
        }
    }
    if dropped > 0 {
        plan.notes.push(format!(
            "The catalog's steps for Authelia's own configuration ({dropped}) are left out; see {NAME}'s documentation for the same setting, if it has one."
        ));
    }
    plan.warnings.clear();
    plan.differences.clear();
}

impl Provider for PocketId {
    fn id(&self) -> &'static str {
        ID
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn default_url(&self, domain: &str) -> String {
        default_url(domain)
    }

    fn takes_policy(&self) -> bool {
        false
    }

    fn edits_configuration(&self) -> bool {
        false
    }

    fn supports(&self, app: &AppEntry) -> Result<()> {
        check_client(&app.name, catalog::setup_of(app, None)?.client)
    }

    fn setup(&self, app: &'static AppEntry, variant: Option<&str>) -> Result<Setup<'static>> {
        let setup = catalog::setup_of(app, variant)?;
        check_client(&app.name, setup.client)?;
        Ok(setup)
    }

    fn secret_need(&self, _app: &AppEntry, setup: &Setup<'_>) -> SecretNeed {
        if plan::needs_secret(setup) {
            SecretNeed::Plaintext
        } else {
            SecretNeed::None
        }
    }

    fn resolve(&self, app: &AppEntry, setup: &Setup<'_>, req: &Request) -> Result<Resolved> {
        let domain = parse_domain(&req.domain)?;
        let url = match req
            .auth_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(u) => HttpUrl::parse(u, "Pocket ID URL")?,
            None => HttpUrl::parse(&default_url(&domain), "Pocket ID URL")?,
        };
        let mut req = req.clone();
        req.auth_url = Some(url.base());
        let r = plan::resolve(app, setup, &req)?;
        // dto/validations.go:27 and dto/oidc_dto.go:64: 2 to 128 of [a-zA-Z0-9._-].
        let id = &r.client_id;
        if id.len() < 2
            || id.len() > 128
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(Error::input(format!(
                "Pocket ID takes client ids of 2 to 128 letters, digits, '.', '_' and '-', not '{id}' (pass --client-id)"
            )));
        }
        Ok(r)
    }

    fn build(
        &self,
        app: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
    ) -> Result<Output> {
        if let Some(s) = secret.plaintext()
            && (s.len() < 16 || !s.chars().all(|c| c.is_ascii_graphic() || c == ' '))
        {
            return Err(Error::input(
                "Pocket ID takes client secrets of at least 16 printable ASCII characters (dto/oidc_dto.go:80); use --length 16 or more",
            ));
        }
        let ep = endpoints(&resolved.auth_url);
        let mut plan = Plan::build_with(app, setup, resolved, secret, ep)?;
        check_client(&plan.app_name, &plan.client)?;
        let name = plan
            .client
            .client_name
            .clone()
            .unwrap_or_else(|| plan.app_name.clone());
        if name.chars().count() > 50 {
            return Err(Error::input(format!(
                "Pocket ID takes client names of at most 50 characters, and '{name}' is longer"
            )));
        }
        adapt(&mut plan);
        Ok(output(plan))
    }
}

fn output(plan: Plan) -> Output {
    let c = &plan.client;
    let secret = plan.secret_plaintext().map(str::to_string);
    let url = &plan.resolved.auth_url;
    let text = script(url, c, secret.as_deref(), &plan.app_name);
    let file_name = format!("pocket-id-{}.sh", plan.app);
    let redirects = c.redirect_uris.clone().unwrap_or_default();
    let mut provider_steps = vec![
        format!(
            "In Pocket ID ({}), open Settings, Admin, API Keys and create a key; keep it out of your shell history.",
            url.base()
        ),
        format!("Run the script: POCKET_ID_API_KEY=<key> sh {file_name}"),
    ];
    if secret.is_some() {
        provider_steps.push(
            "The script gives the client the secret shown here (Pocket ID stores only its hash); the app gets the same secret.".into(),
        );
    } else {
        provider_steps.push("The client is public: it has no secret.".into());
    }
    provider_steps.push(format!(
        "To limit who may sign in, open OIDC Clients, {}, and choose the allowed user groups.",
        c.client_name.as_deref().unwrap_or(&c.client_id)
    ));
    let mut notes = plan.notes.clone();
    let unknown: Vec<_> = c
        .scopes
        .iter()
        .flatten()
        .filter(|s| {
            !["openid", "profile", "email", "groups", "offline_access"].contains(&s.as_str())
        })
        .cloned()
        .collect();
    if !unknown.is_empty() {
        // well_known_controller.go:110 lists the scopes; oidc/provider_test.go:487-488: others
        // are dropped, not refused.
        notes.push(format!(
            "Pocket ID knows the scopes openid, profile, email, groups and offline_access; it drops {} from the request, so claims the app reads from them stay empty.",
            unknown.join(", ")
        ));
    }
    if secret.is_some() {
        notes.push("The script holds the client secret in plaintext: keep it private and delete it once it has run.".into());
    }
    let values = values(&plan, &text);
    let e = &plan.endpoints;
    let mut json = Map::new();
    let mut put = |k: &str, v: Value| {
        json.insert(k.into(), v);
    };
    put("app", json!(plan.app));
    put("app_name", json!(plan.app_name));
    put("variant", json!(plan.variant));
    put("provider", json!(ID));
    put("client_id", json!(c.client_id));
    put("client_secret", json!(secret));
    put("public", json!(c.public == Some(true)));
    put("script", json!(text));
    put("file_name", json!(file_name));
    let mut requests =
        vec![json!({"method": "POST", "path": "/api/oidc/clients", "body": create_body(c)})];
    if let Some(s) = &secret {
        requests.push(json!({"method": "POST", "path": format!("/api/oidc/clients/{}/secrets", c.client_id), "body": {"secret": s}}));
    }
    put("requests", Value::Array(requests));
    put("issuer", json!(e.issuer));
    put("endpoints", json!(e));
    put("redirect_uris", json!(redirects));
    put("provider_steps", json!(provider_steps));
    put("steps", json!(plan.steps));
    put(
        "env",
        Value::Object(
            plan.env
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect(),
        ),
    );
    put("dotenv", json!(render::dotenv(&plan)));
    put("compose", json!(render::compose_env(&plan)));
    put(
        "files",
        json!(
            plan.files
                .iter()
                .map(|(p, l, c)| json!({"path": p, "language": l, "content": c}))
                .collect::<Vec<_>>()
        ),
    );
    put("notes", json!(notes));
    let report = report(&plan, &text, &file_name, &provider_steps, &values, &notes);
    Output {
        provider: ID,
        secret: secret.clone(),
        client_text: text.clone(),
        client_label: "Script",
        redirect_uris: redirects,
        provider_steps,
        notes,
        values,
        delivery: Delivery::NewFile {
            file_name,
            text,
            private: secret.is_some(),
        },
        json,
        report,
        plan,
    }
}

fn values(p: &Plan, text: &str) -> Vec<Copyable> {
    let one = |label: &str, value: &str| Copyable {
        label: label.into(),
        value: value.into(),
        block: false,
    };
    let e = &p.endpoints;
    let mut v = vec![one("Client ID", &p.client.client_id)];
    if let Some(s) = p.secret_plaintext() {
        v.push(one("Client Secret", s));
    }
    for (l, u) in [
        ("Issuer", &e.issuer),
        ("Discovery URL", &e.discovery_url),
        ("Authorization URL", &e.authorization_endpoint),
        ("Token URL", &e.token_endpoint),
        ("Userinfo URL", &e.userinfo_endpoint),
        ("JWKS URL", &e.jwks_uri),
        ("Introspection URL", &e.introspection_endpoint),
        ("Logout URL", &e.end_session_endpoint),
    ] {
        v.push(one(l, u));
    }
    for u in p.client.redirect_uris.as_deref().unwrap_or(&[]) {
        v.push(one("Redirect URI", u));
    }
    number_repeated(&mut v);
    v.extend(app_blocks(p, ("Script", text)));
    v
}

fn report(
    plan: &Plan,
    text: &str,
    file_name: &str,
    provider_steps: &[String],
    values: &[Copyable],
    notes: &[String],
) -> String {
    let mut s = format!("== {NAME}: script ({file_name})\n\n{text}\n== {NAME}: steps\n\n");
    for (i, x) in provider_steps.iter().enumerate() {
        s.push_str(&format!("{:>2}. {x}\n", i + 1));
    }
    s.push_str(&format!("\n== {}: values\n\n", plan.app_name));
    let plain: Vec<_> = values.iter().filter(|v| !v.block).collect();
    let width = plain.iter().map(|v| v.label.len()).max().unwrap_or(0);
    for v in plain {
        s.push_str(&format!("  {:<width$}  {}\n", v.label, v.value));
    }
    if !plan.steps.is_empty() {
        s.push_str(&format!(
            "\n== {}: steps\n\n{}",
            plan.app_name,
            render::steps_text(plan)
        ));
    }
    if !plan.env.is_empty() {
        s.push_str(&format!(
            "\n== .env\n\n{}\n== compose.yml\n\n{}",
            render::dotenv(plan),
            render::compose_env(plan)
        ));
    }
    for (path, _, content) in &plan.files {
        s.push_str(&format!("\n== {path}\n\n{content}"));
        if !content.ends_with('\n') {
            s.push('\n');
        }
    }
    if !notes.is_empty() {
        s.push_str("\n== Notes\n\n");
        for n in notes {
            s.push_str(&format!("  - {n}\n"));
        }
    }
    s
}

/// What [`apply`] did: each call's method, path and HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// (method, path, status) per call, in order.
    pub calls: Vec<(String, String, u16)>,
}

/// Makes the output's API calls against Pocket ID at `url` with the API key (`X-API-Key`,
/// `middleware/api_key_auth.go:38`): creates the client, then its secret. Stops at the first
/// call Pocket ID refuses, with its status and message in one line.
pub fn apply(url: &HttpUrl, api_key: &str, out: &Output) -> Result<Applied> {
    let key = api_key.trim();
    if key.is_empty() || key.chars().any(|c| c.is_control()) {
        return Err(Error::input(
            "the API key file is empty or holds more than one line",
        ));
    }
    let requests = out
        .json
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::input("this output has no Pocket ID API calls"))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut calls = vec![];
    for r in requests {
        let path = r["path"].as_str().unwrap_or_default();
        let body = serde_json::to_string(&r["body"]).unwrap_or_default();
        let target = format!("{}{path}", url.base());
        let mut resp = agent
            .post(&target)
            .header("X-API-KEY", key)
            .header("Content-Type", "application/json")
            .send(body.as_str())
            .map_err(|e| Error::input(format!("POST {target}: {e}")))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let text = resp
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_string()
                .unwrap_or_default();
            let msg = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
                .unwrap_or(text);
            let msg: String = msg.split_whitespace().collect::<Vec<_>>().join(" ");
            return Err(Error::input(format!(
                "Pocket ID refused POST {path} with HTTP {status}: {}",
                if msg.is_empty() { "no message" } else { &msg }
            )));
        }
        calls.push(("POST".to_string(), path.to_string(), status));
    }
    Ok(Applied { calls })
}
