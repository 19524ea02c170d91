//! From a catalog entry and the user's inputs to everything the user needs: the built client,
//! the provider's endpoints, the app-side steps and env block with every value filled in.
//!
//! Data flows one way: [`Request`] (raw inputs) -> [`Resolved`] (validated values) -> [`Plan`]
//! (client, endpoints, steps). The secret's digest is slow, so a plan can be built before it is
//! known ([`SecretState::Pending`]) and rebuilt once the worker delivers it.

use crate::catalog::{self, AppEntry, InputSpec, Setup, custom};
use crate::client::{self, Client, Finding, Severity};
use crate::error::{Error, Result};
use crate::inputs::{HttpUrl, Policy, parse_domain};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the user asked for, before validation (strings as typed).
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Base domain (`example.com`).
    pub domain: String,
    /// App URL; empty: `https://<subdomain>.<domain>/`.
    pub app_url: Option<String>,
    /// Provider URL; empty: `https://auth.<domain>` (Authelia).
    pub auth_url: Option<String>,
    /// Client id; empty: the catalog default.
    pub client_id: Option<String>,
    /// Authorization policy; empty: two_factor.
    pub policy: Option<String>,
    /// Values of the entry's extra inputs, by key.
    pub values: BTreeMap<String, String>,
}

/// Validated inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Base domain.
    pub domain: String,
    /// The app's URL.
    pub app_url: HttpUrl,
    /// The provider's URL.
    pub auth_url: HttpUrl,
    /// Client id.
    pub client_id: String,
    /// Authorization policy.
    pub policy: Policy,
    /// Extra input values (defaults filled in).
    pub values: BTreeMap<String, String>,
}

/// The default app URL for an entry and domain.
pub fn default_app_url(entry: &AppEntry, domain: &str) -> String {
    if entry.subdomain.is_empty() {
        format!("https://{domain}/")
    } else {
        format!("https://{}.{domain}/", entry.subdomain)
    }
}

/// The default Authelia URL for a domain.
pub fn default_auth_url(domain: &str) -> String {
    format!("https://auth.{domain}")
}

/// The inputs of a setup: the entry's, then the variant's (or provider's) that have another key
/// (one key is one value, `--set key=...`, one field in the wizard).
pub fn inputs_of<'a>(entry: &'a AppEntry, setup: &Setup<'a>) -> Vec<&'a InputSpec> {
    let mut out: Vec<&InputSpec> = Vec::new();
    for i in entry.inputs.iter().chain(setup.extra_inputs.iter()) {
        if !out.iter().any(|o| o.key == i.key) {
            out.push(i);
        }
    }
    out
}

