//! The custom app: a client for anything the catalog does not know.
//!
//! The user gives a name, redirect URIs, public or confidential, the token endpoint auth method,
//! scopes and PKCE. [`CustomSpec`] holds those choices, checks them with Authelia's rules
//! ([`crate::client::validate`] plus the few the custom flow adds) and explains each choice in
//! one line ([`CustomSpec::explain`]), so the CLI and the wizard say the same thing.
//!
//! The catalog exposes the custom app as the entry [`template`] (slug `custom`): its inputs are
//! the spec's fields (`name`, `redirect_uris`, `public`, `auth_method`, `scopes`, `pkce`), so
//! `oidc-wizard add custom --set name=... --set redirect_uris=...` and the wizard's generic
//! input form both collect them. [`entry_from_values`] turns the collected values into a
//! concrete [`AppEntry`]; `plan::resolve` and `plan::Plan::build` do that for the `custom` slug,
//! so callers need no special case.

use super::model::{AppEntry, AppSide, InputSpec, Tested};
use crate::client::{self, Client, Finding, Severity};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The slug (and `--set`-taking app name) of the custom app.
pub const SLUG: &str = "custom";

/// Auth methods the custom flow offers. `client_secret_jwt` needs the plaintext secret in
/// Authelia's configuration and `private_key_jwt` needs the app's public key: add those by hand.
pub const AUTH_METHODS: &[&str] = &["client_secret_basic", "client_secret_post", "none"];

/// Scopes offered by default.
pub const DEFAULT_SCOPES: &[&str] = &["openid", "profile", "email"];

/// PKCE for the custom client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pkce {
    /// PKCE not required.
    Off,
    /// PKCE required with the SHA-256 challenge.
    S256,
    /// PKCE required with the plain challenge (only for apps that cannot hash).
    Plain,
}

impl Pkce {
    /// Parses `S256`, `plain`, `none`/`off`/`false`/`no`, or `true`/`yes`/`on` (S256). Empty or
    /// `auto`: `None` (S256 for public clients, off for confidential ones).
    pub fn parse(s: &str) -> Result<Option<Pkce>> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "auto" | "default" => Ok(None),
            "s256" | "true" | "yes" | "on" | "required" => Ok(Some(Pkce::S256)),
            "plain" => Ok(Some(Pkce::Plain)),
            "none" | "off" | "false" | "no" => Ok(Some(Pkce::Off)),
            other => Err(Error::input(format!(
                "pkce must be S256, plain or none, not '{other}'"
            ))),
        }
    }

    /// The value of `pkce_challenge_method`.
    pub fn challenge_method(self) -> &'static str {
        match self {
            Pkce::Off => "",
            Pkce::S256 => "S256",
            Pkce::Plain => "plain",
        }
    }
}

/// What the user chose for a custom app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomSpec {
    /// The app's name (the client name Authelia shows on its consent page).
    pub name: String,
    /// Redirect URIs: absolute, or a path (`/oauth/callback`) joined to the app URL.
    pub redirect_uris: Vec<String>,
    /// A public client (no secret: a single-page app, a mobile or desktop app, a CLI).
    pub public: bool,
    /// `token_endpoint_auth_method`; `None`: `none` for public clients, `client_secret_basic`
    /// for confidential ones.
    pub auth_method: Option<String>,
    /// Scopes, in order.
    pub scopes: Vec<String>,
    /// PKCE; `None`: S256 for public clients, off for confidential ones.
    pub pkce: Option<Pkce>,
}

impl Default for CustomSpec {
    fn default() -> Self {
        CustomSpec {
            name: String::new(),
            redirect_uris: Vec::new(),
            public: false,
            auth_method: None,
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            pkce: None,
        }
    }
}

/// Splits a list typed as `a,b c` (commas, spaces or newlines) into its items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses a yes/no value (`true`, `false`, `yes`, `no`, `public`, `confidential`, ...).
pub fn parse_public(s: &str) -> Result<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "off" | "0" | "confidential" => Ok(false),
        "true" | "yes" | "on" | "1" | "public" => Ok(true),
        other => Err(Error::input(format!(
            "public must be true or false, not '{other}'"
        ))),
    }
}

