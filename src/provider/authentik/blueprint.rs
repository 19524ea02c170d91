//! The blueprint for one app and everything around it: the text (written by hand, since `!Find`
//! and `!KeyOf` are custom YAML tags no serializer emits), the steps in authentik, the app-side
//! plan and the values to copy; plus the human report and the `--json` object.

use super::model::{AuthentikEntry, ClientType, MatchingMode, RedirectKind};
use super::{application_slug, endpoints};
use crate::catalog::{AppEntry, AppSide, Setup};
use crate::client::{Client, uri_scheme};
use crate::error::{Error, Result};
use crate::plan::{Endpoints, Plan, Resolved, SecretState, Vars};
use crate::render::{self, yaml::quote};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The name of the certificate authentik creates on first start; the blueprint signs with it.
pub const DEFAULT_SIGNING_KEY: &str = "authentik Self-signed Certificate";
/// The authorization flow the provider uses (no consent screen).
pub const AUTHORIZATION_FLOW: &str = "default-provider-authorization-implicit-consent";
/// The flow that ends the session at the provider.
pub const INVALIDATION_FLOW: &str = "default-provider-invalidation-flow";

/// One redirect URI, filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// The URL (or regular expression).
    pub url: String,
    /// `strict` or `regex`.
    pub matching_mode: &'static str,
    /// `authorization` or `logout`.
    pub redirect_uri_type: &'static str,
}

/// A custom scope mapping, filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// The blueprint entry id (`!KeyOf` target).
    pub id: String,
    /// The mapping's name in authentik.
    pub name: String,
    /// Its scope.
    pub scope: String,
    /// Its Python expression.
    pub expression: String,
    /// Consent-screen text.
    pub description: Option<String>,
}

/// Everything the user needs to put one app behind authentik.
#[derive(Debug, Clone)]
pub struct BlueprintPlan {
    /// Catalog slug.
    pub app: String,
    /// Display name.
    pub app_name: String,
    /// The blueprint's `metadata.name` (what Customization > Blueprints lists).
    pub blueprint_name: String,
    /// A file name to save the blueprint as.
    pub file_name: String,
    /// The blueprint YAML.
    pub blueprint: String,
    /// The provider's name in authentik.
    pub provider_name: String,
    /// The application slug.
    pub application_slug: String,
    /// Public or confidential.
    pub client_type: ClientType,
    /// Client id.
    pub client_id: String,
    /// Client secret (confidential clients; authentik stores it in plaintext).
    pub client_secret: Option<String>,
    /// Redirect URIs.
    pub redirect_uris: Vec<Redirect>,
    /// Managed scope mappings attached, by scope.
    pub managed_mappings: Vec<String>,
    /// Custom scope mappings created.
    pub custom_mappings: Vec<Mapping>,
    /// Grant types listed.
    pub grant_types: Vec<String>,
    /// Subject mode, when not authentik's default.
    pub sub_mode: Option<String>,
    /// The dashboard launch URL.
    pub launch_url: String,
    /// The app's logout URL authentik calls, if any.
    pub logout_uri: Option<String>,
    /// authentik's endpoints for this application.
    pub endpoints: Endpoints,
    /// What to do in authentik: where the file goes, how to check it applied, app-specific steps.
    pub authentik_steps: Vec<String>,
    /// The app side (steps, env, files, notes) with authentik's values filled in.
    pub plan: Plan,
    /// Values to copy, labelled, in the order the app asks for them.
    pub values: Vec<(String, String)>,
}

impl BlueprintPlan {
    /// The app-side steps.
    pub fn steps(&self) -> &[String] {
        &self.plan.steps
    }
}

/// Placeholders of authentik files beyond the plan's: replaced before the plan fills the rest.
fn pre_fill(s: &str, slug: &str, provider: &str, issuer_base: &str) -> String {
    s.replace("{application_slug}", slug)
        .replace("{provider_name}", provider)
        .replace("{issuer_base}", issuer_base)
}