/// Validates a request. Each problem is reported on its own; the first is returned.
pub fn resolve(entry: &AppEntry, setup: &Setup<'_>, req: &Request) -> Result<Resolved> {
    let domain = parse_domain(&req.domain)?;
    let app_url = match req
        .app_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(u) => HttpUrl::parse(u, "app URL")?,
        None if custom::is_custom(entry) => {
            let name = req.values.get("name").map_or("", String::as_str);
            let url = format!("https://{}.{domain}/", custom::subdomain_for(name));
            HttpUrl::parse(&url, "app URL")?
        }
        None => HttpUrl::parse(&default_app_url(entry, &domain), "app URL")?,
    };
    let auth_url = match req
        .auth_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(u) => HttpUrl::parse(u, "Authelia URL")?,
        None => HttpUrl::parse(&default_auth_url(&domain), "Authelia URL")?,
    };
    let given_id = req
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let client_id = match given_id {
        Some(id) => id.to_string(),
        None => setup.client.client_id.clone(),
    };
    let policy = match req
        .policy
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(p) => Policy::parse(p)?,
        None => Policy::default(),
    };
    let specs = inputs_of(entry, setup);
    for key in req.values.keys() {
        if !specs.iter().any(|s| &s.key == key) {
            let known: Vec<_> = specs.iter().map(|s| s.key.as_str()).collect();
            return Err(Error::input(if known.is_empty() {
                format!(
                    "'{}' takes no extra values, but '{key}' was given",
                    entry.slug
                )
            } else {
                format!(
                    "unknown value '{key}' for '{}': it takes {}",
                    entry.slug,
                    known.join(", ")
                )
            }));
        }
    }
    let mut values = BTreeMap::new();
    let base = Vars::base(&domain, &app_url, &auth_url, &client_id);
    for spec in specs {
        let v = match req
            .values
            .get(&spec.key)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            Some(v) => v.to_string(),
            None => match &spec.default {
                Some(d) => base.fill(d).map_err(Error::input)?,
                None => {
                    return Err(Error::input(format!(
                        "{} is required for {}: {} (pass --set {}=<value>)",
                        spec.label, entry.name, spec.help, spec.key
                    )));
                }
            },
        };
        if v.chars().any(|c| c.is_control()) {
            return Err(Error::input(format!(
                "{} contains a control character",
                spec.label
            )));
        }
        values.insert(spec.key.clone(), v);
    }
    // The custom app: its values are the client's facts; check them now and derive the default
    // client id from its name.
    let client_id = if custom::is_custom(entry) {
        let spec = custom::CustomSpec::from_values(&values)?;
        spec.validate()?;
        given_id.map_or_else(|| spec.default_client_id(), str::to_string)
    } else {
        client_id
    };
    client::valid_client_id(&client_id).map_err(Error::Input)?;
    Ok(Resolved {
        domain,
        app_url,
        auth_url,
        client_id,
        policy,
        values,
    })
}

/// The provider's OpenID Connect endpoints as the app must be told them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoints {
    /// Issuer (no trailing slash for Authelia).
    pub issuer: String,
    /// Discovery document.
    pub discovery_url: String,
    /// Authorization endpoint.
    pub authorization_endpoint: String,
    /// Token endpoint.
    pub token_endpoint: String,
    /// Userinfo endpoint.
    pub userinfo_endpoint: String,
    /// JSON Web Key Set.
    pub jwks_uri: String,
    /// Token revocation.
    pub revocation_endpoint: String,
    /// Token introspection.
    pub introspection_endpoint: String,
    /// Where to send a user to sign out of the provider.
    pub end_session_endpoint: String,
}

impl Endpoints {
    /// Authelia's endpoints under its root URL.
    pub fn authelia(auth: &HttpUrl) -> Self {
        let b = auth.base();
        Endpoints {
            issuer: b.clone(),
            discovery_url: format!("{b}/.well-known/openid-configuration"),
            authorization_endpoint: format!("{b}/api/oidc/authorization"),
            token_endpoint: format!("{b}/api/oidc/token"),
            userinfo_endpoint: format!("{b}/api/oidc/userinfo"),
            jwks_uri: format!("{b}/jwks.json"),
            revocation_endpoint: format!("{b}/api/oidc/revocation"),
            introspection_endpoint: format!("{b}/api/oidc/introspection"),
            end_session_endpoint: format!("{b}/logout"),
        }
    }
}

