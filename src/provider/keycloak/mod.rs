//! Keycloak as the identity provider: the client as a `ClientRepresentation` (JSON) for
//! `kcadm.sh create clients -r <realm> -f <file>`, its partial-import form, and the app-side
//! steps with the realm's issuer.
//!
//! The representation's fields are Keycloak's (`core/src/main/java/org/keycloak/
//! representations/idm/ClientRepresentation.java`: `clientId`, `name`, `protocol`,
//! `publicClient`, `secret`, `redirectUris`, `webOrigins`, `standardFlowEnabled`,
//! `implicitFlowEnabled`, `serviceAccountsEnabled`, `attributes`, `defaultClientScopes`,
//! `optionalClientScopes`, `protocolMappers`); PKCE is the client attribute
//! `pkce.code.challenge.method`, groups come from an `oidc-group-membership-mapper`.
//!
//! The realm is a provider input (`--set realm=<name>`); it defaults to `master`, the one realm
//! every Keycloak has, so the commands work as printed (Keycloak recommends a realm of your own
//! for apps: pass it). The issuer is `https://<keycloak>/realms/<realm>`. Keycloak would make a
//! secret itself; the client is given one ([`SecretNeed::Plaintext`]) so the app's steps can
//! show it.

use super::{Copyable, Delivery, Output, Provider, SecretNeed, app_blocks, number_repeated};
use crate::catalog::{self, AppEntry, Setup};
use crate::client::{self, Client};
use crate::error::{Error, Result};
use crate::inputs::{HttpUrl, parse_domain};
use crate::plan::{self, Endpoints, Plan, Request, Resolved, SecretState};
use crate::render;
use serde_json::{Map, Value, json};

/// The provider's id (`--provider keycloak`).
pub const ID: &str = "keycloak";
const NAME: &str = "Keycloak";
/// The `--set` key of the realm.
pub const REALM_KEY: &str = "realm";
/// The realm when none is given.
pub const DEFAULT_REALM: &str = "master";
/// The client scopes a Keycloak realm has from the start (`basic`, `acr` and `web-origins` are
/// always given; the rest when the app asks for them).
pub const BUILT_IN_SCOPES: &[&str] = &[
    "acr",
    "basic",
    "web-origins",
    "profile",
    "email",
    "roles",
    "address",
    "phone",
    "offline_access",
    "microprofile-jwt",
    "organization",
];
const OPTIONAL_SCOPES: &[&str] = &["address", "phone", "offline_access"];

/// Keycloak, through its admin command line.
pub struct Keycloak;

/// The default Keycloak URL for a domain.
pub fn default_url(domain: &str) -> String {
    format!("https://keycloak.{domain}")
}

/// A realm's endpoints.
pub fn endpoints(url: &HttpUrl, realm: &str) -> Endpoints {
    let iss = format!("{}/realms/{realm}", url.base());
    let p = format!("{iss}/protocol/openid-connect");
    Endpoints {
        issuer: iss.clone(),
        discovery_url: format!("{iss}/.well-known/openid-configuration"),
        authorization_endpoint: format!("{p}/auth"),
        token_endpoint: format!("{p}/token"),
        userinfo_endpoint: format!("{p}/userinfo"),
        jwks_uri: format!("{p}/certs"),
        revocation_endpoint: format!("{p}/revoke"),
        introspection_endpoint: format!("{p}/token/introspect"),
        end_session_endpoint: format!("{p}/logout"),
    }
}

/// Why Keycloak cannot serve a client, or `Ok`.
pub fn check_client(app_name: &str, c: &Client) -> Result<()> {
    let refuse = |why: String| {
        Err(Error::input(format!(
            "Keycloak cannot serve {app_name}: {why}"
        )))
    };
    if c.scopes
        .iter()
        .flatten()
        .any(|s| s == "authelia.bearer.authz")
    {
        return refuse("it uses Authelia's own authelia.bearer.authz scope (bearer tokens for Authelia's access control), which Keycloak has no counterpart for".into());
    }
    if client::auth_method(c) == "private_key_jwt" {
        return refuse("it authenticates with private_key_jwt, which needs the app's public key registered in Keycloak, and the catalog has none".into());
    }
    Ok(())
}

