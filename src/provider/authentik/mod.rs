//! authentik as the identity provider: a blueprint that creates the OAuth2/OpenID provider, its
//! scope mappings and the application, plus the app-side steps with authentik's values.
//!
//! The facts per app live in `assets/authentik/<slug>.yaml` ([`model::AuthentikEntry`]), keyed by
//! catalog slug and embedded at build time; only apps authentik documents have one, and for the
//! others [`find`] says so rather than guessing.
//!
//! Flow, pure up to the edge: [`resolve`] (the request with authentik's default URL) ->
//! [`plan()`] (a [`BlueprintPlan`]: blueprint text, authentik-side steps, app-side [`crate::plan::Plan`],
//! copyable values). The command line's `add --provider authentik` draws the secret, prints, and
//! writes the file for `--out` with [`write_blueprint`].
//!
//! For the wizard: [`supports`] / [`unsupported_reason`] for the provider choice; then
//! [`resolve`] (or [`setup`] with [`plan::resolve`] after setting the URL from
//! [`default_auth_url`]), a secret from [`crate::secret::generate`] when [`needs_secret`], and
//! [`plan()`]. The [`BlueprintPlan`] holds the blueprint text, `authentik_steps`, the app-side
//! steps (`plan.steps`, env, files) and `values` (labelled values to copy); [`write_blueprint`]
//! saves it.

pub mod blueprint;
pub mod model;

pub use blueprint::{BlueprintPlan, Redirect};
pub use model::{
    AuthentikEntry, ClientType, CustomMapping, MatchingMode, RedirectKind, RedirectSpec,
};

use super::{Copyable, Delivery, Output, Provider, SecretNeed, app_blocks, number_repeated};
use crate::catalog::{self, AppEntry, Setup};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::inputs::{HttpUrl, parse_domain};
use crate::plan::{self, Endpoints, Request, Resolved, SecretState};
use crate::render;
use std::path::Path;
use std::sync::OnceLock;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/authentik.rs"));
}

/// The embedded data files: (file stem, text).
pub fn files() -> &'static [(&'static str, &'static str)] {
    embedded::AUTHENTIK_FILES
}

/// A parsed data file and the client template `resolve` reads its default client id from.
struct Loaded {
    entry: AuthentikEntry,
    template: Client,
}

/// Parses one data file and checks it (slug matches the file name, mappings and modes known).
pub fn parse_entry(stem: &str, text: &str) -> Result<AuthentikEntry> {
    let err = |m: String| Error::Catalog {
        slug: format!("authentik/{stem}"),
        message: m,
    };
    let e: AuthentikEntry = serde_yaml::from_str(text).map_err(|x| err(x.to_string()))?;
    if e.slug != stem {
        return Err(err(format!(
            "slug '{}' does not match the file name",
            e.slug
        )));
    }
    e.check().map_err(err)?;
    Ok(e)
}

fn registry() -> Result<&'static [Loaded]> {
    static REG: OnceLock<std::result::Result<Vec<Loaded>, String>> = OnceLock::new();
    REG.get_or_init(|| {
        files()
            .iter()
            .map(|(stem, text)| {
                let entry = parse_entry(stem, text).map_err(|e| e.to_string())?;
                let template = Client {
                    client_id: entry.slug.clone(),
                    ..Default::default()
                };
                Ok(Loaded { entry, template })
            })
            .collect()
    })
    .as_deref()
    .map_err(|m| Error::Catalog {
        slug: "authentik".into(),
        message: m.clone(),
    })
}

fn loaded(slug: &str) -> Option<&'static Loaded> {
    registry().ok()?.iter().find(|l| l.entry.slug == slug)
}

/// Every app authentik documents, by catalog slug.
pub fn entries() -> Result<Vec<&'static AuthentikEntry>> {
    Ok(registry()?.iter().map(|l| &l.entry).collect())
}

/// Why no blueprint can be made for a catalog app (one line for the wizard's provider choice), or
/// `None` when authentik documents it.
pub fn unsupported_reason(slug: &str) -> Option<String> {
    find(slug).err().map(|e| e.to_string())
}

/// Whether authentik documents this catalog app (a blueprint can be made).
pub fn supports(slug: &str) -> bool {
    loaded(slug).is_some()
}