fn vars_of(
    resolved: &Resolved,
    ep: &Endpoints,
    secret: Option<&str>,
    slug: &str,
    provider: &str,
    name: &str,
) -> Vars {
    let mut v = Vars::default();
    for (k, x) in [
        ("domain", resolved.domain.clone()),
        ("app_url", resolved.app_url.base()),
        ("app_host", resolved.app_url.authority()),
        ("app_path", resolved.app_url.path.clone()),
        ("auth_url", resolved.auth_url.base()),
        ("auth_host", resolved.auth_url.authority()),
        ("client_id", resolved.client_id.clone()),
        (
            "client_secret",
            secret.unwrap_or("(none: public client)").to_string(),
        ),
        ("client_name", name.to_string()),
        ("issuer", ep.issuer.clone()),
        ("issuer_base", ep.issuer.trim_end_matches('/').to_string()),
        ("discovery_url", ep.discovery_url.clone()),
        ("authorization_endpoint", ep.authorization_endpoint.clone()),
        ("token_endpoint", ep.token_endpoint.clone()),
        ("userinfo_endpoint", ep.userinfo_endpoint.clone()),
        ("jwks_uri", ep.jwks_uri.clone()),
        ("revocation_endpoint", ep.revocation_endpoint.clone()),
        ("introspection_endpoint", ep.introspection_endpoint.clone()),
        ("end_session_endpoint", ep.end_session_endpoint.clone()),
        ("application_slug", slug.to_string()),
        ("provider_name", provider.to_string()),
    ] {
        v.set(k, &x);
    }
    for (k, x) in &resolved.values {
        v.set(&format!("input.{k}"), x);
    }
    v
}

