//! Kanidm as the identity provider: the `kanidm system oauth2 ...` commands that create the
//! client, as a script, and the app-side steps with the client's own issuer.
//!
//! Facts from Kanidm's source and book (kanidm/kanidm):
//! - the commands and their arguments: `tools/cli/src/opt/kanidm.rs:976-1145` (`create <name>
//!   <displayname> <origin>`, `create-public`, `add-redirect-url <name> <url>`,
//!   `update-scope-map <name> <group> <scopes>...`, `show-basic-secret`,
//!   `warning-insecure-client-disable-pkce`, `warning-enable-legacy-crypto`,
//!   `enable-localhost-redirects`, `prefer-short-username`);
//! - the endpoints, per client (`server/lib/src/idm/oauth2.rs:953-972`, book
//!   `integrations/oauth2.md:52-183`): the issuer is `https://<idm>/oauth2/openid/<name>`;
//! - response type `code` and response modes `query` and `fragment` only
//!   (`oauth2.rs:3078-3079`); `client_secret_basic` or `client_secret_post` for a confidential
//!   client, `none` for a public one (`oauth2.rs:3086-3093`); PKCE is S256 and on by default
//!   (`oauth2.rs:3101-3105`); ID tokens are ES256 unless legacy crypto is enabled (book
//!   `integrations/oauth2.md:26`, `:409-415`);
//! - names match `^[a-z][a-z0-9-_\.]{0,63}$` (`server/lib/src/value.rs:65`).
//!
//! Kanidm generates the client secret itself, so nothing is drawn ([`SecretNeed::None`]); the
//! steps say how to read it.

use super::{Copyable, Delivery, Output, Provider, SecretNeed, app_blocks, number_repeated};
use crate::catalog::{self, AppEntry, Setup};
use crate::client::{self, Client};
use crate::error::{Error, Result};
use crate::inputs::{HttpUrl, parse_domain};
use crate::plan::{self, Endpoints, Plan, Request, Resolved, SecretState};
use crate::render;
use serde_json::{Map, Value, json};

/// The provider's id (`--provider kanidm`).
pub const ID: &str = "kanidm";
const NAME: &str = "Kanidm";
/// The `--set` key of the group whose members may sign in.
pub const GROUP_KEY: &str = "group";
/// What the client secret reads as in the app's steps: Kanidm makes it.
pub const SECRET_PLACEHOLDER: &str = "<the output of kanidm system oauth2 show-basic-secret ";

/// Kanidm, through its command line tool.
pub struct Kanidm;

/// The default Kanidm URL for a domain (the book's `idm.example.com`).
pub fn default_url(domain: &str) -> String {
    format!("https://idm.{domain}")
}

/// Kanidm's endpoints for one client (`oauth2.rs:953-972`). Kanidm has no end-session
/// endpoint.
pub fn endpoints(url: &HttpUrl, name: &str) -> Endpoints {
    let b = url.base();
    let o = format!("{b}/oauth2/openid/{name}");
    Endpoints {
        issuer: o.clone(),
        discovery_url: format!("{o}/.well-known/openid-configuration"),
        authorization_endpoint: format!("{b}/ui/oauth2"),
        token_endpoint: format!("{b}/oauth2/token"),
        userinfo_endpoint: format!("{o}/userinfo"),
        jwks_uri: format!("{o}/public_key.jwk"),
        revocation_endpoint: format!("{b}/oauth2/token/revoke"),
        introspection_endpoint: format!("{b}/oauth2/token/introspect"),
        end_session_endpoint: String::new(),
    }
}

/// Whether a name is one Kanidm takes (`value.rs:65`).
pub fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Why Kanidm cannot serve a client, or `Ok`.
pub fn check_client(app_name: &str, c: &Client) -> Result<()> {
    let refuse = |why: String| {
        Err(Error::input(format!(
            "Kanidm cannot serve {app_name}: {why}"
        )))
    };
    if c.scopes
        .iter()
        .flatten()
        .any(|s| s == "authelia.bearer.authz")
    {
        return refuse("it uses Authelia's own authelia.bearer.authz scope (bearer tokens for Authelia's access control), which Kanidm has no counterpart for".into());
    }
    if let Some(t) = c
        .response_types
        .iter()
        .flatten()
        .find(|t| t.as_str() != "code")
    {
        return refuse(format!(
            "it needs the '{t}' response type, and Kanidm issues only 'code'"
        ));
    }
    if let Some(modes) = &c.response_modes
        && !modes.iter().any(|m| m == "query" || m == "fragment")
    {
        return refuse(format!(
            "it needs the {} response mode, and Kanidm answers only by query or fragment",
            modes.join(", ")
        ));
    }
    let m = client::auth_method(c);
    if !matches!(m, "client_secret_basic" | "client_secret_post" | "none") {
        return refuse(format!(
            "it authenticates with {m}, and Kanidm takes only client_secret_basic, client_secret_post or none"
        ));
    }
    if c.pkce_challenge_method.as_deref() == Some("plain") {
        return refuse("it uses plain PKCE, and Kanidm takes only S256".into());
    }
    if c.public == Some(true) && c.require_pkce != Some(true) {
        return refuse(
            "it is a public client without PKCE, and Kanidm requires PKCE of every public client"
                .into(),
        );
    }
    Ok(())
}