/// Placeholder values for templates: `{name}` is replaced, anything else is left alone.
#[derive(Debug, Clone, Default)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    fn base(domain: &str, app: &HttpUrl, auth: &HttpUrl, client_id: &str) -> Self {
        let mut v = Vars::default();
        v.set("domain", domain);
        v.set("app_url", &app.base());
        v.set("app_host", &app.authority());
        v.set("app_path", &app.path);
        v.set("auth_url", &auth.base());
        v.set("auth_host", &auth.authority());
        v.set("client_id", client_id);
        v
    }

    /// Sets a placeholder.
    pub fn set(&mut self, k: &str, v: &str) {
        self.0.insert(k.to_string(), v.to_string());
    }

    /// Replaces `{name}` placeholders. A `{name}` of placeholder shape (lower-case letters, digits,
    /// `_` and `.`) that is not known is an error, so typos in catalog files are caught.
    pub fn fill(&self, template: &str) -> std::result::Result<String, String> {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let tail = &rest[i + 1..];
            let end = tail.find('}');
            let name = end.map(|e| &tail[..e]);
            match name {
                Some(n) if is_placeholder(n) => {
                    let v = self
                        .0
                        .get(n)
                        .ok_or_else(|| format!("unknown placeholder {{{n}}}"))?;
                    out.push_str(v);
                    rest = &tail[n.len() + 1..];
                }
                _ => {
                    out.push('{');
                    rest = tail;
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn is_placeholder(n: &str) -> bool {
    !n.is_empty()
        && n.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && n.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.' || c == '-'
        })
}

/// Where the client secret stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretState {
    /// A public client: no secret.
    None,
    /// The plaintext is known; its digest is being computed.
    Pending(String),
    /// Plaintext and digest.
    Ready {
        /// What the app is given.
        plaintext: String,
        /// What Authelia stores.
        digest: String,
    },
}

impl SecretState {
    /// The plaintext, if the client has a secret.
    pub fn plaintext(&self) -> Option<&str> {
        match self {
            SecretState::None => None,
            SecretState::Pending(p) | SecretState::Ready { plaintext: p, .. } => Some(p),
        }
    }
    /// The digest, once known.
    pub fn digest(&self) -> Option<&str> {
        match self {
            SecretState::Ready { digest, .. } => Some(digest),
            _ => None,
        }
    }
}

/// Whether a setup's client needs a generated secret.
pub fn needs_secret(setup: &Setup<'_>) -> bool {
    setup.fixed_secret.is_none()
        && setup.client.public != Some(true)
        && matches!(
            client::auth_method(setup.client),
            "client_secret_basic" | "client_secret_post" | "client_secret_jwt"
        )
}

/// A claims policy the client needs (`claims_policies.<name>.id_token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimsPolicy {
    /// Policy name (the client id).
    pub name: String,
    /// Claims always put in the ID token.
    pub id_token: Vec<String>,
}

/// A named entry the plan adds beside the client: under `identity_providers.oidc` (a claims
/// policy, a custom scope, a custom lifespan, an authorization policy) or, when `top_level`, at
/// the top of the configuration (a user attribute in `definitions.user_attributes`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Addition {
    /// Whether `section` starts at the top level of the configuration instead of under
    /// `identity_providers.oidc`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub top_level: bool,
    /// The section's path under `identity_providers.oidc` (`["claims_policies"]`,
    /// `["lifespans", "custom"]`), or from the top level (`["definitions", "user_attributes"]`).
    pub section: Vec<String>,
    /// The entry's name (its key in the section).
    pub name: String,
    /// The entry's value.
    pub value: serde_json::Value,
}

/// Everything the user needs for one app.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Catalog slug.
    pub app: String,
    /// Display name.
    pub app_name: String,
    /// Variant id, if not the main setup.
    pub variant: Option<String>,
    /// The validated inputs.
    pub resolved: Resolved,
    /// Provider endpoints.
    pub endpoints: Endpoints,
    /// The client as it goes under `clients:` (`client_secret` holds the digest once known).
    pub client: Client,
    /// The ID-token claims policy named after the client (also in `additions`).
    pub claims_policy: Option<ClaimsPolicy>,
    /// Everything to add beside the client under `identity_providers.oidc`, the claims policy
    /// included.
    pub additions: Vec<Addition>,
    /// The secret.
    pub secret: SecretState,
    /// App-side steps, values filled in.
    pub steps: Vec<String>,
    /// Environment variables, values filled in.
    pub env: Vec<(String, String)>,
    /// Compose service name for the env block.
    pub service: String,
    /// Configuration file snippets (path, language, content).
    pub files: Vec<(String, String, String)>,
    /// Notes.
    pub notes: Vec<String>,
    /// Differences from Authelia's guide.
    pub differences: Vec<String>,
    /// Authelia's warnings about the client (errors make [`Plan::build`] fail).
    pub warnings: Vec<String>,
}