impl CustomSpec {
    /// Builds a spec from the `--set` values (or the wizard's fields) by key: `name`,
    /// `redirect_uris`, `public`, `auth_method`, `scopes`, `pkce`. Missing keys take the
    /// defaults; unknown keys are an error.
    pub fn from_values(values: &BTreeMap<String, String>) -> Result<CustomSpec> {
        let keys: Vec<&str> = INPUT_KEYS.iter().map(|(k, ..)| *k).collect();
        if let Some(k) = values.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(Error::input(format!(
                "unknown value '{k}' for a custom app: it takes {}",
                keys.join(", ")
            )));
        }
        let get = |k: &str| values.get(k).map(|s| s.trim()).unwrap_or("");
        let mut spec = CustomSpec {
            name: get("name").to_string(),
            redirect_uris: split_list(get("redirect_uris")),
            public: parse_public(get("public"))?,
            auth_method: Some(get("auth_method").to_ascii_lowercase())
                .filter(|m| !m.is_empty() && m != "auto"),
            pkce: Pkce::parse(get("pkce"))?,
            ..CustomSpec::default()
        };
        if !get("scopes").is_empty() {
            spec.scopes = split_list(get("scopes"));
        }
        Ok(spec)
    }

    /// The effective `token_endpoint_auth_method`.
    pub fn auth_method(&self) -> &str {
        match &self.auth_method {
            Some(m) => m,
            None if self.public => "none",
            None => "client_secret_basic",
        }
    }

    /// The effective PKCE choice.
    pub fn pkce(&self) -> Pkce {
        self.pkce
            .unwrap_or(if self.public { Pkce::S256 } else { Pkce::Off })
    }

    /// Whether the scopes ask for refresh tokens.
    pub fn offline(&self) -> bool {
        self.scopes
            .iter()
            .any(|s| s == "offline_access" || s == "offline")
    }

    /// The default client id: the name in lower case, runs of other characters as `-`.
    pub fn default_client_id(&self) -> String {
        default_client_id(&self.name)
    }

    /// The client template: relative redirect URIs become `{app_url}/...`.
    pub fn client(&self) -> Client {
        let pkce = self.pkce();
        let mut grants = vec!["authorization_code".to_string()];
        if self.offline() {
            grants.push("refresh_token".into());
        }
        Client {
            client_id: self.default_client_id(),
            client_name: Some(self.name.trim().to_string()),
            public: Some(self.public),
            authorization_policy: Some("two_factor".into()),
            require_pkce: Some(pkce != Pkce::Off),
            pkce_challenge_method: Some(pkce.challenge_method().into()),
            redirect_uris: Some(self.redirect_uris.iter().map(|u| template_uri(u)).collect()),
            scopes: Some(self.scopes.clone()),
            response_types: Some(vec!["code".into()]),
            grant_types: Some(grants),
            access_token_signed_response_alg: Some("none".into()),
            userinfo_signed_response_alg: Some("none".into()),
            token_endpoint_auth_method: Some(self.auth_method().to_string()),
            ..Client::default()
        }
    }

    /// Every problem with the spec, errors first: the custom flow's own rules, then Authelia's
    /// rules on the client (with `https://app.example.com` standing in for the app URL and a
    /// digest standing in for a confidential client's secret).
    pub fn findings(&self) -> Vec<Finding> {
        let mut f = Vec::new();
        let err = |m: String| Finding {
            severity: Severity::Error,
            message: m,
        };
        let warn = |m: String| Finding {
            severity: Severity::Warning,
            message: m,
        };
        let name = self.name.trim();
        if name.is_empty() {
            f.push(err("the app needs a name".into()));
        } else if name.chars().count() > 100 {
            f.push(err("the app name is longer than 100 characters".into()));
        } else if name.chars().any(|c| c.is_control() || c == '{' || c == '}') {
            f.push(err(
                "the app name must not contain control characters or braces".into(),
            ));
        }
        if self.redirect_uris.is_empty() {
            f.push(err(
                "give at least one redirect URI (the app's callback address)".into(),
            ));
        }
        for u in &self.redirect_uris {
            if u.contains(['{', '}']) || u.chars().any(char::is_control) {
                f.push(err(format!(
                    "redirect URI '{u}' contains braces or control characters"
                )));
            } else if !u.starts_with('/') && client::uri_scheme(u).is_none() {
                f.push(err(format!(
                    "redirect URI '{u}' must be absolute (https://app.example.com/callback) or a path starting with /"
                )));
            } else if u.starts_with("http://") && !self.public && !is_local(u) {
                f.push(warn(format!(
                    "redirect URI '{u}' uses http: the authorization code travels unencrypted; use https"
                )));
            }
        }
        let method = self.auth_method();
        if !AUTH_METHODS.contains(&method) {
            f.push(err(if client::AUTH_METHODS.contains(&method) {
                format!(
                    "auth method '{method}' needs settings the custom app does not make; pick client_secret_basic, client_secret_post or none, or add the client by hand"
                )
            } else {
                format!("auth method must be client_secret_basic, client_secret_post or none, not '{method}'")
            }));
        } else if self.public && method != "none" {
            f.push(err(format!(
                "a public client has no secret, so its auth method is none, not '{method}'"
            )));
        } else if !self.public && method == "none" {
            f.push(err(
                "a confidential client authenticates with its secret: pick client_secret_basic or client_secret_post, or make the client public".into(),
            ));
        }
        if self.scopes.is_empty() {
            f.push(err(
                "give at least one scope (openid for OpenID Connect)".into()
            ));
        } else if !self.scopes.iter().any(|s| s == "openid") {
            f.push(warn(
                "scopes lack openid: the app gets no ID token, only OAuth 2.0 access".into(),
            ));
        }
        for s in &self.scopes {
            if s.chars()
                .any(|c| c.is_control() || c == '"' || c == '\\' || c == '{' || c == '}')
            {
                f.push(err(format!(
                    "scope '{s}' contains a character scopes cannot have"
                )));
            }
        }
        if self.public && self.pkce() == Pkce::Off {
            f.push(warn(
                "a public client without PKCE: Authelia enforces PKCE for public clients by default (enforce_pkce), so sign-in fails unless you changed that".into(),
            ));
        }
        if self.pkce() == Pkce::Plain {
            f.push(warn(
                "PKCE plain protects little; use S256 unless the app cannot".into(),
            ));
        }
        if f.iter().all(|x| x.severity != Severity::Error) {
            let mut c = self.client();
            c.redirect_uris = c.redirect_uris.map(|v| {
                v.into_iter()
                    .map(|u| u.replace("{app_url}", SAMPLE_APP_URL))
                    .collect()
            });
            if client::valid_client_id(&c.client_id).is_err() {
                c.client_id = "custom-app".into();
            }
            if !self.public {
                c.client_secret = Some(crate::secret::STAND_IN_DIGEST.into());
            }
            f.extend(client::validate(&c, &client::Context::default()));
        }
        f.sort_by_key(|x| std::cmp::Reverse(x.severity));
        f
    }

    /// Fails with the first error of [`CustomSpec::findings`].
    pub fn validate(&self) -> Result<()> {
        match self
            .findings()
            .into_iter()
            .find(|f| f.severity == Severity::Error)
        {
            Some(e) => Err(Error::input(format!("custom app: {}", e.message))),
            None => Ok(()),
        }
    }

    /// One line per choice: what it means and when to pick it (type, auth method, PKCE, each
    /// scope, refresh tokens).
    pub fn explain(&self) -> Vec<String> {
        let mut v = vec![
            explain_public(self.public).to_string(),
            explain_auth_method(self.auth_method()).to_string(),
            explain_pkce(self.pkce(), self.public).to_string(),
        ];
        v.extend(self.scopes.iter().map(|s| explain_scope(s)));
        if self.offline() {
            v.push(
                "grant types authorization_code and refresh_token: offline_access asks for refresh tokens, so the client may use them.".into(),
            );
        }
        v
    }

    /// The concrete catalog entry for this spec (validated).
    pub fn entry(&self) -> Result<AppEntry> {
        self.validate()?;
        let t = template();
        let public = self.public;
        let mut steps = vec![
            format!(
                "Open {}'s single sign-on (OpenID Connect or OAuth 2.0) settings and add a provider named Authelia.",
                self.name.trim()
            ),
            "Issuer (or provider URL): {issuer}".to_string(),
            "If it asks for a discovery or well-known URL: {discovery_url}".to_string(),
            "Client ID: {client_id}".to_string(),
        ];
        if !public {
            steps.push("Client secret: {client_secret}".into());
            steps.push(match self.auth_method() {
                "client_secret_post" => {
                    "Client authentication: send the credentials in the request body (client_secret_post).".into()
                }
                _ => "Client authentication: HTTP Basic (client_secret_basic), usually the default.".into(),
            });
        } else {
            steps.push("Leave the client secret empty: this is a public client.".into());
        }
        steps.push("Scopes: {scopes}".into());
        match self.pkce() {
            Pkce::Off => {}
            p => steps.push(format!(
                "Turn PKCE on with the {} challenge method.",
                p.challenge_method()
            )),
        }
        steps.push(if self.redirect_uris.len() > 1 {
            "Redirect (callback) URLs the client allows: {redirect_uris}".into()
        } else {
            "Redirect (callback) URL: {redirect_uri}".into()
        });
        steps.push(
            "If the app asks for each endpoint: authorization {authorization_endpoint}, token {token_endpoint}, userinfo {userinfo_endpoint}, JWKS {jwks_uri}."
                .into(),
        );
        steps.push(
            "Save, then sign out and try the Authelia button on the app's sign-in page.".into(),
        );
        let mut notes = self.explain();
        notes.push(
            "Check the app's documentation for how it maps users (by username or email) and whether it creates them on first sign-in.".into(),
        );
        Ok(AppEntry {
            slug: SLUG.into(),
            name: self.name.trim().to_string(),
            description: format!("Custom app: {}", self.name.trim()),
            homepage: None,
            category: "other".into(),
            aliases: Vec::new(),
            popularity: 0,
            tested: Tested::default(),
            guide: None,
            subdomain: subdomain_for(&self.name),
            inputs: t.inputs.clone(),
            variant_label: None,
            client: self.client(),
            id_token_claims: Vec::new(),
            fixed_secret: None,
            oidc_additions: Default::default(),
            definitions: Default::default(),
            app: AppSide {
                steps,
                ..AppSide::default()
            },
            notes,
            differences: Vec::new(),
            variants: Vec::new(),
        })
    }
}

