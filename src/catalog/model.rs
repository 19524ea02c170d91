//! The serde types of one catalog file, `assets/apps/<slug>.yaml`.
//!
//! A file describes one app: who it is (name, description, aliases, category), what Authelia's guide
//! was tested with, the default subdomain, the client template (the same [`Client`] type the rest of
//! the program uses, with `{placeholders}` in its strings), the app-side steps, and optional
//! variants for apps that have several setups. See `assets/apps/README.md` for the format and the
//! list of placeholders.

use crate::client::Client;
use serde::{Deserialize, Serialize};

/// One app of the catalog.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppEntry {
    /// Stable identifier, also the file name (`memos`).
    pub slug: String,
    /// Display name (`Memos`).
    pub name: String,
    /// One line saying what the app is.
    pub description: String,
    /// The app's home page.
    #[serde(default)]
    pub homepage: Option<String>,
    /// A coarse group for the picker (`media`, `notes`, `dev`, ...).
    #[serde(default)]
    pub category: String,
    /// Other names users search for (`paperless` for paperless-ngx).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// How commonly the app is self-hosted, 0 to 100; the picker lists higher first.
    #[serde(default)]
    pub popularity: u8,
    /// Versions the guide was tested with.
    #[serde(default)]
    pub tested: Tested,
    /// The slug of Authelia's integration guide this entry follows, when there is one.
    #[serde(default)]
    pub guide: Option<String>,
    /// Default subdomain of the app (`memos` gives `https://memos.<domain>/`).
    pub subdomain: String,
    /// Extra values the user must give (a value the guide leaves to the user).
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
    /// Label of the main setup when the entry has [`AppEntry::variants`].
    #[serde(default)]
    pub variant_label: Option<String>,
    /// The client, with placeholders. `client_secret` is never given here: it is generated (a
    /// confidential client) or absent (a public one), except for the rare vendor-fixed secret in
    /// `fixed_secret`.
    pub client: Client,
    /// Claims to put in the ID token through a claims policy named after the client id (Authelia
    /// 4.39's claims-hydration escape hatch). Empty: no policy.
    #[serde(default)]
    pub id_token_claims: Vec<String>,
    /// A secret the vendor hard-codes in its app (e.g. ownCloud's desktop client). Used as is.
    #[serde(default)]
    pub fixed_secret: Option<String>,
    /// Provider-level definitions the client relies on, added beside it under
    /// `identity_providers.oidc`: named entries of `claims_policies`, `scopes`,
    /// `authorization_policies` and `lifespans.custom` (e.g. a custom scope and the claims policy
    /// that fills it). Names are literal.
    #[serde(default)]
    pub oidc_additions: OidcAdditions,
    /// Top-level definitions the client's claims rely on, added beside the provider:
    /// `definitions.user_attributes.<name>` (an attribute computed by an expression, read by a
    /// custom claim of a claims policy in `oidc_additions`). Names are literal.
    #[serde(default)]
    pub definitions: Definitions,
    /// What to do in the app.
    pub app: AppSide,
    /// Facts the user must know (users are not created on sign-in, an email must match, ...).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Where and why this entry departs from Authelia's guide.
    #[serde(default)]
    pub differences: Vec<String>,
    /// Alternative or additional setups (a CLI client beside the web client, ...).
    #[serde(default)]
    pub variants: Vec<VariantEntry>,
}

/// Versions a guide was tested with.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tested {
    /// Authelia versions (`v4.39.20`).
    #[serde(default)]
    pub authelia: Vec<String>,
    /// App versions.
    #[serde(default)]
    pub app: Vec<String>,
}