/// authentik's facts for a catalog app; an app authentik has no guide for is an error that says
/// so in one line.
pub fn find(slug: &str) -> Result<&'static AuthentikEntry> {
    registry()?;
    match loaded(slug) {
        Some(l) => Ok(&l.entry),
        None => {
            let name = catalog::find(slug)
                .map(|e| e.name.clone())
                .unwrap_or_else(|_| slug.to_string());
            if let Some((_, why)) = NOT_OIDC.iter().find(|(s, _)| *s == slug) {
                return Err(Error::input(format!(
                    "authentik does not document {name} with OpenID Connect: {why}"
                )));
            }
            Err(Error::input(format!(
                "authentik does not document {name}: it has no integration guide for it, so oidc-wizard makes no blueprint (use --provider authelia, or see 'oidc-wizard apps')"
            )))
        }
    }
}

static NO_APP_SIDE: crate::catalog::AppSide = crate::catalog::AppSide {
    steps: Vec::new(),
    env: Vec::new(),
    service: None,
    files: Vec::new(),
};

/// Apps whose authentik guide uses another protocol, so no OpenID Connect blueprint is made.
const NOT_OIDC: &[(&str, &str)] = &[(
    "jellyfin",
    "its guide signs in through the LDAP Authentication plugin and an authentik LDAP outpost, so oidc-wizard makes no blueprint",
)];

/// The default authentik URL for a domain.
pub fn default_auth_url(domain: &str) -> String {
    format!("https://authentik.{domain}")
}

/// The setup `resolve` checks a request against: the entry's default client id and authentik's
/// extra inputs (the catalog entry's own inputs are added by [`plan::inputs_of`]).
pub fn setup(slug: &str) -> Result<Setup<'static>> {
    find(slug)?;
    let l =
        loaded(slug).ok_or_else(|| Error::input(format!("authentik does not document {slug}")))?;
    let e = &l.entry;
    Ok(Setup {
        variant: e.catalog_variant.as_deref(),
        label: e.label.as_deref().unwrap_or("authentik"),
        client: &l.template,
        id_token_claims: &[],
        oidc_additions: &crate::catalog::model::NO_ADDITIONS,
        definitions: &crate::catalog::model::NO_DEFINITIONS,
        fixed_secret: None,
        app: e.app.as_ref().unwrap_or(&NO_APP_SIDE),
        notes: &e.notes,
        differences: &e.differences,
        extra_inputs: &e.inputs,
    })
}

/// Validates a request for authentik: the domain, then the provider URL (default
/// `https://authentik.<domain>`), then the rest as for Authelia.
pub fn resolve(entry: &AppEntry, req: &Request) -> Result<Resolved> {
    let setup = setup(&entry.slug)?;
    let domain = parse_domain(&req.domain)?;
    let mut req = req.clone();
    let auth = match req
        .auth_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(u) => HttpUrl::parse(u, "authentik URL")?,
        None => HttpUrl::parse(&default_auth_url(&domain), "authentik URL")?,
    };
    req.auth_url = Some(auth.base());
    plan::resolve(entry, &setup, &req)
}

/// Whether the app's client is confidential (so a secret must be drawn for [`plan()`]).
pub fn needs_secret(slug: &str) -> bool {
    find(slug).is_ok_and(|e| e.client_type == ClientType::Confidential)
}

/// The application slug (part of the issuer URL).
pub fn application_slug(e: &AuthentikEntry) -> &str {
    e.application_slug.as_deref().unwrap_or(&e.slug)
}

/// authentik's endpoints for one application: shared authorize/token/userinfo endpoints, and a
/// per-application issuer, discovery document, key set and end-session endpoint.
pub fn endpoints(auth: &HttpUrl, app_slug: &str) -> Endpoints {
    let b = auth.base();
    let o = format!("{b}/application/o");
    Endpoints {
        issuer: format!("{o}/{app_slug}/"),
        discovery_url: format!("{o}/{app_slug}/.well-known/openid-configuration"),
        authorization_endpoint: format!("{o}/authorize/"),
        token_endpoint: format!("{o}/token/"),
        userinfo_endpoint: format!("{o}/userinfo/"),
        jwks_uri: format!("{o}/{app_slug}/jwks/"),
        revocation_endpoint: format!("{o}/revoke/"),
        introspection_endpoint: format!("{o}/introspect/"),
        end_session_endpoint: format!("{o}/{app_slug}/end-session/"),
    }
}