/// The concrete entry for the custom app's values (see [`CustomSpec::from_values`]).
pub fn entry_from_values(values: &BTreeMap<String, String>) -> Result<AppEntry> {
    CustomSpec::from_values(values)?.entry()
}

/// The default client id for a name: lower case, runs of characters outside `a-z 0-9 . _ ~`
/// as `-`, at most 64 characters; `custom-app` when nothing is left.
pub fn default_client_id(name: &str) -> String {
    let mut id = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || "._~".contains(c) {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id: String = id.trim_end_matches('-').chars().take(64).collect();
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "custom-app".into()
    } else {
        id
    }
}

/// Whether an entry is the custom app (the template or a concrete one).
pub fn is_custom(entry: &AppEntry) -> bool {
    entry.slug == SLUG
}

/// Public or confidential, in one line.
pub fn explain_public(public: bool) -> &'static str {
    if public {
        "public client: no secret, for apps that cannot keep one (single-page web apps, mobile and desktop apps, CLIs); it must use PKCE."
    } else {
        "confidential client: the app's server keeps a secret; the right choice for any app with a server side."
    }
}

/// A token endpoint auth method, in one line.
pub fn explain_auth_method(method: &str) -> &'static str {
    match method {
        "client_secret_basic" => {
            "client_secret_basic: the secret goes in an HTTP Basic header; most apps do this, pick client_secret_post if the app says so."
        }
        "client_secret_post" => {
            "client_secret_post: the secret goes in the form body; pick it when the app's docs say post or Basic fails with invalid_client."
        }
        "none" => {
            "none: no client authentication, only for public clients (PKCE protects the code instead)."
        }
        "client_secret_jwt" => {
            "client_secret_jwt: a JWT signed with the secret; Authelia must then store the secret in plaintext."
        }
        "private_key_jwt" => {
            "private_key_jwt: a JWT signed with the app's private key; Authelia needs the app's public key."
        }
        _ => "unknown auth method.",
    }
}