/// Builds the plan. See [`super::plan()`].
pub fn build(
    entry: &AppEntry,
    ak: &AuthentikEntry,
    resolved: &Resolved,
    secret: Option<&str>,
) -> Result<BlueprintPlan> {
    let cat = |m: String| Error::Catalog {
        slug: format!("authentik/{}", ak.slug),
        message: m,
    };
    let slug = application_slug(ak).to_string();
    let ep = endpoints(&resolved.auth_url, &slug);
    let secret = match (ak.client_type, secret.filter(|s| !s.is_empty())) {
        (ClientType::Confidential, Some(s)) => {
            if s.len() > 255 || s.chars().any(|c| c.is_control()) {
                return Err(Error::input(
                    "the client secret must be at most 255 characters, without control characters",
                ));
            }
            Some(s.to_string())
        }
        (ClientType::Confidential, None) => {
            return Err(Error::input(format!(
                "{} needs a confidential client: a client secret is required",
                entry.name
            )));
        }
        (ClientType::Public, _) => None,
    };
    if resolved.client_id.len() > 255 {
        return Err(Error::input(
            "authentik takes client ids of at most 255 characters",
        ));
    }
    let provider_name = match &ak.provider_name {
        Some(n) => n.clone(),
        None => format!("Provider for {}", entry.name),
    };
    let vars = vars_of(
        resolved,
        &ep,
        secret.as_deref(),
        &slug,
        &provider_name,
        &entry.name,
    );
    let fill = |s: &str| vars.fill(s).map_err(cat);

    let mut redirects = Vec::new();
    for r in &ak.redirect_uris {
        let url = fill(&r.url)?;
        if r.matching_mode == MatchingMode::Strict && uri_scheme(&url).is_none() {
            return Err(Error::input(format!(
                "redirect URI '{url}' is not an absolute URI"
            )));
        }
        if !redirects
            .iter()
            .any(|x: &Redirect| x.url == url && x.redirect_uri_type == r.kind.as_str())
        {
            redirects.push(Redirect {
                url,
                matching_mode: r.matching_mode.as_str(),
                redirect_uri_type: r.kind.as_str(),
            });
        }
    }
    let custom_mappings: Vec<Mapping> = ak
        .custom_mappings
        .iter()
        .map(|c| Mapping {
            id: format!("{}-mapping-{}", ak.slug, id_part(&c.scope)),
            name: c
                .name
                .clone()
                .unwrap_or_else(|| format!("{} {}", entry.name, c.scope)),
            scope: c.scope.clone(),
            expression: c.expression.trim_end().to_string(),
            description: c.description.clone(),
        })
        .collect();
    let launch_url = fill(ak.launch_url.as_deref().unwrap_or("{app_url}/"))?;
    let grant_types = ak.grants();

    // The app side goes through the same plan as Authelia's, with authentik's endpoints and a
    // client that carries authentik's redirect URIs and scopes (for {redirect_uri}, {scopes}).
    let issuer_base = ep.issuer.trim_end_matches('/').to_string();
    let pre = |s: &String| pre_fill(s, &slug, &provider_name, &issuer_base);
    // No app side of its own: the catalog's (for the matching setup) is the same.
    let catalog_setup;
    let source: &AppSide = match &ak.app {
        Some(a) => a,
        None => {
            catalog_setup = crate::catalog::setup_of(entry, ak.catalog_variant.as_deref())?;
            catalog_setup.app
        }
    };
    let app = AppSide {
        steps: source.steps.iter().map(pre).collect(),
        env: source
            .env
            .iter()
            .map(|e| crate::catalog::EnvVar {
                name: e.name.clone(),
                value: pre(&e.value),
            })
            .collect(),
        service: source.service.clone(),
        files: source
            .files
            .iter()
            .map(|f| crate::catalog::FileSnippet {
                path: pre(&f.path),
                language: f.language.clone(),
                content: pre(&f.content),
            })
            .collect(),
    };
    let notes: Vec<String> = ak.notes.iter().map(pre).collect();
    let public = ak.client_type == ClientType::Public;
    let client = Client {
        client_id: resolved.client_id.clone(),
        client_name: Some(entry.name.clone()),
        public: Some(public),
        redirect_uris: Some(
            ak.redirect_uris
                .iter()
                .filter(|r| {
                    r.kind == RedirectKind::Authorization && r.matching_mode == MatchingMode::Strict
                })
                .map(|r| r.url.clone())
                .collect(),
        ),
        scopes: Some(ak.scopes.clone()),
        response_types: Some(vec!["code".into()]),
        grant_types: Some(
            grant_types
                .iter()
                .filter(|g| ["authorization_code", "refresh_token"].contains(&g.as_str()))
                .cloned()
                .collect(),
        ),
        token_endpoint_auth_method: Some(
            if public {
                "none"
            } else {
                "client_secret_basic"
            }
            .into(),
        ),
        ..Default::default()
    };
    let setup = Setup {
        variant: ak.catalog_variant.as_deref(),
        label: ak.label.as_deref().unwrap_or("authentik"),
        client: &client,
        id_token_claims: &[],
        oidc_additions: &crate::catalog::model::NO_ADDITIONS,
        definitions: &crate::catalog::model::NO_DEFINITIONS,
        fixed_secret: None,
        app: &app,
        notes: &notes,
        differences: &ak.differences,
        extra_inputs: &ak.inputs,
    };
    let state = match &secret {
        Some(s) => SecretState::Pending(s.clone()),
        None => SecretState::None,
    };
    let mut plan = Plan::build_with(entry, &setup, resolved, state, ep.clone())?;
    plan.warnings.clear(); // Authelia's rules; authentik has its own.

    let blueprint_name = format!("oidc-wizard: {}", entry.name);
    let file_name = format!("oidc-wizard-{}.yaml", ak.slug);
    let mut bp = BlueprintPlan {
        app: entry.slug.clone(),
        app_name: entry.name.clone(),
        blueprint_name,
        file_name,
        blueprint: String::new(),
        provider_name,
        application_slug: slug,
        client_type: ak.client_type,
        client_id: resolved.client_id.clone(),
        client_secret: secret,
        redirect_uris: redirects,
        managed_mappings: ak.managed_mappings.clone(),
        custom_mappings,
        grant_types,
        sub_mode: ak.sub_mode.clone(),
        launch_url,
        logout_uri: ak.logout_uri.as_deref().map(fill).transpose()?,
        endpoints: ep,
        authentik_steps: Vec::new(),
        plan,
        values: Vec::new(),
    };
    bp.blueprint = text(&bp, ak);
    bp.authentik_steps = authentik_steps(&bp, ak, &vars).map_err(cat)?;
    bp.values = values(&bp);
    Ok(bp)
}

fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn find_tag(model: &str, field: &str, value: &str) -> String {
    format!("!Find [{model}, [{field}, {value}]]")
}

fn managed_ref(scope: &str) -> String {
    find_tag(
        "authentik_providers_oauth2.scopemapping",
        "managed",
        &format!("goauthentik.io/providers/oauth2/scope-{scope}"),
    )
}

