//! The identity providers, behind one trait, in one registry.
//!
//! A provider says who it is ([`Provider::id`], [`Provider::name`], its default URL for a
//! domain), which catalog apps it documents ([`Provider::supports`]) and with which setup, what
//! secret the client needs ([`SecretNeed`]), and builds one [`Output`] from validated inputs as
//! a pure function: the client text, the values to copy, the app-side steps and blocks, notes,
//! and how the result is delivered ([`Delivery`]). The application layer ([`crate::app`])
//! chooses a provider from [`all`] by id and never names one; the front ends render the
//! [`Output`].
//!
//! Each provider is one folder here and imports no other provider:
//! - [`authelia`]: the client YAML, merged into `configuration.yml` (the configuration work,
//!   scan, splice, gate, check and the safe write, is [`crate::config`]);
//! - [`authentik`]: a blueprint file that creates the provider and the application;
//! - [`pocket_id`]: a `curl` script for Pocket ID's admin API;
//! - [`kanidm`]: the `kanidm system oauth2` commands;
//! - [`keycloak`]: the client representation for `kcadm.sh` or a partial import.
//!
//! # Adding a provider
//! 1. Make a folder `src/provider/<id>/` with a `mod.rs` that declares a unit struct and
//!    implements [`Provider`] for it (its facts per app, if any, as data files under
//!    `assets/<id>/`, embedded by `build.rs` the way `assets/authentik/` is).
//! 2. Add `pub mod <id>;` and one line to [`all`] below.
//!
//! The command line's `--provider` and the wizard's provider choice then offer it, `apps --json`
//! lists which apps it supports, and the tests that compare the two front ends cover it.

pub mod authelia;
pub mod authentik;
pub mod kanidm;
pub mod keycloak;
pub mod pocket_id;

use crate::catalog::{AppEntry, Setup};
use crate::error::Result;
use crate::plan::{Plan, Request, Resolved, SecretState};
use serde_json::{Map, Value};

/// The secret a provider's client needs for an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretNeed {
    /// A public client (or a fixed secret from the catalog): nothing to draw.
    None,
    /// A secret the provider stores as typed (authentik).
    Plaintext,
    /// A secret the provider stores as a digest (Authelia): the digest is computed too.
    Digest,
}

/// How an [`Output`] reaches the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// An edit of the user's existing configuration (Authelia's merge).
    Merge,
    /// A new file the user hands to the provider (an authentik blueprint).
    NewFile {
        /// The suggested file name.
        file_name: String,
        /// The text of the file.
        text: String,
        /// Whether it holds a secret (then it is written with mode 0600).
        private: bool,
    },
}

/// One value the user can copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copyable {
    /// What it is ("Client ID", "Issuer", ".env block").
    pub label: String,
    /// The exact text.
    pub value: String,
    /// A multi-line block (env, a file, the whole client text) rather than one value.
    pub block: bool,
}

/// Everything a provider builds for one app, for any front end.
#[derive(Debug, Clone)]
pub struct Output {
    /// The provider's id.
    pub provider: &'static str,
    /// The app side: client facts, endpoints, steps, env, files (with the provider's values).
    pub plan: Plan,
    /// The plaintext secret the app is given, if the client has one.
    pub secret: Option<String>,
    /// The provider-side text: the client YAML or the blueprint.
    pub client_text: String,
    /// Its label ("Client YAML", "Blueprint").
    pub client_label: &'static str,
    /// The redirect URIs, as the provider registers them.
    pub redirect_uris: Vec<String>,
    /// Steps on the provider's side before the app's (empty where the tool does them).
    pub provider_steps: Vec<String>,
    /// Notes for the preview.
    pub notes: Vec<String>,
    /// Every value to copy, in the order they are shown (labels unique).
    pub values: Vec<Copyable>,
    /// How the result is delivered.
    pub delivery: Delivery,
    /// The `add --json` object (the command line's contract).
    pub json: Map<String, Value>,
    /// The human report `add` prints without a configuration.
    pub report: String,
}