/// The scopes the app asks for, each once, without `openid` (Keycloak adds it to every
/// OpenID Connect request).
fn wanted_scopes(c: &Client) -> Vec<String> {
    let mut v: Vec<String> = vec![];
    for s in c.scopes.iter().flatten() {
        if s != "openid" && !v.contains(s) {
            v.push(s.clone());
        }
    }
    v
}

/// The scopes the realm must get before the client (not built in; `groups` among them).
pub fn scopes_to_create(c: &Client) -> Vec<String> {
    wanted_scopes(c)
        .into_iter()
        .filter(|s| !BUILT_IN_SCOPES.contains(&s.as_str()))
        .collect()
}

/// The client representation.
pub fn representation(c: &Client, app_url: &HttpUrl, secret: Option<&str>) -> Value {
    let public = c.public == Some(true);
    let responses: Vec<String> = c
        .response_types
        .clone()
        .unwrap_or_else(|| vec!["code".into()]);
    let grants = c.grant_types.clone().unwrap_or_default();
    let standard = responses.iter().any(|r| r.split(' ').any(|w| w == "code"))
        || grants.iter().any(|g| g == "authorization_code");
    let implicit = responses
        .iter()
        .any(|r| r.split(' ').any(|w| w == "token" || w == "id_token"));
    let service = !public && grants.iter().any(|g| g == "client_credentials");
    let mut m = Map::new();
    m.insert("clientId".into(), json!(c.client_id));
    m.insert(
        "name".into(),
        json!(c.client_name.clone().unwrap_or_else(|| c.client_id.clone())),
    );
    m.insert("enabled".into(), json!(true));
    m.insert("protocol".into(), json!("openid-connect"));
    m.insert("publicClient".into(), json!(public));
    if !public {
        let kind = if client::auth_method(c) == "client_secret_jwt" {
            "client-secret-jwt"
        } else {
            "client-secret"
        };
        m.insert("clientAuthenticatorType".into(), json!(kind));
        if let Some(s) = secret {
            m.insert("secret".into(), json!(s));
        }
    }
    m.insert("baseUrl".into(), json!(app_url.to_string()));
    m.insert(
        "redirectUris".into(),
        json!(c.redirect_uris.clone().unwrap_or_default()),
    );
    m.insert("webOrigins".into(), json!(["+"]));
    m.insert("standardFlowEnabled".into(), json!(standard));
    m.insert("implicitFlowEnabled".into(), json!(implicit));
    m.insert("directAccessGrantsEnabled".into(), json!(false));
    m.insert("serviceAccountsEnabled".into(), json!(service));
    let mut attrs = Map::new();
    if c.require_pkce == Some(true) {
        let method = c
            .pkce_challenge_method
            .clone()
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| "S256".into());
        attrs.insert("pkce.code.challenge.method".into(), json!(method));
    }
    m.insert("attributes".into(), Value::Object(attrs));
    let wanted = wanted_scopes(c);
    let mut default: Vec<String> = ["acr", "basic", "web-origins"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut optional: Vec<String> = vec![];
    for s in &wanted {
        if OPTIONAL_SCOPES.contains(&s.as_str()) {
            optional.push(s.clone());
        } else if !default.contains(s) {
            default.push(s.clone());
        }
    }
    m.insert("defaultClientScopes".into(), json!(default));
    m.insert("optionalClientScopes".into(), json!(optional));
    let mut mappers = vec![];
    if wanted.iter().any(|s| s == "groups") {
        mappers.push(json!({
            "name": "groups",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-group-membership-mapper",
            "consentRequired": false,
            "config": {
                "claim.name": "groups",
                "full.path": "false",
                "id.token.claim": "true",
                "access.token.claim": "true",
                "userinfo.token.claim": "true",
                "introspection.token.claim": "true"
            }
        }));
    }
    m.insert("protocolMappers".into(), Value::Array(mappers));
    Value::Object(m)
}

/// The partial-import form of a client (Realm settings, Action, Partial import; or
/// `kcadm.sh create partialImport`).
pub fn partial_import(client: &Value) -> Value {
    json!({ "ifResourceExists": "FAIL", "clients": [client] })
}

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