impl Plan {
    /// The plan of a change to a client already in the configuration (a new secret): only the
    /// id and the secret are known, no app, no additions.
    pub fn for_existing(client_id: &str, secret: SecretState) -> Result<Plan> {
        let url = HttpUrl::parse("https://authelia.invalid", "Authelia URL")?;
        let client = Client {
            client_id: client_id.to_string(),
            client_secret: secret
                .digest()
                .map(str::to_string)
                .or_else(|| secret.plaintext().map(|_| String::new())),
            ..Client::default()
        };
        Ok(Plan {
            app: String::new(),
            app_name: String::new(),
            variant: None,
            resolved: Resolved {
                domain: String::new(),
                app_url: url.clone(),
                auth_url: url.clone(),
                client_id: client_id.to_string(),
                policy: Policy::default(),
                values: BTreeMap::new(),
            },
            endpoints: Endpoints::authelia(&url),
            client,
            claims_policy: None,
            additions: vec![],
            secret,
            steps: vec![],
            env: vec![],
            service: String::new(),
            files: vec![],
            notes: vec![],
            differences: vec![],
            warnings: vec![],
        })
    }

    /// Builds the plan. Fails when a template is broken or the client breaks an Authelia rule.
    pub fn build(
        entry: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
    ) -> Result<Plan> {
        let endpoints = Endpoints::authelia(&resolved.auth_url);
        Self::build_with(entry, setup, resolved, secret, endpoints)
    }

    /// [`Plan::build`] with the endpoints of another provider.
    pub fn build_with(
        entry: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
        endpoints: Endpoints,
    ) -> Result<Plan> {
        // The custom app's template becomes a concrete entry from the user's values; a public
        // custom client drops the secret a caller drew for the (confidential) template.
        if custom::is_custom(entry) {
            let concrete = custom::entry_from_values(&resolved.values)?;
            let setup = concrete.setups().remove(0);
            let secret = if needs_secret(&setup) {
                secret
            } else {
                SecretState::None
            };
            return Self::build_entry(&concrete, &setup, resolved, secret, endpoints);
        }
        Self::build_entry(entry, setup, resolved, secret, endpoints)
    }