/// One setup of an app, the main one or a variant: the client and what to do on the app's side.
#[derive(Debug, Clone, Copy)]
pub struct Setup<'a> {
    /// Variant id (`None` for the main setup).
    pub variant: Option<&'a str>,
    /// Label of the setup.
    pub label: &'a str,
    /// The client template.
    pub client: &'a Client,
    /// Claims for the ID-token claims policy.
    pub id_token_claims: &'a [String],
    /// Provider-level definitions the client relies on.
    pub oidc_additions: &'a OidcAdditions,
    /// Top-level definitions the client's claims rely on.
    pub definitions: &'a Definitions,
    /// A vendor-fixed secret.
    pub fixed_secret: Option<&'a str>,
    /// The app side.
    pub app: &'a AppSide,
    /// Notes.
    pub notes: &'a [String],
    /// Differences from the guide.
    pub differences: &'a [String],
    /// Inputs of the entry and of this variant.
    pub extra_inputs: &'a [InputSpec],
}

impl AppEntry {
    /// The main setup followed by every variant.
    pub fn setups(&self) -> Vec<Setup<'_>> {
        let mut v = vec![Setup {
            variant: None,
            label: self.variant_label.as_deref().unwrap_or(&self.name),
            client: &self.client,
            id_token_claims: &self.id_token_claims,
            oidc_additions: &self.oidc_additions,
            definitions: &self.definitions,
            fixed_secret: self.fixed_secret.as_deref(),
            app: &self.app,
            notes: &self.notes,
            differences: &self.differences,
            extra_inputs: &[],
        }];
        v.extend(self.variants.iter().map(|x| Setup {
            variant: Some(x.id.as_str()),
            label: &x.label,
            client: &x.client,
            id_token_claims: &x.id_token_claims,
            oidc_additions: &x.oidc_additions,
            definitions: &x.definitions,
            fixed_secret: x.fixed_secret.as_deref(),
            app: &x.app,
            notes: &x.notes,
            differences: &x.differences,
            extra_inputs: &x.inputs,
        }));
        v
    }

    /// The setup for a variant id (`None`, `""` or `"default"`: the main one).
    pub fn setup(&self, variant: Option<&str>) -> Option<Setup<'_>> {
        match variant {
            None | Some("") | Some("default") => self.setups().into_iter().next(),
            Some(id) => self.setups().into_iter().find(|s| s.variant == Some(id)),
        }
    }
}

/// An alternative setup of an app.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VariantEntry {
    /// Identifier, unique within the entry (`cli`).
    pub id: String,
    /// Short label (`Argo CD CLI`).
    pub label: String,
    /// One line on when to pick it.
    #[serde(default)]
    pub description: String,
    /// Extra inputs of this variant (added to the entry's).
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
    /// The client, with placeholders. `client_secret` is never given here: it is generated (a
    /// confidential client) or absent (a public one), except for the rare vendor-fixed secret in
    /// `fixed_secret`.
    pub client: Client,
    /// Claims to put in the ID token through a claims policy named after the client id (Authelia
    /// 4.39's claims-hydration escape hatch). Empty: no policy.
    #[serde(default)]
    pub id_token_claims: Vec<String>,
    /// A secret the vendor hard-codes in its app (e.g. ownCloud's desktop client). Used as is.
    #[serde(default)]
    pub fixed_secret: Option<String>,
    /// Provider-level definitions the client relies on, added beside it under
    /// `identity_providers.oidc`: named entries of `claims_policies`, `scopes`,
    /// `authorization_policies` and `lifespans.custom` (e.g. a custom scope and the claims policy
    /// that fills it). Names are literal.
    #[serde(default)]
    pub oidc_additions: OidcAdditions,
    /// Top-level definitions the client's claims rely on, added beside the provider:
    /// `definitions.user_attributes.<name>` (an attribute computed by an expression, read by a
    /// custom claim of a claims policy in `oidc_additions`). Names are literal.
    #[serde(default)]
    pub definitions: Definitions,
    /// What to do in the app.
    pub app: AppSide,
    /// Facts the user must know (users are not created on sign-in, an email must match, ...).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Where and why this entry departs from Authelia's guide.
    #[serde(default)]
    pub differences: Vec<String>,
}