impl Provider for Keycloak {
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
            Some(u) => HttpUrl::parse(u, "Keycloak URL")?,
            None => HttpUrl::parse(&default_url(&domain), "Keycloak URL")?,
        };
        let mut req = req.clone();
        req.auth_url = Some(url.base());
        let realm = req
            .values
            .remove(REALM_KEY)
            .map(|g| g.trim().to_string())
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| DEFAULT_REALM.to_string());
        if realm
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "/\\?#%".contains(c))
        {
            return Err(Error::input(format!(
                "'{realm}' is not a realm name a URL can carry (no spaces, '/', '\\', '?', '#' or '%')"
            )));
        }
        let mut r = plan::resolve(app, setup, &req)?;
        r.values.insert(REALM_KEY.into(), realm);
        Ok(r)
    }

    fn build(
        &self,
        app: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
    ) -> Result<Output> {
        let realm = resolved
            .values
            .get(REALM_KEY)
            .cloned()
            .unwrap_or_else(|| DEFAULT_REALM.into());
        let ep = endpoints(&resolved.auth_url, &realm);
        // The realm is Keycloak's input, not the app's (the custom app reads its values).
        let mut app_inputs = resolved.clone();
        app_inputs.values.remove(REALM_KEY);
        let mut plan = Plan::build_with(app, setup, &app_inputs, secret, ep)?;
        check_client(&plan.app_name, &plan.client)?;
        adapt(&mut plan);
        Ok(output(plan, &realm))
    }
}

fn output(plan: Plan, realm: &str) -> Output {
    let c = &plan.client;
    let secret = plan.secret_plaintext().map(str::to_string);
    let url = &plan.resolved.auth_url;
    let client = representation(c, &plan.resolved.app_url, secret.as_deref());
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let text = pretty(&client);
    let import = pretty(&partial_import(&client));
    let file_name = format!("keycloak-{}.json", plan.app);
    let redirects = c.redirect_uris.clone().unwrap_or_default();
    let mut provider_steps = vec![format!(
        "Sign in with Keycloak's admin CLI: kcadm.sh config credentials --server {} --realm master --user admin",
        url.base()
    )];
    for s in scopes_to_create(c) {
        provider_steps.push(format!(
            "Create the client scope {s} the app asks for (Keycloak refuses scopes it does not know): kcadm.sh create client-scopes -r {realm} -s name={s} -s protocol=openid-connect"
        ));
    }
    provider_steps.push(format!(
        "Create the client: kcadm.sh create clients -r {realm} -f {file_name}"
    ));
    provider_steps.push(format!(
        "Or import it in the admin console: realm {realm}, Realm settings, Action, Partial import, with the partial import JSON."
    ));
    if secret.is_some() {
        provider_steps.push("The client gets the secret shown here (the file's secret field); Keycloak shows it again under Clients, the client, Credentials.".into());
    }
    let mut notes = plan.notes.clone();
    if realm == DEFAULT_REALM {
        notes.push("The client goes into the master realm (every Keycloak has it); Keycloak recommends a realm of your own for apps: pass --set realm=<name>.".into());
    }
    if secret.is_some() {
        notes.push("The file holds the client secret in plaintext: keep it private and delete it once imported.".into());
    }
    let values = values(&plan, &text, &import);
    let e = &plan.endpoints;
    let mut json = Map::new();
    let mut put = |k: &str, v: Value| {
        json.insert(k.into(), v);
    };
    put("app", json!(plan.app));
    put("app_name", json!(plan.app_name));
    put("variant", json!(plan.variant));
    put("provider", json!(ID));
    put("realm", json!(realm));
    put("client_id", json!(c.client_id));
    put("client_secret", json!(secret));
    put("public", json!(c.public == Some(true)));
    put("client", client.clone());
    put("client_json", json!(text));
    put("partial_import", json!(import));
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
        secret: secret.clone(),
        client_text: text.clone(),
        client_label: "Client JSON",
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

fn values(p: &Plan, text: &str, import: &str) -> Vec<Copyable> {
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
        ("Revocation URL", &e.revocation_endpoint),
        ("Introspection URL", &e.introspection_endpoint),
        ("Logout URL", &e.end_session_endpoint),
    ] {
        v.push(one(l, u));
    }
    for u in p.client.redirect_uris.as_deref().unwrap_or(&[]) {
        v.push(one("Redirect URI", u));
    }
    number_repeated(&mut v);
    v.push(Copyable {
        label: "Partial import JSON".into(),
        value: import.into(),
        block: true,
    });
    v.extend(app_blocks(p, ("Client JSON", text)));
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
    let mut s = format!("== {NAME}: client ({file_name})\n\n{text}\n== {NAME}: steps\n\n");
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