/// The blueprint text.
fn text(bp: &BlueprintPlan, ak: &AuthentikEntry) -> String {
    let mut o: Vec<String> = vec![
        format!("# {}", render::generated_marker(&bp.plan)),
        "# yaml-language-server: $schema=https://goauthentik.io/blueprints/schema.json".into(),
        "version: 1".into(),
        "metadata:".into(),
        format!("  name: {}", quote(&bp.blueprint_name)),
        "entries:".into(),
    ];
    for m in &bp.custom_mappings {
        o.push("  - model: authentik_providers_oauth2.scopemapping".into());
        o.push(format!("    id: {}", m.id));
        o.push("    identifiers:".into());
        o.push(format!("      name: {}", quote(&m.name)));
        o.push("    attrs:".into());
        o.push(format!("      scope_name: {}", quote(&m.scope)));
        if let Some(d) = &m.description {
            o.push(format!("      description: {}", quote(d)));
        }
        if m.expression.contains('\n') {
            o.push("      expression: |".into());
            for line in m.expression.lines() {
                if line.trim().is_empty() {
                    o.push(String::new());
                } else {
                    o.push(format!("        {line}"));
                }
            }
        } else {
            o.push(format!("      expression: {}", quote(&m.expression)));
        }
    }
    let provider_id = format!("{}-provider", ak.slug);
    o.push("  - model: authentik_providers_oauth2.oauth2provider".into());
    o.push(format!("    id: {provider_id}"));
    o.push("    identifiers:".into());
    o.push(format!("      name: {}", quote(&bp.provider_name)));
    o.push("    attrs:".into());
    o.push(format!(
        "      authorization_flow: {}",
        find_tag("authentik_flows.flow", "slug", AUTHORIZATION_FLOW)
    ));
    o.push(format!(
        "      invalidation_flow: {}",
        find_tag("authentik_flows.flow", "slug", INVALIDATION_FLOW)
    ));
    o.push(format!("      client_type: {}", bp.client_type.as_str()));
    o.push(format!("      client_id: {}", quote(&bp.client_id)));
    if let Some(s) = &bp.client_secret {
        o.push(format!("      client_secret: {}", quote(s)));
    }
    o.push("      grant_types:".into());
    for g in &bp.grant_types {
        o.push(format!("        - {g}"));
    }
    o.push("      redirect_uris:".into());
    for r in &bp.redirect_uris {
        o.push(format!("        - matching_mode: {}", r.matching_mode));
        o.push(format!("          url: {}", quote(&r.url)));
        if r.redirect_uri_type != "authorization" {
            o.push(format!(
                "          redirect_uri_type: {}",
                r.redirect_uri_type
            ));
        }
    }
    o.push(format!(
        "      signing_key: {}",
        find_tag(
            "authentik_crypto.certificatekeypair",
            "name",
            DEFAULT_SIGNING_KEY
        )
    ));
    if let Some(s) = &bp.sub_mode {
        o.push(format!("      sub_mode: {s}"));
    }
    if let Some(v) = &ak.access_token_validity {
        o.push(format!("      access_token_validity: {}", quote(v)));
    }
    if let (Some(u), Some(m)) = (&bp.logout_uri, &ak.logout_method) {
        o.push(format!("      logout_uri: {}", quote(u)));
        o.push(format!("      logout_method: {m}"));
    }
    if let Some(b) = ak.include_claims_in_id_token {
        o.push(format!("      include_claims_in_id_token: {b}"));
    }
    o.push("      property_mappings:".into());
    for m in &bp.managed_mappings {
        o.push(format!("        - {}", managed_ref(m)));
    }
    for m in &bp.custom_mappings {
        o.push(format!("        - !KeyOf {}", m.id));
    }
    o.push("  - model: authentik_core.application".into());
    o.push("    identifiers:".into());
    o.push(format!("      slug: {}", quote(&bp.application_slug)));
    o.push("    attrs:".into());
    o.push(format!("      name: {}", quote(&bp.app_name)));
    o.push(format!("      provider: !KeyOf {provider_id}"));
    o.push(format!("      meta_launch_url: {}", quote(&bp.launch_url)));
    let mut s = o.join("\n");
    s.push('\n');
    s
}

