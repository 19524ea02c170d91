//! The serde types of one authentik data file, `assets/authentik/<slug>.yaml`.
//!
//! A file holds only what authentik's own integration guide says differently from the catalog
//! entry of the same slug: the client type, the redirect URIs with their matching mode, the scope
//! mappings (managed ones by name, custom ones with their Python expression), the subject mode,
//! extra grant types, and the app-side steps written for authentik. Name, description, default
//! subdomain and extra inputs come from the catalog entry (`assets/apps/<slug>.yaml`).

use crate::catalog::{AppSide, InputSpec};
use serde::{Deserialize, Serialize};

/// One app as authentik documents it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthentikEntry {
    /// The catalog slug (also the file name).
    pub slug: String,
    /// The authentik integration page this follows (`engomo.mdx`).
    pub guide: String,
    /// The catalog setup (variant id) this matches; none: the catalog's main setup.
    #[serde(default)]
    pub catalog_variant: Option<String>,
    /// One line naming the method when the guide offers several (`hass-openid`).
    #[serde(default)]
    pub label: Option<String>,
    /// `public` or `confidential`.
    pub client_type: ClientType,
    /// The provider's name in authentik (default: `Provider for <app name>`, as authentik's
    /// application wizard names it).
    #[serde(default)]
    pub provider_name: Option<String>,
    /// The application slug (default: the catalog slug). It is part of the issuer URL.
    #[serde(default)]
    pub application_slug: Option<String>,
    /// Redirect URIs, with placeholders.
    pub redirect_uris: Vec<RedirectSpec>,
    /// The scopes the app requests (for `{scopes}` in the steps).
    pub scopes: Vec<String>,
    /// Managed scope mappings to attach, by scope: `openid`, `email`, `profile`,
    /// `offline_access`, `entitlements`.
    pub managed_mappings: Vec<String>,
    /// Custom scope mappings the blueprint creates and attaches.
    #[serde(default)]
    pub custom_mappings: Vec<CustomMapping>,
    /// Grant types (default: `authorization_code`, plus `refresh_token` when the
    /// `offline_access` mapping is attached).
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    /// Subject mode (`user_username`, `user_email`, ...); none: authentik's default
    /// (`hashed_user_id`).
    #[serde(default)]
    pub sub_mode: Option<String>,
    /// Access token validity (`minutes=10`); none: authentik's default.
    #[serde(default)]
    pub access_token_validity: Option<String>,
    /// Back-channel or front-channel logout URL of the app (with placeholders).
    #[serde(default)]
    pub logout_uri: Option<String>,
    /// `backchannel` or `frontchannel` (with [`AuthentikEntry::logout_uri`]).
    #[serde(default)]
    pub logout_method: Option<String>,
    /// Whether claims go in the ID token; none: authentik's default (`true`).
    #[serde(default)]
    pub include_claims_in_id_token: Option<bool>,
    /// The dashboard launch URL (default `{app_url}/`).
    #[serde(default)]
    pub launch_url: Option<String>,
    /// Extra values the user must give for this setup (beyond the catalog entry's).
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
    /// What to do in authentik beyond applying the blueprint (bindings, entitlements, ...).
    #[serde(default)]
    pub authentik_steps: Vec<String>,
    /// What to do in the app, written for authentik; none: the catalog entry's steps, env and
    /// files apply as they are (filled with authentik's values).
    #[serde(default)]
    pub app: Option<AppSide>,
    /// Facts the user must know.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Where authentik's guide departs from Authelia's.
    #[serde(default)]
    pub differences: Vec<String>,
}

/// authentik's client types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientType {
    /// Has a secret.
    Confidential,
    /// Has none (a mobile or single-page app).
    Public,
}

impl ClientType {
    /// The value in a blueprint.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientType::Confidential => "confidential",
            ClientType::Public => "public",
        }
    }
}

/// How authentik compares a redirect URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchingMode {
    /// Exact string comparison.
    #[default]
    Strict,
    /// A Python regular expression.
    Regex,
}

impl MatchingMode {
    /// The value in a blueprint.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchingMode::Strict => "strict",
            MatchingMode::Regex => "regex",
        }
    }
}

/// What a redirect URI is for (authentik 2026.5+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RedirectKind {
    /// Where the authorization response goes.
    #[default]
    Authorization,
    /// An allowed `post_logout_redirect_uri`.
    Logout,
}

impl RedirectKind {
    /// The value in a blueprint.
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectKind::Authorization => "authorization",
            RedirectKind::Logout => "logout",
        }
    }
}