/// A PKCE choice, in one line.
pub fn explain_pkce(pkce: Pkce, public: bool) -> &'static str {
    match (pkce, public) {
        (Pkce::S256, true) => {
            "PKCE S256: required for a public client; it binds the code to the app that asked for it."
        }
        (Pkce::S256, false) => {
            "PKCE S256: extra protection for the code; require it only if the app sends a code challenge (many modern apps do)."
        }
        (Pkce::Plain, _) => "PKCE plain: only for apps that cannot do S256; it protects far less.",
        (Pkce::Off, true) => {
            "PKCE off: Authelia enforces PKCE for public clients by default, so this needs enforce_pkce changed."
        }
        (Pkce::Off, false) => {
            "PKCE not required: the secret authenticates the app; turn on S256 if the app supports PKCE."
        }
    }
}

/// A scope, in one line.
pub fn explain_scope(scope: &str) -> String {
    let why = match scope {
        "openid" => "makes it OpenID Connect: the app gets an ID token with the user's subject",
        "profile" => "name, preferred_username and other profile claims",
        "email" => "the email address and whether it is verified",
        "groups" => "the user's Authelia groups, for apps that map groups to roles",
        "offline_access" | "offline" => {
            "refresh tokens, so the app stays signed in without asking again"
        }
        "address" => "the postal address claim",
        "phone" => "the phone number claims",
        "authelia.bearer.authz" => {
            "bearer access tokens for Authelia-protected APIs (needs audience and PAR)"
        }
        _ => "a scope Authelia does not define; keep it only if the app asks for it",
    };
    format!("scope {scope}: {why}.")
}