fn authentik_steps(
    bp: &BlueprintPlan,
    ak: &AuthentikEntry,
    vars: &Vars,
) -> std::result::Result<Vec<String>, String> {
    let mut steps = vec![
        format!(
            "Save the blueprint as {} in the authentik worker's /blueprints directory (for example a host folder mounted at /blueprints/custom in the worker container). The worker finds new files there by itself, applies them, and re-applies them every hour.",
            bp.file_name
        ),
        "Or, without access to the worker's files: in the admin interface open Customization > Blueprints, create a blueprint and paste the text as its content (or import the file once from Flows and Stages > Flows > Import).".into(),
        format!(
            "Check that it applied: Customization > Blueprints lists '{}' with the status successful, and Applications > Applications lists {} (slug {}) with the provider '{}', whose Signing Key is '{DEFAULT_SIGNING_KEY}' (if you renamed that certificate, pick a key there: without one authentik signs with the client secret). A failed blueprint changes nothing (it applies as one transaction); the worker's log says why.",
            bp.blueprint_name, bp.app_name, bp.application_slug, bp.provider_name
        ),
    ];
    for s in &ak.authentik_steps {
        steps.push(vars.fill(s)?);
    }
    steps.push(format!(
        "To limit who may sign in, bind groups or users to the application (Applications > {} > Policy / Group / User Bindings); an application without bindings is open to every user.",
        bp.app_name
    ));
    Ok(steps)
}

fn values(bp: &BlueprintPlan) -> Vec<(String, String)> {
    let e = &bp.endpoints;
    let mut v = vec![("Client ID".to_string(), bp.client_id.clone())];
    if let Some(s) = &bp.client_secret {
        v.push(("Client Secret".into(), s.clone()));
    }
    for (k, x) in [
        // The same labels as every provider's (the wizard and the command line share them).
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
        v.push((k.to_string(), x.clone()));
    }
    for r in &bp.redirect_uris {
        let label = match (r.redirect_uri_type, r.matching_mode) {
            ("logout", _) => "Post-logout URI",
            (_, "regex") => "Redirect (regex)",
            _ => "Redirect URI",
        };
        v.push((label.to_string(), r.url.clone()));
    }
    v
}

