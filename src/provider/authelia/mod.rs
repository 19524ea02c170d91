//! Authelia: the client YAML for `identity_providers.oidc.clients`, merged into the user's
//! `configuration.yml` ([`crate::config`] does the merge), and the provider's own keys for a
//! first-time setup ([`keys`]).

pub mod keys;

pub use keys::{
    HMAC_SECRET_LEN, KEY_ID, ProviderKeys, RSA_BITS, generate_keys, hmac_value, jwks_value,
    rsa_private_key_pem,
};

use super::{Copyable, Delivery, Output, Provider, SecretNeed, app_blocks, number_repeated};
use crate::catalog::{self, AppEntry, Setup};
use crate::error::Result;
use crate::plan::{self, Plan, Request, Resolved, SecretState};
use crate::render;
use serde_json::{Map, Value, json};

/// Authelia's OpenID Connect provider.
pub struct Authelia;

impl Provider for Authelia {
    fn id(&self) -> &'static str {
        "authelia"
    }

    fn name(&self) -> &'static str {
        "Authelia"
    }

    fn default_url(&self, domain: &str) -> String {
        plan::default_auth_url(domain)
    }

    fn takes_policy(&self) -> bool {
        true
    }

    fn edits_configuration(&self) -> bool {
        true
    }

    fn supports(&self, _app: &AppEntry) -> Result<()> {
        Ok(())
    }

    fn setup(&self, app: &'static AppEntry, variant: Option<&str>) -> Result<Setup<'static>> {
        catalog::setup_of(app, variant)
    }

    fn secret_need(&self, _app: &AppEntry, setup: &Setup<'_>) -> SecretNeed {
        if plan::needs_secret(setup) {
            SecretNeed::Digest
        } else {
            SecretNeed::None
        }
    }

    fn resolve(&self, app: &AppEntry, setup: &Setup<'_>, req: &Request) -> Result<Resolved> {
        plan::resolve(app, setup, req)
    }

    fn build(
        &self,
        app: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
    ) -> Result<Output> {
        let plan = Plan::build(app, setup, resolved, secret)?;
        Ok(output(plan))
    }
}

/// The output for a built plan.
pub fn output(plan: Plan) -> Output {
    let client_text = render::client_yaml(&plan);
    let values = values(&plan, &client_text);
    Output {
        provider: "authelia",
        secret: plan.secret_plaintext().map(str::to_string),
        client_text,
        client_label: "Client YAML",
        redirect_uris: plan.client.redirect_uris.clone().unwrap_or_default(),
        provider_steps: Vec::new(),
        notes: plan.notes.clone(),
        values,
        delivery: Delivery::Merge,
        json: plan_json(&plan),
        report: render::report(&plan),
        plan,
    }
}

/// The values to copy: the client's, the provider's endpoints, the redirect URIs, then the
/// app's blocks and the client YAML.
fn values(p: &Plan, client_text: &str) -> Vec<Copyable> {
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
    v.extend(app_blocks(p, ("Client YAML", client_text)));
    v
}

/// The JSON object of `add --json` for Authelia (without the merge's keys).
pub fn plan_json(plan: &Plan) -> Map<String, Value> {
    let e = &plan.endpoints;
    let v = json!({
        "app": plan.app,
        "app_name": plan.app_name,
        "variant": plan.variant,
        "provider": "authelia",
        "client_id": plan.client.client_id,
        "client_secret": plan.secret.plaintext(),
        "client_secret_digest": plan.secret.digest(),
        "client": render::client_value(&plan.client),
        "client_yaml": render::client_yaml(plan),
        "claims_policy": plan.claims_policy.as_ref().map(|cp| Value::Object(render::claims_policy_value(cp))),
        "steps": plan.steps,
        "issuer": e.issuer,
        "endpoints": e,
        "redirect_uris": plan.client.redirect_uris,
        "env": plan.env.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect::<Map<_, _>>(),
        "dotenv": render::dotenv(plan),
        "compose": render::compose_env(plan),
        "files": plan.files.iter().map(|(p, l, c)| json!({"path": p, "language": l, "content": c})).collect::<Vec<_>>(),
        "notes": plan.notes,
        "differences": plan.differences,
        "warnings": plan.warnings,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