/// The inputs of the custom app: key, label, help, default.
const INPUT_KEYS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "name",
        "App name",
        "what Authelia shows on its consent page; also gives the default client id",
        None,
    ),
    (
        "redirect_uris",
        "Redirect URIs",
        "the app's callback address(es) from its OIDC settings or docs, comma-separated; a path like /oauth/callback is joined to the app URL",
        None,
    ),
    (
        "public",
        "Public client",
        "true for apps without a server-side secret (single-page, mobile, desktop, CLI); false otherwise",
        Some("false"),
    ),
    (
        "auth_method",
        "Auth method",
        "client_secret_basic (most apps), client_secret_post (if the app says so) or none (public clients); empty picks by type",
        Some(""),
    ),
    (
        "scopes",
        "Scopes",
        "comma-separated; openid, profile and email suit most apps; add groups for role mapping, offline_access for refresh tokens",
        Some("openid,profile,email"),
    ),
    (
        "pkce",
        "PKCE",
        "S256 if the app supports PKCE (required for public clients), none if it does not; empty picks by type",
        Some(""),
    ),
];

const SAMPLE_APP_URL: &str = "https://app.example.com";

/// The custom app as the catalog shows it (`find("custom")`): its inputs are the spec's fields.
/// Build a concrete entry with [`entry_from_values`] or [`CustomSpec::entry`].
pub fn template() -> &'static AppEntry {
    static T: OnceLock<AppEntry> = OnceLock::new();
    T.get_or_init(|| AppEntry {
        slug: SLUG.into(),
        name: "Custom app".into(),
        description:
            "Any other app: give its name, redirect URIs, client type, auth method, scopes and PKCE"
                .into(),
        homepage: None,
        category: "other".into(),
        aliases: vec![
            "custom app".into(),
            "other".into(),
            "generic".into(),
            "generic oidc".into(),
        ],
        popularity: 0,
        tested: Tested::default(),
        guide: None,
        subdomain: "app".into(),
        inputs: INPUT_KEYS
            .iter()
            .map(|(key, label, help, default)| InputSpec {
                key: key.to_string(),
                label: label.to_string(),
                help: help.to_string(),
                default: default.map(str::to_string),
            })
            .collect(),
        variant_label: None,
        client: CustomSpec {
            name: "Custom app".into(),
            redirect_uris: vec!["/callback".into()],
            ..CustomSpec::default()
        }
        .client(),
        id_token_claims: Vec::new(),
        fixed_secret: None,
        oidc_additions: Default::default(),
        definitions: Default::default(),
        app: AppSide::default(),
        notes: Vec::new(),
        differences: Vec::new(),
        variants: Vec::new(),
    })
}