/// The human-readable report of `add --provider authentik`.
pub fn report(bp: &BlueprintPlan) -> String {
    let mut s = format!(
        "== authentik: blueprint ({})\n\n{}\n",
        bp.file_name, bp.blueprint
    );
    s.push_str("== authentik: steps\n\n");
    for (i, x) in bp.authentik_steps.iter().enumerate() {
        s.push_str(&format!("{:>2}. {x}\n", i + 1));
    }
    s.push_str(&format!("\n== {}: values\n\n", bp.app_name));
    let width = bp.values.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &bp.values {
        s.push_str(&format!("  {k:<width$}  {v}\n"));
        if k == "Client ID" && bp.client_secret.is_none() {
            s.push_str(&format!(
                "  {:<width$}  (none: public client)\n",
                "Client Secret"
            ));
        }
    }
    let plan = &bp.plan;
    if !plan.steps.is_empty() {
        s.push_str(&format!(
            "\n== {}: steps\n\n{}",
            bp.app_name,
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
        s.push_str(&format!("\n== {path}\n\n{}\n", content.trim_end()));
    }
    let notes = notes(bp);
    if !notes.is_empty() {
        s.push_str("\n== Notes\n\n");
        for n in notes {
            s.push_str(&format!("  - {n}\n"));
        }
    }
    s
}

/// The app's notes plus what every authentik blueprint implies.
pub fn notes(bp: &BlueprintPlan) -> Vec<String> {
    let mut n = bp.plan.notes.clone();
    if bp.client_secret.is_some() {
        n.push("authentik keeps the client secret in plaintext (in its database, and in this blueprint): keep the file private.".into());
    }
    n.push(format!(
        "The blueprint finds the provider by its name ('{}') and the application by its slug ('{}'): objects of that name made by hand are updated in place, not duplicated. A file in /blueprints is re-applied every hour, so change these settings in the file rather than in the admin interface.",
        bp.provider_name, bp.application_slug
    ));
    n.push("Written for authentik 2026.5 or later (grant_types and redirect URI types); 2024.10.3 or later reads the rest.".into());
    n
}

/// The JSON object of `add --provider authentik --json`.
pub fn json(bp: &BlueprintPlan) -> Map<String, Value> {
    let plan = &bp.plan;
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("app", json!(bp.app));
    put("app_name", json!(bp.app_name));
    put("provider", json!("authentik"));
    put("blueprint", json!(bp.blueprint));
    put("blueprint_name", json!(bp.blueprint_name));
    put("file_name", json!(bp.file_name));
    put("client_type", json!(bp.client_type.as_str()));
    put("client_id", json!(bp.client_id));
    if let Some(s) = &bp.client_secret {
        put("client_secret", json!(s));
    }
    put("issuer", json!(bp.endpoints.issuer));
    put("endpoints", json!(bp.endpoints));
    put("provider_name", json!(bp.provider_name));
    put("application_slug", json!(bp.application_slug));
    put("redirect_uris", json!(bp.redirect_uris));
    put(
        "scope_mappings",
        json!({"managed": bp.managed_mappings, "custom": bp.custom_mappings}),
    );
    put("grant_types", json!(bp.grant_types));
    put("sub_mode", json!(bp.sub_mode));
    put("launch_url", json!(bp.launch_url));
    put("authentik_steps", json!(bp.authentik_steps));
    put("steps", json!(plan.steps));
    put(
        "env",
        Value::Object(
            plan.env
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        ),
    );
    put("dotenv", json!(render::dotenv(plan)));
    put("compose", json!(render::compose_env(plan)));
    put(
        "files",
        json!(
            plan.files
                .iter()
                .map(|(p, l, c)| json!({"path": p, "language": l, "content": c}))
                .collect::<Vec<_>>()
        ),
    );
    put("notes", json!(notes(bp)));
    put("differences", json!(plan.differences));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::plan::Request;
    use crate::provider::authentik::parse_entry;

    fn resolved(entry: &AppEntry) -> Resolved {
        let req = Request {
            domain: "example.com".into(),
            auth_url: Some("https://ak.example.com".into()),
            ..Default::default()
        };
        crate::plan::resolve(entry, &catalog::setup_of(entry, None).unwrap(), &req).unwrap()
    }

    const CUSTOM: &str = "slug: engomo
guide: engomo.mdx
client_type: confidential
provider_name: O'Brien's provider
application_slug: engomo-two
redirect_uris:
  - url: '{app_url}/cb'
  - url: '{app_url}/cb'
  - url: '{app_url}/bye'
    type: logout
  - url: '^https://x\\.example\\.com/.*$'
    matching_mode: regex
scopes: [openid]
managed_mappings: [openid, email]
custom_mappings:
  - scope: roles
    expression: |
      roles = []

      if request.user.is_superuser:
          roles.append(\"admin\")
      return {\"roles\": roles}
access_token_validity: minutes=10
include_claims_in_id_token: false
app:
  steps: ['Issuer: {issuer_base} (slug {application_slug}, provider {provider_name})']
";

    #[test]
    fn custom_entry_renders_as_valid_yaml_with_its_values() {
        let entry = catalog::find("engomo").unwrap();
        let ak = parse_entry("engomo", CUSTOM).unwrap();
        let bp = build(entry, &ak, &resolved(entry), Some("p'ss")).unwrap();
        let y: serde_yaml::Value = serde_yaml::from_str(&bp.blueprint).expect("valid YAML");
        let entries = y["entries"].as_sequence().unwrap();
        assert_eq!(entries.len(), 3);
        // The multi-line expression comes back exactly, blank line included.
        assert_eq!(
            entries[0]["attrs"]["expression"].as_str().unwrap(),
            "roles = []\n\nif request.user.is_superuser:\n    roles.append(\"admin\")\nreturn {\"roles\": roles}\n"
        );
        assert_eq!(
            entries[0]["identifiers"]["name"].as_str().unwrap(),
            "engomo roles"
        );
        let p = &entries[1]["attrs"];
        assert_eq!(
            entries[1]["identifiers"]["name"].as_str().unwrap(),
            "O'Brien's provider"
        );
        assert_eq!(p["client_secret"].as_str().unwrap(), "p'ss");
        assert_eq!(p["access_token_validity"].as_str().unwrap(), "minutes=10");
        assert_eq!(p["include_claims_in_id_token"].as_bool(), Some(false));
        // The duplicate redirect is written once; logout and regex entries keep their kind.
        let r = p["redirect_uris"].as_sequence().unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1]["redirect_uri_type"].as_str(), Some("logout"));
        assert_eq!(r[2]["matching_mode"].as_str(), Some("regex"));
        assert_eq!(r[2]["url"].as_str(), Some("^https://x\\.example\\.com/.*$"));
        assert_eq!(
            entries[2]["identifiers"]["slug"].as_str(),
            Some("engomo-two")
        );
        // The per-application endpoints follow the application slug.
        assert_eq!(
            bp.endpoints.issuer,
            "https://ak.example.com/application/o/engomo-two/"
        );
        assert_eq!(
            bp.steps(),
            [
                "Issuer: https://ak.example.com/application/o/engomo-two (slug engomo-two, provider O'Brien's provider)"
            ]
        );
        let labels: Vec<_> = bp.values.iter().map(|(k, _)| k.as_str()).collect();
        assert!(labels.contains(&"Post-logout URI") && labels.contains(&"Redirect (regex)"));
        assert!(notes(&bp).iter().any(|n| n.contains("plaintext")));
    }

    #[test]
    fn secrets_follow_the_client_type() {
        let entry = catalog::find("engomo").unwrap();
        let ak = parse_entry("engomo", CUSTOM).unwrap();
        let r = resolved(entry);
        assert!(build(entry, &ak, &r, None).is_err());
        assert!(build(entry, &ak, &r, Some("")).is_err());
        assert!(build(entry, &ak, &r, Some(&"x".repeat(256))).is_err());
        let public = parse_entry(
            "engomo",
            &CUSTOM.replace("client_type: confidential", "client_type: public"),
        )
        .unwrap();
        let bp = build(entry, &public, &r, Some("ignored")).unwrap();
        assert_eq!(bp.client_secret, None);
        assert!(!bp.blueprint.contains("client_secret"));
        assert!(!bp.blueprint.contains("ignored"));
    }

    #[test]
    fn relative_strict_redirects_are_refused() {
        let entry = catalog::find("engomo").unwrap();
        let ak = parse_entry("engomo", &CUSTOM.replace("'{app_url}/cb'", "'/cb'")).unwrap();
        let e = build(entry, &ak, &resolved(entry), Some("s"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an absolute URI"), "{e}");
    }

    #[test]
    fn unknown_placeholders_are_catalog_errors() {
        let entry = catalog::find("engomo").unwrap();
        let ak = parse_entry(
            "engomo",
            &CUSTOM.replace("'{app_url}/bye'", "'{app_uri}/bye'"),
        )
        .unwrap();
        let e = build(entry, &ak, &resolved(entry), Some("s"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("authentik/engomo") && e.contains("app_uri"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod reuse_tests {
    use super::*;
    use crate::catalog;
    use crate::plan::Request;
    use crate::provider::authentik::parse_entry;

    #[test]
    fn without_an_app_side_the_catalog_steps_apply_with_authentik_values() {
        let entry = catalog::find("memos").unwrap();
        let ak = parse_entry(
            "memos",
            "slug: memos\nguide: memos.mdx\nclient_type: confidential\nredirect_uris:\n  - url: '{app_url}/auth/callback'\nscopes: [openid, profile, email]\nmanaged_mappings: [openid, email, profile]\n",
        )
        .unwrap();
        let req = Request {
            domain: "example.com".into(),
            auth_url: Some("https://ak.example.com".into()),
            ..Default::default()
        };
        let setup = catalog::setup_of(entry, None).unwrap();
        let r = crate::plan::resolve(entry, &setup, &req).unwrap();
        let bp = build(entry, &ak, &r, Some("s")).unwrap();
        assert_eq!(bp.steps().len(), entry.app.steps.len());
        assert!(
            bp.steps()
                .iter()
                .any(|s| s.contains("https://ak.example.com/application/o/token/")),
            "{:?}",
            bp.steps()
        );
    }
}