    fn build_entry(
        entry: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
        endpoints: Endpoints,
    ) -> Result<Plan> {
        let cat = |m: String| Error::Catalog {
            slug: entry.slug.clone(),
            message: m,
        };
        let mut vars = Vars::base(
            &resolved.domain,
            &resolved.app_url,
            &resolved.auth_url,
            &resolved.client_id,
        );
        for (k, v) in &resolved.values {
            vars.set(&format!("input.{k}"), v);
        }
        let secret = match setup.fixed_secret {
            Some(s) => SecretState::Ready {
                plaintext: s.to_string(),
                digest: format!("$plaintext${s}"),
            },
            None => secret,
        };
        let plaintext = secret.plaintext().unwrap_or("").to_string();
        vars.set(
            "client_secret",
            if plaintext.is_empty() {
                "(none: public client)"
            } else {
                &plaintext
            },
        );
        vars.set(
            "client_name",
            setup.client.client_name.as_deref().unwrap_or(&entry.name),
        );
        for (k, v) in [
            ("issuer", &endpoints.issuer),
            ("discovery_url", &endpoints.discovery_url),
            ("authorization_endpoint", &endpoints.authorization_endpoint),
            ("token_endpoint", &endpoints.token_endpoint),
            ("userinfo_endpoint", &endpoints.userinfo_endpoint),
            ("jwks_uri", &endpoints.jwks_uri),
            ("revocation_endpoint", &endpoints.revocation_endpoint),
            ("introspection_endpoint", &endpoints.introspection_endpoint),
            ("end_session_endpoint", &endpoints.end_session_endpoint),
        ] {
            vars.set(k, v);
        }
        let mut client = fill_client(setup.client, &vars).map_err(cat)?;
        client.client_id = resolved.client_id.clone();
        if client.client_name.is_none() {
            client.client_name = Some(entry.name.clone());
        }
        if client.authorization_policy.is_some() || !has_client_credentials(&client) {
            client.authorization_policy = Some(resolved.policy.as_str().to_string());
        }
        if has_client_credentials(&client) {
            client.authorization_policy = Some("one_factor".into());
        }
        client.client_secret = match &secret {
            SecretState::None => None,
            SecretState::Pending(_) => Some(String::new()),
            SecretState::Ready { digest, .. } => Some(digest.clone()),
        };
        let redirects = client.redirect_uris.clone().unwrap_or_default();
        vars.set(
            "redirect_uri",
            redirects.first().map(String::as_str).unwrap_or(""),
        );
        vars.set("redirect_uris", &redirects.join(", "));
        vars.set(
            "scopes",
            &client.scopes.clone().unwrap_or_default().join(" "),
        );
        let claims_policy = (!setup.id_token_claims.is_empty()).then(|| ClaimsPolicy {
            name: resolved.client_id.clone(),
            id_token: setup.id_token_claims.to_vec(),
        });
        if let Some(cp) = &claims_policy {
            client.claims_policy = Some(cp.name.clone());
        }
        let mut additions: Vec<Addition> = claims_policy
            .iter()
            .map(|cp| Addition {
                top_level: false,
                section: vec!["claims_policies".into()],
                name: cp.name.clone(),
                value: serde_json::json!({ "id_token": cp.id_token }),
            })
            .collect();
        let oidc = setup
            .oidc_additions
            .entries()
            .into_iter()
            .map(|e| (false, e));
        let top = setup.definitions.entries().into_iter().map(|e| (true, e));
        for (top_level, (path, name, value)) in oidc.chain(top) {
            if additions
                .iter()
                .any(|a| a.top_level == top_level && a.section == path && a.name == name)
            {
                return Err(cat(format!("{} '{name}' is defined twice", path.join("."))));
            }
            additions.push(Addition {
                top_level,
                section: path.iter().map(|p| p.to_string()).collect(),
                name: name.to_string(),
                value: value.clone(),
            });
        }
        let fill_all = |list: &[String]| -> Result<Vec<String>> {
            list.iter()
                .map(|s| vars.fill(s).map_err(cat))
                .collect::<Result<Vec<_>>>()
        };
        let steps = fill_all(&setup.app.steps)?;
        let env = setup
            .app
            .env
            .iter()
            .map(|e| Ok((e.name.clone(), vars.fill(&e.value).map_err(cat)?)))
            .collect::<Result<Vec<_>>>()?;
        let files = setup
            .app
            .files
            .iter()
            .map(|f| {
                Ok((
                    vars.fill(&f.path).map_err(cat)?,
                    f.language.clone(),
                    vars.fill(&f.content).map_err(cat)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let notes = fill_all(setup.notes)?;

        // Validate against Authelia's rules, with the claims policy this plan adds.
        let mut check = client.clone();
        if matches!(secret, SecretState::Pending(_)) {
            check.client_secret = Some(crate::secret::STAND_IN_DIGEST.into());
        }
        let names = |sec: &[&str]| -> Vec<String> {
            additions
                .iter()
                .filter(|a| !a.top_level && a.section == sec)
                .map(|a| a.name.clone())
                .collect()
        };
        let ctx = client::Context {
            claims_policies: names(&["claims_policies"]),
            custom_scopes: names(&["scopes"]),
            policies: names(&["authorization_policies"]),
            lifespans: names(&["lifespans", "custom"]),
        };
        let findings: Vec<Finding> = client::validate(&check, &ctx);
        if let Some(e) = findings.iter().find(|f| f.severity == Severity::Error) {
            return Err(Error::Invalid {
                client_id: client.client_id.clone(),
                message: e.message.clone(),
            });
        }
        Ok(Plan {
            app: entry.slug.clone(),
            app_name: entry.name.clone(),
            variant: setup.variant.map(str::to_string),
            resolved: resolved.clone(),
            endpoints,
            client,
            claims_policy,
            additions,
            secret,
            steps,
            env,
            service: setup
                .app
                .service
                .clone()
                .unwrap_or_else(|| entry.slug.clone()),
            files,
            notes,
            differences: setup.differences.to_vec(),
            warnings: findings.into_iter().map(|f| f.message).collect(),
        })
    }

    /// The plaintext client secret, if any.
    pub fn secret_plaintext(&self) -> Option<&str> {
        self.secret.plaintext()
    }
}

fn has_client_credentials(c: &Client) -> bool {
    c.grant_types
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .any(|g| g == "client_credentials")
}

fn fill_client(t: &Client, vars: &Vars) -> std::result::Result<Client, String> {
    let s = |o: &Option<String>| o.as_deref().map(|x| vars.fill(x)).transpose();
    let l = |o: &Option<Vec<String>>| {
        o.as_ref()
            .map(|v| {
                v.iter()
                    .map(|x| vars.fill(x))
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .transpose()
    };
    if !t.other.is_empty() {
        let keys: Vec<_> = t.other.keys().cloned().collect();
        return Err(format!("unknown client keys: {}", keys.join(", ")));
    }
    Ok(Client {
        client_id: vars.fill(&t.client_id)?,
        client_name: s(&t.client_name)?,
        client_secret: None,
        sector_identifier_uri: s(&t.sector_identifier_uri)?,
        public: t.public,
        authorization_policy: t.authorization_policy.clone(),
        claims_policy: t.claims_policy.clone(),
        lifespan: t.lifespan.clone(),
        require_pushed_authorization_requests: t.require_pushed_authorization_requests,
        require_pkce: t.require_pkce,
        pkce_challenge_method: t.pkce_challenge_method.clone(),
        requested_audience_mode: t.requested_audience_mode.clone(),
        redirect_uris: l(&t.redirect_uris)?,
        audience: l(&t.audience)?,
        scopes: t.scopes.clone(),
        response_modes: t.response_modes.clone(),
        response_types: t.response_types.clone(),
        grant_types: t.grant_types.clone(),
        consent_mode: t.consent_mode.clone(),
        pre_configured_consent_duration: t.pre_configured_consent_duration.clone(),
        access_token_signed_response_alg: t.access_token_signed_response_alg.clone(),
        id_token_signed_response_alg: t.id_token_signed_response_alg.clone(),
        userinfo_signed_response_alg: t.userinfo_signed_response_alg.clone(),
        request_object_signing_alg: t.request_object_signing_alg.clone(),
        token_endpoint_auth_method: t.token_endpoint_auth_method.clone(),
        other: Default::default(),
    })
}

/// Looks up an app and a setup, resolves the request and builds the plan in one call.
pub fn plan_for(
    slug: &str,
    variant: Option<&str>,
    req: &Request,
    secret: SecretState,
) -> Result<Plan> {
    let entry = catalog::find(slug)?;
    let setup = catalog::setup_of(entry, variant)?;
    let resolved = resolve(entry, &setup, req)?;
    Plan::build(entry, &setup, &resolved, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_and_rejects_unknown() {
        let mut v = Vars::default();
        v.set("a", "1");
        v.set("input.x", "2");
        assert_eq!(v.fill("{a}-{input.x}").unwrap(), "1-2");
        assert_eq!(v.fill(r#"{"k": 1} {A}"#).unwrap(), r#"{"k": 1} {A}"#);
        assert!(v.fill("{nope}").is_err());
    }
}