/// One redirect URI template.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectSpec {
    /// The URL (or regular expression), with placeholders.
    pub url: String,
    /// Matching mode (default strict).
    #[serde(default)]
    pub matching_mode: MatchingMode,
    /// Authorization (default) or logout.
    #[serde(default, rename = "type")]
    pub kind: RedirectKind,
}

/// A custom scope mapping.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomMapping {
    /// Unique name in authentik (default: `<App name> <scope>`).
    #[serde(default)]
    pub name: Option<String>,
    /// The scope it answers.
    pub scope: String,
    /// Python returning a dict of claims.
    pub expression: String,
    /// Shown on the consent screen.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether this mapping stands in for the managed mapping of the same scope (the managed one
    /// is then not attached, since authentik would run both).
    #[serde(default)]
    pub replaces_managed: bool,
}

/// The managed scope mappings a blueprint can attach, by scope name.
pub const MANAGED_SCOPES: &[&str] = &[
    "openid",
    "email",
    "profile",
    "offline_access",
    "entitlements",
];

/// The subject modes authentik knows.
pub const SUB_MODES: &[&str] = &[
    "hashed_user_id",
    "user_id",
    "user_uuid",
    "user_username",
    "user_email",
    "user_upn",
];

/// The grant types authentik knows.
pub const GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "hybrid",
    "refresh_token",
    "client_credentials",
    "password",
    "urn:ietf:params:oauth:grant-type:device_code",
];

/// Application slugs authentik refuses (they collide with its endpoints).
pub const RESERVED_SLUGS: &[&str] = &[
    "authorize",
    "token",
    "device",
    "userinfo",
    "introspect",
    "revoke",
];

impl AuthentikEntry {
    /// Checks what serde cannot. Returns the first problem.
    pub fn check(&self) -> Result<(), String> {
        if self.redirect_uris.is_empty() {
            return Err("redirect_uris is empty".into());
        }
        if !self.redirect_uris.iter().any(|r| {
            r.kind == RedirectKind::Authorization && r.matching_mode == MatchingMode::Strict
        }) {
            return Err("at least one strict authorization redirect URI is needed".into());
        }
        for m in &self.managed_mappings {
            if !MANAGED_SCOPES.contains(&m.as_str()) {
                return Err(format!(
                    "managed mapping '{m}' is not one of {}",
                    MANAGED_SCOPES.join(", ")
                ));
            }
        }
        if !self.managed_mappings.iter().any(|m| m == "openid") {
            return Err("the managed openid mapping is required".into());
        }
        let mut names: Vec<_> = self
            .custom_mappings
            .iter()
            .map(|c| c.scope.as_str())
            .collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err("two custom mappings answer the same scope".into());
        }
        for c in &self.custom_mappings {
            if c.scope.trim().is_empty() || c.expression.trim().is_empty() {
                return Err("a custom mapping needs a scope and an expression".into());
            }
            if c.replaces_managed && self.managed_mappings.contains(&c.scope) {
                return Err(format!(
                    "custom mapping for '{}' replaces the managed one, which is still listed",
                    c.scope
                ));
            }
        }
        if let Some(s) = &self.sub_mode
            && !SUB_MODES.contains(&s.as_str())
        {
            return Err(format!(
                "sub_mode '{s}' is not one of {}",
                SUB_MODES.join(", ")
            ));
        }
        for g in self.grant_types.iter().flatten() {
            if !GRANT_TYPES.contains(&g.as_str()) {
                return Err(format!("grant type '{g}' is not one authentik knows"));
            }
        }
        if let Some(g) = &self.grant_types
            && !g.iter().any(|g| g == "authorization_code")
        {
            return Err("grant_types must include authorization_code".into());
        }
        for scope in &self.scopes {
            let served = self.managed_mappings.contains(scope)
                || self.custom_mappings.iter().any(|c| &c.scope == scope);
            if !served {
                return Err(format!(
                    "scope '{scope}' is requested but no mapping for it is attached (authentik would refuse it)"
                ));
            }
        }
        match (&self.logout_uri, self.logout_method.as_deref()) {
            (Some(_), Some("backchannel" | "frontchannel")) | (None, None) => {}
            (Some(_), None) => return Err("logout_uri needs logout_method".into()),
            (None, Some(_)) => return Err("logout_method needs logout_uri".into()),
            (Some(_), Some(m)) => {
                return Err(format!(
                    "logout_method '{m}' is not backchannel or frontchannel"
                ));
            }
        }
        if let Some(c) = self
            .custom_mappings
            .iter()
            .find(|c| c.expression.starts_with(char::is_whitespace))
        {
            return Err(format!(
                "the expression of the '{}' mapping starts with white space",
                c.scope
            ));
        }
        if let Some(slug) = &self.application_slug
            && !valid_slug(slug)
        {
            return Err(format!(
                "application_slug '{slug}' is not a valid authentik slug"
            ));
        }
        Ok(())
    }

    /// The grant types the provider lists.
    pub fn grants(&self) -> Vec<String> {
        match &self.grant_types {
            Some(g) => g.clone(),
            None => {
                let mut g = vec!["authorization_code".to_string()];
                if self.managed_mappings.iter().any(|m| m == "offline_access") {
                    g.push("refresh_token".into());
                }
                g
            }
        }
    }
}