/// An identity provider.
pub trait Provider: Sync {
    /// The `--provider` value and the wizard's choice id (`authelia`).
    fn id(&self) -> &'static str;
    /// The display name.
    fn name(&self) -> &'static str;
    /// The provider's URL when the user gives none, from the base domain.
    fn default_url(&self, domain: &str) -> String;
    /// Whether the inputs include Authelia's authorization policy.
    fn takes_policy(&self) -> bool;
    /// Whether the output is merged into the user's configuration (whose session cookies then
    /// give the defaults of the domain and the provider URL).
    fn edits_configuration(&self) -> bool;
    /// `Ok` when the provider documents the app; otherwise the reason, in one line.
    fn supports(&self, app: &AppEntry) -> Result<()>;
    /// The setup the app's client follows with this provider (`variant`: a catalog variant).
    fn setup(&self, app: &'static AppEntry, variant: Option<&str>) -> Result<Setup<'static>>;
    /// The secret the client needs.
    fn secret_need(&self, app: &AppEntry, setup: &Setup<'_>) -> SecretNeed;
    /// Validates the request (the provider's URL defaulting to [`Provider::default_url`]).
    fn resolve(&self, app: &AppEntry, setup: &Setup<'_>, req: &Request) -> Result<Resolved>;
    /// Builds the output. Pure: the secret is drawn by the caller.
    fn build(
        &self,
        app: &AppEntry,
        setup: &Setup<'_>,
        resolved: &Resolved,
        secret: SecretState,
    ) -> Result<Output>;
}

/// Every provider, the default first.
pub fn all() -> &'static [&'static dyn Provider] {
    &[
        &authelia::Authelia,
        &authentik::Authentik,
        &pocket_id::PocketId,
        &kanidm::Kanidm,
        &keycloak::Keycloak,
    ]
}

/// The provider with this id.
pub fn by_id(id: &str) -> Option<&'static dyn Provider> {
    all().iter().copied().find(|p| p.id() == id)
}

/// The default provider (Authelia).
pub fn default() -> &'static dyn Provider {
    all()[0]
}

/// Gives numbered labels to repeated ones ("Redirect URI" twice: "Redirect URI 1", "... 2").
pub fn number_repeated(values: &mut [Copyable]) {
    let mut seen: Vec<(String, usize)> = Vec::new();
    for v in values.iter() {
        match seen.iter_mut().find(|(l, _)| *l == v.label) {
            Some((_, n)) => *n += 1,
            None => seen.push((v.label.clone(), 1)),
        }
    }
    let mut next: Vec<(String, usize)> = Vec::new();
    for v in values.iter_mut() {
        if seen.iter().any(|(l, n)| *l == v.label && *n > 1) {
            let i = match next.iter_mut().find(|(l, _)| *l == v.label) {
                Some((_, i)) => {
                    *i += 1;
                    *i
                }
                None => {
                    next.push((v.label.clone(), 1));
                    1
                }
            };
            v.label = format!("{} {i}", v.label);
        }
    }
}

/// The app side's blocks every provider offers after its own values: the env block and the
/// compose environment (when the app takes env), each file, then `whole` (the provider text).
pub fn app_blocks(plan: &Plan, whole: (&str, &str)) -> Vec<Copyable> {
    let block = |label: String, value: String| Copyable {
        label,
        value,
        block: true,
    };
    let mut v = vec![];
    if !plan.env.is_empty() {
        v.push(block(".env block".into(), crate::render::dotenv(plan)));
        v.push(block(
            "Compose environment".into(),
            crate::render::compose_env(plan),
        ));
    }
    for (path, _, content) in &plan.files {
        v.push(block(format!("File {path}"), content.clone()));
    }
    v.push(block(whole.0.into(), whole.1.into()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(l: &str) -> Copyable {
        Copyable {
            label: l.into(),
            value: String::new(),
            block: false,
        }
    }

    #[test]
    fn repeated_labels_are_numbered_and_single_ones_kept() {
        let mut v = vec![c("Client ID"), c("Redirect URI"), c("Redirect URI"), c("x")];
        number_repeated(&mut v);
        let labels: Vec<_> = v.iter().map(|x| x.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Client ID", "Redirect URI 1", "Redirect URI 2", "x"]
        );
    }

    #[test]
    fn ids_are_unique_and_found() {
        let ids: Vec<_> = all().iter().map(|p| p.id()).collect();
        let mut sorted = ids.clone();
        sorted.dedup();
        assert_eq!(ids.len(), sorted.len());
        for id in ids {
            assert_eq!(by_id(id).map(|p| p.id()), Some(id));
        }
        assert_eq!(default().id(), "authelia");
    }
}