/// Builds everything for one app: the blueprint, the steps in authentik and in the app, the
/// values to copy. Pure: the secret (confidential clients only) is drawn by the caller.
pub fn plan(entry: &AppEntry, resolved: &Resolved, secret: Option<&str>) -> Result<BlueprintPlan> {
    let ak = find(&entry.slug)?;
    blueprint::build(entry, ak, resolved, secret)
}

/// Writes the blueprint to `path` with [`crate::files::save`]: never over an existing file
/// unless `overwrite`; mode 0600 when it holds a secret.
pub fn write_blueprint(
    path: &Path,
    bp: &BlueprintPlan,
    overwrite: bool,
) -> Result<std::path::PathBuf> {
    crate::files::save(
        path,
        bp.blueprint.as_bytes(),
        bp.client_secret.is_some(),
        overwrite,
        &bp.file_name,
    )
}

/// The app-side steps as numbered text (for the wizard's preview).
pub fn steps_text(bp: &BlueprintPlan) -> String {
    render::steps_text(&bp.plan)
}

/// authentik, through blueprints.
pub struct Authentik;

impl Provider for Authentik {
    fn id(&self) -> &'static str {
        "authentik"
    }

    fn name(&self) -> &'static str {
        "authentik"
    }

    fn default_url(&self, domain: &str) -> String {
        default_auth_url(domain)
    }

    fn takes_policy(&self) -> bool {
        false
    }

    fn edits_configuration(&self) -> bool {
        false
    }

    fn supports(&self, app: &AppEntry) -> Result<()> {
        find(&app.slug).map(|_| ())
    }

    fn setup(&self, app: &'static AppEntry, variant: Option<&str>) -> Result<Setup<'static>> {
        let ak = find(&app.slug)?;
        if let Some(v) = variant.filter(|v| !v.is_empty() && *v != "default")
            && ak.catalog_variant.as_deref() != Some(v)
        {
            let covers = match &ak.catalog_variant {
                Some(c) => format!("the '{c}' setup"),
                None => "its main setup".to_string(),
            };
            return Err(Error::input(format!(
                "authentik documents {} only for {covers}, not for '{v}'",
                app.name
            )));
        }
        setup(&app.slug)
    }

    fn secret_need(&self, app: &AppEntry, _setup: &Setup<'_>) -> SecretNeed {
        if needs_secret(&app.slug) {
            SecretNeed::Plaintext
        } else {
            SecretNeed::None
        }
    }

    fn resolve(&self, app: &AppEntry, _setup: &Setup<'_>, req: &Request) -> Result<Resolved> {
        resolve(app, req)
    }

    fn build(
        &self,
        app: &AppEntry,
        _setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
    ) -> Result<Output> {
        let bp = plan(app, resolved, secret.plaintext())?;
        Ok(output(&bp))
    }
}

/// The output for a built blueprint.
pub fn output(bp: &BlueprintPlan) -> Output {
    let mut values: Vec<Copyable> = bp
        .values
        .iter()
        .map(|(l, x)| Copyable {
            label: l.clone(),
            value: x.clone(),
            block: false,
        })
        .collect();
    number_repeated(&mut values);
    values.extend(app_blocks(&bp.plan, ("Blueprint", &bp.blueprint)));
    Output {
        provider: "authentik",
        plan: bp.plan.clone(),
        secret: bp.client_secret.clone(),
        client_text: bp.blueprint.clone(),
        client_label: "Blueprint",
        redirect_uris: bp.redirect_uris.iter().map(|r| r.url.clone()).collect(),
        provider_steps: bp.authentik_steps.clone(),
        notes: blueprint::notes(bp),
        values,
        delivery: Delivery::NewFile {
            file_name: bp.file_name.clone(),
            text: bp.blueprint.clone(),
            private: bp.client_secret.is_some(),
        },
        json: blueprint::json(bp),
        report: blueprint::report(bp),
    }
}