/// Whether `s` is a slug authentik accepts for an application: lower-case letters, digits, `-`
/// and `_`, and not one of its endpoint names.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 50
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !RESERVED_SLUGS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "slug: x
guide: x.md
client_type: confidential
redirect_uris:
  - url: '{app_url}/cb'
scopes: [openid]
managed_mappings: [openid, email]
app: {}
";

    fn parse(extra: &str) -> AuthentikEntry {
        serde_yaml::from_str(&format!("{BASE}{extra}")).unwrap()
    }

    fn problem(e: &AuthentikEntry) -> String {
        e.check().unwrap_err()
    }

    #[test]
    fn a_minimal_entry_is_fine_and_defaults_apply() {
        let e = parse("");
        assert_eq!(e.check(), Ok(()));
        assert_eq!(e.grants(), ["authorization_code"]);
        assert_eq!(e.redirect_uris[0].matching_mode, MatchingMode::Strict);
        assert_eq!(e.redirect_uris[0].kind, RedirectKind::Authorization);
        let mut e = e;
        e.managed_mappings.push("offline_access".into());
        assert_eq!(e.grants(), ["authorization_code", "refresh_token"]);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(
            serde_yaml::from_str::<AuthentikEntry>(&format!("{BASE}subject_mode: user_email\n"))
                .is_err()
        );
        assert!(
            serde_yaml::from_str::<AuthentikEntry>(&BASE.replace("confidential", "secret"))
                .is_err()
        );
    }

    #[test]
    fn check_catches_what_serde_cannot() {
        let mut e = parse("");
        e.redirect_uris.clear();
        assert!(problem(&e).contains("empty"));

        let mut e = parse("");
        e.redirect_uris[0].matching_mode = MatchingMode::Regex;
        assert!(problem(&e).contains("strict authorization"));

        let mut e = parse("");
        e.managed_mappings.push("groups".into());
        assert!(problem(&e).contains("'groups'"));

        let mut e = parse("");
        e.managed_mappings.retain(|m| m != "openid");
        assert!(problem(&e).contains("openid"));

        let e = parse(
            "custom_mappings:\n  - {scope: email, expression: 'return {}', replaces_managed: true}\n",
        );
        assert!(problem(&e).contains("still listed"));

        let e = parse(
            "custom_mappings:\n  - {scope: a, expression: 'return {}'}\n  - {scope: a, expression: 'return {}'}\n",
        );
        assert!(problem(&e).contains("same scope"));

        let e = parse("custom_mappings:\n  - {scope: a, expression: '  return {}'}\n");
        assert!(problem(&e).contains("white space"));

        assert!(problem(&parse("sub_mode: user_mail\n")).contains("sub_mode"));
        assert!(problem(&parse("grant_types: [authorization_code, magic]\n")).contains("magic"));
        assert!(problem(&parse("grant_types: [refresh_token]\n")).contains("authorization_code"));
        assert!(problem(&parse("logout_uri: '{app_url}/x'\n")).contains("logout_method"));
        assert!(problem(&parse("logout_method: backchannel\n")).contains("logout_uri"));
        assert!(problem(&parse("logout_uri: x\nlogout_method: sideways\n")).contains("sideways"));
        assert!(problem(&parse("application_slug: token\n")).contains("slug"));
        assert_eq!(
            parse("logout_uri: x\nlogout_method: frontchannel\n").check(),
            Ok(())
        );
    }

    #[test]
    fn requested_scopes_need_a_mapping() {
        let mut e = parse("");
        e.scopes.push("profile".into());
        assert!(problem(&e).contains("'profile'"));
        e.managed_mappings.push("profile".into());
        assert_eq!(e.check(), Ok(()));
        let mut e = parse("custom_mappings:\n  - {scope: roles, expression: 'return {}'}\n");
        e.scopes.push("roles".into());
        assert_eq!(e.check(), Ok(()));
    }

    #[test]
    fn slugs() {
        assert!(valid_slug("my-app_2"));
        for bad in [
            "",
            "My-App",
            "a b",
            "authorize",
            "userinfo",
            "a/b",
            &"a".repeat(51),
        ] {
            assert!(!valid_slug(bad), "{bad:?}");
        }
    }
}