/// Whether the app needs RS256 signatures (the catalog names RS256 for a token it verifies),
/// which Kanidm gives only with legacy crypto.
pub fn needs_legacy_crypto(c: &Client) -> bool {
    [
        &c.id_token_signed_response_alg,
        &c.userinfo_signed_response_alg,
        &c.access_token_signed_response_alg,
    ]
    .iter()
    .any(|a| a.as_deref() == Some("RS256"))
}

fn is_loopback(u: &str) -> bool {
    let rest = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        let host = host
            .rsplit_once(':')
            .filter(|(h, p)| !h.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            .map_or(host, |(h, _)| h);
        matches!(host, "localhost" | "127.0.0.1" | "[::1]")
    })
}

/// Single-quotes a word for `sh` when it needs it.
fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/:@%+=,".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The commands that create the client, each as its argument vector.
pub fn commands(c: &Client, origin: &str, group: &str) -> Vec<Vec<String>> {
    let name = c.client_id.as_str();
    let base = |sub: &str| -> Vec<String> {
        ["kanidm", "system", "oauth2", sub, name]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let with = |sub: &str, more: &[&str]| {
        let mut v = base(sub);
        v.extend(more.iter().map(|s| s.to_string()));
        v
    };
    let public = c.public == Some(true);
    let display = c.client_name.clone().unwrap_or_else(|| name.to_string());
    let mut out = vec![with(
        if public { "create-public" } else { "create" },
        &[&display, origin],
    )];
    let redirects = c.redirect_uris.clone().unwrap_or_default();
    for r in &redirects {
        out.push(with("add-redirect-url", &[r]));
    }
    let mut scopes: Vec<&str> = vec![];
    for s in c.scopes.iter().flatten() {
        if !scopes.contains(&s.as_str()) {
            scopes.push(s);
        }
    }
    if !scopes.contains(&"openid") {
        scopes.insert(0, "openid");
    }
    let mut map = vec![group];
    map.extend(scopes);
    out.push(with("update-scope-map", &map));
    out.push(base("prefer-short-username"));
    if needs_legacy_crypto(c) {
        out.push(base("warning-enable-legacy-crypto"));
    }
    if !public && c.require_pkce != Some(true) {
        out.push(base("warning-insecure-client-disable-pkce"));
    }
    if public && redirects.iter().any(|r| is_loopback(r)) {
        out.push(base("enable-localhost-redirects"));
    }
    if !public {
        out.push(base("show-basic-secret"));
    }
    out
}

/// The commands as a script.
pub fn script(url: &HttpUrl, cmds: &[Vec<String>], app_name: &str) -> String {
    let mut s = String::from("#!/bin/sh\n");
    s.push_str(&format!(
        "# Creates the Kanidm OAuth2 client for {app_name} (made by oidc-wizard).\n"
    ));
    s.push_str("# Sign in first: kanidm login -D idm_admin\n");
    s.push_str("set -eu\n");
    s.push_str(&format!(
        "KANIDM_URL={}\nexport KANIDM_URL\n\n",
        sh_quote(&url.base())
    ));
    for c in cmds {
        let words: Vec<_> = c.iter().map(|w| sh_quote(w)).collect();
        s.push_str(&words.join(" "));
        s.push('\n');
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

impl Provider for Kanidm {
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

    fn secret_need(&self, _app: &AppEntry, _setup: &Setup<'_>) -> SecretNeed {
        SecretNeed::None
    }

    fn resolve(&self, app: &AppEntry, setup: &Setup<'_>, req: &Request) -> Result<Resolved> {
        let domain = parse_domain(&req.domain)?;
        let url = match req
            .auth_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(u) => HttpUrl::parse(u, "Kanidm URL")?,
            None => HttpUrl::parse(&default_url(&domain), "Kanidm URL")?,
        };
        let mut req = req.clone();
        req.auth_url = Some(url.base());
        let group = req
            .values
            .remove(GROUP_KEY)
            .map(|g| g.trim().to_string())
            .filter(|g| !g.is_empty());
        let mut r = plan::resolve(app, setup, &req)?;
        if !valid_name(&r.client_id) {
            return Err(Error::input(format!(
                "Kanidm names start with a lower-case letter followed by up to 63 lower-case letters, digits, '-', '_' or '.', so '{}' cannot be the client's name (pass --client-id)",
                r.client_id
            )));
        }
        let group = group.unwrap_or_else(|| format!("{}_users", r.client_id));
        if !valid_name(&group) {
            return Err(Error::input(format!(
                "'{group}' is not a Kanidm group name: a lower-case letter followed by up to 63 lower-case letters, digits, '-', '_' or '.'"
            )));
        }
        r.values.insert(GROUP_KEY.into(), group);
        Ok(r)
    }

    fn build(
        &self,
        app: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        _secret: SecretState,
    ) -> Result<Output> {
        let ep = endpoints(&resolved.auth_url, &resolved.client_id);
        // The plan is built with a stand-in so the catalog's steps get a secret to name; it is
        // replaced by where to read Kanidm's.
        let confidential = plan::needs_secret(setup);
        let stand_in = if confidential {
            SecretState::Pending(format!("{SECRET_PLACEHOLDER}{}>", resolved.client_id))
        } else {
            SecretState::None
        };
        // The group is Kanidm's input, not the app's (the custom app reads its values).
        let mut app_inputs = resolved.clone();
        let group = app_inputs.values.remove(GROUP_KEY);
        let mut plan = Plan::build_with(app, setup, &app_inputs, stand_in, ep)?;
        check_client(&plan.app_name, &plan.client)?;
        adapt(&mut plan);
        if let Some(g) = group {
            plan.resolved.values.insert(GROUP_KEY.into(), g);
        }
        Ok(output(plan))
    }
}

fn output(plan: Plan) -> Output {
    let c = &plan.client;
    let group = plan
        .resolved
        .values
        .get(GROUP_KEY)
        .cloned()
        .unwrap_or_else(|| format!("{}_users", c.client_id));
    let url = &plan.resolved.auth_url;
    let origin = plan.resolved.app_url.to_string();
    let cmds = commands(c, &origin, &group);
    let text = script(url, &cmds, &plan.app_name);
    let file_name = format!("kanidm-{}.sh", plan.app);
    let public = c.public == Some(true);
    let redirects = c.redirect_uris.clone().unwrap_or_default();
    let mut provider_steps = vec![
        format!(
            "Create the group whose members may sign in, if it is not there yet: kanidm group create {group}"
        ),
        format!("Add the users to it: kanidm group add-members {group} <user>"),
        format!("Sign in as idm_admin and run the script: sh {file_name}"),
    ];
    if !public {
        provider_steps.push(format!(
            "Kanidm makes the client secret; the script's last command prints it, and kanidm system oauth2 show-basic-secret {} prints it again. Give it to the app where its steps say so.",
            c.client_id
        ));
    }
    let mut notes = plan.notes.clone();
    if needs_legacy_crypto(c) {
        notes.push(format!("{} verifies RS256 signatures and Kanidm signs with ES256 by default, so the script enables legacy crypto (RS256) for this client.", plan.app_name));
    }
    if !public && c.require_pkce != Some(true) {
        notes.push(format!("The catalog does not say {} sends PKCE, so the script turns PKCE off for this client (Kanidm requires it otherwise).", plan.app_name));
    }
    notes.push("The scope map also decides which claims the app gets: the email scope gives email, profile gives name and preferred_username, groups gives the user's groups.".into());
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
    put("public", json!(public));
    put("group", json!(group));
    put("commands", json!(cmds));
    put("script", json!(text));
    put("file_name", json!(file_name));
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
        secret: None,
        client_text: text.clone(),
        client_label: "Commands",
        redirect_uris: redirects,
        provider_steps,
        notes,
        values,
        delivery: Delivery::NewFile {
            file_name,
            text,
            private: false,
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
    for (l, u) in [
        ("Issuer", &e.issuer),
        ("Discovery URL", &e.discovery_url),
        ("Authorization URL", &e.authorization_endpoint),
        ("Token URL", &e.token_endpoint),
        ("Userinfo URL", &e.userinfo_endpoint),
        ("JWKS URL", &e.jwks_uri),
        ("Revocation URL", &e.revocation_endpoint),
        ("Introspection URL", &e.introspection_endpoint),
    ] {
        v.push(one(l, u));
    }
    for u in p.client.redirect_uris.as_deref().unwrap_or(&[]) {
        v.push(one("Redirect URI", u));
    }
    number_repeated(&mut v);
    v.extend(app_blocks(p, ("Commands", text)));
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
    let mut s = format!("== {NAME}: commands ({file_name})\n\n{text}\n== {NAME}: steps\n\n");
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