fn template_uri(u: &str) -> String {
    if u.starts_with('/') {
        format!("{{app_url}}{u}")
    } else {
        u.to_string()
    }
}

/// The default subdomain of a custom app: its default client id with only letters, digits and
/// `-` (`My Wiki` gives `my-wiki`).
pub fn subdomain_for(name: &str) -> String {
    let id = default_client_id(name);
    let s: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-');
    if s.is_empty() {
        "app".into()
    } else {
        s.chars()
            .take(63)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string()
    }
}

fn is_local(u: &str) -> bool {
    let host = u
        .strip_prefix("http://")
        .unwrap_or("")
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or("");
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || u.starts_with("http://[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn errors(spec: &CustomSpec) -> Vec<String> {
        spec.findings()
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn confidential_defaults() {
        let s = CustomSpec::from_values(&values(&[
            ("name", "My Wiki"),
            ("redirect_uris", "https://wiki.example.com/oauth/callback"),
        ]))
        .unwrap();
        assert!(!s.public);
        assert_eq!(s.auth_method(), "client_secret_basic");
        assert_eq!(s.pkce(), Pkce::Off);
        assert_eq!(s.scopes, ["openid", "profile", "email"]);
        assert_eq!(s.default_client_id(), "my-wiki");
        assert!(s.validate().is_ok(), "{:?}", s.findings());
        let c = s.client();
        assert_eq!(c.public, Some(false));
        assert_eq!(c.require_pkce, Some(false));
        assert_eq!(c.pkce_challenge_method.as_deref(), Some(""));
        assert_eq!(c.grant_types.unwrap(), ["authorization_code"]);
        assert_eq!(
            c.token_endpoint_auth_method.as_deref(),
            Some("client_secret_basic")
        );
        assert_eq!(c.client_name.as_deref(), Some("My Wiki"));
    }

    #[test]
    fn public_client_gets_none_and_s256() {
        let s = CustomSpec::from_values(&values(&[
            ("name", "Desk App"),
            (
                "redirect_uris",
                "http://127.0.0.1:8400/cb, com.example.desk:/cb",
            ),
            ("public", "true"),
            ("scopes", "openid offline_access groups"),
        ]))
        .unwrap();
        assert_eq!(s.auth_method(), "none");
        assert_eq!(s.pkce(), Pkce::S256);
        assert_eq!(s.redirect_uris.len(), 2);
        assert!(s.validate().is_ok(), "{:?}", s.findings());
        let c = s.client();
        assert_eq!(
            c.grant_types.unwrap(),
            ["authorization_code", "refresh_token"]
        );
        assert_eq!(c.pkce_challenge_method.as_deref(), Some("S256"));
        assert_eq!(c.token_endpoint_auth_method.as_deref(), Some("none"));
    }

    #[test]
    fn relative_redirects_join_the_app_url() {
        let s = CustomSpec {
            name: "X".into(),
            redirect_uris: vec!["/auth/cb".into(), "https://other.example.com/cb".into()],
            ..CustomSpec::default()
        };
        assert_eq!(
            s.client().redirect_uris.unwrap(),
            ["{app_url}/auth/cb", "https://other.example.com/cb"]
        );
        assert!(s.validate().is_ok());
    }

    #[test]
    fn bad_specs_are_rejected_with_a_reason() {
        let base = CustomSpec {
            name: "App".into(),
            redirect_uris: vec!["https://app.example.com/cb".into()],
            ..CustomSpec::default()
        };
        let cases: Vec<(CustomSpec, &str)> = vec![
            (
                CustomSpec {
                    name: " ".into(),
                    ..base.clone()
                },
                "needs a name",
            ),
            (
                CustomSpec {
                    redirect_uris: vec![],
                    ..base.clone()
                },
                "at least one redirect URI",
            ),
            (
                CustomSpec {
                    redirect_uris: vec!["app.example.com/cb".into()],
                    ..base.clone()
                },
                "must be absolute",
            ),
            (
                CustomSpec {
                    redirect_uris: vec!["https://app.example.com/cb#x".into()],
                    ..base.clone()
                },
                "fragment",
            ),
            (
                CustomSpec {
                    public: true,
                    auth_method: Some("client_secret_post".into()),
                    ..base.clone()
                },
                "public client has no secret",
            ),
            (
                CustomSpec {
                    auth_method: Some("none".into()),
                    ..base.clone()
                },
                "confidential client authenticates",
            ),
            (
                CustomSpec {
                    auth_method: Some("private_key_jwt".into()),
                    ..base.clone()
                },
                "add the client by hand",
            ),
            (
                CustomSpec {
                    auth_method: Some("magic".into()),
                    ..base.clone()
                },
                "not 'magic'",
            ),
            (
                CustomSpec {
                    scopes: vec![],
                    ..base.clone()
                },
                "at least one scope",
            ),
            (
                CustomSpec {
                    scopes: vec!["authelia.bearer.authz".into(), "openid".into()],
                    ..base.clone()
                },
                "authelia.bearer.authz",
            ),
            (
                CustomSpec {
                    name: "a{b}".into(),
                    ..base.clone()
                },
                "braces",
            ),
        ];
        for (spec, want) in cases {
            let e = errors(&spec);
            assert!(
                e.iter().any(|m| m.contains(want)),
                "{spec:?}: wanted '{want}' in {e:?}"
            );
            let err = spec.validate().unwrap_err().to_string();
            assert!(err.starts_with("custom app: "), "{err}");
            assert!(spec.entry().is_err());
        }
        assert!(errors(&base).is_empty());
    }

    #[test]
    fn warnings_do_not_block() {
        let s = CustomSpec {
            name: "App".into(),
            redirect_uris: vec!["http://app.internal/cb".into()],
            scopes: vec!["email".into(), "widgets".into()],
            pkce: Some(Pkce::Plain),
            ..CustomSpec::default()
        };
        let f = s.findings();
        assert!(f.iter().all(|x| x.severity == Severity::Warning), "{f:?}");
        let text: Vec<_> = f.iter().map(|x| x.message.as_str()).collect();
        assert!(text.iter().any(|m| m.contains("uses http")), "{text:?}");
        assert!(text.iter().any(|m| m.contains("lack openid")), "{text:?}");
        assert!(text.iter().any(|m| m.contains("widgets")), "{text:?}");
        assert!(text.iter().any(|m| m.contains("plain")), "{text:?}");
        assert!(s.validate().is_ok());
        let p = CustomSpec {
            public: true,
            pkce: Some(Pkce::Off),
            ..s.clone()
        };
        assert!(
            p.findings()
                .iter()
                .any(|x| x.message.contains("enforces PKCE"))
        );
    }

    #[test]
    fn parsing_values() {
        assert!(parse_public("yes").unwrap());
        assert!(!parse_public("confidential").unwrap());
        assert!(parse_public("maybe").is_err());
        assert_eq!(Pkce::parse("s256").unwrap(), Some(Pkce::S256));
        assert_eq!(Pkce::parse("off").unwrap(), Some(Pkce::Off));
        assert_eq!(Pkce::parse("").unwrap(), None);
        assert!(Pkce::parse("sha1").is_err());
        assert_eq!(split_list(" a, b\nc ,,"), ["a", "b", "c"]);
        let e = CustomSpec::from_values(&values(&[("nmae", "x")])).unwrap_err();
        assert!(e.to_string().contains("unknown value 'nmae'"), "{e}");
        let s =
            CustomSpec::from_values(&values(&[("auth_method", "auto"), ("scopes", "")])).unwrap();
        assert_eq!(s.auth_method, None);
        assert_eq!(s.scopes, DEFAULT_SCOPES);
        let s = CustomSpec::from_values(&values(&[("auth_method", "Client_Secret_POST")])).unwrap();
        assert_eq!(s.auth_method(), "client_secret_post");
    }

    #[test]
    fn client_ids_from_names() {
        assert_eq!(default_client_id("Home Assistant!"), "home-assistant");
        assert_eq!(default_client_id("  Über App "), "ber-app");
        assert_eq!(default_client_id("!!!"), "custom-app");
        assert_eq!(default_client_id("a.b_c~d"), "a.b_c~d");
        assert_eq!(default_client_id(&"x".repeat(300)).len(), 64);
        assert!(client::valid_client_id(&default_client_id("Ωmega — test")).is_ok());
    }

    #[test]
    fn explanations_cover_every_choice() {
        let s = CustomSpec {
            name: "App".into(),
            redirect_uris: vec!["https://a.example.com/cb".into()],
            scopes: vec![
                "openid".into(),
                "groups".into(),
                "offline_access".into(),
                "custom1".into(),
            ],
            ..CustomSpec::default()
        };
        let e = s.explain();
        assert!(e[0].starts_with("confidential client"));
        assert!(e[1].starts_with("client_secret_basic: ") && e[1].contains("client_secret_post"));
        assert!(e[2].starts_with("PKCE not required"));
        for sc in &s.scopes {
            assert!(
                e.iter().any(|l| l.starts_with(&format!("scope {sc}:"))),
                "{sc}"
            );
        }
        assert!(e.iter().any(|l| l.contains("refresh_token")));
        assert!(e.iter().all(|l| !l.contains('\n')));
        for m in AUTH_METHODS {
            assert!(explain_auth_method(m).starts_with(m));
        }
        assert!(explain_public(true).starts_with("public"));
        assert!(explain_pkce(Pkce::S256, true).contains("required"));
    }

    #[test]
    fn entry_is_concrete_and_has_the_template_inputs() {
        let e = entry_from_values(&values(&[
            ("name", "Wiki"),
            ("redirect_uris", "/cb"),
            ("auth_method", "client_secret_post"),
        ]))
        .unwrap();
        assert_eq!(e.slug, SLUG);
        assert_eq!(e.name, "Wiki");
        assert_eq!(e.subdomain, "wiki");
        assert_eq!(e.client.client_id, "wiki");
        assert_eq!(e.inputs, template().inputs);
        assert!(e.app.steps.iter().any(|s| s.contains("{client_secret}")));
        assert!(e.app.steps.iter().any(|s| s.contains("client_secret_post")));
        assert!(e.app.steps.iter().any(|s| s.contains("{redirect_uri}")));
        assert!(e.notes.iter().any(|n| n.starts_with("client_secret_post:")));
        let p = entry_from_values(&values(&[
            ("name", "Spa"),
            ("redirect_uris", "/a,/b"),
            ("public", "true"),
        ]))
        .unwrap();
        assert!(!p.app.steps.iter().any(|s| s.contains("{client_secret}")));
        assert!(p.app.steps.iter().any(|s| s.contains("{redirect_uris}")));
        assert!(p.app.steps.iter().any(|s| s.contains("S256")));
    }

    #[test]
    fn template_is_a_valid_entry() {
        let t = template();
        assert!(is_custom(t));
        let keys: Vec<_> = t.inputs.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "name",
                "redirect_uris",
                "public",
                "auth_method",
                "scopes",
                "pkce"
            ]
        );
        assert!(t.inputs[0].default.is_none() && t.inputs[1].default.is_none());
        assert!(t.inputs[2..].iter().all(|i| i.default.is_some()));
    }
}