/// How the app is configured.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppSide {
    /// Ordered steps in the app, with placeholders (`Set Client Secret to {client_secret}`).
    #[serde(default)]
    pub steps: Vec<String>,
    /// Environment variables, for apps configured by environment (name, value template).
    #[serde(default)]
    pub env: Vec<EnvVar>,
    /// Name of the compose service for the `environment:` form (default: the slug).
    #[serde(default)]
    pub service: Option<String>,
    /// Configuration file snippets, for apps configured by a file.
    #[serde(default)]
    pub files: Vec<FileSnippet>,
}

/// One environment variable.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    /// Variable name (`OIDC_CLIENT_ID`).
    pub name: String,
    /// Value template (`{client_id}`).
    pub value: String,
}

/// A configuration file snippet for the app.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileSnippet {
    /// Where the file lives (`grafana.ini`, `config/settings.json`).
    pub path: String,
    /// Language for highlighting (`ini`, `yaml`, `json`, `toml`, `shell`).
    #[serde(default)]
    pub language: String,
    /// The snippet, with placeholders.
    pub content: String,
}

/// A value the user supplies beyond the standard inputs.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// Placeholder name: used as `{input.<key>}` in templates and `--set <key>=<value>`.
    pub key: String,
    /// Label in the wizard.
    pub label: String,
    /// One line of help: where the user finds the value.
    #[serde(default)]
    pub help: String,
    /// Default value (may use placeholders); none means the user must give one.
    #[serde(default)]
    pub default: Option<String>,
}

/// No additions (for setups built in code).
pub static NO_ADDITIONS: std::sync::LazyLock<OidcAdditions> =
    std::sync::LazyLock::new(OidcAdditions::default);

/// No definitions (for setups built in code).
pub static NO_DEFINITIONS: std::sync::LazyLock<Definitions> =
    std::sync::LazyLock::new(Definitions::default);

/// Named entries an app needs under `identity_providers.oidc`, by section.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OidcAdditions {
    /// `claims_policies.<name>`.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub claims_policies: serde_json::Map<String, serde_json::Value>,
    /// `scopes.<name>` (custom scopes).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub scopes: serde_json::Map<String, serde_json::Value>,
    /// `authorization_policies.<name>`.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub authorization_policies: serde_json::Map<String, serde_json::Value>,
    /// `lifespans.custom.<name>`.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub lifespans: serde_json::Map<String, serde_json::Value>,
}

impl OidcAdditions {
    /// Whether there is nothing to add.
    pub fn is_empty(&self) -> bool {
        self.claims_policies.is_empty()
            && self.scopes.is_empty()
            && self.authorization_policies.is_empty()
            && self.lifespans.is_empty()
    }

    /// Every entry as (path of the section under `identity_providers.oidc`, name, value).
    pub fn entries(&self) -> Vec<(&'static [&'static str], &str, &serde_json::Value)> {
        let mut v = Vec::new();
        for (path, map) in [
            (&["claims_policies"][..], &self.claims_policies),
            (&["scopes"][..], &self.scopes),
            (
                &["authorization_policies"][..],
                &self.authorization_policies,
            ),
            (&["lifespans", "custom"][..], &self.lifespans),
        ] {
            for (k, val) in map {
                v.push((path, k.as_str(), val));
            }
        }
        v
    }
}

/// Top-level definitions an app needs (Authelia's `definitions` section).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Definitions {
    /// `definitions.user_attributes.<name>`: `{expression: '...'}`.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub user_attributes: serde_json::Map<String, serde_json::Value>,
}

impl Definitions {
    /// Every entry as (path of the section from the top level, name, value).
    pub fn entries(&self) -> Vec<(&'static [&'static str], &str, &serde_json::Value)> {
        self.user_attributes
            .iter()
            .map(|(k, v)| (&["definitions", "user_attributes"][..], k.as_str(), v))
            .collect()
    }
}
